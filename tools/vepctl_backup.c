/*
 * vepctl backup: list, now, restore, totals (see vepctl_backup.h).  What
 * the node keeps is what its agent last reported (lib/db/db_backup.c);
 * the repository itself is set up on the node (README, "Backups").
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "db_backup.h"
#include "vepctl_backup.h"
#include "util.h"

static int
usage(void)
{
	fprintf(stderr, "usage: vepctl backup list VEID | now VEID | restore VEID BACKUP_ID | totals\n");
	return 2;
}

static int
say_rc(int rc, const char *ve, const char *id)
{
	switch (rc) {
	case BK_OK:
		return 0;
	case BK_NOVE:
		fprintf(stderr, "vepctl: there is no VE %s\n", ve);
		break;
	case BK_SUSPENDED:
		fprintf(stderr, "vepctl: VE %s is suspended or expired: resume it first\n", ve);
		break;
	case BK_NOBACKUP:
		fprintf(stderr, "vepctl: VE %s has no backup %s (see vepctl backup list %s)\n", ve,
		    id ? id : "", ve);
		break;
	default:
		fprintf(stderr, "vepctl: the database refused: %s\n", db_strerror(rc));
		break;
	}
	return 1;
}

static int
list(struct db *db, const char *ve)
{
	struct backup_row rows[BACKUP_MAX];
	struct backup_state st;
	char t[21];
	size_t n = 0;
	int rc;

	if ((rc = db_backup_list(db, ve, rows, &n, &st)) != DB_OK)
		return say_rc(rc, ve, NULL);
	printf("VE %s: a backup at least every %lld h", ve, st.backup_hours);
	if (st.ok_at > 0) {
		vep_iso8601(st.ok_at, t);
		printf(", last good %s", t);
	}
	printf("\n");
	if (st.error_at > 0) {
		vep_iso8601(st.error_at, t);
		printf("last backup FAILED at %s: %s\n", t, st.error);
	}
	for (size_t i = 0; i < n; i++) {
		vep_iso8601(rows[i].taken_at, t);
		printf("%s  %s  %lld bytes\n", rows[i].id, t, rows[i].bytes);
	}
	return 0;
}

int
vepctl_backup(struct db *db, int argc, char **argv)
{
	const char *verb = argc >= 2 ? argv[1] : "";
	char ve[9] = "";

	if (strcmp(verb, "totals") == 0) {
		long long bytes = 0, failing = 0;
		int rc = db_backup_totals(db, &bytes, &failing);

		if (rc != DB_OK)
			return say_rc(rc, "", NULL);
		printf("backup repositories: %lld bytes; VEs whose last backup failed: %lld\n", bytes,
		    failing);
		return 0;
	}
	if (argc < 3 || strlen(argv[2]) != 8 || strspn(argv[2], "0123456789ABCDEFabcdef") != 8)
		return usage();
	for (int i = 0; i < 8; i++)
		ve[i] = (char)(argv[2][i] >= 'a' ? argv[2][i] - 32 : argv[2][i]);
	if (strcmp(verb, "list") == 0 && argc == 3)
		return list(db, ve);
	if (strcmp(verb, "now") == 0 && argc == 3) {
		if (say_rc(db_backup_now(db, ve, "vepctl", (long long)time(NULL)), ve, NULL) != 0)
			return 1;
		printf("VE %s: a backup at its node's next sync (vepctl backup list %s)\n", ve, ve);
		return 0;
	}
	if (strcmp(verb, "restore") == 0 && argc == 4) {
		if (say_rc(db_backup_restore(db, ve, argv[3], "vepctl", (long long)time(NULL)), ve,
		    argv[3]) != 0)
			return 1;
		printf("VE %s: restoring %s at its node's next sync (stop, restore, start)\n", ve,
		    argv[3]);
		return 0;
	}
	return usage();
}
