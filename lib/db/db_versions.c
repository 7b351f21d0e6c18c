/* Price versions and their SLA terms as rating wants them: see db_versions.h. */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_bill.h"
#include "db_sla.h"
#include "db_versions.h"
#include "sla.h"
#include "util.h"

enum stmt { S_VERSIONS_PLAN, S_VERSIONS_ALL, S__MAX };

#define VERSION_COLS \
	"id, plan_id, valid_from, monthly_fee_minor, inc_disk_gb, inc_traffic_gb, " \
	"inc_traffic_in_gb, inc_traffic_out_gb, inc_cpu_hours, inc_vmem_gb_hours, " \
	"ov_disk_gb_month, ov_traffic_gb, ov_traffic_in_gb, ov_traffic_out_gb, ov_cpu_hour, " \
	"ov_vmem_gb_hour FROM plan_versions"

static const char *const sql[S__MAX] = {
	[S_VERSIONS_PLAN] = "SELECT " VERSION_COLS " WHERE plan_id = ? ORDER BY valid_from",
	[S_VERSIONS_ALL] = "SELECT " VERSION_COLS " ORDER BY plan_id, valid_from",
};

/* db_fetch_map's fix: the version's columns (arg) into the zeroed row. */
static void
vrow_of(void *row, void *arg)
{
	static const int inc_of[6] = { RR_DISK, RR_TRAFFIC, RR_TRAFFIC_IN, RR_TRAFFIC_OUT,
	    RR_CPU, RR_VMEM };
	struct db_vrow *x = row;
	const long long *col = arg;

	x->v.id = col[0];
	x->plan_id = col[1];
	x->v.valid_from = col[2];
	x->v.fee_minor = col[3];
	for (int k = 0; k < 6; k++) {
		x->v.inc[inc_of[k]] = col[4 + k];
		x->v.price[inc_of[k]] = col[10 + k];
	}
}

int
db_versions_load(struct db *db, long long plan_id, struct db_vrow **out, size_t *n)
{
	struct db_vrow zero;
	struct db_cur c;
	struct dbo o[16];
	struct dbv p[] = { DBV_INT(plan_id) };
	long long col[16];
	int rc;

	*out = NULL;
	*n = 0;
	memset(&zero, 0, sizeof(zero));
	for (size_t i = 0; i < nitems(o); i++)
		o[i] = DBO_INT(&col[i]);
	if (db_query(db, &c, sql[plan_id > 0 ? S_VERSIONS_PLAN : S_VERSIONS_ALL], p,
	    plan_id > 0 ? 1 : 0, o, nitems(o)) != DB_OK)
		return BILLING_EDB;
	rc = db_fetch_map(&c, &zero, sizeof(zero), (void **)out, n, vrow_of, col);
	return rc == DB_OK ? BILLING_OK : rc == DB_NOMEM ? BILLING_ENOMEM : BILLING_EDB;
}

int
db_versions_sla(struct db *db, long long plan_id, const struct db_vrow *vr, size_t n,
    struct sla_terms **out)
{
	struct sla_vterms *all = NULL;
	size_t na = 0;

	if (db_sla_terms_load(db, plan_id, &all, &na) != DB_OK)
		return BILLING_EDB;
	if ((*out = calloc(n + 1, sizeof(**out))) == NULL) {
		free(all);
		return BILLING_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const struct sla_terms *t = db_sla_terms_find(all, na, vr[i].v.id);
		if (t != NULL)
			(*out)[i] = *t;
	}
	free(all);
	return BILLING_OK;
}
