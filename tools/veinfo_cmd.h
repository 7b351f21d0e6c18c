/*
 * The veinfo command language (origin document Appendix 7.1, SPEC
 * section 6) and the answers to the commands that need no history.
 *
 * Both halves are pure functions over memory so the unit tests and the
 * fuzz harness drive them without a network: veinfo_parse() turns one
 * untrusted line into a typed command, veinfo_answer() turns a command and
 * the values of the VE's document (struct veinfo_ve, filled by veinfo.c
 * from GET /api/v1/ves/{id}) into the lines veinfo prints.
 */
#ifndef VEP_VEINFO_CMD_H
#define VEP_VEINFO_CMD_H

#include <stddef.h>

#include "util.h"

#define VEINFO_LINE_MAX		1024	/* longest command line accepted */
#define VEINFO_COUNT_MAX	100000	/* most buckets one history may ask for */
#define VEINFO_INDEX_MAX	1000000	/* largest N of "IP address N" and the like */

enum veinfo_kind {
	VI_IP_COUNT,		/* IP address ranges number */
	VI_IP_ADDRESS,		/* IP address N */
	VI_IP_NETMASK,		/* IP netmask N */
	VI_GATEWAY,		/* IP default gateway */
	VI_DNS_SERVER,		/* DNS server N */
	VI_USER_INFO,		/* User information */
	VI_DISK_QUOTA,		/* bytes */
	VI_CPU_QUOTA,		/* bogomips */
	VI_VMEM_QUOTA,		/* MB */
	VI_BW_QUOTA,		/* minimum bandwidth, bytes/s */
	VI_BW_IN_QUOTA,
	VI_BW_OUT_QUOTA,
	VI_TRAFFIC_QUOTA,	/* maximum traffic, bytes */
	VI_TRAFFIC_IN_QUOTA,
	VI_TRAFFIC_OUT_QUOTA,
	VI_DISK_USAGE,		/* bytes */
	VI_CPU_USAGE,		/* bogomips */
	VI_VMEM_USAGE,		/* MB */
	VI_TRAFFIC_IN,		/* bytes since creation */
	VI_TRAFFIC_OUT,
	VI_TRAFFIC_ALL,
	VI_HISTORY,		/* ... history starting from ddmmyyyyhhmm in N units */
	VI__KINDS
};

/* History metrics, in the order of the API's names (veinfo_metric_name). */
enum veinfo_metric { VM_DISK, VM_CPU, VM_VMEM, VM_NET_IN, VM_NET_OUT, VM_NET_TOTAL, VM__MAX };
enum veinfo_unit { VU_MINUTE, VU_HOUR, VU_DAY, VU__MAX };

struct veinfo_cmd {
	enum veinfo_kind	 kind;
	char			 ve_id[9];	/* "VEid NNNNNNNN" prefix, upper case; "" if none */
	long long		 n;		/* IP address / IP netmask / DNS server N, >= 1 */
	enum veinfo_metric	 metric;	/* history only */
	long long		 from;		/* history: start, epoch seconds UTC */
	enum veinfo_unit	 unit;		/* history: bucket width */
	long long		 count;		/* history: 1..VEINFO_COUNT_MAX buckets */
};

/*
 * Parse one command of len bytes (not NUL-terminated, any bytes).  Words
 * are compared without regard to case and may be separated by any run of
 * blanks; leading and trailing blanks (a CR included) are ignored.
 * Returns 0 with out filled, or -1 when the line is not a valid command
 * (then veinfo prints ERROR).
 */
int		 veinfo_parse(const char *line, size_t len, struct veinfo_cmd *out);

/* Parse "ddmmyyyyhhmm" (UTC, year >= 1970) into epoch seconds; 0 or -1. */
int		 veinfo_parse_when(const char *s, size_t len, long long *t);

/* The API's names: "disk", "cpu", ... and "minute", "hour", "day". */
const char	*veinfo_metric_name(enum veinfo_metric);
const char	*veinfo_unit_step(enum veinfo_unit);

#define VEINFO_MAX_IPS	256
#define VEINFO_MAX_DNS	16
#define VEINFO_ADDRLEN	46

/*
 * The VE document's values.  An integer of -1 or an empty string means the
 * document did not hold that field (the command then answers ERROR).
 */
struct veinfo_ve {
	size_t		 nip;
	char		 ip[VEINFO_MAX_IPS][VEINFO_ADDRLEN];
	char		 mask[VEINFO_MAX_IPS][VEINFO_ADDRLEN];
	char		 gateway[VEINFO_ADDRLEN];
	size_t		 ndns;
	char		 dns[VEINFO_MAX_DNS][VEINFO_ADDRLEN];
	const char	*user_info;		/* borrowed; NULL when absent */
	long long	 disk_quota_mb, cpu_min_bogomips, mem_max_mb;
	long long	 bw_min_kbps, bw_in_min_kbps, bw_out_min_kbps;
	long long	 quota_max_mb, quota_in_max_mb, quota_out_max_mb;
	long long	 disk_bytes, cpu_bogomips, vmem_mb;
	long long	 net_in_bytes, net_out_bytes, net_total_bytes;
};

/* Mark every field of v absent. */
void		 veinfo_ve_clear(struct veinfo_ve *);

/*
 * Append to out the answer of a command that is not a history: one value
 * and a newline.  Returns 0, or -1 when the command cannot be answered
 * (an index past the list, a field missing, an overflow): print ERROR.
 */
int		 veinfo_answer(const struct veinfo_cmd *, const struct veinfo_ve *, struct buf *out);

#endif
