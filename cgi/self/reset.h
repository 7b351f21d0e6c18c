/*
 * The self screen's PDF documents, password reset and "Pay" link
 * (cgi/self/reset.c; SPEC section 10).
 */
#ifndef VEP_CGI_SELF_RESET_H
#define VEP_CGI_SELF_RESET_H

#include <stddef.h>

struct conf;
struct web;
struct req;
struct resp;

void	self_invoice_pdf(struct web *, struct req *, struct resp *, char caps[][80]);
void	self_forgot_form(struct web *, struct req *, struct resp *, char caps[][80]);
void	self_forgot(struct web *, struct req *, struct resp *, char caps[][80]);
void	self_reset_form(struct web *, struct req *, struct resp *, char caps[][80]);
void	self_reset(struct web *, struct req *, struct resp *, char caps[][80]);

/*
 * The provider's checkout URL for a document from [payments] checkout_url
 * ({number}, {amount_minor}, {currency}, {return_url}, each URL-encoded):
 * 1 with out filled, 0 when no checkout is configured or nothing is open.
 */
int	self_pay_url(const struct conf *, const char *number, long long amount_minor,
	    const char *currency, char *out, size_t outlen);

/* The "PAY" section (URL, AMOUNT) of a document page when something is open. */
struct tmpl_dict;
#include <jansson.h>
void	self_pay_section(const struct conf *, struct tmpl_dict *, const json_t *doc);

#endif
