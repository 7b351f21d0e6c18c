/*
 * Usage history through the API (SPEC sections 5 and 6):
 *
 *	GET /api/v1/ves/{ve_id}/history?metric=M&from=T&step=S&count=N
 *
 * answers {"ve_id","metric","step","unit","from","points":[{"t","v"}],
 * "filled"} from lib/db/db_history.c.  Every parameter is checked before the
 * database is asked, and every bad one is named in the 422 answer.  The
 * body is written directly rather than through a JSON tree: a history may
 * have 100000 points and each is two integers and a time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api.h"
#include "db.h"
#include "db_history.h"
#include "log.h"

enum hkey { K_METRIC, K_FROM, K_STEP, K_COUNT, K__MAX };

static const char *const hkeys[K__MAX] = {
	[K_METRIC] = "metric",
	[K_FROM] = "from",
	[K_STEP] = "step",
	[K_COUNT] = "count",
};

struct hreq {
	enum hist_metric	 metric;
	enum hist_step		 step;
	long long		 from;
	long long		 count;
};

/* Write n's decimal digits (n >= 0) ending just before end; returns the first. */
static char *
digits_back(char *end, long long n)
{
	unsigned long long u = n < 0 ? 0 : (unsigned long long)n;

	do {
		*--end = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	return end;
}

static void
two(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

/*
 * ,{"t":"YYYY-MM-DDTHH:MM:SSZ","v":N} without printf or gmtime: a year of
 * minutes is half a million points, and the civil date of a day number is
 * a few integer operations (H. Hinnant's days_from_civil, inverted).
 */
static int
put_point(struct buf *b, long long t, long long v, int first)
{
	char out[96], num[24], *p = out, *d;
	long long z, era, doe, yoe, doy, mp, y, m, day, sod;

	if (t < 0)
		t = 0;
	z = t / 86400 + 719468;
	sod = t % 86400;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	day = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	if (!first)
		*p++ = ',';
	memcpy(p, "{\"t\":\"", 6);
	p += 6;
	two(p, (unsigned)(y / 100));
	two(p + 2, (unsigned)(y % 100));
	p[4] = '-';
	two(p + 5, (unsigned)m);
	p[7] = '-';
	two(p + 8, (unsigned)day);
	p[10] = 'T';
	two(p + 11, (unsigned)(sod / 3600));
	p[13] = ':';
	two(p + 14, (unsigned)(sod / 60 % 60));
	p[16] = ':';
	two(p + 17, (unsigned)(sod % 60));
	memcpy(p + 19, "Z\",\"v\":", 7);
	p += 26;
	d = digits_back(num + sizeof(num), v);
	memcpy(p, d, (size_t)(num + sizeof(num) - d));
	p += num + sizeof(num) - d;
	*p++ = '}';
	return buf_append(b, out, (size_t)(p - out));
}

/* Check one parameter's value; NULL if good, else why not. */
static const char *
check(enum hkey k, const char *v, struct hreq *h)
{
	const char *errstr;

	switch (k) {
	case K_METRIC:
		if (hist_metric_parse(v, &h->metric) == -1)
			return "must be one of disk, cpu, vmem, net_in, net_out, net_total.";
		return NULL;
	case K_STEP:
		if (hist_step_parse(v, &h->step) == -1)
			return "must be one of second, minute, hour, day.";
		return NULL;
	case K_FROM:
		if (vep_parse_iso8601(v, &h->from) == -1)
			return "must be a UTC time such as 2026-11-22T10:00:00Z.";
		return NULL;
	case K_COUNT:
		h->count = vep_strtonum(v, 1, HIST_MAX_POINTS, &errstr);
		if (errstr != NULL)
			return "must be a whole number from 1 to 100000.";
		return NULL;
	case K__MAX:
		break;
	}
	return "is not known.";
}

/* Validate the query into h; 0, or -1 with the 422 answered. */
static int
params(struct web *w, struct req *q, struct resp *r, struct hreq *h)
{
	json_t *fields = json_object();
	const char *v, *why;
	size_t k;

	memset(h, 0, sizeof(*h));
	for (k = 0; k < K__MAX; k++) {
		v = kv_get(&q->query, hkeys[k]);
		if (v == NULL || *v == '\0')
			why = "is required.";
		else if (kv_count(&q->query, hkeys[k]) > 1)
			why = "is given more than once.";
		else
			why = check((enum hkey)k, v, h);
		if (why != NULL)
			json_object_set_new(fields, hkeys[k], json_string(why));
	}
	/*
	 * "from" is compared with now once step is known: a start inside the
	 * current bucket is the present, not the future.
	 */
	if (json_object_get(fields, "from") == NULL && json_object_get(fields, "step") == NULL &&
	    hist_align(h->from, h->step) > w->now)
		json_object_set_new(fields, "from", json_string("is in the future."));
	if (json_object_size(fields) == 0) {
		json_decref(fields);
		return 0;
	}
	resp_json_error(r, 422, "The history request has errors; see the fields.", fields);
	return -1;
}

void
api_ve_history(struct web *w, struct req *q, struct resp *r, char caps[][80])
{
	struct caller c;
	struct hreq h;
	struct db *db;
	struct hist_point *pts = NULL;
	struct buf *b = &r->body;
	char iso[21];
	size_t n, i;
	int rc, filled, exists;

	if (api_auth(w, q, r, &c) == -1)
		return;
	if (!api_may_see(w, r, &c, caps[0]))
		return;
	if (params(w, q, r, &h) == -1)
		return;
	if ((db = web_db(w, r)) == NULL)
		return;
	n = hist_npoints(hist_align(h.from, h.step), h.step, h.count, w->now);
	if ((pts = calloc(n > 0 ? n : 1, sizeof(*pts))) == NULL) {
		log_warnx("%s: out of memory for %zu points", __func__, n);
		goto unavailable;
	}
	/* An operator may ask for any well-formed VEid: it must exist (read with the range). */
	rc = db_history_get(db, caps[0], h.metric, h.step, h.from, h.count, w->now,
	    pts, n, &n, &filled, &exists);
	if (rc != DB_OK)
		goto unavailable;
	if (!exists) {
		free(pts);
		web_error(w, r, 404, "There is no such VE.");
		return;
	}

	r->status = 200;
	r->ctype = "application/json";
	r->private_page = 1;
	buf_reset(b);
	vep_iso8601(hist_align(h.from, h.step), iso);
	buf_printf(b, "{\"ve_id\":\"%s\",\"metric\":\"%s\",\"step\":\"%s\",\"unit\":\"%s\","
	    "\"from\":\"%s\",\"points\":[", caps[0], hist_metric_name(h.metric),
	    hist_step_name(h.step), hist_unit(h.metric), iso);
	for (i = 0; i < n; i++)
		put_point(b, pts[i].t, pts[i].v, i == 0);
	buf_printf(b, "],\"filled\":%s}\n", filled ? "true" : "false");
	if (b->oom) {
		log_warnx("%s: out of memory for the answer", __func__);
		goto unavailable;
	}
	free(pts);
	return;
unavailable:
	free(pts);
	buf_reset(b);
	resp_header(r, "Retry-After", "5");
	web_error(w, r, 503, "The service is briefly unavailable; please try again in a moment.");
}
