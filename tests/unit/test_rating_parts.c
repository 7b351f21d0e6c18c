/*
 * Unit tests of lib/domain/rating_parts.c (SPEC section 11: billing at the
 * second of a service change): the month cut at each change of the
 * order's plan and disk quota and at each price version of the part's plan,
 * then rated by rate_month.  One row per case: a change at the month's
 * first and last second, several changes in one month, a change and a
 * price version on the same day, changes before the month only, a VE
 * created mid-month and changed a week later.  The expected lines were
 * computed apart from the C code, with exact fractions (a short Python
 * script: fee = half-up(active s x 10^6 / month s), amount = half-up(qty x
 * price / 10^6), disk GB-months half-up(bytes x s / (10^3 x month s))), so
 * every part's quantity and amount is checked to the micro-unit and the
 * parts' total to the minor unit.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "rating.h"
#include "rating_parts.h"
#include "util.h"

#define D	86400LL

/* Two plans: P1 one version; P2 a price change on the 16th of every month (offset 15 days). */
static const struct tplan {
	long long	 off[2], fee[2], inc_disk[2], price_disk[2];
	size_t		 nv;
} plans[] = {
	{ { -10 * D }, { 1000 }, { 10 }, { 50 }, 1 },
	{ { -10 * D, 15 * D }, { 3000, 3600 }, { 20, 20 }, { 40, 40 }, 2 },
};

struct tpart { long long off; int plan; long long quota_mb; };
struct tline { enum rate_kind k; enum rate_res r; long long from, to, qty, price, amount; };

static const struct row {
	const char	*name;
	int		 y, m;
	long long	 created;
	struct tpart	 p[4];
	size_t		 np;
	struct tline	 l[8];
	size_t		 nl;
	long long	 total;
} rows[] = {
	{ "change at the month's first second", 2025, 3, -D,
	  { { -5 * D, 0, 1000 }, { 0, 1, 1000 } }, 2,
	  { { RK_FEE, RR_FEE, 0, 1296000, 483871, 3000, 1452 },
	    { RK_USAGE, RR_DISK, 0, 1296000, 483871, 0, 0 },
	    { RK_FEE, RR_FEE, 1296000, 2678400, 516129, 3600, 1858 },
	    { RK_USAGE, RR_DISK, 1296000, 2678400, 516129, 0, 0 } }, 4, 3310 },
	{ "change at the month's last second", 2025, 3, -D,
	  { { -5 * D, 0, 1000 }, { 31 * D - 1, 0, 20000 } }, 2,
	  { { RK_FEE, RR_FEE, 0, 2678399, 1000000, 1000, 1000 },
	    { RK_USAGE, RR_DISK, 0, 2678399, 1000000, 0, 0 },
	    { RK_FEE, RR_FEE, 2678399, 2678400, 0, 1000, 0 },
	    { RK_USAGE, RR_DISK, 2678399, 2678400, 4, 0, 0 },
	    { RK_OVERAGE, RR_DISK, 2678399, 2678400, 4, 50, 0 } }, 5, 1000 },
	{ "several changes in one month", 2025, 3, -D,
	  { { -5 * D, 0, 1000 }, { 10 * D, 0, 5000 }, { 20 * D + 3607, 1, 30000 } }, 3,
	  { { RK_FEE, RR_FEE, 0, 864000, 322581, 1000, 323 },
	    { RK_USAGE, RR_DISK, 0, 864000, 322581, 0, 0 },
	    { RK_FEE, RR_FEE, 864000, 1731607, 323927, 1000, 324 },
	    { RK_USAGE, RR_DISK, 864000, 1731607, 1619637, 0, 0 },
	    { RK_FEE, RR_FEE, 1731607, 2678400, 353492, 3600, 1273 },
	    { RK_USAGE, RR_DISK, 1731607, 2678400, 7069840, 0, 0 },
	    { RK_OVERAGE, RR_DISK, 1731607, 2678400, 3534920, 40, 141 } }, 7, 2061 },
	{ "change and price version on the same day", 2025, 3, -D,
	  { { -5 * D, 1, 1000 }, { 15 * D + 43200, 1, 25000 } }, 2,
	  { { RK_FEE, RR_FEE, 0, 1296000, 483871, 3000, 1452 },
	    { RK_USAGE, RR_DISK, 0, 1296000, 483871, 0, 0 },
	    { RK_FEE, RR_FEE, 1296000, 1339200, 16129, 3600, 58 },
	    { RK_USAGE, RR_DISK, 1296000, 1339200, 16129, 0, 0 },
	    { RK_FEE, RR_FEE, 1339200, 2678400, 500000, 3600, 1800 },
	    { RK_USAGE, RR_DISK, 1339200, 2678400, 10000000, 0, 0 },
	    { RK_OVERAGE, RR_DISK, 1339200, 2678400, 2500000, 40, 100 } }, 7, 3410 },
	{ "changes before the month only", 2025, 4, -50 * D,
	  { { -40 * D, 0, 1000 }, { -3 * D, 1, 3000 } }, 2,
	  { { RK_FEE, RR_FEE, 0, 1296000, 500000, 3000, 1500 },
	    { RK_USAGE, RR_DISK, 0, 1296000, 1500000, 0, 0 },
	    { RK_FEE, RR_FEE, 1296000, 2592000, 500000, 3600, 1800 },
	    { RK_USAGE, RR_DISK, 1296000, 2592000, 1500000, 0, 0 } }, 4, 3300 },
	{ "created mid-month, changed a week later", 2025, 2, 5 * D,
	  { { 5 * D, 0, 1000 }, { 12 * D, 0, 15000 } }, 2,
	  { { RK_FEE, RR_FEE, 0, 1036800, 250000, 1000, 250 },
	    { RK_USAGE, RR_DISK, 0, 1036800, 250000, 0, 0 },
	    { RK_FEE, RR_FEE, 1036800, 2419200, 571429, 1000, 571 },
	    { RK_USAGE, RR_DISK, 1036800, 2419200, 5714286, 0, 0 },
	    { RK_OVERAGE, RR_DISK, 1036800, 2419200, 2857143, 50, 143 } }, 5, 964 },
};

/* The plans' versions as rating wants them, offsets from the month's start `from`. */
static void
make_versions(int64_t from, struct rate_version v[2][2])
{
	memset(v, 0, sizeof(struct rate_version) * 4);
	for (size_t p = 0; p < nitems(plans); p++)
		for (size_t j = 0; j < plans[p].nv; j++) {
			v[p][j].id = (int64_t)(p * 10 + j + 1);
			v[p][j].valid_from = from + plans[p].off[j];
			v[p][j].fee_minor = plans[p].fee[j];
			v[p][j].inc[RR_DISK] = plans[p].inc_disk[j];
			v[p][j].price[RR_DISK] = plans[p].price_disk[j];
		}
}

START_TEST(test_parts)
{
	const struct row *t = &rows[_i];
	struct rate_version pv[2][2], v[16];
	struct rate_part parts[4];
	struct rate_piece piece[16];
	struct rate_usage u[16];
	struct rate_line out[64];
	int64_t quota[16], from, to, sub, tax, total;
	struct rate_event ev;
	size_t nv = 0, n = 0;

	rate_month_bounds(t->y, t->m, &from, &to);
	make_versions(from, pv);
	for (size_t k = 0; k < t->np; k++) {
		parts[k].from = from + t->p[k].off;
		parts[k].plan_id = t->p[k].plan + 1;
		parts[k].disk_quota_mb = t->p[k].quota_mb;
		parts[k].v = pv[t->p[k].plan];
		parts[k].nv = plans[t->p[k].plan].nv;
		parts[k].sla = NULL;
	}
	ck_assert_int_le(rate_parts_cap(parts, t->np), nitems(v));
	ck_assert_msg(rate_parts_merge(parts, t->np, from, to, v, quota, piece, NULL, nitems(v), &nv) ==
	    RATE_OK, "%s: merge", t->name);
	memset(u, 0, sizeof(u));
	ev.at = from + t->created;
	ev.active = 1;
	struct rate_input in = { .from = from, .to = to, .acc_from = from, .until = to,
	    .created_at = from + t->created, .disk_quota_mb = 0, .quota_mb = quota, .ev = &ev, .nev = 1,
	    .v = v, .nv = nv, .u = u };
	ck_assert_msg(rate_month(&in, out, nitems(out), &n) == RATE_OK, "%s: rate", t->name);
	ck_assert_msg(n == t->nl, "%s: %zu lines, want %zu", t->name, n, t->nl);
	for (size_t i = 0; i < n; i++) {
		const struct tline *w = &t->l[i];
		ck_assert_msg(out[i].kind == w->k && out[i].res == w->r, "%s line %zu: kind/res", t->name, i);
		ck_assert_msg(piece[out[i].ver].from == from + w->from && piece[out[i].ver].to == from + w->to,
		    "%s line %zu: part [%lld, %lld), want [%lld, %lld)", t->name, i,
		    (long long)(piece[out[i].ver].from - from), (long long)(piece[out[i].ver].to - from),
		    w->from, w->to);
		ck_assert_msg(out[i].qty_micro == w->qty, "%s line %zu: qty %lld, want %lld", t->name, i,
		    (long long)out[i].qty_micro, w->qty);
		ck_assert_msg(out[i].unit_price_minor == w->price && out[i].amount_minor == w->amount,
		    "%s line %zu: %lld x %lld, want %lld x %lld", t->name, i,
		    (long long)out[i].unit_price_minor, (long long)out[i].amount_minor, w->price, w->amount);
	}
	ck_assert_int_eq(rate_totals(out, n, 0, &sub, &tax, &total), RATE_OK);
	ck_assert_msg(total == t->total, "%s: total %lld, want %lld", t->name, (long long)total, t->total);
	/* The pieces cover the month exactly, each in its part. */
	ck_assert(piece[0].from == from && piece[nv - 1].to == to);
	for (size_t i = 1; i < nv; i++)
		ck_assert(piece[i].from == piece[i - 1].to && v[i].valid_from == piece[i].from);
}
END_TEST

START_TEST(test_refused)
{
	struct rate_version one = { .id = 1, .valid_from = 0, .fee_minor = 1 }, v[4];
	struct rate_part p[2] = { { 100, 1, 10, &one, 1, NULL }, { 50, 1, 20, &one, 1, NULL } };
	struct rate_piece piece[4];
	int64_t quota[4];
	size_t n;

	/* Parts out of order, none at all, a part without versions, no room: refused, not guessed. */
	ck_assert_int_eq(rate_parts_merge(p, 2, 0, 1000, v, quota, piece, NULL, 4, &n), RATE_EINVAL);
	ck_assert_int_eq(rate_parts_merge(p, 0, 0, 1000, v, quota, piece, NULL, 4, &n), RATE_EINVAL);
	p[1].from = 200;
	p[1].nv = 0;
	ck_assert_int_eq(rate_parts_merge(p, 2, 0, 1000, v, quota, piece, NULL, 4, &n), RATE_EINVAL);
	p[1].nv = 1;
	ck_assert_int_eq(rate_parts_merge(p, 2, 0, 1000, v, quota, piece, NULL, 1, &n), RATE_ENOSPACE);
	ck_assert_int_eq(rate_parts_merge(p, 2, 0, 1000, v, quota, piece, NULL, 4, &n), RATE_OK);
	ck_assert_int_eq(n, 2);
	ck_assert(quota[0] == 10 && quota[1] == 20 && v[1].valid_from == 200);
	/* A change after the month: only the part in force during it. */
	ck_assert_int_eq(rate_parts_merge(p, 2, 0, 150, v, quota, piece, NULL, 4, &n), RATE_OK);
	ck_assert(n == 1 && quota[0] == 10 && piece[0].to == 150);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rating_parts");
	TCase *tc = tcase_create("parts");

	tcase_add_loop_test(tc, test_parts, 0, (int)nitems(rows));
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
