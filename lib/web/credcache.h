/*
 * A short memory of owner passwords that were verified (HTTP Basic on the
 * API: veinfo and scripts send the password with every request, and each
 * argon2id check costs tens of milliseconds).  SECURITY.md, "Remembered
 * Basic credentials", says why this shape.
 *
 * An entry is only a tag, HMAC-SHA256(key, VEid NUL stored-hash NUL
 * password), and when it stops counting.  The key is random, made when the
 * program starts and never leaves its memory, so the tags cannot be
 * checked against guesses by anyone who reads them elsewhere.  The stored
 * argon2id hash is part of what is tagged: a new password (a new hash with
 * a new salt) never matches an old entry, so a password change, a reset
 * or an operator's change takes effect at the next request, not when the
 * entry expires.  Entries last CREDCACHE_TTL_S seconds.
 *
 * The table is one shared anonymous mapping made by the supervisor before
 * it forks its workers, so a credential verified by one worker is known
 * to all; each slot is a small seqlock, so a worker killed mid-write can
 * only spoil its one slot (a miss: one more hash).
 */
#ifndef VEP_CREDCACHE_H
#define VEP_CREDCACHE_H

#define CREDCACHE_TTL_S		10
#define CREDCACHE_SLOTS		4096

struct credcache;

/* A new table with a fresh random key, shared with processes forked later; NULL on failure. */
struct credcache *credcache_new(void);
void	credcache_free(struct credcache *);
/*
 * 1 when ve_id with password pw against the stored hash was remembered by
 * credcache_put within CREDCACHE_TTL_S seconds before now, else 0 (c NULL:
 * always 0).
 */
int	credcache_hit(struct credcache *, const char *ve_id, const char *hash, const char *pw,
	    long long now);
/* Remember that pw is ve_id's password while its stored hash is hash. */
void	credcache_put(struct credcache *, const char *ve_id, const char *hash, const char *pw,
	    long long now);

#endif
