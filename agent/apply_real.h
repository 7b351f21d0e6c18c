/*
 * Service changes on a real node (SPEC section 11), as far as the kernel
 * lets them happen while the VE runs: addresses added and removed inside
 * the VE's network namespace (the host side's /32 routes and filters
 * follow in net_apply), a memory limit lowered only when the VE holds
 * less than it (else at the next start), the disk grown online where the
 * agent may resize a mounted file system (CAP_SYS_RESOURCE), else at the
 * next start by velxc (velxc_disk.c).  The builders are pure and tested.
 */
#ifndef VEAGENT_APPLY_REAL_H
#define VEAGENT_APPLY_REAL_H

#include <stdint.h>

#include "cgroup.h"
#include "util.h"
#include "ve.h"

/*
 * The prefix length of the VE's first address (that of its netmask, 32
 * when it has none); the others are /32.  velxc's config and the live
 * batch both use it.
 */
unsigned	apply_prefix(const struct ve_spec *sp);
/*
 * 1 when what changed between old and sp in the VE's network is only its
 * list of addresses (live: apply_addr_batch); 0 when nothing of it did;
 * 2 when netmask, gateway or DNS servers changed (the VE's config: at its
 * next start).
 */
int	apply_net_diff(const struct ve_spec *sp, const struct ve_spec *old);
/*
 * `ip -force -batch -` lines for inside the VE (run through nsenter into
 * its init's network namespace): addresses of sp not in old added to
 * eth0 with the VE's prefix and broadcast, those of old not in sp removed.
 */
void	apply_addr_batch(struct buf *, const struct ve_spec *sp, const struct ve_spec *old);
/*
 * May a memory limit of limit_bytes be set live on the VE's cgroup?  1 when
 * it is unlimited (0), at least the memory the VE holds now, or the usage
 * cannot be read (the kernel then reclaims); 0 when lower than the usage.
 */
int	apply_mem_live(const char *cgroot, enum cg_ver, const char *id, uint64_t limit_bytes);

#endif
