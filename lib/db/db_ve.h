/*
 * db_ve: every SQL statement of orders, VEs, their IP addresses and the
 * customer's view of usage (the screens and the API read usage here;
 * billingd writes it through db_usage).  Creating a VE is one transaction:
 * account, order, VE, addresses from a pool, node placement; either all of
 * it is written or nothing.
 */
#ifndef VEP_DB_VE_H
#define VEP_DB_VE_H

#include <stddef.h>
#include <jansson.h>

#include "order.h"

struct argon_params;
struct auth_crypt_job;
struct conf;
struct db;

struct ve_ip {
	char	address[16];
	char	netmask[16];
	char	dns_name[254];		/* "" when none */
};

/* A VE as its owner sees it, with the order as placed. */
struct ve_info {
	char		 ve_id[9];
	char		 state[16];		/* active, suspended, expired */
	char		 state_reason[256];
	long long	 created_at, expires_at, updated_at;
	char		 plan_name[129], currency[4];
	char		 template_name[129];
	char		 node[65];		/* "" when not placed */
	char		 power[16];		/* the power wish: running, stopped */
	long long	 power_seq;
	long long	 bogomips_per_cpu;
	char		 gateway[16];
	char		 dns_servers[2][16];
	size_t		 ndns_servers;
	struct ve_ip	*ips;			/* in the VE's order (seq) */
	size_t		 nips;
	struct order	 o;			/* every SPEC field but the password */
};

/* Current usage (SPEC section 6 units). */
struct ve_usage {
	int		 recorded;	/* billingd has written anything for this VE */
	long long	 as_of;		/* time of the latest sample */
	long long	 disk_bytes, vmem_bytes;
	long long	 cpu_bogomips;	/* CPU share over the last 60 s x bogomips per CPU */
	long long	 cpu_user_us, cpu_sys_us;	/* since creation */
	long long	 net_in_bytes, net_out_bytes;	/* since creation */
};

enum ve_range { VR_HOUR, VR_DAY, VR_MONTH, VR__MAX };

/* One bucket of a usage rollup. */
struct ve_point {
	long long	 t;		/* bucket start */
	long long	 cpu_us;	/* user + system */
	long long	 net_in, net_out;
	long long	 vmem_sum, disk_sum, samples;
	long long	 last_t;	/* the bucket's last sample (second), 0 if none */
};

enum ve_create_rc {
	VC_OK = 0,
	VC_NO_ADDRESS = 1,	/* no pool has ip_count free addresses */
	VC_NO_NODE = 2,		/* no enabled node has room */
	VC_KEY_USED = 3,	/* the idempotency key made ve_id before (same e-mail) */
	VC_KEY_CONFLICT = 4,	/* the key was used for another customer's order */
	VC_BUSY = 5,		/* every password-hash slot stayed busy: 503, nothing written */
	VC_NODE_FULL = 6,	/* the operator's node has no room */
	VC_NODE_UNKNOWN = 7,	/* the operator named no node we know */
	VC_NODE_DISABLED = 8,	/* the operator's node is disabled */
	VC_RATE = 9,		/* [signup] orders_per_hour from this client: 429 */
	VC_UNPAID_EMAIL = 10,	/* [signup] unpaid_ves_per_email reached: 429 */
	VC_UNPAID_ADDR = 11,	/* [signup] unpaid_ves_per_addr reached: 429 */
	VC_NO_CPU = 12,		/* no node (or not the operator's) can guarantee cpu_min_bogomips more */
	VC_NO_UPLINK = 13,	/* no node's (or not the operator's) uplink can guarantee the bandwidth minima */
};

/* Active plans with today's prices and active OS templates.  0 or db_rc. */
int	db_ve_catalog(struct db *, long long now, struct order_catalog *);

/*
 * The VE an idempotency key created: 1 (ve_id and email filled), 0 none,
 * < 0 db_rc.
 */
int	db_ve_by_key(struct db *, const char *key, char ve_id[9], char *email, size_t emaillen);

/*
 * Store a checked order (order_check found nothing) in one transaction with
 * pwhash as the VE's password hash and rootcrypt (crypt(3), for its node;
 * NULL: none).  node: the operator's choice of node (NULL: the panel
 * places it; VC_NODE_* when that node cannot take it).  Addresses come from
 * the pools that serve the chosen node.  Returns VC_OK with ve_id filled,
 * another enum ve_create_rc (nothing written; ve_id filled for
 * VC_KEY_USED), or a db_rc < 0.
 */
int	db_ve_create(struct db *, const struct order *, const struct order_catalog *,
	    const char *pwhash, const char *rootcrypt, const char *node, long long now, char ve_id[9]);

/*
 * Place an order: an idempotency key seen before answers its VE
 * (VC_KEY_USED or VC_KEY_CONFLICT); otherwise hash the root password with
 * ap and its crypt(3) hash for the node (before any transaction, in a hash
 * slot of c: auth_slot_enter) and db_ve_create.  Same returns, and VC_BUSY when no slot came free.
 */
int	ve_place(struct db *, const struct conf *c, const struct argon_params *ap,
	    const struct order *, const struct order_catalog *, const char *node, long long now,
	    char ve_id[9]);

/* For VC_RATE, VC_UNPAID_*: a sentence for the customer, and the Retry-After value into buf. */
const char *ve_limit_message(int rc);
const char *ve_limit_retry(int rc, long long retry_after, char *buf, size_t len);

/*
 * ve_place for a customer at client address addr (NULL: an operator, not
 * limited).  A key used again must come with the same order, password
 * included (else VC_KEY_CONFLICT).  A new VE must keep within [signup]
 * orders_per_hour from the address (IPv6: its /64; VC_RATE with
 * *retry_after seconds), unpaid_ves_per_email and unpaid_ves_per_addr
 * (VC_UNPAID_EMAIL, VC_UNPAID_ADDR), checked before the password is hashed.
 */
int	ve_place_from(struct db *, const struct conf *c, const struct argon_params *ap,
	    const struct order *, const struct order_catalog *, const char *node, long long now,
	    const char *addr, long long *retry_after, char ve_id[9]);

/*
 * ve_place_from without the node's crypt(3) hash: the VE is made with
 * root_crypt NULL (its node sets no root password yet) and the caller sets
 * it with db_ve_set_root_crypt once the answer is out (issue 19: an order
 * then costs one slow hash, not two, before its answer).  On VC_OK, made
 * (may be NULL) is the new VE as its answer shows it (ve_info_json
 * without usage; free with ve_info_free), from what the creation's
 * transaction knew, not read back; made->ve_id is "" when it could not be
 * filled (out of memory: read it with db_ve_get).  With early (may be
 * NULL), the node's hash is started as soon as the argon2id is made, in
 * the same hash slot (auth_crypt_start), and on VC_OK or VC_KEY_USED
 * *early is that job (NULL if none could start), the caller's to collect;
 * on any other answer there is none.
 */
int	ve_place_deferred(struct db *, const struct conf *c, const struct argon_params *ap,
	    const struct order *, const struct order_catalog *, const char *node, long long now,
	    const char *addr, long long *retry_after, char ve_id[9], struct ve_info *made,
	    struct auth_crypt_job **early);
/* The node's crypt(3) hash of a VE that has none yet (not deleted).  0 or db_rc. */
int	db_ve_set_root_crypt(struct db *, const char *ve_id, const char *rootcrypt);
/*
 * ve_place_from into account, a verified customer account with a login
 * (db_account.h; the caller checked it is the session's and verified):
 * the order's e-mail is the account's, no new account is made.  As
 * ve_place_deferred, the node's crypt(3) hash is the caller's to set.
 */
int	ve_place_account(struct db *, const struct conf *c, const struct argon_params *ap,
	    const struct order *, const struct order_catalog *, long long now, const char *addr,
	    long long account, long long *retry_after, char ve_id[9]);

/* A VE that is not deleted: 1 filled (free with ve_info_free), 0 none, < 0 db_rc. */
int	db_ve_get(struct db *, const char *ve_id, struct ve_info *);
void	ve_info_free(struct ve_info *);

/*
 * Current usage of ve_id at now: disk and memory as last sampled, CPU
 * over the last 60 s (raw seconds when billingd keeps them, else the last
 * complete minute), totals since creation.  recorded = 0 and zeros when
 * billingd has written nothing for the VE.  0 or db_rc.
 */
int	db_ve_usage(struct db *, const char *ve_id, long long now, struct ve_usage *);
/*
 * db_ve_usage and the VE's traffic in the days from <= t < to (usage_day,
 * summed as the traffic cap check sums it; 0 when nothing is recorded)
 * into *in and *out (may be NULL), in one statement.  0 or db_rc.
 */
int	db_ve_usage_month(struct db *, const char *ve_id, long long now, long long from, long long to,
	    struct ve_usage *, long long *in, long long *out);

/*
 * Rollup buckets of ve_id with from <= t < to: minutes for VR_HOUR, hours
 * for VR_DAY, days for VR_MONTH.  At most cap points, oldest first.
 * 0 or db_rc.
 */
int	db_ve_series(struct db *, const char *ve_id, enum ve_range, long long from, long long to,
	    struct ve_point *, size_t cap, size_t *n);

/* The password hash of a VE that is not deleted: 1, 0 none, < 0 db_rc. */
int	db_ve_hash(struct db *, const char *ve_id, char *hash, size_t hashlen);
/* Replace the VE's password hash and its node's crypt(3) hash (NULL: none).  0 or db_rc. */
int	db_ve_set_hash(struct db *, const char *ve_id, const char *hash, const char *rootcrypt,
	    long long now);

enum ve_power_rc {
	VPR_OK = 0,
	VPR_NOVE = 1,		/* no such VE (or deleted) */
	VPR_SUSPENDED = 2,	/* suspended or expired: 409, nothing written */
};
/*
 * A power action (enum ve_power, order.h) by actor ("owner", "admin:NAME", "api"): power becomes
 * running (start, restart) or stopped, power_seq grows by one, audited
 * (ve.power) in the same transaction.  VPR_* or db_rc < 0.
 */
int	db_ve_power(struct db *, const char *ve_id, enum ve_power, const char *actor, long long now);

/*
 * The API's JSON of a VE (SPEC sections 3 and 5): ve_id, state,
 * expires_at, ips, gateway, dns_servers, login; with u also created_at,
 * plan, template, node, order and usage; with root_password (not NULL)
 * the password shown once.  A new reference, NULL when out of memory.
 */
json_t	*ve_info_json(const struct ve_info *, const struct ve_usage *u, const char *root_password);

#endif
