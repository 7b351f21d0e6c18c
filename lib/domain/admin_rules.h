/*
 * admin_rules: the operator's pure rules, shared by the screens
 * (cgi/admin/), the operator's API (cgi/api_admin.c) and lib/db: dates
 * and ranges, field syntax, LIKE patterns, and reports as tables of text
 * cells -- the same for the HTML page, the JSON answer and the CSV
 * download, so the three can never disagree.  Money in reports is an
 * exact decimal string in the currency's major unit ("12.34", never a
 * float) with a currency column.  No database here.
 */
#ifndef VEP_ADMIN_RULES_H
#define VEP_ADMIN_RULES_H

#include <stddef.h>
#include <jansson.h>

struct buf;

/* ---- pure helpers -------------------------------------------------------------- */

/*
 * A calendar date "YYYY-MM-DD" (1970-01-01 to 9999-12-31; exactly ten
 * characters; the day must exist: 2026-02-30 does not) to its 00:00 UTC in
 * epoch seconds.  0 or -1.
 */
int	admin_date_parse(const char *s, long long *t);
/* The UTC date of t as "YYYY-MM-DD" into out[11]. */
void	admin_date_format(long long t, char out[11]);

#define ADMIN_MAX_SPAN_YEARS	5

/*
 * A report's range: from and to are dates, to inclusive, from <= to, and to
 * before the day five years after from.  Returns NULL with [*t_from, *t_to)
 * set (t_to is the day after to, 00:00 UTC), or a sentence for the client
 * with *field naming the field it is about ("from" or "to").
 */
const char *admin_range_check(const char *from, const char *to, long long *t_from,
	    long long *t_to, const char **field);

/* Escape \, % and _ for a LIKE pattern (backslash escapes); out always NUL-terminated. */
void	admin_like_escape(const char *in, char *out, size_t outlen);

/*
 * Field syntax shared by the screens and the API.  Each returns 1 when s
 * is acceptable, else 0.
 *   admin_name_valid: an operator's login name, 1..64 of [A-Za-z0-9._@-].
 *   admin_node_name_valid: 1..64 of [a-z0-9._-] (as catalog_node_add).
 *   admin_url_valid: http:// or https://, at most 255, no spaces or quotes.
 *   admin_text_valid: valid UTF-8, at most max characters, no control
 *	characters except (when multiline) CR, LF and TAB.
 *   admin_invoice_number_valid: INV-YYYY-NNNNNN or CN-YYYY-NNNNNN (kind "INV"/"CN").
 */
int	admin_name_valid(const char *s);
int	admin_node_name_valid(const char *s);
int	admin_url_valid(const char *s);
int	admin_text_valid(const char *s, size_t max, int multiline);
int	admin_invoice_number_valid(const char *s, const char *kind);

/* ---- reports as tables --------------------------------------------------------- */

enum admin_report { AR_REVENUE, AR_USAGE, AR_OVERAGE, AR_UNPAID, AR__MAX };

/* The report named s ("revenue", ...), or -1. */
int	admin_report_parse(const char *s);
struct admin_report_info {
	const char	*name;		/* "revenue" */
	const char	*about;		/* a sentence on what its rows are, for the screen */
};
/* The report's names; NULL ones for an out-of-range value. */
const struct admin_report_info *admin_report_info(enum admin_report);
#define admin_report_name(k)	(admin_report_info(k)->name)
#define admin_report_about(k)	(admin_report_info(k)->about)
/* Whether the report reads billing's tables. */
int	admin_report_needs_billing(enum admin_report);

enum admin_coltype { AC_TEXT, AC_INT, AC_DEC };	/* AC_DEC: an exact decimal as text */

struct admin_table {
	enum admin_report	 kind;
	size_t			 ncols;
	const char *const	*cols;		/* static names */
	const enum admin_coltype *types;	/* static */
	size_t			 nrows, cap;	/* rows held, rows allocated */
	char			**cells;	/* nrows x ncols, each malloc'd */
};

/* An empty table with kind's columns. */
void	admin_table_init(struct admin_table *, enum admin_report);
void	admin_table_free(struct admin_table *);
/* Append a row of ncols cells (copied).  0 or -1 (out of memory). */
int	admin_table_add(struct admin_table *, const char *const *cells);
/* The cell (borrowed). */
const char *admin_table_cell(const struct admin_table *, size_t row, size_t col);

/*
 * One CSV text field (RFC 4180: quoted when it holds a comma, quote, CR or
 * LF, quotes doubled), made safe for spreadsheets: a field starting with =,
 * +, -, @, TAB or CR gets a leading single quote.
 */
void	admin_csv_cell(struct buf *, const char *);
/*
 * The same for a cell of a column of the given type: in an AC_INT or AC_DEC
 * column a plain number (-?digits[.digits]) is written as it is, so that
 * spreadsheets read "-3.00" as a number; anything else as admin_csv_cell.
 */
void	admin_csv_field(struct buf *, const char *, enum admin_coltype);
/* The table as CSV: a header line, then the rows; CRLF line ends.  0 or -1. */
int	admin_table_csv(const struct admin_table *, struct buf *);
/*
 * {"report":name,"from":from,"to":to,"columns":[...],"rows":[[...]]}: AC_INT
 * cells as JSON integers, the others as strings.  New reference or NULL.
 */
json_t	*admin_table_json(const struct admin_table *, const char *from, const char *to);

#endif
