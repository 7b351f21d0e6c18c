/*
 * A VE's service change: see db_change.h.  All SQL of it is in the
 * statement table below.  Addresses added come from the pool of the VE's
 * first address (every address of a VE comes from one pool), the lowest
 * free first, with SKIP LOCKED like an order; released ones are the last
 * (highest seq) and go back to the pool at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "db.h"
#include "db_addr.h"
#include "db_audit.h"
#include "db_change.h"
#include "log.h"
#include "util.h"

enum stmt {
	S_LOCK,
	S_ORDER_SET,
	S_POOL_OF,
	S_ADDR_RELEASE,
	S_NAME_SET,
	S_NODE_ROOM,
	S_HISTORY,
	S_RESTART,
	S_TOUCH,
	S__MAX
};

static const char *const sql[S__MAX] = {
	[S_LOCK] = "SELECT v.state, v.order_id, o.plan_id, COALESCE(v.node_id, 0) FROM ves v "
	    "JOIN orders o ON o.id = v.order_id WHERE v.id = ? AND v.state <> 'deleted' FOR UPDATE",
	[S_ORDER_SET] = "UPDATE orders SET plan_id = ?, disk_quota_mb = ?, always_on = ?, login = ?, "
	    "cpu_min_bogomips = ?, net_bw_min_kbps = ?, net_bw_max_kbps = ?, net_in_bw_min_kbps = ?, "
	    "net_in_bw_max_kbps = ?, net_out_bw_min_kbps = ?, net_out_bw_max_kbps = ?, "
	    "net_quota_min_mb = ?, net_quota_max_mb = ?, net_in_quota_min_mb = ?, "
	    "net_in_quota_max_mb = ?, net_out_quota_min_mb = ?, net_out_quota_max_mb = ?, "
	    "mem_max_mb = ?, backup_hours = ?, firewall = ?, firewall_file = ?, ip_count = ?, "
	    "user_info = ? WHERE id = ?",
	[S_POOL_OF] = "SELECT pool_id FROM ip_addresses WHERE ve_id = ? ORDER BY seq LIMIT 1",
	[S_ADDR_RELEASE] = "UPDATE ip_addresses SET ve_id = NULL, seq = NULL, dns_name = NULL "
	    "WHERE ve_id = ? AND seq > ?",
	[S_NAME_SET] = "UPDATE ip_addresses SET dns_name = ? WHERE ve_id = ? AND seq = ?",
	/* The node's disk sold to its other VEs plus this quota must fit. */
	[S_NODE_ROOM] = "SELECT CAST(n.disk_mb AS SIGNED) - COALESCE((SELECT SUM(o.disk_quota_mb) "
	    "FROM ves v JOIN orders o ON o.id = v.order_id WHERE v.node_id = n.id AND v.id <> ? "
	    "AND v.state IN ('active', 'suspended')), 0) FROM nodes n WHERE n.id = ? FOR UPDATE",
	[S_HISTORY] = "INSERT INTO order_history (order_id, valid_from, plan_id, disk_quota_mb, params, "
	    "actor, changed) VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
	    "plan_id = VALUES(plan_id), disk_quota_mb = VALUES(disk_quota_mb), params = VALUES(params), "
	    "actor = VALUES(actor), changed = VALUES(changed)",
	[S_RESTART] = "UPDATE ves SET power = 'running', power_seq = power_seq + 1 WHERE id = ?",
	[S_TOUCH] = "UPDATE ves SET updated_at = ? WHERE id = ?",
};

struct change {
	const char			*ve_id, *actor;
	const struct order		*cur, *next;
	uint64_t			 changed;
	const struct order_catalog	*cat;
	int				 restart;
	long long			 now;
};

/* More addresses from the VE's pool, or the last ones released. */
static int
addresses(struct db *db, const struct change *x)
{
	long long have = x->cur->n[OF_IP_COUNT], want = x->next->n[OF_IP_COUNT], pool = 0;
	long long *ids = NULL;
	int rc;

	if (want < have) {
		struct dbv p[] = { DBV_STR(x->ve_id), DBV_INT(want) };
		return db_exec(db, sql[S_ADDR_RELEASE], p, nitems(p), NULL, NULL);
	}
	if (want == have)
		return DB_OK;
	struct dbv pp[] = { DBV_STR(x->ve_id) };
	struct dbo op[] = { DBO_INT(&pool) };
	if ((rc = db_one(db, sql[S_POOL_OF], pp, 1, op, 1)) < 0)
		return rc;
	if (rc == 0)
		return CH_NO_ADDRESS;	/* a VE without any address has no pool to take from */
	if ((ids = calloc((size_t)(want - have), sizeof(*ids))) == NULL)
		return DB_NOMEM;
	if ((rc = db_addr_pick(db, pool, want - have, ids)) < 0)
		goto out;
	if (rc < want - have) {
		rc = CH_NO_ADDRESS;
		goto out;
	}
	rc = DB_OK;
	for (long long i = 0; rc == DB_OK && i < want - have; i++)
		rc = db_addr_assign(db, x->ve_id, have + 1 + i, NULL, ids[i]);
out:
	free(ids);
	return rc;
}

static int
names(struct db *db, const struct change *x)
{
	int rc;

	for (long long i = 0; i < x->next->n[OF_IP_COUNT]; i++) {
		const char *dn = (size_t)i < x->next->ndns ? x->next->dns[i] : NULL;
		struct dbv p[] = { DBV_STR0(dn), DBV_STR(x->ve_id), DBV_INT(i + 1) };
		if ((rc = db_exec(db, sql[S_NAME_SET], p, nitems(p), NULL, NULL)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

static int
order_set(struct db *db, const struct change *x, long long plan_id, long long order_id)
{
	static const enum order_key ints[] = { OF_CPU_MIN_BOGOMIPS, OF_NET_BW_MIN_KBPS,
	    OF_NET_BW_MAX_KBPS, OF_NET_IN_BW_MIN_KBPS, OF_NET_IN_BW_MAX_KBPS, OF_NET_OUT_BW_MIN_KBPS,
	    OF_NET_OUT_BW_MAX_KBPS, OF_NET_QUOTA_MIN_MB, OF_NET_QUOTA_MAX_MB, OF_NET_IN_QUOTA_MIN_MB,
	    OF_NET_IN_QUOTA_MAX_MB, OF_NET_OUT_QUOTA_MIN_MB, OF_NET_OUT_QUOTA_MAX_MB, OF_MEM_MAX_MB,
	    OF_BACKUP_HOURS };
	const struct order *o = x->next;
	char logins[40];
	struct dbv p[24];
	size_t n = 0;

	order_logins_join((unsigned)o->n[OF_LOGIN], ",", logins, sizeof(logins));
	p[n++] = DBV_INT(plan_id);
	p[n++] = DBV_INT(o->n[OF_DISK_QUOTA_MB]);
	p[n++] = DBV_INT(o->n[OF_ALWAYS_ON]);
	p[n++] = DBV_STR(logins);
	for (size_t i = 0; i < nitems(ints); i++)
		p[n++] = DBV_INT(o->n[ints[i]]);
	p[n++] = DBV_STR(order_firewall_names[o->n[OF_FIREWALL]]);
	p[n++] = DBV_STR0(o->s[OF_FIREWALL_FILE]);
	p[n++] = DBV_INT(o->n[OF_IP_COUNT]);
	p[n++] = DBV_STR(o->s[OF_USER_INFO] != NULL ? o->s[OF_USER_INFO] : "");
	p[n++] = DBV_INT(order_id);
	return db_exec(db, sql[S_ORDER_SET], p, n, NULL, NULL);
}

/* The history row and the audit row: the parameters in force, before and after. */
static int
record(struct db *db, const struct change *x, long long order_id, long long plan_id)
{
	char changed[256];
	char *params = NULL, *before = NULL, *after = NULL;
	json_t *jp = change_params_json(x->next, 0), *jb = change_params_json(x->cur, x->changed),
	    *ja = change_params_json(x->next, x->changed);
	int rc = DB_NOMEM;

	change_names(x->changed, changed, sizeof(changed));
	if (jp == NULL || jb == NULL || ja == NULL ||
	    (params = json_dumps(jp, JSON_COMPACT | JSON_SORT_KEYS)) == NULL ||
	    (before = json_dumps(jb, JSON_COMPACT | JSON_SORT_KEYS)) == NULL ||
	    (after = json_dumps(ja, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		goto out;
	struct dbv ph[] = { DBV_INT(order_id), DBV_INT(x->now), DBV_INT(plan_id),
	    DBV_INT(x->next->n[OF_DISK_QUOTA_MB]), DBV_STR(params), DBV_STR(x->actor), DBV_STR(changed) };
	if ((rc = db_exec(db, sql[S_HISTORY], ph, nitems(ph), NULL, NULL)) != DB_OK)
		goto out;
	rc = db_audit(db, x->now, x->actor, "ve.change", x->ve_id, before, after);
out:
	free(params);
	free(before);
	free(after);
	json_decref(jp);
	json_decref(jb);
	json_decref(ja);
	return rc;
}

static int
change_once(struct db *db, void *arg)
{
	const struct change *x = arg;
	const struct order_plan *pl;
	char state[16];
	long long order_id = 0, plan_id = 0, node = 0, room = 0;
	int rc;

	struct dbv p[] = { DBV_STR(x->ve_id) };
	struct dbo o[] = { DBO_STR(state), DBO_INT(&order_id), DBO_INT(&plan_id), DBO_INT(&node) };
	if ((rc = db_one(db, sql[S_LOCK], p, 1, o, nitems(o))) < 0)
		return rc;
	if (rc == 0)
		return CH_NOVE;
	if (x->changed & CHANGE_BIT(OF_PLAN)) {
		if ((pl = order_plan_find(x->cat, x->next->s[OF_PLAN])) == NULL)
			return CH_GONE;
		plan_id = pl->id;
	}
	if (node != 0 && x->next->n[OF_DISK_QUOTA_MB] > x->cur->n[OF_DISK_QUOTA_MB]) {
		struct dbv pr[] = { DBV_STR(x->ve_id), DBV_INT(node) };
		struct dbo orr[] = { DBO_INT(&room) };
		if ((rc = db_one(db, sql[S_NODE_ROOM], pr, nitems(pr), orr, 1)) < 0)
			return rc;
		if (rc == 1 && room < x->next->n[OF_DISK_QUOTA_MB])
			return CH_NO_ROOM;
	}
	if ((rc = order_set(db, x, plan_id, order_id)) != DB_OK ||
	    (rc = addresses(db, x)) != DB_OK ||
	    (rc = names(db, x)) != DB_OK ||
	    (rc = record(db, x, order_id, plan_id)) != DB_OK)
		return rc;
	if (x->restart && strcmp(state, "active") == 0 &&
	    (rc = db_exec(db, sql[S_RESTART], p, 1, NULL, NULL)) != DB_OK)
		return rc;
	struct dbv pt[] = { DBV_INT(x->now), DBV_STR(x->ve_id) };
	return db_exec(db, sql[S_TOUCH], pt, nitems(pt), NULL, NULL);
}

int
db_change_apply(struct db *db, const char *ve_id, const struct order *cur, const struct order *next,
    uint64_t changed, const struct order_catalog *cat, int restart, const char *actor, long long now)
{
	struct change x = { ve_id, actor, cur, next, changed, cat, restart, now };

	if (changed == 0 && !restart)
		return CH_OK;
	return db_tx(db, change_once, &x);
}
