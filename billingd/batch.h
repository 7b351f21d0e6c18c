/*
 * batch: the usage collected between two flushes, in the form that is both
 * written to the database and appended to the spool.  Per VE one entry:
 * the state the usage starts from (head), the state it ends at (end), and
 * the spans between.  "known" says head is a state we believe committed
 * (the end of our previous batch); otherwise head is the VE's first sample
 * since billingd started (or since a batch was lost) and the database's
 * state decides what the first span is (meter_plan).  Keeping head and end
 * is what makes a lost, replayed or conflicting batch harmless.
 *
 * Beside the usage, a batch carries the availability observed (struct
 * bavail: per VE and minute, one bit per second seen and up).  Those are
 * written as a bitwise OR, so they need no head or end: a second is
 * counted once however often its batch is applied.
 */
#ifndef BILLINGD_BATCH_H
#define BILLINGD_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "meter.h"

#define BATCH_MAX_IPS	128	/* addresses kept in one VE's state */

#define BE_KNOWN	0x1u	/* head is our last committed state */
#define BE_IPS_RESET	0x2u	/* a reset inside the batch: replace address state */
#define BE__ALL		0x3u

struct bentry {
	uint32_t	 ve;
	uint32_t	 flags;
	struct mcount	 head, end;
	uint32_t	 head_ip, head_nip;	/* in batch->ip */
	uint32_t	 end_ip, end_nip;
};

struct bspan {
	uint32_t	 entry;
	uint32_t	 ip_off, nip;		/* address deltas in batch->ip */
	struct mspan	 s;
};

/* Availability of one VE in one minute: bit i is the second t + i. */
struct bavail {
	uint32_t	 ve;
	int64_t		 t;		/* the minute's first second (t % 60 == 0) */
	uint64_t	 seen;		/* observed: the agent said, or the node was seen down */
	uint64_t	 up;		/* observed up; a subset of seen */
};

struct batch {
	struct batch	*next;		/* queue link; not encoded */
	uint64_t	 no;		/* the loop's number (from 1); 0 when replayed; not encoded */
	uint64_t	 seq;		/* set when handed to the writer */
	int64_t		 created;
	struct bentry	*e;
	size_t		 ne, ce;
	struct bspan	*s;
	size_t		 ns, cs;
	struct mip	*ip;
	size_t		 nip, cip;
	struct bavail	*av;
	size_t		 nav, cav;
};

/* A new empty batch, or NULL.  Free with batch_free. */
struct batch	*batch_new(int64_t created);
void		 batch_free(struct batch *);
/* Bytes of memory held (for the queue's bound). */
size_t		 batch_bytes(const struct batch *);

/*
 * Add an entry for VE ve with its head state; returns its index or -1 when
 * out of memory.  The end state starts equal to head.
 */
long	batch_add_entry(struct batch *, uint32_t ve, unsigned flags,
	    const struct mcount *head, const struct mip *ip, size_t nip);
/* Append a span of entry idx with its address deltas; 0 or -1. */
int	batch_add_span(struct batch *, uint32_t idx, const struct mspan *,
	    const struct mip *dip, size_t ndip);
/* Set the end state of entry idx; 0 or -1. */
int	batch_set_end(struct batch *, uint32_t idx, const struct mcount *,
	    const struct mip *ip, size_t nip);

/*
 * A new availability record of VE ve for the minute containing second t
 * (nothing seen yet); its index, or -1 when out of memory.
 */
long	batch_add_avail(struct batch *, uint32_t ve, int64_t t);
/* Record second t (in a's minute) as seen, and up or down; 0, or -1 when t is not in it. */
int	batch_avail_mark(struct bavail *a, int64_t t, int up);

/*
 * Split b by VE into at most k parts of about equal entry counts, each a
 * contiguous range of VE ids (so two parts' rows never interleave in a
 * table's primary key), entries, spans (in their order), addresses and
 * availability records copied; seq, no and created as b's.  *n parts in
 * part[] (free each); 0, or -1 when out of memory (nothing to free then).
 */
int	batch_split(const struct batch *b, size_t k, struct batch **part, size_t *n);

/*
 * Encode for the spool: a new buffer of *len bytes (free it), or NULL when
 * out of memory.  Decode the bytes of one spool record into a new batch;
 * NULL with a reason in err when the bytes are not a valid batch (any
 * length, any content).
 */
uint8_t		*batch_encode(const struct batch *, size_t *len);
struct batch	*batch_decode(const uint8_t *p, size_t len, char *err, size_t errlen);

#endif
