/*
 * A VE's cgroup, v1 or v2: create it, set its limits, freeze, kill and
 * remove it, and read the kernel's CPU and process accounting.  Every
 * path starts from a root given by the caller (/sys/fs/cgroup, /proc), so
 * the readers are tested against recorded snapshot directories.
 *
 *	v2: ROOT/vepanel/<VEID>/{cpu.stat,cgroup.procs,cpu.weight,memory.max,...}
 *	v1: ROOT/<controller>/vepanel/<VEID>/... for cpu, cpuacct, memory,
 *	    freezer and pids
 */
#ifndef VEAGENT_CGROUP_H
#define VEAGENT_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum cg_ver { CG_NONE = 0, CG_V1 = 1, CG_V2 = 2 };

/* v2 when ROOT/cgroup.controllers exists, v1 when ROOT/cpuacct does. */
enum cg_ver	cg_detect(const char *root);

/* Raw CPU accounting of a cgroup since it was made, in microseconds. */
struct cg_cpu {
	uint64_t	 total_us;	/* precise (scheduler runtime) */
	uint64_t	 user_us;	/* v2: already scaled to total; v1: tick-based */
	uint64_t	 sys_us;
	uint64_t	 throttled_us;
};

/* 0, or -1 with errno (ENOENT: the cgroup is gone). */
int	cg_read_cpu(const char *root, enum cg_ver, const char *id, struct cg_cpu *);
/*
 * The processes of the VE: up to max pids into pids, the number found in
 * *n (which may exceed max).  0, or -1 with errno.
 */
int	cg_read_procs(const char *root, enum cg_ver, const char *id, pid_t *pids,
	    size_t max, size_t *n);
/*
 * VmSize and VmRSS of a process from PROC/<pid>/status, in bytes (0 for
 * kernel threads).  0, or -1 when the process is gone.
 */
int	proc_read_mem(const char *proc_root, pid_t, uint64_t *vm, uint64_t *rss);
/*
 * Split a precise CPU total into user and system time by the ratio of
 * the (coarser) user and system figures, never letting either go below
 * what was reported before: *u and *s hold the previous split on entry
 * and the new one on return (the kernel's cputime_adjust, in short).
 */
void	cg_cpu_split(uint64_t total, uint64_t ru, uint64_t rs, uint64_t *u, uint64_t *s);

/*
 * cpu.weight (v2, 1..10000, 100 = a default share) for a VE that is
 * guaranteed min_bogomips of a node with node_bogomips in all.  A VE with
 * no guarantee gets the lowest share that is still fair among peers.
 */
unsigned	cg_weight(uint64_t min_bogomips, uint64_t node_bogomips);

/* Make the VE's cgroup(s); *fresh = 0 when it already existed.  0 or -1. */
int	cg_create(const char *root, enum cg_ver, const char *id, int *fresh);
/* Apply cpu weight (no CPU cap) and a memory limit in bytes (0: none); 0 or -1. */
int	cg_set_limits(const char *root, enum cg_ver, const char *id, unsigned weight,
	    uint64_t mem_bytes);
/* Freeze or thaw every process of the VE; 0 or -1. */
int	cg_freeze(const char *root, enum cg_ver, const char *id, int frozen);
/* SIGKILL every process of the VE (thawing it first); 0 or -1. */
int	cg_kill(const char *root, enum cg_ver, const char *id);
/* Remove the VE's cgroup(s); 0, or -1 (EBUSY while processes linger). */
int	cg_remove(const char *root, enum cg_ver, const char *id);
/* ROOT/vepanel/ID/file (v2) or ROOT/ctrl/vepanel/ID/file (v1); 0 or -1. */
int	cg_path(char *out, size_t cap, const char *root, enum cg_ver, const char *ctrl,
	    const char *id, const char *file);
/* 1 when the VE's cgroup exists. */
int	cg_exists(const char *root, enum cg_ver, const char *id);

#endif
