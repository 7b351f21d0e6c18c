/*
 * vep-self: every field the pages read, with its validator (the table
 * read by lib/web/form.c).
 */
#include "self.h"
#include "vechart.h"
#include "backup.h"

static const char *
v_metric(const char *s, struct form *v, size_t k)
{
	int i = vechart_lookup(vechart_metric_names, MET__MAX, s);

	v->n[k] = i;
	return i < 0 ? "metric is cpu, vmem, disk or net." : NULL;
}

static const char *
v_range(const char *s, struct form *v, size_t k)
{
	int i = vechart_lookup(vechart_range_names, VR__MAX, s);

	v->n[k] = i;
	return i < 0 ? "range is hour, day or month." : NULL;
}

static const char *
v_flag(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return strcmp(s, "1") == 0 ? NULL : "A flag is 1.";
}

static const char *
v_period(const char *s, struct form *v, size_t k)
{
	int y, m;

	if (rate_period_parse(s, &y, &m) == -1)
		return "period is a month written YYYY-MM.";
	v->n[k] = y * 100 + m;
	return NULL;
}

/* Only the metered resources have days and hours behind them. */
static const char *
v_resource(const char *s, struct form *v, size_t k)
{
	int r = rate_res_parse(s);

	if (r < RR_CPU || r > RR_TRAFFIC_OUT)
		return "resource is cpu, vmem, traffic, traffic_in or traffic_out.";
	v->n[k] = r;
	return NULL;
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

static const char *
v_action(const char *s, struct form *v, size_t k)
{
	return (v->n[k] = ve_power_parse(s)) >= 0 ? NULL : "The action is start, stop or restart.";
}

/* A template code: [a-z0-9][a-z0-9.-]{0,31}. */
static const char *
v_template(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return backup_template_valid(s) ? NULL : "Choose a template of the list.";
}

/* A backup id as the node names them: [A-Za-z0-9._:-]{1,64}. */
static const char *
v_backup(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return backup_id_valid(s) ? NULL : "Choose a backup of the list.";
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
	[K_METRIC] = { "metric", v_metric, 1, NULL, 0 },
	[K_RANGE] = { "range", v_range, 0, NULL, 0 },
	[K_CHANGED] = { "changed", v_flag, 0, NULL, 0 },
	[K_PERIOD] = { "period", v_period, 1, NULL, 0 },
	[K_RESOURCE] = { "resource", v_resource, 1, NULL, 0 },
	[K_DAY] = { "day", v_day, 0, NULL, 0 },
	[K_ACTION] = { "action", v_action, 1, NULL, 0 },
	[K_POWERED] = { "powered", v_action, 0, NULL, 0 },
	[K_TEMPLATE] = { "template", v_template, 1, NULL, 0 },
	[K_BACKUP] = { "backup", v_backup, 1, NULL, 0 },
	[K_SURE] = { "sure", v_flag, 0, NULL, 0 },
	[K_DONE] = { "done", v_done, 0, NULL, 0 },
};

int
self_read(const struct kvlist *l, uint64_t mask, struct form *v)
{
	return form_read(fields, K__MAX, l, mask, v);
}
