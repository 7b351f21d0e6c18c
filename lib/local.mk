# lib/: the shared core linked into every program.
noinst_LIBRARIES += lib/libvep.a lib/libveptmpl.a
lib_libvep_a_SOURCES = \
	lib/log.c lib/log.h \
	lib/util.c lib/util.h \
	lib/conf.c lib/conf.h \
	lib/db.c lib/db.h \
	lib/dbhost.c lib/dbhost.h \
	lib/http.c lib/http.h \
	lib/resp.c lib/resp.h \
	lib/auth.c lib/auth.h \
	lib/catalog.c lib/catalog.h \
	lib/db_node.c lib/db_node.h
lib_libvep_a_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS) $(ARGON2_CFLAGS) $(CRYPTO_CFLAGS)

# The ctemplate shim is C++; only the web programs link it.
lib_libveptmpl_a_SOURCES = lib/tmpl.cc lib/tmpl.h lib/web.c lib/web.h lib/page.c lib/page.h
lib_libveptmpl_a_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS)
lib_libveptmpl_a_CXXFLAGS = $(AM_CXXFLAGS) $(CTEMPLATE_CFLAGS)

VEP_LIBS = lib/libvep.a $(MARIADB_LIBS) $(JANSSON_LIBS) $(ARGON2_LIBS) $(CRYPTO_LIBS)
VEP_WEB_LIBS = lib/libveptmpl.a $(VEP_LIBS) $(FCGI_LIBS) $(CTEMPLATE_LIBS) -lstdc++
