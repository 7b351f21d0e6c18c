/* Unpaid invoices and traffic caps: see db_policy.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_audit.h"
#include "db_bill.h"
#include "db_policy.h"
#include "rating.h"
#include "util.h"

enum stmt {
	S_OVERDUE,
	S_OVERDUE_SUSPEND_AUDIT,
	S_OVERDUE_SUSPEND,
	S_OVERDUE_RESUME_AUDIT,
	S_OVERDUE_RESUME,
	S_CAPS_USAGE,
	S_CAP_INSERT,
	S_CAP_SUSPEND,
	S_CAP_RELEASE_AUDIT,
	S_CAP_RELEASE,
	S_CAP_THROTTLE,
	S__MAX
};

/* Accounts with an invoice unpaid (balance > 0) and due before the parameter. */
#define OVERDUE_ACCOUNTS \
	"(SELECT i.account_id FROM invoices i WHERE i.due_at < ? AND i.total_minor " \
	"+ COALESCE((SELECT SUM(c.total_minor) FROM credit_notes c WHERE c.invoice_id = i.id), 0) " \
	"- COALESCE((SELECT SUM(p.amount_minor) FROM payments p WHERE p.invoice_id = i.id), 0) > 0)"

static const char *const sql[S__MAX] = {
	[S_OVERDUE] =
	    "SELECT id FROM ves WHERE state = 'active' AND account_id IN " OVERDUE_ACCOUNTS
	    " ORDER BY id",
	[S_OVERDUE_SUSPEND_AUDIT] =
	    "INSERT INTO audit_log (at, actor, action, object, before_json, after_json) "
	    "SELECT ?, 'billing', 've.unpaid_suspend', id, JSON_OBJECT('state', state), "
	    "JSON_OBJECT('state', 'suspended') FROM ves WHERE state = 'active' AND account_id IN "
	    OVERDUE_ACCOUNTS,
	[S_OVERDUE_SUSPEND] =
	    "UPDATE ves SET state = 'suspended', state_reason = 'invoice unpaid', updated_at = ? "
	    "WHERE state = 'active' AND account_id IN " OVERDUE_ACCOUNTS,
	[S_OVERDUE_RESUME_AUDIT] =
	    "INSERT INTO audit_log (at, actor, action, object, before_json, after_json) "
	    "SELECT ?, 'billing', 've.unpaid_resume', id, JSON_OBJECT('state', state), "
	    "JSON_OBJECT('state', 'active') FROM ves WHERE state = 'suspended' "
	    "AND state_reason = 'invoice unpaid' AND account_id NOT IN " OVERDUE_ACCOUNTS,
	[S_OVERDUE_RESUME] =
	    "UPDATE ves SET state = 'active', state_reason = '', updated_at = ? "
	    "WHERE state = 'suspended' AND state_reason = 'invoice unpaid' AND account_id NOT IN "
	    OVERDUE_ACCOUNTS,
	/* This month's traffic of capped VEs (today's day row is kept current by billingd). */
	[S_CAPS_USAGE] =
	    "SELECT v.id, o.net_quota_max_mb, o.net_in_quota_max_mb, o.net_out_quota_max_mb, "
	    "o.net_bw_min_kbps, o.net_in_bw_min_kbps, o.net_out_bw_min_kbps, p.cap_action, "
	    "CAST(SUM(u.net_in_bytes) AS CHAR), CAST(SUM(u.net_out_bytes) AS CHAR) "
	    "FROM ves v JOIN orders o ON o.id = v.order_id JOIN plans p ON p.id = o.plan_id "
	    "JOIN usage_day u ON u.ve_id = v.id AND u.t >= ? AND u.t < ? "
	    "WHERE v.state = 'active' AND (o.net_quota_max_mb > 0 OR o.net_in_quota_max_mb > 0 "
	    "OR o.net_out_quota_max_mb > 0) GROUP BY v.id",
	[S_CAP_INSERT] =
	    "INSERT IGNORE INTO ve_caps (ve_id, period, resource, reached_at, used_bytes, cap_bytes, "
	    "action, throttle_kbps) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[S_CAP_SUSPEND] =
	    "UPDATE ves SET state = 'suspended', state_reason = 'traffic cap reached', updated_at = ? "
	    "WHERE id = ? AND state = 'active'",
	[S_CAP_RELEASE_AUDIT] =
	    "INSERT INTO audit_log (at, actor, action, object, before_json, after_json) "
	    "SELECT ?, 'billing', 've.cap_release', id, JSON_OBJECT('state', state), "
	    "JSON_OBJECT('state', 'active') FROM ves WHERE state = 'suspended' "
	    "AND state_reason = 'traffic cap reached' AND id NOT IN "
	    "(SELECT ve_id FROM ve_caps WHERE period = ? AND action = 'suspend')",
	[S_CAP_RELEASE] =
	    "UPDATE ves SET state = 'active', state_reason = '', updated_at = ? "
	    "WHERE state = 'suspended' AND state_reason = 'traffic cap reached' AND id NOT IN "
	    "(SELECT ve_id FROM ve_caps WHERE period = ? AND action = 'suspend')",
	[S_CAP_THROTTLE] =
	    "SELECT COALESCE(MIN(throttle_kbps), 0) FROM ve_caps "
	    "WHERE ve_id = ? AND period = ? AND action = 'throttle'",
};


int
db_policy_overdue_ves(struct db *db, long long now, int days, char (**out)[9], size_t *n)
{
	char id[9] = "";
	struct dbv p[] = { DBV_INT(now - (long long)days * 86400) };
	struct dbo o[] = { DBO_STR(id) };

	*out = NULL;
	*n = 0;
	if (days < 0)
		return BILLING_EINPUT;
	return db_select_all(db, sql[S_OVERDUE], p, 1, o, 1, id, sizeof(id), (void **)out, n) ==
	    DB_OK ? BILLING_OK : BILLING_EDB;
}

int
db_policy_overdue_apply(struct db *db, long long now, int days, int *suspended, int *resumed)
{
	long long before = now - (long long)days * 86400;
	uint64_t ns = 0, nr = 0;
	struct dbv p[] = { DBV_INT(now), DBV_INT(before) };

	*suspended = *resumed = 0;
	if (days < 0)
		return BILLING_EINPUT;
	if (db_begin(db) != DB_OK)
		return BILLING_EDB;
	if (db_exec(db, sql[S_OVERDUE_SUSPEND_AUDIT], p, 2, NULL, NULL) != DB_OK ||
	    db_exec(db, sql[S_OVERDUE_SUSPEND], p, 2, &ns, NULL) != DB_OK ||
	    db_exec(db, sql[S_OVERDUE_RESUME_AUDIT], p, 2, NULL, NULL) != DB_OK ||
	    db_exec(db, sql[S_OVERDUE_RESUME], p, 2, &nr, NULL) != DB_OK) {
		db_rollback(db);
		return BILLING_EDB;
	}
	if (db_commit(db) != DB_OK)
		return BILLING_EDB;
	*suspended = (int)ns;
	*resumed = (int)nr;
	return BILLING_OK;
}

/* One VE over a cap; collected first so no cursor is open while we write. */
struct capped {
	char		 ve[9];
	int		 res;
	long long	 used, cap, kbps;
	int		 suspend;
};

int
db_policy_caps_check(struct db *db, long long now, long long default_kbps, int *reached,
    int *released)
{
	struct db_cur c;
	struct capped *cp = NULL;
	size_t ncp = 0, cap = 0;
	char id[9], action[16], sin[32], sout[32], period[8];
	long long qmax[3], bw[3];
	int64_t from, to, in, out;
	uint64_t aff;
	int y, m, rc;

	*reached = *released = 0;
	rate_month_of(now, &y, &m);
	rate_month_bounds(y, m, &from, &to);
	db_bill_period_str(y, m, period);
	{
		struct dbv p[] = { DBV_INT(from), DBV_INT(to) };
		struct dbo o[] = { DBO_STR(id), DBO_INT(&qmax[0]), DBO_INT(&qmax[1]),
		    DBO_INT(&qmax[2]), DBO_INT(&bw[0]), DBO_INT(&bw[1]), DBO_INT(&bw[2]),
		    DBO_STR(action), DBO_STR(sin), DBO_STR(sout) };
		if (db_query(db, &c, sql[S_CAPS_USAGE], p, 2, o, nitems(o)) != DB_OK)
			return BILLING_EDB;
		while ((rc = db_next(&c)) == 1) {
			int64_t used[3];
			if (db_bill_sum_parse(sin, &in) == -1 || db_bill_sum_parse(sout, &out) == -1)
				continue;
			used[0] = in > INT64_MAX - out ? INT64_MAX : in + out;
			used[1] = in;
			used[2] = out;
			for (int k = 0; k < 3; k++) {
				if (qmax[k] <= 0 || qmax[k] > INT64_MAX / 1000000 ||
				    used[k] < qmax[k] * 1000000)
					continue;
				if (vep_grow((void **)&cp, &cap, ncp + 1, sizeof(*cp), 16) == -1) {
					rc = -1;
					break;
				}
				struct capped *x = &cp[ncp++];
				memcpy(x->ve, id, sizeof(x->ve));
				x->res = k == 0 ? RR_TRAFFIC : k == 1 ? RR_TRAFFIC_IN : RR_TRAFFIC_OUT;
				x->used = used[k];
				x->cap = qmax[k] * 1000000;
				x->kbps = bw[k] > 0 ? bw[k] : bw[0] > 0 ? bw[0] : default_kbps;
				x->suspend = strcmp(action, "suspend") == 0;
			}
			if (rc < 0)
				break;
		}
		db_cur_close(&c);
		if (rc < 0) {
			free(cp);
			return BILLING_EDB;
		}
	}
	for (size_t i = 0; i < ncp; i++) {
		struct capped *x = &cp[i];
		const char *act = x->suspend ? "suspend" : "throttle";
		if (db_begin(db) != DB_OK)
			goto fail;
		struct dbv p[] = { DBV_STR(x->ve), DBV_STR(period), DBV_STR(rate_res_name(x->res)),
		    DBV_INT(now), DBV_INT(x->used), DBV_INT(x->cap), DBV_STR(act),
		    DBV_INT(x->suspend ? 0 : x->kbps) };
		aff = 0;
		if (db_exec(db, sql[S_CAP_INSERT], p, nitems(p), &aff, NULL) != DB_OK)
			goto fail_tx;
		if (aff == 0) {
			db_rollback(db);
			continue;	/* recorded before */
		}
		if (x->suspend) {
			struct dbv q[] = { DBV_INT(now), DBV_STR(x->ve) };
			if (db_exec(db, sql[S_CAP_SUSPEND], q, 2, NULL, NULL) != DB_OK)
				goto fail_tx;
		}
		if (db_audit_json(db, now, "billing", x->suspend ? "ve.cap_suspend" : "ve.cap_throttle",
		    x->ve, NULL, json_pack("{s:s, s:I, s:I, s:I}", "resource", rate_res_name(x->res),
		    "used_bytes", (json_int_t)x->used, "cap_bytes", (json_int_t)x->cap,
		    "throttle_kbps", (json_int_t)(x->suspend ? 0 : x->kbps))) != DB_OK)
			goto fail_tx;
		if (db_commit(db) != DB_OK)
			goto fail;
		(*reached)++;
	}
	free(cp);
	cp = NULL;
	/* A new month lifts last month's cap suspensions. */
	if (db_begin(db) != DB_OK)
		return BILLING_EDB;
	{
		struct dbv p[] = { DBV_INT(now), DBV_STR(period) };
		if (db_exec(db, sql[S_CAP_RELEASE_AUDIT], p, 2, NULL, NULL) != DB_OK ||
		    db_exec(db, sql[S_CAP_RELEASE], p, 2, &aff, NULL) != DB_OK)
			goto fail_tx;
	}
	if (db_commit(db) != DB_OK)
		return BILLING_EDB;
	*released = (int)aff;
	return BILLING_OK;
fail_tx:
	db_rollback(db);
fail:
	free(cp);
	return BILLING_EDB;
}

int
db_policy_cap_throttle_kbps(struct db *db, const char *ve, long long now, long long *kbps)
{
	char period[8];
	int y, m;

	rate_month_of(now, &y, &m);
	db_bill_period_str(y, m, period);
	struct dbv p[] = { DBV_STR(ve), DBV_STR(period) };
	struct dbo o[] = { DBO_INT(kbps) };
	*kbps = 0;
	return db_one(db, sql[S_CAP_THROTTLE], p, 2, o, 1) < 0 ? BILLING_EDB : BILLING_OK;
}
