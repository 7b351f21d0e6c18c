/*
 * rollup: spans of usage to the rows of the raw, minute, hour, day, per
 * address hour and totals tables.  Pure (no database): each span's deltas
 * are spread over its seconds with meter_share(), so a span crossing a
 * minute, hour or day boundary splits exactly, and rows of one key are
 * merged so each key is written once per batch.
 */
#ifndef BILLINGD_ROLLUP_H
#define BILLINGD_ROLLUP_H

#include <stddef.h>
#include <stdint.h>

#include "db_usage.h"
#include "meter.h"

extern const int64_t rollup_width[DU__LEVELS];	/* 60, 3600, 86400 */

struct rspan {
	uint32_t		 ve;
	const struct mspan	*s;
	const struct mip	*ip;	/* address deltas */
	size_t			 nip;
};

struct rollup_opt {
	int64_t		 raw_from;	/* first second for raw rows (INT64_MAX: none) */
	int64_t		 raw_spread;	/* raw rows for at most the last n seconds of a span */
	int64_t		 from[DU__LEVELS];	/* buckets starting earlier are not kept */
};

struct rollup {
	struct du_raw	*raw;
	size_t		 nraw, craw;
	struct du_ip	*rawip;
	size_t		 nrawip, crawip;
	struct du_roll	*roll[DU__LEVELS];
	size_t		 nroll[DU__LEVELS], croll[DU__LEVELS];
	struct du_ip	*iph;
	size_t		 niph, ciph;
	struct du_total	*tot;
	size_t		 ntot, ctot;
};

/* Row order by VE (its 8 hex digits), then time: <0, 0 or >0 as for qsort. */
int	rollup_key_cmp(const char *va, long long ta, const char *vb, long long tb);

void	rollup_init(struct rollup *);
void	rollup_free(struct rollup *);
/* Replace r's rows by those of the spans; 0, or -1 when out of memory. */
int	rollup_build(struct rollup *, const struct rspan *, size_t n,
	    const struct rollup_opt *);

#endif
