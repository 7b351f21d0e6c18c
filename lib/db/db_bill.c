/* Billing's shared pieces: see db_bill.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_bill.h"
#include "money.h"
#include "rating.h"
#include "util.h"

void
db_bill_period_str(int y, int m, char out[8])
{
	snprintf(out, 8, "%04u-%02u", (unsigned)y % 10000, (unsigned)m % 100);
}

int
db_bill_year_of(long long t)
{
	int y, m;
	rate_month_of(t, &y, &m);
	return y;
}

json_t *
db_bill_json_iso(long long t)
{
	char b[21];
	vep_iso8601(t, b);
	return json_string(b);
}

void
db_bill_date(long long t, char out[11])
{
	char b[21];
	vep_iso8601(t, b);
	memcpy(out, b, 10);
	out[10] = '\0';
}

json_t *
db_bill_json_fixed6(int64_t micro)
{
	char b[32];
	if (money_fixed6(micro, b, sizeof(b)) < 0)
		return json_null();
	return json_string(b);
}

const char *
db_bill_doc_status(long long balance, long long due, long long now)
{
	return balance <= 0 ? "paid" : now > due ? "overdue" : "open";
}

void
db_bill_warm(struct db *db, const char *const *sql, size_t n)
{
	for (size_t i = 0; i < n; i++)
		(void)db_stmt(db, sql[i]);
}

int
db_bill_rc(int rc)
{
	if (rc == DB_OK)
		return BILLING_OK;
	if (rc <= BILLING_EINPUT)
		return rc;
	return rc == DB_NOMEM ? BILLING_ENOMEM : BILLING_EDB;
}

int
db_bill_sum_parse(const char *s, int64_t *v)
{
	const char *es;
	long long x = vep_strtonum(s, 0, INT64_MAX, &es);
	if (es != NULL)
		return -1;
	*v = x;
	return 0;
}

int
db_bill_state_active(const char *s)
{
	return strcmp(s, "active") == 0;
}

json_t *
db_bill_line_json(const char *kind, const char *res, int64_t qty, const char *unit,
    int64_t price, int64_t amount)
{
	return json_pack("{s:s, s:s, s:o, s:s, s:I, s:I}", "kind", kind, "resource", res,
	    "quantity", db_bill_json_fixed6(qty), "unit", unit, "unit_price_minor",
	    (json_int_t)price, "amount_minor", (json_int_t)amount);
}
