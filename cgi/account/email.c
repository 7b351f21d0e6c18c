/*
 * vep-account: a new e-mail address for the account.  The form needs the
 * account's password (checked and throttled as a login of the account:
 * wrong ones count against its logins), and the new address gets a link
 * (32 random bytes; only their SHA-256 is stored, valid 24 hours and
 * once).  Opening the link changes the address the account logs in with
 * and is mailed at; the old address is told.  Whether the new address
 * belongs to another account is never shown: the page says the same, and
 * that account's owner gets a mail instead (db_account_email.h).  Each
 * request counts against the new address's mail throttle, as a sign-up.
 */
#include "account_cgi.h"
#include "db_account_email.h"
#include "util.h"

static void
refuse(struct web *w, struct req *q, struct resp *r, int status, const char *typed, const char *why)
{
	home_refuse(w, q, r, status, HF_EMAIL, "The e-mail address was not changed.", why, typed);
}

/* The account's password, checked and counted as a login of it: 1 right, 0 answered. */
static int
password_ok(struct web *w, struct req *q, struct resp *r, const struct account *a, const char *pw,
    const char *typed)
{
	char norm[255], subject[65], idtxt[24];

	if (acct_email_norm(a->email, norm) != 0)
		snprintf(norm, sizeof(norm), "%s", a->email);
	acct_throttle_subject(norm, subject);
	snprintf(idtxt, sizeof(idtxt), "%lld", a->id);
	const struct web_pwlogin l = { .subject = subject, .shown = typed, .login_as = idtxt,
	    .password = pw, .hash_of = db_account_hash, .wrong = "The password is wrong.",
	    .again = refuse };
	return web_password_check(w, q, r, &l);
}

void
page_email(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct form v;
	struct account a;
	char norm[255], cur[255], token[65], th[65], msg[200];
	const char *typed;
	int rc;

	(void)caps;
	acct_read(&q->form, BIT(K_NEW_EMAIL) | BIT(K_PASSWORD), &v);
	typed = v.raw[K_NEW_EMAIL];
	if (home_account(w, q, r, &a) != 1)
		return;
	if (v.bad[K_NEW_EMAIL] != NULL || acct_email_norm(v.s[K_NEW_EMAIL], norm) != 0) {
		refuse(w, q, r, 400, typed, v.bad[K_NEW_EMAIL] != NULL ? v.bad[K_NEW_EMAIL] :
		    "Enter an e-mail address such as name@example.com.");
		return;
	}
	/* Its own address (in any case): said before any hash or mail is spent. */
	if (acct_email_norm(a.email, cur) == 0 && strcmp(cur, norm) == 0) {
		refuse(w, q, r, 400, typed, "This is your account's address already.");
		return;
	}
	if (v.bad[K_PASSWORD] != NULL) {
		refuse(w, q, r, 400, typed, "Enter your password to change the address.");
		return;
	}
	if ((rc = password_ok(w, q, r, &a, v.s[K_PASSWORD], typed)) != 1)
		return;
	if ((rc = mail_throttled(w, q, r, norm, msg, sizeof(msg))) != 0) {
		if (rc == 1)
			refuse(w, q, r, 429, typed, "Several links were mailed to this address a moment "
			    "ago; please wait for them, or try again later.");
		return;
	}
	if (link_token_new(w, r, token, th) == -1)
		return;
	rc = db_account_email_request(w->db, a.id, norm, token, th, w->now, w->now + VERIFY_TTL_S);
	explicit_bzero(token, sizeof(token));
	switch (rc) {
	case AE_SENT:
	case AE_TAKEN:
		log_info("account: account %lld asked for a new e-mail address (%s)", a.id,
		    rc == AE_SENT ? "link sent" : "another account's: its owner told");
		resp_redirect(r, "/account?done=email_sent");
		break;
	case AE_SAME:
		refuse(w, q, r, 400, typed, "This is your account's address already.");
		break;
	case AE_GONE:
		render_login(w, q, r, 403, NULL, "This account no longer exists.");
		break;
	default:
		web_unavailable(w, r);
		break;
	}
}

void
page_email_confirm(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	long long id = 0;
	int rc;

	(void)caps;
	if ((rc = link_open(w, q, r, db_account_email_confirm, &id)) == 0)
		return;
	if (rc == 2) {
		render_login(w, q, r, 409, NULL, "This address now belongs to another account, so yours "
		    "keeps its address. Log in and choose another one.");
		return;
	}
	log_info("account: account %lld changed its e-mail address", id);
	if (web_session(w, q, r, 0) == 1) {
		resp_redirect(r, "/account?done=email");
		return;
	}
	render_login_notice(w, q, r, 200, "Your e-mail address is changed. Log in with the new address; "
	    "we told the old one.");
}
