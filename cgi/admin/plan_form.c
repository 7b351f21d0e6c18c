/*
 * vep-admin: a plan on a form (issue 18), beside the JSON import of plans.c.
 *   GET  /admin/plans/new          an empty form (the example plan's values)
 *   GET  /admin/plans/{code}/edit  the form with the version in force today
 *   POST /admin/plans/form         save: a new plan, or a new price version
 *
 * Each price, included amount and limit is its own field.  The form is
 * turned into the plan JSON of SPEC section 8 and checked by plan_parse
 * (lib/domain/plan.c), the JSON import's own rules: every field is tried on
 * its own in an otherwise valid plan, so each refused field gets its own
 * sentence (plan_parse stops at the first error), then the whole plan.
 * Prices are typed in the currency's major unit ("0.50"); included amounts
 * and limits are whole numbers.  A plan's availability terms ("sla") are
 * kept from the version in force: they are edited as JSON.
 */
#include "admin.h"
#include "catalog.h"
#include "money.h"
#include "plan.h"

enum pkey {
	P_CODE, P_NAME, P_CURRENCY, P_FEE, P_VALID_FROM,
	P_INC_DISK, P_INC_TRAFFIC, P_INC_IN, P_INC_OUT, P_INC_CPU, P_INC_VMEM,
	P_OV_DISK, P_OV_TRAFFIC, P_OV_IN, P_OV_OUT, P_OV_CPU, P_OV_VMEM,
	P_MAX_DISK, P_MAX_IP, P_CAP, P_SSH, P_TELNET, P_RSH, P_X11, P__MAX
};

static const char *
v_box(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return strcmp(s, "1") == 0 ? NULL : "Tick the box or leave it.";
}

/* Every field's syntax beyond "text" is plan_parse's (see json_of). */
static const struct form_field fields[P__MAX] = {
	[P_CODE] = { "code", admin_v_line128, 1, "Give the plan a code, such as WEB2." },
	[P_NAME] = { "name", admin_v_line128, 1, "Give the plan a name." },
	[P_CURRENCY] = { "currency", admin_v_line128, 1, "Say the currency, such as EUR." },
	[P_FEE] = { "monthly_fee", admin_v_line128, 1, "Say the monthly fee (0 for none)." },
	[P_VALID_FROM] = { "valid_from", admin_v_date, 1 },
	[P_INC_DISK] = { "inc_disk_gb", admin_v_line128, 1 },
	[P_INC_TRAFFIC] = { "inc_traffic_gb", admin_v_line128, 1 },
	[P_INC_IN] = { "inc_traffic_in_gb", admin_v_line128, 1 },
	[P_INC_OUT] = { "inc_traffic_out_gb", admin_v_line128, 1 },
	[P_INC_CPU] = { "inc_cpu_hours", admin_v_line128, 1 },
	[P_INC_VMEM] = { "inc_vmem_gb_hours", admin_v_line128, 1 },
	[P_OV_DISK] = { "ov_disk_gb_month", admin_v_line128, 1 },
	[P_OV_TRAFFIC] = { "ov_traffic_gb", admin_v_line128, 1 },
	[P_OV_IN] = { "ov_traffic_in_gb", admin_v_line128, 1 },
	[P_OV_OUT] = { "ov_traffic_out_gb", admin_v_line128, 1 },
	[P_OV_CPU] = { "ov_cpu_hour", admin_v_line128, 1 },
	[P_OV_VMEM] = { "ov_vmem_gb_hour", admin_v_line128, 1 },
	[P_MAX_DISK] = { "max_disk_quota_mb", admin_v_line128, 1 },
	[P_MAX_IP] = { "max_ip_count", admin_v_line128, 1 },
	[P_CAP] = { "cap_action", admin_v_line128, 1 },
	[P_SSH] = { "login_ssh", v_box, 0 },
	[P_TELNET] = { "login_telnet", v_box, 0 },
	[P_RSH] = { "login_rsh", v_box, 0 },
	[P_X11] = { "login_x11", v_box, 0 },
};
#define ALL_FIELDS	(FORM_BIT(P__MAX) - 1)

/* The JSON place of each numeric field: object (NULL: top level) and key. */
static const struct { enum pkey k; const char *obj, *key; int money; } places[] = {
	{ P_FEE, NULL, "monthly_fee_minor", 1 },
	{ P_INC_DISK, "included", "disk_gb", 0 }, { P_INC_TRAFFIC, "included", "traffic_gb", 0 },
	{ P_INC_IN, "included", "traffic_in_gb", 0 }, { P_INC_OUT, "included", "traffic_out_gb", 0 },
	{ P_INC_CPU, "included", "cpu_hours", 0 }, { P_INC_VMEM, "included", "vmem_gb_hours", 0 },
	{ P_OV_DISK, "overage_minor", "disk_gb_month", 1 }, { P_OV_TRAFFIC, "overage_minor", "traffic_gb", 1 },
	{ P_OV_IN, "overage_minor", "traffic_in_gb", 1 }, { P_OV_OUT, "overage_minor", "traffic_out_gb", 1 },
	{ P_OV_CPU, "overage_minor", "cpu_hour", 1 }, { P_OV_VMEM, "overage_minor", "vmem_gb_hour", 1 },
	{ P_MAX_DISK, "limits", "max_disk_quota_mb", 0 }, { P_MAX_IP, "limits", "max_ip_count", 0 },
};
static const char *const login_names[] = { "ssh", "telnet", "rsh", "x11" };

/* The example the JSON import shows, as the base every field is tried in. */
static const char base_plan[] =
    "{\"code\":\"WEB2\",\"name\":\"Web 2\",\"currency\":\"EUR\",\"monthly_fee_minor\":1500,"
    "\"included\":{\"disk_gb\":20,\"traffic_gb\":200,\"traffic_in_gb\":0,\"traffic_out_gb\":0,"
    "\"cpu_hours\":150,\"vmem_gb_hours\":0},\"overage_minor\":{\"disk_gb_month\":50,"
    "\"traffic_gb\":20,\"traffic_in_gb\":0,\"traffic_out_gb\":0,\"cpu_hour\":3,\"vmem_gb_hour\":0},"
    "\"limits\":{\"max_disk_quota_mb\":51200,\"max_ip_count\":4,\"login\":[\"ssh\",\"x11\"],"
    "\"cap_action\":\"throttle\"}}";

/*
 * Field k's value as plan JSON: a whole number (money: parsed in cur's
 * major unit), else the text itself, which plan_parse then refuses with
 * its own sentence.  New reference or NULL; *why for a money syntax error.
 */
static json_t *
value_of(const struct form *v, size_t i, const char *cur, const char **why)
{
	const char *s = v->s[places[i].k], *e = NULL;
	int64_t m;
	long long n;

	*why = NULL;
	if (places[i].money) {
		if (money_exponent(cur) < 0)
			return json_integer(0);		/* the currency field says what is wrong */
		if (money_parse(s, cur, &m) == -1) {
			*why = "An amount in the plan's currency, such as 0.50 (no more decimals than "
			    "the currency has).";
			return NULL;
		}
		return json_integer(m);
	}
	n = vep_strtonum(s, 0, 1000000000000LL, &e);
	return e == NULL ? json_integer(n) : json_string(s);
}

/* Put field k's value (or, for the text fields, itself) into plan. */
static int
put(json_t *plan, const struct form *v, enum pkey k, const char *cur, const char **why)
{
	*why = NULL;
	switch (k) {
	case P_CODE:
		return json_object_set_new(plan, "code", json_string(v->s[P_CODE]));
	case P_NAME:
		return json_object_set_new(plan, "name", json_string(v->s[P_NAME]));
	case P_CURRENCY:
		return json_object_set_new(plan, "currency", json_string(v->s[P_CURRENCY]));
	case P_CAP:
		return json_object_set_new(json_object_get(plan, "limits"), "cap_action",
		    json_string(v->s[P_CAP]));
	case P_SSH: {
		json_t *a = json_array();
		for (int i = 0; i < 4; i++)
			if (v->s[P_SSH + i] != NULL)
				json_array_append_new(a, json_string(login_names[i]));
		return json_object_set_new(json_object_get(plan, "limits"), "login", a);
	}
	default:
		for (size_t i = 0; i < nitems(places); i++) {
			if (places[i].k != k)
				continue;
			json_t *x = value_of(v, i, cur, why);
			if (x == NULL)
				return -1;
			return json_object_set_new(places[i].obj ? json_object_get(plan, places[i].obj) :
			    plan, places[i].key, x);
		}
		return 0;
	}
}

/*
 * The plan of form v as JSON (new reference), with every refused field's
 * sentence in v->bad: each tried alone in base_plan, as plan_parse says.
 */
static json_t *
json_of(struct form *v, int *bad)
{
	static char why[P__MAX][256];	/* one request at a time per worker */
	const char *cur = v->s[P_CURRENCY] != NULL ? v->s[P_CURRENCY] : "EUR";
	struct plan_spec x;
	json_t *plan = json_loads(base_plan, 0, NULL), *one;
	const char *w;

	if (money_exponent(cur) < 0)
		cur = "EUR";
	for (int k = 0; k < P__MAX && plan != NULL; k++) {
		if (k >= P_TELNET || k == P_VALID_FROM || v->bad[k] != NULL)
			continue;	/* the login boxes go as one list (P_SSH) */
		if ((one = json_deep_copy(plan)) == NULL)
			break;
		if (put(one, v, (enum pkey)k, cur, &w) == -1) {
			v->bad[k] = w;
			++*bad;
		} else if (plan_parse(one, &x, why[k], sizeof(why[k])) == -1) {
			size_t n = strlen(why[k]);
			/* plan_parse's sentence names the JSON key, as the import says it */
			if (n + 1 < sizeof(why[k]))
				memcpy(why[k] + n, ".", 2);
			v->bad[k] = why[k];
			++*bad;
		}
		json_decref(one);
	}
	/* The whole plan, from the fields that passed. */
	for (int k = 0; k < P__MAX && plan != NULL && *bad == 0; k++)
		if (k < P_TELNET && k != P_VALID_FROM)
			(void)put(plan, v, (enum pkey)k, cur, &w);
	return plan;
}

/* The form, filled from v (typed values) or from the plan in force e (or the example). */
static void
render(struct web *w, struct req *q, struct resp *r, int status, const struct form *v,
    const json_t *e, const char *error)
{
	struct tmpl_dict *d;
	json_t *ex = NULL;
	char s[64];

	if ((d = admin_form_dict(w, q, "Plan form", "plans", error, NULL, 0)) == NULL) {
		admin_oom(w, r);
		return;
	}
	if (v != NULL) {
		page_form_state(d, fields, P__MAX, v, ALL_FIELDS);
		for (int k = 0; k < 4; k++)
			if (v->raw[P_SSH + k] != NULL) {
				snprintf(s, sizeof(s), "CHK_%s", login_names[k]);
				page_upper(s, s, sizeof(s));
				tmpl_show(d, s);
			}
		tmpl_show(d, "NEW");
	} else {
		const json_t *p = e;
		const char *cur;
		if (p == NULL)
			p = ex = json_loads(base_plan, 0, NULL);
		cur = json_string_value(json_object_get(p, "currency"));
		tmpl_set(d, "V_CODE", json_string_value(json_object_get(p, "code")));
		tmpl_set(d, "V_NAME", json_string_value(json_object_get(p, "name")));
		tmpl_set(d, "V_CURRENCY", cur);
		set_date(d, "V_VALID_FROM", w->now);
		for (size_t i = 0; i < nitems(places); i++) {
			const json_t *o = places[i].obj ? json_object_get(p, places[i].obj) : p;
			long long n = json_integer_value(json_object_get(o, places[i].key));
			char key[48];
			if (places[i].money)
				money_format(n, cur, s, sizeof(s));
			else
				snprintf(s, sizeof(s), "%lld", n);
			snprintf(key, sizeof(key), "V_%s", fields[places[i].k].name);
			page_upper(key, key, sizeof(key));
			tmpl_set(d, key, s);
		}
		json_t *lim = json_object_get(p, "limits"), *l;
		size_t i;
		tmpl_set(d, "V_CAP_ACTION", json_string_value(json_object_get(lim, "cap_action")));
		json_array_foreach(json_object_get(lim, "login"), i, l)
			for (int k = 0; k < 4; k++)
				if (strcmp(json_string_value(l), login_names[k]) == 0) {
					snprintf(s, sizeof(s), "CHK_%s", login_names[k]);
					page_upper(s, s, sizeof(s));
					tmpl_show(d, s);
				}
		tmpl_show(d, e != NULL ? "EDITING" : "NEW");
	}
	tmpl_show(d, (v != NULL ? v->raw[P_CAP] != NULL && strcmp(v->raw[P_CAP], "suspend") == 0 :
	    e != NULL && strcmp(json_string_value(json_object_get(json_object_get(e, "limits"),
	    "cap_action")), "suspend") == 0) ? "CAP_SUSPEND" : "CAP_THROTTLE");
	json_decref(ex);
	page_finish(w, r, status, "admin/plan_form.tpl", d);
}

void
page_plan_new(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)caps;
	render(w, q, r, 200, NULL, NULL, NULL);
}

void
page_plan_edit(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	json_t *cur = catalog_plans_json(w->db, w->now), *e;

	if (cur == NULL) {
		web_unavailable(w, r);
		return;
	}
	if ((e = plan_in_force(cur, caps[0])) == NULL)
		web_error(w, r, 404, "There is no plan with this code in force.");
	else
		render(w, q, r, 200, NULL, e, NULL);
	json_decref(cur);
}

void
page_plan_save(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct form v;
	json_t *plan, *cur, *e;
	char actor[80], err[256], why[320];
	int bad, rc;

	(void)caps;
	bad = form_read(fields, P__MAX, &q->form, ALL_FIELDS, &v);
	if ((plan = json_of(&v, &bad)) == NULL) {
		admin_oom(w, r);
		return;
	}
	if (bad > 0) {
		json_decref(plan);
		render(w, q, r, 422, &v, NULL, "The plan has errors; see below.");
		return;
	}
	/* Availability terms are not on the form: keep those in force. */
	if ((cur = catalog_plans_json(w->db, w->now)) != NULL) {
		if ((e = plan_in_force(cur, v.s[P_CODE])) != NULL && json_object_get(e, "sla") != NULL)
			json_object_set(plan, "sla", json_object_get(e, "sla"));
		json_decref(cur);
	}
	actor_of(&w->session, actor);
	rc = db_admin_plan_import(w->db, plan, v.n[P_VALID_FROM], actor, w->now, err, sizeof(err));
	json_decref(plan);
	if (rc == ADM_EINPUT) {
		snprintf(why, sizeof(why), "The plan was not saved: %s.", err);
		render(w, q, r, 422, &v, NULL, why);
		return;
	}
	if (rc != ADM_OK) {
		web_unavailable(w, r);
		return;
	}
	log_info("admin: %s saved plan %s on the form", w->session.subject, v.s[P_CODE]);
	redirect_done(r, "/admin/plans", "plan-saved");
}
