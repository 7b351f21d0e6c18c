/* Template codes, backup ids and the node's backup report (see backup.h). */
#include <stdio.h>
#include <string.h>

#include "backup.h"

#define ID_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-"

int
backup_id_valid(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	return n >= 1 && n <= BACKUP_ID_MAX && s[0] != '-' && strspn(s, ID_CHARS) == n;
}

int
backup_template_valid(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	return n >= 1 && n <= 32 && s[0] != '.' && s[0] != '-' &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789.-") == n;
}

size_t
backup_utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int
backup_report_parse(json_t *j, struct backup_row *rows, size_t *n, long long *repo_bytes,
    const char **error, const char **why)
{
	json_t *a = json_object_get(j, "backups"), *e = json_object_get(j, "error");
	json_t *rb = json_object_get(j, "repo_bytes");

	*n = 0;
	*error = NULL;
	*repo_bytes = 0;
	if (!json_is_object(j) || (e != NULL && !json_is_null(e) && !json_is_string(e))) {
		*why = "error must be null or a text";
		return -1;
	}
	if (json_is_string(e)) {
		if (json_string_length(e) == 0 || strlen(json_string_value(e)) != json_string_length(e)) {
			*why = "error must be a text without NUL";
			return -1;
		}
		*error = json_string_value(e);
		return 0;
	}
	if (!json_is_array(a) || json_array_size(a) > BACKUP_MAX || !json_is_integer(rb) ||
	    json_integer_value(rb) < 0) {
		*why = "backups (at most 64) and repo_bytes are required";
		return -1;
	}
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *x = json_array_get(a, i);
		const char *id = json_string_value(json_object_get(x, "id"));
		json_t *t = json_object_get(x, "taken_at"), *b = json_object_get(x, "bytes");

		if (!backup_id_valid(id) || !json_is_integer(t) || json_integer_value(t) < 0 ||
		    !json_is_integer(b) || json_integer_value(b) < 0) {
			*why = "each backup needs id, taken_at (epoch s) and bytes";
			*n = 0;
			return -1;
		}
		snprintf(rows[i].id, sizeof(rows[i].id), "%s", id);
		rows[i].taken_at = json_integer_value(t);
		rows[i].bytes = json_integer_value(b);
		(*n)++;
	}
	*repo_bytes = json_integer_value(rb);
	return 0;
}
