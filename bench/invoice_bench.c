/*
 * The invoice-run benchmark's two halves (bench/invoice_run.sh drives them):
 *
 *	invoice_bench gen DIR ACCOUNTS VES_PER_ACCOUNT YYYY-MM
 *	    writes tab-separated files for LOAD DATA LOCAL INFILE: accounts,
 *	    orders, ves, ve_state_log (suspensions), usage_day (every day of the
 *	    month of every VE) and usage_hour (the hours of the day on which
 *	    plan P1 changes price -- the only hour rows a run reads).
 *	invoice_bench run SOCKET DATABASE YYYY-MM
 *	    runs db_invoice_run for the month as of a day after its end,
 *	    twice (the second must create nothing), and prints one line:
 *	    "ves N invoices N first_s X second_s Y".
 *
 * The data are deterministic (a fixed xorshift seed) so two runs compare.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "db_bill.h"
#include "db_invoice_run.h"
#include "log.h"
#include "rating.h"
#include "util.h"

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static FILE *
out(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.tsv", dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "invoice_bench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return f;
}

/* A rollup row: ve, t, cpu_user, cpu_sys, in, out, vmem_sum, disk_sum, samples, vmem_last, disk_last, last_t. */
static void
row(FILE *f, long id, int64_t t, const long long x[5], long samples, long last)
{
	fprintf(f, "%08lX\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t0\t%ld\t%lld\t0\t%lld\n",
	    0xB0000000UL + id, (long long)t, x[0], x[1], x[3], x[4], x[2], samples,
	    x[2] / samples, (long long)t + last);
}

static int
gen(const char *dir, long accounts, long per, const char *period)
{
	FILE *fa = out(dir, "accounts"), *fo = out(dir, "orders"), *fv = out(dir, "ves");
	FILE *fl = out(dir, "ve_state_log"), *fh = out(dir, "usage_hour"), *fd = out(dir, "usage_day");
	uint64_t s = 0x2545F4914F6CDD1DULL;
	int64_t from, to, split_day;
	long id = 0, hours = 0;
	int y, m;

	if (rate_period_parse(period, &y, &m) == -1) {
		fprintf(stderr, "invoice_bench: bad period %s\n", period);
		return 1;
	}
	rate_month_bounds(y, m, &from, &to);
	split_day = from + 15 * 86400;
	for (long a = 1; a <= accounts; a++) {
		static const int tax[] = { 0, 1900, 2000, 700 };
		fprintf(fa, "%ld\tb%ld@example.net\t%d\t%lld\n", a, a, tax[a % 4], (long long)from - 86400 * 90);
		for (long k = 0; k < per; k++) {
			long plan = 1 + (long)(rnd(&s) % 2);
			long long quota = 5000 + (long long)(rnd(&s) % 40000);
			/* most VEs run all month, one in ten starts in it; one in twenty is suspended in it */
			long long created = rnd(&s) % 10 == 0 ? from + (long long)(rnd(&s) % (uint64_t)(to - from)) :
			    from - 86400 * (1 + (long long)(rnd(&s) % 300));
			id++;
			fprintf(fo, "%ld\t%ld\t%ld\t1\t%lld\t1\t365\tssh\t60\t24\topen\t1\t%lld\n",
			    id, a, plan, quota, created);
			fprintf(fv, "%08lX\t%ld\t%ld\tactive\tx\t%lld\t%lld\t%lld\n", 0xB0000000UL + id, a, id,
			    created, created + 86400LL * 365, created);
			if (rnd(&s) % 20 == 0) {
				long long off = created > from ? created : from;
				long long sus = off + (long long)(rnd(&s) % (uint64_t)(to - off));
				fprintf(fl, "%08lX\t%lld\tsuspended\tbench\n", 0xB0000000UL + id, sus);
				if (rnd(&s) % 2)
					fprintf(fl, "%08lX\t%lld\tactive\tbench\n", 0xB0000000UL + id,
					    sus + (long long)(rnd(&s) % 86400 * 3));
			}
			/*
			 * One usage_day row per day; P1 changes version at noon on the
			 * 16th, so that day also gets its 24 usage_hour rows (the day
			 * row is their sum, as billingd writes them).
			 */
			for (int64_t d = from; d < to; d += 86400) {
				long long sum[5] = { 0, 0, 0, 0, 0 };
				int split = plan == 1 && d == split_day;
				if (d + 86400 <= created)
					continue;
				for (int h = 0; h < (split ? 24 : 1); h++) {
					long long x[5];
					long mult = split ? 1 : 24;
					x[0] = (long long)(rnd(&s) % 900000000ULL) * mult;
					x[1] = (long long)(rnd(&s) % 300000000ULL) * mult;
					x[2] = (long long)(rnd(&s) % 2000000000ULL) * 3600 * mult;
					x[3] = (long long)(rnd(&s) % 4000000000ULL) * mult;
					x[4] = (long long)(rnd(&s) % 8000000000ULL) * mult;
					for (int c = 0; c < 5; c++)
						sum[c] += x[c];
					if (split)
						row(fh, id, d + h * 3600, x, 3600, 3599);
				}
				row(fd, id, d, sum, 86400, 86399);
				hours += split ? 24 : 0;
			}
		}
	}
	fprintf(stderr, "invoice_bench: %ld VEs, %ld usage_hour rows\n", id, hours);
	fclose(fa);
	fclose(fo);
	fclose(fv);
	fclose(fl);
	fclose(fh);
	fclose(fd);
	return 0;
}

static double
now_s(void)
{
	return (double)vep_mono_us() / 1e6;
}

static int
run(const char *sock, const char *name, const char *period)
{
	struct db *db;
	char err[256];
	int64_t from, to;
	int y, m, c1 = 0, c2 = 0;
	double t0, t1, t2;

	if (rate_period_parse(period, &y, &m) == -1)
		return 1;
	rate_month_bounds(y, m, &from, &to);
	if ((db = db_open_params(sock, NULL, 0, "root", NULL, name, 10, err, sizeof(err))) == NULL) {
		fprintf(stderr, "invoice_bench: %s\n", err);
		return 1;
	}
	t0 = now_s();
	if (db_invoice_run_opt(db, y, m, to + 86400, 14, "bench", &c1, err, sizeof(err)) != BILLING_OK) {
		fprintf(stderr, "invoice_bench: run: %s\n", err);
		db_close(db);
		return 1;
	}
	t1 = now_s();
	if (db_invoice_run_opt(db, y, m, to + 86400, 14, "bench", &c2, err, sizeof(err)) != BILLING_OK) {
		fprintf(stderr, "invoice_bench: second run: %s\n", err);
		db_close(db);
		return 1;
	}
	t2 = now_s();
	printf("invoices %d first_s %.2f second_s %.2f second_created %d\n", c1, t1 - t0, t2 - t1, c2);
	db_close(db);
	return c2 == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	log_init("invoice_bench", LOG_LVL_INFO, 1, 0);
	if (argc == 6 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], atol(argv[3]), atol(argv[4]), argv[5]);
	if (argc == 5 && strcmp(argv[1], "run") == 0)
		return run(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: invoice_bench gen DIR ACCOUNTS VES_PER_ACCOUNT YYYY-MM\n"
	    "       invoice_bench run SOCKET DATABASE YYYY-MM\n");
	return 2;
}
