/*
 * What veagent knows about one VE: the specification the API assigned
 * (struct ve_spec, validated once in sync.c and trusted afterwards), the
 * latest counters a backend published (struct ve_sample) and the record
 * tying both to the backend's private state (struct ve).
 */
#ifndef VEAGENT_VE_H
#define VEAGENT_VE_H

#include <stddef.h>
#include <stdint.h>

#include "firewall.h"
#include "veid.h"

#define VE_ID_LEN	8	/* 8 upper-case hex digits */
#define VE_MAX_IPS	32	/* more than any plan sells */
#define VE_FWFILE_MAX	64
#define VE_TEMPLATE_MAX	32
#define VE_CRYPT_MAX	127
#define VE_HOSTNAME_MAX	63
#define VE_MAX_DNS	3
#define VE_BACKUP_ID_MAX	64
#define VE_MOVE_TOKEN_MAX	64
#define VE_MOVE_URL_MAX	40	/* http://255.255.255.255:65535 */

enum { VE_LOGIN_SSH = 1, VE_LOGIN_TELNET = 2, VE_LOGIN_RSH = 4, VE_LOGIN_X11 = 8 };

enum ve_state { VE_ACTIVE = 0, VE_SUSPENDED };

struct ve_spec {
	char		 id[VE_ID_LEN + 1];
	enum ve_state	 state;
	size_t		 nips;
	uint32_t	 ips[VE_MAX_IPS];	/* host byte order */
	uint64_t	 disk_quota_mb;
	uint64_t	 cpu_min_bogomips;
	uint64_t	 mem_max_mb;
	uint64_t	 net_bw_min_kbps, net_bw_max_kbps;
	uint64_t	 net_in_bw_min_kbps, net_in_bw_max_kbps;
	uint64_t	 net_out_bw_min_kbps, net_out_bw_max_kbps;
	enum firewall	 firewall;
	char		 firewall_file[VE_FWFILE_MAX + 1];	/* "" unless FW_FILE */
	uint64_t	 throttle_kbps;
	/*
	 * What a real VE is made of (SPEC section 9); optional in the API's
	 * answer, so an older panel still drives the sim backend.
	 */
	char		 template[VE_TEMPLATE_MAX + 1];	/* "" when not given */
	char		 root_crypt[VE_CRYPT_MAX + 1];	/* "" when null */
	char		 hostname[VE_HOSTNAME_MAX + 1];
	uint32_t	 netmask, gateway;	/* host order; 0 when not given */
	size_t		 ndns;
	uint32_t	 dns[VE_MAX_DNS];
	int		 always_on;
	int		 power_on;		/* "running" (the default) or "stopped" */
	uint64_t	 power_seq;
	unsigned	 login;			/* VE_LOGIN_* bits */
	/* Reinstall, restore and backups (SPEC section 11): wishes as steps. */
	uint64_t	 reinstall_seq, restore_seq, backup_seq;
	char		 restore_backup[VE_BACKUP_ID_MAX + 1];	/* "" when none */
	uint64_t	 backup_hours;		/* 0: no scheduled backups */
	/* Move with data (agent/sync_move.c): "" when not moving. */
	char		 move_out_token[VE_MOVE_TOKEN_MAX + 1];
	char		 move_from_url[VE_MOVE_URL_MAX + 1];
	char		 move_from_token[VE_MOVE_TOKEN_MAX + 1];
};

/*
 * Whether the VE runs, for the ve_up gauge (billingd's availability):
 * its processes exist and are not frozen.  UNKNOWN until a backend has
 * looked; DOWN also for a VE the node was told to run and could not make.
 */
enum ve_run { VE_RUN_UNKNOWN = 0, VE_RUN_DOWN, VE_RUN_UP };

/* Counters of one VE; cumulative ones count from start_us. */
struct ve_sample {
	int		 present;	/* 0: not (yet) running, counters omitted from /metrics */
	enum ve_run	 run;		/* ve_up; with present 0 only ve_state and ve_up are written */
	int64_t		 start_us;	/* ve_start_time_seconds, epoch microseconds */
	uint64_t	 cpu_user_us, cpu_sys_us, cpu_throttled_us;
	uint64_t	 vmem_bytes, rss_bytes;
	uint64_t	 disk_bytes;
	uint32_t	 nprocs;
	uint64_t	 rx_bytes[VE_MAX_IPS];	/* per spec.ips index: received by the VE */
	uint64_t	 tx_bytes[VE_MAX_IPS];	/* sent by the VE */
	int64_t		 backup_at;	/* last good backup, epoch s; 0: none known */
	int		 backup_failing;	/* the last backup failed */
};

struct ve {
	struct ve_spec	 spec;
	struct ve_sample s;
	int		 extra;	/* synthetic, from --extra: never touched by sync */
	void		*be;	/* backend's private state, owned by the backend */
};

/*
 * Strict dotted quad: four decimal parts 0..255 without leading zeros.
 * Returns 0 and the address in host order, or -1.
 */
int	 ve_ipv4_parse(const char *s, size_t len, uint32_t *out);
/* Format a host-order address into out[16]. */
void	 ve_ipv4_fmt(uint32_t a, char out[16]);
/* A firewall style's name as in the order ("open", ...; firewall_parse the other way); "?" when unknown. */
const char *ve_fw_name(enum firewall);
/* 1 when a firewall_file name is acceptable: [A-Za-z0-9_.-]{1,64}, no leading dot. */
int	 ve_fwfile_valid(const char *s);
/* 1 when two specs differ in anything the node applies. */
int	 ve_spec_differs(const struct ve_spec *, const struct ve_spec *);

#endif
