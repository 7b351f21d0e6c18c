/*
 * Sessions, admin tokens and login throttling in the database: see
 * db_auth.h.  All their SQL is in the table below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_auth.h"
#include "log.h"
#include "netaddr.h"
#include "secret.h"
#include "util.h"

enum stmt {
	S_TOKEN_OK,
	S_VE_TOKEN_OK,
	S_SESS_INSERT,
	S_SESS_GET,
	S_SESS_GET_PAGE,
	S_SESS_TOUCH,
	S_SESS_DELETE,
	S_SESS_DELETE_SUBJECT,
	S_FAIL_COUNT_SUBJECT,
	S_FAIL_COUNT_ADDR,
	S_FAIL_INSERT,
	S_FAIL_PURGE,
	S__MAX
};

static const char *const sql[S__MAX] = {
	[S_TOKEN_OK] = "SELECT COUNT(*) FROM admin_tokens WHERE token_hash = ? AND revoked_at IS NULL "
	    "AND kind = 'admin'",
	[S_VE_TOKEN_OK] = "SELECT t.ve_id FROM admin_tokens t JOIN ves v ON v.id = t.ve_id "
	    "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.kind = 've' AND v.state <> 'deleted'",
	[S_SESS_INSERT] = "INSERT INTO sessions (id_hash, kind, subject, csrf, created_at, last_seen) "
	    "VALUES (?, ?, ?, ?, ?, ?)",
	[S_SESS_GET] = "SELECT subject, csrf, created_at, last_seen FROM sessions "
	    "WHERE id_hash = ? AND kind = ?",
	/*
	 * The dashboard's one round trip (issue 19): the session and which
	 * version of its VE's precomputed page is current (db_vepage.h) in one
	 * statement; no session, no page.  The body is not read here: the
	 * worker keeps the versions it has (cgi/self/dashcache.c).
	 */
	[S_SESS_GET_PAGE] = "SELECT s.subject, s.csrf, s.created_at, s.last_seen, p.generation, "
	    "p.made_ms, p.marker FROM sessions s LEFT JOIN ve_page p ON p.ve_id = s.subject "
	    "WHERE s.id_hash = ? AND s.kind = ?",
	[S_SESS_TOUCH] = "UPDATE sessions SET last_seen = ? WHERE id_hash = ?",
	[S_SESS_DELETE] = "DELETE FROM sessions WHERE id_hash = ?",
	[S_SESS_DELETE_SUBJECT] = "DELETE FROM sessions WHERE kind = ? AND subject = ?",
	[S_FAIL_COUNT_SUBJECT] = "SELECT COUNT(*), COALESCE(MIN(at), 0) FROM login_failures "
	    "WHERE subject = ? AND at > ?",
	[S_FAIL_COUNT_ADDR] = "SELECT COUNT(*), COALESCE(MIN(at), 0) FROM login_failures "
	    "WHERE addr = ? AND at > ?",
	[S_FAIL_INSERT] = "INSERT INTO login_failures (subject, addr, at) VALUES (?, ?, ?)",
	[S_FAIL_PURGE] = "DELETE FROM login_failures WHERE at < ? LIMIT 1000",
};

int
auth_admin_token_ok(struct db *db, const char *token)
{
	char h[65];
	long long n = 0;
	if (token == NULL || strlen(token) < 32 || strlen(token) > 128)
		return 0;
	vep_sha256_hex(token, strlen(token), h);
	struct dbv p[] = { DBV_STR(h) };
	struct dbo o[] = { DBO_INT(&n) };
	int rc = db_one(db, sql[S_TOKEN_OK], p, nitems(p), o, nitems(o));
	if (rc < 0)
		return rc;
	return n > 0;
}

int
auth_ve_token_ok(struct db *db, const char *token, char ve_id[9])
{
	char h[65];
	ve_id[0] = '\0';
	if (token == NULL || strlen(token) < 32 || strlen(token) > 128)
		return 0;
	vep_sha256_hex(token, strlen(token), h);
	struct dbv p[] = { DBV_STR(h) };
	struct dbo o[] = { DBO_STRP(ve_id, 9) };
	return db_one(db, sql[S_VE_TOKEN_OK], p, nitems(p), o, nitems(o));
}

int
session_create(struct db *db, const char *kind, const char *subject, long long now,
    struct session *s)
{
	char h[65];
	memset(s, 0, sizeof(*s));
	if (auth_token_hex(s->id, 32) == -1 || auth_token_hex(s->csrf, 32) == -1)
		return DB_ERR;
	snprintf(s->subject, sizeof(s->subject), "%s", subject);
	s->created_at = s->last_seen = now;
	vep_sha256_hex(s->id, strlen(s->id), h);
	struct dbv p[] = { DBV_STR(h), DBV_STR(kind), DBV_STR(subject), DBV_STR(s->csrf),
	    DBV_INT(now), DBV_INT(now) };
	return db_exec(db, sql[S_SESS_INSERT], p, nitems(p), NULL, NULL);
}

static int
valid_cookie(const char *c)
{
	if (c == NULL || strlen(c) != 64)
		return 0;
	for (; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return 0;
	return 1;
}

/* session_get, and with pg its VE's page from the same statement. */
static int
sess_get(struct db *db, const char *kind, const char *cookie, long long now,
    long long idle_s, long long max_s, struct session *s, struct session_page *pg)
{
	char h[65];
	int rc, nopage = 1;

	memset(s, 0, sizeof(*s));
	if (pg != NULL) {
		pg->found = 0;
		pg->generation = pg->made_ms = 0;
		pg->marker[0] = '\0';
	}
	if (!valid_cookie(cookie))
		return 0;
	vep_sha256_hex(cookie, 64, h);
	struct dbv p[] = { DBV_STR(h), DBV_STR(kind) };
	struct dbo o[] = { DBO_STR(s->subject), DBO_STR(s->csrf), DBO_INT(&s->created_at),
	    DBO_INT(&s->last_seen), { .type = DBV_T_INT, .i = pg ? &pg->generation : NULL,
	    .isnull = &nopage }, pg ? DBO_INT(&pg->made_ms) : DBO_INT(NULL),
	    pg ? DBO_STR(pg->marker) : DBO_INT(NULL) };
	if ((rc = db_one(db, sql[pg != NULL ? S_SESS_GET_PAGE : S_SESS_GET], p, nitems(p), o,
	    pg != NULL ? nitems(o) : 4)) <= 0)
		return rc;
	if (pg != NULL)
		pg->found = !nopage;
	if (now - s->last_seen > idle_s || now - s->created_at > max_s) {
		struct dbv d[] = { DBV_STR(h) };
		db_exec(db, sql[S_SESS_DELETE], d, nitems(d), NULL, NULL);
		memset(s, 0, sizeof(*s));
		if (pg != NULL)
			pg->found = 0;
		return 0;
	}
	/* Touch at most once a minute: a dashboard refresh need not write. */
	if (now - s->last_seen >= 60) {
		struct dbv t[] = { DBV_INT(now), DBV_STR(h) };
		if ((rc = db_exec(db, sql[S_SESS_TOUCH], t, nitems(t), NULL, NULL)) < 0)
			return rc;
		s->last_seen = now;
	}
	return 1;
}

int
session_get(struct db *db, const char *kind, const char *cookie, long long now,
    long long idle_s, long long max_s, struct session *s)
{
	return sess_get(db, kind, cookie, now, idle_s, max_s, s, NULL);
}

int
session_get_page(struct db *db, const char *kind, const char *cookie, long long now,
    long long idle_s, long long max_s, struct session *s, struct session_page *pg)
{
	return sess_get(db, kind, cookie, now, idle_s, max_s, s, pg);
}

int
session_destroy(struct db *db, const char *cookie)
{
	char h[65];
	if (!valid_cookie(cookie))
		return 0;
	vep_sha256_hex(cookie, 64, h);
	struct dbv p[] = { DBV_STR(h) };
	return db_exec(db, sql[S_SESS_DELETE], p, nitems(p), NULL, NULL);
}

int
session_destroy_subject(struct db *db, const char *kind, const char *subject)
{
	struct dbv p[] = { DBV_STR(kind), DBV_STR(subject) };
	return db_exec(db, sql[S_SESS_DELETE_SUBJECT], p, nitems(p), NULL, NULL);
}

/*
 * Failed logins and refusals are logged with the address and the name
 * tried (never the password), at most LOG_BURST lines a minute per
 * process, so a flood cannot fill the disk; the lines left out are counted
 * in the next one written.
 */
#define LOG_BURST	20

static int
auth_log_allowed(long long now, long long *dropped)
{
	static long long minute = -1, n, skipped;	/* the only file-scope state: a log budget */

	if (now / 60 != minute) {
		minute = now / 60;
		n = 0;
	}
	if (n >= LOG_BURST) {
		skipped++;
		return 0;
	}
	n++;
	*dropped = skipped;
	skipped = 0;
	return 1;
}

void
auth_log_refusal(const char *what, const char *subject, const char *addr, long long now)
{
	long long dropped = 0;
	char more[64] = "";

	if (!auth_log_allowed(now, &dropped))
		return;
	if (dropped > 0)
		snprintf(more, sizeof(more), " (%lld similar lines left out)", dropped);
	log_warnx("login %s: subject \"%.64s\" from %s%s", what, subject ? subject : "",
	    addr && *addr ? addr : "?", more);
}

int
throttle_check(struct db *db, const char *subject, const char *addr, long long now,
    long long window_s, long long per_subject, long long per_addr, long long *retry_after)
{
	long long n = 0, oldest = 0;
	int rc;

	char key[NETADDR_KEY_MAX];

	*retry_after = 0;
	netaddr_key(addr, key);		/* IPv6 counted per /64 */
	struct dbv ps[] = { DBV_STR(subject), DBV_INT(now - window_s) };
	struct dbo o[] = { DBO_INT(&n), DBO_INT(&oldest) };
	if ((rc = db_one(db, sql[S_FAIL_COUNT_SUBJECT], ps, nitems(ps), o, nitems(o))) < 0)
		return rc;
	if (n >= per_subject) {
		*retry_after = oldest + window_s - now > 0 ? oldest + window_s - now : 1;
		auth_log_refusal("throttled (429, per VE)", subject, addr, now);
		return THROTTLE_LOCKED;
	}
	struct dbv pa[] = { DBV_STR(key), DBV_INT(now - window_s) };
	if ((rc = db_one(db, sql[S_FAIL_COUNT_ADDR], pa, nitems(pa), o, nitems(o))) < 0)
		return rc;
	if (n >= per_addr) {
		*retry_after = oldest + window_s - now > 0 ? oldest + window_s - now : 1;
		auth_log_refusal("throttled (429, per address)", subject, addr, now);
		return THROTTLE_LOCKED;
	}
	return THROTTLE_OK;
}

int
throttle_fail(struct db *db, const char *subject, const char *addr, long long now)
{
	char key[NETADDR_KEY_MAX];
	struct dbv p[] = { DBV_STR(subject), DBV_STR(netaddr_key(addr, key)), DBV_INT(now) };
	struct dbv q[] = { DBV_INT(now - 86400) };
	int rc = db_exec(db, sql[S_FAIL_INSERT], p, nitems(p), NULL, NULL);

	auth_log_refusal("failed", subject, addr, now);
	if (rc == DB_OK)
		db_exec(db, sql[S_FAIL_PURGE], q, nitems(q), NULL, NULL);
	return rc;
}

/*
 * Why lock files and not a counter: a worker killed mid-hash releases its
 * flock with its last descriptor, so a slot can never leak.
 */
