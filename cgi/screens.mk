# cgi/screens.mk: the customer screens' tests (the programs are in cgi/local.mk).

# Unit tests: the order field table and its validation, the SVG charts.
check_PROGRAMS += tests/unit/test_order tests/unit/test_order_svg
TESTS += tests/unit/test_order tests/unit/test_order_svg
tests_unit_test_order_SOURCES = tests/unit/test_order.c
tests_unit_test_order_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_order_LDADD = $(UNIT_LIBS)
tests_unit_test_order_svg_SOURCES = tests/unit/test_order_svg.c
tests_unit_test_order_svg_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_order_svg_LDADD = $(UNIT_LIBS)

EXTRA_DIST += tests/integration/test_signup.py tests/integration/test_self.py \
	tests/integration/test_api_owner.py bench/dashboard.sh \
	tests/integration/screens_util.py \
	tests/browser/package.json tests/browser/package-lock.json tests/browser/signup.test.mjs \
	tests/fuzz/fuzz_order.c tests/fuzz/corpus/order
