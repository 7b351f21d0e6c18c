/*
 * kv: a list of key-value pairs, in the order given and with repeats
 * (a form's or a query string's fields, cookies).  lib/web/http.c fills
 * them from request bytes; lib/domain/order.c reads a form's fields from
 * one without knowing about HTTP.
 */
#ifndef VEP_KV_H
#define VEP_KV_H

#include <stddef.h>

#define KV_MAX_PAIRS	256
#define KV_MAX_KEY	64

struct kv {
	char	*key;
	char	*val;		/* NUL-terminated; never contains NUL */
	size_t	 vlen;
};

struct kvlist {
	struct kv	*v;
	size_t		 n, cap;
};

void	 kv_free(struct kvlist *);
/* First value of key, or NULL.  Borrowed from the list. */
const char *kv_get(const struct kvlist *, const char *key);
/* How many times key occurs. */
size_t	 kv_count(const struct kvlist *, const char *key);

#endif
