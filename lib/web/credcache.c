/*
 * Verified owner credentials, remembered for seconds: see credcache.h.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>

#include "credcache.h"
#include "util.h"

#define TAG_LEN	32

struct slot {
	uint32_t	 seq;		/* odd while a writer fills the slot */
	int64_t		 until;		/* counts while now < until */
	unsigned char	 tag[TAG_LEN];
};

struct credcache {
	unsigned char	 key[32];
	struct slot	 slots[CREDCACHE_SLOTS];
};

struct credcache *
credcache_new(void)
{
	struct credcache *c;

	c = mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED)
		return NULL;
	/* Zero-filled: every slot empty (until 0). */
	if (vep_random(c->key, sizeof(c->key)) == -1) {
		munmap(c, sizeof(*c));
		return NULL;
	}
	return c;
}

void
credcache_free(struct credcache *c)
{
	if (c == NULL)
		return;
	explicit_bzero(c, sizeof(*c));
	munmap(c, sizeof(*c));
}

/* The tag of (ve_id, hash, pw); 0 or -1 (too long, or no HMAC). */
static int
tag_of(const struct credcache *c, const char *ve_id, const char *hash, const char *pw,
    unsigned char tag[TAG_LEN])
{
	char msg[1024];
	size_t a = strlen(ve_id) + 1, b = strlen(hash) + 1, n = strlen(pw);
	unsigned int len = 0;
	int ok;

	if (a + b + n > sizeof(msg))
		return -1;
	memcpy(msg, ve_id, a);
	memcpy(msg + a, hash, b);
	memcpy(msg + a + b, pw, n);
	ok = HMAC(EVP_sha256(), c->key, sizeof(c->key), (const unsigned char *)msg, a + b + n,
	    tag, &len) != NULL && len == TAG_LEN;
	explicit_bzero(msg, sizeof(msg));
	return ok ? 0 : -1;
}

static struct slot *
slot_of(struct credcache *c, const unsigned char tag[TAG_LEN])
{
	uint32_t i;

	memcpy(&i, tag, sizeof(i));
	return &c->slots[i % CREDCACHE_SLOTS];
}

int
credcache_hit(struct credcache *c, const char *ve_id, const char *hash, const char *pw,
    long long now)
{
	unsigned char tag[TAG_LEN], seen[TAG_LEN];
	struct slot *s;
	uint32_t s1, s2;
	int64_t until;

	if (c == NULL || tag_of(c, ve_id, hash, pw, tag) == -1)
		return 0;
	s = slot_of(c, tag);
	s1 = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
	if (s1 & 1)
		return 0;
	until = __atomic_load_n(&s->until, __ATOMIC_RELAXED);
	memcpy(seen, s->tag, TAG_LEN);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	s2 = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);
	if (s1 != s2 || now >= until || until - now > CREDCACHE_TTL_S)
		return 0;
	return CRYPTO_memcmp(seen, tag, TAG_LEN) == 0;
}

void
credcache_put(struct credcache *c, const char *ve_id, const char *hash, const char *pw,
    long long now)
{
	unsigned char tag[TAG_LEN];
	struct slot *s;
	uint32_t seq;

	if (c == NULL || tag_of(c, ve_id, hash, pw, tag) == -1)
		return;
	s = slot_of(c, tag);
	seq = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);
	/* Another worker is writing it: leave it (a later request remembers). */
	if ((seq & 1) || !__atomic_compare_exchange_n(&s->seq, &seq, seq + 1, 0,
	    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	__atomic_store_n(&s->until, (int64_t)now + CREDCACHE_TTL_S, __ATOMIC_RELAXED);
	memcpy(s->tag, tag, TAG_LEN);
	__atomic_store_n(&s->seq, seq + 2, __ATOMIC_RELEASE);
}
