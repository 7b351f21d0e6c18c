/*
 * The admin's mail card on the dashboard (the outbox: queued, failed) and
 * its document pages as PDF (SPEC section 10):
 * GET /admin/invoices/{number}.pdf, /admin/debit-notes/{number}.pdf and
 * /admin/credit-notes/{number}.pdf, for a logged-in operator (PAGE_ADMIN in
 * main.c's table); any account's document.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "db_mail.h"
#include "pdf_page.h"

/*
 * The "MAIL" section of the dashboard: messages waiting and failed for
 * good (db_mail_counts); a failed one marks the card bad.  Nothing when the
 * outbox cannot be read (the dashboard shows the rest).
 */
void
admin_mail_card(struct web *w, struct tmpl_dict *d)
{
	struct mail_counts m;
	struct tmpl_dict *x;
	char age[32] = "";

	if (w->db == NULL || db_mail_counts(w->db, &m) != 0)
		return;
	x = tmpl_add(d, "MAIL");
	tmpl_set_int(x, "QUEUED", m.queued);
	tmpl_set_int(x, "FAILED", m.failed);
	tmpl_set_int(x, "SENT", m.sent);
	if (m.failed > 0)
		tmpl_show(x, "MAIL_BAD");
	if (m.queued > 0 && m.oldest_queued_at > 0) {
		long long s = w->now - m.oldest_queued_at;
		if (s < 120)
			snprintf(age, sizeof(age), "%lld s", s < 0 ? 0 : s);
		else if (s < 7200)
			snprintf(age, sizeof(age), "%lld min", s / 60);
		else
			snprintf(age, sizeof(age), "%lld h", s / 3600);
		tmpl_set(tmpl_add(x, "WAITING"), "AGE", age);
	}
}

/* PAGE_ADMIN: an operator's session, checked by lib/web/web.c. */
void
admin_doc_pdf(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)q;
	pdf_page(w, r, caps[0], NULL);
}
