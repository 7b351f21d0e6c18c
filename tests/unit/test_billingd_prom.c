/*
 * Unit tests of billingd's parser of agent answers (prom.c): the SPEC's
 * example, every kind of malformed answer, huge numbers, decimals,
 * duplicates, missing labels and series, a large answer, and ve_up /
 * ve_state (availability): optional, 0 or 1, a VE with ve_up alone.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"

#define AGENT	"veagent_start_time_seconds 1763769600.000000\n"
#define VE(id)	"ve_start_time_seconds{ve=\"" id "\"} 1763770000.000000\n" \
		"ve_cpu_user_seconds_total{ve=\"" id "\"} 123.456789\n" \
		"ve_cpu_system_seconds_total{ve=\"" id "\"} 12.000001\n" \
		"ve_memory_virtual_bytes{ve=\"" id "\"} 734003200\n" \
		"ve_disk_used_bytes{ve=\"" id "\"} 1073741824\n"
#define NET(id, ip, rx, tx) \
		"ve_network_receive_bytes_total{ve=\"" id "\",ip=\"" ip "\"} " rx "\n" \
		"ve_network_transmit_bytes_total{ve=\"" id "\",ip=\"" ip "\"} " tx "\n"

static const struct {
	int		 line;
	const char	*in;
	int		 ok;
	size_t		 nve;		/* when ok */
	const char	*err;		/* a part of the reason when not */
} rows[] = {
	/* The SPEC's example. */
	{ __LINE__, AGENT "node_cpu_bogomips 4800.00\n" VE("0000002A")
	    NET("0000002A", "192.0.2.10", "987654", "123456"), 1, 1, NULL },
	/* Comments, blank lines, unknown metrics of any shape are ignored. */
	{ __LINE__, "# HELP x y\n# TYPE veagent_start_time_seconds gauge\n\n" AGENT
	    "go_goroutines 12\nprocess_cpu_seconds_total{a=\"b\",c=\"d\\\"e\"} 1.5e3\n"
	    "some_metric NaN\nother{x=\"1\",} +Inf 1700000000000\n"
	    VE("0000002A"), 1, 1, NULL },
	/* No VEs at all is a valid answer. */
	{ __LINE__, AGENT, 1, 0, NULL },
	/* Labels in any order; a VE without addresses. */
	{ __LINE__, AGENT VE("0000002A") VE("FFFFFFFE")
	    "ve_network_transmit_bytes_total{ip=\"2001:db8::1\",ve=\"0000002A\"} 5\n"
	    "ve_network_receive_bytes_total{ip=\"2001:db8::1\",ve=\"0000002A\"} 6\n", 1, 2, NULL },
	/* Largest values that fit a signed 64-bit column. */
	{ __LINE__, AGENT "ve_start_time_seconds{ve=\"00000001\"} 0\n"
	    "ve_cpu_user_seconds_total{ve=\"00000001\"} 9223372036854.775807\n"
	    "ve_cpu_system_seconds_total{ve=\"00000001\"} 0.000001\n"
	    "ve_memory_virtual_bytes{ve=\"00000001\"} 9223372036854775807\n"
	    "ve_disk_used_bytes{ve=\"00000001\"} 0\n", 1, 1, NULL },

	/* Malformed: each refused as a whole. */
	{ __LINE__, "", 0, 0, "veagent_start_time_seconds missing" },
	{ __LINE__, VE("0000002A"), 0, 0, "veagent_start_time_seconds missing" },
	{ __LINE__, AGENT "ve_start_time_seconds{ve=\"0000002A\"} 1", 0, 0, "newline" },
	{ __LINE__, "veagent_start_time_seconds 1\r\n", 0, 0, "CR" },
	{ __LINE__, "<html>hello</html>\n", 0, 0, "metric name expected" },
	{ __LINE__, AGENT "1abc 5\n", 0, 0, "metric name expected" },
	{ __LINE__, AGENT "abc\n", 0, 0, "blank before the value" },
	{ __LINE__, AGENT "abc \n", 0, 0, "value missing" },
	{ __LINE__, AGENT "abc{x=\"1\" 5\n", 0, 0, "expected , or }" },
	{ __LINE__, AGENT "abc{x=\"1 5\n", 0, 0, "unterminated label value" },
	{ __LINE__, AGENT "abc{x=1} 5\n", 0, 0, "expected =\"" },
	{ __LINE__, AGENT "abc{x=\"\\t\"} 5\n", 0, 0, "bad escape" },
	{ __LINE__, AGENT "abc{x=\"1\",x=\"2\"} 5\n", 0, 0, "label given twice" },
	{ __LINE__, AGENT "abc 5 6 7\n", 0, 0, "trailing text" },
	{ __LINE__, AGENT "abc 5 soon\n", 0, 0, "bad timestamp" },
	{ __LINE__, AGENT "abc{", 0, 0, "newline" },
	{ __LINE__, AGENT "abc{\n", 0, 0, "unterminated label set" },
	/* Seven decimals, or decimals where bytes are whole numbers. */
	{ __LINE__, AGENT "ve_cpu_user_seconds_total{ve=\"0000002A\"} 1.0000001\n", 0, 0,
	    "too many decimals" },
	{ __LINE__, "veagent_start_time_seconds 1763769600.0000000\n", 0, 0, "too many decimals" },
	{ __LINE__, AGENT "ve_memory_virtual_bytes{ve=\"0000002A\"} 1.5\n", 0, 0,
	    "whole number" },
	{ __LINE__, AGENT "ve_disk_used_bytes{ve=\"0000002A\"} 1e9\n", 0, 0, "malformed" },
	{ __LINE__, AGENT "ve_disk_used_bytes{ve=\"0000002A\"} -1\n", 0, 0, "malformed" },
	{ __LINE__, AGENT "ve_disk_used_bytes{ve=\"0000002A\"} +1\n", 0, 0, "malformed" },
	{ __LINE__, AGENT "ve_disk_used_bytes{ve=\"0000002A\"} 0x10\n", 0, 0, "malformed" },
	{ __LINE__, AGENT "ve_disk_used_bytes{ve=\"0000002A\"} NaN\n", 0, 0, "malformed" },
	{ __LINE__, AGENT "ve_cpu_user_seconds_total{ve=\"0000002A\"} .5\n", 0, 0, "malformed" },
	{ __LINE__, AGENT "ve_cpu_user_seconds_total{ve=\"0000002A\"} 5.\n", 0, 0, "malformed" },
	/* Huge numbers. */
	{ __LINE__, AGENT "ve_memory_virtual_bytes{ve=\"0000002A\"} 9223372036854775808\n", 0, 0,
	    "too large" },
	{ __LINE__, AGENT "ve_memory_virtual_bytes{ve=\"0000002A\"} 99999999999999999999999\n",
	    0, 0, "out-of-range" },
	{ __LINE__, AGENT "ve_cpu_user_seconds_total{ve=\"0000002A\"} 9223372036854.775808\n",
	    0, 0, "too large" },
	/* Duplicate series. */
	{ __LINE__, AGENT AGENT, 0, 0, "given twice" },
	{ __LINE__, AGENT VE("0000002A") "ve_disk_used_bytes{ve=\"0000002A\"} 1\n", 0, 0,
	    "given twice" },
	{ __LINE__, AGENT VE("0000002A") NET("0000002A", "192.0.2.1", "1", "1")
	    NET("0000002A", "192.0.2.1", "1", "1"), 0, 0, "given twice" },
	{ __LINE__, AGENT VE("0000002A") NET("0000002A", "2001:db8::1", "1", "1")
	    "ve_network_receive_bytes_total{ve=\"0000002A\",ip=\"2001:DB8:0::1\"} 1\n", 0, 0,
	    "given twice" },
	/* Missing, extra and malformed labels. */
	{ __LINE__, AGENT "ve_cpu_user_seconds_total 1\n", 0, 0, "label ve required" },
	{ __LINE__, AGENT "ve_network_receive_bytes_total{ve=\"0000002A\"} 1\n", 0, 0,
	    "labels ve and ip required" },
	{ __LINE__, AGENT "ve_cpu_user_seconds_total{ve=\"0000002A\",ip=\"192.0.2.1\"} 1\n",
	    0, 0, "unexpected label" },
	{ __LINE__, AGENT "ve_cpu_user_seconds_total{vm=\"0000002A\"} 1\n", 0, 0,
	    "unexpected label" },
	{ __LINE__, "veagent_start_time_seconds{ve=\"0000002A\"} 1\n", 0, 0, "unexpected label" },
	{ __LINE__, AGENT "ve_cpu_user_seconds_total{ve=\"0000002a\"} 1\n", 0, 0, "hex digits" },
	{ __LINE__, AGENT "ve_cpu_user_seconds_total{ve=\"000002A\"} 1\n", 0, 0, "hex digits" },
	{ __LINE__, AGENT "ve_cpu_user_seconds_total{ve=\"00\\\"002A\"} 1\n", 0, 0, "hex digits" },
	{ __LINE__, AGENT "ve_network_receive_bytes_total{ve=\"0000002A\",ip=\"192.0.2\"} 1\n",
	    0, 0, "not an address" },
	{ __LINE__, AGENT "ve_network_receive_bytes_total{ve=\"0000002A\",ip=\"\"} 1\n",
	    0, 0, "not an address" },
	/* Timestamps on our series. */
	{ __LINE__, AGENT "ve_disk_used_bytes{ve=\"0000002A\"} 1 1700000000000\n", 0, 0,
	    "timestamps" },
	/* Missing series of a VE or of an address. */
	{ __LINE__, AGENT "ve_start_time_seconds{ve=\"0000002A\"} 1\n", 0, 0, "series missing" },
	{ __LINE__, AGENT VE("0000002A") "ve_network_receive_bytes_total{ve=\"0000002A\","
	    "ip=\"192.0.2.1\"} 1\n", 0, 0, "receive and transmit" },

	/* Availability: ve_up and ve_state with the counters, or ve_up alone. */
	{ __LINE__, AGENT VE("0000002A") "ve_state{ve=\"0000002A\"} 1\nve_up{ve=\"0000002A\"} 1\n",
	    1, 1, NULL },
	{ __LINE__, AGENT "ve_state{ve=\"0000002B\"} 1\nve_up{ve=\"0000002B\"} 0\n", 1, 1, NULL },
	{ __LINE__, AGENT "ve_up{ve=\"0000002B\"} 0\n", 1, 1, NULL },
	/* ve_state alone does not make a VE: nothing to measure. */
	{ __LINE__, AGENT "ve_state{ve=\"0000002B\"} 0\n", 0, 0, "series missing" },
	/* Some counters without the others, even with ve_up. */
	{ __LINE__, AGENT "ve_start_time_seconds{ve=\"0000002A\"} 1\nve_up{ve=\"0000002A\"} 1\n",
	    0, 0, "series missing" },
	/* Addresses without counters. */
	{ __LINE__, AGENT "ve_up{ve=\"0000002A\"} 0\n" NET("0000002A", "192.0.2.1", "1", "1"),
	    0, 0, "series missing" },
	{ __LINE__, AGENT "ve_up{ve=\"0000002A\"} 2\n", 0, 0, "0 or 1" },
	{ __LINE__, AGENT "ve_state{ve=\"0000002A\"} 1.0\nve_up{ve=\"0000002A\"} 1\n", 0, 0,
	    "whole number" },
	{ __LINE__, AGENT "ve_up{ve=\"0000002A\"} -1\n", 0, 0, "malformed" },
	{ __LINE__, AGENT "ve_up{ve=\"0000002A\"} 1\nve_up{ve=\"0000002A\"} 1\n", 0, 0,
	    "given twice" },
	{ __LINE__, AGENT "ve_up 1\n", 0, 0, "label ve required" },
	{ __LINE__, AGENT "ve_up{ve=\"0000002A\",ip=\"192.0.2.1\"} 1\n", 0, 0,
	    "unexpected label" },
	{ __LINE__, AGENT "ve_up{ve=\"0000002A\"} 1 1700000000000\n", 0, 0, "timestamps" },
	/* Names that only start like ours are other metrics. */
	{ __LINE__, AGENT "ve_upx{ve=\"0000002A\"} 7\nve_state_total 3\n", 1, 0, NULL },
};

START_TEST(test_rows)
{
	struct prom_set s;
	char err[256] = "";
	size_t len = strlen(rows[_i].in);
	int r;

	prom_init(&s);
	r = prom_parse(&s, rows[_i].in, len, err, sizeof(err));
	ck_assert_msg((r == 0) == rows[_i].ok, "line %d: r %d err \"%s\"", rows[_i].line, r, err);
	if (r == 0)
		ck_assert_msg(s.nve == rows[_i].nve, "line %d: %zu VEs", rows[_i].line, s.nve);
	else if (rows[_i].err != NULL)
		ck_assert_msg(strstr(err, rows[_i].err) != NULL, "line %d: err \"%s\"",
		    rows[_i].line, err);
	prom_free(&s);
}
END_TEST

/* A NUL byte inside an answer. */
START_TEST(test_nul)
{
	static const char in[] = AGENT "x 1\0\n";
	struct prom_set s;
	char err[128];

	prom_init(&s);
	ck_assert(prom_parse(&s, in, sizeof(in) - 1, err, sizeof(err)) == -1);
	ck_assert(strstr(err, "NUL") != NULL);
	prom_free(&s);
}
END_TEST

/* The SPEC's example, value by value, exact. */
START_TEST(test_values)
{
	const char *in = AGENT "node_cpu_bogomips 4800.00\n" VE("0000002A")
	    NET("0000002A", "192.0.2.10", "987654", "123456");
	struct prom_set s;
	char err[128], ip[PROM_IPSTRLEN];
	long i;

	prom_init(&s);
	ck_assert(prom_parse(&s, in, strlen(in), err, sizeof(err)) == 0);
	ck_assert(s.agent_start_us == 1763769600000000ULL);
	ck_assert(s.bogomips_c == 480000);
	ck_assert((i = prom_find(&s, 0x2a)) == 0);
	ck_assert(s.ve[i].start_us == 1763770000000000ULL);
	ck_assert(s.ve[i].cpu_user_us == 123456789ULL);
	ck_assert(s.ve[i].cpu_sys_us == 12000001ULL);
	ck_assert(s.ve[i].vmem == 734003200ULL);
	ck_assert(s.ve[i].disk == 1073741824ULL);
	ck_assert_uint_eq(s.ve[i].nip, 1);
	ck_assert(s.ip[s.ve[i].ip_off].rx == 987654 && s.ip[s.ve[i].ip_off].tx == 123456);
	prom_ip_name(s.ip[s.ve[i].ip_off].addr, ip);
	ck_assert_str_eq(ip, "192.0.2.10");
	ck_assert(prom_find(&s, 0x2b) == -1);
	prom_free(&s);
}
END_TEST

/* ve_up and ve_state read back; ve_state defaults to active. */
START_TEST(test_up)
{
	const char *in = AGENT VE("00000001") "ve_up{ve=\"00000001\"} 1\n"
	    "ve_up{ve=\"00000002\"} 0\nve_state{ve=\"00000002\"} 0\n"
	    VE("00000003") "ve_up{ve=\"00000004\"} 0\n";
	struct prom_set s;
	char err[128];
	long i;

	prom_init(&s);
	ck_assert_msg(prom_parse(&s, in, strlen(in), err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(s.nve, 4);
	i = prom_find(&s, 1);
	ck_assert(s.ve[i].have == (PROM_HAVE_ALL | PROM_HAVE_UP) && s.ve[i].up == 1 &&
	    s.ve[i].active == 1);
	i = prom_find(&s, 2);
	ck_assert(s.ve[i].have == (PROM_HAVE_UP | PROM_HAVE_STATE) && s.ve[i].up == 0 &&
	    s.ve[i].active == 0);
	i = prom_find(&s, 3);
	ck_assert(s.ve[i].have == PROM_HAVE_ALL);	/* an older agent: no availability */
	i = prom_find(&s, 4);
	ck_assert(s.ve[i].have == PROM_HAVE_UP && s.ve[i].up == 0 && s.ve[i].active == 1);
	prom_free(&s);
}
END_TEST

/* Addresses of two VEs interleaved come out grouped per VE, in order. */
START_TEST(test_grouping)
{
	const char *in = AGENT VE("00000001") VE("00000002")
	    NET("00000001", "192.0.2.1", "1", "2") NET("00000002", "192.0.2.2", "3", "4")
	    NET("00000001", "2001:db8::1", "5", "6") NET("00000002", "192.0.2.3", "7", "8");
	struct prom_set s;
	char err[128], ip[PROM_IPSTRLEN];

	prom_init(&s);
	/* Twice: the second parse reuses the set's memory. */
	for (int round = 0; round < 2; round++) {
		ck_assert(prom_parse(&s, in, strlen(in), err, sizeof(err)) == 0);
		ck_assert_uint_eq(s.nve, 2);
		ck_assert_uint_eq(s.nip, 4);
		ck_assert_uint_eq(s.ve[0].nip, 2);
		ck_assert_uint_eq(s.ve[1].nip, 2);
		prom_ip_name(s.ip[s.ve[0].ip_off + 1].addr, ip);
		ck_assert_str_eq(ip, "2001:db8::1");
		ck_assert(s.ip[s.ve[0].ip_off + 1].tx == 6);
		prom_ip_name(s.ip[s.ve[1].ip_off].addr, ip);
		ck_assert_str_eq(ip, "192.0.2.2");
		ck_assert(s.ip[s.ve[1].ip_off + 1].rx == 7);
	}
	prom_free(&s);
}
END_TEST

/* Many VEs: the hash grows, every VE is found with its own values. */
START_TEST(test_many)
{
	size_t n = 20000, cap = n * 400 + 100, len = 0;
	char *in = malloc(cap), err[128];
	struct prom_set s;

	ck_assert(in != NULL);
	len += (size_t)snprintf(in + len, cap - len, AGENT);
	for (size_t i = 0; i < n; i++) {
		unsigned id = (unsigned)(i * 7919u + 1);
		len += (size_t)snprintf(in + len, cap - len,
		    "ve_start_time_seconds{ve=\"%08X\"} 1.000000\n"
		    "ve_cpu_user_seconds_total{ve=\"%08X\"} %zu.000001\n"
		    "ve_cpu_system_seconds_total{ve=\"%08X\"} 0\n"
		    "ve_memory_virtual_bytes{ve=\"%08X\"} %zu\n"
		    "ve_disk_used_bytes{ve=\"%08X\"} 0\n", id, id, i, id, id, i, id);
	}
	prom_init(&s);
	ck_assert(prom_parse(&s, in, len, err, sizeof(err)) == 0);
	ck_assert_uint_eq(s.nve, n);
	for (size_t i = 0; i < n; i++) {
		long k = prom_find(&s, (uint32_t)(i * 7919u + 1));
		ck_assert(k >= 0);
		ck_assert(s.ve[k].vmem == i && s.ve[k].cpu_user_us == i * 1000000 + 1);
	}
	prom_free(&s);
	free(in);
}
END_TEST

static const struct {
	const char	*in;
	int		 ok;
	uint32_t	 id;
} ve_rows[] = {
	{ "0000002A", 1, 0x2a },
	{ "FFFFFFFF", 1, 0xffffffffu },
	{ "00000000", 1, 0 },
	{ "0000002a", 0, 0 },
	{ "0000002", 0, 0 },
	{ "0000002AB", 0, 0 },
	{ "0000 02A", 0, 0 },
	{ "G000002A", 0, 0 },
};

START_TEST(test_ve_names)
{
	uint32_t id = 0;
	char back[9];
	int r = prom_ve_parse(ve_rows[_i].in, strlen(ve_rows[_i].in), &id);

	ck_assert_msg((r == 0) == ve_rows[_i].ok, "row %d", _i);
	if (r == 0) {
		ck_assert(id == ve_rows[_i].id);
		prom_ve_name(id, back);
		ck_assert_str_eq(back, ve_rows[_i].in);
	}
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("billingd_prom");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_rows, 0, sizeof(rows) / sizeof(rows[0]));
	tcase_add_test(tc, test_nul);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_up);
	tcase_add_test(tc, test_grouping);
	tcase_add_test(tc, test_many);
	tcase_add_loop_test(tc, test_ve_names, 0, sizeof(ve_rows) / sizeof(ve_rows[0]));
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
