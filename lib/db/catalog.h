/*
 * The catalogue an operator maintains with vepctl and the admin screens:
 * plans (SPEC section 8 JSON, versioned by date), OS templates, nodes, IP
 * pools, admin accounts and tokens.  All SQL of these objects is in
 * catalog.c's statement table.
 */
#ifndef VEP_CATALOG_H
#define VEP_CATALOG_H

#include <stddef.h>
#include <jansson.h>

struct db;

/*
 * Validate a plan given as SPEC JSON and store it: a new plan, or for an
 * existing code its new name/limits and a price version in force from
 * valid_from.  Returns 0, or -1 with a sentence in err (nothing written),
 * or a db_rc < -1.
 */
int	catalog_plan_import(struct db *, json_t *plan, long long valid_from,
	    long long now, char *err, size_t errlen);
/* Plans with the version in force at `at`, as SPEC JSON array. NULL on error. */
json_t	*catalog_plans_json(struct db *, long long at);

/*
 * Add a node; writes its new token (64 hex) into token_out[65].  0, or
 * DB_EXISTS when a node of that name exists, or -1; err says why.
 */
int	catalog_node_add(struct db *, const char *name, const char *url, long long now,
	    char *token_out, char *err, size_t errlen);
/* An IPv4 pool as vepctl ip-pool add takes it. */
struct pool_spec {
	const char	*name, *cidr, *gateway, *dns1, *dns2;	/* dns2 may be NULL */
	const char	*first, *last;	/* only these addresses (both or neither; NULL: all) */
	const char	*node;		/* serves only this node (NULL: every node without a pool) */
};
/*
 * Add an IPv4 pool "a.b.c.d/len": every host address (or those from first
 * to last) except gateway and DNS.  0, or -1 with err.
 */
int	catalog_pool_add(struct db *, const struct pool_spec *, char *err, size_t errlen);
/*
 * Register (or update) an OS template: logins a comma list of ssh, telnet,
 * rsh, x11 (NULL: all four), file the rootfs tarball (NULL: none, checked
 * by catalog_rootfs_check; its path is recorded, the file is not copied).
 * 0, or -1 with err.
 */
int	catalog_template_add(struct db *, const char *code, const char *name, const char *logins,
	    const char *file, long long min_disk_mb, char *err, size_t errlen);
/* "x11,ssh" -> "ssh,x11" (canonical order) into out; -1 for anything else (empty, unknown, ",,"). */
int	catalog_logins_parse(const char *list, char *out, size_t outlen);
/* path is absolute and starts with the zstd frame magic: 0, or -1 with err. */
int	catalog_rootfs_check(const char *path, char *err, size_t errlen);
/* Place on node name only when no other node has room (on != 0).  0 or db_rc. */
int	catalog_node_last_resort(struct db *, const char *name, int on);
/*
 * What node name can guarantee (admission control, SPEC section 9): its
 * uplink in kbit/s per direction, its CPUs and bogomips per CPU; a value
 * < 0 leaves that one as it is, 0 switches admission on it off.
 * moves_data 1: a real node, a move between two such copies the VE's
 * volume (lib/db/db_move.h); < 0 as it is.
 * 0, 1 (no such node) or db_rc < 0.
 */
int	catalog_node_capacity(struct db *, const char *name, long long uplink_kbps, long long cpus,
	    long long bogomips, long long moves_data);
/* A new admin token; writes it into token_out[65]. */
int	catalog_token_create(struct db *, const char *label, long long now, char *token_out);
int	catalog_admin_set(struct db *, const char *name, const char *hash, long long now);

#endif
