#!/usr/bin/env bash
# Run every tests/integration/test_*.py against the running instance
# (environment from ./dev test: VEP_HTTP, VEP_DB_SOCKET, VEP_BUILD, ...).
set -u
cd "$(dirname "$0")"
rc=0
for t in test_*.py; do
	[ -e "$t" ] || continue
	echo "== $t"
	t0=$SECONDS
	if ! timeout 1200 /usr/bin/python3 -m unittest -v "${t%.py}" 2>&1 | tee "${VEP_VAR:-/tmp}/log/it-${t%.py}.log" | grep -E "^(Ran|OK|FAILED|ERROR:|FAIL:)|\.\.\. (FAIL|ERROR|skipped)"; then :; fi
	grep -q "^OK" "${VEP_VAR:-/tmp}/log/it-${t%.py}.log" || { echo "FAILED: $t (log: var/log/it-${t%.py}.log)"; rc=1; }
	echo "   $t took $((SECONDS - t0)) s"
done
exit $rc
