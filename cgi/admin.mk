# cgi/admin.mk: the admin screens' unit tests (the program is in cgi/local.mk).

# Unit tests: dates and ranges of reports, CSV and JSON of report tables,
# LIKE escaping, the admin forms' field syntax.
check_PROGRAMS += tests/unit/test_admin
TESTS += tests/unit/test_admin
tests_unit_test_admin_SOURCES = tests/unit/test_admin.c
tests_unit_test_admin_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_admin_LDADD = $(UNIT_LIBS)
