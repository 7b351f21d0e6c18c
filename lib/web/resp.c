/*
 * Response building; see resp.h.
 */
#include <stdio.h>
#include <string.h>

#include "resp.h"

void
resp_init(struct resp *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 200;
	r->ctype = "text/html; charset=utf-8";
	buf_init(&r->hdr);
	buf_init(&r->body);
}

void
resp_free(struct resp *r)
{
	buf_free(&r->hdr);
	buf_free(&r->body);
}

static int
clean(const char *s)
{
	return strpbrk(s, "\r\n") == NULL;
}

int
resp_header(struct resp *r, const char *name, const char *value)
{
	if (!clean(name) || !clean(value))
		return -1;
	return buf_printf(&r->hdr, "%s: %s\r\n", name, value);
}

int
resp_cookie(struct resp *r, const char *name, const char *value, long max_age, int https)
{
	char v[512];
	if (!clean(value) || strpbrk(value, ";, ") != NULL)
		return -1;
	if (max_age < 0)
		snprintf(v, sizeof(v), "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
		    name, https ? "; Secure" : "");
	else if (max_age == 0)
		snprintf(v, sizeof(v), "%s=%s; Path=/; HttpOnly; SameSite=Strict%s",
		    name, value, https ? "; Secure" : "");
	else
		snprintf(v, sizeof(v), "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Strict%s",
		    name, value, max_age, https ? "; Secure" : "");
	return resp_header(r, "Set-Cookie", v);
}

void
resp_json(struct resp *r, int status, json_t *j)
{
	char *s;
	r->status = status;
	r->ctype = "application/json";
	buf_reset(&r->body);
	s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (s != NULL) {
		buf_puts(&r->body, s);
		free(s);
	} else {
		r->status = 500;
		buf_puts(&r->body, "{\"error\":{\"message\":\"out of memory\"}}");
	}
	buf_puts(&r->body, "\n");
	json_decref(j);
}

void
resp_json_error(struct resp *r, int status, const char *msg, json_t *fields)
{
	json_t *e = json_object();
	json_object_set_new(e, "message", json_string(msg));
	if (fields != NULL)
		json_object_set_new(e, "fields", fields);
	json_t *top = json_object();
	json_object_set_new(top, "error", e);
	resp_json(r, status, top);
}

void
resp_text(struct resp *r, int status, const char *ctype, const char *text)
{
	r->status = status;
	r->ctype = ctype;
	buf_reset(&r->body);
	buf_puts(&r->body, text);
}

void
resp_redirect(struct resp *r, const char *location)
{
	r->status = 303;
	resp_header(r, "Location", location);
	buf_reset(&r->body);
}

const char *
http_reason(int s)
{
	switch (s) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

void
resp_serialize(struct resp *r, struct buf *out, int head_only)
{
	buf_printf(out, "Status: %d %s\r\n", r->status, http_reason(r->status));
	if (r->status != 204 && r->status != 303)
		buf_printf(out, "Content-Type: %s\r\n", r->ctype);
	buf_printf(out, "Content-Length: %zu\r\n", head_only || r->status == 204 ? (size_t)0 : r->body.len);
	buf_puts(out,
	    "Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self' data:; "
	    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Referrer-Policy: same-origin\r\n"
	    "Cross-Origin-Opener-Policy: same-origin\r\n");
	if (r->private_page)
		buf_puts(out, "Cache-Control: no-store\r\n");
	buf_append(out, buf_cstr(&r->hdr), r->hdr.len);
	buf_puts(out, "\r\n");
	if (!head_only && r->status != 204)
		buf_append(out, buf_cstr(&r->body), r->body.len);
}
