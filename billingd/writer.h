/*
 * writer.c: the writer thread, the one owner of the MariaDB connection.
 */
#ifndef BILLINGD_WRITER_H
#define BILLINGD_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "complain.h"
#include "spool.h"

#define WRITERS_MAX	8	/* [billingd] writers */

struct batch;
struct db;
struct snapshot;

/* The writer's own state: touched by the writer thread only. */
struct writerstate {
	struct db	*db;
	int		 db_up;
	int64_t		 down_since;
	int64_t		 next_connect;
	struct spool	 spool;
	int		 spool_ok;
	struct complaint spool_full;	/* appends failing */
	struct batch	*pend, *pend_tail;	/* neither applied nor spooled */
	size_t		 pend_bytes;
	uint64_t	 last_seq;
	unsigned	 fail_count;	/* failures of the batch at the head */
	int64_t		 next_lease, next_health, next_life, next_retention;
	struct snapshot	*prev;		/* for resolving only changed URLs */
	/* Parts of a large batch (flush.c): connection j > 0 and its batch owner. */
	struct db	*xdb[WRITERS_MAX];
	char		 xowner[WRITERS_MAX][65];
	int		 owners_ready;	/* every part's billingd_batches row exists */
};

/* The writer thread's body (arg: the struct billingd). */
void	*writer_main(void *);

#endif
