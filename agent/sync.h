/*
 * How veagent learns its VEs: it polls GET {api}/nodes/{node}/ves with
 * the node's bearer token every 5 s and on SIGHUP, through libcurl's multi
 * interface inside the agent's event loop, and hands each good answer to
 * the agent.  The API is a peer with a state (never seen, up, down): when
 * it fails the agent keeps the last known VEs and retries with exponential
 * backoff up to 60 s, logging "down" once and "back" once.
 */
#ifndef VEAGENT_SYNC_H
#define VEAGENT_SYNC_H

#include <stddef.h>

#include "ve.h"

#define SYNC_MAX_VES	100000
#define SYNC_MAX_BODY	(64u * 1024 * 1024)

/*
 * Parse the API's answer for node.  Returns 0 with a malloc'd array of
 * specs sorted by id in *out (caller frees; NULL when empty), *nout, and
 * in *nbad the entries skipped (each is logged once with its reason);
 * -1 when the document as a whole is unusable, with a reason in err.
 */
int	sync_parse(const char *text, size_t len, const char *node,
	    struct ve_spec **out, size_t *nout, size_t *nbad,
	    char *err, size_t errlen);

/* The optional fields of the real backend (sync_real.c); 0, or -1 with why. */
typedef struct json_t json_t;
int	sync_parse_real(json_t *entry, struct ve_spec *, char *why, size_t whylen);
/* sync_move.c: move_out, move_from (0, or -1 with why). */
int	sync_parse_move(json_t *entry, struct ve_spec *, char *why, size_t whylen);

struct loop;
struct sync;

/* Called with a freshly parsed, valid list (borrowed for the call). */
typedef void	sync_apply_fn(void *arg, const struct ve_spec *, size_t);

struct sync_conf {
	const char	*api;		/* base URL, e.g. http://127.0.0.1:8080/api/v1 */
	const char	*node;
	const char	*token_file;
	const char	*ca_file;	/* CURLOPT_CAINFO, or NULL: the system's CAs */
	const char	*pin;		/* CURLOPT_PINNEDPUBLICKEY "sha256//...", or NULL */
	long long	 period_ms;	/* 5000 */
	long long	 backoff_max_ms;	/* 60000 */
};

/* NULL with a sentence in err (bad URL, unreadable token file...). */
struct sync	*sync_new(struct loop *, const struct sync_conf *, sync_apply_fn *,
		    void *arg, char *err, size_t errlen);
/* Poll now (SIGHUP); re-reads the token file. */
void		 sync_kick(struct sync *);
/* -1 never answered yet, 0 down, 1 up. */
int		 sync_up(const struct sync *);
void		 sync_free(struct sync *);

/*
 * May the node's token go to this API URL?  https:// always; http:// only
 * to a loopback host (127.0.0.0/8, ::1, localhost) or with insecure set.
 * 0, or -1 with a sentence in err.
 */
int		 api_url_check(const char *url, int insecure, char *err, size_t errlen);

/* Read a token file: one line of printable ASCII; 0 or -1 with err. */
int		 sync_read_token(const char *path, char *tok, size_t toklen,
		    char *err, size_t errlen);

#endif
