#!/usr/bin/env bash
# Invoice run benchmark: 10,000 accounts with 10 VEs each (100,000 VEs) and a
# full month of synthetic usage, in a database of its own
# (vep_bench_billing, migrated with db/migrations/*.sql, dropped
# afterwards); then billing_invoice_run for that month, twice (the second
# must create nothing).  Target: the first run under 6 s (issue 19).  The
# ceiling of its writing: the same invoice lines loaded with LOAD DATA LOCAL
# INFILE into a copy of invoice_lines (same keys) in the same run.
#
# What the run reads (lib/db/db_invoice_usage.c): whole days from usage_day
# in one pass, and usage_hour only for a day on which a plan changes price.
# So the data are one usage_day row per VE and day (3.1M rows) plus the 24
# usage_hour rows of the 16th for the VEs of plan P1, which changes price at
# noon that day (1.2M rows); the hour rows of other days, which a real
# database holds but the run never reads, are not generated.
#
#	bench/invoice_run.sh [ACCOUNTS [VES_PER_ACCOUNT]]
#	(VEP_BUILD: build dir; VEP_DB_SOCKET: MariaDB socket, as ./dev env gives;
#	 VEP_BENCH_KEEP=1 keeps the database)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${VEP_BUILD:-$ROOT/build}
SOCK=${VEP_DB_SOCKET:-$ROOT/var/run/mysql/mysqld.sock}
ACCOUNTS=${1:-10000}
PER=${2:-10}
PERIOD=2025-05
DB=vep_bench_billing
BENCH=$BUILD/bench/invoice_bench
[ -x "$BENCH" ] || { echo "invoice_run: $BENCH not built (make bench/invoice_bench)"; exit 1; }
TMP=$(mktemp -d)
sql() { mariadb --no-defaults --socket="$SOCK" -uroot --local-infile=1 "$@"; }
cleanup() { [ -n "${VEP_BENCH_KEEP:-}" ] || sql -e "DROP DATABASE IF EXISTS $DB" 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

t0=$(date +%s.%N)
sql -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB CHARACTER SET utf8mb4"
for f in "${VEP_MIGRATIONS:-$ROOT/db/migrations}"/*.sql; do sql "$DB" <"$f"; done
"$BENCH" gen "$TMP" "$ACCOUNTS" "$PER" "$PERIOD" 2>/dev/null
gen_s=$(elapsed "$t0")
# Plans: P1 changes price at noon on the 16th (two versions in the month), P2 has one.
sql "$DB" >/dev/null <<SQL
SET @from = UNIX_TIMESTAMP('2025-05-01 00:00:00');
INSERT INTO os_templates (id, code, name) VALUES (1, 'debian-12', 'Debian 12');
INSERT INTO plans (id, code, name, currency, max_disk_quota_mb, max_ip_count, login_allowed, created_at)
  VALUES (1, 'P1', 'Bench 1', 'EUR', 51200, 4, 'ssh', 0), (2, 'P2', 'Bench 2', 'EUR', 51200, 4, 'ssh', 0);
INSERT INTO plan_versions (plan_id, valid_from, monthly_fee_minor, inc_disk_gb, inc_traffic_gb,
  inc_cpu_hours, inc_vmem_gb_hours, ov_disk_gb_month, ov_traffic_gb, ov_cpu_hour, ov_vmem_gb_hour)
  VALUES (1, @from - 86400 * 400, 1000, 10, 50, 100, 0, 50, 20, 3, 0),
         (1, @from + 86400 * 15 + 43200, 1200, 10, 50, 100, 0, 60, 25, 4, 0),
         (2, @from - 86400 * 400, 5000, 20, 100, 300, 500, 40, 15, 2, 1);
SET unique_checks = 0; SET foreign_key_checks = 0;
LOAD DATA LOCAL INFILE '$TMP/accounts.tsv' INTO TABLE accounts (id, email, tax_bp, created_at);
LOAD DATA LOCAL INFILE '$TMP/orders.tsv' INTO TABLE orders (id, account_id, plan_id, template_id,
  disk_quota_mb, always_on, lifetime_days, login, fs_fault_tolerance_s, backup_hours, firewall,
  ip_count, created_at);
LOAD DATA LOCAL INFILE '$TMP/ves.tsv' INTO TABLE ves (id, account_id, order_id, state,
  password_hash, created_at, expires_at, updated_at);
LOAD DATA LOCAL INFILE '$TMP/ve_state_log.tsv' INTO TABLE ve_state_log (ve_id, at, state, reason);
LOAD DATA LOCAL INFILE '$TMP/usage_day.tsv' INTO TABLE usage_day (ve_id, t, cpu_user_us,
  cpu_sys_us, net_in_bytes, net_out_bytes, vmem_sum_bytes, disk_sum_bytes, samples,
  vmem_last_bytes, disk_last_bytes, last_t);
LOAD DATA LOCAL INFILE '$TMP/usage_hour.tsv' INTO TABLE usage_hour (ve_id, t, cpu_user_us,
  cpu_sys_us, net_in_bytes, net_out_bytes, vmem_sum_bytes, disk_sum_bytes, samples,
  vmem_last_bytes, disk_last_bytes, last_t);
ANALYZE TABLE usage_day, usage_hour, ves, ve_state_log;
SQL
load_s=$(elapsed "$t0")
read -r nves ndays nhours < <(sql -N -B "$DB" -e "SELECT (SELECT COUNT(*) FROM ves),
  (SELECT COUNT(*) FROM usage_day), (SELECT COUNT(*) FROM usage_hour)")
# Load-independent figures of the two runs (the second reads only the VEs):
# MariaDB's CPU seconds (utime+stime of mysqld) and its global counters.
MYPID=$(sql -N -B -e "SELECT @@pid_file" | xargs cat 2>/dev/null || true)
cpu() { [ -n "$MYPID" ] && awk '{ printf "%d", $14 + $15 }' "/proc/$MYPID/stat" || echo 0; }
counters() { sql -N -B -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('Handler_read_next',
  'Handler_read_rnd_next', 'Handler_read_key', 'Handler_write', 'Handler_update', 'Com_stmt_execute',
  'Questions', 'Created_tmp_tables', 'Innodb_os_log_written')" | sort; }
counters >"$TMP/c0"; c0=$(cpu)
"$BENCH" run "$SOCK" "$DB" "$PERIOD" >"$TMP/run.out" 2>"$TMP/run.err" ||
	{ cat "$TMP/run.err" "$TMP/run.out"; exit 1; }
c1=$(cpu); counters >"$TMP/c1"
mysqld_cpu_s=$(awk -v a="$c0" -v b="$c1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz }')
counts=$(join "$TMP/c0" "$TMP/c1" | awk '{ printf "%s%s %d", (NR > 1 ? ", " : ""), $1, $3 - $2 }')
read -r _ inv _ first _ second _ created <"$TMP/run.out"
# billing_invoice_run logs its phases ("... VEs and history X s, usage Y s, rating Z s, writing W s")
phases=$(sed -n 's/.*lines; //p' "$TMP/run.err" | head -1)
lines=$(sql -N -B "$DB" -e "SELECT COUNT(*) FROM invoice_lines")
sql -N -B "$DB" -e "SELECT * FROM invoice_lines" >"$TMP/lines.tsv"
sql "$DB" -e "CREATE TABLE lines_copy LIKE invoice_lines"
l0=$(date +%s.%N)
sql "$DB" -e "LOAD DATA LOCAL INFILE '$TMP/lines.tsv' INTO TABLE lines_copy"
load_lines_s=$(elapsed "$l0")
writing_s=$(echo "$phases" | sed -n 's/.*writing \([0-9.]*\) s.*/\1/p')
awk -v acc="$ACCOUNTS" -v ves="$nves" -v days="$ndays" -v hours="$nhours" -v inv="$inv" \
	-v lines="$lines" -v first="$first" -v second="$second" -v created="$created" \
	-v gen="$gen_s" -v loads="$load_s" -v total="$(elapsed "$t0")" -v phases="$phases" \
	-v ll="$load_lines_s" -v mcpu="$mysqld_cpu_s" -v counts="$counts" -v ws="${writing_s:-0}" 'BEGIN {
	printf "invoice_run: accounts %d ves %d usage_day_rows %d usage_hour_rows %d -> invoices %d lines %d\n", acc, ves, days, hours, inv, lines
	printf "invoice_run: first_run_s %.2f per_ve_us %.0f second_run_s %.2f second_created %d\n", first, first * 1e6 / ves, second, created
	printf "invoice_run: phases: %s\n", phases
	printf "invoice_run: both runs, load-independent: mysqld_cpu_s %s; %s\n", mcpu, counts
	if (ll > 0)
		printf "invoice_run: writing %.2f s = %.2f x LOAD DATA of the same %d lines (%.2f s, same keys) in the same run\n", ws, ws / ll, lines, ll
	printf "invoice_run: generate_s %.1f generate_and_load_s %.1f total_s %.1f; target first_run_s < 6: %s\n", gen, loads, total, first < 6 ? "PASS" : "FAIL"
	exit !(created == 0 && inv == acc)
}'
