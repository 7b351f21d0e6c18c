/*
 * mserver.c: a tiny HTTP/1.x server for GET /metrics on the loop, knowing
 * nothing of what it serves (a render callback writes the body).
 * Bounded so that idle or slow clients cannot starve a scraper: each
 * connection has a whole-request deadline (idle_ms); at max_clients the
 * oldest connection that has not sent its request yet is closed to make
 * room; on EMFILE/ENFILE the listener pauses (as OpenBSD's slowcgi does)
 * instead of spinning.
 */
#ifndef BILLINGD_MSERVER_H
#define BILLINGD_MSERVER_H

#include <stddef.h>
#include <stdint.h>

struct loop;
struct buf;
struct mserver;

typedef void	mserver_render_fn(struct buf *, void *arg);

struct mserver_limits {
	unsigned	 max_clients;
	long long	 req_ms;	/* connect to complete request */
	long long	 write_ms;	/* then to the answer sent */
	long long	 pause_ms;	/* listener pause when out of descriptors */
};

/* Listen on "ADDR:PORT"; NULL with err filled. */
struct mserver *mserver_new(struct loop *, const char *addr, const struct mserver_limits *,
	    mserver_render_fn *, void *arg, char *err, size_t errlen);
void	mserver_free(struct mserver *);
/* Figures: clients closed to make room, listener pauses. */
uint64_t mserver_evicted(const struct mserver *);
uint64_t mserver_pauses(const struct mserver *);

#endif
