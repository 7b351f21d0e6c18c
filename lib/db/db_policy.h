/*
 * db_policy: the policies billingd applies to VEs from what billing knows:
 * unpaid invoices and traffic caps.  Functions return enum billing_rc
 * (db_bill.h).
 */
#ifndef VEP_DB_POLICY_H
#define VEP_DB_POLICY_H

#include <stddef.h>

#include "db_bill.h"

struct db;

/*
 * Active VEs of accounts with an invoice still unpaid `days` days after its
 * due date.  *ves is a malloc'd array of *n VEids (free it); billingd
 * suspends them when billingd.unpaid_suspend_days > 0.
 */
int	db_policy_overdue_ves(struct db *, long long now, int days, char (**ves)[9], size_t *n);

/*
 * The unpaid-invoice policy in one transaction: suspend (reason "invoice
 * unpaid") the active VEs of accounts with an invoice unpaid `days` days
 * after its due date, and resume the VEs suspended for that reason whose
 * account has none any more (paid or credited).  Audited.  billingd calls
 * it when billingd.unpaid_suspend_days > 0.
 */
int	db_policy_overdue_apply(struct db *, long long now, int days, int *suspended,
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
int	db_policy_caps_check(struct db *, long long now, long long default_kbps,
	    int *reached, int *released);

/* The throttle in force for a VE now (0: none). */
int	db_policy_cap_throttle_kbps(struct db *, const char *ve_id, long long now,
	    long long *kbps);

#endif
