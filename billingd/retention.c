/*
 * Keeping the usage tables bounded, and the VE lifecycle job.
 *
 * Raw seconds live in range partitions of t (hourly while raw_retention_h
 * is at most a week, else daily): partitions are made a few periods ahead
 * by splitting the catch-all pmax, and dropped whole once older than the
 * retention, never DELETEd.  Minute rollups are kept minute_days, hour
 * rollups hour_days, deleted in bounded chunks; day rollups for ever.
 * Availability minutes go with the minute rollups; their day rows (kept
 * by the database's triggers) stay for ever.
 * One billingd at a time does this (a job lock row, held for LOCK_TTL_S at
 * most should its holder die; a row so that it holds across a Galera
 * cluster, where an advisory lock would lock one node only).
 *
 * Lifecycle: VEs past expires_at become 'expired' (the agent then stops
 * them: it only receives active and suspended VEs); expiry_grace_h later
 * they become 'deleted' and their addresses return to the pool.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_usage.h"
#include "log.h"
#include "util.h"
#include "batch.h"
#include "billingd.h"
#include "retention.h"

#define AHEAD		3	/* partitions made ahead of now */
#define PRUNE_CHUNK	10000
#define PRUNE_ROUNDS	20
#define LOCK_NAME	"billingd.retention"
#define LOCK_TTL_S	600

static void
partitions(struct billingd *bd, enum du_rawtable t, int64_t now)
{
	struct du_parts q;
	int64_t w = bd->raw_retention_h <= 168 ? 3600 : 86400;
	int64_t cutoff = now - (int64_t)bd->raw_retention_h * 3600;
	int64_t top = INT64_MIN, want, drop[64];
	size_t ndrop = 0;
	const char *es;
	int rc;

	if ((rc = db_usage_partitions_open(bd->W.db, &q, t)) != DB_OK)
		return;
	while ((rc = db_next(&q.c)) == 1) {
		long long bound, start;
		if (strcmp(q.bound, "MAXVALUE") == 0)
			continue;
		bound = vep_strtonum(q.bound, INT64_MIN, INT64_MAX, &es);
		if (es != NULL || q.name[0] != 'p')
			continue;
		start = vep_strtonum(q.name + 1, 0, INT64_MAX, &es);
		if (es != NULL)
			continue;	/* not one of ours: leave it */
		if (bound > top)
			top = bound;
		if (bound <= cutoff && ndrop < nitems(drop))
			drop[ndrop++] = start;
	}
	db_cur_close(&q.c);
	if (rc < 0)
		return;
	for (size_t i = 0; i < ndrop; i++) {
		if (db_usage_partition_drop(bd->W.db, t, drop[i]) != DB_OK)
			return;
		log_info("raw usage partition p%lld dropped (older than %d h)",
		    (long long)drop[i], bd->raw_retention_h);
	}
	if (bd->raw_retention_h == 0)
		return;	/* nothing is written to the raw tables */
	want = now - now % w + AHEAD * w;
	if (top == INT64_MIN || top < now - now % w)
		top = now - now % w;
	if (top < want)
		db_usage_partitions_add(bd->W.db, t, top, want, w);
}

static void
prune(struct billingd *bd, enum du_level lvl /* DU__LEVELS: availability minutes */,
    int64_t before)
{
	uint64_t n = 0, total = 0;

	for (int i = 0; i < PRUNE_ROUNDS; i++) {
		if ((lvl == DU__LEVELS ? db_usage_prune_avail(bd->W.db, before, PRUNE_CHUNK, &n) :
		    db_usage_prune(bd->W.db, lvl, before, PRUNE_CHUNK, &n)) != DB_OK)
			break;
		total += n;
		if (n < PRUNE_CHUNK)
			break;
	}
	if (total > 0)
		log_info("%llu %s rows past retention deleted", (unsigned long long)total,
		    lvl == DU_MINUTE ? "minute rollup" : lvl == DU_HOUR ? "hour rollup" :
		    "availability minute");
}

void
retention_run(struct billingd *bd, int64_t now)
{
	int got = 0;

	if (db_usage_job_take(bd->W.db, LOCK_NAME, bd->id, LOCK_TTL_S, &got) != DB_OK || !got)
		return;	/* another billingd is doing it */
	partitions(bd, DU_RAW, now);
	partitions(bd, DU_RAW_IP, now);
	prune(bd, DU_MINUTE, now - (int64_t)bd->minute_days * 86400);
	prune(bd, DU_HOUR, now - (int64_t)bd->hour_days * 86400);
	prune(bd, DU__LEVELS, now - (int64_t)bd->minute_days * 86400);	/* availability */
	db_usage_job_give(bd->W.db, LOCK_NAME, bd->id);
}

void
lifecycle_run(struct billingd *bd, int64_t now)
{
	uint64_t expired = 0, erased = 0;
	int rc;

	if ((rc = db_begin(bd->W.db)) != DB_OK)
		return;
	if ((rc = db_usage_expire(bd->W.db, now, &expired)) != DB_OK ||
	    (rc = db_usage_erase(bd->W.db, now - (int64_t)bd->expiry_grace_h * 3600,
	    now, &erased)) != DB_OK) {
		db_rollback(bd->W.db);
		log_warnx("VE lifecycle: %s", db_strerror(rc));
		return;
	}
	if (db_commit(bd->W.db) != DB_OK)
		return;
	if (expired > 0)
		log_info("%llu VEs expired", (unsigned long long)expired);
	if (erased > 0)
		log_info("%llu VEs deleted after the grace period; their addresses "
		    "are free", (unsigned long long)erased);
}
