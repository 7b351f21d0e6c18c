/*
 * The event loop: one epoll set for the agents' sockets, the /metrics
 * listener and its clients, the writer's wake-up eventfd and the signals.
 * Time is scheduled by absolute due times: the next tick is the next whole
 * second of the wall clock; between ticks the loop sleeps until the
 * earliest of that and the running polls' deadlines.  When the loop is
 * late by a second or more it does not burst through the missed ticks: it
 * clamps to the current second, counts the skipped ones and says so
 * (counters are cumulative, the next poll covers the gap).
 */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "billingd.h"

#define MAX_EVENTS	64
#define GC_S		600
#define OVERRUN_LOG_S	60
#define BUSY_FLUSHES	6

int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
loop_watch(struct billingd *bd, int fd, uint32_t events, struct evsrc *src, int add)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = src;
	return epoll_ctl(bd->L.ep, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev);
}

void
loop_unwatch(struct billingd *bd, int fd)
{
	epoll_ctl(bd->L.ep, EPOLL_CTL_DEL, fd, NULL);
}

int
loop_init(struct billingd *bd)
{
	sigset_t set;

	bd->L.sigfd = bd->L.wakefd = bd->L.lfd = -1;
	if ((bd->L.ep = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		log_warn("epoll_create1");
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
	bd->L.ev_sig.kind = EV_SIGNAL;
	bd->L.ev_wake.kind = EV_WAKE;
	if (loop_watch(bd, bd->L.sigfd, EPOLLIN, &bd->L.ev_sig, 1) == -1 ||
	    loop_watch(bd, bd->L.wakefd, EPOLLIN, &bd->L.ev_wake, 1) == -1) {
		log_warn("epoll_ctl");
		return -1;
	}
	return health_listen(bd);
}

void
loop_done(struct billingd *bd)
{
	peers_free(bd);
	health_close_all(bd);
	collect_free(bd);
	snapshot_free(bd->L.snap);
	bd->L.snap = NULL;
	if (bd->L.sigfd != -1)
		close(bd->L.sigfd);
	if (bd->L.wakefd != -1)
		close(bd->L.wakefd);
	if (bd->L.ep != -1)
		close(bd->L.ep);
}

/* The writer published a new node list and VE placement. */
static void
take_snapshot(struct billingd *bd)
{
	struct snapshot *s;
	uint64_t v;

	while (read(bd->L.wakefd, &v, sizeof(v)) > 0)
		;
	pthread_mutex_lock(&bd->S.mu);
	s = bd->S.snap;
	bd->S.snap = NULL;
	pthread_mutex_unlock(&bd->S.mu);
	if (s == NULL)
		return;
	peers_sync(bd, s);
	snapshot_free(bd->L.snap);
	bd->L.snap = s;
}

static void
on_signal(struct billingd *bd)
{
	struct signalfd_siginfo si;

	while (read(bd->L.sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_info("SIGHUP ignored: restart billingd to read its configuration");
			continue;
		}
		log_info("signal %u: stopping", si.ssi_signo);
		bd->L.quit = 1;
	}
}

/*
 * Hand the batch over every flush_s; while the writer is still busy with
 * the previous one, let the batch grow (up to BUSY_FLUSHES times as long):
 * a bigger batch costs the database fewer rollup and state rows per sample.
 */
static void
maybe_handoff(struct billingd *bd, int64_t t)
{
	int busy;

	if (t - bd->L.last_handoff < bd->flush_s)
		return;
	pthread_mutex_lock(&bd->S.mu);
	busy = bd->S.busy;
	pthread_mutex_unlock(&bd->S.mu);
	if (busy && t - bd->L.last_handoff < BUSY_FLUSHES * bd->flush_s)
		return;
	collect_handoff(bd, t);
}

/* One tick: the second t starts now. */
static void
tick(struct billingd *bd, int64_t t, int64_t now)
{
	bd->L.ticks++;
	maybe_handoff(bd, t);
	health_publish(bd);
	bd->L.last_tick_samples = bd->L.tick_samples;
	bd->L.tick_samples = 0;
	for (struct peer *p = bd->L.peers; p != NULL; p = p->next)
		peer_tick(bd, p, t, now);
	if (t - bd->L.last_gc >= GC_S) {
		collect_gc(bd, t);
		bd->L.last_gc = t;
	}
}

int
loop_run(struct billingd *bd)
{
	struct epoll_event ev[MAX_EVENTS];
	int64_t next, now, due, t, late;
	int n, wake;

	now = now_ms();
	next = (now / 1000 + 1) * 1000;
	bd->L.last_handoff = bd->L.last_gc = now / 1000;
	while (!bd->L.quit) {
		now = now_ms();
		if (next - now > 1000)
			next = (now / 1000 + 1) * 1000;	/* the clock stepped back */
		due = peers_next_deadline(bd);
		if (next < due)
			due = next;
		n = epoll_wait(bd->L.ep, ev, MAX_EVENTS, due > now ? (int)(due - now) : 0);
		if (n == -1 && errno != EINTR) {
			log_warn("epoll_wait");
			return -1;
		}
		now = now_ms();
		wake = 0;
		for (int i = 0; i < n; i++) {
			struct evsrc *src = ev[i].data.ptr;
			switch (src->kind) {
			case EV_PEER:
				peer_event(bd, src->p, ev[i].events, now);
				break;
			case EV_LISTEN:
				health_accept(bd, now);
				break;
			case EV_MCLIENT:
				health_client(bd, src->p, ev[i].events, now);
				break;
			case EV_WAKE:
				wake = 1;	/* after the loop: it may free peers */
				break;
			case EV_SIGNAL:
				on_signal(bd);
				break;
			}
		}
		if (wake)
			take_snapshot(bd);
		peers_expire(bd, now);
		health_expire(bd, now);
		if (now < next)
			continue;
		late = now - next;
		t = next / 1000;
		if (late >= 1000) {
			/* Clamp: poll once now rather than once per missed second. */
			bd->L.ticks_skipped += (uint64_t)(late / 1000);
			t = now / 1000;
			if (t - bd->L.overrun_logged >= OVERRUN_LOG_S) {
				log_warnx("loop late by %lld ms: %lld ticks skipped",
				    (long long)late, (long long)(late / 1000));
				bd->L.overrun_logged = t;
			}
		}
		bd->L.last_overrun_ms = late;
		if (late > 100)
			bd->L.overruns++;
		tick(bd, t, now);
		next = (now / 1000 + 1) * 1000;
	}
	/* Hand over what was collected; the writer applies or spools it. */
	collect_handoff(bd, now_ms() / 1000);
	return 0;
}
