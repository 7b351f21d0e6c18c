/*
 * /admin/ves/{id}/change: the operator's service change (SPEC section 11),
 * the same change as PATCH /api/v1/ves/{id} with the admin token
 * (cgi/vechange.c), audited as "admin:NAME".
 */
#include "admin.h"
#include "db_ve.h"
#include "vechange.h"

static void
show(struct web *w, struct resp *r, int status, const char *id, const struct order *o,
    const struct vechange *x, const char *error)
{
	struct tmpl_dict *d = admin_dict(w, &w->session, "Change VE", "ves");

	if (d == NULL) {
		page_finish(w, r, 500, "admin/change.tpl", NULL);
		return;
	}
	tmpl_set(d, "VE_ID", id);
	vechange_form(d, o, x != NULL && x->status == VX_INVALID ? &x->errs : NULL);
	if (x != NULL && x->status == VX_OK)
		vechange_done(d, x);
	if (error != NULL)
		tmpl_set(tmpl_add(d, "ERROR"), "MSG", error);
	page_finish(w, r, status, "admin/change.tpl", d);
}

void
page_ve_change_form(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct ve_info v;
	int rc;

	(void)q;
	if ((rc = db_ve_get(w->db, caps[0], &v)) <= 0) {
		web_error(w, r, rc == 0 ? 404 : 503, rc == 0 ? "There is no such VE." :
		    "The service is briefly unavailable; please try again in a moment.");
		return;
	}
	show(w, r, 200, caps[0], &v.o, NULL, NULL);
	ve_info_free(&v);
}

void
page_ve_change(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct vechange x;
	char actor[80];
	int st;

	actor_of(&w->session, actor);
	vechange_run(w, w->db, caps[0], NULL, &q->form, actor, &x);
	st = vechange_http(&x, 1);
	switch (x.status) {
	case VX_OK:
		show(w, r, 200, caps[0], &x.next, &x, NULL);
		break;
	case VX_INVALID:
		show(w, r, st, caps[0], &x.next, &x, x.msg);
		break;
	case VX_NOTHING:
	case VX_CONFLICT:
		show(w, r, st, caps[0], &x.cur, &x, x.msg);
		break;
	case VX_NOVE:
		web_error(w, r, 404, "There is no such VE.");
		break;
	default:
		web_error(w, r, 503, x.msg);
		break;
	}
	vechange_free(&x);
}
