/*
 * libFuzzer harness of veagent's parser of the API's VE list
 * (agent/sync.c sync_parse): any bytes give a refusal with a reason, or
 * specs the agent trusts afterwards: sorted by id, each id valid and
 * listed once, no address on two VEs, at most VE_MAX_IPS addresses, a
 * known firewall mode with a file name only for FW_FILE; the kept and the
 * skipped entries never exceed the entries sent.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/sync.h"
#include "agent/ve.h"
#include "log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
has_ip(const struct ve_spec *v, size_t n, uint32_t ip)
{
	for (size_t i = 0; i < n; i++)
		for (size_t a = 0; a < v[i].nips; a++)
			if (v[i].ips[a] == ip)
				return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct ve_spec *v = NULL;
	size_t n = 0, nbad = 0;
	char err[256], *copy;

	if (!init) {
		/* Each skipped entry is logged; errors only, to keep the run fast. */
		log_init("fuzz_sync", LOG_LVL_ERR, 1, 0);
		init = 1;
	}
	/* Exactly size bytes on the heap, so ASan sees any over-read. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	err[0] = '\0';
	if (sync_parse(copy, size, "n1", &v, &n, &nbad, err, sizeof(err)) == -1) {
		if (err[0] == '\0' || v != NULL || n != 0)
			abort();
		goto out;
	}
	if ((n == 0) != (v == NULL) || n + nbad > SYNC_MAX_VES)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (!ve_id_valid(v[i].id) || (i > 0 && strcmp(v[i - 1].id, v[i].id) >= 0) ||
		    v[i].nips > VE_MAX_IPS || (unsigned)v[i].firewall >= FW__MAX ||
		    (v[i].firewall != FW_FILE && v[i].firewall_file[0] != '\0') ||
		    memchr(v[i].firewall_file, '\0', sizeof(v[i].firewall_file)) == NULL ||
		    (v[i].state != VE_ACTIVE && v[i].state != VE_SUSPENDED))
			abort();
		/* No address on two VEs (nor twice on one). */
		for (size_t a = 0; a < v[i].nips; a++) {
			if (has_ip(v, i, v[i].ips[a]))
				abort();
			for (size_t b = 0; b < a; b++)
				if (v[i].ips[b] == v[i].ips[a])
					abort();
		}
	}
out:
	free(v);
	free(copy);
	return 0;
}
