# cgi/: one FastCGI program per screen family, plus the JSON API.
# They are started by their own supervisor (-s socket -w workers), see lib/web/web.c.
sbin_PROGRAMS += cgi/vep-signup cgi/vep-self cgi/vep-admin cgi/vep-api
noinst_PROGRAMS += cgi/vep-hello
CGI_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(JANSSON_CFLAGS)

cgi_vep_signup_SOURCES = cgi/signup.c
cgi_vep_signup_CFLAGS = $(CGI_CFLAGS)
cgi_vep_signup_LDADD = $(VEP_WEB_LIBS)

cgi_vep_self_SOURCES = cgi/self.c
cgi_vep_self_CFLAGS = $(CGI_CFLAGS)
cgi_vep_self_LDADD = $(VEP_WEB_LIBS)

cgi_vep_admin_SOURCES = cgi/admin.c
cgi_vep_admin_CFLAGS = $(CGI_CFLAGS)
cgi_vep_admin_LDADD = $(VEP_WEB_LIBS)

cgi_vep_api_SOURCES = cgi/api.c cgi/api.h cgi/api_plans.c \
	cgi/api_orders.c cgi/api_history.c cgi/api_billing.c cgi/api_nodes.c cgi/api_admin.c
cgi_vep_api_CFLAGS = $(CGI_CFLAGS) $(CRYPTO_CFLAGS)
cgi_vep_api_LDADD = $(VEP_WEB_LIBS)

cgi_vep_hello_SOURCES = cgi/hello.c
cgi_vep_hello_LDADD = $(FCGI_LIBS)
