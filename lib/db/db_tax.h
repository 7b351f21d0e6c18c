/*
 * db_tax: an account's buyer details and VAT rate (issue 18).  The rate the
 * invoice run uses is accounts.tax_bp; it is chosen at the edges with
 * lib/domain/tax.c and stored here: when the operator sets it (admin screen,
 * API, vepctl) and, for an 'auto' account, after each order.
 */
#ifndef VEP_DB_TAX_H
#define VEP_DB_TAX_H

#include <jansson.h>

#include "tax.h"

struct db;
struct conf;

struct db_tax_account {
	long long		 id;
	char			 email[255];
	struct tax_profile	 p;
	struct tax_choice	 c;	/* as stored */
};

/* The [isp] rules (country, tax_bp, tax_rates) of c into in (borrowed strings; no buyer). */
void	db_tax_rules(const struct conf *c, struct tax_in *in);

/* Account id into *a: 1 found, 0 none, < 0 a db_rc. */
int	db_tax_get(struct db *, long long id, struct db_tax_account *a);

/*
 * Store p and the choice c for account id with an audit row (action
 * "account.tax", actor).  DB_OK, 0 when there is no such account (as
 * BILLING_ENOENT = 1 is not ours: we return 1 for "none"), < 0 a db_rc.
 */
int	db_tax_save(struct db *, long long id, const struct tax_profile *p,
	    const struct tax_choice *c, const char *actor, long long now);

/*
 * For the account of ve_id in 'auto' mode: choose its rate again from its
 * stored country and VAT id over rules and store it.  DB_OK or a db_rc.
 */
int	db_tax_refresh_ve(struct db *, const char *ve_id, const struct tax_in *rules);
/*
 * The same for account id: for a profile changed elsewhere (the customer's
 * own account page), so its country and VAT id choose the rate.  DB_OK
 * (also when there is no such account) or a db_rc.
 */
int	db_tax_refresh_account(struct db *, long long id, const struct tax_in *rules);

/*
 * Accounts for the operator's list: {"accounts":[{id, email, name, company,
 * country, vat_id, tax_mode, tax_bp, tax_scheme}]}, those whose e-mail,
 * name, company or VAT id contain q (NULL: all), newest first, at most
 * limit.  New reference, NULL on a database error.
 */
json_t	*db_tax_list(struct db *, const char *q, long long limit);

/* The account as JSON for the API (the same fields and "address"); new reference or NULL. */
json_t	*db_tax_account_json(const struct db_tax_account *a);

/*
 * Add to a billing document's JSON doc (an invoice, or a credit or debit
 * note of invoice inv) what an EU invoice must carry beyond its numbers:
 * "buyer" {email, name, company, address, country, vat_id} as the invoice
 * run recorded it (the account's e-mail and nothing else for invoices from
 * before 0021), "tax_scheme", "tax_note" (the reverse-charge sentence or ""),
 * "supply_from"/"supply_to" (the invoiced month's first and last day,
 * YYYY-MM-DD), "tax_bp" when missing, and on each line with an
 * "amount_minor" its "tax_bp" and "tax_minor" (tax_of; the document's tax
 * itself is computed once on its subtotal).  0, or -1 on a database error.
 */
int	db_tax_doc(struct db *, json_t *doc, const char *inv);

#endif
