#!/usr/bin/env bash
# Browser tests: playwright-core driving Debian's chromium headless.
set -u
cd "$(dirname "$0")"
shopt -s nullglob
tests=(*.test.mjs)
[ ${#tests[@]} -gt 0 ] || { echo "browser: no tests"; exit 0; }
command -v node >/dev/null || { apt-get install -y -qq nodejs npm >/dev/null 2>&1 || true; }
# Installed again when a package of package.json is missing (axe-core came later).
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
	npm ci --no-audit --no-fund --silent >"${VEP_VAR:-/tmp}/log/npm.log" 2>&1 || { echo "browser: npm ci failed; see var/log/npm.log"; exit 1; }
fi
mkdir -p shots
rc=0
for t in "${tests[@]}"; do
	echo "== $t"
	timeout 600 node "$t" || { echo "FAILED: $t"; rc=1; }
done
exit $rc
