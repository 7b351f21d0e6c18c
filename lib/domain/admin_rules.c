/*
 * The operator's pure rules: see admin_rules.h.  Unit-tested in
 * tests/unit/test_admin.c.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "admin_rules.h"
#include "util.h"

static int
days_in_month(long long y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}


int
admin_date_parse(const char *s, long long *t)
{
	long long y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    vep_digits(s, 4, &y) == -1 || vep_digits(s + 5, 2, &m) == -1 || vep_digits(s + 8, 2, &d) == -1)
		return -1;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, (int)m))
		return -1;
	*t = vep_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400;
	return 0;
}

void
admin_date_format(long long t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		snprintf(out, 11, "%s", "0000-00-00");
}

const char *
admin_range_check(const char *from, const char *to, long long *tf, long long *tt,
    const char **field)
{
	static const char bad[] = "must be a date that exists, written YYYY-MM-DD, such as 2026-01-31";
	long long y, m, d, lim;

	*field = "from";
	if (from == NULL || *from == '\0')
		return "is required (a date written YYYY-MM-DD)";
	if (admin_date_parse(from, tf) == -1)
		return bad;
	*field = "to";
	if (to == NULL || *to == '\0')
		return "is required (a date written YYYY-MM-DD; the day is included)";
	if (admin_date_parse(to, tt) == -1)
		return bad;
	if (*tt < *tf)
		return "must not be before from";
	*tt += 86400;
	/* The same day ADMIN_MAX_SPAN_YEARS later (28 February for 29 February). */
	vep_digits(from, 4, &y);
	vep_digits(from + 5, 2, &m);
	vep_digits(from + 8, 2, &d);
	y += ADMIN_MAX_SPAN_YEARS;
	if (d > days_in_month(y, (int)m))
		d = days_in_month(y, (int)m);
	lim = vep_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400;
	if (*tt > lim)
		return "is too far from from: a report spans at most 5 years";
	*field = NULL;
	return NULL;
}

void
admin_like_escape(const char *in, char *out, size_t outlen)
{
	size_t o = 0;

	if (outlen == 0)
		return;
	for (; in != NULL && *in != '\0'; in++) {
		int esc = *in == '\\' || *in == '%' || *in == '_';
		if (o + (size_t)esc + 1 >= outlen)
			break;
		if (esc)
			out[o++] = '\\';
		out[o++] = *in;
	}
	out[o] = '\0';
}

static int
only(const char *s, const char *set, size_t min, size_t max)
{
	size_t n = s != NULL ? strlen(s) : 0;
	return s != NULL && n >= min && n <= max && strspn(s, set) == n;
}

#define LOWER	"abcdefghijklmnopqrstuvwxyz"
#define UPPER	"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGIT	"0123456789"

int
admin_name_valid(const char *s)
{
	return only(s, LOWER UPPER DIGIT "._@-", 1, 64);
}

int
admin_node_name_valid(const char *s)
{
	return only(s, LOWER DIGIT "._-", 1, 64);
}

int
admin_url_valid(const char *s)
{
	const char *host;

	if (s == NULL || strlen(s) > 255)
		return 0;
	if (strncmp(s, "http://", 7) == 0)
		host = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else
		return 0;
	if (*host == '\0' || *host == '/')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f || strchr("\"'<>\\`", *s) != NULL)
			return 0;
	return 1;
}

int
admin_text_valid(const char *s, size_t max, int multiline)
{
	size_t chars = 0, len;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (!vep_valid_utf8(s, len))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			if (!multiline || (*p != '\n' && *p != '\r' && *p != '\t'))
				return 0;
		}
		if ((*p & 0xc0) != 0x80)
			chars++;
	}
	return chars <= max;
}

int
admin_invoice_number_valid(const char *s, const char *kind)
{
	size_t k = strlen(kind);
	long long y;

	/* KIND-YYYY-NNNNNN, six digits at least (more once a year passes a million). */
	if (s == NULL || strncmp(s, kind, k) != 0 || s[k] != '-' || strlen(s) < k + 12 ||
	    strlen(s) > 24 || vep_digits(s + k + 1, 4, &y) == -1 || s[k + 5] != '-')
		return 0;
	return only(s + k + 6, DIGIT, 6, 12);
}

/* ---- report tables ------------------------------------------------------------------ */

/* [AR__MAX]: all NULL, for an out-of-range value. */
static const struct admin_report_info rep[AR__MAX + 1] = {
	[AR_REVENUE] = { "revenue",
	    "Invoiced amounts before tax per invoice period, plan and currency, for the "
	    "months that overlap the range: fees, overage and credit notes (negative); debit "
	    "notes for late usage add to their month's fees and overage." },
	[AR_USAGE] = { "usage",
	    "Usage per VE from the daily rollups in the range: CPU time in milliseconds, "
	    "traffic in bytes, and the average disk and virtual memory in bytes; the node is the "
	    "VE's node now." },
	[AR_OVERAGE] = { "overage",
	    "Every overage line of the invoices for the months that overlap the range." },
	[AR_UNPAID] = { "unpaid",
	    "Invoices issued in the range with an open balance now, oldest due date first." },
};

static const char *const cols_revenue[] = { "period", "plan", "currency", "invoices", "ves",
    "fees", "overage", "credits", "net" };
static const enum admin_coltype types_revenue[] = { AC_TEXT, AC_TEXT, AC_TEXT, AC_INT, AC_INT,
    AC_DEC, AC_DEC, AC_DEC, AC_DEC };
static const char *const cols_usage[] = { "ve_id", "node", "cpu_ms", "net_in_bytes",
    "net_out_bytes", "avg_disk_bytes", "avg_vmem_bytes" };
static const enum admin_coltype types_usage[] = { AC_TEXT, AC_TEXT, AC_INT, AC_INT, AC_INT,
    AC_INT, AC_INT };
static const char *const cols_overage[] = { "period", "invoice", "ve_id", "plan", "resource",
    "quantity", "unit", "unit_price", "amount", "currency" };
static const enum admin_coltype types_overage[] = { AC_TEXT, AC_TEXT, AC_TEXT, AC_TEXT, AC_TEXT,
    AC_DEC, AC_TEXT, AC_DEC, AC_DEC, AC_TEXT };
static const char *const cols_unpaid[] = { "invoice", "period", "account", "email", "issued",
    "due", "total", "credited", "paid", "open", "currency", "days_overdue", "status" };
static const enum admin_coltype types_unpaid[] = { AC_TEXT, AC_TEXT, AC_INT, AC_TEXT, AC_TEXT,
    AC_TEXT, AC_DEC, AC_DEC, AC_DEC, AC_DEC, AC_TEXT, AC_INT, AC_TEXT };

static const struct {
	const char *const		*cols;
	const enum admin_coltype	*types;
	size_t				 n;
} rep_cols[AR__MAX] = {
	[AR_REVENUE] = { cols_revenue, types_revenue, nitems(cols_revenue) },
	[AR_USAGE] = { cols_usage, types_usage, nitems(cols_usage) },
	[AR_OVERAGE] = { cols_overage, types_overage, nitems(cols_overage) },
	[AR_UNPAID] = { cols_unpaid, types_unpaid, nitems(cols_unpaid) },
};

int
admin_report_parse(const char *s)
{
	return VEP_LOOKUP(s, rep, AR__MAX);
}

const struct admin_report_info *
admin_report_info(enum admin_report k)
{
	return &rep[(unsigned)k < AR__MAX ? k : AR__MAX];
}

int
admin_report_needs_billing(enum admin_report k)
{
	return k != AR_USAGE;
}

void
admin_table_init(struct admin_table *t, enum admin_report k)
{
	memset(t, 0, sizeof(*t));
	t->kind = k;
	t->cols = rep_cols[k].cols;
	t->types = rep_cols[k].types;
	t->ncols = rep_cols[k].n;
}

void
admin_table_free(struct admin_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

int
admin_table_add(struct admin_table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 64;
		char **p = reallocarray(t->cells, nc * t->ncols, sizeof(*p));
		if (p == NULL)
			return -1;
		t->cells = p;
		t->cap = nc;
	}
	for (size_t c = 0; c < t->ncols; c++) {
		char *s = strdup(cells[c] != NULL ? cells[c] : "");
		if (s == NULL) {
			for (size_t k = 0; k < c; k++)
				free(t->cells[t->nrows * t->ncols + k]);
			return -1;
		}
		t->cells[t->nrows * t->ncols + c] = s;
	}
	t->nrows++;
	return 0;
}

const char *
admin_table_cell(const struct admin_table *t, size_t row, size_t col)
{
	return t->cells[row * t->ncols + col];
}

/* "-12", "3", "-3.00", "12.345": an optional minus, digits, optionally a point and digits. */
static int
csv_number(const char *s)
{
	size_t i = *s == '-', d;

	if ((d = strspn(s + i, "0123456789")) == 0 || d > 20)
		return 0;
	i += d;
	if (s[i] == '.') {
		if ((d = strspn(s + i + 1, "0123456789")) == 0 || d > 20)
			return 0;
		i += 1 + d;
	}
	return s[i] == '\0';
}

void
admin_csv_field(struct buf *b, const char *s, enum admin_coltype type)
{
	int guard, quote;

	/* A number column's number is written as a number: "-3.00" stays a number. */
	if (type != AC_TEXT && csv_number(s)) {
		buf_puts(b, s);
		return;
	}
	guard = *s != '\0' && strchr("=+-@\t\r", *s) != NULL;
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		buf_puts(b, "\"");
	if (guard)
		buf_puts(b, "'");
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_puts(b, "\"\"");
		else
			buf_append(b, s, 1);
	}
	if (quote)
		buf_puts(b, "\"");
}

void
admin_csv_cell(struct buf *b, const char *s)
{
	admin_csv_field(b, s, AC_TEXT);
}

int
admin_table_csv(const struct admin_table *t, struct buf *b)
{
	for (size_t c = 0; c < t->ncols; c++) {
		if (c > 0)
			buf_puts(b, ",");
		admin_csv_cell(b, t->cols[c]);
	}
	buf_puts(b, "\r\n");
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			if (c > 0)
				buf_puts(b, ",");
			admin_csv_field(b, admin_table_cell(t, r, c), t->types[c]);
		}
		buf_puts(b, "\r\n");
	}
	return b->oom ? -1 : 0;
}

json_t *
admin_table_json(const struct admin_table *t, const char *from, const char *to)
{
	json_t *cols = json_array(), *rows = json_array();

	if (cols == NULL || rows == NULL)
		goto fail;
	for (size_t c = 0; c < t->ncols; c++)
		if (json_array_append_new(cols, json_string(t->cols[c])) == -1)
			goto fail;
	for (size_t r = 0; r < t->nrows; r++) {
		json_t *row = json_array();
		if (row == NULL || json_array_append_new(rows, row) == -1)
			goto fail;
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = admin_table_cell(t, r, c), *es = NULL;
			long long v = 0;
			if (t->types[c] == AC_INT)
				v = vep_strtonum(s, LLONG_MIN, LLONG_MAX, &es);
			if (json_array_append_new(row, t->types[c] == AC_INT && es == NULL ?
			    json_integer(v) : json_string(s)) == -1)
				goto fail;
		}
	}
	return json_pack("{s:s, s:s, s:s, s:o, s:o}", "report", rep[t->kind].name,
	    "from", from, "to", to, "columns", cols, "rows", rows);
fail:
	json_decref(cols);
	json_decref(rows);
	return NULL;
}
