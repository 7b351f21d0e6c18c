/*
 * vepctl template build (see vepctl_template.h).  mmdebstrap makes a
 * Debian root filesystem (variant minbase: what a minimal Debian server
 * has) with an init, the SSH server and what --include names, and packs
 * it as <dir>/<code>.tar.zst.  Per-VE secrets and identity are left out
 * (SSH host keys, machine-id, resolv.conf): the node makes fresh ones when
 * it creates each VE.  libcurl4 and libjansson4 are always included: they
 * are what /usr/bin/veinfo links, and the node copies veinfo in.
 * mmdebstrap runs from argv (never a shell string); the output is written
 * under a temporary name and renamed when complete.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"
#include "vepctl_template.h"

#define BASE_PKGS "systemd-sysv,openssh-server,iproute2,procps,ca-certificates,libcurl4,libjansson4"

/* Run in the chroot's parent after the packages are in: "$1" is the root. */
static const char hook[] =
    "rm -f \"$1\"/etc/ssh/ssh_host_*_key \"$1\"/etc/ssh/ssh_host_*_key.pub "
    "\"$1\"/etc/resolv.conf \"$1\"/var/lib/dbus/machine-id; "
    ": > \"$1\"/etc/machine-id; "
    "mkdir -p \"$1\"/etc/ssh/sshd_config.d; "
    "echo 'PermitRootLogin yes' > \"$1\"/etc/ssh/sshd_config.d/vepanel.conf";

static int
only(const char *s, const char *set, size_t max)
{
	size_t n = strlen(s);

	return n >= 1 && n <= max && strspn(s, set) == n;
}

#define LOWER_DIGITS "abcdefghijklmnopqrstuvwxyz0123456789"

int
vepctl_template_build(int argc, char **argv)
{
	const char *code, *suite = "bookworm", *dir = "/var/lib/vepanel/templates", *out = NULL;
	const char *mirror = "http://deb.debian.org/debian";
	char include[1024] = BASE_PKGS, path[4096], tmp[4200];
	pid_t pid;

	if (argc < 1 || argv[0][0] == '-') {
		fprintf(stderr, "usage: vepctl template build CODE --name N [--suite S] "
		    "[--include P,...] [--dir DIR | --out FILE] [--mirror URL]\n");
		return 2;
	}
	code = argv[0];
	if (!only(code, LOWER_DIGITS ".-", 32) || code[0] == '.' || code[0] == '-') {
		fprintf(stderr, "vepctl: template code %s is not [a-z0-9][a-z0-9.-]{0,31}\n", code);
		return 2;
	}
	for (int i = 1; i < argc; i += 2) {
		const char *k = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (val == NULL) {
			fprintf(stderr, "vepctl: %s needs a value\n", k);
			return 2;
		}
		if (strcmp(k, "--name") == 0)
			continue;	/* the registration's (vepctl template add) */
		else if (strcmp(k, "--suite") == 0 && only(val, LOWER_DIGITS "-", 32))
			suite = val;
		else if (strcmp(k, "--include") == 0 && only(val, LOWER_DIGITS ".+-,", 900)) {
			if (strlen(include) + 1 + strlen(val) >= sizeof(include))
				return 2;
			strcat(include, ",");
			strcat(include, val);
		} else if (strcmp(k, "--dir") == 0)
			dir = val;
		else if (strcmp(k, "--out") == 0)
			out = val;
		else if (strcmp(k, "--mirror") == 0 && strncmp(val, "http", 4) == 0)
			mirror = val;
		else {
			fprintf(stderr, "vepctl: %s %s: unknown option or bad value\n", k, val);
			return 2;
		}
	}
	if (out == NULL) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s.tar.zst", dir, code) >= sizeof(path))
			return 2;
		out = path;
		if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
			fprintf(stderr, "vepctl: mkdir %s: %s\n", dir, strerror(errno));
			return 1;
		}
	}
	if (strlen(out) < 9 || strcmp(out + strlen(out) - 8, ".tar.zst") != 0) {
		fprintf(stderr, "vepctl: the output must end in .tar.zst\n");
		return 2;
	}
	/* mmdebstrap picks the compression by the name: keep .tar.zst at the end. */
	snprintf(tmp, sizeof(tmp), "%.*s.new.tar.zst", (int)(strlen(out) - 8), out);
	{
		char inc[1100], hk[sizeof(hook) + 32];
		const char *av[] = { "/usr/bin/mmdebstrap", "--quiet", "--variant=minbase", inc,
		    hk, suite, tmp, mirror, NULL };

		snprintf(inc, sizeof(inc), "--include=%s", include);
		snprintf(hk, sizeof(hk), "--customize-hook=%s", hook);
		if (access(av[0], X_OK) == -1) {
			fprintf(stderr, "vepctl: mmdebstrap is not installed (apt-get install mmdebstrap)\n");
			return 1;
		}
		fprintf(stderr, "vepctl: building %s (%s, %s) with mmdebstrap\n", code, suite, include);
		if ((pid = spawn(av, -1, -1)) == -1)
			return 1;
	}
	if (spawn_wait(pid) != 0) {
		unlink(tmp);
		fprintf(stderr, "vepctl: mmdebstrap failed\n");
		return 1;
	}
	if (chmod(tmp, 0644) == -1 || rename(tmp, out) == -1) {
		fprintf(stderr, "vepctl: %s: %s\n", out, strerror(errno));
		return 1;
	}
	printf("%s\n", out);
	return 0;
}

/*
 * The unpacked size of the tarball (zstd -dc, counted through a pipe) plus
 * a quarter: ext4's own overhead on a small volume (about 8 %) and a 4 KiB
 * block for each of the ~11,000 small files.  Measured with debian-12
 * (221 MB of tar): unpacking fails in a 240 MB image and fits in 260 MB.
 */
int
vepctl_template_min_disk(const char *file, long long *mb)
{
	static char chunk[65536];
	unsigned long long bytes = 0;
	int pfd[2];
	pid_t pid;
	ssize_t n;

	if (access("/usr/bin/zstd", X_OK) == -1 || pipe2(pfd, O_CLOEXEC) == -1)
		return -1;
	const char *const av[] = { "/usr/bin/zstd", "-q", "-dc", "--", file, NULL };
	pid = spawn(av, -1, pfd[1]);
	close(pfd[1]);
	if (pid == -1) {
		close(pfd[0]);
		return -1;
	}
	while ((n = read(pfd[0], chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			break;
		bytes += (unsigned long long)n;
	}
	close(pfd[0]);
	if (spawn_wait(pid) != 0 || n != 0 || bytes == 0)
		return -1;
	*mb = (long long)((bytes + bytes / 4 + 999999) / 1000000);
	return 0;
}
