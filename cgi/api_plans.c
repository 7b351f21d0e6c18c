/*
 * Plans through the API: GET lists the versions in force, POST imports a
 * plan in SPEC section 8's JSON (a new version from "valid_from", default now).
 */
#include <stdio.h>

#include "api.h"
#include "catalog.h"
#include "db.h"
#include "util.h"

void
api_admin_plans(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	json_t *p;
	(void)caps;
	if (!api_admin_only(w, q, r))
		return;
	if ((p = catalog_plans_json(w->db, w->now)) == NULL) {
		web_error(w, r, 503, "The service is briefly unavailable.");
		return;
	}
	resp_json(r, 200, json_pack("{s:o}", "plans", p));
}

void
api_admin_plan_add(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	char err[256];
	long long vf = w->now;
	json_t *j;
	int rc;
	(void)caps;
	if (!api_admin_json(w, q, r, "Send the plan as a JSON object (Content-Type: application/json)."))
		return;
	if ((j = json_object_get(q->json, "valid_from")) != NULL) {
		if (!json_is_string(j) || vep_parse_iso8601(json_string_value(j), &vf) == -1) {
			resp_json_error(r, 422, "The plan has errors.",
			    json_pack("{s:s}", "valid_from", "must be a date YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"));
			return;
		}
		json_object_del(q->json, "valid_from");
	}
	rc = catalog_plan_import(w->db, q->json, vf, w->now, err, sizeof(err));
	if (rc == -1) {
		resp_json_error(r, 422, err, NULL);
		return;
	}
	if (rc != 0) {
		web_error(w, r, 503, "The service is briefly unavailable.");
		return;
	}
	resp_json(r, 201, json_pack("{s:O}", "code", json_object_get(q->json, "code")));
}
