/* Taking pool addresses for a VE: see db_addr.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_addr.h"
#include "util.h"

enum stmt { S_PICK_GOT, S_ASSIGN, S__MAX };

static const char *const sql[S__MAX] = {
	/* The pool's columns by scalar subqueries: only the address rows are locked. */
	[S_PICK_GOT] = "SELECT a.id, a.address, (SELECT p.netmask FROM ip_pools p WHERE p.id = a.pool_id), "
	    "(SELECT p.gateway FROM ip_pools p WHERE p.id = a.pool_id), "
	    "(SELECT p.dns1 FROM ip_pools p WHERE p.id = a.pool_id), "
	    "(SELECT COALESCE(p.dns2, '') FROM ip_pools p WHERE p.id = a.pool_id) "
	    "FROM ip_addresses a WHERE a.pool_id = ? AND a.ve_id IS NULL "
	    "ORDER BY a.addr_num LIMIT ? FOR UPDATE SKIP LOCKED",
	[S_ASSIGN] = "UPDATE ip_addresses SET ve_id = ?, seq = ?, dns_name = ? "
	    "WHERE id = ? AND ve_id IS NULL",
};

int
db_addr_pick_got(struct db *db, long long pool, long long count, struct db_addr_got *got)
{
	struct db_addr_got g;
	struct db_cur cur;
	long long n = 0;
	int rc;

	memset(&g, 0, sizeof(g));
	struct dbv p[] = { DBV_INT(pool), DBV_INT(count) };
	struct dbo o[] = { DBO_INT(&g.id), DBO_STR(g.address), DBO_STR(g.netmask), DBO_STR(g.gateway),
	    DBO_STR(g.dns1), DBO_STR(g.dns2) };
	if ((rc = db_query(db, &cur, sql[S_PICK_GOT], p, nitems(p), o, nitems(o))) != DB_OK)
		return rc;
	while ((rc = db_next(&cur)) == 1 && n < count)
		got[n++] = g;
	db_cur_close(&cur);
	return rc < 0 ? rc : (int)n;
}

int
db_addr_pick(struct db *db, long long pool, long long count, long long *ids)
{
	struct db_addr_got *got;
	int rc;

	if (count <= 0)
		return 0;
	if ((got = calloc((size_t)count, sizeof(*got))) == NULL)
		return DB_NOMEM;
	if ((rc = db_addr_pick_got(db, pool, count, got)) > 0)
		for (int i = 0; i < rc; i++)
			ids[i] = got[i].id;
	free(got);
	return rc;
}

int
db_addr_assign(struct db *db, const char *ve_id, long long seq, const char *dns, long long id)
{
	uint64_t n = 0;
	int rc;

	struct dbv p[] = { DBV_STR(ve_id), DBV_INT(seq), DBV_STR0(dns), DBV_INT(id) };
	if ((rc = db_exec(db, sql[S_ASSIGN], p, nitems(p), &n, NULL)) != DB_OK)
		return rc;
	return n == 1 ? DB_OK : DB_RETRY;
}
