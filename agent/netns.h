/*
 * A VE's network, as text for `ip -batch`, `tc -batch` and `nft -f`:
 * a network namespace ve-<VEID>, a veth pair (host side vh<VEID>, VE side
 * eth0) carrying the VE's addresses as /32s with the host as gateway at
 * NET_GW on every veth, tbf shaping where a maximum bandwidth or a billing
 * throttle applies, and in the nftables table "inet vepanel" per-address
 * byte counters and the firewall style the customer ordered.  Building
 * the text is kept apart from running it, so every builder is a pure
 * function with table tests.
 */
#ifndef VEAGENT_NETNS_H
#define VEAGENT_NETNS_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"
#include "ve.h"

#define NET_GW		"169.254.1.1"	/* the host, as seen from every VE */
#define NFT_TABLE	"vepanel"

/* "ve-<VEID>" and "vh<VEID>" into out[16]. */
void	net_nsname(const char *id, char out[16]);
void	net_vethname(const char *id, char out[16]);

/*
 * Lines for `ip -force -batch -` in the host namespace.  With create_ns /
 * create_link the namespace and the veth pair are made first; addresses
 * of old (may be NULL) that are gone get their routes removed.
 */
void	net_host_batch(struct buf *, const struct ve_spec *, const struct ve_spec *old,
	    int create_ns, int create_link);
/* Lines for `ip -n ve-<VEID> -force -batch -`: inside the VE. */
void	net_ns_batch(struct buf *, const struct ve_spec *, const struct ve_spec *old);
/* Bring the host side up or down (suspension). */
void	net_link_batch(struct buf *, const struct ve_spec *, int up);

/* kbit/s the VE may receive and send (0: unlimited). */
uint64_t net_in_kbps(const struct ve_spec *);
uint64_t net_out_kbps(const struct ve_spec *);
/* `tc -force -batch -` lines for the host side (VE inbound). */
void	net_tc_host(struct buf *, const struct ve_spec *);
/* `tc -n ve-<VEID> -force -batch -` lines for eth0 (VE outbound). */
void	net_tc_ns(struct buf *, const struct ve_spec *);

/* kbit/s guaranteed to the VE in each direction: that direction's minimum, else the both-ways one (0: none). */
uint64_t net_in_min_kbps(const struct ve_spec *);
uint64_t net_out_min_kbps(const struct ve_spec *);

/* "vfb<VEID>": the ifb device that shapes a real VE's upload. */
void	net_ifbname(const char *id, char out[16]);
/*
 * Host side of a real (LXC) VE's veth, after each start: the gateway
 * address, a /32 route per address, the ifb device when the upload is
 * shaped.  `ip -force -batch -` text.
 */
void	net_lxc_host_batch(struct buf *, const struct ve_spec *, const struct ve_spec *old,
	    uint64_t uplink_kbps);
/*
 * `tc -force -batch -` text: HTB on the veth (download) and on the ifb
 * (upload), class 1:10 at rate = the guaranteed minimum, ceil = the
 * maximum or else uplink_kbps (0: not declared).
 */
void	net_tc_lxc(struct buf *, const struct ve_spec *, uint64_t uplink_kbps);
/*
 * The isolation of a node whose VEs must not reach other hosts: nothing
 * from a VE interface is forwarded, no IPv6 from a VE.  `nft -f -` text.
 */
void	nft_guard(struct buf *);
/* The table, its maps and base chains; idempotent `nft -f -` text. */
void	nft_base(struct buf *);
/*
 * The VE's chains, counters and map entries, replacing what was there;
 * rules is the content of the ruleset file for firewall "file" (NULL:
 * missing, so the VE is closed instead).  Returns 0, or -1 when a line of
 * rules is unacceptable (the VE is then closed too).
 */
int	nft_ve(struct buf *, const struct ve_spec *, const struct ve_spec *old,
	    const char *rules);
/* Everything nft_ve() made for the VE, removed; idempotent. */
void	nft_ve_delete(struct buf *, const struct ve_spec *);
/* Counter names of an address of a VE: "ve_<ID>_rx_<hex>", out[40]. */
void	nft_counter_name(const char *id, uint32_t ip, int tx, char out[40]);

/*
 * Parse `nft -j list counters table inet vepanel`: fn is called for every
 * counter of the table.  0, or -1 when the text is not such a document.
 */
int	nft_parse_counters(const char *json, size_t len,
	    void (*fn)(void *, const char *name, uint64_t bytes), void *arg);

#endif
