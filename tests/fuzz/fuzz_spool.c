/*
 * libFuzzer harness of billingd's spool reader: the bytes are a spool
 * file image; every record the framing accepts is decoded as a batch, and
 * a decoded batch is encoded again and must come back byte for byte.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "billingd/batch.h"
#include "billingd/spool.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *rec;
	size_t off = SPOOL_HDR, len;
	char err[128];
	enum spool_rc rc;

	if (spool_check_magic(data, size) != SPOOL_REC)
		off = 0;	/* still walk the bytes as records */
	while ((rc = spool_scan(data, size, &off, &rec, &len)) == SPOOL_REC) {
		struct batch *b = batch_decode(rec, len, err, sizeof(err));
		uint8_t *again;
		size_t n;

		if (off > size)
			abort();
		if (b == NULL)
			continue;
		if ((again = batch_encode(b, &n)) == NULL)
			abort();
		if (n != len || memcmp(again, rec, len) != 0)
			abort();
		free(again);
		batch_free(b);
	}
	/* The decoder alone, on the raw bytes too. */
	batch_free(batch_decode(data, size, err, sizeof(err)));
	(void)rc;
	return 0;
}
