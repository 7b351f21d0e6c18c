/*
 * The firewall styles of a VE (SPEC section 3, "firewall"): one enum and
 * one spelling for the panel's orders and the node agent's specs.
 */
#ifndef VEP_FIREWALL_H
#define VEP_FIREWALL_H

enum firewall { FW_OPEN, FW_CLIENT, FW_SIMPLE, FW_CLOSED, FW_NONE, FW_FILE, FW__MAX };
/* "open", "client", ... as orders, the API and the agent spell them. */
extern const char *const order_firewall_names[FW__MAX];

/* The style named s, or -1 when s names none (or is NULL). */
int	firewall_parse(const char *s);

#endif
