/*
 * billingd's /metrics server (see mserver.h): GET /metrics answers the
 * render callback's text, anything else 404 or 405; one request per
 * connection.  Everything runs on the loop; no client can hold a slot
 * longer than req_ms + write_ms, and a new client takes the slot of the
 * oldest one still silent when all are taken: a scraper, which sends its
 * request at once, gets through however many idle connections are open.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"
#include "loop.h"
#include "util.h"
#include "mserver.h"

/* Accepts per readiness: reads of the accepted clients interleave. */
#define ACCEPT_BURST	16

struct mclient {
	struct mserver	*ms;
	struct mclient	*next;		/* newer to older */
	int		 fd;
	char		 in[1024];
	size_t		 inlen;
	struct buf	 out;		/* empty until the request is complete */
	size_t		 off;
	long long	 timer;
};

struct mserver {
	struct loop		*loop;
	int			 fd;
	struct mserver_limits	 lim;
	mserver_render_fn	*render;
	void			*arg;
	struct mclient		*clients;
	unsigned		 n;
	uint64_t		 evicted;
	struct accept_pause	 ap;
};

static void
client_free(struct mclient *c)
{
	struct mserver *ms = c->ms;
	struct mclient **pp;

	for (pp = &ms->clients; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	if (c->timer != 0)
		loop_timer_del(ms->loop, c->timer);
	loop_io_del(ms->loop, c->fd);
	close(c->fd);
	buf_free(&c->out);
	free(c);
	ms->n--;
}

static long long
client_timeout(struct loop *l, long long id, void *arg)
{
	struct mclient *c = arg;

	(void)l;
	(void)id;
	c->timer = 0;
	client_free(c);
	return -1;
}

static void
client_write(struct mclient *c)
{
	while (c->off < c->out.len) {
		ssize_t n = send(c->fd, c->out.data + c->off, c->out.len - c->off, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			(void)loop_io_mod(c->ms->loop, c->fd, LOOP_WRITE);
			return;
		}
		if (n <= 0)
			break;
		c->off += (size_t)n;
	}
	client_free(c);
}

/* The request line is complete: make the answer. */
static void
answer(struct mclient *c)
{
	struct mserver *ms = c->ms;
	struct buf body;
	char *eol = strpbrk(c->in, "\r\n");

	*eol = '\0';
	buf_init(&body);
	if (strncmp(c->in, "GET /metrics ", 13) == 0 || strcmp(c->in, "GET /metrics") == 0) {
		ms->render(&body, ms->arg);
		buf_printf(&c->out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; "
		    "version=0.0.4\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
		    body.len);
		buf_append(&c->out, body.data ? body.data : "", body.len);
	} else if (strncmp(c->in, "GET ", 4) == 0)
		buf_puts(&c->out, "HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\n"
		    "Connection: close\r\n\r\nnot found\n");
	else
		buf_puts(&c->out, "HTTP/1.1 405 Method Not Allowed\r\nAllow: GET\r\n"
		    "Content-Length: 19\r\nConnection: close\r\n\r\nmethod not allowed\n");
	buf_free(&body);
	if (c->out.oom || c->out.len == 0) {
		client_free(c);
		return;
	}
	/* From now on the answer's deadline. */
	if (c->timer != 0)
		(void)loop_timer_reset(ms->loop, c->timer, ms->lim.write_ms);
	client_write(c);
}

static void
client_read(struct mclient *c)
{
	ssize_t n;

	n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - 1 - c->inlen, 0);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_free(c);
		return;
	}
	c->inlen += (size_t)n;
	c->in[c->inlen] = '\0';
	if (strstr(c->in, "\r\n\r\n") == NULL && strstr(c->in, "\n\n") == NULL) {
		if (c->inlen == sizeof(c->in) - 1)
			client_free(c);
		return;
	}
	answer(c);
}

static void
client_io(struct loop *l, int fd, int mask, void *arg)
{
	struct mclient *c = arg;

	(void)l;
	(void)fd;
	(void)mask;
	if (c->out.len > 0)
		client_write(c);
	else
		client_read(c);
}

/* All slots taken: close the oldest client that has not sent its request. */
static int
evict_one(struct mserver *ms)
{
	struct mclient *victim = NULL;

	for (struct mclient *c = ms->clients; c != NULL; c = c->next)
		if (c->out.len == 0)
			victim = c;
	if (victim == NULL)
		return -1;
	client_free(victim);
	ms->evicted++;
	return 0;
}

static void
accept_ready(struct loop *l, int lfd, int mask, void *arg)
{
	struct mserver *ms = arg;
	struct mclient *c;
	int fd;

	(void)mask;
	for (int i = 0; i < ACCEPT_BURST; i++) {
		if ((fd = listen_accept(&ms->ap, "metrics")) == -1)
			return;
		if ((ms->n >= ms->lim.max_clients && evict_one(ms) == -1) ||
		    (c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		c->ms = ms;
		c->fd = fd;
		buf_init(&c->out);
		c->next = ms->clients;
		ms->clients = c;
		ms->n++;
		if (loop_io_add(l, fd, LOOP_READ, client_io, c) == -1 ||
		    (c->timer = loop_timer_add(l, ms->lim.req_ms, client_timeout, c)) == -1) {
			c->timer = 0;
			client_free(c);
			continue;
		}
		/* A scraper's request is usually there already. */
		client_read(c);
	}
}

struct mserver *
mserver_new(struct loop *l, const char *addr, const struct mserver_limits *lim,
    mserver_render_fn *render, void *arg, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	struct mserver *ms;
	socklen_t len;
	int fd;

	if (listen_parse(addr, &ss, &len) == -1) {
		snprintf(err, errlen, "listen: \"%s\" is not address:port", addr);
		return NULL;
	}
	if ((fd = listen_open(&ss, len, 128)) == -1) {
		snprintf(err, errlen, "listen %s: %s", addr, strerror(errno));
		return NULL;
	}
	if ((ms = calloc(1, sizeof(*ms))) == NULL) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		return NULL;
	}
	ms->loop = l;
	ms->fd = fd;
	ms->lim = *lim;
	ms->render = render;
	ms->arg = arg;
	accept_pause_init(&ms->ap, l, fd, lim->pause_ms);
	if (loop_io_add(l, fd, LOOP_READ, accept_ready, ms) == -1) {
		snprintf(err, errlen, "listen %s: %s", addr, strerror(errno));
		close(fd);
		free(ms);
		return NULL;
	}
	return ms;
}

void
mserver_free(struct mserver *ms)
{
	if (ms == NULL)
		return;
	while (ms->clients != NULL)
		client_free(ms->clients);
	listen_close(&ms->ap);
	free(ms);
}

uint64_t
mserver_evicted(const struct mserver *ms)
{
	return ms->evicted;
}

uint64_t
mserver_pauses(const struct mserver *ms)
{
	return ms->ap.pauses;
}
