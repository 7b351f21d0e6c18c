/*
 * Service changes (SPEC section 11): a change is the VE's order as it
 * stands with some fields replaced, judged by the signup's own field table
 * and rules (order.h), so every message is the signup's.  Only the fields
 * SPEC section 11 lists may change; the rest (e-mail, template, lifetime,
 * password, fault tolerance, idempotency key) are refused by name.  Beyond
 * the signup's rules: a disk quota below what the VE uses, and a plan the
 * VE's parameters break (a sentence on `plan` saying which).  The edges
 * (JSON of PATCH /api/v1/ves/{id}, the /self and admin forms) only parse;
 * change_check judges.  Pure: no SQL, no clock.
 */
#ifndef VEP_CHANGE_H
#define VEP_CHANGE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "order.h"

struct kvlist;

/* How a changed field takes effect on the VE's node. */
enum change_apply {
	CA_LIVE = 0,	/* at once, without a restart (or the panel's own record) */
	CA_ONLINE,	/* disk grown on the mounted volume where the node can, else at the next start */
	CA_RESTART,	/* at the VE's next start (a shrink, a memory limit below use) */
};
extern const char *const change_apply_names[];	/* "live", "online", "restart" */

#define CHANGE_BIT(k)	((uint64_t)1 << (k))

/* 1 when field k may be changed after ordering. */
int	change_field_ok(enum order_key k);

/*
 * next := cur with the fields of a JSON object replaced.  "restart"
 * (boolean) is taken out into *restart.  A field that may not change, is
 * unknown or has the wrong type goes to errs.  Returns 0, or -1 (memory).
 */
int	change_from_json(struct order *next, const struct order *cur, json_t *body,
	    int *restart, struct order_errs *errs);
/*
 * The same from a form whose inputs hold the current values: a blank
 * input leaves its field as it is; login checkboxes replace the set when
 * login_shown is given.  Names the table does not know are left alone.
 */
int	change_from_form(struct order *next, const struct order *cur, const struct kvlist *form,
	    int *restart, struct order_errs *errs);

/*
 * Judge next (as made above) against cur: the signup's rules, then a disk
 * quota below disk_used_bytes, then the plan.  *changed: the fields whose
 * value differs from cur.  A plan that is not changed and no longer on
 * offer is not judged again.
 */
void	change_check(struct order *next, const struct order *cur, const struct order_catalog *,
	    const char *firewall_dir, long long disk_used_bytes, uint64_t *changed,
	    struct order_errs *errs);

/* How field k's change from cur to next takes effect (vmem_bytes: the VE's memory use now). */
enum change_apply change_apply_of(enum order_key k, const struct order *cur,
	    const struct order *next, long long vmem_bytes);

/* "plan, disk_quota_mb" into out: the changed fields' names. */
void	change_names(uint64_t changed, char *out, size_t outlen);

/*
 * The changeable fields of o as JSON (all of them, or only those in mask
 * when mask != 0), named and typed as in the order's JSON.  A new reference.
 */
json_t	*change_params_json(const struct order *o, uint64_t mask);

/* Copy an order (strings and names duplicated); 0 or -1 (then dst is freed). */
int	change_order_copy(struct order *dst, const struct order *src);

#endif
