/*
 * The payment provider's webhook signature (SPEC section 10): the header
 * "Vep-Signature: t=UNIX,v1=HEX[,v1=HEX...]" where HEX is the lower- or
 * upper-case hex of HMAC-SHA256(secret, t + "." + body).  The header is
 * untrusted input, parsed here once (fuzzed by tests/fuzz/fuzz_webhook_sig.c).
 */
#ifndef VEP_WEBHOOK_SIG_H
#define VEP_WEBHOOK_SIG_H

#include <stddef.h>

#define WEBHOOK_SIG_MAX_V1	4

struct webhook_sig {
	long long	 t;
	size_t		 nv1;
	unsigned char	 v1[WEBHOOK_SIG_MAX_V1][32];
};

enum webhook_sig_rc {
	WEBHOOK_SIG_OK = 0,
	WEBHOOK_SIG_MALFORMED = -1,	/* missing, syntax, no t, no v1, bad hex */
	WEBHOOK_SIG_STALE = -2,		/* |t - now| > tolerance */
	WEBHOOK_SIG_MISMATCH = -3,	/* no v1 matches */
};

/* Parse hdr[0..len): 0 with s filled, or WEBHOOK_SIG_MALFORMED. */
int	webhook_sig_parse(const char *hdr, size_t len, struct webhook_sig *s);
/*
 * The whole check: parse, timestamp within tolerance_s of now, then a v1
 * equal (in constant time) to the HMAC of t "." body with secret.
 */
int	webhook_sig_check(const char *hdr, const char *body, size_t bodylen, const char *secret,
	    size_t secretlen, long long now, long long tolerance_s);
/* HMAC-SHA256(secret, t "." body) as 64 lower-case hex digits into out[65]. */
int	webhook_sig_sign(long long t, const char *body, size_t bodylen, const char *secret,
	    size_t secretlen, char out[65]);

#endif
