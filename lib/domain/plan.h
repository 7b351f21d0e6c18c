/*
 * plan: the rules of a plan as the operator gives it (SPEC section 8 JSON:
 * code, name, currency, monthly fee, included units, overage prices,
 * limits, optional SLA).  Pure: the catalogue (lib/db/catalog.c) stores
 * what plan_parse accepts.
 */
#ifndef VEP_PLAN_H
#define VEP_PLAN_H

#include <stddef.h>
#include <jansson.h>

#include "sla.h"

struct plan_spec {
	const char	*code, *name, *currency;	/* borrowed from the JSON */
	const char	*cap_action;			/* "throttle" or "suspend" */
	long long	 fee_minor;
	long long	 inc[6];	/* disk, traffic, in, out, CPU hours, vmem GB-hours */
	long long	 ov[6];		/* the overage prices, in the same order */
	long long	 max_disk_quota_mb, max_ip_count;
	char		 logins[64];	/* "ssh,x11": the allowed styles, in a fixed order */
	struct sla_terms sla;		/* zero: none */
};

/* Check a plan's JSON into x (borrowing its strings); 0, or -1 with a sentence in err. */
int	plan_parse(json_t *plan, struct plan_spec *x, char *err, size_t errlen);

#endif
