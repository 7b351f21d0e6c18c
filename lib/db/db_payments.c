/*
 * Payments and credit notes: see db_payments.h.
 *
 * A payment's body is the same for every kind of document; struct paydoc
 * names the kind's statements.  Parameters and columns, in order:
 *	row	number			makes the document's writes row (INSERT IGNORE)
 *	id	number -> id		the document's id
 *	touch	id			bumps its writes row (UPDATE ... n = n + 1)
 *	open	id -> total, currency, credited (<= 0), paid
 *	mine	token -> id		a payment of this call, committed by an earlier try
 *	insert	id, amount, paid_at, reference, created_at, actor, token
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_audit.h"
#include "db_bill.h"
#include "db_docnum.h"
#include "db_payments.h"
#include "log.h"
#include "money.h"
#include "rating.h"
#include "util.h"

enum stmt {
	S_INVOICE_OPEN,
	S_INVOICE_ID,
	S_INVOICE_DUE,
	S_INVOICE_HAS_VE,
	S_INVOICE_ROW,
	S_INVOICE_TOUCH,
	S_PAYMENT_INSERT,
	S_PAYMENT_MINE,
	S_CN_INSERT,
	S_CN_LINE_INSERT,
	S_DN_ROW,
	S_DN_ID,
	S_DN_TOUCH,
	S_DN_DUE,
	S_DN_PAY_INSERT,
	S_DN_PAY_MINE,
	S__MAX
};

/* The balance pieces of invoice i: credited (<= 0) and paid. */
#define SUMS_OF_I \
	"CAST(COALESCE((SELECT SUM(c.total_minor) FROM credit_notes c WHERE c.invoice_id = i.id), 0) AS SIGNED), " \
	"CAST(COALESCE((SELECT SUM(p.amount_minor) FROM payments p WHERE p.invoice_id = i.id), 0) AS SIGNED)"
/* What was paid on debit note d. */
#define DN_PAID \
	"CAST(COALESCE((SELECT SUM(p.amount_minor) FROM debit_note_payments p " \
	"WHERE p.debit_note_id = d.id), 0) AS SIGNED)"

static const char *const sql[S__MAX] = {
	[S_INVOICE_OPEN] =
	    "SELECT i.id, i.tax_bp, i.total_minor, i.currency, " SUMS_OF_I
	    " FROM invoices i WHERE i.number = ?",
	[S_INVOICE_ID] = "SELECT id FROM invoices WHERE number = ?",
	[S_INVOICE_DUE] =
	    "SELECT i.total_minor, i.currency, " SUMS_OF_I " FROM invoices i WHERE i.id = ?",
	[S_INVOICE_HAS_VE] =
	    "SELECT COUNT(*) FROM invoice_lines WHERE invoice_id = ? AND ve_id = ?",
	[S_INVOICE_ROW] =
	    "INSERT IGNORE INTO invoice_writes (invoice_id, n) SELECT id, 0 FROM invoices WHERE number = ?",
	[S_INVOICE_TOUCH] =
	    "UPDATE invoice_writes SET n = n + 1 WHERE invoice_id = ?",
	[S_PAYMENT_INSERT] =
	    "INSERT INTO payments (invoice_id, amount_minor, paid_at, reference, created_at, actor, "
	    "token) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[S_PAYMENT_MINE] = "SELECT id FROM payments WHERE token = ?",
	[S_CN_INSERT] = DB_BILL_CN_INSERT,
	[S_CN_LINE_INSERT] = DB_BILL_CN_LINE_INSERT,
	[S_DN_ROW] =
	    "INSERT IGNORE INTO debit_note_writes (debit_note_id, n) "
	    "SELECT id, 0 FROM debit_notes WHERE number = ?",
	[S_DN_ID] = "SELECT id FROM debit_notes WHERE number = ?",
	[S_DN_TOUCH] = "UPDATE debit_note_writes SET n = n + 1 WHERE debit_note_id = ?",
	[S_DN_DUE] =
	    "SELECT d.total_minor, i.currency, 0, " DN_PAID " FROM debit_notes d "
	    "JOIN invoices i ON i.id = d.invoice_id WHERE d.id = ?",
	[S_DN_PAY_INSERT] =
	    "INSERT INTO debit_note_payments (debit_note_id, amount_minor, paid_at, reference, "
	    "created_at, actor, token) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[S_DN_PAY_MINE] = "SELECT id FROM debit_note_payments WHERE token = ?",
};

/* A kind of document payments are recorded against (see the top of this file). */
struct paydoc {
	enum stmt	 row, id, touch, open, mine, insert;
	const char	*action;	/* the audit entry */
};

static const struct paydoc invoice_doc = {
	S_INVOICE_ROW, S_INVOICE_ID, S_INVOICE_TOUCH, S_INVOICE_DUE, S_PAYMENT_MINE,
	S_PAYMENT_INSERT, "invoice.payment",
};
/*
 * A debit note: on Galera its row of debit_note_writes, bumped first, makes
 * a second payment through another node run again and see the first (a
 * FOR UPDATE lock would hold on one node only).
 */
static const struct paydoc debit_note_doc = {
	S_DN_ROW, S_DN_ID, S_DN_TOUCH, S_DN_DUE, S_DN_PAY_MINE, S_DN_PAY_INSERT,
	"debit_note.payment",
};


/*
 * What an invoice's writers decide on (after doc_claim): 1 found
 * (fields set), 0 not found, < 0 db_rc.
 */
static int
invoice_open(struct db *db, const char *number, long long *id, long long *tax_bp,
    long long *open, long long *paid, char cur[4])
{
	long long total, credited;
	struct dbv p[] = { DBV_STR(number) };
	struct dbo o[] = { DBO_INT(id), DBO_INT(tax_bp), DBO_INT(&total), DBO_STRP(cur, 4),
	    DBO_INT(&credited), DBO_INT(paid) };
	int rc = db_one(db, sql[S_INVOICE_OPEN], p, 1, o, nitems(o));
	if (rc == 1)
		*open = total + credited - *paid;
	return rc;
}

/* A document's row of its writes table, made once (db_tx body, before the writer's own). */
struct doc_row {
	const char	*sql, *number;
};

static int
doc_row_tx(struct db *db, void *arg)
{
	const struct doc_row *x = arg;
	struct dbv p[] = { DBV_STR(x->number) };

	return db_exec(db, x->sql, p, 1, NULL, NULL);
}

/*
 * Every payment and credit note of a document begins with this: bump its
 * row of invoice_writes or debit_note_writes (made beforehand by
 * doc_row_tx), the first row it locks and before any read that decides.
 * On one server the writers of a document queue here and each reads what
 * the one before it committed.  On Galera a write of the same row through
 * another node either was applied before (we see its effects) or aborts
 * us when it arrives (we run again); the document's own row is not
 * locked, since an applier of another node's payment takes a shared lock
 * on it (the foreign key) and would abort us after certification.  The
 * row is named by its primary key: one statement, one row, one
 * certification key.  1 done, 0 no such row, or a db_rc.
 */
static int
doc_claim(struct db *db, const char *touch, long long id)
{
	uint64_t n = 0;
	struct dbv p[] = { DBV_INT(id) };
	int rc;

	if ((rc = db_exec(db, touch, p, 1, &n, NULL)) != DB_OK)
		return rc;
	return n == 1 ? 1 : 0;
}

int
db_payments_invoice_claim(struct db *db, long long invoice_id)
{
	return doc_claim(db, sql[S_INVOICE_TOUCH], invoice_id);
}

/* A payment (db_tx body): returns a db_rc or a BILLING_E* code; err set for EINPUT. */
struct payment {
	const struct paydoc	*d;
	const char			*number, *ref, *actor;
	long long			 doc, amount, paid_at, now;
	long long			 id;	/* the new payment, once committed */
	char				*err;
	size_t				 errlen;
	char				 token[33];	/* this call's, hex */
};

static int
payment_tx(struct db *db, void *arg)
{
	struct payment *x = arg;
	long long total, credited, paid;
	int64_t shown;
	char cur[4], a[32];
	uint64_t newid;
	int rc;

	if ((rc = doc_claim(db, sql[x->d->touch], x->doc)) != 1)
		return rc == 0 ? BILLING_ENOENT : rc;
	{
		/*
		 * Run again after the connection was lost while committing:
		 * the commit may have been made.  Then the payment is ours.
		 */
		struct dbv p[] = { DBV_STR(x->token) };
		struct dbo o[] = { DBO_INT(&x->id) };
		if ((rc = db_one(db, sql[x->d->mine], p, 1, o, 1)) == 1) {
			log_info("%s: payment %lld on %s was committed by an earlier try", __func__,
			    x->id, x->number);
			return DB_OK;	/* commits only the bump */
		}
		if (rc < 0)
			return rc;
	}
	{
		struct dbv p[] = { DBV_INT(x->doc) };
		struct dbo o[] = { DBO_INT(&total), DBO_STRP(cur, 4), DBO_INT(&credited),
		    DBO_INT(&paid) };
		if ((rc = db_one(db, sql[x->d->open], p, 1, o, nitems(o))) != 1)
			return rc == 0 ? BILLING_ENOENT : rc;
	}
	switch (money_pay_check(x->amount, total, credited, paid, &shown)) {
	case MONEY_PAY_OK:
		break;
	case MONEY_PAY_OVER_OPEN:
		money_format(shown, cur, a, sizeof(a));
		snprintf(x->err, x->errlen, "the payment is more than the open amount of %s (%s %s)",
		    x->number, a, cur);
		return BILLING_EINPUT;
	case MONEY_PAY_OVER_PAID:
		money_format(shown, cur, a, sizeof(a));
		snprintf(x->err, x->errlen, "a reversal cannot exceed what was paid on %s (%s %s)",
		    x->number, a, cur);
		return BILLING_EINPUT;
	}
	{
		struct dbv p[] = { DBV_INT(x->doc), DBV_INT(x->amount), DBV_INT(x->paid_at),
		    DBV_STR(x->ref), DBV_INT(x->now), DBV_STR(x->actor), DBV_STR(x->token) };
		if ((rc = db_exec(db, sql[x->d->insert], p, nitems(p), NULL, &newid)) != DB_OK)
			return rc;
	}
	if ((rc = db_audit_json(db, x->now, x->actor, x->d->action, x->number,
	    NULL, json_pack("{s:I, s:I, s:s}", "amount_minor", (json_int_t)x->amount,
	    "paid_at", (json_int_t)x->paid_at, "reference", x->ref))) != DB_OK)
		return rc;
	x->id = (long long)newid;
	return DB_OK;
}

static int
doc_payment(struct db *db, const struct paydoc *d, const char *number,
    long long amount, long long paid_at, const char *ref, const char *actor, long long now,
    long long *id, char *err, size_t errlen)
{
	struct payment x = { d, number, ref, actor, 0, amount, paid_at, now, 0, err, errlen, "" };
	struct doc_row r = { sql[d->row], number };
	int rc;

	if (amount == 0) {
		snprintf(err, errlen, "amount_minor must not be 0");
		return BILLING_EINPUT;
	}
	/* A payment dated after today would never show in "received this month". */
	if (paid_at > now) {
		snprintf(err, errlen, "the payment date must not be in the future");
		return BILLING_EINPUT;
	}
	if (ref == NULL || strlen(ref) > 128 || !vep_valid_utf8(ref, strlen(ref))) {
		snprintf(err, errlen, "the reference must be at most 128 characters of UTF-8");
		return BILLING_EINPUT;
	}
	if (strlen(number) > 24)
		return BILLING_ENOENT;
	{
		unsigned char t[16];
		if (vep_random(t, sizeof(t)) == -1)
			return BILLING_EDB;
		for (size_t i = 0; i < sizeof(t); i++)
			snprintf(x.token + 2 * i, 3, "%02x", t[i]);
	}
	if (db_tx(db, doc_row_tx, &r) != DB_OK)
		return BILLING_EDB;
	{
		/* A number names one document for good: read once, outside. */
		struct dbv p[] = { DBV_STR(number) };
		struct dbo o[] = { DBO_INT(&x.doc) };
		if ((rc = db_one(db, sql[d->id], p, 1, o, 1)) != 1)
			return rc == 0 ? BILLING_ENOENT : BILLING_EDB;
	}
	/* Prepared before the transaction (see db_bill_warm). */
	{
		const char *const w[] = { sql[d->touch], sql[d->open], sql[d->mine],
		    sql[d->insert], db_audit_sql };
		db_bill_warm(db, w, nitems(w));
	}
	if ((rc = db_bill_rc(db_tx(db, payment_tx, &x))) == BILLING_OK)
		*id = x.id;
	return rc;
}

int
db_payments_add(struct db *db, const char *number, long long amount, long long paid_at,
    const char *ref, const char *actor, long long now, long long *id, char *err, size_t errlen)
{
	if (amount == 0) {
		snprintf(err, errlen, "amount_minor must not be 0");
		return BILLING_EINPUT;
	}
	return doc_payment(db, strncmp(number, "DN-", 3) == 0 ? &debit_note_doc : &invoice_doc,
	    number, amount, paid_at, ref, actor, now, id, err, errlen);
}

/* A credit note (db_tx body): returns a db_rc or a BILLING_E* code; err set for EINPUT. */
struct credit {
	const char			*invoice, *reason, *actor;
	const struct db_cn_line	*l;
	size_t				 n;
	long long			 now;
	int64_t				 sub;
	char				*number;	/* 25 bytes, set once committed */
	char				*err;
	size_t				 errlen;
	long long			 inv;
};

static int
credit_tx(struct db *db, void *arg)
{
	struct credit *x = arg;
	const struct db_cn_line *l = x->l;
	long long inv, bp, open, paid, next = 0, cnt;
	int64_t tax, total, sub = x->sub;
	char cur[4], a[32], number[25];
	uint64_t cnid;
	int year = db_bill_year_of(x->now), rc;

	if ((rc = doc_claim(db, sql[S_INVOICE_TOUCH], x->inv)) != 1 ||
	    (rc = invoice_open(db, x->invoice, &inv, &bp, &open, &paid, cur)) != 1)
		return rc == 0 ? BILLING_ENOENT : rc;
	if (money_tax(sub, bp, &tax) == -1 || __builtin_add_overflow(sub, tax, &total) ||
	    -total > open) {
		money_format(open, cur, a, sizeof(a));
		snprintf(x->err, x->errlen, "the credit (tax included) is more than the open amount "
		    "of %s (%s %s)", x->invoice, a, cur);
		return BILLING_EINPUT;
	}
	for (size_t i = 0; i < x->n; i++) {
		if (l[i].ve_id[0] == '\0')
			continue;
		struct dbv p[] = { DBV_INT(inv), DBV_STR(l[i].ve_id) };
		struct dbo o[] = { DBO_INT(&cnt) };
		if ((rc = db_one(db, sql[S_INVOICE_HAS_VE], p, 2, o, 1)) != 1)
			return rc == 0 ? DB_ERR : rc;
		if (cnt == 0) {
			snprintf(x->err, x->errlen, "line %zu: VE %s is not on invoice %s", i + 1,
			    l[i].ve_id, x->invoice);
			return BILLING_EINPUT;
		}
	}
	if ((rc = db_docnum_lock(db, "CN", year, &next)) != DB_OK)
		return rc;
	db_docnum_format("CN", year, next, number);
	{
		struct dbv p[] = { DBV_STR(number), DBV_INT(inv), DBV_STR(x->reason), DBV_INT(sub),
		    DBV_INT(tax), DBV_INT(total), DBV_INT(x->now), DBV_STR(x->actor) };
		if ((rc = db_exec(db, sql[S_CN_INSERT], p, nitems(p), NULL, &cnid)) != DB_OK)
			return rc;
	}
	for (size_t i = 0; i < x->n; i++) {
		struct dbv p[] = { DBV_INT(cnid), DBV_INT(i + 1),
		    l[i].ve_id[0] ? DBV_STR(l[i].ve_id) : DBV_NULL, DBV_STR(rate_res_name(l[i].res)),
		    DBV_STR(l[i].description), DBV_INT(l[i].amount_minor) };
		if ((rc = db_exec(db, sql[S_CN_LINE_INSERT], p, nitems(p), NULL, NULL)) != DB_OK)
			return rc;
	}
	if ((rc = db_docnum_set(db, "CN", year, next + 1)) != DB_OK)
		return rc;
	if ((rc = db_audit_json(db, x->now, x->actor, "invoice.credit_note", x->invoice,
	    NULL, json_pack("{s:s, s:I, s:s}", "number", number, "total_minor", (json_int_t)total,
	    "reason", x->reason))) != DB_OK)
		return rc;
	memcpy(x->number, number, sizeof(number));
	return DB_OK;
}

int
db_payments_credit_note(struct db *db, const char *invoice, const struct db_cn_line *l,
    size_t n, const char *reason, const char *actor, long long now, char number[25],
    char *err, size_t errlen)
{
	struct credit x = { invoice, reason, actor, l, n, now, 0, number, err, errlen, 0 };

	if (n == 0 || n > 100) {
		snprintf(err, errlen, "a credit note has 1 to 100 lines");
		return BILLING_EINPUT;
	}
	if (reason == NULL || strlen(reason) < 1 || strlen(reason) > 255 ||
	    !vep_valid_utf8(reason, strlen(reason))) {
		snprintf(err, errlen, "the reason must be 1 to 255 characters of UTF-8");
		return BILLING_EINPUT;
	}
	for (size_t i = 0; i < n; i++) {
		if (l[i].amount_minor >= 0) {
			snprintf(err, errlen, "line %zu: amount_minor must be negative (a credit)", i + 1);
			return BILLING_EINPUT;
		}
		if ((unsigned)l[i].res >= RR__MAX) {
			snprintf(err, errlen, "line %zu: unknown resource", i + 1);
			return BILLING_EINPUT;
		}
		if (__builtin_add_overflow(x.sub, (int64_t)l[i].amount_minor, &x.sub)) {
			snprintf(err, errlen, "the credit is too large");
			return BILLING_EINPUT;
		}
	}
	if (strlen(invoice) > 24)
		return BILLING_ENOENT;
	if (db_docnum_prepare(db, "CN", db_bill_year_of(now)) != DB_OK ||
	    db_tx(db, doc_row_tx, &(struct doc_row){ sql[S_INVOICE_ROW], invoice }) != DB_OK)
		return BILLING_EDB;
	{
		struct dbv p[] = { DBV_STR(invoice) };
		struct dbo o[] = { DBO_INT(&x.inv) };
		int rc = db_one(db, sql[S_INVOICE_ID], p, 1, o, 1);
		if (rc != 1)
			return rc == 0 ? BILLING_ENOENT : BILLING_EDB;
	}
	{
		const char *const w[] = { sql[S_INVOICE_TOUCH], sql[S_INVOICE_OPEN],
		    sql[S_INVOICE_HAS_VE], sql[S_CN_INSERT], sql[S_CN_LINE_INSERT],
		    db_audit_sql };
		db_docnum_warm(db);
		db_bill_warm(db, w, nitems(w));
	}
	return db_bill_rc(db_tx(db, credit_tx, &x));
}
