# tests/fuzz/: libFuzzer harnesses, one a parser of untrusted input, built
# only by `configure --enable-fuzzers CC=clang` (./dev test's build-fuzz).
# Each links libvep.a (and, when its parser lives in a program, that
# program's few .c files); tests/fuzz/run.sh runs the built harnesses on
# their corpora tests/fuzz/corpus/<name>/.  `make fuzzers` builds only them.
FUZZ_CFLAGS = $(AM_CFLAGS) -I$(srcdir) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS)
FUZZER_LINK_FLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
FUZZ_LIBS = $(VEP_LIBS)
FUZZERS = tests/fuzz/fuzz_agent_http tests/fuzz/fuzz_basic tests/fuzz/fuzz_conf tests/fuzz/fuzz_cookie \
	tests/fuzz/fuzz_dbhost tests/fuzz/fuzz_httpc tests/fuzz/fuzz_json_body \
	tests/fuzz/fuzz_money tests/fuzz/fuzz_order tests/fuzz/fuzz_prom tests/fuzz/fuzz_req \
	tests/fuzz/fuzz_spool tests/fuzz/fuzz_agent_sync tests/fuzz/fuzz_urlenc \
	tests/fuzz/fuzz_veinfo_cmd tests/fuzz/fuzz_webhook_sig tests/fuzz/fuzz_backup_report tests/fuzz/fuzz_change \
	tests/fuzz/fuzz_vatid tests/fuzz/fuzz_account
EXTRA_DIST += tests/fuzz/run.sh

if ENABLE_FUZZERS
noinst_PROGRAMS += $(FUZZERS)
fuzzers: $(FUZZERS)
else
fuzzers:
	@echo "fuzzers: configure with --enable-fuzzers CC=clang to build them"; exit 1
endif
.PHONY: fuzzers

# lib/: the web frame's parsers (HTTP Basic too), host lists, money, orders, configuration.
tests_fuzz_fuzz_basic_SOURCES = tests/fuzz/fuzz_basic.c
tests_fuzz_fuzz_basic_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_basic_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_basic_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_conf_SOURCES = tests/fuzz/fuzz_conf.c
tests_fuzz_fuzz_conf_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_conf_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_conf_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_cookie_SOURCES = tests/fuzz/fuzz_cookie.c
tests_fuzz_fuzz_cookie_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_cookie_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_cookie_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_dbhost_SOURCES = tests/fuzz/fuzz_dbhost.c
tests_fuzz_fuzz_dbhost_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_dbhost_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_dbhost_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_json_body_SOURCES = tests/fuzz/fuzz_json_body.c
tests_fuzz_fuzz_json_body_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_json_body_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_json_body_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_money_SOURCES = tests/fuzz/fuzz_money.c
tests_fuzz_fuzz_money_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_money_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_money_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_change_SOURCES = tests/fuzz/fuzz_change.c
tests_fuzz_fuzz_change_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_change_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_change_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_account_SOURCES = tests/fuzz/fuzz_account.c
tests_fuzz_fuzz_account_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_account_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_account_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_order_SOURCES = tests/fuzz/fuzz_order.c
tests_fuzz_fuzz_order_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_order_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_order_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_req_SOURCES = tests/fuzz/fuzz_req.c
tests_fuzz_fuzz_req_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_req_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_req_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_urlenc_SOURCES = tests/fuzz/fuzz_urlenc.c
tests_fuzz_fuzz_urlenc_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_urlenc_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_urlenc_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_webhook_sig_SOURCES = tests/fuzz/fuzz_webhook_sig.c
tests_fuzz_fuzz_webhook_sig_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_webhook_sig_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_webhook_sig_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_backup_report_SOURCES = tests/fuzz/fuzz_backup_report.c
tests_fuzz_fuzz_backup_report_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_backup_report_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_backup_report_LDADD = $(FUZZ_LIBS)

# billingd: the agents' answers (prom), the spool, the HTTP client's responses.
tests_fuzz_fuzz_prom_SOURCES = tests/fuzz/fuzz_prom.c billingd/prom.c
tests_fuzz_fuzz_prom_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_prom_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_prom_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_spool_SOURCES = tests/fuzz/fuzz_spool.c billingd/spool.c billingd/batch.c
tests_fuzz_fuzz_spool_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_spool_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_spool_LDADD = $(FUZZ_LIBS) $(ZLIB_LIBS)
tests_fuzz_fuzz_httpc_SOURCES = tests/fuzz/fuzz_httpc.c billingd/httpc.c
tests_fuzz_fuzz_httpc_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_httpc_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_httpc_LDADD = $(FUZZ_LIBS)

# veagent: its HTTP requests, the API's VE list (sync.c needs libcurl).
tests_fuzz_fuzz_agent_http_SOURCES = tests/fuzz/fuzz_agent_http.c agent/http.c
tests_fuzz_fuzz_agent_http_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_agent_http_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_agent_http_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_agent_sync_SOURCES = tests/fuzz/fuzz_agent_sync.c
tests_fuzz_fuzz_agent_sync_CFLAGS = $(FUZZ_CFLAGS) $(CURL_CFLAGS)
tests_fuzz_fuzz_agent_sync_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_agent_sync_LDADD = $(AGENT_LIBS)

# veinfo: the customer's commands.
tests_fuzz_fuzz_veinfo_cmd_SOURCES = tests/fuzz/fuzz_veinfo_cmd.c tools/veinfo_cmd.c
tests_fuzz_fuzz_veinfo_cmd_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_veinfo_cmd_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_veinfo_cmd_LDADD = $(FUZZ_LIBS)

# lib/domain/tax.c: VAT ids and the [isp] tax_rates list.
tests_fuzz_fuzz_vatid_SOURCES = tests/fuzz/fuzz_vatid.c
tests_fuzz_fuzz_vatid_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_vatid_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_vatid_LDADD = $(FUZZ_LIBS)
