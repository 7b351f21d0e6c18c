/*
 * vep-admin: the ISP's screens (dashboard, VEs, nodes, plans, invoices, reports).
 */
#include "page.h"
#include "tmpl.h"
#include "web.h"

static void
page_login(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct tmpl_dict *d = page_dict(w, "Operator login");
	(void)q; (void)caps;
	r->private_page = 1;
	page_render(w, r, "admin/login.tpl", d);
	tmpl_dict_free(d);
}

static const struct page pages[] = {
	{ "/admin", M_GET, page_login },
};

int
main(int argc, char **argv)
{
	return web_main(argc, argv, "vep-admin", pages, nitems(pages), NULL);
}
