/*
 * vep-mailer: sends the mail outbox (db/migrations/0017_mail.sql) to the
 * SMTP relay of [mail], and queues the notices no event writes (reminders
 * before a suspension, expiry in 7 and 1 days).  See README "Mail, PDF,
 * reset and payments" for why it is a daemon of its own.
 *
 *	vep-mailer [-dn] [-f conf] [--once]
 *
 * Each round: queue the periodic notices, claim up to BATCH queued rows
 * with a lease (another mailer skips them until it runs out), compose,
 * send each, mark it sent, or retry it later with exponential back-off
 * until [mail] max_attempts, then mark it failed (visible on the admin
 * dashboard through db_mail_counts, and in this log).  A mailer that dies
 * mid-send leaves its rows leased; they are taken again when the lease
 * ends.  --once: work until nothing is due, then exit (tests, benchmarks).
 * SIGUSR1: log one "status:" line with the polls and notice passes done so
 * far (the tests wait on it for "nothing more comes in the next polls").
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "compose.h"
#include "conf.h"
#include "db.h"
#include "db_mail.h"
#include "log.h"
#include "msg.h"
#include "smtp.h"
#include "util.h"

#define BATCH		20
#define PERIODIC_S	10

static volatile sig_atomic_t quit, status_wanted;

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static void
on_status(int sig)
{
	(void)sig;
	status_wanted = 1;
}

struct mailer {
	struct conf	*conf;
	struct db	*db;
	struct smtp_conf smtp;
	char		 password[256];
	int		 days[16];
	size_t		 ndays;
	long long	 base_s, max_s, attempts, lease_s;
	struct mail_counts last;
	long long	 sent, failed;	/* this run's */
	long long	 periodic_at;	/* when the notices were last queued */
	long long	 polls, passes;	/* rounds done, periodic notice passes done */
};

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: vep-mailer [-dn] [-f conf] [--once]\n");
	exit(2);
}

static void
read_password(struct mailer *m)
{
	const char *pf = conf_str(m->conf, "mail", "password_file");
	FILE *f;

	m->password[0] = '\0';
	if (*pf == '\0')
		return;
	if ((f = fopen(pf, "r")) == NULL)
		fatal("[mail] password_file %s", pf);
	if (fgets(m->password, sizeof(m->password), f) == NULL)
		m->password[0] = '\0';
	fclose(f);
	m->password[strcspn(m->password, "\r\n")] = '\0';
}

/* The domain of the sender address, for Message-IDs. */
static const char *
from_domain(const char *from)
{
	const char *at = strrchr(from, '@');
	return at != NULL && at[1] ? at + 1 : "vepanel.invalid";
}

/* Send one claimed row; returns 0, or -1 when the database failed. */
static int
send_one(struct mailer *m, const struct mail_row *r, const char *owner, long long now)
{
	struct composed c;
	struct buf msg;
	char err[512] = "", mid[160];
	int rc, crc;

	composed_init(&c);
	buf_init(&msg);
	crc = compose(m->db, m->conf, r, now, &c, err, sizeof(err));
	if (crc == COMPOSE_EDB) {
		rc = -1;
		goto out;
	}
	snprintf(mid, sizeof(mid), "vep.%lld.%lld@%s", r->id, r->created_at, from_domain(m->smtp.from));
	if (crc == COMPOSE_OK) {
		struct mail_att a = { c.filename, "application/pdf", c.pdf.data, c.pdf.len };
		struct mail_msg mm = { m->smtp.from, conf_str(m->conf, "isp", "name"), r->rcpt,
		    c.subject, buf_cstr(&c.text), NULL, mid, now, &a, c.pdf.len > 0 ? 1 : 0 };
		if ((rc = mail_build(&mm, &msg)) != MAIL_MSG_OK) {
			snprintf(err, sizeof(err), "the message cannot be built (%s)",
			    rc == MAIL_MSG_EINPUT ? "bad address or header" : "out of memory");
			crc = COMPOSE_EGONE;
		}
	}
	if (crc == COMPOSE_OK && smtp_send(&m->smtp, r->rcpt, msg.data, msg.len, err, sizeof(err)) == 0) {
		rc = db_mail_sent(m->db, r->id, owner, now, mid);
		if (rc == DB_OK) {
			m->sent++;
			log_info("sent %s %s to the relay (outbox %lld, %zu bytes)", r->kind, r->ref, r->id,
			    msg.len);
		}
		rc = rc == DB_OK ? 0 : -1;
		goto out;
	}
	/* Not sent: a message that cannot be made fails at once, else back off. */
	long long tries = r->attempts + 1;
	int give_up = crc == COMPOSE_EGONE || tries >= m->attempts;
	long long next = now + mail_backoff(tries, m->base_s, m->max_s);
	if (give_up) {
		m->failed++;
		log_warnx("outbox %lld (%s %s) failed for good after %lld tr%s: %s", r->id, r->kind,
		    r->ref, tries, tries == 1 ? "y" : "ies", err);
	} else
		log_warnx("outbox %lld (%s %s) not sent (try %lld, again in %lld s): %s", r->id, r->kind,
		    r->ref, tries, next - now, err);
	rc = db_mail_retry(m->db, r->id, owner, next, give_up, err) == DB_OK ? 0 : -1;
out:
	composed_free(&c);
	buf_free(&msg);
	return rc;
}

/* One round; the number of rows handled, or -1 when the database failed. */
static int
round_once(struct mailer *m)
{
	struct mail_row rows[BATCH];
	size_t n = 0;
	char owner[33];
	unsigned char rnd[16];
	long long now = (long long)time(NULL);
	int added = 0;

	/* The notices no event writes: every PERIODIC_S (they are due by the day). */
	if (now - m->periodic_at >= PERIODIC_S) {
		if (db_mail_periodic(m->db, now, m->days, m->ndays,
		    (int)conf_int(m->conf, "billingd", "unpaid_suspend_days"), &added) != DB_OK)
			return -1;
		m->periodic_at = now;
		m->passes++;
		long long gone = 0;
		if (db_mail_prune(m->db, now, conf_int(m->conf, "mail", "keep_days"), &gone) != DB_OK)
			return -1;
		if (gone > 0)
			log_info("removed %lld sent message%s older than [mail] keep_days", gone,
			    gone == 1 ? "" : "s");
	}
	if (added > 0)
		log_info("queued %d reminder%s or expiry notice%s", added, added == 1 ? "" : "s",
		    added == 1 ? "" : "s");
	if (vep_random(rnd, sizeof(rnd)) == -1)
		fatalx("no randomness");
	vep_hex(rnd, sizeof(rnd), owner);
	if (db_mail_claim(m->db, owner, now, m->lease_s, rows, BATCH, &n) != DB_OK)
		return -1;
	for (size_t i = 0; i < n && !quit; i++)
		if (send_one(m, &rows[i], owner, (long long)time(NULL)) == -1)
			return -1;
	return (int)n;
}

/* Log the outbox's counts when they changed (failed ones are a warning). */
static void
report(struct mailer *m)
{
	struct mail_counts c;

	if (db_mail_counts(m->db, &c) != DB_OK)
		return;
	if (c.failed != m->last.failed)
		log_warnx("outbox: %lld failed message%s (see mail_outbox.last_error)", c.failed,
		    c.failed == 1 ? "" : "s");
	if (c.queued != m->last.queued || c.failed != m->last.failed)
		log_info("outbox: %lld queued, %lld failed, %lld sent", c.queued, c.failed, c.sent);
	m->last = c;
}

/* Between rounds only, so every poll counted is a finished one. */
static void
status(const struct mailer *m)
{
	if (!status_wanted)
		return;
	status_wanted = 0;
	log_info("status: poll %lld, notices pass %lld, %lld sent, %lld failed in this run", m->polls,
	    m->passes, m->sent, m->failed);
}

static void
setup(struct mailer *m)
{
	const struct conf *c = m->conf;

	if (mail_parse_days(conf_str(c, "isp", "reminder_days"), m->days, nitems(m->days),
	    &m->ndays) == -1)
		fatalx("[isp] reminder_days must be days 1 to 365, comma-separated, such as 7,3,1");
	read_password(m);
	m->smtp = (struct smtp_conf){ conf_str(c, "mail", "smtp_url"), conf_str(c, "mail", "user"),
	    m->password, conf_str(c, "mail", "from"), (long)conf_int(c, "mail", "connect_timeout_s"),
	    (long)conf_int(c, "mail", "timeout_s") };
	if (!mail_addr_ok(m->smtp.from))
		fatalx("[mail] from is not a valid address");
	m->base_s = conf_int(c, "mail", "retry_base_s");
	m->max_s = conf_int(c, "mail", "retry_max_s");
	m->attempts = conf_int(c, "mail", "max_attempts");
	m->lease_s = conf_int(c, "mail", "lease_s");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = { { "once", no_argument, NULL, 'o' }, { 0 } };
	struct mailer m;
	char err[512];
	const char *path = NULL;
	int ch, debug = 0, once = 0, check = 0;

	memset(&m, 0, sizeof(m));
	log_init("vep-mailer", LOG_LVL_INFO, 1, 0);
	while ((ch = getopt_long(argc, argv, "df:n", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': debug = 1; break;
		case 'n': check = 1; break;
		case 'f': path = optarg; break;
		case 'o': once = 1; break;
		default: usage();
		}
	}
	if (debug)
		log_setlevel(LOG_LVL_DEBUG);
	if ((m.conf = conf_load(path ? path : conf_default_path(), err, sizeof(err))) == NULL)
		fatalx("%s", err);
	setup(&m);
	if (check) {
		fprintf(stderr, "configuration OK\n");
		conf_free(m.conf);
		return 0;
	}
	if (*m.smtp.url == '\0')
		log_warnx("[mail] smtp_url is empty: messages stay queued until it is set");
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR1, on_status);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	long long poll_ms = conf_int(m.conf, "mail", "poll_s") * 1000;
	while (!quit) {
		if (m.db == NULL && (m.db = db_open(m.conf, err, sizeof(err))) == NULL)
			log_warnx("database: %s; trying again", err);
		int n = 0;
		if (m.db != NULL && *m.smtp.url != '\0') {
			if ((n = round_once(&m)) == -1) {
				log_warnx("database: %s; reconnecting", db_last_error(m.db));
				if (db_reconnect(m.db) != DB_OK) {
					db_close(m.db);
					m.db = NULL;
				}
			} else
				report(&m);
		}
		m.polls++;
		status(&m);
		if (once && n == 0)
			break;
		/* A full batch: go on at once; else wait for the next poll. */
		for (long long w = 0; n < BATCH && w < poll_ms && !quit; w += 100) {
			usleep(100000);
			status(&m);
		}
	}
	log_info("stopping: %lld sent, %lld failed in this run", m.sent, m.failed);
	if (m.db != NULL)
		db_close(m.db);
	conf_free(m.conf);
	curl_global_cleanup();
	return 0;
}
