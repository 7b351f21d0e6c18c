/*
 * Batches of usage: building them in the loop, and their spool encoding.
 * The encoding is fixed-width little-endian, versioned, and the decoder
 * checks every count against the bytes present and every index against
 * its array before anything is used: a spool file is untrusted input
 * (a crash, a full disk or a bad sector may have written it).
 * Version 2 adds the availability records (a count in the header, the
 * records last); a batch without any is still written as version 1, and
 * both are read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "util.h"

#define MAGIC		0x42504556u	/* "VEPB" */
#define BATCH_VERSION	1u	/* usage only */
#define BATCH_VERSION_AV 2u	/* and availability */
#define MINUTE_BITS	((1ULL << 60) - 1)
#define MAXV		((uint64_t)INT64_MAX)

/* Encoded sizes. */
#define SZ_HEAD		(4 + 4 + 8 + 8 + 4 + 4 + 4)
#define SZ_COUNT	(8 + 4 + 8 * 6)
#define SZ_ENTRY	(4 + 4 + SZ_COUNT + 8 + SZ_COUNT + 8)
#define SZ_SPAN		(4 + 4 + 4 + 8 + 8 + 8 * 4 + 4 + 4)
#define SZ_IP		(16 + 8 + 8)
#define SZ_HEAD_AV	(SZ_HEAD + 4)
#define SZ_AVAIL	(4 + 8 + 8 + 8)

struct batch *
batch_new(int64_t created)
{
	struct batch *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->created = created;
	return b;
}

void
batch_free(struct batch *b)
{
	if (b == NULL)
		return;
	free(b->e);
	free(b->s);
	free(b->ip);
	free(b->av);
	free(b);
}

size_t
batch_bytes(const struct batch *b)
{
	return sizeof(*b) + b->ce * sizeof(*b->e) + b->cs * sizeof(*b->s) +
	    b->cip * sizeof(*b->ip) + b->cav * sizeof(*b->av);
}

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	return vep_grow(p, cap, need, size, 16);
}

/* Copy n addresses to the pool; their offset in *off.  0 or -1. */
static int
add_ips(struct batch *b, const struct mip *ip, size_t n, uint32_t *off)
{
	if (n > UINT32_MAX - b->nip ||
	    grow((void **)&b->ip, &b->cip, b->nip + n, sizeof(*b->ip)) == -1)
		return -1;
	if (n > 0)
		memcpy(b->ip + b->nip, ip, n * sizeof(*ip));
	*off = (uint32_t)b->nip;
	b->nip += n;
	return 0;
}

long
batch_add_entry(struct batch *b, uint32_t ve, unsigned flags,
    const struct mcount *head, const struct mip *ip, size_t nip)
{
	struct bentry *e;
	uint32_t off;

	if (nip > BATCH_MAX_IPS || b->ne >= UINT32_MAX ||
	    grow((void **)&b->e, &b->ce, b->ne + 1, sizeof(*b->e)) == -1 ||
	    add_ips(b, ip, nip, &off) == -1)
		return -1;
	e = &b->e[b->ne];
	memset(e, 0, sizeof(*e));
	e->ve = ve;
	e->flags = flags;
	e->head = *head;
	e->head_ip = off;
	e->head_nip = (uint32_t)nip;
	e->end = *head;
	e->end_ip = off;
	e->end_nip = (uint32_t)nip;
	return (long)b->ne++;
}

int
batch_add_span(struct batch *b, uint32_t idx, const struct mspan *s,
    const struct mip *dip, size_t ndip)
{
	struct bspan *sp;
	uint32_t off;

	if (idx >= b->ne || ndip > BATCH_MAX_IPS ||
	    grow((void **)&b->s, &b->cs, b->ns + 1, sizeof(*b->s)) == -1 ||
	    add_ips(b, dip, ndip, &off) == -1)
		return -1;
	sp = &b->s[b->ns++];
	sp->entry = idx;
	sp->ip_off = off;
	sp->nip = (uint32_t)ndip;
	sp->s = *s;
	return 0;
}

int
batch_set_end(struct batch *b, uint32_t idx, const struct mcount *end,
    const struct mip *ip, size_t nip)
{
	uint32_t off;

	if (idx >= b->ne || nip > BATCH_MAX_IPS || add_ips(b, ip, nip, &off) == -1)
		return -1;
	b->e[idx].end = *end;
	b->e[idx].end_ip = off;
	b->e[idx].end_nip = (uint32_t)nip;
	return 0;
}

static int64_t
minute_of(int64_t t)
{
	return t - (t % 60 + 60) % 60;
}

long
batch_add_avail(struct batch *b, uint32_t ve, int64_t t)
{
	struct bavail *a;

	if (b->nav >= UINT32_MAX ||
	    grow((void **)&b->av, &b->cav, b->nav + 1, sizeof(*b->av)) == -1)
		return -1;
	a = &b->av[b->nav];
	memset(a, 0, sizeof(*a));
	a->ve = ve;
	a->t = minute_of(t);
	return (long)b->nav++;
}

int
batch_avail_mark(struct bavail *a, int64_t t, int up)
{
	uint64_t bit;

	if (t < a->t || t >= a->t + 60)
		return -1;
	bit = 1ULL << (t - a->t);
	a->seen |= bit;
	if (up)
		a->up |= bit;
	return 0;
}

/* --- splitting (several writers) --- */

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The part of VE ve: how many lower bounds bnd[1..n) are <= ve. */
static size_t
part_of(const uint32_t *bnd, size_t n, uint32_t ve)
{
	size_t k = 0;

	while (k + 1 < n && bnd[k + 1] <= ve)
		k++;
	return k;
}

/* Copy entry i of b (with its spans in map order later) into part p; 0 or -1. */
static int
split_entry(const struct batch *b, size_t i, struct batch *p, long *idx)
{
	const struct bentry *e = &b->e[i];

	if ((*idx = batch_add_entry(p, e->ve, e->flags, &e->head, b->ip + e->head_ip,
	    e->head_nip)) == -1)
		return -1;
	return batch_set_end(p, (uint32_t)*idx, &e->end, b->ip + e->end_ip, e->end_nip);
}

int
batch_split(const struct batch *b, size_t k, struct batch **part, size_t *n)
{
	uint32_t *ves = NULL, bnd[64];
	long *idx = NULL;
	size_t np, i;

	*n = 0;
	if (k > nitems(bnd))
		k = nitems(bnd);
	np = k < b->ne ? k : (b->ne > 0 ? b->ne : 1);
	if ((ves = calloc(b->ne + 1, sizeof(*ves))) == NULL ||
	    (idx = calloc(b->ne + 1, sizeof(*idx))) == NULL)
		goto fail;
	for (i = 0; i < b->ne; i++)
		ves[i] = b->e[i].ve;
	qsort(ves, b->ne, sizeof(*ves), cmp_u32);
	bnd[0] = 0;
	for (size_t j = 1; j < np; j++)
		bnd[j] = ves[b->ne * j / np];
	for (size_t j = 0; j < np; j++) {
		if ((part[j] = batch_new(b->created)) == NULL)
			goto fail;
		part[j]->seq = b->seq;
		part[j]->no = b->no;
		*n = j + 1;
	}
	for (i = 0; i < b->ne; i++)
		if (split_entry(b, i, part[part_of(bnd, np, b->e[i].ve)], &idx[i]) == -1)
			goto fail;
	for (i = 0; i < b->ns; i++) {
		const struct bspan *s = &b->s[i];
		struct batch *p = part[part_of(bnd, np, b->e[s->entry].ve)];
		if (batch_add_span(p, (uint32_t)idx[s->entry], &s->s, b->ip + s->ip_off,
		    s->nip) == -1)
			goto fail;
	}
	for (i = 0; i < b->nav; i++) {
		struct batch *p = part[part_of(bnd, np, b->av[i].ve)];
		long a = batch_add_avail(p, b->av[i].ve, b->av[i].t);
		if (a == -1)
			goto fail;
		p->av[a] = b->av[i];
	}
	free(ves);
	free(idx);
	return 0;
fail:
	for (size_t j = 0; j < *n; j++)
		batch_free(part[j]);
	*n = 0;
	free(ves);
	free(idx);
	return -1;
}

/* --- encoding --- */

static void
put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint8_t *
put_count(uint8_t *p, const struct mcount *c)
{
	put64(p, (uint64_t)c->t);
	put32(p + 8, c->node_id);
	put64(p + 12, c->agent_start_us);
	put64(p + 20, c->ve_start_us);
	put64(p + 28, c->cpu_user_us);
	put64(p + 36, c->cpu_sys_us);
	put64(p + 44, c->vmem);
	put64(p + 52, c->disk);
	return p + SZ_COUNT;
}

uint8_t *
batch_encode(const struct batch *b, size_t *lenp)
{
	uint8_t *buf, *p;
	size_t need;

	need = (b->nav > 0 ? SZ_HEAD_AV : SZ_HEAD) + b->ne * SZ_ENTRY + b->ns * SZ_SPAN +
	    b->nip * SZ_IP + b->nav * SZ_AVAIL;
	if ((buf = malloc(need)) == NULL)
		return NULL;
	*lenp = need;
	p = buf;
	put32(p, MAGIC);
	put32(p + 4, b->nav > 0 ? BATCH_VERSION_AV : BATCH_VERSION);
	put64(p + 8, b->seq);
	put64(p + 16, (uint64_t)b->created);
	put32(p + 24, (uint32_t)b->ne);
	put32(p + 28, (uint32_t)b->ns);
	put32(p + 32, (uint32_t)b->nip);
	p += SZ_HEAD;
	if (b->nav > 0) {
		put32(p, (uint32_t)b->nav);
		p += 4;
	}
	for (size_t i = 0; i < b->ne; i++) {
		const struct bentry *e = &b->e[i];
		put32(p, e->ve);
		put32(p + 4, e->flags);
		p = put_count(p + 8, &e->head);
		put32(p, e->head_ip);
		put32(p + 4, e->head_nip);
		p = put_count(p + 8, &e->end);
		put32(p, e->end_ip);
		put32(p + 4, e->end_nip);
		p += 8;
	}
	for (size_t i = 0; i < b->ns; i++) {
		const struct bspan *s = &b->s[i];
		put32(p, s->entry);
		put32(p + 4, s->ip_off);
		put32(p + 8, s->nip);
		put64(p + 12, (uint64_t)s->s.t0);
		put64(p + 20, (uint64_t)s->s.t1);
		put64(p + 28, s->s.cpu_user_us);
		put64(p + 36, s->s.cpu_sys_us);
		put64(p + 44, s->s.vmem);
		put64(p + 52, s->s.disk);
		put32(p + 60, (uint32_t)s->s.why);
		put32(p + 64, s->s.down);
		p += SZ_SPAN;
	}
	for (size_t i = 0; i < b->nip; i++) {
		memcpy(p, b->ip[i].addr, 16);
		put64(p + 16, b->ip[i].rx);
		put64(p + 24, b->ip[i].tx);
		p += SZ_IP;
	}
	for (size_t i = 0; i < b->nav; i++) {
		put32(p, b->av[i].ve);
		put64(p + 4, (uint64_t)b->av[i].t);
		put64(p + 12, b->av[i].seen);
		put64(p + 20, b->av[i].up);
		p += SZ_AVAIL;
	}
	return buf;
}

/* --- decoding --- */

/* n little-endian bytes at p. */
static uint64_t
get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

#define get32(p)	((uint32_t)get_le((p), 4))
#define get64(p)	get_le((p), 8)

/* A count read back; -1 when a value is out of the range we ever write. */
static int
get_count(const uint8_t *p, struct mcount *c)
{
	c->t = (int64_t)get64(p);
	c->node_id = get32(p + 8);
	c->agent_start_us = get64(p + 12);
	c->ve_start_us = get64(p + 20);
	c->cpu_user_us = get64(p + 28);
	c->cpu_sys_us = get64(p + 36);
	c->vmem = get64(p + 44);
	c->disk = get64(p + 52);
	if (c->t <= 0 || c->agent_start_us > MAXV || c->ve_start_us > MAXV ||
	    c->cpu_user_us > MAXV || c->cpu_sys_us > MAXV || c->vmem > MAXV ||
	    c->disk > MAXV)
		return -1;
	return 0;
}

static int
range_ok(uint32_t off, uint32_t n, size_t nip, uint32_t max)
{
	return n <= max && off <= nip && n <= nip - off;
}

struct batch *
batch_decode(const uint8_t *p, size_t len, char *err, size_t errlen)
{
	struct batch *b = NULL;
	uint32_t ne, ns, nip, nav = 0, ver;
	size_t head = SZ_HEAD;
	const char *why = "truncated";

	if (len < SZ_HEAD)
		goto bad;
	why = "not a batch";
	ver = get32(p + 4);
	if (get32(p) != MAGIC || (ver != BATCH_VERSION && ver != BATCH_VERSION_AV))
		goto bad;
	ne = get32(p + 24);
	ns = get32(p + 28);
	nip = get32(p + 32);
	if (ver == BATCH_VERSION_AV) {
		why = "truncated";
		if (len < SZ_HEAD_AV)
			goto bad;
		nav = get32(p + SZ_HEAD);
		head = SZ_HEAD_AV;
	}
	why = "length does not match the counts";
	/* 32-bit counts times small sizes cannot overflow a 64-bit size_t. */
	if ((uint64_t)len != (uint64_t)head + (uint64_t)ne * SZ_ENTRY +
	    (uint64_t)ns * SZ_SPAN + (uint64_t)nip * SZ_IP + (uint64_t)nav * SZ_AVAIL)
		goto bad;
	why = "out of memory";
	if ((b = batch_new((int64_t)get64(p + 16))) == NULL)
		goto bad;
	b->seq = get64(p + 8);
	if ((ne > 0 && (b->e = calloc(ne, sizeof(*b->e))) == NULL) ||
	    (ns > 0 && (b->s = calloc(ns, sizeof(*b->s))) == NULL) ||
	    (nip > 0 && (b->ip = calloc(nip, sizeof(*b->ip))) == NULL) ||
	    (nav > 0 && (b->av = calloc(nav, sizeof(*b->av))) == NULL))
		goto bad;
	b->ce = b->ne = ne;
	b->cs = b->ns = ns;
	b->cip = b->nip = nip;
	b->cav = b->nav = nav;
	p += head;
	for (size_t i = 0; i < ne; i++) {
		struct bentry *e = &b->e[i];
		e->ve = get32(p);
		e->flags = get32(p + 4);
		why = "bad entry";
		if ((e->flags & ~BE__ALL) != 0 || get_count(p + 8, &e->head) == -1)
			goto bad;
		p += 8 + SZ_COUNT;
		e->head_ip = get32(p);
		e->head_nip = get32(p + 4);
		if (get_count(p + 8, &e->end) == -1)
			goto bad;
		p += 8 + SZ_COUNT;
		e->end_ip = get32(p);
		e->end_nip = get32(p + 4);
		p += 8;
		if (!range_ok(e->head_ip, e->head_nip, nip, BATCH_MAX_IPS) ||
		    !range_ok(e->end_ip, e->end_nip, nip, BATCH_MAX_IPS) ||
		    e->end.t < e->head.t)
			goto bad;
	}
	for (size_t i = 0; i < ns; i++) {
		struct bspan *s = &b->s[i];
		s->entry = get32(p);
		s->ip_off = get32(p + 4);
		s->nip = get32(p + 8);
		s->s.t0 = (int64_t)get64(p + 12);
		s->s.t1 = (int64_t)get64(p + 20);
		s->s.cpu_user_us = get64(p + 28);
		s->s.cpu_sys_us = get64(p + 36);
		s->s.vmem = get64(p + 44);
		s->s.disk = get64(p + 52);
		s->s.why = (enum meter_why)get32(p + 60);
		s->s.down = get32(p + 64);
		p += SZ_SPAN;
		why = "bad span";
		if (s->entry >= ne || !range_ok(s->ip_off, s->nip, nip, BATCH_MAX_IPS) ||
		    s->s.t0 < 0 || s->s.t1 <= s->s.t0 ||
		    s->s.cpu_user_us > MAXV || s->s.cpu_sys_us > MAXV ||
		    s->s.vmem > MAXV || s->s.disk > MAXV ||
		    get32(p - 8) > METER_AGENT_RESTART)
			goto bad;
	}
	for (size_t i = 0; i < nip; i++) {
		memcpy(b->ip[i].addr, p, 16);
		b->ip[i].rx = get64(p + 16);
		b->ip[i].tx = get64(p + 24);
		p += SZ_IP;
		why = "bad address counter";
		if (b->ip[i].rx > MAXV || b->ip[i].tx > MAXV)
			goto bad;
	}
	for (size_t i = 0; i < nav; i++) {
		struct bavail *a = &b->av[i];
		a->ve = get32(p);
		a->t = (int64_t)get64(p + 4);
		a->seen = get64(p + 12);
		a->up = get64(p + 20);
		p += SZ_AVAIL;
		why = "bad availability record";
		if (a->t <= 0 || a->t % 60 != 0 || (a->seen & ~MINUTE_BITS) != 0 ||
		    (a->up & ~a->seen) != 0)
			goto bad;
	}
	return b;
bad:
	snprintf(err, errlen, "batch: %s", why);
	batch_free(b);
	return NULL;
}
