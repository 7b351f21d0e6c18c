/* Unit tests of mailer/msg.c: message building, back-off, reminder days. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "msg.h"
#include "util.h"

static const unsigned char pdf[] = "%PDF-1.5\n\x00\x01\x02\xff binary \r\n.\r\n";

static void
build(const struct mail_msg *m, struct buf *b)
{
	buf_init(b);
	ck_assert_int_eq(mail_build(m, b), MAIL_MSG_OK);
	buf_cstr(b);
}

START_TEST(test_build)
{
	struct mail_att a = { "INV-2026-000001.pdf", "application/pdf", pdf, sizeof(pdf) - 1 };
	struct mail_msg m = { "billing@isp.example", "Demo ISP", "c@example.com",
	    "Invoice INV-2026-000001 from Demo ISP", "Hello,\n\nline two.\n", NULL,
	    "vep.1.2@isp.example", 1796647233LL, &a, 1 };
	struct buf b;

	build(&m, &b);
	ck_assert_ptr_nonnull(strstr(b.data, "From: \"Demo ISP\" <billing@isp.example>\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "To: <c@example.com>\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "Subject: Invoice INV-2026-000001 from Demo ISP\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "Date: Mon, 07 Dec 2026 12:40:33 +0000\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "Message-ID: <vep.1.2@isp.example>\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "MIME-Version: 1.0\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "Hello,\r\n\r\nline two.\r\n"));
	/* plain text first, then the attachment */
	ck_assert(strstr(b.data, "text/plain") < strstr(b.data, "application/pdf"));
	ck_assert_ptr_nonnull(strstr(b.data, "filename=\"INV-2026-000001.pdf\""));
	/* every line ends in CRLF, none is longer than 998 */
	size_t run = 0;
	for (size_t i = 0; i < b.len; i++) {
		if (b.data[i] == '\n') {
			ck_assert(i > 0 && b.data[i - 1] == '\r');
			run = 0;
		} else
			ck_assert(++run <= 998);
	}
	/* the attachment decodes back to the bytes */
	const char *s = strstr(b.data, "Content-Transfer-Encoding: base64\r\n\r\n");
	ck_assert_ptr_nonnull(s);
	s += strlen("Content-Transfer-Encoding: base64\r\n\r\n");
	char enc[256] = "";
	size_t el = 0;
	for (; *s && *s != '-' && el < sizeof(enc) - 1; s++)
		if (*s != '\r' && *s != '\n')
			enc[el++] = *s;
	unsigned char dec[256];
	int n = EVP_DecodeBlock(dec, (const unsigned char *)enc, (int)el);
	while (el > 0 && enc[el - 1] == '=') {
		el--;
		n--;
	}
	ck_assert_int_eq(n, (int)sizeof(pdf) - 1);
	ck_assert_mem_eq(dec, pdf, sizeof(pdf) - 1);
	/* the closing boundary */
	ck_assert_ptr_nonnull(strstr(b.data, "--\r\n"));
	buf_free(&b);
}
END_TEST

START_TEST(test_utf8)
{
	struct mail_msg m = { "b@isp.example", "Ünïcode ISP", "c@example.com",
	    "Rechnung für VE 0000002A — Überfällig, a long subject that needs two encoded words",
	    "Grüße\n", NULL, "x.1@isp.example", 0, NULL, 0 };
	struct buf b;

	build(&m, &b);
	ck_assert_ptr_nonnull(strstr(b.data, "Subject: =?UTF-8?B?"));
	ck_assert_ptr_nonnull(strstr(b.data, "?=\r\n =?UTF-8?B?"));
	ck_assert_ptr_nonnull(strstr(b.data, "From: =?UTF-8?B?"));
	ck_assert_ptr_nonnull(strstr(b.data, "charset=UTF-8\r\nContent-Transfer-Encoding: base64"));
	for (size_t i = 0; i < b.len; i++)
		ck_assert((unsigned char)b.data[i] < 0x80);
	buf_free(&b);
}
END_TEST

/* Header injection and bad addresses are refused. */
static const struct {
	const char *from, *to, *subject, *mid;
} bad[] = {
	{ "a@b", "c@d\r\nBcc: x@y", "s", "m@x" },
	{ "a@b", "c@d", "s\r\nBcc: x@y", "m@x" },
	{ "a@b", "c@d", "s\n", "m@x" },
	{ "", "c@d", "s", "m@x" },
	{ "a@b", "<c@d>", "s", "m@x" },
	{ "a@b", "c d@e", "s", "m@x" },
	{ "a@b", "c@d", "s", "m>x" },
};

START_TEST(test_refused)
{
	struct mail_msg m = { bad[_i].from, NULL, bad[_i].to, bad[_i].subject, "t", NULL, bad[_i].mid,
	    0, NULL, 0 };
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(mail_build(&m, &b), MAIL_MSG_EINPUT);
	buf_free(&b);
}
END_TEST

static const struct {
	long long attempts, base, max, want;
} bo[] = {
	{ 1, 60, 3600, 60 }, { 2, 60, 3600, 120 }, { 3, 60, 3600, 240 }, { 6, 60, 3600, 1920 },
	{ 7, 60, 3600, 3600 }, { 100, 60, 3600, 3600 }, { 1, 1, 1, 1 }, { 64, 1, 1LL << 62, 1LL << 62 },
};

START_TEST(test_backoff)
{
	ck_assert_int_eq(mail_backoff(bo[_i].attempts, bo[_i].base, bo[_i].max), bo[_i].want);
}
END_TEST

static const struct {
	const char *s;
	int ok;
	size_t n;
	int d0;
} days[] = {
	{ "7,3,1", 1, 3, 7 }, { "7, 3 ,1", 1, 3, 7 }, { "", 1, 0, 0 }, { "14", 1, 1, 14 },
	{ "7,,1", 0, 0, 0 }, { "7,", 0, 0, 0 }, { "0", 0, 0, 0 }, { "366", 0, 0, 0 },
	{ "3,3", 0, 0, 0 }, { "x", 0, 0, 0 }, { "1,2,3,4,5", 0, 0, 0 },
};

START_TEST(test_days)
{
	int d[4];
	size_t n;
	int rc = mail_parse_days(days[_i].s, d, 4, &n);

	ck_assert_int_eq(rc == 0, days[_i].ok);
	if (days[_i].ok) {
		ck_assert_uint_eq(n, days[_i].n);
		if (n > 0)
			ck_assert_int_eq(d[0], days[_i].d0);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("mailer_msg");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_build);
	tcase_add_test(tc, test_utf8);
	tcase_add_loop_test(tc, test_refused, 0, (int)nitems(bad));
	tcase_add_loop_test(tc, test_backoff, 0, (int)nitems(bo));
	tcase_add_loop_test(tc, test_days, 0, (int)nitems(days));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
