/*
 * Orders and VE state through the API (SPEC sections 3 and 5):
 * POST /api/v1/orders places an order exactly as the signup form does
 * (the same field table and rules, lib/domain/order.c), GET /api/v1/ves/{id}
 * answers the VE's configuration, order and current usage.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "conf.h"
#include "db.h"
#include "db_ve.h"
#include "order.h"

/* Answer the VE ve_id as created (201), with the password when just made. */
static void
answer_created(struct web *w, struct resp *r, struct db *db, const char *ve_id, const char *pw)
{
	struct ve_info v;
	json_t *j;
	int rc;

	if ((rc = db_ve_get(db, ve_id, &v)) != 1) {
		web_error(w, r, 503, "The VE was created but cannot be read back; ask again with the same idempotency_key.");
		return;
	}
	if ((j = ve_info_json(&v, NULL, pw)) == NULL)
		web_error(w, r, 500, "Out of memory.");
	else
		resp_json(r, 201, j);
	ve_info_free(&v);
}

void
api_orders_create(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct order_catalog cat;
	struct order o;
	struct order_errs errs;
	struct db *db;
	char ve_id[9], msg[128];
	int rc;

	(void)caps;
	r->private_page = 1;	/* the answer holds the root password */
	if (q->json == NULL) {
		web_error(w, r, 415, "Send the order as a JSON object (Content-Type: application/json).");
		return;
	}
	if ((db = web_db(w, r)) == NULL)
		return;
	if (db_ve_catalog(db, w->now, &cat) != DB_OK) {
		web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
		return;
	}
	order_init(&o);
	memset(&errs, 0, sizeof(errs));
	if (order_from_json(&o, q->json, &errs) == -1) {
		web_error(w, r, 500, "Out of memory.");
		goto out;
	}
	order_check(&o, &cat, conf_str(w->conf, "web", "firewall_dir"), &errs);
	if (errs.n > 0) {
		snprintf(msg, sizeof(msg), "The order cannot be accepted: %zu field%s need%s attention.",
		    errs.n, errs.n == 1 ? "" : "s", errs.n == 1 ? "s" : "");
		resp_json_error(r, 422, msg, order_errs_json(&errs));
		goto out;
	}
	rc = ve_place(db, w->conf, &w->argon, &o, &cat, w->now, ve_id);
	switch (rc) {
	case VC_OK:
		answer_created(w, r, db, ve_id, o.s[OF_ROOT_PASSWORD]);
		break;
	case VC_KEY_USED:
		answer_created(w, r, db, ve_id, NULL);
		break;
	case VC_KEY_CONFLICT:
		resp_json_error(r, 409, "This idempotency_key was already used for another order.",
		    json_pack("{s:s}", "idempotency_key", "Already used for another order; choose a new key."));
		break;
	case VC_NO_ADDRESS:
		resp_json_error(r, 409, "No IP addresses are free for this order right now; nothing was "
		    "created. Please try again later or ask for fewer addresses.",
		    json_pack("{s:s}", "ip_count", "Not enough free IP addresses."));
		break;
	case VC_NO_NODE:
		resp_json_error(r, 409, "No server has room for this VE right now; nothing was created. "
		    "Please try again later or choose a smaller disk quota.",
		    json_pack("{s:s}", "disk_quota_mb", "No server has this much free space."));
		break;
	case VC_BUSY:
		resp_header(r, "Retry-After", "1");
		resp_json_error(r, 503, "Too many passwords are being hashed right now; nothing was "
		    "created. Please send the same order again in a second.", NULL);
		break;
	default:
		web_error(w, r, 503, "The order could not be stored; nothing was created. Please try again.");
		break;
	}
out:
	order_free(&o);
	order_catalog_free(&cat);
}

void
api_ve_get(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct caller c;
	struct ve_info v;
	struct ve_usage u;
	struct db *db;
	json_t *j;
	int rc;

	if (api_auth(w, q, r, &c) == -1)
		return;
	r->private_page = 1;
	if (!ve_id_valid(caps[0])) {
		resp_json_error(r, 422, "A VEid is 8 upper-case hexadecimal digits, such as 0000002A.",
		    json_pack("{s:s}", "ve_id", "Not a VEid."));
		return;
	}
	if (!api_may_see(w, r, &c, caps[0]))
		return;
	if ((db = web_db(w, r)) == NULL)
		return;
	if ((rc = db_ve_get(db, caps[0], &v)) < 0) {
		web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
		return;
	}
	if (rc == 0) {
		web_error(w, r, 404, "There is no such VE.");
		return;
	}
	if (db_ve_usage(db, caps[0], w->now, &u) != DB_OK)
		web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
	else if ((j = ve_info_json(&v, &u, NULL)) == NULL)
		web_error(w, r, 500, "Out of memory.");
	else
		resp_json(r, 200, j);
	ve_info_free(&v);
}
