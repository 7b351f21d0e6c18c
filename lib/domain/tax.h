/*
 * tax: which VAT rate an account's invoices carry (issue 18), as pure
 * rules the operator's screens, API, vepctl and the order path share.
 *
 *  - A VAT id is checked for its shape only (no online lookup): the two
 *    letters of an EU member state (Greece writes EL), then that state's
 *    pattern of digits and letters.  Spaces, dots and dashes are dropped
 *    and letters upper-cased first.
 *  - Reverse charge: a valid-looking VAT id of an EU state other than the
 *    seller's gives rate 0 with scheme TAX_REVERSE_CHARGE (the buyer
 *    accounts for the VAT, Art. 196 of Directive 2006/112/EC).
 *  - Otherwise the rate of the buyer's country from the [isp] tax_rates list
 *    ("DE:1900,AT:2000", basis points), else [isp] tax_bp.
 *  - An operator's fixed rate (manual) wins over both.
 */
#ifndef VEP_TAX_H
#define VEP_TAX_H

#include <stddef.h>

enum tax_scheme { TAX_STANDARD = 0, TAX_REVERSE_CHARGE, TAX__MAX };

enum tax_err {
	TAX_OK = 0,
	TAX_EVATID = -1,	/* not the shape of an EU VAT id */
	TAX_ECOUNTRY = -2,	/* not two upper-case letters */
	TAX_ERATES = -3,	/* the [isp] tax_rates list is malformed */
};

#define TAX_MAX_BP	10000	/* 100 % */
#define TAX_VATID_MAX	16	/* with the country prefix, normalised */

/*
 * Normalise a VAT id into out[TAX_VATID_MAX + 1] and check its shape;
 * TAX_OK or TAX_EVATID.  The empty string is TAX_EVATID (callers treat "no
 * VAT id" before calling).
 */
int	tax_vatid_norm(const char *in, char out[TAX_VATID_MAX + 1]);
/* The ISO 3166 country of a normalised VAT id ("EL" -> "GR") into cc[3]. */
void	tax_vatid_country(const char *vatid, char cc[3]);
/* Whether cc ("DE") is an EU member state. */
int	tax_is_eu(const char *cc);
/* Two upper-case letters: 1, else 0. */
int	tax_country_valid(const char *cc);

/*
 * The rate of country cc in list ("DE:1900,AT:2000"; empty: none) into
 * *bp; 1 found, 0 not listed, TAX_ERATES for a malformed list.
 */
int	tax_rates_lookup(const char *list, const char *cc, long long *bp);

struct tax_in {
	const char	*seller_country;	/* [isp] country; "" unknown */
	long long	 default_bp;		/* [isp] tax_bp */
	const char	*rates;			/* [isp] tax_rates */
	const char	*buyer_country;		/* "" unknown */
	const char	*buyer_vatid;		/* normalised, "" none */
};

struct tax_choice {
	long long	 bp;
	enum tax_scheme	 scheme;
};

/* The automatic rate for a buyer; TAX_OK or TAX_ERATES. */
int	tax_decide(const struct tax_in *, struct tax_choice *);

/* "standard", "reverse_charge"; NULL out of range.  parse: the enum or -1. */
const char *tax_scheme_name(enum tax_scheme);
int	tax_scheme_parse(const char *);
/* The sentence an invoice prints for a scheme ("" for standard). */
const char *tax_scheme_note(enum tax_scheme);

/*
 * One line's tax for display: amount x bp / 10000 rounded as money_tax.
 * (The document's tax is computed once on the subtotal: rate_totals.)
 */
long long tax_of(long long amount_minor, long long bp);

/*
 * An account's buyer details and tax choice as the operator sets them
 * (admin screen, API, vepctl: the same keys everywhere).
 */
struct tax_profile {
	char		 name[513], company[513], address[2049];	/* UTF-8: 4 bytes a character */
	char		 country[3];			/* "" unknown */
	char		 vat_id[TAX_VATID_MAX + 1];	/* normalised, "" none */
	int		 manual;			/* bp fixed by the operator */
	long long	 bp;				/* with manual */
};

enum tax_key { TK_NAME, TK_COMPANY, TK_ADDRESS, TK_COUNTRY, TK_VAT_ID, TK_TAX_BP, TK__MAX };

/* The enum of "name", "company", "address", "country", "vat_id" or "tax_bp"; -1 for others. */
int	tax_key_parse(const char *);

/*
 * Set field k of p from the untrusted text v: name and company at most 128
 * characters of one line, address at most 512 (newlines allowed), country
 * two letters (upper-cased) or "", vat_id as tax_vatid_norm or "", tax_bp
 * "auto" or a whole number 0..10000.  0, or -1 with a sentence in *why.
 */
int	tax_profile_set(struct tax_profile *p, enum tax_key k, const char *v, const char **why);

/*
 * The rate and scheme of p: the operator's with manual (standard scheme),
 * else tax_decide with p's country and VAT id over rules (its buyer
 * fields are ignored).  TAX_OK or TAX_ERATES.
 */
int	tax_profile_choice(const struct tax_profile *p, const struct tax_in *rules,
	    struct tax_choice *out);

#endif
