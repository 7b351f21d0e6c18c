/*
 * vep-self: the plain dashboard (GET /self without a notice, the hour's
 * charts) from the VE's precomputed page (issue 19; README "Where the
 * time goes", lib/db/db_vepage.h).  The dispatcher read the page with the
 * session in one statement (PAGE_CACHED): no session, no page, so logout
 * and expiry take effect at once.  A page younger than a second (the
 * metering's own granularity) is served with the session's CSRF token put
 * in place of its marker; an older or invalidated one is rendered again
 * with today's code and stored for the next requests.  The page holds
 * nothing of the session but the token: the VE's figures only, the same
 * for every session of the VE.
 */
#include "self.h"
#include "db_vepage.h"
#include "secret.h"
#include "vechart.h"

#define VEPAGE_AGE_MS	1000	/* a stored page is served this long */
#define MARKER_LEN	64	/* the marker and the CSRF token: 64 hex digits */

/* Each marker in b (MARKER_LEN bytes, chosen at random at the render) becomes csrf. */
static void
put_csrf(struct buf *b, const char *marker, const char *csrf)
{
	char *p = b->data, *end = b->data + b->len;

	while (p != NULL && end - p >= MARKER_LEN) {
		if ((p = memchr(p, marker[0], (size_t)(end - p - MARKER_LEN + 1))) == NULL)
			break;
		if (memcmp(p, marker, MARKER_LEN) == 0) {
			memcpy(p, csrf, MARKER_LEN);
			p += MARKER_LEN;
		} else
			p++;
	}
}

void
dash_cached(struct web *w, struct req *q, struct resp *r)
{
	const struct session_page *pg = &w->page;
	const char *csrf = w->session.csrf;
	long long age = w->now_ms - pg->made_ms;
	char marker[MARKER_LEN + 1];
	int stored;

	if (strlen(csrf) != MARKER_LEN) {
		show_dashboard(w, q, r, 200, VR_HOUR, 0, NULL);
		return;
	}
	if (pg->found && pg->made_ms > 0 && age >= 0 && age < VEPAGE_AGE_MS &&
	    strlen(pg->marker) == MARKER_LEN) {
		r->private_page = 1;
		r->status = 200;
		buf_reset(&r->body);
		buf_append(&r->body, pg->body, strlen(pg->body));
		if (!r->body.oom) {
			put_csrf(&r->body, pg->marker, csrf);
			return;
		}
		buf_reset(&r->body);
	}
	if (!pg->found) {
		/*
		 * The first view: the row from now on, this render not kept (a
		 * write before the row existed bumped nothing).
		 */
		db_vepage_claim(w->db, w->session.subject);
		show_dashboard(w, q, r, 200, VR_HOUR, 0, NULL);
		return;
	}
	if (auth_token_hex(marker, MARKER_LEN / 2) == -1) {
		show_dashboard(w, q, r, 200, VR_HOUR, 0, NULL);
		return;
	}
	if (dash_build(w, q, r, 200, VR_HOUR, 0, NULL, marker) != 1 || r->status != 200)
		return;
	/* Kept only while no write came since the row was read (its generation). */
	db_vepage_store(w->db, w->session.subject, pg->generation, w->now_ms, marker, r->body.data,
	    r->body.len, &stored);
	put_csrf(&r->body, marker, csrf);
}
