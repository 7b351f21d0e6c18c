/*
 * velxc: the agent's worker for one operation on one real VE, through
 * liblxc.  liblxc calls block (a shutdown waits up to its timeout) and
 * start() double-forks a monitor, so veagent never calls liblxc itself:
 * it runs `velxc OP VEID VE_ROOT` from its command queue (cmd.c: one
 * child it started, exit seen through a pidfd, output read in the loop)
 * and reads the one-line answer.  The VE's parameters come on stdin as
 * key=value lines (the root password hash among them: never in argv).
 *
 *	create   volume (sparse ext4 image of exactly disk_mb MB, loop
 *	         mounted), rootfs unpacked from the template shifted into the
 *	         VE's uid range, fresh SSH host keys and machine-id, veinfo and
 *	         /etc/VE/VEinfo.conf with a VE token from the API
 *	start    config written, resolv.conf/hostname/shadow written, started;
 *	         prints "pid=N" (the VE's init)
 *	stop     clean shutdown (SIGPWR) for `timeout` s, then a hard stop
 *	status   prints "pid=N" when running, "pid=0" otherwise
 *	passwd   root's hash into /etc/shadow of the (running) VE
 *	destroy  stop, unmount (the loop device goes with it), erase
 *	reinstall, backup, restore: see velxc_borg.c
 *	grow     the mounted volume grown to disk_mb online where this node
 *	         may (velxc_disk.c); prints "grow=online", "grow=same" or
 *	         "grow=deferred" (then the next start resizes it offline)
 *
 * Files inside a VE that has run are untrusted: they are opened below the
 * VE's root with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), written
 * to a new file and renamed, so a symlink planted by the VE never makes
 * the host write elsewhere.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <lxc/lxccontainer.h>

#include "spawn.h"
#include "velxc.h"
#include "velxc_disk.h"

const char *id, *veroot;
char vedir[PATH_MAX], rootfs[PATH_MAX], image[PATH_MAX], lxcpath[PATH_MAX];

void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "velxc %s: ", id != NULL ? id : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* A path into out[PATH_MAX]; too long is fatal. */
void
pathf(char *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX)
		die("path too long");
}

/* Characters allowed in values that end up in config files. */
int
plain(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr(extra, *s) != NULL))
			return 0;
	return 1;
}

static void
copy(char *dst, size_t n, const char *v, const char *key)
{
	if (strlen(v) >= n)
		die("%s too long", key);
	memcpy(dst, v, strlen(v) + 1);
}

/* The parameters that are one string or one number, by name. */
#define PSTR(k, f)	{ k, offsetof(struct par, f), sizeof(((struct par *)0)->f) }
#define PNUM(k, f)	{ k, offsetof(struct par, f), 0 }
static const struct pkey {
	const char	*key;
	size_t		 off;
	size_t		 size;	/* of the string; 0: an unsigned long long */
} pkeys[] = {
	PSTR("template", template), PNUM("disk_mb", disk_mb), PNUM("mem_mb", mem_mb),
	PNUM("cpu_weight", cpu_weight), PNUM("stop_timeout", stop_timeout),
	PSTR("gateway", gateway), PSTR("hostname", hostname), PSTR("root_crypt", root_crypt),
	PSTR("api_url", api_url), PSTR("ve_api_url", ve_api_url), PSTR("node", node),
	PSTR("token_file", token_file), PSTR("veinfo", veinfo), PNUM("telnet", telnet),
	PNUM("reinstall_seq", reinstall_seq), PNUM("restore_seq", restore_seq),
	PNUM("backup_seq", backup_seq), PNUM("backup_keep", backup_keep),
	PSTR("restore_backup", restore_backup), PSTR("backup_repo", backup_repo),
	PSTR("backup_pass", backup_pass), PSTR("backup_base", backup_base),
	PSTR("move_url", move_url), PSTR("move_token", move_token),
};

static const struct pkey *
pkey_find(const char *key)
{
	for (size_t i = 0; i < sizeof(pkeys) / sizeof(pkeys[0]); i++)
		if (strcmp(key, pkeys[i].key) == 0)
			return &pkeys[i];
	return NULL;
}

static void
read_params(struct par *p)
{
	char line[1024];

	memset(p, 0, sizeof(*p));
	p->stop_timeout = 10;
	p->prefix = 32;
	while (fgets(line, sizeof(line), stdin) != NULL) {
		char *eq = strchr(line, '='), *v;
		const struct pkey *k;

		line[strcspn(line, "\n")] = '\0';
		if (eq == NULL)
			continue;
		*eq = '\0';
		v = eq + 1;
		if ((k = pkey_find(line)) != NULL && k->size == 0)
			*(unsigned long long *)(void *)((char *)p + k->off) = strtoull(v, NULL, 10);
		else if (k != NULL)
			copy((char *)p + k->off, k->size, v, line);
		else if (strcmp(line, "ip") == 0 && p->nips < MAX_IPS)
			copy(p->ips[p->nips++], 16, v, line);
		else if (strcmp(line, "prefix") == 0)
			p->prefix = atoi(v);
		else if (strcmp(line, "dns") == 0 && p->ndns < MAX_DNS)
			copy(p->dns[p->ndns++], 16, v, line);
		else if (strcmp(line, "cgroup") == 0)
			p->cgv2 = strcmp(v, "2") == 0;
	}
	/* The agent validated these; check again what goes into files. */
	for (int i = 0; i < p->nips; i++)
		if (!plain(p->ips[i], "."))
			die("bad address");
	for (int i = 0; i < p->ndns; i++)
		if (!plain(p->dns[i], "."))
			die("bad dns server");
	if (!plain(p->gateway, ".") || !plain(p->hostname, ".-") ||
	    !plain(p->root_crypt, "./$") || !plain(p->node, ".-_"))
		die("bad parameter");
	if (p->prefix < 1 || p->prefix > 32)
		die("bad prefix");
	if (!plain(p->restore_backup, "._:-") || !plain(p->backup_repo, "./-_:@~") ||
	    !plain(p->backup_pass, "./-_") || !plain(p->backup_base, "./-_"))
		die("bad backup parameter");
	if (!plain(p->move_url, ".:/") || !plain(p->move_token, "_-"))
		die("bad move parameter");
}

/* Run argv, stdin from in_fd (-1: /dev/null); exit status or -1. */
int
run(const char *const argv[], int in_fd)
{
	int nul = in_fd >= 0 ? -1 : open("/dev/null", O_RDWR | O_CLOEXEC);
	pid_t pid = spawn(argv, in_fd >= 0 ? in_fd : nul, 2);

	if (nul != -1)
		close(nul);
	return pid == -1 ? -1 : spawn_wait(pid);
}

int
mounted(const char *path)
{
	struct stat a, b;
	char parent[PATH_MAX];

	pathf(parent, "%s/..", path);
	if (stat(path, &a) == -1 || stat(parent, &b) == -1)
		return 0;
	return a.st_dev != b.st_dev;
}

void
mount_volume(const char *img)
{
	if (mounted(rootfs))
		return;
	if (mkdir(rootfs, 0711) == -1 && errno != EEXIST)
		die("mkdir %s: %s", rootfs, strerror(errno));
	if (run((const char *const[]){ "/bin/mount", "-t", "ext4", "-o", "loop,nodev", img,
	    rootfs, NULL }, -1) != 0)
		die("cannot mount the volume");
}

/* ---- files below the VE's root ---- */

static int
open_beneath(int dirfd, const char *path, int flags, int mode)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC | O_NOFOLLOW),
		.mode = (unsigned long long)mode,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

/* Replace ROOTFS/dir/name with data (made, owned by uid/gid inside). */
static void
put_file(const char *dir, const char *name, const char *data, size_t len, mode_t mode,
    uid_t uid, gid_t gid)
{
	char tmp[128];
	int root, d, fd;

	if ((root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		die("open %s: %s", rootfs, strerror(errno));
	if ((d = open_beneath(root, dir, O_PATH | O_DIRECTORY, 0)) == -1 && errno == ENOENT) {
		if (mkdirat(root, dir, 0755) == 0 && fchownat(root, dir, UID_BASE, UID_BASE,
		    AT_SYMLINK_NOFOLLOW) == 0)
			d = open_beneath(root, dir, O_PATH | O_DIRECTORY, 0);
	}
	if (d == -1)
		die("%s in the VE: %s", dir, strerror(errno));
	pathf(tmp, ".%s.vep-new", name);
	(void)unlinkat(d, tmp, 0);
	if ((fd = openat(d, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) == -1)
		die("%s/%s in the VE: %s", dir, name, strerror(errno));
	if (write(fd, data, len) != (ssize_t)len || fchown(fd, UID_BASE + uid, UID_BASE + gid) == -1 ||
	    fchmod(fd, mode) == -1 || close(fd) == -1)
		die("%s/%s in the VE: %s", dir, name, strerror(errno));
	if (renameat(d, tmp, d, name) == -1)
		die("%s/%s in the VE: %s", dir, name, strerror(errno));
	close(d);
	close(root);
}

/* The whole of ROOTFS/dir/name, NUL-terminated, and its owner/mode. */
static char *
get_file(const char *path, struct stat *st)
{
	int root, fd;
	char *text;
	ssize_t n;

	if ((root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return NULL;
	fd = open_beneath(root, path, O_RDONLY, 0);
	close(root);
	if (fd == -1)
		return NULL;
	if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode) || st->st_size > 1 << 20 ||
	    (text = malloc((size_t)st->st_size + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	n = read(fd, text, (size_t)st->st_size);
	close(fd);
	if (n < 0) {
		free(text);
		return NULL;
	}
	text[n] = '\0';
	return text;
}

static void
set_root_crypt(const struct par *p)
{
	struct stat st;
	char *old, *line;
	size_t cap, len = 0;
	char *out;

	if (p->root_crypt[0] == '\0')
		return;
	if ((old = get_file("etc/shadow", &st)) == NULL)
		die("etc/shadow in the VE unreadable");
	cap = strlen(old) + strlen(p->root_crypt) + 64;
	if ((out = malloc(cap)) == NULL)
		die("out of memory");
	for (line = old; *line != '\0';) {
		size_t n = strcspn(line, "\n");

		if (n > 5 && strncmp(line, "root:", 5) == 0) {
			const char *rest = memchr(line + 5, ':', n - 5);

			len += (size_t)snprintf(out + len, cap - len, "root:%s%.*s\n", p->root_crypt,
			    rest != NULL ? (int)(line + n - rest) : 0, rest != NULL ? rest : "");
		} else
			len += (size_t)snprintf(out + len, cap - len, "%.*s\n", (int)n, line);
		line += n;
		if (*line == '\n')
			line++;
	}
	put_file("etc", "shadow", out, len, st.st_mode & 07777, st.st_uid - UID_BASE,
	    st.st_gid - UID_BASE);
	free(out);
	free(old);
}

void
put_text(const char *dir, const char *name, mode_t mode, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(buf))
		die("text too long");
	put_file(dir, name, buf, (size_t)n, mode, 0, 0);
}

/* resolv.conf, hostname, shadow: at every start. */
static void
write_identity(const struct par *p)
{
	char buf[512];
	size_t len = 0;

	for (int i = 0; i < p->ndns; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "nameserver %s\n", p->dns[i]);
	put_file("etc", "resolv.conf", buf, len, 0644, 0, 0);
	put_text("etc", "hostname", 0644, "%s\n", p->hostname[0] ? p->hostname : id);
	put_text("etc", "hosts", 0644, "127.0.0.1\tlocalhost\n127.0.1.1\t%s\n",
	    p->hostname[0] ? p->hostname : id);
	set_root_crypt(p);
}

/* ---- the LXC configuration ---- */

static void
write_config(const struct par *p)
{
	char dir[PATH_MAX], path[PATH_MAX], tmp[PATH_MAX];
	FILE *f;

	pathf(dir, "%s/%s", lxcpath, id);
	if ((mkdir(lxcpath, 0711) == -1 && errno != EEXIST) ||
	    (mkdir(dir, 0711) == -1 && errno != EEXIST))
		die("mkdir %s: %s", dir, strerror(errno));
	pathf(path, "%s/config", dir);
	pathf(tmp, "%s/config.new", dir);
	if ((f = fopen(tmp, "we")) == NULL)
		die("%s: %s", tmp, strerror(errno));
	fprintf(f, "# written by velxc at every start\n"
	    "lxc.include = /usr/share/lxc/config/common.conf\n"
	    "lxc.include = /usr/share/lxc/config/userns.conf\n"
	    "lxc.arch = linux64\n"
	    "lxc.uts.name = %s\n"
	    "lxc.rootfs.path = dir:%s\n"
	    "lxc.idmap = u 0 %d %d\nlxc.idmap = g 0 %d %d\n"
	    "lxc.start.auto = 0\n"
	    "lxc.log.file = %s/lxc.log\nlxc.log.level = WARN\n"
	    "lxc.cgroup.dir.container = vepanel/%s\n"
	    "lxc.cgroup.dir.monitor = vepanel.mon/%s\n"
	    "lxc.cgroup.dir.monitor.pivot = vepanel.pivot\n"
	    "lxc.cgroup.dir.container.inner = ns\n",
	    p->hostname[0] ? p->hostname : id, rootfs, UID_BASE, UID_COUNT, UID_BASE, UID_COUNT,
	    vedir, id, id);
	if (p->cgv2) {
		if (p->mem_mb)
			fprintf(f, "lxc.cgroup2.memory.max = %llu\nlxc.cgroup2.memory.swap.max = 0\n",
			    p->mem_mb * 1000000ULL);
		if (p->cpu_weight)
			fprintf(f, "lxc.cgroup2.cpu.weight = %llu\n", p->cpu_weight);
	} else {
		if (p->mem_mb)
			fprintf(f, "lxc.cgroup.memory.limit_in_bytes = %llu\n", p->mem_mb * 1000000ULL);
		if (p->cpu_weight)
			fprintf(f, "lxc.cgroup.cpu.shares = %llu\n",
			    p->cpu_weight * 1024 / 100 < 2 ? 2 : p->cpu_weight * 1024 / 100);
	}
	/* A plain veth: the agent sets up the host side (routes, filter, shaping). */
	fprintf(f, "lxc.net.0.type = veth\nlxc.net.0.veth.pair = vep%s\n"
	    "lxc.net.0.name = eth0\nlxc.net.0.flags = up\n"
	    "lxc.net.0.hwaddr = 02:76:%c%c:%c%c:%c%c:%c%c\n",
	    id, id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7]);
	/*
	 * The broadcast address is written out: left to LXC it came out as
	 * 0.0.0.255 inside the VE, not what the VE's netmask gives.
	 */
	for (int i = 0; i < p->nips; i++) {
		int plen = i == 0 ? p->prefix : 32;
		uint32_t mask = plen == 32 ? 0xffffffffu : ~(0xffffffffu >> plen);
		struct in_addr a, b;
		char bcast[INET_ADDRSTRLEN];

		if (inet_pton(AF_INET, p->ips[i], &a) != 1)
			die("bad address %s", p->ips[i]);
		b.s_addr = htonl(ntohl(a.s_addr) | ~mask);
		inet_ntop(AF_INET, &b, bcast, sizeof(bcast));
		fprintf(f, "lxc.net.0.ipv4.address = %s/%d %s\n", p->ips[i], plen, bcast);
	}
	if (p->gateway[0] && p->nips > 0)
		fprintf(f, "lxc.net.0.ipv4.gateway = %s\n", p->gateway);
	if (fclose(f) != 0 || rename(tmp, path) == -1)
		die("%s: %s", path, strerror(errno));
}

/* ---- creation ---- */

long
node_post(const struct par *p, const char *what, const char *label, char **body, size_t *blen)
{
	char url[1024], auth[600], ntok[512], err[CURL_ERROR_SIZE] = "";
	struct curl_slist *h = NULL;
	FILE *f, *mem;
	long code = 0;
	CURL *c;

	if ((f = fopen(p->token_file, "re")) == NULL || fgets(ntok, sizeof(ntok), f) == NULL)
		die("node token file unreadable");
	fclose(f);
	ntok[strcspn(ntok, "\r\n")] = '\0';
	snprintf(url, sizeof(url), "%s/nodes/%s/ves/%s/%s", p->api_url, p->node, id, what);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", ntok);
	explicit_bzero(ntok, sizeof(ntok));
	if ((c = curl_easy_init()) == NULL || (h = curl_slist_append(h, auth)) == NULL ||
	    (mem = open_memstream(body, blen)) == NULL)
		die("out of memory");
	explicit_bzero(auth, sizeof(auth));
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
	curl_easy_setopt(c, CURLOPT_WRITEDATA, mem);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	if (curl_easy_perform(c) != CURLE_OK)
		die("%s: %s", label, err);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	fclose(mem);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return code;
}

/* POST {api}/nodes/{node}/ves/{id}/token with the node's token. */
static void
fetch_token(const struct par *p, char *tok, size_t toklen)
{
	char *body = NULL;
	size_t blen = 0;
	long code;
	json_t *j;

	code = node_post(p, "token", "token request", &body, &blen);
	if (code != 201 && code != 200) {
		free(body);
		die("token request: HTTP %ld", code);
	}
	j = json_loadb(body, blen, 0, NULL);
	free(body);
	if (!json_is_string(json_object_get(j, "token")) ||
	    strlen(json_string_value(json_object_get(j, "token"))) >= toklen ||
	    !plain(json_string_value(json_object_get(j, "token")), "-_.~+/="))
		die("token request: no token in the answer");
	snprintf(tok, toklen, "%s", json_string_value(json_object_get(j, "token")));
	json_decref(j);
}

static void
chown_tree_file(const char *rel, uid_t uid)
{
	char path[PATH_MAX];

	pathf(path, "%s/%s", rootfs, rel);
	if (lchown(path, UID_BASE + uid, UID_BASE + uid) == -1 && errno != ENOENT)
		die("chown %s: %s", path, strerror(errno));
}

void
make_vedir(void)
{
	if (mkdir(veroot, 0711) == -1 && errno != EEXIST)
		die("mkdir %s: %s", veroot, strerror(errno));
	if (mkdir(vedir, 0711) == -1 && errno != EEXIST)
		die("mkdir %s: %s", vedir, strerror(errno));
}

void
op_create(const struct par *p)
{
	char tmpimg[PATH_MAX], size[32], owner[32], tok[512], hex[33];
	unsigned char rnd[16];
	off_t bytes;
	int fd;

	if (access(image, F_OK) == 0)
		return;		/* made already */
	if (p->disk_mb == 0 || p->template[0] == '\0')
		die("disk_mb and template are needed");
	make_vedir();
	pathf(tmpimg, "%s/root.img.new", vedir);
	if (mounted(rootfs))
		(void)umount2(rootfs, MNT_DETACH);
	(void)unlink(tmpimg);
	/* Exactly the quota: 1 MB = 10^6 bytes, down to the 4 KiB block. */
	bytes = (off_t)(p->disk_mb * 1000000ULL / 4096 * 4096);
	if ((fd = open(tmpimg, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1 ||
	    ftruncate(fd, bytes) == -1 || close(fd) == -1)
		die("%s: %s", tmpimg, strerror(errno));
	snprintf(size, sizeof(size), "%lluk", (unsigned long long)bytes / 1024);
	snprintf(owner, sizeof(owner), "root_owner=%d:%d", UID_BASE, UID_BASE);
	if (run((const char *const[]){ "/sbin/mke2fs", "-q", "-F", "-t", "ext4", "-m", "0",
	    "-E", owner, tmpimg, NULL }, -1) != 0)
		die("mke2fs failed");
	mount_volume(tmpimg);
	/* Unpacked inside the VE's user namespace: owners land shifted. */
	if ((fd = open(p->template, O_RDONLY | O_CLOEXEC)) == -1)
		die("template %s: %s", p->template, strerror(errno));
	{
		char map[64];

		snprintf(map, sizeof(map), "b:0:%d:%d", UID_BASE, UID_COUNT);
		if (run((const char *const[]){ "/usr/bin/lxc-usernsexec", "-m", map, "--",
		    "/bin/tar", "--zstd", "-xpf", "-", "-C", rootfs, "--numeric-owner",
		    "--exclude=./dev/*", NULL }, fd) != 0)
			die("unpacking the template failed");
	}
	close(fd);
	/* Fresh per VE: SSH host keys, machine-id. */
	if (run((const char *const[]){ "/usr/bin/ssh-keygen", "-q", "-A", "-f", rootfs, NULL },
	    -1) != 0)
		die("ssh-keygen failed");
	{
		static const char *const keys[] = { "ecdsa", "ed25519", "rsa" };

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			char rel[64];

			snprintf(rel, sizeof(rel), "etc/ssh/ssh_host_%s_key", keys[i]);
			chown_tree_file(rel, 0);
			snprintf(rel, sizeof(rel), "etc/ssh/ssh_host_%s_key.pub", keys[i]);
			chown_tree_file(rel, 0);
		}
	}
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1 ||
	    read(fd, rnd, sizeof(rnd)) != (ssize_t)sizeof(rnd))
		die("urandom");
	close(fd);
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	put_text("etc", "machine-id", 0444, "%s\n", hex);
	/* Root logs in with the order's password (Debian's default allows keys only). */
	put_text("etc/ssh/sshd_config.d", "vepanel.conf", 0644, "PermitRootLogin yes\n");
	/*
	 * telnet only where it was ordered: inetd (openbsd-inetd) serves
	 * inetutils' telnetd on port 23 from a template that has them; others
	 * get an inetd.conf without it.
	 */
	{
		char td[PATH_MAX];

		pathf(td, "%s/usr/sbin/telnetd", rootfs);
		if (access(td, X_OK) == 0)
			put_text("etc", "inetd.conf", 0644, "%s", p->telnet ?
			    "telnet\tstream\ttcp\tnowait\troot\t/usr/sbin/telnetd\ttelnetd\n" :
			    "# telnet was not ordered for this VE (vepanel)\n");
	}
	/* veinfo: the template carries libcurl4 and libjansson4. */
	if (p->veinfo[0]) {
		char *bin;
		size_t blen = 0;
		FILE *f;

		if ((f = fopen(p->veinfo, "re")) == NULL)
			die("veinfo %s: %s", p->veinfo, strerror(errno));
		if ((bin = malloc(16 << 20)) == NULL)
			die("out of memory");
		blen = fread(bin, 1, 16 << 20, f);
		fclose(f);
		put_file("usr/bin", "veinfo", bin, blen, 0755, 0, 0);
		free(bin);
	}
	if (p->api_url[0]) {
		fetch_token(p, tok, sizeof(tok));
		put_text("etc/VE", "VEinfo.conf", 0600, "api_url = %s\nve_id = %s\ntoken = %s\n",
		    p->ve_api_url[0] ? p->ve_api_url : p->api_url, id, tok);
	}
	write_identity(p);
	if (rename(tmpimg, image) == -1)
		die("rename %s: %s", image, strerror(errno));
}

/* ---- running ---- */

struct lxc_container *
container(void)
{
	struct lxc_container *c = lxc_container_new(id, lxcpath);

	if (c == NULL)
		die("lxc_container_new failed");
	return c;
}

/*
 * Walk the cgroup tree at path (8 levels down at most): pre(dir) before a
 * directory's children, post(dir) after them; a directory that cannot be
 * read gets pre only.
 */
static void
walk_cgroup(const char *path, int depth, void (*pre)(const char *), void (*post)(const char *))
{
	char sub[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (pre != NULL)
		pre(path);
	if (depth > 8 || (d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_type == DT_DIR && de->d_name[0] != '.') {
			pathf(sub, "%s/%s", path, de->d_name);
			walk_cgroup(sub, depth + 1, pre, post);
		}
	closedir(d);
	if (post != NULL)
		post(path);
}

static void
rmdir_quiet(const char *path)
{
	(void)rmdir(path);
}

/* Empty cgroups LXC leaves behind after a stop (the monitor's among them). */
static void
rm_cgroup(const char *path)
{
	walk_cgroup(path, 0, NULL, rmdir_quiet);
}

static void
clean_cgroups(void)
{
	static const char *const ctl[] = { "", "cpu", "cpuacct", "cpuset", "memory", "devices",
	    "freezer", "blkio", "pids", "systemd", "unified", "hugetlb", "net_cls", "perf_event" };
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(ctl) / sizeof(ctl[0]); i++) {
		pathf(path, "/sys/fs/cgroup/%s%svepanel.mon/%s", ctl[i],
		    ctl[i][0] ? "/" : "", id);
		rm_cgroup(path);
		pathf(path, "/sys/fs/cgroup/%s%svepanel/%s", ctl[i],
		    ctl[i][0] ? "/" : "", id);
		rm_cgroup(path);
	}
}

/* SIGKILL every process of one cgroup (not its children). */
static void
kill_procs(const char *path)
{
	char procs[PATH_MAX], line[32];
	FILE *f;

	pathf(procs, "%s/cgroup.procs", path);
	if ((f = fopen(procs, "re")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (atoi(line) > 1)
				(void)kill(atoi(line), SIGKILL);
		fclose(f);
	}
}

/* SIGKILL every process in a cgroup tree (the container's, its monitor's). */
static void
kill_cgroup(const char *path)
{
	walk_cgroup(path, 0, kill_procs, NULL);
}

/* The last resort when liblxc's stop does not come back: kill by cgroup. */
static void
hard_kill(void)
{
	static const char *const ctl[] = { "", "pids", "memory", "cpuacct" };
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(ctl) / sizeof(ctl[0]); i++) {
		pathf(path, "/sys/fs/cgroup/%s%svepanel/%s", ctl[i], ctl[i][0] ? "/" : "", id);
		kill_cgroup(path);
		pathf(path, "/sys/fs/cgroup/%s%svepanel.mon/%s", ctl[i], ctl[i][0] ? "/" : "", id);
		kill_cgroup(path);
	}
}

/*
 * Clean shutdown (SIGPWR; ignored before systemd is up) for stop_timeout,
 * then lxc stop, bounded too: a child does it while this process waits.
 */
void
op_stop(struct lxc_container *c, const struct par *p)
{
	if (c->is_running(c) && !c->shutdown(c, (int)p->stop_timeout) && c->is_running(c)) {
		pid_t pid = fork();
		int st, done = 0;

		if (pid == 0)
			_exit(c->stop(c) ? 0 : 1);
		for (int i = 0; pid > 0 && i < 100 && !done; i++) {
			if (waitpid(pid, &st, WNOHANG) == pid)
				done = 1;
			else
				usleep(100000);
		}
		if (!done) {
			fprintf(stderr, "velxc %s: lxc stop hangs; killing by cgroup\n", id);
			if (pid > 0) {
				(void)kill(pid, SIGKILL);
				(void)waitpid(pid, &st, 0);
			}
			hard_kill();
			usleep(500000);
		}
	}
	clean_cgroups();
}

static void
op_start(struct lxc_container *c, const struct par *p)
{
	if (access(image, F_OK) == -1)
		die("no volume: create first");
	/* A quota changed since the volume was made or grown: resized before it mounts again. */
	if (!c->is_running(c) && p->disk_mb > 0 && vd_image_size(image) != vd_bytes(p->disk_mb)) {
		const char *why;

		if (mounted(rootfs) && umount2(rootfs, 0) == -1)
			fprintf(stderr, "velxc %s: volume busy, not resized: %s\n", id, strerror(errno));
		else if (vd_resize_offline(run, image, p->disk_mb, &why) == -1)
			fprintf(stderr, "velxc %s: volume not resized: %s\n", id, why);
		else
			fprintf(stderr, "velxc %s: volume resized to %llu MB\n", id, p->disk_mb);
	}
	mount_volume(image);
	if (c->is_running(c)) {
		const char *st = c->state(c);
		pid_t pid = c->init_pid(c);

		if (st != NULL && strcmp(st, "RUNNING") == 0 && pid > 0 && kill(pid, 0) == 0) {
			printf("pid=%d\n", (int)pid);
			return;
		}
		/* Its init just ended: the monitor is still tearing down. */
		if (!c->wait(c, "STOPPED", 15))
			die("still %s 15 s after its init ended", st != NULL ? st : "?");
	}
	clean_cgroups();
	write_config(p);
	write_identity(p);
	lxc_container_put(c);
	c = container();
	c->want_daemonize(c, true);
	c->want_close_all_fds(c, true);
	fflush(stdout);
	if (!c->start(c, 0, NULL) || !c->wait(c, "RUNNING", 20)) {
		/* Nothing half-started is left behind for the next try. */
		op_stop(c, p);
		die("start failed (see %s/lxc.log)", vedir);
	}
	printf("pid=%d\n", (int)c->init_pid(c));
}

static void
op_destroy(struct lxc_container *c, const struct par *p)
{
	char path[PATH_MAX];

	op_stop(c, p);
	backup_forget(p);
	if (mounted(rootfs) && umount2(rootfs, 0) == -1 && umount2(rootfs, MNT_DETACH) == -1)
		die("umount %s: %s", rootfs, strerror(errno));
	(void)rmdir(rootfs);
	(void)unlink(image);
	pathf(path, "%s/root.img.new", vedir);
	(void)unlink(path);
	pathf(path, "%s/lxc.log", vedir);
	(void)unlink(path);
	pathf(path, "%s/vep.state", vedir);	/* velxc_borg.c */
	(void)unlink(path);
	pathf(path, "%s/vep.state.new", vedir);
	(void)unlink(path);
	pathf(path, "%s/%s/config", lxcpath, id);
	(void)unlink(path);
	pathf(path, "%s/%s", lxcpath, id);
	rm_cgroup(path);	/* an empty directory tree: same walk */
	(void)rmdir(lxcpath);
	if (rmdir(vedir) == -1 && errno != ENOENT)
		die("rmdir %s: %s", vedir, strerror(errno));
}

int
main(int argc, char *argv[])
{
	struct lxc_container *c = NULL;
	struct par p;
	const char *op;

	if (argc != 4)
		die("usage: velxc create|start|stop|status|passwd|destroy|reinstall|backup|restore VEID VE_ROOT");
	op = argv[1];
	id = argv[2];
	veroot = argv[3];
	if (strlen(id) != 8 || !plain(id, "") || veroot[0] != '/')
		die("bad VE id or root");
	pathf(vedir, "%s/%s", veroot, id);
	pathf(rootfs, "%s/rootfs", vedir);
	pathf(image, "%s/root.img", vedir);
	pathf(lxcpath, "%s/lxc", vedir);
	read_params(&p);
	umask(022);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	thaw_volume();
	if (strcmp(op, "create") == 0) {
		op_create(&p);
		state_created(&p);
		printf("ok\n");
		return 0;
	}
	if (strcmp(op, "fetch") == 0 || strcmp(op, "release") == 0 || strcmp(op, "moved") == 0) {
		if (op[0] == 'f') {
			op_fetch(&p);
			state_created(&p);
		} else if (op[0] == 'r')
			op_release(&p);
		else
			op_moved(&p);
		printf("ok\n");
		return 0;
	}
	if (strcmp(op, "backup") == 0) {
		op_backup(&p);
		printf("ok\n");
		return 0;
	}
	if (strcmp(op, "destroy") == 0 && access(vedir, F_OK) == -1) {
		printf("ok\n");
		return 0;
	}
	c = container();
	if (strcmp(op, "start") == 0)
		op_start(c, &p);
	else if (strcmp(op, "stop") == 0)
		op_stop(c, &p);
	else if (strcmp(op, "status") == 0)
		printf("pid=%d\n", c->is_running(c) ? (int)c->init_pid(c) : 0);
	else if (strcmp(op, "passwd") == 0) {
		if (!mounted(rootfs))
			die("volume not mounted");
		set_root_crypt(&p);
	} else if (strcmp(op, "destroy") == 0)
		op_destroy(c, &p);
	else if (strcmp(op, "reinstall") == 0)
		op_reinstall(c, &p);
	else if (strcmp(op, "restore") == 0)
		op_restore(c, &p);
	else if (strcmp(op, "grow") == 0) {
		const char *why;
		int g = vd_grow_online(run, image, rootfs, p.disk_mb, &why);

		if (g < 0)
			fprintf(stderr, "velxc %s: %s\n", id, why);
		printf("grow=%s\n", g == 1 ? "online" : g == 0 ? "same" : "deferred");
	}
	else
		die("unknown operation %s", op);
	printf("ok\n");
	return 0;
}
