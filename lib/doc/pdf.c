/*
 * Billing documents as PDF (see pdf.h).  One pass over the JSON: a header
 * (the ISP, the document's number and dates, the customer), the lines as a
 * table that continues on the next page with its heading repeated, then
 * the totals.  All text goes through pango, so shaping, fallback fonts and
 * right-to-left scripts are pango's business, not ours.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "conf.h"
#include "money.h"
#include "pdf.h"
#include "util.h"

/* A4 in points, and the page's frame. */
#define PAGE_W		595.276
#define PAGE_H		841.890
#define MARGIN		50.0
#define BOTTOM		(PAGE_H - MARGIN - 20.0)
#define FONT		"DejaVu Sans"

enum align { A_LEFT, A_RIGHT };

/* The lines table: column starts and widths in points, its heading. */
static const struct col {
	double		 x, w;
	enum align	 align;
	const char	*head;
} cols[] = {
	{ MARGIN, 50, A_LEFT, "VE" },
	{ MARGIN + 52, 118, A_LEFT, "Item" },
	{ MARGIN + 172, 88, A_RIGHT, "Quantity" },
	{ MARGIN + 262, 58, A_RIGHT, "Unit price" },
	{ MARGIN + 322, 60, A_RIGHT, "Net" },
	{ MARGIN + 384, 42, A_RIGHT, "Tax rate" },
	{ MARGIN + 428, PAGE_W - 2 * MARGIN - 428, A_RIGHT, "Tax" },
};
#define NCOLS		(sizeof(cols) / sizeof(cols[0]))

struct pen {
	cairo_t		*cr;
	PangoLayout	*pl;
	double		 y;
	int		 page;
	const char	*number;
};

/* Draw s in a box at (x, y) of width w; returns the height it took. */
static double
put(struct pen *p, double x, double y, double w, const char *s, double size, int bold,
    enum align a)
{
	PangoFontDescription *fd = pango_font_description_new();
	int pw, ph;

	pango_font_description_set_family(fd, FONT);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(p->pl, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(p->pl, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(p->pl, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(p->pl, a == A_RIGHT ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	pango_layout_set_text(p->pl, s ? s : "", -1);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->pl);
	pango_layout_get_size(p->pl, &pw, &ph);
	return (double)ph / PANGO_SCALE;
}

static void
rule(struct pen *p, double y, double width)
{
	cairo_set_line_width(p->cr, width);
	cairo_move_to(p->cr, MARGIN, y);
	cairo_line_to(p->cr, PAGE_W - MARGIN, y);
	cairo_stroke(p->cr);
}

static void
table_head(struct pen *p)
{
	double h = 0, t;
	size_t i;

	for (i = 0; i < NCOLS; i++)
		if ((t = put(p, cols[i].x, p->y, cols[i].w, cols[i].head, 8.5, 1, cols[i].align)) > h)
			h = t;
	p->y += h + 3;
	rule(p, p->y, 0.6);
	p->y += 4;
}

static void
end_page(struct pen *p)
{
	char foot[64];

	snprintf(foot, sizeof(foot), "%s, page %d", p->number, p->page);
	put(p, MARGIN, PAGE_H - MARGIN, PAGE_W - 2 * MARGIN, foot, 7.5, 0, A_RIGHT);
	cairo_show_page(p->cr);
}

/* Start a new page when h more points do not fit; repeat the table's heading. */
static void
need(struct pen *p, double h, int in_table)
{
	if (p->y + h <= BOTTOM)
		return;
	end_page(p);
	p->page++;
	p->y = MARGIN;
	if (in_table)
		table_head(p);
}

static const char *
jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* An amount in minor units as the document's currency writes it. */
static void
amount(const json_t *o, const char *k, const char *cur, char *out, size_t len)
{
	json_t *v = json_object_get(o, k);

	if (!json_is_integer(v) || money_format(json_integer_value(v), cur, out, len) < 0)
		snprintf(out, len, "-");
}

/* The buyer: name, company, address, VAT id as recorded; else the e-mail. */
static void
buyer(struct pen *p, const json_t *b, const char *customer)
{
	static const char *const keys[] = { "company", "name", "address" };
	char vat[64];
	int any = 0;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (jstr(b, keys[i])[0] != '\0') {
			p->y += put(p, MARGIN, p->y, 300, jstr(b, keys[i]), 10, 0, A_LEFT) + 1;
			any = 1;
		}
	if (!any)
		p->y += put(p, MARGIN, p->y, 300, jstr(b, "email")[0] ? jstr(b, "email") : customer,
		    10, 0, A_LEFT) + 1;
	if (jstr(b, "vat_id")[0] != '\0') {
		snprintf(vat, sizeof(vat), "VAT id %s", jstr(b, "vat_id"));
		p->y += put(p, MARGIN, p->y, 300, vat, 9, 0, A_LEFT) + 1;
	}
	p->y += 5;
}

/* A rate in basis points as "19.00 %". */
static void
rate(const json_t *o, char *out, size_t len)
{
	json_t *v = json_object_get(o, "tax_bp");

	if (!json_is_integer(v))
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%lld.%02lld %%", (long long)json_integer_value(v) / 100,
		    (long long)json_integer_value(v) % 100);
}

static void
header(struct pen *p, const json_t *doc, const char *title, const struct doc_parties *pt)
{
	char vat[96], line[160];
	double yl, yr;
	static const struct { const char *label, *key; } meta[] = {
		{ "Number", "number" }, { "Invoice", "invoice" }, { "Period", "period" },
		{ "Issued", "issued_at" }, { "Supplied from", "supply_from" },
		{ "Supplied to", "supply_to" }, { "Due", "due_at" },
	};
	size_t i;

	yl = p->y + put(p, MARGIN, p->y, 280, pt->isp_name, 14, 1, A_LEFT) + 2;
	if (pt->isp_address && pt->isp_address[0])
		yl += put(p, MARGIN, yl, 280, pt->isp_address, 9, 0, A_LEFT) + 2;
	if (pt->isp_vat_id && pt->isp_vat_id[0]) {
		snprintf(vat, sizeof(vat), "VAT id %s", pt->isp_vat_id);
		yl += put(p, MARGIN, yl, 280, vat, 9, 0, A_LEFT) + 2;
	}
	yr = p->y + put(p, 345, p->y, PAGE_W - MARGIN - 345, title, 18, 1, A_RIGHT) + 4;
	for (i = 0; i < sizeof(meta) / sizeof(meta[0]); i++) {
		const char *v = jstr(doc, meta[i].key);
		if (v[0] == '\0')
			continue;
		/* dates as dates: "2026-12-01T00:00:00Z" -> "2026-12-01" */
		snprintf(line, sizeof(line), "%s: %.*s", meta[i].label,
		    strlen(v) == 20 && v[10] == 'T' ? 10 : (int)strlen(v), v);
		yr += put(p, 345, yr, PAGE_W - MARGIN - 345, line, 9, i == 0, A_RIGHT) + 1;
	}
	p->y = (yl > yr ? yl : yr) + 16;
	p->y += put(p, MARGIN, p->y, 300, "Bill to", 8.5, 1, A_LEFT) + 1;
	buyer(p, json_object_get(doc, "buyer"), pt->customer);
	if (jstr(doc, "reason")[0] != '\0')
		p->y += put(p, MARGIN, p->y, PAGE_W - 2 * MARGIN, jstr(doc, "reason"), 9, 0,
		    A_LEFT) + 6;
	p->y += 10;
}

static void
line_row(struct pen *p, const json_t *l, const char *cur)
{
	char item[160], span[64], qty[96], price[48], amt[48], rt[48], tax[48];
	const char *cells[NCOLS];
	double h = 0, t;
	size_t i;

	if (jstr(l, "resource")[0] != '\0' && strcmp(jstr(l, "kind"), "fee") != 0)
		snprintf(item, sizeof(item), "%s: %s", jstr(l, "kind"), jstr(l, "resource"));
	else
		snprintf(item, sizeof(item), "%s", jstr(l, "kind"));
	/* A month cut by a service change: the line's part, under the item. */
	if (vep_iso_span(jstr(l, "from"), jstr(l, "to"), span, sizeof(span)) == 0) {
		size_t n = strlen(item);
		snprintf(item + n, sizeof(item) - n, "\n%s", span);
	}
	snprintf(qty, sizeof(qty), "%s %s", jstr(l, "quantity"), jstr(l, "unit"));
	amount(l, "unit_price_minor", cur, price, sizeof(price));
	amount(l, "amount_minor", cur, amt, sizeof(amt));
	cells[0] = jstr(l, "ve_id");
	cells[1] = item;
	cells[2] = qty;
	cells[3] = price;
	cells[4] = amt;
	rate(l, rt, sizeof(rt));
	amount(l, "tax_minor", cur, tax, sizeof(tax));
	cells[5] = rt;
	cells[6] = tax;
	need(p, 14, 1);
	for (i = 0; i < NCOLS; i++)
		if ((t = put(p, cols[i].x, p->y, cols[i].w, cells[i], 8.5, 0, cols[i].align)) > h)
			h = t;
	p->y += h + 3;
}

static void
totals(struct pen *p, const json_t *doc, const char *cur)
{
	static const struct { const char *label, *key; int bold; } rows[] = {
		{ "Subtotal", "subtotal_minor", 0 }, { "Tax", "tax_minor", 0 },
		{ "Total", "total_minor", 1 },
	};
	char v[48], label[96], rt[48];
	size_t i;

	need(p, 60, 0);
	rate(doc, rt, sizeof(rt));
	rule(p, p->y + 2, 0.6);
	p->y += 8;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		amount(doc, rows[i].key, cur, v, sizeof(v));
		if (i == 1)
			snprintf(label, sizeof(label), "Tax %s", rt);
		else
			snprintf(label, sizeof(label), rows[i].bold ? "%s %s" : "%s", rows[i].label, cur);
		put(p, cols[3].x - 100, p->y, cols[3].w + 100, label, 9.5, rows[i].bold, A_RIGHT);
		p->y += put(p, cols[6].x - 20, p->y, cols[6].w + 20, v, 9.5, rows[i].bold, A_RIGHT) + 3;
	}
}

/* The reverse-charge sentence and how to pay. */
static void
notes(struct pen *p, const json_t *doc, const struct doc_parties *pt)
{
	char line[320];

	p->y += 10;
	if (jstr(doc, "tax_note")[0] != '\0') {
		need(p, 30, 0);
		p->y += put(p, MARGIN, p->y, PAGE_W - 2 * MARGIN, jstr(doc, "tax_note"), 9, 1,
		    A_LEFT) + 6;
	}
	if ((pt->iban == NULL || pt->iban[0] == '\0') && (pt->pay_url == NULL || pt->pay_url[0] == '\0'))
		return;
	need(p, 50, 0);
	p->y += put(p, MARGIN, p->y, 300, "Payment", 8.5, 1, A_LEFT) + 1;
	if (pt->iban != NULL && pt->iban[0] != '\0') {
		snprintf(line, sizeof(line), "Bank transfer to %s%sIBAN %s%s%s, reference %s",
		    pt->bank != NULL ? pt->bank : "", pt->bank != NULL && pt->bank[0] ? ", " : "",
		    pt->iban, pt->bic != NULL && pt->bic[0] ? ", BIC " : "", pt->bic != NULL ? pt->bic : "",
		    jstr(doc, "number"));
		p->y += put(p, MARGIN, p->y, PAGE_W - 2 * MARGIN, line, 9, 0, A_LEFT) + 1;
	}
	if (pt->pay_url != NULL && pt->pay_url[0] != '\0') {
		snprintf(line, sizeof(line), "Pay online: %s", pt->pay_url);
		p->y += put(p, MARGIN, p->y, PAGE_W - 2 * MARGIN, line, 9, 0, A_LEFT) + 1;
	}
}

static cairo_status_t
sink(void *arg, const unsigned char *data, unsigned int len)
{
	return buf_append(arg, data, len) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

enum doc_pdf_err
doc_pdf(const json_t *doc, const char *title, const struct doc_parties *pt, struct buf *out)
{
	struct pen p = { 0 };
	cairo_surface_t *s = NULL;
	const char *cur = jstr(doc, "currency");
	json_t *lines = json_object_get(doc, "lines"), *l;
	enum doc_pdf_err rc = DOC_PDF_ERENDER;
	size_t i;

	if (jstr(doc, "number")[0] == '\0' || money_exponent(cur) < 0 ||
	    !json_is_integer(json_object_get(doc, "total_minor")))
		return DOC_PDF_EINPUT;
	s = cairo_pdf_surface_create_for_stream(sink, out, PAGE_W, PAGE_H);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
		goto out;
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, jstr(doc, "number"));
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "vepanel");
	p.cr = cairo_create(s);
	if ((p.pl = pango_cairo_create_layout(p.cr)) == NULL)
		goto out;
	p.y = MARGIN;
	p.page = 1;
	p.number = jstr(doc, "number");
	cairo_set_source_rgb(p.cr, 0, 0, 0);
	header(&p, doc, title, pt);
	table_head(&p);
	json_array_foreach(lines, i, l)
		line_row(&p, l, cur);
	totals(&p, doc, cur);
	notes(&p, doc, pt);
	end_page(&p);
	cairo_surface_finish(s);
	if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS && !out->oom)
		rc = DOC_PDF_OK;
out:
	if (p.pl)
		g_object_unref(p.pl);
	if (p.cr)
		cairo_destroy(p.cr);
	if (s)
		cairo_surface_destroy(s);
	return rc;
}

void
doc_parties_conf(const struct conf *c, const char *customer, char *urlbuf, size_t urllen,
    struct doc_parties *out)
{
	memset(out, 0, sizeof(*out));
	out->isp_name = conf_str(c, "isp", "name");
	out->isp_address = conf_str(c, "isp", "address");
	out->isp_vat_id = conf_str(c, "isp", "vat_id");
	out->customer = customer;
	out->bank = conf_str(c, "isp", "bank");
	out->iban = conf_str(c, "isp", "iban");
	out->bic = conf_str(c, "isp", "bic");
	urlbuf[0] = '\0';
	if (conf_str(c, "payments", "checkout_url")[0] != '\0')
		snprintf(urlbuf, urllen, "%s/self", conf_str(c, "isp", "public_url"));
	out->pay_url = urlbuf;
}
