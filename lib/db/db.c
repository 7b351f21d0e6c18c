/*
 * MariaDB Connector/C behind a small API: see db.h.  Statements are
 * prepared once per connection and cached by the address of their SQL text
 * (every module keeps its SQL in one static table, so addresses are stable).
 *
 * A connection may have several servers to choose from ([database] hosts,
 * e.g. the nodes of a Galera cluster): it starts at the preferred one and
 * takes the first that answers and is ready; when its server goes away or
 * stops being ready (a Galera node outside the primary component answers
 * 1047), db_reconnect moves on to the next one, round the list.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "conf.h"
#include "db.h"
#include "tax.h"
#include "dbhost.h"
#include "log.h"
#include "util.h"

#define STMT_CACHE	128

struct db {
	MYSQL		*my;
	struct {
		const char	*sql;
		MYSQL_STMT	*st;
	}		 cache[STMT_CACHE];
	size_t		 ncache;
	int		 in_tx;
	/* kept for reconnect */
	struct db_host	 hosts[DB_HOSTS_MAX];
	size_t		 nhosts;
	size_t		 cur;		/* the host connected to, or last tried */
	char		*user, *password, *name;
	int		 timeout, rw_timeout;
	int		 sync_wait;	/* wsrep_sync_wait for Galera sessions */
	int		 galera;	/* the server runs with wsrep_on */
	int		 lastrc;	/* the enum db_rc of the last error recorded */
	int		 broken;	/* the transaction ended under us: its db_rc, or 0 */
	int		 setting;	/* running a session setting (db_exec_session) */
	int		 background;	/* a bulk writer: db_set_background */
	char		 lasterr[512];
};

static int
map_errno(unsigned int e)
{
	switch (e) {
	case ER_DUP_ENTRY:
	case ER_DUP_KEY:
	case ER_DUP_ENTRY_WITH_KEY_NAME:
		return DB_DUP;
	case ER_NO_REFERENCED_ROW:
	case ER_NO_REFERENCED_ROW_2:
	case ER_ROW_IS_REFERENCED:
	case ER_ROW_IS_REFERENCED_2:
		return DB_FK;
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
		return DB_RETRY;
	case ER_SIGNAL_EXCEPTION:
	case ER_CONSTRAINT_FAILED:
		return DB_REFUSED;
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case ER_UNKNOWN_COM_ERROR:	/* Galera: node not in the primary component */
	case ER_ERROR_DURING_COMMIT:	/* Galera: lost the primary component while committing */
	case CR_CONN_HOST_ERROR:
	case CR_CONNECTION_ERROR:
	case ER_CONNECTION_KILLED:
	case ER_SERVER_SHUTDOWN:
	case CR_COMMANDS_OUT_OF_SYNC:
		return DB_GONE;
	default:
		return DB_ERR;
	}
}

const char *
db_strerror(int rc)
{
	switch (rc) {
	case DB_OK:	return "ok";
	case DB_DUP:	return "duplicate entry";
	case DB_FK:	return "referenced row missing or still in use";
	case DB_GONE:	return "database connection lost";
	case DB_RETRY:	return "deadlock or lock timeout";
	case DB_REFUSED: return "refused by a database constraint";
	case DB_TRUNC:	return "result too long";
	case DB_NOMEM:	return "out of memory";
	case DB_EXISTS:	return "already exists";
	default:	return "database error";
	}
}

const char *
db_last_error(struct db *db)
{
	return db->lasterr;
}

static int
record(struct db *db, unsigned int e, const char *msg, const char *what)
{
	int rc = map_errno(e);

	/*
	 * MariaDB 10.11 with Galera: a transaction aborted for a conflict
	 * (brute force) while the server loads a table's triggers leaves that
	 * table's cached instance with "Unknown trigger has an error in its
	 * body: 'Query was empty'" on that node.  The triggers are fine: run
	 * the transaction again on the next node.  (On a single server the
	 * same text means a broken trigger; the retry fails the same way.)
	 */
	if (e == ER_PARSE_ERROR && strstr(msg, "Unknown trigger has an error in its body") != NULL)
		rc = DB_GONE;
	db->lastrc = rc;
	snprintf(db->lasterr, sizeof(db->lasterr), "%s: %u %s", what, e, msg);
	/* Expected outcomes are the caller's to report; log the rest once. */
	if (rc == DB_ERR || rc == DB_GONE)
		log_warnx("db: %s", db->lasterr);
	return rc;
}

int
db_stmt_error(struct db *db, void *stmt, const char *what)
{
	MYSQL_STMT *st = stmt;

	/*
	 * An error packet that arrives while rows are fetched (on Galera: the
	 * transaction aborted by a conflicting write) may be left on the
	 * connection rather than the statement.
	 */
	if (mysql_stmt_errno(st) == 0 && mysql_errno(db->my) != 0)
		return record(db, mysql_errno(db->my), mysql_error(db->my), what);
	return record(db, mysql_stmt_errno(st), mysql_stmt_error(st), what);
}

static int
my_error(struct db *db, const char *what)
{
	return record(db, mysql_errno(db->my), mysql_error(db->my), what);
}

static void
cache_clear(struct db *db)
{
	for (size_t i = 0; i < db->ncache; i++)
		mysql_stmt_close(db->cache[i].st);
	db->ncache = 0;
}

/*
 * One text query of our own with at most one row of one column, for the
 * checks after connecting (no statement cache yet, no user input): the
 * value into out ("" when no row), the MariaDB error number, or 0.
 */
static unsigned int
probe(MYSQL *my, const char *q, char *out, size_t outlen)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	unsigned int nf;

	out[0] = '\0';
	if (mysql_query(my, q) != 0)
		return mysql_errno(my);
	if ((res = mysql_store_result(my)) == NULL)
		return mysql_errno(my);
	nf = mysql_num_fields(res);
	if ((row = mysql_fetch_row(res)) != NULL && nf > 0 && row[nf - 1] != NULL)
		snprintf(out, outlen, "%s", row[nf - 1]);
	mysql_free_result(res);
	return 0;
}

/*
 * After connecting to a server that may be a Galera node: is it ready (in
 * the primary component and synced enough to serve), and set the session's
 * wsrep_sync_wait.  Why sync_wait: Galera commits are certified on every
 * node but applied on the others a little later, so a read through node B
 * right after a write through node A may not see it; with wsrep_sync_wait
 * = 1 each read first waits until B has applied everything committed
 * before it.  A web request that follows a login or an order may be served
 * by a worker on another node (after a failover, programs are spread over
 * the nodes), so reads must see the latest writes: 1 is the default.
 * Writers need no wait for correctness: a transaction that read an old
 * row and writes it fails certification (1213) and runs again.
 * Returns 0, or -1 with the reason in why.
 */
static int
galera_check(struct db *db, char *why, size_t whylen)
{
	char v[64], q[64];
	unsigned int e;

	db->galera = 0;
	if ((e = probe(db->my, "SELECT @@GLOBAL.wsrep_on", v, sizeof(v))) != 0) {
		if (e == ER_UNKNOWN_SYSTEM_VARIABLE)
			return 0;	/* a server built without Galera */
		snprintf(why, whylen, "%s", mysql_error(db->my));
		return -1;
	}
	if (strcmp(v, "1") != 0)
		return 0;
	db->galera = 1;
	if (probe(db->my, "SHOW STATUS LIKE 'wsrep_ready'", v, sizeof(v)) != 0) {
		snprintf(why, whylen, "%s", mysql_error(db->my));
		return -1;
	}
	if (strcmp(v, "ON") != 0) {
		snprintf(why, whylen, "Galera node not ready (wsrep_ready %s: not in the primary "
		    "component, or still joining)", v[0] ? v : "unknown");
		return -1;
	}
	/* An integer from the configuration's checked range, not user input. */
	snprintf(q, sizeof(q), "SET SESSION wsrep_sync_wait = %d", db->sync_wait);
	if (probe(db->my, q, v, sizeof(v)) != 0) {
		snprintf(why, whylen, "%s", mysql_error(db->my));
		return -1;
	}
	return 0;
}

/*
 * A background session (db_set_background) asks MariaDB's thread pool to
 * run its statements after the interactive ones queued in the same group.
 * Only scheduling: a server without the variable (no pool compiled in)
 * or one that refuses it runs the session as any other.
 */
static void
background_session(struct db *db)
{
	char v[24];

	if (db->background && db->my != NULL)
		(void)probe(db->my, "SET SESSION thread_pool_priority = 'low'", v, sizeof(v));
}

/* Connect to host i; 0 or -1 with the reason in why. */
static int
connect_one(struct db *db, size_t i, char *why, size_t whylen)
{
	const struct db_host *h = &db->hosts[i];
	unsigned int t = (unsigned int)db->timeout;
	unsigned int rw = (unsigned int)db->rw_timeout;
	my_bool off = 0;

	if (db->my != NULL)
		mysql_close(db->my);
	if ((db->my = mysql_init(NULL)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	mysql_options(db->my, MYSQL_OPT_CONNECT_TIMEOUT, &t);
	mysql_options(db->my, MYSQL_OPT_READ_TIMEOUT, &rw);
	mysql_options(db->my, MYSQL_OPT_WRITE_TIMEOUT, &rw);
	mysql_options(db->my, MYSQL_OPT_RECONNECT, &off);	/* we reconnect ourselves */
	mysql_options(db->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(db->my, MYSQL_INIT_COMMAND,
	    "SET time_zone='+00:00', sql_mode='STRICT_ALL_TABLES,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO'");
	if (mysql_real_connect(db->my, h->socket[0] ? NULL : h->host, db->user,
	    db->password, db->name, (unsigned int)h->port, h->socket[0] ? h->socket : NULL,
	    0) == NULL) {
		snprintf(why, whylen, "%s", mysql_error(db->my));
		return -1;
	}
	/* One server, no sync_wait: exactly the single-server behaviour of old. */
	if ((db->nhosts > 1 || db->sync_wait > 0) && galera_check(db, why, whylen) == -1) {
		mysql_close(db->my);
		db->my = NULL;
		return -1;
	}
	background_session(db);
	return 0;
}

void
db_set_background(struct db *db)
{
	db->background = 1;
	background_session(db);
}

/*
 * Connect to the first host that answers, trying each once from first on
 * (db_hosts_pos); 0, or -1 with a reason in err (the last host's).
 */
static int
connect_now(struct db *db, size_t first, char *err, size_t errlen)
{
	char why[384], name[DB_SOCKLEN + 8];
	size_t was = db->cur;

	for (size_t k = 0; k < db->nhosts; k++) {
		size_t i = db_hosts_pos(db->nhosts, first, k);
		db->cur = i;
		db_host_name(&db->hosts[i], name, sizeof(name));
		if (connect_one(db, i, why, sizeof(why)) == 0) {
			if (i != was)
				log_info("db: on %s now%s", name, db->galera ? " (Galera node)" : "");
			return 0;
		}
		if (db->nhosts > 1)
			log_warnx("db: %s: %s", name, why);
	}
	db_host_name(&db->hosts[db->cur], name, sizeof(name));
	if (db->nhosts > 1)
		snprintf(err, errlen, "cannot connect to any of the %zu database servers "
		    "(last: %s: %s)", db->nhosts, name, why);
	else
		snprintf(err, errlen, "cannot connect to MariaDB%s%s: %s",
		    db->hosts[0].socket[0] ? " at " : "", db->hosts[0].socket, why);
	return -1;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	cache_clear(db);
	if (db->my != NULL)
		mysql_close(db->my);
	free(db->user);
	if (db->password != NULL) {
		explicit_bzero(db->password, strlen(db->password));
		free(db->password);
	}
	free(db->name);
	free(db);
}

/* The common part of db_open and db_open_params: hosts are set. */
static struct db *
open_hosts(struct db *db, const char *user, const char *password, const char *name,
    size_t first, char *err, size_t errlen)
{
	db->user = strdup(user ? user : "");
	db->password = password ? strdup(password) : NULL;
	db->name = strdup(name ? name : "");
	if (db->user == NULL || db->name == NULL || (password != NULL && db->password == NULL)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	db->cur = first;
	if (connect_now(db, first, err, errlen) == -1)
		goto fail;
	return db;
fail:
	db_close(db);
	return NULL;
}

/* A db with the connection settings but no server yet; NULL when out of memory. */
static struct db *
db_new(int timeout, int rw_timeout, int sync_wait, char *err, size_t errlen)
{
	struct db *db;

	if ((db = calloc(1, sizeof(*db))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	db->timeout = timeout > 0 ? timeout : 5;
	db->rw_timeout = rw_timeout > 0 ? rw_timeout : 30;
	db->sync_wait = sync_wait;
	return db;
}

/* One host from socket, or host and port, into h; 0 or -1 (too long). */
static int
one_host(struct db_host *h, const char *socket, const char *host, int port)
{
	memset(h, 0, sizeof(*h));
	if (socket != NULL && *socket != '\0')
		return snprintf(h->socket, sizeof(h->socket), "%s", socket) <
		    (int)sizeof(h->socket) ? 0 : -1;
	h->port = port;
	return snprintf(h->host, sizeof(h->host), "%s", host ? host : "127.0.0.1") <
	    (int)sizeof(h->host) ? 0 : -1;
}

struct db *
db_open_params(const char *socket, const char *host, int port, const char *user,
    const char *password, const char *name, int timeout, char *err, size_t errlen)
{
	struct db *db;

	/* Tools and tests: one server, no wsrep_sync_wait of our own. */
	if ((db = db_new(timeout, 30, 0, err, errlen)) == NULL)
		return NULL;
	if (one_host(&db->hosts[0], socket, host, port) == -1) {
		snprintf(err, errlen, "database socket or host name too long");
		db_close(db);
		return NULL;
	}
	db->nhosts = 1;
	return open_hosts(db, user, password, name, 0, err, errlen);
}

struct db *
db_open_like(struct db *like, char *err, size_t errlen)
{
	struct db *db;

	if ((db = db_new(like->timeout, like->rw_timeout, like->sync_wait, err, errlen)) == NULL)
		return NULL;
	memcpy(db->hosts, like->hosts, sizeof(db->hosts));
	db->nhosts = like->nhosts;
	return open_hosts(db, like->user, like->password, like->name, like->cur, err, errlen);
}

static char *
read_secret(const char *path, char *err, size_t errlen)
{
	FILE *f;
	char line[512];

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	return strdup(line);
}

struct db *
db_open_at(const struct conf *c, int prefer, char *err, size_t errlen)
{
	const char *pf = conf_str(c, "database", "password_file");
	char *pw = NULL, why[256];
	struct db *db;
	int n;

	if ((db = db_new((int)conf_int(c, "database", "connect_timeout_s"),
	    (int)conf_int(c, "database", "rw_timeout_s"),
	    (int)conf_int(c, "database", "sync_wait"), err, errlen)) == NULL)
		return NULL;
	/* conf_load checked the list already; this cannot fail but says why if it does. */
	if ((n = db_hosts_parse(conf_str(c, "database", "hosts"),
	    (int)conf_int(c, "database", "port"), db->hosts, nitems(db->hosts), why,
	    sizeof(why))) == -1) {
		snprintf(err, errlen, "[database] hosts: %s", why);
		db_close(db);
		return NULL;
	}
	if (n == 0) {
		if (one_host(&db->hosts[0], conf_str(c, "database", "socket"),
		    conf_str(c, "database", "host"), (int)conf_int(c, "database", "port")) == -1) {
			snprintf(err, errlen, "[database] socket or host too long");
			db_close(db);
			return NULL;
		}
		n = 1;
	}
	db->nhosts = (size_t)n;
	if (*pf != '\0' && (pw = read_secret(pf, err, errlen)) == NULL) {
		db_close(db);
		return NULL;
	}
	db = open_hosts(db, conf_str(c, "database", "user"), pw, conf_str(c, "database", "name"),
	    db_hosts_first((size_t)n, prefer > 0 ? prefer : conf_int(c, "database", "prefer")),
	    err, errlen);
	if (pw != NULL) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
	return db;
}

struct db *
db_open(const struct conf *c, char *err, size_t errlen)
{
	return db_open_at(c, 0, err, errlen);
}

int
db_reconnect(struct db *db)
{
	char err[512];
	cache_clear(db);
	db->in_tx = 0;
	db->broken = 0;
	/* The next host first: the one we were on just failed us. */
	if (connect_now(db, db->cur + 1, err, sizeof(err)) == -1) {
		snprintf(db->lasterr, sizeof(db->lasterr), "%s", err);
		return DB_GONE;
	}
	return DB_OK;
}

const char *
db_host(struct db *db, char *out, size_t outlen)
{
	db_host_name(&db->hosts[db->cur], out, outlen);
	return out;
}

int
db_tx_again(int rc, int tries, long long elapsed_ms)
{
	if (rc != DB_RETRY && rc != DB_GONE)
		return 0;
	return tries < DB_TX_TRIES && elapsed_ms < DB_TX_WINDOW_S * 1000LL;
}

/*
 * On Galera, a transaction that a write from another node aborts while it
 * waits on a row that write inserted is told "duplicate key" (1062), not
 * "deadlock": the number it took from a counter row was taken by the
 * other.  Run it once more there; a real duplicate is refused again.
 */
static int
galera_dup(const struct db *db, int rc, int *dup_tries)
{
	if (rc != DB_DUP || !db->galera || *dup_tries > 0)
		return rc;
	(*dup_tries)++;
	return DB_RETRY;
}

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
db_tx(struct db *db, int (*fn)(struct db *, void *), void *arg)
{
	long long t0 = mono_ms();
	int rc, tries = 0, dups = 0;

	for (;;) {
		if ((rc = db_begin(db)) == DB_OK) {
			rc = fn(db, arg);
			if (rc == DB_OK)
				rc = db_commit(db);
			else
				db_rollback(db);
		}
		rc = galera_dup(db, rc, &dups);
		tries++;
		if (!db_tx_again(rc, tries, mono_ms() - t0))
			break;
		if (rc == DB_GONE && db_reconnect(db) != DB_OK)
			break;
		if (rc == DB_RETRY) {
			/*
			 * Two writers of the same rows (on Galera: through two
			 * nodes) would meet again at once; a short random pause,
			 * growing with the tries, lets one of them through.
			 */
			unsigned char r = 0;
			(void)vep_random(&r, 1);
			long long ms = 1 + (long long)r % (4LL << (tries < 6 ? tries : 6));
			struct timespec ts = { 0, (long)(ms * 1000000) };
			nanosleep(&ts, NULL);
		}
	}
	if (rc == DB_RETRY || rc == DB_GONE)
		log_warnx("%s: gave up after %d tries in %lld ms: %s", __func__, tries,
		    mono_ms() - t0, db_strerror(rc));
	return rc;
}

int
db_stmt_rc(struct db *db)
{
	/*
	 * The server went away, or on Galera our transaction was aborted by a
	 * conflicting one from another node (its next command, a prepare too,
	 * answers 1213): the caller reconnects or runs the transaction again.
	 */
	return db->lastrc == DB_GONE || db->lastrc == DB_RETRY ? db->lastrc : DB_ERR;
}

void *
db_stmt(struct db *db, const char *sql)
{
	db->lastrc = DB_ERR;
	MYSQL_STMT *st;

	for (size_t i = 0; i < db->ncache; i++)
		if (db->cache[i].sql == sql)
			return db->cache[i].st;
	if ((st = mysql_stmt_init(db->my)) == NULL) {
		my_error(db, "stmt_init");
		return NULL;
	}
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		record(db, mysql_stmt_errno(st), mysql_stmt_error(st), "prepare");
		log_warnx("db: cannot prepare: %.120s", sql);
		mysql_stmt_close(st);
		return NULL;
	}
	if (db->ncache == STMT_CACHE) {
		/* Evict the oldest; a program with more statements still works. */
		mysql_stmt_close(db->cache[0].st);
		memmove(db->cache, db->cache + 1, sizeof(db->cache[0]) * (STMT_CACHE - 1));
		db->ncache--;
	}
	db->cache[db->ncache].sql = sql;
	db->cache[db->ncache].st = st;
	db->ncache++;
	return st;
}

/*
 * After a statement of a transaction ran: DB_OK while the transaction is
 * still open.  Ran outside it, it was rolled back under us without a
 * word; never expected (see db_cur_close), so it is not rerun: the
 * statement may have committed on its own.  A setting wrote nothing, so
 * the transaction runs again.
 */
static int
tx_still_open(struct db *db, const char *sql)
{
	if (!db->in_tx || (db->my->server_status & SERVER_STATUS_IN_TRANS))
		return DB_OK;
	if (db->broken == 0)
		db->broken = db->setting ? DB_RETRY : DB_ERR;
	snprintf(db->lasterr, sizeof(db->lasterr), "transaction lost before: %.80s", sql);
	log_warnx("db: %s", db->lasterr);
	return db->broken;
}

int
db_exec_bulk(struct db *db, const char *sql, void *rows, size_t rowsize, size_t n,
    const struct db_bulk_col *c, size_t nc, uint64_t *affected)
{
	return db_exec_bulk_per(db, sql, rows, rowsize, n, c, nc, DB_BULK_ROWS, affected);
}

int
db_exec_bulk_per(struct db *db, const char *sql, void *rows, size_t rowsize, size_t n,
    const struct db_bulk_col *c, size_t nc, size_t per, uint64_t *affected)
{
	MYSQL_BIND b[16];
	MYSQL_STMT *st;
	int rc;

	if (nc > nitems(b))
		return DB_ERR;
	/* The indicators: strings are NUL-terminated, optional values NULL or not. */
	for (size_t r = 0; r < n; r++) {
		char *row = (char *)rows + r * rowsize;
		for (size_t i = 0; i < nc; i++) {
			char *ind = row + c[i].ind;
			if (c[i].type == DB_BULK_T_STR)
				*ind = STMT_INDICATOR_NTS;
			else if (c[i].type == DB_BULK_T_OPT)
				*ind = *ind == STMT_INDICATOR_NULL ? STMT_INDICATOR_NULL :
				    STMT_INDICATOR_NONE;
		}
	}
	/* Nothing more in a transaction that ended under us, as run_bound. */
	if (db->in_tx && db->broken != 0)
		return db->broken;
	for (size_t done = 0; done < n;) {
		/* A background session (db_set_background) sends smaller statements. */
		size_t most = db->background && per > DB_BULK_ROWS_BG ? DB_BULK_ROWS_BG : per;
		unsigned int k = (unsigned int)(n - done < most ? n - done : most);
		char *base = (char *)rows + done * rowsize;

		if ((st = db_stmt(db, sql)) == NULL)
			return db_stmt_rc(db);
		memset(b, 0, sizeof(b[0]) * nc);
		for (size_t i = 0; i < nc; i++) {
			b[i].buffer = base + c[i].off;
			b[i].buffer_type = c[i].type == DB_BULK_T_STR ? MYSQL_TYPE_STRING :
			    MYSQL_TYPE_LONGLONG;
			if (c[i].type != DB_BULK_T_INT)
				b[i].u.indicator = base + c[i].ind;
		}
		if (mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &k) != 0 ||
		    mysql_stmt_attr_set(st, STMT_ATTR_ROW_SIZE, &rowsize) != 0 ||
		    mysql_stmt_bind_param(st, b) != 0)
			return db_stmt_error(db, st, "bulk bind");
		if (mysql_stmt_execute(st) != 0)
			return db_stmt_error(db, st, "bulk execute");
		if ((rc = tx_still_open(db, sql)) != DB_OK)
			return rc;
		if (affected != NULL)
			*affected += (uint64_t)mysql_stmt_affected_rows(st);
		done += k;
	}
	return DB_OK;
}

static void
bind_params(MYSQL_BIND *b, const struct dbv *p, size_t np, unsigned long *lens)
{
	for (size_t i = 0; i < np; i++) {
		memset(&b[i], 0, sizeof(b[i]));
		switch (p[i].type) {
		case DBV_T_NULL:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case DBV_T_INT:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)&p[i].i;
			break;
		case DBV_T_STR:
			lens[i] = p[i].len == (size_t)-1 ? strlen(p[i].s) : p[i].len;
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = (void *)p[i].s;
			b[i].buffer_length = lens[i];
			b[i].length = &lens[i];
			break;
		}
	}
}

static int run_bound(struct db *, const char *, const struct dbv *, size_t, MYSQL_STMT **,
    MYSQL_BIND *, unsigned long *);

/* Prepare (cached) and execute; one retry after reconnect outside transactions. */
static int
run(struct db *db, const char *sql, const struct dbv *p, size_t np, MYSQL_STMT **out)
{
	MYSQL_BIND sb[160], *b = sb;	/* more: the invoice run's INSERT of 40 invoices (720) */
	unsigned long slens[160], *lens = slens;
	int rc;

	if (np > nitems(sb)) {
		if (np > DB_MAX_PARAMS) {
			log_warnx("%s: too many parameters", __func__);
			return DB_ERR;
		}
		b = calloc(np, sizeof(*b));
		lens = calloc(np, sizeof(*lens));
		if (b == NULL || lens == NULL)
			rc = DB_NOMEM;
		else
			rc = run_bound(db, sql, p, np, out, b, lens);
		free(b);
		free(lens);
		return rc;
	}
	return run_bound(db, sql, p, np, out, b, lens);
}

static int
run_bound(struct db *db, const char *sql, const struct dbv *p, size_t np, MYSQL_STMT **out,
    MYSQL_BIND *b, unsigned long *lens)
{
	MYSQL_STMT *st;
	int rc;

	/*
	 * Nothing more in a transaction that ended under us (db_cur_close),
	 * but settings: a session put back as it was must be put back.
	 */
	if (db->in_tx && db->broken != 0 && !db->setting)
		return db->broken;
	for (int attempt = 0; attempt < 2; attempt++) {
		/* A failed prepare leaves its error on the closed statement: db_stmt recorded it. */
		if ((st = db_stmt(db, sql)) == NULL)
			rc = db_stmt_rc(db);
		else {
			if (mysql_stmt_param_count(st) != np) {
				log_warnx("%s: %lu placeholders, %zu values: %.80s", __func__,
				    mysql_stmt_param_count(st), np, sql);
				return DB_ERR;
			}
			bind_params(b, p, np, lens);
			if (np > 0 && mysql_stmt_bind_param(st, b) != 0)
				return db_stmt_error(db, st, "bind");
			if (mysql_stmt_execute(st) == 0) {
				if ((rc = tx_still_open(db, sql)) != DB_OK) {
					mysql_stmt_free_result(st);
					return rc;
				}
				*out = st;
				return DB_OK;
			}
			rc = db_stmt_error(db, st, "execute");
		}
		if (rc != DB_GONE || db->in_tx || attempt == 1)
			return rc;
		if (db_reconnect(db) != DB_OK)
			return DB_GONE;
	}
	return DB_GONE;
}

int
db_exec_session(struct db *db, const char *sql)
{
	int rc;

	db->setting = 1;
	rc = db_exec(db, sql, NULL, 0, NULL, NULL);
	db->setting = 0;
	return rc;
}

int
db_exec(struct db *db, const char *sql, const struct dbv *p, size_t np,
    uint64_t *affected, uint64_t *insert_id)
{
	MYSQL_STMT *st = NULL;
	int rc = run(db, sql, p, np, &st);
	if (rc != DB_OK)
		return rc;
	if (affected != NULL)
		*affected = (uint64_t)mysql_stmt_affected_rows(st);
	if (insert_id != NULL)
		*insert_id = (uint64_t)mysql_stmt_insert_id(st);
	mysql_stmt_free_result(st);
	return DB_OK;
}

int
db_query(struct db *db, struct db_cur *c, const char *sql, const struct dbv *p,
    size_t np, struct dbo *o, size_t no)
{
	MYSQL_STMT *st = NULL;
	MYSQL_BIND *b;
	int rc;

	memset(c, 0, sizeof(*c));
	c->db = db;
	c->o = o;
	c->no = no;
	if ((rc = run(db, sql, p, np, &st)) != DB_OK)
		return rc;
	c->st = st;
	if (mysql_stmt_field_count(st) != no) {
		log_warnx("%s: %u columns, %zu outputs: %.80s", __func__,
		    mysql_stmt_field_count(st), no, sql);
		db_cur_close(c);
		return DB_ERR;
	}
	if ((b = calloc(no ? no : 1, sizeof(*b))) == NULL ||
	    (c->lens = calloc(no ? no : 1, sizeof(*c->lens))) == NULL ||
	    (c->nulls = calloc(no ? no : 1, 1)) == NULL) {
		free(b);
		db_cur_close(c);
		return DB_NOMEM;
	}
	c->bind = b;
	for (size_t i = 0; i < no; i++) {
		b[i].is_null = (my_bool *)&c->nulls[i];
		b[i].length = &c->lens[i];
		if (o[i].type == DBV_T_INT) {
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = o[i].i;
		} else {
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = o[i].s;
			b[i].buffer_length = o[i].cap > 0 ? o[i].cap - 1 : 0;
		}
	}
	if (mysql_stmt_bind_result(st, b) != 0) {
		rc = db_stmt_error(db, st, "bind_result");
		db_cur_close(c);
		return rc;
	}
	return DB_OK;
}

int
db_next(struct db_cur *c)
{
	MYSQL_STMT *st = c->st;
	int r;

	if (st == NULL)
		return 0;
	r = mysql_stmt_fetch(st);
	if (r == MYSQL_NO_DATA) {
		c->done = 1;
		return 0;
	}
	if (r == 1) {
		c->done = 1;
		return db_stmt_error(c->db, st, "fetch");
	}
	for (size_t i = 0; i < c->no; i++) {
		if (c->o[i].isnull != NULL)
			*c->o[i].isnull = c->nulls[i];
		if (c->o[i].type == DBV_T_STR) {
			if (c->nulls[i])
				c->lens[i] = 0;
			else if (c->lens[i] >= c->o[i].cap) {
				log_warnx("%s: column %zu is %lu bytes, buffer %zu", __func__,
				    i, c->lens[i], c->o[i].cap);
				return DB_TRUNC;
			}
			c->o[i].s[c->lens[i]] = '\0';
		} else if (c->nulls[i])
			*c->o[i].i = 0;
	}
	return 1;
}

/*
 * Rows not read are read here, not thrown away: on Galera the server may
 * abort our transaction (a conflicting write from another node) after it
 * sent the rows we wanted, and say so in place of the end of the result.
 * mysql_stmt_free_result would discard that error with the rows, the
 * transaction would be gone without a word and the statements after it
 * would each commit on their own (the invoice paid twice of old).  The
 * error is kept: the transaction's next statement and its COMMIT fail
 * with it, and db_tx runs the transaction again.
 */
static void
cur_drain(struct db_cur *c)
{
	MYSQL_STMT *st = c->st;
	int r;

	if (c->done || st == NULL)
		return;
	while ((r = mysql_stmt_fetch(st)) == 0 || r == MYSQL_DATA_TRUNCATED)
		;
	c->done = 1;
	if (r == 1) {
		int rc = db_stmt_error(c->db, st, "fetch (rest)");
		if (c->db->in_tx)
			c->db->broken = rc == DB_OK ? DB_ERR : rc;
	}
}

void
db_cur_close(struct db_cur *c)
{
	cur_drain(c);
	if (c->st != NULL)
		mysql_stmt_free_result(c->st);
	free(c->bind);
	free(c->lens);
	free(c->nulls);
	c->st = NULL;
	c->bind = NULL;
	c->lens = NULL;
	c->nulls = NULL;
}

int
db_one(struct db *db, const char *sql, const struct dbv *p, size_t np,
    struct dbo *o, size_t no)
{
	struct db_cur c;
	int rc;

	if ((rc = db_query(db, &c, sql, p, np, o, no)) != DB_OK)
		return rc;
	rc = db_next(&c);
	db_cur_close(&c);
	if (rc >= 0 && db->in_tx && db->broken != 0)
		return db->broken;
	return rc;
}

static int
simple(struct db *db, const char *q)
{
	if (mysql_query(db->my, q) != 0)
		return my_error(db, q);
	return DB_OK;
}

int
db_begin(struct db *db)
{
	int rc = simple(db, "START TRANSACTION");
	if (rc == DB_GONE && db_reconnect(db) == DB_OK)
		rc = simple(db, "START TRANSACTION");
	db->broken = 0;
	if (rc == DB_OK)
		db->in_tx = 1;
	return rc;
}

int
db_commit(struct db *db)
{
	int rc;

	/* Never COMMIT what may be a new transaction begun after ours ended. */
	if (db->in_tx && db->broken != 0) {
		rc = db->broken;
		(void)simple(db, "ROLLBACK");
		db->in_tx = 0;
		db->broken = 0;
		return rc;
	}
	rc = simple(db, "COMMIT");
	db->in_tx = 0;
	return rc;
}

int
db_rollback(struct db *db)
{
	int rc = DB_OK;
	if (db->in_tx)
		rc = simple(db, "ROLLBACK");
	db->in_tx = 0;
	db->broken = 0;
	return rc;
}

int
db_exec_script(struct db *db, const char *text)
{
	int rc = DB_OK;

	if (mysql_set_server_option(db->my, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0)
		return my_error(db, "multi_statements");
	if (mysql_query(db->my, text) != 0)
		rc = my_error(db, "script");
	else {
		/* Drain every result; an error in a later statement shows here. */
		for (;;) {
			MYSQL_RES *res = mysql_store_result(db->my);
			if (res != NULL)
				mysql_free_result(res);
			int n = mysql_next_result(db->my);
			if (n == -1)
				break;
			if (n > 0) {
				rc = my_error(db, "script");
				break;
			}
		}
	}
	mysql_set_server_option(db->my, MYSQL_OPTION_MULTI_STATEMENTS_OFF);
	return rc;
}

int
db_fetch_upto(struct db_cur *c, const void *row, size_t size, void *rows, size_t cap, size_t *n)
{
	int rc;

	*n = 0;
	while ((rc = db_next(c)) == 1)
		if (*n < cap)
			memcpy((char *)rows + (*n)++ * size, row, size);
	db_cur_close(c);
	return rc < 0 ? rc : DB_OK;
}

int
db_fetch_all(struct db_cur *c, const void *row, size_t size, void **rows, size_t *n)
{
	return db_fetch_map(c, row, size, rows, n, NULL, NULL);
}

int
db_select_all(struct db *db, const char *q, const struct dbv *p, size_t np, struct dbo *o,
    size_t no, const void *row, size_t size, void **rows, size_t *n)
{
	struct db_cur c;
	int rc;

	*rows = NULL;
	*n = 0;
	if ((rc = db_query(db, &c, q, p, np, o, no)) != DB_OK)
		return rc;
	return db_fetch_all(&c, row, size, rows, n);
}

int
db_fetch_map(struct db_cur *c, const void *row, size_t size, void **rows, size_t *n,
    void (*fix)(void *row, void *arg), void *arg)
{
	char *out = NULL;
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	while ((rc = db_next(c)) == 1) {
		if (vep_grow((void **)&out, &cap, *n + 1, size, 32) == -1) {
			rc = DB_NOMEM;
			break;
		}
		memcpy(out + *n * size, row, size);
		if (fix != NULL)
			fix(out + *n * size, arg);
		(*n)++;
	}
	db_cur_close(c);
	if (rc < 0) {
		free(out);
		*n = 0;
		return rc;
	}
	*rows = out;
	return DB_OK;
}

long long
db_count(struct db *db, const char *q, const struct dbv *p, size_t np, int *rc)
{
	long long n = 0;
	struct dbo o[] = { DBO_INT(&n) };

	*rc = db_one(db, q, p, np, o, 1);
	if (*rc == 1)
		*rc = 0;
	return n;
}

int
db_conf_check(const struct conf *c, char *err, size_t errlen)
{
	struct db_host h[DB_HOSTS_MAX];
	char why[200], where[300];

	long long bp;

	/* [isp] tax_rates too: every program that bills or orders calls this. */
	if (tax_rates_lookup(conf_str(c, "isp", "tax_rates"), "", &bp) < 0) {
		conf_where(c, "isp", "tax_rates", where, sizeof(where));
		snprintf(err, errlen, "%s: tax_rates must be COUNTRY:BASIS_POINTS pairs separated by "
		    "commas, such as DE:1900,FR:2000", where);
		return -1;
	}
	if (db_hosts_parse(conf_str(c, "database", "hosts"), 3306, h, nitems(h), why,
	    sizeof(why)) != -1)
		return 0;
	conf_where(c, "database", "hosts", where, sizeof(where));
	snprintf(err, errlen, "%s: %s", where, why);
	return -1;
}
