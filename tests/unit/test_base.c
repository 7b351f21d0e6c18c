/*
 * Unit tests of lib/base's daemon helpers: complain.c (complain once,
 * report recovery once), listen.c (address parsing, accept back-off) and
 * loop.c's timers.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <check.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "complain.h"
#include "listen.h"
#include "log.h"
#include "loop.h"

/* A run of events at given times: 'f' fail, 'o' ok; what each returns. */
static const struct {
	const char	*ev;
	int64_t		 t[8];
	int64_t		 interval;
	const char	*logged;	/* per event: 1 if it logged */
	unsigned	 runs;
} complain_rows[] = {
	{ "fff", { 0, 1, 2 }, 0, "100", 1 },		/* once per run only */
	{ "ffo", { 0, 1, 2 }, 0, "101", 1 },		/* and the recovery once */
	{ "foo", { 0, 1, 2 }, 0, "110", 1 },		/* a second recovery says nothing */
	{ "ooo", { 0, 1, 2 }, 0, "000", 0 },		/* no run: nothing */
	{ "fofo", { 0, 1, 2, 3 }, 0, "1111", 2 },	/* two runs */
	{ "ffff", { 0, 30, 60, 61 }, 60, "1010", 1 },	/* again after the interval */
	{ "ffffo", { 5, 6, 7, 65, 70 }, 60, "10011", 1 },
};

START_TEST(test_complain)
{
	struct complaint c;
	const char *ev = complain_rows[_i].ev;

	memset(&c, 0, sizeof(c));
	for (size_t k = 0; ev[k] != '\0'; k++) {
		int64_t t = complain_rows[_i].t[k];
		int got = ev[k] == 'f' ?
		    complain(&c, t, complain_rows[_i].interval, "row %d fails", _i) :
		    complain_release(&c, t, "row %d ok", _i);
		ck_assert_msg(got == complain_rows[_i].logged[k] - '0',
		    "row %d event %zu (%c at %lld): logged %d", _i, k, ev[k], (long long)t, got);
	}
	ck_assert_uint_eq(c.runs, complain_rows[_i].runs);
}
END_TEST

static const struct {
	const char	*in;
	int		 ok, family, port;
} listen_rows[] = {
	{ "127.0.0.1:9300", 1, AF_INET, 9300 },
	{ "0.0.0.0:1", 1, AF_INET, 1 },
	{ "[::1]:9300", 1, AF_INET6, 9300 },
	{ "[2001:db8::1]:65535", 1, AF_INET6, 65535 },
	{ "127.0.0.1:0", 0, 0, 0 },
	{ "127.0.0.1:65536", 0, 0, 0 },
	{ "127.0.0.1", 0, 0, 0 },
	{ ":9300", 0, 0, 0 },
	{ "localhost:9300", 0, 0, 0 },
	{ "::1:9300", 0, 0, 0 },
	{ "[]:9300", 0, 0, 0 },
	{ "[::1:9300", 0, 0, 0 },
	{ "127.0.0.1:9300x", 0, 0, 0 },
	{ "", 0, 0, 0 },
};

START_TEST(test_listen_parse)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	int r = listen_parse(listen_rows[_i].in, &ss, &len);

	ck_assert_msg((r == 0) == listen_rows[_i].ok, "\"%s\": %d", listen_rows[_i].in, r);
	if (r != 0)
		return;
	ck_assert_int_eq(ss.ss_family, listen_rows[_i].family);
	ck_assert_int_eq(ntohs(((struct sockaddr_in *)&ss)->sin_port), listen_rows[_i].port);
}
END_TEST

static long long
stop_due(struct loop *l, long long id, void *arg)
{
	(void)id;
	(*(int *)arg)++;
	loop_stop(l);
	return -1;
}

static void
accept_ready(struct loop *l, int fd, int mask, void *arg)
{
	struct accept_pause *ap = arg;
	int cfd;

	(void)l;
	(void)mask;
	if ((cfd = accept(fd, NULL, NULL)) == -1) {
		accept_pause(ap, errno);
		return;
	}
	close(cfd);
}

/* Out of descriptors: the listener pauses, the loop does not spin on it. */
START_TEST(test_accept_pause)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct accept_pause ap;
	struct rlimit old, low;
	struct loop *l = loop_new();
	int lfd, cfd, fired = 0;

	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(listen_parse("127.0.0.1:1", &ss, &len), 0);
	((struct sockaddr_in *)&ss)->sin_port = 0;
	ck_assert_int_ne(lfd = listen_open(&ss, len, 16), -1);
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&ss, &len), 0);
	accept_pause_init(&ap, l, lfd, 300);
	ck_assert_int_eq(loop_io_add(l, lfd, LOOP_READ, accept_ready, &ap), 0);
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(cfd, (struct sockaddr *)&ss, len), 0);
	/* Use up the descriptors: accept() fails with EMFILE. */
	getrlimit(RLIMIT_NOFILE, &old);
	low = old;
	low.rlim_cur = (rlim_t)(cfd + 1);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	ck_assert_int_ne(loop_timer_add(l, 200, stop_due, &fired), -1);
	ck_assert_int_eq(loop_run(l), 0);
	setrlimit(RLIMIT_NOFILE, &old);
	/* Paused once within 200 ms, not once per round. */
	ck_assert_int_eq(fired, 1);
	ck_assert_uint_eq(ap.pauses, 1);
	ck_assert_uint_eq(ap.c.runs, 1);
	accept_pause_done(&ap);
	loop_io_del(l, lfd);
	close(cfd);
	close(lfd);
	loop_free(l);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("base");
	TCase *tc = tcase_create("base");

	log_init("test_base", LOG_LVL_ERR, 1, 0);
	tcase_add_loop_test(tc, test_complain, 0, sizeof(complain_rows) / sizeof(complain_rows[0]));
	tcase_add_loop_test(tc, test_listen_parse, 0, sizeof(listen_rows) / sizeof(listen_rows[0]));
	tcase_add_test(tc, test_accept_pause);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
