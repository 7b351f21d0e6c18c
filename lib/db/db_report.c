/*
 * The operator's dashboard, audit log pages and reports: see db_report.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "db_admin.h"
#include "db_report.h"
#include "money.h"
#include "util.h"

enum stmt {
	S_DASH_VES,
	S_DASH_NODES,
	S_DASH_INVOICED,
	S_DASH_PAID,
	S_DASH_UNPAID,
	S_AUDIT_ALL,
	S_AUDIT_ALL_COUNT,
	S_AUDIT_OBJ,
	S_AUDIT_OBJ_COUNT,
	S_REP_REVENUE,
	S_REP_USAGE,
	S_REP_OVERAGE,
	S_REP_UNPAID,
	S_USAGE_DAYS,
	S__MAX
};

/* An invoice with what was credited (<= 0) and paid, and its open balance. */
#define INV_BAL \
	"SELECT i.number, i.period, i.currency, i.account_id, a.email, i.total_minor, " \
	"CAST(COALESCE((SELECT SUM(c.total_minor) FROM credit_notes c WHERE c.invoice_id = i.id), 0) AS SIGNED) AS cred, " \
	"CAST(COALESCE((SELECT SUM(p.amount_minor) FROM payments p WHERE p.invoice_id = i.id), 0) AS SIGNED) AS paid, " \
	"i.issued_at, i.due_at FROM invoices i JOIN accounts a ON a.id = i.account_id"

static const char *const sql[S__MAX] = {
	[S_DASH_VES] = "SELECT state, COUNT(*) FROM ves GROUP BY state",
	[S_DASH_NODES] = "SELECT enabled, state, COUNT(*) FROM nodes GROUP BY enabled, state",
	[S_DASH_INVOICED] = "SELECT currency, CAST(SUM(total_minor) AS SIGNED), COUNT(*) FROM invoices "
	    "WHERE period = ? GROUP BY currency ORDER BY currency",
	[S_DASH_PAID] = "SELECT i.currency, CAST(SUM(p.amount_minor) AS SIGNED), COUNT(*) FROM payments p "
	    "JOIN invoices i ON i.id = p.invoice_id WHERE p.paid_at >= ? AND p.paid_at < ? "
	    "GROUP BY i.currency ORDER BY i.currency",
	[S_DASH_UNPAID] = "SELECT x.currency, CAST(SUM(x.total_minor + x.cred - x.paid) AS SIGNED), COUNT(*), "
	    "CAST(SUM(IF(x.due_at < ?, x.total_minor + x.cred - x.paid, 0)) AS SIGNED), "
	    "CAST(SUM(x.due_at < ?) AS SIGNED) FROM (" INV_BAL ") x "
	    "WHERE x.total_minor + x.cred - x.paid > 0 GROUP BY x.currency ORDER BY x.currency",
	[S_AUDIT_ALL] = "SELECT id, at, actor, action, object, COALESCE(LEFT(before_json, 2000), ''), "
	    "COALESCE(LEFT(after_json, 2000), '') FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?",
	[S_AUDIT_ALL_COUNT] = "SELECT COUNT(*) FROM audit_log",
	[S_AUDIT_OBJ] = "SELECT id, at, actor, action, object, COALESCE(LEFT(before_json, 2000), ''), "
	    "COALESCE(LEFT(after_json, 2000), '') FROM audit_log WHERE object = ? "
	    "ORDER BY id DESC LIMIT ? OFFSET ?",
	[S_AUDIT_OBJ_COUNT] = "SELECT COUNT(*) FROM audit_log WHERE object = ?",
	/*
	 * Fees and overage by the plan of the line's price version; credits
	 * by the plan of the VE they name ("" when they name none).  Months
	 * overlapping [from, to).
	 */
	[S_REP_REVENUE] = "SELECT x.period, x.plan, x.currency, COUNT(DISTINCT x.inv), "
	    "COUNT(DISTINCT x.ve), CAST(SUM(x.fee) AS SIGNED), CAST(SUM(x.ov) AS SIGNED), "
	    "CAST(SUM(x.cr) AS SIGNED) FROM ("
	    "SELECT i.period, COALESCE(p.code, '') AS plan, i.currency, i.id AS inv, l.ve_id AS ve, "
	    "IF(l.kind = 'fee', l.amount_minor, 0) AS fee, IF(l.kind = 'overage', l.amount_minor, 0) AS ov, "
	    "0 AS cr FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id "
	    "LEFT JOIN plan_versions pv ON pv.id = l.plan_version_id LEFT JOIN plans p ON p.id = pv.plan_id "
	    "WHERE i.period_from < ? AND i.period_to > ? "
	    "UNION ALL SELECT i.period, COALESCE(p.code, ''), i.currency, NULL, NULL, 0, 0, cl.amount_minor "
	    "FROM credit_note_lines cl JOIN credit_notes c ON c.id = cl.credit_note_id "
	    "JOIN invoices i ON i.id = c.invoice_id LEFT JOIN ves v ON v.id = cl.ve_id "
	    "LEFT JOIN orders o ON o.id = v.order_id LEFT JOIN plans p ON p.id = o.plan_id "
	    "WHERE i.period_from < ? AND i.period_to > ? "
	    /* Debit notes for late usage (db_late.h) add to their invoice's month. */
	    "UNION ALL SELECT i.period, COALESCE(p.code, ''), i.currency, NULL, NULL, "
	    "IF(dl.resource = 'fee', dl.amount_minor, 0), IF(dl.resource = 'fee', 0, dl.amount_minor), 0 "
	    "FROM debit_note_lines dl JOIN debit_notes d ON d.id = dl.debit_note_id "
	    "JOIN invoices i ON i.id = d.invoice_id LEFT JOIN ves v ON v.id = dl.ve_id "
	    "LEFT JOIN orders o ON o.id = v.order_id LEFT JOIN plans p ON p.id = o.plan_id "
	    "WHERE i.period_from < ? AND i.period_to > ?) x "
	    "GROUP BY x.period, x.plan, x.currency ORDER BY x.period, x.plan, x.currency",
	/* Sums as text: a five-year sum of byte-seconds does not fit 64 bits before the division. */
	[S_REP_USAGE] = "SELECT u.ve_id, COALESCE(n.name, ''), "
	    "CAST(SUM(u.cpu_user_us + u.cpu_sys_us) DIV 1000 AS CHAR), CAST(SUM(u.net_in_bytes) AS CHAR), "
	    "CAST(SUM(u.net_out_bytes) AS CHAR), "
	    "CAST(IF(SUM(u.samples) = 0, 0, (SUM(u.disk_sum_bytes) + SUM(u.samples) DIV 2) DIV SUM(u.samples)) AS CHAR), "
	    "CAST(IF(SUM(u.samples) = 0, 0, (SUM(u.vmem_sum_bytes) + SUM(u.samples) DIV 2) DIV SUM(u.samples)) AS CHAR) "
	    "FROM usage_day u LEFT JOIN ves v ON v.id = u.ve_id LEFT JOIN nodes n ON n.id = v.node_id "
	    "WHERE u.t >= ? AND u.t < ? GROUP BY u.ve_id, n.name ORDER BY n.name, u.ve_id",
	[S_REP_OVERAGE] = "SELECT i.period, i.number, l.ve_id, COALESCE(p.code, ''), l.resource, "
	    "l.quantity_micro, l.unit, l.unit_price_minor, l.amount_minor, i.currency FROM invoice_lines l "
	    "JOIN invoices i ON i.id = l.invoice_id LEFT JOIN plan_versions pv ON pv.id = l.plan_version_id "
	    "LEFT JOIN plans p ON p.id = pv.plan_id WHERE l.kind = 'overage' AND i.period_from < ? "
	    "AND i.period_to > ? ORDER BY i.period, i.number, l.seq",
	[S_REP_UNPAID] = "SELECT x.number, x.period, x.account_id, x.email, x.issued_at, x.due_at, "
	    "x.total_minor, x.cred, x.paid, x.currency FROM (" INV_BAL ") x "
	    "WHERE x.issued_at >= ? AND x.issued_at < ? AND x.total_minor + x.cred - x.paid > 0 "
	    "ORDER BY x.due_at, x.number",
	[S_USAGE_DAYS] = "SELECT t, CAST(SUM(cpu_user_us + cpu_sys_us) AS SIGNED), "
	    "CAST(SUM(net_in_bytes) AS SIGNED), CAST(SUM(net_out_bytes) AS SIGNED) FROM usage_day "
	    "WHERE t >= ? AND t < ? GROUP BY t ORDER BY t LIMIT ?",
};

/* Money as the report shows it: exact, in the major unit. */
static void
money_cell(long long minor, const char *cur, char *out, size_t len)
{
	if (money_format(minor, cur, out, len) < 0)
		snprintf(out, len, "%lld", minor);
}

/* ---- dashboard and audit log ---------------------------------------------------------- */

/* Rows of (currency, amount, count) into m[ADMIN_MAX_CUR]. */
static int
money_rows(struct db *db, enum stmt s, const struct dbv *p, size_t np, struct admin_money *m,
    size_t *n)
{
	struct admin_money x;
	struct db_cur c;
	int rc;

	*n = 0;
	memset(&x, 0, sizeof(x));
	struct dbo o[] = { DBO_STR(x.currency), DBO_INT(&x.amount), DBO_INT(&x.count) };
	if ((rc = db_query(db, &c, sql[s], p, np, o, nitems(o))) != DB_OK)
		return rc;
	return db_fetch_upto(&c, &x, sizeof(x), m, ADMIN_MAX_CUR, n);
}

static void
month_start(long long t, int back, long long *start, char period[8])
{
	time_t tt = (time_t)t;
	struct tm tm;
	long long y, m;

	gmtime_r(&tt, &tm);
	y = tm.tm_year + 1900;
	m = tm.tm_mon + 1 - back;
	while (m < 1) {
		m += 12;
		y--;
	}
	*start = vep_days_from_civil(y, (unsigned)m, 1) * 86400;
	snprintf(period, 8, "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
}

int
db_report_dashboard(struct db *db, long long now, struct admin_dash *d)
{
	static const char *const states[] = { "active", "suspended", "expired", "deleted" };
	char state[16], p0[8];
	long long n, en, m0, m1, m2;
	struct db_cur c;
	int rc;

	memset(d, 0, sizeof(*d));
	{
		struct dbo o[] = { DBO_STR(state), DBO_INT(&n) };
		if ((rc = db_query(db, &c, sql[S_DASH_VES], NULL, 0, o, 2)) != DB_OK)
			return rc;
		while ((rc = db_next(&c)) == 1)
			for (size_t i = 0; i < nitems(states); i++)
				if (strcmp(state, states[i]) == 0)
					d->ves[i] = n;
		db_cur_close(&c);
		if (rc < 0)
			return rc;
	}
	{
		struct dbo o[] = { DBO_INT(&en), DBO_STR(state), DBO_INT(&n) };
		if ((rc = db_query(db, &c, sql[S_DASH_NODES], NULL, 0, o, 3)) != DB_OK)
			return rc;
		while ((rc = db_next(&c)) == 1) {
			if (!en)
				d->nodes_disabled += n;
			else if (strcmp(state, "up") == 0)
				d->nodes_up += n;
			else if (strcmp(state, "failing") == 0)
				d->nodes_failing += n;
			else if (strcmp(state, "down") == 0)
				d->nodes_down += n;
			else
				d->nodes_unknown += n;
		}
		db_cur_close(&c);
		if (rc < 0)
			return rc;
	}
	month_start(now, 0, &m0, p0);
	month_start(now, 1, &m1, d->period_last);
	month_start(now, 2, &m2, d->period_prev);
	if ((rc = db_admin_billing_ready(db)) < 0)
		return rc;
	if (!(d->billing = rc))
		return DB_OK;
	{
		struct dbv a[] = { DBV_STR(d->period_last) }, b[] = { DBV_STR(d->period_prev) };
		struct dbv pt[] = { DBV_INT(m0), DBV_INT(now + 1) }, pl[] = { DBV_INT(m1), DBV_INT(m0) };
		if ((rc = money_rows(db, S_DASH_INVOICED, a, 1, d->invoiced_last, &d->ninvoiced_last)) < 0 ||
		    (rc = money_rows(db, S_DASH_INVOICED, b, 1, d->invoiced_prev, &d->ninvoiced_prev)) < 0 ||
		    (rc = money_rows(db, S_DASH_PAID, pt, 2, d->paid_this, &d->npaid_this)) < 0 ||
		    (rc = money_rows(db, S_DASH_PAID, pl, 2, d->paid_last, &d->npaid_last)) < 0)
			return rc;
	}
	{
		struct admin_money x;
		long long od, odn;
		struct dbv p[] = { DBV_INT(now), DBV_INT(now) };
		struct dbo o[] = { DBO_STR(x.currency), DBO_INT(&x.amount), DBO_INT(&x.count),
		    DBO_INT(&od), DBO_INT(&odn) };
		memset(&x, 0, sizeof(x));
		if ((rc = db_query(db, &c, sql[S_DASH_UNPAID], p, 2, o, nitems(o))) != DB_OK)
			return rc;
		while ((rc = db_next(&c)) == 1) {
			if (d->nunpaid >= ADMIN_MAX_CUR)
				continue;
			d->unpaid[d->nunpaid++] = x;
			if (odn > 0) {
				struct admin_money *m = &d->overdue[d->noverdue++];
				*m = x;
				m->amount = od;
				m->count = odn;
			}
		}
		db_cur_close(&c);
		if (rc < 0)
			return rc;
	}
	return DB_OK;
}

int
db_report_audit(struct db *db, const char *object, long long limit, long long offset,
    struct admin_audit **rows, size_t *n, long long *total)
{
	struct admin_audit *x;
	struct db_cur c;
	int rc;

	*rows = NULL;
	*n = 0;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return DB_NOMEM;
	struct dbv po[] = { DBV_STR(object != NULL ? object : ""), DBV_INT(limit), DBV_INT(offset) };
	const struct dbv *p = object != NULL ? po : po + 1;
	size_t np = object != NULL ? 3 : 2;
	*total = db_count(db, sql[object != NULL ? S_AUDIT_OBJ_COUNT : S_AUDIT_ALL_COUNT], po,
	    object != NULL ? 1 : 0, &rc);
	if (rc < 0) {
		free(x);
		return rc;
	}
	struct dbo o[] = { DBO_INT(&x->id), DBO_INT(&x->at), DBO_STR(x->actor), DBO_STR(x->action),
	    DBO_STR(x->object), DBO_STR(x->before), DBO_STR(x->after) };
	if ((rc = db_query(db, &c, sql[object != NULL ? S_AUDIT_OBJ : S_AUDIT_ALL], p, np, o,
	    nitems(o))) != DB_OK) {
		free(x);
		return rc;
	}
	rc = db_fetch_all(&c, x, sizeof(*x), (void **)rows, n);
	free(x);
	return rc;
}

/* ---- reports ------------------------------------------------------------------------------ */

/* A report's row into t: 1, or DB_NOMEM. */
static int
rep_add(struct admin_table *t, const char *const *row)
{
	return admin_table_add(t, row) == -1 ? DB_NOMEM : 1;
}

/* Close a report's cursor after its last row (rc: db_next's or rep_add's). */
static int
rep_end(struct db_cur *c, int rc)
{
	db_cur_close(c);
	return rc < 0 ? rc : DB_OK;
}

static int
rep_revenue(struct db *db, long long from, long long to, struct admin_table *t)
{
	char period[8], plan[33], cur[4], ni[24], nv[24], m[4][40];
	long long inv, ves, fee, ov, cr;
	struct db_cur c;
	int rc;
	struct dbv p[] = { DBV_INT(to), DBV_INT(from), DBV_INT(to), DBV_INT(from), DBV_INT(to),
	    DBV_INT(from) };
	struct dbo o[] = { DBO_STR(period), DBO_STR(plan), DBO_STR(cur), DBO_INT(&inv), DBO_INT(&ves),
	    DBO_INT(&fee), DBO_INT(&ov), DBO_INT(&cr) };

	if ((rc = db_query(db, &c, sql[S_REP_REVENUE], p, nitems(p), o, nitems(o))) != DB_OK)
		return rc;
	while ((rc = db_next(&c)) == 1) {
		snprintf(ni, sizeof(ni), "%lld", inv);
		snprintf(nv, sizeof(nv), "%lld", ves);
		money_cell(fee, cur, m[0], sizeof(m[0]));
		money_cell(ov, cur, m[1], sizeof(m[1]));
		money_cell(cr, cur, m[2], sizeof(m[2]));
		money_cell(fee + ov + cr, cur, m[3], sizeof(m[3]));
		const char *row[] = { period, plan, cur, ni, nv, m[0], m[1], m[2], m[3] };
		if ((rc = rep_add(t, row)) < 0)
			break;
	}
	return rep_end(&c, rc);
}

static int
rep_usage(struct db *db, long long from, long long to, struct admin_table *t)
{
	char ve[9], node[65], v[5][32];
	struct db_cur c;
	int rc;
	struct dbv p[] = { DBV_INT(from), DBV_INT(to) };
	struct dbo o[] = { DBO_STR(ve), DBO_STR(node), DBO_STR(v[0]), DBO_STR(v[1]), DBO_STR(v[2]),
	    DBO_STR(v[3]), DBO_STR(v[4]) };

	if ((rc = db_query(db, &c, sql[S_REP_USAGE], p, nitems(p), o, nitems(o))) != DB_OK)
		return rc;
	while ((rc = db_next(&c)) == 1) {
		const char *row[] = { ve, node, v[0], v[1], v[2], v[3], v[4] };
		if ((rc = rep_add(t, row)) < 0)
			break;
	}
	return rep_end(&c, rc);
}

static int
rep_overage(struct db *db, long long from, long long to, struct admin_table *t)
{
	char period[8], number[25], ve[9], plan[33], res[16], unit[17], cur[4], q[40], pr[40], am[40];
	long long qty, price, amount;
	struct db_cur c;
	int rc;
	struct dbv p[] = { DBV_INT(to), DBV_INT(from) };
	struct dbo o[] = { DBO_STR(period), DBO_STR(number), DBO_STR(ve), DBO_STR(plan), DBO_STR(res),
	    DBO_INT(&qty), DBO_STR(unit), DBO_INT(&price), DBO_INT(&amount), DBO_STR(cur) };

	if ((rc = db_query(db, &c, sql[S_REP_OVERAGE], p, nitems(p), o, nitems(o))) != DB_OK)
		return rc;
	while ((rc = db_next(&c)) == 1) {
		money_fixed6(qty, q, sizeof(q));
		money_cell(price, cur, pr, sizeof(pr));
		money_cell(amount, cur, am, sizeof(am));
		const char *row[] = { period, number, ve, plan, res, q, unit, pr, am, cur };
		if ((rc = rep_add(t, row)) < 0)
			break;
	}
	return rep_end(&c, rc);
}

static int
rep_unpaid(struct db *db, long long from, long long to, long long now, struct admin_table *t)
{
	char number[25], period[8], email[255], cur[4], acct[24], iss[11], due[11], days[24];
	char m[5][40];
	long long account, issued, due_at, total, cred, paid;
	struct db_cur c;
	int rc;
	struct dbv p[] = { DBV_INT(from), DBV_INT(to) };
	struct dbo o[] = { DBO_STR(number), DBO_STR(period), DBO_INT(&account), DBO_STR(email),
	    DBO_INT(&issued), DBO_INT(&due_at), DBO_INT(&total), DBO_INT(&cred), DBO_INT(&paid),
	    DBO_STR(cur) };

	if ((rc = db_query(db, &c, sql[S_REP_UNPAID], p, nitems(p), o, nitems(o))) != DB_OK)
		return rc;
	while ((rc = db_next(&c)) == 1) {
		/* Whole days since the due date passed (billing: overdue once now > due_at). */
		long long late = now > due_at ? (now - due_at) / 86400 : 0;
		snprintf(acct, sizeof(acct), "%lld", account);
		snprintf(days, sizeof(days), "%lld", late);
		admin_date_format(issued, iss);
		admin_date_format(due_at, due);
		money_cell(total, cur, m[0], sizeof(m[0]));
		money_cell(cred, cur, m[1], sizeof(m[1]));
		money_cell(paid, cur, m[2], sizeof(m[2]));
		money_cell(total + cred - paid, cur, m[3], sizeof(m[3]));
		const char *row[] = { number, period, acct, email, iss, due, m[0], m[1], m[2], m[3], cur,
		    days, now > due_at ? "overdue" : "open" };
		if ((rc = rep_add(t, row)) < 0)
			break;
	}
	return rep_end(&c, rc);
}

int
db_report_table(struct db *db, enum admin_report k, long long from, long long to, long long now,
    struct admin_table *t)
{
	int rc = DB_ERR;

	admin_table_init(t, k);
	switch (k) {
	case AR_REVENUE: rc = rep_revenue(db, from, to, t); break;
	case AR_USAGE: rc = rep_usage(db, from, to, t); break;
	case AR_OVERAGE: rc = rep_overage(db, from, to, t); break;
	case AR_UNPAID: rc = rep_unpaid(db, from, to, now, t); break;
	case AR__MAX: break;
	}
	if (rc != DB_OK)
		admin_table_free(t);
	return rc;
}

int
db_report_usage_days(struct db *db, long long from, long long to, struct admin_day *days,
    size_t cap, size_t *n)
{
	struct admin_day x;
	struct db_cur c;
	int rc;
	struct dbv p[] = { DBV_INT(from), DBV_INT(to), DBV_INT((long long)cap) };
	struct dbo o[] = { DBO_INT(&x.t), DBO_INT(&x.cpu_us), DBO_INT(&x.net_in), DBO_INT(&x.net_out) };

	*n = 0;
	if ((rc = db_query(db, &c, sql[S_USAGE_DAYS], p, nitems(p), o, nitems(o))) != DB_OK)
		return rc;
	return db_fetch_upto(&c, &x, sizeof(x), days, cap, n);
}
