/*
 * The idle stop of on-demand VEs (SPEC section 9, `veagent --idle-stop-min`):
 * a VE whose addresses received no traffic for that long is stopped, and
 * while it is stopped the agent listens on its addresses (the usual service
 * ports) so that the next incoming connection starts it again.  This file
 * owns the listening sockets; be_real.c decides when, and routes the
 * addresses to this host meanwhile (`local` routes: nothing leaves it).
 */
#ifndef AGENT_IDLE_H
#define AGENT_IDLE_H

#include <stddef.h>
#include <stdint.h>

struct loop;
struct idle_wake;

/* Called once, from the loop, when a connection arrives on any of the sockets. */
typedef void	idle_wake_fn(void *arg);

/*
 * Listen on every address of ips (host order) at each port of
 * idle_wake_ports; the first connection accepted is closed at once and fn
 * called.  NULL when no socket could be made (logged).  Free with
 * idle_wake_free (also after fn ran).
 */
struct idle_wake *idle_wake_new(struct loop *, const char *id, const uint32_t *ips, size_t nips,
		    idle_wake_fn *fn, void *arg);
void		 idle_wake_free(struct idle_wake *);

/* The ports a stopped VE is woken on: ssh, telnet, http, https, rsh. */
extern const uint16_t idle_wake_ports[5];

#endif
