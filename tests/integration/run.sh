#!/usr/bin/env bash
# Run every tests/integration/test_*.py against the running instance
# (environment from ./dev test: VEP_HTTP, VEP_DB_SOCKET, VEP_BUILD, ...),
# in the phases and parallel lanes of tests/integration/lanes (why each
# module runs where it does is written there; lanes.py checks that every
# test class runs exactly once).  Prints each entry's result, time and lane,
# each phase's time, and fails when the tests run differ in number from the
# tests the modules hold.  VEP_IT_SERIAL=1 runs the lanes one after another
# (same order inside each lane), to tell a test that fails beside others
# from one that fails alone.
set -u
cd "$(dirname "$0")"
LOG=${VEP_VAR:-/tmp}/log
mkdir -p "$LOG"
plan=$(/usr/bin/python3 lanes.py) || { echo "FAILED: tests/integration/lanes"; exit 1; }

# run_entry LANE ENTRY: one module or class; its summary printed in one piece.
run_entry() {
	local lane=$1 e=$2 t0=$SECONDS log=$LOG/it-$2.log out
	timeout 1200 /usr/bin/python3 -m unittest -v "$e" >"$log" 2>&1
	out=$(grep -E "^(Ran|OK|FAILED|ERROR:|FAIL:)|\.\.\. (FAIL|ERROR|skipped)" "$log")
	grep -q "^OK" "$log" || out+=$'\n'"FAILED: $e (log: var/log/it-$e.log)"
	printf '== %s\n%s\n   %s took %d s (lane %s)\n' "$e" "$out" "$e" $((SECONDS - t0)) "$lane"
	grep -q "^OK" "$log"
}

# run_lane LANE ENTRY...: the entries one after the other; its time at the end.
run_lane() {
	local lane=$1 rc=0 t0=$SECONDS; shift
	for e; do run_entry "$lane" "$e" || rc=1; done
	echo "   lane $lane took $((SECONDS - t0)) s"
	return $rc
}

rc=0 total=0 ran=0 t00=$SECONDS
for phase in $(awk '$1 != "total" { print $1 }' <<<"$plan" | sort -nu); do
	t0=$SECONDS pids=()
	lanes=$(awk -v p="$phase" '$1 == p && !seen[$2]++ { print $2 }' <<<"$plan")
	echo "-- integration phase $phase: lanes $(echo $lanes)"
	for lane in $lanes; do
		entries=$(awk -v p="$phase" -v l="$lane" '$1 == p && $2 == l { print $3 }' <<<"$plan")
		if [ "${VEP_IT_SERIAL:-0}" = 1 ]; then
			run_lane "$lane" $entries || rc=1
		else
			run_lane "$lane" $entries &
			pids+=($!)
		fi
	done
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	echo "-- integration phase $phase took $((SECONDS - t0)) s"
done
# Every test the modules hold ran once: the sum of the entries' "Ran N tests".
total=$(awk '$1 == "total" { print $2 }' <<<"$plan")
for e in $(awk '$1 != "total" { print $3 }' <<<"$plan"); do
	n=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\} in .*/\1/p' "$LOG/it-$e.log" | tail -1)
	ran=$((ran + ${n:-0}))
done
echo "-- integration: $ran of $total tests ran in $((SECONDS - t00)) s"
[ "$ran" = "$total" ] || { echo "FAILED: $ran tests ran, the modules hold $total"; rc=1; }
exit $rc
