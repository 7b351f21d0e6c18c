/*
 * velxc's parts shared by its files: velxc.c (create, start, stop, passwd,
 * destroy through liblxc) and velxc_borg.c (reinstall, backup, restore
 * with BorgBackup).  One process, one operation, one VE: the globals
 * below are set once in main().
 */
#ifndef VELXC_H
#define VELXC_H

#include <limits.h>
#include <sys/types.h>

struct lxc_container;

#define UID_BASE	200000
#define UID_COUNT	65536
#define MAX_IPS		32
#define MAX_DNS		3

struct par {
	char	 template[PATH_MAX];
	unsigned long long disk_mb, mem_mb, cpu_weight, stop_timeout;
	unsigned long long telnet;	/* 1: the order has the telnet login style */
	char	 ips[MAX_IPS][16];
	int	 nips, prefix;
	char	 gateway[16];
	char	 dns[MAX_DNS][16];
	int	 ndns;
	char	 hostname[254];
	char	 root_crypt[256];
	char	 api_url[512], ve_api_url[512], node[64], token_file[PATH_MAX], veinfo[PATH_MAX];
	int	 cgv2;
	/* Reinstall, restore and backups (velxc_borg.c). */
	unsigned long long reinstall_seq, restore_seq, backup_seq, backup_keep;
	char	 restore_backup[65];
	char	 backup_repo[PATH_MAX];	/* a directory, or ssh://user@host/path */
	char	 backup_pass[PATH_MAX];	/* the repository's passphrase file (0600) */
	char	 backup_base[PATH_MAX];	/* borg's cache and security files */
	/* Move with data (velxc_move.c): the old node's agent and the one-time token. */
	char	 move_url[64], move_token[72];
};

extern const char *id, *veroot;
extern char vedir[PATH_MAX], rootfs[PATH_MAX], image[PATH_MAX], lxcpath[PATH_MAX];

void	die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* A path into out[PATH_MAX]; too long is fatal. */
void	pathf(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 1 when s holds only letters, digits and characters of extra. */
int	plain(const char *s, const char *extra);
/* Run argv, stdin from in_fd (-1: /dev/null), stdout to stderr; exit status or -1. */
int	run(const char *const argv[], int in_fd);
int	mounted(const char *path);
void	mount_volume(const char *img);
void	put_text(const char *dir, const char *name, mode_t mode, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
/* mkdir veroot and vedir (0711) unless they exist; fatal otherwise. */
void	make_vedir(void);
struct lxc_container *container(void);
void	op_stop(struct lxc_container *, const struct par *);
void	op_create(const struct par *);
/*
 * POST {api}/nodes/{node}/ves/{id}/{what} (no body) with the node's token
 * (read from token_file, wiped after use); the HTTP status, the answer in
 * *body (malloc'd, *blen bytes: the caller frees it).  A request that
 * cannot be made is fatal, said as "label: curl's error".
 */
long	node_post(const struct par *p, const char *what, const char *label, char **body,
	    size_t *blen);

/* velxc_borg.c */
void	op_reinstall(struct lxc_container *, const struct par *);
void	op_backup(const struct par *);
void	op_restore(struct lxc_container *, const struct par *);
/* A destroyed VE's data is erased: its backups too (best effort). */
void	backup_forget(const struct par *);
/* Write the VE's state file (seqs done, last backup) after create. */
void	state_created(const struct par *);
/* velxc_move.c */
void	op_release(const struct par *);
void	op_fetch(const struct par *);
void	op_moved(const struct par *);

/* A frozen volume left by a killed backup is thawed before anything else. */
void	thaw_volume(void);

#endif
