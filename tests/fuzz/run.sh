#!/usr/bin/env bash
# Build every tests/fuzz/fuzz_*.c harness with libFuzzer + ASan/UBSan and run
# each for SECONDS (default 60) on its corpus tests/fuzz/corpus/<name>/.
# A harness's first line lists the sources it links: /* fuzz-sources: ... */
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${1:-60}
OUT=${VEP_FUZZ_OUT:-$ROOT/var/fuzz}
CFG=$ROOT/build/config.h
mkdir -p "$OUT"
[ -f "$CFG" ] || { echo "fuzz: build first (./dev up)"; exit 1; }
rc=0
for h in "$ROOT"/tests/fuzz/fuzz_*.c; do
	[ -e "$h" ] || continue
	name=$(basename "$h" .c); name=${name#fuzz_}
	srcs=$(sed -n '1s|.*fuzz-sources:\(.*\)\*/.*|\1|p' "$h")
	libs=$(sed -n '2s|.*fuzz-libs:\(.*\)\*/.*|\1|p' "$h")
	paths=""; for s in $srcs; do paths="$paths $ROOT/$s"; done
	if ! clang -g -O1 -std=c17 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-include "$CFG" -DVEP_SYSCONFDIR='"/etc/vepanel"' -DVEP_DATADIR='"/usr/share/vepanel"' \
		-I"$ROOT/lib/base" -I"$ROOT/lib/domain" -I"$ROOT/lib/db" -I"$ROOT/lib/web" -I"$ROOT" $(pkg-config --cflags jansson libmariadb) \
		-o "$OUT/$name" "$h" $paths $libs $(pkg-config --libs jansson libcrypto) >"$OUT/$name.build.log" 2>&1; then
		echo "fuzz $name: build FAILED"; cat "$OUT/$name.build.log" | head -20; rc=1; continue
	fi
	corpus=$ROOT/tests/fuzz/corpus/$name
	work=$OUT/corpus-$name; mkdir -p "$work" "$corpus"
	(cd "$OUT" && "$OUT/$name" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
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
