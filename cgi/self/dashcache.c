/*
 * vep-self: the plain dashboard (GET /self without a notice, the hour's
 * charts) from the VE's precomputed page (issue 19; README "Where the
 * time goes", lib/db/db_vepage.h).  The dispatcher read which version of
 * the page is current with the session in one statement (PAGE_CACHED): no
 * session, no page, so logout and expiry take effect at once.  A page
 * younger than a second (the metering's own granularity) is served, from
 * the worker's copy of that very version or else read once, with the
 * session's CSRF token put in place of its marker; an older or
 * invalidated one is rendered again
 * with today's code and stored for the next requests.  The page holds
 * nothing of the session but the token: the VE's figures only, the same
 * for every session of the VE.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include "self.h"
#include "db_vepage.h"
#include "secret.h"
#include "vechart.h"

#define VEPAGE_AGE_MS	1000	/* a stored page is served this long */
#define VEPAGE_GRACE_MS	500	/* and this much longer while another worker renders it */
#define RENDER_LOCKS	64	/* render lock files in [web] lock_dir, by VE */
#define MARKER_LEN	64	/* the marker and the CSRF token: 64 hex digits */
#define NSLOTS		16	/* versions of pages this worker keeps */

/*
 * The worker's own copies of stored pages, so that the hot statement reads
 * no body (12-15 KB from an off-page blob, sent through the socket and
 * copied twice): a copy is served only when the session's statement named
 * exactly its version (VE, generation, made_ms and the marker drawn at
 * its render), i.e. when the row would have given the same bytes.
 */
struct slot {
	char		 ve_id[9];
	long long	 generation, made_ms;
	char		 marker[MARKER_LEN + 1];
	char		*body;		/* VEPAGE_MAX + 1 bytes, made at first use */
	size_t		 len;
};
static struct slot slots[NSLOTS];

/* The next marker (MARKER_LEN bytes, chosen at random at the render) from p on, or NULL. */
static char *
next_marker(char *p, const char *end, const char *marker)
{
	while (end - p >= MARKER_LEN) {
		if ((p = memchr(p, marker[0], (size_t)(end - p - MARKER_LEN + 1))) == NULL)
			return NULL;
		if (memcmp(p, marker, MARKER_LEN) == 0)
			return p;
		p++;
	}
	return NULL;
}

/* Each marker in b becomes csrf. */
static void
put_csrf(struct buf *b, const char *marker, const char *csrf)
{
	const char *end = b->data + b->len;
	char *p = b->data;

	while ((p = next_marker(p, end, marker)) != NULL) {
		memcpy(p, csrf, MARKER_LEN);
		p += MARKER_LEN;
	}
}

/* A VE's place among n (FNV-1a of its id): its slot, its render lock. */
static unsigned
ve_hash(const char *ve_id, unsigned n)
{
	unsigned h = 2166136261u;

	for (const char *c = ve_id; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	return h % n;
}

static int
slot_is(const struct slot *s, const char *ve_id, const struct session_page *pg)
{
	return s->ve_id[0] != '\0' && strcmp(s->ve_id, ve_id) == 0 && s->generation == pg->generation &&
	    s->made_ms == pg->made_ms && strcmp(s->marker, pg->marker) == 0;
}

/* s now holds the version pg of ve_id, its body already in s->body. */
static void
slot_set(struct slot *s, const char *ve_id, long long generation, long long made_ms,
    const char *marker)
{
	snprintf(s->ve_id, sizeof(s->ve_id), "%.8s", ve_id);
	s->generation = generation;
	s->made_ms = made_ms;
	memcpy(s->marker, marker, sizeof(s->marker));
}

/* Read the version pg of ve_id into s: 1, else 0 (not kept: render). */
static int
slot_fetch(struct web *w, struct slot *s, const char *ve_id, const struct session_page *pg)
{
	s->ve_id[0] = '\0';
	if (s->body == NULL && (s->body = malloc(VEPAGE_MAX + 1)) == NULL)
		return 0;
	if (db_vepage_body(w->db, ve_id, pg->generation, pg->made_ms, pg->marker, s->body,
	    VEPAGE_MAX + 1) != 1)
		return 0;
	s->len = strlen(s->body);
	slot_set(s, ve_id, pg->generation, pg->made_ms, pg->marker);
	return 1;
}

/* The render just stored (body with its marker) kept as this worker's copy. */
static void
slot_keep(struct slot *s, const char *ve_id, long long generation, long long made_ms,
    const char *marker, const struct buf *body)
{
	s->ve_id[0] = '\0';
	if (body->len > VEPAGE_MAX || (s->body == NULL && (s->body = malloc(VEPAGE_MAX + 1)) == NULL))
		return;
	memcpy(s->body, body->data, body->len);
	s->body[body->len] = '\0';
	s->len = body->len;
	slot_set(s, ve_id, generation, made_ms, marker);
}

/* The answer from s, with csrf in place of its markers: 0, or -1 (out of memory). */
static int
slot_serve(const struct slot *s, struct resp *r, const char *csrf)
{
	buf_reset(&r->body);
	buf_append(&r->body, s->body, s->len);
	if (r->body.oom) {
		buf_reset(&r->body);
		return -1;
	}
	put_csrf(&r->body, s->marker, csrf);
	r->private_page = 1;
	r->status = 200;
	return 0;
}

/*
 * Only one worker renders a VE's aged page again: the others serve the
 * version they have meanwhile (up to VEPAGE_GRACE_MS older), instead of
 * every worker rendering the same page at once each second (15 statements
 * each, a burst that stalled every other request).  flock(2) on one of
 * RENDER_LOCKS files in lock_dir (shared by every vep-self on the host),
 * released when the render is stored, or by the kernel should the worker
 * die.  The fd if taken, -1 when another worker holds it, -2 when there is
 * no usable lock directory (each worker renders, as before).
 */
static int
render_lock(struct web *w, const char *ve_id)
{
	const char *dir = conf_str(w->conf, "web", "lock_dir");
	char path[512];
	int fd, busy;

	if (dir == NULL || (size_t)snprintf(path, sizeof(path), "%s/vepage.%u", dir,
	    ve_hash(ve_id, RENDER_LOCKS)) >=
	    sizeof(path))
		return -2;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0660)) == -1)
		return -2;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	busy = errno == EWOULDBLOCK;
	close(fd);
	return busy ? -1 : -2;
}

static void
render_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* The version pg of ve_id from slot s (read into it when it holds another): 0 when served. */
static int
serve_version(struct web *w, struct slot *s, const char *ve_id, const struct session_page *pg,
    struct resp *r, const char *csrf)
{
	if (!slot_is(s, ve_id, pg) && !slot_fetch(w, s, ve_id, pg))
		return -1;
	return slot_serve(s, r, csrf);
}

void
dash_cached(struct web *w, struct req *q, struct resp *r)
{
	const struct session_page *pg = &w->page;
	const char *csrf = w->session.csrf, *ve = w->session.subject;
	long long age = w->now_ms - pg->made_ms;
	struct slot *s = &slots[ve_hash(ve, NSLOTS)];
	char marker[MARKER_LEN + 1];
	int stored, lock = -2, valid;

	if (strlen(csrf) != MARKER_LEN) {
		show_dashboard(w, q, r, 200, VR_HOUR, 0, NULL);
		return;
	}
	/* A version no write invalidated (a write zeroes made_ms and bumps the generation). */
	valid = pg->found && pg->made_ms > 0 && age >= 0 && strlen(pg->marker) == MARKER_LEN;
	if (valid && age < VEPAGE_AGE_MS && serve_version(w, s, ve, pg, r, csrf) == 0)
		return;
	if (valid && age < VEPAGE_AGE_MS + VEPAGE_GRACE_MS && (lock = render_lock(w, ve)) == -1 &&
	    serve_version(w, s, ve, pg, r, csrf) == 0)
		return;
	if (!pg->found) {
		/*
		 * The first view: the row from now on, this render not kept (a
		 * write before the row existed bumped nothing).
		 */
		db_vepage_claim(w->db, ve);
		show_dashboard(w, q, r, 200, VR_HOUR, 0, NULL);
		return;
	}
	if (auth_token_hex(marker, MARKER_LEN / 2) == -1) {
		render_unlock(lock);
		show_dashboard(w, q, r, 200, VR_HOUR, 0, NULL);
		return;
	}
	if (dash_build(w, q, r, 200, VR_HOUR, 0, NULL, marker) == 1 && r->status == 200) {
		/* Kept only while no write came since the row was read (its generation). */
		if (db_vepage_store(w->db, ve, pg->generation, w->now_ms, marker, r->body.data,
		    r->body.len, &stored) == DB_OK && stored)
			slot_keep(s, ve, pg->generation, w->now_ms, marker, &r->body);
		put_csrf(&r->body, marker, csrf);
	}
	render_unlock(lock);
}
