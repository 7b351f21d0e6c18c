/* flush.c: one batch into the database (writer thread). */
#ifndef BILLINGD_FLUSH_H
#define BILLINGD_FLUSH_H

struct billingd;
struct batch;

enum flush_rc {
	FLUSH_OK,	/* committed */
	FLUSH_SKIPPED,	/* a replayed batch that was applied before */
	FLUSH_DB,	/* the database went away: spool it */
	FLUSH_BAD,	/* refused: try again later, drop after a few tries */
};
/* replay: the batch comes from the spool (keep its sequence number). */
enum flush_rc flush_apply(struct billingd *, struct batch *, int replay);

#endif
