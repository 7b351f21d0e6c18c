/*
 * The operator's VE lifecycle calls and reports (SPEC section 5):
 *
 *	GET    /api/v1/admin/ves?state=&q=&limit=&offset=
 *	POST   /api/v1/admin/ves/{ve_id}/move	{"node":"NAME"}
 *	POST   /api/v1/admin/ves/{ve_id}/suspend	{"reason":"..."} (optional)
 *	POST   /api/v1/admin/ves/{ve_id}/resume
 *	DELETE /api/v1/admin/ves/{ve_id}
 *	GET    /api/v1/admin/reports/{revenue,usage,overage,unpaid}?from=YYYY-MM-DD&to=YYYY-MM-DD
 *
 * The lifecycle calls answer 200 {"ve":{...},"changed":true|false}: a call
 * that finds the VE already so (suspending a suspended VE, resuming an
 * active one, moving a VE to its own node, deleting a deleted one) changes
 * nothing, writes no audit row and says "changed":false.  Unknown VE or
 * node 404; a deleted or expired VE, a disabled or full node 409; bad input
 * 422.  Every change is audited (lib/db/db_admin.c) with actor "api".
 *
 * Reports answer JSON, or with Accept: text/csv the same rows as CSV; the
 * rows are built once (db_report_table) for both and for the admin screen.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "db.h"
#include "db_admin.h"
#include "db_report.h"
#include "log.h"

#define ACTOR		"api"
#define LIMIT_DEFAULT	100
#define OFFSET_MAX	1000000000LL

void
api_admin_fail(struct web *w, struct resp *r, int rc, const char *err)
{
	switch (rc) {
	case ADM_ENOENT:
		web_error(w, r, 404, "There is no such VE.");
		break;
	case ADM_ENONODE:
		resp_json_error(r, 404, err, json_pack("{s:s}", "node", "is not a known node"));
		break;
	case ADM_ECONFLICT:
	case ADM_EEXISTS:
		resp_json_error(r, 409, err, NULL);
		break;
	case ADM_EINPUT:
		resp_json_error(r, 422, err, NULL);
		break;
	default:
		web_error(w, r, 503, "The service is briefly unavailable.");
		break;
	}
}

/* One query parameter at most once; NULL when absent.  -1 (422 sent) when repeated. */
static int
one_param(struct req *q, const char *name, const char **out, json_t *bad)
{
	*out = NULL;
	if (kv_count(&q->query, name) > 1) {
		json_object_set_new(bad, name, json_string("was given more than once"));
		return -1;
	}
	*out = kv_get(&q->query, name);
	return 0;
}

void
api_admin_ves(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	static const char *const states[] = { "active", "suspended", "expired", "deleted" };
	struct admin_ve_filter f = { NULL, NULL, NULL, LIMIT_DEFAULT, 0 };
	struct admin_ve_row *rows = NULL;
	const char *state, *qs, *lim, *off, *es;
	json_t *bad, *arr;
	long long total;
	size_t n;
	(void)caps;

	if (!api_admin_only(w, q, r))
		return;
	bad = json_object();
	one_param(q, "state", &state, bad);
	one_param(q, "q", &qs, bad);
	one_param(q, "limit", &lim, bad);
	one_param(q, "offset", &off, bad);
	if (state != NULL && *state != '\0') {
		int ok = 0;
		for (size_t i = 0; i < nitems(states); i++)
			ok |= strcmp(state, states[i]) == 0;
		if (!ok)
			json_object_set_new(bad, "state", json_string("must be active, suspended, expired or deleted"));
		f.state = state;
	}
	if (qs != NULL && *qs != '\0') {
		if (!admin_text_valid(qs, 254, 0))
			json_object_set_new(bad, "q", json_string("must be at most 254 printable characters"));
		f.q = qs;
	}
	if (lim != NULL) {
		f.limit = vep_strtonum(lim, 1, ADMIN_VE_LIMIT_MAX, &es);
		if (es != NULL)
			json_object_set_new(bad, "limit", json_string("must be a whole number from 1 to 1000"));
	}
	if (off != NULL) {
		f.offset = vep_strtonum(off, 0, OFFSET_MAX, &es);
		if (es != NULL)
			json_object_set_new(bad, "offset", json_string("must be a whole number from 0 to 1000000000"));
	}
	if (json_object_size(bad) > 0) {
		resp_json_error(r, 422, "The filter has errors.", bad);
		return;
	}
	json_decref(bad);
	if (db_admin_ves(w->db, &f, &rows, &n, &total) != DB_OK) {
		web_error(w, r, 503, "The service is briefly unavailable.");
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, admin_ve_row_json(&rows[i]));
	admin_ve_rows_free(rows, n);
	resp_json(r, 200, json_pack("{s:o, s:I, s:I, s:I}", "ves", arr, "total", (json_int_t)total,
	    "limit", (json_int_t)f.limit, "offset", (json_int_t)f.offset));
}

/*
 * The request's JSON object, with only the keys in allowed (NULL-terminated),
 * into *b (borrowed; NULL when there is no body: json_object_get(NULL, k) is
 * NULL).  0, or -1 with the answer already in r.
 */
static int
body(struct req *q, struct resp *r, const char *const *allowed, json_t **b)
{
	const char *k;
	json_t *v;

	*b = q->json;
	if (q->body_kind == 1) {
		resp_json_error(r, 415, "Send the body as JSON (Content-Type: application/json).", NULL);
		return -1;
	}
	json_object_foreach(q->json, k, v) {
		int ok = 0;
		for (size_t i = 0; allowed[i] != NULL; i++)
			ok |= strcmp(k, allowed[i]) == 0;
		if (!ok) {
			resp_json_error(r, 422, "The request has an unknown field.",
			    json_pack("{s:s}", k, "is not a field of this call"));
			return -1;
		}
	}
	return 0;
}

/* Answer {"ve":...,"changed":...} after a lifecycle call. */
static void
answer_ve(struct web *w, struct resp *r, const char *ve_id, int rc, const char *err)
{
	struct admin_ve_filter f = { NULL, NULL, ve_id, 1, 0 };
	struct admin_ve_row *rows = NULL;
	long long total;
	size_t n = 0;

	if (rc != ADM_OK && rc != ADM_NOCHANGE) {
		api_admin_fail(w, r, rc, err);
		return;
	}
	if (db_admin_ves(w->db, &f, &rows, &n, &total) != DB_OK || n != 1) {
		admin_ve_rows_free(rows, n);
		web_error(w, r, 503, "The service is briefly unavailable.");
		return;
	}
	resp_json(r, 200, json_pack("{s:o, s:b}", "ve", admin_ve_row_json(&rows[0]),
	    "changed", rc == ADM_OK));
	admin_ve_rows_free(rows, n);
}

/* The VE of the path, or 404. */
static int
path_ve(struct web *w, struct resp *r, const char *id)
{
	if (!ve_id_valid(id)) {
		web_error(w, r, 404, "There is no such VE.");
		return 0;
	}
	return 1;
}

void
api_admin_ve_move(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	static const char *const keys[] = { "node", NULL };
	const char *node;
	char err[256];
	json_t *b;
	int rc;

	if (!api_admin_only(w, q, r) || !path_ve(w, r, caps[0]) || body(q, r, keys, &b) == -1)
		return;
	node = json_string_value(json_object_get(b, "node"));
	if (node == NULL || !admin_node_name_valid(node)) {
		resp_json_error(r, 422, "Say which node to move the VE to.",
		    json_pack("{s:s}", "node", "is required: a node's name"));
		return;
	}
	rc = db_admin_ve_change(w->db, AVO_MOVE, caps[0], NULL, node, ACTOR, w->now, err, sizeof(err));
	if (rc == ADM_OK)
		log_info("api: VE %s moved to node %s", caps[0], node);
	answer_ve(w, r, caps[0], rc, err);
}

void
api_admin_ve_suspend(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	static const char *const keys[] = { "reason", NULL };
	const char *reason = NULL;
	char err[256];
	json_t *b, *v;
	int rc;

	if (!api_admin_only(w, q, r) || !path_ve(w, r, caps[0]) || body(q, r, keys, &b) == -1)
		return;
	if ((v = json_object_get(b, "reason")) != NULL && !json_is_null(v)) {
		reason = json_string_value(v);
		if (reason == NULL || !admin_text_valid(reason, 255, 0)) {
			resp_json_error(r, 422, "The reason is not acceptable.",
			    json_pack("{s:s}", "reason", "must be text of at most 255 characters"));
			return;
		}
	}
	rc = db_admin_ve_change(w->db, AVO_SUSPEND, caps[0], reason, NULL, ACTOR, w->now, err,
	    sizeof(err));
	if (rc == ADM_OK)
		log_info("api: VE %s suspended", caps[0]);
	answer_ve(w, r, caps[0], rc, err);
}

/* A VE action without a body: resume or delete, answered like the others. */
static void
ve_plain_action(struct web *w, struct req *q, struct resp *r, const char *id,
    enum admin_ve_op op, const char *done)
{
	static const char *const keys[] = { NULL };
	char err[256];
	json_t *b;
	int rc;

	if (!api_admin_only(w, q, r) || !path_ve(w, r, id) || body(q, r, keys, &b) == -1)
		return;
	rc = db_admin_ve_change(w->db, op, id, NULL, NULL, ACTOR, w->now, err, sizeof(err));
	if (rc == ADM_OK)
		log_info("api: VE %s %s", id, done);
	answer_ve(w, r, id, rc, err);
}

void
api_admin_ve_resume(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	ve_plain_action(w, q, r, caps[0], AVO_RESUME, "resumed");
}

void
api_admin_ve_delete(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	ve_plain_action(w, q, r, caps[0], AVO_DELETE, "deleted");
}

void
api_admin_report(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct admin_table t;
	const char *from, *to, *why, *field;
	long long tf, tt;
	json_t *bad;
	int k, rc;

	if (!api_admin_only(w, q, r))
		return;
	if ((k = admin_report_parse(caps[0])) < 0) {
		web_error(w, r, 404, "There is no such report: ask for revenue, usage, overage or unpaid.");
		return;
	}
	bad = json_object();
	one_param(q, "from", &from, bad);
	one_param(q, "to", &to, bad);
	if (json_object_size(bad) == 0 && (why = admin_range_check(from, to, &tf, &tt, &field)) != NULL)
		json_object_set_new(bad, field, json_string(why));
	if (json_object_size(bad) > 0) {
		resp_json_error(r, 422, "The report's range has errors.", bad);
		return;
	}
	json_decref(bad);
	if (admin_report_needs_billing((enum admin_report)k)) {
		if ((rc = db_admin_billing_ready(w->db)) < 0) {
			web_error(w, r, 503, "The service is briefly unavailable.");
			return;
		}
		if (rc == 0) {
			web_error(w, r, 503, "Billing is not available in this installation yet.");
			return;
		}
	}
	if (db_report_table(w->db, (enum admin_report)k, tf, tt, w->now, &t) != DB_OK) {
		web_error(w, r, 503, "The service is briefly unavailable.");
		return;
	}
	if (req_wants_csv(q)) {
		char cd[128];
		buf_reset(&r->body);
		admin_table_csv(&t, &r->body);
		r->status = 200;
		r->ctype = "text/csv; charset=utf-8; header=present";
		snprintf(cd, sizeof(cd), "attachment; filename=\"%s-%s-%s.csv\"", caps[0], from, to);
		resp_header(r, "Content-Disposition", cd);
	} else
		resp_json(r, 200, admin_table_json(&t, from, to));
	admin_table_free(&t);
}
