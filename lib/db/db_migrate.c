/* The applied migrations: see db_migrate.h. */
#include <string.h>

#include "db.h"
#include "db_migrate.h"
#include "util.h"

enum stmt {
	S_MIG_CREATE,
	S_MIG_LIST,
	S_MIG_INSERT,
	S__MAX
};

static const char *const sql[S__MAX] = {
	[S_MIG_CREATE] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version INT UNSIGNED NOT NULL PRIMARY KEY, name VARCHAR(128) NOT NULL, "
	    "checksum CHAR(64) NOT NULL, applied_at BIGINT NOT NULL) ENGINE=InnoDB",
	[S_MIG_LIST] = "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
	[S_MIG_INSERT] = "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
	    "VALUES (?, ?, ?, ?)",
};

int
db_migrate_table(struct db *db)
{
	return db_exec(db, sql[S_MIG_CREATE], NULL, 0, NULL, NULL);
}

int
db_migrate_applied(struct db *db, struct db_migration **rows, size_t *n)
{
	struct db_migration x;
	struct dbo o[] = { DBO_INT(&x.version), DBO_STR(x.name), DBO_STR(x.checksum) };

	memset(&x, 0, sizeof(x));
	return db_select_all(db, sql[S_MIG_LIST], NULL, 0, o, nitems(o), &x, sizeof(x), (void **)rows,
	    n);
}

int
db_migrate_record(struct db *db, long long version, const char *name, const char *checksum,
    long long now)
{
	struct dbv p[] = { DBV_INT(version), DBV_STR(name), DBV_STR(checksum), DBV_INT(now) };

	return db_exec(db, sql[S_MIG_INSERT], p, nitems(p), NULL, NULL);
}
