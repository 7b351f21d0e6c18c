/* lib/domain/tax.c: VAT id shapes, the rates list, the automatic decision (issue 18). */
#include <check.h>
#include <string.h>

#include "tax.h"
#include "util.h"

static const struct {
	const char	*in, *want;	/* want NULL: refused */
} ids[] = {
	{ "DE123456789", "DE123456789" },
	{ "de 123 456 789", "DE123456789" },
	{ "DE12345678", NULL },
	{ "DE1234567890", NULL },
	{ "ATU12345678", "ATU12345678" },
	{ "AT12345678", NULL },
	{ "FR 40 303 265 045", "FR40303265045" },
	{ "FRXX123456789", "FRXX123456789" },
	{ "NL123456789B01", "NL123456789B01" },
	{ "NL123456789C01", NULL },
	{ "EL123456789", "EL123456789" },
	{ "GR123456789", NULL },
	{ "ESX1234567X", "ESX1234567X" },
	{ "IE1234567WA", "IE1234567WA" },
	{ "BE0123456789", "BE0123456789" },
	{ "BE2123456789", NULL },
	{ "SE123456789001", "SE123456789001" },
	{ "SE123456789002", NULL },
	{ "RO12", "RO12" },
	{ "GB123456789", NULL },
	{ "CHE123456789", NULL },
	{ "US", NULL },
	{ "", NULL },
	{ "DE123456789\xc3\xa9", NULL },
	{ "DE12345678;9", NULL },
	{ "DE123456789012345678", NULL },
	{ "CY12345678L", "CY12345678L" },
	{ "CY123456789", NULL },
};

START_TEST(test_vatid)
{
	char out[TAX_VATID_MAX + 1];
	int rc = tax_vatid_norm(ids[_i].in, out);

	if (ids[_i].want == NULL) {
		ck_assert_msg(rc == TAX_EVATID, "row %d: %s accepted as %s", _i, ids[_i].in, out);
		ck_assert_msg(out[0] == '\0', "row %d: out not cleared", _i);
	} else {
		ck_assert_msg(rc == TAX_OK, "row %d: %s refused", _i, ids[_i].in);
		ck_assert_msg(strcmp(out, ids[_i].want) == 0, "row %d: %s want %s", _i, out,
		    ids[_i].want);
	}
}
END_TEST

static const struct {
	const char	*list, *cc;
	int		 rc;
	long long	 bp;
} rates[] = {
	{ "", "DE", 0, 0 },
	{ "DE:1900,AT:2000", "DE", 1, 1900 },
	{ "DE:1900, AT:2000", "AT", 1, 2000 },
	{ "DE:1900,AT:2000", "FR", 0, 0 },
	{ "DE:0", "DE", 1, 0 },
	{ "DE:10000", "DE", 1, 10000 },
	{ "DE:10001", "DE", TAX_ERATES, 0 },
	{ "DE:19.0", "DE", TAX_ERATES, 0 },
	{ "DE=1900", "DE", TAX_ERATES, 0 },
	{ "de:1900", "DE", TAX_ERATES, 0 },
	{ "DE:1900,", "DE", TAX_ERATES, 0 },
	{ "DE:-1", "DE", TAX_ERATES, 0 },
	{ "DE:1900;AT:2000", "AT", TAX_ERATES, 0 },
};

START_TEST(test_rates)
{
	long long bp = 0;
	int rc = tax_rates_lookup(rates[_i].list, rates[_i].cc, &bp);

	ck_assert_msg(rc == rates[_i].rc, "row %d: rc %d want %d", _i, rc, rates[_i].rc);
	if (rc == 1)
		ck_assert_msg(bp == rates[_i].bp, "row %d: %lld want %lld", _i, bp, rates[_i].bp);
}
END_TEST

static const struct {
	const char	*seller, *rates, *country, *vatid;
	long long	 def, bp;
	enum tax_scheme	 scheme;
} decide[] = {
	/* domestic, no VAT id: the seller's country rate */
	{ "DE", "DE:1900,FR:2000", "DE", "", 1000, 1900, TAX_STANDARD },
	/* domestic business: still standard */
	{ "DE", "DE:1900,FR:2000", "DE", "DE123456789", 1000, 1900, TAX_STANDARD },
	/* another EU state's business: reverse charge */
	{ "DE", "DE:1900,FR:2000", "FR", "FR40303265045", 1000, 0, TAX_REVERSE_CHARGE },
	/* a French consumer: France's rate */
	{ "DE", "DE:1900,FR:2000", "FR", "", 1000, 2000, TAX_STANDARD },
	/* unknown country: the default */
	{ "DE", "DE:1900", "", "", 1000, 1000, TAX_STANDARD },
	/* not listed: the default */
	{ "DE", "DE:1900", "US", "", 1000, 1000, TAX_STANDARD },
	/* a VAT id gives the country when none is known */
	{ "DE", "DE:1900", "", "DE123456789", 1000, 1900, TAX_STANDARD },
	/* the seller's country unknown: any EU VAT id reverse-charges */
	{ "", "", "", "DE123456789", 1900, 0, TAX_REVERSE_CHARGE },
	{ "AT", "", "GR", "EL123456789", 2000, 0, TAX_REVERSE_CHARGE },
	{ "GR", "GR:2400", "GR", "EL123456789", 0, 2400, TAX_STANDARD },
};

START_TEST(test_decide)
{
	struct tax_in in = { decide[_i].seller, decide[_i].def, decide[_i].rates, decide[_i].country,
	    decide[_i].vatid };
	struct tax_choice c = { -1, TAX__MAX };

	ck_assert_int_eq(tax_decide(&in, &c), TAX_OK);
	ck_assert_msg(c.bp == decide[_i].bp && c.scheme == decide[_i].scheme,
	    "row %d: %lld/%d want %lld/%d", _i, c.bp, c.scheme, decide[_i].bp, decide[_i].scheme);
}
END_TEST

START_TEST(test_misc)
{
	struct tax_in in = { "DE", 0, "DE:x", "DE", "" };
	struct tax_choice c;
	char cc[3];

	ck_assert_int_eq(tax_decide(&in, &c), TAX_ERATES);
	tax_vatid_country("EL123456789", cc);
	ck_assert_str_eq(cc, "GR");
	ck_assert_int_eq(tax_is_eu("GR"), 1);
	ck_assert_int_eq(tax_is_eu("GB"), 0);
	ck_assert_int_eq(tax_is_eu("EL"), 0);
	ck_assert_int_eq(tax_country_valid("DE"), 1);
	ck_assert_int_eq(tax_country_valid("de"), 0);
	ck_assert_int_eq(tax_country_valid("DEU"), 0);
	ck_assert_str_eq(tax_scheme_name(TAX_REVERSE_CHARGE), "reverse_charge");
	ck_assert_ptr_null(tax_scheme_name(TAX__MAX));
	ck_assert_int_eq(tax_scheme_parse("standard"), TAX_STANDARD);
	ck_assert_int_eq(tax_scheme_parse("zero"), -1);
	ck_assert_str_eq(tax_scheme_note(TAX_STANDARD), "");
	ck_assert(strstr(tax_scheme_note(TAX_REVERSE_CHARGE), "Reverse charge") != NULL);
	/* half-up as money_tax: 12.35 at 19 % is 2.3465 -> 2.35; 0.05 at 10 % is 0.005 -> 0.01 */
	ck_assert_int_eq(tax_of(1235, 1900), 235);
	ck_assert_int_eq(tax_of(5, 1000), 1);
	ck_assert_int_eq(tax_of(4, 1000), 0);
	ck_assert_int_eq(tax_of(0, 1900), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tax");
	TCase *tc = tcase_create("tax");
	SRunner *sr;
	int nf;

	tcase_add_loop_test(tc, test_vatid, 0, nitems(ids));
	tcase_add_loop_test(tc, test_rates, 0, nitems(rates));
	tcase_add_loop_test(tc, test_decide, 0, nitems(decide));
	tcase_add_test(tc, test_misc);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
