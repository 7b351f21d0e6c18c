/*
 * Counters to usage: delta and reset rules, address state, gap spreading
 * and the reconciliation plan.  Pure functions; see meter.h.
 */
#include <string.h>

#include "meter.h"

#define US	1000000ULL

static uint64_t
counter(uint64_t old, uint64_t new, int reset, unsigned *down, unsigned bit)
{
	if (reset)
		return new;
	if (new < old) {
		*down |= bit;
		return new;
	}
	return new - old;
}

static const struct mip *
find_ip(const struct mip *ip, size_t n, const uint8_t addr[16])
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(ip[i].addr, addr, 16) == 0)
			return &ip[i];
	return NULL;
}

void
meter_delta(const struct mcount *old, const struct mip *oip, size_t onip,
    const struct mcount *new, const struct mip *nip, size_t nnip,
    int64_t max_spread, struct mspan *s, struct mip *dip)
{
	uint64_t since_us;
	int reset;

	memset(s, 0, sizeof(*s));
	if (old == NULL)
		s->why = METER_FIRST;
	else if (old->ve_start_us != new->ve_start_us)
		s->why = METER_VE_RESTART;
	else if (old->node_id == new->node_id &&
	    old->agent_start_us != new->agent_start_us)
		s->why = METER_AGENT_RESTART;
	else
		s->why = METER_CONT;
	reset = s->why != METER_CONT;

	s->cpu_user_us = counter(reset ? 0 : old->cpu_user_us, new->cpu_user_us,
	    reset, &s->down, METER_DOWN_USER);
	s->cpu_sys_us = counter(reset ? 0 : old->cpu_sys_us, new->cpu_sys_us,
	    reset, &s->down, METER_DOWN_SYS);
	for (size_t i = 0; i < nnip; i++) {
		const struct mip *o = reset ? NULL : find_ip(oip, onip, nip[i].addr);
		memcpy(dip[i].addr, nip[i].addr, 16);
		/* An address not seen before counts in full, like a new VE. */
		dip[i].rx = counter(o ? o->rx : 0, nip[i].rx, o == NULL, &s->down,
		    METER_DOWN_NET);
		dip[i].tx = counter(o ? o->tx : 0, nip[i].tx, o == NULL, &s->down,
		    METER_DOWN_NET);
	}
	s->vmem = new->vmem;
	s->disk = new->disk;

	/*
	 * The seconds covered: since the last sample; on a first sample or a
	 * VE restart since the VE's start (its counters count from there);
	 * on an agent restart since the later of the VE's and the agent's
	 * start.  Never before the last sample already accounted.
	 */
	s->t1 = new->t;
	if (!reset)
		s->t0 = old->t;
	else {
		since_us = new->ve_start_us;
		if (s->why == METER_AGENT_RESTART && new->agent_start_us > since_us)
			since_us = new->agent_start_us;
		s->t0 = since_us / US > (uint64_t)INT64_MAX ? new->t - 1 :
		    (int64_t)(since_us / US);
		if (old != NULL && s->t0 < old->t)
			s->t0 = old->t;
	}
	if (max_spread < 1)
		max_spread = 1;
	if (s->t0 >= s->t1)
		s->t0 = s->t1 - 1;
	if (s->t1 - s->t0 > max_spread)
		s->t0 = s->t1 - max_spread;
}

size_t
meter_merge_ips(const struct mip *oip, size_t onip, const struct mip *nip,
    size_t nnip, int reset, struct mip *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < nnip && n < cap; i++)
		out[n++] = nip[i];
	if (reset)
		return n;
	for (size_t i = 0; i < onip && n < cap; i++)
		if (find_ip(nip, nnip, oip[i].addr) == NULL)
			out[n++] = oip[i];
	return n;
}

uint64_t
meter_share(uint64_t d, int64_t t0, int64_t t1, int64_t lo, int64_t hi)
{
	uint64_t n, q, r, c, extra = 0;
	int64_t a, b, ea;

	if (t1 <= t0)
		return 0;
	a = lo > t0 + 1 ? lo : t0 + 1;
	b = hi < t1 ? hi : t1;
	if (a > b)
		return 0;
	n = (uint64_t)(t1 - t0);
	q = d / n;
	r = d % n;
	c = (uint64_t)(b - a) + 1;
	/* The remainder's seconds are t1 - r + 1 .. t1. */
	ea = t1 - (int64_t)r + 1;
	if (ea < a)
		ea = a;
	if (r > 0 && ea <= b)
		extra = (uint64_t)(b - ea) + 1;
	return q * c + extra;
}

enum meter_plan
meter_plan(const struct mcount *db, int known, int64_t base_t,
    const struct mcount *head, const struct mcount *end)
{
	if (known && db != NULL && db->t == base_t && head->t == base_t &&
	    db->ve_start_us == head->ve_start_us &&
	    db->agent_start_us == head->agent_start_us &&
	    db->cpu_user_us == head->cpu_user_us &&
	    db->cpu_sys_us == head->cpu_sys_us)
		return PLAN_AS_IS;
	if (db != NULL && db->t >= end->t)
		return PLAN_SKIP;
	if (db != NULL && db->t >= head->t)
		return PLAN_REPLACE;
	return PLAN_PREPEND;
}
