/*
 * Unit tests of agent/apply_real.c: which network changes of a running VE
 * apply live (only its addresses) and the `ip -batch` text that adds and
 * removes them inside it, as velxc's config would have them (the first
 * address with the pool's prefix and broadcast, the others /32).
 */
#include <check.h>
#include <string.h>

#include "agent/apply_real.h"
#include "util.h"

#define A(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static const struct row {
	const char	*name;
	uint32_t	 old[3], now[3];
	size_t		 nold, nnow;
	uint32_t	 gw_now;		/* 0: as before */
	int		 diff;
	const char	*batch;
} rows[] = {
	{ "nothing changed", { A(198, 51, 100, 10) }, { A(198, 51, 100, 10) }, 1, 1, 0, 0, "" },
	{ "an address added", { A(198, 51, 100, 10) }, { A(198, 51, 100, 10), A(198, 51, 100, 11) }, 1, 2,
	  0, 1, "addr add 198.51.100.11/32 broadcast 198.51.100.11 dev eth0\n" },
	{ "an address released", { A(198, 51, 100, 10), A(198, 51, 100, 11), A(198, 51, 100, 12) },
	  { A(198, 51, 100, 10), A(198, 51, 100, 11) }, 3, 2, 0, 1,
	  "addr del 198.51.100.12/32 dev eth0\n" },
	{ "the first address replaced", { A(198, 51, 100, 10) }, { A(198, 51, 100, 20) }, 1, 1, 0, 1,
	  "addr add 198.51.100.20/24 broadcast 198.51.100.255 dev eth0\n"
	  "addr del 198.51.100.10/24 dev eth0\n" },
	{ "a new gateway needs a restart", { A(198, 51, 100, 10) }, { A(198, 51, 100, 10) }, 1, 1,
	  A(198, 51, 100, 254), 2, "" },
};

START_TEST(test_rows)
{
	const struct row *t = &rows[_i];
	struct ve_spec old, now;
	struct buf b;

	memset(&old, 0, sizeof(old));
	old.netmask = 0xffffff00u;
	old.gateway = A(198, 51, 100, 1);
	now = old;
	memcpy(old.ips, t->old, sizeof(t->old));
	old.nips = t->nold;
	memcpy(now.ips, t->now, sizeof(t->now));
	now.nips = t->nnow;
	if (t->gw_now)
		now.gateway = t->gw_now;
	ck_assert_msg(apply_net_diff(&now, &old) == t->diff, "%s: diff %d", t->name, apply_net_diff(&now, &old));
	buf_init(&b);
	apply_addr_batch(&b, &now, &old);
	buf_append(&b, "", 1);
	ck_assert_msg(strcmp(b.data, t->batch) == 0, "%s: got\n%s", t->name, b.data);
	buf_free(&b);
}
END_TEST

START_TEST(test_mem)
{
	/* Unreadable usage (no such cgroup): the kernel decides; unlimited always. */
	ck_assert_int_eq(apply_mem_live("/nonexistent", CG_V2, "0000002A", 1), 1);
	ck_assert_int_eq(apply_mem_live("/nonexistent", CG_V1, "0000002A", 0), 1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("agent_apply");
	TCase *tc = tcase_create("apply");

	tcase_add_loop_test(tc, test_rows, 0, (int)nitems(rows));
	tcase_add_test(tc, test_mem);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
