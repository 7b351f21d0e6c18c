/*
 * The rules of a customer account (issue 18): its login e-mail, its
 * password, and its profile (name, postal address, company, VAT id,
 * phone, country).  Pure: no database, no web.  Every free-text field keeps to
 * lib/domain/text.h's rule (no control or bidi characters; the postal
 * address may hold line breaks).
 */
#ifndef VEP_ACCOUNT_H
#define VEP_ACCOUNT_H

#include <stddef.h>

enum acct_field { AF_NAME, AF_COMPANY, AF_ADDRESS, AF_VAT_ID, AF_PHONE, AF_COUNTRY, AF__MAX };

/* Each profile field: its form name, label and longest length in characters. */
struct acct_field_def {
	const char	*name;
	const char	*label;
	size_t		 max;
};
extern const struct acct_field_def acct_fields[AF__MAX];

/* A profile as accepted: each field normalised (trimmed; the VAT id in capitals without spaces). */
struct acct_profile {
	char	name[4 * 128 + 1];
	char	company[4 * 128 + 1];
	char	address[4 * 512 + 1];
	char	vat_id[21];
	char	phone[33];
	char	country[3];		/* ISO 3166-1 alpha-2 in capitals, "" when not given */
};

/*
 * Check the raw field values in[AF__MAX] (NULL: empty) into p.  Returns
 * the number refused; why[k] is a sentence for each refused field (NULL
 * for the good ones).
 */
int	acct_profile_check(const char *const in[AF__MAX], struct acct_profile *p,
	    const char *why[AF__MAX]);

/*
 * A login e-mail address: valid as an order's (order_email_valid), then
 * in lower case into out (255 bytes).  0, or -1 when it is not an address.
 */
int	acct_email_norm(const char *s, char out[255]);

/* NULL when pw is an acceptable new password (12 to 128 characters), else why not. */
const char *acct_password_why(const char *pw);

/*
 * The name failed logins of an account are counted under (login_failures
 * subject, at most 64 bytes): "acct:" and the normalised address when it
 * fits, else "acct:" and the first 59 hex digits of its SHA-256.
 */
void	acct_throttle_subject(const char *email_norm, char out[65]);

#endif
