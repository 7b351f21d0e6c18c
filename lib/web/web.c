/*
 * FastCGI program frame; see web.h.  The parent process only supervises:
 * it opens the listening socket, forks the workers and restarts any that
 * die (slowly, if they keep dying).  Workers accept one request at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "conf.h"
#include "credcache.h"
#include "db.h"
#include "log.h"
#include "tmpl.h"
#include "veid.h"
#include "web.h"

#define MAX_WORKERS 64

static volatile sig_atomic_t got_term, got_hup;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

/* The time in milliseconds. */
static long long
clock_now_ms(void)
{
	/* Tests move time forward by writing an offset (seconds) into this file. */
	const char *f = getenv("VEP_FAKE_CLOCK_FILE");
	long long now = (long long)(vep_wall_us() / 1000);

	if (f != NULL && *f != '\0') {
		FILE *fp = fopen(f, "r");
		long long off = 0;
		if (fp != NULL) {
			if (fscanf(fp, "%lld", &off) != 1)
				off = 0;
			fclose(fp);
		}
		now += off * 1000;
	}
	return now;
}

void
web_error(struct web *w, struct resp *r, int status, const char *msg)
{
	if (w->api)
		resp_json_error(r, status, msg, NULL);
	else {
		struct tmpl_dict *d = tmpl_dict_new();
		r->status = status;
		buf_reset(&r->body);
		if (d != NULL) {
			tmpl_set_int(d, "STATUS", status);
			tmpl_set(d, "MESSAGE", msg);
			struct tmpl_dict *h = tmpl_include(d, "HEADER", "layout/header.tpl");
			tmpl_set(h, "TITLE", http_reason(status));
			tmpl_set(h, "ISP_NAME", conf_str(w->conf, "isp", "name"));
			tmpl_include(d, "FOOTER", "layout/footer.tpl");
			tmpl_set(d, "TITLE", http_reason(status));
		}
		if (d == NULL || tmpl_render("error.tpl", d, &r->body) == -1) {
			r->ctype = "text/plain; charset=utf-8";
			buf_reset(&r->body);
			buf_printf(&r->body, "%d %s: %s\n", status, http_reason(status), msg);
		}
		tmpl_dict_free(d);
	}
}

int
web_hash_slot(struct web *w, struct resp *r, const char *doing)
{
	char msg[160];
	int slot;

	if ((slot = auth_slot_enter(w->conf)) == AUTH_SLOT_BUSY) {
		resp_header(r, "Retry-After", "1");
		snprintf(msg, sizeof(msg), "Too many passwords are being %s right now; nothing was "
		    "changed. Please try again in a second.", doing);
		web_error(w, r, 503, msg);
	}
	return slot;
}

int
web_hash_new_password(struct web *w, struct resp *r, const char *doing, const char *pw,
    char *hash, size_t hashlen, char crypt[AUTH_CRYPT_MAX], const char *failed)
{
	int slot, rc;

	if ((slot = web_hash_slot(w, r, doing)) == AUTH_SLOT_BUSY)
		return -1;
	/* Both hashes at once (issue 19), in the one slot. */
	rc = auth_hash_both(&w->argon, pw, hash, hashlen, crypt);
	auth_slot_release(slot);
	if (rc != 0) {		/* auth_hash_both cleared both */
		web_error(w, r, 503, failed);
		return -1;
	}
	return 0;
}

void
web_unavailable(struct web *w, struct resp *r)
{
	web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
}

const char *
web_cookie_name(const struct req *q, const char *base, char out[80])
{
	snprintf(out, 80, "%s%s", q->https ? "__Host-" : "", base);
	return out;
}

/* web_session, and with pg the session's page (PAGE_CACHED) from the same statement. */
static int
session_of(struct web *w, struct req *q, struct resp *r, int check_subject, struct session_page *pg)
{
	char name[80];
	const char *c;
	struct db *db;
	int rc;

	memset(&w->session, 0, sizeof(w->session));
	r->private_page = 1;
	if (w->login == NULL)
		return 0;
	if ((c = kv_get(&q->cookies, web_cookie_name(q, w->login->cookie, name))) == NULL)
		return 0;
	if ((db = web_db(w, r)) == NULL)
		return -1;
	rc = session_get_page(db, w->login->kind, c, w->now, conf_int(w->conf, "web", "session_idle_s"),
	    conf_int(w->conf, "web", "session_max_s"), &w->session, pg);
	if (rc == 1 && check_subject && w->login->subject_ok != NULL &&
	    (rc = w->login->subject_ok(w, w->session.subject)) == 0) {
		/* A subject removed meanwhile loses every session at once. */
		session_destroy_subject(db, w->login->kind, w->session.subject);
		memset(&w->session, 0, sizeof(w->session));
	}
	if (rc < 0) {
		web_unavailable(w, r);
		return -1;
	}
	return rc;
}

int
web_session(struct web *w, struct req *q, struct resp *r, int check_subject)
{
	return session_of(w, q, r, check_subject, NULL);
}

int
web_session_start(struct web *w, struct req *q, struct resp *r, const char *subject)
{
	char name[80];
	const char *old = kv_get(&q->cookies, web_cookie_name(q, w->login->cookie, name));
	struct session s;

	/* A new session id at every login: an id planted before login is worth nothing. */
	if (old != NULL)
		session_destroy(w->db, old);
	if (session_create(w->db, w->login->kind, subject, w->now, &s) != DB_OK ||
	    resp_cookie(r, name, s.id, 0, q->https) == -1) {
		web_unavailable(w, r);
		return -1;
	}
	explicit_bzero(s.id, sizeof(s.id));
	return 0;
}

void
web_session_end(struct web *w, struct req *q, struct resp *r)
{
	char name[80];
	const char *c = kv_get(&q->cookies, web_cookie_name(q, w->login->cookie, name));

	if (c != NULL && w->db != NULL)
		session_destroy(w->db, c);
	resp_cookie(r, name, "", -1, q->https);
}

void
web_page_logout(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	(void)caps;
	web_session_end(w, q, r);
	resp_redirect(r, w->login->url);
}

int
web_form_token_issue(struct web *w, struct req *q, struct resp *r, const char *cookie,
    const char *purpose, int reuse, char out[AUTH_FORM_TOKEN_MAX])
{
	char name[80];
	const char *ck = kv_get(&q->cookies, web_cookie_name(q, cookie, name));

	if (reuse && ck != NULL && auth_form_token_ok(w->form_key, purpose, ck, ck, w->now,
	    conf_int(w->conf, "web", "session_idle_s"))) {
		snprintf(out, AUTH_FORM_TOKEN_MAX, "%s", ck);
		return 0;
	}
	if (auth_form_token(w->form_key, purpose, w->now, out) == -1 ||
	    resp_cookie(r, name, out, 0, q->https) == -1)
		return -1;
	return 0;
}

void
web_form_token_clear(struct req *q, struct resp *r, const char *cookie)
{
	char name[80];

	resp_cookie(r, web_cookie_name(q, cookie, name), "", -1, q->https);
}

int
web_form_token_ok(struct web *w, struct req *q, const char *cookie, const char *purpose,
    const char *field)
{
	char name[80];

	return auth_form_token_ok(w->form_key, purpose, field,
	    kv_get(&q->cookies, web_cookie_name(q, cookie, name)), w->now,
	    conf_int(w->conf, "web", "session_idle_s"));
}

int
web_login_throttled(struct web *w, struct req *q, struct resp *r, const char *subject, char *msg,
    size_t msglen)
{
	long long ra, min;
	char s[32];
	int rc;

	rc = throttle_check(w->db, subject, q->remote_addr, w->now, conf_int(w->conf, "web", "fail_window_s"),
	    conf_int(w->conf, "web", "fail_per_ve"), conf_int(w->conf, "web", "fail_per_addr"), &ra);
	if (rc < 0) {
		web_unavailable(w, r);
		return -1;
	}
	if (rc != THROTTLE_LOCKED)
		return 0;
	snprintf(s, sizeof(s), "%lld", ra);
	resp_header(r, "Retry-After", s);
	min = (ra + 59) / 60;
	snprintf(msg, msglen, "Too many failed logins. For your safety, logging in is paused; please "
	    "try again in %lld minute%s.", min, min == 1 ? "" : "s");
	log_warnx("%s: login for %s from %s refused: throttled", w->prog, subject,
	    q->remote_addr ? q->remote_addr : "?");
	return 1;
}

int
web_password_check(struct web *w, struct req *q, struct resp *r, const struct web_pwlogin *l)
{
	char hash[256] = "", msg[200];
	int rc = 0, slot, ok;

	if ((rc = web_login_throttled(w, q, r, l->subject, msg, sizeof(msg))) != 0) {
		if (rc == 1)
			l->again(w, q, r, 429, l->shown, msg);
		return 0;
	}
	if (l->login_as != NULL && (rc = l->hash_of(w->db, l->login_as, hash, sizeof(hash))) < 0) {
		web_unavailable(w, r);
		return 0;
	}
	/* At most [web] max_concurrent_hashes argon2id runs at once, machine-wide. */
	if ((slot = auth_slot_enter(w->conf)) == AUTH_SLOT_BUSY) {
		explicit_bzero(hash, sizeof(hash));
		resp_header(r, "Retry-After", "1");
		l->again(w, q, r, 503, l->shown, "Too many logins are being checked right now; please "
		    "try again in a second.");
		return 0;
	}
	/* An unknown subject costs the same hash as a wrong password. */
	ok = l->login_as != NULL && rc == 1;
	ok = auth_verify(ok ? hash : auth_dummy_hash(&w->argon), l->password) && ok;
	auth_slot_release(slot);
	explicit_bzero(hash, sizeof(hash));
	if (!ok) {
		throttle_fail(w->db, l->subject, q->remote_addr, w->now);
		log_warnx("%s: failed login for %s from %s", w->prog, l->subject,
		    q->remote_addr ? q->remote_addr : "?");
		l->again(w, q, r, 403, l->shown, l->wrong);
		return 0;
	}
	return 1;
}

void
web_password_login(struct web *w, struct req *q, struct resp *r, const struct web_pwlogin *l)
{
	if (web_password_check(w, q, r, l) != 1)
		return;
	if (web_session_start(w, q, r, l->login_as) == -1)
		return;
	web_form_token_clear(q, r, l->token_cookie);
	log_info("%s: %s logged in from %s", w->prog, l->login_as, q->remote_addr ? q->remote_addr : "?");
	resp_redirect(r, l->to);
}

/*
 * The page's access rule (its flags), before its handler runs: 0 go on,
 * -1 answered.
 */
/* A page that needs a session, asked without one: as the program's web_login says. */
static void
refuse(struct web *w, struct req *q, struct resp *r, const struct page *p)
{
	const struct web_login *l = w->login;

	const char *ended = l->ended_msg != NULL ? l->ended_msg : "Your session has ended; please log in again.";

	if ((p->flags & PAGE_IMAGE) || (l->url == NULL && l->form == NULL))
		web_error(w, r, 403, "Log in to see this.");
	else if (l->form == NULL && (p->methods & M_GET))
		resp_redirect(r, l->url);
	else if (l->form == NULL)
		web_error(w, r, 403, ended);
	else if (p->fn == l->home)
		l->form(w, q, r, 200, NULL, NULL);
	else if (p->methods & M_GET)
		l->form(w, q, r, 403, NULL, l->get_msg);
	else
		l->form(w, q, r, 403, NULL, ended);
}

static int
page_access(struct web *w, const struct page *p, struct req *q, struct resp *r)
{
	const char *t;
	int rc;

	if (!(p->flags & (PAGE_LOGIN | PAGE_CSRF | PAGE_ADMIN)))
		return 0;
	if (w->login == NULL) {
		/* web_pages_check refuses such a table at start; never open a page by mistake. */
		web_error(w, r, 500, "This page is misconfigured.");
		return -1;
	}
	w->page.found = 0;
	if ((rc = session_of(w, q, r, (p->flags & PAGE_ADMIN) != 0,
	    (p->flags & PAGE_CACHED) ? &w->page : NULL)) < 0)
		return -1;
	if (rc == 0) {
		refuse(w, q, r, p);
		return -1;
	}
	if (p->flags & PAGE_CSRF) {
		t = kv_get(&q->form, "csrf");
		if (kv_count(&q->form, "csrf") != 1 || t == NULL || strlen(t) != 64 ||
		    !vep_ct_streq(t, w->session.csrf)) {
			log_warnx("%s: %s: CSRF token missing or wrong for %s", w->prog, q->path,
			    w->session.subject);
			web_error(w, r, 403, "This form had expired or did not come from this site; "
			    "reload the page and try again.");
			return -1;
		}
	}
	return 0;
}

int
web_pages_check(const struct web_app *app, char *err, size_t errlen)
{
	size_t off = 0;

	err[0] = '\0';
	for (size_t i = 0; i < app->npages; i++) {
		const struct page *p = &app->pages[i];
		unsigned f = p->flags;
		const char *why = NULL;

		if (!(f & (PAGE_PUBLIC | PAGE_LOGIN | PAGE_ADMIN | PAGE_TOKEN)))
			why = "has no access rule";
		else if ((f & PAGE_PUBLIC) && (f & (PAGE_LOGIN | PAGE_ADMIN | PAGE_CSRF)))
			why = "is public and needs a session";
		else if ((f & (PAGE_LOGIN | PAGE_ADMIN | PAGE_CSRF)) && app->login == NULL)
			why = "needs a session in a program without sessions";
		else if ((f & PAGE_CACHED) && !(f & PAGE_LOGIN))
			why = "reads a session's cached page without a session";
		else if ((f & PAGE_CSRF) && !(f & (PAGE_LOGIN | PAGE_ADMIN)))
			why = "wants a CSRF token without a session";
		else if ((f & (PAGE_LOGIN | PAGE_ADMIN)) && (p->methods & ~(unsigned)(M_GET | M_HEAD)) &&
		    !(f & PAGE_CSRF))
			why = "changes state without a CSRF token";
		if (why != NULL && off < errlen)
			off += (size_t)snprintf(err + off, errlen - off, "%s%s %s", off ? "; " : "",
			    p->pattern, why);
	}
	return off > 0 ? -1 : 0;
}

struct db *
web_db(struct web *w, struct resp *r)
{
	char err[256];
	if (w->db == NULL && (w->db = db_open(w->conf, err, sizeof(err))) == NULL) {
		log_warnx("%s: %s", __func__, err);
		resp_header(r, "Retry-After", "5");
		web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
	}
	return w->db;
}

void
web_dispatch(struct web *w, const struct page *pages, size_t np, struct req *q, struct resp *r)
{
	char caps[4][80];
	unsigned allowed = 0;

	w->api = strncmp(q->path, "/api/", 5) == 0;
	for (size_t i = 0; i < np; i++) {
		if (!route_match(pages[i].pattern, q->path, caps, 4))
			continue;
		unsigned m = q->method == M_HEAD ? M_GET : q->method;
		allowed |= pages[i].methods;
		if ((pages[i].methods & m) == 0)
			continue;
		/* A browser tells us a state change comes from another site: refuse it. */
		if (q->method != M_GET && q->method != M_HEAD && q->sec_fetch_site != NULL &&
		    strcmp(q->sec_fetch_site, "cross-site") == 0) {
			web_error(w, r, 403, "Cross-site requests are refused.");
			return;
		}
		if (page_access(w, &pages[i], q, r) == -1)
			return;
		/* One VEid rule everywhere (lib/domain/veid.c): the handler sees upper case. */
		if (pages[i].flags & PAGE_VEID) {
			char id[9];
			if (ve_id_norm(caps[0], id))
				memcpy(caps[0], id, sizeof(id));
		}
		pages[i].fn(w, q, r, caps);
		return;
	}
	if (allowed != 0) {
		struct buf a;
		buf_init(&a);
		if (allowed & M_GET) buf_puts(&a, "GET, HEAD, ");
		if (allowed & M_POST) buf_puts(&a, "POST, ");
		if (allowed & M_DELETE) buf_puts(&a, "DELETE, ");
		if (allowed & M_PATCH) buf_puts(&a, "PATCH, ");
		if (a.len >= 2)
			a.data[a.len - 2] = '\0';
		resp_header(r, "Allow", buf_cstr(&a));
		buf_free(&a);
		web_error(w, r, 405, "This method is not allowed here.");
		return;
	}
	web_error(w, r, 404, "There is no such page.");
}

static void
serve_one(struct web *w, FCGX_Request *fr, const struct page *pages, size_t np, size_t maxbody)
{
	struct req q;
	struct resp r;
	struct buf body, out;
	const char *cl, *err = NULL;
	long long len = 0;
	int st;

	resp_init(&r);
	buf_init(&body);
	buf_init(&out);
	memset(&q, 0, sizeof(q));
	w->now_ms = clock_now_ms();
	w->now = w->now_ms / 1000;
	cl = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
	if (cl != NULL && *cl != '\0') {
		len = vep_strtonum(cl, 0, (long long)maxbody, &err);
		if (err != NULL) {
			w->api = 1;
			const char *p = FCGX_GetParam("REQUEST_URI", fr->envp);
			w->api = p != NULL && strncmp(p, "/api/", 5) == 0;
			web_error(w, &r, 413, "The request body is too large.");
			goto send;
		}
	}
	if (len > 0) {
		char chunk[8192];
		long long left = len;
		while (left > 0) {
			int n = FCGX_GetStr(chunk, left > (long long)sizeof(chunk) ? (int)sizeof(chunk) : (int)left, fr->in);
			if (n <= 0)
				break;
			buf_append(&body, chunk, (size_t)n);
			left -= n;
		}
	}
	if ((st = req_parse(&q, fr->envp, body.data, body.len, &err)) != 0) {
		w->api = q.path != NULL && strncmp(q.path, "/api/", 5) == 0;
		web_error(w, &r, st, err);
		goto send;
	}
	web_dispatch(w, pages, np, &q, &r);
	if (w->db != NULL)
		db_rollback(w->db);	/* a handler that returned mid-transaction leaves nothing */
send:
	/*
	 * An API answer is for one credential or about one request (errors
	 * included): no cache may keep it.
	 */
	if (w->api)
		r.private_page = 1;
	resp_serialize(&r, &out, q.method == M_HEAD);
	FCGX_PutStr(out.data, (int)out.len, fr->out);
	req_free(&q);
	resp_free(&r);
	buf_free(&body);
	buf_free(&out);
}

void
web_after(struct web *w, void (*fn)(struct web *, void *), void *arg)
{
	w->after = fn;
	w->after_arg = arg;
}

static void
worker(struct web *w, int fd, const struct page *pages, size_t np, int (*init)(struct web *))
{
	FCGX_Request fr;
	size_t maxbody = (size_t)conf_int(w->conf, "web", "max_body_bytes");

	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	tmpl_init(conf_str(w->conf, "web", "templates"));
	auth_params_from_conf(w->conf, &w->argon);
	/* Made now, so the first unknown login does not cost two hashes (a timing tell). */
	auth_dummy_hash(&w->argon);
	if (init != NULL && init(w) == -1)
		exit(1);
	FCGX_Init();
	FCGX_InitRequest(&fr, fd, 0);
	while (FCGX_Accept_r(&fr) >= 0) {
		serve_one(w, &fr, pages, np, maxbody);
		FCGX_Finish_r(&fr);
		if (w->after != NULL) {
			void (*fn)(struct web *, void *) = w->after;

			w->after = NULL;
			fn(w, w->after_arg);
			if (w->db != NULL)
				db_rollback(w->db);
		}
	}
	exit(0);
}

static void
usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-dnP] [-f conf] [-s socket] [-w workers]\n", prog);
	exit(2);
}

/*
 * -P: the page table, one page a line ("GET /admin/ves/STAR admin"), for the
 * test that walks every page without a session.
 */
static void
print_pages(const struct web_app *app)
{
	static const struct { unsigned f; const char *name; } fl[] = {
		{ PAGE_PUBLIC, "public" }, { PAGE_LOGIN, "login" }, { PAGE_ADMIN, "admin" },
		{ PAGE_CSRF, "csrf" }, { PAGE_IMAGE, "image" }, { PAGE_TOKEN, "token" }, { PAGE_VEID, "veid" },
	};
	static const struct { unsigned m; const char *name; } ml[] = {
		{ M_GET, "GET" }, { M_POST, "POST" }, { M_DELETE, "DELETE" }, { M_PUT, "PUT" },
		{ M_PATCH, "PATCH" },
	};

	for (size_t i = 0; i < app->npages; i++)
		for (size_t m = 0; m < nitems(ml); m++) {
			if (!(app->pages[i].methods & ml[m].m))
				continue;
			printf("%s %s", ml[m].name, app->pages[i].pattern);
			for (size_t k = 0; k < nitems(fl); k++)
				if (app->pages[i].flags & fl[k].f)
					printf(" %s", fl[k].name);
			printf("\n");
		}
}

/*
 * The parent's loop: keep nworkers workers running (a worker that dies at
 * once is restarted at most once a second), restart all on SIGHUP, stop
 * them all on SIGTERM.
 */
static void
supervise_workers(struct web *w, int fd, const struct web_app *app, int nworkers)
{
	const char *prog = app->prog;
	pid_t pids[MAX_WORKERS] = { 0 };
	time_t started[MAX_WORKERS] = { 0 };

	log_info("%s: serving with %d workers", prog, nworkers);
	while (!got_term) {
		for (int i = 0; i < nworkers; i++) {
			if (pids[i] > 0)
				continue;
			/* A worker that dies at once is restarted at most once a second. */
			if (started[i] != 0 && time(NULL) - started[i] < 1)
				continue;
			started[i] = time(NULL);
			pid_t p = fork();
			if (p == -1) {
				log_warn("%s: fork", __func__);
				continue;
			}
			if (p == 0)
				worker(w, fd, app->pages, app->npages, app->init);
			pids[i] = p;
		}
		int status;
		pid_t p = waitpid(-1, &status, 0);
		if (p > 0) {
			for (int i = 0; i < nworkers; i++)
				if (pids[i] == p) {
					pids[i] = 0;
					if (!got_term)
						log_warnx("%s: worker %d exited (status %d); restarting",
						    prog, (int)p, status);
				}
			usleep(got_term ? 0 : 100000);
		}
		if (got_hup) {
			got_hup = 0;
			for (int i = 0; i < nworkers; i++)
				if (pids[i] > 0)
					kill(pids[i], SIGTERM);
		}
	}
	for (int i = 0; i < nworkers; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	while (wait(NULL) > 0)
		;
}

int
web_main(int argc, char **argv, const char *prog, const struct page *pages, size_t np,
    int (*init)(struct web *))
{
	const struct web_app app = { prog, pages, np, NULL, init };

	return web_run(argc, argv, &app);
}

int
web_run(int argc, char **argv, const struct web_app *app)
{
	const char *prog = app->prog;
	struct web w;
	const char *cpath = conf_default_path(), *sock = NULL, *es;
	char err[512];
	int ch, check = 0, debug = 0, nworkers = 2, fd = 0;
	struct stat sock_st = { 0 }, now_st;

	memset(&w, 0, sizeof(w));
	w.prog = prog;
	w.login = app->login;
	if (web_pages_check(app, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: page table: %s\n", prog, err);
		return 1;
	}
	while ((ch = getopt(argc, argv, "df:nPs:w:")) != -1) {
		switch (ch) {
		case 'd': debug = 1; break;
		case 'P': print_pages(app); return 0;
		case 'f': cpath = optarg; break;
		case 'n': check = 1; break;
		case 's': sock = optarg; break;
		case 'w':
			nworkers = (int)vep_strtonum(optarg, 1, MAX_WORKERS, &es);
			if (es != NULL) {
				fprintf(stderr, "%s: -w %s\n", prog, es);
				return 2;
			}
			break;
		default: usage(prog);
		}
	}
	log_init(prog, debug ? LOG_LVL_DEBUG : LOG_LVL_INFO, 1, !debug);
	if ((w.conf = conf_load(cpath, err, sizeof(err))) == NULL ||
	    db_conf_check(w.conf, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", prog, err);
		conf_free(w.conf);
		return 1;
	}
	if (auth_form_key_load(w.conf, w.form_key, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", prog, err);
		conf_free(w.conf);
		return 1;
	}
	if (check) {
		printf("%s: configuration %s is valid\n", prog, cpath);
		conf_free(w.conf);
		return 0;
	}
	if (sock != NULL) {
		mode_t old = umask(0117);	/* socket 0660: the web server's group only */
		unlink(sock);
		fd = FCGX_OpenSocket(sock, 128);
		umask(old);
		if (fd < 0) {
			fprintf(stderr, "%s: cannot listen on %s: %s\n", prog, sock, strerror(errno));
			return 1;
		}
		if (lstat(sock, &sock_st) == -1)
			memset(&sock_st, 0, sizeof(sock_st));
	}
	/* NULL (nothing remembered, every Basic check hashes) when it cannot be made. */
	if ((w.creds = credcache_new()) == NULL)
		log_warn("%s: credential cache", prog);
	/* No SA_RESTART: a signal must interrupt waitpid() so TERM stops us at once. */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	supervise_workers(&w, fd, app, nworkers);
	/*
	 * Remove our socket only if it is still ours: a successor started while
	 * we were stopping has already put its own in its place.
	 */
	if (sock != NULL && lstat(sock, &now_st) == 0 && now_st.st_dev == sock_st.st_dev &&
	    now_st.st_ino == sock_st.st_ino)
		unlink(sock);
	explicit_bzero(w.form_key, sizeof(w.form_key));
	credcache_free(w.creds);
	conf_free(w.conf);
	return 0;
}
