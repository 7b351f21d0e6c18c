/*
 * /admin/ves/{id}/change: the operator's service change (SPEC section 11),
 * the same change as PATCH /api/v1/ves/{id} with the admin token
 * (cgi/vechange.c), audited as "admin:NAME".
 */
#include "admin.h"
#include "vechange.h"

static struct tmpl_dict *
dict(struct web *w)
{
	return admin_dict(w, &w->session, "Change VE", "ves");
}

static const struct vechange_screen screen = { "admin/change.tpl", "There is no such VE.", dict };

void
page_ve_change_form(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)q;
	vechange_page_form(w, r, &screen, caps[0]);
}

void
page_ve_change(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	char actor[80];

	actor_of(&w->session, actor);
	vechange_page_post(w, q, r, &screen, caps[0], actor);
}
