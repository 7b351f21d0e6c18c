/*
 * [database] hosts: the list of database servers and the order they are
 * tried in; see dbhost.h.  The text comes from the configuration file, so
 * it is parsed strictly once and every mistake is named.
 */
#include <stdio.h>
#include <string.h>

#include "dbhost.h"
#include "util.h"

static int
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.' || c == '_';
}

static int
is_v6_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
	    c == ':' || c == '.';
}

/* The port after a ':' (p, len), into *port; 0 or -1 with why. */
static int
parse_port(const char *p, size_t len, int *port, char *why, size_t whylen)
{
	const char *es;
	long long v = vep_strtonum_n(p, len, 1, 65535, &es);

	if (es != NULL) {
		snprintf(why, whylen, "port \"%.*s\" %s (1 to 65535)", (int)(len > 12 ? 12 : len),
		    p, es);
		return -1;
	}
	*port = (int)v;
	return 0;
}

/* One trimmed, non-empty entry (s, len) into h; 0 or -1 with why. */
static int
parse_one(const char *s, size_t len, int defport, struct db_host *h, char *why, size_t whylen)
{
	const char *colon, *close;
	size_t hl;

	memset(h, 0, sizeof(*h));
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			snprintf(why, whylen, "a control character");
			return -1;
		}
	if (s[0] == '/') {
		if (len >= sizeof(h->socket)) {
			snprintf(why, whylen, "a socket path longer than %zu bytes",
			    sizeof(h->socket) - 1);
			return -1;
		}
		memcpy(h->socket, s, len);
		return 0;
	}
	if (memchr(s, '/', len) != NULL) {
		snprintf(why, whylen, "a socket must be an absolute path (starting with /)");
		return -1;
	}
	h->port = defport;
	if (s[0] == '[') {
		if ((close = memchr(s, ']', len)) == NULL) {
			snprintf(why, whylen, "\"[\" without \"]\"");
			return -1;
		}
		hl = (size_t)(close - s - 1);
		if (hl < 2 || hl > 45) {
			snprintf(why, whylen, "not an IPv6 address in brackets");
			return -1;
		}
		for (size_t i = 1; i <= hl; i++)
			if (!is_v6_char(s[i])) {
				snprintf(why, whylen, "not an IPv6 address in brackets");
				return -1;
			}
		memcpy(h->host, s + 1, hl);
		if (close + 1 == s + len)
			return 0;
		if (close[1] != ':') {
			snprintf(why, whylen, "expected \":port\" after \"]\"");
			return -1;
		}
		return parse_port(close + 2, (size_t)(s + len - close - 2), &h->port, why, whylen);
	}
	colon = memchr(s, ':', len);
	hl = colon != NULL ? (size_t)(colon - s) : len;
	if (colon != NULL && memchr(colon + 1, ':', (size_t)(s + len - colon - 1)) != NULL) {
		snprintf(why, whylen, "an IPv6 address is written [address]:port");
		return -1;
	}
	if (hl == 0) {
		snprintf(why, whylen, "no host name before \":\"");
		return -1;
	}
	if (hl >= sizeof(h->host)) {
		snprintf(why, whylen, "a host name longer than %zu characters", sizeof(h->host) - 1);
		return -1;
	}
	for (size_t i = 0; i < hl; i++)
		if (!is_name_char(s[i])) {
			snprintf(why, whylen, "\"%c\" cannot be part of a host name", s[i]);
			return -1;
		}
	memcpy(h->host, s, hl);
	if (colon == NULL)
		return 0;
	return parse_port(colon + 1, (size_t)(s + len - colon - 1), &h->port, why, whylen);
}

static int
same(const struct db_host *a, const struct db_host *b)
{
	return strcmp(a->socket, b->socket) == 0 && strcmp(a->host, b->host) == 0 &&
	    a->port == b->port;
}

int
db_hosts_parse(const char *text, int defport, struct db_host *out, size_t max, char *why,
    size_t whylen)
{
	const char *p = text, *end, *s, *e;
	size_t n = 0, entry = 0;
	char reason[160];

	if (strspn(text, " \t") == strlen(text))
		return 0;
	for (;;) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		s = p;
		e = end;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		entry++;
		if (s == e) {
			snprintf(why, whylen, "entry %zu is empty (hosts are separated by single "
			    "commas)", entry);
			return -1;
		}
		if (n == max) {
			snprintf(why, whylen, "more than %zu hosts", max);
			return -1;
		}
		if (parse_one(s, (size_t)(e - s), defport, &out[n], reason, sizeof(reason)) == -1) {
			snprintf(why, whylen, "entry %zu \"%.*s\": %s", entry,
			    (int)(e - s > 40 ? 40 : e - s), s, reason);
			return -1;
		}
		for (size_t i = 0; i < n; i++)
			if (same(&out[i], &out[n])) {
				snprintf(why, whylen, "entry %zu \"%.*s\" is listed twice", entry,
				    (int)(e - s > 40 ? 40 : e - s), s);
				return -1;
			}
		n++;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	return (int)n;
}

size_t
db_hosts_pos(size_t n, size_t first, size_t k)
{
	return (first % n + k % n) % n;
}

size_t
db_hosts_first(size_t n, long long prefer)
{
	if (n == 0 || prefer < 1)
		return 0;
	return (size_t)((unsigned long long)(prefer - 1) % n);
}

void
db_host_name(const struct db_host *h, char *out, size_t outlen)
{
	if (h->socket[0] != '\0')
		snprintf(out, outlen, "%s", h->socket);
	else
		snprintf(out, outlen, strchr(h->host, ':') ? "[%s]:%d" : "%s:%d", h->host, h->port);
}
