/*
 * Charges, invoices, invoice runs, payments and credit notes through the
 * API (SPEC sections 5 and 8).  The numbers come from lib/db (the billing modules: db_bill.h); this
 * file checks who asks and what they sent, and maps the outcome to HTTP:
 *
 *	GET  /api/v1/ves/{ve_id}/charges?period=YYYY-MM[&explain=1]
 *	GET  /api/v1/ves/{ve_id}/invoices
 *	GET  /api/v1/invoices/{number}   (an invoice, or a debit note DN-...)
 *	POST /api/v1/admin/invoice-runs {"period":"YYYY-MM"}
 *	    -> {"period","created","debit_notes","credit_notes"}: the notes are
 *	    for late usage of any invoiced month (db_late.h)
 *	POST /api/v1/admin/payments, /api/v1/admin/credit-notes (api_billing.h)
 *
 * explain=1 adds "explain": the state history, the price segments with
 * their active seconds (fee, disk), and per rated usage resource the days
 * and hours behind its lines ("raw" in exact base units; the days' raw
 * amounts sum to the total the line was rated from).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "api.h"
#include "api_billing.h"
#include "conf.h"
#include "db_bill.h"
#include "db_charges.h"
#include "db_docs.h"
#include "db_invoice_run.h"
#include "db_late.h"
#include "db_payments.h"
#include "log.h"
#include "rating.h"
#include "util.h"

static const char period_why[] = "must be a month written YYYY-MM, such as 2026-01";

/* Answer a billing module's failure (enum billing_rc, db_bill.h). */
static void
fail(struct web *w, struct resp *r, int rc, const char *err, const char *notfound,
    const char *field)
{
	switch (rc) {
	case BILLING_EINPUT:
		resp_json_error(r, 422, err, field ? json_pack("{s:s}", field, err) : NULL);
		break;
	case BILLING_ENOENT:
		web_error(w, r, 404, notfound);
		break;
	case BILLING_EDATA:
		web_error(w, r, 500, "The charges cannot be computed from the stored data; "
		    "the operator has been told.");
		break;
	default:
		web_error(w, r, 503, "The service is briefly unavailable.");
		break;
	}
}

/* The document j (private), or the failure rc when it is NULL. */
static void
answer(struct web *w, struct resp *r, json_t *j, int rc, const char *err, const char *notfound,
    const char *field)
{
	if (j == NULL) {
		fail(w, r, rc, err, notfound, field);
		return;
	}
	r->private_page = 1;
	resp_json(r, 200, j);
}


void
api_ve_charges(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct caller c;
	const char *period, *ex;
	char err[256] = "";
	json_t *j;
	int y, m, rc, explain = 0;

	if (api_auth(w, q, r, &c) == -1 || !api_may_see(w, r, &c, caps[0]))
		return;
	period = kv_get(&q->query, "period");
	if (period == NULL || kv_count(&q->query, "period") != 1 ||
	    rate_period_parse(period, &y, &m) == -1) {
		resp_json_error(r, 422, "The period is missing or malformed.",
		    json_pack("{s:s}", "period", period_why));
		return;
	}
	if ((ex = kv_get(&q->query, "explain")) != NULL) {
		if (kv_count(&q->query, "explain") != 1 || (strcmp(ex, "1") != 0 && strcmp(ex, "0") != 0)) {
			resp_json_error(r, 422, "explain must be 0 or 1.",
			    json_pack("{s:s}", "explain", "must be 0 or 1"));
			return;
		}
		explain = ex[0] == '1';
	}
	j = db_charges_json(w->db, caps[0], y, m, w->now, explain, &rc, err, sizeof(err));
	answer(w, r, j, rc, err, "There is no such VE.", "period");
}

void
api_ve_invoices(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct caller c;
	json_t *j;
	int rc;

	if (api_auth(w, q, r, &c) == -1 || !api_may_see(w, r, &c, caps[0]))
		return;
	j = db_docs_ve_invoices_json(w->db, caps[0], w->now, &rc);
	answer(w, r, j, rc, "", "There is no such VE.", NULL);
}

void
api_invoice_get(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct caller c;
	json_t *j;
	int rc;

	if (api_auth(w, q, r, &c) == -1)
		return;
	j = db_docs_invoice_json(w->db, caps[0], c.who == WHO_ADMIN ? NULL : c.ve_id, w->now, &rc);
	answer(w, r, j, rc, "", "There is no such invoice.", NULL);
}

void
api_admin_invoice_runs(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	const char *period = NULL;
	char err[256] = "";
	int y, m, rc, created = 0, dn = 0, cn = 0;

	if (!api_admin_only(w, q, r))
		return;
	if (q->json != NULL)
		period = json_string_value(json_object_get(q->json, "period"));
	if (period == NULL || rate_period_parse(period, &y, &m) == -1) {
		resp_json_error(r, 422, "The period is missing or malformed.",
		    json_pack("{s:s}", "period", period_why));
		return;
	}
	rc = db_invoice_run_opt(w->db, y, m, w->now,
	    (int)conf_int(w->conf, "isp", "invoice_due_days"), "api", &created, err, sizeof(err));
	if (rc != BILLING_OK) {
		fail(w, r, rc, err, "", "period");
		return;
	}
	/* Late usage of any invoiced month; what is left waits for billingd's next round. */
	if (db_late_run(w->db, w->now, (int)conf_int(w->conf, "isp", "invoice_due_days"), "api",
	    &dn, &cn, err, sizeof(err)) != BILLING_OK)
		log_warnx("invoice run %s: late usage: %s", period, err);
	resp_json(r, created + dn + cn > 0 ? 201 : 200, json_pack("{s:s, s:i, s:i, s:i}", "period",
	    period, "created", created, "debit_notes", dn, "credit_notes", cn));
}

/* The invoice after a change, as 201. */
static void
answer_invoice(struct web *w, struct resp *r, const char *number, const char *cn)
{
	json_t *j;
	int rc;

	if ((j = db_docs_invoice_json(w->db, number, NULL, w->now, &rc)) == NULL) {
		fail(w, r, rc, "", "There is no such invoice.", NULL);
		return;
	}
	if (cn != NULL)
		json_object_set_new(j, "credit_note", json_string(cn));
	resp_json(r, 201, j);
}

/*
 * The start of a billing change: an operator's call, a new object for the
 * fields' errors (*fields), the body's "invoice" (*inv) and its check.
 * 0 go on, -1 answered.
 */
static int
change_start(struct web *w, struct req *q, struct resp *r, json_t **fields, const char **inv)
{
	*inv = NULL;
	if (!api_admin_only(w, q, r))
		return -1;
	if ((*fields = json_object()) == NULL) {
		web_error(w, r, 503, "The service is briefly unavailable.");
		return -1;
	}
	if (q->json != NULL)
		*inv = json_string_value(json_object_get(q->json, "invoice"));
	if (*inv == NULL || **inv == '\0')
		json_object_set_new(*fields, "invoice", json_string("is required: an invoice number"));
	return 0;
}

void
api_admin_payment_add(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	json_t *fields, *j;
	const char *inv, *date = NULL, *ref = "";
	char err[256] = "";
	long long amount = 0, paid_at = 0, id;
	int rc;

	if (change_start(w, q, r, &fields, &inv) == -1)
		return;
	if (q->json != NULL) {
		date = json_string_value(json_object_get(q->json, "date"));
		j = json_object_get(q->json, "amount_minor");
		if (json_is_integer(j))
			amount = json_integer_value(j);
		j = json_object_get(q->json, "reference");
		if (j != NULL)
			ref = json_string_value(j);
	}
	if (q->json == NULL || !json_is_integer(json_object_get(q->json, "amount_minor")) ||
	    amount == 0)
		json_object_set_new(fields, "amount_minor",
		    json_string("must be a whole number of minor units other than 0"));
	if (date == NULL || strlen(date) != 10 || vep_parse_iso8601(date, &paid_at) == -1)
		json_object_set_new(fields, "date", json_string("must be a date YYYY-MM-DD"));
	else if (paid_at > w->now)
		json_object_set_new(fields, "date", json_string("must not be in the future"));
	if (ref == NULL || strlen(ref) > 128)
		json_object_set_new(fields, "reference", json_string("must be text of at most 128 characters"));
	if (json_object_size(fields) > 0) {
		resp_json_error(r, 422, "The payment has errors; see the fields.", fields);
		return;
	}
	json_decref(fields);
	rc = db_payments_add(w->db, inv, amount, paid_at, ref, "api", w->now, &id, err,
	    sizeof(err));
	if (rc != BILLING_OK) {
		fail(w, r, rc, err, "There is no such invoice.", "amount_minor");
		return;
	}
	answer_invoice(w, r, inv, NULL);
}

void
api_admin_credit_note_add(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct db_cn_line l[100];
	const char *inv, *reason = NULL;
	char err[256] = "", number[25], key[32];
	json_t *fields, *lines = NULL, *x;
	size_t n = 0, i;
	int rc;

	if (change_start(w, q, r, &fields, &inv) == -1)
		return;
	if (q->json != NULL) {
		reason = json_string_value(json_object_get(q->json, "reason"));
		lines = json_object_get(q->json, "lines");
	}
	if (reason == NULL || *reason == '\0' || strlen(reason) > 255)
		json_object_set_new(fields, "reason", json_string("is required: 1 to 255 characters"));
	if (!json_is_array(lines) || json_array_size(lines) == 0 ||
	    json_array_size(lines) > nitems(l))
		json_object_set_new(fields, "lines", json_string("must list 1 to 100 lines"));
	else {
		json_array_foreach(lines, i, x) {
			const char *ve = json_string_value(json_object_get(x, "ve_id"));
			const char *res = json_string_value(json_object_get(x, "resource"));
			const char *desc = json_string_value(json_object_get(x, "description"));
			json_t *a = json_object_get(x, "amount_minor");
			const char *why = NULL;
			memset(&l[n], 0, sizeof(l[n]));
			if (!json_is_object(x))
				why = "must be an object";
			else if (json_object_get(x, "ve_id") != NULL &&
			    !json_is_null(json_object_get(x, "ve_id")) && !ve_id_valid(ve))
				why = "ve_id must be a VEid (8 upper-case hex digits)";
			else if (res == NULL || rate_res_parse(res) < 0)
				why = "resource must be one of fee, disk, cpu, vmem, traffic, traffic_in, traffic_out, availability";
			else if (!json_is_integer(a) || json_integer_value(a) >= 0)
				why = "amount_minor must be a negative whole number (a credit)";
			else if (desc != NULL && strlen(desc) > 255)
				why = "description must be at most 255 characters";
			if (why != NULL) {
				snprintf(key, sizeof(key), "lines[%zu]", i);
				json_object_set_new(fields, key, json_string(why));
				continue;
			}
			if (ve != NULL)
				snprintf(l[n].ve_id, sizeof(l[n].ve_id), "%s", ve);
			l[n].res = (enum rate_res)rate_res_parse(res);
			l[n].amount_minor = json_integer_value(a);
			snprintf(l[n].description, sizeof(l[n].description), "%s", desc ? desc : "");
			n++;
		}
	}
	if (json_object_size(fields) > 0) {
		resp_json_error(r, 422, "The credit note has errors; see the fields.", fields);
		return;
	}
	json_decref(fields);
	rc = db_payments_credit_note(w->db, inv, l, n, reason, "api", w->now, number, err, sizeof(err));
	if (rc != BILLING_OK) {
		fail(w, r, rc, err, "There is no such invoice.", "lines");
		return;
	}
	answer_invoice(w, r, inv, number);
}
