/*
 * Unit tests of the parsers and rules issue 17 asked for: HTTP Basic
 * decoding (lib/web/basic.c), the free-text rule (lib/domain/text.c),
 * the VEid rule (lib/domain/veid.c) and the counting key of a client
 * address (lib/domain/netaddr.c).
 */
#include <check.h>
#include <string.h>

#include "basic.h"
#include "http.h"
#include "netaddr.h"
#include "text.h"
#include "veid.h"

/* ---- HTTP Basic ---- */

static const struct {
	const char	*in;
	int		 want;
	const char	*user, *pw;
} basic_rows[] = {
	{ "MDAwMDAwMkE6c2VjcmV0", BASIC_OK, "0000002A", "secret" },	/* 0000002A:secret */
	{ "  MDAwMDAwMkE6c2VjcmV0", BASIC_OK, "0000002A", "secret" },
	{ "YTpi", BASIC_OK, "a", "b" },
	{ "YTo=", BASIC_OK, "a", "" },
	{ "Og==", BASIC_OK, "", "" },
	{ "YWI6Yw==", BASIC_OK, "ab", "c" },
	/* the finding: '=' alone made the length negative */
	{ "====", BASIC_BAD_BASE64, "", "" },
	{ "========", BASIC_BAD_BASE64, "", "" },
	{ "=", BASIC_BAD_BASE64, "", "" },
	{ "==", BASIC_BAD_BASE64, "", "" },
	{ "===", BASIC_BAD_BASE64, "", "" },
	{ "a===", BASIC_BAD_BASE64, "", "" },
	{ "YQ===", BASIC_BAD_BASE64, "", "" },
	{ "YQ==YQ==", BASIC_BAD_BASE64, "", "" },
	{ "Y=Q=", BASIC_BAD_BASE64, "", "" },
	{ "YTo=====", BASIC_BAD_BASE64, "", "" },
	{ "", BASIC_BAD_BASE64, "", "" },
	{ "   ", BASIC_BAD_BASE64, "", "" },
	{ "YTpi ", BASIC_BAD_BASE64, "", "" },
	{ "YTp", BASIC_BAD_BASE64, "", "" },
	{ "YTpi\n", BASIC_BAD_BASE64, "", "" },
	{ "YT!i", BASIC_BAD_BASE64, "", "" },
	{ "YR==", BASIC_BAD_BASE64, "", "" },		/* non-zero pad bits */
	{ "YWJ=", BASIC_BAD_BASE64, "", "" },
	{ "YWI=", BASIC_NO_COLON, "", "" },		/* "ab" */
	{ "YQBiOmM=", BASIC_NUL, "", "" },		/* "a\0b:c" */
	{ "YToAYg==", BASIC_NUL, "", "" },		/* "a:\0b" */
};

START_TEST(test_basic)
{
	char user[16], pw[16];
	int rc = basic_parse(basic_rows[_i].in, strlen(basic_rows[_i].in), user, sizeof(user), pw,
	    sizeof(pw));

	ck_assert_msg(rc == basic_rows[_i].want, "row %d \"%s\": rc %d want %d", _i,
	    basic_rows[_i].in, rc, basic_rows[_i].want);
	ck_assert_msg(strcmp(user, basic_rows[_i].user) == 0 && strcmp(pw, basic_rows[_i].pw) == 0,
	    "row %d: user \"%s\" pw \"%s\"", _i, user, pw);
}
END_TEST

/* Every run of 0..400 '=' (the finding went up to 340) and each after a prefix: no write outside. */
START_TEST(test_basic_padding_runs)
{
	static const char *prefix[] = { "", "Y", "YT", "YTp", "YTpi", "YWJj" };
	char in[512], canary1[32], user[8], canary2[32], pw[8], canary3[32];

	for (size_t p = 0; p < sizeof(prefix) / sizeof(prefix[0]); p++) {
		for (int n = 0; n <= 400; n++) {
			size_t l = strlen(prefix[p]);

			memcpy(in, prefix[p], l);
			memset(in + l, '=', (size_t)n);
			memset(canary1, 0x5a, sizeof(canary1));
			memset(canary2, 0x5a, sizeof(canary2));
			memset(canary3, 0x5a, sizeof(canary3));
			int rc = basic_parse(in, l + (size_t)n, user, sizeof(user), pw, sizeof(pw));
			/* only "YTpi" with nothing after, or "Y"/"YT" made whole by padding, is good */
			ck_assert_msg(rc != BASIC_OK || (p == 4 && n == 0), "prefix %zu n %d ok", p, n);
			for (size_t i = 0; i < sizeof(canary1); i++)
				ck_assert(canary1[i] == 0x5a && canary2[i] == 0x5a && canary3[i] == 0x5a);
		}
	}
}
END_TEST

/* A long but fitting value decodes; one too long for the buffers is refused, not cut. */
START_TEST(test_basic_lengths)
{
	char in[1200], user[64], pw[600];
	unsigned char out[4];

	memset(in, 'Q', 680);	/* 510 bytes of 'A'... without ':' */
	ck_assert_int_eq(basic_parse(in, 680, user, sizeof(user), pw, sizeof(pw)), BASIC_NO_COLON);
	memset(in, 'Q', 684);
	ck_assert_int_eq(basic_parse(in, 684, user, sizeof(user), pw, sizeof(pw)), BASIC_TOO_LONG);
	ck_assert_int_eq(base64_decode_strict("QUFBQUFB", 8, out, sizeof(out)), -1);
	ck_assert_int_eq(base64_decode_strict("QUFBQQ==", 8, out, sizeof(out)), 4);
	/* "YTpi" as a user too long for a 1-byte user buffer */
	ck_assert_int_eq(basic_parse("YTpi", 4, user, 1, pw, sizeof(pw)), BASIC_TOO_LONG);
	ck_assert_str_eq(user, "");
}
END_TEST

/* ---- free text ---- */

static const struct {
	const char	*in;
	int		 flags, ok;
} text_rows[] = {
	{ "plain text", 0, 1 },
	{ "Grüße, 日本語, emoji \xf0\x9f\x98\x80", 0, 1 },
	{ "", 0, 1 },
	{ "a\tb", 0, 0 },
	{ "a\tb", TEXT_MULTILINE, 1 },
	{ "line1\nline2", 0, 0 },
	{ "line1\r\nline2", TEXT_MULTILINE, 1 },
	{ "a\x01" "b", TEXT_MULTILINE, 0 },
	{ "\x1b[31mred", TEXT_MULTILINE, 0 },
	{ "del\x7f", 0, 0 },
	{ "csi \xc2\x9b" "31m", 0, 0 },		/* U+009B, the finding */
	{ "osc \xc2\x9d", 0, 0 },			/* U+009D */
	{ "c1 first \xc2\x80", 0, 0 },
	{ "c1 last \xc2\x9f", 0, 0 },
	{ "nbsp \xc2\xa0 ok", 0, 1 },		/* U+00A0 is text */
	{ "rlo \xe2\x80\xae", 0, 0 },		/* U+202E, the finding */
	{ "lre \xe2\x80\xaa", 0, 0 },		/* U+202A */
	{ "\xe2\x80\xa9 para sep", 0, 1 },	/* U+2029 is allowed */
	{ "lri \xe2\x81\xa6", 0, 0 },		/* U+2066 */
	{ "pdi \xe2\x81\xa9", 0, 0 },		/* U+2069 */
	{ "\xe2\x81\xaa ok", 0, 1 },		/* U+206A */
	{ "bad \xc0\x9b", 0, 0 },		/* overlong */
	{ "bad \xed\xa0\x80", 0, 0 },		/* surrogate */
	{ "bad \xc2", 0, 0 },			/* cut */
};

START_TEST(test_text)
{
	ck_assert_msg(text_ok(text_rows[_i].in, strlen(text_rows[_i].in), text_rows[_i].flags) ==
	    text_rows[_i].ok, "row %d \"%s\"", _i, text_rows[_i].in);
}
END_TEST

START_TEST(test_text_escape)
{
	char out[64];

	text_escape("a\xc2\x9b" "b\x1b[c\xe2\x80\xae" "d\xff\xc3\xa9", out, sizeof(out));
	ck_assert_str_eq(out, "a\\xC2\\x9Bb\\x1B[c\\xE2\\x80\\xAEd\\xFF\xc3\xa9");
	text_escape("line\nnext", out, sizeof(out));
	ck_assert_str_eq(out, "line\\x0Anext");
	/* truncation never leaves half an escape or half a character */
	text_escape("\x01\x02\x03", out, 9);
	ck_assert_str_eq(out, "\\x01\\x02");
	text_escape("\xc3\xa9\xc3\xa9", out, 4);
	ck_assert_str_eq(out, "\xc3\xa9");
}
END_TEST

/* The edge (lib/web/http.c) refuses them in every form field and JSON member, naming it. */
static const struct {
	const char	*form, *json, *name;
} edge_rows[] = {
	{ "user_info=%C2%9B31m", "{\"user_info\":\"\\u009b31m\"}", "user_info" },
	{ "note=%C2%9D", "{\"note\":\"\\u009d\"}", "note" },
	{ "label=a%E2%80%AEb", "{\"label\":\"a\\u202eb\"}", "label" },
	{ "x=ok&name=%E2%81%A6", "{\"x\":\"ok\",\"list\":[\"\\u2069\"]}", NULL },
	{ "reason=%1B%5B2J", "{\"a\":{\"reason\":\"\\u001b[2J\"}}", "reason" },
	{ "k=del%7F", "{\"k\":\"del\\u007f\"}", "k" },
	{ "k%C2%9B=1", "{\"k\\u009b\":1}", NULL },
};

START_TEST(test_edge)
{
	struct kvlist l = { 0 };
	const char *err = NULL;
	json_t *j;

	ck_assert_msg(urlenc_parse(edge_rows[_i].form, strlen(edge_rows[_i].form), &l, &err) == -1,
	    "row %d form accepted", _i);
	ck_assert(err != NULL && (edge_rows[_i].name == NULL || strstr(err, edge_rows[_i].name) != NULL));
	kv_free(&l);
	err = NULL;
	j = json_body_parse(edge_rows[_i].json, strlen(edge_rows[_i].json), &err);
	ck_assert_msg(j == NULL, "row %d JSON accepted", _i);
	ck_assert_msg(err != NULL && (edge_rows[_i].name == NULL || strstr(err, edge_rows[_i].name) != NULL),
	    "row %d: %s", _i, err ? err : "no error");
}
END_TEST

START_TEST(test_edge_ok)
{
	static const char form[] = "user_info=l1%0D%0Al2%09t%C3%A9%C2%A0&b=%E2%80%A9";
	static const char js[] = "{\"user_info\":\"l1\\r\\nl2\\t\\u00e9\",\"a\":[1,\"x\"]}";
	struct kvlist l = { 0 };
	const char *err = NULL;
	json_t *j;

	ck_assert_int_eq(urlenc_parse(form, strlen(form), &l, &err), 0);
	kv_free(&l);
	ck_assert((j = json_body_parse(js, strlen(js), &err)) != NULL);
	json_decref(j);
}
END_TEST

/* ---- VEid ---- */

static const struct {
	const char	*in, *want;
} veid_rows[] = {
	{ "0000002A", "0000002A" },
	{ "0000002a", "0000002A" },
	{ "deadBEEF", "DEADBEEF" },
	{ "0000002", NULL },
	{ "0000002A0", NULL },
	{ "0000002G", NULL },
	{ "0x00002A", NULL },
	{ " 000002A", NULL },
	{ "", NULL },
};

START_TEST(test_veid)
{
	char out[9];
	int ok = ve_id_norm(veid_rows[_i].in, out);

	ck_assert_msg(ok == (veid_rows[_i].want != NULL), "row %d", _i);
	if (ok)
		ck_assert_str_eq(out, veid_rows[_i].want);
}
END_TEST

/* ---- address keys ---- */

static const struct {
	const char	*in, *want;
} addr_rows[] = {
	{ "192.0.2.1", "192.0.2.1" },
	{ "2001:db8:1::1", "2001:db8:1::/64" },
	{ "2001:db8:1::2", "2001:db8:1::/64" },
	{ "2001:db8:1:0:ffff:ffff:ffff:ffff", "2001:db8:1::/64" },
	{ "2001:db8:1:1::1", "2001:db8:1:1::/64" },
	{ "2001:0DB8:0001:0000::9", "2001:db8:1::/64" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff::/64" },
	{ "::1", "::/64" },
	{ "::ffff:192.0.2.7", "192.0.2.7" },
	{ "fe80::1%eth0", "fe80::1%eth0" },	/* not an address for inet_pton: as given */
	{ "", "" },
	{ "unix:", "unix:" },
};

START_TEST(test_addr)
{
	char key[NETADDR_KEY_MAX];

	ck_assert_str_eq(netaddr_key(addr_rows[_i].in, key), addr_rows[_i].want);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("security");
	TCase *t = tcase_create("all");
	SRunner *sr;
	int nf;

	tcase_add_loop_test(t, test_basic, 0, sizeof(basic_rows) / sizeof(basic_rows[0]));
	tcase_add_test(t, test_basic_padding_runs);
	tcase_add_test(t, test_basic_lengths);
	tcase_add_loop_test(t, test_text, 0, sizeof(text_rows) / sizeof(text_rows[0]));
	tcase_add_test(t, test_text_escape);
	tcase_add_loop_test(t, test_edge, 0, sizeof(edge_rows) / sizeof(edge_rows[0]));
	tcase_add_test(t, test_edge_ok);
	tcase_add_loop_test(t, test_veid, 0, sizeof(veid_rows) / sizeof(veid_rows[0]));
	tcase_add_loop_test(t, test_addr, 0, sizeof(addr_rows) / sizeof(addr_rows[0]));
	suite_add_tcase(s, t);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
