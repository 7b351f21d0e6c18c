# mailer/: vep-mailer, the daemon that sends the mail outbox (README "Mail,
# PDF, reset and payments"; db/migrations/0017_mail.sql, lib/db/db_mail.c).
sbin_PROGRAMS += mailer/vep-mailer
mailer_vep_mailer_SOURCES = mailer/main.c mailer/compose.c mailer/compose.h \
	mailer/msg.c mailer/msg.h mailer/smtp.c mailer/smtp.h
mailer_vep_mailer_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS) $(CURL_CFLAGS) \
	$(PANGO_CFLAGS) -I$(srcdir)/mailer
mailer_vep_mailer_LDADD = $(VEP_DOC_LIBS) $(VEP_LIBS) $(CURL_LIBS)

# Unit tests: message building, back-off, reminder days (pure).
check_PROGRAMS += tests/unit/test_mailer_msg
TESTS += tests/unit/test_mailer_msg
tests_unit_test_mailer_msg_SOURCES = tests/unit/test_mailer_msg.c mailer/msg.c
tests_unit_test_mailer_msg_CFLAGS = $(UNIT_CFLAGS) -I$(srcdir)/mailer
tests_unit_test_mailer_msg_LDADD = $(UNIT_LIBS)

# The webhook's signature check (lib/domain/webhook_sig.c).
check_PROGRAMS += tests/unit/test_webhook_sig
TESTS += tests/unit/test_webhook_sig
tests_unit_test_webhook_sig_SOURCES = tests/unit/test_webhook_sig.c
tests_unit_test_webhook_sig_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_webhook_sig_LDADD = $(UNIT_LIBS)

# bench/mail.sh's PDF rendering timer.
noinst_PROGRAMS += bench/pdf_bench
bench_pdf_bench_SOURCES = bench/pdf_bench.c
bench_pdf_bench_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(PANGO_CFLAGS)
bench_pdf_bench_LDADD = $(VEP_DOC_LIBS) $(VEP_LIBS)

# The dev mail catcher ./dev up runs (README "Mail, PDF, reset and payments").
EXTRA_DIST += tools/mailcatcher.py
dist_man_MANS += man/vep-mailer.8

# The checkout link's template (lib/domain/pay_url.c).
check_PROGRAMS += tests/unit/test_pay_url
TESTS += tests/unit/test_pay_url
tests_unit_test_pay_url_SOURCES = tests/unit/test_pay_url.c
tests_unit_test_pay_url_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_pay_url_LDADD = $(UNIT_LIBS)
