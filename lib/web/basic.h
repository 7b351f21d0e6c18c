/*
 * HTTP Basic credentials (RFC 7617): the value of an Authorization header
 * after "Basic ", decoded by a strict base64 decoder (RFC 4648 section 4,
 * padding required, nothing after it) that never writes outside its output.
 */
#ifndef VEP_BASIC_H
#define VEP_BASIC_H

#include <stddef.h>

enum basic_rc {
	BASIC_OK = 0,
	BASIC_BAD_BASE64 = -1,	/* not canonical padded base64, or empty */
	BASIC_TOO_LONG = -2,	/* decodes to more than the buffers hold */
	BASIC_NO_COLON = -3,	/* no "user:password" */
	BASIC_NUL = -4,		/* a NUL byte in the decoded credentials */
};

/*
 * Decode up to inlen bytes of in (base64, may be NUL-terminated earlier)
 * into decoded bytes at out[0..outsz); returns the decoded length, or -1
 * when in is not strict base64 or the result would not fit.  out is not
 * NUL-terminated.  Never reads in past inlen, never writes out past outsz.
 */
long	base64_decode_strict(const char *in, size_t inlen, unsigned char *out, size_t outsz);

/*
 * Split "Basic" credentials: in is the header value after the scheme
 * (leading spaces skipped).  user (usz bytes) and pw (pwsz bytes) receive
 * NUL-terminated strings.  Returns BASIC_OK or a negative enum basic_rc;
 * on error user and pw are empty strings.
 */
int	basic_parse(const char *in, size_t inlen, char *user, size_t usz, char *pw, size_t pwsz);

#endif
