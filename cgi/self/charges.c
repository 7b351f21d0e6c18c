/*
 * vep-self: a metered line of this month opened on the days and hours
 * behind it (the API's explain=1 data).
 */
#include "self.h"
#include "money.h"

int
billing_ve(struct web *w, struct resp *r, struct ve_info *vi)
{
	int rc;

	r->private_page = 1;
	if ((rc = db_ve_get(w->db, w->session.subject, vi)) <= 0) {
		web_error(w, r, rc < 0 ? 503 : 404, rc < 0 ? "The service is briefly unavailable; "
		    "please try again in a moment." : "There is no such VE.");
		return 0;
	}
	return 1;
}

/* A raw amount in its base unit, exactly: CPU seconds, bytes or byte-seconds. */
static void
fmt_raw(enum rate_res res, long long raw, char *out, size_t outlen)
{
	char g[40];

	if (res == RR_CPU) {
		fmt_group(raw / 1000000, g, sizeof(g));
		snprintf(out, outlen, "%s.%06lld CPU-seconds", g, raw % 1000000);
	} else {
		fmt_group(raw, g, sizeof(g));
		snprintf(out, outlen, "%s %s", g, res == RR_VMEM ? "byte-seconds" : "bytes");
	}
}

/* raw in the line's unit with six decimals, rounded half-up once. */
static void
fmt_qty(enum rate_res res, long long raw, char *out, size_t outlen)
{
	int64_t micro;

	if (rate_raw_to_micro(res, raw, &micro) != RATE_OK ||
	    money_fixed6(micro, out, outlen) < 0)
		snprintf(out, outlen, "?");
}

/* What the charges page explains: one resource of one month, maybe one day of it. */
struct explain {
	enum rate_res	 res;
	const char	*rname;		/* its name in the JSON */
	const char	*period;	/* "YYYY-MM" */
	int		 segments;	/* more than one price segment in the month */
	int		 want_day;	/* a day was asked for */
	long long	 day;		/* its 00:00 UTC */
	int		 found_day;	/* and it has usage */
};

/* The chosen day's hours (section HOURS). */
static void
explain_hours(struct tmpl_dict *d, const struct explain *x, const json_t *e, size_t n,
    const json_t *day, long long t)
{
	struct tmpl_dict *z = tmpl_add(d, "HOURS");
	const json_t *h;
	char a[128];
	size_t m;

	fmt_date(t, a, sizeof(a));
	tmpl_set(z, "DAY_TEXT", a);
	tmpl_set(z, "UNIT", jstr(e, "unit"));
	if (n > 1 || x->segments) {
		jdate(e, "valid_from", a, sizeof(a));
		tmpl_set(tmpl_add(z, "PRICE_FROM"), "DATE", a);
	}
	fmt_raw(x->res, jint(day, "raw"), a, sizeof(a));
	tmpl_set(z, "TOTAL_RAW", a);
	fmt_qty(x->res, jint(day, "raw"), a, sizeof(a));
	tmpl_set(z, "TOTAL_QTY", a);
	if (json_array_size(json_object_get(day, "hours")) == 0)
		tmpl_show(z, "NO_HOURS");
	json_array_foreach(json_object_get(day, "hours"), m, h) {
		long long ht = 0;
		struct tmpl_dict *hd = tmpl_add(z, "HOUR");
		vep_parse_iso8601(jstr(h, "t"), &ht);
		snprintf(a, sizeof(a), "%02lld:00–%02lld:00", ht / 3600 % 24, (ht / 3600 + 1) % 24);
		tmpl_set(hd, "HOUR", a);
		fmt_raw(x->res, jint(h, "raw"), a, sizeof(a));
		tmpl_set(hd, "RAW", a);
		fmt_qty(x->res, jint(h, "raw"), a, sizeof(a));
		tmpl_set(hd, "QTY", a);
	}
}

/* One price version's usage (section ENTRY number n) with its days. */
static void
explain_entry(struct tmpl_dict *d, struct explain *x, const json_t *e, size_t n)
{
	struct tmpl_dict *en = tmpl_add(d, "ENTRY"), *y;
	const json_t *day;
	char a[128];
	size_t k;

	tmpl_set_int(en, "N", (long long)n);
	jdate(e, "valid_from", a, sizeof(a));
	tmpl_set(en, "VALID_FROM", a);
	fmt_raw(x->res, jint(e, "raw"), a, sizeof(a));
	tmpl_set(en, "TOTAL_RAW", a);
	tmpl_set(en, "TOTAL_QTY", jstr(e, "quantity"));
	tmpl_set(en, "UNIT", jstr(e, "unit"));
	if (json_array_size(json_object_get(e, "days")) == 0)
		tmpl_show(en, "NO_DAYS");
	json_array_foreach(json_object_get(e, "days"), k, day) {
		long long t = 0;
		y = tmpl_add(en, "DAY");
		tmpl_set(y, "DAY", jstr(day, "day"));
		vep_parse_iso8601(jstr(day, "day"), &t);
		fmt_date(t, a, sizeof(a));
		tmpl_set(y, "DAY_TEXT", a);
		tmpl_set(y, "PERIOD", x->period);
		tmpl_set(y, "RESOURCE", x->rname);
		fmt_raw(x->res, jint(day, "raw"), a, sizeof(a));
		tmpl_set(y, "RAW", a);
		fmt_qty(x->res, jint(day, "raw"), a, sizeof(a));
		tmpl_set(y, "QTY", a);
		tmpl_set(y, "UNIT", jstr(e, "unit"));
		if (strcmp(jstr(day, "source"), "hours") == 0)
			tmpl_show(y, "SPLIT");
		if (!x->want_day || t != x->day) {
			tmpl_show(y, "OTHER");
			continue;
		}
		x->found_day = 1;
		tmpl_show(y, "CURRENT");
		explain_hours(d, x, e, n, day, t);
	}
}

/* The page of x from the charges JSON j; 0, or -1 when the plan does not charge for the resource. */
static int
explain_page(struct web *w, struct tmpl_dict *d, struct explain *x, const json_t *j,
    const char *title, const char *month)
{
	const json_t *l, *e, *usage = json_object_get(json_object_get(j, "explain"), "usage");
	const char *cur = jstr(j, "currency");
	size_t i, n = 0;

	tmpl_set(d, "VE_ID", w->session.subject);
	tmpl_set(d, "HEADING", title);
	tmpl_set(d, "MONTH", month);
	tmpl_set(d, "PERIOD", x->period);
	tmpl_set(d, "RESOURCE", x->rname);
	tmpl_set(d, "CURRENCY", cur);
	page_set_time(d, "AS_OF", w->now);
	json_array_foreach(json_object_get(j, "lines"), i, l)
		if (strcmp(jstr(l, "resource"), x->rname) == 0 && strcmp(jstr(l, "kind"), "credit") != 0)
			add_line(d, "LINE", l, cur);
	x->segments = json_array_size(json_object_get(json_object_get(j, "explain"), "segments")) > 1;
	json_array_foreach(usage, i, e)
		if (strcmp(jstr(e, "resource"), x->rname) == 0)
			explain_entry(d, x, e, ++n);
	if (n == 0)
		return -1;
	if (n > 1)
		tmpl_show(d, "VERSIONS");
	if (x->want_day && !x->found_day) {
		char a[64];
		fmt_date(x->day, a, sizeof(a));
		tmpl_set(tmpl_add(d, "DAY_EMPTY"), "DAY_TEXT", a);
	}
	return 0;
}

/*
 * GET /self/charges?period=YYYY-MM&resource=R[&day=YYYY-MM-DD]: the lines
 * of one metered resource, the days they were rated from and, for one
 * day, its hours -- the API's explain=1 data, whose raw amounts add up to
 * each line's quantity.
 */
void
page_charges(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct ve_info vi;
	struct form v;
	struct explain x;
	struct tmpl_dict *d = NULL;
	json_t *j = NULL;
	char err[256] = "", month[64], title[160];
	int rc, year, mon;

	(void)caps;
	if (!billing_ve(w, r, &vi))
		return;
	if (self_read(&q->query, BIT(K_PERIOD) | BIT(K_RESOURCE) | BIT(K_DAY), &v) > 0) {
		web_error(w, r, 400, "Ask for period=YYYY-MM, resource=cpu|vmem|traffic|traffic_in|"
		    "traffic_out and optionally day=YYYY-MM-DD.");
		goto out;
	}
	year = (int)(v.n[K_PERIOD] / 100);
	mon = (int)(v.n[K_PERIOD] % 100);
	j = db_charges_json(w->db, vi.ve_id, year, mon, w->now, 1, &rc, err, sizeof(err));
	if (j == NULL) {
		web_error(w, r, rc == BILLING_EINPUT || rc == BILLING_ENOENT ? 404 : 503,
		    rc == BILLING_EINPUT ? "That month has not started yet." :
		    rc == BILLING_ENOENT ? "There is no such VE." :
		    "The charges cannot be shown right now; please try again later.");
		goto out;
	}
	memset(&x, 0, sizeof(x));
	x.res = (enum rate_res)v.n[K_RESOURCE];
	x.rname = rate_res_name(x.res);
	x.period = jstr(j, "period");
	x.want_day = v.s[K_DAY] != NULL;
	x.day = v.n[K_DAY];
	if (x.want_day) {
		int64_t from, to;
		rate_month_bounds(year, mon, &from, &to);
		if (x.day < from || x.day >= to) {
			web_error(w, r, 404, "That day is not in this month.");
			goto out;
		}
	}
	fmt_month(year, mon, month, sizeof(month));
	snprintf(title, sizeof(title), "%s, %s", res_labels[x.res], month);
	if ((d = page_dict(w, title)) == NULL) {
		web_error(w, r, 500, "Out of memory.");
		goto out;
	}
	if (explain_page(w, d, &x, j, title, month) == -1) {
		snprintf(title, sizeof(title), "Your plan does not charge for %s, so there is nothing "
		    "to show.", res_labels[x.res]);
		web_error(w, r, 404, title);
		goto out;
	}
	page_finish(w, r, 200, "self/charges.tpl", d);
	d = NULL;
out:
	tmpl_dict_free(d);
	json_decref(j);
	ve_info_free(&vi);
}
