/* Unit tests of lib/domain/pay_url.c: the checkout link's template, table-driven. */
#include <check.h>
#include <string.h>

#include "pay_url.h"
#include "util.h"

static const struct {
	const char	*tmpl, *number, *currency, *ret;
	long long	 amount;
	size_t		 outlen;
	int		 ok;
	const char	*want;
} rows[] = {
	{ "https://p.example/c?n={number}&a={amount_minor}&c={currency}&r={return_url}", "INV-2026-000001",
	  "EUR", "http://127.0.0.1:8080/self", 1468, 256, 1,
	  "https://p.example/c?n=INV-2026-000001&a=1468&c=EUR&r=http%3A%2F%2F127.0.0.1%3A8080%2Fself" },
	{ "https://p.example/{number}/{number}", "DN-2026-000002", "EUR", "", 1, 256, 1,
	  "https://p.example/DN-2026-000002/DN-2026-000002" },
	{ "https://p.example/?r={return_url}", "X", "EUR", "a b&c=d/ü~", 1, 256, 1,
	  "https://p.example/?r=a%20b%26c%3Dd%2F%C3%BC~" },
	{ "https://p.example/{unknown}", "X", "EUR", "", 1, 256, 1, "https://p.example/{unknown}" },
	{ "", "X", "EUR", "", 1, 256, 0, NULL },
	{ "https://p.example/{number}", "X", "EUR", "", 0, 256, 0, NULL },
	{ "https://p.example/{number}", "X", "EUR", "", -5, 256, 0, NULL },
	{ "https://p.example/{number}", "INV-2026-000001", "EUR", "", 1, 20, 0, NULL },
};

START_TEST(test_url)
{
	char out[256] = "";
	int ok = pay_url(rows[_i].tmpl, rows[_i].number, rows[_i].amount, rows[_i].currency, rows[_i].ret,
	    out, rows[_i].outlen);

	ck_assert_int_eq(ok, rows[_i].ok);
	if (ok)
		ck_assert_str_eq(out, rows[_i].want);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pay_url");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, test_url, 0, (int)nitems(rows));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
