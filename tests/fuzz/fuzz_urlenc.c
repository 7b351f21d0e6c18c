/*
 * Fuzz the urlencoded parser (form bodies and query strings), and the form
 * reader (lib/web/form.c) over what it parsed, with the shared validators.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "form.h"
#include "http.h"

static const struct form_field fields[] = {
	{ "ve_id", form_v_ve_id, 1, NULL, 0, NULL },
	{ "password", form_v_secret, 1, NULL, 1, NULL },
	{ "csrf", form_v_token, 1, NULL, 1, NULL },
	{ "login_token", form_v_signed, 0, NULL, 1, NULL },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvlist l = { 0 };
	const char *err = NULL;
	if (urlenc_parse((const char *)data, size, &l, &err) == 0) {
		for (size_t i = 0; i < l.n; i++) {
			/* Contract: values are NUL-free, valid UTF-8, and vlen is exact. */
			if (strlen(l.v[i].val) != l.v[i].vlen || !vep_valid_utf8(l.v[i].val, l.v[i].vlen))
				__builtin_trap();
		}
		struct form v;
		int nbad = form_read(fields, nitems(fields), &l, ~(uint64_t)0, &v), n = 0;
		for (size_t k = 0; k < nitems(fields); k++) {
			/* Contract: a field is accepted or refused, never both; a VEid comes out in capitals. */
			if (v.s[k] != NULL && v.bad[k] != NULL)
				__builtin_trap();
			n += v.bad[k] != NULL;
			if (k == 0 && v.s[k] != NULL && (strlen(v.s[k]) != 8 ||
			    strspn(v.s[k], "0123456789ABCDEF") != 8))
				__builtin_trap();
		}
		if (n != nbad)
			__builtin_trap();
	} else if (err == NULL)
		__builtin_trap();
	kv_free(&l);
	return 0;
}
