/*
 * Rating a VE's month: see rating.h for the rules.  Nothing here reads the
 * clock or the database; lib/db/db_billing.c loads the inputs and stores the
 * lines, the unit tests feed hand-made months.
 */
#include <string.h>
#include <time.h>

#include "money.h"
#include "rating.h"
#include "util.h"

#define MONTH_MAX_S	(31LL * 86400)

/* Names as the API and invoices show them; [RR__MAX]: all NULL, for an out-of-range value. */
static const struct rate_res_info res_info[RR__MAX + 1] = {
	[RR_FEE] = { "fee", "month", "s" },
	[RR_DISK] = { "disk", "GB-month", "byte-s" },
	[RR_CPU] = { "cpu", "CPU-hour", "us" },
	[RR_VMEM] = { "vmem", "GB-hour", "byte-s" },
	[RR_TRAFFIC] = { "traffic", "GB", "byte" },
	[RR_TRAFFIC_IN] = { "traffic_in", "GB", "byte" },
	[RR_TRAFFIC_OUT] = { "traffic_out", "GB", "byte" },
	[RR_AVAIL] = { "availability", "%", "ppm" },
};
/* Base units per micro-unit: 3600 us is 10^-6 CPU-hour, 1000 bytes 10^-6 GB, ... */
static const int64_t res_raw_per_micro[RR__MAX] = {
	[RR_CPU] = 3600, [RR_VMEM] = 3600000, [RR_TRAFFIC] = 1000,
	[RR_TRAFFIC_IN] = 1000, [RR_TRAFFIC_OUT] = 1000,
};
static const char *const kind_names[RK__MAX] = {
	[RK_FEE] = "fee", [RK_USAGE] = "usage", [RK_OVERAGE] = "overage", [RK_CREDIT] = "credit",
};

const struct rate_res_info *
rate_res_info(enum rate_res r)
{
	return &res_info[(unsigned)r < RR__MAX ? r : RR__MAX];
}

const char *
rate_kind_name(enum rate_kind k)
{
	return (unsigned)k < RK__MAX ? kind_names[k] : NULL;
}

int
rate_res_parse(const char *s)
{
	return VEP_LOOKUP(s, res_info, RR__MAX);
}

int64_t
rate_active_seconds(const struct rate_event *ev, size_t n, int64_t created, int64_t a, int64_t b)
{
	int64_t s = 0;

	if (a < created)
		a = created;
	for (size_t i = 0; i < n; i++) {
		int64_t lo = ev[i].at, hi = i + 1 < n ? ev[i + 1].at : b;
		if (!ev[i].active)
			continue;
		if (lo < a)
			lo = a;
		if (hi > b)
			hi = b;
		if (hi > lo)
			s += hi - lo;
	}
	return s;
}

int
rate_raw(enum rate_res r, const struct rate_usage *u, int64_t *raw)
{
	if (u->cpu_us < 0 || u->vmem_byte_s < 0 || u->in_bytes < 0 || u->out_bytes < 0)
		return RATE_EINVAL;
	switch (r) {
	case RR_CPU:
		*raw = u->cpu_us;
		return RATE_OK;
	case RR_VMEM:
		*raw = u->vmem_byte_s;
		return RATE_OK;
	case RR_TRAFFIC:
		if (u->in_bytes > INT64_MAX - u->out_bytes)
			return RATE_EOVERFLOW;
		*raw = u->in_bytes + u->out_bytes;
		return RATE_OK;
	case RR_TRAFFIC_IN:
		*raw = u->in_bytes;
		return RATE_OK;
	case RR_TRAFFIC_OUT:
		*raw = u->out_bytes;
		return RATE_OK;
	default:
		return RATE_EINVAL;
	}
}

int
rate_raw_to_micro(enum rate_res r, int64_t raw, int64_t *micro)
{
	if ((unsigned)r >= RR__MAX || res_raw_per_micro[r] == 0 || raw < 0)
		return RATE_EINVAL;
	return money_muldiv(raw, 1, res_raw_per_micro[r], micro) == 0 ? RATE_OK : RATE_EOVERFLOW;
}

/* A new line of no price and no amount; NULL when out has no room. */
static struct rate_line *
line_add(struct rate_line *out, size_t cap, size_t *n, enum rate_kind k, enum rate_res r,
    size_t ver, int64_t qty)
{
	struct rate_line *l;

	if (*n == cap)
		return NULL;
	l = &out[(*n)++];
	l->kind = k;
	l->res = r;
	l->ver = ver;
	l->qty_micro = qty;
	l->unit_price_minor = 0;
	l->amount_minor = 0;
	return l;
}

static int
put(struct rate_line *out, size_t cap, size_t *n, enum rate_kind k, enum rate_res r,
    size_t ver, int64_t qty, int64_t price)
{
	struct rate_line *l;

	if ((l = line_add(out, cap, n, k, r, ver, qty)) == NULL)
		return RATE_ENOSPACE;
	if (k == RK_USAGE)
		return RATE_OK;
	l->unit_price_minor = price;
	if (money_muldiv(qty, price, MONEY_MICRO, &l->amount_minor) == -1)
		return RATE_EOVERFLOW;
	return RATE_OK;
}

/* The usage and overage lines of one metered resource in one version. */
static int
metered(const struct rate_input *in, size_t i, enum rate_res r, int64_t act_all,
    struct rate_line *out, size_t cap, size_t *n)
{
	const struct rate_version *v = &in->v[i];
	int64_t raw, used, inc, within;
	int rc;

	if (v->inc[r] == 0 && v->price[r] == 0)
		return RATE_OK;
	if ((rc = rate_raw(r, &in->u[i], &raw)) != RATE_OK ||
	    (rc = rate_raw_to_micro(r, raw, &used)) != RATE_OK)
		return rc;
	/* act_all <= 31 days, so MICRO * act_all fits easily. */
	if (money_muldiv(v->inc[r], MONEY_MICRO * act_all, in->to - in->from, &inc) == -1)
		return RATE_EOVERFLOW;
	within = used < inc ? used : inc;
	if (v->inc[r] > 0 && (rc = put(out, cap, n, RK_USAGE, r, i, within, 0)) != RATE_OK)
		return rc;
	if (used - within > 0)
		return put(out, cap, n, RK_OVERAGE, r, i, used - within, v->price[r]);
	return RATE_OK;
}

/* Disk: quota GB-months up to the included GB (usage) and above (overage). */
static int
disk(const struct rate_input *in, size_t i, int64_t act, struct rate_line *out,
    size_t cap, size_t *n)
{
	const struct rate_version *v = &in->v[i];
	const int64_t d = 1000 * (in->to - in->from);	/* bytes x s per micro GB-month */
	int64_t quota, incb, within, q, qmb = in->quota_mb != NULL ? in->quota_mb[i] : in->disk_quota_mb;
	int rc;

	if (v->inc[RR_DISK] == 0 && v->price[RR_DISK] == 0)
		return RATE_OK;
	if (qmb < 0)
		return RATE_EINVAL;
	if (qmb > INT64_MAX / 1000000 || v->inc[RR_DISK] > INT64_MAX / 1000000000)
		return RATE_EOVERFLOW;
	quota = qmb * 1000000;
	incb = v->inc[RR_DISK] * 1000000000;
	within = quota < incb ? quota : incb;
	if (v->inc[RR_DISK] > 0) {
		if (money_muldiv(within, act, d, &q) == -1)
			return RATE_EOVERFLOW;
		if ((rc = put(out, cap, n, RK_USAGE, RR_DISK, i, q, 0)) != RATE_OK)
			return rc;
	}
	if (money_muldiv(quota - within, act, d, &q) == -1)
		return RATE_EOVERFLOW;
	if (q > 0)
		return put(out, cap, n, RK_OVERAGE, RR_DISK, i, q, v->price[RR_DISK]);
	return RATE_OK;
}

/*
 * The availability credit on version i's fee line (the last line put), if
 * the terms give one for what was measured.
 */
static int
credit(const struct rate_input *in, size_t i, struct rate_line *out, size_t cap, size_t *n)
{
	const struct rate_line *fee = &out[*n - 1];
	struct rate_line *l;
	uint32_t bp;
	int64_t c;

	if (in->sla == NULL || in->avail == NULL ||
	    (bp = sla_credit_bp(&in->sla[i], in->avail)) == 0)
		return RATE_OK;
	if (sla_credit_minor(fee->amount_minor, bp, &c) == -1)
		return RATE_EOVERFLOW;
	if (c == 0)
		return RATE_OK;
	/* ppm x 100 is the percentage in micro-units: 999520 ppm is 99.952000 %. */
	if ((l = line_add(out, cap, n, RK_CREDIT, RR_AVAIL, i,
	    (int64_t)sla_availability_ppm(in->avail->up_s, in->avail->seen_s) * 100)) == NULL)
		return RATE_ENOSPACE;
	l->amount_minor = c;
	return RATE_OK;
}

static int
valid(const struct rate_input *in)
{
	if (in->to - in->from <= 0 || in->to - in->from > MONTH_MAX_S || in->nv == 0 ||
	    in->v == NULL || in->u == NULL || in->disk_quota_mb < 0)
		return 0;
	for (size_t i = 0; i < in->nv; i++) {
		if (i > 0 && in->v[i].valid_from <= in->v[i - 1].valid_from)
			return 0;
		if (in->v[i].fee_minor < 0)
			return 0;
		for (int r = 0; r < RR__MAX; r++)
			if (in->v[i].inc[r] < 0 || in->v[i].price[r] < 0)
				return 0;
	}
	for (size_t i = 1; i < in->nev; i++)
		if (in->ev[i].at < in->ev[i - 1].at)
			return 0;
	return 1;
}

void
rate_segment(const struct rate_input *in, size_t i, int64_t *sa, int64_t *sb)
{
	*sa = i == 0 || in->v[i].valid_from < in->from ? in->from : in->v[i].valid_from;
	*sb = i + 1 < in->nv && in->v[i + 1].valid_from < in->to ? in->v[i + 1].valid_from : in->to;
	if (*sa > in->to)
		*sa = in->to;
	if (*sb < *sa)
		*sb = *sa;
}

static int
has_usage(const struct rate_usage *u)
{
	return u->cpu_us != 0 || u->vmem_byte_s != 0 || u->in_bytes != 0 || u->out_bytes != 0;
}

int
rate_month(const struct rate_input *in, struct rate_line *out, size_t cap, size_t *n)
{
	const int64_t month_s = in->to - in->from;
	int nfee = 0, rc;

	*n = 0;
	if (!valid(in))
		return RATE_EINVAL;
	for (size_t i = 0; i < in->nv; i++) {
		int64_t sa, sb, fa, fb, act, act_all, q;

		rate_segment(in, i, &sa, &sb);
		fa = sa > in->acc_from ? sa : in->acc_from;
		fb = sb < in->until ? sb : in->until;
		act_all = rate_active_seconds(in->ev, in->nev, in->created_at, sa, sb);
		act = fb > fa ? rate_active_seconds(in->ev, in->nev, in->created_at, fa, fb) : 0;
		if (act_all == 0 && act == 0 && !has_usage(&in->u[i]))
			continue;	/* this version did not apply to this VE */
		if (money_muldiv(act, MONEY_MICRO, month_s, &q) == -1)
			return RATE_EOVERFLOW;
		if ((rc = put(out, cap, n, RK_FEE, RR_FEE, i, q, in->v[i].fee_minor)) != RATE_OK ||
		    (rc = credit(in, i, out, cap, n)) != RATE_OK)
			return rc;
		nfee++;
		if ((rc = disk(in, i, act, out, cap, n)) != RATE_OK)
			return rc;
		for (int r = RR_CPU; r <= RR_TRAFFIC_OUT; r++)
			if ((rc = metered(in, i, r, act_all, out, cap, n)) != RATE_OK)
				return rc;
	}
	if (nfee == 0) {
		/* Never active this month: still one fee line, at 0, of the version then in force. */
		int64_t t = in->created_at > in->from ? in->created_at : in->from;
		size_t i = 0;
		while (i + 1 < in->nv && in->v[i + 1].valid_from <= t)
			i++;
		return put(out, cap, n, RK_FEE, RR_FEE, i, 0, in->v[i].fee_minor);
	}
	return RATE_OK;
}

int
rate_totals(const struct rate_line *l, size_t n, int64_t tax_bp, int64_t *sub,
    int64_t *tax, int64_t *total)
{
	__int128 s = 0;

	for (size_t i = 0; i < n; i++)
		s += l[i].amount_minor;
	if (s > INT64_MAX || s < INT64_MIN)
		return RATE_EOVERFLOW;
	*sub = (int64_t)s;
	if (money_tax(*sub, tax_bp, tax) == -1)
		return RATE_EOVERFLOW;
	s += *tax;
	if (s > INT64_MAX || s < INT64_MIN)
		return RATE_EOVERFLOW;
	*total = (int64_t)s;
	return RATE_OK;
}

int
rate_period_parse(const char *s, int *y, int *m)
{
	int yy = 0, mm = 0;

	if (s == NULL || strlen(s) != 7 || s[4] != '-')
		return -1;
	for (int i = 0; i < 7; i++) {
		if (i == 4)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (i < 4)
			yy = yy * 10 + (s[i] - '0');
		else
			mm = mm * 10 + (s[i] - '0');
	}
	if (yy < 1970 || mm < 1 || mm > 12)
		return -1;
	*y = yy;
	*m = mm;
	return 0;
}

void
rate_month_bounds(int y, int m, int64_t *from, int64_t *to)
{
	*from = vep_days_from_civil(y, (unsigned)m, 1) * 86400;
	*to = m == 12 ? vep_days_from_civil(y + 1, 1, 1) * 86400 :
	    vep_days_from_civil(y, (unsigned)m + 1, 1) * 86400;
}

void
rate_month_of(int64_t t, int *y, int *m)
{
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
}

int64_t
rate_day_floor(int64_t t)
{
	return t - ((t % 86400) + 86400) % 86400;
}

int64_t
rate_day_ceil(int64_t t)
{
	int64_t f = rate_day_floor(t);
	return f == t ? t : f + 86400;
}

size_t
rate_version_at(const struct rate_version *v, size_t nv, int64_t t)
{
	size_t i = 0;
	while (i + 1 < nv && v[i + 1].valid_from <= t)
		i++;
	return i;
}

int
rate_usage_add(struct rate_usage *a, const struct rate_usage *b)
{
	return __builtin_add_overflow(a->cpu_us, b->cpu_us, &a->cpu_us) ||
	    __builtin_add_overflow(a->vmem_byte_s, b->vmem_byte_s, &a->vmem_byte_s) ||
	    __builtin_add_overflow(a->in_bytes, b->in_bytes, &a->in_bytes) ||
	    __builtin_add_overflow(a->out_bytes, b->out_bytes, &a->out_bytes) ? -1 : 0;
}
