/*
 * The form reader and the validators every screen shares; see form.h.
 */
#include <string.h>

#include "auth.h"
#include "form.h"
#include "http.h"
#include "veid.h"

int
form_read(const struct form_field *fields, size_t nf, const struct kvlist *l, uint64_t mask,
    struct form *v)
{
	int nbad = 0;

	memset(v, 0, sizeof(*v));
	for (size_t k = 0; k < nf && k < FORM_MAX; k++) {
		const char *s;
		size_t n;

		if (!(mask & FORM_BIT(k)))
			continue;
		n = kv_count(l, fields[k].name);
		s = kv_get(l, fields[k].name);
		v->raw[k] = s;
		if (n > 1)
			v->bad[k] = "This field was sent more than once.";
		else if (n == 0 || *s == '\0')
			v->bad[k] = !fields[k].required ? NULL : fields[k].missing != NULL ?
			    fields[k].missing : "This field is required.";
		else if ((v->bad[k] = fields[k].valid(s, v, k)) == NULL)
			v->s[k] = v->text[k][0] != '\0' ? v->text[k] : s;
		if (v->bad[k] != NULL)
			nbad++;
	}
	return nbad;
}

const char *
form_v_token(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64 ? NULL :
	    "The form is not valid; reload the page.";
}

/* Only the shape here; auth_form_token_ok judges the rest. */
const char *
form_v_signed(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return strlen(s) < AUTH_FORM_TOKEN_MAX && strspn(s, "0123456789abcdef-") == strlen(s) ? NULL :
	    "The form is not valid; reload the page.";
}

const char *
form_v_secret(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return strlen(s) > 1024 ? "This is far too long for a password." : NULL;
}

const char *
form_v_ve_id(const char *s, struct form *v, size_t k)
{
	/* The one VEid rule (lib/domain/veid.c): any case, used in upper case. */
	return ve_id_norm(s, v->text[k]) ? NULL : "A VEid is 8 hexadecimal digits, such as 0000002A.";
}
