/*
 * "Complain once, report recovery once" (after collectd's c_complain and
 * c_release).  A condition that keeps failing is logged when it starts and
 * then at most once per interval (with the count of the failures not
 * logged meanwhile); when it clears, one line says it is over and for how
 * long it lasted.  Replaces the ad-hoc "*_logged" flags of each daemon.
 * A struct complaint starts zeroed; the caller passes its own clock (in
 * seconds, or any unit it keeps consistent), so tests can drive it.
 */
#ifndef VEP_COMPLAIN_H
#define VEP_COMPLAIN_H

#include <stdint.h>

struct complaint {
	int		 on;		/* a run of failures is going */
	int64_t		 since;		/* its first failure */
	int64_t		 last;		/* when it was last logged */
	unsigned	 quiet;		/* failures not logged since then */
	unsigned	 runs;		/* runs started */
};

/*
 * A failure at now.  Logs (as a warning) if this starts a run, or if the
 * run's last line is interval or more old (interval 0: only at the start);
 * then " (N more since)" is appended.  Returns 1 when it logged.
 */
int	complain(struct complaint *, int64_t now, int64_t interval, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
/*
 * The condition holds again at now.  Logs (as info) once, if a run was
 * going, with " after N" (now minus the run's start) appended; returns 1
 * when it logged.  A release with no run going does nothing.
 */
int	complain_release(struct complaint *, int64_t now, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* 1 while a run of failures is going. */
int	complaining(const struct complaint *);

#endif
