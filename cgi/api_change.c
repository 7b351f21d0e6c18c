/*
 * PATCH /api/v1/ves/{ve_id}: a service change by the owner (HTTP Basic) or
 * the operator (Bearer), SPEC section 11.  A body that is not a JSON object
 * is 400; broken rules are 422 with every field named; nothing is written
 * on any refusal (cgi/vechange.c does the work for every screen).
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "vechange.h"

void
api_ve_change(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct caller c;
	struct vechange x;
	struct db *db;
	int st;

	if (api_auth(w, q, r, &c) == -1)
		return;
	r->private_page = 1;
	if (!api_may_act(w, r, &c, caps[0]))
		return;
	if (q->json == NULL || !json_is_object(q->json)) {
		resp_json_error(r, 400, "Send the change as a JSON object (Content-Type: "
		    "application/json) with the fields to change, such as {\"mem_max_mb\":512}.", NULL);
		return;
	}
	if (json_object_size(q->json) == 0) {
		resp_json_error(r, 422, "Nothing to change: give at least one field.",
		    json_pack("{s:s}", "body", "No field was given."));
		return;
	}
	if ((db = web_db(w, r)) == NULL)
		return;
	vechange_run(w, db, caps[0], q->json, NULL, c.who == WHO_ADMIN ? "api" : caps[0], &x);
	st = vechange_http(&x, 0);
	switch (x.status) {
	case VX_OK:
		resp_json(r, 200, json_incref(x.answer));
		break;
	case VX_NOVE:
		web_error(w, r, 404, "There is no such VE.");
		break;
	case VX_INVALID:
		resp_json_error(r, st, x.msg, order_errs_json(&x.errs));
		break;
	case VX_NOTHING:
		resp_json_error(r, st, x.msg, json_pack("{s:s}", "body", "Every value given is the VE's own already."));
		break;
	default:
		resp_json_error(r, st, x.msg, NULL);
		break;
	}
	vechange_free(&x);
}
