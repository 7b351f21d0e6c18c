/*
 * Reinstall, backups and restore of VEs (see db_backup.h).  All SQL of the
 * module is in sql[]; each request is one db_tx transaction that locks
 * the VE's row, checks its state, records the wish and audits it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "db_audit.h"
#include "db_backup.h"
#include "db_node.h"
#include "util.h"

enum stmt {
	S_LOCK,
	S_TEMPLATE,
	S_SET_TEMPLATE,
	S_REINSTALL,
	S_BACKUP_NOW,
	S_HAS_BACKUP,
	S_RESTORE,
	S_LIST,
	S_STATE,
	S_NODE_LOCK,
	S_DEL,
	S_INS,
	S_OK,
	S_FAIL,
	S_NODE_BYTES,
	S_NODE_FIELDS,
	S_TOTALS,
	S_NODE_FAILING,
	S__MAX
};

static const char *const sql[S__MAX] = {
	[S_LOCK] =
	    "SELECT v.state, o.login, o.id FROM ves v JOIN orders o ON o.id = v.order_id"
	    " WHERE v.id = ? FOR UPDATE",
	[S_TEMPLATE] =
	    "SELECT id, login_styles FROM os_templates WHERE code = ? AND active = 1",
	[S_SET_TEMPLATE] = "UPDATE orders SET template_id = ? WHERE id = ?",
	[S_REINSTALL] =
	    "UPDATE ves SET password_hash = ?, root_crypt = ?, reinstall_seq = reinstall_seq + 1,"
	    " updated_at = ? WHERE id = ?",
	[S_BACKUP_NOW] = "UPDATE ves SET backup_seq = backup_seq + 1, updated_at = ? WHERE id = ?",
	[S_HAS_BACKUP] = "SELECT taken_at FROM ve_backups WHERE ve_id = ? AND id = ?",
	[S_RESTORE] =
	    "UPDATE ves SET restore_seq = restore_seq + 1, restore_backup = ?, updated_at = ?"
	    " WHERE id = ?",
	[S_LIST] =
	    "SELECT id, taken_at, bytes FROM ve_backups WHERE ve_id = ? ORDER BY taken_at DESC, id DESC",
	[S_STATE] =
	    "SELECT o.backup_hours, COALESCE(v.backup_ok_at, 0), COALESCE(v.backup_error_at, 0),"
	    " COALESCE(v.backup_error, ''), v.backup_seq FROM ves v JOIN orders o ON o.id = v.order_id"
	    " WHERE v.id = ?",
	[S_NODE_LOCK] =
	    "SELECT v.backup_error IS NOT NULL FROM ves v JOIN nodes n ON n.id = v.node_id"
	    " WHERE n.name = ? AND v.id = ? FOR UPDATE",
	[S_DEL] = "DELETE FROM ve_backups WHERE ve_id = ?",
	[S_INS] = "INSERT INTO ve_backups (ve_id, id, taken_at, bytes) VALUES (?, ?, ?, ?)",
	[S_OK] =
	    "UPDATE ves SET backup_ok_at = ?, backup_error = NULL, backup_error_at = NULL WHERE id = ?",
	[S_FAIL] = "UPDATE ves SET backup_error = ?, backup_error_at = ? WHERE id = ?",
	[S_NODE_BYTES] = "UPDATE nodes SET backup_bytes = ?, backup_report_at = ? WHERE name = ?",
	[S_NODE_FIELDS] =
	    "SELECT v.id, v.reinstall_seq, v.restore_seq, COALESCE(v.restore_backup, ''),"
	    " v.backup_seq, o.backup_hours FROM ves v JOIN orders o ON o.id = v.order_id"
	    " JOIN nodes n ON n.id = v.node_id"
	    " WHERE n.name = ? AND v.state IN ('active', 'suspended') ORDER BY v.id",
	[S_TOTALS] =
	    "SELECT (SELECT COALESCE(SUM(backup_bytes), 0) FROM nodes),"
	    " (SELECT COUNT(*) FROM ves WHERE backup_error IS NOT NULL"
	    "  AND state IN ('active', 'suspended'))",
	[S_NODE_FAILING] =
	    "SELECT n.backup_bytes, (SELECT COUNT(*) FROM ves v WHERE v.node_id = n.id"
	    "  AND v.backup_error IS NOT NULL AND v.state IN ('active', 'suspended'))"
	    " FROM nodes n WHERE n.name = ?",
};

/* Lock the VE; BK_NOVE, BK_SUSPENDED (unless any_state), or DB_OK with its order. */
static int
lock_ve(struct db *db, const char *ve_id, int any_state, char *login, size_t loginlen,
    long long *order_id)
{
	char state[16], lg[64];
	struct dbv p[] = { DBV_STR(ve_id) };
	struct dbo o[] = { DBO_STR(state), DBO_STR(lg), DBO_INT(order_id) };
	int rc;

	if ((rc = db_one(db, sql[S_LOCK], p, 1, o, nitems(o))) < 0)
		return rc;
	if (rc == 0)
		return BK_NOVE;
	if (login != NULL)
		snprintf(login, loginlen, "%s", lg);
	if (strcmp(state, "active") == 0 || (any_state && strcmp(state, "suspended") == 0))
		return DB_OK;
	return any_state ? BK_NOVE : BK_SUSPENDED;
}

/* 1 when every style of the comma list want is in the comma list have. */
static int
styles_cover(const char *have, const char *want)
{
	char h[100];

	if (strlen(have) > sizeof(h) - 3)
		return 0;
	snprintf(h, sizeof(h), ",%.80s,", have);
	while (*want != '\0') {
		size_t n = strcspn(want, ",");
		char w[24];

		if (n > 0 && n < sizeof(w) - 2) {
			snprintf(w, sizeof(w), ",%.*s,", (int)n, want);
			if (strstr(h, w) == NULL)
				return 0;
		}
		want += n;
		if (*want == ',')
			want++;
	}
	return 1;
}

struct reinstall {
	const char	*ve_id, *code, *hash, *crypt, *actor;
	long long	 now;
};

static int
reinstall_once(struct db *db, void *arg)
{
	const struct reinstall *x = arg;
	char login[64], styles[80];
	long long order_id = 0, tpl = 0;
	int rc;

	if ((rc = lock_ve(db, x->ve_id, 0, login, sizeof(login), &order_id)) != DB_OK)
		return rc;
	struct dbv pt[] = { DBV_STR(x->code) };
	struct dbo ot[] = { DBO_INT(&tpl), DBO_STR(styles) };
	if ((rc = db_one(db, sql[S_TEMPLATE], pt, 1, ot, nitems(ot))) < 0)
		return rc;
	if (rc == 0)
		return BK_NOTEMPLATE;
	if (!styles_cover(styles, login))
		return BK_LOGIN;
	struct dbv ps[] = { DBV_INT(tpl), DBV_INT(order_id) };
	if ((rc = db_exec(db, sql[S_SET_TEMPLATE], ps, nitems(ps), NULL, NULL)) != DB_OK)
		return rc;
	struct dbv pr[] = { DBV_STR(x->hash), DBV_STR(x->crypt), DBV_INT(x->now), DBV_STR(x->ve_id) };
	if ((rc = db_exec(db, sql[S_REINSTALL], pr, nitems(pr), NULL, NULL)) != DB_OK)
		return rc;
	return db_audit_json(db, x->now, x->actor, "ve.reinstall", x->ve_id, NULL,
	    json_pack("{s:s}", "template", x->code));
}

int
db_backup_reinstall(struct db *db, const char *ve_id, const char *template_code,
    const char *hash, const char *rootcrypt, const char *actor, long long now)
{
	struct reinstall x = { ve_id, template_code, hash, rootcrypt, actor, now };

	return db_tx(db, reinstall_once, &x);
}

struct req {
	const char	*ve_id, *id, *actor;
	long long	 now;
};

static int
now_once(struct db *db, void *arg)
{
	const struct req *x = arg;
	long long oid;
	int rc;

	if ((rc = lock_ve(db, x->ve_id, 1, NULL, 0, &oid)) != DB_OK)
		return rc;
	struct dbv p[] = { DBV_INT(x->now), DBV_STR(x->ve_id) };
	if ((rc = db_exec(db, sql[S_BACKUP_NOW], p, nitems(p), NULL, NULL)) != DB_OK)
		return rc;
	return db_audit_json(db, x->now, x->actor, "ve.backup", x->ve_id, NULL, NULL);
}

int
db_backup_now(struct db *db, const char *ve_id, const char *actor, long long now)
{
	struct req x = { ve_id, NULL, actor, now };

	return db_tx(db, now_once, &x);
}

static int
restore_once(struct db *db, void *arg)
{
	const struct req *x = arg;
	long long oid, taken = 0;
	int rc;

	if ((rc = lock_ve(db, x->ve_id, 0, NULL, 0, &oid)) != DB_OK)
		return rc;
	struct dbv ph[] = { DBV_STR(x->ve_id), DBV_STR(x->id) };
	struct dbo oh[] = { DBO_INT(&taken) };
	if ((rc = db_one(db, sql[S_HAS_BACKUP], ph, nitems(ph), oh, 1)) < 0)
		return rc;
	if (rc == 0)
		return BK_NOBACKUP;
	struct dbv p[] = { DBV_STR(x->id), DBV_INT(x->now), DBV_STR(x->ve_id) };
	if ((rc = db_exec(db, sql[S_RESTORE], p, nitems(p), NULL, NULL)) != DB_OK)
		return rc;
	return db_audit_json(db, x->now, x->actor, "ve.restore", x->ve_id, NULL,
	    json_pack("{s:s, s:I}", "backup", x->id, "taken_at", (json_int_t)taken));
}

int
db_backup_restore(struct db *db, const char *ve_id, const char *id, const char *actor,
    long long now)
{
	struct req x = { ve_id, id, actor, now };

	return db_tx(db, restore_once, &x);
}

int
db_backup_list(struct db *db, const char *ve_id, struct backup_row *rows, size_t *n,
    struct backup_state *st)
{
	struct backup_row r;
	struct db_cur cur;
	struct dbv p[] = { DBV_STR(ve_id) };
	struct dbo os[] = { DBO_INT(&st->backup_hours), DBO_INT(&st->ok_at), DBO_INT(&st->error_at),
	    DBO_STR(st->error), DBO_INT(&st->pending) };
	struct dbo o[] = { DBO_STR(r.id), DBO_INT(&r.taken_at), DBO_INT(&r.bytes) };
	int rc;

	*n = 0;
	memset(st, 0, sizeof(*st));
	if ((rc = db_one(db, sql[S_STATE], p, 1, os, nitems(os))) <= 0)
		return rc == 0 ? BK_NOVE : rc;
	memset(&r, 0, sizeof(r));
	if ((rc = db_query(db, &cur, sql[S_LIST], p, 1, o, nitems(o))) != DB_OK)
		return rc;
	return db_fetch_upto(&cur, &r, sizeof(r), rows, BACKUP_MAX, n);
}

struct report {
	const char		*node, *ve_id, *error;
	const struct backup_row	*rows;
	size_t			 n;
	long long		 repo_bytes, now;
};

static int
report_once(struct db *db, void *arg)
{
	const struct report *x = arg;
	long long failing = 0;
	int rc;

	struct dbv pl[] = { DBV_STR(x->node), DBV_STR(x->ve_id) };
	struct dbo ol[] = { DBO_INT(&failing) };
	if ((rc = db_one(db, sql[S_NODE_LOCK], pl, nitems(pl), ol, 1)) < 0)
		return rc;
	if (rc == 0)
		return BK_NOVE;
	if (x->error != NULL) {
		struct dbv pf[] = { DBV_STRN(x->error, strnlen(x->error, 255)), DBV_INT(x->now),
		    DBV_STR(x->ve_id) };
		if ((rc = db_exec(db, sql[S_FAIL], pf, nitems(pf), NULL, NULL)) != DB_OK)
			return rc;
		/* Audited (and mailed) once per failing spell, not at every retry. */
		if (failing)
			return DB_OK;
		return db_audit_json(db, x->now, x->node, "ve.backup_failed", x->ve_id, NULL,
		    json_pack("{s:s%}", "error", x->error, strnlen(x->error, 200)));
	}
	struct dbv pd[] = { DBV_STR(x->ve_id) };
	if ((rc = db_exec(db, sql[S_DEL], pd, 1, NULL, NULL)) != DB_OK)
		return rc;
	for (size_t i = 0; i < x->n; i++) {
		struct dbv pi[] = { DBV_STR(x->ve_id), DBV_STR(x->rows[i].id),
		    DBV_INT(x->rows[i].taken_at), DBV_INT(x->rows[i].bytes) };
		if ((rc = db_exec(db, sql[S_INS], pi, nitems(pi), NULL, NULL)) != DB_OK)
			return rc;
	}
	struct dbv po[] = { DBV_INT(x->now), DBV_STR(x->ve_id) };
	if ((rc = db_exec(db, sql[S_OK], po, nitems(po), NULL, NULL)) != DB_OK)
		return rc;
	struct dbv pn[] = { DBV_INT(x->repo_bytes), DBV_INT(x->now), DBV_STR(x->node) };
	return db_exec(db, sql[S_NODE_BYTES], pn, nitems(pn), NULL, NULL);
}

int
db_backup_report(struct db *db, const char *node, const char *ve_id,
    const struct backup_row *rows, size_t n, long long repo_bytes, const char *error,
    long long now)
{
	struct report x = { node, ve_id, error, rows, n, repo_bytes, now };

	return db_tx(db, report_once, &x);
}

int
db_backup_node_fields(struct db *db, const char *node, json_t *doc)
{
	json_t *ves = json_object_get(doc, "ves");
	char id[9], restore[BACKUP_ID_MAX + 1];
	long long rs = 0, ss = 0, bs = 0, hours = 0;
	struct db_cur cur;
	struct dbv p[] = { DBV_STR(node) };
	struct dbo o[] = { DBO_STR(id), DBO_INT(&rs), DBO_INT(&ss), DBO_STR(restore), DBO_INT(&bs),
	    DBO_INT(&hours) };
	size_t k = 0;
	int rc;

	if ((rc = db_query(db, &cur, sql[S_NODE_FIELDS], p, 1, o, nitems(o))) != DB_OK)
		return rc;
	/* Both lists are ordered by VE id: walk them together. */
	while ((rc = db_next(&cur)) == 1) {
		json_t *e = db_node_ve_seek(ves, &k, id);

		if (e == NULL)
			continue;
		json_object_set_new(e, "reinstall_seq", json_integer(rs));
		json_object_set_new(e, "restore_seq", json_integer(ss));
		json_object_set_new(e, "restore_backup", json_string(restore));
		json_object_set_new(e, "backup_seq", json_integer(bs));
		json_object_set_new(e, "backup_hours", json_integer(hours));
	}
	db_cur_close(&cur);
	return rc < 0 ? rc : DB_OK;
}

int
db_backup_totals(struct db *db, long long *bytes, long long *failing)
{
	struct dbo o[] = { DBO_INT(bytes), DBO_INT(failing) };
	int rc;

	*bytes = *failing = 0;
	rc = db_one(db, sql[S_TOTALS], NULL, 0, o, nitems(o));
	return rc < 0 ? rc : DB_OK;
}

int
db_backup_node(struct db *db, const char *node, long long *bytes, long long *failing)
{
	struct dbv p[] = { DBV_STR(node) };
	struct dbo o[] = { DBO_INT(bytes), DBO_INT(failing) };
	int rc;

	*bytes = *failing = 0;
	rc = db_one(db, sql[S_NODE_FAILING], p, 1, o, nitems(o));
	return rc < 0 ? rc : DB_OK;
}
