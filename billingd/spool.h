/*
 * spool: where batches wait while the database is away.  One append-only
 * file per billingd id in spool_dir: an 8-byte header "VEPSPL1\n", then
 * records of u32 length, u32 CRC-32 of the payload (both little-endian)
 * and the payload.  Each append is fsync'd before it counts.  A crash may
 * leave a torn last record: opening the file keeps the longest valid
 * prefix and cuts the rest (logged).  Replay reads records in order; once
 * all are applied the file is truncated to its header.
 */
#ifndef BILLINGD_SPOOL_H
#define BILLINGD_SPOOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SPOOL_MAGIC		"VEPSPL1\n"
#define SPOOL_HDR		8
#define SPOOL_RECHDR		8
#define SPOOL_MAX_RECORD	(256u << 20)

enum spool_rc {
	SPOOL_REC = 1,		/* a whole, valid record */
	SPOOL_END = 0,		/* no more bytes */
	SPOOL_TRUNC = -1,	/* the bytes end inside a record */
	SPOOL_BADLEN = -2,	/* a length no writer produces */
	SPOOL_BADCRC = -3,	/* the payload does not match its CRC */
	SPOOL_BADMAGIC = -4,	/* not a spool file */
};

/*
 * The record at *off of a spool image buf[0..len) (off starts at
 * SPOOL_HDR; check the header with spool_check_magic).  On SPOOL_REC the
 * payload is at *rec (borrowed from buf) for *reclen bytes and *off moves
 * past it; otherwise *off is left at the bad record.  Pure: any input.
 */
enum spool_rc	 spool_scan(const uint8_t *buf, size_t len, size_t *off,
		    const uint8_t **rec, size_t *reclen);
enum spool_rc	 spool_check_magic(const uint8_t *buf, size_t len);
const char	*spool_strerror(enum spool_rc);

struct spool {
	int	 fd;
	char	 path[4096];
	off_t	 size;		/* bytes in the file */
	off_t	 replay;	/* next record to replay */
	uint64_t max_bytes;
};

/*
 * Open (or create) dir/billingd-<id>.spool, cut a torn or corrupt tail
 * (its size reported in *dropped) and position replay at the first
 * record.  0, or -1 with a reason in err.
 */
int	spool_open(struct spool *, const char *dir, const char *id,
	    uint64_t max_bytes, off_t *dropped, char *err, size_t errlen);
void	spool_close(struct spool *);
/* Records waiting to be replayed? */
int	spool_pending(const struct spool *);
/*
 * Append one record and fsync.  0, or -1 with errno set (ENOSPC, EFBIG
 * when max_bytes would be passed, EIO ...); on -1 the file is cut back to
 * where it was, so a failed append leaves no torn record behind.
 */
int	spool_append(struct spool *, const void *, size_t);
/*
 * The next record to replay into a new buffer *out of *len bytes (free
 * it): 1, or 0 when none is left, or -1 (read error or a record that went
 * bad on disk; the rest of the file is then unusable and is dropped).
 */
int	spool_next(struct spool *, uint8_t **out, size_t *len);
/* The record returned by the last spool_next is applied: move past it. */
void	spool_advance(struct spool *, size_t len);
/* All replayed: cut the file back to its header and fsync; 0 or -1. */
int	spool_reset(struct spool *);

#endif
