/*
 * Nodes through the API: the agents' VE list (GET /nodes/{name}/ves with
 * the node's own bearer token) and the operator's node calls (list with
 * health from billingd, add with a new token, remove when empty).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "db.h"
#include "db_admin.h"
#include "db_backup.h"
#include "db_move.h"
#include "db_node.h"
#include "log.h"

/* The node of the path, authenticated by its bearer token: the database, or NULL when answered (401, 503). */
static struct db *
node_auth(struct web *w, struct req *q, struct resp *r, const char *node)
{
	struct db *db;
	int rc;

	if (q->authorization == NULL || strncasecmp(q->authorization, "Bearer ", 7) != 0) {
		resp_header(r, "WWW-Authenticate", "Bearer realm=\"vepanel-node\"");
		resp_json_error(r, 401, "The node's bearer token is required.", NULL);
		return NULL;
	}
	if ((db = web_db(w, r)) == NULL)
		return NULL;
	if ((rc = db_node_auth(db, node, q->authorization + 7)) < 0) {
		web_error(w, r, 503, "The service is briefly unavailable.");
		return NULL;
	}
	if (rc == 0) {
		resp_json_error(r, 401, "The node name or token is wrong.", NULL);
		return NULL;
	}
	return db;
}

void
api_node_ves(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct db *db;
	json_t *doc = NULL;

	if ((db = node_auth(w, q, r, caps[0])) == NULL)
		return;
	/* With the reinstall, restore and backup wishes (lib/db/db_backup.c). */
	if (db_node_ves_json(db, caps[0], &doc) != 0 ||
	    db_backup_node_fields(db, caps[0], doc) != DB_OK ||
	    db_move_node_fields(db, caps[0], doc, w->form_key, sizeof(w->form_key)) != DB_OK) {
		json_decref(doc);
		web_error(w, r, 503, "The service is briefly unavailable.");
		return;
	}
	r->private_page = 1;
	resp_json(r, 200, doc);
}

void
api_admin_nodes(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct admin_node *nodes = NULL;
	char t[21];
	size_t nn = 0;
	json_t *arr;
	(void)caps;

	if (!api_admin_only(w, q, r))
		return;
	if (db_admin_nodes(w->db, &nodes, &nn) != DB_OK || (arr = json_array()) == NULL) {
		free(nodes);
		web_error(w, r, 503, "The service is briefly unavailable.");
		return;
	}
	for (size_t i = 0; i < nn; i++) {
		const struct admin_node *x = &nodes[i];
		json_t *n = json_pack("{s:s, s:s, s:b, s:s, s:I, s:I, s:I}", "name", x->name,
		    "url", x->url, "enabled", x->enabled, "state", x->state, "ves", (json_int_t)x->ves,
		    "max_ves", (json_int_t)x->max_ves, "disk_mb", (json_int_t)x->disk_mb);
		if (x->last_poll_at > 0) {
			vep_iso8601(x->last_poll_at, t);
			json_object_set_new(n, "last_poll", json_string(t));
		} else
			json_object_set_new(n, "last_poll", json_null());
		if (x->last_ok_at > 0) {
			vep_iso8601(x->last_ok_at, t);
			json_object_set_new(n, "last_ok", json_string(t));
		} else
			json_object_set_new(n, "last_ok", json_null());
		json_object_set_new(n, "lag_ms", x->lag_ms >= 0 ? json_integer(x->lag_ms) : json_null());
		json_object_set_new(n, "poller", x->poller[0] ? json_string(x->poller) : json_null());
		json_array_append_new(arr, n);
	}
	free(nodes);
	r->private_page = 1;
	resp_json(r, 200, json_pack("{s:o}", "nodes", arr));
}

void
api_admin_node_add(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	const char *name, *url;
	char tok[65], err[256];
	int rc;
	(void)caps;

	if (!api_admin_json(w, q, r, "Send {\"name\":..., \"url\":...} as JSON."))
		return;
	name = json_string_value(json_object_get(q->json, "name"));
	url = json_string_value(json_object_get(q->json, "url"));
	if (name == NULL || url == NULL || json_object_size(q->json) != 2) {
		json_t *f = json_object();
		if (name == NULL)
			json_object_set_new(f, "name", json_string("is required (a text)"));
		if (url == NULL)
			json_object_set_new(f, "url", json_string("is required (the agent's /metrics URL)"));
		if (json_object_size(f) == 0)
			json_object_set_new(f, "body", json_string("only name and url are accepted"));
		resp_json_error(r, 422, "The node has errors.", f);
		return;
	}
	/* Added and audited in one transaction (lib/db/db_admin.c). */
	if ((rc = db_admin_node_add(w->db, name, url, "api", w->now, tok, err, sizeof(err))) != ADM_OK) {
		api_admin_fail(w, r, rc, err);
		return;
	}
	log_info("node %s added through the API", name);
	r->private_page = 1;
	resp_json(r, 201, json_pack("{s:s, s:s, s:s}", "name", name, "url", url, "token", tok));
}

void
api_admin_node_delete(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	char err[256];

	if (!api_admin_only(w, q, r))
		return;
	/* Removed and audited in one transaction; a node any VE ever named stays (history). */
	switch (db_admin_node_delete(w->db, caps[0], "api", w->now, err, sizeof(err))) {
	case ADM_OK:
		r->status = 204;
		return;
	case ADM_ENONODE:
		web_error(w, r, 404, "There is no such node.");
		return;
	case ADM_ECONFLICT:
		resp_json_error(r, 409, "The node has or had VEs; move them away and disable it instead.", NULL);
		return;
	default:
		web_error(w, r, 503, "The service is briefly unavailable.");
		return;
	}
}

/*
 * POST /api/v1/nodes/{name}/ves/{ve_id}/token (the node's bearer token):
 * a new read-only owner token for a VE of that node, for its
 * /etc/VE/VEinfo.conf; the VE's previous one stops working.
 */
void
api_node_ve_token(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct db *db;
	char tok[65];
	int rc;

	if ((db = node_auth(w, q, r, caps[0])) == NULL)
		return;
	r->private_page = 1;
	if (!ve_id_valid(caps[1])) {
		web_error(w, r, 404, "This node has no such VE.");
		return;
	}
	rc = db_node_ve_token(db, caps[0], caps[1], w->now, tok);
	if (rc < 0) {
		web_error(w, r, 503, "The service is briefly unavailable.");
		return;
	}
	if (rc == 0) {
		web_error(w, r, 404, "This node has no such VE.");
		return;
	}
	log_info("node %s: new VE token for %s", caps[0], caps[1]);
	resp_json(r, 201, json_pack("{s:s}", "token", tok));
	explicit_bzero(tok, sizeof(tok));
}

/*
 * POST /api/v1/nodes/{name}/ves/{id}/moved: the node runs the VE with the
 * data it copied from the node the VE left; the move is over and that node
 * no longer lists the VE (lib/db/db_move.h).  204, or 404 when no move of
 * that VE to this node is under way.
 */
void
api_node_ve_moved(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct db *db;
	int rc;

	if ((db = node_auth(w, q, r, caps[0])) == NULL)
		return;
	r->private_page = 1;
	if (!ve_id_valid(caps[1]) || (rc = db_move_done(db, caps[0], caps[1])) == 0) {
		web_error(w, r, 404, "No move of this VE to this node is under way.");
		return;
	}
	if (rc < 0) {
		web_error(w, r, 503, "The service is briefly unavailable.");
		return;
	}
	log_info("node %s: VE %s moved with its data", caps[0], caps[1]);
	resp_json(r, 200, json_pack("{s:b}", "moved", 1));
}
