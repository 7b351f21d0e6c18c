/*
 * An account's buyer details and VAT rate: see db_tax.h.
 */
#include <stdio.h>
#include <string.h>

#include "admin_rules.h"
#include "conf.h"
#include "db.h"
#include "db_audit.h"
#include "db_tax.h"
#include "util.h"

enum stmt { S_GET, S_SAVE, S_VE_ACCOUNT, S_SET_RATE, S_LIST, S_DOC, S__MAX };

#define COLS "a.id, a.email, a.name, a.company, a.address, a.country, a.vat_id, a.tax_mode, " \
	"a.tax_bp, a.tax_scheme"

static const char *const sql[S__MAX] = {
	[S_GET] = "SELECT " COLS " FROM accounts a WHERE a.id = ?",
	[S_SAVE] = "UPDATE accounts SET name = ?, company = ?, address = ?, country = ?, vat_id = ?, "
	    "tax_mode = ?, tax_bp = ?, tax_scheme = ? WHERE id = ?",
	[S_VE_ACCOUNT] = "SELECT " COLS " FROM accounts a JOIN ves v ON v.account_id = a.id "
	    "WHERE v.id = ?",
	[S_SET_RATE] = "UPDATE accounts SET tax_bp = ?, tax_scheme = ? WHERE id = ? AND tax_mode = 'auto'",
	[S_LIST] = "SELECT " COLS " FROM accounts a WHERE ? = '' OR a.email LIKE ? OR a.name LIKE ? "
	    "OR a.company LIKE ? OR a.vat_id LIKE ? ORDER BY a.id DESC LIMIT ?",
	[S_DOC] = "SELECT a.email, i.buyer_name, i.buyer_company, i.buyer_address, i.buyer_country, "
	    "i.buyer_vat_id, i.tax_scheme, i.tax_bp, i.period_from, i.period_to "
	    "FROM invoices i JOIN accounts a ON a.id = i.account_id WHERE i.number = ?",
};

void
db_tax_rules(const struct conf *c, struct tax_in *in)
{
	memset(in, 0, sizeof(*in));
	in->seller_country = conf_str(c, "isp", "country");
	in->default_bp = conf_int(c, "isp", "tax_bp");
	in->rates = conf_str(c, "isp", "tax_rates");
	in->buyer_country = in->buyer_vatid = "";
}

/* The row's text columns into a. */
struct row {
	struct db_tax_account	*a;
	char			 mode[8], scheme[16];
};

#define ROW_OUT(r) { DBO_INT(&(r).a->id), DBO_STR((r).a->email), DBO_STR((r).a->p.name), \
	DBO_STR((r).a->p.company), DBO_STR((r).a->p.address), DBO_STR((r).a->p.country), \
	DBO_STR((r).a->p.vat_id), DBO_STR((r).mode), DBO_INT(&(r).a->c.bp), DBO_STR((r).scheme) }

static void
row_done(struct row *r)
{
	int s = tax_scheme_parse(r->scheme);

	r->a->p.manual = strcmp(r->mode, "manual") == 0;
	r->a->p.bp = r->a->c.bp;
	r->a->c.scheme = s < 0 ? TAX_STANDARD : (enum tax_scheme)s;
}

int
db_tax_get(struct db *db, long long id, struct db_tax_account *a)
{
	struct row r = { a, "", "" };
	struct dbv p[] = { DBV_INT(id) };
	struct dbo o[] = ROW_OUT(r);
	int rc;

	memset(a, 0, sizeof(*a));
	if ((rc = db_one(db, sql[S_GET], p, 1, o, nitems(o))) == 1)
		row_done(&r);
	return rc;
}

json_t *
db_tax_account_json(const struct db_tax_account *a)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "id", (json_int_t)a->id,
	    "email", a->email, "name", a->p.name, "company", a->p.company, "address", a->p.address,
	    "country", a->p.country, "vat_id", a->p.vat_id, "tax_mode", a->p.manual ? "manual" : "auto",
	    "tax_bp", (json_int_t)a->c.bp, "tax_scheme", tax_scheme_name(a->c.scheme));
}

struct save {
	long long			 id, now;
	const struct tax_profile	*p;
	const struct tax_choice		*c;
	const char			*actor;
};

static int
save_tx(struct db *db, void *arg)
{
	const struct save *x = arg;
	char obj[32];
	json_t *after;
	uint64_t n = 0;
	int rc;
	struct dbv p[] = { DBV_STR(x->p->name), DBV_STR(x->p->company), DBV_STR(x->p->address),
	    DBV_STR(x->p->country), DBV_STR(x->p->vat_id), DBV_STR(x->p->manual ? "manual" : "auto"),
	    DBV_INT(x->c->bp), DBV_STR(tax_scheme_name(x->c->scheme)), DBV_INT(x->id) };
	struct dbv q[] = { DBV_INT(x->id) };
	struct dbo o[] = { DBO_INT(&(long long){ 0 }) };

	/* Does it exist?  (An UPDATE that changes nothing also affects 0 rows.) */
	if ((rc = db_one(db, "SELECT id FROM accounts WHERE id = ? FOR UPDATE", q, 1, o, 1)) <= 0)
		return rc == 0 ? 1 : rc;
	if ((rc = db_exec(db, sql[S_SAVE], p, nitems(p), &n, NULL)) != DB_OK)
		return rc;
	snprintf(obj, sizeof(obj), "account:%lld", x->id);
	after = json_pack("{s:s, s:s, s:s, s:I, s:s}", "country", x->p->country, "vat_id",
	    x->p->vat_id, "tax_mode", x->p->manual ? "manual" : "auto", "tax_bp",
	    (json_int_t)x->c->bp, "tax_scheme", tax_scheme_name(x->c->scheme));
	if (after == NULL)
		return DB_NOMEM;
	return db_audit_json(db, x->now, x->actor, "account.tax", obj, NULL, after);
}

int
db_tax_save(struct db *db, long long id, const struct tax_profile *p, const struct tax_choice *c,
    const char *actor, long long now)
{
	struct save x = { id, now, p, c, actor };

	return db_tx(db, save_tx, &x);
}

/* Choose a's automatic rate again and store it (nothing for a manual rate). */
static int
refresh(struct db *db, struct db_tax_account *a, const struct tax_in *rules)
{
	struct tax_choice c;

	if (a->p.manual)
		return DB_OK;
	if (tax_profile_choice(&a->p, rules, &c) != TAX_OK)
		return DB_OK;	/* a bad [isp] tax_rates is refused when the config is read */
	struct dbv ps[] = { DBV_INT(c.bp), DBV_STR(tax_scheme_name(c.scheme)), DBV_INT(a->id) };
	return db_exec(db, sql[S_SET_RATE], ps, nitems(ps), NULL, NULL);
}

int
db_tax_refresh_account(struct db *db, long long id, const struct tax_in *rules)
{
	struct db_tax_account a;
	int rc;

	if ((rc = db_tax_get(db, id, &a)) <= 0)
		return rc;
	return refresh(db, &a, rules);
}

int
db_tax_refresh_ve(struct db *db, const char *ve_id, const struct tax_in *rules)
{
	struct db_tax_account a;
	struct row r = { &a, "", "" };
	struct dbv p[] = { DBV_STR(ve_id) };
	struct dbo o[] = ROW_OUT(r);
	int rc;

	memset(&a, 0, sizeof(a));
	if ((rc = db_one(db, sql[S_VE_ACCOUNT], p, 1, o, nitems(o))) <= 0)
		return rc;
	row_done(&r);
	return refresh(db, &a, rules);
}

json_t *
db_tax_list(struct db *db, const char *q, long long limit)
{
	struct db_tax_account a;
	struct row r = { &a, "", "" };
	struct db_cur cur;
	char like[200] = "", pat[210];
	json_t *arr = json_array();
	int rc;

	if (arr == NULL)
		return NULL;
	if (q != NULL)
		admin_like_escape(q, like, sizeof(like));
	snprintf(pat, sizeof(pat), "%%%s%%", like);
	struct dbv p[] = { DBV_STR(like), DBV_STR(pat), DBV_STR(pat), DBV_STR(pat), DBV_STR(pat),
	    DBV_INT(limit) };
	struct dbo o[] = ROW_OUT(r);
	memset(&a, 0, sizeof(a));
	if (db_query(db, &cur, sql[S_LIST], p, nitems(p), o, nitems(o)) != DB_OK) {
		json_decref(arr);
		return NULL;
	}
	while ((rc = db_next(&cur)) == 1) {
		row_done(&r);
		json_t *j = db_tax_account_json(&a);
		json_object_del(j, "address");
		json_array_append_new(arr, j);
	}
	db_cur_close(&cur);
	if (rc < 0) {
		json_decref(arr);
		return NULL;
	}
	return json_pack("{s:o}", "accounts", arr);
}

int
db_tax_doc(struct db *db, json_t *doc, const char *inv)
{
	struct tax_profile b;
	char email[255], scheme[16], d1[11], d2[11];
	long long bp, from, to;
	json_t *lines, *l;
	size_t k;
	int s;
	struct dbv p[] = { DBV_STR(inv) };
	struct dbo o[] = { DBO_STR(email), DBO_STR(b.name), DBO_STR(b.company), DBO_STR(b.address),
	    DBO_STR(b.country), DBO_STR(b.vat_id), DBO_STR(scheme), DBO_INT(&bp), DBO_INT(&from),
	    DBO_INT(&to) };

	if (db_one(db, sql[S_DOC], p, 1, o, nitems(o)) != 1)
		return -1;
	s = tax_scheme_parse(scheme);
	if (s < 0)
		s = TAX_STANDARD;
	admin_date_format(from, d1);
	admin_date_format(to - 1, d2);
	json_object_set_new(doc, "buyer", json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "email", email,
	    "name", b.name, "company", b.company, "address", b.address, "country", b.country,
	    "vat_id", b.vat_id));
	json_object_set_new(doc, "tax_scheme", json_string(tax_scheme_name((enum tax_scheme)s)));
	json_object_set_new(doc, "tax_note", json_string(tax_scheme_note((enum tax_scheme)s)));
	json_object_set_new(doc, "supply_from", json_string(d1));
	json_object_set_new(doc, "supply_to", json_string(d2));
	if (json_object_get(doc, "tax_bp") == NULL)
		json_object_set_new(doc, "tax_bp", json_integer(bp));
	lines = json_object_get(doc, "lines");
	json_array_foreach(lines, k, l) {
		json_t *a = json_object_get(l, "amount_minor");
		if (!json_is_integer(a))
			continue;
		json_object_set_new(l, "tax_bp", json_integer(bp));
		json_object_set_new(l, "tax_minor", json_integer(tax_of(json_integer_value(a), bp)));
	}
	return 0;
}
