/*
 * What each outbox row says (SPEC section 10's list): its subject, plain
 * text and, for billing documents, the PDF, read from the database when
 * the row is sent (so the text shows the document as issued).  Every
 * message names the VE(s) and the ISP and says how to reach the self screen.
 */
#ifndef VEP_MAILER_COMPOSE_H
#define VEP_MAILER_COMPOSE_H

#include "util.h"

struct db;
struct conf;
struct mail_row;

struct composed {
	char		 subject[256];
	struct buf	 text;
	struct buf	 pdf;		/* empty: no attachment */
	char		 filename[40];
};

enum compose_rc {
	COMPOSE_OK = 0,
	COMPOSE_EGONE = -1,	/* what the row is about is gone or not mailable: mark it failed */
	COMPOSE_EDB = -2,	/* the database failed: try again later */
};

void	composed_init(struct composed *);
void	composed_free(struct composed *);
int	compose(struct db *, const struct conf *, const struct mail_row *, long long now,
	    struct composed *, char *err, size_t errlen);

#endif
