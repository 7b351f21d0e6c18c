/*
 * Unit tests of the text the real backend feeds ip, tc and nft
 * (agent/netns.c), and of the parser of nft's JSON counter listing.
 * The same texts were run against the kernel by tests/integration/
 * test_agent.py; here they are pinned so a change is deliberate.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "agent/netns.h"
#include "util.h"
#include "agent/ve.h"

static struct ve_spec
spec(const char *id, int nips)
{
	struct ve_spec s;

	memset(&s, 0, sizeof(s));
	strcpy(s.id, id);
	s.nips = (size_t)nips;
	for (int i = 0; i < nips; i++)
		s.ips[i] = (10u << 24) | (200u << 16) | (uint32_t)(2 + i);
	s.disk_quota_mb = 1000;
	return s;
}

START_TEST(test_names)
{
	char a[16], b[40];

	net_nsname("0000002A", a);
	ck_assert_str_eq(a, "ve-0000002A");
	net_vethname("0000002A", a);
	ck_assert_str_eq(a, "vep0000002A");	/* fits IFNAMSIZ */
	nft_counter_name("0000002A", 0x0ac80002, 1, b);
	ck_assert_str_eq(b, "ve_0000002A_tx_0ac80002");
}
END_TEST

START_TEST(test_host_batch)
{
	struct ve_spec s = spec("0000002A", 2), old = spec("0000002A", 3);
	struct buf b;

	buf_init(&b);
	net_host_batch(&b, &s, NULL, 1, 1);
	ck_assert_str_eq(buf_cstr(&b),
	    "netns add ve-0000002A\n"
	    "link add vep0000002A type veth peer name eth0 netns ve-0000002A\n"
	    "link set vep0000002A addrgenmode none\n"
	    "link set vep0000002A up\n"
	    "addr replace 169.254.1.1/32 dev vep0000002A scope link\n"
	    "route replace 10.200.0.2/32 dev vep0000002A scope link\n"
	    "route replace 10.200.0.3/32 dev vep0000002A scope link\n");
	/* A change: an address fewer, suspended, nothing to create. */
	buf_reset(&b);
	s.state = VE_SUSPENDED;
	net_host_batch(&b, &s, &old, 0, 0);
	ck_assert_str_eq(buf_cstr(&b),
	    "link set vep0000002A addrgenmode none\n"
	    "link set vep0000002A up\n"
	    "addr replace 169.254.1.1/32 dev vep0000002A scope link\n"
	    "route replace 10.200.0.2/32 dev vep0000002A scope link\n"
	    "route replace 10.200.0.3/32 dev vep0000002A scope link\n"
	    "route del 10.200.0.4/32 dev vep0000002A\n"
	    "link set vep0000002A down\n");
	buf_free(&b);
}
END_TEST

START_TEST(test_ns_batch)
{
	struct ve_spec s = spec("0000002A", 1), old = spec("0000002A", 2);
	struct buf b;

	buf_init(&b);
	net_ns_batch(&b, &s, &old);
	ck_assert_str_eq(buf_cstr(&b),
	    "link set lo up\n"
	    "link set eth0 addrgenmode none\n"
	    "link set eth0 up\n"
	    "addr replace 10.200.0.2/32 dev eth0\n"
	    "addr del 10.200.0.3/32 dev eth0\n"
	    "route replace 169.254.1.1 dev eth0 scope link\n"
	    "route replace default via 169.254.1.1 dev eth0 src 10.200.0.2\n");
	buf_free(&b);
}
END_TEST

static const struct {
	uint64_t	 in_max, out_max, both_max, throttle;
	uint64_t	 want_in, want_out;
	const char	*host, *ns;
} tc_rows[] = {
	{ 0, 0, 0, 0, 0, 0, "qdisc del dev vep0000002A root\n", "qdisc del dev eth0 root\n" },
	{ 0, 0, 10000, 0, 10000, 10000,
	    "qdisc replace dev vep0000002A root tbf rate 10000kbit burst 25000 latency 50ms\n",
	    "qdisc replace dev eth0 root tbf rate 10000kbit burst 25000 latency 50ms\n" },
	{ 2000, 0, 10000, 0, 2000, 10000,
	    "qdisc replace dev vep0000002A root tbf rate 2000kbit burst 5000 latency 50ms\n",
	    "qdisc replace dev eth0 root tbf rate 10000kbit burst 25000 latency 50ms\n" },
	{ 0, 64, 0, 0, 0, 64,
	    "qdisc del dev vep0000002A root\n",
	    "qdisc replace dev eth0 root tbf rate 64kbit burst 3200 latency 50ms\n" },
	/* a billing throttle caps both ways below the order's maximum */
	{ 2000, 0, 10000, 512, 512, 512,
	    "qdisc replace dev vep0000002A root tbf rate 512kbit burst 3200 latency 50ms\n",
	    "qdisc replace dev eth0 root tbf rate 512kbit burst 3200 latency 50ms\n" },
};

START_TEST(test_tc)
{
	struct ve_spec s = spec("0000002A", 1);
	struct buf b;

	s.net_in_bw_max_kbps = tc_rows[_i].in_max;
	s.net_out_bw_max_kbps = tc_rows[_i].out_max;
	s.net_bw_max_kbps = tc_rows[_i].both_max;
	s.throttle_kbps = tc_rows[_i].throttle;
	ck_assert_uint_eq(net_in_kbps(&s), tc_rows[_i].want_in);
	ck_assert_uint_eq(net_out_kbps(&s), tc_rows[_i].want_out);
	buf_init(&b);
	net_tc_host(&b, &s);
	ck_assert_msg(strcmp(buf_cstr(&b), tc_rows[_i].host) == 0, "row %d: %s", _i, buf_cstr(&b));
	buf_reset(&b);
	net_tc_ns(&b, &s);
	ck_assert_msg(strcmp(buf_cstr(&b), tc_rows[_i].ns) == 0, "row %d: %s", _i, buf_cstr(&b));
	buf_free(&b);
}
END_TEST

/* A real VE's HTB (agent/netns.c net_tc_lxc): rate = the guaranteed minimum, ceil = the maximum or the uplink. */
#define HTB(dev, c, r) "qdisc del dev " dev " root\nqdisc add dev " dev " root handle 1: htb default 10\n" \
	"class add dev " dev " parent 1: classid 1:1 htb rate " c "kbit ceil " c "kbit\n" \
	"class add dev " dev " parent 1:1 classid 1:10 htb rate " r "kbit ceil " c "kbit\n"
#define IFB_IN "qdisc del dev vep0000002A ingress\nqdisc add dev vep0000002A handle ffff: ingress\n" \
	"filter add dev vep0000002A parent ffff: protocol all prio 1 u32 match u32 0 0 " \
	"action mirred egress redirect dev vfb0000002A\n"
static const struct {
	int		 line;
	uint64_t	 both_min, in_min, out_min, in_max, out_max, uplink;
	const char	*want;
} htb_rows[] = {
	{ __LINE__, 0, 0, 0, 0, 0, 0, "qdisc del dev vep0000002A root\nqdisc del dev vep0000002A ingress\n" },
	/* the uplink alone: everyone may use it, nobody is guaranteed anything */
	{ __LINE__, 0, 0, 0, 0, 0, 100000, HTB("vep0000002A", "100000", "8") IFB_IN HTB("vfb0000002A", "100000", "8") },
	/* a both-ways minimum under the uplink */
	{ __LINE__, 5000, 0, 0, 0, 0, 100000, HTB("vep0000002A", "100000", "5000") IFB_IN HTB("vfb0000002A", "100000", "5000") },
	/* per direction: the direction's own minimum wins; the maximum is the ceiling */
	{ __LINE__, 5000, 2000, 0, 8000, 0, 100000, HTB("vep0000002A", "8000", "2000") IFB_IN HTB("vfb0000002A", "100000", "5000") },
	/* no uplink declared, a minimum only: the ceiling is the 10 Gbit/s line */
	{ __LINE__, 0, 700, 0, 0, 0, 0, HTB("vep0000002A", "10000000", "700") "qdisc del dev vep0000002A ingress\n" },
	/* a maximum only (upload): as tbf did */
	{ __LINE__, 0, 0, 0, 0, 64, 0, "qdisc del dev vep0000002A root\n" IFB_IN HTB("vfb0000002A", "64", "8") },
};

START_TEST(test_htb)
{
	struct ve_spec s = spec("0000002A", 1);
	struct buf b;

	s.net_bw_min_kbps = htb_rows[_i].both_min;
	s.net_in_bw_min_kbps = htb_rows[_i].in_min;
	s.net_out_bw_min_kbps = htb_rows[_i].out_min;
	s.net_in_bw_max_kbps = htb_rows[_i].in_max;
	s.net_out_bw_max_kbps = htb_rows[_i].out_max;
	buf_init(&b);
	net_tc_lxc(&b, &s, htb_rows[_i].uplink);
	ck_assert_msg(strcmp(buf_cstr(&b), htb_rows[_i].want) == 0, "line %d: %s", htb_rows[_i].line,
	    buf_cstr(&b));
	buf_free(&b);
}
END_TEST

static const struct {
	enum firewall	 fw;
	const char	*rules;		/* ruleset file for FW_FILE */
	int		 rc;
	const char	*has;		/* must appear */
	const char	*hasnot;	/* must not appear */
} fw_rows[] = {
	{ FW_OPEN, NULL, 0, "add element inet vepanel fw_in { \"vep0000002A\" : jump ve_0000002A_fwin }",
	    "ve_0000002A_fwin drop" },
	{ FW_NONE, NULL, 0, "flush chain inet vepanel ve_0000002A_fwin\n", "fwin ct state" },
	{ FW_CLIENT, NULL, 0, "add rule inet vepanel ve_0000002A_fwin tcp dport 22 accept\n"
	    "add rule inet vepanel ve_0000002A_fwin drop\n", "fwout drop" },
	{ FW_SIMPLE, NULL, 0, "fwin udp dport 53 accept\n", NULL },
	{ FW_CLOSED, NULL, 0, "add rule inet vepanel ve_0000002A_fwout ct state established,related accept\n"
	    "add rule inet vepanel ve_0000002A_fwout drop\n", NULL },
	{ FW_FILE, "# web only\n  tcp dport { 80, 443 } accept  \n\ndrop\n", 0,
	    "add rule inet vepanel ve_0000002A_fwin tcp dport { 80, 443 } accept\n"
	    "add rule inet vepanel ve_0000002A_fwin drop\n", "web only" },
	/* a ruleset that tries to end the command: closed instead */
	{ FW_FILE, "accept; flush ruleset\n", -1, "fwin tcp dport 22 accept", "flush ruleset" },
	{ FW_FILE, NULL, -1, "fwout drop", NULL },	/* missing file: closed */
};

START_TEST(test_nft_ve)
{
	struct ve_spec s = spec("0000002A", 2);
	struct buf b;
	int rc;

	s.firewall = fw_rows[_i].fw;
	buf_init(&b);
	rc = nft_ve(&b, &s, NULL, fw_rows[_i].rules);
	ck_assert_msg(rc == fw_rows[_i].rc, "row %d: rc %d", _i, rc);
	ck_assert_msg(strstr(buf_cstr(&b), fw_rows[_i].has) != NULL, "row %d: missing %s in\n%s",
	    _i, fw_rows[_i].has, buf_cstr(&b));
	if (fw_rows[_i].hasnot != NULL)
		ck_assert_msg(strstr(buf_cstr(&b), fw_rows[_i].hasnot) == NULL,
		    "row %d: unexpected %s", _i, fw_rows[_i].hasnot);
	/* Always: counters per address, anti-spoofing, the four map entries. */
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b),
	    "add counter inet vepanel ve_0000002A_tx_0ac80003\n"
	    "add rule inet vepanel ve_0000002A_tx ip saddr 10.200.0.3 counter name \"ve_0000002A_tx_0ac80003\"\n"));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b),
	    "ve_0000002A_fwout ip saddr != { 10.200.0.2, 10.200.0.3 } drop\n"));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b),
	    "add element inet vepanel acct_rx { \"vep0000002A\" : jump ve_0000002A_rx }\n"));
	buf_free(&b);
}
END_TEST

START_TEST(test_nft_change_and_delete)
{
	struct ve_spec s = spec("0000002A", 1), old = spec("0000002A", 2);
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(nft_ve(&b, &s, &old, NULL), 0);
	/* The counters of a dropped address go, after the rules using them. */
	{
		const char *flush = strstr(buf_cstr(&b), "flush chain inet vepanel ve_0000002A_tx\n");
		const char *del = strstr(buf_cstr(&b), "delete counter inet vepanel ve_0000002A_tx_0ac80003\n");
		ck_assert_ptr_nonnull(flush);
		ck_assert_ptr_nonnull(del);
		ck_assert(flush < del);
	}
	buf_reset(&b);
	nft_ve_delete(&b, &s);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b),
	    "add element inet vepanel fw_out { \"vep0000002A\" : jump ve_0000002A_fwout }\n"
	    "delete element inet vepanel fw_out { \"vep0000002A\" }\n"
	    "flush chain inet vepanel ve_0000002A_fwout\n"
	    "delete chain inet vepanel ve_0000002A_fwout\n"));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b),
	    "add counter inet vepanel ve_0000002A_rx_0ac80002\n"
	    "delete counter inet vepanel ve_0000002A_rx_0ac80002\n"));
	buf_reset(&b);
	nft_base(&b);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "add rule inet vepanel acct_pre iifname vmap @acct_tx\n"));
	buf_free(&b);
}
END_TEST

struct seen {
	int		 n;
	uint64_t	 sum;
	char		 last[40];
};

static void
count_cb(void *arg, const char *name, uint64_t bytes)
{
	struct seen *s = arg;

	s->n++;
	s->sum += bytes;
	snprintf(s->last, sizeof(s->last), "%s", name);
}

static const struct {
	const char	*json;
	int		 rc, n;
	uint64_t	 sum;
} cnt_rows[] = {
	/* as nft 1.0.6 prints it */
	{ "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"release_name\": \"Lester Gooch #5\", "
	  "\"json_schema_version\": 1}}, {\"counter\": {\"family\": \"inet\", \"name\": "
	  "\"ve_0000002B_tx_0ac80102\", \"table\": \"vepanel\", \"handle\": 12, \"packets\": 50, "
	  "\"bytes\": 51400}}, {\"counter\": {\"family\": \"inet\", \"name\": \"ve_0000002B_rx_0ac80102\", "
	  "\"table\": \"vepanel\", \"handle\": 13, \"packets\": 0, \"bytes\": 0}}]}", 0, 2, 51400 },
	{ "{\"nftables\": []}", 0, 0, 0 },
	/* another table's counters and malformed entries are ignored */
	{ "{\"nftables\": [{\"counter\": {\"name\": \"x\", \"table\": \"other\", \"bytes\": 5}},"
	  "{\"counter\": {\"name\": \"y\", \"table\": \"vepanel\", \"bytes\": -5}},"
	  "{\"counter\": {\"name\": 7, \"table\": \"vepanel\", \"bytes\": 5}},"
	  "{\"counter\": \"z\"}, 3]}", 0, 0, 0 },
	{ "Error: No such file or directory", -1, 0, 0 },
	{ "{\"nft\": []}", -1, 0, 0 },
};

START_TEST(test_counters)
{
	struct seen s;
	int rc;

	memset(&s, 0, sizeof(s));
	rc = nft_parse_counters(cnt_rows[_i].json, strlen(cnt_rows[_i].json), count_cb, &s);
	ck_assert_msg(rc == cnt_rows[_i].rc, "row %d: rc %d", _i, rc);
	ck_assert_msg(s.n == cnt_rows[_i].n && s.sum == cnt_rows[_i].sum, "row %d: %d %llu", _i,
	    s.n, (unsigned long long)s.sum);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("agent_net");
	TCase *tc = tcase_create("net");
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_host_batch);
	tcase_add_test(tc, test_ns_batch);
	tcase_add_loop_test(tc, test_tc, 0, (int)nitems(tc_rows));
	tcase_add_loop_test(tc, test_htb, 0, (int)nitems(htb_rows));
	tcase_add_loop_test(tc, test_nft_ve, 0, (int)nitems(fw_rows));
	tcase_add_test(tc, test_nft_change_and_delete);
	tcase_add_loop_test(tc, test_counters, 0, (int)nitems(cnt_rows));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
