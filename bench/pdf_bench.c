/*
 * PDF rendering time per document (lib/doc's doc_pdf, SPEC section 10):
 * an invoice of 10 lines and one of 500 lines, each rendered N times;
 * prints the mean and the fastest time per document and the size.
 *
 *	bench/pdf_bench [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <jansson.h>

#include "pdf.h"
#include "util.h"

static json_t *
invoice(int n)
{
	json_t *lines = json_array();
	long long sub = 0;

	for (int i = 0; i < n; i++) {
		long long a = 1000 + 37LL * i;
		json_array_append_new(lines, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I}",
		    "ve_id", "0000002A", "kind", i == 0 ? "fee" : "usage", "resource", "cpu",
		    "quantity", "1.500000", "unit", "CPU-hour", "unit_price_minor", (json_int_t)a,
		    "amount_minor", (json_int_t)a));
		sub += a;
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:I, s:I}", "number",
	    "INV-2026-000042", "currency", "EUR", "period", "2026-11", "issued_at",
	    "2026-12-01T00:00:00Z", "due_at", "2026-12-15T00:00:00Z", "lines", lines,
	    "subtotal_minor", (json_int_t)sub, "tax_minor", (json_int_t)(sub / 5),
	    "total_minor", (json_int_t)(sub + sub / 5));
}

static double
now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	static const int sizes[] = { 10, 500 };
	int n = argc > 1 ? atoi(argv[1]) : 20;
	struct doc_parties pa = { "Demo ISP", "1 Example Street\nExampletown", "DE123456789",
	    "customer@example.com" };

	if (n < 1)
		n = 1;
	for (size_t s = 0; s < nitems(sizes); s++) {
		json_t *doc = invoice(sizes[s]);
		double sum = 0, best = 1e18;
		size_t bytes = 0;
		for (int i = 0; i < n; i++) {
			struct buf b;
			buf_init(&b);
			double t0 = now_ms();
			if (doc_pdf(doc, "Invoice", &pa, &b) != DOC_PDF_OK) {
				fprintf(stderr, "pdf_bench: render failed\n");
				return 1;
			}
			double dt = now_ms() - t0;
			sum += dt;
			best = dt < best ? dt : best;
			bytes = b.len;
			buf_free(&b);
		}
		printf("pdf: %d lines: mean %.1f ms, fastest %.1f ms per document (%d runs), %zu bytes\n",
		    sizes[s], sum / n, best, n, bytes);
		json_decref(doc);
	}
	return 0;
}
