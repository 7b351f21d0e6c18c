/*
 * Unit tests of the real backend's kernel readers (agent/cgroup.c,
 * agent/disk.c) against recorded snapshot directories under
 * tests/unit/data (cgroup_v1, cgroup_v2, agent_proc): CPU counters of
 * both hierarchies, process lists, /proc/PID/status, the monotone
 * user/system split, cpu weights, and the incremental disk walk.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/cgroup.h"
#include "agent/disk.h"
#include "util.h"

#ifndef AGENT_TEST_DATA
#define AGENT_TEST_DATA "tests/unit/data"
#endif

static const char *
root(const char *sub)
{
	static char p[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", AGENT_TEST_DATA, sub);
	return p[k];
}

START_TEST(test_detect)
{
	ck_assert_int_eq(cg_detect(root("cgroup_v1")), CG_V1);
	ck_assert_int_eq(cg_detect(root("cgroup_v2")), CG_V2);
	ck_assert_int_eq(cg_detect(root("agent_proc")), CG_NONE);
	ck_assert_int_eq(cg_detect("/nonexistent"), CG_NONE);
}
END_TEST

static const struct {
	const char	*sub;
	enum cg_ver	 ver;
	const char	*id;
	int		 rc;
	int		 err;		/* errno when rc == -1 */
	uint64_t	 total, user, sys, throttled;
} cpu_rows[] = {
	/* recorded on Linux 6.18: cpuacct.usage ns, usage_user/usage_sys ns */
	{ "cgroup_v1", CG_V1, "0000002A", 0, 0, 282960, 163947, 119962, 0 },
	/* an older kernel: cpuacct.stat in USER_HZ ticks (100), throttling in cpu.stat */
	{ "cgroup_v1", CG_V1, "0000002B", 0, 0, 1234567, 1000000, 230000, 1500000 },
	{ "cgroup_v1", CG_V1, "0000002C", -1, EINVAL, 0, 0, 0, 0 },
	{ "cgroup_v1", CG_V1, "0000002D", -1, ENOENT, 0, 0, 0, 0 },
	/* recorded: v2 without the cpu controller has no throttled_usec */
	{ "cgroup_v2", CG_V2, "0000002A", 0, 0, 282918, 163374, 119543, 0 },
	{ "cgroup_v2", CG_V2, "0000002B", 0, 0, 123456789, 100000000, 23456789, 1500000 },
	{ "cgroup_v2", CG_V2, "0000002C", -1, EINVAL, 0, 0, 0, 0 },
	{ "cgroup_v2", CG_V2, "0000002D", -1, ENOENT, 0, 0, 0, 0 },
};

START_TEST(test_cpu)
{
	struct cg_cpu c;
	int rc;

	errno = 0;
	rc = cg_read_cpu(root(cpu_rows[_i].sub), cpu_rows[_i].ver, cpu_rows[_i].id, &c);
	ck_assert_msg(rc == cpu_rows[_i].rc, "row %d: rc %d", _i, rc);
	if (rc == -1) {
		ck_assert_msg(errno == cpu_rows[_i].err, "row %d: errno %d", _i, errno);
		return;
	}
	ck_assert_msg(c.total_us == cpu_rows[_i].total, "row %d: total %llu", _i,
	    (unsigned long long)c.total_us);
	ck_assert_msg(c.user_us == cpu_rows[_i].user, "row %d: user %llu", _i,
	    (unsigned long long)c.user_us);
	ck_assert_msg(c.sys_us == cpu_rows[_i].sys, "row %d: sys %llu", _i,
	    (unsigned long long)c.sys_us);
	ck_assert_msg(c.throttled_us == cpu_rows[_i].throttled, "row %d: throttled %llu",
	    _i, (unsigned long long)c.throttled_us);
}
END_TEST

static const struct {
	const char	*sub;
	enum cg_ver	 ver;
	const char	*id;
	size_t		 max;
	int		 rc;
	size_t		 n;
	pid_t		 first;
} procs_rows[] = {
	{ "cgroup_v1", CG_V1, "0000002A", 16, 0, 2, 16513 },
	{ "cgroup_v1", CG_V1, "0000002A", 1, 0, 2, 16513 },	/* more than fit */
	{ "cgroup_v1", CG_V1, "0000002B", 16, 0, 0, 0 },	/* empty VE */
	{ "cgroup_v1", CG_V1, "0000002D", 16, -1, 0, 0 },
	{ "cgroup_v2", CG_V2, "0000002A", 16, 0, 2, 16513 },
	{ "cgroup_v2", CG_V2, "0000002C", 16, 0, 2, 16513 },	/* a bad line is skipped */
};

START_TEST(test_procs)
{
	pid_t pids[16];
	size_t n = 99;
	int rc;

	memset(pids, 0, sizeof(pids));
	rc = cg_read_procs(root(procs_rows[_i].sub), procs_rows[_i].ver, procs_rows[_i].id,
	    pids, procs_rows[_i].max, &n);
	ck_assert_msg(rc == procs_rows[_i].rc, "row %d: rc %d", _i, rc);
	if (rc == -1)
		return;
	ck_assert_msg(n == procs_rows[_i].n, "row %d: n %zu", _i, n);
	if (n > 0)
		ck_assert_msg(pids[0] == procs_rows[_i].first, "row %d: first %d", _i, pids[0]);
	if (procs_rows[_i].max == 1)
		ck_assert_int_eq(pids[1], 0);	/* nothing written past max */
}
END_TEST

static const struct {
	pid_t		 pid;
	int		 rc;
	uint64_t	 vm, rss;
} mem_rows[] = {
	{ 16513, 0, 2920ULL * 1024, 1752ULL * 1024 },	/* sleep */
	{ 16514, 0, 67768ULL * 1024, 64720ULL * 1024 },	/* python holding 50 MB */
	{ 2, 0, 0, 0 },					/* a kernel thread */
	{ 99999, -1, 0, 0 },				/* exited meanwhile */
};

START_TEST(test_mem)
{
	uint64_t vm = 1, rss = 1;
	int rc = proc_read_mem(root("agent_proc"), mem_rows[_i].pid, &vm, &rss);

	ck_assert_msg(rc == mem_rows[_i].rc, "row %d: rc %d", _i, rc);
	ck_assert_msg(vm == mem_rows[_i].vm, "row %d: vm %llu", _i, (unsigned long long)vm);
	ck_assert_msg(rss == mem_rows[_i].rss, "row %d: rss %llu", _i, (unsigned long long)rss);
}
END_TEST

/* A VE's virtual memory is the sum over its processes: 70688 kB here. */
START_TEST(test_vmem_sum)
{
	pid_t pids[8];
	size_t n;
	uint64_t sum = 0;

	ck_assert_int_eq(cg_read_procs(root("cgroup_v1"), CG_V1, "0000002A", pids, 8, &n), 0);
	for (size_t i = 0; i < n; i++) {
		uint64_t vm, rss;
		ck_assert_int_eq(proc_read_mem(root("agent_proc"), pids[i], &vm, &rss), 0);
		sum += vm;
	}
	ck_assert_uint_eq(sum, (2920ULL + 67768ULL) * 1024);
}
END_TEST

static const struct {
	uint64_t	 total, ru, rs;		/* a reading */
	uint64_t	 pu, ps;		/* reported before */
	uint64_t	 wu, ws;		/* reported now */
} split_rows[] = {
	{ 1000, 0, 0, 0, 0, 1000, 0 },		/* no tick yet: user */
	{ 1000, 3, 1, 0, 0, 750, 250 },
	{ 1000, 1, 3, 0, 0, 250, 750 },
	{ 2000, 1, 3, 750, 250, 750, 1250 },	/* ratio flips: user must not drop */
	{ 2000, 3, 1, 250, 750, 1250, 750 },	/* ... nor system */
	{ 1500, 1, 1, 1000, 400, 1000, 500 },
	{ 1000, 1, 1, 900, 200, 900, 200 },	/* total below the sum: keep */
	{ 18446744073709551615ULL, 3, 1, 0, 0, 13835058055282163711ULL, 4611686018427387904ULL },
};

START_TEST(test_split)
{
	uint64_t u = split_rows[_i].pu, s = split_rows[_i].ps;

	cg_cpu_split(split_rows[_i].total, split_rows[_i].ru, split_rows[_i].rs, &u, &s);
	ck_assert_msg(u == split_rows[_i].wu && s == split_rows[_i].ws,
	    "row %d: got %llu/%llu", _i, (unsigned long long)u, (unsigned long long)s);
}
END_TEST

/* Thousands of readings with a wandering ratio: both parts only grow, sum exact. */
START_TEST(test_split_monotone)
{
	uint64_t u = 0, s = 0, total = 0, ru = 0, rs = 0, x = 12345;

	for (int i = 0; i < 10000; i++) {
		uint64_t pu = u, ps = s;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		total += (x >> 33) % 20000;
		ru += (x >> 20) % 5;
		rs += (x >> 40) % 3;
		cg_cpu_split(total, ru, rs, &u, &s);
		ck_assert(u >= pu && s >= ps);
		ck_assert_uint_eq(u + s, total);
	}
}
END_TEST

static const struct {
	uint64_t	 min, node;
	unsigned	 want;
} weight_rows[] = {
	{ 0, 9600, 10 },
	{ 9600, 9600, 10000 },
	{ 4800, 9600, 5005 },
	{ 1, 9600, 11 },
	{ 100000, 9600, 10000 },	/* more than the node: capped */
	{ 100, 0, 10 },
};

START_TEST(test_weight)
{
	ck_assert_msg(cg_weight(weight_rows[_i].min, weight_rows[_i].node) == weight_rows[_i].want,
	    "row %d: %u", _i, cg_weight(weight_rows[_i].min, weight_rows[_i].node));
}
END_TEST

/* cg_set_limits: the files of each hierarchy and what goes into them. */
static const struct {
	enum cg_ver	 v;
	unsigned	 weight;
	uint64_t	 mem;
	const char	*want[3][2];	/* path under the root, content */
} limit_rows[] = {
	{ CG_V2, 250, 1048576, { { "vepanel/V1/cpu.weight", "250" },
	    { "vepanel/V1/cpu.max", "max 100000" }, { "vepanel/V1/memory.max", "1048576" } } },
	{ CG_V2, 10, 0, { { "vepanel/V1/cpu.weight", "10" },
	    { "vepanel/V1/cpu.max", "max 100000" }, { "vepanel/V1/memory.max", "max" } } },
	{ CG_V1, 100, 2097152, { { "cpu/vepanel/V1/cpu.shares", "1024" },
	    { "cpu/vepanel/V1/cpu.cfs_quota_us", "-1" },
	    { "memory/vepanel/V1/memory.limit_in_bytes", "2097152" } } },
	{ CG_V1, 0, 0, { { "cpu/vepanel/V1/cpu.shares", "2" },	/* at least 2 shares */
	    { "cpu/vepanel/V1/cpu.cfs_quota_us", "-1" },
	    { "memory/vepanel/V1/memory.limit_in_bytes", "-1" } } },
};

static int rm_cb(const char *, const struct stat *, int, struct FTW *);

START_TEST(test_limits)
{
	char tmpl[] = "/tmp/agent_cg.XXXXXX", p[512], got[64];
	static const char *const dirs[] = { "vepanel", "vepanel/V1", "cpu", "cpu/vepanel",
	    "cpu/vepanel/V1", "memory", "memory/vepanel", "memory/vepanel/V1" };

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	for (size_t i = 0; i < nitems(dirs); i++) {
		snprintf(p, sizeof(p), "%s/%s", tmpl, dirs[i]);
		ck_assert_int_eq(mkdir(p, 0755), 0);
	}
	for (int i = 0; i < 3; i++) {	/* the kernel's files exist; the agent only writes */
		int fd;

		snprintf(p, sizeof(p), "%s/%s", tmpl, limit_rows[_i].want[i][0]);
		ck_assert_int_ne(fd = open(p, O_WRONLY | O_CREAT, 0644), -1);
		close(fd);
	}
	ck_assert_int_eq(cg_set_limits(tmpl, limit_rows[_i].v, "V1", limit_rows[_i].weight,
	    limit_rows[_i].mem), 0);
	for (int i = 0; i < 3; i++) {
		FILE *f;
		size_t n;

		snprintf(p, sizeof(p), "%s/%s", tmpl, limit_rows[_i].want[i][0]);
		ck_assert_ptr_nonnull(f = fopen(p, "r"));
		n = fread(got, 1, sizeof(got) - 1, f);
		got[n] = '\0';
		fclose(f);
		ck_assert_msg(strcmp(got, limit_rows[_i].want[i][1]) == 0, "row %d, %s: \"%s\"", _i,
		    limit_rows[_i].want[i][0], got);
	}
	/* A file the kernel does not offer: an error. */
	snprintf(p, sizeof(p), "%s/%s", tmpl, limit_rows[_i].want[1][0]);
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(cg_set_limits(tmpl, limit_rows[_i].v, "V1", 1, 0), -1);
	ck_assert_int_eq(nftw(tmpl, rm_cb, 16, FTW_DEPTH | FTW_PHYS), 0);
}
END_TEST

/* ---- the disk walk ---- */

static uint64_t nftw_sum;

static int
sum_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	nftw_sum += (uint64_t)st->st_blocks * 512;
	return 0;
}

static int
rm_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p);
}

static void
write_file(const char *path, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	char b[4096];

	ck_assert_int_ne(fd, -1);
	memset(b, 'x', sizeof(b));
	while (n > 0) {
		size_t k = n < sizeof(b) ? n : sizeof(b);
		ck_assert_int_eq(write(fd, b, k), (ssize_t)k);
		n -= k;
	}
	close(fd);
}

START_TEST(test_disk)
{
	char tmpl[] = "/tmp/agent_du.XXXXXX", p[512];
	struct du *d = du_new();
	int r, steps = 0;
	uint64_t linked;

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	for (int i = 0; i < 20; i++) {
		snprintf(p, sizeof(p), "%s/d%d", tmpl, i);
		ck_assert_int_eq(mkdir(p, 0755), 0);
		for (int j = 0; j < 10; j++) {
			snprintf(p, sizeof(p), "%s/d%d/f%d", tmpl, i, j);
			write_file(p, (size_t)(i * 1000 + j * 333));
		}
	}
	snprintf(p, sizeof(p), "%s/big", tmpl);
	write_file(p, 1000000);
	nftw_sum = 0;
	ck_assert_int_eq(nftw(tmpl, sum_cb, 16, FTW_PHYS | FTW_MOUNT), 0);

	/* A budget of 7 entries a step: many steps, the same total. */
	ck_assert_int_eq(du_start(d, tmpl), 0);
	while ((r = du_step(d, 7)) == 0)
		steps++;
	ck_assert_int_eq(r, 1);
	ck_assert_int_gt(steps, 30);
	ck_assert_uint_eq(du_bytes(d), nftw_sum);

	/* A hard link counts once; a symlink is not followed. */
	{
		char q[512];
		snprintf(q, sizeof(q), "%s/big.link", tmpl);
		ck_assert_int_eq(link(p, q), 0);
		snprintf(q, sizeof(q), "%s/outside", tmpl);
		ck_assert_int_eq(symlink("/usr", q), 0);
	}
	ck_assert_int_eq(du_start(d, tmpl), 0);
	while ((r = du_step(d, 1000)) == 0)
		;
	linked = du_bytes(d);
	ck_assert_uint_le(linked, nftw_sum + 4096);	/* + the symlink's own blocks */
	ck_assert_uint_ge(linked, nftw_sum);

	ck_assert_int_eq(du_start(d, "/nonexistent/ve"), -1);
	du_free(d);
	ck_assert_int_eq(nftw(tmpl, rm_cb, 16, FTW_DEPTH | FTW_PHYS), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("agent_cgroup");
	TCase *tc = tcase_create("cgroup");
	tcase_add_test(tc, test_detect);
	tcase_add_loop_test(tc, test_cpu, 0, (int)nitems(cpu_rows));
	tcase_add_loop_test(tc, test_procs, 0, (int)nitems(procs_rows));
	tcase_add_loop_test(tc, test_mem, 0, (int)nitems(mem_rows));
	tcase_add_test(tc, test_vmem_sum);
	tcase_add_loop_test(tc, test_split, 0, (int)nitems(split_rows));
	tcase_add_test(tc, test_split_monotone);
	tcase_add_loop_test(tc, test_weight, 0, (int)nitems(weight_rows));
	tcase_add_loop_test(tc, test_limits, 0, (int)nitems(limit_rows));
	tcase_add_test(tc, test_disk);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
