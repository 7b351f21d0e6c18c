# cgi/admin.mk: the admin screens' lib sources and tests.
# lib/db/db_admin.c holds all SQL of the operator's screens, the operator's VE
# and report API (cgi/api_admin.c) and their audit trail; the screens are
# cgi/admin.c (vep-admin, listed in cgi/local.mk).

# Unit tests: dates and ranges of reports, CSV and JSON of report tables,
# LIKE escaping, the admin forms' field syntax.
check_PROGRAMS += tests/unit/test_admin
TESTS += tests/unit/test_admin
tests_unit_test_admin_SOURCES = tests/unit/test_admin.c
tests_unit_test_admin_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_admin_LDADD = $(UNIT_LIBS)
