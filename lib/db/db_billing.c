/*
 * Billing's SQL and the glue around lib/domain/rating.c: see db_billing.h.
 *
 * Where the numbers come from: the rollups billingd writes.  A month is cut
 * at its plan's version changes; whole UTC days are read from usage_day
 * and the hours of a day that a version change splits from usage_hour, each
 * rated with the version in force at the row's start t.  billingd writes
 * minute, hour and day rows from the same spans in one transaction, so a
 * day row is exactly the sum of its hours; reading days makes a month 31
 * rows per VE instead of 744 (the invoice run of 100,000 VEs stays well
 * under a minute) and still works after hour rows are pruned (two years).
 * vmem is the sum of the per-second samples (vmem_sum_bytes): SPEC's
 * "per-minute average x 1/60 h" whenever a minute has its 60 samples, and
 * never a second that was not measured.  The invoice run aggregates per VE
 * in the database; a VE's charges read its day and hour rows and add them
 * here, and the explanation lists the very rows that were rated, each day
 * with its hours.
 *
 * Concurrency: document numbers come from billing_counters, whose row is
 * locked FOR UPDATE by the transaction that issues the documents and bumped
 * in it, so numbers have no gaps and two runs queue up behind each other;
 * the second then finds the invoices (unique account, period, currency)
 * and skips them.  Payments and credit notes of an invoice first bump its
 * row of invoice_writes (doc_claim), and only then read what was paid
 * and credited.  On a Galera cluster row locks hold only on the node that
 * takes them: there the counter row and the invoice_writes row make a
 * second writer through another node abort (DB_RETRY) instead of waiting,
 * and db_tx runs it again; a number taken twice that way is refused by
 * its unique key (DB_DUP, run again once on Galera).
 * Every writing transaction therefore runs through db_tx, which runs it
 * again from the start; each reads what it decides on inside it.
 *
 * Late usage (db_adjust.h) hooks in, delimited: the run opens its month in
 * invoiced_periods before reading usage; "DN-" numbers are debit notes for
 * the invoice JSON and payments; invoice JSON and a VE's invoice list get
 * the notes; late credit notes are not taken off a VE's charges again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql.h>

#include "db.h"
#include "db_adjust.h"
#include "db_billing.h"
#include "db_sla.h"
#include "log.h"
#include "money.h"
#include "rating.h"
#include "util.h"

#define DEFAULT_DUE_DAYS	14
#define RUN_CHUNK		200	/* invoices per transaction */
#define BULK_ROWS		1000	/* rows per array-bound INSERT */

enum stmt {
	S_VE_ONE,
	S_VES_PERIOD,
	S_VERSIONS_PLAN,
	S_VERSIONS_ALL,
	S_EVENTS_VE,
	S_EVENTS_ALL,
	S_HOURS_VE,
	S_DAYS_VE,
	S_USAGE_HOURS,
	S_USAGE_DAYS,
	S_CREDITS_VE,
	S_COUNTER_INIT,
	S_COUNTER_LOCK,
	S_COUNTER_SET,
	S_INVOICE_EXISTS,
	S_INVOICE_INSERT,
	S_LINE_INSERT,
	S_AUDIT,
	S_VE_INVOICES,
	S_INVOICE_GET,
	S_INVOICE_LINES,
	S_INVOICE_CNS,
	S_INVOICE_CN_LINES,
	S_INVOICE_PAYMENTS,
	S_VE_ACCOUNT,
	S_INVOICE_OPEN,
	S_INVOICE_ID,
	S_INVOICE_DUE,
	S_PAYMENT_MINE,
	S_INVOICE_HAS_VE,
	S_CN_INSERT,
	S_CN_LINE_INSERT,
	S_PAYMENT_INSERT,
	S_INVOICE_ROW,
	S_INVOICE_TOUCH,
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

/* The balance pieces of invoice i: credited (<= 0) and paid. */
#define SUMS_OF_I \
	"CAST(COALESCE((SELECT SUM(c.total_minor) FROM credit_notes c WHERE c.invoice_id = i.id), 0) AS SIGNED), " \
	"CAST(COALESCE((SELECT SUM(p.amount_minor) FROM payments p WHERE p.invoice_id = i.id), 0) AS SIGNED)"
/* Accounts with an invoice unpaid (balance > 0) and due before the parameter. */
#define OVERDUE_ACCOUNTS \
	"(SELECT i.account_id FROM invoices i WHERE i.due_at < ? AND i.total_minor " \
	"+ COALESCE((SELECT SUM(c.total_minor) FROM credit_notes c WHERE c.invoice_id = i.id), 0) " \
	"- COALESCE((SELECT SUM(p.amount_minor) FROM payments p WHERE p.invoice_id = i.id), 0) > 0)"
#define VERSION_COLS \
	"id, plan_id, valid_from, monthly_fee_minor, inc_disk_gb, inc_traffic_gb, " \
	"inc_traffic_in_gb, inc_traffic_out_gb, inc_cpu_hours, inc_vmem_gb_hours, " \
	"ov_disk_gb_month, ov_traffic_gb, ov_traffic_in_gb, ov_traffic_out_gb, ov_cpu_hour, " \
	"ov_vmem_gb_hour FROM plan_versions"
#define USAGE_RANGE(table) \
	"SELECT ve_id, CAST(SUM(cpu_user_us) AS CHAR), CAST(SUM(cpu_sys_us) AS CHAR), " \
	"CAST(SUM(vmem_sum_bytes) AS CHAR), CAST(SUM(net_in_bytes) AS CHAR), " \
	"CAST(SUM(net_out_bytes) AS CHAR) FROM " table " WHERE t >= ? AND t < ? GROUP BY ve_id"
#define INVOICE_COLS \
	"i.id, i.number, i.account_id, i.period, i.currency, i.tax_bp, i.subtotal_minor, " \
	"i.tax_minor, i.total_minor, i.issued_at, i.due_at, " SUMS_OF_I

static const char *const sql[S__MAX] = {
	[S_VE_ONE] =
	    "SELECT v.account_id, v.created_at, v.state, o.disk_quota_mb, o.plan_id, p.currency, "
	    "a.tax_bp FROM ves v JOIN orders o ON o.id = v.order_id JOIN plans p ON p.id = o.plan_id "
	    "JOIN accounts a ON a.id = v.account_id WHERE v.id = ?",
	/* VEs that existed in [from, to) and whose account has no invoice for it yet. */
	[S_VES_PERIOD] =
	    "SELECT v.id, v.account_id, v.created_at, v.state, o.disk_quota_mb, o.plan_id, "
	    "p.currency, a.tax_bp FROM ves v JOIN orders o ON o.id = v.order_id "
	    "JOIN plans p ON p.id = o.plan_id JOIN accounts a ON a.id = v.account_id "
	    "WHERE v.created_at < ? AND (v.state IN ('active', 'suspended') OR EXISTS "
	    "(SELECT 1 FROM ve_state_log l WHERE l.ve_id = v.id AND l.at >= ?)) "
	    "AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.account_id = v.account_id "
	    "AND i.period = ? AND i.currency = p.currency) "
	    "ORDER BY v.account_id, p.currency, v.id",
	[S_VERSIONS_PLAN] = "SELECT " VERSION_COLS " WHERE plan_id = ? ORDER BY valid_from",
	[S_VERSIONS_ALL] = "SELECT " VERSION_COLS " ORDER BY plan_id, valid_from",
	[S_EVENTS_VE] =
	    "SELECT at, state FROM ve_state_log WHERE ve_id = ? AND at < ? ORDER BY at, id",
	[S_EVENTS_ALL] =
	    "SELECT ve_id, at, state FROM ve_state_log WHERE at < ? ORDER BY ve_id, at, id",
	[S_HOURS_VE] =
	    "SELECT t, cpu_user_us, cpu_sys_us, vmem_sum_bytes, net_in_bytes, net_out_bytes "
	    "FROM usage_hour WHERE ve_id = ? AND t >= ? AND t < ? ORDER BY t",
	[S_DAYS_VE] =
	    "SELECT t, cpu_user_us, cpu_sys_us, vmem_sum_bytes, net_in_bytes, net_out_bytes "
	    "FROM usage_day WHERE ve_id = ? AND t >= ? AND t < ? ORDER BY t",
	/*
	 * Each VE's usage in [from, to) from one rollup level (see
	 * run_load_usage).  Sums as text so a sum past 2^63 is seen and
	 * refused instead of clamped.  (Scanning the primary key in ve_id
	 * order groups without a temporary table.)
	 */
	[S_USAGE_HOURS] = USAGE_RANGE("usage_hour"),
	[S_USAGE_DAYS] = USAGE_RANGE("usage_day"),
	/* Not late usage's credit notes: the rating already has what they correct (db_adjust.h). */
	[S_CREDITS_VE] =
	    "SELECT l.resource, l.amount_minor FROM credit_note_lines l "
	    "JOIN credit_notes c ON c.id = l.credit_note_id JOIN invoices i ON i.id = c.invoice_id "
	    "WHERE l.ve_id = ? AND i.period = ? AND c.id NOT IN "
	    "(SELECT note_id FROM late_lines WHERE note_kind = 'CN') ORDER BY c.id, l.seq",
	[S_COUNTER_INIT] =
	    "INSERT IGNORE INTO billing_counters (kind, year, next_no) VALUES (?, ?, 1)",
	[S_COUNTER_LOCK] =
	    "SELECT next_no FROM billing_counters WHERE kind = ? AND year = ? FOR UPDATE",
	[S_COUNTER_SET] =
	    "UPDATE billing_counters SET next_no = ? WHERE kind = ? AND year = ?",
	[S_INVOICE_EXISTS] =
	    "SELECT id FROM invoices WHERE account_id = ? AND period = ? AND currency = ? FOR UPDATE",
	[S_INVOICE_INSERT] =
	    "INSERT INTO invoices (number, account_id, period, period_from, period_to, currency, "
	    "tax_bp, subtotal_minor, tax_minor, total_minor, issued_at, due_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_LINE_INSERT] =
	    "INSERT INTO invoice_lines (invoice_id, seq, ve_id, kind, resource, plan_version_id, "
	    "quantity_micro, unit, unit_price_minor, amount_minor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_AUDIT] =
	    "INSERT INTO audit_log (at, actor, action, object, before_json, after_json) "
	    "VALUES (?, ?, ?, ?, NULL, ?)",
	[S_VE_INVOICES] =
	    "SELECT " INVOICE_COLS " FROM invoices i WHERE i.id IN "
	    "(SELECT invoice_id FROM invoice_lines WHERE ve_id = ?) ORDER BY i.period DESC, i.id DESC",
	[S_INVOICE_GET] = "SELECT " INVOICE_COLS " FROM invoices i WHERE i.number = ?",
	[S_INVOICE_LINES] =
	    "SELECT ve_id, kind, resource, quantity_micro, unit, unit_price_minor, amount_minor "
	    "FROM invoice_lines WHERE invoice_id = ? ORDER BY seq",
	[S_INVOICE_CNS] =
	    "SELECT id, number, reason, subtotal_minor, tax_minor, total_minor, issued_at "
	    "FROM credit_notes WHERE invoice_id = ? ORDER BY id",
	[S_INVOICE_CN_LINES] =
	    "SELECT l.credit_note_id, COALESCE(l.ve_id, ''), l.resource, l.description, l.amount_minor "
	    "FROM credit_note_lines l JOIN credit_notes c ON c.id = l.credit_note_id "
	    "WHERE c.invoice_id = ? ORDER BY l.credit_note_id, l.seq",
	[S_INVOICE_PAYMENTS] =
	    "SELECT paid_at, amount_minor, reference FROM payments WHERE invoice_id = ? ORDER BY id",
	[S_VE_ACCOUNT] = "SELECT account_id FROM ves WHERE id = ?",
	[S_INVOICE_OPEN] =
	    "SELECT i.id, i.tax_bp, i.total_minor, i.currency, " SUMS_OF_I
	    " FROM invoices i WHERE i.number = ?",
	[S_INVOICE_ID] = "SELECT id FROM invoices WHERE number = ?",
	[S_INVOICE_DUE] =
	    "SELECT i.total_minor, i.currency, " SUMS_OF_I " FROM invoices i WHERE i.id = ?",
	[S_INVOICE_HAS_VE] =
	    "SELECT COUNT(*) FROM invoice_lines WHERE invoice_id = ? AND ve_id = ?",
	[S_CN_INSERT] =
	    "INSERT INTO credit_notes (number, invoice_id, reason, subtotal_minor, tax_minor, "
	    "total_minor, issued_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[S_CN_LINE_INSERT] =
	    "INSERT INTO credit_note_lines (credit_note_id, seq, ve_id, resource, description, "
	    "amount_minor) VALUES (?, ?, ?, ?, ?, ?)",
	[S_PAYMENT_INSERT] =
	    "INSERT INTO payments (invoice_id, amount_minor, paid_at, reference, created_at, actor, "
	    "token) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[S_PAYMENT_MINE] = "SELECT id FROM payments WHERE token = ?",
	[S_INVOICE_ROW] =
	    "INSERT IGNORE INTO invoice_writes (invoice_id, n) SELECT id, 0 FROM invoices WHERE number = ?",
	[S_INVOICE_TOUCH] =
	    "UPDATE invoice_writes SET n = n + 1 WHERE invoice_id = ?",
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

/* ---- small helpers ---- */

static void
period_str(int y, int m, char out[8])
{
	snprintf(out, 8, "%04u-%02u", (unsigned)y % 10000, (unsigned)m % 100);
}

int
billing_year_of(long long t)
{
	int y, m;
	rate_month_of(t, &y, &m);
	return y;
}

static int64_t
day_floor(int64_t t)
{
	return t - ((t % 86400) + 86400) % 86400;
}

static int64_t
day_ceil(int64_t t)
{
	int64_t f = day_floor(t);
	return f == t ? t : f + 86400;
}

static int
state_active(const char *s)
{
	return strcmp(s, "active") == 0;
}

/* A decimal SUM as text to int64; -1 when negative or past 2^63 - 1. */
static int
sum_parse(const char *s, int64_t *v)
{
	const char *es;
	long long x = vep_strtonum(s, 0, INT64_MAX, &es);
	if (es != NULL)
		return -1;
	*v = x;
	return 0;
}

int
billing_audit(struct db *db, long long now, const char *actor, const char *action,
    const char *object, json_t *after)
{
	char *js = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	struct dbv p[] = { DBV_INT(now), DBV_STR(actor), DBV_STR(action), DBV_STR(object),
	    DBV_STR0(js) };
	int rc = db_exec(db, sql[S_AUDIT], p, nitems(p), NULL, NULL);
	free(js);
	json_decref(after);
	return rc;
}

json_t *
billing_json_iso(long long t)
{
	char b[21];
	vep_iso8601(t, b);
	return json_string(b);
}

json_t *
billing_json_fixed6(int64_t micro)
{
	char b[32];
	if (money_fixed6(micro, b, sizeof(b)) < 0)
		return json_null();
	return json_string(b);
}

/* One plan_versions row. */
struct vrow {
	long long		 plan_id;
	struct rate_version	 v;
};

/* Versions of one plan (plan_id > 0) or of all plans (0); *out malloc'd. */
static int
versions_load(struct db *db, long long plan_id, struct vrow **out, size_t *n)
{
	static const int inc_of[6] = { RR_DISK, RR_TRAFFIC, RR_TRAFFIC_IN, RR_TRAFFIC_OUT,
	    RR_CPU, RR_VMEM };
	struct db_cur c;
	struct dbo o[16];
	struct dbv p[] = { DBV_INT(plan_id) };
	long long col[16];
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < nitems(o); i++)
		o[i] = DBO_INT(&col[i]);
	if (db_query(db, &c, sql[plan_id > 0 ? S_VERSIONS_PLAN : S_VERSIONS_ALL], p,
	    plan_id > 0 ? 1 : 0, o, nitems(o)) != DB_OK)
		return BILLING_EDB;
	while ((rc = db_next(&c)) == 1) {
		struct vrow *x;
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			if ((x = reallocarray(*out, nc, sizeof(**out))) == NULL) {
				rc = -1;
				break;
			}
			*out = x;
			cap = nc;
		}
		x = &(*out)[(*n)++];
		memset(x, 0, sizeof(*x));
		x->v.id = col[0];
		x->plan_id = col[1];
		x->v.valid_from = col[2];
		x->v.fee_minor = col[3];
		for (int k = 0; k < 6; k++) {
			x->v.inc[inc_of[k]] = col[4 + k];
			x->v.price[inc_of[k]] = col[10 + k];
		}
	}
	db_cur_close(&c);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		return BILLING_EDB;
	}
	return BILLING_OK;
}

/* ---- the automatic run's period ---- */

int
billing_due_period(long long now, long long grace_s, int *year, int *month)
{
	int64_t from, to;
	int y, m;

	rate_month_of(now, &y, &m);
	rate_month_bounds(y, m, &from, &to);
	if (--m == 0) {
		m = 12;
		y--;
	}
	*year = y;
	*month = m;
	return now >= from + grace_s;
}

/* ---- one VE's charges ---- */

struct hour {
	int64_t		 t;
	size_t		 ver;
	struct rate_usage u;
};

struct ve_month {
	char			 currency[4];
	long long		 account_id, tax_bp;
	struct rate_input	 in;
	struct vrow		*vr;
	struct rate_version	*v;
	struct rate_usage	*u;
	struct rate_event	*ev;
	struct hour		*h;		/* usage_hour rows of the month */
	size_t			 nh;
	struct hour		*d;		/* usage_day rows of the month */
	size_t			 nd;
	struct rate_line	*lines;
	size_t			 nlines;
	struct sla_terms	*sla;		/* per version (lib/domain/sla.h) */
	struct sla_avail	 avail;		/* measured in the month so far */
};

static void
ve_month_free(struct ve_month *m)
{
	free(m->sla);
	free(m->vr);
	free(m->v);
	free(m->u);
	free(m->ev);
	free(m->h);
	free(m->d);
	free(m->lines);
	memset(m, 0, sizeof(*m));
}

static size_t
version_at(const struct rate_version *v, size_t nv, int64_t t)
{
	size_t i = 0;
	while (i + 1 < nv && v[i + 1].valid_from <= t)
		i++;
	return i;
}

static int
usage_add(struct rate_usage *a, const struct rate_usage *b)
{
	return __builtin_add_overflow(a->cpu_us, b->cpu_us, &a->cpu_us) ||
	    __builtin_add_overflow(a->vmem_byte_s, b->vmem_byte_s, &a->vmem_byte_s) ||
	    __builtin_add_overflow(a->in_bytes, b->in_bytes, &a->in_bytes) ||
	    __builtin_add_overflow(a->out_bytes, b->out_bytes, &a->out_bytes) ? -1 : 0;
}

/* Does a version change inside the day starting at d (so its hours are rated, not the day)? */
static int
day_split(const struct ve_month *m, int64_t d)
{
	for (size_t i = 0; i < m->in.nv; i++)
		if (m->v[i].valid_from > d && m->v[i].valid_from < d + 86400)
			return 1;
	return 0;
}

/* One VE's rows of a rollup table in [from, to); 0, -1 (db) or -2 (bad values). */
static int
rows_load(struct db *db, enum stmt st, const char *ve, int64_t from, int64_t to,
    struct hour **out, size_t *n)
{
	struct db_cur c;
	long long t, cu, cs, vm, ni, no;
	size_t cap = 0;
	int rc;
	struct dbv p[] = { DBV_STR(ve), DBV_INT(from), DBV_INT(to) };
	struct dbo o[] = { DBO_INT(&t), DBO_INT(&cu), DBO_INT(&cs), DBO_INT(&vm),
	    DBO_INT(&ni), DBO_INT(&no) };

	if (db_query(db, &c, sql[st], p, 3, o, nitems(o)) != DB_OK)
		return -1;
	while ((rc = db_next(&c)) == 1) {
		struct hour *h;
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			if ((h = reallocarray(*out, nc, sizeof(*h))) == NULL) {
				rc = -1;
				break;
			}
			*out = h;
			cap = nc;
		}
		h = &(*out)[(*n)++];
		memset(h, 0, sizeof(*h));
		h->t = t;
		if (cu < 0 || cs < 0 || vm < 0 || ni < 0 || no < 0 ||
		    __builtin_add_overflow(cu, cs, &h->u.cpu_us)) {
			rc = -2;
			break;
		}
		h->u.vmem_byte_s = vm;
		h->u.in_bytes = ni;
		h->u.out_bytes = no;
	}
	db_cur_close(&c);
	return rc < 0 ? rc : 0;
}

/* ---- availability SLA (lib/domain/sla.h, lib/db/db_sla.c) ---- */

/* (*out)[i]: the SLA terms of vr[i] (zeroed when it has none); a billing_rc. */
static int
sla_terms_of(struct db *db, long long plan_id, const struct vrow *vr, size_t n,
    struct sla_terms **out)
{
	struct sla_vterms *all = NULL;
	size_t na = 0;

	if (db_sla_terms_load(db, plan_id, &all, &na) != DB_OK ||
	    (*out = calloc(n + 1, sizeof(**out))) == NULL) {
		free(all);
		return BILLING_EDB;
	}
	for (size_t i = 0; i < n; i++) {
		const struct sla_terms *t = db_sla_terms_find(all, na, vr[i].v.id);
		if (t != NULL)
			(*out)[i] = *t;
	}
	free(all);
	return BILLING_OK;
}

/*
 * The charges' "availability": what was measured in the period so far and
 * the terms of the version in force at its end.
 */
static json_t *
sla_json(const struct ve_month *m)
{
	const struct sla_terms *t = &m->sla[version_at(m->v, m->in.nv, m->in.until - 1)];
	uint32_t bp = sla_credit_bp(t, &m->avail);

	return json_pack("{s:b, s:I, s:I, s:o, s:o, s:I}", "always_on", m->avail.always_on,
	    "seen_seconds", (json_int_t)m->avail.seen_s, "up_seconds", (json_int_t)m->avail.up_s,
	    "availability_ppm", m->avail.seen_s > 0 ? json_integer((json_int_t)
	    sla_availability_ppm(m->avail.up_s, m->avail.seen_s)) : json_null(),
	    "target_ppm", t->target_ppm > 0 ? json_integer((json_int_t)t->target_ppm) : json_null(),
	    "credit_bp", (json_int_t)bp);
}

/* Load and rate one VE's month; m is filled (free with ve_month_free). */
static int
ve_month_rate(struct db *db, const char *ve, int y, int mo, long long now,
    struct ve_month *m, char *err, size_t errlen)
{
	struct db_cur c;
	char state[16], at_state[16];
	long long created, quota, plan, at;
	size_t nvr = 0, cap = 0;
	int rc;

	memset(m, 0, sizeof(*m));
	{
		struct dbv p[] = { DBV_STR(ve) };
		struct dbo o[] = { DBO_INT(&m->account_id), DBO_INT(&created), DBO_STR(state),
		    DBO_INT(&quota), DBO_INT(&plan), DBO_STR(m->currency), DBO_INT(&m->tax_bp) };
		if ((rc = db_one(db, sql[S_VE_ONE], p, 1, o, nitems(o))) < 0)
			return BILLING_EDB;
		if (rc == 0)
			return BILLING_ENOENT;
	}
	rate_month_bounds(y, mo, &m->in.from, &m->in.to);
	if (now < m->in.from) {
		snprintf(err, errlen, "the period %04d-%02d has not started yet", y, mo);
		return BILLING_EINPUT;
	}
	m->in.acc_from = m->in.from;
	m->in.until = now < m->in.to ? now : m->in.to;
	m->in.created_at = created;
	m->in.disk_quota_mb = quota;

	if ((rc = versions_load(db, plan, &m->vr, &nvr)) != BILLING_OK)
		return rc;
	if (nvr == 0) {
		snprintf(err, errlen, "the plan of VE %s has no price version", ve);
		log_warnx("%s: %s", __func__, err);
		return BILLING_EDATA;
	}
	if ((m->v = calloc(nvr, sizeof(*m->v))) == NULL ||
	    (m->u = calloc(nvr, sizeof(*m->u))) == NULL)
		return BILLING_EDB;
	for (size_t i = 0; i < nvr; i++)
		m->v[i] = m->vr[i].v;
	m->in.v = m->v;
	m->in.nv = nvr;
	m->in.u = m->u;

	/* The state history up to the month's end. */
	{
		struct dbv p[] = { DBV_STR(ve), DBV_INT(m->in.to) };
		struct dbo o[] = { DBO_INT(&at), DBO_STR(at_state) };
		size_t n = 0;
		if (db_query(db, &c, sql[S_EVENTS_VE], p, 2, o, 2) != DB_OK)
			return BILLING_EDB;
		while ((rc = db_next(&c)) == 1) {
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 8;
				struct rate_event *x = reallocarray(m->ev, nc, sizeof(*x));
				if (x == NULL) {
					rc = -1;
					break;
				}
				m->ev = x;
				cap = nc;
			}
			m->ev[n].at = at;
			m->ev[n].active = state_active(at_state);
			n++;
		}
		db_cur_close(&c);
		if (rc < 0)
			return BILLING_EDB;
		if (n == 0) {
			/* No history (a row from before the log existed): created in today's state. */
			if ((m->ev = calloc(1, sizeof(*m->ev))) == NULL)
				return BILLING_EDB;
			m->ev[0].at = created;
			m->ev[0].active = state_active(state);
			n = 1;
		}
		m->in.ev = m->ev;
		m->in.nev = n;
	}

	/*
	 * Usage as the invoice run takes it (run_load_usage): whole days from
	 * usage_day, the hours of a day a version change splits from usage_hour.
	 */
	if ((rc = rows_load(db, S_DAYS_VE, ve, m->in.from, m->in.to, &m->d, &m->nd)) == 0)
		rc = rows_load(db, S_HOURS_VE, ve, m->in.from, m->in.to, &m->h, &m->nh);
	for (size_t i = 0; rc == 0 && i < m->nd; i++) {
		m->d[i].ver = version_at(m->v, nvr, m->d[i].t);
		if (!day_split(m, m->d[i].t) && usage_add(&m->u[m->d[i].ver], &m->d[i].u) == -1)
			rc = -2;
	}
	for (size_t i = 0; rc == 0 && i < m->nh; i++) {
		m->h[i].ver = version_at(m->v, nvr, m->h[i].t);
		if (day_split(m, day_floor(m->h[i].t)) && usage_add(&m->u[m->h[i].ver], &m->h[i].u) == -1)
			rc = -2;
	}
	if (rc == -2) {
		snprintf(err, errlen, "usage of VE %s is negative or too large to rate", ve);
		log_warnx("%s: %s", __func__, err);
		return BILLING_EDATA;
	}
	if (rc < 0)
		return BILLING_EDB;

	/* Availability credits: each version's terms, the month's measurement so far. */
	if ((rc = sla_terms_of(db, plan, m->vr, nvr, &m->sla)) != BILLING_OK)
		return rc;
	if (db_sla_avail_ve(db, ve, m->in.from, m->in.until, &m->avail) != DB_OK)
		return BILLING_EDB;
	m->in.sla = m->sla;
	m->in.avail = &m->avail;

	if ((m->lines = calloc(nvr * RATE_LINES_PER_VERSION + 1, sizeof(*m->lines))) == NULL)
		return BILLING_EDB;
	rc = rate_month(&m->in, m->lines, nvr * RATE_LINES_PER_VERSION + 1, &m->nlines);
	if (rc != RATE_OK) {
		snprintf(err, errlen, "VE %s cannot be rated for %04d-%02d: %s", ve, y, mo,
		    rc == RATE_EOVERFLOW ? "an amount does not fit 64 bits" : "inconsistent data");
		log_warnx("%s: %s", __func__, err);
		return BILLING_EDATA;
	}
	return BILLING_OK;
}

static json_t *
line_json(const char *kind, const char *res, int64_t qty, const char *unit, int64_t price,
    int64_t amount)
{
	return json_pack("{s:s, s:s, s:o, s:s, s:I, s:I}", "kind", kind, "resource", res,
	    "quantity", billing_json_fixed6(qty), "unit", unit, "unit_price_minor", (json_int_t)price,
	    "amount_minor", (json_int_t)amount);
}

static json_t *
day_json(int64_t ds, int64_t raw, const char *source, json_t *hours)
{
	char d[21];
	vep_iso8601(ds, d);
	d[10] = '\0';
	return json_pack("{s:s, s:I, s:s, s:o}", "day", d, "raw", (json_int_t)raw,
	    "source", source, "hours", hours);
}

/*
 * Resource r of version i, if it has lines: its raw total and the days it
 * came from -- a whole day's raw amount is its usage_day row ("source":
 * "day") and lists that day's usage_hour rows, which sum to it; a day a
 * version change splits counts its hours of this version ("source":
 * "hours").
 */
static void
explain_usage(const struct ve_month *m, size_t i, int r, json_t *usage)
{
	json_t *lines = json_array(), *days = json_array();
	int64_t total = 0, raw, q = 0;
	size_t di = 0, hi = 0;

	for (size_t k = 0; k < m->nlines; k++)
		if (m->lines[k].ver == i && m->lines[k].res == (enum rate_res)r)
			json_array_append_new(lines, json_integer((json_int_t)k));
	if (json_array_size(lines) == 0) {
		json_decref(lines);
		json_decref(days);
		return;
	}
	/* Walk the day rows and the hour rows (both by t) a day at a time. */
	while (di < m->nd || hi < m->nh) {
		int64_t ds = di < m->nd ? m->d[di].t : INT64_MAX, dayraw = 0;
		json_t *hours = json_array();
		int split, have;
		if (hi < m->nh && day_floor(m->h[hi].t) < ds)
			ds = day_floor(m->h[hi].t);
		split = day_split(m, ds);
		have = split || version_at(m->v, m->in.nv, ds) == i;
		if (di < m->nd && m->d[di].t == ds) {
			if (!split && have && rate_raw(r, &m->d[di].u, &raw) == RATE_OK)
				dayraw = raw;
			di++;
		}
		for (; hi < m->nh && m->h[hi].t < ds + 86400; hi++) {
			const struct hour *h = &m->h[hi];
			if (!have || (split && h->ver != i) || rate_raw(r, &h->u, &raw) != RATE_OK)
				continue;
			json_array_append_new(hours, json_pack("{s:o, s:I}", "t", billing_json_iso(h->t),
			    "raw", (json_int_t)raw));
			if (split)
				dayraw += raw;
		}
		if (!have || (split && json_array_size(hours) == 0)) {
			json_decref(hours);
			continue;
		}
		json_array_append_new(days, day_json(ds, dayraw, split ? "hours" : "day", hours));
		total += dayraw;	/* bounded by the rated total, which was checked */
	}
	rate_raw_to_micro(r, total, &q);
	json_array_append_new(usage, json_pack("{s:s, s:s, s:s, s:o, s:I, s:o, s:o, s:o}",
	    "resource", rate_res_name(r), "unit", rate_res_unit(r),
	    "raw_unit", rate_res_raw_unit(r), "valid_from", billing_json_iso(m->in.v[i].valid_from),
	    "raw", (json_int_t)total, "quantity", billing_json_fixed6(q), "lines", lines, "days", days));
}

/* The state history, price segments, and the days and hours behind each usage line. */
static json_t *
explain_json(const struct ve_month *m)
{
	json_t *states = json_array(), *usage = json_array(), *segs = json_array();
	int64_t month_s = m->in.to - m->in.from;

	for (size_t i = 0; i < m->in.nev; i++) {
		/* Only what matters: the state at the month's start and the changes in it. */
		if (i + 1 < m->in.nev && m->in.ev[i + 1].at <= m->in.from)
			continue;
		json_array_append_new(states, json_pack("{s:o, s:s}", "at", billing_json_iso(m->in.ev[i].at),
		    "state", m->in.ev[i].active ? "active" : "inactive"));
	}
	for (size_t i = 0; i < m->in.nv; i++) {
		int64_t sa, sb, fa, fb, act;
		rate_segment(&m->in, i, &sa, &sb);
		if (sa == sb)
			continue;
		fa = sa > m->in.acc_from ? sa : m->in.acc_from;
		fb = sb < m->in.until ? sb : m->in.until;
		act = fb > fa ? rate_active_seconds(m->in.ev, m->in.nev, m->in.created_at, fa, fb) : 0;
		json_array_append_new(segs, json_pack("{s:o, s:o, s:o, s:I}", "valid_from",
		    billing_json_iso(m->in.v[i].valid_from), "from", billing_json_iso(sa), "to", billing_json_iso(sb),
		    "active_seconds", (json_int_t)act));
	}
	for (size_t i = 0; i < m->in.nv; i++)
		for (int r = RR_CPU; r < RR__MAX; r++)
			explain_usage(m, i, r, usage);
	return json_pack("{s:I, s:o, s:o, s:o, s:o}", "month_seconds", (json_int_t)month_s,
	    "until", billing_json_iso(m->in.until), "states", states, "segments", segs, "usage", usage);
}

json_t *
billing_charges_json(struct db *db, const char *ve, int y, int mo, long long now,
    int explain, int *rcp, char *err, size_t errlen)
{
	struct ve_month m;
	struct db_cur c;
	json_t *lines = NULL, *out = NULL;
	char period[8], res[16];
	long long amount;
	int64_t sub = 0, tax = 0, total = 0;
	int rc;

	period_str(y, mo, period);
	if ((rc = ve_month_rate(db, ve, y, mo, now, &m, err, errlen)) != BILLING_OK)
		goto out;
	rc = BILLING_EDB;
	if ((lines = json_array()) == NULL)
		goto out;
	for (size_t i = 0; i < m.nlines; i++) {
		const struct rate_line *l = &m.lines[i];
		json_array_append_new(lines, line_json(rate_kind_name(l->kind),
		    rate_res_name(l->res), l->qty_micro, rate_res_unit(l->res),
		    l->unit_price_minor, l->amount_minor));
	}
	if (rate_totals(m.lines, m.nlines, 0, &sub, &tax, &total) != RATE_OK)
		goto overflow;
	/* Credit notes against this period's invoice, for this VE. */
	{
		struct dbv p[] = { DBV_STR(ve), DBV_STR(period) };
		struct dbo o[] = { DBO_STR(res), DBO_INT(&amount) };
		int r;
		if (db_query(db, &c, sql[S_CREDITS_VE], p, 2, o, 2) != DB_OK)
			goto out;
		while ((r = db_next(&c)) == 1) {
			json_array_append_new(lines, line_json("credit", res, MONEY_MICRO,
			    "credit", amount, amount));
			if (__builtin_add_overflow(sub, (int64_t)amount, &sub)) {
				r = -2;
				break;
			}
		}
		db_cur_close(&c);
		if (r == -2)
			goto overflow;
		if (r < 0)
			goto out;
	}
	if (money_tax(sub, m.tax_bp, &tax) == -1 || __builtin_add_overflow(sub, tax, &total))
		goto overflow;
	out = json_pack("{s:s, s:s, s:o, s:I, s:I, s:I}", "period", period, "currency",
	    m.currency, "lines", lines, "subtotal_minor", (json_int_t)sub, "tax_minor",
	    (json_int_t)tax, "total_minor", (json_int_t)total);
	lines = NULL;
	if (out != NULL)
		json_object_set_new(out, "availability", sla_json(&m));
	if (out != NULL && explain)
		json_object_set_new(out, "explain", explain_json(&m));
	rc = out != NULL ? BILLING_OK : BILLING_EDB;
	goto out;
overflow:
	snprintf(err, errlen, "the charges of VE %s do not fit 64 bits", ve);
	log_warnx("%s: %s", __func__, err);
	rc = BILLING_EDATA;
out:
	json_decref(lines);
	ve_month_free(&m);
	*rcp = rc;
	if (rc != BILLING_OK) {
		json_decref(out);
		return NULL;
	}
	return out;
}

int
billing_ve_month_lines(struct db *db, const char *ve, int y, int mo, long long now,
    struct rate_line **lines, size_t *n, char *err, size_t errlen)
{
	struct ve_month m;
	int rc;

	*lines = NULL;
	*n = 0;
	if ((rc = ve_month_rate(db, ve, y, mo, now, &m, err, errlen)) == BILLING_OK) {
		*lines = m.lines;
		*n = m.nlines;
		m.lines = NULL;
	}
	ve_month_free(&m);
	return rc;
}

/* ---- the invoice run ---- */

struct bve {
	char		 id[9];
	char		 currency[4];
	long long	 account_id, created_at, quota_mb, plan_id, tax_bp;
	int		 active_now;
	size_t		 vlo, nv;	/* its plan's versions in run.vr */
	size_t		 ev_off, ev_n;
	size_t		 u_off;
	size_t		 line_off, nlines;
};

/* An invoice_lines row for the array-bound INSERT. */
struct bline {
	long long	 invoice_id, seq, version_id, qty, price, amount;
	char		 ve[9], kind[10], res[16], unit[12];	/* res: "availability" */
	char		 ind_ve, ind_kind, ind_res, ind_unit;
};

struct run {
	struct bve		*ve;
	size_t			 nve;
	size_t			*by_id;		/* indexes of ve sorted by id */
	struct vrow		*vr;
	size_t			 nvr;
	struct rate_event	*ev;
	size_t			 nev;
	struct rate_usage	*u;
	size_t			 nu;
	struct rate_version	*vtmp;
	struct rate_line	*lines;
	size_t			 nlines;
	struct bline		*bl;
	size_t			 nbl, cbl;
	struct sla_terms	*sla;		/* per vr entry */
	struct sla_veavail	*avail;		/* measured, by VE id */
	size_t			 navail;
};

static void
run_free(struct run *r)
{
	free(r->sla);
	free(r->avail);
	free(r->ve);
	free(r->by_id);
	free(r->vr);
	free(r->ev);
	free(r->u);
	free(r->vtmp);
	free(r->lines);
	free(r->bl);
	memset(r, 0, sizeof(*r));
}

static int
by_id_cmp(const void *a, const void *b, void *arg)
{
	const struct bve *ve = arg;
	return strcmp(ve[*(const size_t *)a].id, ve[*(const size_t *)b].id);
}

/* Index of VE id in r->ve, or -1. */
static long
find_ve(const struct run *r, const char *id)
{
	size_t lo = 0, hi = r->nve;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->ve[r->by_id[mid]].id, id);
		if (c == 0)
			return (long)r->by_id[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int
run_load_ves(struct db *db, struct run *r, int64_t from, int64_t to, const char *period)
{
	struct db_cur c;
	struct bve b;
	char state[16];
	size_t cap = 0;
	int rc;
	struct dbv p[] = { DBV_INT(to), DBV_INT(from), DBV_STR(period) };
	struct dbo o[] = { DBO_STR(b.id), DBO_INT(&b.account_id), DBO_INT(&b.created_at),
	    DBO_STR(state), DBO_INT(&b.quota_mb), DBO_INT(&b.plan_id), DBO_STR(b.currency),
	    DBO_INT(&b.tax_bp) };

	memset(&b, 0, sizeof(b));
	if (db_query(db, &c, sql[S_VES_PERIOD], p, nitems(p), o, nitems(o)) != DB_OK)
		return BILLING_EDB;
	while ((rc = db_next(&c)) == 1) {
		if (r->nve == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			struct bve *x = reallocarray(r->ve, nc, sizeof(*x));
			if (x == NULL) {
				rc = -1;
				break;
			}
			r->ve = x;
			cap = nc;
		}
		b.active_now = state_active(state);
		r->ve[r->nve++] = b;
	}
	db_cur_close(&c);
	if (rc < 0)
		return BILLING_EDB;
	if ((r->by_id = calloc(r->nve + 1, sizeof(*r->by_id))) == NULL)
		return BILLING_EDB;
	for (size_t i = 0; i < r->nve; i++)
		r->by_id[i] = i;
	qsort_r(r->by_id, r->nve, sizeof(*r->by_id), by_id_cmp, r->ve);
	return BILLING_OK;
}

/* Each VE's slice of its plan's versions and of the usage array. */
static int
run_map_versions(struct run *r, char *err, size_t errlen)
{
	size_t nu = 0;

	for (size_t i = 0; i < r->nve; i++) {
		struct bve *b = &r->ve[i];
		size_t lo = 0, hi = r->nvr;
		/* rows are by plan_id: find the first of this plan */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (r->vr[mid].plan_id < b->plan_id)
				lo = mid + 1;
			else
				hi = mid;
		}
		b->vlo = lo;
		while (lo < r->nvr && r->vr[lo].plan_id == b->plan_id)
			lo++;
		b->nv = lo - b->vlo;
		if (b->nv == 0) {
			snprintf(err, errlen, "the plan of VE %s has no price version", b->id);
			log_warnx("billing run: %s", err);
			return BILLING_EDATA;
		}
		b->u_off = nu;
		nu += b->nv;
	}
	if ((r->u = calloc(nu + 1, sizeof(*r->u))) == NULL)
		return BILLING_EDB;
	r->nu = nu;
	return BILLING_OK;
}

static int
run_load_events(struct db *db, struct run *r, int64_t to)
{
	struct db_cur c;
	char id[9], state[16], last[9] = "";
	long long at;
	long vi = -1;
	size_t cap = 0;
	int rc;
	struct dbv p[] = { DBV_INT(to) };
	struct dbo o[] = { DBO_STR(id), DBO_INT(&at), DBO_STR(state) };

	if (db_query(db, &c, sql[S_EVENTS_ALL], p, 1, o, 3) != DB_OK)
		return BILLING_EDB;
	while ((rc = db_next(&c)) == 1) {
		if (strcmp(id, last) != 0) {
			memcpy(last, id, sizeof(last));
			vi = find_ve(r, id);
			if (vi >= 0)
				r->ve[vi].ev_off = r->nev;
		}
		if (vi < 0)
			continue;
		if (r->nev == cap) {
			size_t nc = cap ? cap * 2 : 4096;
			struct rate_event *x = reallocarray(r->ev, nc, sizeof(*x));
			if (x == NULL) {
				rc = -1;
				break;
			}
			r->ev = x;
			cap = nc;
		}
		r->ev[r->nev].at = at;
		r->ev[r->nev].active = state_active(state);
		r->nev++;
		r->ve[vi].ev_n++;
	}
	db_cur_close(&c);
	return rc < 0 ? BILLING_EDB : BILLING_OK;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Rows of [a, b) of one rollup level, added to each VE's version in force at
 * at (no plan changes version inside the range they belong to).
 */
static int
run_load_range(struct db *db, struct run *r, enum stmt st, int64_t a, int64_t b, int64_t at,
    char *err, size_t errlen)
{
	struct db_cur c;
	char id[9], s[5][32];
	int rc;
	struct dbv p[] = { DBV_INT(a), DBV_INT(b) };
	struct dbo o[] = { DBO_STR(id), DBO_STR(s[0]), DBO_STR(s[1]), DBO_STR(s[2]),
	    DBO_STR(s[3]), DBO_STR(s[4]) };

	if (b <= a)
		return BILLING_OK;
	if (db_query(db, &c, sql[st], p, 2, o, nitems(o)) != DB_OK)
		return BILLING_EDB;
	while ((rc = db_next(&c)) == 1) {
		long vi = find_ve(r, id);
		int64_t cu, cs;
		struct rate_usage x;
		size_t k = 0;
		if (vi < 0)
			continue;	/* invoiced already, or not a VE of this month */
		struct bve *ve = &r->ve[vi];
		while (k + 1 < ve->nv && r->vr[ve->vlo + k + 1].v.valid_from <= at)
			k++;
		if (sum_parse(s[0], &cu) == -1 || sum_parse(s[1], &cs) == -1 ||
		    __builtin_add_overflow(cu, cs, &x.cpu_us) ||
		    sum_parse(s[2], &x.vmem_byte_s) == -1 || sum_parse(s[3], &x.in_bytes) == -1 ||
		    sum_parse(s[4], &x.out_bytes) == -1 ||
		    usage_add(&r->u[ve->u_off + k], &x) == -1) {
			snprintf(err, errlen, "usage of VE %s is negative or too large to rate", id);
			rc = -2;
			break;
		}
	}
	db_cur_close(&c);
	if (rc == -2) {
		log_warnx("billing run: %s", err);
		return BILLING_EDATA;
	}
	return rc < 0 ? BILLING_EDB : BILLING_OK;
}

/*
 * The month's usage per VE and version.  The month is cut at every plan's
 * version changes inside it; in each piece, whole UTC days come from
 * usage_day (31 rows per VE-month instead of 744, and kept for ever while
 * hour rows go after two years) and the hours of a day that a cut splits
 * from usage_hour.  billingd writes both levels from the same spans in one
 * transaction, so a day row is exactly the sum of its hours; the charges'
 * explanation shows both.
 */
static int
run_load_usage(struct db *db, struct run *r, int64_t from, int64_t to, char *err, size_t errlen)
{
	int64_t *cut;
	size_t n = 0;
	int rc = BILLING_OK;

	if ((cut = calloc(r->nvr + 2, sizeof(*cut))) == NULL)
		return BILLING_EDB;
	cut[n++] = from;
	cut[n++] = to;
	for (size_t i = 0; i < r->nvr; i++)
		if (r->vr[i].v.valid_from > from && r->vr[i].v.valid_from < to)
			cut[n++] = r->vr[i].v.valid_from;
	qsort(cut, n, sizeof(*cut), cmp_i64);
	for (size_t i = 0; i + 1 < n && rc == BILLING_OK; i++) {
		int64_t a = cut[i], b = cut[i + 1];
		int64_t da = day_ceil(a), db_ = day_floor(b);
		if (b <= a)
			continue;
		if (da >= db_) {
			rc = run_load_range(db, r, S_USAGE_HOURS, a, b, a, err, errlen);
			continue;
		}
		if ((rc = run_load_range(db, r, S_USAGE_HOURS, a, da, a, err, errlen)) != BILLING_OK ||
		    (rc = run_load_range(db, r, S_USAGE_DAYS, da, db_, a, err, errlen)) != BILLING_OK)
			break;
		rc = run_load_range(db, r, S_USAGE_HOURS, db_, b, a, err, errlen);
	}
	free(cut);
	return rc;
}

static int
run_rate(struct run *r, int64_t from, int64_t to, char *err, size_t errlen)
{
	size_t cap = 0, maxnv = 0;

	for (size_t i = 0; i < r->nve; i++) {
		cap += r->ve[i].nv * RATE_LINES_PER_VERSION + 1;
		if (r->ve[i].nv > maxnv)
			maxnv = r->ve[i].nv;
	}
	if ((r->lines = calloc(cap + 1, sizeof(*r->lines))) == NULL ||
	    (r->vtmp = calloc(maxnv + 1, sizeof(*r->vtmp))) == NULL)
		return BILLING_EDB;
	for (size_t i = 0; i < r->nve; i++) {
		struct bve *b = &r->ve[i];
		struct rate_event one = { b->created_at, b->active_now };
		struct rate_input in = {
			.from = from, .to = to, .acc_from = from, .until = to,
			.created_at = b->created_at, .disk_quota_mb = b->quota_mb,
			.ev = b->ev_n ? r->ev + b->ev_off : &one, .nev = b->ev_n ? b->ev_n : 1,
			.v = r->vtmp, .nv = b->nv, .u = r->u + b->u_off,
			.sla = r->sla + b->vlo,
			.avail = db_sla_avail_find(r->avail, r->navail, b->id),
		};
		size_t n = 0;
		int rc;
		for (size_t k = 0; k < b->nv; k++)
			r->vtmp[k] = r->vr[b->vlo + k].v;
		b->line_off = r->nlines;
		rc = rate_month(&in, r->lines + r->nlines, b->nv * RATE_LINES_PER_VERSION + 1, &n);
		if (rc != RATE_OK) {
			snprintf(err, errlen, "VE %s cannot be rated: %s", b->id,
			    rc == RATE_EOVERFLOW ? "an amount does not fit 64 bits" : "inconsistent data");
			log_warnx("billing run: %s", err);
			return BILLING_EDATA;
		}
		b->nlines = n;
		r->nlines += n;
	}
	return BILLING_OK;
}

static int
bulk_lines(struct db *db, struct bline *rows, size_t n)
{
	MYSQL_BIND b[10];
	MYSQL_STMT *st;
	size_t rowsize = sizeof(*rows);

	for (size_t done = 0; done < n;) {
		unsigned int k = (unsigned int)(n - done < BULK_ROWS ? n - done : BULK_ROWS);
		struct bline *base = rows + done;
		struct { enum enum_field_types t; void *p; char *ind; } col[10] = {
			{ MYSQL_TYPE_LONGLONG, &base->invoice_id, NULL },
			{ MYSQL_TYPE_LONGLONG, &base->seq, NULL },
			{ MYSQL_TYPE_STRING, base->ve, &base->ind_ve },
			{ MYSQL_TYPE_STRING, base->kind, &base->ind_kind },
			{ MYSQL_TYPE_STRING, base->res, &base->ind_res },
			{ MYSQL_TYPE_LONGLONG, &base->version_id, NULL },
			{ MYSQL_TYPE_LONGLONG, &base->qty, NULL },
			{ MYSQL_TYPE_STRING, base->unit, &base->ind_unit },
			{ MYSQL_TYPE_LONGLONG, &base->price, NULL },
			{ MYSQL_TYPE_LONGLONG, &base->amount, NULL },
		};
		if ((st = db_stmt(db, sql[S_LINE_INSERT])) == NULL)
			return db_stmt_rc(db);
		memset(b, 0, sizeof(b));
		for (size_t i = 0; i < nitems(col); i++) {
			b[i].buffer_type = col[i].t;
			b[i].buffer = col[i].p;
			if (col[i].ind != NULL)
				b[i].u.indicator = col[i].ind;
		}
		if (mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &k) != 0 ||
		    mysql_stmt_attr_set(st, STMT_ATTR_ROW_SIZE, &rowsize) != 0 ||
		    mysql_stmt_bind_param(st, b) != 0)
			return db_stmt_error(db, st, "bulk bind");
		if (mysql_stmt_execute(st) != 0)
			return db_stmt_error(db, st, "bulk execute");
		done += k;
	}
	return DB_OK;
}

/*
 * Prepare statements on tables with triggers before the transaction that
 * runs them: a prepare inside it may be aborted by a conflicting write
 * from another Galera node while the server loads the triggers, which
 * spoils the table for that node (see record() in lib/db/db.c).  Outside a
 * transaction nothing can abort it; a failure here shows again, and is
 * handled, where the statement runs.
 */
static void
warm(struct db *db, const enum stmt *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		(void)db_stmt(db, sql[list[i]]);
}

/* The counter row of kind and year, made once (db_tx body). */
struct counter_init {
	const char	*kind;
	int		 year;
};

static int
counter_init_tx(struct db *db, void *arg)
{
	const struct counter_init *x = arg;
	struct dbv p[] = { DBV_STR(x->kind), DBV_INT(x->year) };

	return db_exec(db, sql[S_COUNTER_INIT], p, 2, NULL, NULL);
}

/*
 * Made in a transaction of its own before the one that locks it: inside
 * that one, two issuers' INSERT IGNORE would each hold a shared lock the
 * other's FOR UPDATE waits on (a deadlock every time).
 */
static int
counter_init(struct db *db, const char *kind, int year)
{
	struct counter_init x = { kind, year };

	return db_tx(db, counter_init_tx, &x);
}

/* One chunk of the invoice run: invoices of groups [g0, g1) of r->ve (db_tx body). */
struct run_chunk {
	struct run	*r;
	const size_t	*gs;
	size_t		 g0, g1;
	int		 y, mo, due_days;
	long long	 now;
	int		 made;	/* invoices created, once committed */
};

static int
run_write_chunk(struct db *db, void *arg)
{
	struct run_chunk *x = arg;
	struct run *r = x->r;
	const size_t *gs = x->gs;
	char period[8], number[25];
	long long next = 0, now = x->now;
	int64_t from, to;
	int year = billing_year_of(now), made = 0, rc, due_days = x->due_days;

	x->made = 0;
	period_str(x->y, x->mo, period);
	rate_month_bounds(x->y, x->mo, &from, &to);
	{
		struct dbv p[] = { DBV_STR("INV"), DBV_INT(year) };
		struct dbo o[] = { DBO_INT(&next) };
		if ((rc = db_one(db, sql[S_COUNTER_LOCK], p, 2, o, 1)) != 1)
			return rc == 0 ? DB_ERR : rc;
	}
	r->nbl = 0;
	for (size_t g = x->g0; g < x->g1; g++) {
		const struct bve *first = &r->ve[gs[g]];
		size_t end = gs[g + 1], nl = 0, seq = 0;
		long long id = 0;
		uint64_t newid;
		int64_t sub, tax, total;

		{
			struct dbv p[] = { DBV_INT(first->account_id), DBV_STR(period),
			    DBV_STR(first->currency) };
			struct dbo o[] = { DBO_INT(&id) };
			if ((rc = db_one(db, sql[S_INVOICE_EXISTS], p, 3, o, 1)) < 0)
				return rc;
			if (rc == 1)
				continue;	/* another run was first */
		}
		for (size_t i = gs[g]; i < end; i++)
			nl += r->ve[i].nlines;
		/* The group's lines are contiguous in r->lines (VEs were rated in order). */
		/* cannot fail: billing_invoice_run_opt checked every group's totals */
		(void)rate_totals(r->lines + first->line_off, nl, first->tax_bp, &sub, &tax, &total);
		snprintf(number, sizeof(number), "INV-%04d-%06lld", year, next);
		{
			struct dbv p[] = { DBV_STR(number), DBV_INT(first->account_id), DBV_STR(period),
			    DBV_INT(from), DBV_INT(to), DBV_STR(first->currency),
			    DBV_INT(first->tax_bp), DBV_INT(sub), DBV_INT(tax), DBV_INT(total),
			    DBV_INT(now), DBV_INT(now + (long long)due_days * 86400) };
			if ((rc = db_exec(db, sql[S_INVOICE_INSERT], p, nitems(p), NULL, &newid)) != DB_OK)
				return rc;
		}
		next++;
		made++;
		if (r->nbl + nl > r->cbl) {
			size_t nc = (r->nbl + nl) * 2;
			struct bline *nb = reallocarray(r->bl, nc, sizeof(*nb));
			if (nb == NULL)
				return DB_ERR;
			r->bl = nb;
			r->cbl = nc;
		}
		for (size_t i = gs[g]; i < end; i++) {
			const struct bve *b = &r->ve[i];
			for (size_t k = 0; k < b->nlines; k++) {
				const struct rate_line *l = &r->lines[b->line_off + k];
				struct bline *bl = &r->bl[r->nbl++];
				memset(bl, 0, sizeof(*bl));
				bl->invoice_id = (long long)newid;
				bl->seq = (long long)++seq;
				memcpy(bl->ve, b->id, sizeof(bl->ve));
				snprintf(bl->kind, sizeof(bl->kind), "%s", rate_kind_name(l->kind));
				snprintf(bl->res, sizeof(bl->res), "%s", rate_res_name(l->res));
				snprintf(bl->unit, sizeof(bl->unit), "%s", rate_res_unit(l->res));
				bl->version_id = r->vr[b->vlo + l->ver].v.id;
				bl->qty = l->qty_micro;
				bl->price = l->unit_price_minor;
				bl->amount = l->amount_minor;
				bl->ind_ve = bl->ind_kind = bl->ind_res = bl->ind_unit = STMT_INDICATOR_NTS;
			}
		}
	}
	if (r->nbl > 0 && (rc = bulk_lines(db, r->bl, r->nbl)) != DB_OK)
		return rc;
	{
		struct dbv p[] = { DBV_INT(next), DBV_STR("INV"), DBV_INT(year) };
		if ((rc = db_exec(db, sql[S_COUNTER_SET], p, 3, NULL, NULL)) != DB_OK)
			return rc;
	}
	x->made = made;
	return DB_OK;
}

static double
mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
billing_invoice_run_opt(struct db *db, int y, int mo, long long now, int due_days,
    const char *actor, int *created, char *err, size_t errlen)
{
	struct run r;
	size_t *gs = NULL, ng = 0;
	char period[8];
	int64_t from, to;
	double t[5];
	int rc;

	*created = 0;
	memset(&r, 0, sizeof(r));
	if (errlen > 0)
		err[0] = '\0';
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12) {
		snprintf(err, errlen, "the period must be a month YYYY-MM");
		return BILLING_EINPUT;
	}
	period_str(y, mo, period);
	rate_month_bounds(y, mo, &from, &to);
	if (now < to) {
		snprintf(err, errlen, "%s has not ended yet: only a closed month can be invoiced", period);
		return BILLING_EINPUT;
	}
	if (due_days < 0)
		due_days = DEFAULT_DUE_DAYS;
	/* Late usage (db_adjust.h): from now on, usage stored for this month is marked. */
	if ((rc = db_adjust_period_open(db, period, now)) != BILLING_OK)
		goto out;

	t[0] = mono();
	if ((rc = run_load_ves(db, &r, from, to, period)) != BILLING_OK)
		goto out;
	if (r.nve == 0)
		goto done;
	if ((rc = versions_load(db, 0, &r.vr, &r.nvr)) != BILLING_OK ||
	    (rc = run_map_versions(&r, err, errlen)) != BILLING_OK ||
	    (rc = run_load_events(db, &r, to)) != BILLING_OK)
		goto out;
	t[1] = mono();
	if ((rc = run_load_usage(db, &r, from, to, err, errlen)) != BILLING_OK)
		goto out;
	if ((rc = sla_terms_of(db, 0, r.vr, r.nvr, &r.sla)) != BILLING_OK)
		goto out;
	if (db_sla_avail_all(db, from, to, &r.avail, &r.navail) != DB_OK) {
		rc = BILLING_EDB;
		goto out;
	}
	t[2] = mono();
	if ((rc = run_rate(&r, from, to, err, errlen)) != BILLING_OK)
		goto out;
	t[3] = mono();

	/* Groups: runs of VEs with the same account and currency; gs[ng] ends the last. */
	rc = BILLING_EDB;
	if ((gs = calloc(r.nve + 1, sizeof(*gs))) == NULL)
		goto out;
	for (size_t i = 0; i < r.nve; i++)
		if (i == 0 || r.ve[i].account_id != r.ve[i - 1].account_id ||
		    strcmp(r.ve[i].currency, r.ve[i - 1].currency) != 0)
			gs[ng++] = i;
	gs[ng] = r.nve;
	/* Every invoice's totals first, so an amount that does not fit stops the run before it writes. */
	for (size_t g = 0; g < ng; g++) {
		const struct bve *first = &r.ve[gs[g]];
		size_t nl = 0;
		int64_t sub, tax, total;
		for (size_t i = gs[g]; i < gs[g + 1]; i++)
			nl += r.ve[i].nlines;
		if (rate_totals(r.lines + first->line_off, nl, first->tax_bp, &sub, &tax,
		    &total) != RATE_OK) {
			snprintf(err, errlen, "the invoice of account %lld does not fit 64 bits",
			    first->account_id);
			log_warnx("billing run %s: %s", period, err);
			rc = BILLING_EDATA;
			goto out;
		}
	}
	{
		static const enum stmt w[] = { S_COUNTER_LOCK, S_INVOICE_EXISTS, S_INVOICE_INSERT,
		    S_LINE_INSERT, S_COUNTER_SET };
		warm(db, w, nitems(w));
	}
	if ((rc = counter_init(db, "INV", billing_year_of(now))) != DB_OK) {
		snprintf(err, errlen, "the database failed while writing invoices (%s)",
		    db_strerror(rc));
		rc = BILLING_EDB;
		goto out;
	}
	for (size_t g = 0; g < ng; g += RUN_CHUNK) {
		struct run_chunk x = { &r, gs, g, g + RUN_CHUNK < ng ? g + RUN_CHUNK : ng,
		    y, mo, due_days, now, 0 };
		int d = db_tx(db, run_write_chunk, &x);
		if (d == DB_OK)
			*created += x.made;
		else {
			snprintf(err, errlen, "the database failed while writing invoices (%s)",
			    db_strerror(d));
			log_warnx("billing run %s: %s after %d invoices", period, err, *created);
			rc = BILLING_EDB;
			goto out;
		}
	}
	t[4] = mono();
	log_info("billing run %s: %zu VEs, %d invoices, %zu lines; VEs and history %.2f s, "
	    "usage %.2f s, rating %.2f s, writing %.2f s", period, r.nve, *created, r.nlines,
	    t[1] - t[0], t[2] - t[1], t[3] - t[2], t[4] - t[3]);
done:
	billing_audit(db, now, actor ? actor : "vepctl", "invoice.run", period,
	    json_pack("{s:i, s:I}", "created", *created, "ves", (json_int_t)r.nve));
	rc = BILLING_OK;
out:
	if (rc == BILLING_EDB && err[0] == '\0')
		snprintf(err, errlen, "the database failed or is unavailable; nothing more was written");
	free(gs);
	run_free(&r);
	return rc;
}

int
billing_invoice_run(struct db *db, int y, int mo, long long now, int *created, char *err,
    size_t errlen)
{
	return billing_invoice_run_opt(db, y, mo, now, DEFAULT_DUE_DAYS, "vepctl", created,
	    err, errlen);
}

/* ---- invoices as JSON ---- */

struct inv {
	long long	 id, account_id, tax_bp, sub, tax, total, issued, due, credited, paid;
	char		 number[25], period[8], currency[4];
};

#define INV_OUTPUTS(x) { DBO_INT(&(x).id), DBO_STR((x).number), DBO_INT(&(x).account_id), \
	DBO_STR((x).period), DBO_STR((x).currency), DBO_INT(&(x).tax_bp), DBO_INT(&(x).sub), \
	DBO_INT(&(x).tax), DBO_INT(&(x).total), DBO_INT(&(x).issued), DBO_INT(&(x).due), \
	DBO_INT(&(x).credited), DBO_INT(&(x).paid) }

static json_t *
inv_summary(const struct inv *x, long long now)
{
	long long bal = x->total + x->credited - x->paid;
	const char *st = bal <= 0 ? "paid" : now > x->due ? "overdue" : "open";

	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:s}",
	    "number", x->number, "period", x->period, "currency", x->currency,
	    "issued_at", billing_json_iso(x->issued), "due_at", billing_json_iso(x->due),
	    "subtotal_minor", (json_int_t)x->sub, "tax_minor", (json_int_t)x->tax,
	    "total_minor", (json_int_t)x->total, "credited_minor", (json_int_t)x->credited,
	    "paid_minor", (json_int_t)x->paid, "balance_minor", (json_int_t)bal, "status", st);
}

json_t *
billing_ve_invoices_json(struct db *db, const char *ve, long long now, int *rcp)
{
	struct db_cur c;
	struct inv x;
	json_t *arr = json_array(), *out;
	int rc;
	struct dbv p[] = { DBV_STR(ve) };
	struct dbo o[] = INV_OUTPUTS(x);

	*rcp = BILLING_EDB;
	if (arr == NULL || db_query(db, &c, sql[S_VE_INVOICES], p, 1, o, nitems(o)) != DB_OK) {
		json_decref(arr);
		return NULL;
	}
	while ((rc = db_next(&c)) == 1)
		json_array_append_new(arr, inv_summary(&x, now));
	db_cur_close(&c);
	if (rc < 0 || (out = json_pack("{s:o}", "invoices", arr)) == NULL) {
		json_decref(arr);
		return NULL;
	}
	/* Late usage's debit and credit notes (db_adjust.h). */
	if (db_adjust_ve_notes_json(db, ve, now, out) == -1) {
		json_decref(out);
		return NULL;
	}
	*rcp = BILLING_OK;
	return out;
}

static int
invoice_details(struct db *db, const struct inv *x, json_t *out)
{
	struct db_cur c;
	char ve[9], kind[10], res[16], unit[16], number[25], reason[256], desc[256], ref[129];
	long long qty, price, amount, id, sub, tax, total, at;
	json_t *lines = json_array(), *cns = json_array(), *pays = json_array();
	struct dbv p[] = { DBV_INT(x->id) };
	int rc;

	json_object_set_new(out, "lines", lines);
	json_object_set_new(out, "credit_notes", cns);
	json_object_set_new(out, "payments", pays);
	{
		struct dbo o[] = { DBO_STR(ve), DBO_STR(kind), DBO_STR(res), DBO_INT(&qty),
		    DBO_STR(unit), DBO_INT(&price), DBO_INT(&amount) };
		if (db_query(db, &c, sql[S_INVOICE_LINES], p, 1, o, nitems(o)) != DB_OK)
			return -1;
		while ((rc = db_next(&c)) == 1) {
			json_t *l = line_json(kind, res, qty, unit, price, amount);
			json_object_set_new(l, "ve_id", json_string(ve));
			json_array_append_new(lines, l);
		}
		db_cur_close(&c);
		if (rc < 0)
			return -1;
	}
	{
		struct dbo o[] = { DBO_INT(&id), DBO_STR(number), DBO_STR(reason), DBO_INT(&sub),
		    DBO_INT(&tax), DBO_INT(&total), DBO_INT(&at) };
		if (db_query(db, &c, sql[S_INVOICE_CNS], p, 1, o, nitems(o)) != DB_OK)
			return -1;
		while ((rc = db_next(&c)) == 1)
			json_array_append_new(cns, json_pack("{s:I, s:s, s:s, s:o, s:I, s:I, s:I, s:[]}",
			    "id", (json_int_t)id, "number", number, "reason", reason,
			    "issued_at", billing_json_iso(at), "subtotal_minor", (json_int_t)sub,
			    "tax_minor", (json_int_t)tax, "total_minor", (json_int_t)total, "lines"));
		db_cur_close(&c);
		if (rc < 0)
			return -1;
	}
	{
		struct dbo o[] = { DBO_INT(&id), DBO_STR(ve), DBO_STR(res), DBO_STR(desc),
		    DBO_INT(&amount) };
		if (db_query(db, &c, sql[S_INVOICE_CN_LINES], p, 1, o, nitems(o)) != DB_OK)
			return -1;
		while ((rc = db_next(&c)) == 1) {
			size_t k;
			json_t *cn;
			json_array_foreach(cns, k, cn) {
				if (json_integer_value(json_object_get(cn, "id")) != id)
					continue;
				json_t *l = json_pack("{s:s, s:s, s:I}", "resource", res,
				    "description", desc, "amount_minor", (json_int_t)amount);
				json_object_set_new(l, "ve_id", ve[0] ? json_string(ve) : json_null());
				json_array_append_new(json_object_get(cn, "lines"), l);
			}
		}
		db_cur_close(&c);
		if (rc < 0)
			return -1;
		size_t k;
		json_t *cn;
		json_array_foreach(cns, k, cn)
			json_object_del(cn, "id");
	}
	{
		struct dbo o[] = { DBO_INT(&at), DBO_INT(&amount), DBO_STR(ref) };
		if (db_query(db, &c, sql[S_INVOICE_PAYMENTS], p, 1, o, nitems(o)) != DB_OK)
			return -1;
		while ((rc = db_next(&c)) == 1) {
			char d[21];
			vep_iso8601(at, d);
			d[10] = '\0';
			json_array_append_new(pays, json_pack("{s:s, s:I, s:s}", "date", d,
			    "amount_minor", (json_int_t)amount, "reference", ref));
		}
		db_cur_close(&c);
		if (rc < 0)
			return -1;
	}
	return 0;
}

json_t *
billing_invoice_json(struct db *db, const char *number, const char *owner_ve, long long now,
    int *rcp)
{
	struct inv x;
	json_t *out;
	int rc;
	struct dbv p[] = { DBV_STR(number) };
	struct dbo o[] = INV_OUTPUTS(x);

	*rcp = BILLING_EDB;
	if (strncmp(number, "DN-", 3) == 0)	/* a debit note (db_adjust.h) */
		return db_adjust_dn_json(db, number, owner_ve, now, rcp);
	if (strlen(number) >= sizeof(x.number)) {
		*rcp = BILLING_ENOENT;
		return NULL;
	}
	if ((rc = db_one(db, sql[S_INVOICE_GET], p, 1, o, nitems(o))) < 0)
		return NULL;
	if (rc == 0) {
		*rcp = BILLING_ENOENT;
		return NULL;
	}
	if (owner_ve != NULL) {
		long long acct = -1;
		struct dbv q[] = { DBV_STR(owner_ve) };
		struct dbo a[] = { DBO_INT(&acct) };
		if ((rc = db_one(db, sql[S_VE_ACCOUNT], q, 1, a, 1)) < 0)
			return NULL;
		if (rc == 0 || acct != x.account_id) {
			*rcp = BILLING_ENOENT;
			return NULL;
		}
	}
	if ((out = inv_summary(&x, now)) == NULL)
		return NULL;
	json_object_set_new(out, "tax_bp", json_integer(x.tax_bp));
	if (invoice_details(db, &x, out) == -1 ||
	    db_adjust_invoice_json(db, x.id, out, now) == -1) {
		json_decref(out);
		return NULL;
	}
	*rcp = BILLING_OK;
	return out;
}

/* ---- payments and credit notes ---- */

/*
 * What an invoice's writers decide on (after doc_claim): 1 found
 * (fields set), 0 not found, < 0 db_rc.
 */
static int
invoice_open(struct db *db, const char *number, long long *id, long long *tax_bp,
    long long *open, long long *paid, char cur[4])
{
	long long total, credited;
	struct dbv p[] = { DBV_STR(number) };
	struct dbo o[] = { DBO_INT(id), DBO_INT(tax_bp), DBO_INT(&total), DBO_STRP(cur, 4),
	    DBO_INT(&credited), DBO_INT(paid) };
	int rc = db_one(db, sql[S_INVOICE_OPEN], p, 1, o, nitems(o));
	if (rc == 1)
		*open = total + credited - *paid;
	return rc;
}

/* A document's row of its writes table, made once (db_tx body, before the writer's own). */
struct doc_row {
	const char	*sql, *number;
};

static int
doc_row_tx(struct db *db, void *arg)
{
	const struct doc_row *x = arg;
	struct dbv p[] = { DBV_STR(x->number) };

	return db_exec(db, x->sql, p, 1, NULL, NULL);
}

/*
 * Every payment and credit note of a document begins with this: bump its
 * row of invoice_writes or debit_note_writes (made beforehand by
 * doc_row_tx), the first row it locks and before any read that decides.
 * On one server the writers of a document queue here and each reads what
 * the one before it committed.  On Galera a write of the same row through
 * another node either was applied before (we see its effects) or aborts
 * us when it arrives (we run again); the document's own row is not
 * locked, since an applier of another node's payment takes a shared lock
 * on it (the foreign key) and would abort us after certification.  The
 * row is named by its primary key: one statement, one row, one
 * certification key.  1 done, 0 no such row, or a db_rc.
 */
static int
doc_claim(struct db *db, const char *touch, long long id)
{
	uint64_t n = 0;
	struct dbv p[] = { DBV_INT(id) };
	int rc;

	if ((rc = db_exec(db, touch, p, 1, &n, NULL)) != DB_OK)
		return rc;
	return n == 1 ? 1 : 0;
}

/* A payment (db_tx body): returns a db_rc or a BILLING_E* code; err set for EINPUT. */
struct payment {
	const struct billing_paydoc	*d;
	const char			*number, *ref, *actor;
	long long			 doc, amount, paid_at, now;
	long long			 id;	/* the new payment, once committed */
	char				*err;
	size_t				 errlen;
	char				 token[33];	/* this call's, hex */
};

static int
payment_tx(struct db *db, void *arg)
{
	struct payment *x = arg;
	long long total, credited, paid;
	int64_t shown;
	char cur[4], a[32];
	uint64_t newid;
	int rc;

	if ((rc = doc_claim(db, x->d->touch, x->doc)) != 1)
		return rc == 0 ? BILLING_ENOENT : rc;
	{
		/*
		 * Run again after the connection was lost while committing:
		 * the commit may have been made.  Then the payment is ours.
		 */
		struct dbv p[] = { DBV_STR(x->token) };
		struct dbo o[] = { DBO_INT(&x->id) };
		if ((rc = db_one(db, x->d->mine, p, 1, o, 1)) == 1) {
			log_info("%s: payment %lld on %s was committed by an earlier try", __func__,
			    x->id, x->number);
			return DB_OK;	/* commits only the bump */
		}
		if (rc < 0)
			return rc;
	}
	{
		struct dbv p[] = { DBV_INT(x->doc) };
		struct dbo o[] = { DBO_INT(&total), DBO_STRP(cur, 4), DBO_INT(&credited),
		    DBO_INT(&paid) };
		if ((rc = db_one(db, x->d->open, p, 1, o, nitems(o))) != 1)
			return rc == 0 ? BILLING_ENOENT : rc;
	}
	switch (money_pay_check(x->amount, total, credited, paid, &shown)) {
	case MONEY_PAY_OK:
		break;
	case MONEY_PAY_OVER_OPEN:
		money_format(shown, cur, a, sizeof(a));
		snprintf(x->err, x->errlen, "the payment is more than the open amount of %s (%s %s)",
		    x->number, a, cur);
		return BILLING_EINPUT;
	case MONEY_PAY_OVER_PAID:
		money_format(shown, cur, a, sizeof(a));
		snprintf(x->err, x->errlen, "a reversal cannot exceed what was paid on %s (%s %s)",
		    x->number, a, cur);
		return BILLING_EINPUT;
	}
	{
		struct dbv p[] = { DBV_INT(x->doc), DBV_INT(x->amount), DBV_INT(x->paid_at),
		    DBV_STR(x->ref), DBV_INT(x->now), DBV_STR(x->actor), DBV_STR(x->token) };
		if ((rc = db_exec(db, x->d->insert, p, nitems(p), NULL, &newid)) != DB_OK)
			return rc;
	}
	if ((rc = billing_audit(db, x->now, x->actor, x->d->action, x->number,
	    json_pack("{s:I, s:I, s:s}", "amount_minor", (json_int_t)x->amount,
	    "paid_at", (json_int_t)x->paid_at, "reference", x->ref))) != DB_OK)
		return rc;
	x->id = (long long)newid;
	return DB_OK;
}

/* A db_tx outcome as a billing code: the module's own codes as they are. */
static int
billing_rc(int rc)
{
	if (rc == DB_OK)
		return BILLING_OK;
	if (rc <= BILLING_EINPUT)
		return rc;
	return BILLING_EDB;
}

int
billing_doc_payment(struct db *db, const struct billing_paydoc *d, const char *number,
    long long amount, long long paid_at, const char *ref, const char *actor, long long now,
    long long *id, char *err, size_t errlen)
{
	struct payment x = { d, number, ref, actor, 0, amount, paid_at, now, 0, err, errlen, "" };
	struct doc_row r = { d->row, number };
	int rc;

	if (amount == 0) {
		snprintf(err, errlen, "amount_minor must not be 0");
		return BILLING_EINPUT;
	}
	if (ref == NULL || strlen(ref) > 128 || !vep_valid_utf8(ref, strlen(ref))) {
		snprintf(err, errlen, "the reference must be at most 128 characters of UTF-8");
		return BILLING_EINPUT;
	}
	if (strlen(number) > 24)
		return BILLING_ENOENT;
	{
		unsigned char t[16];
		if (vep_random(t, sizeof(t)) == -1)
			return BILLING_EDB;
		for (size_t i = 0; i < sizeof(t); i++)
			snprintf(x.token + 2 * i, 3, "%02x", t[i]);
	}
	if (db_tx(db, doc_row_tx, &r) != DB_OK)
		return BILLING_EDB;
	{
		/* A number names one document for good: read once, outside. */
		struct dbv p[] = { DBV_STR(number) };
		struct dbo o[] = { DBO_INT(&x.doc) };
		if ((rc = db_one(db, d->id, p, 1, o, 1)) != 1)
			return rc == 0 ? BILLING_ENOENT : BILLING_EDB;
	}
	/* Prepared before the transaction (see warm()). */
	(void)db_stmt(db, d->touch);
	(void)db_stmt(db, d->open);
	(void)db_stmt(db, d->mine);
	(void)db_stmt(db, d->insert);
	(void)db_stmt(db, sql[S_AUDIT]);
	if ((rc = billing_rc(db_tx(db, payment_tx, &x))) == BILLING_OK)
		*id = x.id;
	return rc;
}

int
billing_payment_add(struct db *db, const char *number, long long amount, long long paid_at,
    const char *ref, const char *actor, long long now, long long *id, char *err, size_t errlen)
{
	const struct billing_paydoc invoice_doc = {
		.row = sql[S_INVOICE_ROW], .id = sql[S_INVOICE_ID], .touch = sql[S_INVOICE_TOUCH],
		.open = sql[S_INVOICE_DUE], .mine = sql[S_PAYMENT_MINE],
		.insert = sql[S_PAYMENT_INSERT],
		.action = "invoice.payment",
	};

	if (amount == 0) {
		snprintf(err, errlen, "amount_minor must not be 0");
		return BILLING_EINPUT;
	}
	if (strncmp(number, "DN-", 3) == 0)	/* a debit note (db_adjust.h) */
		return db_adjust_dn_payment(db, number, amount, paid_at, ref, actor, now, id, err,
		    errlen);
	return billing_doc_payment(db, &invoice_doc, number, amount, paid_at, ref, actor, now, id,
	    err, errlen);
}

/* A credit note (db_tx body): returns a db_rc or a BILLING_E* code; err set for EINPUT. */
struct credit {
	const char			*invoice, *reason, *actor;
	const struct billing_cn_line	*l;
	size_t				 n;
	long long			 now;
	int64_t				 sub;
	char				*number;	/* 25 bytes, set once committed */
	char				*err;
	size_t				 errlen;
	long long			 inv;
};

static int
credit_tx(struct db *db, void *arg)
{
	struct credit *x = arg;
	const struct billing_cn_line *l = x->l;
	long long inv, bp, open, paid, next = 0, cnt;
	int64_t tax, total, sub = x->sub;
	char cur[4], a[32], number[25];
	uint64_t cnid;
	int year = billing_year_of(x->now), rc;

	if ((rc = doc_claim(db, sql[S_INVOICE_TOUCH], x->inv)) != 1 ||
	    (rc = invoice_open(db, x->invoice, &inv, &bp, &open, &paid, cur)) != 1)
		return rc == 0 ? BILLING_ENOENT : rc;
	if (money_tax(sub, bp, &tax) == -1 || __builtin_add_overflow(sub, tax, &total) ||
	    -total > open) {
		money_format(open, cur, a, sizeof(a));
		snprintf(x->err, x->errlen, "the credit (tax included) is more than the open amount "
		    "of %s (%s %s)", x->invoice, a, cur);
		return BILLING_EINPUT;
	}
	for (size_t i = 0; i < x->n; i++) {
		if (l[i].ve_id[0] == '\0')
			continue;
		struct dbv p[] = { DBV_INT(inv), DBV_STR(l[i].ve_id) };
		struct dbo o[] = { DBO_INT(&cnt) };
		if ((rc = db_one(db, sql[S_INVOICE_HAS_VE], p, 2, o, 1)) != 1)
			return rc == 0 ? DB_ERR : rc;
		if (cnt == 0) {
			snprintf(x->err, x->errlen, "line %zu: VE %s is not on invoice %s", i + 1,
			    l[i].ve_id, x->invoice);
			return BILLING_EINPUT;
		}
	}
	{
		struct dbv p[] = { DBV_STR("CN"), DBV_INT(year) };
		struct dbo o[] = { DBO_INT(&next) };
		if ((rc = db_one(db, sql[S_COUNTER_LOCK], p, 2, o, 1)) != 1)
			return rc == 0 ? DB_ERR : rc;
	}
	snprintf(number, sizeof(number), "CN-%04d-%06lld", year, next);
	{
		struct dbv p[] = { DBV_STR(number), DBV_INT(inv), DBV_STR(x->reason), DBV_INT(sub),
		    DBV_INT(tax), DBV_INT(total), DBV_INT(x->now), DBV_STR(x->actor) };
		if ((rc = db_exec(db, sql[S_CN_INSERT], p, nitems(p), NULL, &cnid)) != DB_OK)
			return rc;
	}
	for (size_t i = 0; i < x->n; i++) {
		struct dbv p[] = { DBV_INT(cnid), DBV_INT(i + 1),
		    l[i].ve_id[0] ? DBV_STR(l[i].ve_id) : DBV_NULL, DBV_STR(rate_res_name(l[i].res)),
		    DBV_STR(l[i].description), DBV_INT(l[i].amount_minor) };
		if ((rc = db_exec(db, sql[S_CN_LINE_INSERT], p, nitems(p), NULL, NULL)) != DB_OK)
			return rc;
	}
	{
		struct dbv p[] = { DBV_INT(next + 1), DBV_STR("CN"), DBV_INT(year) };
		if ((rc = db_exec(db, sql[S_COUNTER_SET], p, 3, NULL, NULL)) != DB_OK)
			return rc;
	}
	if ((rc = billing_audit(db, x->now, x->actor, "invoice.credit_note", x->invoice,
	    json_pack("{s:s, s:I, s:s}", "number", number, "total_minor", (json_int_t)total,
	    "reason", x->reason))) != DB_OK)
		return rc;
	memcpy(x->number, number, sizeof(number));
	return DB_OK;
}

int
billing_credit_note(struct db *db, const char *invoice, const struct billing_cn_line *l,
    size_t n, const char *reason, const char *actor, long long now, char number[25],
    char *err, size_t errlen)
{
	struct credit x = { invoice, reason, actor, l, n, now, 0, number, err, errlen, 0 };

	if (n == 0 || n > 100) {
		snprintf(err, errlen, "a credit note has 1 to 100 lines");
		return BILLING_EINPUT;
	}
	if (reason == NULL || strlen(reason) < 1 || strlen(reason) > 255 ||
	    !vep_valid_utf8(reason, strlen(reason))) {
		snprintf(err, errlen, "the reason must be 1 to 255 characters of UTF-8");
		return BILLING_EINPUT;
	}
	for (size_t i = 0; i < n; i++) {
		if (l[i].amount_minor >= 0) {
			snprintf(err, errlen, "line %zu: amount_minor must be negative (a credit)", i + 1);
			return BILLING_EINPUT;
		}
		if ((unsigned)l[i].res >= RR__MAX) {
			snprintf(err, errlen, "line %zu: unknown resource", i + 1);
			return BILLING_EINPUT;
		}
		if (__builtin_add_overflow(x.sub, (int64_t)l[i].amount_minor, &x.sub)) {
			snprintf(err, errlen, "the credit is too large");
			return BILLING_EINPUT;
		}
	}
	if (strlen(invoice) > 24)
		return BILLING_ENOENT;
	if (counter_init(db, "CN", billing_year_of(now)) != DB_OK ||
	    db_tx(db, doc_row_tx, &(struct doc_row){ sql[S_INVOICE_ROW], invoice }) != DB_OK)
		return BILLING_EDB;
	{
		struct dbv p[] = { DBV_STR(invoice) };
		struct dbo o[] = { DBO_INT(&x.inv) };
		int rc = db_one(db, sql[S_INVOICE_ID], p, 1, o, 1);
		if (rc != 1)
			return rc == 0 ? BILLING_ENOENT : BILLING_EDB;
	}
	{
		static const enum stmt w[] = { S_INVOICE_TOUCH, S_INVOICE_OPEN, S_INVOICE_HAS_VE,
		    S_COUNTER_LOCK, S_CN_INSERT, S_CN_LINE_INSERT, S_COUNTER_SET, S_AUDIT };
		warm(db, w, nitems(w));
	}
	return billing_rc(db_tx(db, credit_tx, &x));
}

/* ---- policies for billingd ---- */

int
billing_overdue_ves(struct db *db, long long now, int days, char (**out)[9], size_t *n)
{
	struct db_cur c;
	char id[9];
	size_t cap = 0;
	int rc;
	struct dbv p[] = { DBV_INT(now - (long long)days * 86400) };
	struct dbo o[] = { DBO_STR(id) };

	*out = NULL;
	*n = 0;
	if (days < 0)
		return BILLING_EINPUT;
	if (db_query(db, &c, sql[S_OVERDUE], p, 1, o, 1) != DB_OK)
		return BILLING_EDB;
	while ((rc = db_next(&c)) == 1) {
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			char (*x)[9] = reallocarray(*out, nc, sizeof(*x));
			if (x == NULL) {
				rc = -1;
				break;
			}
			*out = x;
			cap = nc;
		}
		memcpy((*out)[(*n)++], id, sizeof(id));
	}
	db_cur_close(&c);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return BILLING_EDB;
	}
	return BILLING_OK;
}

int
billing_overdue_apply(struct db *db, long long now, int days, int *suspended, int *resumed)
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
billing_caps_check(struct db *db, long long now, long long default_kbps, int *reached,
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
	period_str(y, m, period);
	{
		struct dbv p[] = { DBV_INT(from), DBV_INT(to) };
		struct dbo o[] = { DBO_STR(id), DBO_INT(&qmax[0]), DBO_INT(&qmax[1]),
		    DBO_INT(&qmax[2]), DBO_INT(&bw[0]), DBO_INT(&bw[1]), DBO_INT(&bw[2]),
		    DBO_STR(action), DBO_STR(sin), DBO_STR(sout) };
		if (db_query(db, &c, sql[S_CAPS_USAGE], p, 2, o, nitems(o)) != DB_OK)
			return BILLING_EDB;
		while ((rc = db_next(&c)) == 1) {
			int64_t used[3];
			if (sum_parse(sin, &in) == -1 || sum_parse(sout, &out) == -1)
				continue;
			used[0] = in > INT64_MAX - out ? INT64_MAX : in + out;
			used[1] = in;
			used[2] = out;
			for (int k = 0; k < 3; k++) {
				if (qmax[k] <= 0 || qmax[k] > INT64_MAX / 1000000 ||
				    used[k] < qmax[k] * 1000000)
					continue;
				if (ncp == cap) {
					size_t nc = cap ? cap * 2 : 16;
					struct capped *x = reallocarray(cp, nc, sizeof(*x));
					if (x == NULL) {
						rc = -1;
						break;
					}
					cp = x;
					cap = nc;
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
		if (billing_audit(db, now, "billing", x->suspend ? "ve.cap_suspend" : "ve.cap_throttle",
		    x->ve, json_pack("{s:s, s:I, s:I, s:I}", "resource", rate_res_name(x->res),
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
billing_cap_throttle_kbps(struct db *db, const char *ve, long long now, long long *kbps)
{
	char period[8];
	int y, m;

	rate_month_of(now, &y, &m);
	period_str(y, m, period);
	struct dbv p[] = { DBV_STR(ve), DBV_STR(period) };
	struct dbo o[] = { DBO_INT(kbps) };
	*kbps = 0;
	return db_one(db, sql[S_CAP_THROTTLE], p, 2, o, 1) < 0 ? BILLING_EDB : BILLING_OK;
}
