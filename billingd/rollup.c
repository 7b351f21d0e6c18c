/*
 * Spans to table rows; see rollup.h.  Rows are generated per span and
 * bucket, then sorted by key and merged: sorting also gives the database
 * the rows in primary-key order, which keeps two writers from deadlocking.
 */
#include <stdlib.h>
#include <string.h>

#include "prom.h"
#include "rollup.h"
#include "util.h"

const int64_t rollup_width[DU__LEVELS] = { 60, 3600, 86400 };

void
rollup_init(struct rollup *r)
{
	memset(r, 0, sizeof(*r));
}

void
rollup_free(struct rollup *r)
{
	free(r->raw);
	free(r->rawip);
	for (int l = 0; l < DU__LEVELS; l++)
		free(r->roll[l]);
	free(r->iph);
	free(r->tot);
	rollup_init(r);
}

/* Room for one more row in *arr; the new row zeroed, or NULL. */
static void *
more(void **arr, size_t *n, size_t *cap, size_t size)
{
	char *p;

	if (vep_grow(arr, cap, *n + 1, size, 256) == -1)
		return NULL;
	p = (char *)*arr + (*n)++ * size;
	memset(p, 0, size);
	return p;
}
#define MORE(arr, n, cap)	more((void **)&(arr), &(n), &(cap), sizeof(*(arr)))

static int64_t
floor_to(int64_t t, int64_t w)
{
	return t >= 0 ? t - t % w : t - (w + t % w) % w;
}

static int
raw_rows(struct rollup *r, const struct rspan *sp, const char *ve,
    char ipname[][PROM_IPSTRLEN], const struct rollup_opt *o)
{
	const struct mspan *s = sp->s;
	int64_t lo = s->t0 + 1;

	if (s->t1 - o->raw_spread + 1 > lo)
		lo = s->t1 - o->raw_spread + 1;
	if (o->raw_from > lo)
		lo = o->raw_from;
	for (int64_t t = lo; t <= s->t1; t++) {
		long long in = 0, out = 0, cu, cs;
		size_t with = 0, one = 0;	/* addresses with traffic, the last of them */
		for (size_t k = 0; k < sp->nip; k++) {
			long long a = (long long)meter_share(sp->ip[k].rx, s->t0, s->t1, t, t);
			long long b = (long long)meter_share(sp->ip[k].tx, s->t0, s->t1, t, t);
			in += a;
			out += b;
			if (a != 0 || b != 0) {
				with++;
				one = k;
			}
		}
		/* Several addresses with traffic: the split goes to usage_raw_ip. */
		for (size_t k = 0; with > 1 && k < sp->nip; k++) {
			long long a = (long long)meter_share(sp->ip[k].rx, s->t0, s->t1, t, t);
			long long b = (long long)meter_share(sp->ip[k].tx, s->t0, s->t1, t, t);
			struct du_ip *x;
			if (a == 0 && b == 0)
				continue;
			if ((x = MORE(r->rawip, r->nrawip, r->crawip)) == NULL)
				return -1;
			memcpy(x->ve, ve, 9);
			memcpy(x->ip, ipname[k], PROM_IPSTRLEN);
			x->t = t;
			x->a = a;
			x->b = b;
		}
		cu = (long long)meter_share(s->cpu_user_us, s->t0, s->t1, t, t);
		cs = (long long)meter_share(s->cpu_sys_us, s->t0, s->t1, t, t);
		if (t == s->t1 || cu || cs || in || out) {
			struct du_raw *x;
			if ((x = MORE(r->raw, r->nraw, r->craw)) == NULL)
				return -1;
			memcpy(x->ve, ve, 9);
			if (with == 1)	/* all of it one address's: no usage_raw_ip row */
				memcpy(x->ip, ipname[one], PROM_IPSTRLEN);
			x->t = t;
			x->cpu_user_us = cu;
			x->cpu_sys_us = cs;
			x->net_in = in;
			x->net_out = out;
			x->has_gauge = t == s->t1;
			x->vmem = (long long)s->vmem;
			x->disk = (long long)s->disk;
		}
	}
	return 0;
}

static int
bucket_rows(struct rollup *r, const struct rspan *sp, const char *ve,
    char ipname[][PROM_IPSTRLEN], const struct rollup_opt *o)
{
	const struct mspan *s = sp->s;

	for (int l = 0; l < DU__LEVELS; l++) {
		int64_t w = rollup_width[l];
		for (int64_t b = floor_to(s->t0 + 1, w); b <= s->t1; b += w) {
			struct du_roll *x;
			long long in = 0, out = 0;
			int sampled = s->t1 >= b && s->t1 < b + w;

			if (b < o->from[l])
				continue;
			if ((x = MORE(r->roll[l], r->nroll[l], r->croll[l])) == NULL)
				return -1;
			memcpy(x->ve, ve, 9);
			x->t = b;
			x->cpu_user_us = (long long)meter_share(s->cpu_user_us, s->t0, s->t1, b, b + w - 1);
			x->cpu_sys_us = (long long)meter_share(s->cpu_sys_us, s->t0, s->t1, b, b + w - 1);
			for (size_t k = 0; k < sp->nip; k++) {
				in += (long long)meter_share(sp->ip[k].rx, s->t0, s->t1, b, b + w - 1);
				out += (long long)meter_share(sp->ip[k].tx, s->t0, s->t1, b, b + w - 1);
			}
			x->net_in = in;
			x->net_out = out;
			if (sampled) {
				x->samples = 1;
				x->vmem_sum = x->vmem_last = (long long)s->vmem;
				x->disk_sum = x->disk_last = (long long)s->disk;
				x->last_t = s->t1;
			}
		}
	}
	/* Per address, hours. */
	for (size_t k = 0; k < sp->nip; k++) {
		int64_t w = rollup_width[DU_HOUR];
		for (int64_t b = floor_to(s->t0 + 1, w); b <= s->t1; b += w) {
			long long a, c;
			struct du_ip *x;

			if (b < o->from[DU_HOUR])
				continue;
			a = (long long)meter_share(sp->ip[k].rx, s->t0, s->t1, b, b + w - 1);
			c = (long long)meter_share(sp->ip[k].tx, s->t0, s->t1, b, b + w - 1);
			if (a == 0 && c == 0)
				continue;
			if ((x = MORE(r->iph, r->niph, r->ciph)) == NULL)
				return -1;
			memcpy(x->ve, ve, 9);
			memcpy(x->ip, ipname[k], PROM_IPSTRLEN);
			x->t = b;
			x->a = a;
			x->b = c;
		}
	}
	return 0;
}

static int
total_row(struct rollup *r, const struct rspan *sp, const char *ve)
{
	struct du_total *x;

	if ((x = MORE(r->tot, r->ntot, r->ctot)) == NULL)
		return -1;
	memcpy(x->ve, ve, 9);
	x->cpu_user_us = (long long)sp->s->cpu_user_us;
	x->cpu_sys_us = (long long)sp->s->cpu_sys_us;
	for (size_t k = 0; k < sp->nip; k++) {
		x->net_in += (long long)sp->ip[k].rx;
		x->net_out += (long long)sp->ip[k].tx;
	}
	x->vmem_last = (long long)sp->s->vmem;
	x->disk_last = (long long)sp->s->disk;
	x->last_t = sp->s->t1;
	return 0;
}

int
rollup_key_cmp(const char *va, long long ta, const char *vb, long long tb)
{
	int c = memcmp(va, vb, 8);
	return c != 0 ? c : (ta > tb) - (ta < tb);
}

static int
cmp_roll(const void *a, const void *b)
{
	const struct du_roll *x = a, *y = b;
	return rollup_key_cmp(x->ve, x->t, y->ve, y->t);
}

static int
cmp_ip(const void *a, const void *b)
{
	const struct du_ip *x = a, *y = b;
	int c = memcmp(x->ve, y->ve, 8);
	if (c == 0)
		c = strcmp(x->ip, y->ip);
	return c != 0 ? c : (x->t > y->t) - (x->t < y->t);
}

static int
cmp_tot(const void *a, const void *b)
{
	const struct du_total *x = a, *y = b;
	return rollup_key_cmp(x->ve, x->last_t, y->ve, y->last_t);
}

static void
add_roll(void *into, const void *row)
{
	struct du_roll *d = into;
	const struct du_roll *v = row;

	d->cpu_user_us += v->cpu_user_us;
	d->cpu_sys_us += v->cpu_sys_us;
	d->net_in += v->net_in;
	d->net_out += v->net_out;
	d->vmem_sum += v->vmem_sum;
	d->disk_sum += v->disk_sum;
	d->samples += v->samples;
	if (v->last_t >= d->last_t && v->samples > 0) {
		d->vmem_last = v->vmem_last;
		d->disk_last = v->disk_last;
		d->last_t = v->last_t;
	}
}

static void
add_ip(void *into, const void *row)
{
	struct du_ip *d = into;
	const struct du_ip *v = row;

	d->a += v->a;
	d->b += v->b;
}

static int
same_ve(const void *a, const void *b)
{
	const struct du_total *x = a, *y = b;
	return memcmp(x->ve, y->ve, 8) == 0;
}

/* Sorted by (ve, last_t): the later row's gauges win. */
static void
add_tot(void *into, const void *row)
{
	struct du_total *d = into;
	const struct du_total *v = row;

	d->cpu_user_us += v->cpu_user_us;
	d->cpu_sys_us += v->cpu_sys_us;
	d->net_in += v->net_in;
	d->net_out += v->net_out;
	d->vmem_last = v->vmem_last;
	d->disk_last = v->disk_last;
	d->last_t = v->last_t;
}

int
rollup_build(struct rollup *r, const struct rspan *sp, size_t n,
    const struct rollup_opt *o)
{
	char ve[9], (*ipname)[PROM_IPSTRLEN] = NULL;
	size_t cap = 0;

	r->nraw = r->nrawip = r->niph = r->ntot = 0;
	for (int l = 0; l < DU__LEVELS; l++)
		r->nroll[l] = 0;
	for (size_t i = 0; i < n; i++) {
		if (sp[i].nip > cap) {
			void *np = realloc(ipname, sp[i].nip * sizeof(*ipname));
			if (np == NULL)
				goto fail;
			ipname = np;
			cap = sp[i].nip;
		}
		prom_ve_name(sp[i].ve, ve);
		for (size_t k = 0; k < sp[i].nip; k++)
			prom_ip_name(sp[i].ip[k].addr, ipname[k]);
		if (raw_rows(r, &sp[i], ve, ipname, o) == -1 ||
		    bucket_rows(r, &sp[i], ve, ipname, o) == -1 ||
		    total_row(r, &sp[i], ve) == -1)
			goto fail;
	}
	free(ipname);
	for (int l = 0; l < DU__LEVELS; l++)
		vep_sort_fold(r->roll[l], &r->nroll[l], sizeof(*r->roll[l]), cmp_roll, NULL, add_roll);
	vep_sort_fold(r->iph, &r->niph, sizeof(*r->iph), cmp_ip, NULL, add_ip);
	vep_sort_fold(r->tot, &r->ntot, sizeof(*r->tot), cmp_tot, same_ve, add_tot);
	return 0;
fail:
	free(ipname);
	return -1;
}
