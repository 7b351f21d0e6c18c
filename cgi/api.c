/*
 * vep-api: the JSON API of SPEC section 5.  The table below is the whole
 * surface; a path not in it is 404, a method not listed for it 405.
 * Orders are public (PAGE_PUBLIC); every other call's handler checks the
 * request's credential first (PAGE_TOKEN: an operator's bearer token, a
 * node's token, or a VE owner's Basic password).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "basic.h"
#include "conf.h"
#include "credcache.h"
#include "db.h"
#include "db_ve.h"
#include "log.h"
#include "order_crypt.h"
#include "veid.h"

static const struct page pages[] = {
	{ "/api/v1/orders", M_POST, api_orders_create, PAGE_PUBLIC },
	{ "/api/v1/ves/*", M_GET, api_ve_get, PAGE_TOKEN | PAGE_VEID },
	{ "/api/v1/ves/*", M_PATCH, api_ve_change, PAGE_TOKEN | PAGE_VEID },
	{ "/api/v1/ves/*/history", M_GET, api_ve_history, PAGE_TOKEN | PAGE_VEID },
	{ "/api/v1/ves/*/charges", M_GET, api_ve_charges, PAGE_TOKEN | PAGE_VEID },
	{ "/api/v1/ves/*/invoices", M_GET, api_ve_invoices, PAGE_TOKEN | PAGE_VEID },
	{ "/api/v1/invoices/*.pdf", M_GET, api_invoice_pdf, PAGE_TOKEN },
	{ "/api/v1/invoices/*", M_GET, api_invoice_get, PAGE_TOKEN },
	{ "/api/v1/ves/*/power", M_POST, api_ve_power, PAGE_TOKEN | PAGE_VEID },
	/* Reinstall, backups and restore (api_backup.c). */
	{ "/api/v1/ves/*/reinstall", M_POST, api_ve_reinstall, PAGE_TOKEN | PAGE_VEID },
	{ "/api/v1/ves/*/backups", M_GET, api_ve_backups, PAGE_TOKEN | PAGE_VEID },
	{ "/api/v1/ves/*/backups", M_POST, api_ve_backup_now, PAGE_TOKEN | PAGE_VEID },
	{ "/api/v1/ves/*/restore", M_POST, api_ve_restore, PAGE_TOKEN | PAGE_VEID },
	{ "/api/v1/nodes/*/ves/*/backups", M_POST, api_node_ve_backups, PAGE_TOKEN },
	/* The payment provider: no credential but the body's signature (api_pay.c). */
	{ "/api/v1/payments/webhook", M_POST, api_payments_webhook, PAGE_PUBLIC },
	{ "/api/v1/nodes/*/ves", M_GET, api_node_ves, PAGE_TOKEN },
	{ "/api/v1/nodes/*/ves/*/token", M_POST, api_node_ve_token, PAGE_TOKEN },
	{ "/api/v1/nodes/*/ves/*/moved", M_POST, api_node_ve_moved, PAGE_TOKEN },
	{ "/api/v1/admin/ves", M_GET, api_admin_ves, PAGE_TOKEN },
	{ "/api/v1/admin/ves/*/move", M_POST, api_admin_ve_move, PAGE_TOKEN | PAGE_VEID },
	{ "/api/v1/admin/ves/*/suspend", M_POST, api_admin_ve_suspend, PAGE_TOKEN | PAGE_VEID },
	{ "/api/v1/admin/ves/*/resume", M_POST, api_admin_ve_resume, PAGE_TOKEN | PAGE_VEID },
	{ "/api/v1/admin/ves/*", M_DELETE, api_admin_ve_delete, PAGE_TOKEN | PAGE_VEID },
	{ "/api/v1/admin/nodes", M_GET, api_admin_nodes, PAGE_TOKEN },
	{ "/api/v1/admin/nodes", M_POST, api_admin_node_add, PAGE_TOKEN },
	{ "/api/v1/admin/nodes/*", M_DELETE, api_admin_node_delete, PAGE_TOKEN },
	{ "/api/v1/admin/plans", M_GET, api_admin_plans, PAGE_TOKEN },
	{ "/api/v1/admin/plans", M_POST, api_admin_plan_add, PAGE_TOKEN },
	{ "/api/v1/admin/invoice-runs", M_POST, api_admin_invoice_runs, PAGE_TOKEN },
	{ "/api/v1/admin/payments", M_POST, api_admin_payment_add, PAGE_TOKEN },
	{ "/api/v1/admin/credit-notes", M_POST, api_admin_credit_note_add, PAGE_TOKEN },
	{ "/api/v1/admin/reports/*", M_GET, api_admin_report, PAGE_TOKEN },
	{ "/api/v1/admin/accounts/*/tax", M_GET, api_admin_account_tax, PAGE_TOKEN },	/* api_tax.c */
	{ "/api/v1/admin/accounts/*/tax", M_POST, api_admin_account_tax_set, PAGE_TOKEN },
};

static void
unauthorized(struct resp *r, const char *msg)
{
	resp_header(r, "WWW-Authenticate", "Basic realm=\"vepanel\", charset=\"UTF-8\"");
	resp_json_error(r, 401, msg, NULL);
}

int
api_auth(struct web *w, struct req *q, struct resp *r, struct caller *c)
{
	const char *h = q->authorization;
	struct db *db;
	char user[64], pwbuf[513], id[9], hash[256] = "", retry[32];
	const char *pw;
	long long ra;
	int rc, found, ok, slot;

	memset(c, 0, sizeof(*c));
	if (h == NULL) {
		unauthorized(r, "Credentials are required: HTTP Basic with VEid and password, or a Bearer token.");
		return -1;
	}
	if ((db = web_db(w, r)) == NULL)
		return -1;
	if (strncasecmp(h, "Bearer ", 7) == 0) {
		rc = auth_admin_token_ok(db, h + 7);
		if (rc < 0) {
			web_error(w, r, 503, "The service is briefly unavailable.");
			return -1;
		}
		if (rc == 1) {
			c->who = WHO_ADMIN;
			return 0;
		}
		/* A VE's own read-only token (its /etc/VE/VEinfo.conf). */
		if ((rc = auth_ve_token_ok(db, h + 7, c->ve_id)) < 0) {
			web_error(w, r, 503, "The service is briefly unavailable.");
			return -1;
		}
		if (rc == 0) {
			unauthorized(r, "The token is not valid.");
			return -1;
		}
		c->who = WHO_VE;
		return 0;
	}
	if (strncasecmp(h, "Basic ", 6) != 0) {
		unauthorized(r, "Use HTTP Basic with VEid and password.");
		return -1;
	}
	/* Decoded with bounds in lib/web/basic.c (issue 17, item 1). */
	if ((rc = basic_parse(h + 6, strlen(h + 6), user, sizeof(user), pwbuf, sizeof(pwbuf))) != BASIC_OK) {
		unauthorized(r, rc == BASIC_BAD_BASE64 ? "The credentials are not valid base64." :
		    "The credentials must be VEid:password.");
		return -1;
	}
	pw = pwbuf;
	/* One VEid rule everywhere: any case, used in upper case. */
	if (ve_id_norm(user, id))
		memcpy(user, id, sizeof(id));
	rc = throttle_check(db, user, q->remote_addr, w->now, conf_int(w->conf, "web", "fail_window_s"),
	    conf_int(w->conf, "web", "fail_per_ve"), conf_int(w->conf, "web", "fail_per_addr"), &ra);
	if (rc < 0) {
		web_error(w, r, 503, "The service is briefly unavailable.");
		return -1;
	}
	if (rc == THROTTLE_LOCKED) {
		snprintf(retry, sizeof(retry), "%lld", ra);
		resp_header(r, "Retry-After", retry);
		resp_json_error(r, 429, "Too many failed logins; try again later.", NULL);
		return -1;
	}
	found = 0;
	if (ve_id_valid(user)) {
		if ((rc = db_ve_hash(db, user, hash, sizeof(hash))) < 0) {
			web_error(w, r, 503, "The service is briefly unavailable.");
			return -1;
		}
		found = rc == 1;
	}
	/*
	 * The same VEid, password and stored hash verified within the last
	 * seconds (SECURITY.md, "Remembered Basic credentials"): no hash.
	 */
	ok = found && credcache_hit(w->creds, user, hash, pw, w->now);
	if (!ok) {
		/* At most [web] max_concurrent_hashes argon2id runs at once, machine-wide. */
		if ((slot = auth_slot_enter(w->conf)) == AUTH_SLOT_BUSY) {
			explicit_bzero(pwbuf, sizeof(pwbuf));
			resp_header(r, "Retry-After", "1");
			resp_json_error(r, 503, "Too many logins are being checked right now; try again in a second.", NULL);
			return -1;
		}
		/* An unknown VE costs the same hash as a wrong password. */
		ok = auth_verify(found ? hash : auth_dummy_hash(&w->argon), pw) && found;
		auth_slot_release(slot);
		if (ok)
			credcache_put(w->creds, user, hash, pw, w->now);
	}
	explicit_bzero(pwbuf, sizeof(pwbuf));
	if (!ok) {
		throttle_fail(db, user, q->remote_addr, w->now);
		unauthorized(r, "The VEid or password is wrong.");
		return -1;
	}
	c->who = WHO_OWNER;
	snprintf(c->ve_id, sizeof(c->ve_id), "%s", user);
	return 0;
}

int
api_may_see(struct web *w, struct resp *r, const struct caller *c, const char *ve_id)
{
	if (c->who == WHO_ADMIN && ve_id_valid(ve_id))
		return 1;
	if ((c->who == WHO_OWNER || c->who == WHO_VE) && strcmp(c->ve_id, ve_id) == 0)
		return 1;
	web_error(w, r, 404, "There is no such VE.");
	return 0;
}

/* The start of a call about the VE of the path: its caller, and a VEid that is one; 0, or -1 answered. */
int
api_ve_call(struct web *w, struct req *q, struct resp *r, struct caller *c, const char *id)
{
	if (api_auth(w, q, r, c) == -1)
		return -1;
	r->private_page = 1;
	if (!ve_id_valid(id)) {
		resp_json_error(r, 422, "A VEid is 8 upper-case hexadecimal digits, such as 0000002A.",
		    json_pack("{s:s}", "ve_id", "Not a VEid."));
		return -1;
	}
	return 0;
}

int
api_may_act(struct web *w, struct resp *r, const struct caller *c, const char *ve_id)
{
	if (c->who == WHO_VE && strcmp(c->ve_id, ve_id) == 0) {
		web_error(w, r, 403, "This token only reads; use the VE's password or the operator's token.");
		return 0;
	}
	if (c->who == WHO_VE) {
		web_error(w, r, 404, "There is no such VE.");
		return 0;
	}
	return api_may_see(w, r, c, ve_id);
}

int
api_admin_only(struct web *w, struct req *q, struct resp *r)
{
	struct caller c;

	if (api_auth(w, q, r, &c) == -1)
		return 0;
	if (c.who != WHO_ADMIN) {
		web_error(w, r, 403, "This call is for the operator.");
		return 0;
	}
	r->private_page = 1;	/* operator answers are never cached */
	return 1;
}

int
api_admin_json(struct web *w, struct req *q, struct resp *r, const char *msg)
{
	if (!api_admin_only(w, q, r))
		return 0;
	/* http.c accepts no other body than an object. */
	if (q->json == NULL) {
		resp_json_error(r, 400, msg, NULL);
		return 0;
	}
	return 1;
}

int
main(int argc, char **argv)
{
	return web_main(argc, argv, "vep-api", pages, nitems(pages), order_crypt_warm);
}
