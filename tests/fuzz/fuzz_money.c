/*
 * libFuzzer harness for billing's parsers of untrusted text: amounts
 * (money_parse, for each minor-unit exponent) and periods
 * (rate_period_parse).  Any bytes give a refusal or a value that formats
 * back to the same amount / a month whose bounds contain it; the 128-bit
 * helpers never wrap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "rating.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const cur[] = { "EUR", "JPY", "KWD", "CLF" };
	char s[64], b[64];
	int64_t v, w, x[3] = { 0, 0, 0 };
	int y, m;

	if (len >= sizeof(s))
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	for (size_t i = 0; i < sizeof(cur) / sizeof(cur[0]); i++) {
		if (money_parse(s, cur[i], &v) == -1)
			continue;
		if (money_format(v, cur[i], b, sizeof(b)) < 0 || money_parse(b, cur[i], &w) == -1 || w != v)
			abort();
	}
	if (rate_period_parse(s, &y, &m) == 0) {
		int64_t from, to;
		int y2, m2;
		rate_month_bounds(y, m, &from, &to);
		rate_month_of(from, &y2, &m2);
		if (to - from < 28 * 86400 || to - from > 31 * 86400 || y2 != y || m2 != m)
			abort();
	}
	memcpy(x, data, len < sizeof(x) ? len : sizeof(x));
	if (x[2] > 0 && money_muldiv(x[0], x[1], x[2], &v) == 0) {
		/* the result is within half of the exact quotient */
		__int128 p = (__int128)x[0] * x[1], d = (__int128)v * x[2] - p;
		if (d < 0)
			d = -d;
		if (2 * d > x[2])
			abort();
	}
	return 0;
}
