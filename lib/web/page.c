/*
 * Page layout helpers; see page.h.
 */
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "fmt.h"
#include "form.h"
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

void
page_finish(struct web *w, struct resp *r, int status, const char *file, struct tmpl_dict *d)
{
	r->private_page = 1;
	r->status = status;
	if (d == NULL) {
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	page_render(w, r, file, d);
	tmpl_dict_free(d);
}

int
page_login_dict(struct web *w, struct req *q, struct resp *r, struct tmpl_dict *d,
    const char *cookie, const char *purpose, const char *field, const char *value, const char *msg)
{
	char tok[AUTH_FORM_TOKEN_MAX];

	r->private_page = 1;
	if (web_form_token_issue(w, q, r, cookie, purpose, 0, tok) == -1) {
		tmpl_dict_free(d);
		web_unavailable(w, r);
		return -1;
	}
	if (d != NULL) {
		tmpl_set(d, "LOGIN_TOKEN", tok);
		tmpl_set(d, field, value != NULL ? value : "");
		if (msg != NULL)
			tmpl_set(tmpl_add(d, "ERROR"), "MSG", msg);
	}
	return 0;
}

/* v through f into d's key. */
static void
set_fmt(struct tmpl_dict *d, const char *key, long long v, void (*f)(long long, char *, size_t))
{
	char s[48];

	f(v, s, sizeof(s));
	tmpl_set(d, key, s);
}

void
page_set_time(struct tmpl_dict *d, const char *key, long long t)
{
	set_fmt(d, key, t, fmt_time);
}

void
page_set_date(struct tmpl_dict *d, const char *key, long long t)
{
	set_fmt(d, key, t, fmt_date);
}

void
page_set_bytes(struct tmpl_dict *d, const char *key, long long b)
{
	set_fmt(d, key, b, fmt_bytes);
}

void
page_set_money(struct tmpl_dict *d, const char *key, long long minor, const char *cur)
{
	char s[64];

	fmt_money_cur(minor, cur, s, sizeof(s));
	tmpl_set(d, key, s);
}

void
page_option(struct tmpl_dict *d, const char *value, const char *text, int selected)
{
	struct tmpl_dict *x = tmpl_add(d, "OPTION");

	tmpl_set(x, "VALUE", value);
	tmpl_set(x, "TEXT", text);
	if (selected)
		tmpl_show(x, "SELECTED");
}

void
page_upper(const char *s, char *out, size_t len)
{
	size_t i;

	if (len == 0)
		return;
	for (i = 0; s[i] != '\0' && i + 1 < len; i++)
		out[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
	out[i] = '\0';
}

void
page_form_state(struct tmpl_dict *d, const struct form_field *fields, size_t nf,
    const struct form *v, uint64_t mask)
{
	char key[80], up[64];

	for (size_t k = 0; k < nf && k < FORM_MAX; k++) {
		if (!(mask & FORM_BIT(k)) || fields[k].secret)
			continue;
		page_upper(fields[k].name, up, sizeof(up));
		if (v->raw[k] != NULL) {
			snprintf(key, sizeof(key), "V_%s", up);
			tmpl_set(d, key, v->raw[k]);
		}
		if (v->bad[k] != NULL) {
			snprintf(key, sizeof(key), "E_%s", up);
			tmpl_set(tmpl_add(d, key), "MSG", v->bad[k]);
			snprintf(key, sizeof(key), "BAD_%s", up);
			tmpl_show(d, key);
		}
	}
}
