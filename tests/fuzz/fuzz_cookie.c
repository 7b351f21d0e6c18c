/* Fuzz the Cookie header parser. */
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
	if (cookie_parse((const char *)data, size, &l, &err) == 0)
		for (size_t i = 0; i < l.n; i++)
			for (const char *p = l.v[i].val; *p; p++)
				if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
					__builtin_trap();
	kv_free(&l);
	return 0;
}
