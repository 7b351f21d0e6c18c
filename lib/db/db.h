/*
 * Database access: one MariaDB connection per program context, prepared
 * statements only (cached per connection, keyed by the SQL text's address,
 * so a module's statement table is just `static const char *const sql[]`),
 * transactions, and the one place where MariaDB errors become ours.
 *
 *	struct dbv p[] = { DBV_STR(code), DBV_INT(limit) };
 *	long long id; char name[129];
 *	struct dbo o[] = { DBO_INT(&id), DBO_STR(name) };
 *	rc = db_one(db, sql[STMT_PLAN_BY_CODE], p, nitems(p), o, nitems(o));
 */
#ifndef VEP_DB_H
#define VEP_DB_H

#include <stddef.h>
#include <stdint.h>

struct conf;
struct db;

enum db_rc {
	DB_OK = 0,
	DB_ERR = -1,		/* anything else; logged once in db.c */
	DB_DUP = -2,		/* unique key violation */
	DB_FK = -3,		/* foreign key violation */
	DB_GONE = -4,		/* connection lost; reconnect and retry the transaction */
	DB_RETRY = -5,		/* deadlock or lock wait timeout; retry the transaction */
	DB_REFUSED = -6,	/* a CHECK constraint or trigger refused the change */
	DB_TRUNC = -7,		/* a result did not fit the caller's buffer */
	DB_NOMEM = -8,		/* out of memory (not the database's fault) */
	DB_EXISTS = -9,		/* a module's own check: the object exists already */
};

enum dbv_type { DBV_T_NULL, DBV_T_INT, DBV_T_STR };

/* An input parameter. */
struct dbv {
	enum dbv_type	 type;
	long long	 i;
	const char	*s;	/* borrowed until the call returns */
	size_t		 len;
};
#define DBV_INT(v)	((struct dbv){ .type = DBV_T_INT, .i = (long long)(v) })
#define DBV_STR(v)	((struct dbv){ .type = DBV_T_STR, .s = (v), .len = (size_t)-1 })
#define DBV_STRN(v, n)	((struct dbv){ .type = DBV_T_STR, .s = (v), .len = (n) })
#define DBV_NULL	((struct dbv){ .type = DBV_T_NULL })
/* A string parameter that is NULL in SQL when the C pointer is NULL. */
#define DBV_STR0(v)	((v) != NULL ? DBV_STR(v) : DBV_NULL)

/* An output column. */
struct dbo {
	enum dbv_type	 type;
	long long	*i;
	char		*s;	/* caller's buffer of cap bytes, NUL-terminated */
	size_t		 cap;
	int		*isnull;	/* optional */
};
#define DBO_INT(p)	((struct dbo){ .type = DBV_T_INT, .i = (p) })
#define DBO_STR(buf)	((struct dbo){ .type = DBV_T_STR, .s = (buf), .cap = sizeof(buf) })
#define DBO_STRP(p, n)	((struct dbo){ .type = DBV_T_STR, .s = (p), .cap = (n) })

/* A cursor over a SELECT's rows. */
struct db_cur {
	struct db	*db;
	void		*st;	/* MYSQL_STMT *, borrowed from the cache */
	void		*bind;	/* MYSQL_BIND[] owned by the cursor */
	unsigned long	*lens;
	char		*nulls;
	struct dbo	*o;
	size_t		 no;
	int		 done;	/* every row read (or an error): nothing left to drain */
};

/*
 * Connect using [database] of conf: the first of its hosts that answers
 * (and, on Galera, is ready), starting at [database] prefer; NULL with a
 * reason in err.  db_open_at starts at prefer instead (from 1; <= 0: the
 * configuration's), for programs that spread themselves over the nodes.
 */
struct db	*db_open(const struct conf *, char *err, size_t errlen);
/*
 * Check what db_open reads of a loaded configuration ([database] hosts,
 * lib/db/dbhost.c) and [isp] tax_rates (lib/domain/tax.c): 0, or -1 with
 * "file:line: why" in err.  Every
 * program calls it right after conf_load, so a bad list stops it at once.
 */
int		 db_conf_check(const struct conf *, char *err, size_t errlen);
struct db	*db_open_at(const struct conf *, int prefer, char *err, size_t errlen);
/* Connect to explicit parameters (tools and tests); socket may be NULL. */
struct db	*db_open_params(const char *socket, const char *host, int port,
		    const char *user, const char *password, const char *name,
		    int connect_timeout, char *err, size_t errlen);
/*
 * A second connection with like's settings, to the server like is on (a
 * program that reads on two connections at once, each in its own thread:
 * db_invoice_usage); NULL with a reason in err.
 */
struct db	*db_open_like(struct db *like, char *err, size_t errlen);
void		 db_close(struct db *);
/*
 * Mark a connection as a background bulk writer (billingd's), now and
 * after every reconnect: MariaDB's thread pool (thread_handling =
 * pool-of-threads, README "Where the time goes") queues its statements
 * behind the interactive ones (thread_pool_priority = low), and its bulk
 * statements carry DB_BULK_ROWS_BG rows, so that a reader queued behind
 * one waits a few milliseconds at most.
 */
void		 db_set_background(struct db *);
/*
 * Drop the statement cache and reconnect, to the next host of the list
 * first (the current one just failed), then round the list; 0 or DB_GONE.
 */
int		 db_reconnect(struct db *);
/* The server in use (or last tried), "host:port" or a socket path, into out. */
const char	*db_host(struct db *, char *out, size_t outlen);
const char	*db_strerror(int rc);
/* The last MariaDB error text, for operators' logs only (never for users). */
const char	*db_last_error(struct db *);

int	db_begin(struct db *);
int	db_commit(struct db *);
int	db_rollback(struct db *);

/*
 * Run fn(db, arg) as one whole transaction: begin, fn, commit when fn
 * returns DB_OK, roll back otherwise.  DB_RETRY (a deadlock, or on Galera
 * a certification conflict with a write committed through another node)
 * and DB_GONE (after reconnecting, maybe to the next host) run it again
 * from the start, after a short random pause, while db_tx_again allows.
 * fn must read what it decides on inside the transaction and keep its
 * results in arg only once it returns DB_OK, so a second run is safe.
 * Returns DB_OK, fn's own code (a module error or a db_rc other than
 * DB_RETRY/DB_GONE ends the tries), or DB_RETRY/DB_GONE when they ran out.
 */
#define DB_TX_TRIES	16
#define DB_TX_WINDOW_S	5	/* no new try once this much time has passed */
int	db_tx(struct db *, int (*fn)(struct db *, void *), void *arg);
/* db_tx's decision after `tries` runs that took elapsed_ms: 1 to run again. */
int	db_tx_again(int rc, int tries, long long elapsed_ms);

/*
 * A session setting (SET SESSION ..., SET @var): db_exec without values.
 * On Galera a transaction aborted by another node's write between two
 * statements is not always told at the next one: a setting then runs
 * outside the transaction.  Since it wrote no row, the transaction is run
 * again (DB_RETRY through db_tx) instead of failing as an unknown loss.
 */
int	db_exec_session(struct db *, const char *sql);

/* Run a statement without result rows; affected and insert_id optional. */
int	db_exec(struct db *, const char *sql, const struct dbv *, size_t np,
	    uint64_t *affected, uint64_t *insert_id);
/* Start a SELECT; then db_next until it returns 0 (done) or < 0. */
int	db_query(struct db *, struct db_cur *, const char *sql,
	    const struct dbv *, size_t np, struct dbo *, size_t no);
/* 1: a row was stored in the outputs; 0: no more rows; < 0: error. */
int	db_next(struct db_cur *);
void	db_cur_close(struct db_cur *);
/* A SELECT expected to give at most one row: 1 found, 0 none, < 0 error. */
int	db_one(struct db *, const char *sql, const struct dbv *, size_t np,
	    struct dbo *, size_t no);
/*
 * Copy every remaining row of c (each time stored in *row, size bytes) into
 * a new array *rows (free()) of *n rows, then close c.  DB_OK or < 0 db_rc
 * (nothing returned then; DB_NOMEM when out of memory).
 */
int	db_fetch_all(struct db_cur *c, const void *row, size_t size, void **rows, size_t *n);
/* db_fetch_all calling fix(copy, arg) on each row's copy as it is stored (a field made from others). */
int	db_fetch_map(struct db_cur *c, const void *row, size_t size, void **rows, size_t *n,
	    void (*fix)(void *row, void *arg), void *arg);
/*
 * db_query of q then db_fetch_all: the common "every row of a SELECT into
 * an array"; the outputs o point into *row.  DB_OK or < 0 db_rc (*rows
 * NULL and *n 0 then).
 */
int	db_select_all(struct db *, const char *q, const struct dbv *, size_t np, struct dbo *o,
	    size_t no, const void *row, size_t size, void **rows, size_t *n);
/*
 * The same into rows[cap] the caller holds: the first cap rows (the rest
 * are read and dropped), *n of them; closes c.  DB_OK or < 0 db_rc.
 */
int	db_fetch_upto(struct db_cur *c, const void *row, size_t size, void *rows, size_t cap,
	    size_t *n);
/* SELECT COUNT(*)-like: the one integer of q's one row; *rc 0 or < 0 db_rc. */
long long db_count(struct db *, const char *q, const struct dbv *, size_t np, int *rc);
/* Run a plain multi-statement SQL text (migrations only). */
int	db_exec_script(struct db *, const char *text);

/*
 * MariaDB bulk array binding: one round trip per DB_BULK_ROWS rows of an
 * array of structs.  Each placeholder is a column of the row struct:
 *	DB_BULK_INT(st, field)		a long long
 *	DB_BULK_STR(st, field, ind)	a NUL-terminated char array
 *	DB_BULK_OPT(st, field, ind)	a long long, NULL when the row's ind byte is 1
 * ind names a char of the row that db_exec_bulk uses as the row's
 * indicator: for DB_BULK_STR it sets it itself; for DB_BULK_OPT the caller
 * sets it to 1 (NULL) or 0 (the value).  *affected (optional) adds up.
 * Returns a db_rc.
 */
#define DB_BULK_ROWS	1000
#define DB_BULK_ROWS_BG	200	/* on a background session (db_set_background) */
/* Placeholders of one statement at most (db_exec, db_query). */
#define DB_MAX_PARAMS	1024
enum db_bulk_type { DB_BULK_T_INT, DB_BULK_T_STR, DB_BULK_T_OPT };
struct db_bulk_col {
	enum db_bulk_type	 type;
	size_t			 off, ind;
};
#define DB_BULK_INT(st, f)	{ DB_BULK_T_INT, offsetof(struct st, f), 0 }
#define DB_BULK_STR(st, f, i)	{ DB_BULK_T_STR, offsetof(struct st, f), offsetof(struct st, i) }
#define DB_BULK_OPT(st, f, i)	{ DB_BULK_T_OPT, offsetof(struct st, f), offsetof(struct st, i) }
int	db_exec_bulk(struct db *, const char *sql, void *rows, size_t rowsize, size_t n,
	    const struct db_bulk_col *, size_t ncols, uint64_t *affected);
/* The same, per rows to a round trip instead of DB_BULK_ROWS (a packet of per rows must fit). */
int	db_exec_bulk_per(struct db *, const char *sql, void *rows, size_t rowsize, size_t n,
	    const struct db_bulk_col *, size_t nc, size_t per, uint64_t *affected);

/* The prepared statement for sql (prepared ahead of a transaction: see db_bill_warm). */
void	*db_stmt(struct db *, const char *sql);
/* Why db_stmt returned NULL: DB_GONE, DB_RETRY or DB_ERR. */
int	db_stmt_rc(struct db *);
/* Map a failed statement's error to enum db_rc (and log it once). */
int	db_stmt_error(struct db *, void *stmt, const char *what);

#endif
