/*
 * Which client an address stands for, for counting: an IPv4 address is
 * itself, an IPv6 address stands for its /64 (one customer's LAN usually
 * gets a whole /64, so counting single addresses would let one client
 * spray from 2^64 of them: issue 17, item 5), an IPv4-mapped IPv6 address
 * for its IPv4 address.  Login failures and order limits count these keys.
 */
#ifndef VEP_NETADDR_H
#define VEP_NETADDR_H

#include <stddef.h>

#define NETADDR_KEY_MAX	46	/* fits login_failures.addr VARCHAR(45) */

/*
 * The counting key of addr into key (NETADDR_KEY_MAX bytes): "192.0.2.1",
 * "2001:db8:1:2::/64".  Anything that is not an address (NULL, "",
 * a Unix socket) is copied as it is, truncated to fit.  Returns key.
 */
char	*netaddr_key(const char *addr, char key[NETADDR_KEY_MAX]);

#endif
