/*
 * Resizing a VE's volume: see velxc_disk.h.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "velxc_disk.h"

long long
vd_bytes(unsigned long long disk_mb)
{
	return (long long)(disk_mb * 1000000ULL / 4096 * 4096);
}

long long
vd_image_size(const char *image)
{
	struct stat st;

	return stat(image, &st) == 0 ? (long long)st.st_size : -1;
}

static int
cap_sys_resource(void)
{
	char line[256];
	unsigned long long eff = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return (eff >> 24) & 1;
}

/* The device mounted at path (/dev/loopN), from /proc/self/mounts. */
static int
mounted_dev(const char *path, char *dev, size_t devlen)
{
	char src[256], dst[4096];
	FILE *f = fopen("/proc/self/mounts", "re");
	int rc = -1;

	if (f == NULL)
		return -1;
	while (fscanf(f, "%255s %4095s %*[^\n]", src, dst) == 2)
		if (strcmp(dst, path) == 0 && strncmp(src, "/dev/loop", 9) == 0) {
			snprintf(dev, devlen, "%s", src);
			rc = 0;
		}
	fclose(f);
	return rc;
}

static int
set_size(const char *image, long long bytes)
{
	int fd = open(image, O_WRONLY | O_CLOEXEC);
	int rc;

	if (fd == -1)
		return -1;
	rc = ftruncate(fd, (off_t)bytes);
	close(fd);
	return rc;
}

int
vd_grow_online(vd_run_fn run, const char *image, const char *rootfs, unsigned long long disk_mb,
    const char **why)
{
	long long want = vd_bytes(disk_mb), have = vd_image_size(image);
	char dev[256];

	*why = "";
	if (have < 0) {
		*why = "no volume";
		return -1;
	}
	if (have == want)
		return 0;
	if (want < have) {
		*why = "a smaller volume is made at the next start";
		return -1;
	}
	if (!cap_sys_resource()) {
		*why = "no CAP_SYS_RESOURCE here: grown at the next start";
		return -1;
	}
	if (mounted_dev(rootfs, dev, sizeof(dev)) == -1) {
		*why = "the volume is not mounted: grown at the next start";
		return -1;
	}
	if (set_size(image, want) == -1) {
		*why = "the image cannot be extended";
		return -1;
	}
	if (run((const char *const[]){ "/sbin/losetup", "-c", dev, NULL }, -1) != 0 ||
	    run((const char *const[]){ "/sbin/resize2fs", dev, NULL }, -1) != 0) {
		/* Back as it was; the next start grows it offline. */
		(void)set_size(image, have);
		(void)run((const char *const[]){ "/sbin/losetup", "-c", dev, NULL }, -1);
		*why = "resize2fs refused the online grow: grown at the next start";
		return -1;
	}
	return 1;
}

int
vd_resize_offline(vd_run_fn run, const char *image, unsigned long long disk_mb, const char **why)
{
	long long want = vd_bytes(disk_mb), have = vd_image_size(image);
	char size[32];
	int st;

	*why = "";
	if (have < 0 || disk_mb == 0) {
		*why = "no volume or no quota";
		return -1;
	}
	if (have == want)
		return 0;
	snprintf(size, sizeof(size), "%lldk", want / 1024);
	/* e2fsck: 0 clean, 1 errors corrected; resize2fs insists on a checked file system. */
	st = run((const char *const[]){ "/sbin/e2fsck", "-f", "-y", image, NULL }, -1);
	if (st != 0 && st != 1) {
		*why = "e2fsck failed";
		return -1;
	}
	if (want > have && set_size(image, want) == -1) {
		*why = "the image cannot be extended";
		return -1;
	}
	if (run((const char *const[]){ "/sbin/resize2fs", image, size, NULL }, -1) != 0) {
		if (want > have)
			(void)set_size(image, have);
		*why = "resize2fs failed (more data than the new size?)";
		return -1;
	}
	if (want < have && set_size(image, want) == -1) {
		*why = "the image cannot be cut";
		return -1;
	}
	return 1;
}
