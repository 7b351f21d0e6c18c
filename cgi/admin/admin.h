/*
 * vep-admin's own header: what the files of cgi/admin/ share.  The page
 * table and each page's access rule are in main.c; the fields every page
 * reads, with their validators, in fields.c; the page frame (header with
 * the operator and navigation, notices, pager) in frame.c; one file per
 * area for the pages themselves.
 */
#ifndef VEP_ADMIN_H
#define VEP_ADMIN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "conf.h"
#include "db.h"
#include "db_admin.h"
#include "db_report.h"
#include "fmt.h"
#include "form.h"
#include "log.h"
#include "page.h"
#include "tmpl.h"
#include "web.h"

#define PAGE_ROWS	50
#define AUDIT_ROWS	100
#define BIT(k)		FORM_BIT(k)

/* login.c */
PAGE_FN(page_ve_change_form);	/* change.c */
PAGE_FN(page_ve_change);	/* change.c */
PAGE_FN(page_login_form);
PAGE_FN(page_login);
PAGE_FN(page_logout);
/* dashboard.c */
PAGE_FN(page_home);
/* ves.c */
PAGE_FN(page_ves);
PAGE_FN(page_ve);
PAGE_FN(page_ve_action);
/* nodes.c */
PAGE_FN(page_nodes);
PAGE_FN(page_node_add);
PAGE_FN(page_node_change);
/* plans.c */
PAGE_FN(page_plans);
PAGE_FN(page_plan_import);
/* The entry of cur (catalog_plans_json, borrowed) for code, or NULL. */
json_t	*plan_in_force(json_t *cur, const char *code);
/* invoices.c */
PAGE_FN(page_invoices);
PAGE_FN(page_invoice);
PAGE_FN(page_invoice_print);
PAGE_FN(page_invoice_run);
PAGE_FN(page_invoice_payment);
PAGE_FN(page_payment_add);
PAGE_FN(page_credit_note);
/* notes.c */
PAGE_FN(page_credit_notes);
PAGE_FN(page_payments);
PAGE_FN(page_debit_notes);
PAGE_FN(page_debit_note);
PAGE_FN(page_debit_note_payment);
/* plan_form.c: a plan on a form */
PAGE_FN(page_plan_new);
PAGE_FN(page_plan_edit);
PAGE_FN(page_plan_save);
/* tax.c: accounts' buyer details and VAT rates */
PAGE_FN(page_tax_list);
PAGE_FN(page_tax_account);
PAGE_FN(page_tax_save);
/* reports.c */
PAGE_FN(page_reports);
PAGE_FN(page_report);
/* charts.c */
PAGE_FN(page_chart_report);
PAGE_FN(page_chart_ve);
/* audit.c */
PAGE_FN(page_audit);
PAGE_FN(admin_doc_pdf);		/* mail.c: documents as PDF */
/* mail.c: the dashboard's Mail card (the outbox's waiting and failed messages). */
void	admin_mail_card(struct web *, struct tmpl_dict *);

/* fields.c: every field any page reads, with its validator; handlers see only struct form. */
enum key {
	K_NAME, K_PASSWORD, K_CSRF, K_LOGIN_TOKEN, K_Q, K_STATE, K_PAGE, K_NODE, K_URL,
	K_REASON, K_CONFIRM, K_PLAN, K_VALID_FROM, K_INVOICE, K_AMOUNT, K_DATE, K_REFERENCE,
	K_PERIOD, K_FROM, K_TO, K_RESOURCE, K_VE, K_DESCRIPTION, K_STATUS, K_FORMAT,
	K_METRIC, K_RANGE, K_REPORT, K_DONE, K_OBJECT, K_ACTION, K_TEMPLATE, K_BACKUP, K__MAX
};

extern const struct form_field admin_fields[K__MAX];
extern const char *const ve_states[4];		/* K_STATE's values */
extern const char *const inv_status[4];		/* K_STATUS's values */
/* Notices after a change (Post/Redirect/Get: ?done=KEY); K_DONE's values. */
struct notice {
	const char	*key, *text;
};
extern const struct notice notices[];
extern const size_t nnotices;

/* The fields of mask from l into v (form_read with admin_fields); the number refused. */
int	admin_read(const struct kvlist *l, uint64_t mask, struct form *v);
/* Validators the plan form shares (form.h): a date YYYY-MM-DD (n its time), one line of <= 128. */
const char *admin_v_date(const char *s, struct form *v, size_t k);
const char *admin_v_line128(const char *s, struct form *v, size_t k);
/* page_form_state with admin_fields. */
void	admin_form_state(struct tmpl_dict *, const struct form *, uint64_t mask);
/* A VEid as the operator's pages take it: 8 upper-case hexadecimal digits. */
int	admin_ve_id_ok(const char *);

/* frame.c */
/* A page's dictionary with the admin header (nav, operator, logout form) and footer; s NULL before login. */
struct tmpl_dict *admin_dict(struct web *, const struct session *s, const char *title, const char *nav);
/* admin_dict for the session's page; out of memory: 500 answered, NULL. */
struct tmpl_dict *admin_page_dict(struct web *, struct resp *, const char *title, const char *nav);
/* admin_dict for the session, with the notice, the error (if any) and the form v shown again (if any). */
struct tmpl_dict *admin_form_dict(struct web *, struct req *, const char *title, const char *nav,
	    const char *error, const struct form *v, uint64_t mask);
/* The notice of ?done=KEY, if any. */
void	admin_notice(struct tmpl_dict *, const struct req *);
/* A section ERROR with msg (when not NULL). */
void	admin_error(struct tmpl_dict *, const char *msg);
void	redirect_done(struct resp *, const char *path, const char *done);

/* backup.c: reinstall and backups of a VE (SPEC section 11). */
/* The BACKUPS section of the VE page (CAN_REINSTALL when active); nothing when unreadable. */
void	admin_ve_backups(struct web *, struct tmpl_dict *, const char *ve_id, int active);
void	page_ve_backup(struct web *, struct req *, struct resp *, char [][80]);
void	page_ve_restore(struct web *, struct req *, struct resp *, char [][80]);
void	page_ve_reinstall(struct web *, struct req *, struct resp *, char [][80]);
/* Previous/next links of a list. */
void	pager(struct tmpl_dict *, const char *base, long long page, long long total, long long rows);
/* The end of a filtered list: BAD_FILTER, or TOTAL, the none section when empty, and the pager. */
void	list_end(struct tmpl_dict *, int bad, const char *none, size_t n, long long total,
	    const char *base, long long page);
/* Append name=value (percent-encoded) to a query string. */
void	qs_add(char *out, size_t len, const char *name, const char *value);
/* Whether billing's tables exist; -1 with a 503 in r. */
int	billing_ready(struct web *, struct resp *);
/* For a billing page: 0 go on, -1 answered (503, or the "not available" page). */
int	billing_page(struct web *, struct resp *, const char *title, const char *nav);
/* For a billing change: 0 go on, -1 answered (503, or 409 not available). */
int	billing_change(struct web *, struct resp *);
/* "admin:NAME", the audit trail's actor. */
void	actor_of(const struct session *, char out[80]);
/* A date as YYYY-MM-DD (what the forms take back). */
void	set_date(struct tmpl_dict *, const char *key, long long t);
/* 1 when the form's payment date lies after today (v->bad[K_DATE] then says so), else 0. */
int	payment_date_future(struct web *, struct form *v);
/* A time the API's JSON holds as ISO 8601, in epoch seconds (0 when absent). */
long long iso_of(json_t *o, const char *key);
void	set_money_json(struct tmpl_dict *, const char *key, json_t *o, const char *field, const char *cur);
/* A template key and the JSON member (a string) it shows. */
struct json_col {
	const char	*key, *field;
};
/* Each of cols' members of o into its key of d. */
void	set_json_strs(struct tmpl_dict *, json_t *o, const struct json_col *cols, size_t n);
/* The lines of a late note (arr of o) as section: VE, resource, before, after, amount. */
void	diff_lines(struct tmpl_dict *, const char *section, json_t *o, const char *arr, const char *cur);
/* A kind of document with a page of its own: invoices and debit notes. */
struct doc_kind {
	const char	*prefix;	/* of its numbers: "INV", "DN" */
	json_t		*(*load)(struct db *, const char *number, const char *owner_ve, long long now,
			    int *rc);
	const char	*what;		/* "invoice": "There is no such invoice." */
	const char	*title;		/* "Invoice": the page's title, before the number */
	const char	*nav;		/* the menu entry ("invoices") */
};
/*
 * The page of the document number of kind k, its JSON into *j (no such
 * document: 404 "There is no such <what>.", else the database failed;
 * answered, NULL returned): number, notice, error, the payment form (pay
 * shown again, or today's date), the document's period, status, dates,
 * sums and payments.  The caller frees *j when a dictionary is returned.
 */
struct tmpl_dict *doc_dict(struct web *, struct req *, struct resp *, const struct doc_kind *k,
	    const char *number, json_t **j, const char *error, const struct form *pay);
/* The audit rows as a table (section AUDIT). */
void	audit_rows(struct tmpl_dict *, const struct admin_audit *, size_t n);
/* 500 "Out of memory." */
void	admin_oom(struct web *, struct resp *);

/* notes.c: the credit notes (credit) or payments list; pay, the payment form shown again with its errors. */
void	render_docs(struct web *, struct req *, struct resp *, int credit, int status,
	    const struct form *pay, uint64_t mask);

/* reports.c: the range of a report (from/to, or its default); NULL or why, with *field. */
const char *report_range(struct web *, struct req *, int kind, char from[11], char to[11],
	    long long *tf, long long *tt, const char **field);

#endif
