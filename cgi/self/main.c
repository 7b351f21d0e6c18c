/*
 * vep-self: the VE self-maintenance screen (origin document Appendix
 * 7.3.2, SPEC section 4).  An owner logs in with VEid and password and
 * sees that VE only: the session's subject is the VE, and no page takes a
 * VEid from the request after login.  Failed logins are throttled per VE
 * and per client address exactly as the API's (lib/web/auth.c), and the
 * answers never tell whether a VE exists.  Usage charts are SVG
 * (GET /self/chart, cgi/vechart.c) shown with <img>, so the pages need no
 * script.
 *
 * Billing shows what the API shows, from the same library calls
 * (lib/db/db_billing.c): the month so far as GET /api/v1/ves/{id}/charges
 * has it, each metered line opening on the days and hours behind it
 * (GET /self/charges, charges.c), the VE's invoices, and each invoice as a
 * print-ready page (GET /self/invoices/{number}, invoice.c) of the
 * owner's own account only.  A traffic cap reached this month (ve_caps)
 * is announced at the top of the dashboard.
 *
 * The table below is the whole program, each page with its access rule
 * (lib/web/web.c enforces it before the handler runs): PAGE_LOGIN the
 * owner's session (cookie vep_sid, __Host-vep_sid over HTTPS), PAGE_CSRF
 * its token in the form, PAGE_IMAGE the charts (a plain 403 without one),
 * PAGE_CACHED the dashboard's stored page read with the session in one
 * statement (dashcache.c).
 */
#include "self.h"
#include "reset.h"

static const struct page pages[] = {
	{ "/self", M_GET, page_self, PAGE_LOGIN | PAGE_CACHED },
	{ "/self/login", M_POST, page_login, PAGE_PUBLIC },
	{ "/self/logout", M_POST, web_page_logout, PAGE_LOGIN | PAGE_CSRF },
	{ "/self/password", M_POST, page_password, PAGE_LOGIN | PAGE_CSRF },
	{ "/self/chart", M_GET, page_chart, PAGE_LOGIN | PAGE_IMAGE },
	{ "/self/charges", M_GET, page_charges, PAGE_LOGIN },
	{ "/self/invoices/*.pdf", M_GET, self_invoice_pdf, PAGE_LOGIN },	/* reset.c */
	{ "/self/invoices/*", M_GET, page_invoice, PAGE_LOGIN },
	{ "/self/power", M_POST, page_power, PAGE_LOGIN | PAGE_CSRF },
	/* Reinstall and backups (reinstall.c): each destructive form asks "sure" first. */
	{ "/self/reinstall", M_GET, page_reinstall, PAGE_LOGIN },
	{ "/self/reinstall", M_POST, page_reinstall_post, PAGE_LOGIN | PAGE_CSRF },
	{ "/self/backups", M_POST, page_backup_now, PAGE_LOGIN | PAGE_CSRF },
	{ "/self/restore", M_POST, page_restore, PAGE_LOGIN | PAGE_CSRF },
	{ "/self/change", M_GET, page_change_form, PAGE_LOGIN },
	{ "/self/change", M_POST, page_change, PAGE_LOGIN | PAGE_CSRF },
	/* "Forgot password?": before any session, with their own form tokens (reset.c). */
	{ "/self/forgot", M_GET, self_forgot_form, PAGE_PUBLIC },
	{ "/self/forgot", M_POST, self_forgot, PAGE_PUBLIC },
	{ "/self/reset", M_GET, self_reset_form, PAGE_PUBLIC },
	{ "/self/reset", M_POST, self_reset, PAGE_PUBLIC },
};

/*
 * Without a session: /self is the login form; the billing pages and the
 * forms answer 403 with the login form.
 */
static const struct web_login login = {
	.kind = "self", .cookie = "vep_sid", .url = "/self", .home = page_self, .form = render_login,
	.get_msg = "Log in to see your charges and invoices."
};

static const struct web_app app = { "vep-self", pages, nitems(pages), &login, NULL };

int
main(int argc, char **argv)
{
	return web_run(argc, argv, &app);
}
