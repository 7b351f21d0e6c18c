/*
 * Webhook signatures; see webhook_sig.h.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util.h"
#include "webhook_sig.h"

int
webhook_sig_parse(const char *h, size_t len, struct webhook_sig *s)
{
	size_t i = 0;
	int have_t = 0;

	memset(s, 0, sizeof(*s));
	if (h == NULL || len == 0 || len > 1024)
		return WEBHOOK_SIG_MALFORMED;
	while (i < len) {
		size_t start = i, eq, end;
		while (i < len && h[i] != ',')
			i++;
		end = i;
		if (i < len)
			i++;	/* the comma */
		/* Spaces around an item are allowed (as some providers send). */
		while (start < end && h[start] == ' ')
			start++;
		while (end > start && h[end - 1] == ' ')
			end--;
		for (eq = start; eq < end && h[eq] != '='; eq++)
			;
		if (eq == end || eq == start)
			return WEBHOOK_SIG_MALFORMED;
		const char *k = h + start, *v = h + eq + 1;
		size_t kl = eq - start, vl = end - eq - 1;
		if (kl == 1 && k[0] == 't') {
			const char *err;
			if (have_t)
				return WEBHOOK_SIG_MALFORMED;
			s->t = vep_strtonum_n(v, vl, 0, 99999999999LL, &err);
			if (err != NULL)
				return WEBHOOK_SIG_MALFORMED;
			have_t = 1;
		} else if (kl == 2 && k[0] == 'v' && k[1] == '1') {
			if (vl != 64 || s->nv1 == WEBHOOK_SIG_MAX_V1)
				return WEBHOOK_SIG_MALFORMED;
			for (size_t j = 0; j < 32; j++) {
				int a = vep_hexval((unsigned char)v[2 * j]), b = vep_hexval((unsigned char)v[2 * j + 1]);
				if (a < 0 || b < 0)
					return WEBHOOK_SIG_MALFORMED;
				s->v1[s->nv1][j] = (unsigned char)(a << 4 | b);
			}
			s->nv1++;
		}
		/* Other schemes (v0, future ones) are ignored, as providers do. */
	}
	return have_t && s->nv1 > 0 ? WEBHOOK_SIG_OK : WEBHOOK_SIG_MALFORMED;
}

static int
mac(long long t, const char *body, size_t bodylen, const char *secret, size_t secretlen,
    unsigned char out[32])
{
	char ts[24];
	int tl = snprintf(ts, sizeof(ts), "%lld.", t);
	unsigned int ol = 0;
	int ok = 0;
	HMAC_CTX *c;

	/* EVP_MAC is OpenSSL 3's; HMAC_CTX still works and is in 1.1 too. */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
	if ((c = HMAC_CTX_new()) == NULL)
		return -1;
	if (HMAC_Init_ex(c, secret, (int)secretlen, EVP_sha256(), NULL) == 1 &&
	    HMAC_Update(c, (const unsigned char *)ts, (size_t)tl) == 1 &&
	    HMAC_Update(c, (const unsigned char *)body, bodylen) == 1 &&
	    HMAC_Final(c, out, &ol) == 1 && ol == 32)
		ok = 1;
	HMAC_CTX_free(c);
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
	return ok ? 0 : -1;
}

int
webhook_sig_sign(long long t, const char *body, size_t bodylen, const char *secret,
    size_t secretlen, char out[65])
{
	unsigned char m[32];

	if (mac(t, body, bodylen, secret, secretlen, m) == -1)
		return -1;
	vep_hex(m, 32, out);
	return 0;
}

int
webhook_sig_check(const char *hdr, const char *body, size_t bodylen, const char *secret,
    size_t secretlen, long long now, long long tol)
{
	struct webhook_sig s;
	unsigned char m[32];
	int match = 0;

	if (hdr == NULL || webhook_sig_parse(hdr, strlen(hdr), &s) != WEBHOOK_SIG_OK)
		return WEBHOOK_SIG_MALFORMED;
	if (s.t > now + tol || s.t < now - tol)
		return WEBHOOK_SIG_STALE;
	if (mac(s.t, body, bodylen, secret, secretlen, m) == -1)
		return WEBHOOK_SIG_MISMATCH;
	for (size_t i = 0; i < s.nv1; i++)
		match |= CRYPTO_memcmp(m, s.v1[i], 32) == 0;
	return match ? WEBHOOK_SIG_OK : WEBHOOK_SIG_MISMATCH;
}
