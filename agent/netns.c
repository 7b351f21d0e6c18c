/*
 * Text for ip, tc and nft (see netns.h).  Every name and number that
 * goes into the text was validated in sync.c (VE ids are 8 hex digits,
 * addresses dotted quads), so nothing here needs quoting; the one piece
 * of outside text, an ISP ruleset file, is checked line by line.
 *
 * nftables layout (table inet vepanel):
 *	acct_pre   (prerouting)  iifname vmap @acct_tx -> ve_<ID>_tx: per-address counters
 *	acct_post  (postrouting) oifname vmap @acct_rx -> ve_<ID>_rx: per-address counters
 *	filter_fwd (forward)     oifname vmap @fw_in   -> ve_<ID>_fwin: the firewall style
 *	                         iifname vmap @fw_out  -> ve_<ID>_fwout: anti-spoofing, "closed"
 * Verdict maps keyed by interface keep one VE's change from touching
 * another's rules, and need no rule handles.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "netns.h"

void
net_nsname(const char *id, char out[16])
{
	snprintf(out, 16, "ve-%.8s", id);
}

void
net_vethname(const char *id, char out[16])
{
	snprintf(out, 16, "vep%.8s", id);
}

static int
has_ip(const struct ve_spec *sp, uint32_t ip)
{
	for (size_t i = 0; i < sp->nips; i++)
		if (sp->ips[i] == ip)
			return 1;
	return 0;
}

void
net_host_batch(struct buf *b, const struct ve_spec *sp, const struct ve_spec *old,
    int create_ns, int create_link)
{
	char ns[16], vh[16], a[16];

	net_nsname(sp->id, ns);
	net_vethname(sp->id, vh);
	if (create_ns)
		buf_printf(b, "netns add %s\n", ns);
	if (create_link)
		buf_printf(b, "link add %s type veth peer name eth0 netns %s\n", vh, ns);
	/* No IPv6 link-local address: no stray DAD or router solicitations. */
	buf_printf(b, "link set %s addrgenmode none\n", vh);
	buf_printf(b, "link set %s up\n", vh);
	buf_printf(b, "addr replace " NET_GW "/32 dev %s scope link\n", vh);
	for (size_t i = 0; i < sp->nips; i++) {
		ve_ipv4_fmt(sp->ips[i], a);
		buf_printf(b, "route replace %s/32 dev %s scope link\n", a, vh);
	}
	if (old != NULL)
		for (size_t i = 0; i < old->nips; i++)
			if (!has_ip(sp, old->ips[i])) {
				ve_ipv4_fmt(old->ips[i], a);
				buf_printf(b, "route del %s/32 dev %s\n", a, vh);
			}
	/* A suspended VE keeps its routes but has no link. */
	if (sp->state == VE_SUSPENDED)
		buf_printf(b, "link set %s down\n", vh);
}

void
net_ns_batch(struct buf *b, const struct ve_spec *sp, const struct ve_spec *old)
{
	char a[16];

	buf_puts(b, "link set lo up\n");
	buf_puts(b, "link set eth0 addrgenmode none\n");
	buf_puts(b, "link set eth0 up\n");
	for (size_t i = 0; i < sp->nips; i++) {
		ve_ipv4_fmt(sp->ips[i], a);
		buf_printf(b, "addr replace %s/32 dev eth0\n", a);
	}
	if (old != NULL)
		for (size_t i = 0; i < old->nips; i++)
			if (!has_ip(sp, old->ips[i])) {
				ve_ipv4_fmt(old->ips[i], a);
				buf_printf(b, "addr del %s/32 dev eth0\n", a);
			}
	buf_puts(b, "route replace " NET_GW " dev eth0 scope link\n");
	if (sp->nips > 0) {
		ve_ipv4_fmt(sp->ips[0], a);
		buf_printf(b, "route replace default via " NET_GW " dev eth0 src %s\n", a);
	}
}

void
net_link_batch(struct buf *b, const struct ve_spec *sp, int up)
{
	char vh[16];

	net_vethname(sp->id, vh);
	buf_printf(b, "link set %s %s\n", vh, up ? "up" : "down");
}

/* The smallest non-zero of three limits. */
static uint64_t
min3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t m = 0;

	if (a != 0)
		m = a;
	if (b != 0 && (m == 0 || b < m))
		m = b;
	if (c != 0 && (m == 0 || c < m))
		m = c;
	return m;
}

uint64_t
net_in_kbps(const struct ve_spec *sp)
{
	return min3(sp->net_in_bw_max_kbps, sp->net_bw_max_kbps, sp->throttle_kbps);
}

uint64_t
net_out_kbps(const struct ve_spec *sp)
{
	return min3(sp->net_out_bw_max_kbps, sp->net_bw_max_kbps, sp->throttle_kbps);
}

static void
tbf(struct buf *b, const char *dev, uint64_t kbps)
{
	uint64_t burst;

	if (kbps == 0) {
		buf_printf(b, "qdisc del dev %s root\n", dev);
		return;
	}
	/* 20 ms at the rate, and at least two full frames. */
	burst = kbps * 1000 / 8 / 50;
	if (burst < 3200)
		burst = 3200;
	buf_printf(b, "qdisc replace dev %s root tbf rate %llukbit burst %llu latency 50ms\n",
	    dev, (unsigned long long)kbps, (unsigned long long)burst);
}

void
net_tc_host(struct buf *b, const struct ve_spec *sp)
{
	char vh[16];

	net_vethname(sp->id, vh);
	tbf(b, vh, net_in_kbps(sp));
}

void
net_tc_ns(struct buf *b, const struct ve_spec *sp)
{
	tbf(b, "eth0", net_out_kbps(sp));
}

void
net_ifbname(const char *id, char out[16])
{
	snprintf(out, 16, "vfb%.8s", id);
}

uint64_t
net_in_min_kbps(const struct ve_spec *sp)
{
	return sp->net_in_bw_min_kbps ? sp->net_in_bw_min_kbps : sp->net_bw_min_kbps;
}

uint64_t
net_out_min_kbps(const struct ve_spec *sp)
{
	return sp->net_out_bw_min_kbps ? sp->net_out_bw_min_kbps : sp->net_bw_min_kbps;
}

/*
 * One direction of a real VE: HTB, class 1:10 with rate = the guaranteed
 * minimum and ceil = the maximum (or the throttle, or the uplink), under
 * 1:1 at the ceiling.  Nothing to guarantee or cap: no qdisc.  HTB needs
 * a rate: 8 kbit/s stands for "no minimum"; no ceiling and no uplink: the
 * ceiling is 10 Gbit/s (the line, as far as the VE can tell).
 */
static void
htb(struct buf *b, const char *dev, uint64_t min, uint64_t max, uint64_t uplink)
{
	uint64_t ceil = max ? max : uplink ? uplink : 10000000, rate = min ? min : 8;

	if (min == 0 && max == 0 && uplink == 0) {
		buf_printf(b, "qdisc del dev %s root\n", dev);
		return;
	}
	if (rate > ceil)
		rate = ceil;
	buf_printf(b, "qdisc del dev %s root\nqdisc add dev %s root handle 1: htb default 10\n"
	    "class add dev %s parent 1: classid 1:1 htb rate %llukbit ceil %llukbit\n"
	    "class add dev %s parent 1:1 classid 1:10 htb rate %llukbit ceil %llukbit\n",
	    dev, dev, dev, (unsigned long long)ceil, (unsigned long long)ceil, dev,
	    (unsigned long long)rate, (unsigned long long)ceil);
}

/* The upload is shaped (on the ifb) when it has a minimum, a maximum or an uplink. */
static int
out_shaped(const struct ve_spec *sp, uint64_t uplink)
{
	return net_out_kbps(sp) || net_out_min_kbps(sp) || uplink;
}

void
net_lxc_host_batch(struct buf *b, const struct ve_spec *sp, const struct ve_spec *old,
    uint64_t uplink)
{
	char vh[16], ifb[16], a[16], gw[16];

	net_vethname(sp->id, vh);
	net_ifbname(sp->id, ifb);
	ve_ipv4_fmt(sp->gateway ? sp->gateway : 0xa9fe0101u, gw);	/* 169.254.1.1 */
	buf_printf(b, "addr replace %s/32 dev %s scope link\n", gw, vh);
	for (size_t i = 0; i < sp->nips; i++) {
		ve_ipv4_fmt(sp->ips[i], a);
		buf_printf(b, "route replace %s/32 dev %s scope link src %s\n", a, vh, gw);
	}
	if (old != NULL)
		for (size_t i = 0; i < old->nips; i++)
			if (!has_ip(sp, old->ips[i])) {
				ve_ipv4_fmt(old->ips[i], a);
				buf_printf(b, "route del %s/32 dev %s\n", a, vh);
			}
	/* The VE's upload is shaped on an ifb device its veth's ingress feeds. */
	if (out_shaped(sp, uplink))
		buf_printf(b, "link add %s type ifb\nlink set %s up\n", ifb, ifb);
	else
		buf_printf(b, "link del %s\n", ifb);
}

void
net_tc_lxc(struct buf *b, const struct ve_spec *sp, uint64_t uplink)
{
	char vh[16], ifb[16];

	net_vethname(sp->id, vh);
	net_ifbname(sp->id, ifb);
	htb(b, vh, net_in_min_kbps(sp), net_in_kbps(sp), uplink);
	if (!out_shaped(sp, uplink)) {
		buf_printf(b, "qdisc del dev %s ingress\n", vh);
		return;
	}
	/* u32 (matchall is not in every kernel); re-made whole, so it is idempotent. */
	buf_printf(b, "qdisc del dev %s ingress\nqdisc add dev %s handle ffff: ingress\n"
	    "filter add dev %s parent ffff: protocol all prio 1 u32 match u32 0 0 "
	    "action mirred egress redirect dev %s\n", vh, vh, vh, ifb);
	htb(b, ifb, net_out_min_kbps(sp), net_out_kbps(sp), uplink);
}

void
nft_guard(struct buf *b)
{
	buf_puts(b,
	    "add table inet " NFT_TABLE "\n"
	    "add chain inet " NFT_TABLE " guard_fwd { type filter hook forward priority -10; policy accept; }\n"
	    "flush chain inet " NFT_TABLE " guard_fwd\n"
	    "add rule inet " NFT_TABLE " guard_fwd iifname \"vep*\" drop\n"
	    "add rule inet " NFT_TABLE " guard_fwd iifname \"vfb*\" drop\n"
	    "add chain inet " NFT_TABLE " guard_pre { type filter hook prerouting priority -300; policy accept; }\n"
	    "flush chain inet " NFT_TABLE " guard_pre\n"
	    "add rule inet " NFT_TABLE " guard_pre iifname \"vep*\" meta nfproto ipv6 drop\n");
}

void
nft_base(struct buf *b)
{
	static const char *const maps[] = { "acct_tx", "acct_rx", "fw_in", "fw_out" };

	buf_puts(b, "add table inet " NFT_TABLE "\n");
	for (size_t i = 0; i < nitems(maps); i++)
		buf_printf(b, "add map inet " NFT_TABLE " %s { type ifname : verdict; }\n", maps[i]);
	buf_puts(b,
	    "add chain inet " NFT_TABLE " acct_pre { type filter hook prerouting priority -150; policy accept; }\n"
	    "flush chain inet " NFT_TABLE " acct_pre\n"
	    "add rule inet " NFT_TABLE " acct_pre iifname vmap @acct_tx\n"
	    "add chain inet " NFT_TABLE " acct_post { type filter hook postrouting priority 150; policy accept; }\n"
	    "flush chain inet " NFT_TABLE " acct_post\n"
	    "add rule inet " NFT_TABLE " acct_post oifname vmap @acct_rx\n"
	    "add chain inet " NFT_TABLE " filter_fwd { type filter hook forward priority 0; policy accept; }\n"
	    "flush chain inet " NFT_TABLE " filter_fwd\n"
	    "add rule inet " NFT_TABLE " filter_fwd oifname vmap @fw_in\n"
	    "add rule inet " NFT_TABLE " filter_fwd iifname vmap @fw_out\n");
}

void
nft_counter_name(const char *id, uint32_t ip, int tx, char out[40])
{
	snprintf(out, 40, "ve_%.8s_%s_%08x", id, tx ? "tx" : "rx", ip);
}

/* Traffic to the VE, by firewall style. */
static const char *const fw_in_rules[FW__MAX] = {
	[FW_OPEN] = "",
	[FW_NONE] = "",
	[FW_CLIENT] =
	    "ct state established,related accept\n"
	    "meta l4proto icmp accept\n"
	    "tcp dport 22 accept\n"
	    "drop\n",
	[FW_SIMPLE] =
	    "ct state established,related accept\n"
	    "meta l4proto icmp accept\n"
	    "tcp dport { 22, 25, 53, 80, 110, 143, 443, 465, 587, 993, 995 } accept\n"
	    "udp dport 53 accept\n"
	    "drop\n",
	[FW_CLOSED] =
	    "ct state established,related accept\n"
	    "tcp dport 22 accept\n"
	    "drop\n",
	[FW_FILE] = "",
};

/* One line of an ISP ruleset: printable, no command separator. */
static int
rule_ok(const char *s, size_t n)
{
	if (n > 512)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == ';')
			return 0;
	return 1;
}

static void
add_rules(struct buf *b, const char *chain, const char *rules)
{
	const char *p = rules;

	while (*p != '\0') {
		size_t n = strcspn(p, "\n");
		const char *s = p;
		size_t sn = n;

		while (sn > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			sn--;
		}
		while (sn > 0 && (s[sn - 1] == ' ' || s[sn - 1] == '\t' || s[sn - 1] == '\r'))
			sn--;
		if (sn > 0 && *s != '#')
			buf_printf(b, "add rule inet " NFT_TABLE " %s %.*s\n", chain, (int)sn, s);
		p += n;
		if (*p == '\n')
			p++;
	}
}

int
nft_ve(struct buf *b, const struct ve_spec *sp, const struct ve_spec *old,
    const char *rules)
{
	char vh[16], tx[32], rx[32], fwin[32], fwout[32], cn[40], a[16];
	enum firewall fw = sp->firewall;
	int rc = 0;

	net_vethname(sp->id, vh);
	snprintf(tx, sizeof(tx), "ve_%s_tx", sp->id);
	snprintf(rx, sizeof(rx), "ve_%s_rx", sp->id);
	snprintf(fwin, sizeof(fwin), "ve_%s_fwin", sp->id);
	snprintf(fwout, sizeof(fwout), "ve_%s_fwout", sp->id);

	if (fw == FW_FILE) {
		/* Check the whole file first: all of it applies, or "closed" does. */
		const char *p = rules;

		if (p == NULL)
			rc = -1;
		while (rc == 0 && *p != '\0') {
			size_t n = strcspn(p, "\n");

			if (!rule_ok(p, n))
				rc = -1;
			p += n;
			if (*p == '\n')
				p++;
		}
		if (rc == -1)
			fw = FW_CLOSED;
	}

	/* Chains exist and are empty; then counters; then rules; then the maps. */
	buf_printf(b, "add chain inet " NFT_TABLE " %s\nflush chain inet " NFT_TABLE " %s\n", tx, tx);
	buf_printf(b, "add chain inet " NFT_TABLE " %s\nflush chain inet " NFT_TABLE " %s\n", rx, rx);
	buf_printf(b, "add chain inet " NFT_TABLE " %s\nflush chain inet " NFT_TABLE " %s\n", fwin, fwin);
	buf_printf(b, "add chain inet " NFT_TABLE " %s\nflush chain inet " NFT_TABLE " %s\n", fwout, fwout);
	if (old != NULL)
		for (size_t i = 0; i < old->nips; i++) {
			if (has_ip(sp, old->ips[i]))
				continue;
			for (int t = 0; t < 2; t++) {
				nft_counter_name(sp->id, old->ips[i], t, cn);
				buf_printf(b, "add counter inet " NFT_TABLE " %s\n"
				    "delete counter inet " NFT_TABLE " %s\n", cn, cn);
			}
		}
	for (size_t i = 0; i < sp->nips; i++) {
		ve_ipv4_fmt(sp->ips[i], a);
		nft_counter_name(sp->id, sp->ips[i], 1, cn);
		buf_printf(b, "add counter inet " NFT_TABLE " %s\n", cn);
		buf_printf(b, "add rule inet " NFT_TABLE " %s ip saddr %s counter name \"%s\"\n",
		    tx, a, cn);
		nft_counter_name(sp->id, sp->ips[i], 0, cn);
		buf_printf(b, "add counter inet " NFT_TABLE " %s\n", cn);
		buf_printf(b, "add rule inet " NFT_TABLE " %s ip daddr %s counter name \"%s\"\n",
		    rx, a, cn);
	}

	/* From the VE: IPv4 from its own addresses only. */
	buf_printf(b, "add rule inet " NFT_TABLE " %s meta nfproto ipv6 drop\n", fwout);
	if (sp->nips == 0)
		buf_printf(b, "add rule inet " NFT_TABLE " %s drop\n", fwout);
	else {
		buf_printf(b, "add rule inet " NFT_TABLE " %s ip saddr != { ", fwout);
		for (size_t i = 0; i < sp->nips; i++) {
			ve_ipv4_fmt(sp->ips[i], a);
			buf_printf(b, "%s%s", i ? ", " : "", a);
		}
		buf_puts(b, " } drop\n");
	}
	if (fw == FW_CLOSED)
		buf_printf(b, "add rule inet " NFT_TABLE " %s ct state established,related accept\n"
		    "add rule inet " NFT_TABLE " %s drop\n", fwout, fwout);
	add_rules(b, fwin, fw == FW_FILE ? rules : fw_in_rules[fw]);

	buf_printf(b, "add element inet " NFT_TABLE " acct_tx { \"%s\" : jump %s }\n", vh, tx);
	buf_printf(b, "add element inet " NFT_TABLE " acct_rx { \"%s\" : jump %s }\n", vh, rx);
	buf_printf(b, "add element inet " NFT_TABLE " fw_in { \"%s\" : jump %s }\n", vh, fwin);
	buf_printf(b, "add element inet " NFT_TABLE " fw_out { \"%s\" : jump %s }\n", vh, fwout);
	return rc;
}

void
nft_ve_delete(struct buf *b, const struct ve_spec *sp)
{
	static const struct {
		const char *map, *suffix;
	} parts[] = {
		{ "acct_tx", "tx" }, { "acct_rx", "rx" }, { "fw_in", "fwin" }, { "fw_out", "fwout" },
	};
	char vh[16], ch[32], cn[40];

	net_vethname(sp->id, vh);
	/* "add" first so that each "delete" finds something: idempotent. */
	for (size_t i = 0; i < nitems(parts); i++) {
		snprintf(ch, sizeof(ch), "ve_%s_%s", sp->id, parts[i].suffix);
		buf_printf(b, "add chain inet " NFT_TABLE " %s\n", ch);
		buf_printf(b, "add element inet " NFT_TABLE " %s { \"%s\" : jump %s }\n",
		    parts[i].map, vh, ch);
		buf_printf(b, "delete element inet " NFT_TABLE " %s { \"%s\" }\n", parts[i].map, vh);
		buf_printf(b, "flush chain inet " NFT_TABLE " %s\n", ch);
		buf_printf(b, "delete chain inet " NFT_TABLE " %s\n", ch);
	}
	for (size_t i = 0; i < sp->nips; i++)
		for (int t = 0; t < 2; t++) {
			nft_counter_name(sp->id, sp->ips[i], t, cn);
			buf_printf(b, "add counter inet " NFT_TABLE " %s\n"
			    "delete counter inet " NFT_TABLE " %s\n", cn, cn);
		}
}

int
nft_parse_counters(const char *json, size_t len,
    void (*fn)(void *, const char *name, uint64_t bytes), void *arg)
{
	json_t *root, *arr;
	json_error_t je;

	if ((root = json_loadb(json, len, 0, &je)) == NULL)
		return -1;
	arr = json_object_get(root, "nftables");
	if (!json_is_array(arr)) {
		json_decref(root);
		return -1;
	}
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *c = json_object_get(json_array_get(arr, i), "counter");
		json_t *name, *table, *bytes;

		if (!json_is_object(c))
			continue;
		name = json_object_get(c, "name");
		table = json_object_get(c, "table");
		bytes = json_object_get(c, "bytes");
		if (!json_is_string(name) || !json_is_string(table) ||
		    strcmp(json_string_value(table), NFT_TABLE) != 0 ||
		    !json_is_integer(bytes) || json_integer_value(bytes) < 0)
			continue;
		fn(arg, json_string_value(name), (uint64_t)json_integer_value(bytes));
	}
	json_decref(root);
	return 0;
}
