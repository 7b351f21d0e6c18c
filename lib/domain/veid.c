/* The VEid rule (veid.h). */
#include <string.h>

#include "veid.h"

int
ve_id_norm(const char *s, char out[9])
{
	out[0] = '\0';
	if (s == NULL || strnlen(s, 9) != 8)
		return 0;
	for (int i = 0; i < 8; i++) {
		char c = s[i];

		if (c >= 'a' && c <= 'f')
			c = (char)(c - 'a' + 'A');
		else if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
			return 0;
		out[i] = c;
	}
	out[8] = '\0';
	return 1;
}

int
ve_id_valid(const char *s)
{
	if (s == NULL || strnlen(s, 9) != 8)
		return 0;
	return strspn(s, "0123456789ABCDEF") == 8;
}
