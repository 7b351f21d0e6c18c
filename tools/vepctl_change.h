/*
 * `vepctl ve change VEID '{"mem_max_mb":512,...}'`: the operator's service
 * change from the command line (SPEC section 11), judged and written exactly
 * as PATCH /api/v1/ves/{id} with the admin token (lib/domain/change.c,
 * lib/db/db_change.c), audited as "vepctl"; kept apart from vepctl.c.
 */
#ifndef VEPCTL_CHANGE_H
#define VEPCTL_CHANGE_H

struct conf;
struct db;

/* argv[0] is VEID, argv[1] the JSON object; returns the exit status. */
int	vepctl_ve_change(struct db *, const struct conf *, int argc, char **argv);

#endif
