/*
 * Late usage's notes: see db_late.h for why nothing is billed twice or
 * lost, adjust.h for the numbers.
 *
 * Locks, in order, in the transaction that issues an invoice's notes: the
 * invoice's invoice_writes row (which payments and manual credit notes
 * bump first: the one that holds across Galera nodes), the invoice row
 * (FOR UPDATE), then the DN counter row, then the CN counter row.  What was
 * billed is read after the invoice lock, so two runs at once see each
 * other's notes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adjust.h"
#include "db.h"
#include "db_audit.h"
#include "db_bill.h"
#include "db_charges.h"
#include "db_docnum.h"
#include "db_late.h"
#include "db_payments.h"
#include "log.h"
#include "rating.h"
#include "util.h"

enum stmt {
	S_MARKS,
	S_MARK_CLEAR,
	S_INV_LOCK,
	S_INV_ROW,
	S_BILLED_NOTES,
	S_BILLED_INV,
	S_BILLED_LATE,
	S_DN_INSERT,
	S_DN_LINE_INSERT,
	S_CN_INSERT,
	S_CN_LINE_INSERT,
	S_LATE_LINE_INSERT,
	S__MAX
};

static const char *const sql[S__MAX] = {
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
	[S_DN_INSERT] =
	    "INSERT INTO debit_notes (number, invoice_id, reason, subtotal_minor, tax_minor, "
	    "total_minor, issued_at, due_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_DN_LINE_INSERT] =
	    "INSERT INTO debit_note_lines (debit_note_id, seq, ve_id, resource, description, "
	    "amount_minor) VALUES (?, ?, ?, ?, ?, ?)",
	[S_CN_INSERT] = DB_BILL_CN_INSERT,
	[S_CN_LINE_INSERT] = DB_BILL_CN_LINE_INSERT,
	[S_LATE_LINE_INSERT] =
	    "INSERT INTO late_lines (note_kind, note_id, seq, invoice_id, ve_id, resource, unit, "
	    "qty_before_micro, qty_after_micro, amount_minor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
};


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
	struct mark x;
	struct dbv p[] = { DBV_INT(DB_LATE_MARKS_MAX) };
	struct dbo o[] = { DBO_INT(&x.inv), DBO_STR(x.number), DBO_STR(x.period), DBO_STR(x.ve),
	    DBO_INT(&x.n) };

	memset(&x, 0, sizeof(x));
	return db_select_all(db, sql[S_MARKS], p, 1, o, nitems(o), &x, sizeof(x), (void **)out, n) ==
	    DB_OK ? 0 : -1;
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
	char number[DB_DOCNUM_LEN], reason[256], desc[256];
	long long next = 0;
	uint64_t id;
	int year = db_bill_year_of(now), rc, seq = 0;
	int64_t d;

	if ((rc = db_docnum_lock(db, kind, year, &next)) != DB_OK)
		return rc;
	db_docnum_format(kind, year, next, number);
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
	if ((rc = db_docnum_set(db, kind, year, next + 1)) != DB_OK)
		return rc;
	log_info("late usage: %s %s on %s for %s: total %lld", debit ? "debit note" : "credit note",
	    number, invno, period, (long long)doc->total);
	return db_audit_json(db, now, actor, debit ? "invoice.debit_note" : "invoice.credit_note", invno,
	    NULL, json_pack("{s:s, s:I, s:s, s:b}", "number", number, "total_minor",
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
	int rc, year = db_bill_year_of(now);

	/* The counter rows and the invoice's writes row exist before the transaction locks them. */
	if ((rc = db_docnum_prepare(db, "DN", year)) != DB_OK ||
	    (rc = db_docnum_prepare(db, "CN", year)) != DB_OK)
		return rc;
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
		 * First, as a payment does (db_payments.c): on Galera a
		 * payment through another node checked against the open amount
		 * before this credit note then aborts, or aborts this.  Before
		 * the invoice's lock: a payment takes them in that order too
		 * (the invoice's by its foreign key).
		 */
		if ((rc = db_payments_invoice_claim(db, m[0].inv)) < 0)
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
		return BILLING_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct rate_line *l = NULL;
		size_t nl = 0;
		char e[256] = "";
		int r = db_charges_ve_month_lines(db, m[i].ve, y, mo, now, &l, &nl, e, sizeof(e));
		if (r == BILLING_OK &&
		    adjust_sum_lines(l, nl, ves[i].qty, ves[i].amount, &ves[i].seen) == RATE_OK) {
			ves[i].ok = 1;
			rated++;
		} else if (r == BILLING_EDB || r == BILLING_ENOMEM) {
			rc = r;
		} else {
			/* Left marked: the operator fixes the data, the next run bills it. */
			if (rc == BILLING_OK)
				rc = BILLING_EDATA;
			if (err[0] == '\0')
				snprintf(err, errlen, "%s", e[0] ? e : "an amount does not fit 64 bits");
		}
		free(l);
		if (rc == BILLING_EDB || rc == BILLING_ENOMEM)
			break;
	}
	if (rc != BILLING_EDB && rc != BILLING_ENOMEM && rated > 0) {
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
db_late_run(struct db *db, long long now, int due_days, const char *actor, int *debit,
    int *credit, char *err, size_t errlen)
{
	struct mark *m = NULL;
	size_t n = 0, g, end;
	int rc = BILLING_OK;

	*debit = *credit = 0;
	if (errlen > 0)
		err[0] = '\0';
	if (due_days < 0)
		due_days = DB_BILL_DUE_DAYS;
	if (marks_load(db, &m, &n) == -1) {
		snprintf(err, errlen, "the database failed or is unavailable; nothing was written");
		return BILLING_EDB;
	}
	/* A full batch may end in the middle of an invoice: that one waits. */
	end = n;
	if (n == DB_LATE_MARKS_MAX)
		while (end > 0 && m[end - 1].inv == m[n - 1].inv && m[0].inv != m[n - 1].inv)
			end--;
	for (g = 0; g < end;) {
		size_t g1 = g;
		while (g1 < end && m[g1].inv == m[g].inv)
			g1++;
		int r = group_run(db, m + g, g1 - g, now, due_days, actor ? actor : "billing",
		    debit, credit, err, errlen);
		if (r == BILLING_EDB || r == BILLING_ENOMEM) {
			rc = r;
			if (err[0] == '\0')
				snprintf(err, errlen, "%s while issuing late-usage notes; the rest "
				    "waits for the next run", r == BILLING_ENOMEM ? "out of memory" :
				    "the database failed");
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
