#!/bin/sh
# The committed sample configuration must equal what the key table prints
# (with the default install prefix paths normalised).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
sample=${srcdir:-$top}/conf/vepanel.conf.sample
./tools/confdump | sed -e 's|^\(#[a-z_]* = \)/.*/share/vepanel|\1/usr/share/vepanel|' \
	-e 's|^\(#[a-z_]* = \)/.*/etc/vepanel|\1/etc/vepanel|' >conf-sample.tmp
if ! diff -u "$sample" conf-sample.tmp; then
	echo "conf/vepanel.conf.sample is stale: regenerate it with tools/confdump"
	rm -f conf-sample.tmp
	exit 1
fi
rm -f conf-sample.tmp
