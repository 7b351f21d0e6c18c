/*
 * vep-account: the account page (every VE of the account with its state
 * and this month's charges, the month's total per currency, the
 * account's invoices, the profile form, the link form) and the profile's
 * change.  The charges are the API's (db_charges_json), so this page, the
 * VE's own /self page and the invoice agree.
 */
#include <jansson.h>

#include "account_cgi.h"
#include "db_account_email.h"
#include "db_charges.h"
#include "db_tax.h"
#include "pdf_page.h"
#include "rating.h"
#include "util.h"

long long
session_account(const struct web *w)
{
	const char *es;
	long long id = vep_strtonum(w->session.subject, 1, 0xffffffffLL, &es);

	return es == NULL ? id : 0;
}

/* A month's running totals, one per currency. */
struct totals {
	char		 cur[4][4];
	long long	 minor[4];
	size_t		 n;
};

static void
totals_add(struct totals *t, const char *cur, long long minor)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->cur[i], cur) == 0)
			break;
	if (i == t->n) {
		if (t->n == nitems(t->cur))
			return;
		snprintf(t->cur[t->n++], sizeof(t->cur[0]), "%s", cur);
	}
	t->minor[i] += minor;
}

/* The VEs with their charges this month; 0 or -1 (database). */
static int
fill_ves(struct web *w, struct tmpl_dict *d, long long id)
{
	struct acct_ve *ves = NULL;
	struct totals t = { .n = 0 };
	char err[200];
	int y, m, rc;
	size_t n;

	if (db_account_ves(w->db, id, &ves, &n) != DB_OK)
		return -1;
	rate_month_of(w->now, &y, &m);
	for (size_t i = 0; i < n; i++) {
		struct tmpl_dict *x = tmpl_add(d, "VE");
		json_t *ch = db_charges_json(w->db, ves[i].ve_id, y, m, w->now, 0, &rc, err, sizeof(err));

		tmpl_set(x, "VE_ID", ves[i].ve_id);
		tmpl_set(x, "STATE", ves[i].state);
		tmpl_set(x, "PLAN", ves[i].plan);
		page_set_date(x, "CREATED", ves[i].created_at);
		page_set_date(x, "EXPIRES", ves[i].expires_at);
		if (ch != NULL) {
			long long total = (long long)json_integer_value(json_object_get(ch, "total_minor"));
			page_set_money(x, "CHARGES", total, ves[i].currency);
			totals_add(&t, ves[i].currency, total);
		} else
			tmpl_set(x, "CHARGES", "not available right now");
		json_decref(ch);
	}
	tmpl_show(d, n == 0 ? "NO_VES" : "HAS_VES");
	for (size_t i = 0; i < t.n; i++)
		page_set_money(tmpl_add(d, "TOTAL"), "AMOUNT", t.minor[i], t.cur[i]);
	tmpl_set_int(d, "NVES", (long long)n);
	free(ves);
	return 0;
}

static int
fill_invoices(struct web *w, struct tmpl_dict *d, long long id)
{
	struct acct_invoice *inv = NULL;
	size_t n;

	if (db_account_invoices(w->db, id, &inv, &n) != DB_OK)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct tmpl_dict *x = tmpl_add(d, "INVOICE");
		tmpl_set(x, "NUMBER", inv[i].number);
		tmpl_set(x, "PERIOD", inv[i].period);
		page_set_money(x, "TOTAL", inv[i].total_minor, inv[i].currency);
		page_set_date(x, "ISSUED", inv[i].issued_at);
		page_set_date(x, "DUE", inv[i].due_at);
		tmpl_set(x, "VES", inv[i].ves);
	}
	tmpl_show(d, n == 0 ? "NO_INVOICES" : "HAS_INVOICES");
	free(inv);
	return 0;
}

/* The profile form: stored values, or (refused) the values as typed with their errors. */
static void
fill_profile(struct tmpl_dict *d, const struct account *a, const struct home_msgs *m)
{
	const char *stored[AF__MAX] = { a->p.name, a->p.company, a->p.address, a->p.vat_id, a->p.phone,
	    a->p.country };
	static const enum key keys[AF__MAX] = { K_NAME, K_COMPANY, K_ADDRESS, K_VAT_ID, K_PHONE,
	    K_COUNTRY };
	char key[48], up[32];

	for (size_t k = 0; k < AF__MAX; k++) {
		const char *v = stored[k];
		page_upper(acct_fields[k].name, up, sizeof(up));
		if (m != NULL && m->profile != NULL)
			v = m->profile->raw[keys[k]] != NULL ? m->profile->raw[keys[k]] : "";
		snprintf(key, sizeof(key), "P_%s", up);
		tmpl_set(d, key, v);
		if (m != NULL && m->profile_bad[k] != NULL) {
			snprintf(key, sizeof(key), "PE_%s", up);
			tmpl_set(tmpl_add(d, key), "MSG", m->profile_bad[k]);
			snprintf(key, sizeof(key), "PB_%s", up);
			tmpl_show(d, key);
			tmpl_show(d, "PROFILE_BAD");
		}
	}
}

void
show_home(struct web *w, struct req *q, struct resp *r, int status, const struct home_msgs *m)
{
	struct account a;
	struct tmpl_dict *d;
	long long id = session_account(w);
	char pending[255];
	int rc;

	if (home_account(w, q, r, &a) != 1)
		return;
	if ((d = page_dict(w, "My account")) == NULL) {
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	tmpl_set(d, "CSRF", w->session.csrf);
	tmpl_set(d, "EMAIL", a.email);
	tmpl_set(d, "DISPLAY_NAME", a.p.name[0] ? a.p.name : a.email);
	page_set_date(d, "SINCE", a.created_at);
	if (a.verified_at != 0)
		tmpl_show(d, "VERIFIED");
	else
		tmpl_show(d, "UNVERIFIED");
	if (m != NULL && m->notice != NULL)
		tmpl_set(tmpl_add(d, "NOTICE"), "MSG", m->notice);
	if (m != NULL && m->error != NULL)
		tmpl_set(tmpl_add(d, "ERROR"), "MSG", m->error);
	/* The small forms: each one's refusal and what was typed, by one name pattern. */
	static const char *const forms[][3] = { [HF_LINK] = { "LINK_VE", "LINK_ERROR", "LINK_BAD" },
	    [HF_EMAIL] = { "NEW_EMAIL", "EMAIL_ERROR", "EMAIL_BAD" } };
	for (size_t f = HF_LINK; f < nitems(forms); f++) {
		int mine = m != NULL && m->refused == f;
		tmpl_set(d, forms[f][0], mine && m->typed != NULL ? m->typed : "");
		if (mine && m->why != NULL) {
			tmpl_set(tmpl_add(d, forms[f][1]), "MSG", m->why);
			tmpl_show(d, forms[f][2]);
		}
	}
	fill_profile(d, &a, m);
	if ((rc = db_account_email_pending(w->db, id, w->now, pending)) < 0) {
		tmpl_dict_free(d);
		web_unavailable(w, r);
		return;
	}
	if (rc == 1)
		tmpl_set(tmpl_add(d, "PENDING_EMAIL"), "ADDR", pending);
	if (fill_ves(w, d, id) == -1 || fill_invoices(w, d, id) == -1) {
		tmpl_dict_free(d);
		web_unavailable(w, r);
		return;
	}
	page_finish(w, r, status, "account/home.tpl", d);
}

int
home_account(struct web *w, struct req *q, struct resp *r, struct account *a)
{
	int rc;

	if ((rc = db_account_get(w->db, session_account(w), a)) < 0) {
		web_unavailable(w, r);
		return 0;
	}
	if (rc == 0) {
		web_session_end(w, q, r);
		render_login(w, q, r, 403, NULL, "This account no longer exists.");
	}
	return rc;
}

void
home_refuse(struct web *w, struct req *q, struct resp *r, int status, enum home_form f,
    const char *top, const char *why, const char *typed)
{
	struct home_msgs m = { .error = top, .refused = f, .why = why, .typed = typed };

	show_home(w, q, r, status, &m);
}

void
page_home(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	static const char *const notices[] = {
		"Your e-mail address is confirmed: you can now order VEs into your account and link "
		    "the VEs you have.",
		"Your profile was saved.",
		"The VE is now part of your account; its charges from now on are on your account's "
		    "invoice.",
		"A new confirmation link is on its way to your e-mail address.",
		"Unless that address belongs to another account, a link to confirm it is on its way "
		    "there. Your address changes when the link is opened.",
		"Your e-mail address is changed: log in with it from now on. We told your old address.",
	};
	struct home_msgs m = { 0 };
	struct form v;

	(void)caps;
	if (acct_read(&q->query, BIT(K_DONE), &v) == 0 && v.s[K_DONE] != NULL)
		m.notice = notices[v.n[K_DONE]];
	show_home(w, q, r, 200, &m);
}

void
page_profile(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct form v;
	struct acct_profile p;
	struct home_msgs m = { 0 };
	const char *in[AF__MAX];
	struct tax_in rules;
	static const enum key keys[AF__MAX] = { K_NAME, K_COMPANY, K_ADDRESS, K_VAT_ID, K_PHONE,
	    K_COUNTRY };
	int bad;

	(void)caps;
	bad = acct_read(&q->form, PROFILE_MASK, &v);
	for (size_t k = 0; k < AF__MAX; k++)
		in[k] = v.s[keys[k]];
	bad += acct_profile_check(in, &p, m.profile_bad);
	for (size_t k = 0; k < AF__MAX; k++)
		if (v.bad[keys[k]] != NULL && m.profile_bad[k] == NULL)
			m.profile_bad[k] = v.bad[keys[k]];
	if (bad > 0) {
		m.profile = &v;
		m.error = "The profile was not saved; please correct the fields marked below.";
		show_home(w, q, r, 400, &m);
		return;
	}
	/* The country and VAT id just saved choose the account's tax rate (unless the operator fixed it). */
	db_tax_rules(w->conf, &rules);
	if (db_account_set_profile(w->db, session_account(w), &p, w->now) != DB_OK ||
	    db_tax_refresh_account(w->db, session_account(w), &rules) < 0) {
		web_unavailable(w, r);
		return;
	}
	resp_redirect(r, "/account?done=profile");
}

/*
 * GET /account/invoices/{number}.pdf: a document of the session's account
 * as PDF (cgi/pdf_page.c); another account's is 404 like none.
 */
void
page_pdf(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	int rc;

	(void)q;
	if (strlen(caps[0]) > 24 || (rc = db_account_doc_owned(w->db, session_account(w), caps[0])) == 0) {
		web_error(w, r, 404, "There is no such document.");
		return;
	}
	if (rc < 0) {
		web_unavailable(w, r);
		return;
	}
	pdf_page(w, r, caps[0], NULL);
}
