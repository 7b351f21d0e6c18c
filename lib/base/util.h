/*
 * Small helpers every module needs: strict number parsing (strtonum-like,
 * one place for "7abc", " 7", "0x10", overflow), a growable byte buffer,
 * random bytes, hex encoding and constant-time comparison.
 */
#ifndef VEP_UTIL_H
#define VEP_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Parse a decimal integer in [min, max]: digits only, an optional leading
 * '-', no spaces, no '+', no hex, no leading zeros beyond "0".  Returns the
 * value; on error returns 0 and sets *errstr to "is not a whole number",
 * "is too small" or "is too large" (else *errstr = NULL).
 */
long long vep_strtonum(const char *s, long long min, long long max, const char **errstr);
/* Same for a (ptr, len) pair that need not be NUL-terminated. */
long long vep_strtonum_n(const char *s, size_t len, long long min, long long max, const char **errstr);

/*
 * Parse a non-negative decimal with up to `scale` fraction digits into an
 * integer scaled by 10^scale (e.g. "123.456789" with scale 6 gives
 * 123456789).  Never goes through a double.  Returns 0 on success, -1 on
 * malformed input or overflow.
 */
int	vep_parse_fixed(const char *s, size_t len, int scale, uint64_t *out);

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	int	 oom;	/* set once an allocation failed; later appends are no-ops */
};

void	buf_init(struct buf *);
void	buf_free(struct buf *);
void	buf_reset(struct buf *);
int	buf_append(struct buf *, const void *, size_t);
int	buf_puts(struct buf *, const char *);
int	buf_printf(struct buf *, const char *, ...) __attribute__((format(printf, 2, 3)));
/* Returns a NUL-terminated view of the contents ("" when empty). */
const char *buf_cstr(struct buf *);

/* Fill with random bytes from getrandom(); 0 or -1. */
int	vep_random(void *, size_t);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void	vep_hex(const unsigned char *, size_t n, char *out);
/* Constant-time equality of two strings of possibly different length. */
int	vep_ct_streq(const char *, const char *);
/* Lower-case hex SHA-256 of data into out[65]. */
void	vep_sha256_hex(const void *, size_t, char out[65]);
/* Lower-case hex HMAC-SHA256(key, data) into out[65]; 0, or -1 (out empty). */
int	vep_hmac_sha256_hex(const unsigned char *key, size_t keylen, const void *, size_t,
	    char out[65]);

/* UTC helpers: seconds since the epoch to "YYYY-MM-DDTHH:MM:SSZ". */
void	vep_iso8601(long long t, char out[21]);
/*
 * The part of a month an invoice line covers, from two such instants:
 * "2026-12-03 00:00 to 2026-12-10 01:00 UTC" into out; 0, or -1 (out
 * empty) when either is not an ISO 8601 instant.
 */
int	vep_iso_span(const char *from, const char *to, char *out, size_t n);
/* Parse "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DD"; 0 or -1. */
int	vep_parse_iso8601(const char *, long long *t);
/* Days since epoch of a civil date (proleptic Gregorian). */
long long vep_days_from_civil(long long y, unsigned m, unsigned d);
int	vep_valid_utf8(const char *s, size_t len);

/*
 * Make room for need elements of size bytes in *p (capacity *cap, counted
 * in elements): doubles from first (or *cap); 0, or -1 on overflow or out of
 * memory (then *p and *cap are unchanged).
 */
int	vep_grow(void **p, size_t *cap, size_t need, size_t size, size_t first);
/* The value of a hex digit (either case), or -1. */
int	vep_hexval(int c);
/* Microseconds since the epoch (the wall clock). */
int64_t	vep_wall_us(void);
/* Microseconds of the monotonic clock (for intervals). */
int64_t	vep_mono_us(void);

/*
 * An open-addressing index over an array of elements that each hold a
 * uint32_t key at byte offset keyoff: slot[h] is the element's index + 1,
 * 0 when empty; nslot is a power of two.
 */
struct vep_idx {
	uint32_t	*slot;
	size_t		 nslot;
};
/* The slot where key's probe starts (Fibonacci hashing). */
size_t	vep_idx_home(uint32_t key, size_t nslot);
/* The index of the element with this key among base's, or -1. */
long	vep_idx_find(const struct vep_idx *, const void *base, size_t stride, size_t keyoff,
	    uint32_t key);
/* Rebuild with nslot slots over n elements; 0 or -1 (out of memory: unchanged). */
int	vep_idx_rehash(struct vep_idx *, size_t nslot, const void *base, size_t n, size_t stride,
	    size_t keyoff);

/* Enter element index i (already in base) under key; the index has room. */
void	vep_idx_put(struct vep_idx *, uint32_t key, size_t i);

/*
 * Sort the n rows (of size bytes) of v by cmp, then fold each run of rows
 * that same() joins (NULL: that cmp calls equal) into its first row with
 * add(); *n becomes the rows left.
 */
void	vep_sort_fold(void *v, size_t *n, size_t size, int (*cmp)(const void *, const void *),
	    int (*same)(const void *, const void *), void (*add)(void *into, const void *row));

/*
 * The index of the row whose name is s in a table of n rows, each stride
 * bytes, whose name fields start at first; -1 when none is (or s is NULL).
 * VEP_LOOKUP(s, table, n) for a table with a "name" member.
 */
int	vep_lookup(const char *s, const char *const *first, size_t n, size_t stride);
#define VEP_LOOKUP(s, tab, n)	vep_lookup((s), &(tab)[0].name, (n), sizeof((tab)[0]))

/* Exactly n decimal digits at s (no sign, no NUL needed) into *v; 0 or -1. */
int	vep_digits(const char *s, size_t n, long long *v);

#endif
