/*
 * db_payments: what is written against an issued document: payments and
 * reversals on invoices and debit notes, and credit notes on invoices
 * (CN-YYYY-NNNNNN, gapless per year: db_docnum.h).  Functions return enum
 * billing_rc (db_bill.h); err says why on BILLING_EINPUT.
 *
 * Every writer of a document first bumps the document's row of
 * invoice_writes or debit_note_writes, and only then reads what was paid
 * and credited: on Galera, where row locks hold on one node only, a second
 * writer through another node then aborts and runs again (db_tx), seeing
 * the first.
 */
#ifndef VEP_DB_PAYMENTS_H
#define VEP_DB_PAYMENTS_H

#include <stddef.h>

#include "db_bill.h"
#include "rating.h"

struct db;

/*
 * The first write of any other writer of an invoice's money (a late
 * credit note, db_late.c): bump its invoice_writes row, as a payment does
 * first.  1 done, 0 no such row, or a db_rc.
 */
int	db_payments_invoice_claim(struct db *, long long invoice_id);

/*
 * Record a payment (amount > 0, at most the open amount) or a reversal
 * (amount < 0, at most what was paid) dated paid_at, on an invoice or (a
 * number "DN-...") a debit note.  *id is the new row.
 */
int	db_payments_add(struct db *, const char *number, long long amount_minor,
	    long long paid_at, const char *reference, const char *actor, long long now,
	    long long *id, char *err, size_t errlen);

/* One line of a credit note: a negative amount, optionally for a VE on the invoice. */
struct db_cn_line {
	char		 ve_id[9];		/* "" when not about one VE */
	enum rate_res	 res;
	long long	 amount_minor;		/* < 0 */
	char		 description[256];
};

/*
 * Issue a credit note for an invoice: tax at the invoice's rate on the
 * lines' sum, the total never more than the open amount; numbered
 * CN-<year of now>-NNNNNN without gaps, written into number[25].
 */
int	db_payments_credit_note(struct db *, const char *invoice_number,
	    const struct db_cn_line *, size_t n, const char *reason, const char *actor,
	    long long now, char number[25], char *err, size_t errlen);

#endif
