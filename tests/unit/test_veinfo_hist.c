/*
 * Unit tests of lib/db/db_history.c's pure part: names, bucket alignment, how
 * many points a range has up to the present, and turning stored rows into
 * points (units, rounding down, filling empty buckets, carrying a gauge's
 * last value forward).
 */
#include <check.h>
#include <string.h>

#include "db_history.h"
#include "util.h"

#define T0	1795341600LL	/* 2026-11-22T10:00:00Z, a day's 10th hour */
#define DAY0	1795305600LL	/* 2026-11-22T00:00:00Z */

static const struct {
	long long	 t;
	enum hist_step	 step;
	long long	 want;
} align_rows[] = {
	{ T0 + 59, HIST_SECOND, T0 + 59 },
	{ T0 + 59, HIST_MINUTE, T0 },
	{ T0 + 60, HIST_MINUTE, T0 + 60 },
	{ T0 + 3599, HIST_HOUR, T0 },
	{ T0 + 3600, HIST_HOUR, T0 + 3600 },
	{ T0, HIST_DAY, DAY0 },
	{ DAY0 + 86399, HIST_DAY, DAY0 },
	{ DAY0 + 86400, HIST_DAY, DAY0 + 86400 },
	{ 0, HIST_DAY, 0 },
	{ -5, HIST_MINUTE, 0 },
};

START_TEST(test_align)
{
	long long got = hist_align(align_rows[_i].t, align_rows[_i].step);
	ck_assert_msg(got == align_rows[_i].want, "row %d: got %lld want %lld", _i, got,
	    align_rows[_i].want);
}
END_TEST

static const struct {
	long long	 from_al;
	enum hist_step	 step;
	long long	 count, now;
	size_t		 want;
} np_rows[] = {
	{ T0, HIST_MINUTE, 5, T0 + 3600, 5 },		/* all in the past */
	{ T0, HIST_MINUTE, 500, T0 + 59, 1 },		/* the current bucket only */
	{ T0, HIST_MINUTE, 500, T0 + 60, 2 },
	{ T0, HIST_MINUTE, 500, T0 + 119, 2 },		/* partial bucket included */
	{ T0, HIST_HOUR, 24, T0 + 5 * 3600 + 1, 6 },
	{ DAY0, HIST_DAY, 365, DAY0, 1 },
	{ DAY0 - 364 * 86400LL, HIST_DAY, 365, DAY0 + 10, 365 },
	{ T0, HIST_SECOND, 10, T0 + 9, 10 },
	{ T0, HIST_SECOND, 10, T0 + 100, 10 },
	{ T0 + 60, HIST_MINUTE, 5, T0 + 59, 0 },	/* the future */
	{ T0, HIST_MINUTE, 0, T0 + 3600, 0 },
	{ T0, HIST_MINUTE, -3, T0 + 3600, 0 },
	{ 0, HIST_SECOND, 1000000, T0, HIST_MAX_POINTS },	/* bounded */
};

START_TEST(test_npoints)
{
	size_t got = hist_npoints(np_rows[_i].from_al, np_rows[_i].step, np_rows[_i].count,
	    np_rows[_i].now);
	ck_assert_msg(got == np_rows[_i].want, "row %d: got %zu want %zu", _i, got, np_rows[_i].want);
}
END_TEST

#define MAXR	4
#define MAXP	6

/* A row: t offset in buckets, cpu_us, in, out, vmem_sum, disk_sum, samples, vmem_last, disk_last. */
static const struct {
	enum hist_metric	 m;
	enum hist_step		 step;
	int			 have_carry;
	long long		 carry;
	size_t			 nrows;
	struct hist_row		 rows[MAXR];	/* t is a bucket index here */
	size_t			 n;
	long long		 want[MAXP];
	int			 wfilled[MAXP];
	int			 any;
} fill_rows[] = {
	/* counters: ms rounded down, empty buckets 0 */
	{ HIST_CPU, HIST_MINUTE, 0, 0, 2,
	  { { 0, 1999, 0, 0, 0, 0, 60, 0, 0 }, { 2, 60000000, 0, 0, 0, 0, 60, 0, 0 } },
	  4, { 1, 0, 60000, 0 }, { 0, 1, 0, 1 }, 1 },
	{ HIST_CPU, HIST_HOUR, 0, 0, 1, { { 0, 999, 0, 0, 0, 0, 3600, 0, 0 } },
	  1, { 0 }, { 0 }, 0 },
	{ HIST_NET_IN, HIST_DAY, 0, 0, 2,
	  { { 0, 0, 10, 20, 0, 0, 1, 0, 0 }, { 1, 0, 30, 40, 0, 0, 1, 0, 0 } },
	  2, { 10, 30 }, { 0, 0 }, 0 },
	{ HIST_NET_OUT, HIST_DAY, 0, 0, 2,
	  { { 0, 0, 10, 20, 0, 0, 1, 0, 0 }, { 1, 0, 30, 40, 0, 0, 1, 0, 0 } },
	  3, { 20, 40, 0 }, { 0, 0, 1 }, 1 },
	{ HIST_NET_TOTAL, HIST_SECOND, 0, 0, 1, { { 1, 0, 10, 20, 0, 0, 0, 0, 0 } },
	  3, { 0, 30, 0 }, { 1, 0, 1 }, 1 },
	/* a counter bucket that only holds spread deltas is not filled */
	{ HIST_CPU, HIST_MINUTE, 0, 0, 1, { { 0, 5000, 0, 0, 0, 0, 0, 0, 0 } },
	  1, { 5 }, { 0 }, 0 },
	/* gauges: the average rounded down; vmem in MB */
	{ HIST_DISK, HIST_MINUTE, 0, 0, 1, { { 0, 0, 0, 0, 0, 1000, 3, 0, 400 } },
	  1, { 333 }, { 0 }, 0 },
	{ HIST_VMEM, HIST_MINUTE, 0, 0, 1, { { 0, 0, 0, 0, 5999999, 0, 2, 4000000, 0 } },
	  1, { 2 }, { 0 }, 0 },
	/* a gap carries the previous bucket's LAST value, not its average */
	{ HIST_DISK, HIST_HOUR, 0, 0, 2,
	  { { 0, 0, 0, 0, 0, 300, 3, 0, 150 }, { 3, 0, 0, 0, 0, 70, 1, 0, 70 } },
	  5, { 100, 150, 150, 70, 70 }, { 0, 1, 1, 0, 1 }, 1 },
	/* before the first row: the value found before the range */
	{ HIST_VMEM, HIST_DAY, 1, 7500000, 1, { { 2, 0, 0, 0, 9000000, 0, 1, 9000000, 0 } },
	  4, { 7, 7, 9, 9 }, { 1, 1, 0, 1 }, 1 },
	/* nothing known at all: 0 */
	{ HIST_DISK, HIST_DAY, 0, 0, 0, { { 0 } }, 2, { 0, 0 }, { 1, 1 }, 1 },
	/* a bucket with deltas but no gauge sample carries forward */
	{ HIST_DISK, HIST_MINUTE, 1, 555, 2,
	  { { 0, 10, 0, 0, 0, 0, 0, 0, 0 }, { 1, 0, 0, 0, 0, 800, 1, 0, 800 } },
	  2, { 555, 800 }, { 1, 0 }, 1 },
	/* rows out of range or out of order are ignored */
	{ HIST_NET_IN, HIST_MINUTE, 0, 0, 4,
	  { { -1, 0, 99, 0, 0, 0, 1, 0, 0 }, { 1, 0, 5, 0, 0, 0, 1, 0, 0 },
	    { 0, 0, 77, 0, 0, 0, 1, 0, 0 }, { 2, 0, 88, 0, 0, 0, 1, 0, 0 } },
	  2, { 0, 5 }, { 1, 0 }, 1 },
};

START_TEST(test_fill)
{
	struct hist_point pts[MAXP];
	struct hist_fill f;
	struct hist_row r;
	long long w = hist_step_seconds(fill_rows[_i].step), from = T0 - T0 % 86400 - 86400;
	int any;

	memset(pts, 0xa5, sizeof(pts));
	hist_fill_start(&f, fill_rows[_i].m, fill_rows[_i].step, from, pts, fill_rows[_i].n,
	    fill_rows[_i].have_carry, fill_rows[_i].carry);
	for (size_t k = 0; k < fill_rows[_i].nrows; k++) {
		r = fill_rows[_i].rows[k];
		r.t = from + r.t * w;
		hist_fill_row(&f, &r);
	}
	any = hist_fill_end(&f);
	ck_assert_msg(any == fill_rows[_i].any, "row %d: filled %d", _i, any);
	for (size_t k = 0; k < fill_rows[_i].n; k++) {
		ck_assert_msg(pts[k].t == from + (long long)k * w, "row %d point %zu: t %lld", _i, k, pts[k].t);
		ck_assert_msg(pts[k].v == fill_rows[_i].want[k], "row %d point %zu: v %lld want %lld",
		    _i, k, pts[k].v, fill_rows[_i].want[k]);
		ck_assert_msg(pts[k].filled == fill_rows[_i].wfilled[k], "row %d point %zu: filled %d",
		    _i, k, pts[k].filled);
	}
}
END_TEST

START_TEST(test_names)
{
	static const char *const m[] = { "disk", "cpu", "vmem", "net_in", "net_out", "net_total" };
	static const char *const u[] = { "bytes", "ms", "MB", "bytes", "bytes", "bytes" };
	static const char *const s[] = { "second", "minute", "hour", "day" };
	static const long long sec[] = { 1, 60, 3600, 86400 };
	enum hist_metric hm;
	enum hist_step hs;

	for (size_t i = 0; i < nitems(m); i++) {
		ck_assert_int_eq(hist_metric_parse(m[i], &hm), 0);
		ck_assert_int_eq(hm, (int)i);
		ck_assert_str_eq(hist_metric_name(hm), m[i]);
		ck_assert_str_eq(hist_unit(hm), u[i]);
		ck_assert_int_eq(hist_is_gauge(hm), hm == HIST_DISK || hm == HIST_VMEM);
	}
	for (size_t i = 0; i < nitems(s); i++) {
		ck_assert_int_eq(hist_step_parse(s[i], &hs), 0);
		ck_assert_int_eq(hs, (int)i);
		ck_assert_str_eq(hist_step_name(hs), s[i]);
		ck_assert_int_eq(hist_step_seconds(hs), sec[i]);
	}
	ck_assert_int_eq(hist_metric_parse("CPU", &hm), -1);
	ck_assert_int_eq(hist_metric_parse("", &hm), -1);
	ck_assert_int_eq(hist_metric_parse(NULL, &hm), -1);
	ck_assert_int_eq(hist_step_parse("minutes", &hs), -1);
	ck_assert_int_eq(hist_step_parse("week", &hs), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("veinfo_hist");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_loop_test(tc, test_align, 0, (int)nitems(align_rows));
	tcase_add_loop_test(tc, test_npoints, 0, (int)nitems(np_rows));
	tcase_add_loop_test(tc, test_fill, 0, (int)nitems(fill_rows));
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
