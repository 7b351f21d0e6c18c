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

static struct tmpl_dict *
dict(struct web *w)
{
	struct tmpl_dict *d = page_dict(w, "Change your VE");

	if (d != NULL)
		tmpl_set(d, "CSRF", w->session.csrf);
	return d;
}

static const struct vechange_screen screen = { "self/change.tpl", "This VE no longer exists.", dict };

void
page_change_form(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)q;
	(void)caps;
	vechange_page_form(w, r, &screen, w->session.subject);
}

void
page_change(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	const char *ve = w->session.subject;

	(void)caps;
	if (vechange_page_post(w, q, r, &screen, ve, ve) == VX_OK)
		log_info("self: %s changed its service", ve);
}
