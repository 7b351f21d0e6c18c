/*
 * Late usage's SQL and its notes: see db_adjust.h for how late usage is
 * found and why nothing is billed twice or lost, adjust.h for the numbers.
 *
 * Locks, in order, in the transaction that issues an invoice's notes: the
 * invoice's invoice_writes row (which payments and manual credit notes
 * bump first: the one that holds across Galera nodes), the invoice row
 * (FOR UPDATE), then the DN counter row, then the CN counter row.  What was billed is
 * read after the invoice lock, so two runs at once see each other's notes.
 * The writer only ever takes a shared lock on invoiced_periods and writes
 * usage_late rows; the run deletes those rows only where n is still what it
 * read before rating, so a mark written meanwhile survives.  Locks hold on
 * one Galera node only, so for a past month the writer and the run opening
 * it also both write its period_writes row: the second to commit through
 * another node fails certification and runs again, seeing the first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "adjust.h"
#include "db.h"
#include "db_adjust.h"
#include "db_billing.h"
#include "db_usage.h"
#include "log.h"
#include "money.h"
#include "rating.h"
#include "util.h"

#define BULK_ROWS	1000

enum stmt {
	S_PERIOD_OPEN,
	S_PERIOD_GUARD,
	S_PERIOD_LOCK,
	S_MARK,
	S_MARKS,
	S_MARK_CLEAR,
	S_INV_LOCK,
	S_INV_ROW,
	S_INV_TOUCH,
	S_BILLED_NOTES,
	S_BILLED_INV,
	S_BILLED_LATE,
	S_COUNTER_INIT,
	S_COUNTER_LOCK,
	S_COUNTER_SET,
	S_DN_INSERT,
	S_DN_LINE_INSERT,
	S_CN_INSERT,
	S_CN_LINE_INSERT,
	S_LATE_LINE_INSERT,
	S_DN_GET,
	S_DN_LINES,
	S_DN_PAYMENTS,
	S_VE_ACCOUNT,
	S_INV_DNS,
	S_INV_LATE_LINES,
	S_VE_NOTES,
	S_DN_LIST,
	S_DN_COUNT,
	S_DN_ROW,
	S_DN_ID,
	S_DN_TOUCH,
	S_DN_DUE,
	S_DN_PAY_INSERT,
	S_DN_PAY_MINE,
	S__MAX
};

/* What was paid on debit note d. */
#define DN_PAID \
	"CAST(COALESCE((SELECT SUM(p.amount_minor) FROM debit_note_payments p " \
	"WHERE p.debit_note_id = d.id), 0) AS SIGNED)"
#define DN_COLS \
	"d.id, d.number, i.number, i.account_id, i.period, i.currency, i.tax_bp, d.reason, " \
	"d.subtotal_minor, d.tax_minor, d.total_minor, d.issued_at, d.due_at, " DN_PAID

static const char *const sql[S__MAX] = {
	[S_PERIOD_OPEN] =
	    "INSERT IGNORE INTO invoiced_periods (period, first_at) VALUES (?, ?)",
	/* Written by the run and by the writer for a past month (0012_period_writes.sql). */
	[S_PERIOD_GUARD] =
	    "INSERT INTO period_writes (period, n) VALUES (?, 1) ON DUPLICATE KEY UPDATE n = n + 1",
	/* A missing row locks its gap: the run's insert of it waits for our commit. */
	[S_PERIOD_LOCK] =
	    "SELECT COUNT(*) FROM invoiced_periods WHERE period = ? LOCK IN SHARE MODE",
	[S_MARK] =
	    "INSERT INTO usage_late (ve_id, period, n, first_at, last_at) VALUES (?, ?, 1, ?, ?) "
	    "ON DUPLICATE KEY UPDATE n = n + 1, last_at = VALUES(last_at)",
	/* The marks with the invoice they concern, by invoice. */
	[S_MARKS] =
	    "SELECT i.id, i.number, l.period, l.ve_id, l.n FROM usage_late l "
	    "JOIN invoiced_periods ip ON ip.period = l.period "
	    "JOIN ves v ON v.id = l.ve_id JOIN orders o ON o.id = v.order_id "
	    "JOIN plans p ON p.id = o.plan_id "
	    "JOIN invoices i ON i.account_id = v.account_id AND i.period = l.period "
	    "AND i.currency = p.currency ORDER BY i.id, l.ve_id LIMIT ?",
	[S_MARK_CLEAR] =
	    "DELETE FROM usage_late WHERE ve_id = ? AND period = ? AND n = ?",
	[S_INV_LOCK] =
	    "SELECT tax_bp, subtotal_minor, tax_minor FROM invoices WHERE id = ? FOR UPDATE",
	/* The invoice's writes row (0009): a late credit note lowers what may be paid. */
	[S_INV_ROW] = "INSERT IGNORE INTO invoice_writes (invoice_id, n) VALUES (?, 0)",
	[S_INV_TOUCH] = "UPDATE invoice_writes SET n = n + 1 WHERE invoice_id = ?",
	/* Subtotal and tax of the notes late usage caused on an invoice so far. */
	[S_BILLED_NOTES] =
	    "SELECT CAST(COALESCE(SUM(s), 0) AS SIGNED), CAST(COALESCE(SUM(t), 0) AS SIGNED) FROM ("
	    "SELECT subtotal_minor s, tax_minor t FROM debit_notes WHERE invoice_id = ? "
	    "UNION ALL SELECT c.subtotal_minor, c.tax_minor FROM credit_notes c "
	    "WHERE c.invoice_id = ? AND c.id IN (SELECT note_id FROM late_lines "
	    "WHERE note_kind = 'CN' AND invoice_id = ?)) x",
	/* Only rated lines: other kinds (credits on the invoice) are not usage. */
	[S_BILLED_INV] =
	    "SELECT resource, CAST(SUM(quantity_micro) AS SIGNED), CAST(SUM(amount_minor) AS SIGNED) "
	    "FROM invoice_lines WHERE invoice_id = ? AND ve_id = ? "
	    "AND kind IN ('fee', 'usage', 'overage') GROUP BY resource",
	[S_BILLED_LATE] =
	    "SELECT resource, CAST(SUM(qty_after_micro - qty_before_micro) AS SIGNED), "
	    "CAST(SUM(amount_minor) AS SIGNED) FROM late_lines WHERE invoice_id = ? AND ve_id = ? "
	    "GROUP BY resource",
	[S_COUNTER_INIT] =
	    "INSERT IGNORE INTO billing_counters (kind, year, next_no) VALUES (?, ?, 1)",
	[S_COUNTER_LOCK] =
	    "SELECT next_no FROM billing_counters WHERE kind = ? AND year = ? FOR UPDATE",
	[S_COUNTER_SET] =
	    "UPDATE billing_counters SET next_no = ? WHERE kind = ? AND year = ?",
	[S_DN_INSERT] =
	    "INSERT INTO debit_notes (number, invoice_id, reason, subtotal_minor, tax_minor, "
	    "total_minor, issued_at, due_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_DN_LINE_INSERT] =
	    "INSERT INTO debit_note_lines (debit_note_id, seq, ve_id, resource, description, "
	    "amount_minor) VALUES (?, ?, ?, ?, ?, ?)",
	[S_CN_INSERT] =
	    "INSERT INTO credit_notes (number, invoice_id, reason, subtotal_minor, tax_minor, "
	    "total_minor, issued_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[S_CN_LINE_INSERT] =
	    "INSERT INTO credit_note_lines (credit_note_id, seq, ve_id, resource, description, "
	    "amount_minor) VALUES (?, ?, ?, ?, ?, ?)",
	[S_LATE_LINE_INSERT] =
	    "INSERT INTO late_lines (note_kind, note_id, seq, invoice_id, ve_id, resource, unit, "
	    "qty_before_micro, qty_after_micro, amount_minor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_DN_GET] =
	    "SELECT " DN_COLS " FROM debit_notes d JOIN invoices i ON i.id = d.invoice_id "
	    "WHERE d.number = ?",
	[S_DN_LINES] =
	    "SELECT COALESCE(dl.ve_id, ''), dl.resource, dl.description, dl.amount_minor, "
	    "COALESCE(l.unit, ''), COALESCE(l.qty_before_micro, 0), COALESCE(l.qty_after_micro, 0), "
	    "l.seq IS NOT NULL FROM debit_note_lines dl LEFT JOIN late_lines l "
	    "ON l.note_kind = 'DN' AND l.note_id = dl.debit_note_id AND l.seq = dl.seq "
	    "WHERE dl.debit_note_id = ? ORDER BY dl.seq",
	[S_DN_PAYMENTS] =
	    "SELECT paid_at, amount_minor, reference FROM debit_note_payments "
	    "WHERE debit_note_id = ? ORDER BY id",
	[S_VE_ACCOUNT] = "SELECT account_id FROM ves WHERE id = ?",
	[S_INV_DNS] =
	    "SELECT d.number FROM debit_notes d WHERE d.invoice_id = ? ORDER BY d.id",
	[S_INV_LATE_LINES] =
	    "SELECT COALESCE(c.number, ''), l.ve_id, l.resource, l.unit, l.qty_before_micro, "
	    "l.qty_after_micro, l.amount_minor FROM late_lines l JOIN credit_notes c "
	    "ON c.id = l.note_id WHERE l.note_kind = 'CN' AND l.invoice_id = ? "
	    "ORDER BY l.note_id, l.seq",
	/* The notes of the invoices this VE is on (or, for a debit note, has a line on). */
	[S_VE_NOTES] =
	    "SELECT 'debit_note', d.number, i.number, i.period, i.currency, d.reason, d.issued_at, "
	    "d.due_at, d.subtotal_minor, d.tax_minor, d.total_minor, " DN_PAID ", 1 "
	    "FROM debit_notes d JOIN invoices i ON i.id = d.invoice_id "
	    "WHERE d.invoice_id IN (SELECT invoice_id FROM invoice_lines WHERE ve_id = ?) "
	    "OR d.id IN (SELECT debit_note_id FROM debit_note_lines WHERE ve_id = ?) "
	    "UNION ALL "
	    "SELECT 'credit_note', c.number, i.number, i.period, i.currency, c.reason, c.issued_at, "
	    "0, c.subtotal_minor, c.tax_minor, c.total_minor, 0, "
	    "EXISTS (SELECT 1 FROM late_lines l WHERE l.note_kind = 'CN' AND l.note_id = c.id) "
	    "FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id "
	    "WHERE c.invoice_id IN (SELECT invoice_id FROM invoice_lines WHERE ve_id = ?) "
	    "ORDER BY 7 DESC, 2 DESC",
	[S_DN_LIST] =
	    "SELECT " DN_COLS ", d.actor FROM debit_notes d JOIN invoices i ON i.id = d.invoice_id "
	    "ORDER BY d.id DESC LIMIT ? OFFSET ?",
	[S_DN_COUNT] = "SELECT COUNT(*) FROM debit_notes",
	/* A payment's statements (struct billing_paydoc): see billing_doc_payment. */
	[S_DN_ROW] =
	    "INSERT IGNORE INTO debit_note_writes (debit_note_id, n) "
	    "SELECT id, 0 FROM debit_notes WHERE number = ?",
	[S_DN_ID] = "SELECT id FROM debit_notes WHERE number = ?",
	[S_DN_TOUCH] = "UPDATE debit_note_writes SET n = n + 1 WHERE debit_note_id = ?",
	[S_DN_DUE] =
	    "SELECT d.total_minor, i.currency, 0, " DN_PAID " FROM debit_notes d "
	    "JOIN invoices i ON i.id = d.invoice_id WHERE d.id = ?",
	[S_DN_PAY_INSERT] =
	    "INSERT INTO debit_note_payments (debit_note_id, amount_minor, paid_at, reference, "
	    "created_at, actor, token) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[S_DN_PAY_MINE] = "SELECT id FROM debit_note_payments WHERE token = ?",
};

/* ---- small helpers ---- */

static const char *
doc_status(long long balance, long long due, long long now)
{
	return balance <= 0 ? "paid" : now > due ? "overdue" : "open";
}

/* ---- invoiced months, marks ---- */

struct period_open {
	const char	*period;
	long long	 now;
};

static int
period_open_tx(struct db *db, void *arg)
{
	const struct period_open *x = arg;
	struct dbv g[] = { DBV_STR(x->period) };
	struct dbv p[] = { DBV_STR(x->period), DBV_INT(x->now) };
	int rc;

	if ((rc = db_exec(db, sql[S_PERIOD_GUARD], g, nitems(g), NULL, NULL)) != DB_OK)
		return rc;
	return db_exec(db, sql[S_PERIOD_OPEN], p, nitems(p), NULL, NULL);
}

int
db_adjust_period_open(struct db *db, const char *period, long long now)
{
	struct period_open x = { period, now };
	return db_tx(db, period_open_tx, &x) == DB_OK ? BILLING_OK : BILLING_EDB;
}

/* A usage_late row for the array-bound upsert. */
struct mrow {
	char		 ve[9];
	char		 ind_ve;
	char		 period[8];
	char		 ind_period;
	long long	 first_at, last_at;
};

static int
marks_put(struct db *db, struct mrow *rows, size_t n)
{
	MYSQL_BIND b[4];
	MYSQL_STMT *st;
	size_t rowsize = sizeof(*rows);

	for (size_t done = 0; done < n;) {
		unsigned int k = (unsigned int)(n - done < BULK_ROWS ? n - done : BULK_ROWS);
		struct mrow *base = rows + done;

		if ((st = db_stmt(db, sql[S_MARK])) == NULL)
			return DB_GONE;
		memset(b, 0, sizeof(b));
		b[0].buffer_type = MYSQL_TYPE_STRING;
		b[0].buffer = base->ve;
		b[0].u.indicator = &base->ind_ve;
		b[1].buffer_type = MYSQL_TYPE_STRING;
		b[1].buffer = base->period;
		b[1].u.indicator = &base->ind_period;
		b[2].buffer_type = MYSQL_TYPE_LONGLONG;
		b[2].buffer = &base->first_at;
		b[3].buffer_type = MYSQL_TYPE_LONGLONG;
		b[3].buffer = &base->last_at;
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

/* A month some rows fall in. */
struct month {
	int64_t		 from, to;
	char		 period[8];
	int		 invoiced;
};

int
db_adjust_mark_days(struct db *db, const struct du_roll *d, size_t n, long long now,
    size_t *marked)
{
	struct month *mo = NULL;
	struct mrow *rows = NULL;
	size_t nmo = 0, cmo = 0, nrows = 0, k, last = SIZE_MAX;
	int rc = DB_OK, any = 0, y, m;

	*marked = 0;
	/* The months of the rows (a batch spans one, two at a month's turn). */
	for (size_t i = 0; i < n; i++) {
		for (k = 0; k < nmo; k++)
			if (d[i].t >= mo[k].from && d[i].t < mo[k].to)
				break;
		if (k < nmo)
			continue;
		if (nmo == cmo) {
			size_t nc = cmo ? cmo * 2 : 4;
			struct month *x = reallocarray(mo, nc, sizeof(*mo));
			if (x == NULL) {
				rc = DB_ERR;
				goto out;
			}
			mo = x;
			cmo = nc;
		}
		rate_month_of(d[i].t, &y, &m);
		rate_month_bounds(y, m, &mo[nmo].from, &mo[nmo].to);
		snprintf(mo[nmo].period, sizeof(mo[nmo].period), "%04u-%02u", (unsigned)y % 10000,
		    (unsigned)m % 100);
		nmo++;
	}
	for (k = 0; k < nmo; k++) {
		long long c = 0;
		struct dbv p[] = { DBV_STR(mo[k].period) };
		struct dbo o[] = { DBO_INT(&c) };
		/* Only a past month can be invoiced: its guard row first, then the read. */
		if (!(now >= mo[k].from && now < mo[k].to) &&
		    (rc = db_exec(db, sql[S_PERIOD_GUARD], p, 1, NULL, NULL)) != DB_OK)
			goto out;
		if ((rc = db_one(db, sql[S_PERIOD_LOCK], p, 1, o, 1)) < 0)
			goto out;
		rc = DB_OK;
		mo[k].invoiced = c > 0;
		any |= mo[k].invoiced;
	}
	if (!any)
		goto out;
	if ((rows = calloc(n, sizeof(*rows))) == NULL) {
		rc = DB_ERR;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		for (k = 0; k < nmo; k++)
			if (d[i].t >= mo[k].from && d[i].t < mo[k].to)
				break;
		if (k == nmo || !mo[k].invoiced)
			continue;
		/* A VE's days of one month come together: one mark for them. */
		if (last != SIZE_MAX && strcmp(rows[last].ve, d[i].ve) == 0 &&
		    strcmp(rows[last].period, mo[k].period) == 0)
			continue;
		last = nrows;
		struct mrow *x = &rows[nrows++];
		snprintf(x->ve, sizeof(x->ve), "%s", d[i].ve);
		memcpy(x->period, mo[k].period, sizeof(x->period));
		x->ind_ve = x->ind_period = STMT_INDICATOR_NTS;
		x->first_at = x->last_at = now;
	}
	if ((rc = marks_put(db, rows, nrows)) == DB_OK)
		*marked = nrows;
out:
	free(rows);
	free(mo);
	return rc;
}

/* ---- the run ---- */

struct mark {
	long long	 inv, n;
	char		 number[25], period[8], ve[9];
};

/* One VE of a group: its month rated now, per resource. */
struct gve {
	int64_t		 qty[RR__MAX], amount[RR__MAX];
	unsigned	 seen;
	int		 ok;		/* rated */
};

static int
marks_load(struct db *db, struct mark **out, size_t *n)
{
	struct db_cur c;
	struct mark x;
	size_t cap = 0;
	int rc;
	struct dbv p[] = { DBV_INT(ADJUST_MARKS_MAX) };
	struct dbo o[] = { DBO_INT(&x.inv), DBO_STR(x.number), DBO_STR(x.period), DBO_STR(x.ve),
	    DBO_INT(&x.n) };

	*out = NULL;
	*n = 0;
	memset(&x, 0, sizeof(x));
	if (db_query(db, &c, sql[S_MARKS], p, 1, o, nitems(o)) != DB_OK)
		return -1;
	while ((rc = db_next(&c)) == 1) {
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct mark *m = reallocarray(*out, nc, sizeof(**out));
			if (m == NULL) {
				rc = -1;
				break;
			}
			*out = m;
			cap = nc;
		}
		(*out)[(*n)++] = x;
	}
	db_cur_close(&c);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* Add one VE's billed amounts (statement st) for an invoice to its items. */
static int
billed_add(struct db *db, enum stmt st, long long inv, const char *ve, struct adj_item *it)
{
	struct db_cur c;
	char res[16];
	long long q, a;
	int rc;
	struct dbv p[] = { DBV_INT(inv), DBV_STR(ve) };
	struct dbo o[] = { DBO_STR(res), DBO_INT(&q), DBO_INT(&a) };

	if ((rc = db_query(db, &c, sql[st], p, 2, o, 3)) != DB_OK)
		return rc;
	while ((rc = db_next(&c)) == 1) {
		int r = rate_res_parse(res);
		if (r < 0)
			continue;
		if (__builtin_add_overflow(it[r].qty_billed, (int64_t)q, &it[r].qty_billed) ||
		    __builtin_add_overflow(it[r].amount_billed, (int64_t)a, &it[r].amount_billed)) {
			rc = DB_TRUNC;
			break;
		}
	}
	db_cur_close(&c);
	return rc < 0 ? rc : DB_OK;
}

static int
counter_next(struct db *db, const char *kind, int year, long long *next)
{
	struct dbv p[] = { DBV_STR(kind), DBV_INT(year) };
	struct dbo o[] = { DBO_INT(next) };
	int rc = db_one(db, sql[S_COUNTER_LOCK], p, 2, o, 1);
	return rc == 1 ? DB_OK : rc == 0 ? DB_ERR : rc;
}

static int
counter_set(struct db *db, const char *kind, int year, long long next)
{
	struct dbv p[] = { DBV_INT(next), DBV_STR(kind), DBV_INT(year) };
	return db_exec(db, sql[S_COUNTER_SET], p, 3, NULL, NULL);
}

/*
 * Write one note (debit: the positive differences; else the negative ones)
 * with its lines and their late_lines.  Returns a db_rc.
 */
static int
note_write(struct db *db, int debit, long long inv, const char *invno, const char *period,
    const struct adj_item *it, size_t n, const struct adj_doc *doc, long long now,
    int due_days, const char *actor)
{
	const char *kind = debit ? "DN" : "CN";
	char number[25], reason[256], desc[256];
	long long next = 0;
	uint64_t id;
	int year = billing_year_of(now), rc, seq = 0;
	int64_t d;

	if ((rc = counter_next(db, kind, year, &next)) != DB_OK)
		return rc;
	snprintf(number, sizeof(number), "%s-%04u-%06lld", kind, (unsigned)year % 10000, next);
	adjust_reason(period, debit, it, n, reason, sizeof(reason));
	if (debit) {
		struct dbv p[] = { DBV_STR(number), DBV_INT(inv), DBV_STR(reason), DBV_INT(doc->sub),
		    DBV_INT(doc->tax), DBV_INT(doc->total), DBV_INT(now),
		    DBV_INT(now + (long long)due_days * 86400), DBV_STR(actor) };
		rc = db_exec(db, sql[S_DN_INSERT], p, nitems(p), NULL, &id);
	} else {
		struct dbv p[] = { DBV_STR(number), DBV_INT(inv), DBV_STR(reason), DBV_INT(doc->sub),
		    DBV_INT(doc->tax), DBV_INT(doc->total), DBV_INT(now), DBV_STR(actor) };
		rc = db_exec(db, sql[S_CN_INSERT], p, nitems(p), NULL, &id);
	}
	if (rc != DB_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		(void)adjust_diff(&it[i], &d);	/* checked by adjust_compute */
		if (debit ? d <= 0 : d >= 0)
			continue;
		seq++;
		if (adjust_describe(&it[i], desc, sizeof(desc)) < 0)
			desc[0] = '\0';
		{
			struct dbv p[] = { DBV_INT(id), DBV_INT(seq), DBV_STR(it[i].ve),
			    DBV_STR(rate_res_name(it[i].res)), DBV_STR(desc), DBV_INT(d) };
			if ((rc = db_exec(db, sql[debit ? S_DN_LINE_INSERT : S_CN_LINE_INSERT], p,
			    nitems(p), NULL, NULL)) != DB_OK)
				return rc;
		}
		{
			struct dbv p[] = { DBV_STR(kind), DBV_INT(id), DBV_INT(seq), DBV_INT(inv),
			    DBV_STR(it[i].ve), DBV_STR(rate_res_name(it[i].res)),
			    DBV_STR(rate_res_unit(it[i].res)), DBV_INT(it[i].qty_billed),
			    DBV_INT(it[i].qty_now), DBV_INT(d) };
			if ((rc = db_exec(db, sql[S_LATE_LINE_INSERT], p, nitems(p), NULL, NULL)) != DB_OK)
				return rc;
		}
	}
	if ((rc = counter_set(db, kind, year, next + 1)) != DB_OK)
		return rc;
	log_info("late usage: %s %s on %s for %s: total %lld", debit ? "debit note" : "credit note",
	    number, invno, period, (long long)doc->total);
	return billing_audit(db, now, actor, debit ? "invoice.debit_note" : "invoice.credit_note", invno,
	    json_pack("{s:s, s:I, s:s, s:b}", "number", number, "total_minor",
	    (json_int_t)doc->total, "reason", reason, "late", 1));
}

/*
 * The invoice's marks m[0..n) in one transaction: lock the invoice, read
 * what was billed, issue the notes, clear the marks.  ves[i] is m[i]'s VE
 * rated now.  Returns a db_rc, or DB_REFUSED when the stored data is
 * inconsistent (nothing written).
 */
static int
group_write(struct db *db, const struct mark *m, size_t n, const struct gve *ves,
    struct adj_item *it, long long now, int due_days, const char *actor, int *debit,
    int *credit)
{
	long long bp = 0, isub = 0, itax = 0, nsub = 0, ntax = 0;
	struct adj_doc dn, cn;
	size_t nit = 0;
	int rc, year = billing_year_of(now);

	/* The counter rows and the invoice's writes row exist before the transaction locks them. */
	for (int k = 0; k < 2; k++) {
		struct dbv p[] = { DBV_STR(k ? "CN" : "DN"), DBV_INT(year) };
		if ((rc = db_exec(db, sql[S_COUNTER_INIT], p, 2, NULL, NULL)) != DB_OK)
			return rc;
	}
	{
		struct dbv p[] = { DBV_INT(m[0].inv) };
		if ((rc = db_exec(db, sql[S_INV_ROW], p, 1, NULL, NULL)) != DB_OK)
			return rc;
	}
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	{
		struct dbv p[] = { DBV_INT(m[0].inv) };
		struct dbo o[] = { DBO_INT(&bp), DBO_INT(&isub), DBO_INT(&itax) };
		/*
		 * First, as a payment does (billing_doc_payment): on Galera a
		 * payment through another node checked against the open amount
		 * before this credit note then aborts, or aborts this.  Before
		 * the invoice's lock: a payment takes them in that order too
		 * (the invoice's by its foreign key).
		 */
		if ((rc = db_exec(db, sql[S_INV_TOUCH], p, 1, NULL, NULL)) != DB_OK)
			goto fail;
		if ((rc = db_one(db, sql[S_INV_LOCK], p, 1, o, 3)) != 1) {
			rc = rc == 0 ? DB_ERR : rc;
			goto fail;
		}
	}
	{
		struct dbv p[] = { DBV_INT(m[0].inv), DBV_INT(m[0].inv), DBV_INT(m[0].inv) };
		struct dbo o[] = { DBO_INT(&nsub), DBO_INT(&ntax) };
		if ((rc = db_one(db, sql[S_BILLED_NOTES], p, 3, o, 2)) != 1) {
			rc = rc == 0 ? DB_ERR : rc;
			goto fail;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct adj_item x[RR__MAX];
		if (!ves[i].ok)
			continue;
		memset(x, 0, sizeof(x));
		for (int r = 0; r < RR__MAX; r++) {
			snprintf(x[r].ve, sizeof(x[r].ve), "%s", m[i].ve);
			x[r].res = (enum rate_res)r;
			x[r].qty_now = ves[i].qty[r];
			x[r].amount_now = ves[i].amount[r];
		}
		if ((rc = billed_add(db, S_BILLED_INV, m[i].inv, m[i].ve, x)) != DB_OK ||
		    (rc = billed_add(db, S_BILLED_LATE, m[i].inv, m[i].ve, x)) != DB_OK) {
			if (rc == DB_TRUNC)
				rc = DB_REFUSED;
			goto fail;
		}
		for (int r = 0; r < RR__MAX; r++)
			if ((ves[i].seen & (1u << r)) || x[r].qty_billed != 0 || x[r].amount_billed != 0)
				it[nit++] = x[r];
	}
	if (adjust_compute(it, nit, isub + nsub, itax + ntax, bp, &dn, &cn) != RATE_OK) {
		log_warnx("late usage: invoice %s: what was billed is inconsistent (subtotal %lld, "
		    "tax %lld at %lld bp) or too large; no note issued", m[0].number,
		    isub + nsub, itax + ntax, bp);
		rc = DB_REFUSED;
		goto fail;
	}
	if (dn.nlines > 0 && (rc = note_write(db, 1, m[0].inv, m[0].number, m[0].period, it, nit,
	    &dn, now, due_days, actor)) != DB_OK)
		goto fail;
	if (cn.nlines > 0 && (rc = note_write(db, 0, m[0].inv, m[0].number, m[0].period, it, nit,
	    &cn, now, due_days, actor)) != DB_OK)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (!ves[i].ok)
			continue;
		struct dbv p[] = { DBV_STR(m[i].ve), DBV_STR(m[i].period), DBV_INT(m[i].n) };
		if ((rc = db_exec(db, sql[S_MARK_CLEAR], p, 3, NULL, NULL)) != DB_OK)
			goto fail;
	}
	if ((rc = db_commit(db)) != DB_OK)
		return rc;
	*debit += dn.nlines > 0;
	*credit += cn.nlines > 0;
	return DB_OK;
fail:
	db_rollback(db);
	return rc;
}

/* Rate and bill one invoice's marks m[0..n).  Returns a billing_rc. */
static int
group_run(struct db *db, const struct mark *m, size_t n, long long now, int due_days,
    const char *actor, int *debit, int *credit, char *err, size_t errlen)
{
	struct gve *ves;
	struct adj_item *it;
	int64_t from, to;
	int y, mo, rc = BILLING_OK, d = DB_OK, rated = 0;

	if (rate_period_parse(m[0].period, &y, &mo) == -1)
		return BILLING_EDATA;
	rate_month_bounds(y, mo, &from, &to);
	if (now < to)
		return BILLING_OK;	/* not closed at this (test) clock: later */
	if ((ves = calloc(n, sizeof(*ves))) == NULL ||
	    (it = calloc(n * RR__MAX + 1, sizeof(*it))) == NULL) {
		free(ves);
		return BILLING_EDB;
	}
	for (size_t i = 0; i < n; i++) {
		struct rate_line *l = NULL;
		size_t nl = 0;
		char e[256] = "";
		int r = billing_ve_month_lines(db, m[i].ve, y, mo, now, &l, &nl, e, sizeof(e));
		if (r == BILLING_OK &&
		    adjust_sum_lines(l, nl, ves[i].qty, ves[i].amount, &ves[i].seen) == RATE_OK) {
			ves[i].ok = 1;
			rated++;
		} else if (r == BILLING_EDB) {
			rc = BILLING_EDB;
		} else {
			/* Left marked: the operator fixes the data, the next run bills it. */
			if (rc == BILLING_OK)
				rc = BILLING_EDATA;
			if (err[0] == '\0')
				snprintf(err, errlen, "%s", e[0] ? e : "an amount does not fit 64 bits");
		}
		free(l);
		if (rc == BILLING_EDB)
			break;
	}
	if (rc != BILLING_EDB && rated > 0) {
		for (int attempt = 0; attempt < 5; attempt++) {
			d = group_write(db, m, n, ves, it, now, due_days, actor, debit, credit);
			if (d == DB_GONE)
				db_reconnect(db);
			if (d != DB_RETRY && d != DB_GONE)
				break;
		}
		if (d == DB_REFUSED) {
			if (err[0] == '\0')
				snprintf(err, errlen, "invoice %s: what was billed is inconsistent; "
				    "no note issued", m[0].number);
			rc = BILLING_EDATA;
		} else if (d != DB_OK)
			rc = BILLING_EDB;
	}
	free(ves);
	free(it);
	return rc;
}

int
db_adjust_run(struct db *db, long long now, int due_days, const char *actor, int *debit,
    int *credit, char *err, size_t errlen)
{
	struct mark *m = NULL;
	size_t n = 0, g, end;
	int rc = BILLING_OK;

	*debit = *credit = 0;
	if (errlen > 0)
		err[0] = '\0';
	if (due_days < 0)
		due_days = 14;
	if (marks_load(db, &m, &n) == -1) {
		snprintf(err, errlen, "the database failed or is unavailable; nothing was written");
		return BILLING_EDB;
	}
	/* A full batch may end in the middle of an invoice: that one waits. */
	end = n;
	if (n == ADJUST_MARKS_MAX)
		while (end > 0 && m[end - 1].inv == m[n - 1].inv && m[0].inv != m[n - 1].inv)
			end--;
	for (g = 0; g < end;) {
		size_t g1 = g;
		while (g1 < end && m[g1].inv == m[g].inv)
			g1++;
		int r = group_run(db, m + g, g1 - g, now, due_days, actor ? actor : "billing",
		    debit, credit, err, errlen);
		if (r == BILLING_EDB) {
			rc = r;
			if (err[0] == '\0')
				snprintf(err, errlen, "the database failed while issuing late-usage "
				    "notes; the rest waits for the next run");
			break;
		}
		if (r != BILLING_OK) {
			log_warnx("late usage: invoice %s: %s", m[g].number, err);
			rc = r;
		}
		g = g1;
	}
	if (*debit > 0 || *credit > 0)
		log_info("late usage: %d debit notes, %d credit notes from %zu marks", *debit,
		    *credit, end);
	free(m);
	return rc;
}

/* ---- documents as JSON ---- */

struct dn {
	long long	 id, account_id, tax_bp, sub, tax, total, issued, due, paid;
	char		 number[25], invoice[25], period[8], currency[4], reason[256], actor[65];
};

#define DN_OUTPUTS(x) { DBO_INT(&(x).id), DBO_STR((x).number), DBO_STR((x).invoice), \
	DBO_INT(&(x).account_id), DBO_STR((x).period), DBO_STR((x).currency), \
	DBO_INT(&(x).tax_bp), DBO_STR((x).reason), DBO_INT(&(x).sub), DBO_INT(&(x).tax), \
	DBO_INT(&(x).total), DBO_INT(&(x).issued), DBO_INT(&(x).due), DBO_INT(&(x).paid) }

static json_t *
dn_summary(const struct dn *x, long long now)
{
	long long bal = x->total - x->paid;

	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:s, s:b}",
	    "kind", "debit_note", "number", x->number, "invoice", x->invoice,
	    "period", x->period, "currency", x->currency, "reason", x->reason,
	    "issued_at", billing_json_iso(x->issued), "due_at", billing_json_iso(x->due),
	    "subtotal_minor", (json_int_t)x->sub, "tax_minor", (json_int_t)x->tax,
	    "total_minor", (json_int_t)x->total, "paid_minor", (json_int_t)x->paid,
	    "balance_minor", (json_int_t)bal, "status", doc_status(bal, x->due, now), "late", 1);
}

/* A difference line: what was billed, what the month rates to now. */
static json_t *
diff_json(const char *ve, const char *res, const char *unit, long long before, long long after,
    long long amount)
{
	int64_t delta;

	if (__builtin_sub_overflow((int64_t)after, (int64_t)before, &delta))
		delta = 0;
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:I}", "ve_id", ve, "resource", res,
	    "unit", unit, "quantity_before", billing_json_fixed6(before), "quantity_after", billing_json_fixed6(after),
	    "quantity_delta", billing_json_fixed6(delta), "amount_minor", (json_int_t)amount);
}

/* The debit note with its lines and payments. */
static json_t *
dn_full(struct db *db, const struct dn *x, long long now)
{
	struct db_cur c;
	char ve[9], res[16], desc[256], unit[17], ref[129];
	long long amount, before, after, has, at;
	json_t *out, *lines = json_array(), *pays = json_array();
	struct dbv p[] = { DBV_INT(x->id) };
	int rc;

	if ((out = dn_summary(x, now)) == NULL) {
		json_decref(lines);
		json_decref(pays);
		return NULL;
	}
	json_object_set_new(out, "tax_bp", json_integer(x->tax_bp));
	json_object_set_new(out, "lines", lines);
	json_object_set_new(out, "payments", pays);
	{
		struct dbo o[] = { DBO_STR(ve), DBO_STR(res), DBO_STR(desc), DBO_INT(&amount),
		    DBO_STR(unit), DBO_INT(&before), DBO_INT(&after), DBO_INT(&has) };
		if (db_query(db, &c, sql[S_DN_LINES], p, 1, o, nitems(o)) != DB_OK)
			goto fail;
		while ((rc = db_next(&c)) == 1) {
			json_t *l = has ? diff_json(ve, res, unit, before, after, amount) :
			    json_pack("{s:s, s:s, s:I}", "ve_id", ve, "resource", res,
			    "amount_minor", (json_int_t)amount);
			json_object_set_new(l, "description", json_string(desc));
			json_array_append_new(lines, l);
		}
		db_cur_close(&c);
		if (rc < 0)
			goto fail;
	}
	{
		struct dbo o[] = { DBO_INT(&at), DBO_INT(&amount), DBO_STR(ref) };
		if (db_query(db, &c, sql[S_DN_PAYMENTS], p, 1, o, nitems(o)) != DB_OK)
			goto fail;
		while ((rc = db_next(&c)) == 1) {
			char d[21];
			vep_iso8601(at, d);
			d[10] = '\0';
			json_array_append_new(pays, json_pack("{s:s, s:I, s:s}", "date", d,
			    "amount_minor", (json_int_t)amount, "reference", ref));
		}
		db_cur_close(&c);
		if (rc < 0)
			goto fail;
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

/* Load a debit note by number: 1, 0 (none), or < 0. */
static int
dn_get(struct db *db, const char *number, struct dn *x)
{
	struct dbv p[] = { DBV_STR(number) };
	struct dbo o[] = DN_OUTPUTS(*x);

	memset(x, 0, sizeof(*x));
	if (strlen(number) >= sizeof(x->number))
		return 0;
	return db_one(db, sql[S_DN_GET], p, 1, o, nitems(o));
}

json_t *
db_adjust_dn_json(struct db *db, const char *number, const char *owner_ve, long long now,
    int *rcp)
{
	struct dn x;
	json_t *out;
	int rc;

	*rcp = BILLING_EDB;
	if ((rc = dn_get(db, number, &x)) < 0)
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
	if ((out = dn_full(db, &x, now)) == NULL)
		return NULL;
	*rcp = BILLING_OK;
	return out;
}

int
db_adjust_invoice_json(struct db *db, long long inv, json_t *out, long long now)
{
	struct db_cur c;
	char number[25], ve[9], res[16], unit[17];
	long long before, after, amount, debited = 0;
	json_t *dns = json_array(), *cns = json_object_get(out, "credit_notes");
	struct dbv p[] = { DBV_INT(inv) };
	char (*nums)[25] = NULL;
	size_t nn = 0, cap = 0;
	int rc;

	json_object_set_new(out, "kind", json_string("invoice"));
	json_object_set_new(out, "debit_notes", dns);
	{
		struct dbo o[] = { DBO_STR(number) };
		if (db_query(db, &c, sql[S_INV_DNS], p, 1, o, 1) != DB_OK)
			return -1;
		while ((rc = db_next(&c)) == 1) {
			if (nn == cap) {
				size_t nc = cap ? cap * 2 : 4;
				char (*x)[25] = reallocarray(nums, nc, sizeof(*nums));
				if (x == NULL) {
					rc = -1;
					break;
				}
				nums = x;
				cap = nc;
			}
			memcpy(nums[nn++], number, sizeof(number));
		}
		db_cur_close(&c);
		if (rc < 0) {
			free(nums);
			return -1;
		}
	}
	/* One cursor at a time: each note is read after the list is closed. */
	for (size_t i = 0; i < nn; i++) {
		struct dn x;
		json_t *j;
		if (dn_get(db, nums[i], &x) != 1 || (j = dn_full(db, &x, now)) == NULL) {
			free(nums);
			return -1;
		}
		debited += x.total;
		json_array_append_new(dns, j);
	}
	free(nums);
	json_object_set_new(out, "debited_minor", json_integer(debited));
	{
		struct dbo o[] = { DBO_STR(number), DBO_STR(ve), DBO_STR(res), DBO_STR(unit),
		    DBO_INT(&before), DBO_INT(&after), DBO_INT(&amount) };
		if (db_query(db, &c, sql[S_INV_LATE_LINES], p, 1, o, nitems(o)) != DB_OK)
			return -1;
		while ((rc = db_next(&c)) == 1) {
			size_t k;
			json_t *cn;
			json_array_foreach(cns, k, cn) {
				json_t *d;
				if (strcmp(json_string_value(json_object_get(cn, "number")), number) != 0)
					continue;
				if ((d = json_object_get(cn, "differences")) == NULL) {
					json_object_set_new(cn, "late", json_true());
					json_object_set_new(cn, "differences", d = json_array());
				}
				json_array_append_new(d, diff_json(ve, res, unit, before, after, amount));
			}
		}
		db_cur_close(&c);
		if (rc < 0)
			return -1;
	}
	{
		size_t k;
		json_t *cn;
		json_array_foreach(cns, k, cn)
			if (json_object_get(cn, "late") == NULL)
				json_object_set_new(cn, "late", json_false());
	}
	return 0;
}

int
db_adjust_ve_notes_json(struct db *db, const char *ve, long long now, json_t *out)
{
	struct db_cur c;
	char kind[16], number[25], invoice[25], period[8], cur[4], reason[256];
	long long issued, due, sub, tax, total, paid, late;
	json_t *arr = json_array();
	struct dbv p[] = { DBV_STR(ve), DBV_STR(ve), DBV_STR(ve) };
	struct dbo o[] = { DBO_STR(kind), DBO_STR(number), DBO_STR(invoice), DBO_STR(period),
	    DBO_STR(cur), DBO_STR(reason), DBO_INT(&issued), DBO_INT(&due), DBO_INT(&sub),
	    DBO_INT(&tax), DBO_INT(&total), DBO_INT(&paid), DBO_INT(&late) };
	int rc;

	if (arr == NULL)
		return -1;
	json_object_set_new(out, "notes", arr);
	if (db_query(db, &c, sql[S_VE_NOTES], p, nitems(p), o, nitems(o)) != DB_OK)
		return -1;
	while ((rc = db_next(&c)) == 1) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:I, s:I, s:b}",
		    "kind", kind, "number", number, "invoice", invoice, "period", period,
		    "currency", cur, "reason", reason, "issued_at", billing_json_iso(issued),
		    "subtotal_minor", (json_int_t)sub, "tax_minor", (json_int_t)tax,
		    "total_minor", (json_int_t)total, "late", late != 0);
		if (j != NULL && strcmp(kind, "debit_note") == 0) {
			json_object_set_new(j, "due_at", billing_json_iso(due));
			json_object_set_new(j, "paid_minor", json_integer(paid));
			json_object_set_new(j, "balance_minor", json_integer(total - paid));
			json_object_set_new(j, "status", json_string(doc_status(total - paid, due, now)));
		}
		json_array_append_new(arr, j);
	}
	db_cur_close(&c);
	return rc < 0 ? -1 : 0;
}

json_t *
db_adjust_dn_list_json(struct db *db, long long limit, long long offset, long long now)
{
	struct db_cur c;
	struct dn x;
	long long total = 0;
	json_t *arr = json_array();
	int rc;
	struct dbv p[] = { DBV_INT(limit), DBV_INT(offset) };
	struct dbo o[15] = DN_OUTPUTS(x);

	memset(&x, 0, sizeof(x));
	o[14] = DBO_STR(x.actor);
	if (arr == NULL || db_one(db, sql[S_DN_COUNT], NULL, 0, (struct dbo[]){ DBO_INT(&total) },
	    1) < 0 || db_query(db, &c, sql[S_DN_LIST], p, 2, o, nitems(o)) != DB_OK) {
		json_decref(arr);
		return NULL;
	}
	while ((rc = db_next(&c)) == 1) {
		json_t *j = dn_summary(&x, now);
		json_object_set_new(j, "actor", json_string(x.actor));
		json_array_append_new(arr, j);
	}
	db_cur_close(&c);
	if (rc < 0) {
		json_decref(arr);
		return NULL;
	}
	return json_pack("{s:o, s:I}", "debit_notes", arr, "total", (json_int_t)total);
}

/* ---- payments on debit notes ---- */

/*
 * The same body as an invoice's payments (billing_doc_payment), with the
 * debit note's statements: on Galera its row of debit_note_writes, bumped
 * first, makes a second payment through another node run again and see
 * the first (a FOR UPDATE lock would hold on one node only).
 */
int
db_adjust_dn_payment(struct db *db, const char *number, long long amount, long long paid_at,
    const char *ref, const char *actor, long long now, long long *id, char *err, size_t errlen)
{
	const struct billing_paydoc dn = {
		.row = sql[S_DN_ROW], .id = sql[S_DN_ID], .touch = sql[S_DN_TOUCH],
		.open = sql[S_DN_DUE], .mine = sql[S_DN_PAY_MINE],
		.insert = sql[S_DN_PAY_INSERT],
		.action = "debit_note.payment",
	};

	return billing_doc_payment(db, &dn, number, amount, paid_at, ref, actor, now, id, err,
	    errlen);
}
