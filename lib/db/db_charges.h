/*
 * db_charges: one VE's month rated, the way its charges show it and the
 * way late usage re-rates a month already invoiced (db_late.h).  The
 * invoice run rates every VE of a month at once with the same rules
 * (db_invoice_run.h).  Functions return enum billing_rc (db_bill.h).
 */
#ifndef VEP_DB_CHARGES_H
#define VEP_DB_CHARGES_H

#include <stddef.h>
#include <jansson.h>

#include "db_bill.h"
#include "rating.h"

struct db;

/*
 * A VE's charges for a month so far (up to now for the current month):
 * {"period","currency","lines":[...],"subtotal_minor","tax_minor",
 * "total_minor","availability"}; with explain, also "explain": the state
 * history, and per rated usage resource and price version the days and
 * hours behind it (their raw amounts sum exactly to the raw total the line
 * was rated from).  *rc is BILLING_OK, BILLING_ENOENT (no VE),
 * BILLING_EINPUT (a future month), BILLING_EDB, BILLING_EDATA or
 * BILLING_ENOMEM; NULL unless OK.
 */
json_t	*db_charges_json(struct db *, const char *ve_id, int year, int month,
	    long long now, int explain, int *rc, char *err, size_t errlen);

/*
 * One VE's month rated exactly as its charges are (and as the invoice run
 * rates a closed month): *lines (malloc'd, the caller frees) and *n.
 * Returns as db_charges_json.
 */
int	db_charges_ve_month_lines(struct db *, const char *ve_id, int year, int month,
	    long long now, struct rate_line **lines, size_t *n, char *err, size_t errlen);

/* What a line of a month cut by service changes carries besides itself. */
struct db_line_part {
	long long	 version_id;	/* the price version it was rated with */
	long long	 from, to;	/* its part of the month; both 0 when the month is not cut */
};

/*
 * The same, with (*parts)[k] for line k (malloc'd, the caller frees both):
 * the invoice run rates a VE whose order changed since the month began
 * this way (the month cut at each change).
 */
int	db_charges_ve_month_vlines(struct db *, const char *ve_id, int year, int month,
	    long long now, struct rate_line **lines, size_t *n, struct db_line_part **parts,
	    char *err, size_t errlen);

#endif
