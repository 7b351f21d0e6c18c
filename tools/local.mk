# tools/: vepctl (operator) and veinfo (customer, inside the VE).
bin_PROGRAMS += tools/vepctl
tools_vepctl_SOURCES = tools/vepctl.c
tools_vepctl_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS)
tools_vepctl_LDADD = $(VEP_LIBS)
