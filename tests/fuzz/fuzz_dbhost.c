/*
 * libFuzzer harness for [database] hosts (lib/db/dbhost.c): any bytes give a
 * refusal with a reason, or hosts that print back (db_host_name) to a list
 * that parses to the very same hosts; every start rotates over all of them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbhost.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct db_host h[DB_HOSTS_MAX], g[DB_HOSTS_MAX];
	char s[4096], back[DB_HOSTS_MAX * (DB_SOCKLEN + DB_HOST_NAMELEN + 16)], one[DB_SOCKLEN + DB_HOST_NAMELEN + 16];
	char why[256];
	int n, m;

	if (len >= sizeof(s) || memchr(data, '\0', len) != NULL)
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	why[0] = '\0';
	n = db_hosts_parse(s, 3306, h, DB_HOSTS_MAX, why, sizeof(why));
	if (n == -1) {
		if (why[0] == '\0')
			abort();	/* a refusal always says why */
		return 0;
	}
	if (n < 0 || n > DB_HOSTS_MAX)
		abort();
	back[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strnlen(h[i].host, sizeof(h[i].host)) == sizeof(h[i].host) ||
		    strnlen(h[i].socket, sizeof(h[i].socket)) == sizeof(h[i].socket))
			abort();
		if ((h[i].socket[0] == '\0') == (h[i].host[0] == '\0'))
			abort();	/* exactly one of them */
		db_host_name(&h[i], one, sizeof(one));
		if (i > 0)
			strcat(back, ",");
		strcat(back, one);
	}
	m = db_hosts_parse(back, 1, g, DB_HOSTS_MAX, why, sizeof(why));
	if (m != n)
		abort();
	for (int i = 0; i < n; i++)
		if (strcmp(h[i].host, g[i].host) != 0 || strcmp(h[i].socket, g[i].socket) != 0 ||
		    h[i].port != g[i].port)
			abort();
	for (size_t first = 0; n > 0 && first < (size_t)n + 2; first++) {
		unsigned seen = 0;
		for (size_t k = 0; k < (size_t)n; k++)
			seen |= 1u << db_hosts_pos((size_t)n, first, k);
		if (seen != (1u << n) - 1)
			abort();
	}
	return 0;
}
