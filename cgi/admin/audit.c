/*
 * vep-admin: the audit log, searchable by object.
 */
#include "admin.h"


void
page_audit(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct form v;
	struct admin_audit *a = NULL;
	struct tmpl_dict *d;
	char base[200] = "/admin/audit";
	long long total = 0, page;
	size_t n = 0;
	int bad;

	(void)caps;
	bad = admin_read(&q->query, BIT(K_OBJECT) | BIT(K_PAGE), &v);
	page = v.s[K_PAGE] != NULL ? v.n[K_PAGE] : 1;
	if (bad == 0 && db_report_audit(w->db, v.s[K_OBJECT], AUDIT_ROWS, (page - 1) * AUDIT_ROWS, &a,
	    &n, &total) != DB_OK) {
		web_unavailable(w, r);
		return;
	}
	if ((d = admin_page_dict(w, r, "Audit log", "audit")) == NULL) {
		free(a);
		return;
	}
	admin_form_state(d, &v, BIT(K_OBJECT));
	audit_rows(d, a, n);
	tmpl_set_int(d, "TOTAL", total);
	qs_add(base, sizeof(base), "object", v.s[K_OBJECT]);
	pager(d, base, page, total, AUDIT_ROWS);
	free(a);
	page_finish(w, r, bad > 0 ? 422 : 200, "admin/audit.tpl", d);
}

