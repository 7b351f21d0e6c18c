# mailer/: vep-mailer, the daemon that sends the mail outbox (README "Mail,
# PDF, reset and payments"; db/migrations/0017_mail.sql, lib/db/db_mail.c).
sbin_PROGRAMS += mailer/vep-mailer
mailer_vep_mailer_SOURCES = mailer/main.c mailer/compose.c mailer/compose.h \
	mailer/msg.c mailer/msg.h mailer/smtp.c mailer/smtp.h
mailer_vep_mailer_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS) $(CURL_CFLAGS) \
	$(PANGO_CFLAGS) -I$(srcdir)/mailer
mailer_vep_mailer_LDADD = $(VEP_DOC_LIBS) $(VEP_LIBS) $(CURL_LIBS)

# Its unit tests: tests/unit/local.mk; bench/mail.sh's timer: bench/local.mk.

# The dev mail catcher ./dev up runs (README "Mail, PDF, reset and payments").
EXTRA_DIST += tools/mailcatcher.py
dist_man_MANS += man/vep-mailer.8
