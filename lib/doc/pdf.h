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
	const char	*customer;	/* the account's e-mail or name */
};

enum doc_pdf_err {
	DOC_PDF_OK = 0,
	DOC_PDF_EINPUT,		/* the JSON lacks number, currency or totals */
	DOC_PDF_ERENDER,	/* cairo or pango failed (out of memory) */
};

/*
 * Render doc (with "number", "currency", "lines", "subtotal_minor",
 * "tax_minor", "total_minor"; optional "period", "issued_at", "due_at",
 * "reason") as a PDF appended to out.  title is "Invoice", "Credit note"
 * or "Debit note".
 */
enum doc_pdf_err doc_pdf(const json_t *doc, const char *title, const struct doc_parties *,
		    struct buf *out);

#endif
