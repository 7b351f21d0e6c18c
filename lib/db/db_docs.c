/*
 * Billing documents as JSON: see db_docs.h.  Every cursor is closed before
 * the next opens (one connection, one statement at a time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_bill.h"
#include "db_docs.h"
#include "db_tax.h"
#include "util.h"

enum stmt {
	S_VE_INVOICES,
	S_INVOICE_GET,
	S_INVOICE_LINES,
	S_INVOICE_CNS,
	S_INVOICE_CN_LINES,
	S_INVOICE_PAYMENTS,
	S_VE_ACCOUNT,
	S_DN_GET,
	S_DN_LINES,
	S_DN_PAYMENTS,
	S_INV_DNS,
	S_INV_LATE_LINES,
	S_VE_NOTES,
	S_DN_LIST,
	S_DN_COUNT,
	S__MAX
};

/* The balance pieces of invoice i: credited (<= 0) and paid. */
#define SUMS_OF_I \
	"CAST(COALESCE((SELECT SUM(c.total_minor) FROM credit_notes c WHERE c.invoice_id = i.id), 0) AS SIGNED), " \
	"CAST(COALESCE((SELECT SUM(p.amount_minor) FROM payments p WHERE p.invoice_id = i.id), 0) AS SIGNED)"
#define INVOICE_COLS \
	"i.id, i.number, i.account_id, i.period, i.currency, i.tax_bp, i.subtotal_minor, " \
	"i.tax_minor, i.total_minor, i.issued_at, i.due_at, " SUMS_OF_I
/* What was paid on debit note d. */
#define DN_PAID \
	"CAST(COALESCE((SELECT SUM(p.amount_minor) FROM debit_note_payments p " \
	"WHERE p.debit_note_id = d.id), 0) AS SIGNED)"
#define DN_COLS \
	"d.id, d.number, i.number, i.account_id, i.period, i.currency, i.tax_bp, d.reason, " \
	"d.subtotal_minor, d.tax_minor, d.total_minor, d.issued_at, d.due_at, " DN_PAID

static const char *const sql[S__MAX] = {
	[S_VE_INVOICES] =
	    "SELECT " INVOICE_COLS " FROM invoices i WHERE i.id IN "
	    "(SELECT invoice_id FROM invoice_ves WHERE ve_id = ?) ORDER BY i.period DESC, i.id DESC",
	[S_INVOICE_GET] = "SELECT " INVOICE_COLS " FROM invoices i WHERE i.number = ?",
	[S_INVOICE_LINES] =
	    "SELECT ve_id, kind, resource, quantity_micro, unit, unit_price_minor, amount_minor, "
	    "part_from, part_to FROM invoice_lines WHERE invoice_id = ? ORDER BY seq",
	[S_INVOICE_CNS] =
	    "SELECT id, number, reason, subtotal_minor, tax_minor, total_minor, issued_at "
	    "FROM credit_notes WHERE invoice_id = ? ORDER BY id",
	[S_INVOICE_CN_LINES] =
	    "SELECT l.credit_note_id, COALESCE(l.ve_id, ''), l.resource, l.description, l.amount_minor "
	    "FROM credit_note_lines l JOIN credit_notes c ON c.id = l.credit_note_id "
	    "WHERE c.invoice_id = ? ORDER BY l.credit_note_id, l.seq",
	[S_INVOICE_PAYMENTS] =
	    "SELECT paid_at, amount_minor, reference FROM payments WHERE invoice_id = ? ORDER BY id",
	/*
	 * The VE's account, or one it was in before a link to a customer
	 * account (0020_accounts.sql): its documents from then stay its own.
	 */
	[S_VE_ACCOUNT] = "SELECT COUNT(*) FROM ves v WHERE v.id = ? AND (v.account_id = ? OR EXISTS "
	    "(SELECT 1 FROM account_links l WHERE l.ve_id = v.id AND l.from_account = ?))",
	[S_DN_GET] =
	    "SELECT " DN_COLS " FROM debit_notes d JOIN invoices i ON i.id = d.invoice_id "
	    "WHERE d.number = ?",
	[S_DN_LINES] =
	    "SELECT COALESCE(dl.ve_id, ''), dl.resource, dl.description, dl.amount_minor, "
	    "COALESCE(l.unit, ''), COALESCE(l.qty_before_micro, 0), COALESCE(l.qty_after_micro, 0), "
	    "l.seq IS NOT NULL FROM debit_note_lines dl LEFT JOIN late_lines l "
	    "ON l.note_kind = 'DN' AND l.note_id = dl.debit_note_id AND l.seq = dl.seq "
	    "WHERE dl.debit_note_id = ? ORDER BY dl.seq",
	[S_DN_PAYMENTS] =
	    "SELECT paid_at, amount_minor, reference FROM debit_note_payments "
	    "WHERE debit_note_id = ? ORDER BY id",
	[S_INV_DNS] =
	    "SELECT d.number FROM debit_notes d WHERE d.invoice_id = ? ORDER BY d.id",
	[S_INV_LATE_LINES] =
	    "SELECT COALESCE(c.number, ''), l.ve_id, l.resource, l.unit, l.qty_before_micro, "
	    "l.qty_after_micro, l.amount_minor FROM late_lines l JOIN credit_notes c "
	    "ON c.id = l.note_id WHERE l.note_kind = 'CN' AND l.invoice_id = ? "
	    "ORDER BY l.note_id, l.seq",
	/* The notes of the invoices this VE is on (or, for a debit note, has a line on). */
	[S_VE_NOTES] =
	    "SELECT 'debit_note', d.number, i.number, i.period, i.currency, d.reason, d.issued_at, "
	    "d.due_at, d.subtotal_minor, d.tax_minor, d.total_minor, " DN_PAID ", 1 "
	    "FROM debit_notes d JOIN invoices i ON i.id = d.invoice_id "
	    "WHERE d.invoice_id IN (SELECT invoice_id FROM invoice_ves WHERE ve_id = ?) "
	    "OR d.id IN (SELECT debit_note_id FROM debit_note_lines WHERE ve_id = ?) "
	    "UNION ALL "
	    "SELECT 'credit_note', c.number, i.number, i.period, i.currency, c.reason, c.issued_at, "
	    "0, c.subtotal_minor, c.tax_minor, c.total_minor, 0, "
	    "EXISTS (SELECT 1 FROM late_lines l WHERE l.note_kind = 'CN' AND l.note_id = c.id) "
	    "FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id "
	    "WHERE c.invoice_id IN (SELECT invoice_id FROM invoice_ves WHERE ve_id = ?) "
	    "ORDER BY 7 DESC, 2 DESC",
	[S_DN_LIST] =
	    "SELECT " DN_COLS ", d.actor FROM debit_notes d JOIN invoices i ON i.id = d.invoice_id "
	    "ORDER BY d.id DESC LIMIT ? OFFSET ?",
	[S_DN_COUNT] = "SELECT COUNT(*) FROM debit_notes",
};

static int	late_invoice_json(struct db *, long long invoice_id, json_t *inv, long long now);
static int	ve_notes_json(struct db *, const char *ve_id, long long now, json_t *out);

/*
 * The one owner check of every document: with owner_ve set, is the
 * document's account that VE's (now, or before the VE was linked to a
 * customer account)?  1 yes (or no owner given), 0 no (answer as if the
 * document did not exist), < 0 a db_rc.
 */
static int
owner_is(struct db *db, const char *owner_ve, long long account_id)
{
	long long n = 0;
	struct dbv p[] = { DBV_STR(owner_ve), DBV_INT(account_id), DBV_INT(account_id) };
	struct dbo o[] = { DBO_INT(&n) };
	int rc;

	if (owner_ve == NULL)
		return 1;
	if ((rc = db_one(db, sql[S_VE_ACCOUNT], p, nitems(p), o, 1)) < 0)
		return rc;
	return rc == 1 && n > 0;
}

/*
 * After a document's lookup (found: 1, 0 none, < 0 a db_rc): 1 when the
 * caller may see it; else 0 with *rcp BILLING_ENOENT (none, or another
 * account's) or BILLING_EDB.
 */
static int
visible(struct db *db, int found, const char *owner_ve, long long account_id, int *rcp)
{
	int rc = found == 1 ? owner_is(db, owner_ve, account_id) : found;

	if (rc != 1)
		*rcp = rc < 0 ? BILLING_EDB : BILLING_ENOENT;
	return rc == 1;
}

/* The document of arr whose key is want (taken), or NULL. */
static json_t *
doc_with(json_t *arr, const char *key, json_t *want)
{
	json_t *d, *found = NULL;
	size_t k;

	json_array_foreach(arr, k, d)
		if (found == NULL && json_equal(json_object_get(d, key), want))
			found = d;
	json_decref(want);
	return found;
}

/* A document's payments (statement st, its id) into arr: 0 or -1. */
static int
payments_json(struct db *db, enum stmt st, long long id, json_t *arr)
{
	struct db_cur c;
	char ref[129], d[11];
	long long at, amount;
	struct dbv p[] = { DBV_INT(id) };
	struct dbo o[] = { DBO_INT(&at), DBO_INT(&amount), DBO_STR(ref) };
	int rc;

	if (db_query(db, &c, sql[st], p, 1, o, nitems(o)) != DB_OK)
		return -1;
	while ((rc = db_next(&c)) == 1) {
		db_bill_date(at, d);
		json_array_append_new(arr, json_pack("{s:s, s:I, s:s}", "date", d,
		    "amount_minor", (json_int_t)amount, "reference", ref));
	}
	db_cur_close(&c);
	return rc < 0 ? -1 : 0;
}


struct inv {
	long long	 id, account_id, tax_bp, sub, tax, total, issued, due, credited, paid;
	char		 number[25], period[8], currency[4];
};

#define INV_OUTPUTS(x) { DBO_INT(&(x).id), DBO_STR((x).number), DBO_INT(&(x).account_id), \
	DBO_STR((x).period), DBO_STR((x).currency), DBO_INT(&(x).tax_bp), DBO_INT(&(x).sub), \
	DBO_INT(&(x).tax), DBO_INT(&(x).total), DBO_INT(&(x).issued), DBO_INT(&(x).due), \
	DBO_INT(&(x).credited), DBO_INT(&(x).paid) }

static json_t *
inv_summary(const struct inv *x, long long now)
{
	long long bal = x->total + x->credited - x->paid;
	const char *st = bal <= 0 ? "paid" : now > x->due ? "overdue" : "open";

	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:s}",
	    "number", x->number, "period", x->period, "currency", x->currency,
	    "issued_at", db_bill_json_iso(x->issued), "due_at", db_bill_json_iso(x->due),
	    "subtotal_minor", (json_int_t)x->sub, "tax_minor", (json_int_t)x->tax,
	    "total_minor", (json_int_t)x->total, "credited_minor", (json_int_t)x->credited,
	    "paid_minor", (json_int_t)x->paid, "balance_minor", (json_int_t)bal, "status", st);
}

json_t *
db_docs_ve_invoices_json(struct db *db, const char *ve, long long now, int *rcp)
{
	struct db_cur c;
	struct inv x;
	json_t *arr = json_array(), *out;
	int rc;
	struct dbv p[] = { DBV_STR(ve) };
	struct dbo o[] = INV_OUTPUTS(x);

	*rcp = BILLING_EDB;
	if (arr == NULL || db_query(db, &c, sql[S_VE_INVOICES], p, 1, o, nitems(o)) != DB_OK) {
		json_decref(arr);
		return NULL;
	}
	while ((rc = db_next(&c)) == 1)
		json_array_append_new(arr, inv_summary(&x, now));
	db_cur_close(&c);
	if (rc < 0 || (out = json_pack("{s:o}", "invoices", arr)) == NULL) {
		json_decref(arr);
		return NULL;
	}
	/* Late usage's debit and credit notes. */
	if (ve_notes_json(db, ve, now, out) == -1) {
		json_decref(out);
		return NULL;
	}
	*rcp = BILLING_OK;
	return out;
}

static int
invoice_details(struct db *db, const struct inv *x, json_t *out)
{
	struct db_cur c;
	char ve[9], kind[10], res[16], unit[16], number[25], reason[256], desc[256];
	long long qty, price, amount, id, sub, tax, total, at, pf = 0, pt = 0;
	json_t *lines = json_array(), *cns = json_array(), *pays = json_array();
	struct dbv p[] = { DBV_INT(x->id) };
	int rc;

	json_object_set_new(out, "lines", lines);
	json_object_set_new(out, "credit_notes", cns);
	json_object_set_new(out, "payments", pays);
	{
		struct dbo o[] = { DBO_STR(ve), DBO_STR(kind), DBO_STR(res), DBO_INT(&qty),
		    DBO_STR(unit), DBO_INT(&price), DBO_INT(&amount), DBO_INT(&pf), DBO_INT(&pt) };
		if (db_query(db, &c, sql[S_INVOICE_LINES], p, 1, o, nitems(o)) != DB_OK)
			return -1;
		while ((rc = db_next(&c)) == 1) {
			json_t *l = db_bill_line_json(kind, res, qty, unit, price, amount);
			json_object_set_new(l, "ve_id", json_string(ve));
			/* A month cut by a service change: the line's part (0018). */
			if (pt > 0) {
				json_object_set_new(l, "from", db_bill_json_iso(pf));
				json_object_set_new(l, "to", db_bill_json_iso(pt));
			}
			json_array_append_new(lines, l);
		}
		db_cur_close(&c);
		if (rc < 0)
			return -1;
	}
	{
		struct dbo o[] = { DBO_INT(&id), DBO_STR(number), DBO_STR(reason), DBO_INT(&sub),
		    DBO_INT(&tax), DBO_INT(&total), DBO_INT(&at) };
		if (db_query(db, &c, sql[S_INVOICE_CNS], p, 1, o, nitems(o)) != DB_OK)
			return -1;
		while ((rc = db_next(&c)) == 1)
			json_array_append_new(cns, json_pack("{s:I, s:s, s:s, s:o, s:I, s:I, s:I, s:[]}",
			    "id", (json_int_t)id, "number", number, "reason", reason,
			    "issued_at", db_bill_json_iso(at), "subtotal_minor", (json_int_t)sub,
			    "tax_minor", (json_int_t)tax, "total_minor", (json_int_t)total, "lines"));
		db_cur_close(&c);
		if (rc < 0)
			return -1;
	}
	{
		struct dbo o[] = { DBO_INT(&id), DBO_STR(ve), DBO_STR(res), DBO_STR(desc),
		    DBO_INT(&amount) };
		if (db_query(db, &c, sql[S_INVOICE_CN_LINES], p, 1, o, nitems(o)) != DB_OK)
			return -1;
		/* Each line onto its credit note (by the id dropped below). */
		while ((rc = db_next(&c)) == 1) {
			json_t *l = json_pack("{s:s, s:s, s:I}", "resource", res, "description", desc,
			    "amount_minor", (json_int_t)amount);
			json_object_set_new(l, "ve_id", ve[0] ? json_string(ve) : json_null());
			json_array_append_new(json_object_get(doc_with(cns, "id", json_integer(id)),
			    "lines"), l);
		}
		db_cur_close(&c);
		if (rc < 0)
			return -1;
		size_t k;
		json_t *cn;
		json_array_foreach(cns, k, cn)
			json_object_del(cn, "id");
	}
	return payments_json(db, S_INVOICE_PAYMENTS, x->id, pays);
}

json_t *
db_docs_invoice_json(struct db *db, const char *number, const char *owner_ve, long long now,
    int *rcp)
{
	struct inv x;
	json_t *out;
	int rc;
	struct dbv p[] = { DBV_STR(number) };
	struct dbo o[] = INV_OUTPUTS(x);

	*rcp = BILLING_EDB;
	memset(&x, 0, sizeof(x));
	if (strncmp(number, "DN-", 3) == 0)	/* a debit note */
		return db_docs_dn_json(db, number, owner_ve, now, rcp);
	rc = strlen(number) < sizeof(x.number) ? db_one(db, sql[S_INVOICE_GET], p, 1, o,
	    nitems(o)) : 0;
	if (!visible(db, rc, owner_ve, x.account_id, rcp))
		return NULL;
	if ((out = inv_summary(&x, now)) == NULL)
		return NULL;
	json_object_set_new(out, "tax_bp", json_integer(x.tax_bp));
	if (invoice_details(db, &x, out) == -1 ||
	    late_invoice_json(db, x.id, out, now) == -1 || db_tax_doc(db, out, x.number) == -1) {
		json_decref(out);
		return NULL;
	}
	*rcp = BILLING_OK;
	return out;
}

/* ---- debit notes and late usage's notes ---- */

struct dn {
	long long	 id, account_id, tax_bp, sub, tax, total, issued, due, paid;
	char		 number[25], invoice[25], period[8], currency[4], reason[256], actor[65];
};

#define DN_OUTPUTS(x) { DBO_INT(&(x).id), DBO_STR((x).number), DBO_STR((x).invoice), \
	DBO_INT(&(x).account_id), DBO_STR((x).period), DBO_STR((x).currency), \
	DBO_INT(&(x).tax_bp), DBO_STR((x).reason), DBO_INT(&(x).sub), DBO_INT(&(x).tax), \
	DBO_INT(&(x).total), DBO_INT(&(x).issued), DBO_INT(&(x).due), DBO_INT(&(x).paid) }

static json_t *
dn_summary(const struct dn *x, long long now)
{
	long long bal = x->total - x->paid;

	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:s, s:b}",
	    "kind", "debit_note", "number", x->number, "invoice", x->invoice,
	    "period", x->period, "currency", x->currency, "reason", x->reason,
	    "issued_at", db_bill_json_iso(x->issued), "due_at", db_bill_json_iso(x->due),
	    "subtotal_minor", (json_int_t)x->sub, "tax_minor", (json_int_t)x->tax,
	    "total_minor", (json_int_t)x->total, "paid_minor", (json_int_t)x->paid,
	    "balance_minor", (json_int_t)bal, "status", db_bill_doc_status(bal, x->due, now), "late", 1);
}

/* A difference line: what was billed, what the month rates to now. */
static json_t *
diff_json(const char *ve, const char *res, const char *unit, long long before, long long after,
    long long amount)
{
	int64_t delta;

	if (__builtin_sub_overflow((int64_t)after, (int64_t)before, &delta))
		delta = 0;
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:I}", "ve_id", ve, "resource", res,
	    "unit", unit, "quantity_before", db_bill_json_fixed6(before), "quantity_after", db_bill_json_fixed6(after),
	    "quantity_delta", db_bill_json_fixed6(delta), "amount_minor", (json_int_t)amount);
}

/* The debit note with its lines and payments. */
static json_t *
dn_full(struct db *db, const struct dn *x, long long now)
{
	struct db_cur c;
	char ve[9], res[16], desc[256], unit[17];
	long long amount, before, after, has;
	json_t *out, *lines = json_array(), *pays = json_array();
	struct dbv p[] = { DBV_INT(x->id) };
	int rc;

	if ((out = dn_summary(x, now)) == NULL) {
		json_decref(lines);
		json_decref(pays);
		return NULL;
	}
	json_object_set_new(out, "tax_bp", json_integer(x->tax_bp));
	json_object_set_new(out, "lines", lines);
	json_object_set_new(out, "payments", pays);
	{
		struct dbo o[] = { DBO_STR(ve), DBO_STR(res), DBO_STR(desc), DBO_INT(&amount),
		    DBO_STR(unit), DBO_INT(&before), DBO_INT(&after), DBO_INT(&has) };
		if (db_query(db, &c, sql[S_DN_LINES], p, 1, o, nitems(o)) != DB_OK)
			goto fail;
		while ((rc = db_next(&c)) == 1) {
			json_t *l = has ? diff_json(ve, res, unit, before, after, amount) :
			    json_pack("{s:s, s:s, s:I}", "ve_id", ve, "resource", res,
			    "amount_minor", (json_int_t)amount);
			json_object_set_new(l, "description", json_string(desc));
			json_array_append_new(lines, l);
		}
		db_cur_close(&c);
		if (rc < 0)
			goto fail;
	}
	if (payments_json(db, S_DN_PAYMENTS, x->id, pays) == -1)
		goto fail;
	return out;
fail:
	json_decref(out);
	return NULL;
}

/* Load a debit note by number: 1, 0 (none), or < 0. */
static int
dn_get(struct db *db, const char *number, struct dn *x)
{
	struct dbv p[] = { DBV_STR(number) };
	struct dbo o[] = DN_OUTPUTS(*x);

	memset(x, 0, sizeof(*x));
	if (strlen(number) >= sizeof(x->number))
		return 0;
	return db_one(db, sql[S_DN_GET], p, 1, o, nitems(o));
}

json_t *
db_docs_dn_json(struct db *db, const char *number, const char *owner_ve, long long now,
    int *rcp)
{
	struct dn x;
	json_t *out;
	int rc;

	*rcp = BILLING_EDB;
	rc = dn_get(db, number, &x);
	if (!visible(db, rc, owner_ve, x.account_id, rcp))
		return NULL;
	if ((out = dn_full(db, &x, now)) == NULL)
		return NULL;
	if (db_tax_doc(db, out, x.invoice) == -1) {
		json_decref(out);
		return NULL;
	}
	*rcp = BILLING_OK;
	return out;
}

static int
late_invoice_json(struct db *db, long long inv, json_t *out, long long now)
{
	struct db_cur c;
	char number[25], ve[9], res[16], unit[17];
	long long before, after, amount, debited = 0;
	json_t *dns = json_array(), *cns = json_object_get(out, "credit_notes");
	struct dbv p[] = { DBV_INT(inv) };
	char (*nums)[25] = NULL;
	size_t nn = 0, cap = 0;
	int rc;

	json_object_set_new(out, "kind", json_string("invoice"));
	json_object_set_new(out, "debit_notes", dns);
	{
		/* Not late usage's, unless a difference below says so. */
		size_t k;
		json_t *cn;
		json_array_foreach(cns, k, cn)
			json_object_set_new(cn, "late", json_false());
	}
	{
		struct dbo o[] = { DBO_STR(number) };
		if (db_query(db, &c, sql[S_INV_DNS], p, 1, o, 1) != DB_OK)
			return -1;
		while ((rc = db_next(&c)) == 1) {
			if (vep_grow((void **)&nums, &cap, nn + 1, sizeof(*nums), 4) == -1) {
				rc = -1;
				break;
			}
			memcpy(nums[nn++], number, sizeof(number));
		}
		db_cur_close(&c);
		if (rc < 0) {
			free(nums);
			return -1;
		}
	}
	/* One cursor at a time: each note is read after the list is closed. */
	for (size_t i = 0; i < nn; i++) {
		struct dn x;
		json_t *j;
		if (dn_get(db, nums[i], &x) != 1 || (j = dn_full(db, &x, now)) == NULL) {
			free(nums);
			return -1;
		}
		debited += x.total;
		json_array_append_new(dns, j);
	}
	free(nums);
	json_object_set_new(out, "debited_minor", json_integer(debited));
	{
		struct dbo o[] = { DBO_STR(number), DBO_STR(ve), DBO_STR(res), DBO_STR(unit),
		    DBO_INT(&before), DBO_INT(&after), DBO_INT(&amount) };
		if (db_query(db, &c, sql[S_INV_LATE_LINES], p, 1, o, nitems(o)) != DB_OK)
			return -1;
		while ((rc = db_next(&c)) == 1) {
			json_t *cn = doc_with(cns, "number", json_string(number)), *d;
			if (cn == NULL)
				continue;
			if ((d = json_object_get(cn, "differences")) == NULL) {
				json_object_set_new(cn, "late", json_true());
				json_object_set_new(cn, "differences", d = json_array());
			}
			json_array_append_new(d, diff_json(ve, res, unit, before, after, amount));
		}
		db_cur_close(&c);
	}
	return rc < 0 ? -1 : 0;
}

static int
ve_notes_json(struct db *db, const char *ve, long long now, json_t *out)
{
	struct db_cur c;
	char kind[16], number[25], invoice[25], period[8], cur[4], reason[256];
	long long issued, due, sub, tax, total, paid, late;
	json_t *arr = json_array();
	struct dbv p[] = { DBV_STR(ve), DBV_STR(ve), DBV_STR(ve) };
	struct dbo o[] = { DBO_STR(kind), DBO_STR(number), DBO_STR(invoice), DBO_STR(period),
	    DBO_STR(cur), DBO_STR(reason), DBO_INT(&issued), DBO_INT(&due), DBO_INT(&sub),
	    DBO_INT(&tax), DBO_INT(&total), DBO_INT(&paid), DBO_INT(&late) };
	int rc;

	if (arr == NULL)
		return -1;
	json_object_set_new(out, "notes", arr);
	if (db_query(db, &c, sql[S_VE_NOTES], p, nitems(p), o, nitems(o)) != DB_OK)
		return -1;
	while ((rc = db_next(&c)) == 1) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:I, s:I, s:b}",
		    "kind", kind, "number", number, "invoice", invoice, "period", period,
		    "currency", cur, "reason", reason, "issued_at", db_bill_json_iso(issued),
		    "subtotal_minor", (json_int_t)sub, "tax_minor", (json_int_t)tax,
		    "total_minor", (json_int_t)total, "late", late != 0);
		if (j != NULL && strcmp(kind, "debit_note") == 0) {
			json_object_set_new(j, "due_at", db_bill_json_iso(due));
			json_object_set_new(j, "paid_minor", json_integer(paid));
			json_object_set_new(j, "balance_minor", json_integer(total - paid));
			json_object_set_new(j, "status", json_string(db_bill_doc_status(total - paid, due, now)));
		}
		json_array_append_new(arr, j);
	}
	db_cur_close(&c);
	return rc < 0 ? -1 : 0;
}

json_t *
db_docs_dn_list_json(struct db *db, long long limit, long long offset, long long now)
{
	struct db_cur c;
	struct dn x;
	long long total = 0;
	json_t *arr = json_array();
	int rc;
	struct dbv p[] = { DBV_INT(limit), DBV_INT(offset) };
	struct dbo o[15] = DN_OUTPUTS(x);

	memset(&x, 0, sizeof(x));
	o[14] = DBO_STR(x.actor);
	if (arr == NULL || db_one(db, sql[S_DN_COUNT], NULL, 0, (struct dbo[]){ DBO_INT(&total) },
	    1) < 0 || db_query(db, &c, sql[S_DN_LIST], p, 2, o, nitems(o)) != DB_OK) {
		json_decref(arr);
		return NULL;
	}
	while ((rc = db_next(&c)) == 1) {
		json_t *j = dn_summary(&x, now);
		json_object_set_new(j, "actor", json_string(x.actor));
		json_array_append_new(arr, j);
	}
	db_cur_close(&c);
	if (rc < 0) {
		json_decref(arr);
		return NULL;
	}
	return json_pack("{s:o, s:I}", "debit_notes", arr, "total", (json_int_t)total);
}
