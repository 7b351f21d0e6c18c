#!/usr/bin/env bash
# Run every libFuzzer harness built in the fuzz build directory
# (configure --enable-fuzzers CC=clang; ./dev test makes build-fuzz) for
# SECONDS (default 60) each on its corpus tests/fuzz/corpus/<name>/.
# The harnesses are automake targets (tests/fuzz/local.mk); this script
# only runs them.  VEP_FUZZ_BUILD names another build directory.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${1:-60}
FB=${VEP_FUZZ_BUILD:-$ROOT/build-fuzz}
OUT=${VEP_FUZZ_OUT:-$ROOT/var/fuzz}
mkdir -p "$OUT"
[ -f "$FB/Makefile" ] || { echo "fuzz: no fuzz build in $FB (./dev test, or configure --enable-fuzzers CC=clang there)"; exit 1; }
rc=0
for h in "$ROOT"/tests/fuzz/fuzz_*.c; do
	[ -e "$h" ] || continue
	prog=$(basename "$h" .c); name=${prog#fuzz_}
	bin=$FB/tests/fuzz/$prog
	if [ ! -x "$bin" ]; then
		echo "fuzz $name: not built ($bin; is it in tests/fuzz/local.mk's FUZZERS?)"; rc=1; continue
	fi
	corpus=$ROOT/tests/fuzz/corpus/$name
	work=$OUT/corpus-$name; mkdir -p "$work"
	[ -d "$corpus" ] || { echo "fuzz $name: no seed corpus $corpus"; rc=1; }
	(cd "$OUT" && "$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 "$work" "$corpus" >"$OUT/$name.log" 2>&1)
	st=$?
	execs=$(grep -m1 "stat::number_of_executed_units" "$OUT/$name.log" | awk '{print $2}')
	rate=$(grep -m1 "stat::average_exec_per_sec" "$OUT/$name.log" | awk '{print $2}')
	if [ $st -ne 0 ]; then
		echo "fuzz $name: CRASH (see $OUT/$name.log; reproducer crash-* in $OUT)"; tail -30 "$OUT/$name.log"; rc=1
	else
		echo "fuzz $name: ok, ${execs:-?} executions, ${rate:-?} exec/s"
	fi
done
exit $rc
