/*
 * The incremental disk-usage walk (see disk.h): an explicit stack of open
 * directories instead of recursion, so it can stop after any entry and go
 * on at the next tick.  Entries are looked at with fstatat() relative to
 * their directory and never followed through symlinks, so a VE cannot
 * steer the walk outside its root; a hard-linked inode counts once.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk.h"

#define DU_DEPTH	128	/* deeper directories are counted, not entered */

struct du {
	DIR		*stack[DU_DEPTH];
	int		 depth;
	dev_t		 dev;
	uint64_t	 bytes;
	/* inodes with more than one link already counted (open addressing) */
	ino_t		*seen;
	size_t		 nseen, capseen;
};

struct du *
du_new(void)
{
	return calloc(1, sizeof(struct du));
}

static void
du_reset(struct du *d)
{
	while (d->depth > 0)
		closedir(d->stack[--d->depth]);
	d->bytes = 0;
	free(d->seen);
	d->seen = NULL;
	d->nseen = d->capseen = 0;
}

void
du_free(struct du *d)
{
	if (d == NULL)
		return;
	du_reset(d);
	free(d);
}

/* 1 when ino was seen before (and remember it); 0 new; -1 out of memory. */
static int
seen_ino(struct du *d, ino_t ino)
{
	size_t i;

	if (d->nseen * 2 >= d->capseen) {
		size_t ncap = d->capseen ? d->capseen * 2 : 256;
		ino_t *n = calloc(ncap, sizeof(*n)), *old = d->seen;
		size_t oldcap = d->capseen;

		if (n == NULL)
			return -1;
		d->seen = n;
		d->capseen = ncap;
		d->nseen = 0;
		for (size_t k = 0; k < oldcap; k++)
			if (old[k] != 0)
				(void)seen_ino(d, old[k]);
		free(old);
	}
	for (i = (size_t)(ino * 11400714819323198485ULL) & (d->capseen - 1);
	    d->seen[i] != 0; i = (i + 1) & (d->capseen - 1))
		if (d->seen[i] == ino)
			return 1;
	d->seen[i] = ino;
	d->nseen++;
	return 0;
}

int
du_start(struct du *d, const char *path)
{
	struct stat st;
	int fd;
	DIR *dir;

	du_reset(d);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || (dir = fdopendir(fd)) == NULL) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	d->dev = st.st_dev;
	d->bytes = (uint64_t)st.st_blocks * 512;
	d->stack[d->depth++] = dir;
	return 0;
}

int
du_step(struct du *d, int budget)
{
	while (d->depth > 0 && budget-- > 0) {
		DIR *dir = d->stack[d->depth - 1];
		struct dirent *de;
		struct stat st;

		errno = 0;
		if ((de = readdir(dir)) == NULL) {
			if (errno != 0) {
				du_reset(d);
				return -1;
			}
			closedir(dir);
			d->depth--;
			continue;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;	/* vanished meanwhile */
		if (st.st_dev != d->dev)
			continue;	/* a mount point: another file system */
		if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
			int r = seen_ino(d, st.st_ino);

			if (r == -1) {
				du_reset(d);
				return -1;
			}
			if (r == 1)
				continue;
		}
		d->bytes += (uint64_t)st.st_blocks * 512;
		if (S_ISDIR(st.st_mode) && d->depth < DU_DEPTH) {
			int fd = openat(dirfd(dir), de->d_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			DIR *sub;

			if (fd == -1)
				continue;
			if ((sub = fdopendir(fd)) == NULL) {
				close(fd);
				continue;
			}
			d->stack[d->depth++] = sub;
		}
	}
	return d->depth == 0 ? 1 : 0;
}

uint64_t
du_bytes(const struct du *d)
{
	return d->bytes;
}

int
du_busy(const struct du *d)
{
	return d->depth > 0;
}
