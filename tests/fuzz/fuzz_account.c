/*
 * libFuzzer harness for the customer account's rules of untrusted text
 * (lib/domain/account.c): the input split at NUL bytes into the five
 * profile fields, and as a login address.  An accepted profile keeps every
 * field within its length and free of refused characters; an accepted
 * address is in lower case and as long as it came.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "order.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char buf[8192], out[255];
	const char *in[AF__MAX] = { NULL }, *why[AF__MAX];
	struct acct_profile p;
	size_t k = 0, start = 0;

	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, data, len);
	buf[len] = '\0';
	for (size_t i = 0; i <= len && k < AF__MAX; i++)
		if (buf[i] == '\0') {
			in[k++] = buf + start;
			start = i + 1;
		}
	if (acct_profile_check(in, &p, why) == 0) {
		const char *v[AF__MAX] = { p.name, p.company, p.address, p.vat_id, p.phone, p.country };
		for (size_t f = 0; f < AF__MAX; f++)
			if (order_utf8_len(v[f]) > acct_fields[f].max ||
			    !text_ok_str(v[f], f == AF_ADDRESS ? TEXT_MULTILINE : 0))
				abort();
	}
	if (acct_email_norm(buf, out) == 0) {
		if (strlen(out) != strlen(buf))
			abort();
		for (const char *c = out; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				abort();
	}
	return 0;
}
