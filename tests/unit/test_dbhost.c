/*
 * Unit tests of lib/db/dbhost.c ([database] hosts: parsing and the order
 * hosts are tried in) and of db_tx's retry decision (lib/db/db.c).  No
 * database is needed: both are pure.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "db.h"
#include "dbhost.h"
#include "util.h"

/* want: the hosts as db_host_name prints them, joined by " | "; NULL for an error. */
static const struct {
	int		 line;
	const char	*text;
	const char	*want;
	const char	*want_err;	/* substring of why */
} parse_rows[] = {
	{ __LINE__, "", "", NULL },
	{ __LINE__, "   ", "", NULL },
	{ __LINE__, "127.0.0.1:3411", "127.0.0.1:3411", NULL },
	{ __LINE__, "127.0.0.1:3411,127.0.0.1:3412,127.0.0.1:3413",
	  "127.0.0.1:3411 | 127.0.0.1:3412 | 127.0.0.1:3413", NULL },
	{ __LINE__, " db1.example.net:3306 ,\tdb2.example.net ", "db1.example.net:3306 | db2.example.net:3306", NULL },
	{ __LINE__, "db-1_a", "db-1_a:3306", NULL },
	{ __LINE__, "/run/mysqld/n1.sock, /run/mysqld/n2.sock", "/run/mysqld/n1.sock | /run/mysqld/n2.sock", NULL },
	{ __LINE__, "/run/a.sock,10.0.0.2:3307", "/run/a.sock | 10.0.0.2:3307", NULL },
	{ __LINE__, "[2001:db8::7]:3307,[::1]", "[2001:db8::7]:3307 | [::1]:3306", NULL },
	{ __LINE__, "h:1,h:65535", "h:1 | h:65535", NULL },
	{ __LINE__, "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p", "a:3306 | b:3306 | c:3306 | d:3306 | e:3306 | "
	  "f:3306 | g:3306 | h:3306 | i:3306 | j:3306 | k:3306 | l:3306 | m:3306 | n:3306 | o:3306 | p:3306", NULL },
	/* errors, each named */
	{ __LINE__, "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q", NULL, "more than 16 hosts" },
	{ __LINE__, "h:3306,", NULL, "entry 2 is empty" },
	{ __LINE__, ",h", NULL, "entry 1 is empty" },
	{ __LINE__, "a,,b", NULL, "entry 2 is empty" },
	{ __LINE__, "h:0", NULL, "entry 1 \"h:0\": port \"0\" is too small" },
	{ __LINE__, "h:65536", NULL, "port \"65536\" is too large" },
	{ __LINE__, "h:33o6", NULL, "port \"33o6\" is not a whole number" },
	{ __LINE__, "h:", NULL, "port \"\" is not a whole number" },
	{ __LINE__, "h: 3306", NULL, "is not a whole number" },
	{ __LINE__, "h:+3306", NULL, "is not a whole number" },
	{ __LINE__, ":3306", NULL, "no host name before \":\"" },
	{ __LINE__, "2001:db8::7", NULL, "an IPv6 address is written [address]:port" },
	{ __LINE__, "[2001:db8::7", NULL, "\"[\" without \"]\"" },
	{ __LINE__, "[2001:db8::7]3306", NULL, "expected \":port\" after \"]\"" },
	{ __LINE__, "[hello]:3306", NULL, "not an IPv6 address in brackets" },
	{ __LINE__, "[]:3306", NULL, "not an IPv6 address in brackets" },
	{ __LINE__, "run/n1.sock", NULL, "a socket must be an absolute path" },
	{ __LINE__, "db one:3306", NULL, "\" \" cannot be part of a host name" },
	{ __LINE__, "db;drop:3306", NULL, "\";\" cannot be part of a host name" },
	{ __LINE__, "h:3306,h:3306", NULL, "entry 2 \"h:3306\" is listed twice" },
	{ __LINE__, "h,h:3306", NULL, "is listed twice" },
	{ __LINE__, "/a.sock,/a.sock", NULL, "is listed twice" },
	{ __LINE__, "h\x01:3306", NULL, "a control character" },
	{ __LINE__, "/run/mysqld/0123456789012345678901234567890123456789012345678901234567890123456789"
	  "0123456789012345678901234567890123456789.sock", NULL, "a socket path longer than 107 bytes" },
};

START_TEST(test_parse)
{
	struct db_host h[DB_HOSTS_MAX];
	char why[256] = "", got[2048] = "", one[300];
	int n = db_hosts_parse(parse_rows[_i].text, 3306, h, nitems(h), why, sizeof(why));
	int line = parse_rows[_i].line;

	if (parse_rows[_i].want == NULL) {
		ck_assert_msg(n == -1, "line %d: accepted (%d hosts)", line, n);
		ck_assert_msg(strstr(why, parse_rows[_i].want_err) != NULL,
		    "line %d: got \"%s\", want \"%s\"", line, why, parse_rows[_i].want_err);
		return;
	}
	ck_assert_msg(n >= 0, "line %d: refused: %s", line, why);
	for (int i = 0; i < n; i++) {
		db_host_name(&h[i], one, sizeof(one));
		if (i > 0)
			strcat(got, " | ");
		strcat(got, one);
	}
	ck_assert_msg(strcmp(got, parse_rows[_i].want) == 0, "line %d: got \"%s\", want \"%s\"",
	    line, got, parse_rows[_i].want);
}
END_TEST

/* The order hosts are tried in: from first, every host once, wrapping. */
static const struct {
	int		 line;
	size_t		 n, first;
	const char	*want;		/* positions for k = 0 .. n-1 */
} rot_rows[] = {
	{ __LINE__, 1, 0, "0" },
	{ __LINE__, 1, 5, "0" },		/* db_reconnect from host 0 with one host */
	{ __LINE__, 3, 0, "012" },
	{ __LINE__, 3, 1, "120" },		/* reconnect after host 0 failed: the next */
	{ __LINE__, 3, 2, "201" },
	{ __LINE__, 3, 3, "012" },		/* after the last host: round to the first */
	{ __LINE__, 4, 7, "3012" },
	{ __LINE__, 16, 15, "f0123456789abcde" },
};

START_TEST(test_rotation)
{
	char got[32] = "";
	size_t want_len = strlen(rot_rows[_i].want);

	for (size_t k = 0; k < rot_rows[_i].n && k < want_len; k++) {
		size_t p = db_hosts_pos(rot_rows[_i].n, rot_rows[_i].first, k);
		ck_assert_msg(p < rot_rows[_i].n, "line %d: position %zu out of range", rot_rows[_i].line, p);
		got[k] = "0123456789abcdef"[p];
	}
	ck_assert_msg(strncmp(got, rot_rows[_i].want, want_len) == 0, "line %d: got %s, want %s",
	    rot_rows[_i].line, got, rot_rows[_i].want);
}
END_TEST

/* Every host is tried exactly once, whatever the start. */
START_TEST(test_rotation_covers)
{
	for (size_t n = 1; n <= DB_HOSTS_MAX; n++)
		for (size_t first = 0; first < 2 * n + 1; first++) {
			unsigned seen = 0;
			for (size_t k = 0; k < n; k++)
				seen |= 1u << db_hosts_pos(n, first, k);
			ck_assert_msg(seen == (1u << n) - 1, "n %zu first %zu: %x", n, first, seen);
		}
}
END_TEST

/* [database] prefer (from 1) to the first position. */
static const struct {
	int		 line;
	size_t		 n;
	long long	 prefer;
	size_t		 want;
} first_rows[] = {
	{ __LINE__, 3, 1, 0 },
	{ __LINE__, 3, 2, 1 },
	{ __LINE__, 3, 3, 2 },
	{ __LINE__, 3, 4, 0 },		/* a fourth billingd on three nodes: the first again */
	{ __LINE__, 2, 3, 0 },
	{ __LINE__, 1, 16, 0 },
	{ __LINE__, 3, 0, 0 },		/* not set */
	{ __LINE__, 0, 2, 0 },
};

START_TEST(test_first)
{
	size_t got = db_hosts_first(first_rows[_i].n, first_rows[_i].prefer);
	ck_assert_msg(got == first_rows[_i].want, "line %d: got %zu, want %zu", first_rows[_i].line,
	    got, first_rows[_i].want);
}
END_TEST

/* db_conf_check: a bad [database] hosts list is an error naming file:line, before anything starts. */
static const struct {
	int		 line;
	const char	*text;
	const char	*want_err;	/* its start; NULL when valid */
} conf_rows[] = {
	{ __LINE__, "[database]\nhosts = 127.0.0.1:3411, 127.0.0.1:3412\nprefer = 2\n", NULL },
	{ __LINE__, "[database]\nhosts = /run/n1.sock,/run/n2.sock\n", NULL },
	{ __LINE__, "[database]\nhosts =\n", NULL },
	{ __LINE__, "", NULL },
	{ __LINE__, "\n[database]\nhosts = 127.0.0.1:3411,,127.0.0.1:3413\n",
	  "t.conf:3: hosts: entry 2 is empty" },
	{ __LINE__, "[database]\nname = x\nhosts = db1:99999\n",
	  "t.conf:3: hosts: entry 1 \"db1:99999\": port \"99999\" is too large" },
	{ __LINE__, "[database]\nhosts = 2001:db8::1:3306\n", "t.conf:2: hosts: entry 1 "
	  "\"2001:db8::1:3306\": an IPv6 address is written [address]:port" },
	{ __LINE__, "[database]\nhosts = var/n1.sock\n",
	  "t.conf:2: hosts: entry 1 \"var/n1.sock\": a socket must be an absolute path" },
};

START_TEST(test_conf_check)
{
	char err[256] = "";
	struct conf *c = conf_parse("t.conf", conf_rows[_i].text, err, sizeof(err));
	int rc;

	ck_assert_msg(c != NULL, "line %d: %s", conf_rows[_i].line, err);
	rc = db_conf_check(c, err, sizeof(err));
	if (conf_rows[_i].want_err == NULL)
		ck_assert_msg(rc == 0, "line %d: unexpected error %s", conf_rows[_i].line, err);
	else {
		ck_assert_msg(rc == -1, "line %d: accepted", conf_rows[_i].line);
		ck_assert_msg(strncmp(err, conf_rows[_i].want_err, strlen(conf_rows[_i].want_err)) == 0,
		    "line %d: got \"%s\"", conf_rows[_i].line, err);
	}
	conf_free(c);
}
END_TEST

/* db_tx: which outcomes run the transaction again. */
static const struct {
	int		 line;
	int		 rc, tries;
	long long	 elapsed_ms;
	int		 want;
} again_rows[] = {
	{ __LINE__, DB_OK, 1, 0, 0 },
	{ __LINE__, DB_RETRY, 1, 0, 1 },		/* deadlock, certification conflict */
	{ __LINE__, DB_GONE, 1, 0, 1 },			/* server gone: reconnected, again */
	{ __LINE__, DB_DUP, 1, 0, 0 },			/* an answer, not a failure */
	{ __LINE__, DB_FK, 1, 0, 0 },
	{ __LINE__, DB_REFUSED, 1, 0, 0 },
	{ __LINE__, DB_ERR, 1, 0, 0 },
	{ __LINE__, -100, 1, 0, 0 },			/* a module's own code */
	{ __LINE__, 7, 1, 0, 0 },
	{ __LINE__, DB_RETRY, DB_TX_TRIES - 1, 0, 1 },
	{ __LINE__, DB_RETRY, DB_TX_TRIES, 0, 0 },	/* bounded in tries */
	{ __LINE__, DB_GONE, 2, DB_TX_WINDOW_S * 1000LL - 1, 1 },
	{ __LINE__, DB_GONE, 2, DB_TX_WINDOW_S * 1000LL, 0 },	/* and in time */
};

START_TEST(test_tx_again)
{
	int got = db_tx_again(again_rows[_i].rc, again_rows[_i].tries, again_rows[_i].elapsed_ms);
	ck_assert_msg(got == again_rows[_i].want, "line %d: got %d, want %d", again_rows[_i].line,
	    got, again_rows[_i].want);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dbhost");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, test_parse, 0, (int)nitems(parse_rows));
	tcase_add_loop_test(tc, test_rotation, 0, (int)nitems(rot_rows));
	tcase_add_test(tc, test_rotation_covers);
	tcase_add_loop_test(tc, test_first, 0, (int)nitems(first_rows));
	tcase_add_loop_test(tc, test_tx_again, 0, (int)nitems(again_rows));
	tcase_add_loop_test(tc, test_conf_check, 0, (int)nitems(conf_rows));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
