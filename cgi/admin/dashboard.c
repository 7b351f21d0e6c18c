/*
 * vep-admin: the dashboard (VEs by state, node health, what was invoiced
 * and paid, the newest audit rows).
 */
#include "admin.h"
#include "db_backup.h"

static void
money_list(struct tmpl_dict *d, const char *section, const struct admin_money *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct tmpl_dict *x = tmpl_add(d, section);
		page_set_money(x, "AMOUNT", m[i].amount, m[i].currency);
		tmpl_set_int(x, "COUNT", m[i].count);
	}
	if (n == 0)
		tmpl_show(d, section[0] == 'U' || section[0] == 'O' ? "NONE_OPEN" : "NONE");
}

void
page_home(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct admin_dash dash;
	struct admin_audit *a = NULL;
	struct tmpl_dict *d, *b;
	long long total;
	size_t n;

	(void)caps;
	if (db_report_dashboard(w->db, w->now, &dash) != DB_OK ||
	    db_report_audit(w->db, NULL, 10, 0, &a, &n, &total) != DB_OK) {
		web_unavailable(w, r);
		return;
	}
	if ((d = admin_page_dict(w, r, "Dashboard", "home")) == NULL) {
		free(a);
		return;
	}
	admin_notice(d, q);
	tmpl_set_int(d, "VES_ACTIVE", dash.ves[0]);
	tmpl_set_int(d, "VES_SUSPENDED", dash.ves[1]);
	tmpl_set_int(d, "VES_EXPIRED", dash.ves[2]);
	tmpl_set_int(d, "VES_DELETED", dash.ves[3]);
	tmpl_set_int(d, "NODES_UP", dash.nodes_up);
	tmpl_set_int(d, "NODES_FAILING", dash.nodes_failing);
	tmpl_set_int(d, "NODES_DOWN", dash.nodes_down);
	tmpl_set_int(d, "NODES_UNKNOWN", dash.nodes_unknown);
	tmpl_set_int(d, "NODES_DISABLED", dash.nodes_disabled);
	{
		long long bb = 0, bf = 0;
		char t[32];

		/* The backup repositories' storage, as the nodes last reported it (db_backup.c). */
		if (db_backup_totals(w->db, &bb, &bf) == DB_OK) {
			snprintf(t, sizeof(t), "%.1f MB", (double)bb / 1e6);
			tmpl_set(d, "BACKUP_STORAGE", t);
			tmpl_set_int(d, "BACKUP_FAILING", bf);
		}
	}
	if (dash.nodes_down + dash.nodes_failing > 0)
		tmpl_show(d, "NODES_BAD");
	page_set_time(d, "NOW", w->now);
	if (!dash.billing)
		tmpl_show(d, "BILLING_NA");
	else {
		b = tmpl_add(d, "BILLING");
		tmpl_set(b, "PERIOD_LAST", dash.period_last);
		tmpl_set(b, "PERIOD_PREV", dash.period_prev);
		money_list(tmpl_add(b, "INV_LAST"), "M", dash.invoiced_last, dash.ninvoiced_last);
		money_list(tmpl_add(b, "INV_PREV"), "M", dash.invoiced_prev, dash.ninvoiced_prev);
		money_list(tmpl_add(b, "PAID_THIS"), "M", dash.paid_this, dash.npaid_this);
		money_list(tmpl_add(b, "PAID_LAST"), "M", dash.paid_last, dash.npaid_last);
		money_list(tmpl_add(b, "UNPAID"), "U", dash.unpaid, dash.nunpaid);
		money_list(tmpl_add(b, "OVERDUE"), "O", dash.overdue, dash.noverdue);
		if (dash.ninvoiced_last + dash.ninvoiced_prev == 0)
			tmpl_show(b, "NO_INVOICES");
	}
	admin_mail_card(w, d);	/* mail.c: the outbox's waiting and failed messages */
	audit_rows(d, a, n);
	free(a);
	page_finish(w, r, 200, "admin/dashboard.tpl", d);
}

