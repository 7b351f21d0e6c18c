/*
 * veagent's HTTP/1.1 server: a pure request parser over (buf, len), so it
 * can be fuzzed and table-tested, and a per-connection state machine on
 * non-blocking sockets driven by the event loop.  Only what a Prometheus
 * scraper needs: GET/HEAD, keep-alive, pipelining, Content-Length bodies
 * skipped, no chunked requests.
 */
#ifndef VEAGENT_HTTP_H
#define VEAGENT_HTTP_H

#include <stddef.h>

#include "util.h"

#define HTTP_MAX_REQ	8192	/* request head plus body */
#define HTTP_MAX_PATH	1024
#define HTTP_MAX_HEADERS 64
#define HTTP_MAX_AUTH	512	/* longest Authorization value kept (longer: not kept, so refused) */

enum http_method { HTTP_GET = 0, HTTP_HEAD, HTTP_OTHER };

enum http_parse_rc {
	HTTP_PARSE_DONE = 0,	/* one whole request; req->len bytes consumed */
	HTTP_PARSE_MORE = 1,	/* well-formed so far, incomplete */
	HTTP_PARSE_BAD = -1,	/* malformed: answer 400 and close */
	HTTP_PARSE_TOOBIG = -2,	/* longer than the limit: answer 400 and close */
};

struct http_req {
	enum http_method method;
	int		 minor;		/* HTTP/1.<minor>, 0 or 1 */
	int		 keepalive;	/* the connection may stay open after it */
	char		 path[HTTP_MAX_PATH + 1];	/* target without "?query" */
	char		 authorization[HTTP_MAX_AUTH + 1];	/* "" when absent; two: refused */
	size_t		 len;		/* bytes of buf this request used */
};

/*
 * Parse the request at the start of buf[0..len).  Never reads past len,
 * never needs a NUL.  max bounds the request size (at most HTTP_MAX_REQ).
 * On HTTP_PARSE_DONE *req is filled; otherwise its contents are undefined.
 */
enum http_parse_rc http_parse(const char *buf, size_t len, size_t max,
		    struct http_req *req);

struct loop;
struct http_server;

/* A response a handler fills; the server adds the status line and framing. */
struct http_resp {
	int		 status;
	const char	*ctype;
	struct buf	*body;	/* the server's scratch buffer, empty on entry */
	/*
	 * Or a file as the body (a VE's volume, agent/move.c): file_fd >= 0
	 * (the server owns and closes it) sends file_len bytes from its
	 * offset 0 by sendfile on the non-blocking socket, then closes the
	 * connection; xhdr, when set, is one more "Name: value" header.
	 */
	int		 file_fd;
	unsigned long long file_len;
	char		 xhdr[128];
};

/* Route one request; must set resp->status. */
typedef void	http_handler_fn(void *arg, const struct http_req *, struct http_resp *);

struct http_limits {
	int		 max_conns;	/* refused (closed at accept) above this */
	long long	 idle_ms;	/* keep-alive idle before close */
	long long	 req_ms;	/* whole request must arrive within this */
	long long	 write_ms;	/* a reader stalled this long is dropped */
};

/*
 * Listen on "ADDR:PORT" (IPv4 literal).  Returns NULL with a sentence in
 * err (e.g. "127.0.0.1:9101 is already in use").
 */
struct http_server *http_listen(struct loop *, const char *addr,
		    const struct http_limits *, http_handler_fn *, void *arg,
		    char *err, size_t errlen);
/* The bound port (useful with port 0). */
int		 http_port(const struct http_server *);
/* Close idle, slow and stalled connections; call about once a second. */
void		 http_cron(struct http_server *, long long now_ms);
/* Open connections and requests answered, for the agent's own metrics. */
int		 http_nconns(const struct http_server *);
unsigned long long http_nrequests(const struct http_server *);
void		 http_free(struct http_server *);

#endif
