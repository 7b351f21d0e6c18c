# tests/unit/: the unit tests (Check), one program a module: every
# tests/unit/test_<module>.c.  Check is optional (configure.ac): without it
# `make check` runs only tests/unit/no-check.sh, which says the unit tests
# are skipped.  Sanitizer builds scale Check's timeouts (VEP_TIMEOUT_SCALE).
UNIT_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS)
UNIT_LIBS = $(VEP_LIBS) $(CHECK_LIBS)
EXTRA_DIST += tests/unit/no-check.sh

if HAVE_CHECK
# lib/base, lib/db, lib/web
UNIT_TESTS = tests/unit/test_util tests/unit/test_base tests/unit/test_conf tests/unit/test_http \
	tests/unit/test_dbhost tests/unit/test_auth tests/unit/test_tmpl
tests_unit_test_util_SOURCES = tests/unit/test_util.c
tests_unit_test_util_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_util_LDADD = $(UNIT_LIBS)
tests_unit_test_base_SOURCES = tests/unit/test_base.c
tests_unit_test_base_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_base_LDADD = $(UNIT_LIBS)
tests_unit_test_conf_SOURCES = tests/unit/test_conf.c
tests_unit_test_conf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_conf_LDADD = $(UNIT_LIBS)
tests_unit_test_http_SOURCES = tests/unit/test_http.c
tests_unit_test_http_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_http_LDADD = $(UNIT_LIBS)
tests_unit_test_dbhost_SOURCES = tests/unit/test_dbhost.c
tests_unit_test_dbhost_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dbhost_LDADD = $(UNIT_LIBS)
tests_unit_test_auth_SOURCES = tests/unit/test_auth.c
tests_unit_test_auth_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_auth_LDADD = $(UNIT_LIBS)
tests_unit_test_tmpl_SOURCES = tests/unit/test_tmpl.c
tests_unit_test_tmpl_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tmpl_LDADD = lib/libveptmpl.a $(UNIT_LIBS) $(CTEMPLATE_LIBS) -lstdc++

# libcrypt's yescrypt memory kept from one hash to the next (issue 19).
UNIT_TESTS += tests/unit/test_cryptmem
tests_unit_test_cryptmem_SOURCES = tests/unit/test_cryptmem.c
tests_unit_test_cryptmem_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_cryptmem_LDADD = $(UNIT_LIBS)

# Real VEs, panel side: crypt hashes, templates' login styles, power actions.
UNIT_TESTS += tests/unit/test_realve
tests_unit_test_realve_SOURCES = tests/unit/test_realve.c
tests_unit_test_realve_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_realve_LDADD = $(UNIT_LIBS)

# lib/doc: billing documents as PDF (lib/doc/pdf.c); checks the text with poppler-utils.
UNIT_TESTS += tests/unit/test_pdf
tests_unit_test_pdf_SOURCES = tests/unit/test_pdf.c
tests_unit_test_pdf_CFLAGS = $(UNIT_CFLAGS) $(PANGO_CFLAGS)
tests_unit_test_pdf_LDADD = $(VEP_DOC_LIBS) $(UNIT_LIBS)

# Issue 17's parsers and rules: HTTP Basic, free text, VEid, address keys.
UNIT_TESTS += tests/unit/test_security
tests_unit_test_security_SOURCES = tests/unit/test_security.c
tests_unit_test_security_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_security_LDADD = $(UNIT_LIBS)

# vep-mailer: message building, back-off, reminder days (pure); the payment
# webhook's signature check and the checkout link's template (lib/domain).
UNIT_TESTS += tests/unit/test_mailer_msg tests/unit/test_webhook_sig tests/unit/test_pay_url \
	tests/unit/test_backup
tests_unit_test_mailer_msg_SOURCES = tests/unit/test_mailer_msg.c mailer/msg.c
tests_unit_test_mailer_msg_CFLAGS = $(UNIT_CFLAGS) -I$(srcdir)/mailer
tests_unit_test_mailer_msg_LDADD = $(UNIT_LIBS)
tests_unit_test_webhook_sig_SOURCES = tests/unit/test_webhook_sig.c
tests_unit_test_webhook_sig_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_webhook_sig_LDADD = $(UNIT_LIBS)
# Customer accounts: profile, login address, password, throttle subject.
UNIT_TESTS += tests/unit/test_account
tests_unit_test_account_SOURCES = tests/unit/test_account.c
tests_unit_test_account_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_account_LDADD = $(UNIT_LIBS)
tests_unit_test_pay_url_SOURCES = tests/unit/test_pay_url.c
tests_unit_test_pay_url_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_pay_url_LDADD = $(UNIT_LIBS)
tests_unit_test_backup_SOURCES = tests/unit/test_backup.c
tests_unit_test_backup_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_backup_LDADD = $(UNIT_LIBS)

# lib/domain: the order field table and its validation, the SVG charts,
# money, rating, late-usage adjustment, SLA.
UNIT_TESTS += tests/unit/test_order tests/unit/test_order_svg \
	tests/unit/test_money tests/unit/test_rating tests/unit/test_rating_prop tests/unit/test_rating_parts \
	tests/unit/test_change \
	tests/unit/test_sla tests/unit/test_adjust
tests_unit_test_order_SOURCES = tests/unit/test_order.c
tests_unit_test_order_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_order_LDADD = $(UNIT_LIBS)
# A usage chart's figures per bucket (cgi/vechart_rate.c, pure) and its partial last bucket.
UNIT_TESTS += tests/unit/test_vechart
tests_unit_test_vechart_SOURCES = tests/unit/test_vechart.c tests/unit/unit.c tests/unit/unit.h \
	cgi/vechart_rate.c
tests_unit_test_vechart_CFLAGS = $(UNIT_CFLAGS) -I$(srcdir)/cgi
tests_unit_test_vechart_LDADD = $(UNIT_LIBS)
tests_unit_test_order_svg_SOURCES = tests/unit/test_order_svg.c tests/unit/unit.c tests/unit/unit.h
tests_unit_test_order_svg_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_order_svg_LDADD = $(UNIT_LIBS)
tests_unit_test_money_SOURCES = tests/unit/test_money.c
tests_unit_test_money_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_money_LDADD = $(UNIT_LIBS)
tests_unit_test_rating_SOURCES = tests/unit/test_rating.c
tests_unit_test_rating_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_rating_LDADD = $(UNIT_LIBS)
tests_unit_test_rating_parts_SOURCES = tests/unit/test_rating_parts.c
tests_unit_test_rating_parts_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_rating_parts_LDADD = $(UNIT_LIBS)
tests_unit_test_change_SOURCES = tests/unit/test_change.c
tests_unit_test_change_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_change_LDADD = $(UNIT_LIBS)
tests_unit_test_rating_prop_SOURCES = tests/unit/test_rating_prop.c
tests_unit_test_rating_prop_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_rating_prop_LDADD = $(UNIT_LIBS)
tests_unit_test_sla_SOURCES = tests/unit/test_sla.c
tests_unit_test_sla_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sla_LDADD = $(UNIT_LIBS)
tests_unit_test_adjust_SOURCES = tests/unit/test_adjust.c
tests_unit_test_adjust_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_adjust_LDADD = $(UNIT_LIBS)

# The admin screens: dates and ranges of reports, CSV and JSON of report
# tables, LIKE escaping, the admin forms' field syntax.
UNIT_TESTS += tests/unit/test_admin
tests_unit_test_admin_SOURCES = tests/unit/test_admin.c
tests_unit_test_admin_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_admin_LDADD = $(UNIT_LIBS)

# billingd: its pure parts, linked directly.
BD_UNIT_CFLAGS = $(UNIT_CFLAGS) -I$(srcdir)/billingd
UNIT_TESTS += tests/unit/test_billingd_meter tests/unit/test_billingd_prom \
	tests/unit/test_billingd_spool tests/unit/test_billingd_httpc \
	tests/unit/test_billingd_split
tests_unit_test_billingd_meter_SOURCES = tests/unit/test_billingd_meter.c \
	billingd/meter.c billingd/rollup.c billingd/prom.c
tests_unit_test_billingd_meter_CFLAGS = $(BD_UNIT_CFLAGS)
tests_unit_test_billingd_meter_LDADD = $(UNIT_LIBS)
tests_unit_test_billingd_prom_SOURCES = tests/unit/test_billingd_prom.c billingd/prom.c
tests_unit_test_billingd_prom_CFLAGS = $(BD_UNIT_CFLAGS)
tests_unit_test_billingd_prom_LDADD = $(UNIT_LIBS)
tests_unit_test_billingd_spool_SOURCES = tests/unit/test_billingd_spool.c \
	billingd/spool.c billingd/batch.c
tests_unit_test_billingd_spool_CFLAGS = $(BD_UNIT_CFLAGS)
tests_unit_test_billingd_spool_LDADD = $(UNIT_LIBS) $(ZLIB_LIBS)
tests_unit_test_billingd_split_SOURCES = tests/unit/test_billingd_split.c billingd/batch.c
tests_unit_test_billingd_split_CFLAGS = $(BD_UNIT_CFLAGS)
tests_unit_test_billingd_split_LDADD = $(UNIT_LIBS)
tests_unit_test_billingd_httpc_SOURCES = tests/unit/test_billingd_httpc.c billingd/httpc.c
tests_unit_test_billingd_httpc_CFLAGS = $(BD_UNIT_CFLAGS)
tests_unit_test_billingd_httpc_LDADD = $(UNIT_LIBS)

# veagent: one program a part of the agent, linked with agent/libveagent.a.
AGENT_TEST_CFLAGS = $(AM_CFLAGS) -I$(srcdir) $(CHECK_CFLAGS) $(CURL_CFLAGS) \
	$(MARIADB_CFLAGS) $(JANSSON_CFLAGS) -DAGENT_TEST_DATA='"$(abs_top_srcdir)/tests/unit/data"'
AGENT_TEST_LIBS = $(AGENT_LIBS) $(CHECK_LIBS)
UNIT_TESTS += tests/unit/test_agent_http tests/unit/test_agent_expo \
	tests/unit/test_agent_cgroup tests/unit/test_agent_net tests/unit/test_agent_apply tests/unit/test_velxc_disk \
	tests/unit/test_agent_sim tests/unit/test_agent_sync
tests_unit_test_agent_http_SOURCES = tests/unit/test_agent_http.c
tests_unit_test_agent_http_CFLAGS = $(AGENT_TEST_CFLAGS)
tests_unit_test_agent_http_LDADD = $(AGENT_TEST_LIBS)
tests_unit_test_agent_expo_SOURCES = tests/unit/test_agent_expo.c
tests_unit_test_agent_expo_CFLAGS = $(AGENT_TEST_CFLAGS)
tests_unit_test_agent_expo_LDADD = $(AGENT_TEST_LIBS)
tests_unit_test_agent_cgroup_SOURCES = tests/unit/test_agent_cgroup.c
tests_unit_test_agent_cgroup_CFLAGS = $(AGENT_TEST_CFLAGS)
tests_unit_test_agent_cgroup_LDADD = $(AGENT_TEST_LIBS)
tests_unit_test_velxc_disk_SOURCES = tests/unit/test_velxc_disk.c agent/velxc_disk.c
tests_unit_test_velxc_disk_CFLAGS = $(AGENT_TEST_CFLAGS)
tests_unit_test_velxc_disk_LDADD = $(AGENT_TEST_LIBS)
tests_unit_test_agent_apply_SOURCES = tests/unit/test_agent_apply.c
tests_unit_test_agent_apply_CFLAGS = $(AGENT_TEST_CFLAGS)
tests_unit_test_agent_apply_LDADD = $(AGENT_TEST_LIBS)
tests_unit_test_agent_net_SOURCES = tests/unit/test_agent_net.c
tests_unit_test_agent_net_CFLAGS = $(AGENT_TEST_CFLAGS)
tests_unit_test_agent_net_LDADD = $(AGENT_TEST_LIBS)
tests_unit_test_agent_sim_SOURCES = tests/unit/test_agent_sim.c
tests_unit_test_agent_sim_CFLAGS = $(AGENT_TEST_CFLAGS)
tests_unit_test_agent_sim_LDADD = $(AGENT_TEST_LIBS)
# The test also checks lib/db/db_node.c (in libvep.a), the API's side of the protocol.
tests_unit_test_agent_sync_SOURCES = tests/unit/test_agent_sync.c
tests_unit_test_agent_sync_CFLAGS = $(AGENT_TEST_CFLAGS)
tests_unit_test_agent_sync_LDADD = $(AGENT_TEST_LIBS)

# veinfo: the command parser and answers, history buckets.
UNIT_TESTS += tests/unit/test_veinfo_cmd tests/unit/test_veinfo_hist
tests_unit_test_veinfo_cmd_SOURCES = tests/unit/test_veinfo_cmd.c tools/veinfo_cmd.c tools/veinfo_cmd.h
tests_unit_test_veinfo_cmd_CFLAGS = $(AM_CFLAGS) -I$(srcdir)/tools $(CHECK_CFLAGS)
tests_unit_test_veinfo_cmd_LDADD = lib/libvep.a $(CHECK_LIBS) $(CRYPTO_LIBS)
tests_unit_test_veinfo_hist_SOURCES = tests/unit/test_veinfo_hist.c
tests_unit_test_veinfo_hist_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_veinfo_hist_LDADD = $(VEP_LIBS) $(CHECK_LIBS)

# VAT: VAT id shapes per EU state, the [isp] tax_rates list, reverse charge.
UNIT_TESTS += tests/unit/test_tax
tests_unit_test_tax_SOURCES = tests/unit/test_tax.c
tests_unit_test_tax_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tax_LDADD = $(UNIT_LIBS)
# The signup's monthly total: the invoices' rating of a whole month.
UNIT_TESTS += tests/unit/test_quote
tests_unit_test_quote_SOURCES = tests/unit/test_quote.c tests/unit/unit.c tests/unit/unit.h
tests_unit_test_quote_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_quote_LDADD = $(UNIT_LIBS)

check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
else
TESTS += tests/unit/no-check.sh
endif
