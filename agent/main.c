/*
 * veagent: the node agent.  It learns the VEs assigned to its node from
 * the API, makes them exist through a backend (real: cgroups, network
 * namespaces, tc and nftables; sim: synthetic load), and serves their
 * counters on GET /metrics for billingd.
 *
 * Everything runs in one thread around one event loop (loop.c): the HTTP
 * server, the API poll (libcurl multi), the backend's timers and child
 * commands, signals (signalfd).  struct veagent is the program's only
 * mutable state; it is made in main() and passed down.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "backend.h"
#include "expo.h"
#include "http.h"
#include "move.h"
#include "log.h"
#include "loop.h"
#include "sync.h"
#include "util.h"
#include "ve.h"

#define EXTRA_MAX	100000

enum be_kind { BE_REAL, BE_SIM };

struct veagent {
	/* flags */
	const char	*node;
	const char	*listen;
	enum be_kind	 kind;
	const char	*api;
	const char	*token_file;
	const char	*ca_file;	/* --ca-file: the CA bundle that signs the API's certificate */
	const char	*pin;		/* --pin-pubkey: sha256//BASE64 of the API's public key */
	int		 insecure;	/* --insecure: a plain http:// API off this host is allowed */
	long long	 extra;
	uint64_t	 seed;
	double		 restart_prob;
	const char	*ve_root;
	const char	*cgroup_root;
	const char	*fw_dir;
	const char	*sim_down_file;
	const char	*velxc, *template_dir, *default_template, *ve_api_url, *veinfo;
	int		 allow_forward;
	const char	*pool;
	/* Backups (SPEC section 11): --backup-repo none turns them off. */
	const char	*backup_repo, *backup_pass, *backup_base;
	int		 backup_keep;
	char		 backup_defaults[3][PATH_MAX];
	long long	 uplink_kbps;	/* --uplink-kbps */
	long long	 idle_stop_s;	/* --idle-stop-min x 60, or --idle-stop-s; SPEC: 30 min */
	uint64_t	 bogomips_centi;
	int		 foreground;
	int		 check_only;
	int		 log_level;

	/* running state */
	struct loop	*loop;
	struct http_server *http;
	struct backend	*be;
	struct sync	*sync;
	struct ve	**ves;		/* sorted by id */
	size_t		 nves;
	int64_t		 start_us;
	int		 sigfd;
	char		 token[257];	/* the node's token: /metrics wants it as Bearer ("" without --token-file) */
	/*
	 * The exposition of the VEs, rendered at most once per wall-clock
	 * second (the real backend collects once a second, billingd scrapes
	 * once a second) and again at once when the VE list changes
	 * (expo_invalidate) or a VE's run state does (the backend's run_gen
	 * moved past the slot's gen); each scrape adds only its request
	 * counters.  Two slots, by the parity of the second they are for:
	 * while scrapes come, ahead_due renders second S into slot S & 1 a
	 * little before S starts, so the scrape at S (billingd's tick) finds
	 * it ready while slot (S - 1) & 1 still serves the end of S - 1.
	 */
	struct expo_slot {
		struct buf	 b;
		int64_t		 sec;	/* the wall-clock second it is for; -1: none */
		uint64_t	 gen;	/* the backend's run_gen it shows */
	}		 expo[2];
	long long	 ahead_timer;	/* 0: not rendering ahead */
	long long	 last_scrape_ms;	/* monotonic */
};

/* Render second S this long before it starts (5000 VEs take a few ms). */
#define AHEAD_MS	50
/* Stop rendering ahead when no scrape came for this long. */
#define AHEAD_IDLE_MS	10000

/* Both slots out of date: the VE list changed. */
static void
expo_invalidate(struct veagent *va)
{
	va->expo[0].sec = va->expo[1].sec = -1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: veagent --node NAME --listen ADDR:PORT --backend real|sim\n"
	    "\t[--api URL --token-file FILE [--ca-file FILE] [--pin-pubkey sha256//B64] [--insecure]]\n"
	    "\t[--extra N] [--seed S] [--restart-prob P]\n"
	    "\t[--ve-root DIR] [--cgroup-root DIR] [--firewall-dir DIR] [--bogomips X]\n"
	    "\t[--sim-down-file FILE]\n"
	    "\t[--velxc PATH] [--template-dir DIR] [--default-template CODE]\n"
	    "\t[--ve-api-url URL] [--veinfo PATH] [--forward] [--pool A.B.C.D/N]\n"
	    "\t[--backup-repo DIR|ssh://USER@HOST/PATH|none] [--backup-keep N]\n"
	    "\t[--backup-passphrase-file FILE] [--backup-cache DIR]\n"
	    "\t[--uplink-kbps N] [--idle-stop-min M | --idle-stop-s S]\n"
	    "\t[--log-level error|warn|info|debug] [-d] [-n]\n");
}

/* One sentence on stderr, then exit: the whole report of a bad start. */
static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "veagent: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

/* BogoMIPS of the first CPU, x 100; 0 when /proc/cpuinfo does not say. */
static uint64_t
read_bogomips(void)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[256];
	uint64_t v = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *c;

		if (strncasecmp(line, "bogomips", 8) != 0 || (c = strchr(line, ':')) == NULL)
			continue;
		c++;
		while (*c == ' ' || *c == '\t')
			c++;
		c[strcspn(c, " \t\n")] = '\0';
		if (vep_parse_fixed(c, strlen(c), 2, &v) == -1)
			v = 0;
		break;
	}
	fclose(f);
	return v;
}

static int
node_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return 0;
	return 1;
}

/* ---- the VEs ---- */

static int
ve_cmp(const void *a, const void *b)
{
	return strcmp((*(struct ve *const *)a)->spec.id, (*(struct ve *const *)b)->spec.id);
}

/* A new VE record, already added to the backend or marked for a retry. */
static struct ve *
ve_create(struct veagent *va, const struct ve_spec *sp, int extra)
{
	struct ve *v;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		return NULL;
	v->spec = *sp;
	v->extra = extra;
	if (va->be->ops->add(va->be, v) == -1) {
		log_warnx("VE %s: not created on this node yet; retrying at the next sync",
		    sp->id);
		/* Assigned here and not running: down, as far as its owner can tell. */
		v->s.run = extra ? VE_RUN_UNKNOWN : VE_RUN_DOWN;
	}
	else if (!extra)
		log_info("VE %s: added (%s, %zu addresses)", sp->id,
		    sp->state == VE_ACTIVE ? "active" : "suspended", sp->nips);
	return v;
}

static void
ve_destroy(struct veagent *va, struct ve *v)
{
	if (v->be != NULL)
		va->be->ops->remove(va->be, v);
	free(v);
}

/*
 * Make the node's VEs what the API says (list sorted by id): add the new,
 * change the changed, remove the gone.  Synthetic --extra VEs stay; an
 * API VE whose id collides with one is ignored.
 */
static void
agent_apply(void *arg, const struct ve_spec *list, size_t n)
{
	struct veagent *va = arg;
	struct ve **nv;
	size_t i = 0, j = 0, k = 0;
	unsigned added = 0, changed = 0, removed = 0;

	if ((nv = calloc(va->nves + n + 1, sizeof(*nv))) == NULL) {
		log_warnx("%s: out of memory; VEs not applied", __func__);
		return;
	}
	while (i < va->nves || j < n) {
		struct ve *v = i < va->nves ? va->ves[i] : NULL;
		int c = v == NULL ? 1 : j == n ? -1 : strcmp(v->spec.id, list[j].id);

		if (c < 0) {
			/* Known here, no longer assigned: remove (extras stay). */
			i++;
			if (v->extra) {
				nv[k++] = v;
				continue;
			}
			log_info("VE %s: removed", v->spec.id);
			ve_destroy(va, v);
			removed++;
		} else if (c > 0) {
			struct ve *x = ve_create(va, &list[j], 0);

			j++;
			if (x == NULL) {
				log_warnx("%s: out of memory", __func__);
				continue;
			}
			nv[k++] = x;
			added++;
		} else {
			i++;
			j++;
			nv[k++] = v;
			if (v->extra) {
				log_debug("VE %s from the API collides with an --extra VE; ignored",
				    v->spec.id);
				continue;
			}
			if (v->be == NULL) {
				/* Creation failed earlier: try again. */
				v->spec = list[j - 1];
				if (va->be->ops->add(va->be, v) == 0) {
					log_info("VE %s: added", v->spec.id);
					added++;
				}
				continue;
			}
			if (ve_spec_differs(&v->spec, &list[j - 1])) {
				struct ve_spec old = v->spec;

				v->spec = list[j - 1];
				if (old.state != v->spec.state)
					log_info("VE %s: %s", v->spec.id,
					    v->spec.state == VE_ACTIVE ? "resumed" : "suspended");
				else
					log_info("VE %s: changed", v->spec.id);
				if (va->be->ops->change(va->be, v, &old) == -1)
					log_warnx("VE %s: change not fully applied", v->spec.id);
				changed++;
			}
		}
	}
	free(va->ves);
	va->ves = nv;
	va->nves = k;
	expo_invalidate(va);
	if (va->be->ops->synced != NULL)
		va->be->ops->synced(va->be);
	if (added || changed || removed)
		log_info("sync: %u added, %u changed, %u removed, %zu VEs", added,
		    changed, removed, va->nves);
}

/* N synthetic VEs F0000001.. with addresses from 198.18.0.0/15. */
static int
add_extras(struct veagent *va)
{
	uint32_t next_ip = (198u << 24) | (18u << 16) | 1;

	for (long long i = 1; i <= va->extra; i++) {
		struct ve_spec sp;
		struct ve *v;

		memset(&sp, 0, sizeof(sp));
		snprintf(sp.id, sizeof(sp.id), "F%07X", (unsigned)i & 0xfffffffu);
		sp.state = VE_ACTIVE;
		sp.nips = i % 10 == 0 ? 2 : 1;	/* some VEs have two addresses */
		for (size_t a = 0; a < sp.nips; a++) {
			if ((next_ip & 0xff) == 0 || (next_ip & 0xff) == 255)
				next_ip++;
			if ((next_ip & 0xff) == 0)
				next_ip++;
			sp.ips[a] = next_ip++;
		}
		sp.disk_quota_mb = 1000 * (uint64_t)(1 + i % 20);
		sp.firewall = FW_OPEN;
		if ((v = ve_create(va, &sp, 1)) == NULL)
			return -1;
		va->ves[va->nves++] = v;
	}
	qsort(va->ves, va->nves, sizeof(*va->ves), ve_cmp);
	return 0;
}

/* ---- HTTP ---- */

/* Does an Authorization value carry "Bearer <token>"?  Compared in constant time. */
static int
metrics_auth_ok(const char *token, const char *auth)
{
	if (strncasecmp(auth, "Bearer ", 7) != 0)
		return 0;
	auth += 7;
	while (*auth == ' ')
		auth++;
	return vep_ct_streq(auth, token);
}

/* CPU microseconds of this thread (the render's cost, whatever the load). */
static int64_t
thread_cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * Refresh the backend's counters as of now and render the VEs'
 * exposition into the slot of second sec; the slot.  The CPU time of
 * each step goes to the debug log with who asked, "ahead" or "scrape"
 * (bench/agent_metrics.sh reads it).
 */
static struct expo_slot *
expo_render(struct veagent *va, int64_t sec, int64_t now, const char *by)
{
	struct expo_slot *e = &va->expo[sec & 1];
	struct expo_node nd = {
		.agent_start_us = va->start_us,
		.bogomips_centi = va->bogomips_centi,
		.bk = va->be->bk,
	};
	int64_t t0 = thread_cpu_us(), t1;

	buf_reset(&e->b);
	va->be->ops->refresh(va->be, va->ves, va->nves, now);
	/* What refresh itself changed is in this rendering already. */
	e->gen = va->be->run_gen;
	t1 = thread_cpu_us();
	e->sec = expo_write_ves(&e->b, &nd, va->ves, va->nves) == 0 ? sec : -1;
	log_debug("expo: %s: %zu VEs, %zu bytes: refresh %lld us, render %lld us (CPU)",
	    by, va->nves, e->b.len, (long long)(t1 - t0), (long long)(thread_cpu_us() - t1));
	return e;
}

/* Milliseconds from wall-clock ms `wall` to AHEAD_MS before the next second. */
static long long
ahead_delay(long long wall)
{
	return ((wall + AHEAD_MS) / 1000 + 1) * 1000 - AHEAD_MS - wall;
}

/*
 * Render ahead: second S as of its first instant, AHEAD_MS before it
 * starts (or at once, as of now, when the loop was late), unless a scrape
 * already did.  Counters are never older than the second that asks for
 * them, and a run state change in between still makes the scrape render
 * afresh (the slot's gen).  Stops when nobody scrapes.
 */
static long long
ahead_due(struct loop *l, long long id, void *arg)
{
	struct veagent *va = arg;
	long long wall = loop_wall_ms();
	int64_t sec = (wall + AHEAD_MS) / 1000, now = vep_wall_us();
	struct expo_slot *e = &va->expo[sec & 1];

	if (loop_now_ms() - va->last_scrape_ms > AHEAD_IDLE_MS) {
		va->ahead_timer = 0;
		return -1;
	}
	if (e->sec != sec || e->gen != va->be->run_gen)
		expo_render(va, sec, now > sec * 1000000 ? now : sec * 1000000, "ahead");
	(void)loop_timer_reset(l, id, ahead_delay(loop_wall_ms()));
	return 0;
}

/* The VEs' exposition for a scrape now: the slot rendered ahead, or one rendered here. */
static const struct expo_slot *
expo_current(struct veagent *va)
{
	int64_t now = vep_wall_us(), sec = now / 1000000;
	struct expo_slot *e = &va->expo[sec & 1];

	if (va->be->ops->poll != NULL)
		va->be->ops->poll(va->be);
	if (e->sec != sec || e->gen != va->be->run_gen)
		e = expo_render(va, sec, now, "scrape");
	va->last_scrape_ms = loop_now_ms();
	if (va->ahead_timer == 0) {
		va->ahead_timer = loop_timer_add(va->loop, ahead_delay(loop_wall_ms()), ahead_due, va);
		if (va->ahead_timer == -1)
			va->ahead_timer = 0;	/* rendered at the scrape, as before */
	}
	return e;
}

static void
handle(void *arg, const struct http_req *req, struct http_resp *resp)
{
	struct veagent *va = arg;

	/* With --token-file, /metrics (every VE, address and counter) wants the node's token. */
	if (strcmp(req->path, "/metrics") == 0 && va->token[0] != '\0' &&
	    !metrics_auth_ok(va->token, req->authorization)) {
		resp->status = 401;
		buf_puts(resp->body, "a Bearer token is required\n");
		return;
	}
	if (move_serve(va->be, va->ves, va->nves, req, resp))
		return;
	if (strcmp(req->path, "/metrics") == 0) {
		struct expo_node nd = {
			.api_up = va->sync == NULL ? -1 : sync_up(va->sync) == 1,
			.http_requests = http_nrequests(va->http),
		};
		const struct expo_slot *e = expo_current(va);

		resp->status = e->sec >= 0 && buf_append(resp->body, e->b.data, e->b.len) == 0 &&
		    expo_write_tail(resp->body, &nd) == 0 ? 200 : 503;
		resp->ctype = "text/plain; version=0.0.4; charset=utf-8";
	} else if (strcmp(req->path, "/healthz") == 0) {
		size_t present = 0;

		for (size_t i = 0; i < va->nves; i++)
			present += va->ves[i]->s.present != 0;
		resp->status = 200;
		resp->ctype = "application/json";
		buf_printf(resp->body, "{\"status\":\"ok\",\"node\":\"%s\",\"backend\":\"%s\","
		    "\"ves\":%zu,\"running\":%zu,\"api\":\"%s\"}\n", va->node,
		    va->be->ops->name, va->nves, present,
		    va->sync == NULL ? "none" : sync_up(va->sync) == 1 ? "up" :
		    sync_up(va->sync) == 0 ? "down" : "unknown");
	} else {
		resp->status = 404;
		buf_puts(resp->body, "not found\n");
	}
}

/* ---- signals and the cron ---- */

static void
on_signal(struct loop *l, int fd, int mask, void *arg)
{
	struct veagent *va = arg;
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			log_info("SIGHUP: polling the API now, reading the token file again");
			if (va->token_file != NULL) {
				char tok[sizeof(va->token)], err[512];

				/* a bad file keeps the old token rather than opening /metrics */
				if (sync_read_token(va->token_file, tok, sizeof(tok), err, sizeof(err)) == 0)
					memcpy(va->token, tok, sizeof(tok));
				else
					log_warnx("%s", err);
				explicit_bzero(tok, sizeof(tok));
			}
			if (va->sync != NULL)
				sync_kick(va->sync);
			break;
		case SIGTERM:
		case SIGINT:
			log_info("signal %u: stopping (VEs keep running)", si.ssi_signo);
			loop_stop(l);
			break;
		}
	}
}

static long long
cron(struct loop *l, long long id, void *arg)
{
	struct veagent *va = arg;

	http_cron(va->http, loop_now_ms());
	return 1000;
}

/* ---- flags ---- */

enum { O_NODE = 256, O_LISTEN, O_BACKEND, O_API, O_TOKEN, O_EXTRA, O_SEED,
	O_RESTART, O_VEROOT, O_CGROOT, O_FWDIR, O_BOGO, O_LOGLEVEL, O_SIMDOWN, O_CAFILE, O_PIN,
	O_INSECURE, O_VELXC, O_TPLDIR, O_TPLDEF, O_VEAPI, O_VEINFO, O_FORWARD, O_POOL,
	O_BREPO, O_BKEEP, O_BPASS, O_BCACHE, O_UPLINK, O_IDLE, O_IDLE_S };

static const struct option opts[] = {
	{ "node", required_argument, NULL, O_NODE },
	{ "listen", required_argument, NULL, O_LISTEN },
	{ "backend", required_argument, NULL, O_BACKEND },
	{ "api", required_argument, NULL, O_API },
	{ "token-file", required_argument, NULL, O_TOKEN },
	{ "extra", required_argument, NULL, O_EXTRA },
	{ "seed", required_argument, NULL, O_SEED },
	{ "restart-prob", required_argument, NULL, O_RESTART },
	{ "ve-root", required_argument, NULL, O_VEROOT },
	{ "cgroup-root", required_argument, NULL, O_CGROOT },
	{ "firewall-dir", required_argument, NULL, O_FWDIR },
	{ "bogomips", required_argument, NULL, O_BOGO },
	{ "log-level", required_argument, NULL, O_LOGLEVEL },
	{ "sim-down-file", required_argument, NULL, O_SIMDOWN },
	{ "ca-file", required_argument, NULL, O_CAFILE },
	{ "pin-pubkey", required_argument, NULL, O_PIN },
	{ "insecure", no_argument, NULL, O_INSECURE },
	{ "velxc", required_argument, NULL, O_VELXC },
	{ "template-dir", required_argument, NULL, O_TPLDIR },
	{ "default-template", required_argument, NULL, O_TPLDEF },
	{ "ve-api-url", required_argument, NULL, O_VEAPI },
	{ "veinfo", required_argument, NULL, O_VEINFO },
	{ "forward", no_argument, NULL, O_FORWARD },
	{ "pool", required_argument, NULL, O_POOL },
	{ "backup-repo", required_argument, NULL, O_BREPO },
	{ "backup-keep", required_argument, NULL, O_BKEEP },
	{ "backup-passphrase-file", required_argument, NULL, O_BPASS },
	{ "backup-cache", required_argument, NULL, O_BCACHE },
	{ "uplink-kbps", required_argument, NULL, O_UPLINK },
	{ "idle-stop-min", required_argument, NULL, O_IDLE },
	{ "idle-stop-s", required_argument, NULL, O_IDLE_S },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#define VA(f)	offsetof(struct veagent, f)

/*
 * The flags that are taken as given: a name, path or URL kept as the
 * string (STR), or a switch set to 1 (ONE); the others are parsed below.
 */
static const struct {
	int	 ch;
	enum { STR, ONE } kind;
	size_t	 off;
} plain_flags[] = {
	{ O_NODE, STR, VA(node) }, { O_LISTEN, STR, VA(listen) },
	{ O_API, STR, VA(api) }, { O_TOKEN, STR, VA(token_file) },
	{ O_CAFILE, STR, VA(ca_file) }, { O_PIN, STR, VA(pin) },
	{ O_INSECURE, ONE, VA(insecure) },
	{ O_VEROOT, STR, VA(ve_root) }, { O_CGROOT, STR, VA(cgroup_root) },
	{ O_FWDIR, STR, VA(fw_dir) }, { O_SIMDOWN, STR, VA(sim_down_file) },
	{ O_VELXC, STR, VA(velxc) }, { O_TPLDIR, STR, VA(template_dir) },
	{ O_TPLDEF, STR, VA(default_template) }, { O_VEAPI, STR, VA(ve_api_url) },
	{ O_VEINFO, STR, VA(veinfo) }, { O_FORWARD, ONE, VA(allow_forward) },
	{ O_BPASS, STR, VA(backup_pass) }, { O_BCACHE, STR, VA(backup_base) },
	{ 'd', ONE, VA(foreground) }, { 'n', ONE, VA(check_only) },
};

/* 1 when ch is one of plain_flags (then set in va). */
static int
parse_plain_flag(struct veagent *va, int ch)
{
	for (size_t i = 0; i < nitems(plain_flags); i++) {
		char *f = (char *)va + plain_flags[i].off;

		if (plain_flags[i].ch != ch)
			continue;
		if (plain_flags[i].kind == STR)
			*(const char **)(void *)f = optarg;
		else
			*(int *)(void *)f = 1;
		return 1;
	}
	return 0;
}

/* The real backend's flags that are parsed; 1 when ch was one of them. */
static int
parse_real_flag(struct veagent *va, int ch)
{
	const char *es;

	switch (ch) {
		case O_BREPO:
			/* Goes to velxc and borg as a parameter: a plain path or ssh:// URL. */
			if (strspn(optarg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789./-_:@~") != strlen(optarg) || optarg[0] == '-' ||
			    (optarg[0] != '/' && strncmp(optarg, "ssh://", 6) != 0 &&
			    strcmp(optarg, "none") != 0))
				die("--backup-repo %s is not an absolute directory, ssh://USER@HOST/PATH "
				    "or none", optarg);
			va->backup_repo = optarg;
			break;
		case O_BKEEP:
			va->backup_keep = (int)vep_strtonum(optarg, 1, 1000, &es);
			if (es != NULL)
				die("--backup-keep %s %s (1 to 1000)", optarg, es);
			break;
		case O_UPLINK:
			va->uplink_kbps = vep_strtonum(optarg, 0, 1000000000000LL, &es);
			if (es != NULL)
				die("--uplink-kbps %s: %s", optarg, es);
			break;
		case O_IDLE:
			va->idle_stop_s = 60 * vep_strtonum(optarg, 0, 525600, &es);
			if (es != NULL)
				die("--idle-stop-min %s: %s", optarg, es);
			break;
		case O_IDLE_S:	/* the same in seconds: for tests */
			va->idle_stop_s = vep_strtonum(optarg, 0, 31536000, &es);
			if (es != NULL)
				die("--idle-stop-s %s: %s", optarg, es);
			break;
		case O_POOL: {
			const char *sl = strchr(optarg, '/');
			uint32_t a;

			es = "missing";
			if (sl != NULL && ve_ipv4_parse(optarg, (size_t)(sl - optarg), &a) == 0)
				(void)vep_strtonum(sl + 1, 8, 32, &es);
			if (es != NULL)
				die("--pool %s is not an IPv4 network A.B.C.D/N (N 8..32)", optarg);
			va->pool = optarg;
			break;
		}
	default:
		return 0;
	}
	return 1;
}

static void
parse_flags(struct veagent *va, int argc, char *argv[])
{
	const char *es, *backend = NULL;
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":dnh", opts, NULL)) != -1) {
		if (parse_plain_flag(va, ch) || parse_real_flag(va, ch))
			continue;
		switch (ch) {
		case O_BACKEND:
			backend = optarg;
			break;
		case O_EXTRA:
			va->extra = vep_strtonum(optarg, 0, EXTRA_MAX, &es);
			if (es != NULL)
				die("--extra %s %s (0 to %d)", optarg, es, EXTRA_MAX);
			break;
		case O_SEED:
			va->seed = (uint64_t)vep_strtonum(optarg, 0, LLONG_MAX, &es);
			if (es != NULL)
				die("--seed %s %s", optarg, es);
			break;
		case O_RESTART: {
			char *end;

			errno = 0;
			va->restart_prob = strtod(optarg, &end);
			if (errno != 0 || *end != '\0' || end == optarg ||
			    !(va->restart_prob >= 0 && va->restart_prob <= 1))
				die("--restart-prob %s is not a probability between 0 and 1", optarg);
			break;
		}
		case O_BOGO:
			if (vep_parse_fixed(optarg, strlen(optarg), 2, &va->bogomips_centi) == -1 ||
			    va->bogomips_centi == 0)
				die("--bogomips %s is not a positive number with at most 2 decimals",
				    optarg);
			break;
		case O_LOGLEVEL:
			if ((va->log_level = log_level_parse(optarg)) == -1)
				die("--log-level %s is not one of error, warn, info, debug", optarg);
			break;
		case 'h':
			usage();
			exit(0);
		case ':':
			die("%s needs a value", argv[optind - 1]);
		default:
			die("unknown flag %s (see veagent --help)", argv[optind - 1]);
		}
	}
	if (optind != argc)
		die("unexpected argument %s", argv[optind]);
	if (va->node == NULL || !node_name_valid(va->node))
		die("--node NAME is required: 1 to 64 letters, digits, '-', '_' or '.'");
	if (va->listen == NULL)
		die("--listen ADDR:PORT is required");
	if (backend == NULL)
		die("--backend real|sim is required");
	if (strcmp(backend, "real") == 0)
		va->kind = BE_REAL;
	else if (strcmp(backend, "sim") == 0)
		va->kind = BE_SIM;
	else
		die("--backend %s is not real or sim", backend);
	if ((va->api == NULL) != (va->token_file == NULL))
		die("--api and --token-file go together");
	if (va->api != NULL) {
		char why[256];

		/* The node's token goes with every poll: never in clear text off this host. */
		if (api_url_check(va->api, va->insecure, why, sizeof(why)) == -1)
			die("--api %s: %s", va->api, why);
	} else if (va->ca_file != NULL || va->pin != NULL || va->insecure)
		die("--ca-file, --pin-pubkey and --insecure are for --api");
	if (va->pin != NULL && strncmp(va->pin, "sha256//", 8) != 0)
		die("--pin-pubkey %s: give sha256//BASE64 of the API's public key (see veagent(8))", va->pin);
	if (va->kind == BE_REAL && va->extra > 0)
		die("--extra is for the sim backend only");
	if (va->kind == BE_REAL && va->sim_down_file != NULL)
		die("--sim-down-file is for the sim backend only");
}

static void
block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigprocmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * Backups go to --backup-repo, by default <var>/backup/repo beside the VE
 * root's directory (<var>/ve), never inside a VE's volume; the passphrase
 * file and borg's cache beside it.  Paths reach velxc as parameters: only
 * plain characters.
 */
static void
backup_paths(struct veagent *va, struct be_real_conf *c)
{
	char var[PATH_MAX - 32], *sl;
	const char *ok = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./-_";

	if (va->backup_repo != NULL && strcmp(va->backup_repo, "none") == 0)
		return;
	if (strlen(va->ve_root) >= sizeof(var))
		die("--ve-root %s is too long", va->ve_root);
	snprintf(var, sizeof(var), "%s", va->ve_root);
	if ((sl = strrchr(var, '/')) != NULL && sl != var)
		*sl = '\0';
	snprintf(va->backup_defaults[0], PATH_MAX, "%s/backup/repo", var);
	snprintf(va->backup_defaults[1], PATH_MAX, "%s/backup/passphrase", var);
	snprintf(va->backup_defaults[2], PATH_MAX, "%s/backup/cache", var);
	c->backup_repo = va->backup_repo ? va->backup_repo : va->backup_defaults[0];
	c->backup_pass = va->backup_pass ? va->backup_pass : va->backup_defaults[1];
	c->backup_base = va->backup_base ? va->backup_base : va->backup_defaults[2];
	if (c->backup_pass[0] != '/' || c->backup_base[0] != '/' ||
	    strspn(c->backup_pass, ok) != strlen(c->backup_pass) ||
	    strspn(c->backup_base, ok) != strlen(c->backup_base) ||
	    strspn(c->backup_repo, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789./-_:@~") != strlen(c->backup_repo))
		die("the backup paths (%s, %s, %s) must be absolute and plain", c->backup_repo,
		    c->backup_pass, c->backup_base);
}

/* The real backend from the flags; NULL with a sentence in err. */
static struct backend *
real_backend(struct veagent *va, char *err, size_t errlen)
{
	struct be_real_conf rc_ = {
		.cgroup_root = va->cgroup_root,
		.proc_root = "/proc",
		.ve_root = va->ve_root,
		.fw_dir = va->fw_dir,
		.bogomips_centi = va->bogomips_centi,
		.ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN),
		.collect_ms = 1000,
		.disk_budget = 2000,
		.velxc = va->velxc,
		.template_dir = va->template_dir,
		.default_template = va->default_template,
		.api = va->api,
		.node = va->node,
		.token_file = va->token_file,
		.ve_api_url = va->ve_api_url ? va->ve_api_url : va->api,
		.veinfo = va->veinfo,
		.isolate = !va->allow_forward,
		.pool = va->pool,
		.stop_timeout_s = 10,
		.backup_keep = va->backup_keep,
		.uplink_kbps = (uint64_t)va->uplink_kbps,
		.idle_stop_s = (int)va->idle_stop_s,
	};
	backup_paths(va, &rc_);
	if (va->check_only) {
		if (geteuid() != 0)
			die("--backend real needs root");
	}
	return be_real_new(va->loop, &rc_, err, errlen);
}

int
main(int argc, char *argv[])
{
	struct veagent va;
	struct http_limits lim = {
		.max_conns = 512,
		.idle_ms = 60000,
		.req_ms = 10000,
		.write_ms = 30000,
	};
	sigset_t set;
	char err[512];
	int rc = 1;

	memset(&va, 0, sizeof(va));
	va.sigfd = -1;
	expo_invalidate(&va);
	va.log_level = LOG_LVL_INFO;
	va.ve_root = "/var/lib/vepanel/ve";
	va.cgroup_root = "/sys/fs/cgroup";
	va.fw_dir = VEP_SYSCONFDIR "/firewall";
	va.velxc = VEP_SBINDIR "/velxc";
	va.template_dir = "/var/lib/vepanel/templates";
	va.idle_stop_s = 30 * 60;	/* SPEC section 9: on-demand VEs idle 30 min are stopped */
	va.default_template = "debian-12";
	va.veinfo = VEP_BINDIR "/veinfo";
	va.backup_keep = 3;
	parse_flags(&va, argc, argv);

	if (va.bogomips_centi == 0 && (va.bogomips_centi = read_bogomips()) == 0)
		va.bogomips_centi = 480000;	/* the catalogue's default per CPU */
	if (va.token_file != NULL &&
	    sync_read_token(va.token_file, va.token, sizeof(va.token), err, sizeof(err)) == -1)
		die("%s", err);
	log_init("veagent", (enum log_level)va.log_level, va.foreground, !va.foreground);

	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((va.loop = loop_new()) == NULL)
		die("cannot create the event loop: %s", strerror(errno));

	if (va.kind == BE_SIM) {
		struct be_sim_conf sc = { .seed = va.seed, .restart_prob = va.restart_prob,
		    .down_file = va.sim_down_file };
		va.be = be_sim_new(&sc);
		if (va.be == NULL)
			die("out of memory");
	} else if ((va.be = real_backend(&va, err, sizeof(err))) == NULL)
		die("%s", err);
	if (va.check_only) {
		printf("veagent: configuration OK (node %s, backend %s)\n", va.node,
		    va.be->ops->name);
		exit(0);
	}

	if ((va.http = http_listen(va.loop, va.listen, &lim, handle, &va, err,
	    sizeof(err))) == NULL)
		die("%s", err);
	if (!va.foreground && daemon(0, 0) == -1)
		die("cannot become a daemon: %s", strerror(errno));

	va.start_us = vep_wall_us();
	if (va.extra > 0) {
		if ((va.ves = calloc((size_t)va.extra, sizeof(*va.ves))) == NULL)
			die("out of memory");
		if (add_extras(&va) == -1)
			die("out of memory");
	}

	block_signals(&set);
	if ((va.sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1 ||
	    loop_io_add(va.loop, va.sigfd, LOOP_READ, on_signal, &va) == -1)
		fatal("signalfd");
	if (loop_timer_add(va.loop, 1000, cron, &va) == -1)
		fatal("timer");
	if (va.api != NULL) {
		struct sync_conf sc = {
			.api = va.api,
			.node = va.node,
			.token_file = va.token_file,
			.ca_file = va.ca_file,
			.pin = va.pin,
			.period_ms = 5000,
			.backoff_max_ms = 60000,
		};
		if ((va.sync = sync_new(va.loop, &sc, agent_apply, &va, err,
		    sizeof(err))) == NULL)
			fatalx("%s", err);
	}

	log_info("node %s: serving on %s (port %d), backend %s, %zu extra VEs%s%s",
	    va.node, va.listen, http_port(va.http), va.be->ops->name, va.nves,
	    va.api ? ", API " : "", va.api ? va.api : "");
	if (loop_run(va.loop) == 0)
		rc = 0;

	sync_free(va.sync);
	http_free(va.http);
	/* Stopping the agent leaves VEs running: only forget them. */
	for (size_t i = 0; i < va.nves; i++) {
		if (va.ves[i]->be != NULL)
			va.be->ops->forget(va.be, va.ves[i]);
		free(va.ves[i]);
	}
	free(va.ves);
	if (va.ahead_timer > 0)
		loop_timer_del(va.loop, va.ahead_timer);
	buf_free(&va.expo[0].b);
	buf_free(&va.expo[1].b);
	va.be->ops->free(va.be);
	close(va.sigfd);
	loop_free(va.loop);
	explicit_bzero(va.token, sizeof(va.token));
	curl_global_cleanup();
	return rc;
}
