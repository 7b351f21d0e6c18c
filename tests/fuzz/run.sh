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
# VEP_FUZZ_JOBS harnesses at a time (default: one per CPU); each still gets
# SECONDS of its own, on its own corpus; results print in harness order.
JOBS=${VEP_FUZZ_JOBS:-$(nproc)}
rc=0
fuzz_one() { # PROG NAME: run one harness, write its result line to $OUT/NAME.result
	local prog=$1 name=$2 bin=$FB/tests/fuzz/$1 corpus work st execs rate
	corpus=$ROOT/tests/fuzz/corpus/$name
	work=$OUT/corpus-$name; mkdir -p "$work"
	(cd "$OUT" && "$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 "$work" "$corpus" >"$OUT/$name.log" 2>&1)
	st=$?
	execs=$(grep -m1 "stat::number_of_executed_units" "$OUT/$name.log" | awk '{print $2}')
	rate=$(grep -m1 "stat::average_exec_per_sec" "$OUT/$name.log" | awk '{print $2}')
	if [ $st -ne 0 ]; then
		{ echo "fuzz $name: CRASH (see $OUT/$name.log; reproducer crash-* in $OUT)"; tail -30 "$OUT/$name.log"; } >"$OUT/$name.result"
	else
		echo "fuzz $name: ok, ${execs:-?} executions, ${rate:-?} exec/s" >"$OUT/$name.result"
	fi
}
names=()
for h in "$ROOT"/tests/fuzz/fuzz_*.c; do
	[ -e "$h" ] || continue
	prog=$(basename "$h" .c); name=${prog#fuzz_}
	bin=$FB/tests/fuzz/$prog
	if [ ! -x "$bin" ]; then
		echo "fuzz $name: not built ($bin; is it in tests/fuzz/local.mk's FUZZERS?)"; rc=1; continue
	fi
	[ -d "$ROOT/tests/fuzz/corpus/$name" ] || { echo "fuzz $name: no seed corpus $ROOT/tests/fuzz/corpus/$name"; rc=1; }
	rm -f "$OUT/$name.result"
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
	fuzz_one "$prog" "$name" &
	names+=("$name")
done
wait
for name in "${names[@]}"; do
	if [ -s "$OUT/$name.result" ]; then cat "$OUT/$name.result"; else echo "fuzz $name: no result"; rc=1; fi
	grep -q "^fuzz $name: ok" "$OUT/$name.result" 2>/dev/null || rc=1
done
exit $rc
