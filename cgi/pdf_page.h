/*
 * A billing document as a PDF answer (SPEC section 10), for the API, the
 * self screen and the admin pages alike: application/pdf, never cached.
 */
#ifndef VEP_CGI_PDF_PAGE_H
#define VEP_CGI_PDF_PAGE_H

struct web;
struct resp;

/*
 * Answer the document number (INV-, CN-, DN-) as PDF; with owner_ve set,
 * a document of another account is 404 like one that does not exist.
 */
void	pdf_page(struct web *, struct resp *, const char *number, const char *owner_ve);

#endif
