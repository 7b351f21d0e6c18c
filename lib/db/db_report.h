/*
 * db_report: what the operator reads in bulk: the dashboard's figures, the
 * audit log's pages, the reports (as lib/domain/admin_rules.h tables) and
 * the daily usage chart.  Functions return 0 or a db_rc < 0.
 */
#ifndef VEP_DB_REPORT_H
#define VEP_DB_REPORT_H

#include <stddef.h>

#include "admin_rules.h"

struct db;

/* ---- dashboard and audit log ------------------------------------------------------- */

#define ADMIN_MAX_CUR	8

struct admin_money {
	char		 currency[4];
	long long	 amount;
	long long	 count;
};

struct admin_dash {
	long long	 ves[4];		/* active, suspended, expired, deleted */
	long long	 nodes_up, nodes_failing, nodes_down, nodes_unknown, nodes_disabled;
	int		 billing;		/* billing's tables exist */
	char		 period_last[8], period_prev[8];	/* the two months before now's */
	struct admin_money invoiced_last[ADMIN_MAX_CUR], invoiced_prev[ADMIN_MAX_CUR];
	size_t		 ninvoiced_last, ninvoiced_prev;
	struct admin_money paid_this[ADMIN_MAX_CUR], paid_last[ADMIN_MAX_CUR];	/* received this / last month */
	size_t		 npaid_this, npaid_last;
	struct admin_money unpaid[ADMIN_MAX_CUR], overdue[ADMIN_MAX_CUR];
	size_t		 nunpaid, noverdue;
};
/* 0 or < 0 db_rc. */
int	db_report_dashboard(struct db *, long long now, struct admin_dash *);

struct admin_audit {
	long long	 id, at;
	char		 actor[65];
	char		 action[65];
	char		 object[65];
	char		 before[2048];		/* "" when NULL; cut at 2000 characters */
	char		 after[2048];
};
/* The newest entries (of object when not NULL).  *rows free(); 0 or < 0. */
int	db_report_audit(struct db *, const char *object, long long limit, long long offset,
	    struct admin_audit **rows, size_t *n, long long *total);

/* ---- reports ------------------------------------------------------------------------ */

/*
 * Fill t (admin_table_init'ed by this function) with report kind over
 * [from, to) (epoch seconds at 00:00 UTC), as of now:
 *   revenue: per invoice period (months overlapping the range), plan and
 *	currency: invoices, VEs, fees, overage, credits, net (before tax).
 *   usage: per VE (with its node) from usage_day: CPU milliseconds,
 *	traffic in and out bytes, average disk and virtual memory bytes.
 *   overage: every overage line of invoices for periods overlapping the range.
 *   unpaid: invoices issued in the range with an open balance now, with
 *	days overdue.
 * 0 or < 0 db_rc (t freed).
 */
int	db_report_table(struct db *, enum admin_report, long long from, long long to, long long now,
	    struct admin_table *t);

/* A day's traffic and CPU over all VEs, for the usage chart. */
struct admin_day {
	long long	 t, cpu_us, net_in, net_out;
};
/* Days in [from, to) with usage, oldest first, at most cap.  0 or < 0. */
int	db_report_usage_days(struct db *, long long from, long long to, struct admin_day *days,
	    size_t cap, size_t *n);

#endif
