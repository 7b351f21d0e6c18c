/*
 * vep-account: sign-up, the verification link, login and logout.
 *
 * Sign-up answers the same page whatever the address: a new account, an
 * unverified one signed up again (its password replaced, a new link: the
 * account belongs to whoever reads the mail), or a verified one (its owner
 * gets a mail saying so; nothing else changes).  So the page never tells
 * whether an address has an account, and a login still needs the
 * password.  The link holds 32 random bytes; only their SHA-256 is stored,
 * the link itself travels in the outbox row until the relay has it
 * (db_account.h).  It is valid 24 hours; a newer one replaces it.
 *
 * Every sign-up and every "send the link again" is counted like a failed
 * login under "mail:<address>" (and the client address), so that nobody
 * can make us mail an address more than [web] fail_per_ve times in the
 * window, nor hash passwords without end; an account's logins, counted
 * under "acct:<address>", are not affected.
 */
#include "account_cgi.h"
#include "util.h"

/* The login and sign-up page: one form token for both forms. */
static void
render(struct web *w, struct req *q, struct resp *r, int status, const char *email,
    const char *msg, const char *notice, const char *signup_email, const char *signup_msg)
{
	struct tmpl_dict *d = page_dict(w, "My account");

	if (page_login_dict(w, q, r, d, LOGIN_COOKIE, LOGIN_PURPOSE, "EMAIL", email, msg) == -1)
		return;
	if (d != NULL) {
		tmpl_set(d, "SIGNUP_EMAIL", signup_email != NULL ? signup_email : "");
		if (notice != NULL)
			tmpl_set(tmpl_add(d, "NOTICE"), "MSG", notice);
		if (signup_msg != NULL)
			tmpl_set(tmpl_add(d, "SIGNUP_ERROR"), "MSG", signup_msg);
	}
	page_finish(w, r, status, "account/login.tpl", d);
}

void
render_login(struct web *w, struct req *q, struct resp *r, int status, const char *email,
    const char *msg)
{
	render(w, q, r, status, email, msg, NULL, NULL, NULL);
}

void
render_login_notice(struct web *w, struct req *q, struct resp *r, int status, const char *notice)
{
	render(w, q, r, status, NULL, NULL, notice, NULL, NULL);
}

void
page_login(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct form v;
	struct web_pwlogin l;
	const char *raw;
	char norm[255], subject[65], idtxt[24];
	long long id = 0;
	size_t len;

	(void)caps;
	acct_read(&q->form, BIT(K_EMAIL) | BIT(K_PASSWORD) | BIT(K_LOGIN_TOKEN), &v);
	raw = v.raw[K_EMAIL];
	/* The form's own token first: a login started elsewhere is not even judged. */
	if (!web_form_token_ok(w, q, LOGIN_COOKIE, LOGIN_PURPOSE, v.s[K_LOGIN_TOKEN])) {
		render_login(w, q, r, 403, NULL,
		    "The login form had expired or did not come from this site; please log in again.");
		return;
	}
	if (v.bad[K_PASSWORD] != NULL || raw == NULL || *raw == '\0' || (len = strlen(raw)) > 254) {
		render_login(w, q, r, 400, NULL, "Enter your e-mail address and password.");
		return;
	}
	if (web_db(w, r) == NULL)
		return;
	/* A malformed address is counted like any other wrong login, under its lower case. */
	for (size_t i = 0; i <= len; i++)
		norm[i] = (char)(raw[i] >= 'A' && raw[i] <= 'Z' ? raw[i] + 32 : raw[i]);
	acct_throttle_subject(norm, subject);
	if (v.s[K_EMAIL] != NULL && db_account_by_email(w->db, norm, &id) < 0) {
		web_unavailable(w, r);
		return;
	}
	snprintf(idtxt, sizeof(idtxt), "%lld", id);
	l = (struct web_pwlogin){ subject, raw, id > 0 ? idtxt : NULL, v.s[K_PASSWORD], db_account_hash,
	    LOGIN_COOKIE, "/account", "The e-mail address or password is wrong.", render_login };
	web_password_login(w, q, r, &l);
}

/* The sign-up form's refusal, before any hash is computed; NULL when it is fine. */
static const char *
signup_why(const struct form *v)
{
	const char *why;

	if (v->bad[K_EMAIL] != NULL)
		return v->bad[K_EMAIL];
	if (v->bad[K_PASSWORD] != NULL)
		return "Choose a password of 12 to 128 characters.";
	if ((why = acct_password_why(v->s[K_PASSWORD])) != NULL)
		return why;
	if (v->bad[K_CONFIRM] != NULL)
		return "Type the password again.";
	if (strcmp(v->s[K_PASSWORD], v->s[K_CONFIRM]) != 0)
		return "The two passwords are not the same.";
	return NULL;
}

int
mail_throttled(struct web *w, struct req *q, struct resp *r, const char *norm, char *msg, size_t len)
{
	char subject[65];
	int rc;

	acct_throttle_subject(norm, subject);
	memcpy(subject, "mail:", 5);
	if ((rc = web_login_throttled(w, q, r, subject, msg, len)) != 0)
		return rc;
	throttle_fail(w->db, subject, q->remote_addr, w->now);
	return 0;
}

void
page_signup(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct form v;
	const char *why;
	char norm[255], hash[256], token[65], th[65], msg[400];
	long long id;
	int slot, rc;

	(void)caps;
	acct_read(&q->form, BIT(K_EMAIL) | BIT(K_PASSWORD) | BIT(K_CONFIRM) | BIT(K_LOGIN_TOKEN), &v);
	if (!web_form_token_ok(w, q, LOGIN_COOKIE, LOGIN_PURPOSE, v.s[K_LOGIN_TOKEN])) {
		render(w, q, r, 403, NULL, NULL, NULL, v.s[K_EMAIL], "The form had expired or did not "
		    "come from this site, so no account was made; please send it again.");
		return;
	}
	if ((why = signup_why(&v)) != NULL) {
		render(w, q, r, 400, NULL, NULL, NULL, v.raw[K_EMAIL], why);
		return;
	}
	if (web_db(w, r) == NULL)
		return;
	acct_email_norm(v.s[K_EMAIL], norm);
	if ((rc = mail_throttled(w, q, r, norm, msg, sizeof(msg))) != 0) {
		if (rc == 1)
			render(w, q, r, 429, NULL, NULL, NULL, v.s[K_EMAIL], "Too many sign-ups for this "
			    "address or from your network; please try again later.");
		return;
	}
	/* Hash first, then write: no transaction waits on argon2id. */
	if ((slot = web_hash_slot(w, r, "checked")) == AUTH_SLOT_BUSY)
		return;
	rc = auth_hash(&w->argon, v.s[K_PASSWORD], hash, sizeof(hash));
	auth_slot_release(slot);
	if (rc == 0)
		rc = auth_token_hex(token, 32);
	if (rc == -1) {
		web_error(w, r, 500, "No account was made; please try again in a moment.");
		return;
	}
	vep_sha256_hex(token, strlen(token), th);
	rc = db_account_signup(w->db, norm, hash, token, th, w->now, w->now + VERIFY_TTL_S, &id);
	explicit_bzero(hash, sizeof(hash));
	explicit_bzero(token, sizeof(token));
	if (rc < 0) {
		render(w, q, r, 503, NULL, NULL, NULL, v.s[K_EMAIL], "The service is briefly unavailable, "
		    "so no account was made; please try again in a moment.");
		return;
	}
	log_info("account: sign-up for account %lld (%s) from %s", id, rc == AS_NEW ? "new" :
	    rc == AS_AGAIN ? "again" : "exists", q->remote_addr ? q->remote_addr : "?");
	snprintf(msg, sizeof(msg), "Check your mail: we have sent a message to %s. Open the link in it "
	    "within 24 hours to confirm the address, then log in here.", norm);
	render(w, q, r, 200, norm, NULL, msg, NULL, NULL);
}

int
link_token_new(struct web *w, struct resp *r, char token[65], char th[65])
{
	if (auth_token_hex(token, 32) == -1) {
		web_error(w, r, 500, "No randomness is available.");
		return -1;
	}
	vep_sha256_hex(token, strlen(token), th);
	return 0;
}

int
link_open(struct web *w, struct req *q, struct resp *r,
    int (*use)(struct db *, const char *token_hash, long long now, long long *id), long long *id)
{
	struct form v;
	char th[65];
	int rc;

	if (acct_read(&q->query, BIT(K_TOKEN), &v) > 0) {
		render_login(w, q, r, 400, NULL, "This confirmation link is not one of ours; check that it "
		    "was copied whole.");
		return 0;
	}
	if (web_db(w, r) == NULL)
		return 0;
	vep_sha256_hex(v.s[K_TOKEN], strlen(v.s[K_TOKEN]), th);
	if ((rc = use(w->db, th, w->now, id)) < 0) {
		web_unavailable(w, r);
		return 0;
	}
	if (rc == 0)
		render_login(w, q, r, 404, NULL, "This confirmation link is unknown, was used already or "
		    "is older than 24 hours. Log in and ask for a new one.");
	return rc;
}

void
page_verify(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	long long id = 0;

	(void)caps;
	if (link_open(w, q, r, db_account_verify, &id) == 0)
		return;
	log_info("account: account %lld confirmed its address", id);
	/* Logged in already in this browser: straight to the account. */
	if (web_session(w, q, r, 0) == 1) {
		resp_redirect(r, "/account?done=verified");
		return;
	}
	render(w, q, r, 200, NULL, NULL, "Your e-mail address is confirmed. Log in to order VEs into "
	    "your account or link the VEs you have.", NULL, NULL);
}

void
page_resend(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct account a;
	char token[65], th[65], msg[200];
	int rc;

	(void)caps;
	if (home_account(w, q, r, &a) != 1)
		return;
	if ((rc = mail_throttled(w, q, r, a.email, msg, sizeof(msg))) != 0) {
		if (rc == 1)
			web_error(w, r, 429, "Several links were mailed to this address a moment ago; "
			    "please wait for them, or try again later.");
		return;
	}
	if (link_token_new(w, r, token, th) == -1)
		return;
	rc = db_account_relink(w->db, session_account(w), token, th, w->now, w->now + VERIFY_TTL_S);
	explicit_bzero(token, sizeof(token));
	if (rc < 0) {
		web_unavailable(w, r);
		return;
	}
	resp_redirect(r, rc == 1 ? "/account?done=sent" : "/account");
}
