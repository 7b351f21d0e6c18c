/*
 * The invoice run: see db_invoice_run.h.
 *
 * It rates every VE of a month at once, with the rules of one VE's charges
 * (db_charges.c): the month is cut at every plan's version changes; whole
 * UTC days come from usage_day and the hours of a day that a cut splits
 * from usage_hour (db_invoice_usage.c), summed per VE in C as the rows pass.
 * Reading overlaps writing: batches of RUN_BATCH invoices are read and
 * rated on a second connection in a thread while the main connection
 * writes the batches before them (db_invoice_write.c); see the pre_* and
 * pipe_* functions below.
 *
 * Concurrency: document numbers come from db_docnum, whose row is locked
 * by the transaction that issues the invoices, so numbers have no gaps and
 * two runs queue up behind each other; the second then finds the invoices
 * (unique account, period, currency) and skips them.  Every writing
 * transaction runs through db_tx, which runs it again from the start; each
 * reads what it decides on inside it.  Late usage (db_periods.h): the run
 * opens its month in invoiced_periods before it reads any usage.
 */
#include <pthread.h>
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
#include "db_invoice_write.h"
#include "db_periods.h"
#include "db_sla.h"
#include "db_versions.h"
#include "log.h"
#include "rating.h"
#include "sla.h"
#include "util.h"


enum stmt {
	S_POOL_GROUP,
	S_VES_PERIOD,
	S_PLANS,
	S_TAXES,
	S_BILLED,
	S_BILLED_VES,
	S_EVENTS_ALL,
	S_CHANGED,
	S__MAX
};

static const char *const sql[S__MAX] = {
	/* A connection's thread pool group: its id modulo the groups (pre_start). */
	[S_POOL_GROUP] =
	    "SELECT IF(@@thread_handling = 'pool-of-threads', CONNECTION_ID() % @@thread_pool_size, -1)",
	/*
	 * VEs that existed in [from, to), in no order; with their plan's
	 * currency and their account's tax rate (S_PLANS, S_TAXES), less those
	 * whose account has an invoice for the period in that currency
	 * (S_BILLED) and those that an invoice of the period bills already (a
	 * VE linked to another account after its old one was invoiced:
	 * 0020_accounts.sql; S_BILLED_VES), they are the run's VEs
	 * (run_load_ves).  Joined and sorted in C: one statement with the
	 * joins, two NOT EXISTS per VE and ORDER BY took MariaDB 0.6 s for
	 * 100,000 VEs, these 0.25 s.
	 */
	[S_VES_PERIOD] =
	    "SELECT v.id, v.account_id, v.created_at, v.state, o.disk_quota_mb, o.plan_id "
	    "FROM ves v STRAIGHT_JOIN orders o ON o.id = v.order_id "
	    "WHERE v.created_at < ? AND (v.state IN ('active', 'suspended') OR EXISTS "
	    "(SELECT 1 FROM ve_state_log l WHERE l.ve_id = v.id AND l.at >= ?))",
	[S_PLANS] = "SELECT id, currency FROM plans ORDER BY id",
	[S_TAXES] = "SELECT id, tax_bp FROM accounts ORDER BY id",
	[S_BILLED] =
	    "SELECT account_id, currency FROM invoices WHERE period = ? ORDER BY account_id, currency",
	[S_BILLED_VES] =
	    "SELECT l.ve_id FROM invoices j JOIN invoice_ves l ON l.invoice_id = j.id "
	    "WHERE j.period = ? ORDER BY l.ve_id",
	[S_EVENTS_ALL] =
	    "SELECT ve_id, at, state FROM ve_state_log WHERE at < ? ORDER BY ve_id, at, id",
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


static void
run_free(struct run *r)
{
	free(r->cut);
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

/* A (key, currency) or (key, number) row of the VE list's lookups. */
struct vkey {
	long long	 k, n;
	char		 cur[4];
};

static int
vkey_cmp(const void *a, const void *b)
{
	const struct vkey *x = a, *y = b;
	return x->k != y->k ? (x->k < y->k ? -1 : 1) : strcmp(x->cur, y->cur);
}

static int
vkey_kcmp(const void *a, const void *b)
{
	const struct vkey *x = a, *y = b;
	return x->k != y->k ? (x->k < y->k ? -1 : 1) : 0;
}

static int
veid_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The run's order: account, currency, VE id (its groups and each invoice's lines). */
static int
ve_order_cmp(const void *a, const void *b)
{
	const struct bve *x = a, *y = b;
	int c;

	if (x->account_id != y->account_id)
		return x->account_id < y->account_id ? -1 : 1;
	return (c = strcmp(x->currency, y->currency)) != 0 ? c : strcmp(x->id, y->id);
}

/* Every row of q (one text or two integer columns) into *rows of struct vkey or char[9]. */
static int
vkeys(struct db *db, int q, const char *period, void **rows, size_t *n)
{
	struct vkey k;
	char id[9] = "";
	struct dbv p[] = { DBV_STR(period) };
	struct dbo o2[] = { DBO_INT(&k.k), DBO_STR(k.cur) }, o3[] = { DBO_INT(&k.k), DBO_INT(&k.n) };
	struct dbo o1[] = { DBO_STR(id) };

	memset(&k, 0, sizeof(k));
	switch (q) {
	case S_BILLED_VES:
		return db_select_all(db, sql[q], p, 1, o1, 1, id, sizeof(id), rows, n);
	case S_BILLED:
		return db_select_all(db, sql[q], p, 1, o2, 2, &k, sizeof(k), rows, n);
	case S_PLANS:
		return db_select_all(db, sql[q], NULL, 0, o2, 2, &k, sizeof(k), rows, n);
	default:
		return db_select_all(db, sql[q], NULL, 0, o3, 2, &k, sizeof(k), rows, n);
	}
}

/* bsearch over n rows that may be none (an empty array may be NULL, which bsearch may not take). */
static void *
find(const void *key, const void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	return n == 0 ? NULL : bsearch(key, base, n, size, cmp);
}

/* Keep VE b (its currency and tax rate filled in) unless it is billed or lacks its rows. */
static int
ve_keep(struct bve *b, const struct vkey *plans, size_t np, const struct vkey *tax, size_t nt,
    const struct vkey *billed, size_t nb, const char (*bves)[9], size_t nbv)
{
	struct vkey key = { b->plan_id, 0, "" }, *f;

	if ((f = find(&key, plans, np, sizeof(*plans), vkey_kcmp)) == NULL)
		return 0;
	memcpy(b->currency, f->cur, sizeof(b->currency));
	key.k = b->account_id;
	if ((f = find(&key, tax, nt, sizeof(*tax), vkey_kcmp)) == NULL)
		return 0;
	b->tax_bp = f->n;
	memcpy(key.cur, b->currency, sizeof(key.cur));
	return find(&key, billed, nb, sizeof(*billed), vkey_cmp) == NULL &&
	    find(b->id, bves, nbv, sizeof(*bves), veid_cmp) == NULL;
}

static int
run_load_ves(struct db *db, struct run *r, int64_t from, int64_t to, const char *period)
{
	struct db_cur c;
	struct bve b;
	struct vkey *plans = NULL, *tax = NULL, *billed = NULL;
	char state[16], (*bves)[9] = NULL;
	size_t cap = 0, np = 0, nt = 0, nb = 0, nbv = 0;
	int rc;
	struct dbv p[] = { DBV_INT(to), DBV_INT(from) };
	struct dbo o[] = { DBO_STR(b.id), DBO_INT(&b.account_id), DBO_INT(&b.created_at),
	    DBO_STR(state), DBO_INT(&b.quota_mb), DBO_INT(&b.plan_id) };

	memset(&b, 0, sizeof(b));
	if (vkeys(db, S_PLANS, NULL, (void **)&plans, &np) != DB_OK ||
	    vkeys(db, S_TAXES, NULL, (void **)&tax, &nt) != DB_OK ||
	    vkeys(db, S_BILLED, period, (void **)&billed, &nb) != DB_OK ||
	    vkeys(db, S_BILLED_VES, period, (void **)&bves, &nbv) != DB_OK ||
	    db_query(db, &c, sql[S_VES_PERIOD], p, nitems(p), o, nitems(o)) != DB_OK) {
		rc = BILLING_EDB;
		goto out;
	}
	while ((rc = db_next(&c)) == 1) {
		if (!ve_keep(&b, plans, np, tax, nt, billed, nb, (const char (*)[9])bves, nbv))
			continue;
		if (vep_grow((void **)&r->ve, &cap, r->nve + 1, sizeof(*r->ve), 1024) == -1) {
			rc = -1;
			break;
		}
		b.active_now = db_bill_state_active(state);
		r->ve[r->nve++] = b;
	}
	db_cur_close(&c);
	rc = rc < 0 ? BILLING_EDB : BILLING_OK;
	if (rc == BILLING_OK && r->nve > 0)
		qsort(r->ve, r->nve, sizeof(*r->ve), ve_order_cmp);
	if (rc == BILLING_OK && (r->by_id = calloc(r->nve + 1, sizeof(*r->by_id))) == NULL)
		rc = BILLING_ENOMEM;
	for (size_t i = 0; rc == BILLING_OK && i < r->nve; i++)
		r->by_id[i] = i;
	if (rc == BILLING_OK)
		qsort_r(r->by_id, r->nve, sizeof(*r->by_id), by_id_cmp, r->ve);
out:
	free(plans);
	free(tax);
	free(billed);
	free(bves);
	return rc;
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

/*
 * Read beside the VE list, on the connection the reader will use: the
 * state log up to the month's end and the VEs whose order changed since
 * its start, raw (run_load_events and run_load_changed keep the run's).
 */
struct raw_ev {
	char		 id[9], state[16];
	long long	 at;
};

struct pre {
	struct db	*db;		/* NULL: read on the main connection */
	int64_t		 from, to;
	struct raw_ev	*ev;
	size_t		 nev;
	char		(*chg)[9];
	size_t		 nchg;
	int		 rc;		/* a db_rc */
	int		 started;
	pthread_t	 th;
};

static int
pre_read(struct db *db, struct pre *x)
{
	struct raw_ev e;
	char id[9] = "";
	struct dbv p[] = { DBV_INT(x->to) }, pc[] = { DBV_INT(x->from) };
	struct dbo o[] = { DBO_STR(e.id), DBO_INT(&e.at), DBO_STR(e.state) }, oc[] = { DBO_STR(id) };
	int rc;

	memset(&e, 0, sizeof(e));
	if ((rc = db_select_all(db, sql[S_EVENTS_ALL], p, 1, o, 3, &e, sizeof(e), (void **)&x->ev,
	    &x->nev)) != DB_OK)
		return rc;
	return db_select_all(db, sql[S_CHANGED], pc, 1, oc, 1, id, sizeof(id), (void **)&x->chg,
	    &x->nchg);
}

static void *
pre_thread(void *arg)
{
	struct pre *x = arg;

	x->rc = pre_read(x->db, x);
	return NULL;
}

/* db's thread pool group, or -1 (no pool, or not known). */
static long long
pool_group(struct db *db)
{
	long long g = -1;
	struct dbo o[] = { DBO_INT(&g) };

	return db_one(db, sql[S_POOL_GROUP], NULL, 0, o, 1) == 1 ? g : -1;
}

/*
 * Start reading beside the VE list (on db itself, later, without a second
 * connection).  The connection is the reader's later on: one in the main
 * connection's thread pool group would queue the writer's statements
 * behind its long reads until the pool's stall limit (10 ms in the dev
 * server's my.cnf) each, so another one is opened (the next id, the next
 * group) while the first is held, a few times at most.
 */
static void
pre_start(struct db *db, struct pre *x)
{
	char e[256];
	long long g = pool_group(db);

	x->db = db_open_like(db, e, sizeof(e));
	for (int i = 0; i < 3 && x->db != NULL && g >= 0 && pool_group(x->db) == g; i++) {
		struct db *other = db_open_like(db, e, sizeof(e));
		if (other == NULL)
			break;
		db_close(x->db);
		x->db = other;
	}
	if (x->db == NULL)
		log_warnx("billing run: no second connection, reading and writing on one: %s", e);
	else if (pthread_create(&x->th, NULL, pre_thread, x) != 0) {
		db_close(x->db);
		x->db = NULL;
	} else
		x->started = 1;
}

/* The raw rows read: a db_rc. */
static int
pre_join(struct db *db, struct pre *x)
{
	if (!x->started)
		return x->db != NULL ? x->rc : pre_read(db, x);
	pthread_join(x->th, NULL);
	x->started = 0;
	return x->rc;
}

static void
pre_end(struct pre *x)
{
	if (x->started)
		pthread_join(x->th, NULL);
	db_close(x->db);
	free(x->ev);
	free(x->chg);
	memset(x, 0, sizeof(*x));
}

/* The state log's rows of the run's VEs (in VE, time order) into r->ev. */
static int
run_load_events(struct run *r, const struct raw_ev *ev, size_t n)
{
	const char *last = "";
	long vi = -1;
	size_t cap = 0;

	for (size_t k = 0; k < n; k++) {
		if (strcmp(ev[k].id, last) != 0) {
			last = ev[k].id;
			vi = find_ve(r, last);
			if (vi >= 0)
				r->ve[vi].ev_off = r->nev;
		}
		if (vi < 0)
			continue;
		if (vep_grow((void **)&r->ev, &cap, r->nev + 1, sizeof(*r->ev), 4096) == -1)
			return BILLING_ENOMEM;
		r->ev[r->nev].at = ev[k].at;
		r->ev[r->nev].active = db_bill_state_active(ev[k].state);
		r->nev++;
		r->ve[vi].ev_n++;
	}
	return BILLING_OK;
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
	size_t		 i0, i1;	/* the VEs r->ve[i0..i1) of the batch read */
	char		 err[256];
};

/*
 * Each range's sums must be 0 to 2^63 - 1 on their own (as the SUM in SQL
 * of one range each was before) and their total must fit.  No plan
 * changes version inside a range.  Called from the reading's thread for
 * the VEs of its batch: it writes only their r->u and a's err.
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

	/* invoiced already, not a VE of this month, or another batch's (an account's other currency) */
	if (vi < 0 || (size_t)vi < a->i0 || (size_t)vi >= a->i1)
		return 0;
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
 * The month cut at every plan's version changes inside it (db_invoice_usage.h):
 * whole UTC days come from usage_day (31 rows per VE-month instead of 744,
 * and kept for ever while hour rows go after two years), hours only where
 * a cut splits a day.  billingd writes both levels from the same spans in
 * one transaction, so a day row is exactly the sum of its hours; the
 * charges' explanation shows both.
 */
static int
run_cuts(struct run *r, int64_t from, int64_t to)
{
	size_t n = 0, m = 0;

	if ((r->cut = calloc(r->nvr + 2, sizeof(*r->cut))) == NULL)
		return BILLING_ENOMEM;
	r->cut[n++] = from;
	r->cut[n++] = to;
	for (size_t i = 0; i < r->nvr; i++)
		if (r->vr[i].v.valid_from > from && r->vr[i].v.valid_from < to)
			r->cut[n++] = r->vr[i].v.valid_from;
	qsort(r->cut, n, sizeof(*r->cut), cmp_i64);
	for (size_t i = 0; i < n; i++)
		if (m == 0 || r->cut[i] != r->cut[m - 1])
			r->cut[m++] = r->cut[i];
	r->ncut = m;
	return BILLING_OK;
}

/*
 * VEs whose order changed since the month began (a plan or a quota
 * different in parts of it, or from today's row): rated one by one the way
 * their charges are, the month cut at each change (db_charges.h).
 */
static int
run_load_changed(struct db *db, struct run *r, const char (*chg)[9], size_t nchg, int y,
    int mo, int64_t to, char *err, size_t errlen)
{
	char (*ids)[9] = NULL;
	size_t n = 0, cap = 0;
	int brc = BILLING_OK;

	for (size_t k = 0; k < nchg && brc == BILLING_OK; k++) {
		if (find_ve(r, chg[k]) < 0)
			continue;
		if (vep_grow((void **)&ids, &cap, n + 1, sizeof(*ids), 64) == -1)
			brc = BILLING_ENOMEM;
		else
			memcpy(ids[n++], chg[k], sizeof(*ids));
	}
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

/* Room for every VE's lines, in VE order (run_rate_batch fills it batch by batch). */
static int
run_rate_alloc(struct run *r)
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
	return BILLING_OK;
}

/* Rate the VEs r->ve[i0..i1), after those before them. */
static int
run_rate(struct run *r, size_t i0, size_t i1, int64_t from, int64_t to, char *err,
    size_t errlen)
{
	for (size_t i = i0; i < i1; i++) {
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

/* Groups: runs of VEs with the same account and currency; (*gs)[*ng] ends the last. */
static int
run_groups(struct run *r, size_t **gsp, size_t *ngp)
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
	return BILLING_OK;
}

/* Every invoice's totals of groups [g0, g1) checked before any of them is written. */
static int
run_totals(const struct run *r, const size_t *gs, size_t g0, size_t g1, char *err,
    size_t errlen)
{
	for (size_t g = g0; g < g1; g++) {
		const struct bve *first = &r->ve[gs[g]];
		size_t nl = 0;
		int64_t sub, tax, total;
		for (size_t i = gs[g]; i < gs[g + 1]; i++)
			nl += r->ve[i].nlines;
		if (rate_totals(r->lines + first->line_off, nl, first->tax_bp, &sub, &tax,
		    &total) != RATE_OK) {
			snprintf(err, errlen, "the invoice of account %lld does not fit 64 bits",
			    first->account_id);
			log_warnx("billing run: %s", err);
			return BILLING_EDATA;
		}
	}
	return BILLING_OK;
}

/*
 * The pipeline: the groups in batches of RUN_BATCH (whole chunks of the
 * writer); a batch's usage is read and its VEs rated on a connection of
 * its own in a thread (the reader) while the main connection writes the
 * batches before it.  The reader runs ahead as far as it gets (each
 * batch's lines have their place in r->lines already, and it writes only
 * its batch's VEs: their r->u, line_off and nlines, and r->nlines); the
 * writer reads a batch only once the reader has handed it over under
 * p->mu, and the reader stops when the writer fails.
 */
#define RUN_BATCH	(2 * DB_INVOICE_CHUNK)

struct pipe {
	struct run	*r;
	const size_t	*gs;
	size_t		 ng, nb;	/* groups, batches */
	int64_t		 from, to;
	struct db	*db;		/* the reader's connection */
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	size_t		 ready;		/* batches read and rated */
	int		 stop;		/* the writer failed: read no more */
	int		 rc;		/* the reader's failure: a billing_rc */
	int		 primed;	/* what rating needs is loaded: 1, or -1 failed */
	int		 started;	/* the reader runs in th */
	pthread_t	 th;
	char		 err[256];
};

/* Read and rate batch b on db: a billing_rc, p->err says why not. */
static int
pipe_batch(struct pipe *p, struct db *db, size_t b)
{
	struct run *r = p->r;
	size_t g0 = b * RUN_BATCH, g1 = g0 + RUN_BATCH < p->ng ? g0 + RUN_BATCH : p->ng;
	size_t i0 = p->gs[g0], i1 = p->gs[g1];
	struct usage_arg a = { r, i0, i1, "" };
	struct db_usage_part part = { r->ve[i0].account_id, r->ve[i1 - 1].account_id, &a, 0 };
	double t0 = db_invoice_mono();
	int rc = db_invoice_usage(db, r->cut, r->ncut, &part, run_usage_range);

	r->usage_rows += part.rows;
	r->t_usage += db_invoice_mono() - t0;
	if (rc == 1) {
		snprintf(p->err, sizeof(p->err), "%s", a.err);
		return BILLING_EDATA;
	}
	if (rc != DB_OK)
		return BILLING_EDB;
	pthread_mutex_lock(&p->mu);
	while (p->primed == 0)
		pthread_cond_wait(&p->cv, &p->mu);
	rc = p->primed;
	pthread_mutex_unlock(&p->mu);
	if (rc < 0)
		return BILLING_EDB;	/* the main connection's failure is the one said */
	if ((rc = run_rate(r, i0, i1, p->from, p->to, p->err, sizeof(p->err))) != BILLING_OK)
		return rc;
	return run_totals(r, p->gs, g0, g1, p->err, sizeof(p->err));
}

static void *
pipe_reader(void *arg)
{
	struct pipe *p = arg;

	for (size_t b = 0; b < p->nb; b++) {
		int rc, stop;
		pthread_mutex_lock(&p->mu);
		stop = p->stop;
		pthread_mutex_unlock(&p->mu);
		if (stop)
			break;
		rc = pipe_batch(p, p->db, b);
		pthread_mutex_lock(&p->mu);
		if (rc == BILLING_OK)
			p->ready = b + 1;
		else
			p->rc = rc;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (rc != BILLING_OK)
			break;
	}
	return NULL;
}

/* Wait for batch b: BILLING_OK, or the reader's failure. */
static int
pipe_wait(struct pipe *p, size_t b)
{
	double t0 = db_invoice_mono();
	int rc;

	pthread_mutex_lock(&p->mu);
	while (p->ready <= b && p->rc == BILLING_OK)
		pthread_cond_wait(&p->cv, &p->mu);
	rc = p->ready > b ? BILLING_OK : p->rc;
	pthread_mutex_unlock(&p->mu);
	p->r->t_wait += db_invoice_mono() - t0;
	return rc;
}

/*
 * The reader on conn (pre_start's), from batch 0 on: it reads usage
 * at once and rates once pipe_prime says the rest is loaded.  Without a
 * second connection the batches are read on db as the writer comes to them.
 */
static void
pipe_start(struct pipe *p, struct db *conn)
{
	if ((p->db = conn) != NULL && pthread_create(&p->th, NULL, pipe_reader, p) == 0)
		p->started = 1;
}

/* What rating needs is loaded (rc BILLING_OK) or will not be. */
static int
pipe_prime(struct pipe *p, int rc)
{
	pthread_mutex_lock(&p->mu);
	p->primed = rc == BILLING_OK ? 1 : -1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return rc;
}

/* Stop the reader (when the writer failed, at its next batch) and close its connection. */
static void
pipe_end(struct pipe *p)
{
	if (p->started) {
		pthread_mutex_lock(&p->mu);
		p->stop = 1;
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->th, NULL);
		p->started = 0;
	}
	db_close(p->db);
	p->db = NULL;
}

/* Write every batch as the reader hands it over; *created adds up. */
static int
pipe_write(struct db *db, struct pipe *p, int y, int mo, int due_days, long long now,
    int *created, const char *period, int each, char *err, size_t errlen)
{
	int rc = BILLING_OK;

	for (size_t b = 0; b < p->nb && rc == BILLING_OK; b++) {
		size_t g0 = b * RUN_BATCH, g1 = g0 + RUN_BATCH < p->ng ? g0 + RUN_BATCH : p->ng;
		rc = p->started ? pipe_wait(p, b) : pipe_batch(p, db, b);
		if (rc != BILLING_OK) {
			snprintf(err, errlen, "%s", p->err);
			break;
		}
		rc = db_invoice_write(db, p->r, p->gs, g0, g1, y, mo, due_days, now, created,
		    period, each, err, errlen);
	}
	return rc;
}

/*
 * What rating needs besides usage (events, availability, VEs rated on
 * their own, room for the lines) and the writer's statements, loaded on
 * db while the reader reads the first batches' usage.
 */
static int
run_prime(struct db *db, struct run *r, const struct pre *x, int y, int mo, int64_t from,
    int64_t to, long long now, char *err, size_t errlen)
{
	int rc;

	if ((rc = run_load_events(r, x->ev, x->nev)) != BILLING_OK ||
	    (rc = db_versions_sla(db, 0, r->vr, r->nvr, &r->sla)) != BILLING_OK)
		return rc;
	if (db_sla_avail_all(db, from, to, &r->avail, &r->navail) != DB_OK)
		return BILLING_EDB;
	if ((rc = run_load_changed(db, r, (const char (*)[9])x->chg, x->nchg, y, mo, to, err,
	    errlen)) != BILLING_OK || (rc = run_rate_alloc(r)) != BILLING_OK)
		return rc;
	return db_invoice_write_begin(db, r, now, err, errlen);
}

static int
run_opt(struct db *db, int y, int mo, long long now, int due_days, const char *actor,
    int each, int *created, char *err, size_t errlen)
{
	struct run r;
	struct pipe p;
	struct pre x;
	size_t *gs = NULL, ng = 0;
	char period[8];
	int64_t from, to;
	double t[3];
	int rc;

	*created = 0;
	memset(&r, 0, sizeof(r));
	memset(&x, 0, sizeof(x));
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

	t[0] = db_invoice_mono();
	x.from = from;
	x.to = to;
	pre_start(db, &x);
	if ((rc = run_load_ves(db, &r, from, to, period)) != BILLING_OK)
		goto out;
	if (r.nve == 0)
		goto done;
	if ((rc = db_versions_load(db, 0, &r.vr, &r.nvr)) != BILLING_OK ||
	    (rc = run_map_versions(&r, err, errlen)) != BILLING_OK ||
	    (rc = run_cuts(&r, from, to)) != BILLING_OK ||
	    (rc = run_groups(&r, &gs, &ng)) != BILLING_OK)
		goto out;
	if (pre_join(db, &x) != DB_OK) {
		rc = BILLING_EDB;
		goto out;
	}
	memset(&p, 0, sizeof(p));
	p.r = &r;
	p.gs = gs;
	p.ng = ng;
	p.nb = (ng + RUN_BATCH - 1) / RUN_BATCH;
	p.from = from;
	p.to = to;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	pipe_start(&p, x.db);
	x.db = NULL;		/* the reader's now */
	rc = pipe_prime(&p, run_prime(db, &r, &x, y, mo, from, to, now, err, errlen));
	t[1] = db_invoice_mono();
	if (rc == BILLING_OK)
		rc = pipe_write(db, &p, y, mo, due_days, now, created, period, each, err, errlen);
	pipe_end(&p);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	if (rc != BILLING_OK)
		goto out;
	t[2] = db_invoice_mono();
	log_info("billing run %s: %zu VEs, %d invoices, %zu lines; VEs and history %.2f s, "
	    "usage and rating beside the writing %.2f s (%zu rows), writing %.2f s (in the "
	    "writer %.2f s: invoices %.2f s, lines %.2f s, invoice_ves %.2f s; waiting for the "
	    "reading %.2f s)", period, r.nve, *created, r.nlines, t[1] - t[0], r.t_usage,
	    r.usage_rows, t[2] - t[1], r.t_write, r.t_inv, r.t_lines, r.t_ves, r.t_wait);
done:
	db_audit_json(db, now, actor ? actor : "vepctl", "invoice.run", period,
	    NULL, json_pack("{s:i, s:I}", "created", *created, "ves", (json_int_t)r.nve));
	rc = BILLING_OK;
out:
	if (rc == BILLING_EDB && err[0] == '\0')
		snprintf(err, errlen, "the database failed or is unavailable; nothing more was written");
	free(gs);
	pre_end(&x);
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
