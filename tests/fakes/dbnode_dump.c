/*
 * Test tool for lib/db/db_node.c against a real MariaDB (used by
 * tests/integration/test_agent_db.py): prints the result of
 * db_node_auth (when a token is given) and the node's VE list as JSON.
 *
 *	dbnode_dump SOCKET DATABASE NODE [TOKEN]
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "db.h"
#include "db_node.h"
#include "log.h"

int
main(int argc, char *argv[])
{
	struct db *db;
	json_t *doc;
	char err[256], *text;
	int rc;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: dbnode_dump SOCKET DATABASE NODE [TOKEN]\n");
		return 2;
	}
	log_init("dbnode_dump", LOG_LVL_WARN, 1, 0);
	if ((db = db_open_params(argv[1], NULL, 0, "root", NULL, argv[2], 5, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "dbnode_dump: %s\n", err);
		return 1;
	}
	if (argc == 5)
		printf("auth %d\n", db_node_auth(db, argv[3], argv[4]));
	if ((rc = db_node_ves_json(db, argv[3], &doc)) != 0) {
		fprintf(stderr, "dbnode_dump: %s\n", db_strerror(rc));
		db_close(db);
		return 1;
	}
	text = json_dumps(doc, JSON_COMPACT);
	printf("%s\n", text);
	free(text);
	json_decref(doc);
	db_close(db);
	return 0;
}
