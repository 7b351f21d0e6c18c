/* The gapless document-number counter: see db_docnum.h. */
#include <stdio.h>

#include "db.h"
#include "db_docnum.h"
#include "util.h"

enum stmt { S_INIT, S_LOCK, S_SET, S__MAX };

static const char *const sql[S__MAX] = {
	[S_INIT] = "INSERT IGNORE INTO billing_counters (kind, year, next_no) VALUES (?, ?, 1)",
	[S_LOCK] = "SELECT next_no FROM billing_counters WHERE kind = ? AND year = ? FOR UPDATE",
	[S_SET] = "UPDATE billing_counters SET next_no = ? WHERE kind = ? AND year = ?",
};

struct init {
	const char	*kind;
	int		 year;
};

static int
init_tx(struct db *db, void *arg)
{
	const struct init *x = arg;
	struct dbv p[] = { DBV_STR(x->kind), DBV_INT(x->year) };

	return db_exec(db, sql[S_INIT], p, 2, NULL, NULL);
}

int
db_docnum_prepare(struct db *db, const char *kind, int year)
{
	struct init x = { kind, year };

	return db_tx(db, init_tx, &x);
}

int
db_docnum_lock(struct db *db, const char *kind, int year, long long *next)
{
	struct dbv p[] = { DBV_STR(kind), DBV_INT(year) };
	struct dbo o[] = { DBO_INT(next) };
	int rc = db_one(db, sql[S_LOCK], p, 2, o, 1);

	return rc == 1 ? DB_OK : rc == 0 ? DB_ERR : rc;
}

int
db_docnum_set(struct db *db, const char *kind, int year, long long next)
{
	struct dbv p[] = { DBV_INT(next), DBV_STR(kind), DBV_INT(year) };

	return db_exec(db, sql[S_SET], p, 3, NULL, NULL);
}

void
db_docnum_format(const char *kind, int year, long long n, char out[DB_DOCNUM_LEN])
{
	snprintf(out, DB_DOCNUM_LEN, "%s-%04u-%06lld", kind, (unsigned)year % 10000, n);
}

void
db_docnum_warm(struct db *db)
{
	(void)db_stmt(db, sql[S_LOCK]);
	(void)db_stmt(db, sql[S_SET]);
}
