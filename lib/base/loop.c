/*
 * The event loop (see loop.h).  File handlers live in an array indexed by
 * fd like ae.c's; timers in a small unsorted array: veagent has a handful
 * (sync, collect, disk scan, connection cron, curl), billingd one per
 * node's running poll and /metrics client, scanned once per round.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "util.h"

struct io {
	int		 mask;	/* 0: free slot */
	loop_io_fn	*fn;
	void		*arg;
};

struct timer {
	long long	 id;	/* 0: free slot */
	long long	 due;
	loop_timer_fn	*fn;
	void		*arg;
};

struct loop {
	int		 ep;
	struct io	*io;
	int		 nio;
	struct timer	*tm;
	size_t		 ntm;
	long long	 next_id;
	int		 stop;
};

long long
loop_now_ms(void)
{
	return vep_mono_us() / 1000;
}

long long
loop_wall_ms(void)
{
	return vep_wall_us() / 1000;
}

struct loop *
loop_new(void)
{
	struct loop *l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	if ((l->ep = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		free(l);
		return NULL;
	}
	l->next_id = 1;
	return l;
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	close(l->ep);
	free(l->io);
	free(l->tm);
	free(l);
}

/* Add or change fd's interest (LOOP_READ|LOOP_WRITE) in the epoll set; 0 or -1. */
static int
ep_ctl(struct loop *l, int op, int fd, int mask)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = (mask & LOOP_READ ? EPOLLIN : 0) | (mask & LOOP_WRITE ? EPOLLOUT : 0);
	ev.data.fd = fd;
	return epoll_ctl(l->ep, op, fd, &ev);
}

int
loop_io_add(struct loop *l, int fd, int mask, loop_io_fn *fn, void *arg)
{
	if (fd < 0)
		return -1;
	if (fd >= l->nio) {
		int n = l->nio ? l->nio : 64;
		struct io *p;

		while (n <= fd)
			n *= 2;
		if ((p = realloc(l->io, (size_t)n * sizeof(*p))) == NULL)
			return -1;
		memset(p + l->nio, 0, (size_t)(n - l->nio) * sizeof(*p));
		l->io = p;
		l->nio = n;
	}
	if (ep_ctl(l, EPOLL_CTL_ADD, fd, mask) == -1)
		return -1;
	/* A mask of 0 still marks the slot used: LOOP_READ|LOOP_WRITE bits + 4. */
	l->io[fd].mask = mask | 4;
	l->io[fd].fn = fn;
	l->io[fd].arg = arg;
	return 0;
}

int
loop_io_mod(struct loop *l, int fd, int mask)
{
	if (fd < 0 || fd >= l->nio || l->io[fd].mask == 0)
		return -1;
	if ((l->io[fd].mask & 3) == mask)
		return 0;
	if (ep_ctl(l, EPOLL_CTL_MOD, fd, mask) == -1)
		return -1;
	l->io[fd].mask = mask | 4;
	return 0;
}

void
loop_io_del(struct loop *l, int fd)
{
	if (fd < 0 || fd >= l->nio || l->io[fd].mask == 0)
		return;
	(void)epoll_ctl(l->ep, EPOLL_CTL_DEL, fd, NULL);
	memset(&l->io[fd], 0, sizeof(l->io[fd]));
}

long long
loop_timer_add(struct loop *l, long long delay_ms, loop_timer_fn *fn, void *arg)
{
	size_t i;

	for (i = 0; i < l->ntm; i++)
		if (l->tm[i].id == 0)
			break;
	if (i == l->ntm) {
		struct timer *p = realloc(l->tm, (l->ntm + 1) * sizeof(*p));
		if (p == NULL)
			return -1;
		l->tm = p;
		l->ntm++;
	}
	l->tm[i].id = l->next_id++;
	l->tm[i].due = loop_now_ms() + (delay_ms > 0 ? delay_ms : 0);
	l->tm[i].fn = fn;
	l->tm[i].arg = arg;
	return l->tm[i].id;
}

int
loop_timer_reset(struct loop *l, long long id, long long delay_ms)
{
	for (size_t i = 0; i < l->ntm; i++)
		if (l->tm[i].id == id) {
			l->tm[i].due = loop_now_ms() + (delay_ms > 0 ? delay_ms : 0);
			return 0;
		}
	return -1;
}

void
loop_timer_del(struct loop *l, long long id)
{
	for (size_t i = 0; i < l->ntm; i++)
		if (l->tm[i].id == id)
			l->tm[i].id = 0;
}

void
loop_stop(struct loop *l)
{
	l->stop = 1;
}

/* Milliseconds until the nearest timer, -1 when there is none. */
static int
next_timeout(struct loop *l, long long now)
{
	long long best = -1;

	for (size_t i = 0; i < l->ntm; i++) {
		if (l->tm[i].id == 0)
			continue;
		if (best == -1 || l->tm[i].due < best)
			best = l->tm[i].due;
	}
	if (best == -1)
		return -1;
	if (best <= now)
		return 0;
	return best - now > 60000 ? 60000 : (int)(best - now);
}

static void
run_timers(struct loop *l)
{
	/* Timers added while we run wait for the next round, as in ae.c. */
	long long maxid = l->next_id - 1;
	long long now = loop_now_ms();

	for (size_t i = 0; i < l->ntm; i++) {
		struct timer *t = &l->tm[i];
		long long id = t->id, next, start;

		if (id == 0 || id > maxid || t->due > now)
			continue;
		start = loop_now_ms();
		next = t->fn(l, id, t->arg);
		/* The callback may have grown the array: index again. */
		t = &l->tm[i];
		now = loop_now_ms();
		if (now - start > 50)
			log_debug("%s: timer %lld ran %lld ms", __func__, id, now - start);
		if (t->id != id)
			continue;	/* deleted itself */
		if (next < 0) {
			t->id = 0;
			continue;
		}
		t->due += next;
		if (t->due < now) {
			/* Late: clamp instead of running a burst of rounds. */
			t->due = now;
			if (next > 0)
				t->due = now + next;
		}
	}
}

int
loop_run(struct loop *l)
{
	struct epoll_event evs[64];

	while (!l->stop) {
		int n = epoll_wait(l->ep, evs, (int)(sizeof(evs) / sizeof(evs[0])),
		    next_timeout(l, loop_now_ms()));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_warn("%s: epoll_wait", __func__);
			return -1;
		}
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd, mask = 0;

			/* An earlier handler of this round may have closed fd. */
			if (fd >= l->nio || l->io[fd].mask == 0)
				continue;
			if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				mask |= LOOP_READ;
			if (evs[i].events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
				mask |= LOOP_WRITE;
			l->io[fd].fn(l, fd, mask, l->io[fd].arg);
		}
		run_timers(l);
	}
	return 0;
}
