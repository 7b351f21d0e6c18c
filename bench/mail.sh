#!/usr/bin/env bash
# Mail throughput through the dev mail catcher: N messages queued in the
# outbox in one transaction (state notices of one bench account, as the
# triggers write them), then the time until vep-mailer has handed all to
# the catcher and the catcher has stored them (var/mail/*.eml); then PDF
# rendering time per invoice of 10 and of 500 lines (bench/pdf_bench).
#
#	bench/mail.sh [N]	(after ./dev up; VEP_DB_SOCKET, VEP_VAR, VEP_BUILD as ./dev env gives)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${VEP_BUILD:-$ROOT/build}
VAR=${VEP_VAR:-$ROOT/var}
SOCK=${VEP_DB_SOCKET:-$VAR/run/mysql/mysqld.sock}
N=${1:-500}
sql() { mariadb --no-defaults --socket="$SOCK" -uroot -N -B vepanel "$@"; }
tag=bench$(date +%s)
sql -e "INSERT INTO accounts (email, created_at) VALUES ('$tag@example.net', UNIX_TIMESTAMP())"
acct=$(sql -e "SELECT id FROM accounts WHERE email = '$tag@example.net'")
before=$(ls "$VAR/mail" | grep -c '\.eml$' || true)
t0=$(date +%s.%N)
sql -e "INSERT INTO mail_outbox (kind, ref, account_id, ve_id, detail, next_try, created_at)
 SELECT 'state', CONCAT('$tag-', seq), $acct, '0000BE4C', 'suspended:benchmark', UNIX_TIMESTAMP(), UNIX_TIMESTAMP()
 FROM seq_1_to_$N"
t1=$(date +%s.%N)
for _ in $(seq 1200); do
	left=$(sql -e "SELECT COUNT(*) FROM mail_outbox WHERE ref LIKE '$tag-%' AND state <> 'sent'")
	[ "$left" = 0 ] && break
	sleep 0.1
done
t2=$(date +%s.%N)
for _ in $(seq 100); do
	got=$(( $(ls "$VAR/mail" | grep -c '\.eml$' || true) - before ))
	[ "$got" -ge "$N" ] && break
	sleep 0.1
done
t3=$(date +%s.%N)
awk -v n="$N" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v got="$got" 'BEGIN {
	printf "mail: %d queued in %.2f s (%.0f/s); all sent after %.2f s: %.1f mails/s through the catcher (%d stored)\n",
	    n, b - a, n / (b - a), d - a, n / (d - a), got }'
sql -e "DELETE FROM mail_outbox WHERE ref LIKE '$tag-%'; DELETE FROM accounts WHERE id = $acct"
ls -t "$VAR/mail" | head -n "$got" | grep "\.eml$" | while read -r f; do grep -q "$tag@example.net" "$VAR/mail/$f" && rm -f "$VAR/mail/$f"; done || true
[ -x "$BUILD/bench/pdf_bench" ] && "$BUILD/bench/pdf_bench" 20
