# cgi/: one FastCGI program per screen family, plus the JSON API.
# They are started by their own supervisor (-s socket -w workers), see lib/web/web.c.
# Each screen program is a page table with each page's access rule (main.c),
# a field table (fields.c) and one file per area; the SQL they run is in
# lib/db/ (db_admin.c for the operator's screens and their audit trail,
# db_ve.c for orders, VEs and usage reads, db_billing.c and db_adjust.c for
# billing, self_billing.c for the self screen's caps and month traffic).
sbin_PROGRAMS += cgi/vep-signup cgi/vep-self cgi/vep-admin cgi/vep-api cgi/vep-account
noinst_PROGRAMS += cgi/vep-hello
CGI_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS) -I$(srcdir)/cgi

cgi_vep_signup_SOURCES = cgi/signup.c cgi/signup_quote.c cgi/signup_quote.h cgi/order_crypt.c cgi/order_crypt.h
cgi_vep_signup_CFLAGS = $(CGI_CFLAGS)
cgi_vep_signup_LDADD = $(VEP_WEB_LIBS)

cgi_vep_self_SOURCES = cgi/self/self.h cgi/self/main.c cgi/self/fields.c cgi/self/login.c \
	cgi/self/dashboard.c cgi/self/dashcache.c cgi/self/billing.c cgi/self/charges.c cgi/self/invoice.c \
	cgi/vechart.c cgi/vechart.h cgi/vechart_rate.c cgi/vechart_rate.h cgi/self/reset.c cgi/self/reset.h cgi/self/reinstall.c cgi/pdf_page.c cgi/pdf_page.h \
	cgi/self/change.c cgi/vechange.c cgi/vechange.h
cgi_vep_self_CFLAGS = $(CGI_CFLAGS) $(PANGO_CFLAGS)
cgi_vep_self_LDADD = $(VEP_DOC_LIBS) $(VEP_WEB_LIBS)

# The customer account (issue 18): sign-up, login, the account's VEs and invoices, profile, link.
cgi_vep_account_SOURCES = cgi/account/account_cgi.h cgi/account/main.c cgi/account/fields.c \
	cgi/account/login.c cgi/account/home.c cgi/account/link.c cgi/account/reset.c \
	cgi/account/email.c \
	cgi/pdf_page.c cgi/pdf_page.h
cgi_vep_account_CFLAGS = $(CGI_CFLAGS) $(PANGO_CFLAGS)
cgi_vep_account_LDADD = $(VEP_DOC_LIBS) $(VEP_WEB_LIBS)

cgi_vep_admin_SOURCES = cgi/admin/admin.h cgi/admin/main.c cgi/admin/fields.c cgi/admin/frame.c \
	cgi/admin/login.c cgi/admin/dashboard.c cgi/admin/ves.c cgi/admin/nodes.c cgi/admin/plans.c \
	cgi/admin/invoices.c cgi/admin/notes.c cgi/admin/reports.c cgi/admin/charts.c \
	cgi/admin/audit.c cgi/admin/backup.c cgi/admin/tax.c cgi/admin/plan_form.c cgi/vechart.c cgi/vechart.h cgi/vechart_rate.c cgi/vechart_rate.h cgi/admin/mail.c cgi/pdf_page.c cgi/pdf_page.h \
	cgi/admin/change.c cgi/vechange.c cgi/vechange.h
cgi_vep_admin_CFLAGS = $(CGI_CFLAGS) $(PANGO_CFLAGS)
cgi_vep_admin_LDADD = $(VEP_DOC_LIBS) $(VEP_WEB_LIBS)

cgi_vep_api_SOURCES = cgi/api.c cgi/api.h cgi/api_plans.c \
	cgi/api_orders.c cgi/api_history.c cgi/api_billing.c cgi/api_billing.h cgi/api_nodes.c \
	cgi/api_admin.c cgi/api_pay.c cgi/api_backup.c cgi/api_tax.c cgi/pdf_page.c cgi/pdf_page.h \
	cgi/api_change.c cgi/vechange.c cgi/vechange.h cgi/order_crypt.c cgi/order_crypt.h
cgi_vep_api_CFLAGS = $(CGI_CFLAGS) $(CRYPTO_CFLAGS) $(PANGO_CFLAGS)
cgi_vep_api_LDADD = $(VEP_DOC_LIBS) $(VEP_WEB_LIBS)

cgi_vep_hello_SOURCES = cgi/hello.c
cgi_vep_hello_LDADD = $(FCGI_LIBS)
