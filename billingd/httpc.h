/*
 * httpc: the response side of billingd's small HTTP/1.1 client, as pure
 * functions over the bytes received so far (so tests and fuzzers drive it
 * without sockets).  Status line and headers, then a body delimited by
 * Content-Length, by chunked transfer coding (decoded in place) or by the
 * end of the connection.  And the one URL form agents have:
 * http://host[:port]/path.
 */
#ifndef BILLINGD_HTTPC_H
#define BILLINGD_HTTPC_H

#include <stddef.h>
#include <stdint.h>

#define HTTPC_MAX_HEAD	16384

enum httpc_rc { HTTPC_MORE, HTTPC_DONE, HTTPC_ERR };

struct httpc {
	int		 st;		/* parser state, httpc.c's enum */
	int		 status;	/* 200 ... */
	int		 keepalive;	/* the connection may be reused */
	size_t		 head;		/* bytes of status line and headers */
	size_t		 scan;		/* raw bytes consumed */
	size_t		 body_end;	/* decoded body is buf[head .. body_end) */
	uint64_t	 clen;		/* Content-Length, or chunk bytes left */
	int		 chunked, has_clen;
	size_t		 max_body;
};

/* Start a response; max_body bounds the decoded body. */
void	httpc_init(struct httpc *, size_t max_body);
/*
 * Feed the whole buffer received so far (len grows between calls; the
 * parser may rewrite bytes it consumed while decoding chunks).  eof: the
 * peer closed.  On HTTPC_DONE the body is buf[h->head .. h->body_end);
 * on HTTPC_ERR *why says what was wrong.
 */
enum httpc_rc httpc_feed(struct httpc *, char *buf, size_t len, int eof,
	    const char **why);

/*
 * Split "http://host[:port][/path]" into "host:port" (for the Host
 * header), host, port and path ("/" when none).  0 or -1 (not http, bad
 * port, too long, control characters or spaces).
 */
int	httpc_url(const char *url, char *host, size_t hostlen, char *port,
	    size_t portlen, char *path, size_t pathlen);

#endif
