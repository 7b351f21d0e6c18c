/*
 * The loop thread (see ticker.h).  Time: the loop's timers are monotonic
 * (poll deadlines, /metrics clients), but samples are dated by whole
 * seconds of the wall clock, so the tick timer computes each delay from
 * the wall clock: due at the next whole second.  When the loop is late by
 * a second or more (or the wall clock jumped ahead) it does not burst
 * through the missed ticks: it clamps to the current second, counts the
 * skipped ones and says so once a minute (counters are cumulative, the
 * next poll covers the gap).  A wall clock that stepped back realigns the
 * ticks; seconds already metered are counted as stale samples.
 */
#include <sys/eventfd.h>
#include <sys/signalfd.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "log.h"
#include "loop.h"
#include "billingd.h"
#include "collect.h"
#include "figures.h"
#include "mserver.h"
#include "poll.h"
#include "snapshot.h"
#include "ticker.h"

#define GC_S		600
#define OVERRUN_LOG_S	60
#define BUSY_FLUSHES	6
#define WRITE_SHARE	2	/* a batch spans at least this many times the last one's write */

/* /metrics: room for many scrapers; a silent client keeps a slot 1 s at most. */
static const struct mserver_limits metrics_limits = {
	.max_clients = 64, .req_ms = 1000, .write_ms = 2000, .pause_ms = 1000,
};

/* The writer published a new node list and VE placement. */
static void
on_wake(struct loop *l, int fd, int mask, void *arg)
{
	struct billingd *bd = arg;
	struct snapshot *s;
	uint64_t v;

	(void)l;
	(void)mask;
	while (read(fd, &v, sizeof(v)) > 0)
		;
	pthread_mutex_lock(&bd->S.mu);
	s = bd->S.snap;
	bd->S.snap = NULL;
	if (s != NULL)
		/* The open batch, if any, is numbered next when handed over. */
		bd->L.fig.fence = bd->S.handed +
		    (bd->L.cur != NULL && (bd->L.cur->ne > 0 || bd->L.cur->nav > 0));
	pthread_mutex_unlock(&bd->S.mu);
	if (s == NULL)
		return;
	peers_sync(bd, s);
	snapshot_free(bd->L.snap);
	bd->L.snap = s;
	bd->L.fig.snapshots++;
}

static void
on_signal(struct loop *l, int fd, int mask, void *arg)
{
	struct signalfd_siginfo si;

	(void)mask;
	(void)arg;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_info("SIGHUP ignored: restart billingd to read its configuration");
			continue;
		}
		log_info("signal %u: stopping", si.ssi_signo);
		loop_stop(l);
	}
}

/*
 * Hand the batch over every flush_s; while the writer is still busy with
 * the previous one, let the batch grow (up to BUSY_FLUSHES times as long):
 * a bigger batch costs the database fewer rollup and state rows per sample.
 * The batch also grows before the writer falls behind: it spans at least
 * WRITE_SHARE times the last batch's write time (within the same bound),
 * so the writer is busy half the time at most and the database's other
 * clients (the history API on the same cores) keep the rest.  A small
 * install, whose batches write in milliseconds, hands over every flush_s.
 */
static void
maybe_handoff(struct billingd *bd, int64_t t)
{
	int64_t want = bd->flush_s, most = BUSY_FLUSHES * bd->flush_s, share;
	uint64_t last_us;
	int busy;

	if (t - bd->L.last_handoff < want)
		return;
	pthread_mutex_lock(&bd->S.mu);
	busy = bd->S.busy;
	last_us = bd->S.fig.last_write_us;
	pthread_mutex_unlock(&bd->S.mu);
	share = (int64_t)((last_us * WRITE_SHARE + 999999) / 1000000);
	if (share > want)
		want = share < most ? share : most;
	if ((busy || t - bd->L.last_handoff < want) && t - bd->L.last_handoff < most)
		return;
	collect_handoff(bd, t);
}

/* One tick: the second t starts now. */
static void
tick(struct billingd *bd, int64_t t)
{
	bd->L.fig.ticks++;
	maybe_handoff(bd, t);
	peers_publish(bd);
	bd->L.fig.last_tick_samples = bd->L.fig.tick_samples;
	bd->L.fig.tick_samples = 0;
	peers_tick(bd, t);
	if (t - bd->L.last_gc >= GC_S) {
		collect_gc(bd, t);
		bd->L.last_gc = t;
	}
}

static long long
tick_due(struct loop *l, long long id, void *arg)
{
	struct billingd *bd = arg;
	int64_t now = loop_wall_ms(), late, t;

	if (now < bd->L.next_tick) {
		if (bd->L.next_tick - now > 1000)	/* the wall clock stepped back */
			bd->L.next_tick = (now / 1000 + 1) * 1000;
		(void)loop_timer_reset(l, id, bd->L.next_tick - now);
		return 0;
	}
	late = now - bd->L.next_tick;
	t = bd->L.next_tick / 1000;
	if (late >= 1000) {
		/* Clamp: poll once now rather than once per missed second. */
		bd->L.fig.ticks_skipped += (uint64_t)(late / 1000);
		t = now / 1000;
		complain(&bd->L.overrun, t, OVERRUN_LOG_S, "loop late by %lld ms: %lld ticks skipped",
		    (long long)late, (long long)(late / 1000));
	} else
		complain_release(&bd->L.overrun, t, "loop on time again");
	bd->L.fig.last_overrun_ms = late;
	if (late > 100)
		bd->L.fig.overruns++;
	tick(bd, t);
	now = loop_wall_ms();
	bd->L.next_tick = (now / 1000 + 1) * 1000;
	(void)loop_timer_reset(l, id, bd->L.next_tick - now);
	return 0;
}

int
ticker_init(struct billingd *bd)
{
	char err[256];
	sigset_t set;
	int64_t now;

	bd->L.sigfd = bd->L.wakefd = bd->S.wakefd = -1;
	if ((bd->L.loop = loop_new()) == NULL) {
		log_warn("event loop");
		return -1;
	}
	/* Signals were blocked in main before the writer started. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if ((bd->L.sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1 ||
	    (bd->L.wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		log_warn("signalfd/eventfd");
		return -1;
	}
	bd->S.wakefd = bd->L.wakefd;
	if (loop_io_add(bd->L.loop, bd->L.sigfd, LOOP_READ, on_signal, bd) == -1 ||
	    loop_io_add(bd->L.loop, bd->L.wakefd, LOOP_READ, on_wake, bd) == -1) {
		log_warn("event loop");
		return -1;
	}
	if (bd->listen[0] != '\0' && (bd->L.metrics = mserver_new(bd->L.loop, bd->listen,
	    &metrics_limits, figures_render, bd, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		return -1;
	}
	now = loop_wall_ms();
	bd->L.next_tick = (now / 1000 + 1) * 1000;
	bd->L.last_handoff = bd->L.last_gc = now / 1000;
	if ((bd->L.tick_timer = loop_timer_add(bd->L.loop, bd->L.next_tick - now,
	    tick_due, bd)) == -1) {
		log_warn("event loop");
		return -1;
	}
	return 0;
}

int
ticker_run(struct billingd *bd)
{
	int rc = loop_run(bd->L.loop);

	/* Hand over what was collected; the writer applies or spools it. */
	collect_handoff(bd, loop_wall_ms() / 1000);
	return rc;
}

void
ticker_done(struct billingd *bd)
{
	peers_free(bd);
	mserver_free(bd->L.metrics);
	bd->L.metrics = NULL;
	collect_free(bd);
	snapshot_free(bd->L.snap);
	bd->L.snap = NULL;
	if (bd->L.loop != NULL) {
		if (bd->L.tick_timer > 0)
			loop_timer_del(bd->L.loop, bd->L.tick_timer);
		if (bd->L.sigfd != -1)
			loop_io_del(bd->L.loop, bd->L.sigfd);
		if (bd->L.wakefd != -1)
			loop_io_del(bd->L.loop, bd->L.wakefd);
	}
	if (bd->L.sigfd != -1)
		close(bd->L.sigfd);
	if (bd->L.wakefd != -1)
		close(bd->L.wakefd);
	loop_free(bd->L.loop);
	bd->L.loop = NULL;
}
