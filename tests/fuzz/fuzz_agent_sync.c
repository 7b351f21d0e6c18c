/* fuzz-sources: agent/sync.c agent/sync_real.c agent/ve.c lib/base/loop.c lib/base/util.c lib/base/log.c */
/* fuzz-libs: -lcurl */
/*
 * libFuzzer harness of the agent's parser of the API's VE list
 * (agent/sync.c, with the real backend's fields in agent/sync_real.c):
 * any bytes must parse or be refused without reading out of bounds, and
 * every accepted entry must hold what the real backend writes into files
 * (a crypt hash without ':' or newline, a host name of [a-z0-9.-]).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/sync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ve_spec *v = NULL;
	size_t n = 0, nbad = 0;
	char err[256], *copy;

	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	if (sync_parse(copy, size, "n1", &v, &n, &nbad, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < n; i++) {
			if (strpbrk(v[i].root_crypt, ":\n ") != NULL ||
			    strspn(v[i].hostname, "abcdefghijklmnopqrstuvwxyz0123456789.-") !=
			    strlen(v[i].hostname) || v[i].ndns > VE_MAX_DNS || !ve_id_valid(v[i].id))
				abort();
		}
		free(v);
	}
	free(copy);
	return 0;
}
