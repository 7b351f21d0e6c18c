/*
 * Checkout links; see pay_url.h.
 */
#include <stdio.h>
#include <string.h>

#include "pay_url.h"
#include "util.h"

int
pay_url(const char *t, const char *number, long long amount_minor, const char *currency,
    const char *ret, char *out, size_t outlen)
{
	char amount[24];
	struct buf b;
	int ok;

	if (t == NULL || *t == '\0' || amount_minor <= 0)
		return 0;
	snprintf(amount, sizeof(amount), "%lld", amount_minor);
	const struct { const char *k, *v; } sub[] = {
		{ "{number}", number }, { "{amount_minor}", amount }, { "{currency}", currency },
		{ "{return_url}", ret },
	};
	buf_init(&b);
	while (*t) {
		size_t i;
		for (i = 0; i < nitems(sub); i++)
			if (strncmp(t, sub[i].k, strlen(sub[i].k)) == 0)
				break;
		if (i == nitems(sub)) {
			buf_append(&b, t++, 1);
			continue;
		}
		for (const unsigned char *p = (const unsigned char *)(sub[i].v ? sub[i].v : ""); *p; p++) {
			if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			    *p == '-' || *p == '.' || *p == '_' || *p == '~')
				buf_append(&b, p, 1);
			else
				buf_printf(&b, "%%%02X", *p);
		}
		t += strlen(sub[i].k);
	}
	ok = !b.oom && b.len < outlen;
	if (ok)
		snprintf(out, outlen, "%s", buf_cstr(&b));
	buf_free(&b);
	return ok;
}
