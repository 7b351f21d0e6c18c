/*
 * The database servers a program may use ([database] hosts): parsing of
 * the list and the order in which they are tried.  Pure functions, no
 * MariaDB.  lib/base/conf.c keeps the key's text as it is; every program
 * calls db_conf_check (db.h) right after conf_load (so a bad list is a
 * "file:line" error before anything starts) and db.c connects with it.
 *
 *	hosts = 127.0.0.1:3411, db2.example.net:3306, [2001:db8::7]:3306
 *	hosts = /run/mysqld/n1.sock, /run/mysqld/n2.sock
 */
#ifndef VEP_DBHOST_H
#define VEP_DBHOST_H

#include <stddef.h>

#define DB_HOSTS_MAX	16
#define DB_HOST_NAMELEN	254	/* a DNS name (253) or an address, NUL included */
#define DB_SOCKLEN	108	/* sizeof(sun_path) */

struct db_host {
	char	 host[DB_HOST_NAMELEN];	/* name or address (no brackets); "" for a socket */
	char	 socket[DB_SOCKLEN];	/* absolute path of a Unix socket, or "" */
	int	 port;			/* TCP port; 0 for a socket */
};

/*
 * Parse a comma-separated list: each entry an absolute socket path, or
 * host[:port], or [IPv6-address][:port] (defport when no port is given).
 * Spaces around entries are ignored; an empty entry, a relative socket
 * path, a bad port, an entry given twice or more than max entries is an
 * error.  Returns the number of hosts (0 for an empty or blank text) or
 * -1 with a sentence in why.
 */
int	db_hosts_parse(const char *text, int defport, struct db_host *out, size_t max,
	    char *why, size_t whylen);

/*
 * Rotation: the host to try k-th (k = 0 .. n-1) when starting at first.
 * Every host is tried once, wrapping around.  n must be > 0.
 */
size_t	db_hosts_pos(size_t n, size_t first, size_t k);

/* The 0-based first host for [database] prefer = p (from 1; wraps past n). */
size_t	db_hosts_first(size_t n, long long prefer);

/* "host:port", "[v6]:port" or the socket path, for logs; into out. */
void	db_host_name(const struct db_host *, char *out, size_t outlen);

#endif
