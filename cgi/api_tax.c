/*
 * An account's buyer details and VAT rate through the API (issue 18):
 *   GET  /api/v1/admin/accounts/{id}/tax   the account's details and rate
 *   POST /api/v1/admin/accounts/{id}/tax   {"name","company","address",
 *	"country","vat_id","tax_bp"}: any of them; tax_bp "auto" (the rate
 *	from [isp] and the buyer's country and VAT id, lib/domain/tax.c) or
 *	a whole number of basis points the operator fixes.
 * Every field is checked by tax_profile_set (the screen's and vepctl's
 * rules); a refused field answers 422 naming it, and nothing is written.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "db.h"
#include "db_tax.h"
#include "log.h"
#include "util.h"

/* The account of the path; 1 found (a filled), 0 answered (404/503). */
static int
path_account(struct web *w, struct resp *r, const char *s, struct db_tax_account *a)
{
	const char *e = NULL;
	long long id = vep_strtonum(s, 1, 4294967295LL, &e);
	int rc;

	if (e != NULL) {
		resp_json_error(r, 404, "There is no such account.", NULL);
		return 0;
	}
	if ((rc = db_tax_get(w->db, id, a)) < 0) {
		web_error(w, r, 503, "The service is briefly unavailable.");
		return 0;
	}
	if (rc == 0) {
		resp_json_error(r, 404, "There is no such account.", NULL);
		return 0;
	}
	return 1;
}

void
api_admin_account_tax(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct db_tax_account a;

	if (!api_admin_only(w, q, r) || !path_account(w, r, caps[0], &a))
		return;
	resp_json(r, 200, db_tax_account_json(&a));
}

void
api_admin_account_tax_set(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct db_tax_account a;
	struct tax_choice c;
	struct tax_in rules;
	json_t *bad, *v;
	const char *k, *why;
	char num[24];
	int rc;

	if (!api_admin_json(w, q, r, "Send the account's details as a JSON object "
	    "(Content-Type: application/json)."))
		return;
	if (!path_account(w, r, caps[0], &a))
		return;
	if ((bad = json_object()) == NULL) {
		web_error(w, r, 503, "The service is briefly unavailable.");
		return;
	}
	json_object_foreach(q->json, k, v) {
		int key = tax_key_parse(k);
		const char *s = json_string_value(v);
		if (key == TK_TAX_BP && json_is_integer(v)) {
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
			s = json_integer_value(v) >= 0 ? num : "-";
		}
		if (key < 0)
			json_object_set_new(bad, k, json_string("is not a field of an account's tax details"));
		else if (s == NULL)
			json_object_set_new(bad, k, json_string(key == TK_TAX_BP ?
			    "must be \"auto\" or a whole number of basis points" : "must be a string"));
		else if (tax_profile_set(&a.p, (enum tax_key)key, s, &why) == -1)
			json_object_set_new(bad, k, json_string(why));
	}
	if (json_object_size(bad) > 0) {
		resp_json_error(r, 422, "The account's tax details have errors; see the fields.", bad);
		return;
	}
	json_decref(bad);
	db_tax_rules(w->conf, &rules);
	if (tax_profile_choice(&a.p, &rules, &c) != TAX_OK ||
	    (rc = db_tax_save(w->db, a.id, &a.p, &c, "api", w->now)) < 0) {
		web_error(w, r, 503, "The service is briefly unavailable.");
		return;
	}
	if (rc == 1) {
		resp_json_error(r, 404, "There is no such account.", NULL);
		return;
	}
	log_info("api: account %lld: tax %s %lld bp", a.id, tax_scheme_name(c.scheme), c.bp);
	a.c = c;
	resp_json(r, 200, db_tax_account_json(&a));
}
