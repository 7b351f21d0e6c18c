/*
 * The mail outbox, reset links and webhook events; see db_mail.h and
 * db/migrations/0017_mail.sql.
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "db_auth.h"
#include "db_bill.h"
#include "db_docs.h"
#include "db_mail.h"
#include "db_tax.h"
#include "db_ve.h"
#include "log.h"
#include "util.h"

enum stmt {
	S_CLAIM,
	S_CLAIMED,
	S_SENT,
	S_RETRY,
	S_COUNTS,
	S_REMIND_INV,
	S_REMIND_DN,
	S_EXPIRY,
	S_CN_INVOICE,
	S_DOC_VES_INV,
	S_DOC_VES_DN,
	S_DOC_VES_CN,
	S_VE_ACCOUNT,
	S_RESET_INSERT,
	S_QUEUE,
	S_QUEUE_ONCE,
	S_RESET_GET,
	S_RESET_MARK,
	S_WEBHOOK_SEEN,
	S_DOC_CUSTOMER,
	S_PRUNE,
	S__MAX
};

/* The open amount of a document as a SQL expression over invoices i (and debit notes d). */
#define INV_OPEN "(i.total_minor " \
	"+ COALESCE((SELECT SUM(c.total_minor) FROM credit_notes c WHERE c.invoice_id = i.id), 0) " \
	"- COALESCE((SELECT SUM(p.amount_minor) FROM payments p WHERE p.invoice_id = i.id), 0))"
#define DN_OPEN "(d.total_minor " \
	"- COALESCE((SELECT SUM(p.amount_minor) FROM debit_note_payments p WHERE p.debit_note_id = d.id), 0))"

static const char *const sql[S__MAX] = {
	[S_CLAIM] = "UPDATE mail_outbox SET lease_owner = ?, lease_until = ? "
	    "WHERE state = 'queued' AND next_try <= ? AND lease_until < ? ORDER BY id LIMIT ?",
	[S_CLAIMED] = "SELECT o.id, o.kind, o.ref, COALESCE(o.account_id, 0), COALESCE(o.ve_id, ''), "
	    "COALESCE(o.number, ''), o.detail, COALESCE(o.secret, ''), o.attempts, o.created_at, "
	    "COALESCE(o.rcpt, a.email, '') FROM mail_outbox o "
	    "LEFT JOIN accounts a ON a.id = COALESCE(o.account_id, "
	    "(SELECT v.account_id FROM ves v WHERE v.id = o.ve_id)) "
	    "WHERE o.lease_owner = ? AND o.state = 'queued' ORDER BY o.id",
	[S_SENT] = "UPDATE mail_outbox SET state = 'sent', sent_at = ?, secret = NULL, "
	    "attempts = attempts + 1, message_id = ?, lease_until = 0, last_error = '' "
	    "WHERE id = ? AND lease_owner = ?",
	[S_RETRY] = "UPDATE mail_outbox SET state = IF(?, 'failed', 'queued'), "
	    "secret = IF(?, NULL, secret), attempts = attempts + 1, next_try = ?, "
	    "last_error = LEFT(?, 255), lease_until = 0 WHERE id = ? AND lease_owner = ?",
	[S_COUNTS] = "SELECT CAST(COALESCE(SUM(state = 'queued'), 0) AS SIGNED), "
	    "CAST(COALESCE(SUM(state = 'failed'), 0) AS SIGNED), "
	    "CAST(COALESCE(SUM(state = 'sent'), 0) AS SIGNED), "
	    "COALESCE(MIN(IF(state = 'queued', created_at, NULL)), 0) FROM mail_outbox",
	/* ?: days, due offset, now, now, due_at's upper and lower bound, days, days */
	[S_REMIND_INV] = "INSERT IGNORE INTO mail_outbox (kind, ref, account_id, number, detail, "
	    "next_try, created_at) "
	    "SELECT 'reminder', CONCAT(i.number, ':', ?), i.account_id, i.number, "
	    "CONCAT(i.due_at + ?, ''), ?, ? FROM invoices i "
	    "WHERE i.due_at <= ? AND i.due_at > ? AND " INV_OPEN " > 0 "
	    "AND NOT EXISTS (SELECT 1 FROM mail_outbox m WHERE m.kind = 'reminder' "
	    "AND m.ref LIKE CONCAT(i.number, ':%') AND m.ref <> CONCAT(i.number, ':', ?) "
	    "AND CAST(SUBSTRING_INDEX(m.ref, ':', -1) AS SIGNED) <= ?)",
	[S_REMIND_DN] = "INSERT IGNORE INTO mail_outbox (kind, ref, account_id, number, detail, "
	    "next_try, created_at) "
	    "SELECT 'reminder', CONCAT(d.number, ':', ?), i.account_id, d.number, "
	    "CONCAT(d.due_at + ?, ''), ?, ? FROM debit_notes d JOIN invoices i ON i.id = d.invoice_id "
	    "WHERE d.due_at <= ? AND d.due_at > ? AND " DN_OPEN " > 0 "
	    "AND NOT EXISTS (SELECT 1 FROM mail_outbox m WHERE m.kind = 'reminder' "
	    "AND m.ref LIKE CONCAT(d.number, ':%') AND m.ref <> CONCAT(d.number, ':', ?) "
	    "AND CAST(SUBSTRING_INDEX(m.ref, ':', -1) AS SIGNED) <= ?)",
	/* ?: days, days, now, now, now, now, days, days */
	[S_EXPIRY] = "INSERT IGNORE INTO mail_outbox (kind, ref, account_id, ve_id, detail, next_try, "
	    "created_at) SELECT 'expiry', CONCAT(v.id, ':', v.expires_at, ':', ?), v.account_id, v.id, "
	    "CONCAT(?, ':', v.expires_at), ?, ? FROM ves v WHERE v.state = 'active' "
	    "AND v.expires_at > ? AND v.expires_at <= ? + ? * 86400 "
	    "AND NOT EXISTS (SELECT 1 FROM mail_outbox m WHERE m.kind = 'expiry' AND m.ve_id = v.id "
	    "AND m.ref LIKE CONCAT(v.id, ':', v.expires_at, ':%') "
	    "AND CAST(SUBSTRING_INDEX(m.ref, ':', -1) AS SIGNED) < ?)",
	[S_CN_INVOICE] = "SELECT i.number FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id "
	    "WHERE c.number = ?",
	[S_DOC_VES_INV] = "SELECT DISTINCT l.ve_id FROM invoice_lines l JOIN invoices i "
	    "ON i.id = l.invoice_id WHERE i.number = ? ORDER BY l.ve_id",
	[S_DOC_VES_DN] = "SELECT DISTINCT l.ve_id FROM debit_note_lines l JOIN debit_notes d "
	    "ON d.id = l.debit_note_id WHERE d.number = ? AND l.ve_id IS NOT NULL ORDER BY l.ve_id",
	[S_DOC_VES_CN] = "SELECT DISTINCT l.ve_id FROM invoice_lines l JOIN credit_notes c "
	    "ON c.invoice_id = l.invoice_id WHERE c.number = ? ORDER BY l.ve_id",
	[S_VE_ACCOUNT] = "SELECT account_id FROM ves WHERE id = ? AND state <> 'deleted'",
	[S_RESET_INSERT] = "INSERT INTO password_resets (token_hash, ve_id, created_at, expires_at) "
	    "VALUES (?, ?, ?, ?)",
	[S_QUEUE] = "INSERT INTO mail_outbox (kind, ref, account_id, ve_id, rcpt, detail, secret, "
	    "next_try, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_QUEUE_ONCE] = "INSERT IGNORE INTO mail_outbox (kind, ref, account_id, ve_id, rcpt, detail, "
	    "secret, next_try, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_RESET_GET] = "SELECT ve_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL "
	    "AND expires_at > ? FOR UPDATE",
	[S_RESET_MARK] = "UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
	[S_WEBHOOK_SEEN] = "SELECT 1 FROM webhook_events WHERE event_id = ?",
	/*
	 * Sent rows older than the retention; reminders only after 400 days, when
	 * no reminder day (at most 365) can ask for them again.  Failed rows stay.
	 */
	[S_PRUNE] = "DELETE FROM mail_outbox WHERE state = 'sent' AND sent_at < ? "
	    "AND (kind <> 'reminder' OR sent_at < ?) LIMIT 10000",
	[S_DOC_CUSTOMER] = "SELECT a.email FROM invoices i JOIN accounts a ON a.id = i.account_id "
	    "WHERE i.number = ? OR i.id = (SELECT invoice_id FROM debit_notes WHERE number = ?) "
	    "OR i.id = (SELECT invoice_id FROM credit_notes WHERE number = ?) LIMIT 1",
};

int
db_mail_claim(struct db *db, const char *owner, long long now, long long lease_s,
    struct mail_row *rows, size_t max, size_t *n)
{
	struct db_cur c;
	struct mail_row x;
	int rc;

	*n = 0;
	{
		struct dbv p[] = { DBV_STR(owner), DBV_INT(now + lease_s), DBV_INT(now), DBV_INT(now),
		    DBV_INT((long long)max) };
		if ((rc = db_exec(db, sql[S_CLAIM], p, nitems(p), NULL, NULL)) != DB_OK)
			return rc;
	}
	struct dbv p[] = { DBV_STR(owner) };
	struct dbo o[] = { DBO_INT(&x.id), DBO_STR(x.kind), DBO_STR(x.ref), DBO_INT(&x.account_id),
	    DBO_STR(x.ve_id), DBO_STR(x.number), DBO_STR(x.detail), DBO_STR(x.secret),
	    DBO_INT(&x.attempts), DBO_INT(&x.created_at), DBO_STR(x.rcpt) };
	if ((rc = db_query(db, &c, sql[S_CLAIMED], p, 1, o, nitems(o))) != DB_OK)
		return rc;
	return db_fetch_upto(&c, &x, sizeof(x), rows, max, n);
}

int
db_mail_sent(struct db *db, long long id, const char *owner, long long now, const char *mid)
{
	struct dbv p[] = { DBV_INT(now), DBV_STR(mid), DBV_INT(id), DBV_STR(owner) };

	return db_exec(db, sql[S_SENT], p, nitems(p), NULL, NULL);
}

int
db_mail_retry(struct db *db, long long id, const char *owner, long long next_try, int give_up,
    const char *error)
{
	struct dbv p[] = { DBV_INT(give_up != 0), DBV_INT(give_up != 0), DBV_INT(next_try),
	    DBV_STR(error), DBV_INT(id), DBV_STR(owner) };

	return db_exec(db, sql[S_RETRY], p, nitems(p), NULL, NULL);
}

int
db_mail_counts(struct db *db, struct mail_counts *m)
{
	struct dbo o[] = { DBO_INT(&m->queued), DBO_INT(&m->failed), DBO_INT(&m->sent),
	    DBO_INT(&m->oldest_queued_at) };
	int rc;

	memset(m, 0, sizeof(*m));
	rc = db_one(db, sql[S_COUNTS], NULL, 0, o, nitems(o));
	return rc < 0 ? rc : DB_OK;
}

/*
 * The reminders of one kind of document for days d: those whose suspension
 * date (due_at + off) is after now and at most d days away, as bounds on
 * due_at (its index).
 */
static int
remind(struct db *db, const char *stmt, long long now, long long d, long long off, int *added)
{
	uint64_t k = 0;
	struct dbv p[] = { DBV_INT(d), DBV_INT(off), DBV_INT(now), DBV_INT(now),
	    DBV_INT(now - off + d * 86400), DBV_INT(now - off), DBV_INT(d), DBV_INT(d) };
	int rc = db_exec(db, stmt, p, nitems(p), &k, NULL);

	*added += (int)k;
	return rc;
}

int
db_mail_periodic(struct db *db, long long now, const int *days, size_t nd, int suspend_days,
    int *added)
{
	long long off = (long long)suspend_days * 86400;
	int rc;

	*added = 0;
	/*
	 * Nearest first: a reminder for d is not queued when one for a day
	 * count <= d exists (the NOT EXISTS), so a mailer that was down for a
	 * while sends only the reminder that fits now.  Sort the days ascending.
	 */
	int sorted[16];
	size_t n = nd < nitems(sorted) ? nd : nitems(sorted);
	memcpy(sorted, days, n * sizeof(int));
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && sorted[j - 1] > sorted[j]; j--) {
			int t = sorted[j];
			sorted[j] = sorted[j - 1];
			sorted[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		if ((rc = remind(db, sql[S_REMIND_INV], now, sorted[i], off, added)) != DB_OK ||
		    (rc = remind(db, sql[S_REMIND_DN], now, sorted[i], off, added)) != DB_OK)
			return rc;
	}
	static const int exp_days[] = { 1, 7 };
	for (size_t i = 0; i < nitems(exp_days); i++) {
		uint64_t k = 0;
		struct dbv p[] = { DBV_INT(exp_days[i]), DBV_INT(exp_days[i]), DBV_INT(now), DBV_INT(now),
		    DBV_INT(now), DBV_INT(now), DBV_INT(exp_days[i]), DBV_INT(exp_days[i]) };
		if ((rc = db_exec(db, sql[S_EXPIRY], p, nitems(p), &k, NULL)) != DB_OK)
			return rc;
		*added += (int)k;
	}
	return DB_OK;
}

json_t *
db_doc_json(struct db *db, const char *number, const char *owner_ve, long long now,
    const char **title, int *rcp)
{
	char inv[25];
	json_t *j, *cns, *cn, *out = NULL;
	size_t k;
	int rc;

	*rcp = BILLING_ENOENT;
	if (strlen(number) > 24)
		return NULL;
	if (strncmp(number, "INV-", 4) == 0 || strncmp(number, "DN-", 3) == 0) {
		*title = number[0] == 'I' ? "Invoice" : "Debit note";
		return db_docs_invoice_json(db, number, owner_ve, now, rcp);
	}
	if (strncmp(number, "CN-", 3) != 0)
		return NULL;
	*title = "Credit note";
	{
		struct dbv p[] = { DBV_STR(number) };
		struct dbo o[] = { DBO_STR(inv) };
		if ((rc = db_one(db, sql[S_CN_INVOICE], p, 1, o, 1)) != 1) {
			*rcp = rc == 0 ? BILLING_ENOENT : BILLING_EDB;
			return NULL;
		}
	}
	if ((j = db_docs_invoice_json(db, inv, owner_ve, now, rcp)) == NULL)
		return NULL;
	cns = json_object_get(j, "credit_notes");
	json_array_foreach(cns, k, cn) {
		if (strcmp(json_string_value(json_object_get(cn, "number")), number) != 0)
			continue;
		out = json_deep_copy(cn);
		json_object_set(out, "currency", json_object_get(j, "currency"));
		json_object_set_new(out, "invoice", json_string(inv));
		json_object_set(out, "period", json_object_get(j, "period"));
		break;
	}
	json_decref(j);
	if (out != NULL && db_tax_doc(db, out, inv) == -1) {
		json_decref(out);
		*rcp = BILLING_EDB;
		return NULL;
	}
	*rcp = out != NULL ? BILLING_OK : BILLING_ENOENT;
	return out;
}

int
db_doc_ves(struct db *db, const char *number, char *out, size_t outlen)
{
	const char *stmt = strncmp(number, "DN-", 3) == 0 ? sql[S_DOC_VES_DN] :
	    strncmp(number, "CN-", 3) == 0 ? sql[S_DOC_VES_CN] : sql[S_DOC_VES_INV];
	struct db_cur c;
	char ve[9];
	size_t len = 0;
	int rc;
	struct dbv p[] = { DBV_STR(number) };
	struct dbo o[] = { DBO_STR(ve) };

	out[0] = '\0';
	if ((rc = db_query(db, &c, stmt, p, 1, o, 1)) != DB_OK)
		return rc;
	while ((rc = db_next(&c)) == 1) {
		int w = snprintf(out + len, outlen - len, "%s%s", len ? ", " : "", ve);
		if (w < 0 || (size_t)w >= outlen - len)
			break;
		len += (size_t)w;
	}
	db_cur_close(&c);
	return rc < 0 ? rc : DB_OK;
}

int
db_mail_queue(struct db *db, const struct mail_new *m, int once)
{
	struct dbv p[] = { DBV_STR(m->kind), DBV_STR(m->ref),
	    m->account_id != 0 ? DBV_INT(m->account_id) : DBV_NULL, DBV_STR0(m->ve_id),
	    DBV_STR0(m->rcpt), DBV_STR(m->detail), DBV_STR0(m->secret), DBV_INT(m->now),
	    DBV_INT(m->now) };

	return db_exec(db, sql[once ? S_QUEUE_ONCE : S_QUEUE], p, nitems(p), NULL, NULL);
}

int
db_mail_queue_link(struct db *db, const struct mail_new *m, const char *token_hash,
    const char *token, long long expires)
{
	struct mail_new l = *m;
	char detail[32];

	snprintf(detail, sizeof(detail), "%lld", expires);
	l.ref = token_hash;
	l.detail = detail;
	l.secret = token;
	return db_mail_queue(db, &l, 0);
}

struct reset_req {
	const char	*ve, *hash, *token;
	long long	 now, expires;
};

static int
reset_request_tx(struct db *db, void *arg)
{
	const struct reset_req *x = arg;
	long long acct;
	int rc;
	struct dbv pv[] = { DBV_STR(x->ve) };
	struct dbo o[] = { DBO_INT(&acct) };

	if ((rc = db_one(db, sql[S_VE_ACCOUNT], pv, 1, o, 1)) != 1)
		return rc;	/* 0: no such VE, nothing written */
	struct dbv p[] = { DBV_STR(x->hash), DBV_STR(x->ve), DBV_INT(x->now), DBV_INT(x->expires) };
	if ((rc = db_exec(db, sql[S_RESET_INSERT], p, nitems(p), NULL, NULL)) != DB_OK)
		return rc;
	struct mail_new m = { .kind = "reset", .account_id = acct, .ve_id = x->ve, .now = x->now };
	return db_mail_queue_link(db, &m, x->hash, x->token, x->expires);
}

int
db_reset_request(struct db *db, const char *ve_id, const char *hash, const char *token,
    long long now, long long expires_at)
{
	struct reset_req x = { ve_id, hash, token, now, expires_at };

	return db_tx(db, reset_request_tx, &x);
}

struct reset_use {
	const char	*hash, *pwhash, *rootcrypt;
	long long	 now;
	char		 ve[9];
	int		 found;
};

static int
reset_use_tx(struct db *db, void *arg)
{
	struct reset_use *x = arg;
	int rc;
	struct dbv p[] = { DBV_STR(x->hash), DBV_INT(x->now) };
	struct dbo o[] = { DBO_STR(x->ve) };

	x->found = 0;
	if ((rc = db_one(db, sql[S_RESET_GET], p, nitems(p), o, 1)) != 1)
		return rc;
	if (x->pwhash != NULL) {
		uint64_t n = 0;
		struct dbv m[] = { DBV_INT(x->now), DBV_STR(x->hash) };
		if ((rc = db_exec(db, sql[S_RESET_MARK], m, nitems(m), &n, NULL)) != DB_OK)
			return rc;
		if (n != 1)
			return DB_OK;	/* used meanwhile */
		/* The VE's root account follows through its node, as after a change on /self. */
		if ((rc = db_ve_set_hash(db, x->ve, x->pwhash, x->rootcrypt, x->now)) != DB_OK ||
		    (rc = session_destroy_subject(db, "self", x->ve)) != DB_OK)
			return rc;
	}
	x->found = 1;
	return DB_OK;
}

int
db_reset_use(struct db *db, const char *token_hash, long long now, const char *hash,
    const char *rootcrypt, char ve[9])
{
	struct reset_use x = { token_hash, hash, rootcrypt, now, "", 0 };
	int rc;

	if ((rc = db_tx(db, reset_use_tx, &x)) != DB_OK)
		return rc;
	if (x.found)
		memcpy(ve, x.ve, 9);
	return x.found;
}

int
db_webhook_seen(struct db *db, const char *event_id)
{
	struct dbv p[] = { DBV_STR(event_id) };
	long long one;
	struct dbo o[] = { DBO_INT(&one) };

	return db_one(db, sql[S_WEBHOOK_SEEN], p, 1, o, 1);
}

int
db_doc_customer(struct db *db, const char *number, char *email, size_t len)
{
	struct dbv p[] = { DBV_STR(number), DBV_STR(number), DBV_STR(number) };
	struct dbo o[] = { DBO_STRP(email, len) };
	int rc;

	email[0] = '\0';
	rc = db_one(db, sql[S_DOC_CUSTOMER], p, nitems(p), o, 1);
	return rc < 0 ? rc : DB_OK;
}

int
db_mail_prune(struct db *db, long long now, long long keep_days, long long *removed)
{
	uint64_t n = 0;
	long long keep = keep_days * 86400, rkeep = 400LL * 86400;
	struct dbv p[] = { DBV_INT(now - keep), DBV_INT(now - (keep > rkeep ? keep : rkeep)) };
	int rc = db_exec(db, sql[S_PRUNE], p, nitems(p), &n, NULL);

	*removed = (long long)n;
	return rc;
}
