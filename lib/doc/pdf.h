/*
 * Billing documents as PDF (SPEC section 10): an invoice, credit note or
 * debit note, from the same JSON the API answers, laid out on A4 with
 * pango (text shaping, any script the fonts cover) on a cairo PDF surface.
 * Taking the API's JSON is the point: every number printed is the
 * document's own, formatted from its minor units by money_format(), so the
 * PDF cannot disagree with the JSON.
 */
#ifndef VEP_DOC_PDF_H
#define VEP_DOC_PDF_H

#include <stddef.h>

#include <jansson.h>

struct buf;

/* Who issues and who receives the document; strings borrowed, NULL = none. */
struct doc_parties {
	const char	*isp_name;
	const char	*isp_address;	/* may hold newlines */
	const char	*isp_vat_id;
	const char	*customer;	/* the account's e-mail: when the document has no "buyer" */
	/* Payment details ([isp] bank, iban, bic) and where to pay online; NULL or "" = none. */
	const char	*bank, *iban, *bic;
	const char	*pay_url;
};

struct conf;

/*
 * The parties of c ([isp] name, address, vat_id, bank, iban, bic; "Pay
 * online" at [isp] public_url/self when [payments] checkout_url is set,
 * written into urlbuf) with customer; strings borrowed from c and urlbuf.
 */
void	doc_parties_conf(const struct conf *c, const char *customer, char *urlbuf, size_t urllen,
	    struct doc_parties *out);

enum doc_pdf_err {
	DOC_PDF_OK = 0,
	DOC_PDF_EINPUT,		/* the JSON lacks number, currency or totals */
	DOC_PDF_ERENDER,	/* cairo or pango failed (out of memory) */
};

/*
 * Render doc (with "number", "currency", "lines", "subtotal_minor",
 * "tax_minor", "total_minor"; optional "period", "issued_at", "due_at",
 * "reason", and db_tax_doc's "buyer", "supply_from", "supply_to", "tax_bp",
 * "tax_note" and each line's "tax_bp" and "tax_minor") as a PDF appended
 * to out: seller and buyer with their VAT ids, issue, supply and due
 * dates, each line's net amount, tax rate and tax, the totals, the
 * reverse-charge note and the payment details.  title is "Invoice", "Credit note"
 * or "Debit note".
 */
enum doc_pdf_err doc_pdf(const json_t *doc, const char *title, const struct doc_parties *,
		    struct buf *out);

#endif
