/*
 * vep-admin: the reports (revenue, usage, overage, unpaid) as tables and
 * as CSV built from the very rows the page shows.
 */
#include "admin.h"
#include "rating.h"


void
page_reports(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct tmpl_dict *d;
	int ready;

	(void)caps;
	if ((ready = billing_ready(w, r)) < 0)
		return;
	if ((d = admin_page_dict(w, r, "Reports", "reports")) == NULL)
		return;
	for (int k = 0; k < AR__MAX; k++) {
		struct tmpl_dict *x = tmpl_add(d, "REPORT");
		tmpl_set(x, "NAME", admin_report_name((enum admin_report)k));
		tmpl_set(x, "ABOUT", admin_report_about((enum admin_report)k));
		if (admin_report_needs_billing((enum admin_report)k) && !ready)
			tmpl_show(x, "NA");
	}
	page_finish(w, r, 200, "admin/reports.tpl", d);
}

/*
 * The range of a report page: from/to as given, else this month so far
 * (usage) or the last twelve months (billing's reports: a month is
 * invoiced after it ends).  Returns NULL, or the error with *field set.
 */
const char *
report_range(struct web *w, struct req *q, int kind, char from[11], char to[11], long long *tf,
    long long *tt, const char **field)
{
	const char *f = kv_get(&q->query, "from"), *t = kv_get(&q->query, "to");
	int y, m;

	if ((f == NULL || *f == '\0') && (t == NULL || *t == '\0')) {
		rate_month_of(w->now, &y, &m);
		if (kind != AR_USAGE && (m -= 11) < 1) {
			m += 12;
			y--;
		}
		admin_date_format(vep_days_from_civil(y, (unsigned)m, 1) * 86400, from);
		admin_date_format(w->now, to);
	} else {
		snprintf(from, 11, "%s", f != NULL && strlen(f) <= 10 ? f : "x");
		snprintf(to, 11, "%s", t != NULL && strlen(t) <= 10 ? t : "x");
		if (kv_count(&q->query, "from") > 1 || kv_count(&q->query, "to") > 1) {
			*field = "from";
			return "was given more than once";
		}
	}
	return admin_range_check(from, to, tf, tt, field);
}

void
page_report(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct admin_table t;
	struct tmpl_dict *d, *x;
	struct form v;
	char from[11], to[11], title[64], url[256];
	const char *why, *field = NULL;
	long long tf = 0, tt = 0;
	int k, ready, csv;

	if ((ready = billing_ready(w, r)) < 0)
		return;
	if ((k = admin_report_parse(caps[0])) < 0) {
		web_error(w, r, 404, "There is no such report.");
		return;
	}
	admin_read(&q->query, BIT(K_FORMAT), &v);
	csv = req_wants_csv(q) || (v.s[K_FORMAT] != NULL && strcmp(v.s[K_FORMAT], "csv") == 0);
	why = report_range(w, q, k, from, to, &tf, &tt, &field);
	if (csv && why == NULL && (ready || !admin_report_needs_billing((enum admin_report)k))) {
		char cd[128];
		if (db_report_table(w->db, (enum admin_report)k, tf, tt, w->now, &t) != DB_OK) {
			web_unavailable(w, r);
			return;
		}
		buf_reset(&r->body);
		admin_table_csv(&t, &r->body);
		admin_table_free(&t);
		r->private_page = 1;
		r->status = 200;
		r->ctype = "text/csv; charset=utf-8; header=present";
		snprintf(cd, sizeof(cd), "attachment; filename=\"%s-%s-%s.csv\"", caps[0], from, to);
		resp_header(r, "Content-Disposition", cd);
		return;
	}
	snprintf(title, sizeof(title), "Report: %s", caps[0]);
	if ((d = admin_page_dict(w, r, title, "reports")) == NULL)
		return;
	tmpl_set(d, "REPORT", caps[0]);
	tmpl_set(d, "ABOUT", admin_report_about((enum admin_report)k));
	tmpl_set(d, "V_FROM", from);
	tmpl_set(d, "V_TO", to);
	if (why != NULL) {
		char up[8];
		page_upper(field, up, sizeof(up));
		snprintf(title, sizeof(title), "E_%s", up);
		tmpl_set(tmpl_add(d, title), "MSG", why);
		snprintf(title, sizeof(title), "BAD_%s", up);
		tmpl_show(d, title);
		page_finish(w, r, 422, "admin/report.tpl", d);
		return;
	}
	if (admin_report_needs_billing((enum admin_report)k) && !ready) {
		tmpl_show(d, "BILLING_NA");
		page_finish(w, r, 200, "admin/report.tpl", d);
		return;
	}
	if (db_report_table(w->db, (enum admin_report)k, tf, tt, w->now, &t) != DB_OK) {
		tmpl_dict_free(d);
		web_unavailable(w, r);
		return;
	}
	x = tmpl_add(d, "TABLE");
	snprintf(url, sizeof(url), "/admin/reports/%s?from=%s&to=%s&format=csv", caps[0], from, to);
	tmpl_set(x, "CSV_URL", url);
	snprintf(url, sizeof(url), "/admin/chart/report?report=%s&from=%s&to=%s", caps[0], from, to);
	tmpl_set(x, "CHART_URL", url);
	snprintf(url, sizeof(url), "%s, %s to %s", caps[0], from, to);
	tmpl_set(x, "CHART_ALT", url);
	for (size_t c = 0; c < t.ncols; c++) {
		struct tmpl_dict *h = tmpl_add(x, "COL");
		const char *name = t.cols[c];
		tmpl_set(h, "NAME", name);
		if (t.types[c] != AC_TEXT)
			tmpl_show(h, "NUM");
	}
	for (size_t i = 0; i < t.nrows; i++) {
		struct tmpl_dict *row = tmpl_add(x, "ROW");
		for (size_t c = 0; c < t.ncols; c++) {
			struct tmpl_dict *cell = tmpl_add(row, "CELL");
			tmpl_set(cell, "V", admin_table_cell(&t, i, c));
			if (t.types[c] != AC_TEXT)
				tmpl_show(cell, "NUM");
		}
	}
	tmpl_set_int(x, "NROWS", (long long)t.nrows);
	if (t.nrows == 0)
		tmpl_show(x, "EMPTY");
	else
		tmpl_show(x, "HAS_ROWS");
	admin_table_free(&t);
	page_finish(w, r, 200, "admin/report.tpl", d);
}

