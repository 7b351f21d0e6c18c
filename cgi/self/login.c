/*
 * vep-self: the owner's login (VEid and password, throttled per VE and per
 * client address as the API's; the answers never tell whether a VE
 * exists), logout, the password change, and the power actions.
 */
#include "self.h"
#include "order.h"

#define LOGIN_COOKIE	"vep_self_login"
#define LOGIN_PURPOSE	"self-login"

void
render_login(struct web *w, struct req *q, struct resp *r, int status, const char *ve_id,
    const char *msg)
{
	struct tmpl_dict *d = page_dict(w, "My VE");

	if (page_login_dict(w, q, r, d, LOGIN_COOKIE, LOGIN_PURPOSE, "VE_ID", ve_id, msg) == -1)
		return;
	/* After a failed login the cursor waits in the field to fix (no script: autofocus). */
	if (msg != NULL && d != NULL)
		tmpl_show(d, ve_id != NULL && *ve_id != '\0' ? "FOCUS_PW" : "FOCUS_VE");
	page_finish(w, r, status, "self/login.tpl", d);
}

void
page_login(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct form v;
	struct web_pwlogin l;
	const char *subject, *ve_id;

	(void)caps;
	self_read(&q->form, BIT(K_VE_ID) | BIT(K_PASSWORD) | BIT(K_LOGIN_TOKEN), &v);
	ve_id = v.s[K_VE_ID];		/* in capitals */
	subject = kv_get(&q->form, "ve_id");
	/* The form's own token first: a login started elsewhere is not even judged. */
	if (!web_form_token_ok(w, q, LOGIN_COOKIE, LOGIN_PURPOSE, v.s[K_LOGIN_TOKEN])) {
		render_login(w, q, r, 403, ve_id,
		    "The login form had expired or did not come from this site; please log in again.");
		return;
	}
	if (v.bad[K_PASSWORD] != NULL || subject == NULL || *subject == '\0' || strlen(subject) > 64) {
		render_login(w, q, r, 400, NULL, "Enter your VEid and password.");
		return;
	}
	if (web_db(w, r) == NULL)
		return;
	/* A malformed VEid is counted like any other wrong login. */
	if (ve_id != NULL)
		subject = ve_id;
	l = (struct web_pwlogin){ subject, subject, ve_id, v.s[K_PASSWORD], db_ve_hash, LOGIN_COOKIE, "/self",
	    "The VEid or password is wrong.", render_login };
	web_password_login(w, q, r, &l);
}

/* The password form's errors, before any hash is computed. */
static void
password_form(const struct form *v, struct pwform *pf)
{
	size_t len;

	pf->err_old = v->bad[K_OLD_PASSWORD] ? "Enter your current password." : NULL;
	if (v->bad[K_NEW_PASSWORD] != NULL)
		pf->err_new = "Enter a new password of 12 to 128 characters.";
	else if ((len = order_utf8_len(v->s[K_NEW_PASSWORD])) < 12 || len > 128)
		pf->err_new = "The new password must be 12 to 128 characters long.";
	if (v->bad[K_CONFIRM] != NULL)
		pf->err_confirm = "Type the new password again.";
	else if (v->s[K_NEW_PASSWORD] != NULL && strcmp(v->s[K_NEW_PASSWORD], v->s[K_CONFIRM]) != 0)
		pf->err_confirm = "The two new passwords are not the same.";
}

void
page_password(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	const char *ve = w->session.subject;
	struct form v;
	struct pwform pf = { 0 };
	char hash[256] = "", nh[256], nc[AUTH_CRYPT_MAX], msg[200];
	int rc, slot = AUTH_SLOT_UNUSABLE;	/* auth_slot_release ignores it */

	(void)caps;
	self_read(&q->form, BIT(K_OLD_PASSWORD) | BIT(K_NEW_PASSWORD) | BIT(K_CONFIRM), &v);
	if ((rc = web_login_throttled(w, q, r, ve, msg, sizeof(msg))) != 0) {
		if (rc == 1)
			web_error(w, r, 429, msg);
		return;
	}
	password_form(&v, &pf);
	if (pf.err_old == NULL) {
		if ((rc = db_ve_hash(w->db, ve, hash, sizeof(hash))) < 0) {
			web_unavailable(w, r);
			return;
		}
		/*
		 * One slot of [web] max_concurrent_hashes for both hashes (the old
		 * password checked, the new one made), so a change never waits
		 * twice; busy: 503 and nothing written.
		 */
		if ((slot = web_hash_slot(w, r, "checked")) == AUTH_SLOT_BUSY)
			return;
		if (!(rc == 1 && auth_verify(hash, v.s[K_OLD_PASSWORD]))) {
			throttle_fail(w->db, ve, q->remote_addr, w->now);
			pf.err_old = "The current password is wrong.";
		}
	}
	if (pf.err_old != NULL || pf.err_new != NULL || pf.err_confirm != NULL) {
		auth_slot_release(slot);
		show_dashboard(w, q, r, 400, VR_HOUR, 0, &pf);
		return;
	}
	/* Hash first, then write: no transaction waits on argon2id. */
	/* And the node's crypt(3) hash: the VE's root password follows within 10 s. */
	rc = auth_hash_both(&w->argon, v.s[K_NEW_PASSWORD], nh, sizeof(nh), nc);
	auth_slot_release(slot);
	if (rc == 0)
		rc = db_ve_set_hash(w->db, ve, nh, nc, w->now) == DB_OK ? 0 : -1;
	explicit_bzero(nh, sizeof(nh));
	explicit_bzero(nc, sizeof(nc));
	if (rc == -1) {
		web_error(w, r, 503, "The password could not be changed; please try again in a moment.");
		return;
	}
	/* Every other session of this VE ends; this browser gets a fresh one. */
	session_destroy_subject(w->db, "self", ve);
	if (web_session_start(w, q, r, ve) == -1)
		return;
	log_info("self: %s changed its password", ve);
	resp_redirect(r, "/self?changed=1");
}

/*
 * POST /self/power (action=start|stop|restart, with the session's CSRF
 * token): the owner's power action, as POST /api/v1/ves/{id}/power.
 */
void
page_power(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	const char *ve = w->session.subject;
	struct form v;
	char to[40];
	int rc;

	(void)caps;
	if (self_read(&q->form, BIT(K_ACTION), &v) > 0) {
		web_error(w, r, 400, "Choose Start, Stop or Restart; nothing was changed.");
		return;
	}
	rc = db_ve_power(w->db, ve, (enum ve_power)v.n[K_ACTION], ve, w->now);
	switch (rc) {
	case VPR_OK:
		log_info("self: %s asked to %s", ve, ve_power_names[v.n[K_ACTION]]);
		snprintf(to, sizeof(to), "/self?powered=%s", ve_power_names[v.n[K_ACTION]]);
		resp_redirect(r, to);
		break;
	case VPR_SUSPENDED:
		web_error(w, r, 409, "Your VE is suspended or has expired, so it cannot be started, stopped "
		    "or restarted; nothing was changed.");
		break;
	case VPR_NOVE:
		web_error(w, r, 404, "This VE no longer exists.");
		break;
	default:
		web_error(w, r, 503, "The service is briefly unavailable; nothing was changed. Please try "
		    "again in a moment.");
		break;
	}
}
