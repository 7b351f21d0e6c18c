/*
 * The frame every FastCGI program shares: flags, configuration, a prefork
 * supervisor that restarts dead workers, the accept loop, body limits, and
 * dispatch through the program's pages[] table (unknown path 404, wrong
 * method 405, both answered before any handler runs).
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
	int			 api;		/* JSON errors instead of pages */
	/* Signs pre-session form tokens; made before the workers fork, so all share it. */
	unsigned char		 form_key[AUTH_FORM_KEY_LEN];
	void			*app;		/* the program's own state */
};

typedef void (*page_fn)(struct web *, struct req *, struct resp *, char caps[][80]);

struct page {
	const char	*pattern;	/* "/signup", "/signup" or "/api/v1/ves/STAR/history", STAR = "*" */
	unsigned	 methods;	/* M_GET | M_POST ... */
	page_fn		 fn;
};

/*
 * Run the program: parse flags (-f conf, -s socket, -w workers, -n, -d),
 * load the configuration, call init (may be NULL) once per worker, and
 * serve until SIGTERM.  Returns the exit status.
 */
int	web_main(int argc, char **argv, const char *prog, const struct page *pages,
	    size_t npages, int (*init)(struct web *));
/* Dispatch one parsed request through pages (exposed for tests). */
void	web_dispatch(struct web *, const struct page *, size_t, struct req *, struct resp *);
/* The database, connecting if needed; NULL (and a 503 set in resp) when away. */
struct db *web_db(struct web *, struct resp *);
/* Answer an error as JSON (API) or as a small page. */
void	web_error(struct web *, struct resp *, int status, const char *msg);

#endif
