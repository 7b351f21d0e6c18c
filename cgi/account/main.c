/*
 * vep-account: the customer account (issue 18).  A customer signs up with
 * an e-mail address and a password, confirms the address through a mailed
 * link, and then sees every VE of the account on one page with its state
 * and this month's charges, the account's invoices (one per month for all
 * its VEs: the invoice run groups by account), and a profile (name, postal
 * address, company, VAT id, phone).  VEs are ordered into the account at
 * /account/order (vep-signup) or linked to it with the VE's own VEid and
 * password (link.c): nobody can attach a VE or its charges to an account
 * they do not control, and nobody can take a VE they cannot log in to.
 *
 * The session's subject is the account id; logins are throttled per
 * address ("acct:<e-mail>") and per client exactly as /self's
 * (web_password_login), and the answers never tell whether an address has
 * an account.  The per-VE /self login and veinfo are unchanged.
 *
 * The table below is the whole program, each page with its access rule
 * (lib/web/web.c enforces it before the handler runs): PAGE_LOGIN the
 * account's session (cookie vep_acct, __Host-vep_acct over HTTPS),
 * PAGE_CSRF its token in the form.
 */
#include "account_cgi.h"

static const struct page pages[] = {
	{ "/account", M_GET, page_home, PAGE_LOGIN },
	{ "/account/login", M_POST, page_login, PAGE_PUBLIC },
	{ "/account/signup", M_POST, page_signup, PAGE_PUBLIC },
	{ "/account/verify", M_GET, page_verify, PAGE_PUBLIC },
	{ "/account/resend", M_POST, page_resend, PAGE_LOGIN | PAGE_CSRF },
	{ "/account/logout", M_POST, web_page_logout, PAGE_LOGIN | PAGE_CSRF },
	{ "/account/profile", M_POST, page_profile, PAGE_LOGIN | PAGE_CSRF },
	{ "/account/link", M_POST, page_link, PAGE_LOGIN | PAGE_CSRF },
	{ "/account/email", M_POST, page_email, PAGE_LOGIN | PAGE_CSRF },
	{ "/account/email/confirm", M_GET, page_email_confirm, PAGE_PUBLIC },
	{ "/account/invoices/*.pdf", M_GET, page_pdf, PAGE_LOGIN },		/* home.c */
	/* "Forgot password?": before any session, with their own form tokens (reset.c). */
	{ "/account/forgot", M_GET, page_forgot_form, PAGE_PUBLIC },
	{ "/account/forgot", M_POST, page_forgot, PAGE_PUBLIC },
	{ "/account/reset", M_GET, page_reset_form, PAGE_PUBLIC },
	{ "/account/reset", M_POST, page_reset, PAGE_PUBLIC },
};

/* Without a session: /account is the login and sign-up page; any other page 403 with it. */
static const struct web_login login = {
	.kind = "account", .cookie = "vep_acct", .url = "/account", .home = page_home, .form = render_login,
	.get_msg = "Log in to see your invoices."
};

static const struct web_app app = { "vep-account", pages, nitems(pages), &login, NULL };

int
main(int argc, char **argv)
{
	return web_run(argc, argv, &app);
}
