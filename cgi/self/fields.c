/*
 * vep-self: every field the pages read, with its validator (the table
 * read by lib/web/form.c).
 */
#include "self.h"
#include "vechart.h"

static const char *
v_flag(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return strcmp(s, "1") == 0 ? NULL : "A flag is 1.";
}

/* Only the metered resources have days and hours behind them. */
static const char *
v_resource(const char *s, struct form *v, size_t k)
{
	int r = rate_res_parse(s);

	return form_index(v, k, r >= RR_CPU && r <= RR_TRAFFIC_OUT ? r : -1,
	    "resource is cpu, vmem, traffic, traffic_in or traffic_out.");
}

static const char *
v_day(const char *s, struct form *v, size_t k)
{
	long long t;

	if (strlen(s) != 10 || vep_parse_iso8601(s, &t) == -1 || t % 86400 != 0)
		return "day is a date written YYYY-MM-DD.";
	v->n[k] = t;
	return NULL;
}

/* Which notice /self/reinstall shows after a redirect: 1 to 3. */
static const char *
v_done(const char *s, struct form *v, size_t k)
{
	v->n[k] = s[0] >= '1' && s[0] <= '3' && s[1] == '\0' ? s[0] - '0' : 0;
	return v->n[k] ? NULL : "done is 1, 2 or 3.";
}

static const struct form_field fields[K__MAX] = {
	[K_VE_ID] = { "ve_id", form_v_ve_id, 1, NULL, 0 },
	[K_PASSWORD] = { "password", form_v_secret, 1, NULL, 1 },
	[K_CSRF] = { "csrf", form_v_token, 1, NULL, 1 },
	[K_LOGIN_TOKEN] = { "login_token", form_v_signed, 1, NULL, 1 },
	[K_OLD_PASSWORD] = { "old_password", form_v_secret, 1, NULL, 1 },
	[K_NEW_PASSWORD] = { "new_password", form_v_secret, 1, NULL, 1 },
	[K_CONFIRM] = { "confirm", form_v_secret, 1, NULL, 1 },
	[K_METRIC] = { "metric", vechart_v_metric, 1, NULL, 0 },
	[K_RANGE] = { "range", vechart_v_range, 0, NULL, 0 },
	[K_CHANGED] = { "changed", v_flag, 0, NULL, 0 },
	[K_PERIOD] = { "period", form_v_period, 1, NULL, 0, "period is a month written YYYY-MM." },
	[K_RESOURCE] = { "resource", v_resource, 1, NULL, 0 },
	[K_DAY] = { "day", v_day, 0, NULL, 0 },
	[K_ACTION] = { "action", form_v_action, 1, NULL, 0 },
	[K_POWERED] = { "powered", form_v_action, 0, NULL, 0 },
	[K_TEMPLATE] = { "template", form_v_template, 1, NULL, 0, "Choose a template of the list." },
	[K_BACKUP] = { "backup", form_v_backup, 1, NULL, 0, "Choose a backup of the list." },
	[K_SURE] = { "sure", v_flag, 0, NULL, 0 },
	[K_DONE] = { "done", v_done, 0, NULL, 0 },
};

int
self_read(const struct kvlist *l, uint64_t mask, struct form *v)
{
	return form_read(fields, K__MAX, l, mask, v);
}
