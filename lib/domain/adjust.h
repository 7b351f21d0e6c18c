/*
 * adjust: what usage that arrives after its month was invoiced changes, as
 * pure functions (no SQL, no clock) so every rule has a table test.
 * lib/db/db_adjust.c loads the inputs and issues the notes.  The rules:
 *
 *  - Per VE and resource, "billed" is the invoice's rated lines (fee,
 *    usage, overage) plus the lines of the earlier late notes of that
 *    month; "now" is the month rated again (lib/domain/rating.c, as the invoice
 *    run rates it).  Amounts are sums of lines already rounded to minor
 *    units, so their difference is exact; a difference other than 0 is a
 *    note line.  Quantities (micro-units; usage + overage over every price
 *    version) are shown before and after, so the customer sees why.
 *  - Lines that add go on a debit note, lines that take away on a credit
 *    note: each document has lines of one sign.
 *  - Tax at the invoice's rate, so that the invoice and all its late notes
 *    add up to the rating of the final usage with the tax taken once on its
 *    subtotal, to the minor unit: with S and T the subtotal and tax billed
 *    so far (T = tax(S)), P and N the sums of the positive and negative
 *    lines, the debit note's tax is tax(S + P) - T and the credit note's
 *    tax(S + P + N) - tax(S + P).  Tax rounds half-up monotonically, so the
 *    debit note's tax is >= 0 and the credit note's <= 0.
 */
#ifndef VEP_ADJUST_H
#define VEP_ADJUST_H

#include <stddef.h>
#include <stdint.h>

#include "rating.h"

/* One VE and resource of a month: billed so far and rated now. */
struct adj_item {
	char		 ve[9];
	enum rate_res	 res;
	int64_t		 qty_billed, amount_billed;	/* micro-units, minor units */
	int64_t		 qty_now, amount_now;
};

/* One note's totals; nlines items have a difference of its sign. */
struct adj_doc {
	int64_t		 sub, tax, total;
	size_t		 nlines;
};

/*
 * Add rated lines into per-resource quantity and amount sums (qty[] and
 * amount[] are added to, not cleared); *seen gets bit 1 << res of each
 * resource that has a line.  Lines of kind credit are not rated usage and
 * are skipped.  RATE_OK or RATE_EOVERFLOW.
 */
int	adjust_sum_lines(const struct rate_line *, size_t n, int64_t qty[RR__MAX],
	    int64_t amount[RR__MAX], unsigned *seen);

/*
 * The amount difference of one item (now - billed) into *d.  RATE_OK or
 * RATE_EOVERFLOW.
 */
int	adjust_diff(const struct adj_item *, int64_t *d);

/*
 * The debit note (*dn) and credit note (*cn) items[0..n) call for, given
 * the subtotal and tax billed so far and the invoice's tax in basis points.
 * A document with nlines 0 is not issued (its totals are 0).  RATE_OK,
 * RATE_EOVERFLOW, or RATE_EINVAL when tax_bp < 0 or billed_tax is not the
 * tax of billed_sub (stored data inconsistent: nothing should be issued).
 */
int	adjust_compute(const struct adj_item *, size_t n, int64_t billed_sub,
	    int64_t billed_tax, int64_t tax_bp, struct adj_doc *dn, struct adj_doc *cn);

/*
 * A micro-unit quantity as a short decimal: 3200000 is "3.2", 1 is
 * "0.000001", -1500000 "-1.5", 0 "0"; with sign set, positive numbers get a
 * "+".  Returns the length or -1 when out is too small.
 */
int	adjust_qty(int64_t micro, int sign, char *out, size_t len);

/*
 * The reason of a note for period "YYYY-MM" (debit 1: the items whose
 * difference is positive; 0: negative), at most len - 1 bytes (len >= 64):
 * "usage for 2026-10 received after invoicing: +3.2 GB traffic out" or
 * "usage for 2026-10 corrected after invoicing: -1.5 GB traffic in",
 * quantities summed per resource over the VEs; phrases that do not fit end
 * in " and more".  Returns the length.
 */
size_t	adjust_reason(const char *period, int debit, const struct adj_item *, size_t n,
	    char *out, size_t len);

/*
 * One line's description: "traffic out: invoiced 10.000000 GB, now
 * 13.200000 GB".  Returns the length or -1.
 */
int	adjust_describe(const struct adj_item *, char *out, size_t len);

#endif
