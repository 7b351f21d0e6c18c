/*
 * Changing an account's e-mail address: see db_account_email.h.  All SQL
 * of the module is in sql[].
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "db_account.h"
#include "db_account_email.h"
#include "db_audit.h"
#include "db_mail.h"
#include "util.h"

enum {
	S_ACCOUNT,
	S_OWNER,
	S_DROP,
	S_INSERT,
	S_GET,
	S_SET,
	S_PENDING,
	S__MAX
};

static const char *const sql[S__MAX] = {
	/* The account with a login, locked: its address now. */
	[S_ACCOUNT] = "SELECT email, login_email FROM accounts WHERE id = ? AND login_email IS NOT NULL "
	    "FOR UPDATE",
	/* Who logs in with an address (the unique key accounts_login). */
	[S_OWNER] = "SELECT id FROM accounts WHERE login_email = ? FOR UPDATE",
	/* Drop the account's pending change (a new request, or the link used). */
	[S_DROP] = "DELETE FROM account_email_changes WHERE account_id = ?",
	[S_INSERT] = "INSERT INTO account_email_changes (token_hash, account_id, new_email, created_at, "
	    "expires_at) VALUES (?, ?, ?, ?, ?)",
	[S_GET] = "SELECT c.account_id, c.new_email, a.email FROM account_email_changes c "
	    "JOIN accounts a ON a.id = c.account_id WHERE c.token_hash = ? AND c.expires_at > ? "
	    "AND a.login_email IS NOT NULL FOR UPDATE",
	[S_SET] = "UPDATE accounts SET email = ?, login_email = ? WHERE id = ?",
	[S_PENDING] = "SELECT new_email FROM account_email_changes WHERE account_id = ? "
	    "AND expires_at > ? ORDER BY created_at DESC LIMIT 1",
};

static void
actor_of(long long id, char out[40])
{
	snprintf(out, 40, "account:%lld", id);
}

/* The account that logs in with email, locked: 1 (*owner), 0 none, < 0 a db_rc. */
static int
owner_of(struct db *db, const char *email, long long *owner)
{
	struct dbv p[] = { DBV_STR(email) };
	struct dbo o[] = { DBO_INT(owner) };

	return db_one(db, sql[S_OWNER], p, 1, o, 1);
}

struct request {
	long long	 id, now, expires;
	const char	*email, *token, *token_hash;
	int		 what;
};

static int
request_tx(struct db *db, void *arg)
{
	struct request *x = arg;
	char cur[255] = "", login[255] = "", actor[40];
	long long owner = 0;
	int rc;

	struct dbv pa[] = { DBV_INT(x->id) };
	struct dbo oa[] = { DBO_STR(cur), DBO_STR(login) };
	if ((rc = db_one(db, sql[S_ACCOUNT], pa, 1, oa, nitems(oa))) != 1) {
		x->what = AE_GONE;
		return rc < 0 ? rc : DB_OK;
	}
	if (strcmp(login, x->email) == 0) {
		x->what = AE_SAME;
		return DB_OK;
	}
	if ((rc = owner_of(db, x->email, &owner)) < 0)
		return rc;
	if (rc == 1) {
		/* Another account's: its owner is told (once an hour), nothing else changes. */
		x->what = AE_TAKEN;
		return db_account_tell_exists(db, owner, "email_change", x->now);
	}
	struct dbv pd[] = { DBV_INT(x->id) };
	if ((rc = db_exec(db, sql[S_DROP], pd, 1, NULL, NULL)) != DB_OK)
		return rc;
	struct dbv pi[] = { DBV_STR(x->token_hash), DBV_INT(x->id), DBV_STR(x->email), DBV_INT(x->now),
	    DBV_INT(x->expires) };
	if ((rc = db_exec(db, sql[S_INSERT], pi, nitems(pi), NULL, NULL)) != DB_OK)
		return rc;
	/* The link waits in the outbox row until the relay has it (as a sign-up's). */
	struct mail_new m = { .kind = "email_change", .account_id = x->id, .rcpt = x->email,
	    .now = x->now };
	if ((rc = db_mail_queue_link(db, &m, x->token_hash, x->token, x->expires)) != DB_OK)
		return rc;
	actor_of(x->id, actor);
	x->what = AE_SENT;
	return db_audit(db, x->now, actor, "account.email_request", x->email, NULL, NULL);
}

int
db_account_email_request(struct db *db, long long id, const char *email_norm, const char *token,
    const char *token_hash, long long now, long long expires)
{
	struct request x = { id, now, expires, email_norm, token, token_hash, 0 };
	int rc = db_tx(db, request_tx, &x);

	return rc == DB_OK ? x.what : rc;
}

struct confirm {
	const char	*token_hash;
	long long	 now, id;
	int		 what;
};

static int
confirm_tx(struct db *db, void *arg)
{
	struct confirm *x = arg;
	char neu[255] = "", old[255] = "", actor[40], ref[40];
	long long owner = 0;
	int rc;

	struct dbv pg[] = { DBV_STR(x->token_hash), DBV_INT(x->now) };
	struct dbo og[] = { DBO_INT(&x->id), DBO_STR(neu), DBO_STR(old) };
	if ((rc = db_one(db, sql[S_GET], pg, nitems(pg), og, nitems(og))) != 1) {
		x->what = 0;
		return rc < 0 ? rc : DB_OK;
	}
	struct dbv ps[] = { DBV_INT(x->id) };
	if ((rc = db_exec(db, sql[S_DROP], ps, 1, NULL, NULL)) != DB_OK)
		return rc;
	/* Taken by another account since the request: the link is spent, nothing changes. */
	if ((rc = owner_of(db, neu, &owner)) < 0)
		return rc;
	if (rc == 1 && owner != x->id) {
		x->what = 2;
		return DB_OK;
	}
	struct dbv pu[] = { DBV_STR(neu), DBV_STR(neu), DBV_INT(x->id) };
	if ((rc = db_exec(db, sql[S_SET], pu, nitems(pu), NULL, NULL)) != DB_OK)
		return rc;
	snprintf(ref, sizeof(ref), "%.16s-%lld", x->token_hash, x->now);
	/* Told to the old address, which is no longer the account's. */
	struct mail_new m = { .kind = "email_changed", .ref = ref, .account_id = x->id, .rcpt = old,
	    .detail = neu, .now = x->now };
	if ((rc = db_mail_queue(db, &m, 0)) != DB_OK)
		return rc;
	actor_of(x->id, actor);
	json_t *b = json_pack("{s:s}", "email", old), *a = json_pack("{s:s}", "email", neu);
	x->what = 1;
	return db_audit_json(db, x->now, actor, "account.email", neu, b, a);
}

int
db_account_email_confirm(struct db *db, const char *token_hash, long long now, long long *id)
{
	struct confirm x = { token_hash, now, 0, 0 };
	int rc = db_tx(db, confirm_tx, &x);

	if (rc != DB_OK)
		return rc;
	*id = x.id;
	return x.what;
}

int
db_account_email_pending(struct db *db, long long id, long long now, char out[255])
{
	struct dbv p[] = { DBV_INT(id), DBV_INT(now) };
	struct dbo o[] = { DBO_STRP(out, 255) };

	out[0] = '\0';
	return db_one(db, sql[S_PENDING], p, nitems(p), o, 1);
}
