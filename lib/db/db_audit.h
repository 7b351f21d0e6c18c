/*
 * The audit log (audit_log, db/migrations/0001): every module that records
 * who changed what writes its row through here, in the caller's
 * transaction, so the INSERT is written once.
 */
#ifndef VEP_DB_AUDIT_H
#define VEP_DB_AUDIT_H

#include <jansson.h>

struct db;

/*
 * One audit row: at, actor, action, object, and the state before and after
 * as JSON text (either may be NULL: SQL NULL).  A db_rc.
 */
int	db_audit(struct db *, long long at, const char *actor, const char *action,
	    const char *object, const char *before_json, const char *after_json);
/*
 * The same from JSON values, written compact with sorted keys so that equal
 * states compare equal as text.  Takes the references to before and after
 * (either may be NULL).  A db_rc; DB_NOMEM (nothing written) when a value
 * cannot be dumped.
 */
int	db_audit_json(struct db *, long long at, const char *actor, const char *action,
	    const char *object, json_t *before, json_t *after);
/* The statement, for lists of statements prepared ahead (db_bill_warm). */
extern const char *const db_audit_sql;

#endif
