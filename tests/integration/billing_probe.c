/*
 * billing_probe: the billing calls vepctl and billingd make, with the clock
 * given on the command line, for tests/integration/test_billing.py (which
 * runs it against a database of its own).  It is also the shape of the
 * wiring: open the database from the configuration, call one function,
 * print the outcome, exit non-zero on failure.
 *
 *	billing_probe -f CONF due NOW GRACE_S        "due 1 2025 5" (1: due now)
 *	billing_probe -f CONF run YYYY-MM NOW DAYS   "created N"
 *	billing_probe -f CONF run-each YYYY-MM NOW DAYS   the same through the
 *		reference writer (invoice by invoice: test_invoice_batch.py)
 *	billing_probe -f CONF overdue NOW DAYS       one VEid per line
 *	billing_probe -f CONF unpaid NOW DAYS        "suspended N resumed M"
 *	billing_probe -f CONF caps NOW DEFAULT_KBPS  "reached N released M"
 *	billing_probe -f CONF throttle VEID NOW      "kbps N"
 *	billing_probe -f CONF usage VEID T CPU_US IN OUT NOW
 *	    usage of one hour at T stored as billingd's writer stores it (hour
 *	    and day rollups, late marks, one transaction): "marked N"
 *	billing_probe -f CONF adjust NOW DAYS        "debit N credit M"
 *	billing_probe -f CONF credit NOW N INV...    N credit notes of -1 minor,
 *		round the invoices given: one number per line (test_galera.py
 *		runs two at once through two nodes)
 *	billing_probe -f CONF credit1 NOW INV...     one credit note of -1 minor
 *		on each invoice: "credited INV" or "refused INV" (nothing open)
 *	billing_probe -f CONF pay NOW INV...         pay each invoice's open
 *		amount: "paid INV" or "refused INV" (the open amount was paid
 *		meanwhile) per line
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "conf.h"
#include "db.h"
#include "db_bill.h"
#include "db_docs.h"
#include "db_invoice_run.h"
#include "db_late.h"
#include "db_payments.h"
#include "db_periods.h"
#include "db_policy.h"
#include "db_usage.h"
#include "log.h"
#include "rating.h"
#include "util.h"

static long long
num(const char *s)
{
	const char *es;
	long long v = vep_strtonum(s, -1000000000000LL, 1000000000000LL, &es);
	if (es != NULL) {
		fprintf(stderr, "billing_probe: %s %s\n", s, es);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	struct conf *conf;
	struct db *db;
	char err[256] = "";
	int rc = 1;

	log_init("billing_probe", LOG_LVL_WARN, 1, 0);
	if (argc < 5 || strcmp(argv[1], "-f") != 0) {
		fprintf(stderr, "usage: billing_probe -f CONF due|run|overdue|unpaid|caps|throttle|usage|adjust "
		    "ARGS...\n");
		return 2;
	}
	if (strcmp(argv[3], "due") == 0 && argc == 6) {
		int y, m, due = db_invoice_run_due_period(num(argv[4]), num(argv[5]), &y, &m);
		printf("due %d %d %d\n", due, y, m);
		return 0;
	}
	if ((conf = conf_load(argv[2], err, sizeof(err))) == NULL ||
	    (db = db_open(conf, err, sizeof(err))) == NULL) {
		fprintf(stderr, "billing_probe: %s\n", err);
		return 1;
	}
	if ((strcmp(argv[3], "run") == 0 || strcmp(argv[3], "run-each") == 0) && argc == 7) {
		int y, m, created = 0;
		int (*run)(struct db *, int, int, long long, int, const char *, int *, char *,
		    size_t) = strcmp(argv[3], "run") == 0 ? db_invoice_run_opt : db_invoice_run_each;
		if (rate_period_parse(argv[4], &y, &m) == -1) {
			fprintf(stderr, "billing_probe: bad period\n");
		} else if (run(db, y, m, num(argv[5]), (int)num(argv[6]), "probe",
		    &created, err, sizeof(err)) != BILLING_OK) {
			fprintf(stderr, "billing_probe: %s\n", err);
		} else {
			printf("created %d\n", created);
			rc = 0;
		}
	} else if (strcmp(argv[3], "overdue") == 0 && argc == 6) {
		char (*ves)[9] = NULL;
		size_t n = 0;
		if (db_policy_overdue_ves(db, num(argv[4]), (int)num(argv[5]), &ves, &n) == BILLING_OK) {
			for (size_t i = 0; i < n; i++)
				printf("%s\n", ves[i]);
			rc = 0;
		}
		free(ves);
	} else if (strcmp(argv[3], "unpaid") == 0 && argc == 6) {
		int sus = 0, res = 0;
		if (db_policy_overdue_apply(db, num(argv[4]), (int)num(argv[5]), &sus, &res) == BILLING_OK) {
			printf("suspended %d resumed %d\n", sus, res);
			rc = 0;
		}
	} else if (strcmp(argv[3], "caps") == 0 && argc == 6) {
		int reached = 0, released = 0;
		if (db_policy_caps_check(db, num(argv[4]), num(argv[5]), &reached, &released) == BILLING_OK) {
			printf("reached %d released %d\n", reached, released);
			rc = 0;
		}
	} else if (strcmp(argv[3], "throttle") == 0 && argc == 6) {
		long long kbps = 0;
		if (db_policy_cap_throttle_kbps(db, argv[4], num(argv[5]), &kbps) == BILLING_OK) {
			printf("kbps %lld\n", kbps);
			rc = 0;
		}
	} else if (strcmp(argv[3], "usage") == 0 && argc == 10) {
		struct du_roll r[2];
		long long now = num(argv[9]);
		size_t marked = 0;
		memset(r, 0, sizeof(r));
		for (int k = 0; k < 2; k++) {
			snprintf(r[k].ve, sizeof(r[k].ve), "%s", argv[4]);
			r[k].t = num(argv[5]);
			r[k].t -= k == 0 ? r[k].t % 3600 : r[k].t % 86400;
			r[k].cpu_user_us = num(argv[6]);
			r[k].net_in = num(argv[7]);
			r[k].net_out = num(argv[8]);
			r[k].last_t = num(argv[5]);
		}
		if (db_begin(db) == DB_OK && db_usage_rollup_put(db, DU_HOUR, &r[0], 1) == DB_OK &&
		    db_usage_rollup_put(db, DU_DAY, &r[1], 1) == DB_OK &&
		    db_periods_mark_days(db, &r[1], 1, now, &marked) == DB_OK &&
		    db_commit(db) == DB_OK) {
			printf("marked %zu\n", marked);
			rc = 0;
		} else {
			db_rollback(db);
			fprintf(stderr, "billing_probe: %s\n", db_last_error(db));
		}
	} else if (strcmp(argv[3], "adjust") == 0 && argc == 6) {
		int dn = 0, cn = 0;
		if (db_late_run(db, num(argv[4]), (int)num(argv[5]), "probe", &dn, &cn, err,
		    sizeof(err)) == BILLING_OK) {
			printf("debit %d credit %d\n", dn, cn);
			rc = 0;
		} else
			fprintf(stderr, "billing_probe: %s\n", err);
	} else if (strcmp(argv[3], "credit") == 0 && argc >= 7) {
		struct db_cn_line l = { "", RR_FEE, -1, "test credit" };
		char number[25];
		long long n = num(argv[5]);
		int k = argc - 6;
		rc = 0;
		for (long long i = 0; i < n; i++) {
			int r = db_payments_credit_note(db, argv[6 + i % k], &l, 1, "concurrent test",
			    "probe", num(argv[4]), number, err, sizeof(err));
			if (r != BILLING_OK) {
				fprintf(stderr, "billing_probe: credit note %lld on %s: %d %s (%s)\n", i,
				    argv[6 + i % k], r, err, db_last_error(db));
				rc = 1;
				break;
			}
			printf("%s\n", number);
		}
	} else if (strcmp(argv[3], "credit1") == 0 && argc >= 6) {
		struct db_cn_line l = { "", RR_FEE, -1, "test credit" };
		char number[25];
		rc = 0;
		for (int i = 5; i < argc && rc == 0; i++) {
			int r = db_payments_credit_note(db, argv[i], &l, 1, "concurrent test", "probe",
			    num(argv[4]), number, err, sizeof(err));
			if (r == BILLING_OK)
				printf("credited %s\n", argv[i]);
			else if (r == BILLING_EINPUT)
				printf("refused %s\n", argv[i]);
			else {
				fprintf(stderr, "billing_probe: credit note on %s: %d %s (%s)\n", argv[i],
				    r, err, db_last_error(db));
				rc = 1;
			}
		}
	} else if (strcmp(argv[3], "pay1") == 0 && argc == 7) {
		long long n = num(argv[5]), id = 0, done = 0;
		rc = 0;
		for (long long i = 0; i < n; i++) {
			int r = db_payments_add(db, argv[6], 1, num(argv[4]), "test", "probe",
			    num(argv[4]), &id, err, sizeof(err));
			if (r == BILLING_OK)
				done++;
			else if (r != BILLING_EINPUT) {
				fprintf(stderr, "billing_probe: payment on %s: %d %s (%s)\n", argv[6], r, err,
				    db_last_error(db));
				rc = 1;
				break;
			}
		}
		printf("paid %lld\n", done);
	} else if (strcmp(argv[3], "pay") == 0 && argc >= 6) {
		rc = 0;
		for (int i = 5; i < argc && rc == 0; i++) {
			json_t *inv = db_docs_invoice_json(db, argv[i], NULL, num(argv[4]), &rc);
			long long open = 0, id = 0;
			if (inv != NULL)
				open = json_integer_value(json_object_get(inv, "balance_minor"));
			json_decref(inv);
			if (rc != BILLING_OK) {
				fprintf(stderr, "billing_probe: invoice %s: %d\n", argv[i], rc);
				rc = 1;
				break;
			}
			if (open <= 0) {
				printf("refused %s\n", argv[i]);	/* paid already */
				continue;
			}
			int r = db_payments_add(db, argv[i], open, num(argv[4]), "test", "probe",
			    num(argv[4]), &id, err, sizeof(err));
			if (r == BILLING_OK)
				printf("paid %s\n", argv[i]);
			else if (r == BILLING_EINPUT)
				printf("refused %s\n", argv[i]);
			else {
				fprintf(stderr, "billing_probe: payment on %s: %d %s (%s)\n", argv[i], r, err,
				    db_last_error(db));
				rc = 1;
			}
		}
	} else
		fprintf(stderr, "billing_probe: unknown command or wrong arguments\n");
	db_close(db);
	conf_free(conf);
	return rc;
}
