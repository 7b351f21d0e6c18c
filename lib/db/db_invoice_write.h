/*
 * db_invoice_write: the invoice run's writer (db_invoice_run.c reads and
 * rates; this writes).  Private to the run: struct run is the state both
 * share.  Groups are runs of VEs (of struct run, in account, currency and
 * id order) with the same account and currency: an invoice each.  A chunk
 * of RUN_CHUNK groups is one transaction (db_tx), holding the document
 * number lock (db_docnum) from its start to its commit.  Functions return
 * a db_rc (db.h) unless said otherwise.
 */
#ifndef VEP_DB_INVOICE_WRITE_H
#define VEP_DB_INVOICE_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "db_charges.h"
#include "db_docnum.h"
#include "db_versions.h"
#include "rating.h"
#include "sla.h"

struct db;
struct sla_veavail;

#define DB_INVOICE_CHUNK	200	/* invoices per transaction */
struct bve {
	char		 id[9];
	char		 currency[4];
	long long	 account_id, created_at, quota_mb, plan_id, tax_bp;
	int		 active_now;
	size_t		 vlo, nv;	/* its plan's versions in run.vr */
	size_t		 ev_off, ev_n;
	size_t		 u_off;
	size_t		 line_off, nlines;
	int		 hist;		/* rated by db_charges (its order changed): own lines */
	size_t		 own_off;	/* into run.own, run.own_vid */
};

/* An invoice_lines row for the array-bound INSERT. */
struct bline {
	long long	 invoice_id, seq, version_id, qty, price, amount, part_from, part_to;
	char		 ve[9], kind[10], res[16], unit[12];	/* res: "availability" */
	char		 ind_ve, ind_kind, ind_res, ind_unit;
};

/* An invoice_ves row (a VE with lines on an invoice) for the array-bound INSERT. */
struct bvi {
	long long	 invoice_id;
	char		 ve[9];
	char		 ind_ve;
};

/* An invoices row for the array-bound INSERT. */
struct binv {
	long long	 account_id, from, to, tax_bp, sub, tax, total, issued, due;
	char		 number[DB_DOCNUM_LEN], period[8], currency[4];
	char		 name[4 * 128 + 1], company[4 * 128 + 1], address[4 * 512 + 1];
	char		 country[4 * 2 + 1], vat_id[4 * 20 + 1], scheme[16];
	size_t		 g;		/* its group */
};

struct run {
	struct bve		*ve;
	size_t			 nve;
	size_t			*by_id;		/* indexes of ve sorted by id */
	struct db_vrow		*vr;
	size_t			 nvr;
	struct rate_event	*ev;
	size_t			 nev;
	struct rate_usage	*u;
	size_t			 nu;
	struct rate_version	*vtmp;
	struct rate_line	*lines;
	size_t			 nlines;
	struct bline		*bl;
	size_t			 nbl, cbl;
	struct bvi		*bv;		/* a chunk's invoice_ves rows */
	size_t			 nbv, cbv;
	struct binv		*bi;		/* a chunk's invoices */
	long long		*gid;		/* a chunk's invoice ids by group: 0 none, -1 was there */
	struct sla_terms	*sla;		/* per vr entry */
	struct sla_veavail	*avail;		/* measured, by VE id */
	size_t			 navail;
	struct rate_line	*own;		/* lines of the VEs with hist set */
	struct db_line_part	*own_vid;	/* their price version ids and parts */
	size_t			 nown, cown;
	double			 t_inv, t_lines, t_ves;	/* writing: seconds in each statement */
	double			 t_write;	/* in db_invoice_write */
	double			 t_wait;	/* the writer waiting for the reading */
	double			 t_usage;	/* reading the usage rows */
	int64_t			*cut;		/* the month cut at the versions' changes */
	size_t			 ncut;
	size_t			 usage_rows;
};

/* Monotonic seconds, for the run's phase timings. */
#define db_invoice_mono()	((double)vep_mono_us() / 1e6)

/*
 * Before the first db_invoice_write: the chunk buffers of r, the writer's
 * statements prepared, the year's number counter made.  A billing_rc
 * (db_bill.h); err says what failed.
 */
int	db_invoice_write_begin(struct db *, struct run *r, long long now, char *err,
	    size_t errlen);

/*
 * Write the invoices of groups [g0, g1) of gs (each group's VEs rated,
 * their lines in r->lines), DB_INVOICE_CHUNK to a transaction, invoice by
 * invoice when each (the reference writer), else batched; *created adds
 * up the invoices made.  A billing_rc; err says what failed.
 */
int	db_invoice_write(struct db *, struct run *r, const size_t *gs, size_t g0, size_t g1,
	    int y, int mo, int due_days, long long now, int *created, const char *period,
	    int each, char *err, size_t errlen);

#endif
