/*
 * vep-admin: the ISP's screens.  An operator logs in with a name and
 * password (table admins, argon2id, `vepctl admin set`) and gets a session
 * of its own (cookie vep_admin, __Host-vep_admin over HTTPS), made anew at
 * every login and ended by logout or the idle and absolute timeouts.
 * Every state-changing form carries the session's CSRF token; the login
 * form carries a token of its own tied to a short cookie, so a login cannot
 * be forged from another site either.  Failed logins are throttled per
 * operator ("admin:NAME") and per client address.
 *
 * The pages and the fields are tables (pages[] and fields[] below); a
 * handler sees only fields that passed their validator.  Every change goes
 * through lib/db/db_admin.c (or billing's lib/db/db_*.c), which writes the
 * audit row in the change's own transaction.  Pages are plain HTML with no
 * script; charts are SVG images drawn here (GET /admin/chart/...), and
 * reports can be downloaded as CSV built from the very rows the page shows.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "conf.h"
#include "db.h"
#include "db_admin.h"
#include "db_report.h"
#include "db_bill.h"
#include "db_docs.h"
#include "db_invoice_run.h"
#include "db_late.h"
#include "db_payments.h"
#include "db_ve.h"
#include "log.h"
#include "money.h"
#include "order.h"
#include "page.h"
#include "rating.h"
#include "svg.h"
#include "tmpl.h"
#include "web.h"

#define PAGE_ROWS	50
#define AUDIT_ROWS	100

#define PAGE_FN(f)	static void f(struct web *, struct req *, struct resp *, char [][80])
PAGE_FN(page_home);
PAGE_FN(page_login_form);
PAGE_FN(page_login);
PAGE_FN(page_logout);
PAGE_FN(page_ves);
PAGE_FN(page_ve);
PAGE_FN(page_ve_suspend);
PAGE_FN(page_ve_resume);
PAGE_FN(page_ve_power);
static void	power_buttons(struct tmpl_dict *);
PAGE_FN(page_ve_move);
PAGE_FN(page_ve_delete);
PAGE_FN(page_nodes);
PAGE_FN(page_node_add);
PAGE_FN(page_node_enable);
PAGE_FN(page_node_disable);
PAGE_FN(page_node_delete);
PAGE_FN(page_plans);
PAGE_FN(page_plan_import);
PAGE_FN(page_invoices);
PAGE_FN(page_invoice);
PAGE_FN(page_invoice_print);
PAGE_FN(page_invoice_run);
PAGE_FN(page_invoice_payment);
PAGE_FN(page_credit_note);
PAGE_FN(page_credit_notes);
PAGE_FN(page_debit_notes);
PAGE_FN(page_debit_note);
PAGE_FN(page_debit_note_payment);
PAGE_FN(page_payments);
PAGE_FN(page_payment_add);
PAGE_FN(page_reports);
PAGE_FN(page_report);
PAGE_FN(page_chart_report);
PAGE_FN(page_chart_ve);
PAGE_FN(page_audit);

static const struct page pages[] = {
	{ "/admin", M_GET, page_home },
	{ "/admin/login", M_GET, page_login_form },
	{ "/admin/login", M_POST, page_login },
	{ "/admin/logout", M_POST, page_logout },
	{ "/admin/ves", M_GET, page_ves },
	{ "/admin/ves/*", M_GET, page_ve },
	{ "/admin/ves/*/suspend", M_POST, page_ve_suspend },
	{ "/admin/ves/*/resume", M_POST, page_ve_resume },
	{ "/admin/ves/*/power", M_POST, page_ve_power },
	{ "/admin/ves/*/move", M_POST, page_ve_move },
	{ "/admin/ves/*/delete", M_POST, page_ve_delete },
	{ "/admin/nodes", M_GET, page_nodes },
	{ "/admin/nodes", M_POST, page_node_add },
	{ "/admin/nodes/*/enable", M_POST, page_node_enable },
	{ "/admin/nodes/*/disable", M_POST, page_node_disable },
	{ "/admin/nodes/*/delete", M_POST, page_node_delete },
	{ "/admin/plans", M_GET, page_plans },
	{ "/admin/plans", M_POST, page_plan_import },
	{ "/admin/invoices", M_GET, page_invoices },
	{ "/admin/invoices/*", M_GET, page_invoice },
	{ "/admin/invoices/*/print", M_GET, page_invoice_print },
	{ "/admin/invoices/*/payments", M_POST, page_invoice_payment },
	{ "/admin/invoices/*/credit-notes", M_POST, page_credit_note },
	{ "/admin/invoice-runs", M_POST, page_invoice_run },
	{ "/admin/credit-notes", M_GET, page_credit_notes },
	{ "/admin/debit-notes", M_GET, page_debit_notes },
	{ "/admin/debit-notes/*", M_GET, page_debit_note },
	{ "/admin/debit-notes/*/payments", M_POST, page_debit_note_payment },
	{ "/admin/payments", M_GET, page_payments },
	{ "/admin/payments", M_POST, page_payment_add },
	{ "/admin/reports", M_GET, page_reports },
	{ "/admin/reports/*", M_GET, page_report },
	{ "/admin/chart/report", M_GET, page_chart_report },
	{ "/admin/chart/ve", M_GET, page_chart_ve },
	{ "/admin/audit", M_GET, page_audit },
};

/* ---- fields ------------------------------------------------------------------------- */

/* Every field any page reads, with its validator; handlers see only struct vals. */
enum key {
	K_NAME, K_PASSWORD, K_CSRF, K_LOGIN_TOKEN, K_Q, K_STATE, K_PAGE, K_NODE, K_URL,
	K_REASON, K_CONFIRM, K_PLAN, K_VALID_FROM, K_INVOICE, K_AMOUNT, K_DATE, K_REFERENCE,
	K_PERIOD, K_FROM, K_TO, K_RESOURCE, K_VE, K_DESCRIPTION, K_STATUS, K_FORMAT,
	K_METRIC, K_RANGE, K_REPORT, K_DONE, K_OBJECT, K_ACTION, K__MAX
};

struct vals {
	const char	*s[K__MAX];	/* accepted values, borrowed from the request */
	const char	*raw[K__MAX];	/* as sent, for showing a form again */
	long long	 n[K__MAX];	/* integers, enums, dates */
	const char	*bad[K__MAX];	/* why a field was refused */
};

typedef const char *(*validator)(const char *, struct vals *, enum key);

static const char *const ve_states[] = { "active", "suspended", "expired", "deleted" };
static const char *const inv_status[] = { "all", "unpaid", "overdue", "paid" };
static const char *const metric_names[] = { "cpu", "vmem", "disk", "net" };
static const char *const range_names[] = { "hour", "day", "month" };

/* Notices after a change (Post/Redirect/Get: ?done=KEY). */
static const struct {
	const char	*key, *text;
} notices[] = {
	{ "suspended", "The VE is suspended." },
	{ "resumed", "The VE is active again." },
	{ "start", "The VE will be started within 30 seconds." },
	{ "stop", "The VE will be stopped within 30 seconds." },
	{ "restart", "The VE will be restarted within 30 seconds." },
	{ "moved", "The VE was moved." },
	{ "deleted", "The VE is deleted and its addresses are free again." },
	{ "unchanged", "Nothing needed to change." },
	{ "enabled", "The node is enabled." },
	{ "disabled", "The node is disabled: no new VEs are placed on it." },
	{ "removed", "The node was removed." },
	{ "imported", "The plan was imported." },
	{ "paid", "The payment was recorded." },
	{ "credited", "The credit note was issued." },
	{ "run", "The invoice run has finished; usage that came after its month was invoiced got its debit or credit note." },
	{ "logout", "You have logged out." },
};

static const char *
v_enum(const char *s, struct vals *v, enum key k, const char *const *set, size_t n, const char *why)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, set[i]) == 0) {
			v->n[k] = (long long)i;
			return NULL;
		}
	return why;
}

static const char *
v_name(const char *s, struct vals *v, enum key k)
{
	(void)v; (void)k;
	return admin_name_valid(s) ? NULL : "A name is 1 to 64 letters, digits, '.', '_', '@' or '-'.";
}

static const char *
v_secret(const char *s, struct vals *v, enum key k)
{
	(void)v; (void)k;
	return strlen(s) > 1024 ? "This is far too long for a password." : NULL;
}

static const char *
v_token(const char *s, struct vals *v, enum key k)
{
	(void)v; (void)k;
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64 ? NULL :
	    "The form is not valid; reload the page.";
}

static const char *
v_search(const char *s, struct vals *v, enum key k)
{
	(void)v; (void)k;
	return admin_text_valid(s, 254, 0) ? NULL : "Search for at most 254 printable characters.";
}

static const char *
v_state(const char *s, struct vals *v, enum key k)
{
	return v_enum(s, v, k, ve_states, nitems(ve_states),
	    "The state is active, suspended, expired or deleted.");
}

static const char *
v_page(const char *s, struct vals *v, enum key k)
{
	const char *es;
	v->n[k] = vep_strtonum(s, 1, 1000000, &es);
	return es != NULL ? "A page is a whole number from 1." : NULL;
}

static const char *
v_node(const char *s, struct vals *v, enum key k)
{
	(void)v; (void)k;
	return admin_node_name_valid(s) ? NULL :
	    "A node name is 1 to 64 lower-case letters, digits, '-', '_' or '.'.";
}

static const char *
v_url(const char *s, struct vals *v, enum key k)
{
	(void)v; (void)k;
	return admin_url_valid(s) ? NULL :
	    "The agent's metrics URL, such as http://10.0.0.5:9101/metrics (http:// or https://).";
}

static const char *
v_line(const char *s, struct vals *v, enum key k)
{
	(void)v; (void)k;
	return admin_text_valid(s, 255, 0) ? NULL : "At most 255 characters on one line.";
}

static const char *
v_reference(const char *s, struct vals *v, enum key k)
{
	(void)v; (void)k;
	return admin_text_valid(s, 128, 0) ? NULL : "At most 128 characters on one line.";
}

static const char *
v_confirm(const char *s, struct vals *v, enum key k)
{
	(void)v; (void)k;
	return strcmp(s, "yes") == 0 ? NULL : "Tick the box to confirm.";
}

static const char *
v_plan(const char *s, struct vals *v, enum key k)
{
	(void)v; (void)k;
	return admin_text_valid(s, 60000, 1) ? NULL : "Paste the plan as JSON (at most 60000 characters).";
}

static const char *
v_date(const char *s, struct vals *v, enum key k)
{
	return admin_date_parse(s, &v->n[k]) == 0 ? NULL :
	    "A date that exists, written YYYY-MM-DD, such as 2026-01-31.";
}

static const char *
v_invoice(const char *s, struct vals *v, enum key k)
{
	(void)v; (void)k;
	return admin_invoice_number_valid(s, "INV") ? NULL :
	    "An invoice number such as INV-2026-000001.";
}

static const char *
v_amount(const char *s, struct vals *v, enum key k)
{
	size_t n = strlen(s), i = s[0] == '-';
	(void)v; (void)k;
	/* The exact parse needs the invoice's currency: money_parse in the handler. */
	if (n > 24 || i == n || strspn(s + i, "0123456789.") != n - i || strchr(s + i, '.') !=
	    strrchr(s + i, '.'))
		return "An amount such as 12.34 (a point before the cents, no thousands separators).";
	return NULL;
}

static const char *
v_period(const char *s, struct vals *v, enum key k)
{
	int y, m;
	if (rate_period_parse(s, &y, &m) == -1)
		return "A month written YYYY-MM, such as 2026-01.";
	v->n[k] = y * 100 + m;
	return NULL;
}

static const char *
v_resource(const char *s, struct vals *v, enum key k)
{
	int x = rate_res_parse(s);
	if (x < 0)
		return "One of fee, disk, cpu, vmem, traffic, traffic_in, traffic_out, availability.";
	v->n[k] = x;
	return NULL;
}

static const char *
v_ve(const char *s, struct vals *v, enum key k)
{
	(void)v; (void)k;
	return strlen(s) == 8 && strspn(s, "0123456789ABCDEF") == 8 ? NULL :
	    "A VEid is 8 upper-case hexadecimal digits, such as 0000002A.";
}

static const char *
v_status(const char *s, struct vals *v, enum key k)
{
	return v_enum(s, v, k, inv_status, nitems(inv_status), "all, unpaid, overdue or paid.");
}

static const char *
v_format(const char *s, struct vals *v, enum key k)
{
	(void)v; (void)k;
	return strcmp(s, "csv") == 0 || strcmp(s, "html") == 0 ? NULL : "format is csv or html.";
}

static const char *
v_metric(const char *s, struct vals *v, enum key k)
{
	return v_enum(s, v, k, metric_names, nitems(metric_names), "metric is cpu, vmem, disk or net.");
}

static const char *
v_range(const char *s, struct vals *v, enum key k)
{
	return v_enum(s, v, k, range_names, nitems(range_names), "range is hour, day or month.");
}

static const char *
v_report(const char *s, struct vals *v, enum key k)
{
	int x = admin_report_parse(s);
	if (x < 0)
		return "report is revenue, usage, overage or unpaid.";
	v->n[k] = x;
	return NULL;
}

static const char *
v_action(const char *s, struct vals *v, enum key k)
{
	return (v->n[k] = ve_power_parse(s)) >= 0 ? NULL : "The action is start, stop or restart.";
}

static const char *
v_done(const char *s, struct vals *v, enum key k)
{
	for (size_t i = 0; i < nitems(notices); i++)
		if (strcmp(s, notices[i].key) == 0) {
			v->n[k] = (long long)i;
			return NULL;
		}
	return "unknown notice";
}

static const char *
v_object(const char *s, struct vals *v, enum key k)
{
	(void)v; (void)k;
	return admin_text_valid(s, 64, 0) ? NULL : "An object is at most 64 characters.";
}

static const struct field {
	const char	*name;
	validator	 valid;
	int		 required;
	const char	*missing;	/* why when required and absent; NULL: "This field is required." */
} fields[K__MAX] = {
	[K_NAME] = { "name", v_name, 1 },
	[K_PASSWORD] = { "password", v_secret, 1 },
	[K_CSRF] = { "csrf", v_token, 1 },
	[K_LOGIN_TOKEN] = { "login_token", v_token, 1 },
	[K_Q] = { "q", v_search, 0 },
	[K_STATE] = { "state", v_state, 0 },
	[K_PAGE] = { "page", v_page, 0 },
	[K_NODE] = { "node", v_node, 1 },
	[K_URL] = { "url", v_url, 1 },
	[K_REASON] = { "reason", v_line, 0 },
	[K_CONFIRM] = { "confirm", v_confirm, 1, "Tick the box to confirm." },
	[K_PLAN] = { "plan_json", v_plan, 1 },
	[K_VALID_FROM] = { "valid_from", v_date, 1 },
	[K_INVOICE] = { "invoice", v_invoice, 1 },
	[K_AMOUNT] = { "amount", v_amount, 1 },
	[K_DATE] = { "date", v_date, 1 },
	[K_REFERENCE] = { "reference", v_reference, 1 },
	[K_PERIOD] = { "period", v_period, 1 },
	[K_FROM] = { "from", v_date, 0 },
	[K_TO] = { "to", v_date, 0 },
	[K_RESOURCE] = { "resource", v_resource, 1 },
	[K_VE] = { "ve_id", v_ve, 0 },
	[K_DESCRIPTION] = { "description", v_line, 0 },
	[K_STATUS] = { "status", v_status, 0 },
	[K_FORMAT] = { "format", v_format, 0 },
	[K_METRIC] = { "metric", v_metric, 1 },
	[K_RANGE] = { "range", v_range, 0 },
	[K_REPORT] = { "report", v_report, 1 },
	[K_DONE] = { "done", v_done, 0 },
	[K_OBJECT] = { "object", v_object, 0 },
	[K_ACTION] = { "action", v_action, 1 },
};

#define BIT(k)	((uint64_t)1 << (k))

/*
 * Validate the fields in mask from l into v.  Returns the number refused
 * (their reasons in v->bad).
 */
static int
read_fields(const struct kvlist *l, uint64_t mask, struct vals *v)
{
	int nbad = 0;

	memset(v, 0, sizeof(*v));
	for (size_t k = 0; k < K__MAX; k++) {
		const char *s;
		size_t n;

		if (!(mask & BIT(k)))
			continue;
		n = kv_count(l, fields[k].name);
		s = kv_get(l, fields[k].name);
		v->raw[k] = s;
		if (n > 1)
			v->bad[k] = "This field was sent more than once.";
		else if (n == 0 || *s == '\0')
			v->bad[k] = !fields[k].required ? NULL : fields[k].missing != NULL ?
			    fields[k].missing : "This field is required.";
		else if ((v->bad[k] = fields[k].valid(s, v, (enum key)k)) == NULL)
			v->s[k] = s;
		if (v->bad[k] != NULL)
			nbad++;
	}
	return nbad;
}

/* ---- sessions ------------------------------------------------------------------------- */

static const char *
sid_cookie(const struct req *q)
{
	/* The __Host- prefix pins the cookie to this origin, Secure and Path=/. */
	return q->https ? "__Host-vep_admin" : "vep_admin";
}

static const char *
login_cookie(const struct req *q)
{
	return q->https ? "__Host-vep_admin_login" : "vep_admin_login";
}

static void
unavailable(struct web *w, struct resp *r)
{
	web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
}

/* The logged-in operator: 1 (s filled), 0 none, -1 with a 503 already in r. */
static int
session(struct web *w, struct req *q, struct resp *r, struct session *s)
{
	const char *c = kv_get(&q->cookies, sid_cookie(q));
	char hash[256];
	struct db *db;
	int rc;

	r->private_page = 1;
	memset(s, 0, sizeof(*s));
	if ((db = web_db(w, r)) == NULL)
		return -1;
	if (c == NULL)
		return 0;
	rc = session_get(db, "admin", c, w->now, conf_int(w->conf, "web", "session_idle_s"),
	    conf_int(w->conf, "web", "session_max_s"), s);
	if (rc == 1) {
		/* An operator removed meanwhile loses every session at once. */
		if ((rc = db_admin_hash(db, s->subject, hash, sizeof(hash))) == 0) {
			session_destroy_subject(db, "admin", s->subject);
			memset(s, 0, sizeof(*s));
		}
		explicit_bzero(hash, sizeof(hash));
	}
	if (rc < 0) {
		unavailable(w, r);
		return -1;
	}
	return rc;
}

/* For a GET page: the session, or a redirect to the login page. */
static int
need_login(struct web *w, struct req *q, struct resp *r, struct session *s)
{
	int rc = session(w, q, r, s);

	if (rc == 0)
		resp_redirect(r, "/admin/login");
	return rc == 1 ? 0 : -1;
}

/* For a change: the session and its CSRF token in the form, else 403. */
static int
need_post(struct web *w, struct req *q, struct resp *r, struct session *s)
{
	const char *t = kv_get(&q->form, "csrf");
	int rc = session(w, q, r, s);

	if (rc < 0)
		return -1;
	if (rc == 0) {
		web_error(w, r, 403, "Your session has ended; please log in again.");
		return -1;
	}
	if (kv_count(&q->form, "csrf") != 1 || t == NULL || v_token(t, NULL, K_CSRF) != NULL ||
	    !vep_ct_streq(t, s->csrf)) {
		log_warnx("admin: %s: CSRF token missing or wrong for %s", q->path, s->subject);
		web_error(w, r, 403, "This form had expired or did not come from this site; "
		    "reload the page and try again.");
		return -1;
	}
	return 0;
}

static void
actor_of(const struct session *s, char out[80])
{
	snprintf(out, 80, "admin:%s", s->subject);
}

/* ---- formatting ----------------------------------------------------------------------- */

static void
fmt_time(long long t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0) {
		snprintf(out, len, "never");
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M UTC", &tm);
}

static void
fmt_ago(long long now, long long t, char *out, size_t len)
{
	long long d = now - t;

	if (t <= 0)
		snprintf(out, len, "never");
	else if (d < 0)
		snprintf(out, len, "just now");
	else if (d < 120)
		snprintf(out, len, "%lld s ago", d);
	else if (d < 7200)
		snprintf(out, len, "%lld min ago", d / 60);
	else if (d < 172800)
		snprintf(out, len, "%lld h ago", d / 3600);
	else
		snprintf(out, len, "%lld days ago", d / 86400);
}

static void
fmt_money(long long minor, const char *cur, char *out, size_t len)
{
	char a[48];

	if (money_format(minor, cur, a, sizeof(a)) < 0)
		snprintf(a, sizeof(a), "%lld", minor);
	snprintf(out, len, "%s %s", a, cur);
}

static void
fmt_bytes(long long b, char *out, size_t len)
{
	static const char *const u[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	double v = (double)b;
	size_t i = 0;

	while (v >= 1000 && i + 1 < nitems(u)) {
		v /= 1000;
		i++;
	}
	if (i == 0)
		snprintf(out, len, "%lld B", b);
	else
		snprintf(out, len, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, u[i]);
}

static void
set_time(struct tmpl_dict *d, const char *key, long long t)
{
	char s[48];
	fmt_time(t, s, sizeof(s));
	tmpl_set(d, key, s);
}

static void
set_date(struct tmpl_dict *d, const char *key, long long t)
{
	char s[11];
	admin_date_format(t, s);
	tmpl_set(d, key, s);
}

static void
set_money(struct tmpl_dict *d, const char *key, long long minor, const char *cur)
{
	char s[64];
	fmt_money(minor, cur, s, sizeof(s));
	tmpl_set(d, key, s);
}

/* A time the API's JSON holds as ISO 8601, in epoch seconds (0 when absent). */
static long long
iso_of(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	long long t = 0;

	if (s == NULL || vep_parse_iso8601(s, &t) == -1)
		return 0;
	return t;
}

static void
set_money_json(struct tmpl_dict *d, const char *key, json_t *o, const char *field, const char *cur)
{
	set_money(d, key, (long long)json_integer_value(json_object_get(o, field)), cur);
}

static void
upper(const char *s, char *out, size_t len)
{
	size_t i;
	for (i = 0; s[i] != '\0' && i + 1 < len; i++)
		out[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
	out[i] = '\0';
}

/* Show v's errors next to their fields (sections E_<NAME>) and the values as typed (V_<NAME>). */
static void
form_state(struct tmpl_dict *d, const struct vals *v, uint64_t mask)
{
	char key[80], up[64];

	for (size_t k = 0; k < K__MAX; k++) {
		if (!(mask & BIT(k)) || k == K_CSRF || k == K_PASSWORD || k == K_LOGIN_TOKEN)
			continue;
		upper(fields[k].name, up, sizeof(up));
		if (v->raw[k] != NULL) {
			snprintf(key, sizeof(key), "V_%s", up);
			tmpl_set(d, key, v->raw[k]);
		}
		if (v->bad[k] != NULL) {
			snprintf(key, sizeof(key), "E_%s", up);
			tmpl_set(tmpl_add(d, key), "MSG", v->bad[k]);
			snprintf(key, sizeof(key), "BAD_%s", up);
			tmpl_show(d, key);
		}
	}
}

/* ---- pages: frame ------------------------------------------------------------------------ */

/* A page's dictionary with the admin header (nav, operator, logout form) and footer. */
static struct tmpl_dict *
admin_dict(struct web *w, const struct session *s, const char *title, const char *nav)
{
	struct tmpl_dict *d = tmpl_dict_new(), *h, *f;
	char key[32];

	if (d == NULL)
		return NULL;
	tmpl_set(d, "TITLE", title);
	tmpl_set(d, "ISP_NAME", conf_str(w->conf, "isp", "name"));
	if (s != NULL)
		tmpl_set(d, "CSRF", s->csrf);
	/* ctemplate's include dictionaries do not inherit: the header gets its own values. */
	h = tmpl_include(d, "HEADER", "admin/header.tpl");
	tmpl_set(h, "TITLE", title);
	tmpl_set(h, "ISP_NAME", conf_str(w->conf, "isp", "name"));
	if (s != NULL) {
		struct tmpl_dict *u = tmpl_add(h, "OPERATOR");
		tmpl_set(u, "NAME", s->subject);
		tmpl_set(u, "CSRF", s->csrf);
		if (nav != NULL) {
			upper(nav, key + 4, sizeof(key) - 4);
			memcpy(key, "NAV_", 4);
			tmpl_show(u, key);
		}
	}
	f = tmpl_include(d, "FOOTER", "admin/footer.tpl");
	tmpl_set(f, "ISP_NAME", conf_str(w->conf, "isp", "name"));
	return d;
}

static void
render(struct web *w, struct resp *r, int status, const char *file, struct tmpl_dict *d)
{
	r->private_page = 1;
	r->status = status;
	if (d == NULL) {
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	page_render(w, r, file, d);
	tmpl_dict_free(d);
}

/* The notice of ?done=KEY, if any. */
static void
notice(struct tmpl_dict *d, const struct req *q)
{
	struct vals v;

	read_fields(&q->query, BIT(K_DONE), &v);
	if (v.s[K_DONE] != NULL)
		tmpl_set(tmpl_add(d, "NOTICE"), "TEXT", notices[v.n[K_DONE]].text);
}

static void
redirect_done(struct resp *r, const char *path, const char *done)
{
	char to[256];
	snprintf(to, sizeof(to), "%s?done=%s", path, done);
	resp_redirect(r, to);
}

/* Previous/next links of a list. */
static void
pager(struct tmpl_dict *d, const char *base, long long page, long long total, long long rows)
{
	long long npages = total > 0 ? (total + rows - 1) / rows : 1;
	char u[600];
	const char *sep = strchr(base, '?') != NULL ? "&" : "?";

	if (npages <= 1)
		return;
	struct tmpl_dict *p = tmpl_add(d, "PAGER");
	tmpl_set_int(p, "PAGE", page);
	tmpl_set_int(p, "PAGES", npages);
	if (page > 1) {
		snprintf(u, sizeof(u), "%s%spage=%lld", base, sep, page - 1);
		tmpl_set(tmpl_add(p, "PREV"), "URL", u);
	}
	if (page < npages) {
		snprintf(u, sizeof(u), "%s%spage=%lld", base, sep, page + 1);
		tmpl_set(tmpl_add(p, "NEXT"), "URL", u);
	}
}

/* Append name=value (percent-encoded) to a query string. */
static void
qs_add(char *out, size_t len, const char *name, const char *value)
{
	size_t o = strlen(out);

	if (value == NULL || *value == '\0')
		return;
	o += (size_t)snprintf(out + o, o < len ? len - o : 0, "%s%s=", strchr(out, '?') ? "&" : "?", name);
	for (const unsigned char *p = (const unsigned char *)value; *p != '\0' && o + 4 < len; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p) != NULL)
			out[o++] = (char)*p;
		else
			o += (size_t)snprintf(out + o, len - o, "%%%02X", *p);
	}
	if (o < len)
		out[o] = '\0';
}

/* Whether billing's tables exist; -1 with a 503 in r. */
static int
billing_ready(struct web *w, struct resp *r)
{
	int rc = db_admin_billing_ready(w->db);
	if (rc < 0)
		unavailable(w, r);
	return rc;
}

/* ---- login and logout -------------------------------------------------------------------- */

static void
render_login(struct web *w, struct req *q, struct resp *r, int status, const char *name,
    const char *msg)
{
	struct tmpl_dict *d = admin_dict(w, NULL, "Operator login", NULL);
	char tok[65];

	r->private_page = 1;
	if (auth_token_hex(tok, 32) == -1 ||
	    resp_cookie(r, login_cookie(q), tok, 0, q->https) == -1) {
		tmpl_dict_free(d);
		unavailable(w, r);
		return;
	}
	if (d != NULL) {
		tmpl_set(d, "LOGIN_TOKEN", tok);
		tmpl_set(d, "NAME", name != NULL ? name : "");
		if (msg != NULL)
			tmpl_set(tmpl_add(d, "ERROR"), "MSG", msg);
		else
			notice(d, q);
	}
	render(w, r, status, "admin/login.tpl", d);
}

static void
page_login_form(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	int rc;

	(void)caps;
	if ((rc = session(w, q, r, &s)) < 0)
		return;
	if (rc == 1) {
		resp_redirect(r, "/admin");
		return;
	}
	render_login(w, q, r, 200, NULL, NULL);
}

static void
page_login(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct vals v;
	struct session s;
	char hash[256] = "", subject[80], retry[32], msg[160];
	const char *tok, *old;
	long long ra;
	int found = 0, rc, slot, ok;

	(void)caps;
	r->private_page = 1;
	read_fields(&q->form, BIT(K_NAME) | BIT(K_PASSWORD) | BIT(K_LOGIN_TOKEN), &v);
	/* The login form's own token: this login was started on this site, in this browser. */
	tok = kv_get(&q->cookies, login_cookie(q));
	if (v.s[K_LOGIN_TOKEN] == NULL || tok == NULL || !vep_ct_streq(tok, v.s[K_LOGIN_TOKEN])) {
		render_login(w, q, r, 403, v.s[K_NAME], "The login form had expired; please try again.");
		return;
	}
	if (v.s[K_NAME] == NULL || v.bad[K_PASSWORD] != NULL) {
		render_login(w, q, r, 400, v.raw[K_NAME] && strlen(v.raw[K_NAME]) <= 64 ? v.raw[K_NAME] :
		    NULL, "Enter your name and password.");
		return;
	}
	if (web_db(w, r) == NULL)
		return;
	/* login_failures.subject holds 64 characters: "admin:" and at most 58 of the name. */
	snprintf(subject, sizeof(subject), "admin:%.58s", v.s[K_NAME]);
	rc = throttle_check(w->db, subject, q->remote_addr, w->now, conf_int(w->conf, "web", "fail_window_s"),
	    conf_int(w->conf, "web", "fail_per_ve"), conf_int(w->conf, "web", "fail_per_addr"), &ra);
	if (rc < 0) {
		unavailable(w, r);
		return;
	}
	if (rc == THROTTLE_LOCKED) {
		snprintf(retry, sizeof(retry), "%lld", ra);
		resp_header(r, "Retry-After", retry);
		snprintf(msg, sizeof(msg), "Too many failed logins. Logging in is paused; please try again "
		    "in %lld minute%s.", (ra + 59) / 60, (ra + 59) / 60 == 1 ? "" : "s");
		log_warnx("admin: login for %s from %s refused: throttled", v.s[K_NAME],
		    q->remote_addr ? q->remote_addr : "?");
		render_login(w, q, r, 429, v.s[K_NAME], msg);
		return;
	}
	if ((rc = db_admin_hash(w->db, v.s[K_NAME], hash, sizeof(hash))) < 0) {
		unavailable(w, r);
		return;
	}
	found = rc == 1;
	/* At most [web] max_concurrent_hashes argon2id runs at once, machine-wide. */
	if ((slot = auth_slot_enter(w->conf)) == AUTH_SLOT_BUSY) {
		resp_header(r, "Retry-After", "1");
		web_error(w, r, 503, "Too many logins are being checked right now; please try again in a second.");
		return;
	}
	/* An unknown operator costs the same hash as a wrong password. */
	ok = auth_verify(found ? hash : auth_dummy_hash(&w->argon), v.s[K_PASSWORD]) && found;
	auth_slot_release(slot);
	if (!ok) {
		explicit_bzero(hash, sizeof(hash));
		throttle_fail(w->db, subject, q->remote_addr, w->now);
		log_warnx("admin: failed login for %s from %s", v.s[K_NAME],
		    q->remote_addr ? q->remote_addr : "?");
		render_login(w, q, r, 403, v.s[K_NAME], "The name or password is wrong.");
		return;
	}
	explicit_bzero(hash, sizeof(hash));
	/* A new session id at every login: an id planted before login is worth nothing. */
	if ((old = kv_get(&q->cookies, sid_cookie(q))) != NULL)
		session_destroy(w->db, old);
	if (session_create(w->db, "admin", v.s[K_NAME], w->now, &s) != DB_OK ||
	    resp_cookie(r, sid_cookie(q), s.id, 0, q->https) == -1) {
		unavailable(w, r);
		return;
	}
	explicit_bzero(s.id, sizeof(s.id));
	resp_cookie(r, login_cookie(q), "", -1, q->https);
	log_info("admin: %s logged in from %s", v.s[K_NAME], q->remote_addr ? q->remote_addr : "?");
	resp_redirect(r, "/admin");
}

static void
page_logout(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;

	(void)caps;
	if (need_post(w, q, r, &s) == -1)
		return;
	session_destroy(w->db, kv_get(&q->cookies, sid_cookie(q)));
	resp_cookie(r, sid_cookie(q), "", -1, q->https);
	log_info("admin: %s logged out", s.subject);
	redirect_done(r, "/admin/login", "logout");
}

/* ---- dashboard ------------------------------------------------------------------------------ */

static void
money_list(struct tmpl_dict *d, const char *section, const struct admin_money *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct tmpl_dict *x = tmpl_add(d, section);
		set_money(x, "AMOUNT", m[i].amount, m[i].currency);
		tmpl_set_int(x, "COUNT", m[i].count);
	}
	if (n == 0)
		tmpl_show(d, section[0] == 'U' || section[0] == 'O' ? "NONE_OPEN" : "NONE");
}

/* The audit rows as a table (section AUDIT). */
static void
audit_rows(struct tmpl_dict *d, const struct admin_audit *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct tmpl_dict *x = tmpl_add(d, "AUDIT");
		set_time(x, "AT", a[i].at);
		tmpl_set(x, "ACTOR", a[i].actor);
		tmpl_set(x, "ACTION", a[i].action);
		tmpl_set(x, "OBJECT", a[i].object);
		tmpl_set(x, "BEFORE", a[i].before[0] ? a[i].before : "—");
		tmpl_set(x, "AFTER", a[i].after[0] ? a[i].after : "—");
		if (strncmp(a[i].action, "ve.", 3) == 0)
			tmpl_show(x, "VE_LINK");
		else if (strncmp(a[i].action, "invoice.", 8) == 0 && strncmp(a[i].object, "INV-", 4) == 0)
			tmpl_show(x, "INV_LINK");
		else
			tmpl_show(x, "NO_LINK");
	}
	if (n == 0)
		tmpl_show(d, "NO_AUDIT");
}

static void
page_home(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct admin_dash dash;
	struct admin_audit *a = NULL;
	struct tmpl_dict *d, *b;
	long long total;
	size_t n;

	(void)caps;
	if (need_login(w, q, r, &s) == -1)
		return;
	if (db_report_dashboard(w->db, w->now, &dash) != DB_OK ||
	    db_report_audit(w->db, NULL, 10, 0, &a, &n, &total) != DB_OK) {
		unavailable(w, r);
		return;
	}
	d = admin_dict(w, &s, "Dashboard", "home");
	if (d == NULL) {
		free(a);
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	notice(d, q);
	tmpl_set_int(d, "VES_ACTIVE", dash.ves[0]);
	tmpl_set_int(d, "VES_SUSPENDED", dash.ves[1]);
	tmpl_set_int(d, "VES_EXPIRED", dash.ves[2]);
	tmpl_set_int(d, "VES_DELETED", dash.ves[3]);
	tmpl_set_int(d, "NODES_UP", dash.nodes_up);
	tmpl_set_int(d, "NODES_FAILING", dash.nodes_failing);
	tmpl_set_int(d, "NODES_DOWN", dash.nodes_down);
	tmpl_set_int(d, "NODES_UNKNOWN", dash.nodes_unknown);
	tmpl_set_int(d, "NODES_DISABLED", dash.nodes_disabled);
	if (dash.nodes_down + dash.nodes_failing > 0)
		tmpl_show(d, "NODES_BAD");
	set_time(d, "NOW", w->now);
	if (!dash.billing)
		tmpl_show(d, "BILLING_NA");
	else {
		b = tmpl_add(d, "BILLING");
		tmpl_set(b, "PERIOD_LAST", dash.period_last);
		tmpl_set(b, "PERIOD_PREV", dash.period_prev);
		money_list(tmpl_add(b, "INV_LAST"), "M", dash.invoiced_last, dash.ninvoiced_last);
		money_list(tmpl_add(b, "INV_PREV"), "M", dash.invoiced_prev, dash.ninvoiced_prev);
		money_list(tmpl_add(b, "PAID_THIS"), "M", dash.paid_this, dash.npaid_this);
		money_list(tmpl_add(b, "PAID_LAST"), "M", dash.paid_last, dash.npaid_last);
		money_list(tmpl_add(b, "UNPAID"), "U", dash.unpaid, dash.nunpaid);
		money_list(tmpl_add(b, "OVERDUE"), "O", dash.overdue, dash.noverdue);
		if (dash.ninvoiced_last + dash.ninvoiced_prev == 0)
			tmpl_show(b, "NO_INVOICES");
	}
	audit_rows(d, a, n);
	free(a);
	render(w, r, 200, "admin/dashboard.tpl", d);
}

/* ---- VEs ------------------------------------------------------------------------------------ */

static void
page_ves(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct vals v;
	struct admin_ve_filter f;
	struct admin_ve_row *rows = NULL;
	struct tmpl_dict *d;
	char base[600] = "/admin/ves";
	long long total, page;
	size_t n = 0;
	int bad;

	(void)caps;
	if (need_login(w, q, r, &s) == -1)
		return;
	bad = read_fields(&q->query, BIT(K_Q) | BIT(K_STATE) | BIT(K_PAGE), &v);
	page = v.s[K_PAGE] != NULL ? v.n[K_PAGE] : 1;
	memset(&f, 0, sizeof(f));
	f.q = v.s[K_Q];
	f.state = v.s[K_STATE];
	f.limit = PAGE_ROWS;
	f.offset = (page - 1) * PAGE_ROWS;
	if (bad == 0 && db_admin_ves(w->db, &f, &rows, &n, &total) != DB_OK) {
		unavailable(w, r);
		return;
	}
	if ((d = admin_dict(w, &s, "VEs", "ves")) == NULL) {
		admin_ve_rows_free(rows, n);
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	form_state(d, &v, BIT(K_Q) | BIT(K_STATE));
	for (size_t i = 0; i < nitems(ve_states); i++) {
		struct tmpl_dict *o = tmpl_add(d, "STATE_OPT");
		tmpl_set(o, "VALUE", ve_states[i]);
		if (v.s[K_STATE] != NULL && strcmp(v.s[K_STATE], ve_states[i]) == 0)
			tmpl_show(o, "SELECTED");
	}
	for (size_t i = 0; i < n; i++) {
		struct tmpl_dict *x = tmpl_add(d, "VE");
		char t[48];
		tmpl_set(x, "VE_ID", rows[i].ve_id);
		tmpl_set(x, "STATE", rows[i].state);
		tmpl_set(x, "NODE", rows[i].node[0] ? rows[i].node : "—");
		tmpl_set(x, "PLAN", rows[i].plan);
		tmpl_set(x, "EMAIL", rows[i].email);
		tmpl_set(x, "IPS", rows[i].ips[0] ? rows[i].ips : "—");
		fmt_time(rows[i].created_at, t, sizeof(t));
		tmpl_set(x, "CREATED", t);
		set_date(x, "EXPIRES", rows[i].expires_at);
	}
	if (bad > 0)
		tmpl_show(d, "BAD_FILTER");
	else {
		tmpl_set_int(d, "TOTAL", total);
		if (n == 0)
			tmpl_show(d, "NO_VES");
		qs_add(base, sizeof(base), "q", v.s[K_Q]);
		qs_add(base, sizeof(base), "state", v.s[K_STATE]);
		pager(d, base, page, total, PAGE_ROWS);
	}
	admin_ve_rows_free(rows, n);
	render(w, r, bad > 0 ? 422 : 200, "admin/ves.tpl", d);
}

/* What a failed action form shows on the VE page. */
struct ve_form {
	const struct vals	*v;
	uint64_t		 mask;
	const char		*error;		/* a sentence for the whole page */
};

static void
render_ve(struct web *w, struct req *q, struct resp *r, const struct session *s, const char *id,
    int status, const struct ve_form *vf)
{
	struct admin_ve a;
	struct ve_info vi;
	struct ve_usage u;
	struct admin_node *nodes = NULL;
	struct admin_audit *au = NULL;
	struct tmpl_dict *d, *x;
	char t[1100], b[64];
	long long total;
	size_t nn = 0, na = 0;
	int rc, have_vi = 0, ready;

	if (strlen(id) != 8 || strspn(id, "0123456789ABCDEF") != 8 ||
	    (rc = db_admin_ve_get(w->db, id, &a)) == 0) {
		web_error(w, r, 404, "There is no such VE.");
		return;
	}
	if (rc < 0 || (ready = billing_ready(w, r)) < 0) {
		if (rc < 0)
			unavailable(w, r);
		return;
	}
	if (strcmp(a.state, "deleted") != 0) {
		if ((rc = db_ve_get(w->db, id, &vi)) < 0 || db_ve_usage(w->db, id, w->now, &u) != DB_OK) {
			if (rc == 1)
				ve_info_free(&vi);
			unavailable(w, r);
			return;
		}
		have_vi = rc == 1;
	}
	if (db_admin_nodes(w->db, &nodes, &nn) != DB_OK ||
	    db_report_audit(w->db, id, 50, 0, &au, &na, &total) != DB_OK) {
		if (have_vi)
			ve_info_free(&vi);
		free(nodes);
		unavailable(w, r);
		return;
	}
	snprintf(t, sizeof(t), "VE %s", id);
	if ((d = admin_dict(w, s, t, "ves")) == NULL) {
		web_error(w, r, 500, "Out of memory.");
		goto out;
	}
	notice(d, q);
	if (vf != NULL && vf->error != NULL)
		tmpl_set(tmpl_add(d, "ERROR"), "MSG", vf->error);
	if (vf != NULL && vf->v != NULL)
		form_state(d, vf->v, vf->mask);
	tmpl_set(d, "VE_ID", a.ve_id);
	tmpl_set(d, "STATE", a.state);
	tmpl_set(d, "REASON", a.reason[0] ? a.reason : "—");
	tmpl_set(d, "EMAIL", a.email);
	tmpl_set_int(d, "ACCOUNT", a.account_id);
	snprintf(t, sizeof(t), "%lld.%02lld %%", a.tax_bp / 100, a.tax_bp % 100);
	tmpl_set(d, "TAX", t);
	tmpl_set(d, "PLAN", a.plan_name);
	tmpl_set(d, "PLAN_CODE", a.plan_code);
	tmpl_set(d, "TEMPLATE", a.template_name);
	tmpl_set(d, "NODE", a.node[0] ? a.node : "not placed");
	set_time(d, "CREATED", a.created_at);
	set_time(d, "EXPIRES", a.expires_at);
	set_time(d, "UPDATED", a.updated_at);
	tmpl_show(d, strcmp(a.state, "active") == 0 ? "STATE_OK" : "STATE_BAD");

	/* Actions that make sense in this state. */
	if (strcmp(a.state, "active") == 0)
		tmpl_show(d, "CAN_SUSPEND");
	if (strcmp(a.state, "suspended") == 0)
		tmpl_show(d, "CAN_RESUME");
	if (strcmp(a.state, "active") == 0)
		power_buttons(d);
	if (strcmp(a.state, "active") == 0 || strcmp(a.state, "suspended") == 0) {
		x = tmpl_add(d, "CAN_MOVE");
		for (size_t i = 0; i < nn; i++) {
			if (!nodes[i].enabled || strcmp(nodes[i].name, a.node) == 0)
				continue;
			struct tmpl_dict *o = tmpl_add(x, "NODE_OPT");
			tmpl_set(o, "NAME", nodes[i].name);
			snprintf(t, sizeof(t), "%s (%s, %lld of %lld VEs, %lld MB disk free)", nodes[i].name,
			    nodes[i].state, nodes[i].ves, nodes[i].max_ves,
			    nodes[i].disk_mb - nodes[i].disk_used_mb);
			tmpl_set(o, "LABEL", t);
			if (vf != NULL && vf->v != NULL && vf->v->raw[K_NODE] != NULL &&
			    strcmp(vf->v->raw[K_NODE], nodes[i].name) == 0)
				tmpl_show(o, "SELECTED");
		}
	}
	if (strcmp(a.state, "deleted") != 0)
		tmpl_show(d, "CAN_DELETE");
	else
		tmpl_show(d, "IS_DELETED");

	if (have_vi) {
		const struct order *o = &vi.o;
		x = tmpl_add(d, "DETAIL");
		for (size_t i = 0; i < vi.nips; i++) {
			struct tmpl_dict *ip = tmpl_add(x, "IP");
			tmpl_set(ip, "ADDRESS", vi.ips[i].address);
			tmpl_set(ip, "NETMASK", vi.ips[i].netmask);
			tmpl_set(ip, "DNS_NAME", vi.ips[i].dns_name[0] ? vi.ips[i].dns_name : "—");
		}
		if (vi.nips == 0)
			tmpl_show(x, "NO_IPS");
		tmpl_set(x, "GATEWAY", vi.gateway);
		for (size_t k = 0; k < OF__MAX; k++) {
			if (k == OF_ROOT_PASSWORD || k == OF_IDEMPOTENCY_KEY || k == OF_PLAN || k == OF_TEMPLATE)
				continue;
			order_value_text(o, (enum order_key)k, t, sizeof(t));
			struct tmpl_dict *ord = tmpl_add(x, "ORDER");
			tmpl_set(ord, "LABEL", order_fields[k].label);
			tmpl_set(ord, "VALUE", t);
		}
		if (u.recorded) {
			struct tmpl_dict *us = tmpl_add(x, "USAGE");
			set_time(us, "AS_OF", u.as_of);
			fmt_bytes(u.disk_bytes, b, sizeof(b));
			tmpl_set(us, "DISK", b);
			fmt_bytes(u.vmem_bytes, b, sizeof(b));
			tmpl_set(us, "VMEM", b);
			tmpl_set_int(us, "CPU_BOGOMIPS", u.cpu_bogomips);
			snprintf(t, sizeof(t), "%lld.%03lld", (u.cpu_user_us + u.cpu_sys_us) / 1000000,
			    (u.cpu_user_us + u.cpu_sys_us) / 1000 % 1000);
			tmpl_set(us, "CPU_SECONDS", t);
			fmt_bytes(u.net_in_bytes, b, sizeof(b));
			tmpl_set(us, "NET_IN", b);
			fmt_bytes(u.net_out_bytes, b, sizeof(b));
			tmpl_set(us, "NET_OUT", b);
			for (size_t m = 0; m < nitems(metric_names); m++) {
				struct tmpl_dict *c = tmpl_add(us, "CHART");
				tmpl_set(c, "VE_ID", id);
				tmpl_set(c, "METRIC", metric_names[m]);
			}
		} else
			tmpl_show(x, "NO_USAGE");
	}

	/* Invoices with this VE on them. */
	if (!ready)
		tmpl_show(d, "BILLING_NA");
	else {
		int brc;
		json_t *inv = db_docs_ve_invoices_json(w->db, id, w->now, &brc), *e;
		size_t k;
		if (inv == NULL)
			goto out;	/* d != NULL: answered 503 there */
		json_array_foreach(json_object_get(inv, "invoices"), k, e) {
			const char *cur = json_string_value(json_object_get(e, "currency"));
			struct tmpl_dict *y = tmpl_add(d, "INVOICE");
			tmpl_set(y, "NUMBER", json_string_value(json_object_get(e, "number")));
			tmpl_set(y, "PERIOD", json_string_value(json_object_get(e, "period")));
			tmpl_set(y, "STATUS", json_string_value(json_object_get(e, "status")));
			set_money_json(y, "TOTAL", e, "total_minor", cur);
			set_money_json(y, "BALANCE", e, "balance_minor", cur);
		}
		if (json_array_size(json_object_get(inv, "invoices")) == 0)
			tmpl_show(d, "NO_INVOICES");
		json_decref(inv);
	}
	audit_rows(d, au, na);
	render(w, r, status, "admin/ve.tpl", d);
	d = NULL;
out:
	if (d != NULL) {
		tmpl_dict_free(d);
		unavailable(w, r);
	}
	if (have_vi)
		ve_info_free(&vi);
	free(nodes);
	free(au);
}

static void
page_ve(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;

	if (need_login(w, q, r, &s) == -1)
		return;
	render_ve(w, q, r, &s, caps[0], 200, NULL);
}

/* The outcome of a VE action: a redirect with a notice, or the VE page with the error. */
static void
ve_outcome(struct web *w, struct req *q, struct resp *r, const struct session *s, const char *id,
    int rc, const char *err, const char *done, const struct vals *v, uint64_t mask)
{
	char path[64];
	struct ve_form vf = { v, mask, err };

	snprintf(path, sizeof(path), "/admin/ves/%s", id);
	switch (rc) {
	case ADM_OK:
		log_info("admin: %s: VE %s %s", s->subject, id, done);
		redirect_done(r, path, done);
		break;
	case ADM_NOCHANGE:
		redirect_done(r, path, "unchanged");
		break;
	case ADM_ENOENT:
		web_error(w, r, 404, "There is no such VE.");
		break;
	case ADM_ENONODE:
	case ADM_ECONFLICT:
	case ADM_EINPUT:
		render_ve(w, q, r, s, id, rc == ADM_ENONODE ? 404 : rc == ADM_EINPUT ? 422 : 409, &vf);
		break;
	default:
		unavailable(w, r);
		break;
	}
}

/* Common start of the VE actions: session, CSRF, the VE of the path and the form's fields. */
static int
ve_action(struct web *w, struct req *q, struct resp *r, const char *id, struct session *s,
    struct vals *v, uint64_t mask, char actor[80])
{
	if (need_post(w, q, r, s) == -1)
		return -1;
	if (strlen(id) != 8 || strspn(id, "0123456789ABCDEF") != 8) {
		web_error(w, r, 404, "There is no such VE.");
		return -1;
	}
	actor_of(s, actor);
	if (read_fields(&q->form, mask, v) > 0) {
		struct ve_form vf = { v, mask, "The form has errors; see below." };
		render_ve(w, q, r, s, id, 422, &vf);
		return -1;
	}
	return 0;
}

static void
page_ve_suspend(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct vals v;
	char actor[80], err[256];
	int rc;

	if (ve_action(w, q, r, caps[0], &s, &v, BIT(K_REASON), actor) == -1)
		return;
	rc = db_admin_ve_suspend(w->db, caps[0], v.s[K_REASON], actor, w->now, err, sizeof(err));
	ve_outcome(w, q, r, &s, caps[0], rc, err, "suspended", &v, BIT(K_REASON));
}

static void
page_ve_resume(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct vals v;
	char actor[80], err[256];
	int rc;

	if (ve_action(w, q, r, caps[0], &s, &v, 0, actor) == -1)
		return;
	rc = db_admin_ve_resume(w->db, caps[0], actor, w->now, err, sizeof(err));
	ve_outcome(w, q, r, &s, caps[0], rc, err, "resumed", &v, 0);
}

/* Start, stop or restart (SPEC section 11), as POST /api/v1/ves/{id}/power. */
/* Start, Stop and Restart on the VE page (an active VE only). */
static void
power_buttons(struct tmpl_dict *d)
{
	for (int i = 0; i < VP__MAX; i++) {
		struct tmpl_dict *x = tmpl_add(d, "CAN_POWER");
		tmpl_set(x, "ACTION", ve_power_names[i]);
		tmpl_set(x, "LABEL", i == VP_START ? "Start" : i == VP_STOP ? "Stop" : "Restart");
	}
}

static void
page_ve_power(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct vals v;
	char actor[80], err[256] = "";
	int rc;

	if (ve_action(w, q, r, caps[0], &s, &v, BIT(K_ACTION), actor) == -1)
		return;
	rc = db_ve_power(w->db, caps[0], (enum ve_power)v.n[K_ACTION], actor, w->now);
	switch (rc) {
	case VPR_OK:
		rc = ADM_OK;
		break;
	case VPR_NOVE:
		rc = ADM_ENOENT;
		break;
	case VPR_SUSPENDED:
		snprintf(err, sizeof(err), "The VE is not active (suspended or expired); it cannot be "
		    "started, stopped or restarted. Nothing was changed.");
		rc = ADM_ECONFLICT;
		break;
	default:
		rc = ADM_EDB;
		break;
	}
	ve_outcome(w, q, r, &s, caps[0], rc, err, ve_power_names[v.n[K_ACTION]], &v, BIT(K_ACTION));
}

static void
page_ve_move(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct vals v;
	char actor[80], err[256];
	int rc;

	if (ve_action(w, q, r, caps[0], &s, &v, BIT(K_NODE), actor) == -1)
		return;
	rc = db_admin_ve_move(w->db, caps[0], v.s[K_NODE], actor, w->now, err, sizeof(err));
	ve_outcome(w, q, r, &s, caps[0], rc, err, "moved", &v, BIT(K_NODE));
}

static void
page_ve_delete(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct vals v;
	char actor[80], err[256];
	int rc;

	if (ve_action(w, q, r, caps[0], &s, &v, BIT(K_CONFIRM), actor) == -1)
		return;
	rc = db_admin_ve_delete(w->db, caps[0], actor, w->now, err, sizeof(err));
	ve_outcome(w, q, r, &s, caps[0], rc, err, "deleted", &v, BIT(K_CONFIRM));
}

/* ---- nodes ------------------------------------------------------------------------------------ */

static void
render_nodes(struct web *w, struct req *q, struct resp *r, const struct session *s, int status,
    const struct vals *v, const char *error, const char *added, const char *token)
{
	struct admin_node *nodes = NULL;
	struct tmpl_dict *d;
	char t[64];
	size_t n = 0;

	if (db_admin_nodes(w->db, &nodes, &n) != DB_OK) {
		unavailable(w, r);
		return;
	}
	if ((d = admin_dict(w, s, "Nodes", "nodes")) == NULL) {
		free(nodes);
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	notice(d, q);
	if (error != NULL)
		tmpl_set(tmpl_add(d, "ERROR"), "MSG", error);
	if (v != NULL)
		form_state(d, v, BIT(K_NODE) | BIT(K_URL));
	if (token != NULL) {
		struct tmpl_dict *x = tmpl_add(d, "ADDED");
		tmpl_set(x, "NAME", added);
		tmpl_set(x, "TOKEN", token);
	}
	for (size_t i = 0; i < n; i++) {
		struct tmpl_dict *x = tmpl_add(d, "NODE");
		const struct admin_node *o = &nodes[i];
		tmpl_set(x, "NAME", o->name);
		tmpl_set(x, "URL", o->url);
		tmpl_set(x, "STATE", o->enabled ? o->state : "disabled");
		tmpl_set(x, "HEALTH", !o->enabled ? "off" : strcmp(o->state, "up") == 0 ? "ok" :
		    strcmp(o->state, "unknown") == 0 ? "off" : "bad");
		fmt_ago(w->now, o->last_poll_at, t, sizeof(t));
		tmpl_set(x, "LAST_POLL", t);
		fmt_ago(w->now, o->last_ok_at, t, sizeof(t));
		tmpl_set(x, "LAST_OK", t);
		if (o->lag_ms >= 0)
			snprintf(t, sizeof(t), "%lld ms", o->lag_ms);
		else
			snprintf(t, sizeof(t), "—");
		tmpl_set(x, "LAG", t);
		tmpl_set_int(x, "VES", o->ves);
		tmpl_set_int(x, "MAX_VES", o->max_ves);
		snprintf(t, sizeof(t), "%lld of %lld GB", o->disk_used_mb / 1000, o->disk_mb / 1000);
		tmpl_set(x, "DISK", t);
		tmpl_set(x, "POLLER", o->poller[0] ? o->poller : "—");
		tmpl_set(x, "CSRF", s->csrf);
		tmpl_show(x, o->enabled ? "ENABLED" : "DISABLED");
		if (o->history == 0)
			tmpl_show(x, "CAN_DELETE");
	}
	if (n == 0)
		tmpl_show(d, "NO_NODES");
	free(nodes);
	render(w, r, status, "admin/nodes.tpl", d);
}

static void
page_nodes(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;

	(void)caps;
	if (need_login(w, q, r, &s) == -1)
		return;
	render_nodes(w, q, r, &s, 200, NULL, NULL, NULL, NULL);
}

static void
page_node_add(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct vals v;
	char actor[80], err[256], tok[65];
	int rc;

	(void)caps;
	if (need_post(w, q, r, &s) == -1)
		return;
	if (read_fields(&q->form, BIT(K_NODE) | BIT(K_URL), &v) > 0) {
		render_nodes(w, q, r, &s, 422, &v, "The new node has errors; see below.", NULL, NULL);
		return;
	}
	actor_of(&s, actor);
	rc = db_admin_node_add(w->db, v.s[K_NODE], v.s[K_URL], actor, w->now, tok, err, sizeof(err));
	if (rc == ADM_EINPUT || rc == ADM_EEXISTS) {
		v.bad[K_NODE] = err;
		render_nodes(w, q, r, &s, 422, &v, "The new node has errors; see below.", NULL, NULL);
		return;
	}
	if (rc != ADM_OK) {
		unavailable(w, r);
		return;
	}
	log_info("admin: %s added node %s", s.subject, v.s[K_NODE]);
	/* The token is shown once, on this answer; it is stored only as a hash. */
	render_nodes(w, q, r, &s, 201, NULL, NULL, v.s[K_NODE], tok);
	explicit_bzero(tok, sizeof(tok));
}

static void
node_change(struct web *w, struct req *q, struct resp *r, const char *name, int op)
{
	static const char *const done[] = { "enabled", "disabled", "removed" };
	struct session s;
	char actor[80], err[256];
	int rc;

	if (need_post(w, q, r, &s) == -1)
		return;
	if (!admin_node_name_valid(name)) {
		web_error(w, r, 404, "There is no such node.");
		return;
	}
	actor_of(&s, actor);
	if (op < 2)
		rc = db_admin_node_enable(w->db, name, op == 0, actor, w->now, err, sizeof(err));
	else
		rc = db_admin_node_delete(w->db, name, actor, w->now, err, sizeof(err));
	switch (rc) {
	case ADM_OK:
		log_info("admin: %s: node %s %s", s.subject, name, done[op]);
		redirect_done(r, "/admin/nodes", done[op]);
		break;
	case ADM_NOCHANGE:
		redirect_done(r, "/admin/nodes", "unchanged");
		break;
	case ADM_ENONODE:
		web_error(w, r, 404, "There is no such node.");
		break;
	case ADM_ECONFLICT:
		render_nodes(w, q, r, &s, 409, NULL, err, NULL, NULL);
		break;
	default:
		unavailable(w, r);
		break;
	}
}

static void
page_node_enable(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	node_change(w, q, r, caps[0], 0);
}

static void
page_node_disable(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	node_change(w, q, r, caps[0], 1);
}

static void
page_node_delete(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	node_change(w, q, r, caps[0], 2);
}

/* ---- plans ------------------------------------------------------------------------------------ */

static const char plan_example[] =
    "{\"code\":\"WEB2\",\"name\":\"Web 2\",\"currency\":\"EUR\",\"monthly_fee_minor\":1500,\n"
    " \"included\":{\"disk_gb\":20,\"traffic_gb\":200,\"traffic_in_gb\":0,\"traffic_out_gb\":0,"
    "\"cpu_hours\":150,\"vmem_gb_hours\":0},\n"
    " \"overage_minor\":{\"disk_gb_month\":50,\"traffic_gb\":20,\"traffic_in_gb\":0,"
    "\"traffic_out_gb\":0,\"cpu_hour\":3,\"vmem_gb_hour\":0},\n"
    " \"limits\":{\"max_disk_quota_mb\":51200,\"max_ip_count\":4,\"login\":[\"ssh\",\"x11\"]}}";

/* The entry of cur (catalog_plans_json) for code, or NULL. */
static json_t *
plan_in_force(json_t *cur, const char *code)
{
	size_t k;
	json_t *e;

	json_array_foreach(cur, k, e)
		if (strcmp(json_string_value(json_object_get(e, "code")), code) == 0)
			return e;
	return NULL;
}

/* "Availability target 99.9 %; 10 % of the fee below 99.9 %, ..." of a plan's "sla". */
static void
plan_sla_line(struct tmpl_dict *x, const json_t *sla)
{
	struct tmpl_dict *y;
	const json_t *c;
	char a[16];
	size_t i;

	if (!json_is_object(sla)) {
		tmpl_show(x, "NO_SLA");
		return;
	}
	y = tmpl_add(x, "SLA");
	sla_ppm_percent((uint32_t)json_integer_value(json_object_get(sla, "availability_target_ppm")), 1,
	    a, sizeof(a));
	tmpl_set(y, "TARGET", a);
	json_array_foreach(json_object_get(sla, "credits"), i, c) {
		struct tmpl_dict *z = tmpl_add(y, "STEP");
		sla_ppm_percent((uint32_t)json_integer_value(json_object_get(c, "below_ppm")), 1, a,
		    sizeof(a));
		tmpl_set(z, "BELOW", a);
		sla_ppm_percent((uint32_t)json_integer_value(json_object_get(c, "credit_bp")) * 100, 1,
		    a, sizeof(a));
		tmpl_set(z, "BP", a);
	}
}

static void
render_plans(struct web *w, struct req *q, struct resp *r, const struct session *s, int status,
    const struct vals *v, const char *error)
{
	static const struct { const char *label, *inc, *ov, *unit; } res[] = {
		{ "Disk", "disk_gb", "disk_gb_month", "GB-month" },
		{ "Traffic (in + out)", "traffic_gb", "traffic_gb", "GB" },
		{ "Traffic in", "traffic_in_gb", "traffic_in_gb", "GB" },
		{ "Traffic out", "traffic_out_gb", "traffic_out_gb", "GB" },
		{ "CPU", "cpu_hours", "cpu_hour", "CPU-hour" },
		{ "Virtual memory", "vmem_gb_hours", "vmem_gb_hour", "GB-hour" },
	};
	struct admin_plan_version *pv = NULL;
	struct tmpl_dict *d, *x = NULL;
	json_t *cur, *e;
	size_t n = 0;

	if (db_admin_plan_versions(w->db, w->now, &pv, &n) != DB_OK ||
	    (cur = catalog_plans_json(w->db, w->now)) == NULL) {
		free(pv);
		unavailable(w, r);
		return;
	}
	if ((d = admin_dict(w, s, "Plans", "plans")) == NULL) {
		free(pv);
		json_decref(cur);
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	notice(d, q);
	if (error != NULL)
		tmpl_set(tmpl_add(d, "ERROR"), "MSG", error);
	if (v != NULL)
		form_state(d, v, BIT(K_PLAN) | BIT(K_VALID_FROM));
	else {
		tmpl_set(d, "V_PLAN_JSON", plan_example);
		set_date(d, "V_VALID_FROM", w->now);
	}
	/* pv is by code, then valid_from: one PLAN per code with its versions. */
	for (size_t i = 0; i < n; i++) {
		const char *c = pv[i].currency;
		struct tmpl_dict *y;

		if (i == 0 || strcmp(pv[i].code, pv[i - 1].code) != 0) {
			x = tmpl_add(d, "PLAN");
			tmpl_set(x, "CODE", pv[i].code);
			tmpl_set(x, "NAME", pv[i].name);
			tmpl_set(x, "CURRENCY", c);
			tmpl_set_int(x, "VES", pv[i].ves);
			tmpl_show(x, pv[i].active ? "ACTIVE" : "INACTIVE");
			/* Included amounts and prices of the version in force today. */
			if ((e = plan_in_force(cur, pv[i].code)) != NULL) {
				json_t *inc = json_object_get(e, "included");
				json_t *ov = json_object_get(e, "overage_minor");
				json_t *lim = json_object_get(e, "limits");
				tmpl_set_int(x, "MAX_DISK", json_integer_value(json_object_get(lim,
				    "max_disk_quota_mb")));
				tmpl_set_int(x, "MAX_IP", json_integer_value(json_object_get(lim, "max_ip_count")));
				for (size_t k = 0; k < nitems(res); k++) {
					long long a = json_integer_value(json_object_get(inc, res[k].inc));
					long long b = json_integer_value(json_object_get(ov, res[k].ov));
					if (a == 0 && b == 0)
						continue;
					y = tmpl_add(x, "RES");
					tmpl_set(y, "LABEL", res[k].label);
					tmpl_set_int(y, "INCLUDED", a);
					tmpl_set(y, "UNIT", res[k].unit);
					set_money(y, "PRICE", b, c);
				}
				tmpl_show(x, "LIMITS");
				plan_sla_line(x, json_object_get(e, "sla"));
			}
		}
		y = tmpl_add(x, "VERSION");
		set_date(y, "FROM", pv[i].valid_from);
		set_money(y, "FEE", pv[i].fee_minor, c);
		tmpl_show(y, pv[i].in_force ? "IN_FORCE" : pv[i].valid_from > w->now ? "FUTURE" : "PAST");
	}
	if (n == 0)
		tmpl_show(d, "NO_PLANS");
	json_decref(cur);
	free(pv);
	render(w, r, status, "admin/plans.tpl", d);
}

static void
page_plans(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;

	(void)caps;
	if (need_login(w, q, r, &s) == -1)
		return;
	render_plans(w, q, r, &s, 200, NULL, NULL);
}

static void
page_plan_import(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct vals v;
	json_error_t je;
	json_t *plan;
	char actor[80], err[256], why[320];
	int rc;

	(void)caps;
	if (need_post(w, q, r, &s) == -1)
		return;
	if (read_fields(&q->form, BIT(K_PLAN) | BIT(K_VALID_FROM), &v) > 0) {
		render_plans(w, q, r, &s, 422, &v, "The plan has errors; see below.");
		return;
	}
	plan = json_loads(v.s[K_PLAN], JSON_REJECT_DUPLICATES, &je);
	if (plan == NULL) {
		snprintf(why, sizeof(why), "This is not valid JSON: %s (line %d, column %d).", je.text,
		    je.line, je.column);
		v.bad[K_PLAN] = why;
		render_plans(w, q, r, &s, 422, &v, "The plan has errors; see below.");
		return;
	}
	actor_of(&s, actor);
	rc = db_admin_plan_import(w->db, plan, v.n[K_VALID_FROM], actor, w->now, err, sizeof(err));
	json_decref(plan);
	if (rc == ADM_EINPUT) {
		snprintf(why, sizeof(why), "The plan was not imported: %s.", err);
		v.bad[K_PLAN] = why;
		render_plans(w, q, r, &s, 422, &v, "The plan has errors; see below.");
		return;
	}
	if (rc != ADM_OK) {
		unavailable(w, r);
		return;
	}
	log_info("admin: %s imported a plan", s.subject);
	redirect_done(r, "/admin/plans", "imported");
}

/* ---- invoices, credit notes, payments ------------------------------------------------------ */

static int
billing_page(struct web *w, struct req *q, struct resp *r, struct session *s, const char *title,
    const char *nav)
{
	int rc;

	if (need_login(w, q, r, s) == -1 || (rc = billing_ready(w, r)) < 0)
		return -1;
	if (rc == 0) {
		struct tmpl_dict *d = admin_dict(w, s, title, nav);
		render(w, r, 200, "admin/billing_na.tpl", d);
		return -1;
	}
	return 0;
}

static void
render_invoices(struct web *w, struct req *q, struct resp *r, const struct session *s, int status,
    const struct vals *run, const char *error)
{
	struct vals v;
	struct admin_invoice *rows = NULL;
	struct tmpl_dict *d;
	char base[600] = "/admin/invoices";
	long long total, page;
	size_t n = 0;
	int bad;

	bad = read_fields(&q->query, BIT(K_Q) | BIT(K_STATUS) | BIT(K_PAGE), &v);
	page = v.s[K_PAGE] != NULL ? v.n[K_PAGE] : 1;
	if (bad == 0 && db_admin_invoices(w->db, v.s[K_STATUS] ? (enum admin_inv_status)v.n[K_STATUS] :
	    AIS_ALL, v.s[K_Q], w->now, PAGE_ROWS, (page - 1) * PAGE_ROWS, &rows, &n, &total) != DB_OK) {
		unavailable(w, r);
		return;
	}
	if ((d = admin_dict(w, s, "Invoices", "invoices")) == NULL) {
		free(rows);
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	notice(d, q);
	if (error != NULL)
		tmpl_set(tmpl_add(d, "ERROR"), "MSG", error);
	form_state(d, &v, BIT(K_Q));
	if (run != NULL)
		form_state(d, run, BIT(K_PERIOD));
	else {
		int y, m;
		rate_month_of(w->now, &y, &m);
		if (--m == 0) {
			m = 12;
			y--;
		}
		char p[16];
		snprintf(p, sizeof(p), "%04d-%02d", y % 10000, m % 100);
		tmpl_set(d, "V_PERIOD", p);
	}
	for (size_t i = 0; i < nitems(inv_status); i++) {
		struct tmpl_dict *o = tmpl_add(d, "STATUS_OPT");
		tmpl_set(o, "VALUE", inv_status[i]);
		if (v.s[K_STATUS] != NULL && (size_t)v.n[K_STATUS] == i)
			tmpl_show(o, "SELECTED");
	}
	for (size_t i = 0; i < n; i++) {
		const struct admin_invoice *x = &rows[i];
		long long bal = x->total + x->credited - x->paid;
		struct tmpl_dict *y = tmpl_add(d, "INVOICE");
		tmpl_set(y, "NUMBER", x->number);
		tmpl_set(y, "PERIOD", x->period);
		tmpl_set(y, "EMAIL", x->email);
		tmpl_set_int(y, "ACCOUNT", x->account_id);
		set_money(y, "TOTAL", x->total, x->currency);
		set_money(y, "BALANCE", bal, x->currency);
		set_date(y, "ISSUED", x->issued_at);
		set_date(y, "DUE", x->due_at);
		tmpl_set(y, "STATUS", bal <= 0 ? "paid" : w->now > x->due_at ? "overdue" : "open");
	}
	if (bad > 0)
		tmpl_show(d, "BAD_FILTER");
	else {
		tmpl_set_int(d, "TOTAL", total);
		if (n == 0)
			tmpl_show(d, "NO_INVOICES");
		qs_add(base, sizeof(base), "q", v.s[K_Q]);
		qs_add(base, sizeof(base), "status", v.s[K_STATUS]);
		pager(d, base, page, total, PAGE_ROWS);
	}
	free(rows);
	render(w, r, bad > 0 ? 422 : status, "admin/invoices.tpl", d);
}

static void
page_invoices(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;

	(void)caps;
	if (billing_page(w, q, r, &s, "Invoices", "invoices") == -1)
		return;
	render_invoices(w, q, r, &s, 200, NULL, NULL);
}

static void
page_invoice_run(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct vals v;
	char actor[80], err[256] = "";
	int created = 0, rc;

	(void)caps;
	if (need_post(w, q, r, &s) == -1 || (rc = billing_ready(w, r)) < 0)
		return;
	if (rc == 0) {
		web_error(w, r, 409, "Billing is not available in this installation yet.");
		return;
	}
	if (read_fields(&q->form, BIT(K_PERIOD), &v) > 0) {
		render_invoices(w, q, r, &s, 422, &v, "The invoice run has errors; see below.");
		return;
	}
	actor_of(&s, actor);
	rc = db_invoice_run_opt(w->db, (int)(v.n[K_PERIOD] / 100), (int)(v.n[K_PERIOD] % 100),
	    w->now, (int)conf_int(w->conf, "isp", "invoice_due_days"), actor, &created, err, sizeof(err));
	if (rc == BILLING_EINPUT) {
		v.bad[K_PERIOD] = err;
		render_invoices(w, q, r, &s, 422, &v, "The invoice run has errors; see below.");
		return;
	}
	if (rc != BILLING_OK) {
		web_error(w, r, rc == BILLING_EDATA ? 500 : 503, rc == BILLING_EDATA ?
		    "The stored data cannot be rated; see the log." : "The service is briefly unavailable.");
		return;
	}
	{
		/* And the notes for late usage of any invoiced month (db_late.h). */
		int dn = 0, cn = 0;
		if (db_late_run(w->db, w->now, (int)conf_int(w->conf, "isp", "invoice_due_days"),
		    actor, &dn, &cn, err, sizeof(err)) != BILLING_OK)
			log_warnx("admin: invoice run %s: late usage: %s", v.s[K_PERIOD], err);
		log_info("admin: %s ran invoices for %s: %d new, %d debit and %d credit notes for "
		    "late usage", s.subject, v.s[K_PERIOD], created, dn, cn);
	}
	redirect_done(r, "/admin/invoices", "run");
}

/* The lines of a late note (arr of o): VE, resource, before, after, amount. */
static void
diff_lines(struct tmpl_dict *d, const char *section, json_t *o, const char *arr, const char *cur)
{
	size_t i;
	json_t *l;

	json_array_foreach(json_object_get(o, arr), i, l) {
		struct tmpl_dict *y = tmpl_add(d, section);
		tmpl_set(y, "VE_ID", json_string_value(json_object_get(l, "ve_id")));
		tmpl_set(y, "RESOURCE", json_string_value(json_object_get(l, "resource")));
		tmpl_set(y, "UNIT", json_string_value(json_object_get(l, "unit")));
		tmpl_set(y, "BEFORE", json_string_value(json_object_get(l, "quantity_before")));
		tmpl_set(y, "AFTER", json_string_value(json_object_get(l, "quantity_after")));
		set_money_json(y, "AMOUNT", l, "amount_minor", cur);
	}
}

/* The invoice page, or the print-ready page (print = 1). */
static void
render_invoice(struct web *w, struct req *q, struct resp *r, const struct session *s,
    const char *number, int status, int print, const struct vals *pay, const struct vals *cn,
    const char *error)
{
	struct tmpl_dict *d;
	json_t *j, *e;
	const char *cur;
	char title[64];
	size_t k;
	int rc;

	if (!admin_invoice_number_valid(number, "INV") ||
	    (j = db_docs_invoice_json(w->db, number, NULL, w->now, &rc)) == NULL) {
		if (!admin_invoice_number_valid(number, "INV") || rc == BILLING_ENOENT)
			web_error(w, r, 404, "There is no such invoice.");
		else
			unavailable(w, r);
		return;
	}
	cur = json_string_value(json_object_get(j, "currency"));
	snprintf(title, sizeof(title), "Invoice %s", number);
	if ((d = admin_dict(w, s, title, "invoices")) == NULL) {
		json_decref(j);
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	notice(d, q);
	if (error != NULL)
		tmpl_set(tmpl_add(d, "ERROR"), "MSG", error);
	if (pay != NULL)
		form_state(d, pay, BIT(K_AMOUNT) | BIT(K_DATE) | BIT(K_REFERENCE));
	else
		set_date(d, "V_DATE", w->now);
	if (cn != NULL)
		form_state(d, cn, BIT(K_VE) | BIT(K_RESOURCE) | BIT(K_AMOUNT) | BIT(K_DESCRIPTION) |
		    BIT(K_REASON));
	tmpl_set(d, "NUMBER", number);
	tmpl_set(d, "PERIOD", json_string_value(json_object_get(j, "period")));
	tmpl_set(d, "CURRENCY", cur);
	tmpl_set(d, "STATUS", json_string_value(json_object_get(j, "status")));
	{
		long long ti = iso_of(j, "issued_at"), td = iso_of(j, "due_at");
		set_time(d, "ISSUED", ti);
		set_time(d, "DUE", td);
		set_date(d, "ISSUED_DATE", ti);
		set_date(d, "DUE_DATE", td);
	}
	/* The customer: the invoice's account. */
	{
		char c4[4], email[255];
		long long account;
		if (db_admin_invoice_head(w->db, number, c4, &account, email) == 1) {
			tmpl_set(d, "EMAIL", email);
			tmpl_set_int(d, "ACCOUNT", account);
		}
	}
	set_money_json(d, "SUBTOTAL", j, "subtotal_minor", cur);
	set_money_json(d, "TAX", j, "tax_minor", cur);
	set_money_json(d, "TOTAL", j, "total_minor", cur);
	set_money_json(d, "CREDITED", j, "credited_minor", cur);
	set_money_json(d, "PAID", j, "paid_minor", cur);
	set_money_json(d, "BALANCE", j, "balance_minor", cur);
	{
		long long bp = json_integer_value(json_object_get(j, "tax_bp"));
		char t[32];
		snprintf(t, sizeof(t), "%lld.%02lld %%", bp / 100, bp % 100);
		tmpl_set(d, "TAX_RATE", t);
	}
	tmpl_set(d, "ISP_ADDRESS", conf_str(w->conf, "isp", "address"));
	if (conf_str(w->conf, "isp", "vat_id")[0] != '\0')
		tmpl_set(tmpl_add(d, "VAT_ID"), "ID", conf_str(w->conf, "isp", "vat_id"));
	json_array_foreach(json_object_get(j, "lines"), k, e) {
		struct tmpl_dict *x = tmpl_add(d, "LINE");
		const char *ve = json_string_value(json_object_get(e, "ve_id"));
		tmpl_set(x, "VE_ID", ve);
		const char *kind = json_string_value(json_object_get(e, "kind"));
		const char *res = json_string_value(json_object_get(e, "resource"));
		char item[64];
		tmpl_set(x, "KIND", kind);
		tmpl_set(x, "RESOURCE", res);
		if (kind != NULL && strcmp(kind, "fee") == 0)
			snprintf(item, sizeof(item), "Monthly fee");
		else
			snprintf(item, sizeof(item), "%s, %s", res ? res : "?",
			    kind && strcmp(kind, "usage") == 0 ? "included" : kind ? kind : "?");
		tmpl_set(x, "ITEM", item);
		tmpl_set(x, "QUANTITY", json_string_value(json_object_get(e, "quantity")));
		tmpl_set(x, "UNIT", json_string_value(json_object_get(e, "unit")));
		set_money_json(x, "PRICE", e, "unit_price_minor", cur);
		set_money_json(x, "AMOUNT", e, "amount_minor", cur);
	}
	json_array_foreach(json_object_get(j, "credit_notes"), k, e) {
		struct tmpl_dict *x = tmpl_add(d, "CN");
		size_t i;
		json_t *l;
		tmpl_set(x, "NUMBER", json_string_value(json_object_get(e, "number")));
		tmpl_set(x, "REASON", json_string_value(json_object_get(e, "reason")));
		set_time(x, "ISSUED", iso_of(e, "issued_at"));
		set_money_json(x, "TOTAL", e, "total_minor", cur);
		if (json_is_true(json_object_get(e, "late")))
			tmpl_show(x, "CN_LATE");
		json_array_foreach(json_object_get(e, "lines"), i, l) {
			struct tmpl_dict *y = tmpl_add(x, "CN_LINE");
			const char *ve = json_string_value(json_object_get(l, "ve_id"));
			tmpl_set(y, "VE_ID", ve != NULL ? ve : "—");
			tmpl_set(y, "RESOURCE", json_string_value(json_object_get(l, "resource")));
			tmpl_set(y, "DESCRIPTION", json_string_value(json_object_get(l, "description")));
			set_money_json(y, "AMOUNT", l, "amount_minor", cur);
		}
	}
	json_array_foreach(json_object_get(j, "payments"), k, e) {
		struct tmpl_dict *x = tmpl_add(d, "PAYMENT");
		tmpl_set(x, "DATE", json_string_value(json_object_get(e, "date")));
		tmpl_set(x, "REFERENCE", json_string_value(json_object_get(e, "reference")));
		set_money_json(x, "AMOUNT", e, "amount_minor", cur);
	}
	if (json_array_size(json_object_get(j, "payments")) == 0)
		tmpl_show(d, "NO_PAYMENTS");
	if (json_array_size(json_object_get(j, "credit_notes")) == 0)
		tmpl_show(d, "NO_CNS");
	/* Late usage's debit notes (db_late.h), with the difference per line. */
	json_array_foreach(json_object_get(j, "debit_notes"), k, e) {
		struct tmpl_dict *x = tmpl_add(d, "DN");
		tmpl_set(x, "NUMBER", json_string_value(json_object_get(e, "number")));
		tmpl_set(x, "REASON", json_string_value(json_object_get(e, "reason")));
		tmpl_set(x, "STATUS", json_string_value(json_object_get(e, "status")));
		set_time(x, "ISSUED", iso_of(e, "issued_at"));
		set_money_json(x, "TOTAL", e, "total_minor", cur);
		set_money_json(x, "BALANCE", e, "balance_minor", cur);
		diff_lines(x, "DN_LINE", e, "lines", cur);
	}
	if (json_array_size(json_object_get(j, "debit_notes")) == 0)
		tmpl_show(d, "NO_DNS");
	for (int i = 0; i < RR__MAX; i++) {
		struct tmpl_dict *o = tmpl_add(d, "RES_OPT");
		tmpl_set(o, "VALUE", rate_res_name((enum rate_res)i));
		if (cn != NULL && cn->raw[K_RESOURCE] != NULL &&
		    strcmp(cn->raw[K_RESOURCE], rate_res_name((enum rate_res)i)) == 0)
			tmpl_show(o, "SELECTED");
	}
	if (json_integer_value(json_object_get(j, "balance_minor")) > 0)
		tmpl_show(d, "OPEN");
	json_decref(j);
	render(w, r, status, print ? "admin/invoice_print.tpl" : "admin/invoice.tpl", d);
}

static void
page_invoice(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;

	if (billing_page(w, q, r, &s, "Invoice", "invoices") == -1)
		return;
	render_invoice(w, q, r, &s, caps[0], 200, 0, NULL, NULL, NULL);
}

static void
page_invoice_print(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;

	if (billing_page(w, q, r, &s, "Invoice", "invoices") == -1)
		return;
	render_invoice(w, q, r, &s, caps[0], 200, 1, NULL, NULL, NULL);
}

/*
 * Parse an amount for an invoice's currency exactly (money_parse).  Returns
 * 0, or -1 with v->bad[K_AMOUNT] set (pointing into why[128]), 1 when the
 * invoice does not exist, -2 when the database failed.
 */
static int
amount_of(struct web *w, const char *number, struct vals *v, long long *minor, char why[128])
{
	char cur[4], email[255];
	long long account;
	int64_t m;
	int rc;

	if ((rc = db_admin_invoice_head(w->db, number, cur, &account, email)) < 0)
		return -2;
	if (rc == 0)
		return 1;
	if (money_parse(v->s[K_AMOUNT], cur, &m) == -1) {
		int e = money_exponent(cur);
		snprintf(why, 128, "An amount in %s with at most %d digit%s after the point, "
		    "such as %s.", cur, e, e == 1 ? "" : "s", e == 0 ? "1200" : e == 3 ? "12.345" : "12.34");
		v->bad[K_AMOUNT] = why;
		return -1;
	}
	*minor = m;
	return 0;
}

/* Record a payment; from the invoice page (path) or the payments page (form field). */
static void
payment(struct web *w, struct req *q, struct resp *r, const char *path_number)
{
	struct session s;
	struct vals v;
	char actor[80], err[256] = "", back[64], why[128];
	uint64_t mask = BIT(K_AMOUNT) | BIT(K_DATE) | BIT(K_REFERENCE);
	const char *number;
	long long amount = 0, id;
	int bad, rc;

	if (need_post(w, q, r, &s) == -1 || (rc = billing_ready(w, r)) < 0)
		return;
	if (rc == 0) {
		web_error(w, r, 409, "Billing is not available in this installation yet.");
		return;
	}
	if (path_number == NULL)
		mask |= BIT(K_INVOICE);
	bad = read_fields(&q->form, mask, &v);
	number = path_number != NULL ? path_number : v.s[K_INVOICE];
	if (path_number != NULL && !admin_invoice_number_valid(path_number, "INV")) {
		web_error(w, r, 404, "There is no such invoice.");
		return;
	}
	if (number != NULL && v.s[K_AMOUNT] != NULL) {
		if ((rc = amount_of(w, number, &v, &amount, why)) == -2) {
			unavailable(w, r);
			return;
		}
		if (rc == 1) {
			if (path_number != NULL) {
				web_error(w, r, 404, "There is no such invoice.");
				return;
			}
			v.bad[K_INVOICE] = "There is no invoice with this number.";
		}
		if (rc != 0)
			bad++;
		else if (amount == 0) {
			v.bad[K_AMOUNT] = "The amount must not be 0.";
			bad++;
		}
	}
	if (bad == 0) {
		actor_of(&s, actor);
		rc = db_payments_add(w->db, number, amount, v.n[K_DATE], v.s[K_REFERENCE], actor,
		    w->now, &id, err, sizeof(err));
		if (rc == BILLING_OK) {
			log_info("admin: %s recorded a payment on %s", s.subject, number);
			snprintf(back, sizeof(back), "/admin/invoices/%s", number);
			redirect_done(r, path_number != NULL ? back : "/admin/payments", "paid");
			return;
		}
		if (rc != BILLING_EINPUT) {
			if (rc == BILLING_ENOENT)
				web_error(w, r, 404, "There is no such invoice.");
			else
				unavailable(w, r);
			return;
		}
		v.bad[K_AMOUNT] = err;
	}
	if (path_number != NULL)
		render_invoice(w, q, r, &s, path_number, 422, 0, &v, NULL, "The payment has errors; see below.");
	else {
		struct tmpl_dict *d;
		struct admin_doc *rows = NULL;
		size_t n = 0;
		long long total;
		if (db_admin_payments(w->db, PAGE_ROWS, 0, &rows, &n, &total) != DB_OK) {
			unavailable(w, r);
			return;
		}
		d = admin_dict(w, &s, "Payments", "payments");
		if (d != NULL) {
			tmpl_set(tmpl_add(d, "ERROR"), "MSG", "The payment has errors; see below.");
			form_state(d, &v, mask);
			for (size_t i = 0; i < n; i++) {
				struct tmpl_dict *x = tmpl_add(d, "DOC");
				tmpl_set(x, "INVOICE", rows[i].invoice);
				tmpl_set(x, "TEXT", rows[i].text);
				tmpl_set(x, "ACTOR", rows[i].actor);
				set_money(x, "AMOUNT", rows[i].amount, rows[i].currency);
				set_date(x, "AT", rows[i].at);
			}
			if (n == 0)
				tmpl_show(d, "NO_DOCS");
		}
		free(rows);
		render(w, r, 422, "admin/payments.tpl", d);
	}
}

static void
page_invoice_payment(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	payment(w, q, r, caps[0]);
}

static void
page_payment_add(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)caps;
	payment(w, q, r, NULL);
}

static void
page_credit_note(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct vals v;
	struct db_cn_line l;
	char actor[80], err[256] = "", number[25], back[64], why[128];
	uint64_t mask = BIT(K_VE) | BIT(K_RESOURCE) | BIT(K_AMOUNT) | BIT(K_DESCRIPTION) | BIT(K_REASON);
	long long amount = 0;
	int bad, rc;

	if (need_post(w, q, r, &s) == -1 || (rc = billing_ready(w, r)) < 0)
		return;
	if (rc == 0) {
		web_error(w, r, 409, "Billing is not available in this installation yet.");
		return;
	}
	if (!admin_invoice_number_valid(caps[0], "INV")) {
		web_error(w, r, 404, "There is no such invoice.");
		return;
	}
	bad = read_fields(&q->form, mask, &v);
	if (v.s[K_REASON] == NULL && v.bad[K_REASON] == NULL) {
		v.bad[K_REASON] = "Say why the invoice is corrected.";
		bad++;
	}
	if (v.s[K_AMOUNT] != NULL) {
		if ((rc = amount_of(w, caps[0], &v, &amount, why)) == -2) {
			unavailable(w, r);
			return;
		}
		if (rc == 1) {
			web_error(w, r, 404, "There is no such invoice.");
			return;
		}
		if (rc == 0 && amount <= 0) {
			v.bad[K_AMOUNT] = "Enter the amount to credit as a positive number, such as 2.50.";
			rc = -1;
		}
		if (rc != 0)
			bad++;
	}
	if (bad == 0) {
		memset(&l, 0, sizeof(l));
		snprintf(l.ve_id, sizeof(l.ve_id), "%s", v.s[K_VE] ? v.s[K_VE] : "");
		l.res = (enum rate_res)v.n[K_RESOURCE];
		l.amount_minor = -amount;
		snprintf(l.description, sizeof(l.description), "%s", v.s[K_DESCRIPTION] ? v.s[K_DESCRIPTION] : "");
		actor_of(&s, actor);
		rc = db_payments_credit_note(w->db, caps[0], &l, 1, v.s[K_REASON], actor, w->now, number,
		    err, sizeof(err));
		if (rc == BILLING_OK) {
			log_info("admin: %s issued credit note %s on %s", s.subject, number, caps[0]);
			snprintf(back, sizeof(back), "/admin/invoices/%s", caps[0]);
			redirect_done(r, back, "credited");
			return;
		}
		if (rc == BILLING_ENOENT) {
			web_error(w, r, 404, "There is no such invoice.");
			return;
		}
		if (rc != BILLING_EINPUT) {
			unavailable(w, r);
			return;
		}
		v.bad[K_AMOUNT] = err;
	}
	render_invoice(w, q, r, &s, caps[0], 422, 0, NULL, &v, "The credit note has errors; see below.");
}

static void
docs_page(struct web *w, struct req *q, struct resp *r, int credit)
{
	struct session s;
	struct vals v;
	struct admin_doc *rows = NULL;
	struct tmpl_dict *d;
	long long total, page;
	size_t n = 0;
	int rc;

	if (billing_page(w, q, r, &s, credit ? "Credit notes" : "Payments",
	    credit ? "credit_notes" : "payments") == -1)
		return;
	read_fields(&q->query, BIT(K_PAGE), &v);
	page = v.s[K_PAGE] != NULL ? v.n[K_PAGE] : 1;
	rc = credit ? db_admin_credit_notes(w->db, PAGE_ROWS, (page - 1) * PAGE_ROWS, &rows, &n, &total) :
	    db_admin_payments(w->db, PAGE_ROWS, (page - 1) * PAGE_ROWS, &rows, &n, &total);
	if (rc != DB_OK) {
		unavailable(w, r);
		return;
	}
	if ((d = admin_dict(w, &s, credit ? "Credit notes" : "Payments",
	    credit ? "credit_notes" : "payments")) == NULL) {
		free(rows);
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	notice(d, q);
	if (!credit)
		set_date(d, "V_DATE", w->now);
	for (size_t i = 0; i < n; i++) {
		struct tmpl_dict *x = tmpl_add(d, "DOC");
		tmpl_set(x, "NUMBER", rows[i].number);
		tmpl_set(x, "INVOICE", rows[i].invoice);
		tmpl_set(x, "TEXT", rows[i].text);
		tmpl_set(x, "ACTOR", rows[i].actor);
		set_money(x, "AMOUNT", rows[i].amount, rows[i].currency);
		set_date(x, "AT", rows[i].at);
	}
	if (n == 0)
		tmpl_show(d, "NO_DOCS");
	tmpl_set_int(d, "TOTAL", total);
	pager(d, credit ? "/admin/credit-notes" : "/admin/payments", page, total, PAGE_ROWS);
	free(rows);
	render(w, r, 200, credit ? "admin/credit_notes.tpl" : "admin/payments.tpl", d);
}

static void
page_credit_notes(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)caps;
	docs_page(w, q, r, 1);
}

static void
page_payments(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)caps;
	docs_page(w, q, r, 0);
}

/* ---- debit notes (late usage, db_late.h) ---------------------------------------------------- */

static void
page_debit_notes(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct vals v;
	struct tmpl_dict *d;
	long long page, total;
	json_t *j, *e;
	size_t k;

	(void)caps;
	if (billing_page(w, q, r, &s, "Debit notes", "debit_notes") == -1)
		return;
	read_fields(&q->query, BIT(K_PAGE), &v);
	page = v.s[K_PAGE] != NULL ? v.n[K_PAGE] : 1;
	if ((j = db_docs_dn_list_json(w->db, PAGE_ROWS, (page - 1) * PAGE_ROWS, w->now)) == NULL) {
		unavailable(w, r);
		return;
	}
	if ((d = admin_dict(w, &s, "Debit notes", "debit_notes")) == NULL) {
		json_decref(j);
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	json_array_foreach(json_object_get(j, "debit_notes"), k, e) {
		struct tmpl_dict *x = tmpl_add(d, "DOC");
		const char *cur = json_string_value(json_object_get(e, "currency"));
		tmpl_set(x, "NUMBER", json_string_value(json_object_get(e, "number")));
		tmpl_set(x, "INVOICE", json_string_value(json_object_get(e, "invoice")));
		tmpl_set(x, "PERIOD", json_string_value(json_object_get(e, "period")));
		tmpl_set(x, "TEXT", json_string_value(json_object_get(e, "reason")));
		tmpl_set(x, "ACTOR", json_string_value(json_object_get(e, "actor")));
		tmpl_set(x, "STATUS", json_string_value(json_object_get(e, "status")));
		set_date(x, "AT", iso_of(e, "issued_at"));
		set_date(x, "DUE", iso_of(e, "due_at"));
		set_money_json(x, "AMOUNT", e, "total_minor", cur);
		set_money_json(x, "BALANCE", e, "balance_minor", cur);
	}
	total = (long long)json_integer_value(json_object_get(j, "total"));
	if (total == 0)
		tmpl_show(d, "NO_DOCS");
	tmpl_set_int(d, "TOTAL", total);
	pager(d, "/admin/debit-notes", page, total, PAGE_ROWS);
	json_decref(j);
	render(w, r, 200, "admin/debit_notes.tpl", d);
}

/* One debit note with its lines, payments and a payment form. */
static void
render_debit_note(struct web *w, struct req *q, struct resp *r, const struct session *s,
    const char *number, int status, const struct vals *pay, const char *error)
{
	struct tmpl_dict *d;
	json_t *j, *e;
	const char *cur;
	char title[64];
	size_t k;
	int rc = BILLING_ENOENT;

	if (!admin_invoice_number_valid(number, "DN") ||
	    (j = db_docs_dn_json(w->db, number, NULL, w->now, &rc)) == NULL) {
		if (rc == BILLING_ENOENT)
			web_error(w, r, 404, "There is no such debit note.");
		else
			unavailable(w, r);
		return;
	}
	cur = json_string_value(json_object_get(j, "currency"));
	snprintf(title, sizeof(title), "Debit note %s", number);
	if ((d = admin_dict(w, s, title, "debit_notes")) == NULL) {
		json_decref(j);
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	notice(d, q);
	if (error != NULL)
		tmpl_set(tmpl_add(d, "ERROR"), "MSG", error);
	if (pay != NULL)
		form_state(d, pay, BIT(K_AMOUNT) | BIT(K_DATE) | BIT(K_REFERENCE));
	else
		set_date(d, "V_DATE", w->now);
	tmpl_set(d, "NUMBER", number);
	tmpl_set(d, "INVOICE", json_string_value(json_object_get(j, "invoice")));
	tmpl_set(d, "PERIOD", json_string_value(json_object_get(j, "period")));
	tmpl_set(d, "REASON", json_string_value(json_object_get(j, "reason")));
	tmpl_set(d, "CURRENCY", cur);
	tmpl_set(d, "STATUS", json_string_value(json_object_get(j, "status")));
	set_time(d, "ISSUED", iso_of(j, "issued_at"));
	set_time(d, "DUE", iso_of(j, "due_at"));
	set_money_json(d, "SUBTOTAL", j, "subtotal_minor", cur);
	set_money_json(d, "TAX", j, "tax_minor", cur);
	set_money_json(d, "TOTAL", j, "total_minor", cur);
	set_money_json(d, "PAID", j, "paid_minor", cur);
	set_money_json(d, "BALANCE", j, "balance_minor", cur);
	diff_lines(d, "LINE", j, "lines", cur);
	json_array_foreach(json_object_get(j, "payments"), k, e) {
		struct tmpl_dict *x = tmpl_add(d, "PAYMENT");
		tmpl_set(x, "DATE", json_string_value(json_object_get(e, "date")));
		tmpl_set(x, "REFERENCE", json_string_value(json_object_get(e, "reference")));
		set_money_json(x, "AMOUNT", e, "amount_minor", cur);
	}
	if (json_array_size(json_object_get(j, "payments")) == 0)
		tmpl_show(d, "NO_PAYMENTS");
	json_decref(j);
	render(w, r, status, "admin/debit_note.tpl", d);
}

static void
page_debit_note(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;

	if (billing_page(w, q, r, &s, "Debit note", "debit_notes") == -1)
		return;
	render_debit_note(w, q, r, &s, caps[0], 200, NULL, NULL);
}

static void
page_debit_note_payment(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct vals v;
	char actor[80], err[256] = "", back[64], why[128];
	const char *cur;
	json_t *j;
	int64_t amount = 0;
	long long id;
	int bad, rc;

	if (need_post(w, q, r, &s) == -1 || (rc = billing_ready(w, r)) < 0)
		return;
	if (rc == 0) {
		web_error(w, r, 409, "Billing is not available in this installation yet.");
		return;
	}
	rc = BILLING_ENOENT;
	if (!admin_invoice_number_valid(caps[0], "DN") ||
	    (j = db_docs_dn_json(w->db, caps[0], NULL, w->now, &rc)) == NULL) {
		if (rc == BILLING_ENOENT)
			web_error(w, r, 404, "There is no such debit note.");
		else
			unavailable(w, r);
		return;
	}
	bad = read_fields(&q->form, BIT(K_AMOUNT) | BIT(K_DATE) | BIT(K_REFERENCE), &v);
	cur = json_string_value(json_object_get(j, "currency"));
	if (v.s[K_AMOUNT] != NULL) {
		if (money_parse(v.s[K_AMOUNT], cur, &amount) == -1) {
			int e = money_exponent(cur);
			snprintf(why, sizeof(why), "An amount in %s with at most %d digit%s after the "
			    "point, such as %s.", cur, e, e == 1 ? "" : "s",
			    e == 0 ? "1200" : e == 3 ? "12.345" : "12.34");
			v.bad[K_AMOUNT] = why;
			bad++;
		} else if (amount == 0) {
			v.bad[K_AMOUNT] = "The amount must not be 0.";
			bad++;
		}
	}
	json_decref(j);
	if (bad == 0) {
		actor_of(&s, actor);
		rc = db_payments_add(w->db, caps[0], amount, v.n[K_DATE], v.s[K_REFERENCE], actor,
		    w->now, &id, err, sizeof(err));
		if (rc == BILLING_OK) {
			log_info("admin: %s recorded a payment on %s", s.subject, caps[0]);
			snprintf(back, sizeof(back), "/admin/debit-notes/%s", caps[0]);
			redirect_done(r, back, "paid");
			return;
		}
		if (rc != BILLING_EINPUT) {
			unavailable(w, r);
			return;
		}
		v.bad[K_AMOUNT] = err;
	}
	render_debit_note(w, q, r, &s, caps[0], 422, &v, "The payment has errors; see below.");
}

/* ---- reports --------------------------------------------------------------------------------- */

static void
page_reports(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct tmpl_dict *d;
	int ready;

	(void)caps;
	if (need_login(w, q, r, &s) == -1 || (ready = billing_ready(w, r)) < 0)
		return;
	if ((d = admin_dict(w, &s, "Reports", "reports")) == NULL) {
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	for (int k = 0; k < AR__MAX; k++) {
		struct tmpl_dict *x = tmpl_add(d, "REPORT");
		tmpl_set(x, "NAME", admin_report_name((enum admin_report)k));
		tmpl_set(x, "ABOUT", admin_report_about((enum admin_report)k));
		if (admin_report_needs_billing((enum admin_report)k) && !ready)
			tmpl_show(x, "NA");
	}
	render(w, r, 200, "admin/reports.tpl", d);
}

/*
 * The range of a report page: from/to as given, else this month so far
 * (usage) or the last twelve months (billing's reports: a month is
 * invoiced after it ends).  Returns NULL, or the error with *field set.
 */
static const char *
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

static void
page_report(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct admin_table t;
	struct tmpl_dict *d, *x;
	struct vals v;
	char from[11], to[11], title[64], url[256];
	const char *why, *field = NULL;
	long long tf = 0, tt = 0;
	int k, ready, csv;

	if (need_login(w, q, r, &s) == -1 || (ready = billing_ready(w, r)) < 0)
		return;
	if ((k = admin_report_parse(caps[0])) < 0) {
		web_error(w, r, 404, "There is no such report.");
		return;
	}
	read_fields(&q->query, BIT(K_FORMAT), &v);
	csv = req_wants_csv(q) || (v.s[K_FORMAT] != NULL && strcmp(v.s[K_FORMAT], "csv") == 0);
	why = report_range(w, q, k, from, to, &tf, &tt, &field);
	if (csv && why == NULL && (ready || !admin_report_needs_billing((enum admin_report)k))) {
		char cd[128];
		if (db_report_table(w->db, (enum admin_report)k, tf, tt, w->now, &t) != DB_OK) {
			unavailable(w, r);
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
	if ((d = admin_dict(w, &s, title, "reports")) == NULL) {
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	tmpl_set(d, "REPORT", caps[0]);
	tmpl_set(d, "ABOUT", admin_report_about((enum admin_report)k));
	tmpl_set(d, "V_FROM", from);
	tmpl_set(d, "V_TO", to);
	if (why != NULL) {
		char up[8];
		upper(field, up, sizeof(up));
		snprintf(title, sizeof(title), "E_%s", up);
		tmpl_set(tmpl_add(d, title), "MSG", why);
		snprintf(title, sizeof(title), "BAD_%s", up);
		tmpl_show(d, title);
		render(w, r, 422, "admin/report.tpl", d);
		return;
	}
	if (admin_report_needs_billing((enum admin_report)k) && !ready) {
		tmpl_show(d, "BILLING_NA");
		render(w, r, 200, "admin/report.tpl", d);
		return;
	}
	if (db_report_table(w->db, (enum admin_report)k, tf, tt, w->now, &t) != DB_OK) {
		tmpl_dict_free(d);
		unavailable(w, r);
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
	render(w, r, 200, "admin/report.tpl", d);
}

/* ---- charts ------------------------------------------------------------------------------------ */

/* The smallest 1, 2 or 5 times a power of ten that is >= x (x > 0). */
static double
nice_step(double x)
{
	double p = 1;

	while (p * 10 <= x)
		p *= 10;
	while (p > x)
		p /= 10;
	return p >= x ? p : p * 2 >= x ? p * 2 : p * 5 >= x ? p * 5 : p * 10;
}

/* A bar chart of labelled values (pictures only: doubles are fine here). */
static int
bar_chart(struct buf *out, const char *title, const char *unit, const char *const *labels,
    const double *v, size_t n)
{
	const int w = 640, h = 240, ml = 64, mr = 14, mt = 30, mb = 44;
	double max = 0, step, top, pw = w - ml - mr, ph = h - mt - mb, bw;
	char s[64];

	for (size_t i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	step = nice_step(max > 0 ? max / 4 : 0.25);
	top = step;
	while (top < max)
		top += step;
	bw = n > 0 ? pw / (double)n : pw;
	buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
	    "height=\"%d\" role=\"img\" aria-labelledby=\"title\"><title id=\"title\">", w, h, w, h);
	svg_escape(out, title);
	buf_printf(out, "</title><rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>", w, h);
	buf_printf(out, "<text x=\"%d\" y=\"18\" font-family=\"system-ui, sans-serif\" font-size=\"13\" "
	    "font-weight=\"600\" fill=\"#111827\">", ml);
	svg_escape(out, title);
	buf_puts(out, "</text>");
	for (double g = 0; g <= top + step / 2; g += step) {
		double y = mt + ph - g / top * ph;
		svg_si(g, s, sizeof(s));
		buf_printf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e7eb\"/>"
		    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-family=\"system-ui, sans-serif\" "
		    "font-size=\"11\" fill=\"#6b7280\">", ml, y, w - mr, y, ml - 6, y + 4);
		svg_escape(out, s);
		buf_puts(out, "</text>");
	}
	buf_printf(out, "<text x=\"12\" y=\"%d\" font-family=\"system-ui, sans-serif\" font-size=\"11\" "
	    "fill=\"#6b7280\" transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">", mt + (int)ph / 2,
	    mt + (int)ph / 2);
	svg_escape(out, unit);
	buf_puts(out, "</text>");
	for (size_t i = 0; i < n; i++) {
		double bh = top > 0 ? v[i] / top * ph : 0, x = ml + bw * (double)i;
		buf_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#2563eb\">"
		    "<title>", x + bw * 0.15, mt + ph - bh, bw * 0.7, bh);
		svg_escape(out, labels[i]);
		svg_si(v[i], s, sizeof(s));
		buf_puts(out, ": ");
		svg_escape(out, s);
		buf_puts(out, "</title></rect>");
		/* Labels of every bar when they fit, else of every k-th. */
		size_t every = n > 12 ? (n + 11) / 12 : 1;
		if (i % every == 0) {
			buf_printf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-family=\"system-ui, "
			    "sans-serif\" font-size=\"11\" fill=\"#374151\">", x + bw / 2, h - mb + 16);
			svg_escape(out, labels[i]);
			buf_puts(out, "</text>");
		}
	}
	if (n == 0)
		buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-family=\"system-ui, "
		    "sans-serif\" font-size=\"13\" fill=\"#6b7280\">nothing in this range</text>",
		    ml + (int)pw / 2, mt + (int)ph / 2);
	buf_printf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#6b7280\"/></svg>\n",
	    ml, mt + ph, w - mr, mt + ph);
	return out->oom ? -1 : 0;
}

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

static void
page_chart_report(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	static const char *const ages[] = { "not due", "1-30 days", "31-60 days", "61-90 days",
	    "over 90 days" };
	struct session s;
	struct vals v;
	struct admin_table t;
	const char *labels[MAX_BARS], *field;
	double val[MAX_BARS];
	char from[11], to[11], cur[4] = "", title[160], unit[64];
	long long tf, tt;
	size_t n = 0;
	int rc, ready;

	(void)caps;
	if ((rc = session(w, q, r, &s)) < 0)
		return;
	if (rc == 0) {
		web_error(w, r, 403, "Log in to see the charts.");
		return;
	}
	if (read_fields(&q->query, BIT(K_REPORT), &v) > 0 ||
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
		/* At most five years and a day of days (admin_range_check). */
		enum { MAXD = 366 * ADMIN_MAX_SPAN_YEARS + 2 };
		struct admin_day *days = calloc(MAXD, sizeof(*days));
		double *in = calloc(MAXD, sizeof(double)), *outv = calloc(MAXD, sizeof(double));
		struct svg_series ser[2] = { { "in", "#2563eb", in }, { "out", "#d97706", outv } };
		struct svg_chart c;
		size_t nd = (size_t)((tt - tf) / 86400);
		if (nd > MAXD)
			nd = MAXD;
		if (days == NULL || in == NULL || outv == NULL ||
		    db_report_usage_days(w->db, tf, tt, days, MAXD, &n) != DB_OK) {
			free(days);
			free(in);
			free(outv);
			unavailable(w, r);
			return;
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
			web_error(w, r, 500, "Out of memory.");
		free(days);
		free(in);
		free(outv);
		return;
	}
	if (!ready) {
		web_error(w, r, 404, "Billing is not available in this installation yet.");
		return;
	}
	if (db_report_table(w->db, (enum admin_report)v.n[K_REPORT], tf, tt, w->now, &t) != DB_OK) {
		unavailable(w, r);
		return;
	}
	switch (v.n[K_REPORT]) {
	case AR_REVENUE:
		n = bars_from(&t, 0, 8, 2, cur, labels, val);
		snprintf(title, sizeof(title), "Net revenue per month (%s)", cur[0] ? cur : "no invoices");
		break;
	case AR_OVERAGE:
		n = bars_from(&t, 4, 8, 9, cur, labels, val);
		snprintf(title, sizeof(title), "Overage per resource (%s)", cur[0] ? cur : "no overage");
		break;
	default:
		/* Open amounts by how long they are overdue. */
		for (size_t i = 0; i < nitems(ages); i++) {
			labels[i] = ages[i];
			val[i] = 0;
		}
		n = nitems(ages);
		for (size_t i = 0; i < t.nrows; i++) {
			const char *es;
			long long late = vep_strtonum(admin_table_cell(&t, i, 11), 0, 1000000, &es);
			size_t b = late == 0 ? 0 : late <= 30 ? 1 : late <= 60 ? 2 : late <= 90 ? 3 : 4;
			if (cur[0] == '\0')
				snprintf(cur, sizeof(cur), "%s", admin_table_cell(&t, i, 10));
			if (strcmp(cur, admin_table_cell(&t, i, 10)) == 0)
				val[b] += strtod(admin_table_cell(&t, i, 9), NULL);
		}
		snprintf(title, sizeof(title), "Open amounts by age (%s)", cur[0] ? cur : "nothing open");
		break;
	}
	snprintf(unit, sizeof(unit), "%s", cur[0] ? cur : "");
	if (bar_chart(&r->body, title, unit, labels, val, n) == -1)
		web_error(w, r, 500, "Out of memory.");
	admin_table_free(&t);
}

static void
page_chart_ve(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	static const long long step_of[] = { 60, 3600, 86400 };
	static const size_t n_of[] = { 60, 24, 30 };
	static const char *const titles[] = { "CPU", "Virtual memory", "Disk", "Traffic" };
	static const char *const spans[] = { "last hour", "last day", "last month" };
	struct ve_point pts[64];
	struct session s;
	struct vals v;
	struct ve_info vi;
	struct svg_series ser[2];
	struct svg_chart c;
	double a[64], b[64];
	long long step, from, to;
	size_t n = 0, nb;
	char title[128];
	int rc, range;

	(void)caps;
	if ((rc = session(w, q, r, &s)) < 0)
		return;
	if (rc == 0) {
		web_error(w, r, 403, "Log in to see the charts.");
		return;
	}
	if (read_fields(&q->query, BIT(K_VE) | BIT(K_METRIC) | BIT(K_RANGE), &v) > 0 || v.s[K_VE] == NULL) {
		web_error(w, r, 400, "Ask for ve_id=VEID, metric=cpu|vmem|disk|net and range=hour|day|month.");
		return;
	}
	range = v.s[K_RANGE] != NULL ? (int)v.n[K_RANGE] : 1;
	if ((rc = db_ve_get(w->db, v.s[K_VE], &vi)) <= 0) {
		web_error(w, r, rc < 0 ? 503 : 404, rc < 0 ? "The service is briefly unavailable." :
		    "There is no such VE.");
		return;
	}
	step = step_of[range];
	nb = n_of[range];
	to = w->now - w->now % step + step;
	from = to - (long long)nb * step;
	if (db_ve_series(w->db, v.s[K_VE], (enum ve_range)range, from, to, pts, nitems(pts), &n) != DB_OK) {
		ve_info_free(&vi);
		unavailable(w, r);
		return;
	}
	for (size_t i = 0; i < nb; i++)
		a[i] = b[i] = NAN;
	for (size_t i = 0; i < n; i++) {
		size_t j = (size_t)((pts[i].t - from) / step);
		if (pts[i].t < from || j >= nb)
			continue;
		switch (v.n[K_METRIC]) {
		case 0:
			a[j] = (double)pts[i].cpu_us * (double)vi.bogomips_per_cpu / ((double)step * 1e6);
			break;
		case 1:
			a[j] = pts[i].samples > 0 ? (double)pts[i].vmem_sum / (double)pts[i].samples : NAN;
			break;
		case 2:
			a[j] = pts[i].samples > 0 ? (double)pts[i].disk_sum / (double)pts[i].samples : NAN;
			break;
		default:
			a[j] = (double)pts[i].net_in;
			b[j] = (double)pts[i].net_out;
			break;
		}
	}
	memset(&c, 0, sizeof(c));
	snprintf(title, sizeof(title), "%s of VE %s, %s", titles[v.n[K_METRIC]], vi.ve_id, spans[range]);
	c.title = title;
	c.t0 = from;
	c.step = step;
	c.n = nb;
	c.series = ser;
	c.nseries = 1;
	c.tfmt = range == 2 ? SVG_DAY : SVG_HHMM;
	ser[0] = (struct svg_series){ titles[v.n[K_METRIC]], "#2563eb", a };
	switch (v.n[K_METRIC]) {
	case 0:
		c.unit = "bogomips";
		c.limit = (double)vi.o.n[OF_CPU_MIN_BOGOMIPS];
		c.limit_label = "reserved";
		break;
	case 1:
		c.unit = "bytes";
		c.limit = (double)vi.o.n[OF_MEM_MAX_MB] * 1e6;
		c.limit_label = "limit";
		break;
	case 2:
		c.unit = "bytes";
		c.limit = (double)vi.o.n[OF_DISK_QUOTA_MB] * 1e6;
		c.limit_label = "quota";
		break;
	default:
		ser[0] = (struct svg_series){ "in", "#2563eb", a };
		ser[1] = (struct svg_series){ "out", "#d97706", b };
		c.nseries = 2;
		c.unit = range == 0 ? "bytes per minute" : range == 1 ? "bytes per hour" : "bytes per day";
		break;
	}
	ve_info_free(&vi);
	r->private_page = 1;
	r->ctype = "image/svg+xml";
	r->status = 200;
	buf_reset(&r->body);
	if (svg_chart(&r->body, &c) == -1)
		web_error(w, r, 500, "Out of memory.");
}

/* ---- audit log --------------------------------------------------------------------------------- */

static void
page_audit(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct session s;
	struct vals v;
	struct admin_audit *a = NULL;
	struct tmpl_dict *d;
	char base[200] = "/admin/audit";
	long long total = 0, page;
	size_t n = 0;
	int bad;

	(void)caps;
	if (need_login(w, q, r, &s) == -1)
		return;
	bad = read_fields(&q->query, BIT(K_OBJECT) | BIT(K_PAGE), &v);
	page = v.s[K_PAGE] != NULL ? v.n[K_PAGE] : 1;
	if (bad == 0 && db_report_audit(w->db, v.s[K_OBJECT], AUDIT_ROWS, (page - 1) * AUDIT_ROWS, &a,
	    &n, &total) != DB_OK) {
		unavailable(w, r);
		return;
	}
	if ((d = admin_dict(w, &s, "Audit log", "audit")) == NULL) {
		free(a);
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	form_state(d, &v, BIT(K_OBJECT));
	audit_rows(d, a, n);
	tmpl_set_int(d, "TOTAL", total);
	qs_add(base, sizeof(base), "object", v.s[K_OBJECT]);
	pager(d, base, page, total, AUDIT_ROWS);
	free(a);
	render(w, r, bad > 0 ? 422 : 200, "admin/audit.tpl", d);
}

int
main(int argc, char **argv)
{
	return web_main(argc, argv, "vep-admin", pages, nitems(pages), NULL);
}
