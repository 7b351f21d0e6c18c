/*
 * vep-admin: the charts of the report pages (bars, lib/web/svg_bar.c) and
 * of a VE's usage (cgi/vechart.c), as SVG images.
 */
#include "admin.h"
#include "db_ve.h"
#include "svg.h"
#include "vechart.h"

#include <math.h>

#define MAX_BARS	64

/* Sum the decimal column vcol of t by the label column lcol, for the first currency found. */
static size_t
bars_from(const struct admin_table *t, size_t lcol, size_t vcol, size_t ccol, char cur[4],
    const char *labels[MAX_BARS], double v[MAX_BARS])
{
	size_t n = 0;

	cur[0] = '\0';
	for (size_t i = 0; i < t->nrows; i++) {
		const char *c = admin_table_cell(t, i, ccol), *l = admin_table_cell(t, i, lcol);
		size_t k;
		if (cur[0] == '\0')
			snprintf(cur, 4, "%s", c);
		if (strcmp(c, cur) != 0)
			continue;
		for (k = 0; k < n && strcmp(labels[k], l) != 0; k++)
			;
		if (k == n) {
			if (n == MAX_BARS)
				continue;
			labels[n] = l;
			v[n++] = 0;
		}
		v[k] += strtod(admin_table_cell(t, i, vcol), NULL);
	}
	return n;
}

/* The usage report's chart: traffic of all VEs per day from tf to tt. */
static void
usage_chart(struct web *w, struct resp *r, const char *from, const char *to, long long tf,
    long long tt)
{
	/* At most five years and a day of days (admin_range_check). */
	enum { MAXD = 366 * ADMIN_MAX_SPAN_YEARS + 2 };
	struct admin_day *days = calloc(MAXD, sizeof(*days));
	double *in = calloc(MAXD, sizeof(double)), *outv = calloc(MAXD, sizeof(double));
	struct svg_series ser[2] = { { "in", "#2563eb", in }, { "out", "#d97706", outv } };
	struct svg_chart c;
	size_t nd = (size_t)((tt - tf) / 86400), n = 0;
	char title[160];

	if (nd > MAXD)
		nd = MAXD;
	if (days == NULL || in == NULL || outv == NULL ||
	    db_report_usage_days(w->db, tf, tt, days, MAXD, &n) != DB_OK) {
		web_unavailable(w, r);
		goto out;
	}
	for (size_t i = 0; i < nd; i++)
		in[i] = outv[i] = NAN;
	for (size_t i = 0; i < n; i++) {
		size_t j = (size_t)((days[i].t - tf) / 86400);
		if (days[i].t >= tf && j < nd) {
			in[j] = (double)days[i].net_in;
			outv[j] = (double)days[i].net_out;
		}
	}
	memset(&c, 0, sizeof(c));
	snprintf(title, sizeof(title), "Traffic of all VEs per day, %s to %s", from, to);
	c.title = title;
	c.unit = "bytes per day";
	c.t0 = tf;
	c.step = 86400;
	c.n = nd;
	c.series = ser;
	c.nseries = 2;
	c.tfmt = SVG_DAY;
	if (svg_chart(&r->body, &c) == -1)
		admin_oom(w, r);
out:
	free(days);
	free(in);
	free(outv);
}

/* The bars of a billing report's table t: revenue per month, overage per resource, or open amounts by age. */
static size_t
report_bars(const struct admin_table *t, enum admin_report k, char cur[4], char *title, size_t tlen,
    const char *labels[MAX_BARS], double val[MAX_BARS])
{
	static const char *const ages[] = { "not due", "1-30 days", "31-60 days", "61-90 days",
	    "over 90 days" };
	size_t n;

	switch (k) {
	case AR_REVENUE:
		n = bars_from(t, 0, 8, 2, cur, labels, val);
		snprintf(title, tlen, "Net revenue per month (%s)", cur[0] ? cur : "no invoices");
		return n;
	case AR_OVERAGE:
		n = bars_from(t, 4, 8, 9, cur, labels, val);
		snprintf(title, tlen, "Overage per resource (%s)", cur[0] ? cur : "no overage");
		return n;
	default:
		break;
	}
	/* Open amounts by how long they are overdue. */
	for (size_t i = 0; i < nitems(ages); i++) {
		labels[i] = ages[i];
		val[i] = 0;
	}
	cur[0] = '\0';
	for (size_t i = 0; i < t->nrows; i++) {
		const char *es;
		long long late = vep_strtonum(admin_table_cell(t, i, 11), 0, 1000000, &es);
		size_t b = late == 0 ? 0 : late <= 30 ? 1 : late <= 60 ? 2 : late <= 90 ? 3 : 4;
		if (cur[0] == '\0')
			snprintf(cur, 4, "%s", admin_table_cell(t, i, 10));
		if (strcmp(cur, admin_table_cell(t, i, 10)) == 0)
			val[b] += strtod(admin_table_cell(t, i, 9), NULL);
	}
	snprintf(title, tlen, "Open amounts by age (%s)", cur[0] ? cur : "nothing open");
	return nitems(ages);
}

void
page_chart_report(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct form v;
	struct admin_table t;
	const char *labels[MAX_BARS], *field;
	double val[MAX_BARS];
	char from[11], to[11], cur[4] = "", title[160];
	long long tf, tt;
	size_t n;
	int ready;

	(void)caps;
	if (admin_read(&q->query, BIT(K_REPORT), &v) > 0 ||
	    report_range(w, q, (int)v.n[K_REPORT], from, to, &tf, &tt, &field) != NULL) {
		web_error(w, r, 400, "Ask for report=revenue|usage|overage|unpaid, from and to.");
		return;
	}
	if ((ready = billing_ready(w, r)) < 0)
		return;
	r->private_page = 1;
	r->ctype = "image/svg+xml";
	r->status = 200;
	buf_reset(&r->body);
	if (v.n[K_REPORT] == AR_USAGE) {
		usage_chart(w, r, from, to, tf, tt);
		return;
	}
	if (!ready) {
		web_error(w, r, 404, "Billing is not available in this installation yet.");
		return;
	}
	if (db_report_table(w->db, (enum admin_report)v.n[K_REPORT], tf, tt, w->now, &t) != DB_OK) {
		web_unavailable(w, r);
		return;
	}
	n = report_bars(&t, (enum admin_report)v.n[K_REPORT], cur, title, sizeof(title), labels, val);
	if (svg_bar_chart(&r->body, title, cur, labels, val, n) == -1)
		admin_oom(w, r);
	admin_table_free(&t);
}

void
page_chart_ve(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct form v;

	(void)caps;
	if (admin_read(&q->query, BIT(K_VE) | BIT(K_METRIC) | BIT(K_RANGE), &v) > 0 || v.s[K_VE] == NULL) {
		web_error(w, r, 400, "Ask for ve_id=VEID, metric=cpu|vmem|disk|net and range=hour|day|month.");
		return;
	}
	vechart_of(w, r, v.s[K_VE], (enum vechart_metric)v.n[K_METRIC],
	    v.s[K_RANGE] != NULL ? (enum ve_range)v.n[K_RANGE] : VR_DAY);
}
