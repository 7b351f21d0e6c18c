/*
 * libFuzzer harness for the VAT rules' parsers of untrusted text: VAT ids
 * (tax_vatid_norm) and the rates list (tax_rates_lookup).  Any bytes give a
 * refusal with an empty result, or a normalised id that normalises to
 * itself and names an EU state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tax.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char s[128], out[TAX_VATID_MAX + 1], again[TAX_VATID_MAX + 1], cc[3];
	long long bp = -1;
	int rc;

	if (len >= sizeof(s))
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	if (tax_vatid_norm(s, out) == TAX_OK) {
		if (tax_vatid_norm(out, again) != TAX_OK || strcmp(out, again) != 0)
			abort();
		tax_vatid_country(out, cc);
		if (!tax_is_eu(cc))
			abort();
	} else if (out[0] != '\0')
		abort();
	rc = tax_rates_lookup(s, "DE", &bp);
	if (rc == 1 && (bp < 0 || bp > TAX_MAX_BP))
		abort();
	return 0;
}
