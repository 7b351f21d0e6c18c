/*
 * The availability SLA's SQL: see db_sla.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_sla.h"
#include "util.h"

enum stmt {
	S_VERSION_ID,
	S_SLA_DELETE,
	S_CREDITS_DELETE,
	S_CREDIT_INSERT,
	S_SLA_INSERT,
	S_TERMS,
	S_AVAIL_VE,
	S_AVAIL_ALL,
	S__MAX
};

static const char *const sql[S__MAX] = {
	[S_VERSION_ID] = "SELECT id FROM plan_versions WHERE plan_id = ? AND valid_from = ?",
	[S_SLA_DELETE] = "DELETE FROM plan_sla WHERE plan_version_id = ?",
	[S_CREDITS_DELETE] = "DELETE FROM plan_sla_credits WHERE plan_version_id = ?",
	[S_CREDIT_INSERT] =
	    "INSERT INTO plan_sla_credits (plan_version_id, below_ppm, credit_bp) VALUES (?, ?, ?)",
	/* After the credits: its audit trigger lists them. */
	[S_SLA_INSERT] =
	    "INSERT INTO plan_sla (plan_version_id, availability_target_ppm) VALUES (?, ?)",
	/* One row per step (a target without steps: one row with 0, 0). */
	[S_TERMS] =
	    "SELECT s.plan_version_id, s.availability_target_ppm, COALESCE(c.below_ppm, 0), "
	    "COALESCE(c.credit_bp, 0) FROM plan_sla s JOIN plan_versions v ON v.id = s.plan_version_id "
	    "LEFT JOIN plan_sla_credits c ON c.plan_version_id = s.plan_version_id "
	    "WHERE ? = 0 OR v.plan_id = ? ORDER BY s.plan_version_id, c.below_ppm DESC",
	[S_AVAIL_VE] =
	    "SELECT o.always_on, CAST(COALESCE(SUM(d.up_s), 0) AS SIGNED), "
	    "CAST(COALESCE(SUM(d.seen_s), 0) AS SIGNED) FROM ves v JOIN orders o ON o.id = v.order_id "
	    "LEFT JOIN usage_avail_day d ON d.ve_id = v.id AND d.t >= ? AND d.t < ? "
	    "WHERE v.id = ? GROUP BY o.always_on",
	[S_AVAIL_ALL] =
	    "SELECT d.ve_id, CAST(SUM(d.up_s) AS SIGNED), CAST(SUM(d.seen_s) AS SIGNED) "
	    "FROM usage_avail_day d JOIN ves v ON v.id = d.ve_id JOIN orders o ON o.id = v.order_id "
	    "WHERE o.always_on = 1 AND d.t >= ? AND d.t < ? GROUP BY d.ve_id",
};

static int
terms_equal(const struct sla_terms *a, const struct sla_terms *b)
{
	uint32_t ta = a != NULL ? a->target_ppm : 0, tb = b != NULL ? b->target_ppm : 0;

	if (ta == 0 || tb == 0)
		return ta == tb;
	if (ta != tb || a->nsteps != b->nsteps)
		return 0;
	for (size_t i = 0; i < a->nsteps; i++)
		if (a->step[i].below_ppm != b->step[i].below_ppm ||
		    a->step[i].credit_bp != b->step[i].credit_bp)
			return 0;
	return 1;
}

int
db_sla_terms_put(struct db *db, long long plan_id, long long valid_from,
    const struct sla_terms *t)
{
	struct sla_vterms *cur = NULL;
	size_t n = 0;
	long long vid = 0;
	int rc;

	{
		struct dbv p[] = { DBV_INT(plan_id), DBV_INT(valid_from) };
		struct dbo o[] = { DBO_INT(&vid) };
		if ((rc = db_one(db, sql[S_VERSION_ID], p, nitems(p), o, nitems(o))) < 0)
			return rc;
		if (rc == 0)
			return DB_ERR;	/* the caller has just written that version */
	}
	if ((rc = db_sla_terms_load(db, plan_id, &cur, &n)) != DB_OK)
		return rc;
	rc = terms_equal(db_sla_terms_find(cur, n, vid), t);
	free(cur);
	if (rc)
		return DB_OK;
	{
		struct dbv p[] = { DBV_INT(vid) };
		if ((rc = db_exec(db, sql[S_SLA_DELETE], p, 1, NULL, NULL)) != DB_OK ||
		    (rc = db_exec(db, sql[S_CREDITS_DELETE], p, 1, NULL, NULL)) != DB_OK)
			return rc;
	}
	if (t == NULL || t->target_ppm == 0)
		return DB_OK;
	for (size_t i = 0; i < t->nsteps; i++) {
		struct dbv p[] = { DBV_INT(vid), DBV_INT(t->step[i].below_ppm),
		    DBV_INT(t->step[i].credit_bp) };
		if ((rc = db_exec(db, sql[S_CREDIT_INSERT], p, nitems(p), NULL, NULL)) != DB_OK)
			return rc;
	}
	{
		struct dbv p[] = { DBV_INT(vid), DBV_INT(t->target_ppm) };
		return db_exec(db, sql[S_SLA_INSERT], p, nitems(p), NULL, NULL);
	}
}

int
db_sla_terms_load(struct db *db, long long plan_id, struct sla_vterms **out, size_t *n)
{
	struct db_cur c;
	long long vid, target, below, bp;
	size_t cap = 0;
	int rc;
	struct dbv p[] = { DBV_INT(plan_id), DBV_INT(plan_id) };
	struct dbo o[] = { DBO_INT(&vid), DBO_INT(&target), DBO_INT(&below), DBO_INT(&bp) };

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, &c, sql[S_TERMS], p, nitems(p), o, nitems(o))) != DB_OK)
		return rc;
	while ((rc = db_next(&c)) == 1) {
		struct sla_vterms *x;

		if (*n == 0 || (*out)[*n - 1].version_id != vid) {
			if (vep_grow((void **)out, &cap, *n + 1, sizeof(**out), 16) == -1) {
				rc = DB_NOMEM;
				break;
			}
			x = &(*out)[(*n)++];
			memset(x, 0, sizeof(*x));
			x->version_id = vid;
			x->t.target_ppm = (uint32_t)target;
		}
		x = &(*out)[*n - 1];
		if (below > 0 && x->t.nsteps < SLA_MAX_STEPS) {
			x->t.step[x->t.nsteps].below_ppm = (uint32_t)below;
			x->t.step[x->t.nsteps].credit_bp = (uint32_t)bp;
			x->t.nsteps++;
		}
	}
	db_cur_close(&c);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return rc;
	}
	return DB_OK;
}

const struct sla_terms *
db_sla_terms_find(const struct sla_vterms *v, size_t n, long long version_id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].version_id == version_id)
			return &v[mid].t;
		if (v[mid].version_id < version_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int
db_sla_avail_ve(struct db *db, const char *ve, long long from, long long to,
    struct sla_avail *a)
{
	long long on = 0, up = 0, seen = 0;
	struct dbv p[] = { DBV_INT(from), DBV_INT(to), DBV_STR(ve) };
	struct dbo o[] = { DBO_INT(&on), DBO_INT(&up), DBO_INT(&seen) };
	int rc;

	memset(a, 0, sizeof(*a));
	if ((rc = db_one(db, sql[S_AVAIL_VE], p, nitems(p), o, nitems(o))) < 0)
		return rc;
	a->always_on = on != 0;
	/* Negative sums only from hand-edited rows: nothing measured, then. */
	if (up >= 0 && seen >= up) {
		a->up_s = (uint64_t)up;
		a->seen_s = (uint64_t)seen;
	}
	return DB_OK;
}

static int
by_ve(const void *a, const void *b)
{
	return strcmp(((const struct sla_veavail *)a)->ve, ((const struct sla_veavail *)b)->ve);
}

int
db_sla_avail_all(struct db *db, long long from, long long to, struct sla_veavail **out,
    size_t *n)
{
	struct db_cur c;
	struct sla_veavail x;
	long long up, seen;
	size_t cap = 0;
	int rc;
	struct dbv p[] = { DBV_INT(from), DBV_INT(to) };
	struct dbo o[] = { DBO_STR(x.ve), DBO_INT(&up), DBO_INT(&seen) };

	*out = NULL;
	*n = 0;
	memset(&x, 0, sizeof(x));
	if ((rc = db_query(db, &c, sql[S_AVAIL_ALL], p, nitems(p), o, nitems(o))) != DB_OK)
		return rc;
	while ((rc = db_next(&c)) == 1) {
		if (up < 0 || seen < up)
			continue;	/* as db_sla_avail_ve */
		if (vep_grow((void **)out, &cap, *n + 1, sizeof(**out), 1024) == -1) {
			rc = DB_NOMEM;
			break;
		}
		x.a.always_on = 1;
		x.a.up_s = (uint64_t)up;
		x.a.seen_s = (uint64_t)seen;
		(*out)[(*n)++] = x;
	}
	db_cur_close(&c);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return rc;
	}
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), by_ve);
	return DB_OK;
}

const struct sla_avail *
db_sla_avail_find(const struct sla_veavail *v, size_t n, const char *ve)
{
	struct sla_veavail key;
	const struct sla_veavail *r;

	if (n == 0)
		return NULL;	/* v may be NULL then, which bsearch must not see */
	memset(&key, 0, sizeof(key));
	snprintf(key.ve, sizeof(key.ve), "%s", ve);
	r = bsearch(&key, v, n, sizeof(*v), by_ve);
	return r != NULL ? &r->a : NULL;
}
