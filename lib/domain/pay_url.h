/*
 * The payment provider's checkout link for a document (SPEC section 10):
 * [payments] checkout_url is a template with {number}, {amount_minor},
 * {currency} and {return_url}, each replaced by its value percent-encoded
 * (everything but RFC 3986's unreserved characters).  Used by the self
 * screen's "Pay" and by the mails of unpaid documents.
 */
#ifndef VEP_PAY_URL_H
#define VEP_PAY_URL_H

#include <stddef.h>

/*
 * Fill out with the link: 1, or 0 when the template is empty, nothing is
 * open (amount_minor <= 0) or the link does not fit outlen.
 */
int	pay_url(const char *tmpl, const char *number, long long amount_minor, const char *currency,
	    const char *return_url, char *out, size_t outlen);

#endif
