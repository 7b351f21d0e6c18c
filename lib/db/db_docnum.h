/*
 * db_docnum: the gapless document numbers, KIND-YYYY-NNNNNN per kind and
 * year (INV invoices, CN credit notes, DN debit notes), from one row of
 * billing_counters per kind and year.
 *
 * How an issuer uses it (the invoice run, credit notes, late usage's
 * notes):
 *	db_docnum_prepare	before its transaction: the row exists
 *	db_docnum_lock		inside it, first of the counter: FOR UPDATE
 *	db_docnum_format	for every document it issues, next++
 *	db_docnum_set		before it commits: the next free number
 * The row lock queues issuers of one kind on one server; on Galera, where
 * row locks hold on one node only, the second writer of the row through
 * another node aborts (DB_RETRY) and db_tx runs it again, and a number
 * taken twice that way is refused by the documents' unique keys (DB_DUP).
 * Functions return a db_rc (db.h).
 */
#ifndef VEP_DB_DOCNUM_H
#define VEP_DB_DOCNUM_H

struct db;

#define DB_DOCNUM_LEN	25	/* "INV-2026-000001" and room, NUL included */

/*
 * Make the counter row of kind and year, in a transaction of its own
 * (db_tx) before the one that locks it: inside that one, two issuers'
 * INSERT IGNORE would each hold a shared lock the other's FOR UPDATE
 * waits on (a deadlock every time).
 */
int	db_docnum_prepare(struct db *, const char *kind, int year);
/* In the caller's transaction: lock the row, *next is the next free number. */
int	db_docnum_lock(struct db *, const char *kind, int year, long long *next);
/* In the caller's transaction: the next free number is next now. */
int	db_docnum_set(struct db *, const char *kind, int year, long long next);
/* "KIND-YYYY-NNNNNN" into out. */
void	db_docnum_format(const char *kind, int year, long long n, char out[DB_DOCNUM_LEN]);
/* Prepare the statements lock and set run (see db_bill_warm). */
void	db_docnum_warm(struct db *);

#endif
