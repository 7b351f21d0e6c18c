/*
 * All SQL of usage history; see db_history.h.  Each step reads exactly one
 * table with one range on its primary key (FORCE INDEX so that a skewed
 * estimate cannot turn it into a scan of the secondary KEY (t) across
 * every VE), and a gauge looks back before the range with one descending
 * read of the same key, LIMIT 1.
 */
#include <stddef.h>
#include <string.h>

#include "db.h"
#include "db_history.h"
#include "util.h"

enum stmt {
	STMT_CARRY_RAW,
	STMT_CARRY_MINUTE,
	STMT_CARRY_HOUR,
	STMT_CARRY_DAY,
	STMT_VE_EXISTS,
	STMT__MAX
};

/*
 * A metric's history reads only the columns its points are made of (a day
 * by minute of cpu: the time and one sum, 1,440 rows of 2 columns), so the
 * server sends and the worker binds no more than the answer needs.
 */
/*
 * The VE's existence is part of the range's condition (an uncorrelated
 * subquery: one primary-key read, made once), so an operator's request
 * for a VE that has rows costs no statement of its own; only an empty
 * answer asks again whether the VE exists (STMT_VE_EXISTS).
 */
#define RANGE(cols, table) \
	"SELECT t, " cols " FROM " table " FORCE INDEX (PRIMARY) " \
	"WHERE ve_id = ? AND t >= ? AND t < ? " \
	"AND EXISTS (SELECT 1 FROM ves WHERE id = ?) ORDER BY t"
#define RANGES(raw, cols) { \
	[HIST_SECOND] = RANGE(raw, "usage_raw"), [HIST_MINUTE] = RANGE(cols, "usage_minute"), \
	[HIST_HOUR] = RANGE(cols, "usage_hour"), [HIST_DAY] = RANGE(cols, "usage_day") }
#define CPU		"cpu_user_us + cpu_sys_us"
/* A raw second holds one sample of the gauges, or none (NULL). */
#define RAW_SAMPLES	"vmem_bytes IS NOT NULL"
#define RAW_VMEM	"COALESCE(vmem_bytes, 0)"
#define RAW_DISK	"COALESCE(disk_bytes, 0)"
#define HR(f)		offsetof(struct hist_row, f)

static const struct {
	const char	*sql[HIST__STEPS];
	size_t		 nout, out[3];	/* the columns after t: where they go in hist_row */
} ranges[HIST__METRICS] = {
	[HIST_CPU] = { RANGES(CPU, CPU), 1, { HR(cpu_us) } },
	[HIST_NET_IN] = { RANGES("net_in_bytes", "net_in_bytes"), 1, { HR(net_in) } },
	[HIST_NET_OUT] = { RANGES("net_out_bytes", "net_out_bytes"), 1, { HR(net_out) } },
	[HIST_NET_TOTAL] = { RANGES("net_in_bytes, net_out_bytes", "net_in_bytes, net_out_bytes"),
	    2, { HR(net_in), HR(net_out) } },
	[HIST_VMEM] = { RANGES(RAW_VMEM ", " RAW_SAMPLES ", " RAW_VMEM,
	    "vmem_sum_bytes, samples, vmem_last_bytes"), 3, { HR(vmem_sum), HR(samples), HR(vmem_last) } },
	[HIST_DISK] = { RANGES(RAW_DISK ", " RAW_SAMPLES ", " RAW_DISK,
	    "disk_sum_bytes, samples, disk_last_bytes"), 3, { HR(disk_sum), HR(samples), HR(disk_last) } },
};

#define CARRY(table) \
	"SELECT vmem_last_bytes, disk_last_bytes FROM " table " FORCE INDEX (PRIMARY) " \
	"WHERE ve_id = ? AND t < ? AND samples > 0 ORDER BY t DESC LIMIT 1"

static const char *const sql[STMT__MAX] = {
	[STMT_CARRY_RAW] =
	    "SELECT vmem_bytes, COALESCE(disk_bytes, 0) FROM usage_raw FORCE INDEX (PRIMARY) "
	    "WHERE ve_id = ? AND t < ? AND vmem_bytes IS NOT NULL ORDER BY t DESC LIMIT 1",
	[STMT_CARRY_MINUTE] = CARRY("usage_minute"),
	[STMT_CARRY_HOUR] = CARRY("usage_hour"),
	[STMT_CARRY_DAY] = CARRY("usage_day"),
	[STMT_VE_EXISTS] = "SELECT 1 FROM ves WHERE id = ?",
};

static const struct {
	const char	*name;
	long long	 seconds;
	enum stmt	 carry;
} steps[HIST__STEPS] = {
	[HIST_SECOND] = { "second", 1, STMT_CARRY_RAW },
	[HIST_MINUTE] = { "minute", 60, STMT_CARRY_MINUTE },
	[HIST_HOUR] = { "hour", 3600, STMT_CARRY_HOUR },
	[HIST_DAY] = { "day", 86400, STMT_CARRY_DAY },
};

static const struct {
	const char	*name;
	const char	*unit;
	int		 gauge;
} metrics[HIST__METRICS] = {
	[HIST_DISK] = { "disk", "bytes", 1 },
	[HIST_CPU] = { "cpu", "ms", 0 },
	[HIST_VMEM] = { "vmem", "MB", 1 },
	[HIST_NET_IN] = { "net_in", "bytes", 0 },
	[HIST_NET_OUT] = { "net_out", "bytes", 0 },
	[HIST_NET_TOTAL] = { "net_total", "bytes", 0 },
};

int
hist_metric_parse(const char *s, enum hist_metric *m)
{
	int i = VEP_LOOKUP(s, metrics, HIST__METRICS);

	if (i < 0)
		return -1;
	*m = (enum hist_metric)i;
	return 0;
}

int
hist_step_parse(const char *s, enum hist_step *st)
{
	int i = VEP_LOOKUP(s, steps, HIST__STEPS);

	if (i < 0)
		return -1;
	*st = (enum hist_step)i;
	return 0;
}

const char *
hist_metric_name(enum hist_metric m)
{
	return (unsigned)m < HIST__METRICS ? metrics[m].name : "";
}

const char *
hist_step_name(enum hist_step s)
{
	return (unsigned)s < HIST__STEPS ? steps[s].name : "";
}

const char *
hist_unit(enum hist_metric m)
{
	return (unsigned)m < HIST__METRICS ? metrics[m].unit : "";
}

int
hist_is_gauge(enum hist_metric m)
{
	return (unsigned)m < HIST__METRICS && metrics[m].gauge;
}

long long
hist_step_seconds(enum hist_step s)
{
	return (unsigned)s < HIST__STEPS ? steps[s].seconds : 1;
}

long long
hist_align(long long t, enum hist_step s)
{
	long long w = hist_step_seconds(s);

	if (t < 0)
		return 0;
	return t - t % w;
}

size_t
hist_npoints(long long from_al, enum hist_step s, long long count, long long now)
{
	long long w = hist_step_seconds(s), n;

	if (count < 1 || from_al < 0 || now < from_al)
		return 0;
	n = (hist_align(now, s) - from_al) / w + 1;
	if (n > count)
		n = count;
	if (n > HIST_MAX_POINTS)
		n = HIST_MAX_POINTS;
	return (size_t)n;
}

/* A gauge's stored bytes in the metric's unit. */
static long long
gauge_unit(enum hist_metric m, long long bytes)
{
	if (bytes < 0)
		return 0;
	return m == HIST_VMEM ? bytes / 1000000 : bytes;
}

/* The value of a bucket that holds no data. */
static long long
fill_value(const struct hist_fill *f)
{
	if (!metrics[f->metric].gauge || !f->have_carry)
		return 0;
	return gauge_unit(f->metric, f->carry);
}

static void
put_fill(struct hist_fill *f, size_t i)
{
	f->pts[i].t = f->from + (long long)i * steps[f->step].seconds;
	f->pts[i].v = fill_value(f);
	f->pts[i].filled = 1;
	f->filled = 1;
}

void
hist_fill_start(struct hist_fill *f, enum hist_metric m, enum hist_step s,
    long long from_al, struct hist_point *pts, size_t n, int have_carry, long long carry)
{
	memset(f, 0, sizeof(*f));
	f->metric = (unsigned)m < HIST__METRICS ? m : HIST_CPU;
	f->step = (unsigned)s < HIST__STEPS ? s : HIST_SECOND;
	f->from = from_al;
	f->pts = pts;
	f->n = n;
	f->have_carry = have_carry;
	f->carry = carry;
}

void
hist_fill_row(struct hist_fill *f, const struct hist_row *r)
{
	struct hist_point *p;
	long long w = steps[f->step].seconds, v;
	size_t i;

	if (r->t < f->from || (unsigned long long)((r->t - f->from) / w) >= f->n)
		return;
	i = (size_t)((r->t - f->from) / w);
	if (i < f->next)
		return;
	while (f->next < i)
		put_fill(f, f->next++);
	p = &f->pts[i];
	p->t = f->from + (long long)i * w;
	p->filled = 0;
	switch (f->metric) {
	case HIST_CPU:
		v = r->cpu_us / 1000;
		break;
	case HIST_NET_IN:
		v = r->net_in;
		break;
	case HIST_NET_OUT:
		v = r->net_out;
		break;
	case HIST_NET_TOTAL:
		if (__builtin_add_overflow(r->net_in, r->net_out, &v))
			v = 0;
		break;
	case HIST_DISK:
	case HIST_VMEM:
	default:
		/* A bucket of spread deltas only (a gap in polls) has no sample. */
		if (r->samples <= 0) {
			v = fill_value(f);
			p->filled = 1;
			f->filled = 1;
			break;
		}
		v = gauge_unit(f->metric, (f->metric == HIST_DISK ? r->disk_sum : r->vmem_sum) /
		    r->samples);
		f->carry = f->metric == HIST_DISK ? r->disk_last : r->vmem_last;
		f->have_carry = 1;
		break;
	}
	p->v = v < 0 ? 0 : v;
	if (!p->filled && !f->sampled && metrics[f->metric].gauge) {
		f->sampled = 1;
		f->lead = i;
	}
	f->next = i + 1;
}

int
hist_fill_wants_carry(const struct hist_fill *f)
{
	return metrics[f->metric].gauge && (!f->sampled || f->lead > 0);
}

int
hist_fill_end(struct hist_fill *f)
{
	while (f->next < f->n)
		put_fill(f, f->next++);
	return f->filled;
}

void
hist_fill_carry(struct hist_fill *f, long long carry)
{
	size_t upto = f->sampled ? f->lead : f->n;

	for (size_t i = 0; i < upto && i < f->n; i++)
		if (f->pts[i].filled)
			f->pts[i].v = gauge_unit(f->metric, carry);
}

int
db_history_get(struct db *db, const char *ve_id, enum hist_metric m, enum hist_step s,
    long long from, long long count, long long now, struct hist_point *pts, size_t cap,
    size_t *npts, int *filled, int *exists)
{
	struct hist_fill f;
	struct hist_row row;
	struct db_cur c;
	long long from_al, to, vl = 0, dl = 0;
	size_t n, rows = 0;
	int rc;

	*npts = 0;
	*filled = 0;
	*exists = 0;
	if ((unsigned)m >= HIST__METRICS || (unsigned)s >= HIST__STEPS || from < 0)
		return DB_ERR;
	from_al = hist_align(from, s);
	if ((n = hist_npoints(from_al, s, count, now)) > cap)
		n = cap;
	if (n == 0) {
		rc = db_history_ve_exists(db, ve_id);
		*exists = rc == 1;
		return rc < 0 ? rc : DB_OK;
	}
	to = from_al + (long long)n * steps[s].seconds;
	hist_fill_start(&f, m, s, from_al, pts, n, 0, 0);

	struct dbv p[] = { DBV_STR(ve_id), DBV_INT(from_al), DBV_INT(to), DBV_STR(ve_id) };
	struct dbo o[4] = { DBO_INT(&row.t) };
	memset(&row, 0, sizeof(row));
	for (size_t k = 0; k < ranges[m].nout; k++)
		o[k + 1] = DBO_INT((long long *)((char *)&row + ranges[m].out[k]));
	if ((rc = db_query(db, &c, ranges[m].sql[s], p, nitems(p), o, ranges[m].nout + 1)) != DB_OK)
		return rc;
	while ((rc = db_next(&c)) == 1) {
		hist_fill_row(&f, &row);
		rows++;
	}
	db_cur_close(&c);
	if (rc < 0)
		return rc;
	if (rows == 0) {
		/* No rows: no such VE, or a VE without usage in the range. */
		if ((rc = db_history_ve_exists(db, ve_id)) <= 0)
			return rc;
	}
	*exists = 1;
	*filled = hist_fill_end(&f);
	/* A gauge's points before its first sample show the value it had before. */
	if (hist_fill_wants_carry(&f)) {
		struct dbv cp[] = { DBV_STR(ve_id), DBV_INT(from_al) };
		struct dbo co[] = { DBO_INT(&vl), DBO_INT(&dl) };
		if ((rc = db_one(db, sql[steps[s].carry], cp, nitems(cp), co, nitems(co))) < 0)
			return rc;
		if (rc == 1)
			hist_fill_carry(&f, m == HIST_DISK ? dl : vl);
	}
	*npts = n;
	return DB_OK;
}

int
db_history_ve_exists(struct db *db, const char *ve_id)
{
	long long one = 0;
	struct dbv p[] = { DBV_STR(ve_id) };
	struct dbo o[] = { DBO_INT(&one) };

	return db_one(db, sql[STMT_VE_EXISTS], p, nitems(p), o, nitems(o));
}
