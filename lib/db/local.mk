# lib/db/: every SQL statement of the project, one file an area.
lib_libvep_a_SOURCES += \
	lib/db/db.c lib/db/db.h \
	lib/db/dbhost.c lib/db/dbhost.h \
	lib/db/catalog.c lib/db/catalog.h \
	lib/db/db_node.c lib/db/db_node.h \
	lib/db/db_ve.c lib/db/db_ve.h \
	lib/db/db_usage.c lib/db/db_usage.h \
	lib/db/db_history.c lib/db/db_history.h \
	lib/db/db_admin.c lib/db/db_admin.h \
	lib/db/db_billing.c lib/db/db_billing.h \
	lib/db/db_adjust.c lib/db/db_adjust.h \
	lib/db/db_sla.c lib/db/db_sla.h \
	lib/db/self_billing.c lib/db/self_billing.h
