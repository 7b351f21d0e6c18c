/*
 * Service changes: see change.h.  The order's own field table and rules
 * (order.c) do the judging; this file only lays a change over the order
 * as it stands and adds the rules that exist only after ordering.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "kv.h"
#include "order.h"

const char *const change_apply_names[] = { "live", "online", "restart" };

/* A stand-in for the password the change does not carry (order_check wants one). */
static const char placeholder_pw[] = "unchanged-password";

int
change_field_ok(enum order_key k)
{
	switch (k) {
	case OF_EMAIL:
	case OF_TEMPLATE:
	case OF_LIFETIME_DAYS:
	case OF_ROOT_PASSWORD:
	case OF_FS_FAULT_TOLERANCE_S:
	case OF_IDEMPOTENCY_KEY:
		return 0;
	default:
		return (unsigned)k < OF__MAX;
	}
}

static int
dup_names(struct order *dst, char *const *src, size_t n)
{
	dst->dns = NULL;
	dst->ndns = 0;
	if (n == 0)
		return 0;
	if ((dst->dns = calloc(n, sizeof(*dst->dns))) == NULL)
		return -1;
	for (; dst->ndns < n; dst->ndns++)
		if ((dst->dns[dst->ndns] = strdup(src[dst->ndns])) == NULL)
			return -1;
	return 0;
}

int
change_order_copy(struct order *dst, const struct order *src)
{
	order_init(dst);
	memcpy(dst->given, src->given, sizeof(dst->given));
	memcpy(dst->n, src->n, sizeof(dst->n));
	for (size_t k = 0; k < OF__MAX; k++)
		if (src->s[k] != NULL && (dst->s[k] = strdup(src->s[k])) == NULL)
			goto fail;
	if (dup_names(dst, src->dns, src->ndns) == -1)
		goto fail;
	return 0;
fail:
	order_free(dst);
	return -1;
}

/* Field k of next takes the value of t (parsed from the request). */
static int
take(struct order *next, struct order *t, enum order_key k)
{
	if (order_fields[k].type == OT_NAMES) {
		for (size_t i = 0; i < next->ndns; i++)
			free(next->dns[i]);
		free(next->dns);
		next->dns = t->dns;
		next->ndns = t->ndns;
		t->dns = NULL;
		t->ndns = 0;
	} else {
		free(next->s[k]);
		next->s[k] = t->s[k];
		t->s[k] = NULL;
		next->n[k] = t->n[k];
	}
	/* A text or list cleared ("" or []) is a field left out, as at signup. */
	switch (order_fields[k].type) {
	case OT_NAMES:
		next->given[k] = next->ndns > 0;
		break;
	case OT_INT:
	case OT_BOOL:
	case OT_LOGINS:
	case OT_FIREWALL:
		next->given[k] = 1;
		break;
	default:
		next->given[k] = next->s[k] != NULL;
		break;
	}
	return 0;
}

/* What follows from a change by itself: a non-file firewall has no ruleset, fewer addresses fewer names. */
static void
settle(struct order *next, const struct order *t, const struct order *cur)
{
	if (t->given[OF_FIREWALL] && next->n[OF_FIREWALL] != FW_FILE && !t->given[OF_FIREWALL_FILE]) {
		free(next->s[OF_FIREWALL_FILE]);
		next->s[OF_FIREWALL_FILE] = NULL;
	}
	if (t->given[OF_IP_COUNT] && !t->given[OF_DNS_NAMES] && next->n[OF_IP_COUNT] >= 0 &&
	    (long long)next->ndns > next->n[OF_IP_COUNT] && next->n[OF_IP_COUNT] < cur->n[OF_IP_COUNT])
		while ((long long)next->ndns > next->n[OF_IP_COUNT])
			free(next->dns[--next->ndns]);
}

/* Lay the fields given in t over next (a copy of cur). */
static int
overlay(struct order *next, struct order *t, const struct order *cur, struct order_errs *e)
{
	for (size_t k = 0; k < OF__MAX; k++) {
		if (!t->given[k] || order_err_get(e, order_fields[k].name) != NULL)
			continue;
		if (!change_field_ok(k)) {
			order_err_add(e, order_fields[k].name, "%s cannot be changed after ordering.",
			    order_fields[k].label);
			continue;
		}
		take(next, t, k);
	}
	settle(next, t, cur);
	return 0;
}

int
change_from_json(struct order *next, const struct order *cur, json_t *body, int *restart,
    struct order_errs *e)
{
	struct order t;
	json_t *copy, *r;
	int rc = -1;

	*restart = 0;
	order_init(&t);
	if (change_order_copy(next, cur) == -1)
		return -1;
	if ((copy = json_copy(body)) == NULL)
		goto out;
	if ((r = json_object_get(copy, "restart")) != NULL) {
		if (!json_is_boolean(r))
			order_err_add(e, "restart", "restart must be true or false.");
		*restart = json_is_true(r);
		json_object_del(copy, "restart");
	}
	if (order_from_json(&t, copy, e) == -1)
		goto out;
	/* An empty list or text clears what the signup would have left out. */
	r = json_object_get(copy, "dns_names");
	if (json_is_array(r) && json_array_size(r) == 0)
		t.given[OF_DNS_NAMES] = 1;
	r = json_object_get(copy, "user_info");
	if (json_is_string(r) && json_string_length(r) == 0)
		t.given[OF_USER_INFO] = 1;
	rc = overlay(next, &t, cur, e);
out:
	json_decref(copy);
	order_free(&t);
	return rc;
}

int
change_from_form(struct order *next, const struct order *cur, const struct kvlist *form,
    int *restart, struct order_errs *e)
{
	struct order t;
	const char *r = kv_get(form, "restart");
	int rc = -1;

	*restart = r != NULL && strcmp(r, "true") == 0;
	order_init(&t);
	if (change_order_copy(next, cur) == -1)
		return -1;
	if (order_from_form(&t, form, e) == 0)
		rc = overlay(next, &t, cur, e);
	order_free(&t);
	return rc;
}

static int
same_str(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

static int
differs(const struct order *a, const struct order *b, enum order_key k)
{
	switch (order_fields[k].type) {
	case OT_NAMES:
		if (a->ndns != b->ndns)
			return 1;
		for (size_t i = 0; i < a->ndns; i++)
			if (strcmp(a->dns[i], b->dns[i]) != 0)
				return 1;
		return 0;
	case OT_CODE:
	case OT_TEXT:
	case OT_RULESET:
		return !same_str(a->s[k], b->s[k]);
	case OT_INT:
	case OT_BOOL:
	case OT_LOGINS:
	case OT_FIREWALL:
		return a->n[k] != b->n[k];
	default:
		return 0;
	}
}

/* The signup's judgement of next, kept for the fields a change is about. */
static void
judge(struct order *next, const struct order_catalog *cat, const char *fwdir, uint64_t changed,
    struct order_errs *e)
{
	struct order_errs all;
	int plan_changed = (changed & CHANGE_BIT(OF_PLAN)) != 0;
	char *pw = next->s[OF_ROOT_PASSWORD];
	int pw_given = next->given[OF_ROOT_PASSWORD];

	memset(&all, 0, sizeof(all));
	next->s[OF_ROOT_PASSWORD] = (char *)placeholder_pw;
	next->given[OF_ROOT_PASSWORD] = 1;
	order_check(next, cat, fwdir, &all);
	next->s[OF_ROOT_PASSWORD] = pw;
	next->given[OF_ROOT_PASSWORD] = pw_given;
	for (size_t i = 0; i < all.n; i++) {
		int keep = 0;
		for (size_t k = 0; k < OF__MAX; k++) {
			if (strcmp(order_fields[k].name, all.e[i].field) != 0)
				continue;
			/* A field left as it is is judged again only under a new plan. */
			keep = change_field_ok(k) && ((changed & CHANGE_BIT(k)) != 0 ||
			    (plan_changed && (k == OF_DISK_QUOTA_MB || k == OF_IP_COUNT ||
			    k == OF_LOGIN)));
		}
		if (keep)
			order_err_add(e, all.e[i].field, "%s", all.e[i].msg);
	}
}

/* Under a new plan: say on `plan` which of the VE's own parameters it breaks. */
static void
plan_fit(const struct order *next, const struct order_catalog *cat, uint64_t changed,
    struct order_errs *e)
{
	static const enum order_key keys[] = { OF_DISK_QUOTA_MB, OF_IP_COUNT, OF_LOGIN };
	const struct order_plan *pl = order_plan_find(cat, next->s[OF_PLAN]);
	char why[ORDER_MSG] = "";
	size_t off = 0;

	if (pl == NULL || order_err_get(e, "plan") != NULL)
		return;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *m = order_err_get(e, order_fields[keys[i]].name);
		char v[64];
		int w;
		if (m == NULL || (changed & CHANGE_BIT(keys[i])) != 0)
			continue;
		order_value_text(next, keys[i], v, sizeof(v));
		w = snprintf(why + off, sizeof(why) - off, "%s%s %s", off ? "; " : "",
		    order_fields[keys[i]].label, v);
		if (w > 0 && (size_t)w < sizeof(why) - off)
			off += (size_t)w;
	}
	if (off > 0)
		order_err_add(e, "plan", "Plan %s does not fit this VE as it is: its limits do not allow "
		    "%s. Change those in the same request, or choose another plan.", pl->name, why);
}

void
change_check(struct order *next, const struct order *cur, const struct order_catalog *cat,
    const char *fwdir, long long used, uint64_t *changed, struct order_errs *e)
{
	*changed = 0;
	for (size_t k = 0; k < OF__MAX; k++)
		if (change_field_ok(k) && differs(next, cur, k))
			*changed |= CHANGE_BIT(k);
	/*
	 * What the VE uses now is the most telling reason against a smaller
	 * quota: said before the signup's rules (the template's minimum among
	 * them) could take the field's one message.
	 */
	if ((*changed & CHANGE_BIT(OF_DISK_QUOTA_MB)) && order_err_get(e, "disk_quota_mb") == NULL &&
	    used > 0 && next->n[OF_DISK_QUOTA_MB] * 1000000LL < used)
		order_err_add(e, "disk_quota_mb", "The VE uses %lld MB of its disk now; the quota cannot "
		    "be set below that (%lld MB). Free some space first, or choose a larger quota.",
		    (used + 999999) / 1000000, next->n[OF_DISK_QUOTA_MB]);
	judge(next, cat, fwdir, *changed, e);
	if (*changed & CHANGE_BIT(OF_PLAN))
		plan_fit(next, cat, *changed, e);
}

enum change_apply
change_apply_of(enum order_key k, const struct order *cur, const struct order *next, long long vmem)
{
	switch (k) {
	case OF_DISK_QUOTA_MB:
		return next->n[k] > cur->n[k] ? CA_ONLINE : CA_RESTART;
	case OF_MEM_MAX_MB:
		/* A limit below what the VE holds now would kill inside it: at the next start. */
		return next->n[k] != 0 && next->n[k] * 1000000LL < vmem ? CA_RESTART : CA_LIVE;
	default:
		return CA_LIVE;
	}
}

void
change_names(uint64_t changed, char *out, size_t outlen)
{
	size_t off = 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	for (size_t k = 0; k < OF__MAX; k++) {
		int w;
		if (!(changed & CHANGE_BIT(k)))
			continue;
		w = snprintf(out + off, outlen - off, "%s%s", off ? ", " : "", order_fields[k].name);
		if (w < 0 || (size_t)w >= outlen - off)
			return;
		off += (size_t)w;
	}
}

json_t *
change_params_json(const struct order *o, uint64_t mask)
{
	uint64_t keep = 0;

	for (size_t k = 0; k < OF__MAX; k++)
		if (change_field_ok(k) && (mask == 0 || (mask & CHANGE_BIT(k))))
			keep |= ORDER_BIT(k);
	return order_fields_json(o, keep);
}
