/*
 * The rules of reinstall and backups that touch untrusted text (SPEC
 * section 11): template codes, backup ids, and the node's backup report
 * (POST /api/v1/nodes/{name}/ves/{id}/backups), checked whole once at the
 * edge (cgi/api_backup.c) before anything is written.
 */
#ifndef VEP_DOMAIN_BACKUP_H
#define VEP_DOMAIN_BACKUP_H

#include <stddef.h>

#include <jansson.h>

#define BACKUP_ID_MAX	64
#define BACKUP_MAX	64	/* backups a VE can list (backup_keep is far below) */

struct backup_row {
	char		 id[BACKUP_ID_MAX + 1];
	long long	 taken_at;	/* epoch seconds */
	long long	 bytes;		/* the archive's original size */
};

/* 1 when s is a backup id as nodes name them: [A-Za-z0-9._:-]{1,64}, not starting with '-'. */
int	backup_id_valid(const char *s);
/* 1 when s is a template code: [a-z0-9][a-z0-9.-]{0,31}. */
int	backup_template_valid(const char *s);
/* Characters (UTF-8 code points) of s: the 12-128 of a root password. */
size_t	backup_utf8_chars(const char *s);

/*
 * A node's report: {"backups":[{"id","taken_at","bytes"}],"repo_bytes":N}
 * (at most BACKUP_MAX, into rows[BACKUP_MAX]), or {"error":"text"} (then
 * *error points into j, borrowed).  0, or -1 with a sentence in *why.
 */
int	backup_report_parse(json_t *j, struct backup_row *rows, size_t *n, long long *repo_bytes,
	    const char **error, const char **why);

#endif
