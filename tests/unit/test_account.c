/*
 * Unit tests of lib/domain/account.c: the customer account's profile,
 * login address, password and throttle subject, table-driven.
 */
#include <check.h>
#include <string.h>

#include "account.h"
#include "util.h"

/* One profile field at a time (the others empty); want "" = accepted, as normalised. */
static const struct {
	enum acct_field	 k;
	const char	*in;
	int		 ok;
	const char	*want;		/* the stored value when ok; a word of the refusal otherwise */
} prof[] = {
	{ AF_NAME, "  Erika Mustermann  ", 1, "Erika Mustermann" },
	{ AF_NAME, "Ünïcödé 名前", 1, "Ünïcödé 名前" },
	{ AF_NAME, "a\nb", 0, "Control" },
	{ AF_NAME, "a\xe2\x80\xae" "b", 0, "Control" },	/* U+202E */
	{ AF_NAME, "a\xc2\x9b" "b", 0, "Control" },	/* U+009B CSI */
	{ AF_COMPANY, "a\x1b[31m", 0, "Control" },
	{ AF_ADDRESS, "Hauptstr. 1\r\n10115 Berlin\tDE", 1, "Hauptstr. 1\r\n10115 Berlin\tDE" },
	{ AF_ADDRESS, "x\x7f", 0, "Control" },
	{ AF_VAT_ID, "de 123.456-789", 1, "DE123456789" },
	{ AF_VAT_ID, "ATU12345678", 1, "ATU12345678" },
	{ AF_VAT_ID, "", 1, "" },
	{ AF_VAT_ID, "123456789", 0, "two letters" },
	{ AF_VAT_ID, "DE1", 0, "two letters" },
	{ AF_VAT_ID, "DE1234567890123456", 0, "at most 15" },
	{ AF_VAT_ID, "DE12345_789", 0, "letters and digits" },
	{ AF_VAT_ID, "DE12345ü789", 0, "letters and digits" },
	{ AF_PHONE, "+49 (30) 123-45/67", 1, "+49 (30) 123-45/67" },
	{ AF_PHONE, "1234", 0, "5 to 20 digits" },
	{ AF_PHONE, "49+301234567", 0, "digits, spaces" },
	{ AF_PHONE, "call me", 0, "digits, spaces" },
	{ AF_PHONE, "+123456789012345678901", 0, "5 to 20 digits" },
	{ AF_COUNTRY, "de", 1, "DE" },
	{ AF_COUNTRY, " FR ", 1, "FR" },
	{ AF_COUNTRY, "Germany", 0, "two letters" },
	{ AF_COUNTRY, "D1", 0, "two letters" },
	{ AF_COUNTRY, "D", 0, "two letters" },
};

static const char *
stored(const struct acct_profile *p, enum acct_field k)
{
	switch (k) {
	case AF_NAME: return p->name;
	case AF_COMPANY: return p->company;
	case AF_ADDRESS: return p->address;
	case AF_VAT_ID: return p->vat_id;
	case AF_COUNTRY: return p->country;
	default: return p->phone;
	}
}

START_TEST(test_profile)
{
	const char *in[AF__MAX] = { NULL }, *why[AF__MAX];
	struct acct_profile p;
	int bad;

	in[prof[_i].k] = prof[_i].in;
	bad = acct_profile_check(in, &p, why);
	ck_assert_msg(bad == !prof[_i].ok, "row %d: %d refused", _i, bad);
	if (prof[_i].ok)
		ck_assert_str_eq(stored(&p, prof[_i].k), prof[_i].want);
	else
		ck_assert_msg(why[prof[_i].k] != NULL && strstr(why[prof[_i].k], prof[_i].want) != NULL,
		    "row %d: %s", _i, why[prof[_i].k] ? why[prof[_i].k] : "(none)");
}
END_TEST

/* Each field's length limit counts characters, not bytes. */
START_TEST(test_lengths)
{
	static const size_t max[AF__MAX] = { 128, 128, 512, 20, 32, 2 };
	char s[4 * 600];
	const char *in[AF__MAX] = { NULL }, *why[AF__MAX];
	struct acct_profile p;

	for (size_t k = 0; k < AF__MAX; k++) {
		if (k == AF_VAT_ID || k == AF_PHONE || k == AF_COUNTRY)
			continue;
		s[0] = '\0';
		for (size_t i = 0; i < max[k]; i++)
			strcat(s, "\xc3\xa4");	/* ä: two bytes */
		in[k] = s;
		ck_assert_int_eq(acct_profile_check(in, &p, why), 0);
		strcat(s, "a");
		ck_assert_int_eq(acct_profile_check(in, &p, why), 1);
		ck_assert_ptr_nonnull(strstr(why[k], "at most"));
		in[k] = NULL;
	}
}
END_TEST

static const struct {
	const char	*in;
	const char	*want;		/* NULL: refused */
} emails[] = {
	{ "Erika@Example.NET", "erika@example.net" },
	{ "a.b+tag@sub.example.com", "a.b+tag@sub.example.com" },
	{ "no-at-sign", NULL },
	{ "@example.com", NULL },
	{ "a@", NULL },
	{ "a b@example.com", NULL },
	{ "a..b@example.com", NULL },
	{ "a@-bad-.example", NULL },
	{ "", NULL },
};

START_TEST(test_email)
{
	char out[255];
	int rc = acct_email_norm(emails[_i].in, out);

	if (emails[_i].want == NULL)
		ck_assert_msg(rc == -1, "row %d accepted", _i);
	else {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(out, emails[_i].want);
	}
}
END_TEST

START_TEST(test_password_and_subject)
{
	char s[65], long_addr[255];

	ck_assert_ptr_nonnull(acct_password_why(NULL));
	ck_assert_ptr_nonnull(acct_password_why(""));
	ck_assert_ptr_nonnull(acct_password_why("elevenchars"));
	ck_assert_ptr_null(acct_password_why("twelve chars"));
	ck_assert_ptr_null(acct_password_why("äääääääääääa"));	/* 12 characters, 23 bytes */
	memset(s, 'x', 64);
	s[64] = '\0';
	ck_assert_ptr_null(acct_password_why(s));

	acct_throttle_subject("erika@example.net", s);
	ck_assert_str_eq(s, "acct:erika@example.net");
	memset(long_addr, 'a', 200);
	strcpy(long_addr + 200, "@example.net");
	acct_throttle_subject(long_addr, s);
	ck_assert_int_eq((int)strlen(s), 64);
	ck_assert_int_eq(strncmp(s, "acct:", 5), 0);
	ck_assert_int_eq((int)strspn(s + 5, "0123456789abcdef"), 59);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("account");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, test_profile, 0, (int)nitems(prof));
	tcase_add_test(tc, test_lengths);
	tcase_add_loop_test(tc, test_email, 0, (int)nitems(emails));
	tcase_add_test(tc, test_password_and_subject);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
