/*
 * The real backend's own shapes (be_real.c), shared with be_real_gaps.c
 * (admission control and the idle stop); nothing else includes this.
 */
#ifndef AGENT_BE_REAL_INT_H
#define AGENT_BE_REAL_INT_H

#include <stdint.h>
#include <sys/types.h>

#include "backend.h"
#include "cgroup.h"
#include "ve.h"

struct cmdq;
struct idle_wake;
struct loop;

/* A counter that only grows (see the comment on top). */
struct acc {
	uint64_t	 rep;		/* reported */
	uint64_t	 last;		/* the source's last reading */
	int		 primed;
};

enum op { OP_NONE = 0, OP_STATUS, OP_CREATE, OP_START, OP_STOP, OP_PASSWD, OP_DESTROY,
	OP_REINSTALL, OP_BACKUP, OP_RESTORE, OP_GROW, OP_RELEASE, OP_FETCH, OP_MOVED };

struct rve {
	struct be_real	*b;
	struct ve	*v;
	struct ve_spec	 spec;		/* what the node applied */
	enum op		 op;		/* in flight */
	int		 known;		/* status looked at */
	int		 created;	/* volume made */
	int		 making;	/* first made and started now: not yet delivered */
	int		 running;	/* init alive (pidfd) */
	pid_t		 pid;
	int		 pidfd;
	int		 restart;	/* stop, then start (power_seq rose, netmask/gateway/DNS changed) */
	int		 grow;		/* the disk quota changed: velxc grow (apply_real.h) */
	int		 halted;	/* an on-demand VE stopped on its own: stays stopped */
	int		 refused;	/* an address outside the node's pool: never runs */
	uint64_t	 seq_done;
	char		 crypt_done[VE_CRYPT_MAX + 1];
	int		 fails;
	long long	 next_try;
	int		 net_up;	/* host side set for the current run */
	int64_t		 start_us;
	int64_t		 run_since_us;	/* this run's start */
	struct acc	 ctot, cuser, csys;
	uint64_t	 user_rep, sys_rep;
	struct acc	 rx[VE_MAX_IPS], tx[VE_MAX_IPS];
	uint64_t	 nft_rx[VE_MAX_IPS], nft_tx[VE_MAX_IPS];
	int		 nft_seen;
	/* Reinstall, restore, backups: the steps done (<VE>/vep.state), the op's step. */
	uint64_t	 reinstall_done, restore_done, backup_done, op_seq;
	int64_t		 backup_at;	/* last good backup, epoch s */
	int64_t		 backup_retry_at;	/* after a failure, epoch s */
	int		 backup_failing;
	/* The idle stop of an on-demand VE (--idle-stop-min). */
	int		 idled;		/* stopped for want of traffic: woken by a connection */
	struct idle_wake *wake;		/* its addresses' wake sockets meanwhile */
	uint64_t	 idle_rx;	/* bytes received, as last seen */
	long long	 active_ms;	/* when they last grew (or the run began) */
	/* Move with data (be_real_move.c). */
	int		 move_ready;	/* moving out: stopped, unmounted, summed */
	int		 move_told;	/* moved in: the panel was told it runs here */
	unsigned long long move_len;
	char		 move_sha[65];
};

struct be_real {
	struct backend	 be;
	struct loop	*loop;
	struct be_real_conf c;
	enum cg_ver	 ver;
	char		 ip[64], tc[64], nft[64];
	uint64_t	 node_bogomips;
	struct cmdq	*q;		/* ip, tc, nft */
	struct cmdq	*lq;		/* velxc */
	struct cmdq	*bq;		/* velxc backup and restore (borg) */
	struct be_backup_stats bk;
	struct rve	**all;		/* sorted by id */
	size_t		 n, cap;
	long long	 collect_timer;
	int		 nft_inflight;
	int		 reaped;
	uint32_t	 pool_net, pool_mask;	/* --pool; mask 0: no pool given */
};

/* be_real.c: what the VE should do next, pushed to the queues (the one place ops start). */
void	be_real_drive(struct be_real *, struct rve *);

/* be_real.c: queue one velxc operation for the VE. */
void	be_real_push_op(struct be_real *, struct rve *, enum op);

/* be_real_move.c: move with data (velxc_move.c has the steps). */
/* In drive(), before anything is made: 1 when it pushed an op or must wait. */
int	be_real_move_drive(struct be_real *, struct rve *);
/* A release or moved op ended well. */
void	be_real_move_done(struct be_real *, struct rve *, enum op, const char *out);
/* backend_ops.volume */
int	be_real_volume(struct backend *, struct ve *, int *fd, unsigned long long *len, char sha[65]);

/* be_real_gaps.c */
/* 1 when the VE's guaranteed minima fit beside the admitted VEs' (logs a refusal once). */
int	be_real_admitted(struct be_real *, struct rve *);
/* After each counter refresh: stop an on-demand VE that received nothing for --idle-stop-*. */
void	be_real_idle_check(struct be_real *, struct rve *);
/* In drive(): an idled, stopped VE gets its wake sockets (or, failing that, runs again). */
void	be_real_idle_listen(struct be_real *, struct rve *);
/* Leave the idle state without a connection (owner's start, delete, changes). */
void	be_real_unidle(struct be_real *, struct rve *);
/* The VE's addresses routed `local` on this host (add) or not. */
void	be_real_wake_routes(struct be_real *, struct rve *, int add);

#endif
