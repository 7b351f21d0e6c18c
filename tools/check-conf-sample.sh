#!/bin/sh
# The committed sample configuration and vepanel.conf(5) must equal what the
# key table prints (with the default install prefix paths normalised).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
src=${srcdir:-$top}
norm() {
	sed -e 's|\(= \)/[^ ]*/share/vepanel|\1/usr/share/vepanel|' -e 's|\(= \)/[^ ]*/etc/vepanel|\1/etc/vepanel|' \
	    -e 's|lq/[^ ]*/share/vepanel|lq/usr/share/vepanel|' -e 's|lq/[^ ]*/etc/vepanel|lq/etc/vepanel|'
}
rc=0
./tools/confdump | norm >conf-sample.tmp
diff -u "$src/conf/vepanel.conf.sample" conf-sample.tmp || { echo "conf/vepanel.conf.sample is stale: regenerate with tools/confdump"; rc=1; }
./tools/confdump -m | norm >conf-man.tmp
diff -u "$src/man/vepanel.conf.5" conf-man.tmp || { echo "man/vepanel.conf.5 is stale: regenerate with tools/confdump -m"; rc=1; }
rm -f conf-sample.tmp conf-man.tmp
exit $rc
