/*
 * collect.c: parsed answers to the batch (loop thread).  Each VE has one
 * metering state whichever node reports it.
 */
#ifndef BILLINGD_COLLECT_H
#define BILLINGD_COLLECT_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#include "meter.h"

struct billingd;
struct prom_set;

/* One VE's metering state in the loop. */
struct vstate {
	uint32_t	 ve;
	int		 have;		/* cur holds a sample */
	int		 known;		/* cur is the end of a batch handed over */
	long		 entry;		/* its entry in the current batch, or -1 */
	int64_t		 seen;		/* second of the last sample (for GC) */
	/* availability (lib/domain/sla.h) */
	long		 av;		/* its current record in the batch, or -1 */
	uint32_t	 av_node;	/* the node that last said whether it runs (0: none) */
	int		 av_active;	/* and that it was active (not suspended) */
	struct mcount	 cur;
	struct mip	*ip;
	size_t		 nip, cip;
};

struct vtable {
	struct vstate	*v;
	size_t		 n, cap;
	struct vep_idx	 idx;		/* VE id -> index in v */
};

/* Meter the answer node_id just gave (its parsed set) as the samples of t. */
void	collect_answer(struct billingd *, uint32_t node_id, const struct prom_set *, int64_t t);
/* Close the batch and queue it for the writer; 0, or -1 if it was dropped. */
int	collect_handoff(struct billingd *, int64_t now);
/*
 * The seconds t0..t1 of a whole-node outage: down for every VE last seen
 * active on node_id that is still placed there.
 */
void	collect_outage(struct billingd *, uint32_t node_id, int64_t t0, int64_t t1);
/* Forget VEs not seen for an hour. */
void	collect_gc(struct billingd *, int64_t now);
void	collect_free(struct billingd *);

#endif
