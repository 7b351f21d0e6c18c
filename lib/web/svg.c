/*
 * SVG charts: see svg.h.  Everything is drawn with presentation
 * attributes; text is escaped; numbers are printed with a fixed number of
 * decimals so the output is stable for tests.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "svg.h"
#include "util.h"

#define FONT	"font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\""
#define ML	58	/* margins: left, right, top, bottom */
#define MR	14
#define MT	30
#define MB	26

void
svg_escape(struct buf *out, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '<': buf_puts(out, "&lt;"); break;
		case '>': buf_puts(out, "&gt;"); break;
		case '&': buf_puts(out, "&amp;"); break;
		case '"': buf_puts(out, "&quot;"); break;
		case '\'': buf_puts(out, "&#39;"); break;
		default: buf_append(out, s, 1); break;
		}
	}
}

void
svg_si(double v, char *out, size_t outlen)
{
	static const char *const pfx[] = { "", "k", "M", "G", "T", "P" };
	size_t i = 0;
	double a = v < 0 ? -v : v;

	while (a >= 1000 && i + 1 < nitems(pfx)) {
		a /= 1000;
		v /= 1000;
		i++;
	}
	if (a == 0 || a >= 100 || a == (double)(long long)a)
		snprintf(out, outlen, "%.0f%s", v, pfx[i]);
	else if (a >= 10)
		snprintf(out, outlen, "%.1f%s", v, pfx[i]);
	else
		snprintf(out, outlen, "%.2g%s", v, pfx[i]);
}

/* The smallest 1, 2 or 5 times a power of ten that is >= x (x > 0); no libm. */
static double
nice_step(double x)
{
	double p = 1;
	while (p * 10 <= x)
		p *= 10;
	while (p > x)
		p /= 10;
	if (x <= p)
		return p;
	if (x <= 2 * p)
		return 2 * p;
	if (x <= 5 * p)
		return 5 * p;
	return 10 * p;
}

void
svg_axis(double max, double *step, double *top)
{
	*step = nice_step(max > 0 ? max / 4 : 0.25);
	*top = *step;
	while (*top < max)
		*top += *step;
}

static void
tlabel(long long t, enum svg_tfmt f, char *out, size_t outlen)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, outlen, f == SVG_HHMM ? "%H:%M" : "%d %b", &tm);
}

/* The legend: each series, the bucket still filling, the limit line. */
static void
legend(struct buf *out, const struct svg_chart *c, double top)
{
	/* after the unit's text (about 6.2 px a character at 11 px) */
	double lx = 6 + 6.2 * (double)(c->unit != NULL ? strlen(c->unit) : 0) + 16;
	if (lx < ML + 90)
		lx = ML + 90;
	for (size_t k = 0; k < c->nseries; k++) {
		buf_printf(out, "<rect x=\"%.1f\" y=\"6\" width=\"10\" height=\"10\" fill=\"%s\"/>"
		    "<text x=\"%.1f\" y=\"15\" font-size=\"11\" fill=\"#111827\" " FONT ">",
		    lx, c->series[k].color, lx + 14);
		svg_escape(out, c->series[k].name);
		buf_puts(out, "</text>");
		lx += 24 + 7 * (double)strlen(c->series[k].name);
	}
	if (c->partial_last && c->partial_label != NULL) {
		buf_printf(out, "<circle cx=\"%.1f\" cy=\"11\" r=\"3.5\" fill=\"#ffffff\" "
		    "stroke=\"#111827\" stroke-width=\"1.5\"/><text x=\"%.1f\" y=\"15\" "
		    "font-size=\"11\" fill=\"#111827\" " FONT ">", lx + 5, lx + 12);
		svg_escape(out, c->partial_label);
		buf_puts(out, "</text>");
		lx += 20 + 6.5 * (double)strlen(c->partial_label);
	}
	if (c->limit > 0 && c->limit <= top && c->limit_label != NULL) {
		buf_printf(out, "<line x1=\"%.1f\" y1=\"11\" x2=\"%.1f\" y2=\"11\" stroke=\"#b91c1c\" "
		    "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/><text x=\"%.1f\" y=\"15\" "
		    "font-size=\"11\" fill=\"#111827\" " FONT ">", lx, lx + 16, lx + 20);
		svg_escape(out, c->limit_label);
		buf_puts(out, "</text>");
	}
}

/*
 * The bucket i still filling of series k: a dashed step from the last
 * whole bucket's point to a hollow dot, its value in data-partial.
 */
static void
partial_point(struct buf *out, const struct svg_chart *c, size_t k, size_t i, double bw, double top,
    double ph)
{
	const double *v = c->series[k].v;
	double px = ML + ((double)i + 0.5) * bw, py = MT + ph - v[i] / top * ph;

	if (i > 0 && !isnan(v[i - 1]))
		buf_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		    "stroke-width=\"1.5\" stroke-dasharray=\"3 3\"/>", px - bw, MT + ph - v[i - 1] / top * ph,
		    px, py, c->series[k].color);
	buf_printf(out, "<circle class=\"partial\" data-partial=\"%.6g\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" "
	    "fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"1.5\"/>", v[i], px, py, c->series[k].color);
}

int
svg_chart(struct buf *out, const struct svg_chart *c)
{
	static const char *const axis = "#6b7280", *grid = "#e5e7eb";
	int w = c->width > 0 ? c->width : 640, h = c->height > 0 ? c->height : 220;
	double pw = w - ML - MR, ph = h - MT - MB, max = 0, step, top, bw;
	size_t have = 0, every;
	char s[64];

	for (size_t k = 0; k < c->nseries; k++)
		for (size_t i = 0; i < c->n; i++) {
			double v = c->series[k].v[i];
			if (isnan(v))
				continue;
			have++;
			if (v > max)
				max = v;
		}
	if (c->limit > 0 && c->limit > max && c->limit < max * 4)
		max = c->limit;	/* show the quota when it is near the data */
	svg_axis(max, &step, &top);
	bw = c->n > 0 ? pw / (double)c->n : pw;

	buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
	    "height=\"%d\" role=\"img\" aria-labelledby=\"title\"><title id=\"title\">", w, h, w, h);
	svg_escape(out, c->title);
	buf_printf(out, "</title><rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>", w, h);

	/* Grid and y labels. */
	for (double y = 0; y <= top + step / 2; y += step) {
		double py = MT + ph - y / top * ph;
		svg_si(y, s, sizeof(s));
		buf_printf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		    "stroke-width=\"1\"/>", ML, py, ML + pw, py, grid);
		buf_printf(out, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"%s\" text-anchor=\"end\" "
		    FONT ">%s</text>", ML - 6, py + 4, axis, s);
	}
	buf_printf(out, "<text x=\"6\" y=\"14\" font-size=\"11\" fill=\"%s\" " FONT ">", axis);
	svg_escape(out, c->unit);
	buf_puts(out, "</text>");

	/* X labels on round times, about six of them. */
	every = c->n > 6 ? (c->n + 5) / 6 : 1;
	for (size_t i = 0; i < c->n && c->step > 0; i++) {
		long long t = c->t0 + (long long)i * c->step;
		if ((t / c->step) % (long long)every != 0)
			continue;
		double px = ML + (double)i * bw;
		tlabel(t, c->tfmt, s, sizeof(s));
		buf_printf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		    "stroke-width=\"1\"/>", px, MT, px, MT + ph + 4, grid);
		buf_printf(out, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"%s\" text-anchor=\"middle\" "
		    FONT ">%s</text>", px, h - 8, axis, s);
	}

	/* The quota line. */
	if (c->limit > 0 && c->limit <= top) {
		double py = MT + ph - c->limit / top * ph;
		buf_printf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#b91c1c\" "
		    "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>", ML, py, ML + pw, py);
	}

	/*
	 * Series: a line through bucket centres, broken where nothing was
	 * recorded; a bucket still filling is not part of the line (it is
	 * not a whole one) but a dashed step to a hollow dot.
	 */
	for (size_t k = 0; k < c->nseries; k++) {
		int open = 0;
		size_t n = c->partial_last && c->n > 0 ? c->n - 1 : c->n;
		for (size_t i = 0; i < n; i++) {
			double v = c->series[k].v[i];
			if (isnan(v)) {
				if (open)
					buf_puts(out, "\"/>");
				open = 0;
				continue;
			}
			double px = ML + ((double)i + 0.5) * bw, py = MT + ph - v / top * ph;
			if (!open) {
				buf_printf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
				    "stroke-linejoin=\"round\" points=\"", c->series[k].color);
				open = 1;
			}
			buf_printf(out, "%.1f,%.1f ", px, py);
			/* A single point would be invisible: give it the bucket's width. */
			if (i + 1 == n || isnan(c->series[k].v[i + 1]))
				if (i == 0 || isnan(c->series[k].v[i - 1]))
					buf_printf(out, "%.1f,%.1f ", px + bw / 2, py);
		}
		if (open)
			buf_puts(out, "\"/>");
		if (n < c->n && !isnan(c->series[k].v[n]))
			partial_point(out, c, k, n, bw, top, ph);
	}
	buf_printf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
	    "stroke-width=\"1\"/>", ML, MT + ph, ML + pw, MT + ph, axis);

	legend(out, c, top);
	if (have == 0)
		buf_printf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" fill=\"%s\" "
		    "text-anchor=\"middle\" " FONT ">no usage recorded yet</text>",
		    ML + pw / 2, MT + ph / 2, axis);
	buf_puts(out, "</svg>\n");
	return out->oom ? -1 : 0;
}
