/*
 * vep-admin: every field the pages read, with its validator (the table
 * admin_fields[], read by lib/web/form.c), and the notices of ?done=KEY.
 */
#include "admin.h"
#include "db_ve.h"
#include "rating.h"
#include "vechart.h"

const char *const ve_states[4] = { "active", "suspended", "expired", "deleted" };
const char *const inv_status[4] = { "all", "unpaid", "overdue", "paid" };

const struct notice notices[] = {
	{ "suspended", "The VE is suspended." },
	{ "resumed", "The VE is active again." },
	{ "start", "The VE will be started within 30 seconds." },
	{ "stop", "The VE will be stopped within 30 seconds." },
	{ "restart", "The VE will be restarted within 30 seconds." },
	{ "moved", "The VE was moved." },
	{ "deleted", "The VE is deleted and its addresses are free again." },
	{ "unchanged", "Nothing needed to change." },
	{ "enabled", "The node is enabled." },
	{ "disabled", "The node is disabled: no new VEs are placed on it." },
	{ "removed", "The node was removed." },
	{ "imported", "The plan was imported." },
	{ "paid", "The payment was recorded." },
	{ "credited", "The credit note was issued." },
	{ "run", "The invoice run has finished; usage that came after its month was invoiced got its debit or credit note." },
	{ "logout", "You have logged out." },
	{ "backup", "A backup will be made at the node's next sync (within a minute)." },
	{ "restore", "The VE will be stopped, restored from the backup and started again." },
	{ "reinstall", "The VE will be reinstalled from the template within a few minutes." },
	{ "taxed", "The account's details and VAT rate were saved; the next invoice uses them." },
	{ "plan-saved", "The plan was saved as a new price version." },
};
const size_t nnotices = nitems(notices);

static const char *
v_name(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return admin_name_valid(s) ? NULL : "A name is 1 to 64 letters, digits, '.', '_', '@' or '-'.";
}

static const char *
v_search(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return admin_text_valid(s, 254, 0) ? NULL : "Search for at most 254 printable characters.";
}

static const char *
v_state(const char *s, struct form *v, size_t k)
{
	return form_enum(s, v, k, ve_states, nitems(ve_states),
	    "The state is active, suspended, expired or deleted.");
}

static const char *
v_page(const char *s, struct form *v, size_t k)
{
	const char *es;
	v->n[k] = vep_strtonum(s, 1, 1000000, &es);
	return es != NULL ? "A page is a whole number from 1." : NULL;
}

static const char *
v_node(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return admin_node_name_valid(s) ? NULL :
	    "A node name is 1 to 64 lower-case letters, digits, '-', '_' or '.'.";
}

static const char *
v_url(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return admin_url_valid(s) ? NULL :
	    "The agent's metrics URL, such as http://10.0.0.5:9101/metrics (http:// or https://).";
}

static const char *
v_line(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return admin_text_valid(s, 255, 0) ? NULL : "At most 255 characters on one line.";
}

const char *
admin_v_line128(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return admin_text_valid(s, 128, 0) ? NULL : "At most 128 characters on one line.";
}

static const char *
v_confirm(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return strcmp(s, "yes") == 0 ? NULL : "Tick the box to confirm.";
}

static const char *
v_plan(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return admin_text_valid(s, 60000, 1) ? NULL : "Paste the plan as JSON (at most 60000 characters).";
}

const char *
admin_v_date(const char *s, struct form *v, size_t k)
{
	return admin_date_parse(s, &v->n[k]) == 0 ? NULL :
	    "A date that exists, written YYYY-MM-DD, such as 2026-01-31.";
}

static const char *
v_invoice(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return admin_invoice_number_valid(s, "INV") ? NULL :
	    "An invoice number such as INV-2026-000001.";
}

static const char *
v_amount(const char *s, struct form *v, size_t k)
{
	size_t n = strlen(s), i = s[0] == '-';
	(void)v; (void)k;
	/* The exact parse needs the invoice's currency: money_parse in the handler. */
	if (n > 24 || i == n || strspn(s + i, "0123456789.") != n - i || strchr(s + i, '.') !=
	    strrchr(s + i, '.'))
		return "An amount such as 12.34 (a point before the cents, no thousands separators).";
	return NULL;
}

static const char *
v_resource(const char *s, struct form *v, size_t k)
{
	return form_index(v, k, rate_res_parse(s),
	    "One of fee, disk, cpu, vmem, traffic, traffic_in, traffic_out, availability.");
}

static const char *
v_ve(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return admin_ve_id_ok(s) ? NULL :
	    "A VEid is 8 upper-case hexadecimal digits, such as 0000002A.";
}

static const char *
v_status(const char *s, struct form *v, size_t k)
{
	return form_enum(s, v, k, inv_status, nitems(inv_status), "all, unpaid, overdue or paid.");
}

static const char *
v_format(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return strcmp(s, "csv") == 0 || strcmp(s, "html") == 0 ? NULL : "format is csv or html.";
}

static const char *
v_report(const char *s, struct form *v, size_t k)
{
	return form_index(v, k, admin_report_parse(s), "report is revenue, usage, overage or unpaid.");
}

static const char *
v_done(const char *s, struct form *v, size_t k)
{
	for (size_t i = 0; i < nnotices; i++)
		if (strcmp(s, notices[i].key) == 0) {
			v->n[k] = (long long)i;
			return NULL;
		}
	return "unknown notice";
}

static const char *
v_object(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return admin_text_valid(s, 64, 0) ? NULL : "An object is at most 64 characters.";
}

const struct form_field admin_fields[K__MAX] = {
	[K_NAME] = { "name", v_name, 1 },
	[K_PASSWORD] = { "password", form_v_secret, 1, NULL, 1 },
	[K_CSRF] = { "csrf", form_v_token, 1, NULL, 1 },
	[K_LOGIN_TOKEN] = { "login_token", form_v_signed, 1, NULL, 1 },
	[K_Q] = { "q", v_search, 0 },
	[K_STATE] = { "state", v_state, 0 },
	[K_PAGE] = { "page", v_page, 0 },
	[K_NODE] = { "node", v_node, 1 },
	[K_URL] = { "url", v_url, 1 },
	[K_REASON] = { "reason", v_line, 0 },
	[K_CONFIRM] = { "confirm", v_confirm, 1, "Tick the box to confirm." },
	[K_PLAN] = { "plan_json", v_plan, 1 },
	[K_VALID_FROM] = { "valid_from", admin_v_date, 1 },
	[K_INVOICE] = { "invoice", v_invoice, 1 },
	[K_AMOUNT] = { "amount", v_amount, 1 },
	[K_DATE] = { "date", admin_v_date, 1 },
	[K_REFERENCE] = { "reference", admin_v_line128, 1 },
	[K_PERIOD] = { "period", form_v_period, 1 },
	[K_FROM] = { "from", admin_v_date, 0 },
	[K_TO] = { "to", admin_v_date, 0 },
	[K_RESOURCE] = { "resource", v_resource, 1 },
	[K_VE] = { "ve_id", v_ve, 0 },
	[K_DESCRIPTION] = { "description", v_line, 0 },
	[K_STATUS] = { "status", v_status, 0 },
	[K_FORMAT] = { "format", v_format, 0 },
	[K_METRIC] = { "metric", vechart_v_metric, 1 },
	[K_RANGE] = { "range", vechart_v_range, 0 },
	[K_REPORT] = { "report", v_report, 1 },
	[K_DONE] = { "done", v_done, 0 },
	[K_OBJECT] = { "object", v_object, 0 },
	[K_ACTION] = { "action", form_v_action, 1 },
	[K_TEMPLATE] = { "template", form_v_template, 1 },
	[K_BACKUP] = { "backup", form_v_backup, 1 },
};

int
admin_read(const struct kvlist *l, uint64_t mask, struct form *v)
{
	return form_read(admin_fields, K__MAX, l, mask, v);
}

void
admin_form_state(struct tmpl_dict *d, const struct form *v, uint64_t mask)
{
	page_form_state(d, admin_fields, K__MAX, v, mask);
}

int
admin_ve_id_ok(const char *s)
{
	return strlen(s) == 8 && strspn(s, "0123456789ABCDEF") == 8;
}
