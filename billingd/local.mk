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

# conf/systemd/billingd.service goes to the tarball via data.mk; the unit
# tests and fuzz harnesses are in tests/unit/local.mk, tests/fuzz/local.mk.
dist_man_MANS += man/billingd.8
