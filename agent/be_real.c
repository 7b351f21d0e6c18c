/*
 * The "real" backend: each VE is a cgroup vepanel/<VEID> (v1 or v2) with
 * its own network namespace ve-<VEID>, joined to the node by a veth pair
 * (host side vh<VEID>), shaped with tc and filtered and counted with
 * nftables.  cgroup work is plain system calls done at once; ip, tc and
 * nft run as child processes from the command queue (cmd.c), so neither
 * creating 500 VEs nor a slow nft ever stalls /metrics.
 *
 * Counters are collected on a timer (collect_ms), never per request, and
 * published in ve->s for the scrapes in between.  They count from the
 * moment this agent made or adopted the VE (ve_start_time_seconds): a VE
 * found already running after an agent restart is adopted with its
 * counters starting from zero, which billingd reads as the reset it is
 * (veagent_start_time_seconds changed too), so nothing is billed twice.
 * A per-address counter only ever grows: it accumulates the deltas of its
 * source (the veth's statistics for a one-address VE, exact to the byte
 * of every frame; nftables counters of IP bytes otherwise), so switching
 * source or re-creating an interface cannot make it go down.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "cgroup.h"
#include "cmd.h"
#include "disk.h"
#include "log.h"
#include "loop.h"
#include "netns.h"
#include "util.h"

#define MAX_PIDS	65536
#define GRAVE_LOG_MS	60000	/* a cgroup that will not go away is reported after this */
#define DISK_TICK_MS	100

/* Per-address byte counter that only grows (see the comment on top). */
struct acc {
	uint64_t	 rep;		/* reported */
	uint64_t	 last;		/* the source's last reading */
	int		 primed;	/* last is valid */
};

struct rve {
	struct be_real	*b;
	struct ve	*v;		/* NULL once removed (in the graveyard) */
	struct ve_spec	 spec;		/* what the node has: teardown uses it */
	int		 net_ready;	/* setup commands done at least once */
	int		 net_err;	/* a setup command of the current round failed */
	long long	 net_retry;	/* when to run the setup again (0: no need) */
	int		 src_nft;	/* per-address counters come from nftables */
	int64_t		 start_us;
	/* CPU, relative to the reading at adoption (zero for a fresh cgroup) */
	struct cg_cpu	 base;
	uint64_t	 user_rep, sys_rep;
	struct acc	 rx[VE_MAX_IPS], tx[VE_MAX_IPS];
	uint64_t	 nft_rx[VE_MAX_IPS], nft_tx[VE_MAX_IPS];	/* latest raw */
	int		 nft_seen;
	uint64_t	 disk_bytes;
	/* graveyard */
	long long	 dead_since;
	int		 dead_logged;
	struct rve	*next;
};

struct be_real {
	struct backend	 be;
	struct loop	*loop;
	struct be_real_conf c;
	enum cg_ver	 ver;
	char		 ip[64], tc[64], nft[64];
	uint64_t	 node_bogomips;	/* all CPUs */
	struct cmdq	*q;
	struct rve	**all;		/* live VEs, sorted by id */
	size_t		 n, cap;
	struct rve	*grave;
	struct du	*du;
	struct rve	*du_cur;
	size_t		 du_next;
	long long	 collect_timer, disk_timer;
	int		 nft_inflight;
	int		 reaped;	/* orphans of an earlier run looked for */
	pid_t		*pids;
};

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- the list of live VEs ---- */

static size_t
find_pos(struct be_real *b, const char *id, int *found)
{
	size_t lo = 0, hi = b->n;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(b->all[mid]->spec.id, id);

		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
list_insert(struct be_real *b, struct rve *r)
{
	int found;
	size_t pos = find_pos(b, r->spec.id, &found);

	if (found)
		return -1;
	if (b->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 64;
		struct rve **p = realloc(b->all, nc * sizeof(*p));

		if (p == NULL)
			return -1;
		b->all = p;
		b->cap = nc;
	}
	memmove(b->all + pos + 1, b->all + pos, (b->n - pos) * sizeof(*b->all));
	b->all[pos] = r;
	b->n++;
	return 0;
}

static void
list_remove(struct be_real *b, struct rve *r)
{
	int found;
	size_t pos = find_pos(b, r->spec.id, &found);

	if (!found)
		return;
	memmove(b->all + pos, b->all + pos + 1, (b->n - pos - 1) * sizeof(*b->all));
	b->n--;
	if (b->du_cur == r) {
		b->du_cur = NULL;
		(void)du_start(b->du, "/nonexistent");	/* drop the walk */
	}
}

/* ---- commands ---- */

static void
run(struct be_real *b, struct rve *r, const char *const argv[], struct buf *in,
    int flags, cmd_done_fn *fn)
{
	if (in->oom || cmdq_push(b->q, argv, in->data, in->len, flags, fn, r, r) == -1)
		log_warnx("VE %s: cannot queue %s", r->spec.id, argv[0]);
}

#define NET_RETRY_MS	30000

static void
net_step(void *arg, int status, const char *out, size_t len)
{
	struct rve *r = arg;

	if (status != 0)
		r->net_err = 1;
}

/* The last command of a setup round. */
static void
net_done(void *arg, int status, const char *out, size_t len)
{
	struct rve *r = arg;

	if (status != 0 || r->net_err) {
		log_warnx("VE %s: network setup incomplete; retrying in %d s", r->spec.id,
		    NET_RETRY_MS / 1000);
		r->net_retry = loop_now_ms() + NET_RETRY_MS;
	} else {
		if (!r->net_ready)
			log_info("VE %s: network ready", r->spec.id);
		r->net_retry = 0;
	}
	/* Counters can be read even from a partial setup. */
	r->net_ready = 1;
}

static char *
read_ruleset(struct be_real *b, const char *name)
{
	char path[PATH_MAX], *text = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s.nft", b->c.fw_dir, name) >= (int)sizeof(path))
		return NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < 32768 &&
	    (text = malloc((size_t)st.st_size + 1)) != NULL) {
		n = read(fd, text, (size_t)st.st_size);
		if (n < 0) {
			free(text);
			text = NULL;
		} else
			text[n] = '\0';
	}
	close(fd);
	return text;
}

/*
 * Queue everything that makes the VE's network match r->spec: namespace
 * and veth (when missing), addresses and routes, shaping, nftables.
 * Every step is idempotent, so this serves creation, adoption and change.
 */
static void
net_apply(struct be_real *b, struct rve *r, const struct ve_spec *old)
{
	char ns[16], vh[16], path[PATH_MAX];
	struct stat st;
	struct buf t;
	int create_ns, create_link;
	char *rules = NULL;

	net_nsname(r->spec.id, ns);
	net_vethname(r->spec.id, vh);
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	create_ns = stat(path, &st) == -1;
	snprintf(path, sizeof(path), "/sys/class/net/%s", vh);
	create_link = stat(path, &st) == -1;
	buf_init(&t);

	r->net_err = 0;
	net_host_batch(&t, &r->spec, old, create_ns, create_link);
	run(b, r, (const char *const[]){ b->ip, "-force", "-batch", "-", NULL }, &t, 0, net_step);
	buf_reset(&t);
	net_ns_batch(&t, &r->spec, old);
	run(b, r, (const char *const[]){ b->ip, "-n", ns, "-force", "-batch", "-", NULL },
	    &t, 0, net_step);
	/* Deleting a qdisc that is not there fails: quiet. */
	buf_reset(&t);
	net_tc_host(&t, &r->spec);
	run(b, r, (const char *const[]){ b->tc, "-force", "-batch", "-", NULL }, &t,
	    net_in_kbps(&r->spec) ? 0 : CMD_QUIET, net_in_kbps(&r->spec) ? net_step : NULL);
	buf_reset(&t);
	net_tc_ns(&t, &r->spec);
	run(b, r, (const char *const[]){ b->tc, "-n", ns, "-force", "-batch", "-", NULL }, &t,
	    net_out_kbps(&r->spec) ? 0 : CMD_QUIET, net_out_kbps(&r->spec) ? net_step : NULL);
	buf_reset(&t);
	if (r->spec.firewall == FW_FILE)
		rules = read_ruleset(b, r->spec.firewall_file);
	if (nft_ve(&t, &r->spec, old, rules) == -1)
		log_warnx("VE %s: ruleset %s missing or unacceptable; firewall closed instead",
		    r->spec.id, r->spec.firewall_file);
	free(rules);
	run(b, r, (const char *const[]){ b->nft, "-f", "-", NULL }, &t, 0, net_done);
	buf_free(&t);
}

/* Queue the removal of the VE's network; idempotent. */
static void
net_remove(struct be_real *b, const struct ve_spec *sp, const void *tag)
{
	char ns[16], vh[16];
	struct buf t;

	net_nsname(sp->id, ns);
	net_vethname(sp->id, vh);
	buf_init(&t);
	nft_ve_delete(&t, sp);
	if (cmdq_push(b->q, (const char *const[]){ b->nft, "-f", "-", NULL }, t.data, t.len,
	    0, NULL, NULL, tag) == -1)
		log_warnx("VE %s: cannot queue nft", sp->id);
	buf_reset(&t);
	/* The pair goes with either end; the namespace may outlive stray processes. */
	buf_printf(&t, "link del %s\nnetns del %s\n", vh, ns);
	if (cmdq_push(b->q, (const char *const[]){ b->ip, "-force", "-batch", "-", NULL },
	    t.data, t.len, CMD_QUIET, NULL, NULL, tag) == -1)
		log_warnx("VE %s: cannot queue ip", sp->id);
	buf_free(&t);
}

/* ---- counters ---- */

static void
acc_feed(struct acc *a, uint64_t raw)
{
	if (!a->primed) {
		a->last = raw;
		a->primed = 1;
		return;
	}
	/* A source that went down was re-created: its whole value is new. */
	a->rep += raw >= a->last ? raw - a->last : raw;
	a->last = raw;
}

static int
read_u64_file(const char *path, uint64_t *v)
{
	char buf[32];
	ssize_t n;
	int fd;
	const char *es;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	*v = (uint64_t)vep_strtonum_n(buf, (size_t)n, 0, LLONG_MAX, &es);
	return es == NULL ? 0 : -1;
}

/* The VE's cgroup vanished: report it gone and let the next sync re-create it. */
static void	rve_release(struct be_real *, struct rve *, int teardown);

static void
collect_one(struct be_real *b, struct rve *r)
{
	struct ve *v = r->v;
	struct cg_cpu c;
	size_t np;
	uint64_t vm = 0, rss = 0;

	if (cg_read_cpu(b->c.cgroup_root, b->ver, r->spec.id, &c) == -1) {
		if (errno == ENOENT) {
			log_warnx("VE %s: its cgroup vanished; reported down until re-created",
			    r->spec.id);
			v->s.present = 0;
			v->s.run = VE_RUN_DOWN;
			rve_release(b, r, 1);
			return;
		}
		log_debug("VE %s: cpu: %s", r->spec.id, strerror(errno));
		return;
	}
	{
		uint64_t total = c.total_us >= r->base.total_us ? c.total_us - r->base.total_us : 0;
		uint64_t ru = c.user_us >= r->base.user_us ? c.user_us - r->base.user_us : 0;
		uint64_t rs = c.sys_us >= r->base.sys_us ? c.sys_us - r->base.sys_us : 0;

		if (b->ver == CG_V2 && ru + rs == total) {
			/* v2 scaled the split to the total already; keep it monotone anyway. */
			if (ru >= r->user_rep && rs >= r->sys_rep) {
				r->user_rep = ru;
				r->sys_rep = rs;
			} else
				cg_cpu_split(total, ru, rs, &r->user_rep, &r->sys_rep);
		} else
			cg_cpu_split(total, ru, rs, &r->user_rep, &r->sys_rep);
		v->s.cpu_throttled_us = c.throttled_us >= r->base.throttled_us ?
		    c.throttled_us - r->base.throttled_us : 0;
	}
	if (cg_read_procs(b->c.cgroup_root, b->ver, r->spec.id, b->pids, MAX_PIDS, &np) == 0) {
		for (size_t i = 0; i < np && i < MAX_PIDS; i++) {
			uint64_t a, s;

			if (proc_read_mem(b->c.proc_root, b->pids[i], &a, &s) == 0) {
				vm += a;
				rss += s;
			}
		}
		v->s.nprocs = (uint32_t)np;
		/* Running: live processes, not frozen (a suspended VE is frozen). */
		v->s.run = np > 0 && r->spec.state == VE_ACTIVE ? VE_RUN_UP : VE_RUN_DOWN;
	} else if (errno == ENOENT)
		v->s.run = VE_RUN_DOWN;
	v->s.vmem_bytes = vm;
	v->s.rss_bytes = rss;
	v->s.cpu_user_us = r->user_rep;
	v->s.cpu_sys_us = r->sys_rep;
	v->s.disk_bytes = r->disk_bytes;
	v->s.start_us = r->start_us;

	if (r->net_ready && r->spec.nips == 1 && !r->src_nft) {
		char p[128], vh[16];
		uint64_t hrx, htx;

		net_vethname(r->spec.id, vh);
		snprintf(p, sizeof(p), "/sys/class/net/%s/statistics/rx_bytes", vh);
		if (read_u64_file(p, &hrx) == 0) {
			snprintf(p, sizeof(p), "/sys/class/net/%s/statistics/tx_bytes", vh);
			if (read_u64_file(p, &htx) == 0) {
				/* The host side receives what the VE transmits. */
				acc_feed(&r->tx[0], hrx);
				acc_feed(&r->rx[0], htx);
			}
		}
	} else if (r->net_ready && r->nft_seen) {
		for (size_t i = 0; i < r->spec.nips; i++) {
			acc_feed(&r->rx[i], r->nft_rx[i]);
			acc_feed(&r->tx[i], r->nft_tx[i]);
		}
	}
	for (size_t i = 0; i < r->spec.nips; i++) {
		v->s.rx_bytes[i] = r->rx[i].rep;
		v->s.tx_bytes[i] = r->tx[i].rep;
	}
	v->s.present = 1;
}

static void
nft_counter(void *arg, const char *name, uint64_t bytes)
{
	struct be_real *b = arg;
	char id[VE_ID_LEN + 1];
	struct rve *r;
	uint32_t ip;
	int found, tx;
	size_t pos;

	/* ve_<ID>_<rx|tx>_<8 hex> */
	if (strlen(name) != 23 || strncmp(name, "ve_", 3) != 0 || name[11] != '_' ||
	    name[14] != '_')
		return;
	memcpy(id, name + 3, VE_ID_LEN);
	id[VE_ID_LEN] = '\0';
	if (strncmp(name + 12, "tx", 2) == 0)
		tx = 1;
	else if (strncmp(name + 12, "rx", 2) == 0)
		tx = 0;
	else
		return;
	ip = 0;
	for (int i = 15; i < 23; i++) {
		char c = name[i];

		if (c >= '0' && c <= '9')
			ip = ip << 4 | (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			ip = ip << 4 | (uint32_t)(c - 'a' + 10);
		else
			return;
	}
	pos = find_pos(b, id, &found);
	if (!found)
		return;
	r = b->all[pos];
	for (size_t i = 0; i < r->spec.nips; i++)
		if (r->spec.ips[i] == ip) {
			if (tx)
				r->nft_tx[i] = bytes;
			else
				r->nft_rx[i] = bytes;
			r->nft_seen = 1;
		}
}

static void
nft_read_done(void *arg, int status, const char *out, size_t len)
{
	struct be_real *b = arg;

	b->nft_inflight = 0;
	if (status != 0)
		return;
	if (nft_parse_counters(out, len, nft_counter, b) == -1)
		log_warnx("%s: nft counters: not the JSON expected", __func__);
}

/* Retry the removal of cgroups whose processes had not died yet. */
static void
grave_tick(struct be_real *b, long long now)
{
	struct rve **pp = &b->grave;

	while (*pp != NULL) {
		struct rve *r = *pp;

		(void)cg_kill(b->c.cgroup_root, b->ver, r->spec.id);
		if (cg_remove(b->c.cgroup_root, b->ver, r->spec.id) == 0) {
			log_info("VE %s: cgroup removed", r->spec.id);
			*pp = r->next;
			free(r);
			continue;
		}
		if (!r->dead_logged && now - r->dead_since > GRAVE_LOG_MS) {
			log_warnx("VE %s: cgroup still busy after %d s; retrying",
			    r->spec.id, GRAVE_LOG_MS / 1000);
			r->dead_logged = 1;
		}
		pp = &r->next;
	}
}

static long long
collect_due(struct loop *l, long long id, void *arg)
{
	struct be_real *b = arg;
	int need_nft = 0;

	/* Backwards: collect_one may release (and unlist) a gone VE. */
	for (size_t i = b->n; i-- > 0;) {
		struct rve *r = b->all[i];

		r->src_nft = r->spec.nips > 1;
		need_nft |= r->src_nft && r->net_ready;
		if (r->net_retry != 0 && loop_now_ms() >= r->net_retry) {
			r->net_retry = 0;
			net_apply(b, r, NULL);
		}
		collect_one(b, r);
	}
	if (need_nft && !b->nft_inflight) {
		if (cmdq_push(b->q, (const char *const[]){ b->nft, "-j", "list", "counters",
		    "table", "inet", NFT_TABLE, NULL }, NULL, 0, CMD_FRONT | CMD_QUIET,
		    nft_read_done, b, b) == 0)
			b->nft_inflight = 1;
	}
	grave_tick(b, loop_now_ms());
	return b->c.collect_ms;
}

static long long
disk_due(struct loop *l, long long id, void *arg)
{
	struct be_real *b = arg;
	int r;

	if (b->n == 0)
		return DISK_TICK_MS;
	if (b->du_cur == NULL) {
		char path[PATH_MAX];

		if (b->du_next >= b->n)
			b->du_next = 0;
		b->du_cur = b->all[b->du_next++];
		snprintf(path, sizeof(path), "%s/%s", b->c.ve_root, b->du_cur->spec.id);
		if (du_start(b->du, path) == -1) {
			if (errno != ENOENT)
				log_debug("VE %s: disk: %s: %s", b->du_cur->spec.id, path,
				    strerror(errno));
			b->du_cur->disk_bytes = 0;
			b->du_cur = NULL;
			return DISK_TICK_MS;
		}
	}
	if ((r = du_step(b->du, b->c.disk_budget)) != 0) {
		if (r == 1)
			b->du_cur->disk_bytes = du_bytes(b->du);
		b->du_cur = NULL;
	}
	return DISK_TICK_MS;
}

/* ---- the backend operations ---- */

static void
rve_release(struct be_real *b, struct rve *r, int teardown)
{
	cmdq_cancel(b->q, r);
	list_remove(b, r);
	if (r->v != NULL) {
		r->v->be = NULL;
		r->v = NULL;
	}
	if (!teardown) {
		free(r);
		return;
	}
	/* The cgroup goes now if it can, else from the graveyard. */
	(void)cg_kill(b->c.cgroup_root, b->ver, r->spec.id);
	net_remove(b, &r->spec, r);
	if (cg_remove(b->c.cgroup_root, b->ver, r->spec.id) == 0) {
		free(r);
		return;
	}
	r->dead_since = loop_now_ms();
	r->next = b->grave;
	b->grave = r;
}

static int
limits(struct be_real *b, struct rve *r)
{
	unsigned w = cg_weight(r->spec.cpu_min_bogomips, b->node_bogomips);

	if (cg_set_limits(b->c.cgroup_root, b->ver, r->spec.id, w,
	    r->spec.mem_max_mb * 1000000ULL) == -1) {
		log_debug("VE %s: some limits not set: %s", r->spec.id, strerror(errno));
		return -1;
	}
	return 0;
}

static int
real_add(struct backend *be, struct ve *v)
{
	struct be_real *b = (struct be_real *)be;
	char path[PATH_MAX];
	struct rve *r;
	int fresh;

	/* A VE still in the graveyard under this id: finish burying it first. */
	for (struct rve *g = b->grave; g != NULL; g = g->next)
		if (strcmp(g->spec.id, v->spec.id) == 0)
			return -1;
	if (cg_create(b->c.cgroup_root, b->ver, v->spec.id, &fresh) == -1) {
		log_warn("VE %s: cannot create its cgroup", v->spec.id);
		return -1;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	r->b = b;
	r->v = v;
	r->spec = v->spec;
	r->start_us = now_us();
	if (!fresh) {
		/* Adopted after an agent restart: count from now. */
		(void)cg_read_cpu(b->c.cgroup_root, b->ver, v->spec.id, &r->base);
		log_info("VE %s: adopted the running VE", v->spec.id);
	}
	if (list_insert(b, r) == -1) {
		free(r);
		return -1;
	}
	v->be = r;
	(void)limits(b, r);
	if (cg_freeze(b->c.cgroup_root, b->ver, v->spec.id,
	    v->spec.state == VE_SUSPENDED) == -1 && v->spec.state == VE_SUSPENDED)
		log_warn("VE %s: cannot freeze", v->spec.id);
	if (mkdir(b->c.ve_root, 0711) == -1 && errno != EEXIST)
		log_warn("%s: mkdir %s", __func__, b->c.ve_root);
	snprintf(path, sizeof(path), "%s/%s", b->c.ve_root, v->spec.id);
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		log_warn("VE %s: mkdir %s", v->spec.id, path);
	net_apply(b, r, NULL);
	/* Counters, and whether it runs, are there from the first collection on. */
	v->s.present = 0;
	v->s.run = VE_RUN_UNKNOWN;
	return 0;
}

static int
real_change(struct backend *be, struct ve *v, const struct ve_spec *old)
{
	struct be_real *b = (struct be_real *)be;
	struct rve *r = v->be;
	int rc = 0;

	/* Addresses that stay keep their counters; new ones start at zero. */
	{
		struct acc rx[VE_MAX_IPS], tx[VE_MAX_IPS];
		uint64_t nrx[VE_MAX_IPS], ntx[VE_MAX_IPS];

		memset(rx, 0, sizeof(rx));
		memset(tx, 0, sizeof(tx));
		memset(nrx, 0, sizeof(nrx));
		memset(ntx, 0, sizeof(ntx));
		for (size_t i = 0; i < v->spec.nips; i++)
			for (size_t j = 0; j < old->nips; j++)
				if (v->spec.ips[i] == old->ips[j]) {
					rx[i] = r->rx[j];
					tx[i] = r->tx[j];
					nrx[i] = r->nft_rx[j];
					ntx[i] = r->nft_tx[j];
				}
		/* The source may switch (veth <-> nftables): re-prime, keep the sums. */
		if ((v->spec.nips > 1) != (old->nips > 1))
			for (size_t i = 0; i < VE_MAX_IPS; i++)
				rx[i].primed = tx[i].primed = 0;
		memcpy(r->rx, rx, sizeof(rx));
		memcpy(r->tx, tx, sizeof(tx));
		memcpy(r->nft_rx, nrx, sizeof(nrx));
		memcpy(r->nft_tx, ntx, sizeof(ntx));
	}
	r->spec = v->spec;
	if (limits(b, r) == -1)
		rc = -1;
	if (v->spec.state != old->state &&
	    cg_freeze(b->c.cgroup_root, b->ver, v->spec.id,
	    v->spec.state == VE_SUSPENDED) == -1) {
		log_warn("VE %s: cannot %s", v->spec.id,
		    v->spec.state == VE_SUSPENDED ? "freeze" : "thaw");
		rc = -1;
	}
	net_apply(b, r, old);
	return rc;
}

static void
real_remove(struct backend *be, struct ve *v)
{
	struct be_real *b = (struct be_real *)be;

	if (v->be != NULL)
		rve_release(b, v->be, 1);
}

static void
real_forget(struct backend *be, struct ve *v)
{
	struct be_real *b = (struct be_real *)be;

	if (v->be != NULL)
		rve_release(b, v->be, 0);
}

/* An id found on the node: is it one of ours (live or being buried)? */
static int
known(struct be_real *b, const char *id)
{
	int found;

	(void)find_pos(b, id, &found);
	if (found)
		return 1;
	for (struct rve *g = b->grave; g != NULL; g = g->next)
		if (strcmp(g->spec.id, id) == 0)
			return 1;
	return 0;
}

/* Tear down a VE this agent does not know, by its id alone. */
static void
reap(struct be_real *b, const char *id, const char *what)
{
	struct rve *r;

	if (known(b, id) || (r = calloc(1, sizeof(*r))) == NULL)
		return;
	r->b = b;
	memcpy(r->spec.id, id, VE_ID_LEN + 1);
	log_info("VE %s: on this node (%s) but not assigned to it; removing", id, what);
	rve_release(b, r, 1);
}

struct stale {
	struct be_real	*b;
	struct buf	 text;
};

static void
stale_counter(void *arg, const char *name, uint64_t bytes)
{
	struct stale *st = arg;
	char id[VE_ID_LEN + 1];
	int found;

	if (strncmp(name, "ve_", 3) != 0 || strlen(name) < 3 + VE_ID_LEN + 1)
		return;
	memcpy(id, name + 3, VE_ID_LEN);
	id[VE_ID_LEN] = '\0';
	if (!ve_id_valid(id))
		return;
	(void)find_pos(st->b, id, &found);
	if (!found)
		buf_printf(&st->text, "delete counter inet " NFT_TABLE " %s\n", name);
}

/* The counters of VEs this agent does not run (their rules are gone by now). */
static void
stale_done(void *arg, int status, const char *out, size_t len)
{
	struct be_real *b = arg;
	struct stale st = { .b = b };
	size_t off = 0;

	if (status != 0)
		return;
	buf_init(&st.text);
	(void)nft_parse_counters(out, len, stale_counter, &st);
	/* In pieces that fit a pipe, each piece one transaction. */
	while (off < st.text.len) {
		size_t n = st.text.len - off;

		if (n > CMD_MAX_IN) {
			n = CMD_MAX_IN;
			while (n > 0 && st.text.data[off + n - 1] != '\n')
				n--;
		}
		(void)cmdq_push(b->q, (const char *const[]){ b->nft, "-f", "-", NULL },
		    st.text.data + off, n, 0, NULL, NULL, NULL);
		off += n;
	}
	buf_free(&st.text);
}

/*
 * After the first answer of the API: VEs left on the node by an earlier
 * run (removed from the API while the agent was away) are removed now.
 * Their root directories stay, as for any removal.
 */
static void
real_synced(struct backend *be)
{
	struct be_real *b = (struct be_real *)be;
	char path[PATH_MAX];
	struct dirent *de;
	struct buf done;	/* "ID\n" of each VE reaped here */
	DIR *d;

	if (b->reaped)
		return;
	b->reaped = 1;
	buf_init(&done);
	if (b->ver == CG_V2)
		snprintf(path, sizeof(path), "%s/vepanel", b->c.cgroup_root);
	else
		snprintf(path, sizeof(path), "%s/cpuacct/vepanel", b->c.cgroup_root);
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (ve_id_valid(de->d_name) && !known(b, de->d_name)) {
				buf_printf(&done, "%s\n", de->d_name);
				reap(b, de->d_name, "cgroup");
			}
		closedir(d);
	}
	if ((d = opendir("/run/netns")) != NULL) {
		while ((de = readdir(d)) != NULL) {
			char line[VE_ID_LEN + 2];

			if (strncmp(de->d_name, "ve-", 3) != 0 || !ve_id_valid(de->d_name + 3))
				continue;
			snprintf(line, sizeof(line), "%s\n", de->d_name + 3);
			if (strstr(buf_cstr(&done), line) == NULL)
				reap(b, de->d_name + 3, "network namespace");
		}
		closedir(d);
	}
	buf_free(&done);
	/* Per-address counters are named by address: find the stale ones by listing. */
	(void)cmdq_push(b->q, (const char *const[]){ b->nft, "-j", "list", "counters",
	    "table", "inet", NFT_TABLE, NULL }, NULL, 0, CMD_QUIET, stale_done, b, b);
}

static void
real_refresh(struct backend *be, struct ve *const *ves, size_t n, int64_t now)
{
	/* Collected on the timer: a scrape only reads ve->s. */
}

static void
real_free(struct backend *be)
{
	struct be_real *b = (struct be_real *)be;

	if (b == NULL)
		return;
	if (b->collect_timer > 0)
		loop_timer_del(b->loop, b->collect_timer);
	if (b->disk_timer > 0)
		loop_timer_del(b->loop, b->disk_timer);
	cmdq_free(b->q);
	while (b->n > 0)
		rve_release(b, b->all[b->n - 1], 0);
	while (b->grave != NULL) {
		struct rve *r = b->grave;

		b->grave = r->next;
		free(r);
	}
	du_free(b->du);
	free(b->all);
	free(b->pids);
	free(b);
}

static const struct backend_ops real_ops = {
	.name = "real",
	.add = real_add,
	.change = real_change,
	.remove = real_remove,
	.refresh = real_refresh,
	.forget = real_forget,
	.synced = real_synced,
	.free = real_free,
};

static int
find_tool(const char *name, char *out, size_t len)
{
	static const char *const dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin" };

	for (size_t i = 0; i < nitems(dirs); i++) {
		snprintf(out, len, "%s/%s", dirs[i], name);
		if (access(out, X_OK) == 0)
			return 0;
	}
	return -1;
}

struct backend *
be_real_new(struct loop *l, const struct be_real_conf *c, char *err, size_t errlen)
{
	struct be_real *b;
	struct buf t;
	uint64_t fwd;

	if (geteuid() != 0) {
		snprintf(err, errlen, "--backend real must run as root");
		return NULL;
	}
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	b->be.ops = &real_ops;
	b->loop = l;
	b->c = *c;
	b->node_bogomips = c->bogomips_centi * (uint64_t)(c->ncpu > 0 ? c->ncpu : 1) / 100;
	if ((b->ver = cg_detect(c->cgroup_root)) == CG_NONE) {
		snprintf(err, errlen, "no cgroup file system (v1 or v2) at %s", c->cgroup_root);
		goto fail;
	}
	if (find_tool("ip", b->ip, sizeof(b->ip)) == -1 ||
	    find_tool("tc", b->tc, sizeof(b->tc)) == -1 ||
	    find_tool("nft", b->nft, sizeof(b->nft)) == -1) {
		snprintf(err, errlen, "ip, tc and nft are needed: install iproute2 and nftables");
		goto fail;
	}
	if ((b->q = cmdq_new(l, 15000)) == NULL || (b->du = du_new()) == NULL ||
	    (b->pids = calloc(MAX_PIDS, sizeof(*b->pids))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((b->collect_timer = loop_timer_add(l, c->collect_ms, collect_due, b)) == -1 ||
	    (b->disk_timer = loop_timer_add(l, DISK_TICK_MS, disk_due, b)) == -1) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	buf_init(&t);
	nft_base(&t);
	if (cmdq_push(b->q, (const char *const[]){ b->nft, "-f", "-", NULL }, t.data, t.len,
	    0, NULL, NULL, NULL) == -1) {
		buf_free(&t);
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	buf_free(&t);
	if (read_u64_file("/proc/sys/net/ipv4/ip_forward", &fwd) == 0 && fwd == 0)
		log_info("net.ipv4.ip_forward is 0: VEs reach this node only");
	log_info("real backend: cgroup v%d at %s, VE roots in %s", b->ver, c->cgroup_root,
	    c->ve_root);
	return &b->be;
fail:
	real_free(&b->be);
	return NULL;
}
