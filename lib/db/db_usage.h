/*
 * db_usage: every SQL statement of usage accounting (billingd): counter
 * state, raw seconds, rollups, totals, batch sequence numbers, node leases
 * and health, VE assignment, retention and the VE expiry job.  Row writes
 * go through MariaDB's bulk array binding (one round trip per chunk of
 * rows).  Row structs carry a few indicator bytes (ind_*) that these
 * functions fill in themselves; callers set the other fields only.
 * Functions return enum db_rc (db.h).
 */
#ifndef VEP_DB_USAGE_H
#define VEP_DB_USAGE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define DU_IPLEN	46	/* an address's text, NUL included */

/* counter_state: one VE's last counters. */
struct du_state {
	char		 ve[9];
	char		 ind_ve;
	long long	 node_id, agent_start, ve_start, cpu_user_us, cpu_sys_us, last_t;
	/* db_usage_state_update_if only: the state expected in the table */
	long long	 old_t, old_agent_start, old_ve_start, old_user, old_sys;
};

/* An address's pair of numbers: counter_state_ip (rx, tx), usage_raw_ip
 * and usage_ip_hour (t, a = in, b = out). */
struct du_ip {
	char		 ve[9];
	char		 ind_ve;
	char		 ip[DU_IPLEN];
	char		 ind_ip;
	long long	 t, a, b;
};

/*
 * ip: the one address all of the second's traffic is from (then it has no
 * du_ip row in usage_raw_ip), or "" (its split is in usage_raw_ip).
 */
struct du_raw {
	char		 ve[9];
	char		 ind_ve;
	char		 has_gauge;	/* 0: vmem and disk are NULL at this second */
	char		 ind_vmem, ind_disk, ind_ip;
	char		 ip[DU_IPLEN];
	long long	 t, cpu_user_us, cpu_sys_us, vmem, disk, net_in, net_out;
};

struct du_roll {
	char		 ve[9];
	char		 ind_ve;
	long long	 t, cpu_user_us, cpu_sys_us, net_in, net_out;
	long long	 vmem_sum, disk_sum, samples, vmem_last, disk_last, last_t;
};

struct du_total {
	char		 ve[9];
	char		 ind_ve;
	long long	 cpu_user_us, cpu_sys_us, net_in, net_out, vmem_last, disk_last, last_t;
};

/* usage_avail_minute: bit i of a mask is the second t + i (lib/domain/sla.h). */
struct du_avail {
	char		 ve[9];
	char		 ind_ve;
	long long	 t, seen, up;
};

enum du_level { DU_MINUTE, DU_HOUR, DU_DAY, DU__LEVELS };
enum du_rawtable { DU_RAW, DU_RAW_IP, DU__RAWTABLES };

/* Batch sequence numbers (idempotent replay), inside the batch's transaction. */
int	db_usage_seq_lock(struct db *, const char *owner, long long *seq);
int	db_usage_seq_set(struct db *, const char *owner, long long seq, long long now);
/* Make owner's row (seq 0) if it has none, outside a batch: two writers
 * then never meet in the gap of a missing row. */
int	db_usage_seq_init(struct db *, const char *owner, long long now);

/*
 * The counter state of up to DU_STATE_CHUNK VEs, locked (SELECT ... FOR
 * UPDATE): one row per VE that has one into st (*nst rows, any order), and
 * their addresses (rx, tx in a, b) into ips, grouped by VE; DB_TRUNC when
 * there are more than cap.
 */
#define DU_STATE_CHUNK	64
int	db_usage_states_get(struct db *, char (*ve)[9], size_t n, struct du_state *st,
	    size_t *nst, struct du_ip *ips, size_t cap, size_t *nip);
/* Update states only where the table still holds old_*; *affected rows. */
int	db_usage_state_update_if(struct db *, struct du_state *, size_t n,
	    uint64_t *affected);
int	db_usage_state_put(struct db *, struct du_state *, size_t n);
/* Forget the address state of these VEs (only .ve is read). */
int	db_usage_state_ip_clear(struct db *, struct du_state *, size_t n);
int	db_usage_state_ip_put(struct db *, struct du_ip *, size_t n);

/* Usage rows: amounts are added to what a row already holds. */
int	db_usage_raw_put(struct db *, struct du_raw *, size_t n);
int	db_usage_raw_ip_put(struct db *, struct du_ip *, size_t n);
int	db_usage_rollup_put(struct db *, enum du_level, struct du_roll *, size_t n);
int	db_usage_ip_hour_put(struct db *, struct du_ip *, size_t n);
int	db_usage_totals_put(struct db *, struct du_total *, size_t n);
/* Availability bits are OR-ed into what a row holds (a second counts once). */
int	db_usage_avail_put(struct db *, struct du_avail *, size_t n);

/*
 * Leases (times are the database server's clock).  renew extends every
 * lease owner holds on enabled nodes and drops those on disabled ones;
 * take gets node_id if it is free, expired or already owner's (*got 1/0);
 * give hands one back (to share nodes with a newly started billingd);
 * release gives all of owner's leases back and says owner is gone.
 * alive records that owner runs and counts the billingd seen within
 * within_s seconds (owner included).
 */
int	db_usage_lease_renew(struct db *, const char *owner, int lease_s);
int	db_usage_lease_take(struct db *, const char *owner, long long node_id,
	    int lease_s, int *got);
int	db_usage_lease_give(struct db *, const char *owner, long long node_id);
int	db_usage_lease_release(struct db *, const char *owner);
int	db_usage_alive(struct db *, const char *owner, int within_s, long long *live);

/*
 * Queries of many rows: open, then db_next(&q.c) fills q's row fields
 * until it returns 0 (or < 0), then db_cur_close(&q.c).
 */

/* Enabled nodes with their lease. */
struct du_nodes {
	struct db_cur	 c;
	struct dbo	 o[6];
	long long	 id;
	char		 name[65];
	char		 url[256];
	char		 owner[65];	/* "" when none */
	long long	 lease_until;	/* 0 when none */
	long long	 now;		/* the server's clock */
};
int	db_usage_nodes_open(struct db *, struct du_nodes *);

/* Node health, written only while owner holds the node's lease. */
int	db_usage_node_health(struct db *, const char *owner, long long node_id,
	    const char *state, long long last_poll, long long last_ok, long long lag_ms);

/* VEs placed on owner's nodes. */
struct du_assign {
	struct db_cur	 c;
	struct dbo	 o[2];
	char		 ve[9];
	long long	 node_id;
};
int	db_usage_assign_open(struct db *, struct du_assign *, const char *owner);

/*
 * A cluster-wide job lock (table job_locks): owner holds name for ttl_s
 * seconds of the database clock, or until it gives it back; taking it
 * again extends it.  *got 1 or 0 (held by another live owner, or taken by
 * another at the same moment); returns a db_rc.
 */
int	db_usage_job_take(struct db *, const char *name, const char *owner, int ttl_s, int *got);
int	db_usage_job_give(struct db *, const char *name, const char *owner);

/* Partitions of a raw table in order: name and bound ("MAXVALUE" or a number). */
struct du_parts {
	struct db_cur	 c;
	struct dbo	 o[2];
	char		 name[65];
	char		 bound[32];
};
int	db_usage_partitions_open(struct db *, struct du_parts *, enum du_rawtable);
/* Split pmax so that partitions [from, to) of width w exist. */
int	db_usage_partitions_add(struct db *, enum du_rawtable, long long from,
	    long long to, long long w);
/* Drop partition "p<start>". */
int	db_usage_partition_drop(struct db *, enum du_rawtable, long long start);
/* Delete up to limit rollup rows with t < before; *deleted rows. */
int	db_usage_prune(struct db *, enum du_level, long long before, long long limit,
	    uint64_t *deleted);
/* The same for availability minutes (their day rows stay). */
int	db_usage_prune_avail(struct db *, long long before, long long limit, uint64_t *deleted);

/*
 * VE lifecycle.  expire: VEs active or suspended whose expires_at has
 * passed become 'expired'.  erase: expired VEs past before become 'deleted'
 * and their addresses go back to the pool.  Both write audit_log rows;
 * call them inside a transaction.  *n: VEs changed.
 */
int	db_usage_expire(struct db *, long long now, uint64_t *n);
int	db_usage_erase(struct db *, long long before, long long now, uint64_t *n);

#endif
