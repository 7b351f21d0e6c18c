/*
 * A VE's usage chart; see vechart.h.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "form.h"
#include "svg.h"
#include "vechart.h"
#include "web.h"

const char *const vechart_metric_names[MET__MAX] = { "cpu", "vmem", "disk", "net" };
const char *const vechart_metric_titles[MET__MAX] = { "CPU usage", "Virtual memory", "Disk usage",
    "Network traffic" };
const char *const vechart_range_names[VR__MAX] = { "hour", "day", "month" };
const char *const vechart_range_titles[VR__MAX] = { "last hour, by minute", "last day, by hour",
    "last month, by day" };
static const long long range_step[VR__MAX] = { 60, 3600, 86400 };
static const size_t range_n[VR__MAX] = { 60, 24, 30 };

/* The one-series charts: their line, unit, and the order's figure drawn as the limit (times scale). */
static const struct gauge {
	const char	*name, *color, *unit;
	enum order_key	 limit;
	double		 scale;
	const char	*limit_label;
} gauges[MET_NET] = {
	[MET_CPU] = { "CPU (average)", "#2563eb", "bogomips", OF_CPU_MIN_BOGOMIPS, 1, "reserved" },
	[MET_VMEM] = { "memory (average)", "#7c3aed", "bytes", OF_MEM_MAX_MB, 1e6, "limit" },
	[MET_DISK] = { "disk (average)", "#059669", "bytes", OF_DISK_QUOTA_MB, 1e6, "quota" },
};

int
vechart_lookup(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* A form field that is one of names: its index in v->n[k], else why. */
static const char *
v_name(const char *s, struct form *v, size_t k, const char *const *names, int n, const char *why)
{
	return form_index(v, k, vechart_lookup(names, n, s), why);
}

const char *
vechart_v_metric(const char *s, struct form *v, size_t k)
{
	return v_name(s, v, k, vechart_metric_names, MET__MAX, "metric is cpu, vmem, disk or net.");
}

const char *
vechart_v_range(const char *s, struct form *v, size_t k)
{
	return v_name(s, v, k, vechart_range_names, VR__MAX, "range is hour, day or month.");
}

void
vechart(struct web *w, struct resp *r, const struct ve_info *vi, enum vechart_metric m,
    enum ve_range range)
{
	struct ve_point pts[64];
	struct svg_series ser[2];
	struct svg_chart c;
	double a[64], b[64];
	long long step = range_step[range], from, to;
	size_t n = 0, nb = range_n[range];
	char title[128], unit[64];

	to = w->now - w->now % step + step;	/* the current bucket included, marked partial */
	from = to - (long long)nb * step;
	if (db_ve_series(w->db, vi->ve_id, range, from, to, pts, nitems(pts), &n) != DB_OK) {
		web_unavailable(w, r);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.partial_last = vechart_rates(pts, n, m, vi->bogomips_per_cpu, from, step, nb, vi->created_at,
	    w->now, a, b);
	c.partial_label = range == VR_HOUR ? "this minute so far" : range == VR_DAY ? "this hour so far" :
	    "today so far";
	snprintf(title, sizeof(title), "%s of VE %s, %s", vechart_metric_titles[m], vi->ve_id,
	    vechart_range_titles[range]);
	c.title = title;
	c.t0 = from;
	c.step = step;
	c.n = nb;
	c.series = ser;
	c.nseries = 1;
	c.tfmt = range == VR_MONTH ? SVG_DAY : SVG_HHMM;
	if (m < MET_NET) {
		const struct gauge *g = &gauges[m];

		ser[0] = (struct svg_series){ g->name, g->color, a };
		c.unit = g->unit;
		c.limit = (double)vi->o.n[g->limit] * g->scale;
		c.limit_label = g->limit_label;
	} else {
		ser[0] = (struct svg_series){ "in", "#2563eb", a };
		ser[1] = (struct svg_series){ "out", "#d97706", b };
		c.nseries = 2;
		/* A rate, as every other chart: the hour, day and month charts agree. */
		snprintf(unit, sizeof(unit), "bit/s, per %s", range == VR_HOUR ? "minute" :
		    range == VR_DAY ? "hour" : "day");
		c.unit = unit;
	}
	r->private_page = 1;
	r->ctype = "image/svg+xml";
	r->status = 200;
	buf_reset(&r->body);
	if (svg_chart(&r->body, &c) == -1)
		web_error(w, r, 500, "Out of memory.");
}

void
vechart_of(struct web *w, struct resp *r, const char *ve_id, enum vechart_metric m,
    enum ve_range range)
{
	struct ve_info vi;
	int rc;

	if ((rc = db_ve_get(w->db, ve_id, &vi)) <= 0) {
		web_error(w, r, rc < 0 ? 503 : 404, rc < 0 ? "The service is briefly unavailable." :
		    "There is no such VE.");
		return;
	}
	vechart(w, r, &vi, m, range);
	ve_info_free(&vi);
}
