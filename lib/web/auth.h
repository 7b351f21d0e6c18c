/*
 * The web frame's side of authentication: the pre-session form tokens.
 * Hashing, its slots and random tokens are lib/base/secret.h's; sessions, admin bearer tokens and
 * failed-login throttling (SQL) lib/db/db_auth.h's, included here for the
 * screen programs.
 */
#ifndef VEP_AUTH_H
#define VEP_AUTH_H

#include <stddef.h>

struct conf;

#include "db_auth.h"
#include "secret.h"

/*
 * Pre-session form tokens (login forms, before any session exists): a
 * "signed double-submit" value NONCE-ISSUED-MAC, where MAC is
 * HMAC-SHA256(key, purpose, nonce, issued).  The same value goes into a
 * cookie and into the form; auth_form_token_ok wants both equal, a MAC the
 * key made for this purpose, and an issue time within max_age_s of now.
 * So a token cannot be made up, one for another form does not fit, and an
 * old one expires.
 */
#define AUTH_FORM_TOKEN_MAX	128
#define AUTH_FORM_KEY_LEN	32
/* A new token for purpose into out; 0 or -1 (no randomness). */
int	auth_form_token(const unsigned char key[AUTH_FORM_KEY_LEN], const char *purpose,
	    long long now, char out[AUTH_FORM_TOKEN_MAX]);
/* 1 when form and cookie are the same valid, fresh token; 0 otherwise. */
int	auth_form_token_ok(const unsigned char key[AUTH_FORM_KEY_LEN], const char *purpose,
	    const char *form, const char *cookie, long long now, long long max_age_s);
/*
 * The key from [web] form_key_file (its SHA-256, so any length of at
 * least 32 characters will do) or, when the key is empty, random.  0, or
 * -1 with why in err.
 */
int	auth_form_key_load(const struct conf *, unsigned char key[AUTH_FORM_KEY_LEN],
	    char *err, size_t errlen);

#endif
