/*
 * db_sla: every SQL statement of the availability SLA (db/migrations/
 * 0006_sla.sql): plan versions' terms (plan_sla, plan_sla_credits) and the
 * availability billingd measured (usage_avail_day, which the minute rows'
 * triggers keep).  The rules are in lib/domain/sla.h; billingd's own writes of
 * minute rows are in lib/db/db_usage.c with the rest of its batch.
 * Functions return enum db_rc (db.h).
 */
#ifndef VEP_DB_SLA_H
#define VEP_DB_SLA_H

#include <stddef.h>

#include "sla.h"

struct db;

/* One plan version's terms. */
struct sla_vterms {
	long long	 version_id;
	struct sla_terms t;
};

/*
 * Make the terms of plan_id's version valid_from t (NULL or target 0: no
 * SLA), inside the caller's transaction; nothing is written when they are
 * already so (so re-importing a plan audits nothing new).
 */
int	db_sla_terms_put(struct db *, long long plan_id, long long valid_from,
	    const struct sla_terms *t);

/*
 * The terms of every version of plan_id (0: of all plans) that has some,
 * sorted by version id, into a malloc'd *out (free it) of *n entries.
 */
int	db_sla_terms_load(struct db *, long long plan_id, struct sla_vterms **out, size_t *n);

/* The terms of version_id in a loaded array, or NULL (no SLA). */
const struct sla_terms *db_sla_terms_find(const struct sla_vterms *, size_t n,
	    long long version_id);

/*
 * What was measured for one VE in the days [from, to) (both at 00:00 UTC;
 * the current day so far) and its order's availability level.
 * DB_OK with *a filled (zeros when nothing was measured).
 */
int	db_sla_avail_ve(struct db *, const char *ve_id, long long from, long long to,
	    struct sla_avail *a);

/* One VE's measurement in a loaded array. */
struct sla_veavail {
	char		 ve[9];
	struct sla_avail a;
};

/*
 * The measurements of every VE of an always_on order with something
 * measured in [from, to), sorted by VE id, into a malloc'd *out (free it).
 */
int	db_sla_avail_all(struct db *, long long from, long long to,
	    struct sla_veavail **out, size_t *n);

/* The measurement of ve in a loaded array, or NULL (nothing measured). */
const struct sla_avail *db_sla_avail_find(const struct sla_veavail *, size_t n,
	    const char *ve);

#endif
