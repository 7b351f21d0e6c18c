/*
 * billingd: polls every node agent once a second and turns the agents'
 * cumulative counters into usage history (SPEC sections 7 and 8).
 *
 * Two threads share one context, struct billingd, made in main():
 *   - the loop (loop.c): one epoll loop that ticks on each whole second of
 *     the wall clock, polls all nodes concurrently (poll.c), parses and
 *     meters the answers (prom.c, meter.c, collect.c) into a batch, serves
 *     its own /metrics (health.c), and every flush_s hands the batch over;
 *   - the writer (writer.c): the only thread that talks to MariaDB.  It
 *     applies batches (flush.c), spools them when the database is away
 *     (spool.c) and runs the periodic jobs: leases and the node list
 *     (lease.c), node health, retention and VE expiry (retention.c).
 * A slow database therefore never delays a poll, and a slow agent never
 * delays another: each is a state machine of its own.
 * What the two threads share is in struct shared, under its mutex.
 */
#ifndef BILLINGD_H
#define BILLINGD_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "batch.h"
#include "meter.h"
#include "prom.h"
#include "spool.h"
#include "httpc.h"

struct conf;
struct db;

/* What an epoll event points at. */
enum evkind { EV_PEER, EV_LISTEN, EV_MCLIENT, EV_WAKE, EV_SIGNAL };
struct evsrc {
	enum evkind	 kind;
	void		*p;
};

/* A node as the writer last read it from the database. */
struct nodeinfo {
	uint32_t		 id;
	char			 name[65];
	char			 url[256];
	struct sockaddr_storage	 sa;
	socklen_t		 salen;	/* 0: the URL could not be resolved */
	char			 hostport[300];
	char			 path[256];
};

/* VE id -> node id, for dropping samples of VEs placed elsewhere. */
struct vemap {
	uint32_t	*key;	/* VE id */
	uint32_t	*node;	/* node id; 0: empty slot */
	size_t		 cap;	/* power of two */
	size_t		 n;
};

/* The writer's view of the database, handed to the loop whole. */
struct snapshot {
	struct nodeinfo	*nodes;
	size_t		 nnodes;
	struct vemap	 assign;
};

/* Health of one node, published by the loop for the writer to store. */
enum peer_health { PH_UNKNOWN, PH_UP, PH_FAILING, PH_DOWN };
struct nodehealth {
	uint32_t	 id;
	enum peer_health state;
	int64_t		 last_poll_at, last_ok_at;
	int		 lag_ms;
};

/* The HTTP client's connection state of one node. */
enum conn { CONN_CLOSED, CONN_CONNECTING, CONN_SENDING, CONN_READING, CONN_IDLE };

struct peer {
	struct evsrc	 ev;
	struct peer	*next;
	struct nodeinfo	 ni;
	int		 stale;		/* not in the latest node list */
	/* connection */
	int		 fd;
	enum conn	 cs;
	int		 reused;	/* request went on a kept-alive connection */
	char		 auth[300];	/* "Authorization: Bearer <node token>\r\n" or "" */
	char		 req[1200];
	size_t		 reqlen, sent;
	char		*in;
	size_t		 inlen, incap;
	struct httpc	 hr;
	int64_t		 tick;		/* second being polled */
	int64_t		 started_ms, deadline_ms;
	/* health state machine: changed only in peer_set_health() */
	enum peer_health hs;
	unsigned	 fails;		/* consecutive failed polls */
	int64_t		 fail_since;	/* second of the first of them */
	int64_t		 next_try;	/* while down: second of the next attempt */
	int		 backoff;	/* seconds */
	int64_t		 last_poll_at, last_ok_at;
	int		 lag_ms;
	char		 why[160];	/* last failure */
	int64_t		 garbage_logged;	/* rate limit of parse errors */
	unsigned	 garbage_quiet;
	/* availability: a run of polls with no answer at all (lib/domain/sla.h) */
	int		 answered;	/* this poll got an HTTP answer, good or bad */
	int64_t		 unreach_since;	/* first second of the run; 0: none */
	int64_t		 outage_marked;	/* its seconds up to here are marked down */
	int64_t		 outage_logged;	/* the run last logged (its unreach_since) */
	struct prom_set	 set;
	uint64_t	 polls_ok, polls_failed;
};

/* One VE's metering state in the loop. */
struct vstate {
	uint32_t	 ve;
	int		 have;		/* cur holds a sample */
	int		 known;		/* cur is the end of a batch handed over */
	long		 entry;		/* its entry in the current batch, or -1 */
	int64_t		 seen;		/* second of the last sample (for GC) */
	/* availability (lib/domain/sla.h) */
	long		 av;		/* its current record in the batch, or -1 */
	uint32_t	 av_node;	/* the node that last said whether it runs (0: none) */
	int		 av_active;	/* and that it was active (not suspended) */
	struct mcount	 cur;
	struct mip	*ip;
	size_t		 nip, cip;
};

struct vtable {
	struct vstate	*v;
	size_t		 n, cap;
	uint32_t	*slot;		/* index + 1 */
	size_t		 nslot;
};

struct mclient;

/* The loop's own state: touched by the loop thread only. */
struct loopstate {
	int		 ep, sigfd, wakefd, lfd;
	struct evsrc	 ev_sig, ev_wake, ev_listen;
	struct peer	*peers;
	struct mclient	*clients;
	size_t		 nclients;
	struct snapshot	*snap;
	struct vtable	 vt;
	struct batch	*cur;
	int64_t		 last_handoff;
	int64_t		 last_gc;
	int		 quit;
	/* figures for /metrics */
	uint64_t	 polls_ok, polls_failed, transitions;
	uint64_t	 samples, ignored, stale;
	uint64_t	 tick_samples, last_tick_samples;
	int64_t		 last_overrun_ms;
	uint64_t	 ticks, overruns, ticks_skipped;
	uint64_t	 batches_made, batches_lost;
	uint64_t	 avail_seconds[4];	/* VE-seconds: up, down, suspended, node outage */
	int64_t		 overrun_logged;
};

/* The writer's own state: touched by the writer thread only. */
struct writerstate {
	struct db	*db;
	int		 db_up;
	int64_t		 down_since;
	int64_t		 next_connect;
	struct spool	 spool;
	int		 spool_ok;
	int		 spool_full;	/* appends failing: logged once */
	struct batch	*pend, *pend_tail;	/* neither applied nor spooled */
	size_t		 pend_bytes;
	uint64_t	 last_seq;
	unsigned	 fail_count;	/* failures of the batch at the head */
	int64_t		 next_lease, next_health, next_life, next_retention;
	struct snapshot	*prev;		/* for resolving only changed URLs */
	int		 queue_full_logged;
};

/* The writer's figures, for /metrics. */
struct wfig {
	int		 db_up;
	uint64_t	 spool_bytes, pend_bytes;
	uint64_t	 applied, spooled, replayed, dropped, conflicts;
	uint64_t	 write_us;		/* time spent in applied batches */
	uint64_t	 spans, rows;		/* written by them */
	int64_t		 committed_t;		/* latest sample committed */
	uint64_t	 late;			/* (VE, invoiced month) marks written */
};

/* Between the loop and the writer, under mu. */
struct shared {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct batch	*q, *q_tail;	/* batches for the writer */
	size_t		 q_bytes, q_n;
	int		 busy;		/* the writer is still on the last hand-over */
	int		 stop;
	struct snapshot	*snap;		/* new one for the loop, or NULL */
	struct nodehealth *health;
	size_t		 nhealth;
	struct wfig	 fig;
};

/* The billing jobs thread's state (billing.c). */
struct billingjobs {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 stop;
	int		 done_year, done_month;	/* last automatic invoice run */
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

/* loop.c: the epoll loop (loop thread). */
/* Make the epoll set, signalfd, eventfd and /metrics listener; 0 or -1. */
int	loop_init(struct billingd *);
/* Tick, poll and serve until SIGTERM/SIGINT; hands over the last batch. */
int	loop_run(struct billingd *);
void	loop_done(struct billingd *);
/* Wall-clock milliseconds. */
int64_t	now_ms(void);
/* Add (add 1) or change the events of fd, pointing at src; 0 or -1. */
int	loop_watch(struct billingd *, int fd, uint32_t events, struct evsrc *, int add);
void	loop_unwatch(struct billingd *, int fd);

/* poll.c: the agents' HTTP clients and health (loop thread). */
/* Make the peers match the snapshot's nodes (new, changed, gone). */
void	peers_sync(struct billingd *, const struct snapshot *);
/* Start the poll of second t (unless down and backing off). */
void	peer_tick(struct billingd *, struct peer *, int64_t t, int64_t now);
/* The peer's socket is ready. */
void	peer_event(struct billingd *, struct peer *, uint32_t events, int64_t now);
/* Fail the polls past their deadline; the earliest running deadline. */
void	peers_expire(struct billingd *, int64_t now);
int64_t	peers_next_deadline(struct billingd *);
void	peers_free(struct billingd *);
/* "unknown", "up", "failing", "down": as in nodes.state. */
const char *peer_health_name(enum peer_health);

/* collect.c: answers to the batch (loop thread). */
/* Meter the answer the peer just parsed (its set) as the samples of t. */
void	collect_answer(struct billingd *, struct peer *, int64_t t);
/* Close the batch and queue it for the writer; 0, or -1 if it was dropped. */
int	collect_handoff(struct billingd *, int64_t now);
/*
 * The seconds t0..t1 of a whole-node outage: down for every VE last seen
 * active on node_id that is still placed there.
 */
void	collect_outage(struct billingd *, uint32_t node_id, int64_t t0, int64_t t1);
/* Forget VEs not seen for an hour. */
void	collect_gc(struct billingd *, int64_t now);
void	collect_free(struct billingd *);
/* The node a VE is placed on, 0 if none; put returns 0 or -1. */
uint32_t vemap_get(const struct vemap *, uint32_t ve);
int	vemap_put(struct vemap *, uint32_t ve, uint32_t node);
void	vemap_free(struct vemap *);
void	snapshot_free(struct snapshot *);

/* health.c: /metrics (loop thread) and nodes' health (both). */
int	health_listen(struct billingd *);
void	health_accept(struct billingd *, int64_t now);
void	health_client(struct billingd *, struct mclient *, uint32_t events, int64_t now);
void	health_expire(struct billingd *, int64_t now);
void	health_close_all(struct billingd *);
/* Loop: publish each node's health for the writer. */
void	health_publish(struct billingd *);
/* Writer: store the published health in the nodes table. */
void	health_store(struct billingd *);

/*
 * billing.c: the billing jobs' thread (arg: the struct billingd), on its own
 * database connection so a long invoice run never delays a batch.
 */
void	*billing_main(void *);
/* Wake the billing thread and make it return. */
void	billing_stop(struct billingd *);

/* writer.c: the writer thread's body (arg: the struct billingd). */
void	*writer_main(void *);
/* Publish the writer's figures for /metrics. */
void	writer_stats(struct billingd *);

/* flush.c: one batch into the database (writer thread). */
enum flush_rc {
	FLUSH_OK,	/* committed */
	FLUSH_SKIPPED,	/* a replayed batch that was applied before */
	FLUSH_DB,	/* the database went away: spool it */
	FLUSH_BAD,	/* refused: try again later, drop after a few tries */
};
/* replay: the batch comes from the spool (keep its sequence number). */
enum flush_rc flush_apply(struct billingd *, struct batch *, int replay);

/* lease.c (writer thread): renew and take leases, publish a snapshot; a db_rc. */
int	lease_round(struct billingd *);
/* Give every lease back (clean exit). */
void	lease_release(struct billingd *);

/* retention.c (writer thread): partitions and rollup pruning; VE expiry. */
void	retention_run(struct billingd *, int64_t now);
void	lifecycle_run(struct billingd *, int64_t now);

#endif
