/*
 * Unit tests of veagent's Prometheus writer (agent/expo.c): the exact text
 * for a known node, number formatting at the edges, families written
 * whole, absent VEs omitted, and every line well-formed.
 */
#include <check.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/expo.h"
#include "util.h"
#include "agent/ve.h"

static struct ve *
mkve(const char *id, uint64_t user, uint64_t sys, size_t nips)
{
	struct ve *v = calloc(1, sizeof(*v));

	ck_assert_ptr_nonnull(v);
	snprintf(v->spec.id, sizeof(v->spec.id), "%s", id);
	v->spec.nips = nips;
	for (size_t i = 0; i < nips; i++) {
		v->spec.ips[i] = (192u << 24) | (2u << 8) | (uint32_t)(10 + i);
		v->s.rx_bytes[i] = 987654 + i;
		v->s.tx_bytes[i] = 123456 + i;
	}
	v->s.present = 1;
	v->s.start_us = 1763770000000000LL;
	v->s.cpu_user_us = user;
	v->s.cpu_sys_us = sys;
	v->s.vmem_bytes = 734003200;
	v->s.rss_bytes = 1048576;
	v->s.disk_bytes = 1073741824;
	v->s.nprocs = 12;
	return v;
}

static char *
render(struct ve **ves, size_t n, uint64_t bogo, int64_t start, int api)
{
	struct expo_node nd = { .agent_start_us = start, .bogomips_centi = bogo,
	    .api_up = api, .http_requests = 7 };
	struct buf b;
	char *s;

	buf_init(&b);
	ck_assert_int_eq(expo_write(&b, &nd, ves, n), 0);
	s = strdup(buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* Drop the "# HELP"/"# TYPE" lines: what is left must be exactly this. */
static const char want_samples[] =
	"veagent_start_time_seconds 1763769600.000000\n"
	"node_cpu_bogomips 4800.00\n"
	"ve_start_time_seconds{ve=\"0000002A\"} 1763770000.000000\n"
	"ve_start_time_seconds{ve=\"0000002B\"} 1763770000.000000\n"
	"ve_cpu_user_seconds_total{ve=\"0000002A\"} 123.456789\n"
	"ve_cpu_user_seconds_total{ve=\"0000002B\"} 0.000000\n"
	"ve_cpu_system_seconds_total{ve=\"0000002A\"} 12.000001\n"
	"ve_cpu_system_seconds_total{ve=\"0000002B\"} 0.000001\n"
	"ve_memory_virtual_bytes{ve=\"0000002A\"} 734003200\n"
	"ve_memory_virtual_bytes{ve=\"0000002B\"} 734003200\n"
	"ve_disk_used_bytes{ve=\"0000002A\"} 1073741824\n"
	"ve_disk_used_bytes{ve=\"0000002B\"} 1073741824\n"
	"ve_network_receive_bytes_total{ve=\"0000002A\",ip=\"192.0.2.10\"} 987654\n"
	"ve_network_receive_bytes_total{ve=\"0000002B\",ip=\"192.0.2.10\"} 987654\n"
	"ve_network_receive_bytes_total{ve=\"0000002B\",ip=\"192.0.2.11\"} 987655\n"
	"ve_network_transmit_bytes_total{ve=\"0000002A\",ip=\"192.0.2.10\"} 123456\n"
	"ve_network_transmit_bytes_total{ve=\"0000002B\",ip=\"192.0.2.10\"} 123456\n"
	"ve_network_transmit_bytes_total{ve=\"0000002B\",ip=\"192.0.2.11\"} 123457\n"
	"ve_memory_rss_bytes{ve=\"0000002A\"} 1048576\n"
	"ve_memory_rss_bytes{ve=\"0000002B\"} 1048576\n"
	"ve_processes{ve=\"0000002A\"} 12\n"
	"ve_processes{ve=\"0000002B\"} 12\n"
	"ve_cpu_throttled_seconds_total{ve=\"0000002A\"} 0.000000\n"
	"ve_cpu_throttled_seconds_total{ve=\"0000002B\"} 0.000000\n"
	"ve_state{ve=\"0000002A\"} 1\n"
	"ve_state{ve=\"0000002B\"} 0\n"
	"veagent_api_up 1\n"
	"veagent_http_requests_total 7\n";

static char *
samples_only(const char *text)
{
	struct buf b;
	char *s;

	buf_init(&b);
	for (const char *p = text; *p != '\0';) {
		size_t n = strcspn(p, "\n");

		if (*p != '#')
			buf_append(&b, p, n + 1);
		p += n + (p[n] == '\n');
	}
	s = strdup(buf_cstr(&b));
	buf_free(&b);
	return s;
}

START_TEST(test_exact)
{
	struct ve *ves[3];
	char *all, *got;

	ves[0] = mkve("0000002A", 123456789, 12000001, 1);
	ves[1] = mkve("0000002B", 0, 1, 2);
	ves[1]->spec.state = VE_SUSPENDED;
	ves[2] = mkve("0000002C", 5, 5, 1);
	ves[2]->s.present = 0;		/* gone: omitted */
	all = render(ves, 3, 480000, 1763769600000000LL, 1);
	got = samples_only(all);
	ck_assert_str_eq(got, want_samples);
	/* Each family is announced once, before its samples. */
	ck_assert_ptr_nonnull(strstr(all, "# TYPE ve_cpu_user_seconds_total counter\n"
	    "ve_cpu_user_seconds_total{ve=\"0000002A\"}"));
	ck_assert_ptr_nonnull(strstr(all, "# TYPE ve_memory_virtual_bytes gauge\n"));
	ck_assert_ptr_null(strstr(all, "0000002C"));
	free(all);
	free(got);
	for (int i = 0; i < 3; i++)
		free(ves[i]);
}
END_TEST

/*
 * ve_up: 1 running, 0 not; a VE known not to run has its ve_state and
 * ve_up lines and no counters; one nobody looked at yet has none.
 */
static const char want_up[] =
	"ve_state{ve=\"0000002A\"} 1\n"
	"ve_state{ve=\"0000002B\"} 0\n"
	"ve_state{ve=\"0000002C\"} 1\n"
	"ve_up{ve=\"0000002A\"} 1\n"
	"ve_up{ve=\"0000002B\"} 0\n"
	"ve_up{ve=\"0000002C\"} 0\n"
	"veagent_http_requests_total 7\n";

START_TEST(test_up)
{
	struct ve *ves[4];
	char *all, *got, *from;

	ves[0] = mkve("0000002A", 1, 1, 1);
	ves[0]->s.run = VE_RUN_UP;
	ves[1] = mkve("0000002B", 1, 1, 1);
	ves[1]->spec.state = VE_SUSPENDED;
	ves[1]->s.run = VE_RUN_DOWN;
	ves[2] = mkve("0000002C", 1, 1, 1);	/* crashed: no counters, but down */
	ves[2]->s.present = 0;
	ves[2]->s.run = VE_RUN_DOWN;
	ves[3] = mkve("0000002D", 1, 1, 1);	/* not made yet: nothing at all */
	ves[3]->s.present = 0;
	all = render(ves, 4, 480000, 1, -1);
	got = samples_only(all);
	from = strstr(got, "ve_state{");
	ck_assert_ptr_nonnull(from);
	ck_assert_str_eq(from, want_up);
	ck_assert_ptr_nonnull(strstr(all, "# TYPE ve_up gauge\n"));
	ck_assert_ptr_null(strstr(all, "0000002D"));
	ck_assert_ptr_null(strstr(all, "ve_cpu_user_seconds_total{ve=\"0000002C\"}"));
	free(all);
	free(got);
	for (int i = 0; i < 4; i++)
		free(ves[i]);
}
END_TEST

static const struct {
	uint64_t	 us;
	const char	*want;
} sec_rows[] = {
	{ 0, "0.000000" },
	{ 1, "0.000001" },
	{ 999999, "0.999999" },
	{ 1000000, "1.000000" },
	{ 123456789, "123.456789" },
	{ 18446744073709551615ULL, "18446744073709.551615" },
};

START_TEST(test_seconds)
{
	struct ve *v = mkve("0000002A", sec_rows[_i].us, 0, 0);
	char *all = render(&v, 1, 1, 1, -1), want[128];

	snprintf(want, sizeof(want), "\nve_cpu_user_seconds_total{ve=\"0000002A\"} %s\n",
	    sec_rows[_i].want);
	ck_assert_msg(strstr(all, want) != NULL, "row %d: %s not in output", _i, want);
	/* No --api: no veagent_api_up. */
	ck_assert_ptr_null(strstr(all, "veagent_api_up"));
	free(all);
	free(v);
}
END_TEST

static const struct {
	uint64_t	 centi;
	const char	*want;
} bogo_rows[] = {
	{ 480000, "node_cpu_bogomips 4800.00\n" },
	{ 400001, "node_cpu_bogomips 4000.01\n" },
	{ 5, "node_cpu_bogomips 0.05\n" },
	{ 0, "node_cpu_bogomips 0.00\n" },
};

START_TEST(test_bogomips)
{
	char *all = render(NULL, 0, bogo_rows[_i].centi, 0, -1);

	ck_assert_msg(strstr(all, bogo_rows[_i].want) != NULL, "row %d", _i);
	ck_assert_ptr_nonnull(strstr(all, "veagent_start_time_seconds 0.000000\n"));
	free(all);
}
END_TEST

/*
 * The hand-written number formatting against printf: a reference
 * rendering of every sample line with snprintf (%llu, %lld, %d, six or
 * two fixed decimals), byte for byte, for VEs whose counters sit at the
 * edges (0, 9/10, 99/100, 999999/1000000, max uint64, max uint32,
 * negative times and flags, 0.0.0.0 and 255.255.255.255).
 */
static void
ref_line(struct buf *b, const char *name, const struct ve *v, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
ref_line(struct buf *b, const char *name, const struct ve *v, const char *fmt, ...)
{
	char val[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	buf_printf(b, "%s{ve=\"%s\"} %s\n", name, v->spec.id, val);
}

#define SEC6(us)	(unsigned long long)((us) / 1000000), (unsigned long long)((us) % 1000000)

static char *
ref_render(struct ve **ves, size_t n, const struct expo_node *nd)
{
	static const char *const names[] = { "ve_start_time_seconds", "ve_cpu_user_seconds_total",
	    "ve_cpu_system_seconds_total", "ve_memory_virtual_bytes", "ve_disk_used_bytes",
	    "ve_network_receive_bytes_total", "ve_network_transmit_bytes_total",
	    "ve_memory_rss_bytes", "ve_processes", "ve_cpu_throttled_seconds_total", "ve_state",
	    "ve_up" };
	uint64_t st = nd->agent_start_us > 0 ? (uint64_t)nd->agent_start_us : 0;
	struct buf b;
	char *out;

	buf_init(&b);
	buf_printf(&b, "veagent_start_time_seconds %llu.%06llu\n", SEC6(st));
	buf_printf(&b, "node_cpu_bogomips %llu.%02llu\n",
	    (unsigned long long)(nd->bogomips_centi / 100), (unsigned long long)(nd->bogomips_centi % 100));
	for (size_t f = 0; f < nitems(names); f++)
		for (size_t i = 0; i < n; i++) {
			const struct ve *v = ves[i];
			const struct ve_sample *x = &v->s;
			uint64_t vs = x->start_us > 0 ? (uint64_t)x->start_us : 0;

			if (f == 11 ? x->run == VE_RUN_UNKNOWN :
			    f == 10 ? !x->present && x->run == VE_RUN_UNKNOWN : !x->present)
				continue;
			switch (f) {
			case 0: ref_line(&b, names[f], v, "%llu.%06llu", SEC6(vs)); break;
			case 1: ref_line(&b, names[f], v, "%llu.%06llu", SEC6(x->cpu_user_us)); break;
			case 2: ref_line(&b, names[f], v, "%llu.%06llu", SEC6(x->cpu_sys_us)); break;
			case 3: ref_line(&b, names[f], v, "%llu", (unsigned long long)x->vmem_bytes); break;
			case 4: ref_line(&b, names[f], v, "%llu", (unsigned long long)x->disk_bytes); break;
			case 5:
			case 6:
				for (size_t a = 0; a < v->spec.nips; a++) {
					uint32_t ip = v->spec.ips[a];

					buf_printf(&b, "%s{ve=\"%s\",ip=\"%u.%u.%u.%u\"} %llu\n", names[f],
					    v->spec.id, ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255,
					    (unsigned long long)(f == 5 ? x->rx_bytes[a] : x->tx_bytes[a]));
				}
				break;
			case 7: ref_line(&b, names[f], v, "%llu", (unsigned long long)x->rss_bytes); break;
			case 8: ref_line(&b, names[f], v, "%u", x->nprocs); break;
			case 9: ref_line(&b, names[f], v, "%llu.%06llu", SEC6(x->cpu_throttled_us)); break;
			case 10: ref_line(&b, names[f], v, "%d", v->spec.state == VE_ACTIVE); break;
			default: ref_line(&b, names[f], v, "%d", x->run == VE_RUN_UP); break;
			}
		}
	buf_printf(&b, "veagent_backup_repo_bytes %llu\n", nd->bk->repo_bytes);
	buf_printf(&b, "veagent_backups_total %llu\n", nd->bk->ok);
	buf_printf(&b, "veagent_backup_failures_total %llu\n", nd->bk->failures);
	for (size_t i = 0; i < n; i++)
		if (ves[i]->s.present && ves[i]->s.backup_at > 0)
			ref_line(&b, "ve_backup_last_success_seconds", ves[i], "%lld",
			    (long long)ves[i]->s.backup_at);
	for (size_t i = 0; i < n; i++)
		if (ves[i]->s.present)
			ref_line(&b, "ve_backup_failing", ves[i], "%d", ves[i]->s.backup_failing);
	buf_printf(&b, "veagent_api_up %d\n", nd->api_up);
	buf_printf(&b, "veagent_http_requests_total %llu\n", nd->http_requests);
	out = strdup(buf_cstr(&b));
	buf_free(&b);
	return out;
}

static const uint64_t edge_u64[] = {
	0, 1, 9, 10, 99, 100, 999999, 1000000, 1000001, 4294967295ULL, 4294967296ULL,
	9999999999999999999ULL, 10000000000000000000ULL, 18446744073709551615ULL,
};
static const int64_t edge_i64[] = {
	INT64_MIN, -1000001, -1, 0, 1, 1000000, 1763770000123456LL, INT64_MAX,
};
static const int edge_int[] = { INT32_MIN, -1, 0, 1, 2, INT32_MAX };

START_TEST(test_against_printf)
{
	struct be_backup_stats bk = { .ok = 0, .failures = 18446744073709551615ULL,
	    .repo_bytes = 1000000 };
	struct expo_node nd = { .agent_start_us = edge_i64[_i % nitems(edge_i64)],
	    .bogomips_centi = edge_u64[_i], .api_up = 0, .http_requests = edge_u64[_i], .bk = &bk };
	size_t n = 2 * nitems(edge_u64);
	struct ve **ves = calloc(n, sizeof(*ves));
	struct buf b;
	char *got, *want;

	ck_assert_ptr_nonnull(ves);
	for (size_t i = 0; i < n; i++) {
		uint64_t e = edge_u64[(i + (size_t)_i) % nitems(edge_u64)];
		char id[9];

		snprintf(id, sizeof(id), "%08zX", i + 1);
		ves[i] = mkve(id, e, edge_u64[i % nitems(edge_u64)], 1 + i % 3);
		ves[i]->s.cpu_throttled_us = ~e;
		ves[i]->s.vmem_bytes = e / 3;
		ves[i]->s.rss_bytes = e;
		ves[i]->s.disk_bytes = ~e;
		ves[i]->s.nprocs = (uint32_t)e;
		ves[i]->s.rx_bytes[0] = e;
		ves[i]->s.tx_bytes[0] = ~e;
		ves[i]->spec.ips[0] = i % 2 ? 0xffffffffu : 0;
		ves[i]->s.start_us = edge_i64[i % nitems(edge_i64)];
		ves[i]->s.backup_at = edge_i64[(i + 3) % nitems(edge_i64)];
		ves[i]->s.backup_failing = edge_int[i % nitems(edge_int)];
		ves[i]->s.run = (enum ve_run)(i % 3);
		ves[i]->s.present = i % 5 != 4;
		ves[i]->spec.state = i % 4 == 3 ? VE_SUSPENDED : VE_ACTIVE;
	}
	buf_init(&b);
	ck_assert_int_eq(expo_write(&b, &nd, ves, n), 0);
	got = samples_only(buf_cstr(&b));
	want = ref_render(ves, n, &nd);
	{
		/* The first line that differs, not two whole expositions. */
		size_t at = 0, sol = 0;

		while (got[at] != '\0' && got[at] == want[at])
			if (got[at++] == '\n')
				sol = at;
		ck_assert_msg(got[at] == want[at], "row %d: got \"%.100s\", printf gives \"%.100s\"",
		    _i, got + sol, want + sol);
	}
	buf_free(&b);
	free(got);
	free(want);
	for (size_t i = 0; i < n; i++)
		free(ves[i]);
	free(ves);
}
END_TEST

/* 5000 VEs: every line is a comment or "name{labels} number". */
START_TEST(test_many_wellformed)
{
	size_t n = 5000, lines = 0;
	struct ve **ves = calloc(n, sizeof(*ves));
	char *all, *p;

	for (size_t i = 0; i < n; i++) {
		char id[9];
		snprintf(id, sizeof(id), "F%07zX", i + 1);
		ves[i] = mkve(id, i * 1000003, i, 1 + i % 3);
	}
	all = render(ves, n, 480000, 1, 1);
	for (p = all; *p != '\0';) {
		size_t len = strcspn(p, "\n");
		char line[256], *sp;

		ck_assert(len < sizeof(line));
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + 1;
		if (line[0] == '#') {
			ck_assert(strncmp(line, "# HELP ", 7) == 0 || strncmp(line, "# TYPE ", 7) == 0);
			continue;
		}
		lines++;
		sp = strrchr(line, ' ');
		ck_assert_ptr_nonnull(sp);
		for (char *d = sp + 1; *d != '\0'; d++)
			ck_assert_msg((*d >= '0' && *d <= '9') || *d == '.', "bad value in %s", line);
		ck_assert(line[0] >= 'a' && line[0] <= 'z');
	}
	/* 9 one-per-VE families + rx/tx per address, plus 4 node lines. */
	{
		size_t addrs = 0;
		for (size_t i = 0; i < n; i++)
			addrs += ves[i]->spec.nips;
		ck_assert_uint_eq(lines, 4 + 9 * n + 2 * addrs);
	}
	free(all);
	for (size_t i = 0; i < n; i++)
		free(ves[i]);
	free(ves);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("agent_expo");
	TCase *tc = tcase_create("expo");
	tcase_add_test(tc, test_exact);
	tcase_add_test(tc, test_up);
	tcase_add_loop_test(tc, test_seconds, 0, (int)nitems(sec_rows));
	tcase_add_loop_test(tc, test_bogomips, 0, (int)nitems(bogo_rows));
	tcase_add_loop_test(tc, test_against_printf, 0, (int)nitems(edge_u64));
	suite_add_tcase(s, tc);
	/*
	 * 5000 VEs: a guard against hanging, not a speed test.  Check's 4 s
	 * default expired on a loaded machine and under ASan; `make check`
	 * multiplies this by VEP_TIMEOUT_SCALE (CK_TIMEOUT_MULTIPLIER).
	 */
	TCase *big = tcase_create("expo_many");
	tcase_set_timeout(big, 60);
	tcase_add_test(big, test_many_wellformed);
	suite_add_tcase(s, big);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
