/*
 * Unit tests of the sim backend (agent/be_sim.c): the same seed gives the
 * same figures whatever the scrape times, another seed other figures,
 * counters never go down without a restart, a restart resets them and
 * moves ve_start_time_seconds, a suspended VE stops using resources,
 * ve_up follows the state and the down file (re-read when it changes), and
 * the load stays within the VE's memory, bandwidth and disk limits.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/backend.h"
#include "agent/netns.h"
#include "util.h"
#include "agent/ve.h"

#define T0	1763769600000000LL	/* 2025-11-22 00:00 UTC, in us */
#define S	1000000LL
#define NVE	40

static void
mkves(struct backend *be, struct ve **ves)
{
	for (int i = 0; i < NVE; i++) {
		struct ve *v = calloc(1, sizeof(*v));

		ck_assert_ptr_nonnull(v);
		snprintf(v->spec.id, sizeof(v->spec.id), "F%07X", i + 1);
		v->spec.nips = (size_t)(1 + i % 3);
		for (size_t a = 0; a < v->spec.nips; a++)
			v->spec.ips[a] = (198u << 24) | (18u << 16) | (uint32_t)(i * 4 + (int)a + 1);
		v->spec.disk_quota_mb = 5000;
		v->s.start_us = T0;	/* repeatable start */
		ck_assert_int_eq(be->ops->add(be, v), 0);
		ves[i] = v;
	}
}

static void
freeves(struct backend *be, struct ve **ves)
{
	for (int i = 0; i < NVE; i++) {
		be->ops->remove(be, ves[i]);
		free(ves[i]);
	}
	be->ops->free(be);
}

static int
same(const struct ve_sample *a, const struct ve_sample *b, size_t nips)
{
	if (a->start_us != b->start_us || a->cpu_user_us != b->cpu_user_us ||
	    a->cpu_sys_us != b->cpu_sys_us || a->vmem_bytes != b->vmem_bytes ||
	    a->rss_bytes != b->rss_bytes || a->disk_bytes != b->disk_bytes ||
	    a->nprocs != b->nprocs)
		return 0;
	for (size_t i = 0; i < nips; i++)
		if (a->rx_bytes[i] != b->rx_bytes[i] || a->tx_bytes[i] != b->tx_bytes[i])
			return 0;
	return 1;
}

static const struct {
	uint64_t	 seed_b;
	int		 want_same;
} det_rows[] = {
	{ 42, 1 },	/* same seed: identical */
	{ 43, 0 },	/* another seed: different */
};

START_TEST(test_determinism)
{
	struct be_sim_conf ca = { .seed = 42 }, cb = { .seed = det_rows[_i].seed_b };
	struct backend *a = be_sim_new(&ca), *b = be_sim_new(&cb), *c = be_sim_new(&ca);
	struct ve *va[NVE], *vb[NVE], *vc[NVE];
	int differ = 0;

	mkves(a, va);
	mkves(b, vb);
	mkves(c, vc);
	/* a and b are scraped at odd times; c only at the end. */
	for (int64_t t = T0 + 300000; t < T0 + 3600 * S; t += 7777777) {
		a->ops->refresh(a, va, NVE, t);
		b->ops->refresh(b, vb, NVE, t);
		for (int i = 0; i < NVE; i++)
			differ |= !same(&va[i]->s, &vb[i]->s, va[i]->spec.nips);
	}
	a->ops->refresh(a, va, NVE, T0 + 3600 * S + 123456);
	c->ops->refresh(c, vc, NVE, T0 + 3600 * S + 123456);
	for (int i = 0; i < NVE; i++)
		ck_assert_msg(same(&va[i]->s, &vc[i]->s, va[i]->spec.nips),
		    "VE %d: figures depend on how often it was scraped", i);
	ck_assert_msg(differ == !det_rows[_i].want_same, "row %d: differ %d", _i, differ);
	freeves(a, va);
	freeves(b, vb);
	freeves(c, vc);
}
END_TEST

/* Counters only grow; time flows at odd steps, with gaps beyond the catch-up. */
static const struct {
	int64_t		 step_us;
	int64_t		 span_s;
} mono_rows[] = {
	{ 1000000, 600 },
	{ 333333, 200 },
	{ 37300000, 2 * 86400 },
	{ 7200 * S, 10 * 86400 },	/* two-hour gaps: the long-gap path */
};

START_TEST(test_monotone)
{
	struct be_sim_conf c = { .seed = 7 };
	struct backend *be = be_sim_new(&c);
	struct ve *ves[NVE];
	struct ve_sample prev[NVE];
	uint64_t cpu_grew = 0;

	mkves(be, ves);
	be->ops->refresh(be, ves, NVE, T0);
	for (int i = 0; i < NVE; i++)
		prev[i] = ves[i]->s;
	for (int64_t t = T0 + mono_rows[_i].step_us; t < T0 + mono_rows[_i].span_s * S;
	    t += mono_rows[_i].step_us) {
		be->ops->refresh(be, ves, NVE, t);
		for (int i = 0; i < NVE; i++) {
			const struct ve_sample *s = &ves[i]->s, *p = &prev[i];

			ck_assert(s->present);
			ck_assert_int_eq(s->start_us, T0);
			ck_assert(s->cpu_user_us >= p->cpu_user_us);
			ck_assert(s->cpu_sys_us >= p->cpu_sys_us);
			for (size_t a = 0; a < ves[i]->spec.nips; a++)
				ck_assert(s->rx_bytes[a] >= p->rx_bytes[a] &&
				    s->tx_bytes[a] >= p->tx_bytes[a]);
			ck_assert(s->disk_bytes <= 5000ULL * 1000000 + 8192);
			/* At most two CPUs' worth of time. */
			ck_assert(s->cpu_user_us + s->cpu_sys_us <= (uint64_t)(t - T0) * 2 + 2 * S);
			cpu_grew += s->cpu_user_us > p->cpu_user_us;
			prev[i] = *s;
		}
	}
	ck_assert(cpu_grew > 0);
	freeves(be, ves);
}
END_TEST

START_TEST(test_restart)
{
	struct be_sim_conf c = { .seed = 7, .restart_prob = 1.0 };
	struct backend *be = be_sim_new(&c);
	struct ve *ves[NVE];

	mkves(be, ves);
	be->ops->refresh(be, ves, NVE, T0 + 500000);
	ck_assert_int_eq(ves[0]->s.start_us, T0);
	/* Every second restarts every VE: the start moves to the second's start. */
	be->ops->refresh(be, ves, NVE, T0 + 5 * S + 250000);
	for (int i = 0; i < NVE; i++) {
		ck_assert_int_eq(ves[i]->s.start_us, T0 + 5 * S);
		/* a quarter second of usage at most */
		ck_assert(ves[i]->s.cpu_user_us + ves[i]->s.cpu_sys_us <= 500000);
	}
	freeves(be, ves);
}
END_TEST

START_TEST(test_suspend)
{
	struct be_sim_conf c = { .seed = 9 };
	struct backend *be = be_sim_new(&c);
	struct ve *ves[NVE];
	struct ve_spec old;
	struct ve_sample at;

	mkves(be, ves);
	be->ops->refresh(be, ves, NVE, T0 + 10 * S);
	old = ves[3]->spec;
	ves[3]->spec.state = VE_SUSPENDED;
	ck_assert_int_eq(be->ops->change(be, ves[3], &old), 0);
	/* From the next whole second on nothing grows. */
	be->ops->refresh(be, ves, NVE, T0 + 12 * S);
	at = ves[3]->s;
	be->ops->refresh(be, ves, NVE, T0 + 500 * S);
	ck_assert_uint_eq(ves[3]->s.cpu_user_us, at.cpu_user_us);
	ck_assert_uint_eq(ves[3]->s.tx_bytes[0], at.tx_bytes[0]);
	ck_assert(ves[3]->s.present);
	/* Suspended is not running; the others run. */
	ck_assert_int_eq(ves[3]->s.run, VE_RUN_DOWN);
	ck_assert_int_eq(ves[4]->s.run, VE_RUN_UP);
	freeves(be, ves);
}
END_TEST

/* The down file: listed VEs are down (no processes, nothing grows), then up again. */
START_TEST(test_down_file)
{
	char path[] = "/tmp/test_agent_sim.XXXXXX";
	int fd = mkstemp(path);
	struct be_sim_conf c = { .seed = 9, .down_file = path };
	struct backend *be = be_sim_new(&c);
	struct ve *ves[NVE];
	struct ve_sample at;
	FILE *f;

	ck_assert_int_ge(fd, 0);
	close(fd);
	mkves(be, ves);
	be->ops->refresh(be, ves, NVE, T0 + 10 * S);	/* empty file: all up */
	for (int i = 0; i < NVE; i++)
		ck_assert_int_eq(ves[i]->s.run, VE_RUN_UP);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	/* a comment, blanks, a VE that is not here and a line that is not a VEid */
	fprintf(f, "# down for the test\n  F0000002\n\nF0000005 # crashed\nABCDEF01\nnot-a-ve\n");
	fclose(f);
	be->ops->refresh(be, ves, NVE, T0 + 11 * S);
	ck_assert_int_eq(ves[1]->s.run, VE_RUN_DOWN);
	ck_assert_int_eq(ves[4]->s.run, VE_RUN_DOWN);
	ck_assert_int_eq(ves[0]->s.run, VE_RUN_UP);
	ck_assert_int_eq(ves[2]->s.run, VE_RUN_UP);
	ck_assert_uint_eq(ves[1]->s.nprocs, 0);
	ck_assert(ves[1]->s.present);		/* still reported, with its counters */
	be->ops->refresh(be, ves, NVE, T0 + 12 * S);
	at = ves[1]->s;
	be->ops->refresh(be, ves, NVE, T0 + 300 * S);
	ck_assert_uint_eq(ves[1]->s.cpu_user_us, at.cpu_user_us);
	ck_assert_uint_eq(ves[1]->s.rx_bytes[0], at.rx_bytes[0]);
	/* Removed from the file: up again, and it runs. */
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "F0000005\n");
	fclose(f);
	be->ops->refresh(be, ves, NVE, T0 + 301 * S);
	ck_assert_int_eq(ves[1]->s.run, VE_RUN_UP);
	ck_assert_int_eq(ves[4]->s.run, VE_RUN_DOWN);
	/* The file removed: everything runs. */
	unlink(path);
	be->ops->refresh(be, ves, NVE, T0 + 302 * S);
	ck_assert_int_eq(ves[4]->s.run, VE_RUN_UP);
	freeves(be, ves);
}
END_TEST

/*
 * The load stays within the VE's limits as on a real node: memory within
 * mem_max_mb, traffic per second within the bandwidth maxima and a cap's
 * throttle (kbit/s x 125 bytes), disk within its quota.  A row without
 * limits shows the sim does exceed them then (so the check can fail).
 */
static const struct {
	uint64_t	 mem_mb, bw, in_bw, out_bw, throttle, disk_mb;
	int		 want_within;
} lim_rows[] = {
	{ 512, 0, 0, 0, 0, 5000, 1 },
	{ 100, 1000, 0, 0, 0, 5000, 1 },		/* 1 Mbit/s both ways */
	{ 2000, 0, 4000, 200, 0, 5000, 1 },		/* in 4 Mbit/s, out 200 kbit/s */
	{ 512, 0, 0, 0, 64, 5000, 1 },			/* throttled to 64 kbit/s */
	{ 512, 10000, 0, 0, 500, 1, 1 },		/* throttle below the cap; a 1 MB disk */
	{ 50, 0, 0, 0, 0, 0, 0 },			/* (the limits unset below: exceeded) */
};

START_TEST(test_limits)
{
	struct be_sim_conf c = { .seed = 11 };
	struct backend *be = be_sim_new(&c);
	struct ve *ves[NVE];
	struct ve_sample prev[NVE];
	int over = 0;

	for (int i = 0; i < NVE; i++) {
		struct ve *v = calloc(1, sizeof(*v));
		ck_assert_ptr_nonnull(v);
		snprintf(v->spec.id, sizeof(v->spec.id), "E%07X", i + 1);
		v->spec.nips = (size_t)(1 + i % 3);
		for (size_t a = 0; a < v->spec.nips; a++)
			v->spec.ips[a] = (198u << 24) | (18u << 16) | (uint32_t)(i * 4 + (int)a + 1);
		v->spec.mem_max_mb = lim_rows[_i].mem_mb;
		v->spec.net_bw_max_kbps = lim_rows[_i].bw;
		v->spec.net_in_bw_max_kbps = lim_rows[_i].in_bw;
		v->spec.net_out_bw_max_kbps = lim_rows[_i].out_bw;
		v->spec.throttle_kbps = lim_rows[_i].throttle;
		v->spec.disk_quota_mb = lim_rows[_i].disk_mb ? lim_rows[_i].disk_mb : 5000;
		v->s.start_us = T0;
		ck_assert_int_eq(be->ops->add(be, v), 0);
		ves[i] = v;
	}
	if (!lim_rows[_i].want_within)		/* now unset the limits the row's figures are checked against */
		for (int i = 0; i < NVE; i++)
			ves[i]->spec.mem_max_mb = 0;
	be->ops->refresh(be, ves, NVE, T0 + S);
	for (int i = 0; i < NVE; i++)
		prev[i] = ves[i]->s;
	for (int64_t t = T0 + 2 * S; t <= T0 + 900 * S; t += S) {
		be->ops->refresh(be, ves, NVE, t);
		for (int i = 0; i < NVE; i++) {
			const struct ve_sample *x = &ves[i]->s;
			uint64_t in = 0, out = 0, lin, lout;
			uint64_t dq = ves[i]->spec.disk_quota_mb * 1000000ULL;

			for (size_t a = 0; a < ves[i]->spec.nips; a++) {
				in += x->rx_bytes[a] - prev[i].rx_bytes[a];
				out += x->tx_bytes[a] - prev[i].tx_bytes[a];
			}
			lin = net_in_kbps(&ves[i]->spec) * 125;
			lout = net_out_kbps(&ves[i]->spec) * 125;
			if (lim_rows[_i].mem_mb != 0 && x->vmem_bytes > lim_rows[_i].mem_mb * 1000000ULL)
				over |= 1;
			if ((lin != 0 && in > lin) || (lout != 0 && out > lout))
				over |= 2;
			if (x->disk_bytes > dq)
				over |= 4;
			ck_assert(x->rss_bytes <= x->vmem_bytes);
			prev[i] = *x;
		}
	}
	ck_assert_msg(over == 0 || !lim_rows[_i].want_within, "row %d: over a limit (%d)", _i, over);
	ck_assert_msg(over != 0 || lim_rows[_i].want_within, "row %d: the check cannot fail", _i);
	freeves(be, ves);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("agent_sim");
	TCase *tc = tcase_create("sim");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_determinism, 0, (int)nitems(det_rows));
	tcase_add_loop_test(tc, test_monotone, 0, (int)nitems(mono_rows));
	tcase_add_test(tc, test_restart);
	tcase_add_test(tc, test_suspend);
	tcase_add_test(tc, test_down_file);
	tcase_add_loop_test(tc, test_limits, 0, (int)nitems(lim_rows));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
