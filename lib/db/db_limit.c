/*
 * The counts behind the order limits (db_limit.h).  "Paid" means: some
 * invoice of an account with this e-mail address has a payment; until
 * then every VE of the address counts, whichever account it is in (each
 * order makes an account of its own).
 */
#include "db.h"
#include "db_limit.h"
#include "util.h"

enum stmt { S_COUNTS, S__MAX };

#define NEVER_PAID "NOT EXISTS (SELECT 1 FROM accounts b JOIN invoices i ON i.account_id = b.id " \
	"JOIN payments p ON p.invoice_id = i.id WHERE b.email = a.email)"

/* The three limits' counts in one round trip (issue 19: the signup's reads before the hash). */
static const char *const sql[S__MAX] = {
	[S_COUNTS] = "SELECT s.n, s.oldest, "
	    "(SELECT COUNT(*) FROM ves v JOIN accounts a ON a.id = v.account_id "
	    "WHERE a.email = ? AND v.state <> 'deleted' AND " NEVER_PAID "), "
	    "(SELECT COUNT(*) FROM ves v JOIN orders o ON o.id = v.order_id "
	    "JOIN accounts a ON a.id = v.account_id "
	    "WHERE o.client_addr = ? AND v.state <> 'deleted' AND " NEVER_PAID ") "
	    "FROM (SELECT COUNT(*) AS n, COALESCE(MIN(created_at), 0) AS oldest FROM orders "
	    "WHERE client_addr = ? AND created_at > ?) s",
};

int
db_limit_counts(struct db *db, const char *client, const char *email, long long since,
    struct db_limit_counts *c)
{
	struct dbv p[] = { DBV_STR(email), DBV_STR(client), DBV_STR(client), DBV_INT(since) };
	struct dbo o[] = { DBO_INT(&c->since_n), DBO_INT(&c->since_oldest), DBO_INT(&c->by_email),
	    DBO_INT(&c->by_client) };
	int rc;

	c->since_n = c->since_oldest = c->by_email = c->by_client = 0;
	rc = db_one(db, sql[S_COUNTS], p, nitems(p), o, nitems(o));
	return rc < 0 ? rc : DB_OK;
}
