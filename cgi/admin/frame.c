/*
 * vep-admin: the page frame (header with the operator, navigation and
 * logout form), notices, pager, and the values the pages share.
 */
#include "admin.h"
#include "db_bill.h"
#include "db_docs.h"

void
actor_of(const struct session *s, char out[80])
{
	snprintf(out, 80, "admin:%s", s->subject);
}

void
set_date(struct tmpl_dict *d, const char *key, long long t)
{
	char s[11];
	admin_date_format(t, s);
	tmpl_set(d, key, s);
}

int
payment_date_future(struct web *w, struct form *v)
{
	static char why[96];	/* one request at a time per worker */
	char today[11];

	if (v->bad[K_DATE] != NULL || v->s[K_DATE] == NULL || v->n[K_DATE] <= w->now)
		return 0;
	admin_date_format(w->now, today);
	snprintf(why, sizeof(why), "A payment cannot be dated in the future (today is %s).", today);
	v->bad[K_DATE] = why;
	return 1;
}

/* A time the API's JSON holds as ISO 8601, in epoch seconds (0 when absent). */
long long
iso_of(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	long long t = 0;

	if (s == NULL || vep_parse_iso8601(s, &t) == -1)
		return 0;
	return t;
}

void
set_json_strs(struct tmpl_dict *d, json_t *o, const struct json_col *cols, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tmpl_set(d, cols[i].key, json_string_value(json_object_get(o, cols[i].field)));
}

void
set_money_json(struct tmpl_dict *d, const char *key, json_t *o, const char *field, const char *cur)
{
	page_set_money(d, key, (long long)json_integer_value(json_object_get(o, field)), cur);
}

struct tmpl_dict *
admin_page_dict(struct web *w, struct resp *r, const char *title, const char *nav)
{
	struct tmpl_dict *d = admin_dict(w, &w->session, title, nav);

	if (d == NULL)
		admin_oom(w, r);
	return d;
}

/* A page's dictionary with the admin header (nav, operator, logout form) and footer. */
struct tmpl_dict *
admin_dict(struct web *w, const struct session *s, const char *title, const char *nav)
{
	struct tmpl_dict *d = tmpl_dict_new(), *h, *f;
	char key[32];

	if (d == NULL)
		return NULL;
	tmpl_set(d, "TITLE", title);
	tmpl_set(d, "ISP_NAME", conf_str(w->conf, "isp", "name"));
	if (s != NULL)
		tmpl_set(d, "CSRF", s->csrf);
	/* ctemplate's include dictionaries do not inherit: the header gets its own values. */
	h = tmpl_include(d, "HEADER", "admin/header.tpl");
	tmpl_set(h, "TITLE", title);
	tmpl_set(h, "ISP_NAME", conf_str(w->conf, "isp", "name"));
	if (s != NULL) {
		struct tmpl_dict *u = tmpl_add(h, "OPERATOR");
		tmpl_set(u, "NAME", s->subject);
		tmpl_set(u, "CSRF", s->csrf);
		if (nav != NULL) {
			page_upper(nav, key + 4, sizeof(key) - 4);
			memcpy(key, "NAV_", 4);
			tmpl_show(u, key);
		}
	}
	f = tmpl_include(d, "FOOTER", "admin/footer.tpl");
	tmpl_set(f, "ISP_NAME", conf_str(w->conf, "isp", "name"));
	return d;
}

struct tmpl_dict *
admin_form_dict(struct web *w, struct req *q, const char *title, const char *nav, const char *error,
    const struct form *v, uint64_t mask)
{
	struct tmpl_dict *d = admin_dict(w, &w->session, title, nav);

	if (d == NULL)
		return NULL;
	admin_notice(d, q);
	admin_error(d, error);
	if (v != NULL)
		admin_form_state(d, v, mask);
	return d;
}

void
admin_notice(struct tmpl_dict *d, const struct req *q)
{
	struct form v;

	admin_read(&q->query, BIT(K_DONE), &v);
	if (v.s[K_DONE] != NULL)
		tmpl_set(tmpl_add(d, "NOTICE"), "TEXT", notices[v.n[K_DONE]].text);
}

void
redirect_done(struct resp *r, const char *path, const char *done)
{
	char to[256];
	snprintf(to, sizeof(to), "%s?done=%s", path, done);
	resp_redirect(r, to);
}

/* Previous/next links of a list. */
void
pager(struct tmpl_dict *d, const char *base, long long page, long long total, long long rows)
{
	long long npages = total > 0 ? (total + rows - 1) / rows : 1;
	char u[600];
	const char *sep = strchr(base, '?') != NULL ? "&" : "?";

	if (npages <= 1)
		return;
	struct tmpl_dict *p = tmpl_add(d, "PAGER");
	tmpl_set_int(p, "PAGE", page);
	tmpl_set_int(p, "PAGES", npages);
	if (page > 1) {
		snprintf(u, sizeof(u), "%s%spage=%lld", base, sep, page - 1);
		tmpl_set(tmpl_add(p, "PREV"), "URL", u);
	}
	if (page < npages) {
		snprintf(u, sizeof(u), "%s%spage=%lld", base, sep, page + 1);
		tmpl_set(tmpl_add(p, "NEXT"), "URL", u);
	}
}

void
list_end(struct tmpl_dict *d, int bad, const char *none, size_t n, long long total,
    const char *base, long long page)
{
	if (bad > 0) {
		tmpl_show(d, "BAD_FILTER");
		return;
	}
	tmpl_set_int(d, "TOTAL", total);
	if (n == 0)
		tmpl_show(d, none);
	pager(d, base, page, total, PAGE_ROWS);
}

/* Append name=value (percent-encoded) to a query string. */
void
qs_add(char *out, size_t len, const char *name, const char *value)
{
	size_t o = strlen(out);

	if (value == NULL || *value == '\0')
		return;
	o += (size_t)snprintf(out + o, o < len ? len - o : 0, "%s%s=", strchr(out, '?') ? "&" : "?", name);
	for (const unsigned char *p = (const unsigned char *)value; *p != '\0' && o + 4 < len; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p) != NULL)
			out[o++] = (char)*p;
		else
			o += (size_t)snprintf(out + o, len - o, "%%%02X", *p);
	}
	if (o < len)
		out[o] = '\0';
}

/* Whether billing's tables exist; -1 with a 503 in r. */
int
billing_ready(struct web *w, struct resp *r)
{
	int rc = db_admin_billing_ready(w->db);
	if (rc < 0)
		web_unavailable(w, r);
	return rc;
}

void
audit_rows(struct tmpl_dict *d, const struct admin_audit *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct tmpl_dict *x = tmpl_add(d, "AUDIT");
		page_set_time(x, "AT", a[i].at);
		tmpl_set(x, "ACTOR", a[i].actor);
		tmpl_set(x, "ACTION", a[i].action);
		tmpl_set(x, "OBJECT", a[i].object);
		tmpl_set(x, "BEFORE", a[i].before[0] ? a[i].before : "—");
		tmpl_set(x, "AFTER", a[i].after[0] ? a[i].after : "—");
		if (strncmp(a[i].action, "ve.", 3) == 0)
			tmpl_show(x, "VE_LINK");
		else if (strncmp(a[i].action, "invoice.", 8) == 0 && strncmp(a[i].object, "INV-", 4) == 0)
			tmpl_show(x, "INV_LINK");
		else
			tmpl_show(x, "NO_LINK");
	}
	if (n == 0)
		tmpl_show(d, "NO_AUDIT");
}

int
billing_page(struct web *w, struct resp *r, const char *title, const char *nav)
{
	int rc;

	if ((rc = billing_ready(w, r)) < 0)
		return -1;
	if (rc == 0) {
		page_finish(w, r, 200, "admin/billing_na.tpl", admin_dict(w, &w->session, title, nav));
		return -1;
	}
	return 0;
}

void
admin_error(struct tmpl_dict *d, const char *msg)
{
	if (msg != NULL)
		tmpl_set(tmpl_add(d, "ERROR"), "MSG", msg);
}

void
admin_oom(struct web *w, struct resp *r)
{
	web_error(w, r, 500, "Out of memory.");
}

int
billing_change(struct web *w, struct resp *r)
{
	int rc = billing_ready(w, r);

	if (rc < 0)
		return -1;
	if (rc == 0) {
		web_error(w, r, 409, "Billing is not available in this installation yet.");
		return -1;
	}
	return 0;
}

/* The lines of a late note (arr of o): VE, resource, before, after, amount. */
void
diff_lines(struct tmpl_dict *d, const char *section, json_t *o, const char *arr, const char *cur)
{
	size_t i;
	json_t *l;

	json_array_foreach(json_object_get(o, arr), i, l) {
		struct tmpl_dict *y = tmpl_add(d, section);
		tmpl_set(y, "VE_ID", json_string_value(json_object_get(l, "ve_id")));
		tmpl_set(y, "RESOURCE", json_string_value(json_object_get(l, "resource")));
		tmpl_set(y, "UNIT", json_string_value(json_object_get(l, "unit")));
		tmpl_set(y, "BEFORE", json_string_value(json_object_get(l, "quantity_before")));
		tmpl_set(y, "AFTER", json_string_value(json_object_get(l, "quantity_after")));
		set_money_json(y, "AMOUNT", l, "amount_minor", cur);
	}
}

struct tmpl_dict *
doc_dict(struct web *w, struct req *q, struct resp *r, const struct doc_kind *kind,
    const char *number, json_t **jp, const char *error, const struct form *pay)
{
	struct tmpl_dict *d;
	const char *cur;
	char title[64];
	json_t *e, *j = NULL;
	size_t k;
	int rc = BILLING_ENOENT;

	if (admin_invoice_number_valid(number, kind->prefix))
		j = kind->load(w->db, number, NULL, w->now, &rc);
	if (j == NULL) {
		if (rc == BILLING_ENOENT) {
			char why[64];
			snprintf(why, sizeof(why), "There is no such %s.", kind->what);
			web_error(w, r, 404, why);
		} else
			web_unavailable(w, r);
		return NULL;
	}
	snprintf(title, sizeof(title), "%s %s", kind->title, number);
	if ((d = admin_page_dict(w, r, title, kind->nav)) == NULL) {
		json_decref(j);
		return NULL;
	}
	*jp = j;
	tmpl_set(d, "NUMBER", number);
	admin_notice(d, q);
	admin_error(d, error);
	if (pay != NULL)
		admin_form_state(d, pay, BIT(K_AMOUNT) | BIT(K_DATE) | BIT(K_REFERENCE));
	else
		set_date(d, "V_DATE", w->now);
	cur = json_string_value(json_object_get(j, "currency"));
	tmpl_set(d, "PERIOD", json_string_value(json_object_get(j, "period")));
	tmpl_set(d, "CURRENCY", cur);
	tmpl_set(d, "STATUS", json_string_value(json_object_get(j, "status")));
	page_set_time(d, "ISSUED", iso_of(j, "issued_at"));
	page_set_time(d, "DUE", iso_of(j, "due_at"));
	set_money_json(d, "SUBTOTAL", j, "subtotal_minor", cur);
	set_money_json(d, "TAX", j, "tax_minor", cur);
	set_money_json(d, "TOTAL", j, "total_minor", cur);
	set_money_json(d, "PAID", j, "paid_minor", cur);
	set_money_json(d, "BALANCE", j, "balance_minor", cur);
	{
		char t[32];
		fmt_bp(json_integer_value(json_object_get(j, "tax_bp")), t, sizeof(t));
		tmpl_set(d, "TAX_RATE", t);
	}
	json_array_foreach(json_object_get(j, "payments"), k, e) {
		struct tmpl_dict *x = tmpl_add(d, "PAYMENT");
		tmpl_set(x, "DATE", json_string_value(json_object_get(e, "date")));
		tmpl_set(x, "REFERENCE", json_string_value(json_object_get(e, "reference")));
		set_money_json(x, "AMOUNT", e, "amount_minor", cur);
	}
	if (json_array_size(json_object_get(j, "payments")) == 0)
		tmpl_show(d, "NO_PAYMENTS");
	return d;
}
