/*
 * velxc's volume resizing (SPEC section 11): the VE's ext4 image brought to
 * its quota, online while it is mounted (grow only; needs CAP_SYS_RESOURCE
 * for the kernel's online resize) or offline before a start (grow or
 * shrink: e2fsck -f, resize2fs, the image file cut or extended).
 */
#ifndef VELXC_DISK_H
#define VELXC_DISK_H

/* Runs argv with stdin from in_fd (-1: /dev/null); its exit status or -1. */
typedef int (*vd_run_fn)(const char *const argv[], int in_fd);

/* The image's size for a quota of disk_mb MB (10^6 bytes, down to 4 KiB). */
long long vd_bytes(unsigned long long disk_mb);

/*
 * Grow the mounted image at rootfs to disk_mb online.  Returns 1 grown,
 * 0 nothing to do (already that size), -1 not possible now (no
 * CAP_SYS_RESOURCE, a shrink, or resize2fs refused: the image is left as it
 * was, and the next start resizes it offline); *why says which.
 */
int	vd_grow_online(vd_run_fn, const char *image, const char *rootfs, unsigned long long disk_mb,
	    const char **why);

/*
 * Before a start, with rootfs unmounted: bring the image to disk_mb when
 * it differs.  1 resized, 0 nothing to do, -1 failed (*why; the image is
 * kept as it was where it could be).
 */
int	vd_resize_offline(vd_run_fn, const char *image, unsigned long long disk_mb, const char **why);

/* The size of the image file, or -1. */
long long vd_image_size(const char *image);

#endif
