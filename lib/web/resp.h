/*
 * Responses: a status, headers and a body collected in memory, then written
 * to the FastCGI stream in one place with the security headers every page
 * carries (CSP without unsafe-inline, nosniff, frame-ancestors 'none',
 * Referrer-Policy; no-store on private pages).
 */
#ifndef VEP_RESP_H
#define VEP_RESP_H

#include <jansson.h>

#include "util.h"

struct resp {
	int		 status;
	const char	*ctype;
	int		 private_page;	/* Cache-Control: no-store */
	struct buf	 hdr;		/* extra "Name: value\r\n" lines */
	struct buf	 body;
};

void	resp_init(struct resp *);
void	resp_free(struct resp *);
/* Add a header; refuses (returns -1) values with CR or LF. */
int	resp_header(struct resp *, const char *name, const char *value);
/*
 * Set a cookie: HttpOnly, SameSite=Strict, Path=/, Secure when https.
 * max_age < 0 deletes it, 0 is a session cookie.
 */
int	resp_cookie(struct resp *, const char *name, const char *value, long max_age, int https);
/* Body as JSON (takes a reference to j, which it decrefs). */
void	resp_json(struct resp *, int status, json_t *j);
/* {"error":{"message":msg,"fields":fields}}; fields may be NULL (stolen). */
void	resp_json_error(struct resp *, int status, const char *msg, json_t *fields);
void	resp_text(struct resp *, int status, const char *ctype, const char *text);
void	resp_redirect(struct resp *, const char *location);
/* The reason phrase of a status code. */
const char *http_reason(int status);
/* Serialize "Status: ...\r\nheaders\r\n\r\nbody" into out (for tests and fcgi). */
void	resp_serialize(struct resp *, struct buf *out, int head_only);

#endif
