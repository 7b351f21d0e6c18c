/*
 * lib/domain/quote.c: the signup's monthly total is the invoices' rating of
 * a whole month (fee, disk quota above the included GB), to the minor
 * unit, with tax once on the subtotal; and the traffic-cap sentence.
 */
#include <check.h>
#include <string.h>

#include "quote.h"
#include "unit.h"
#include "util.h"

#define DEC_2026	1796083200LL	/* 2026-12-01T00:00:00Z */

static const struct {
	long long	 fee, inc_disk, ov_disk, mb, bp;
	long long	 want_fee, want_disk, want_sub, want_tax, want_total;
	int		 rc;
} rows[] = {
	/* within the included disk: the fee only */
	{ 1000, 10, 50, 10000, 0, 1000, 0, 1000, 0, 1000, RATE_OK },
	{ 1000, 10, 50, 1, 0, 1000, 0, 1000, 0, 1000, RATE_OK },
	/* 25 GB with 10 included at 0.50: 15 GB-months = 7.50 */
	{ 1000, 10, 50, 25000, 0, 1000, 750, 1750, 0, 1750, RATE_OK },
	/* 25.5 GB: 15.5 x 0.50 = 7.75; 19 % of 17.75 = 3.3725 -> 3.37 */
	{ 1000, 10, 50, 25500, 1900, 1000, 775, 1775, 337, 2112, RATE_OK },
	/* 10.001 GB: 0.001 GB-month x 0.50 = 0.0005 -> rounds half-up to 0.00 */
	{ 1235, 10, 50, 10001, 1900, 1235, 0, 1235, 235, 1470, RATE_OK },
	/* 10.01 GB: 0.01 x 0.50 = 0.005 -> 0.01 */
	{ 1235, 10, 50, 10010, 0, 1235, 1, 1236, 0, 1236, RATE_OK },
	/* no disk price: the quota costs nothing above the fee */
	{ 4900, 0, 0, 400000, 2000, 4900, 0, 4900, 980, 5880, RATE_OK },
	{ 1000, 10, 50, 0, 0, 0, 0, 0, 0, 0, RATE_EINVAL },
};

START_TEST(test_month)
{
	struct order_plan p;
	struct quote q;
	int rc;

	memset(&p, 0, sizeof(p));
	p.fee_minor = rows[_i].fee;
	p.inc[0] = rows[_i].inc_disk;
	p.ov[0] = rows[_i].ov_disk;
	p.inc[1] = 100;		/* traffic: rated on usage, none yet */
	p.ov[1] = 20;
	rc = quote_month(&p, rows[_i].mb, DEC_2026 + 12345, rows[_i].bp, &q);
	ck_assert_msg(rc == rows[_i].rc, "row %d: rc %d", _i, rc);
	if (rc != RATE_OK)
		return;
	ck_assert_msg(q.fee == rows[_i].want_fee && q.disk == rows[_i].want_disk &&
	    q.subtotal == rows[_i].want_sub && q.tax == rows[_i].want_tax &&
	    q.total == rows[_i].want_total, "row %d: fee %ld disk %ld sub %ld tax %ld total %ld", _i,
	    (long)q.fee, (long)q.disk, (long)q.subtotal, (long)q.tax, (long)q.total);
}
END_TEST

/* The same in February (28 days) and in a 31-day month: a whole month is a whole month. */
START_TEST(test_any_month)
{
	static const long long months[] = { 1769904000LL /* 2026-02-01 */, 1767225600LL /* 2026-01-01 */ };
	struct order_plan p;
	struct quote q;

	memset(&p, 0, sizeof(p));
	p.fee_minor = 999;
	p.inc[0] = 5;
	p.ov[0] = 33;
	for (size_t i = 0; i < nitems(months); i++) {
		ck_assert_int_eq(quote_month(&p, 8000, months[i] + 86400 * 3, 0, &q), RATE_OK);
		ck_assert_int_eq(q.total, 999 + 99);
	}
}
END_TEST

START_TEST(test_cap)
{
	long long n[OF__MAX];
	char s[512];

	memset(n, 0, sizeof(n));
	quote_cap_text("throttle", n, 128, s, sizeof(s));
	ck_assert_msg(strstr(s, "no traffic cap") && strstr(s, "128 kbit/s") && strstr(s, "month ends"), "%s", s);
	n[OF_NET_QUOTA_MAX_MB] = 50000;
	quote_cap_text("throttle", n, 128, s, sizeof(s));
	ck_assert_msg(strncmp(s, "At your traffic cap", 19) == 0 && strstr(s, "128 kbit/s"), "%s", s);
	n[OF_NET_BW_MIN_KBPS] = 2000;
	quote_cap_text("throttle", n, 128, s, sizeof(s));
	ck_assert_msg(strstr(s, "2000 kbit/s") != NULL, "%s", s);
	quote_cap_text("suspend", n, 128, s, sizeof(s));
	ck_assert_msg(strstr(s, "suspended until the month ends") && !strstr(s, "kbit/s"), "%s", s);
}
END_TEST

int
main(void)
{
	TCase *tc;
	Suite *s = unit_suite("quote", "quote", &tc);

	tcase_add_loop_test(tc, test_month, 0, nitems(rows));
	tcase_add_test(tc, test_any_month);
	tcase_add_test(tc, test_cap);
	return unit_run(s);
}
