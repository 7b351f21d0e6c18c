/*
 * history_probe: the C half of bench/history.sh.
 *
 *	history_probe gen DIR NOW VES RAW_VES RAW_DAYS
 *		write DIR/{ves,day,hour,minute,raw}.tsv: for VES synthetic VEs a
 *		year of day rows, a year of hour rows, a day of minute rows, and
 *		RAW_DAYS of raw seconds for the first RAW_VES of them, all ending
 *		at NOW (epoch seconds); the files are in primary-key order so
 *		LOAD DATA appends.
 *	history_probe run SOCKET DB NOW VES RAW_VES ITER
 *		time ITER calls of db_history_get() per case on random VEs, and
 *		as the yardstick one primary-key lookup on ves; print p50, p99,
 *		mean and max in microseconds.  SOCKET may instead name a
 *		vepanel.conf (ending in .conf): its [database] is used as the
 *		programs use it (hosts, prefer, sync_wait; its name must be DB),
 *		for bench/galera.sh.
 *
 * VE ids are B0000001, B0000002, ... so they never meet real ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "db.h"
#include "db_history.h"
#include "util.h"

static unsigned long long rng = 88172645463325252ULL;

static unsigned long long
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void
ve_name(char out[9], long v)
{
	snprintf(out, 9, "%08X", 0xB0000000U + (unsigned)(v & 0xffffff));
}

static FILE *
open_out(const char *dir, const char *name)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	return f;
}

/* One rollup row of width w seconds at t, as a tab-separated line. */
static void
roll_row(FILE *f, const char *ve, long long t, long long w)
{
	long long samples = w, vmem = (long long)(rnd() % 2000) * 1000000LL;
	long long disk = 1000000000LL + (long long)(rnd() % 4000000000ULL);

	fprintf(f, "%s\t%lld\t%llu\t%llu\t%llu\t%llu\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\n",
	    ve, t, rnd() % (w * 200000), rnd() % (w * 50000), rnd() % (w * 100000),
	    rnd() % (w * 20000), vmem * samples, disk * samples, samples, vmem, disk, t + w - 1);
}

static int
gen(const char *dir, long long now, long ves, long raw_ves, long raw_days)
{
	FILE *fv = open_out(dir, "ves.tsv"), *fd = open_out(dir, "day.tsv");
	FILE *fh = open_out(dir, "hour.tsv"), *fm = open_out(dir, "minute.tsv");
	FILE *fr = open_out(dir, "raw.tsv");
	long long day = now - now % 86400, hour = now - now % 3600, min = now - now % 60, t;
	char ve[9];

	for (long v = 1; v <= ves; v++) {
		ve_name(ve, v);
		fprintf(fv, "%s\t1\t%ld\tactive\tx\t%lld\t%lld\t%lld\n", ve, v, now - 400 * 86400LL,
		    now + 400 * 86400LL, now);
		for (t = day - 364 * 86400LL; t <= day; t += 86400)
			roll_row(fd, ve, t, 86400);
		for (t = hour - 8759 * 3600LL; t <= hour; t += 3600)
			roll_row(fh, ve, t, 3600);
		for (t = min - 1440 * 60LL; t <= min; t += 60)
			roll_row(fm, ve, t, 60);
		if (v > raw_ves)
			continue;
		for (t = now - raw_days * 86400LL; t <= now; t++)
			fprintf(fr, "%s\t%lld\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\n", ve, t,
			    rnd() % 200000, rnd() % 50000, rnd() % 2000000000ULL,
			    1000000000ULL + rnd() % 4000000000ULL, rnd() % 100000, rnd() % 20000);
	}
	if (fclose(fv) || fclose(fd) || fclose(fh) || fclose(fm) || fclose(fr)) {
		perror("write");
		return 1;
	}
	return 0;
}

static double
now_us(void)
{
	return (double)vep_mono_us();
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct bcase {
	const char		*name;
	enum hist_metric	 m;
	enum hist_step		 s;
	long long		 back;	/* from = now - back */
	long long		 count;
	int			 raw;	/* only VEs with raw seconds */
};

static const struct bcase cases[] = {
	{ "pk lookup (ves by id)", 0, 0, 0, 0, 0 },
	{ "day by minute, cpu", HIST_CPU, HIST_MINUTE, 1439 * 60LL, 1440, 0 },
	{ "day by minute, disk", HIST_DISK, HIST_MINUTE, 1439 * 60LL, 1440, 0 },
	{ "month by hour, cpu", HIST_CPU, HIST_HOUR, 719 * 3600LL, 720, 0 },
	{ "month by hour, vmem", HIST_VMEM, HIST_HOUR, 719 * 3600LL, 720, 0 },
	{ "year by day, net_total", HIST_NET_TOTAL, HIST_DAY, 364 * 86400LL, 365, 0 },
	{ "year by day, disk", HIST_DISK, HIST_DAY, 364 * 86400LL, 365, 0 },
	{ "hour by second, cpu", HIST_CPU, HIST_SECOND, 3599, 3600, 1 },
	{ "hour by second, disk", HIST_DISK, HIST_SECOND, 3599, 3600, 1 },
};

/* Time iter calls of case b on VEs drawn from 1..pool (pool 1: the same VE, hot). */
static int
time_case(struct db *db, const struct bcase *b, int pk, long pool, long long now, long iter,
    struct hist_point *pts, double *lat, size_t *n)
{
	char ve[9];
	double t0;
	int filled, exists, rc;

	/* the first calls warm the statement cache */
	for (long i = -20; i < iter; i++) {
		ve_name(ve, 1 + (long)(rnd() % (unsigned long long)pool));
		t0 = now_us();
		if (pk)
			rc = db_history_ve_exists(db, ve) == 1 ? DB_OK : DB_ERR;
		else
			rc = db_history_get(db, ve, b->m, b->s, now - b->back, b->count, now,
			    pts, HIST_MAX_POINTS, n, &filled, &exists);
		if (rc != DB_OK) {
			fprintf(stderr, "history_probe: %s failed for %s\n", b->name, ve);
			return -1;
		}
		if (i >= 0)
			lat[i] = now_us() - t0;
	}
	qsort(lat, (size_t)iter, sizeof(*lat), cmp_d);
	return 0;
}

static int
run(const char *sock, const char *dbname, long long now, long ves, long raw_ves, long iter)
{
	struct hist_point *pts;
	struct db *db;
	double *cold, *hot;
	char err[256];
	size_t n = 1;

	size_t sl = strlen(sock);

	if (sl > 5 && strcmp(sock + sl - 5, ".conf") == 0) {
		struct conf *c = conf_load(sock, err, sizeof(err));
		db = c != NULL ? db_open(c, err, sizeof(err)) : NULL;
		if (c != NULL && strcmp(conf_str(c, "database", "name"), dbname) != 0) {
			snprintf(err, sizeof(err), "%s names database %s, not %s", sock,
			    conf_str(c, "database", "name"), dbname);
			db_close(db);
			db = NULL;
		}
		conf_free(c);
	} else
		db = db_open_params(sock, NULL, 0, "root", NULL, dbname, 5, err, sizeof(err));
	if (db == NULL) {
		fprintf(stderr, "history_probe: %s\n", err);
		return 1;
	}
	if ((pts = calloc(HIST_MAX_POINTS, sizeof(*pts))) == NULL ||
	    (cold = calloc((size_t)iter, sizeof(*cold))) == NULL ||
	    (hot = calloc((size_t)iter, sizeof(*hot))) == NULL)
		return 1;
	printf("%-26s %7s | %-21s | %-17s\n", "", "", "random VE of all", "one VE, hot");
	printf("%-26s %7s | %6s %6s %7s | %6s %6s\n", "case (db_history_get)", "points",
	    "p50_us", "p99_us", "max_us", "p50_us", "p99_us");
	for (size_t c = 0; c < nitems(cases); c++) {
		const struct bcase *b = &cases[c];
		long pool = b->raw ? raw_ves : ves;
		if (pool < 1)
			continue;
		if (time_case(db, b, c == 0, pool, now, iter, pts, cold, &n) == -1 ||
		    time_case(db, b, c == 0, 1, now, iter, pts, hot, &n) == -1)
			return 1;
		printf("%-26s %7zu | %6.0f %6.0f %7.0f | %6.0f %6.0f\n", b->name, c == 0 ? (size_t)1 : n,
		    cold[iter / 2], cold[(iter * 99) / 100], cold[iter - 1], hot[iter / 2],
		    hot[(iter * 99) / 100]);
	}
	free(hot);
	free(cold);
	free(pts);
	db_close(db);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 7 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], atoll(argv[3]), atol(argv[4]), atol(argv[5]), atol(argv[6]));
	if (argc == 8 && strcmp(argv[1], "run") == 0)
		return run(argv[2], argv[3], atoll(argv[4]), atol(argv[5]), atol(argv[6]),
		    atol(argv[7]) > 0 ? atol(argv[7]) : 1000);
	fprintf(stderr, "usage: history_probe gen DIR NOW VES RAW_VES RAW_DAYS\n"
	    "       history_probe run SOCKET DB NOW VES RAW_VES ITER\n");
	return 2;
}
