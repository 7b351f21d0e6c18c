/*
 * libFuzzer harness of billingd's parser of agent answers: any bytes must
 * give either a set whose invariants hold or a refusal with a reason,
 * never a crash, a leak or an out-of-bounds read.  (A VE has every counter
 * series, or none and ve_up: one known to its node but not running.)  The set is reused
 * across inputs, as billingd reuses one per node.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "billingd/prom.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct prom_set s;
	static int init;
	char err[256], *copy;

	if (!init) {
		prom_init(&s);
		init = 1;
	}
	/* An exact-size copy, so reads past the end are caught. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	if (prom_parse(&s, copy, size, err, sizeof(err)) == 0) {
		size_t nip = 0;
		for (size_t i = 0; i < s.nve; i++) {
			unsigned c = s.ve[i].have & PROM_HAVE_ALL;
			/* Every counter, or none and ve_up without addresses. */
			if ((c != PROM_HAVE_ALL && (c != 0 || !(s.ve[i].have & PROM_HAVE_UP) ||
			    s.ve[i].nip != 0)) || s.ve[i].nip > PROM_MAX_IPS ||
			    s.ve[i].up > 1 || s.ve[i].active > 1 ||
			    prom_find(&s, s.ve[i].id) != (long)i)
				abort();
			if (s.ve[i].nip > 0 && s.ve[i].ip_off != nip)
				abort();
			nip += s.ve[i].nip;
			if (s.ve[i].cpu_user_us > INT64_MAX || s.ve[i].vmem > INT64_MAX)
				abort();
		}
		if (nip != s.nip)
			abort();
	} else if (err[0] == '\0')
		abort();
	free(copy);
	return 0;
}
