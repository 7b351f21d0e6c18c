/*
 * The agent's HTTP/1.1 server (see http.h).  Two halves: http_parse(), a
 * pure function over untrusted bytes that checks the length before every
 * read, and the connection state machine, where every change of state goes
 * through conn_set() so the epoll mask always matches the state.
 *
 * A slow scraper never holds the loop: sockets are non-blocking, a
 * connection's input is bounded (HTTP_MAX_REQ), its output waits in its
 * own buffer for EPOLLOUT, and http_cron() drops connections that idle,
 * dribble a request or stop reading for longer than the limits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http.h"
#include "listen.h"
#include "log.h"
#include "loop.h"

/* ---- the parser ---- */

static int
is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* May c appear anywhere in a request head (CR and LF handled apart)? */
static int
head_byte_ok(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static int
ieq(const char *a, size_t alen, const char *lit)
{
	size_t n = strlen(lit);
	return alen == n && strncasecmp(a, lit, n) == 0;
}

/*
 * The next line of buf starting at *pos, without its LF or CRLF.  Returns
 * 1 with [*s, *s + *n) and *pos past the terminator, 0 when the line is
 * not complete yet, -1 on a bare CR or a control byte.
 */
static int
next_line(const char *buf, size_t lim, size_t *pos, const char **s, size_t *n)
{
	size_t i;

	for (i = *pos; i < lim; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n') {
			size_t end = i;
			if (end > *pos && buf[end - 1] == '\r')
				end--;
			*s = buf + *pos;
			*n = end - *pos;
			*pos = i + 1;
			return 1;
		}
		if (c == '\r') {
			if (i + 1 < lim && buf[i + 1] != '\n')
				return -1;
			continue;
		}
		if (!head_byte_ok(c))
			return -1;
	}
	return 0;
}

static int
parse_request_line(const char *s, size_t n, struct http_req *req)
{
	size_t i = 0, m, t;

	while (i < n && is_tchar((unsigned char)s[i]))
		i++;
	if (i == 0 || i >= n || s[i] != ' ')
		return -1;
	m = i;
	/* Methods are case-sensitive (RFC 9110 9.1). */
	if (m == 3 && memcmp(s, "GET", 3) == 0)
		req->method = HTTP_GET;
	else if (m == 4 && memcmp(s, "HEAD", 4) == 0)
		req->method = HTTP_HEAD;
	else
		req->method = HTTP_OTHER;
	i++;
	t = i;
	/* origin-form only: "/path?query" of visible ASCII */
	if (i >= n || s[i] != '/')
		return -1;
	while (i < n && s[i] > 0x20 && s[i] < 0x7f)
		i++;
	if (i >= n || s[i] != ' ')
		return -1;
	{
		size_t plen = i - t;
		const char *q = memchr(s + t, '?', plen);

		if (q != NULL)
			plen = (size_t)(q - (s + t));
		if (plen > HTTP_MAX_PATH)
			return -1;
		memcpy(req->path, s + t, plen);
		req->path[plen] = '\0';
	}
	i++;
	if (n - i != 8 || memcmp(s + i, "HTTP/1.", 7) != 0)
		return -1;
	if (s[i + 7] == '0')
		req->minor = 0;
	else if (s[i + 7] == '1')
		req->minor = 1;
	else
		return -1;
	return 0;
}

/* Comma-separated tokens of a Connection header. */
static void
parse_connection(const char *v, size_t n, int *close_, int *ka)
{
	size_t i = 0;

	while (i < n) {
		size_t st, en;

		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		st = i;
		while (i < n && v[i] != ',')
			i++;
		en = i;
		while (en > st && (v[en - 1] == ' ' || v[en - 1] == '\t'))
			en--;
		if (ieq(v + st, en - st, "close"))
			*close_ = 1;
		else if (ieq(v + st, en - st, "keep-alive"))
			*ka = 1;
	}
}

enum http_parse_rc
http_parse(const char *buf, size_t len, size_t max, struct http_req *req)
{
	size_t lim, pos = 0, n, clen = 0;
	const char *s;
	int r, nhdr = 0, nhost = 0, have_cl = 0, close_ = 0, ka = 0, nauth = 0;

	req->authorization[0] = '\0';
	if (max > HTTP_MAX_REQ)
		max = HTTP_MAX_REQ;
	lim = len < max ? len : max;

	/* Robustness (RFC 9112 2.2): ignore empty lines before the request. */
	while (pos < lim && (buf[pos] == '\r' || buf[pos] == '\n')) {
		if (buf[pos] == '\r' && pos + 1 < lim && buf[pos + 1] != '\n')
			return HTTP_PARSE_BAD;
		pos++;
	}
	if (pos < lim && !is_tchar((unsigned char)buf[pos]))
		return HTTP_PARSE_BAD;	/* no method starts like this */

	r = next_line(buf, lim, &pos, &s, &n);
	if (r < 0)
		return HTTP_PARSE_BAD;
	if (r == 0)
		goto incomplete;
	if (parse_request_line(s, n, req) == -1)
		return HTTP_PARSE_BAD;

	for (;;) {
		const char *colon, *v;
		size_t vn;

		r = next_line(buf, lim, &pos, &s, &n);
		if (r < 0)
			return HTTP_PARSE_BAD;
		if (r == 0)
			goto incomplete;
		if (n == 0)
			break;			/* end of the head */
		if (++nhdr > HTTP_MAX_HEADERS)
			return HTTP_PARSE_BAD;
		if (s[0] == ' ' || s[0] == '\t')
			return HTTP_PARSE_BAD;	/* obsolete line folding */
		if ((colon = memchr(s, ':', n)) == NULL || colon == s)
			return HTTP_PARSE_BAD;
		for (const char *p = s; p < colon; p++)
			if (!is_tchar((unsigned char)*p))
				return HTTP_PARSE_BAD;
		v = colon + 1;
		vn = n - (size_t)(v - s);
		while (vn > 0 && (*v == ' ' || *v == '\t')) {
			v++;
			vn--;
		}
		while (vn > 0 && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
			vn--;
		if (ieq(s, (size_t)(colon - s), "host")) {
			nhost++;
		} else if (ieq(s, (size_t)(colon - s), "content-length")) {
			if (have_cl || vn == 0 || vn > 7)
				return HTTP_PARSE_BAD;
			for (size_t k = 0; k < vn; k++) {
				if (v[k] < '0' || v[k] > '9')
					return HTTP_PARSE_BAD;
				clen = clen * 10 + (size_t)(v[k] - '0');
			}
			have_cl = 1;
		} else if (ieq(s, (size_t)(colon - s), "transfer-encoding")) {
			return HTTP_PARSE_BAD;	/* no request bodies but counted ones */
		} else if (ieq(s, (size_t)(colon - s), "connection")) {
			parse_connection(v, vn, &close_, &ka);
		} else if (ieq(s, (size_t)(colon - s), "authorization")) {
			/* kept only when it fits; one only (a second could hide the first) */
			if (++nauth > 1)
				return HTTP_PARSE_BAD;
			if (vn <= HTTP_MAX_AUTH && memchr(v, '\0', vn) == NULL) {
				memcpy(req->authorization, v, vn);
				req->authorization[vn] = '\0';
			}
		}
	}
	if (nhost > 1 || (req->minor == 1 && nhost == 0))
		return HTTP_PARSE_BAD;
	if (clen > max || pos > max - clen)
		return HTTP_PARSE_TOOBIG;
	if (pos + clen > len)
		return HTTP_PARSE_MORE;
	req->len = pos + clen;
	req->keepalive = req->minor == 1 ? !close_ : (ka && !close_);
	return HTTP_PARSE_DONE;

incomplete:
	/* Everything seen so far was acceptable; is there room for the rest? */
	return len >= max ? HTTP_PARSE_TOOBIG : HTTP_PARSE_MORE;
}

/* ---- the server ---- */

enum conn_state {
	CONN_READING,	/* waiting for (the rest of) a request */
	CONN_WRITING,	/* a response is being sent; then read again */
	CONN_CLOSING,	/* sending the last response; then close */
	CONN_DRAINING,	/* sent, write side shut: discard input until EOF, then close */
};

struct conn {
	struct http_server *srv;
	int		 fd;
	enum conn_state	 state;
	char		 in[HTTP_MAX_REQ];
	size_t		 inlen;
	struct buf	 out;
	size_t		 outoff;
	long long	 last_io;	/* last byte read or written */
	long long	 req_start;	/* first byte of the pending request, 0: none */
	size_t		 drained;
	int		 eof;		/* the peer closed its side */
	int		 file_fd;	/* a file body being sent, -1: none */
	unsigned long long file_off, file_len;
	struct conn	*next, *prev;
};

struct http_server {
	struct loop	*loop;
	int		 fd;
	int		 port;
	struct http_limits lim;
	http_handler_fn	*handler;
	void		*arg;
	struct conn	*conns;
	int		 nconns;
	unsigned long long nreq;
	struct buf	 scratch;	/* response bodies are built here */
	struct accept_pause ap;		/* out of descriptors: pause, not spin */
};

static void	conn_io(struct loop *, int, int, void *);

static void
conn_close(struct conn *c)
{
	struct http_server *srv = c->srv;

	loop_io_del(srv->loop, c->fd);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	srv->nconns--;
	if (c->file_fd >= 0)
		close(c->file_fd);
	buf_free(&c->out);
	free(c);
}

/* The one place a connection changes state; keeps epoll in step. */
static void
conn_set(struct conn *c, enum conn_state st)
{
	c->state = st;
	(void)loop_io_mod(c->srv->loop, c->fd,
	    st == CONN_READING || st == CONN_DRAINING ? LOOP_READ : LOOP_WRITE);
}

static const char *
status_text(int st)
{
	switch (st) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

#define HDR_ROOM	256	/* room kept before a body for its header */

/* The status line and headers of a response into hdr; their length. */
static size_t
head_text(char *hdr, size_t cap, int status, const char *ctype, size_t blen, int keepalive)
{
	int n = snprintf(hdr, cap, "HTTP/1.1 %d %s\r\n"
	    "Content-Type: %s\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n"
	    "%s"
	    "Connection: %s\r\n\r\n",
	    status, status_text(status), ctype, blen,
	    status == 405 ? "Allow: GET, HEAD\r\n" : "",
	    keepalive ? "keep-alive" : "close");

	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

static void
append_response(struct conn *c, int status, const char *ctype,
    const struct buf *body, int head_only, int keepalive)
{
	char hdr[HDR_ROOM];
	size_t hl = head_text(hdr, sizeof(hdr), status, ctype, body->len, keepalive);

	buf_append(&c->out, hdr, hl);
	if (!head_only && body->len > 0)
		buf_append(&c->out, body->data, body->len);
}

/*
 * Send the response a handler built in the server's scratch buffer, whose
 * first HDR_ROOM bytes were left free: the header goes right before the
 * body, and when nothing else waits to be sent the buffer itself becomes
 * the connection's output (swapped, not copied: a 5000-VE answer is MBs).
 */
static void
send_scratch(struct conn *c, int status, const char *ctype, int head_only, int keepalive)
{
	struct http_server *srv = c->srv;
	struct buf *sc = &srv->scratch;
	char hdr[HDR_ROOM];
	size_t blen = sc->len - HDR_ROOM;
	size_t hl = head_text(hdr, sizeof(hdr), status, ctype, blen, keepalive);
	size_t start = HDR_ROOM - hl;

	memcpy(sc->data + start, hdr, hl);
	if (head_only)
		sc->len = HDR_ROOM;
	if (c->outoff == c->out.len) {
		struct buf t = c->out;

		c->out = *sc;
		c->outoff = start;
		*sc = t;
		buf_reset(sc);
	} else
		buf_append(&c->out, sc->data + start, sc->len - start);
}

static void
answer_bad(struct conn *c)
{
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "bad request\n");
	append_response(c, 400, "text/plain; charset=utf-8", &b, 0, 0);
	buf_free(&b);
	c->inlen = 0;
	c->req_start = 0;
	conn_set(c, CONN_CLOSING);
}

/* A file body (http.h): its header now, the file from conn_write; then close. */
static void
file_start(struct conn *c, struct http_resp *resp, int head_only)
{
	char hdr[HDR_ROOM + 160];
	int n = snprintf(hdr, sizeof(hdr), "HTTP/1.1 %d %s\r\n"
	    "Content-Type: %s\r\nContent-Length: %llu\r\nCache-Control: no-store\r\n"
	    "%s%sConnection: close\r\n\r\n", resp->status, status_text(resp->status),
	    resp->ctype, resp->file_len, resp->xhdr, resp->xhdr[0] ? "\r\n" : "");

	if (n > 0 && (size_t)n < sizeof(hdr))
		buf_append(&c->out, hdr, (size_t)n);
	if (head_only)
		close(resp->file_fd);
	else {
		c->file_fd = resp->file_fd;
		c->file_off = 0;
		c->file_len = resp->file_len;
	}
	conn_set(c, CONN_CLOSING);
}

/*
 * Answer every complete request in the input buffer, stopping when the
 * output grows large (the peer must read before it may ask again).
 */
static const char zeros[HDR_ROOM];

static void
conn_serve(struct conn *c, long long now)
{
	struct http_server *srv = c->srv;
	struct http_req req;
	size_t off = 0;

	while (c->state == CONN_READING || c->state == CONN_WRITING) {
		enum http_parse_rc rc;
		struct http_resp resp;

		if (off == c->inlen || c->out.len - c->outoff > 256 * 1024)
			break;
		rc = http_parse(c->in + off, c->inlen - off, HTTP_MAX_REQ, &req);
		if (rc == HTTP_PARSE_MORE) {
			if (c->req_start == 0)
				c->req_start = now;
			break;
		}
		if (rc != HTTP_PARSE_DONE) {
			log_debug("%s: fd %d: %s request", __func__, c->fd,
			    rc == HTTP_PARSE_BAD ? "malformed" : "oversized");
			off = 0;
			answer_bad(c);
			break;
		}
		off += req.len;
		c->req_start = 0;
		srv->nreq++;
		buf_reset(&srv->scratch);
		buf_append(&srv->scratch, zeros, HDR_ROOM);
		resp.status = 500;
		resp.ctype = "text/plain; charset=utf-8";
		resp.body = &srv->scratch;
		resp.file_fd = -1;
		resp.file_len = 0;
		resp.xhdr[0] = '\0';
		if (req.method == HTTP_OTHER) {
			resp.status = 405;
			buf_puts(&srv->scratch, "method not allowed\n");
		} else
			srv->handler(srv->arg, &req, &resp);
		if (srv->scratch.oom || srv->scratch.len < HDR_ROOM) {
			buf_free(&srv->scratch);
			buf_append(&srv->scratch, zeros, HDR_ROOM);
			resp.status = 503;
			buf_puts(&srv->scratch, "out of memory\n");
			if (srv->scratch.oom) {
				conn_close(c);
				return;
			}
		}
		if (resp.file_fd >= 0) {
			file_start(c, &resp, req.method == HTTP_HEAD);
			off = c->inlen;	/* nothing after it is answered */
			break;
		}
		send_scratch(c, resp.status, resp.ctype, req.method == HTTP_HEAD, req.keepalive);
		conn_set(c, req.keepalive ? CONN_WRITING : CONN_CLOSING);
	}
	if (off > 0) {
		memmove(c->in, c->in + off, c->inlen - off);
		c->inlen -= off;
	}
}

/* Read what the socket has and answer it; 0, or -1 when c was closed. */
static int
conn_read(struct conn *c, long long now)
{
	int eof = 0;

	for (;;) {
		size_t room = sizeof(c->in) - c->inlen;
		ssize_t n;

		if (room == 0)
			break;
		n = read(c->fd, c->in + c->inlen, room);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n == -1) {
			conn_close(c);
			return -1;
		}
		if (n == 0) {
			eof = 1;
			break;
		}
		c->last_io = now;
		if (c->req_start == 0)
			c->req_start = now;
		c->inlen += (size_t)n;
		if ((size_t)n < room)
			break;	/* short read: the socket is drained */
	}
	conn_serve(c, now);
	/* Full and still no whole request in it: the request is too big. */
	if (c->state == CONN_READING && c->inlen == sizeof(c->in))
		answer_bad(c);
	if (eof) {
		/* A half-closed peer still gets the answers it asked for. */
		if (c->state == CONN_READING) {
			conn_close(c);
			return -1;
		}
		c->eof = 1;
		c->inlen = 0;
		c->state = CONN_CLOSING;
	}
	return 0;
}

static void
conn_write(struct conn *c, long long now)
{
	while (c->outoff < c->out.len) {
		ssize_t n = send(c->fd, c->out.data + c->outoff,
		    c->out.len - c->outoff, MSG_NOSIGNAL);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;		/* EPOLLOUT will call again */
		if (n <= 0) {
			conn_close(c);
			return;
		}
		c->outoff += (size_t)n;
		c->last_io = now;
	}
	while (c->file_fd >= 0 && c->file_off < c->file_len) {
		off_t o = (off_t)c->file_off;
		size_t want = c->file_len - c->file_off > (1u << 20) ? 1u << 20 :
		    (size_t)(c->file_len - c->file_off);
		ssize_t n = sendfile(c->fd, c->file_fd, &o, want);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;		/* EPOLLOUT will call again */
		if (n <= 0) {		/* an error, or the file shrank: the reader sees it short */
			conn_close(c);
			return;
		}
		c->file_off += (unsigned long long)n;
		c->last_io = now;
	}
	if (c->file_fd >= 0) {
		close(c->file_fd);
		c->file_fd = -1;
	}
	if (c->state == CONN_CLOSING) {
		/*
		 * Closing with unread input would make the kernel send a reset
		 * that can overtake our answer (a 400 to an oversized request):
		 * shut our side, then read until the peer closes (lingering close).
		 */
		if (c->inlen == 0 && c->eof) {
			conn_close(c);
			return;
		}
		(void)shutdown(c->fd, SHUT_WR);
		c->last_io = now;
		conn_set(c, CONN_DRAINING);
		return;
	}
	/* Keep the buffer for the next answer unless it is unusually large. */
	if (c->out.cap > 64u * 1024 * 1024)
		buf_free(&c->out);
	else
		buf_reset(&c->out);
	c->outoff = 0;
	conn_set(c, CONN_READING);
	/* Pipelined requests may already be waiting in the input. */
	if (c->inlen > 0) {
		conn_serve(c, now);
		if (c->state != CONN_READING)
			conn_write(c, now);
	}
}

/* Discard what a closing peer still sends; close at its EOF or a limit. */
static void
conn_drain(struct conn *c, long long now)
{
	char tmp[4096];

	for (;;) {
		ssize_t n = read(c->fd, tmp, sizeof(tmp));

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0 || (c->drained += (size_t)n) > 256 * 1024) {
			conn_close(c);
			return;
		}
		c->last_io = now;
	}
}

static void
conn_io(struct loop *l, int fd, int mask, void *arg)
{
	struct conn *c = arg;
	long long now = loop_now_ms();

	if (c->state == CONN_DRAINING) {
		if (mask & LOOP_READ)
			conn_drain(c, now);
		return;
	}

	if (c->state == CONN_READING && (mask & LOOP_READ)) {
		if (conn_read(c, now) == -1)
			return;
		/* Try to send at once: usually the whole answer fits the socket. */
		if (c->state != CONN_READING)
			conn_write(c, now);
		return;
	}
	if (c->state != CONN_READING && (mask & LOOP_WRITE))
		conn_write(c, now);
}

static void
accept_ready(struct loop *l, int fd, int mask, void *arg)
{
	struct http_server *srv = arg;

	for (int i = 0; i < 64; i++) {
		struct conn *c;
		int cfd = listen_accept(&srv->ap, __func__);

		if (cfd == -1)
			return;
		if (srv->nconns >= srv->lim.max_conns) {
			log_debug("%s: %d connections, refusing one", __func__, srv->nconns);
			close(cfd);
			continue;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			close(cfd);
			continue;
		}
		{
			int one = 1;
			(void)setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		}
		c->srv = srv;
		c->fd = cfd;
		c->file_fd = -1;
		c->state = CONN_READING;
		c->last_io = loop_now_ms();
		buf_init(&c->out);
		if (loop_io_add(l, cfd, LOOP_READ, conn_io, c) == -1) {
			log_warn("%s: loop_io_add", __func__);
			close(cfd);
			free(c);
			continue;
		}
		c->next = srv->conns;
		if (srv->conns)
			srv->conns->prev = c;
		srv->conns = c;
		srv->nconns++;
	}
}

static int
parse_listen(const char *s, struct sockaddr_in *sin)
{
	const char *colon = strrchr(s, ':'), *es;
	char host[INET_ADDRSTRLEN];
	long long port;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host) || colon == s)
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = vep_strtonum(colon + 1, 0, 65535, &es);
	if (es != NULL)
		return -1;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return -1;
	return 0;
}

struct http_server *
http_listen(struct loop *l, const char *addr, const struct http_limits *lim,
    http_handler_fn *fn, void *arg, char *err, size_t errlen)
{
	struct http_server *srv = NULL;
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fd = -1, one = 1;

	if (parse_listen(addr, &sin) == -1) {
		snprintf(err, errlen, "--listen %s is not an IPv4 ADDR:PORT", addr);
		goto fail;
	}
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "cannot create a socket: %s", strerror(errno));
		goto fail;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		if (errno == EADDRINUSE)
			snprintf(err, errlen, "%s is already in use", addr);
		else
			snprintf(err, errlen, "cannot listen on %s: %s", addr, strerror(errno));
		goto fail;
	}
	if (listen(fd, 128) == -1) {
		snprintf(err, errlen, "cannot listen on %s: %s", addr, strerror(errno));
		goto fail;
	}
	if (getsockname(fd, (struct sockaddr *)&sin, &sl) == -1) {
		snprintf(err, errlen, "getsockname: %s", strerror(errno));
		goto fail;
	}
	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	srv->loop = l;
	srv->fd = fd;
	srv->port = ntohs(sin.sin_port);
	srv->lim = *lim;
	srv->handler = fn;
	srv->arg = arg;
	buf_init(&srv->scratch);
	accept_pause_init(&srv->ap, l, fd, 1000);
	if (loop_io_add(l, fd, LOOP_READ, accept_ready, srv) == -1) {
		snprintf(err, errlen, "cannot watch the socket: %s", strerror(errno));
		goto fail;
	}
	return srv;
fail:
	if (fd != -1)
		close(fd);
	free(srv);
	return NULL;
}

int
http_port(const struct http_server *srv)
{
	return srv->port;
}

int
http_nconns(const struct http_server *srv)
{
	return srv->nconns;
}

unsigned long long
http_nrequests(const struct http_server *srv)
{
	return srv->nreq;
}

void
http_cron(struct http_server *srv, long long now)
{
	struct conn *c, *next;

	for (c = srv->conns; c != NULL; c = next) {
		next = c->next;
		if (c->state == CONN_DRAINING) {
			if (now - c->last_io > 2000)
				conn_close(c);
			continue;
		}
		if (c->state != CONN_READING) {
			/* A reader that stopped reading. */
			if (now - c->last_io > srv->lim.write_ms) {
				log_debug("%s: fd %d stalled, closing", __func__, c->fd);
				conn_close(c);
			}
			continue;
		}
		if (c->req_start != 0 && now - c->req_start > srv->lim.req_ms) {
			/* Slowloris: a request dribbled in for too long. */
			log_debug("%s: fd %d request too slow, closing", __func__, c->fd);
			conn_close(c);
		} else if (c->req_start == 0 && now - c->last_io > srv->lim.idle_ms)
			conn_close(c);
	}
}

void
http_free(struct http_server *srv)
{
	if (srv == NULL)
		return;
	while (srv->conns != NULL)
		conn_close(srv->conns);
	listen_close(&srv->ap);
	buf_free(&srv->scratch);
	free(srv);
}
