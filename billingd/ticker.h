/*
 * ticker.c: the loop thread.  One lib/base/loop.c event loop (monotonic
 * timers) carries the agents' sockets, the /metrics server, the writer's
 * wake-up and the signals; a timer ticks on each whole second of the wall
 * clock (samples are dated by it) and hands batches to the writer.
 */
#ifndef BILLINGD_TICKER_H
#define BILLINGD_TICKER_H

struct billingd;

/* Make the loop, signalfd, eventfd and /metrics server; 0 or -1. */
int	ticker_init(struct billingd *);
/* Tick, poll and serve until SIGTERM/SIGINT; hands over the last batch. */
int	ticker_run(struct billingd *);
void	ticker_done(struct billingd *);

#endif
