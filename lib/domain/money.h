/*
 * Money and exact quantities without floating point.  Amounts are integers
 * of the currency's minor unit (cents, yen, fils); rating keeps quantities
 * in micro-units (10^-6 of a unit) and rounds once per invoice line.
 * Rounding is "half-up" on the magnitude: x.5 goes away from zero, so a
 * credit of -0.5 cents rounds to -1 cent exactly as a charge of 0.5 rounds
 * to 1 (a credit note mirrors the line it corrects).
 */
#ifndef VEP_MONEY_H
#define VEP_MONEY_H

#include <stddef.h>
#include <stdint.h>

#define MONEY_MICRO	1000000LL	/* micro-units per unit */

/*
 * Digits of the minor unit of an ISO 4217 code: 0 (JPY, KRW, ...), 2
 * (EUR, USD, ...), 3 (BHD, KWD, JOD, OMR, TND, IQD, LYD), 4 (CLF, UYW).
 * Returns -1 for a string that is not three upper-case letters; codes we
 * do not list are taken as 2 (the common case).
 */
int	money_exponent(const char *currency);

/*
 * round_half_up(a * b / d) with a 128-bit product: the exact rational,
 * rounded once.  d must be > 0.  Returns 0 with *out set, or -1 when the
 * result does not fit in 64 bits (never wraps).
 */
int	money_muldiv(int64_t a, int64_t b, int64_t d, int64_t *out);

/* micro (10^-6 minor units) to minor units, half-up; 0 or -1 (never fails today). */
int	money_round_micro(int64_t micro, int64_t *minor);

/* Tax in basis points on a subtotal, rounded half-up once.  0 or -1 (overflow). */
int	money_tax(int64_t subtotal_minor, int64_t tax_bp, int64_t *tax_minor);

/*
 * Format minor units with the currency's exponent: 123456 EUR is
 * "1234.56", -5 EUR "-0.05", 1234 JPY "1234", 1234 KWD "1.234".  Writes at
 * most len bytes; returns the length, or -1 (bad currency or too small).
 */
int	money_format(int64_t minor, const char *currency, char *out, size_t len);

/*
 * Parse a decimal amount ("12.34", "-0.05", "1234" for JPY) into minor
 * units: no more fraction digits than the exponent, no exponent notation.
 * 0 or -1.
 */
int	money_parse(const char *s, const char *currency, int64_t *minor);

/*
 * A micro-unit quantity as a decimal with exactly six fraction digits:
 * 12345678 is "12.345678", -1 is "-0.000001".  Returns the length or -1.
 */
int	money_fixed6(int64_t micro, char *out, size_t len);

/* What money_pay_check says of a payment. */
enum money_pay {
	MONEY_PAY_OK,
	MONEY_PAY_OVER_OPEN,	/* a payment of more than is open */
	MONEY_PAY_OVER_PAID,	/* a reversal of more than was paid */
};

/*
 * May amount (> 0 a payment, < 0 a reversal, never 0) be recorded on a
 * document of total with credited (<= 0) and paid so far?  *shown is the
 * figure a refusal names: the open amount, or what was paid.  Sums that
 * overflow are refused as over the open amount.
 */
enum money_pay	money_pay_check(int64_t amount, int64_t total, int64_t credited, int64_t paid,
		    int64_t *shown);

#endif
