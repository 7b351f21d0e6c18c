/*
 * The figures a VE's usage chart draws, one per bucket: every metric as an
 * average over the seconds the bucket covers, in one unit whatever the
 * bucket's length (CPU in bogomips, memory and disk in bytes, traffic in
 * bit/s), so the minute, hour and day charts agree for the same time.
 * The bucket that is still filling (it holds now) covers only the seconds
 * up to its last sample: it is averaged over those, never over its whole
 * length (that drew a false dip at every chart's end), and is marked
 * partial for the drawing.  Pure: no database, no web.
 */
#ifndef VEP_VECHART_RATE_H
#define VEP_VECHART_RATE_H

#include <stddef.h>

#include "db_ve.h"	/* struct ve_point (a row of usage_minute/hour/day) */

enum vechart_metric { MET_CPU, MET_VMEM, MET_DISK, MET_NET, MET__MAX };

/*
 * Fill a[0..nb) (and b, traffic out, for MET_NET) from the n points, the
 * buckets starting at from, step seconds long; NAN where nothing was
 * recorded.  bogomips is the node's per CPU; since the VE's creation (a
 * bucket it was created in is averaged over the seconds it existed).
 * Returns 1 when the last bucket holds now (still filling: partial), else 0.
 */
int	vechart_rates(const struct ve_point *pts, size_t n, enum vechart_metric m,
	    long long bogomips, long long from, long long step, size_t nb, long long since,
	    long long now, double *a, double *b);

#endif
