/*
 * The move fields of an API entry (issue 14, move with data):
 *
 *	"move_out":  {"token": T}			the node that has the VE
 *	"move_from": {"url": "http://A.B.C.D:P", "token": T}	the node that gets it
 *
 * Both optional.  A present one must be valid or the entry is skipped: the
 * token is 32 to 64 of [A-Za-z0-9_-] (it goes into a header, never a log);
 * the url is exactly http://<dotted quad>:<port> with nothing after it (a
 * trailing '/' tolerated), so a fetch can only go to an agent address the
 * panel named, never to a path, user or other scheme.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sync.h"

static int
token_ok(json_t *j, char out[VE_MOVE_TOKEN_MAX + 1])
{
	const char *s = json_is_string(j) ? json_string_value(j) : "";
	size_t n = json_is_string(j) ? json_string_length(j) : 0;

	if (n < 32 || n > VE_MOVE_TOKEN_MAX || strlen(s) != n || strspn(s,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != n)
		return 0;
	memcpy(out, s, n + 1);
	return 1;
}

/* http://<quad>:<port>[/] into out as "http://<quad>:<port>". */
static int
url_ok(json_t *j, char out[VE_MOVE_URL_MAX + 1])
{
	const char *s = json_is_string(j) ? json_string_value(j) : "";
	size_t n = json_is_string(j) ? json_string_length(j) : 0;
	const char *host, *colon, *end;
	unsigned long port = 0;
	uint32_t a;
	char q[16];

	if (strlen(s) != n || strncmp(s, "http://", 7) != 0)
		return 0;
	host = s + 7;
	if ((colon = strchr(host, ':')) == NULL)
		return 0;
	end = colon + 1;
	if (*end < '1' || *end > '9')
		return 0;
	for (; *end >= '0' && *end <= '9' && port <= 65535; end++)
		port = port * 10 + (unsigned long)(*end - '0');
	if (port == 0 || port > 65535 || (*end != '\0' && strcmp(end, "/") != 0))
		return 0;
	if (ve_ipv4_parse(host, (size_t)(colon - host), &a) == -1 || a == 0)
		return 0;
	ve_ipv4_fmt(a, q);
	snprintf(out, VE_MOVE_URL_MAX + 1, "http://%s:%lu", q, port);
	return 1;
}

int
sync_parse_move(json_t *e, struct ve_spec *sp, char *why, size_t whylen)
{
	json_t *j;

	if ((j = json_object_get(e, "move_out")) != NULL && !json_is_null(j)) {
		if (!json_is_object(j) || !token_ok(json_object_get(j, "token"), sp->move_out_token)) {
			snprintf(why, whylen, "move_out is not {\"token\": 32 to 64 of [A-Za-z0-9_-]}");
			return -1;
		}
	}
	if ((j = json_object_get(e, "move_from")) != NULL && !json_is_null(j)) {
		if (!json_is_object(j) || !url_ok(json_object_get(j, "url"), sp->move_from_url) ||
		    !token_ok(json_object_get(j, "token"), sp->move_from_token)) {
			sp->move_from_url[0] = sp->move_from_token[0] = '\0';
			snprintf(why, whylen, "move_from is not {\"url\": \"http://A.B.C.D:PORT\", \"token\": ...}");
			return -1;
		}
	}
	if (sp->move_out_token[0] != '\0' && sp->move_from_url[0] != '\0') {
		snprintf(why, whylen, "move_out and move_from in one entry");
		return -1;
	}
	return 0;
}
