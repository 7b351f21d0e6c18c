/*
 * Server-side SVG charts for the screens: time series as lines over a
 * labelled grid (and bar charts, svg_bar.c), an optional limit line (a quota), no script
 * and no style attributes or elements (presentation attributes only), so
 * the page's Content-Security-Policy needs no exception.  Values are
 * doubles: these are pictures, never amounts.
 */
#ifndef VEP_SVG_H
#define VEP_SVG_H

#include <stddef.h>

struct buf;

struct svg_series {
	const char	*name;		/* shown in the legend */
	const char	*color;		/* "#rrggbb" */
	const double	*v;		/* n values; NAN where nothing was recorded */
};

enum svg_tfmt { SVG_HHMM, SVG_DAY };

struct svg_chart {
	const char		*title;		/* the chart's accessible name */
	const char		*unit;		/* of the y axis, e.g. "bytes" */
	long long		 t0, step;	/* start of the first bucket, bucket length (s) */
	size_t			 n;		/* buckets */
	const struct svg_series	*series;
	size_t			 nseries;
	double			 limit;		/* a horizontal line; <= 0 for none */
	const char		*limit_label;
	enum svg_tfmt		 tfmt;		/* x labels as HH:MM or as "21 Nov" */
	/*
	 * 1: the last bucket is still filling; its point is drawn apart (a
	 * dashed step to a hollow dot) and named partial_label in the legend.
	 */
	int			 partial_last;
	const char		*partial_label;
	int			 width, height;	/* 0: 640 x 220 */
};

/* Append the chart as a standalone SVG document to out.  0, or -1 when out of memory. */
int	svg_chart(struct buf *out, const struct svg_chart *);
/*
 * A bar chart of labelled values (at most every twelfth label shown when
 * there are many), as a standalone SVG document into out.  0, or -1 when
 * out of memory.  (lib/web/svg_bar.c)
 */
int	svg_bar_chart(struct buf *out, const char *title, const char *unit,
	    const char *const *labels, const double *v, size_t n);
/* The y axis for values up to max: a 1-2-5 step and the top grid line (>= max). */
void	svg_axis(double max, double *step, double *top);
/* "1.5k", "20M", "3G": a compact SI form of v for tick labels. */
void	svg_si(double v, char *out, size_t outlen);
/* Escape s for XML text and attribute values into out. */
void	svg_escape(struct buf *out, const char *s);

#endif
