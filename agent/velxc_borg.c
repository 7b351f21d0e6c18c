/*
 * velxc's reinstall, backup and restore of one VE (SPEC section 11),
 * with BorgBackup: one repository per node (deduplicated across VEs and
 * backups, lz4-compressed, encrypted with a repokey whose passphrase is in
 * a 0600 file named by backup_pass, handed to borg through
 * BORG_PASSCOMMAND, never in argv or a log), outside every VE's volume: a
 * directory of the node (default under the agent's var dir) or, in
 * production, ssh://user@host/path on another machine.
 *
 *	reinstall  stop, unmount, erase the image, create it afresh from the
 *	           template (velxc.c's op_create: new SSH keys, machine-id,
 *	           VE token, the new root hash)
 *	backup     mount the volume if need be, freeze its file system
 *	           (FIFREEZE: writes inside the VE wait, reads go on; the
 *	           journal is flushed, so the copy is consistent), borg create
 *	           of the volume's files with numeric owners, thaw (always,
 *	           also on failure or timeout), prune to backup_keep, compact,
 *	           then report the VE's backups to the API
 *	restore    stop, make a fresh file system in the image, borg extract
 *	           the archive into it; the agent starts the VE again
 *
 * What each operation did is kept in <VE>/vep.state (beside the image,
 * never inside the VE), so the agent acts once per step after a restart.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <lxc/lxccontainer.h>

#include "velxc.h"

#define BORG		"/usr/bin/borg"
#define BORG_TIMEOUT_S	3000	/* below the agent's limit for the operation */

/* ---- the state file ---- */

enum { ST_REINSTALL, ST_RESTORE, ST_BACKUP, ST_BACKUP_AT, ST__MAX };
static const char *const st_keys[ST__MAX] = { "reinstall_seq", "restore_seq", "backup_seq",
	"backup_at" };

static void
state_load(unsigned long long v[ST__MAX])
{
	char path[PATH_MAX], line[128];
	FILE *f;

	memset(v, 0, ST__MAX * sizeof(v[0]));
	pathf(path, "%s/vep.state", vedir);
	if ((f = fopen(path, "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *eq = strchr(line, '=');

		if (eq == NULL)
			continue;
		*eq = '\0';
		for (int k = 0; k < ST__MAX; k++)
			if (strcmp(line, st_keys[k]) == 0)
				v[k] = strtoull(eq + 1, NULL, 10);
	}
	fclose(f);
}

static void
state_store(const unsigned long long v[ST__MAX])
{
	char path[PATH_MAX], tmp[PATH_MAX];
	FILE *f;

	pathf(path, "%s/vep.state", vedir);
	pathf(tmp, "%s/vep.state.new", vedir);
	if ((f = fopen(tmp, "we")) == NULL)
		die("%s: %s", tmp, strerror(errno));
	for (int k = 0; k < ST__MAX; k++)
		fprintf(f, "%s=%llu\n", st_keys[k], v[k]);
	if (fclose(f) != 0 || rename(tmp, path) == -1)
		die("%s: %s", path, strerror(errno));
}

void
state_created(const struct par *p)
{
	unsigned long long v[ST__MAX] = { p->reinstall_seq, p->restore_seq, p->backup_seq,
		(unsigned long long)time(NULL) };

	state_store(v);
}

/* ---- the volume ---- */

void
thaw_volume(void)
{
	int fd;

	if (!mounted(rootfs) || (fd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	(void)ioctl(fd, FITHAW, 0);	/* EINVAL when not frozen: the usual case */
	close(fd);
}

static void
unmount_volume(void)
{
	if (mounted(rootfs) && umount2(rootfs, 0) == -1 && umount2(rootfs, MNT_DETACH) == -1)
		die("umount %s: %s", rootfs, strerror(errno));
}

/* ---- borg ---- */

/* mkdir -p of path's directories (and path itself with self), mode 0700. */
static void
mkdirs(const char *path, int self)
{
	char d[PATH_MAX];

	pathf(d, "%s", path);
	for (char *s = d + 1; *s != '\0'; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(d, 0700) == -1 && errno != EEXIST)
				die("mkdir %s: %s", d, strerror(errno));
			*s = '/';
		}
	if (self && mkdir(d, 0700) == -1 && errno != EEXIST)
		die("mkdir %s: %s", d, strerror(errno));
}

static void
borg_env(const struct par *p)
{
	char cmd[PATH_MAX + 8];

	if (p->backup_repo[0] == '\0' || p->backup_pass[0] != '/' || p->backup_base[0] != '/')
		die("no backup repository configured (veagent --backup-repo)");
	/* The passphrase: read by borg from the file, never in argv, env or a log. */
	snprintf(cmd, sizeof(cmd), "cat %s", p->backup_pass);
	if (setenv("BORG_PASSCOMMAND", cmd, 1) == -1 || setenv("BORG_BASE_DIR", p->backup_base, 1) ||
	    setenv("TZ", "UTC", 1) || setenv("LANG", "C.UTF-8", 1) ||
	    setenv("BORG_HOSTNAME_IS_UNIQUE", "yes", 1) ||
	    setenv("BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK", "no", 1) ||
	    setenv("BORG_RELOCATED_REPO_ACCESS_IS_OK", "no", 1))
		die("setenv");
	unsetenv("BORG_PASSPHRASE");
	mkdirs(p->backup_base, 1);
}

/*
 * borg args..., in cwd, within timeout_s (then killed); its stdout into
 * *out (malloc'd, NULL when not wanted), its last line of stderr into err.
 * Returns borg's exit status (0 ok, 1 warning, 2 error) or -1.
 */
static int
borg(const char *const args[], const char *cwd, char **out, char *err, size_t errlen,
    int timeout_s)
{
	/* Another velxc (a destroy beside a backup) may hold the repository: wait for it. */
	const char *argv[24] = { BORG, "--lock-wait", "600" };
	int ofd = memfd_create("borg-out", MFD_CLOEXEC), efd = memfd_create("borg-err", MFD_CLOEXEC);
	int st = 0, status = -1;
	pid_t pid;
	size_t n = 3;

	for (; args[n - 3] != NULL && n < 23; n++)
		argv[n] = args[n - 3];
	argv[n] = NULL;
	if (ofd == -1 || efd == -1 || (pid = fork()) == -1)
		die("borg: %s", strerror(errno));
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		/* A borg outliving a killed velxc would keep the volume frozen. */
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (nul == -1 || dup2(nul, 0) == -1 || dup2(ofd, 1) == -1 || dup2(efd, 2) == -1 ||
		    (cwd != NULL && chdir(cwd) == -1))
			_exit(127);
		execv(BORG, (char *const *)argv);
		_exit(127);
	}
	for (long waited = 0;; waited += 100) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid) {
			status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
			break;
		}
		if (w == -1 && errno != EINTR)
			break;
		if (waited / 1000 >= timeout_s) {
			(void)kill(pid, SIGTERM);
			usleep(2000000);
			(void)kill(pid, SIGKILL);
			(void)waitpid(pid, &st, 0);
			snprintf(err, errlen, "borg %s did not finish within %d s", args[0], timeout_s);
			close(ofd);
			close(efd);
			return -1;
		}
		usleep(100000);
	}
	{
		char e[4096];
		off_t len = lseek(efd, 0, SEEK_END);
		ssize_t r = pread(efd, e, sizeof(e) - 1, len > (off_t)sizeof(e) - 1 ?
		    len - (off_t)sizeof(e) + 1 : 0);

		e[r > 0 ? r : 0] = '\0';
		while (r > 0 && (e[r - 1] == '\n' || e[r - 1] == ' '))
			e[--r] = '\0';
		{
			const char *last = strrchr(e, '\n') ? strrchr(e, '\n') + 1 : e;
			size_t ln = strlen(last) < errlen - 1 ? strlen(last) : errlen - 1;

			memcpy(err, last, ln);
			err[ln] = '\0';
		}
		if (status != 0)
			fprintf(stderr, "velxc %s: borg %s: %s\n", id, args[0], err);
	}
	if (out != NULL) {
		off_t len = lseek(ofd, 0, SEEK_END);

		if (len < 0 || len > (64 << 20) || (*out = calloc(1, (size_t)len + 1)) == NULL)
			die("borg %s: output unreadable", args[0]);
		if (len > 0 && pread(ofd, *out, (size_t)len, 0) != len)
			die("borg %s: output unreadable", args[0]);
	}
	close(ofd);
	close(efd);
	return status;
}

/* The passphrase file and, for a local repository, the repository itself. */
static void
ensure_repo(const struct par *p)
{
	char cfg[PATH_MAX], err[512];
	unsigned char rnd[32];
	char hex[65];
	int fd;

	if (access(p->backup_pass, F_OK) == -1) {
		mkdirs(p->backup_pass, 0);
		if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1 ||
		    read(fd, rnd, sizeof(rnd)) != (ssize_t)sizeof(rnd))
			die("urandom");
		close(fd);
		for (size_t i = 0; i < sizeof(rnd); i++)
			snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
		if ((fd = open(p->backup_pass, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1 ||
		    write(fd, hex, 64) != 64 || close(fd) == -1)
			die("%s: %s", p->backup_pass, strerror(errno));
		explicit_bzero(hex, sizeof(hex));
	}
	if (p->backup_repo[0] != '/')
		return;		/* ssh://...: the operator made it (README) */
	pathf(cfg, "%s/config", p->backup_repo);
	if (access(cfg, F_OK) == 0)
		return;
	if (borg((const char *const[]){ "init", "--encryption=repokey", "--make-parent-dirs",
	    p->backup_repo, NULL }, NULL, NULL, err, sizeof(err), 120) != 0)
		die("borg init %s: %s", p->backup_repo, err);
}

/* POST {api}/nodes/{node}/ves/{id}/backups with the node's token; best effort. */
static void
post_report(const struct par *p, json_t *body)
{
	char url[1024], auth[600], ntok[512], cerr[CURL_ERROR_SIZE] = "";
	struct curl_slist *h = NULL;
	char *text = json_dumps(body, JSON_COMPACT);
	long code = 0;
	FILE *f;
	CURL *c;

	json_decref(body);
	if (p->api_url[0] == '\0' || text == NULL || (f = fopen(p->token_file, "re")) == NULL) {
		free(text);
		return;
	}
	if (fgets(ntok, sizeof(ntok), f) == NULL)
		ntok[0] = '\0';
	fclose(f);
	ntok[strcspn(ntok, "\r\n")] = '\0';
	snprintf(url, sizeof(url), "%s/nodes/%s/ves/%s/backups", p->api_url, p->node, id);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", ntok);
	explicit_bzero(ntok, sizeof(ntok));
	if ((c = curl_easy_init()) != NULL) {
		h = curl_slist_append(h, auth);
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, text);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
		if (curl_easy_perform(c) != CURLE_OK)
			fprintf(stderr, "velxc %s: backup report: %s\n", id, cerr);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		if (code != 204 && code != 0)
			fprintf(stderr, "velxc %s: backup report: HTTP %ld\n", id, code);
		curl_slist_free_all(h);
		curl_easy_cleanup(c);
	}
	explicit_bzero(auth, sizeof(auth));
	free(text);
}

/* The failure goes to the API (admin pages, the owner's mail) and ends velxc. */
static void __attribute__((noreturn))
fail_report(const struct par *p, const char *what, const char *err)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s: %s", what, err[0] ? err : "failed");
	post_report(p, json_pack("{s:s}", "error", msg));
	die("%s", msg);
}

/* "<VEID>-YYYYmmddTHHMMSSZ" to epoch seconds; 0 when not that shape. */
static long long
archive_time(const char *name)
{
	struct tm tm;
	const char *t = name + 9;

	memset(&tm, 0, sizeof(tm));
	if (strlen(name) != 25 || strncmp(name, id, 8) != 0 || name[8] != '-' ||
	    sscanf(t, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
	    &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

/* The VE's archives and the repository's size, to the API; repo bytes returned. */
static long long
report_backups(const struct par *p, const char *glob)
{
	char err[512], *out = NULL;
	json_t *j, *arr = json_array(), *a;
	long long repo = 0;

	if (borg((const char *const[]){ "info", "--json", "--glob-archives", glob, p->backup_repo,
	    NULL }, NULL, &out, err, sizeof(err), 600) != 0)
		fail_report(p, "borg info", err);
	j = json_loads(out, 0, NULL);
	free(out);
	a = json_object_get(j, "archives");
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *x = json_array_get(a, i);
		const char *name = json_string_value(json_object_get(x, "name"));
		json_t *sz = json_object_get(json_object_get(x, "stats"), "original_size");

		if (name != NULL && archive_time(name) > 0)
			json_array_append_new(arr, json_pack("{s:s, s:I, s:I}", "id", name, "taken_at",
			    (json_int_t)archive_time(name), "bytes", json_integer_value(sz)));
	}
	repo = json_integer_value(json_object_get(json_object_get(json_object_get(j, "cache"),
	    "stats"), "unique_csize"));
	json_decref(j);
	post_report(p, json_pack("{s:o, s:I, s:n}", "backups", arr, "repo_bytes", (json_int_t)repo,
	    "error"));
	return repo;
}

void
op_backup(const struct par *p)
{
	char name[64], arch[PATH_MAX + 80], glob[16], err[512];
	unsigned long long v[ST__MAX];
	time_t now = time(NULL);
	struct tm tm;
	int fd, rc;

	borg_env(p);
	if (access(image, F_OK) == -1)
		die("no volume to back up");
	mount_volume(image);
	ensure_repo(p);
	gmtime_r(&now, &tm);
	snprintf(name, sizeof(name), "%.8s-%04d%02d%02dT%02d%02d%02dZ", id, (tm.tm_year + 1900) % 10000,
	    (tm.tm_mon + 1) % 100, tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100);
	snprintf(arch, sizeof(arch), "%s::%s", p->backup_repo, name);
	snprintf(glob, sizeof(glob), "%s-*", id);
	/* Frozen for exactly the copy: thawed on every way out of it. */
	if ((fd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    ioctl(fd, FIFREEZE, 0) == -1)
		fail_report(p, "freezing the volume", strerror(errno));
	rc = borg((const char *const[]){ "create", "--numeric-ids", "--one-file-system",
	    "--compression", "lz4", arch, ".", NULL }, rootfs, NULL, err, sizeof(err),
	    BORG_TIMEOUT_S);
	if (ioctl(fd, FITHAW, 0) == -1)
		fprintf(stderr, "velxc %s: thaw: %s\n", id, strerror(errno));
	close(fd);
	if (rc != 0 && rc != 1)
		fail_report(p, "borg create", err);
	if (p->backup_keep > 0) {
		char keep[24];

		snprintf(keep, sizeof(keep), "%llu", p->backup_keep);
		if (borg((const char *const[]){ "prune", "--keep-last", keep, "--glob-archives", glob,
		    p->backup_repo, NULL }, NULL, NULL, err, sizeof(err), 600) > 1)
			fail_report(p, "borg prune", err);
		(void)borg((const char *const[]){ "compact", p->backup_repo, NULL }, NULL, NULL, err,
		    sizeof(err), 600);
	}
	state_load(v);
	v[ST_BACKUP] = p->backup_seq;
	v[ST_BACKUP_AT] = (unsigned long long)now;
	state_store(v);
	printf("backup=%s\nrepo_bytes=%lld\n", name, report_backups(p, glob));
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * borg extract runs as root: an archive with an item below one of its own
 * symlinks (a VE swapping a directory for a symlink while it was backed
 * up) could make it write outside the volume.  Such an archive is refused
 * before anything is touched.
 */
static void
check_archive(const struct par *p, const char *arch)
{
	char err[512], *out = NULL, *line, *save = NULL;
	char **links = NULL;
	size_t nl = 0, cap = 0;

	if (borg((const char *const[]){ "list", "--json-lines", arch, NULL }, NULL, &out, err,
	    sizeof(err), 600) != 0)
		die("backup %s unusable: %s", p->restore_backup, err);
	for (int pass = 0; pass < 2; pass++) {
		char *copy = strdup(out);

		if (copy == NULL)
			die("out of memory");
		for (line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
			json_t *j = json_loads(line, 0, NULL);
			const char *path = json_string_value(json_object_get(j, "path"));
			const char *type = json_string_value(json_object_get(j, "type"));

			if (path == NULL || type == NULL)
				die("backup %s: an item without path or type", p->restore_backup);
			if (pass == 0 && strcmp(type, "l") == 0) {
				if (nl == cap && (links = realloc(links, (cap = cap ? cap * 2 : 64) *
				    sizeof(*links))) == NULL)
					die("out of memory");
				if ((links[nl++] = strdup(path)) == NULL)
					die("out of memory");
			}
			for (const char *sl = strchr(path, '/'); pass == 1 && nl > 0 && sl != NULL;
			    sl = strchr(sl + 1, '/')) {
				char pre[PATH_MAX], *k = pre;

				snprintf(pre, sizeof(pre), "%.*s", (int)(sl - path), path);
				if (bsearch(&k, links, nl, sizeof(*links), str_cmp) != NULL)
					die("backup %s: %s lies below a symlink: refused", p->restore_backup,
					    path);
			}
			json_decref(j);
		}
		free(copy);
		if (pass == 0 && nl > 0)
			qsort(links, nl, sizeof(*links), str_cmp);
	}
	for (size_t i = 0; i < nl; i++)
		free(links[i]);
	free(links);
	free(out);
}

void
op_restore(struct lxc_container *c, const struct par *p)
{
	char arch[PATH_MAX + 80], size[32], owner[40], err[512];
	unsigned long long v[ST__MAX];
	struct stat st;

	if (strncmp(p->restore_backup, id, 8) != 0 || p->restore_backup[8] != '-')
		die("%s is not a backup of this VE", p->restore_backup);
	borg_env(p);
	snprintf(arch, sizeof(arch), "%s::%s", p->backup_repo, p->restore_backup);
	/* Nothing is touched unless the archive is there and safe to restore. */
	check_archive(p, arch);
	op_stop(c, p);
	unmount_volume();
	if (stat(image, &st) == -1)
		die("no volume: %s", strerror(errno));
	snprintf(size, sizeof(size), "%lluk", (unsigned long long)st.st_size / 1024);
	snprintf(owner, sizeof(owner), "root_owner=%d:%d", UID_BASE, UID_BASE);
	if (run((const char *const[]){ "/sbin/mke2fs", "-q", "-F", "-t", "ext4", "-m", "0",
	    "-E", owner, image, size, NULL }, -1) != 0)
		die("mke2fs failed");
	mount_volume(image);
	if (borg((const char *const[]){ "extract", "--numeric-ids", arch, NULL }, rootfs, NULL,
	    err, sizeof(err), BORG_TIMEOUT_S) > 1)
		die("borg extract %s: %s", p->restore_backup, err);
	state_load(v);
	v[ST_RESTORE] = p->restore_seq;
	state_store(v);
	printf("restored=%s\n", p->restore_backup);
}

void
backup_forget(const struct par *p)
{
	char glob[16], err[512];

	if (p->backup_repo[0] == '\0' || p->backup_pass[0] != '/' ||
	    access(p->backup_pass, R_OK) == -1)
		return;
	borg_env(p);
	if (p->backup_repo[0] == '/') {
		char cfg[PATH_MAX];

		pathf(cfg, "%s/config", p->backup_repo);
		if (access(cfg, F_OK) == -1)
			return;
	}
	snprintf(glob, sizeof(glob), "%s-*", id);
	if (borg((const char *const[]){ "delete", "--glob-archives", glob, p->backup_repo, NULL },
	    NULL, NULL, err, sizeof(err), 600) > 1)
		fprintf(stderr, "velxc %s: its backups were not deleted: %s\n", id, err);
	else
		(void)borg((const char *const[]){ "compact", p->backup_repo, NULL }, NULL, NULL, err,
		    sizeof(err), 600);
}

void
op_reinstall(struct lxc_container *c, const struct par *p)
{
	unsigned long long v[ST__MAX];

	op_stop(c, p);
	unmount_volume();
	if (unlink(image) == -1 && errno != ENOENT)
		die("%s: %s", image, strerror(errno));
	op_create(p);
	state_load(v);
	v[ST_REINSTALL] = p->reinstall_seq;
	state_store(v);
}
