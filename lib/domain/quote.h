/*
 * quote: what an order will cost a month, before it is placed (issue 18),
 * by the invoices' own rating (rate_month over one whole calendar month,
 * the VE active throughout, no usage yet) and rate_totals, so the signup's
 * total and the first full month's invoice cannot disagree.  What the
 * choices cost today: the plan's fee and the disk quota above the
 * included GB (GB-months); usage above the included amounts comes on top
 * and is listed with its prices.  And what happens at a traffic cap.
 */
#ifndef VEP_QUOTE_H
#define VEP_QUOTE_H

#include <stddef.h>
#include <stdint.h>

#include "order.h"
#include "rating.h"

struct quote {
	struct rate_line	 lines[RATE_LINES_PER_VERSION];
	size_t			 n;
	int64_t			 fee, disk;	/* the fee line's and the disk overage line's amounts */
	int64_t			 subtotal, tax_bp, tax, total;
};

/*
 * The month containing now of plan p with a disk quota of disk_mb, tax at
 * tax_bp.  RATE_OK, or a negative enum rate_err (RATE_EINVAL for a quota
 * below 1 MB).
 */
int	quote_month(const struct order_plan *p, long long disk_mb, int64_t now, long long tax_bp,
	    struct quote *q);

/*
 * One sentence on the traffic cap into out: none set (o's traffic maxima
 * are 0), or at the cap throttled to the order's minimum bandwidth (or
 * default_kbps) until the month ends, or suspended until the month ends
 * (cap_action "suspend").
 */
void	quote_cap_text(const char *cap_action, const long long n[OF__MAX], long long default_kbps,
	    char *out, size_t len);

#endif
