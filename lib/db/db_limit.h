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
 * Orders from client created after since: *n, and the oldest one's time
 * in *oldest (0 when none).  DB_OK or a db_rc < 0.
 */
int	db_limit_orders_since(struct db *, const char *client, long long since, long long *n,
	    long long *oldest);

/*
 * VEs that are not deleted and whose e-mail address never paid an invoice:
 * those of email in *by_email, those ordered from client in *by_client
 * (client NULL: 0).  DB_OK or a db_rc < 0.
 */
int	db_limit_unpaid(struct db *, const char *email, const char *client, long long *by_email,
	    long long *by_client);

#endif
