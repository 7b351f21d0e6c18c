/*
 * vep-admin: the nodes, their health, adding one (its token shown once),
 * enabling, disabling and removing.
 */
#include "admin.h"
#include "db_backup.h"


static void
render_nodes(struct web *w, struct req *q, struct resp *r, int status,
    const struct form *v, const char *error, const char *added, const char *token)
{
	const struct session *s = &w->session;
	struct admin_node *nodes = NULL;
	struct tmpl_dict *d;
	char t[64];
	size_t n = 0;

	if (db_admin_nodes(w->db, &nodes, &n) != DB_OK) {
		web_unavailable(w, r);
		return;
	}
	if ((d = admin_form_dict(w, q, "Nodes", "nodes", error, v, BIT(K_NODE) | BIT(K_URL))) == NULL) {
		free(nodes);
		admin_oom(w, r);
		return;
	}
	if (token != NULL) {
		struct tmpl_dict *x = tmpl_add(d, "ADDED");
		tmpl_set(x, "NAME", added);
		tmpl_set(x, "TOKEN", token);
	}
	for (size_t i = 0; i < n; i++) {
		struct tmpl_dict *x = tmpl_add(d, "NODE");
		const struct admin_node *o = &nodes[i];
		tmpl_set(x, "NAME", o->name);
		tmpl_set(x, "URL", o->url);
		tmpl_set(x, "STATE", o->enabled ? o->state : "disabled");
		tmpl_set(x, "HEALTH", !o->enabled ? "off" : strcmp(o->state, "up") == 0 ? "ok" :
		    strcmp(o->state, "unknown") == 0 ? "off" : "bad");
		fmt_ago(w->now, o->last_poll_at, t, sizeof(t));
		tmpl_set(x, "LAST_POLL", t);
		fmt_ago(w->now, o->last_ok_at, t, sizeof(t));
		tmpl_set(x, "LAST_OK", t);
		if (o->lag_ms >= 0)
			snprintf(t, sizeof(t), "%lld ms", o->lag_ms);
		else
			snprintf(t, sizeof(t), "—");
		tmpl_set(x, "LAG", t);
		tmpl_set_int(x, "VES", o->ves);
		tmpl_set_int(x, "MAX_VES", o->max_ves);
		snprintf(t, sizeof(t), "%lld of %lld GB", o->disk_used_mb / 1000, o->disk_mb / 1000);
		tmpl_set(x, "DISK", t);
		{
			long long bb = 0, bf = 0;

			/* Backups (SPEC section 11): the repository and the VEs failing. */
			if (db_backup_node(w->db, o->name, &bb, &bf) == DB_OK) {
				snprintf(t, sizeof(t), "%.1f MB%s", (double)bb / 1e6, bf ? ", " : "");
				tmpl_set(x, "BACKUP", t);
				if (bf > 0)
					tmpl_set_int(tmpl_add(x, "BACKUP_FAILING"), "N", bf);
			}
		}
		tmpl_set(x, "POLLER", o->poller[0] ? o->poller : "—");
		tmpl_set(x, "CSRF", s->csrf);
		tmpl_show(x, o->enabled ? "ENABLED" : "DISABLED");
		if (o->history == 0)
			tmpl_show(x, "CAN_DELETE");
	}
	if (n == 0)
		tmpl_show(d, "NO_NODES");
	free(nodes);
	page_finish(w, r, status, "admin/nodes.tpl", d);
}

void
page_nodes(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)caps;
	render_nodes(w, q, r, 200, NULL, NULL, NULL, NULL);
}

void
page_node_add(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	const struct session *s = &w->session;
	struct form v;
	char actor[80], err[256], tok[65];
	int rc;

	(void)caps;
	if (admin_read(&q->form, BIT(K_NODE) | BIT(K_URL), &v) > 0) {
		render_nodes(w, q, r, 422, &v, "The new node has errors; see below.", NULL, NULL);
		return;
	}
	actor_of(s, actor);
	rc = db_admin_node_add(w->db, v.s[K_NODE], v.s[K_URL], actor, w->now, tok, err, sizeof(err));
	if (rc == ADM_EINPUT || rc == ADM_EEXISTS) {
		v.bad[K_NODE] = err;
		render_nodes(w, q, r, 422, &v, "The new node has errors; see below.", NULL, NULL);
		return;
	}
	if (rc != ADM_OK) {
		web_unavailable(w, r);
		return;
	}
	log_info("admin: %s added node %s", s->subject, v.s[K_NODE]);
	/* The token is shown once, on this answer; it is stored only as a hash. */
	render_nodes(w, q, r, 201, NULL, NULL, v.s[K_NODE], tok);
	explicit_bzero(tok, sizeof(tok));
}

static void
node_change(struct web *w, struct req *q, struct resp *r, const char *name, int op)
{
	static const char *const done[] = { "enabled", "disabled", "removed" };
	const struct session *s = &w->session;
	char actor[80], err[256];
	int rc;

	if (!admin_node_name_valid(name)) {
		web_error(w, r, 404, "There is no such node.");
		return;
	}
	actor_of(s, actor);
	if (op < 2)
		rc = db_admin_node_enable(w->db, name, op == 0, actor, w->now, err, sizeof(err));
	else
		rc = db_admin_node_delete(w->db, name, actor, w->now, err, sizeof(err));
	switch (rc) {
	case ADM_OK:
		log_info("admin: %s: node %s %s", s->subject, name, done[op]);
		redirect_done(r, "/admin/nodes", done[op]);
		break;
	case ADM_NOCHANGE:
		redirect_done(r, "/admin/nodes", "unchanged");
		break;
	case ADM_ENONODE:
		web_error(w, r, 404, "There is no such node.");
		break;
	case ADM_ECONFLICT:
		render_nodes(w, q, r, 409, NULL, err, NULL, NULL);
		break;
	default:
		web_unavailable(w, r);
		break;
	}
}

/* POST /admin/nodes/{name}/{enable,disable,delete}: the change is the path's last segment. */
void
page_node_change(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	static const char *const ops[] = { "enable", "disable", "delete" };
	const char *name = strrchr(q->path, '/') + 1;

	for (int i = 0; i < (int)nitems(ops); i++)
		if (strcmp(name, ops[i]) == 0) {
			node_change(w, q, r, caps[0], i);
			return;
		}
	web_error(w, r, 404, "There is no such page.");
}
