/*
 * The Prometheus text exposition (format 0.0.4) of a node's counters,
 * with exactly the metric names of SPEC section 7 plus a few extras.
 */
#ifndef VEAGENT_EXPO_H
#define VEAGENT_EXPO_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"
#include "ve.h"
#include "backend.h"

struct expo_node {
	int64_t		 agent_start_us;	/* veagent_start_time_seconds */
	uint64_t	 bogomips_centi;	/* node_cpu_bogomips x 100 */
	int		 api_up;		/* -1: no --api, 0: down, 1: up */
	unsigned long long http_requests;
	const struct be_backup_stats *bk;	/* NULL: no backups on this node */
};

/*
 * Append the exposition of the node and of every VE in ves[0..n) whose
 * sample is present (a VE known not to run: its ve_state and ve_up only),
 * one metric family after another, VEs in the given order.  Labels are not escaped: VE ids and addresses were validated.
 * Returns 0, or -1 when the buffer could not grow.
 */
int	expo_write(struct buf *, const struct expo_node *, struct ve *const *ves, size_t n);
/*
 * expo_write in two parts: expo_write_ves everything but the agent's own
 * request counters (what a scrape may reuse within one second: the
 * agent caches it), expo_write_tail veagent_api_up and
 * veagent_http_requests_total (fresh for every answer).  0 or -1.
 */
int	expo_write_ves(struct buf *, const struct expo_node *, struct ve *const *ves, size_t n);
int	expo_write_tail(struct buf *, const struct expo_node *);

#endif
