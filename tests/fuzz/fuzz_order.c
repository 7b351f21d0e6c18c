/*
 * libFuzzer harness of the order edges (lib/domain/order.c): the first byte
 * chooses the signup form (urlencoded) or the API (JSON); the rest is the
 * request body.  Any bytes give either errors, each naming a field with a
 * sentence, or an order whose every value keeps its field's rules.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "order.h"
#include "util.h"

static struct order_plan plans[] = {
	{ .id = 1, .code = "WEB1", .name = "Web 1", .currency = "EUR", .max_disk_quota_mb = 51200,
	  .max_ip_count = 4, .login_mask = LOGIN_SSH | LOGIN_X11 },
};
static struct order_template tmpls[] = { { .id = 1, .code = "debian-12", .name = "Debian 12" } };
static const struct order_catalog cat = { plans, 1, tmpls, 1 };

static void
check(struct order *o, const struct order_errs *e)
{
	if (e->n > nitems(e->e))
		abort();
	for (size_t i = 0; i < e->n; i++)
		if (e->e[i].field[0] == '\0' || e->e[i].msg[0] == '\0')
			abort();
	if (e->n > 0)
		return;
	/* A clean order keeps every rule. */
	for (size_t k = 0; k < OF__MAX; k++) {
		const struct order_field *f = &order_fields[k];
		if (f->type == OT_INT && (o->n[k] < f->min || o->n[k] > f->max))
			abort();
		if (f->required && !o->given[k])
			abort();
	}
	if (o->n[OF_LOGIN] == 0 || (o->n[OF_LOGIN] & ~(long long)plans[0].login_mask) != 0)
		abort();
	if (o->n[OF_DISK_QUOTA_MB] > plans[0].max_disk_quota_mb || o->n[OF_IP_COUNT] > plans[0].max_ip_count)
		abort();
	if ((long long)o->ndns > o->n[OF_IP_COUNT] || o->n[OF_FIREWALL] < 0 || o->n[OF_FIREWALL] >= FW__MAX)
		abort();
	if (order_utf8_len(o->s[OF_ROOT_PASSWORD]) < 12 || order_utf8_len(o->s[OF_ROOT_PASSWORD]) > 128)
		abort();
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct order o;
	struct order_errs e;
	struct kvlist l = { 0 };
	const char *err = NULL;
	json_t *j;

	if (size < 1)
		return 0;
	order_init(&o);
	memset(&e, 0, sizeof(e));
	if (data[0] & 1) {
		if ((j = json_body_parse((const char *)data + 1, size - 1, &err)) == NULL)
			return 0;
		if (order_from_json(&o, j, &e) == 0) {
			order_check(&o, &cat, "/nonexistent-vep-fuzz", &e);
			check(&o, &e);
			json_decref(order_errs_json(&e));
		}
		json_decref(j);
	} else {
		if (urlenc_parse((const char *)data + 1, size - 1, &l, &err) == 0 &&
		    order_from_form(&o, &l, &e) == 0) {
			order_check(&o, &cat, "/nonexistent-vep-fuzz", &e);
			check(&o, &e);
		}
		kv_free(&l);
	}
	order_free(&o);
	return 0;
}
