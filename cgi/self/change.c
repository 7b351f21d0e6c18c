/*
 * /self/change: the owner's service change (SPEC section 11) on the self
 * screen.  GET shows every changeable field with the VE's value; POST
 * (with the session's CSRF token, enforced by the page table) runs the
 * same change as PATCH /api/v1/ves/{id} (cgi/vechange.c): refused, the form
 * again with every field's message, status 400, nothing written; done, the
 * page says how each part takes effect.
 */
#include "self.h"
#include "vechange.h"

static void
show(struct web *w, struct resp *r, int status, const struct order *o, const struct vechange *x,
    const char *error)
{
	struct tmpl_dict *d = page_dict(w, "Change your VE");

	if (d == NULL) {
		page_finish(w, r, 500, "self/change.tpl", NULL);
		return;
	}
	tmpl_set(d, "VE_ID", w->session.subject);
	tmpl_set(d, "CSRF", w->session.csrf);
	vechange_form(d, o, x != NULL && x->status == VX_INVALID ? &x->errs : NULL);
	if (x != NULL && x->status == VX_OK)
		vechange_done(d, x);
	if (error != NULL)
		tmpl_set(tmpl_add(d, "ERROR"), "MSG", error);
	page_finish(w, r, status, "self/change.tpl", d);
}

void
page_change_form(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct ve_info v;
	int rc;

	(void)q;
	(void)caps;
	if ((rc = db_ve_get(w->db, w->session.subject, &v)) <= 0) {
		web_error(w, r, rc == 0 ? 404 : 503, rc == 0 ? "This VE no longer exists." :
		    "The service is briefly unavailable; please try again in a moment.");
		return;
	}
	show(w, r, 200, &v.o, NULL, NULL);
	ve_info_free(&v);
}

void
page_change(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct vechange x;
	int st;

	(void)caps;
	vechange_run(w, w->db, w->session.subject, NULL, &q->form, w->session.subject, &x);
	st = vechange_http(&x, 1);
	switch (x.status) {
	case VX_OK:
		log_info("self: %s changed its service", w->session.subject);
		show(w, r, 200, &x.next, &x, NULL);
		break;
	case VX_INVALID:
		show(w, r, st, &x.next, &x, x.msg);
		break;
	case VX_NOTHING:
	case VX_CONFLICT:
		show(w, r, st, &x.cur, &x, x.msg);
		break;
	case VX_NOVE:
		web_error(w, r, 404, "This VE no longer exists.");
		break;
	default:
		web_error(w, r, 503, x.msg);
		break;
	}
	vechange_free(&x);
}
