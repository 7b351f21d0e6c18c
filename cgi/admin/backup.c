/*
 * vep-admin: reinstall and backups of a VE from its page (SPEC section 11):
 *	POST /admin/ves/{id}/backup	a backup at the node's next sync
 *	POST /admin/ves/{id}/reinstall	template, password, confirm=yes
 *	POST /admin/ves/{id}/restore	backup, confirm=yes
 * and the backups part of the VE page (admin_ve_backups).  What they
 * record is lib/db/db_backup.c's; every request is audited with the
 * operator as actor, and the owner is mailed.
 */
#include "admin.h"
#include "db_backup.h"
#include "secret.h"

void
admin_ve_backups(struct web *w, struct tmpl_dict *d, const char *ve_id, int active)
{
	struct backup_row rows[BACKUP_MAX];
	struct backup_state st;
	struct tmpl_dict *s;
	char t[64];
	size_t n = 0;

	if (db_backup_list(w->db, ve_id, rows, &n, &st) != DB_OK)
		return;
	s = tmpl_add(d, "BACKUPS");
	tmpl_set(s, "VE_ID", ve_id);
	tmpl_set(s, "CSRF", w->session.csrf);
	tmpl_set_int(s, "HOURS", st.backup_hours);
	if (st.ok_at > 0)
		page_set_time(s, "LAST_OK", st.ok_at);
	else
		tmpl_set(s, "LAST_OK", "never");
	if (st.error_at > 0)
		tmpl_set(tmpl_add(s, "BACKUP_FAILED"), "MSG", st.error);
	for (size_t i = 0; i < n; i++) {
		struct tmpl_dict *x = tmpl_add(s, "BACKUP");

		tmpl_set(x, "ID", rows[i].id);
		page_set_time(x, "TAKEN", rows[i].taken_at);
		snprintf(t, sizeof(t), "%.1f MB", (double)rows[i].bytes / 1e6);
		tmpl_set(x, "SIZE", t);
		tmpl_set(x, "VE_ID", ve_id);
		tmpl_set(x, "CSRF", w->session.csrf);
	}
	if (active)
		tmpl_show(s, "CAN_REINSTALL");
}

static void
answer(struct web *w, struct resp *r, const char *id, int rc, const char *done)
{
	char path[64];

	snprintf(path, sizeof(path), "/admin/ves/%s", id);
	switch (rc) {
	case BK_OK:
		log_info("admin: %s: VE %s %s", w->session.subject, id, done);
		redirect_done(r, path, done);
		break;
	case BK_NOVE:
		web_error(w, r, 404, "There is no such VE.");
		break;
	case BK_SUSPENDED:
		web_error(w, r, 409, "The VE is suspended or expired: resume it first. Nothing was changed.");
		break;
	case BK_NOTEMPLATE:
		web_error(w, r, 422, "The template is not one of the catalogue. Nothing was changed.");
		break;
	case BK_LOGIN:
		web_error(w, r, 422, "The template does not offer every login style of this VE. Nothing "
		    "was changed.");
		break;
	case BK_NOBACKUP:
		web_error(w, r, 422, "The VE has no such backup. Nothing was changed.");
		break;
	default:
		web_unavailable(w, r);
		break;
	}
}

void
page_ve_backup(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	char actor[80];

	(void)q;
	actor_of(&w->session, actor);
	answer(w, r, caps[0], db_backup_now(w->db, caps[0], actor, w->now), "backup");
}

void
page_ve_restore(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	char actor[80];
	struct form v;

	if (admin_read(&q->form, FORM_BIT(K_BACKUP) | FORM_BIT(K_CONFIRM), &v) > 0) {
		web_error(w, r, 422, v.bad[K_CONFIRM] ? "Tick the box to confirm the restore: the files "
		    "changed since the backup are lost. Nothing was changed." :
		    "Choose one of the VE's backups. Nothing was changed.");
		return;
	}
	actor_of(&w->session, actor);
	answer(w, r, caps[0], db_backup_restore(w->db, caps[0], v.s[K_BACKUP], actor, w->now),
	    "restore");
}

void
page_ve_reinstall(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	char actor[80], nh[256], nc[AUTH_CRYPT_MAX];
	struct form v;
	size_t len;
	int rc;

	if (admin_read(&q->form, FORM_BIT(K_TEMPLATE) | FORM_BIT(K_PASSWORD) | FORM_BIT(K_CONFIRM),
	    &v) > 0 || (len = strlen(v.s[K_PASSWORD])) < 12 || len > 128) {
		web_error(w, r, 422, v.bad[K_CONFIRM] ? "Tick the box to confirm: every file of the VE "
		    "is erased. Nothing was changed." : v.bad[K_TEMPLATE] ? "Choose a template. Nothing "
		    "was changed." : "The new root password must be 12 to 128 characters. Nothing was "
		    "changed.");
		return;
	}
	if (web_hash_new_password(w, r, "checked", v.s[K_PASSWORD], nh, sizeof(nh), nc,
	    "The service is briefly unavailable; please try again in a moment.") == -1)
		return;
	actor_of(&w->session, actor);
	rc = db_backup_reinstall(w->db, caps[0], v.s[K_TEMPLATE], nh, nc, actor, w->now);
	explicit_bzero(nh, sizeof(nh));
	explicit_bzero(nc, sizeof(nc));
	answer(w, r, caps[0], rc, "reinstall");
}
