/*
 * The form reader and the validators every screen shares; see form.h.
 */
#include <string.h>

#include "auth.h"
#include "backup.h"
#include "form.h"
#include "http.h"
#include "order.h"
#include "rating.h"
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
		else if (fields[k].invalid != NULL)
			v->bad[k] = fields[k].invalid;
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

const char *
form_index(struct form *v, size_t k, long long x, const char *why)
{
	if (x < 0)
		return why;
	v->n[k] = x;
	return NULL;
}

const char *
form_enum(const char *s, struct form *v, size_t k, const char *const *set, size_t n, const char *why)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, set[i]) == 0)
			return form_index(v, k, (long long)i, why);
	return why;
}

const char *
form_v_action(const char *s, struct form *v, size_t k)
{
	return form_index(v, k, ve_power_parse(s), "The action is start, stop or restart.");
}

/* A template code: [a-z0-9][a-z0-9.-]{0,31}. */
const char *
form_v_template(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return backup_template_valid(s) ? NULL : "Choose a template.";
}

/* A backup id as the node names them: [A-Za-z0-9._:-]{1,64}. */
const char *
form_v_backup(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return backup_id_valid(s) ? NULL : "Choose one of the VE's backups.";
}

const char *
form_v_period(const char *s, struct form *v, size_t k)
{
	int y, m;

	if (rate_period_parse(s, &y, &m) == -1)
		return "A month written YYYY-MM, such as 2026-01.";
	v->n[k] = y * 100 + m;
	return NULL;
}
