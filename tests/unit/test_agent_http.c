/*
 * Unit tests of veagent's HTTP request parser (agent/http.c): whole
 * requests, keep-alive rules, pipelining, malformed and oversized input,
 * and requests that arrive a few bytes at a time (slowloris).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "agent/http.h"
#include "util.h"

#define GETM	"GET /metrics HTTP/1.1\r\nHost: n1\r\n\r\n"

static const struct {
	const char	*in;
	size_t		 max;		/* 0: HTTP_MAX_REQ */
	int		 want;		/* enum http_parse_rc */
	int		 method;
	const char	*path;
	int		 keepalive;
	size_t		 len;		/* consumed; 0: all of in */
} rows[] = {
	/* good */
	{ GETM, 0, HTTP_PARSE_DONE, HTTP_GET, "/metrics", 1, 0 },
	{ "GET /metrics HTTP/1.1\nHost: n1\n\n", 0, HTTP_PARSE_DONE, HTTP_GET, "/metrics", 1, 0 },
	{ "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 0, HTTP_PARSE_DONE, HTTP_HEAD, "/healthz", 1, 0 },
	{ "GET /metrics?name[]=x HTTP/1.1\r\nHost: x\r\n\r\n", 0, HTTP_PARSE_DONE, HTTP_GET, "/metrics", 1, 0 },
	{ "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", 0, HTTP_PARSE_DONE, HTTP_OTHER, "/metrics", 1, 0 },
	{ "\r\n" GETM, 0, HTTP_PARSE_DONE, HTTP_GET, "/metrics", 1, 0 },
	{ "GET / HTTP/1.1\r\nHost: x\r\nX-Empty:\r\nUser-Agent: a\tb \r\n\r\n", 0, HTTP_PARSE_DONE, HTTP_GET, "/", 1, 0 },
	{ "GET / HTTP/1.1\r\nHost: x\r\nX-Bin: \xc3\xa9t\xc3\xa9\r\n\r\n", 0, HTTP_PARSE_DONE, HTTP_GET, "/", 1, 0 },
	/* keep-alive rules */
	{ "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 0, HTTP_PARSE_DONE, HTTP_GET, "/metrics", 0, 0 },
	{ "GET /metrics HTTP/1.1\r\nHost: x\r\nconnection: Keep-Alive, CLOSE\r\n\r\n", 0, HTTP_PARSE_DONE, HTTP_GET, "/metrics", 0, 0 },
	{ "GET /metrics HTTP/1.0\r\n\r\n", 0, HTTP_PARSE_DONE, HTTP_GET, "/metrics", 0, 0 },
	{ "GET /metrics HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 0, HTTP_PARSE_DONE, HTTP_GET, "/metrics", 1, 0 },
	{ "GET /metrics HTTP/1.0\r\nConnection: te, keep-alive\r\n\r\n", 0, HTTP_PARSE_DONE, HTTP_GET, "/metrics", 1, 0 },
	/* pipelined: the first request only */
	{ GETM GETM, 0, HTTP_PARSE_DONE, HTTP_GET, "/metrics", 1, sizeof(GETM) - 1 },
	{ GETM "GARBAGE", 0, HTTP_PARSE_DONE, HTTP_GET, "/metrics", 1, sizeof(GETM) - 1 },
	/* incomplete (slowloris-partial) */
	{ "", 0, HTTP_PARSE_MORE, 0, NULL, 0, 0 },
	{ "G", 0, HTTP_PARSE_MORE, 0, NULL, 0, 0 },
	{ "GET /metr", 0, HTTP_PARSE_MORE, 0, NULL, 0, 0 },
	{ "GET /metrics HTTP/1.1\r", 0, HTTP_PARSE_MORE, 0, NULL, 0, 0 },
	{ "GET /metrics HTTP/1.1\r\nHost: n1\r\n", 0, HTTP_PARSE_MORE, 0, NULL, 0, 0 },
	{ "GET /metrics HTTP/1.1\r\nHost: n1\r\n\r", 0, HTTP_PARSE_MORE, 0, NULL, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", 0, HTTP_PARSE_MORE, 0, NULL, 0, 0 },
	/* malformed */
	{ "GARBAGE\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ " GET / HTTP/1.1\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "\x16\x03\x01\x02\x00\x01", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },	/* TLS hello */
	{ "GET\x01 / HTTP/1.1\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\nHo\x7fst: x\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET /  HTTP/1.1\r\nHost: x\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET metrics HTTP/1.1\r\nHost: x\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET http://x/metrics HTTP/1.1\r\nHost: x\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET * HTTP/1.1\r\nHost: x\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET / HTTP/1.10\r\nHost: x\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET / http/1.1\r\nHost: x\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET /\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },	/* no Host */
	{ "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\nHost a\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\n: a\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\nHo st: a\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n", 0, HTTP_PARSE_BAD, 0, NULL, 0, 29 },
	/* oversized */
	{ "GET /metrics HTTP/1.1\r\nHost: n1\r\n", 20, HTTP_PARSE_TOOBIG, 0, NULL, 0, 0 },
	{ "GET /metrics HTTP/1.1\r\nHost: n1\r\n\r\n", 30, HTTP_PARSE_TOOBIG, 0, NULL, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9999999\r\n\r\n", 0, HTTP_PARSE_TOOBIG, 0, NULL, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n", 45, HTTP_PARSE_TOOBIG, 0, NULL, 0, 0 },
};

START_TEST(test_parse)
{
	struct http_req req;
	/* The row's "len" doubles as the input length for inputs with a NUL. */
	size_t inlen = rows[_i].want == HTTP_PARSE_BAD && rows[_i].len ? rows[_i].len :
	    strlen(rows[_i].in);
	size_t max = rows[_i].max ? rows[_i].max : HTTP_MAX_REQ;
	int rc;

	memset(&req, 0xa5, sizeof(req));
	rc = http_parse(rows[_i].in, inlen, max, &req);
	ck_assert_msg(rc == rows[_i].want, "row %d: got %d want %d", _i, rc, rows[_i].want);
	if (rc != HTTP_PARSE_DONE)
		return;
	ck_assert_msg((int)req.method == rows[_i].method, "row %d: method %d", _i, req.method);
	ck_assert_msg(strcmp(req.path, rows[_i].path) == 0, "row %d: path %s", _i, req.path);
	ck_assert_msg(req.keepalive == rows[_i].keepalive, "row %d: keepalive %d", _i,
	    req.keepalive);
	ck_assert_msg(req.len == (rows[_i].len ? rows[_i].len : inlen), "row %d: len %zu",
	    _i, req.len);
}
END_TEST

/* Every good request, fed a byte at a time, is "more" until its last byte. */
START_TEST(test_prefixes)
{
	struct http_req req;
	size_t n;

	if (rows[_i].want != HTTP_PARSE_DONE || rows[_i].len != 0)
		return;
	n = strlen(rows[_i].in);
	for (size_t k = 0; k < n; k++) {
		int rc = http_parse(rows[_i].in, k, HTTP_MAX_REQ, &req);
		ck_assert_msg(rc == HTTP_PARSE_MORE, "row %d: prefix %zu gave %d", _i, k, rc);
	}
	ck_assert_int_eq(http_parse(rows[_i].in, n, HTTP_MAX_REQ, &req), HTTP_PARSE_DONE);
}
END_TEST

/* A long pipeline parses request after request with exact lengths. */
START_TEST(test_pipeline)
{
	struct buf b;
	struct http_req req;
	size_t off = 0;
	int count = 0;

	buf_init(&b);
	for (int i = 0; i < 50; i++)
		buf_printf(&b, "GET /r%d HTTP/1.1\r\nHost: h\r\n%s\r\n", i,
		    i == 49 ? "Connection: close\r\n" : "");
	while (off < b.len) {
		char want[16];

		ck_assert_int_eq(http_parse(b.data + off, b.len - off, HTTP_MAX_REQ, &req),
		    HTTP_PARSE_DONE);
		snprintf(want, sizeof(want), "/r%d", count);
		ck_assert_str_eq(req.path, want);
		ck_assert_int_eq(req.keepalive, count != 49);
		off += req.len;
		count++;
	}
	ck_assert_int_eq(count, 50);
	buf_free(&b);
}
END_TEST

/* Headers that never end hit the size limit, not an endless wait. */
START_TEST(test_endless_headers)
{
	struct buf b;
	struct http_req req;
	int rc = HTTP_PARSE_MORE;

	buf_init(&b);
	buf_puts(&b, "GET / HTTP/1.1\r\nHost: h\r\n");
	while (b.len < HTTP_MAX_REQ + 100 && rc == HTTP_PARSE_MORE) {
		buf_puts(&b, "X-A: b\r\n");
		rc = http_parse(b.data, b.len, HTTP_MAX_REQ, &req);
	}
	/* Either the header count or the size limit stops it. */
	ck_assert(rc == HTTP_PARSE_BAD || rc == HTTP_PARSE_TOOBIG);
	buf_reset(&b);
	buf_puts(&b, "GET /");
	while (b.len < HTTP_MAX_REQ)
		buf_puts(&b, "aaaaaaaa");
	ck_assert_int_eq(http_parse(b.data, b.len, HTTP_MAX_REQ, &req), HTTP_PARSE_TOOBIG);
	buf_free(&b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("agent_http");
	TCase *tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_parse, 0, (int)nitems(rows));
	tcase_add_loop_test(tc, test_prefixes, 0, (int)nitems(rows));
	tcase_add_test(tc, test_pipeline);
	tcase_add_test(tc, test_endless_headers);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
