/*
 * db_periods: the months invoiced and the (VE, month) marks of late usage
 * (db/migrations/0007_late.sql, 0012_period_writes.sql).
 *
 * How late usage is found without re-rating every VE of every month:
 *  - an invoice run commits its month into invoiced_periods before it
 *    reads any usage (db_periods_open, from db_invoice_run_opt);
 *  - whoever stores usage (billingd's writer, through db_periods_mark_days)
 *    reads, in its own transaction and with a shared lock, whether each
 *    month it writes to is invoiced, and marks (VE, month) in usage_late if
 *    so: a write commits before the run inserts the month (the run then
 *    reads it) or sees the month and marks;
 *  - db_late_run (db_late.h) re-rates only the marked pairs.
 * Locks hold on one Galera node only, so for a past month the writer and
 * the run opening it also both write its period_writes row: the second to
 * commit through another node fails certification and runs again, seeing
 * the first.
 */
#ifndef VEP_DB_PERIODS_H
#define VEP_DB_PERIODS_H

#include <stddef.h>

struct db;
struct du_roll;

/*
 * Record that an invoice run for period ("YYYY-MM") starts, committed at
 * once (call it outside a transaction, before reading usage).  A billing_rc.
 */
int	db_periods_open(struct db *, const char *period, long long now);

/*
 * In the caller's transaction: for the usage_day rows days[0..n) about to
 * be (or just) written, mark each (VE, month) whose month is invoiced.
 * *marked counts the marks written.  Returns a db_rc (db.h).
 */
int	db_periods_mark_days(struct db *, const struct du_roll *days, size_t n, long long now,
	    size_t *marked);

#endif
