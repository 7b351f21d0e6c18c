/*
 * Unit tests of lib/domain/rating.c: one row per rule of rating.h -- proration at
 * the month's edges, February in leap and common years, a VE created and
 * deleted in one month, suspension, a price change mid-month, included
 * amounts, zero usage, half-up edges, tax, and 64-bit limits refused
 * rather than wrapped.  Expected numbers were worked out by hand with
 * exact fractions (see each row's comment).
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "db_invoice_run.h"
#include "rating.h"
#include "util.h"

#define D	86400LL
#define NONE	(-1)

struct tev {
	long long	 off;		/* seconds from the month's start */
	int		 active;
};

struct tver {
	long long	 off;		/* valid_from, seconds from the month's start */
	long long	 fee;
	long long	 inc[RR__MAX];
	long long	 price[RR__MAX];
};

struct tline {
	enum rate_kind	 k;
	enum rate_res	 r;
	size_t		 ver;
	long long	 qty, price, amount;
};

static const struct row {
	const char	*name;
	int		 y, m;
	long long	 created;	/* offset */
	struct tev	 ev[4];
	size_t		 nev;		/* 0: active from created on */
	long long	 until;		/* offset; 0: the month's end */
	long long	 quota_mb;
	struct tver	 v[3];
	size_t		 nv;
	struct rate_usage u[3];
	long long	 tax_bp;
	int		 rc;
	struct tline	 l[10];
	size_t		 nl;
	long long	 sub, tax, total;
} rows[] = {
	{ "full month", 2025, 3, -D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 1000, {0}, {0} } }, 1, {{0}}, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 1000000, 1000, 1000 } }, 1, 1000, 0, 1000 },
	/* 16 of 31 days: 516129.03 -> 516129 micro-months; x 1000 = 516.129 -> 516 */
	{ "created mid-month", 2025, 3, 15 * D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 1000, {0}, {0} } }, 1, {{0}}, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 516129, 1000, 516 } }, 1, 516, 0, 516 },
	{ "created at the month's first second", 2025, 3, 0, {{0}}, 0, 0, 1000,
	  { { -10 * D, 1000, {0}, {0} } }, 1, {{0}}, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 1000000, 1000, 1000 } }, 1, 1000, 0, 1000 },
	/* one second of 2678400: 0.37 micro-months -> 0 */
	{ "created at the month's last second", 2025, 3, 31 * D - 1, {{0}}, 0, 0, 1000,
	  { { -10 * D, 1000, {0}, {0} } }, 1, {{0}}, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 0, 1000, 0 } }, 1, 0, 0, 0 },
	/* 2024-02 has 29 days: 15/29 = 517241.38 -> 517241; x 2900 = 1499.9989 -> 1500 */
	{ "leap February", 2024, 2, 14 * D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 2900, {0}, {0} } }, 1, {{0}}, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 517241, 2900, 1500 } }, 1, 1500, 0, 1500 },
	/* 2025-02 has 28 days: 14/28 = 0.5 exactly */
	{ "common February", 2025, 2, 14 * D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 2900, {0}, {0} } }, 1, {{0}}, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 500000, 2900, 1450 } }, 1, 1450, 0, 1450 },
	/* 10 of 31 days: 322580.65 -> 322581; x 3100 = 1000.0011 -> 1000 */
	{ "created and deleted in the month", 2025, 3, 9 * D,
	  { { 9 * D, 1 }, { 19 * D, 0 } }, 2, 0, 1000,
	  { { -10 * D, 3100, {0}, {0} } }, 1, {{0}}, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 322581, 3100, 1000 } }, 1, 1000, 0, 1000 },
	/* suspended days 11-20: 21/31 = 677419.35 -> 677419; x 3100 = 2099.9989 -> 2100 */
	{ "suspended ten days", 2025, 3, -D,
	  { { -D, 1 }, { 10 * D, 0 }, { 20 * D, 1 } }, 3, 0, 1000,
	  { { -10 * D, 3100, {0}, {0} } }, 1, {{0}}, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 677419, 3100, 2100 } }, 1, 2100, 0, 2100 },
	/*
	 * Price change on the 16th: 15 days at 1000 and 16 at 2000; CPU 10
	 * CPU-hours included, prorated 15/31 (4.838710) and 16/31 (5.161290),
	 * 20 CPU-hours used in each part at 3 and 5 a CPU-hour.
	 */
	{ "price change mid-month", 2025, 3, -D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 1000, { [RR_CPU] = 10 }, { [RR_CPU] = 3 } },
	    { 15 * D, 2000, { [RR_CPU] = 10 }, { [RR_CPU] = 5 } } }, 2,
	  { { .cpu_us = 20 * 3600000000LL }, { .cpu_us = 20 * 3600000000LL } }, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 483871, 1000, 484 },
	    { RK_USAGE, RR_CPU, 0, 4838710, 0, 0 },
	    { RK_OVERAGE, RR_CPU, 0, 15161290, 3, 45 },
	    { RK_FEE, RR_FEE, 1, 516129, 2000, 1032 },
	    { RK_USAGE, RR_CPU, 1, 5161290, 0, 0 },
	    { RK_OVERAGE, RR_CPU, 1, 14838710, 5, 74 } }, 6, 1635, 0, 1635 },
	{ "zero usage: usage line at 0, no overage, unrated traffic absent", 2025, 3, -D,
	  {{0}}, 0, 0, 1000,
	  { { -10 * D, 1000, { [RR_CPU] = 100 }, { [RR_CPU] = 3 } } }, 1, {{0}}, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 1000000, 1000, 1000 },
	    { RK_USAGE, RR_CPU, 0, 0, 0, 0 } }, 2, 1000, 0, 1000 },
	{ "CPU overage", 2025, 3, -D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 1000, { [RR_CPU] = 100 }, { [RR_CPU] = 3 } } }, 1,
	  { { .cpu_us = 150 * 3600000000LL } }, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 1000000, 1000, 1000 },
	    { RK_USAGE, RR_CPU, 0, 100000000, 0, 0 },
	    { RK_OVERAGE, RR_CPU, 0, 50000000, 3, 150 } }, 3, 1150, 0, 1150 },
	/* half of February 2025: 50 of 100 GB included; 80 GB used, 30 at 20 */
	{ "traffic overage, included prorated", 2025, 2, 14 * D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 1000, { [RR_TRAFFIC] = 100 }, { [RR_TRAFFIC] = 20 } } }, 1,
	  { { .in_bytes = 50000000000LL, .out_bytes = 30000000000LL } }, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 500000, 1000, 500 },
	    { RK_USAGE, RR_TRAFFIC, 0, 50000000, 0, 0 },
	    { RK_OVERAGE, RR_TRAFFIC, 0, 30000000, 20, 600 } }, 3, 1100, 0, 1100 },
	{ "traffic in and out rated apart", 2025, 3, -D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 0, { [RR_TRAFFIC_IN] = 1 }, { [RR_TRAFFIC_IN] = 7, [RR_TRAFFIC_OUT] = 11 } } }, 1,
	  { { .in_bytes = 3000000000LL, .out_bytes = 2500000000LL } }, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 1000000, 0, 0 },
	    { RK_USAGE, RR_TRAFFIC_IN, 0, 1000000, 0, 0 },
	    { RK_OVERAGE, RR_TRAFFIC_IN, 0, 2000000, 7, 14 },
	    { RK_OVERAGE, RR_TRAFFIC_OUT, 0, 2500000, 11, 28 } }, 4, 42, 0, 42 },
	/* 2 GB for 720 hours = 1440 GB-hours; 1000 included; 440 at 1 */
	{ "memory GB-hours", 2025, 4, -D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 0, { [RR_VMEM] = 1000 }, { [RR_VMEM] = 1 } } }, 1,
	  { { .vmem_byte_s = 2000000000LL * 3600 * 720 } }, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 1000000, 0, 0 },
	    { RK_USAGE, RR_VMEM, 0, 1000000000, 0, 0 },
	    { RK_OVERAGE, RR_VMEM, 0, 440000000, 1, 440 } }, 3, 440, 0, 440 },
	/* quota 20 GB, 10 included, 10 at 50 a GB-month */
	{ "disk quota overage", 2025, 3, -D, {{0}}, 0, 0, 20000,
	  { { -10 * D, 0, { [RR_DISK] = 10 }, { [RR_DISK] = 50 } } }, 1, {{0}}, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 1000000, 0, 0 },
	    { RK_USAGE, RR_DISK, 0, 10000000, 0, 0 },
	    { RK_OVERAGE, RR_DISK, 0, 10000000, 50, 500 } }, 3, 500, 0, 500 },
	{ "disk quota overage for half a month", 2025, 2, 14 * D, {{0}}, 0, 0, 20000,
	  { { -10 * D, 0, { [RR_DISK] = 10 }, { [RR_DISK] = 50 } } }, 1, {{0}}, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 500000, 0, 0 },
	    { RK_USAGE, RR_DISK, 0, 5000000, 0, 0 },
	    { RK_OVERAGE, RR_DISK, 0, 5000000, 50, 250 } }, 3, 250, 0, 250 },
	{ "disk within the included quota", 2025, 3, -D, {{0}}, 0, 0, 5000,
	  { { -10 * D, 0, { [RR_DISK] = 10 }, { [RR_DISK] = 50 } } }, 1, {{0}}, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 1000000, 0, 0 },
	    { RK_USAGE, RR_DISK, 0, 5000000, 0, 0 } }, 2, 0, 0, 0 },
	/* 0.5 CPU-hours at 1 = 0.5 -> 1 (half-up) */
	{ "amount half-up: .5 goes up", 2025, 3, -D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 0, {0}, { [RR_CPU] = 1 } } }, 1,
	  { { .cpu_us = 500000LL * 3600 } }, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 1000000, 0, 0 },
	    { RK_OVERAGE, RR_CPU, 0, 500000, 1, 1 } }, 2, 1, 0, 1 },
	/* 0.499999 CPU-hours at 1 = 0.499999 -> 0 */
	{ "amount half-up: .499999 goes down", 2025, 3, -D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 0, {0}, { [RR_CPU] = 1 } } }, 1,
	  { { .cpu_us = 499999LL * 3600 } }, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 1000000, 0, 0 },
	    { RK_OVERAGE, RR_CPU, 0, 499999, 1, 0 } }, 2, 0, 0, 0 },
	/* 1800 us is exactly half a micro CPU-hour: up to 1; 1799 us down to 0 */
	{ "quantity half-up: 0.5 micro-unit goes up", 2025, 3, -D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 0, {0}, { [RR_CPU] = 1000000 } } }, 1,
	  { { .cpu_us = 1800 } }, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 1000000, 0, 0 },
	    { RK_OVERAGE, RR_CPU, 0, 1, 1000000, 1 } }, 2, 1, 0, 1 },
	{ "quantity half-up: 0.4997 micro-unit goes down", 2025, 3, -D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 0, {0}, { [RR_CPU] = 1000000 } } }, 1,
	  { { .cpu_us = 1799 } }, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 1000000, 0, 0 } }, 1, 0, 0, 0 },
	/* 1005 x 19% = 190.95 -> 191, once on the subtotal */
	{ "tax on the subtotal", 2025, 3, -D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 1005, {0}, {0} } }, 1, {{0}}, 1900, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 1000000, 1005, 1005 } }, 1, 1005, 191, 1196 },
	/* 0.5 tax rounds up: 1 x 50% */
	{ "tax half-up", 2025, 3, -D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 1, {0}, {0} } }, 1, {{0}}, 5000, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 1000000, 1, 1 } }, 1, 1, 1, 2 },
	{ "never active this month: one fee line at 0", 2025, 3, 40 * D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 1000, { [RR_CPU] = 5 }, { [RR_CPU] = 3 } } }, 1, {{0}}, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 0, 1000, 0 } }, 1, 0, 0, 0 },
	{ "deleted before the month: fee line at 0", 2025, 3, -20 * D,
	  { { -20 * D, 1 }, { -10 * D, 0 } }, 2, 0, 1000,
	  { { -30 * D, 1000, {0}, {0} } }, 1, {{0}}, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 0, 1000, 0 } }, 1, 0, 0, 0 },
	/* so far: 10 of 31 days of fee, the whole month's allowance (state assumed to last) */
	{ "current month so far", 2025, 3, -D, {{0}}, 0, 10 * D, 1000,
	  { { -10 * D, 1000, { [RR_CPU] = 100 }, { [RR_CPU] = 3 } } }, 1,
	  { { .cpu_us = 50 * 3600000000LL } }, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 322581, 1000, 323 },
	    { RK_USAGE, RR_CPU, 0, 50000000, 0, 0 } }, 2, 323, 0, 323 },
	{ "a version starting after the month is not used", 2025, 3, -D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 1000, {0}, {0} }, { 31 * D, 5000, {0}, {0} } }, 2, {{0}}, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 1000000, 1000, 1000 } }, 1, 1000, 0, 1000 },
	{ "the first version covers earlier times", 2025, 3, -D, {{0}}, 0, 0, 1000,
	  { { 10 * D, 3100, {0}, {0} } }, 1, {{0}}, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 1000000, 3100, 3100 } }, 1, 3100, 0, 3100 },
	/* traffic in + out past 2^63: refused */
	{ "traffic sum overflow refused", 2025, 3, -D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 0, {0}, { [RR_TRAFFIC] = 1 } } }, 1,
	  { { .in_bytes = INT64_MAX, .out_bytes = 1 } }, 0, RATE_EOVERFLOW, {{0}}, 0, 0, 0, 0 },
	/* INT64_MAX us = 2.56e15 micro CPU-hours; x 10^12 per CPU-hour does not fit */
	{ "amount overflow refused", 2025, 3, -D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 0, {0}, { [RR_CPU] = 1000000000000LL } } }, 1,
	  { { .cpu_us = INT64_MAX } }, 0, RATE_EOVERFLOW, {{0}}, 0, 0, 0, 0 },
	/* the same usage at a small price fits: 2562047788015215 micro x 1 */
	{ "huge usage that fits", 2025, 3, -D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 0, {0}, { [RR_CPU] = 1 } } }, 1,
	  { { .cpu_us = INT64_MAX } }, 0, RATE_OK,
	  { { RK_FEE, RR_FEE, 0, 1000000, 0, 0 },
	    { RK_OVERAGE, RR_CPU, 0, 2562047788015216LL, 1, 2562047788 } }, 2,
	  2562047788, 0, 2562047788 },
	{ "disk quota overflow refused", 2025, 3, -D, {{0}}, 0, 0, INT64_MAX / 100,
	  { { -10 * D, 0, {0}, { [RR_DISK] = 1 } } }, 1, {{0}}, 0, RATE_EOVERFLOW,
	  {{0}}, 0, 0, 0, 0 },
	{ "negative usage refused", 2025, 3, -D, {{0}}, 0, 0, 1000,
	  { { -10 * D, 0, {0}, { [RR_CPU] = 1 } } }, 1,
	  { { .cpu_us = -1 } }, 0, RATE_EINVAL, {{0}}, 0, 0, 0, 0 },
	{ "versions out of order refused", 2025, 3, -D, {{0}}, 0, 0, 1000,
	  { { 0, 1, {0}, {0} }, { -D, 1, {0}, {0} } }, 2, {{0}}, 0, RATE_EINVAL,
	  {{0}}, 0, 0, 0, 0 },
};

START_TEST(test_month)
{
	const struct row *t = &rows[_i];
	struct rate_event ev[4];
	struct rate_version v[3];
	struct rate_line l[64];
	struct rate_input in;
	int64_t from, to, sub, tax, total;
	size_t n = 0;
	int rc;

	rate_month_bounds(t->y, t->m, &from, &to);
	memset(&in, 0, sizeof(in));
	memset(v, 0, sizeof(v));
	in.from = from;
	in.to = to;
	in.acc_from = from;
	in.until = t->until ? from + t->until : to;
	in.created_at = from + t->created;
	in.disk_quota_mb = t->quota_mb;
	if (t->nev == 0) {
		ev[0].at = in.created_at;
		ev[0].active = 1;
		in.nev = 1;
	} else {
		for (size_t i = 0; i < t->nev; i++) {
			ev[i].at = from + t->ev[i].off;
			ev[i].active = t->ev[i].active;
		}
		in.nev = t->nev;
	}
	in.ev = ev;
	for (size_t i = 0; i < t->nv; i++) {
		v[i].id = (int64_t)i + 1;
		v[i].valid_from = from + t->v[i].off;
		v[i].fee_minor = t->v[i].fee;
		for (int r = 0; r < RR__MAX; r++) {
			v[i].inc[r] = t->v[i].inc[r];
			v[i].price[r] = t->v[i].price[r];
		}
	}
	in.v = v;
	in.nv = t->nv;
	in.u = t->u;
	rc = rate_month(&in, l, nitems(l), &n);
	ck_assert_msg(rc == t->rc, "row %d (%s): rc %d want %d", _i, t->name, rc, t->rc);
	if (rc != RATE_OK)
		return;
	ck_assert_msg(n == t->nl, "row %d (%s): %zu lines want %zu", _i, t->name, n, t->nl);
	for (size_t i = 0; i < n; i++) {
		const struct tline *w = &t->l[i];
		ck_assert_msg(l[i].kind == w->k && l[i].res == w->r && l[i].ver == w->ver,
		    "row %d (%s) line %zu: %s %s v%zu, want %s %s v%zu", _i, t->name, i,
		    rate_kind_name(l[i].kind), rate_res_name(l[i].res), l[i].ver,
		    rate_kind_name(w->k), rate_res_name(w->r), w->ver);
		ck_assert_msg(l[i].qty_micro == w->qty && l[i].unit_price_minor == w->price &&
		    l[i].amount_minor == w->amount,
		    "row %d (%s) line %zu: qty %lld price %lld amount %lld, want %lld %lld %lld",
		    _i, t->name, i, (long long)l[i].qty_micro, (long long)l[i].unit_price_minor,
		    (long long)l[i].amount_minor, w->qty, w->price, w->amount);
	}
	ck_assert_int_eq(rate_totals(l, n, t->tax_bp, &sub, &tax, &total), RATE_OK);
	ck_assert_msg(sub == t->sub && tax == t->tax && total == t->total,
	    "row %d (%s): totals %lld %lld %lld want %lld %lld %lld", _i, t->name,
	    (long long)sub, (long long)tax, (long long)total, t->sub, t->tax, t->total);
}
END_TEST

static const struct {
	const char	*in;
	int		 ok, y, m;
	long long	 from, to;
} periods[] = {
	{ "2025-03", 1, 2025, 3, 1740787200, 1743465600 },
	{ "2024-02", 1, 2024, 2, 1706745600, 1709251200 },
	{ "2025-12", 1, 2025, 12, 1764547200, 1767225600 },
	{ "2025-13", 0, 0, 0, 0, 0 },
	{ "2025-00", 0, 0, 0, 0, 0 },
	{ "2025-1", 0, 0, 0, 0, 0 },
	{ "2025-011", 0, 0, 0, 0, 0 },
	{ "25-01", 0, 0, 0, 0, 0 },
	{ "2025/01", 0, 0, 0, 0, 0 },
	{ "1969-12", 0, 0, 0, 0, 0 },
	{ "", 0, 0, 0, 0, 0 },
	{ "2025-0a", 0, 0, 0, 0, 0 },
};

START_TEST(test_period)
{
	int y = 0, m = 0, rc = rate_period_parse(periods[_i].in, &y, &m);
	int64_t from, to;

	ck_assert_msg((rc == 0) == periods[_i].ok, "row %d \"%s\"", _i, periods[_i].in);
	if (rc != 0)
		return;
	ck_assert_int_eq(y, periods[_i].y);
	ck_assert_int_eq(m, periods[_i].m);
	rate_month_bounds(y, m, &from, &to);
	ck_assert_msg(from == periods[_i].from && to == periods[_i].to, "row %d: %lld %lld",
	    _i, (long long)from, (long long)to);
	rate_month_of(from, &y, &m);
	ck_assert(y == periods[_i].y && m == periods[_i].m);
	rate_month_of(to - 1, &y, &m);
	ck_assert(y == periods[_i].y && m == periods[_i].m);
}
END_TEST

/* rate_active_seconds against hand counts. */
static const struct {
	struct tev	 ev[4];
	size_t		 nev;
	long long	 created, a, b, want;
} act[] = {
	{ { { 0, 1 } }, 1, 0, 0, 100, 100 },
	{ { { 0, 1 } }, 1, 50, 0, 100, 50 },
	{ { { 0, 1 }, { 30, 0 }, { 60, 1 } }, 3, 0, 0, 100, 70 },
	{ { { 0, 1 }, { 30, 0 }, { 60, 1 } }, 3, 0, 40, 50, 0 },
	{ { { 10, 1 }, { 20, 0 } }, 2, 10, 0, 100, 10 },
	{ { { 10, 0 } }, 1, 10, 0, 100, 0 },
	{ { { 200, 1 } }, 1, 200, 0, 100, 0 },
	{ { { 0, 1 }, { 0, 0 }, { 0, 1 } }, 3, 0, 0, 100, 100 },
};

START_TEST(test_active)
{
	struct rate_event ev[4];
	for (size_t i = 0; i < act[_i].nev; i++) {
		ev[i].at = act[_i].ev[i].off;
		ev[i].active = act[_i].ev[i].active;
	}
	int64_t s = rate_active_seconds(ev, act[_i].nev, act[_i].created, act[_i].a, act[_i].b);
	ck_assert_msg(s == act[_i].want, "row %d: %lld want %lld", _i, (long long)s, act[_i].want);
}
END_TEST

/* db_invoice_run_due_period: the month before now's, once its grace has passed. */
static const struct {
	long long	 now, grace;
	int		 due, y, m;
} dues[] = {
	{ 1751414399, 86400, 0, 2025, 6 },	/* 2025-07-01T23:59:59Z: grace not over */
	{ 1751414400, 86400, 1, 2025, 6 },	/* 2025-07-02T00:00:00Z */
	{ 1767225600, 0, 1, 2025, 12 },		/* 2026-01-01: December, across the year */
	{ 1709251200, 0, 1, 2024, 2 },		/* 2024-03-01: the leap February */
	{ 1709251199, 0, 1, 2024, 1 },		/* 2024-02-29T23:59:59Z: January */
	{ 1740787200 + 5 * 86400, 30 * 86400, 0, 2025, 2 },
};

START_TEST(test_due)
{
	int y = 0, m = 0, due = db_invoice_run_due_period(dues[_i].now, dues[_i].grace, &y, &m);
	ck_assert_msg(due == dues[_i].due && y == dues[_i].y && m == dues[_i].m,
	    "row %d: %d %d-%d", _i, due, y, m);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rating");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_month, 0, (int)nitems(rows));
	tcase_add_loop_test(tc, test_period, 0, (int)nitems(periods));
	tcase_add_loop_test(tc, test_active, 0, (int)nitems(act));
	tcase_add_loop_test(tc, test_due, 0, (int)nitems(dues));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
