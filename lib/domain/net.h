/*
 * net: the pure rules of network names and addresses, shared by the order
 * rules (lib/domain/order.c), the catalogue (lib/db/catalog.c) and the
 * operator's search (lib/db/db_admin.c).  No database here.
 */
#ifndef VEP_NET_H
#define VEP_NET_H

/* Parse dotted-quad IPv4; 0 or -1. */
int	ipv4_parse(const char *s, unsigned *out);
void	ipv4_format(unsigned a, char out[16]);
/* A valid DNS host name (RFC 1123 labels, <= 253, at least one dot). */
int	dns_name_valid(const char *s);

#endif
