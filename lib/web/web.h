/*
 * The frame every FastCGI program shares: flags, configuration, a prefork
 * supervisor that restarts dead workers, the accept loop, body limits, and
 * dispatch through the program's pages[] table.  Unknown path 404, wrong
 * method 405, a cross-site POST 403, and each page's access rule (the
 * flags of its row: a session, its CSRF token) are all answered before any
 * handler runs, as kcgi's sample dispatch does: a handler that forgets a
 * check cannot open a page.
 */
#ifndef VEP_WEB_H
#define VEP_WEB_H

#include "auth.h"
#include "http.h"
#include "resp.h"

struct conf;
struct db;

struct web {
	const char		*prog;
	struct conf		*conf;
	struct db		*db;		/* NULL until the first request that needs it */
	struct argon_params	 argon;
	long long		 now;		/* this request's time (fake clock in tests) */
	long long		 now_ms;	/* the same in milliseconds */
	int			 api;		/* JSON errors instead of pages */
	/* Signs pre-session form tokens; made before the workers fork, so all share it. */
	unsigned char		 form_key[AUTH_FORM_KEY_LEN];
	/* Verified owner passwords for seconds (credcache.h); made before the workers fork, shared. */
	struct credcache	*creds;
	/*
	 * One job to run once this request's answer has been sent (web_after),
	 * then cleared; NULL: none.
	 */
	void			(*after)(struct web *, void *);
	void			*after_arg;
	void			*app;		/* the program's own state */
	const struct web_login	*login;		/* the program's sessions; NULL: none */
	struct session		 session;	/* this request's, when its page needs one */
	/* With PAGE_CACHED, the session's precomputed page (its body buffer made once per worker). */
	struct session_page	 page;
};

typedef void (*page_fn)(struct web *, struct req *, struct resp *, char caps[][80]);
/* Declares a page handler f (a page_fn), as the programs' headers list them. */
#define PAGE_FN(f)	void f(struct web *, struct req *, struct resp *, char [][80])

/*
 * A page's access rule.  A screen program (one with a web_login) must give
 * every page PAGE_PUBLIC or PAGE_LOGIN/PAGE_ADMIN, and every POST page
 * that needs a session PAGE_CSRF too; web_pages_check says which do not.
 */
enum page_flag {
	PAGE_PUBLIC	= 1 << 0,	/* anyone; the handler decides what to show */
	PAGE_LOGIN	= 1 << 1,	/* a session of the program's kind (w->session) */
	PAGE_CSRF	= 1 << 2,	/* and the session's token in the form field "csrf" */
	PAGE_ADMIN	= 1 << 3,	/* PAGE_LOGIN, and the subject is still an operator (subject_ok) */
	PAGE_IMAGE	= 1 << 4,	/* an image: refused with a plain 403, never a login page */
	PAGE_TOKEN	= 1 << 5,	/* the API: the handler checks the request's credential */
	PAGE_VEID	= 1 << 6,	/* the path's first "*" is a VEid: any case, handed on in upper case */
	PAGE_CACHED	= 1 << 7,	/* PAGE_LOGIN, and the session's check also reads its page (w->page) */
};

struct page {
	const char	*pattern;	/* "/signup", "/signup" or "/api/v1/ves/STAR/history", STAR = "*" */
	unsigned	 methods;	/* M_GET | M_POST ... */
	page_fn		 fn;
	unsigned	 flags;		/* enum page_flag */
};

/* Why the dispatcher refused a page. */
enum web_refusal { WR_NO_SESSION, WR_CSRF };

/* A screen program's sessions. */
struct web_login {
	const char	*kind;		/* sessions.kind: "admin", "self" */
	const char	*cookie;	/* its cookie ("vep_admin"); "__Host-" before it over HTTPS */
	/* For PAGE_ADMIN: 1 the subject may still log in, 0 not (its sessions end), < 0 db error. */
	int		(*subject_ok)(struct web *, const char *subject);
	/*
	 * The screen's login page (or its home showing the login form): where
	 * web_page_logout leads, and, without form, where a GET without a
	 * session is redirected; a change without one is refused 403 with
	 * ended_msg (NULL: "Your session has ended; please log in again.").
	 */
	const char	*url;
	const char	*ended_msg;
	/*
	 * A screen whose home page shows the login form without a session:
	 * home answers 200 with the form, any other GET 403 with the form and
	 * get_msg, a change 403 with the form and "your session has ended".
	 * form renders it (status, the name field's value or NULL, msg).
	 */
	page_fn		 home;
	void		(*form)(struct web *, struct req *, struct resp *, int status,
			    const char *name, const char *msg);
	const char	*get_msg;
};

/* A screen program: its pages, sessions (may be NULL) and per-worker init (may be NULL). */
struct web_app {
	const char		*prog;
	const struct page	*pages;
	size_t			 npages;
	const struct web_login	*login;
	int			(*init)(struct web *);
};

/*
 * Run the program: parse flags (-f conf, -s socket, -w workers, -n, -d),
 * load the configuration, call init (may be NULL) once per worker, and
 * serve until SIGTERM.  Returns the exit status.
 */
int	web_main(int argc, char **argv, const char *prog, const struct page *pages,
	    size_t npages, int (*init)(struct web *));
/* web_main for a program with sessions. */
int	web_run(int argc, char **argv, const struct web_app *);
/*
 * The pages of app that break the access rules above, as one sentence per
 * page into err (for tests and the start-up check).  0 when none, else -1.
 */
int	web_pages_check(const struct web_app *, char *err, size_t errlen);
/* Dispatch one parsed request through pages (exposed for tests). */
void	web_dispatch(struct web *, const struct page *, size_t, struct req *, struct resp *);
/*
 * The request's session of w->login's kind into w->session: 1 found (with
 * check_subject, also still allowed), 0 none, -1 with a 503 in r.
 */
int	web_session(struct web *, struct req *, struct resp *, int check_subject);
/* Start a new session for subject (any old one of this browser ended) and set its cookie; 0 or -1 (503 in r). */
int	web_session_start(struct web *, struct req *, struct resp *, const char *subject);
/* End the request's session and delete its cookie. */
void	web_session_end(struct web *, struct req *, struct resp *);
/* The logout page of a screen: the session ended, then to w->login->url. */
void	web_page_logout(struct web *, struct req *, struct resp *, char caps[][80]);
/* The cookie name for base: "__Host-" + base over HTTPS (pinned to this origin, Secure, Path=/). */
const char *web_cookie_name(const struct req *, const char *base, char out[80]);
/*
 * Pre-session form tokens (login and order forms; auth.h): a token signed
 * with [web] form_key_file for purpose, in the cookie base and in the
 * form.  web_form_token_issue reuses a still fresh cookie when reuse is
 * set, else makes one and sets the cookie; 0 or -1 (no randomness).
 * web_form_token_ok: 1 when the field and the cookie are the same token
 * signed for purpose within [web] session_idle_s, else 0.
 */
int	web_form_token_issue(struct web *, struct req *, struct resp *, const char *cookie,
	    const char *purpose, int reuse, char out[AUTH_FORM_TOKEN_MAX]);
int	web_form_token_ok(struct web *, struct req *, const char *cookie, const char *purpose,
	    const char *field);
/*
 * A password login, the same steps on every screen: refused while the
 * subject or the client's address had too many failures ([web] fail_*,
 * 429 with Retry-After); the password checked against the stored hash
 * inside a slot of [web] max_concurrent_hashes (an unknown subject costs
 * the same dummy hash; all slots busy: 503, nothing written); a failure
 * counted and logged (with the address, never the password); on success a
 * new session, the login form's token cookie deleted, and a redirect.
 * Every refusal is answered through again(), the program's login form.
 */
struct web_pwlogin {
	const char	*subject;	/* throttled and counted under this name */
	const char	*shown;		/* what the form shows again in its name field */
	const char	*login_as;	/* the session's subject; NULL when it cannot exist */
	const char	*password;
	/* The stored hash of login_as: 1 found, 0 none, < 0 database error. */
	int		(*hash_of)(struct db *, const char *login_as, char *hash, size_t len);
	const char	*token_cookie;	/* the login form's token cookie, deleted on success */
	const char	*to;		/* where a successful login goes */
	const char	*wrong;		/* "The name or password is wrong." */
	void		(*again)(struct web *, struct req *, struct resp *, int status,
			    const char *shown, const char *msg);
};
void	web_password_login(struct web *, struct req *, struct resp *, const struct web_pwlogin *);
/*
 * The password check of web_password_login alone (throttle, one hash
 * slot, a dummy hash for an unknown subject, a wrong one counted): 1
 * right, 0 answered through l->again (429, 503, 403) or 503.  For a
 * change that asks for the password again; token_cookie and to unused.
 */
int	web_password_check(struct web *, struct req *, struct resp *, const struct web_pwlogin *);
/*
 * The throttle alone (the password change checks it too): 1 locked
 * (Retry-After set, the sentence for the user in msg), 0 go on, -1 with a
 * 503 in r.
 */
int	web_login_throttled(struct web *, struct req *, struct resp *, const char *subject,
	    char *msg, size_t msglen);
/* Delete the form token's cookie (after a successful login). */
void	web_form_token_clear(struct req *, struct resp *, const char *cookie);
/*
 * Run fn(w, arg) after the answer to this request has gone to the web
 * server (FCGX_Finish_r), before the worker takes the next request: work
 * the answer does not wait for.  One job per request; fn owns arg.
 */
void	web_after(struct web *, void (*fn)(struct web *, void *), void *arg);
/* 503 "briefly unavailable" (the database failed). */
void	web_unavailable(struct web *, struct resp *);
/* The database, connecting if needed; NULL (and a 503 set in resp) when away. */
struct db *web_db(struct web *, struct resp *);
/* Answer an error as JSON (API) or as a small page. */
void	web_error(struct web *, struct resp *, int status, const char *msg);
/*
 * One of [web] max_concurrent_hashes for a password change (auth_slot_enter);
 * when none is free, answers 503 "Too many passwords are being <doing> right
 * now" with Retry-After and returns AUTH_SLOT_BUSY.
 */
int	web_hash_slot(struct web *, struct resp *, const char *doing);
/*
 * A new password's argon2id hash (hash, hashlen) and the node's crypt(3)
 * hash (auth_hash_both) made inside one slot of web_hash_slot: 0 made;
 * -1 answered, as web_hash_slot when every slot is busy, else 503 with
 * failed (the hashing failed; nothing is left in hash or crypt).
 */
int	web_hash_new_password(struct web *, struct resp *, const char *doing, const char *pw,
	    char *hash, size_t hashlen, char crypt[AUTH_CRYPT_MAX], const char *failed);

#endif
