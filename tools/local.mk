# tools/: vepctl (operator) and veinfo (customer, inside the VE).
bin_PROGRAMS += tools/vepctl
tools_vepctl_SOURCES = tools/vepctl.c tools/vepctl_template.c tools/vepctl_template.h \
	tools/vepctl_backup.c tools/vepctl_backup.h tools/vepctl_change.c tools/vepctl_change.h
tools_vepctl_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS)
tools_vepctl_LDADD = $(VEP_LIBS)

bin_PROGRAMS += tools/veinfo
tools_veinfo_SOURCES = tools/veinfo.c tools/veinfo_cmd.c tools/veinfo_cmd.h
tools_veinfo_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
tools_veinfo_LDADD = lib/libvep.a $(CURL_LIBS) $(JANSSON_LIBS) $(CRYPTO_LIBS)
# Their unit tests and fuzz harness: tests/unit/local.mk, tests/fuzz/local.mk.

dist_man_MANS += man/veinfo.1 man/vepctl.8 man/vepanel.conf.5

# conf/vepanel.conf.sample is generated from lib/base/conf.c's table; `make check`
# fails if the committed sample is stale.
noinst_PROGRAMS += tools/confdump
tools_confdump_SOURCES = tools/confdump.c
tools_confdump_LDADD = lib/libvep.a $(CRYPTO_LIBS)
TESTS += tools/check-conf-sample.sh
EXTRA_DIST += tools/check-conf-sample.sh
