/* Unit tests of lib/base/util.c: strict numbers, fixed-point, dates, UTF-8. */
#include <check.h>
#include <limits.h>
#include <string.h>

#include "strjoin.h"
#include "util.h"

static const struct {
	const char	*in;
	long long	 min, max, want;
	int		 ok;
} num_rows[] = {
	{ "0", 0, 10, 0, 1 },
	{ "7", 0, 10, 7, 1 },
	{ "10", 0, 10, 10, 1 },
	{ "11", 0, 10, 0, 0 },
	{ "-1", 0, 10, 0, 0 },
	{ "-1", -5, 10, -1, 1 },
	{ "", 0, 10, 0, 0 },
	{ "-", -5, 10, 0, 0 },
	{ " 7", 0, 10, 0, 0 },
	{ "7 ", 0, 10, 0, 0 },
	{ "7abc", 0, 10, 0, 0 },
	{ "0x10", 0, 100, 0, 0 },
	{ "+7", 0, 10, 0, 0 },
	{ "07", 0, 10, 0, 0 },
	{ "1e999", 0, LLONG_MAX, 0, 0 },
	{ "2147483648", 0, INT_MAX, 0, 0 },
	{ "9223372036854775807", 0, LLONG_MAX, LLONG_MAX, 1 },
	{ "9223372036854775808", 0, LLONG_MAX, 0, 0 },
	{ "-9223372036854775808", LLONG_MIN, 0, LLONG_MIN, 1 },
	{ "-9223372036854775809", LLONG_MIN, 0, 0, 0 },
	{ "99999999999999999999999", 0, LLONG_MAX, 0, 0 },
};

START_TEST(test_strtonum)
{
	const char *es;
	long long v = vep_strtonum(num_rows[_i].in, num_rows[_i].min, num_rows[_i].max, &es);
	ck_assert_msg((es == NULL) == num_rows[_i].ok, "row %d \"%s\": ok %d, err %s",
	    _i, num_rows[_i].in, num_rows[_i].ok, es ? es : "none");
	ck_assert_msg(v == num_rows[_i].want, "row %d: got %lld want %lld", _i, v, num_rows[_i].want);
}
END_TEST

static const struct {
	const char	*in;
	int		 scale;
	uint64_t	 want;
	int		 ok;
} fix_rows[] = {
	{ "123.456789", 6, 123456789ULL, 1 },
	{ "12.000001", 6, 12000001ULL, 1 },
	{ "0.1", 6, 100000ULL, 1 },
	{ "5", 6, 5000000ULL, 1 },
	{ "0", 6, 0, 1 },
	{ "1.0000001", 6, 0, 0 },
	{ ".5", 6, 0, 0 },
	{ "5.", 6, 0, 0 },
	{ "1.2.3", 6, 0, 0 },
	{ "-1", 6, 0, 0 },
	{ "1e3", 6, 0, 0 },
	{ "18446744073709.551615", 6, 18446744073709551615ULL, 1 },
	{ "18446744073709.551616", 6, 0, 0 },
	{ "", 6, 0, 0 },
	{ "4800.00", 2, 480000, 1 },
};

START_TEST(test_fixed)
{
	uint64_t v = 0;
	int r = vep_parse_fixed(fix_rows[_i].in, strlen(fix_rows[_i].in), fix_rows[_i].scale, &v);
	ck_assert_msg((r == 0) == fix_rows[_i].ok, "row %d \"%s\"", _i, fix_rows[_i].in);
	if (r == 0)
		ck_assert_msg(v == fix_rows[_i].want, "row %d: got %llu", _i, (unsigned long long)v);
}
END_TEST

static const struct {
	const char	*in;
	long long	 want;
	int		 ok;
} date_rows[] = {
	{ "1970-01-01", 0, 1 },
	{ "2026-11-22T10:00:00Z", 1795341600LL, 1 },
	{ "2024-02-29", 1709164800LL, 1 },
	{ "2026-02-29", 0, 0 },
	{ "2026-02-31T00:00:00Z", 0, 0 },
	{ "2026-13-01", 0, 0 },
	{ "2026-11-22T24:00:00Z", 0, 0 },
	{ "2026-11-22 10:00:00", 0, 0 },
	{ "2026-1-2", 0, 0 },
	{ "", 0, 0 },
};

START_TEST(test_iso8601)
{
	long long t = 0;
	int r = vep_parse_iso8601(date_rows[_i].in, &t);
	ck_assert_msg((r == 0) == date_rows[_i].ok, "row %d \"%s\"", _i, date_rows[_i].in);
	if (r == 0) {
		char out[21];
		ck_assert_msg(t == date_rows[_i].want, "row %d: got %lld", _i, t);
		vep_iso8601(t, out);
		if (strlen(date_rows[_i].in) == 20)
			ck_assert_str_eq(out, date_rows[_i].in);
	}
}
END_TEST

/* The part of a month an invoice line covers (vep_iso_span). */
static const struct {
	const char	*from, *to, *want;	/* want NULL: refused, out empty */
} span_rows[] = {
	{ "2026-12-03T00:00:00Z", "2026-12-10T01:00:07Z", "2026-12-03 00:00 to 2026-12-10 01:00 UTC" },
	{ "2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z", "2026-12-31 23:59 to 2027-01-01 00:00 UTC" },
	{ NULL, "2026-12-10T01:00:07Z", NULL },
	{ "2026-12-03", "2026-12-10T01:00:07Z", NULL },		/* a date, not an instant */
	{ "2026-12-03T00:00:00Z", "2026-13-10T01:00:07Z", NULL },	/* month 13 */
	{ "2026-12-03T00:00:00Z", "2026-12-10T01:00:07+01", NULL },
	{ "", "", NULL },
};

/* RFC 4231, test cases 1 and 2. */
START_TEST(test_hmac)
{
	unsigned char k1[20];
	char out[65];

	memset(k1, 0x0b, sizeof(k1));
	ck_assert_int_eq(vep_hmac_sha256_hex(k1, sizeof(k1), "Hi There", 8, out), 0);
	ck_assert_str_eq(out, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	ck_assert_int_eq(vep_hmac_sha256_hex((const unsigned char *)"Jefe", 4,
	    "what do ya want for nothing?", 28, out), 0);
	ck_assert_str_eq(out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}
END_TEST

START_TEST(test_iso_span)
{
	char out[64] = "not cleared";
	int r = vep_iso_span(span_rows[_i].from, span_rows[_i].to, out, sizeof(out));
	if (span_rows[_i].want == NULL) {
		ck_assert_msg(r == -1, "row %d accepted: %s", _i, out);
		ck_assert_str_eq(out, "");
	} else {
		ck_assert_int_eq(r, 0);
		ck_assert_str_eq(out, span_rows[_i].want);
	}
}
END_TEST

static const struct {
	const char	*in;
	int		 ok;
} utf8_rows[] = {
	{ "plain", 1 },
	{ "caf\xc3\xa9", 1 },
	{ "\xe2\x82\xac", 1 },
	{ "\xf0\x9f\x98\x80", 1 },
	{ "\xc0\xaf", 0 },		/* overlong '/' */
	{ "\xe0\x80\xaf", 0 },		/* overlong */
	{ "\xed\xa0\x80", 0 },		/* lone surrogate */
	{ "\xc3", 0 },			/* truncated */
	{ "\xff", 0 },
	{ "\xf4\x90\x80\x80", 0 },	/* > U+10FFFF */
};

START_TEST(test_utf8)
{
	ck_assert_msg(vep_valid_utf8(utf8_rows[_i].in, strlen(utf8_rows[_i].in)) == utf8_rows[_i].ok,
	    "row %d", _i);
}
END_TEST

START_TEST(test_buf_and_ct)
{
	struct buf b;
	buf_init(&b);
	ck_assert_str_eq(buf_cstr(&b), "");
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(buf_printf(&b, "%d,", i), 0);
	ck_assert_uint_eq(b.len, 3890);
	ck_assert(strncmp(b.data, "0,1,2,", 6) == 0);
	buf_free(&b);
	ck_assert(vep_ct_streq("abc", "abc"));
	ck_assert(!vep_ct_streq("abc", "abd"));
	ck_assert(!vep_ct_streq("abc", "ab"));
	ck_assert(!vep_ct_streq("", "a"));
	ck_assert(vep_ct_streq("", ""));
	char h[65];
	vep_sha256_hex("abc", 3, h);
	ck_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

/* str_join: the separator only between names, and cut short at the buffer's end. */
static char *join_names[] = { "a.example", "b.example", "c.example" };
static const struct {
	size_t		 n, len;
	const char	*sep, *want;
} join_rows[] = {
	{ 0, 32, " ", "" },
	{ 1, 32, " ", "a.example" },
	{ 3, 64, ", ", "a.example, b.example, c.example" },
	{ 3, 64, " ", "a.example b.example c.example" },
	{ 3, 12, ", ", "a.example, " },
	{ 2, 1, ", ", "" },
};

START_TEST(test_str_join)
{
	char out[64];

	memset(out, 'x', sizeof(out));
	str_join(out, join_rows[_i].len, join_names, join_rows[_i].n, join_rows[_i].sep);
	ck_assert_str_eq(out, join_rows[_i].want);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, test_strtonum, 0, (int)nitems(num_rows));
	tcase_add_loop_test(tc, test_fixed, 0, (int)nitems(fix_rows));
	tcase_add_loop_test(tc, test_iso8601, 0, (int)nitems(date_rows));
	tcase_add_loop_test(tc, test_iso_span, 0, (int)nitems(span_rows));
	tcase_add_loop_test(tc, test_utf8, 0, (int)nitems(utf8_rows));
	tcase_add_loop_test(tc, test_str_join, 0, (int)nitems(join_rows));
	tcase_add_test(tc, test_buf_and_ct);
	tcase_add_test(tc, test_hmac);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
