/*
 * Money and micro-unit quantities: see money.h.  Every product goes through
 * a 128-bit integer so a price times a large quantity cannot wrap; a result
 * that does not fit 64 bits is an error the caller reports, never a wrong
 * number on an invoice.
 */
#include <stdio.h>
#include <string.h>

#include "money.h"

/* ISO 4217 currencies whose minor unit is not 2 digits. */
static const struct {
	const char	code[4];
	int		exp;
} exps[] = {
	{ "BHD", 3 }, { "BIF", 0 }, { "CLF", 4 }, { "CLP", 0 }, { "DJF", 0 },
	{ "GNF", 0 }, { "IQD", 3 }, { "ISK", 0 }, { "JOD", 3 }, { "JPY", 0 },
	{ "KMF", 0 }, { "KRW", 0 }, { "KWD", 3 }, { "LYD", 3 }, { "OMR", 3 },
	{ "PYG", 0 }, { "RWF", 0 }, { "TND", 3 }, { "UGX", 0 }, { "UYI", 0 },
	{ "UYW", 4 }, { "VND", 0 }, { "VUV", 0 }, { "XAF", 0 }, { "XOF", 0 },
	{ "XPF", 0 },
};

int
money_exponent(const char *cur)
{
	if (cur == NULL || strlen(cur) != 3 ||
	    strspn(cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
		return -1;
	for (size_t i = 0; i < sizeof(exps) / sizeof(exps[0]); i++)
		if (strcmp(exps[i].code, cur) == 0)
			return exps[i].exp;
	return 2;
}

int
money_muldiv(int64_t a, int64_t b, int64_t d, int64_t *out)
{
	__int128 p, q, r;

	if (d <= 0)
		return -1;
	p = (__int128)a * b;	/* |p| < 2^126: cannot overflow */
	q = p / d;
	r = p % d;		/* same sign as p */
	/* Half-up on the magnitude: a remainder of at least half moves away from zero. */
	if (r > 0 && 2 * r >= d)
		q++;
	else if (r < 0 && -2 * r >= d)
		q--;
	if (q > INT64_MAX || q < INT64_MIN)
		return -1;
	*out = (int64_t)q;
	return 0;
}

int
money_round_micro(int64_t micro, int64_t *minor)
{
	return money_muldiv(micro, 1, MONEY_MICRO, minor);
}

int
money_tax(int64_t subtotal, int64_t bp, int64_t *tax)
{
	if (bp < 0)
		return -1;
	return money_muldiv(subtotal, bp, 10000, tax);
}

/* Unsigned magnitude as "int.frac" with exactly `exp` fraction digits. */
static int
fixed(int64_t v, int exp, char *out, size_t len)
{
	unsigned __int128 m = v < 0 ? (unsigned __int128)(-(__int128)v) : (unsigned __int128)v;
	unsigned long long ip, fp, div = 1;
	int n;

	for (int i = 0; i < exp; i++)
		div *= 10;
	ip = (unsigned long long)(m / div);
	fp = (unsigned long long)(m % div);
	if (exp == 0)
		n = snprintf(out, len, "%s%llu", v < 0 ? "-" : "", ip);
	else
		n = snprintf(out, len, "%s%llu.%0*llu", v < 0 ? "-" : "", ip, exp, fp);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return n;
}

int
money_format(int64_t minor, const char *cur, char *out, size_t len)
{
	int e = money_exponent(cur);

	if (e < 0)
		return -1;
	return fixed(minor, e, out, len);
}

int
money_fixed6(int64_t micro, char *out, size_t len)
{
	return fixed(micro, 6, out, len);
}

int
money_parse(const char *s, const char *cur, int64_t *minor)
{
	int e = money_exponent(cur), neg = 0, frac = -1, digits = 0;
	__int128 acc = 0;

	if (e < 0 || s == NULL)
		return -1;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	for (; *s != '\0'; s++) {
		if (*s == '.') {
			if (frac >= 0 || digits == 0 || e == 0)
				return -1;
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9')
			return -1;
		if (frac >= 0 && ++frac > e)
			return -1;
		acc = acc * 10 + (*s - '0');
		if (acc > (__int128)INT64_MAX)
			return -1;
		digits++;
	}
	if (digits == 0 || frac == 0)
		return -1;
	for (int k = frac < 0 ? 0 : frac; k < e; k++)
		acc *= 10;
	if (acc > (__int128)INT64_MAX)
		return -1;
	*minor = neg ? -(int64_t)acc : (int64_t)acc;
	return 0;
}

enum money_pay
money_pay_check(int64_t amount, int64_t total, int64_t credited, int64_t paid, int64_t *shown)
{
	int64_t open;

	if (__builtin_add_overflow(total, credited, &open) ||
	    __builtin_sub_overflow(open, paid, &open)) {
		*shown = 0;
		return MONEY_PAY_OVER_OPEN;
	}
	*shown = open;
	if (amount > 0 && amount > open)
		return MONEY_PAY_OVER_OPEN;
	*shown = paid;
	if (amount < 0 && (amount == INT64_MIN || -amount > paid))
		return MONEY_PAY_OVER_PAID;
	return MONEY_PAY_OK;
}
