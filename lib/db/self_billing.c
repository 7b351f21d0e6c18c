/*
 * The self-maintenance screen's own billing reads: see self_billing.h.
 */
#include <string.h>

#include "db.h"
#include "self_billing.h"
#include "util.h"

enum stmt { S_CAPS, S_TRAFFIC, S__MAX };

static const char *const sql[S__MAX] = {
	[S_CAPS] =
	    "SELECT resource, reached_at, used_bytes, cap_bytes, action = 'suspend', throttle_kbps "
	    "FROM ve_caps WHERE ve_id = ? AND period = ? ORDER BY reached_at, resource",
	/* As db_policy_caps_check sums it (db_policy.c S_CAPS_USAGE). */
	[S_TRAFFIC] =
	    "SELECT CAST(COALESCE(SUM(net_in_bytes), 0) AS SIGNED), "
	    "CAST(COALESCE(SUM(net_out_bytes), 0) AS SIGNED) "
	    "FROM usage_day WHERE ve_id = ? AND t >= ? AND t < ?",
};

int
self_caps(struct db *db, const char *ve, const char *period, struct self_cap *out, size_t cap,
    size_t *n)
{
	struct db_cur c;
	struct self_cap x;
	long long suspend;
	int rc;
	struct dbv p[] = { DBV_STR(ve), DBV_STR(period) };
	struct dbo o[] = { DBO_STR(x.resource), DBO_INT(&x.reached_at), DBO_INT(&x.used_bytes),
	    DBO_INT(&x.cap_bytes), DBO_INT(&suspend), DBO_INT(&x.throttle_kbps) };

	*n = 0;
	memset(&x, 0, sizeof(x));
	if ((rc = db_query(db, &c, sql[S_CAPS], p, nitems(p), o, nitems(o))) != DB_OK)
		return rc;
	while ((rc = db_next(&c)) == 1) {
		if (*n == cap)
			continue;	/* three resources at most: cannot happen */
		x.suspend = suspend != 0;
		out[(*n)++] = x;
	}
	db_cur_close(&c);
	return rc < 0 ? rc : DB_OK;
}

int
self_month_traffic(struct db *db, const char *ve, long long from, long long to, long long *in,
    long long *out)
{
	struct dbv p[] = { DBV_STR(ve), DBV_INT(from), DBV_INT(to) };
	struct dbo o[] = { DBO_INT(in), DBO_INT(out) };
	int rc;

	*in = *out = 0;
	rc = db_one(db, sql[S_TRAFFIC], p, nitems(p), o, nitems(o));
	return rc < 0 ? rc : DB_OK;
}
