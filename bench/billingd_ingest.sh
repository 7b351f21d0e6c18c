#!/bin/sh
# Sustained ingest of billingd against a real MariaDB with synthetic load.
#
#   bench/billingd_ingest.sh [window_s]
#
# Two passes: raw seconds on (raw_retention_h 48) for each VE count in
# $VEP_BENCH_STEPS (default 20000 40000 50000), then rollups only
# (raw_retention_h 0) for $VEP_BENCH_STEPS_NORAW (default 100000); each
# step spread over 4 fast fake agents (bench/billingd_fakeagent.c), billingd
# runs for a warm-up and then window_s seconds (default 20).  A
# step is "held" when no tick was skipped, no poll failed, every VE was
# sampled every second and the writer kept up with 10% to spare (its
# samples per second of database time above the input), nothing spooled.
# A tick is a whole second; samples/s is per second of wall clock.
# Printed per step: samples/s, billingd CPU (% of one core) and RSS per 1000
# VEs, the writer's capacity (samples and rows per second of database
# time), rows written per sample, the MariaDB server's CPU (all its
# threads) per 1,000 samples written, which a shared machine's load
# changes far less than the wall-clock rates, and the load average.  At the end the raw rows billingd wrote are loaded again with
# LOAD DATA LOCAL INFILE into a copy table in the same server, and the
# writer's rate is given as a ratio to that.
#
# VEP_BENCH_WRITERS sets [billingd] writers (default: the key's default).
# While the last step of the raw pass runs, and when an instance answers at
# VEP_HTTP (./dev bench), bench/history_api.py times the history API
# through nginx beside the ingest (the same MariaDB server).
# The server's InnoDB buffer pool is raised to VEP_BENCH_POOL_MB (default
# 2048) for the run if smaller, and put back at the end: 50,000 VEs write
# about 50,000 pages of each per-VE table a batch (README, "Where the time
# goes"), which the dev server's 256 MB cannot hold; the redo log to half that.
# Needs VEP_DB_SOCKET (MariaDB, root by socket) and a built tree: VEP_BUILD
# (default ./build) with billingd/billingd.  Bounded: a few minutes.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${VEP_BUILD:-$ROOT/build}
SOCK=${VEP_DB_SOCKET:?set VEP_DB_SOCKET to the MariaDB socket}
WINDOW=${1:-20}
WARMUP=8
STEPS=${VEP_BENCH_STEPS:-"20000 40000 50000"}
STEPS_NORAW=${VEP_BENCH_STEPS_NORAW:-"100000"}
POOL_MB=${VEP_BENCH_POOL_MB:-2048}
NODES=4
BILLINGD=$BUILD/billingd/billingd
DB=bench_billingd_$$
TMP=$(mktemp -d /tmp/billingd-bench.XXXXXX)
PIDS=""
M="mariadb --socket=$SOCK -uroot -N -B"

POOL0=$($M -e "SELECT @@innodb_buffer_pool_size")
DBPID=$(cat "$($M -e "SELECT @@pid_file")" 2>/dev/null || echo "")
LOG0=$($M -e "SELECT @@innodb_log_file_size")
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	$M -e "SET GLOBAL innodb_buffer_pool_size = $POOL0; SET GLOBAL innodb_log_file_size = $LOG0" 2>/dev/null || true
	wait 2>/dev/null || true
	$M -e "DROP DATABASE IF EXISTS $DB" 2>/dev/null || true
	[ -n "${VEP_BENCH_KEEP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

FAKEAGENT=$BUILD/bench/billingd_fakeagent
for p in "$BILLINGD" "$FAKEAGENT"; do
	[ -x "$p" ] || { echo "billingd_ingest: build first ($p missing)"; exit 1; }
done

metric() {	# name -> value from billingd's /metrics
	curl -s "http://127.0.0.1:$LPORT/metrics" | awk -v k="$1" '$1 == k { print $2 }'
}
cputicks() {	# utime + stime of a pid, in clock ticks
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}
applied_after() {	# wait (up to 120 s) until billingd applied more than $1 batches
	for _ in $(seq 1 120); do
		[ "$(metric 'billingd_batches_total{result="applied"}')" -gt "$1" ] 2>/dev/null && return
		sleep 1
	done
}
snap() {	# the window's counters at its start ($1 = 0) or end (1): s$1 k$1 n$1 f$1 w$1 sp$1 r$1 c$1 t$1 d$1
	eval "s$1=\$(metric billingd_samples_total); k$1=\$(metric billingd_ticks_skipped_total)"
	eval "n$1=\$(metric billingd_ticks_total); f$1=\$(metric 'billingd_polls_total{result=\"failed\"}')"
	eval "w$1=\$(metric billingd_write_seconds_total); sp$1=\$(metric billingd_spans_written_total)"
	eval "r$1=\$(metric billingd_rows_written_total)"
	eval "c$1=\$(cputicks \"\$BPID\"); t$1=\$(date +%s.%N)"
	eval "d$1=\$( [ -n \"\$DBPID\" ] && cputicks \"\$DBPID\" || echo 0)"
}
freeport() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

setup_db() {	# $1 = VE count
	$M -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB"
	for f in "$ROOT"/db/migrations/*.sql; do $M "$DB" < "$f"; done
	/usr/bin/python3 - "$1" "$NODES" "$TMP" > "$TMP/seed.sql" <<'EOF'
import sys, time
n, nodes, tmp = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
now = int(time.time())
print("INSERT INTO accounts (email, created_at) VALUES ('bench@example.net', %d);" % now)
print("INSERT INTO plans (code, name, currency, max_disk_quota_mb, max_ip_count, login_allowed, created_at) VALUES ('B', 'B', 'EUR', 1000, 4, 'ssh', %d);" % now)
print("INSERT INTO os_templates (code, name) VALUES ('t', 't');")
per = n // nodes
oid = 0
for k in range(nodes):
    port = int(open("%s/port%d" % (tmp, k)).read())
    print("INSERT INTO nodes (id, name, url, token_hash, created_at) VALUES (%d, 'bench%d', 'http://127.0.0.1:%d/metrics', REPEAT('0', 64), %d);" % (k + 1, k, port, now))
    first = (k + 1) << 20
    for c in range(0, per, 1000):
        m = min(1000, per - c)
        print("INSERT INTO orders (id, account_id, plan_id, template_id, disk_quota_mb, always_on, lifetime_days, login, fs_fault_tolerance_s, backup_hours, firewall, ip_count, created_at) VALUES " +
              ",".join("(%d,1,1,1,100,1,30,'ssh',1,1,'open',1,%d)" % (oid + i + 1, now) for i in range(m)) + ";")
        print("INSERT INTO ves (id, account_id, order_id, node_id, password_hash, created_at, expires_at, updated_at) VALUES " +
              ",".join("('%08X',1,%d,%d,'x',%d,%d,%d)" % (first + c + i, oid + i + 1, k + 1, now, now + 86400 * 30, now) for i in range(m)) + ";")
        oid += m
EOF
	$M "$DB" < "$TMP/seed.sql"
}

if [ "$POOL0" -lt $((POOL_MB * 1048576)) ]; then
	$M -e "SET GLOBAL innodb_buffer_pool_size = $((POOL_MB * 1048576))"
fi
# A batch of 50,000 VEs is a transaction of a million rows: a redo log of
# 128 MB would force a checkpoint in the middle of each.
if [ "$LOG0" -lt $((POOL_MB / 2 * 1048576)) ]; then
	$M -e "SET GLOBAL innodb_log_file_size = $((POOL_MB / 2 * 1048576))"
fi
echo "billingd ingest bench: $NODES fake agents, warm-up ${WARMUP}s, window ${WINDOW}s, 1 Hz;" \
    "InnoDB buffer pool $(( $($M -e "SELECT @@innodb_buffer_pool_size") / 1048576 )) MB," \
    "redo log $(( $($M -e "SELECT @@innodb_log_file_size") / 1048576 )) MB;" \
    "$($M -e "SELECT CONCAT(@@thread_handling, IF(@@thread_handling = 'pool-of-threads', CONCAT(' (', @@thread_pool_size, ' groups, stall limit ', @@thread_pool_stall_limit, ' ms, default priority ', @@thread_pool_priority, ')'), ''))");" \
    "load $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
LASTCAP=""

# One pass: $1 = raw_retention_h, $2 = VE counts; sets HELD and POLLED.
pass() {
RAW_H=$1
HELD=0
POLLED=0
LAST_N=$(echo $2 | awk '{ print $NF }')
printf '%8s %10s %6s %7s %8s %10s %11s %12s %6s %8s %6s %6s %6s %s\n' VEs samples/s skips fails cpu%/1k rssMB/1k write-cap/s rows-cap/s lag_s rows/smp dbms/1k load1 polled held
for N in $2; do
	PER=$((N / NODES))
	N=$((PER * NODES))
	APIDS=""
	for k in $(seq 0 $((NODES - 1))); do
		freeport > "$TMP/port$k"
	done
	setup_db "$N"
	# The agents start now: their counters (from 0 at their start) then
	# cover seconds, not the minute the seeding took, on first contact.
	for k in $(seq 0 $((NODES - 1))); do
		"$FAKEAGENT" "$(cat "$TMP/port$k")" "$PER" "$(printf '%X' $(((k + 1) << 20)))" &
		APIDS="$APIDS $!"
	done
	PIDS="$APIDS"
	LPORT=$(freeport)
	mkdir -p "$TMP/spool"
	cat > "$TMP/bench.conf" <<EOF
[database]
socket = $SOCK
name = $DB
user = root
[billingd]
spool_dir = $TMP/spool
listen = 127.0.0.1:$LPORT
raw_retention_h = $RAW_H
${VEP_BENCH_WRITERS:+writers = $VEP_BENCH_WRITERS}
EOF
	"$BILLINGD" ${VEP_BENCH_DEBUG:+-d} -f "$TMP/bench.conf" --id bench > "$TMP/billingd-$N.log" 2>&1 &
	BPID=$!
	PIDS="$PIDS $BPID"
	# Warm-up: WARMUP seconds and the first batch applied (its VEs have no
	# counter state yet: it is written through one connection, with reads).
	sleep "$WARMUP"
	applied_after 0
	snap 0
	HPID=""
	if [ "$RAW_H" != 0 ] && [ "$N" = "$LAST_N" ] && [ -n "${VEP_HTTP:-}" ] &&
	    curl -s -o /dev/null "$VEP_HTTP/api/v1/" 2>/dev/null; then
		BENCH_TOKEN_ONLY=1 BENCH_ITER=${VEP_BENCH_HISTORY_ITER:-400} /usr/bin/python3 \
		    "$ROOT/bench/history_api.py" > "$TMP/history-$N.txt" 2>&1 &
		HPID=$!
	fi
	# The window: WINDOW seconds, and longer (up to 120 s) until a batch
	# was applied inside it; a writer slower than that measures as 0.
	a0=$(metric 'billingd_batches_total{result="applied"}')
	sleep "$WINDOW"
	applied_after "$a0"
	snap 1
	q1=$(metric billingd_memory_queue_bytes); sb=$(metric billingd_spool_bytes)
	cu=$(metric billingd_committed_until_seconds)
	ld=$(cut -d' ' -f1 /proc/loadavg)
	rss=$(awk '/VmRSS/ { print $2 }' "/proc/$BPID/status")
	hz=$(getconf CLK_TCK)
	line=$(awk -v n="$N" -v s0="$s0" -v s1="$s1" -v k0="$k0" -v k1="$k1" -v f0="$f0" -v f1="$f1" \
	    -v w0="$w0" -v w1="$w1" -v sp0="$sp0" -v sp1="$sp1" -v r0="$r0" -v r1="$r1" \
	    -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v rss="$rss" -v hz="$hz" \
	    -v q="$q1" -v sb="$sb" -v n0="$n0" -v n1="$n1" -v cu="$cu" \
	    -v d0="$d0" -v d1="$d1" -v ld="$ld" 'BEGIN {
		el = t1 - t0; sps = (s1 - s0) / el; w = w1 - w0
		cpu = (c1 - c0) / hz / el * 100 / (n / 1000)
		wcap = w > 0 ? (sp1 - sp0) / w : 0; rcap = w > 0 ? (r1 - r0) / w : 0
		# Every VE sampled on every tick (give or take the tick in flight).
		full = (s1 - s0) >= n * (n1 - n0 - 1)
		# Polled: every VE sampled each second, no tick skipped, no poll failed.
		# Held: polled, and the writer keeps up with 10% to spare (its rate
		# per second of database time exceeds the input), nothing spooled.
		lag = t1 - cu
		# Rows per sample written, and the server CPU (ms) per 1,000 samples written.
		rps = sp1 > sp0 ? (r1 - r0) / (sp1 - sp0) : 0
		dbms = sp1 > sp0 ? (d1 - d0) / hz * 1000 / ((sp1 - sp0) / 1000) : 0
		polled = (k1 == k0 && f1 == f0 && full)
		held = (polled && sb == 0 && sps < 0.9 * wcap)
		printf "%8d %10.0f %6d %7d %8.2f %10.2f %11.0f %12.0f %6.0f %8.2f %6.1f %6.1f %6s %s\n", n, sps, k1 - k0, f1 - f0,
		    cpu, rss / 1024 / (n / 1000), wcap, rcap, lag, rps, dbms, ld, polled ? "yes" : "NO", held ? "yes" : "NO"
	}')
	echo "$line"
	if [ -n "$HPID" ]; then
		wait "$HPID" || true
		echo "history API through nginx beside the ingest of $N VEs (same MariaDB):"
		sed 's/^/  /' "$TMP/history-$N.txt"
		awk '/pk lookups/ { pk = $(NF - 1) } /^history / { p = $(NF - 1); if (p > w) w = p }
		    END { if (pk > 0) printf "  history p99 worst %.2f ms (target < 5) = %.1f x GET /ves/{id} p99 %.2f ms in the same run\n", w, w / pk, pk }' \
		    "$TMP/history-$N.txt"
	fi
	kill "$BPID"; wait "$BPID" 2>/dev/null || true
	for p in $APIDS; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	PIDS=""
	case "$line" in
	*yes) HELD=$N; LASTCAP=$(echo "$line" | awk '{ print $7, $8 }') ;;
	esac
	[ "$RAW_H" = 0 ] || { ANYCAP=$(echo "$line" | awk '{ print $7, $8 }'); ANY_N=$N; }
	case "$line" in
	*"yes "*) POLLED=$N ;;
	*) break ;;
	esac
done
echo "raw_retention_h $RAW_H: largest VE count polled at 1 Hz with no missed tick or poll: $POLLED"
echo "raw_retention_h $RAW_H: largest VE count held end to end (polled, and the writer keeps up): $HELD"
}

pass 48 "$STEPS"
RAW_HELD=$HELD
# The raw rows of the raw pass, for LOAD DATA below (the next pass drops the database).
$M "$DB" -e "SELECT ve_id, t, cpu_user_us, cpu_sys_us, COALESCE(vmem_bytes, '\\\\N'), COALESCE(disk_bytes, '\\\\N'), net_in_bytes, net_out_bytes, ip FROM usage_raw" > "$TMP/raw.tsv"
RAWCAP=$LASTCAP
pass 0 "$STEPS_NORAW"

# LOAD DATA LOCAL INFILE of the raw pass's rows, same server, same run.
ROWS=$(wc -l < "$TMP/raw.tsv")
$M "$DB" -e "CREATE TABLE raw_copy LIKE usage_raw"
l0=$(date +%s.%N)
$M --local-infile=1 "$DB" -e "LOAD DATA LOCAL INFILE '$TMP/raw.tsv' INTO TABLE raw_copy"
l1=$(date +%s.%N)
WHICH="the largest held step"
if [ -z "$RAWCAP" ] && [ -n "${ANYCAP:-}" ]; then
	RAWCAP=$ANYCAP
	WHICH="$ANY_N VEs (not held)"
fi
set -- ${RAWCAP:-0 0}
awk -v rows="$ROWS" -v l0="$l0" -v l1="$l1" -v wcap="$1" -v rcap="$2" -v which="$WHICH" 'BEGIN {
	if (rows == 0) {
		print "LOAD DATA LOCAL INFILE: no raw rows to compare (raw_retention_h = 0)"
		exit
	}
	lps = rows / (l1 - l0)
	printf "LOAD DATA LOCAL INFILE: %d raw rows in %.2f s = %.0f rows/s\n", rows, l1 - l0, lps
	printf "billingd writer at %s: %.0f samples/s = %.2f x LOAD DATA rows/s; %.0f rows/s (all tables) = %.2f x\n",
	    which, wcap, wcap / lps, rcap, rcap / lps
}'
