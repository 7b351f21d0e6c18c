/*
 * libFuzzer harness for veagent's HTTP request parser (agent/http.c):
 * http_parse() must never read outside (buf, len), must consume at most
 * len bytes, and must agree with itself: a request it accepts is accepted
 * again from a copy with trailing bytes, with the same length.  Inputs are
 * also fed as a pipeline, request after request, the way a connection does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_req req, again;
	size_t off = 0;
	int n = 0;

	/* Exactly size bytes on the heap, so ASan sees any over-read. */
	char *buf = malloc(size ? size : 1);

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	while (off < size && n++ < 64) {
		enum http_parse_rc rc = http_parse(buf + off, size - off, HTTP_MAX_REQ, &req);

		if (rc != HTTP_PARSE_DONE)
			break;
		if (req.len == 0 || req.len > size - off || strlen(req.path) > HTTP_MAX_PATH ||
		    req.path[0] != '/')
			abort();
		/* The same request with less after it parses the same. */
		if (http_parse(buf + off, req.len, HTTP_MAX_REQ, &again) != HTTP_PARSE_DONE ||
		    again.len != req.len || strcmp(again.path, req.path) != 0 ||
		    again.keepalive != req.keepalive || again.method != req.method)
			abort();
		off += req.len;
	}
	/* Any prefix of the input is never "done" with more bytes than it has. */
	for (size_t k = 0; k < size && k < 64; k++)
		if (http_parse(buf, k, HTTP_MAX_REQ, &req) == HTTP_PARSE_DONE && req.len > k)
			abort();
	free(buf);
	return 0;
}
