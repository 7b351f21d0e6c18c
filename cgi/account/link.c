/*
 * vep-account: linking a VE ordered from outside the account (the signup
 * form or POST /api/v1/orders made an account of its own for it) to the
 * session's account.  Two proofs are needed: the account's login (the
 * session, with its CSRF token) and the VE's own VEid and root password,
 * checked and throttled exactly as a /self login for that VE (five wrong
 * passwords lock the VE's logins for the window, everywhere).  So nobody
 * can attach a VE or its charges to an account they do not control, nor
 * take a VE they cannot log in to.  A VE already in another account with a
 * login stays there.  The account's address must be confirmed first, as
 * for ordering.
 */
#include "account_cgi.h"
#include "db_ve.h"

static void
refuse(struct web *w, struct req *q, struct resp *r, int status, const char *ve, const char *why)
{
	home_refuse(w, q, r, status, HF_LINK, "The VE was not linked.", why, ve);
}

void
page_link(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct form v;
	struct account a;
	const char *ve;
	int rc;

	(void)caps;
	acct_read(&q->form, BIT(K_VE_ID) | BIT(K_VE_PASSWORD), &v);
	if (v.bad[K_VE_ID] != NULL || v.bad[K_VE_PASSWORD] != NULL) {
		refuse(w, q, r, 400, v.raw[K_VE_ID], v.bad[K_VE_ID] ? v.bad[K_VE_ID] : v.bad[K_VE_PASSWORD]);
		return;
	}
	ve = v.s[K_VE_ID];
	if ((rc = db_account_get(w->db, session_account(w), &a)) < 0) {
		web_unavailable(w, r);
		return;
	}
	if (rc == 1 && a.verified_at == 0) {
		refuse(w, q, r, 403, ve, "Confirm your e-mail address first (the link we mailed you); "
		    "then VEs can be linked to your account.");
		return;
	}
	/* The VE's own password, checked, throttled and counted exactly as a /self login. */
	const struct web_pwlogin l = { .subject = ve, .shown = ve, .login_as = ve,
	    .password = v.s[K_VE_PASSWORD], .hash_of = db_ve_hash,
	    .wrong = "The VEid or the VE's password is wrong.", .again = refuse };
	if (web_password_check(w, q, r, &l) != 1) {
		log_warnx("account: link of %s to account %lld refused (from %s)", ve, session_account(w),
		    q->remote_addr ? q->remote_addr : "?");
		return;
	}
	switch ((rc = db_account_link(w->db, session_account(w), ve, w->now))) {
	case AL_OK:
		log_info("account: %s linked to account %lld", ve, session_account(w));
		resp_redirect(r, "/account?done=linked");
		break;
	case AL_ALREADY:
		refuse(w, q, r, 409, ve, "This VE is in your account already.");
		break;
	case AL_OTHER:
		refuse(w, q, r, 409, ve, "This VE belongs to another customer account; it can only be "
		    "moved from there.");
		break;
	case AL_NOVE:
		refuse(w, q, r, 403, ve, "The VEid or the VE's password is wrong.");
		break;
	default:
		web_unavailable(w, r);
		break;
	}
}
