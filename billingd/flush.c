/*
 * Applying one batch to the database, in one transaction: the batch's
 * sequence number, the new counter state of every VE and all the usage
 * rows that state produced commit together or not at all.  That is what
 * makes kill -9 at any moment harmless: after a restart the committed
 * counter state is the baseline and nothing is counted twice or missed.
 *
 * Fast path: entries whose head is our last committed state update
 * counter_state on condition that it still holds that state (one bulk
 * UPDATE; the affected-row count tells whether all matched).  Otherwise,
 * or for entries with an unknown head, each VE's state is read with
 * SELECT ... FOR UPDATE and meter_plan() decides: write as is, skip (the
 * database is already past us), or compute the first span from the
 * database's state.
 *
 * Usage for a month that was invoiced already (a spool replayed late, a
 * gap spread back across the month's end) is marked in the same
 * transaction (db_periods_mark_days): the next invoice run or billing
 * round bills the difference with a debit or credit note.
 *
 * The batch's availability bits go in the same transaction, OR-ed into
 * their minute rows whatever the plans say: a second is either marked or
 * not, so a batch applied twice (replayed, or retried) cannot count one
 * twice, and a skipped one loses nothing that was not already there.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "db_late.h"
#include "db_periods.h"
#include "db_usage.h"
#include "log.h"
#include "batch.h"
#include "billingd.h"
#include "prom.h"
#include "flush.h"
#include "rollup.h"
#include "util.h"

enum apply_rc { A_OK, A_SKIPPED, A_CONFLICT, A_RETRY, A_GONE, A_ERR };

/* The steps of an apply, timed for the debug log ("where the time goes"). */
enum wstep { W_PLAN, W_STATE, W_BUILD, W_RAW, W_MINUTE, W_HOUR, W_DAY, W_IPHOUR,
	W_TOTALS, W_LATE, W_AVAIL, W_COMMIT, W__STEPS };
static const char *const wstep_name[W__STEPS] = { "plan", "state", "build", "raw",
	"minute", "hour", "day", "iphour", "totals", "late", "avail", "commit" };

/* Scratch of one apply. */
struct work {
	struct db	*db;		/* the connection of this part */
	const char	*owner;		/* its row of billingd_batches */
	enum meter_plan	*plan;
	unsigned char	*careful;	/* plan from the database's state */
	struct mspan	*xs;		/* the extra span per entry, if any */
	uint32_t	*xoff, *xn;	/* its address deltas in xip */
	struct mip	*xip;
	size_t		 nxip, cxip;
	struct du_state	*upd, *put, *clr;
	size_t		 nupd, nput, nclr;
	struct du_ip	*sip;
	size_t		 nsip, csip;
	struct rspan	*rs;
	size_t		 nrs;
	struct rollup	 ru;
	struct du_avail	*av;
	size_t		 nav;
	unsigned	 conflicts;
	size_t		 late;		/* (VE, invoiced month) pairs marked */
	uint64_t	 us[W__STEPS];	/* time per step of the last try */
};

/* Charge the time since *t to step k of w. */
static void
lap(struct work *w, enum wstep k, uint64_t *t)
{
	uint64_t now = (uint64_t)vep_mono_us();

	w->us[k] += now - *t;
	*t = now;
}

static void
work_free(struct work *w)
{
	free(w->plan);
	free(w->careful);
	free(w->xs);
	free(w->xoff);
	free(w->xn);
	free(w->xip);
	free(w->upd);
	free(w->put);
	free(w->clr);
	free(w->sip);
	free(w->rs);
	free(w->av);
	rollup_free(&w->ru);
	memset(w, 0, sizeof(*w));
}

static int
work_init(struct work *w, const struct batch *b)
{
	size_t ne = b->ne ? b->ne : 1;

	memset(w, 0, sizeof(*w));
	rollup_init(&w->ru);
	if ((w->plan = calloc(ne, sizeof(*w->plan))) == NULL ||
	    (w->careful = calloc(ne, sizeof(*w->careful))) == NULL ||
	    (w->xs = calloc(ne, sizeof(*w->xs))) == NULL ||
	    (w->xoff = calloc(ne, sizeof(*w->xoff))) == NULL ||
	    (w->xn = calloc(ne, sizeof(*w->xn))) == NULL ||
	    (w->upd = calloc(ne, sizeof(*w->upd))) == NULL ||
	    (w->put = calloc(ne, sizeof(*w->put))) == NULL ||
	    (w->clr = calloc(ne, sizeof(*w->clr))) == NULL ||
	    (w->rs = calloc(b->ns + ne, sizeof(*w->rs))) == NULL) {
		work_free(w);
		return -1;
	}
	return 0;
}

static void
state_row(struct du_state *r, const struct bentry *e)
{
	memset(r, 0, sizeof(*r));
	prom_ve_name(e->ve, r->ve);
	r->node_id = e->end.node_id;
	r->agent_start = (long long)e->end.agent_start_us;
	r->ve_start = (long long)e->end.ve_start_us;
	r->cpu_user_us = (long long)e->end.cpu_user_us;
	r->cpu_sys_us = (long long)e->end.cpu_sys_us;
	r->last_t = e->end.t;
	r->old_t = e->head.t;
	r->old_agent_start = (long long)e->head.agent_start_us;
	r->old_ve_start = (long long)e->head.ve_start_us;
	r->old_user = (long long)e->head.cpu_user_us;
	r->old_sys = (long long)e->head.cpu_sys_us;
}

static int
add_state_ips(struct work *w, const struct batch *b, const struct bentry *e)
{
	for (uint32_t k = 0; k < e->end_nip; k++) {
		struct du_ip *x;
		if (w->nsip == w->csip) {
			size_t nc = w->csip ? w->csip * 2 : 256;
			void *np = realloc(w->sip, nc * sizeof(*w->sip));
			if (np == NULL)
				return -1;
			w->sip = np;
			w->csip = nc;
		}
		x = &w->sip[w->nsip++];
		memset(x, 0, sizeof(*x));
		prom_ve_name(e->ve, x->ve);
		prom_ip_name(b->ip[e->end_ip + k].addr, x->ip);
		x->a = (long long)b->ip[e->end_ip + k].rx;
		x->b = (long long)b->ip[e->end_ip + k].tx;
	}
	return 0;
}

/* Room for n more address deltas of extra spans. */
static struct mip *
xip_more(struct work *w, size_t n)
{
	if (w->nxip + n > w->cxip) {
		size_t nc = w->cxip ? w->cxip : 256;
		void *np;
		while (nc < w->nxip + n)
			nc *= 2;
		if ((np = realloc(w->xip, nc * sizeof(*w->xip))) == NULL)
			return NULL;
		w->xip = np;
		w->cxip = nc;
	}
	return w->xip + w->nxip;
}

/*
 * Plan entry i given the database's state of its VE (ds NULL: no row) and
 * that state's addresses; for a plan that starts from the database's
 * state, compute the extra span.  Returns a db_rc.
 */
static int
plan_entry(struct billingd *bd, struct work *w, const struct batch *b, size_t i,
    const struct du_state *ds, const struct du_ip *dip, size_t nd)
{
	const struct bentry *e = &b->e[i];
	struct mip mip[BATCH_MAX_IPS], *out;
	struct mcount md;
	size_t nm = 0;

	memset(&md, 0, sizeof(md));
	if (ds != NULL) {
		md.t = ds->last_t;
		md.node_id = (uint32_t)ds->node_id;
		md.agent_start_us = (uint64_t)ds->agent_start;
		md.ve_start_us = (uint64_t)ds->ve_start;
		md.cpu_user_us = (uint64_t)ds->cpu_user_us;
		md.cpu_sys_us = (uint64_t)ds->cpu_sys_us;
		for (size_t k = 0; k < nd && nm < BATCH_MAX_IPS; k++) {
			if (prom_ip_parse(dip[k].ip, strlen(dip[k].ip), mip[nm].addr) == -1)
				continue;
			mip[nm].rx = (uint64_t)dip[k].a;
			mip[nm].tx = (uint64_t)dip[k].b;
			nm++;
		}
	}
	w->plan[i] = meter_plan(ds != NULL ? &md : NULL, (e->flags & BE_KNOWN) != 0,
	    e->head.t, &e->head, &e->end);
	if ((e->flags & BE_KNOWN) && w->plan[i] != PLAN_AS_IS)
		w->conflicts++;
	if (w->plan[i] == PLAN_REPLACE || w->plan[i] == PLAN_PREPEND) {
		const struct mcount *to = w->plan[i] == PLAN_REPLACE ? &e->end : &e->head;
		uint32_t to_ip = w->plan[i] == PLAN_REPLACE ? e->end_ip : e->head_ip;
		uint32_t to_n = w->plan[i] == PLAN_REPLACE ? e->end_nip : e->head_nip;

		out = NULL;
		if (to_n > 0 && (out = xip_more(w, to_n)) == NULL)
			return DB_ERR;
		meter_delta(ds != NULL ? &md : NULL, mip, nm, to,
		    to_n > 0 ? b->ip + to_ip : NULL, to_n, bd->max_spread_s, &w->xs[i], out);
		w->xoff[i] = (uint32_t)w->nxip;	/* its deltas are at xip + xoff */
		w->xn[i] = to_n;
		w->nxip += to_n;
	}
	return DB_OK;
}

/*
 * Read (locked) the database's state of every entry marked careful, a
 * chunk of VEs per query, and plan each.  Returns a db_rc.
 */
static int
plan_careful(struct billingd *bd, struct work *w, const struct batch *b)
{
	char ve[DU_STATE_CHUNK][9];
	/* Room for every address state the chunk can have: none is cut off. */
	size_t idx[DU_STATE_CHUNK], n = 0, nst, nip, cap = DU_STATE_CHUNK * BATCH_MAX_IPS;
	struct du_state st[DU_STATE_CHUNK];
	struct du_ip *ips;
	int rc = DB_OK;

	if ((ips = calloc(cap, sizeof(*ips))) == NULL)
		return DB_ERR;
	for (size_t i = 0; i <= b->ne && rc == DB_OK; i++) {
		if (i < b->ne && w->careful[i]) {
			idx[n] = i;
			prom_ve_name(b->e[i].ve, ve[n++]);
		}
		if (n == 0 || (n < DU_STATE_CHUNK && i < b->ne))
			continue;
		if ((rc = db_usage_states_get(w->db, ve, n, st, &nst, ips, cap, &nip)) != DB_OK)
			break;
		for (size_t k = 0; k < n && rc == DB_OK; k++) {
			const struct du_state *ds = NULL;
			size_t first = nip, nd = 0;
			for (size_t j = 0; j < nst; j++)
				if (strcmp(st[j].ve, ve[k]) == 0)
					ds = &st[j];
			for (size_t j = 0; j < nip; j++)
				if (strcmp(ips[j].ve, ve[k]) == 0) {
					if (first == nip)
						first = j;
					nd++;
				}
			rc = plan_entry(bd, w, b, idx[k], ds, ds ? ips + first : NULL, ds ? nd : 0);
		}
		n = 0;
	}
	free(ips);
	return rc;
}

static int
cmp_avail(const void *a, const void *b)
{
	const struct du_avail *x = a, *y = b;
	return rollup_key_cmp(x->ve, x->t, y->ve, y->t);
}

static void
add_avail(void *into, const void *row)
{
	struct du_avail *d = into;
	const struct du_avail *v = row;

	d->seen |= v->seen;
	d->up |= v->up;
}

/*
 * The batch's availability records as rows, one per VE and minute, in
 * primary-key order (as the rollups: two writers never deadlock); 0 or -1.
 */
static int
avail_rows(struct work *w, const struct batch *b)
{
	if (b->nav == 0)
		return 0;
	if ((w->av = calloc(b->nav, sizeof(*w->av))) == NULL)
		return -1;
	for (size_t i = 0; i < b->nav; i++) {
		prom_ve_name(b->av[i].ve, w->av[i].ve);
		w->av[i].t = b->av[i].t;
		w->av[i].seen = (long long)b->av[i].seen;	/* 60 bits: fits */
		w->av[i].up = (long long)b->av[i].up;
	}
	w->nav = b->nav;
	vep_sort_fold(w->av, &w->nav, sizeof(*w->av), cmp_avail, NULL, add_avail);
	return 0;
}

static enum apply_rc
rc_of(int rc)
{
	switch (rc) {
	case DB_OK:	return A_OK;
	case DB_GONE:	return A_GONE;
	case DB_RETRY:	return A_RETRY;
	default:	return A_ERR;
	}
}

/*
 * The rows of a batch, table by table, in this order inside its
 * transaction (rollup_build made them; all in primary-key order).  A new
 * table written with the batch is one more row here.
 */
static int
put_raw(struct billingd *bd, struct work *w, int64_t now)
{
	int rc;

	(void)now;
	if ((rc = db_usage_raw_put(w->db, w->ru.raw, w->ru.nraw)) != DB_OK)
		return rc;
	return db_usage_raw_ip_put(w->db, w->ru.rawip, w->ru.nrawip);
}

static int
put_minute(struct billingd *bd, struct work *w, int64_t now)
{
	(void)now;
	return db_usage_rollup_put(w->db, DU_MINUTE, w->ru.roll[DU_MINUTE], w->ru.nroll[DU_MINUTE]);
}

static int
put_hour(struct billingd *bd, struct work *w, int64_t now)
{
	(void)now;
	return db_usage_rollup_put(w->db, DU_HOUR, w->ru.roll[DU_HOUR], w->ru.nroll[DU_HOUR]);
}

static int
put_day(struct billingd *bd, struct work *w, int64_t now)
{
	(void)now;
	return db_usage_rollup_put(w->db, DU_DAY, w->ru.roll[DU_DAY], w->ru.nroll[DU_DAY]);
}

static int
put_iphour(struct billingd *bd, struct work *w, int64_t now)
{
	(void)now;
	return db_usage_ip_hour_put(w->db, w->ru.iph, w->ru.niph);
}

static int
put_totals(struct billingd *bd, struct work *w, int64_t now)
{
	(void)now;
	return db_usage_totals_put(w->db, w->ru.tot, w->ru.ntot);
}

/* Usage for an invoiced month is marked (db_periods.h). */
static int
put_late(struct billingd *bd, struct work *w, int64_t now)
{
	return db_periods_mark_days(w->db, w->ru.roll[DU_DAY], w->ru.nroll[DU_DAY], now,
	    &w->late);
}

static int
put_avail(struct billingd *bd, struct work *w, int64_t now)
{
	(void)now;
	return db_usage_avail_put(w->db, w->av, w->nav);
}

static const struct {
	int		(*fn)(struct billingd *, struct work *, int64_t now);
	enum wstep	 step;
} wsteps[] = {
	{ put_raw, W_RAW }, { put_minute, W_MINUTE }, { put_hour, W_HOUR },
	{ put_day, W_DAY }, { put_iphour, W_IPHOUR }, { put_totals, W_TOTALS },
	{ put_late, W_LATE }, { put_avail, W_AVAIL },
};

static enum apply_rc
apply_once(struct billingd *bd, struct batch *b, int replay, int careful,
    struct work *w)
{
	struct db *db = w->db;
	struct rollup_opt opt;
	long long dbseq;
	uint64_t affected;
	int64_t now = (int64_t)time(NULL);
	uint64_t t = (uint64_t)vep_mono_us();
	int rc;

	if ((rc = db_begin(db)) != DB_OK)
		return rc_of(rc);
	if ((rc = db_usage_seq_lock(db, w->owner, &dbseq)) != DB_OK)
		goto fail;
	if ((long long)b->seq <= dbseq) {
		if (replay) {
			db_rollback(db);
			return A_SKIPPED;	/* applied before billingd died */
		}
		b->seq = (uint64_t)dbseq + 1;
	}

	/* Plans: the fast path trusts our base; the rest read the database. */
	for (size_t i = 0; i < b->ne; i++) {
		w->xn[i] = 0;
		w->careful[i] = careful || !(b->e[i].flags & BE_KNOWN);
		w->plan[i] = PLAN_AS_IS;
	}
	if ((rc = plan_careful(bd, w, b)) != DB_OK)
		goto fail;
	lap(w, W_PLAN, &t);
	for (size_t i = 0; i < b->ne; i++) {
		const struct bentry *e = &b->e[i];
		if (w->plan[i] == PLAN_SKIP)
			continue;
		if (w->careful[i])
			state_row(&w->put[w->nput++], e);
		else
			state_row(&w->upd[w->nupd++], e);
		if (w->careful[i] || (e->flags & BE_IPS_RESET))
			state_row(&w->clr[w->nclr++], e);
		if (add_state_ips(w, b, e) == -1) {
			rc = DB_ERR;
			goto fail;
		}
	}
	if (w->nupd > 0) {
		if ((rc = db_usage_state_update_if(db, w->upd, w->nupd, &affected)) != DB_OK)
			goto fail;
		if (affected != w->nupd) {
			db_rollback(db);
			return A_CONFLICT;
		}
	}
	if ((w->nput > 0 && (rc = db_usage_state_put(db, w->put, w->nput)) != DB_OK) ||
	    (w->nclr > 0 && (rc = db_usage_state_ip_clear(db, w->clr, w->nclr)) != DB_OK) ||
	    (w->nsip > 0 && (rc = db_usage_state_ip_put(db, w->sip, w->nsip)) != DB_OK))
		goto fail;
	lap(w, W_STATE, &t);

	/* The spans that count: extra ones first, then the batch's own. */
	for (size_t i = 0; i < b->ne; i++)
		if (w->xn[i] > 0 || w->plan[i] == PLAN_REPLACE || w->plan[i] == PLAN_PREPEND)
			w->rs[w->nrs++] = (struct rspan){ b->e[i].ve, &w->xs[i],
			    w->xn[i] > 0 ? w->xip + w->xoff[i] : NULL, w->xn[i] };
	for (size_t i = 0; i < b->ns; i++) {
		const struct bspan *s = &b->s[i];
		if (w->plan[s->entry] != PLAN_AS_IS && w->plan[s->entry] != PLAN_PREPEND)
			continue;
		w->rs[w->nrs++] = (struct rspan){ b->e[s->entry].ve, &s->s,
		    s->nip > 0 ? b->ip + s->ip_off : NULL, s->nip };
	}
	opt.raw_from = bd->raw_retention_h > 0 ?
	    now - (int64_t)bd->raw_retention_h * 3600 : INT64_MAX;
	opt.raw_spread = bd->raw_spread_s;
	opt.from[DU_MINUTE] = now - (int64_t)bd->minute_days * 86400;
	opt.from[DU_HOUR] = now - (int64_t)bd->hour_days * 86400;
	opt.from[DU_DAY] = INT64_MIN;
	if (rollup_build(&w->ru, w->rs, w->nrs, &opt) == -1 || avail_rows(w, b) == -1) {
		rc = DB_ERR;
		goto fail;
	}
	lap(w, W_BUILD, &t);
	for (size_t k = 0; k < nitems(wsteps); k++) {
		if ((rc = wsteps[k].fn(bd, w, now)) != DB_OK)
			goto fail;
		lap(w, wsteps[k].step, &t);
	}
	if ((rc = db_usage_seq_set(db, w->owner, (long long)b->seq, now)) != DB_OK)
		goto fail;
	if ((rc = db_commit(db)) != DB_OK)
		return rc_of(rc);
	lap(w, W_COMMIT, &t);
	return A_OK;
fail:
	log_debug("%s: batch %llu: %s", __func__, (unsigned long long)b->seq, db_strerror(rc));
	db_rollback(db);
	return rc_of(rc);
}

static void
log_steps(const struct batch *b, uint64_t spans, uint64_t rows, long long ms,
    const uint64_t *us)
{
	char steps[W__STEPS * 24];
	size_t len = 0;

	for (int k = 0; k < W__STEPS && len < sizeof(steps); k++)
		len += (size_t)snprintf(steps + len, sizeof(steps) - len, " %s %llu",
		    wstep_name[k], (unsigned long long)(us[k] / 1000));
	log_debug("batch %llu: %llu spans, %llu rows in %lld ms (ms:%s)",
	    (unsigned long long)b->seq, (unsigned long long)spans,
	    (unsigned long long)rows, ms, steps);
}

/*
 * Apply b (a whole batch, or one part of it) through db as owner; what it
 * wrote is counted in the figures (the time by flush_apply).
 */
static enum apply_rc
apply_part(struct billingd *bd, struct db *db, const char *owner, struct batch *b, int replay)
{
	struct work w;
	struct timespec t0, t1;
	enum apply_rc rc = A_ERR;
	unsigned conflicts = 0;
	uint64_t spans = 0, rows = 0, us[W__STEPS];
	size_t late = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int attempt = 0; attempt < 4; attempt++) {
		if (work_init(&w, b) == -1) {
			log_warnx("%s: out of memory", __func__);
			return A_ERR;
		}
		w.db = db;
		w.owner = owner;
		rc = apply_once(bd, b, replay, attempt > 0, &w);
		conflicts = w.conflicts;
		late = w.late;
		spans = w.nrs;
		memcpy(us, w.us, sizeof(us));
		rows = w.nupd + w.nput + w.nsip + w.ru.nraw + w.ru.nrawip + w.ru.niph +
		    w.ru.ntot + w.ru.nroll[DU_MINUTE] + w.ru.nroll[DU_HOUR] + w.ru.nroll[DU_DAY] +
		    w.nav;
		work_free(&w);
		if (rc != A_CONFLICT && rc != A_RETRY)
			break;
		log_debug("batch %llu: %s, again with every state read",
		    (unsigned long long)b->seq,
		    rc == A_CONFLICT ? "counter state changed under us" : "deadlock");
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc == A_OK) {
		int64_t last = 0;
		for (size_t i = 0; i < b->ne; i++)
			if (b->e[i].end.t > last)
				last = b->e[i].end.t;
		pthread_mutex_lock(&bd->S.mu);
		if (last > bd->S.fig.committed_t)
			bd->S.fig.committed_t = last;
		bd->S.fig.spans += spans;
		bd->S.fig.rows += rows;
		bd->S.fig.late += late;
		pthread_mutex_unlock(&bd->S.mu);
		if (late > 0)
			log_info("batch %llu: usage of %zu VE-months that were invoiced already; "
			    "marked for a debit or credit note", (unsigned long long)b->seq, late);
		log_steps(b, spans, rows, (t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000, us);
	}
	if (conflicts > 0) {
		pthread_mutex_lock(&bd->S.mu);
		bd->S.fig.conflicts += conflicts;
		pthread_mutex_unlock(&bd->S.mu);
		log_info("batch %llu: %u VEs reconciled with the database's counter state",
		    (unsigned long long)b->seq, conflicts);
	}
	return rc;
}

static enum flush_rc
flush_rc_of(enum apply_rc rc)
{
	switch (rc) {
	case A_OK:	return FLUSH_OK;
	case A_SKIPPED:	return FLUSH_SKIPPED;
	case A_GONE:	return FLUSH_DB;
	default:	return FLUSH_BAD;
	}
}

/*
 * Several writers: a batch of many VEs is split by VE range into parts,
 * each applied through a connection of its own in its own transaction,
 * at once (MariaDB then works on more than one core).  Each part keeps
 * the batch's promise for its VEs: their counter state and usage commit
 * together, and its own row of billingd_batches (owner "ID/j") makes a
 * replayed batch skip the parts that were applied.  A part that fails
 * fails the batch, which is spooled and replayed as a whole: the parts
 * committed before are skipped by their sequence number, and anything
 * applied twice meets the counter state it already moved (PLAN_SKIP).
 */
#define PART_MIN_VES	2048	/* fewer VEs per part are written through one connection */

struct part {
	struct billingd	*bd;
	struct db	*db;
	const char	*owner;
	struct batch	*b;
	int		 replay;
	enum apply_rc	 rc;
	pthread_t	 th;
};

static void *
part_main(void *arg)
{
	struct part *p = arg;

	p->rc = apply_part(p->bd, p->db, p->owner, p->b, p->replay);
	return NULL;
}

/*
 * A batch is split only when every VE's head is our committed state: the
 * parts then read no counter state, and so take no gap locks (a VE
 * without a row would lock the gap a VE of another part inserts into).
 */
static int
all_known(const struct batch *b)
{
	for (size_t i = 0; i < b->ne; i++)
		if (!(b->e[i].flags & BE_KNOWN))
			return 0;
	return 1;
}

/* Connections and owner rows for n parts; 0, or -1 (then write through one). */
static int
parts_ready(struct billingd *bd, size_t n)
{
	char err[256];

	for (size_t j = 1; j < n; j++) {
		if (bd->W.xdb[j] != NULL)
			continue;
		if ((bd->W.xdb[j] = db_open_at(bd->conf, bd->db_prefer, err, sizeof(err))) == NULL) {
			log_debug("writer %zu: %s; writing through one connection", j, err);
			return -1;
		}
		db_set_background(bd->W.xdb[j]);
		snprintf(bd->W.xowner[j], sizeof(bd->W.xowner[j]), "%.60s/%zu", bd->id, j);
		bd->W.owners_ready = 0;
	}
	if (!bd->W.owners_ready) {
		for (size_t j = 1; j < n; j++)
			if (db_usage_seq_init(bd->W.db, bd->W.xowner[j], (long long)time(NULL)) != DB_OK ||
			    db_usage_seq_init(bd->W.db, bd->id, (long long)time(NULL)) != DB_OK)
				return -1;
		bd->W.owners_ready = 1;
	}
	return 0;
}

/* The worst of the parts' outcomes; b->seq the highest they used. */
static enum apply_rc
parts_rc(struct part *p, size_t n, struct batch *b)
{
	enum apply_rc rc = A_SKIPPED;

	for (size_t j = 0; j < n; j++) {
		if (p[j].b->seq > b->seq)
			b->seq = p[j].b->seq;
		if (p[j].rc == A_GONE || (p[j].rc != A_OK && p[j].rc != A_SKIPPED && rc != A_GONE))
			rc = p[j].rc;
		else if (p[j].rc == A_OK && rc == A_SKIPPED)
			rc = A_OK;
	}
	return rc;
}

/* The database time of a batch applied (wall clock, however many writers). */
static void
write_time(struct billingd *bd, enum apply_rc rc, uint64_t t0)
{
	if (rc != A_OK)
		return;
	pthread_mutex_lock(&bd->S.mu);
	bd->S.fig.last_write_us = (uint64_t)vep_mono_us() - t0;
	bd->S.fig.write_us += bd->S.fig.last_write_us;
	pthread_mutex_unlock(&bd->S.mu);
}

enum flush_rc
flush_apply(struct billingd *bd, struct batch *b, int replay)
{
	struct batch *pb[WRITERS_MAX];
	struct part p[WRITERS_MAX];
	size_t want = (size_t)bd->writers, n = 0, started = 0;
	uint64_t t0 = (uint64_t)vep_mono_us();
	enum apply_rc rc;

	if (want > b->ne / PART_MIN_VES)
		want = b->ne / PART_MIN_VES;
	if (want > WRITERS_MAX)
		want = WRITERS_MAX;
	if (want < 2 || !all_known(b) || parts_ready(bd, want) == -1 ||
	    batch_split(b, want, pb, &n) == -1 || n < 2) {
		for (size_t j = 0; j < n; j++)
			batch_free(pb[j]);
		rc = apply_part(bd, bd->W.db, bd->id, b, replay);
		write_time(bd, rc, t0);
		return flush_rc_of(rc);
	}
	for (size_t j = 0; j < n; j++)
		p[j] = (struct part){ bd, j == 0 ? bd->W.db : bd->W.xdb[j],
		    j == 0 ? bd->id : bd->W.xowner[j], pb[j], replay, A_ERR, 0 };
	for (size_t j = 1; j < n; j++, started++)
		if (pthread_create(&p[j].th, NULL, part_main, &p[j]) != 0)
			break;
	part_main(&p[0]);
	for (size_t j = 1; j < n; j++) {
		if (j <= started)
			pthread_join(p[j].th, NULL);
		else
			p[j].rc = apply_part(bd, p[j].db, p[j].owner, p[j].b, replay);
	}
	rc = parts_rc(p, n, b);
	for (size_t j = 1; j < n; j++)
		if (p[j].rc == A_GONE) {	/* reconnect it next time */
			db_close(bd->W.xdb[j]);
			bd->W.xdb[j] = NULL;
		}
	for (size_t j = 0; j < n; j++)
		batch_free(pb[j]);
	write_time(bd, rc, t0);
	return flush_rc_of(rc);
}
