/*
 * Unit tests of cgi/vechart_rate.c (a usage chart's figure per bucket) and
 * of the partial last bucket in lib/web/svg.c:
 *  - every metric is an average in one unit whatever the bucket's length,
 *    so an hour's figure is the mean of its minutes' (the day chart agrees
 *    with the minute chart for the same hour);
 *  - the bucket still filling is averaged over the seconds it covers so
 *    far (up to its last sample), not over its whole length: no false dip
 *    at the chart's end, and it is reported partial;
 *  - the SVG draws that bucket apart, never as part of the line.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "svg.h"
#include "unit.h"
#include "util.h"
#include "vechart_rate.h"

#define T0	1796601600LL		/* 2026-12-07 00:00 UTC */
#define BOGO	4800LL			/* bogomips per CPU */

/* One bucket's figure for metric m (a: CPU, in, memory; b: out). */
static const struct {
	const char	*what;
	enum vechart_metric m;
	long long	 step, now;	/* now: relative to T0 */
	long long	 since;		/* the VE's creation, relative to T0 */
	struct ve_point	 p;		/* t relative to T0 */
	double		 want_a, want_b;
	int		 want_partial;
} rows[] = {
	/* a whole minute, a whole hour, a whole day: CPUs busy times bogomips */
	{ "cpu minute", MET_CPU, 60, 7200, -T0, { 0, 30000000, 0, 0, 0, 0, 60, 59 }, 0.5 * BOGO, NAN, 0 },
	{ "cpu hour", MET_CPU, 3600, 7200, -T0, { 0, 1800000000, 0, 0, 0, 0, 3600, 3599 }, 0.5 * BOGO, NAN, 0 },
	{ "cpu day", MET_CPU, 86400, 90000, -T0, { 0, 43200000000, 0, 0, 0, 0, 86400, 86399 }, 0.5 * BOGO, NAN, 0 },
	/* the current minute 20 s in, last sample at 19 s: 10 CPU-seconds over 20 s, not 60 */
	{ "cpu partial minute", MET_CPU, 60, 7220, -T0, { 7200, 10000000, 0, 0, 0, 0, 20, 7219 }, 0.5 * BOGO, NAN, 1 },
	/* billingd a few seconds behind: averaged up to the last sample, not now */
	{ "cpu partial, lagging", MET_CPU, 60, 7230, -T0, { 7200, 10000000, 0, 0, 0, 0, 20, 7219 }, 0.5 * BOGO, NAN, 1 },
	/* the current hour 15 minutes in */
	{ "cpu partial hour", MET_CPU, 3600, 7200 + 899, -T0, { 7200, 450000000, 0, 0, 0, 0, 900, 8099 }, 0.5 * BOGO, NAN, 1 },
	/* traffic in bit/s in every chart */
	{ "net minute", MET_NET, 60, 7200, -T0, { 0, 0, 750000, 75000, 0, 0, 60, 59 }, 100000, 10000, 0 },
	{ "net hour", MET_NET, 3600, 7200, -T0, { 0, 0, 45000000, 4500000, 0, 0, 3600, 3599 }, 100000, 10000, 0 },
	{ "net partial day", MET_NET, 86400, 43199, -T0, { 0, 0, 540000000000LL, 54000000000LL, 0, 0, 43200, 43199 },
	    1e8, 1e7, 1 },
	/* gauges: the mean of the samples */
	{ "vmem hour", MET_VMEM, 3600, 7200, -T0, { 0, 0, 0, 0, 3600LL * 200000000, 0, 3600, 3599 }, 2e8, NAN, 0 },
	{ "disk partial", MET_DISK, 60, 7210, -T0, { 7200, 0, 0, 0, 0, 11LL * 5000000000, 11, 7210 }, 5e9, NAN, 1 },
	/* the hour the VE was created in (at :57): averaged over its 3 minutes, not the hour */
	{ "cpu created mid-hour", MET_CPU, 3600, 7200, 3420, { 0, 90000000, 0, 0, 0, 0, 180, 3599 }, 0.5 * BOGO, NAN, 0 },
	{ "net created mid-hour, still filling", MET_NET, 3600, 3479, 3420, { 0, 0, 750000, 0, 0, 0, 60, 3479 }, 100000, 0, 1 },
	{ "vmem no sample", MET_VMEM, 60, 7200, -T0, { 0, 0, 0, 0, 0, 0, 0, 0 }, NAN, NAN, 0 },
};

static int
same(double a, double b)
{
	return (isnan(a) && isnan(b)) || fabs(a - b) <= 1e-9 * fmax(1, fabs(b));
}

START_TEST(test_rate)
{
	struct ve_point p = rows[_i].p;
	long long step = rows[_i].step, from = p.t + T0 - (p.t + T0) % step;
	double a[1], b[1];
	int partial;

	p.t += T0;
	p.last_t = p.last_t ? p.last_t + T0 : 0;
	partial = vechart_rates(&p, 1, rows[_i].m, BOGO, from, step, 1, rows[_i].since + T0, rows[_i].now + T0, a, b);
	ck_assert_msg(same(a[0], rows[_i].want_a), "row %d (%s): a %g, want %g", _i, rows[_i].what,
	    a[0], rows[_i].want_a);
	ck_assert_msg(same(b[0], rows[_i].want_b), "row %d (%s): b %g, want %g", _i, rows[_i].what,
	    b[0], rows[_i].want_b);
	ck_assert_msg(partial == rows[_i].want_partial, "row %d (%s): partial %d", _i, rows[_i].what,
	    partial);
}
END_TEST

/*
 * The same hour seen by the minute chart and by the day chart (hours): the
 * hour's figure is the mean of its minutes', for CPU and traffic alike
 * (billingd's rollup writes the hour as the sum of the minutes).
 */
START_TEST(test_hour_agrees_with_minutes)
{
	struct ve_point mins[60], hour;
	double a[60], b[60], ha[1], hb[1], sa = 0, sb = 0;
	long long h = T0 + 10 * 3600;

	memset(&hour, 0, sizeof(hour));
	hour.t = h;
	for (int i = 0; i < 60; i++) {
		memset(&mins[i], 0, sizeof(mins[i]));
		mins[i].t = h + i * 60;
		mins[i].cpu_us = 1000003LL * (i * 7 % 13);
		mins[i].net_in = 123457LL * (i % 5 + 1);
		mins[i].net_out = 999LL * i;
		mins[i].samples = 60;
		mins[i].last_t = mins[i].t + 59;
		hour.cpu_us += mins[i].cpu_us;
		hour.net_in += mins[i].net_in;
		hour.net_out += mins[i].net_out;
		hour.samples += 60;
	}
	hour.last_t = h + 3599;
	for (int m = MET_CPU; m <= MET_NET; m += MET_NET - MET_CPU) {
		ck_assert_int_eq(vechart_rates(mins, 60, m, BOGO, h, 60, 60, 0, h + 7200, a, b), 0);
		ck_assert_int_eq(vechart_rates(&hour, 1, m, BOGO, h, 3600, 1, 0, h + 7200, ha, hb), 0);
		sa = sb = 0;
		for (int i = 0; i < 60; i++) {
			sa += a[i];
			sb += m == MET_NET ? b[i] : 0;
		}
		ck_assert_msg(same(ha[0], sa / 60), "metric %d: hour %g, mean of minutes %g", m, ha[0], sa / 60);
		if (m == MET_NET)
			ck_assert_msg(same(hb[0], sb / 60), "out: hour %g, minutes %g", hb[0], sb / 60);
	}
}
END_TEST

/* Buckets with nothing recorded stay gaps; points outside the range are ignored. */
START_TEST(test_gaps)
{
	struct ve_point p[2] = { { T0 - 60, 1, 1, 1, 1, 1, 1, T0 - 1 }, { T0 + 120, 6000000, 0, 0, 0, 0, 60, T0 + 179 } };
	double a[4], b[4];

	ck_assert_int_eq(vechart_rates(p, 2, MET_CPU, BOGO, T0, 60, 4, 0, T0 + 3600, a, b), 0);
	ck_assert(isnan(a[0]) && isnan(a[1]) && isnan(a[3]));
	ck_assert(same(a[2], 0.1 * BOGO));
}
END_TEST

/* The last bucket still filling is drawn apart: a hollow dot with its value, named in the legend. */
START_TEST(test_svg_partial)
{
	double v[4] = { 10, 20, 30, 5 };
	struct svg_series s = { "CPU", "#2563eb", v };
	struct svg_chart c = { .title = "t", .unit = "bogomips", .t0 = T0, .step = 60, .n = 4,
	    .series = &s, .nseries = 1, .tfmt = SVG_HHMM, .partial_last = 1,
	    .partial_label = "this minute so far" };
	struct buf b;
	const char *t;

	buf_init(&b);
	ck_assert_int_eq(svg_chart(&b, &c), 0);
	t = buf_cstr(&b);
	ck_assert_int_eq(unit_count(t, "<polyline"), 1);
	ck_assert_int_eq(unit_count(t, "data-partial=\"5\""), 1);
	ck_assert_ptr_nonnull(strstr(t, "this minute so far"));
	/* the line holds the three whole buckets only */
	{
		const char *pl = strstr(t, "points=\""), *e = strchr(pl + 8, '"');
		size_t pts = 0;
		for (const char *q = pl + 8; q < e; q++)
			pts += *q == ',';
		ck_assert_int_eq(pts, 3);
	}
	buf_free(&b);
	/* not partial: one line through all four */
	c.partial_last = 0;
	buf_init(&b);
	ck_assert_int_eq(svg_chart(&b, &c), 0);
	ck_assert_int_eq(unit_count(buf_cstr(&b), "data-partial"), 0);
	buf_free(&b);
}
END_TEST

int
main(void)
{
	TCase *tc;
	Suite *s = unit_suite("vechart", "rates", &tc);

	tcase_add_loop_test(tc, test_rate, 0, (int)nitems(rows));
	tcase_add_test(tc, test_hour_agrees_with_minutes);
	tcase_add_test(tc, test_gaps);
	tcase_add_test(tc, test_svg_partial);
	return unit_run(s);
}
