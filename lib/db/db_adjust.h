/*
 * db_adjust: late usage is billed, never lost.  Every SQL statement of it
 * (db/migrations/0007_late.sql): the months invoiced, the (VE, month)
 * marks, and the notes late usage causes -- debit notes (DN-YYYY-NNNNNN,
 * gapless per year like invoices, payable on their own) and credit notes
 * (the existing CN-YYYY-NNNNNN kind) -- with the per-line difference
 * behind each.  lib/domain/adjust.h has the arithmetic.
 *
 * How late usage is found without re-rating every VE of every month:
 *  - an invoice run commits its month into invoiced_periods before it
 *    reads any usage (db_adjust_period_open, from billing_invoice_run_opt);
 *  - whoever stores usage (billingd's writer, through db_adjust_mark_days)
 *    reads, in its own transaction and with a shared lock, whether each
 *    month it writes to is invoiced, and marks (VE, month) in usage_late if
 *    so: a write commits before the run inserts the month (the run then
 *    reads it) or sees the month and marks;
 *  - db_adjust_run re-rates only the marked pairs and, per invoice, issues
 *    the notes and clears the marks in one transaction, the invoice row
 *    locked first: a crash leaves everything or nothing, a second run finds
 *    the marks gone or the difference billed.  A mark written again while
 *    its VE was being rated (n changed) stays for the next run.
 *
 * Functions returning int give enum billing_rc (db_billing.h) unless said;
 * JSON is jansson's, the caller decrefs.
 */
#ifndef VEP_DB_ADJUST_H
#define VEP_DB_ADJUST_H

#include <stddef.h>
#include <jansson.h>

struct db;
struct du_roll;

/* The most marks one db_adjust_run takes; the rest wait for the next. */
#define ADJUST_MARKS_MAX	2000

/*
 * Record that an invoice run for period ("YYYY-MM") starts, committed at
 * once (call it outside a transaction, before reading usage).
 */
int	db_adjust_period_open(struct db *, const char *period, long long now);

/*
 * In the caller's transaction: for the usage_day rows days[0..n) about to
 * be (or just) written, mark each (VE, month) whose month is invoiced.
 * *marked counts the marks written.  Returns a db_rc (db.h).
 */
int	db_adjust_mark_days(struct db *, const struct du_roll *days, size_t n, long long now,
	    size_t *marked);

/*
 * Bill the marked late usage: per invoice, a debit note and/or a credit
 * note for the difference (see adjust.h), due due_days after now, numbered
 * with the year of now; marks without a difference are cleared.  At most
 * ADJUST_MARKS_MAX marks per call.  *debit and *credit count the notes
 * issued.  BILLING_EDATA (a month that cannot be rated) leaves that
 * invoice's marks and goes on with the others; err tells the first.
 */
int	db_adjust_run(struct db *, long long now, int due_days, const char *actor, int *debit,
	    int *credit, char *err, size_t errlen);

/*
 * A debit note as JSON ("kind":"debit_note", its invoice, lines with the
 * quantities before and after, payments, balance, status).  With owner_ve
 * set, another account's note is BILLING_ENOENT.  *rc as billing_invoice_json.
 */
json_t	*db_adjust_dn_json(struct db *, const char *number, const char *owner_ve,
	    long long now, int *rc);

/*
 * Add to an invoice's JSON (billing_invoice_json) "kind":"invoice", its
 * debit notes ("debit_notes", each with its lines) and, on the credit notes
 * late usage caused, "late": true and "differences" (the lines' quantities
 * before and after).  0 or -1.
 */
int	db_adjust_invoice_json(struct db *, long long invoice_id, json_t *inv, long long now);

/*
 * Add "notes" to a VE's invoice list (billing_ve_invoices_json): the debit
 * and credit notes of its invoices, newest first, each with "kind"
 * ("debit_note" or "credit_note"), "late", its invoice and reason.  0 or -1.
 */
int	db_adjust_ve_notes_json(struct db *, const char *ve_id, long long now, json_t *out);

/*
 * A payment (amount > 0, at most the open amount) or reversal (< 0, at
 * most what was paid) on a debit note; as billing_payment_add.
 */
int	db_adjust_dn_payment(struct db *, const char *number, long long amount_minor,
	    long long paid_at, const char *reference, const char *actor, long long now,
	    long long *id, char *err, size_t errlen);

/*
 * Debit notes, newest first, for the operator: {"debit_notes":[summary...],
 * "total":N}; NULL when the database failed.
 */
json_t	*db_adjust_dn_list_json(struct db *, long long limit, long long offset, long long now);

#endif
