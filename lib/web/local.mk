# lib/web/: the request/answer frame.  http, resp and auth (login, sessions,
# hashing), the form reader, the screens' formatting and the SVG charts are
# plain C in libvep.a (the API, vepctl and tests use them); the ctemplate
# shim is C++, and only the screen programs link libveptmpl.a with it the
# dispatcher (web.c: page access rules, sessions, form tokens) and the page
# frame (page.c).
lib_libvep_a_SOURCES += \
	lib/web/http.c lib/web/http.h \
	lib/web/resp.c lib/web/resp.h \
	lib/web/auth.c lib/web/auth.h \
	lib/web/basic.c lib/web/basic.h \
	lib/web/credcache.c lib/web/credcache.h \
	lib/web/svg.c lib/web/svg.h lib/web/svg_bar.c \
	lib/web/form.c lib/web/form.h \
	lib/web/fmt.c lib/web/fmt.h
lib_libveptmpl_a_SOURCES = lib/web/tmpl.cc lib/web/tmpl.h lib/web/web.c lib/web/web.h \
	lib/web/page.c lib/web/page.h lib/web/docview.c lib/web/docview.h
lib_libveptmpl_a_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS)
lib_libveptmpl_a_CXXFLAGS = $(AM_CXXFLAGS) $(CTEMPLATE_CFLAGS)
