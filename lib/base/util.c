/*
 * Helpers shared by every module; see util.h for the contracts.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util.h"

long long
vep_strtonum_n(const char *s, size_t len, long long min, long long max,
    const char **errstr)
{
	unsigned long long acc = 0, lim;
	size_t i = 0;
	int neg = 0;

	*errstr = "is not a whole number";
	if (len == 0)
		return 0;
	if (s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == len)
		return 0;
	if (s[i] == '0' && len - i > 1)
		return 0;
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
	for (; i < len; i++) {
		unsigned d;
		if (s[i] < '0' || s[i] > '9')
			return 0;
		d = (unsigned)(s[i] - '0');
		if (acc > (lim - d) / 10) {
			*errstr = neg ? "is too small" : "is too large";
			return 0;
		}
		acc = acc * 10 + d;
	}
	long long v;
	if (neg)
		v = acc == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)acc;
	else
		v = (long long)acc;
	if (v < min) {
		*errstr = "is too small";
		return 0;
	}
	if (v > max) {
		*errstr = "is too large";
		return 0;
	}
	*errstr = NULL;
	return v;
}

long long
vep_strtonum(const char *s, long long min, long long max, const char **errstr)
{
	if (s == NULL) {
		*errstr = "is missing";
		return 0;
	}
	return vep_strtonum_n(s, strlen(s), min, max, errstr);
}

int
vep_parse_fixed(const char *s, size_t len, int scale, uint64_t *out)
{
	uint64_t acc = 0;
	size_t i = 0;
	int frac = -1, digits = 0;

	if (len == 0)
		return -1;
	for (; i < len; i++) {
		if (s[i] == '.') {
			if (frac >= 0 || digits == 0)
				return -1;
			frac = 0;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (frac >= 0) {
			if (frac == scale)
				return -1;	/* more precision than promised */
			frac++;
		}
		uint64_t d = (uint64_t)(s[i] - '0');
		if (acc > (UINT64_MAX - d) / 10)
			return -1;
		acc = acc * 10 + d;
		digits++;
	}
	if (frac == 0)
		return -1;		/* "12." */
	for (int k = frac < 0 ? 0 : frac; k < scale; k++) {
		if (acc > UINT64_MAX / 10)
			return -1;
		acc *= 10;
	}
	*out = acc;
	return 0;
}

void
buf_init(struct buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
buf_free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->oom = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static int
buf_grow(struct buf *b, size_t need)
{
	size_t ncap;
	char *p;

	if (b->oom)
		return -1;
	if (need < b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap <= need) {
		if (ncap > SIZE_MAX / 2) {
			b->oom = 1;
			return -1;
		}
		ncap *= 2;
	}
	if ((p = realloc(b->data, ncap)) == NULL) {
		b->oom = 1;
		return -1;
	}
	b->data = p;
	b->cap = ncap;
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (n > SIZE_MAX - b->len - 1 || buf_grow(b, b->len + n + 1) == -1)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_grow(b, b->len + (size_t)n + 1) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

const char *
buf_cstr(struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

int
vep_random(void *p, size_t n)
{
	unsigned char *c = p;
	while (n > 0) {
		ssize_t r = getrandom(c, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

void
vep_hex(const unsigned char *p, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[2 * n] = '\0';
}

int
vep_ct_streq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = (unsigned char)(la != lb);
	for (size_t i = 0; i < la; i++)
		d |= (unsigned char)(a[i] ^ (i < lb ? b[i] : 0));
	return d == 0;
}

void
vep_sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = sizeof(md);
	EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL);
	vep_hex(md, 32, out);
}

int
vep_hmac_sha256_hex(const unsigned char *key, size_t keylen, const void *p, size_t n,
    char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = sizeof(md);

	out[0] = '\0';
	if (HMAC(EVP_sha256(), key, (int)keylen, p, n, md, &mdlen) == NULL || mdlen != 32)
		return -1;
	vep_hex(md, 32, out);
	explicit_bzero(md, sizeof(md));
	return 0;
}

void
vep_iso8601(long long t, char out[21])
{
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
vep_iso_span(const char *from, const char *to, char *out, size_t n)
{
	long long a, b;

	if (n > 0)
		out[0] = '\0';
	if (from == NULL || to == NULL || strlen(from) != 20 || strlen(to) != 20 ||
	    vep_parse_iso8601(from, &a) != 0 || vep_parse_iso8601(to, &b) != 0)
		return -1;
	snprintf(out, n, "%.10s %.5s to %.10s %.5s UTC", from, from + 11, to, to + 11);
	return 0;
}

long long
vep_days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const long long era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static int
days_in_month(long long y, unsigned m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

int
vep_parse_iso8601(const char *s, long long *t)
{
	long long y, mo, d, h = 0, mi = 0, se = 0;
	size_t len = strlen(s);

	if (len != 10 && len != 20)
		return -1;
	if (s[4] != '-' || s[7] != '-' || vep_digits(s, 4, &y) || vep_digits(s + 5, 2, &mo) ||
	    vep_digits(s + 8, 2, &d))
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, (unsigned)mo))
		return -1;
	if (len == 20) {
		if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
		    vep_digits(s + 11, 2, &h) || vep_digits(s + 14, 2, &mi) || vep_digits(s + 17, 2, &se))
			return -1;
		if (h > 23 || mi > 59 || se > 59)
			return -1;
	}
	*t = vep_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
	return 0;
}

int
vep_valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		unsigned c = p[i];
		size_t n;
		unsigned cp;
		if (c < 0x80) { i++; continue; }
		if ((c & 0xe0) == 0xc0) { n = 1; cp = c & 0x1f; }
		else if ((c & 0xf0) == 0xe0) { n = 2; cp = c & 0x0f; }
		else if ((c & 0xf8) == 0xf0) { n = 3; cp = c & 0x07; }
		else return 0;
		if (len - i <= n) return 0;
		for (size_t k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80) return 0;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

int
vep_digits(const char *s, size_t n, long long *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int
vep_grow(void **p, size_t *cap, size_t need, size_t size, size_t first)
{
	size_t n;
	void *np;

	if (need <= *cap)
		return 0;
	n = *cap ? *cap : first;
	while (n < need) {
		if (n > SIZE_MAX / 2 / size)
			return -1;
		n *= 2;
	}
	if ((np = realloc(*p, n * size)) == NULL)
		return -1;
	*p = np;
	*cap = n;
	return 0;
}

int
vep_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int64_t
clock_us(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
vep_wall_us(void)
{
	return clock_us(CLOCK_REALTIME);
}

int64_t
vep_mono_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}

size_t
vep_idx_home(uint32_t key, size_t nslot)
{
	return (size_t)((key * 2654435761u) & (uint32_t)(nslot - 1));
}

static uint32_t
idx_key(const void *base, size_t i, size_t stride, size_t keyoff)
{
	uint32_t k;

	memcpy(&k, (const char *)base + i * stride + keyoff, sizeof(k));
	return k;
}

long
vep_idx_find(const struct vep_idx *x, const void *base, size_t stride, size_t keyoff,
    uint32_t key)
{
	if (x->nslot == 0)
		return -1;
	for (size_t h = vep_idx_home(key, x->nslot);; h = (h + 1) & (x->nslot - 1)) {
		uint32_t v = x->slot[h];
		if (v == 0)
			return -1;
		if (idx_key(base, v - 1, stride, keyoff) == key)
			return (long)(v - 1);
	}
}

int
vep_idx_rehash(struct vep_idx *x, size_t nslot, const void *base, size_t n, size_t stride,
    size_t keyoff)
{
	uint32_t *ns;

	if ((ns = calloc(nslot, sizeof(*ns))) == NULL)
		return -1;
	free(x->slot);
	x->slot = ns;
	x->nslot = nslot;
	for (size_t i = 0; i < n; i++)
		vep_idx_put(x, idx_key(base, i, stride, keyoff), i);
	return 0;
}

void
vep_idx_put(struct vep_idx *x, uint32_t key, size_t i)
{
	size_t h = vep_idx_home(key, x->nslot);

	while (x->slot[h] != 0)
		h = (h + 1) & (x->nslot - 1);
	x->slot[h] = (uint32_t)(i + 1);
}

/* Sort the n rows of v by cmp, then fold each run that same() joins into its first row with add(). */
void
vep_sort_fold(void *v, size_t *n, size_t size, int (*cmp)(const void *, const void *),
    int (*same)(const void *, const void *), void (*add)(void *, const void *))
{
	char *p = v;
	size_t k = 0;

	if (*n > 0)
		qsort(v, *n, size, cmp);
	for (size_t i = 0; i < *n; i++) {
		if (k > 0 && (same != NULL ? same(p + (k - 1) * size, p + i * size) :
		    cmp(p + (k - 1) * size, p + i * size) == 0))
			add(p + (k - 1) * size, p + i * size);
		else {
			if (k != i)
				memcpy(p + k * size, p + i * size, size);
			k++;
		}
	}
	*n = k;
}

int
vep_lookup(const char *s, const char *const *first, size_t n, size_t stride)
{
	for (size_t i = 0; s != NULL && i < n; i++) {
		const char *const *name = (const void *)((const char *)first + i * stride);
		if (strcmp(s, *name) == 0)
			return (int)i;
	}
	return -1;
}
