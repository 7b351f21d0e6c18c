/*
 * db_auth: what authentication keeps in the database: admin bearer tokens
 * (their SHA-256), sessions (only the SHA-256 of a session id is stored)
 * with their CSRF token, and failed logins for throttling.
 */
#ifndef VEP_DB_AUTH_H
#define VEP_DB_AUTH_H

#include <stddef.h>

struct db;

/* Admin bearer token: 1 valid, 0 not, < 0 db error. */
int	auth_admin_token_ok(struct db *, const char *token);

/*
 * A VE-scoped read-only owner token (kind "ve"): 1 valid with its VE's id
 * in ve_id (the VE not deleted), 0 not, < 0 db error.
 */
int	auth_ve_token_ok(struct db *, const char *token, char ve_id[9]);

struct session {
	char	subject[65];
	char	csrf[65];
	char	id[65];		/* the cookie value (only when just created) */
	long long created_at, last_seen;
};

/*
 * Create a session for (kind, subject); fills s->id (cookie value) and
 * s->csrf.  Returns 0 or a db_rc.
 */
int	session_create(struct db *, const char *kind, const char *subject, long long now,
	    struct session *s);
/*
 * Look up the cookie value: 1 valid (and touched), 0 absent/expired, < 0 db
 * error.  Expired sessions are deleted.
 */
int	session_get(struct db *, const char *kind, const char *cookie, long long now,
	    long long idle_s, long long max_s, struct session *s);
/*
 * Which version of a VE's precomputed dashboard (db_vepage.h) is current,
 * read with its session: found 0: no row; else generation, made_ms (0: no
 * page yet, or invalidated) and the marker standing for the CSRF token in
 * the body (random at each render: it names the version).  The body
 * itself is read with db_vepage_body when the worker does not have it.
 */
struct session_page {
	int		 found;
	long long	 generation, made_ms;
	char		 marker[65];
};
/* session_get, and the session's subject's page into pg in the same statement. */
int	session_get_page(struct db *, const char *kind, const char *cookie, long long now,
	    long long idle_s, long long max_s, struct session *s, struct session_page *pg);
int	session_destroy(struct db *, const char *cookie);
/* Remove every session of (kind, subject), e.g. after a password change. */
int	session_destroy_subject(struct db *, const char *kind, const char *subject);

enum throttle { THROTTLE_OK = 0, THROTTLE_LOCKED = 1 };
/*
 * Whether a login for subject from addr may proceed now: THROTTLE_LOCKED with
 * *retry_after seconds when the subject had >= per_subject failures or the
 * address >= per_addr failures within window_s.  < 0 on db error.
 */
int	throttle_check(struct db *, const char *subject, const char *addr, long long now,
	    long long window_s, long long per_subject, long long per_addr, long long *retry_after);
int	throttle_fail(struct db *, const char *subject, const char *addr, long long now);
/*
 * Log a refused login or order (what: "failed", "throttled (429, ...)")
 * with the name tried and the client address, never a password; at most
 * 20 lines a minute per process, the rest counted in the next line.
 * Addresses are counted by netaddr_key (IPv6 per /64).
 */
void	auth_log_refusal(const char *what, const char *subject, const char *addr, long long now);

#endif
