/*
 * vep-account: "Forgot password?" of an account.
 *
 *	GET  /account/forgot            the address form
 *	POST /account/forgot            mail a link (the same answer for any address)
 *	GET  /account/reset?token=T     the new-password form, when T is valid
 *	POST /account/reset             set the password, end every session of the account
 *
 * As /self's reset (cgi/self/reset.c): 32 random bytes in the link, only
 * their SHA-256 stored, valid 30 minutes and once; requests counted under
 * "mail:<address>" like sign-ups, so nobody can flood an address; the
 * forms carry their own signed tokens.  Opening the link proves the
 * address, so an unconfirmed account counts as confirmed afterwards.
 */
#include "account_cgi.h"
#include "util.h"

#define RESET_TTL_S	1800
#define RESET_COOKIE	"vep_acct_reset"
#define FORGOT_PURPOSE	"account-forgot"
#define RESET_PURPOSE	"account-reset"

enum view { V_FORGOT, V_SENT, V_RESET, V_DONE, V_BAD_LINK };

static void
show(struct web *w, struct req *q, struct resp *r, int status, enum view v, const char *token,
    const char *err)
{
	static const char *const sect[] = { "FORGOT", "SENT", "RESET", "DONE", "BAD_LINK" };
	char tok[AUTH_FORM_TOKEN_MAX];
	struct tmpl_dict *d, *x;

	r->private_page = 1;
	if ((v == V_FORGOT || v == V_RESET) && web_form_token_issue(w, q, r, RESET_COOKIE,
	    v == V_FORGOT ? FORGOT_PURPOSE : RESET_PURPOSE, 1, tok) == -1) {
		web_unavailable(w, r);
		return;
	}
	if ((d = page_dict(w, v == V_FORGOT || v == V_SENT ? "Forgot password" : "New password")) == NULL) {
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	x = tmpl_add(d, sect[v]);
	if (v == V_FORGOT || v == V_RESET)
		tmpl_set(x, "FORM_TOKEN", tok);
	if (token != NULL)
		tmpl_set(x, "TOKEN", token);
	if (err != NULL)
		tmpl_set(tmpl_add(d, "ERROR"), "MSG", err);
	page_finish(w, r, status, "account/reset.tpl", d);
}

void
page_forgot_form(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)caps;
	show(w, q, r, 200, V_FORGOT, NULL, NULL);
}

void
page_forgot(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct form v;
	char norm[255], subject[65], token[65], th[65], msg[200];
	int rc;

	(void)caps;
	acct_read(&q->form, BIT(K_EMAIL) | BIT(K_FORM_TOKEN), &v);
	if (!web_form_token_ok(w, q, RESET_COOKIE, FORGOT_PURPOSE, v.s[K_FORM_TOKEN])) {
		show(w, q, r, 403, V_FORGOT, NULL, "The form had expired or did not come from this site; "
		    "please try again.");
		return;
	}
	if (v.bad[K_EMAIL] != NULL) {
		show(w, q, r, 400, V_FORGOT, NULL, v.bad[K_EMAIL]);
		return;
	}
	if (web_db(w, r) == NULL)
		return;
	acct_email_norm(v.s[K_EMAIL], norm);
	acct_throttle_subject(norm, subject);
	memcpy(subject, "mail:", 5);
	if ((rc = web_login_throttled(w, q, r, subject, msg, sizeof(msg))) != 0) {
		if (rc == 1)
			show(w, q, r, 429, V_FORGOT, NULL, "Too many requests for this address or from your "
			    "network; please try again later.");
		return;
	}
	throttle_fail(w->db, subject, q->remote_addr, w->now);
	if (link_token_new(w, r, token, th) == -1)
		return;
	rc = db_account_reset_request(w->db, norm, token, th, w->now, w->now + RESET_TTL_S);
	explicit_bzero(token, sizeof(token));
	if (rc < 0) {
		web_unavailable(w, r);
		return;
	}
	/* The same answer whether or not the address has an account. */
	show(w, q, r, 200, V_SENT, NULL, NULL);
}

void
page_reset_form(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct form v;
	char th[65];
	int rc;

	(void)caps;
	if (acct_read(&q->query, BIT(K_TOKEN), &v) > 0) {
		show(w, q, r, 404, V_BAD_LINK, NULL, NULL);
		return;
	}
	if (web_db(w, r) == NULL)
		return;
	vep_sha256_hex(v.s[K_TOKEN], strlen(v.s[K_TOKEN]), th);
	if ((rc = db_account_reset_valid(w->db, th, w->now)) < 0) {
		web_unavailable(w, r);
		return;
	}
	if (rc == 0)
		show(w, q, r, 404, V_BAD_LINK, NULL, NULL);
	else
		show(w, q, r, 200, V_RESET, v.s[K_TOKEN], NULL);
}

void
page_reset(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct form v;
	const char *why;
	char th[65], hash[256], idtxt[24];
	long long id;
	int rc, slot;

	(void)caps;
	acct_read(&q->form, BIT(K_TOKEN) | BIT(K_PASSWORD) | BIT(K_CONFIRM) | BIT(K_FORM_TOKEN), &v);
	if (v.bad[K_TOKEN] != NULL) {
		show(w, q, r, 404, V_BAD_LINK, NULL, NULL);
		return;
	}
	if (!web_form_token_ok(w, q, RESET_COOKIE, RESET_PURPOSE, v.s[K_FORM_TOKEN])) {
		show(w, q, r, 403, V_RESET, v.s[K_TOKEN], "The form had expired or did not come from this "
		    "site; please try again.");
		return;
	}
	why = v.bad[K_PASSWORD] != NULL ? "Choose a password of 12 to 128 characters." :
	    acct_password_why(v.s[K_PASSWORD]);
	if (why == NULL && (v.bad[K_CONFIRM] != NULL || strcmp(v.s[K_PASSWORD], v.s[K_CONFIRM]) != 0))
		why = "The two passwords are not the same.";
	if (why != NULL) {
		show(w, q, r, 400, V_RESET, v.s[K_TOKEN], why);
		return;
	}
	if (web_db(w, r) == NULL)
		return;
	if ((slot = web_hash_slot(w, r, "set")) == AUTH_SLOT_BUSY)
		return;
	rc = auth_hash(&w->argon, v.s[K_PASSWORD], hash, sizeof(hash));
	auth_slot_release(slot);
	if (rc == -1) {
		web_error(w, r, 500, "The password could not be set; please try again in a moment.");
		return;
	}
	vep_sha256_hex(v.s[K_TOKEN], strlen(v.s[K_TOKEN]), th);
	rc = db_account_reset_use(w->db, th, hash, w->now, &id);
	explicit_bzero(hash, sizeof(hash));
	if (rc < 0) {
		web_unavailable(w, r);
		return;
	}
	if (rc == 0) {
		show(w, q, r, 404, V_BAD_LINK, NULL, NULL);
		return;
	}
	/* Every session of the account ends: whoever knew the old password is out. */
	snprintf(idtxt, sizeof(idtxt), "%lld", id);
	session_destroy_subject(w->db, "account", idtxt);
	log_info("account: account %lld set a new password by a reset link", id);
	show(w, q, r, 200, V_DONE, NULL, NULL);
}
