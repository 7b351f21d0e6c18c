/* Unit tests of lib/domain/webhook_sig.c: the Vep-Signature header, table-driven. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "webhook_sig.h"

#define NOW	1700000000LL
static const char body[] = "{\"id\":\"evt_1\",\"type\":\"payment.succeeded\"}";
static const char secret[] = "whsec_test";

/* A header from a template: %S is the right signature for t=NOW, %T a stale time. */
static const struct {
	const char	*hdr;
	long long	 now;
	int		 want;
} rows[] = {
	{ "t=1700000000,v1=%S", NOW, WEBHOOK_SIG_OK },
	{ "t=1700000000, v1=%S", NOW + 300, WEBHOOK_SIG_OK },
	{ "v1=%S,t=1700000000", NOW - 300, WEBHOOK_SIG_OK },
	{ "t=1700000000,v0=abc,v1=%S", NOW, WEBHOOK_SIG_OK },
	{ "t=1700000000,v1=" "0000000000000000000000000000000000000000000000000000000000000000,v1=%S", NOW, WEBHOOK_SIG_OK },
	{ "t=1700000000,v1=%S", NOW + 301, WEBHOOK_SIG_STALE },
	{ "t=1700000000,v1=%S", NOW - 301, WEBHOOK_SIG_STALE },
	{ "t=1700000000,v1=" "0000000000000000000000000000000000000000000000000000000000000000", NOW, WEBHOOK_SIG_MISMATCH },
	{ "", NOW, WEBHOOK_SIG_MALFORMED },
	{ "t=1700000000", NOW, WEBHOOK_SIG_MALFORMED },
	{ "v1=%S", NOW, WEBHOOK_SIG_MALFORMED },
	{ "t=1700000000,t=1700000000,v1=%S", NOW, WEBHOOK_SIG_MALFORMED },
	{ "t=17e8,v1=%S", NOW, WEBHOOK_SIG_MALFORMED },
	{ "t=-1,v1=%S", NOW, WEBHOOK_SIG_MALFORMED },
	{ "t=1700000000,v1=%Sff", NOW, WEBHOOK_SIG_MALFORMED },
	{ "t=1700000000,v1=zz%S", NOW, WEBHOOK_SIG_MALFORMED },
	{ "t=1700000000,,v1=%S", NOW, WEBHOOK_SIG_MALFORMED },
	{ "t=1700000000,=x,v1=%S", NOW, WEBHOOK_SIG_MALFORMED },
};

START_TEST(test_check)
{
	char sig[65], hdr[512] = "";
	const char *t = rows[_i].hdr, *p;

	ck_assert_int_eq(webhook_sig_sign(NOW, body, strlen(body), secret, strlen(secret), sig), 0);
	/* expand %S */
	for (p = t; *p; p++) {
		if (p[0] == '%' && p[1] == 'S') {
			strcat(hdr, sig);
			p++;
		} else
			strncat(hdr, p, 1);
	}
	ck_assert_int_eq(webhook_sig_check(hdr, body, strlen(body), secret, strlen(secret), rows[_i].now,
	    300), rows[_i].want);
}
END_TEST

START_TEST(test_other_body_or_secret)
{
	char sig[65], hdr[128];

	webhook_sig_sign(NOW, body, strlen(body), secret, strlen(secret), sig);
	snprintf(hdr, sizeof(hdr), "t=%lld,v1=%s", NOW, sig);
	ck_assert_int_eq(webhook_sig_check(hdr, body, strlen(body) - 1, secret, strlen(secret), NOW, 300),
	    WEBHOOK_SIG_MISMATCH);
	ck_assert_int_eq(webhook_sig_check(hdr, body, strlen(body), "other", 5, NOW, 300),
	    WEBHOOK_SIG_MISMATCH);
	/* the timestamp is signed: another t with the same v1 does not check */
	snprintf(hdr, sizeof(hdr), "t=%lld,v1=%s", NOW + 1, sig);
	ck_assert_int_eq(webhook_sig_check(hdr, body, strlen(body), secret, strlen(secret), NOW, 300),
	    WEBHOOK_SIG_MISMATCH);
	/* upper-case hex is the same value */
	for (char *q = sig; *q; q++)
		if (*q >= 'a' && *q <= 'f')
			*q = (char)(*q - 32);
	snprintf(hdr, sizeof(hdr), "t=%lld,v1=%s", NOW, sig);
	ck_assert_int_eq(webhook_sig_check(hdr, body, strlen(body), secret, strlen(secret), NOW, 300),
	    WEBHOOK_SIG_OK);
	ck_assert_int_eq(webhook_sig_check(NULL, body, strlen(body), secret, strlen(secret), NOW, 300),
	    WEBHOOK_SIG_MALFORMED);
}
END_TEST

/* A known answer: HMAC-SHA256("key", "1.x") computed independently (Python hmac). */
START_TEST(test_known)
{
	char sig[65];

	webhook_sig_sign(1, "x", 1, "key", 3, sig);
	ck_assert_str_eq(sig, "fc4913c41a7bf793267e2a384f3261c9436ec2cd097bd745e7b0d99113f510ec");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("webhook_sig");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, test_check, 0, (int)nitems(rows));
	tcase_add_test(tc, test_other_body_or_secret);
	tcase_add_test(tc, test_known);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
