/*
 * The counts behind the order limits (db_limit.h).  "Paid" means: some
 * invoice of an account with this e-mail address has a payment; until
 * then every VE of the address counts, whichever account it is in (each
 * order makes an account of its own).
 */
#include "db.h"
#include "db_limit.h"
#include "util.h"

enum stmt { S_SINCE, S_UNPAID_EMAIL, S_UNPAID_CLIENT, S__MAX };

#define NEVER_PAID "NOT EXISTS (SELECT 1 FROM accounts b JOIN invoices i ON i.account_id = b.id " \
	"JOIN payments p ON p.invoice_id = i.id WHERE b.email = a.email)"

static const char *const sql[S__MAX] = {
	[S_SINCE] = "SELECT COUNT(*), COALESCE(MIN(created_at), 0) FROM orders "
	    "WHERE client_addr = ? AND created_at > ?",
	[S_UNPAID_EMAIL] = "SELECT COUNT(*) FROM ves v JOIN accounts a ON a.id = v.account_id "
	    "WHERE a.email = ? AND v.state <> 'deleted' AND " NEVER_PAID,
	[S_UNPAID_CLIENT] = "SELECT COUNT(*) FROM ves v JOIN orders o ON o.id = v.order_id "
	    "JOIN accounts a ON a.id = v.account_id "
	    "WHERE o.client_addr = ? AND v.state <> 'deleted' AND " NEVER_PAID,
};

int
db_limit_orders_since(struct db *db, const char *client, long long since, long long *n,
    long long *oldest)
{
	struct dbv p[] = { DBV_STR(client), DBV_INT(since) };
	struct dbo o[] = { DBO_INT(n), DBO_INT(oldest) };
	int rc;

	*n = *oldest = 0;
	rc = db_one(db, sql[S_SINCE], p, nitems(p), o, nitems(o));
	return rc < 0 ? rc : DB_OK;
}

int
db_limit_unpaid(struct db *db, const char *email, const char *client, long long *by_email,
    long long *by_client)
{
	struct dbv pe[] = { DBV_STR(email) };
	struct dbo oe[] = { DBO_INT(by_email) };
	int rc;

	*by_email = *by_client = 0;
	if ((rc = db_one(db, sql[S_UNPAID_EMAIL], pe, nitems(pe), oe, nitems(oe))) < 0)
		return rc;
	if (client == NULL)
		return DB_OK;
	struct dbv pc[] = { DBV_STR(client) };
	struct dbo oc[] = { DBO_INT(by_client) };
	rc = db_one(db, sql[S_UNPAID_CLIENT], pc, nitems(pc), oc, nitems(oc));
	return rc < 0 ? rc : DB_OK;
}
