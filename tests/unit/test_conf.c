/* Unit tests of lib/base/conf.c: every error names file:line. */
#include <check.h>
#include <string.h>

#include "conf.h"
#include "util.h"

static const struct {
	const char	*text;
	const char	*want_err;	/* substring, NULL when valid */
} rows[] = {
	{ "", NULL },
	{ "# comment\n; other\n\n[database]\nname = vp\n", NULL },
	{ "[database]\nport = 3307\n", NULL },
	{ "name = x\n", "t.conf:1: key \"name\" outside any [section]" },
	{ "[nosuch]\n", "t.conf:1: unknown section [nosuch]" },
	{ "[database]\nbogus = 1\n", "t.conf:2: unknown key \"bogus\" in [database]" },
	{ "[database]\nport = 0\n", "t.conf:2: port is too small" },
	{ "[database]\nport = 70000\n", "t.conf:2: port is too large" },
	{ "[database]\nport = 12ab\n", "t.conf:2: port is not a whole number" },
	{ "[database]\nname = a\nname = b\n", "t.conf:3: \"name\" set twice" },
	{ "[database\n", "t.conf:1: malformed section header" },
	{ "[database]\njustakey\n", "t.conf:2: expected \"key = value\"" },
	{ "[]\n", "t.conf:1: malformed section header" },
	{ "[database]\nhosts = 127.0.0.1:3411, 127.0.0.1:3412\nprefer = 2\nsync_wait = 0\n", NULL },
	/* Taken as text here; lib/db checks the list (tests/unit/test_dbhost.c, db_conf_check). */
	{ "[database]\nhosts = var/n1.sock\n", NULL },
	{ "[database]\nprefer = 0\n", "t.conf:2: prefer is too small" },
	{ "[database]\nsync_wait = 16\n", "t.conf:2: sync_wait is too large" },
};

START_TEST(test_parse)
{
	char err[256] = "";
	struct conf *c = conf_parse("t.conf", rows[_i].text, err, sizeof(err));
	if (rows[_i].want_err == NULL)
		ck_assert_msg(c != NULL, "row %d: unexpected error %s", _i, err);
	else {
		ck_assert_msg(c == NULL, "row %d: accepted", _i);
		ck_assert_msg(strstr(err, rows[_i].want_err) != NULL, "row %d: got \"%s\"", _i, err);
	}
	conf_free(c);
}
END_TEST

START_TEST(test_values)
{
	char err[256];
	struct conf *c = conf_parse("t", "[database]\nport = 3307\nname =  vp  \n", err, sizeof(err));
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(conf_int(c, "database", "port"), 3307);
	ck_assert_str_eq(conf_str(c, "database", "name"), "vp");
	ck_assert_str_eq(conf_str(c, "database", "user"), "vepanel");
	ck_assert_int_eq(conf_int(c, "auth", "argon2_m_kib"), 19456);
	ck_assert_int_eq(conf_int(c, "billingd", "raw_retention_h"), 48);
	/* The typed fields hold the same: set, default, string, integer. */
	const struct conf_values *v = conf_values(c);
	ck_assert_int_eq(v->database.port, 3307);
	ck_assert_str_eq(v->database.name, "vp");
	ck_assert_str_eq(v->database.user, "vepanel");
	ck_assert_int_eq(v->auth.argon2_m_kib, 19456);
	ck_assert_int_eq(v->billingd.raw_retention_h, 48);
	ck_assert_int_eq(v->billingd.queue_max_bytes, 268435456);
	ck_assert_str_eq(v->billingd.listen, "127.0.0.1:9300");
	ck_assert_str_eq(v->isp.name, "Example ISP");
	conf_free(c);
	c = conf_load("/nonexistent/vepanel.conf", err, sizeof(err));
	ck_assert_ptr_null(c);
	ck_assert(strstr(err, "/nonexistent/vepanel.conf: No such file") != NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, test_parse, 0, (int)nitems(rows));
	tcase_add_test(tc, test_values);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
