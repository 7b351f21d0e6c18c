/* Network names and addresses, pure: see net.h. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "net.h"

int
ipv4_parse(const char *s, unsigned *out)
{
	unsigned a = 0;
	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		int nd = 0;
		while (*s >= '0' && *s <= '9') {
			if (nd == 3 || (nd == 1 && v == 0))
				return -1;
			v = v * 10 + (unsigned)(*s++ - '0');
			nd++;
		}
		if (nd == 0 || v > 255)
			return -1;
		a = a << 8 | v;
		if (part < 3 && *s++ != '.')
			return -1;
	}
	if (*s != '\0')
		return -1;
	*out = a;
	return 0;
}

void
ipv4_format(unsigned a, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

int
dns_name_valid(const char *s)
{
	size_t len = strlen(s), lab = 0;
	int dots = 0;
	if (len == 0 || len > 253 || s[len - 1] == '.' || s[0] == '.')
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '.') {
			if (lab == 0 || s[i - 1] == '-')
				return 0;
			lab = 0;
			dots++;
			continue;
		}
		if (!(isalnum((unsigned char)c) || c == '-') || (c & 0x80))
			return 0;
		if (c == '-' && lab == 0)
			return 0;
		if (++lab > 63)
			return 0;
	}
	if (s[len - 1] == '-')
		return 0;
	return dots >= 1;
}
