/*
 * meter: cumulative counters to usage, as pure functions (no I/O, no
 * clock, no globals) so every rule has a table test.
 *
 * Rules (SPEC section 7): the delta of a counter is new - old; a reset
 * gives delta = new: the VE's start time changed, the agent's start time
 * changed (compared only while the VE stays on the same node: each node
 * has its own agent, and a VE moved with its counters intact continues),
 * or the counter went down.  A VE with no previous state counts in full.
 * A delta covers the seconds (t0, t1]; it is spread over them with the
 * integer remainder on the last seconds, so every bucketing sums exactly.
 */
#ifndef BILLINGD_METER_H
#define BILLINGD_METER_H

#include <stddef.h>
#include <stdint.h>

/* One address's counters, or its delta over a span. */
struct mip {
	uint8_t		 addr[16];	/* as prom.h: IPv6 or IPv4-mapped */
	uint64_t	 rx, tx;	/* received by the VE (in), transmitted (out) */
};

/* One VE's counters at one second (its addresses are kept beside it). */
struct mcount {
	int64_t		 t;		/* the second of the sample, epoch UTC */
	uint32_t	 node_id;
	uint64_t	 agent_start_us, ve_start_us;
	uint64_t	 cpu_user_us, cpu_sys_us;
	uint64_t	 vmem, disk;	/* gauges at t, bytes */
};

enum meter_why {
	METER_CONT = 0,		/* same counters: delta = new - old */
	METER_FIRST,		/* no earlier state: counts in full */
	METER_VE_RESTART,	/* ve_start_time changed */
	METER_AGENT_RESTART,	/* veagent_start_time changed, same node */
};

/* The usage of one VE over the seconds (t0, t1]. */
struct mspan {
	int64_t		 t0, t1;
	uint64_t	 cpu_user_us, cpu_sys_us;
	uint64_t	 vmem, disk;	/* gauges sampled at t1 */
	enum meter_why	 why;
	unsigned	 down;		/* METER_DOWN_* counters that went down */
};
#define METER_DOWN_USER	0x1u
#define METER_DOWN_SYS	0x2u
#define METER_DOWN_NET	0x4u

/*
 * The usage between two samples of one VE.  old is NULL when no earlier
 * state exists.  The addresses' deltas go to dip[] in the order of nip
 * (one per address of the new sample).  max_spread bounds how many
 * seconds back a delta is spread (a gap longer than that is spread over
 * its last max_spread seconds).  new->t must be > old->t (the caller drops
 * older samples).
 */
void	meter_delta(const struct mcount *old, const struct mip *oip, size_t onip,
	    const struct mcount *new, const struct mip *nip, size_t nnip,
	    int64_t max_spread, struct mspan *span, struct mip *dip);

/*
 * The addresses' state after a sample: the sample's addresses, then (unless
 * the span was a reset) the earlier ones the sample did not mention, so an
 * address that vanishes for a while continues where it was.  Writes at most
 * cap entries to out; returns how many.
 */
size_t	meter_merge_ips(const struct mip *oip, size_t onip, const struct mip *nip,
	    size_t nnip, int reset, struct mip *out, size_t cap);

/*
 * The part of a delta d spread over (t0, t1] that falls on the seconds
 * lo..hi (inclusive).  Each second gets d / (t1 - t0); the remainder adds
 * one to each of the last d % (t1 - t0) seconds.
 */
uint64_t meter_share(uint64_t d, int64_t t0, int64_t t1, int64_t lo, int64_t hi);

/*
 * How a batch's entry for one VE is applied, given the state the database
 * holds (db, NULL if none).  known/base_t: the entry was computed from a
 * state believed committed at base_t; head is the first state of the entry
 * (that base, or the first sample when not known), end the last one.
 */
enum meter_plan {
	PLAN_AS_IS,	/* the database holds our base (head): write the spans */
	PLAN_SKIP,	/* the database is already past end: write nothing */
	PLAN_REPLACE,	/* drop the spans; one span db -> end */
	PLAN_PREPEND,	/* one span db (or nothing) -> head, then the spans */
};
enum meter_plan meter_plan(const struct mcount *db, int known, int64_t base_t,
	    const struct mcount *head, const struct mcount *end);

#endif
