/*
 * Nodes as the node agents see them: token check and the list of VEs a
 * node must run (see db_node.h).  All SQL of the module is in sql[]; the
 * two SELECTs of the list run in one transaction so the addresses belong
 * to the same snapshot as the VEs.
 */
#include <ctype.h>
#include <string.h>

#include <jansson.h>

#include "secret.h"
#include "db.h"
#include "db_audit.h"
#include "db_node.h"
#include "log.h"
#include "util.h"

enum stmt {
	STMT_AUTH,
	STMT_VES,
	STMT_IPS,
	STMT_TOKEN_VE,
	STMT_TOKEN_REVOKE,
	STMT_TOKEN_INSERT,
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
	    "  AND c.period = DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m') AND c.action = 'throttle'), 0),"
	    " t.code, v.root_crypt, o.always_on, o.login, v.power, v.power_seq"
	    " FROM ves v JOIN orders o ON o.id = v.order_id JOIN nodes n ON n.name = ?"
	    " JOIN os_templates t ON t.id = o.template_id"
	    " WHERE (v.node_id = n.id OR v.move_from_node_id = n.id)"
	    " AND v.state IN ('active', 'suspended')"
	    " ORDER BY v.id",
	/* The pool's netmask, gateway and DNS servers, as db_ve_get reads them. */
	[STMT_IPS] =
	    "SELECT i.ve_id, i.address, p.netmask, p.gateway, p.dns1, COALESCE(p.dns2, ''),"
	    " COALESCE(i.dns_name, '')"
	    " FROM ip_addresses i JOIN ip_pools p ON p.id = i.pool_id"
	    " JOIN ves v ON v.id = i.ve_id JOIN nodes n ON n.name = ?"
	    " WHERE (v.node_id = n.id OR v.move_from_node_id = n.id)"
	    " AND v.state IN ('active', 'suspended')"
	    " ORDER BY i.ve_id, i.seq",
	[STMT_TOKEN_VE] =
	    "SELECT v.id FROM ves v JOIN nodes n ON n.id = v.node_id"
	    " WHERE n.name = ? AND v.id = ? AND v.state IN ('active', 'suspended') FOR UPDATE",
	[STMT_TOKEN_REVOKE] =
	    "UPDATE admin_tokens SET revoked_at = ? WHERE kind = 've' AND ve_id = ? AND revoked_at IS NULL",
	[STMT_TOKEN_INSERT] =
	    "INSERT INTO admin_tokens (token_hash, label, created_at, kind, ve_id)"
	    " VALUES (?, ?, ?, 've', ?)",
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

/* The stored comma list as a JSON array of the styles we know. */
static json_t *
login_array(const char *list)
{
	static const char *const names[] = { "ssh", "telnet", "rsh", "x11" };
	json_t *a = json_array();
	const char *p = list;

	while (a != NULL && *p != '\0') {
		size_t n = strcspn(p, ",");
		for (size_t i = 0; i < nitems(names); i++)
			if (strlen(names[i]) == n && strncmp(p, names[i], n) == 0)
				json_array_append_new(a, json_string(names[i]));
		p += n;
		if (*p == ',')
			p++;
	}
	return a;
}

json_t *
db_node_ve_seek(json_t *ves, size_t *k, const char *ve_id)
{
	json_t *e;

	while (*k < json_array_size(ves) && strcmp(json_string_value(
	    json_object_get(json_array_get(ves, *k), "ve_id")), ve_id) < 0)
		(*k)++;
	if (*k == json_array_size(ves))
		return NULL;
	e = json_array_get(ves, *k);
	return strcmp(json_string_value(json_object_get(e, "ve_id")), ve_id) == 0 ? e : NULL;
}

json_t *
db_node_ve_entry(const struct db_node_ve *r)
{
	char host[9];
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
	if (e == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(host); i++)
		host[i] = (char)tolower((unsigned char)r->ve_id[i]);
	host[sizeof(host) - 1] = '\0';
	if (json_object_update_new(e, json_pack("{s:s, s:o, s:s, s:s, s:[], s:b, s:o, s:s, s:I, s:s}",
	    "template", r->template,
	    "root_crypt", r->root_crypt_null || r->root_crypt[0] == '\0' ? json_null() :
	    json_string(r->root_crypt),
	    "netmask", "", "gateway", "", "dns_servers",
	    "always_on", r->always_on,
	    "login", login_array(r->login),
	    "power", r->power[0] != '\0' ? r->power : "running",
	    "power_seq", (json_int_t)r->power_seq,
	    "hostname", host)) == -1) {
		json_decref(e);
		return NULL;
	}
	return e;
}

/*
 * One address of entry e; the first one sets the netmask, gateway and DNS
 * servers (every address of a VE comes from one pool, as db_ve_get
 * assumes), the first DNS name the hostname.  0 or -1.
 */
static int
ip_add(json_t *e, const char *ip, const char *mask, const char *gw, const char *d1, const char *d2,
    const char *dn)
{
	json_t *ips = json_object_get(e, "ips");
	int first = json_array_size(ips) == 0;

	if (json_array_append_new(ips, json_string(ip)) == -1)
		return -1;
	if (first) {
		json_t *dns = json_object_get(e, "dns_servers");
		if (json_object_set_new(e, "netmask", json_string(mask)) == -1 ||
		    json_object_set_new(e, "gateway", json_string(gw)) == -1 ||
		    json_array_append_new(dns, json_string(d1)) == -1 ||
		    (d2[0] != '\0' && json_array_append_new(dns, json_string(d2)) == -1))
			return -1;
	}
	/* The default (the VEid) has no dot; a DNS name always has one. */
	if (dn[0] != '\0' && strchr(json_string_value(json_object_get(e, "hostname")), '.') == NULL &&
	    json_object_set_new(e, "hostname", json_string(dn)) == -1)
		return -1;
	return 0;
}

int
db_node_ves_json(struct db *db, const char *name, json_t **out)
{
	struct dbv p[] = { DBV_STR(name) };
	struct db_node_ve r;
	struct db_cur cur;
	json_t *doc = NULL, *ves;
	char ip_ve[9], ip[16], mask[16], gw[16], d1[16], d2[16], dn[254];
	long long aon = 0;
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
			DBO_INT(&r.throttle_kbps), DBO_STR(r.template), DBO_STR(r.root_crypt),
			DBO_INT(&aon), DBO_STR(r.login), DBO_STR(r.power), DBO_INT(&r.power_seq),
		};
		o[15].isnull = &r.root_crypt_null;
		o[12].isnull = &r.firewall_file_null;
		if ((rc = db_query(db, &cur, sql[STMT_VES], p, nitems(p), o, nitems(o))) != DB_OK)
			goto fail;
		while ((rc = db_next(&cur)) == 1) {
			json_t *e;

			r.always_on = aon != 0;
			e = db_node_ve_entry(&r);

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
		struct dbo o[] = { DBO_STR(ip_ve), DBO_STR(ip), DBO_STR(mask), DBO_STR(gw), DBO_STR(d1),
		    DBO_STR(d2), DBO_STR(dn) };

		if ((rc = db_query(db, &cur, sql[STMT_IPS], p, nitems(p), o, nitems(o))) != DB_OK)
			goto fail;
		/* Both lists are ordered by VE id: walk them together. */
		while ((rc = db_next(&cur)) == 1) {
			json_t *e = db_node_ve_seek(ves, &k, ip_ve);

			if (e == NULL)
				continue;
			if (ip_add(e, ip, mask, gw, d1, d2, dn) == -1) {
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

/* The token transaction (db_tx body). */
int
db_node_ve_tokens_revoke(struct db *db, const char *ve_id, long long now)
{
	struct dbv p[] = { DBV_INT(now), DBV_STR(ve_id) };

	return db_exec(db, sql[STMT_TOKEN_REVOKE], p, nitems(p), NULL, NULL);
}

struct ve_token {
	const char	*name, *ve_id;
	long long	 now;
	char		*tok;
};

static int
ve_token_once(struct db *db, void *arg)
{
	const struct ve_token *x = arg;
	char h[65], got[9];
	char label[64];
	int rc;

	struct dbv p[] = { DBV_STR(x->name), DBV_STR(x->ve_id) };
	struct dbo o[] = { DBO_STR(got) };
	if ((rc = db_one(db, sql[STMT_TOKEN_VE], p, nitems(p), o, nitems(o))) < 0)
		return rc;
	if (rc == 0)
		return 1;	/* not this node's VE: nothing written */
	if ((rc = db_node_ve_tokens_revoke(db, x->ve_id, x->now)) != DB_OK)
		return rc;
	if (auth_token_hex(x->tok, 32) == -1)
		return DB_ERR;
	vep_sha256_hex(x->tok, strlen(x->tok), h);
	snprintf(label, sizeof(label), "ve %s by node %.40s", x->ve_id, x->name);
	struct dbv pi[] = { DBV_STR(h), DBV_STR(label), DBV_INT(x->now), DBV_STR(x->ve_id) };
	if ((rc = db_exec(db, sql[STMT_TOKEN_INSERT], pi, nitems(pi), NULL, NULL)) != DB_OK)
		return rc;
	/* Who made which VE's token, and when (never the token itself). */
	snprintf(label, sizeof(label), "node:%.58s", x->name);
	return db_audit(db, x->now, label, "ve.token", x->ve_id, NULL, NULL);
}

int
db_node_ve_token(struct db *db, const char *name, const char *ve_id, long long now, char token_out[65])
{
	struct ve_token x = { name, ve_id, now, token_out };
	int rc;

	token_out[0] = '\0';
	rc = db_tx(db, ve_token_once, &x);
	if (rc == DB_OK)
		return 1;
	explicit_bzero(token_out, 65);
	return rc == 1 ? 0 : rc;
}
