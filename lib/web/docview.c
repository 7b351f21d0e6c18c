/* A billing document's parties, dates, tax note and payment details on a page: see docview.h. */
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "docview.h"
#include "money.h"
#include "page.h"
#include "tmpl.h"

static const char *
js(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s != NULL ? s : "";
}

static void
text_sec(struct tmpl_dict *d, const char *sec, const char *text)
{
	if (text != NULL && text[0] != '\0')
		tmpl_set(tmpl_add(d, sec), "TEXT", text);
}

void
docview_parties(struct tmpl_dict *d, const json_t *doc, const struct conf *c,
    const char *fallback_email)
{
	const json_t *b = json_object_get(doc, "buyer");
	struct tmpl_dict *x = tmpl_add(d, "BUYER"), *p;
	char pay[320];

	if (js(b, "name")[0] == '\0' && js(b, "company")[0] == '\0' && js(b, "address")[0] == '\0')
		tmpl_set(x, "EMAIL", js(b, "email")[0] ? js(b, "email") : fallback_email);
	/* B_*: sections of the page's own (the ISP's VAT_ID) would show through */
	text_sec(x, "B_COMPANY", js(b, "company"));
	text_sec(x, "B_NAME", js(b, "name"));
	text_sec(x, "B_ADDRESS", js(b, "address"));
	text_sec(x, "B_VAT", js(b, "vat_id"));
	if (js(doc, "supply_from")[0] != '\0') {
		struct tmpl_dict *s = tmpl_add(d, "SUPPLY");
		tmpl_set(s, "FROM", js(doc, "supply_from"));
		tmpl_set(s, "TO", js(doc, "supply_to"));
	}
	text_sec(d, "TAX_NOTE", js(doc, "tax_note"));
	if (conf_str(c, "isp", "iban")[0] == '\0' && conf_str(c, "payments", "checkout_url")[0] == '\0')
		return;
	p = tmpl_add(d, "PAYMENT_DETAILS");
	text_sec(p, "BANK", conf_str(c, "isp", "bank"));
	text_sec(p, "IBAN", conf_str(c, "isp", "iban"));
	text_sec(p, "BIC", conf_str(c, "isp", "bic"));
	if (conf_str(c, "payments", "checkout_url")[0] != '\0') {
		snprintf(pay, sizeof(pay), "%s/self", conf_str(c, "isp", "public_url"));
		text_sec(p, "PAY_URL", pay);
	}
}

void
docview_line(struct tmpl_dict *line, const json_t *l, const char *cur)
{
	json_t *bp = json_object_get(l, "tax_bp"), *t = json_object_get(l, "tax_minor");
	char s[32];

	if (!json_is_integer(bp) || !json_is_integer(t))
		return;
	snprintf(s, sizeof(s), "%lld.%02lld %%", (long long)json_integer_value(bp) / 100,
	    (long long)json_integer_value(bp) % 100);
	tmpl_set(line, "LINE_RATE", s);
	/* as the document's other amounts: "2.34", the currency in the table's caption */
	if (money_format(json_integer_value(t), cur, s, sizeof(s)) > 0)
		tmpl_set(line, "LINE_TAX", s);
}
