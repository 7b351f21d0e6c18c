/* The audit log's one INSERT: see db_audit.h. */
#include <stdlib.h>

#include "db.h"
#include "db_audit.h"
#include "util.h"

const char *const db_audit_sql =
    "INSERT INTO audit_log (at, actor, action, object, before_json, after_json) "
    "VALUES (?, ?, ?, ?, ?, ?)";

int
db_audit(struct db *db, long long at, const char *actor, const char *action, const char *object,
    const char *before_json, const char *after_json)
{
	struct dbv p[] = { DBV_INT(at), DBV_STR(actor), DBV_STR(action), DBV_STR(object),
	    DBV_STR0(before_json), DBV_STR0(after_json) };

	return db_exec(db, db_audit_sql, p, nitems(p), NULL, NULL);
}

int
db_audit_json(struct db *db, long long at, const char *actor, const char *action,
    const char *object, json_t *before, json_t *after)
{
	char *b = before != NULL ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *a = after != NULL ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = DB_NOMEM;

	if ((before == NULL || b != NULL) && (after == NULL || a != NULL))
		rc = db_audit(db, at, actor, action, object, b, a);
	free(b);
	free(a);
	json_decref(before);
	json_decref(after);
	return rc;
}
