/*
 * VAT rate and scheme of an account; see tax.h.  The VAT id patterns
 * follow the European Commission's VIES format table: '#' a digit, '@' a
 * letter, '?' a digit or letter, anything else itself; '|' separates
 * alternatives.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_rules.h"
#include "money.h"
#include "tax.h"
#include "text.h"
#include "util.h"

static const struct {
	const char	*prefix, *country, *pattern;
} eu[] = {
	{ "AT", "AT", "U########" },
	{ "BE", "BE", "0#########|1#########" },
	{ "BG", "BG", "#########|##########" },
	{ "CY", "CY", "########@" },
	{ "CZ", "CZ", "########|#########|##########" },
	{ "DE", "DE", "#########" },
	{ "DK", "DK", "########" },
	{ "EE", "EE", "#########" },
	{ "EL", "GR", "#########" },
	{ "ES", "ES", "?#######?" },
	{ "FI", "FI", "########" },
	{ "FR", "FR", "??#########" },
	{ "HR", "HR", "###########" },
	{ "HU", "HU", "########" },
	{ "IE", "IE", "#?#####@|#######@@|#######@" },
	{ "IT", "IT", "###########" },
	{ "LT", "LT", "#########|############" },
	{ "LU", "LU", "########" },
	{ "LV", "LV", "###########" },
	{ "MT", "MT", "########" },
	{ "NL", "NL", "#########B##" },
	{ "PL", "PL", "##########" },
	{ "PT", "PT", "#########" },
	{ "RO", "RO", "##|###|####|#####|######|#######|########|#########|##########" },
	{ "SE", "SE", "##########01" },
	{ "SI", "SI", "########" },
	{ "SK", "SK", "##########" },
};

/* Does s match one alternative of pat exactly? */
static int
matches(const char *s, const char *pat)
{
	for (const char *alt = pat; alt != NULL; alt = strchr(alt, '|') ? strchr(alt, '|') + 1 : NULL) {
		const char *p = alt, *t = s;
		for (; *p != '\0' && *p != '|' && *t != '\0'; p++, t++) {
			int ok = *p == '#' ? isdigit((unsigned char)*t) :
			    *p == '@' ? isupper((unsigned char)*t) :
			    *p == '?' ? isdigit((unsigned char)*t) || isupper((unsigned char)*t) :
			    *p == *t;
			if (!ok)
				break;
		}
		if ((*p == '\0' || *p == '|') && *t == '\0')
			return 1;
	}
	return 0;
}

int
tax_vatid_norm(const char *in, char out[TAX_VATID_MAX + 1])
{
	size_t n = 0;

	out[0] = '\0';
	for (; *in != '\0'; in++) {
		unsigned char c = (unsigned char)*in;
		if (c == ' ' || c == '.' || c == '-')
			continue;
		if (!isalnum(c) || c > 127 || n == TAX_VATID_MAX) {
			out[0] = '\0';
			return TAX_EVATID;
		}
		out[n++] = (char)toupper(c);
	}
	out[n] = '\0';
	if (n < 4)
		goto bad;
	for (size_t i = 0; i < nitems(eu); i++)
		if (strncmp(out, eu[i].prefix, 2) == 0) {
			if (matches(out + 2, eu[i].pattern))
				return TAX_OK;
			break;
		}
bad:
	out[0] = '\0';
	return TAX_EVATID;
}

void
tax_vatid_country(const char *vatid, char cc[3])
{
	cc[0] = '\0';
	for (size_t i = 0; i < nitems(eu); i++)
		if (strncmp(vatid, eu[i].prefix, 2) == 0) {
			memcpy(cc, eu[i].country, 3);
			return;
		}
}

int
tax_is_eu(const char *cc)
{
	for (size_t i = 0; i < nitems(eu); i++)
		if (strcmp(cc, eu[i].country) == 0)
			return 1;
	return 0;
}

int
tax_country_valid(const char *cc)
{
	return strlen(cc) == 2 && isupper((unsigned char)cc[0]) && isupper((unsigned char)cc[1]) &&
	    (unsigned char)cc[0] < 128 && (unsigned char)cc[1] < 128;
}

int
tax_rates_lookup(const char *list, const char *cc, long long *bp)
{
	const char *p = list;
	int found = 0;

	while (*p == ' ')
		p++;
	if (*p == '\0')
		return 0;
	for (;;) {
		char c2[3], *end;
		long long v;

		while (*p == ' ')
			p++;
		if (!isupper((unsigned char)p[0]) || !isupper((unsigned char)p[1]) || p[2] != ':' ||
		    !isdigit((unsigned char)p[3]))
			return TAX_ERATES;
		memcpy(c2, p, 2);
		c2[2] = '\0';
		v = strtoll(p + 3, &end, 10);
		if (v < 0 || v > TAX_MAX_BP || end - (p + 3) > 5)
			return TAX_ERATES;
		if (!found && strcmp(c2, cc) == 0) {
			*bp = v;
			found = 1;
		}
		p = end;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return found;
		if (*p++ != ',')
			return TAX_ERATES;
	}
}

int
tax_decide(const struct tax_in *in, struct tax_choice *out)
{
	char cc[3] = "";
	const char *country = in->buyer_country;
	long long bp;
	int rc;

	if (in->buyer_vatid[0] != '\0') {
		tax_vatid_country(in->buyer_vatid, cc);
		/* Another EU state's business: the buyer accounts for the VAT. */
		if (cc[0] != '\0' && strcmp(cc, in->seller_country) != 0) {
			out->bp = 0;
			out->scheme = TAX_REVERSE_CHARGE;
			return TAX_OK;
		}
		if (country[0] == '\0')
			country = cc;
	}
	out->scheme = TAX_STANDARD;
	out->bp = in->default_bp;
	if ((rc = tax_rates_lookup(in->rates, country, &bp)) < 0)
		return rc;
	if (rc == 1)
		out->bp = bp;
	return TAX_OK;
}

static const char *const schemes[TAX__MAX] = { "standard", "reverse_charge" };

const char *
tax_scheme_name(enum tax_scheme s)
{
	return (unsigned)s < TAX__MAX ? schemes[s] : NULL;
}

int
tax_scheme_parse(const char *s)
{
	return vep_lookup(s, schemes, TAX__MAX, sizeof(schemes[0]));
}

const char *
tax_scheme_note(enum tax_scheme s)
{
	return s == TAX_REVERSE_CHARGE ? "Reverse charge: VAT to be accounted for by the recipient "
	    "(Article 196, Council Directive 2006/112/EC)." : "";
}

long long
tax_of(long long a, long long bp)
{
	int64_t t = 0;

	(void)money_tax(a, bp, &t);	/* the rounding of the document's own tax */
	return t;
}

static const char *const keys[TK__MAX] = { "name", "company", "address", "country", "vat_id",
    "tax_bp" };

int
tax_key_parse(const char *s)
{
	return vep_lookup(s, keys, TK__MAX, sizeof(keys[0]));
}

int
tax_profile_set(struct tax_profile *p, enum tax_key k, const char *v, const char **why)
{
	char *end;
	long long bp;

	switch (k) {
	case TK_NAME:
	case TK_COMPANY:
		if (!admin_text_valid(v, 128, 0) || !text_ok_str(v, 0)) {
			*why = "at most 128 characters on one line";
			return -1;
		}
		snprintf(k == TK_NAME ? p->name : p->company, sizeof(p->name), "%s", v);
		return 0;
	case TK_ADDRESS:
		if (!admin_text_valid(v, 512, 1) || !text_ok_str(v, TEXT_MULTILINE)) {
			*why = "at most 512 characters";
			return -1;
		}
		snprintf(p->address, sizeof(p->address), "%s", v);
		return 0;
	case TK_COUNTRY:
		if (v[0] != '\0' && (strlen(v) != 2 || !isalpha((unsigned char)v[0]) ||
		    !isalpha((unsigned char)v[1]))) {
			*why = "a two-letter country code (ISO 3166) such as DE, or empty";
			return -1;
		}
		p->country[0] = (char)toupper((unsigned char)v[0]);
		p->country[1] = v[0] ? (char)toupper((unsigned char)v[1]) : '\0';
		p->country[2] = '\0';
		return 0;
	case TK_VAT_ID:
		if (v[0] == '\0') {
			p->vat_id[0] = '\0';
			return 0;
		}
		if (tax_vatid_norm(v, p->vat_id) != TAX_OK) {
			*why = "not the form of an EU VAT id: two letters of the state, then its digits "
			    "(such as DE123456789), or empty";
			return -1;
		}
		return 0;
	case TK_TAX_BP:
		if (strcmp(v, "auto") == 0) {
			p->manual = 0;
			p->bp = 0;
			return 0;
		}
		if (!isdigit((unsigned char)v[0]) || strlen(v) > 5 ||
		    (bp = strtoll(v, &end, 10)) > TAX_MAX_BP || *end != '\0') {
			*why = "auto, or a rate in basis points from 0 to 10000 (1900 = 19 %)";
			return -1;
		}
		p->manual = 1;
		p->bp = bp;
		return 0;
	default:
		*why = "unknown field";
		return -1;
	}
}

int
tax_profile_choice(const struct tax_profile *p, const struct tax_in *rules, struct tax_choice *out)
{
	struct tax_in in = *rules;

	if (p->manual) {
		out->bp = p->bp;
		out->scheme = TAX_STANDARD;
		return TAX_OK;
	}
	in.buyer_country = p->country;
	in.buyer_vatid = p->vat_id;
	return tax_decide(&in, out);
}
