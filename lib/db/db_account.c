/*
 * Customer accounts with a login: every SQL statement; see db_account.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_audit.h"
#include "db_account.h"
#include "db_mail.h"
#include "util.h"

enum stmt {
	S_BY_LOGIN,
	S_INSERT,
	S_SET_HASH,
	S_LINK_DROP,
	S_LINK_INSERT,
	S_VERIFY_GET,
	S_VERIFY_SET,
	S_HASH,
	S_GET,
	S_PROFILE,
	S_VES,
	S_VE_LOCK,
	S_VE_MOVE,
	S_ORDER_MOVE,
	S_LINK_LOG,
	S_INVOICES,
	S_DOC_OWNED,
	S_RESET_INSERT,
	S_RESET_GET,
	S_RESET_MARK,
	S_RESET_HASH,
	S__MAX
};

static const char *const sql[S__MAX] = {
	[S_BY_LOGIN] = "SELECT id, verified_at IS NOT NULL FROM accounts WHERE login_email = ? FOR UPDATE",
	[S_INSERT] = "INSERT INTO accounts (email, login_email, password_hash, created_at) "
	    "VALUES (?, ?, ?, ?)",
	[S_SET_HASH] = "UPDATE accounts SET password_hash = ? WHERE id = ? AND verified_at IS NULL",
	[S_LINK_DROP] = "DELETE FROM account_verifications WHERE account_id = ?",
	[S_LINK_INSERT] = "INSERT INTO account_verifications (token_hash, account_id, created_at, "
	    "expires_at) VALUES (?, ?, ?, ?)",
	[S_VERIFY_GET] = "SELECT account_id FROM account_verifications WHERE token_hash = ? "
	    "AND expires_at > ? FOR UPDATE",
	[S_VERIFY_SET] = "UPDATE accounts SET verified_at = ? WHERE id = ? AND verified_at IS NULL",
	[S_HASH] = "SELECT password_hash FROM accounts WHERE id = ? AND login_email IS NOT NULL "
	    "AND password_hash IS NOT NULL",
	[S_GET] = "SELECT email, COALESCE(verified_at, 0), created_at, name, company, address, vat_id, "
	    "phone, country FROM accounts WHERE id = ? AND login_email IS NOT NULL",
	[S_PROFILE] = "UPDATE accounts SET name = ?, company = ?, address = ?, vat_id = ?, phone = ?, "
	    "country = ? "
	    "WHERE id = ? AND login_email IS NOT NULL",
	[S_VES] = "SELECT v.id, v.state, p.name, p.currency, v.created_at, v.expires_at FROM ves v "
	    "JOIN orders o ON o.id = v.order_id JOIN plans p ON p.id = o.plan_id "
	    "WHERE v.account_id = ? AND v.state <> 'deleted' ORDER BY v.created_at, v.id",
	/* The VE and the account it is in (with or without a login), locked for the move. */
	[S_VE_LOCK] = "SELECT v.account_id, a.login_email IS NOT NULL FROM ves v "
	    "JOIN accounts a ON a.id = v.account_id WHERE v.id = ? AND v.state <> 'deleted' FOR UPDATE",
	[S_VE_MOVE] = "UPDATE ves SET account_id = ? WHERE id = ?",
	[S_ORDER_MOVE] = "UPDATE orders o JOIN ves v ON v.order_id = o.id SET o.account_id = ? "
	    "WHERE v.id = ?",
	/* The account's invoices, newest first, with the VEs each one bills. */
	[S_INVOICES] = "SELECT i.number, i.period, i.currency, i.total_minor, i.issued_at, i.due_at, "
	    "COALESCE((SELECT GROUP_CONCAT(DISTINCT l.ve_id ORDER BY l.ve_id SEPARATOR ' ') "
	    "FROM invoice_lines l WHERE l.invoice_id = i.id), '') FROM invoices i WHERE i.account_id = ? "
	    "ORDER BY i.period DESC, i.id DESC LIMIT 120",
	/* A billing document (invoice, or a credit or debit note on one) of the account. */
	[S_DOC_OWNED] = "SELECT COUNT(*) FROM invoices i WHERE i.account_id = ? AND (i.number = ? OR "
	    "i.id IN (SELECT invoice_id FROM credit_notes WHERE number = ?) OR "
	    "i.id IN (SELECT invoice_id FROM debit_notes WHERE number = ?))",
	[S_RESET_INSERT] = "INSERT INTO account_resets (token_hash, account_id, created_at, expires_at) "
	    "VALUES (?, ?, ?, ?)",
	[S_RESET_GET] = "SELECT account_id FROM account_resets WHERE token_hash = ? AND used_at IS NULL "
	    "AND expires_at > ? FOR UPDATE",
	[S_RESET_MARK] = "UPDATE account_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
	/* The new password; opening the mailed link also proves the address. */
	[S_RESET_HASH] = "UPDATE accounts SET password_hash = ?, verified_at = COALESCE(verified_at, ?) "
	    "WHERE id = ?",
	[S_LINK_LOG] = "INSERT INTO account_links (ve_id, from_account, to_account, at) VALUES (?, ?, ?, ?)",
};

static int
audit(struct db *db, long long id, const char *action, const char *object, long long now)
{
	char actor[40];

	snprintf(actor, sizeof(actor), "account:%lld", id);
	return db_audit(db, now, actor, action, object, NULL, NULL);
}

/* Replace the account's links by token_hash and queue its mail. */
static int
new_link(struct db *db, long long id, const char *token, const char *token_hash, long long now,
    long long expires)
{
	int rc;

	struct dbv pd[] = { DBV_INT(id) };
	if ((rc = db_exec(db, sql[S_LINK_DROP], pd, 1, NULL, NULL)) != DB_OK)
		return rc;
	struct dbv pl[] = { DBV_STR(token_hash), DBV_INT(id), DBV_INT(now), DBV_INT(expires) };
	if ((rc = db_exec(db, sql[S_LINK_INSERT], pl, nitems(pl), NULL, NULL)) != DB_OK)
		return rc;
	/* The link's token waits in the outbox row until it is handed to the relay (as a reset's). */
	struct mail_new m = { .kind = "verify", .account_id = id, .now = now };
	return db_mail_queue_link(db, &m, token_hash, token, expires);
}

/* The transactions commit only on DB_OK (db_tx): their verdicts go into the argument. */
struct signup {
	const char	*email, *pwhash, *token, *token_hash;
	long long	 now, expires, id;
	int		 what;		/* enum acct_signup_rc */
};

static int
signup_tx(struct db *db, void *arg)
{
	struct signup *x = arg;
	long long id = 0, verified = 0;
	uint64_t nid = 0;
	int rc, what;

	struct dbv pe[] = { DBV_STR(x->email) };
	struct dbo oe[] = { DBO_INT(&id), DBO_INT(&verified) };
	if ((rc = db_one(db, sql[S_BY_LOGIN], pe, 1, oe, nitems(oe))) < 0)
		return rc;
	if (rc == 1 && verified) {
		/* Tell the owner by mail, never the visitor on the page. */
		x->id = id;
		x->what = AS_EXISTS;
		return db_account_tell_exists(db, id, "signup", x->now);
	}
	if (rc == 1) {
		/* Unverified: whoever reads the mail owns it; the newest password counts. */
		struct dbv ph[] = { DBV_STR(x->pwhash), DBV_INT(id) };
		if ((rc = db_exec(db, sql[S_SET_HASH], ph, nitems(ph), NULL, NULL)) != DB_OK)
			return rc;
		what = AS_AGAIN;
	} else {
		struct dbv pi[] = { DBV_STR(x->email), DBV_STR(x->email), DBV_STR(x->pwhash), DBV_INT(x->now) };
		if ((rc = db_exec(db, sql[S_INSERT], pi, nitems(pi), NULL, &nid)) != DB_OK)
			return rc == DB_DUP ? DB_RETRY : rc;	/* a twin sign-up won: judge again */
		id = (long long)nid;
		what = AS_NEW;
	}
	if ((rc = new_link(db, id, x->token, x->token_hash, x->now, x->expires)) != DB_OK ||
	    (rc = audit(db, id, what == AS_NEW ? "account.signup" : "account.signup_again", x->email,
	    x->now)) != DB_OK)
		return rc;
	x->id = id;
	x->what = what;
	return DB_OK;
}

int
db_account_signup(struct db *db, const char *email, const char *pwhash, const char *token,
    const char *token_hash, long long now, long long expires, long long *id)
{
	struct signup x = { email, pwhash, token, token_hash, now, expires, 0, 0 };
	int rc = db_tx(db, signup_tx, &x);

	*id = x.id;
	return rc == DB_OK ? x.what : rc;
}

struct relink {
	long long	 id;
	const char	*token, *token_hash;
	long long	 now, expires;
	int		 queued;
};

static int
relink_tx(struct db *db, void *arg)
{
	struct relink *x = arg;
	struct account a;
	int rc;

	x->queued = 0;
	if ((rc = db_account_get(db, x->id, &a)) != 1 || a.verified_at != 0)
		return rc < 0 ? rc : DB_OK;
	if ((rc = new_link(db, x->id, x->token, x->token_hash, x->now, x->expires)) != DB_OK)
		return rc;
	x->queued = 1;
	return DB_OK;
}

int
db_account_relink(struct db *db, long long id, const char *token, const char *token_hash,
    long long now, long long expires)
{
	struct relink x = { id, token, token_hash, now, expires, 0 };
	int rc = db_tx(db, relink_tx, &x);

	return rc == DB_OK ? x.queued : rc;
}

struct verify {
	const char	*hash;
	long long	 now, id;
};

static int
verify_tx(struct db *db, void *arg)
{
	struct verify *x = arg;
	int rc;

	struct dbv p[] = { DBV_STR(x->hash), DBV_INT(x->now) };
	struct dbo o[] = { DBO_INT(&x->id) };
	x->id = 0;
	if ((rc = db_one(db, sql[S_VERIFY_GET], p, nitems(p), o, 1)) != 1) {
		x->id = 0;
		return rc < 0 ? rc : DB_OK;
	}
	struct dbv ps[] = { DBV_INT(x->now), DBV_INT(x->id) };
	struct dbv pd[] = { DBV_INT(x->id) };
	if ((rc = db_exec(db, sql[S_VERIFY_SET], ps, nitems(ps), NULL, NULL)) != DB_OK ||
	    (rc = db_exec(db, sql[S_LINK_DROP], pd, 1, NULL, NULL)) != DB_OK ||
	    (rc = audit(db, x->id, "account.verify", "", x->now)) != DB_OK)
		return rc;
	return DB_OK;
}

int
db_account_verify(struct db *db, const char *token_hash, long long now, long long *id)
{
	struct verify x = { token_hash, now, 0 };
	int rc = db_tx(db, verify_tx, &x);

	*id = rc == DB_OK ? x.id : 0;
	return rc == DB_OK ? x.id != 0 : rc;
}

int
db_account_by_email(struct db *db, const char *email, long long *id)
{
	long long verified;
	/* FOR UPDATE outside a transaction locks nothing beyond the statement. */
	struct dbv p[] = { DBV_STR(email) };
	struct dbo o[] = { DBO_INT(id), DBO_INT(&verified) };

	*id = 0;
	return db_one(db, sql[S_BY_LOGIN], p, 1, o, nitems(o));
}

int
db_account_hash(struct db *db, const char *subject, char *hash, size_t len)
{
	const char *es;
	long long id = vep_strtonum(subject, 1, 0xffffffffLL, &es);

	if (es != NULL)
		return 0;
	struct dbv p[] = { DBV_INT(id) };
	struct dbo o[] = { DBO_STRP(hash, len) };
	return db_one(db, sql[S_HASH], p, 1, o, 1);
}

int
db_account_get(struct db *db, long long id, struct account *a)
{
	memset(a, 0, sizeof(*a));
	a->id = id;
	struct dbv p[] = { DBV_INT(id) };
	struct dbo o[] = { DBO_STR(a->email), DBO_INT(&a->verified_at), DBO_INT(&a->created_at),
	    DBO_STR(a->p.name), DBO_STR(a->p.company), DBO_STR(a->p.address), DBO_STR(a->p.vat_id),
	    DBO_STR(a->p.phone), DBO_STR(a->p.country) };
	return db_one(db, sql[S_GET], p, 1, o, nitems(o));
}

struct profile {
	long long			 id, now;
	const struct acct_profile	*p;
};

static int
profile_tx(struct db *db, void *arg)
{
	const struct profile *x = arg;
	const struct acct_profile *p = x->p;
	int rc;

	struct dbv pp[] = { DBV_STR(p->name), DBV_STR(p->company), DBV_STR(p->address),
	    DBV_STR(p->vat_id), DBV_STR(p->phone), DBV_STR(p->country), DBV_INT(x->id) };
	if ((rc = db_exec(db, sql[S_PROFILE], pp, nitems(pp), NULL, NULL)) != DB_OK)
		return rc;
	return audit(db, x->id, "account.profile", "", x->now);
}

int
db_account_set_profile(struct db *db, long long id, const struct acct_profile *p, long long now)
{
	struct profile x = { id, now, p };

	return db_tx(db, profile_tx, &x);
}

int
db_account_ves(struct db *db, long long id, struct acct_ve **ves, size_t *n)
{
	struct acct_ve x;

	memset(&x, 0, sizeof(x));
	struct dbv p[] = { DBV_INT(id) };
	struct dbo o[] = { DBO_STR(x.ve_id), DBO_STR(x.state), DBO_STR(x.plan), DBO_STR(x.currency),
	    DBO_INT(&x.created_at), DBO_INT(&x.expires_at) };
	return db_select_all(db, sql[S_VES], p, 1, o, nitems(o), &x, sizeof(x), (void **)ves, n);
}

struct link {
	long long	 id;
	const char	*ve;
	long long	 now;
	int		 verdict;	/* enum acct_link_rc */
};

static int
link_tx(struct db *db, void *arg)
{
	struct link *x = arg;
	long long from = 0, has_login = 0;
	int rc;

	struct dbv pv[] = { DBV_STR(x->ve) };
	struct dbo ov[] = { DBO_INT(&from), DBO_INT(&has_login) };
	if ((rc = db_one(db, sql[S_VE_LOCK], pv, 1, ov, nitems(ov))) < 0)
		return rc;
	/* A VE of another account with a login stays there: its owner did not agree. */
	x->verdict = rc == 0 ? AL_NOVE : from == x->id ? AL_ALREADY : has_login ? AL_OTHER : AL_OK;
	if (x->verdict != AL_OK)
		return DB_OK;
	struct dbv pm[] = { DBV_INT(x->id), DBV_STR(x->ve) };
	struct dbv pl[] = { DBV_STR(x->ve), DBV_INT(from), DBV_INT(x->id), DBV_INT(x->now) };
	if ((rc = db_exec(db, sql[S_VE_MOVE], pm, nitems(pm), NULL, NULL)) != DB_OK ||
	    (rc = db_exec(db, sql[S_ORDER_MOVE], pm, nitems(pm), NULL, NULL)) != DB_OK ||
	    (rc = db_exec(db, sql[S_LINK_LOG], pl, nitems(pl), NULL, NULL)) != DB_OK ||
	    (rc = audit(db, x->id, "account.link", x->ve, x->now)) != DB_OK)
		return rc;
	return DB_OK;
}

int
db_account_link(struct db *db, long long id, const char *ve_id, long long now)
{
	struct link x = { id, ve_id, now, 0 };
	int rc = db_tx(db, link_tx, &x);

	return rc == DB_OK ? x.verdict : rc;
}

int
db_account_invoices(struct db *db, long long id, struct acct_invoice **inv, size_t *n)
{
	struct acct_invoice x;

	memset(&x, 0, sizeof(x));
	struct dbv p[] = { DBV_INT(id) };
	struct dbo o[] = { DBO_STR(x.number), DBO_STR(x.period), DBO_STR(x.currency),
	    DBO_INT(&x.total_minor), DBO_INT(&x.issued_at), DBO_INT(&x.due_at), DBO_STR(x.ves) };
	return db_select_all(db, sql[S_INVOICES], p, 1, o, nitems(o), &x, sizeof(x), (void **)inv, n);
}

int
db_account_doc_owned(struct db *db, long long id, const char *number)
{
	long long n = 0;
	struct dbv p[] = { DBV_INT(id), DBV_STR(number), DBV_STR(number), DBV_STR(number) };
	struct dbo o[] = { DBO_INT(&n) };
	int rc = db_one(db, sql[S_DOC_OWNED], p, nitems(p), o, 1);

	return rc < 0 ? rc : n > 0;
}

struct reset_req {
	const char	*email, *token, *token_hash;
	long long	 now, expires;
	int		 queued;
};

static int
reset_request_tx(struct db *db, void *arg)
{
	struct reset_req *x = arg;
	long long id = 0, verified = 0;
	int rc;

	x->queued = 0;
	struct dbv pe[] = { DBV_STR(x->email) };
	struct dbo oe[] = { DBO_INT(&id), DBO_INT(&verified) };
	if ((rc = db_one(db, sql[S_BY_LOGIN], pe, 1, oe, nitems(oe))) != 1)
		return rc < 0 ? rc : DB_OK;	/* no such account: nothing written */
	struct dbv pi[] = { DBV_STR(x->token_hash), DBV_INT(id), DBV_INT(x->now), DBV_INT(x->expires) };
	if ((rc = db_exec(db, sql[S_RESET_INSERT], pi, nitems(pi), NULL, NULL)) != DB_OK)
		return rc;
	struct mail_new m = { .kind = "account_reset", .account_id = id, .now = x->now };
	if ((rc = db_mail_queue_link(db, &m, x->token_hash, x->token, x->expires)) != DB_OK)
		return rc;
	x->queued = 1;
	return DB_OK;
}

int
db_account_reset_request(struct db *db, const char *email, const char *token, const char *token_hash,
    long long now, long long expires)
{
	struct reset_req x = { email, token, token_hash, now, expires, 0 };
	int rc = db_tx(db, reset_request_tx, &x);

	return rc == DB_OK ? x.queued : rc;
}

int
db_account_reset_valid(struct db *db, const char *token_hash, long long now)
{
	long long id = 0;
	struct dbv p[] = { DBV_STR(token_hash), DBV_INT(now) };
	struct dbo o[] = { DBO_INT(&id) };

	return db_one(db, sql[S_RESET_GET], p, nitems(p), o, 1);
}

struct reset_use {
	const char	*token_hash, *pwhash;
	long long	 now, id;
};

static int
reset_use_tx(struct db *db, void *arg)
{
	struct reset_use *x = arg;
	int rc;

	x->id = 0;
	struct dbv p[] = { DBV_STR(x->token_hash), DBV_INT(x->now) };
	struct dbo o[] = { DBO_INT(&x->id) };
	if ((rc = db_one(db, sql[S_RESET_GET], p, nitems(p), o, 1)) != 1) {
		x->id = 0;
		return rc < 0 ? rc : DB_OK;
	}
	struct dbv pm[] = { DBV_INT(x->now), DBV_STR(x->token_hash) };
	struct dbv ph[] = { DBV_STR(x->pwhash), DBV_INT(x->now), DBV_INT(x->id) };
	if ((rc = db_exec(db, sql[S_RESET_MARK], pm, nitems(pm), NULL, NULL)) != DB_OK ||
	    (rc = db_exec(db, sql[S_RESET_HASH], ph, nitems(ph), NULL, NULL)) != DB_OK ||
	    (rc = audit(db, x->id, "account.password_reset", "", x->now)) != DB_OK)
		return rc;
	return DB_OK;
}

int
db_account_reset_use(struct db *db, const char *token_hash, const char *pwhash, long long now,
    long long *id)
{
	struct reset_use x = { token_hash, pwhash, now, 0 };
	int rc = db_tx(db, reset_use_tx, &x);

	*id = rc == DB_OK ? x.id : 0;
	return rc == DB_OK ? x.id != 0 : rc;
}

int
db_account_tell_exists(struct db *db, long long owner, const char *why, long long now)
{
	char ref[48];

	/* At most one "you have an account already" an hour for an address. */
	snprintf(ref, sizeof(ref), "%lld:%lld", owner, now / 3600);
	struct mail_new m = { .kind = "account_exists", .ref = ref, .account_id = owner,
	    .detail = why, .now = now };
	return db_mail_queue(db, &m, 1);
}
