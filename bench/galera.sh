#!/usr/bin/env bash
# The 3-node Galera cluster next to the single server, in the same run:
# what does synchronous replication cost vepanel's two hot paths?
#
#   bench/galera.sh [window_s]
#
# 1. Ingest: bench/billingd_ingest.sh with one step of GALERA_VES VEs
#    (default 4000) over its fast fake agents, window_s seconds (default
#    20) after a warm-up: once against the single server (VEP_DB_SOCKET),
#    once through node n1 of the cluster (wsrep_sync_wait 1 as configured
#    by default).  Figures: samples/s polled and written at 1 Hz, and the
#    writer's capacity, samples and rows per second of database time.
# 2. History: the same small history (GALERA_HIST_VES VEs, default 50: a
#    year of days and hours, a day of minutes; LOAD DATA is one write set
#    on Galera, so it is kept small) built by bench/history.sh in database
#    vep_bench_galera on both, then bench/history_probe times
#    db_history_get, GALERA_ITER calls per case (default 300): on the
#    single server; on the cluster through node n2 (the data was loaded
#    through n1) as the programs read, wsrep_sync_wait 1, and with 0.
# Each figure is printed for both with the ratio cluster/single.
# The cluster is started (./dev cluster up) if it is not running, and
# stopped again afterwards.  Needs root (as ./dev bench), a built tree
# (VEP_BUILD) and the single server (VEP_DB_SOCKET).  About 3 minutes.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${VEP_BUILD:-$ROOT/build}
SOCK=${VEP_DB_SOCKET:-$ROOT/var/run/mysql/mysqld.sock}
WINDOW=${1:-20}
VES=${GALERA_VES:-4000}
HVES=${GALERA_HIST_VES:-50}
ITER=${GALERA_ITER:-300}
HDB=vep_bench_galera
PROBE=$BUILD/bench/history_probe
G=$ROOT/var/run/galera
GSOCKS=("$G/n1.sock" "$G/n2.sock" "$G/n3.sock")
TMP=$(mktemp -d /tmp/vep-bench-galera.XXXXXX)
STARTED=0

say() { echo "galera: $*"; }
die() { echo "galera: $*" >&2; exit 1; }
m() { mariadb --no-defaults --socket="$1" -uroot "${@:2}"; }

cleanup() {
	m "$SOCK" -e "DROP DATABASE IF EXISTS $HDB" 2>/dev/null || true
	m "${GSOCKS[0]}" -e "DROP DATABASE IF EXISTS $HDB" 2>/dev/null || true
	[ "$STARTED" = 1 ] && "$ROOT/dev" cluster down >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

[ -x "$PROBE" ] || die "build first: $PROBE is missing"
m "$SOCK" -e 'SELECT 1' >/dev/null 2>&1 || die "the single server does not answer on $SOCK (./dev up)"
t_start=$SECONDS
if [ "$(m "${GSOCKS[0]}" -N -B -e "SHOW STATUS LIKE 'wsrep_cluster_size'" 2>/dev/null | cut -f2)" != 3 ]; then
	say "starting the 3-node cluster (./dev cluster up)"
	STARTED=1
	"$ROOT/dev" cluster up >"$TMP/cluster.log" 2>&1 || { cat "$TMP/cluster.log"; die "the cluster did not start"; }
fi
say "cluster of $(m "${GSOCKS[0]}" -N -B -e "SHOW STATUS LIKE 'wsrep_cluster_size'" | cut -f2) nodes, Galera $(m "${GSOCKS[0]}" -N -B -e "SHOW STATUS LIKE 'wsrep_provider_version'" | cut -f2), innodb_flush_log_at_trx_commit $(m "${GSOCKS[0]}" -N -B -e 'SELECT @@innodb_flush_log_at_trx_commit') on both"

# ---- 1. ingest ------------------------------------------------------------------
ingest() { # $1 socket, $2 label: the step's line of billingd_ingest.sh
	VEP_DB_SOCKET=$1 VEP_BENCH_STEPS=$VES "$ROOT/bench/billingd_ingest.sh" "$WINDOW" >"$TMP/ingest-$2.txt" 2>&1 ||
		{ cat "$TMP/ingest-$2.txt"; die "billingd_ingest.sh failed on the $2"; }
	awk -v n="$VES" '$1 == n && NF >= 11' "$TMP/ingest-$2.txt" | tail -1
}
say "ingest: billingd, $VES VEs at 1 Hz, window ${WINDOW} s (single server, then the cluster through n1)"
IS=$(ingest "$SOCK" single)
IC=$(ingest "${GSOCKS[0]}" cluster)
[ -n "$IS" ] && [ -n "$IC" ] || die "no ingest figures (see billingd_ingest.sh's output above)"

# ---- 2. history -------------------------------------------------------------------
NOW=""
hist_build() { # $1 socket, $2 label
	BENCH_DB=$HDB BENCH_VES=$HVES BENCH_RAW_VES=5 BENCH_RAW_DAYS=1 BENCH_ITER=1 BENCH_FRESH=1 \
		VEP_DB_SOCKET=$1 VEP_HTTP="" VEP_BUILD=$BUILD "$ROOT/bench/history.sh" >"$TMP/hist-$2.txt" 2>&1 ||
		{ cat "$TMP/hist-$2.txt"; die "history.sh failed on the $2"; }
	grep -E "loaded in|generated" "$TMP/hist-$2.txt" | sed "s/^history: /galera: history data on the $2: /"
}
hist_conf() { # $1 file, $2 [database] lines
	printf '[database]\n%b\nname = %s\nuser = root\n' "$2" "$HDB" >"$1"
}
say "history: $HVES VEs of history on each, $ITER calls of db_history_get per case"
t0=$SECONDS
hist_build "$SOCK" "single server"
hist_build "${GSOCKS[0]}" "cluster (through n1)"
NOW=$(m "$SOCK" -N -B "$HDB" -e "SELECT now FROM bench_meta")
NOWC=$(m "${GSOCKS[0]}" -N -B "$HDB" -e "SELECT now FROM bench_meta")
hist_conf "$TMP/single.conf" "socket = $SOCK\nsync_wait = 0"
hist_conf "$TMP/cluster.conf" "hosts = ${GSOCKS[0]}, ${GSOCKS[1]}, ${GSOCKS[2]}\nprefer = 2\nsync_wait = 1"
hist_conf "$TMP/cluster0.conf" "hosts = ${GSOCKS[0]}, ${GSOCKS[1]}, ${GSOCKS[2]}\nprefer = 2\nsync_wait = 0"
"$PROBE" run "$TMP/single.conf" "$HDB" "$NOW" "$HVES" 5 "$ITER" >"$TMP/p-single.txt"
"$PROBE" run "$TMP/cluster.conf" "$HDB" "$NOWC" "$HVES" 5 "$ITER" >"$TMP/p-cluster.txt"
"$PROBE" run "$TMP/cluster0.conf" "$HDB" "$NOWC" "$HVES" 5 "$ITER" >"$TMP/p-cluster0.txt"
say "history: built and timed in $((SECONDS - t0)) s"

# ---- figures --------------------------------------------------------------------
printf 'galera: %-44s %12s %12s %9s\n' "figure" "single" "cluster" "ratio"
row() { # label single cluster
	awk -v l="$1" -v s="$2" -v c="$3" 'BEGIN {
		printf "galera: %-44s %12s %12s %9s\n", l, s, c, (s + 0 > 0 ? sprintf("%.2fx", c / s) : "-") }'
}
col() { echo "$1" | awk -v k="$2" '{ print $k }'; }
row "ingest: samples/s polled and written" "$(col "$IS" 2)" "$(col "$IC" 2)"
row "ingest: writer samples/s of database time" "$(col "$IS" 7)" "$(col "$IC" 7)"
row "ingest: writer rows/s of database time" "$(col "$IS" 8)" "$(col "$IC" 8)"
echo "galera: ingest held end to end at $VES VEs: single $(col "$IS" 11), cluster $(col "$IC" 11)"
probe_val() { # file case field(1 p50, 2 p99)
	awk -F'|' -v c="$2" -v f="$3" 'index($1, c) == 1 { split($2, a, " "); print a[f] }' "$1"
}
for c in "pk lookup (ves by id)" "day by minute, cpu" "month by hour, cpu" "year by day, net_total" "hour by second, cpu"; do
	for f in 1 2; do
		lbl="history: $c $([ $f = 1 ] && echo p50 || echo p99) us"
		row "$lbl" "$(probe_val "$TMP/p-single.txt" "$c" $f)" "$(probe_val "$TMP/p-cluster.txt" "$c" $f)"
	done
done
for c in "pk lookup (ves by id)" "month by hour, cpu"; do
	row "history: ${c%% (*} p50 us, cluster sync_wait 0" \
		"$(probe_val "$TMP/p-single.txt" "$c" 1)" "$(probe_val "$TMP/p-cluster0.txt" "$c" 1)"
done
say "done in $((SECONDS - t_start)) s"
