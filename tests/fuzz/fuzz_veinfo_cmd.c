/*
 * libFuzzer harness of veinfo's command parser (tools/veinfo_cmd.c): any
 * bytes must parse or be refused without reading out of bounds, a parsed
 * command must hold values in their documented ranges, and answering it
 * from a sample VE must not misbehave.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tools/veinfo_cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct veinfo_ve ve;
	struct veinfo_cmd c;
	struct buf out;
	char *copy;

	/* An exact-size copy so ASan sees any read past the end. */
	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	if (veinfo_parse(copy, size, &c) == 0) {
		if (c.kind >= VI__KINDS)
			abort();
		if (c.ve_id[0] != '\0' && strspn(c.ve_id, "0123456789ABCDEF") != 8)
			abort();
		if (c.kind == VI_HISTORY &&
		    (c.count < 1 || c.count > VEINFO_COUNT_MAX || c.from < 0 ||
		    c.metric >= VM__MAX || c.unit >= VU__MAX))
			abort();
		if ((c.kind == VI_IP_ADDRESS || c.kind == VI_IP_NETMASK || c.kind == VI_DNS_SERVER) &&
		    (c.n < 1 || c.n > VEINFO_INDEX_MAX))
			abort();
		veinfo_ve_clear(&ve);
		ve.nip = 1;
		strcpy(ve.ip[0], "192.0.2.10");
		strcpy(ve.mask[0], "255.255.255.0");
		ve.disk_quota_mb = 1000;
		ve.bw_min_kbps = 9223372036854775807LL;
		ve.user_info = "x\ny";
		buf_init(&out);
		if (c.kind != VI_HISTORY)
			(void)veinfo_answer(&c, &ve, &out);
		buf_free(&out);
	}
	free(copy);
	return 0;
}
