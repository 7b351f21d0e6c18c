/* Fuzz the JSON request body parser (bounds, depth, UTF-8, object only). */
#include <stddef.h>
#include <stdint.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *err = NULL;
	json_t *j = json_body_parse((const char *)data, size, &err);
	if (j != NULL) {
		if (!json_is_object(j))
			__builtin_trap();
		json_decref(j);
	} else if (err == NULL)
		__builtin_trap();
	return 0;
}
