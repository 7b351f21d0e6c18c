/*
 * vep-self: the VE self-maintenance screen (origin document Appendix
 * 7.3.2, SPEC section 4).  An owner logs in with VEid and password and
 * sees that VE only: the session's subject is the VE, and no page takes a
 * VEid from the request after login.  Failed logins are throttled per VE
 * and per client address exactly as the API's (lib/web/auth.c), and the
 * answers never tell whether a VE exists.  Usage charts are SVG drawn here
 * (GET /self/chart) and shown with <img>, so the pages need no script.
 *
 * Billing shows what the API shows, from the same library calls
 * (lib/db/db_charges.c, db_docs.c): the month so far as GET /api/v1/ves/{id}/charges
 * has it, each metered line opening on the days and hours behind it
 * (GET /self/charges, from the API's explain=1 data, whose raw amounts sum
 * exactly to the line's), the VE's invoices, and each invoice as a
 * print-ready page (GET /self/invoices/{number}) of the owner's own account
 * only.  A traffic cap reached this month (ve_caps) is announced at the
 * top of the dashboard.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "conf.h"
#include "db.h"
#include "db_bill.h"
#include "db_charges.h"
#include "db_docs.h"
#include "db_late.h"
#include "db_ve.h"
#include "log.h"
#include "money.h"
#include "order.h"
#include "page.h"
#include "rating.h"
#include "self_billing.h"
#include "sla.h"
#include "svg.h"
#include "tmpl.h"
#include "veid.h"
#include "web.h"

static void	page_self(struct web *, struct req *, struct resp *, char [][80]);
static void	page_login(struct web *, struct req *, struct resp *, char [][80]);
static void	page_logout(struct web *, struct req *, struct resp *, char [][80]);
static void	page_password(struct web *, struct req *, struct resp *, char [][80]);
static void	page_chart(struct web *, struct req *, struct resp *, char [][80]);
static void	page_charges(struct web *, struct req *, struct resp *, char [][80]);
static void	page_invoice(struct web *, struct req *, struct resp *, char [][80]);
static void	page_power(struct web *, struct req *, struct resp *, char [][80]);

enum pageid { P_SELF, P_LOGIN, P_LOGOUT, P_PASSWORD, P_CHART, P_CHARGES, P_INVOICE, P_POWER, P__MAX };

static const struct page pages[P__MAX] = {
	[P_SELF] = { "/self", M_GET, page_self },
	[P_LOGIN] = { "/self/login", M_POST, page_login },
	[P_LOGOUT] = { "/self/logout", M_POST, page_logout },
	[P_PASSWORD] = { "/self/password", M_POST, page_password },
	[P_CHART] = { "/self/chart", M_GET, page_chart },
	[P_CHARGES] = { "/self/charges", M_GET, page_charges },
	[P_INVOICE] = { "/self/invoices/*", M_GET, page_invoice },
	[P_POWER] = { "/self/power", M_POST, page_power },
};

enum metric { MET_CPU, MET_VMEM, MET_DISK, MET_NET, MET__MAX };
static const char *const metric_names[MET__MAX] = { "cpu", "vmem", "disk", "net" };
static const char *const metric_titles[MET__MAX] = { "CPU usage", "Virtual memory", "Disk usage",
    "Network traffic" };
static const char *const range_names[VR__MAX] = { "hour", "day", "month" };
static const char *const range_titles[VR__MAX] = { "last hour, by minute", "last day, by hour",
    "last month, by day" };
static const long long range_step[VR__MAX] = { 60, 3600, 86400 };
static const size_t range_n[VR__MAX] = { 60, 24, 30 };

/* Every field any page reads, with its validator; handlers see only struct vals. */
enum key { K_VE_ID, K_PASSWORD, K_CSRF, K_LOGIN_TOKEN, K_OLD_PASSWORD, K_NEW_PASSWORD, K_CONFIRM,
    K_METRIC, K_RANGE, K_CHANGED, K_PERIOD, K_RESOURCE, K_DAY, K_ACTION, K_POWERED, K__MAX };

struct vals {
	char		 ve_id[9];
	const char	*s[K__MAX];		/* borrowed from the request */
	int		 metric, range;
	int		 year, month;		/* K_PERIOD */
	enum rate_res	 res;			/* K_RESOURCE */
	long long	 day;			/* K_DAY: its 00:00 UTC */
	int		 action;		/* K_ACTION, K_POWERED: enum ve_power */
	const char	*bad[K__MAX];		/* why a field was refused */
};

static const char *v_ve_id(const char *, struct vals *);
static const char *v_secret(const char *, struct vals *);
static const char *v_token(const char *, struct vals *);
static const char *v_login_token(const char *, struct vals *);
static const char *v_metric(const char *, struct vals *);
static const char *v_range(const char *, struct vals *);
static const char *v_flag(const char *, struct vals *);
static const char *v_period(const char *, struct vals *);
static const char *v_resource(const char *, struct vals *);
static const char *v_day(const char *, struct vals *);
static const char *v_action(const char *, struct vals *);

static const struct field {
	const char	*name;
	const char	*(*valid)(const char *, struct vals *);
	int		 required;
} fields[K__MAX] = {
	[K_VE_ID] = { "ve_id", v_ve_id, 1 },
	[K_PASSWORD] = { "password", v_secret, 1 },
	[K_CSRF] = { "csrf", v_token, 1 },
	[K_LOGIN_TOKEN] = { "login_token", v_login_token, 1 },
	[K_OLD_PASSWORD] = { "old_password", v_secret, 1 },
	[K_NEW_PASSWORD] = { "new_password", v_secret, 1 },
	[K_CONFIRM] = { "confirm", v_secret, 1 },
	[K_METRIC] = { "metric", v_metric, 1 },
	[K_RANGE] = { "range", v_range, 0 },
	[K_CHANGED] = { "changed", v_flag, 0 },
	[K_PERIOD] = { "period", v_period, 1 },
	[K_RESOURCE] = { "resource", v_resource, 1 },
	[K_DAY] = { "day", v_day, 0 },
	[K_ACTION] = { "action", v_action, 1 },
	[K_POWERED] = { "powered", v_action, 0 },
};

static const char *
v_ve_id(const char *s, struct vals *v)
{
	/* The one VEid rule (lib/domain/veid.c): any case, used in upper case. */
	if (!ve_id_norm(s, v->ve_id))
		return "A VEid is 8 hexadecimal digits, such as 0000002A.";
	return NULL;
}

static const char *
v_secret(const char *s, struct vals *v)
{
	(void)v;
	return strlen(s) > 1024 ? "This is far too long for a password." : NULL;
}

static const char *
v_token(const char *s, struct vals *v)
{
	(void)v;
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64 ? NULL :
	    "The form is not valid; reload the page.";
}

/* Only the shape here; auth_form_token_ok judges the rest. */
static const char *
v_login_token(const char *s, struct vals *v)
{
	(void)v;
	return strlen(s) < AUTH_FORM_TOKEN_MAX && strspn(s, "0123456789abcdef-") == strlen(s) ? NULL :
	    "The form is not valid; reload the page.";
}

static const char *
v_metric(const char *s, struct vals *v)
{
	for (int i = 0; i < MET__MAX; i++)
		if (strcmp(s, metric_names[i]) == 0) {
			v->metric = i;
			return NULL;
		}
	return "metric is cpu, vmem, disk or net.";
}

static const char *
v_range(const char *s, struct vals *v)
{
	for (int i = 0; i < VR__MAX; i++)
		if (strcmp(s, range_names[i]) == 0) {
			v->range = i;
			return NULL;
		}
	return "range is hour, day or month.";
}

static const char *
v_flag(const char *s, struct vals *v)
{
	(void)v;
	return strcmp(s, "1") == 0 ? NULL : "A flag is 1.";
}

static const char *
v_action(const char *s, struct vals *v)
{
	return (v->action = ve_power_parse(s)) >= 0 ? NULL : "The action is start, stop or restart.";
}

static const char *
v_period(const char *s, struct vals *v)
{
	return rate_period_parse(s, &v->year, &v->month) == 0 ? NULL :
	    "period is a month written YYYY-MM.";
}

/* Only the metered resources have days and hours behind them. */
static const char *
v_resource(const char *s, struct vals *v)
{
	int r = rate_res_parse(s);

	if (r < RR_CPU || r > RR_TRAFFIC_OUT)
		return "resource is cpu, vmem, traffic, traffic_in or traffic_out.";
	v->res = (enum rate_res)r;
	return NULL;
}

static const char *
v_day(const char *s, struct vals *v)
{
	long long t;

	if (strlen(s) != 10 || vep_parse_iso8601(s, &t) == -1 || t % 86400 != 0)
		return "day is a date written YYYY-MM-DD.";
	v->day = t;
	return NULL;
}

/*
 * Validate the fields in mask (bits of enum key) from l into v.  Returns
 * the number of refused fields (their reasons in v->bad).
 */
static int
read_fields(const struct kvlist *l, unsigned mask, struct vals *v)
{
	int nbad = 0;

	memset(v, 0, sizeof(*v));
	v->range = VR_HOUR;
	for (size_t k = 0; k < K__MAX; k++) {
		size_t n;
		const char *s;
		if (!(mask & (1u << k)))
			continue;
		n = kv_count(l, fields[k].name);
		s = kv_get(l, fields[k].name);
		if (n > 1)
			v->bad[k] = "This field was sent more than once.";
		else if (n == 0 || *s == '\0')
			v->bad[k] = fields[k].required ? "This field is required." : NULL;
		else if ((v->bad[k] = fields[k].valid(s, v)) == NULL)
			v->s[k] = s;
		if (v->bad[k] != NULL)
			nbad++;
	}
	return nbad;
}

#define BIT(k)	(1u << (k))

/* ---- sessions -------------------------------------------------------------------- */

static const char *
sid_cookie(const struct req *q)
{
	/* The __Host- prefix pins the cookie to this origin, Secure and Path=/. */
	return q->https ? "__Host-vep_sid" : "vep_sid";
}

/* The login form's token cookie (pre-session; lib/web/auth.h). */
static const char *
login_cookie(const struct req *q)
{
	return q->https ? "__Host-vep_self_login" : "vep_self_login";
}

#define LOGIN_PURPOSE	"self-login"

/* The logged-in VE: 1 (s filled), 0 none, -1 with a 503 already in r. */
static int
session(struct web *w, struct req *q, struct resp *r, struct session *s)
{
	const char *c = kv_get(&q->cookies, sid_cookie(q));
	struct db *db;
	int rc;

	memset(s, 0, sizeof(*s));
	if (c == NULL)
		return 0;
	if ((db = web_db(w, r)) == NULL)
		return -1;
	rc = session_get(db, "self", c, w->now, conf_int(w->conf, "web", "session_idle_s"),
	    conf_int(w->conf, "web", "session_max_s"), s);
	if (rc < 0) {
		web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
		return -1;
	}
	return rc;
}

/* A new session for ve_id (a new id at every login) and its cookie. */
static int
session_start(struct web *w, struct req *q, struct resp *r, struct db *db, const char *ve_id)
{
	struct session s;
	const char *old = kv_get(&q->cookies, sid_cookie(q));

	if (old != NULL)
		session_destroy(db, old);
	if (session_create(db, "self", ve_id, w->now, &s) != DB_OK ||
	    resp_cookie(r, sid_cookie(q), s.id, 0, q->https) == -1) {
		web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
		return -1;
	}
	explicit_bzero(s.id, sizeof(s.id));
	return 0;
}

/* ---- formatting -------------------------------------------------------------------- */

static void
fmt_time(long long t, char *out, size_t outlen)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, outlen, "%d %b %Y, %H:%M UTC", &tm);
}

/* Bytes in decimal units with three significant digits: "1.23 GB". */
static void
fmt_bytes(long long b, char *out, size_t outlen)
{
	static const char *const u[] = { "bytes", "kB", "MB", "GB", "TB", "PB" };
	double v = (double)b;
	size_t i = 0;

	while (v >= 1000 && i + 1 < nitems(u)) {
		v /= 1000;
		i++;
	}
	if (i == 0)
		snprintf(out, outlen, "%lld bytes", b);
	else
		snprintf(out, outlen, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, u[i]);
}

static void
fmt_kbps(long long k, char *out, size_t outlen)
{
	if (k == 0)
		snprintf(out, outlen, "not set");
	else if (k >= 1000000 && k % 1000 == 0)
		snprintf(out, outlen, "%.3g Gbit/s", (double)k / 1e6);
	else if (k >= 1000)
		snprintf(out, outlen, "%.4g Mbit/s", (double)k / 1e3);
	else
		snprintf(out, outlen, "%lld kbit/s", k);
}

static void
fmt_date(long long t, char *out, size_t outlen)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, outlen, "%d %b %Y", &tm);
}

/* "March 2026" */
static void
fmt_month(int year, int month, char *out, size_t outlen)
{
	struct tm tm = { .tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = 1 };
	strftime(out, outlen, "%B %Y", &tm);
}

/* Minor units with the currency's exponent (lib/domain/money.h): "1234.56". */
static void
fmt_money(long long minor, const char *cur, char *out, size_t outlen)
{
	if (money_format(minor, cur, out, outlen) < 0)
		snprintf(out, outlen, "%lld", minor);
}

/* A whole number with thousands separators: "12,345,678". */
static void
fmt_group(long long n, char *out, size_t outlen)
{
	char d[32];
	size_t len, o = 0;
	int neg = n < 0;

	snprintf(d, sizeof(d), "%llu", neg ? 0ULL - (unsigned long long)n : (unsigned long long)n);
	len = strlen(d);
	if (neg && o + 1 < outlen)
		out[o++] = '-';
	for (size_t i = 0; i < len && o + 1 < outlen; i++) {
		if (i > 0 && (len - i) % 3 == 0 && o + 1 < outlen)
			out[o++] = ',';
		if (o + 1 < outlen)
			out[o++] = d[i];
	}
	out[o] = '\0';
}

/* ---- pages ------------------------------------------------------------------------- */

/*
 * The login form with a fresh login token (lib/web/auth.h, pre-session form
 * tokens) in the form and in its cookie: a login must start on this site,
 * in this browser (no login CSRF).
 */
static void
render_login(struct web *w, struct req *q, struct resp *r, int status, const char *ve_id,
    const char *msg)
{
	struct tmpl_dict *d;
	char tok[AUTH_FORM_TOKEN_MAX];

	r->private_page = 1;
	if (auth_form_token(w->form_key, LOGIN_PURPOSE, w->now, tok) == -1 ||
	    resp_cookie(r, login_cookie(q), tok, 0, q->https) == -1) {
		web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
		return;
	}
	if ((d = page_dict(w, "My VE")) == NULL) {
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	r->status = status;
	tmpl_set(d, "LOGIN_TOKEN", tok);
	tmpl_set(d, "VE_ID", ve_id ? ve_id : "");
	if (msg != NULL)
		tmpl_set(tmpl_add(d, "ERROR"), "MSG", msg);
	page_render(w, r, "self/login.tpl", d);
	tmpl_dict_free(d);
}

/* One quota line of the usage table. */
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

struct pwform {
	const char	*err_old, *err_new, *err_confirm, *notice;
};

/* What the dashboard shows of billing; the JSON as the API answers it. */
struct selfbill {
	int		 year, month;		/* the current period */
	json_t		*charges;		/* NULL: could not be computed */
	json_t		*invoices;		/* NULL: could not be read */
	struct self_cap	 caps[3];
	size_t		 ncaps;
	long long	 month_in, month_out;	/* this month's traffic (usage_day) */
};

static const char *const res_labels[RR__MAX] = {
	[RR_FEE] = "Monthly fee", [RR_DISK] = "Disk quota", [RR_CPU] = "CPU time",
	[RR_VMEM] = "Virtual memory", [RR_TRAFFIC] = "Traffic in + out",
	[RR_TRAFFIC_IN] = "Traffic in", [RR_TRAFFIC_OUT] = "Traffic out",
	[RR_AVAIL] = "Availability below the target",
};

static const char *
jstr(const json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));
	return s != NULL ? s : "";
}

static long long
jint(const json_t *j, const char *key)
{
	return (long long)json_integer_value(json_object_get(j, key));
}

/* An ISO 8601 time of the JSON as a date, "" when absent. */
static void
jdate(const json_t *j, const char *key, char *out, size_t outlen)
{
	long long t;
	if (vep_parse_iso8601(jstr(j, key), &t) == -1)
		snprintf(out, outlen, "%s", jstr(j, key));
	else
		fmt_date(t, out, outlen);
}

static void
set_money(struct tmpl_dict *d, const char *key, const json_t *j, const char *jkey, const char *cur)
{
	char a[48];
	fmt_money(jint(j, jkey), cur, a, sizeof(a));
	tmpl_set(d, key, a);
}

/* What a charge or invoice line is about, in words. */
static void
line_item(const json_t *l, char *out, size_t outlen)
{
	const char *kind = jstr(l, "kind");
	int res = rate_res_parse(jstr(l, "resource"));
	const char *label = res >= 0 ? res_labels[res] : jstr(l, "resource");

	if (strcmp(kind, "fee") == 0)
		snprintf(out, outlen, "Monthly fee, for the time active");
	else if (strcmp(kind, "usage") == 0)
		snprintf(out, outlen, "%s, included", label);
	else if (strcmp(kind, "overage") == 0)
		snprintf(out, outlen, "%s, above the included amount", label);
	else if (res == RR_AVAIL)
		/* "99.500000" % -> "99.500": the figure the self screen shows. */
		snprintf(out, outlen, "Service credit: availability %.*s %% was below the target",
		    (int)strcspn(jstr(l, "quantity"), ".") + 4, jstr(l, "quantity"));
	else
		snprintf(out, outlen, "Credit: %s", label);
}

/* One charge or invoice line into a LINE_SECTION repetition of d. */
static struct tmpl_dict *
add_line(struct tmpl_dict *d, const char *section, const json_t *l, const char *cur)
{
	struct tmpl_dict *x = tmpl_add(d, section);
	char item[128];

	line_item(l, item, sizeof(item));
	tmpl_set(x, "ITEM", item);
	tmpl_set(x, "KIND", jstr(l, "kind"));
	tmpl_set(x, "RESOURCE", jstr(l, "resource"));
	tmpl_set(x, "QUANTITY", jstr(l, "quantity"));
	tmpl_set(x, "UNIT", jstr(l, "unit"));
	set_money(x, "PRICE", l, "unit_price_minor", cur);
	set_money(x, "AMOUNT", l, "amount_minor", cur);
	return x;
}

/* The notice of a traffic cap reached this month. */
static void
cap_banner(struct tmpl_dict *d, const struct self_cap *c)
{
	struct tmpl_dict *x = tmpl_add(d, c->suspend ? "CAP_SUSPENDED" : "CAP_THROTTLED");
	char a[64];
	int res = rate_res_parse(c->resource);

	tmpl_set(x, "WHICH", res >= 0 ? res_labels[res] : c->resource);
	fmt_bytes(c->cap_bytes, a, sizeof(a));
	tmpl_set(x, "CAP", a);
	fmt_bytes(c->used_bytes, a, sizeof(a));
	tmpl_set(x, "USED", a);
	fmt_time(c->reached_at, a, sizeof(a));
	tmpl_set(x, "WHEN", a);
	fmt_kbps(c->throttle_kbps, a, sizeof(a));
	tmpl_set(x, "KBPS", a);
}

/*
 * "Availability this month: 99.952 % (target 99.9 %)" from the charges'
 * "availability" (the figure the credit line is computed from), and the
 * credit the month would earn if it ended now.
 */
static void
fill_availability(struct tmpl_dict *d, const json_t *charges, const char *cur)
{
	const json_t *a = json_object_get(charges, "availability"), *l;
	struct tmpl_dict *x;
	long long credit = 0;
	char pct[16], tgt[16], m[48];
	size_t i;

	if (!json_is_object(a))
		return;
	if (jint(a, "seen_seconds") <= 0) {
		tmpl_show(d, "AVAIL_NONE");
		return;
	}
	x = tmpl_add(d, "AVAIL");
	sla_ppm_percent((uint32_t)jint(a, "availability_ppm"), 0, pct, sizeof(pct));
	tmpl_set(x, "PERCENT", pct);
	if (!json_is_true(json_object_get(a, "always_on")))
		tmpl_show(x, "ON_DEMAND");
	else if (json_is_integer(json_object_get(a, "target_ppm"))) {
		sla_ppm_percent((uint32_t)jint(a, "target_ppm"), 1, tgt, sizeof(tgt));
		tmpl_set(tmpl_add(x, "TARGET"), "TARGET", tgt);
	} else
		tmpl_show(x, "NO_TARGET");
	json_array_foreach(json_object_get(charges, "lines"), i, l)
		if (strcmp(jstr(l, "kind"), "credit") == 0 &&
		    strcmp(jstr(l, "resource"), "availability") == 0)
			credit += jint(l, "amount_minor");
	if (credit < 0) {
		struct tmpl_dict *c = tmpl_add(x, "CREDIT");
		fmt_money(-credit, cur, m, sizeof(m));
		tmpl_set(c, "AMOUNT", m);
		tmpl_set(c, "CURRENCY", cur);
		/* basis points as a percentage: 1000 -> "10", 1250 -> "12.5", 1 -> "0.01" */
		sla_ppm_percent((uint32_t)jint(a, "credit_bp") * 100, 1, m, sizeof(m));
		tmpl_set(c, "PERCENT", m);
	}
}

/* "Charges this month" and "Invoices". */
static void
fill_billing(struct web *w, struct tmpl_dict *d, const struct selfbill *b)
{
	struct tmpl_dict *x, *y;
	const json_t *l;
	const char *cur;
	char a[64];
	size_t i;

	fmt_month(b->year, b->month, a, sizeof(a));
	tmpl_set(d, "MONTH", a);
	if (b->charges == NULL)
		tmpl_show(d, "CHARGES_NA");
	else {
		x = tmpl_add(d, "CHARGES");
		cur = jstr(b->charges, "currency");
		tmpl_set(x, "CURRENCY", cur);
		tmpl_set(x, "MONTH", a);
		fmt_time(w->now, a, sizeof(a));
		tmpl_set(x, "AS_OF", a);
		fill_availability(x, b->charges, cur);
		json_array_foreach(json_object_get(b->charges, "lines"), i, l) {
			int res = rate_res_parse(jstr(l, "resource"));
			const char *kind = jstr(l, "kind");
			/* Metered lines open on the days behind them; fee and disk have none. */
			y = add_line(x, "CLINE", l, cur);
			line_item(l, a, sizeof(a));
			if (res >= RR_CPU && (strcmp(kind, "usage") == 0 || strcmp(kind, "overage") == 0)) {
				struct tmpl_dict *k = tmpl_add(y, "LINK");
				tmpl_set(k, "PERIOD", jstr(b->charges, "period"));
				tmpl_set(k, "RESOURCE", jstr(l, "resource"));
				tmpl_set(k, "ITEM", a);
			} else
				tmpl_set(tmpl_add(y, "NOLINK"), "ITEM", a);
		}
		set_money(x, "SUBTOTAL", b->charges, "subtotal_minor", cur);
		set_money(x, "TAX", b->charges, "tax_minor", cur);
		set_money(x, "TOTAL", b->charges, "total_minor", cur);
	}
	if (b->invoices == NULL)
		tmpl_show(d, "INVOICES_NA");
	else if (json_array_size(json_object_get(b->invoices, "invoices")) == 0)
		tmpl_show(d, "NO_INVOICES");
	else {
		x = tmpl_add(d, "INVOICES");
		json_array_foreach(json_object_get(b->invoices, "invoices"), i, l) {
			cur = jstr(l, "currency");
			y = tmpl_add(x, "INV");
			tmpl_set(y, "NUMBER", jstr(l, "number"));
			tmpl_set(y, "PERIOD", jstr(l, "period"));
			jdate(l, "issued_at", a, sizeof(a));
			tmpl_set(y, "ISSUED", a);
			jdate(l, "due_at", a, sizeof(a));
			tmpl_set(y, "DUE", a);
			tmpl_set(y, "CURRENCY", cur);
			set_money(y, "TOTAL", l, "total_minor", cur);
			set_money(y, "PAID", l, "paid_minor", cur);
			set_money(y, "BALANCE", l, "balance_minor", cur);
			tmpl_set(y, "STATUS", jstr(l, "status"));
		}
	}
	/* Debit and credit notes (late usage's among them, with their reason). */
	if (b->invoices != NULL && json_array_size(json_object_get(b->invoices, "notes")) > 0) {
		x = tmpl_add(d, "NOTES");
		json_array_foreach(json_object_get(b->invoices, "notes"), i, l) {
			int debit = strcmp(jstr(l, "kind"), "debit_note") == 0;
			cur = jstr(l, "currency");
			y = tmpl_add(x, "NOTE");
			tmpl_set(y, "NUMBER", jstr(l, "number"));
			tmpl_set(y, "KIND", jstr(l, "kind"));
			tmpl_show(y, debit ? "NOTE_LINK" : "NOTE_PLAIN");
			tmpl_set(y, "KIND_LABEL", debit ? "Debit note" : "Credit note");
			tmpl_set(y, "INVOICE", jstr(l, "invoice"));
			tmpl_set(y, "PERIOD", jstr(l, "period"));
			jdate(l, "issued_at", a, sizeof(a));
			tmpl_set(y, "ISSUED", a);
			tmpl_set(y, "CURRENCY", cur);
			set_money(y, "TOTAL", l, "total_minor", cur);
			if (debit)
				tmpl_set(tmpl_add(y, "STATUS"), "VALUE", jstr(l, "status"));
			tmpl_set(y, "REASON", jstr(l, "reason"));
		}
	}
}

/*
 * The power card: the wish, and Start/Stop/Restart unless suspended or
 * expired; changed 2 + enum ve_power after an action (the notice).
 */
static void
power_buttons(struct tmpl_dict *d, const struct ve_info *v, int changed)
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

static void
render_dashboard(struct web *w, struct resp *r, int status, const struct session *s,
    const struct ve_info *v, const struct ve_usage *u, const struct selfbill *bill, int range,
    int changed, const struct pwform *pf)
{
	struct tmpl_dict *d, *x, *y;
	const struct order *o = &v->o;
	char a[256], b[256];

	r->private_page = 1;
	r->status = status;
	if ((d = page_dict(w, "My VE")) == NULL) {
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	tmpl_set(d, "VE_ID", v->ve_id);
	tmpl_set(d, "CSRF", s->csrf);
	tmpl_set(d, "STATE", v->state);
	tmpl_set(d, "PLAN", v->plan_name);
	tmpl_set(d, "TEMPLATE", v->template_name);
	fmt_time(v->expires_at, a, sizeof(a));
	tmpl_set(d, "EXPIRES", a);
	fmt_time(v->created_at, a, sizeof(a));
	tmpl_set(d, "CREATED", a);
	tmpl_show(d, strcmp(v->state, "active") == 0 ? "STATE_OK" : "STATE_BAD");
	if (changed == 1)
		tmpl_show(d, "PW_CHANGED");
	power_buttons(d, v, changed);
	if (strcmp(v->state, "suspended") == 0 || strcmp(v->state, "expired") == 0) {
		x = tmpl_add(d, "STATE_BANNER");
		tmpl_set(x, "WHAT", strcmp(v->state, "suspended") == 0 ? "Your VE is suspended" :
		    "Your VE has expired; its data will be erased");
		tmpl_set(x, "REASON", v->state_reason[0] ? v->state_reason : "no reason was given");
	} else if (v->expires_at - w->now < 7 * 86400) {
		long long left = v->expires_at - w->now;
		x = tmpl_add(d, "EXPIRY_BANNER");
		fmt_time(v->expires_at, a, sizeof(a));
		tmpl_set(x, "WHEN", a);
		if (left < 86400)
			snprintf(b, sizeof(b), "less than a day");
		else
			snprintf(b, sizeof(b), "%lld day%s", left / 86400, left / 86400 == 1 ? "" : "s");
		tmpl_set(x, "LEFT", b);
	}
	for (size_t i = 0; i < bill->ncaps; i++)
		cap_banner(d, &bill->caps[i]);

	/* Network. */
	for (size_t i = 0; i < v->nips; i++) {
		x = tmpl_add(d, "IP");
		tmpl_set_int(x, "N", (long long)i + 1);
		tmpl_set(x, "ADDRESS", v->ips[i].address);
		tmpl_set(x, "NETMASK", v->ips[i].netmask);
		tmpl_set(x, "DNS_NAME", v->ips[i].dns_name[0] ? v->ips[i].dns_name : "none");
	}
	tmpl_set(d, "GATEWAY", v->gateway);
	for (size_t i = 0; i < v->ndns_servers; i++)
		tmpl_set(tmpl_add(d, "DNS_SERVER"), "ADDRESS", v->dns_servers[i]);
	if (o->s[OF_USER_INFO] != NULL)
		tmpl_set(tmpl_add(d, "USER_INFO"), "TEXT", o->s[OF_USER_INFO]);
	else
		tmpl_show(d, "NO_USER_INFO");

	/* Usage against the order's quotas (max = cap, min = reserved). */
	if (!u->recorded)
		tmpl_show(d, "NO_USAGE");
	else {
		x = tmpl_add(d, "USAGE");
		fmt_time(u->as_of, a, sizeof(a));
		tmpl_set(x, "AS_OF", a);
		fmt_bytes(u->disk_bytes, a, sizeof(a));
		fmt_bytes(o->n[OF_DISK_QUOTA_MB] * 1000000, b, sizeof(b));
		usage_row(x, "Disk", a, b, o->n[OF_DISK_QUOTA_MB] > 0 ?
		    (double)u->disk_bytes / ((double)o->n[OF_DISK_QUOTA_MB] * 1e6) : -1, NULL);
		snprintf(a, sizeof(a), "%lld bogomips", u->cpu_bogomips);
		if (o->n[OF_CPU_MIN_BOGOMIPS] > 0)
			snprintf(b, sizeof(b), "%lld bogomips reserved", o->n[OF_CPU_MIN_BOGOMIPS]);
		else
			snprintf(b, sizeof(b), "no reserved minimum");
		{
			char note[128];
			long long ms = (u->cpu_user_us + u->cpu_sys_us) / 1000;
			snprintf(note, sizeof(note), "over the last minute; %lld.%03lld CPU-seconds used in all "
			    "(%lld.%03lld user, %lld.%03lld system)", ms / 1000, ms % 1000,
			    u->cpu_user_us / 1000000, u->cpu_user_us / 1000 % 1000,
			    u->cpu_sys_us / 1000000, u->cpu_sys_us / 1000 % 1000);
			usage_row(x, "CPU", a, b, o->n[OF_CPU_MIN_BOGOMIPS] > 0 ?
			    (double)u->cpu_bogomips / (double)o->n[OF_CPU_MIN_BOGOMIPS] : -1, note);
		}
		snprintf(a, sizeof(a), "%lld MB", u->vmem_bytes / 1000000);
		if (o->n[OF_MEM_MAX_MB] > 0)
			snprintf(b, sizeof(b), "%lld MB", o->n[OF_MEM_MAX_MB]);
		else
			snprintf(b, sizeof(b), "no limit");
		usage_row(x, "Virtual memory", a, b, o->n[OF_MEM_MAX_MB] > 0 ?
		    (double)u->vmem_bytes / ((double)o->n[OF_MEM_MAX_MB] * 1e6) : -1, NULL);
		traffic_row(x, "Traffic in", bill->month_in, u->net_in_bytes,
		    o->n[OF_NET_IN_QUOTA_MIN_MB], o->n[OF_NET_IN_QUOTA_MAX_MB]);
		traffic_row(x, "Traffic out", bill->month_out, u->net_out_bytes,
		    o->n[OF_NET_OUT_QUOTA_MIN_MB], o->n[OF_NET_OUT_QUOTA_MAX_MB]);
		traffic_row(x, "Traffic in + out", bill->month_in + bill->month_out,
		    u->net_in_bytes + u->net_out_bytes, o->n[OF_NET_QUOTA_MIN_MB],
		    o->n[OF_NET_QUOTA_MAX_MB]);

		/* History charts for one range at a time. */
		y = tmpl_add(d, "HISTORY");
		for (int i = 0; i < VR__MAX; i++) {
			struct tmpl_dict *t = tmpl_add(y, "RANGE");
			tmpl_set(t, "RANGE", range_names[i]);
			tmpl_set(t, "TEXT", range_titles[i]);
			tmpl_show(t, i == range ? "CURRENT" : "OTHER");
		}
		for (int m = 0; m < MET__MAX; m++) {
			struct tmpl_dict *c = tmpl_add(y, "CHART");
			tmpl_set(c, "METRIC", metric_names[m]);
			tmpl_set(c, "RANGE", range_names[range]);
			snprintf(a, sizeof(a), "%s, %s", metric_titles[m], range_titles[range]);
			tmpl_set(c, "ALT", a);
		}
	}

	/* Bandwidth quotas as ordered. */
	{
		static const struct { const char *label; enum order_key min, max; } bw[] = {
			{ "In and out together", OF_NET_BW_MIN_KBPS, OF_NET_BW_MAX_KBPS },
			{ "Inbound", OF_NET_IN_BW_MIN_KBPS, OF_NET_IN_BW_MAX_KBPS },
			{ "Outbound", OF_NET_OUT_BW_MIN_KBPS, OF_NET_OUT_BW_MAX_KBPS },
		};
		for (size_t i = 0; i < nitems(bw); i++) {
			x = tmpl_add(d, "BW");
			tmpl_set(x, "LABEL", bw[i].label);
			fmt_kbps(o->n[bw[i].min], a, sizeof(a));
			fmt_kbps(o->n[bw[i].max], b, sizeof(b));
			tmpl_set(x, "MIN", a);
			tmpl_set(x, "MAX", b);
		}
	}

	/* The order as placed; the options left unset share one line. */
	{
		char t[1100], unset[1024];
		size_t off = 0;
		unset[0] = '\0';
		for (size_t k = 0; k < OF__MAX; k++) {
			if (k == OF_ROOT_PASSWORD || k == OF_IDEMPOTENCY_KEY || k == OF_USER_INFO)
				continue;
			order_value_text(o, (enum order_key)k, t, sizeof(t));
			if (strcmp(t, "not set") == 0) {
				if (off < sizeof(unset))
					off += (size_t)snprintf(unset + off, sizeof(unset) - off, "%s%s",
					    off ? ", " : "", order_fields[k].label);
				continue;
			}
			x = tmpl_add(d, "ORDER");
			tmpl_set(x, "LABEL", order_fields[k].label);
			tmpl_set(x, "VALUE", k == OF_PLAN ? v->plan_name : k == OF_TEMPLATE ?
			    v->template_name : t);
		}
		if (off > 0) {
			x = tmpl_add(d, "ORDER");
			tmpl_set(x, "LABEL", "Not set");
			tmpl_set(x, "VALUE", unset);
		}
	}

	fill_billing(w, d, bill);

	/* Password change. */
	if (pf != NULL) {
		if (pf->err_old != NULL)
			tmpl_set(tmpl_add(d, "BAD_OLD"), "MSG", pf->err_old);
		if (pf->err_new != NULL)
			tmpl_set(tmpl_add(d, "BAD_NEW"), "MSG", pf->err_new);
		if (pf->err_confirm != NULL)
			tmpl_set(tmpl_add(d, "BAD_CONFIRM"), "MSG", pf->err_confirm);
		if (pf->notice != NULL)
			tmpl_set(tmpl_add(d, "PW_NOTICE"), "MSG", pf->notice);
	}
	page_render(w, r, "self/dashboard.tpl", d);
	tmpl_dict_free(d);
}

/* The dashboard of the session's VE, or the login page when the VE is gone. */
static void
show_dashboard(struct web *w, struct req *q, struct resp *r, int status, const struct session *s,
    int range, int changed, const struct pwform *pf)
{
	struct ve_info v;
	struct ve_usage u;
	struct selfbill b;
	struct db *db = w->db;
	char err[256], period[8];
	int64_t from, to;
	int rc;

	if ((rc = db_ve_get(db, s->subject, &v)) < 0) {
		web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
		return;
	}
	if (rc == 0) {
		/* Deleted meanwhile: the session goes with it. */
		session_destroy_subject(db, "self", s->subject);
		resp_cookie(r, sid_cookie(q), "", -1, q->https);
		render_login(w, q, r, 200, NULL, NULL);
		return;
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
	if (db_ve_usage(db, s->subject, w->now, &u) != DB_OK ||
	    self_caps(db, s->subject, period, b.caps, nitems(b.caps), &b.ncaps) != DB_OK ||
	    self_month_traffic(db, s->subject, from, to, &b.month_in, &b.month_out) != DB_OK)
		web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
	else
		render_dashboard(w, r, status, s, &v, &u, &b, range, changed, pf);
	json_decref(b.charges);
	json_decref(b.invoices);
	ve_info_free(&v);
}

static void
page_self(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct vals v;
	int rc;

	(void)caps;
	if ((rc = session(w, q, r, &s)) < 0)
		return;
	if (rc == 0) {
		render_login(w, q, r, 200, NULL, NULL);
		return;
	}
	read_fields(&q->query, BIT(K_RANGE) | BIT(K_CHANGED) | BIT(K_POWERED), &v);
	show_dashboard(w, q, r, 200, &s, v.range, v.s[K_POWERED] != NULL ? 2 + v.action :
	    v.s[K_CHANGED] != NULL, NULL);
}

/* 429 with Retry-After when the VE or the address had too many failures. */
static int
throttled(struct web *w, struct req *q, struct resp *r, struct db *db, const char *subject,
    void (*again)(struct web *, struct req *, struct resp *, int, const char *, const char *))
{
	long long ra;
	char s[32];
	int rc;

	rc = throttle_check(db, subject, q->remote_addr, w->now, conf_int(w->conf, "web", "fail_window_s"),
	    conf_int(w->conf, "web", "fail_per_ve"), conf_int(w->conf, "web", "fail_per_addr"), &ra);
	if (rc < 0) {
		web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
		return 1;
	}
	if (rc != THROTTLE_LOCKED)
		return 0;
	snprintf(s, sizeof(s), "%lld", ra);
	resp_header(r, "Retry-After", s);
	snprintf(s, sizeof(s), "%lld", (ra + 59) / 60);
	{
		char msg[200];
		snprintf(msg, sizeof(msg), "Too many failed logins. For your safety, logging in is "
		    "paused; please try again in %s minute%s.", s, strcmp(s, "1") == 0 ? "" : "s");
		if (again != NULL)
			again(w, q, r, 429, subject, msg);
		else
			web_error(w, r, 429, msg);
	}
	return 1;
}

static void
page_login(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct vals v;
	struct db *db;
	char hash[256] = "";
	const char *subject;
	int found = 0, rc, slot, ok;

	(void)caps;
	read_fields(&q->form, BIT(K_VE_ID) | BIT(K_PASSWORD) | BIT(K_LOGIN_TOKEN), &v);
	subject = kv_get(&q->form, "ve_id");
	/* The form's own token first: a login started elsewhere is not even judged. */
	if (!auth_form_token_ok(w->form_key, LOGIN_PURPOSE, v.s[K_LOGIN_TOKEN],
	    kv_get(&q->cookies, login_cookie(q)), w->now, conf_int(w->conf, "web", "session_idle_s"))) {
		render_login(w, q, r, 403, v.bad[K_VE_ID] == NULL ? v.ve_id : NULL,
		    "The login form had expired or did not come from this site; please log in again.");
		return;
	}
	if (v.bad[K_PASSWORD] != NULL || subject == NULL || *subject == '\0' || strlen(subject) > 64) {
		render_login(w, q, r, 400, NULL, "Enter your VEid and password.");
		return;
	}
	if ((db = web_db(w, r)) == NULL)
		return;
	/* A malformed VEid is counted like any other wrong login. */
	if (v.bad[K_VE_ID] == NULL)
		subject = v.ve_id;
	if (throttled(w, q, r, db, subject, render_login))
		return;
	if (v.bad[K_VE_ID] == NULL) {
		if ((rc = db_ve_hash(db, v.ve_id, hash, sizeof(hash))) < 0) {
			web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
			return;
		}
		found = rc == 1;
	}
	/* At most [web] max_concurrent_hashes argon2id runs at once, machine-wide. */
	if ((slot = auth_slot_enter(w->conf)) == AUTH_SLOT_BUSY) {
		resp_header(r, "Retry-After", "1");
		render_login(w, q, r, 503, subject, "Too many logins are being checked right now; please try again in a second.");
		return;
	}
	/* An unknown VE costs the same hash as a wrong password. */
	ok = auth_verify(found ? hash : auth_dummy_hash(&w->argon), v.s[K_PASSWORD]) && found;
	auth_slot_release(slot);
	if (!ok) {
		throttle_fail(db, subject, q->remote_addr, w->now);
		render_login(w, q, r, 403, subject, "The VEid or password is wrong.");
		return;
	}
	if (session_start(w, q, r, db, v.ve_id) == -1)
		return;
	resp_cookie(r, login_cookie(q), "", -1, q->https);
	log_info("self: %s logged in from %s", v.ve_id, q->remote_addr ? q->remote_addr : "?");
	resp_redirect(r, "/self");
}

/* The session and a matching CSRF field, or an answer already in r. */
static int
session_csrf(struct web *w, struct req *q, struct resp *r, struct session *s, struct vals *v)
{
	int rc;
	if ((rc = session(w, q, r, s)) < 0)
		return -1;
	if (rc == 0) {
		r->private_page = 1;
		render_login(w, q, r, 403, NULL, "Your session has ended; please log in again.");
		return -1;
	}
	if (v->s[K_CSRF] == NULL || !vep_ct_streq(v->s[K_CSRF], s->csrf)) {
		web_error(w, r, 403, "This form had expired or did not come from this site; "
		    "reload the page and try again.");
		return -1;
	}
	return 0;
}

static void
page_logout(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct vals v;

	(void)caps;
	read_fields(&q->form, BIT(K_CSRF), &v);
	if (session_csrf(w, q, r, &s, &v) == -1)
		return;
	session_destroy(w->db, kv_get(&q->cookies, sid_cookie(q)));
	resp_cookie(r, sid_cookie(q), "", -1, q->https);
	r->private_page = 1;
	resp_redirect(r, "/self");
}

/*
 * POST /self/power (action=start|stop|restart, with the session's CSRF
 * token): the owner's power action, as POST /api/v1/ves/{id}/power.
 */
static void
page_power(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct vals v;
	char to[40];
	int rc;

	(void)caps;
	read_fields(&q->form, BIT(K_CSRF) | BIT(K_ACTION), &v);
	if (session_csrf(w, q, r, &s, &v) == -1)
		return;
	r->private_page = 1;
	if (v.bad[K_ACTION] != NULL) {
		web_error(w, r, 400, "Choose Start, Stop or Restart; nothing was changed.");
		return;
	}
	rc = db_ve_power(w->db, s.subject, (enum ve_power)v.action, s.subject, w->now);
	switch (rc) {
	case VPR_OK:
		log_info("self: %s asked to %s", s.subject, ve_power_names[v.action]);
		snprintf(to, sizeof(to), "/self?powered=%s", ve_power_names[v.action]);
		resp_redirect(r, to);
		break;
	case VPR_SUSPENDED:
		web_error(w, r, 409, "Your VE is suspended or has expired, so it cannot be started, stopped "
		    "or restarted; nothing was changed.");
		break;
	case VPR_NOVE:
		web_error(w, r, 404, "This VE no longer exists.");
		break;
	default:
		web_error(w, r, 503, "The service is briefly unavailable; nothing was changed. Please try "
		    "again in a moment.");
		break;
	}
}

static void
page_password(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct vals v;
	struct pwform pf = { 0 };
	char hash[256] = "", nh[256], nc[AUTH_CRYPT_MAX];
	size_t len;
	int rc, slot = AUTH_SLOT_UNUSABLE;	/* auth_slot_release ignores it */

	(void)caps;
	read_fields(&q->form, BIT(K_CSRF) | BIT(K_OLD_PASSWORD) | BIT(K_NEW_PASSWORD) | BIT(K_CONFIRM), &v);
	if (session_csrf(w, q, r, &s, &v) == -1)
		return;
	r->private_page = 1;
	if (throttled(w, q, r, w->db, s.subject, NULL))
		return;
	pf.err_old = v.bad[K_OLD_PASSWORD] ? "Enter your current password." : NULL;
	if (v.bad[K_NEW_PASSWORD] != NULL)
		pf.err_new = "Enter a new password of 12 to 128 characters.";
	else if ((len = order_utf8_len(v.s[K_NEW_PASSWORD])) < 12 || len > 128)
		pf.err_new = "The new password must be 12 to 128 characters long.";
	if (v.bad[K_CONFIRM] != NULL)
		pf.err_confirm = "Type the new password again.";
	else if (v.s[K_NEW_PASSWORD] != NULL && strcmp(v.s[K_NEW_PASSWORD], v.s[K_CONFIRM]) != 0)
		pf.err_confirm = "The two new passwords are not the same.";
	if (pf.err_old == NULL) {
		if ((rc = db_ve_hash(w->db, s.subject, hash, sizeof(hash))) < 0) {
			web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
			return;
		}
		/*
		 * One slot of [web] max_concurrent_hashes for both hashes (the old
		 * password checked, the new one made), so a change never waits
		 * twice; busy: 503 and nothing written.
		 */
		if ((slot = auth_slot_enter(w->conf)) == AUTH_SLOT_BUSY) {
			resp_header(r, "Retry-After", "1");
			web_error(w, r, 503, "Too many passwords are being checked right now; nothing was "
			    "changed. Please try again in a second.");
			return;
		}
		if (!(rc == 1 && auth_verify(hash, v.s[K_OLD_PASSWORD]))) {
			throttle_fail(w->db, s.subject, q->remote_addr, w->now);
			pf.err_old = "The current password is wrong.";
		}
	}
	if (pf.err_old != NULL || pf.err_new != NULL || pf.err_confirm != NULL) {
		auth_slot_release(slot);
		show_dashboard(w, q, r, 400, &s, VR_HOUR, 0, &pf);
		return;
	}
	/* Hash first, then write: no transaction waits on argon2id. */
	rc = auth_hash(&w->argon, v.s[K_NEW_PASSWORD], nh, sizeof(nh));
	/* And the node's crypt(3) hash: the VE's root password follows within 10 s. */
	if (rc == 0)
		rc = auth_crypt(v.s[K_NEW_PASSWORD], nc);
	auth_slot_release(slot);
	if (rc == -1 || db_ve_set_hash(w->db, s.subject, nh, nc, w->now) != DB_OK) {
		explicit_bzero(nh, sizeof(nh));
		explicit_bzero(nc, sizeof(nc));
		web_error(w, r, 503, "The password could not be changed; please try again in a moment.");
		return;
	}
	explicit_bzero(nh, sizeof(nh));
	explicit_bzero(nc, sizeof(nc));
	/* Every other session of this VE ends; this browser gets a fresh one. */
	session_destroy_subject(w->db, "self", s.subject);
	if (session_start(w, q, r, w->db, s.subject) == -1)
		return;
	log_info("self: %s changed its password", s.subject);
	r->private_page = 1;
	resp_redirect(r, "/self?changed=1");
}

/* ---- charges and invoices ------------------------------------------------------------ */

/*
 * The session's VE for a billing page: 1 (s and vi filled; free vi with
 * ve_info_free), 0 with an answer already in r.
 */
static int
billing_session(struct web *w, struct req *q, struct resp *r, struct session *s,
    struct ve_info *vi)
{
	int rc;

	if ((rc = session(w, q, r, s)) < 0)
		return 0;
	if (rc == 0) {
		render_login(w, q, r, 403, NULL, "Log in to see your charges and invoices.");
		return 0;
	}
	r->private_page = 1;
	if ((rc = db_ve_get(w->db, s->subject, vi)) <= 0) {
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

/*
 * GET /self/charges?period=YYYY-MM&resource=R[&day=YYYY-MM-DD]: the lines
 * of one metered resource, the days they were rated from and, for one
 * day, its hours -- the API's explain=1 data, whose raw amounts add up to
 * each line's quantity.
 */
static void
page_charges(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct ve_info vi;
	struct vals v;
	struct tmpl_dict *d = NULL, *x, *y, *z;
	json_t *j = NULL, *l, *e, *day, *h;
	const char *cur, *rname;
	char err[256] = "", a[128], b[64], title[160];
	size_t i, k, m, nentries = 0;
	int rc, found_day = 0;

	(void)caps;
	if (!billing_session(w, q, r, &s, &vi))
		return;
	if (read_fields(&q->query, BIT(K_PERIOD) | BIT(K_RESOURCE) | BIT(K_DAY), &v) > 0) {
		web_error(w, r, 400, "Ask for period=YYYY-MM, resource=cpu|vmem|traffic|traffic_in|"
		    "traffic_out and optionally day=YYYY-MM-DD.");
		goto out;
	}
	j = db_charges_json(w->db, s.subject, v.year, v.month, w->now, 1, &rc, err, sizeof(err));
	if (j == NULL) {
		web_error(w, r, rc == BILLING_EINPUT ? 404 : rc == BILLING_ENOENT ? 404 : 503,
		    rc == BILLING_EINPUT ? "That month has not started yet." :
		    rc == BILLING_ENOENT ? "There is no such VE." :
		    "The charges cannot be shown right now; please try again later.");
		goto out;
	}
	if (v.s[K_DAY] != NULL) {
		int64_t from, to;
		rate_month_bounds(v.year, v.month, &from, &to);
		if (v.day < from || v.day >= to) {
			web_error(w, r, 404, "That day is not in this month.");
			goto out;
		}
	}
	rname = rate_res_name(v.res);
	cur = jstr(j, "currency");
	fmt_month(v.year, v.month, b, sizeof(b));
	snprintf(title, sizeof(title), "%s, %s", res_labels[v.res], b);
	if ((d = page_dict(w, title)) == NULL) {
		web_error(w, r, 500, "Out of memory.");
		goto out;
	}
	tmpl_set(d, "VE_ID", vi.ve_id);
	tmpl_set(d, "HEADING", title);
	tmpl_set(d, "MONTH", b);
	tmpl_set(d, "PERIOD", jstr(j, "period"));
	tmpl_set(d, "RESOURCE", rname);
	tmpl_set(d, "CURRENCY", cur);
	fmt_time(w->now, a, sizeof(a));
	tmpl_set(d, "AS_OF", a);
	json_array_foreach(json_object_get(j, "lines"), i, l)
		if (strcmp(jstr(l, "resource"), rname) == 0 && strcmp(jstr(l, "kind"), "credit") != 0)
			add_line(d, "LINE", l, cur);
	json_array_foreach(json_object_get(json_object_get(j, "explain"), "usage"), i, e) {
		long long total = jint(e, "raw");
		if (strcmp(jstr(e, "resource"), rname) != 0)
			continue;
		nentries++;
		x = tmpl_add(d, "ENTRY");
		tmpl_set_int(x, "N", (long long)nentries);
		jdate(e, "valid_from", a, sizeof(a));
		tmpl_set(x, "VALID_FROM", a);
		fmt_raw(v.res, total, a, sizeof(a));
		tmpl_set(x, "TOTAL_RAW", a);
		tmpl_set(x, "TOTAL_QTY", jstr(e, "quantity"));
		tmpl_set(x, "UNIT", jstr(e, "unit"));
		if (json_array_size(json_object_get(e, "days")) == 0)
			tmpl_show(x, "NO_DAYS");
		json_array_foreach(json_object_get(e, "days"), k, day) {
			long long t = 0;
			y = tmpl_add(x, "DAY");
			tmpl_set(y, "DAY", jstr(day, "day"));
			vep_parse_iso8601(jstr(day, "day"), &t);
			fmt_date(t, a, sizeof(a));
			tmpl_set(y, "DAY_TEXT", a);
			tmpl_set(y, "PERIOD", jstr(j, "period"));
			tmpl_set(y, "RESOURCE", rname);
			fmt_raw(v.res, jint(day, "raw"), a, sizeof(a));
			tmpl_set(y, "RAW", a);
			fmt_qty(v.res, jint(day, "raw"), a, sizeof(a));
			tmpl_set(y, "QTY", a);
			tmpl_set(y, "UNIT", jstr(e, "unit"));
			if (strcmp(jstr(day, "source"), "hours") == 0)
				tmpl_show(y, "SPLIT");
			if (v.s[K_DAY] == NULL || t != v.day) {
				tmpl_show(y, "OTHER");
				continue;
			}
			/* The chosen day: its hours. */
			found_day = 1;
			tmpl_show(y, "CURRENT");
			z = tmpl_add(d, "HOURS");
			fmt_date(t, a, sizeof(a));
			tmpl_set(z, "DAY_TEXT", a);
			tmpl_set(z, "UNIT", jstr(e, "unit"));
			if (nentries > 1 || json_array_size(json_object_get(json_object_get(j,
			    "explain"), "segments")) > 1) {
				jdate(e, "valid_from", a, sizeof(a));
				tmpl_set(tmpl_add(z, "PRICE_FROM"), "DATE", a);
			}
			fmt_raw(v.res, jint(day, "raw"), a, sizeof(a));
			tmpl_set(z, "TOTAL_RAW", a);
			fmt_qty(v.res, jint(day, "raw"), a, sizeof(a));
			tmpl_set(z, "TOTAL_QTY", a);
			if (json_array_size(json_object_get(day, "hours")) == 0)
				tmpl_show(z, "NO_HOURS");
			json_array_foreach(json_object_get(day, "hours"), m, h) {
				long long ht = 0;
				struct tmpl_dict *hd = tmpl_add(z, "HOUR");
				vep_parse_iso8601(jstr(h, "t"), &ht);
				snprintf(a, sizeof(a), "%02lld:00–%02lld:00", ht / 3600 % 24,
				    (ht / 3600 + 1) % 24);
				tmpl_set(hd, "HOUR", a);
				fmt_raw(v.res, jint(h, "raw"), a, sizeof(a));
				tmpl_set(hd, "RAW", a);
				fmt_qty(v.res, jint(h, "raw"), a, sizeof(a));
				tmpl_set(hd, "QTY", a);
			}
		}
	}
	if (nentries == 0) {
		tmpl_dict_free(d);
		d = NULL;
		snprintf(a, sizeof(a), "Your plan does not charge for %s, so there is nothing to show.",
		    res_labels[v.res]);
		web_error(w, r, 404, a);
		goto out;
	}
	if (nentries > 1)
		tmpl_show(d, "VERSIONS");
	if (v.s[K_DAY] != NULL && !found_day) {
		fmt_date(v.day, a, sizeof(a));
		tmpl_set(tmpl_add(d, "DAY_EMPTY"), "DAY_TEXT", a);
	}
	r->status = 200;
	page_render(w, r, "self/charges.tpl", d);
out:
	tmpl_dict_free(d);
	json_decref(j);
	ve_info_free(&vi);
}

/* The payments of an invoice or debit note into PAYMENTS. */
static void
fill_payments(struct tmpl_dict *d, const json_t *j, const char *cur)
{
	struct tmpl_dict *x = NULL, *y;
	const json_t *e;
	char a[64];
	size_t i;

	if (json_array_size(json_object_get(j, "payments")) > 0)
		x = tmpl_add(d, "PAYMENTS");
	json_array_foreach(json_object_get(j, "payments"), i, e) {
		long long t = 0;
		y = tmpl_add(x, "PAYMENT");
		vep_parse_iso8601(jstr(e, "date"), &t);
		fmt_date(t, a, sizeof(a));
		tmpl_set(y, "DATE", a);
		tmpl_set(y, "REFERENCE", jstr(e, "reference"));
		set_money(y, "AMOUNT", e, "amount_minor", cur);
	}
}

/* One line of a late note: the quantity billed before, rated now, and the amount. */
static void
add_diff(struct tmpl_dict *d, const char *section, const json_t *l, const char *cur)
{
	struct tmpl_dict *x = tmpl_add(d, section);
	int res = rate_res_parse(jstr(l, "resource"));
	const char *dq = jstr(l, "quantity_delta");
	char a[64];

	tmpl_set(x, "VE_ID", jstr(l, "ve_id"));
	tmpl_set(x, "RESOURCE", jstr(l, "resource"));
	tmpl_set(x, "ITEM", res >= 0 ? res_labels[res] : jstr(l, "resource"));
	tmpl_set(x, "UNIT", jstr(l, "unit"));
	tmpl_set(x, "BEFORE", jstr(l, "quantity_before"));
	tmpl_set(x, "AFTER", jstr(l, "quantity_after"));
	snprintf(a, sizeof(a), "%s%s", dq[0] != '-' && dq[0] != '\0' ? "+" : "", dq);
	tmpl_set(x, "DELTA", a);
	set_money(x, "AMOUNT", l, "amount_minor", cur);
}

/* A debit note (j as db_docs_dn_json gives it) as a print-ready page. */
static void
render_debit_note(struct web *w, struct resp *r, struct tmpl_dict *d, const json_t *j,
    const struct ve_info *vi)
{
	const char *cur = jstr(j, "currency");
	const json_t *l;
	char a[64];
	size_t i;
	int y4, m2;

	tmpl_set(d, "ISP_NAME", conf_str(w->conf, "isp", "name"));
	tmpl_set(d, "ISP_ADDRESS", conf_str(w->conf, "isp", "address"));
	if (conf_str(w->conf, "isp", "vat_id")[0] != '\0')
		tmpl_set(tmpl_add(d, "VAT_ID"), "ID", conf_str(w->conf, "isp", "vat_id"));
	tmpl_set(d, "EMAIL", vi->o.s[OF_EMAIL] != NULL ? vi->o.s[OF_EMAIL] : "");
	tmpl_set(d, "VE_ID", vi->ve_id);
	tmpl_set(d, "NUMBER", jstr(j, "number"));
	tmpl_set(d, "INVOICE", jstr(j, "invoice"));
	tmpl_set(d, "PERIOD", jstr(j, "period"));
	if (rate_period_parse(jstr(j, "period"), &y4, &m2) == 0) {
		fmt_month(y4, m2, a, sizeof(a));
		tmpl_set(d, "MONTH", a);
	}
	tmpl_set(d, "REASON", jstr(j, "reason"));
	jdate(j, "issued_at", a, sizeof(a));
	tmpl_set(d, "ISSUED", a);
	jdate(j, "due_at", a, sizeof(a));
	tmpl_set(d, "DUE", a);
	tmpl_set(d, "STATUS", jstr(j, "status"));
	tmpl_set(d, "CURRENCY", cur);
	json_array_foreach(json_object_get(j, "lines"), i, l)
		add_diff(d, "LINE", l, cur);
	set_money(d, "SUBTOTAL", j, "subtotal_minor", cur);
	{
		long long bp = jint(j, "tax_bp");
		snprintf(a, sizeof(a), "%lld.%02lld %%", bp / 100, bp % 100);
		tmpl_set(d, "TAX_RATE", a);
	}
	set_money(d, "TAX", j, "tax_minor", cur);
	set_money(d, "TOTAL", j, "total_minor", cur);
	set_money(d, "PAID", j, "paid_minor", cur);
	set_money(d, "BALANCE", j, "balance_minor", cur);
	fill_payments(d, j, cur);
	r->status = 200;
	page_render(w, r, "self/note.tpl", d);
}

/* An invoice or credit note number as the engine writes them: [A-Z0-9-], 1..24. */
static int
number_valid(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n < 25 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

/*
 * GET /self/invoices/{number}: one invoice of the owner's account as a
 * print-ready page.  Another account's invoice is 404, exactly like one
 * that does not exist.
 */
static void
page_invoice(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct ve_info vi;
	struct tmpl_dict *d = NULL, *x = NULL, *y;
	json_t *j = NULL, *e, *l;
	const char *cur;
	char a[128], b[64];
	size_t i, k;
	int rc, y4, m2;

	if (!billing_session(w, q, r, &s, &vi))
		return;
	if (!number_valid(caps[0])) {
		web_error(w, r, 404, "There is no such invoice.");
		goto out;
	}
	if ((j = db_docs_invoice_json(w->db, caps[0], s.subject, w->now, &rc)) == NULL) {
		web_error(w, r, rc == BILLING_ENOENT ? 404 : 503, rc == BILLING_ENOENT ?
		    "There is no such invoice." : "The invoice cannot be shown right now; "
		    "please try again later.");
		goto out;
	}
	if ((d = tmpl_dict_new()) == NULL) {
		web_error(w, r, 500, "Out of memory.");
		goto out;
	}
	if (strcmp(jstr(j, "kind"), "debit_note") == 0) {
		render_debit_note(w, r, d, j, &vi);
		goto out;
	}
	cur = jstr(j, "currency");
	tmpl_set(d, "ISP_NAME", conf_str(w->conf, "isp", "name"));
	tmpl_set(d, "ISP_ADDRESS", conf_str(w->conf, "isp", "address"));
	if (conf_str(w->conf, "isp", "vat_id")[0] != '\0')
		tmpl_set(tmpl_add(d, "VAT_ID"), "ID", conf_str(w->conf, "isp", "vat_id"));
	tmpl_set(d, "EMAIL", vi.o.s[OF_EMAIL] != NULL ? vi.o.s[OF_EMAIL] : "");
	tmpl_set(d, "VE_ID", vi.ve_id);
	tmpl_set(d, "NUMBER", jstr(j, "number"));
	tmpl_set(d, "PERIOD", jstr(j, "period"));
	if (rate_period_parse(jstr(j, "period"), &y4, &m2) == 0) {
		fmt_month(y4, m2, b, sizeof(b));
		tmpl_set(d, "MONTH", b);
	}
	jdate(j, "issued_at", a, sizeof(a));
	tmpl_set(d, "ISSUED", a);
	jdate(j, "due_at", a, sizeof(a));
	tmpl_set(d, "DUE", a);
	tmpl_set(d, "STATUS", jstr(j, "status"));
	tmpl_set(d, "CURRENCY", cur);
	json_array_foreach(json_object_get(j, "lines"), i, l)
		tmpl_set(add_line(d, "LINE", l, cur), "VE_ID", jstr(l, "ve_id"));
	set_money(d, "SUBTOTAL", j, "subtotal_minor", cur);
	{
		long long bp = jint(j, "tax_bp");
		snprintf(a, sizeof(a), "%lld.%02lld %%", bp / 100, bp % 100);
		tmpl_set(d, "TAX_RATE", a);
	}
	set_money(d, "TAX", j, "tax_minor", cur);
	set_money(d, "TOTAL", j, "total_minor", cur);
	set_money(d, "CREDITED", j, "credited_minor", cur);
	set_money(d, "PAID", j, "paid_minor", cur);
	set_money(d, "BALANCE", j, "balance_minor", cur);
	if (json_array_size(json_object_get(j, "credit_notes")) > 0)
		x = tmpl_add(d, "CREDITS");
	json_array_foreach(json_object_get(j, "credit_notes"), i, e) {
		y = tmpl_add(x, "CN");
		tmpl_set(y, "NUMBER", jstr(e, "number"));
		tmpl_set(y, "REASON", jstr(e, "reason"));
		jdate(e, "issued_at", a, sizeof(a));
		tmpl_set(y, "ISSUED", a);
		set_money(y, "TOTAL", e, "total_minor", cur);
		json_array_foreach(json_object_get(e, "lines"), k, l) {
			struct tmpl_dict *c = tmpl_add(y, "CN_LINE");
			int res = rate_res_parse(jstr(l, "resource"));
			const char *ve = json_string_value(json_object_get(l, "ve_id"));
			tmpl_set(c, "VE_ID", ve != NULL ? ve : "");
			tmpl_set(c, "ITEM", res >= 0 ? res_labels[res] : jstr(l, "resource"));
			tmpl_set(c, "DESCRIPTION", jstr(l, "description"));
			set_money(c, "AMOUNT", l, "amount_minor", cur);
		}
	}
	fill_payments(d, j, cur);
	/* Debit notes for usage that came after this invoice (db_late.h). */
	if (json_array_size(json_object_get(j, "debit_notes")) > 0)
		x = tmpl_add(d, "DEBITS");
	json_array_foreach(json_object_get(j, "debit_notes"), i, e) {
		y = tmpl_add(x, "DN");
		tmpl_set(y, "NUMBER", jstr(e, "number"));
		tmpl_set(y, "REASON", jstr(e, "reason"));
		jdate(e, "issued_at", a, sizeof(a));
		tmpl_set(y, "ISSUED", a);
		tmpl_set(y, "STATUS", jstr(e, "status"));
		set_money(y, "TOTAL", e, "total_minor", cur);
		json_array_foreach(json_object_get(e, "lines"), k, l)
			add_diff(y, "DN_LINE", l, cur);
	}
	r->status = 200;
	page_render(w, r, "self/invoice.tpl", d);
out:
	tmpl_dict_free(d);
	json_decref(j);
	ve_info_free(&vi);
}

/* ---- charts ------------------------------------------------------------------------- */

static void
page_chart(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct ve_point pts[64];
	struct session s;
	struct vals v;
	struct ve_info vi;
	struct svg_series ser[2];
	struct svg_chart c;
	double a[64], b[64];
	long long step, from, to, bogo;
	size_t n = 0, nb;
	char title[128], unit[64];
	int rc;

	(void)caps;
	if ((rc = session(w, q, r, &s)) < 0)
		return;
	if (rc == 0) {
		web_error(w, r, 403, "Log in to see your VE's charts.");
		return;
	}
	if (read_fields(&q->query, BIT(K_METRIC) | BIT(K_RANGE), &v) > 0) {
		web_error(w, r, 400, "Ask for metric=cpu|vmem|disk|net and range=hour|day|month.");
		return;
	}
	if ((rc = db_ve_get(w->db, s.subject, &vi)) <= 0) {
		web_error(w, r, rc < 0 ? 503 : 404, rc < 0 ? "The service is briefly unavailable." :
		    "There is no such VE.");
		return;
	}
	step = range_step[v.range];
	nb = range_n[v.range];
	to = w->now - w->now % step + step;	/* the current, partial bucket included */
	from = to - (long long)nb * step;
	if (db_ve_series(w->db, s.subject, (enum ve_range)v.range, from, to, pts, nitems(pts), &n) != DB_OK) {
		ve_info_free(&vi);
		web_error(w, r, 503, "The service is briefly unavailable.");
		return;
	}
	bogo = vi.bogomips_per_cpu;
	for (size_t i = 0; i < nb; i++)
		a[i] = b[i] = NAN;	/* nothing recorded: a gap, never a made-up zero */
	for (size_t i = 0; i < n; i++) {
		size_t j = (size_t)((pts[i].t - from) / step);
		if (pts[i].t < from || j >= nb)
			continue;
		switch (v.metric) {
		case MET_CPU:
			a[j] = (double)pts[i].cpu_us * (double)bogo / ((double)step * 1e6);
			break;
		case MET_VMEM:
			a[j] = pts[i].samples > 0 ? (double)pts[i].vmem_sum / (double)pts[i].samples : NAN;
			break;
		case MET_DISK:
			a[j] = pts[i].samples > 0 ? (double)pts[i].disk_sum / (double)pts[i].samples : NAN;
			break;
		case MET_NET:
			a[j] = (double)pts[i].net_in;
			b[j] = (double)pts[i].net_out;
			break;
		}
	}
	memset(&c, 0, sizeof(c));
	snprintf(title, sizeof(title), "%s of VE %s, %s", metric_titles[v.metric], vi.ve_id,
	    range_titles[v.range]);
	c.title = title;
	c.t0 = from;
	c.step = step;
	c.n = nb;
	c.series = ser;
	c.nseries = 1;
	c.tfmt = v.range == VR_MONTH ? SVG_DAY : SVG_HHMM;
	ser[0].v = a;
	ser[1].v = b;
	switch (v.metric) {
	case MET_CPU:
		ser[0] = (struct svg_series){ "CPU (average)", "#2563eb", a };
		c.unit = "bogomips";
		c.limit = (double)vi.o.n[OF_CPU_MIN_BOGOMIPS];
		c.limit_label = "reserved";
		break;
	case MET_VMEM:
		ser[0] = (struct svg_series){ "memory (average)", "#7c3aed", a };
		c.unit = "bytes";
		c.limit = (double)vi.o.n[OF_MEM_MAX_MB] * 1e6;
		c.limit_label = "limit";
		break;
	case MET_DISK:
		ser[0] = (struct svg_series){ "disk (average)", "#059669", a };
		c.unit = "bytes";
		c.limit = (double)vi.o.n[OF_DISK_QUOTA_MB] * 1e6;
		c.limit_label = "quota";
		break;
	case MET_NET:
		ser[0] = (struct svg_series){ "in", "#2563eb", a };
		ser[1] = (struct svg_series){ "out", "#d97706", b };
		c.nseries = 2;
		snprintf(unit, sizeof(unit), "bytes per %s", v.range == VR_HOUR ? "minute" :
		    v.range == VR_DAY ? "hour" : "day");
		c.unit = unit;
		break;
	}
	r->private_page = 1;
	r->ctype = "image/svg+xml";
	buf_reset(&r->body);
	if (svg_chart(&r->body, &c) == -1)
		web_error(w, r, 500, "Out of memory.");
	ve_info_free(&vi);
}

int
main(int argc, char **argv)
{
	return web_main(argc, argv, "vep-self", pages, nitems(pages), NULL);
}
