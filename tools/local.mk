# tools/: vepctl (operator) and veinfo (customer, inside the VE).
bin_PROGRAMS += tools/vepctl
tools_vepctl_SOURCES = tools/vepctl.c tools/vepctl_template.c tools/vepctl_template.h
tools_vepctl_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS)
tools_vepctl_LDADD = $(VEP_LIBS)

bin_PROGRAMS += tools/veinfo
tools_veinfo_SOURCES = tools/veinfo.c tools/veinfo_cmd.c tools/veinfo_cmd.h
tools_veinfo_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
tools_veinfo_LDADD = lib/libvep.a $(CURL_LIBS) $(JANSSON_LIBS) $(CRYPTO_LIBS)
# Usage history (the API's /ves/{id}/history, the self screen's charts).
# veinfo's unit tests: the command parser and answers, history buckets.
VEINFO_TESTS = tests/unit/test_veinfo_cmd tests/unit/test_veinfo_hist
check_PROGRAMS += $(VEINFO_TESTS)
TESTS += $(VEINFO_TESTS)
tests_unit_test_veinfo_cmd_SOURCES = tests/unit/test_veinfo_cmd.c tools/veinfo_cmd.c tools/veinfo_cmd.h
tests_unit_test_veinfo_cmd_CFLAGS = $(AM_CFLAGS) -I$(srcdir)/tools $(CHECK_CFLAGS)
tests_unit_test_veinfo_cmd_LDADD = lib/libvep.a $(CHECK_LIBS) $(CRYPTO_LIBS)
tests_unit_test_veinfo_hist_SOURCES = tests/unit/test_veinfo_hist.c
tests_unit_test_veinfo_hist_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_veinfo_hist_LDADD = $(VEP_LIBS) $(CHECK_LIBS)
# The history benchmark's probe of db_history_get (run by bench/history.sh).
noinst_PROGRAMS += bench/history_probe
bench_history_probe_SOURCES = bench/history_probe.c
bench_history_probe_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS)
bench_history_probe_LDADD = $(VEP_LIBS)
EXTRA_DIST += tests/fuzz/fuzz_veinfo_cmd.c tests/fuzz/corpus/veinfo_cmd \
	tests/integration/test_veinfo.py tests/integration/test_history.py \
	tests/fakes/fake_api.py bench/history.sh bench/history_api.py

dist_man_MANS += man/veinfo.1 man/vepctl.8 man/vepanel.conf.5

# conf/vepanel.conf.sample is generated from lib/base/conf.c's table; `make check`
# fails if the committed sample is stale.
noinst_PROGRAMS += tools/confdump
tools_confdump_SOURCES = tools/confdump.c
tools_confdump_LDADD = lib/libvep.a $(CRYPTO_LIBS)
TESTS += tools/check-conf-sample.sh
EXTRA_DIST += tools/check-conf-sample.sh
