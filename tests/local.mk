# Unit tests (Check).  Each tests/unit/test_<module>.c is one program.
UNIT_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS)
UNIT_LIBS = $(VEP_LIBS) $(CHECK_LIBS)

check_PROGRAMS += tests/unit/test_util tests/unit/test_conf tests/unit/test_http
tests_unit_test_util_SOURCES = tests/unit/test_util.c
tests_unit_test_util_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_util_LDADD = $(UNIT_LIBS)
tests_unit_test_conf_SOURCES = tests/unit/test_conf.c
tests_unit_test_conf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_conf_LDADD = $(UNIT_LIBS)
TESTS += tests/unit/test_util tests/unit/test_conf tests/unit/test_http
check_PROGRAMS += tests/unit/test_base
TESTS += tests/unit/test_base
tests_unit_test_base_SOURCES = tests/unit/test_base.c
tests_unit_test_base_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_base_LDADD = $(UNIT_LIBS)
tests_unit_test_http_SOURCES = tests/unit/test_http.c
tests_unit_test_http_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_http_LDADD = $(UNIT_LIBS)

# The shape of lib/: layers, include loops, file and function sizes (a script).
TESTS += tests/layering.sh
EXTRA_DIST += tests/layering.sh

check_PROGRAMS += tests/unit/test_dbhost
TESTS += tests/unit/test_dbhost
tests_unit_test_dbhost_SOURCES = tests/unit/test_dbhost.c
tests_unit_test_dbhost_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dbhost_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test_realve
TESTS += tests/unit/test_realve
tests_unit_test_realve_SOURCES = tests/unit/test_realve.c
tests_unit_test_realve_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_realve_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test_auth tests/unit/test_tmpl
TESTS += tests/unit/test_auth tests/unit/test_tmpl
tests_unit_test_auth_SOURCES = tests/unit/test_auth.c
tests_unit_test_auth_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_auth_LDADD = $(UNIT_LIBS)
tests_unit_test_tmpl_SOURCES = tests/unit/test_tmpl.c
tests_unit_test_tmpl_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tmpl_LDADD = lib/libveptmpl.a $(UNIT_LIBS) $(CTEMPLATE_LIBS) -lstdc++
EXTRA_DIST += tests/unit/data/tmpl

# Billing documents as PDF (lib/doc/pdf.c); checks the text with poppler-utils.
check_PROGRAMS += tests/unit/test_pdf
TESTS += tests/unit/test_pdf
tests_unit_test_pdf_SOURCES = tests/unit/test_pdf.c
tests_unit_test_pdf_CFLAGS = $(UNIT_CFLAGS) $(PANGO_CFLAGS)
tests_unit_test_pdf_LDADD = $(VEP_DOC_LIBS) $(UNIT_LIBS)

# Issue 17's parsers and rules: HTTP Basic, free text, VEid, address keys.
check_PROGRAMS += tests/unit/test_security
TESTS += tests/unit/test_security
tests_unit_test_security_SOURCES = tests/unit/test_security.c
tests_unit_test_security_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_security_LDADD = $(UNIT_LIBS)
