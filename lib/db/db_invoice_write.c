/*
 * The invoice run's writer: see db_invoice_write.h.
 *
 * Concurrency: document numbers come from db_docnum, whose row is locked
 * by the transaction that issues the invoices, so numbers have no gaps and
 * two runs queue up behind each other; the second then finds the invoices
 * (unique account, period, currency) and skips them.  Every writing
 * transaction runs through db_tx, which runs it again from the start; each
 * reads what it decides on inside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "db_bill.h"
#include "db_docnum.h"
#include "db_invoice_write.h"
#include "log.h"
#include "rating.h"
#include "util.h"

#define RUN_CHUNK		DB_INVOICE_CHUNK
/*
 * Rows of lines (about 100 bytes each) to a round trip: a chunk's in two or
 * three, under 1 MB a packet.  On a busy machine every round trip waits
 * for the CPU twice; the server's work per row is the same.
 */
#define RUN_BULK_ROWS		8192

enum stmt {
	S_INVOICE_EXISTS,
	S_INVOICES_RANGE,
	S_INVOICE_INSERT,
	S_BUYERS,
	S_INVOICE_ROWS,
	S_INVOICE_ROWS40,
	S_INVOICE_ROW,
	S_LINE_INSERT,
	S_VE_INSERT,
	S_FK_OFF,
	S_FK_ON,
	S_BULK_ON,
	S_BULK_OFF,
	S_BULK_MAIL,
	S_BULK_PAGE,
	S__MAX
};

#define INVOICE_VALUES \
	"INSERT INTO invoices (number, account_id, period, period_from, period_to, currency, " \
	"tax_bp, subtotal_minor, tax_minor, total_minor, issued_at, due_at, buyer_name, " \
	"buyer_company, buyer_address, buyer_country, buyer_vat_id, tax_scheme) VALUES "
#define INV_ROW		"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define INV_COLS	18
#define INVOICE_ROWS	8	/* rows of S_INVOICE_ROWS: 144 values */
#define INVOICE_ROWS40	40	/* rows of S_INVOICE_ROWS40: 720 values */
#define INV_ROW8	INV_ROW ", " INV_ROW ", " INV_ROW ", " INV_ROW ", " \
	INV_ROW ", " INV_ROW ", " INV_ROW ", " INV_ROW

static const char *const sql[S__MAX] = {
	[S_INVOICE_EXISTS] =
	    "SELECT id FROM invoices WHERE account_id = ? AND period = ? AND currency = ? FOR UPDATE",
	/*
	 * A chunk's accounts at once (run_write_chunk): their invoices of the
	 * month, locked through the unique key (account_id, period, currency)
	 * as S_INVOICE_EXISTS locks one, in the order of the run's groups.
	 */
	[S_INVOICES_RANGE] =
	    "SELECT account_id, currency, id FROM invoices FORCE INDEX (account_id) "
	    "WHERE account_id BETWEEN ? AND ? AND period = ? ORDER BY account_id, currency FOR UPDATE",
	[S_INVOICE_INSERT] =
	    "INSERT INTO invoices (number, account_id, period, period_from, period_to, currency, "
	    "tax_bp, subtotal_minor, tax_minor, total_minor, issued_at, due_at, "
	    "buyer_name, buyer_company, buyer_address, buyer_country, buyer_vat_id, tax_scheme) "
	    "SELECT ?, a.id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, a.name, a.company, a.address, a.country, "
	    "a.vat_id, IF(? = 0, a.tax_scheme, 'standard') FROM accounts a WHERE a.id = ?",
	/*
	 * The batched writer's buyers: the chunk's accounts as they are now,
	 * locked as the INSERT ... SELECT above locks each; then its invoices
	 * INVOICE_ROWS to a multi-row INSERT (the tax scheme as above: the
	 * account's when it pays no tax, else 'standard').  Not array-bound:
	 * MariaDB reserves auto-increment values for an array-bound INSERT in
	 * growing blocks, so the ids would jump at each chunk; a multi-row
	 * VALUES takes as many as it has rows, in order.
	 */
	[S_BUYERS] =
	    "SELECT id, name, company, address, country, vat_id, tax_scheme FROM accounts "
	    "WHERE id BETWEEN ? AND ? ORDER BY id LOCK IN SHARE MODE",
	[S_INVOICE_ROWS] = INVOICE_VALUES INV_ROW8,
	[S_INVOICE_ROWS40] = INVOICE_VALUES INV_ROW8 ", " INV_ROW8 ", " INV_ROW8 ", " INV_ROW8 ", "
	    INV_ROW8,
	[S_INVOICE_ROW] = INVOICE_VALUES INV_ROW,
	[S_LINE_INSERT] =
	    "INSERT INTO invoice_lines (invoice_id, seq, ve_id, kind, resource, plan_version_id, "
	    "quantity_micro, unit, unit_price_minor, amount_minor, part_from, part_to) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	/* Which VEs the invoice bills, for the lookups by VE (0026_invoice_ves.sql). */
	[S_VE_INSERT] = "INSERT INTO invoice_ves (ve_id, invoice_id) VALUES (?, ?)",
	/*
	 * Around a chunk's lines and invoice_ves rows only (bulk_write): their
	 * invoices are rows this transaction has just inserted and holds, and
	 * no invoice can be deleted (0003_billing.sql), so the foreign key
	 * check of each line (7 % of the writing) cannot fail.  unique_checks
	 * stays on: the primary keys are what makes a second run, or a retried
	 * chunk, fail instead of writing a line twice.
	 */
	[S_FK_OFF] = "SET SESSION foreign_key_checks = 0",
	[S_FK_ON] = "SET SESSION foreign_key_checks = 1",
	/*
	 * The two AFTER INSERT triggers of invoices for a chunk's new invoices
	 * at once (0030_invoice_run_bulk.sql): the session sets the variable
	 * around its INSERTs only, then writes the same mail rows in invoice
	 * order and bumps each page once per invoice of its account.  The id
	 * range holds only the chunk's invoices: runs queue up on the number
	 * lock (db_docnum), and an invoice that was there before has a lower id.
	 */
	[S_BULK_ON] = "SET @vep_invoice_bulk = 1",
	[S_BULK_OFF] = "SET @vep_invoice_bulk = NULL",
	[S_BULK_MAIL] =
	    "INSERT IGNORE INTO mail_outbox (kind, ref, account_id, number, next_try, created_at) "
	    "SELECT 'invoice', number, account_id, number, UNIX_TIMESTAMP(), UNIX_TIMESTAMP() "
	    "FROM invoices WHERE id BETWEEN ? AND ? AND period = ? AND account_id BETWEEN ? AND ? "
	    "ORDER BY id",
	[S_BULK_PAGE] =
	    "UPDATE ve_page p JOIN (SELECT v.id, COUNT(*) AS n FROM invoices i "
	    "JOIN ves v ON v.account_id = i.account_id WHERE i.id BETWEEN ? AND ? AND i.period = ? "
	    "AND i.account_id BETWEEN ? AND ? GROUP BY v.id) x ON x.id = p.ve_id "
	    "SET p.generation = p.generation + x.n, p.made_ms = 0",
};


static int
bulk_lines(struct db *db, struct bline *rows, size_t n)
{
	static const struct db_bulk_col c[] = {
		DB_BULK_INT(bline, invoice_id), DB_BULK_INT(bline, seq),
		DB_BULK_STR(bline, ve, ind_ve), DB_BULK_STR(bline, kind, ind_kind),
		DB_BULK_STR(bline, res, ind_res), DB_BULK_INT(bline, version_id),
		DB_BULK_INT(bline, qty), DB_BULK_STR(bline, unit, ind_unit),
		DB_BULK_INT(bline, price), DB_BULK_INT(bline, amount),
		DB_BULK_INT(bline, part_from), DB_BULK_INT(bline, part_to),
	};

	return db_exec_bulk_per(db, sql[S_LINE_INSERT], rows, sizeof(*rows), n, c, nitems(c),
	    RUN_BULK_ROWS, NULL);
}

/* A chunk's lines, then its invoice_ves rows. */
static int
bulk_write(struct db *db, struct run *r)
{
	static const struct db_bulk_col c[] = {
		DB_BULK_STR(bvi, ve, ind_ve), DB_BULK_INT(bvi, invoice_id),
	};
	double t0 = db_invoice_mono(), t1;
	int rc, on;

	if (r->nbl == 0)
		return DB_OK;
	if ((rc = db_exec_session(db, sql[S_FK_OFF])) != DB_OK)
		return rc;
	if ((rc = bulk_lines(db, r->bl, r->nbl)) == DB_OK) {
		t1 = db_invoice_mono();
		r->t_lines += t1 - t0;
		rc = db_exec_bulk_per(db, sql[S_VE_INSERT], r->bv, sizeof(*r->bv), r->nbv, c,
		    nitems(c), RUN_BULK_ROWS, NULL);
		r->t_ves += db_invoice_mono() - t1;
	}
	/* Back on whatever happened (a lost connection comes back with it on). */
	on = db_exec_session(db, sql[S_FK_ON]);
	return rc != DB_OK ? rc : on;
}

/* A name into a line's field (a million times a run: cheaper than snprintf). */
static void
name_copy(char *dst, size_t cap, const char *s)
{
	size_t n = strlen(s);

	n = n < cap ? n : cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* The lines of group g (its VEs' rated lines, numbered from 1) for invoice id, to r->bl. */
static int
group_lines(struct run *r, const size_t *gs, size_t g, long long id)
{
	size_t nl = 0, seq = 0;

	for (size_t i = gs[g]; i < gs[g + 1]; i++)
		nl += r->ve[i].nlines;
	if (r->nbl + nl > r->cbl) {
		size_t nc = (r->nbl + nl) * 2;
		struct bline *nb = reallocarray(r->bl, nc, sizeof(*nb));
		if (nb == NULL)
			return DB_NOMEM;
		r->bl = nb;
		r->cbl = nc;
	}
	if (r->nbv + (gs[g + 1] - gs[g]) > r->cbv) {
		size_t nc = (r->nbv + (gs[g + 1] - gs[g])) * 2;
		struct bvi *nv = reallocarray(r->bv, nc, sizeof(*nv));
		if (nv == NULL)
			return DB_NOMEM;
		r->bv = nv;
		r->cbv = nc;
	}
	for (size_t i = gs[g]; i < gs[g + 1]; i++) {
		const struct bve *b = &r->ve[i];
		if (b->nlines > 0) {
			struct bvi *v = &r->bv[r->nbv++];
			memset(v, 0, sizeof(*v));
			v->invoice_id = id;
			memcpy(v->ve, b->id, sizeof(v->ve));
		}
		for (size_t k = 0; k < b->nlines; k++) {
			const struct rate_line *l = &r->lines[b->line_off + k];
			struct bline *bl = &r->bl[r->nbl++];
			memset(bl, 0, sizeof(*bl));
			bl->invoice_id = id;
			bl->seq = (long long)++seq;
			memcpy(bl->ve, b->id, sizeof(bl->ve));
			name_copy(bl->kind, sizeof(bl->kind), rate_kind_name(l->kind));
			name_copy(bl->res, sizeof(bl->res), rate_res_name(l->res));
			name_copy(bl->unit, sizeof(bl->unit), rate_res_unit(l->res));
			bl->version_id = b->hist ? r->own_vid[b->own_off + k].version_id :
			    r->vr[b->vlo + l->ver].v.id;
			if (b->hist) {
				bl->part_from = r->own_vid[b->own_off + k].from;
				bl->part_to = r->own_vid[b->own_off + k].to;
			}
			bl->qty = l->qty_micro;
			bl->price = l->unit_price_minor;
			bl->amount = l->amount_minor;
		}
	}
	return DB_OK;
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

/*
 * The reference writer: invoice by invoice, a lookup and an INSERT each
 * (db_invoice_run_each; the test that the batched writer below writes the
 * same bytes runs both).
 */
static int
run_write_chunk_each(struct db *db, void *arg)
{
	struct run_chunk *x = arg;
	struct run *r = x->r;
	const size_t *gs = x->gs;
	char period[8], number[DB_DOCNUM_LEN];
	long long next = 0, now = x->now;
	int64_t from, to;
	int year = db_bill_year_of(now), made = 0, rc, due_days = x->due_days;

	x->made = 0;
	db_bill_period_str(x->y, x->mo, period);
	rate_month_bounds(x->y, x->mo, &from, &to);
	if ((rc = db_docnum_lock(db, "INV", year, &next)) != DB_OK)
		return rc;
	r->nbl = r->nbv = 0;
	for (size_t g = x->g0; g < x->g1; g++) {
		const struct bve *first = &r->ve[gs[g]];
		size_t end = gs[g + 1], nl = 0;
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
		/* cannot fail: run_groups checked every group's totals */
		(void)rate_totals(r->lines + first->line_off, nl, first->tax_bp, &sub, &tax, &total);
		db_docnum_format("INV", year, next, number);
		{
			/* The buyer as the account holds it now (0021_tax.sql). */
			struct dbv p[] = { DBV_STR(number), DBV_STR(period),
			    DBV_INT(from), DBV_INT(to), DBV_STR(first->currency),
			    DBV_INT(first->tax_bp), DBV_INT(sub), DBV_INT(tax), DBV_INT(total),
			    DBV_INT(now), DBV_INT(now + (long long)due_days * 86400),
			    DBV_INT(first->tax_bp), DBV_INT(first->account_id) };
			if ((rc = db_exec(db, sql[S_INVOICE_INSERT], p, nitems(p), NULL, &newid)) != DB_OK)
				return rc;
		}
		next++;
		made++;
		if ((rc = group_lines(r, gs, g, (long long)newid)) != DB_OK)
			return rc;
	}
	if ((rc = bulk_write(db, r)) != DB_OK)
		return rc;
	if ((rc = db_docnum_set(db, "INV", year, next)) != DB_OK)
		return rc;
	x->made = made;
	return DB_OK;
}

/* The chunk's new invoices r->bi[0..ni) (in account order): the buyers from accounts. */
static int
chunk_buyers(struct db *db, struct run *r, size_t ni)
{
	struct db_cur cur;
	struct binv b;
	long long acc;
	size_t k = 0;
	int rc;
	struct dbv p[] = { DBV_INT(r->bi[0].account_id), DBV_INT(r->bi[ni - 1].account_id) };
	struct dbo o[] = { DBO_INT(&acc), DBO_STR(b.name), DBO_STR(b.company), DBO_STR(b.address),
	    DBO_STR(b.country), DBO_STR(b.vat_id), DBO_STR(b.scheme) };

	if ((rc = db_query(db, &cur, sql[S_BUYERS], p, nitems(p), o, nitems(o))) != DB_OK)
		return rc;
	while ((rc = db_next(&cur)) == 1)
		/* Both in account order; an account has an invoice per currency. */
		for (; k < ni && r->bi[k].account_id == acc; k++) {
			struct binv *v = &r->bi[k];
			memcpy(v->name, b.name, sizeof(v->name));
			memcpy(v->company, b.company, sizeof(v->company));
			memcpy(v->address, b.address, sizeof(v->address));
			memcpy(v->country, b.country, sizeof(v->country));
			memcpy(v->vat_id, b.vat_id, sizeof(v->vat_id));
			snprintf(v->scheme, sizeof(v->scheme), "%s", v->tax_bp == 0 ? b.scheme :
			    "standard");
		}
	db_cur_close(&cur);
	if (rc < 0)
		return rc;
	return k < ni ? DB_ERR : DB_OK;	/* DB_ERR: an invoice without its account */
}

/* The chunk's new invoices, 40, 8 or 1 to a statement, in order. */
static int
insert_invoices(struct db *db, struct run *r, size_t ni)
{
	struct dbv p[INVOICE_ROWS40 * INV_COLS];
	int rc, off;

	if ((rc = chunk_buyers(db, r, ni)) != DB_OK ||
	    (rc = db_exec_session(db, sql[S_BULK_ON])) != DB_OK)
		return rc;
	for (size_t k = 0; k < ni && rc == DB_OK;) {
		size_t n = ni - k >= INVOICE_ROWS40 ? INVOICE_ROWS40 :
		    ni - k >= INVOICE_ROWS ? INVOICE_ROWS : 1, np = 0;
		for (size_t j = k; j < k + n; j++) {
			const struct binv *v = &r->bi[j];
			struct dbv row[INV_COLS] = { DBV_STR(v->number), DBV_INT(v->account_id),
			    DBV_STR(v->period), DBV_INT(v->from), DBV_INT(v->to),
			    DBV_STR(v->currency), DBV_INT(v->tax_bp), DBV_INT(v->sub),
			    DBV_INT(v->tax), DBV_INT(v->total), DBV_INT(v->issued), DBV_INT(v->due),
			    DBV_STR(v->name), DBV_STR(v->company), DBV_STR(v->address),
			    DBV_STR(v->country), DBV_STR(v->vat_id), DBV_STR(v->scheme) };
			memcpy(p + np, row, sizeof(row));
			np += INV_COLS;
		}
		rc = db_exec(db, sql[n == 1 ? S_INVOICE_ROW : n == INVOICE_ROWS ? S_INVOICE_ROWS :
		    S_INVOICE_ROWS40], p, np, NULL, NULL);
		k += n;
	}
	/* Off whatever happened (and again after the chunk: run_write). */
	off = db_exec_session(db, sql[S_BULK_OFF]);
	return rc != DB_OK ? rc : off;
}

/*
 * What the triggers skipped for the chunk's new invoices r->bi[0..ni)
 * (S_BULK_ON): their mail rows in invoice order, then the pages.  The mail
 * rows are an INSERT ... SELECT (MariaDB 22 us a row): sent array-bound,
 * the INSERT IGNORE on Galera was seen to run outside a transaction the
 * cluster had aborted under it (test_galera, "transaction lost"), where a
 * single statement reports the conflict and db_tx runs the chunk again.
 */
static int
chunk_triggers(struct db *db, struct run_chunk *x, const char *period, size_t ni)
{
	struct run *r = x->r;
	long long lo = 0, hi = 0;
	int rc;

	for (size_t k = 0; k < ni; k++) {
		long long id = r->gid[r->bi[k].g - x->g0];
		lo = k == 0 || id < lo ? id : lo;
		hi = id > hi ? id : hi;
	}
	struct dbv p[] = { DBV_INT(lo), DBV_INT(hi), DBV_STR(period),
	    DBV_INT(r->bi[0].account_id), DBV_INT(r->bi[ni - 1].account_id) };
	if ((rc = db_exec(db, sql[S_BULK_MAIL], p, nitems(p), NULL, NULL)) != DB_OK)
		return rc;
	return db_exec(db, sql[S_BULK_PAGE], p, nitems(p), NULL, NULL);
}

/*
 * The month's invoices of the chunk's accounts (one range read, locked):
 * r->gid[g - g0] of a group that has one and no id yet becomes its id, or
 * `mark` when mark is not 0.
 */
static int
chunk_ids(struct db *db, struct run_chunk *x, const char *period, long long mark)
{
	struct run *r = x->r;
	struct db_cur c;
	char cur[4];
	long long acc, id;
	size_t g = x->g0;
	int rc;
	struct dbv p[] = { DBV_INT(r->ve[x->gs[x->g0]].account_id),
	    DBV_INT(r->ve[x->gs[x->g1 - 1]].account_id), DBV_STR(period) };
	struct dbo o[] = { DBO_INT(&acc), DBO_STR(cur), DBO_INT(&id) };

	if ((rc = db_query(db, &c, sql[S_INVOICES_RANGE], p, nitems(p), o, nitems(o))) != DB_OK)
		return rc;
	while ((rc = db_next(&c)) == 1) {
		/* Both in (account, currency) order: a merge; rows of no group are passed. */
		for (size_t k = g; k < x->g1; k++) {
			const struct bve *v = &r->ve[x->gs[k]];
			if (v->account_id == acc && strcmp(v->currency, cur) == 0) {
				if (r->gid[k - x->g0] == 0)
					r->gid[k - x->g0] = mark != 0 ? mark : id;
				g = k + 1;
				break;
			}
		}
	}
	db_cur_close(&c);
	return rc < 0 ? rc : DB_OK;
}

/*
 * The batched writer: the chunk's invoices that exist are read at once
 * (and locked, as the reference writer locks each); the new ones are
 * numbered in group order and inserted one by one (an INSERT ... SELECT
 * of the buyer from accounts cannot be array-bound), then all their lines
 * with one array-bound INSERT.  The same rows, numbers and ids as
 * run_write_chunk_each, with one round trip less per invoice.
 */
static int
run_write_chunk(struct db *db, void *arg)
{
	struct run_chunk *x = arg;
	struct run *r = x->r;
	const size_t *gs = x->gs;
	char period[8];
	long long next = 0, now = x->now;
	int64_t from, to;
	size_t ni = 0;
	int year = db_bill_year_of(now), rc;

	x->made = 0;
	db_bill_period_str(x->y, x->mo, period);
	rate_month_bounds(x->y, x->mo, &from, &to);
	if ((rc = db_docnum_lock(db, "INV", year, &next)) != DB_OK)
		return rc;
	memset(r->gid, 0, (x->g1 - x->g0) * sizeof(*r->gid));
	if ((rc = chunk_ids(db, x, period, -1)) != DB_OK)	/* another run was first */
		return rc;
	for (size_t g = x->g0; g < x->g1; g++) {
		const struct bve *first = &r->ve[gs[g]];
		struct binv *v = &r->bi[ni];
		size_t nl = 0;
		int64_t sub, tax, total;

		if (r->gid[g - x->g0] != 0)
			continue;
		for (size_t i = gs[g]; i < gs[g + 1]; i++)
			nl += r->ve[i].nlines;
		memset(v, 0, sizeof(*v));
		/* cannot fail: run_groups checked every group's totals */
		(void)rate_totals(r->lines + first->line_off, nl, first->tax_bp, &sub, &tax, &total);
		v->sub = sub;
		v->tax = tax;
		v->total = total;
		db_docnum_format("INV", year, next++, v->number);
		memcpy(v->period, period, sizeof(v->period));
		memcpy(v->currency, first->currency, sizeof(v->currency));
		v->account_id = first->account_id;
		v->from = from;
		v->to = to;
		v->tax_bp = first->tax_bp;
		v->issued = now;
		v->due = now + (long long)x->due_days * 86400;
		v->g = g;
		ni++;
	}
	if (ni == 0)
		return DB_OK;
	r->nbl = r->nbv = 0;
	double t0 = db_invoice_mono();
	/* The new invoices' ids: read back with the ones that were there (marked -1). */
	if ((rc = insert_invoices(db, r, ni)) != DB_OK ||
	    (rc = chunk_ids(db, x, period, 0)) != DB_OK)
		return rc;
	for (size_t k = 0; k < ni; k++) {
		long long id = r->gid[r->bi[k].g - x->g0];
		if (id <= 0)
			return DB_ERR;
		if ((rc = group_lines(r, gs, r->bi[k].g, id)) != DB_OK)
			return rc;
	}
	if ((rc = chunk_triggers(db, x, period, ni)) != DB_OK)
		return rc;
	r->t_inv += db_invoice_mono() - t0;
	if ((rc = bulk_write(db, r)) != DB_OK ||
	    (rc = db_docnum_set(db, "INV", year, next)) != DB_OK)
		return rc;
	x->made = (int)ni;
	return DB_OK;
}


int
db_invoice_write_begin(struct db *db, struct run *r, long long now, char *err, size_t errlen)
{
	const char *const w[] = { sql[S_INVOICE_EXISTS], sql[S_INVOICES_RANGE],
	    sql[S_INVOICE_INSERT], sql[S_BUYERS], sql[S_INVOICE_ROWS], sql[S_INVOICE_ROWS40],
	    sql[S_INVOICE_ROW], sql[S_LINE_INSERT], sql[S_VE_INSERT], sql[S_FK_OFF],
	    sql[S_FK_ON], sql[S_BULK_ON], sql[S_BULK_OFF], sql[S_BULK_MAIL], sql[S_BULK_PAGE] };
	int rc;

	if ((r->bi = calloc(RUN_CHUNK, sizeof(*r->bi))) == NULL ||
	    (r->gid = calloc(RUN_CHUNK, sizeof(*r->gid))) == NULL)
		return BILLING_ENOMEM;
	db_docnum_warm(db);
	db_bill_warm(db, w, nitems(w));
	if ((rc = db_docnum_prepare(db, "INV", db_bill_year_of(now))) != DB_OK) {
		snprintf(err, errlen, "the database failed while writing invoices (%s)",
		    db_strerror(rc));
		return BILLING_EDB;
	}
	return BILLING_OK;
}

int
db_invoice_write(struct db *db, struct run *r, const size_t *gs, size_t g0, size_t g1, int y,
    int mo, int due_days, long long now, int *created, const char *period, int each,
    char *err, size_t errlen)
{
	double t0 = db_invoice_mono();

	for (size_t g = g0; g < g1; g += RUN_CHUNK) {
		struct run_chunk x = { r, gs, g, g + RUN_CHUNK < g1 ? g + RUN_CHUNK : g1,
		    y, mo, due_days, now, 0 };
		int d = db_tx(db, each ? run_write_chunk_each : run_write_chunk, &x);
		if (d != DB_OK) {
			/* The triggers never stay off for this session's other writers. */
			(void)db_exec_session(db, sql[S_BULK_OFF]);
			snprintf(err, errlen, "the database failed while writing invoices (%s)",
			    db_strerror(d));
			log_warnx("billing run %s: %s after %d invoices", period, err, *created);
			return BILLING_EDB;
		}
		*created += x.made;
	}
	r->t_write += db_invoice_mono() - t0;
	return BILLING_OK;
}
