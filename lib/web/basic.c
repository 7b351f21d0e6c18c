/*
 * HTTP Basic decoding.  The API used EVP_DecodeBlock and then subtracted
 * one byte per '=' at the end of the input: "====" made the length
 * negative and a NUL landed before the buffer (issue 17, item 1).  Here
 * the decoder itself knows padding: only canonical base64 is accepted
 * (length a multiple of 4, '=' only as the last one or two characters of
 * the last quantum), and every write is checked against the output size.
 */
#include <string.h>

#include "basic.h"

/* The value of a base64 digit, or -1. */
static int
b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long
base64_decode_strict(const char *in, size_t inlen, unsigned char *out, size_t outsz)
{
	size_t i, o = 0;

	if (in == NULL || inlen == 0 || inlen % 4 != 0)
		return -1;
	for (i = 0; i < inlen; i += 4) {
		int v[4], pad = 0;
		unsigned long q;

		for (int k = 0; k < 4; k++) {
			unsigned char c = (unsigned char)in[i + k];

			if (c == '=' && i + 4 == inlen && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			/* a digit after '=' or '=' elsewhere: not base64 */
			if (pad > 0 || (v[k] = b64val(c)) < 0)
				return -1;
		}
		q = ((unsigned long)v[0] << 18) | ((unsigned long)v[1] << 12) |
		    ((unsigned long)v[2] << 6) | (unsigned long)v[3];
		/* canonical only: the bits a padding leaves over must be zero */
		if ((pad == 1 && (v[2] & 0x3) != 0) || (pad == 2 && (v[1] & 0xf) != 0))
			return -1;
		if (3 - (size_t)pad > outsz - o)
			return -1;
		out[o++] = (unsigned char)(q >> 16);
		if (pad < 2)
			out[o++] = (unsigned char)(q >> 8);
		if (pad < 1)
			out[o++] = (unsigned char)q;
	}
	return (long)o;
}

int
basic_parse(const char *in, size_t inlen, char *user, size_t usz, char *pw, size_t pwsz)
{
	unsigned char dec[512];
	const unsigned char *colon;
	size_t ulen, plen;
	long n;
	int rc;

	if (usz > 0)
		user[0] = '\0';
	if (pwsz > 0)
		pw[0] = '\0';
	if (in == NULL || usz == 0 || pwsz == 0)
		return BASIC_BAD_BASE64;
	inlen = strnlen(in, inlen);
	while (inlen > 0 && *in == ' ') {
		in++;
		inlen--;
	}
	if (inlen > (sizeof(dec) / 3) * 4)
		return BASIC_TOO_LONG;
	if ((n = base64_decode_strict(in, inlen, dec, sizeof(dec))) <= 0)
		return BASIC_BAD_BASE64;
	if (memchr(dec, '\0', (size_t)n) != NULL)
		rc = BASIC_NUL;
	else if ((colon = memchr(dec, ':', (size_t)n)) == NULL)
		rc = BASIC_NO_COLON;
	else if ((ulen = (size_t)(colon - dec)) >= usz || (plen = (size_t)n - ulen - 1) >= pwsz)
		rc = BASIC_TOO_LONG;
	else {
		memcpy(user, dec, ulen);
		user[ulen] = '\0';
		memcpy(pw, colon + 1, plen);
		pw[plen] = '\0';
		rc = BASIC_OK;
	}
	explicit_bzero(dec, sizeof(dec));	/* the password was in it */
	return rc;
}
