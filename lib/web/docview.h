/*
 * docview: what an EU invoice must show beyond its numbers (issue 18), put
 * into a billing document page's dictionary from the document's JSON (with
 * db_tax_doc's additions) and [isp]: the same for the self screen's
 * invoice and notes and the operator's print pages, as lib/doc/pdf.c
 * prints it in the PDF.
 *
 * Values set on d: BUYER section (B_NAME, B_COMPANY, B_ADDRESS, B_VAT sections
 * each with TEXT, or EMAIL when the document has no buyer recorded),
 * SUPPLY (FROM, TO), TAX_NOTE (TEXT), PAYMENT_DETAILS (BANK, IBAN, BIC,
 * PAY_URL sections with TEXT).  On a line's dictionary: LINE_RATE, LINE_TAX.
 */
#ifndef VEP_DOCVIEW_H
#define VEP_DOCVIEW_H

#include <jansson.h>

struct conf;
struct tmpl_dict;

/* fallback_email: the account's e-mail, shown when the document records no buyer. */
void	docview_parties(struct tmpl_dict *d, const json_t *doc, const struct conf *c,
	    const char *fallback_email);
void	docview_line(struct tmpl_dict *line, const json_t *l, const char *cur);

#endif
