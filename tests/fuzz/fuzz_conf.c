/*
 * libFuzzer harness of the configuration parser (lib/base/conf.c
 * conf_parse): any text gives either a refusal naming the file, or a
 * configuration whose every declared number is within its bounds (the
 * database host list is lib/db's to check, fuzz_dbhost).  The configuration is trusted
 * input, but a broken file must be refused with a line, never crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf *c;
	char err[512], where[512], *text;
	int w;
	long long v;

	if (size > 65536)
		return 0;
	/* conf_load refuses NUL bytes before conf_parse sees the text. */
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	if ((c = conf_parse("fuzz.conf", text, err, sizeof(err))) == NULL) {
		if (strncmp(err, "fuzz.conf", 9) != 0)
			abort();
		goto out;
	}
	v = conf_int(c, "database", "prefer");
	if (v < 1 || v > 16)
		abort();
	v = conf_int(c, "database", "sync_wait");
	if (v < 0 || v > 15)
		abort();
	if (conf_str(c, "database", "hosts") == NULL)
		abort();
	/* Where a key was set names this file, set or not. */
	w = conf_where(c, "database", "prefer", where, sizeof(where));
	if ((w != 0 && w != 1) || strncmp(where, "fuzz.conf", 9) != 0)
		abort();
	conf_free(c);
out:
	free(text);
	return 0;
}
