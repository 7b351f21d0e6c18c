/*
 * The "sim" backend: plausible synthetic load for demo nodes and load
 * tests, with no privileges.  Each VE has a profile (idle, normal, busy),
 * follows a daily curve, and now and then bursts.  Time is cut in whole
 * wall-clock seconds; at each second's start a VE draws that second's
 * rates from its own PRNG, and within the second its counters grow
 * linearly.  So a counter is a pure function of (seed, VE id, start time,
 * now): the same seed gives the same figures however often one scrapes,
 * counters never go down except at a simulated restart, and billingd sees
 * per-second deltas.
 *
 * A VE runs unless it is suspended or listed in the down file (the sim's
 * stand-in for a crashed VE: no processes, no CPU, no traffic; counters
 * stay where they were).  ve_up reports it.
 *
 * The load stays within the VE's limits as a real VE's would (the real
 * backend enforces them with cgroups, tc and the volume's size): memory
 * within mem_max_mb (the memory cgroup), traffic within the bandwidth
 * maxima and a traffic cap's throttle (tbf), the same net_in_kbps() and
 * net_out_kbps() the real node applies; disk within its quota; CPU within
 * two CPUs.
 */
#include <sys/stat.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "log.h"
#include "netns.h"
#include "util.h"

#define US	1000000LL
#define CATCHUP_MAX	3600	/* seconds stepped one by one after a gap */
#define DOWN_MAX	100000	/* VEids read from the down file */

enum profile { P_IDLE, P_NORMAL, P_BUSY };

struct sim_ve {
	uint64_t	 rng;		/* splitmix64 state */
	enum profile	 prof;
	int64_t		 step;		/* epoch second of the current rates */
	int64_t		 t0;		/* counters below are exact at t0 (us) */
	int		 burst;		/* seconds of burst left */
	/* counters at t0 */
	uint64_t	 user_us, sys_us;
	uint64_t	 rx[VE_MAX_IPS], tx[VE_MAX_IPS];
	/* this second's rates (per second) */
	uint64_t	 r_user, r_sys, r_rx, r_tx;
	/* gauges */
	uint64_t	 vmem_base, vmem, rss, disk;
	uint32_t	 nprocs;
	int64_t		 start_us;
	int		 down;		/* listed in the down file */
};

struct be_sim {
	struct backend	 be;
	uint64_t	 seed;
	double		 restart_prob;
	const char	*down_file;
	struct stat	 down_st;	/* of the file last read (st_ino 0: none) */
	char		(*down)[VE_ID_LEN + 1];	/* sorted */
	size_t		 ndown;
};

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static uint64_t
rnd(uint64_t *x, uint64_t lo, uint64_t hi)
{
	return lo + splitmix64(x) % (hi - lo + 1);
}

/* Uniform in [0, 1). */
static double
rnd01(uint64_t *x)
{
	return (double)(splitmix64(x) >> 11) / 9007199254740992.0;
}

/* Load factor by time of day (UTC): 0.3 at 03:00, 1.0 at 15:00. */
static double
daily(int64_t t)
{
	double ph = (double)((t % 86400 + 86400) % 86400 - 3 * 3600) / 86400.0;
	return 0.3 + 0.7 * (1.0 - cos(2.0 * M_PI * ph)) / 2.0;
}

static void	limit(struct sim_ve *, const struct ve_spec *);

/* Draw the rates of second s->step. */
static void
draw(struct sim_ve *s, const struct ve_spec *sp)
{
	double f = daily(s->step), cpu, net;

	if (s->burst > 0)
		s->burst--;
	else if (rnd(&s->rng, 0, 599) == 0)
		s->burst = (int)rnd(&s->rng, 10, 120);
	switch (s->prof) {
	case P_IDLE:
		cpu = (double)rnd(&s->rng, 200, 8000);		/* CPU us per s */
		net = (double)rnd(&s->rng, 0, 2000);		/* bytes per s */
		break;
	case P_NORMAL:
		cpu = (double)rnd(&s->rng, 10000, 150000) * f;
		net = (double)rnd(&s->rng, 2000, 200000) * f;
		break;
	default:
		cpu = (double)rnd(&s->rng, 300000, 900000) * f;
		net = (double)rnd(&s->rng, 100000, 4000000) * f;
		break;
	}
	if (s->burst > 0) {
		cpu *= 5;
		net *= 8;
	}
	if (cpu > 2.0 * US)
		cpu = 2.0 * US;		/* a VE has two CPUs at most */
	if (sp->state == VE_SUSPENDED || s->down)
		cpu = net = 0;		/* frozen or down: nothing runs, nothing is sent */
	{
		uint64_t c = (uint64_t)cpu, sysp = rnd(&s->rng, 8, 30);

		s->r_sys = c * sysp / 100;
		s->r_user = c - s->r_sys;
	}
	s->r_rx = (uint64_t)net;
	s->r_tx = (uint64_t)(net * (0.2 + 0.6 * rnd01(&s->rng)));
	limit(s, sp);
}

/*
 * Keep this second's rates and the gauges within the VE's limits (see the
 * top): bandwidth in bytes/s = kbit/s x 125.  The random draws are made
 * whatever the limits, so a limit changes no other figure.
 */
static void
limit(struct sim_ve *s, const struct ve_spec *sp)
{
	uint64_t in = net_in_kbps(sp) * 125, out = net_out_kbps(sp) * 125;
	uint64_t mem = sp->mem_max_mb * 1000000ULL, base = s->vmem_base, grow;
	uint64_t quota = sp->disk_quota_mb * 1000000ULL;

	if (in != 0 && s->r_rx > in)
		s->r_rx = in;
	if (out != 0 && s->r_tx > out)
		s->r_tx = out;
	/* gauges wander around their base: 40-70 % of the memory limit when one is set */
	if (mem != 0 && base > mem / 100 * 70)
		base = mem / 100 * (40 + base % 31);
	s->vmem = base / 100 * rnd(&s->rng, 95, 105);
	if (mem != 0 && s->vmem > mem)
		s->vmem = mem;
	s->rss = s->vmem / 100 * rnd(&s->rng, 30, 60);
	grow = rnd(&s->rng, 0, 2) * 4096;
	if (sp->state == VE_ACTIVE && s->disk + grow <= quota)
		s->disk += grow;
}

static void
sim_init(struct be_sim *b, struct sim_ve *s, const struct ve *v, int64_t now_us)
{
	uint64_t h = 14695981039346656037ULL;

	for (const char *p = v->spec.id; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	memset(s, 0, sizeof(*s));
	s->rng = b->seed ^ h;
	(void)splitmix64(&s->rng);
	{
		uint64_t r = rnd(&s->rng, 0, 99);
		s->prof = r < 30 ? P_IDLE : r < 90 ? P_NORMAL : P_BUSY;
	}
	s->vmem_base = rnd(&s->rng, 64, 2048) * 1048576ULL;
	s->nprocs = (uint32_t)rnd(&s->rng, 3, s->prof == P_BUSY ? 400 : 60);
	{
		uint64_t q = v->spec.disk_quota_mb * 1000000ULL;
		s->disk = q / 100 * rnd(&s->rng, 10, 60);
	}
	s->start_us = now_us;
	s->step = now_us / US;
	s->t0 = now_us;
	draw(s, &v->spec);
}

/* Add what the current rates produced from t0 to t (us) to the counters. */
static void
settle(struct sim_ve *s, size_t nips, int64_t t)
{
	uint64_t dt = (uint64_t)(t - s->t0), rx, tx;

	if (t <= s->t0)
		return;
	s->user_us += s->r_user * dt / US;
	s->sys_us += s->r_sys * dt / US;
	rx = s->r_rx * dt / US;
	tx = s->r_tx * dt / US;
	/* The first address carries most of the traffic. */
	for (size_t i = 0; i < nips; i++) {
		uint64_t share = i + 1 == nips ? 1 : 2;
		s->rx[i] += rx / share;
		s->tx[i] += tx / share;
		rx -= rx / share;
		tx -= tx / share;
	}
	s->t0 = t;
}

/* End the current rates after secs seconds and draw the next ones. */
static void
step_once(struct be_sim *b, struct sim_ve *s, const struct ve *v, int64_t secs)
{
	s->step += secs;
	settle(s, v->spec.nips, s->step * US);
	if (b->restart_prob > 0 && v->spec.state == VE_ACTIVE &&
	    rnd01(&s->rng) < b->restart_prob * (double)secs) {
		s->user_us = s->sys_us = 0;
		memset(s->rx, 0, sizeof(s->rx));
		memset(s->tx, 0, sizeof(s->tx));
		s->start_us = s->step * US;
		s->nprocs = (uint32_t)rnd(&s->rng, 3, 60);
	}
	draw(s, &v->spec);
}

static void
advance(struct be_sim *b, struct ve *v, int64_t now_us)
{
	struct sim_ve *s = v->be;
	int64_t now_s = now_us / US;
	uint64_t dt, rx, tx;

	if (now_s - s->step > CATCHUP_MAX)
		step_once(b, s, v, now_s - s->step - 1);	/* a long gap at one rate */
	while (s->step < now_s)
		step_once(b, s, v, 1);
	/* Within the second: the counters so far plus this second's share (as settle()). */
	dt = now_us > s->t0 ? (uint64_t)(now_us - s->t0) : 0;
	v->s.present = 1;
	v->s.start_us = s->start_us;
	v->s.cpu_user_us = s->user_us + s->r_user * dt / US;
	v->s.cpu_sys_us = s->sys_us + s->r_sys * dt / US;
	v->s.cpu_throttled_us = 0;
	v->s.vmem_bytes = s->vmem;
	v->s.rss_bytes = s->rss;
	v->s.disk_bytes = s->disk;
	v->s.nprocs = s->down ? 0 : s->nprocs;
	v->s.run = v->spec.state == VE_ACTIVE && !s->down ? VE_RUN_UP : VE_RUN_DOWN;
	rx = s->r_rx * dt / US;
	tx = s->r_tx * dt / US;
	for (size_t i = 0; i < v->spec.nips; i++) {
		uint64_t share = i + 1 == v->spec.nips ? 1 : 2;

		v->s.rx_bytes[i] = s->rx[i] + rx / share;
		v->s.tx_bytes[i] = s->tx[i] + tx / share;
		rx -= rx / share;
		tx -= tx / share;
	}
}

static int
sim_add(struct backend *be, struct ve *v)
{
	struct be_sim *b = (struct be_sim *)be;
	struct sim_ve *s;

	if ((s = malloc(sizeof(*s))) == NULL)
		return -1;
	/*
	 * The start time is the VE's creation on this node; a test may have
	 * set v->s.start_us beforehand to make runs repeatable.
	 */
	sim_init(b, s, v, v->s.start_us > 0 ? v->s.start_us : vep_wall_us());
	v->be = s;
	return 0;
}

static int
sim_change(struct backend *be, struct ve *v, const struct ve_spec *old)
{
	struct sim_ve *s = v->be;
	uint64_t rx[VE_MAX_IPS] = { 0 }, tx[VE_MAX_IPS] = { 0 };

	/*
	 * Book what the old addresses earned so far this second, so that
	 * re-splitting the rest over new addresses cannot lower a counter.
	 * A suspension takes effect at the next second (draw() checks it).
	 */
	{
		int64_t t = vep_wall_us();

		/* Within the current second only: later seconds are stepped by advance(). */
		if (t > (s->step + 1) * US)
			t = (s->step + 1) * US;
		settle(s, old->nips, t);
	}
	/* Counters follow their address; a new address starts at zero. */
	for (size_t i = 0; i < v->spec.nips; i++)
		for (size_t j = 0; j < old->nips; j++)
			if (v->spec.ips[i] == old->ips[j]) {
				rx[i] = s->rx[j];
				tx[i] = s->tx[j];
			}
	memcpy(s->rx, rx, sizeof(rx));
	memcpy(s->tx, tx, sizeof(tx));
	return 0;
}

static void
sim_remove(struct backend *be, struct ve *v)
{
	free(v->be);
	v->be = NULL;
}

static int
id_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * Re-read the down file when it changed (a stat per scrape, cached
 * exposition or not: the sim's poll); keep the old list on errors.  A new
 * list bumps run_gen: the next scrape renders ve_up afresh.
 */
static void
down_reload(struct be_sim *b)
{
	struct stat st;
	char line[256], (*ids)[VE_ID_LEN + 1] = NULL;
	size_t n = 0, bad = 0;
	FILE *f;

	if (b->down_file == NULL)
		return;
	if (stat(b->down_file, &st) == -1) {
		if (errno == ENOENT && b->down_st.st_ino != 0) {
			/* Removed: everything runs again. */
			free(b->down);
			b->down = NULL;
			b->ndown = 0;
			memset(&b->down_st, 0, sizeof(b->down_st));
			b->be.run_gen++;
			log_info("sim: %s removed: no VE is down", b->down_file);
		}
		return;
	}
	if (st.st_ino == b->down_st.st_ino && st.st_dev == b->down_st.st_dev &&
	    st.st_size == b->down_st.st_size && st.st_mtim.tv_sec == b->down_st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == b->down_st.st_mtim.tv_nsec)
		return;
	if ((f = fopen(b->down_file, "re")) == NULL) {
		log_warn("sim: %s", b->down_file);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = line + strspn(line, " \t");

		p[strcspn(p, " \t\r\n#")] = '\0';
		if (*p == '\0')
			continue;
		if (!ve_id_valid(p) || n == DOWN_MAX) {
			bad++;
			continue;
		}
		if (n % 64 == 0) {
			void *x = reallocarray(ids, n + 64, sizeof(*ids));
			if (x == NULL) {
				bad++;
				break;
			}
			ids = x;
		}
		memcpy(ids[n++], p, VE_ID_LEN + 1);
	}
	fclose(f);
	if (n > 1)
		qsort(ids, n, sizeof(*ids), id_cmp);
	free(b->down);
	b->down = ids;
	b->ndown = n;
	b->down_st = st;
	b->be.run_gen++;
	log_info("sim: %s: %zu VEs down%s", b->down_file, n,
	    bad ? " (lines that are not a VEid ignored)" : "");
}

static void
sim_refresh(struct backend *be, struct ve *const *ves, size_t n, int64_t now_us)
{
	struct be_sim *b = (struct be_sim *)be;

	down_reload(b);
	for (size_t i = 0; i < n; i++) {
		struct sim_ve *s = ves[i]->be;

		if (s == NULL)
			continue;
		s->down = b->ndown > 0 && bsearch(ves[i]->spec.id, b->down, b->ndown,
		    sizeof(*b->down), id_cmp) != NULL;
		advance(b, ves[i], now_us);
	}
}

static void
sim_poll(struct backend *be)
{
	down_reload((struct be_sim *)be);
}

static void
sim_free(struct backend *be)
{
	struct be_sim *b = (struct be_sim *)be;

	free(b->down);
	free(b);
}

static const struct backend_ops sim_ops = {
	.name = "sim",
	.add = sim_add,
	.change = sim_change,
	.remove = sim_remove,
	.refresh = sim_refresh,
	.poll = sim_poll,
	.forget = sim_remove,
	.free = sim_free,
};

struct backend *
be_sim_new(const struct be_sim_conf *c)
{
	struct be_sim *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->be.ops = &sim_ops;
	b->seed = c->seed;
	b->restart_prob = c->restart_prob;
	b->down_file = c->down_file;
	return &b->be;
}
