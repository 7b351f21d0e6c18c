/*
 * Addresses of the pools (ip_addresses): taking free ones for a VE, shared
 * by an order (db_ve.c) and a service change that adds addresses
 * (db_change.c).  In the caller's transaction.
 */
#ifndef VEP_DB_ADDR_H
#define VEP_DB_ADDR_H

struct db;

/*
 * Lock up to count free addresses of pool, the lowest first, into ids[count]
 * (SKIP LOCKED: one taken by another transaction is passed over).  The
 * number locked (0..count), or < 0 db_rc.
 */
int	db_addr_pick(struct db *, long long pool, long long count, long long *ids);
/*
 * db_addr_pick with what a new VE's answer shows of each address: its
 * text and its pool's netmask, gateway and name servers (dns2 "" when
 * none), read in the same statement (the pool's row is not locked).
 */
struct db_addr_got {
	long long	id;
	char		address[16], netmask[16], gateway[16], dns1[16], dns2[16];
};
int	db_addr_pick_got(struct db *, long long pool, long long count, struct db_addr_got *);
/*
 * Give the picked address id to ve_id as its seq-th (from 1), named dns
 * (NULL: no name).  DB_OK; DB_RETRY when it was taken meanwhile (on Galera
 * through another node); or < 0 db_rc.
 */
int	db_addr_assign(struct db *, const char *ve_id, long long seq, const char *dns, long long id);

#endif
