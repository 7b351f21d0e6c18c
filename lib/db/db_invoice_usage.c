/* The invoice run's reading of a month's usage: see db_invoice_usage.h. */
#include <string.h>

#include "db.h"
#include "db_invoice_usage.h"
#include "log.h"
#include "rating.h"
#include "util.h"

enum stmt {
	S_HOURS,
	S_DAYS,
	S__MAX
};

/*
 * The rows of [from, to) of one rollup level for the VEs of a range of
 * accounts: each VE's rows one after the other (the VEs through the key
 * account_id of ves, in its order, each VE's rows through the primary key
 * of the level: a nested loop, no sorting).  No grouping in the server,
 * which costs it more than sending the rows (README, "Where the time
 * goes").  The VEs of the range that the run does not bill are passed over
 * by the caller's fn.
 */
#define USAGE_ROWS(table) \
	"SELECT u.ve_id, u.t, u.cpu_user_us, u.cpu_sys_us, u.vmem_sum_bytes, u.net_in_bytes, " \
	"u.net_out_bytes FROM ves v STRAIGHT_JOIN " table " u ON u.ve_id = v.id " \
	"WHERE v.account_id BETWEEN ? AND ? AND u.t >= ? AND u.t < ? ORDER BY v.account_id, v.id"

static const char *const sql[S__MAX] = {
	[S_HOURS] = USAGE_ROWS("usage_hour"),
	[S_DAYS] = USAGE_ROWS("usage_day"),
};

/*
 * The range of a row of time t: 2 * piece (the days, or the hours before
 * them) or 2 * piece + 1 (the hours after them); -1 when the other level
 * holds t, or t is outside the month.
 */
static long
range_of(const int64_t *cut, size_t n, int64_t t, int hours)
{
	size_t lo = 0, hi = n;
	int64_t da, db_;

	while (lo < hi) {	/* the first cut after t */
		size_t mid = lo + (hi - lo) / 2;
		if (cut[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || lo == n)
		return -1;
	da = rate_day_ceil(cut[lo - 1]);
	db_ = rate_day_floor(cut[lo]);
	if (!hours)
		return t >= da && t < db_ ? (long)(lo - 1) * 2 : -1;
	if (da >= db_ || t < da)
		return (long)(lo - 1) * 2;
	return t >= db_ ? (long)(lo - 1) * 2 + 1 : -1;
}

/* The rows of [lo, hi) of one level and part, each range's sums to fn as it ends. */
static int
level(struct db *db, const int64_t *cut, size_t n, int hours, int64_t lo, int64_t hi,
    int (*fn)(void *, const struct db_usage_range *), struct db_usage_part *part)
{
	struct db_cur c;
	struct db_usage_range u;
	char id[9], ve[9] = "";
	long long t, v[5];
	long key = -1, k;
	int rc, stop = 0;
	struct dbv p[] = { DBV_INT(part->acc_lo), DBV_INT(part->acc_hi), DBV_INT(lo), DBV_INT(hi) };
	struct dbo o[] = { DBO_STR(id), DBO_INT(&t), DBO_INT(&v[0]), DBO_INT(&v[1]),
	    DBO_INT(&v[2]), DBO_INT(&v[3]), DBO_INT(&v[4]) };

	if (hi <= lo)
		return DB_OK;
	memset(&u, 0, sizeof(u));
	u.ve = ve;
	if ((rc = db_query(db, &c, sql[hours ? S_HOURS : S_DAYS], p, nitems(p), o, nitems(o))) != DB_OK)
		return rc;
	while ((rc = db_next(&c)) == 1) {
		part->rows++;
		k = range_of(cut, n, t, hours);
		if (key >= 0 && (k != key || strcmp(id, ve) != 0)) {
			if ((stop = fn(part->arg, &u)) != 0)
				break;
			key = -1;
		}
		if (k < 0)
			continue;
		if (key < 0) {
			memcpy(ve, id, sizeof(ve));
			key = k;
			u.at = cut[k / 2];
			u.cpu_user_us = u.cpu_sys_us = u.vmem_byte_s = u.in_bytes = u.out_bytes = 0;
		}
		u.cpu_user_us += v[0];
		u.cpu_sys_us += v[1];
		u.vmem_byte_s += v[2];
		u.in_bytes += v[3];
		u.out_bytes += v[4];
	}
	if (rc == 0 && key >= 0)
		stop = fn(part->arg, &u);
	db_cur_close(&c);
	return stop != 0 ? stop : rc < 0 ? rc : DB_OK;
}

/* The day rows in one pass, then the hour rows of the split days. */
int
db_invoice_usage(struct db *db, const int64_t *cut, size_t n, struct db_usage_part *part,
    int (*fn)(void *, const struct db_usage_range *))
{
	int64_t from = cut[0], to = cut[n - 1];
	int rc = level(db, cut, n, 0, rate_day_ceil(from), rate_day_floor(to), fn, part);

	/* The split days: those of the cuts inside a day; consecutive ones at once. */
	for (size_t i = 0; i < n && rc == DB_OK;) {
		int64_t d0, d1;
		if (cut[i] == rate_day_floor(cut[i])) {
			i++;
			continue;
		}
		d0 = d1 = rate_day_floor(cut[i]);
		for (; i < n && rate_day_floor(cut[i]) <= d1 + 86400; i++)
			if (cut[i] != rate_day_floor(cut[i]))
				d1 = rate_day_floor(cut[i]);
		rc = level(db, cut, n, 1, d0 > from ? d0 : from, d1 + 86400 < to ? d1 + 86400 : to,
		    fn, part);
	}
	return rc;
}
