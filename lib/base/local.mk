# lib/base/: what every program uses (no database, no web).
lib_libvep_a_SOURCES += \
	lib/base/log.c lib/base/log.h \
	lib/base/util.c lib/base/util.h \
	lib/base/conf.c lib/base/conf.h \
	lib/base/kv.c lib/base/kv.h \
	lib/base/spawn.c lib/base/spawn.h \
	lib/base/secret.c lib/base/secret.h \
	lib/base/cryptmem.c lib/base/cryptmem.h \
	lib/base/loop.c lib/base/loop.h \
	lib/base/complain.c lib/base/complain.h \
	lib/base/listen.c lib/base/listen.h \
	lib/base/strjoin.c lib/base/strjoin.h
