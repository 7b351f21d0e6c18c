/*
 * Nodes as the node agents see them: token check and the list of VEs a
 * node must run (see db_node.h).  All SQL of the module is in sql[]; the
 * two SELECTs of the list run in one transaction so the addresses belong
 * to the same snapshot as the VEs.
 */
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "db_node.h"
#include "log.h"
#include "util.h"

enum stmt {
	STMT_AUTH,
	STMT_VES,
	STMT_IPS,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	[STMT_AUTH] =
	    "SELECT token_hash, enabled FROM nodes WHERE name = ?",
	/* throttle_kbps: the tightest traffic cap billing recorded this month (0: none). */
	[STMT_VES] =
	    "SELECT v.id, v.state, o.disk_quota_mb, o.cpu_min_bogomips, o.mem_max_mb,"
	    " o.net_bw_min_kbps, o.net_bw_max_kbps, o.net_in_bw_min_kbps,"
	    " o.net_in_bw_max_kbps, o.net_out_bw_min_kbps, o.net_out_bw_max_kbps,"
	    " o.firewall, o.firewall_file,"
	    " COALESCE((SELECT MIN(c.throttle_kbps) FROM ve_caps c WHERE c.ve_id = v.id"
	    "  AND c.period = DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m') AND c.action = 'throttle'), 0)"
	    " FROM ves v JOIN orders o ON o.id = v.order_id JOIN nodes n ON n.id = v.node_id"
	    " WHERE n.name = ? AND v.state IN ('active', 'suspended')"
	    " ORDER BY v.id",
	[STMT_IPS] =
	    "SELECT i.ve_id, i.address"
	    " FROM ip_addresses i JOIN ves v ON v.id = i.ve_id JOIN nodes n ON n.id = v.node_id"
	    " WHERE n.name = ? AND v.state IN ('active', 'suspended')"
	    " ORDER BY i.ve_id, i.seq",
};

int
db_node_auth(struct db *db, const char *name, const char *token)
{
	char hash[65], got[65];
	long long enabled = 0;
	struct dbv p[] = { DBV_STR(name) };
	struct dbo o[] = { DBO_STR(hash), DBO_INT(&enabled) };
	int rc, ok;

	hash[0] = '\0';
	rc = db_one(db, sql[STMT_AUTH], p, nitems(p), o, nitems(o));
	/* Hash even for an unknown node: the answer takes as long either way. */
	vep_sha256_hex(token, strlen(token), got);
	if (rc < 0)
		return rc;
	ok = rc == 1 && enabled != 0 && vep_ct_streq(got, hash);
	explicit_bzero(got, sizeof(got));
	return ok;
}

json_t *
db_node_ve_entry(const struct db_node_ve *r)
{
	json_t *e;

	e = json_pack("{s:s, s:s, s:[], s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:o, s:I}",
	    "ve_id", r->ve_id,
	    "state", r->state,
	    "ips",
	    "disk_quota_mb", (json_int_t)r->disk_quota_mb,
	    "cpu_min_bogomips", (json_int_t)r->cpu_min_bogomips,
	    "mem_max_mb", (json_int_t)r->mem_max_mb,
	    "net_bw_min_kbps", (json_int_t)r->net_bw_min_kbps,
	    "net_bw_max_kbps", (json_int_t)r->net_bw_max_kbps,
	    "net_in_bw_min_kbps", (json_int_t)r->net_in_bw_min_kbps,
	    "net_in_bw_max_kbps", (json_int_t)r->net_in_bw_max_kbps,
	    "net_out_bw_min_kbps", (json_int_t)r->net_out_bw_min_kbps,
	    "net_out_bw_max_kbps", (json_int_t)r->net_out_bw_max_kbps,
	    "firewall", r->firewall,
	    "firewall_file", r->firewall_file_null ? json_null() : json_string(r->firewall_file),
	    "throttle_kbps", (json_int_t)r->throttle_kbps);
	return e;
}

int
db_node_ves_json(struct db *db, const char *name, json_t **out)
{
	struct dbv p[] = { DBV_STR(name) };
	struct db_node_ve r;
	struct db_cur cur;
	json_t *doc = NULL, *ves;
	char ip_ve[9], ip[16];
	size_t k = 0;
	int rc;

	*out = NULL;
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((doc = json_pack("{s:s, s:[]}", "node", name, "ves")) == NULL) {
		rc = DB_ERR;
		goto fail;
	}
	ves = json_object_get(doc, "ves");

	memset(&r, 0, sizeof(r));
	{
		struct dbo o[] = {
			DBO_STR(r.ve_id), DBO_STR(r.state),
			DBO_INT(&r.disk_quota_mb), DBO_INT(&r.cpu_min_bogomips),
			DBO_INT(&r.mem_max_mb),
			DBO_INT(&r.net_bw_min_kbps), DBO_INT(&r.net_bw_max_kbps),
			DBO_INT(&r.net_in_bw_min_kbps), DBO_INT(&r.net_in_bw_max_kbps),
			DBO_INT(&r.net_out_bw_min_kbps), DBO_INT(&r.net_out_bw_max_kbps),
			DBO_STR(r.firewall), DBO_STR(r.firewall_file),
			DBO_INT(&r.throttle_kbps),
		};
		o[12].isnull = &r.firewall_file_null;
		if ((rc = db_query(db, &cur, sql[STMT_VES], p, nitems(p), o, nitems(o))) != DB_OK)
			goto fail;
		while ((rc = db_next(&cur)) == 1) {
			json_t *e = db_node_ve_entry(&r);

			if (e == NULL || json_array_append_new(ves, e) == -1) {
				rc = DB_ERR;
				break;
			}
		}
		db_cur_close(&cur);
		if (rc < 0)
			goto fail;
	}
	{
		struct dbo o[] = { DBO_STR(ip_ve), DBO_STR(ip) };

		if ((rc = db_query(db, &cur, sql[STMT_IPS], p, nitems(p), o, nitems(o))) != DB_OK)
			goto fail;
		/* Both lists are ordered by VE id: walk them together. */
		while ((rc = db_next(&cur)) == 1) {
			json_t *e;

			while (k < json_array_size(ves) && strcmp(json_string_value(
			    json_object_get(json_array_get(ves, k), "ve_id")), ip_ve) < 0)
				k++;
			if (k == json_array_size(ves))
				break;
			e = json_array_get(ves, k);
			if (strcmp(json_string_value(json_object_get(e, "ve_id")), ip_ve) != 0)
				continue;
			if (json_array_append_new(json_object_get(e, "ips"), json_string(ip)) == -1) {
				rc = DB_ERR;
				break;
			}
		}
		db_cur_close(&cur);
		if (rc < 0)
			goto fail;
	}
	if ((rc = db_commit(db)) != DB_OK)
		goto fail;
	*out = doc;
	return DB_OK;
fail:
	(void)db_rollback(db);
	json_decref(doc);
	return rc < 0 ? rc : DB_ERR;
}
