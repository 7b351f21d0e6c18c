# agent/: veagent, the node agent (SPEC section 7), its unit tests and data.
# The modules go into a small library so the unit tests link the same code.
noinst_LIBRARIES += agent/libveagent.a
agent_libveagent_a_SOURCES = \
	agent/ve.c agent/ve.h \
	agent/http.c agent/http.h \
	agent/expo.c agent/expo.h \
	agent/sync.c agent/sync.h agent/sync_real.c \
	agent/backend.h \
	agent/be_sim.c \
	agent/be_real.c \
	agent/cgroup.c agent/cgroup.h \
	agent/netns.c agent/netns.h \
	agent/cmd.c agent/cmd.h \
	agent/disk.c agent/disk.h
agent_libveagent_a_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
AGENT_LIBS = agent/libveagent.a $(VEP_LIBS) $(CURL_LIBS) $(JANSSON_LIBS) -lm

sbin_PROGRAMS += agent/veagent
agent_veagent_SOURCES = agent/main.c
agent_veagent_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
agent_veagent_LDADD = $(AGENT_LIBS)

# velxc: one operation on one real VE through liblxc, run by the agent as a child.
if HAVE_LXC
sbin_PROGRAMS += agent/velxc
agent_velxc_SOURCES = agent/velxc.c
agent_velxc_CFLAGS = $(AM_CFLAGS) $(LXC_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
agent_velxc_LDADD = $(LXC_LIBS) $(CURL_LIBS) $(JANSSON_LIBS)
endif

dist_man_MANS += man/veagent.8
EXTRA_DIST += conf/systemd/veagent.service \
	tests/unit/data/cgroup_v1 tests/unit/data/cgroup_v2 tests/unit/data/agent_proc \
	tests/fuzz/fuzz_agent_http.c tests/fuzz/corpus/agent_http \
	tests/integration/test_agent.py tests/integration/test_agent_db.py \
	tests/fakes/node_api.py \
	bench/agent_metrics.sh bench/agent_scrape.c

# Unit tests (Check), one program per part of the agent.
AGENT_TEST_CFLAGS = $(AM_CFLAGS) -I$(srcdir) $(CHECK_CFLAGS) $(CURL_CFLAGS) \
	$(MARIADB_CFLAGS) $(JANSSON_CFLAGS) -DAGENT_TEST_DATA='"$(abs_top_srcdir)/tests/unit/data"'
AGENT_TEST_LIBS = $(AGENT_LIBS) $(CHECK_LIBS)
AGENT_TESTS = tests/unit/test_agent_http tests/unit/test_agent_expo \
	tests/unit/test_agent_cgroup tests/unit/test_agent_net \
	tests/unit/test_agent_sim tests/unit/test_agent_sync
check_PROGRAMS += $(AGENT_TESTS)
TESTS += $(AGENT_TESTS)
tests_unit_test_agent_http_SOURCES = tests/unit/test_agent_http.c
tests_unit_test_agent_http_CFLAGS = $(AGENT_TEST_CFLAGS)
tests_unit_test_agent_http_LDADD = $(AGENT_TEST_LIBS)
tests_unit_test_agent_expo_SOURCES = tests/unit/test_agent_expo.c
tests_unit_test_agent_expo_CFLAGS = $(AGENT_TEST_CFLAGS)
tests_unit_test_agent_expo_LDADD = $(AGENT_TEST_LIBS)
tests_unit_test_agent_cgroup_SOURCES = tests/unit/test_agent_cgroup.c
tests_unit_test_agent_cgroup_CFLAGS = $(AGENT_TEST_CFLAGS)
tests_unit_test_agent_cgroup_LDADD = $(AGENT_TEST_LIBS)
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

# A tool for tests/integration/test_agent_db.py: db_node.c against a real database.
check_PROGRAMS += tests/fakes/dbnode_dump
tests_fakes_dbnode_dump_SOURCES = tests/fakes/dbnode_dump.c
tests_fakes_dbnode_dump_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS)
tests_fakes_dbnode_dump_LDADD = $(VEP_LIBS)
