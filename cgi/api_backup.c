/*
 * Reinstall, backups and restore through the API (SPEC section 11):
 *	POST /ves/{id}/reinstall {"template","root_password"}	owner, admin: 202
 *	GET  /ves/{id}/backups					owner, admin
 *	POST /ves/{id}/backups					owner, admin: a backup now, 202
 *	POST /ves/{id}/restore {"backup"}			owner, admin: 202
 *	POST /nodes/{name}/ves/{id}/backups			the node's report
 * The panel records the wish (lib/db/db_backup.c); the VE's node acts on it
 * at its next sync (agent/be_real.c, velxc).  Bodies are checked whole
 * before anything is written: a refusal writes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "db.h"
#include "db_backup.h"
#include "db_node.h"
#include "log.h"
#include "secret.h"
#include "util.h"

/* Credential, then a VE the caller may change; 0 or -1 (answered). */
static int
act_call(struct web *w, struct req *q, struct resp *r, struct caller *c, const char *id,
    int write)
{
	if (api_ve_call(w, q, r, c, id) == -1)
		return -1;
	if (write ? !api_may_act(w, r, c, id) : !api_may_see(w, r, c, id))
		return -1;
	return web_db(w, r) == NULL ? -1 : 0;
}

static const char *
actor_of(const struct caller *c)
{
	return c->who == WHO_ADMIN ? "api" : c->ve_id;
}

static void
answer_rc(struct web *w, struct resp *r, int rc, const char *what)
{
	switch (rc) {
	case BK_NOVE:
		web_error(w, r, 404, "There is no such VE.");
		break;
	case BK_SUSPENDED:
		resp_json_error(r, 409, "The VE is suspended or expired: resume it first. Nothing was "
		    "changed.", NULL);
		break;
	case BK_NOTEMPLATE:
		resp_json_error(r, 422, "The template cannot be accepted.", json_pack("{s:s}",
		    "template", "is not a template of the catalogue"));
		break;
	case BK_LOGIN:
		resp_json_error(r, 422, "The template cannot be accepted.", json_pack("{s:s}",
		    "template", "does not offer every login style of this VE"));
		break;
	case BK_NOBACKUP:
		resp_json_error(r, 422, "The backup cannot be accepted.", json_pack("{s:s}",
		    "backup", "is not a backup of this VE"));
		break;
	default:
		log_warnx("%s: %s", what, db_strerror(rc));
		web_error(w, r, 503, "The service is briefly unavailable; nothing was changed.");
		break;
	}
}

/*
 * The answer to a job the VE's node starts at its next sync: rc's error,
 * or 202 with the VE and what the job takes (key: val), logged as
 * "VE <id>: <what> <val> asked by <actor>".
 */
static void
answer_job(struct web *w, struct resp *r, int rc, const char *func, const char *ve,
    const struct caller *c, const char *what, const char *key, const char *val)
{
	if (rc != BK_OK) {
		answer_rc(w, r, rc, func);
		return;
	}
	log_info("VE %s: %s %s asked by %s", ve, what, val, actor_of(c));
	resp_json(r, 202, json_pack("{s:s, s:s}", "ve_id", ve, key, val));
}

void
api_ve_reinstall(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	char nh[256], nc[AUTH_CRYPT_MAX];
	const char *tpl, *pw;
	struct caller c;
	json_t *f;
	int rc;

	if (act_call(w, q, r, &c, caps[0], 1) == -1)
		return;
	if (q->json == NULL || !json_is_object(q->json)) {
		resp_json_error(r, 422, "Send {\"template\":\"CODE\",\"root_password\":\"...\"} as JSON.",
		    NULL);
		return;
	}
	tpl = json_string_value(json_object_get(q->json, "template"));
	pw = json_string_value(json_object_get(q->json, "root_password"));
	f = json_object();
	if (!backup_template_valid(tpl))
		json_object_set_new(f, "template", json_string("is required: a template code"));
	if (pw == NULL || backup_utf8_chars(pw) < 12 || backup_utf8_chars(pw) > 128)
		json_object_set_new(f, "root_password", json_string("must be 12 to 128 characters"));
	{
		const char *k;
		json_t *v;

		json_object_foreach(q->json, k, v)
			if (strcmp(k, "template") != 0 && strcmp(k, "root_password") != 0)
				json_object_set_new(f, k, json_string("is not accepted here"));
	}
	if (json_object_size(f) > 0) {
		resp_json_error(r, 422, "The reinstall cannot be accepted; nothing was changed.", f);
		return;
	}
	json_decref(f);
	if (web_hash_new_password(w, r, "checked", pw, nh, sizeof(nh), nc,
	    "The password could not be hashed; nothing was changed.") == -1)
		return;
	rc = db_backup_reinstall(w->db, caps[0], tpl, nh, nc, actor_of(&c), w->now);
	explicit_bzero(nh, sizeof(nh));
	explicit_bzero(nc, sizeof(nc));
	answer_job(w, r, rc, __func__, caps[0], &c, "reinstall from", "template", tpl);
}

void
api_ve_backups(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct backup_row rows[BACKUP_MAX];
	struct backup_state st;
	struct caller c;
	char t[21];
	size_t n = 0;
	json_t *arr;
	int rc;

	if (act_call(w, q, r, &c, caps[0], 0) == -1)
		return;
	if ((rc = db_backup_list(w->db, caps[0], rows, &n, &st)) != DB_OK) {
		answer_rc(w, r, rc, __func__);
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		vep_iso8601(rows[i].taken_at, t);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:I}", "id", rows[i].id,
		    "taken_at", t, "bytes", (json_int_t)rows[i].bytes));
	}
	json_t *doc = json_pack("{s:o, s:I}", "backups", arr, "backup_hours",
	    (json_int_t)st.backup_hours);
	if (st.ok_at > 0) {
		vep_iso8601(st.ok_at, t);
		json_object_set_new(doc, "last_ok", json_string(t));
	} else
		json_object_set_new(doc, "last_ok", json_null());
	json_object_set_new(doc, "last_error", st.error_at > 0 ? json_string(st.error) : json_null());
	resp_json(r, 200, doc);
}

void
api_ve_backup_now(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct caller c;
	int rc;

	if (act_call(w, q, r, &c, caps[0], 1) == -1)
		return;
	if (q->json != NULL && (!json_is_object(q->json) || json_object_size(q->json) != 0)) {
		resp_json_error(r, 422, "Send no body, or {}.", NULL);
		return;
	}
	if ((rc = db_backup_now(w->db, caps[0], actor_of(&c), w->now)) != BK_OK) {
		answer_rc(w, r, rc, __func__);
		return;
	}
	resp_json(r, 202, json_pack("{s:s}", "ve_id", caps[0]));
}

void
api_ve_restore(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	const char *id;
	struct caller c;
	int rc;

	if (act_call(w, q, r, &c, caps[0], 1) == -1)
		return;
	id = q->json != NULL ? json_string_value(json_object_get(q->json, "backup")) : NULL;
	if (!backup_id_valid(id) || json_object_size(q->json) != 1) {
		resp_json_error(r, 422, "The restore cannot be accepted; nothing was changed.",
		    json_pack("{s:s}", "backup", "is required: the id of one of the VE's backups"));
		return;
	}
	rc = db_backup_restore(w->db, caps[0], id, actor_of(&c), w->now);
	answer_job(w, r, rc, __func__, caps[0], &c, "restore of", "backup", id);
}

void
api_node_ve_backups(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct backup_row rows[BACKUP_MAX];
	const char *error, *why = "";
	long long repo_bytes = 0;
	size_t n = 0;
	int rc;

	if (q->authorization == NULL || strncasecmp(q->authorization, "Bearer ", 7) != 0) {
		resp_json_error(r, 401, "The node's bearer token is required.", NULL);
		return;
	}
	if (web_db(w, r) == NULL)
		return;
	r->private_page = 1;
	if ((rc = db_node_auth(w->db, caps[0], q->authorization + 7)) != 1) {
		if (rc < 0)
			web_error(w, r, 503, "The service is briefly unavailable.");
		else
			resp_json_error(r, 401, "The node name or token is wrong.", NULL);
		return;
	}
	if (!ve_id_valid(caps[1]) || q->json == NULL ||
	    backup_report_parse(q->json, rows, &n, &repo_bytes, &error, &why) == -1) {
		resp_json_error(r, 422, why[0] ? why : "Not a backup report.", NULL);
		return;
	}
	rc = db_backup_report(w->db, caps[0], caps[1], rows, n, repo_bytes, error, w->now);
	if (rc == BK_NOVE) {
		web_error(w, r, 404, "This node has no such VE.");
		return;
	}
	if (rc != DB_OK) {
		answer_rc(w, r, rc, __func__);
		return;
	}
	if (error != NULL)
		log_warnx("node %s: backup of VE %s failed: %.200s", caps[0], caps[1], error);
	r->status = 204;
}
