/*
 * db_history: a VE's usage history as points, one per bucket of a step
 * (SPEC sections 5 and 6), read from the tables billingd writes
 * (db/migrations/0002_usage.sql): usage_raw for seconds, usage_minute,
 * usage_hour and usage_day for the rollups.
 *
 * Whatever the range, a history costs one range read on the primary key
 * (ve_id, t) of one table, never a finer one, plus for gauges one
 * indexed look back for the last value before the range.  The bucket
 * arithmetic and the filling of empty buckets are pure functions (hist_*)
 * so they are unit-tested without a database.
 *
 * Values per bucket: cpu in milliseconds of CPU time (user + system,
 * rounded down); net_in, net_out, net_total in bytes; disk the average
 * bytes and vmem the average MB (10^6 bytes) over the bucket's samples,
 * rounded down.  A bucket without data is 0 for the counters and the last
 * value known before it for the gauges (0 if none): it is "filled".
 */
#ifndef VEP_DB_HISTORY_H
#define VEP_DB_HISTORY_H

#include <stddef.h>

struct db;

#define HIST_MAX_POINTS	100000	/* most points one history answers */

enum hist_metric {
	HIST_DISK, HIST_CPU, HIST_VMEM, HIST_NET_IN, HIST_NET_OUT, HIST_NET_TOTAL,
	HIST__METRICS
};
enum hist_step { HIST_SECOND, HIST_MINUTE, HIST_HOUR, HIST_DAY, HIST__STEPS };

struct hist_point {
	long long	 t;		/* bucket start, epoch seconds UTC */
	long long	 v;		/* in hist_unit(metric) */
	int		 filled;	/* no data in the bucket: 0 or carried forward */
};

/* Names as the API spells them; parse returns 0, or -1 for an unknown name. */
int		 hist_metric_parse(const char *, enum hist_metric *);
int		 hist_step_parse(const char *, enum hist_step *);
const char	*hist_metric_name(enum hist_metric);
const char	*hist_step_name(enum hist_step);
/* "ms", "bytes" or "MB". */
const char	*hist_unit(enum hist_metric);
/* Is the metric a gauge (disk, vmem) rather than a counter? */
int		 hist_is_gauge(enum hist_metric);
/* 1, 60, 3600 or 86400. */
long long	 hist_step_seconds(enum hist_step);
/* The start of the bucket that holds t (t >= 0). */
long long	 hist_align(long long t, enum hist_step);
/*
 * How many buckets from the aligned start from_al up to the one holding
 * now (included), at most count: 0 when from_al is after now.
 */
size_t		 hist_npoints(long long from_al, enum hist_step, long long count, long long now);

/* One stored bucket (a rollup row, or a raw second with samples 0 or 1). */
struct hist_row {
	long long	 t;
	long long	 cpu_us;		/* user + system */
	long long	 net_in, net_out;
	long long	 vmem_sum, disk_sum;	/* bytes, summed over samples */
	long long	 samples;
	long long	 vmem_last, disk_last;	/* bytes at the bucket's last sample */
};

/*
 * Turning rows into points.  start: pts[0..n) will be the buckets from
 * from_al on; carry (bytes) is the gauge's last value before from_al when
 * have_carry.  row: feed the rows in ascending t; rows outside the range
 * or out of order are ignored.  end: complete the buckets no row covered;
 * returns 1 if any point was filled, else 0.
 */
struct hist_fill {
	enum hist_metric	 metric;
	enum hist_step		 step;
	long long		 from;
	struct hist_point	*pts;		/* borrowed from the caller */
	size_t			 n, next;
	size_t			 lead;		/* points before the first sampled row */
	long long		 carry;
	int			 have_carry, filled, sampled;
};
void		 hist_fill_start(struct hist_fill *, enum hist_metric, enum hist_step,
		    long long from_al, struct hist_point *pts, size_t n,
		    int have_carry, long long carry);
void		 hist_fill_row(struct hist_fill *, const struct hist_row *);
int		 hist_fill_end(struct hist_fill *);
/*
 * After end: the gauge's carry learnt late (bytes) for the points filled
 * before the first sampled row (what start with have_carry would give).
 * Does the fill need it: some point lies before the first sampled row?
 */
void		 hist_fill_carry(struct hist_fill *, long long carry);
int		 hist_fill_wants_carry(const struct hist_fill *);

/*
 * The history of VE ve_id: up to count points from the bucket holding
 * from, stopping at the bucket holding now, into the caller's pts (cap
 * points at most).  *npts is the number of points written, *filled 1 if
 * any was filled, *exists 0 (and no points) if there is no VE ve_id in
 * any state.  Returns DB_OK or an enum db_rc.  Usually one statement: the
 * VE's existence is read with the range, a gauge's value from before the
 * range only when a point before the first sampled row needs it.
 */
int		 db_history_get(struct db *, const char *ve_id, enum hist_metric,
		    enum hist_step, long long from, long long count, long long now,
		    struct hist_point *pts, size_t cap, size_t *npts, int *filled,
		    int *exists);

/* Is there a VE ve_id (in any state)?  1 yes, 0 no, < 0 an enum db_rc. */
int		 db_history_ve_exists(struct db *, const char *ve_id);

#endif
