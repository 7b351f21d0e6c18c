/*
 * Unit tests of lib/domain/money.c: half-up rounding at its edges (x.5 up,
 * x.4999 down, symmetric for credits), 64-bit limits refused, tax,
 * ISO 4217 exponents, formatting and parsing of amounts.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "money.h"
#include "util.h"

static const struct {
	int64_t		 a, b, d, want;
	int		 ok;
} md[] = {
	{ 1, 1, 2, 1, 1 },			/* 0.5 -> 1 */
	{ 1, 1, 3, 0, 1 },			/* 0.333 -> 0 */
	{ 2, 1, 3, 1, 1 },			/* 0.667 -> 1 */
	{ 3, 1, 2, 2, 1 },			/* 1.5 -> 2 */
	{ -1, 1, 2, -1, 1 },			/* -0.5 -> -1 (away from zero) */
	{ -1, 1, 3, 0, 1 },
	{ -3, 1, 2, -2, 1 },
	{ 0, 12345, 7, 0, 1 },
	{ INT64_MAX, 1, 1, INT64_MAX, 1 },
	{ INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX, 1 },	/* 126-bit product */
	{ INT64_MAX, 2, 1, 0, 0 },		/* does not fit: refused */
	{ INT64_MIN, 1, 1, INT64_MIN, 1 },
	{ INT64_MIN, -1, 1, 0, 0 },
	{ 4611686018427387904LL, 4, 2, 0, 0 },	/* 2^63 */
	{ 1, 1, 0, 0, 0 },			/* d must be > 0 */
	{ 1, 1, -2, 0, 0 },
	{ 1000000, 2000, 3000, 666667, 1 },
};

START_TEST(test_muldiv)
{
	int64_t v = 0;
	int rc = money_muldiv(md[_i].a, md[_i].b, md[_i].d, &v);
	ck_assert_msg((rc == 0) == md[_i].ok, "row %d: rc %d", _i, rc);
	if (rc == 0)
		ck_assert_msg(v == md[_i].want, "row %d: %lld want %lld", _i, (long long)v,
		    (long long)md[_i].want);
}
END_TEST

/* micro-units of a minor unit to minor units */
static const struct {
	int64_t		 micro, want;
} rm[] = {
	{ 1500000, 2 },		/* 1.5 -> 2 */
	{ 1499999, 1 },		/* 1.499999 -> 1 */
	{ 2500000, 3 },		/* half-up, not banker's rounding */
	{ 500000, 1 },
	{ 499999, 0 },
	{ 0, 0 },
	{ -500000, -1 },
	{ -499999, 0 },
	{ -1500000, -2 },
	{ INT64_MAX, 9223372036855LL },	/* 9223372036854.775807 */
	{ INT64_MIN, -9223372036855LL },
};

START_TEST(test_round)
{
	int64_t v = 0;
	ck_assert_int_eq(money_round_micro(rm[_i].micro, &v), 0);
	ck_assert_msg(v == rm[_i].want, "row %d: %lld want %lld", _i, (long long)v,
	    (long long)rm[_i].want);
}
END_TEST

static const struct {
	int64_t		 sub, bp, want;
	int		 ok;
} tx[] = {
	{ 1000, 1900, 190, 1 },
	{ 1005, 1900, 191, 1 },		/* 190.95 */
	{ 1, 5000, 1, 1 },		/* 0.5 */
	{ 1, 4999, 0, 1 },		/* 0.4999 */
	{ -1005, 1900, -191, 1 },	/* a credit mirrors a charge */
	{ 0, 2500, 0, 1 },
	{ 123456789, 0, 0, 1 },
	{ INT64_MAX, 10000, INT64_MAX, 1 },
	{ INT64_MAX, 10001, 0, 0 },
	{ 100, -1, 0, 0 },
};

START_TEST(test_tax)
{
	int64_t v = 0;
	int rc = money_tax(tx[_i].sub, tx[_i].bp, &v);
	ck_assert_msg((rc == 0) == tx[_i].ok, "row %d: rc %d", _i, rc);
	if (rc == 0)
		ck_assert_msg(v == tx[_i].want, "row %d: %lld", _i, (long long)v);
}
END_TEST

static const struct {
	const char	*cur;
	int		 exp;
} ex[] = {
	{ "EUR", 2 }, { "USD", 2 }, { "CHF", 2 }, { "JPY", 0 }, { "KRW", 0 },
	{ "BHD", 3 }, { "KWD", 3 }, { "JOD", 3 }, { "OMR", 3 }, { "TND", 3 },
	{ "CLF", 4 }, { "eur", -1 }, { "EURO", -1 }, { "", -1 }, { "E1R", -1 },
};

START_TEST(test_exponent)
{
	ck_assert_msg(money_exponent(ex[_i].cur) == ex[_i].exp, "row %d %s", _i, ex[_i].cur);
}
END_TEST

static const struct {
	int64_t		 minor;
	const char	*cur, *want;
} fm[] = {
	{ 123456, "EUR", "1234.56" },
	{ -5, "EUR", "-0.05" },
	{ 0, "EUR", "0.00" },
	{ 1234, "JPY", "1234" },
	{ -1234, "KRW", "-1234" },
	{ 1234, "KWD", "1.234" },
	{ 7, "BHD", "0.007" },
	{ INT64_MIN, "EUR", "-92233720368547758.08" },
	{ INT64_MAX, "TND", "9223372036854775.807" },
	{ 1, "XXXX", NULL },
};

START_TEST(test_format)
{
	char b[40];
	int n = money_format(fm[_i].minor, fm[_i].cur, b, sizeof(b));
	if (fm[_i].want == NULL) {
		ck_assert_int_eq(n, -1);
		return;
	}
	ck_assert_msg(n > 0 && strcmp(b, fm[_i].want) == 0, "row %d: \"%s\" want \"%s\"", _i,
	    b, fm[_i].want);
	ck_assert_int_eq(money_format(fm[_i].minor, fm[_i].cur, b, 3), -1);
}
END_TEST

static const struct {
	const char	*in, *cur;
	int64_t		 want;
	int		 ok;
} ps[] = {
	{ "12.34", "EUR", 1234, 1 },
	{ "12.3", "EUR", 1230, 1 },
	{ "12", "EUR", 1200, 1 },
	{ "-0.05", "EUR", -5, 1 },
	{ "12.345", "EUR", 0, 0 },
	{ "1234", "JPY", 1234, 1 },
	{ "12.5", "JPY", 0, 0 },
	{ "1.234", "KWD", 1234, 1 },
	{ "", "EUR", 0, 0 },
	{ ".5", "EUR", 0, 0 },
	{ "1.", "EUR", 0, 0 },
	{ "1e3", "EUR", 0, 0 },
	{ "+1", "EUR", 0, 0 },
	{ "-", "EUR", 0, 0 },
	{ "92233720368547758.07", "EUR", INT64_MAX, 1 },
	{ "92233720368547758.08", "EUR", 0, 0 },
	{ "1", "eur", 0, 0 },
};

START_TEST(test_parse)
{
	int64_t v = 0;
	int rc = money_parse(ps[_i].in, ps[_i].cur, &v);
	ck_assert_msg((rc == 0) == ps[_i].ok, "row %d \"%s\": rc %d", _i, ps[_i].in, rc);
	if (rc == 0)
		ck_assert_msg(v == ps[_i].want, "row %d: %lld", _i, (long long)v);
}
END_TEST

static const struct {
	int64_t		 micro;
	const char	*want;
} f6[] = {
	{ 12345678, "12.345678" },
	{ -1, "-0.000001" },
	{ 0, "0.000000" },
	{ 1000000, "1.000000" },
	{ INT64_MAX, "9223372036854.775807" },
};

START_TEST(test_fixed6)
{
	char b[32];
	ck_assert_int_gt(money_fixed6(f6[_i].micro, b, sizeof(b)), 0);
	ck_assert_str_eq(b, f6[_i].want);
}
END_TEST

/* A payment's check: the open amount and what was paid, at their edges. */
static const struct {
	int64_t		 amount, total, credited, paid, shown;
	enum money_pay	 want;
} pc[] = {
	{ 1190, 1190, 0, 0, 1190, MONEY_PAY_OK },		/* all that is open */
	{ 1191, 1190, 0, 0, 1190, MONEY_PAY_OVER_OPEN },
	{ 1189, 1190, -1, 0, 1189, MONEY_PAY_OK },		/* less a credit of 1 */
	{ 1190, 1190, -1, 0, 1189, MONEY_PAY_OVER_OPEN },
	{ 1, 1190, 0, 1190, 0, MONEY_PAY_OVER_OPEN },		/* paid already */
	{ 1, 1190, -1, 1190, -1, MONEY_PAY_OVER_OPEN },	/* overpaid by a late credit */
	{ -1190, 1190, 0, 1190, 1190, MONEY_PAY_OK },		/* reverse all that was paid */
	{ -1191, 1190, 0, 1190, 1190, MONEY_PAY_OVER_PAID },
	{ -1, 1190, 0, 0, 0, MONEY_PAY_OVER_PAID },		/* nothing paid */
	{ INT64_MIN, 0, 0, 5, 5, MONEY_PAY_OVER_PAID },		/* cannot be negated */
	{ 1, INT64_MAX, 0, -1, 0, MONEY_PAY_OVER_OPEN },	/* open overflows */
	{ 1, INT64_MIN, -1, 0, 0, MONEY_PAY_OVER_OPEN },
};

START_TEST(test_pay_check)
{
	int64_t shown = 12345;
	enum money_pay got = money_pay_check(pc[_i].amount, pc[_i].total, pc[_i].credited,
	    pc[_i].paid, &shown);

	ck_assert_msg(got == pc[_i].want, "row %d: got %d, want %d", _i, got, pc[_i].want);
	if (got != MONEY_PAY_OK)
		ck_assert_msg(shown == pc[_i].shown, "row %d: shown %lld, want %lld", _i,
		    (long long)shown, (long long)pc[_i].shown);
}
END_TEST


int
main(void)
{
	Suite *s = suite_create("money");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_muldiv, 0, (int)nitems(md));
	tcase_add_loop_test(tc, test_pay_check, 0, (int)nitems(pc));
	tcase_add_loop_test(tc, test_round, 0, (int)nitems(rm));
	tcase_add_loop_test(tc, test_tax, 0, (int)nitems(tx));
	tcase_add_loop_test(tc, test_exponent, 0, (int)nitems(ex));
	tcase_add_loop_test(tc, test_format, 0, (int)nitems(fm));
	tcase_add_loop_test(tc, test_parse, 0, (int)nitems(ps));
	tcase_add_loop_test(tc, test_fixed6, 0, (int)nitems(f6));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
