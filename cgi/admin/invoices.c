/*
 * vep-admin: invoices, the invoice run, an invoice's page (and its
 * print-ready form), payments and credit notes on it.
 */
#include "admin.h"
#include "docview.h"
#include "db_docs.h"
#include "db_invoice_run.h"
#include "db_late.h"
#include "db_bill.h"
#include "db_payments.h"
#include "money.h"
#include "rating.h"

static void
render_invoices(struct web *w, struct req *q, struct resp *r, int status,
    const struct form *run, const char *error)
{
	struct form v;
	struct admin_invoice *rows = NULL;
	struct tmpl_dict *d;
	char base[600] = "/admin/invoices";
	long long total, page;
	size_t n = 0;
	int bad;

	bad = admin_read(&q->query, BIT(K_Q) | BIT(K_STATUS) | BIT(K_PAGE), &v);
	page = v.s[K_PAGE] != NULL ? v.n[K_PAGE] : 1;
	if (bad == 0 && db_admin_invoices(w->db, v.s[K_STATUS] ? (enum admin_inv_status)v.n[K_STATUS] :
	    AIS_ALL, v.s[K_Q], w->now, PAGE_ROWS, (page - 1) * PAGE_ROWS, &rows, &n, &total) != DB_OK) {
		web_unavailable(w, r);
		return;
	}
	if ((d = admin_form_dict(w, q, "Invoices", "invoices", error, &v, BIT(K_Q))) == NULL) {
		free(rows);
		admin_oom(w, r);
		return;
	}
	if (run != NULL)
		admin_form_state(d, run, BIT(K_PERIOD));
	else {
		int y, m;
		rate_month_of(w->now, &y, &m);
		if (--m == 0) {
			m = 12;
			y--;
		}
		char p[16];
		snprintf(p, sizeof(p), "%04d-%02d", y % 10000, m % 100);
		tmpl_set(d, "V_PERIOD", p);
	}
	for (size_t i = 0; i < nitems(inv_status); i++) {
		struct tmpl_dict *o = tmpl_add(d, "STATUS_OPT");
		tmpl_set(o, "VALUE", inv_status[i]);
		if (v.s[K_STATUS] != NULL && (size_t)v.n[K_STATUS] == i)
			tmpl_show(o, "SELECTED");
	}
	for (size_t i = 0; i < n; i++) {
		const struct admin_invoice *x = &rows[i];
		long long bal = x->total + x->credited - x->paid;
		struct tmpl_dict *y = tmpl_add(d, "INVOICE");
		tmpl_set(y, "NUMBER", x->number);
		tmpl_set(y, "PERIOD", x->period);
		tmpl_set(y, "EMAIL", x->email);
		tmpl_set_int(y, "ACCOUNT", x->account_id);
		page_set_money(y, "TOTAL", x->total, x->currency);
		page_set_money(y, "BALANCE", bal, x->currency);
		set_date(y, "ISSUED", x->issued_at);
		set_date(y, "DUE", x->due_at);
		tmpl_set(y, "STATUS", bal <= 0 ? "paid" : w->now > x->due_at ? "overdue" : "open");
	}
	qs_add(base, sizeof(base), "q", v.s[K_Q]);
	qs_add(base, sizeof(base), "status", v.s[K_STATUS]);
	list_end(d, bad, "NO_INVOICES", n, total, base, page);
	free(rows);
	page_finish(w, r, bad > 0 ? 422 : status, "admin/invoices.tpl", d);
}

void
page_invoices(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)caps;
	if (billing_page(w, r, "Invoices", "invoices") == -1)
		return;
	render_invoices(w, q, r, 200, NULL, NULL);
}

void
page_invoice_run(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	const struct session *s = &w->session;
	struct form v;
	char actor[80], err[256] = "";
	int created = 0, rc;

	(void)caps;
	if (billing_change(w, r) == -1)
		return;
	if (admin_read(&q->form, BIT(K_PERIOD), &v) > 0) {
		render_invoices(w, q, r, 422, &v, "The invoice run has errors; see below.");
		return;
	}
	actor_of(s, actor);
	rc = db_invoice_run_opt(w->db, (int)(v.n[K_PERIOD] / 100), (int)(v.n[K_PERIOD] % 100),
	    w->now, (int)conf_int(w->conf, "isp", "invoice_due_days"), actor, &created, err, sizeof(err));
	if (rc == BILLING_EINPUT) {
		v.bad[K_PERIOD] = err;
		render_invoices(w, q, r, 422, &v, "The invoice run has errors; see below.");
		return;
	}
	if (rc != BILLING_OK) {
		web_error(w, r, rc == BILLING_EDATA ? 500 : 503, rc == BILLING_EDATA ?
		    "The stored data cannot be rated; see the log." : "The service is briefly unavailable.");
		return;
	}
	{
		/* And the notes for late usage of any invoiced month (db_late.h). */
		int dn = 0, cn = 0;
		if (db_late_run(w->db, w->now, (int)conf_int(w->conf, "isp", "invoice_due_days"),
		    actor, &dn, &cn, err, sizeof(err)) != BILLING_OK)
			log_warnx("admin: invoice run %s: late usage: %s", v.s[K_PERIOD], err);
		log_info("admin: %s ran invoices for %s: %d new, %d debit and %d credit notes for "
		    "late usage", s->subject, v.s[K_PERIOD], created, dn, cn);
	}
	redirect_done(r, "/admin/invoices", "run");
}

/* The invoice's lines: what each is for, quantity, price and amount. */
static void
invoice_lines(struct tmpl_dict *d, json_t *j, const char *cur)
{
	json_t *e;
	size_t k;

	json_array_foreach(json_object_get(j, "lines"), k, e) {
		struct tmpl_dict *x = tmpl_add(d, "LINE");
		const char *kind = json_string_value(json_object_get(e, "kind"));
		const char *res = json_string_value(json_object_get(e, "resource"));
		char item[128];
		tmpl_set(x, "VE_ID", json_string_value(json_object_get(e, "ve_id")));
		tmpl_set(x, "KIND", kind);
		tmpl_set(x, "RESOURCE", res);
		if (kind != NULL && strcmp(kind, "fee") == 0)
			snprintf(item, sizeof(item), "Monthly fee");
		else
			snprintf(item, sizeof(item), "%s, %s", res ? res : "?",
			    kind && strcmp(kind, "usage") == 0 ? "included" : kind ? kind : "?");
		/* A month cut by a service change: the line's part. */
		char span[64];
		if (vep_iso_span(json_string_value(json_object_get(e, "from")),
		    json_string_value(json_object_get(e, "to")), span, sizeof(span)) == 0) {
			size_t n = strlen(item);
			snprintf(item + n, sizeof(item) - n, " (%s)", span);
		}
		tmpl_set(x, "ITEM", item);
		tmpl_set(x, "QUANTITY", json_string_value(json_object_get(e, "quantity")));
		tmpl_set(x, "UNIT", json_string_value(json_object_get(e, "unit")));
		docview_line(x, e, cur);
		set_money_json(x, "PRICE", e, "unit_price_minor", cur);
		set_money_json(x, "AMOUNT", e, "amount_minor", cur);
	}
}

/* The credit notes on the invoice, and late usage's debit notes (db_late.h) with the difference per line. */
static void
invoice_notes(struct tmpl_dict *d, json_t *j, const char *cur)
{
	json_t *e, *l;
	size_t k, i;

	json_array_foreach(json_object_get(j, "credit_notes"), k, e) {
		struct tmpl_dict *x = tmpl_add(d, "CN");
		tmpl_set(x, "NUMBER", json_string_value(json_object_get(e, "number")));
		tmpl_set(x, "REASON", json_string_value(json_object_get(e, "reason")));
		page_set_time(x, "ISSUED", iso_of(e, "issued_at"));
		set_money_json(x, "TOTAL", e, "total_minor", cur);
		if (json_is_true(json_object_get(e, "late")))
			tmpl_show(x, "CN_LATE");
		json_array_foreach(json_object_get(e, "lines"), i, l) {
			struct tmpl_dict *y = tmpl_add(x, "CN_LINE");
			const char *ve = json_string_value(json_object_get(l, "ve_id"));
			tmpl_set(y, "VE_ID", ve != NULL ? ve : "—");
			tmpl_set(y, "RESOURCE", json_string_value(json_object_get(l, "resource")));
			tmpl_set(y, "DESCRIPTION", json_string_value(json_object_get(l, "description")));
			set_money_json(y, "AMOUNT", l, "amount_minor", cur);
		}
	}
	if (json_array_size(json_object_get(j, "credit_notes")) == 0)
		tmpl_show(d, "NO_CNS");
	json_array_foreach(json_object_get(j, "debit_notes"), k, e) {
		struct tmpl_dict *x = tmpl_add(d, "DN");
		tmpl_set(x, "NUMBER", json_string_value(json_object_get(e, "number")));
		tmpl_set(x, "REASON", json_string_value(json_object_get(e, "reason")));
		tmpl_set(x, "STATUS", json_string_value(json_object_get(e, "status")));
		page_set_time(x, "ISSUED", iso_of(e, "issued_at"));
		set_money_json(x, "TOTAL", e, "total_minor", cur);
		set_money_json(x, "BALANCE", e, "balance_minor", cur);
		diff_lines(x, "DN_LINE", e, "lines", cur);
	}
	if (json_array_size(json_object_get(j, "debit_notes")) == 0)
		tmpl_show(d, "NO_DNS");
}

/* The invoice page, or the print-ready page (print = 1). */
static void
render_invoice(struct web *w, struct req *q, struct resp *r, const char *number, int status,
    int print, const struct form *pay, const struct form *cn, const char *error)
{
	static const struct doc_kind invoice = {
		"INV", db_docs_invoice_json, "invoice", "Invoice", "invoices"
	};
	struct tmpl_dict *d;
	json_t *j;
	const char *cur;
	char c4[4], email[255] = "";
	long long account;

	if ((d = doc_dict(w, q, r, &invoice, number, &j, error, pay)) == NULL)
		return;
	cur = json_string_value(json_object_get(j, "currency"));
	if (cn != NULL)
		admin_form_state(d, cn, BIT(K_VE) | BIT(K_RESOURCE) | BIT(K_AMOUNT) | BIT(K_DESCRIPTION) |
		    BIT(K_REASON));
	set_date(d, "ISSUED_DATE", iso_of(j, "issued_at"));
	set_date(d, "DUE_DATE", iso_of(j, "due_at"));
	/* The customer: the invoice's account. */
	if (db_admin_invoice_head(w->db, number, c4, &account, email) == 1) {
		tmpl_set(d, "EMAIL", email);
		tmpl_set_int(d, "ACCOUNT", account);
	}
	set_money_json(d, "CREDITED", j, "credited_minor", cur);
	tmpl_set(d, "ISP_ADDRESS", conf_str(w->conf, "isp", "address"));
	if (conf_str(w->conf, "isp", "vat_id")[0] != '\0')
		tmpl_set(tmpl_add(d, "VAT_ID"), "ID", conf_str(w->conf, "isp", "vat_id"));
	docview_parties(d, j, w->conf, email);
	invoice_lines(d, j, cur);
	invoice_notes(d, j, cur);
	for (int i = 0; i < RR__MAX; i++) {
		struct tmpl_dict *o = tmpl_add(d, "RES_OPT");
		tmpl_set(o, "VALUE", rate_res_name((enum rate_res)i));
		if (cn != NULL && cn->raw[K_RESOURCE] != NULL &&
		    strcmp(cn->raw[K_RESOURCE], rate_res_name((enum rate_res)i)) == 0)
			tmpl_show(o, "SELECTED");
	}
	if (json_integer_value(json_object_get(j, "balance_minor")) > 0)
		tmpl_show(d, "OPEN");
	json_decref(j);
	page_finish(w, r, status, print ? "admin/invoice_print.tpl" : "admin/invoice.tpl", d);
}

void
page_invoice(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	if (billing_page(w, r, "Invoice", "invoices") == -1)
		return;
	render_invoice(w, q, r, caps[0], 200, 0, NULL, NULL, NULL);
}

void
page_invoice_print(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	if (billing_page(w, r, "Invoice", "invoices") == -1)
		return;
	render_invoice(w, q, r, caps[0], 200, 1, NULL, NULL, NULL);
}

/*
 * Parse an amount for an invoice's currency exactly (money_parse).  Returns
 * 0, or -1 with v->bad[K_AMOUNT] set (pointing into why[128]), 1 when the
 * invoice does not exist, -2 when the database failed.
 */
static int
amount_of(struct web *w, const char *number, struct form *v, long long *minor, char why[128])
{
	char cur[4], email[255];
	long long account;
	int64_t m;
	int rc;

	if ((rc = db_admin_invoice_head(w->db, number, cur, &account, email)) < 0)
		return -2;
	if (rc == 0)
		return 1;
	if (money_parse(v->s[K_AMOUNT], cur, &m) == -1) {
		int e = money_exponent(cur);
		snprintf(why, 128, "An amount in %s with at most %d digit%s after the point, "
		    "such as %s.", cur, e, e == 1 ? "" : "s", e == 0 ? "1200" : e == 3 ? "12.345" : "12.34");
		v->bad[K_AMOUNT] = why;
		return -1;
	}
	*minor = m;
	return 0;
}

/* Record a payment; from the invoice page (path) or the payments page (form field). */
static void
payment(struct web *w, struct req *q, struct resp *r, const char *path_number)
{
	const struct session *s = &w->session;
	struct form v;
	char actor[80], err[256] = "", back[64], why[128];
	uint64_t mask = BIT(K_AMOUNT) | BIT(K_DATE) | BIT(K_REFERENCE);
	const char *number;
	long long amount = 0, id;
	int bad, rc;

	if (billing_change(w, r) == -1)
		return;
	if (path_number == NULL)
		mask |= BIT(K_INVOICE);
	bad = admin_read(&q->form, mask, &v);
	bad += payment_date_future(w, &v);
	number = path_number != NULL ? path_number : v.s[K_INVOICE];
	if (path_number != NULL && !admin_invoice_number_valid(path_number, "INV")) {
		web_error(w, r, 404, "There is no such invoice.");
		return;
	}
	if (number != NULL && v.s[K_AMOUNT] != NULL) {
		if ((rc = amount_of(w, number, &v, &amount, why)) == -2) {
			web_unavailable(w, r);
			return;
		}
		if (rc == 1) {
			if (path_number != NULL) {
				web_error(w, r, 404, "There is no such invoice.");
				return;
			}
			v.bad[K_INVOICE] = "There is no invoice with this number.";
		}
		if (rc != 0)
			bad++;
		else if (amount == 0) {
			v.bad[K_AMOUNT] = "The amount must not be 0.";
			bad++;
		}
	}
	if (bad == 0) {
		actor_of(s, actor);
		rc = db_payments_add(w->db, number, amount, v.n[K_DATE], v.s[K_REFERENCE], actor,
		    w->now, &id, err, sizeof(err));
		if (rc == BILLING_OK) {
			log_info("admin: %s recorded a payment on %s", s->subject, number);
			snprintf(back, sizeof(back), "/admin/invoices/%s", number);
			redirect_done(r, path_number != NULL ? back : "/admin/payments", "paid");
			return;
		}
		if (rc != BILLING_EINPUT) {
			if (rc == BILLING_ENOENT)
				web_error(w, r, 404, "There is no such invoice.");
			else
				web_unavailable(w, r);
			return;
		}
		v.bad[K_AMOUNT] = err;
	}
	if (path_number != NULL)
		render_invoice(w, q, r, path_number, 422, 0, &v, NULL, "The payment has errors; see below.");
	else
		render_docs(w, q, r, 0, 422, &v, mask);
}

void
page_invoice_payment(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	payment(w, q, r, caps[0]);
}

void
page_payment_add(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)caps;
	payment(w, q, r, NULL);
}

void
page_credit_note(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	const struct session *s = &w->session;
	struct form v;
	struct db_cn_line l;
	char actor[80], err[256] = "", number[25], back[64], why[128];
	uint64_t mask = BIT(K_VE) | BIT(K_RESOURCE) | BIT(K_AMOUNT) | BIT(K_DESCRIPTION) | BIT(K_REASON);
	long long amount = 0;
	int bad, rc;

	if (billing_change(w, r) == -1)
		return;
	if (!admin_invoice_number_valid(caps[0], "INV")) {
		web_error(w, r, 404, "There is no such invoice.");
		return;
	}
	bad = admin_read(&q->form, mask, &v);
	if (v.s[K_REASON] == NULL && v.bad[K_REASON] == NULL) {
		v.bad[K_REASON] = "Say why the invoice is corrected.";
		bad++;
	}
	if (v.s[K_AMOUNT] != NULL) {
		if ((rc = amount_of(w, caps[0], &v, &amount, why)) == -2) {
			web_unavailable(w, r);
			return;
		}
		if (rc == 1) {
			web_error(w, r, 404, "There is no such invoice.");
			return;
		}
		if (rc == 0 && amount <= 0) {
			v.bad[K_AMOUNT] = "Enter the amount to credit as a positive number, such as 2.50.";
			rc = -1;
		}
		if (rc != 0)
			bad++;
	}
	if (bad == 0) {
		memset(&l, 0, sizeof(l));
		snprintf(l.ve_id, sizeof(l.ve_id), "%s", v.s[K_VE] ? v.s[K_VE] : "");
		l.res = (enum rate_res)v.n[K_RESOURCE];
		l.amount_minor = -amount;
		snprintf(l.description, sizeof(l.description), "%s", v.s[K_DESCRIPTION] ? v.s[K_DESCRIPTION] : "");
		actor_of(s, actor);
		rc = db_payments_credit_note(w->db, caps[0], &l, 1, v.s[K_REASON], actor, w->now, number,
		    err, sizeof(err));
		if (rc == BILLING_OK) {
			log_info("admin: %s issued credit note %s on %s", s->subject, number, caps[0]);
			snprintf(back, sizeof(back), "/admin/invoices/%s", caps[0]);
			redirect_done(r, back, "credited");
			return;
		}
		if (rc == BILLING_ENOENT) {
			web_error(w, r, 404, "There is no such invoice.");
			return;
		}
		if (rc != BILLING_EINPUT) {
			web_unavailable(w, r);
			return;
		}
		v.bad[K_AMOUNT] = err;
	}
	render_invoice(w, q, r, caps[0], 422, 0, NULL, &v, "The credit note has errors; see below.");
}

