/*
 * Request parsing for the FastCGI programs: see http.h.  Every read of
 * untrusted bytes is bounded by the length passed in.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stdio.h>

#include "http.h"
#include "text.h"

static int
kv_add(struct kvlist *l, struct buf *k, struct buf *v)
{
	if (vep_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v), 16) == -1)
		return -1;
	l->v[l->n].key = strdup(buf_cstr(k));
	l->v[l->n].val = strdup(buf_cstr(v));
	l->v[l->n].vlen = v->len;
	if (l->v[l->n].key == NULL || l->v[l->n].val == NULL) {
		free(l->v[l->n].key);
		free(l->v[l->n].val);
		return -1;
	}
	l->n++;
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

int
pct_decode(const char *s, size_t len, struct buf *out, int plus_is_space)
{
	buf_reset(out);
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '%') {
			int hi, lo;
			if (len - i < 3 || (hi = hexval(s[i + 1])) < 0 || (lo = hexval(s[i + 2])) < 0)
				return -1;
			c = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus_is_space)
			c = ' ';
		if (buf_append(out, &c, 1) == -1)
			return -2;
	}
	if (out->len == 0 && buf_append(out, "", 0) == -1)
		return -2;
	return 0;
}

/*
 * Every field of every form and JSON body, at the edge: no C0 control but
 * TAB, LF and CR, no DEL, no C1 control, no bidi override or isolate
 * (lib/domain/text.c; issue 17, item 8).  Single-line fields refuse
 * TAB/LF/CR in their own validators.  The message names the field, so it
 * lives in a buffer: one request at a time per process.
 */
static const char *
text_refused(const char *key, size_t klen)
{
	static char why[160];

	if (!text_ok(key, klen, 0))
		return "a field name contains a control character";
	snprintf(why, sizeof(why), "the field \"%.*s\" contains a control or bidirectional-override "
	    "character", (int)(klen > 64 ? 64 : klen), key);
	return why;
}

/* The end of the piece of s[0..len) that starts at i: the next sep, or len. */
static size_t
piece_end(const char *s, size_t len, size_t i, char sep)
{
	while (i < len && s[i] != sep)
		i++;
	return i;
}

/*
 * One "key=value" piece s[i..end) into out, through the scratch buffers k
 * and v: 0, or -1 with *err set.
 */
typedef int (*piece_fn)(const char *s, size_t i, size_t end, struct buf *k, struct buf *v,
    struct kvlist *out, const char **err);

/* Split s[0..len) at sep and hand each piece to f; 0, or -1 with *err set. */
static int
pieces_parse(const char *s, size_t len, char sep, piece_fn f, struct kvlist *out, const char **err)
{
	struct buf k, v;
	size_t i = 0;
	int rc = 0;

	buf_init(&k);
	buf_init(&v);
	while (i < len && rc == 0) {
		size_t end = piece_end(s, len, i, sep);
		rc = f(s, i, end, &k, &v, out, err);
		i = end + 1;
	}
	buf_free(&k);
	buf_free(&v);
	return rc;
}

static int
urlenc_piece(const char *s, size_t i, size_t end, struct buf *k, struct buf *v, struct kvlist *out,
    const char **err)
{
	size_t eq = piece_end(s, end, i, '=');
	int r1, r2;

	if (end == i)		/* "a=1&&b=2": tolerate empty pieces */
		return 0;
	if (out->n >= KV_MAX_PAIRS) {
		*err = "too many fields";
		return -1;
	}
	r1 = pct_decode(s + i, eq - i, k, 1);
	r2 = pct_decode(s + (eq < end ? eq + 1 : end), eq < end ? end - eq - 1 : 0, v, 1);
	if (r1 == -2 || r2 == -2)
		*err = "out of memory";
	else if (r1 == -1 || r2 == -1)
		*err = "a field has a malformed %-escape";
	else if (k->len == 0 || k->len > KV_MAX_KEY)
		*err = "a field name is empty or too long";
	else if (memchr(k->data, '\0', k->len) != NULL || memchr(v->data, '\0', v->len) != NULL)
		*err = "a field contains a NUL byte";
	else if (!vep_valid_utf8(k->data, k->len) || !vep_valid_utf8(v->data, v->len))
		*err = "a field is not valid UTF-8";
	else if (!text_ok(k->data, k->len, 0) || !text_ok(v->data, v->len, TEXT_MULTILINE))
		*err = text_refused(k->data, k->len);
	else if (kv_add(out, k, v) == -1)
		*err = "out of memory";
	else
		return 0;
	return -1;
}

int
urlenc_parse(const char *s, size_t len, struct kvlist *out, const char **err)
{
	return pieces_parse(s, len, '&', urlenc_piece, out, err);
}

/* A cookie pair; malformed pairs (and values that are not plain ASCII) are skipped. */
static int
cookie_piece(const char *s, size_t i, size_t end, struct buf *k, struct buf *v, struct kvlist *out,
    const char **err)
{
	size_t a = i, b = end, eq;

	while (a < end && (s[a] == ' ' || s[a] == '\t'))
		a++;
	while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
		b--;
	eq = piece_end(s, b, a, '=');
	if (!(eq < b && eq > a && eq - a <= KV_MAX_KEY && out->n < KV_MAX_PAIRS))
		return 0;
	for (size_t j = a; j < b; j++)
		if ((unsigned char)s[j] < 0x21 || (unsigned char)s[j] > 0x7e)
			return 0;	/* cookie values we set are plain ASCII */
	buf_reset(k);
	buf_reset(v);
	if (buf_append(k, s + a, eq - a) == -1 || buf_append(v, s + eq + 1, b - eq - 1) == -1 ||
	    kv_add(out, k, v) == -1) {
		*err = "out of memory";
		return -1;
	}
	return 0;
}

int
cookie_parse(const char *s, size_t len, struct kvlist *out, const char **err)
{
	return pieces_parse(s, len, ';', cookie_piece, out, err);
}

static int
json_depth_ok(const char *s, size_t len, int maxdepth)
{
	int depth = 0, instr = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (instr) {
			if (c == '\\')
				i++;
			else if (c == '"')
				instr = 0;
			continue;
		}
		if (c == '"')
			instr = 1;
		else if (c == '{' || c == '[') {
			if (++depth > maxdepth)
				return 0;
		} else if (c == '}' || c == ']')
			depth--;
	}
	return 1;
}

/* The first member (at any depth) whose name or string value breaks the text rule, or NULL. */
static const char *
json_text_bad(json_t *j, const char *name, int depth)
{
	const char *k, *bad;
	json_t *x;
	size_t i;

	if (depth > 8)
		return NULL;	/* json_depth_ok refused deeper bodies already */
	if (json_is_string(j))
		return text_ok(json_string_value(j), json_string_length(j), TEXT_MULTILINE) ? NULL : name;
	if (json_is_array(j)) {
		json_array_foreach(j, i, x)
			if ((bad = json_text_bad(x, name, depth + 1)) != NULL)
				return bad;
	} else if (json_is_object(j)) {
		json_object_foreach(j, k, x) {
			if (!text_ok(k, strlen(k), 0))
				return k;
			if ((bad = json_text_bad(x, k, depth + 1)) != NULL)
				return bad;
		}
	}
	return NULL;
}

json_t *
json_body_parse(const char *s, size_t len, const char **err)
{
	const char *bad;
	json_error_t je;
	json_t *j;

	if (len == 0) {
		*err = "the request body is empty; a JSON object is expected";
		return NULL;
	}
	if (!vep_valid_utf8(s, len) || memchr(s, '\0', len) != NULL) {
		*err = "the request body is not valid UTF-8";
		return NULL;
	}
	if (!json_depth_ok(s, len, 8)) {
		*err = "the JSON body is nested too deeply";
		return NULL;
	}
	j = json_loadb(s, len, JSON_REJECT_DUPLICATES, &je);
	if (j == NULL) {
		*err = "the request body is not valid JSON";
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		*err = "the JSON body must be an object";
		return NULL;
	}
	if ((bad = json_text_bad(j, "", 0)) != NULL) {
		*err = text_refused(bad, strlen(bad));
		json_decref(j);
		return NULL;
	}
	return j;
}

const char *
env_get(char *const *envp, const char *name)
{
	size_t n = strlen(name);
	for (; envp != NULL && *envp != NULL; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

static char *
dupenv(char *const *envp, const char *name, size_t max)
{
	const char *v = env_get(envp, name);
	if (v == NULL)
		return NULL;
	return strndup(v, max);
}

int
req_parse(struct req *r, char *const *envp, const char *body, size_t bodylen,
    const char **err)
{
	const char *m, *uri, *qs, *ct, *ck, *https;
	size_t plen;

	memset(r, 0, sizeof(*r));
	m = env_get(envp, "REQUEST_METHOD");
	if (m == NULL)
		m = "GET";
	r->method = strcmp(m, "GET") == 0 ? M_GET : strcmp(m, "POST") == 0 ? M_POST :
	    strcmp(m, "DELETE") == 0 ? M_DELETE : strcmp(m, "HEAD") == 0 ? M_HEAD :
	    strcmp(m, "PUT") == 0 ? M_PUT : strcmp(m, "PATCH") == 0 ? M_PATCH : M_OTHER;
	/* DOCUMENT_URI is the decoded-by-nginx path without the query; prefer REQUEST_URI's path part. */
	uri = env_get(envp, "REQUEST_URI");
	if (uri == NULL)
		uri = env_get(envp, "DOCUMENT_URI");
	if (uri == NULL)
		uri = "/";
	plen = strcspn(uri, "?");
	if (plen > 1024) {
		*err = "the URL is too long";
		return 414;
	}
	if ((r->path = strndup(uri, plen)) == NULL) {
		*err = "out of memory";
		return 500;
	}
	r->remote_addr = dupenv(envp, "REMOTE_ADDR", 45);
	r->authorization = dupenv(envp, "HTTP_AUTHORIZATION", 1024);
	r->sec_fetch_site = dupenv(envp, "HTTP_SEC_FETCH_SITE", 32);
	r->accept = dupenv(envp, "HTTP_ACCEPT", 512);
	r->host = dupenv(envp, "HTTP_HOST", 255);
	r->vep_signature = dupenv(envp, "HTTP_VEP_SIGNATURE", 1024);
	r->raw_body = body;
	r->raw_len = bodylen;
	https = env_get(envp, "HTTPS");
	r->https = https != NULL && (strcasecmp(https, "on") == 0 || strcmp(https, "1") == 0);
	/* The query is taken from the same REQUEST_URI as the path. */
	qs = uri[plen] == '?' ? uri + plen + 1 : env_get(envp, "QUERY_STRING");
	if (qs != NULL && urlenc_parse(qs, strlen(qs), &r->query, err) == -1)
		return 400;
	ck = env_get(envp, "HTTP_COOKIE");
	if (ck != NULL && cookie_parse(ck, strnlen(ck, 8192), &r->cookies, err) == -1)
		return 400;
	ct = env_get(envp, "CONTENT_TYPE");
	if (ct != NULL)
		r->content_type = strndup(ct, 255);
	if (bodylen > 0 || r->method == M_POST) {
		size_t ctl = ct ? strcspn(ct, ";") : 0;
		if (ct != NULL && ctl == 33 && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
			r->body_kind = 1;
			if (urlenc_parse(body ? body : "", bodylen, &r->form, err) == -1)
				return 400;
		} else if (ct != NULL && ctl == 16 && strncasecmp(ct, "application/json", 16) == 0) {
			r->body_kind = 2;
			if ((r->json = json_body_parse(body ? body : "", bodylen, err)) == NULL)
				return 400;
		} else if (bodylen > 0) {
			*err = "unsupported Content-Type; use application/json or a form";
			return 415;
		}
	}
	return 0;
}

void
req_free(struct req *r)
{
	free(r->path);
	free(r->vep_signature);
	kv_free(&r->query);
	kv_free(&r->form);
	kv_free(&r->cookies);
	if (r->json != NULL)
		json_decref(r->json);
	free(r->remote_addr);
	free(r->authorization);
	free(r->sec_fetch_site);
	free(r->accept);
	free(r->content_type);
	free(r->host);
	memset(r, 0, sizeof(*r));
}

int
req_wants_csv(const struct req *r)
{
	return r->accept != NULL && strstr(r->accept, "text/csv") != NULL;
}

int
route_match(const char *pat, const char *path, char caps[][80], size_t ncaps)
{
	size_t nc = 0;
	while (*pat != '\0') {
		if (*pat == '*') {
			size_t n = strcspn(path, "/");
			/* "*.pdf": the segment must end in the literal, which is not captured. */
			size_t ll = strcspn(pat + 1, "/*");
			if (ll > 0) {
				if (n <= ll || memcmp(path + n - ll, pat + 1, ll) != 0)
					return 0;
				n -= ll;
			}
			if (n == 0 || n >= 80 || nc >= ncaps)
				return 0;
			memcpy(caps[nc], path, n);
			caps[nc][n] = '\0';
			nc++;
			path += n;
			pat++;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	return *path == '\0';
}
