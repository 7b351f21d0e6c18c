# billingd/: the accounting daemon (see billingd/billingd.h, man/billingd.8).
sbin_PROGRAMS += billingd/billingd
billingd_billingd_SOURCES = \
	billingd/billingd.h billingd/main.c \
	billingd/ticker.c billingd/ticker.h \
	billingd/poll.c billingd/poll.h billingd/httpc.c billingd/httpc.h \
	billingd/prom.c billingd/prom.h billingd/meter.c billingd/meter.h \
	billingd/collect.c billingd/collect.h billingd/snapshot.c billingd/snapshot.h \
	billingd/batch.c billingd/batch.h \
	billingd/mserver.c billingd/mserver.h billingd/figures.c billingd/figures.h \
	billingd/writer.c billingd/writer.h billingd/flush.c billingd/flush.h \
	billingd/rollup.c billingd/rollup.h \
	billingd/spool.c billingd/spool.h \
	billingd/lease.c billingd/lease.h billingd/retention.c billingd/retention.h \
	billingd/billing.c billingd/billing.h
billingd_billingd_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS) -pthread
billingd_billingd_LDADD = $(VEP_LIBS) $(ZLIB_LIBS) -lpthread

# conf/systemd/billingd.service, tests/, bench/ go to the tarball via data.mk.
dist_man_MANS += man/billingd.8

# Unit tests: the pure parts of billingd, linked directly.
BD_UNIT_CFLAGS = $(UNIT_CFLAGS) -I$(srcdir)/billingd
check_PROGRAMS += tests/unit/test_billingd_meter tests/unit/test_billingd_prom \
	tests/unit/test_billingd_spool tests/unit/test_billingd_httpc
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
tests_unit_test_billingd_httpc_SOURCES = tests/unit/test_billingd_httpc.c billingd/httpc.c
tests_unit_test_billingd_httpc_CFLAGS = $(BD_UNIT_CFLAGS)
tests_unit_test_billingd_httpc_LDADD = $(UNIT_LIBS)
TESTS += tests/unit/test_billingd_meter tests/unit/test_billingd_prom \
	tests/unit/test_billingd_spool tests/unit/test_billingd_httpc
