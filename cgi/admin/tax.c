/*
 * vep-admin: accounts' buyer details and VAT rates (issue 18).
 *   GET  /admin/tax            accounts with country, VAT id, scheme and rate (?q= filters)
 *   GET  /admin/tax/{id}       one account's form
 *   POST /admin/tax/{id}       save it (CSRF); the rate "auto" follows [isp]
 *				(lib/domain/tax.c), a number fixes it
 * The fields are this page's own table, each checked by tax_profile_set:
 * the API's (cgi/api_tax.c) and vepctl's rules, so the three agree.
 */
#include "admin.h"
#include "db_tax.h"

enum tkey { T_NAME, T_COMPANY, T_ADDRESS, T_COUNTRY, T_VAT_ID, T_TAX_BP, T_Q, T__MAX };

/* enum tkey and enum tax_key agree for T_NAME..T_TAX_BP. */
static const char *
v_tax(const char *s, struct form *v, size_t k)
{
	static struct tax_profile scratch;
	const char *why = NULL;

	(void)v;
	return tax_profile_set(&scratch, (enum tax_key)k, s, &why) == 0 ? NULL : why;
}

static const char *
v_q(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return admin_text_valid(s, 254, 0) ? NULL : "At most 254 characters on one line.";
}

static const struct form_field fields[T__MAX] = {
	[T_NAME] = { "name", v_tax, 0 },
	[T_COMPANY] = { "company", v_tax, 0 },
	[T_ADDRESS] = { "address", v_tax, 0 },
	[T_COUNTRY] = { "country", v_tax, 0 },
	[T_VAT_ID] = { "vat_id", v_tax, 0 },
	[T_TAX_BP] = { "tax_bp", v_tax, 1, "Say auto, or the rate in basis points." },
	[T_Q] = { "q", v_q, 0 },
};
#define PROFILE_MASK	(FORM_BIT(T_NAME) | FORM_BIT(T_COMPANY) | FORM_BIT(T_ADDRESS) | \
	FORM_BIT(T_COUNTRY) | FORM_BIT(T_VAT_ID) | FORM_BIT(T_TAX_BP))

/* The rate as the form shows it: "auto" or the fixed number. */
static void
rate_text(const struct db_tax_account *a, char out[24])
{
	if (a->p.manual)
		snprintf(out, 24, "%lld", a->p.bp);
	else
		snprintf(out, 24, "auto");
}

static void
set_rate(struct tmpl_dict *d, long long bp)
{
	char s[32];
	snprintf(s, sizeof(s), "%lld.%02lld %%", bp / 100, bp % 100);
	tmpl_set(d, "RATE", s);
}

/* An account's row of the list: its key, the JSON member. */
static const struct json_col account_cols[] = {
	{ "EMAIL", "email" }, { "NAME", "name" }, { "COMPANY", "company" },
	{ "COUNTRY", "country" }, { "VAT_ID", "vat_id" }, { "MODE", "tax_mode" },
};

void
page_tax_list(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct tmpl_dict *d;
	struct form v;
	json_t *j, *e;
	size_t i;

	(void)caps;
	form_read(fields, T__MAX, &q->query, FORM_BIT(T_Q), &v);
	if ((j = db_tax_list(w->db, v.s[T_Q], 200)) == NULL) {
		web_unavailable(w, r);
		return;
	}
	if ((d = admin_form_dict(w, q, "Tax", "tax", NULL, NULL, 0)) == NULL) {
		json_decref(j);
		admin_oom(w, r);
		return;
	}
	if (v.raw[T_Q] != NULL)
		tmpl_set(d, "V_Q", v.raw[T_Q]);
	tmpl_set(d, "SELLER_COUNTRY", conf_str(w->conf, "isp", "country"));
	set_rate(tmpl_add(d, "DEFAULT"), conf_int(w->conf, "isp", "tax_bp"));
	tmpl_set(d, "RATES", conf_str(w->conf, "isp", "tax_rates"));
	json_array_foreach(json_object_get(j, "accounts"), i, e) {
		struct tmpl_dict *x = tmpl_add(d, "ACCOUNT");
		tmpl_set_int(x, "ID", json_integer_value(json_object_get(e, "id")));
		set_json_strs(x, e, account_cols, nitems(account_cols));
		tmpl_show(x, strcmp(json_string_value(json_object_get(e, "tax_scheme")), "standard") == 0 ?
		    "STANDARD" : "REVERSE");
		set_rate(x, json_integer_value(json_object_get(e, "tax_bp")));
	}
	if (i == 0)
		tmpl_show(d, "NO_ACCOUNTS");
	json_decref(j);
	page_finish(w, r, 200, "admin/tax.tpl", d);
}

/* The form of account a (v: shown again after an error). */
static void
render_account(struct web *w, struct req *q, struct resp *r, int status,
    const struct db_tax_account *a, const struct form *v)
{
	struct tmpl_dict *d, *x;
	char rate[24];

	if ((d = admin_form_dict(w, q, "Tax", "tax", v != NULL ? "The details have errors; see below." :
	    NULL, NULL, 0)) == NULL) {
		admin_oom(w, r);
		return;
	}
	x = tmpl_add(d, "ONE");
	tmpl_set(x, "CSRF", w->session.csrf);
	tmpl_set_int(x, "ID", a->id);
	tmpl_set(x, "EMAIL", a->email);
	rate_text(a, rate);
	tmpl_set(x, "V_NAME", a->p.name);
	tmpl_set(x, "V_COMPANY", a->p.company);
	tmpl_set(x, "V_ADDRESS", a->p.address);
	tmpl_set(x, "V_COUNTRY", a->p.country);
	tmpl_set(x, "V_VAT_ID", a->p.vat_id);
	tmpl_set(x, "V_TAX_BP", rate);
	set_rate(x, a->c.bp);
	tmpl_set(x, "SCHEME", a->c.scheme == TAX_REVERSE_CHARGE ? "reverse charge" : "standard");
	tmpl_set(x, "NOTE", tax_scheme_note(a->c.scheme));
	if (v != NULL)
		page_form_state(x, fields, T__MAX, v, PROFILE_MASK);
	page_finish(w, r, status, "admin/tax.tpl", d);
}

/* The account of the path: 1 (a filled), or 0 answered (404, 503). */
static int
path_account(struct web *w, struct resp *r, const char *s, struct db_tax_account *a)
{
	const char *e = NULL;
	long long id = vep_strtonum(s, 1, 4294967295LL, &e);
	int rc = e == NULL ? db_tax_get(w->db, id, a) : 0;

	if (rc < 0)
		web_unavailable(w, r);
	else if (rc == 0)
		web_error(w, r, 404, "There is no such account.");
	return rc == 1;
}

void
page_tax_account(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct db_tax_account a;

	if (path_account(w, r, caps[0], &a))
		render_account(w, q, r, 200, &a, NULL);
}

void
page_tax_save(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct db_tax_account a;
	struct tax_choice c;
	struct tax_in rules;
	struct form v;
	char actor[80], to[64];
	const char *why;
	int rc;

	if (!path_account(w, r, caps[0], &a))
		return;
	if (form_read(fields, T__MAX, &q->form, PROFILE_MASK, &v) > 0) {
		render_account(w, q, r, 422, &a, &v);
		return;
	}
	/* Absent optional fields are emptied: the form always sends them all. */
	for (int k = T_NAME; k <= T_TAX_BP; k++)
		(void)tax_profile_set(&a.p, (enum tax_key)k, v.s[k] != NULL ? v.s[k] : "", &why);
	db_tax_rules(w->conf, &rules);
	actor_of(&w->session, actor);
	if (tax_profile_choice(&a.p, &rules, &c) != TAX_OK ||
	    (rc = db_tax_save(w->db, a.id, &a.p, &c, actor, w->now)) < 0) {
		web_unavailable(w, r);
		return;
	}
	if (rc == 1) {
		web_error(w, r, 404, "There is no such account.");
		return;
	}
	log_info("admin: %s set account %lld's tax to %lld bp", w->session.subject, a.id, c.bp);
	snprintf(to, sizeof(to), "/admin/tax/%lld", a.id);
	redirect_done(r, to, "taxed");
}
