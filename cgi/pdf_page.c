/*
 * Billing documents as PDF answers; see pdf_page.h.  The document is the
 * API's JSON (db_doc_json), rendered by lib/doc's doc_pdf, so the PDF's
 * numbers are the JSON's.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "conf.h"
#include "db_bill.h"
#include "db_mail.h"
#include "pdf.h"
#include "pdf_page.h"
#include "web.h"

/* INV-2026-000001, CN-..., DN-...: letters, digits and '-', at most 24. */
static int
number_ok(const char *s)
{
	size_t n = strlen(s);
	return n > 3 && n <= 24 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

void
pdf_page(struct web *w, struct resp *r, const char *number, const char *owner_ve)
{
	const char *title = "";
	char disp[80];
	json_t *j;
	int rc;

	r->private_page = 1;
	if (!number_ok(number)) {
		web_error(w, r, 404, "There is no such document.");
		return;
	}
	if (web_db(w, r) == NULL)
		return;
	if ((j = db_doc_json(w->db, number, owner_ve, w->now, &title, &rc)) == NULL) {
		web_error(w, r, rc == BILLING_ENOENT ? 404 : 503, rc == BILLING_ENOENT ?
		    "There is no such document." : "The service is briefly unavailable.");
		return;
	}
	char customer[255] = "";
	(void)db_doc_customer(w->db, number, customer, sizeof(customer));
	char url[320];
	struct doc_parties pa;
	doc_parties_conf(w->conf, customer[0] ? customer : NULL, url, sizeof(url), &pa);
	buf_reset(&r->body);
	if (doc_pdf(j, title, &pa, &r->body) != DOC_PDF_OK) {
		json_decref(j);
		buf_reset(&r->body);
		web_error(w, r, 500, "The document cannot be rendered; the operator has been told.");
		return;
	}
	json_decref(j);
	r->status = 200;
	r->ctype = "application/pdf";
	snprintf(disp, sizeof(disp), "inline; filename=\"%s.pdf\"", number);
	resp_header(r, "Content-Disposition", disp);
}
