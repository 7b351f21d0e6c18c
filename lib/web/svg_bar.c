/*
 * The bar chart of the operator's report pages (svg.h): the same look,
 * grid and escaping as svg_chart's lines.  Pictures only: doubles are
 * fine here, never amounts.
 */
#include <stdio.h>

#include "svg.h"
#include "util.h"

#define FONT	"font-family=\"system-ui, sans-serif\""

/* The bars, each with its value as a tooltip, and their labels. */
static void
bars(struct buf *out, const char *const *labels, const double *v, size_t n, double top,
    int ml, int mt, double pw, double ph, int h, int mb)
{
	double bw = n > 0 ? pw / (double)n : pw;
	/* Labels of every bar when they fit, else of every k-th. */
	size_t every = n > 12 ? (n + 11) / 12 : 1;
	char s[64];

	for (size_t i = 0; i < n; i++) {
		double bh = top > 0 ? v[i] / top * ph : 0, x = ml + bw * (double)i;
		buf_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#2563eb\">"
		    "<title>", x + bw * 0.15, mt + ph - bh, bw * 0.7, bh);
		svg_escape(out, labels[i]);
		svg_si(v[i], s, sizeof(s));
		buf_puts(out, ": ");
		svg_escape(out, s);
		buf_puts(out, "</title></rect>");
		if (i % every == 0) {
			buf_printf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" " FONT
			    " font-size=\"11\" fill=\"#374151\">", x + bw / 2, h - mb + 16);
			svg_escape(out, labels[i]);
			buf_puts(out, "</text>");
		}
	}
}

int
svg_bar_chart(struct buf *out, const char *title, const char *unit, const char *const *labels,
    const double *v, size_t n)
{
	const int w = 640, h = 240, ml = 64, mr = 14, mt = 30, mb = 44;
	double max = 0, step, top, pw = w - ml - mr, ph = h - mt - mb;
	char s[64];

	for (size_t i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	svg_axis(max, &step, &top);
	buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
	    "height=\"%d\" role=\"img\" aria-labelledby=\"title\"><title id=\"title\">", w, h, w, h);
	svg_escape(out, title);
	buf_printf(out, "</title><rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>", w, h);
	buf_printf(out, "<text x=\"%d\" y=\"18\" " FONT " font-size=\"13\" font-weight=\"600\" "
	    "fill=\"#111827\">", ml);
	svg_escape(out, title);
	buf_puts(out, "</text>");
	for (double g = 0; g <= top + step / 2; g += step) {
		double y = mt + ph - g / top * ph;
		svg_si(g, s, sizeof(s));
		buf_printf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e7eb\"/>"
		    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" " FONT " font-size=\"11\" "
		    "fill=\"#6b7280\">", ml, y, w - mr, y, ml - 6, y + 4);
		svg_escape(out, s);
		buf_puts(out, "</text>");
	}
	buf_printf(out, "<text x=\"12\" y=\"%d\" " FONT " font-size=\"11\" fill=\"#6b7280\" "
	    "transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">", mt + (int)ph / 2, mt + (int)ph / 2);
	svg_escape(out, unit);
	buf_puts(out, "</text>");
	bars(out, labels, v, n, top, ml, mt, pw, ph, h, mb);
	if (n == 0)
		buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" " FONT " font-size=\"13\" "
		    "fill=\"#6b7280\">nothing in this range</text>", ml + (int)pw / 2, mt + (int)ph / 2);
	buf_printf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#6b7280\"/></svg>\n",
	    ml, mt + ph, w - mr, mt + ph);
	return out->oom ? -1 : 0;
}
