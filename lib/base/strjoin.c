#include <stdio.h>

#include "strjoin.h"

void
str_join(char *out, size_t len, char *const *v, size_t n, const char *sep)
{
	size_t off = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++) {
		int w = snprintf(out + off, len - off, "%s%s", i ? sep : "", v[i]);
		if (w < 0)
			break;
		off += (size_t)w;
	}
}
