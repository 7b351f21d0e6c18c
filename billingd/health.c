/*
 * billingd's own health: a tiny HTTP server for GET /metrics (Prometheus
 * text) on a loopback address, served from the loop's epoll like the
 * polls; and the nodes' state, last poll, last success and lag, which the
 * loop publishes each tick and the writer stores in the nodes table.
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "db_usage.h"
#include "log.h"
#include "util.h"
#include "billingd.h"

#define MAX_CLIENTS	16
#define CLIENT_MS	2000

struct mclient {
	struct evsrc	 ev;
	struct mclient	*next;
	int		 fd;
	char		 in[1024];
	size_t		 inlen;
	struct buf	 out;
	size_t		 off;
	int64_t		 deadline;
};

/* "127.0.0.1:9300" into a sockaddr; only numeric IPv4 or [IPv6]. */
static int
parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
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
	if (host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return -1;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*s6);
		return 0;
	}
	{
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			return -1;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof(*s4);
	}
	return 0;
}

int
health_listen(struct billingd *bd)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	bd->L.lfd = -1;
	if (bd->listen[0] == '\0')
		return 0;	/* no metrics endpoint */
	if (parse_listen(bd->listen, &ss, &len) == -1) {
		log_warnx("listen: \"%s\" is not address:port", bd->listen);
		return -1;
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&ss, len) == -1 || listen(fd, 16) == -1) {
		log_warn("listen %s", bd->listen);
		if (fd != -1)
			close(fd);
		return -1;
	}
	bd->L.lfd = fd;
	bd->L.ev_listen.kind = EV_LISTEN;
	bd->L.ev_listen.p = NULL;
	return loop_watch(bd, fd, EPOLLIN, &bd->L.ev_listen, 1);
}

static void
client_free(struct billingd *bd, struct mclient *c)
{
	struct mclient **pp;

	for (pp = &bd->L.clients; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	loop_unwatch(bd, c->fd);
	close(c->fd);
	buf_free(&c->out);
	free(c);
	bd->L.nclients--;
}

void
health_accept(struct billingd *bd, int64_t now)
{
	struct mclient *c;
	int fd;

	while ((fd = accept4(bd->L.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1) {
		if (bd->L.nclients >= MAX_CLIENTS || (c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		c->ev.kind = EV_MCLIENT;
		c->ev.p = c;
		c->fd = fd;
		c->deadline = now + CLIENT_MS;
		buf_init(&c->out);
		c->next = bd->L.clients;
		bd->L.clients = c;
		bd->L.nclients++;
		if (loop_watch(bd, fd, EPOLLIN, &c->ev, 1) == -1)
			client_free(bd, c);
	}
}

static void
metric(struct buf *b, const char *name, const char *help, const char *type)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
render(struct billingd *bd, struct buf *b)
{
	unsigned n[4] = { 0 };
	struct wfig s;
	size_t qbytes;

	for (struct peer *p = bd->L.peers; p != NULL; p = p->next)
		n[p->hs]++;
	pthread_mutex_lock(&bd->S.mu);
	s = bd->S.fig;
	qbytes = bd->S.q_bytes;
	pthread_mutex_unlock(&bd->S.mu);

	metric(b, "billingd_nodes", "nodes polled by this billingd, by state", "gauge");
	for (int i = 0; i < 4; i++)
		buf_printf(b, "billingd_nodes{state=\"%s\"} %u\n",
		    peer_health_name((enum peer_health)i), n[i]);
	metric(b, "billingd_polls_total", "agent polls by result", "counter");
	buf_printf(b, "billingd_polls_total{result=\"ok\"} %llu\n",
	    (unsigned long long)bd->L.polls_ok);
	buf_printf(b, "billingd_polls_total{result=\"failed\"} %llu\n",
	    (unsigned long long)bd->L.polls_failed);
	metric(b, "billingd_node_transitions_total", "changes of a node's health state", "counter");
	buf_printf(b, "billingd_node_transitions_total %llu\n", (unsigned long long)bd->L.transitions);
	metric(b, "billingd_samples_total", "VE samples metered", "counter");
	buf_printf(b, "billingd_samples_total %llu\n", (unsigned long long)bd->L.samples);
	metric(b, "billingd_samples_per_second", "VE samples metered in the last tick", "gauge");
	buf_printf(b, "billingd_samples_per_second %llu\n",
	    (unsigned long long)bd->L.last_tick_samples);
	metric(b, "billingd_ignored_samples_total",
	    "samples of VEs not placed on the answering node", "counter");
	buf_printf(b, "billingd_ignored_samples_total %llu\n", (unsigned long long)bd->L.ignored);
	metric(b, "billingd_stale_samples_total", "samples of a second already metered", "counter");
	buf_printf(b, "billingd_stale_samples_total %llu\n", (unsigned long long)bd->L.stale);
	metric(b, "billingd_availability_seconds_total",
	    "VE-seconds of availability observed: up, down, suspended (not counted), "
	    "down in a node outage", "counter");
	{
		static const char *const kind[4] = { "up", "down", "suspended", "outage" };
		for (int k = 0; k < 4; k++)
			buf_printf(b, "billingd_availability_seconds_total{kind=\"%s\"} %llu\n",
			    kind[k], (unsigned long long)bd->L.avail_seconds[k]);
	}
	metric(b, "billingd_last_tick_overrun_ms", "how late the last tick started", "gauge");
	buf_printf(b, "billingd_last_tick_overrun_ms %lld\n", (long long)bd->L.last_overrun_ms);
	metric(b, "billingd_ticks_total", "ticks run (one per second)", "counter");
	buf_printf(b, "billingd_ticks_total %llu\n", (unsigned long long)bd->L.ticks);
	metric(b, "billingd_ticks_skipped_total", "whole seconds skipped because the loop was late", "counter");
	buf_printf(b, "billingd_ticks_skipped_total %llu\n", (unsigned long long)bd->L.ticks_skipped);
	metric(b, "billingd_db_up", "1 while the database accepts writes", "gauge");
	buf_printf(b, "billingd_db_up %d\n", s.db_up);
	metric(b, "billingd_spool_bytes", "bytes of batches waiting in the spool file", "gauge");
	buf_printf(b, "billingd_spool_bytes %llu\n", (unsigned long long)s.spool_bytes);
	metric(b, "billingd_memory_queue_bytes", "bytes of batches waiting in memory", "gauge");
	buf_printf(b, "billingd_memory_queue_bytes %llu\n",
	    (unsigned long long)(qbytes + s.pend_bytes));
	metric(b, "billingd_batches_total", "batches by outcome", "counter");
	buf_printf(b, "billingd_batches_total{result=\"applied\"} %llu\n", (unsigned long long)s.applied);
	buf_printf(b, "billingd_batches_total{result=\"spooled\"} %llu\n", (unsigned long long)s.spooled);
	buf_printf(b, "billingd_batches_total{result=\"replayed\"} %llu\n", (unsigned long long)s.replayed);
	buf_printf(b, "billingd_batches_total{result=\"dropped\"} %llu\n",
	    (unsigned long long)(s.dropped + bd->L.batches_lost));
	metric(b, "billingd_write_seconds_total", "time spent writing batches to the database", "counter");
	buf_printf(b, "billingd_write_seconds_total %llu.%06llu\n",
	    (unsigned long long)(s.write_us / 1000000), (unsigned long long)(s.write_us % 1000000));
	metric(b, "billingd_spans_written_total", "VE usage spans written", "counter");
	buf_printf(b, "billingd_spans_written_total %llu\n", (unsigned long long)s.spans);
	metric(b, "billingd_rows_written_total", "table rows written", "counter");
	buf_printf(b, "billingd_rows_written_total %llu\n", (unsigned long long)s.rows);
	metric(b, "billingd_committed_until_seconds", "time of the latest sample committed", "gauge");
	buf_printf(b, "billingd_committed_until_seconds %lld\n", (long long)s.committed_t);
	metric(b, "billingd_conflicts_total", "VEs whose database state differed from ours", "counter");
	buf_printf(b, "billingd_conflicts_total %llu\n", (unsigned long long)s.conflicts);
	metric(b, "billingd_late_marks_total", "VE-months that got usage after they were invoiced",
	    "counter");
	buf_printf(b, "billingd_late_marks_total %llu\n", (unsigned long long)s.late);
	metric(b, "billingd_node_up", "1 if the node's last poll succeeded", "gauge");
	for (struct peer *p = bd->L.peers; p != NULL; p = p->next)
		buf_printf(b, "billingd_node_up{node=\"%s\"} %d\n", p->ni.name, p->hs == PH_UP);
	metric(b, "billingd_node_lag_ms", "time from the tick to the node's complete answer", "gauge");
	for (struct peer *p = bd->L.peers; p != NULL; p = p->next)
		buf_printf(b, "billingd_node_lag_ms{node=\"%s\"} %d\n", p->ni.name, p->lag_ms);
}

static void
client_write(struct billingd *bd, struct mclient *c)
{
	while (c->off < c->out.len) {
		ssize_t n = send(c->fd, c->out.data + c->off, c->out.len - c->off, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			loop_watch(bd, c->fd, EPOLLOUT, &c->ev, 0);
			return;
		}
		if (n <= 0)
			break;
		c->off += (size_t)n;
	}
	client_free(bd, c);
}

void
health_client(struct billingd *bd, struct mclient *c, uint32_t events, int64_t now)
{
	struct buf body;
	char *eol;
	ssize_t n;

	if (c->out.len > 0) {
		client_write(bd, c);
		return;
	}
	n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - 1 - c->inlen, 0);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_free(bd, c);
		return;
	}
	c->inlen += (size_t)n;
	c->in[c->inlen] = '\0';
	if (strstr(c->in, "\r\n\r\n") == NULL && strstr(c->in, "\n\n") == NULL) {
		if (c->inlen == sizeof(c->in) - 1)
			client_free(bd, c);
		return;
	}
	eol = strpbrk(c->in, "\r\n");
	*eol = '\0';
	buf_init(&body);
	if (strncmp(c->in, "GET /metrics ", 13) == 0 || strcmp(c->in, "GET /metrics") == 0) {
		render(bd, &body);
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
	if (c->out.oom) {
		client_free(bd, c);
		return;
	}
	client_write(bd, c);
	(void)events;
	(void)now;
}

void
health_expire(struct billingd *bd, int64_t now)
{
	struct mclient *c, *next;

	for (c = bd->L.clients; c != NULL; c = next) {
		next = c->next;
		if (now >= c->deadline)
			client_free(bd, c);
	}
}

void
health_close_all(struct billingd *bd)
{
	while (bd->L.clients != NULL)
		client_free(bd, bd->L.clients);
	if (bd->L.lfd != -1) {
		loop_unwatch(bd, bd->L.lfd);
		close(bd->L.lfd);
		bd->L.lfd = -1;
	}
}

/* Loop: copy every node's health for the writer. */
void
health_publish(struct billingd *bd)
{
	struct nodehealth *h;
	size_t n = 0;

	for (struct peer *p = bd->L.peers; p != NULL; p = p->next)
		n++;
	if ((h = calloc(n ? n : 1, sizeof(*h))) == NULL)
		return;
	n = 0;
	for (struct peer *p = bd->L.peers; p != NULL; p = p->next, n++) {
		h[n].id = p->ni.id;
		h[n].state = p->hs;
		h[n].last_poll_at = p->last_poll_at;
		h[n].last_ok_at = p->last_ok_at;
		h[n].lag_ms = p->last_ok_at ? p->lag_ms : -1;
	}
	pthread_mutex_lock(&bd->S.mu);
	free(bd->S.health);
	bd->S.health = h;
	bd->S.nhealth = n;
	pthread_mutex_unlock(&bd->S.mu);
}

/* Writer: store the published health in the nodes table. */
void
health_store(struct billingd *bd)
{
	struct nodehealth *h = NULL;
	size_t n = 0;

	pthread_mutex_lock(&bd->S.mu);
	if (bd->S.nhealth > 0 && (h = malloc(bd->S.nhealth * sizeof(*h))) != NULL) {
		memcpy(h, bd->S.health, bd->S.nhealth * sizeof(*h));
		n = bd->S.nhealth;
	}
	pthread_mutex_unlock(&bd->S.mu);
	for (size_t i = 0; i < n; i++) {
		if (db_usage_node_health(bd->W.db, bd->id, h[i].id,
		    peer_health_name(h[i].state), h[i].last_poll_at,
		    h[i].last_ok_at, h[i].lag_ms) != DB_OK)
			break;
	}
	free(h);
}
