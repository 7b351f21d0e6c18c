/*
 * Listening sockets for the daemons' small HTTP servers: the address
 * parsed once ("ADDR:PORT", numeric IPv4 or [IPv6]), and the accept
 * back-off.  When accept() fails for want of descriptors (EMFILE, ENFILE)
 * the listener stays readable, and a level-triggered loop would spin on
 * it; instead the listener is paused for a while, as OpenBSD's slowcgi
 * does, and the condition is logged once (lib/base/complain.h).
 */
#ifndef VEP_LISTEN_H
#define VEP_LISTEN_H

#include <stdint.h>
#include <sys/socket.h>

#include "complain.h"

struct loop;

/* "127.0.0.1:9300" or "[::1]:9300" into a socket address; 0 or -1. */
int	listen_parse(const char *, struct sockaddr_storage *, socklen_t *);
/* A non-blocking, close-on-exec listening socket bound there; fd or -1 (errno). */
int	listen_open(const struct sockaddr_storage *, socklen_t, int backlog);

/* The accept back-off of one listener, registered for LOOP_READ in loop. */
struct accept_pause {
	struct loop	*loop;
	int		 fd;
	long long	 pause_ms;
	long long	 timer;		/* the resume timer; 0: not paused */
	uint64_t	 pauses;	/* how often it paused */
	struct complaint c;
};

void	accept_pause_init(struct accept_pause *, struct loop *, int fd, long long pause_ms);
/*
 * accept() failed with err: for EMFILE/ENFILE stop watching the listener
 * for pause_ms and return 1; otherwise 0 (the caller goes on).
 */
int	accept_pause(struct accept_pause *, int err);
/* accept() succeeded: log once that descriptors are available again. */
void	accept_ok(struct accept_pause *);
/* Forget the resume timer (before freeing the server). */
void	accept_pause_done(struct accept_pause *);
/*
 * accept4() one non-blocking, close-on-exec connection on ap's listener:
 * its fd, or -1 when none is to be had now (EAGAIN and the like, or out of
 * descriptors: paused); any other failure is logged as "who: accept".
 */
int	listen_accept(struct accept_pause *, const char *who);
/* Stop listening: the resume timer, the loop's watch and the socket go. */
void	listen_close(struct accept_pause *);

#endif
