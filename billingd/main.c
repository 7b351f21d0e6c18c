/*
 * billingd: per-second metering of every VE from its node's agent into
 * usage history; see billingd(8) and billingd.h for the design.
 *
 *	billingd [-dn] [-f conf] [--id NAME] [overrides]
 *
 * With several database servers ([database] hosts, a Galera cluster),
 * --db-prefer k makes this billingd start at the k-th (so billingd k of
 * several uses node k), overriding [database] prefer.
 * billingd stays in the foreground (systemd or ./dev supervise it) and
 * logs to stderr; -d adds debug messages.
 * main() reads the configuration, makes the one context, opens the spool,
 * starts the writer thread and runs the loop until SIGTERM or SIGINT;
 * then the loop hands over its last batch and the writer applies or spools
 * everything before exiting.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "db.h"
#include "log.h"
#include "util.h"
#include "billingd.h"
#include "billing.h"
#include "snapshot.h"
#include "ticker.h"
#include "writer.h"

/* Flags that override vepanel.conf or set what it has no key for yet. */
enum opt {
	O_ID = 256, O_LISTEN, O_SPOOL, O_FLUSH, O_LEASE, O_REFRESH, O_RAWRET,
	O_TIMEOUT, O_SPREAD, O_QUEUE, O_DOWN, O_GRACE, O_MINUTE, O_HOUR, O_NODEDOWN, O_DBPREFER,
};

static const struct option longopts[] = {
	{ "id",			required_argument, NULL, O_ID },
	{ "listen",		required_argument, NULL, O_LISTEN },
	{ "spool-dir",		required_argument, NULL, O_SPOOL },
	{ "flush-s",		required_argument, NULL, O_FLUSH },
	{ "lease-s",		required_argument, NULL, O_LEASE },
	{ "refresh-s",		required_argument, NULL, O_REFRESH },
	{ "raw-retention-h",	required_argument, NULL, O_RAWRET },
	{ "poll-timeout-ms",	required_argument, NULL, O_TIMEOUT },
	{ "max-spread-s",	required_argument, NULL, O_SPREAD },
	{ "queue-max-mb",	required_argument, NULL, O_QUEUE },
	{ "down-after",		required_argument, NULL, O_DOWN },
	{ "expiry-grace-h",	required_argument, NULL, O_GRACE },
	{ "minute-days",	required_argument, NULL, O_MINUTE },
	{ "hour-days",		required_argument, NULL, O_HOUR },
	{ "sla-node-down-s",	required_argument, NULL, O_NODEDOWN },
	{ "db-prefer",		required_argument, NULL, O_DBPREFER },
	{ NULL, 0, NULL, 0 },
};

/* Each override: its range, where it goes. */
static const struct {
	enum opt	 o;
	long long	 min, max;
} ranges[] = {
	{ O_FLUSH, 1, 60 },
	{ O_LEASE, 3, 3600 },
	{ O_REFRESH, 1, 600 },
	{ O_RAWRET, 0, 8760 },
	{ O_TIMEOUT, 50, 999 },
	{ O_SPREAD, 60, 31 * 86400 },
	{ O_QUEUE, 1, 65536 },
	{ O_DOWN, 1, 3600 },
	{ O_GRACE, 0, 8760 },
	{ O_MINUTE, 1, 3650 },
	{ O_HOUR, 1, 36500 },
	{ O_NODEDOWN, 0, 86400 },
	{ O_DBPREFER, 1, 16 },
};

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: billingd [-dn] [-f conf] [--id name] [--listen addr:port]\n"
	    "\t[--spool-dir dir] [--flush-s n] [--lease-s n] [--refresh-s n]\n"
	    "\t[--raw-retention-h n] [--poll-timeout-ms n] [--max-spread-s n]\n"
	    "\t[--queue-max-mb n] [--down-after n] [--expiry-grace-h n]\n"
	    "\t[--minute-days n] [--hour-days n] [--sla-node-down-s n] [--db-prefer n]\n");
	exit(2);
}

static void
set_override(struct billingd *bd, int o, const char *arg)
{
	const char *es;
	long long v = 0;

	for (size_t i = 0; i < nitems(ranges); i++)
		if ((int)ranges[i].o == o) {
			v = vep_strtonum(arg, ranges[i].min, ranges[i].max, &es);
			if (es != NULL)
				fatalx("--%s %s %s (allowed %lld to %lld)",
				    longopts[o - O_ID].name, arg, es, ranges[i].min,
				    ranges[i].max);
		}
	switch (o) {
	case O_ID:
		if (strlen(arg) == 0 || strlen(arg) >= sizeof(bd->id) ||
		    strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789-_.:") != strlen(arg))
			fatalx("--id: 1 to 64 characters of [A-Za-z0-9-_.:]");
		snprintf(bd->id, sizeof(bd->id), "%s", arg);
		break;
	case O_LISTEN:
		if (snprintf(bd->listen, sizeof(bd->listen), "%s", arg) >= (int)sizeof(bd->listen))
			fatalx("--listen too long");
		break;
	case O_SPOOL:
		if (snprintf(bd->spool_dir, sizeof(bd->spool_dir), "%s", arg) >=
		    (int)sizeof(bd->spool_dir))
			fatalx("--spool-dir too long");
		break;
	case O_FLUSH:	bd->flush_s = (int)v; break;
	case O_LEASE:	bd->lease_s = (int)v; break;
	case O_REFRESH:	bd->refresh_s = (int)v; break;
	case O_RAWRET:	bd->raw_retention_h = (int)v; break;
	case O_TIMEOUT:	bd->poll_timeout_ms = (int)v; break;
	case O_SPREAD:	bd->max_spread_s = v; break;
	case O_QUEUE:	bd->queue_max = (uint64_t)v << 20; break;
	case O_DOWN:	bd->down_after = (int)v; break;
	case O_GRACE:	bd->expiry_grace_h = (int)v; break;
	case O_MINUTE:	bd->minute_days = (int)v; break;
	case O_HOUR:	bd->hour_days = (int)v; break;
	case O_NODEDOWN: bd->sla_node_down_s = (int)v; break;
	case O_DBPREFER: bd->db_prefer = (int)v; break;
	}
}

/* Defaults, then vepanel.conf's [billingd] keys. */
static void
from_conf(struct billingd *bd, const struct conf *c)
{
	const struct conf_values *v = conf_values(c);
	char host[HOST_NAME_MAX + 1];

	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "billingd");
	host[sizeof(host) - 1] = '\0';
	snprintf(bd->id, sizeof(bd->id), "%s", v->billingd.id[0] != '\0' ? v->billingd.id : host);
	snprintf(bd->listen, sizeof(bd->listen), "%s", v->billingd.listen);
	snprintf(bd->spool_dir, sizeof(bd->spool_dir), "%s", v->billingd.spool_dir);
	bd->raw_retention_h = (int)v->billingd.raw_retention_h;
	bd->poll_timeout_ms = (int)v->billingd.poll_timeout_ms;
	bd->spool_max = (uint64_t)v->billingd.spool_max_bytes;
	bd->expiry_grace_h = (int)v->billingd.expiry_grace_h;
	bd->flush_s = (int)v->billingd.flush_s;
	bd->writers = (int)v->billingd.writers;
	bd->lease_s = (int)v->billingd.lease_s;
	bd->refresh_s = (int)v->billingd.refresh_s;
	bd->max_spread_s = v->billingd.max_spread_s;
	bd->raw_spread_s = 900;
	bd->minute_days = (int)v->billingd.minute_retention_days;
	bd->hour_days = (int)v->billingd.hour_retention_days;
	bd->queue_max = (uint64_t)v->billingd.queue_max_bytes;
	bd->max_body = 64u << 20;
	bd->down_after = (int)v->billingd.down_after;
	bd->sla_node_down_s = (int)v->billingd.sla_node_down_s;
	bd->db_prefer = (int)v->database.prefer;
}

/* Signals go to the loop's signalfd; the threads inherit the mask. */
static void
block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int
main(int argc, char *argv[])
{
	struct billingd *bd;
	char err[512];
	const char *conf_path = NULL;
	int ch, debug = 0, check = 0;
	struct { int o; const char *arg; } ov[32];
	size_t nov = 0;
	pthread_t writer, billing;
	off_t dropped;

	log_init("billingd", LOG_LVL_INFO, 1, 0);
	while ((ch = getopt_long(argc, argv, "df:n", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			debug = 1;
			break;
		case 'f':
			conf_path = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case '?':
			usage();
		default:
			if (nov == nitems(ov))
				usage();
			ov[nov].o = ch;
			ov[nov++].arg = optarg;
		}
	}
	if (optind != argc)
		usage();
	if (conf_path == NULL)
		conf_path = conf_default_path();

	if ((bd = calloc(1, sizeof(*bd))) == NULL)
		fatal("calloc");
	bd->conf_path = conf_path;
	if ((bd->conf = conf_load(conf_path, err, sizeof(err))) == NULL ||
	    db_conf_check(bd->conf, err, sizeof(err)) == -1)
		fatalx("%s", err);
	from_conf(bd, bd->conf);
	for (size_t i = 0; i < nov; i++)
		set_override(bd, ov[i].o, ov[i].arg);
	if (bd->poll_timeout_ms >= 1000)
		fatalx("poll_timeout_ms must stay below the one-second tick");
	if (access(bd->spool_dir, W_OK | X_OK) == -1) {
		/* At run time only a warning: batches can wait in memory. */
		if (check)
			fatal("spool_dir %s", bd->spool_dir);
		log_warn("spool_dir %s", bd->spool_dir);
	}
	if (check) {
		printf("configuration OK: %s (id %s, listen %s, spool %s)\n", conf_path,
		    bd->id, bd->listen[0] ? bd->listen : "none", bd->spool_dir);
		conf_free(bd->conf);
		free(bd);
		return 0;
	}
	log_init("billingd", debug ? LOG_LVL_DEBUG : LOG_LVL_INFO, 1, 0);

	block_signals();

	pthread_mutex_init(&bd->S.mu, NULL);
	pthread_mutex_init(&bd->B.mu, NULL);
	pthread_cond_init(&bd->B.cv, NULL);
	pthread_cond_init(&bd->S.cv, NULL);
	if (ticker_init(bd) == -1)
		fatalx("cannot start the event loop");
	if (spool_open(&bd->W.spool, bd->spool_dir, bd->id, bd->spool_max, &dropped,
	    err, sizeof(err)) == -1) {
		log_warnx("SPOOL UNUSABLE: %s; batches wait in memory while the "
		    "database is away", err);
		bd->W.spool.fd = -1;
	} else {
		bd->W.spool_ok = 1;
		if (dropped > 0)
			log_warnx("spool %s: %lld bytes of a torn or corrupt tail cut",
			    bd->W.spool.path, (long long)dropped);
		if (spool_pending(&bd->W.spool))
			log_info("spool %s: %lld bytes to replay", bd->W.spool.path,
			    (long long)(bd->W.spool.size - bd->W.spool.replay));
	}
	log_info("starting as %s: ticks every second, timeout %d ms, flush every %d s",
	    bd->id, bd->poll_timeout_ms, bd->flush_s);
	if ((errno = pthread_create(&writer, NULL, writer_main, bd)) != 0)
		fatal("pthread_create");
	if ((errno = pthread_create(&billing, NULL, billing_main, bd)) != 0)
		fatal("pthread_create");

	ticker_run(bd);

	pthread_mutex_lock(&bd->S.mu);
	bd->S.stop = 1;
	pthread_cond_signal(&bd->S.cv);
	pthread_mutex_unlock(&bd->S.mu);
	pthread_join(writer, NULL);
	billing_stop(bd);
	pthread_join(billing, NULL);

	ticker_done(bd);
	spool_close(&bd->W.spool);
	db_close(bd->W.db);
	for (int j = 0; j < WRITERS_MAX; j++)
		db_close(bd->W.xdb[j]);
	snapshot_free(bd->W.prev);
	snapshot_free(bd->S.snap);
	free(bd->S.health);
	conf_free(bd->conf);
	pthread_mutex_destroy(&bd->S.mu);
	pthread_cond_destroy(&bd->S.cv);
	free(bd);
	log_info("stopped");
	return 0;
}
