/*
 * Property tests of lib/domain/rating.c over random but seeded months (each seed
 * is one loop iteration, so a failure names a reproducible case):
 *
 *  1. Rating a month in one go and rating each of its days (same month as
 *     denominator, fee and quota accrued over the day, the day's usage)
 *     agree: active seconds and base-unit usage add up exactly; with usage
 *     in whole micro-units the usage quantities add up exactly too; in
 *     general each quantity differs by at most the documented rounding
 *     (half a micro-unit per rounded value) and each amount by at most
 *     half a minor unit per line plus the price of that quantity rounding.
 *  2. For every rated resource, usage + overage quantities equal what was
 *     used, and the overage is what exceeds the prorated included amount.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "rating.h"
#include "util.h"

#define D		86400LL
#define ITERATIONS	200

static uint64_t
rnd(uint64_t *s)
{
	/* xorshift64*: small, seeded, the same on every machine */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static int64_t
upto(uint64_t *s, int64_t n)
{
	return n <= 0 ? 0 : (int64_t)(rnd(s) % (uint64_t)n);
}

struct month {
	int64_t			 from, to, days;
	struct rate_version	 v[2];
	size_t			 nv;
	struct rate_event	 ev[4];
	size_t			 nev;
	int64_t			 created, quota;
	struct rate_usage	*hour;	/* one per hour of the month */
	size_t			 nh;
};

static size_t
ver_at(const struct month *m, int64_t t)
{
	return m->nv == 2 && t >= m->v[1].valid_from ? 1 : 0;
}

/* A random month; whole: usage in whole micro-units of every resource. */
static void
gen(struct month *m, uint64_t *s, int whole, int included)
{
	int y = 2020 + (int)upto(s, 10), mo = 1 + (int)upto(s, 12);

	memset(m, 0, sizeof(*m));
	rate_month_bounds(y, mo, &m->from, &m->to);
	m->days = (m->to - m->from) / D;
	m->nv = 1 + (size_t)upto(s, 2);
	for (size_t i = 0; i < m->nv; i++) {
		struct rate_version *v = &m->v[i];
		v->id = (int64_t)i + 1;
		v->valid_from = i == 0 ? m->from - D : m->from + 3600 * (1 + upto(s, m->days * 24 - 1));
		v->fee_minor = upto(s, 100000);
		for (int r = RR_DISK; r <= RR_TRAFFIC_OUT; r++) {
			v->price[r] = upto(s, 3) == 0 ? 0 : upto(s, 5000);
			v->inc[r] = included ? upto(s, 200) : 0;
		}
	}
	m->created = upto(s, 2) ? m->from - D : m->from + upto(s, m->days * D);
	m->ev[0].at = m->created;
	m->ev[0].active = 1;
	m->nev = 1;
	if (upto(s, 2)) {	/* a suspension, maybe never lifted */
		int64_t a = m->created + upto(s, 10 * D);
		m->ev[1].at = a;
		m->ev[1].active = 0;
		m->ev[2].at = a + upto(s, 10 * D);
		m->ev[2].active = 1;
		m->nev = upto(s, 2) ? 3 : 2;
	}
	m->quota = upto(s, 100000);
	m->nh = (size_t)(m->days * 24);
	m->hour = calloc(m->nh, sizeof(*m->hour));
	ck_assert_ptr_nonnull(m->hour);
	for (size_t h = 0; h < m->nh; h++) {
		struct rate_usage *u = &m->hour[h];
		if (upto(s, 4) == 0)
			continue;	/* idle hours happen */
		u->cpu_us = upto(s, 7200000000LL);
		u->vmem_byte_s = upto(s, 3600LL * 8000000000LL);
		u->in_bytes = upto(s, 20000000000LL);
		u->out_bytes = upto(s, 20000000000LL);
		if (whole) {
			u->cpu_us -= u->cpu_us % 3600;
			u->vmem_byte_s -= u->vmem_byte_s % 3600000;
			u->in_bytes -= u->in_bytes % 1000;
			u->out_bytes -= u->out_bytes % 1000;
		}
	}
}

/* Rate the hours [h0, h1) with fee and quota accrued over [acc_from, until). */
static void
rate_part(const struct month *m, size_t h0, size_t h1, int64_t acc_from, int64_t until,
    struct rate_line *l, size_t cap, size_t *n)
{
	struct rate_usage u[2];
	struct rate_input in;

	memset(u, 0, sizeof(u));
	for (size_t h = h0; h < h1; h++) {
		size_t i = ver_at(m, m->from + (int64_t)h * 3600);
		u[i].cpu_us += m->hour[h].cpu_us;
		u[i].vmem_byte_s += m->hour[h].vmem_byte_s;
		u[i].in_bytes += m->hour[h].in_bytes;
		u[i].out_bytes += m->hour[h].out_bytes;
	}
	memset(&in, 0, sizeof(in));
	in.from = m->from;
	in.to = m->to;
	in.acc_from = acc_from;
	in.until = until;
	in.created_at = m->created;
	in.disk_quota_mb = m->quota;
	in.ev = m->ev;
	in.nev = m->nev;
	in.v = m->v;
	in.nv = m->nv;
	in.u = u;
	ck_assert_int_eq(rate_month(&in, l, cap, n), RATE_OK);
}

/* Sums per (kind, resource, version) of quantities and amounts. */
struct sums {
	int64_t		 qty[RK__MAX][RR__MAX][2];
	int64_t		 amount[RK__MAX][RR__MAX][2];
	int64_t		 price[RK__MAX][RR__MAX][2];
	int		 seen[RK__MAX][RR__MAX][2];
};

static void
add(struct sums *s, const struct rate_line *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		s->qty[l[i].kind][l[i].res][l[i].ver] += l[i].qty_micro;
		s->amount[l[i].kind][l[i].res][l[i].ver] += l[i].amount_minor;
		s->price[l[i].kind][l[i].res][l[i].ver] = l[i].unit_price_minor;
		s->seen[l[i].kind][l[i].res][l[i].ver]++;
	}
}

static void
check_days(int seed, int whole)
{
	struct rate_line l[64];
	struct sums month, days;
	struct month m;
	uint64_t s = 0x9E3779B97F4A7C15ULL ^ (uint64_t)(seed + 1) * 0x100000001B3ULL;
	size_t n;
	int64_t act_m, act_d = 0;

	gen(&m, &s, whole, 0);
	memset(&month, 0, sizeof(month));
	memset(&days, 0, sizeof(days));
	rate_part(&m, 0, m.nh, m.from, m.to, l, nitems(l), &n);
	add(&month, l, n);
	act_m = rate_active_seconds(m.ev, m.nev, m.created, m.from, m.to);
	for (int64_t d = 0; d < m.days; d++) {
		int64_t a = m.from + d * D;
		rate_part(&m, (size_t)d * 24, (size_t)(d + 1) * 24, a, a + D, l, nitems(l), &n);
		add(&days, l, n);
		act_d += rate_active_seconds(m.ev, m.nev, m.created, a, a + D);
	}
	ck_assert_msg(act_m == act_d, "seed %d: active %lld vs days %lld", seed,
	    (long long)act_m, (long long)act_d);
	for (int k = 0; k < RK__MAX; k++)
		for (int r = 0; r < RR__MAX; r++)
			for (int v = 0; v < 2; v++) {
				int64_t dq = days.qty[k][r][v] - month.qty[k][r][v];
				int64_t da = days.amount[k][r][v] - month.amount[k][r][v];
				int64_t p = month.seen[k][r][v] ? month.price[k][r][v] :
				    days.price[k][r][v];
				int64_t nr = days.seen[k][r][v] + month.seen[k][r][v];
				if (dq < 0)
					dq = -dq;
				if (da < 0)
					da = -da;
				/* each rounded quantity is off by at most half a micro-unit */
				ck_assert_msg(2 * dq <= nr, "seed %d %s %s v%d: quantities differ by %lld "
				    "over %lld roundings", seed, rate_kind_name(k), rate_res_name(r), v,
				    (long long)dq, (long long)nr);
				if (whole && r != RR_FEE && r != RR_DISK)
					ck_assert_msg(dq == 0, "seed %d %s: whole micro-units must add "
					    "up exactly (%lld)", seed, rate_res_name(r), (long long)dq);
				/* amounts: half a minor unit per line, plus the quantity error x price */
				ck_assert_msg(2 * da * MONEY_MICRO <= nr * (MONEY_MICRO + p),
				    "seed %d %s %s v%d: amounts differ by %lld (price %lld, %lld lines)",
				    seed, rate_kind_name(k), rate_res_name(r), v, (long long)da,
				    (long long)p, (long long)nr);
			}
	free(m.hour);
}

START_TEST(test_days_sum)
{
	check_days(_i, 0);
}
END_TEST

START_TEST(test_days_sum_whole)
{
	check_days(1000 + _i, 1);
}
END_TEST

START_TEST(test_included)
{
	struct rate_line l[64];
	struct month m;
	uint64_t s = 0xD1B54A32D192ED03ULL ^ (uint64_t)(_i + 7) * 0x100000001B3ULL;
	size_t n;

	gen(&m, &s, 0, 1);
	rate_part(&m, 0, m.nh, m.from, m.to, l, nitems(l), &n);
	for (size_t v = 0; v < m.nv; v++) {
		struct rate_usage u;
		struct rate_input in = { .from = m.from, .to = m.to, .v = m.v, .nv = m.nv };
		int64_t sa, sb, act;
		memset(&u, 0, sizeof(u));
		for (size_t h = 0; h < m.nh; h++) {
			if (ver_at(&m, m.from + (int64_t)h * 3600) != v)
				continue;
			u.cpu_us += m.hour[h].cpu_us;
			u.vmem_byte_s += m.hour[h].vmem_byte_s;
			u.in_bytes += m.hour[h].in_bytes;
			u.out_bytes += m.hour[h].out_bytes;
		}
		rate_segment(&in, v, &sa, &sb);
		act = rate_active_seconds(m.ev, m.nev, m.created, sa, sb);
		for (int r = RR_CPU; r <= RR_TRAFFIC_OUT; r++) {
			int64_t raw, used, inc, within = -1, over = 0;
			ck_assert_int_eq(rate_raw(r, &u, &raw), RATE_OK);
			ck_assert_int_eq(rate_raw_to_micro(r, raw, &used), RATE_OK);
			ck_assert_int_eq(money_muldiv(m.v[v].inc[r], MONEY_MICRO * act, m.to - m.from,
			    &inc), 0);
			for (size_t i = 0; i < n; i++) {
				if (l[i].ver != v || l[i].res != (enum rate_res)r)
					continue;
				if (l[i].kind == RK_USAGE)
					within = l[i].qty_micro;
				else
					over = l[i].qty_micro;
			}
			if (m.v[v].inc[r] == 0 && m.v[v].price[r] == 0) {
				ck_assert_msg(within == -1 && over == 0, "seed %d: unrated %s has lines",
				    _i, rate_res_name(r));
				continue;
			}
			if (act == 0 && used == 0 && within == -1)
				continue;	/* the version did not apply */
			if (within == -1)
				within = 0;
			ck_assert_msg(within + over == used, "seed %d %s v%zu: %lld + %lld != %lld", _i,
			    rate_res_name(r), v, (long long)within, (long long)over, (long long)used);
			ck_assert_msg(over == (used > inc ? used - inc : 0), "seed %d %s: overage %lld, "
			    "used %lld, included %lld", _i, rate_res_name(r), (long long)over,
			    (long long)used, (long long)inc);
		}
	}
	free(m.hour);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rating properties");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_days_sum, 0, ITERATIONS);
	tcase_add_loop_test(tc, test_days_sum_whole, 0, ITERATIONS);
	tcase_add_loop_test(tc, test_included, 0, ITERATIONS);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
