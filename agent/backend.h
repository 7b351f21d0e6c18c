/*
 * A backend makes the VEs of the node exist and reports their counters.
 * The agent owns the list of VEs and calls add/change/remove when the
 * API's answer differs from what it has; the backend keeps its private
 * state in ve->be and publishes counters in ve->s.  Two exist: "real"
 * (cgroups, network namespaces, tc, nftables) and "sim" (synthetic load).
 */
#ifndef VEAGENT_BACKEND_H
#define VEAGENT_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "ve.h"

struct backend;
struct loop;

struct backend_ops {
	const char	*name;
	/* Create v (v->spec is set).  0, or -1: the agent retries at the next sync. */
	int		(*add)(struct backend *, struct ve *);
	/* v->spec changed from *old (limits, state, addresses); 0 or -1. */
	int		(*change)(struct backend *, struct ve *, const struct ve_spec *old);
	/* Tear v down; the backend releases v->be, the agent frees v after. */
	void		(*remove)(struct backend *, struct ve *);
	/*
	 * Make ve[i]->s current for a scrape at now_us (epoch microseconds).
	 * Must be cheap: it runs inside a /metrics request.
	 */
	void		(*refresh)(struct backend *, struct ve *const *, size_t, int64_t now_us);
	/*
	 * Called before every /metrics request, cached exposition or not (may
	 * be NULL): notice at once a change of the VEs' run state that only
	 * refresh would publish, and bump run_gen for it.  Must be cheaper
	 * still than refresh (a stat, not a pass over the VEs).
	 */
	void		(*poll)(struct backend *);
	/* The agent stops: release v->be but leave the VE running. */
	void		(*forget)(struct backend *, struct ve *);
	/*
	 * Called after every applied answer of the API (may be NULL): the
	 * backend now knows every VE the node should have, and may remove
	 * what it finds on the node besides them.
	 */
	void		(*synced)(struct backend *);
	/*
	 * Move with data (may be NULL): v's volume, released for the node it
	 * moves to (agent/move.c): 0 with *fd open on it, its size and
	 * SHA-256 hex, or -1 when it is not ready (yet).
	 */
	int		(*volume)(struct backend *, struct ve *, int *fd, unsigned long long *len,
			    char sha[65]);
	void		(*free)(struct backend *);
};

/* The node's backups (real backend with a repository): for /metrics. */
struct be_backup_stats {
	unsigned long long ok, failures;	/* since the agent started */
	unsigned long long repo_bytes;		/* the repository on disk, last seen */
};

struct backend {
	const struct backend_ops *ops;
	const struct be_backup_stats *bk;	/* NULL: no backups on this node */
	/*
	 * Bumped whenever a VE's published run state (ve->s.present, ve->s.run:
	 * started, stopped, crashed, idle-stopped, moved, listed down) changes
	 * outside the agent's own list changes: the agent renders /metrics at
	 * most once a second unless this moved, so ve_up never lags a change.
	 */
	uint64_t	 run_gen;
};

/* Publish v's run state; a change bumps be->run_gen. */
static inline void
be_set_run(struct backend *be, struct ve *v, int present, enum ve_run run)
{
	if (v->s.present != present || v->s.run != run)
		be->run_gen++;
	v->s.present = present;
	v->s.run = run;
}

/* Synthetic load; deterministic for a seed and the same clock readings. */
struct be_sim_conf {
	uint64_t	 seed;
	double		 restart_prob;	/* per VE per second */
	/*
	 * A file listing VEids (one a line, '#' comments) that are down, for
	 * tests and demos of availability; re-read when it changes.  NULL:
	 * every active VE runs.  Borrowed: must outlive the backend.
	 */
	const char	*down_file;
};
struct backend	*be_sim_new(const struct be_sim_conf *);

struct be_real_conf {
	const char	*cgroup_root;	/* /sys/fs/cgroup */
	const char	*proc_root;	/* /proc */
	const char	*ve_root;	/* /var/lib/vepanel/ve */
	const char	*fw_dir;	/* rulesets for firewall "file" */
	uint64_t	 bogomips_centi;	/* of one CPU */
	int		 ncpu;
	long long	 collect_ms;	/* counters refreshed this often */
	int		 disk_budget;	/* directory entries scanned per tick */
	/* LXC (SPEC section 9); the strings are borrowed. */
	const char	*velxc;		/* the worker binary */
	const char	*template_dir;	/* <code>.tar.zst */
	const char	*default_template;	/* for entries without "template" */
	const char	*api, *node, *token_file;	/* for the VE token */
	const char	*ve_api_url;	/* api_url in the VE's VEinfo.conf */
	const char	*veinfo;	/* the veinfo binary copied into each VE */
	int		 isolate;	/* nothing from a VE is forwarded */
	const char	*pool;		/* NULL, or A.B.C.D/N routed "unreachable" on the node */
	int		 stop_timeout_s;	/* clean shutdown, then a hard stop */
	/* Backups with borg (velxc_borg.c); backup_repo NULL: none. */
	const char	*backup_repo;	/* a directory or ssh://user@host/path */
	const char	*backup_pass;	/* the passphrase file (0600), made when missing */
	const char	*backup_base;	/* borg's cache */
	int		 backup_keep;
	uint64_t	 uplink_kbps;	/* --uplink-kbps: what the VEs' minima share (0: not declared) */
	int		 idle_stop_s;	/* on-demand VEs receiving nothing this long are stopped (0: never) */
};
/* NULL with a sentence in err when the node cannot run VEs. */
struct backend	*be_real_new(struct loop *, const struct be_real_conf *,
		    char *err, size_t errlen);

#endif
