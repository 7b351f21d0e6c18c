/*
 * Unit tests of tools/veinfo_cmd.c: every command of Appendix 7.1 with its
 * case and spacing variants, bad numbers and dates, the VEid prefix, and
 * the answers' units (kbit/s to bytes/s, MB to bytes).
 */
#include <check.h>
#include <string.h>

#include "veinfo_cmd.h"

#define D2026	1767225600LL	/* 01.01.2026 00:00 UTC */
#define D2024	1709209800LL	/* 29.02.2024 12:30 UTC */

static const struct {
	const char		*in;
	int			 ok;
	enum veinfo_kind	 kind;
	const char		*ve;
	long long		 n;
	enum veinfo_metric	 metric;
	long long		 from;
	enum veinfo_unit	 unit;
	long long		 count;
} parse_rows[] = {
	/* every command */
	{ "IP address ranges number", 1, VI_IP_COUNT, "", 0, 0, 0, 0, 0 },
	{ "IP address 1", 1, VI_IP_ADDRESS, "", 1, 0, 0, 0, 0 },
	{ "IP netmask 2", 1, VI_IP_NETMASK, "", 2, 0, 0, 0, 0 },
	{ "IP default gateway", 1, VI_GATEWAY, "", 0, 0, 0, 0, 0 },
	{ "DNS server 1", 1, VI_DNS_SERVER, "", 1, 0, 0, 0, 0 },
	{ "User information", 1, VI_USER_INFO, "", 0, 0, 0, 0, 0 },
	{ "Disk quota", 1, VI_DISK_QUOTA, "", 0, 0, 0, 0, 0 },
	{ "CPU quota", 1, VI_CPU_QUOTA, "", 0, 0, 0, 0, 0 },
	{ "Virtual memory quota", 1, VI_VMEM_QUOTA, "", 0, 0, 0, 0, 0 },
	{ "Network bandwidth quota", 1, VI_BW_QUOTA, "", 0, 0, 0, 0, 0 },
	{ "Network inbound bandwidth quota", 1, VI_BW_IN_QUOTA, "", 0, 0, 0, 0, 0 },
	{ "Network outbound bandwidth quota", 1, VI_BW_OUT_QUOTA, "", 0, 0, 0, 0, 0 },
	{ "Network traffic quota", 1, VI_TRAFFIC_QUOTA, "", 0, 0, 0, 0, 0 },
	{ "Network inbound traffic quota", 1, VI_TRAFFIC_IN_QUOTA, "", 0, 0, 0, 0, 0 },
	{ "Network outbound traffic quota", 1, VI_TRAFFIC_OUT_QUOTA, "", 0, 0, 0, 0, 0 },
	{ "Current disk usage", 1, VI_DISK_USAGE, "", 0, 0, 0, 0, 0 },
	{ "Current CPU usage", 1, VI_CPU_USAGE, "", 0, 0, 0, 0, 0 },
	{ "Current virtual memory usage", 1, VI_VMEM_USAGE, "", 0, 0, 0, 0, 0 },
	{ "Inbound traffic", 1, VI_TRAFFIC_IN, "", 0, 0, 0, 0, 0 },
	{ "Outbound traffic", 1, VI_TRAFFIC_OUT, "", 0, 0, 0, 0, 0 },
	{ "Overall traffic", 1, VI_TRAFFIC_ALL, "", 0, 0, 0, 0, 0 },
	{ "Disk usage history starting from 010120260000 in 5 minutes", 1, VI_HISTORY, "", 0, VM_DISK, D2026, VU_MINUTE, 5 },
	{ "CPU usage history starting from 010120260000 in 24 hours", 1, VI_HISTORY, "", 0, VM_CPU, D2026, VU_HOUR, 24 },
	{ "Virtual memory usage history starting from 010120260000 in 7 days", 1, VI_HISTORY, "", 0, VM_VMEM, D2026, VU_DAY, 7 },
	{ "Inbound traffic history starting from 290220241230 in 1 minute", 1, VI_HISTORY, "", 0, VM_NET_IN, D2024, VU_MINUTE, 1 },
	{ "Outbound traffic history starting from 290220241230 in 1 hour", 1, VI_HISTORY, "", 0, VM_NET_OUT, D2024, VU_HOUR, 1 },
	{ "Overall traffic history starting from 290220241230 in 100000 day", 1, VI_HISTORY, "", 0, VM_NET_TOTAL, D2024, VU_DAY, 100000 },
	/* case and spacing */
	{ "ip ADDRESS ranges NUMBER", 1, VI_IP_COUNT, "", 0, 0, 0, 0, 0 },
	{ "  \tcurrent   Disk\t\tusage  \r", 1, VI_DISK_USAGE, "", 0, 0, 0, 0, 0 },
	{ "dns\tserver\t2\n", 1, VI_DNS_SERVER, "", 2, 0, 0, 0, 0 },
	{ "cpu usage HISTORY Starting FROM 010120260000 IN 3 MINUTES", 1, VI_HISTORY, "", 0, VM_CPU, D2026, VU_MINUTE, 3 },
	/* the VEid prefix */
	{ "VEid 0000002A Disk quota", 1, VI_DISK_QUOTA, "0000002A", 0, 0, 0, 0, 0 },
	{ "veid 0000002a  IP address 3", 1, VI_IP_ADDRESS, "0000002A", 3, 0, 0, 0, 0 },
	{ "VEID 7E57ABCD cpu usage history starting from 010120260000 in 2 days", 1, VI_HISTORY, "7E57ABCD", 0, VM_CPU, D2026, VU_DAY, 2 },
	{ "VEid 0000002A", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "VEid Disk quota", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "VEid 2A Disk quota", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "VEid 0000002G Disk quota", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "VEid 0000002A0 Disk quota", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "VEid0000002A Disk quota", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "VEid 0000002A VEid 0000002B Disk quota", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "Disk quota VEid 0000002A", 0, 0, "", 0, 0, 0, 0, 0 },
	/* bad numbers */
	{ "IP address 0", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "IP address -1", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "IP address 01", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "IP address +1", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "IP address 1x", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "IP address 99999999999999999999", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "IP address", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "DNS server 0", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 010120260000 in 0 minutes", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 010120260000 in -5 minutes", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 010120260000 in 100001 minutes", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 010120260000 in 18446744073709551617 minutes", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 010120260000 in 5 weeks", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 010120260000 in 5", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 010120260000 5 minutes", 0, 0, "", 0, 0, 0, 0, 0 },
	/* bad dates */
	{ "CPU usage history starting from 310220260000 in 5 minutes", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 290220250000 in 5 minutes", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 290219000000 in 5 minutes", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 290220000000 in 5 minutes", 1, VI_HISTORY, "", 0, VM_CPU, 951782400LL, VU_MINUTE, 5 },
	{ "CPU usage history starting from 311220252359 in 5 minutes", 1, VI_HISTORY, "", 0, VM_CPU, 1767225540LL, VU_MINUTE, 5 },
	{ "CPU usage history starting from 010120262400 in 5 minutes", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 010120261260 in 5 minutes", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 001220260000 in 5 minutes", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 011320260000 in 5 minutes", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 010119690000 in 5 minutes", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 01012026000 in 5 minutes", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 0101202600000 in 5 minutes", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 01-01-202600 in 5 minutes", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 31042026 in 5 minutes", 0, 0, "", 0, 0, 0, 0, 0 },
	/* trailing junk, partial commands, strangers */
	{ "Disk quota please", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "IP address 1 2", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "Disk", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "Disk usage", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "Disk usage history", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "CPU usage history starting from 010120260000 in 5 minutes now", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "Network `traffic quota", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "Diskquota", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "   \t ", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "a b c d e f g h i j k l m n o p q r", 0, 0, "", 0, 0, 0, 0, 0 },
	{ "Disk\xc2\xa0quota", 0, 0, "", 0, 0, 0, 0, 0 },
};

START_TEST(test_parse)
{
	struct veinfo_cmd c;
	const char *in = parse_rows[_i].in;
	int rc = veinfo_parse(in, strlen(in), &c);

	ck_assert_msg((rc == 0) == parse_rows[_i].ok, "row %d \"%s\": rc %d", _i, in, rc);
	if (rc != 0)
		return;
	ck_assert_msg(c.kind == parse_rows[_i].kind, "row %d: kind %d", _i, c.kind);
	ck_assert_msg(strcmp(c.ve_id, parse_rows[_i].ve) == 0, "row %d: ve \"%s\"", _i, c.ve_id);
	ck_assert_msg(c.n == parse_rows[_i].n, "row %d: n %lld", _i, c.n);
	if (c.kind == VI_HISTORY) {
		ck_assert_msg(c.metric == parse_rows[_i].metric, "row %d: metric %d", _i, c.metric);
		ck_assert_msg(c.from == parse_rows[_i].from, "row %d: from %lld", _i, c.from);
		ck_assert_msg(c.unit == parse_rows[_i].unit, "row %d: unit %d", _i, c.unit);
		ck_assert_msg(c.count == parse_rows[_i].count, "row %d: count %lld", _i, c.count);
	}
}
END_TEST

/* Bytes that are not a C string: a NUL inside, no terminator, too long. */
START_TEST(test_parse_bytes)
{
	struct veinfo_cmd c;
	char big[VEINFO_LINE_MAX + 8];

	ck_assert_int_eq(veinfo_parse("Disk quota\0x", 12, &c), -1);
	ck_assert_int_eq(veinfo_parse("Disk quotaXXXX", 10, &c), 0);
	ck_assert_int_eq(c.kind, VI_DISK_QUOTA);
	ck_assert_int_eq(veinfo_parse(NULL, 0, &c), -1);
	memset(big, ' ', sizeof(big));
	memcpy(big, "Disk quota", 10);
	ck_assert_int_eq(veinfo_parse(big, VEINFO_LINE_MAX, &c), 0);
	ck_assert_int_eq(veinfo_parse(big, VEINFO_LINE_MAX + 1, &c), -1);
}
END_TEST

static const struct {
	const char	*in;
	int		 ok;
	long long	 want;
} when_rows[] = {
	{ "010119700000", 1, 0 },
	{ "290220241230", 1, D2024 },
	{ "290220250000", 0, 0 },
	{ "290221000000", 0, 0 },		/* 2100 is not a leap year */
	{ "310220260000", 0, 0 },
	{ "310420260000", 0, 0 },
	{ "311220252359", 1, 1767225540LL },
	{ "3112202523591", 0, 0 },
	{ "31122025235", 0, 0 },
	{ "3112202523 9", 0, 0 },
	{ "", 0, 0 },
};

START_TEST(test_when)
{
	long long t = -1;
	int rc = veinfo_parse_when(when_rows[_i].in, strlen(when_rows[_i].in), &t);

	ck_assert_msg((rc == 0) == when_rows[_i].ok, "row %d \"%s\"", _i, when_rows[_i].in);
	if (rc == 0)
		ck_assert_msg(t == when_rows[_i].want, "row %d: got %lld", _i, t);
}
END_TEST

static void
sample_ve(struct veinfo_ve *v)
{
	veinfo_ve_clear(v);
	v->nip = 2;
	strcpy(v->ip[0], "192.0.2.10");
	strcpy(v->mask[0], "255.255.255.0");
	strcpy(v->ip[1], "192.0.2.11");
	strcpy(v->mask[1], "255.255.255.0");
	strcpy(v->gateway, "192.0.2.1");
	v->ndns = 2;
	strcpy(v->dns[0], "192.0.2.53");
	strcpy(v->dns[1], "192.0.2.54");
	v->user_info = "web shop\nline two\x1b[31m";
	v->disk_quota_mb = 1500;
	v->cpu_min_bogomips = 800;
	v->mem_max_mb = 512;
	v->bw_min_kbps = 1000;
	v->bw_in_min_kbps = 8;
	v->bw_out_min_kbps = 0;
	v->quota_max_mb = 100000;
	v->quota_in_max_mb = 1;
	v->quota_out_max_mb = 0;
	v->disk_bytes = 123456789;
	v->cpu_bogomips = 42;
	v->vmem_mb = 300;
	v->net_in_bytes = 1000;
	v->net_out_bytes = 2000;
	v->net_total_bytes = 3000;
}

static const struct {
	const char	*cmd;
	const char	*want;		/* NULL: ERROR */
} answer_rows[] = {
	{ "IP address ranges number", "2\n" },
	{ "IP address 1", "192.0.2.10\n" },
	{ "IP address 2", "192.0.2.11\n" },
	{ "IP address 3", NULL },
	{ "IP netmask 2", "255.255.255.0\n" },
	{ "IP netmask 3", NULL },
	{ "IP default gateway", "192.0.2.1\n" },
	{ "DNS server 2", "192.0.2.54\n" },
	{ "DNS server 3", NULL },
	{ "User information", "web shop line two [31m\n" },
	{ "Disk quota", "1500000000\n" },
	{ "CPU quota", "800\n" },
	{ "Virtual memory quota", "512\n" },
	{ "Network bandwidth quota", "125000\n" },
	{ "Network inbound bandwidth quota", "1000\n" },
	{ "Network outbound bandwidth quota", "0\n" },
	{ "Network traffic quota", "100000000000\n" },
	{ "Network inbound traffic quota", "1000000\n" },
	{ "Network outbound traffic quota", "0\n" },
	{ "Current disk usage", "123456789\n" },
	{ "Current CPU usage", "42\n" },
	{ "Current virtual memory usage", "300\n" },
	{ "Inbound traffic", "1000\n" },
	{ "Outbound traffic", "2000\n" },
	{ "Overall traffic", "3000\n" },
	{ "Disk usage history starting from 010120260000 in 5 minutes", NULL },
};

static void no_ips(struct veinfo_ve *v) { v->nip = 0; }
static void no_gw(struct veinfo_ve *v) { v->gateway[0] = '\0'; }
static void no_info(struct veinfo_ve *v) { v->user_info = NULL; }
static void empty_info(struct veinfo_ve *v) { v->user_info = ""; }
static void no_usage(struct veinfo_ve *v) { v->disk_bytes = -1; }
static void huge_quota(struct veinfo_ve *v) { v->disk_quota_mb = 9223372036854LL; v->bw_min_kbps = 9223372036854775807LL; }

static const struct {
	const char	*cmd;
	void		(*edit)(struct veinfo_ve *);
	const char	*want;
} edit_rows[] = {
	{ "IP address ranges number", no_ips, NULL },
	{ "IP address 1", no_ips, NULL },
	{ "IP default gateway", no_gw, NULL },
	{ "User information", no_info, NULL },
	{ "User information", empty_info, "\n" },
	{ "Current disk usage", no_usage, NULL },
	{ "Disk quota", huge_quota, "9223372036854000000\n" },
	{ "Network bandwidth quota", huge_quota, NULL },
};

START_TEST(test_answer)
{
	struct veinfo_cmd c;
	struct veinfo_ve v;
	struct buf out;
	int rc;

	sample_ve(&v);
	buf_init(&out);
	buf_puts(&out, ">");
	ck_assert_int_eq(veinfo_parse(answer_rows[_i].cmd, strlen(answer_rows[_i].cmd), &c), 0);
	rc = veinfo_answer(&c, &v, &out);
	if (answer_rows[_i].want == NULL) {
		ck_assert_msg(rc == -1, "row %d: answered \"%s\"", _i, buf_cstr(&out));
		ck_assert_str_eq(buf_cstr(&out), ">");
	} else {
		ck_assert_msg(rc == 0, "row %d: ERROR", _i);
		ck_assert_msg(strcmp(buf_cstr(&out) + 1, answer_rows[_i].want) == 0,
		    "row %d: got \"%s\" want \"%s\"", _i, buf_cstr(&out) + 1, answer_rows[_i].want);
	}
	buf_free(&out);
}
END_TEST

START_TEST(test_answer_edit)
{
	struct veinfo_cmd c;
	struct veinfo_ve v;
	struct buf out;
	int rc;

	sample_ve(&v);
	edit_rows[_i].edit(&v);
	buf_init(&out);
	ck_assert_int_eq(veinfo_parse(edit_rows[_i].cmd, strlen(edit_rows[_i].cmd), &c), 0);
	rc = veinfo_answer(&c, &v, &out);
	if (edit_rows[_i].want == NULL) {
		ck_assert_msg(rc == -1, "row %d: answered \"%s\"", _i, buf_cstr(&out));
		ck_assert_str_eq(buf_cstr(&out), "");
	} else {
		ck_assert_msg(rc == 0, "row %d: ERROR", _i);
		ck_assert_str_eq(buf_cstr(&out), edit_rows[_i].want);
	}
	buf_free(&out);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(veinfo_metric_name(VM_DISK), "disk");
	ck_assert_str_eq(veinfo_metric_name(VM_CPU), "cpu");
	ck_assert_str_eq(veinfo_metric_name(VM_VMEM), "vmem");
	ck_assert_str_eq(veinfo_metric_name(VM_NET_IN), "net_in");
	ck_assert_str_eq(veinfo_metric_name(VM_NET_OUT), "net_out");
	ck_assert_str_eq(veinfo_metric_name(VM_NET_TOTAL), "net_total");
	ck_assert_str_eq(veinfo_unit_step(VU_MINUTE), "minute");
	ck_assert_str_eq(veinfo_unit_step(VU_HOUR), "hour");
	ck_assert_str_eq(veinfo_unit_step(VU_DAY), "day");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("veinfo_cmd");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_loop_test(tc, test_parse, 0, (int)nitems(parse_rows));
	tcase_add_test(tc, test_parse_bytes);
	tcase_add_loop_test(tc, test_when, 0, (int)nitems(when_rows));
	tcase_add_loop_test(tc, test_answer, 0, (int)nitems(answer_rows));
	tcase_add_loop_test(tc, test_answer_edit, 0, (int)nitems(edit_rows));
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
