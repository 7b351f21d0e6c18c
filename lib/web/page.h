/*
 * Rendering a whole HTML page: the layout header and footer around a
 * screen's template, with the ISP name from the configuration; the
 * values every screen puts into its templates (times, sizes, amounts, a
 * form shown again with its errors) written one way for all.
 */
#ifndef VEP_PAGE_H
#define VEP_PAGE_H

#include <stdint.h>

struct form;
struct form_field;
struct web;
struct req;
struct resp;
struct tmpl_dict;

/* A dictionary with the layout includes and TITLE set; free with tmpl_dict_free. */
struct tmpl_dict *page_dict(struct web *, const char *title);
/* Render file with d into resp (status 200 unless set); 500 page on failure. */
void	page_render(struct web *, struct resp *, const char *file, struct tmpl_dict *d);

/*
 * Render file with d (status as given, private), then free d; d NULL is
 * answered 500 (out of memory).
 */
void	page_finish(struct web *, struct resp *, int status, const char *file, struct tmpl_dict *d);

/*
 * A login form's dictionary d (made by the caller, may be NULL): a fresh
 * signed token (web_form_token_issue for cookie and purpose) as
 * LOGIN_TOKEN, what the name field shows (field = value), and msg as an
 * ERROR section.  0, or -1 with a 503 in r (d freed) when no token could
 * be made.
 */
int	page_login_dict(struct web *, struct req *, struct resp *, struct tmpl_dict *d,
	    const char *cookie, const char *purpose, const char *field, const char *value,
	    const char *msg);

/* Values through lib/web/fmt.h into the dictionary. */
void	page_set_time(struct tmpl_dict *, const char *key, long long t);
void	page_set_date(struct tmpl_dict *, const char *key, long long t);
void	page_set_bytes(struct tmpl_dict *, const char *key, long long b);
void	page_set_money(struct tmpl_dict *, const char *key, long long minor, const char *cur);

/*
 * Show a form again: V_<NAME> the values as typed (not secret fields'),
 * E_<NAME> sections with each refusal's MSG and a BAD_<NAME> section, for
 * the fields in mask (NAME is the field's name in capitals).
 */
void	page_form_state(struct tmpl_dict *, const struct form_field *, size_t nf,
	    const struct form *, uint64_t mask);
/* One option of a select: an OPTION section with VALUE, TEXT and SELECTED if selected. */
void	page_option(struct tmpl_dict *, const char *value, const char *text, int selected);
/* s in capitals into out (len bytes, truncated). */
void	page_upper(const char *s, char *out, size_t len);

#endif
