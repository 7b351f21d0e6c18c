/*
 * The billing jobs billingd runs by itself (origin 2.3.3 part II), every
 * billing_every_s seconds on the thread's own database connection:
 *  - the automatic invoice run for the month just closed, once its grace
 *    ([billingd] invoice_grace_h) has passed (idempotent: a restart re-runs
 *    it once and creates nothing);
 *  - the unpaid policy ([billingd] unpaid_suspend_days > 0): suspend VEs of
 *    accounts with overdue invoices, resume them once paid;
 *  - traffic caps: record VEs past their ordered maximum traffic and
 *    throttle (the agent applies it) or suspend them, per plan.
 *  - late usage: a debit or credit note for usage stored after its month
 *    was invoiced (db_late.h), every round, so it is billed within a
 *    round of arriving; nothing is read when nothing is marked.
 *  - housekeeping: the dashboards' stored pages (db_vepage.h) not looked
 *    at for PAGE_KEEP_MS give their space back.
 * Several billingd may run these at once: each job locks in the database.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "batch.h"
#include "billingd.h"
#include "billing.h"
#include "complain.h"
#include "conf.h"
#include "db.h"
#include "db_invoice_run.h"
#include "db_late.h"
#include "db_policy.h"
#include "db_vepage.h"
#include "log.h"

/* A stored dashboard page (12-15 KB) unused this long is dropped. */
#define PAGE_KEEP_MS	(3600 * 1000LL)

static void
jobs_round(struct billingd *bd, struct db *db, long long now)
{
	const struct conf_values *cv = conf_values(bd->conf);
	char err[256];
	int y, m, n = 0, a = 0, b = 0;
	long long days = cv->billingd.unpaid_suspend_days, pages = 0;

	if (db_invoice_run_due_period(now, cv->billingd.invoice_grace_h * 3600, &y, &m) == 1 &&
	    (y != bd->B.done_year || m != bd->B.done_month)) {
		if (db_invoice_run_opt(db, y, m, now, (int)cv->isp.invoice_due_days,
		    "billingd", &n, err, sizeof(err)) == 0) {
			bd->B.done_year = y;
			bd->B.done_month = m;
			log_info("invoice run %04d-%02d: %d invoices created", y, m, n);
		} else
			log_warnx("invoice run %04d-%02d: %s", y, m, err);
	}
	if (db_late_run(db, now, (int)cv->isp.invoice_due_days, "billingd", &a, &b,
	    err, sizeof(err)) == 0) {
		if (a > 0 || b > 0)
			log_info("late usage: %d debit notes, %d credit notes issued", a, b);
	} else
		log_warnx("late usage: %s", err);
	if (days > 0) {
		if (db_policy_overdue_apply(db, now, (int)days, &a, &b) == 0) {
			if (a > 0 || b > 0)
				log_info("unpaid policy: %d VEs suspended, %d resumed", a, b);
		} else
			log_warnx("unpaid policy failed");
	}
	if (db_policy_caps_check(db, now, cv->billingd.cap_throttle_kbps, &a, &b) == 0) {
		if (a > 0 || b > 0)
			log_info("traffic caps: %d reached, %d released", a, b);
	} else
		log_warnx("traffic cap check failed");
	if (db_vepage_prune(db, now * 1000 - PAGE_KEEP_MS, &pages) == 0) {
		if (pages > 0)
			log_info("dashboard pages: %lld unused for an hour dropped", pages);
	} else
		log_warnx("dropping unused dashboard pages failed");
}

void *
billing_main(void *arg)
{
	struct billingd *bd = arg;
	struct db *db = NULL;
	long long every = conf_values(bd->conf)->billingd.billing_every_s;
	char err[256];
	struct complaint down = { 0 };

	pthread_mutex_lock(&bd->B.mu);
	while (!bd->B.stop) {
		struct timespec due;
		pthread_mutex_unlock(&bd->B.mu);
		if (db == NULL && (db = db_open_at(bd->conf, bd->db_prefer, err, sizeof(err))) == NULL)
			complain(&down, (int64_t)time(NULL), 0,
			    "billing jobs: database down (%s); retrying", err);
		else {
			complain_release(&down, (int64_t)time(NULL), "billing jobs: database back");
			jobs_round(bd, db, (long long)time(NULL));
		}
		/* The next round is due at an absolute time, not after a sleep. */
		clock_gettime(CLOCK_REALTIME, &due);
		due.tv_sec += complaining(&down) ? 10 : every;
		pthread_mutex_lock(&bd->B.mu);
		if (!complaining(&down))
			bd->B.rounds++;
		while (!bd->B.stop && pthread_cond_timedwait(&bd->B.cv, &bd->B.mu, &due) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&bd->B.mu);
	db_close(db);
	return NULL;
}

void
billing_stop(struct billingd *bd)
{
	pthread_mutex_lock(&bd->B.mu);
	bd->B.stop = 1;
	pthread_cond_signal(&bd->B.cv);
	pthread_mutex_unlock(&bd->B.mu);
}
