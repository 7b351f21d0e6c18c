/*
 * Rendering a whole HTML page: the layout header and footer around a
 * screen's template, with the ISP name from the configuration.
 */
#ifndef VEP_PAGE_H
#define VEP_PAGE_H

struct web;
struct resp;
struct tmpl_dict;

/* A dictionary with the layout includes and TITLE set; free with tmpl_dict_free. */
struct tmpl_dict *page_dict(struct web *, const char *title);
/* Render file with d into resp (status 200 unless set); 500 page on failure. */
void	page_render(struct web *, struct resp *, const char *file, struct tmpl_dict *d);

#endif
