/*
 * vep-admin: the plans with their versions, and importing a plan version.
 */
#include "admin.h"
#include "catalog.h"
#include "sla.h"


static const char plan_example[] =
    "{\"code\":\"WEB2\",\"name\":\"Web 2\",\"currency\":\"EUR\",\"monthly_fee_minor\":1500,\n"
    " \"included\":{\"disk_gb\":20,\"traffic_gb\":200,\"traffic_in_gb\":0,\"traffic_out_gb\":0,"
    "\"cpu_hours\":150,\"vmem_gb_hours\":0},\n"
    " \"overage_minor\":{\"disk_gb_month\":50,\"traffic_gb\":20,\"traffic_in_gb\":0,"
    "\"traffic_out_gb\":0,\"cpu_hour\":3,\"vmem_gb_hour\":0},\n"
    " \"limits\":{\"max_disk_quota_mb\":51200,\"max_ip_count\":4,\"login\":[\"ssh\",\"x11\"]}}";

/* The entry of cur (catalog_plans_json) for code, or NULL. */
json_t *
plan_in_force(json_t *cur, const char *code)
{
	size_t k;
	json_t *e;

	json_array_foreach(cur, k, e)
		if (strcmp(json_string_value(json_object_get(e, "code")), code) == 0)
			return e;
	return NULL;
}

/* "Availability target 99.9 %; 10 % of the fee below 99.9 %, ..." of a plan's "sla". */
static void
plan_sla_line(struct tmpl_dict *x, const json_t *sla)
{
	struct tmpl_dict *y;
	const json_t *c;
	char a[16];
	size_t i;

	if (!json_is_object(sla)) {
		tmpl_show(x, "NO_SLA");
		return;
	}
	y = tmpl_add(x, "SLA");
	sla_ppm_percent((uint32_t)json_integer_value(json_object_get(sla, "availability_target_ppm")), 1,
	    a, sizeof(a));
	tmpl_set(y, "TARGET", a);
	json_array_foreach(json_object_get(sla, "credits"), i, c) {
		struct tmpl_dict *z = tmpl_add(y, "STEP");
		sla_ppm_percent((uint32_t)json_integer_value(json_object_get(c, "below_ppm")), 1, a,
		    sizeof(a));
		tmpl_set(z, "BELOW", a);
		sla_ppm_percent((uint32_t)json_integer_value(json_object_get(c, "credit_bp")) * 100, 1,
		    a, sizeof(a));
		tmpl_set(z, "BP", a);
	}
}

static void
render_plans(struct web *w, struct req *q, struct resp *r, int status,
    const struct form *v, const char *error)
{
	static const struct { const char *label, *inc, *ov, *unit; } res[] = {
		{ "Disk", "disk_gb", "disk_gb_month", "GB-month" },
		{ "Traffic (in + out)", "traffic_gb", "traffic_gb", "GB" },
		{ "Traffic in", "traffic_in_gb", "traffic_in_gb", "GB" },
		{ "Traffic out", "traffic_out_gb", "traffic_out_gb", "GB" },
		{ "CPU", "cpu_hours", "cpu_hour", "CPU-hour" },
		{ "Virtual memory", "vmem_gb_hours", "vmem_gb_hour", "GB-hour" },
	};
	struct admin_plan_version *pv = NULL;
	struct tmpl_dict *d, *x = NULL;
	json_t *cur, *e;
	size_t n = 0;

	if (db_admin_plan_versions(w->db, w->now, &pv, &n) != DB_OK ||
	    (cur = catalog_plans_json(w->db, w->now)) == NULL) {
		free(pv);
		web_unavailable(w, r);
		return;
	}
	if ((d = admin_form_dict(w, q, "Plans", "plans", error, v, BIT(K_PLAN) | BIT(K_VALID_FROM))) == NULL) {
		free(pv);
		json_decref(cur);
		admin_oom(w, r);
		return;
	}
	if (v == NULL) {
		tmpl_set(d, "V_PLAN_JSON", plan_example);
		set_date(d, "V_VALID_FROM", w->now);
	}
	/* pv is by code, then valid_from: one PLAN per code with its versions. */
	for (size_t i = 0; i < n; i++) {
		const char *c = pv[i].currency;
		struct tmpl_dict *y;

		if (i == 0 || strcmp(pv[i].code, pv[i - 1].code) != 0) {
			x = tmpl_add(d, "PLAN");
			tmpl_set(x, "CODE", pv[i].code);
			tmpl_set(x, "NAME", pv[i].name);
			tmpl_set(x, "CURRENCY", c);
			tmpl_set_int(x, "VES", pv[i].ves);
			tmpl_show(x, pv[i].active ? "ACTIVE" : "INACTIVE");
			/* Included amounts and prices of the version in force today. */
			if ((e = plan_in_force(cur, pv[i].code)) != NULL) {
				json_t *inc = json_object_get(e, "included");
				json_t *ov = json_object_get(e, "overage_minor");
				json_t *lim = json_object_get(e, "limits");
				tmpl_set_int(x, "MAX_DISK", json_integer_value(json_object_get(lim,
				    "max_disk_quota_mb")));
				tmpl_set_int(x, "MAX_IP", json_integer_value(json_object_get(lim, "max_ip_count")));
				for (size_t k = 0; k < nitems(res); k++) {
					long long a = json_integer_value(json_object_get(inc, res[k].inc));
					long long b = json_integer_value(json_object_get(ov, res[k].ov));
					if (a == 0 && b == 0)
						continue;
					y = tmpl_add(x, "RES");
					tmpl_set(y, "LABEL", res[k].label);
					tmpl_set_int(y, "INCLUDED", a);
					tmpl_set(y, "UNIT", res[k].unit);
					page_set_money(y, "PRICE", b, c);
				}
				tmpl_show(x, "LIMITS");
				plan_sla_line(x, json_object_get(e, "sla"));
			}
		}
		y = tmpl_add(x, "VERSION");
		set_date(y, "FROM", pv[i].valid_from);
		page_set_money(y, "FEE", pv[i].fee_minor, c);
		tmpl_show(y, pv[i].in_force ? "IN_FORCE" : pv[i].valid_from > w->now ? "FUTURE" : "PAST");
	}
	if (n == 0)
		tmpl_show(d, "NO_PLANS");
	json_decref(cur);
	free(pv);
	page_finish(w, r, status, "admin/plans.tpl", d);
}

void
page_plans(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)caps;
	render_plans(w, q, r, 200, NULL, NULL);
}

void
page_plan_import(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	const struct session *s = &w->session;
	struct form v;
	json_error_t je;
	json_t *plan;
	char actor[80], err[256], why[320];
	int rc;

	(void)caps;
	if (admin_read(&q->form, BIT(K_PLAN) | BIT(K_VALID_FROM), &v) > 0) {
		render_plans(w, q, r, 422, &v, "The plan has errors; see below.");
		return;
	}
	plan = json_loads(v.s[K_PLAN], JSON_REJECT_DUPLICATES, &je);
	if (plan == NULL) {
		snprintf(why, sizeof(why), "This is not valid JSON: %s (line %d, column %d).", je.text,
		    je.line, je.column);
		v.bad[K_PLAN] = why;
		render_plans(w, q, r, 422, &v, "The plan has errors; see below.");
		return;
	}
	actor_of(s, actor);
	rc = db_admin_plan_import(w->db, plan, v.n[K_VALID_FROM], actor, w->now, err, sizeof(err));
	json_decref(plan);
	if (rc == ADM_EINPUT) {
		snprintf(why, sizeof(why), "The plan was not imported: %s.", err);
		v.bad[K_PLAN] = why;
		render_plans(w, q, r, 422, &v, "The plan has errors; see below.");
		return;
	}
	if (rc != ADM_OK) {
		web_unavailable(w, r);
		return;
	}
	log_info("admin: %s imported a plan", s->subject);
	redirect_done(r, "/admin/plans", "imported");
}

