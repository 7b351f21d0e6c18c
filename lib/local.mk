# lib/: the shared core, one directory a layer (README "Layout"):
#   base/   util, log, conf, kv, secret (argon2id): no database, no web
#   domain/ pure rules (money, rating, adjust, SLA, order fields, net, plan,
#           admin_rules): no SQL
#   db/     every SQL statement of the project
#   web/    the FastCGI frame, requests, answers, sessions, templates, SVG
#   doc/    documents for people (PDF); its own library, linked where needed
# Each layer's local.mk lists its own files; all but web/ go into libvep.a.
noinst_LIBRARIES += lib/libvep.a lib/libveptmpl.a
lib_libvep_a_SOURCES =
lib_libvep_a_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS) $(ARGON2_CFLAGS) $(XCRYPT_CFLAGS) $(CRYPTO_CFLAGS)

include lib/base/local.mk
include lib/domain/local.mk
include lib/db/local.mk
include lib/web/local.mk
include lib/doc/local.mk

VEP_LIBS = lib/libvep.a $(MARIADB_LIBS) $(JANSSON_LIBS) $(ARGON2_LIBS) $(XCRYPT_LIBS) $(CRYPTO_LIBS)
VEP_WEB_LIBS = lib/libveptmpl.a $(VEP_LIBS) $(FCGI_LIBS) $(CTEMPLATE_LIBS) -lstdc++
