/*
 * Unit tests of lib/domain/adjust.c, the difference late usage makes to an
 * invoiced month: one row per rule of adjust.h (more usage, less usage
 * after a corrected counter, no change, a change within the included
 * amount, both signs at once, tax rounding, inconsistent or too large
 * input refused), then whole months rated by lib/domain/rating.c and corrected
 * round after round, where the invoice and all its notes must add up to
 * the rating of the final usage to the minor unit.  Expected numbers were
 * worked out by hand (each row's comment).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "adjust.h"
#include "money.h"
#include "rating.h"
#include "util.h"

#define G	1000000000LL	/* bytes in a GB */

struct titem {
	enum rate_res	 res;
	long long	 qb, ab, qn, an;	/* qty and amount billed, now */
};

static const struct crow {
	const char	*name;
	struct titem	 it[4];
	size_t		 n;
	long long	 sub, tax, bp;		/* billed so far */
	int		 rc;
	long long	 dn_sub, dn_tax, dn_total;
	size_t		 dn_n;
	long long	 cn_sub, cn_tax, cn_total;
	size_t		 cn_n;
} crows[] = {
	{ "no change: nothing", { { RR_FEE, 1000000, 1000, 1000000, 1000 },
	  { RR_TRAFFIC_OUT, 10000000, 200, 10000000, 200 } }, 2, 1200, 228, 1900, RATE_OK,
	  0, 0, 0, 0, 0, 0, 0, 0 },
	/* +64: tax(1264 x 19%) = 240.16 -> 240, minus 228 billed = 12 */
	{ "more usage: a debit note", { { RR_FEE, 1000000, 1000, 1000000, 1000 },
	  { RR_TRAFFIC_OUT, 10000000, 200, 13200000, 264 } }, 2, 1200, 228, 1900, RATE_OK,
	  64, 12, 76, 1, 0, 0, 0, 0 },
	/* -6: tax(1015) = 192.85 -> 193 billed; tax(1009) = 191.71 -> 192: -1 */
	{ "less usage (a corrected counter): a credit note", { { RR_CPU, 5000000, 15, 3000000, 9 } },
	  1, 1015, 193, 1900, RATE_OK, 0, 0, 0, 0, -6, -1, -7, 1 },
	/* +64 -6: tax(1264) = 240 (+12); tax(1258) = 239.02 -> 239 (-1) */
	{ "both signs: a debit and a credit note", { { RR_TRAFFIC_OUT, 10000000, 200, 13200000, 264 },
	  { RR_CPU, 5000000, 15, 3000000, 9 } }, 2, 1200, 228, 1900, RATE_OK,
	  64, 12, 76, 1, -6, -1, -7, 1 },
	{ "more usage within the included amount: nothing", { { RR_TRAFFIC, 50000000, 0, 60000000, 0 } },
	  1, 1000, 190, 1900, RATE_OK, 0, 0, 0, 0, 0, 0, 0, 0 },
	/* tax(50 x 10%) = 5; tax(55) = 5.5 -> 6: the note carries the rounding, 1 */
	{ "tax rounds half-up on the new subtotal", { { RR_CPU, 0, 0, 1000000, 5 } },
	  1, 50, 5, 1000, RATE_OK, 5, 1, 6, 1, 0, 0, 0, 0 },
	/* tax(55) = 6 billed; tax(50) = 5: -1 */
	{ "credit back across the rounding edge", { { RR_CPU, 1000000, 5, 0, 0 } },
	  1, 55, 6, 1000, RATE_OK, 0, 0, 0, 0, -5, -1, -6, 1 },
	{ "no tax", { { RR_VMEM, 1, 7, 2, 9 }, { RR_DISK, 0, 0, 3, 4 } }, 2, 100, 0, 0, RATE_OK,
	  6, 0, 6, 2, 0, 0, 0, 0 },
	/* two VEs of one invoice, one item each way; 20 % of 300 = 60, of 305 = 61 */
	{ "several lines of one sign", { { RR_TRAFFIC_IN, 0, 0, 1, 2 }, { RR_TRAFFIC_IN, 0, 0, 1, 3 } },
	  2, 300, 60, 2000, RATE_OK, 5, 1, 6, 2, 0, 0, 0, 0 },
	{ "billed tax is not the tax of billed subtotal", { { RR_CPU, 0, 0, 1, 5 } }, 1, 100, 20, 1900,
	  RATE_EINVAL, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "negative tax rate", { { RR_CPU, 0, 0, 1, 5 } }, 1, 100, 0, -1, RATE_EINVAL,
	  0, 0, 0, 0, 0, 0, 0, 0 },
	{ "a difference past 64 bits", { { RR_CPU, 0, -1, 0, INT64_MAX } }, 1, 0, 0, 0,
	  RATE_EOVERFLOW, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "differences adding past 64 bits", { { RR_CPU, 0, 0, 0, INT64_MAX },
	  { RR_VMEM, 0, 0, 0, INT64_MAX } }, 2, 0, 0, 0, RATE_EOVERFLOW, 0, 0, 0, 0, 0, 0, 0, 0 },
};

static void
items_of(const struct crow *t, struct adj_item *it)
{
	memset(it, 0, sizeof(*it) * 4);
	for (size_t i = 0; i < t->n; i++) {
		snprintf(it[i].ve, sizeof(it[i].ve), "%08X", (unsigned)(i + 1));
		it[i].res = t->it[i].res;
		it[i].qty_billed = t->it[i].qb;
		it[i].amount_billed = t->it[i].ab;
		it[i].qty_now = t->it[i].qn;
		it[i].amount_now = t->it[i].an;
	}
}

START_TEST(test_compute)
{
	const struct crow *t = &crows[_i];
	struct adj_item it[4];
	struct adj_doc dn, cn;
	int rc;

	items_of(t, it);
	rc = adjust_compute(it, t->n, t->sub, t->tax, t->bp, &dn, &cn);
	ck_assert_msg(rc == t->rc, "row %d (%s): rc %d want %d", _i, t->name, rc, t->rc);
	if (rc != RATE_OK)
		return;
	ck_assert_msg(dn.sub == t->dn_sub && dn.tax == t->dn_tax && dn.total == t->dn_total &&
	    dn.nlines == t->dn_n, "row %d (%s): debit %lld %lld %lld (%zu lines), want %lld %lld %lld (%zu)",
	    _i, t->name, (long long)dn.sub, (long long)dn.tax, (long long)dn.total, dn.nlines,
	    t->dn_sub, t->dn_tax, t->dn_total, t->dn_n);
	ck_assert_msg(cn.sub == t->cn_sub && cn.tax == t->cn_tax && cn.total == t->cn_total &&
	    cn.nlines == t->cn_n, "row %d (%s): credit %lld %lld %lld (%zu lines), want %lld %lld %lld (%zu)",
	    _i, t->name, (long long)cn.sub, (long long)cn.tax, (long long)cn.total, cn.nlines,
	    t->cn_sub, t->cn_tax, t->cn_total, t->cn_n);
	/* Whatever the row: billed + notes is the final subtotal with its tax once. */
	{
		int64_t fin = t->sub + dn.sub + cn.sub, ftax;
		ck_assert(money_tax(fin, t->bp, &ftax) == 0);
		ck_assert_msg(t->tax + dn.tax + cn.tax == ftax, "row %d (%s): tax %lld, want %lld",
		    _i, t->name, (long long)(t->tax + dn.tax + cn.tax), (long long)ftax);
	}
}
END_TEST

/* adjust_qty: short decimals of micro-units. */
static const struct {
	long long	 micro;
	int		 sign;
	const char	*want;
} qtys[] = {
	{ 3200000, 1, "+3.2" }, { 3200000, 0, "3.2" }, { 1, 1, "+0.000001" }, { -1500000, 1, "-1.5" },
	{ 0, 1, "0" }, { 12000000, 0, "12" }, { -10, 0, "-0.00001" }, { INT64_MIN, 0, "-9223372036854.775808" },
};

START_TEST(test_qty)
{
	char b[40];
	ck_assert_int_ge(adjust_qty(qtys[_i].micro, qtys[_i].sign, b, sizeof(b)), 0);
	ck_assert_msg(strcmp(b, qtys[_i].want) == 0, "row %d: \"%s\" want \"%s\"", _i, b, qtys[_i].want);
	ck_assert_int_eq(adjust_qty(qtys[_i].micro, qtys[_i].sign, b, 1), -1);
}
END_TEST

/* adjust_reason and adjust_describe: what the customer reads. */
static const struct {
	const char	*name;
	int		 debit;
	struct titem	 it[4];
	size_t		 n, len;
	const char	*want;
} reasons[] = {
	{ "one resource", 1, { { RR_TRAFFIC_OUT, 10000000, 200, 13200000, 264 } }, 1, 256,
	  "usage for 2026-10 received after invoicing: +3.2 GB traffic out" },
	{ "summed over VEs, by resource; other sign left out", 1,
	  { { RR_CPU, 1000000, 3, 1500000, 4 }, { RR_TRAFFIC_IN, 0, 0, 2000000, 40 },
	    { RR_CPU, 0, 0, 250000, 1 }, { RR_VMEM, 9000000, 18, 1000000, 2 } }, 4, 256,
	  "usage for 2026-10 received after invoicing: +0.75 CPU-hour, +2 GB traffic in" },
	{ "a credit", 0, { { RR_CPU, 1000000, 3, 1500000, 4 }, { RR_VMEM, 9000000, 18, 1000000, 2 } },
	  2, 256, "usage for 2026-10 corrected after invoicing: -8 GB-hour of memory" },
	{ "an amount changed with the same quantity", 1, { { RR_FEE, 1000000, 1000, 1000000, 1100 } },
	  1, 256, "usage for 2026-10 received after invoicing: monthly fee repriced" },
	{ "too long for the room", 1, { { RR_CPU, 0, 0, 1000000, 3 }, { RR_TRAFFIC, 0, 0, 1, 1 },
	  { RR_DISK, 0, 0, 1, 1 } }, 3, 100,
	  "usage for 2026-10 received after invoicing: +0.000001 GB-month of disk quota, +1 CPU-hour "
	  "and more" },
};

START_TEST(test_reason)
{
	struct adj_item it[4];
	char b[256];
	size_t n;

	memset(it, 0, sizeof(it));
	for (size_t i = 0; i < reasons[_i].n; i++) {
		snprintf(it[i].ve, sizeof(it[i].ve), "%08X", (unsigned)(i + 1));
		it[i].res = reasons[_i].it[i].res;
		it[i].qty_billed = reasons[_i].it[i].qb;
		it[i].amount_billed = reasons[_i].it[i].ab;
		it[i].qty_now = reasons[_i].it[i].qn;
		it[i].amount_now = reasons[_i].it[i].an;
	}
	n = adjust_reason("2026-10", reasons[_i].debit, it, reasons[_i].n, b, reasons[_i].len);
	ck_assert_msg(strcmp(b, reasons[_i].want) == 0, "row %d (%s): \"%s\"", _i, reasons[_i].name, b);
	ck_assert_uint_eq(n, strlen(b));
	ck_assert_uint_lt(n, reasons[_i].len);
}
END_TEST

START_TEST(test_describe)
{
	struct adj_item it = { "0000002A", RR_TRAFFIC_OUT, 10000000, 200, 13200000, 264 };
	char b[256];

	ck_assert_int_gt(adjust_describe(&it, b, sizeof(b)), 0);
	ck_assert_str_eq(b, "traffic out: invoiced 10.000000 GB, now 13.200000 GB");
	ck_assert_int_eq(adjust_describe(&it, b, 10), -1);
}
END_TEST

START_TEST(test_sum_lines)
{
	struct rate_line l[] = {
		{ RK_FEE, RR_FEE, 0, 500000, 1000, 500 }, { RK_FEE, RR_FEE, 1, 500000, 2000, 1000 },
		{ RK_USAGE, RR_TRAFFIC, 0, 40000000, 0, 0 }, { RK_OVERAGE, RR_TRAFFIC, 1, 3000000, 20, 60 },
		{ RK_CREDIT, RR_FEE, 0, 1000000, -100, -100 },
	};
	int64_t q[RR__MAX] = { 0 }, a[RR__MAX] = { 0 };
	unsigned seen = 0;

	ck_assert_int_eq(adjust_sum_lines(l, nitems(l), q, a, &seen), RATE_OK);
	ck_assert(q[RR_FEE] == 1000000 && a[RR_FEE] == 1500);
	ck_assert(q[RR_TRAFFIC] == 43000000 && a[RR_TRAFFIC] == 60);
	ck_assert_uint_eq(seen, (1u << RR_FEE) | (1u << RR_TRAFFIC));
	l[0].amount_minor = INT64_MAX;
	ck_assert_int_eq(adjust_sum_lines(l, 2, q, a, &seen), RATE_EOVERFLOW);
}
END_TEST

/*
 * Whole months: a VE's month rated and invoiced, then its usage corrected
 * round after round (late traffic, a counter corrected down, the same
 * again); each round's notes are computed against the invoice plus the
 * earlier notes, exactly as db_late.c does, and afterwards the invoice
 * and all notes must equal the rating of the final usage, tax included.
 */

static const struct mrow {
	const char	*name;
	long long	 bp;
	struct rate_usage u[5];		/* u[0] invoiced, then the corrections */
	size_t		 nu;
	int		 notes[5][2];	/* per correction: debit notes, credit notes (0/1) */
} mrows[] = {
	{ "late traffic past the included amount", 1900,
	  { { 0, 0, 90 * G, 0 }, { 0, 0, 90 * G, 13200000000LL } }, 2, { {0}, { 1, 0 } } },
	{ "late traffic within the included amount", 1900,
	  { { 0, 0, 50 * G, 0 }, { 0, 0, 60 * G, 0 } }, 2, { {0}, { 0, 0 } } },
	{ "a counter corrected down", 2100,
	  { { 3600000000LL * 30, 0, 120 * G, 0 }, { 3600000000LL * 25, 0, 110 * G, 0 } }, 2,
	  { {0}, { 0, 1 } } },
	{ "up, down, then the same again", 1900,
	  { { 0, 0, 100 * G, 0 }, { 0, 0, 150 * G + 123456789, 7 }, { 0, 0, 130 * G, 999999999 },
	    { 0, 0, 130 * G, 999999999 } }, 4, { {0}, { 1, 0 }, { 0, 1 }, { 0, 0 } } },
	{ "more of one resource, less of another", 700,
	  { { 3600000000LL * 20, 7 * 3600000000000LL, 200 * G, 0 },
	    { 3600000000LL * 14, 9 * 3600000000000LL + 1, 200 * G, 0 } }, 2, { {0}, { 1, 1 } } },
	{ "odd numbers, no tax", 0,
	  { { 1, 1, 1, 1 }, { 3600000000LL * 11 + 1799, 3600000000LL, 100 * G + 499, 1 } }, 2,
	  { {0}, { 1, 0 } } },
};

static const struct rate_version pv = {
	1, 0, 1000,
	{ [RR_DISK] = 10, [RR_CPU] = 10, [RR_TRAFFIC] = 100 },
	{ [RR_DISK] = 50, [RR_CPU] = 3, [RR_VMEM] = 2, [RR_TRAFFIC] = 20 },
};

/* The month 2026-10 of a VE on pv with usage u: per-resource sums and totals. */
static void
rate_of(const struct rate_usage *u, long long bp, int64_t q[RR__MAX], int64_t a[RR__MAX],
    unsigned *seen, int64_t *sub, int64_t *tax, int64_t *total)
{
	struct rate_line l[RATE_LINES_PER_VERSION + 1];
	struct rate_event ev = { 0, 1 };
	struct rate_input in;
	size_t n = 0;

	memset(&in, 0, sizeof(in));
	rate_month_bounds(2026, 10, &in.from, &in.to);
	in.acc_from = in.from;
	in.until = in.to;
	in.created_at = in.from - 86400;
	in.disk_quota_mb = 20000;
	in.ev = &ev;
	in.nev = 1;
	in.v = &pv;
	in.nv = 1;
	in.u = u;
	ck_assert_int_eq(rate_month(&in, l, nitems(l), &n), RATE_OK);
	memset(q, 0, sizeof(int64_t) * RR__MAX);
	memset(a, 0, sizeof(int64_t) * RR__MAX);
	*seen = 0;
	ck_assert_int_eq(adjust_sum_lines(l, n, q, a, seen), RATE_OK);
	ck_assert_int_eq(rate_totals(l, n, bp, sub, tax, total), RATE_OK);
}

START_TEST(test_months)
{
	const struct mrow *t = &mrows[_i];
	int64_t bq[RR__MAX], ba[RR__MAX], q[RR__MAX], a[RR__MAX];
	int64_t sub, tax, total, bsub, btax, btotal, fsub, ftax, ftotal;
	unsigned seen, bseen;

	/* The invoice. */
	rate_of(&t->u[0], t->bp, bq, ba, &bseen, &bsub, &btax, &btotal);
	for (size_t k = 1; k < t->nu; k++) {
		struct adj_item it[RR__MAX];
		struct adj_doc dn, cn;
		size_t n = 0;
		rate_of(&t->u[k], t->bp, q, a, &seen, &fsub, &ftax, &ftotal);
		for (int r = 0; r < RR__MAX; r++) {
			if (!((seen | bseen) & (1u << r)))
				continue;
			it[n] = (struct adj_item){ "0000002A", (enum rate_res)r, bq[r], ba[r], q[r], a[r] };
			n++;
		}
		ck_assert_int_eq(adjust_compute(it, n, bsub, btax, t->bp, &dn, &cn), RATE_OK);
		ck_assert_msg((dn.nlines > 0) == t->notes[k][0] && (cn.nlines > 0) == t->notes[k][1],
		    "row %d (%s) round %zu: %zu debit lines, %zu credit lines", _i, t->name, k,
		    dn.nlines, cn.nlines);
		ck_assert(dn.nlines == 0 || (dn.sub > 0 && dn.tax >= 0 && dn.total == dn.sub + dn.tax));
		ck_assert(cn.nlines == 0 || (cn.sub < 0 && cn.tax <= 0 && cn.total == cn.sub + cn.tax));
		/* What is billed now: the invoice and every note so far. */
		for (size_t i = 0; i < n; i++) {
			bq[it[i].res] = it[i].qty_billed;
			ba[it[i].res] = it[i].amount_billed;
			if (it[i].amount_now != it[i].amount_billed) {
				bq[it[i].res] = it[i].qty_now;
				ba[it[i].res] = it[i].amount_now;
			}
		}
		bseen |= seen;
		bsub += dn.sub + cn.sub;
		btax += dn.tax + cn.tax;
		btotal += dn.total + cn.total;
		ck_assert_msg(bsub == fsub && btax == ftax && btotal == ftotal,
		    "row %d (%s) round %zu: billed %lld + %lld = %lld, rated %lld + %lld = %lld",
		    _i, t->name, k, (long long)bsub, (long long)btax, (long long)btotal,
		    (long long)fsub, (long long)ftax, (long long)ftotal);
		for (int r = 0; r < RR__MAX; r++)
			ck_assert_msg(ba[r] == a[r], "row %d round %zu: %s billed %lld, rated %lld",
			    _i, k, rate_res_name((enum rate_res)r), (long long)ba[r], (long long)a[r]);
		/* Running it again issues nothing. */
		for (size_t i = 0; i < n; i++) {
			it[i].qty_billed = bq[it[i].res];
			it[i].amount_billed = ba[it[i].res];
		}
		ck_assert_int_eq(adjust_compute(it, n, bsub, btax, t->bp, &dn, &cn), RATE_OK);
		ck_assert(dn.nlines == 0 && cn.nlines == 0);
	}
	(void)sub;
	(void)tax;
	(void)total;
}
END_TEST

/*
 * The same property over many pseudo-random months and tax rates: after
 * any sequence of corrections, invoice + notes = the final rating, each
 * note's lines of one sign and its tax of the same sign.
 */
START_TEST(test_random_months)
{
	uint64_t x = 0x9E3779B97F4A7C15ULL + (uint64_t)_i;
	int64_t bq[RR__MAX], ba[RR__MAX], q[RR__MAX], a[RR__MAX];
	int64_t bsub, btax, btotal, fsub, ftax, ftotal;
	unsigned seen, bseen;
	long long bp;
	struct rate_usage u;

#define RND() (x ^= x << 13, x ^= x >> 7, x ^= x << 17, x)
	bp = (long long)(RND() % 2700);
	u = (struct rate_usage){ (int64_t)(RND() % (40 * 3600000000ULL)),
	    (int64_t)(RND() % (1000ULL * 3600 * G)), (int64_t)(RND() % (300 * G)),
	    (int64_t)(RND() % (300 * G)) };
	rate_of(&u, bp, bq, ba, &bseen, &bsub, &btax, &btotal);
	for (int k = 0; k < 6; k++) {
		struct adj_item it[RR__MAX];
		struct adj_doc dn, cn;
		size_t n = 0;
		u.cpu_us = (int64_t)(RND() % (40 * 3600000000ULL));
		u.in_bytes = (int64_t)(RND() % (300 * G));
		if (RND() % 2)
			u.out_bytes = (int64_t)(RND() % (300 * G));
		rate_of(&u, bp, q, a, &seen, &fsub, &ftax, &ftotal);
		for (int r = 0; r < RR__MAX; r++)
			if ((seen | bseen) & (1u << r))
				it[n++] = (struct adj_item){ "0000002A", (enum rate_res)r, bq[r], ba[r],
				    q[r], a[r] };
		ck_assert_int_eq(adjust_compute(it, n, bsub, btax, bp, &dn, &cn), RATE_OK);
		ck_assert(dn.nlines == 0 || (dn.sub > 0 && dn.tax >= 0));
		ck_assert(cn.nlines == 0 || (cn.sub < 0 && cn.tax <= 0));
		for (size_t i = 0; i < n; i++)
			if (it[i].amount_now != it[i].amount_billed) {
				bq[it[i].res] = it[i].qty_now;
				ba[it[i].res] = it[i].amount_now;
			}
		bseen |= seen;
		bsub += dn.sub + cn.sub;
		btax += dn.tax + cn.tax;
		btotal += dn.total + cn.total;
		ck_assert_msg(bsub == fsub && btax == ftax && btotal == ftotal,
		    "seed %d round %d: billed %lld/%lld/%lld, rated %lld/%lld/%lld", _i, k,
		    (long long)bsub, (long long)btax, (long long)btotal, (long long)fsub,
		    (long long)ftax, (long long)ftotal);
	}
#undef RND
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("adjust");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_compute, 0, (int)nitems(crows));
	tcase_add_loop_test(tc, test_qty, 0, (int)nitems(qtys));
	tcase_add_loop_test(tc, test_reason, 0, (int)nitems(reasons));
	tcase_add_test(tc, test_describe);
	tcase_add_test(tc, test_sum_lines);
	tcase_add_loop_test(tc, test_months, 0, (int)nitems(mrows));
	tcase_add_loop_test(tc, test_random_months, 0, 300);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
