/*
 * prom: the strict parser of a node agent's answer (SPEC section 7, the
 * Prometheus text exposition format 0.0.4).  A pure function over
 * (buf, len): no I/O, no globals, no doubles.  CPU seconds and start times
 * are read as exact integer microseconds, bytes as integers.  An answer
 * with anything wrong in a metric we use is refused as a whole (one bad
 * line may mean the agent is broken; half an answer would meter half a
 * node); metrics we do not use are checked for syntax only and ignored.
 *
 * ve_up and ve_state (0 or 1, optional: an agent that does not send them
 * gives no availability) say whether a VE runs and whether it is active.
 * A VE either has every counter series of SPEC section 7 (it runs, or ran)
 * or none, and then ve_up: a VE the node knows but cannot run.
 */
#ifndef BILLINGD_PROM_H
#define BILLINGD_PROM_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define PROM_MAX_IPS	64	/* addresses of one VE */
#define PROM_IPSTRLEN	46	/* INET6_ADDRSTRLEN */

/* Which series of a VE or address were present. */
#define PROM_HAVE_START	0x01u
#define PROM_HAVE_USER	0x02u
#define PROM_HAVE_SYS	0x04u
#define PROM_HAVE_VMEM	0x08u
#define PROM_HAVE_DISK	0x10u
#define PROM_HAVE_ALL	0x1fu	/* every counter series */
#define PROM_HAVE_STATE	0x20u	/* ve_state */
#define PROM_HAVE_UP	0x40u	/* ve_up */
#define PROM_HAVE_RX	0x01u
#define PROM_HAVE_TX	0x02u

struct prom_ip {
	uint8_t		 addr[16];	/* IPv6, or IPv4 as ::ffff:a.b.c.d */
	uint64_t	 rx, tx;	/* bytes received / transmitted by the VE */
	unsigned	 have;
	uint32_t	 ve;		/* index of its VE in set->ve */
	uint32_t	 next;		/* while parsing: next address of the VE */
};

struct prom_ve {
	uint32_t	 id;		/* the VEid's 8 hex digits as a number */
	unsigned	 have;
	uint64_t	 start_us;	/* ve_start_time_seconds */
	uint64_t	 cpu_user_us, cpu_sys_us;
	uint64_t	 vmem, disk;	/* bytes */
	uint8_t		 up;		/* ve_up (with PROM_HAVE_UP) */
	uint8_t		 active;	/* ve_state; 1 when absent */
	uint32_t	 ip_off, nip;	/* its addresses: set->ip[ip_off .. +nip) */
	uint32_t	 ip_last;	/* while parsing */
};

/*
 * The result of one parse.  Reused across polls: prom_parse keeps the
 * arrays' capacity.  After a successful parse the addresses of each VE are
 * contiguous, in the order they appeared.
 */
struct prom_set {
	uint64_t	 agent_start_us;	/* veagent_start_time_seconds */
	uint64_t	 bogomips_c;		/* node_cpu_bogomips x 100; 0 if absent */
	struct prom_ve	*ve;
	size_t		 nve, cve;
	struct prom_ip	*ip, *iptmp;	/* iptmp: scratch for grouping */
	size_t		 nip, cip, ctmp;
	struct vep_idx	 idx;			/* VE id -> index in ve */
	size_t		 unknown;		/* sample lines of metrics we ignore */
	size_t		 lines;
};

void	prom_init(struct prom_set *);
void	prom_free(struct prom_set *);

/*
 * Parse an agent's answer.  Returns 0 with the set filled, or -1 with a
 * one-line reason ("line 12: ...") in err; on -1 the set's contents are
 * unspecified.  Values that would not fit a signed 64-bit column are
 * refused.  Memory errors are reported as a failed parse.
 */
int	prom_parse(struct prom_set *, const char *buf, size_t len, char *err,
	    size_t errlen);

/* Index of the VE with this id in set->ve, or -1. */
long	prom_find(const struct prom_set *, uint32_t id);

/* Format a VE id as its 8 upper-case hex digits (out: 9 bytes). */
void	prom_ve_name(uint32_t id, char out[9]);
/* Parse 8 upper-case hex digits; 0 or -1. */
int	prom_ve_parse(const char *s, size_t len, uint32_t *id);
/* Canonical text of an address (out: PROM_IPSTRLEN bytes). */
void	prom_ip_name(const uint8_t addr[16], char out[PROM_IPSTRLEN]);
/* Parse an IPv4 or IPv6 address's text; 0 or -1. */
int	prom_ip_parse(const char *s, size_t len, uint8_t addr[16]);

#endif
