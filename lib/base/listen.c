/* See listen.h. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"
#include "loop.h"
#include "util.h"

int
listen_parse(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[64];
	const char *colon = strrchr(s, ':'), *es;
	long long port;
	size_t hl;

	if (colon == NULL)
		return -1;
	port = vep_strtonum(colon + 1, 1, 65535, &es);
	hl = (size_t)(colon - s);
	if (es != NULL || hl == 0 || hl >= sizeof(host))
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return -1;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*s6);
		return 0;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
		return -1;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	*len = sizeof(*s4);
	return 0;
}

int
listen_open(const struct sockaddr_storage *ss, socklen_t len, int backlog)
{
	int fd, one = 1, saved;

	if ((fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, (const struct sockaddr *)ss, len) == -1 || listen(fd, backlog) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

void
accept_pause_init(struct accept_pause *ap, struct loop *l, int fd, long long pause_ms)
{
	memset(ap, 0, sizeof(*ap));
	ap->loop = l;
	ap->fd = fd;
	ap->pause_ms = pause_ms;
}

static long long
resume(struct loop *l, long long id, void *arg)
{
	struct accept_pause *ap = arg;

	(void)id;
	ap->timer = 0;
	(void)loop_io_mod(l, ap->fd, LOOP_READ);
	return -1;
}

int
accept_pause(struct accept_pause *ap, int err)
{
	if (err != EMFILE && err != ENFILE)
		return 0;
	if (ap->timer != 0)
		return 1;
	complain(&ap->c, loop_now_ms() / 1000, 60, "accept: %s: not accepting for %lld ms",
	    strerror(err), ap->pause_ms);
	(void)loop_io_mod(ap->loop, ap->fd, 0);
	if ((ap->timer = loop_timer_add(ap->loop, ap->pause_ms, resume, ap)) == -1) {
		ap->timer = 0;
		(void)loop_io_mod(ap->loop, ap->fd, LOOP_READ);
	}
	ap->pauses++;
	return 1;
}

void
accept_ok(struct accept_pause *ap)
{
	complain_release(&ap->c, loop_now_ms() / 1000, "accept: descriptors available again");
}

void
accept_pause_done(struct accept_pause *ap)
{
	if (ap->timer != 0)
		loop_timer_del(ap->loop, ap->timer);
	ap->timer = 0;
}

int
listen_accept(struct accept_pause *ap, const char *who)
{
	int fd = accept4(ap->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd == -1) {
		if (!accept_pause(ap, errno) && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR && errno != ECONNABORTED)
			log_warn("%s: accept", who);
		return -1;
	}
	accept_ok(ap);
	return fd;
}

void
listen_close(struct accept_pause *ap)
{
	accept_pause_done(ap);
	loop_io_del(ap->loop, ap->fd);
	close(ap->fd);
}
