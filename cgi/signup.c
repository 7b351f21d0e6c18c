/*
 * vep-signup: the VE creation screen (origin document Appendix 7.3.1).
 *
 * The form is built from lib/domain/order.c's field table, so it offers exactly
 * the fields POST /api/v1/orders accepts, with the same labels, units and
 * rules; an order is checked by order_check and placed by ve_place for
 * both.  CSRF protection is a double submit: GET /signup puts a random
 * token in a cookie and the same token in a hidden field, and a POST must
 * bring both, equal (compared in constant time).  A hidden random
 * idempotency key makes a double click create one VE.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "db.h"
#include "db_ve.h"
#include "order.h"
#include "page.h"
#include "tmpl.h"
#include "web.h"

static void	page_form(struct web *, struct req *, struct resp *, char [][80]);
static void	page_order(struct web *, struct req *, struct resp *, char [][80]);

enum pageid { P_FORM, P_ORDER, P__MAX };

static const struct page pages[P__MAX] = {
	[P_FORM] = { "/signup", M_GET, page_form },
	[P_ORDER] = { "/signup", M_POST, page_order },
};

/* The form's own fields; the order's are validated by lib/domain/order.c. */
enum key { K_CSRF, K__MAX };

static int	valid_token(const char *);

static const struct field {
	const char	*name;
	int		(*valid)(const char *);
} fields[K__MAX] = {
	[K_CSRF] = { "csrf", valid_token },
};

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

static int
valid_token(const char *s)
{
	return s != NULL && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* The value of a form field of ours: sent once and valid, else NULL. */
static const char *
form_value(const struct req *q, enum key k)
{
	const char *v;
	if (kv_count(&q->form, fields[k].name) != 1)
		return NULL;
	v = kv_get(&q->form, fields[k].name);
	return fields[k].valid(v) ? v : NULL;
}

static const char *
csrf_cookie(const struct req *q)
{
	return q->https ? "__Host-vep_csrf" : "vep_csrf";
}

static void
fmt_time(long long t, char *out, size_t outlen)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, outlen, "%d %b %Y, %H:%M UTC", &tm);
}

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

/* Every field of the table as a form row; o NULL shows a fresh form. */
static void
add_rows(struct tmpl_dict *g, int advanced, const struct order *o, const struct order_errs *e,
    const struct order_catalog *cat, char **rulesets)
{
	char buf[256];

	for (size_t k = 0; k < OF__MAX; k++) {
		const struct order_field *f = &order_fields[k];
		const char *val = o != NULL ? o->raw[k] : preset[k], *err = order_err_get(e, f->name);
		struct tmpl_dict *row, *d, *x;

		if (f->advanced != advanced || k == OF_IDEMPOTENCY_KEY)
			continue;
		if (f->pair < 0 && k > 0 && order_fields[k - 1].pair == (int)k)
			continue;	/* a *_max field, drawn with its *_min */
		if (val == NULL)
			val = "";
		row = tmpl_add(g, "ROW");
		tmpl_set(row, "NAME", f->name);
		tmpl_set(row, "LABEL", f->label);
		tmpl_set(row, "HELP", f->help);
		if (err != NULL) {
			struct tmpl_dict *b = tmpl_add(row, "BAD");
			tmpl_set(b, "ERROR", err);
		}
		if (f->pair >= 0) {
			const struct order_field *g2 = &order_fields[f->pair];
			const char *v2 = o != NULL ? o->raw[f->pair] : NULL, *err2 = order_err_get(e, g2->name);
			d = tmpl_add(row, "K_PAIR");
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
				x = tmpl_add(d, "BAD_MAX");
				tmpl_set(x, "ERROR2", err2);
				tmpl_show(d, "BAD");
			}
			continue;
		}
		switch (f->type) {
		case OT_CODE:
			if (k == OF_PLAN) {
				d = tmpl_add(row, "K_PLANS");
				for (size_t i = 0; i < cat->nplans; i++) {
					const struct order_plan *p = &cat->plans[i];
					char inc[256], ov[400];
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
			} else {
				d = tmpl_add(row, "K_SELECT");
				for (size_t i = 0; i < cat->ntmpls; i++) {
					x = tmpl_add(d, "OPTION");
					tmpl_set(x, "VALUE", cat->tmpls[i].code);
					tmpl_set(x, "TEXT", cat->tmpls[i].name);
					if (o != NULL ? strcmp(val, cat->tmpls[i].code) == 0 : i == 0)
						tmpl_show(x, "SELECTED");
				}
			}
			break;
		case OT_RULESET:
			d = tmpl_add(row, "K_SELECT");
			x = tmpl_add(d, "OPTION");
			tmpl_set(x, "VALUE", "");
			tmpl_set(x, "TEXT", rulesets != NULL && rulesets[0] != NULL ?
			    "No ruleset (choose one with the \"file\" style)" : "No rulesets are offered");
			for (size_t i = 0; rulesets != NULL && rulesets[i] != NULL; i++) {
				x = tmpl_add(d, "OPTION");
				tmpl_set(x, "VALUE", rulesets[i]);
				tmpl_set(x, "TEXT", rulesets[i]);
				if (strcmp(val, rulesets[i]) == 0)
					tmpl_show(x, "SELECTED");
			}
			break;
		case OT_EMAIL:
		case OT_PASSWORD:
		case OT_INT:
		case OT_KEY:
			d = tmpl_add(row, "K_INPUT");
			tmpl_set(d, "TYPE", f->type == OT_EMAIL ? "email" : f->type == OT_PASSWORD ?
			    "password" : "text");
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
			break;
		case OT_BOOL:
			d = tmpl_add(row, "K_CHOICE");
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
			d = tmpl_add(row, "K_CHOICE");
			for (size_t i = 0; i < ORDER_NLOGINS; i++) {
				unsigned mask = o != NULL ? (unsigned)o->n[k] : PRESET_LOGINS;
				static const char *const desc[ORDER_NLOGINS] = { "encrypted shell (recommended)",
				    "plain-text terminal", "remote shell", "graphical sessions" };
				x = tmpl_add(d, "OPTION");
				tmpl_set(x, "TYPE", "checkbox");
				tmpl_set(x, "VALUE", order_login_names[i]);
				tmpl_set(x, "TEXT", order_login_names[i]);
				tmpl_set(tmpl_add(x, "DESC"), "D", desc[i]);
				if (mask & (1u << i))
					tmpl_show(x, "CHECKED");
			}
			break;
		case OT_FIREWALL:
			d = tmpl_add(row, "K_CHOICE");
			for (int i = 0; i < FW__MAX; i++) {
				x = tmpl_add(d, "OPTION");
				tmpl_set(x, "TYPE", "radio");
				tmpl_set(x, "VALUE", order_firewall_names[i]);
				tmpl_set(x, "TEXT", order_firewall_names[i]);
				tmpl_set(tmpl_add(x, "DESC"), "D", order_firewall_help[i]);
				if (strcmp(val, order_firewall_names[i]) == 0)
					tmpl_show(x, "CHECKED");
			}
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
	struct tmpl_dict *d, *g, *x;
	const char *ck = kv_get(&q->cookies, csrf_cookie(q)), *key;
	char token[65], fresh_key[33];
	char **rulesets;
	int adv_bad = 0;

	if (e == NULL)
		e = &none;
	r->private_page = 1;
	/* One token per browser session: reuse a good cookie, else make one. */
	if (valid_token(ck))
		snprintf(token, sizeof(token), "%s", ck);
	else if (auth_token_hex(token, 32) == -1 || resp_cookie(r, csrf_cookie(q), token, 0, q->https) == -1) {
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
	add_rows(g, 0, o, e, cat, rulesets);
	g = tmpl_add(d, "GROUP");
	tmpl_set(g, "LEGEND", "Resources, protection and addresses");
	x = tmpl_add(g, "ADV");
	if (adv_bad || adv_changed(o))
		tmpl_show(x, "OPEN");
	add_rows(g, 1, o, e, cat, rulesets);
	order_names_free(rulesets);
	r->status = status;
	page_render(w, r, "signup/form.tpl", d);
	tmpl_dict_free(d);
}

static void
page_form(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct order_catalog cat;
	struct db *db;

	(void)caps;
	if ((db = web_db(w, r)) == NULL)
		return;
	if (db_ve_catalog(db, w->now, &cat) != DB_OK) {
		web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
		return;
	}
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
			if (off < sizeof(unset))
				off += (size_t)snprintf(unset + off, sizeof(unset) - off, "%s%s",
				    off ? ", " : "", order_fields[k].label);
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

static void
page_order(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct order_catalog cat;
	struct order o;
	struct order_errs e;
	struct db *db;
	const char *tok, *ck;
	char ve_id[9], ra[24];
	long long retry;
	int rc;

	(void)caps;
	if (q->body_kind != 1) {
		web_error(w, r, 415, "Send the form as application/x-www-form-urlencoded.");
		return;
	}
	if ((db = web_db(w, r)) == NULL)
		return;
	if (db_ve_catalog(db, w->now, &cat) != DB_OK) {
		web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
		return;
	}
	order_init(&o);
	memset(&e, 0, sizeof(e));
	if (order_from_form(&o, &q->form, &e) == -1) {
		web_error(w, r, 500, "Out of memory.");
		goto out;
	}
	tok = form_value(q, K_CSRF);
	ck = kv_get(&q->cookies, csrf_cookie(q));
	if (tok == NULL || !valid_token(ck) || !vep_ct_streq(tok, ck)) {
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
	rc = ve_place_from(db, w->conf, &w->argon, &o, &cat, NULL, w->now,
	    q->remote_addr ? q->remote_addr : "", &retry, ve_id);
	switch (rc) {
	case VC_OK:
		render_created(w, r, db, ve_id, o.s[OF_ROOT_PASSWORD], &cat);
		break;
	case VC_KEY_USED:
		render_created(w, r, db, ve_id, NULL, &cat);
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

int
main(int argc, char **argv)
{
	return web_main(argc, argv, "vep-signup", pages, nitems(pages), NULL);
}
