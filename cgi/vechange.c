/*
 * A service change, the same for every screen: see vechange.h.
 */
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "tmpl.h"
#include "db.h"
#include "db_change.h"
#include "db_ve.h"
#include "page.h"
#include "util.h"
#include "strjoin.h"
#include "vechange.h"
#include "web.h"

static const char *const apply_text[] = {
	[CA_LIVE] = "applied at once",
	[CA_ONLINE] = "the volume grows while the VE runs where the node can resize it, "
	    "otherwise at the VE's next start",
	[CA_RESTART] = "applied at the VE's next start",
};

/* The answer: what changed, how each part takes effect, whether a restart is due. */
static json_t *
answer(const char *ve_id, const struct vechange *x, long long now)
{
	json_t *changed = json_array(), *apply = json_object();
	char at[21], msg[600];
	size_t off = 0;

	vep_iso8601(now, at);
	for (size_t k = 0; k < OF__MAX; k++) {
		if (!(x->changed & CHANGE_BIT(k)))
			continue;
		json_array_append_new(changed, json_string(order_fields[k].name));
		json_object_set_new(apply, order_fields[k].name,
		    json_string(change_apply_names[x->apply[k]]));
		if (off < sizeof(msg)) {
			int n = snprintf(msg + off, sizeof(msg) - off, "%s%s: %s", off ? "; " : "",
			    order_fields[k].label, apply_text[x->apply[k]]);
			if (n > 0)
				off += (size_t)n;
		}
	}
	if (off >= sizeof(msg))
		off = sizeof(msg) - 1;
	msg[off] = '\0';
	return json_pack("{s:s, s:s, s:o, s:o, s:b, s:b, s:s}", "ve_id", ve_id, "valid_from", at,
	    "changed", changed, "apply", apply, "restart_needed", x->restart_needed,
	    "restart", x->restart, "message", msg);
}

static void
apply_db(struct web *w, struct db *db, const char *ve_id, const char *actor,
    struct order_catalog *cat, struct vechange *x)
{
	int rc = db_change_apply(db, ve_id, &x->cur, &x->next, x->changed, cat, x->restart, actor,
	    w->now);

	switch (rc) {
	case CH_OK:
		x->status = VX_OK;
		x->answer = answer(ve_id, x, w->now);
		break;
	case CH_NOVE:
		x->status = VX_NOVE;
		break;
	case CH_NO_ADDRESS:
		x->status = VX_CONFLICT;
		snprintf(x->msg, sizeof(x->msg), "The VE's address pool has not enough free addresses "
		    "for %lld; nothing was changed.", x->next.n[OF_IP_COUNT]);
		break;
	case CH_NO_ROOM:
		x->status = VX_CONFLICT;
		snprintf(x->msg, sizeof(x->msg), "The VE's node has no room for a %lld MB disk; nothing "
		    "was changed. Ask the operator to move the VE first.", x->next.n[OF_DISK_QUOTA_MB]);
		break;
	case CH_GONE:
		x->status = VX_INVALID;
		order_err_add(&x->errs, "plan", "This plan was withdrawn a moment ago; choose another.");
		break;
	default:
		x->status = VX_UNAVAILABLE;
		snprintf(x->msg, sizeof(x->msg), "The change could not be stored; nothing was changed. "
		    "Please try again.");
		break;
	}
}

void
vechange_run(struct web *w, struct db *db, const char *ve_id, json_t *json,
    const struct kvlist *form, const char *actor, struct vechange *x)
{
	struct order_catalog cat;
	struct ve_info v;
	struct ve_usage u;
	int rc;

	memset(x, 0, sizeof(*x));
	memset(&cat, 0, sizeof(cat));
	order_init(&x->cur);
	order_init(&x->next);
	x->status = VX_UNAVAILABLE;
	snprintf(x->msg, sizeof(x->msg), "The service is briefly unavailable; nothing was changed.");
	if ((rc = db_ve_get(db, ve_id, &v)) <= 0) {
		if (rc == 0)
			x->status = VX_NOVE;
		return;
	}
	x->cur = v.o;
	order_init(&v.o);
	ve_info_free(&v);
	if (db_ve_usage(db, ve_id, w->now, &u) != DB_OK || db_ve_catalog(db, w->now, &cat) != DB_OK)
		goto out;
	rc = json != NULL ? change_from_json(&x->next, &x->cur, json, &x->restart, &x->errs) :
	    change_from_form(&x->next, &x->cur, form, &x->restart, &x->errs);
	if (rc == -1)
		goto out;
	/* Every field is judged, also beside a type error elsewhere: all are named at once. */
	change_check(&x->next, &x->cur, &cat, conf_str(w->conf, "web", "firewall_dir"),
		    u.disk_bytes, &x->changed, &x->errs);
	if (x->errs.n > 0) {
		x->status = VX_INVALID;
		snprintf(x->msg, sizeof(x->msg), "The change cannot be accepted: %zu field%s need%s "
		    "attention. Nothing was changed.", x->errs.n, x->errs.n == 1 ? "" : "s",
		    x->errs.n == 1 ? "s" : "");
		goto out;
	}
	if (x->changed == 0) {
		x->status = VX_NOTHING;
		snprintf(x->msg, sizeof(x->msg), "Nothing would change: every value given is the VE's "
		    "own already.");
		goto out;
	}
	for (size_t k = 0; k < OF__MAX; k++)
		if (x->changed & CHANGE_BIT(k)) {
			x->apply[k] = change_apply_of(k, &x->cur, &x->next, u.vmem_bytes);
			if (x->apply[k] == CA_RESTART)
				x->restart_needed = 1;
		}
	apply_db(w, db, ve_id, actor, &cat, x);
out:
	order_catalog_free(&cat);
}

void
vechange_free(struct vechange *x)
{
	order_free(&x->cur);
	order_free(&x->next);
	json_decref(x->answer);
	x->answer = NULL;
}

int
vechange_http(const struct vechange *x, int form)
{
	switch (x->status) {
	case VX_OK:
		return 200;
	case VX_NOVE:
		return 404;
	case VX_INVALID:
	case VX_NOTHING:
		return form ? 400 : 422;
	case VX_CONFLICT:
		return 409;
	default:
		return 503;
	}
}

/* The field's value as the form's text input holds it. */
static void
value_text(const struct order *o, size_t k, char *out, size_t len)
{
	out[0] = '\0';
	switch (order_fields[k].type) {
	case OT_INT:
		snprintf(out, len, "%lld", o->n[k]);
		break;
	case OT_NAMES:
		str_join(out, len, o->dns, o->ndns, " ");
		break;
	default:
		snprintf(out, len, "%s", o->s[k] != NULL ? o->s[k] : "");
		break;
	}
}

void
vechange_form(struct tmpl_dict *d, const struct order *o, const struct order_errs *e)
{
	char v[2048];

	for (size_t k = 0; k < OF__MAX; k++) {
		const struct order_field *f = &order_fields[k];
		struct tmpl_dict *x, *y;
		const char *msg = e != NULL ? order_err_get(e, f->name) : NULL;

		if (!change_field_ok(k))
			continue;
		x = tmpl_add(d, "FIELD");
		tmpl_set(x, "NAME", f->name);
		tmpl_set(x, "LABEL", f->label);
		tmpl_set(x, "HELP", f->help);
		if (f->unit != NULL)
			tmpl_set(tmpl_add(x, "UNIT"), "U", f->unit);
		if (msg != NULL)
			tmpl_set(tmpl_add(x, "BAD"), "MSG", msg);
		switch (f->type) {
		case OT_BOOL:
			y = tmpl_add(x, "SELECT");
			page_option(y, "true", "Always on", o->n[k] != 0);
			page_option(y, "false", "On demand", o->n[k] == 0);
			break;
		case OT_FIREWALL:
			y = tmpl_add(x, "SELECT");
			for (int i = 0; i < FW__MAX; i++)
				page_option(y, order_firewall_names[i], order_firewall_names[i], o->n[k] == i);
			break;
		case OT_LOGINS:
			y = tmpl_add(x, "CHECKS");
			for (size_t i = 0; i < ORDER_NLOGINS; i++) {
				struct tmpl_dict *c = tmpl_add(y, "CHECK");
				tmpl_set(c, "V", order_login_names[i]);
				if (o->n[k] & (1u << i))
					tmpl_show(c, "ON");
			}
			break;
		case OT_TEXT:
			value_text(o, k, v, sizeof(v));
			tmpl_set(tmpl_add(x, "AREA"), "VALUE", v);
			break;
		default:
			value_text(o, k, v, sizeof(v));
			tmpl_set(tmpl_add(x, "TEXT"), "VALUE", v);
			break;
		}
	}
}

void
vechange_done(struct tmpl_dict *d, const struct vechange *x)
{
	struct tmpl_dict *dd = tmpl_add(d, "DONE");

	for (size_t k = 0; k < OF__MAX; k++) {
		struct tmpl_dict *a;
		char val[300];
		if (!(x->changed & CHANGE_BIT(k)))
			continue;
		a = tmpl_add(dd, "APPLIED");
		tmpl_set(a, "LABEL", order_fields[k].label);
		order_value_text(&x->next, k, val, sizeof(val));
		tmpl_set(a, "VALUE", val);
		tmpl_set(a, "HOW", apply_text[x->apply[k]]);
	}
	if (x->restart_needed && !x->restart)
		tmpl_show(dd, "RESTART_NEEDED");
	if (x->restart)
		tmpl_show(dd, "RESTARTING");
}

/* The change page of screen s for ve_id: the form for o, what x did, error. */
static void
page_show(struct web *w, struct resp *r, const struct vechange_screen *s, int status,
    const char *ve_id, const struct order *o, const struct vechange *x, const char *error)
{
	struct tmpl_dict *d = s->dict(w);

	if (d == NULL) {
		page_finish(w, r, 500, s->tpl, NULL);
		return;
	}
	tmpl_set(d, "VE_ID", ve_id);
	vechange_form(d, o, x != NULL && x->status == VX_INVALID ? &x->errs : NULL);
	if (x != NULL && x->status == VX_OK)
		vechange_done(d, x);
	if (error != NULL)
		tmpl_set(tmpl_add(d, "ERROR"), "MSG", error);
	page_finish(w, r, status, s->tpl, d);
}

void
vechange_page_form(struct web *w, struct resp *r, const struct vechange_screen *s,
    const char *ve_id)
{
	struct ve_info v;
	int rc;

	if ((rc = db_ve_get(w->db, ve_id, &v)) <= 0) {
		web_error(w, r, rc == 0 ? 404 : 503, rc == 0 ? s->nove :
		    "The service is briefly unavailable; please try again in a moment.");
		return;
	}
	page_show(w, r, s, 200, ve_id, &v.o, NULL, NULL);
	ve_info_free(&v);
}

enum vechange_status
vechange_page_post(struct web *w, struct req *q, struct resp *r, const struct vechange_screen *s,
    const char *ve_id, const char *actor)
{
	struct vechange x;
	enum vechange_status status;
	int st;

	vechange_run(w, w->db, ve_id, NULL, &q->form, actor, &x);
	st = vechange_http(&x, 1);
	switch (x.status) {
	case VX_OK:
		page_show(w, r, s, 200, ve_id, &x.next, &x, NULL);
		break;
	case VX_INVALID:
		page_show(w, r, s, st, ve_id, &x.next, &x, x.msg);
		break;
	case VX_NOTHING:
	case VX_CONFLICT:
		page_show(w, r, s, st, ve_id, &x.cur, &x, x.msg);
		break;
	case VX_NOVE:
		web_error(w, r, 404, s->nove);
		break;
	default:
		web_error(w, r, 503, x.msg);
		break;
	}
	status = x.status;
	vechange_free(&x);
	return status;
}
