# lib/domain/: the pure rules: money, rating, late-usage adjustment, SLA,
# the order field table and its validation.
lib_libvep_a_SOURCES += \
	lib/domain/money.c lib/domain/money.h \
	lib/domain/rating.c lib/domain/rating.h \
	lib/domain/rating_parts.c lib/domain/rating_parts.h \
	lib/domain/change.c lib/domain/change.h \
	lib/domain/adjust.c lib/domain/adjust.h \
	lib/domain/sla.c lib/domain/sla.h \
	lib/domain/order.c lib/domain/order.h \
	lib/domain/firewall.c lib/domain/firewall.h \
	lib/domain/admin_rules.c lib/domain/admin_rules.h \
	lib/domain/net.c lib/domain/net.h \
	lib/domain/plan.c lib/domain/plan.h \
	lib/domain/text.c lib/domain/text.h \
	lib/domain/veid.c lib/domain/veid.h \
	lib/domain/netaddr.c lib/domain/netaddr.h \
	lib/domain/webhook_sig.c lib/domain/webhook_sig.h \
	lib/domain/pay_url.c lib/domain/pay_url.h \
	lib/domain/backup.c lib/domain/backup.h \
	lib/domain/tax.c lib/domain/tax.h \
	lib/domain/quote.c lib/domain/quote.h \
	lib/domain/account.c lib/domain/account.h
