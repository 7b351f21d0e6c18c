/*
 * Fuzz HTTP Basic decoding (issue 17, item 1): any bytes as the value after
 * "Basic ", into small buffers so that a write past them trips ASan; a
 * result must be NUL-terminated inside its buffer and round-trip.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "basic.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), *user = malloc(9), *pw = malloc(17);
	unsigned char *out = malloc(12);
	long n;

	if (in == NULL || user == NULL || pw == NULL || out == NULL)
		abort();
	memcpy(in, data, size);
	in[size] = '\0';
	if (basic_parse(in, size, user, 9, pw, 17) == BASIC_OK) {
		if (strlen(user) > 8 || strlen(pw) > 16)
			abort();
	} else if (user[0] != '\0' || pw[0] != '\0')
		abort();
	/* the bare decoder, exact size, with an output too small for most inputs */
	n = base64_decode_strict(in, size, out, 12);
	if (n > 12 || (n >= 0 && (size % 4 != 0 || (size_t)n > size / 4 * 3)))
		abort();
	free(in);
	free(user);
	free(pw);
	free(out);
	return 0;
}
