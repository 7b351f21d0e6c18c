/*
 * vep-admin: the VE list, one VE's page and its actions (suspend, resume,
 * start/stop/restart, move, delete), each written with its audit row by lib/db/db_admin.c.
 */
#include "admin.h"
#include "db_bill.h"
#include "db_docs.h"
#include "db_ve.h"
#include "order.h"
#include "vechart.h"


void
page_ves(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct form v;
	struct admin_ve_filter f;
	struct admin_ve_row *rows = NULL;
	struct tmpl_dict *d;
	char base[600] = "/admin/ves";
	long long total, page;
	size_t n = 0;
	int bad;

	(void)caps;
	bad = admin_read(&q->query, BIT(K_Q) | BIT(K_STATE) | BIT(K_PAGE), &v);
	page = v.s[K_PAGE] != NULL ? v.n[K_PAGE] : 1;
	memset(&f, 0, sizeof(f));
	f.q = v.s[K_Q];
	f.state = v.s[K_STATE];
	f.limit = PAGE_ROWS;
	f.offset = (page - 1) * PAGE_ROWS;
	if (bad == 0 && db_admin_ves(w->db, &f, &rows, &n, &total) != DB_OK) {
		web_unavailable(w, r);
		return;
	}
	if ((d = admin_page_dict(w, r, "VEs", "ves")) == NULL) {
		admin_ve_rows_free(rows, n);
		return;
	}
	admin_form_state(d, &v, BIT(K_Q) | BIT(K_STATE));
	for (size_t i = 0; i < nitems(ve_states); i++) {
		struct tmpl_dict *o = tmpl_add(d, "STATE_OPT");
		tmpl_set(o, "VALUE", ve_states[i]);
		if (v.s[K_STATE] != NULL && strcmp(v.s[K_STATE], ve_states[i]) == 0)
			tmpl_show(o, "SELECTED");
	}
	for (size_t i = 0; i < n; i++) {
		struct tmpl_dict *x = tmpl_add(d, "VE");
		char t[48];
		tmpl_set(x, "VE_ID", rows[i].ve_id);
		tmpl_set(x, "STATE", rows[i].state);
		tmpl_set(x, "NODE", rows[i].node[0] ? rows[i].node : "—");
		tmpl_set(x, "PLAN", rows[i].plan);
		tmpl_set(x, "EMAIL", rows[i].email);
		tmpl_set(x, "IPS", rows[i].ips[0] ? rows[i].ips : "—");
		fmt_time(rows[i].created_at, t, sizeof(t));
		tmpl_set(x, "CREATED", t);
		set_date(x, "EXPIRES", rows[i].expires_at);
	}
	qs_add(base, sizeof(base), "q", v.s[K_Q]);
	qs_add(base, sizeof(base), "state", v.s[K_STATE]);
	list_end(d, bad, "NO_VES", n, total, base, page);
	admin_ve_rows_free(rows, n);
	page_finish(w, r, bad > 0 ? 422 : 200, "admin/ves.tpl", d);
}

/* What a failed action form shows on the VE page. */
struct ve_form {
	const struct form	*v;
	uint64_t		 mask;
	const char		*error;		/* a sentence for the whole page */
};

/* The VE's record, and the actions that make sense in its state. */
static void
ve_head(struct tmpl_dict *d, const struct admin_ve *a, const struct ve_form *vf,
    const struct admin_node *nodes, size_t nn)
{
	struct tmpl_dict *x;
	char t[256];

	tmpl_set(d, "VE_ID", a->ve_id);
	tmpl_set(d, "STATE", a->state);
	tmpl_set(d, "REASON", a->reason[0] ? a->reason : "—");
	tmpl_set(d, "EMAIL", a->email);
	tmpl_set_int(d, "ACCOUNT", a->account_id);
	fmt_bp(a->tax_bp, t, sizeof(t));
	tmpl_set(d, "TAX", t);
	tmpl_set(d, "PLAN", a->plan_name);
	tmpl_set(d, "PLAN_CODE", a->plan_code);
	tmpl_set(d, "TEMPLATE", a->template_name);
	tmpl_set(d, "NODE", a->node[0] ? a->node : "not placed");
	page_set_time(d, "CREATED", a->created_at);
	page_set_time(d, "EXPIRES", a->expires_at);
	page_set_time(d, "UPDATED", a->updated_at);
	tmpl_show(d, strcmp(a->state, "active") == 0 ? "STATE_OK" : "STATE_BAD");
	if (strcmp(a->state, "active") == 0)
		tmpl_show(d, "CAN_SUSPEND");
	if (strcmp(a->state, "suspended") == 0)
		tmpl_show(d, "CAN_RESUME");
	/* Start, Stop and Restart (an active VE only). */
	for (int i = 0; i < VP__MAX && strcmp(a->state, "active") == 0; i++) {
		x = tmpl_add(d, "CAN_POWER");
		tmpl_set(x, "ACTION", ve_power_names[i]);
		tmpl_set(x, "LABEL", i == VP_START ? "Start" : i == VP_STOP ? "Stop" : "Restart");
	}
	if (strcmp(a->state, "active") == 0 || strcmp(a->state, "suspended") == 0) {
		x = tmpl_add(d, "CAN_MOVE");
		for (size_t i = 0; i < nn; i++) {
			if (!nodes[i].enabled || strcmp(nodes[i].name, a->node) == 0)
				continue;
			struct tmpl_dict *o = tmpl_add(x, "NODE_OPT");
			tmpl_set(o, "NAME", nodes[i].name);
			snprintf(t, sizeof(t), "%s (%s, %lld of %lld VEs, %lld MB disk free)", nodes[i].name,
			    nodes[i].state, nodes[i].ves, nodes[i].max_ves,
			    nodes[i].disk_mb - nodes[i].disk_used_mb);
			tmpl_set(o, "LABEL", t);
			if (vf != NULL && vf->v != NULL && vf->v->raw[K_NODE] != NULL &&
			    strcmp(vf->v->raw[K_NODE], nodes[i].name) == 0)
				tmpl_show(o, "SELECTED");
		}
	}
	tmpl_show(d, strcmp(a->state, "deleted") != 0 ? "CAN_DELETE" : "IS_DELETED");
}

/* Addresses, the order as placed, the latest usage and its charts. */
static void
ve_detail(struct tmpl_dict *d, const struct ve_info *vi, const struct ve_usage *u)
{
	struct tmpl_dict *x = tmpl_add(d, "DETAIL"), *us;
	char t[1100];

	for (size_t i = 0; i < vi->nips; i++) {
		struct tmpl_dict *ip = tmpl_add(x, "IP");
		tmpl_set(ip, "ADDRESS", vi->ips[i].address);
		tmpl_set(ip, "NETMASK", vi->ips[i].netmask);
		tmpl_set(ip, "DNS_NAME", vi->ips[i].dns_name[0] ? vi->ips[i].dns_name : "—");
	}
	if (vi->nips == 0)
		tmpl_show(x, "NO_IPS");
	tmpl_set(x, "GATEWAY", vi->gateway);
	for (size_t k = 0; k < OF__MAX; k++) {
		if (k == OF_ROOT_PASSWORD || k == OF_IDEMPOTENCY_KEY || k == OF_PLAN || k == OF_TEMPLATE)
			continue;
		order_value_text(&vi->o, (enum order_key)k, t, sizeof(t));
		struct tmpl_dict *ord = tmpl_add(x, "ORDER");
		tmpl_set(ord, "LABEL", order_fields[k].label);
		tmpl_set(ord, "VALUE", t);
	}
	if (!u->recorded) {
		tmpl_show(x, "NO_USAGE");
		return;
	}
	us = tmpl_add(x, "USAGE");
	page_set_time(us, "AS_OF", u->as_of);
	page_set_bytes(us, "DISK", u->disk_bytes);
	page_set_bytes(us, "VMEM", u->vmem_bytes);
	tmpl_set_int(us, "CPU_BOGOMIPS", u->cpu_bogomips);
	/* CPU time in CPU-hours, as charged and as the owner's screen shows it */
	snprintf(t, sizeof(t), "%.4f", (double)(u->cpu_user_us + u->cpu_sys_us) / 3.6e9);
	tmpl_set(us, "CPU_HOURS", t);
	page_set_bytes(us, "NET_IN", u->net_in_bytes);
	page_set_bytes(us, "NET_OUT", u->net_out_bytes);
	for (size_t m = 0; m < MET__MAX; m++) {
		struct tmpl_dict *c = tmpl_add(us, "CHART");
		tmpl_set(c, "VE_ID", vi->ve_id);
		tmpl_set(c, "METRIC", vechart_metric_names[m]);
	}
}

/* Invoices with this VE on them; -1 when they cannot be read. */
static int
ve_invoices(struct web *w, struct tmpl_dict *d, const char *id)
{
	int brc;
	json_t *inv = db_docs_ve_invoices_json(w->db, id, w->now, &brc), *e;
	size_t k;

	if (inv == NULL)
		return -1;
	json_array_foreach(json_object_get(inv, "invoices"), k, e) {
		const char *cur = json_string_value(json_object_get(e, "currency"));
		struct tmpl_dict *y = tmpl_add(d, "INVOICE");
		tmpl_set(y, "NUMBER", json_string_value(json_object_get(e, "number")));
		tmpl_set(y, "PERIOD", json_string_value(json_object_get(e, "period")));
		tmpl_set(y, "STATUS", json_string_value(json_object_get(e, "status")));
		set_money_json(y, "TOTAL", e, "total_minor", cur);
		set_money_json(y, "BALANCE", e, "balance_minor", cur);
	}
	if (json_array_size(json_object_get(inv, "invoices")) == 0)
		tmpl_show(d, "NO_INVOICES");
	json_decref(inv);
	return 0;
}

static void
render_ve(struct web *w, struct req *q, struct resp *r, const char *id, int status,
    const struct ve_form *vf)
{
	struct admin_ve a;
	struct ve_info vi;
	struct ve_usage u;
	struct admin_node *nodes = NULL;
	struct admin_audit *au = NULL;
	struct tmpl_dict *d = NULL;
	char t[64];
	long long total;
	size_t nn = 0, na = 0;
	int rc = 0, vrc = 0, ready;

	if (!admin_ve_id_ok(id) || (rc = db_admin_ve_get(w->db, id, &a)) == 0) {
		web_error(w, r, 404, "There is no such VE.");
		return;
	}
	if (rc < 0 || (ready = billing_ready(w, r)) < 0) {
		if (rc < 0)
			web_unavailable(w, r);
		return;
	}
	if (strcmp(a.state, "deleted") != 0) {
		if ((vrc = db_ve_get(w->db, id, &vi)) < 0 || db_ve_usage(w->db, id, w->now, &u) != DB_OK)
			goto fail;
	}
	if (db_admin_nodes(w->db, &nodes, &nn) != DB_OK ||
	    db_report_audit(w->db, id, 50, 0, &au, &na, &total) != DB_OK)
		goto fail;
	snprintf(t, sizeof(t), "VE %s", id);
	if ((d = admin_page_dict(w, r, t, "ves")) == NULL)
		goto out;
	admin_notice(d, q);
	if (vf != NULL) {
		admin_error(d, vf->error);
		if (vf->v != NULL)
			admin_form_state(d, vf->v, vf->mask);
	}
	ve_head(d, &a, vf, nodes, nn);
	admin_ve_backups(w, d, id, strcmp(a.state, "active") == 0);	/* backup.c */
	if (vrc == 1)
		ve_detail(d, &vi, &u);
	if (!ready)
		tmpl_show(d, "BILLING_NA");
	else if (ve_invoices(w, d, id) == -1)
		goto fail;
	audit_rows(d, au, na);
	page_finish(w, r, status, "admin/ve.tpl", d);
	d = NULL;
	goto out;
fail:
	web_unavailable(w, r);
out:
	tmpl_dict_free(d);
	if (vrc == 1)
		ve_info_free(&vi);
	free(nodes);
	free(au);
}

void
page_ve(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	render_ve(w, q, r, caps[0], 200, NULL);
}

/*
 * The VE actions: each a change through lib/db/db_admin.c with the form's
 * fields, answered by a redirect with a notice or the VE page with the
 * error.
 */
enum ve_act { VA_SUSPEND, VA_RESUME, VA_POWER, VA_MOVE, VA_DELETE };

static const struct {
	const char	*name;		/* the last segment of its path */
	uint64_t	 mask;		/* the fields of its form */
	const char	*done;		/* the notice (fields.c) */
	enum admin_ve_op op;		/* db_admin_ve_change's (not for power) */
} ve_acts[] = {
	[VA_SUSPEND] = { "suspend", BIT(K_REASON), "suspended", AVO_SUSPEND },
	[VA_RESUME] = { "resume", 0, "resumed", AVO_RESUME },
	[VA_POWER] = { "power", BIT(K_ACTION), NULL, 0 },	/* the notice is the action's name */
	[VA_MOVE] = { "move", BIT(K_NODE), "moved", AVO_MOVE },
	[VA_DELETE] = { "delete", BIT(K_CONFIRM), "deleted", AVO_DELETE },
};

/* Start, stop or restart (SPEC section 11), as POST /api/v1/ves/{id}/power; an ADM_* code. */
static int
ve_power(struct web *w, const char *id, enum ve_power p, const char *actor, char *err, size_t errlen)
{
	switch (db_ve_power(w->db, id, p, actor, w->now)) {
	case VPR_OK:
		return ADM_OK;
	case VPR_NOVE:
		return ADM_ENOENT;
	case VPR_SUSPENDED:
		snprintf(err, errlen, "The VE is not active (suspended or expired); it cannot be "
		    "started, stopped or restarted. Nothing was changed.");
		return ADM_ECONFLICT;
	default:
		return ADM_EDB;
	}
}

static void
ve_act(struct web *w, struct req *q, struct resp *r, const char *id, enum ve_act act)
{
	struct form v;
	char actor[80], err[256] = "", path[64];
	uint64_t mask = ve_acts[act].mask;
	const char *done = ve_acts[act].done;
	int rc;

	if (!admin_ve_id_ok(id)) {
		web_error(w, r, 404, "There is no such VE.");
		return;
	}
	if (admin_read(&q->form, mask, &v) > 0) {
		struct ve_form vf = { &v, mask, "The form has errors; see below." };
		render_ve(w, q, r, id, 422, &vf);
		return;
	}
	actor_of(&w->session, actor);
	if (act == VA_POWER) {
		rc = ve_power(w, id, (enum ve_power)v.n[K_ACTION], actor, err, sizeof(err));
		done = ve_power_names[v.n[K_ACTION]];
	} else	/* the form read only the fields of its mask: the others are NULL */
		rc = db_admin_ve_change(w->db, ve_acts[act].op, id, v.s[K_REASON], v.s[K_NODE], actor,
		    w->now, err, sizeof(err));
	snprintf(path, sizeof(path), "/admin/ves/%s", id);
	if (rc == ADM_OK) {
		log_info("admin: %s: VE %s %s", w->session.subject, id, done);
		redirect_done(r, path, done);
	} else if (rc == ADM_NOCHANGE)
		redirect_done(r, path, "unchanged");
	else if (rc == ADM_ENOENT)
		web_error(w, r, 404, "There is no such VE.");
	else if (rc == ADM_ENONODE || rc == ADM_ECONFLICT || rc == ADM_EINPUT) {
		struct ve_form vf = { &v, mask, err };
		render_ve(w, q, r, id, rc == ADM_ENONODE ? 404 : rc == ADM_EINPUT ? 422 : 409, &vf);
	} else
		web_unavailable(w, r);
}

/* POST /admin/ves/{id}/{suspend,resume,power,move,delete}: the action is the path's last segment. */
void
page_ve_action(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	const char *name = strrchr(q->path, '/') + 1;

	for (size_t i = 0; i < nitems(ve_acts); i++)
		if (strcmp(name, ve_acts[i].name) == 0) {
			ve_act(w, q, r, caps[0], (enum ve_act)i);
			return;
		}
	web_error(w, r, 404, "There is no such page.");
}
