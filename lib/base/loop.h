/*
 * The daemons' one event loop (veagent, billingd), in the manner of redis'
 * ae.c: file events on epoll (level-triggered) and a short list of timers
 * with absolute due times on the monotonic clock (a wall-clock step never
 * moves a timer; a daemon that needs wall-clock dates, like billingd's
 * ticks, computes its delays from the wall clock itself).  Each round computes the nearest due time, waits on epoll with
 * that timeout, dispatches ready descriptors, then runs the due timers.
 */
#ifndef VEP_LOOP_H
#define VEP_LOOP_H

#define LOOP_READ	1
#define LOOP_WRITE	2

struct loop;

/* Called with the ready mask (LOOP_READ|LOOP_WRITE, errors as both). */
typedef void	loop_io_fn(struct loop *, int fd, int mask, void *arg);
/*
 * A timer callback returns the delay in ms until it should run again, or
 * -1 to be deleted.  The next due time is the previous due time plus that
 * delay; a round that ran late is clamped to now instead of bursting.
 * A callback that moved its own timer with loop_timer_reset() returns 0.
 */
typedef long long loop_timer_fn(struct loop *, long long id, void *arg);

/* NULL on failure (errno set). */
struct loop	*loop_new(void);
void		 loop_free(struct loop *);
/* Monotonic milliseconds: for timers and deadlines. */
long long	 loop_now_ms(void);
/* Wall-clock milliseconds since the epoch: for dates, never for timers. */
long long	 loop_wall_ms(void);
/* Register fd (the caller keeps owning it); 0 or -1. */
int		 loop_io_add(struct loop *, int fd, int mask, loop_io_fn *, void *);
/* Change the mask of a registered fd; 0 or -1. */
int		 loop_io_mod(struct loop *, int fd, int mask);
/* Forget fd; call before closing it.  Safe for unknown fds. */
void		 loop_io_del(struct loop *, int fd);
/* A timer first due after delay_ms; returns its id (> 0) or -1. */
long long	 loop_timer_add(struct loop *, long long delay_ms, loop_timer_fn *, void *);
/* Move a timer's due time to now + delay_ms; 0 or -1 when unknown. */
int		 loop_timer_reset(struct loop *, long long id, long long delay_ms);
void		 loop_timer_del(struct loop *, long long id);
/* Run until loop_stop(); 0, or -1 when epoll fails. */
int		 loop_run(struct loop *);
void		 loop_stop(struct loop *);

#endif
