/*
 * Unit tests of batch_split (billingd/batch.c), what several writers
 * apply at once: every entry, span, address and availability record of a
 * batch lands in exactly one part, with its own VE's data, each part a
 * contiguous range of VE ids in order, the parts of about equal size.
 * Table-driven: (VEs, spans per VE, availability records, parts asked).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"

static const struct {
	unsigned	 ves, spans, avail, k;
	size_t		 want;	/* parts made */
} rows[] = {
	{ 0, 0, 0, 2, 1 },		/* empty: one empty part */
	{ 0, 0, 5, 3, 1 },		/* availability only: one part */
	{ 1, 2, 1, 4, 1 },		/* fewer VEs than parts */
	{ 3, 1, 3, 3, 3 },
	{ 100, 3, 40, 2, 2 },
	{ 1000, 2, 1000, 8, 8 },
	{ 257, 1, 0, 64, 64 },
	{ 300, 1, 0, 100, 64 },		/* at most 64 parts */
};

/* VE ids out of order, and far apart, so a part's range is not its index. */
static uint32_t
ve_of(unsigned i)
{
	return (i * 2654435761u) ^ 0x5a5a;
}

static struct batch *
make(unsigned nve, unsigned nspan, unsigned nav)
{
	struct batch *b = batch_new(1795341600);

	ck_assert(b != NULL);
	b->seq = 77;
	b->no = 5;
	for (unsigned i = 0; i < nve; i++) {
		struct mcount h = { 1795341600, 1, 10, 20, i, i + 1, 4096, 8192 };
		struct mip ip[2] = { { { (uint8_t)i, 1 }, i, i + 1 }, { { (uint8_t)i, 2 }, 7, 8 } };
		unsigned nip = i % 3 == 0 ? 0 : (i % 3 == 1 ? 1 : 2);
		long e = batch_add_entry(b, ve_of(i), i % 2 ? BE_KNOWN : 0, &h, ip, nip);
		ck_assert(e == (long)i);
		for (unsigned s = 0; s < nspan; s++) {
			struct mspan sp = { h.t + s, h.t + s + 1, i, s, 1, 2, METER_CONT, 0 };
			ck_assert(batch_add_span(b, (uint32_t)e, &sp, ip, nip) == 0);
		}
		h.t += nspan;
		h.cpu_user_us += 100;
		ck_assert(batch_set_end(b, (uint32_t)e, &h, ip + 1, nip ? 1 : 0) == 0);
	}
	for (unsigned a = 0; a < nav; a++) {
		/* some for VEs of the batch, some for others (a node seen down) */
		long k = batch_add_avail(b, a % 2 ? ve_of(a % (nve ? nve : 1)) : 0x70000000u + a,
		    1795341600 + 60 * (a % 4));
		ck_assert(k >= 0);
		ck_assert(batch_avail_mark(&b->av[k], 1795341600 + 60 * (a % 4) + a % 60, a % 3) == 0);
	}
	return b;
}

static const struct bentry *
find(const struct batch *b, uint32_t ve)
{
	for (size_t i = 0; i < b->ne; i++)
		if (b->e[i].ve == ve)
			return &b->e[i];
	return NULL;
}

static uint32_t
lowest(const struct batch *b)
{
	uint32_t lo = UINT32_MAX;

	for (size_t i = 0; i < b->ne; i++)
		if (b->e[i].ve < lo)
			lo = b->e[i].ve;
	return lo;
}

static int
same_ips(const struct batch *a, uint32_t ao, const struct batch *b, uint32_t bo, uint32_t n)
{
	return n == 0 || memcmp(a->ip + ao, b->ip + bo, n * sizeof(*a->ip)) == 0;
}

START_TEST(test_split)
{
	struct batch *b = make(rows[_i].ves, rows[_i].spans, rows[_i].avail), *p[64];
	size_t n = 0, ne = 0, ns = 0, nav = 0;
	uint32_t prev_hi = 0;

	ck_assert(batch_split(b, rows[_i].k, p, &n) == 0);
	ck_assert_uint_eq(n, rows[_i].want);
	for (size_t j = 0; j < n; j++) {
		uint32_t lo = UINT32_MAX, hi = 0;
		ck_assert(p[j]->seq == b->seq && p[j]->no == b->no && p[j]->created == b->created);
		/* about equal: no part more than one VE above the fair share */
		ck_assert(p[j]->ne <= b->ne / n + 1);
		for (size_t i = 0; i < p[j]->ne; i++) {
			const struct bentry *x = &p[j]->e[i], *o = find(b, x->ve);
			ck_assert(o != NULL);
			ck_assert(x->flags == o->flags && x->head.cpu_user_us == o->head.cpu_user_us &&
			    x->end.t == o->end.t && x->end.cpu_user_us == o->end.cpu_user_us);
			ck_assert(x->head_nip == o->head_nip && x->end_nip == o->end_nip);
			ck_assert(same_ips(p[j], x->head_ip, b, o->head_ip, o->head_nip));
			ck_assert(same_ips(p[j], x->end_ip, b, o->end_ip, o->end_nip));
			if (x->ve < lo)
				lo = x->ve;
			if (x->ve > hi)
				hi = x->ve;
		}
		/* contiguous ranges, in order */
		if (p[j]->ne > 0) {
			ck_assert(j == 0 || lo > prev_hi);
			prev_hi = hi;
		}
		for (size_t s = 0; s < p[j]->ns; s++) {
			const struct bspan *x = &p[j]->s[s];
			ck_assert(x->entry < p[j]->ne);
			/* the span of entry ve with its deltas: cpu_user_us is the VE's index */
			ck_assert(p[j]->e[x->entry].ve == ve_of((unsigned)x->s.cpu_user_us));
			ck_assert(x->nip == find(b, p[j]->e[x->entry].ve)->head_nip);
		}
		ne += p[j]->ne;
		ns += p[j]->ns;
		nav += p[j]->nav;
	}
	/* availability by the same ranges: part j from its lowest VE to the next part's */
	for (size_t j = 0; j < n; j++)
		for (size_t a = 0; a < p[j]->nav; a++) {
			uint32_t v = p[j]->av[a].ve;
			ck_assert(j == 0 || v >= lowest(p[j]));
			ck_assert(j + 1 == n || v < lowest(p[j + 1]));
		}
	ck_assert_uint_eq(ne, b->ne);
	ck_assert_uint_eq(ns, b->ns);
	ck_assert_uint_eq(nav, b->nav);
	/* availability: the same records, each once */
	for (size_t a = 0; a < b->nav; a++) {
		int seen = 0;
		for (size_t j = 0; j < n; j++)
			for (size_t k = 0; k < p[j]->nav; k++)
				seen += memcmp(&p[j]->av[k], &b->av[a], sizeof(b->av[a])) == 0;
		ck_assert(seen >= 1);	/* equal records may repeat: at least once */
	}
	for (size_t j = 0; j < n; j++)
		batch_free(p[j]);
	batch_free(b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("billingd_split");
	TCase *tc = tcase_create("split");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_split, 0, sizeof(rows) / sizeof(rows[0]));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
