/*
 * vep-signup: the VE creation screen (origin document Appendix 7.3.1).
 */
#include "page.h"
#include "tmpl.h"
#include "web.h"

static void
page_form(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct tmpl_dict *d = page_dict(w, "Order a VE");
	(void)q; (void)caps;
	page_render(w, r, "signup/form.tpl", d);
	tmpl_dict_free(d);
}

static const struct page pages[] = {
	{ "/signup", M_GET, page_form },
};

int
main(int argc, char **argv)
{
	return web_main(argc, argv, "vep-signup", pages, nitems(pages), NULL);
}
