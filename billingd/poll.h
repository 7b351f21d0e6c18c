/*
 * poll.c: the agents' HTTP clients and each node's health (loop thread).
 * A peer is one node polled by this billingd: its connection, its poll in
 * progress and its health state machine.
 */
#ifndef BILLINGD_POLL_H
#define BILLINGD_POLL_H

#include <stddef.h>
#include <stdint.h>

#include "complain.h"
#include "httpc.h"
#include "prom.h"
#include "snapshot.h"

struct billingd;

enum peer_health { PH_UNKNOWN, PH_UP, PH_FAILING, PH_DOWN };

/* The HTTP client's connection state of one node. */
enum conn { CONN_CLOSED, CONN_CONNECTING, CONN_SENDING, CONN_READING, CONN_IDLE };

struct peer {
	struct billingd	*bd;
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
	int64_t		 tick;		/* second being polled (wall clock) */
	long long	 deadline;	/* of the poll, monotonic ms */
	long long	 timer;		/* its timer in the loop; 0: none */
	/* health state machine: changed only in peer_set_health() */
	enum peer_health hs;
	unsigned	 fails;		/* consecutive failed polls */
	int64_t		 fail_since;	/* second of the first of them */
	int64_t		 next_try;	/* while down: second of the next attempt */
	int		 backoff;	/* seconds */
	int64_t		 last_poll_at, last_ok_at;
	int		 lag_ms;	/* tick to complete answer */
	char		 why[160];	/* last failure */
	struct complaint garbage;	/* malformed answers, once a minute */
	/* availability: a run of polls with no answer at all (lib/domain/sla.h) */
	int		 answered;	/* this poll got an HTTP answer, good or bad */
	int64_t		 unreach_since;	/* first second of the run; 0: none */
	int64_t		 outage_marked;	/* its seconds up to here are marked down */
	struct complaint outage;	/* the run, logged once */
	struct prom_set	 set;
	uint64_t	 polls_ok, polls_failed;
};

/* Make the peers match the snapshot's nodes (new, changed, gone). */
void	peers_sync(struct billingd *, const struct snapshot *);
/* Start every peer's poll of second t (unless down and backing off). */
void	peers_tick(struct billingd *, int64_t t);
void	peers_free(struct billingd *);
/* Publish each node's health for the writer (struct nodehealth). */
void	peers_publish(struct billingd *);
/* "unknown", "up", "failing", "down": as in nodes.state. */
const char *peer_health_name(enum peer_health);

#endif
