/*
 * db_billing: every SQL statement of billing.  Loads what lib/domain/rating.c
 * needs (a VE's state history from ve_state_log, its plan's versions, its
 * usage_hour rows), and issues the documents: invoices with gapless
 * numbers per year (INV-YYYY-NNNNNN), credit notes (CN-YYYY-NNNNNN),
 * payments; plus the policies billingd runs (overdue VEs, traffic caps).
 * Notes for late usage, debit notes (DN-YYYY-NNNNNN) among them, are
 * db_adjust.h's.
 * Issued documents are immutable (db/migrations/0003_billing.sql).
 *
 * Functions return enum billing_rc; those taking err fill it with one
 * sentence for the client on BILLING_EINPUT and for the operator's log on
 * BILLING_EDATA.  Read functions return JSON (jansson, the caller decrefs)
 * in the shapes of the API (SPEC section 5).
 */
#ifndef VEP_DB_BILLING_H
#define VEP_DB_BILLING_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "rating.h"

struct db;

enum billing_rc {
	BILLING_OK = 0,
	BILLING_EINPUT = -100,	/* the request is wrong; err says why (HTTP 422); nothing written */
	BILLING_ENOENT = -101,	/* no such VE or invoice (HTTP 404) */
	BILLING_EDB = -102,	/* the database failed or went away (HTTP 503); logged */
	BILLING_EDATA = -103,	/* stored data cannot be rated (overflow, plan without price); logged */
};

/*
 * The month whose automatic invoice run is due at `now`: the month before
 * now's, once now >= its end + grace_s.  Returns 1 with *year, *month set,
 * or 0 when that month's grace has not passed yet.
 */
int	billing_due_period(long long now, long long grace_s, int *year, int *month);

/*
 * Invoice a closed month: one invoice per account (and currency) with a
 * line per VE and charge, numbered INV-<year of now>-NNNNNN without gaps,
 * due due_days after now.  Accounts invoiced for that month already are
 * skipped, so running it again (or twice at once) creates nothing more.
 * *created counts the new invoices.  BILLING_EINPUT for a month that has
 * not ended at now.  actor goes to audit_log.
 */
int	billing_invoice_run_opt(struct db *, int year, int month, long long now, int due_days,
	    const char *actor, int *created, char *err, size_t errlen);
/* The same with the default due days (14) and actor "vepctl". */
int	billing_invoice_run(struct db *, int year, int month, long long now, int *created,
	    char *err, size_t errlen);

/*
 * A VE's charges for a month so far (up to now for the current month):
 * {"period","currency","lines":[...],"subtotal_minor","tax_minor",
 * "total_minor"}; with explain, also "explain": the state history, and per
 * rated usage resource and price version the days and hours behind it
 * (their raw amounts sum exactly to the raw total the line was rated from).
 * *rc is BILLING_OK, BILLING_ENOENT (no VE), BILLING_EINPUT (a future
 * month), BILLING_EDB or BILLING_EDATA; NULL unless OK.
 */
json_t	*billing_charges_json(struct db *, const char *ve_id, int year, int month,
	    long long now, int explain, int *rc, char *err, size_t errlen);

/*
 * One VE's month rated exactly as its charges are (and as the invoice run
 * rates a closed month): *lines (malloc'd, the caller frees) and *n.
 * Returns as billing_charges_json.
 */
int	billing_ve_month_lines(struct db *, const char *ve_id, int year, int month,
	    long long now, struct rate_line **lines, size_t *n, char *err, size_t errlen);

/*
 * {"invoices":[summary...], "notes":[...]}: invoices with lines of this VE,
 * newest first, and the debit and credit notes on them (db_adjust.h).
 */
json_t	*billing_ve_invoices_json(struct db *, const char *ve_id, long long now, int *rc);

/*
 * One invoice with lines, credit notes, payments, balance and status, and
 * its debit notes (db_adjust.h); a number "DN-..." gives that debit note.
 * With owner_ve set (an owner's request), a document of another account is
 * BILLING_ENOENT, exactly like one that does not exist.
 */
json_t	*billing_invoice_json(struct db *, const char *number, const char *owner_ve,
	    long long now, int *rc);

/*
 * Record a payment (amount > 0, at most the open amount) or a reversal
 * (amount < 0, at most what was paid) dated paid_at, on an invoice or (a
 * number "DN-...") a debit note.  *id is the new row.
 */
int	billing_payment_add(struct db *, const char *invoice_number, long long amount_minor,
	    long long paid_at, const char *reference, const char *actor, long long now,
	    long long *id, char *err, size_t errlen);

/*
 * A kind of document payments are recorded against: its statements (for
 * lib/db/db_adjust.c's debit notes; invoices have theirs here).  Parameters
 * and columns, in order:
 *	row	number			makes the document's writes row (INSERT IGNORE)
 *	id	number -> id		the document's id
 *	touch	id			bumps its writes row (UPDATE ... n = n + 1)
 *	open	id -> total, currency, credited (<= 0), paid
 *	mine	token -> id		a payment of this call, committed by an earlier try
 *	insert	id, amount, paid_at, reference, created_at, actor, token
 * action names the audit entry ("invoice.payment").
 */
struct billing_paydoc {
	const char	*row, *id, *touch, *open, *mine, *insert;
	const char	*action;
};

/*
 * A payment or reversal on a document of kind d, checked and written as
 * billing_payment_add says (the same checks and error texts for every
 * kind); a billing_rc.
 */
int	billing_doc_payment(struct db *, const struct billing_paydoc *d, const char *number,
	    long long amount_minor, long long paid_at, const char *reference, const char *actor,
	    long long now, long long *id, char *err, size_t errlen);

/* One line of a credit note: a negative amount, optionally for a VE on the invoice. */
struct billing_cn_line {
	char		 ve_id[9];		/* "" when not about one VE */
	enum rate_res	 res;
	long long	 amount_minor;		/* < 0 */
	char		 description[256];
};

/*
 * Issue a credit note for an invoice: tax at the invoice's rate on the
 * lines' sum, the total never more than the open amount; numbered
 * CN-<year of now>-NNNNNN without gaps, written into number[25].
 */
int	billing_credit_note(struct db *, const char *invoice_number,
	    const struct billing_cn_line *, size_t n, const char *reason, const char *actor,
	    long long now, char number[25], char *err, size_t errlen);

/*
 * Active VEs of accounts with an invoice still unpaid `days` days after its
 * due date.  *ves is a malloc'd array of *n VEids (free it); billingd
 * suspends them when billingd.unpaid_suspend_days > 0.
 */
int	billing_overdue_ves(struct db *, long long now, int days, char (**ves)[9], size_t *n);

/*
 * The unpaid-invoice policy in one transaction: suspend (reason "invoice
 * unpaid") the active VEs of accounts with an invoice unpaid `days` days
 * after its due date, and resume the VEs suspended for that reason whose
 * account has none any more (paid or credited).  Audited.  billingd calls
 * it when billingd.unpaid_suspend_days > 0.
 */
int	billing_overdue_apply(struct db *, long long now, int days, int *suspended,
	    int *resumed);

/*
 * Traffic caps: record in ve_caps every active VE whose traffic this month
 * reached net_quota_max_mb, net_in_quota_max_mb or net_out_quota_max_mb
 * (x 10^6 bytes), then apply the plan's cap_action: throttle (the agent
 * limits the VE to throttle_kbps: the ordered minimum bandwidth, else
 * default_kbps) or suspend (state 'suspended', reason "traffic cap
 * reached").  VEs suspended by a cap of an earlier month are resumed.
 * *reached and *released count the new caps and the resumed VEs.
 */
int	billing_caps_check(struct db *, long long now, long long default_kbps,
	    int *reached, int *released);

/* The throttle in force for a VE now (0: none). */
int	billing_cap_throttle_kbps(struct db *, const char *ve_id, long long now,
	    long long *kbps);

/* Small shared pieces of the billing modules (db_adjust.c too). */
int	 billing_year_of(long long t);		/* the UTC year of t */
json_t	*billing_json_iso(long long t);		/* "2026-11-22T05:00:00Z" */
json_t	*billing_json_fixed6(int64_t micro);	/* "1.500000"; null if it does not fit */
/* An audit_log row in the caller's transaction; takes the reference to after. */
int	 billing_audit(struct db *, long long now, const char *actor, const char *action,
	    const char *object, json_t *after);

#endif
