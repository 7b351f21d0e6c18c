/*
 * Move with data between real nodes (issue 14; db/migrations/0023): the
 * panel's side.  An operator's move (db_admin_ve_change, AVO_MOVE) records
 * the node the VE leaves and a random nonce (ves.move_token); both nodes' lists
 * then carry the VE (db_node_ves_json) and db_move_node_fields adds
 *
 *	on the new node: "move_from": {"url": "http://A.B.C.D:P", "token": T}
 *	on the old node: "move_out": {"token": T}, "power": "stopped"
 *
 * The url is the old node's agent address (scheme, host and port of
 * nodes.url).  T, the one-time token, is HMAC-SHA256(key, "vepanel move
 * token" NUL VEid NUL nonce) with the panel's [web] form_key_file key: the
 * database holds only the nonce, so a copy of it (a dump, a replica, a
 * backup) cannot fetch a volume.  The new node reports the VE running (db_move_done) and
 * the move is over: the old node's list no longer has the VE.
 */
#ifndef VEP_DB_MOVE_H
#define VEP_DB_MOVE_H

#include <jansson.h>

struct db;

/* Inside the move's transaction: from_node is the node left (0: none, nothing done). */
int	db_move_begin(struct db *, const char *ve_id, long long from_node);
/* Annotate doc (db_node_ves_json's, for node `name`), tokens made with key; DB_OK or < 0. */
int	db_move_node_fields(struct db *, const char *name, json_t *doc,
	    const unsigned char *key, size_t keylen);
/* The VE runs on node `name` with its data: 1 done, 0 no move of it to that node, < 0 db_rc. */
int	db_move_done(struct db *, const char *name, const char *ve_id);
/* "http://h:p" of a node URL into out (cap bytes); -1 when it is not http://host:port[/...]. */
int	db_move_base_url(const char *url, char *out, size_t cap);

#endif
