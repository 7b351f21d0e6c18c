/*
 * Move with data between real nodes: see db_move.h.  All SQL of the
 * module is in sql[].
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "db_move.h"
#include "db_node.h"
#include "util.h"

enum { S_BEGIN, S_FIELDS, S_DONE, S__MAX };

static const char *const sql[S__MAX] = {
	/* After node_id changed to the new node; both must move data. */
	[S_BEGIN] = "UPDATE ves v JOIN nodes s ON s.id = ? JOIN nodes t ON t.id = v.node_id"
	    " SET v.move_from_node_id = s.id, v.move_token = ?"
	    " WHERE v.id = ? AND s.moves_data = 1 AND t.moves_data = 1",
	/* Both sides of every move this node takes part in, ordered by VE id. */
	[S_FIELDS] =
	    "SELECT v.id, v.move_token, IF(v.node_id = me.id, 1, 0), src.url"
	    " FROM ves v JOIN nodes me ON me.name = ? JOIN nodes src ON src.id = v.move_from_node_id"
	    " WHERE (v.node_id = me.id OR v.move_from_node_id = me.id)"
	    " AND v.move_token IS NOT NULL AND v.state IN ('active', 'suspended') ORDER BY v.id",
	[S_DONE] =
	    "UPDATE ves v JOIN nodes n ON n.id = v.node_id SET v.move_from_node_id = NULL,"
	    " v.move_token = NULL WHERE n.name = ? AND v.id = ? AND v.move_token IS NOT NULL",
};

int
db_move_begin(struct db *db, const char *ve_id, long long from_node)
{
	unsigned char raw[32];
	char tok[65];
	int rc;

	if (from_node <= 0)
		return DB_OK;
	if (vep_random(raw, sizeof(raw)) == -1)
		return DB_ERR;
	vep_hex(raw, sizeof(raw), tok);
	struct dbv p[] = { DBV_INT(from_node), DBV_STR(tok), DBV_STR(ve_id) };
	rc = db_exec(db, sql[S_BEGIN], p, nitems(p), NULL, NULL);
	explicit_bzero(tok, sizeof(tok));
	return rc;
}

int
db_move_base_url(const char *url, char *out, size_t cap)
{
	const char *h;
	size_t n;

	if (strncmp(url, "http://", 7) != 0)
		return -1;
	h = url + 7;
	n = strcspn(h, "/?#");
	if (n == 0 || strchr(h, '@') != NULL || 7 + n + 1 > cap)
		return -1;
	snprintf(out, cap, "http://%.*s", (int)n, h);
	return 0;
}

/* The token of a move from its nonce: see db_move.h. */
static int
move_token(const unsigned char *key, size_t keylen, const char *ve_id, const char *nonce,
    char out[65])
{
	static const char label[] = "vepanel move token";
	char msg[sizeof(label) + 9 + 65];
	size_t a = sizeof(label), b = strlen(ve_id) + 1, c = strlen(nonce);
	int rc;

	if (b > 9 || c > 64)
		return -1;
	memcpy(msg, label, a);
	memcpy(msg + a, ve_id, b);
	memcpy(msg + a + b, nonce, c);
	rc = vep_hmac_sha256_hex(key, keylen, msg, a + b + c, out);
	explicit_bzero(msg, sizeof(msg));
	return rc;
}

int
db_move_node_fields(struct db *db, const char *name, json_t *doc, const unsigned char *key,
    size_t keylen)
{
	json_t *ves = json_object_get(doc, "ves");
	char id[9], nonce[65], tok[65], url[256], base[256];
	long long mine = 0;
	struct db_cur cur;
	struct dbv p[] = { DBV_STR(name) };
	struct dbo o[] = { DBO_STR(id), DBO_STR(nonce), DBO_INT(&mine), DBO_STR(url) };
	size_t k = 0;
	int rc;

	if ((rc = db_query(db, &cur, sql[S_FIELDS], p, 1, o, nitems(o))) != DB_OK)
		return rc;
	/* Both lists are ordered by VE id: walk them together. */
	while ((rc = db_next(&cur)) == 1) {
		json_t *e = db_node_ve_seek(ves, &k, id), *m;

		if (e == NULL)
			continue;
		if (move_token(key, keylen, id, nonce, tok) == -1) {
			rc = DB_ERR;
			break;
		}
		if (!mine) {
			m = json_pack("{s:s}", "token", tok);
			json_object_set_new(e, "move_out", m);
			json_object_set_new(e, "power", json_string("stopped"));
		} else if (db_move_base_url(url, base, sizeof(base)) == 0) {
			m = json_pack("{s:s, s:s}", "url", base, "token", tok);
			json_object_set_new(e, "move_from", m);
		}
	}
	explicit_bzero(tok, sizeof(tok));
	explicit_bzero(nonce, sizeof(nonce));
	db_cur_close(&cur);
	return rc < 0 ? rc : DB_OK;
}

int
db_move_done(struct db *db, const char *name, const char *ve_id)
{
	struct dbv p[] = { DBV_STR(name), DBV_STR(ve_id) };
	uint64_t n = 0;
	int rc;

	if ((rc = db_exec(db, sql[S_DONE], p, nitems(p), &n, NULL)) != DB_OK)
		return rc;
	return n > 0;
}
