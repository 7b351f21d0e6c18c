/*
 * db_change: a VE's service change written (SPEC section 11).  One
 * transaction: the order's row takes the new parameters (every reader of
 * `orders` sees what is in force now), order_history gets the version
 * valid from the second of the change (rating splits the month there:
 * db_charges.c), addresses are taken from the VE's pool or released,
 * DNS names set, the audit row written with before and after, and the
 * owner's mail queued by 0018's trigger.  Either all of it or nothing.
 */
#ifndef VEP_DB_CHANGE_H
#define VEP_DB_CHANGE_H

#include <stdint.h>

#include "order.h"

struct db;

enum change_rc {
	CH_OK = 0,
	CH_NOVE = 1,		/* no such VE (or deleted) */
	CH_NO_ADDRESS = 2,	/* the VE's pool has not enough free addresses */
	CH_NO_ROOM = 3,		/* the VE's node has no disk left for the larger quota */
	CH_GONE = 4,		/* the plan left the catalogue meanwhile */
};

/*
 * Write the change of cur into next (judged by change_check: nothing
 * wrong, changed != 0) for ve_id at now, by actor ("api", "admin:NAME" or
 * the VEid).  restart: also ask the node for a restart (power_seq + 1),
 * when the VE is active.  Returns CH_OK, another enum change_rc (nothing
 * written) or a db_rc < 0.
 */
int	db_change_apply(struct db *, const char *ve_id, const struct order *cur,
	    const struct order *next, uint64_t changed, const struct order_catalog *cat,
	    int restart, const char *actor, long long now);

#endif
