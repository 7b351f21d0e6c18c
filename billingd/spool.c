/*
 * The spool file: framing, fsync'd appends, replay, repair of a torn
 * tail.  See spool.h.  The record reader spool_scan is pure so the fuzz
 * harness and the tests drive it with any bytes; spool_open runs the same
 * reader over the whole file before trusting it.
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "spool.h"

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t
crc(const uint8_t *p, size_t len)
{
	uLong c = crc32(0L, Z_NULL, 0);
	/* zlib takes uInt lengths; records are bounded well below 4 GB. */
	return (uint32_t)crc32(c, p, (uInt)len);
}

const char *
spool_strerror(enum spool_rc rc)
{
	switch (rc) {
	case SPOOL_REC:		return "record";
	case SPOOL_END:		return "end";
	case SPOOL_TRUNC:	return "torn record at the end";
	case SPOOL_BADLEN:	return "impossible record length";
	case SPOOL_BADCRC:	return "CRC mismatch";
	case SPOOL_BADMAGIC:	return "not a billingd spool file";
	}
	return "?";
}

enum spool_rc
spool_check_magic(const uint8_t *buf, size_t len)
{
	if (len < SPOOL_HDR)
		return len == 0 ? SPOOL_END : SPOOL_TRUNC;
	return memcmp(buf, SPOOL_MAGIC, SPOOL_HDR) == 0 ? SPOOL_REC : SPOOL_BADMAGIC;
}

enum spool_rc
spool_scan(const uint8_t *buf, size_t len, size_t *off, const uint8_t **rec,
    size_t *reclen)
{
	size_t o = *off, n;

	if (o >= len)
		return SPOOL_END;
	if (len - o < SPOOL_RECHDR)
		return SPOOL_TRUNC;
	n = get32(buf + o);
	if (n == 0 || n > SPOOL_MAX_RECORD)
		return SPOOL_BADLEN;
	if (len - o - SPOOL_RECHDR < n)
		return SPOOL_TRUNC;
	if (crc(buf + o + SPOOL_RECHDR, n) != get32(buf + o + 4))
		return SPOOL_BADCRC;
	*rec = buf + o + SPOOL_RECHDR;
	*reclen = n;
	*off = o + SPOOL_RECHDR + n;
	return SPOOL_REC;
}

/* Length of the valid prefix of the file (header included). */
static int
valid_prefix(int fd, off_t size, off_t *good, enum spool_rc *why)
{
	const uint8_t *m, *rec;
	size_t off = SPOOL_HDR, reclen;
	enum spool_rc rc;

	*why = SPOOL_END;
	if (size <= SPOOL_HDR) {
		*good = size;
		return 0;
	}
	m = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return -1;
	while ((rc = spool_scan(m, (size_t)size, &off, &rec, &reclen)) == SPOOL_REC)
		;
	*why = rc;
	*good = (off_t)off;
	munmap((void *)m, (size_t)size);
	return 0;
}

int
spool_open(struct spool *sp, const char *dir, const char *id, uint64_t max_bytes,
    off_t *dropped, char *err, size_t errlen)
{
	struct stat st;
	uint8_t hdr[SPOOL_HDR];
	off_t good;
	enum spool_rc why;
	ssize_t n;

	memset(sp, 0, sizeof(*sp));
	sp->fd = -1;
	sp->max_bytes = max_bytes;
	*dropped = 0;
	if ((size_t)snprintf(sp->path, sizeof(sp->path), "%s/billingd-%s.spool",
	    dir, id) >= sizeof(sp->path)) {
		snprintf(err, errlen, "spool path too long");
		return -1;
	}
	if ((sp->fd = open(sp->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", sp->path, strerror(errno));
		return -1;
	}
	if (fstat(sp->fd, &st) == -1)
		goto syserr;
	if (st.st_size >= SPOOL_HDR) {
		if ((n = pread(sp->fd, hdr, sizeof(hdr), 0)) != (ssize_t)sizeof(hdr))
			goto syserr;
		if (spool_check_magic(hdr, sizeof(hdr)) != SPOOL_REC) {
			/* Not ours: keep it for a human, start a new file. */
			char aside[4200];
			snprintf(aside, sizeof(aside), "%s.bad-%lld", sp->path,
			    (long long)time(NULL));
			if (rename(sp->path, aside) == -1)
				goto syserr;
			close(sp->fd);
			*dropped = st.st_size;
			if ((sp->fd = open(sp->path, O_RDWR | O_CREAT | O_APPEND |
			    O_CLOEXEC, 0600)) == -1)
				goto syserr;
			st.st_size = 0;
		}
	}
	if (valid_prefix(sp->fd, st.st_size, &good, &why) == -1)
		goto syserr;
	if (good < SPOOL_HDR)
		good = 0;
	if (good != st.st_size) {
		*dropped += st.st_size - good;
		if (ftruncate(sp->fd, good) == -1 || fsync(sp->fd) == -1)
			goto syserr;
	}
	if (good == 0) {
		if (write(sp->fd, SPOOL_MAGIC, SPOOL_HDR) != SPOOL_HDR ||
		    fsync(sp->fd) == -1)
			goto syserr;
		good = SPOOL_HDR;
	}
	sp->size = good;
	sp->replay = SPOOL_HDR;
	return 0;
syserr:
	snprintf(err, errlen, "%s: %s", sp->path, strerror(errno));
	spool_close(sp);
	return -1;
}

void
spool_close(struct spool *sp)
{
	if (sp->fd != -1)
		close(sp->fd);
	sp->fd = -1;
}

int
spool_pending(const struct spool *sp)
{
	return sp->fd != -1 && sp->replay < sp->size;
}

int
spool_append(struct spool *sp, const void *p, size_t len)
{
	uint8_t hdr[SPOOL_RECHDR];
	struct iovec iov[2];
	ssize_t n;
	int saved;

	if (sp->fd == -1) {
		errno = EBADF;
		return -1;
	}
	if (len == 0 || len > SPOOL_MAX_RECORD) {
		errno = EINVAL;
		return -1;
	}
	if ((uint64_t)sp->size + SPOOL_RECHDR + len > sp->max_bytes) {
		errno = EFBIG;
		return -1;
	}
	put32(hdr, (uint32_t)len);
	put32(hdr + 4, crc(p, len));
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)(uintptr_t)p;
	iov[1].iov_len = len;
	n = writev(sp->fd, iov, 2);
	if (n != (ssize_t)(sizeof(hdr) + len)) {
		saved = n == -1 ? errno : ENOSPC;
		goto undo;
	}
	if (fdatasync(sp->fd) == -1) {
		saved = errno;
		goto undo;
	}
	sp->size += (off_t)(sizeof(hdr) + len);
	return 0;
undo:
	/* Leave no torn record: cut back to the last good end. */
	if (ftruncate(sp->fd, sp->size) == 0)
		fdatasync(sp->fd);
	errno = saved;
	return -1;
}

int
spool_next(struct spool *sp, uint8_t **out, size_t *lenp)
{
	uint8_t hdr[SPOOL_RECHDR], *p;
	uint32_t n;

	*out = NULL;
	if (!spool_pending(sp))
		return 0;
	if (sp->size - sp->replay < SPOOL_RECHDR ||
	    pread(sp->fd, hdr, sizeof(hdr), sp->replay) != (ssize_t)sizeof(hdr))
		goto bad;
	n = get32(hdr);
	if (n == 0 || n > SPOOL_MAX_RECORD || (off_t)n > sp->size - sp->replay - SPOOL_RECHDR)
		goto bad;
	if ((p = malloc(n)) == NULL)
		return -1;
	if (pread(sp->fd, p, n, sp->replay + SPOOL_RECHDR) != (ssize_t)n ||
	    crc(p, n) != get32(hdr + 4)) {
		free(p);
		goto bad;
	}
	*out = p;
	*lenp = n;
	return 1;
bad:
	/* The rest cannot be trusted; counter state recovers what it held. */
	sp->size = sp->replay;
	if (ftruncate(sp->fd, sp->size) == 0)
		fsync(sp->fd);
	return -1;
}

void
spool_advance(struct spool *sp, size_t len)
{
	sp->replay += (off_t)(SPOOL_RECHDR + len);
}

int
spool_reset(struct spool *sp)
{
	if (ftruncate(sp->fd, SPOOL_HDR) == -1 || fsync(sp->fd) == -1)
		return -1;
	sp->size = SPOOL_HDR;
	sp->replay = SPOOL_HDR;
	return 0;
}
