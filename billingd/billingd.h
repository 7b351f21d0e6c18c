/*
 * billingd: polls every node agent once a second and turns the agents'
 * cumulative counters into usage history (SPEC sections 7 and 8).
 *
 * This header is the program's one context, struct billingd, made in
 * main(); each module has its own header for its functions.  Three threads
 * share the context:
 *   - the loop (ticker.c): one lib/base/loop.c event loop that ticks on
 *     each whole second of the wall clock, polls all nodes concurrently
 *     (poll.c), parses and meters the answers (prom.c, meter.c, collect.c)
 *     into a batch, serves /metrics (mserver.c renders figures.c), and
 *     every flush_s hands the batch over;
 *   - the writer (writer.c): the only thread that writes batches.  It
 *     applies them (flush.c), spools them when the database is away
 *     (spool.c) and runs the periodic jobs: leases and the node list
 *     (lease.c), node health, retention and VE expiry (retention.c);
 *   - the billing jobs (billing.c), on their own connection.
 * A slow database therefore never delays a poll, and a slow agent never
 * delays another: each is a state machine of its own.
 * What the loop and the writer share is in struct shared, under its mutex.
 */
#ifndef BILLINGD_H
#define BILLINGD_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "billing.h"
#include "collect.h"
#include "writer.h"

struct batch;
struct conf;
struct loop;
struct mserver;
struct peer;
struct snapshot;

/* Health of one node, published by the loop for the writer to store. */
struct nodehealth {
	uint32_t	 id;
	const char	*state;		/* a static string: "up", "down", ... */
	int64_t		 last_poll_at, last_ok_at;
	int		 lag_ms;
};

/* The loop's figures, for /metrics (loop thread only). */
struct lfig {
	uint64_t	 polls_ok, polls_failed, transitions;
	uint64_t	 samples, ignored, stale;
	uint64_t	 tick_samples, last_tick_samples;
	int64_t		 last_overrun_ms;
	uint64_t	 ticks, overruns, ticks_skipped;
	uint64_t	 batches_made, batches_lost;
	uint64_t	 snapshots;		/* node lists and placements taken */
	uint64_t	 fence;			/* the last batch with samples metered before it */
	uint64_t	 avail_seconds[4];	/* VE-seconds: up, down, suspended, node outage */
};

/* The loop's own state: touched by the loop thread only. */
struct loopstate {
	struct loop	*loop;
	int		 sigfd, wakefd;
	long long	 tick_timer;
	int64_t		 next_tick;	/* wall-clock ms of the next tick */
	struct peer	*peers;
	struct mserver	*metrics;
	struct snapshot	*snap;
	struct vtable	 vt;
	struct batch	*cur;
	int64_t		 last_handoff;
	int64_t		 last_gc;
	struct complaint overrun;	/* the loop running late */
	struct lfig	 fig;
};

/* The writer's figures, for /metrics. */
struct wfig {
	int		 db_up;
	uint64_t	 spool_bytes, pend_bytes;
	uint64_t	 applied, spooled, replayed, dropped, conflicts;
	uint64_t	 write_us;		/* time spent in applied batches */
	uint64_t	 last_write_us;		/* of the last one (the loop sizes batches by it) */
	uint64_t	 spans, rows;		/* written by them */
	int64_t		 committed_t;		/* latest sample committed */
	uint64_t	 late;			/* (VE, invoiced month) marks written */
	uint64_t	 applied_no;		/* the latest batch applied or dropped from memory */
};

/* Between the loop and the writer, under mu. */
struct shared {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct batch	*q, *q_tail;	/* batches for the writer */
	size_t		 q_bytes, q_n;
	uint64_t	 handed;	/* batches numbered and queued so far */
	int		 busy;		/* the writer is still on the last hand-over */
	int		 stop;
	struct snapshot	*snap;		/* new one for the loop, or NULL */
	int		 wakefd;	/* the loop's eventfd: a new snapshot */
	struct nodehealth *health;
	size_t		 nhealth;
	struct wfig	 fig;
};

struct billingd {
	/* configuration: set in main, read-only once the threads run */
	struct conf	*conf;
	const char	*conf_path;
	char		 id[65];
	char		 listen[128];
	char		 spool_dir[1024];
	int		 raw_retention_h;
	int		 poll_timeout_ms;
	int		 flush_s;
	int		 writers;	/* connections a large batch is split over */
	int		 lease_s;
	int		 refresh_s;
	int64_t		 max_spread_s;
	int		 raw_spread_s;
	int		 minute_days, hour_days;
	int		 expiry_grace_h;
	uint64_t	 spool_max;
	uint64_t	 queue_max;
	size_t		 max_body;
	int		 down_after;	/* consecutive failures before "down" */
	int		 sla_node_down_s;	/* unreachable this long: its VEs are down (0: never) */
	int		 db_prefer;	/* first of [database] hosts to try (from 1) */

	struct loopstate  L;
	struct writerstate W;
	struct shared	  S;
	struct billingjobs B;
};

#endif
