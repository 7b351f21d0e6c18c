/*
 * libFuzzer harness of the service change edges (lib/domain/change.c): the
 * first byte chooses the self/admin form (urlencoded) or PATCH's JSON body;
 * the rest is the request body, laid over a fixed VE's order.  Any bytes give
 * either errors, each naming a field with a sentence, or a change that keeps
 * the order's rules and leaves the fields fixed at ordering as they were.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "http.h"
#include "order.h"
#include "util.h"

static struct order_plan plans[] = {
	{ .id = 1, .code = "WEB1", .name = "Web 1", .currency = "EUR", .max_disk_quota_mb = 51200,
	  .max_ip_count = 4, .login_mask = LOGIN_SSH | LOGIN_X11 },
};
static struct order_template tmpls[] = { { .id = 1, .code = "debian-12", .name = "Debian 12",
	.login_mask = LOGIN_SSH | LOGIN_X11 } };
static const struct order_catalog cat = { plans, 1, tmpls, 1 };

static void
current(struct order *o)
{
	order_init(o);
	for (size_t k = 0; k < OF__MAX; k++) {
		o->given[k] = k != OF_ROOT_PASSWORD && k != OF_IDEMPOTENCY_KEY && k != OF_USER_INFO &&
		    k != OF_FIREWALL_FILE && k != OF_DNS_NAMES;
		if (order_fields[k].type == OT_INT)
			o->n[k] = order_fields[k].def;
	}
	o->s[OF_PLAN] = strdup("WEB1");
	o->s[OF_TEMPLATE] = strdup("debian-12");
	o->s[OF_EMAIL] = strdup("me@example.com");
	o->n[OF_DISK_QUOTA_MB] = 2000;
	o->n[OF_ALWAYS_ON] = 1;
	o->n[OF_LIFETIME_DAYS] = 30;
	o->n[OF_LOGIN] = LOGIN_SSH;
	o->n[OF_FS_FAULT_TOLERANCE_S] = 60;
	o->n[OF_BACKUP_HOURS] = 24;
	o->n[OF_FIREWALL] = FW_CLIENT;
	o->n[OF_IP_COUNT] = 1;
}

static void
check(const struct order *cur, const struct order *o, const struct order_errs *e)
{
	if (e->n > nitems(e->e))
		abort();
	for (size_t i = 0; i < e->n; i++)
		if (e->e[i].field[0] == '\0' || e->e[i].msg[0] == '\0')
			abort();
	if (e->n > 0)
		return;
	for (size_t k = 0; k < OF__MAX; k++) {
		const struct order_field *f = &order_fields[k];
		if (f->type == OT_INT && (o->n[k] < f->min || o->n[k] > f->max))
			abort();
		if (!change_field_ok(k) && o->n[k] != cur->n[k])
			abort();
	}
	if (strcmp(o->s[OF_EMAIL], "me@example.com") != 0 || o->n[OF_LOGIN] == 0 ||
	    (o->n[OF_LOGIN] & ~(long long)plans[0].login_mask) != 0 ||
	    o->n[OF_DISK_QUOTA_MB] > plans[0].max_disk_quota_mb || o->n[OF_IP_COUNT] > plans[0].max_ip_count ||
	    (long long)o->ndns > o->n[OF_IP_COUNT])
		abort();
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct order cur, next;
	struct order_errs e;
	struct kvlist l = { 0 };
	const char *err = NULL;
	uint64_t changed = 0;
	int restart, rc = -1;
	json_t *j;

	if (size < 1)
		return 0;
	current(&cur);
	order_init(&next);
	memset(&e, 0, sizeof(e));
	if (data[0] & 1) {
		if ((j = json_body_parse((const char *)data + 1, size - 1, &err)) != NULL) {
			rc = change_from_json(&next, &cur, j, &restart, &e);
			json_decref(j);
		}
	} else if (urlenc_parse((const char *)data + 1, size - 1, &l, &err) == 0)
		rc = change_from_form(&next, &cur, &l, &restart, &e);
	if (rc == 0) {
		change_check(&next, &cur, &cat, "/nonexistent-vep-fuzz", 1000000, &changed, &e);
		check(&cur, &next, &e);
		json_decref(change_params_json(&next, changed));
	}
	kv_free(&l);
	order_free(&cur);
	order_free(&next);
	return 0;
}
