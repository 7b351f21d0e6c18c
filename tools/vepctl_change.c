/*
 * `vepctl ve change`: see vepctl_change.h.  Every refusal is printed one
 * field a line, the signup's sentence for it; nothing is written then.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "change.h"
#include "conf.h"
#include "db.h"
#include "db_change.h"
#include "db_ve.h"
#include "veid.h"
#include "vepctl_change.h"

static int
refuse(const struct order_errs *e)
{
	for (size_t i = 0; i < e->n; i++)
		fprintf(stderr, "vepctl: ve change: %s: %s\n", e->e[i].field, e->e[i].msg);
	fprintf(stderr, "vepctl: ve change: nothing was changed\n");
	return 1;
}

static int
judge_and_write(struct db *db, const struct conf *c, const char *id, json_t *body, long long now)
{
	struct order_catalog cat = { 0 };
	struct order next;
	struct order_errs e = { 0 };
	struct ve_info v;
	struct ve_usage u;
	uint64_t changed = 0;
	char names[300];
	int restart = 0, rc = 1, r;

	order_init(&next);
	if ((r = db_ve_get(db, id, &v)) <= 0) {
		fprintf(stderr, "vepctl: ve change: %s\n", r == 0 ? "there is no such VE" :
		    "the database is unavailable");
		return 1;
	}
	if (db_ve_usage(db, id, now, &u) != DB_OK || db_ve_catalog(db, now, &cat) != DB_OK) {
		fprintf(stderr, "vepctl: ve change: the database is unavailable\n");
		goto out;
	}
	if (change_from_json(&next, &v.o, body, &restart, &e) == -1)
		goto out;
	change_check(&next, &v.o, &cat, conf_values(c)->web.firewall_dir, u.disk_bytes, &changed, &e);
	if (e.n > 0) {
		rc = refuse(&e);
		goto out;
	}
	if (changed == 0) {
		fprintf(stderr, "vepctl: ve change: nothing would change; nothing was written\n");
		goto out;
	}
	switch ((r = db_change_apply(db, id, &v.o, &next, changed, &cat, restart, "vepctl", now))) {
	case CH_OK:
		change_names(changed, names, sizeof(names));
		printf("%s changed: %s%s\n", id, names, restart ? " (restarting)" : "");
		for (size_t k = 0; k < OF__MAX; k++)
			if (changed & CHANGE_BIT(k))
				printf("  %s: %s\n", order_fields[k].name,
				    change_apply_names[change_apply_of(k, &v.o, &next, u.vmem_bytes)]);
		rc = 0;
		break;
	case CH_NO_ADDRESS:
		fprintf(stderr, "vepctl: ve change: the VE's pool has not enough free addresses; nothing was changed\n");
		break;
	case CH_NO_ROOM:
		fprintf(stderr, "vepctl: ve change: the VE's node has no disk left for that quota; nothing was changed\n");
		break;
	default:
		fprintf(stderr, "vepctl: ve change: not stored (%d); nothing was changed\n", r);
		break;
	}
out:
	order_free(&next);
	order_catalog_free(&cat);
	ve_info_free(&v);
	return rc;
}

int
vepctl_ve_change(struct db *db, const struct conf *c, int argc, char **argv)
{
	json_error_t je;
	char id[9];
	json_t *body;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: vepctl ve change VEID '{\"mem_max_mb\":512, ...}'\n");
		return 2;
	}
	if (!ve_id_norm(argv[0], id)) {
		fprintf(stderr, "vepctl: ve change: \"%s\" is not a VEid (8 hexadecimal digits)\n", argv[0]);
		return 2;
	}
	/* Strict as the API's body parser: duplicate keys refused. */
	if ((body = json_loads(argv[1], JSON_REJECT_DUPLICATES, &je)) == NULL || !json_is_object(body)) {
		fprintf(stderr, "vepctl: ve change: the change must be a JSON object%s%s\n",
		    body == NULL ? ": " : "", body == NULL ? je.text : "");
		json_decref(body);
		return 2;
	}
	rc = judge_and_write(db, c, id, body, (long long)time(NULL));
	json_decref(body);
	return rc;
}
