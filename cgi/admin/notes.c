/*
 * vep-admin: the lists of credit notes and payments, and the debit notes
 * of late usage (db_late.h) with their payments.
 */
#include "admin.h"
#include "db_docs.h"
#include "db_late.h"
#include "db_bill.h"
#include "db_payments.h"
#include "money.h"

void
render_docs(struct web *w, struct req *q, struct resp *r, int credit, int status,
    const struct form *pay, uint64_t mask)
{
	struct form v;
	struct admin_doc *rows = NULL;
	struct tmpl_dict *d;
	long long total, page;
	size_t n = 0;
	int rc;

	admin_read(&q->query, BIT(K_PAGE), &v);
	page = v.s[K_PAGE] != NULL ? v.n[K_PAGE] : 1;
	rc = credit ? db_admin_credit_notes(w->db, PAGE_ROWS, (page - 1) * PAGE_ROWS, &rows, &n, &total) :
	    db_admin_payments(w->db, PAGE_ROWS, (page - 1) * PAGE_ROWS, &rows, &n, &total);
	if (rc != DB_OK) {
		web_unavailable(w, r);
		return;
	}
	if ((d = admin_form_dict(w, q, credit ? "Credit notes" : "Payments", credit ? "credit_notes" :
	    "payments", pay != NULL ? "The payment has errors; see below." : NULL, pay, mask)) == NULL) {
		free(rows);
		admin_oom(w, r);
		return;
	}
	if (pay == NULL && !credit)
		set_date(d, "V_DATE", w->now);
	for (size_t i = 0; i < n; i++) {
		struct tmpl_dict *x = tmpl_add(d, "DOC");
		tmpl_set(x, "NUMBER", rows[i].number);
		tmpl_set(x, "INVOICE", rows[i].invoice);
		tmpl_set(x, "TEXT", rows[i].text);
		tmpl_set(x, "ACTOR", rows[i].actor);
		page_set_money(x, "AMOUNT", rows[i].amount, rows[i].currency);
		set_date(x, "AT", rows[i].at);
	}
	list_end(d, 0, "NO_DOCS", n, total, credit ? "/admin/credit-notes" : "/admin/payments", page);
	free(rows);
	page_finish(w, r, status, credit ? "admin/credit_notes.tpl" : "admin/payments.tpl", d);
}

static void
docs_page(struct web *w, struct req *q, struct resp *r, int credit)
{
	if (billing_page(w, r, credit ? "Credit notes" : "Payments",
	    credit ? "credit_notes" : "payments") == -1)
		return;
	render_docs(w, q, r, credit, 200, NULL, 0);
}

void
page_credit_notes(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)caps;
	docs_page(w, q, r, 1);
}

void
page_payments(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)caps;
	docs_page(w, q, r, 0);
}

/* ---- debit notes (late usage, db_late.h) ---------------------------------------------------- */

/* A debit note's row of the list: its key, the JSON member. */
static const struct json_col debit_cols[] = {
	{ "NUMBER", "number" }, { "INVOICE", "invoice" }, { "PERIOD", "period" },
	{ "TEXT", "reason" }, { "ACTOR", "actor" }, { "STATUS", "status" },
};

void
page_debit_notes(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct form v;
	struct tmpl_dict *d;
	long long page, total;
	json_t *j, *e;
	size_t k;

	(void)caps;
	if (billing_page(w, r, "Debit notes", "debit_notes") == -1)
		return;
	admin_read(&q->query, BIT(K_PAGE), &v);
	page = v.s[K_PAGE] != NULL ? v.n[K_PAGE] : 1;
	if ((j = db_docs_dn_list_json(w->db, PAGE_ROWS, (page - 1) * PAGE_ROWS, w->now)) == NULL) {
		web_unavailable(w, r);
		return;
	}
	if ((d = admin_page_dict(w, r, "Debit notes", "debit_notes")) == NULL) {
		json_decref(j);
		return;
	}
	json_array_foreach(json_object_get(j, "debit_notes"), k, e) {
		struct tmpl_dict *x = tmpl_add(d, "DOC");
		const char *cur = json_string_value(json_object_get(e, "currency"));
		set_json_strs(x, e, debit_cols, nitems(debit_cols));
		set_date(x, "AT", iso_of(e, "issued_at"));
		set_date(x, "DUE", iso_of(e, "due_at"));
		set_money_json(x, "AMOUNT", e, "total_minor", cur);
		set_money_json(x, "BALANCE", e, "balance_minor", cur);
	}
	total = (long long)json_integer_value(json_object_get(j, "total"));
	if (total == 0)
		tmpl_show(d, "NO_DOCS");
	tmpl_set_int(d, "TOTAL", total);
	pager(d, "/admin/debit-notes", page, total, PAGE_ROWS);
	json_decref(j);
	page_finish(w, r, 200, "admin/debit_notes.tpl", d);
}

/* One debit note with its lines, payments and a payment form. */
static void
render_debit_note(struct web *w, struct req *q, struct resp *r, const char *number, int status,
    const struct form *pay, const char *error)
{
	static const struct doc_kind dn = {
		"DN", db_docs_dn_json, "debit note", "Debit note", "debit_notes"
	};
	struct tmpl_dict *d;
	json_t *j;

	if ((d = doc_dict(w, q, r, &dn, number, &j, error, pay)) == NULL)
		return;
	tmpl_set(d, "INVOICE", json_string_value(json_object_get(j, "invoice")));
	tmpl_set(d, "REASON", json_string_value(json_object_get(j, "reason")));
	diff_lines(d, "LINE", j, "lines", json_string_value(json_object_get(j, "currency")));
	json_decref(j);
	page_finish(w, r, status, "admin/debit_note.tpl", d);
}

void
page_debit_note(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	if (billing_page(w, r, "Debit note", "debit_notes") == -1)
		return;
	render_debit_note(w, q, r, caps[0], 200, NULL, NULL);
}

void
page_debit_note_payment(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	const struct session *s = &w->session;
	struct form v;
	char actor[80], err[256] = "", back[64], why[128];
	const char *cur;
	json_t *j;
	int64_t amount = 0;
	long long id;
	int bad, rc;

	if (billing_change(w, r) == -1)
		return;
	rc = BILLING_ENOENT;
	if (!admin_invoice_number_valid(caps[0], "DN") ||
	    (j = db_docs_dn_json(w->db, caps[0], NULL, w->now, &rc)) == NULL) {
		if (rc == BILLING_ENOENT)
			web_error(w, r, 404, "There is no such debit note.");
		else
			web_unavailable(w, r);
		return;
	}
	bad = admin_read(&q->form, BIT(K_AMOUNT) | BIT(K_DATE) | BIT(K_REFERENCE), &v);
	bad += payment_date_future(w, &v);
	cur = json_string_value(json_object_get(j, "currency"));
	if (v.s[K_AMOUNT] != NULL) {
		if (money_parse(v.s[K_AMOUNT], cur, &amount) == -1) {
			int e = money_exponent(cur);
			snprintf(why, sizeof(why), "An amount in %s with at most %d digit%s after the "
			    "point, such as %s.", cur, e, e == 1 ? "" : "s",
			    e == 0 ? "1200" : e == 3 ? "12.345" : "12.34");
			v.bad[K_AMOUNT] = why;
			bad++;
		} else if (amount == 0) {
			v.bad[K_AMOUNT] = "The amount must not be 0.";
			bad++;
		}
	}
	json_decref(j);
	if (bad == 0) {
		actor_of(s, actor);
		rc = db_payments_add(w->db, caps[0], amount, v.n[K_DATE], v.s[K_REFERENCE], actor,
		    w->now, &id, err, sizeof(err));
		if (rc == BILLING_OK) {
			log_info("admin: %s recorded a payment on %s", s->subject, caps[0]);
			snprintf(back, sizeof(back), "/admin/debit-notes/%s", caps[0]);
			redirect_done(r, back, "paid");
			return;
		}
		if (rc != BILLING_EINPUT) {
			web_unavailable(w, r);
			return;
		}
		v.bad[K_AMOUNT] = err;
	}
	render_debit_note(w, q, r, caps[0], 422, &v, "The payment has errors; see below.");
}

