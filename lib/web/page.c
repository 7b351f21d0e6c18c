/*
 * Page layout helpers; see page.h.
 */
#include "conf.h"
#include "page.h"
#include "tmpl.h"
#include "web.h"

struct tmpl_dict *
page_dict(struct web *w, const char *title)
{
	struct tmpl_dict *d = tmpl_dict_new();
	if (d == NULL)
		return NULL;
	struct tmpl_dict *h;
	tmpl_set(d, "TITLE", title);
	tmpl_set(d, "ISP_NAME", conf_str(w->conf, "isp", "name"));
	/* ctemplate's include dictionaries do not inherit: give the header its own values. */
	h = tmpl_include(d, "HEADER", "layout/header.tpl");
	tmpl_set(h, "TITLE", title);
	tmpl_set(h, "ISP_NAME", conf_str(w->conf, "isp", "name"));
	tmpl_include(d, "FOOTER", "layout/footer.tpl");
	return d;
}

void
page_render(struct web *w, struct resp *r, const char *file, struct tmpl_dict *d)
{
	buf_reset(&r->body);
	if (d == NULL || tmpl_render(file, d, &r->body) == -1) {
		buf_reset(&r->body);
		r->status = 500;
		r->ctype = "text/plain; charset=utf-8";
		buf_puts(&r->body, "500 Internal Server Error: the page could not be rendered.\n");
	}
}
