/*
 * Unit tests of lib/doc/pdf.c: documents render as PDF whose text (as
 * pdftotext extracts it) holds the number, the customer in any script and
 * every amount exactly as money_format() writes the JSON's minor units;
 * long documents continue on further pages; bad input renders nothing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "money.h"
#include "pdf.h"
#include "util.h"

static const struct doc_parties parties = {
	"Example ISP", "1 Main Street\n12345 Town", "DE123456789",
	"Пётр Иванов <petr@example.com>", "Example Bank", "DE89370400440532013000", "COBADEFFXXX",
	"https://panel.example.net/self",
};

/* An invoice of n lines, amounts chosen so that no two totals coincide. */
static json_t *
invoice(int n, const char *cur, long long *total)
{
	json_t *lines = json_array();
	long long sub = 0;
	int i;

	for (i = 0; i < n; i++) {
		long long a = 1000 + 37LL * i;
		json_array_append_new(lines, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I}",
		    "ve_id", "0000002A", "kind", i == 0 ? "fee" : "usage", "resource", "cpu",
		    "quantity", "1.500000", "unit", "CPU-hour", "unit_price_minor", (json_int_t)a,
		    "amount_minor", (json_int_t)a));
		sub += a;
	}
	*total = sub + sub / 5;
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:I, s:I}", "number",
	    "INV-2026-000042", "currency", cur, "period", "2026-11", "issued_at",
	    "2026-12-01T00:00:00Z", "due_at", "2026-12-15T00:00:00Z", "lines", lines,
	    "subtotal_minor", (json_int_t)sub, "tax_minor", (json_int_t)(sub / 5),
	    "total_minor", (json_int_t)*total);
}

/* Run a poppler tool on the PDF; its stdout, or NULL when it is not installed. */
static char *
poppler(const char *tool, const struct buf *pdf)
{
	char path[] = "/tmp/vep-test-pdf-XXXXXX", cmd[256];
	struct buf out;
	char chunk[4096];
	size_t n;
	FILE *f;
	int fd;

	if (access("/usr/bin/pdftotext", X_OK) != 0)
		return NULL;
	ck_assert_int_ge(fd = mkstemp(path), 0);
	ck_assert_int_eq(write(fd, pdf->data, pdf->len), (ssize_t)pdf->len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s %s %s", tool, path,
	    strcmp(tool, "pdftotext") == 0 ? "-" : "");
	ck_assert_ptr_nonnull(f = popen(cmd, "r"));
	buf_init(&out);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&out, chunk, n);
	ck_assert_int_eq(pclose(f), 0);
	unlink(path);
	buf_append(&out, "", 1);
	return out.data;
}

static const struct {
	int		 lines;
	const char	*cur;
	int		 min_pages, max_pages;
} docs[] = {
	{ 1, "EUR", 1, 1 },
	{ 10, "EUR", 1, 1 },
	{ 10, "JPY", 1, 1 },
	{ 10, "KWD", 1, 1 },
	{ 500, "EUR", 8, 14 },
};

START_TEST(test_render)
{
	long long total;
	json_t *doc = invoice(docs[_i].lines, docs[_i].cur, &total);
	struct buf pdf;
	char want[64], *text, *info, *pg;
	size_t i;

	buf_init(&pdf);
	ck_assert_int_eq(doc_pdf(doc, "Invoice", &parties, &pdf), DOC_PDF_OK);
	ck_assert_msg(pdf.len > 1000 && memcmp(pdf.data, "%PDF-", 5) == 0, "row %d: not a PDF", _i);
	if ((text = poppler("pdftotext", &pdf)) != NULL) {
		ck_assert_ptr_nonnull(strstr(text, "INV-2026-000042"));
		ck_assert_ptr_nonnull(strstr(text, "Пётр Иванов"));
		ck_assert_ptr_nonnull(strstr(text, "DE123456789"));
		ck_assert_int_gt(money_format(total, docs[_i].cur, want, sizeof(want)), 0);
		ck_assert_msg(strstr(text, want) != NULL, "row %d: total %s not in the text", _i,
		    want);
		/* Every line's amount is there too. */
		for (i = 0; i < json_array_size(json_object_get(doc, "lines")); i++) {
			money_format(1000 + 37LL * (long long)i, docs[_i].cur, want, sizeof(want));
			ck_assert_msg(strstr(text, want) != NULL, "row %d: line %zu's %s missing",
			    _i, i, want);
		}
		free(text);
		info = poppler("pdfinfo", &pdf);
		ck_assert_ptr_nonnull(pg = strstr(info, "Pages:"));
		int pages = atoi(pg + 6);
		ck_assert_msg(pages >= docs[_i].min_pages && pages <= docs[_i].max_pages,
		    "row %d: %d pages", _i, pages);
		ck_assert_ptr_nonnull(strstr(info, "A4"));
		free(info);
	}
	buf_free(&pdf);
	json_decref(doc);
}
END_TEST

/* What an EU invoice must carry (issue 18): parties, dates, each line's tax, notes, payment. */
START_TEST(test_eu_contents)
{
	static const char *const want[] = {
		"Example ISP", "1 Main Street", "DE123456789",		/* seller */
		"Acme SARL", "Jeanne Martin", "3 rue de la Paix", "FR40303265045",	/* buyer */
		"Issued: 2026-12-01", "Supplied from: 2026-11-01", "Supplied to: 2026-11-30",
		"Due: 2026-12-15", "Net", "Tax rate", "0.00 %", "Reverse charge",
		"IBAN DE89370400440532013000", "BIC COBADEFFXXX", "https://panel.example.net/self",
		"12.35", "Total EUR",
	};
	json_t *doc = json_loads("{\"number\":\"INV-2026-000043\",\"currency\":\"EUR\","
	    "\"period\":\"2026-11\",\"issued_at\":\"2026-12-01T00:00:00Z\","
	    "\"due_at\":\"2026-12-15T00:00:00Z\",\"supply_from\":\"2026-11-01\","
	    "\"supply_to\":\"2026-11-30\",\"tax_bp\":0,\"tax_note\":\"Reverse charge: VAT to be "
	    "accounted for by the recipient.\",\"buyer\":{\"email\":\"j@example.fr\",\"name\":"
	    "\"Jeanne Martin\",\"company\":\"Acme SARL\",\"address\":\"3 rue de la Paix\\n75002 "
	    "Paris\",\"country\":\"FR\",\"vat_id\":\"FR40303265045\"},\"lines\":[{\"ve_id\":"
	    "\"0000002A\",\"kind\":\"fee\",\"resource\":\"fee\",\"quantity\":\"1.000000\","
	    "\"unit\":\"month\",\"unit_price_minor\":1235,\"amount_minor\":1235,\"tax_bp\":0,"
	    "\"tax_minor\":0}],\"subtotal_minor\":1235,\"tax_minor\":0,\"total_minor\":1235}", 0, NULL);
	struct buf pdf;
	char *text;

	ck_assert_ptr_nonnull(doc);
	buf_init(&pdf);
	ck_assert_int_eq(doc_pdf(doc, "Invoice", &parties, &pdf), DOC_PDF_OK);
	if ((text = poppler("pdftotext", &pdf)) != NULL) {
		for (size_t i = 0; i < nitems(want); i++)
			ck_assert_msg(strstr(text, want[i]) != NULL, "%s missing in:\n%s", want[i], text);
		/* the buyer's details replace the e-mail fallback */
		ck_assert_ptr_null(strstr(text, "Пётр Иванов"));
		free(text);
	}
	buf_free(&pdf);
	json_decref(doc);
}
END_TEST

/* Input the renderer refuses, writing nothing. */
START_TEST(test_bad_input)
{
	static const char *bad[] = {
		"{}",
		"{\"number\":\"INV-1\",\"currency\":\"EUR\"}",
		"{\"number\":\"INV-1\",\"currency\":\"XXXX\",\"total_minor\":1}",
		"{\"number\":\"\",\"currency\":\"EUR\",\"total_minor\":1}",
		"{\"number\":\"INV-1\",\"currency\":\"EUR\",\"total_minor\":\"1\"}",
	};
	json_t *doc = json_loads(bad[_i], 0, NULL);
	struct buf pdf;

	ck_assert_ptr_nonnull(doc);
	buf_init(&pdf);
	ck_assert_int_eq(doc_pdf(doc, "Invoice", &parties, &pdf), DOC_PDF_EINPUT);
	ck_assert_uint_eq(pdf.len, 0);
	buf_free(&pdf);
	json_decref(doc);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pdf");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_eu_contents);
	tcase_add_loop_test(tc, test_render, 0, (int)nitems(docs));
	tcase_add_loop_test(tc, test_bad_input, 0, 5);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
