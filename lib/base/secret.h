/*
 * secret: argon2id password hashing and verification (parameters from
 * [auth] in the configuration) and random tokens.  Used by the web frame
 * (logins), lib/db (admin accounts, VE root passwords, node tokens) and
 * tools; no database, no web.
 */
#ifndef VEP_SECRET_H
#define VEP_SECRET_H

#include <stddef.h>

struct conf;

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

/* n random bytes as 2n hex characters into out (2n+1). 0 or -1. */
int	auth_token_hex(char *out, size_t nbytes);


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
 * The crypt(3) hash of pw a node writes into a VE's /etc/shadow: yescrypt
 * ("$y$", libxcrypt's default cost) with a fresh random salt, or SHA-512
 * ("$6$") where yescrypt is not available.  out needs AUTH_CRYPT_MAX.
 * 0, or -1 (no randomness, pw unusable).  Nothing of pw is kept.
 */
#define AUTH_CRYPT_MAX	256
int	auth_crypt(const char *pw, char out[AUTH_CRYPT_MAX]);
/*
 * auth_crypt on a thread of its own at nice (per thread on Linux), so that
 * a hash made off the answer's path yields a shared core to the answers;
 * in the caller's thread when no thread can be made.  0 or -1.
 */
int	auth_crypt_niced(const char *pw, char out[AUTH_CRYPT_MAX], int nice);
/*
 * Both hashes of a new password at once: auth_hash into out (outlen) and
 * auth_crypt into crypt_out, the crypt(3) hash on a second thread while
 * argon2id runs on this one (each is single-threaded and about as slow
 * as the other, so a new password costs one hash's time instead of two
 * on a machine with a free core; both in the caller's one hash slot).
 * Without a thread it runs them one after the other.  0 or -1 (then
 * both outputs are wiped).
 */
int	auth_hash_both(const struct argon_params *, const char *pw, char *out, size_t outlen,
	    char crypt_out[AUTH_CRYPT_MAX]);
/*
 * Hash a throwaway password once more with argon2id and once with
 * yescrypt, after auth_dummy_hash, so that the memory both need is
 * already faulted in when the first real request comes (a worker's first
 * order cost about 10 ms more of the kernel's time than the next; the
 * order programs' workers call it at start, order_crypt_warm).
 */
void	auth_warm(const struct argon_params *);
/*
 * auth_crypt started now on a thread of its own at nice, collected later
 * (issue 19: an order starts the node's hash as soon as its argon2id is
 * done, so it runs beside the order's transaction and answer instead of
 * beside the next order's argon2id).  pw is copied (wiped when collected);
 * slot (a hash slot or < 0) is the job's: its thread gives it back when
 * the hash is made.  NULL when no thread or memory (the slot is then still
 * the caller's).  auth_crypt_collect waits for the hash: 0 with out
 * filled, or -1; out NULL just waits and drops it.  Every started job
 * must be collected once.
 */
struct auth_crypt_job;
/* The nice value of a node's hash made off the answer's path. */
#define AUTH_CRYPT_NICE	10
struct auth_crypt_job *auth_crypt_start(const char *pw, int nice, int slot);
int	auth_crypt_collect(struct auth_crypt_job *, char out[AUTH_CRYPT_MAX]);
/* 1 when hash is a crypt(3) hash auth_crypt makes ("$y$" or "$6$", printable, no ':'). */
int	auth_crypt_valid(const char *hash);

#endif
