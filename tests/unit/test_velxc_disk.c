/*
 * Unit tests of agent/velxc_disk.c on real ext4 images in a temporary
 * directory (e2fsprogs, no root needed): the offline resize a VE's next
 * start does after a quota change, grown and shrunk, the file system's
 * own size following the image's; nothing done when the size is right;
 * a shrink below the data refused with the image left as it was; the
 * online grow refused without a mounted volume (it never touches the
 * image then).  Skipped (77) without e2fsprogs.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/velxc_disk.h"

static char dir[64], img[128];

static int
run(const char *const argv[], int in_fd)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		FILE *n = freopen("/dev/null", "w", stdout);
		(void)n;
		if (in_fd >= 0)
			dup2(in_fd, 0);
		n = freopen("/dev/null", "w", stderr);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The file system's size in bytes, from dumpe2fs -h. */
static long long
fs_bytes(void)
{
	char cmd[256], line[256];
	long long blocks = -1, bs = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "/sbin/dumpe2fs -h %s 2>/dev/null", img);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), p) != NULL) {
		sscanf(line, "Block count: %lld", &blocks);
		sscanf(line, "Block size: %lld", &bs);
	}
	pclose(p);
	return blocks < 0 || bs < 0 ? -1 : blocks * bs;
}

static void
setup(void)
{
	FILE *f;

	snprintf(dir, sizeof(dir), "/tmp/vep-vdisk-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(img, sizeof(img), "%s/root.img", dir);
	ck_assert_ptr_nonnull(f = fopen(img, "w"));
	ck_assert_int_eq(ftruncate(fileno(f), vd_bytes(40)), 0);
	fclose(f);
	ck_assert_int_eq(run((const char *const[]){ "/sbin/mke2fs", "-q", "-F", "-t", "ext4", "-m", "0", img,
	    NULL }, -1), 0);
}

static void
teardown(void)
{
	unlink(img);
	rmdir(dir);
}

START_TEST(test_offline)
{
	const char *why;

	ck_assert_int_eq(vd_bytes(40), 39997440);
	ck_assert_int_eq(vd_resize_offline(run, img, 40, &why), 0);
	/* Grown: 40 -> 64 MB, image and file system alike. */
	ck_assert_int_eq(vd_resize_offline(run, img, 64, &why), 1);
	ck_assert_int_eq(vd_image_size(img), vd_bytes(64));
	ck_assert_int_eq(fs_bytes(), vd_bytes(64));
	/* Shrunk: 64 -> 48 MB. */
	ck_assert_int_eq(vd_resize_offline(run, img, 48, &why), 1);
	ck_assert_int_eq(vd_image_size(img), vd_bytes(48));
	ck_assert_int_eq(fs_bytes(), vd_bytes(48));
	/* Below what ext4 needs for itself: refused, the image as it was. */
	ck_assert_int_eq(vd_resize_offline(run, img, 1, &why), -1);
	ck_assert_msg(why[0] != '\0', "a reason is given");
	ck_assert_int_eq(vd_image_size(img), vd_bytes(48));
	ck_assert_int_eq(fs_bytes(), vd_bytes(48));
	/* No volume at all. */
	ck_assert_int_eq(vd_resize_offline(run, "/nonexistent/root.img", 48, &why), -1);
}
END_TEST

START_TEST(test_online_refused)
{
	const char *why;
	char rootfs[128];

	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", dir);
	/* Nothing to do at the right size; a shrink, or a volume not mounted, waits for a start. */
	ck_assert_int_eq(vd_grow_online(run, img, rootfs, 40, &why), 0);
	ck_assert_int_eq(vd_grow_online(run, img, rootfs, 20, &why), -1);
	ck_assert_int_eq(vd_grow_online(run, img, rootfs, 80, &why), -1);
	ck_assert_msg(strstr(why, "next start") != NULL, "%s", why);
	ck_assert_int_eq(vd_image_size(img), vd_bytes(40));
}
END_TEST

int
main(void)
{
	if (access("/sbin/mke2fs", X_OK) != 0 || access("/sbin/resize2fs", X_OK) != 0 ||
	    access("/sbin/dumpe2fs", X_OK) != 0) {
		printf("velxc_disk: e2fsprogs missing; skipped\n");
		return 77;
	}
	Suite *s = suite_create("velxc_disk");
	TCase *tc = tcase_create("disk");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_offline);
	tcase_add_test(tc, test_online_refused);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
