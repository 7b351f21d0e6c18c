/*
 * db_migrate: the table of applied migrations (schema_migrations) that
 * `vepctl migrate` keeps: each db/migrations/NNNN_what.sql once, with the
 * SHA-256 of its text when it was applied.  Functions return a db_rc.
 */
#ifndef VEP_DB_MIGRATE_H
#define VEP_DB_MIGRATE_H

#include <stddef.h>

struct db;

struct db_migration {
	long long	 version;
	char		 name[129];
	char		 checksum[65];
};

/* Make schema_migrations if it does not exist. */
int	db_migrate_table(struct db *);
/* The applied migrations by version into *rows (free()) and *n. */
int	db_migrate_applied(struct db *, struct db_migration **rows, size_t *n);
/* Record that a migration was applied at now. */
int	db_migrate_record(struct db *, long long version, const char *name, const char *checksum,
	    long long now);

#endif
