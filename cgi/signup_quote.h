/*
 * The signup's monthly total (issue 18): fee, disk quota above the
 * included GB, tax, total, the usage prices on top, and what happens at a
 * traffic cap, as lib/domain/quote.c rates them with the invoices' code.
 */
#ifndef SIGNUP_QUOTE_H
#define SIGNUP_QUOTE_H

struct conf;
struct order;
struct order_catalog;
struct tmpl_dict;

/*
 * Section TOTAL of d for order o (NULL: a fresh form, the first plan and
 * the preset quota preset_mb) at now: PLAN, FEE, DISK (section, when the
 * quota is above the included GB: GB, AMOUNT), SUBTOTAL, TAX (section: RATE,
 * AMOUNT), TOTAL, USAGE (section: TEXT), CAP (TEXT); or TOTAL_UNKNOWN
 * (TEXT) when the plan or quota is not valid yet.
 */
void	signup_quote(struct tmpl_dict *d, const struct conf *c, const struct order *o,
	    const struct order_catalog *cat, long long preset_mb, long long now);

#endif
