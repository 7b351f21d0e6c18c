/*
 * vep-admin: the operator's login and logout.  The login form carries a
 * token of its own, signed with [web] form_key_file (web_form_token_issue),
 * in the form and in a short cookie: a login cannot be started from
 * another site, nor with a token pair the client made up.  Failed logins
 * are throttled per operator ("admin:NAME") and per client address.
 */
#include "admin.h"

#define LOGIN_COOKIE	"vep_admin_login"
#define LOGIN_PURPOSE	"admin-login"

static void
render_login(struct web *w, struct req *q, struct resp *r, int status, const char *name,
    const char *msg)
{
	struct tmpl_dict *d = admin_dict(w, NULL, "Operator login", NULL);

	if (page_login_dict(w, q, r, d, LOGIN_COOKIE, LOGIN_PURPOSE, "NAME", name, msg) == -1)
		return;
	if (d != NULL && msg == NULL)
		admin_notice(d, q);
	page_finish(w, r, status, "admin/login.tpl", d);
}

void
page_login_form(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	int rc;

	(void)caps;
	if ((rc = web_session(w, q, r, 1)) < 0)
		return;
	if (rc == 1) {
		resp_redirect(r, "/admin");
		return;
	}
	render_login(w, q, r, 200, NULL, NULL);
}

void
page_login(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct form v;
	struct web_pwlogin l;
	char subject[80];
	const char *name;

	(void)caps;
	r->private_page = 1;
	admin_read(&q->form, BIT(K_NAME) | BIT(K_PASSWORD) | BIT(K_LOGIN_TOKEN), &v);
	name = v.s[K_NAME];
	/* The login form's own token first: a login started elsewhere is not even judged. */
	if (!web_form_token_ok(w, q, LOGIN_COOKIE, LOGIN_PURPOSE, v.s[K_LOGIN_TOKEN])) {
		render_login(w, q, r, 403, name, "The login form had expired or did not come from this "
		    "site; please try again.");
		return;
	}
	if (name == NULL || v.bad[K_PASSWORD] != NULL) {
		render_login(w, q, r, 400, v.raw[K_NAME] && strlen(v.raw[K_NAME]) <= 64 ? v.raw[K_NAME] :
		    NULL, "Enter your name and password.");
		return;
	}
	if (web_db(w, r) == NULL)
		return;
	/* login_failures.subject holds 64 characters: "admin:" and at most 58 of the name. */
	snprintf(subject, sizeof(subject), "admin:%.58s", name);
	l = (struct web_pwlogin){ subject, name, name, v.s[K_PASSWORD], db_admin_hash, LOGIN_COOKIE, "/admin",
	    "The name or password is wrong.", render_login };
	web_password_login(w, q, r, &l);
}

void
page_logout(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)caps;
	web_session_end(w, q, r);
	log_info("admin: %s logged out", w->session.subject);
	redirect_done(r, "/admin/login", "logout");
}
