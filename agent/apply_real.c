/*
 * Live changes of a real VE: see apply_real.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_real.h"
#include "netns.h"

static int
has(const uint32_t *a, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] == x)
			return 1;
	return 0;
}

int
apply_net_diff(const struct ve_spec *sp, const struct ve_spec *old)
{
	if (sp->netmask != old->netmask || sp->gateway != old->gateway || sp->ndns != old->ndns ||
	    memcmp(sp->dns, old->dns, sizeof(sp->dns)) != 0)
		return 2;
	if (sp->nips != old->nips || memcmp(sp->ips, old->ips, sp->nips * sizeof(sp->ips[0])) != 0)
		return 1;
	return 0;
}

unsigned
apply_prefix(const struct ve_spec *sp)
{
	unsigned p = 0;

	if (sp->netmask == 0)
		return 32;
	for (uint32_t mask = sp->netmask; mask & 0x80000000u; mask <<= 1)
		p++;
	return p;
}

void
apply_addr_batch(struct buf *b, const struct ve_spec *sp, const struct ve_spec *old)
{
	char a[16], brd[16];

	/* As velxc's config has them: the first address with the pool's prefix, the others /32. */
	for (size_t i = 0; i < sp->nips; i++) {
		unsigned plen = i == 0 ? apply_prefix(sp) : 32;
		if (has(old->ips, old->nips, sp->ips[i]))
			continue;
		ve_ipv4_fmt(sp->ips[i], a);
		ve_ipv4_fmt(plen < 32 ? (sp->ips[i] | ~sp->netmask) : sp->ips[i], brd);
		buf_printf(b, "addr add %s/%u broadcast %s dev eth0\n", a, plen, brd);
	}
	for (size_t i = 0; i < old->nips; i++) {
		unsigned plen = i == 0 ? apply_prefix(old) : 32;
		if (has(sp->ips, sp->nips, old->ips[i]))
			continue;
		ve_ipv4_fmt(old->ips[i], a);
		buf_printf(b, "addr del %s/%u dev eth0\n", a, plen);
	}
}

static int
read_u64(const char *path, uint64_t *v)
{
	char line[64], *end;
	FILE *f = fopen(path, "re");
	int rc = -1;

	if (f == NULL)
		return -1;
	if (fgets(line, sizeof(line), f) != NULL) {
		*v = strtoull(line, &end, 10);
		rc = end != line ? 0 : -1;
	}
	fclose(f);
	return rc;
}

int
apply_mem_live(const char *cgroot, enum cg_ver v, const char *id, uint64_t limit)
{
	char p[512];
	uint64_t used;

	if (limit == 0)
		return 1;
	if (v == CG_V2)
		snprintf(p, sizeof(p), "%s/vepanel/%s/memory.current", cgroot, id);
	else
		snprintf(p, sizeof(p), "%s/memory/vepanel/%s/memory.usage_in_bytes", cgroot, id);
	if (read_u64(p, &used) == -1)
		return 1;
	return limit >= used;
}
