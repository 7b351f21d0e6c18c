/*
 * The dashboard's precomputed page: see db_vepage.h.  The read is in
 * db_auth.c (one statement with the session); the invalidation in the
 * triggers of db/migrations/0022_ve_page.sql.
 */
#include <stdint.h>

#include "db.h"
#include "db_vepage.h"
#include "util.h"

enum stmt { S_CLAIM, S_STORE, S_PRUNE, S_BODY, S__MAX };

static const char *const sql[S__MAX] = {
	[S_CLAIM] = "INSERT IGNORE INTO ve_page (ve_id) VALUES (?)",
	[S_STORE] = "UPDATE ve_page SET made_ms = ?, marker = ?, body = ? "
	    "WHERE ve_id = ? AND generation = ?",
	/*
	 * The page, not the row: the generation stays, so a render that read
	 * the row before this and stores after it is still checked against
	 * every write in between.  In chunks, so that no trigger waits long.
	 */
	[S_PRUNE] = "UPDATE ve_page SET made_ms = 0, marker = '', body = NULL "
	    "WHERE body IS NOT NULL AND made_ms < ? LIMIT 1000",
	/* The version named by the session's statement, or nothing if it was replaced since. */
	[S_BODY] = "SELECT body FROM ve_page WHERE ve_id = ? AND generation = ? AND made_ms = ? "
	    "AND marker = ?",
};

int
db_vepage_claim(struct db *db, const char *ve_id)
{
	struct dbv p[] = { DBV_STR(ve_id) };

	return db_exec(db, sql[S_CLAIM], p, nitems(p), NULL, NULL);
}

int
db_vepage_store(struct db *db, const char *ve_id, long long generation, long long made_ms,
    const char *marker, const char *body, size_t len, int *stored)
{
	struct dbv p[] = { DBV_INT(made_ms), DBV_STR(marker), DBV_STRN(body, len), DBV_STR(ve_id),
	    DBV_INT(generation) };
	uint64_t n = 0;
	int rc;

	*stored = 0;
	if (len >= VEPAGE_MAX)
		return DB_OK;
	if ((rc = db_exec(db, sql[S_STORE], p, nitems(p), &n, NULL)) == DB_OK)
		*stored = n == 1;
	return rc;
}

int
db_vepage_prune(struct db *db, long long before_ms, long long *pruned)
{
	struct dbv p[] = { DBV_INT(before_ms) };
	uint64_t n;
	int rc;

	*pruned = 0;
	do {
		n = 0;
		if ((rc = db_exec(db, sql[S_PRUNE], p, nitems(p), &n, NULL)) != DB_OK)
			return rc;
		*pruned += (long long)n;
	} while (n == 1000);
	return DB_OK;
}

int
db_vepage_body(struct db *db, const char *ve_id, long long generation, long long made_ms,
    const char *marker, char *body, size_t cap)
{
	struct dbv p[] = { DBV_STR(ve_id), DBV_INT(generation), DBV_INT(made_ms), DBV_STR(marker) };
	struct dbo o[] = { DBO_STRP(body, cap) };

	return db_one(db, sql[S_BODY], p, nitems(p), o, nitems(o));
}
