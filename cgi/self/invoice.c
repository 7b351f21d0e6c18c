/*
 * vep-self: one invoice or debit note of the owner's account as a
 * print-ready page.
 */
#include "self.h"
#include "docview.h"
#include "reset.h"
#include "order.h"

static void
fill_payments(struct tmpl_dict *d, const json_t *j, const char *cur)
{
	struct tmpl_dict *x = NULL, *y;
	const json_t *e;
	char a[64];
	size_t i;

	if (json_array_size(json_object_get(j, "payments")) > 0)
		x = tmpl_add(d, "PAYMENTS");
	json_array_foreach(json_object_get(j, "payments"), i, e) {
		long long t = 0;
		y = tmpl_add(x, "PAYMENT");
		vep_parse_iso8601(jstr(e, "date"), &t);
		fmt_date(t, a, sizeof(a));
		tmpl_set(y, "DATE", a);
		tmpl_set(y, "REFERENCE", jstr(e, "reference"));
		set_jmoney(y, "AMOUNT", e, "amount_minor", cur);
	}
}

/* One line of a late note: the quantity billed before, rated now, and the amount. */
static void
add_diff(struct tmpl_dict *d, const char *section, const json_t *l, const char *cur)
{
	struct tmpl_dict *x = tmpl_add(d, section);
	int res = rate_res_parse(jstr(l, "resource"));
	const char *dq = jstr(l, "quantity_delta");
	char a[64];

	tmpl_set(x, "VE_ID", jstr(l, "ve_id"));
	tmpl_set(x, "RESOURCE", jstr(l, "resource"));
	tmpl_set(x, "ITEM", res >= 0 ? res_labels[res] : jstr(l, "resource"));
	tmpl_set(x, "UNIT", jstr(l, "unit"));
	tmpl_set(x, "BEFORE", jstr(l, "quantity_before"));
	tmpl_set(x, "AFTER", jstr(l, "quantity_after"));
	snprintf(a, sizeof(a), "%s%s", dq[0] != '-' && dq[0] != '\0' ? "+" : "", dq);
	tmpl_set(x, "DELTA", a);
	set_jmoney(x, "AMOUNT", l, "amount_minor", cur);
}

/* What an invoice and a debit note both show at the top: the ISP, the owner, the document. */
static void
doc_head(struct web *w, struct tmpl_dict *d, const json_t *j, const struct ve_info *vi)
{
	char a[64];
	int y4, m2;

	tmpl_set(d, "ISP_NAME", conf_str(w->conf, "isp", "name"));
	tmpl_set(d, "ISP_ADDRESS", conf_str(w->conf, "isp", "address"));
	if (conf_str(w->conf, "isp", "vat_id")[0] != '\0')
		tmpl_set(tmpl_add(d, "VAT_ID"), "ID", conf_str(w->conf, "isp", "vat_id"));
	tmpl_set(d, "EMAIL", vi->o.s[OF_EMAIL] != NULL ? vi->o.s[OF_EMAIL] : "");
	tmpl_set(d, "VE_ID", vi->ve_id);
	tmpl_set(d, "NUMBER", jstr(j, "number"));
	tmpl_set(d, "PERIOD", jstr(j, "period"));
	if (rate_period_parse(jstr(j, "period"), &y4, &m2) == 0) {
		fmt_month(y4, m2, a, sizeof(a));
		tmpl_set(d, "MONTH", a);
	}
	jdate(j, "issued_at", a, sizeof(a));
	tmpl_set(d, "ISSUED", a);
	jdate(j, "due_at", a, sizeof(a));
	tmpl_set(d, "DUE", a);
	tmpl_set(d, "STATUS", jstr(j, "status"));
	tmpl_set(d, "CURRENCY", jstr(j, "currency"));
	docview_parties(d, j, w->conf, vi->o.s[OF_EMAIL] != NULL ? vi->o.s[OF_EMAIL] : "");
}

/* ... and at the bottom: the sums, the payments. */
static void
doc_totals(struct tmpl_dict *d, const json_t *j, const char *cur)
{
	char a[64];

	set_jmoney(d, "SUBTOTAL", j, "subtotal_minor", cur);
	fmt_bp(jint(j, "tax_bp"), a, sizeof(a));
	tmpl_set(d, "TAX_RATE", a);
	set_jmoney(d, "TAX", j, "tax_minor", cur);
	set_jmoney(d, "TOTAL", j, "total_minor", cur);
	set_jmoney(d, "PAID", j, "paid_minor", cur);
	set_jmoney(d, "BALANCE", j, "balance_minor", cur);
	fill_payments(d, j, cur);
}

/* A debit note (j as db_docs_dn_json gives it): its reason and the lines of the difference. */
static void
fill_debit_note(struct tmpl_dict *d, const json_t *j, const char *cur)
{
	const json_t *l;
	size_t i;

	tmpl_set(d, "INVOICE", jstr(j, "invoice"));
	tmpl_set(d, "REASON", jstr(j, "reason"));
	json_array_foreach(json_object_get(j, "lines"), i, l)
		add_diff(d, "LINE", l, cur);
}

/* The head of a credit or debit note on an invoice (a repetition of section in x). */
static struct tmpl_dict *
note_head(struct tmpl_dict *x, const char *section, const json_t *e, const char *cur)
{
	struct tmpl_dict *y = tmpl_add(x, section);
	char a[64];

	tmpl_set(y, "NUMBER", jstr(e, "number"));
	tmpl_set(y, "REASON", jstr(e, "reason"));
	jdate(e, "issued_at", a, sizeof(a));
	tmpl_set(y, "ISSUED", a);
	set_jmoney(y, "TOTAL", e, "total_minor", cur);
	return y;
}

/* An invoice's lines, its credit notes and the debit notes of usage that came after it. */
static void
fill_invoice(struct tmpl_dict *d, const json_t *j, const char *cur)
{
	struct tmpl_dict *x = NULL, *y;
	const json_t *e, *l;
	size_t i, k;

	json_array_foreach(json_object_get(j, "lines"), i, l) {
		struct tmpl_dict *ld = add_line(d, "LINE", l, cur);
		tmpl_set(ld, "VE_ID", jstr(l, "ve_id"));
		docview_line(ld, l, cur);
	}
	set_jmoney(d, "CREDITED", j, "credited_minor", cur);
	if (json_array_size(json_object_get(j, "credit_notes")) > 0)
		x = tmpl_add(d, "CREDITS");
	json_array_foreach(json_object_get(j, "credit_notes"), i, e) {
		y = note_head(x, "CN", e, cur);
		json_array_foreach(json_object_get(e, "lines"), k, l) {
			struct tmpl_dict *c = tmpl_add(y, "CN_LINE");
			int res = rate_res_parse(jstr(l, "resource"));
			const char *ve = json_string_value(json_object_get(l, "ve_id"));
			tmpl_set(c, "VE_ID", ve != NULL ? ve : "");
			tmpl_set(c, "ITEM", res >= 0 ? res_labels[res] : jstr(l, "resource"));
			tmpl_set(c, "DESCRIPTION", jstr(l, "description"));
			set_jmoney(c, "AMOUNT", l, "amount_minor", cur);
		}
	}
	/* Debit notes for usage that came after this invoice (db_late.h). */
	x = NULL;
	if (json_array_size(json_object_get(j, "debit_notes")) > 0)
		x = tmpl_add(d, "DEBITS");
	json_array_foreach(json_object_get(j, "debit_notes"), i, e) {
		y = note_head(x, "DN", e, cur);
		tmpl_set(y, "STATUS", jstr(e, "status"));
		json_array_foreach(json_object_get(e, "lines"), k, l)
			add_diff(y, "DN_LINE", l, cur);
	}
}

/* An invoice or credit note number as the engine writes them: [A-Z0-9-], 1..24. */
static int
number_valid(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n < 25 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

/*
 * GET /self/invoices/{number}: one invoice (or debit note) of the owner's
 * account as a print-ready page.  Another account's invoice is 404,
 * exactly like one that does not exist.
 */
void
page_invoice(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct ve_info vi;
	struct tmpl_dict *d = NULL;
	json_t *j = NULL;
	const char *cur;
	int rc, debit;

	(void)q;
	if (!billing_ve(w, r, &vi))
		return;
	if (!number_valid(caps[0])) {
		web_error(w, r, 404, "There is no such invoice.");
		goto out;
	}
	if ((j = db_docs_invoice_json(w->db, caps[0], vi.ve_id, w->now, &rc)) == NULL) {
		web_error(w, r, rc == BILLING_ENOENT ? 404 : 503, rc == BILLING_ENOENT ?
		    "There is no such invoice." : "The invoice cannot be shown right now; "
		    "please try again later.");
		goto out;
	}
	if ((d = tmpl_dict_new()) == NULL) {
		web_error(w, r, 500, "Out of memory.");
		goto out;
	}
	cur = jstr(j, "currency");
	debit = strcmp(jstr(j, "kind"), "debit_note") == 0;
	doc_head(w, d, j, &vi);
	if (debit)
		fill_debit_note(d, j, cur);
	else
		fill_invoice(d, j, cur);
	doc_totals(d, j, cur);
	self_pay_section(w->conf, d, j);	/* reset.c: "Pay" when open */
	page_finish(w, r, 200, debit ? "self/note.tpl" : "self/invoice.tpl", d);
	d = NULL;
out:
	tmpl_dict_free(d);
	json_decref(j);
	ve_info_free(&vi);
}
