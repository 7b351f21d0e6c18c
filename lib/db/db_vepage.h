/*
 * db_vepage: the dashboard's precomputed page (table ve_page, migration
 * 0022; README "Where the time goes").  vep-self reads which version of a
 * VE's page is current with the session (db_auth.h session_get_page),
 * serves it while it is younger than a second (from the worker's own copy
 * of that version, else read here once), and else renders the page again
 * and stores it here.  Every
 * write that changes what the page shows bumps the row's generation in
 * the writer's transaction (the triggers of 0022); a render is stored only
 * while the generation it started from is still the row's, so a render
 * that raced a write is dropped, never served.
 */
#ifndef VEP_DB_VEPAGE_H
#define VEP_DB_VEPAGE_H

#include <stddef.h>

struct db;

/* The largest page stored (bytes); a larger one is rendered at each request. */
#define VEPAGE_MAX	(512 * 1024)

/*
 * The first view of a VE: its row without a page (generation 0), so that
 * writes from now on bump it.  That view's own render is not stored: it
 * may have read the VE before a write that found no row to bump.  0 or a
 * db_rc.
 */
int	db_vepage_claim(struct db *, const char *ve_id);

/*
 * Store body (len bytes, marker where the CSRF token goes) rendered at
 * made_ms from a read of the row at generation: *stored 1 when the row
 * still had that generation, 0 when a write came between (nothing
 * written).  0 or a db_rc.
 */
int	db_vepage_store(struct db *, const char *ve_id, long long generation, long long made_ms,
	    const char *marker, const char *body, size_t len, int *stored);

/*
 * Drop the pages made before before_ms (ms), and the invalidated ones
 * still holding a body: a page nobody looks at costs its size (12-15 KB)
 * for nothing.  The row and its generation stay; the next view renders
 * the page again.  *pruned: how many.  0 or a db_rc.
 */
int	db_vepage_prune(struct db *, long long before_ms, long long *pruned);

/*
 * The body of the version (generation, made_ms, marker) of ve_id's page
 * into body (cap bytes, at least VEPAGE_MAX + 1; NUL-terminated): 1, or 0
 * when the row holds another version now (render it again), or a db_rc.
 */
int	db_vepage_body(struct db *, const char *ve_id, long long generation, long long made_ms,
	    const char *marker, char *body, size_t cap);

#endif
