/*
 * `vepctl template build CODE --name N --suite S [--include P,...]
 * [--dir DIR | --out FILE] [--mirror URL]`: an OS template for real VEs
 * (SPEC section 9), built with mmdebstrap; kept apart from vepctl.c.
 */
#ifndef VEPCTL_TEMPLATE_H
#define VEPCTL_TEMPLATE_H

/* argv[0] is CODE; returns the exit status. */
int	vepctl_template_build(int argc, char **argv);
/*
 * The smallest disk quota (MB) a VE of this rootfs tarball fits in: its
 * unpacked size plus a quarter.  0 with *mb, or -1 (no zstd, not zstd).
 */
int	vepctl_template_min_disk(const char *file, long long *mb);

#endif
