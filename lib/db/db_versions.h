/*
 * db_versions: what lib/domain/rating.c is given about plans, loaded for
 * one plan (a VE's charges) or for all (the invoice run): the price
 * versions of plan_versions and each version's availability terms
 * (lib/db/db_sla.c).  Functions return enum billing_rc (db_bill.h).
 */
#ifndef VEP_DB_VERSIONS_H
#define VEP_DB_VERSIONS_H

#include <stddef.h>

#include "rating.h"

struct db;
struct sla_terms;

/* One plan_versions row. */
struct db_vrow {
	long long		 plan_id;
	struct rate_version	 v;
};

/* Versions of one plan (plan_id > 0) or of all plans (0), by plan and valid_from; *out malloc'd. */
int	db_versions_load(struct db *, long long plan_id, struct db_vrow **out, size_t *n);
/* (*out)[i]: the SLA terms of vr[i] (zeroed when it has none); *out malloc'd. */
int	db_versions_sla(struct db *, long long plan_id, const struct db_vrow *vr, size_t n,
	    struct sla_terms **out);

#endif
