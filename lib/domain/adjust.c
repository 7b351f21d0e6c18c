/*
 * Late usage's difference: see adjust.h for the rules.  Nothing here reads
 * the clock or the database; tests/unit/test_adjust.c feeds it tables and
 * months rated by lib/domain/rating.c.
 */
#include <stdio.h>
#include <string.h>

#include "adjust.h"
#include "money.h"
#include "rating.h"

/* What a quantity is, after its number and unit, in a reason. */
static const char *const reason_labels[RR__MAX] = {
	[RR_FEE] = "month of fee", [RR_DISK] = "GB-month of disk quota",
	[RR_CPU] = "CPU-hour", [RR_VMEM] = "GB-hour of memory", [RR_TRAFFIC] = "GB traffic",
	[RR_TRAFFIC_IN] = "GB traffic in", [RR_TRAFFIC_OUT] = "GB traffic out",
};
/* What a resource is, in a line's description. */
static const char *const line_labels[RR__MAX] = {
	[RR_FEE] = "monthly fee", [RR_DISK] = "disk quota", [RR_CPU] = "CPU time",
	[RR_VMEM] = "memory", [RR_TRAFFIC] = "traffic", [RR_TRAFFIC_IN] = "traffic in",
	[RR_TRAFFIC_OUT] = "traffic out",
};

int
adjust_sum_lines(const struct rate_line *l, size_t n, int64_t qty[RR__MAX],
    int64_t amount[RR__MAX], unsigned *seen)
{
	for (size_t i = 0; i < n; i++) {
		if (l[i].kind == RK_CREDIT || (unsigned)l[i].res >= RR__MAX)
			continue;
		if (__builtin_add_overflow(qty[l[i].res], l[i].qty_micro, &qty[l[i].res]) ||
		    __builtin_add_overflow(amount[l[i].res], l[i].amount_minor, &amount[l[i].res]))
			return RATE_EOVERFLOW;
		*seen |= 1u << l[i].res;
	}
	return RATE_OK;
}

int
adjust_diff(const struct adj_item *it, int64_t *d)
{
	return __builtin_sub_overflow(it->amount_now, it->amount_billed, d) ? RATE_EOVERFLOW :
	    RATE_OK;
}

int
adjust_compute(const struct adj_item *it, size_t n, int64_t billed_sub, int64_t billed_tax,
    int64_t tax_bp, struct adj_doc *dn, struct adj_doc *cn)
{
	int64_t pos = 0, neg = 0, d, t0, t1, t2, sp, spn;

	memset(dn, 0, sizeof(*dn));
	memset(cn, 0, sizeof(*cn));
	if (tax_bp < 0 || money_tax(billed_sub, tax_bp, &t0) == -1)
		return tax_bp < 0 ? RATE_EINVAL : RATE_EOVERFLOW;
	if (t0 != billed_tax)
		return RATE_EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (adjust_diff(&it[i], &d) != RATE_OK)
			return RATE_EOVERFLOW;
		if (d > 0) {
			if (__builtin_add_overflow(pos, d, &pos))
				return RATE_EOVERFLOW;
			dn->nlines++;
		} else if (d < 0) {
			if (__builtin_add_overflow(neg, d, &neg))
				return RATE_EOVERFLOW;
			cn->nlines++;
		}
	}
	if (__builtin_add_overflow(billed_sub, pos, &sp) || __builtin_add_overflow(sp, neg, &spn) ||
	    money_tax(sp, tax_bp, &t1) == -1 || money_tax(spn, tax_bp, &t2) == -1)
		return RATE_EOVERFLOW;
	if (dn->nlines > 0) {
		dn->sub = pos;
		dn->tax = t1 - t0;
		if (__builtin_add_overflow(dn->sub, dn->tax, &dn->total))
			return RATE_EOVERFLOW;
	}
	if (cn->nlines > 0) {
		cn->sub = neg;
		cn->tax = t2 - t1;
		if (__builtin_add_overflow(cn->sub, cn->tax, &cn->total))
			return RATE_EOVERFLOW;
	}
	return RATE_OK;
}

int
adjust_qty(int64_t micro, int sign, char *out, size_t len)
{
	char b[40];
	size_t n;
	int k;

	if (money_fixed6(micro, b, sizeof(b)) < 0)
		return -1;
	n = strlen(b);
	while (n > 0 && b[n - 1] == '0')
		n--;
	if (n > 0 && b[n - 1] == '.')
		n--;
	b[n] = '\0';
	k = snprintf(out, len, "%s%s", sign && micro > 0 ? "+" : "", b);
	return k < 0 || (size_t)k >= len ? -1 : k;
}

size_t
adjust_reason(const char *period, int debit, const struct adj_item *it, size_t n, char *out,
    size_t len)
{
	static const char more[] = " and more";
	int64_t q[RR__MAX] = { 0 }, a[RR__MAX] = { 0 }, d, dq;
	size_t used;
	int k, first = 1;

	k = snprintf(out, len, "usage for %s %s after invoicing:", period,
	    debit ? "received" : "corrected");
	if (k < 0 || (size_t)k >= len)
		return len > 0 ? strlen(out) : 0;
	used = (size_t)k;
	for (size_t i = 0; i < n; i++) {
		if (adjust_diff(&it[i], &d) != RATE_OK || (debit ? d <= 0 : d >= 0) ||
		    (unsigned)it[i].res >= RR__MAX)
			continue;
		/* Saturate: a reason is words, the lines carry the exact numbers. */
		if (__builtin_sub_overflow(it[i].qty_now, it[i].qty_billed, &dq) ||
		    __builtin_add_overflow(q[it[i].res], dq, &q[it[i].res]))
			q[it[i].res] = debit ? INT64_MAX : INT64_MIN;
		a[it[i].res] = 1;
	}
	for (int r = 0; r < RR__MAX; r++) {
		char phrase[96], num[40];
		int rest = 0;
		if (!a[r])
			continue;
		for (int o = r + 1; o < RR__MAX; o++)
			rest |= a[o] != 0;
		if (q[r] == 0)
			snprintf(phrase, sizeof(phrase), "%s%s repriced", first ? " " : ", ",
			    line_labels[r]);
		else if (adjust_qty(q[r], 1, num, sizeof(num)) < 0)
			continue;
		else
			snprintf(phrase, sizeof(phrase), "%s%s %s", first ? " " : ", ", num,
			    reason_labels[r]);
		/* Room for this phrase, and for " and more" if others follow. */
		if (used + strlen(phrase) + (rest ? sizeof(more) - 1 : 0) >= len) {
			if (used + sizeof(more) <= len) {
				memcpy(out + used, more, sizeof(more));
				used += sizeof(more) - 1;
			}
			break;
		}
		memcpy(out + used, phrase, strlen(phrase) + 1);
		used += strlen(phrase);
		first = 0;
	}
	return used;
}

int
adjust_describe(const struct adj_item *it, char *out, size_t len)
{
	char b[40], a[40];
	const char *unit = rate_res_unit(it->res);
	int k;

	if (unit == NULL || money_fixed6(it->qty_billed, b, sizeof(b)) < 0 ||
	    money_fixed6(it->qty_now, a, sizeof(a)) < 0)
		return -1;
	k = snprintf(out, len, "%s: invoiced %s %s, now %s %s", line_labels[it->res], b, unit, a,
	    unit);
	return k < 0 || (size_t)k >= len ? -1 : k;
}
