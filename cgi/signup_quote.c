/* The signup's monthly total: see signup_quote.h. */
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "db_tax.h"
#include "order.h"
#include "quote.h"
#include "signup_quote.h"
#include "tax.h"
#include "tmpl.h"

static void
money(struct tmpl_dict *d, const char *key, long long minor, const char *cur)
{
	char s[48];

	order_money(minor, cur, s, sizeof(s));
	tmpl_set(d, key, s);
}

/* "12 GB of traffic at 0.20 EUR per GB, ..." for the usage charged on top; "" when none. */
static void
usage_text(const struct order_plan *p, char *out, size_t len)
{
	static const char *const what[6] = { "", "traffic", "inbound traffic", "outbound traffic",
	    "CPU time", "memory" };
	static const char *const unit[6] = { "", "GB", "GB", "GB", "CPU hour", "GB-hour" };
	static const char *const units[6] = { "", "GB", "GB", "GB", "CPU hours", "GB-hours" };
	size_t off = 0;
	char m[48];

	out[0] = '\0';
	for (size_t i = 1; i < 6 && off < len; i++) {
		if (p->ov[i] == 0)
			continue;
		order_money(p->ov[i], p->currency, m, sizeof(m));
		off += (size_t)snprintf(out + off, len - off, "%s%s above %lld %s: %s per %s",
		    off ? "; " : "", what[i], p->inc[i], units[i], m, unit[i]);
	}
}

void
signup_quote(struct tmpl_dict *d, const struct conf *c, const struct order *o,
    const struct order_catalog *cat, long long preset_mb, long long now)
{
	static const long long none[OF__MAX];
	const struct order_plan *p;
	struct tax_in rules;
	struct tax_choice tc;
	struct quote q;
	struct tmpl_dict *x;
	long long mb = preset_mb;
	char s[512];

	p = o != NULL && o->s[OF_PLAN] != NULL ? order_plan_find(cat, o->s[OF_PLAN]) :
	    o == NULL && cat->nplans > 0 ? &cat->plans[0] : NULL;
	if (o != NULL)
		mb = o->n[OF_DISK_QUOTA_MB];	/* 0 when left blank or not a number */
	if (p == NULL || mb < 1 || mb > p->max_disk_quota_mb) {
		tmpl_set(tmpl_add(d, "TOTAL_UNKNOWN"), "TEXT", p == NULL ? "Choose a plan to see the "
		    "monthly total." : "Give a disk quota the plan allows to see the monthly total.");
		return;
	}
	/* The rate of a new account: [isp]'s for a customer whose country we do not know yet. */
	db_tax_rules(c, &rules);
	if (tax_decide(&rules, &tc) != TAX_OK)
		tc.bp = rules.default_bp;
	if (quote_month(p, mb, now, tc.bp, &q) != RATE_OK) {
		tmpl_set(tmpl_add(d, "TOTAL_UNKNOWN"), "TEXT", "The total cannot be computed for these "
		    "values.");
		return;
	}
	x = tmpl_add(d, "TOTAL");
	tmpl_set(x, "PLAN", p->name);
	tmpl_set(x, "CURRENCY", p->currency);
	money(x, "FEE", q.fee, p->currency);
	if (q.disk != 0) {
		struct tmpl_dict *y = tmpl_add(x, "DISK");
		snprintf(s, sizeof(s), "%lld.%03lld", (mb / 1000) - p->inc[0], mb % 1000);
		tmpl_set(y, "GB", s);
		money(y, "AMOUNT", q.disk, p->currency);
		money(y, "PRICE", p->ov[0], p->currency);
	}
	money(x, "SUBTOTAL", q.subtotal, p->currency);
	if (q.tax_bp > 0) {
		struct tmpl_dict *y = tmpl_add(x, "TAX");
		snprintf(s, sizeof(s), "%lld.%02lld %%", (long long)q.tax_bp / 100, (long long)q.tax_bp % 100);
		tmpl_set(y, "RATE", s);
		money(y, "AMOUNT", q.tax, p->currency);
	} else
		tmpl_show(x, "NO_TAX");
	money(x, "TOTAL", q.total, p->currency);
	usage_text(p, s, sizeof(s));
	if (s[0] != '\0')
		tmpl_set(tmpl_add(x, "USAGE"), "TEXT", s);
	quote_cap_text(p->cap_action, o != NULL ? o->n : none,
	    conf_int(c, "billingd", "cap_throttle_kbps"), s, sizeof(s));
	tmpl_set(x, "CAP", s);
}
