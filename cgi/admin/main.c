/*
 * vep-admin: the ISP's screens.  An operator logs in with a name and
 * password (table admins, argon2id, `vepctl admin set`) and gets a session
 * of its own (cookie vep_admin, __Host-vep_admin over HTTPS), made anew at
 * every login and ended by logout or the idle and absolute timeouts.
 *
 * The table below is the whole program: every page with its access rule,
 * enforced by lib/web/web.c before the handler runs.  PAGE_ADMIN: an
 * operator's session, and the operator is still in the admins table (one
 * removed meanwhile loses every session at once); PAGE_CSRF: every change
 * carries the session's CSRF token; PAGE_IMAGE: the charts, refused with a
 * plain 403.  A handler sees only fields that passed their validator
 * (fields.c).  Every change goes through lib/db/db_admin.c (or billing's
 * lib/db/db_billing.c), which writes the audit row in the change's own
 * transaction.  Pages are plain HTML with no script; charts are SVG
 * images, and reports can be downloaded as CSV built from the very rows
 * the page shows.
 */
#include "admin.h"

#define ADM	(PAGE_ADMIN)
#define CHANGE	(PAGE_ADMIN | PAGE_CSRF)
#define IMAGE	(PAGE_ADMIN | PAGE_IMAGE)

static const struct page pages[] = {
	{ "/admin", M_GET, page_home, ADM },
	{ "/admin/login", M_GET, page_login_form, PAGE_PUBLIC },
	{ "/admin/login", M_POST, page_login, PAGE_PUBLIC },
	{ "/admin/logout", M_POST, page_logout, CHANGE },
	{ "/admin/ves", M_GET, page_ves, ADM },
	{ "/admin/ves/*", M_GET, page_ve, ADM | PAGE_VEID },
	{ "/admin/ves/*/suspend", M_POST, page_ve_action, CHANGE | PAGE_VEID },
	{ "/admin/ves/*/resume", M_POST, page_ve_action, CHANGE | PAGE_VEID },
	{ "/admin/ves/*/power", M_POST, page_ve_action, CHANGE | PAGE_VEID },
	{ "/admin/ves/*/change", M_GET, page_ve_change_form, ADM | PAGE_VEID },
	{ "/admin/ves/*/change", M_POST, page_ve_change, CHANGE | PAGE_VEID },
	{ "/admin/ves/*/move", M_POST, page_ve_action, CHANGE | PAGE_VEID },
	{ "/admin/ves/*/delete", M_POST, page_ve_action, CHANGE | PAGE_VEID },
	/* Reinstall and backups (backup.c). */
	{ "/admin/ves/*/backup", M_POST, page_ve_backup, CHANGE | PAGE_VEID },
	{ "/admin/ves/*/restore", M_POST, page_ve_restore, CHANGE | PAGE_VEID },
	{ "/admin/ves/*/reinstall", M_POST, page_ve_reinstall, CHANGE | PAGE_VEID },
	{ "/admin/nodes", M_GET, page_nodes, ADM },
	{ "/admin/nodes", M_POST, page_node_add, CHANGE },
	{ "/admin/nodes/*/enable", M_POST, page_node_change, CHANGE },
	{ "/admin/nodes/*/disable", M_POST, page_node_change, CHANGE },
	{ "/admin/nodes/*/delete", M_POST, page_node_change, CHANGE },
	{ "/admin/plans", M_GET, page_plans, ADM },
	{ "/admin/plans", M_POST, page_plan_import, CHANGE },
	{ "/admin/plans/new", M_GET, page_plan_new, ADM },			/* plan_form.c */
	{ "/admin/plans/*/edit", M_GET, page_plan_edit, ADM },
	{ "/admin/plans/form", M_POST, page_plan_save, CHANGE },
	{ "/admin/tax", M_GET, page_tax_list, ADM },			/* tax.c */
	{ "/admin/tax/*", M_GET, page_tax_account, ADM },
	{ "/admin/tax/*", M_POST, page_tax_save, CHANGE },
	{ "/admin/invoices", M_GET, page_invoices, ADM },
	{ "/admin/invoices/*.pdf", M_GET, admin_doc_pdf, ADM },		/* mail.c */
	{ "/admin/debit-notes/*.pdf", M_GET, admin_doc_pdf, ADM },
	{ "/admin/credit-notes/*.pdf", M_GET, admin_doc_pdf, ADM },
	{ "/admin/invoices/*", M_GET, page_invoice, ADM },
	{ "/admin/invoices/*/print", M_GET, page_invoice_print, ADM },
	{ "/admin/invoices/*/payments", M_POST, page_invoice_payment, CHANGE },
	{ "/admin/invoices/*/credit-notes", M_POST, page_credit_note, CHANGE },
	{ "/admin/invoice-runs", M_POST, page_invoice_run, CHANGE },
	{ "/admin/credit-notes", M_GET, page_credit_notes, ADM },
	{ "/admin/debit-notes", M_GET, page_debit_notes, ADM },
	{ "/admin/debit-notes/*", M_GET, page_debit_note, ADM },
	{ "/admin/debit-notes/*/payments", M_POST, page_debit_note_payment, CHANGE },
	{ "/admin/payments", M_GET, page_payments, ADM },
	{ "/admin/payments", M_POST, page_payment_add, CHANGE },
	{ "/admin/reports", M_GET, page_reports, ADM },
	{ "/admin/reports/*", M_GET, page_report, ADM },
	{ "/admin/chart/report", M_GET, page_chart_report, IMAGE },
	{ "/admin/chart/ve", M_GET, page_chart_ve, IMAGE },
	{ "/admin/audit", M_GET, page_audit, ADM },
};

/* The operator is still in the admins table. */
static int
operator_ok(struct web *w, const char *name)
{
	char hash[256];
	int rc = db_admin_hash(w->db, name, hash, sizeof(hash));

	explicit_bzero(hash, sizeof(hash));
	return rc;
}

/* Without a session: a page leads to the login, a change is refused. */
static const struct web_login login = {
	.kind = "admin", .cookie = "vep_admin", .subject_ok = operator_ok, .url = "/admin/login"
};

static const struct web_app app = { "vep-admin", pages, nitems(pages), &login, NULL };

int
main(int argc, char **argv)
{
	return web_run(argc, argv, &app);
}
