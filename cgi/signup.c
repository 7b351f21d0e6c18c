/*
 * vep-signup: the VE creation screen (origin document Appendix 7.3.1).
 *
 * The form is built from lib/domain/order.c's field table, so it offers exactly
 * the fields POST /api/v1/orders accepts, with the same labels, units and
 * rules; an order is checked by order_check and placed by ve_place for
 * both.  CSRF protection is a signed double submit (lib/web/web.c,
 * web_form_token_*): GET /signup puts a token signed with [web]
 * form_key_file in a cookie and the same token in a hidden field, and a
 * POST must bring both, equal, signed by us for this form and fresh, so a
 * client cannot make up a pair of its own.  A hidden random idempotency
 * key makes a double click create one VE.
 *
 * The same form orders a VE into a customer account (issue 18) at
 * /account/order: with the account's session (vep_acct, made by
 * vep-account) and its CSRF token instead of the signed form token, only
 * once the account's e-mail address is confirmed; the order's e-mail is
 * the account's, and the VE is placed into that account instead of a new
 * one (ve_place_account).  w->app points at the account during such a
 * request, NULL otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "db.h"
#include "db_account.h"
#include "db_ve.h"
#include "fmt.h"
#include "form.h"
#include "order.h"
#include "order_crypt.h"
#include "page.h"
#include "signup_quote.h"
#include "tmpl.h"
#include "util.h"
#include "web.h"

static void	page_form(struct web *, struct req *, struct resp *, char [][80]);
static void	page_order(struct web *, struct req *, struct resp *, char [][80]);

static void	page_acct_form(struct web *, struct req *, struct resp *, char [][80]);
static void	page_acct_order(struct web *, struct req *, struct resp *, char [][80]);

enum pageid { P_FORM, P_ORDER, P_ACCT_FORM, P_ACCT_ORDER, P__MAX };

/* Anyone may order; into an account only with its session (and the session's CSRF token). */
static const struct page pages[P__MAX] = {
	[P_FORM] = { "/signup", M_GET, page_form, PAGE_PUBLIC },
	[P_ORDER] = { "/signup", M_POST, page_order, PAGE_PUBLIC },
	[P_ACCT_FORM] = { "/account/order", M_GET, page_acct_form, PAGE_LOGIN },
	[P_ACCT_ORDER] = { "/account/order", M_POST, page_acct_order, PAGE_LOGIN | PAGE_CSRF },
};

static int	acct_email(struct order *, const char *email);

/* The account an order goes into (w->app while /account/order is served). */
struct acct_ctx {
	long long	 id;
	char		 email[255];
	const char	*csrf;		/* the session's */
};

/* The form's own fields; the order's are validated by lib/domain/order.c. */
enum key { K_CSRF, K__MAX };

static const struct form_field fields[K__MAX] = {
	[K_CSRF] = { "csrf", form_v_signed, 1, NULL, 1 },
};

#define TOKEN_COOKIE	"vep_csrf"
#define TOKEN_PURPOSE	"signup"

/* What a fresh form shows, so that only the basic part needs filling in. */
static const char *const preset[OF__MAX] = {
	[OF_DISK_QUOTA_MB] = "10000",
	[OF_ALWAYS_ON] = "true",
	[OF_LIFETIME_DAYS] = "365",
	[OF_FS_FAULT_TOLERANCE_S] = "60",
	[OF_BACKUP_HOURS] = "24",
	[OF_FIREWALL] = "client",
	[OF_IP_COUNT] = "1",
};
#define PRESET_LOGINS	LOGIN_SSH

/* The groups of min/max fields, named once for the form. */
static const char *const pair_label[OF__MAX] = {
	[OF_NET_BW_MIN_KBPS] = "Network bandwidth, in and out together",
	[OF_NET_IN_BW_MIN_KBPS] = "Inbound bandwidth",
	[OF_NET_OUT_BW_MIN_KBPS] = "Outbound bandwidth",
	[OF_NET_QUOTA_MIN_MB] = "Network traffic, in and out together",
	[OF_NET_IN_QUOTA_MIN_MB] = "Inbound traffic",
	[OF_NET_OUT_QUOTA_MIN_MB] = "Outbound traffic",
};

/* 51200 MB as "51.2 GB": sizes in decimal units, as everywhere. */
static void
fmt_mb(long long mb, char *out, size_t outlen)
{
	if (mb >= 1000 && mb % 1000 == 0)
		snprintf(out, outlen, "%lld GB", mb / 1000);
	else if (mb >= 1000 && mb % 100 == 0)
		snprintf(out, outlen, "%lld.%lld GB", mb / 1000, mb % 1000 / 100);
	else
		snprintf(out, outlen, "%lld MB", mb);
}

static void
plan_text(const struct order_plan *p, char *inc, size_t inclen, char *ov, size_t ovlen)
{
	static const char *const inc_name[6] = { "GB of disk", "GB of traffic", "GB inbound",
	    "GB outbound", "CPU hours", "GB-hours of memory" };
	static const char *const ov_name[6] = { "GB-month of disk", "GB of traffic", "GB inbound",
	    "GB outbound", "CPU hour", "GB-hour of memory" };
	size_t a = 0, b = 0;
	char m[48];

	inc[0] = ov[0] = '\0';
	for (size_t i = 0; i < 6; i++) {
		if (p->inc[i] > 0 && a < inclen)
			a += (size_t)snprintf(inc + a, inclen - a, "%s%lld %s", a ? ", " : "", p->inc[i], inc_name[i]);
		if (p->ov[i] > 0 && b < ovlen) {
			order_money(p->ov[i], p->currency, m, sizeof(m));
			b += (size_t)snprintf(ov + b, ovlen - b, "%s%s per %s", b ? ", " : "", m, ov_name[i]);
		}
	}
	if (a == 0)
		snprintf(inc, inclen, "no usage allowance");
}

/* The plans as cards to choose from (the first one chosen on a fresh form). */
static void
plan_cards(struct tmpl_dict *row, const char *val, const struct order *o,
    const struct order_catalog *cat)
{
	struct tmpl_dict *d = tmpl_add(row, "K_PLANS"), *x;
	char buf[256], inc[256], ov[400];

	for (size_t i = 0; i < cat->nplans; i++) {
		const struct order_plan *p = &cat->plans[i];
		x = tmpl_add(d, "PLAN");
		tmpl_set(x, "CODE", p->code);
		tmpl_set(x, "PNAME", p->name);
		order_money(p->fee_minor, p->currency, buf, sizeof(buf));
		tmpl_set(x, "FEE", buf);
		fmt_mb(p->max_disk_quota_mb, buf, sizeof(buf));
		tmpl_set(x, "MAX_DISK", buf);
		tmpl_set_int(x, "MAX_IPS", p->max_ip_count);
		tmpl_set(x, "IPS_PLURAL", p->max_ip_count == 1 ? "" : "es");
		order_logins_text(p->login_mask, buf, sizeof(buf));
		tmpl_set(x, "LOGINS", buf);
		plan_text(p, inc, sizeof(inc), ov, sizeof(ov));
		tmpl_set(x, "INCLUDED", inc);
		if (ov[0] != '\0')
			tmpl_set(tmpl_add(x, "OVERAGE"), "TEXT", ov);
		if (o != NULL ? strcmp(val, p->code) == 0 : i == 0)
			tmpl_show(x, "CHECKED");
	}
	if (cat->nplans == 0)
		tmpl_show(d, "NO_PLANS");
}

/* The templates, or the firewall rulesets offered, as a select. */
static void
select_row(struct tmpl_dict *row, enum order_type type, const char *val, const struct order *o,
    const struct order_catalog *cat, char **rulesets)
{
	struct tmpl_dict *d = tmpl_add(row, "K_SELECT");

	if (type == OT_CODE) {
		for (size_t i = 0; i < cat->ntmpls; i++)
			page_option(d, cat->tmpls[i].code, cat->tmpls[i].name,
			    o != NULL ? strcmp(val, cat->tmpls[i].code) == 0 : i == 0);
		return;
	}
	page_option(d, "", rulesets != NULL && rulesets[0] != NULL ?
	    "No ruleset (choose one with the \"file\" style)" : "No rulesets are offered", 0);
	for (size_t i = 0; rulesets != NULL && rulesets[i] != NULL; i++)
		page_option(d, rulesets[i], rulesets[i], strcmp(val, rulesets[i]) == 0);
}

/* One radio button or checkbox (K_CHOICE's OPTION) with its description. */
static void
choice(struct tmpl_dict *d, const char *type, const char *value, const char *desc, int checked)
{
	struct tmpl_dict *x = tmpl_add(d, "OPTION");

	tmpl_set(x, "TYPE", type);
	tmpl_set(x, "VALUE", value);
	tmpl_set(x, "TEXT", value);
	tmpl_set(tmpl_add(x, "DESC"), "D", desc);
	if (checked)
		tmpl_show(x, "CHECKED");
}

/* Always on or on demand, the login services, the firewall style. */
static void
choice_row(struct tmpl_dict *row, size_t k, const char *val, const struct order *o)
{
	static const char *const desc[ORDER_NLOGINS] = { "encrypted shell (recommended)",
	    "plain-text terminal", "remote shell", "graphical sessions" };
	struct tmpl_dict *d = tmpl_add(row, "K_CHOICE"), *x;
	unsigned mask = o != NULL ? (unsigned)o->n[k] : PRESET_LOGINS;

	switch (order_fields[k].type) {
	case OT_BOOL:
		for (int b = 1; b >= 0; b--) {
			x = tmpl_add(d, "OPTION");
			tmpl_set(x, "TYPE", "radio");
			tmpl_set(x, "VALUE", b ? "true" : "false");
			tmpl_set(x, "TEXT", b ? "Always on" : "On demand");
			tmpl_set(tmpl_add(x, "DESC"), "D", b ? "runs all the time" :
			    "may sleep while nobody uses it");
			if (strcmp(val, b ? "true" : "false") == 0)
				tmpl_show(x, "CHECKED");
		}
		break;
	case OT_LOGINS:
		for (size_t i = 0; i < ORDER_NLOGINS; i++)
			choice(d, "checkbox", order_login_names[i], desc[i], (mask & (1u << i)) != 0);
		break;
	default:
		for (int i = 0; i < FW__MAX; i++)
			choice(d, "radio", order_firewall_names[i], order_firewall_help[i],
			    strcmp(val, order_firewall_names[i]) == 0);
		break;
	}
}

/* A min/max pair of fields as one row (k the *_min field). */
static void
pair_row(struct tmpl_dict *row, size_t k, const char *val, const char *err, const struct order *o,
    const struct order_errs *e)
{
	const struct order_field *f = &order_fields[k], *g2 = &order_fields[f->pair];
	const char *v2 = o != NULL ? o->raw[f->pair] : NULL, *err2 = order_err_get(e, g2->name);
	struct tmpl_dict *d = tmpl_add(row, "K_PAIR");

	tmpl_set(d, "GROUP_LABEL", pair_label[k] ? pair_label[k] : f->label);
	tmpl_set(d, "UNIT", f->unit);
	tmpl_set(d, "VALUE", val);
	tmpl_set(d, "NAME2", g2->name);
	tmpl_set(d, "VALUE2", v2 ? v2 : "");
	tmpl_set(d, "HELP", "The minimum is reserved for you, the maximum is a cap; "
	    "0 or empty means not set.");
	if (err != NULL) {
		tmpl_show(d, "BAD_MIN");
		tmpl_show(d, "BAD");
	}
	if (err2 != NULL) {
		tmpl_set(tmpl_add(d, "BAD_MAX"), "ERROR2", err2);
		tmpl_show(d, "BAD");
	}
}

/* A text, number, e-mail or password input. */
static void
input_row(struct tmpl_dict *row, const struct order_field *f, const char *val)
{
	struct tmpl_dict *d = tmpl_add(row, "K_INPUT");

	tmpl_set(d, "TYPE", f->type == OT_EMAIL ? "email" : f->type == OT_PASSWORD ? "password" : "text");
	tmpl_set(d, "AUTOCOMPLETE", f->type == OT_EMAIL ? "email" : f->type == OT_PASSWORD ?
	    "new-password" : "off");
	/* A password is never sent back. */
	tmpl_set(d, "VALUE", f->type == OT_PASSWORD ? "" : val);
	if (f->type == OT_INT)
		tmpl_show(d, "NUMERIC");
	if (f->required)
		tmpl_show(d, "REQ");
	if (f->unit != NULL)
		tmpl_set(tmpl_add(d, "UNIT"), "TEXT", f->unit);
}

/* Every field of the table as a form row; o NULL shows a fresh form. */
static void
add_rows(struct tmpl_dict *g, int advanced, const struct order *o, const struct order_errs *e,
    const struct order_catalog *cat, char **rulesets, int in_account)
{
	for (size_t k = 0; k < OF__MAX; k++) {
		const struct order_field *f = &order_fields[k];
		const char *val = o != NULL ? o->raw[k] : preset[k], *err = order_err_get(e, f->name);
		struct tmpl_dict *row, *d;

		if (f->advanced != advanced || k == OF_IDEMPOTENCY_KEY)
			continue;
		if (in_account && k == OF_EMAIL)
			continue;	/* the account's address */
		if (f->pair < 0 && k > 0 && order_fields[k - 1].pair == (int)k)
			continue;	/* a *_max field, drawn with its *_min */
		if (val == NULL)
			val = "";
		row = tmpl_add(g, "ROW");
		tmpl_set(row, "NAME", f->name);
		tmpl_set(row, "LABEL", f->label);
		tmpl_set(row, "HELP", f->help);
		if (err != NULL)
			tmpl_set(tmpl_add(row, "BAD"), "ERROR", err);
		if (f->pair >= 0) {
			pair_row(row, k, val, err, o, e);
			continue;
		}
		switch (f->type) {
		case OT_CODE:
			if (k == OF_PLAN)
				plan_cards(row, val, o, cat);
			else
				select_row(row, OT_CODE, val, o, cat, rulesets);
			break;
		case OT_RULESET:
			select_row(row, OT_RULESET, val, o, cat, rulesets);
			break;
		case OT_EMAIL:
		case OT_PASSWORD:
		case OT_INT:
		case OT_KEY:
			input_row(row, f, val);
			break;
		case OT_BOOL:
		case OT_LOGINS:
		case OT_FIREWALL:
			choice_row(row, k, val, o);
			break;
		case OT_NAMES:
		case OT_TEXT:
			d = tmpl_add(row, "K_TEXTAREA");
			tmpl_set(d, "VALUE", val);
			tmpl_set_int(d, "ROWS", f->type == OT_NAMES ? 3 : 4);
			break;
		}
	}
}

/* Whether the customer set anything in the advanced part (it then stays open). */
static int
adv_changed(const struct order *o)
{
	for (size_t k = 0; o != NULL && k < OF__MAX; k++) {
		const char *v = o->raw[k], *p = preset[k] ? preset[k] : "";
		if (order_fields[k].advanced && k != OF_IDEMPOTENCY_KEY && v != NULL && strcmp(v, p) != 0 &&
		    !(strcmp(v, "0") == 0 && *p == '\0'))
			return 1;
	}
	return 0;
}

/*
 * The form, fresh (o NULL) or re-shown with the customer's values (never
 * the password), its errors, and a notice.
 */
static void
render_form(struct web *w, struct req *q, struct resp *r, int status, const struct order *o,
    const struct order_errs *e, const struct order_catalog *cat, const char *notice)
{
	static const struct order_errs none;
	const struct acct_ctx *ac = w->app;
	struct tmpl_dict *d, *g, *x;
	const char *key;
	char token[AUTH_FORM_TOKEN_MAX], fresh_key[33];
	char **rulesets;
	int adv_bad = 0;

	if (e == NULL)
		e = &none;
	r->private_page = 1;
	/* One token per browser session: reuse a good cookie, else make one (an account: its session's). */
	if (ac != NULL)
		snprintf(token, sizeof(token), "%s", ac->csrf);
	else if (web_form_token_issue(w, q, r, TOKEN_COOKIE, TOKEN_PURPOSE, 1, token) == -1) {
		web_error(w, r, 500, "No randomness is available.");
		return;
	}
	/* The same key as the first attempt: fixing a mistake and sending again is one order. */
	key = o != NULL ? o->raw[OF_IDEMPOTENCY_KEY] : NULL;
	if (key == NULL || strlen(key) != 32 || strspn(key, "0123456789abcdef") != 32 ||
	    order_err_get(e, "idempotency_key") != NULL) {
		if (auth_token_hex(fresh_key, 16) == -1) {
			web_error(w, r, 500, "No randomness is available.");
			return;
		}
		key = fresh_key;
	}
	rulesets = order_rulesets(conf_str(w->conf, "web", "firewall_dir"));
	if ((d = page_dict(w, "Order a VE")) == NULL) {
		order_names_free(rulesets);
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	tmpl_set(d, "CSRF", token);
	tmpl_set(d, "IDEMPOTENCY_KEY", key);
	tmpl_set(d, "ACTION", ac != NULL ? "/account/order" : "/signup");
	if (ac != NULL)
		tmpl_set(tmpl_add(d, "ACCOUNT"), "EMAIL", ac->email);
	if (notice != NULL)
		tmpl_set(tmpl_add(d, "NOTICE"), "TEXT", notice);
	if (e->n > 0) {
		x = tmpl_add(d, "ERRORS");
		tmpl_set_int(x, "COUNT", (long long)e->n);
		tmpl_set(x, "WHAT", e->n == 1 ? "thing" : "things");
		for (size_t i = 0; i < e->n; i++) {
			struct tmpl_dict *y = tmpl_add(x, "ERR");
			const char *label = e->e[i].field;
			for (size_t k = 0; k < OF__MAX; k++)
				if (strcmp(order_fields[k].name, e->e[i].field) == 0) {
					label = order_fields[k].label;
					adv_bad |= order_fields[k].advanced;
				}
			tmpl_set(y, "NAME", e->e[i].field);
			tmpl_set(y, "LABEL", label);
			tmpl_set(y, "MSG", e->e[i].msg);
		}
	}
	g = tmpl_add(d, "GROUP");
	tmpl_set(g, "LEGEND", "Your VE");
	add_rows(g, 0, o, e, cat, rulesets, ac != NULL);
	g = tmpl_add(d, "GROUP");
	tmpl_set(g, "LEGEND", "Resources, protection and addresses");
	x = tmpl_add(g, "ADV");
	if (adv_bad || adv_changed(o))
		tmpl_show(x, "OPEN");
	add_rows(g, 1, o, e, cat, rulesets, ac != NULL);
	signup_quote(d, w->conf, o, cat, 10000, w->now);	/* preset[OF_DISK_QUOTA_MB] */
	order_names_free(rulesets);
	r->status = status;
	page_render(w, r, "signup/form.tpl", d);
	tmpl_dict_free(d);
}

/* Today's catalogue (plans, templates) into cat: 0, or -1 with a 503 in r. */
static int
catalog(struct web *w, struct resp *r, struct order_catalog *cat)
{
	if (web_db(w, r) == NULL)
		return -1;
	if (db_ve_catalog(w->db, w->now, cat) != DB_OK) {
		web_unavailable(w, r);
		return -1;
	}
	return 0;
}

static void
page_form(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct order_catalog cat;

	(void)caps;
	if (catalog(w, r, &cat) == -1)
		return;
	render_form(w, q, r, 200, NULL, NULL, &cat, NULL);
	order_catalog_free(&cat);
}

/* The answer page: the VE as created, and the order beside what was received. */
static void
render_created(struct web *w, struct resp *r, struct db *db, const char *ve_id, const char *pw,
    const struct order_catalog *cat)
{
	const struct order_plan *pl;
	struct ve_info v;
	struct tmpl_dict *d, *x;
	char buf[1100], iso[21], unset[1024];
	size_t off = 0;

	if (db_ve_get(db, ve_id, &v) != 1) {
		web_error(w, r, 503, "Your VE was created but cannot be shown right now; log in to My VE "
		    "with its VEid and password.");
		return;
	}
	unset[0] = '\0';
	pl = order_plan_find(cat, v.o.s[OF_PLAN]);
	if ((d = page_dict(w, pw != NULL ? "Your VE is ready" : "Already ordered")) == NULL) {
		ve_info_free(&v);
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	r->private_page = 1;
	tmpl_show(d, pw != NULL ? "FRESH" : "AGAIN");
	if (w->app != NULL)
		tmpl_show(d, "IN_ACCOUNT");
	if (pw != NULL)
		tmpl_set(tmpl_add(d, "PASSWORD"), "PW", pw);
	tmpl_set(d, "VE_ID", v.ve_id);
	tmpl_set(d, "STATE", v.state);
	fmt_time(v.expires_at, buf, sizeof(buf));
	tmpl_set(d, "EXPIRES", buf);
	vep_iso8601(v.expires_at, iso);
	tmpl_set(d, "EXPIRES_ISO", iso);
	order_logins_text((unsigned)v.o.n[OF_LOGIN], buf, sizeof(buf));
	tmpl_set(d, "LOGINS", buf);
	tmpl_set(d, "TEMPLATE", v.template_name);
	tmpl_set(d, "PLAN", v.plan_name);
	if (pl != NULL)
		order_money(pl->fee_minor, pl->currency, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "see your plan");
	tmpl_set(d, "FEE", buf);
	signup_quote(d, w->conf, &v.o, cat, 0, w->now);
	for (size_t i = 0; i < v.nips; i++) {
		x = tmpl_add(d, "IP");
		tmpl_set_int(x, "N", (long long)i + 1);
		tmpl_set(x, "ADDRESS", v.ips[i].address);
		tmpl_set(x, "NETMASK", v.ips[i].netmask);
		tmpl_set(x, "DNS_NAME", v.ips[i].dns_name[0] ? v.ips[i].dns_name : "none");
	}
	tmpl_set(d, "GATEWAY", v.gateway);
	snprintf(buf, sizeof(buf), "%s%s%s", v.dns_servers[0], v.ndns_servers > 1 ? ", " : "",
	    v.ndns_servers > 1 ? v.dns_servers[1] : "");
	tmpl_set(d, "DNS_SERVERS", buf);
	for (size_t k = 0; k < OF__MAX; k++) {
		char got[1100];
		if (k == OF_ROOT_PASSWORD || k == OF_IDEMPOTENCY_KEY)
			continue;
		order_value_text(&v.o, (enum order_key)k, buf, sizeof(buf));
		if (strcmp(buf, "not set") == 0) {
			/* The options left unset share one line. */
			fmt_list_add(unset, sizeof(unset), &off, order_fields[k].label);
			continue;
		}
		x = tmpl_add(d, "LINE");
		tmpl_set(x, "LABEL", order_fields[k].label);
		tmpl_set(x, "REQUESTED", buf);
		snprintf(got, sizeof(got), "%s", buf);
		if (k == OF_PLAN)
			snprintf(got, sizeof(got), "%s", v.plan_name);
		else if (k == OF_TEMPLATE)
			snprintf(got, sizeof(got), "%s", v.template_name);
		else if (k == OF_LIFETIME_DAYS) {
			char when[64];
			fmt_time(v.expires_at, when, sizeof(when));
			snprintf(got, sizeof(got), "until %s", when);
		} else if (k == OF_IP_COUNT) {
			size_t g = 0;
			got[0] = '\0';
			for (size_t i = 0; i < v.nips && g < sizeof(got); i++)
				g += (size_t)snprintf(got + g, sizeof(got) - g, "%s%s", i ? ", " : "",
				    v.ips[i].address);
		}
		tmpl_set(x, "RECEIVED", got);
	}
	if (off > 0) {
		x = tmpl_add(d, "LINE");
		tmpl_set(x, "LABEL", "Not set");
		tmpl_set(x, "REQUESTED", unset);
		tmpl_set(x, "RECEIVED", "not set");
	}
	page_render(w, r, "signup/created.tpl", d);
	tmpl_dict_free(d);
	ve_info_free(&v);
}

/* An order from the form: into w->app's account, or (NULL) a new one. */
static void
order_submit(struct web *w, struct req *q, struct resp *r)
{
	const struct acct_ctx *ac = w->app;
	struct auth_crypt_job *early = NULL;
	struct order_catalog cat;
	struct order o;
	struct order_errs e;
	struct db *db;
	struct form f;
	char ve_id[9], ra[24];
	long long retry;
	int rc;

	if (q->body_kind != 1) {
		web_error(w, r, 415, "Send the form as application/x-www-form-urlencoded.");
		return;
	}
	if (catalog(w, r, &cat) == -1)
		return;
	db = w->db;
	order_init(&o);
	memset(&e, 0, sizeof(e));
	if (order_from_form(&o, &q->form, &e) == -1) {
		web_error(w, r, 500, "Out of memory.");
		goto out;
	}
	/* Into an account: the address is the account's, whatever the form says. */
	if (ac != NULL && acct_email(&o, ac->email) == -1) {
		web_error(w, r, 500, "Out of memory.");
		goto out;
	}
	/* "Show the monthly total": the form again with the total; nothing is judged or written. */
	if (kv_get(&q->form, "quote") != NULL) {
		render_form(w, q, r, 200, &o, NULL, &cat, NULL);
		goto out;
	}
	form_read(fields, K__MAX, &q->form, FORM_BIT(K_CSRF), &f);
	/* An account's order had its session's CSRF token checked by the dispatcher. */
	if (ac == NULL && !web_form_token_ok(w, q, TOKEN_COOKIE, TOKEN_PURPOSE, f.s[K_CSRF])) {
		/* Nothing is judged or written; the values come back for a second look. */
		render_form(w, q, r, 403, &o, NULL, &cat, "This form had expired or did not come from "
		    "this site, so nothing was ordered. Please check the values below and send it again.");
		goto out;
	}
	order_check(&o, &cat, conf_str(w->conf, "web", "firewall_dir"), &e);
	/* Choosing the node is the operator's (SPEC section 3), never the signup form's. */
	if (kv_get(&q->form, "node") != NULL)
		order_err_add(&e, "node", "Only the operator may choose the server; leave it out.");
	if (e.n > 0) {
		render_form(w, q, r, 400, &o, &e, &cat, NULL);
		goto out;
	}
	if (ac != NULL)
		rc = ve_place_account(db, w->conf, &w->argon, &o, &cat, w->now,
		    q->remote_addr ? q->remote_addr : "", ac->id, &retry, ve_id);
	else
		rc = ve_place_deferred(db, w->conf, &w->argon, &o, &cat, NULL, w->now,
		    q->remote_addr ? q->remote_addr : "", &retry, ve_id, NULL, &early);
	switch (rc) {
	case VC_OK:
		render_created(w, r, db, ve_id, o.s[OF_ROOT_PASSWORD], &cat);
		/* The node's hash of the root password once the answer is out. */
		order_crypt_later(w, ve_id, o.s[OF_ROOT_PASSWORD], early);
		break;
	case VC_KEY_USED:
		render_created(w, r, db, ve_id, NULL, &cat);
		/* The same order again (password included): sets the hash if a first try's never landed. */
		order_crypt_later(w, ve_id, o.s[OF_ROOT_PASSWORD], early);
		break;
	case VC_KEY_CONFLICT:
		/* Only a forged key gets here: a fresh one is drawn for the next try. */
		order_err_add(&e, "idempotency_key", "This form was already used; please send it again.");
		render_form(w, q, r, 409, &o, &e, &cat, NULL);
		break;
	case VC_NO_ADDRESS:
		order_err_add(&e, "ip_count", "Not enough IP addresses are free right now.");
		render_form(w, q, r, 409, &o, &e, &cat, "We have no free IP addresses for this order right "
		    "now, so nothing was created. Please try again later or ask for fewer addresses.");
		break;
	case VC_NO_NODE:
		order_err_add(&e, "disk_quota_mb", "No server has this much free space right now.");
		render_form(w, q, r, 409, &o, &e, &cat, "None of our servers has room for this VE right "
		    "now, so nothing was created. Please try again later or choose a smaller disk quota.");
		break;
	case VC_NO_CPU:
		order_err_add(&e, "cpu_min_bogomips", "No server can guarantee this much CPU right now.");
		render_form(w, q, r, 409, &o, &e, &cat, "None of our servers can guarantee this CPU minimum "
		    "on top of what it already guarantees, so nothing was created. Please choose a smaller "
		    "CPU minimum or try again later.");
		break;
	case VC_NO_UPLINK:
		order_err_add(&e, order_bw_min_field(&o), "No server's uplink can guarantee this bandwidth "
		    "right now.");
		render_form(w, q, r, 409, &o, &e, &cat, "None of our servers' uplinks can guarantee this "
		    "minimum bandwidth on top of what it already guarantees, so nothing was created. Please "
		    "choose a smaller minimum or try again later.");
		break;
	case VC_RATE:
	case VC_UNPAID_EMAIL:
	case VC_UNPAID_ADDR:
		resp_header(r, "Retry-After", ve_limit_retry(rc, retry, ra, sizeof(ra)));
		render_form(w, q, r, 429, &o, NULL, &cat, ve_limit_message(rc));
		break;
	case VC_BUSY:
		resp_header(r, "Retry-After", "1");
		render_form(w, q, r, 503, &o, NULL, &cat, "We are handling many orders right now, so "
		    "nothing was created yet. Please send the form again in a second.");
		break;
	default:
		render_form(w, q, r, 503, &o, NULL, &cat, "Your order could not be stored, so nothing was "
		    "created. Please send it again in a moment.");
		break;
	}
out:
	order_free(&o);
	order_catalog_free(&cat);
}

static void
page_order(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)caps;
	w->app = NULL;
	order_submit(w, q, r);
}

/* The order's e-mail set to the account's address. */
static int
acct_email(struct order *o, const char *email)
{
	free(o->s[OF_EMAIL]);
	free(o->raw[OF_EMAIL]);
	o->s[OF_EMAIL] = strdup(email);
	o->raw[OF_EMAIL] = strdup(email);
	o->given[OF_EMAIL] = 1;
	return o->s[OF_EMAIL] != NULL && o->raw[OF_EMAIL] != NULL ? 0 : -1;
}

/*
 * The session's account into ac, when its address is confirmed: 1; 0 with
 * an answer in r (not confirmed, gone, database away).
 */
static int
acct_load(struct web *w, struct resp *r, struct acct_ctx *ac)
{
	struct account a;
	const char *es;
	long long id = vep_strtonum(w->session.subject, 1, 0xffffffffLL, &es);
	int rc;

	if (es != NULL || (rc = db_account_get(w->db, id, &a)) == 0) {
		web_error(w, r, 403, "This account no longer exists; log in again at My account.");
		return 0;
	}
	if (rc < 0) {
		web_unavailable(w, r);
		return 0;
	}
	if (a.verified_at == 0) {
		web_error(w, r, 403, "Please confirm your e-mail address first with the link we mailed "
		    "you; then VEs can be ordered into your account. Nothing was ordered.");
		return 0;
	}
	ac->id = id;
	snprintf(ac->email, sizeof(ac->email), "%s", a.email);
	ac->csrf = w->session.csrf;
	return 1;
}

static void
page_acct_form(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct acct_ctx ac;

	if (!acct_load(w, r, &ac))
		return;
	w->app = &ac;
	page_form(w, q, r, caps);
	w->app = NULL;
}

static void
page_acct_order(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct acct_ctx ac;

	(void)caps;
	if (!acct_load(w, r, &ac))
		return;
	w->app = &ac;
	order_submit(w, q, r);
	w->app = NULL;
}

/* Without the account's session: to its login page (a form: 403). */
static const struct web_login acct_login = {
	.kind = "account", .cookie = "vep_acct", .url = "/account",
	.ended_msg = "Your account session has ended, so nothing was ordered; please log in at My "
	    "account again."
};

static const struct web_app app = { "vep-signup", pages, nitems(pages), &acct_login, order_crypt_warm };

int
main(int argc, char **argv)
{
	return web_run(argc, argv, &app);
}
