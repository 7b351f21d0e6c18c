/*
 * db_admin: everything the operator's screens (cgi/admin/) and the
 * operator's VE and report API (cgi/api_admin.c) read and change, and the
 * audit trail of those changes.
 *
 * Every change an operator makes (a VE suspended, resumed, moved or
 * deleted, a node added, disabled, enabled or removed, a plan imported) is
 * written to audit_log with its actor, time, object and the object's state
 * before and after as JSON, in the same transaction as the change itself:
 * either both are stored or neither.  Plans are stored by
 * catalog_plan_import, which runs its own transaction; their audit rows
 * come from triggers (db/migrations/0005_admin.sql) inside it.  Billing's
 * documents (invoice runs, payments, credit notes) are audited by
 * the billing modules (db_bill.h) in the same way; callers pass the actor.
 *
 * The dashboard, the audit log's pages and the reports are db_report.h's;
 * the pure rules (dates, CSV, LIKE patterns, field syntax, report tables)
 * are lib/domain/admin_rules.h's.
 */
#ifndef VEP_DB_ADMIN_H
#define VEP_DB_ADMIN_H

#include <stddef.h>
#include <jansson.h>

struct buf;
struct db;

#include "admin_rules.h"

/* ---- results of the changes ---------------------------------------------------- */

enum admin_rc {
	ADM_OK = 0,		/* changed */
	ADM_NOCHANGE = 1,	/* already so; nothing written */
	ADM_ENOENT = -100,	/* no such VE (HTTP 404) */
	ADM_ENONODE = -101,	/* no such node (HTTP 404) */
	ADM_ECONFLICT = -102,	/* not possible in this state: deleted VE, no room, node in use (HTTP 409) */
	ADM_EINPUT = -103,	/* bad input; err says why (HTTP 422) */
	ADM_EDB = -104,		/* database failed or away (HTTP 503); logged */
	ADM_EEXISTS = -105,	/* the object exists already; err says which (HTTP 409) */
};

/* ---- operators -------------------------------------------------------------------- */

/* An operator's password hash: 1 found, 0 none, < 0 db_rc. */
int	db_admin_hash(struct db *, const char *name, char *hash, size_t hashlen);

/* ---- VEs ---------------------------------------------------------------------------- */

#define ADMIN_VE_LIMIT_MAX	1000

struct admin_ve_filter {
	const char	*q;		/* VEid prefix, e-mail part, IP address (or its start), DNS name part; NULL all */
	const char	*state;		/* active, suspended, expired, deleted; NULL all */
	const char	*ve_id;		/* exactly this VE; NULL all */
	long long	 limit, offset;
};

struct admin_ve_row {
	char		 ve_id[9];
	char		 state[16];
	char		 node[65];		/* "" when not placed */
	char		 plan[33];
	long long	 account_id;
	char		 email[255];
	long long	 created_at, expires_at;
	char		*ips;			/* space-separated, in the VE's order; owned */
};

/*
 * VEs matching f, newest first: *rows (free with admin_ve_rows_free) and
 * *n, *total the number matching without limit/offset.  0 or < 0 db_rc.
 */
int	db_admin_ves(struct db *, const struct admin_ve_filter *, struct admin_ve_row **rows,
	    size_t *n, long long *total);
void	admin_ve_rows_free(struct admin_ve_row *, size_t);
/* The API's object for a row (SPEC section 5).  New reference or NULL. */
json_t	*admin_ve_row_json(const struct admin_ve_row *);

/* One VE as the operator sees it, deleted ones included. */
struct admin_ve {
	char		 ve_id[9];
	char		 state[16];
	char		 reason[256];
	long long	 account_id;
	char		 email[255];
	long long	 tax_bp;
	long long	 order_id;
	char		 plan_code[33], plan_name[129], currency[4];
	char		 template_name[129];
	char		 node[65];		/* "" when not placed */
	long long	 disk_quota_mb;
	long long	 created_at, expires_at, updated_at;
};
/* 1 found, 0 none, < 0 db_rc. */
int	db_admin_ve_get(struct db *, const char *ve_id, struct admin_ve *);

/*
 * The lifecycle (each audited with before/after in the same transaction;
 * actor names the operator, e.g. "admin:alice" or "api"):
 *   suspend: active -> suspended with reason ("" gives "suspended by the
 *	operator"); a suspended VE is ADM_NOCHANGE; expired or deleted
 *	ADM_ECONFLICT.
 *   resume: suspended -> active; active ADM_NOCHANGE; expired or deleted
 *	ADM_ECONFLICT.
 *   move: to an enabled node with a free VE slot and disk for the VE's
 *	quota; the same node ADM_NOCHANGE; unknown node ADM_ENONODE; a
 *	disabled or full node, or an expired or deleted VE, ADM_ECONFLICT.
 *   delete: state deleted, its addresses released (ve_id, seq, dns_name
 *	NULL), its owner's sessions ended, node kept for history; a deleted
 *	VE ADM_NOCHANGE.
 * Unknown VE: ADM_ENOENT.  err gets a sentence for the client on errors.
 */
enum admin_ve_op { AVO_SUSPEND, AVO_RESUME, AVO_MOVE, AVO_DELETE };
/* reason: suspend's (NULL or ""); node: move's target; each ignored by the other operations. */
int	db_admin_ve_change(struct db *, enum admin_ve_op, const char *ve_id, const char *reason,
	    const char *node, const char *actor, long long now, char *err, size_t errlen);

/* ---- nodes ------------------------------------------------------------------------- */

struct admin_node {
	char		 name[65];
	char		 url[256];
	int		 enabled;
	char		 state[16];		/* unknown, up, failing, down (billingd) */
	long long	 last_poll_at, last_ok_at;	/* 0: never */
	long long	 lag_ms;		/* -1: unknown */
	long long	 max_ves, disk_mb;
	long long	 ves;			/* active and suspended VEs on it */
	long long	 disk_used_mb;		/* their quotas */
	long long	 history;		/* VEs of any state that name it */
	char		 poller[65];
};

/* Every node by name into *rows (free()) and *n.  0 or < 0 db_rc. */
int	db_admin_nodes(struct db *, struct admin_node **rows, size_t *n);
/*
 * Add a node (catalog_node_add), audited; its token into token[65].
 * ADM_OK, ADM_EINPUT, ADM_EEXISTS (a node of that name), ADM_EDB.
 */
int	db_admin_node_add(struct db *, const char *name, const char *url, const char *actor,
	    long long now, char token[65], char *err, size_t errlen);
/* Enable or disable a node (placement skips disabled ones), audited.  ADM_OK, ADM_NOCHANGE, ADM_ENONODE. */
int	db_admin_node_enable(struct db *, const char *name, int enabled, const char *actor,
	    long long now, char *err, size_t errlen);
/* Remove a node no VE ever named (else ADM_ECONFLICT), audited. */
int	db_admin_node_delete(struct db *, const char *name, const char *actor, long long now,
	    char *err, size_t errlen);

/* ---- plans ------------------------------------------------------------------------- */

/*
 * Import a plan (SPEC section 8 JSON) with prices valid from valid_from
 * through catalog_plan_import, audited as actor at now (0005_admin.sql's
 * triggers).  ADM_OK, ADM_EINPUT (err says why; nothing written), ADM_EDB.
 */
int	db_admin_plan_import(struct db *, json_t *plan, long long valid_from, const char *actor,
	    long long now, char *err, size_t errlen);

struct admin_plan_version {
	char		 code[33];
	char		 name[129];
	char		 currency[4];
	int		 active;
	long long	 valid_from, fee_minor, ves;
	int		 in_force;		/* the version in force at `now` */
};
/* Every plan's versions (code, valid_from order), with in_force marked. */
int	db_admin_plan_versions(struct db *, long long now, struct admin_plan_version **rows, size_t *n);

/* ---- billing documents ------------------------------------------------------------ */

/* Whether billing's tables exist (0003_billing.sql applied): 1, 0, < 0 db_rc. */
int	db_admin_billing_ready(struct db *);

struct admin_invoice {
	char		 number[25];
	char		 period[8];
	char		 currency[4];
	long long	 account_id;
	char		 email[255];
	long long	 total, credited, paid, issued_at, due_at;
};
/* unpaid: open balance; overdue: unpaid past the due date; paid: nothing open. */
enum admin_inv_status { AIS_ALL, AIS_UNPAID, AIS_OVERDUE, AIS_PAID };
/* Invoices, newest first, filtered; *total counts all matching.  0 or < 0. */
int	db_admin_invoices(struct db *, enum admin_inv_status, const char *q, long long now,
	    long long limit, long long offset, struct admin_invoice **rows, size_t *n,
	    long long *total);
/* An invoice's currency and customer (account id, e-mail): 1 found, 0 none, < 0. */
int	db_admin_invoice_head(struct db *, const char *number, char cur[4], long long *account,
	    char email[255]);

struct admin_doc {			/* a credit note or a payment */
	char		 number[25];	/* credit note's own number; "" for a payment */
	char		 invoice[25];
	char		 currency[4];
	char		 text[256];	/* reason or reference */
	char		 actor[65];
	long long	 amount;	/* total (credit note, < 0) or amount (payment) */
	long long	 at;		/* issued or paid */
};
int	db_admin_credit_notes(struct db *, long long limit, long long offset,
	    struct admin_doc **rows, size_t *n, long long *total);
int	db_admin_payments(struct db *, long long limit, long long offset,
	    struct admin_doc **rows, size_t *n, long long *total);

#endif
