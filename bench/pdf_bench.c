/*
 * PDF rendering benchmark (issue 16): time doc_pdf() for invoices of 10
 * and of 500 lines, beside a floor measured in the same run: the same
 * number of text runs drawn with cairo's toy text API (no shaping, no
 * layout) onto the same kind of PDF surface.  Prints p50/p99 in ms, the
 * size and the ratio to the floor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <jansson.h>

#include "pdf.h"
#include "util.h"

static double
now_ms(void)
{
	return (double)vep_mono_us() / 1e3;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static json_t *
invoice(int n)
{
	json_t *lines = json_array();
	long long sub = 0;

	for (int i = 0; i < n; i++) {
		long long a = 1000 + 37LL * i;
		json_array_append_new(lines, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I}",
		    "ve_id", "0000002A", "kind", "usage", "resource", "cpu", "quantity",
		    "1.500000", "unit", "CPU-hour", "unit_price_minor", (json_int_t)a,
		    "amount_minor", (json_int_t)a));
		sub += a;
	}
	return json_pack("{s:s, s:s, s:s, s:o, s:I, s:I, s:I}", "number", "INV-2026-000001",
	    "currency", "EUR", "issued_at", "2026-12-01T00:00:00Z", "lines", lines,
	    "subtotal_minor", (json_int_t)sub, "tax_minor", (json_int_t)(sub / 5),
	    "total_minor", (json_int_t)(sub + sub / 5));
}

static cairo_status_t
sink(void *arg, const unsigned char *d, unsigned int len)
{
	return buf_append(arg, d, len) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* The floor: 5 text runs a line, 60 lines a page, with cairo's toy API. */
static void
floor_render(int n, struct buf *out)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sink, out, 595.276, 841.89);
	cairo_t *cr = cairo_create(s);
	char t[32];

	cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 8.5);
	for (int i = 0; i < n; i++) {
		if (i > 0 && i % 60 == 0)
			cairo_show_page(cr);
		for (int c = 0; c < 5; c++) {
			snprintf(t, sizeof(t), "%d.%02d", 10 + i, c);
			cairo_move_to(cr, 50 + 100 * c, 100 + 11 * (i % 60));
			cairo_show_text(cr, t);
		}
	}
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}

int
main(int argc, char **argv)
{
	int iters = argc > 1 ? atoi(argv[1]) : 50;
	static const int sizes[] = { 10, 500 };
	struct doc_parties pt = { "Example ISP", "1 Main Street", "DE1", "a@example.com", NULL, NULL,
	    NULL, NULL };

	for (size_t k = 0; k < 2; k++) {
		json_t *doc = invoice(sizes[k]);
		double *t = calloc(iters, sizeof(*t)), *f = calloc(iters, sizeof(*f)), t0;
		size_t bytes = 0;
		for (int i = 0; i < iters; i++) {
			struct buf b;
			buf_init(&b);
			t0 = now_ms();
			if (doc_pdf(doc, "Invoice", &pt, &b) != DOC_PDF_OK)
				return 1;
			t[i] = now_ms() - t0;
			bytes = b.len;
			buf_reset(&b);
			t0 = now_ms();
			floor_render(sizes[k], &b);
			f[i] = now_ms() - t0;
			buf_free(&b);
		}
		qsort(t, iters, sizeof(*t), cmp);
		qsort(f, iters, sizeof(*f), cmp);
		printf("pdf: %d lines: p50 %.2f ms, p99 %.2f ms, %zu bytes; floor (cairo toy text, "
		    "same runs) p50 %.2f ms: %.1fx\n", sizes[k], t[iters / 2], t[iters * 99 / 100],
		    bytes, f[iters / 2], t[iters / 2] / f[iters / 2]);
		free(t);
		free(f);
		json_decref(doc);
	}
	return 0;
}
