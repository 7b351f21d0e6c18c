/* fuzz-sources: lib/web/http.c lib/base/kv.c lib/base/util.c lib/base/log.c lib/domain/text.c */
/* Fuzz the urlencoded parser (form bodies and query strings). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvlist l = { 0 };
	const char *err = NULL;
	if (urlenc_parse((const char *)data, size, &l, &err) == 0) {
		for (size_t i = 0; i < l.n; i++) {
			/* Contract: values are NUL-free, valid UTF-8, and vlen is exact. */
			if (strlen(l.v[i].val) != l.v[i].vlen || !vep_valid_utf8(l.v[i].val, l.v[i].vlen))
				__builtin_trap();
		}
	} else if (err == NULL)
		__builtin_trap();
	kv_free(&l);
	return 0;
}
