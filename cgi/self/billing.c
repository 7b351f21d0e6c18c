/*
 * vep-self: what the dashboard shows of billing (charges this month,
 * availability and its credit, invoices, notes, traffic caps), from the
 * JSON the API answers with.
 */
#include "self.h"
#include "reset.h"
#include "money.h"
#include "sla.h"

const char *const res_labels[RR__MAX] = {
	[RR_FEE] = "Monthly fee", [RR_DISK] = "Disk quota", [RR_CPU] = "CPU time",
	[RR_VMEM] = "Virtual memory", [RR_TRAFFIC] = "Traffic in + out",
	[RR_TRAFFIC_IN] = "Traffic in", [RR_TRAFFIC_OUT] = "Traffic out",
	[RR_AVAIL] = "Availability below the target",
};

const char *
jstr(const json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));
	return s != NULL ? s : "";
}

long long
jint(const json_t *j, const char *key)
{
	return (long long)json_integer_value(json_object_get(j, key));
}

/* An ISO 8601 time of the JSON as a date, "" when absent. */
void
jdate(const json_t *j, const char *key, char *out, size_t outlen)
{
	long long t;
	if (vep_parse_iso8601(jstr(j, key), &t) == -1)
		snprintf(out, outlen, "%s", jstr(j, key));
	else
		fmt_date(t, out, outlen);
}

void
set_jmoney(struct tmpl_dict *d, const char *key, const json_t *j, const char *jkey, const char *cur)
{
	char a[48];

	fmt_money(jint(j, jkey), cur, a, sizeof(a));
	tmpl_set(d, key, a);
}

/* What a charge or invoice line is about, in words. */
static void
line_item(const json_t *l, char *out, size_t outlen)
{
	const char *kind = jstr(l, "kind");
	int res = rate_res_parse(jstr(l, "resource"));
	const char *label = res >= 0 ? res_labels[res] : jstr(l, "resource");

	if (strcmp(kind, "fee") == 0)
		snprintf(out, outlen, "Monthly fee, for the time active");
	else if (strcmp(kind, "usage") == 0)
		snprintf(out, outlen, "%s, included", label);
	else if (strcmp(kind, "overage") == 0)
		snprintf(out, outlen, "%s, above the included amount", label);
	else if (res == RR_AVAIL)
		/* "99.500000" % -> "99.500": the figure the self screen shows. */
		snprintf(out, outlen, "Service credit: availability %.*s %% was below the target",
		    (int)strcspn(jstr(l, "quantity"), ".") + 4, jstr(l, "quantity"));
	else
		snprintf(out, outlen, "Credit: %s", label);
	/* A month cut by a service change: the line's part (plan, dates). */
	char span[64];
	if (vep_iso_span(jstr(l, "from"), jstr(l, "to"), span, sizeof(span)) == 0) {
		const char *pl = jstr(l, "plan");
		size_t n = strlen(out);
		snprintf(out + n, outlen - n, " (%s%s%s)", pl, pl[0] ? ", " : "", span);
	}
}

/* One charge or invoice line into a LINE_SECTION repetition of d. */
struct tmpl_dict *
add_line(struct tmpl_dict *d, const char *section, const json_t *l, const char *cur)
{
	struct tmpl_dict *x = tmpl_add(d, section);
	char item[200];

	line_item(l, item, sizeof(item));
	tmpl_set(x, "ITEM", item);
	tmpl_set(x, "KIND", jstr(l, "kind"));
	tmpl_set(x, "RESOURCE", jstr(l, "resource"));
	tmpl_set(x, "QUANTITY", jstr(l, "quantity"));
	tmpl_set(x, "UNIT", jstr(l, "unit"));
	set_jmoney(x, "PRICE", l, "unit_price_minor", cur);
	set_jmoney(x, "AMOUNT", l, "amount_minor", cur);
	return x;
}

/* The notice of a traffic cap reached this month. */
void
cap_banner(struct tmpl_dict *d, const struct self_cap *c)
{
	struct tmpl_dict *x = tmpl_add(d, c->suspend ? "CAP_SUSPENDED" : "CAP_THROTTLED");
	char a[200];
	int res = rate_res_parse(c->resource);

	tmpl_set(x, "WHICH", res >= 0 ? res_labels[res] : c->resource);
	fmt_bytes(c->cap_bytes, a, sizeof(a));
	tmpl_set(x, "CAP", a);
	fmt_bytes(c->used_bytes, a, sizeof(a));
	tmpl_set(x, "USED", a);
	fmt_time(c->reached_at, a, sizeof(a));
	tmpl_set(x, "WHEN", a);
	fmt_kbps(c->throttle_kbps, a, sizeof(a));
	tmpl_set(x, "KBPS", a);
}

/*
 * "Availability this month: 99.952 % (target 99.9 %)" from the charges'
 * "availability" (the figure the credit line is computed from), and the
 * credit the month would earn if it ended now.
 */
static void
fill_availability(struct tmpl_dict *d, const json_t *charges, const char *cur)
{
	const json_t *a = json_object_get(charges, "availability"), *l;
	struct tmpl_dict *x;
	long long credit = 0;
	char pct[16], tgt[16], m[48];
	size_t i;

	if (!json_is_object(a))
		return;
	if (jint(a, "seen_seconds") <= 0) {
		tmpl_show(d, "AVAIL_NONE");
		return;
	}
	x = tmpl_add(d, "AVAIL");
	sla_ppm_percent((uint32_t)jint(a, "availability_ppm"), 0, pct, sizeof(pct));
	tmpl_set(x, "PERCENT", pct);
	if (!json_is_true(json_object_get(a, "always_on")))
		tmpl_show(x, "ON_DEMAND");
	else if (json_is_integer(json_object_get(a, "target_ppm"))) {
		sla_ppm_percent((uint32_t)jint(a, "target_ppm"), 1, tgt, sizeof(tgt));
		tmpl_set(tmpl_add(x, "TARGET"), "TARGET", tgt);
	} else
		tmpl_show(x, "NO_TARGET");
	json_array_foreach(json_object_get(charges, "lines"), i, l)
		if (strcmp(jstr(l, "kind"), "credit") == 0 &&
		    strcmp(jstr(l, "resource"), "availability") == 0)
			credit += jint(l, "amount_minor");
	if (credit < 0) {
		struct tmpl_dict *c = tmpl_add(x, "CREDIT");
		fmt_money(-credit, cur, m, sizeof(m));
		tmpl_set(c, "AMOUNT", m);
		tmpl_set(c, "CURRENCY", cur);
		/* basis points as a percentage: 1000 -> "10", 1250 -> "12.5", 1 -> "0.01" */
		sla_ppm_percent((uint32_t)jint(a, "credit_bp") * 100, 1, m, sizeof(m));
		tmpl_set(c, "PERCENT", m);
	}
}

/* "Charges this month" and "Invoices". */
void
fill_billing(struct web *w, struct tmpl_dict *d, const struct selfbill *b)
{
	struct tmpl_dict *x, *y;
	const json_t *l;
	const char *cur;
	char a[200];
	size_t i;

	fmt_month(b->year, b->month, a, sizeof(a));
	tmpl_set(d, "MONTH", a);
	if (b->charges == NULL)
		tmpl_show(d, "CHARGES_NA");
	else {
		x = tmpl_add(d, "CHARGES");
		cur = jstr(b->charges, "currency");
		tmpl_set(x, "CURRENCY", cur);
		tmpl_set(x, "MONTH", a);
		fmt_time(w->now, a, sizeof(a));
		tmpl_set(x, "AS_OF", a);
		fill_availability(x, b->charges, cur);
		json_array_foreach(json_object_get(b->charges, "lines"), i, l) {
			int res = rate_res_parse(jstr(l, "resource"));
			const char *kind = jstr(l, "kind");
			/* Metered lines open on the days behind them; fee and disk have none. */
			y = add_line(x, "CLINE", l, cur);
			line_item(l, a, sizeof(a));
			if (res >= RR_CPU && (strcmp(kind, "usage") == 0 || strcmp(kind, "overage") == 0)) {
				struct tmpl_dict *k = tmpl_add(y, "LINK");
				tmpl_set(k, "PERIOD", jstr(b->charges, "period"));
				tmpl_set(k, "RESOURCE", jstr(l, "resource"));
				tmpl_set(k, "ITEM", a);
			} else
				tmpl_set(tmpl_add(y, "NOLINK"), "ITEM", a);
		}
		set_jmoney(x, "SUBTOTAL", b->charges, "subtotal_minor", cur);
		set_jmoney(x, "TAX", b->charges, "tax_minor", cur);
		set_jmoney(x, "TOTAL", b->charges, "total_minor", cur);
	}
	if (b->invoices == NULL)
		tmpl_show(d, "INVOICES_NA");
	else if (json_array_size(json_object_get(b->invoices, "invoices")) == 0)
		tmpl_show(d, "NO_INVOICES");
	else {
		x = tmpl_add(d, "INVOICES");
		json_array_foreach(json_object_get(b->invoices, "invoices"), i, l) {
			cur = jstr(l, "currency");
			y = tmpl_add(x, "INV");
			tmpl_set(y, "NUMBER", jstr(l, "number"));
			tmpl_set(y, "PERIOD", jstr(l, "period"));
			jdate(l, "issued_at", a, sizeof(a));
			tmpl_set(y, "ISSUED", a);
			jdate(l, "due_at", a, sizeof(a));
			tmpl_set(y, "DUE", a);
			tmpl_set(y, "CURRENCY", cur);
			set_jmoney(y, "TOTAL", l, "total_minor", cur);
			set_jmoney(y, "PAID", l, "paid_minor", cur);
			set_jmoney(y, "BALANCE", l, "balance_minor", cur);
			tmpl_set(y, "STATUS", jstr(l, "status"));
			self_pay_section(w->conf, y, l);	/* reset.c */
		}
	}
	/* Debit and credit notes (late usage's among them, with their reason). */
	if (b->invoices != NULL && json_array_size(json_object_get(b->invoices, "notes")) > 0) {
		x = tmpl_add(d, "NOTES");
		json_array_foreach(json_object_get(b->invoices, "notes"), i, l) {
			int debit = strcmp(jstr(l, "kind"), "debit_note") == 0;
			cur = jstr(l, "currency");
			y = tmpl_add(x, "NOTE");
			tmpl_set(y, "NUMBER", jstr(l, "number"));
			tmpl_set(y, "KIND", jstr(l, "kind"));
			tmpl_show(y, debit ? "NOTE_LINK" : "NOTE_PLAIN");
			tmpl_set(y, "KIND_LABEL", debit ? "Debit note" : "Credit note");
			tmpl_set(y, "INVOICE", jstr(l, "invoice"));
			tmpl_set(y, "PERIOD", jstr(l, "period"));
			jdate(l, "issued_at", a, sizeof(a));
			tmpl_set(y, "ISSUED", a);
			tmpl_set(y, "CURRENCY", cur);
			set_jmoney(y, "TOTAL", l, "total_minor", cur);
			if (debit) {
				tmpl_set(tmpl_add(y, "STATUS"), "VALUE", jstr(l, "status"));
				self_pay_section(w->conf, y, l);	/* reset.c */
			}
			tmpl_set(y, "REASON", jstr(l, "reason"));
		}
	}
}
