/*
 * The free-text rule (text.h) in one place: fields are checked with
 * text_ok at the edge; veinfo escapes with text_escape before printing.
 */
#include <stdio.h>
#include <string.h>

#include "text.h"

/*
 * Length of the UTF-8 sequence at s[0..len) and its code point, or 0 when
 * the bytes are not one well-formed sequence (overlong, surrogate, > U+10FFFF).
 */
static size_t
utf8_one(const unsigned char *s, size_t len, unsigned long *cp)
{
	size_t n;
	unsigned long c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Is code point c refused in a field with these flags? */
static int
refused(unsigned long c, int flags)
{
	if (c < 0x20)
		return !((flags & TEXT_MULTILINE) && (c == '\t' || c == '\n' || c == '\r'));
	return c == 0x7f || (c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069);
}

int
text_ok(const char *s, size_t len, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	unsigned long c;

	while (i < len) {
		if ((n = utf8_one(p + i, len - i, &c)) == 0 || refused(c, flags))
			return 0;
		i += n;
	}
	return 1;
}

int
text_ok_str(const char *s, int flags)
{
	return s == NULL || text_ok(s, strlen(s), flags);
}

size_t
text_escape(const char *s, char *out, size_t outsz)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, o = 0, n;
	unsigned long c;

	while (i < len) {
		n = utf8_one(p + i, len - i, &c);
		if (n == 0 || refused(c, 0)) {
			size_t k = n == 0 ? 1 : n;

			if (o + 4 * k + 1 > outsz)
				break;
			for (size_t j = 0; j < k; j++, o += 4)
				snprintf(out + o, 5, "\\x%02X", p[i + j]);
			i += k;
			continue;
		}
		if (o + n + 1 > outsz)
			break;
		memcpy(out + o, p + i, n);
		o += n;
		i += n;
	}
	if (outsz > 0)
		out[o] = '\0';
	return o;
}
