/*
 * Customer account rules; see account.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "order.h"
#include "text.h"
#include "util.h"

const struct acct_field_def acct_fields[AF__MAX] = {
	[AF_NAME] = { "name", "Name", 128 },
	[AF_COMPANY] = { "company", "Company", 128 },
	[AF_ADDRESS] = { "address", "Postal address", 512 },
	[AF_VAT_ID] = { "vat_id", "VAT id", 20 },
	[AF_PHONE] = { "phone", "Phone", 32 },
	[AF_COUNTRY] = { "country", "Country", 2 },
};

/* s without leading and trailing white space into out (outsz bytes); -1 when it does not fit. */
static int
trim_copy(const char *s, char *out, size_t outsz)
{
	size_t len;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	len = strlen(s);
	while (len > 0 && strchr(" \t\r\n", s[len - 1]) != NULL)
		len--;
	if (len >= outsz)
		return -1;
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

/*
 * A VAT id as the EU writes them: a two-letter country prefix and 2 to 13
 * letters or digits (spaces, dots and dashes as people type them are
 * dropped).  Format only: no online lookup.
 */
static const char *
vat_norm(const char *s, char out[21])
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == ' ' || c == '.' || c == '-')
			continue;
		if (!isascii(c) || !isalnum(c))
			return "A VAT id holds letters and digits only, such as DE123456789.";
		if (n == 20)
			return "A VAT id has at most 15 letters and digits, such as DE123456789.";
		out[n++] = (char)toupper(c);
	}
	out[n] = '\0';
	if (n == 0)
		return NULL;
	if (n > 15)
		return "A VAT id has at most 15 letters and digits, such as DE123456789.";
	if (n < 4 || !isalpha((unsigned char)out[0]) || !isalpha((unsigned char)out[1]))
		return "A VAT id starts with its country's two letters, then 2 to 13 letters or digits, "
		    "such as DE123456789.";
	return NULL;
}

/* A phone number: +, digits, spaces and ( ) - / . with 5 to 20 digits. */
static const char *
phone_why(const char *s)
{
	size_t digits = 0;

	if (*s == '\0')
		return NULL;
	for (const char *p = s; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (strchr(" ()-/.", *p) == NULL && !(*p == '+' && p == s))
			return "A phone number holds digits, spaces and + ( ) - / . only, such as "
			    "+49 30 1234567.";
	}
	if (digits < 5 || digits > 20)
		return "A phone number has 5 to 20 digits, such as +49 30 1234567.";
	return NULL;
}

/* A country as ISO 3166-1 two letters, in capitals ("" allowed: not given). */
static const char *
country_norm(char c[3])
{
	if (c[0] == '\0')
		return NULL;
	if (!isascii((unsigned char)c[0]) || !isalpha((unsigned char)c[0]) ||
	    !isascii((unsigned char)c[1]) || !isalpha((unsigned char)c[1]))
		return "The country is its two letters, such as DE.";
	c[0] = (char)toupper((unsigned char)c[0]);
	c[1] = (char)toupper((unsigned char)c[1]);
	return NULL;
}

static const char *const too_long[AF__MAX] = {
	[AF_NAME] = "Name may be at most 128 characters long.",
	[AF_COMPANY] = "Company may be at most 128 characters long.",
	[AF_ADDRESS] = "Postal address may be at most 512 characters long.",
	[AF_VAT_ID] = "VAT id may be at most 20 characters long.",
	[AF_PHONE] = "Phone may be at most 32 characters long.",
	[AF_COUNTRY] = "The country is its two letters, such as DE.",
};

int
acct_profile_check(const char *const in[AF__MAX], struct acct_profile *p, const char *why[AF__MAX])
{
	char *dst[AF__MAX] = { p->name, p->company, p->address, NULL, p->phone, p->country };
	size_t dsz[AF__MAX] = { sizeof(p->name), sizeof(p->company), sizeof(p->address), 0,
	    sizeof(p->phone), sizeof(p->country) };
	char vat[4 * 20 + 1];
	int bad = 0;

	memset(p, 0, sizeof(*p));
	for (size_t k = 0; k < AF__MAX; k++) {
		const char *s = in[k] != NULL ? in[k] : "";
		char *d = dst[k] != NULL ? dst[k] : vat;
		size_t dz = dst[k] != NULL ? dsz[k] : sizeof(vat);

		why[k] = NULL;
		if (!text_ok_str(s, k == AF_ADDRESS ? TEXT_MULTILINE : 0))
			why[k] = "Control characters and text-direction overrides are not allowed here.";
		else if (trim_copy(s, d, dz) == -1 || order_utf8_len(d) > acct_fields[k].max)
			why[k] = too_long[k];
		else if (k == AF_VAT_ID)
			why[k] = vat_norm(vat, p->vat_id);
		else if (k == AF_PHONE)
			why[k] = phone_why(p->phone);
		else if (k == AF_COUNTRY)
			why[k] = country_norm(p->country);
		if (why[k] != NULL)
			bad++;
	}
	return bad;
}

int
acct_email_norm(const char *s, char out[255])
{
	size_t len;

	if (s == NULL || (len = strlen(s)) > 254 || !order_email_valid(s))
		return -1;
	for (size_t i = 0; i <= len; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	return 0;
}

const char *
acct_password_why(const char *pw)
{
	size_t len;

	if (pw == NULL || *pw == '\0')
		return "Choose a password of 12 to 128 characters.";
	len = order_utf8_len(pw);
	if (len < 12 || len > 128)
		return "The password must be 12 to 128 characters long.";
	return NULL;
}

void
acct_throttle_subject(const char *email_norm, char out[65])
{
	char hex[65];

	if (strlen(email_norm) <= 59) {
		snprintf(out, 65, "acct:%s", email_norm);
		return;
	}
	vep_sha256_hex(email_norm, strlen(email_norm), hex);
	snprintf(out, 65, "acct:%.59s", hex);
}
