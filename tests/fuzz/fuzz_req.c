/*
 * Fuzz the FastCGI parameter handling: the input is NUL-separated
 * "NAME=value" parameters, then a 0xff byte, then the body — as libfcgi
 * hands them to req_parse.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *envp[33];
	size_t n = 0, i = 0, split = size;
	struct req q;
	const char *err = NULL;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (size_t k = 0; k < size; k++)
		if ((unsigned char)copy[k] == 0xff) {
			split = k;
			break;
		}
	copy[split] = '\0';
	while (i < split && n < 32) {
		envp[n++] = copy + i;
		i += strlen(copy + i) + 1;
	}
	envp[n] = NULL;
	int st = req_parse(&q, envp, split < size ? copy + split + 1 : NULL,
	    split < size ? size - split - 1 : 0, &err);
	if (st != 0 && err == NULL)
		__builtin_trap();
	if (st == 0 && q.path == NULL)
		__builtin_trap();
	req_free(&q);
	free(copy);
	return 0;
}
