/*
 * From parsed answers to a batch, in the loop.  Each VE has one metering
 * state (struct vstate) whichever node reports it, so a VE moved between
 * nodes continues from where it was.  A sample of a VE that the database
 * does not place on the answering node is dropped and counted.  The
 * first sample of a VE in a batch opens its entry: from our last state if
 * that was handed over (known), else as the head the writer reconciles
 * with the database's counter state.  Every flush_s the batch is closed
 * (end states filled in) and queued for the writer.
 *
 * Availability rides along: every answer that says whether a VE runs
 * (ve_up) marks that second seen, and up or down, in the VE's record for
 * the minute (struct bavail); a suspended VE's seconds are not counted at
 * all (the ISP stopped it on purpose).  collect_outage() marks the seconds
 * of a whole-node outage down for the VEs last seen active there.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "batch.h"
#include "billingd.h"
#include "prom.h"
#include "collect.h"
#include "snapshot.h"
#include "util.h"

/* --- VE metering states --- */

static struct vstate *
vt_find(struct vtable *t, uint32_t ve)
{
	long i = vep_idx_find(&t->idx, t->v, sizeof(*t->v), offsetof(struct vstate, ve), ve);

	return i < 0 ? NULL : &t->v[i];
}

static int
vt_rehash(struct vtable *t, size_t nslot)
{
	return vep_idx_rehash(&t->idx, nslot, t->v, t->n, sizeof(*t->v), offsetof(struct vstate, ve));
}

static struct vstate *
vt_get(struct vtable *t, uint32_t ve)
{
	struct vstate *v;

	if ((v = vt_find(t, ve)) != NULL)
		return v;
	if (vep_grow((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v), 1024) == -1)
		return NULL;
	if ((t->n + 1) * 2 > t->idx.nslot && vt_rehash(t, t->idx.nslot ? t->idx.nslot * 2 : 2048) == -1)
		return NULL;
	v = &t->v[t->n];
	memset(v, 0, sizeof(*v));
	v->ve = ve;
	v->entry = -1;
	v->av = -1;
	vep_idx_put(&t->idx, ve, t->n);
	t->n++;
	return v;
}

static int
vs_set_ips(struct vstate *v, const struct mip *ip, size_t n)
{
	if (n > v->cip) {
		void *np = realloc(v->ip, n * sizeof(*ip));
		if (np == NULL)
			return -1;
		v->ip = np;
		v->cip = n;
	}
	if (n > 0)
		memmove(v->ip, ip, n * sizeof(*ip));
	v->nip = n;
	return 0;
}

/* Forget the batch being built: every VE starts its next entry unknown. */
static void
drop_batch(struct billingd *bd, const char *why)
{
	struct vtable *t = &bd->L.vt;

	log_warnx("batch of %zu VEs dropped: %s; the database's counter state "
	    "will recover the usage", bd->L.cur ? bd->L.cur->ne : 0, why);
	for (size_t i = 0; i < t->n; i++) {
		t->v[i].entry = -1;
		t->v[i].known = 0;
		t->v[i].av = -1;
	}
	batch_free(bd->L.cur);
	bd->L.cur = NULL;
	bd->L.fig.batches_lost++;
}

/* One VE of an answer into the batch; 0, or -1 when out of memory. */
static int
collect_ve(struct billingd *bd, struct batch *b, struct vstate *v,
    const struct mcount *now, const struct mip *ip, size_t nip)
{
	struct mip dip[PROM_MAX_IPS], merged[BATCH_MAX_IPS];
	struct mspan span;
	size_t nm;
	long e;

	if (v->entry < 0) {
		if (v->have && v->known) {
			e = batch_add_entry(b, v->ve, BE_KNOWN, &v->cur, v->ip, v->nip);
		} else {
			/* Head of an unknown entry: the writer finds its span. */
			if ((e = batch_add_entry(b, v->ve, 0, now, ip, nip)) == -1)
				return -1;
			v->entry = e;
			v->cur = *now;
			v->have = v->known = 1;
			return vs_set_ips(v, ip, nip);
		}
		if (e == -1)
			return -1;
		v->entry = e;
	}
	meter_delta(&v->cur, v->ip, v->nip, now, ip, nip, bd->max_spread_s, &span, dip);
	if (batch_add_span(b, (uint32_t)v->entry, &span, dip, nip) == -1)
		return -1;
	if (span.why != METER_CONT)
		b->e[v->entry].flags |= BE_IPS_RESET;
	nm = meter_merge_ips(v->ip, v->nip, ip, nip, span.why != METER_CONT,
	    merged, BATCH_MAX_IPS);
	v->cur = *now;
	return vs_set_ips(v, merged, nm);
}

/* Second t of VE v seen, up or down, in the batch b; 0 or -1 when out of memory. */
static int
avail_mark(struct batch *b, struct vstate *v, int64_t t, int up)
{
	if (v->av < 0 || batch_avail_mark(&b->av[v->av], t, up) == -1) {
		/* A new minute (seconds come in order; an older one gets a record of its own). */
		if ((v->av = batch_add_avail(b, v->ve, t)) == -1)
			return -1;
		(void)batch_avail_mark(&b->av[v->av], t, up);
	}
	return 0;
}

void
collect_answer(struct billingd *bd, uint32_t node_id, const struct prom_set *s, int64_t t)
{
	const struct vemap *assign = bd->L.snap ? &bd->L.snap->assign : NULL;
	struct mip ip[PROM_MAX_IPS];
	struct mcount c;
	struct vstate *v;

	if (bd->L.cur == NULL && (bd->L.cur = batch_new(t)) == NULL) {
		log_warn("%s: batch", __func__);
		return;
	}
	for (size_t i = 0; i < s->nve; i++) {
		const struct prom_ve *pv = &s->ve[i];

		if (assign == NULL || vemap_get(assign, pv->id) != node_id) {
			bd->L.fig.ignored++;
			continue;
		}
		if ((v = vt_get(&bd->L.vt, pv->id)) == NULL) {
			drop_batch(bd, "out of memory");
			return;
		}
		if (pv->have & PROM_HAVE_UP) {
			v->av_node = node_id;
			v->av_active = pv->active;
			/* Suspended on purpose: neither up nor down. */
			if (pv->active && avail_mark(bd->L.cur, v, t, pv->up) == -1) {
				drop_batch(bd, "out of memory");
				return;
			}
			bd->L.fig.avail_seconds[pv->active ? (pv->up ? 0 : 1) : 2]++;
		}
		if ((pv->have & PROM_HAVE_ALL) != PROM_HAVE_ALL) {
			v->seen = t;	/* known to the node, not running: no counters */
			continue;
		}
		if (v->have && t <= v->cur.t) {
			bd->L.fig.stale++;	/* a second already metered (clock step) */
			continue;
		}
		memset(&c, 0, sizeof(c));
		c.t = t;
		c.node_id = node_id;
		c.agent_start_us = s->agent_start_us;
		c.ve_start_us = pv->start_us;
		c.cpu_user_us = pv->cpu_user_us;
		c.cpu_sys_us = pv->cpu_sys_us;
		c.vmem = pv->vmem;
		c.disk = pv->disk;
		for (uint32_t k = 0; k < pv->nip; k++) {
			memcpy(ip[k].addr, s->ip[pv->ip_off + k].addr, 16);
			ip[k].rx = s->ip[pv->ip_off + k].rx;
			ip[k].tx = s->ip[pv->ip_off + k].tx;
		}
		if (collect_ve(bd, bd->L.cur, v, &c, ip, pv->nip) == -1) {
			drop_batch(bd, "out of memory");
			return;
		}
		v->seen = t;
		bd->L.fig.samples++;
		bd->L.fig.tick_samples++;
	}
}

int
collect_handoff(struct billingd *bd, int64_t now)
{
	struct batch *b = bd->L.cur;
	struct vstate *v;
	int full = 0;

	bd->L.last_handoff = now;
	if (b == NULL || (b->ne == 0 && b->nav == 0))
		return 0;
	for (size_t i = 0; i < b->nav; i++)
		if ((v = vt_find(&bd->L.vt, b->av[i].ve)) != NULL)
			v->av = -1;
	for (size_t i = 0; i < b->ne; i++) {
		if ((v = vt_find(&bd->L.vt, b->e[i].ve)) == NULL)
			continue;	/* cannot happen: entries come from states */
		if (batch_set_end(b, (uint32_t)i, &v->cur, v->ip, v->nip) == -1) {
			drop_batch(bd, "out of memory");
			return -1;
		}
		v->entry = -1;
	}
	bd->L.cur = NULL;
	pthread_mutex_lock(&bd->S.mu);
	if (bd->S.q_bytes + batch_bytes(b) > bd->queue_max)
		full = 1;
	else {
		if (bd->S.q_tail != NULL)
			bd->S.q_tail->next = b;
		else
			bd->S.q = b;
		bd->S.q_tail = b;
		b->no = ++bd->S.handed;
		bd->S.q_bytes += batch_bytes(b);
		bd->S.q_n++;
		pthread_cond_signal(&bd->S.cv);
	}
	pthread_mutex_unlock(&bd->S.mu);
	if (full) {
		/* The writer is far behind: drop this batch, recover later. */
		bd->L.cur = b;
		drop_batch(bd, "the writer's queue is full");
		return -1;
	}
	bd->L.fig.batches_made++;
	return 0;
}

void
collect_outage(struct billingd *bd, uint32_t node_id, int64_t t0, int64_t t1)
{
	struct vtable *t = &bd->L.vt;
	const struct vemap *assign = bd->L.snap ? &bd->L.snap->assign : NULL;
	uint64_t n = 0;

	if (t1 < t0 || assign == NULL)
		return;
	if (bd->L.cur == NULL && (bd->L.cur = batch_new(t1)) == NULL) {
		log_warn("%s: batch", __func__);
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		struct vstate *v = &t->v[i];

		/* Last seen there, active, and still placed there. */
		if (v->av_node != node_id || !v->av_active || vemap_get(assign, v->ve) != node_id)
			continue;
		for (int64_t s = t0; s <= t1; s++) {
			if (avail_mark(bd->L.cur, v, s, 0) == -1) {
				drop_batch(bd, "out of memory");
				return;
			}
			n++;
		}
		v->seen = t1;
	}
	bd->L.fig.avail_seconds[3] += n;
}

/*
 * Forget VEs not sampled for an hour (deleted, or moved to a node another
 * billingd polls): their state would only be stale.  Should one come
 * back, it starts unknown and the database's state decides.
 */
void
collect_gc(struct billingd *bd, int64_t now)
{
	struct vtable *t = &bd->L.vt;
	size_t k = 0;

	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].entry < 0 && now - t->v[i].seen > 3600) {
			free(t->v[i].ip);
			continue;
		}
		t->v[k++] = t->v[i];
	}
	if (k == t->n)
		return;
	t->n = k;
	if (vt_rehash(t, t->idx.nslot) == -1)
		fatalx("%s: out of memory", __func__);
}

void
collect_free(struct billingd *bd)
{
	struct vtable *t = &bd->L.vt;

	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].ip);
	free(t->v);
	free(t->idx.slot);
	memset(t, 0, sizeof(*t));
	batch_free(bd->L.cur);
	bd->L.cur = NULL;
}
