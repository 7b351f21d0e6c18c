/*
 * One VE's charges: see db_charges.h.
 *
 * Where the numbers come from: the rollups billingd writes.  A month is cut
 * at its plan's version changes; whole UTC days are read from usage_day
 * and the hours of a day that a version change splits from usage_hour, each
 * rated with the version in force at the row's start t.  billingd writes
 * minute, hour and day rows from the same spans in one transaction, so a
 * day row is exactly the sum of its hours; the explanation lists the very
 * rows that were rated, each day with its hours.  vmem is the sum of the
 * per-second samples (vmem_sum_bytes): SPEC's "per-minute average x 1/60 h"
 * whenever a minute has its 60 samples, and never a second that was not
 * measured.  Late usage's credit notes are not taken off the charges again
 * (the rating already has what they correct).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_bill.h"
#include "db_charges.h"
#include "db_sla.h"
#include "db_versions.h"
#include "log.h"
#include "money.h"
#include "rating.h"
#include "rating_parts.h"
#include "sla.h"
#include "util.h"

enum stmt {
	S_VE_ONE,
	S_EVENTS_VE,
	S_HOURS_VE,
	S_DAYS_VE,
	S_CREDITS_VE,
	S_PARTS_VE,
	S__MAX
};

static const char *const sql[S__MAX] = {
	[S_VE_ONE] =
	    "SELECT v.account_id, v.created_at, v.state, o.disk_quota_mb, o.plan_id, p.currency, "
	    "a.tax_bp, o.id, p.code FROM ves v JOIN orders o ON o.id = v.order_id JOIN plans p ON p.id = o.plan_id "
	    "JOIN accounts a ON a.id = v.account_id WHERE v.id = ?",
	[S_EVENTS_VE] =
	    "SELECT at, state FROM ve_state_log WHERE ve_id = ? AND at < ? ORDER BY at, id",
	[S_HOURS_VE] =
	    "SELECT t, cpu_user_us, cpu_sys_us, vmem_sum_bytes, net_in_bytes, net_out_bytes "
	    "FROM usage_hour WHERE ve_id = ? AND t >= ? AND t < ? ORDER BY t",
	[S_DAYS_VE] =
	    "SELECT t, cpu_user_us, cpu_sys_us, vmem_sum_bytes, net_in_bytes, net_out_bytes "
	    "FROM usage_day WHERE ve_id = ? AND t >= ? AND t < ? ORDER BY t",
	/* Not late usage's credit notes: the rating already has what they correct (db_late.h). */
	[S_CREDITS_VE] =
	    "SELECT l.resource, l.amount_minor FROM credit_note_lines l "
	    "JOIN credit_notes c ON c.id = l.credit_note_id JOIN invoices i ON i.id = c.invoice_id "
	    "WHERE l.ve_id = ? AND i.period = ? AND c.id NOT IN "
	    "(SELECT note_id FROM late_lines WHERE note_kind = 'CN') ORDER BY c.id, l.seq",
	/* The order's parameters in force before the month's end (0018_changes.sql). */
	[S_PARTS_VE] =
	    "SELECT h.valid_from, h.plan_id, h.disk_quota_mb, p.code FROM order_history h "
	    "JOIN plans p ON p.id = h.plan_id WHERE h.order_id = ? ORDER BY h.valid_from",
};

/* One plan's price versions and terms, loaded once per plan of the month's parts. */
struct mplan {
	long long		 plan_id;
	struct db_vrow		*vr;
	struct rate_version	*v;
	struct sla_terms	*sla;
	size_t			 n;
};

/* A part of the month: the order's plan and quota from `from` (db row of order_history). */
struct mpart {
	long long		 from, plan_id, quota_mb;
	char			 plan[33];
};


struct hour {
	int64_t		 t;
	size_t		 ver;
	struct rate_usage u;
};

struct ve_month {
	char			 currency[4];
	long long		 account_id, tax_bp, plan_id, order_id;
	char			 plan_code[33];	/* the order's plan now */
	char			 state[16];	/* today's, for a VE without history */
	struct rate_input	 in;
	struct mplan		*plans;		/* the plans of the parts */
	size_t			 nplans;
	struct mpart		*parts;		/* the order's history in force this month */
	size_t			 nparts;
	struct rate_part	*rp;		/* parts as rating_parts.h wants them */
	struct rate_piece	*piece;		/* per merged version */
	int64_t			*quota;		/* per merged version */
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
	for (size_t i = 0; i < m->nplans; i++) {
		free(m->plans[i].vr);
		free(m->plans[i].v);
		free(m->plans[i].sla);
	}
	free(m->plans);
	free(m->parts);
	free(m->rp);
	free(m->piece);
	free(m->quota);
	free(m->v);
	free(m->u);
	free(m->ev);
	free(m->h);
	free(m->d);
	free(m->lines);
	memset(m, 0, sizeof(*m));
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

/*
 * One VE's rows of a rollup table in [from, to); BILLING_EDATA (err set)
 * for a value that cannot be rated.
 */
static int
rows_load(struct db *db, enum stmt st, const char *ve, int64_t from, int64_t to,
    struct hour **out, size_t *n, char *err, size_t errlen)
{
	struct db_cur c;
	long long t, cu, cs, vm, ni, no;
	size_t cap = 0;
	int rc, brc = BILLING_OK;
	struct dbv p[] = { DBV_STR(ve), DBV_INT(from), DBV_INT(to) };
	struct dbo o[] = { DBO_INT(&t), DBO_INT(&cu), DBO_INT(&cs), DBO_INT(&vm),
	    DBO_INT(&ni), DBO_INT(&no) };

	if (db_query(db, &c, sql[st], p, 3, o, nitems(o)) != DB_OK)
		return BILLING_EDB;
	while ((rc = db_next(&c)) == 1) {
		struct hour *h;
		if (vep_grow((void **)out, &cap, *n + 1, sizeof(**out), 64) == -1) {
			brc = BILLING_ENOMEM;
			break;
		}
		h = &(*out)[(*n)++];
		memset(h, 0, sizeof(*h));
		h->t = t;
		if (cu < 0 || cs < 0 || vm < 0 || ni < 0 || no < 0 ||
		    __builtin_add_overflow(cu, cs, &h->u.cpu_us)) {
			snprintf(err, errlen, "usage of VE %s is negative or too large to rate", ve);
			log_warnx("%s: %s", __func__, err);
			brc = BILLING_EDATA;
			break;
		}
		h->u.vmem_byte_s = vm;
		h->u.in_bytes = ni;
		h->u.out_bytes = no;
	}
	db_cur_close(&c);
	if (brc == BILLING_OK && rc < 0)
		brc = BILLING_EDB;
	return brc;
}

/*
 * The charges' "availability": what was measured in the period so far and
 * the terms of the version in force at its end.
 */
static json_t *
sla_json(const struct ve_month *m)
{
	const struct sla_terms *t = &m->sla[rate_version_at(m->v, m->in.nv, m->in.until - 1)];
	uint32_t bp = sla_credit_bp(t, &m->avail);

	return json_pack("{s:b, s:I, s:I, s:o, s:o, s:I}", "always_on", m->avail.always_on,
	    "seen_seconds", (json_int_t)m->avail.seen_s, "up_seconds", (json_int_t)m->avail.up_s,
	    "availability_ppm", m->avail.seen_s > 0 ? json_integer((json_int_t)
	    sla_availability_ppm(m->avail.up_s, m->avail.seen_s)) : json_null(),
	    "target_ppm", t->target_ppm > 0 ? json_integer((json_int_t)t->target_ppm) : json_null(),
	    "credit_bp", (json_int_t)bp);
}

/* The VE's row and the month's bounds. */
static int
month_ve(struct db *db, const char *ve, int y, int mo, long long now, struct ve_month *m,
    char *err, size_t errlen)
{
	long long created, quota;
	struct dbv p[] = { DBV_STR(ve) };
	struct dbo o[] = { DBO_INT(&m->account_id), DBO_INT(&created), DBO_STR(m->state),
	    DBO_INT(&quota), DBO_INT(&m->plan_id), DBO_STR(m->currency), DBO_INT(&m->tax_bp),
	    DBO_INT(&m->order_id), DBO_STR(m->plan_code) };
	int rc;

	if ((rc = db_one(db, sql[S_VE_ONE], p, 1, o, nitems(o))) < 0)
		return BILLING_EDB;
	if (rc == 0)
		return BILLING_ENOENT;
	rate_month_bounds(y, mo, &m->in.from, &m->in.to);
	if (now < m->in.from) {
		snprintf(err, errlen, "the period %04d-%02d has not started yet", y, mo);
		return BILLING_EINPUT;
	}
	m->in.acc_from = m->in.from;
	m->in.until = now < m->in.to ? now : m->in.to;
	m->in.created_at = created;
	m->in.disk_quota_mb = quota;
	return BILLING_OK;
}

/* The order's parts in force this month (the last before it and every change in it). */
static int
month_parts(struct db *db, struct ve_month *m)
{
	struct db_cur c;
	struct mpart x;
	size_t cap = 0;
	int rc, brc = BILLING_OK, later = 0;
	struct dbv p[] = { DBV_INT(m->order_id) };
	struct dbo o[] = { DBO_INT(&x.from), DBO_INT(&x.plan_id), DBO_INT(&x.quota_mb), DBO_STR(x.plan) };

	memset(&x, 0, sizeof(x));
	if (db_query(db, &c, sql[S_PARTS_VE], p, 1, o, nitems(o)) != DB_OK)
		return BILLING_EDB;
	while ((rc = db_next(&c)) == 1) {
		if (x.from >= m->in.to) {
			later = 1;	/* a version after the month: not this month's */
			continue;
		}
		/* Only the last part that began at or before the month's start matters. */
		if (m->nparts > 0 && m->parts[m->nparts - 1].from <= m->in.from && x.from <= m->in.from)
			m->nparts--;
		if (vep_grow((void **)&m->parts, &cap, m->nparts + 1, sizeof(*m->parts), 4) == -1) {
			brc = BILLING_ENOMEM;
			break;
		}
		m->parts[m->nparts++] = x;
	}
	db_cur_close(&c);
	if (brc != BILLING_OK || rc < 0)
		return brc != BILLING_OK ? brc : BILLING_EDB;
	if (m->nparts > 0 && !later) {
		/* The version in force now is the order's row as it stands (an edit by hand included). */
		struct mpart *last = &m->parts[m->nparts - 1];
		last->plan_id = m->plan_id;
		last->quota_mb = m->in.disk_quota_mb;
		snprintf(last->plan, sizeof(last->plan), "%s", m->plan_code);
	}
	if (m->nparts == 0) {
		/* No history (a VE whose order predates it): today's parameters throughout. */
		if ((m->parts = calloc(1, sizeof(*m->parts))) == NULL)
			return BILLING_ENOMEM;
		m->parts[0].from = m->in.created_at;
		m->parts[0].plan_id = m->plan_id;
		m->parts[0].quota_mb = m->in.disk_quota_mb;
		snprintf(m->parts[0].plan, sizeof(m->parts[0].plan), "%s", m->plan_code);
		m->nparts = 1;
	}
	return BILLING_OK;
}

/* The price versions (and terms) of plan_id, loaded once: its index in m->plans. */
static int
month_plan(struct db *db, const char *ve, struct ve_month *m, long long plan_id, size_t *idx,
    char *err, size_t errlen)
{
	struct mplan *pl;
	size_t cap = m->nplans;
	int rc;

	for (*idx = 0; *idx < m->nplans; (*idx)++)
		if (m->plans[*idx].plan_id == plan_id)
			return BILLING_OK;
	if (vep_grow((void **)&m->plans, &cap, m->nplans + 1, sizeof(*m->plans), 4) == -1)
		return BILLING_ENOMEM;
	pl = &m->plans[m->nplans++];
	memset(pl, 0, sizeof(*pl));
	pl->plan_id = plan_id;
	if ((rc = db_versions_load(db, plan_id, &pl->vr, &pl->n)) != BILLING_OK)
		return rc;
	if (pl->n == 0) {
		snprintf(err, errlen, "the plan of VE %s has no price version", ve);
		log_warnx("%s: %s", __func__, err);
		return BILLING_EDATA;
	}
	if ((pl->v = calloc(pl->n, sizeof(*pl->v))) == NULL)
		return BILLING_ENOMEM;
	for (size_t i = 0; i < pl->n; i++)
		pl->v[i] = pl->vr[i].v;
	return db_versions_sla(db, plan_id, pl->vr, pl->n, &pl->sla);
}

/*
 * The versions rating sees: the month cut at each part (plan and quota of
 * the order's history) and each price version of the part's plan.
 */
static int
month_versions(struct db *db, const char *ve, struct ve_month *m, char *err, size_t errlen)
{
	size_t cap, n = 0, idx;
	int rc;

	if ((rc = month_parts(db, m)) != BILLING_OK)
		return rc;
	if ((m->rp = calloc(m->nparts, sizeof(*m->rp))) == NULL)
		return BILLING_ENOMEM;
	for (size_t k = 0; k < m->nparts; k++) {
		if ((rc = month_plan(db, ve, m, m->parts[k].plan_id, &idx, err, errlen)) != BILLING_OK)
			return rc;
		m->rp[k].from = m->parts[k].from;
		m->rp[k].plan_id = m->parts[k].plan_id;
		m->rp[k].disk_quota_mb = m->parts[k].quota_mb;
	}
	/* m->plans no longer moves: point the parts at their plans. */
	for (size_t k = 0; k < m->nparts; k++)
		for (size_t i = 0; i < m->nplans; i++)
			if (m->plans[i].plan_id == m->rp[k].plan_id) {
				m->rp[k].v = m->plans[i].v;
				m->rp[k].nv = m->plans[i].n;
				m->rp[k].sla = m->plans[i].sla;
			}
	cap = rate_parts_cap(m->rp, m->nparts);
	if ((m->v = calloc(cap, sizeof(*m->v))) == NULL ||
	    (m->u = calloc(cap, sizeof(*m->u))) == NULL ||
	    (m->quota = calloc(cap, sizeof(*m->quota))) == NULL ||
	    (m->piece = calloc(cap, sizeof(*m->piece))) == NULL ||
	    (m->sla = calloc(cap, sizeof(*m->sla))) == NULL)
		return BILLING_ENOMEM;
	if (rate_parts_merge(m->rp, m->nparts, m->in.from, m->in.to, m->v, m->quota, m->piece,
	    m->sla, cap, &n) != RATE_OK) {
		snprintf(err, errlen, "the order history of VE %s cannot be rated", ve);
		log_warnx("%s: %s", __func__, err);
		return BILLING_EDATA;
	}
	m->in.v = m->v;
	m->in.nv = n;
	m->in.u = m->u;
	m->in.quota_mb = m->quota;
	return BILLING_OK;
}

/* The state history up to the month's end. */
static int
month_events(struct db *db, const char *ve, struct ve_month *m)
{
	struct db_cur c;
	char at_state[16];
	long long at;
	size_t n = 0, cap = 0;
	int rc, brc = BILLING_OK;
	struct dbv p[] = { DBV_STR(ve), DBV_INT(m->in.to) };
	struct dbo o[] = { DBO_INT(&at), DBO_STR(at_state) };

	if (db_query(db, &c, sql[S_EVENTS_VE], p, 2, o, 2) != DB_OK)
		return BILLING_EDB;
	while ((rc = db_next(&c)) == 1) {
		if (vep_grow((void **)&m->ev, &cap, n + 1, sizeof(*m->ev), 8) == -1) {
			brc = BILLING_ENOMEM;
			break;
		}
		m->ev[n].at = at;
		m->ev[n].active = db_bill_state_active(at_state);
		n++;
	}
	db_cur_close(&c);
	if (brc != BILLING_OK || rc < 0)
		return brc != BILLING_OK ? brc : BILLING_EDB;
	if (n == 0) {
		/* No history (a row from before the log existed): created in today's state. */
		if ((m->ev = calloc(1, sizeof(*m->ev))) == NULL)
			return BILLING_ENOMEM;
		m->ev[0].at = m->in.created_at;
		m->ev[0].active = db_bill_state_active(m->state);
		n = 1;
	}
	m->in.ev = m->ev;
	m->in.nev = n;
	return BILLING_OK;
}

/*
 * Usage as the invoice run takes it (db_invoice_run.c, run_load_usage):
 * whole days from usage_day, the hours of a day a version change splits
 * from usage_hour.
 */
static int
month_usage(struct db *db, const char *ve, struct ve_month *m, char *err, size_t errlen)
{
	size_t nv = m->in.nv;
	int rc, over = 0;

	if ((rc = rows_load(db, S_DAYS_VE, ve, m->in.from, m->in.to, &m->d, &m->nd, err,
	    errlen)) != BILLING_OK ||
	    (rc = rows_load(db, S_HOURS_VE, ve, m->in.from, m->in.to, &m->h, &m->nh, err,
	    errlen)) != BILLING_OK)
		return rc;
	for (size_t i = 0; !over && i < m->nd; i++) {
		m->d[i].ver = rate_version_at(m->v, nv, m->d[i].t);
		over = !day_split(m, m->d[i].t) && rate_usage_add(&m->u[m->d[i].ver], &m->d[i].u) == -1;
	}
	for (size_t i = 0; !over && i < m->nh; i++) {
		m->h[i].ver = rate_version_at(m->v, nv, m->h[i].t);
		over = day_split(m, rate_day_floor(m->h[i].t)) &&
		    rate_usage_add(&m->u[m->h[i].ver], &m->h[i].u) == -1;
	}
	if (over) {
		snprintf(err, errlen, "usage of VE %s is negative or too large to rate", ve);
		log_warnx("%s: %s", __func__, err);
		return BILLING_EDATA;
	}
	return BILLING_OK;
}

/* Load and rate one VE's month; m is filled (free with ve_month_free).  A billing_rc. */
static int
ve_month_rate(struct db *db, const char *ve, int y, int mo, long long now,
    struct ve_month *m, char *err, size_t errlen)
{
	size_t cap;
	int rc;

	memset(m, 0, sizeof(*m));
	if ((rc = month_ve(db, ve, y, mo, now, m, err, errlen)) != BILLING_OK ||
	    (rc = month_versions(db, ve, m, err, errlen)) != BILLING_OK ||
	    (rc = month_events(db, ve, m)) != BILLING_OK ||
	    (rc = month_usage(db, ve, m, err, errlen)) != BILLING_OK)
		return rc;
	/* Availability credits: each version's terms (month_versions), the month's measurement so far. */
	if (db_sla_avail_ve(db, ve, m->in.from, m->in.until, &m->avail) != DB_OK)
		return BILLING_EDB;
	m->in.sla = m->sla;
	m->in.avail = &m->avail;

	cap = m->in.nv * RATE_LINES_PER_VERSION + 1;
	if ((m->lines = calloc(cap, sizeof(*m->lines))) == NULL)
		return BILLING_ENOMEM;
	rc = rate_month(&m->in, m->lines, cap, &m->nlines);
	if (rc != RATE_OK) {
		snprintf(err, errlen, "VE %s cannot be rated for %04d-%02d: %s", ve, y, mo,
		    rc == RATE_EOVERFLOW ? "an amount does not fit 64 bits" : "inconsistent data");
		log_warnx("%s: %s", __func__, err);
		return BILLING_EDATA;
	}
	return BILLING_OK;
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
		if (hi < m->nh && rate_day_floor(m->h[hi].t) < ds)
			ds = rate_day_floor(m->h[hi].t);
		split = day_split(m, ds);
		have = split || rate_version_at(m->v, m->in.nv, ds) == i;
		if (di < m->nd && m->d[di].t == ds) {
			if (!split && have && rate_raw(r, &m->d[di].u, &raw) == RATE_OK)
				dayraw = raw;
			di++;
		}
		for (; hi < m->nh && m->h[hi].t < ds + 86400; hi++) {
			const struct hour *h = &m->h[hi];
			if (!have || (split && h->ver != i) || rate_raw(r, &h->u, &raw) != RATE_OK)
				continue;
			json_array_append_new(hours, json_pack("{s:o, s:I}", "t", db_bill_json_iso(h->t),
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
	    "raw_unit", rate_res_raw_unit(r), "valid_from", db_bill_json_iso(m->in.v[i].valid_from),
	    "raw", (json_int_t)total, "quantity", db_bill_json_fixed6(q), "lines", lines, "days", days));
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
		json_array_append_new(states, json_pack("{s:o, s:s}", "at", db_bill_json_iso(m->in.ev[i].at),
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
		    db_bill_json_iso(m->in.v[i].valid_from), "from", db_bill_json_iso(sa), "to", db_bill_json_iso(sb),
		    "active_seconds", (json_int_t)act));
	}
	for (size_t i = 0; i < m->in.nv; i++)
		for (int r = RR_CPU; r < RR__MAX; r++)
			explain_usage(m, i, r, usage);
	return json_pack("{s:I, s:o, s:o, s:o, s:o}", "month_seconds", (json_int_t)month_s,
	    "until", db_bill_json_iso(m->in.until), "states", states, "segments", segs, "usage", usage);
}

/* Where piece i begins as the customer sees it: not before the VE was created. */
static int64_t
piece_from(const struct ve_month *m, size_t i)
{
	int64_t f = m->piece[i].from;

	if (f < m->in.created_at)
		f = m->in.created_at < m->piece[i].to ? m->in.created_at : m->piece[i].to;
	return f;
}

/* How many of the order's parts the month's pieces touch. */
static size_t
month_nparts(const struct ve_month *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->in.nv; i++)
		if (i == 0 || m->piece[i].part != m->piece[i - 1].part)
			n++;
	return n;
}

/*
 * The charges' "parts": each version of the order's parameters in force
 * this month with its dates, plan and disk quota (SPEC section 11).
 */
static json_t *
parts_json(const struct ve_month *m)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < m->in.nv; i++) {
		const struct mpart *pt = &m->parts[m->piece[i].part];
		size_t j = i;
		if (i > 0 && m->piece[i].part == m->piece[i - 1].part)
			continue;
		while (j + 1 < m->in.nv && m->piece[j + 1].part == m->piece[i].part)
			j++;
		json_array_append_new(a, json_pack("{s:o, s:o, s:s, s:I}", "from",
		    db_bill_json_iso(piece_from(m, i)), "to", db_bill_json_iso(m->piece[j].to),
		    "plan", pt->plan, "disk_quota_mb", (json_int_t)pt->quota_mb));
	}
	return a;
}

json_t *
db_charges_json(struct db *db, const char *ve, int y, int mo, long long now,
    int explain, int *rcp, char *err, size_t errlen)
{
	struct ve_month m;
	struct db_cur c;
	json_t *lines = NULL, *out = NULL;
	char period[8], res[16];
	long long amount;
	int64_t sub = 0, tax = 0, total = 0;
	int rc;

	db_bill_period_str(y, mo, period);
	if ((rc = ve_month_rate(db, ve, y, mo, now, &m, err, errlen)) != BILLING_OK)
		goto out;
	rc = BILLING_ENOMEM;
	if ((lines = json_array()) == NULL)
		goto out;
	rc = BILLING_EDB;
	for (size_t i = 0; i < m.nlines; i++) {
		const struct rate_line *l = &m.lines[i];
		json_t *lj = db_bill_line_json(rate_kind_name(l->kind),
		    rate_res_name(l->res), l->qty_micro, rate_res_unit(l->res),
		    l->unit_price_minor, l->amount_minor);
		/* A month split by a service change: each line says which part it is of. */
		if (lj != NULL && month_nparts(&m) > 1) {
			json_object_set_new(lj, "from", db_bill_json_iso(piece_from(&m, l->ver)));
			json_object_set_new(lj, "to", db_bill_json_iso(m.piece[l->ver].to));
			json_object_set_new(lj, "plan", json_string(m.parts[m.piece[l->ver].part].plan));
		}
		json_array_append_new(lines, lj);
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
			json_array_append_new(lines, db_bill_line_json("credit", res, MONEY_MICRO,
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
	if (out != NULL) {
		json_object_set_new(out, "availability", sla_json(&m));
		json_object_set_new(out, "parts", parts_json(&m));
	}
	if (out != NULL && explain)
		json_object_set_new(out, "explain", explain_json(&m));
	rc = out != NULL ? BILLING_OK : BILLING_ENOMEM;
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
db_charges_ve_month_lines(struct db *db, const char *ve, int y, int mo, long long now,
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

int
db_charges_ve_month_vlines(struct db *db, const char *ve, int y, int mo, long long now,
    struct rate_line **lines, size_t *n, struct db_line_part **vids, char *err, size_t errlen)
{
	struct ve_month m;
	int rc;

	*lines = NULL;
	*vids = NULL;
	*n = 0;
	if ((rc = ve_month_rate(db, ve, y, mo, now, &m, err, errlen)) == BILLING_OK) {
		if ((*vids = calloc(m.nlines + 1, sizeof(**vids))) == NULL)
			rc = BILLING_ENOMEM;
		else {
			int cut = month_nparts(&m) > 1;
			for (size_t i = 0; i < m.nlines; i++) {
				(*vids)[i].version_id = m.v[m.lines[i].ver].id;
				(*vids)[i].from = cut ? piece_from(&m, m.lines[i].ver) : 0;
				(*vids)[i].to = cut ? m.piece[m.lines[i].ver].to : 0;
			}
			*lines = m.lines;
			*n = m.nlines;
			m.lines = NULL;
		}
	}
	ve_month_free(&m);
	return rc;
}
