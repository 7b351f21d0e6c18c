/*
 * libFuzzer harness of the agent's parser of the API's VE list
 * (agent/sync.c, with the real backend's fields in agent/sync_real.c):
 * any bytes must parse or be refused without reading out of bounds, and
 * every accepted entry must hold what the real backend writes into files
 * (a crypt hash without ':' or newline, a host name of [a-z0-9.-]); and
 * the list is what the agent trusts afterwards: sorted by id, each id
 * listed once, no address on two VEs (nor twice on one), at most
 * VE_MAX_IPS addresses, a known firewall mode with a file name only for
 * FW_FILE; a refusal has a reason.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/sync.h"
#include "agent/ve.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
has_ip(const struct ve_spec *v, size_t n, uint32_t ip)
{
	for (size_t i = 0; i < n; i++)
		for (size_t a = 0; a < v[i].nips; a++)
			if (v[i].ips[a] == ip)
				return 1;
	return 0;
}

/* What sync.c promises of an accepted list (see sync.h). */
static void
check_list(const struct ve_spec *v, size_t n, size_t nbad)
{
	if ((n == 0) != (v == NULL) || n + nbad > SYNC_MAX_VES)
		abort();
	for (size_t i = 0; i < n; i++) {
		if ((i > 0 && strcmp(v[i - 1].id, v[i].id) >= 0) || v[i].nips > VE_MAX_IPS ||
		    (unsigned)v[i].firewall >= FW__MAX ||
		    (v[i].firewall != FW_FILE && v[i].firewall_file[0] != '\0') ||
		    memchr(v[i].firewall_file, '\0', sizeof(v[i].firewall_file)) == NULL ||
		    (v[i].state != VE_ACTIVE && v[i].state != VE_SUSPENDED))
			abort();
		for (size_t a = 0; a < v[i].nips; a++) {
			if (has_ip(v, i, v[i].ips[a]))
				abort();
			for (size_t b = 0; b < a; b++)
				if (v[i].ips[b] == v[i].ips[a])
					abort();
		}
	}
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
		log_init("fuzz_agent_sync", LOG_LVL_ERR, 1, 0);
		init = 1;
	}
	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	err[0] = '\0';
	if (sync_parse(copy, size, "n1", &v, &n, &nbad, err, sizeof(err)) == 0) {
		check_list(v, n, nbad);
		for (size_t i = 0; i < n; i++) {
			if (strpbrk(v[i].root_crypt, ":\n ") != NULL ||
			    strspn(v[i].hostname, "abcdefghijklmnopqrstuvwxyz0123456789.-") !=
			    strlen(v[i].hostname) || v[i].ndns > VE_MAX_DNS || !ve_id_valid(v[i].id))
				abort();
		}
		free(v);
	} else if (err[0] == '\0' || v != NULL || n != 0)
		abort();
	free(copy);
	return 0;
}
