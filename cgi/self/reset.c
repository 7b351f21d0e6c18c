/*
 * The self screen's mail-related pages (SPEC sections 4 and 10):
 *
 *	GET  /self/invoices/{number}.pdf   the owner's document as PDF
 *	GET  /self/forgot                  "Forgot password?": the VEid form
 *	POST /self/forgot                  mail a reset link (same answer for any VEid)
 *	GET  /self/reset?token=T           the new-password form, when T is valid
 *	POST /self/reset                   set the password, end every session
 *
 * A reset link holds 32 random bytes (64 hex digits); only their SHA-256
 * is stored, the link itself travels in the outbox row until it is handed
 * to the relay (db_mail.h).  It is valid 30 minutes and once.  Requests are
 * throttled like logins, on the subject "reset:<VEid>" and the client
 * address ([web] fail_*), so they neither lock the owner's logins nor
 * let anyone flood an account with mail.  The forms carry pre-session form
 * tokens (lib/web/auth.h) against cross-site posts.
 */
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "db.h"
#include "db_auth.h"
#include "db_mail.h"
#include "log.h"
#include "money.h"
#include "order.h"
#include "page.h"
#include "pay_url.h"
#include "pdf_page.h"
#include "reset.h"
#include "tmpl.h"
#include "util.h"
#include "veid.h"
#include "web.h"

#define RESET_TTL_S	1800
#define FORGOT_PURPOSE	"self-forgot"
#define RESET_PURPOSE	"self-reset"

static const char *
form_cookie(const struct req *q)
{
	return q->https ? "__Host-vep_self_reset" : "vep_self_reset";
}

/* PAGE_LOGIN: the owner's session is w->session (lib/web/web.c checked it). */
void
self_invoice_pdf(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)q;
	pdf_page(w, r, caps[0], w->session.subject);
}

enum view { V_FORGOT, V_SENT, V_RESET, V_DONE, V_BAD_LINK };

/* The one page of this file in one of its states. */
static void
show(struct web *w, struct req *q, struct resp *r, int status, enum view v, const char *token,
    const char *ve_id, const char *err)
{
	static const char *const sect[] = { "FORGOT", "SENT", "RESET", "DONE", "BAD_LINK" };
	char tok[AUTH_FORM_TOKEN_MAX];
	struct tmpl_dict *d;

	r->private_page = 1;
	if (v == V_FORGOT || v == V_RESET) {
		if (auth_form_token(w->form_key, v == V_FORGOT ? FORGOT_PURPOSE : RESET_PURPOSE, w->now,
		    tok) == -1 || resp_cookie(r, form_cookie(q), tok, 0, q->https) == -1) {
			web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
			return;
		}
	}
	if ((d = page_dict(w, v == V_FORGOT || v == V_SENT ? "Forgot password" : "New password")) == NULL) {
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	r->status = status;
	struct tmpl_dict *x = tmpl_add(d, sect[v]);
	if (v == V_FORGOT || v == V_RESET)
		tmpl_set(x, "FORM_TOKEN", tok);
	if (token != NULL)
		tmpl_set(x, "TOKEN", token);
	tmpl_set(x, "VE_ID", ve_id ? ve_id : "");
	if (err != NULL)
		tmpl_set(tmpl_add(d, "ERROR"), "MSG", err);
	page_render(w, r, "self/reset.tpl", d);
	tmpl_dict_free(d);
}

void
self_forgot_form(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)caps;
	show(w, q, r, 200, V_FORGOT, NULL, NULL, NULL);
}

static int
form_ok(struct web *w, struct req *q, const char *purpose)
{
	return auth_form_token_ok(w->form_key, purpose, kv_get(&q->form, "form_token"),
	    kv_get(&q->cookies, form_cookie(q)), w->now, conf_int(w->conf, "web", "session_idle_s"));
}

void
self_forgot(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	const char *ve = kv_get(&q->form, "ve_id");
	char subject[80], token[65], hash[65], retry[24], norm[9];
	unsigned char rnd[32];
	long long ra = 0;
	int rc;

	(void)caps;
	if (!form_ok(w, q, FORGOT_PURPOSE)) {
		show(w, q, r, 403, V_FORGOT, NULL, NULL, "The form had expired or did not come from "
		    "this site; please try again.");
		return;
	}
	if (ve == NULL || *ve == '\0' || strlen(ve) > 64 || kv_count(&q->form, "ve_id") != 1) {
		show(w, q, r, 400, V_FORGOT, NULL, NULL, "Enter your VEid.");
		return;
	}
	if (web_db(w, r) == NULL)
		return;
	/* A VEid in any case is the same VE (as on the login form). */
	if (ve_id_norm(ve, norm))
		ve = norm;
	snprintf(subject, sizeof(subject), "reset:%s", ve);
	rc = throttle_check(w->db, subject, q->remote_addr ? q->remote_addr : "", w->now,
	    conf_int(w->conf, "web", "fail_window_s"), conf_int(w->conf, "web", "fail_per_ve"),
	    conf_int(w->conf, "web", "fail_per_addr"), &ra);
	if (rc < 0) {
		web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
		return;
	}
	if (rc == THROTTLE_LOCKED) {
		snprintf(retry, sizeof(retry), "%lld", ra);
		resp_header(r, "Retry-After", retry);
		show(w, q, r, 429, V_FORGOT, NULL, NULL, "Too many requests; please try again later.");
		return;
	}
	/* Every request counts, whether the VE exists or not. */
	throttle_fail(w->db, subject, q->remote_addr ? q->remote_addr : "", w->now);
	if (ve == norm) {
		if (vep_random(rnd, sizeof(rnd)) == -1) {
			web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
			return;
		}
		vep_hex(rnd, sizeof(rnd), token);
		vep_sha256_hex(token, 64, hash);
		if (db_reset_request(w->db, ve, hash, token, w->now, w->now + RESET_TTL_S) != DB_OK) {
			explicit_bzero(token, sizeof(token));
			web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
			return;
		}
		explicit_bzero(token, sizeof(token));
	}
	resp_cookie(r, form_cookie(q), "", -1, q->https);
	show(w, q, r, 200, V_SENT, NULL, NULL, NULL);
}

/* The link's token (64 hex digits) and its hash, or 0. */
static int
link_token(const char *t, char hash[65])
{
	if (t == NULL || strlen(t) != 64 || strspn(t, "0123456789abcdef") != 64)
		return 0;
	vep_sha256_hex(t, 64, hash);
	return 1;
}

void
self_reset_form(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	const char *t = kv_get(&q->query, "token");
	char hash[65], ve[9] = "";
	int rc = 0;

	(void)caps;
	/* The token must not leak to other sites through the Referer. */
	resp_header(r, "Referrer-Policy", "no-referrer");
	if (link_token(t, hash)) {
		if (web_db(w, r) == NULL)
			return;
		if ((rc = db_reset_use(w->db, hash, w->now, NULL, NULL, ve)) < 0) {
			web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
			return;
		}
	}
	if (rc != 1) {
		show(w, q, r, 410, V_BAD_LINK, NULL, NULL, NULL);
		return;
	}
	show(w, q, r, 200, V_RESET, t, ve, NULL);
}

void
self_reset(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	const char *t = kv_get(&q->form, "token"), *pw = kv_get(&q->form, "new_password"),
	    *confirm = kv_get(&q->form, "confirm");
	char hash[65], ve[9] = "", nh[256], nc[AUTH_CRYPT_MAX];
	size_t len;
	int rc;

	(void)caps;
	resp_header(r, "Referrer-Policy", "no-referrer");
	if (!link_token(t, hash)) {
		show(w, q, r, 410, V_BAD_LINK, NULL, NULL, NULL);
		return;
	}
	if (!form_ok(w, q, RESET_PURPOSE)) {
		show(w, q, r, 403, V_RESET, t, NULL, "The form had expired or did not come from this "
		    "site; please try again.");
		return;
	}
	if (pw == NULL || !vep_valid_utf8(pw, strlen(pw)) || (len = order_utf8_len(pw)) < 12 ||
	    len > 128) {
		show(w, q, r, 400, V_RESET, t, NULL, "The new password must be 12 to 128 characters long.");
		return;
	}
	if (confirm == NULL || strcmp(pw, confirm) != 0) {
		show(w, q, r, 400, V_RESET, t, NULL, "The two passwords are not the same.");
		return;
	}
	if (web_db(w, r) == NULL)
		return;
	/* And the node's crypt(3) hash: the VE's root password follows within 10 s. */
	if (web_hash_new_password(w, r, "hashed", pw, nh, sizeof(nh), nc,
	    "The password could not be set; please try again in a moment.") == -1)
		return;
	rc = db_reset_use(w->db, hash, w->now, nh, nc, ve);
	explicit_bzero(nh, sizeof(nh));
	explicit_bzero(nc, sizeof(nc));
	if (rc < 0) {
		web_error(w, r, 503, "The password could not be set; please try again in a moment.");
		return;
	}
	if (rc == 0) {
		show(w, q, r, 410, V_BAD_LINK, NULL, NULL, NULL);
		return;
	}
	log_info("self: %s set a new password by a reset link from %s", ve,
	    q->remote_addr ? q->remote_addr : "?");
	resp_cookie(r, form_cookie(q), "", -1, q->https);
	show(w, q, r, 200, V_DONE, NULL, ve, NULL);
}

int
self_pay_url(const struct conf *c, const char *number, long long amount_minor,
    const char *currency, char *out, size_t outlen)
{
	char ret[512];

	snprintf(ret, sizeof(ret), "%s/self", conf_str(c, "isp", "public_url"));
	return pay_url(conf_str(c, "payments", "checkout_url"), number, amount_minor, currency, ret,
	    out, outlen);
}

void
self_pay_section(const struct conf *c, struct tmpl_dict *d, const json_t *doc)
{
	const char *num = json_string_value(json_object_get(doc, "number"));
	const char *cur = json_string_value(json_object_get(doc, "currency"));
	long long open = (long long)json_integer_value(json_object_get(doc, "balance_minor"));
	char url[1024], a[40], shown[48];

	if (num == NULL || cur == NULL || !self_pay_url(c, num, open, cur, url, sizeof(url)))
		return;
	money_format(open, cur, a, sizeof(a));
	snprintf(shown, sizeof(shown), "%s %s", a, cur);
	struct tmpl_dict *x = tmpl_add(d, "PAY");
	tmpl_set(x, "URL", url);
	tmpl_set(x, "AMOUNT", shown);
}
