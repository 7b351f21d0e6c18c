/*
 * cgroup v1/v2 handling for the real backend (see cgroup.h).  The kernel's
 * files are parsed as untrusted text: lengths are checked, numbers go
 * through vep_strtonum_n, and an unexpected line is skipped rather than
 * guessed at.  Everything here is a plain system call: quick enough to
 * run inside the event loop.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "log.h"
#include "util.h"

/* v1 controllers a VE gets a directory in (those the node has). */
static const char *const v1_ctrls[] = { "cpu", "cpuacct", "memory", "freezer", "pids" };

/* read() again after EINTR; on an error fd is closed (errno kept) and -1 returned. */
static ssize_t
read_or_close(int fd, char *buf, size_t len)
{
	ssize_t n;

	while ((n = read(fd, buf, len)) == -1 && errno == EINTR)
		;
	if (n == -1) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return n;
}

/* Read a small file whole; its length, or -1 with errno. */
static ssize_t
read_small(const char *path, char *buf, size_t cap)
{
	size_t len = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (len < cap - 1) {
		ssize_t n = read_or_close(fd, buf + len, cap - 1 - len);

		if (n == -1)
			return -1;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

static int
write_str(const char *path, const char *s)
{
	size_t n = strlen(s);
	ssize_t w;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	w = write(fd, s, n);
	if (w != (ssize_t)n) {
		int e = w == -1 ? errno : EIO;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

/* ROOT/vepanel/ID/file (v2) or ROOT/ctrl/vepanel/ID/file (v1); file may be "". */
int
cg_path(char *out, size_t cap, const char *root, enum cg_ver v, const char *ctrl,
    const char *id, const char *file)
{
	int n;

	if (v == CG_V2)
		n = snprintf(out, cap, "%s/vepanel%s%s%s%s", root, id ? "/" : "",
		    id ? id : "", *file ? "/" : "", file);
	else
		n = snprintf(out, cap, "%s/%s/vepanel%s%s%s%s", root, ctrl, id ? "/" : "",
		    id ? id : "", *file ? "/" : "", file);
	if (n < 0 || (size_t)n >= cap) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* A "key value" line's value as an unsigned number. */
static int
kv_u64(const char *text, const char *key, uint64_t *out)
{
	size_t kl = strlen(key);
	const char *p = text;

	while (*p != '\0') {
		const char *eol = strchr(p, '\n');
		size_t ll = eol ? (size_t)(eol - p) : strlen(p);

		if (ll > kl + 1 && strncmp(p, key, kl) == 0 && p[kl] == ' ') {
			const char *es;
			long long v = vep_strtonum_n(p + kl + 1, ll - kl - 1, 0, LLONG_MAX, &es);

			if (es != NULL)
				return -1;
			*out = (uint64_t)v;
			return 0;
		}
		p += ll;
		if (*p == '\n')
			p++;
	}
	return -1;
}

/* A file holding one unsigned number (and a newline). */
static int
file_u64(const char *path, uint64_t *out)
{
	char buf[64];
	ssize_t n = read_small(path, buf, sizeof(buf));
	const char *es;
	long long v;

	if (n == -1)
		return -1;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	v = vep_strtonum_n(buf, (size_t)n, 0, LLONG_MAX, &es);
	if (es != NULL) {
		errno = EINVAL;
		return -1;
	}
	*out = (uint64_t)v;
	return 0;
}

enum cg_ver
cg_detect(const char *root)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s/cgroup.controllers", root);
	if (stat(p, &st) == 0)
		return CG_V2;
	snprintf(p, sizeof(p), "%s/cpuacct", root);
	if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
		return CG_V1;
	return CG_NONE;
}

int
cg_read_cpu(const char *root, enum cg_ver v, const char *id, struct cg_cpu *c)
{
	char p[PATH_MAX], text[4096];
	uint64_t x;

	memset(c, 0, sizeof(*c));
	if (v == CG_V2) {
		if (cg_path(p, sizeof(p), root, v, NULL, id, "cpu.stat") == -1 ||
		    read_small(p, text, sizeof(text)) == -1)
			return -1;
		if (kv_u64(text, "usage_usec", &c->total_us) == -1 ||
		    kv_u64(text, "user_usec", &c->user_us) == -1 ||
		    kv_u64(text, "system_usec", &c->sys_us) == -1) {
			errno = EINVAL;
			return -1;
		}
		/* Present only with the cpu controller enabled. */
		if (kv_u64(text, "throttled_usec", &x) == 0)
			c->throttled_us = x;
		return 0;
	}
	if (cg_path(p, sizeof(p), root, v, "cpuacct", id, "cpuacct.usage") == -1 ||
	    file_u64(p, &x) == -1)
		return -1;
	c->total_us = x / 1000;
	/* Prefer the nanosecond split; older kernels only have cpuacct.stat (ticks). */
	if (cg_path(p, sizeof(p), root, v, "cpuacct", id, "cpuacct.usage_user") == 0 &&
	    file_u64(p, &x) == 0) {
		c->user_us = x / 1000;
		if (cg_path(p, sizeof(p), root, v, "cpuacct", id, "cpuacct.usage_sys") == -1 ||
		    file_u64(p, &x) == -1)
			return -1;
		c->sys_us = x / 1000;
	} else {
		long hz = sysconf(_SC_CLK_TCK);

		if (hz <= 0)
			hz = 100;
		if (cg_path(p, sizeof(p), root, v, "cpuacct", id, "cpuacct.stat") == -1 ||
		    read_small(p, text, sizeof(text)) == -1)
			return -1;
		if (kv_u64(text, "user", &c->user_us) == -1 ||
		    kv_u64(text, "system", &c->sys_us) == -1) {
			errno = EINVAL;
			return -1;
		}
		c->user_us = c->user_us * 1000000 / (uint64_t)hz;
		c->sys_us = c->sys_us * 1000000 / (uint64_t)hz;
	}
	if (cg_path(p, sizeof(p), root, v, "cpu", id, "cpu.stat") == 0 &&
	    read_small(p, text, sizeof(text)) != -1 &&
	    kv_u64(text, "throttled_time", &x) == 0)
		c->throttled_us = x / 1000;
	return 0;
}

int
cg_read_procs(const char *root, enum cg_ver v, const char *id, pid_t *pids,
    size_t max, size_t *n)
{
	char p[PATH_MAX], buf[8192], carry[16];
	size_t nc = 0;
	int fd;

	*n = 0;
	if (cg_path(p, sizeof(p), root, v, "cpuacct", id, "cgroup.procs") == -1)
		return -1;
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	for (;;) {
		ssize_t r = read_or_close(fd, buf, sizeof(buf));

		if (r == -1)
			return -1;
		for (ssize_t i = 0; i < r; i++) {
			if (buf[i] != '\n') {
				if (nc < sizeof(carry))
					carry[nc++] = buf[i];
				continue;
			}
			{
				const char *es;
				long long pid = vep_strtonum_n(carry, nc, 1, INT_MAX, &es);

				if (es == NULL) {
					if (*n < max)
						pids[*n] = (pid_t)pid;
					(*n)++;
				}
			}
			nc = 0;
		}
		if (r == 0)
			break;
	}
	close(fd);
	return 0;
}

int
proc_read_mem(const char *proc_root, pid_t pid, uint64_t *vm, uint64_t *rss)
{
	char p[PATH_MAX], text[4096];
	const char *l;

	*vm = *rss = 0;
	snprintf(p, sizeof(p), "%s/%d/status", proc_root, (int)pid);
	if (read_small(p, text, sizeof(text)) == -1)
		return -1;
	for (l = text; *l != '\0';) {
		const char *eol = strchr(l, '\n');
		size_t ll = eol ? (size_t)(eol - l) : strlen(l);
		uint64_t *dst = NULL;

		if (ll > 7 && strncmp(l, "VmSize:", 7) == 0)
			dst = vm;
		else if (ll > 6 && strncmp(l, "VmRSS:", 6) == 0)
			dst = rss;
		if (dst != NULL) {
			/* "VmSize:\t  123456 kB" */
			const char *s = (const char *)memchr(l, ':', ll) + 1, *e = l + ll, *es;
			long long kb;

			while (s < e && (*s == ' ' || *s == '\t'))
				s++;
			if (e - s > 3 && memcmp(e - 3, " kB", 3) == 0)
				e -= 3;
			kb = vep_strtonum_n(s, (size_t)(e - s), 0, LLONG_MAX / 1024, &es);
			if (es == NULL)
				*dst = (uint64_t)kb * 1024;
		}
		l += ll;
		if (*l == '\n')
			l++;
	}
	return 0;
}

void
cg_cpu_split(uint64_t total, uint64_t ru, uint64_t rs, uint64_t *u, uint64_t *s)
{
	uint64_t nu, ns;

	if (total < *u + *s)
		return;		/* cannot happen for a live cgroup; keep the last split */
	if (ru + rs == 0)
		nu = total;	/* no tick seen yet: call it user time, as the kernel does */
	else
		nu = (uint64_t)((unsigned __int128)total * ru / (ru + rs));
	ns = total - nu;
	if (nu < *u) {
		nu = *u;
		ns = total - nu;
	}
	if (ns < *s) {
		ns = *s;
		nu = total - ns;
	}
	*u = nu;
	*s = ns;
}

unsigned
cg_weight(uint64_t min_bogomips, uint64_t node_bogomips)
{
	uint64_t w;

	if (min_bogomips == 0 || node_bogomips == 0)
		return 10;
	w = 10 + (uint64_t)((unsigned __int128)min_bogomips * 9990 / node_bogomips);
	return w > 10000 ? 10000 : (unsigned)w;
}

int
cg_create(const char *root, enum cg_ver v, const char *id, int *fresh)
{
	char p[PATH_MAX];
	struct stat st;

	*fresh = 1;
	if (v == CG_V2) {
		/* Delegate the controllers down to vepanel/<VE>; absent ones are skipped. */
		static const char *const en[] = { "+cpu", "+memory", "+pids" };

		if (cg_path(p, sizeof(p), root, v, NULL, NULL, "") == -1 ||
		    (mkdir(p, 0755) == -1 && errno != EEXIST))
			return -1;
		for (size_t i = 0; i < nitems(en); i++) {
			char sc[PATH_MAX];

			snprintf(sc, sizeof(sc), "%s/cgroup.subtree_control", root);
			(void)write_str(sc, en[i]);
			snprintf(sc, sizeof(sc), "%s/vepanel/cgroup.subtree_control", root);
			(void)write_str(sc, en[i]);
		}
		if (cg_path(p, sizeof(p), root, v, NULL, id, "") == -1)
			return -1;
		if (mkdir(p, 0755) == -1) {
			if (errno != EEXIST)
				return -1;
			*fresh = 0;
		}
		return 0;
	}
	for (size_t i = 0; i < nitems(v1_ctrls); i++) {
		char h[PATH_MAX];

		snprintf(h, sizeof(h), "%s/%s", root, v1_ctrls[i]);
		if (stat(h, &st) == -1 || !S_ISDIR(st.st_mode))
			continue;	/* the node lacks this controller */
		if (cg_path(p, sizeof(p), root, v, v1_ctrls[i], NULL, "") == -1 ||
		    (mkdir(p, 0755) == -1 && errno != EEXIST))
			return -1;
		if (cg_path(p, sizeof(p), root, v, v1_ctrls[i], id, "") == -1)
			return -1;
		if (mkdir(p, 0755) == -1) {
			if (errno != EEXIST)
				return -1;
			/* cpu and cpuacct may be one hierarchy: judge by cpuacct only. */
			if (strcmp(v1_ctrls[i], "cpuacct") == 0)
				*fresh = 0;
		}
	}
	return 0;
}

/* What cg_set_limits writes: the CPU weight, no CPU cap, the memory limit. */
static const struct {
	const char	*ctrl, *file;
} limit_files[2][3] = {
	{ { NULL, "cpu.weight" }, { NULL, "cpu.max" }, { NULL, "memory.max" } },	/* v2 */
	{ { "cpu", "cpu.shares" }, { "cpu", "cpu.cfs_quota_us" },
	  { "memory", "memory.limit_in_bytes" } },						/* v1 */
};

int
cg_set_limits(const char *root, enum cg_ver v, const char *id, unsigned weight,
    uint64_t mem_bytes)
{
	char p[PATH_MAX], cpu[32], mem[32];
	unsigned long shares = (unsigned long)weight * 1024 / 100;
	int v2 = v == CG_V2, rc = 0;
	const char *val[3] = { cpu, v2 ? "max 100000" : "-1", mem };

	if (v2)
		snprintf(cpu, sizeof(cpu), "%u", weight);
	else
		snprintf(cpu, sizeof(cpu), "%lu", shares < 2 ? 2 : shares);
	if (mem_bytes > 0)
		snprintf(mem, sizeof(mem), "%llu", (unsigned long long)mem_bytes);
	else
		snprintf(mem, sizeof(mem), "%s", v2 ? "max" : "-1");
	for (size_t i = 0; i < nitems(val); i++)
		if (cg_path(p, sizeof(p), root, v, limit_files[!v2][i].ctrl, id,
		    limit_files[!v2][i].file) == -1 || write_str(p, val[i]) == -1)
			rc = -1;
	return rc;
}

int
cg_freeze(const char *root, enum cg_ver v, const char *id, int frozen)
{
	char p[PATH_MAX];

	if (v == CG_V2)
		return cg_path(p, sizeof(p), root, v, NULL, id, "cgroup.freeze") == -1 ? -1 :
		    write_str(p, frozen ? "1" : "0");
	return cg_path(p, sizeof(p), root, v, "freezer", id, "freezer.state") == -1 ? -1 :
	    write_str(p, frozen ? "FROZEN" : "THAWED");
}

int
cg_kill(const char *root, enum cg_ver v, const char *id)
{
	char p[PATH_MAX];
	pid_t pids[4096];
	size_t n;

	/* A frozen task cannot act on SIGKILL until thawed. */
	(void)cg_freeze(root, v, id, 0);
	if (v == CG_V2 && cg_path(p, sizeof(p), root, v, NULL, id, "cgroup.kill") == 0 &&
	    write_str(p, "1") == 0)
		return 0;
	/* v1, or a v2 kernel before 5.14: one by one. */
	if (cg_read_procs(root, v, id, pids, nitems(pids), &n) == -1)
		return errno == ENOENT ? 0 : -1;
	for (size_t i = 0; i < n && i < nitems(pids); i++)
		(void)kill(pids[i], SIGKILL);
	if (v == CG_V1) {
		/* Other hierarchies may hold processes the cpuacct one does not. */
		for (size_t c = 0; c < nitems(v1_ctrls); c++) {
			char text[8192];
			const char *l;

			if (cg_path(p, sizeof(p), root, v, v1_ctrls[c], id, "cgroup.procs") == -1 ||
			    read_small(p, text, sizeof(text)) == -1)
				continue;
			for (l = text; *l != '\0';) {
				size_t ll = strcspn(l, "\n");
				const char *es;
				long long pid = vep_strtonum_n(l, ll, 1, INT_MAX, &es);

				if (es == NULL)
					(void)kill((pid_t)pid, SIGKILL);
				l += ll;
				if (*l == '\n')
					l++;
			}
		}
	}
	return 0;
}

int
cg_remove(const char *root, enum cg_ver v, const char *id)
{
	char p[PATH_MAX];
	int rc = 0;

	if (v == CG_V2) {
		if (cg_path(p, sizeof(p), root, v, NULL, id, "") == -1 ||
		    (rmdir(p) == -1 && errno != ENOENT))
			return -1;
		return 0;
	}
	for (size_t i = 0; i < nitems(v1_ctrls); i++) {
		if (cg_path(p, sizeof(p), root, v, v1_ctrls[i], id, "") == -1)
			return -1;
		if (rmdir(p) == -1 && errno != ENOENT)
			rc = -1;
	}
	return rc;
}

int
cg_exists(const char *root, enum cg_ver v, const char *id)
{
	char p[PATH_MAX];
	struct stat st;

	if (cg_path(p, sizeof(p), root, v, "cpuacct", id, "") == -1)
		return 0;
	return stat(p, &st) == 0;
}
