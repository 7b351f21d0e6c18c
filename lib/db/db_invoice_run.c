/*
 * The invoice run: see db_invoice_run.h.
 *
 * It rates every VE of a month at once, with the rules of one VE's charges
 * (db_charges.c): the month is cut at every plan's version changes; whole
 * UTC days come from usage_day and the hours of a day that a cut splits
 * from usage_hour.  It aggregates per VE in the database, which keeps the
 * run of 100,000 VEs well under a minute.
 *
 * Concurrency: document numbers come from db_docnum, whose row is locked
 * by the transaction that issues the invoices, so numbers have no gaps and
 * two runs queue up behind each other; the second then finds the invoices
 * (unique account, period, currency) and skips them.  Every writing
 * transaction runs through db_tx, which runs it again from the start; each
 * reads what it decides on inside it.  Late usage (db_periods.h): the run
 * opens its month in invoiced_periods before it reads any usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "db_audit.h"
#include "db_bill.h"
#include "db_charges.h"
#include "db_docnum.h"
#include "db_invoice_run.h"
#include "db_invoice_usage.h"
#include "db_periods.h"
#include "db_sla.h"
#include "db_versions.h"
#include "log.h"
#include "rating.h"
#include "sla.h"
#include "util.h"

#define RUN_CHUNK		200	/* invoices per transaction */
/*
 * Rows of lines (about 100 bytes each) to a round trip: a chunk's in two or
 * three, under 1 MB a packet.  On a busy machine every round trip waits
 * for the CPU twice; the server's work per row is the same.
 */
#define RUN_BULK_ROWS		8192

enum stmt {
	S_VES_PERIOD,
	S_EVENTS_ALL,
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
	S_CHANGED,
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
	/*
	 * VEs that existed in [from, to), whose account has no invoice for it
	 * yet, and that no invoice of the period bills already (a VE linked to
	 * another account after its old one was invoiced: 0020_accounts.sql).
	 */
	[S_VES_PERIOD] =
	    "SELECT v.id, v.account_id, v.created_at, v.state, o.disk_quota_mb, o.plan_id, "
	    "p.currency, a.tax_bp FROM ves v JOIN orders o ON o.id = v.order_id "
	    "JOIN plans p ON p.id = o.plan_id JOIN accounts a ON a.id = v.account_id "
	    "WHERE v.created_at < ? AND (v.state IN ('active', 'suspended') OR EXISTS "
	    "(SELECT 1 FROM ve_state_log l WHERE l.ve_id = v.id AND l.at >= ?)) "
	    "AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.account_id = v.account_id "
	    "AND i.period = ? AND i.currency = p.currency) "
	    "AND NOT EXISTS (SELECT 1 FROM invoice_ves l JOIN invoices j ON j.id = l.invoice_id "
	    "WHERE l.ve_id = v.id AND j.period = ?) "
	    "ORDER BY v.account_id, p.currency, v.id",
	[S_EVENTS_ALL] =
	    "SELECT ve_id, at, state FROM ve_state_log WHERE at < ? ORDER BY ve_id, at, id",
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
	/* VEs whose order changed since the month began (0018_changes.sql). */
	[S_CHANGED] =
	    "SELECT DISTINCT v.id FROM order_history h JOIN ves v ON v.order_id = h.order_id "
	    "WHERE h.valid_from > ? AND h.actor <> 'signup' ORDER BY v.id",
};


int
db_invoice_run_due_period(long long now, long long grace_s, int *year, int *month)
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


struct bve {
	char		 id[9];
	char		 currency[4];
	long long	 account_id, created_at, quota_mb, plan_id, tax_bp;
	int		 active_now;
	size_t		 vlo, nv;	/* its plan's versions in run.vr */
	size_t		 ev_off, ev_n;
	size_t		 u_off;
	size_t		 line_off, nlines;
	int		 hist;		/* rated by db_charges (its order changed): own lines */
	size_t		 own_off;	/* into run.own, run.own_vid */
};

/* An invoice_lines row for the array-bound INSERT. */
struct bline {
	long long	 invoice_id, seq, version_id, qty, price, amount, part_from, part_to;
	char		 ve[9], kind[10], res[16], unit[12];	/* res: "availability" */
	char		 ind_ve, ind_kind, ind_res, ind_unit;
};

/* An invoice_ves row (a VE with lines on an invoice) for the array-bound INSERT. */
struct bvi {
	long long	 invoice_id;
	char		 ve[9];
	char		 ind_ve;
};

/* An invoices row for the array-bound INSERT. */
struct binv {
	long long	 account_id, from, to, tax_bp, sub, tax, total, issued, due;
	char		 number[DB_DOCNUM_LEN], period[8], currency[4];
	char		 name[4 * 128 + 1], company[4 * 128 + 1], address[4 * 512 + 1];
	char		 country[4 * 2 + 1], vat_id[4 * 20 + 1], scheme[16];
	size_t		 g;		/* its group */
};

struct run {
	struct bve		*ve;
	size_t			 nve;
	size_t			*by_id;		/* indexes of ve sorted by id */
	struct db_vrow		*vr;
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
	struct bvi		*bv;		/* a chunk's invoice_ves rows */
	size_t			 nbv, cbv;
	struct binv		*bi;		/* a chunk's invoices */
	long long		*gid;		/* a chunk's invoice ids by group: 0 none, -1 was there */
	struct sla_terms	*sla;		/* per vr entry */
	struct sla_veavail	*avail;		/* measured, by VE id */
	size_t			 navail;
	struct rate_line	*own;		/* lines of the VEs with hist set */
	struct db_line_part	*own_vid;	/* their price version ids and parts */
	size_t			 nown, cown;
	double			 t_inv, t_lines, t_ves;	/* writing: seconds in each statement */
	double			 t_usage;	/* reading the usage rows */
	size_t			 usage_rows;
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
	free(r->bv);
	free(r->own);
	free(r->own_vid);
	free(r->bi);
	free(r->gid);
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
	struct dbv p[] = { DBV_INT(to), DBV_INT(from), DBV_STR(period), DBV_STR(period) };
	struct dbo o[] = { DBO_STR(b.id), DBO_INT(&b.account_id), DBO_INT(&b.created_at),
	    DBO_STR(state), DBO_INT(&b.quota_mb), DBO_INT(&b.plan_id), DBO_STR(b.currency),
	    DBO_INT(&b.tax_bp) };

	memset(&b, 0, sizeof(b));
	if (db_query(db, &c, sql[S_VES_PERIOD], p, nitems(p), o, nitems(o)) != DB_OK)
		return BILLING_EDB;
	while ((rc = db_next(&c)) == 1) {
		if (vep_grow((void **)&r->ve, &cap, r->nve + 1, sizeof(*r->ve), 1024) == -1) {
			rc = -1;
			break;
		}
		b.active_now = db_bill_state_active(state);
		r->ve[r->nve++] = b;
	}
	db_cur_close(&c);
	if (rc < 0)
		return BILLING_EDB;
	if ((r->by_id = calloc(r->nve + 1, sizeof(*r->by_id))) == NULL)
		return BILLING_ENOMEM;
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
		return BILLING_ENOMEM;
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
		if (vep_grow((void **)&r->ev, &cap, r->nev + 1, sizeof(*r->ev), 4096) == -1) {
			rc = -1;
			break;
		}
		r->ev[r->nev].at = at;
		r->ev[r->nev].active = db_bill_state_active(state);
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

/* A range's sums (db_invoice_usage) added to its VE's version in force at its start. */
struct usage_arg {
	struct run	*r;
	char		 err[256];	/* each part's own: the parts are read at once */
};

/*
 * Each range's sums must be 0 to 2^63 - 1 on their own (as the SUM in SQL
 * of one range each was before) and their total must fit.  No plan
 * changes version inside a range.  Called from the reading's threads at
 * once, for different VEs: it writes only that VE's r->u and a's err.
 */
static int
run_usage_range(void *arg, const struct db_usage_range *s)
{
	struct usage_arg *a = arg;
	struct run *r = a->r;
	const __int128 *v[] = { &s->cpu_user_us, &s->cpu_sys_us, &s->vmem_byte_s, &s->in_bytes,
	    &s->out_bytes };
	struct rate_usage x;
	long vi = find_ve(r, s->ve);
	size_t k = 0;

	if (vi < 0)
		return 0;	/* invoiced already, or not a VE of this month */
	const struct bve *ve = &r->ve[vi];
	for (size_t i = 0; i < nitems(v); i++)
		if (*v[i] < 0 || *v[i] > INT64_MAX)
			goto bad;
	while (k + 1 < ve->nv && r->vr[ve->vlo + k + 1].v.valid_from <= s->at)
		k++;
	memset(&x, 0, sizeof(x));
	x.vmem_byte_s = (int64_t)s->vmem_byte_s;
	x.in_bytes = (int64_t)s->in_bytes;
	x.out_bytes = (int64_t)s->out_bytes;
	if (!__builtin_add_overflow((int64_t)s->cpu_user_us, (int64_t)s->cpu_sys_us, &x.cpu_us) &&
	    rate_usage_add(&r->u[ve->u_off + k], &x) == 0)
		return 0;
bad:
	snprintf(a->err, sizeof(a->err), "usage of VE %s is negative or too large to rate", ve->id);
	log_warnx("billing run: %s", a->err);
	return 1;
}

/*
 * The month's usage per VE and version, cut at every plan's version
 * changes inside the month (db_invoice_usage.h): whole UTC days from
 * usage_day (31 rows per VE-month instead of 744, and kept for ever while
 * hour rows go after two years), hours only where a cut splits a day.
 * billingd writes both levels from the same spans in one transaction, so a
 * day row is exactly the sum of its hours; the charges' explanation shows
 * both.
 */
static int
run_load_usage(struct db *db, struct run *r, int64_t from, int64_t to, char *err, size_t errlen)
{
	struct usage_arg a[2] = { { .r = r }, { .r = r } };
	struct db_usage_part p[2];
	size_t np = r->nve >= 2 ? 2 : 1, h = r->nve / np, n = 0, m = 0;
	int64_t *cut;
	int rc;

	if ((cut = calloc(r->nvr + 2, sizeof(*cut))) == NULL)
		return BILLING_ENOMEM;
	cut[n++] = from;
	cut[n++] = to;
	for (size_t i = 0; i < r->nvr; i++)
		if (r->vr[i].v.valid_from > from && r->vr[i].v.valid_from < to)
			cut[n++] = r->vr[i].v.valid_from;
	qsort(cut, n, sizeof(*cut), cmp_i64);
	for (size_t i = 0; i < n; i++)
		if (m == 0 || cut[i] != cut[m - 1])
			cut[m++] = cut[i];
	/*
	 * Two halves of the VEs by id, each summed on a connection of its own
	 * (the sums are per VE: each half writes only its VEs' r->u).
	 */
	memset(p, 0, sizeof(p));
	for (size_t k = 0; k < np; k++) {
		p[k].lo = r->ve[r->by_id[k * h]].id;
		p[k].hi = r->ve[r->by_id[k + 1 < np ? (k + 1) * h - 1 : r->nve - 1]].id;
		p[k].arg = &a[k];
	}
	rc = db_invoice_usage(db, cut, m, p, np, run_usage_range);
	free(cut);
	for (size_t k = 0; k < np; k++) {
		r->usage_rows += p[k].rows;
		if (rc == 1 && p[k].rc == 1 && err[0] == '\0')
			snprintf(err, errlen, "%s", a[k].err);
	}
	return rc == 1 ? BILLING_EDATA : rc != DB_OK ? BILLING_EDB : BILLING_OK;
}

/*
 * VEs whose order changed since the month began (a plan or a quota
 * different in parts of it, or from today's row): rated one by one the way
 * their charges are, the month cut at each change (db_charges.h).
 */
static int
run_load_changed(struct db *db, struct run *r, int y, int mo, int64_t from, int64_t to,
    char *err, size_t errlen)
{
	struct db_cur c;
	char id[9], (*ids)[9] = NULL;
	size_t n = 0, cap = 0;
	int rc, brc = BILLING_OK;
	struct dbv p[] = { DBV_INT(from) };
	struct dbo o[] = { DBO_STR(id) };

	if (db_query(db, &c, sql[S_CHANGED], p, 1, o, 1) != DB_OK)
		return BILLING_EDB;
	while ((rc = db_next(&c)) == 1) {
		if (find_ve(r, id) < 0)
			continue;
		if (vep_grow((void **)&ids, &cap, n + 1, sizeof(*ids), 64) == -1) {
			brc = BILLING_ENOMEM;
			break;
		}
		memcpy(ids[n++], id, sizeof(id));
	}
	db_cur_close(&c);
	if (brc == BILLING_OK && rc < 0)
		brc = BILLING_EDB;
	for (size_t i = 0; brc == BILLING_OK && i < n; i++) {
		struct bve *b = &r->ve[find_ve(r, ids[i])];
		struct rate_line *l = NULL;
		struct db_line_part *vid = NULL;
		size_t nl = 0, c1 = r->cown, c2 = r->cown;

		if ((brc = db_charges_ve_month_vlines(db, b->id, y, mo, to, &l, &nl, &vid, err,
		    errlen)) != BILLING_OK)
			break;
		if (vep_grow((void **)&r->own, &c1, r->nown + nl + 1, sizeof(*r->own), 64) == -1 ||
		    vep_grow((void **)&r->own_vid, &c2, r->nown + nl + 1, sizeof(*r->own_vid), 64) == -1)
			brc = BILLING_ENOMEM;
		else {
			r->cown = c1 < c2 ? c1 : c2;
			memcpy(r->own + r->nown, l, nl * sizeof(*l));
			memcpy(r->own_vid + r->nown, vid, nl * sizeof(*vid));
			b->hist = 1;
			b->own_off = r->nown;
			b->nlines = nl;
			r->nown += nl;
		}
		free(l);
		free(vid);
	}
	free(ids);
	return brc;
}

static int
run_rate(struct run *r, int64_t from, int64_t to, char *err, size_t errlen)
{
	size_t cap = 0, maxnv = 0;

	for (size_t i = 0; i < r->nve; i++) {
		cap += r->ve[i].nv * RATE_LINES_PER_VERSION + 1 + (r->ve[i].hist ? r->ve[i].nlines : 0);
		if (r->ve[i].nv > maxnv)
			maxnv = r->ve[i].nv;
	}
	if ((r->lines = calloc(cap + 1, sizeof(*r->lines))) == NULL ||
	    (r->vtmp = calloc(maxnv + 1, sizeof(*r->vtmp))) == NULL)
		return BILLING_ENOMEM;
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
		if (b->hist) {
			/* Rated by run_load_changed; its lines join the others in order. */
			memcpy(r->lines + r->nlines, r->own + b->own_off, b->nlines * sizeof(*r->lines));
			b->line_off = r->nlines;
			r->nlines += b->nlines;
			continue;
		}
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

static double mono(void);

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
	double t0 = mono(), t1;
	int rc, on;

	if (r->nbl == 0)
		return DB_OK;
	if ((rc = db_exec_session(db, sql[S_FK_OFF])) != DB_OK)
		return rc;
	if ((rc = bulk_lines(db, r->bl, r->nbl)) == DB_OK) {
		t1 = mono();
		r->t_lines += t1 - t0;
		rc = db_exec_bulk_per(db, sql[S_VE_INSERT], r->bv, sizeof(*r->bv), r->nbv, c,
		    nitems(c), RUN_BULK_ROWS, NULL);
		r->t_ves += mono() - t1;
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

/* What the triggers skipped for the chunk's new invoices r->bi[0..ni) (S_BULK_ON). */
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
	double t0 = mono();
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
	r->t_inv += mono() - t0;
	if ((rc = bulk_write(db, r)) != DB_OK ||
	    (rc = db_docnum_set(db, "INV", year, next)) != DB_OK)
		return rc;
	x->made = (int)ni;
	return DB_OK;
}

/*
 * Groups: runs of VEs with the same account and currency; (*gs)[*ng] ends
 * the last.  Every invoice's totals are checked here, so an amount that
 * does not fit stops the run before it writes.
 */
static int
run_groups(struct run *r, const char *period, size_t **gsp, size_t *ngp, char *err,
    size_t errlen)
{
	size_t *gs, ng = 0;

	if ((*gsp = gs = calloc(r->nve + 1, sizeof(*gs))) == NULL)
		return BILLING_ENOMEM;
	for (size_t i = 0; i < r->nve; i++)
		if (i == 0 || r->ve[i].account_id != r->ve[i - 1].account_id ||
		    strcmp(r->ve[i].currency, r->ve[i - 1].currency) != 0)
			gs[ng++] = i;
	gs[ng] = r->nve;
	*ngp = ng;
	for (size_t g = 0; g < ng; g++) {
		const struct bve *first = &r->ve[gs[g]];
		size_t nl = 0;
		int64_t sub, tax, total;
		for (size_t i = gs[g]; i < gs[g + 1]; i++)
			nl += r->ve[i].nlines;
		if (rate_totals(r->lines + first->line_off, nl, first->tax_bp, &sub, &tax,
		    &total) != RATE_OK) {
			snprintf(err, errlen, "the invoice of account %lld does not fit 64 bits",
			    first->account_id);
			log_warnx("billing run %s: %s", period, err);
			return BILLING_EDATA;
		}
	}
	return BILLING_OK;
}

/* Write the invoices of groups gs[0..ng), RUN_CHUNK to a transaction; *created adds up. */
static int
run_write(struct db *db, struct run *r, const size_t *gs, size_t ng, int y, int mo,
    int due_days, long long now, int *created, const char *period, int each, char *err,
    size_t errlen)
{
	const char *const w[] = { sql[S_INVOICE_EXISTS], sql[S_INVOICES_RANGE],
	    sql[S_INVOICE_INSERT], sql[S_BUYERS], sql[S_INVOICE_ROWS], sql[S_INVOICE_ROWS40], sql[S_INVOICE_ROW], sql[S_LINE_INSERT], sql[S_VE_INSERT], sql[S_FK_OFF],
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
	for (size_t g = 0; g < ng; g += RUN_CHUNK) {
		struct run_chunk x = { r, gs, g, g + RUN_CHUNK < ng ? g + RUN_CHUNK : ng,
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
	return BILLING_OK;
}

static double
mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
run_opt(struct db *db, int y, int mo, long long now, int due_days, const char *actor,
    int each, int *created, char *err, size_t errlen)
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
	db_bill_period_str(y, mo, period);
	rate_month_bounds(y, mo, &from, &to);
	if (now < to) {
		snprintf(err, errlen, "%s has not ended yet: only a closed month can be invoiced", period);
		return BILLING_EINPUT;
	}
	if (due_days < 0)
		due_days = DB_BILL_DUE_DAYS;
	/* Late usage (db_periods.h): from now on, usage stored for this month is marked. */
	if ((rc = db_periods_open(db, period, now)) != BILLING_OK)
		goto out;

	t[0] = mono();
	if ((rc = run_load_ves(db, &r, from, to, period)) != BILLING_OK)
		goto out;
	if (r.nve == 0)
		goto done;
	if ((rc = db_versions_load(db, 0, &r.vr, &r.nvr)) != BILLING_OK ||
	    (rc = run_map_versions(&r, err, errlen)) != BILLING_OK ||
	    (rc = run_load_events(db, &r, to)) != BILLING_OK)
		goto out;
	t[1] = mono();
	if ((rc = run_load_usage(db, &r, from, to, err, errlen)) != BILLING_OK)
		goto out;
	r.t_usage = mono() - t[1];
	if ((rc = db_versions_sla(db, 0, r.vr, r.nvr, &r.sla)) != BILLING_OK)
		goto out;
	if (db_sla_avail_all(db, from, to, &r.avail, &r.navail) != DB_OK) {
		rc = BILLING_EDB;
		goto out;
	}
	if ((rc = run_load_changed(db, &r, y, mo, from, to, err, errlen)) != BILLING_OK)
		goto out;
	t[2] = mono();
	if ((rc = run_rate(&r, from, to, err, errlen)) != BILLING_OK)
		goto out;
	t[3] = mono();

	if ((rc = run_groups(&r, period, &gs, &ng, err, errlen)) != BILLING_OK ||
	    (rc = run_write(db, &r, gs, ng, y, mo, due_days, now, created, period, each, err,
	    errlen)) != BILLING_OK)
		goto out;
	t[4] = mono();
	log_info("billing run %s: %zu VEs, %d invoices, %zu lines; VEs and history %.2f s, "
	    "usage %.2f s (%zu rows %.2f s), rating %.2f s, writing %.2f s (invoices %.2f s, "
	    "lines %.2f s, invoice_ves %.2f s)", period, r.nve, *created, r.nlines,
	    t[1] - t[0], t[2] - t[1], r.usage_rows, r.t_usage, t[3] - t[2], t[4] - t[3], r.t_inv,
	    r.t_lines, r.t_ves);
done:
	db_audit_json(db, now, actor ? actor : "vepctl", "invoice.run", period,
	    NULL, json_pack("{s:i, s:I}", "created", *created, "ves", (json_int_t)r.nve));
	rc = BILLING_OK;
out:
	if (rc == BILLING_EDB && err[0] == '\0')
		snprintf(err, errlen, "the database failed or is unavailable; nothing more was written");
	free(gs);
	run_free(&r);
	return rc;
}

int
db_invoice_run_opt(struct db *db, int y, int mo, long long now, int due_days,
    const char *actor, int *created, char *err, size_t errlen)
{
	return run_opt(db, y, mo, now, due_days, actor, 0, created, err, errlen);
}

int
db_invoice_run_each(struct db *db, int y, int mo, long long now, int due_days,
    const char *actor, int *created, char *err, size_t errlen)
{
	return run_opt(db, y, mo, now, due_days, actor, 1, created, err, errlen);
}

int
db_invoice_run(struct db *db, int y, int mo, long long now, int *created, char *err,
    size_t errlen)
{
	return db_invoice_run_opt(db, y, mo, now, DB_BILL_DUE_DAYS, "vepctl", created,
	    err, errlen);
}
