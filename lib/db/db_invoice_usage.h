/*
 * db_invoice_usage: the invoice run's reading of a month's usage
 * (db_invoice_run.c), the VEs of a range of accounts at once.  The month is cut at every plan's
 * version change inside it; in each piece [a, b) the whole UTC days
 * [da, db) come from usage_day, the hours [a, da) and [db, b) from
 * usage_hour (all of [a, b) when no whole day is in it): a range.  The
 * day rows are read in one pass, the hour rows only for the days a cut
 * splits, one pass per run of such days; both in primary-key order, so
 * each range of each VE is summed as its rows pass.  Functions return a
 * db_rc (db.h).
 */
#ifndef VEP_DB_INVOICE_USAGE_H
#define VEP_DB_INVOICE_USAGE_H

#include <stddef.h>
#include <stdint.h>

struct db;

/* The sums of one range of one VE, exact (in 128 bits). */
struct db_usage_range {
	const char	*ve;
	int64_t		 at;		/* the start of the range's piece */
	__int128	 cpu_user_us, cpu_sys_us, vmem_byte_s, in_bytes, out_bytes;
};

/* The VEs of accounts acc_lo to acc_hi (both included). */
struct db_usage_part {
	long long	 acc_lo, acc_hi;
	void		*arg;		/* fn's */
	size_t		 rows;		/* the rows read */
};

/*
 * Call fn(part->arg, range) for every range of every VE of the part with
 * usage in [cut[0], cut[n - 1]) (cut[0..n) sorted, each once, n >= 2).
 * DB_OK, a db_rc, or what fn returned other than 0 (which stops it).
 * The invoice run calls it for one range of accounts after the other, on
 * a connection of its own beside its writer (db_invoice_run.c).
 */
int	db_invoice_usage(struct db *, const int64_t *cut, size_t n, struct db_usage_part *,
	    int (*fn)(void *, const struct db_usage_range *));

#endif
