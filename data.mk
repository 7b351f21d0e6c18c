# Installed data: templates, static files, migrations, example configuration.
# Directories are copied whole so a new template needs no Makefile change.
pkgdata_dirs = templates htdocs

# The trees that go to the tarball whole: data, tests, benchmarks.  Not
# EXTRA_DIST: for a directory there, automake also copies the build
# directory's copy, objects included (bench/ and tests/ hold built
# programs), and the tarball then fails to build.  dist-hook copies the
# source tree's own files instead: git's list in a checkout, every file
# (less build products) in an unpacked tarball.
dist_trees = templates htdocs db/migrations conf tests bench

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
	@cd $(srcdir) && if test -e .git; then \
		git ls-files -- $(dist_trees); \
	else \
		find $(dist_trees) -type f ! -name '*.o' ! -name '*.a' ! -name '*.log' \
			! -name '*.trs' ! -name '.dirstamp' ! -path '*/.deps/*' \
			! -path '*/node_modules/*' ! -path '*/__pycache__/*' -print; \
	fi >$(abs_builddir)/dist-trees.list
	while read -r f; do \
		d=$$(dirname "$$f"); $(MKDIR_P) "$(distdir)/$$d" && \
		cp -fp "$(srcdir)/$$f" "$(distdir)/$$f" || exit 1; \
	done <dist-trees.list
	rm -f dist-trees.list
	rm -rf $(distdir)/tests/browser/node_modules $(distdir)/tests/browser/shots
	find $(distdir) -name '__pycache__' -prune -exec rm -rf {} +
