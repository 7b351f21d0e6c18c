/*
 * Polling the node agents: per node an HTTP/1.1 client on a non-blocking
 * socket (connect, send, read, keep the connection for the next second)
 * and a health state machine (unknown, up, failing, down) that only
 * peer_set_health() changes, so "down" and "back" are logged once each.
 * A request has poll_timeout_ms from its tick; whatever happens to one node
 * (refused, silent, slow, garbage) ends within that and touches no other.
 * A node that is down is tried again after a back-off that doubles up to
 * 30 s; its counters keep counting, so nothing is lost meanwhile.
 *
 * Availability: a poll that got no answer at all (refused, reset, silent)
 * is a second in which the node was unreachable; one that got an HTTP
 * answer, even a bad one, shows the node is alive.  A run of unreachable
 * polls lasting sla_node_down_s or more is a node outage: every second from
 * its first failed poll to its latest counts as down for the VEs last seen
 * active on the node (outage()).  A shorter run stays unmeasured.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "loop.h"
#include "util.h"
#include "billingd.h"
#include "collect.h"
#include "poll.h"

#define BACKOFF_MAX	30
#define GARBAGE_LOG_S	60
#define READ_CHUNK	65536

const char *
peer_health_name(enum peer_health h)
{
	switch (h) {
	case PH_UP:		return "up";
	case PH_FAILING:	return "failing";
	case PH_DOWN:		return "down";
	default:		return "unknown";
	}
}

/*
 * The one place a node's health changes: logs and counts the transition
 * (once) and keeps the back-off.
 */
static void
peer_set_health(struct billingd *bd, struct peer *p, enum peer_health to, int64_t t)
{
	enum peer_health from = p->hs;

	if (to == PH_DOWN)
		p->backoff = from == PH_DOWN ?
		    (p->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : p->backoff * 2) : 2;
	if (to == PH_DOWN)
		p->next_try = t + p->backoff;
	if (from == to)
		return;
	p->hs = to;
	bd->L.fig.transitions++;
	switch (to) {
	case PH_UP:
		if (from == PH_UNKNOWN)
			log_info("node %s: up", p->ni.name);
		else
			log_info("node %s: back after %lld s", p->ni.name,
			    (long long)(t - p->fail_since));
		break;
	case PH_FAILING:
		log_warnx("node %s: failing: %s", p->ni.name, p->why);
		break;
	case PH_DOWN:
		log_warnx("node %s: down since %lld s (%u failed polls): %s",
		    p->ni.name, (long long)(t - p->fail_since), p->fails, p->why);
		break;
	case PH_UNKNOWN:
		break;
	}
}

/*
 * Some other node polled by this billingd answered around second t: the
 * fault is the node's, not billingd's own network.  With no other node
 * to ask, there is nothing to compare with and the node is believed.
 */
static int
witness(struct billingd *bd, const struct peer *p, int64_t t)
{
	int others = 0;

	for (const struct peer *q = bd->L.peers; q != NULL; q = q->next) {
		if (q == p || q->stale)
			continue;
		others = 1;
		if (q->last_ok_at >= t - 2)
			return 1;
	}
	return !others;
}

/* The current run of unreachable polls, if long enough: its new seconds are down. */
static void
outage(struct billingd *bd, struct peer *p)
{
	int64_t from, to = p->tick;
	int w;

	if (bd->sla_node_down_s <= 0 || p->unreach_since == 0 ||
	    to - p->unreach_since + 1 < bd->sla_node_down_s)
		return;
	from = p->outage_marked >= p->unreach_since ? p->outage_marked + 1 : p->unreach_since;
	if (from > to)
		return;
	p->outage_marked = to;
	w = witness(bd, p, to);
	/* Once per run (released when the node answers again). */
	if (w)
		complain(&p->outage, to, 0, "node %s: unreachable for %lld s: its VEs count "
		    "as down since %lld", p->ni.name, (long long)(to - p->unreach_since + 1),
		    (long long)p->unreach_since);
	else
		complain(&p->outage, to, 0, "node %s: unreachable for %lld s, but so is every "
		    "other node: the fault may be billingd's own; not counted as VE downtime",
		    p->ni.name, (long long)(to - p->unreach_since + 1));
	if (w)
		collect_outage(bd, p->ni.id, from, to);
}

static void
conn_close(struct billingd *bd, struct peer *p)
{
	if (p->fd != -1) {
		loop_io_del(bd->L.loop, p->fd);
		close(p->fd);
	}
	p->fd = -1;
	p->cs = CONN_CLOSED;
}

/* The poll is over, answered or failed: its deadline goes. */
static void
poll_end(struct billingd *bd, struct peer *p)
{
	if (p->timer != 0)
		loop_timer_del(bd->L.loop, p->timer);
	p->timer = 0;
}

static void
peer_ok(struct billingd *bd, struct peer *p)
{
	poll_end(bd, p);
	p->fails = 0;
	p->unreach_since = 0;
	complain_release(&p->outage, p->tick, "node %s: reachable again", p->ni.name);
	p->last_ok_at = p->tick;
	p->lag_ms = (int)(loop_wall_ms() - p->tick * 1000);
	p->polls_ok++;
	bd->L.fig.polls_ok++;
	peer_set_health(bd, p, PH_UP, p->tick);
}

static void
peer_fail(struct billingd *bd, struct peer *p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
peer_fail(struct billingd *bd, struct peer *p, const char *fmt, ...)
{
	va_list ap;

	poll_end(bd, p);
	conn_close(bd, p);
	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	if (p->fails++ == 0)
		p->fail_since = p->tick;
	p->polls_failed++;
	bd->L.fig.polls_failed++;
	if (p->answered || p->inlen > 0) {
		p->unreach_since = 0;	/* alive, if broken: unmeasured, not down */
		complain_release(&p->outage, p->tick, "node %s: reachable again", p->ni.name);
	}
	else {
		if (p->unreach_since == 0)
			p->unreach_since = p->tick;
		outage(bd, p);
	}
	if (p->hs == PH_DOWN || p->fails >= (unsigned)bd->down_after)
		peer_set_health(bd, p, PH_DOWN, p->tick);
	else
		peer_set_health(bd, p, PH_FAILING, p->tick);
}

static struct peer *
peer_new(struct billingd *bd, const struct nodeinfo *ni)
{
	struct peer *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->bd = bd;
	p->fd = -1;
	p->ni = *ni;
	prom_init(&p->set);
	return p;
}

static void
peer_free(struct billingd *bd, struct peer *p)
{
	poll_end(bd, p);
	conn_close(bd, p);
	prom_free(&p->set);
	free(p->in);
	free(p);
}

static void node_token_header(const char *dir, const char *name, char *out, size_t outsz,
		    int quiet);

/*
 * The node's token is read again at every snapshot, quietly: a token file
 * that was not there (or not readable yet) when billingd first saw the
 * node, or a new token, is used from the next poll on, without a restart.
 */
static void
peer_token_refresh(struct billingd *bd, struct peer *p)
{
	char auth[sizeof(p->auth)];

	node_token_header(conf_values(bd->conf)->billingd.node_token_dir, p->ni.name, auth,
	    sizeof(auth), 1);
	if (strcmp(auth, p->auth) != 0) {
		log_info("node %s: %s", p->ni.name, auth[0] ? "its token is read; polling with it" :
		    "its token file is gone; polling without a token");
		memcpy(p->auth, auth, sizeof(p->auth));
	}
	explicit_bzero(auth, sizeof(auth));
}

void
peers_sync(struct billingd *bd, const struct snapshot *s)
{
	struct peer *p, **pp;

	for (p = bd->L.peers; p != NULL; p = p->next)
		p->stale = 1;
	for (size_t i = 0; i < s->nnodes; i++) {
		const struct nodeinfo *ni = &s->nodes[i];
		for (p = bd->L.peers; p != NULL; p = p->next)
			if (p->ni.id == ni->id)
				break;
		if (p == NULL) {
			if ((p = peer_new(bd, ni)) == NULL) {
				log_warn("%s: node %s", __func__, ni->name);
				continue;
			}
			p->next = bd->L.peers;
			bd->L.peers = p;
			node_token_header(conf_values(bd->conf)->billingd.node_token_dir, ni->name,
			    p->auth, sizeof(p->auth), 0);
			log_info("node %s: polling %s%s", ni->name, ni->url,
			    p->auth[0] ? " with its token" : "");
		} else if (strcmp(p->ni.url, ni->url) != 0 || p->ni.salen != ni->salen ||
		    memcmp(&p->ni.sa, &ni->sa, ni->salen) != 0) {
			log_info("node %s: now at %s", ni->name, ni->url);
			conn_close(bd, p);
			p->ni = *ni;
		} else {
			memcpy(p->ni.name, ni->name, sizeof(p->ni.name));
			peer_token_refresh(bd, p);
		}
		p->stale = 0;
	}
	for (pp = &bd->L.peers; (p = *pp) != NULL;) {
		if (p->stale) {
			log_info("node %s: no longer polled by this billingd", p->ni.name);
			*pp = p->next;
			peer_free(bd, p);
		} else
			pp = &p->next;
	}
}

void
peers_free(struct billingd *bd)
{
	struct peer *p;

	while ((p = bd->L.peers) != NULL) {
		bd->L.peers = p->next;
		peer_free(bd, p);
	}
}

/*
 * The Authorization line for node name: its token from dir/NAME.token
 * (agents with --token-file want it on /metrics), or "" when dir is empty
 * or the file is missing (logged unless quiet: the agent will answer 401).
 */
static void
node_token_header(const char *dir, const char *name, char *out, size_t outsz, int quiet)
{
	char path[1024], tok[257];
	ssize_t n;
	int fd;

	out[0] = '\0';
	if (dir == NULL || *dir == '\0')
		return;
	snprintf(path, sizeof(path), "%s/%s.token", dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		if (!quiet)
			log_warn("node %s: no token file %s; polling without a token", name, path);
		return;
	}
	n = read(fd, tok, sizeof(tok) - 1);
	close(fd);
	while (n > 0 && (tok[n - 1] == '\n' || tok[n - 1] == '\r' || tok[n - 1] == ' '))
		n--;
	if (n <= 0 || (size_t)n >= sizeof(tok) - 1) {
		if (!quiet)
			log_warnx("node %s: %s does not hold one token", name, path);
		return;
	}
	tok[n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if (tok[i] <= 0x20 || tok[i] >= 0x7f) {
			if (!quiet)
				log_warnx("node %s: %s does not hold one token", name, path);
			explicit_bzero(tok, sizeof(tok));
			return;
		}
	snprintf(out, outsz, "Authorization: Bearer %s\r\n", tok);
	explicit_bzero(tok, sizeof(tok));
}

static void
build_request(struct peer *p, size_t max_body)
{
	int n = snprintf(p->req, sizeof(p->req),
	    "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: billingd\r\n%s"
	    "Accept: text/plain\r\nConnection: keep-alive\r\n\r\n",
	    p->ni.path, p->ni.hostport, p->auth);
	p->reqlen = n > 0 && (size_t)n < sizeof(p->req) ? (size_t)n : 0;
	p->sent = 0;
	p->inlen = 0;
	httpc_init(&p->hr, max_body);
}

static void start_connect(struct billingd *, struct peer *);
static void peer_io(struct loop *, int, int, void *);

static void
send_more(struct billingd *bd, struct peer *p)
{
	while (p->sent < p->reqlen) {
		ssize_t n = send(p->fd, p->req + p->sent, p->reqlen - p->sent, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			(void)loop_io_mod(bd->L.loop, p->fd, LOOP_WRITE);
			return;
		}
		if (n <= 0 && p->reused && p->sent == 0 && loop_now_ms() < p->deadline) {
			/* The agent closed the kept-alive connection: one fresh try. */
			conn_close(bd, p);
			start_connect(bd, p);
			return;
		}
		if (n <= 0) {
			peer_fail(bd, p, "send: %s", strerror(errno));
			return;
		}
		p->sent += (size_t)n;
	}
	p->cs = CONN_READING;
	(void)loop_io_mod(bd->L.loop, p->fd, LOOP_READ);
}

static void
start_connect(struct billingd *bd, struct peer *p)
{
	int one = 1;

	p->reused = 0;
	p->fd = socket(p->ni.sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd == -1) {
		peer_fail(bd, p, "socket: %s", strerror(errno));
		return;
	}
	setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(p->fd, (struct sockaddr *)&p->ni.sa, p->ni.salen) == 0) {
		p->cs = CONN_SENDING;
		if (loop_io_add(bd->L.loop, p->fd, LOOP_WRITE, peer_io, p) == -1) {
			peer_fail(bd, p, "epoll: %s", strerror(errno));
			return;
		}
		send_more(bd, p);
		return;
	}
	if (errno != EINPROGRESS) {
		peer_fail(bd, p, "connect: %s", strerror(errno));
		return;
	}
	p->cs = CONN_CONNECTING;
	if (loop_io_add(bd->L.loop, p->fd, LOOP_WRITE, peer_io, p) == -1)
		peer_fail(bd, p, "epoll: %s", strerror(errno));
}

static long long
poll_timeout(struct loop *l, long long id, void *arg)
{
	struct peer *p = arg;

	(void)l;
	(void)id;
	p->timer = 0;
	peer_fail(p->bd, p, "no complete answer within %d ms", p->bd->poll_timeout_ms);
	return -1;
}

static void
peer_tick(struct billingd *bd, struct peer *p, int64_t t)
{
	if (p->cs != CONN_CLOSED && p->cs != CONN_IDLE) {
		/* Cannot happen with a timeout below the tick; be safe. */
		peer_fail(bd, p, "previous poll still running");
	}
	if (p->hs == PH_DOWN && t < p->next_try)
		return;
	p->tick = t;
	p->answered = 0;
	p->last_poll_at = t;
	p->deadline = loop_now_ms() + bd->poll_timeout_ms;
	if ((p->timer = loop_timer_add(bd->L.loop, bd->poll_timeout_ms, poll_timeout, p)) == -1) {
		p->timer = 0;
		peer_fail(bd, p, "out of memory");
		return;
	}
	if (p->ni.salen == 0) {
		peer_fail(bd, p, "cannot resolve the address of %s", p->ni.url);
		return;
	}
	build_request(p, bd->max_body);
	if (p->reqlen == 0) {
		peer_fail(bd, p, "URL too long");
		return;
	}
	if (p->cs == CONN_IDLE) {
		p->reused = 1;
		p->cs = CONN_SENDING;
		send_more(bd, p);
	} else
		start_connect(bd, p);
}

/* The answer is complete: check it, meter it, keep or drop the connection. */
static void
answered(struct billingd *bd, struct peer *p)
{
	char err[256];
	const char *body = p->in + p->hr.head;
	size_t blen = p->hr.body_end - p->hr.head;

	p->answered = 1;
	if (p->hr.status != 200) {
		peer_fail(bd, p, "HTTP status %d", p->hr.status);
		return;
	}
	if (prom_parse(&p->set, body, blen, err, sizeof(err)) == -1) {
		/* One line per node per minute, however often it repeats. */
		complain(&p->garbage, p->tick, GARBAGE_LOG_S, "node %s: answer refused: %s",
		    p->ni.name, err);
		peer_fail(bd, p, "malformed answer: %s", err);
		return;
	}
	complain_release(&p->garbage, p->tick, "node %s: answers well-formed again", p->ni.name);
	collect_answer(bd, p->ni.id, &p->set, p->tick);
	peer_ok(bd, p);
	if (p->hr.keepalive) {
		p->cs = CONN_IDLE;
		(void)loop_io_mod(bd->L.loop, p->fd, LOOP_READ);
	} else
		conn_close(bd, p);
}

static void
read_more(struct billingd *bd, struct peer *p)
{
	const char *why = NULL;
	int eof = 0;

	for (;;) {
		ssize_t n;
		if (p->incap - p->inlen < READ_CHUNK) {
			size_t ncap = p->incap ? p->incap * 2 : 2 * READ_CHUNK;
			char *np;
			if (ncap > bd->max_body + HTTPC_MAX_HEAD + 2 * READ_CHUNK) {
				peer_fail(bd, p, "answer larger than %zu bytes", bd->max_body);
				return;
			}
			if ((np = realloc(p->in, ncap)) == NULL) {
				peer_fail(bd, p, "out of memory");
				return;
			}
			p->in = np;
			p->incap = ncap;
		}
		n = recv(p->fd, p->in + p->inlen, p->incap - p->inlen, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n == -1 && (errno != ECONNRESET || p->inlen > 0)) {
			peer_fail(bd, p, "recv: %s", strerror(errno));
			return;
		}
		if (n <= 0) {
			eof = 1;
			break;
		}
		p->inlen += (size_t)n;
	}
	if (eof && p->inlen == 0 && p->reused && loop_now_ms() < p->deadline) {
		/* The agent closed the kept-alive connection: one fresh try. */
		conn_close(bd, p);
		p->sent = 0;
		httpc_init(&p->hr, bd->max_body);
		start_connect(bd, p);
		return;
	}
	switch (httpc_feed(&p->hr, p->in, p->inlen, eof, &why)) {
	case HTTPC_MORE:
		return;
	case HTTPC_ERR:
		peer_fail(bd, p, "%s", why);
		return;
	case HTTPC_DONE:
		answered(bd, p);
		return;
	}
}

/* The peer's socket is ready. */
static void
peer_io(struct loop *l, int fd, int mask, void *arg)
{
	struct peer *p = arg;
	struct billingd *bd = p->bd;
	int err = 0;
	socklen_t len = sizeof(err);

	switch (p->cs) {
	case CONN_CONNECTING:
		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			err = errno;
		if (err != 0) {
			peer_fail(bd, p, "connect: %s", strerror(err));
			return;
		}
		p->cs = CONN_SENDING;
		send_more(bd, p);
		return;
	case CONN_SENDING:
		send_more(bd, p);
		return;
	case CONN_READING:
		read_more(bd, p);
		return;
	case CONN_IDLE:
		/* The agent closed (or wrote) between polls: start afresh. */
		conn_close(bd, p);
		return;
	case CONN_CLOSED:
		return;
	}
	(void)l;
	(void)fd;
	(void)mask;
}

void
peers_tick(struct billingd *bd, int64_t t)
{
	for (struct peer *p = bd->L.peers; p != NULL; p = p->next)
		peer_tick(bd, p, t);
}

/* Copy every node's health for the writer (struct nodehealth). */
void
peers_publish(struct billingd *bd)
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
		h[n].state = peer_health_name(p->hs);
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
