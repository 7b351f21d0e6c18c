/* What an order costs a month, by the invoices' rating: see quote.h. */
#include <stdio.h>
#include <string.h>

#include "quote.h"
#include "util.h"

/* The rating resource of each of order_plan's inc[] and ov[] (disk, traffic, in, out, cpu, vmem). */
static const enum rate_res plan_res[] = { RR_DISK, RR_TRAFFIC, RR_TRAFFIC_IN, RR_TRAFFIC_OUT,
    RR_CPU, RR_VMEM };
_Static_assert(nitems(plan_res) == nitems(((struct order_plan *)0)->inc), "one resource per plan column");

int
quote_month(const struct order_plan *p, long long disk_mb, int64_t now, long long tax_bp,
    struct quote *q)
{
	struct rate_version v;
	struct rate_usage u;
	struct rate_event ev;
	struct rate_input in;
	int y, m, rc;

	memset(q, 0, sizeof(*q));
	if (disk_mb < 1)
		return RATE_EINVAL;
	memset(&v, 0, sizeof(v));
	memset(&u, 0, sizeof(u));
	memset(&in, 0, sizeof(in));
	v.fee_minor = p->fee_minor;
	for (size_t i = 0; i < nitems(plan_res); i++) {
		v.inc[plan_res[i]] = p->inc[i];
		v.price[plan_res[i]] = p->ov[i];
	}
	rate_month_of(now, &y, &m);
	rate_month_bounds(y, m, &in.from, &in.to);
	v.valid_from = in.from;
	in.acc_from = in.created_at = in.from;
	in.until = in.to;
	in.disk_quota_mb = disk_mb;
	ev.at = in.from;
	ev.active = 1;
	in.ev = &ev;
	in.nev = 1;
	in.v = &v;
	in.nv = 1;
	in.u = &u;
	if ((rc = rate_month(&in, q->lines, sizeof(q->lines) / sizeof(q->lines[0]), &q->n)) != RATE_OK)
		return rc;
	for (size_t i = 0; i < q->n; i++) {
		if (q->lines[i].kind == RK_FEE)
			q->fee += q->lines[i].amount_minor;
		else if (q->lines[i].res == RR_DISK)
			q->disk += q->lines[i].amount_minor;
	}
	q->tax_bp = tax_bp;
	return rate_totals(q->lines, q->n, tax_bp, &q->subtotal, &q->tax, &q->total);
}

void
quote_cap_text(const char *cap_action, const long long n[OF__MAX], long long default_kbps,
    char *out, size_t len)
{
	long long kbps = n[OF_NET_BW_MIN_KBPS] > 0 ? n[OF_NET_BW_MIN_KBPS] : default_kbps;
	int capped = n[OF_NET_QUOTA_MAX_MB] > 0 || n[OF_NET_IN_QUOTA_MAX_MB] > 0 ||
	    n[OF_NET_OUT_QUOTA_MAX_MB] > 0;
	int suspend = cap_action != NULL && strcmp(cap_action, "suspend") == 0;

	if (suspend)
		snprintf(out, len, "%s the VE is suspended until the month ends, and started again on "
		    "the 1st.", capped ? "At your traffic cap" : "You set no traffic cap; if you set one "
		    "(advanced options, network traffic maximum), at the cap");
	else
		snprintf(out, len, "%s the VE's bandwidth is throttled to %lld kbit/s until the month "
		    "ends.", capped ? "At your traffic cap" : "You set no traffic cap; if you set one "
		    "(advanced options, network traffic maximum), at the cap", kbps);
}
