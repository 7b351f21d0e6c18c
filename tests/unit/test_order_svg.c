/*
 * Unit tests of lib/web/svg.c: tick labels, and charts that carry no script,
 * no style, escaped text, gaps for missing data and the quota line.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "svg.h"
#include "unit.h"
#include "util.h"

static const struct {
	double		 v;
	const char	*want;
} si_rows[] = {
	{ 0, "0" }, { 5, "5" }, { 2.5, "2.5" }, { 999, "999" }, { 1000, "1k" }, { 1500, "1.5k" },
	{ 25000, "25k" }, { 2e6, "2M" }, { 12.5e6, "12.5M" }, { 3e9, "3G" }, { 4.8e3, "4.8k" },
	{ 250e12, "250T" },
};

START_TEST(test_si)
{
	char out[32];
	svg_si(si_rows[_i].v, out, sizeof(out));
	ck_assert_msg(strcmp(out, si_rows[_i].want) == 0, "row %d: %g gave %s, want %s", _i,
	    si_rows[_i].v, out, si_rows[_i].want);
}
END_TEST

START_TEST(test_chart)
{
	double v[10] = { 1, 2, NAN, NAN, 5, 6, 7, NAN, 9, 10 };
	struct svg_series s = { "in <&>", "#2563eb", v };
	struct svg_chart c = { .title = "CPU \"usage\" <b>", .unit = "bogomips", .t0 = 1763769600,
	    .step = 60, .n = 10, .series = &s, .nseries = 1, .limit = 8, .limit_label = "quota",
	    .tfmt = SVG_HHMM };
	struct buf b;
	const char *t;

	buf_init(&b);
	ck_assert_int_eq(svg_chart(&b, &c), 0);
	t = buf_cstr(&b);
	ck_assert_ptr_nonnull(strstr(t, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	ck_assert_ptr_null(strstr(t, "<script"));
	ck_assert_ptr_null(strstr(t, "style"));
	ck_assert_ptr_nonnull(strstr(t, "<title id=\"title\">CPU &quot;usage&quot; &lt;b&gt;</title>"));
	ck_assert_ptr_nonnull(strstr(t, "in &lt;&amp;&gt;"));
	ck_assert_int_eq(unit_count(t, "<polyline"), 3);	/* broken at the two gaps */
	ck_assert_ptr_nonnull(strstr(t, "stroke-dasharray"));	/* the quota line */
	ck_assert_ptr_nonnull(strstr(t, ">00:00<"));
	ck_assert_ptr_null(strstr(t, "no usage recorded yet"));
	buf_free(&b);
}
END_TEST

START_TEST(test_empty)
{
	double v[3] = { NAN, NAN, NAN };
	struct svg_series s = { "disk", "#059669", v };
	struct svg_chart c = { .title = "Disk", .unit = "bytes", .t0 = 0, .step = 86400, .n = 3,
	    .series = &s, .nseries = 1, .tfmt = SVG_DAY };
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(svg_chart(&b, &c), 0);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "no usage recorded yet"));
	ck_assert_int_eq(unit_count(buf_cstr(&b), "<polyline"), 0);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), ">01 Jan<"));
	buf_free(&b);
}
END_TEST

int
main(void)
{
	TCase *tc;
	Suite *s = unit_suite("svg", "svg", &tc);

	tcase_add_loop_test(tc, test_si, 0, nitems(si_rows));
	tcase_add_test(tc, test_chart);
	tcase_add_test(tc, test_empty);
	return unit_run(s);
}
