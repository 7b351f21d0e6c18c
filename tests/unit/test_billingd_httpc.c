/*
 * Unit tests of billingd's HTTP response parser and URL splitter
 * (httpc.c): each response is fed whole and then byte by byte, as a
 * socket may deliver it; bodies by length, chunks and connection close.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpc.h"

static const struct {
	int		 line;
	const char	*in;
	int		 eof;		/* the peer closes after the bytes */
	enum httpc_rc	 want;
	int		 status, keepalive;
	const char	*body;
	const char	*why;
} rows[] = {
	{ __LINE__, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 0,
	  HTTPC_DONE, 200, 1, "hello", NULL },
	{ __LINE__, "HTTP/1.1 200\r\ncontent-length:5\r\n\r\nhello", 0,
	  HTTPC_DONE, 200, 1, "hello", NULL },
	{ __LINE__, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello", 0,
	  HTTPC_DONE, 200, 0, "hello", NULL },
	{ __LINE__, "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello", 0,
	  HTTPC_DONE, 200, 0, "hello", NULL },
	{ __LINE__, "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", 0,
	  HTTPC_DONE, 200, 1, "", NULL },
	{ __LINE__, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n", 0,
	  HTTPC_DONE, 200, 1, "hello, world", NULL },
	{ __LINE__, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "A\r\n0123456789\r\n0\r\n\r\n", 0, HTTPC_DONE, 200, 1, "0123456789", NULL },
	{ __LINE__, "HTTP/1.0 200 OK\r\n\r\nuntil the end", 1,
	  HTTPC_DONE, 200, 0, "until the end", NULL },
	{ __LINE__, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 3\r\n\r\nbad", 0,
	  HTTPC_DONE, 500, 1, "bad", NULL },
	{ __LINE__, "HTTP/1.1 204 No Content\r\n\r\n", 0, HTTPC_DONE, 204, 1, "", NULL },
	/* Incomplete, then the peer closes. */
	{ __LINE__, "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhello", 0, HTTPC_MORE, 0, 0, NULL, NULL },
	{ __LINE__, "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhello", 1, HTTPC_ERR, 0, 0, NULL,
	  "closed in the body" },
	{ __LINE__, "HTTP/1.1 200 OK\r\nContent-Le", 1, HTTPC_ERR, 0, 0, NULL, "in the headers" },
	{ __LINE__, "", 1, HTTPC_ERR, 0, 0, NULL, "without an answer" },
	{ __LINE__, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", 1,
	  HTTPC_ERR, 0, 0, NULL, "chunked" },
	/* Malformed. */
	{ __LINE__, "HTTP/2 200 OK\r\n\r\n", 0, HTTPC_ERR, 0, 0, NULL, "status line" },
	{ __LINE__, "ICY 200 OK\r\n\r\n", 0, HTTPC_ERR, 0, 0, NULL, "status line" },
	{ __LINE__, "HTTP/1.1 2x0 OK\r\n\r\n", 0, HTTPC_ERR, 0, 0, NULL, "status code" },
	{ __LINE__, "HTTP/1.1 200OK\r\n\r\n", 0, HTTPC_ERR, 0, 0, NULL, "status line" },
	{ __LINE__, "HTTP/1.1 100 Continue\r\n\r\n", 0, HTTPC_ERR, 0, 0, NULL, "informational" },
	{ __LINE__, "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, HTTPC_ERR, 0, 0, NULL,
	  "Content-Length" },
	{ __LINE__, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 0,
	  HTTPC_ERR, 0, 0, NULL, "Content-Length" },
	{ __LINE__, "HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n", 0, HTTPC_ERR, 0, 0,
	  NULL, "too large" },
	{ __LINE__, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 0, HTTPC_ERR, 0, 0,
	  NULL, "Transfer-Encoding" },
	{ __LINE__, "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", 0, HTTPC_ERR, 0, 0, NULL, "header line" },
	{ __LINE__, "HTTP/1.1 200 OK\r\n folded: x\r\n\r\n", 0, HTTPC_ERR, 0, 0, NULL, "folded" },
	{ __LINE__, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, HTTPC_ERR,
	  0, 0, NULL, "chunk size" },
	{ __LINE__, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n", 0,
	  HTTPC_ERR, 0, 0, NULL, "CRLF" },
	{ __LINE__, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "FFFFFFFFFFFFFFFFF\r\n", 0, HTTPC_ERR, 0, 0, NULL, "overflows" },
	{ __LINE__, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000\r\n", 0,
	  HTTPC_ERR, 0, 0, NULL, "too large" },
};

static enum httpc_rc
feed_all(size_t i, char *buf, size_t len, size_t step, struct httpc *h, const char **why)
{
	enum httpc_rc rc = HTTPC_MORE;

	httpc_init(h, 1 << 20);
	for (size_t n = step; rc == HTTPC_MORE; n += step) {
		size_t have = n < len ? n : len;
		rc = httpc_feed(h, buf, have, have == len && rows[i].eof, why);
		if (have == len)
			break;
	}
	return rc;
}

START_TEST(test_rows)
{
	size_t len = strlen(rows[_i].in);
	size_t steps[] = { len ? len : 1, 1, 3 };

	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		char *buf = malloc(len + 1);
		struct httpc h;
		const char *why = NULL;
		enum httpc_rc rc;

		memcpy(buf, rows[_i].in, len + 1);
		rc = feed_all((size_t)_i, buf, len, steps[k], &h, &why);
		ck_assert_msg(rc == rows[_i].want, "line %d step %zu: rc %d (%s)", rows[_i].line,
		    steps[k], rc, why ? why : "");
		if (rc == HTTPC_DONE) {
			ck_assert_int_eq(h.status, rows[_i].status);
			ck_assert_msg(h.keepalive == rows[_i].keepalive, "line %d: keepalive",
			    rows[_i].line);
			ck_assert_uint_eq(h.body_end - h.head, strlen(rows[_i].body));
			ck_assert(memcmp(buf + h.head, rows[_i].body, strlen(rows[_i].body)) == 0);
		}
		if (rc == HTTPC_ERR && rows[_i].why != NULL)
			ck_assert_msg(strstr(why, rows[_i].why) != NULL, "line %d: %s",
			    rows[_i].line, why);
		free(buf);
	}
}
END_TEST

START_TEST(test_head_too_long)
{
	size_t len = HTTPC_MAX_HEAD + 100;
	char *buf = malloc(len);
	struct httpc h;
	const char *why = NULL;

	memcpy(buf, "HTTP/1.1 200 OK\r\nX: ", 20);
	memset(buf + 20, 'a', len - 20);
	httpc_init(&h, 1 << 20);
	ck_assert(httpc_feed(&h, buf, len, 0, &why) == HTTPC_ERR);
	ck_assert(strstr(why, "too long") != NULL);
	free(buf);
}
END_TEST

static const struct {
	const char	*url;
	int		 ok;
	const char	*host, *port, *path;
} url_rows[] = {
	{ "http://127.0.0.1:9101/metrics", 1, "127.0.0.1", "9101", "/metrics" },
	{ "http://node1.example.net/metrics", 1, "node1.example.net", "80", "/metrics" },
	{ "http://node1", 1, "node1", "80", "/" },
	{ "http://[::1]:9101/m?x=1#frag", 1, "::1", "9101", "/m?x=1" },
	{ "https://127.0.0.1/metrics", 0, NULL, NULL, NULL },
	{ "http://127.0.0.1:0/", 0, NULL, NULL, NULL },
	{ "http://127.0.0.1:65536/", 0, NULL, NULL, NULL },
	{ "http://127.0.0.1:x/", 0, NULL, NULL, NULL },
	{ "http://user@127.0.0.1/", 0, NULL, NULL, NULL },
	{ "http:///metrics", 0, NULL, NULL, NULL },
	{ "http://a b/", 0, NULL, NULL, NULL },
	{ "http://[::1/", 0, NULL, NULL, NULL },
	{ "", 0, NULL, NULL, NULL },
};

START_TEST(test_url)
{
	char host[256], port[16], path[256];
	int r = httpc_url(url_rows[_i].url, host, sizeof(host), port, sizeof(port), path,
	    sizeof(path));

	ck_assert_msg((r == 0) == url_rows[_i].ok, "row %d: %s", _i, url_rows[_i].url);
	if (r == 0) {
		ck_assert_str_eq(host, url_rows[_i].host);
		ck_assert_str_eq(port, url_rows[_i].port);
		ck_assert_str_eq(path, url_rows[_i].path);
	}
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("billingd_httpc");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_rows, 0, sizeof(rows) / sizeof(rows[0]));
	tcase_add_test(tc, test_head_too_long);
	tcase_add_loop_test(tc, test_url, 0, sizeof(url_rows) / sizeof(url_rows[0]));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
