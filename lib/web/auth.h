/*
 * Passwords and tokens: argon2id hashing and verification (parameters from
 * [auth] in the configuration), random tokens, admin bearer tokens, sessions
 * kept in the database (only the SHA-256 of a session id is stored), CSRF
 * tokens bound to the session, and failed-login throttling.
 */
#ifndef VEP_AUTH_H
#define VEP_AUTH_H

#include <stddef.h>

struct conf;
struct db;

struct argon_params {
	unsigned	m_kib, t, p;
};

void	auth_params_from_conf(const struct conf *, struct argon_params *);
/* Hash pw into out (encoded argon2id string); 0 or -1. */
int	auth_hash(const struct argon_params *, const char *pw, char *out, size_t outlen);
/* 1 if pw matches the encoded hash, 0 if not (or the hash is malformed). */
int	auth_verify(const char *encoded, const char *pw);
/* A dummy hash of the same cost, verified against for unknown users so timing does not tell. */
const char *auth_dummy_hash(const struct argon_params *);

/*
 * The crypt(3) hash of pw a node writes into a VE's /etc/shadow: yescrypt
 * ("$y$", libxcrypt's default cost) with a fresh random salt, or SHA-512
 * ("$6$") where yescrypt is not available.  out needs AUTH_CRYPT_MAX.
 * 0, or -1 (no randomness, pw unusable).  Nothing of pw is kept.
 */
#define AUTH_CRYPT_MAX	256
int	auth_crypt(const char *pw, char out[AUTH_CRYPT_MAX]);
/* 1 when hash is a crypt(3) hash auth_crypt makes ("$y$" or "$6$", printable, no ':'). */
int	auth_crypt_valid(const char *hash);

/* n random bytes as 2n hex characters into out (2n+1). 0 or -1. */
int	auth_token_hex(char *out, size_t nbytes);

/* Admin bearer token: 1 valid, 0 not, < 0 db error. */
int	auth_admin_token_ok(struct db *, const char *token);
/*
 * A VE-scoped read-only owner token (kind "ve"): 1 valid with its VE's id
 * in ve_id (the VE not deleted), 0 not, < 0 db error.
 */
int	auth_ve_token_ok(struct db *, const char *token, char ve_id[9]);

struct session {
	char	subject[65];
	char	csrf[65];
	char	id[65];		/* the cookie value (only when just created) */
	long long created_at, last_seen;
};

/*
 * Create a session for (kind, subject); fills s->id (cookie value) and
 * s->csrf.  Returns 0 or a db_rc.
 */
int	session_create(struct db *, const char *kind, const char *subject, long long now,
	    struct session *s);
/*
 * Look up the cookie value: 1 valid (and touched), 0 absent/expired, < 0 db
 * error.  Expired sessions are deleted.
 */
int	session_get(struct db *, const char *kind, const char *cookie, long long now,
	    long long idle_s, long long max_s, struct session *s);
int	session_destroy(struct db *, const char *cookie);
/* Remove every session of (kind, subject), e.g. after a password change. */
int	session_destroy_subject(struct db *, const char *kind, const char *subject);

enum throttle { THROTTLE_OK = 0, THROTTLE_LOCKED = 1 };
/*
 * Whether a login for subject from addr may proceed now: THROTTLE_LOCKED with
 * *retry_after seconds when the subject had >= per_subject failures or the
 * address >= per_addr failures within window_s.  < 0 on db error.
 */
int	throttle_check(struct db *, const char *subject, const char *addr, long long now,
	    long long window_s, long long per_subject, long long per_addr, long long *retry_after);
int	throttle_fail(struct db *, const char *subject, const char *addr, long long now);

/*
 * At most n argon2id computations at once across every process that shares
 * dir: each slot is a lock file dir/hash.<i> held with flock(LOCK_EX).  Tries
 * every slot, then again every 10 ms for up to wait_ms.  Returns the held
 * slot's descriptor (give it to auth_slot_release), AUTH_SLOT_BUSY when all
 * stayed busy (answer 503 with Retry-After), or AUTH_SLOT_UNUSABLE when dir
 * cannot be used (errno set; the caller logs it and may go on without a slot).
 */
#define AUTH_SLOT_BUSY		(-1)
#define AUTH_SLOT_UNUSABLE	(-2)
int	auth_slot_acquire(const char *dir, int n, int wait_ms);
/* Give a slot back (fd < 0 is ignored). */
void	auth_slot_release(int fd);
/*
 * The slot for one request's hashes with the configured limit ([web]
 * max_concurrent_hashes) in the lock directory ([web] lock_dir), waiting up
 * to [web] hash_wait_ms.  AUTH_SLOT_BUSY: answer 503 with Retry-After (and
 * write nothing).  An unusable directory is logged once and the hash goes
 * ahead without a slot (AUTH_SLOT_UNUSABLE; auth_slot_release ignores it):
 * the limit protects capacity, not secrets.
 */
int	auth_slot_enter(const struct conf *);

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
