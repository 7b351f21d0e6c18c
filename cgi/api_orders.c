/*
 * Orders and VE state through the API (SPEC sections 3 and 5):
 * POST /api/v1/orders places an order exactly as the signup form does
 * (the same field table and rules, lib/domain/order.c), GET /api/v1/ves/{id}
 * answers the VE's configuration, order and current usage.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "auth.h"
#include "conf.h"
#include "db.h"
#include "db_ve.h"
#include "order_crypt.h"
#include "order.h"

/*
 * Answer the VE ve_id as created (201), with the password when just made:
 * made when the creation filled it (issue 19: not read back), else read.
 */
static void
answer_created(struct web *w, struct resp *r, struct db *db, const char *ve_id, const char *pw,
    struct ve_info *made)
{
	struct ve_info v;
	json_t *j;
	int rc;

	if (made != NULL && made->ve_id[0] != '\0') {
		v = *made;
		memset(made, 0, sizeof(*made));
	} else if ((rc = db_ve_get(db, ve_id, &v)) != 1) {
		web_error(w, r, 503, "The VE was created but cannot be read back; ask again with the same idempotency_key.");
		return;
	}
	if ((j = ve_info_json(&v, NULL, pw)) == NULL)
		web_error(w, r, 500, "Out of memory.");
	else
		resp_json(r, 201, j);
	ve_info_free(&v);
}

/*
 * Is the order the operator's?  A Bearer header must be a valid admin
 * token (1); no Authorization header is a customer (0); anything else is
 * answered 401/503 here (-1).
 */
static int
order_by_operator(struct web *w, struct req *q, struct resp *r, struct db *db)
{
	int rc;

	if (q->authorization == NULL)
		return 0;
	if (strncasecmp(q->authorization, "Bearer ", 7) != 0)
		return 0;	/* HTTP Basic of some VE: a customer like any other */
	if ((rc = auth_admin_token_ok(db, q->authorization + 7)) < 0) {
		web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
		return -1;
	}
	if (rc == 0) {
		resp_header(r, "WWW-Authenticate", "Bearer realm=\"vepanel\"");
		resp_json_error(r, 401, "The token is not valid.", NULL);
		return -1;
	}
	return 1;
}

/* Why ve_place refused an order, with the field to blame: status, sentence, field, what about it. */
static const struct {
	int		 rc;
	int		 status;
	const char	*msg, *field, *why;
} refusals[] = {
	{ VC_KEY_CONFLICT, 409, "This idempotency_key was already used for another order.",
	  "idempotency_key", "Already used for another order; choose a new key." },
	{ VC_NO_ADDRESS, 409, "No IP addresses are free for this order right now; nothing was "
	  "created. Please try again later or ask for fewer addresses.",
	  "ip_count", "Not enough free IP addresses." },
	{ VC_NO_NODE, 409, "No server has room for this VE right now; nothing was created. "
	  "Please try again later or choose a smaller disk quota.",
	  "disk_quota_mb", "No server has this much free space." },
	{ VC_NODE_UNKNOWN, 422, "The order cannot be accepted: 1 field needs attention.",
	  "node", "There is no such node." },
	{ VC_NODE_DISABLED, 409, "That node is disabled; nothing was created.",
	  "node", "The node is disabled." },
	{ VC_NODE_FULL, 409, "That node has no room for this VE (VE slots or disk); nothing was "
	  "created. Choose another node or leave the node out.",
	  "node", "The node has no room for this VE." },
};

static void
answer_refused(struct resp *r, int rc, const struct order *o, int named)
{
	/* Admission control (SPEC section 9): the field is the minimum that cannot be guaranteed. */
	if (rc == VC_NO_CPU || rc == VC_NO_UPLINK) {
		int cpu = rc == VC_NO_CPU;
		char msg[300];
		snprintf(msg, sizeof(msg), "%s can guarantee this %s on top of what %s already guarantees; "
		    "nothing was created. %s", named ? "That node cannot" : "No server can",
		    cpu ? "CPU minimum" : "minimum bandwidth", named ? "it" : "each",
		    named ? "Choose another node or a smaller minimum." : "Please choose a smaller minimum "
		    "or try again later.");
		resp_json_error(r, 409, msg, json_pack("{s:s}", cpu ? "cpu_min_bogomips" :
		    order_bw_min_field(o), cpu ? "More than the node's CPUs can still guarantee "
		    "(bogomips x CPUs, less the other VEs' minima)." : "More than the node's uplink can "
		    "still guarantee (--uplink-kbps, less the other VEs' minima)."));
		return;
	}
	for (size_t i = 0; i < nitems(refusals); i++)
		if (refusals[i].rc == rc) {
			resp_json_error(r, refusals[i].status, refusals[i].msg,
			    json_pack("{s:s}", refusals[i].field, refusals[i].why));
			return;
		}
}

void
api_orders_create(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct order_catalog cat;
	struct auth_crypt_job *early = NULL;
	struct ve_info made;
	struct order o;
	struct order_errs errs;
	struct db *db;
	char ve_id[9], msg[128], node[65] = "", ra[24];
	json_t *jn;
	long long retry;
	int rc, op;

	(void)caps;
	memset(&made, 0, sizeof(made));
	r->private_page = 1;	/* the answer holds the root password */
	if (q->json == NULL) {
		web_error(w, r, 415, "Send the order as a JSON object (Content-Type: application/json).");
		return;
	}
	if ((db = web_db(w, r)) == NULL)
		return;
	/*
	 * "node" is the operator's (SPEC section 3): taken out of the order
	 * before the field table reads it, refused from anyone else.
	 */
	if ((op = order_by_operator(w, q, r, db)) < 0)
		return;
	if ((jn = json_object_get(q->json, "node")) != NULL) {
		const char *nv = json_string_value(jn);
		if (!op) {
			resp_json_error(r, 422, "The order cannot be accepted: 1 field needs attention.",
			    json_pack("{s:s}", "node", "Only the operator may choose the node; leave it out."));
			return;
		}
		if (nv == NULL || nv[0] == '\0' || strlen(nv) >= sizeof(node)) {
			resp_json_error(r, 422, "The order cannot be accepted: 1 field needs attention.",
			    json_pack("{s:s}", "node", "A node is named by a text of 1 to 64 characters."));
			return;
		}
		snprintf(node, sizeof(node), "%s", nv);
		json_object_del(q->json, "node");
	}
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
	/* An operator's Bearer token is not limited; anyone else is, by address (issue 17). */
	rc = ve_place_deferred(db, w->conf, &w->argon, &o, &cat, node[0] ? node : NULL, w->now,
	    op ? NULL : q->remote_addr ? q->remote_addr : "", &retry, ve_id, &made, &early);
	switch (rc) {
	case VC_OK:
		answer_created(w, r, db, ve_id, o.s[OF_ROOT_PASSWORD], &made);
		/* The node's hash of the root password (started already) stored once the answer is out. */
		order_crypt_later(w, ve_id, o.s[OF_ROOT_PASSWORD], early);
		break;
	case VC_KEY_USED:
		answer_created(w, r, db, ve_id, NULL, NULL);
		/* The same order again (password included): sets the hash if a first try's never landed. */
		order_crypt_later(w, ve_id, o.s[OF_ROOT_PASSWORD], early);
		break;
	case VC_KEY_CONFLICT:
	case VC_NO_ADDRESS:
	case VC_NO_NODE:
	case VC_NODE_UNKNOWN:
	case VC_NODE_DISABLED:
	case VC_NODE_FULL:
	case VC_NO_CPU:
	case VC_NO_UPLINK:
		answer_refused(r, rc, &o, node[0] != '\0');
		break;
	case VC_RATE:
	case VC_UNPAID_EMAIL:
	case VC_UNPAID_ADDR:
		resp_header(r, "Retry-After", ve_limit_retry(rc, retry, ra, sizeof(ra)));
		resp_json_error(r, 429, ve_limit_message(rc), NULL);
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
	ve_info_free(&made);
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

	if (api_ve_call(w, q, r, &c, caps[0]) == -1)
		return;
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

/*
 * POST /api/v1/ves/{id}/power {"action":"start"|"stop"|"restart"} (SPEC
 * section 11): the owner (HTTP Basic) or the operator; 202 once stored as
 * the VE's power wish and power_seq, which its node acts on at its next
 * sync.  Nothing is written on a refusal (422 bad action, 409 suspended).
 */
void
api_ve_power(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct caller c;
	struct db *db;
	json_t *ja;
	int act, rc;

	if (api_ve_call(w, q, r, &c, caps[0]) == -1)
		return;
	if (!api_may_act(w, r, &c, caps[0]))
		return;
	if (q->json == NULL || !json_is_object(q->json)) {
		resp_json_error(r, 422, "Send {\"action\":\"start\"|\"stop\"|\"restart\"} as JSON.",
		    json_pack("{s:s}", "action", "is required: start, stop or restart"));
		return;
	}
	ja = json_object_get(q->json, "action");
	act = ve_power_parse(json_string_value(ja));
	if (act < 0 || json_object_size(q->json) != 1) {
		resp_json_error(r, 422, "The power action cannot be accepted.",
		    json_pack("{s:s}", act < 0 ? "action" : "body", act < 0 ?
		    "must be start, stop or restart" : "only action is accepted"));
		return;
	}
	if ((db = web_db(w, r)) == NULL)
		return;
	rc = db_ve_power(db, caps[0], (enum ve_power)act, c.who == WHO_ADMIN ? "api" : caps[0], w->now);
	switch (rc) {
	case VPR_OK:
		resp_json(r, 202, json_pack("{s:s, s:s}", "ve_id", caps[0], "action", ve_power_names[act]));
		break;
	case VPR_NOVE:
		web_error(w, r, 404, "There is no such VE.");
		break;
	case VPR_SUSPENDED:
		resp_json_error(r, 409, "The VE is suspended or expired; it cannot be started, stopped or "
		    "restarted until it is resumed. Nothing was changed.", NULL);
		break;
	default:
		web_error(w, r, 503, "The service is briefly unavailable; nothing was changed.");
		break;
	}
}
