/* Unit tests of lib/web/http.c: urlencoded, cookies, JSON bodies, routes, req_parse. */
#include <check.h>
#include <string.h>

#include "fmt.h"
#include "form.h"
#include "http.h"
#include "resp.h"

static const struct {
	const char	*in;
	int		 ok;
	size_t		 n;
	const char	*k0, *v0;
} url_rows[] = {
	{ "a=1&b=2", 1, 2, "a", "1" },
	{ "a=hello+world", 1, 1, "a", "hello world" },
	{ "a=hello%20world", 1, 1, "a", "hello world" },
	{ "a=%2B", 1, 1, "a", "+" },
	{ "a=", 1, 1, "a", "" },
	{ "a", 1, 1, "a", "" },
	{ "a=1&&b=2", 1, 2, "a", "1" },
	{ "", 1, 0, NULL, NULL },
	{ "a=%", 0, 0, NULL, NULL },
	{ "a=%4", 0, 0, NULL, NULL },
	{ "a=%zz", 0, 0, NULL, NULL },
	{ "a=%00", 0, 0, NULL, NULL },
	{ "a=%c0%af", 0, 0, NULL, NULL },		/* overlong UTF-8 */
	{ "a=%ed%a0%80", 0, 0, NULL, NULL },		/* lone surrogate */
	{ "=1", 0, 0, NULL, NULL },
	{ "a=caf%C3%A9", 1, 1, "a", "caf\xc3\xa9" },
	{ "a=1&a=2", 1, 2, "a", "1" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1", 0, 0, NULL, NULL },
};

START_TEST(test_urlenc)
{
	struct kvlist l = { 0 };
	const char *err = NULL;
	int r = urlenc_parse(url_rows[_i].in, strlen(url_rows[_i].in), &l, &err);
	ck_assert_msg((r == 0) == url_rows[_i].ok, "row %d \"%s\": %s", _i, url_rows[_i].in, err ? err : "");
	if (r == 0) {
		ck_assert_msg(l.n == url_rows[_i].n, "row %d: %zu pairs", _i, l.n);
		if (url_rows[_i].k0 != NULL) {
			ck_assert_str_eq(l.v[0].key, url_rows[_i].k0);
			ck_assert_str_eq(l.v[0].val, url_rows[_i].v0);
		}
	} else
		ck_assert_ptr_nonnull(err);
	kv_free(&l);
}
END_TEST

START_TEST(test_urlenc_limits)
{
	struct kvlist l = { 0 };
	struct buf b;
	const char *err = NULL;
	buf_init(&b);
	for (int i = 0; i < KV_MAX_PAIRS + 1; i++)
		buf_printf(&b, "k%d=v&", i);
	ck_assert_int_eq(urlenc_parse(b.data, b.len, &l, &err), -1);
	ck_assert_str_eq(err, "too many fields");
	kv_free(&l);
	buf_free(&b);
	ck_assert_int_eq(urlenc_parse("x=1&x=2&y=3", 11, &l, &err), 0);
	ck_assert_uint_eq(kv_count(&l, "x"), 2);
	ck_assert_str_eq(kv_get(&l, "y"), "3");
	ck_assert_ptr_null(kv_get(&l, "z"));
	kv_free(&l);
}
END_TEST

static const struct {
	const char	*in;
	size_t		 n;
	const char	*name, *want;
} cookie_rows[] = {
	{ "vep_sid=abc", 1, "vep_sid", "abc" },
	{ "a=1; vep_sid=abc ;b=2", 3, "vep_sid", "abc" },
	{ "  vep_sid=abc  ", 1, "vep_sid", "abc" },
	{ "vep_sid", 0, "vep_sid", NULL },
	{ "=abc", 0, "vep_sid", NULL },
	{ "vep_sid=a\"b", 1, "vep_sid", "a\"b" },
	{ "vep_sid=a\x01" "b", 0, "vep_sid", NULL },
	{ ";;;", 0, "vep_sid", NULL },
};

START_TEST(test_cookie)
{
	struct kvlist l = { 0 };
	const char *err = NULL;
	ck_assert_int_eq(cookie_parse(cookie_rows[_i].in, strlen(cookie_rows[_i].in), &l, &err), 0);
	ck_assert_msg(l.n == cookie_rows[_i].n, "row %d: %zu", _i, l.n);
	const char *v = kv_get(&l, cookie_rows[_i].name);
	if (cookie_rows[_i].want == NULL)
		ck_assert_ptr_null(v);
	else
		ck_assert_str_eq(v, cookie_rows[_i].want);
	kv_free(&l);
}
END_TEST

static const struct {
	const char	*in;
	int		 ok;
} json_rows[] = {
	{ "{\"a\":1}", 1 },
	{ "{}", 1 },
	{ "[1]", 0 },
	{ "1", 0 },
	{ "", 0 },
	{ "{\"a\":1,\"a\":2}", 0 },
	{ "{\"a\":", 0 },
	{ "{\"a\":[[[[[[[[[[1]]]]]]]]]]}", 0 },
	{ "{\"a\":\"\xc0\xaf\"}", 0 },
	{ "{\"a\":\"\\ud800\"}", 0 },
	{ "{\"a\":1e999}", 0 },
	{ "{\"a\":\"x\"} trailing", 0 },
};

START_TEST(test_json)
{
	const char *err = NULL;
	json_t *j = json_body_parse(json_rows[_i].in, strlen(json_rows[_i].in), &err);
	ck_assert_msg((j != NULL) == json_rows[_i].ok, "row %d \"%s\": %s", _i, json_rows[_i].in, err ? err : "");
	if (j != NULL)
		json_decref(j);
}
END_TEST

static const struct {
	const char	*pat, *path;
	int		 ok;
	const char	*cap0;
} route_rows[] = {
	{ "/signup", "/signup", 1, NULL },
	{ "/signup", "/signup/", 0, NULL },
	{ "/api/v1/ves/*", "/api/v1/ves/0000002A", 1, "0000002A" },
	{ "/api/v1/ves/*", "/api/v1/ves/", 0, NULL },
	{ "/api/v1/ves/*", "/api/v1/ves/0000002A/history", 0, NULL },
	{ "/api/v1/ves/*/history", "/api/v1/ves/0000002A/history", 1, "0000002A" },
	{ "/api/v1/ves/*/history", "/api/v1/ves//history", 0, NULL },
	{ "/api/v1/invoices/*.pdf", "/api/v1/invoices/INV-2026-000001.pdf", 1, "INV-2026-000001" },
	{ "/api/v1/invoices/*.pdf", "/api/v1/invoices/INV-2026-000001", 0, NULL },
	{ "/api/v1/invoices/*.pdf", "/api/v1/invoices/.pdf", 0, NULL },
	{ "/api/v1/invoices/*.pdf", "/api/v1/invoices/x.pdf/y", 0, NULL },
	{ "/api/v1/invoices/*.pdf", "/api/v1/invoices/x.pd", 0, NULL },
	{ "/api/v1/invoices/*", "/api/v1/invoices/INV-2026-000001.pdf", 1, "INV-2026-000001.pdf" },
};

START_TEST(test_route)
{
	char caps[4][80];
	int r = route_match(route_rows[_i].pat, route_rows[_i].path, caps, 4);
	ck_assert_msg(r == route_rows[_i].ok, "row %d", _i);
	if (r && route_rows[_i].cap0)
		ck_assert_str_eq(caps[0], route_rows[_i].cap0);
}
END_TEST

START_TEST(test_req_parse)
{
	char *env[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/signup?x=1",
	    "CONTENT_TYPE=application/x-www-form-urlencoded; charset=utf-8",
	    "HTTP_COOKIE=vep_csrf=abc", "REMOTE_ADDR=192.0.2.9", "HTTPS=on", NULL };
	struct req q;
	const char *err = NULL;
	ck_assert_int_eq(req_parse(&q, env, "email=a%40b.c", 13, &err), 0);
	ck_assert_int_eq(q.method, M_POST);
	ck_assert_str_eq(q.path, "/signup");
	ck_assert_str_eq(kv_get(&q.query, "x"), "1");
	ck_assert_str_eq(kv_get(&q.form, "email"), "a@b.c");
	ck_assert_str_eq(kv_get(&q.cookies, "vep_csrf"), "abc");
	ck_assert_str_eq(q.remote_addr, "192.0.2.9");
	ck_assert_int_eq(q.https, 1);
	req_free(&q);

	char *env2[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/api/v1/orders",
	    "CONTENT_TYPE=text/plain", NULL };
	ck_assert_int_eq(req_parse(&q, env2, "x", 1, &err), 415);
	req_free(&q);
	char *env3[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/api/v1/orders",
	    "CONTENT_TYPE=application/json", NULL };
	ck_assert_int_eq(req_parse(&q, env3, "{bad", 4, &err), 400);
	req_free(&q);
	ck_assert_int_eq(req_parse(&q, env3, "{\"a\":1}", 7, &err), 0);
	ck_assert_ptr_nonnull(q.json);
	req_free(&q);
}
END_TEST

START_TEST(test_resp)
{
	struct resp r;
	struct buf out;
	resp_init(&r);
	buf_init(&out);
	ck_assert_int_eq(resp_header(&r, "X-A", "ok"), 0);
	ck_assert_int_eq(resp_header(&r, "X-B", "bad\r\nSet-Cookie: x=1"), -1);
	ck_assert_int_eq(resp_cookie(&r, "vep_sid", "a;b", 0, 0), -1);
	ck_assert_int_eq(resp_cookie(&r, "__Host-vep_sid", "abc", 0, 1), 0);
	r.private_page = 1;
	resp_json_error(&r, 422, "bad", json_pack("{s:s}", "email", "is missing"));
	resp_serialize(&r, &out, 0);
	const char *s = buf_cstr(&out);
	ck_assert(strstr(s, "Status: 422 Unprocessable Entity\r\n") == s);
	ck_assert(strstr(s, "Content-Security-Policy: default-src 'none'") != NULL);
	ck_assert(strstr(s, "unsafe-inline") == NULL);
	ck_assert(strstr(s, "X-Content-Type-Options: nosniff") != NULL);
	ck_assert(strstr(s, "frame-ancestors 'none'") != NULL);
	ck_assert(strstr(s, "Cache-Control: no-store") != NULL);
	ck_assert(strstr(s, "Set-Cookie: __Host-vep_sid=abc; Path=/; HttpOnly; SameSite=Strict; Secure") != NULL);
	ck_assert(strstr(s, "X-B") == NULL);
	ck_assert(strstr(s, "{\"error\":{\"message\":\"bad\",\"fields\":{\"email\":\"is missing\"}}}") != NULL);
	buf_free(&out);
	resp_free(&r);
}
END_TEST

/* Cookie attributes: HttpOnly, SameSite=Strict, Path=/ always; Secure only under HTTPS. */
static const struct {
	const char	*name, *value;
	long		 max_age;
	int		 https;
	const char	*want;		/* the Set-Cookie line, or NULL: refused */
} cookie_set_rows[] = {
	{ "vep_sid", "abc", 0, 0, "Set-Cookie: vep_sid=abc; Path=/; HttpOnly; SameSite=Strict\r\n" },
	{ "__Host-vep_sid", "abc", 0, 1, "Set-Cookie: __Host-vep_sid=abc; Path=/; HttpOnly; SameSite=Strict; Secure\r\n" },
	{ "vep_sid", "abc", 600, 1, "Set-Cookie: vep_sid=abc; Path=/; Max-Age=600; HttpOnly; SameSite=Strict; Secure\r\n" },
	{ "vep_sid", "", -1, 0, "Set-Cookie: vep_sid=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict\r\n" },
	{ "__Host-vep_sid", "", -1, 1, "Set-Cookie: __Host-vep_sid=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure\r\n" },
	{ "vep_sid", "a;b", 0, 0, NULL },
	{ "vep_sid", "a b", 0, 0, NULL },
	{ "vep_sid", "a,b", 0, 0, NULL },
	{ "vep_sid", "a\r\nSet-Cookie: x=1", 0, 0, NULL },
	{ "vep_sid", "a\nb", 0, 1, NULL },
};

START_TEST(test_resp_cookie)
{
	struct resp r;
	int rc;

	resp_init(&r);
	rc = resp_cookie(&r, cookie_set_rows[_i].name, cookie_set_rows[_i].value,
	    cookie_set_rows[_i].max_age, cookie_set_rows[_i].https);
	if (cookie_set_rows[_i].want == NULL) {
		ck_assert_msg(rc == -1, "row %d: accepted", _i);
		ck_assert_msg(r.hdr.len == 0, "row %d: header written", _i);
	} else {
		ck_assert_msg(rc == 0, "row %d: refused", _i);
		ck_assert_msg(strcmp(buf_cstr(&r.hdr), cookie_set_rows[_i].want) == 0, "row %d: %s", _i,
		    buf_cstr(&r.hdr));
	}
	resp_free(&r);
}
END_TEST

/* What the web server passes as HTTPS decides Secure cookies and the __Host- prefix. */
static const struct {
	const char	*env;		/* NULL: not passed */
	int		 https;
} https_rows[] = {
	{ NULL, 0 },
	{ "HTTPS=on", 1 },
	{ "HTTPS=ON", 1 },
	{ "HTTPS=1", 1 },
	{ "HTTPS=off", 0 },
	{ "HTTPS=", 0 },
	{ "HTTPS=yes", 0 },
};

START_TEST(test_req_https)
{
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/self", (char *)https_rows[_i].env, NULL };
	struct req q;
	const char *err = NULL;

	ck_assert_int_eq(req_parse(&q, env, NULL, 0, &err), 0);
	ck_assert_msg(q.https == https_rows[_i].https, "row %d: https %d", _i, q.https);
	req_free(&q);
}
END_TEST

/* Every status the frame answers carries the security headers, errors included. */
static const int hdr_statuses[] = { 200, 201, 303, 400, 403, 404, 405, 413, 415, 422, 429, 500, 503 };

START_TEST(test_resp_headers_every_status)
{
	struct resp r;
	struct buf out;
	const char *s;

	resp_init(&r);
	buf_init(&out);
	r.status = hdr_statuses[_i];
	buf_puts(&r.body, "x");
	resp_serialize(&r, &out, 0);
	s = buf_cstr(&out);
	ck_assert_msg(strstr(s, "Content-Security-Policy: default-src 'none';") != NULL, "status %d", r.status);
	ck_assert_msg(strstr(s, "frame-ancestors 'none'") != NULL, "status %d", r.status);
	ck_assert_msg(strstr(s, "unsafe-inline") == NULL && strstr(s, "unsafe-eval") == NULL, "status %d", r.status);
	ck_assert_msg(strstr(s, "X-Content-Type-Options: nosniff\r\n") != NULL, "status %d", r.status);
	ck_assert_msg(strstr(s, "Referrer-Policy: ") != NULL, "status %d", r.status);
	ck_assert_msg(strstr(s, "Cache-Control: no-store") == NULL, "status %d: public page no-store", r.status);
	buf_free(&out);
	resp_free(&r);
}
END_TEST

/* The form reader: a field table, a mask of keys, every field judged once. */
enum { FK_ID, FK_PW, FK_TOK, FK_OPT, FK__MAX };

static const char *
v_digit(const char *s, struct form *v, size_t k)
{
	if (strlen(s) != 1 || s[0] < '0' || s[0] > '9')
		return "one digit";
	v->n[k] = s[0] - '0';
	return NULL;
}

static const struct form_field ffields[FK__MAX] = {
	[FK_ID] = { "ve_id", form_v_ve_id, 1, NULL, 0 },
	[FK_PW] = { "password", form_v_secret, 1, "Enter it.", 1 },
	[FK_TOK] = { "csrf", form_v_token, 1, NULL, 1 },
	[FK_OPT] = { "n", v_digit, 0, NULL, 0 },
};

static const struct {
	const char	*in;		/* urlencoded */
	uint64_t	 mask;
	int		 nbad;
	const char	*id;		/* v.s[FK_ID] wanted, NULL none */
	long long	 n;		/* v.n[FK_OPT] */
	const char	*bad_pw;	/* v.bad[FK_PW] wanted, NULL none */
} form_rows[] = {
	{ "ve_id=0000002a&password=x", FORM_BIT(FK_ID) | FORM_BIT(FK_PW), 0, "0000002A", 0, NULL },
	{ "ve_id=0000002A", FORM_BIT(FK_ID) | FORM_BIT(FK_PW), 1, "0000002A", 0, "Enter it." },
	{ "ve_id=0000002A&ve_id=0000002B&password=x", FORM_BIT(FK_ID) | FORM_BIT(FK_PW), 1, NULL, 0, NULL },
	{ "ve_id=2A&password=", FORM_BIT(FK_ID) | FORM_BIT(FK_PW), 2, NULL, 0, "Enter it." },
	{ "ve_id=zzzzzzzz", FORM_BIT(FK_ID), 1, NULL, 0, NULL },
	{ "n=7", FORM_BIT(FK_OPT), 0, NULL, 7, NULL },
	{ "n=77", FORM_BIT(FK_OPT), 1, NULL, 0, NULL },
	{ "", FORM_BIT(FK_OPT), 0, NULL, 0, NULL },				/* optional and absent */
	{ "csrf=abc", FORM_BIT(FK_TOK), 1, NULL, 0, NULL },
	{ "ve_id=nonsense", FORM_BIT(FK_OPT), 0, NULL, 0, NULL },		/* not asked for: not judged */
};

START_TEST(test_form_read)
{
	struct kvlist l = { 0 };
	struct form v;
	const char *err = NULL;

	ck_assert_msg(urlenc_parse(form_rows[_i].in, strlen(form_rows[_i].in), &l, &err) == 0, "row %d", _i);
	ck_assert_int_eq(form_read(ffields, FK__MAX, &l, form_rows[_i].mask, &v), form_rows[_i].nbad);
	if (form_rows[_i].id != NULL)
		ck_assert_str_eq(v.s[FK_ID], form_rows[_i].id);
	else
		ck_assert_msg(v.s[FK_ID] == NULL, "row %d: id %s", _i, v.s[FK_ID]);
	ck_assert_int_eq(v.n[FK_OPT], form_rows[_i].n);
	if (form_rows[_i].bad_pw != NULL)
		ck_assert_str_eq(v.bad[FK_PW], form_rows[_i].bad_pw);
	kv_free(&l);
}
END_TEST

/* The VE screens' shared validators; a table's own sentence over the validator's. */
enum { VK_ACT, VK_TPL, VK_BK, VK_PER, VK__MAX };

static const struct form_field vfields[VK__MAX] = {
	[VK_ACT] = { "action", form_v_action, 1, NULL, 0, NULL },
	[VK_TPL] = { "template", form_v_template, 1, NULL, 0, "Pick one of the list." },
	[VK_BK] = { "backup", form_v_backup, 1, NULL, 0, NULL },
	[VK_PER] = { "period", form_v_period, 1, NULL, 0, NULL },
};

static const struct {
	const char	*in;		/* urlencoded */
	int		 key;
	const char	*bad;		/* v.bad[key] wanted, NULL accepted */
	long long	 n;		/* v.n[key] wanted when accepted, -1 not checked */
} vfield_rows[] = {
	{ "action=restart", VK_ACT, NULL, -1 },
	{ "action=explode", VK_ACT, "The action is start, stop or restart.", -1 },
	{ "template=debian-12", VK_TPL, NULL, -1 },
	{ "template=Debian%2012", VK_TPL, "Pick one of the list.", -1 },	/* the table's words */
	{ "template=", VK_TPL, "This field is required.", -1 },		/* missing is not invalid */
	{ "backup=2026-01-31T04:00:00", VK_BK, NULL, -1 },
	{ "backup=a%2Fb", VK_BK, "Choose one of the VE's backups.", -1 },
	{ "period=2026-01", VK_PER, NULL, 202601 },
	{ "period=2026-13", VK_PER, "A month written YYYY-MM, such as 2026-01.", -1 },
};

START_TEST(test_form_shared_validators)
{
	struct kvlist l = { 0 };
	struct form v;
	const char *err = NULL;
	int k = vfield_rows[_i].key;

	ck_assert_msg(urlenc_parse(vfield_rows[_i].in, strlen(vfield_rows[_i].in), &l, &err) == 0, "row %d", _i);
	ck_assert_int_eq(form_read(vfields, VK__MAX, &l, FORM_BIT(k), &v), vfield_rows[_i].bad != NULL);
	if (vfield_rows[_i].bad != NULL) {
		ck_assert_msg(v.bad[k] != NULL && strcmp(v.bad[k], vfield_rows[_i].bad) == 0,
		    "row %d: %s", _i, v.bad[k] ? v.bad[k] : "(accepted)");
		ck_assert_msg(v.s[k] == NULL, "row %d", _i);
	} else {
		ck_assert_msg(v.s[k] != NULL, "row %d: %s", _i, v.bad[k]);
		if (vfield_rows[_i].n >= 0)
			ck_assert_int_eq(v.n[k], vfield_rows[_i].n);
	}
	kv_free(&l);
}
END_TEST

/* One output format for every screen. */
static const struct {
	int		 kind;		/* 0 bytes, 1 time, 2 kbps, 3 group */
	long long	 v;
	const char	*want;
} fmt_rows[] = {
	{ 0, 0, "0 bytes" }, { 0, 999, "999 bytes" }, { 0, 1000, "1.00 kB" }, { 0, 1234567, "1.23 MB" },
	{ 0, 50000000000LL, "50.0 GB" }, { 0, 900000000000LL, "900 GB" },
	{ 1, 0, "never" }, { 1, 1765110000, "07 Dec 2025, 12:20 UTC" },
	{ 2, 0, "not set" }, { 2, 800, "800 kbit/s" }, { 2, 2500, "2.5 Mbit/s" }, { 2, 1000000, "1 Gbit/s" },
	{ 3, 12345678, "12,345,678" }, { 3, -1234, "-1,234" }, { 3, 12, "12" },
};

START_TEST(test_fmt)
{
	char out[64];

	switch (fmt_rows[_i].kind) {
	case 0: fmt_bytes(fmt_rows[_i].v, out, sizeof(out)); break;
	case 1: fmt_time(fmt_rows[_i].v, out, sizeof(out)); break;
	case 2: fmt_kbps(fmt_rows[_i].v, out, sizeof(out)); break;
	default: fmt_group(fmt_rows[_i].v, out, sizeof(out)); break;
	}
	ck_assert_msg(strcmp(out, fmt_rows[_i].want) == 0, "row %d: %s, want %s", _i, out, fmt_rows[_i].want);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, test_urlenc, 0, (int)nitems(url_rows));
	tcase_add_test(tc, test_urlenc_limits);
	tcase_add_loop_test(tc, test_cookie, 0, (int)nitems(cookie_rows));
	tcase_add_loop_test(tc, test_json, 0, (int)nitems(json_rows));
	tcase_add_loop_test(tc, test_route, 0, (int)nitems(route_rows));
	tcase_add_test(tc, test_req_parse);
	tcase_add_test(tc, test_resp);
	tcase_add_loop_test(tc, test_resp_cookie, 0, (int)nitems(cookie_set_rows));
	tcase_add_loop_test(tc, test_req_https, 0, (int)nitems(https_rows));
	tcase_add_loop_test(tc, test_resp_headers_every_status, 0, (int)nitems(hdr_statuses));
	tcase_add_loop_test(tc, test_form_read, 0, (int)nitems(form_rows));
	tcase_add_loop_test(tc, test_form_shared_validators, 0, (int)nitems(vfield_rows));
	tcase_add_loop_test(tc, test_fmt, 0, (int)nitems(fmt_rows));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
