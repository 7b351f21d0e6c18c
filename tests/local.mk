# tests/: unit tests (tests/unit/local.mk), fuzz harnesses
# (tests/fuzz/local.mk), and the helper programs of the integration tests.
include tests/unit/local.mk
include tests/fuzz/local.mk

# The shape of lib/: layers, include loops, file and function sizes (a script).
TESTS += tests/layering.sh
EXTRA_DIST += tests/layering.sh

# The integration test's driver of the calls vepctl and billingd make.
noinst_PROGRAMS += tests/integration/billing_probe
tests_integration_billing_probe_SOURCES = tests/integration/billing_probe.c
tests_integration_billing_probe_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS)
tests_integration_billing_probe_LDADD = $(VEP_LIBS)

# A tool for tests/integration/test_agent_db.py: db_node.c against a real database.
check_PROGRAMS += tests/fakes/dbnode_dump
tests_fakes_dbnode_dump_SOURCES = tests/fakes/dbnode_dump.c
tests_fakes_dbnode_dump_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS)
tests_fakes_dbnode_dump_LDADD = $(VEP_LIBS)

# Check's timeouts guard against hangs, they are no speed test: 30 s by
# default instead of Check's 4 s (which expired on a loaded machine), and
# scaled for sanitizer builds (configure.ac, VEP_TIMEOUT_SCALE).
AM_TESTS_ENVIRONMENT = CK_DEFAULT_TIMEOUT=$${CK_DEFAULT_TIMEOUT:-30}; \
	CK_TIMEOUT_MULTIPLIER=$${VEP_TIMEOUT_SCALE:-@VEP_TIMEOUT_SCALE@}; \
	export CK_DEFAULT_TIMEOUT CK_TIMEOUT_MULTIPLIER;

if !HAVE_CHECK
check-local:
	@echo "make check: unit tests skipped: Check is absent (install the Debian package check, then rerun configure)"
endif

# The test trees go to the tarball by the source tree's file list (data.mk).
