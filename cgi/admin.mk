# cgi/admin.mk: the admin screens' lib sources and tests
