/*
 * What one client may order (issue 17, item 2; SPEC section 3): VEs made
 * from one client address in the last hour, and VEs not yet paid for per
 * e-mail address and per client address.  Client addresses are the keys
 * of lib/domain/netaddr.c (IPv6 by /64), stored in orders.client_addr.
 */
#ifndef VEP_DB_LIMIT_H
#define VEP_DB_LIMIT_H

struct db;

/*
 * For an order from client with e-mail address email: the orders from
 * client created after since (since_n) and the oldest one's time
 * (since_oldest, 0 when none); the VEs that are not deleted and whose
 * e-mail address never paid an invoice, those of email (by_email) and
 * those ordered from client (by_client).  One statement.  DB_OK or a
 * db_rc < 0.
 */
struct db_limit_counts {
	long long	since_n, since_oldest, by_email, by_client;
};
int	db_limit_counts(struct db *, const char *client, const char *email, long long since,
	    struct db_limit_counts *);

#endif
