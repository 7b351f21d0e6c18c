/*
 * vep-self: reinstall and backups (SPEC section 11) on one page,
 * GET /self/reinstall: the VE's backups (newest first) with a Restore
 * button each and "Back up now", and the reinstall form (template, new
 * root password twice).  Both destructive actions need their confirmation
 * box ticked ("sure"): without it the page comes back with the question
 * and nothing is written.  The POSTs are PAGE_LOGIN | PAGE_CSRF (main.c);
 * what they record, the VE's node does at its next sync (lib/db/db_backup.c).
 */
#include "self.h"
#include "db_backup.h"
#include "order.h"
#include "secret.h"

struct rform {
	const char	*err_template, *err_new, *err_confirm, *err_sure, *err_backup;
	const char	*notice;
	const char	*template;	/* the one chosen, shown again */
	const char	*backup;	/* a restore waiting for its confirmation */
};

static void
backups_section(struct web *w, struct tmpl_dict *d, const char *ve, const struct rform *f)
{
	struct backup_row rows[BACKUP_MAX];
	struct backup_state st;
	char t[32];
	size_t n = 0;

	if (db_backup_list(w->db, ve, rows, &n, &st) != DB_OK) {
		tmpl_add(d, "BACKUPS_UNAVAILABLE");
		return;
	}
	snprintf(t, sizeof(t), "%lld", st.backup_hours);
	tmpl_set(d, "BACKUP_HOURS", t);
	if (st.error_at > 0)
		tmpl_set(tmpl_add(d, "BACKUP_ERROR"), "MSG", st.error);
	if (n == 0)
		tmpl_add(d, "NO_BACKUPS");
	for (size_t i = 0; i < n; i++) {
		struct tmpl_dict *x = tmpl_add(d, "BACKUP");
		char mb[32];

		tmpl_set(x, "ID", rows[i].id);
		page_set_time(x, "TAKEN", rows[i].taken_at);
		snprintf(mb, sizeof(mb), "%.1f MB", (double)rows[i].bytes / 1e6);
		tmpl_set(x, "SIZE", mb);
		tmpl_set(x, "CSRF", w->session.csrf);
		if (f->backup != NULL && strcmp(f->backup, rows[i].id) == 0)
			tmpl_add(x, "ASK");
	}
}

static void
show(struct web *w, struct resp *r, int status, const struct rform *f)
{
	const char *ve = w->session.subject;
	struct order_catalog cat;
	struct tmpl_dict *d = page_dict(w, "Reinstall and backups");

	if (d == NULL) {
		web_error(w, r, 500, "Out of memory.");
		return;
	}
	tmpl_set(d, "VE_ID", ve);
	tmpl_set(d, "CSRF", w->session.csrf);
	memset(&cat, 0, sizeof(cat));
	if (db_ve_catalog(w->db, w->now, &cat) == DB_OK)
		for (size_t i = 0; i < cat.ntmpls; i++) {
			struct tmpl_dict *x = tmpl_add(d, "TEMPLATE");

			tmpl_set(x, "CODE", cat.tmpls[i].code);
			tmpl_set(x, "NAME", cat.tmpls[i].name);
			if (f->template != NULL && strcmp(f->template, cat.tmpls[i].code) == 0)
				tmpl_set(x, "SELECTED", "selected");
		}
	order_catalog_free(&cat);
	backups_section(w, d, ve, f);
	if (f->notice != NULL)
		tmpl_set(tmpl_add(d, "NOTICE"), "MSG", f->notice);
	if (f->err_template)
		tmpl_set(tmpl_add(d, "ERR_TEMPLATE"), "MSG", f->err_template);
	if (f->err_new)
		tmpl_set(tmpl_add(d, "ERR_NEW"), "MSG", f->err_new);
	if (f->err_confirm)
		tmpl_set(tmpl_add(d, "ERR_CONFIRM"), "MSG", f->err_confirm);
	if (f->err_sure)
		tmpl_set(tmpl_add(d, "ERR_SURE"), "MSG", f->err_sure);
	if (f->err_backup)
		tmpl_set(tmpl_add(d, "ERR_BACKUP"), "MSG", f->err_backup);
	page_finish(w, r, status, "self/reinstall.tpl", d);
}

void
page_reinstall(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	static const char *const notices[] = { NULL,
		"Your VE is being reinstalled: it is back within a few minutes with the new root password.",
		"A backup is on its way; it shows here once it is made.",
		"Your VE is being restored: it stops, gets the backup's files and starts again." };
	struct rform f = { 0 };
	struct form v;

	(void)caps;
	if (self_read(&q->query, BIT(K_DONE), &v) == 0 && v.s[K_DONE] != NULL)
		f.notice = notices[v.n[K_DONE]];
	show(w, r, 200, &f);
}

/* The codes of lib/db/db_backup.c as the page says them. */
static int
refused(struct web *w, struct resp *r, int rc, struct rform *f)
{
	switch (rc) {
	case BK_OK:
		return 0;
	case BK_SUSPENDED:
		web_error(w, r, 409, "Your VE is suspended or has expired; nothing was changed.");
		return 1;
	case BK_NOTEMPLATE:
		f->err_template = "Choose a template of the list.";
		break;
	case BK_LOGIN:
		f->err_template = "This template does not offer every login style of your VE.";
		break;
	case BK_NOBACKUP:
		f->err_backup = "This backup no longer exists; choose one of the list.";
		break;
	case BK_NOVE:
		web_error(w, r, 404, "This VE no longer exists.");
		return 1;
	default:
		web_error(w, r, 503, "The service is briefly unavailable; nothing was changed.");
		return 1;
	}
	show(w, r, 400, f);
	return 1;
}

void
page_reinstall_post(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	const char *ve = w->session.subject;
	char nh[256], nc[AUTH_CRYPT_MAX];
	struct rform f = { 0 };
	struct form v;
	int rc;

	(void)caps;
	(void)self_read(&q->form, BIT(K_TEMPLATE) | BIT(K_NEW_PASSWORD) | BIT(K_CONFIRM) |
	    BIT(K_SURE), &v);
	f.template = v.s[K_TEMPLATE];
	f.err_template = v.bad[K_TEMPLATE];
	if (v.s[K_NEW_PASSWORD] == NULL || strlen(v.s[K_NEW_PASSWORD]) < 12 ||
	    strlen(v.s[K_NEW_PASSWORD]) > 128)
		f.err_new = "The new root password must be 12 to 128 characters.";
	else if (v.s[K_CONFIRM] == NULL || strcmp(v.s[K_CONFIRM], v.s[K_NEW_PASSWORD]) != 0)
		f.err_confirm = "The two passwords differ.";
	if (v.s[K_SURE] == NULL)
		f.err_sure = "Tick the box to confirm that every file of the VE is erased.";
	if (f.err_template || f.err_new || f.err_confirm || f.err_sure) {
		show(w, r, 400, &f);
		return;
	}
	if (web_hash_new_password(w, r, "checked", v.s[K_NEW_PASSWORD], nh, sizeof(nh), nc,
	    "The password could not be set; nothing was changed.") == -1)
		return;
	rc = db_backup_reinstall(w->db, ve, v.s[K_TEMPLATE], nh, nc, ve, w->now);
	explicit_bzero(nh, sizeof(nh));
	explicit_bzero(nc, sizeof(nc));
	if (refused(w, r, rc, &f))
		return;
	log_info("self: %s asked for a reinstall from %s", ve, v.s[K_TEMPLATE]);
	/* The session stays: the owner chose the new password here. */
	resp_redirect(r, "/self/reinstall?done=1");
}

void
page_backup_now(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct rform f = { 0 };

	(void)q;
	(void)caps;
	if (refused(w, r, db_backup_now(w->db, w->session.subject, w->session.subject, w->now), &f))
		return;
	resp_redirect(r, "/self/reinstall?done=2");
}

void
page_restore(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	const char *ve = w->session.subject;
	struct rform f = { 0 };
	struct form v;

	(void)caps;
	(void)self_read(&q->form, BIT(K_BACKUP) | BIT(K_SURE), &v);
	if (v.s[K_BACKUP] == NULL) {
		f.err_backup = "Choose a backup of the list.";
		show(w, r, 400, &f);
		return;
	}
	/* The confirmation step: the same form again, with the question, until ticked. */
	if (v.s[K_SURE] == NULL) {
		f.backup = v.s[K_BACKUP];
		f.err_backup = "Confirm the restore: the files changed since this backup are lost.";
		show(w, r, 400, &f);
		return;
	}
	if (refused(w, r, db_backup_restore(w->db, ve, v.s[K_BACKUP], ve, w->now), &f))
		return;
	log_info("self: %s asked for a restore of %s", ve, v.s[K_BACKUP]);
	resp_redirect(r, "/self/reinstall?done=3");
}
