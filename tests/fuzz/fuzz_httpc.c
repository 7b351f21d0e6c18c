/*
 * libFuzzer harness of billingd's HTTP client response parser
 * (billingd/httpc.c): the first byte gives the read size (how the response
 * arrives in pieces) and the maximum body; the rest is what the agent
 * sent.  Any bytes give an error with a reason or a body inside what was
 * received and within the bound, and the same answer whether the bytes
 * come in one read or in many.  httpc_url gets the same bytes as a URL.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "billingd/httpc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Feed buf in reads of step bytes (all at once when step is 0), then EOF. */
static enum httpc_rc
feed(struct httpc *h, char *buf, size_t len, size_t step, const char **why)
{
	enum httpc_rc rc = HTTPC_MORE;
	size_t have = step == 0 ? len : 0;

	*why = NULL;
	while (have < len) {
		have += step;
		if (have > len)
			have = len;
		if ((rc = httpc_feed(h, buf, have, 0, why)) != HTTPC_MORE)
			break;
	}
	if (rc == HTTPC_MORE)
		rc = httpc_feed(h, buf, len, 1, why);
	if (rc == HTTPC_MORE)
		abort();	/* at EOF every answer is complete or wrong */
	if (rc == HTTPC_ERR && (*why == NULL || **why == '\0'))
		abort();
	if (rc == HTTPC_DONE && (h->head > h->body_end || h->body_end > len ||
	    h->body_end - h->head > h->max_body || h->status < 100 || h->status > 999))
		abort();
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct httpc one, many;
	const char *why;
	char *a, *b, host[256], port[16], path[1024];
	size_t step, max_body;
	enum httpc_rc ra, rb;

	if (size < 1)
		return 0;
	step = 1 + (data[0] & 0x1f);
	max_body = (data[0] & 0x80) ? 64 : 1 << 20;
	data++, size--;
	/* Exact-size copies, so reads past the end are caught. */
	a = malloc(size ? size : 1);
	b = malloc(size ? size : 1);
	if (a == NULL || b == NULL)
		goto out;
	memcpy(a, data, size);
	memcpy(b, data, size);
	httpc_init(&one, max_body);
	httpc_init(&many, max_body);
	ra = feed(&one, a, size, 0, &why);
	rb = feed(&many, b, size, step, &why);
	/*
	 * In pieces, a response may end before bytes that would have made the
	 * whole buffer wrong (a keep-alive answer followed by garbage), so
	 * only a body found both ways must agree.
	 */
	if (ra == HTTPC_DONE && rb == HTTPC_DONE &&
	    (one.status != many.status || one.body_end - one.head != many.body_end - many.head ||
	    memcmp(a + one.head, b + many.head, one.body_end - one.head) != 0))
		abort();

	/* The same bytes as an agent's URL. */
	if (size < 2048) {
		char *url = malloc(size + 1);
		if (url != NULL) {
			memcpy(url, data, size);
			url[size] = '\0';
			if (httpc_url(url, host, sizeof(host), port, sizeof(port), path,
			    sizeof(path)) == 0 && (host[0] == '\0' || strpbrk(host, " @") != NULL ||
			    port[0] == '\0' || strspn(port, "0123456789") != strlen(port) ||
			    path[0] != '/'))
				abort();
			free(url);
		}
	}
out:
	free(a);
	free(b);
	return 0;
}
