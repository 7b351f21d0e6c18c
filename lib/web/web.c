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
#include "db.h"
#include "log.h"
#include "tmpl.h"
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

static long long
clock_now(void)
{
	/* Tests move time forward by writing an offset (seconds) into this file. */
	const char *f = getenv("VEP_FAKE_CLOCK_FILE");
	long long now = (long long)time(NULL);
	if (f != NULL && *f != '\0') {
		FILE *fp = fopen(f, "r");
		long long off = 0;
		if (fp != NULL) {
			if (fscanf(fp, "%lld", &off) != 1)
				off = 0;
			fclose(fp);
		}
		now += off;
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
		pages[i].fn(w, q, r, caps);
		return;
	}
	if (allowed != 0) {
		struct buf a;
		buf_init(&a);
		if (allowed & M_GET) buf_puts(&a, "GET, HEAD, ");
		if (allowed & M_POST) buf_puts(&a, "POST, ");
		if (allowed & M_DELETE) buf_puts(&a, "DELETE, ");
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
	w->now = clock_now();
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
	}
	exit(0);
}

static void
usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-dn] [-f conf] [-s socket] [-w workers]\n", prog);
	exit(2);
}

int
web_main(int argc, char **argv, const char *prog, const struct page *pages, size_t np,
    int (*init)(struct web *))
{
	struct web w;
	const char *cpath = conf_default_path(), *sock = NULL, *es;
	char err[512];
	int ch, check = 0, debug = 0, nworkers = 2, fd = 0;
	pid_t pids[MAX_WORKERS] = { 0 };
	time_t started[MAX_WORKERS] = { 0 };
	struct stat sock_st = { 0 }, now_st;

	memset(&w, 0, sizeof(w));
	w.prog = prog;
	while ((ch = getopt(argc, argv, "df:ns:w:")) != -1) {
		switch (ch) {
		case 'd': debug = 1; break;
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
	/* No SA_RESTART: a signal must interrupt waitpid() so TERM stops us at once. */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
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
				worker(&w, fd, pages, np, init);
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
	/*
	 * Remove our socket only if it is still ours: a successor started while
	 * we were stopping has already put its own in its place.
	 */
	if (sock != NULL && lstat(sock, &now_st) == 0 && now_st.st_dev == sock_st.st_dev &&
	    now_st.st_ino == sock_st.st_ino)
		unlink(sock);
	explicit_bzero(w.form_key, sizeof(w.form_key));
	conf_free(w.conf);
	return 0;
}
