/*
 * The real backend's admission control and idle stop (SPEC section 9),
 * beside be_real.c (its shapes in be_real_int.h):
 * - a VE whose guaranteed minima do not fit beside the admitted VEs' is
 *   not run (the panel refuses such a placement first);
 * - an on-demand VE whose addresses received nothing for --idle-stop-min
 *   is stopped; meanwhile its addresses are routed `local` on this host
 *   and idle.c listens on them, and the first connection starts it again.
 */
#include <stdint.h>
#include <string.h>

#include "be_real_int.h"
#include "cmd.h"
#include "idle.h"
#include "log.h"
#include "loop.h"
#include "netns.h"
#include "util.h"

/*
 * Admission control on the node (SPEC section 9), behind the panel's: a VE
 * whose guaranteed minima (bandwidth per direction against --uplink-kbps,
 * CPU against bogomips x CPUs) do not fit beside the VEs already admitted
 * is not run, so a guarantee the node has given is never diluted.
 */
int
be_real_admitted(struct be_real *b, struct rve *r)
{
	uint64_t in = net_in_min_kbps(&r->spec), out = net_out_min_kbps(&r->spec);
	uint64_t cpu = r->spec.cpu_min_bogomips;
	const char *what = NULL;

	for (size_t i = 0; i < b->n; i++) {
		const struct rve *o = b->all[i];
		if (o == r || o->refused || o->spec.state != VE_ACTIVE)
			continue;
		in += net_in_min_kbps(&o->spec);
		out += net_out_min_kbps(&o->spec);
		cpu += o->spec.cpu_min_bogomips;
	}
	if (b->c.uplink_kbps && (in > b->c.uplink_kbps || out > b->c.uplink_kbps))
		what = "guaranteed bandwidth exceeds the uplink (--uplink-kbps)";
	else if (b->node_bogomips && cpu > b->node_bogomips)
		what = "CPU minimum exceeds the node's bogomips x CPUs";
	if (what != NULL && !r->refused)
		log_warnx("VE %s: admission refused, the sum of the %s: not run", r->spec.id, what);
	return what == NULL;
}

/* Lines for `ip -force -batch -`: the VE's addresses delivered to this host (its wake sockets) or not. */
void
be_real_wake_routes(struct be_real *b, struct rve *r, int add)
{
	struct buf t;
	char a[16];

	buf_init(&t);
	for (size_t i = 0; i < r->spec.nips; i++) {
		ve_ipv4_fmt(r->spec.ips[i], a);
		buf_printf(&t, "route %s local %s/32 dev lo table local\n", add ? "replace" : "del", a);
	}
	(void)cmdq_push(b->q, (const char *const[]){ b->ip, "-force", "-batch", "-", NULL },
	    t.data, t.len, CMD_QUIET, NULL, NULL, r);
	buf_free(&t);
}

/* A connection reached an idle-stopped VE: stop listening for it, start it. */
static void
woken(void *arg)
{
	struct rve *r = arg;

	log_info("VE %s: a connection arrived while idle; starting it", r->spec.id);
	idle_wake_free(r->wake);
	r->wake = NULL;
	r->idled = 0;
	r->active_ms = loop_now_ms();
	be_real_wake_routes(r->b, r, 0);
	be_real_drive(r->b, r);
}

/* Leave the idle state without a connection (the owner's start, a delete, the agent's start). */
void
be_real_unidle(struct be_real *b, struct rve *r)
{
	if (r->wake != NULL) {
		idle_wake_free(r->wake);
		r->wake = NULL;
		be_real_wake_routes(b, r, 0);
	}
	r->idled = 0;
}

/*
 * An on-demand VE whose addresses received nothing for --idle-stop-min is
 * stopped (collect_one calls this on each refresh): activity is what the
 * VE receives, so its own chatter does not keep it up.
 */
void
be_real_idle_check(struct be_real *b, struct rve *r)
{
	uint64_t rx = 0;
	long long now = loop_now_ms();

	if (b->c.idle_stop_s <= 0 || r->spec.always_on || !r->running || r->idled) {
		r->active_ms = now;
		return;
	}
	for (size_t i = 0; i < r->spec.nips; i++)
		rx += r->rx[i].rep;
	if (rx != r->idle_rx) {
		r->idle_rx = rx;
		r->active_ms = now;
		return;
	}
	if (now - r->active_ms < (long long)b->c.idle_stop_s * 1000LL)
		return;
	log_info("VE %s: no traffic for %d s: stopped until the next connection", r->spec.id,
	    b->c.idle_stop_s);
	r->idled = 1;
	be_real_drive(b, r);
}

void
be_real_idle_listen(struct be_real *b, struct rve *r)
{
	if (!r->idled || r->running || r->wake != NULL)
		return;
	be_real_wake_routes(b, r, 1);
	if ((r->wake = idle_wake_new(b->loop, r->spec.id, r->spec.ips, r->spec.nips, woken,
	    r)) == NULL) {
		r->idled = 0;	/* nothing would wake it: start it again */
		be_real_wake_routes(b, r, 0);
	}
}
