/*
 * The node's crypt(3) hash of a new VE's root password, made after the
 * order's answer has gone out (vep-signup and vep-api; issue 19).
 */
#ifndef VEP_ORDER_CRYPT_H
#define VEP_ORDER_CRYPT_H

struct web;

struct auth_crypt_job;

/*
 * After this request's answer: hash pw (copied now, wiped after) with
 * auth_crypt in a hash slot and store it as ve_id's root_crypt if it has
 * none (db_ve_set_root_crypt).  Nothing when out of memory (logged).
 * early (may be NULL): that hash already started (ve_place_deferred),
 * collected after the answer instead of made then; taken over here.
 */
void	order_crypt_later(struct web *, const char *ve_id, const char *pw,
	    struct auth_crypt_job *early);
/*
 * A worker's init (web_app.init) in the programs that take orders: both
 * hashes' memory faulted in before the first order (auth_warm), so it
 * costs what the next ones do.  Always 0.
 */
int	order_crypt_warm(struct web *);

#endif
