/*
 * vep-self: the dashboard of the session's VE (state, network, usage
 * against the order's quotas, the order, billing) and its usage charts.
 */
#include "self.h"
#include "order.h"
#include "vechart.h"

static void
usage_row(struct tmpl_dict *d, const char *label, const char *used, const char *quota,
    double frac, const char *note)
{
	struct tmpl_dict *x = tmpl_add(d, "USAGE_ROW");
	tmpl_set(x, "LABEL", label);
	tmpl_set(x, "USED", used);
	tmpl_set(x, "QUOTA", quota);
	if (frac >= 0) {
		struct tmpl_dict *m = tmpl_add(x, "METER");
		char v[16];
		snprintf(v, sizeof(v), "%.3f", frac > 1 ? 1.0 : frac);
		tmpl_set(m, "FRAC", v);
		tmpl_set_int(m, "PCT", (long long)(frac * 100 + 0.5));
	}
	if (note != NULL)
		tmpl_set(tmpl_add(x, "NOTE"), "TEXT", note);
}

/*
 * Traffic of this month -- the period a cap is checked on and a minimum
 * quota is reserved for -- against the order's maximum quota (the cap)
 * and minimum quota (reserved); the total since creation as a note.
 */
static void
traffic_row(struct tmpl_dict *d, const char *label, long long month, long long total,
    long long min_mb, long long max_mb)
{
	char u[48], q[128], a[48], b[48], note[96];

	fmt_bytes(month, u, sizeof(u));
	if (max_mb == 0 && min_mb == 0)
		snprintf(q, sizeof(q), "no quota");
	else {
		fmt_bytes(max_mb * 1000000, a, sizeof(a));
		fmt_bytes(min_mb * 1000000, b, sizeof(b));
		snprintf(q, sizeof(q), "%s%s%s%s", max_mb ? "cap " : "", max_mb ? a : "",
		    min_mb ? (max_mb ? ", reserved " : "reserved ") : "", min_mb ? b : "");
	}
	fmt_bytes(total, a, sizeof(a));
	snprintf(note, sizeof(note), "this month; %s since the VE was created", a);
	usage_row(d, label, u, q, max_mb > 0 ? (double)month / ((double)max_mb * 1e6) : -1, note);
}


/* What the dashboard shows: everything render_dashboard's pieces read. */
struct dash {
	struct web		*w;
	const struct session	*s;
	const struct ve_info	*v;
	const struct ve_usage	*u;
	const struct selfbill	*bill;
	int			 range;		/* of the history charts (enum ve_range) */
	int			 changed;	/* 1 the password was changed, 2 + enum ve_power a power action */
	const struct pwform	*pf;		/* the password form shown again, or NULL */
	const char		*csrf;		/* the session's token, or the marker of a stored page */
};

/*
 * The power card: the wish, and Start/Stop/Restart unless suspended or
 * expired; changed 2 + enum ve_power after an action (the notice).
 */
static void
dash_power(struct tmpl_dict *d, const struct ve_info *v, int changed)
{
	struct tmpl_dict *x = tmpl_add(d, "POWER");

	if (changed >= 2 && changed - 2 < VP__MAX)
		tmpl_set(tmpl_add(d, "POWERED"), "WHAT", changed - 2 == VP_START ? "started" :
		    changed - 2 == VP_STOP ? "stopped" : "restarted");
	tmpl_set(x, "WISH", strcmp(v->power, "stopped") == 0 ? "stopped (by you or the operator)" :
	    "running");
	if (strcmp(v->state, "active") != 0) {
		tmpl_show(x, "POWER_LOCKED");
		return;
	}
	for (int i = 0; i < VP__MAX; i++) {
		struct tmpl_dict *b = tmpl_add(x, "BUTTON");
		tmpl_set(b, "ACTION", ve_power_names[i]);
		tmpl_set(b, "LABEL", i == VP_START ? "Start" : i == VP_STOP ? "Stop" : "Restart");
	}
}

/* The VE's state, and the banners of a suspension, a near expiry or a traffic cap. */
static void
dash_state(struct tmpl_dict *d, const struct dash *x)
{
	const struct ve_info *v = x->v;
	struct tmpl_dict *b;
	char a[64];

	tmpl_set(d, "VE_ID", v->ve_id);
	tmpl_set(d, "CSRF", x->csrf);
	tmpl_set(d, "STATE", v->state);
	tmpl_set(d, "PLAN", v->plan_name);
	tmpl_set(d, "TEMPLATE", v->template_name);
	page_set_time(d, "EXPIRES", v->expires_at);
	page_set_time(d, "CREATED", v->created_at);
	tmpl_show(d, strcmp(v->state, "active") == 0 ? "STATE_OK" : "STATE_BAD");
	if (x->changed == 1)
		tmpl_show(d, "PW_CHANGED");
	dash_power(d, v, x->changed);
	if (strcmp(v->state, "suspended") == 0 || strcmp(v->state, "expired") == 0) {
		b = tmpl_add(d, "STATE_BANNER");
		tmpl_set(b, "WHAT", strcmp(v->state, "suspended") == 0 ? "Your VE is suspended" :
		    "Your VE has expired; its data will be erased");
		tmpl_set(b, "REASON", v->state_reason[0] ? v->state_reason : "no reason was given");
	} else if (v->expires_at - x->w->now < 7 * 86400) {
		long long left = v->expires_at - x->w->now;
		b = tmpl_add(d, "EXPIRY_BANNER");
		page_set_time(b, "WHEN", v->expires_at);
		if (left < 86400)
			snprintf(a, sizeof(a), "less than a day");
		else
			snprintf(a, sizeof(a), "%lld day%s", left / 86400, left / 86400 == 1 ? "" : "s");
		tmpl_set(b, "LEFT", a);
	}
	for (size_t i = 0; i < x->bill->ncaps; i++)
		cap_banner(d, &x->bill->caps[i]);
}

/* Addresses, gateway, name servers and the owner's note. */
static void
dash_network(struct tmpl_dict *d, const struct ve_info *v)
{
	for (size_t i = 0; i < v->nips; i++) {
		struct tmpl_dict *x = tmpl_add(d, "IP");
		tmpl_set_int(x, "N", (long long)i + 1);
		tmpl_set(x, "ADDRESS", v->ips[i].address);
		tmpl_set(x, "NETMASK", v->ips[i].netmask);
		tmpl_set(x, "DNS_NAME", v->ips[i].dns_name[0] ? v->ips[i].dns_name : "none");
	}
	tmpl_set(d, "GATEWAY", v->gateway);
	for (size_t i = 0; i < v->ndns_servers; i++)
		tmpl_set(tmpl_add(d, "DNS_SERVER"), "ADDRESS", v->dns_servers[i]);
	if (v->o.s[OF_USER_INFO] != NULL)
		tmpl_set(tmpl_add(d, "USER_INFO"), "TEXT", v->o.s[OF_USER_INFO]);
	else
		tmpl_show(d, "NO_USER_INFO");
}

/* CPU time in CPU-hours (as charged), to 4 decimals: "0.0123 CPU-hours". */
static void
cpu_hours(long long us, char *out, size_t len)
{
	snprintf(out, len, "%.4f CPU-hour%s", (double)us / 3.6e9, us == 3600000000LL ? "" : "s");
}

/*
 * Disk, CPU and memory against the order's quotas (max = cap, min =
 * reserved).  CPU has one unit per kind of figure: a share of the node's
 * capacity in bogomips (now, reserved, the charts), CPU time used in
 * CPU-hours (as charged); the template says how they relate.
 */
static void
dash_quotas(struct tmpl_dict *x, const struct ve_info *v, const struct ve_usage *u)
{
	const struct order *o = &v->o;
	char a[64], b[64], c[64], d[64], note[320];

	fmt_bytes(u->disk_bytes, a, sizeof(a));
	fmt_bytes(o->n[OF_DISK_QUOTA_MB] * 1000000, b, sizeof(b));
	usage_row(x, "Disk", a, b, o->n[OF_DISK_QUOTA_MB] > 0 ?
	    (double)u->disk_bytes / ((double)o->n[OF_DISK_QUOTA_MB] * 1e6) : -1, NULL);
	snprintf(a, sizeof(a), "%lld bogomips", u->cpu_bogomips);
	if (o->n[OF_CPU_MIN_BOGOMIPS] > 0)
		snprintf(b, sizeof(b), "%lld bogomips reserved", o->n[OF_CPU_MIN_BOGOMIPS]);
	else
		snprintf(b, sizeof(b), "no reserved minimum");
	cpu_hours(u->cpu_user_us + u->cpu_sys_us, c, sizeof(c));
	snprintf(d, sizeof(d), "%.4f", (double)u->cpu_user_us / 3.6e9);
	snprintf(note, sizeof(note), "average over the last minute; CPU time used since the VE was "
	    "created: %s (%s user, %.4f system)", c, d, (double)u->cpu_sys_us / 3.6e9);
	tmpl_set_int(x, "BOGO_PER_CPU", v->bogomips_per_cpu);
	usage_row(x, "CPU", a, b, o->n[OF_CPU_MIN_BOGOMIPS] > 0 ?
	    (double)u->cpu_bogomips / (double)o->n[OF_CPU_MIN_BOGOMIPS] : -1, note);
	snprintf(a, sizeof(a), "%lld MB", u->vmem_bytes / 1000000);
	if (o->n[OF_MEM_MAX_MB] > 0)
		snprintf(b, sizeof(b), "%lld MB", o->n[OF_MEM_MAX_MB]);
	else
		snprintf(b, sizeof(b), "no limit");
	usage_row(x, "Virtual memory", a, b, o->n[OF_MEM_MAX_MB] > 0 ?
	    (double)u->vmem_bytes / ((double)o->n[OF_MEM_MAX_MB] * 1e6) : -1, NULL);
}

/* Usage against the quotas, this month's traffic, and the history charts of one range. */
static void
dash_usage(struct tmpl_dict *d, const struct dash *x)
{
	const struct order *o = &x->v->o;
	const struct ve_usage *u = x->u;
	const struct selfbill *bill = x->bill;
	struct tmpl_dict *us, *y;
	char a[160];

	if (!u->recorded) {
		tmpl_show(d, "NO_USAGE");
		return;
	}
	us = tmpl_add(d, "USAGE");
	page_set_time(us, "AS_OF", u->as_of);
	dash_quotas(us, x->v, u);
	traffic_row(us, "Traffic in", bill->month_in, u->net_in_bytes,
	    o->n[OF_NET_IN_QUOTA_MIN_MB], o->n[OF_NET_IN_QUOTA_MAX_MB]);
	traffic_row(us, "Traffic out", bill->month_out, u->net_out_bytes,
	    o->n[OF_NET_OUT_QUOTA_MIN_MB], o->n[OF_NET_OUT_QUOTA_MAX_MB]);
	traffic_row(us, "Traffic in + out", bill->month_in + bill->month_out,
	    u->net_in_bytes + u->net_out_bytes, o->n[OF_NET_QUOTA_MIN_MB], o->n[OF_NET_QUOTA_MAX_MB]);
	y = tmpl_add(d, "HISTORY");
	for (int i = 0; i < VR__MAX; i++) {
		struct tmpl_dict *t = tmpl_add(y, "RANGE");
		tmpl_set(t, "RANGE", vechart_range_names[i]);
		tmpl_set(t, "TEXT", vechart_range_titles[i]);
		tmpl_show(t, i == x->range ? "CURRENT" : "OTHER");
	}
	for (int m = 0; m < MET__MAX; m++) {
		struct tmpl_dict *c = tmpl_add(y, "CHART");
		tmpl_set(c, "METRIC", vechart_metric_names[m]);
		tmpl_set(c, "RANGE", vechart_range_names[x->range]);
		snprintf(a, sizeof(a), "%s, %s", vechart_metric_titles[m], vechart_range_titles[x->range]);
		tmpl_set(c, "ALT", a);
	}
}

/*
 * The throttle of a traffic cap reached this month (kbit/s), 0 when none:
 * the node limits both directions to it until the month ends (the agent's
 * net_in_kbps/net_out_kbps take the least of it and the order's caps).
 */
static long long
throttled_kbps(const struct selfbill *b)
{
	long long k = 0;

	for (size_t i = 0; i < b->ncaps; i++)
		if (!b->caps[i].suspend && b->caps[i].throttle_kbps > 0 &&
		    (k == 0 || b->caps[i].throttle_kbps < k))
			k = b->caps[i].throttle_kbps;
	return k;
}

/* The Bandwidth card: reserved and cap as ordered, or the throttle in force. */
static void
dash_bandwidth(struct tmpl_dict *d, const struct ve_info *v, const struct selfbill *bill)
{
	static const struct { const char *label; enum order_key min, max; } bw[] = {
		{ "In and out together", OF_NET_BW_MIN_KBPS, OF_NET_BW_MAX_KBPS },
		{ "Inbound", OF_NET_IN_BW_MIN_KBPS, OF_NET_IN_BW_MAX_KBPS },
		{ "Outbound", OF_NET_OUT_BW_MIN_KBPS, OF_NET_OUT_BW_MAX_KBPS },
	};
	const struct order *o = &v->o;
	long long thr = throttled_kbps(bill);
	char t[64], c[64], m[200];

	if (thr > 0) {
		fmt_kbps(thr, t, sizeof(t));
		tmpl_set(tmpl_add(d, "BW_THROTTLED"), "KBPS", t);
	}
	for (size_t i = 0; i < nitems(bw); i++) {
		struct tmpl_dict *x = tmpl_add(d, "BW");
		long long cap = o->n[bw[i].max];

		tmpl_set(x, "LABEL", bw[i].label);
		fmt_kbps(o->n[bw[i].min], t, sizeof(t));
		tmpl_set(x, "MIN", t);
		fmt_kbps(cap, c, sizeof(c));
		if (thr > 0 && (cap == 0 || thr < cap)) {
			fmt_kbps(thr, t, sizeof(t));
			snprintf(m, sizeof(m), "throttled to %s until the month ends (ordered: %s)", t, c);
			tmpl_set(x, "MAX", m);
			tmpl_show(x, "THROTTLED");
		} else
			tmpl_set(x, "MAX", cap == 0 ? "none (line speed)" : c);
	}
}

/* The order as placed (the options left unset share one line). */
static void
dash_order(struct tmpl_dict *d, const struct ve_info *v)
{
	const struct order *o = &v->o;
	struct tmpl_dict *x;
	char t[1100], unset[1024];
	size_t off = 0;

	unset[0] = '\0';
	for (size_t k = 0; k < OF__MAX; k++) {
		if (k == OF_ROOT_PASSWORD || k == OF_IDEMPOTENCY_KEY || k == OF_USER_INFO)
			continue;
		order_value_text(o, (enum order_key)k, t, sizeof(t));
		if (strcmp(t, "not set") == 0) {
			fmt_list_add(unset, sizeof(unset), &off, order_fields[k].label);
			continue;
		}
		x = tmpl_add(d, "ORDER");
		tmpl_set(x, "LABEL", order_fields[k].label);
		tmpl_set(x, "VALUE", k == OF_PLAN ? v->plan_name : k == OF_TEMPLATE ? v->template_name : t);
	}
	if (off > 0) {
		x = tmpl_add(d, "ORDER");
		tmpl_set(x, "LABEL", "Not set");
		tmpl_set(x, "VALUE", unset);
	}
}

/* The password form shown again with its errors. */
/*
 * The password form shown again with its errors: a notice at the top of
 * the page, a summary at the top of the form linking to each field, and
 * the first wrong field focused (autofocus, no script: the browser scrolls
 * the answer to it, so it opens at the form, not at the top of the page;
 * a fragment in the form's action would do that too but make browsers
 * skip autofocus).
 */
static void
dash_password(struct tmpl_dict *d, const struct pwform *pf)
{
	const struct { const char *sec, *field, *label; const char *msg; } f[] = {
		{ "BAD_OLD", "old_password", "Current password", pf != NULL ? pf->err_old : NULL },
		{ "BAD_NEW", "new_password", "New password", pf != NULL ? pf->err_new : NULL },
		{ "BAD_CONFIRM", "confirm", "New password again", pf != NULL ? pf->err_confirm : NULL },
	};
	struct tmpl_dict *sum = NULL;

	if (pf == NULL)
		return;
	for (size_t i = 0; i < nitems(f); i++) {
		struct tmpl_dict *x, *e;
		if (f[i].msg == NULL)
			continue;
		x = tmpl_add(d, f[i].sec);
		tmpl_set(x, "MSG", f[i].msg);
		if (sum == NULL) {
			tmpl_show(x, "FOCUS");
			tmpl_show(d, "PW_FAILED");
			sum = tmpl_add(d, "PW_ERRORS");
		}
		e = tmpl_add(sum, "PW_ERR");
		tmpl_set(e, "FIELD", f[i].field);
		tmpl_set(e, "LABEL", f[i].label);
		tmpl_set(e, "MSG", f[i].msg);
	}
	if (pf->notice != NULL) {
		tmpl_set(tmpl_add(d, "PW_NOTICE"), "MSG", pf->notice);
		if (sum == NULL)
			tmpl_show(d, "PW_FAILED");
	}
}

static void
render_dashboard(struct resp *r, int status, const struct dash *x)
{
	struct tmpl_dict *d = page_dict(x->w, "My VE");

	if (d != NULL) {
		dash_state(d, x);
		dash_network(d, x->v);
		dash_usage(d, x);
		dash_bandwidth(d, x->v, x->bill);
		dash_order(d, x->v);
		fill_billing(x->w, d, x->bill);
		dash_password(d, x->pf);
	}
	page_finish(x->w, r, status, "self/dashboard.tpl", d);
}

/*
 * The dashboard into r with csrf in its forms: 1 rendered (r->status 200
 * or 500), 0 something else was answered (503, or the login page when the
 * VE is gone).
 */
int
dash_build(struct web *w, struct req *q, struct resp *r, int status, int range, int changed,
    const struct pwform *pf, const char *csrf)
{
	const struct session *s = &w->session;
	struct ve_info v;
	struct ve_usage u;
	struct selfbill b;
	struct db *db = w->db;
	char err[256], period[8];
	int64_t from, to;
	int rc, shown = 0;

	if ((rc = db_ve_get(db, s->subject, &v)) < 0) {
		web_unavailable(w, r);
		return 0;
	}
	if (rc == 0) {
		/* Deleted meanwhile: the session goes with it. */
		session_destroy_subject(db, "self", s->subject);
		web_session_end(w, q, r);
		render_login(w, q, r, 200, NULL, NULL);
		return 0;
	}
	/*
	 * Billing is read with the library calls the API uses; when it cannot
	 * be computed the rest of the page is still shown (and the error was
	 * logged there).
	 */
	memset(&b, 0, sizeof(b));
	rate_month_of(w->now, &b.year, &b.month);
	rate_month_bounds(b.year, b.month, &from, &to);
	snprintf(period, sizeof(period), "%04d-%02d", b.year, b.month);
	b.charges = db_charges_json(db, s->subject, b.year, b.month, w->now, 0, &rc, err,
	    sizeof(err));
	b.invoices = db_docs_ve_invoices_json(db, s->subject, w->now, &rc);
	/* Usage, current CPU and this month's traffic in one round trip. */
	if (db_ve_usage_month(db, s->subject, w->now, from, to, &u, &b.month_in, &b.month_out) != DB_OK ||
	    self_caps(db, s->subject, period, b.caps, nitems(b.caps), &b.ncaps) != DB_OK)
		web_unavailable(w, r);
	else {
		const struct dash x = { w, s, &v, &u, &b, range, changed, pf, csrf };
		render_dashboard(r, status, &x);
		shown = 1;
	}
	json_decref(b.charges);
	json_decref(b.invoices);
	ve_info_free(&v);
	return shown;
}

void
show_dashboard(struct web *w, struct req *q, struct resp *r, int status, int range, int changed,
    const struct pwform *pf)
{
	dash_build(w, q, r, status, range, changed, pf, w->session.csrf);
}

void
page_self(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct form v;

	(void)caps;
	self_read(&q->query, BIT(K_RANGE) | BIT(K_CHANGED) | BIT(K_POWERED), &v);
	/* The plain page (no notice, the hour's charts) is the precomputed one (dashcache.c). */
	if (v.s[K_RANGE] == NULL && v.s[K_CHANGED] == NULL && v.s[K_POWERED] == NULL) {
		dash_cached(w, q, r);
		return;
	}
	show_dashboard(w, q, r, 200, v.s[K_RANGE] != NULL ? (int)v.n[K_RANGE] : VR_HOUR,
	    v.s[K_POWERED] != NULL ? 2 + (int)v.n[K_POWERED] : v.s[K_CHANGED] != NULL, NULL);
}

void
page_chart(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct form v;

	(void)caps;
	if (self_read(&q->query, BIT(K_METRIC) | BIT(K_RANGE), &v) > 0) {
		web_error(w, r, 400, "Ask for metric=cpu|vmem|disk|net and range=hour|day|month.");
		return;
	}
	vechart_of(w, r, w->session.subject, (enum vechart_metric)v.n[K_METRIC],
	    v.s[K_RANGE] != NULL ? (enum ve_range)v.n[K_RANGE] : VR_HOUR);
}
