/*
 * Unit tests of lib/db/db_admin.c's pure helpers: strict report dates and
 * ranges (a day that does not exist, to before from, more than five
 * years), CSV quoting and formula-injection guarding, the JSON of a report
 * table (integers as numbers, amounts as exact strings), LIKE escaping and
 * the syntax checks of the admin forms.  The SQL is tested through the
 * running instance (tests/integration/test_admin*.py).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "db_admin.h"
#include "util.h"

static const struct {
	const char	*s;
	int		 ok;
	long long	 t;
} dates[] = {
	{ "2026-01-31", 1, 1769817600 },
	{ "1970-01-01", 1, 0 },
	{ "2024-02-29", 1, 1709164800 },	/* leap year */
	{ "2000-02-29", 1, 951782400 },		/* divisible by 400 */
	{ "9999-12-31", 1, 253402214400 },
	{ "2023-02-29", 0, 0 },
	{ "1900-02-29", 0, 0 },
	{ "2026-02-30", 0, 0 },
	{ "2026-04-31", 0, 0 },
	{ "2026-13-01", 0, 0 },
	{ "2026-00-10", 0, 0 },
	{ "2026-01-00", 0, 0 },
	{ "1969-12-31", 0, 0 },
	{ "2026-1-01", 0, 0 },
	{ "2026-01-1", 0, 0 },
	{ "2026-01-011", 0, 0 },
	{ "2026/01/01", 0, 0 },
	{ "+026-01-01", 0, 0 },
	{ "2026-0a-01", 0, 0 },
	{ " 2026-01-0", 0, 0 },
	{ "", 0, 0 },
};

START_TEST(test_date)
{
	long long t = -1;
	int rc = admin_date_parse(dates[_i].s, &t);
	char back[11];

	ck_assert_msg((rc == 0) == dates[_i].ok, "row %d (%s): rc %d", _i, dates[_i].s, rc);
	if (rc == 0) {
		ck_assert_msg(t == dates[_i].t, "row %d: %lld want %lld", _i, t, dates[_i].t);
		admin_date_format(t, back);
		ck_assert_str_eq(back, dates[_i].s);
	}
}
END_TEST

static const struct {
	const char	*from, *to;
	const char	*field;		/* NULL: accepted */
	long long	 days;		/* span in days when accepted */
} ranges[] = {
	{ "2026-01-01", "2026-01-31", NULL, 31 },
	{ "2026-01-01", "2026-01-01", NULL, 1 },
	{ "2021-01-01", "2025-12-31", NULL, 1826 },	/* exactly five years */
	{ "2024-02-29", "2029-02-27", NULL, 1826 },	/* 29 Feb + 5 years is 28 Feb */
	{ "2021-01-01", "2026-01-01", "to", 0 },	/* a day too many */
	{ "2024-02-29", "2029-02-28", "to", 0 },
	{ "2026-02-01", "2026-01-31", "to", 0 },	/* to before from */
	{ "2026-02-30", "2026-03-01", "from", 0 },
	{ "2026-02-01", "2026-02-30", "to", 0 },
	{ NULL, "2026-01-01", "from", 0 },
	{ "", "2026-01-01", "from", 0 },
	{ "2026-01-01", NULL, "to", 0 },
	{ "2026-01-01", "", "to", 0 },
	{ "yesterday", "2026-01-01", "from", 0 },
};

START_TEST(test_range)
{
	long long tf = 0, tt = 0;
	const char *field = "unset";
	const char *why = admin_range_check(ranges[_i].from, ranges[_i].to, &tf, &tt, &field);

	if (ranges[_i].field == NULL) {
		ck_assert_msg(why == NULL, "row %d: refused: %s", _i, why ? why : "");
		ck_assert_msg(field == NULL, "row %d: field set", _i);
		ck_assert_msg(tt - tf == ranges[_i].days * 86400, "row %d: span %lld days", _i,
		    (tt - tf) / 86400);
	} else {
		ck_assert_msg(why != NULL && *why != '\0', "row %d: accepted", _i);
		ck_assert_msg(field != NULL && strcmp(field, ranges[_i].field) == 0,
		    "row %d: field %s want %s", _i, field ? field : "(null)", ranges[_i].field);
	}
}
END_TEST

static const struct {
	const char	*in, *want;
} cells[] = {
	{ "plain", "plain" },
	{ "", "" },
	{ "12.34", "12.34" },
	{ "a,b", "\"a,b\"" },
	{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
	{ "two\nlines", "\"two\nlines\"" },
	{ "cr\rhere", "\"cr\rhere\"" },
	{ "=1+2", "'=1+2" },
	{ "+31 20", "'+31 20" },
	{ "-5.00", "'-5.00" },
	{ "@SUM(A1)", "'@SUM(A1)" },
	{ "\tx", "'\tx" },
	{ "\rx", "\"'\rx\"" },
	{ "=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
	{ "=a,b", "\"'=a,b\"" },
	{ "a=b", "a=b" },
	{ "caf\xc3\xa9", "caf\xc3\xa9" },
};

START_TEST(test_csv_cell)
{
	struct buf b;

	buf_init(&b);
	admin_csv_cell(&b, cells[_i].in);
	ck_assert_msg(strcmp(buf_cstr(&b), cells[_i].want) == 0, "row %d: [%s] want [%s]", _i,
	    buf_cstr(&b), cells[_i].want);
	buf_free(&b);
}
END_TEST

/* Number columns: numbers as numbers, anything else guarded as text. */
static const struct {
	const char		*in, *want;
	enum admin_coltype	 type;
} fields[] = {
	{ "-3.00", "-3.00", AC_DEC },
	{ "-3", "-3", AC_INT },
	{ "0.00", "0.00", AC_DEC },
	{ "12345678901234", "12345678901234", AC_INT },
	{ "-3.00", "'-3.00", AC_TEXT },
	{ "-", "'-", AC_DEC },
	{ "-3.", "'-3.", AC_DEC },
	{ "-.5", "'-.5", AC_DEC },
	{ "--3", "'--3", AC_DEC },
	{ "-3+cmd", "'-3+cmd", AC_DEC },
	{ "=1+2", "'=1+2", AC_INT },
	{ "+3", "'+3", AC_DEC },
	{ "3e5", "3e5", AC_DEC },
	{ "", "", AC_INT },
	{ "1,5", "\"1,5\"", AC_DEC },
};

START_TEST(test_csv_field)
{
	struct buf b;

	buf_init(&b);
	admin_csv_field(&b, fields[_i].in, fields[_i].type);
	ck_assert_msg(strcmp(buf_cstr(&b), fields[_i].want) == 0, "row %d: [%s] want [%s]", _i,
	    buf_cstr(&b), fields[_i].want);
	buf_free(&b);
}
END_TEST

START_TEST(test_table)
{
	struct admin_table t;
	struct buf b;
	json_t *j;
	char *s;
	const char *r1[] = { "2026-01", "WEB1", "EUR", "3", "2", "30.00", "1.20", "-2.50", "28.70" };
	const char *r2[] = { "2026-01", "=cmd", "EUR", "1", "1", "10.00", "0.00", "0.00", "10.00" };

	admin_table_init(&t, AR_REVENUE);
	ck_assert_uint_eq(t.ncols, 9);
	ck_assert_int_eq(admin_table_add(&t, r1), 0);
	ck_assert_int_eq(admin_table_add(&t, r2), 0);
	ck_assert_uint_eq(t.nrows, 2);
	ck_assert_str_eq(admin_table_cell(&t, 1, 1), "=cmd");

	buf_init(&b);
	ck_assert_int_eq(admin_table_csv(&t, &b), 0);
	ck_assert_str_eq(buf_cstr(&b),
	    "period,plan,currency,invoices,ves,fees,overage,credits,net\r\n"
	    "2026-01,WEB1,EUR,3,2,30.00,1.20,-2.50,28.70\r\n"
	    "2026-01,'=cmd,EUR,1,1,10.00,0.00,0.00,10.00\r\n");
	buf_free(&b);

	j = admin_table_json(&t, "2026-01-01", "2026-01-31");
	ck_assert_ptr_nonnull(j);
	s = json_dumps(j, JSON_COMPACT);
	ck_assert_str_eq(s, "{\"report\":\"revenue\",\"from\":\"2026-01-01\",\"to\":\"2026-01-31\","
	    "\"columns\":[\"period\",\"plan\",\"currency\",\"invoices\",\"ves\",\"fees\",\"overage\","
	    "\"credits\",\"net\"],\"rows\":[[\"2026-01\",\"WEB1\",\"EUR\",3,2,\"30.00\",\"1.20\","
	    "\"-2.50\",\"28.70\"],[\"2026-01\",\"=cmd\",\"EUR\",1,1,\"10.00\",\"0.00\",\"0.00\","
	    "\"10.00\"]]}");
	free(s);
	json_decref(j);
	admin_table_free(&t);
	ck_assert_uint_eq(t.nrows, 0);
}
END_TEST

START_TEST(test_table_empty)
{
	struct admin_table t;
	struct buf b;
	json_t *j;

	admin_table_init(&t, AR_USAGE);
	buf_init(&b);
	admin_table_csv(&t, &b);
	ck_assert_str_eq(buf_cstr(&b),
	    "ve_id,node,cpu_ms,net_in_bytes,net_out_bytes,avg_disk_bytes,avg_vmem_bytes\r\n");
	buf_free(&b);
	j = admin_table_json(&t, "2026-01-01", "2026-01-01");
	ck_assert_uint_eq(json_array_size(json_object_get(j, "rows")), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "columns")), 7);
	json_decref(j);
	admin_table_free(&t);
}
END_TEST

static const struct {
	const char	*in, *want;
	size_t		 len;
} likes[] = {
	{ "abc", "abc", 64 },
	{ "50%", "50\\%", 64 },
	{ "a_b", "a\\_b", 64 },
	{ "back\\slash", "back\\\\slash", 64 },
	{ "%%", "\\%\\%", 64 },
	{ "abcdef", "abc", 4 },		/* cut, never past the buffer */
	{ "ab%", "ab", 4 },		/* an escape is never cut in half */
	{ "", "", 1 },
};

START_TEST(test_like)
{
	char out[64];

	admin_like_escape(likes[_i].in, out, likes[_i].len);
	ck_assert_msg(strcmp(out, likes[_i].want) == 0, "row %d: [%s] want [%s]", _i, out,
	    likes[_i].want);
}
END_TEST

enum what { W_NAME, W_NODE, W_URL, W_TEXT, W_TEXT_ML, W_INVOICE, W_CN };

static const struct {
	enum what	 w;
	const char	*s;
	int		 ok;
} syn[] = {
	{ W_NAME, "admin", 1 },
	{ W_NAME, "ops.team@example-isp", 1 },
	{ W_NAME, "", 0 },
	{ W_NAME, "a b", 0 },
	{ W_NAME, "x'--", 0 },
	{ W_NAME, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1 },	/* 64 */
	{ W_NAME, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },	/* 65 */
	{ W_NODE, "node1", 1 },
	{ W_NODE, "rack-2.node_3", 1 },
	{ W_NODE, "Node1", 0 },
	{ W_NODE, "node 1", 0 },
	{ W_NODE, "", 0 },
	{ W_NODE, "../etc", 0 },
	{ W_URL, "http://127.0.0.1:9101/metrics", 1 },
	{ W_URL, "https://node.example/metrics", 1 },
	{ W_URL, "ftp://x/metrics", 0 },
	{ W_URL, "http://", 0 },
	{ W_URL, "http:///metrics", 0 },
	{ W_URL, "http://x/a b", 0 },
	{ W_URL, "http://x/\"><script>", 0 },
	{ W_URL, "javascript:alert(1)", 0 },
	{ W_TEXT, "suspended for abuse", 1 },
	{ W_TEXT, "caf\xc3\xa9 \xe2\x82\xac", 1 },
	{ W_TEXT, "bad \xc3", 0 },
	{ W_TEXT, "line\nbreak", 0 },
	{ W_TEXT, "nul\x01", 0 },
	{ W_TEXT_ML, "line\nbreak\r\n\ttab", 1 },
	{ W_TEXT_ML, "bell\x07", 0 },
	{ W_INVOICE, "INV-2026-000001", 1 },
	{ W_INVOICE, "INV-2026-1234567", 1 },
	{ W_INVOICE, "INV-2026-00001", 0 },
	{ W_INVOICE, "INV-26-000001", 0 },
	{ W_INVOICE, "CN-2026-000001", 0 },
	{ W_INVOICE, "INV-2026-00000a", 0 },
	{ W_INVOICE, "inv-2026-000001", 0 },
	{ W_INVOICE, "INV-2026-000001-", 0 },
	{ W_CN, "CN-2026-000001", 1 },
	{ W_CN, "INV-2026-000001", 0 },
};

START_TEST(test_syntax)
{
	int got = 0;

	switch (syn[_i].w) {
	case W_NAME: got = admin_name_valid(syn[_i].s); break;
	case W_NODE: got = admin_node_name_valid(syn[_i].s); break;
	case W_URL: got = admin_url_valid(syn[_i].s); break;
	case W_TEXT: got = admin_text_valid(syn[_i].s, 255, 0); break;
	case W_TEXT_ML: got = admin_text_valid(syn[_i].s, 255, 1); break;
	case W_INVOICE: got = admin_invoice_number_valid(syn[_i].s, "INV"); break;
	case W_CN: got = admin_invoice_number_valid(syn[_i].s, "CN"); break;
	}
	ck_assert_msg(got == syn[_i].ok, "row %d (%s): %d want %d", _i, syn[_i].s, got, syn[_i].ok);
}
END_TEST

START_TEST(test_text_length)
{
	/* Characters, not bytes: 255 two-byte characters are fine, 256 are not. */
	char s[600];
	size_t i;

	for (i = 0; i < 255; i++)
		memcpy(s + 2 * i, "\xc3\xa9", 2);
	s[2 * i] = '\0';
	ck_assert_int_eq(admin_text_valid(s, 255, 0), 1);
	memcpy(s + 2 * i, "\xc3\xa9", 3);
	ck_assert_int_eq(admin_text_valid(s, 255, 0), 0);
}
END_TEST

static const struct {
	const char	*s;
	int		 want;
} reports[] = {
	{ "revenue", AR_REVENUE }, { "usage", AR_USAGE }, { "overage", AR_OVERAGE },
	{ "unpaid", AR_UNPAID }, { "Revenue", -1 }, { "", -1 }, { "usage ", -1 }, { NULL, -1 },
};

START_TEST(test_report_names)
{
	int k = admin_report_parse(reports[_i].s);

	ck_assert_msg(k == reports[_i].want, "row %d: %d", _i, k);
	if (k >= 0) {
		ck_assert_str_eq(admin_report_name((enum admin_report)k), reports[_i].s);
		ck_assert_ptr_nonnull(admin_report_about((enum admin_report)k));
		ck_assert_int_eq(admin_report_needs_billing((enum admin_report)k), k != AR_USAGE);
	}
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("admin");
	TCase *tc = tcase_create("pure");

	tcase_add_loop_test(tc, test_date, 0, nitems(dates));
	tcase_add_loop_test(tc, test_range, 0, nitems(ranges));
	tcase_add_loop_test(tc, test_csv_cell, 0, nitems(cells));
	tcase_add_loop_test(tc, test_csv_field, 0, nitems(fields));
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_table_empty);
	tcase_add_loop_test(tc, test_like, 0, nitems(likes));
	tcase_add_loop_test(tc, test_syntax, 0, nitems(syn));
	tcase_add_test(tc, test_text_length);
	tcase_add_loop_test(tc, test_report_names, 0, nitems(reports));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
