/*
 * The API's side of the node agent protocol (SPEC section 7): who a node
 * is (its bearer token) and which VEs it must run, as the JSON document
 * veagent polls at GET /api/v1/nodes/{name}/ves:
 *
 *	{"node":"n1","ves":[{"ve_id":"0000002A","state":"active",
 *	  "ips":["192.0.2.10"],"disk_quota_mb":1000,"cpu_min_bogomips":0,
 *	  "mem_max_mb":0,"net_bw_min_kbps":0,"net_bw_max_kbps":0,
 *	  "net_in_bw_min_kbps":0,"net_in_bw_max_kbps":0,
 *	  "net_out_bw_min_kbps":0,"net_out_bw_max_kbps":0,
 *	  "firewall":"open","firewall_file":null,"throttle_kbps":0,
 *	  "template":"debian-12","root_crypt":"$y$...","netmask":"255.255.255.0",
 *	  "gateway":"192.0.2.1","dns_servers":["192.0.2.53"],"always_on":true,
 *	  "login":["ssh"],"power":"running","power_seq":0,"hostname":"a.example.com"}]}
 *
 * netmask, gateway and dns_servers come from the pool of the VE's first
 * address, the same rows GET /api/v1/ves/{id} reports (db_ve_get), so the
 * node configures exactly what the customer is told; hostname is the
 * first DNS name of the VE or its VEid in lower case.
 *
 * Only active and suspended VEs are listed; an expired or deleted VE is
 * absent, which tells the agent to remove it.
 */
#ifndef VEP_DB_NODE_H
#define VEP_DB_NODE_H

#include <jansson.h>

struct db;

/* One VE's row as the statements read it (exported for unit tests). */
struct db_node_ve {
	char		 ve_id[9];
	char		 state[16];
	long long	 disk_quota_mb;
	long long	 cpu_min_bogomips;
	long long	 mem_max_mb;
	long long	 net_bw_min_kbps, net_bw_max_kbps;
	long long	 net_in_bw_min_kbps, net_in_bw_max_kbps;
	long long	 net_out_bw_min_kbps, net_out_bw_max_kbps;
	char		 firewall[16];
	char		 firewall_file[65];
	int		 firewall_file_null;
	long long	 throttle_kbps;
	char		 template[33];
	char		 root_crypt[256];
	int		 root_crypt_null;
	int		 always_on;
	char		 login[33];		/* comma list, as stored */
	char		 power[16];		/* running, stopped */
	long long	 power_seq;
};

/*
 * Is token the bearer token of the enabled node `name`?  1 yes, 0 no
 * (unknown node, disabled node, wrong token: not told apart), < 0 a
 * database error (enum db_rc).  The token is compared as its SHA-256 hex
 * against nodes.token_hash in constant time.
 */
int	db_node_auth(struct db *, const char *name, const char *token);

/*
 * The document above for node `name` into *out (new reference, caller
 * decrefs).  0, or < 0 (enum db_rc) with *out NULL.  An unknown node gets
 * an empty list: callers authenticate the node first.
 */
int	db_node_ves_json(struct db *, const char *name, json_t **out);

/*
 * One "ves" entry from a row, with an empty "ips" array, "netmask" and
 * "gateway" "" and empty "dns_servers" (filled from the addresses' pool),
 * "hostname" the VEid in lower case; NULL when out of memory.
 */
json_t	*db_node_ve_entry(const struct db_node_ve *);
/*
 * Walking a node's "ves" array (ordered by VE id) together with rows
 * ordered the same way: from *k on, the entry of ve_id (borrowed), or NULL
 * when the array has none; *k is left at the first entry not before ve_id,
 * so the next, greater id goes on from there.
 */
json_t	*db_node_ve_seek(json_t *ves, size_t *k, const char *ve_id);

/* Revoke every "ve" token of ve_id at now (a new one, or the VE deleted); a db_rc. */
int	db_node_ve_tokens_revoke(struct db *, const char *ve_id, long long now);
/*
 * A new VE-scoped read-only owner token (kind "ve") for ve_id, which must
 * be an active or suspended VE placed on node `name`; the VE's previous
 * "ve" tokens are revoked in the same transaction.  1 with the token in
 * token_out[65], 0 when the VE is not on that node, < 0 db_rc.
 */
int	db_node_ve_token(struct db *, const char *name, const char *ve_id, long long now,
	    char token_out[65]);

#endif
