/*
 * Invoiced months and late usage's marks: see db_periods.h.  The writer
 * only ever takes a shared lock on invoiced_periods and writes usage_late
 * rows; db_late_run deletes those rows only where n is still what it read
 * before rating, so a mark written meanwhile survives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_bill.h"
#include "db_periods.h"
#include "db_usage.h"
#include "rating.h"
#include "util.h"

enum stmt {
	S_PERIOD_OPEN,
	S_PERIOD_GUARD,
	S_PERIOD_LOCK,
	S_MARK,
	S__MAX
};

static const char *const sql[S__MAX] = {
	[S_PERIOD_OPEN] =
	    "INSERT IGNORE INTO invoiced_periods (period, first_at) VALUES (?, ?)",
	/* Written by the run and by the writer for a past month (0012_period_writes.sql). */
	[S_PERIOD_GUARD] =
	    "INSERT INTO period_writes (period, n) VALUES (?, 1) ON DUPLICATE KEY UPDATE n = n + 1",
	/* A missing row locks its gap: the run's insert of it waits for our commit. */
	[S_PERIOD_LOCK] =
	    "SELECT COUNT(*) FROM invoiced_periods WHERE period = ? LOCK IN SHARE MODE",
	[S_MARK] =
	    "INSERT INTO usage_late (ve_id, period, n, first_at, last_at) VALUES (?, ?, 1, ?, ?) "
	    "ON DUPLICATE KEY UPDATE n = n + 1, last_at = VALUES(last_at)",
};


struct period_open {
	const char	*period;
	long long	 now;
};

static int
period_open_tx(struct db *db, void *arg)
{
	const struct period_open *x = arg;
	struct dbv g[] = { DBV_STR(x->period) };
	struct dbv p[] = { DBV_STR(x->period), DBV_INT(x->now) };
	int rc;

	if ((rc = db_exec(db, sql[S_PERIOD_GUARD], g, nitems(g), NULL, NULL)) != DB_OK)
		return rc;
	return db_exec(db, sql[S_PERIOD_OPEN], p, nitems(p), NULL, NULL);
}

int
db_periods_open(struct db *db, const char *period, long long now)
{
	struct period_open x = { period, now };
	return db_tx(db, period_open_tx, &x) == DB_OK ? BILLING_OK : BILLING_EDB;
}

/* A usage_late row for the array-bound upsert. */
struct mrow {
	char		 ve[9];
	char		 ind_ve;
	char		 period[8];
	char		 ind_period;
	long long	 first_at, last_at;
};

static int
marks_put(struct db *db, struct mrow *rows, size_t n)
{
	static const struct db_bulk_col c[] = {
		DB_BULK_STR(mrow, ve, ind_ve), DB_BULK_STR(mrow, period, ind_period),
		DB_BULK_INT(mrow, first_at), DB_BULK_INT(mrow, last_at),
	};

	return db_exec_bulk(db, sql[S_MARK], rows, sizeof(*rows), n, c, nitems(c), NULL);
}

/* A month some rows fall in. */
struct month {
	int64_t		 from, to;
	char		 period[8];
	int		 invoiced;
};

int
db_periods_mark_days(struct db *db, const struct du_roll *d, size_t n, long long now,
    size_t *marked)
{
	struct month *mo = NULL;
	struct mrow *rows = NULL;
	size_t nmo = 0, cmo = 0, nrows = 0, k, last = SIZE_MAX;
	int rc = DB_OK, any = 0, y, m;

	*marked = 0;
	/* The months of the rows (a batch spans one, two at a month's turn). */
	for (size_t i = 0; i < n; i++) {
		for (k = 0; k < nmo; k++)
			if (d[i].t >= mo[k].from && d[i].t < mo[k].to)
				break;
		if (k < nmo)
			continue;
		if (nmo == cmo) {
			size_t nc = cmo ? cmo * 2 : 4;
			struct month *x = reallocarray(mo, nc, sizeof(*mo));
			if (x == NULL) {
				rc = DB_NOMEM;
				goto out;
			}
			mo = x;
			cmo = nc;
		}
		rate_month_of(d[i].t, &y, &m);
		rate_month_bounds(y, m, &mo[nmo].from, &mo[nmo].to);
		db_bill_period_str(y, m, mo[nmo].period);
		nmo++;
	}
	for (k = 0; k < nmo; k++) {
		long long c = 0;
		struct dbv p[] = { DBV_STR(mo[k].period) };
		struct dbo o[] = { DBO_INT(&c) };
		/* Only a past month can be invoiced: its guard row first, then the read. */
		if (!(now >= mo[k].from && now < mo[k].to) &&
		    (rc = db_exec(db, sql[S_PERIOD_GUARD], p, 1, NULL, NULL)) != DB_OK)
			goto out;
		if ((rc = db_one(db, sql[S_PERIOD_LOCK], p, 1, o, 1)) < 0)
			goto out;
		rc = DB_OK;
		mo[k].invoiced = c > 0;
		any |= mo[k].invoiced;
	}
	if (!any)
		goto out;
	if ((rows = calloc(n, sizeof(*rows))) == NULL) {
		rc = DB_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		for (k = 0; k < nmo; k++)
			if (d[i].t >= mo[k].from && d[i].t < mo[k].to)
				break;
		if (k == nmo || !mo[k].invoiced)
			continue;
		/* A VE's days of one month come together: one mark for them. */
		if (last != SIZE_MAX && strcmp(rows[last].ve, d[i].ve) == 0 &&
		    strcmp(rows[last].period, mo[k].period) == 0)
			continue;
		last = nrows;
		struct mrow *x = &rows[nrows++];
		snprintf(x->ve, sizeof(x->ve), "%s", d[i].ve);
		memcpy(x->period, mo[k].period, sizeof(x->period));
		x->first_at = x->last_at = now;
	}
	if ((rc = marks_put(db, rows, nrows)) == DB_OK)
		*marked = nrows;
out:
	free(rows);
	free(mo);
	return rc;
}
