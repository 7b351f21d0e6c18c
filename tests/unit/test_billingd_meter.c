/*
 * Unit tests of billingd's metering: the delta and reset rules
 * (meter_delta), address state (meter_merge_ips), gap spreading
 * (meter_share, rollup_build across minute, hour and day boundaries) and
 * the reconciliation plan (meter_plan).  Every row names its line.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meter.h"
#include "prom.h"
#include "rollup.h"

#define S	1000000ULL	/* a second in microseconds */
#define T	1795341600LL	/* 2026-11-22T10:00:00Z, a whole hour */

struct ip1 {
	int		 v4;	/* last octet of 192.0.2.x, 0: none */
	uint64_t	 rx, tx;
};

static const struct {
	int		 line;
	int		 has_old;
	struct mcount	 old;
	struct ip1	 oip[2];
	struct mcount	 new;
	struct ip1	 nip[2];
	int64_t		 max_spread;
	enum meter_why	 why;
	uint64_t	 user, sys;
	int64_t		 t0, t1;
	unsigned	 down;
	uint64_t	 rx[2], tx[2];
} delta_rows[] = {
	/* First sample ever: counts in full, spread back to the VE's start. */
	{ __LINE__, 0, { 0 }, { { 0 } },
	  { T, 1, (T - 3600) * S, (T - 100) * S + 500000, 7000000, 300, 0, 0 }, { { 10, 500, 40 } },
	  86400, METER_FIRST, 7000000, 300, T - 100, T, 0, { 500 }, { 40 } },
	/* First sample of a VE older than its agent: since the VE's start. */
	{ __LINE__, 0, { 0 }, { { 0 } },
	  { T, 1, (T - 10) * S, (T - 50) * S, 70, 0, 0, 0 }, { { 0 } },
	  86400, METER_FIRST, 70, 0, T - 50, T, 0, { 0 }, { 0 } },
	/* First sample whose VE started before max_spread: clamped. */
	{ __LINE__, 0, { 0 }, { { 0 } },
	  { T, 1, (T - 9000) * S, (T - 9000) * S, 5, 5, 0, 0 }, { { 0 } },
	  3600, METER_FIRST, 5, 5, T - 3600, T, 0, { 0 }, { 0 } },
	/* First sample with the start in the future (clock skew): one second. */
	{ __LINE__, 0, { 0 }, { { 0 } },
	  { T, 1, T * S, (T + 50) * S, 5, 5, 0, 0 }, { { 0 } },
	  3600, METER_FIRST, 5, 5, T - 1, T, 0, { 0 }, { 0 } },
	/* Counting on: new - old over (old.t, new.t]. */
	{ __LINE__, 1, { T - 1, 1, 10 * S, 20 * S, 1000, 100, 7, 8 }, { { 10, 100, 10 } },
	  { T, 1, 10 * S, 20 * S, 1700, 130, 9, 9 }, { { 10, 150, 12 } },
	  86400, METER_CONT, 700, 30, T - 1, T, 0, { 50 }, { 2 } },
	/* A gap of missed polls: one delta over the whole gap. */
	{ __LINE__, 1, { T - 10, 1, 10 * S, 20 * S, 1000, 100, 0, 0 }, { { 0 } },
	  { T, 1, 10 * S, 20 * S, 2000, 100, 0, 0 }, { { 0 } },
	  86400, METER_CONT, 1000, 0, T - 10, T, 0, { 0 }, { 0 } },
	/* A gap longer than max_spread: spread over its last seconds. */
	{ __LINE__, 1, { T - 10000, 1, 10 * S, 20 * S, 1000, 100, 0, 0 }, { { 0 } },
	  { T, 1, 10 * S, 20 * S, 2000, 100, 0, 0 }, { { 0 } },
	  600, METER_CONT, 1000, 0, T - 600, T, 0, { 0 }, { 0 } },
	/* VE restarted: delta = new, from its new start. */
	{ __LINE__, 1, { T - 5, 1, 10 * S, 20 * S, 1000, 100, 0, 0 }, { { 10, 900, 900 } },
	  { T, 1, 10 * S, (T - 2) * S, 40, 4, 0, 0 }, { { 10, 3, 2 } },
	  86400, METER_VE_RESTART, 40, 4, T - 2, T, 0, { 3 }, { 2 } },
	/* VE restarted with a start before the last sample: not before it. */
	{ __LINE__, 1, { T - 5, 1, 10 * S, 20 * S, 1000, 100, 0, 0 }, { { 0 } },
	  { T, 1, 10 * S, 19 * S, 40, 4, 0, 0 }, { { 0 } },
	  86400, METER_VE_RESTART, 40, 4, T - 5, T, 0, { 0 }, { 0 } },
	/* Agent restarted on the same node: reset, counted since the agent's start. */
	{ __LINE__, 1, { T - 5, 1, 10 * S, 20 * S, 1000, 100, 0, 0 }, { { 10, 900, 900 } },
	  { T, 1, (T - 3) * S, 20 * S, 2500, 600, 0, 0 }, { { 10, 950, 1000 } },
	  86400, METER_AGENT_RESTART, 2500, 600, T - 3, T, 0, { 950 }, { 1000 } },
	/* VE moved to another node, its counters intact: it continues. */
	{ __LINE__, 1, { T - 1, 1, 10 * S, 20 * S, 1000, 100, 0, 0 }, { { 10, 100, 100 } },
	  { T, 2, 55 * S, 20 * S, 1500, 150, 0, 0 }, { { 10, 160, 110 } },
	  86400, METER_CONT, 500, 50, T - 1, T, 0, { 60 }, { 10 } },
	/* VE moved and started anew there: reset. */
	{ __LINE__, 1, { T - 1, 1, 10 * S, 20 * S, 1000, 100, 0, 0 }, { { 10, 100, 100 } },
	  { T, 2, 55 * S, (T - 1) * S, 30, 3, 0, 0 }, { { 10, 6, 7 } },
	  86400, METER_VE_RESTART, 30, 3, T - 1, T, 0, { 6 }, { 7 } },
	/* A counter going down is a reset of that counter only. */
	{ __LINE__, 1, { T - 1, 1, 10 * S, 20 * S, 1000, 100, 0, 0 }, { { 0 } },
	  { T, 1, 10 * S, 20 * S, 400, 150, 0, 0 }, { { 0 } },
	  86400, METER_CONT, 400, 50, T - 1, T, METER_DOWN_USER, { 0 }, { 0 } },
	{ __LINE__, 1, { T - 1, 1, 10 * S, 20 * S, 1000, 100, 0, 0 }, { { 0 } },
	  { T, 1, 10 * S, 20 * S, 1000, 99, 0, 0 }, { { 0 } },
	  86400, METER_CONT, 0, 99, T - 1, T, METER_DOWN_SYS, { 0 }, { 0 } },
	/* Addresses: a new one counts in full, one going down from its value. */
	{ __LINE__, 1, { T - 1, 1, 10 * S, 20 * S, 0, 0, 0, 0 }, { { 10, 100, 100 }, { 0 } },
	  { T, 1, 10 * S, 20 * S, 0, 0, 0, 0 }, { { 10, 50, 120 }, { 11, 7, 8 } },
	  86400, METER_CONT, 0, 0, T - 1, T, METER_DOWN_NET, { 50, 7 }, { 20, 8 } },
	/* Huge counters: exact to the last unit. */
	{ __LINE__, 1, { T - 1, 1, 10 * S, 20 * S, 9223372036854775000ULL, 1, 0, 0 },
	  { { 10, 9223372036854775000ULL, 0 } },
	  { T, 1, 10 * S, 20 * S, 9223372036854775807ULL, 1, 0, 0 },
	  { { 10, 9223372036854775807ULL, 0 } },
	  86400, METER_CONT, 807, 0, T - 1, T, 0, { 807 }, { 0 } },
};

static size_t
mk_ips(const struct ip1 *in, struct mip *out)
{
	size_t n = 0;

	for (size_t i = 0; i < 2 && in[i].v4 != 0; i++, n++) {
		char s[32];
		snprintf(s, sizeof(s), "192.0.2.%d", in[i].v4);
		ck_assert(prom_ip_parse(s, strlen(s), out[n].addr) == 0);
		out[n].rx = in[i].rx;
		out[n].tx = in[i].tx;
	}
	return n;
}

START_TEST(test_delta)
{
	const __typeof__(delta_rows[0]) *r = &delta_rows[_i];
	struct mip oip[2], nip[2], dip[2];
	size_t on = mk_ips(r->oip, oip), nn = mk_ips(r->nip, nip);
	struct mspan s;

	meter_delta(r->has_old ? &r->old : NULL, oip, on, &r->new, nip, nn,
	    r->max_spread, &s, dip);
	ck_assert_msg(s.why == r->why, "line %d: why %d want %d", r->line, s.why, r->why);
	ck_assert_msg(s.cpu_user_us == r->user && s.cpu_sys_us == r->sys,
	    "line %d: user %llu sys %llu", r->line, (unsigned long long)s.cpu_user_us,
	    (unsigned long long)s.cpu_sys_us);
	ck_assert_msg(s.t0 == r->t0 && s.t1 == r->t1, "line %d: span (%lld, %lld]",
	    r->line, (long long)(s.t0 - T), (long long)(s.t1 - T));
	ck_assert_msg(s.down == r->down, "line %d: down %u", r->line, s.down);
	ck_assert_msg(s.vmem == r->new.vmem && s.disk == r->new.disk, "line %d: gauges", r->line);
	for (size_t k = 0; k < nn; k++)
		ck_assert_msg(dip[k].rx == r->rx[k] && dip[k].tx == r->tx[k],
		    "line %d: ip %zu: %llu/%llu", r->line, k,
		    (unsigned long long)dip[k].rx, (unsigned long long)dip[k].tx);
}
END_TEST

START_TEST(test_merge_ips)
{
	struct ip1 o[2] = { { 10, 1, 1 }, { 11, 2, 2 } }, n[2] = { { 11, 5, 5 }, { 12, 6, 6 } };
	struct mip oip[2], nip[2], out[4];
	size_t k;

	mk_ips(o, oip);
	mk_ips(n, nip);
	/* Kept: the sample's, then the old one it did not mention. */
	k = meter_merge_ips(oip, 2, nip, 2, 0, out, 4);
	ck_assert_uint_eq(k, 3);
	ck_assert(memcmp(out[0].addr, nip[0].addr, 16) == 0 && out[0].rx == 5);
	ck_assert(memcmp(out[1].addr, nip[1].addr, 16) == 0);
	ck_assert(memcmp(out[2].addr, oip[0].addr, 16) == 0 && out[2].rx == 1);
	/* After a reset only the sample's. */
	ck_assert_uint_eq(meter_merge_ips(oip, 2, nip, 2, 1, out, 4), 2);
	/* Bounded by cap. */
	ck_assert_uint_eq(meter_merge_ips(oip, 2, nip, 2, 0, out, 2), 2);
}
END_TEST

static const struct {
	int		 line;
	uint64_t	 d;
	int64_t		 t0, t1, lo, hi;
	uint64_t	 want;
} share_rows[] = {
	{ __LINE__, 10, 0, 1, 1, 1, 10 },		/* one second: all of it */
	{ __LINE__, 10, 0, 1, 0, 0, 0 },		/* t0 itself is not covered */
	{ __LINE__, 10, 0, 3, 1, 1, 3 },		/* 10 = 3 + 3 + 4 */
	{ __LINE__, 10, 0, 3, 2, 2, 3 },
	{ __LINE__, 10, 0, 3, 3, 3, 4 },		/* remainder on the last second */
	{ __LINE__, 11, 0, 3, 1, 1, 3 },		/* 11 = 3 + 4 + 4 */
	{ __LINE__, 11, 0, 3, 2, 2, 4 },
	{ __LINE__, 11, 0, 3, 3, 3, 4 },
	{ __LINE__, 11, 0, 3, -5, 100, 11 },		/* whole span */
	{ __LINE__, 2, 0, 5, 1, 3, 0 },			/* 2 over 5 s: last two get 1 */
	{ __LINE__, 2, 0, 5, 4, 5, 2 },
	{ __LINE__, 0, 0, 5, 1, 5, 0 },
	{ __LINE__, 7, 5, 5, 5, 5, 0 },			/* empty span */
	{ __LINE__, 18446744073709551615ULL, 0, 2, 1, 1, 9223372036854775807ULL },
	{ __LINE__, 18446744073709551615ULL, 0, 2, 2, 2, 9223372036854775808ULL },
	{ __LINE__, 1000, T - 30, T + 30, T, T + 59, 527 },	/* 31 s of 60, remainder late */
};

START_TEST(test_share)
{
	uint64_t v = meter_share(share_rows[_i].d, share_rows[_i].t0, share_rows[_i].t1,
	    share_rows[_i].lo, share_rows[_i].hi);
	ck_assert_msg(v == share_rows[_i].want, "line %d: got %llu want %llu",
	    share_rows[_i].line, (unsigned long long)v, (unsigned long long)share_rows[_i].want);
}
END_TEST

/* Every second's share sums to the delta, and shares differ by at most one. */
START_TEST(test_share_sums)
{
	uint64_t ds[] = { 0, 1, 59, 60, 61, 999999, 1000001, 123456789012345ULL };
	int64_t ns[] = { 1, 2, 7, 59, 60, 61, 3600, 3601, 86400 };

	for (size_t i = 0; i < sizeof(ds) / sizeof(ds[0]); i++)
		for (size_t j = 0; j < sizeof(ns) / sizeof(ns[0]); j++) {
			uint64_t sum = 0, lo = UINT64_MAX, hi = 0, prev = 0;
			int monotone = 1;
			for (int64_t s = 1; s <= ns[j]; s++) {
				uint64_t v = meter_share(ds[i], 0, ns[j], s, s);
				sum += v;
				lo = v < lo ? v : lo;
				hi = v > hi ? v : hi;
				monotone &= v >= prev;	/* the remainder goes last */
				prev = v;
			}
			ck_assert_msg(monotone, "d %llu n %lld: not monotone",
			    (unsigned long long)ds[i], (long long)ns[j]);
			ck_assert_msg(sum == ds[i], "d %llu n %lld: sum %llu",
			    (unsigned long long)ds[i], (long long)ns[j], (unsigned long long)sum);
			ck_assert(hi - lo <= 1);
		}
}
END_TEST

/* Spans through rollup_build: every level sums to the span exactly. */
static const struct {
	int		 line;
	int64_t		 t0, t1;
	uint64_t	 user, rx;
	size_t		 minutes, hours, days;	/* buckets touched */
	int64_t		 raw_spread;
	size_t		 raw;			/* raw rows written */
	long long	 first_minute_user;	/* user in the first minute bucket */
} span_rows[] = {
	{ __LINE__, T - 1, T, 1000, 10, 1, 1, 1, 900, 1, 1000 },
	/* 10 s across a minute boundary: 4 s before, 6 s after. */
	{ __LINE__, T - 5, T + 5, 1003, 0, 2, 2, 1, 900, 10, 400 },
	/* 2 h across an hour and minute boundaries. */
	{ __LINE__, T - 3600, T + 3600, 7200007, 7201, 121, 3, 1, 900, 900, 59000 },
	/* Across midnight (T + 14 h = 2026-11-23T00:00Z). */
	{ __LINE__, T + 14 * 3600 - 90, T + 14 * 3600 + 30, 120, 119, 3, 2, 2, 900, 120, 29 },
	/* Raw rows limited to the last raw_spread seconds. */
	{ __LINE__, T - 600, T, 600, 0, 11, 2, 1, 60, 60, 59 },
};

START_TEST(test_rollup)
{
	const __typeof__(span_rows[0]) *r = &span_rows[_i];
	struct mspan s = { r->t0, r->t1, r->user, 7, 4096, 8192, METER_CONT, 0 };
	struct mip ip[1];
	struct rspan rs = { 0x2a, &s, ip, 1 };
	struct rollup ru;
	struct rollup_opt o = { INT64_MIN, r->raw_spread, { INT64_MIN, INT64_MIN, INT64_MIN } };
	size_t want[DU__LEVELS] = { r->minutes, r->hours, r->days };
	long long raw_user = 0;

	ck_assert(prom_ip_parse("192.0.2.10", 10, ip[0].addr) == 0);
	ip[0].rx = r->rx;
	ip[0].tx = 3;
	rollup_init(&ru);
	ck_assert(rollup_build(&ru, &rs, 1, &o) == 0);
	for (int l = 0; l < DU__LEVELS; l++) {
		long long u = 0, sy = 0, in = 0, out = 0, samples = 0;
		ck_assert_msg(ru.nroll[l] == want[l], "line %d level %d: %zu buckets",
		    r->line, l, ru.nroll[l]);
		for (size_t i = 0; i < ru.nroll[l]; i++) {
			ck_assert_str_eq(ru.roll[l][i].ve, "0000002A");
			ck_assert(ru.roll[l][i].t % rollup_width[l] == 0);
			u += ru.roll[l][i].cpu_user_us;
			sy += ru.roll[l][i].cpu_sys_us;
			in += ru.roll[l][i].net_in;
			out += ru.roll[l][i].net_out;
			samples += ru.roll[l][i].samples;
			if (ru.roll[l][i].samples > 0) {
				ck_assert(r->t1 >= ru.roll[l][i].t &&
				    r->t1 < ru.roll[l][i].t + rollup_width[l]);
				ck_assert(ru.roll[l][i].vmem_last == 4096 &&
				    ru.roll[l][i].vmem_sum == 4096 &&
				    ru.roll[l][i].last_t == r->t1);
			}
		}
		ck_assert_msg(u == (long long)r->user && sy == 7 && in == (long long)r->rx &&
		    out == 3 && samples == 1, "line %d level %d: sums %lld %lld %lld %lld %lld",
		    r->line, l, u, sy, in, out, samples);
	}
	ck_assert_msg(ru.roll[DU_MINUTE][0].cpu_user_us == r->first_minute_user,
	    "line %d: first minute %lld", r->line, ru.roll[DU_MINUTE][0].cpu_user_us);
	ck_assert_msg(ru.nraw == r->raw, "line %d: %zu raw rows", r->line, ru.nraw);
	for (size_t i = 0; i < ru.nraw; i++) {
		raw_user += ru.raw[i].cpu_user_us;
		ck_assert(ru.raw[i].has_gauge == (ru.raw[i].t == r->t1));
	}
	if ((int64_t)r->raw == r->t1 - r->t0)
		ck_assert_msg(raw_user == (long long)r->user, "line %d: raw sum %lld",
		    r->line, raw_user);
	ck_assert_uint_eq(ru.ntot, 1);
	ck_assert(ru.tot[0].cpu_user_us == (long long)r->user && ru.tot[0].net_in ==
	    (long long)r->rx && ru.tot[0].last_t == r->t1 && ru.tot[0].disk_last == 8192);
	rollup_free(&ru);
}
END_TEST

/*
 * Raw seconds and their addresses (0032): all of a second's traffic on one
 * address names it in the raw row (no usage_raw_ip row); on several, each
 * address with traffic gets a row and the raw row names none; none, none.
 */
static const struct {
	int		 line;
	uint64_t	 rx[2], tx[2];	/* over 2 seconds */
	size_t		 nip;
	const char	*raw_ip;	/* each raw row's ip */
	size_t		 nrawip;
} raw_ip_rows[] = {
	{ __LINE__, { 10, 0 }, { 4, 0 }, 1, "192.0.2.10", 0 },
	{ __LINE__, { 0, 0 }, { 2, 0 }, 1, "192.0.2.10", 0 },
	{ __LINE__, { 10, 0 }, { 4, 0 }, 2, "192.0.2.10", 0 },	/* the second address idle */
	{ __LINE__, { 0, 6 }, { 0, 0 }, 2, "192.0.2.11", 0 },
	{ __LINE__, { 10, 6 }, { 0, 2 }, 2, "", 4 },
	{ __LINE__, { 0, 0 }, { 0, 0 }, 2, "", 0 },
	{ __LINE__, { 0, 0 }, { 0, 0 }, 0, "", 0 },
};

START_TEST(test_rollup_raw_ip)
{
	const __typeof__(raw_ip_rows[0]) *r = &raw_ip_rows[_i];
	struct mspan s = { T, T + 2, 100, 0, 1, 1, METER_CONT, 0 };
	struct mip ip[2];
	struct rspan rs = { 7, &s, ip, r->nip };
	struct rollup_opt o = { INT64_MIN, 900, { INT64_MIN, INT64_MIN, INT64_MIN } };
	struct rollup ru;
	long long in = 0, out = 0;

	ck_assert(prom_ip_parse("192.0.2.10", 10, ip[0].addr) == 0);
	ck_assert(prom_ip_parse("192.0.2.11", 10, ip[1].addr) == 0);
	for (int k = 0; k < 2; k++) {
		ip[k].rx = r->rx[k];
		ip[k].tx = r->tx[k];
	}
	rollup_init(&ru);
	ck_assert(rollup_build(&ru, &rs, 1, &o) == 0);
	ck_assert_msg(ru.nraw == 2, "line %d: %zu raw rows", r->line, ru.nraw);
	ck_assert_msg(ru.nrawip == r->nrawip, "line %d: %zu address rows", r->line, ru.nrawip);
	for (size_t i = 0; i < ru.nraw; i++) {
		ck_assert_msg(strcmp(ru.raw[i].ip, r->raw_ip) == 0, "line %d: raw ip '%s'",
		    r->line, ru.raw[i].ip);
		in += ru.raw[i].net_in;
		out += ru.raw[i].net_out;
	}
	/* The address rows hold the whole split where the raw rows name none. */
	for (size_t i = 0; i < ru.nrawip; i++) {
		in -= ru.rawip[i].a;
		out -= ru.rawip[i].b;
	}
	if (r->nrawip > 0)
		ck_assert_msg(in == 0 && out == 0, "line %d: split %lld %lld", r->line, in, out);
	else
		ck_assert(in == (long long)(r->nip > 0 ? r->rx[0] + (r->nip > 1 ? r->rx[1] : 0) : 0));
	rollup_free(&ru);
}
END_TEST

/* Several spans of two VEs: rows of one key merged, sums kept. */
START_TEST(test_rollup_merge)
{
	struct mspan s[4] = {
		{ T, T + 1, 10, 1, 100, 5, METER_CONT, 0 },
		{ T + 1, T + 2, 20, 2, 200, 5, METER_CONT, 0 },
		{ T + 2, T + 3, 30, 3, 300, 6, METER_CONT, 0 },
		{ T, T + 3, 99, 0, 50, 1, METER_CONT, 0 },
	};
	struct mip ip = { { 0 }, 4, 5 };
	struct rspan rs[4] = {
		{ 1, &s[0], &ip, 1 }, { 1, &s[1], &ip, 1 }, { 1, &s[2], &ip, 1 }, { 2, &s[3], NULL, 0 },
	};
	struct rollup_opt o = { INT64_MAX, 900, { INT64_MIN, INT64_MIN, INT64_MIN } };
	struct rollup ru;

	rollup_init(&ru);
	ck_assert(rollup_build(&ru, rs, 4, &o) == 0);
	ck_assert_uint_eq(ru.nraw, 0);	/* raw retention 0 */
	ck_assert_uint_eq(ru.nroll[DU_MINUTE], 2);
	ck_assert_str_eq(ru.roll[DU_MINUTE][0].ve, "00000001");
	ck_assert_int_eq(ru.roll[DU_MINUTE][0].cpu_user_us, 60);
	ck_assert_int_eq(ru.roll[DU_MINUTE][0].samples, 3);
	ck_assert_int_eq(ru.roll[DU_MINUTE][0].vmem_sum, 600);
	ck_assert_int_eq(ru.roll[DU_MINUTE][0].vmem_last, 300);
	ck_assert_int_eq(ru.roll[DU_MINUTE][0].disk_last, 6);
	ck_assert_int_eq(ru.roll[DU_MINUTE][0].net_in, 12);
	ck_assert_int_eq(ru.roll[DU_MINUTE][1].cpu_user_us, 99);
	ck_assert_uint_eq(ru.niph, 1);
	ck_assert_int_eq(ru.iph[0].a, 12);
	ck_assert_int_eq(ru.iph[0].b, 15);
	ck_assert_str_eq(ru.iph[0].ip, "::");
	ck_assert_uint_eq(ru.ntot, 2);
	ck_assert_int_eq(ru.tot[0].cpu_user_us, 60);
	ck_assert_int_eq(ru.tot[0].vmem_last, 300);
	ck_assert_int_eq(ru.tot[0].last_t, T + 3);
	rollup_free(&ru);
}
END_TEST

/* Buckets older than a level's retention are not written. */
START_TEST(test_rollup_retention)
{
	struct mspan s = { T - 7200, T, 7200, 0, 1, 1, METER_CONT, 0 };
	struct rspan rs = { 1, &s, NULL, 0 };
	struct rollup_opt o = { T - 10, 900, { T - 120, T - 3600, INT64_MIN } };
	struct rollup ru;

	rollup_init(&ru);
	ck_assert(rollup_build(&ru, &rs, 1, &o) == 0);
	ck_assert_uint_eq(ru.nroll[DU_MINUTE], 3);	/* T-120, T-60, T */
	ck_assert_uint_eq(ru.nroll[DU_HOUR], 2);	/* T-3600, T */
	ck_assert_uint_eq(ru.nroll[DU_DAY], 1);
	ck_assert_uint_eq(ru.nraw, 11);			/* T-10 .. T */
	rollup_free(&ru);
}
END_TEST

static const struct {
	int		 line;
	int		 has_db;
	int64_t		 db_t;
	uint64_t	 db_user;
	int		 known;
	int64_t		 head_t, end_t;
	enum meter_plan	 want;
} plan_rows[] = {
	{ __LINE__, 1, 100, 5, 1, 100, 110, PLAN_AS_IS },
	{ __LINE__, 1, 100, 6, 1, 100, 110, PLAN_REPLACE },	/* same second, other counters */
	{ __LINE__, 1, 105, 5, 1, 100, 110, PLAN_REPLACE },	/* someone wrote past our base */
	{ __LINE__, 1, 110, 5, 1, 100, 110, PLAN_SKIP },	/* already past our end */
	{ __LINE__, 1, 120, 5, 1, 100, 110, PLAN_SKIP },
	{ __LINE__, 1, 90, 5, 1, 100, 110, PLAN_PREPEND },	/* a batch was lost */
	{ __LINE__, 0, 0, 0, 1, 100, 110, PLAN_PREPEND },
	{ __LINE__, 0, 0, 0, 0, 100, 110, PLAN_PREPEND },	/* first sample ever */
	{ __LINE__, 1, 90, 5, 0, 100, 110, PLAN_PREPEND },	/* restart: from the state */
	{ __LINE__, 1, 100, 5, 0, 100, 110, PLAN_REPLACE },
	{ __LINE__, 1, 110, 5, 0, 100, 110, PLAN_SKIP },
};

START_TEST(test_plan)
{
	struct mcount db = { plan_rows[_i].db_t, 1, 1, 1, plan_rows[_i].db_user, 0, 0, 0 };
	struct mcount head = { plan_rows[_i].head_t, 1, 1, 1, 5, 0, 0, 0 };
	struct mcount end = { plan_rows[_i].end_t, 1, 1, 1, 9, 0, 0, 0 };
	enum meter_plan p = meter_plan(plan_rows[_i].has_db ? &db : NULL, plan_rows[_i].known,
	    head.t, &head, &end);

	ck_assert_msg(p == plan_rows[_i].want, "line %d: plan %d", plan_rows[_i].line, p);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("billingd_meter");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_delta, 0, sizeof(delta_rows) / sizeof(delta_rows[0]));
	tcase_add_test(tc, test_merge_ips);
	tcase_add_loop_test(tc, test_share, 0, sizeof(share_rows) / sizeof(share_rows[0]));
	tcase_add_test(tc, test_share_sums);
	tcase_add_loop_test(tc, test_rollup, 0, sizeof(span_rows) / sizeof(span_rows[0]));
	tcase_add_test(tc, test_rollup_merge);
	tcase_add_loop_test(tc, test_rollup_raw_ip, 0, sizeof(raw_ip_rows) / sizeof(raw_ip_rows[0]));
	tcase_add_test(tc, test_rollup_retention);
	tcase_add_loop_test(tc, test_plan, 0, sizeof(plan_rows) / sizeof(plan_rows[0]));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
