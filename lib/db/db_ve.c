/*
 * Orders, VEs, addresses and the customer's view of usage: see db_ve.h.
 * All SQL of these objects is in the statement table below.
 *
 * Creating a VE takes the lowest free addresses of a pool with
 * SELECT ... FOR UPDATE SKIP LOCKED, so concurrent signups never wait for
 * each other's addresses nor get the same one; the chosen node's row is
 * locked while its capacity is judged.  A deadlock or lock timeout makes
 * the whole transaction run again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/sha.h>

#include "conf.h"
#include "db_auth.h"
#include "secret.h"
#include "db.h"
#include "db_addr.h"
#include "db_audit.h"
#include "db_limit.h"
#include "db_tax.h"
#include "db_ve.h"
#include "netaddr.h"
#include "log.h"
#include "util.h"

enum stmt {
	S_CATALOG,
	S_BY_KEY,
	S_NODE_PICK,
	S_NODE_LOCK,
	S_ACCOUNT_INSERT,
	S_ORDER_INSERT,
	S_VE_INSERT,
	S_VE_GET,
	S_VE_IPS,
	S_USAGE,
	S_SERIES_MINUTE,
	S_SERIES_HOUR,
	S_SERIES_DAY,
	S_HASH,
	S_SET_CRYPT,
	S_SET_HASH,
	S_NODE_NAMED,
	S_NODE_ID,
	S_NODE_SPARE,
	S_POWER_LOCK,
	S_POWER_SET,
	S__MAX
};

/* The order's integer columns, named as the fields (the same order in S_ORDER_INSERT and S_VE_GET). */
static const enum order_key int_cols[] = {
	OF_DISK_QUOTA_MB, OF_ALWAYS_ON, OF_LIFETIME_DAYS, OF_CPU_MIN_BOGOMIPS,
	OF_NET_BW_MIN_KBPS, OF_NET_BW_MAX_KBPS, OF_NET_IN_BW_MIN_KBPS, OF_NET_IN_BW_MAX_KBPS,
	OF_NET_OUT_BW_MIN_KBPS, OF_NET_OUT_BW_MAX_KBPS, OF_NET_QUOTA_MIN_MB, OF_NET_QUOTA_MAX_MB,
	OF_NET_IN_QUOTA_MIN_MB, OF_NET_IN_QUOTA_MAX_MB, OF_NET_OUT_QUOTA_MIN_MB, OF_NET_OUT_QUOTA_MAX_MB,
	OF_MEM_MAX_MB, OF_FS_FAULT_TOLERANCE_S, OF_BACKUP_HOURS, OF_IP_COUNT,
};
#define NINT	20
#define INT_COLS "disk_quota_mb, always_on, lifetime_days, cpu_min_bogomips, " \
	"net_bw_min_kbps, net_bw_max_kbps, net_in_bw_min_kbps, net_in_bw_max_kbps, " \
	"net_out_bw_min_kbps, net_out_bw_max_kbps, net_quota_min_mb, net_quota_max_mb, " \
	"net_in_quota_min_mb, net_in_quota_max_mb, net_out_quota_min_mb, net_out_quota_max_mb, " \
	"mem_max_mb, fs_fault_tolerance_s, backup_hours, ip_count"
#define O_INT_COLS "o.disk_quota_mb, o.always_on, o.lifetime_days, o.cpu_min_bogomips, " \
	"o.net_bw_min_kbps, o.net_bw_max_kbps, o.net_in_bw_min_kbps, o.net_in_bw_max_kbps, " \
	"o.net_out_bw_min_kbps, o.net_out_bw_max_kbps, o.net_quota_min_mb, o.net_quota_max_mb, " \
	"o.net_in_quota_min_mb, o.net_in_quota_max_mb, o.net_out_quota_min_mb, o.net_out_quota_max_mb, " \
	"o.mem_max_mb, o.fs_fault_tolerance_s, o.backup_hours, o.ip_count"

/* A node's VEs and the disk they were sold (the placement statements). */
/*
 * Admission control (SPEC section 9): the CPU minima share the node's
 * cpus x bogomips_per_cpu, the guaranteed bandwidth minima of each
 * direction (that direction's minimum, else the both-ways one) share its
 * uplink; a node that declares 0 cpus or 0 uplink admits anything there.
 */
#define GUAR(dir) "IF(o.net_" dir "_bw_min_kbps > 0, o.net_" dir "_bw_min_kbps, o.net_bw_min_kbps)"
#define NODE_USE "LEFT JOIN (SELECT v.node_id, COUNT(*) AS nves, " \
	"SUM(o.disk_quota_mb) AS disk, SUM(o.cpu_min_bogomips) AS cpu, SUM(" GUAR("in") ") AS bwin, " \
	"SUM(" GUAR("out") ") AS bwout FROM ves v JOIN orders o ON o.id = v.order_id " \
	"WHERE v.state IN ('active', 'suspended') AND v.node_id IS NOT NULL GROUP BY v.node_id) u " \
	"ON u.node_id = n.id "
#define CPU_FREE "CAST(n.cpus * n.bogomips_per_cpu AS SIGNED) - COALESCE(u.cpu, 0)"
#define BW_FREE(dir) "CAST(n.uplink_kbps AS SIGNED) - COALESCE(u.bw" dir ", 0)"
#define NODE_ROOM "AND CAST(n.max_ves AS SIGNED) - COALESCE(u.nves, 0) >= 1 " \
	"AND CAST(n.disk_mb AS SIGNED) - COALESCE(u.disk, 0) >= ? " \
	"AND (n.cpus = 0 OR " CPU_FREE " >= ?) " \
	"AND (n.uplink_kbps = 0 OR (" BW_FREE("in") " >= ? AND " BW_FREE("out") " >= ?)) "

#define SERIES(table) \
	"SELECT t, cpu_user_us + cpu_sys_us, net_in_bytes, net_out_bytes, vmem_sum_bytes, " \
	"disk_sum_bytes, samples, last_t FROM " table " WHERE ve_id = ? AND t >= ? AND t < ? ORDER BY t LIMIT ?"

/* The end of the CPU window of S_USAGE: the latest sample, or now when it is old. */
#define USAGE_END "IF(p.pnow - s.last_t <= 120, s.last_t, p.pnow)"

static const char *const sql[S__MAX] = {
	/*
	 * The catalogue in one round trip (issue 19: the signup's reads before
	 * the hash): the active plans at their version valid at ? (kind 0, by
	 * fee then code), then the active templates (kind 1, by id), one row
	 * shape: kind, id, code, name, login styles, the plan's largest or the
	 * template's smallest disk, and the plan's other columns (0 or '' for
	 * a template).
	 */
	[S_CATALOG] = "SELECT 0 AS kind, p.id, p.code, p.name, p.login_allowed, p.max_disk_quota_mb, "
	    "p.currency, p.max_ip_count, v.monthly_fee_minor AS ord, v.inc_disk_gb, v.inc_traffic_gb, "
	    "v.inc_traffic_in_gb, v.inc_traffic_out_gb, v.inc_cpu_hours, v.inc_vmem_gb_hours, "
	    "v.ov_disk_gb_month, v.ov_traffic_gb, v.ov_traffic_in_gb, v.ov_traffic_out_gb, v.ov_cpu_hour, "
	    "v.ov_vmem_gb_hour, p.cap_action FROM plans p JOIN plan_versions v ON v.plan_id = p.id "
	    "WHERE p.active = 1 AND v.valid_from = (SELECT MAX(w.valid_from) FROM plan_versions w "
	    "WHERE w.plan_id = p.id AND w.valid_from <= ?) "
	    "UNION ALL SELECT 1, t.id, t.code, t.name, t.login_styles, t.min_disk_mb, '', 0, t.id, "
	    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '' FROM os_templates t WHERE t.active = 1 "
	    "ORDER BY kind, ord, code",
	[S_BY_KEY] = "SELECT v.id, a.email, COALESCE(o.order_digest, ''), v.password_hash "
	    "FROM orders o JOIN ves v ON v.order_id = o.id "
	    "JOIN accounts a ON a.id = o.account_id WHERE o.idempotency_key = ?",
	/* Last-resort nodes last, then most free VE slots, then most free disk, then by name. */
	[S_NODE_PICK] = "SELECT n.id FROM nodes n " NODE_USE "WHERE n.enabled = 1 " NODE_ROOM
	    "ORDER BY n.last_resort, CAST(n.max_ves AS SIGNED) - COALESCE(u.nves, 0) DESC, "
	    "CAST(n.disk_mb AS SIGNED) - COALESCE(u.disk, 0) DESC, n.name LIMIT 1",
	/* The operator's choice: the node if it is enabled and has room. */
	[S_NODE_NAMED] = "SELECT n.id FROM nodes n " NODE_USE "WHERE n.enabled = 1 " NODE_ROOM
	    "AND n.name = ?",
	[S_NODE_ID] = "SELECT id, enabled FROM nodes WHERE name = ?",
	/* Why no node admits an order: the most any enabled node (or the named one) has left. */
	[S_NODE_SPARE] = "SELECT COALESCE(MAX(IF(n.cpus = 0, 1 << 62, " CPU_FREE ")), 0), "
	    "COALESCE(MAX(IF(n.uplink_kbps = 0, 1 << 62, LEAST(" BW_FREE("in") ", " BW_FREE("out") "))), 0) "
	    "FROM nodes n " NODE_USE "WHERE n.enabled = 1 AND (? IS NULL OR n.name = ?)",
	/*
	 * The node locked while we fill it, and its own pools (a node without
	 * any uses the pools tied to no node) in the same round trip; the
	 * subquery's rows are not locked.
	 */
	[S_NODE_LOCK] = "SELECT n.id, COALESCE((SELECT GROUP_CONCAT(p.id ORDER BY p.id) FROM ip_pools p "
	    "WHERE p.node_id = n.id OR (p.node_id IS NULL AND NOT EXISTS "
	    "(SELECT 1 FROM ip_pools q WHERE q.node_id = n.id))), '') "
	    "FROM nodes n WHERE n.id = ? AND n.enabled = 1 FOR UPDATE",
	/* A new account's VAT rate is chosen before the transaction (an empty profile: fresh_tax). */
	[S_ACCOUNT_INSERT] = "INSERT INTO accounts (email, created_at, tax_bp, tax_scheme) VALUES (?, ?, ?, ?)",
	[S_ORDER_INSERT] = "INSERT INTO orders (account_id, plan_id, template_id, idempotency_key, "
	    "login, firewall, firewall_file, user_info, created_at, " INT_COLS ", client_addr, "
	    "order_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?)",
	[S_VE_INSERT] = "INSERT INTO ves (id, account_id, order_id, node_id, state, password_hash, "
	    "root_crypt, created_at, expires_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)",
	[S_VE_GET] = "SELECT v.state, v.state_reason, v.created_at, v.expires_at, v.updated_at, "
	    "p.code, p.name, p.currency, t.code, t.name, COALESCE(n.name, ''), "
	    "COALESCE(n.bogomips_per_cpu, 0), a.email, o.login, o.firewall, "
	    "COALESCE(o.firewall_file, ''), o.user_info, COALESCE(o.idempotency_key, ''), " O_INT_COLS
	    ", v.power, v.power_seq FROM ves v JOIN orders o ON o.id = v.order_id JOIN accounts a ON a.id = v.account_id "
	    "JOIN plans p ON p.id = o.plan_id JOIN os_templates t ON t.id = o.template_id "
	    "LEFT JOIN nodes n ON n.id = v.node_id WHERE v.id = ? AND v.state <> 'deleted'",
	[S_VE_IPS] = "SELECT a.address, p.netmask, COALESCE(a.dns_name, ''), p.gateway, p.dns1, "
	    "COALESCE(p.dns2, '') FROM ip_addresses a JOIN ip_pools p ON p.id = a.pool_id "
	    "WHERE a.ve_id = ? ORDER BY a.seq",
	/*
	 * A VE's usage in one round trip (issue 19: the dashboard's reads): the
	 * totals, CPU of the 60 s before the latest sample (E; or before now
	 * when samples stopped more than 120 s ago) from the raw seconds, or
	 * when none are kept the last complete minute before E, and the
	 * traffic of the days from <= t < to as db_policy_caps_check sums it.
	 * COALESCE stops at the first value that is not NULL, so the minute is
	 * read only when no raw second is.
	 */
	[S_USAGE] = "SELECT s.cpu_user_us, s.cpu_sys_us, s.net_in_bytes, s.net_out_bytes, "
	    "s.vmem_last_bytes, s.disk_last_bytes, s.last_t, COALESCE(n.bogomips_per_cpu, 0), "
	    "CAST(COALESCE((SELECT SUM(r.cpu_user_us + r.cpu_sys_us) FROM usage_raw r "
	    "WHERE r.ve_id = s.ve_id AND r.t > " USAGE_END " - 60 AND r.t <= " USAGE_END "), "
	    "(SELECT m.cpu_user_us + m.cpu_sys_us FROM usage_minute m WHERE m.ve_id = s.ve_id "
	    "AND m.t = " USAGE_END " - MOD(" USAGE_END ", 60) - 60), 0) AS SIGNED), "
	    "(SELECT CAST(COALESCE(SUM(d.net_in_bytes), 0) AS SIGNED) FROM usage_day d "
	    "WHERE d.ve_id = s.ve_id AND d.t >= p.mfrom AND d.t < p.mto), "
	    "(SELECT CAST(COALESCE(SUM(d.net_out_bytes), 0) AS SIGNED) FROM usage_day d "
	    "WHERE d.ve_id = s.ve_id AND d.t >= p.mfrom AND d.t < p.mto) "
	    "FROM (SELECT CAST(? AS SIGNED) AS pnow, CAST(? AS SIGNED) AS mfrom, CAST(? AS SIGNED) AS mto) p "
	    "JOIN ve_totals s ON s.ve_id = ? "
	    "LEFT JOIN ves v ON v.id = s.ve_id LEFT JOIN nodes n ON n.id = v.node_id",
	[S_SERIES_MINUTE] = SERIES("usage_minute"),
	[S_SERIES_HOUR] = SERIES("usage_hour"),
	[S_SERIES_DAY] = SERIES("usage_day"),
	[S_HASH] = "SELECT password_hash FROM ves WHERE id = ? AND state <> 'deleted'",
	/* Only while none is set: a password changed meanwhile brought its own. */
	[S_SET_CRYPT] = "UPDATE ves SET root_crypt = ? WHERE id = ? AND COALESCE(root_crypt, '') = '' "
	    "AND state <> 'deleted'",
	[S_SET_HASH] = "UPDATE ves SET password_hash = ?, root_crypt = ?, updated_at = ? "
	    "WHERE id = ? AND state <> 'deleted'",
	[S_POWER_LOCK] = "SELECT state, power, power_seq FROM ves WHERE id = ? AND state <> 'deleted' "
	    "FOR UPDATE",
	[S_POWER_SET] = "UPDATE ves SET power = ?, power_seq = power_seq + 1, updated_at = ? WHERE id = ?",
};

/* ---- catalogue ------------------------------------------------------------- */

/* Append row (size bytes) to *rows (*n of them so far, room for *cap).  0 or -1. */
static int
catalog_add(void **rows, size_t *n, size_t *cap, const void *row, size_t size)
{
	if (vep_grow(rows, cap, *n + 1, size, 8) == -1)
		return -1;
	memcpy((char *)*rows + *n * size, row, size);
	(*n)++;
	return 0;
}

int
db_ve_catalog(struct db *db, long long now, struct order_catalog *c)
{
	struct order_plan p;
	struct order_template t;
	struct db_cur cur;
	char logins[65];
	long long kind, ord;
	size_t pcap = 0, tcap = 0;
	int rc;

	memset(c, 0, sizeof(*c));
	memset(&p, 0, sizeof(p));
	struct dbv pn[] = { DBV_INT(now) };
	struct dbo op[] = { DBO_INT(&kind), DBO_INT(&p.id), DBO_STR(p.code), DBO_STR(p.name),
	    DBO_STR(logins), DBO_INT(&p.max_disk_quota_mb), DBO_STR(p.currency),
	    DBO_INT(&p.max_ip_count), DBO_INT(&ord), DBO_INT(&p.inc[0]), DBO_INT(&p.inc[1]),
	    DBO_INT(&p.inc[2]), DBO_INT(&p.inc[3]), DBO_INT(&p.inc[4]), DBO_INT(&p.inc[5]),
	    DBO_INT(&p.ov[0]), DBO_INT(&p.ov[1]), DBO_INT(&p.ov[2]), DBO_INT(&p.ov[3]),
	    DBO_INT(&p.ov[4]), DBO_INT(&p.ov[5]), DBO_STR(p.cap_action) };
	if ((rc = db_query(db, &cur, sql[S_CATALOG], pn, nitems(pn), op, nitems(op))) != DB_OK)
		return rc;
	while ((rc = db_next(&cur)) == 1) {
		int bad;
		if (kind == 0) {
			p.fee_minor = ord;
			p.login_mask = order_logins_mask(logins);
			bad = catalog_add((void **)&c->plans, &c->nplans, &pcap, &p, sizeof(p));
		} else {
			memset(&t, 0, sizeof(t));
			t.id = p.id;
			snprintf(t.code, sizeof(t.code), "%s", p.code);
			snprintf(t.name, sizeof(t.name), "%s", p.name);
			t.login_mask = order_logins_mask(logins);
			t.min_disk_mb = p.max_disk_quota_mb;
			bad = catalog_add((void **)&c->tmpls, &c->ntmpls, &tcap, &t, sizeof(t));
		}
		if (bad) {
			rc = DB_NOMEM;
			break;
		}
	}
	db_cur_close(&cur);
	if (rc < 0) {
		order_catalog_free(c);
		return rc;
	}
	return DB_OK;
}

/* What a used idempotency key made: its VE, e-mail, order digest and password hash. */
struct key_use {
	char	ve_id[9];
	char	email[255];
	char	digest[65];
	char	hash[256];
};

static int
by_key(struct db *db, const char *key, struct key_use *k)
{
	struct dbv p[] = { DBV_STR(key) };
	struct dbo o[] = { DBO_STR(k->ve_id), DBO_STR(k->email), DBO_STR(k->digest), DBO_STR(k->hash) };

	memset(k, 0, sizeof(*k));
	return db_one(db, sql[S_BY_KEY], p, nitems(p), o, nitems(o));
}

int
db_ve_by_key(struct db *db, const char *key, char ve_id[9], char *email, size_t emaillen)
{
	struct key_use k;
	int rc = by_key(db, key, &k);

	if (rc == 1) {
		snprintf(ve_id, 9, "%s", k.ve_id);
		snprintf(email, emaillen, "%s", k.email);
	}
	explicit_bzero(k.hash, sizeof(k.hash));
	return rc;
}

static json_t *order_json(const struct order *);

/*
 * SHA-256 (hex) of the order but its password and key, in one canonical
 * form (sorted keys, compact, the e-mail address in lower case): what an
 * idempotency key used again must match.  0, or -1 out of memory.
 */
static int
order_digest(const struct order *o, char hex[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	json_t *j = order_json(o);
	char *s, *lc;

	if (j == NULL)
		return -1;
	if (o->s[OF_EMAIL] != NULL && (lc = strdup(o->s[OF_EMAIL])) != NULL) {
		for (char *c = lc; *c != '\0'; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		json_object_set_new(j, "email", json_string(lc));
		free(lc);
	}
	s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(j);
	if (s == NULL)
		return -1;
	SHA256((const unsigned char *)s, strlen(s), md);
	free(s);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/* ---- creation ------------------------------------------------------------------ */

/*
 * Lock ip_count free addresses of one pool that serves the node (lowest
 * first) into got; pools: the pools' ids, comma-separated, in order (from
 * S_NODE_LOCK).  1 got them, 0 none, < 0.
 */
static int
take_addresses(struct db *db, const char *pools, long long count, struct db_addr_got *got)
{
	char *end;
	int rc;

	for (const char *p = pools; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		long long pool = strtoll(p, &end, 10);
		if (end == p)
			return DB_ERR;
		if ((rc = db_addr_pick_got(db, pool, count, got)) < 0)
			return rc;
		if (rc == count)
			return 1;
	}
	return 0;
}

/* The bandwidth an order guarantees in one direction: that direction's minimum, else the both-ways one. */
static long long
guaranteed_kbps(const struct order *o, int dir_min)
{
	return o->n[dir_min] > 0 ? o->n[dir_min] : o->n[OF_NET_BW_MIN_KBPS];
}

/*
 * After VC_NO_NODE / VC_NODE_FULL: was it the CPU or the uplink that no
 * node (or the named one) could guarantee?  VC_NO_CPU / VC_NO_UPLINK, or
 * rc unchanged (slots, disk, or a database error: the plain answer).
 */
static int
why_no_room(struct db *db, const struct order *o, const char *node, int rc)
{
	long long cpu = 0, bw = 0, want_bw;
	struct dbv p[] = { DBV_STR0(node), DBV_STR0(node) };
	struct dbo out[] = { DBO_INT(&cpu), DBO_INT(&bw) };

	if (db_one(db, sql[S_NODE_SPARE], p, nitems(p), out, nitems(out)) != 1)
		return rc;
	want_bw = guaranteed_kbps(o, OF_NET_IN_BW_MIN_KBPS);
	if (guaranteed_kbps(o, OF_NET_OUT_BW_MIN_KBPS) > want_bw)
		want_bw = guaranteed_kbps(o, OF_NET_OUT_BW_MIN_KBPS);
	if (o->n[OF_CPU_MIN_BOGOMIPS] > cpu)
		return VC_NO_CPU;
	if (want_bw > bw)
		return VC_NO_UPLINK;
	return rc;
}

/* The creation transaction (db_tx body); see db_ve_create. */
struct create {
	const struct order		*o;
	const struct order_plan		*pl;
	const struct order_template	*tp;
	const char			*pwhash, *rootcrypt;
	const char			*node;		/* the operator's choice, or NULL */
	long long			 now;
	char				*ve_id;
	struct db_addr_got		*got;		/* the addresses taken */
	const char			*client;	/* counting key; NULL: an operator's order */
	const char			*digest;
	long long			 account;	/* an account with a login; 0: a new account */
	const struct tax_in		*rules;		/* set the account's VAT rate from these; NULL: not */
	struct tax_choice		 fresh;		/* a new account's rate: fresh_tax */
};

/*
 * The VAT rate a new account (an empty profile: no country, no VAT id,
 * automatic) gets from rules, as db_tax_refresh_ve would set it after the
 * INSERT; the columns' defaults (0, standard) without rules or when
 * [isp] tax_rates is bad (refused when the configuration is read).
 */
static struct tax_choice
fresh_tax(const struct tax_in *rules)
{
	struct tax_choice c = { 0 };
	struct tax_profile p;

	c.scheme = TAX_STANDARD;
	memset(&p, 0, sizeof(p));
	if (rules != NULL && tax_profile_choice(&p, rules, &c) != TAX_OK) {
		c.bp = 0;
		c.scheme = TAX_STANDARD;
	}
	return c;
}

static int
create_once(struct db *db, void *arg)
{
	const struct create *x = arg;
	const struct order *o = x->o;
	const struct order_plan *pl = x->pl;
	const struct order_template *tp = x->tp;
	const char *pwhash = x->pwhash;
	long long now = x->now;
	struct db_addr_got *got = x->got;
	char *ve_id = x->ve_id;
	char logins[40], pools[1025];
	const char *key = o->s[OF_IDEMPOTENCY_KEY];
	long long node = 0, count = o->n[OF_IP_COUNT];
	uint64_t account, order;
	int rc;

	/* Placement: a node with room, its row locked while we fill it. */
	struct dbv pn[] = { DBV_INT(o->n[OF_DISK_QUOTA_MB]), DBV_INT(o->n[OF_CPU_MIN_BOGOMIPS]),
	    DBV_INT(guaranteed_kbps(o, OF_NET_IN_BW_MIN_KBPS)),
	    DBV_INT(guaranteed_kbps(o, OF_NET_OUT_BW_MIN_KBPS)), DBV_STR0(x->node) };
	struct dbo on[] = { DBO_INT(&node) };
	if ((rc = db_one(db, sql[x->node != NULL ? S_NODE_NAMED : S_NODE_PICK], pn,
	    x->node != NULL ? 5 : 4, on, 1)) < 0)
		return rc;
	if (rc == 0)
		return x->node != NULL ? VC_NODE_FULL : VC_NO_NODE;
	struct dbv pl1[] = { DBV_INT(node) };
	struct dbo ol[] = { DBO_INT(&node), DBO_STR(pools) };
	if ((rc = db_one(db, sql[S_NODE_LOCK], pl1, 1, ol, nitems(ol))) < 0)
		return rc;
	if (rc == 0)
		return DB_RETRY;	/* disabled meanwhile: choose again */
	if ((rc = take_addresses(db, pools, count, got)) < 0)
		return rc;
	if (rc == 0)
		return VC_NO_ADDRESS;

	/* An order from outside makes an account of its own; one from inside an account uses it. */
	struct dbv pa[] = { DBV_STR(o->s[OF_EMAIL]), DBV_INT(now), DBV_INT(x->fresh.bp),
	    DBV_STR(tax_scheme_name(x->fresh.scheme)) };
	if (x->account != 0)
		account = (uint64_t)x->account;
	else if ((rc = db_exec(db, sql[S_ACCOUNT_INSERT], pa, nitems(pa), NULL, &account)) != DB_OK)
		return rc;
	order_logins_join((unsigned)o->n[OF_LOGIN], ",", logins, sizeof(logins));
	struct dbv po[11 + NINT] = { DBV_INT(account), DBV_INT(pl->id), DBV_INT(tp->id), DBV_STR0(key),
	    DBV_STR(logins), DBV_STR(order_firewall_names[o->n[OF_FIREWALL]]),
	    DBV_STR0(o->s[OF_FIREWALL_FILE]), DBV_STR(o->s[OF_USER_INFO] ? o->s[OF_USER_INFO] : ""),
	    DBV_INT(now) };
	for (size_t i = 0; i < NINT; i++)
		po[9 + i] = DBV_INT(o->n[int_cols[i]]);
	po[9 + NINT] = DBV_STR0(x->client);
	po[10 + NINT] = DBV_STR(x->digest);
	rc = db_exec(db, sql[S_ORDER_INSERT], po, nitems(po), NULL, &order);
	if (rc == DB_DUP && key != NULL)
		return VC_KEY_USED;	/* the caller looks the key up again */
	if (rc != DB_OK)
		return rc;

	/* A random VEid, never sequential; a collision just draws again. */
	for (int tries = 0;; tries++) {
		unsigned char r[4];
		if (vep_random(r, sizeof(r)) == -1)
			return DB_ERR;
		snprintf(ve_id, 9, "%02X%02X%02X%02X", r[0], r[1], r[2], r[3]);
		struct dbv pv[] = { DBV_STR(ve_id), DBV_INT(account), DBV_INT(order), DBV_INT(node),
		    DBV_STR(pwhash), DBV_STR0(x->rootcrypt), DBV_INT(now), DBV_INT(now + o->n[OF_LIFETIME_DAYS] * 86400),
		    DBV_INT(now) };
		rc = db_exec(db, sql[S_VE_INSERT], pv, nitems(pv), NULL, NULL);
		if (rc != DB_DUP || tries == 16)
			break;
	}
	if (rc != DB_OK)
		return rc;

	for (long long i = 0; i < count; i++) {
		const char *dn = (size_t)i < o->ndns ? o->dns[i] : NULL;
		if ((rc = db_addr_assign(db, ve_id, i + 1, dn, got[i].id)) != DB_OK)
			return rc;	/* DB_RETRY: taken meanwhile (on Galera: through another node) */
	}
	if ((rc = db_audit(db, now, "signup", "ve.create", ve_id, NULL, NULL)) != DB_OK)
		return rc;
	/* An account's VAT rate from [isp] (db_tax.h) in the same transaction: one commit. */
	if (x->account != 0 && x->rules != NULL && (rc = db_tax_refresh_ve(db, ve_id, x->rules)) < 0)
		return rc;
	return DB_OK;
}

/*
 * The new VE as the creation's answer shows it (ve_info_json without
 * usage: state, expiry, addresses, gateway, name servers, login styles,
 * and the plan's and template's names), from what the transaction
 * already knows instead of reading it back.  0, or -1 out of memory.
 */
static int
made_fill(struct ve_info *v, const struct create *x)
{
	const struct order *o = x->o;

	memset(v, 0, sizeof(*v));
	if ((v->ips = calloc((size_t)o->n[OF_IP_COUNT], sizeof(*v->ips))) == NULL)
		return -1;
	snprintf(v->ve_id, sizeof(v->ve_id), "%s", x->ve_id);
	snprintf(v->state, sizeof(v->state), "active");
	v->created_at = v->updated_at = x->now;
	v->expires_at = x->now + o->n[OF_LIFETIME_DAYS] * 86400;
	snprintf(v->plan_name, sizeof(v->plan_name), "%s", x->pl->name);
	snprintf(v->currency, sizeof(v->currency), "%s", x->pl->currency);
	snprintf(v->template_name, sizeof(v->template_name), "%s", x->tp->name);
	for (long long i = 0; i < o->n[OF_IP_COUNT]; i++) {
		struct ve_ip *ip = &v->ips[v->nips++];
		snprintf(ip->address, sizeof(ip->address), "%s", x->got[i].address);
		snprintf(ip->netmask, sizeof(ip->netmask), "%s", x->got[i].netmask);
		if ((size_t)i < o->ndns && o->dns[i] != NULL)
			snprintf(ip->dns_name, sizeof(ip->dns_name), "%s", o->dns[i]);
	}
	/* Every address of a VE comes from one pool. */
	snprintf(v->gateway, sizeof(v->gateway), "%s", x->got[0].gateway);
	snprintf(v->dns_servers[0], sizeof(v->dns_servers[0]), "%s", x->got[0].dns1);
	snprintf(v->dns_servers[1], sizeof(v->dns_servers[1]), "%s", x->got[0].dns2);
	v->ndns_servers = x->got[0].dns2[0] != '\0' ? 2 : 1;
	v->o.n[OF_LOGIN] = o->n[OF_LOGIN];
	v->o.given[OF_LOGIN] = 1;
	return 0;
}

/* db_ve_create for a client (its counting key, or NULL for an operator); made: see made_fill. */
static int
create_from(struct db *db, const struct order *o, const struct order_catalog *cat,
    const char *pwhash, const char *rootcrypt, const char *node, long long now, const char *client,
    long long account, const struct tax_in *rules, char ve_id[9], struct ve_info *made)
{
	const struct order_plan *pl = order_plan_find(cat, o->s[OF_PLAN]);
	const struct order_template *tp = order_template_find(cat, o->s[OF_TEMPLATE]);
	char digest[65];
	struct db_addr_got *got;
	int rc = DB_ERR;

	if (pl == NULL || tp == NULL || o->n[OF_IP_COUNT] < 1 || o->n[OF_FIREWALL] < 0 ||
	    o->n[OF_FIREWALL] >= FW__MAX)
		return DB_ERR;	/* order_check was not run */
	if (order_digest(o, digest) == -1)
		return DB_ERR;
	if ((got = calloc((size_t)o->n[OF_IP_COUNT], sizeof(*got))) == NULL)
		return DB_NOMEM;
	{
		/* Run again after a deadlock, a certification conflict or a lost server. */
		struct create x = { o, pl, tp, pwhash, rootcrypt, node, now, ve_id, got, client, digest,
		    account, rules, fresh_tax(rules) };
		rc = db_tx(db, create_once, &x);
		if (rc == DB_OK && made != NULL && made_fill(made, &x) == -1)
			ve_info_free(made);	/* the caller reads the VE back */
	}
	free(got);
	if (rc == VC_NODE_FULL && node != NULL) {
		/* Tell an unknown or disabled node from a full one (outside the transaction). */
		long long id = 0, en = 0;
		struct dbv pn[] = { DBV_STR(node) };
		struct dbo on[] = { DBO_INT(&id), DBO_INT(&en) };
		int r = db_one(db, sql[S_NODE_ID], pn, 1, on, nitems(on));
		if (r < 0)
			return r;
		if (r == 0)
			return VC_NODE_UNKNOWN;
		if (en == 0)
			return VC_NODE_DISABLED;
	}
	if (rc == VC_NO_NODE || rc == VC_NODE_FULL)
		rc = why_no_room(db, o, node, rc);
	if (rc == VC_KEY_USED) {
		char email[255];
		int r = db_ve_by_key(db, o->s[OF_IDEMPOTENCY_KEY], ve_id, email, sizeof(email));
		if (r < 0)
			return r;
		if (r == 0)
			return DB_RETRY;	/* the other order was rolled back */
		return strcasecmp(email, o->s[OF_EMAIL]) == 0 ? VC_KEY_USED : VC_KEY_CONFLICT;
	}
	return rc;
}

int
db_ve_create(struct db *db, const struct order *o, const struct order_catalog *cat,
    const char *pwhash, const char *rootcrypt, const char *node, long long now, char ve_id[9])
{
	return create_from(db, o, cat, pwhash, rootcrypt, node, now, NULL, 0, NULL, ve_id, NULL);
}

/*
 * An idempotency key used before: the same order (every field, the
 * password checked against the VE's hash) answers its VE, another order
 * is VC_KEY_CONFLICT (issue 17, item 6).  Orders stored before the digest
 * existed compare the e-mail address only.
 */
static int
key_verdict(const struct conf *c, const struct order *o, struct key_use *k, char ve_id[9])
{
	char digest[65];
	int slot, same;

	if (k->digest[0] != '\0') {
		if (order_digest(o, digest) == -1)
			return DB_ERR;
		if (strcmp(digest, k->digest) != 0)
			return VC_KEY_CONFLICT;
	} else if (strcasecmp(k->email, o->s[OF_EMAIL]) != 0)
		return VC_KEY_CONFLICT;
	if ((slot = auth_slot_enter(c)) == AUTH_SLOT_BUSY)
		return VC_BUSY;
	same = auth_verify(k->hash, o->s[OF_ROOT_PASSWORD]);
	auth_slot_release(slot);
	if (!same)
		return VC_KEY_CONFLICT;
	snprintf(ve_id, 9, "%s", k->ve_id);
	return VC_KEY_USED;
}

/* May client order one more VE?  VC_OK, VC_RATE (with *retry_after), VC_UNPAID_* or a db_rc. */
static int
client_may_order(struct db *db, const struct conf *c, const struct order *o, const char *client,
    long long now, long long *retry_after)
{
	struct db_limit_counts n;
	int rc;

	if ((rc = db_limit_counts(db, client, o->s[OF_EMAIL], now - 3600, &n)) < 0)
		return rc;
	/* The hourly rate first, then the unpaid VEs of the address, then of the client. */
	if (n.since_n >= conf_int(c, "signup", "orders_per_hour")) {
		*retry_after = n.since_oldest + 3600 - now > 0 ? n.since_oldest + 3600 - now : 1;
		return VC_RATE;
	}
	if (n.by_email >= conf_int(c, "signup", "unpaid_ves_per_email"))
		return VC_UNPAID_EMAIL;
	if (n.by_client >= conf_int(c, "signup", "unpaid_ves_per_addr"))
		return VC_UNPAID_ADDR;
	return VC_OK;
}

const char *
ve_limit_message(int rc)
{
	switch (rc) {
	case VC_RATE:
		return "Too many VEs were ordered from your network in the last hour, so nothing was "
		    "created. Please try again later.";
	case VC_UNPAID_EMAIL:
		return "This e-mail address already has as many VEs as we allow before the first "
		    "payment, so nothing was created. Please pay an invoice first, or ask us.";
	default:
		return "Your network already has as many unpaid VEs as we allow, so nothing was "
		    "created. Please pay an invoice first, or ask us.";
	}
}

const char *
ve_limit_retry(int rc, long long retry_after, char *buf, size_t len)
{
	/* the unpaid limits last until a payment: ask again in an hour */
	snprintf(buf, len, "%lld", rc == VC_RATE && retry_after > 0 ? retry_after : 3600LL);
	return buf;
}

/*
 * ve_place_from, ve_place_deferred, ve_place_account: defer leaves the node's crypt(3)
 * hash for later; account 0 makes a new account.
 */
static int
place(struct db *db, const struct conf *c, const struct argon_params *ap,
    const struct order *o, const struct order_catalog *cat, const char *node, long long now,
    const char *addr, long long account, long long *retry_after, char ve_id[9], int defer,
    struct ve_info *made, struct auth_crypt_job **early)
{
	char hash[256], rootcrypt[AUTH_CRYPT_MAX], client[NETADDR_KEY_MAX];
	const char *key = o->s[OF_IDEMPOTENCY_KEY];
	struct tax_in rules;
	struct key_use k;
	int rc, slot;

	*retry_after = 0;
	if (early != NULL)
		*early = NULL;
	if (addr != NULL)
		netaddr_key(addr, client);	/* IPv6 counted per /64 */
	/* A repeated key answers the VE it made (no limit: nothing new is made). */
	if (key != NULL) {
		if ((rc = by_key(db, key, &k)) == 1)
			rc = key_verdict(c, o, &k, ve_id);
		explicit_bzero(k.hash, sizeof(k.hash));
		if (rc != 0)
			return rc;
	}
	/* The limits before the hash: a refused order costs no argon2id. */
	if (addr != NULL && (rc = client_may_order(db, c, o, client, now, retry_after)) != VC_OK) {
		if (rc > 0)
			auth_log_refusal(rc == VC_RATE ? "order throttled (429, orders per hour)" :
			    "order refused (429, unpaid VEs)", "order", addr, now);
		return rc;
	}
	/*
	 * The slow hash is done before the transaction opens, so no lock waits
	 * on it, and in a hash slot, so orders cannot exhaust memory either.
	 */
	if ((slot = auth_slot_enter(c)) == AUTH_SLOT_BUSY)
		return VC_BUSY;
	/* And the node's crypt(3) hash, in the same slot (yescrypt is memory-hard too), at the same time. */
	rootcrypt[0] = '\0';
	if (defer)
		rc = auth_hash(ap, o->s[OF_ROOT_PASSWORD], hash, sizeof(hash));
	else
		rc = auth_hash_both(ap, o->s[OF_ROOT_PASSWORD], hash, sizeof(hash), rootcrypt);
	/*
	 * Deferred, the node's hash may start now, in this slot, beside the
	 * transaction and the answer: by the next order's argon2id it is done.
	 */
	if (rc == 0 && defer && early != NULL &&
	    (*early = auth_crypt_start(o->s[OF_ROOT_PASSWORD], AUTH_CRYPT_NICE, slot)) != NULL)
		slot = AUTH_SLOT_UNUSABLE;	/* the job's now */
	auth_slot_release(slot);
	if (rc == -1) {
		log_warnx("%s: cannot hash the password", __func__);
		return DB_ERR;
	}
	/* The new account's VAT rate from [isp] (db_tax.h) is set in the creation's transaction. */
	db_tax_rules(c, &rules);
	rc = create_from(db, o, cat, hash, defer ? NULL : rootcrypt, node, now,
	    addr != NULL ? client : NULL, account, &rules, ve_id, made);
	/* Lost a race for the key: judge the order that won it like any repeat. */
	if ((rc == VC_KEY_USED || rc == VC_KEY_CONFLICT) && by_key(db, key, &k) == 1) {
		rc = key_verdict(c, o, &k, ve_id);
		explicit_bzero(k.hash, sizeof(k.hash));
	}
	explicit_bzero(hash, sizeof(hash));
	explicit_bzero(rootcrypt, sizeof(rootcrypt));
	if (early != NULL && *early != NULL && rc != VC_OK && rc != VC_KEY_USED) {
		(void)auth_crypt_collect(*early, NULL);	/* nothing made: the hash is dropped */
		*early = NULL;
	}
	return rc;
}

int
ve_place_from(struct db *db, const struct conf *c, const struct argon_params *ap,
    const struct order *o, const struct order_catalog *cat, const char *node, long long now,
    const char *addr, long long *retry_after, char ve_id[9])
{
	return place(db, c, ap, o, cat, node, now, addr, 0, retry_after, ve_id, 0, NULL, NULL);
}

int
ve_place_deferred(struct db *db, const struct conf *c, const struct argon_params *ap,
    const struct order *o, const struct order_catalog *cat, const char *node, long long now,
    const char *addr, long long *retry_after, char ve_id[9], struct ve_info *made,
    struct auth_crypt_job **early)
{
	return place(db, c, ap, o, cat, node, now, addr, 0, retry_after, ve_id, 1, made, early);
}

/* Deferred as an order from the signup form: the caller sets the node's hash after answering. */
int
ve_place_account(struct db *db, const struct conf *c, const struct argon_params *ap,
    const struct order *o, const struct order_catalog *cat, long long now, const char *addr,
    long long account, long long *retry_after, char ve_id[9])
{
	return place(db, c, ap, o, cat, NULL, now, addr, account, retry_after, ve_id, 1, NULL, NULL);
}

int
ve_place(struct db *db, const struct conf *c, const struct argon_params *ap, const struct order *o,
    const struct order_catalog *cat, const char *node, long long now, char ve_id[9])
{
	long long ra;

	return ve_place_from(db, c, ap, o, cat, node, now, NULL, &ra, ve_id);
}

/* ---- reading ------------------------------------------------------------------- */

void
ve_info_free(struct ve_info *v)
{
	free(v->ips);
	order_free(&v->o);
	memset(v, 0, sizeof(*v));
}

static int
set_str(struct order *o, enum order_key k, const char *s)
{
	if (*s == '\0')
		return 0;
	o->given[k] = 1;
	return (o->s[k] = strdup(s)) == NULL ? -1 : 0;
}

int
db_ve_get(struct db *db, const char *ve_id, struct ve_info *v)
{
	struct db_cur cur;
	char plan[33], tmpl[33], email[255], logins[33], fw[16], fwfile[65], info[4100], key[130];
	char gw[16], d1[16], d2[16];
	long long iv[NINT];
	struct ve_ip ip;
	int rc;

	memset(v, 0, sizeof(*v));
	struct dbv p[] = { DBV_STR(ve_id) };
	struct dbo o[20 + NINT] = { DBO_STR(v->state), DBO_STR(v->state_reason),
	    DBO_INT(&v->created_at), DBO_INT(&v->expires_at), DBO_INT(&v->updated_at),
	    DBO_STR(plan), DBO_STR(v->plan_name), DBO_STR(v->currency), DBO_STR(tmpl),
	    DBO_STR(v->template_name), DBO_STR(v->node), DBO_INT(&v->bogomips_per_cpu),
	    DBO_STR(email), DBO_STR(logins), DBO_STR(fw), DBO_STR(fwfile), DBO_STR(info), DBO_STR(key) };
	for (size_t i = 0; i < NINT; i++)
		o[18 + i] = DBO_INT(&iv[i]);
	o[18 + NINT] = DBO_STR(v->power);
	o[19 + NINT] = DBO_INT(&v->power_seq);
	if ((rc = db_one(db, sql[S_VE_GET], p, nitems(p), o, nitems(o))) <= 0)
		return rc;
	snprintf(v->ve_id, sizeof(v->ve_id), "%s", ve_id);
	for (size_t i = 0; i < NINT; i++) {
		v->o.n[int_cols[i]] = iv[i];
		v->o.given[int_cols[i]] = 1;
	}
	v->o.n[OF_LOGIN] = order_logins_mask(logins);
	v->o.given[OF_LOGIN] = 1;
	for (int i = 0; i < FW__MAX; i++)
		if (strcmp(fw, order_firewall_names[i]) == 0)
			v->o.n[OF_FIREWALL] = i;
	v->o.given[OF_FIREWALL] = 1;
	if (set_str(&v->o, OF_PLAN, plan) == -1 || set_str(&v->o, OF_TEMPLATE, tmpl) == -1 ||
	    set_str(&v->o, OF_EMAIL, email) == -1 || set_str(&v->o, OF_FIREWALL_FILE, fwfile) == -1 ||
	    set_str(&v->o, OF_USER_INFO, info) == -1 || set_str(&v->o, OF_IDEMPOTENCY_KEY, key) == -1) {
		rc = DB_ERR;
		goto fail;
	}

	struct dbo oi[] = { DBO_STR(ip.address), DBO_STR(ip.netmask), DBO_STR(ip.dns_name),
	    DBO_STR(gw), DBO_STR(d1), DBO_STR(d2) };
	if ((rc = db_query(db, &cur, sql[S_VE_IPS], p, nitems(p), oi, nitems(oi))) != DB_OK)
		goto fail;
	while ((rc = db_next(&cur)) == 1) {
		struct ve_ip *n = realloc(v->ips, (v->nips + 1) * sizeof(*n));
		if (n == NULL) {
			rc = DB_NOMEM;
			break;
		}
		v->ips = n;
		v->ips[v->nips++] = ip;
		if (ip.dns_name[0] != '\0') {
			char **d = realloc(v->o.dns, (v->o.ndns + 1) * sizeof(*d));
			if (d == NULL || (d[v->o.ndns] = strdup(ip.dns_name)) == NULL) {
				if (d != NULL)
					v->o.dns = d;
				rc = DB_ERR;
				break;
			}
			v->o.dns = d;
			v->o.ndns++;
			v->o.given[OF_DNS_NAMES] = 1;
		}
		if (v->nips == 1) {
			/* Every address of a VE comes from one pool. */
			snprintf(v->gateway, sizeof(v->gateway), "%s", gw);
			snprintf(v->dns_servers[0], sizeof(v->dns_servers[0]), "%s", d1);
			snprintf(v->dns_servers[1], sizeof(v->dns_servers[1]), "%s", d2);
			v->ndns_servers = d2[0] != '\0' ? 2 : 1;
		}
	}
	db_cur_close(&cur);
	if (rc < 0)
		goto fail;
	return 1;
fail:
	ve_info_free(v);
	return rc;
}

int
db_ve_usage_month(struct db *db, const char *ve_id, long long now, long long from, long long to,
    struct ve_usage *u, long long *in, long long *out)
{
	long long bogo = 0, us = 0, min = 0, mout = 0;
	int rc;

	memset(u, 0, sizeof(*u));
	struct dbv p[] = { DBV_INT(now), DBV_INT(from), DBV_INT(to), DBV_STR(ve_id) };
	struct dbo o[] = { DBO_INT(&u->cpu_user_us), DBO_INT(&u->cpu_sys_us), DBO_INT(&u->net_in_bytes),
	    DBO_INT(&u->net_out_bytes), DBO_INT(&u->vmem_bytes), DBO_INT(&u->disk_bytes),
	    DBO_INT(&u->as_of), DBO_INT(&bogo), DBO_INT(&us), DBO_INT(&min), DBO_INT(&mout) };
	if (in != NULL)
		*in = 0;
	if (out != NULL)
		*out = 0;
	if ((rc = db_one(db, sql[S_USAGE], p, nitems(p), o, nitems(o))) < 0)
		return rc;
	if (rc == 0) {
		memset(u, 0, sizeof(*u));
		return DB_OK;
	}
	u->recorded = 1;
	u->cpu_bogomips = us * bogo / 60000000LL;
	if (in != NULL)
		*in = min;
	if (out != NULL)
		*out = mout;
	return DB_OK;
}

int
db_ve_usage(struct db *db, const char *ve_id, long long now, struct ve_usage *u)
{
	/* An empty range of days: no traffic is summed. */
	return db_ve_usage_month(db, ve_id, now, 0, 0, u, NULL, NULL);
}

int
db_ve_series(struct db *db, const char *ve_id, enum ve_range r, long long from, long long to,
    struct ve_point *pts, size_t cap, size_t *n)
{
	static const enum stmt which[VR__MAX] = { S_SERIES_MINUTE, S_SERIES_HOUR, S_SERIES_DAY };
	struct db_cur cur;
	struct ve_point pt;
	int rc;

	*n = 0;
	if ((int)r < 0 || r >= VR__MAX)
		return DB_ERR;
	struct dbv p[] = { DBV_STR(ve_id), DBV_INT(from), DBV_INT(to), DBV_INT(cap) };
	struct dbo o[] = { DBO_INT(&pt.t), DBO_INT(&pt.cpu_us), DBO_INT(&pt.net_in), DBO_INT(&pt.net_out),
	    DBO_INT(&pt.vmem_sum), DBO_INT(&pt.disk_sum), DBO_INT(&pt.samples), DBO_INT(&pt.last_t) };
	if ((rc = db_query(db, &cur, sql[which[r]], p, nitems(p), o, nitems(o))) != DB_OK)
		return rc;
	while ((rc = db_next(&cur)) == 1 && *n < cap)
		pts[(*n)++] = pt;
	db_cur_close(&cur);
	return rc < 0 ? rc : DB_OK;
}

int
db_ve_hash(struct db *db, const char *ve_id, char *hash, size_t hashlen)
{
	struct dbv p[] = { DBV_STR(ve_id) };
	struct dbo o[] = { DBO_STRP(hash, hashlen) };
	return db_one(db, sql[S_HASH], p, nitems(p), o, nitems(o));
}

int
db_ve_set_root_crypt(struct db *db, const char *ve_id, const char *rootcrypt)
{
	struct dbv p[] = { DBV_STR(rootcrypt), DBV_STR(ve_id) };

	return db_exec(db, sql[S_SET_CRYPT], p, nitems(p), NULL, NULL);
}

int
db_ve_set_hash(struct db *db, const char *ve_id, const char *hash, const char *rootcrypt, long long now)
{
	uint64_t n = 0;
	int rc;
	struct dbv p[] = { DBV_STR(hash), DBV_STR0(rootcrypt), DBV_INT(now), DBV_STR(ve_id) };

	if ((rc = db_exec(db, sql[S_SET_HASH], p, nitems(p), &n, NULL)) != DB_OK)
		return rc;
	if (n == 0)
		return DB_ERR;
	return db_audit(db, now, ve_id, "ve.password", ve_id, NULL, NULL);
}

/* ---- power ----------------------------------------------------------------------- */

struct power {
	const char	*ve_id, *actor;
	enum ve_power	 act;
	long long	 now;
};

static int
power_once(struct db *db, void *arg)
{
	const struct power *x = arg;
	char state[16], power[16], before[96], after[96];
	long long seq = 0;
	const char *np = x->act == VP_STOP ? "stopped" : "running";
	int rc;

	struct dbv p[] = { DBV_STR(x->ve_id) };
	struct dbo o[] = { DBO_STR(state), DBO_STR(power), DBO_INT(&seq) };
	if ((rc = db_one(db, sql[S_POWER_LOCK], p, 1, o, nitems(o))) < 0)
		return rc;
	if (rc == 0)
		return VPR_NOVE;
	/* Suspended or expired: the operator's or billing's stop wins (409). */
	if (strcmp(state, "active") != 0)
		return VPR_SUSPENDED;
	struct dbv ps[] = { DBV_STR(np), DBV_INT(x->now), DBV_STR(x->ve_id) };
	if ((rc = db_exec(db, sql[S_POWER_SET], ps, nitems(ps), NULL, NULL)) != DB_OK)
		return rc;
	snprintf(before, sizeof(before), "{\"power\":\"%s\",\"power_seq\":%lld}", power, seq);
	snprintf(after, sizeof(after), "{\"action\":\"%s\",\"power\":\"%s\",\"power_seq\":%lld}",
	    ve_power_names[x->act], np, seq + 1);
	return db_audit(db, x->now, x->actor, "ve.power", x->ve_id, before, after);
}

int
db_ve_power(struct db *db, const char *ve_id, enum ve_power act, const char *actor, long long now)
{
	struct power x = { ve_id, actor, act, now };

	if ((int)act < 0 || act >= VP__MAX)
		return DB_ERR;
	return db_tx(db, power_once, &x);
}

/* ---- the API's JSON ---------------------------------------------------------------- */

/* The API's order: every field but the root password and the idempotency key. */
static json_t *
order_json(const struct order *o)
{
	return order_fields_json(o, (ORDER_BIT(OF__MAX) - 1) &
	    ~(ORDER_BIT(OF_ROOT_PASSWORD) | ORDER_BIT(OF_IDEMPOTENCY_KEY)));
}

json_t *
ve_info_json(const struct ve_info *v, const struct ve_usage *u, const char *pw)
{
	char exp[21], cre[21], asof[21];
	json_t *j, *ips, *dns;

	vep_iso8601(v->expires_at, exp);
	if ((ips = json_array()) == NULL || (dns = json_array()) == NULL) {
		json_decref(ips);
		return NULL;
	}
	for (size_t i = 0; i < v->nips; i++)
		json_array_append_new(ips, json_pack("{s:s, s:s, s:o}", "address", v->ips[i].address,
		    "netmask", v->ips[i].netmask, "dns_name",
		    v->ips[i].dns_name[0] ? json_string(v->ips[i].dns_name) : json_null()));
	for (size_t i = 0; i < v->ndns_servers; i++)
		json_array_append_new(dns, json_string(v->dns_servers[i]));
	j = json_pack("{s:s, s:s, s:s, s:o, s:s, s:o, s:o}", "ve_id", v->ve_id, "state", v->state,
	    "expires_at", exp, "ips", ips, "gateway", v->gateway, "dns_servers", dns,
	    "login", order_logins_json((unsigned)v->o.n[OF_LOGIN]));
	if (j == NULL)
		return NULL;
	if (pw != NULL)
		json_object_set_new(j, "root_password", json_string(pw));
	if (u == NULL)
		return j;
	vep_iso8601(v->created_at, cre);
	vep_iso8601(u->as_of, asof);
	json_object_set_new(j, "state_reason", json_string(v->state_reason));
	json_object_set_new(j, "created_at", json_string(cre));
	json_object_set_new(j, "plan", json_string(v->o.s[OF_PLAN] ? v->o.s[OF_PLAN] : ""));
	json_object_set_new(j, "template", json_string(v->o.s[OF_TEMPLATE] ? v->o.s[OF_TEMPLATE] : ""));
	json_object_set_new(j, "node", v->node[0] ? json_string(v->node) : json_null());
	json_object_set_new(j, "power", json_string(v->power));
	json_object_set_new(j, "order", order_json(&v->o));
	json_object_set_new(j, "usage", json_pack("{s:b, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "recorded", u->recorded, "as_of", u->recorded ? json_string(asof) : json_null(),
	    "disk_bytes", (json_int_t)u->disk_bytes, "cpu_bogomips", (json_int_t)u->cpu_bogomips,
	    "vmem_mb", (json_int_t)(u->vmem_bytes / 1000000), "net_in_bytes", (json_int_t)u->net_in_bytes,
	    "net_out_bytes", (json_int_t)u->net_out_bytes,
	    "net_total_bytes", (json_int_t)(u->net_in_bytes + u->net_out_bytes),
	    "cpu_user_us", (json_int_t)u->cpu_user_us, "cpu_sys_us", (json_int_t)u->cpu_sys_us));
	return j;
}
