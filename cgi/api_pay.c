/*
 * Documents as PDF and the payment provider's webhook (SPEC section 10):
 *
 *	GET  /api/v1/invoices/{number}.pdf	owner (own), admin: the document as PDF
 *	POST /api/v1/payments/webhook		the provider, signed (no other credential)
 *
 * The webhook's event {"id","type":"payment.succeeded","data":{"number",
 * "amount_minor","currency","reference"}} is checked in this order, and
 * nothing is written unless every check passes: the Vep-Signature header
 * (HMAC-SHA256 over t "." body with [payments] webhook_secret_file, t
 * within webhook_tolerance_s of now: else 401); the event's shape (422);
 * an event id recorded already answers 200 "duplicate" (a provider
 * retries); the document known, payable and unpaid, in the currency, the
 * amount at most what is open (422).  The payment is then recorded as an
 * operator's is (db_payments_add: balance, audit, the receipt mail by
 * the outbox trigger), dated today, with the provider's reference and the
 * actor "webhook:<event id>"; the migration's trigger writes the event
 * into webhook_events in the payment's own statement, so the same event
 * cannot make a second payment even when two deliveries race.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "api.h"
#include "conf.h"
#include "db_bill.h"
#include "db_payments.h"
#include "db_mail.h"
#include "log.h"
#include "pdf_page.h"
#include "util.h"
#include "webhook_sig.h"

void
api_invoice_pdf(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct caller c;

	if (api_auth(w, q, r, &c) == -1)
		return;
	pdf_page(w, r, caps[0], c.who == WHO_ADMIN ? NULL : c.ve_id);
}

/* The signing secret from [payments] webhook_secret_file; 0 or -1. */
static int
load_secret(struct web *w, char *out, size_t len, size_t *n)
{
	const char *path = conf_str(w->conf, "payments", "webhook_secret_file");
	FILE *f;

	if (*path == '\0' || (f = fopen(path, "r")) == NULL)
		return -1;
	*n = fread(out, 1, len - 1, f);
	fclose(f);
	while (*n > 0 && (out[*n - 1] == '\n' || out[*n - 1] == '\r'))
		(*n)--;
	out[*n] = '\0';
	return *n >= 16 ? 0 : -1;
}

static void
refuse(struct resp *r, const char *field, const char *why)
{
	resp_json_error(r, 422, why, field ? json_pack("{s:s}", field, why) : NULL);
}

/* An event id: 1 to 56 characters of [A-Za-z0-9_.:-]. */
static int
event_id_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n >= 1 && n <= 56 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_.:-") == n;
}

struct event {
	const char	*id, *type, *number, *currency, *reference;
	long long	 amount;
};

/* The event's fields, or 422 in r and -1. */
static int
read_event(const json_t *j, struct event *e, struct resp *r)
{
	const json_t *d = json_object_get(j, "data"), *a;

	memset(e, 0, sizeof(*e));
	e->id = json_string_value(json_object_get(j, "id"));
	e->type = json_string_value(json_object_get(j, "type"));
	if (!event_id_ok(e->id)) {
		refuse(r, "id", "The event id must be 1 to 56 letters, digits or _.:-");
		return -1;
	}
	if (e->type == NULL) {
		refuse(r, "type", "The event has no type.");
		return -1;
	}
	if (strcmp(e->type, "payment.succeeded") != 0)
		return 0;
	if (!json_is_object(d)) {
		refuse(r, "data", "The event has no data object.");
		return -1;
	}
	e->number = json_string_value(json_object_get(d, "number"));
	e->currency = json_string_value(json_object_get(d, "currency"));
	e->reference = json_string_value(json_object_get(d, "reference"));
	a = json_object_get(d, "amount_minor");
	if (e->number == NULL || strlen(e->number) > 24) {
		refuse(r, "number", "data.number must name an invoice or debit note.");
		return -1;
	}
	if (!json_is_integer(a) || json_integer_value(a) <= 0) {
		refuse(r, "amount_minor", "data.amount_minor must be a positive whole number.");
		return -1;
	}
	e->amount = (long long)json_integer_value(a);
	if (e->currency == NULL || strlen(e->currency) != 3) {
		refuse(r, "currency", "data.currency must be an ISO 4217 code.");
		return -1;
	}
	if (e->reference == NULL || *e->reference == '\0' || strlen(e->reference) > 128) {
		refuse(r, "reference", "data.reference must be 1 to 128 characters.");
		return -1;
	}
	return 0;
}

/* The document is payable by this event: 0, or 422 in r and -1 (or 503). */
static int
check_document(struct web *w, const struct event *e, struct resp *r)
{
	const char *title = "";
	json_t *j;
	int rc;

	if (strncmp(e->number, "INV-", 4) != 0 && strncmp(e->number, "DN-", 3) != 0) {
		refuse(r, "number", "There is no such invoice or debit note.");
		return -1;
	}
	if ((j = db_doc_json(w->db, e->number, NULL, w->now, &title, &rc)) == NULL) {
		if (rc == BILLING_ENOENT)
			refuse(r, "number", "There is no such invoice or debit note.");
		else
			web_error(w, r, 503, "The service is briefly unavailable.");
		return -1;
	}
	const char *cur = json_string_value(json_object_get(j, "currency"));
	long long open = (long long)json_integer_value(json_object_get(j, "balance_minor"));
	rc = 0;
	if (cur == NULL || strcmp(cur, e->currency) != 0) {
		refuse(r, "currency", "The payment's currency is not the document's.");
		rc = -1;
	} else if (open <= 0) {
		refuse(r, "number", "The document is paid already.");
		rc = -1;
	} else if (e->amount > open) {
		refuse(r, "amount_minor", "The amount is more than what is open on the document.");
		rc = -1;
	}
	json_decref(j);
	return rc;
}

void
api_payments_webhook(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	char secret[256], err[256] = "", actor[65];
	size_t slen = 0;
	struct event e;
	long long pid = 0;
	int rc;

	(void)caps;
	r->private_page = 1;
	if (load_secret(w, secret, sizeof(secret), &slen) == -1) {
		log_warnx("webhook: [payments] webhook_secret_file is not set or unreadable");
		web_error(w, r, 503, "Payments by webhook are not configured.");
		return;
	}
	rc = webhook_sig_check(q->vep_signature, q->raw_body ? q->raw_body : "", q->raw_len, secret,
	    slen, w->now, conf_int(w->conf, "payments", "webhook_tolerance_s"));
	explicit_bzero(secret, sizeof(secret));
	if (rc != WEBHOOK_SIG_OK) {
		log_warnx("webhook: refused from %s: %s", q->remote_addr ? q->remote_addr : "?",
		    rc == WEBHOOK_SIG_STALE ? "timestamp too far from now" :
		    rc == WEBHOOK_SIG_MISMATCH ? "signature does not match" : "no valid signature header");
		resp_json_error(r, 401, rc == WEBHOOK_SIG_STALE ? "The signature's timestamp is too old "
		    "or in the future." : "The Vep-Signature header is missing or does not match.", NULL);
		return;
	}
	if (q->json == NULL) {
		refuse(r, NULL, "The body must be a JSON event.");
		return;
	}
	if (read_event(q->json, &e, r) == -1)
		return;
	if (strcmp(e.type, "payment.succeeded") != 0) {
		resp_json(r, 200, json_pack("{s:s, s:s}", "id", e.id, "status", "ignored"));
		return;
	}
	if (web_db(w, r) == NULL)
		return;
	if ((rc = db_webhook_seen(w->db, e.id)) != 0) {
		if (rc < 0)
			web_error(w, r, 503, "The service is briefly unavailable.");
		else
			resp_json(r, 200, json_pack("{s:s, s:s}", "id", e.id, "status", "duplicate"));
		return;
	}
	if (check_document(w, &e, r) == -1)
		return;
	snprintf(actor, sizeof(actor), "webhook:%s", e.id);
	rc = db_payments_add(w->db, e.number, e.amount, w->now - w->now % 86400, e.reference, actor,
	    w->now, &pid, err, sizeof(err));
	if (rc == BILLING_EINPUT) {
		refuse(r, "amount_minor", err);
		return;
	}
	if (rc != BILLING_OK) {
		/* The same event recorded meanwhile by another delivery: its unique key refused ours. */
		if (db_webhook_seen(w->db, e.id) == 1)
			resp_json(r, 200, json_pack("{s:s, s:s}", "id", e.id, "status", "duplicate"));
		else
			web_error(w, r, 503, "The service is briefly unavailable.");
		return;
	}
	log_info("webhook: event %s paid %lld on %s (reference %s)", e.id, e.amount, e.number,
	    e.reference);
	resp_json(r, 200, json_pack("{s:s, s:s, s:s, s:I}", "id", e.id, "status", "recorded", "number",
	    e.number, "payment_id", (json_int_t)pid));
}
