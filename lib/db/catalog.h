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
/* Add an IPv4 pool "a.b.c.d/len": every host address except gateway and DNS. */
int	catalog_pool_add(struct db *, const char *name, const char *cidr, const char *gateway,
	    const char *dns1, const char *dns2, char *err, size_t errlen);
int	catalog_template_add(struct db *, const char *code, const char *name, char *err, size_t errlen);
/* A new admin token; writes it into token_out[65]. */
int	catalog_token_create(struct db *, const char *label, long long now, char *token_out);
int	catalog_admin_set(struct db *, const char *name, const char *hash, long long now);

#endif
