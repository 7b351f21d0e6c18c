/*
 * db_backup: reinstall, backups and restore of VEs (SPEC section 11,
 * db/migrations/0019_backups.sql).  The panel only records wishes
 * (reinstall_seq, backup_seq, restore_seq, as power_seq) that the VE's node
 * acts on at its next sync; the node reports the backups it keeps through
 * db_backup_report.  Every request is audited in its own transaction, and
 * the audit row's trigger queues the owner's mail.
 *
 * Functions return 0 (DB_OK), a positive enum backup_rc, or < 0 (db_rc).
 */
#ifndef VEP_DB_BACKUP_H
#define VEP_DB_BACKUP_H

#include <stddef.h>

#include <jansson.h>

#include "backup.h"

struct db;

enum backup_rc {
	BK_OK = 0,
	BK_NOVE = 1,		/* no such VE (or not on that node) */
	BK_SUSPENDED,		/* not active: 409 */
	BK_NOTEMPLATE,		/* no active template of that code */
	BK_LOGIN,		/* the template cannot give the VE's login styles */
	BK_NOBACKUP,		/* no backup of that id for the VE */
};


/* The state of a VE's backups as its node last reported it. */
struct backup_state {
	long long	 backup_hours;
	long long	 ok_at;		/* 0: never */
	long long	 error_at;	/* 0: no error since the last success */
	char		 error[256];
	long long	 pending;	/* backup_seq asked for (not yet reported done) */
};

/*
 * Reinstall ve_id from template code with a new password (argon2id hash
 * and crypt(3) hash, made by the caller): the order's template and the
 * hashes change, reinstall_seq grows, audited "ve.reinstall" by actor.
 */
int	db_backup_reinstall(struct db *, const char *ve_id, const char *template_code,
	    const char *hash, const char *rootcrypt, const char *actor, long long now);
/* Ask for a backup now (backup_seq + 1), audited "ve.backup". */
int	db_backup_now(struct db *, const char *ve_id, const char *actor, long long now);
/* Restore backup id (restore_seq + 1, restore_backup), audited "ve.restore". */
int	db_backup_restore(struct db *, const char *ve_id, const char *id, const char *actor,
	    long long now);
/* The VE's backups, newest first, into rows[BACKUP_MAX]; BK_NOVE when no such VE. */
int	db_backup_list(struct db *, const char *ve_id, struct backup_row *rows, size_t *n,
	    struct backup_state *st);
/*
 * A node's report on one of its VEs: the backups its repository keeps now
 * (replacing the list) and repo_bytes, or error (not NULL) when a backup
 * failed; the first failure after a success is audited "ve.backup_failed".
 */
int	db_backup_report(struct db *, const char *node, const char *ve_id,
	    const struct backup_row *rows, size_t n, long long repo_bytes, const char *error,
	    long long now);
/*
 * Add reinstall_seq, restore_seq, restore_backup, backup_seq and
 * backup_hours to each entry of a node's VE list (db_node_ves_json's doc).
 */
int	db_backup_node_fields(struct db *, const char *node, json_t *doc);
/* Every node's repository bytes summed, and the VEs whose last backup failed. */
int	db_backup_totals(struct db *, long long *bytes, long long *failing);
/* A node's repository bytes and its VEs whose last backup failed; DB_OK or < 0. */
int	db_backup_node(struct db *, const char *node, long long *bytes, long long *failing);

#endif
