/*
 * Catalogue objects: see catalog.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "secret.h"
#include "db.h"
#include "db_sla.h"
#include "log.h"
#include "net.h"
#include "order.h"
#include "plan.h"
#include "sla.h"
#include "util.h"

enum stmt {
	S_PLAN_BY_CODE,
	S_PLAN_INSERT,
	S_PLAN_UPDATE,
	S_VERSION_UPSERT,
	S_PLANS_LIST,
	S_NODE_INSERT,
	S_POOL_INSERT,
	S_ADDR_INSERT,
	S_TEMPLATE_INSERT,
	S_TOKEN_INSERT,
	S_ADMIN_UPSERT,
	S_NODE_BY_NAME,
	S_NODE_LAST_RESORT,
	S_NODE_CAPACITY,
	S__MAX
};

static const char *const sql[S__MAX] = {
	[S_PLAN_BY_CODE] = "SELECT id FROM plans WHERE code = ?",
	[S_PLAN_INSERT] = "INSERT INTO plans (code, name, currency, active, max_disk_quota_mb, "
	    "max_ip_count, login_allowed, cap_action, created_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?)",
	[S_PLAN_UPDATE] = "UPDATE plans SET name = ?, currency = ?, max_disk_quota_mb = ?, "
	    "max_ip_count = ?, login_allowed = ?, cap_action = ? WHERE id = ?",
	[S_VERSION_UPSERT] = "INSERT INTO plan_versions (plan_id, valid_from, monthly_fee_minor, "
	    "inc_disk_gb, inc_traffic_gb, inc_traffic_in_gb, inc_traffic_out_gb, inc_cpu_hours, "
	    "inc_vmem_gb_hours, ov_disk_gb_month, ov_traffic_gb, ov_traffic_in_gb, ov_traffic_out_gb, "
	    "ov_cpu_hour, ov_vmem_gb_hour) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE monthly_fee_minor = VALUES(monthly_fee_minor), "
	    "inc_disk_gb = VALUES(inc_disk_gb), inc_traffic_gb = VALUES(inc_traffic_gb), "
	    "inc_traffic_in_gb = VALUES(inc_traffic_in_gb), inc_traffic_out_gb = VALUES(inc_traffic_out_gb), "
	    "inc_cpu_hours = VALUES(inc_cpu_hours), inc_vmem_gb_hours = VALUES(inc_vmem_gb_hours), "
	    "ov_disk_gb_month = VALUES(ov_disk_gb_month), ov_traffic_gb = VALUES(ov_traffic_gb), "
	    "ov_traffic_in_gb = VALUES(ov_traffic_in_gb), ov_traffic_out_gb = VALUES(ov_traffic_out_gb), "
	    "ov_cpu_hour = VALUES(ov_cpu_hour), ov_vmem_gb_hour = VALUES(ov_vmem_gb_hour)",
	[S_PLANS_LIST] = "SELECT p.code, p.name, p.currency, p.active, p.max_disk_quota_mb, "
	    "p.max_ip_count, p.login_allowed, p.cap_action, v.valid_from, v.monthly_fee_minor, "
	    "v.inc_disk_gb, v.inc_traffic_gb, v.inc_traffic_in_gb, v.inc_traffic_out_gb, v.inc_cpu_hours, "
	    "v.inc_vmem_gb_hours, v.ov_disk_gb_month, v.ov_traffic_gb, v.ov_traffic_in_gb, "
	    "v.ov_traffic_out_gb, v.ov_cpu_hour, v.ov_vmem_gb_hour, v.id "
	    "FROM plans p JOIN plan_versions v ON v.plan_id = p.id "
	    "WHERE v.valid_from = (SELECT MAX(valid_from) FROM plan_versions w "
	    "WHERE w.plan_id = p.id AND w.valid_from <= ?) ORDER BY v.monthly_fee_minor, p.code",
	[S_NODE_INSERT] = "INSERT INTO nodes (name, url, token_hash, enabled, created_at) "
	    "VALUES (?, ?, ?, 1, ?)",
	[S_POOL_INSERT] = "INSERT INTO ip_pools (name, netmask, gateway, dns1, dns2, node_id) "
	    "VALUES (?, ?, ?, ?, ?, ?)",
	[S_NODE_BY_NAME] = "SELECT id FROM nodes WHERE name = ?",
	[S_NODE_LAST_RESORT] = "UPDATE nodes SET last_resort = ? WHERE name = ?",
	[S_NODE_CAPACITY] = "UPDATE nodes SET uplink_kbps = COALESCE(?, uplink_kbps), "
	    "cpus = COALESCE(?, cpus), bogomips_per_cpu = COALESCE(?, bogomips_per_cpu), "
	    "moves_data = COALESCE(?, moves_data) WHERE name = ?",
	[S_ADDR_INSERT] = "INSERT INTO ip_addresses (pool_id, address, addr_num) VALUES (?, ?, ?)",
	[S_TEMPLATE_INSERT] = "INSERT INTO os_templates (code, name, active, login_styles, file, "
	    "min_disk_mb) VALUES (?, ?, 1, ?, ?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name), "
	    "active = 1, login_styles = VALUES(login_styles), file = VALUES(file), "
	    "min_disk_mb = VALUES(min_disk_mb)",
	[S_TOKEN_INSERT] = "INSERT INTO admin_tokens (token_hash, label, created_at) VALUES (?, ?, ?)",
	[S_ADMIN_UPSERT] = "INSERT INTO admins (name, password_hash, created_at) VALUES (?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE password_hash = VALUES(password_hash)",
};

int
catalog_plan_import(struct db *db, json_t *pl, long long valid_from, long long now,
    char *err, size_t errlen)
{
	struct plan_spec x;
	long long pid = 0;
	uint64_t newid = 0;
	int rc;

	if (plan_parse(pl, &x, err, errlen) == -1)
		return -1;
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	struct dbv pc[] = { DBV_STR(x.code) };
	struct dbo oc[] = { DBO_INT(&pid) };
	if ((rc = db_one(db, sql[S_PLAN_BY_CODE], pc, 1, oc, 1)) < 0)
		goto fail;
	if (rc == 0) {
		struct dbv p[] = { DBV_STR(x.code), DBV_STR(x.name), DBV_STR(x.currency), DBV_INT(x.max_disk_quota_mb),
		    DBV_INT(x.max_ip_count), DBV_STR(x.logins), DBV_STR(x.cap_action), DBV_INT(now) };
		if ((rc = db_exec(db, sql[S_PLAN_INSERT], p, nitems(p), NULL, &newid)) != DB_OK)
			goto fail;
		pid = (long long)newid;
	} else {
		struct dbv p[] = { DBV_STR(x.name), DBV_STR(x.currency), DBV_INT(x.max_disk_quota_mb), DBV_INT(x.max_ip_count),
		    DBV_STR(x.logins), DBV_STR(x.cap_action), DBV_INT(pid) };
		if ((rc = db_exec(db, sql[S_PLAN_UPDATE], p, nitems(p), NULL, NULL)) != DB_OK)
			goto fail;
	}
	struct dbv pv[] = { DBV_INT(pid), DBV_INT(valid_from), DBV_INT(x.fee_minor),
	    DBV_INT(x.inc[0]), DBV_INT(x.inc[1]), DBV_INT(x.inc[2]), DBV_INT(x.inc[3]), DBV_INT(x.inc[4]),
	    DBV_INT(x.inc[5]), DBV_INT(x.ov[0]), DBV_INT(x.ov[1]), DBV_INT(x.ov[2]), DBV_INT(x.ov[3]),
	    DBV_INT(x.ov[4]), DBV_INT(x.ov[5]) };
	if ((rc = db_exec(db, sql[S_VERSION_UPSERT], pv, nitems(pv), NULL, NULL)) != DB_OK ||
	    (rc = db_sla_terms_put(db, pid, valid_from, &x.sla)) != DB_OK)
		goto fail;
	return db_commit(db);
fail:
	db_rollback(db);
	return rc < -1 ? rc : DB_ERR;
}

json_t *
catalog_plans_json(struct db *db, long long at)
{
	struct db_cur c;
	char code[33], name[129], cur[4], logins[65], cap[16];
	long long active, maxdisk, maxip, from, fee, v[12], vid;
	json_t *arr = json_array();
	struct sla_vterms *terms = NULL;
	size_t nterms = 0;
	struct dbv p[] = { DBV_INT(at) };
	struct dbo o[] = { DBO_STR(code), DBO_STR(name), DBO_STR(cur), DBO_INT(&active),
	    DBO_INT(&maxdisk), DBO_INT(&maxip), DBO_STR(logins), DBO_STR(cap), DBO_INT(&from),
	    DBO_INT(&fee), DBO_INT(&v[0]), DBO_INT(&v[1]), DBO_INT(&v[2]), DBO_INT(&v[3]),
	    DBO_INT(&v[4]), DBO_INT(&v[5]), DBO_INT(&v[6]), DBO_INT(&v[7]), DBO_INT(&v[8]),
	    DBO_INT(&v[9]), DBO_INT(&v[10]), DBO_INT(&v[11]), DBO_INT(&vid) };
	int rc;

	if (arr == NULL || db_sla_terms_load(db, 0, &terms, &nterms) != DB_OK ||
	    db_query(db, &c, sql[S_PLANS_LIST], p, 1, o, nitems(o)) != DB_OK) {
		free(terms);
		json_decref(arr);
		return NULL;
	}
	while ((rc = db_next(&c)) == 1) {
		json_t *lg = json_array();
		char *save = NULL, tmp[65];
		snprintf(tmp, sizeof(tmp), "%s", logins);
		for (char *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save))
			json_array_append_new(lg, json_string(t));
		char vf[21];
		vep_iso8601(from, vf);
		json_array_append_new(arr, json_pack(
		    "{s:s, s:s, s:s, s:b, s:I, s:s, s:{s:I, s:I, s:I, s:I, s:I, s:I}, "
		    "s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:{s:I, s:I, s:o, s:s}}",
		    "code", code, "name", name, "currency", cur, "active", (int)active,
		    "monthly_fee_minor", (json_int_t)fee, "valid_from", vf,
		    "included", "disk_gb", (json_int_t)v[0], "traffic_gb", (json_int_t)v[1],
		    "traffic_in_gb", (json_int_t)v[2], "traffic_out_gb", (json_int_t)v[3],
		    "cpu_hours", (json_int_t)v[4], "vmem_gb_hours", (json_int_t)v[5],
		    "overage_minor", "disk_gb_month", (json_int_t)v[6], "traffic_gb", (json_int_t)v[7],
		    "traffic_in_gb", (json_int_t)v[8], "traffic_out_gb", (json_int_t)v[9],
		    "cpu_hour", (json_int_t)v[10], "vmem_gb_hour", (json_int_t)v[11],
		    "limits", "max_disk_quota_mb", (json_int_t)maxdisk, "max_ip_count", (json_int_t)maxip,
		    "login", lg, "cap_action", cap));
		{
			json_t *sla = sla_terms_json(db_sla_terms_find(terms, nterms, vid));
			if (sla != NULL)
				json_object_set_new(json_array_get(arr, json_array_size(arr) - 1),
				    "sla", sla);
		}
	}
	db_cur_close(&c);
	free(terms);
	if (rc < 0) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

int
catalog_node_add(struct db *db, const char *name, const char *url, long long now,
    char *token_out, char *err, size_t errlen)
{
	char h[65];
	int rc;
	if (strlen(name) < 1 || strlen(name) > 64 ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_.") != strlen(name)) {
		snprintf(err, errlen, "a node name is 1 to 64 lower-case letters, digits, '-', '_' or '.'");
		return -1;
	}
	if ((strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) ||
	    strlen(url) > 255 || strpbrk(url, " \t\r\n\"'<>") != NULL) {
		snprintf(err, errlen, "the agent URL must be an http:// or https:// URL");
		return -1;
	}
	if (auth_token_hex(token_out, 32) == -1) {
		snprintf(err, errlen, "no randomness available");
		return -1;
	}
	vep_sha256_hex(token_out, strlen(token_out), h);
	struct dbv p[] = { DBV_STR(name), DBV_STR(url), DBV_STR(h), DBV_INT(now) };
	rc = db_exec(db, sql[S_NODE_INSERT], p, nitems(p), NULL, NULL);
	if (rc == DB_DUP) {
		snprintf(err, errlen, "a node named %s already exists", name);
		return DB_EXISTS;
	}
	if (rc != DB_OK)
		snprintf(err, errlen, "%s", db_strerror(rc));
	return rc == DB_OK ? 0 : -1;
}

int
catalog_pool_add(struct db *db, const struct pool_spec *ps, char *err, size_t errlen)
{
	const char *name = ps->name, *cidr = ps->cidr, *gw = ps->gateway, *dns1 = ps->dns1;
	const char *dns2 = ps->dns2;
	char net[32], mask[16], a[16];
	unsigned base, g, d1, d2 = 0, m, first, last;
	long long node_id = 0;
	const char *slash = strchr(cidr, '/'), *es;
	long long len;
	uint64_t pid;
	int rc;

	if (slash == NULL || (size_t)(slash - cidr) >= sizeof(net)) {
		snprintf(err, errlen, "the network must be written a.b.c.d/len");
		return -1;
	}
	memcpy(net, cidr, (size_t)(slash - cidr));
	net[slash - cidr] = '\0';
	len = vep_strtonum(slash + 1, 16, 30, &es);
	if (es != NULL || ipv4_parse(net, &base) == -1) {
		snprintf(err, errlen, "the network must be written a.b.c.d/len with len 16 to 30");
		return -1;
	}
	m = len == 0 ? 0 : 0xffffffffu << (32 - len);
	if ((base & ~m) != 0) {
		snprintf(err, errlen, "%s has host bits set", cidr);
		return -1;
	}
	if (ipv4_parse(gw, &g) == -1 || (g & m) != base) {
		snprintf(err, errlen, "the gateway must be an address inside %s", cidr);
		return -1;
	}
	if (ipv4_parse(dns1, &d1) == -1 || (dns2 != NULL && ipv4_parse(dns2, &d2) == -1)) {
		snprintf(err, errlen, "DNS servers must be IPv4 addresses");
		return -1;
	}
	first = base + 1;
	last = (base | ~m) - 1;
	if (ps->first != NULL && (ipv4_parse(ps->first, &first) == -1 || ipv4_parse(ps->last, &last) == -1 ||
	    (first & m) != base || (last & m) != base || first > last || first == base ||
	    last == (base | ~m))) {
		snprintf(err, errlen, "the range must be two host addresses inside %s, the first not after "
		    "the last", cidr);
		return -1;
	}
	ipv4_format(m, mask);
	if (ps->node != NULL) {
		struct dbv pn[] = { DBV_STR(ps->node) };
		struct dbo on[] = { DBO_INT(&node_id) };
		if ((rc = db_one(db, sql[S_NODE_BY_NAME], pn, 1, on, 1)) != 1) {
			snprintf(err, errlen, rc == 0 ? "there is no node %s" : "%s", rc == 0 ? ps->node :
			    db_strerror(rc));
			return -1;
		}
	}
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	struct dbv p[] = { DBV_STR(name), DBV_STR(mask), DBV_STR(gw), DBV_STR(dns1), DBV_STR0(dns2),
	    node_id != 0 ? DBV_INT(node_id) : DBV_NULL };
	if ((rc = db_exec(db, sql[S_POOL_INSERT], p, nitems(p), NULL, &pid)) != DB_OK) {
		snprintf(err, errlen, rc == DB_DUP ? "a pool with that name exists" : "%s", db_strerror(rc));
		goto fail;
	}
	for (unsigned h = first; h <= last; h++) {
		if (h == g || h == d1 || h == d2)
			continue;
		ipv4_format(h, a);
		struct dbv q[] = { DBV_INT(pid), DBV_STR(a), DBV_INT(h) };
		if ((rc = db_exec(db, sql[S_ADDR_INSERT], q, nitems(q), NULL, NULL)) != DB_OK) {
			snprintf(err, errlen, rc == DB_DUP ? "%s is already in another pool" : "%s",
			    rc == DB_DUP ? a : db_strerror(rc));
			goto fail;
		}
	}
	return db_commit(db) == DB_OK ? 0 : -1;
fail:
	db_rollback(db);
	return -1;
}

int
catalog_logins_parse(const char *list, char *out, size_t outlen)
{
	static const char *const names[] = { "ssh", "telnet", "rsh", "x11" };
	unsigned m = 0;
	size_t off = 0;
	const char *p = list;

	if (list == NULL || *list == '\0')
		return -1;
	while (*p != '\0') {
		size_t n = strcspn(p, ","), i;
		for (i = 0; i < nitems(names); i++)
			if (strlen(names[i]) == n && strncmp(p, names[i], n) == 0)
				break;
		if (i == nitems(names))
			return -1;
		m |= 1u << i;
		p += n;
		if (*p == ',' && *++p == '\0')
			return -1;
	}
	out[0] = '\0';
	for (size_t i = 0; i < nitems(names); i++)
		if (m & (1u << i))
			off += (size_t)snprintf(out + off, off < outlen ? outlen - off : 0, "%s%s",
			    off ? "," : "", names[i]);
	return off < outlen ? 0 : -1;
}

int
catalog_rootfs_check(const char *path, char *err, size_t errlen)
{
	static const unsigned char zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
	unsigned char head[4];
	FILE *f;
	size_t n;

	if (path[0] != '/') {
		snprintf(err, errlen, "give the rootfs file as an absolute path");
		return -1;
	}
	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	if (n != sizeof(head) || memcmp(head, zstd_magic, sizeof(head)) != 0) {
		snprintf(err, errlen, "%s is not a zstd-compressed tarball (.tar.zst)", path);
		return -1;
	}
	return 0;
}

int
catalog_template_add(struct db *db, const char *code, const char *name, const char *logins,
    const char *file, long long min_disk_mb, char *err, size_t errlen)
{
	char styles[64] = "ssh,telnet,rsh,x11";

	/* The nodes' contract: ^[a-z0-9][a-z0-9.-]{0,31}$ (<template-dir>/<code>.tar.zst). */
	if (!order_template_code_valid(code) || strlen(name) < 1 || strlen(name) > 128) {
		snprintf(err, errlen, "a template code is 1 to 32 lower-case letters, digits, '-' or '.', "
		    "starting with a letter or digit; a name 1 to 128 characters");
		return -1;
	}
	if (logins != NULL && catalog_logins_parse(logins, styles, sizeof(styles)) == -1) {
		snprintf(err, errlen, "login styles are a comma list of ssh, telnet, rsh, x11");
		return -1;
	}
	if (file != NULL && catalog_rootfs_check(file, err, errlen) == -1)
		return -1;
	if (min_disk_mb < 0 || min_disk_mb > 4000000000LL) {
		snprintf(err, errlen, "the minimum disk quota is 0 to 4000000000 MB");
		return -1;
	}
	struct dbv p[] = { DBV_STR(code), DBV_STR(name), DBV_STR(styles), DBV_STR0(file),
	    DBV_INT(min_disk_mb) };
	int rc = db_exec(db, sql[S_TEMPLATE_INSERT], p, nitems(p), NULL, NULL);
	if (rc != DB_OK)
		snprintf(err, errlen, "%s", db_strerror(rc));
	return rc == DB_OK ? 0 : -1;
}

int
catalog_token_create(struct db *db, const char *label, long long now, char *token_out)
{
	char h[65];
	if (auth_token_hex(token_out, 32) == -1)
		return DB_ERR;
	vep_sha256_hex(token_out, strlen(token_out), h);
	struct dbv p[] = { DBV_STR(h), DBV_STR(label), DBV_INT(now) };
	return db_exec(db, sql[S_TOKEN_INSERT], p, nitems(p), NULL, NULL);
}

int
catalog_node_last_resort(struct db *db, const char *name, int on)
{
	uint64_t n = 0;
	struct dbv p[] = { DBV_INT(on != 0), DBV_STR(name) };
	int rc = db_exec(db, sql[S_NODE_LAST_RESORT], p, nitems(p), &n, NULL);
	return rc;
}

int
catalog_node_capacity(struct db *db, const char *name, long long uplink_kbps, long long cpus,
    long long bogomips, long long moves_data)
{
	uint64_t n = 0;
	struct dbv p[] = { uplink_kbps < 0 ? DBV_NULL : DBV_INT(uplink_kbps),
	    cpus < 0 ? DBV_NULL : DBV_INT(cpus), bogomips < 0 ? DBV_NULL : DBV_INT(bogomips),
	    moves_data < 0 ? DBV_NULL : DBV_INT(moves_data), DBV_STR(name) };
	int rc = db_exec(db, sql[S_NODE_CAPACITY], p, nitems(p), &n, NULL);
	if (rc == DB_OK && n == 0) {
		/* MariaDB counts changed rows: tell "no such node" from "nothing changed". */
		long long id;
		struct dbv pn[] = { DBV_STR(name) };
		struct dbo on[] = { DBO_INT(&id) };
		rc = db_one(db, sql[S_NODE_BY_NAME], pn, 1, on, 1);
		return rc == 1 ? DB_OK : rc == 0 ? 1 : rc;
	}
	return rc;
}

int
catalog_admin_set(struct db *db, const char *name, const char *hash, long long now)
{
	struct dbv p[] = { DBV_STR(name), DBV_STR(hash), DBV_INT(now) };
	return db_exec(db, sql[S_ADMIN_UPSERT], p, nitems(p), NULL, NULL);
}
