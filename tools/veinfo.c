/*
 * veinfo: the customer's tool inside a VE (origin document Appendix 7.1,
 * SPEC section 6).  It knows only the API's address and a credential, read
 * from /etc/VE/VEinfo.conf (never database credentials), and answers each
 * command with one HTTP request to the JSON API:
 *
 *	GET {api_url}/ves/{id}			every command but the histories
 *	GET {api_url}/ves/{id}/history?...	the histories
 *
 * Answers go to stdout, one value per line, ERROR for a command that
 * cannot be answered.  Anything that stops every command (a bad
 * configuration, the API away, a refused credential) is one line on
 * stderr and a non-zero exit status: see EXIT_* and man/veinfo.1.  When
 * the API is away or refuses the credential, each command still gets its
 * ERROR line on stdout (a script reading one line per command stays in
 * step); the API is asked once only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "text.h"
#include "util.h"
#include "veid.h"
#include "veinfo_cmd.h"

#define DEFAULT_CONF	"/etc/VE/VEinfo.conf"
#define CONF_LINE_MAX	4096
#define CONF_FILE_MAX	65536	/* a configuration is a few lines: more is not one */
#define BODY_MAX	(16 * 1024 * 1024)	/* 100000 points are about 4 MB */

enum {
	EXIT_OK = 0,		/* every command answered */
	EXIT_ERROR = 1,		/* some command printed ERROR */
	EXIT_CONF = 2,		/* usage or configuration */
	EXIT_API = 3,		/* API unreachable, timed out or failing */
	EXIT_AUTH = 4,		/* credential refused (401) or throttled (429) */
};

enum ckey { C_API_URL, C_VE_ID, C_PASSWORD, C_TOKEN, C__MAX };

static const char *const ckeys[C__MAX] = {
	[C_API_URL] = "api_url",
	[C_VE_ID] = "ve_id",
	[C_PASSWORD] = "password",
	[C_TOKEN] = "token",
};

struct veinfo {
	const char	*conf_path;
	char		*val[C__MAX];		/* owned; NULL when not given */
	CURL		*curl;
	struct buf	 body;			/* the last answer */
	int		 overflow;		/* the answer passed BODY_MAX */
	/* Cached VE documents: [0] the configured VE's, [1] the last other one's. */
	struct cached {
		json_t		*doc;
		char		 id[9];
		struct veinfo_ve ve;		/* its values (borrows doc) */
	}		 cache[2];
	int		 status;		/* exit status so far */
};

static void
usage(void)
{
	fprintf(stderr, "usage: veinfo [-n] [-f file] [-c command]\n");
	exit(EXIT_CONF);
}

/* stderr text from an untrusted source: printable ASCII only, bounded. */
static void
clean(char *out, size_t cap, const char *s)
{
	size_t i = 0;

	for (; s != NULL && *s != '\0' && i + 1 < cap; s++)
		out[i++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	out[i] = '\0';
}

static void
trim(char **s, char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r' ||
	    (*e)[-1] == '\n'))
		(*e)--;
}

/*
 * Read the configuration: "key = value" lines, '#' at the start of a line
 * is a comment.  A value runs to the end of its line (so a password may
 * hold '#' or blanks inside).  Returns 0, or -1 after one line on stderr.
 */
static int
conf_read(struct veinfo *v)
{
	FILE *fp;
	struct stat st;
	char line[CONF_LINE_MAX + 2], k[40];
	char *s, *e, *eq;
	size_t i, len;
	int lineno = 0, rc = -1, fd;

	/*
	 * Bounded reads: "-f /dev/zero" or a FIFO must not hang us (issue 17,
	 * item 10): opened without blocking, a regular file of at most
	 * CONF_FILE_MAX bytes, or refused.
	 */
	if ((fd = open(v->conf_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) == -1) {
		fprintf(stderr, "veinfo: cannot read %s: %s\n", v->conf_path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size > CONF_FILE_MAX) {
		fprintf(stderr, "veinfo: %s is not a regular file of at most %d bytes\n", v->conf_path,
		    CONF_FILE_MAX);
		close(fd);
		return -1;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		fprintf(stderr, "veinfo: cannot read %s: %s\n", v->conf_path, strerror(errno));
		close(fd);
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		len = strlen(line);
		if (len + 1 < sizeof(line) && line[len] == '\0' && !feof(fp) && (len == 0 ||
		    line[len - 1] != '\n')) {
			fprintf(stderr, "veinfo: %s:%d: the line holds a NUL byte\n", v->conf_path, lineno);
			goto out;
		}
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			fprintf(stderr, "veinfo: %s:%d: the line is too long\n", v->conf_path, lineno);
			goto out;
		}
		s = line;
		e = line + len;
		trim(&s, &e);
		if (s == e || *s == '#')
			continue;
		if ((eq = memchr(s, '=', (size_t)(e - s))) == NULL) {
			fprintf(stderr, "veinfo: %s:%d: expected \"key = value\"\n", v->conf_path, lineno);
			goto out;
		}
		char *ke = eq, *vs = eq + 1;
		trim(&s, &ke);
		trim(&vs, &e);
		*ke = '\0';
		*e = '\0';
		for (i = 0; i < C__MAX; i++)
			if (strcmp(s, ckeys[i]) == 0)
				break;
		if (i == C__MAX) {
			clean(k, sizeof(k), s);
			fprintf(stderr, "veinfo: %s:%d: unknown key \"%s\" (known: api_url, ve_id, "
			    "password, token)\n", v->conf_path, lineno, k);
			goto out;
		}
		if (v->val[i] != NULL) {
			fprintf(stderr, "veinfo: %s:%d: %s is given twice\n", v->conf_path, lineno, ckeys[i]);
			goto out;
		}
		if (*vs == '\0') {
			fprintf(stderr, "veinfo: %s:%d: %s has no value\n", v->conf_path, lineno, ckeys[i]);
			goto out;
		}
		if ((v->val[i] = strdup(vs)) == NULL) {
			fprintf(stderr, "veinfo: out of memory\n");
			goto out;
		}
	}
	if (ferror(fp)) {
		fprintf(stderr, "veinfo: cannot read %s: %s\n", v->conf_path, strerror(errno));
		goto out;
	}
	for (i = 0; i < C__MAX; i++) {
		if (v->val[i] == NULL && (i == C_API_URL || i == C_VE_ID)) {
			fprintf(stderr, "veinfo: %s: %s is missing\n", v->conf_path, ckeys[i]);
			goto out;
		}
	}
	if ((v->val[C_PASSWORD] == NULL) == (v->val[C_TOKEN] == NULL)) {
		fprintf(stderr, "veinfo: %s: give either password (a VE's) or token (the operator's)\n",
		    v->conf_path);
		goto out;
	}
	/* The one VEid rule: any case, used in upper case. */
	if (!ve_id_norm(v->val[C_VE_ID], k)) {
		fprintf(stderr, "veinfo: %s: ve_id must be 8 hexadecimal digits\n", v->conf_path);
		goto out;
	}
	memcpy(v->val[C_VE_ID], k, 9);
	s = v->val[C_API_URL];
	if ((strncasecmp(s, "http://", 7) != 0 && strncasecmp(s, "https://", 8) != 0) ||
	    strpbrk(s, " \t?#") != NULL) {
		fprintf(stderr, "veinfo: %s: api_url must be an http:// or https:// address such as "
		    "https://panel.example.net/api/v1\n", v->conf_path);
		goto out;
	}
	for (len = strlen(s); len > 0 && s[len - 1] == '/'; len--)
		s[len - 1] = '\0';
	/* A secret in a file everyone can read is no secret. */
	if (fstat(fileno(fp), &st) == 0 && (st.st_mode & S_IROTH))
		fprintf(stderr, "veinfo: warning: %s is readable by every user and holds a %s; "
		    "chmod o-r it\n", v->conf_path, v->val[C_TOKEN] != NULL ? "token" : "password");
	rc = 0;
out:
	explicit_bzero(line, sizeof(line));
	fclose(fp);
	return rc;
}

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct veinfo *v = arg;
	size_t len = size * n;	/* size is 1 (libcurl's promise) */

	if (v->body.len + len > BODY_MAX || buf_append(&v->body, p, len) == -1) {
		v->overflow = 1;
		return 0;
	}
	return len;
}

static int
http_init(struct veinfo *v)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || (v->curl = curl_easy_init()) == NULL) {
		fprintf(stderr, "veinfo: cannot start libcurl\n");
		return -1;
	}
	curl_easy_setopt(v->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(v->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(v->curl, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(v->curl, CURLOPT_TIMEOUT, 15L);
	curl_easy_setopt(v->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(v->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(v->curl, CURLOPT_WRITEDATA, v);
	curl_easy_setopt(v->curl, CURLOPT_USERAGENT, "veinfo/" PACKAGE_VERSION);
	curl_easy_setopt(v->curl, CURLOPT_ACCEPT_ENCODING, "");
	if (v->val[C_TOKEN] != NULL)
		curl_easy_setopt(v->curl, CURLOPT_XOAUTH2_BEARER, v->val[C_TOKEN]);
	else {
		curl_easy_setopt(v->curl, CURLOPT_USERNAME, v->val[C_VE_ID]);
		curl_easy_setopt(v->curl, CURLOPT_PASSWORD, v->val[C_PASSWORD]);
	}
	curl_easy_setopt(v->curl, CURLOPT_HTTPAUTH, v->val[C_TOKEN] != NULL ?
	    CURLAUTH_BEARER : CURLAUTH_BASIC);
	return 0;
}

/*
 * GET path under api_url.  Returns the HTTP status (v->body holds the
 * answer), or -1 when no answer came (one line on stderr, status set).
 */
static long
http_get(struct veinfo *v, const char *path)
{
	struct buf url;
	CURLcode cc;
	long code = 0;

	buf_init(&url);
	buf_reset(&v->body);
	v->overflow = 0;
	if (buf_printf(&url, "%s%s", v->val[C_API_URL], path) == -1) {
		fprintf(stderr, "veinfo: out of memory\n");
		v->status = EXIT_API;
		buf_free(&url);
		return -1;
	}
	curl_easy_setopt(v->curl, CURLOPT_URL, buf_cstr(&url));
	cc = curl_easy_perform(v->curl);
	buf_free(&url);
	if (cc != CURLE_OK) {
		if (v->overflow)
			fprintf(stderr, "veinfo: the API's answer is larger than %d bytes\n", BODY_MAX);
		else
			fprintf(stderr, "veinfo: cannot reach the API at %s: %s\n",
			    v->val[C_API_URL], curl_easy_strerror(cc));
		v->status = EXIT_API;
		return -1;
	}
	curl_easy_getinfo(v->curl, CURLINFO_RESPONSE_CODE, &code);
	return code;
}

/* The message of an API error answer, cleaned for stderr. */
static void
api_message(struct veinfo *v, char *out, size_t cap)
{
	json_t *j = json_loadb(v->body.data != NULL ? v->body.data : "", v->body.len, 0, NULL);
	const char *m = json_string_value(json_object_get(json_object_get(j, "error"), "message"));

	clean(out, cap, m != NULL ? m : "");
	json_decref(j);
}

/*
 * Judge an HTTP status: 0 the answer is in body (200); 1 the command has
 * no answer (print ERROR); -1 no command can be answered (stderr, status).
 */
static int
judge(struct veinfo *v, long code)
{
	char msg[200];
	const char *ra;

	if (code < 0)
		return -1;
	if (code == 200)
		return 0;
	if (code == 400 || code == 403 || code == 404 || code == 422)
		return 1;
	api_message(v, msg, sizeof(msg));
	if (code == 401) {
		fprintf(stderr, "veinfo: the API refused the credential of %s (HTTP 401)%s%s\n",
		    v->conf_path, *msg ? ": " : "", msg);
		v->status = EXIT_AUTH;
	} else if (code == 429) {
		struct curl_header *h = NULL;
		ra = curl_easy_header(v->curl, "Retry-After", 0, CURLH_HEADER, -1, &h) == CURLHE_OK ?
		    h->value : NULL;
		char ras[24];
		clean(ras, sizeof(ras), ra);
		fprintf(stderr, "veinfo: too many failed logins for this VE (HTTP 429)%s%s%s\n",
		    ra != NULL ? "; retry in " : "", ras, ra != NULL ? " s" : "");
		v->status = EXIT_AUTH;
	} else {
		fprintf(stderr, "veinfo: the API answered HTTP %ld%s%s\n", code, *msg ? ": " : "", msg);
		v->status = EXIT_API;
	}
	return -1;
}

static long long
jint(json_t *o, const char *key)
{
	json_t *j = json_object_get(o, key);

	return json_is_integer(j) && json_integer_value(j) >= 0 ? (long long)json_integer_value(j) : -1;
}

/* Copy an address; anything but a short run of address characters is "absent". */
static void
jaddr(char *out, size_t cap, json_t *j)
{
	const char *s = json_string_value(j);

	if (s == NULL || strlen(s) >= cap || strspn(s, "0123456789abcdefABCDEF.:") != strlen(s))
		out[0] = '\0';
	else
		memcpy(out, s, strlen(s) + 1);
}

/* The values of GET /ves/{id}'s document (SPEC sections 3 and 5). */
static void
ve_values(json_t *doc, struct veinfo_ve *ve)
{
	json_t *ips = json_object_get(doc, "ips"), *dns = json_object_get(doc, "dns_servers");
	json_t *order = json_object_get(doc, "order"), *use = json_object_get(doc, "usage");
	size_t i;

	veinfo_ve_clear(ve);
	if (json_is_array(ips) && json_array_size(ips) <= VEINFO_MAX_IPS) {
		ve->nip = json_array_size(ips);
		for (i = 0; i < ve->nip; i++) {
			json_t *ip = json_array_get(ips, i);
			jaddr(ve->ip[i], VEINFO_ADDRLEN, json_object_get(ip, "address"));
			jaddr(ve->mask[i], VEINFO_ADDRLEN, json_object_get(ip, "netmask"));
		}
	}
	jaddr(ve->gateway, VEINFO_ADDRLEN, json_object_get(doc, "gateway"));
	if (json_is_array(dns) && json_array_size(dns) <= VEINFO_MAX_DNS) {
		ve->ndns = json_array_size(dns);
		for (i = 0; i < ve->ndns; i++)
			jaddr(ve->dns[i], VEINFO_ADDRLEN, json_array_get(dns, i));
	}
	ve->user_info = json_string_value(json_object_get(order, "user_info"));
	ve->disk_quota_mb = jint(order, "disk_quota_mb");
	ve->cpu_min_bogomips = jint(order, "cpu_min_bogomips");
	ve->mem_max_mb = jint(order, "mem_max_mb");
	ve->bw_min_kbps = jint(order, "net_bw_min_kbps");
	ve->bw_in_min_kbps = jint(order, "net_in_bw_min_kbps");
	ve->bw_out_min_kbps = jint(order, "net_out_bw_min_kbps");
	ve->quota_max_mb = jint(order, "net_quota_max_mb");
	ve->quota_in_max_mb = jint(order, "net_in_quota_max_mb");
	ve->quota_out_max_mb = jint(order, "net_out_quota_max_mb");
	ve->disk_bytes = jint(use, "disk_bytes");
	ve->cpu_bogomips = jint(use, "cpu_bogomips");
	ve->vmem_mb = jint(use, "vmem_mb");
	ve->net_in_bytes = jint(use, "net_in_bytes");
	ve->net_out_bytes = jint(use, "net_out_bytes");
	ve->net_total_bytes = jint(use, "net_total_bytes");
}

/* Parse the body as a JSON object; NULL (stderr, status) if it is not one. */
static json_t *
body_json(struct veinfo *v)
{
	json_t *j = json_loadb(v->body.data != NULL ? v->body.data : "", v->body.len, 0, NULL);

	if (!json_is_object(j)) {
		json_decref(j);
		fprintf(stderr, "veinfo: the API's answer is not a JSON object\n");
		v->status = EXIT_API;
		return NULL;
	}
	return j;
}

/* Print a history's values.  0, 1 (ERROR) or -1 (stop). */
static int
history(struct veinfo *v, const struct veinfo_cmd *c, const char *id, struct buf *out)
{
	char path[256], iso[21];
	json_t *j, *pts;
	size_t i;
	int rc;

	vep_iso8601(c->from, iso);
	snprintf(path, sizeof(path), "/ves/%s/history?metric=%s&from=%s&step=%s&count=%lld",
	    id, veinfo_metric_name(c->metric), iso, veinfo_unit_step(c->unit), c->count);
	if ((rc = judge(v, http_get(v, path))) != 0)
		return rc;
	if ((j = body_json(v)) == NULL)
		return -1;
	pts = json_object_get(j, "points");
	rc = json_is_array(pts) && json_array_size(pts) > 0 &&
	    json_array_size(pts) <= (size_t)c->count ? 0 : 1;
	for (i = 0; rc == 0 && i < json_array_size(pts); i++) {
		json_t *val = json_object_get(json_array_get(pts, i), "v");
		if (!json_is_integer(val) || json_integer_value(val) < 0 ||
		    buf_printf(out, "%lld\n", (long long)json_integer_value(val)) == -1)
			rc = 1;
	}
	json_decref(j);
	return rc;
}

/* Answer a command from the VE's document.  0, 1 (ERROR) or -1 (stop). */
static int
from_doc(struct veinfo *v, const struct veinfo_cmd *c, const char *id, struct buf *out)
{
	struct cached *k = &v->cache[strcmp(id, v->val[C_VE_ID]) == 0 ? 0 : 1];
	char path[64];
	int rc;

	if (k->doc == NULL || strcmp(k->id, id) != 0) {
		json_decref(k->doc);
		k->doc = NULL;
		snprintf(path, sizeof(path), "/ves/%s", id);
		if ((rc = judge(v, http_get(v, path))) != 0)
			return rc;
		if ((k->doc = body_json(v)) == NULL)
			return -1;
		snprintf(k->id, sizeof(k->id), "%s", id);
		ve_values(k->doc, &k->ve);
	}
	return veinfo_answer(c, &k->ve, out) == 0 ? 0 : 1;
}

static void
print_error(struct veinfo *v)
{
	puts("ERROR");
	fflush(stdout);
	if (v->status == EXIT_OK)
		v->status = EXIT_ERROR;
}

/*
 * Print an answer's lines with every control, C1 and bidi character escaped
 * (lib/domain/text.c): a hostile answer cannot drive the terminal.
 */
static void
print_safe(const char *s)
{
	char in[4096], esc[4 * sizeof(in) + 1];

	while (*s != '\0') {
		size_t n = strcspn(s, "\n");

		/* long lines go out in pieces; an escape never splits a character */
		if (n >= sizeof(in))
			n = sizeof(in) - 1;
		memcpy(in, s, n);
		in[n] = '\0';
		text_escape(in, esc, sizeof(esc));
		fputs(esc, stdout);
		s += n;
		if (*s == '\n') {
			fputc('\n', stdout);
			s++;
		}
	}
}

/* Run one command line; -1 when no further command can be answered. */
static int
run(struct veinfo *v, const char *line, size_t len)
{
	struct veinfo_cmd c;
	struct buf out;
	const char *id;
	int rc;

	buf_init(&out);
	if (veinfo_parse(line, len, &c) == -1)
		rc = 1;
	else {
		id = c.ve_id[0] != '\0' ? c.ve_id : v->val[C_VE_ID];
		rc = c.kind == VI_HISTORY ? history(v, &c, id, &out) : from_doc(v, &c, id, &out);
	}
	if (rc == 0) {
		print_safe(buf_cstr(&out));
		fflush(stdout);
	} else
		print_error(v);	/* -1 too: the reason went to stderr, ERROR to stdout */
	buf_free(&out);
	return rc == -1 ? -1 : 0;
}

/* One command per line of stdin; returns how many lines held a command. */
static size_t
run_stdin(struct veinfo *v)
{
	char line[VEINFO_LINE_MAX + 2];
	size_t len, n = 0;
	int toolong = 0, stopped = 0;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			len--;
		else if (!feof(stdin)) {
			/* Longer than any command: ERROR once, for the whole line. */
			toolong = 1;
			continue;
		}
		if (toolong) {
			toolong = 0;
			n++;
			print_error(v);
			continue;
		}
		if (strspn(line, " \t\r\v\f") >= len)
			continue;
		n++;
		/*
		 * Once the API is away or refuses the credential, every further
		 * command is answered ERROR without asking again (SPEC section 6:
		 * one ERROR per command; the reason was said once on stderr).
		 */
		if (stopped)
			print_error(v);
		else if (run(v, line, len) == -1)
			stopped = 1;
	}
	return n;
}

int
main(int argc, char **argv)
{
	struct veinfo v;
	const char *cmd = NULL, *env;
	int ch, i, check_only = 0;

	memset(&v, 0, sizeof(v));
	buf_init(&v.body);
	while ((ch = getopt(argc, argv, "c:f:n")) != -1) {
		switch (ch) {
		case 'c':
			cmd = optarg;
			break;
		case 'f':
			v.conf_path = optarg;
			break;
		case 'n':
			check_only = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (v.conf_path == NULL)
		v.conf_path = (env = getenv("VEINFO_CONF")) != NULL && *env != '\0' ? env : DEFAULT_CONF;
	if (conf_read(&v) == -1) {
		v.status = EXIT_CONF;
		goto out;
	}
	if (check_only)
		goto out;
	if (cmd == NULL && isatty(STDIN_FILENO)) {
		printf("%s\n", v.val[C_VE_ID]);
		goto out;
	}
	if (http_init(&v) == -1) {
		v.status = EXIT_API;
		goto out;
	}
	if (cmd != NULL)
		run(&v, cmd, strlen(cmd));
	else if (run_stdin(&v) == 0)
		printf("%s\n", v.val[C_VE_ID]);
out:
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "veinfo: cannot write the answer: %s\n", strerror(errno));
		if (v.status == EXIT_OK)
			v.status = EXIT_ERROR;
	}
	for (i = 0; i < (int)nitems(v.cache); i++)
		json_decref(v.cache[i].doc);
	if (v.curl != NULL) {
		curl_easy_cleanup(v.curl);
		curl_global_cleanup();
	}
	buf_free(&v.body);
	for (i = 0; i < C__MAX; i++) {
		if (v.val[i] != NULL)
			explicit_bzero(v.val[i], strlen(v.val[i]));
		free(v.val[i]);
	}
	return v.status;
}
