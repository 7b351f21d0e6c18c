/*
 * The API poll (see sync.h).  Two halves: sync_parse(), the one place the
 * API's JSON becomes struct ve_spec (every field checked, a bad entry
 * skipped and logged, never trusted further), and the poller, a libcurl
 * multi handle whose sockets and timer live in the agent's event loop, so
 * a slow or dead API never holds up /metrics.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "log.h"
#include "loop.h"
#include "sync.h"
#include "util.h"

/* ---- the parser ---- */

#define KBPS_MAX	100000000ULL	/* 100 Gbit/s */
#define MB_MAX		(1ULL << 40)

static const struct {
	const char	*key;
	size_t		 off;
	uint64_t	 min, max;
} num_fields[] = {
	{ "disk_quota_mb", offsetof(struct ve_spec, disk_quota_mb), 1, MB_MAX },
	{ "cpu_min_bogomips", offsetof(struct ve_spec, cpu_min_bogomips), 0, 1000000000ULL },
	{ "mem_max_mb", offsetof(struct ve_spec, mem_max_mb), 0, MB_MAX },
	{ "net_bw_min_kbps", offsetof(struct ve_spec, net_bw_min_kbps), 0, KBPS_MAX },
	{ "net_bw_max_kbps", offsetof(struct ve_spec, net_bw_max_kbps), 0, KBPS_MAX },
	{ "net_in_bw_min_kbps", offsetof(struct ve_spec, net_in_bw_min_kbps), 0, KBPS_MAX },
	{ "net_in_bw_max_kbps", offsetof(struct ve_spec, net_in_bw_max_kbps), 0, KBPS_MAX },
	{ "net_out_bw_min_kbps", offsetof(struct ve_spec, net_out_bw_min_kbps), 0, KBPS_MAX },
	{ "net_out_bw_max_kbps", offsetof(struct ve_spec, net_out_bw_max_kbps), 0, KBPS_MAX },
	{ "throttle_kbps", offsetof(struct ve_spec, throttle_kbps), 0, KBPS_MAX },
};

/* Addresses a VE may never carry: this-network, loopback, multicast, reserved. */
static int
ip_usable(uint32_t a)
{
	uint32_t top = a >> 24;
	return top != 0 && top != 127 && top < 224;
}

/* Fill *sp from one entry; 0, or -1 with the reason in why. */
static int
parse_entry(json_t *e, struct ve_spec *sp, char *why, size_t whylen)
{
	json_t *j;
	const char *s;
	int fw;

	memset(sp, 0, sizeof(*sp));
	if (!json_is_object(e)) {
		snprintf(why, whylen, "is not an object");
		return -1;
	}
	j = json_object_get(e, "ve_id");
	if (!json_is_string(j) || !ve_id_valid(json_string_value(j))) {
		snprintf(why, whylen, "ve_id is not 8 upper-case hex digits");
		return -1;
	}
	memcpy(sp->id, json_string_value(j), VE_ID_LEN + 1);

	j = json_object_get(e, "state");
	s = json_is_string(j) ? json_string_value(j) : "";
	if (strcmp(s, "active") == 0)
		sp->state = VE_ACTIVE;
	else if (strcmp(s, "suspended") == 0)
		sp->state = VE_SUSPENDED;
	else {
		snprintf(why, whylen, "state is not active or suspended");
		return -1;
	}

	j = json_object_get(e, "ips");
	if (!json_is_array(j) || json_array_size(j) > VE_MAX_IPS) {
		snprintf(why, whylen, "ips is not an array of at most %d addresses", VE_MAX_IPS);
		return -1;
	}
	for (size_t i = 0; i < json_array_size(j); i++) {
		json_t *a = json_array_get(j, i);
		uint32_t ip;

		if (!json_is_string(a) ||
		    ve_ipv4_parse(json_string_value(a), json_string_length(a), &ip) == -1 ||
		    !ip_usable(ip)) {
			snprintf(why, whylen, "ips[%zu] is not a usable IPv4 address", i);
			return -1;
		}
		for (size_t k = 0; k < sp->nips; k++)
			if (sp->ips[k] == ip) {
				snprintf(why, whylen, "ips[%zu] is listed twice", i);
				return -1;
			}
		sp->ips[sp->nips++] = ip;
	}

	for (size_t i = 0; i < nitems(num_fields); i++) {
		json_int_t v;

		j = json_object_get(e, num_fields[i].key);
		if (!json_is_integer(j)) {
			snprintf(why, whylen, "%s is missing or not a whole number",
			    num_fields[i].key);
			return -1;
		}
		v = json_integer_value(j);
		if (v < 0 || (uint64_t)v < num_fields[i].min || (uint64_t)v > num_fields[i].max) {
			snprintf(why, whylen, "%s is out of range", num_fields[i].key);
			return -1;
		}
		memcpy((char *)sp + num_fields[i].off, &(uint64_t){ (uint64_t)v },
		    sizeof(uint64_t));
	}
	if ((sp->net_bw_min_kbps && sp->net_bw_max_kbps &&
	    sp->net_bw_min_kbps > sp->net_bw_max_kbps) ||
	    (sp->net_in_bw_min_kbps && sp->net_in_bw_max_kbps &&
	    sp->net_in_bw_min_kbps > sp->net_in_bw_max_kbps) ||
	    (sp->net_out_bw_min_kbps && sp->net_out_bw_max_kbps &&
	    sp->net_out_bw_min_kbps > sp->net_out_bw_max_kbps)) {
		snprintf(why, whylen, "a bandwidth minimum exceeds its maximum");
		return -1;
	}

	j = json_object_get(e, "firewall");
	if (!json_is_string(j) || (fw = firewall_parse(json_string_value(j))) == -1) {
		snprintf(why, whylen, "firewall is not one of open, client, simple, closed, none, file");
		return -1;
	}
	sp->firewall = (enum firewall)fw;
	j = json_object_get(e, "firewall_file");
	if (sp->firewall == FW_FILE) {
		if (!json_is_string(j) || !ve_fwfile_valid(json_string_value(j))) {
			snprintf(why, whylen, "firewall_file is not a ruleset name");
			return -1;
		}
		snprintf(sp->firewall_file, sizeof(sp->firewall_file), "%s",
		    json_string_value(j));
	} else if (j == NULL || !json_is_null(j)) {
		snprintf(why, whylen, "firewall_file must be null unless firewall is file");
		return -1;
	}
	return sync_parse_real(e, sp, why, whylen);
}

struct ent {
	struct ve_spec	 sp;
	size_t		 orig;
	int		 drop;
};

static int
ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	int c = strcmp(x->sp.id, y->sp.id);

	if (c != 0)
		return c;
	return x->orig < y->orig ? -1 : x->orig > y->orig;
}

struct ipref {
	uint32_t	 ip;
	size_t		 orig;
	size_t		 ent;
};

static int
ipref_cmp(const void *a, const void *b)
{
	const struct ipref *x = a, *y = b;

	if (x->ip != y->ip)
		return x->ip < y->ip ? -1 : 1;
	return x->orig < y->orig ? -1 : x->orig > y->orig;
}

int
sync_parse(const char *text, size_t len, const char *node, struct ve_spec **out,
    size_t *nout, size_t *nbad, char *err, size_t errlen)
{
	json_t *root = NULL, *ves, *j;
	json_error_t je;
	struct ent *ents = NULL;
	struct ipref *refs = NULL;
	size_t n, ne = 0, nref = 0, k;
	int rc = -1;

	*out = NULL;
	*nout = 0;
	*nbad = 0;
	if ((root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je)) == NULL) {
		snprintf(err, errlen, "the answer is not JSON (line %d: %s)", je.line, je.text);
		goto out;
	}
	j = json_object_get(root, "node");
	if (!json_is_object(root) || !json_is_string(j)) {
		snprintf(err, errlen, "the answer has no \"node\"");
		goto out;
	}
	if (strcmp(json_string_value(j), node) != 0) {
		snprintf(err, errlen, "the answer is for another node");
		goto out;
	}
	ves = json_object_get(root, "ves");
	if (!json_is_array(ves) || (n = json_array_size(ves)) > SYNC_MAX_VES) {
		snprintf(err, errlen, "the answer has no \"ves\" array of at most %d",
		    SYNC_MAX_VES);
		goto out;
	}
	if (n == 0) {
		rc = 0;
		goto out;
	}
	if ((ents = calloc(n, sizeof(*ents))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char why[128];

		if (parse_entry(json_array_get(ves, i), &ents[ne].sp, why, sizeof(why)) == -1) {
			json_t *id = json_object_get(json_array_get(ves, i), "ve_id");
			log_warnx("API: ves[%zu] (%s) skipped: %s", i,
			    json_is_string(id) && ve_id_valid(json_string_value(id)) ?
			    json_string_value(id) : "?", why);
			(*nbad)++;
			continue;
		}
		ents[ne].orig = i;
		nref += ents[ne].sp.nips;
		ne++;
	}

	/* A VE listed twice: the first entry counts. */
	qsort(ents, ne, sizeof(*ents), ent_cmp);
	for (size_t i = 1; i < ne; i++)
		if (strcmp(ents[i].sp.id, ents[i - 1].sp.id) == 0) {
			log_warnx("API: ves[%zu] (%s) skipped: listed twice",
			    ents[i].orig, ents[i].sp.id);
			ents[i].drop = 1;
		}

	/* An address on two VEs: the VE listed first keeps it, the other is skipped. */
	if (nref > 0) {
		if ((refs = calloc(nref, sizeof(*refs))) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		k = 0;
		for (size_t i = 0; i < ne; i++)
			for (size_t a = 0; a < ents[i].sp.nips; a++)
				refs[k++] = (struct ipref){ ents[i].sp.ips[a], ents[i].orig, i };
		qsort(refs, nref, sizeof(*refs), ipref_cmp);
		for (size_t i = 1; i < nref; i++) {
			struct ent *e = &ents[refs[i].ent];
			char ip[16];

			if (refs[i].ip != refs[i - 1].ip || e->drop)
				continue;
			ve_ipv4_fmt(refs[i].ip, ip);
			log_warnx("API: ves[%zu] (%s) skipped: %s is also on another VE",
			    e->orig, e->sp.id, ip);
			e->drop = 1;
		}
	}

	k = 0;
	for (size_t i = 0; i < ne; i++) {
		if (ents[i].drop) {
			(*nbad)++;
			continue;
		}
		memmove(&ents[k].sp, &ents[i].sp, sizeof(ents[i].sp));
		k++;
	}
	if (k > 0) {
		struct ve_spec *v = malloc(k * sizeof(*v));

		if (v == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < k; i++)
			v[i] = ents[i].sp;
		*out = v;
	}
	*nout = k;
	rc = 0;
out:
	free(refs);
	free(ents);
	json_decref(root);
	return rc;
}

/* ---- the token ---- */

int
api_url_check(const char *url, int insecure, char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int rc = -1;

	if (u == NULL || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		snprintf(err, errlen, "not a URL such as https://panel.example.net/api/v1");
		goto out;
	}
	if (strcasecmp(scheme, "https") == 0)
		rc = 0;
	else if (strcasecmp(scheme, "http") != 0)
		snprintf(err, errlen, "use https:// (or http:// on this host)");
	else if (insecure || strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
	    (strncmp(host, "127.", 4) == 0 && strspn(host, "0123456789.") == strlen(host)))
		rc = 0;
	else
		snprintf(err, errlen, "the node's token would travel in clear text: use https:// "
		    "(with --ca-file or --pin-pubkey for a private CA), or --insecure on a trusted network");
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

int
sync_read_token(const char *path, char *tok, size_t toklen, char *err, size_t errlen)
{
	struct stat st;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "cannot read the token file %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && (st.st_mode & S_IROTH))
		log_warnx("token file %s is readable by everyone", path);
	n = read(fd, tok, toklen - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "cannot read the token file %s: %s", path, strerror(errno));
		return -1;
	}
	while (n > 0 && (tok[n - 1] == '\n' || tok[n - 1] == '\r' ||
	    tok[n - 1] == ' ' || tok[n - 1] == '\t'))
		n--;
	tok[n] = '\0';
	if (n == 0 || (size_t)n >= toklen - 1) {
		snprintf(err, errlen, "the token file %s must hold one token of 1 to %zu characters",
		    path, toklen - 2);
		return -1;
	}
	for (ssize_t i = 0; i < n; i++)
		if (tok[i] <= 0x20 || tok[i] >= 0x7f) {
			snprintf(err, errlen, "the token file %s holds more than one printable word", path);
			explicit_bzero(tok, toklen);
			return -1;
		}
	return 0;
}

/* ---- the poller ---- */

enum api_state { API_NEVER, API_UP, API_DOWN };

struct sync {
	struct loop	*loop;
	struct sync_conf c;
	char		*url;
	char		 token[257];
	sync_apply_fn	*apply;
	void		*arg;

	CURLM		*multi;
	CURL		*easy;
	struct curl_slist *hdrs;
	struct buf	 body;
	int		 inflight;
	int		 again;		/* a kick arrived while in flight */
	int		 reload;	/* re-read the token before the next poll */
	long long	 poll_timer;	/* the next poll */
	long long	 curl_timer;	/* libcurl's own timeout, 0: none */

	struct ve_spec	*last;		/* the last good answer, parsed */
	size_t		 nlast;
	uint64_t	 last_hash;	/* of its body: unchanged answers are not parsed again */
	size_t		 last_len;

	enum api_state	 state;
	time_t		 down_since;
	unsigned	 fails;		/* consecutive */
	long long	 backoff_ms;
};

/* The one place the API's state changes; logs each transition once. */
static void
api_set(struct sync *s, int ok, const char *why)
{
	time_t now = time(NULL);

	if (ok) {
		if (s->state == API_DOWN)
			log_info("API back after %lld s (%u failed polls)",
			    (long long)(now - s->down_since), s->fails);
		else if (s->state == API_NEVER)
			log_info("API up: %s", s->url);
		s->state = API_UP;
		s->fails = 0;
		s->backoff_ms = 0;
		return;
	}
	s->fails++;
	s->backoff_ms = s->backoff_ms == 0 ? 1000 : s->backoff_ms * 2;
	if (s->backoff_ms > s->c.backoff_max_ms)
		s->backoff_ms = s->c.backoff_max_ms;
	if (s->state != API_DOWN) {
		log_warnx("API down: %s; keeping the last known VEs, retrying", why);
		s->state = API_DOWN;
		s->down_since = now;
	} else
		log_debug("API still down: %s (retry in %lld ms)", why, s->backoff_ms);
}

static size_t
on_data(char *p, size_t sz, size_t nm, void *arg)
{
	struct sync *s = arg;
	size_t n = sz * nm;

	if (s->body.len + n > SYNC_MAX_BODY)
		return 0;	/* aborts the transfer */
	if (buf_append(&s->body, p, n) == -1)
		return 0;
	return n;
}

static void	check_done(struct sync *);
static long long poll_due(struct loop *, long long, void *);

static void
curl_io(struct loop *l, int fd, int mask, void *arg)
{
	struct sync *s = arg;
	int running, ev = 0;

	if (mask & LOOP_READ)
		ev |= CURL_CSELECT_IN;
	if (mask & LOOP_WRITE)
		ev |= CURL_CSELECT_OUT;
	curl_multi_socket_action(s->multi, fd, ev, &running);
	check_done(s);
}

static int
on_socket(CURL *e, curl_socket_t fd, int what, void *arg, void *sockp)
{
	struct sync *s = arg;
	int mask = (what == CURL_POLL_IN ? LOOP_READ : 0) |
	    (what == CURL_POLL_OUT ? LOOP_WRITE : 0) |
	    (what == CURL_POLL_INOUT ? LOOP_READ | LOOP_WRITE : 0);

	if (what == CURL_POLL_REMOVE) {
		loop_io_del(s->loop, fd);
		curl_multi_assign(s->multi, fd, NULL);
		return 0;
	}
	if (sockp == NULL) {
		if (loop_io_add(s->loop, fd, mask, curl_io, s) == -1) {
			log_warn("%s: loop_io_add", __func__);
			return -1;
		}
		curl_multi_assign(s->multi, fd, s);
	} else
		(void)loop_io_mod(s->loop, fd, mask);
	return 0;
}

static long long
curl_timeout(struct loop *l, long long id, void *arg)
{
	struct sync *s = arg;
	int running;

	s->curl_timer = 0;	/* libcurl may set a new one from inside */
	curl_multi_socket_action(s->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(s);
	return -1;
}

static int
on_timer(CURLM *m, long ms, void *arg)
{
	struct sync *s = arg;

	if (s->curl_timer != 0) {
		loop_timer_del(s->loop, s->curl_timer);
		s->curl_timer = 0;
	}
	if (ms >= 0 && (s->curl_timer = loop_timer_add(s->loop, ms, curl_timeout, s)) == -1) {
		s->curl_timer = 0;
		return -1;
	}
	return 0;
}

static int	set_auth(struct sync *, char *, size_t);

static void
start_poll(struct sync *s)
{
	int running;

	if (s->inflight) {
		s->again = 1;
		return;
	}
	if (s->reload) {
		char err[256];

		/* Only between transfers: libcurl reads the header list during one. */
		s->reload = 0;
		if (set_auth(s, err, sizeof(err)) == -1)
			log_warnx("%s; keeping the previous token", err);
	}
	buf_reset(&s->body);
	if (curl_multi_add_handle(s->multi, s->easy) != CURLM_OK) {
		api_set(s, 0, "cannot start a transfer");
		loop_timer_reset(s->loop, s->poll_timer, s->backoff_ms);
		return;
	}
	s->inflight = 1;
	curl_multi_socket_action(s->multi, CURL_SOCKET_TIMEOUT, 0, &running);
}

static uint64_t
fnv1a(const char *p, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

static void
finish(struct sync *s, CURLcode res)
{
	const char *body = s->body.data ? s->body.data : "";
	struct ve_spec *v = NULL;
	size_t n = 0, nbad = 0;
	uint64_t h = 0;
	long code = 0;
	char why[256];
	int ok = 0;

	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
	if (res != CURLE_OK)
		snprintf(why, sizeof(why), "%s", curl_easy_strerror(res));
	else if (code != 200)
		snprintf(why, sizeof(why), "HTTP status %ld", code);
	else if ((h = fnv1a(body, s->body.len)) == s->last_hash &&
	    s->body.len == s->last_len && s->state == API_UP)
		ok = 2;		/* same answer as before: no need to parse or log again */
	else if (sync_parse(body, s->body.len, s->c.node, &v, &n, &nbad,
	    why, sizeof(why)) == 0)
		ok = 1;
	api_set(s, ok != 0, why);
	if (ok == 1) {
		if (nbad > 0)
			log_warnx("API: %zu VE entries skipped, %zu applied", nbad, n);
		free(s->last);
		s->last = v;
		s->nlast = n;
		s->last_hash = h;
		s->last_len = s->body.len;
	}
	/* Applied every time: the agent retries what failed last time. */
	if (ok)
		s->apply(s->arg, s->last, s->nlast);
	if (s->body.cap > 1024 * 1024)
		buf_free(&s->body);
	loop_timer_reset(s->loop, s->poll_timer, ok ? s->c.period_ms : s->backoff_ms);
}

static void
check_done(struct sync *s)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(s->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_multi_remove_handle(s->multi, m->easy_handle);
		s->inflight = 0;
		finish(s, m->data.result);
		if (s->again) {
			s->again = 0;
			start_poll(s);
		}
	}
}

static long long
poll_due(struct loop *l, long long id, void *arg)
{
	struct sync *s = arg;

	start_poll(s);
	/* finish() sets the real next due time; this is a safety net. */
	return s->c.backoff_max_ms;
}

static int
set_auth(struct sync *s, char *err, size_t errlen)
{
	char hdr[300];
	struct curl_slist *h = NULL, *t;

	if (sync_read_token(s->c.token_file, s->token, sizeof(s->token), err, errlen) == -1)
		return -1;
	snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", s->token);
	if ((t = curl_slist_append(NULL, hdr)) == NULL)
		goto oom;
	h = t;
	if ((t = curl_slist_append(h, "Accept: application/json")) == NULL)
		goto oom;
	explicit_bzero(hdr, sizeof(hdr));
	curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, h);
	if (s->hdrs != NULL)
		curl_slist_free_all(s->hdrs);
	s->hdrs = h;
	return 0;
oom:
	explicit_bzero(hdr, sizeof(hdr));
	curl_slist_free_all(h);
	snprintf(err, errlen, "out of memory");
	return -1;
}

struct sync *
sync_new(struct loop *l, const struct sync_conf *c, sync_apply_fn *fn, void *arg,
    char *err, size_t errlen)
{
	struct sync *s;
	size_t alen;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->loop = l;
	s->c = *c;
	s->apply = fn;
	s->arg = arg;
	buf_init(&s->body);
	alen = strlen(c->api);
	while (alen > 0 && c->api[alen - 1] == '/')
		alen--;
	if ((strncmp(c->api, "http://", 7) != 0 && strncmp(c->api, "https://", 8) != 0) ||
	    alen <= 8) {
		snprintf(err, errlen, "--api %s is not an http:// or https:// URL", c->api);
		goto fail;
	}
	if (asprintf(&s->url, "%.*s/nodes/%s/ves", (int)alen, c->api, c->node) == -1) {
		s->url = NULL;
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((s->multi = curl_multi_init()) == NULL || (s->easy = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "cannot initialise libcurl");
		goto fail;
	}
	if (set_auth(s, err, errlen) == -1)
		goto fail;
	curl_multi_setopt(s->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(s->multi, CURLMOPT_SOCKETDATA, s);
	curl_multi_setopt(s->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(s->multi, CURLMOPT_TIMERDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_URL, s->url);
	curl_easy_setopt(s->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	/* A private CA or a pinned key for the API's certificate (veagent(8)). */
	if (s->c.ca_file != NULL)
		curl_easy_setopt(s->easy, CURLOPT_CAINFO, s->c.ca_file);
	if (s->c.pin != NULL)
		curl_easy_setopt(s->easy, CURLOPT_PINNEDPUBLICKEY, s->c.pin);
	curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->easy, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, 15000L);
	curl_easy_setopt(s->easy, CURLOPT_MAXFILESIZE, (long)SYNC_MAX_BODY);
	curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_USERAGENT, "veagent/" PACKAGE_VERSION);
	curl_easy_setopt(s->easy, CURLOPT_ACCEPT_ENCODING, "");
	if ((s->poll_timer = loop_timer_add(l, 0, poll_due, s)) == -1) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	return s;
fail:
	sync_free(s);
	return NULL;
}

void
sync_kick(struct sync *s)
{
	s->reload = 1;
	if (s->inflight) {
		s->again = 1;
		return;
	}
	loop_timer_reset(s->loop, s->poll_timer, 0);
}

int
sync_up(const struct sync *s)
{
	return s->state == API_NEVER ? -1 : s->state == API_UP;
}

void
sync_free(struct sync *s)
{
	if (s == NULL)
		return;
	if (s->poll_timer > 0)
		loop_timer_del(s->loop, s->poll_timer);
	if (s->curl_timer > 0)
		loop_timer_del(s->loop, s->curl_timer);
	if (s->multi != NULL && s->easy != NULL && s->inflight)
		curl_multi_remove_handle(s->multi, s->easy);
	if (s->easy != NULL)
		curl_easy_cleanup(s->easy);
	if (s->multi != NULL)
		curl_multi_cleanup(s->multi);
	curl_slist_free_all(s->hdrs);
	explicit_bzero(s->token, sizeof(s->token));
	free(s->last);
	buf_free(&s->body);
	free(s->url);
	free(s);
}
