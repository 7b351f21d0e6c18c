/*
 * The response parser and URL splitter of billingd's HTTP client; see
 * httpc.h.  Every read is bounded by len; chunked bodies are decoded in
 * place (the decoded bytes never overtake the raw ones, so a memmove
 * within the buffer is enough).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "httpc.h"

enum {
	S_HEAD,
	S_BODY_LEN,
	S_BODY_EOF,
	S_CHUNK_SIZE,
	S_CHUNK_DATA,
	S_CHUNK_CRLF,
	S_TRAILER,
	S_DONE
};

#define MAX_LINE	1024	/* a chunk-size or trailer line */

void
httpc_init(struct httpc *h, size_t max_body)
{
	memset(h, 0, sizeof(*h));
	h->st = S_HEAD;
	h->max_body = max_body;
}

static const char *
find_crlf(const char *p, const char *end)
{
	for (; end - p >= 2; p++)
		if (p[0] == '\r' && p[1] == '\n')
			return p;
	return NULL;
}

static int
hdr_is(const char *name, size_t n, const char *want)
{
	return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

/* The status line and headers in buf[0 .. h->head). */
static int
parse_head(struct httpc *h, const char *buf, const char **why)
{
	const char *p = buf, *end = buf + h->head - 2, *eol, *es;
	int minor;

	eol = find_crlf(p, end + 2);
	if (eol - p < 12 || memcmp(p, "HTTP/1.", 7) != 0 ||
	    (p[7] != '0' && p[7] != '1') || p[8] != ' ' ||
	    (eol - p > 12 && p[12] != ' ')) {
		*why = "malformed status line";
		return -1;
	}
	minor = p[7] - '0';
	h->status = (int)vep_strtonum_n(p + 9, 3, 100, 599, &es);
	if (es != NULL) {
		*why = "malformed status code";
		return -1;
	}
	h->keepalive = minor == 1;
	for (p = eol + 2; p < end; p = eol + 2) {
		const char *colon, *v, *ve;

		eol = find_crlf(p, end + 2);
		if (*p == ' ' || *p == '\t') {
			*why = "folded header line";
			return -1;
		}
		if ((colon = memchr(p, ':', (size_t)(eol - p))) == NULL || colon == p) {
			*why = "malformed header line";
			return -1;
		}
		for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		for (ve = eol; ve > v && (ve[-1] == ' ' || ve[-1] == '\t'); ve--)
			;
		if (hdr_is(p, (size_t)(colon - p), "Content-Length")) {
			uint64_t n = (uint64_t)vep_strtonum_n(v, (size_t)(ve - v), 0,
			    INT64_MAX, &es);
			if (es != NULL || (h->has_clen && n != h->clen)) {
				*why = "bad Content-Length";
				return -1;
			}
			h->clen = n;
			h->has_clen = 1;
		} else if (hdr_is(p, (size_t)(colon - p), "Transfer-Encoding")) {
			if (!hdr_is(v, (size_t)(ve - v), "chunked")) {
				*why = "unsupported Transfer-Encoding";
				return -1;
			}
			h->chunked = 1;
		} else if (hdr_is(p, (size_t)(colon - p), "Connection")) {
			if (hdr_is(v, (size_t)(ve - v), "close"))
				h->keepalive = 0;
			else if (hdr_is(v, (size_t)(ve - v), "keep-alive"))
				h->keepalive = 1;
		}
	}
	if (h->status < 200) {
		*why = "informational responses are not expected";
		return -1;
	}
	return 0;
}

/* What a step returns besides an enum httpc_rc. */
enum { STEP_NEXT = -1, STEP_MORE = -2 };

/* S_HEAD: find the end of the headers, parse them, pick the body's framing. */
static int
step_head(struct httpc *h, char *buf, size_t len, int eof, const char **why)
{
	const char *end = buf + len, *p;
	size_t from = h->scan > 3 ? h->scan - 3 : 0;

	for (p = buf + from; end - p >= 4; p++)
		if (memcmp(p, "\r\n\r\n", 4) == 0)
			break;
	if (end - p < 4) {
		h->scan = len;
		if (len > HTTPC_MAX_HEAD) {
			*why = "response headers too long";
			return HTTPC_ERR;
		}
		if (eof) {
			*why = len == 0 ? "connection closed without an answer" :
			    "connection closed in the headers";
			return HTTPC_ERR;
		}
		return HTTPC_MORE;
	}
	h->head = (size_t)(p - buf) + 4;
	if (h->head > HTTPC_MAX_HEAD) {
		*why = "response headers too long";
		return HTTPC_ERR;
	}
	if (parse_head(h, buf, why) == -1)
		return HTTPC_ERR;
	h->scan = h->body_end = h->head;
	if (h->status == 204 || h->status == 304) {
		h->st = S_DONE;
	} else if (h->chunked) {
		h->has_clen = 0;
		h->clen = 0;
		h->st = S_CHUNK_SIZE;
	} else if (h->has_clen) {
		if (h->clen > h->max_body) {
			*why = "response body too large";
			return HTTPC_ERR;
		}
		h->st = S_BODY_LEN;
	} else {
		h->keepalive = 0;
		h->st = S_BODY_EOF;
	}
	return STEP_NEXT;
}

/* S_CHUNK_SIZE: one chunk's size line. */
static int
step_chunk_size(struct httpc *h, char *buf, size_t len, const char **why)
{
	const char *end = buf + len, *eol, *p = buf + h->scan;
	uint64_t n = 0;
	int digits = 0, d;

	if ((eol = find_crlf(p, end)) == NULL) {
		if ((size_t)(end - p) > MAX_LINE) {
			*why = "chunk size line too long";
			return HTTPC_ERR;
		}
		return STEP_MORE;
	}
	for (; p < eol && (d = vep_hexval(*p)) >= 0; p++, digits++) {
		if (n > (UINT64_MAX >> 4)) {
			*why = "chunk size overflows";
			return HTTPC_ERR;
		}
		n = n << 4 | (uint64_t)d;
	}
	if (digits == 0 || (p < eol && *p != ';' && *p != ' ' && *p != '\t')) {
		*why = "malformed chunk size";
		return HTTPC_ERR;
	}
	h->scan = (size_t)(eol - buf) + 2;
	if (n == 0) {
		h->st = S_TRAILER;
		return STEP_NEXT;
	}
	if (n > h->max_body - (h->body_end - h->head)) {
		*why = "response body too large";
		return HTTPC_ERR;
	}
	h->clen = n;
	h->st = S_CHUNK_DATA;
	return STEP_NEXT;
}

enum httpc_rc
httpc_feed(struct httpc *h, char *buf, size_t len, int eof, const char **why)
{
	const char *end = buf + len, *eol;
	int r;

	for (;;) {
		switch (h->st) {
		case S_HEAD:
			if ((r = step_head(h, buf, len, eof, why)) != STEP_NEXT)
				return (enum httpc_rc)r;
			break;
		case S_BODY_LEN:
			if (len - h->head < h->clen) {
				if (eof) {
					*why = "connection closed in the body";
					return HTTPC_ERR;
				}
				return HTTPC_MORE;
			}
			h->body_end = h->head + (size_t)h->clen;
			if (len > h->body_end)
				h->keepalive = 0;	/* bytes we did not ask for */
			h->st = S_DONE;
			break;
		case S_BODY_EOF:
			if (len - h->head > h->max_body) {
				*why = "response body too large";
				return HTTPC_ERR;
			}
			if (!eof)
				return HTTPC_MORE;
			h->body_end = len;
			h->st = S_DONE;
			break;
		case S_CHUNK_SIZE:
			if ((r = step_chunk_size(h, buf, len, why)) == STEP_MORE)
				goto more;
			if (r != STEP_NEXT)
				return (enum httpc_rc)r;
			break;
		case S_CHUNK_DATA: {
			size_t n = len - h->scan;
			if (n > h->clen)
				n = (size_t)h->clen;
			if (n == 0)
				goto more;
			memmove(buf + h->body_end, buf + h->scan, n);
			h->body_end += n;
			h->scan += n;
			h->clen -= n;
			if (h->clen == 0)
				h->st = S_CHUNK_CRLF;
			break;
		}
		case S_CHUNK_CRLF:
			if (len - h->scan < 2)
				goto more;
			if (buf[h->scan] != '\r' || buf[h->scan + 1] != '\n') {
				*why = "chunk not followed by CRLF";
				return HTTPC_ERR;
			}
			h->scan += 2;
			h->st = S_CHUNK_SIZE;
			break;
		case S_TRAILER:
			if ((eol = find_crlf(buf + h->scan, end)) == NULL) {
				if (len - h->scan > MAX_LINE) {
					*why = "trailer line too long";
					return HTTPC_ERR;
				}
				goto more;
			}
			if (eol == buf + h->scan) {
				h->scan += 2;
				if (len > h->scan)
					h->keepalive = 0;
				h->st = S_DONE;
			} else
				h->scan = (size_t)(eol - buf) + 2;
			break;
		case S_DONE:
			return HTTPC_DONE;
		}
	}
more:
	if (eof) {
		*why = "connection closed in a chunked body";
		return HTTPC_ERR;
	}
	return HTTPC_MORE;
}

static int
copy(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

int
httpc_url(const char *url, char *host, size_t hostlen, char *port, size_t portlen,
    char *path, size_t pathlen)
{
	const char *p, *h, *he, *pe, *es;
	size_t n = strlen(url);

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f)
			return -1;
	if (strncmp(url, "http://", 7) != 0)
		return -1;
	p = url + 7;
	if (*p == '[') {
		h = p + 1;
		if ((he = strchr(h, ']')) == NULL)
			return -1;
		p = he + 1;
	} else {
		h = p;
		he = p + strcspn(p, ":/?#");
		p = he;
	}
	if (he == h || memchr(h, '@', (size_t)(he - h)) != NULL)
		return -1;
	if (copy(host, hostlen, h, (size_t)(he - h)) == -1)
		return -1;
	if (*p == ':') {
		p++;
		pe = p + strcspn(p, "/?#");
		vep_strtonum_n(p, (size_t)(pe - p), 1, 65535, &es);
		if (es != NULL || copy(port, portlen, p, (size_t)(pe - p)) == -1)
			return -1;
		p = pe;
	} else if (copy(port, portlen, "80", 2) == -1)
		return -1;
	if (*p == '\0')
		return copy(path, pathlen, "/", 1);
	if (*p != '/')
		return -1;
	n = strcspn(p, "#");
	return copy(path, pathlen, p, n);
}
