/*
 * libFuzzer harness for the node's backup report (backup_report_parse,
 * POST /api/v1/nodes/{name}/ves/{id}/backups) and the backup id and
 * template code checks: any bytes give a refusal, an error text, or rows
 * whose ids pass backup_id_valid and whose numbers are not negative.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct backup_row rows[BACKUP_MAX];
	const char *error, *why;
	long long repo;
	size_t n;
	char s[80];
	json_t *j = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, NULL);

	if (j != NULL) {
		if (backup_report_parse(j, rows, &n, &repo, &error, &why) == 0) {
			if (n > BACKUP_MAX || repo < 0 || (error != NULL && n != 0))
				abort();
			for (size_t i = 0; i < n; i++)
				if (!backup_id_valid(rows[i].id) || rows[i].taken_at < 0 || rows[i].bytes < 0)
					abort();
		}
		json_decref(j);
	}
	if (len < sizeof(s)) {
		memcpy(s, data, len);
		s[len] = '\0';
		if (backup_id_valid(s) && (strlen(s) > BACKUP_ID_MAX || s[0] == '-' || strchr(s, '/')))
			abort();
		if (backup_template_valid(s) && (strlen(s) > 32 || strchr(s, '/') || s[0] == '.'))
			abort();
		(void)backup_utf8_chars(s);
	}
	return 0;
}
