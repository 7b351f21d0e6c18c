#!/bin/sh
# The shape of lib/ and of the programs (README "Layout"), checked by `make check`:
#  - each layer includes only its own headers and those of the layers
#    below it: base < domain < db, doc < web (db and doc side by side);
#    lib/domain never includes <mysql.h> or a database header, lib/base
#    neither a domain one;
#  - no two modules (a .c and its .h) include each other's headers, and
#    no longer loop of includes between modules either (tsort finds it),
#    in lib/ and in each program's directory;
#  - no .c over 1,200 lines, no function over 120 lines, in lib/, cgi/,
#    billingd/, agent/, tools/ and mailer/.
# Usage: tests/layering.sh [DIR...] (default: the layers of lib/).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
fail=0
bad() { echo "layering: $*" >&2; fail=1; }

layer_of() {	# the layer a header belongs to, by where it is
	for l in base domain db doc web; do
		[ -f "lib/$l/$1" ] && { echo "$l"; return; }
	done
	echo other
}
rank() { case $1 in base) echo 0 ;; domain) echo 1 ;; db|doc) echo 2 ;; web) echo 3 ;; *) echo 9 ;; esac; }

edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
for l in base domain db doc web; do
	for f in lib/$l/*.c lib/$l/*.h lib/$l/*.cc; do
		[ -f "$f" ] || continue
		mod=$(basename "$f" | sed 's/\.[ch]c*$//')
		if [ "$l" = domain ] || [ "$l" = base ]; then
			grep -q '^#include <mysql.h>' "$f" && bad "$f includes <mysql.h>"
		fi
		for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
			hl=$(layer_of "$h")
			[ "$hl" = other ] && continue
			[ "$(rank "$hl")" -gt "$(rank "$l")" ] && bad "$f ($l) includes $h ($hl), a layer above it"
			[ "$hl" != "$l" ] && [ "$(rank "$hl")" = "$(rank "$l")" ] && bad "$f ($l) includes $h ($hl), a layer beside it"
			hm=${h%.h}
			[ "$hm" != "$mod" ] && echo "$mod $hm" >>"$edges"
		done
	done
done
# The programs' own modules (cgi/, cgi/admin/, cgi/self/, billingd/, agent/,
# tools/, mailer/): a header of the same directory is that directory's module.
for d in cgi cgi/admin cgi/self billingd agent tools mailer; do
	for f in "$d"/*.c "$d"/*.h; do
		[ -f "$f" ] || continue
		mod=$d/$(basename "$f" | sed 's/\.[ch]$//')
		for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
			# A header without its .c (billingd.h, the program's context)
			# is not a module: every module may include it.
			[ -f "$d/$h" ] && [ -f "$d/${h%.h}.c" ] || continue
			hm=$d/${h%.h}
			[ "$hm" != "$mod" ] && echo "$mod $hm" >>"$edges"
		done
	done
done
# Two modules including each other, named; then any longer loop.
sort -u "$edges" | while read -r a b; do
	grep -qx "$b $a" "$edges" && [ "$a" \< "$b" ] && echo "layering: modules $a and $b include each other" >&2 && echo x
done | grep -q x && fail=1
if ! sort -u "$edges" | tsort >/dev/null 2>&1; then
	bad "a loop of includes between modules: $(sort -u "$edges" | tsort 2>&1 >/dev/null | tr '\n' ' ')"
fi

# Sizes: files and functions (a function starts at a name in column 0
# followed by "(" and ends at the "}" in column 0).
for f in lib/*/*.c cgi/*.c cgi/*/*.c billingd/*.c agent/*.c tools/*.c mailer/*.c; do
	[ -f "$f" ] || continue
	n=$(wc -l <"$f")
	[ "$n" -gt 1200 ] && bad "$f has $n lines (at most 1,200)"
	awk -v f="$f" '
		/^[A-Za-z_][A-Za-z0-9_]*\(/ { name = $0; sub(/\(.*/, "", name); start = NR; next }
		/^}/ && start { if (NR - start + 1 > 120) printf "layering: %s: %s has %d lines (at most 120)\n", f, name, NR - start + 1; start = 0 }
	' "$f" | grep . >&2 && fail=1
done
[ "$fail" = 0 ] && echo "layering: lib/ is layered (base < domain < db, doc < web), no include loops, sizes within limits (lib/ and the programs)"
exit "$fail"
