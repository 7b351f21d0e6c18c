/*
 * db_bill: what every billing module of lib/db shares, at the bottom of
 * their DAG (README "Layout"): the result codes, the audit row written in
 * the caller's transaction, the JSON shapes of times and quantities, and
 * the period and year helpers.  It calls no other billing module.
 *
 *	db_bill      codes, audit, JSON helpers
 *	db_docnum    gapless document numbers          (uses db_bill)
 *	db_versions  price versions and SLA terms       (uses db_bill)
 *	db_periods   invoiced months, late-usage marks (uses db_bill)
 *	db_charges   one VE's month rated               (db_versions)
 *	db_invoice_run  the monthly run    (db_charges' loaders, db_docnum, db_periods)
 *	db_late      late usage's notes                 (db_charges, db_docnum)
 *	db_docs      documents as JSON, one owner check
 *	db_payments  payments and credit notes          (db_docnum)
 *	db_policy    overdue VEs, traffic caps
 */
#ifndef VEP_DB_BILL_H
#define VEP_DB_BILL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

struct db;

/*
 * The billing modules' results; functions taking err fill it with one
 * sentence for the client on BILLING_EINPUT and for the operator's log on
 * BILLING_EDATA.  Read functions return JSON (jansson, the caller decrefs)
 * in the shapes of the API (SPEC section 5).
 */
enum billing_rc {
	BILLING_OK = 0,
	BILLING_EINPUT = -100,	/* the request is wrong; err says why (HTTP 422); nothing written */
	BILLING_ENOENT = -101,	/* no such VE or invoice (HTTP 404) */
	BILLING_EDB = -102,	/* the database failed or went away (HTTP 503); logged */
	BILLING_EDATA = -103,	/* stored data cannot be rated (overflow, plan without price); logged */
	BILLING_ENOMEM = -104,	/* out of memory (HTTP 503); logged */
};

#define DB_BILL_DUE_DAYS	14	/* the default payment term */

/* A credit note and its lines: issued by hand (db_payments) and for late usage (db_late). */
#define DB_BILL_CN_INSERT \
	"INSERT INTO credit_notes (number, invoice_id, reason, subtotal_minor, tax_minor, " \
	"total_minor, issued_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
#define DB_BILL_CN_LINE_INSERT \
	"INSERT INTO credit_note_lines (credit_note_id, seq, ve_id, resource, description, " \
	"amount_minor) VALUES (?, ?, ?, ?, ?, ?)"

int	 db_bill_year_of(long long t);			/* the UTC year of t */
void	 db_bill_period_str(int y, int m, char out[8]);	/* "YYYY-MM" */
json_t	*db_bill_json_iso(long long t);			/* "2026-11-22T05:00:00Z" */
void	 db_bill_date(long long t, char out[11]);	/* "2026-11-22" */
json_t	*db_bill_json_fixed6(int64_t micro);		/* "1.500000"; null if it does not fit */
/* An invoice line in the API's shape (charges, invoices). */
json_t	*db_bill_line_json(const char *kind, const char *res, int64_t qty, const char *unit,
	    int64_t price, int64_t amount);
/* A document's status from its balance: "paid", "overdue" or "open". */
const char *db_bill_doc_status(long long balance, long long due, long long now);
/*
 * Prepare statements on tables with triggers before the transaction that
 * runs them: a prepare inside it may be aborted by a conflicting write
 * from another Galera node while the server loads the triggers, which
 * spoils the table for that node (see record() in lib/db/db.c).  Outside a
 * transaction nothing can abort it; a failure here shows again, and is
 * handled, where the statement runs.
 */
void	 db_bill_warm(struct db *, const char *const *sql, size_t n);
/* A decimal SUM as text to int64; -1 when negative or past 2^63 - 1. */
int	 db_bill_sum_parse(const char *s, int64_t *v);
/* Whether a ves.state counts as active for rating. */
int	 db_bill_state_active(const char *state);
/* A db_tx outcome as a billing code: the billing codes as they are, db_rc as BILLING_EDB. */
int	 db_bill_rc(int rc);

#endif
