/*
 * A plan as the operator gives it (SPEC section 8 JSON), checked: see
 * plan.h.  The catalogue (lib/db/catalog.c) stores what this accepts.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "plan.h"
#include "sla.h"
#include "util.h"

static const char *const login_names[] = { "ssh", "telnet", "rsh", "x11" };

static int
get_int(json_t *o, const char *k, long long max, long long *v, char *err, size_t errlen,
    const char *where)
{
	json_t *j = json_object_get(o, k);
	if (j == NULL) {
		*v = 0;
		return 0;
	}
	if (!json_is_integer(j) || json_integer_value(j) < 0 || json_integer_value(j) > max) {
		snprintf(err, errlen, "%s%s must be a whole number from 0 to %lld", where, k, max);
		return -1;
	}
	*v = json_integer_value(j);
	return 0;
}

/* limits.login: the allowed styles into x->logins, in login_names' order. */
static int
logins_parse(json_t *lg, struct plan_spec *x, char *err, size_t errlen)
{
	if (!json_is_array(lg) || json_array_size(lg) == 0 || json_array_size(lg) > 4) {
		snprintf(err, errlen, "limits.login must list the allowed login styles (ssh, telnet, rsh, x11)");
		return -1;
	}
	for (size_t i = 0; i < nitems(login_names); i++) {
		size_t k;
		json_t *v;
		json_array_foreach(lg, k, v) {
			if (json_is_string(v) && strcmp(json_string_value(v), login_names[i]) == 0) {
				if (x->logins[0] != '\0')
					strcat(x->logins, ",");
				strcat(x->logins, login_names[i]);
				break;
			}
		}
	}
	{
		size_t k;
		json_t *v;
		json_array_foreach(lg, k, v) {
			const char *s = json_string_value(v);
			int ok = 0;
			for (size_t i = 0; s != NULL && i < nitems(login_names); i++)
				ok |= strcmp(s, login_names[i]) == 0;
			if (!ok) {
				snprintf(err, errlen, "limits.login may hold only ssh, telnet, rsh and x11");
				return -1;
			}
		}
	}
	return 0;
}

int
plan_parse(json_t *pl, struct plan_spec *x, char *err, size_t errlen)
{
	const long long BIG = 1000000000000LL;
	static const char *const inc_keys[] = { "disk_gb", "traffic_gb", "traffic_in_gb",
	    "traffic_out_gb", "cpu_hours", "vmem_gb_hours" };
	static const char *const ov_keys[] = { "disk_gb_month", "traffic_gb", "traffic_in_gb",
	    "traffic_out_gb", "cpu_hour", "vmem_gb_hour" };
	json_t *inco, *ovo, *lim, *j;

	memset(x, 0, sizeof(*x));
	x->cap_action = "throttle";
	if (!json_is_object(pl)) {
		snprintf(err, errlen, "a plan must be a JSON object");
		return -1;
	}
	x->code = json_string_value(json_object_get(pl, "code"));
	x->name = json_string_value(json_object_get(pl, "name"));
	x->currency = json_string_value(json_object_get(pl, "currency"));
	if (x->code == NULL || strlen(x->code) < 1 || strlen(x->code) > 32 ||
	    strspn(x->code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != strlen(x->code)) {
		snprintf(err, errlen, "code must be 1 to 32 upper-case letters, digits, '-' or '_'");
		return -1;
	}
	if (x->name == NULL || strlen(x->name) < 1 || strlen(x->name) > 128) {
		snprintf(err, errlen, "name must be 1 to 128 characters");
		return -1;
	}
	if (x->currency == NULL || strlen(x->currency) != 3 ||
	    strspn(x->currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3) {
		snprintf(err, errlen, "currency must be an ISO 4217 code such as EUR");
		return -1;
	}
	j = json_object_get(pl, "monthly_fee_minor");
	if (!json_is_integer(j) || json_integer_value(j) < 0 || json_integer_value(j) > BIG) {
		snprintf(err, errlen, "monthly_fee_minor must be a whole number of minor units (no decimals)");
		return -1;
	}
	x->fee_minor = json_integer_value(j);
	inco = json_object_get(pl, "included");
	ovo = json_object_get(pl, "overage_minor");
	lim = json_object_get(pl, "limits");
	if (!json_is_object(inco) || !json_is_object(ovo) || !json_is_object(lim)) {
		snprintf(err, errlen, "included, overage_minor and limits must be objects");
		return -1;
	}
	for (size_t i = 0; i < 6; i++) {
		if (get_int(inco, inc_keys[i], BIG, &x->inc[i], err, errlen, "included.") == -1 ||
		    get_int(ovo, ov_keys[i], BIG, &x->ov[i], err, errlen, "overage_minor.") == -1)
			return -1;
	}
	if (get_int(lim, "max_disk_quota_mb", BIG, &x->max_disk_quota_mb, err, errlen,
	    "limits.") == -1 ||
	    get_int(lim, "max_ip_count", 1024, &x->max_ip_count, err, errlen, "limits.") == -1)
		return -1;
	if (x->max_disk_quota_mb < 1 || x->max_ip_count < 1) {
		snprintf(err, errlen, "limits.max_disk_quota_mb and limits.max_ip_count must be at least 1");
		return -1;
	}
	if (logins_parse(json_object_get(lim, "login"), x, err, errlen) == -1)
		return -1;
	j = json_object_get(lim, "cap_action");
	if (j != NULL) {
		x->cap_action = json_string_value(j);
		if (x->cap_action == NULL || (strcmp(x->cap_action, "throttle") != 0 &&
		    strcmp(x->cap_action, "suspend") != 0)) {
			snprintf(err, errlen, "limits.cap_action must be throttle or suspend");
			return -1;
		}
	}
	/* Optional (SPEC section 8 extended): no "sla" means this version has none. */
	if ((j = json_object_get(pl, "sla")) != NULL && !json_is_null(j) &&
	    sla_terms_parse(j, &x->sla, err, errlen) == -1)
		return -1;
	return 0;
}
