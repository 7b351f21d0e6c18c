/*
 * The "real" backend: each VE is an unprivileged LXC system container
 * (SPEC section 9).  Everything liblxc does runs in velxc, a worker the
 * agent starts per operation from its own command queue (cmd.c: one
 * child at a time, exit seen through a pidfd, never a waitpid(-1)), so
 * blocking liblxc calls and LXC's double-forked monitors never touch this
 * process.  velxc answers with one line ("pid=N", "ok") read in the loop.
 *
 * Per VE the agent keeps what it wants (spec: active, power, power_seq)
 * and what it has (volume made, running with init pid N), and drive()
 * queues the one operation that brings them closer: create, start, stop,
 * passwd.  The VE's init is watched through a pidfd in the event loop: its
 * exit is seen at once, and an always_on VE is started again at the next
 * drive (within a second or two).  Host-side networking (gateway address,
 * /32 routes, shaping, nftables counters and filter) is applied through
 * ip/tc/nft from a second queue after every start.
 *
 * Counters are read directly, never through liblxc: cgroupfs for CPU,
 * memory and tasks, the host veth's statistics for bytes (nftables
 * counters when the VE has several addresses), statfs of the mounted
 * volume for disk.  They count from the moment this agent made or adopted
 * the VE (ve_start_time_seconds) and only ever grow: a restarted container
 * has fresh cgroups and a fresh veth, whose readings are added on.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "apply_real.h"
#include "backend.h"
#include "be_real_int.h"
#include "cgroup.h"
#include "cmd.h"
#include "log.h"
#include "loop.h"
#include "netns.h"
#include "spawn.h"
#include "util.h"

#define OP_TIMEOUT_MS	120000
#define RETRY_MIN_MS	3000
#define RETRY_MAX_MS	60000

static const char *const op_names[] = { "", "status", "create", "start", "stop", "passwd",
	"destroy", "reinstall", "backup", "restore", "grow", "release", "fetch", "moved" };
/* Backups and restores run borg: their own queue, so they never hold up a start. */
#define OP_SLOW(op)	((op) == OP_BACKUP || (op) == OP_RESTORE || (op) == OP_FETCH || (op) == OP_RELEASE)
#define BACKUP_TIMEOUT_MS	3600000
#define BACKUP_RETRY_S		600

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
	if (vep_grow((void **)&b->all, &b->cap, b->n + 1, sizeof(*b->all), 64) == -1)
		return -1;
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
}

/* ---- files ---- */

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
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	*v = (uint64_t)vep_strtonum_n(buf, (size_t)n, 0, LLONG_MAX, &es);
	return es == NULL ? 0 : -1;
}

static void
write_proc(const char *path, const char *val)
{
	int fd;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return;
	if (write(fd, val, strlen(val)) == -1)
		log_debug("%s: %s", path, strerror(errno));
	close(fd);
}

static void
ve_path(struct be_real *b, const char *id, const char *file, char *out, size_t len)
{
	snprintf(out, len, "%s/%s/%s", b->c.ve_root, id, file);
}

/* ---- host-side network ---- */

static void
net_apply(struct be_real *b, struct rve *r, const struct ve_spec *old)
{
	struct buf t;
	char *rules = NULL;

	buf_init(&t);
	if (r->running) {
		char vh[16], p[128];

		net_vethname(r->spec.id, vh);
		/* Anti-spoofing for traffic to the host too: strict reverse path. */
		snprintf(p, sizeof(p), "/proc/sys/net/ipv4/conf/%s/rp_filter", vh);
		write_proc(p, "1");
		snprintf(p, sizeof(p), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", vh);
		write_proc(p, "1");
		net_lxc_host_batch(&t, &r->spec, old, b->c.uplink_kbps);
		(void)cmdq_push(b->q, (const char *const[]){ b->ip, "-force", "-batch", "-", NULL },
		    t.data, t.len, CMD_QUIET, NULL, NULL, r);
		buf_reset(&t);
		net_tc_lxc(&t, &r->spec, b->c.uplink_kbps);
		(void)cmdq_push(b->q, (const char *const[]){ b->tc, "-force", "-batch", "-", NULL },
		    t.data, t.len, CMD_QUIET, NULL, NULL, r);
		buf_reset(&t);
		r->net_up = 1;
	}
	if (r->spec.firewall == FW_FILE) {
		char path[PATH_MAX];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s.nft", b->c.fw_dir, r->spec.firewall_file);
		if ((f = fopen(path, "re")) != NULL) {
			if ((rules = calloc(1, 32768)) != NULL && fread(rules, 1, 32767, f) == 0 &&
			    ferror(f)) {
				free(rules);
				rules = NULL;
			}
			fclose(f);
		}
	}
	if (nft_ve(&t, &r->spec, old, rules) == -1)
		log_warnx("VE %s: ruleset %s missing or unacceptable; firewall closed instead",
		    r->spec.id, r->spec.firewall_file);
	free(rules);
	(void)cmdq_push(b->q, (const char *const[]){ b->nft, "-f", "-", NULL }, t.data, t.len, 0,
	    NULL, NULL, r);
	buf_free(&t);
}

/* ---- velxc ---- */

/* The VE's parameters for velxc, key=value lines on its stdin. */
static void
params(struct be_real *b, const struct ve_spec *sp, struct buf *t)
{
	char a[16], host[VE_HOSTNAME_MAX + 1];

	buf_printf(t, "template=%s/%s.tar.zst\n", b->c.template_dir,
	    sp->template[0] ? sp->template : b->c.default_template);
	buf_printf(t, "disk_mb=%llu\nmem_mb=%llu\ncpu_weight=%u\ncgroup=%d\nstop_timeout=%d\n",
	    (unsigned long long)sp->disk_quota_mb, (unsigned long long)sp->mem_max_mb,
	    cg_weight(sp->cpu_min_bogomips, b->node_bogomips), b->ver == CG_V2 ? 2 : 1,
	    b->c.stop_timeout_s);
	for (size_t i = 0; i < sp->nips; i++) {
		ve_ipv4_fmt(sp->ips[i], a);
		buf_printf(t, "ip=%s\n", a);
	}
	buf_printf(t, "prefix=%u\n", apply_prefix(sp));
	ve_ipv4_fmt(sp->gateway ? sp->gateway : 0xa9fe0101u, a);
	buf_printf(t, "gateway=%s\n", a);
	for (size_t i = 0; i < sp->ndns; i++) {
		ve_ipv4_fmt(sp->dns[i], a);
		buf_printf(t, "dns=%s\n", a);
	}
	if (sp->hostname[0])
		buf_printf(t, "hostname=%s\n", sp->hostname);
	else {
		for (int i = 0; i <= VE_ID_LEN; i++)
			host[i] = (char)(sp->id[i] >= 'A' && sp->id[i] <= 'F' ? sp->id[i] + 32 :
			    sp->id[i]);
		buf_printf(t, "hostname=%s\n", host);
	}
	if (sp->root_crypt[0])
		buf_printf(t, "root_crypt=%s\n", sp->root_crypt);
	buf_printf(t, "telnet=%d\n", (sp->login & VE_LOGIN_TELNET) != 0);
	if (b->c.api != NULL && b->c.token_file != NULL && b->c.node != NULL)
		buf_printf(t, "api_url=%s\nnode=%s\ntoken_file=%s\n", b->c.api, b->c.node,
		    b->c.token_file);
	if (b->c.ve_api_url != NULL)
		buf_printf(t, "ve_api_url=%s\n", b->c.ve_api_url);
	if (b->c.veinfo != NULL)
		buf_printf(t, "veinfo=%s\n", b->c.veinfo);
	buf_printf(t, "reinstall_seq=%llu\nrestore_seq=%llu\nbackup_seq=%llu\n",
	    (unsigned long long)sp->reinstall_seq, (unsigned long long)sp->restore_seq,
	    (unsigned long long)sp->backup_seq);
	if (sp->restore_backup[0])
		buf_printf(t, "restore_backup=%s\n", sp->restore_backup);
	if (sp->move_from_url[0])
		buf_printf(t, "move_url=%s\nmove_token=%s\n", sp->move_from_url, sp->move_from_token);
	if (b->c.backup_repo != NULL)
		buf_printf(t, "backup_repo=%s\nbackup_keep=%d\nbackup_pass=%s\nbackup_base=%s\n",
		    b->c.backup_repo, b->c.backup_keep, b->c.backup_pass, b->c.backup_base);
}

static void	lxc_done(void *, int, const char *, size_t);
static void	backup_done(struct be_real *, struct rve *, int, const char *);
static void	state_read(struct be_real *, struct rve *);
static int	backup_due(struct be_real *, struct rve *);
static void	drive(struct be_real *, struct rve *);
static int	wanted(const struct rve *);

void
be_real_push_op(struct be_real *b, struct rve *r, enum op op)
{
	struct buf t;

	buf_init(&t);
	params(b, &r->spec, &t);
	r->op_seq = op == OP_REINSTALL ? r->spec.reinstall_seq : op == OP_RESTORE ?
	    r->spec.restore_seq : op == OP_BACKUP ? r->spec.backup_seq : 0;
	if (t.oom || cmdq_push(OP_SLOW(op) ? b->bq : b->lq, (const char *const[]){ b->c.velxc,
	    op_names[op], r->spec.id, b->c.ve_root, NULL }, t.data, t.len, 0, lxc_done, r, r) == -1) {
		log_warnx("VE %s: cannot queue %s", r->spec.id, op_names[op]);
		r->next_try = loop_now_ms() + RETRY_MIN_MS;
	} else
		r->op = op;
	explicit_bzero(t.data, t.len);
	buf_free(&t);
}

static void
init_gone(struct loop *l, int fd, int mask, void *arg)
{
	struct rve *r = arg;

	loop_io_del(l, fd);
	close(fd);
	r->pidfd = -1;
	r->running = 0;
	r->net_up = 0;
	if (r->v != NULL)
		be_set_run(&r->b->be, r->v, r->v->s.present, wanted(r) ? VE_RUN_DOWN : VE_RUN_UNKNOWN);
	if (r->op == OP_STOP)
		return;
	/* One that keeps dying right after its start is retried ever more slowly. */
	if (vep_wall_us() - r->run_since_us < 10 * 1000000LL) {
		long long d = RETRY_MIN_MS << (r->fails < 5 ? r->fails : 5);

		r->fails++;
		r->next_try = loop_now_ms() + (d > RETRY_MAX_MS ? RETRY_MAX_MS : d);
	}
	if (r->spec.always_on)
		log_warnx("VE %s: its init (pid %d) ended; starting it again", r->spec.id,
		    (int)r->pid);
	else {
		log_info("VE %s: its init (pid %d) ended; it stays stopped", r->spec.id,
		    (int)r->pid);
		r->halted = 1;
	}
	drive(r->b, r);
}

static void
watch_pid(struct be_real *b, struct rve *r, pid_t pid)
{
	if (r->pidfd != -1) {
		loop_io_del(b->loop, r->pidfd);
		close(r->pidfd);
		r->pidfd = -1;
	}
	r->pid = pid;
	r->running = 0;
	if (pid <= 0)
		return;
	if ((r->pidfd = pidfd_open(pid, 0)) == -1) {
		log_warn("VE %s: pidfd_open %d", r->spec.id, (int)pid);
		return;
	}
	if (loop_io_add(b->loop, r->pidfd, LOOP_READ, init_gone, r) == -1) {
		close(r->pidfd);
		r->pidfd = -1;
		return;
	}
	r->running = 1;
	r->making = 0;
	r->run_since_us = vep_wall_us();
	r->active_ms = loop_now_ms();	/* the idle time counts from each start */
}

static void collect_one(struct be_real *, struct rve *);

/* After a start or stop: published at once, not at the next collection. */
static void
watch_init(struct be_real *b, struct rve *r, pid_t pid)
{
	watch_pid(b, r, pid);
	collect_one(b, r);
}

static pid_t
parse_pid(const char *out)
{
	const char *p = strstr(out, "pid=");

	return p != NULL ? (pid_t)atoi(p + 4) : 0;
}

static void
lxc_done(void *arg, int status, const char *out, size_t len)
{
	struct rve *r = arg;
	struct be_real *b = r->b;
	enum op op = r->op;

	r->op = OP_NONE;
	if (op == OP_BACKUP) {
		backup_done(b, r, status, out);
		drive(b, r);
		return;
	}
	if (status != 0) {
		long long d = RETRY_MIN_MS << (r->fails < 5 ? r->fails : 5);

		r->making = 0;	/* one it could not make is down from now on */
		r->fails++;
		r->next_try = loop_now_ms() + (d > RETRY_MAX_MS ? RETRY_MAX_MS : d);
		log_warnx("VE %s: %s failed; retrying in %lld s", r->spec.id, op_names[op],
		    (r->next_try - loop_now_ms()) / 1000);
		/* A backup that cannot be restored (velxc checks before it wipes): give up. */
		if (op == OP_RESTORE && r->fails >= 5) {
			log_warnx("VE %s: restore of %s given up; the VE keeps its files", r->spec.id,
			    r->spec.restore_backup);
			r->restore_done = r->op_seq;
		}
		if (op == OP_STATUS)
			r->known = 1;
		return;
	}
	r->fails = 0;
	switch (op) {
	case OP_STATUS:
		r->known = 1;
		watch_init(b, r, parse_pid(out));
		if (r->running) {
			log_info("VE %s: adopted the running container (init %d)", r->spec.id,
			    (int)r->pid);
			r->seq_done = r->spec.power_seq;
			net_apply(b, r, NULL);
		}
		break;
	case OP_CREATE:
	case OP_FETCH:
		r->created = 1;
		r->reinstall_done = r->spec.reinstall_seq;
		r->restore_done = r->spec.restore_seq;
		r->backup_done = r->spec.backup_seq;
		r->backup_at = vep_wall_us() / 1000000;
		snprintf(r->crypt_done, sizeof(r->crypt_done), "%s", r->spec.root_crypt);
		log_info("VE %s: volume of %llu MB %s", r->spec.id,
		    (unsigned long long)r->spec.disk_quota_mb, op == OP_FETCH ? "fetched" : "made");
		break;
	case OP_START:
		watch_init(b, r, parse_pid(out));
		snprintf(r->crypt_done, sizeof(r->crypt_done), "%s", r->spec.root_crypt);
		r->seq_done = r->spec.power_seq;
		r->restart = 0;
		if (r->running) {
			log_info("VE %s: started (init %d)", r->spec.id, (int)r->pid);
			net_apply(b, r, NULL);
		}
		break;
	case OP_STOP:
		watch_init(b, r, 0);
		log_info("VE %s: stopped", r->spec.id);
		break;
	case OP_PASSWD:
		log_info("VE %s: root password updated", r->spec.id);
		break;
	case OP_REINSTALL:
		r->reinstall_done = r->op_seq;
		r->halted = 0;
		snprintf(r->crypt_done, sizeof(r->crypt_done), "%s", r->spec.root_crypt);
		log_info("VE %s: reinstalled from its template", r->spec.id);
		break;
	case OP_RESTORE:
		r->restore_done = r->op_seq;
		r->halted = 0;
		log_info("VE %s: restored from %s", r->spec.id, r->spec.restore_backup);
		break;
	case OP_GROW:
		log_info("VE %s: disk quota %llu MB: %s", r->spec.id,
		    (unsigned long long)r->spec.disk_quota_mb, strstr(out, "grow=online") ? "grown online" :
		    strstr(out, "grow=same") ? "the volume has that size" : "resized at the next start");
		break;
	default:
		be_real_move_done(b, r, op, out);
		break;
	}
	drive(b, r);
}

/* What should the VE be doing: running? */
static int
wanted(const struct rve *r)
{
	return r->spec.state == VE_ACTIVE && r->spec.power_on && !r->halted && !r->idled;
}

/*
 * With --pool, a VE runs only with addresses of that pool: an address
 * routed anywhere else (the node's own uplink network, say) never goes
 * onto a VE of this node.
 */
static int
in_pool(struct be_real *b, struct rve *r)
{
	char a[16];

	if (b->pool_mask == 0)
		return 1;
	for (size_t i = 0; i < r->spec.nips; i++)
		if ((r->spec.ips[i] & b->pool_mask) != b->pool_net) {
			if (!r->refused) {
				ve_ipv4_fmt(r->spec.ips[i], a);
				log_warnx("VE %s: address %s is outside this node's pool %s: not run",
				    r->spec.id, a, b->c.pool);
			}
			return 0;
		}
	return 1;
}

/* ---- reinstall, restore, backups ---- */

/* What velxc did before (<VE>/vep.state); a volume made before it: the wishes as done. */
static void
state_read(struct be_real *b, struct rve *r)
{
	char path[PATH_MAX], line[128];
	FILE *f;

	r->reinstall_done = r->spec.reinstall_seq;
	r->restore_done = r->spec.restore_seq;
	r->backup_done = r->spec.backup_seq;
	r->backup_at = vep_wall_us() / 1000000;
	ve_path(b, r->spec.id, "vep.state", path, sizeof(path));
	if ((f = fopen(path, "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long long x;

		if (sscanf(line, "reinstall_seq=%llu", &x) == 1)
			r->reinstall_done = x;
		else if (sscanf(line, "restore_seq=%llu", &x) == 1)
			r->restore_done = x;
		else if (sscanf(line, "backup_seq=%llu", &x) == 1)
			r->backup_done = x;
		else if (sscanf(line, "backup_at=%llu", &x) == 1)
			r->backup_at = (int64_t)x;
	}
	fclose(f);
}

/* A backup asked for (backup_seq), or backup_hours since the last good one. */
static int
backup_due(struct be_real *b, struct rve *r)
{
	int64_t now = vep_wall_us() / 1000000;

	if (b->c.backup_repo == NULL || (r->spec.backup_seq <= r->backup_done &&
	    (r->spec.backup_hours == 0 || now - r->backup_at < (int64_t)r->spec.backup_hours * 3600)))
		return 0;
	return now >= r->backup_retry_at || r->spec.backup_seq > r->backup_done;
}

static void
backup_done(struct be_real *b, struct rve *r, int status, const char *out)
{
	const char *rb = strstr(out, "repo_bytes=");

	r->backup_done = r->op_seq;
	if (status != 0) {
		b->bk.failures++;
		r->backup_failing = 1;
		r->backup_retry_at = vep_wall_us() / 1000000 + BACKUP_RETRY_S;
		log_warnx("VE %s: backup failed; next try in %d s", r->spec.id, BACKUP_RETRY_S);
		return;
	}
	b->bk.ok++;
	r->backup_failing = 0;
	r->backup_at = vep_wall_us() / 1000000;
	if (rb != NULL)
		b->bk.repo_bytes = strtoull(rb + 11, NULL, 10);
	log_info("VE %s: backed up (repository %llu bytes)", r->spec.id,
	    (unsigned long long)b->bk.repo_bytes);
}

void
be_real_drive(struct be_real *b, struct rve *r)
{
	drive(b, r);
}

static void
drive(struct be_real *b, struct rve *r)
{
	char img[PATH_MAX];

	if (r->op != OP_NONE || loop_now_ms() < r->next_try)
		return;
	if (r->refused) {
		if (r->running)
			be_real_push_op(b, r, OP_STOP);
		return;
	}
	/* Stopped for want of traffic: listen on its addresses until a connection comes. */
	be_real_idle_listen(b, r);
	if (!r->known) {
		ve_path(b, r->spec.id, "root.img", img, sizeof(img));
		r->created = access(img, F_OK) == 0;
		if (r->created) {
			state_read(b, r);
			be_real_push_op(b, r, OP_STATUS);
			return;
		}
		r->known = 1;
		r->making = 1;
	}
	if (be_real_move_drive(b, r))
		return;
	if (!r->created) {
		be_real_push_op(b, r, r->spec.move_from_url[0] ? OP_FETCH : OP_CREATE);
		return;
	}
	/* A reinstall or restore: stopped first, then done, then started as wanted. */
	if (r->spec.restore_seq > r->restore_done && !r->spec.restore_backup[0])
		r->restore_done = r->spec.restore_seq;
	if (r->spec.reinstall_seq > r->reinstall_done || r->spec.restore_seq > r->restore_done) {
		be_real_push_op(b, r, r->running ? OP_STOP : r->spec.reinstall_seq > r->reinstall_done ?
		    OP_REINSTALL : OP_RESTORE);
		return;
	}
	if (r->running && (!wanted(r) || r->restart)) {
		be_real_push_op(b, r, OP_STOP);
		return;
	}
	if (!r->running && wanted(r)) {
		be_real_push_op(b, r, OP_START);
		return;
	}
	if (r->grow && r->running) {
		r->grow = 0;
		be_real_push_op(b, r, OP_GROW);
		return;
	}
	if (r->running && strcmp(r->crypt_done, r->spec.root_crypt) != 0) {
		snprintf(r->crypt_done, sizeof(r->crypt_done), "%s", r->spec.root_crypt);
		be_real_push_op(b, r, OP_PASSWD);
		return;
	}
	if (backup_due(b, r))
		be_real_push_op(b, r, OP_BACKUP);
}

/* ---- counters ---- */

static void
acc_feed(struct acc *a, uint64_t raw)
{
	if (!a->primed) {
		a->rep += raw;
		a->last = raw;
		a->primed = 1;
		return;
	}
	/* A source that went down was re-created: its whole value is new. */
	a->rep += raw >= a->last ? raw - a->last : raw;
	a->last = raw;
}

static int
cg_u64(struct be_real *b, const char *ctrl, const char *id, const char *file, uint64_t *v)
{
	char p[PATH_MAX];

	return cg_path(p, sizeof(p), b->c.cgroup_root, b->ver, ctrl, id, file) == -1 ? -1 :
	    read_u64_file(p, v);
}

static int
frozen(struct be_real *b, const char *id)
{
	char p[PATH_MAX], s[64] = "";
	ssize_t n;
	int fd;

	if (cg_path(p, sizeof(p), b->c.cgroup_root, b->ver, "freezer", id,
	    b->ver == CG_V2 ? "cgroup.events" : "freezer.state") == -1 ||
	    (fd = open(p, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, s, sizeof(s) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	s[n] = '\0';
	return b->ver == CG_V2 ? strstr(s, "frozen 1") != NULL : strncmp(s, "THAWED", 6) != 0;
}

static void
collect_one(struct be_real *b, struct rve *r)
{
	struct ve *v = r->v;
	char p[PATH_MAX];
	struct statfs sf;
	enum ve_run run;

	if (r->running) {
		struct cg_cpu c;
		uint64_t x;

		if (cg_read_cpu(b->c.cgroup_root, b->ver, r->spec.id, &c) == 0) {
			acc_feed(&r->ctot, c.total_us);
			acc_feed(&r->cuser, c.user_us);
			acc_feed(&r->csys, c.sys_us);
			cg_cpu_split(r->ctot.rep, r->cuser.rep, r->csys.rep, &r->user_rep,
			    &r->sys_rep);
		}
		if (cg_u64(b, "pids", r->spec.id, "pids.current", &x) == 0)
			v->s.nprocs = (uint32_t)x;
		if (cg_u64(b, "memory", r->spec.id, b->ver == CG_V2 ? "memory.current" :
		    "memory.usage_in_bytes", &x) == 0)
			v->s.rss_bytes = v->s.vmem_bytes = x;
		if (r->spec.nips == 1 && r->net_up) {
			char vh[16];
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
		}
	} else {
		v->s.nprocs = 0;
		v->s.rss_bytes = v->s.vmem_bytes = 0;
		/* The next run's veth starts from zero. */
		for (size_t i = 0; i < VE_MAX_IPS; i++)
			r->rx[i].primed = r->tx[i].primed = 0;
		r->ctot.primed = r->cuser.primed = r->csys.primed = 0;
	}
	if (r->spec.nips > 1 && r->nft_seen)
		for (size_t i = 0; i < r->spec.nips; i++) {
			acc_feed(&r->rx[i], r->nft_rx[i]);
			acc_feed(&r->tx[i], r->nft_tx[i]);
		}
	ve_path(b, r->spec.id, "rootfs", p, sizeof(p));
	if (r->created && statfs(p, &sf) == 0 && sf.f_type == 0xEF53)
		v->s.disk_bytes = (uint64_t)(sf.f_blocks - sf.f_bfree) * (uint64_t)sf.f_bsize;
	v->s.cpu_user_us = r->user_rep;
	v->s.cpu_sys_us = r->sys_rep;
	be_real_idle_check(b, r);
	for (size_t i = 0; i < r->spec.nips; i++) {
		v->s.rx_bytes[i] = r->rx[i].rep;
		v->s.tx_bytes[i] = r->tx[i].rep;
	}
	v->s.start_us = r->start_us;
	v->s.backup_at = r->backup_at;
	v->s.backup_failing = r->backup_failing;
	if (r->running)
		run = frozen(b, r->spec.id) ? VE_RUN_DOWN : VE_RUN_UP;
	else if (r->making && r->spec.state != VE_SUSPENDED)
		run = VE_RUN_UNKNOWN;	/* being made: not delivered yet, not "down" */
	else if (wanted(r) || r->spec.state == VE_SUSPENDED)
		run = VE_RUN_DOWN;
	else
		run = VE_RUN_UNKNOWN;	/* stopped by its owner: not "down" */
	be_set_run(&b->be, v, r->created, run);
}

static void
nft_counter(void *arg, const char *name, uint64_t bytes)
{
	struct be_real *b = arg;
	char id[VE_ID_LEN + 1];
	struct rve *r;
	uint32_t ip = 0;
	int found, tx;
	size_t pos;

	/* ve_<ID>_<rx|tx>_<8 hex> */
	if (strlen(name) != 23 || strncmp(name, "ve_", 3) != 0 || name[11] != '_' ||
	    name[14] != '_')
		return;
	memcpy(id, name + 3, VE_ID_LEN);
	id[VE_ID_LEN] = '\0';
	tx = strncmp(name + 12, "tx", 2) == 0;
	if (!tx && strncmp(name + 12, "rx", 2) != 0)
		return;
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
	if (status == 0 && nft_parse_counters(out, len, nft_counter, b) == -1)
		log_warnx("%s: nft counters: not the JSON expected", __func__);
}

static long long
collect_due(struct loop *l, long long id, void *arg)
{
	struct be_real *b = arg;
	int need_nft = 0;

	for (size_t i = 0; i < b->n; i++) {
		struct rve *r = b->all[i];

		need_nft |= r->spec.nips > 1;
		drive(b, r);
		collect_one(b, r);
	}
	if (need_nft && !b->nft_inflight &&
	    cmdq_push(b->q, (const char *const[]){ b->nft, "-j", "list", "counters", "table",
	    "inet", NFT_TABLE, NULL }, NULL, 0, CMD_FRONT | CMD_QUIET, nft_read_done, b, b) == 0)
		b->nft_inflight = 1;
	return b->c.collect_ms;
}

/* ---- the backend operations ---- */

static void
rve_free(struct be_real *b, struct rve *r)
{
	be_real_unidle(b, r);
	cmdq_cancel(b->q, r);
	cmdq_cancel(b->lq, r);
	cmdq_cancel(b->bq, r);
	list_remove(b, r);
	if (r->pidfd != -1) {
		loop_io_del(b->loop, r->pidfd);
		close(r->pidfd);
	}
	if (r->v != NULL)
		r->v->be = NULL;
	free(r);
}

/* Stop the VE and erase its volume: queued, not cancellable, after what is queued. */
static void
destroy(struct be_real *b, const struct ve_spec *sp)
{
	struct buf t;
	char vh[16], ifb[16];

	buf_init(&t);
	params(b, sp, &t);
	if (cmdq_push(b->lq, (const char *const[]){ b->c.velxc, "destroy", sp->id, b->c.ve_root,
	    NULL }, t.data, t.len, 0, NULL, NULL, NULL) == -1)
		log_warnx("VE %s: cannot queue destroy", sp->id);
	explicit_bzero(t.data, t.len);
	buf_reset(&t);
	nft_ve_delete(&t, sp);
	(void)cmdq_push(b->q, (const char *const[]){ b->nft, "-f", "-", NULL }, t.data, t.len, 0,
	    NULL, NULL, NULL);
	buf_reset(&t);
	net_vethname(sp->id, vh);
	net_ifbname(sp->id, ifb);
	buf_printf(&t, "link del %s\nlink del %s\n", vh, ifb);
	(void)cmdq_push(b->q, (const char *const[]){ b->ip, "-force", "-batch", "-", NULL },
	    t.data, t.len, CMD_QUIET, NULL, NULL, NULL);
	buf_free(&t);
	log_info("VE %s: stopping and erasing its volume", sp->id);
}

static int
real_add(struct backend *be, struct ve *v)
{
	struct be_real *b = (struct be_real *)be;
	struct rve *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	r->b = b;
	r->v = v;
	r->spec = v->spec;
	r->pidfd = -1;
	r->seq_done = v->spec.power_seq;
	r->start_us = vep_wall_us();
	if (list_insert(b, r) == -1) {
		free(r);
		return -1;
	}
	v->be = r;
	v->s.present = 0;
	v->s.run = VE_RUN_UNKNOWN;
	r->refused = !in_pool(b, r) || !be_real_admitted(b, r);
	be_real_wake_routes(b, r, 0);	/* a previous run's, if it ended while the VE idled */
	net_apply(b, r, NULL);
	drive(b, r);
	return 0;
}

/*
 * A running VE's spec changed: addresses added and removed inside it
 * (netmask, gateway or DNS servers only with a restart: its config), CPU
 * weight and memory limit on its cgroup (a limit below what it holds: at
 * the next start, from its config).  The hostname follows at the next start.
 */
static void
live_change(struct be_real *b, struct rve *r, const struct ve_spec *old)
{
	const struct ve_spec *sp = &r->spec;
	uint64_t mem = sp->mem_max_mb * 1000000ULL;
	int nd = apply_net_diff(sp, old);

	if (nd == 2)
		r->restart = 1;
	else if (nd == 1 && r->pid > 0) {
		char ns[64];
		struct buf t;

		buf_init(&t);
		apply_addr_batch(&t, sp, old);
		snprintf(ns, sizeof(ns), "--net=/proc/%d/ns/net", (int)r->pid);
		if (t.len > 0 && cmdq_push(b->q, (const char *const[]){ "/usr/bin/nsenter", ns, "--",
		    b->ip, "-force", "-batch", "-", NULL }, t.data, t.len, 0, NULL, NULL, r) == -1)
			r->restart = 1;
		buf_free(&t);
	}
	if (sp->mem_max_mb == old->mem_max_mb && sp->cpu_min_bogomips == old->cpu_min_bogomips)
		return;
	if (sp->mem_max_mb != old->mem_max_mb &&
	    !apply_mem_live(b->c.cgroup_root, b->ver, sp->id, mem)) {
		log_info("VE %s: holds more than %llu MB: the new limit applies at its next start",
		    sp->id, (unsigned long long)sp->mem_max_mb);
		mem = old->mem_max_mb * 1000000ULL;
	}
	if (cg_set_limits(b->c.cgroup_root, b->ver, sp->id,
	    cg_weight(sp->cpu_min_bogomips, b->node_bogomips), mem) == -1)
		log_warn("VE %s: limits not changed", sp->id);
}

static int
real_change(struct backend *be, struct ve *v, const struct ve_spec *old)
{
	struct be_real *b = (struct be_real *)be;
	struct rve *r = v->be;

	r->spec = v->spec;
	r->refused = !in_pool(b, r) || !be_real_admitted(b, r);
	if (v->spec.power_seq != old->power_seq) {
		r->halted = 0;
		be_real_unidle(b, r);
	}
	if (v->spec.always_on || v->spec.state != VE_ACTIVE || !v->spec.power_on)
		be_real_unidle(b, r);
	/* "restart" travels as a higher power_seq while power stays "running". */
	if (v->spec.power_seq > r->seq_done && v->spec.power_on && r->running)
		r->restart = 1;
	/* Service changes, live where the kernel allows (apply_real.h); the rest at the next start. */
	if (r->running)
		live_change(b, r, old);
	if (v->spec.disk_quota_mb != old->disk_quota_mb && r->created)
		r->grow = 1;
	for (size_t i = 0; i < VE_MAX_IPS; i++)
		r->rx[i].primed = r->tx[i].primed = 0;
	net_apply(b, r, old);
	drive(b, r);
	return 0;
}

static void
real_remove(struct backend *be, struct ve *v)
{
	struct be_real *b = (struct be_real *)be;
	struct rve *r = v->be;

	if (r == NULL)
		return;
	destroy(b, &r->spec);
	rve_free(b, r);
}

static void
real_forget(struct backend *be, struct ve *v)
{
	struct be_real *b = (struct be_real *)be;

	if (v->be != NULL)
		rve_free(b, v->be);
}

/* After the first answer of the API: volumes of VEs no longer assigned here go. */
static void
real_synced(struct backend *be)
{
	struct be_real *b = (struct be_real *)be;
	struct dirent *de;
	DIR *d;

	if (b->reaped)
		return;
	b->reaped = 1;
	if ((d = opendir(b->c.ve_root)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		struct ve_spec sp;
		int found;

		if (!ve_id_valid(de->d_name))
			continue;
		(void)find_pos(b, de->d_name, &found);
		if (found)
			continue;
		memset(&sp, 0, sizeof(sp));
		memcpy(sp.id, de->d_name, VE_ID_LEN + 1);
		log_info("VE %s: on this node but not assigned to it", sp.id);
		destroy(b, &sp);
	}
	closedir(d);
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
	while (b->n > 0)
		rve_free(b, b->all[b->n - 1]);
	cmdq_free(b->q);
	cmdq_free(b->lq);
	cmdq_free(b->bq);
	free(b->all);
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
	.volume = be_real_volume,
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

/* argv with text on stdin, waited for (only at start-up, before the loop runs). */
static int
run_now(const char *const argv[], const struct buf *t)
{
	int p[2];
	pid_t pid;

	if (t->oom || t->len > CMD_MAX_IN || pipe2(p, O_CLOEXEC) == -1)
		return -1;
	pid = spawn(argv, p[0], -1);
	close(p[0]);
	if (pid == -1) {
		close(p[1]);
		return -1;
	}
	if (write(p[1], t->data, t->len) != (ssize_t)t->len)
		log_warn("nft: write");
	close(p[1]);
	return spawn_wait(pid) == 0 ? 0 : -1;
}

struct backend *
be_real_new(struct loop *l, const struct be_real_conf *c, char *err, size_t errlen)
{
	struct be_real *b;
	struct buf t;

	if (geteuid() != 0) {
		snprintf(err, errlen, "--backend real must run as root");
		return NULL;
	}
	if (c->velxc == NULL || access(c->velxc, X_OK) == -1) {
		snprintf(err, errlen, "velxc (the LXC worker) not found at %s: build with lxc-dev",
		    c->velxc ? c->velxc : "(none)");
		return NULL;
	}
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	b->be.ops = &real_ops;
	b->be.bk = c->backup_repo != NULL ? &b->bk : NULL;
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
	if ((b->q = cmdq_new(l, 15000)) == NULL || (b->lq = cmdq_new(l, OP_TIMEOUT_MS)) == NULL ||
	    (b->bq = cmdq_new(l, BACKUP_TIMEOUT_MS)) == NULL ||
	    (b->collect_timer = loop_timer_add(l, c->collect_ms, collect_due, b)) == -1) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (mkdir(c->ve_root, 0711) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "cannot make %s: %s", c->ve_root, strerror(errno));
		goto fail;
	}
	buf_init(&t);
	nft_base(&t);
	if (c->isolate)
		nft_guard(&t);
	/* Before any VE starts: the guard must hold, so this waits for nft. */
	if (run_now((const char *const[]){ b->nft, "-f", "-", NULL }, &t) == -1) {
		buf_free(&t);
		snprintf(err, errlen, "nft could not load the base ruleset");
		goto fail;
	}
	buf_free(&t);
	/*
	 * The whole pool has a route on the node: a VE's /32 via its veth,
	 * every other address unreachable, so nothing for the pool leaves.
	 */
	if (c->pool != NULL) {
		const char *sl = strchr(c->pool, '/');
		const char *es;
		long long len;

		if (sl == NULL || ve_ipv4_parse(c->pool, (size_t)(sl - c->pool), &b->pool_net) == -1 ||
		    (len = vep_strtonum(sl + 1, 8, 32, &es), es != NULL)) {
			snprintf(err, errlen, "--pool %s is not A.B.C.D/N", c->pool);
			goto fail;
		}
		b->pool_mask = len == 32 ? 0xffffffffu : ~(0xffffffffu >> len);
		b->pool_net &= b->pool_mask;
		buf_init(&t);
		buf_printf(&t, "route replace unreachable %s\n", c->pool);
		if (run_now((const char *const[]){ b->ip, "-batch", "-", NULL }, &t) == -1) {
			buf_free(&t);
			snprintf(err, errlen, "cannot route the pool %s as unreachable", c->pool);
			goto fail;
		}
		buf_free(&t);
	}
	log_info("real backend: LXC through %s, cgroup v%d, volumes in %s%s", c->velxc, b->ver,
	    c->ve_root, c->isolate ? ", VEs isolated (nothing forwarded)" : "");
	return &b->be;
fail:
	real_free(&b->be);
	return NULL;
}
