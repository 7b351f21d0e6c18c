# cgi/billing.mk: billing (rating, invoices, credit notes, payments, caps).
# lib/domain/rating.c and lib/domain/money.c are pure; lib/db/db_billing.c holds all billing
# SQL; the API handlers are cgi/api_billing.c (listed in cgi/local.mk).
# Late usage: lib/domain/adjust.c is pure (the difference and its notes), all its
# SQL is lib/db/db_adjust.c (db/migrations/0007_late.sql).

check_PROGRAMS += tests/unit/test_money tests/unit/test_rating tests/unit/test_rating_prop \
	tests/unit/test_sla
tests_unit_test_money_SOURCES = tests/unit/test_money.c
tests_unit_test_money_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_money_LDADD = $(UNIT_LIBS)
tests_unit_test_rating_SOURCES = tests/unit/test_rating.c
tests_unit_test_rating_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_rating_LDADD = $(UNIT_LIBS)
tests_unit_test_rating_prop_SOURCES = tests/unit/test_rating_prop.c
tests_unit_test_rating_prop_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_rating_prop_LDADD = $(UNIT_LIBS)
tests_unit_test_sla_SOURCES = tests/unit/test_sla.c
tests_unit_test_sla_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sla_LDADD = $(UNIT_LIBS)
TESTS += tests/unit/test_money tests/unit/test_rating tests/unit/test_rating_prop tests/unit/test_sla
check_PROGRAMS += tests/unit/test_adjust
tests_unit_test_adjust_SOURCES = tests/unit/test_adjust.c
tests_unit_test_adjust_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_adjust_LDADD = $(UNIT_LIBS)
TESTS += tests/unit/test_adjust

# The invoice-run benchmark's generator and runner (bench/invoice_run.sh).
noinst_PROGRAMS += bench/invoice_bench
bench_invoice_bench_SOURCES = bench/invoice_bench.c
bench_invoice_bench_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS)
bench_invoice_bench_LDADD = $(VEP_LIBS)

# The integration test's driver of the calls vepctl and billingd make.
noinst_PROGRAMS += tests/integration/billing_probe
tests_integration_billing_probe_SOURCES = tests/integration/billing_probe.c
tests_integration_billing_probe_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS)
tests_integration_billing_probe_LDADD = $(VEP_LIBS)
