/*
 * Wake sockets of idle-stopped VEs (see idle.h).  Each socket is bound
 * with IP_FREEBIND, so it does not depend on when the address's local
 * route appears; a connection is accepted and closed at once (the client
 * sees the connection end and retries: the VE's own server answers about
 * two seconds later) and the VE's owner callback runs once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "idle.h"
#include "log.h"
#include "loop.h"

const uint16_t idle_wake_ports[5] = { 22, 23, 80, 443, 514 };

#define MAX_FDS	(5 * 16)

struct idle_wake {
	struct loop	*loop;
	idle_wake_fn	*fn;
	void		*arg;
	int		 fired;
	size_t		 nfds;
	int		 fds[MAX_FDS];
};

static void
wake_io(struct loop *l, int fd, int mask, void *arg)
{
	struct idle_wake *w = arg;
	int c;

	(void)l;
	(void)mask;
	if ((c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) == -1)
		return;		/* gone before we looked: keep waiting */
	close(c);
	if (w->fired)
		return;
	w->fired = 1;
	w->fn(w->arg);
}

static int
listen_on(uint32_t ip, uint16_t port)
{
	struct sockaddr_in sa;
	int fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(ip);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 || listen(fd, 16) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

struct idle_wake *
idle_wake_new(struct loop *l, const char *id, const uint32_t *ips, size_t nips,
    idle_wake_fn *fn, void *arg)
{
	struct idle_wake *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->loop = l;
	w->fn = fn;
	w->arg = arg;
	for (size_t i = 0; i < nips; i++)
		for (size_t p = 0; p < sizeof(idle_wake_ports) / sizeof(idle_wake_ports[0]); p++) {
			int fd;

			if (w->nfds == MAX_FDS)
				break;
			if ((fd = listen_on(ips[i], idle_wake_ports[p])) == -1) {
				log_warn("VE %s: wake socket on port %u", id, idle_wake_ports[p]);
				continue;
			}
			if (loop_io_add(l, fd, LOOP_READ, wake_io, w) == -1) {
				close(fd);
				continue;
			}
			w->fds[w->nfds++] = fd;
		}
	if (w->nfds == 0) {
		free(w);
		return NULL;
	}
	return w;
}

void
idle_wake_free(struct idle_wake *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->nfds; i++) {
		loop_io_del(w->loop, w->fds[i]);
		close(w->fds[i]);
	}
	free(w);
}
