/*
 * db_late: late usage is billed, never lost.  Usage stored for a month
 * already invoiced is marked (db_periods.h); db_late_run re-rates only the
 * marked (VE, month) pairs (db_charges.h) and, per invoice, issues the
 * notes late usage causes -- debit notes (DN-YYYY-NNNNNN, gapless per
 * year like invoices, payable on their own) and credit notes (the existing
 * CN-YYYY-NNNNNN kind) -- with the per-line difference behind each, and
 * clears the marks in the same transaction, the invoice row locked first:
 * a crash leaves everything or nothing, a second run finds the marks gone
 * or the difference billed.  A mark written again while its VE was being
 * rated (n changed) stays for the next run.  lib/domain/adjust.h has the
 * arithmetic.
 */
#ifndef VEP_DB_LATE_H
#define VEP_DB_LATE_H

#include <stddef.h>

#include "db_bill.h"

struct db;

/* The most marks one db_late_run takes; the rest wait for the next. */
#define DB_LATE_MARKS_MAX	2000

/*
 * Bill the marked late usage: per invoice, a debit note and/or a credit
 * note for the difference (see adjust.h), due due_days after now, numbered
 * with the year of now; marks without a difference are cleared.  At most
 * DB_LATE_MARKS_MAX marks per call.  *debit and *credit count the notes
 * issued.  BILLING_EDATA (a month that cannot be rated) leaves that
 * invoice's marks and goes on with the others; err tells the first.  A
 * billing_rc.
 */
int	db_late_run(struct db *, long long now, int due_days, const char *actor, int *debit,
	    int *credit, char *err, size_t errlen);

#endif
