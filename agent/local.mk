# agent/: veagent, the node agent (SPEC section 7).
# The modules go into a small library so the unit tests link the same code.
noinst_LIBRARIES += agent/libveagent.a
agent_libveagent_a_SOURCES = \
	agent/ve.c agent/ve.h \
	agent/http.c agent/http.h \
	agent/expo.c agent/expo.h \
	agent/sync.c agent/sync.h agent/sync_real.c agent/sync_move.c agent/move.c agent/move.h \
	agent/backend.h \
	agent/be_sim.c \
	agent/be_real.c agent/be_real_int.h agent/be_real_gaps.c agent/be_real_move.c \
	agent/apply_real.c agent/apply_real.h \
	agent/cgroup.c agent/cgroup.h \
	agent/netns.c agent/netns.h \
	agent/cmd.c agent/cmd.h \
	agent/disk.c agent/disk.h \
	agent/idle.c agent/idle.h
agent_libveagent_a_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
AGENT_LIBS = agent/libveagent.a $(VEP_LIBS) $(CURL_LIBS) $(JANSSON_LIBS) -lm

sbin_PROGRAMS += agent/veagent
agent_veagent_SOURCES = agent/main.c
agent_veagent_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
agent_veagent_LDADD = $(AGENT_LIBS)

# velxc: one operation on one real VE through liblxc, run by the agent as a child.
if HAVE_LXC
sbin_PROGRAMS += agent/velxc
agent_velxc_SOURCES = agent/velxc.c agent/velxc.h agent/velxc_borg.c agent/velxc_move.c agent/velxc_disk.c agent/velxc_disk.h
agent_velxc_CFLAGS = $(AM_CFLAGS) $(LXC_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS) $(CRYPTO_CFLAGS)
agent_velxc_LDADD = lib/libvep.a $(LXC_LIBS) $(CURL_LIBS) $(JANSSON_LIBS) $(CRYPTO_LIBS)
endif

dist_man_MANS += man/veagent.8
# Its tests (tests/unit, tests/fuzz, tests/integration) and benchmarks are
# declared in tests/ and bench/, and go to the tarball with their trees.
EXTRA_DIST += conf/systemd/veagent.service
