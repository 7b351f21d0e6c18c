/*
 * vep-self: the VE self-maintenance screen (origin document Appendix 7.3.2).
 */
#include "page.h"
#include "tmpl.h"
#include "web.h"

static void
page_login(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct tmpl_dict *d = page_dict(w, "My VE");
	(void)q; (void)caps;
	r->private_page = 1;
	page_render(w, r, "self/login.tpl", d);
	tmpl_dict_free(d);
}

static const struct page pages[] = {
	{ "/self", M_GET, page_login },
};

int
main(int argc, char **argv)
{
	return web_main(argc, argv, "vep-self", pages, nitems(pages), NULL);
}
