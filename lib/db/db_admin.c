/*
 * The operator's reads and changes; see db_admin.h.
 *
 * Every change runs in one transaction with its audit row (tx_run): the VE
 * row is locked first (SELECT ... FOR UPDATE), the rule checked on what
 * was locked, the change and its audit row written, then committed; a
 * deadlock or a lost connection retries the whole transaction a few times.
 * A change refused by its rule rolls back: nothing is written, not even an
 * audit row.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "db.h"
#include "db_admin.h"
#include "db_audit.h"
#include "db_auth.h"
#include "db_move.h"
#include "db_node.h"
#include "log.h"
#include "money.h"
#include "net.h"
#include "util.h"

enum stmt {
	S_ADMIN_HASH,
	S_VES_LIST,
	S_VES_COUNT,
	S_VE_GET,
	S_VE_LOCK,
	S_VE_PLACE,
	S_VE_IPS,
	S_VE_SET_STATE,
	S_VE_SET_NODE,
	S_IPS_RELEASE,
	S_NODE_LOCK,
	S_NODE_USE,
	S_NODE_GUAR,
	S_VE_MINIMA,
	S_NODE_HISTORY,
	S_NODE_SET_ENABLED,
	S_NODE_DELETE,
	S_NODES,
	S_SET_ACTOR,
	S_CLEAR_ACTOR,
	S_PLAN_VERSIONS,
	S_BILLING_READY,
	S_INVOICES,
	S_INVOICES_COUNT,
	S_INV_HEAD,
	S_CN_LIST,
	S_CN_COUNT,
	S_PAY_LIST,
	S_PAY_COUNT,
	S__MAX
};

/* The VE filter: state, exact id, then q as VEid prefix, e-mail, address, DNS name. */
#define VE_FROM \
	" FROM ves v JOIN accounts a ON a.id = v.account_id JOIN orders o ON o.id = v.order_id " \
	"JOIN plans p ON p.id = o.plan_id LEFT JOIN nodes n ON n.id = v.node_id " \
	"WHERE (? = '' OR v.state = ?) AND (? = '' OR v.id = ?) AND (? = '' OR v.id LIKE ? " \
	"OR a.email LIKE ? OR EXISTS (SELECT 1 FROM ip_addresses x WHERE x.ve_id = v.id " \
	"AND (x.address LIKE ? OR x.dns_name LIKE ?)))"

/* An invoice with what was credited (<= 0) and paid, and its open balance. */
#define INV_BAL \
	"SELECT i.number, i.period, i.currency, i.account_id, a.email, i.total_minor, " \
	"CAST(COALESCE((SELECT SUM(c.total_minor) FROM credit_notes c WHERE c.invoice_id = i.id), 0) AS SIGNED) AS cred, " \
	"CAST(COALESCE((SELECT SUM(p.amount_minor) FROM payments p WHERE p.invoice_id = i.id), 0) AS SIGNED) AS paid, " \
	"i.issued_at, i.due_at FROM invoices i JOIN accounts a ON a.id = i.account_id"
#define INV_FILTER \
	" WHERE (? = '' OR x.number LIKE ? OR x.email LIKE ? OR x.period = ?) AND CASE ? " \
	"WHEN 1 THEN x.total_minor + x.cred - x.paid > 0 " \
	"WHEN 2 THEN x.total_minor + x.cred - x.paid > 0 AND x.due_at < ? " \
	"WHEN 3 THEN x.total_minor + x.cred - x.paid <= 0 ELSE 1 END"

static const char *const sql[S__MAX] = {
	[S_ADMIN_HASH] = "SELECT password_hash FROM admins WHERE name = ?",
	[S_VES_LIST] = "SELECT v.id, v.state, COALESCE(n.name, ''), p.code, a.id, a.email, "
	    "v.created_at, v.expires_at, COALESCE((SELECT GROUP_CONCAT(i.address ORDER BY i.seq "
	    "SEPARATOR ' ') FROM ip_addresses i WHERE i.ve_id = v.id), '')" VE_FROM
	    " ORDER BY v.created_at DESC, v.id LIMIT ? OFFSET ?",
	[S_VES_COUNT] = "SELECT COUNT(*)" VE_FROM,
	[S_VE_GET] = "SELECT v.id, v.state, v.state_reason, a.id, a.email, a.tax_bp, o.id, p.code, "
	    "p.name, p.currency, t.name, COALESCE(n.name, ''), o.disk_quota_mb, v.created_at, "
	    "v.expires_at, v.updated_at FROM ves v JOIN accounts a ON a.id = v.account_id "
	    "JOIN orders o ON o.id = v.order_id JOIN plans p ON p.id = o.plan_id "
	    "JOIN os_templates t ON t.id = o.template_id LEFT JOIN nodes n ON n.id = v.node_id "
	    "WHERE v.id = ?",
	[S_VE_LOCK] = "SELECT state, state_reason, COALESCE(node_id, 0), order_id FROM ves "
	    "WHERE id = ? FOR UPDATE",
	[S_VE_PLACE] = "SELECT COALESCE(n.name, ''), o.disk_quota_mb FROM ves v "
	    "JOIN orders o ON o.id = v.order_id LEFT JOIN nodes n ON n.id = v.node_id WHERE v.id = ?",
	[S_VE_IPS] = "SELECT address, COALESCE(dns_name, '') FROM ip_addresses WHERE ve_id = ? "
	    "ORDER BY seq",
	[S_VE_SET_STATE] = "UPDATE ves SET state = ?, state_reason = ?, updated_at = ? WHERE id = ?",
	[S_VE_SET_NODE] = "UPDATE ves SET node_id = ?, updated_at = ? WHERE id = ?",
	[S_IPS_RELEASE] = "UPDATE ip_addresses SET ve_id = NULL, seq = NULL, dns_name = NULL "
	    "WHERE ve_id = ?",
	[S_NODE_LOCK] = "SELECT id, enabled, max_ves, disk_mb, url FROM nodes WHERE name = ? FOR UPDATE",
	[S_NODE_USE] = "SELECT COUNT(*), CAST(COALESCE(SUM(o.disk_quota_mb), 0) AS SIGNED) FROM ves v "
	    "JOIN orders o ON o.id = v.order_id WHERE v.node_id = ? AND v.state IN ('active', 'suspended')",
	/* Admission control (SPEC section 9): what the node can still guarantee, what the VE needs. */
	[S_NODE_GUAR] = "SELECT CAST(n.cpus * n.bogomips_per_cpu AS SIGNED), CAST(n.uplink_kbps AS SIGNED), "
	    "CAST(COALESCE(SUM(o.cpu_min_bogomips), 0) AS SIGNED), CAST(COALESCE(SUM(IF(o.net_in_bw_min_kbps "
	    "> 0, o.net_in_bw_min_kbps, o.net_bw_min_kbps)), 0) AS SIGNED), CAST(COALESCE(SUM(IF("
	    "o.net_out_bw_min_kbps > 0, o.net_out_bw_min_kbps, o.net_bw_min_kbps)), 0) AS SIGNED) "
	    "FROM nodes n LEFT JOIN ves v ON v.node_id = n.id AND v.state IN ('active', 'suspended') "
	    "LEFT JOIN orders o ON o.id = v.order_id WHERE n.id = ? GROUP BY n.id",
	[S_VE_MINIMA] = "SELECT o.cpu_min_bogomips, IF(o.net_in_bw_min_kbps > 0, o.net_in_bw_min_kbps, "
	    "o.net_bw_min_kbps), IF(o.net_out_bw_min_kbps > 0, o.net_out_bw_min_kbps, o.net_bw_min_kbps) "
	    "FROM ves v JOIN orders o ON o.id = v.order_id WHERE v.id = ?",
	[S_NODE_HISTORY] = "SELECT COUNT(*) FROM ves WHERE node_id = ?",
	[S_NODE_SET_ENABLED] = "UPDATE nodes SET enabled = ? WHERE id = ?",
	[S_NODE_DELETE] = "DELETE FROM nodes WHERE id = ?",
	[S_NODES] = "SELECT n.name, n.url, n.enabled, n.state, COALESCE(n.last_poll_at, 0), "
	    "COALESCE(n.last_ok_at, 0), COALESCE(n.lag_ms, -1), n.max_ves, n.disk_mb, "
	    "COALESCE(u.nves, 0), CAST(COALESCE(u.disk, 0) AS SIGNED), "
	    "(SELECT COUNT(*) FROM ves h WHERE h.node_id = n.id), COALESCE(n.lease_owner, '') "
	    "FROM nodes n LEFT JOIN (SELECT v.node_id, COUNT(*) AS nves, SUM(o.disk_quota_mb) AS disk "
	    "FROM ves v JOIN orders o ON o.id = v.order_id WHERE v.state IN ('active', 'suspended') "
	    "AND v.node_id IS NOT NULL GROUP BY v.node_id) u ON u.node_id = n.id ORDER BY n.name",
	[S_SET_ACTOR] = "SET @vep_actor = ?, @vep_now = ?",
	[S_CLEAR_ACTOR] = "SET @vep_actor = NULL, @vep_now = NULL",
	[S_PLAN_VERSIONS] = "SELECT p.code, p.name, p.currency, p.active, v.valid_from, "
	    "v.monthly_fee_minor, (SELECT COUNT(*) FROM ves x JOIN orders o ON o.id = x.order_id "
	    "WHERE o.plan_id = p.id AND x.state IN ('active', 'suspended')) "
	    "FROM plans p JOIN plan_versions v ON v.plan_id = p.id ORDER BY p.code, v.valid_from",
	[S_BILLING_READY] = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
	    "AND table_name IN ('invoices', 'invoice_lines', 'credit_notes', 'credit_note_lines', 'payments')",
	[S_INVOICES] = "SELECT x.number, x.period, x.currency, x.account_id, x.email, x.total_minor, "
	    "x.cred, x.paid, x.issued_at, x.due_at FROM (" INV_BAL ") x" INV_FILTER
	    " ORDER BY x.issued_at DESC, x.number DESC LIMIT ? OFFSET ?",
	[S_INVOICES_COUNT] = "SELECT COUNT(*) FROM (" INV_BAL ") x" INV_FILTER,
	[S_INV_HEAD] = "SELECT i.currency, a.id, a.email FROM invoices i "
	    "JOIN accounts a ON a.id = i.account_id WHERE i.number = ?",
	[S_CN_LIST] = "SELECT c.number, i.number, i.currency, c.reason, c.actor, c.total_minor, c.issued_at "
	    "FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id ORDER BY c.id DESC LIMIT ? OFFSET ?",
	[S_CN_COUNT] = "SELECT COUNT(*) FROM credit_notes",
	[S_PAY_LIST] = "SELECT '', i.number, i.currency, p.reference, p.actor, p.amount_minor, p.paid_at "
	    "FROM payments p JOIN invoices i ON i.id = p.invoice_id ORDER BY p.id DESC LIMIT ? OFFSET ?",
	[S_PAY_COUNT] = "SELECT COUNT(*) FROM payments",
};

/* ---- shared pieces ---------------------------------------------------------------- */

static void
iso(long long t, char out[21])
{
	vep_iso8601(t, out);
}

/*
 * Run fn in a transaction (db_tx: commit on ADM_OK, roll back otherwise;
 * a deadlock, a Galera certification conflict or a lost connection runs
 * it again, a few times within seconds, so the operator gets an answer
 * before the web server gives up on us).  Returns fn's enum admin_rc,
 * with database failures as ADM_EDB.
 */
static int
tx_run(struct db *db, int (*fn)(struct db *, void *), void *arg)
{
	int rc = db_tx(db, fn, arg);

	if (rc < 0 && rc > ADM_ENOENT) {
		log_warnx("%s: %s", __func__, db_strerror(rc));
		return ADM_EDB;
	}
	return rc;
}

/* ---- operators ------------------------------------------------------------------------ */

int
db_admin_hash(struct db *db, const char *name, char *hash, size_t hashlen)
{
	struct dbv p[] = { DBV_STR(name) };
	struct dbo o[] = { DBO_STRP(hash, hashlen) };

	return db_one(db, sql[S_ADMIN_HASH], p, 1, o, 1);
}

/* ---- VEs ------------------------------------------------------------------------------ */

/* The list's parameters for f: patterns are built into pat (4 x 300 bytes). */
static void
ve_params(const struct admin_ve_filter *f, char pat[4][300], struct dbv p[11])
{
	const char *q = f->q != NULL ? f->q : "", *st = f->state != NULL ? f->state : "";
	const char *id = f->ve_id != NULL ? f->ve_id : "";
	char esc[256], up[256];
	unsigned a;
	size_t i;

	for (i = 0; q[i] != '\0' && i + 1 < sizeof(up); i++)
		up[i] = q[i] >= 'a' && q[i] <= 'z' ? (char)(q[i] - 'a' + 'A') : q[i];
	up[i] = '\0';
	admin_like_escape(up, esc, sizeof(esc));
	snprintf(pat[0], 300, "%s%%", esc);			/* VEid prefix */
	admin_like_escape(q, esc, sizeof(esc));
	snprintf(pat[1], 300, "%%%s%%", esc);			/* e-mail part */
	/* A whole address matches itself; a start such as "192.0.2." its block. */
	if (ipv4_parse(q, &a) == 0 || strspn(q, "0123456789.") != strlen(q))
		snprintf(pat[2], 300, "%s", esc);
	else
		snprintf(pat[2], 300, "%s%%", esc);
	snprintf(pat[3], 300, "%%%s%%", esc);			/* DNS name part */
	p[0] = DBV_STR(st);
	p[1] = DBV_STR(st);
	p[2] = DBV_STR(id);
	p[3] = DBV_STR(id);
	p[4] = DBV_STR(q);
	p[5] = DBV_STR(pat[0]);
	p[6] = DBV_STR(pat[1]);
	p[7] = DBV_STR(pat[2]);
	p[8] = DBV_STR(pat[3]);
	p[9] = DBV_INT(f->limit);
	p[10] = DBV_INT(f->offset);
}

void
admin_ve_rows_free(struct admin_ve_row *rows, size_t n)
{
	for (size_t i = 0; rows != NULL && i < n; i++)
		free(rows[i].ips);
	free(rows);
}

int
db_admin_ves(struct db *db, const struct admin_ve_filter *f, struct admin_ve_row **rows,
    size_t *n, long long *total)
{
	enum { IPS_MAX = 1024 * 17 };	/* GROUP_CONCAT of a plan's at most 1024 addresses */
	struct admin_ve_row x, *out = NULL;
	char *ips = NULL;
	char pat[4][300];
	struct dbv p[11];
	struct db_cur c;
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	*total = 0;
	ve_params(f, pat, p);
	*total = db_count(db, sql[S_VES_COUNT], p, 9, &rc);
	if (rc < 0)
		return rc;
	if ((ips = malloc(IPS_MAX)) == NULL)
		return DB_NOMEM;
	memset(&x, 0, sizeof(x));
	struct dbo o[] = { DBO_STR(x.ve_id), DBO_STR(x.state), DBO_STR(x.node), DBO_STR(x.plan),
	    DBO_INT(&x.account_id), DBO_STR(x.email), DBO_INT(&x.created_at), DBO_INT(&x.expires_at),
	    DBO_STRP(ips, IPS_MAX) };
	if ((rc = db_query(db, &c, sql[S_VES_LIST], p, 11, o, nitems(o))) != DB_OK) {
		free(ips);
		return rc;
	}
	while ((rc = db_next(&c)) == 1) {
		if (vep_grow((void **)&out, &cap, *n + 1, sizeof(*out), 32) == -1) {
			rc = DB_NOMEM;
			break;
		}
		x.ips = strdup(ips);
		if (x.ips == NULL) {
			rc = DB_ERR;
			break;
		}
		out[(*n)++] = x;
	}
	db_cur_close(&c);
	free(ips);
	if (rc < 0) {
		admin_ve_rows_free(out, *n);
		*n = 0;
		return rc;
	}
	*rows = out;
	return DB_OK;
}

json_t *
admin_ve_row_json(const struct admin_ve_row *x)
{
	char c[21], e[21];
	json_t *ips = json_array();
	char *save = NULL, *copy;

	if (ips == NULL || (copy = strdup(x->ips != NULL ? x->ips : "")) == NULL) {
		json_decref(ips);
		return NULL;
	}
	for (char *t = strtok_r(copy, " ", &save); t != NULL; t = strtok_r(NULL, " ", &save))
		json_array_append_new(ips, json_string(t));
	free(copy);
	iso(x->created_at, c);
	iso(x->expires_at, e);
	return json_pack("{s:s, s:s, s:o, s:s, s:{s:I, s:s}, s:s, s:s, s:o}",
	    "ve_id", x->ve_id, "state", x->state,
	    "node", x->node[0] != '\0' ? json_string(x->node) : json_null(),
	    "plan", x->plan, "account", "id", (json_int_t)x->account_id, "email", x->email,
	    "created_at", c, "expires_at", e, "ips", ips);
}

int
db_admin_ve_get(struct db *db, const char *ve_id, struct admin_ve *v)
{
	memset(v, 0, sizeof(*v));
	struct dbv p[] = { DBV_STR(ve_id) };
	struct dbo o[] = { DBO_STR(v->ve_id), DBO_STR(v->state), DBO_STR(v->reason),
	    DBO_INT(&v->account_id), DBO_STR(v->email), DBO_INT(&v->tax_bp), DBO_INT(&v->order_id),
	    DBO_STR(v->plan_code), DBO_STR(v->plan_name), DBO_STR(v->currency),
	    DBO_STR(v->template_name), DBO_STR(v->node), DBO_INT(&v->disk_quota_mb),
	    DBO_INT(&v->created_at), DBO_INT(&v->expires_at), DBO_INT(&v->updated_at) };
	return db_one(db, sql[S_VE_GET], p, 1, o, nitems(o));
}

/* A VE's lifecycle change, run by tx_run. */
struct ve_change {
	enum admin_ve_op op;
	const char	*ve_id, *reason, *node, *actor;
	long long	 now;
	char		*err;
	size_t		 errlen;
};

/* The VE's state for the audit row: state, reason, node and (with ips) its addresses. */
static json_t *
ve_snapshot(struct db *db, const char *ve_id, const char *state, const char *reason,
    const char *node, int with_ips, int *rc)
{
	json_t *j = json_pack("{s:s, s:s, s:o}", "state", state, "reason", reason,
	    "node", node[0] != '\0' ? json_string(node) : json_null());
	char addr[16], dns[254];
	struct db_cur c;

	*rc = DB_OK;
	if (j == NULL) {
		*rc = DB_ERR;
		return NULL;
	}
	if (!with_ips)
		return j;
	json_t *ips = json_array();
	json_object_set_new(j, "ips", ips);
	struct dbv p[] = { DBV_STR(ve_id) };
	struct dbo o[] = { DBO_STR(addr), DBO_STR(dns) };
	if ((*rc = db_query(db, &c, sql[S_VE_IPS], p, 1, o, 2)) != DB_OK) {
		json_decref(j);
		return NULL;
	}
	while ((*rc = db_next(&c)) == 1)
		json_array_append_new(ips, json_pack("{s:s, s:o}", "address", addr,
		    "dns_name", dns[0] != '\0' ? json_string(dns) : json_null()));
	db_cur_close(&c);
	if (*rc < 0) {
		json_decref(j);
		return NULL;
	}
	*rc = DB_OK;
	return j;
}

/* Can node id guarantee the VE's CPU and bandwidth minima beside its own VEs'?  ADM_OK, ADM_ECONFLICT. */
static int
guarantees_fit(struct db *db, struct ve_change *x, long long id)
{
	long long cap = 0, up = 0, cpu = 0, bin = 0, bout = 0, vc = 0, vin = 0, vout = 0;
	int rc;
	struct dbv pn[] = { DBV_INT(id) }, pv[] = { DBV_STR(x->ve_id) };
	struct dbo on[] = { DBO_INT(&cap), DBO_INT(&up), DBO_INT(&cpu), DBO_INT(&bin), DBO_INT(&bout) };
	struct dbo ov[] = { DBO_INT(&vc), DBO_INT(&vin), DBO_INT(&vout) };

	if ((rc = db_one(db, sql[S_NODE_GUAR], pn, 1, on, nitems(on))) < 0 ||
	    (rc = db_one(db, sql[S_VE_MINIMA], pv, 1, ov, nitems(ov))) < 0)
		return rc;
	if (cap > 0 && cpu + vc > cap) {
		snprintf(x->err, x->errlen, "Node %s can guarantee %lld more bogomips; the VE's CPU "
		    "minimum is %lld.", x->node, cap - cpu > 0 ? cap - cpu : 0, vc);
		return ADM_ECONFLICT;
	}
	if (up > 0 && (bin + vin > up || bout + vout > up)) {
		snprintf(x->err, x->errlen, "Node %s's uplink can guarantee %lld kbit/s more in and "
		    "%lld out; the VE's minimum is %lld in and %lld out.", x->node,
		    up - bin > 0 ? up - bin : 0, up - bout > 0 ? up - bout : 0, vin, vout);
		return ADM_ECONFLICT;
	}
	return ADM_OK;
}

/* Is the node `name` able to take a VE of quota_mb?  Locks it.  Returns ADM_OK with *id. */
static int
node_room(struct db *db, struct ve_change *x, long long quota_mb, long long *id)
{
	long long en = 0, maxv = 0, disk = 0, nves = 0, used = 0;
	char url[256];
	int rc;
	struct dbv p[] = { DBV_STR(x->node) };
	struct dbo o[] = { DBO_INT(id), DBO_INT(&en), DBO_INT(&maxv), DBO_INT(&disk), DBO_STR(url) };

	if ((rc = db_one(db, sql[S_NODE_LOCK], p, 1, o, nitems(o))) < 0)
		return rc;
	if (rc == 0) {
		snprintf(x->err, x->errlen, "There is no node named %s.", x->node);
		return ADM_ENONODE;
	}
	if (!en) {
		snprintf(x->err, x->errlen, "Node %s is disabled; enable it first or choose another.", x->node);
		return ADM_ECONFLICT;
	}
	struct dbv pu[] = { DBV_INT(*id) };
	struct dbo ou[] = { DBO_INT(&nves), DBO_INT(&used) };
	if ((rc = db_one(db, sql[S_NODE_USE], pu, 1, ou, 2)) < 0)
		return rc;
	if (nves + 1 > maxv) {
		snprintf(x->err, x->errlen, "Node %s has no free VE slot (%lld of %lld used).",
		    x->node, nves, maxv);
		return ADM_ECONFLICT;
	}
	if (used + quota_mb > disk) {
		snprintf(x->err, x->errlen, "Node %s has %lld MB of disk left; the VE's quota is %lld MB.",
		    x->node, disk - used > 0 ? disk - used : 0, quota_mb);
		return ADM_ECONFLICT;
	}
	return guarantees_fit(db, x, *id);
}

/*
 * Each operation: its audit action; the state it needs (NULL: any) and the
 * state it leaves (NULL: the VE's, a move), already there being no change;
 * its reason (suspend: the operator's if given).
 */
static const struct ve_op {
	const char	*action, *from, *to, *reason;
} ve_ops[] = {
	[AVO_SUSPEND] = { "ve.suspend", "active", "suspended", "suspended by the operator" },
	[AVO_RESUME] = { "ve.resume", "suspended", "active", "" },
	[AVO_MOVE] = { "ve.move", NULL, NULL, NULL },
	[AVO_DELETE] = { "ve.delete", NULL, "deleted", "deleted by the operator" },
};

static int
ve_change_tx(struct db *db, void *arg)
{
	struct ve_change *x = arg;
	const struct ve_op *t = &ve_ops[x->op];
	char state[16], reason[256], node[65], nstate[16];
	const char *nreason;
	long long node_id = 0, order_id = 0, quota = 0, new_node = 0;
	json_t *before, *after;
	int rc;

	struct dbv p[] = { DBV_STR(x->ve_id) };
	struct dbo o[] = { DBO_STR(state), DBO_STR(reason), DBO_INT(&node_id), DBO_INT(&order_id) };
	if ((rc = db_one(db, sql[S_VE_LOCK], p, 1, o, nitems(o))) < 0)
		return rc;
	if (rc == 0) {
		snprintf(x->err, x->errlen, "There is no such VE.");
		return ADM_ENOENT;
	}
	struct dbo op[] = { DBO_STR(node), DBO_INT(&quota) };
	if ((rc = db_one(db, sql[S_VE_PLACE], p, 1, op, 2)) < 0)
		return rc;

	snprintf(nstate, sizeof(nstate), "%s", state);
	nreason = reason;
	if (t->to != NULL) {
		if (strcmp(state, t->to) == 0)
			return ADM_NOCHANGE;
		if (t->from != NULL && strcmp(state, t->from) != 0)
			goto conflict;
		snprintf(nstate, sizeof(nstate), "%s", t->to);
		nreason = x->op == AVO_SUSPEND && x->reason != NULL && x->reason[0] != '\0' ? x->reason :
		    t->reason;
	} else {
		if (strcmp(state, "active") != 0 && strcmp(state, "suspended") != 0)
			goto conflict;
		if (strcmp(node, x->node) == 0)
			return ADM_NOCHANGE;
		if ((rc = node_room(db, x, quota, &new_node)) != ADM_OK)
			return rc;
	}

	if ((before = ve_snapshot(db, x->ve_id, state, reason, node, x->op == AVO_DELETE, &rc)) == NULL)
		return rc;
	if (x->op == AVO_MOVE) {
		struct dbv pm[] = { DBV_INT(new_node), DBV_INT(x->now), DBV_STR(x->ve_id) };
		rc = db_exec(db, sql[S_VE_SET_NODE], pm, nitems(pm), NULL, NULL);
		/* The data follow from the node left (db_move.h). */
		if (rc == DB_OK)
			rc = db_move_begin(db, x->ve_id, node_id);
	} else {
		struct dbv ps[] = { DBV_STR(nstate), DBV_STR(nreason), DBV_INT(x->now), DBV_STR(x->ve_id) };
		rc = db_exec(db, sql[S_VE_SET_STATE], ps, nitems(ps), NULL, NULL);
	}
	if (rc == DB_OK && x->op == AVO_DELETE) {
		if ((rc = db_exec(db, sql[S_IPS_RELEASE], p, 1, NULL, NULL)) == DB_OK)
			rc = session_destroy_subject(db, "self", x->ve_id);
		/* A deleted VE's own tokens (kind 've', its VEinfo.conf) stop working. */
		if (rc == DB_OK)
			rc = db_node_ve_tokens_revoke(db, x->ve_id, x->now);
	}
	if (rc != DB_OK) {
		json_decref(before);
		return rc;
	}
	after = ve_snapshot(db, x->ve_id, nstate, nreason, x->op == AVO_MOVE ? x->node : node,
	    x->op == AVO_DELETE, &rc);
	if (after == NULL) {
		json_decref(before);
		return rc;
	}
	return db_audit_json(db, x->now, x->actor, t->action, x->ve_id, before, after);
conflict:
	if (strcmp(state, "deleted") == 0)
		snprintf(x->err, x->errlen, "The VE has been deleted.");
	else
		snprintf(x->err, x->errlen, "The VE is %s; this is not possible now.", state);
	return ADM_ECONFLICT;
}

int
db_admin_ve_change(struct db *db, enum admin_ve_op op, const char *ve_id, const char *reason,
    const char *node, const char *actor, long long now, char *err, size_t errlen)
{
	struct ve_change x = { op, ve_id, reason, node, actor, now, err, errlen };

	err[0] = '\0';
	if ((unsigned)op >= nitems(ve_ops)) {
		snprintf(err, errlen, "There is no such change.");
		return ADM_EINPUT;
	}
	return tx_run(db, ve_change_tx, &x);
}

/* ---- nodes ------------------------------------------------------------------------------ */

/* db_fetch_map's fix: the flag from the integer column (arg). */
static void
node_enabled(void *row, void *arg)
{
	((struct admin_node *)row)->enabled = *(const long long *)arg != 0;
}

int
db_admin_nodes(struct db *db, struct admin_node **rows, size_t *n)
{
	struct admin_node x;
	long long en;
	struct db_cur c;
	int rc;

	*rows = NULL;
	*n = 0;
	memset(&x, 0, sizeof(x));
	struct dbo o[] = { DBO_STR(x.name), DBO_STR(x.url), DBO_INT(&en), DBO_STR(x.state),
	    DBO_INT(&x.last_poll_at), DBO_INT(&x.last_ok_at), DBO_INT(&x.lag_ms), DBO_INT(&x.max_ves),
	    DBO_INT(&x.disk_mb), DBO_INT(&x.ves), DBO_INT(&x.disk_used_mb), DBO_INT(&x.history),
	    DBO_STR(x.poller) };
	if ((rc = db_query(db, &c, sql[S_NODES], NULL, 0, o, nitems(o))) != DB_OK)
		return rc;
	return db_fetch_map(&c, &x, sizeof(x), (void **)rows, n, node_enabled, &en);
}

struct node_change {
	const char	*name, *url, *actor;
	int		 op;		/* 0 add, 1 enable, 2 disable, 3 delete */
	long long	 now;
	char		*token, *err;
	size_t		 errlen;
};

static json_t *
node_json(const char *name, const char *url, long long enabled, long long max_ves, long long disk_mb)
{
	return json_pack("{s:s, s:s, s:b, s:I, s:I}", "name", name, "url", url, "enabled", (int)enabled,
	    "max_ves", (json_int_t)max_ves, "disk_mb", (json_int_t)disk_mb);
}

static int
node_change_tx(struct db *db, void *arg)
{
	static const char *const names[] = { "node.add", "node.enable", "node.disable", "node.delete" };
	struct node_change *x = arg;
	long long id = 0, en = 0, maxv = 0, disk = 0, hist = 0;
	char url[256];
	json_t *before = NULL, *after = NULL;
	int rc;
	struct dbv p[] = { DBV_STR(x->name) };
	struct dbo o[] = { DBO_INT(&id), DBO_INT(&en), DBO_INT(&maxv), DBO_INT(&disk), DBO_STR(url) };

	if (x->op == 0) {
		if ((rc = catalog_node_add(db, x->name, x->url, x->now, x->token, x->err,
		    x->errlen)) != 0)
			return rc == DB_EXISTS ? ADM_EEXISTS : DB_ERR;
		if ((rc = db_one(db, sql[S_NODE_LOCK], p, 1, o, nitems(o))) <= 0)
			return rc == 0 ? DB_ERR : rc;
		return db_audit_json(db, x->now, x->actor, names[0], x->name, NULL,
		    node_json(x->name, url, en, maxv, disk));
	}
	if ((rc = db_one(db, sql[S_NODE_LOCK], p, 1, o, nitems(o))) < 0)
		return rc;
	if (rc == 0) {
		snprintf(x->err, x->errlen, "There is no node named %s.", x->name);
		return ADM_ENONODE;
	}
	before = node_json(x->name, url, en, maxv, disk);
	struct dbv pi[] = { DBV_INT(id) };
	if (x->op == 1 || x->op == 2) {
		int want = x->op == 1;
		if ((en != 0) == want) {
			json_decref(before);
			return ADM_NOCHANGE;
		}
		struct dbv pe[] = { DBV_INT(want), DBV_INT(id) };
		if ((rc = db_exec(db, sql[S_NODE_SET_ENABLED], pe, 2, NULL, NULL)) != DB_OK) {
			json_decref(before);
			return rc;
		}
		after = node_json(x->name, url, want, maxv, disk);
	} else {
		hist = db_count(db, sql[S_NODE_HISTORY], pi, 1, &rc);
		if (rc < 0) {
			json_decref(before);
			return rc;
		}
		if (hist > 0) {
			json_decref(before);
			snprintf(x->err, x->errlen, "%lld VE%s named node %s (deleted ones count: they keep "
			    "their node for history); disable it instead.", hist, hist == 1 ? "" : "s",
			    x->name);
			return ADM_ECONFLICT;
		}
		rc = db_exec(db, sql[S_NODE_DELETE], pi, 1, NULL, NULL);
		if (rc == DB_FK) {
			json_decref(before);
			snprintf(x->err, x->errlen, "Node %s is still referenced; disable it instead.", x->name);
			return ADM_ECONFLICT;
		}
		if (rc != DB_OK) {
			json_decref(before);
			return rc;
		}
	}
	return db_audit_json(db, x->now, x->actor, names[x->op], x->name, before, after);
}

int
db_admin_node_add(struct db *db, const char *name, const char *url, const char *actor,
    long long now, char token[65], char *err, size_t errlen)
{
	struct node_change x = { name, url, actor, 0, now, token, err, errlen };

	err[0] = '\0';
	if (!admin_node_name_valid(name)) {
		snprintf(err, errlen, "A node name is 1 to 64 lower-case letters, digits, '-', '_' or '.'.");
		return ADM_EINPUT;
	}
	if (!admin_url_valid(url)) {
		snprintf(err, errlen, "The agent URL must be an http:// or https:// URL.");
		return ADM_EINPUT;
	}
	return tx_run(db, node_change_tx, &x);
}

int
db_admin_node_enable(struct db *db, const char *name, int enabled, const char *actor,
    long long now, char *err, size_t errlen)
{
	struct node_change x = { name, NULL, actor, enabled ? 1 : 2, now, NULL, err, errlen };

	err[0] = '\0';
	return tx_run(db, node_change_tx, &x);
}

int
db_admin_node_delete(struct db *db, const char *name, const char *actor, long long now,
    char *err, size_t errlen)
{
	struct node_change x = { name, NULL, actor, 3, now, NULL, err, errlen };

	err[0] = '\0';
	return tx_run(db, node_change_tx, &x);
}

/* ---- plans ------------------------------------------------------------------------------ */

int
db_admin_plan_import(struct db *db, json_t *plan, long long valid_from, const char *actor,
    long long now, char *err, size_t errlen)
{
	struct dbv p[] = { DBV_STR(actor), DBV_INT(now) };
	int rc;

	err[0] = '\0';
	/* The triggers of 0005_admin.sql write the audit rows inside the import's transaction. */
	if (db_exec(db, sql[S_SET_ACTOR], p, 2, NULL, NULL) != DB_OK)
		return ADM_EDB;
	rc = catalog_plan_import(db, plan, valid_from, now, err, errlen);
	if (db_exec(db, sql[S_CLEAR_ACTOR], NULL, 0, NULL, NULL) != DB_OK)
		log_warnx("%s: could not clear the audit actor", __func__);
	if (rc == -1)
		return ADM_EINPUT;
	if (rc != 0) {
		log_warnx("%s: %s", __func__, db_strerror(rc));
		return ADM_EDB;
	}
	return ADM_OK;
}

/* db_fetch_map's fix: the flag from the integer column (arg). */
static void
plan_active(void *row, void *arg)
{
	((struct admin_plan_version *)row)->active = *(const long long *)arg != 0;
}

int
db_admin_plan_versions(struct db *db, long long now, struct admin_plan_version **rows, size_t *n)
{
	struct admin_plan_version x, *out;
	long long act;
	size_t first = 0;
	struct db_cur c;
	int rc;

	*rows = NULL;
	*n = 0;
	memset(&x, 0, sizeof(x));	/* in_force 0 until the pass below */
	struct dbo o[] = { DBO_STR(x.code), DBO_STR(x.name), DBO_STR(x.currency), DBO_INT(&act),
	    DBO_INT(&x.valid_from), DBO_INT(&x.fee_minor), DBO_INT(&x.ves) };
	if ((rc = db_query(db, &c, sql[S_PLAN_VERSIONS], NULL, 0, o, nitems(o))) != DB_OK)
		return rc;
	if ((rc = db_fetch_map(&c, &x, sizeof(x), (void **)&out, n, plan_active, &act)) != DB_OK)
		return rc;
	/* Per plan: the last version from before now, else the first (it covers earlier times). */
	for (size_t i = 0; i <= *n; i++) {
		if (i < *n && strcmp(out[i].code, out[first].code) == 0)
			continue;
		size_t pick = first;
		for (size_t k = first; k < i; k++)
			if (out[k].valid_from <= now)
				pick = k;
		if (i > first)
			out[pick].in_force = 1;
		first = i;
	}
	*rows = out;
	return DB_OK;
}

/* ---- billing documents ------------------------------------------------------------------ */

int
db_admin_billing_ready(struct db *db)
{
	int rc;
	long long n = db_count(db, sql[S_BILLING_READY], NULL, 0, &rc);

	return rc < 0 ? rc : n == 5;
}

int
db_admin_invoices(struct db *db, enum admin_inv_status st, const char *q, long long now,
    long long limit, long long offset, struct admin_invoice **rows, size_t *n, long long *total)
{
	struct admin_invoice x;
	char esc[128], num[140], mail[140];
	int rc;

	*rows = NULL;
	*n = 0;
	if (q == NULL)
		q = "";
	admin_like_escape(q, esc, sizeof(esc));
	snprintf(num, sizeof(num), "%%%s%%", esc);
	snprintf(mail, sizeof(mail), "%%%s%%", esc);
	struct dbv p[] = { DBV_STR(q), DBV_STR(num), DBV_STR(mail), DBV_STR(q), DBV_INT(st),
	    DBV_INT(now), DBV_INT(limit), DBV_INT(offset) };
	*total = db_count(db, sql[S_INVOICES_COUNT], p, 6, &rc);
	if (rc < 0)
		return rc;
	memset(&x, 0, sizeof(x));
	struct dbo o[] = { DBO_STR(x.number), DBO_STR(x.period), DBO_STR(x.currency),
	    DBO_INT(&x.account_id), DBO_STR(x.email), DBO_INT(&x.total), DBO_INT(&x.credited),
	    DBO_INT(&x.paid), DBO_INT(&x.issued_at), DBO_INT(&x.due_at) };
	return db_select_all(db, sql[S_INVOICES], p, nitems(p), o, nitems(o), &x, sizeof(x),
	    (void **)rows, n);
}

int
db_admin_invoice_head(struct db *db, const char *number, char cur[4], long long *account,
    char email[255])
{
	struct dbv p[] = { DBV_STR(number) };
	struct dbo o[] = { DBO_STRP(cur, 4), DBO_INT(account), DBO_STRP(email, 255) };

	return db_one(db, sql[S_INV_HEAD], p, 1, o, nitems(o));
}

static int
docs(struct db *db, enum stmt list, enum stmt cnt, long long limit, long long offset,
    struct admin_doc **rows, size_t *n, long long *total)
{
	struct admin_doc x;
	int rc;

	*rows = NULL;
	*n = 0;
	*total = db_count(db, sql[cnt], NULL, 0, &rc);
	if (rc < 0)
		return rc;
	memset(&x, 0, sizeof(x));
	struct dbv p[] = { DBV_INT(limit), DBV_INT(offset) };
	struct dbo o[] = { DBO_STR(x.number), DBO_STR(x.invoice), DBO_STR(x.currency), DBO_STR(x.text),
	    DBO_STR(x.actor), DBO_INT(&x.amount), DBO_INT(&x.at) };
	return db_select_all(db, sql[list], p, 2, o, nitems(o), &x, sizeof(x), (void **)rows, n);
}

int
db_admin_credit_notes(struct db *db, long long limit, long long offset, struct admin_doc **rows,
    size_t *n, long long *total)
{
	return docs(db, S_CN_LIST, S_CN_COUNT, limit, offset, rows, n, total);
}

int
db_admin_payments(struct db *db, long long limit, long long offset, struct admin_doc **rows,
    size_t *n, long long *total)
{
	return docs(db, S_PAY_LIST, S_PAY_COUNT, limit, offset, rows, n, total);
}
