/* The counting key of a client address (netaddr.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "netaddr.h"

char *
netaddr_key(const char *addr, char key[NETADDR_KEY_MAX])
{
	struct in6_addr a6;
	struct in_addr a4;
	char tmp[INET6_ADDRSTRLEN];

	snprintf(key, NETADDR_KEY_MAX, "%s", addr != NULL ? addr : "");
	if (addr == NULL || strchr(addr, ':') == NULL)
		return key;
	if (inet_pton(AF_INET6, addr, &a6) != 1)
		return key;
	if (IN6_IS_ADDR_V4MAPPED(&a6)) {
		memcpy(&a4, &a6.s6_addr[12], 4);
		if (inet_ntop(AF_INET, &a4, tmp, sizeof(tmp)) != NULL)
			snprintf(key, NETADDR_KEY_MAX, "%s", tmp);
		return key;
	}
	memset(&a6.s6_addr[8], 0, 8);
	/* the /64 prints in at most 21 characters ("ffff:ffff:ffff:ffff::") */
	if (inet_ntop(AF_INET6, &a6, tmp, sizeof(tmp)) != NULL && strlen(tmp) + 4 <= NETADDR_KEY_MAX) {
		memcpy(key, tmp, strlen(tmp));
		memcpy(key + strlen(tmp), "/64", 4);
	}
	return key;
}
