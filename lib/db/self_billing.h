/*
 * self_billing: the few reads the self-maintenance screen needs beyond
 * lib/db/db_charges.c and db_docs.c (which give charges, explanations and
 * invoices as the API shows them): the traffic caps a VE reached in a month (ve_caps, as
 * db_policy_caps_check recorded them) and its traffic in a month, summed
 * from usage_day exactly as the cap check sums it, so the numbers the
 * customer sees next to a cap are the ones the cap was decided on.
 */
#ifndef VEP_SELF_BILLING_H
#define VEP_SELF_BILLING_H

#include <stddef.h>

struct db;

/* One ve_caps row. */
struct self_cap {
	char		 resource[16];		/* traffic, traffic_in, traffic_out */
	long long	 reached_at;
	long long	 used_bytes, cap_bytes;
	int		 suspend;		/* 1: suspended; 0: throttled */
	long long	 throttle_kbps;		/* 0 unless throttled */
};

/*
 * The caps ve_id reached in period ("YYYY-MM"), oldest first, at most cap
 * of them into out; *n rows.  0 or a db_rc < 0.
 */
int	self_caps(struct db *, const char *ve_id, const char *period, struct self_cap *out,
	    size_t cap, size_t *n);

/*
 * Traffic of ve_id in the days from <= t < to (usage_day): *in and *out in
 * bytes, 0 when nothing was recorded.  0 or a db_rc < 0.
 */
int	self_month_traffic(struct db *, const char *ve_id, long long from, long long to,
	    long long *in, long long *out);

#endif
