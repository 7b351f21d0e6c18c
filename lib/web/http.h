/*
 * The web edge: untrusted request bytes become a validated struct req once,
 * here, before any handler runs (kcgi's rule).  The parsers are pure
 * functions over (buffer, length) so the fuzz harnesses in tests/fuzz/ can
 * drive them without a web server.
 */
#ifndef VEP_HTTP_H
#define VEP_HTTP_H

#include <stddef.h>
#include <jansson.h>

#include "kv.h"
#include "util.h"

enum http_method { M_GET = 1, M_POST = 2, M_DELETE = 4, M_HEAD = 8, M_PUT = 16, M_OTHER = 32, M_PATCH = 64 };

/*
 * Parse application/x-www-form-urlencoded (also query strings): '&'
 * separated, '+' is a space, %XX escapes.  Refuses bad escapes, NUL bytes,
 * invalid UTF-8, keys longer than KV_MAX_KEY and more than KV_MAX_PAIRS
 * pairs.  Returns 0, or -1 with *err set to a sentence for the client.
 */
int	 urlenc_parse(const char *s, size_t len, struct kvlist *out, const char **err);
/* Parse a Cookie header ("a=b; c=d"); malformed pairs are skipped. */
int	 cookie_parse(const char *s, size_t len, struct kvlist *out, const char **err);
/*
 * Parse a JSON request body: an object, depth and size bounded, valid UTF-8.
 * Returns a new reference (json_decref) or NULL with *err set.
 */
json_t	*json_body_parse(const char *s, size_t len, const char **err);

struct req {
	enum http_method method;
	char		*path;		/* decoded-free, as sent, without query */
	struct kvlist	 query;
	struct kvlist	 form;		/* urlencoded body */
	struct kvlist	 cookies;
	json_t		*json;		/* JSON body, or NULL */
	char		*remote_addr;
	char		*authorization;
	char		*sec_fetch_site;
	char		*accept;
	char		*content_type;
	char		*host;
	int		 https;
	int		 body_kind;	/* 0 none, 1 form, 2 json */
	/* The body as received (borrowed, valid while the request is served: signatures). */
	const char	*raw_body;
	size_t		 raw_len;
	char		*vep_signature;	/* the payment provider's Vep-Signature header */
};

/* Environment lookup from FastCGI's envp (NULL-terminated "K=V" strings). */
const char *env_get(char *const *envp, const char *name);

/*
 * Fill r from the FastCGI parameters and the already-read body.  Returns 0,
 * or the HTTP status to answer (400, 413, 415) with *err set.
 */
int	 req_parse(struct req *r, char *const *envp, const char *body, size_t bodylen,
	    const char **err);
void	 req_free(struct req *);
/* Whether the client asked for CSV (Accept: text/csv). */
int	 req_wants_csv(const struct req *);

/* Match a pattern such as "/api/v1/ves/STAR/history" where each STAR (the * character) captures one path segment. */
int	 route_match(const char *pattern, const char *path, char caps[][80], size_t ncaps);

/* Percent-decode in place helper used by tests; returns -1 on a bad escape. */
int	 pct_decode(const char *s, size_t len, struct buf *out, int plus_is_space);

#endif
