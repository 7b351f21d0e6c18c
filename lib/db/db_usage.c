/*
 * All SQL of usage accounting; see db_usage.h.  Row writes use bulk array
 * binding (db_exec_bulk in db.c): the caller's array of structs is sent as
 * is, one execute per DB_BULK_ROWS rows.  Partition maintenance is DDL and
 * cannot take placeholders: its text is built from integers and a fixed
 * table name only.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "db_usage.h"
#include "log.h"
#include "util.h"

enum stmt {
	STMT_SEQ_LOCK,
	STMT_SEQ_SET,
	STMT_SEQ_INIT,
	STMT_STATE_GET,
	STMT_STATE_IPS,
	STMT_STATE_UPDATE_IF,
	STMT_STATE_PUT,
	STMT_STATE_IP_CLEAR,
	STMT_STATE_IP_PUT,
	STMT_RAW_PUT,
	STMT_RAW_IP_PUT,
	STMT_MINUTE_PUT,
	STMT_HOUR_PUT,
	STMT_DAY_PUT,
	STMT_IP_HOUR_PUT,
	STMT_TOTALS_PUT,
	STMT_AVAIL_PUT,
	STMT_LEASE_RENEW,
	STMT_LEASE_DROP_DISABLED,
	STMT_LEASE_TAKE,
	STMT_LEASE_RELEASE,
	STMT_LEASE_GIVE,
	STMT_ALIVE,
	STMT_ALIVE_COUNT,
	STMT_ALIVE_GONE,
	STMT_NODES,
	STMT_NODE_HEALTH,
	STMT_ASSIGN,
	STMT_JOB_INIT,
	STMT_JOB_TAKE,
	STMT_JOB_GIVE,
	STMT_PARTITIONS,
	STMT_PRUNE_MINUTE,
	STMT_PRUNE_HOUR,
	STMT_PRUNE_AVAIL,
	STMT_EXPIRE_AUDIT,
	STMT_EXPIRE,
	STMT_ERASE_AUDIT,
	STMT_ERASE_IPS,
	STMT_ERASE_TOKENS,
	STMT_ERASE,
	STMT__MAX
};

#define ROLLUP_PUT(table) \
	"INSERT INTO " table " (ve_id, t, cpu_user_us, cpu_sys_us, net_in_bytes, " \
	"net_out_bytes, vmem_sum_bytes, disk_sum_bytes, samples, vmem_last_bytes, " \
	"disk_last_bytes, last_t) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) " \
	"ON DUPLICATE KEY UPDATE cpu_user_us = cpu_user_us + VALUES(cpu_user_us), " \
	"cpu_sys_us = cpu_sys_us + VALUES(cpu_sys_us), " \
	"net_in_bytes = net_in_bytes + VALUES(net_in_bytes), " \
	"net_out_bytes = net_out_bytes + VALUES(net_out_bytes), " \
	"vmem_sum_bytes = vmem_sum_bytes + VALUES(vmem_sum_bytes), " \
	"disk_sum_bytes = disk_sum_bytes + VALUES(disk_sum_bytes), " \
	"samples = samples + VALUES(samples), " \
	"vmem_last_bytes = IF(VALUES(last_t) >= last_t, VALUES(vmem_last_bytes), vmem_last_bytes), " \
	"disk_last_bytes = IF(VALUES(last_t) >= last_t, VALUES(disk_last_bytes), disk_last_bytes), " \
	"last_t = GREATEST(last_t, VALUES(last_t))"

/* DU_STATE_CHUNK placeholders (db.c binds at most 64 parameters). */
#define Q8	"?,?,?,?,?,?,?,?"
#define Q64	Q8 "," Q8 "," Q8 "," Q8 "," Q8 "," Q8 "," Q8 "," Q8

static const char *const sql[STMT__MAX] = {
	[STMT_SEQ_LOCK] =
	    "SELECT seq FROM billingd_batches WHERE owner = ? FOR UPDATE",
	[STMT_SEQ_SET] =
	    "INSERT INTO billingd_batches (owner, seq, applied_at) VALUES (?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE seq = VALUES(seq), applied_at = VALUES(applied_at)",
	[STMT_SEQ_INIT] =
	    "INSERT IGNORE INTO billingd_batches (owner, seq, applied_at) VALUES (?, 0, ?)",
	[STMT_STATE_GET] =
	    "SELECT ve_id, COALESCE(node_id, 0), agent_start, ve_start, cpu_user_us, "
	    "cpu_sys_us, last_t FROM counter_state WHERE ve_id IN (" Q64 ") FOR UPDATE",
	[STMT_STATE_IPS] =
	    "SELECT ve_id, ip, rx, tx FROM counter_state_ip WHERE ve_id IN (" Q64 ") "
	    "ORDER BY ve_id, ip FOR UPDATE",
	[STMT_STATE_UPDATE_IF] =
	    "UPDATE counter_state SET node_id = ?, agent_start = ?, ve_start = ?, "
	    "cpu_user_us = ?, cpu_sys_us = ?, last_t = ? "
	    "WHERE ve_id = ? AND last_t = ? AND agent_start = ? AND ve_start = ? "
	    "AND cpu_user_us = ? AND cpu_sys_us = ?",
	[STMT_STATE_PUT] =
	    "INSERT INTO counter_state (ve_id, node_id, agent_start, ve_start, cpu_user_us, "
	    "cpu_sys_us, last_t) VALUES (?,?,?,?,?,?,?) ON DUPLICATE KEY UPDATE "
	    "node_id = VALUES(node_id), agent_start = VALUES(agent_start), "
	    "ve_start = VALUES(ve_start), cpu_user_us = VALUES(cpu_user_us), "
	    "cpu_sys_us = VALUES(cpu_sys_us), last_t = VALUES(last_t)",
	[STMT_STATE_IP_CLEAR] =
	    "DELETE FROM counter_state_ip WHERE ve_id = ?",
	[STMT_STATE_IP_PUT] =
	    "INSERT INTO counter_state_ip (ve_id, ip, rx, tx) VALUES (?,?,?,?) "
	    "ON DUPLICATE KEY UPDATE rx = VALUES(rx), tx = VALUES(tx)",
	[STMT_RAW_PUT] =
	    "INSERT INTO usage_raw (ve_id, t, cpu_user_us, cpu_sys_us, vmem_bytes, disk_bytes, "
	    "net_in_bytes, net_out_bytes, ip) VALUES (?,?,?,?,?,?,?,?,?) ON DUPLICATE KEY UPDATE "
	    "cpu_user_us = cpu_user_us + VALUES(cpu_user_us), "
	    "cpu_sys_us = cpu_sys_us + VALUES(cpu_sys_us), "
	    "vmem_bytes = COALESCE(VALUES(vmem_bytes), vmem_bytes), "
	    "disk_bytes = COALESCE(VALUES(disk_bytes), disk_bytes), "
	    "net_in_bytes = net_in_bytes + VALUES(net_in_bytes), "
	    "net_out_bytes = net_out_bytes + VALUES(net_out_bytes), "
	    /* A row of another address: the triggers of 0032 split it into usage_raw_ip. */
	    "ip = VALUES(ip)",
	[STMT_RAW_IP_PUT] =
	    "INSERT INTO usage_raw_ip (ve_id, ip, t, in_bytes, out_bytes) VALUES (?,?,?,?,?) "
	    "ON DUPLICATE KEY UPDATE in_bytes = in_bytes + VALUES(in_bytes), "
	    "out_bytes = out_bytes + VALUES(out_bytes)",
	[STMT_MINUTE_PUT] = ROLLUP_PUT("usage_minute"),
	[STMT_HOUR_PUT] = ROLLUP_PUT("usage_hour"),
	[STMT_DAY_PUT] = ROLLUP_PUT("usage_day"),
	[STMT_IP_HOUR_PUT] =
	    "INSERT INTO usage_ip_hour (ve_id, ip, t, in_bytes, out_bytes) VALUES (?,?,?,?,?) "
	    "ON DUPLICATE KEY UPDATE in_bytes = in_bytes + VALUES(in_bytes), "
	    "out_bytes = out_bytes + VALUES(out_bytes)",
	[STMT_TOTALS_PUT] =
	    "INSERT INTO ve_totals (ve_id, cpu_user_us, cpu_sys_us, net_in_bytes, net_out_bytes, "
	    "vmem_last_bytes, disk_last_bytes, last_t) VALUES (?,?,?,?,?,?,?,?) "
	    "ON DUPLICATE KEY UPDATE cpu_user_us = cpu_user_us + VALUES(cpu_user_us), "
	    "cpu_sys_us = cpu_sys_us + VALUES(cpu_sys_us), "
	    "net_in_bytes = net_in_bytes + VALUES(net_in_bytes), "
	    "net_out_bytes = net_out_bytes + VALUES(net_out_bytes), "
	    "vmem_last_bytes = IF(VALUES(last_t) >= last_t, VALUES(vmem_last_bytes), vmem_last_bytes), "
	    "disk_last_bytes = IF(VALUES(last_t) >= last_t, VALUES(disk_last_bytes), disk_last_bytes), "
	    "last_t = GREATEST(last_t, VALUES(last_t))",
	/* The day row follows by trigger (db/migrations/0006_sla.sql). */
	[STMT_AVAIL_PUT] =
	    "INSERT INTO usage_avail_minute (ve_id, t, seen_mask, up_mask) VALUES (?,?,?,?) "
	    "ON DUPLICATE KEY UPDATE seen_mask = seen_mask | VALUES(seen_mask), "
	    "up_mask = up_mask | VALUES(up_mask)",
	[STMT_LEASE_RENEW] =
	    "UPDATE nodes SET lease_until = UNIX_TIMESTAMP() + ? "
	    "WHERE lease_owner = ? AND enabled = 1",
	[STMT_LEASE_DROP_DISABLED] =
	    "UPDATE nodes SET lease_owner = NULL, lease_until = NULL "
	    "WHERE lease_owner = ? AND enabled = 0",
	[STMT_LEASE_TAKE] =
	    "UPDATE nodes SET lease_owner = ?, lease_until = UNIX_TIMESTAMP() + ? "
	    "WHERE id = ? AND enabled = 1 AND (lease_owner IS NULL OR lease_owner = ? "
	    "OR lease_until IS NULL OR lease_until <= UNIX_TIMESTAMP())",
	[STMT_LEASE_RELEASE] =
	    "UPDATE nodes SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?",
	[STMT_LEASE_GIVE] =
	    "UPDATE nodes SET lease_owner = NULL, lease_until = NULL "
	    "WHERE id = ? AND lease_owner = ?",
	[STMT_ALIVE] =
	    "INSERT INTO billingd_instances (owner, seen_at) VALUES (?, UNIX_TIMESTAMP()) "
	    "ON DUPLICATE KEY UPDATE seen_at = VALUES(seen_at)",
	[STMT_ALIVE_COUNT] =
	    "SELECT COUNT(*) FROM billingd_instances WHERE seen_at > UNIX_TIMESTAMP() - ?",
	[STMT_ALIVE_GONE] =
	    "DELETE FROM billingd_instances WHERE owner = ?",
	[STMT_NODES] =
	    "SELECT id, name, url, COALESCE(lease_owner, ''), COALESCE(lease_until, 0), "
	    "UNIX_TIMESTAMP() FROM nodes WHERE enabled = 1 ORDER BY id",
	[STMT_NODE_HEALTH] =
	    "UPDATE nodes SET state = ?, last_poll_at = NULLIF(?, 0), "
	    "last_ok_at = NULLIF(?, 0), lag_ms = ? WHERE id = ? AND lease_owner = ?",
	[STMT_ASSIGN] =
	    "SELECT v.id, v.node_id FROM ves v JOIN nodes n ON n.id = v.node_id "
	    "WHERE n.lease_owner = ? AND n.enabled = 1",
	/* A row, not an advisory lock: on Galera that would lock one node only. */
	[STMT_JOB_INIT] = "INSERT IGNORE INTO job_locks (name) VALUES (?)",
	[STMT_JOB_TAKE] =
	    "UPDATE job_locks SET owner = ?, until = UNIX_TIMESTAMP() + ?, taken = taken + 1 "
	    "WHERE name = ? AND (owner = ? OR until < UNIX_TIMESTAMP())",
	[STMT_JOB_GIVE] = "UPDATE job_locks SET until = 0 WHERE name = ? AND owner = ?",
	[STMT_PARTITIONS] =
	    "SELECT PARTITION_NAME, PARTITION_DESCRIPTION FROM information_schema.PARTITIONS "
	    "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
	    "AND PARTITION_NAME IS NOT NULL ORDER BY PARTITION_ORDINAL_POSITION",
	[STMT_PRUNE_MINUTE] = "DELETE FROM usage_minute WHERE t < ? LIMIT ?",
	[STMT_PRUNE_HOUR] = "DELETE FROM usage_hour WHERE t < ? LIMIT ?",
	[STMT_PRUNE_AVAIL] = "DELETE FROM usage_avail_minute WHERE t < ? LIMIT ?",
	[STMT_EXPIRE_AUDIT] =
	    "INSERT INTO audit_log (at, actor, action, object, before_json, after_json) "
	    "SELECT ?, 'billingd', 've.expire', id, JSON_OBJECT('state', state), "
	    "JSON_OBJECT('state', 'expired') FROM ves "
	    "WHERE state IN ('active', 'suspended') AND expires_at <= ?",
	[STMT_EXPIRE] =
	    "UPDATE ves SET state = 'expired', state_reason = 'lifetime ended', updated_at = ? "
	    "WHERE state IN ('active', 'suspended') AND expires_at <= ?",
	[STMT_ERASE_AUDIT] =
	    "INSERT INTO audit_log (at, actor, action, object, before_json, after_json) "
	    "SELECT ?, 'billingd', 've.erase', id, JSON_OBJECT('state', state), "
	    "JSON_OBJECT('state', 'deleted') FROM ves "
	    "WHERE state = 'expired' AND expires_at <= ?",
	[STMT_ERASE_IPS] =
	    "UPDATE ip_addresses SET ve_id = NULL, seq = NULL, dns_name = NULL WHERE ve_id IN "
	    "(SELECT id FROM ves WHERE state = 'expired' AND expires_at <= ?)",
	/* The erased VEs' own read-only tokens (kind 've') are revoked with them. */
	[STMT_ERASE_TOKENS] =
	    "UPDATE admin_tokens SET revoked_at = ? WHERE kind = 've' AND revoked_at IS NULL AND ve_id IN "
	    "(SELECT id FROM ves WHERE state = 'expired' AND expires_at <= ?)",
	[STMT_ERASE] =
	    "UPDATE ves SET state = 'deleted', state_reason = 'lifetime and grace ended', "
	    "updated_at = ? WHERE state = 'expired' AND expires_at <= ?",
};

static const char *const rawtable[DU__RAWTABLES] = {
	[DU_RAW] = "usage_raw",
	[DU_RAW_IP] = "usage_raw_ip",
};

/* --- bulk writes (db_exec_bulk in db.c) --- */

#define C_INT(st, f)		DB_BULK_INT(st, f)
#define C_STR(st, f, i)		DB_BULK_STR(st, f, i)
#define C_OPT(st, f, i)		DB_BULK_OPT(st, f, i)

int
db_usage_state_update_if(struct db *db, struct du_state *r, size_t n, uint64_t *affected)
{
	static const struct db_bulk_col c[] = {
		C_INT(du_state, node_id), C_INT(du_state, agent_start),
		C_INT(du_state, ve_start), C_INT(du_state, cpu_user_us),
		C_INT(du_state, cpu_sys_us), C_INT(du_state, last_t),
		C_STR(du_state, ve, ind_ve), C_INT(du_state, old_t),
		C_INT(du_state, old_agent_start), C_INT(du_state, old_ve_start),
		C_INT(du_state, old_user), C_INT(du_state, old_sys),
	};
	*affected = 0;
	return db_exec_bulk(db, sql[STMT_STATE_UPDATE_IF], r, sizeof(*r), n, c, nitems(c), affected);
}

int
db_usage_state_put(struct db *db, struct du_state *r, size_t n)
{
	static const struct db_bulk_col c[] = {
		C_STR(du_state, ve, ind_ve), C_INT(du_state, node_id),
		C_INT(du_state, agent_start), C_INT(du_state, ve_start),
		C_INT(du_state, cpu_user_us), C_INT(du_state, cpu_sys_us),
		C_INT(du_state, last_t),
	};
	return db_exec_bulk(db, sql[STMT_STATE_PUT], r, sizeof(*r), n, c, nitems(c), NULL);
}

int
db_usage_state_ip_clear(struct db *db, struct du_state *r, size_t n)
{
	static const struct db_bulk_col c[] = { C_STR(du_state, ve, ind_ve) };
	return db_exec_bulk(db, sql[STMT_STATE_IP_CLEAR], r, sizeof(*r), n, c, nitems(c), NULL);
}

int
db_usage_state_ip_put(struct db *db, struct du_ip *r, size_t n)
{
	static const struct db_bulk_col c[] = {
		C_STR(du_ip, ve, ind_ve), C_STR(du_ip, ip, ind_ip),
		C_INT(du_ip, a), C_INT(du_ip, b),
	};
	return db_exec_bulk(db, sql[STMT_STATE_IP_PUT], r, sizeof(*r), n, c, nitems(c), NULL);
}

int
db_usage_raw_put(struct db *db, struct du_raw *r, size_t n)
{
	static const struct db_bulk_col c[] = {
		C_STR(du_raw, ve, ind_ve), C_INT(du_raw, t), C_INT(du_raw, cpu_user_us),
		C_INT(du_raw, cpu_sys_us), C_OPT(du_raw, vmem, ind_vmem),
		C_OPT(du_raw, disk, ind_disk), C_INT(du_raw, net_in), C_INT(du_raw, net_out),
		C_STR(du_raw, ip, ind_ip),
	};
	for (size_t i = 0; i < n; i++)
		r[i].ind_vmem = r[i].ind_disk = !r[i].has_gauge;	/* 1: NULL */
	return db_exec_bulk(db, sql[STMT_RAW_PUT], r, sizeof(*r), n, c, nitems(c), NULL);
}

/* An address's (t, in, out) rows: usage_raw_ip and usage_ip_hour have the same columns. */
static int
ip_t_put(struct db *db, enum stmt which, struct du_ip *r, size_t n)
{
	static const struct db_bulk_col c[] = {
		C_STR(du_ip, ve, ind_ve), C_STR(du_ip, ip, ind_ip), C_INT(du_ip, t),
		C_INT(du_ip, a), C_INT(du_ip, b),
	};
	return db_exec_bulk(db, sql[which], r, sizeof(*r), n, c, nitems(c), NULL);
}

int
db_usage_raw_ip_put(struct db *db, struct du_ip *r, size_t n)
{
	return ip_t_put(db, STMT_RAW_IP_PUT, r, n);
}

int
db_usage_ip_hour_put(struct db *db, struct du_ip *r, size_t n)
{
	return ip_t_put(db, STMT_IP_HOUR_PUT, r, n);
}

int
db_usage_rollup_put(struct db *db, enum du_level lvl, struct du_roll *r, size_t n)
{
	static const struct db_bulk_col c[] = {
		C_STR(du_roll, ve, ind_ve), C_INT(du_roll, t), C_INT(du_roll, cpu_user_us),
		C_INT(du_roll, cpu_sys_us), C_INT(du_roll, net_in), C_INT(du_roll, net_out),
		C_INT(du_roll, vmem_sum), C_INT(du_roll, disk_sum), C_INT(du_roll, samples),
		C_INT(du_roll, vmem_last), C_INT(du_roll, disk_last), C_INT(du_roll, last_t),
	};
	static const enum stmt which[DU__LEVELS] = {
		[DU_MINUTE] = STMT_MINUTE_PUT, [DU_HOUR] = STMT_HOUR_PUT, [DU_DAY] = STMT_DAY_PUT,
	};
	return db_exec_bulk(db, sql[which[lvl]], r, sizeof(*r), n, c, nitems(c), NULL);
}

int
db_usage_totals_put(struct db *db, struct du_total *r, size_t n)
{
	static const struct db_bulk_col c[] = {
		C_STR(du_total, ve, ind_ve), C_INT(du_total, cpu_user_us),
		C_INT(du_total, cpu_sys_us), C_INT(du_total, net_in), C_INT(du_total, net_out),
		C_INT(du_total, vmem_last), C_INT(du_total, disk_last), C_INT(du_total, last_t),
	};
	return db_exec_bulk(db, sql[STMT_TOTALS_PUT], r, sizeof(*r), n, c, nitems(c), NULL);
}

int
db_usage_avail_put(struct db *db, struct du_avail *r, size_t n)
{
	static const struct db_bulk_col c[] = {
		C_STR(du_avail, ve, ind_ve), C_INT(du_avail, t), C_INT(du_avail, seen),
		C_INT(du_avail, up),
	};
	return db_exec_bulk(db, sql[STMT_AVAIL_PUT], r, sizeof(*r), n, c, nitems(c), NULL);
}

/* --- single statements --- */

int
db_usage_seq_lock(struct db *db, const char *owner, long long *seq)
{
	struct dbv p[] = { DBV_STR(owner) };
	struct dbo o[] = { DBO_INT(seq) };
	int rc;

	*seq = 0;
	rc = db_one(db, sql[STMT_SEQ_LOCK], p, nitems(p), o, nitems(o));
	return rc < 0 ? rc : DB_OK;
}

int
db_usage_seq_set(struct db *db, const char *owner, long long seq, long long now)
{
	struct dbv p[] = { DBV_STR(owner), DBV_INT(seq), DBV_INT(now) };
	return db_exec(db, sql[STMT_SEQ_SET], p, nitems(p), NULL, NULL);
}

int
db_usage_seq_init(struct db *db, const char *owner, long long now)
{
	struct dbv p[] = { DBV_STR(owner), DBV_INT(now) };
	return db_exec(db, sql[STMT_SEQ_INIT], p, nitems(p), NULL, NULL);
}

int
db_usage_states_get(struct db *db, char (*ve)[9], size_t n, struct du_state *st,
    size_t *nst, struct du_ip *ips, size_t cap, size_t *nip)
{
	struct dbv p[DU_STATE_CHUNK];
	struct du_state cs;
	struct du_ip ci;
	struct dbo so[] = {
		DBO_STR(cs.ve), DBO_INT(&cs.node_id), DBO_INT(&cs.agent_start),
		DBO_INT(&cs.ve_start), DBO_INT(&cs.cpu_user_us), DBO_INT(&cs.cpu_sys_us),
		DBO_INT(&cs.last_t),
	};
	struct dbo io[] = { DBO_STR(ci.ve), DBO_STR(ci.ip), DBO_INT(&ci.a), DBO_INT(&ci.b) };
	struct db_cur c;
	int rc;

	*nst = *nip = 0;
	if (n > DU_STATE_CHUNK)
		return DB_ERR;
	/* Unused places match no VE: ids are never empty. */
	for (size_t i = 0; i < DU_STATE_CHUNK; i++)
		p[i] = i < n ? DBV_STR(ve[i]) : DBV_STR("");
	if ((rc = db_query(db, &c, sql[STMT_STATE_GET], p, nitems(p), so, nitems(so))) != DB_OK)
		return rc;
	if ((rc = db_fetch_upto(&c, &cs, sizeof(cs), st, n, nst)) != DB_OK)
		return rc;
	if ((rc = db_query(db, &c, sql[STMT_STATE_IPS], p, nitems(p), io, nitems(io))) != DB_OK)
		return rc;
	while ((rc = db_next(&c)) == 1) {
		if (*nip == cap) {
			rc = DB_TRUNC;	/* never counted from a partial state */
			break;
		}
		ips[(*nip)++] = ci;
	}
	db_cur_close(&c);
	return rc < 0 ? rc : DB_OK;
}

int
db_usage_lease_renew(struct db *db, const char *owner, int lease_s)
{
	struct dbv p[] = { DBV_INT(lease_s), DBV_STR(owner) };
	struct dbv q[] = { DBV_STR(owner) };
	int rc;

	if ((rc = db_exec(db, sql[STMT_LEASE_RENEW], p, nitems(p), NULL, NULL)) != DB_OK)
		return rc;
	return db_exec(db, sql[STMT_LEASE_DROP_DISABLED], q, nitems(q), NULL, NULL);
}

int
db_usage_lease_take(struct db *db, const char *owner, long long node_id, int lease_s,
    int *got)
{
	struct dbv p[] = { DBV_STR(owner), DBV_INT(lease_s), DBV_INT(node_id), DBV_STR(owner) };
	uint64_t n = 0;
	int rc;

	rc = db_exec(db, sql[STMT_LEASE_TAKE], p, nitems(p), &n, NULL);
	*got = rc == DB_OK && n > 0;
	return rc;
}

int
db_usage_lease_release(struct db *db, const char *owner)
{
	struct dbv p[] = { DBV_STR(owner) };
	int rc;

	if ((rc = db_exec(db, sql[STMT_LEASE_RELEASE], p, nitems(p), NULL, NULL)) != DB_OK)
		return rc;
	return db_exec(db, sql[STMT_ALIVE_GONE], p, nitems(p), NULL, NULL);
}

int
db_usage_alive(struct db *db, const char *owner, int within_s, long long *live)
{
	struct dbv p[] = { DBV_STR(owner) };
	struct dbv q[] = { DBV_INT(within_s) };
	struct dbo o[] = { DBO_INT(live) };
	int rc;

	*live = 1;
	if ((rc = db_exec(db, sql[STMT_ALIVE], p, nitems(p), NULL, NULL)) != DB_OK)
		return rc;
	rc = db_one(db, sql[STMT_ALIVE_COUNT], q, nitems(q), o, nitems(o));
	return rc < 0 ? rc : DB_OK;
}

int
db_usage_lease_give(struct db *db, const char *owner, long long node_id)
{
	struct dbv p[] = { DBV_INT(node_id), DBV_STR(owner) };
	return db_exec(db, sql[STMT_LEASE_GIVE], p, nitems(p), NULL, NULL);
}

int
db_usage_nodes_open(struct db *db, struct du_nodes *q)
{
	q->o[0] = DBO_INT(&q->id);
	q->o[1] = DBO_STR(q->name);
	q->o[2] = DBO_STR(q->url);
	q->o[3] = DBO_STR(q->owner);
	q->o[4] = DBO_INT(&q->lease_until);
	q->o[5] = DBO_INT(&q->now);
	return db_query(db, &q->c, sql[STMT_NODES], NULL, 0, q->o, nitems(q->o));
}

int
db_usage_node_health(struct db *db, const char *owner, long long node_id,
    const char *state, long long last_poll, long long last_ok, long long lag_ms)
{
	struct dbv p[] = {
		DBV_STR(state), DBV_INT(last_poll), DBV_INT(last_ok),
		lag_ms >= 0 ? DBV_INT(lag_ms) : DBV_NULL, DBV_INT(node_id), DBV_STR(owner),
	};
	return db_exec(db, sql[STMT_NODE_HEALTH], p, nitems(p), NULL, NULL);
}

int
db_usage_assign_open(struct db *db, struct du_assign *q, const char *owner)
{
	struct dbv p[] = { DBV_STR(owner) };

	q->o[0] = DBO_STR(q->ve);
	q->o[1] = DBO_INT(&q->node_id);
	return db_query(db, &q->c, sql[STMT_ASSIGN], p, nitems(p), q->o, nitems(q->o));
}

int
db_usage_job_take(struct db *db, const char *name, const char *owner, int ttl_s, int *got)
{
	struct dbv pi[] = { DBV_STR(name) };
	struct dbv pt[] = { DBV_STR(owner), DBV_INT(ttl_s), DBV_STR(name), DBV_STR(owner) };
	uint64_t n = 0;
	int rc;

	*got = 0;
	if ((rc = db_exec(db, sql[STMT_JOB_INIT], pi, nitems(pi), NULL, NULL)) != DB_OK &&
	    rc != DB_RETRY)
		return rc;
	rc = db_exec(db, sql[STMT_JOB_TAKE], pt, nitems(pt), &n, NULL);
	if (rc == DB_RETRY)
		return DB_OK;	/* another took it at the same moment (maybe through another node) */
	if (rc != DB_OK)
		return rc;
	*got = n == 1;
	return DB_OK;
}

int
db_usage_job_give(struct db *db, const char *name, const char *owner)
{
	struct dbv p[] = { DBV_STR(name), DBV_STR(owner) };

	return db_exec(db, sql[STMT_JOB_GIVE], p, nitems(p), NULL, NULL);
}

int
db_usage_partitions_open(struct db *db, struct du_parts *q, enum du_rawtable t)
{
	struct dbv p[] = { DBV_STR(rawtable[t]) };

	q->o[0] = DBO_STR(q->name);
	q->o[1] = DBO_STR(q->bound);
	return db_query(db, &q->c, sql[STMT_PARTITIONS], p, nitems(p), q->o, nitems(q->o));
}

int
db_usage_partitions_add(struct db *db, enum du_rawtable t, long long from,
    long long to, long long w)
{
	struct buf b;
	int rc;

	if (w <= 0 || to <= from)
		return DB_OK;
	buf_init(&b);
	buf_printf(&b, "ALTER TABLE %s REORGANIZE PARTITION pmax INTO (", rawtable[t]);
	for (long long s = from; s < to; s += w)
		buf_printf(&b, "PARTITION p%lld VALUES LESS THAN (%lld), ", s, s + w);
	buf_puts(&b, "PARTITION pmax VALUES LESS THAN MAXVALUE)");
	rc = b.oom ? DB_ERR : db_exec_script(db, buf_cstr(&b));
	buf_free(&b);
	return rc;
}

int
db_usage_partition_drop(struct db *db, enum du_rawtable t, long long start)
{
	char q[128];

	snprintf(q, sizeof(q), "ALTER TABLE %s DROP PARTITION p%lld", rawtable[t], start);
	return db_exec_script(db, q);
}

int
db_usage_prune(struct db *db, enum du_level lvl, long long before, long long limit,
    uint64_t *deleted)
{
	struct dbv p[] = { DBV_INT(before), DBV_INT(limit) };

	*deleted = 0;
	if (lvl == DU_DAY)
		return DB_OK;	/* day rollups are kept for ever */
	return db_exec(db, sql[lvl == DU_MINUTE ? STMT_PRUNE_MINUTE : STMT_PRUNE_HOUR],
	    p, nitems(p), deleted, NULL);
}

int
db_usage_prune_avail(struct db *db, long long before, long long limit, uint64_t *deleted)
{
	struct dbv p[] = { DBV_INT(before), DBV_INT(limit) };

	*deleted = 0;
	return db_exec(db, sql[STMT_PRUNE_AVAIL], p, nitems(p), deleted, NULL);
}

int
db_usage_expire(struct db *db, long long now, uint64_t *n)
{
	struct dbv p[] = { DBV_INT(now), DBV_INT(now) };
	int rc;

	*n = 0;
	if ((rc = db_exec(db, sql[STMT_EXPIRE_AUDIT], p, nitems(p), NULL, NULL)) != DB_OK)
		return rc;
	return db_exec(db, sql[STMT_EXPIRE], p, nitems(p), n, NULL);
}

int
db_usage_erase(struct db *db, long long before, long long now, uint64_t *n)
{
	struct dbv pa[] = { DBV_INT(now), DBV_INT(before) };
	struct dbv pi[] = { DBV_INT(before) };
	int rc;

	*n = 0;
	if ((rc = db_exec(db, sql[STMT_ERASE_AUDIT], pa, nitems(pa), NULL, NULL)) != DB_OK ||
	    (rc = db_exec(db, sql[STMT_ERASE_IPS], pi, nitems(pi), NULL, NULL)) != DB_OK ||
	    (rc = db_exec(db, sql[STMT_ERASE_TOKENS], pa, nitems(pa), NULL, NULL)) != DB_OK)
		return rc;
	return db_exec(db, sql[STMT_ERASE], pa, nitems(pa), n, NULL);
}
