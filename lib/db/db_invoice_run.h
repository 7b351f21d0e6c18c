/*
 * db_invoice_run: the monthly invoice run.  One invoice per account (and
 * currency) with a line per VE and charge, numbered INV-<year>-NNNNNN
 * without gaps (db_docnum.h).  Issued documents are immutable
 * (db/migrations/0003_billing.sql).  Functions return enum billing_rc
 * (db_bill.h).
 */
#ifndef VEP_DB_INVOICE_RUN_H
#define VEP_DB_INVOICE_RUN_H

#include <stddef.h>

#include "db_bill.h"

struct db;

/*
 * The month whose automatic invoice run is due at `now`: the month before
 * now's, once now >= its end + grace_s.  Returns 1 with *year, *month set,
 * or 0 when that month's grace has not passed yet.
 */
int	db_invoice_run_due_period(long long now, long long grace_s, int *year, int *month);

/*
 * Invoice a closed month: one invoice per account (and currency) with a
 * line per VE and charge, numbered INV-<year of now>-NNNNNN without gaps,
 * due due_days after now (< 0: DB_BILL_DUE_DAYS).  Accounts invoiced for
 * that month already are skipped, so running it again (or twice at once)
 * creates nothing more.  *created counts the new invoices.  BILLING_EINPUT
 * for a month that has not ended at now.  actor goes to audit_log.
 */
int	db_invoice_run_opt(struct db *, int year, int month, long long now, int due_days,
	    const char *actor, int *created, char *err, size_t errlen);
/* The same with the default due days and actor "vepctl". */
int	db_invoice_run(struct db *, int year, int month, long long now, int *created,
	    char *err, size_t errlen);
/*
 * db_invoice_run writing invoice by invoice (a lookup and an INSERT each)
 * instead of a chunk of accounts at once: the reference the batched writer
 * must match byte for byte (tests/integration/test_invoice_batch.py).
 */
int	db_invoice_run_each(struct db *, int year, int month, long long now, int due_days,
	    const char *actor, int *created, char *err, size_t errlen);

#endif
