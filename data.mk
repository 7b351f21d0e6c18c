# Installed data: templates, static files, migrations, example configuration.
# Directories are copied whole so a new template needs no Makefile change.
pkgdata_dirs = templates htdocs
EXTRA_DIST += templates htdocs db/migrations conf tests/integration tests/browser \
	tests/fuzz tests/fakes bench

install-data-local:
	$(MKDIR_P) $(DESTDIR)$(pkgdatadir)/migrations $(DESTDIR)$(sysconfdir)/vepanel/firewall
	for d in $(pkgdata_dirs); do cp -R $(srcdir)/$$d $(DESTDIR)$(pkgdatadir)/ && chmod -R u+w $(DESTDIR)$(pkgdatadir)/$$d; done
	$(INSTALL_DATA) $(srcdir)/db/migrations/*.sql $(DESTDIR)$(pkgdatadir)/migrations/
	$(INSTALL_DATA) $(srcdir)/conf/vepanel.conf.sample $(DESTDIR)$(sysconfdir)/vepanel/vepanel.conf.sample
	$(MKDIR_P) $(DESTDIR)$(pkgdatadir)/conf
	cp -R $(srcdir)/conf/nginx $(srcdir)/conf/lighttpd $(srcdir)/conf/systemd $(srcdir)/conf/demo $(DESTDIR)$(pkgdatadir)/conf/
	chmod -R u+w $(DESTDIR)$(pkgdatadir)/conf

uninstall-local:
	rm -rf $(DESTDIR)$(pkgdatadir)/templates $(DESTDIR)$(pkgdatadir)/htdocs \
		$(DESTDIR)$(pkgdatadir)/migrations $(DESTDIR)$(pkgdatadir)/conf
	rm -f $(DESTDIR)$(sysconfdir)/vepanel/vepanel.conf.sample
	-rmdir $(DESTDIR)$(sysconfdir)/vepanel/firewall $(DESTDIR)$(sysconfdir)/vepanel $(DESTDIR)$(pkgdatadir)

# Keep build products and local installs out of the tarball.
dist-hook:
	rm -rf $(distdir)/tests/browser/node_modules $(distdir)/tests/browser/shots
	find $(distdir) -name '__pycache__' -prune -exec rm -rf {} +
