# bench/: the benchmarks (./dev bench runs every bench/*.sh) and their probes.
# The invoice-run benchmark's generator and runner (bench/invoice_run.sh).
noinst_PROGRAMS += bench/invoice_bench
bench_invoice_bench_SOURCES = bench/invoice_bench.c
bench_invoice_bench_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS)
bench_invoice_bench_LDADD = $(VEP_LIBS)

# bench/billingd_ingest.sh's fake node agents (its source: bench/billingd_fakeagent.c).
noinst_PROGRAMS += bench/billingd_fakeagent
bench_billingd_fakeagent_LDADD = $(VEP_LIBS)

# The history benchmark's probe of db_history_get (run by bench/history.sh).
noinst_PROGRAMS += bench/history_probe
bench_history_probe_SOURCES = bench/history_probe.c
bench_history_probe_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS)
bench_history_probe_LDADD = $(VEP_LIBS)

# bench/mail.sh's PDF rendering timer.
noinst_PROGRAMS += bench/pdf_bench
bench_pdf_bench_SOURCES = bench/pdf_bench.c
bench_pdf_bench_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(PANGO_CFLAGS)
bench_pdf_bench_LDADD = $(VEP_DOC_LIBS) $(VEP_LIBS)
