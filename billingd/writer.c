/*
 * The writer thread: the one owner of the MariaDB connection.  Its cron
 * (after redis's serverCron) runs each job at its own period: reconnect
 * while the database is away, leases and the node list, node health,
 * VE expiry, retention.  Batches from the loop are applied in order; while
 * the database is away they go to the spool, and if the spool cannot take
 * them (disk full) they wait in memory up to queue_max, oldest dropped
 * first.  Order is kept: spool records, then batches in memory, then new
 * ones.  A dropped or unreadable batch loses no usage: the next batch of
 * each VE finds the database's counter state behind it and reconciles.
 */
#include <sys/resource.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "db.h"
#include "log.h"
#include "batch.h"
#include "billingd.h"
#include "flush.h"
#include "lease.h"
#include "retention.h"
#include "snapshot.h"
#include "db_usage.h"
#include "util.h"

#define CONNECT_RETRY_S	2
#define HEALTH_S	2
#define LIFE_S		60
#define RETENTION_S	300
#define REPLAY_BUDGET_S	2
#define POISON_TRIES	5
#define WRITER_NICE	5	/* the writer threads' nice value (see writer_main) */

static int64_t
now_s(void)
{
	return (int64_t)time(NULL);
}

/* The database went away: say so once. */
static void
db_down(struct billingd *bd, const char *what)
{
	if (bd->W.db_up)
		log_warnx("database down (%s): %s; batches go to the spool", what,
		    bd->W.db ? db_last_error(bd->W.db) : "not connected");
	bd->W.db_up = 0;
	if (bd->W.down_since == 0)
		bd->W.down_since = now_s();
	bd->W.next_connect = now_s() + 1;
}

static void
db_try(struct billingd *bd)
{
	char err[512];
	int64_t now = now_s();

	if (now < bd->W.next_connect)
		return;
	bd->W.next_connect = now + CONNECT_RETRY_S;
	if (bd->W.db == NULL) {
		if ((bd->W.db = db_open_at(bd->conf, bd->db_prefer, err, sizeof(err))) == NULL) {
			if (bd->W.down_since == 0) {
				log_warnx("database down: %s", err);
				bd->W.down_since = now;
			}
			return;
		}
		db_set_background(bd->W.db);	/* the history readers first */
	} else if (db_reconnect(bd->W.db) != DB_OK)
		return;
	if (bd->W.down_since != 0) {
		char host[128];
		log_info("database back after %lld s (%s)", (long long)(now - bd->W.down_since),
		    db_host(bd->W.db, host, sizeof(host)));
	}
	bd->W.db_up = 1;
	bd->W.down_since = 0;
	bd->W.next_lease = 0;	/* refresh leases and the node list now */
}

static void
pend_push(struct billingd *bd, struct batch *b)
{
	b->next = NULL;
	if (bd->W.pend_tail != NULL)
		bd->W.pend_tail->next = b;
	else
		bd->W.pend = b;
	bd->W.pend_tail = b;
	bd->W.pend_bytes += batch_bytes(b);
	while (bd->W.pend_bytes > bd->queue_max && bd->W.pend != b) {
		struct batch *old = bd->W.pend;
		bd->W.pend = old->next;
		bd->W.pend_bytes -= batch_bytes(old);
		log_warnx("memory bound of %llu bytes reached: oldest batch dropped; "
		    "its usage is recovered from the counter state later",
		    (unsigned long long)bd->queue_max);
		batch_free(old);
		pthread_mutex_lock(&bd->S.mu);
		bd->S.fig.dropped++;
		pthread_mutex_unlock(&bd->S.mu);
	}
}

static struct batch *
pend_pop(struct billingd *bd)
{
	struct batch *b = bd->W.pend;

	if (b == NULL)
		return NULL;
	bd->W.pend = b->next;
	if (bd->W.pend == NULL)
		bd->W.pend_tail = NULL;
	bd->W.pend_bytes -= batch_bytes(b);
	b->next = NULL;
	return b;
}

/* Append to the spool; 0 (b freed) or -1 (b untouched). */
static int
to_spool(struct billingd *bd, struct batch *b)
{
	uint8_t *p;
	size_t len;
	int r;

	if (!bd->W.spool_ok)
		return -1;
	b->seq = ++bd->W.last_seq;
	if ((p = batch_encode(b, &len)) == NULL)
		return -1;
	r = spool_append(&bd->W.spool, p, len);
	free(p);
	if (r == -1) {
		complain(&bd->W.spool_full, now_s(), 0, "SPOOL FULL OR FAILING: %s: %s "
		    "(%llu bytes, bound %llu); batches are kept in memory up to %llu bytes",
		    bd->W.spool.path, strerror(errno), (unsigned long long)bd->W.spool.size,
		    (unsigned long long)bd->spool_max, (unsigned long long)bd->queue_max);
		return -1;
	}
	complain_release(&bd->W.spool_full, now_s(), "spool writable again");
	batch_free(b);
	pthread_mutex_lock(&bd->S.mu);
	bd->S.fig.spooled++;
	pthread_mutex_unlock(&bd->S.mu);
	return 0;
}

static void
count(struct billingd *bd, uint64_t *fig)
{
	pthread_mutex_lock(&bd->S.mu);
	(*fig)++;
	pthread_mutex_unlock(&bd->S.mu);
}

/* A batch from memory is done with (applied or dropped): count it and its number. */
static void
finished(struct billingd *bd, const struct batch *b, uint64_t *fig)
{
	pthread_mutex_lock(&bd->S.mu);
	(*fig)++;
	if (b->no > bd->S.fig.applied_no)
		bd->S.fig.applied_no = b->no;
	pthread_mutex_unlock(&bd->S.mu);
}

/* A batch from the loop, in order behind whatever waits. */
static void
take(struct billingd *bd, struct batch *b)
{
	enum flush_rc rc;

	if (bd->W.pend == NULL && !spool_pending(&bd->W.spool) && bd->W.db_up) {
		b->seq = ++bd->W.last_seq;
		rc = flush_apply(bd, b, 0);
		if (rc == FLUSH_OK || rc == FLUSH_SKIPPED) {
			if (b->seq > bd->W.last_seq)
				bd->W.last_seq = b->seq;
			finished(bd, b, &bd->S.fig.applied);
			batch_free(b);
			return;
		}
		if (rc == FLUSH_DB)
			db_down(bd, "applying a batch");
		else
			log_warnx("batch %llu refused by the database (%s); spooled for "
			    "another try", (unsigned long long)b->seq,
			    db_last_error(bd->W.db));
	}
	if (bd->W.pend == NULL && to_spool(bd, b) == 0)
		return;
	pend_push(bd, b);
}

/* Spool records first, then batches in memory, while the database is up. */
static void
drain(struct billingd *bd)
{
	int64_t until = now_s() + REPLAY_BUDGET_S;
	char err[128];
	uint8_t *p;
	size_t len;
	struct batch *b;
	enum flush_rc rc;
	int r;

	while (bd->W.db_up && spool_pending(&bd->W.spool) && now_s() < until) {
		if ((r = spool_next(&bd->W.spool, &p, &len)) <= 0) {
			if (r == -1)
				log_warnx("spool %s: unreadable record; the rest of the "
				    "spool is dropped and recovered from the counter state",
				    bd->W.spool.path);
			break;
		}
		if ((b = batch_decode(p, len, err, sizeof(err))) == NULL) {
			log_warnx("spool %s: %s: record skipped", bd->W.spool.path, err);
			spool_advance(&bd->W.spool, len);
			free(p);
			continue;
		}
		rc = flush_apply(bd, b, 1);
		batch_free(b);
		if (rc == FLUSH_DB) {
			free(p);
			db_down(bd, "replaying the spool");
			break;
		}
		if (rc == FLUSH_BAD && ++bd->W.fail_count < POISON_TRIES) {
			free(p);
			break;	/* try again next round */
		}
		if (rc == FLUSH_BAD)
			log_warnx("spool: a batch refused %d times is dropped (%s)",
			    POISON_TRIES, db_last_error(bd->W.db));
		bd->W.fail_count = 0;
		spool_advance(&bd->W.spool, len);
		free(p);
		count(bd, rc == FLUSH_BAD ? &bd->S.fig.dropped : &bd->S.fig.replayed);
	}
	if (!spool_pending(&bd->W.spool) && bd->W.spool_ok && bd->W.spool.size > SPOOL_HDR &&
	    spool_reset(&bd->W.spool) == -1)
		log_warn("spool %s: truncate", bd->W.spool.path);

	/* Memory next: into the database, or behind the spool if it is down. */
	while (bd->W.pend != NULL && !spool_pending(&bd->W.spool)) {
		if (!bd->W.db_up) {
			b = pend_pop(bd);
			if (to_spool(bd, b) == -1) {
				/* Put it back at the head: order is kept. */
				b->next = bd->W.pend;
				bd->W.pend = b;
				if (bd->W.pend_tail == NULL)
					bd->W.pend_tail = b;
				bd->W.pend_bytes += batch_bytes(b);
				break;
			}
			continue;
		}
		b = bd->W.pend;
		b->seq = ++bd->W.last_seq;
		rc = flush_apply(bd, b, 0);
		if (rc == FLUSH_DB) {
			db_down(bd, "applying a batch");
			continue;
		}
		if (rc == FLUSH_BAD && ++bd->W.fail_count < POISON_TRIES)
			break;
		bd->W.fail_count = 0;
		if (b->seq > bd->W.last_seq)
			bd->W.last_seq = b->seq;
		finished(bd, b, rc == FLUSH_BAD ? &bd->S.fig.dropped : &bd->S.fig.applied);
		batch_free(pend_pop(bd));
	}
}

/* Store the node health the loop published in the nodes table. */
static void
health_store(struct billingd *bd)
{
	struct nodehealth *h = NULL;
	size_t n = 0;

	pthread_mutex_lock(&bd->S.mu);
	if (bd->S.nhealth > 0 && (h = malloc(bd->S.nhealth * sizeof(*h))) != NULL) {
		memcpy(h, bd->S.health, bd->S.nhealth * sizeof(*h));
		n = bd->S.nhealth;
	}
	pthread_mutex_unlock(&bd->S.mu);
	for (size_t i = 0; i < n; i++) {
		if (db_usage_node_health(bd->W.db, bd->id, h[i].id, h[i].state,
		    h[i].last_poll_at, h[i].last_ok_at, h[i].lag_ms) != DB_OK)
			break;
	}
	free(h);
}

/* The periodic jobs, each at its period. */
static void
cron(struct billingd *bd)
{
	int64_t now = now_s();

	if (!bd->W.db_up)
		db_try(bd);
	if (!bd->W.db_up)
		return;
	if (now >= bd->W.next_lease) {
		if (lease_round(bd) == DB_GONE) {
			db_down(bd, "lease round");
			return;
		}
		bd->W.next_lease = now + bd->refresh_s;
	}
	if (now >= bd->W.next_health) {
		health_store(bd);
		bd->W.next_health = now + HEALTH_S;
	}
	if (now >= bd->W.next_life) {
		lifecycle_run(bd, now);
		bd->W.next_life = now + LIFE_S;
	}
	if (now >= bd->W.next_retention) {
		retention_run(bd, now);
		bd->W.next_retention = now + RETENTION_S;
	}
}

/* Publish the writer's figures for /metrics. */
static void
writer_stats(struct billingd *bd)
{
	pthread_mutex_lock(&bd->S.mu);
	bd->S.fig.db_up = bd->W.db_up;
	bd->S.fig.spool_bytes = bd->W.spool_ok && bd->W.spool.size > SPOOL_HDR ?
	    (uint64_t)(bd->W.spool.size - bd->W.spool.replay) : 0;
	bd->S.fig.pend_bytes = bd->W.pend_bytes;
	pthread_mutex_unlock(&bd->S.mu);
}

void *
writer_main(void *arg)
{
	struct billingd *bd = arg;
	struct batch *list, *b;
	struct timespec ts;
	int stop;

	bd->W.last_seq = (uint64_t)vep_wall_us();
	/*
	 * The writer's own CPU (a batch's rows built and bound, seconds of it
	 * at 50,000 VEs, in each part's thread at once) yields to the short
	 * requests sharing the cores (the history API, the panel); its
	 * statements run in the server at their own priority.  Linux: the nice
	 * value is per thread and the parts' threads inherit it; the loop
	 * thread, which polls on the second, keeps 0.
	 */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), WRITER_NICE);
	for (;;) {
		pthread_mutex_lock(&bd->S.mu);
		if (!bd->S.stop && bd->S.q == NULL) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&bd->S.cv, &bd->S.mu, &ts);
		}
		list = bd->S.q;
		bd->S.q = bd->S.q_tail = NULL;
		bd->S.q_bytes = 0;
		bd->S.q_n = 0;
		bd->S.busy = list != NULL;
		stop = bd->S.stop;
		pthread_mutex_unlock(&bd->S.mu);

		cron(bd);
		while ((b = list) != NULL) {
			list = b->next;
			b->next = NULL;
			take(bd, b);
		}
		drain(bd);
		writer_stats(bd);
		pthread_mutex_lock(&bd->S.mu);
		bd->S.busy = 0;
		pthread_mutex_unlock(&bd->S.mu);
		if (stop)
			break;
	}
	if (bd->W.pend != NULL)
		log_warnx("stopping with %llu bytes of batches neither written nor "
		    "spooled; the counter state recovers them",
		    (unsigned long long)bd->W.pend_bytes);
	while ((b = pend_pop(bd)) != NULL)
		batch_free(b);
	if (bd->W.db_up)
		lease_release(bd);
	return NULL;
}
