#!/usr/bin/env bash
# Where a dashboard request's time goes (README "Where the time goes"):
# 1. every statement of a few GET /self requests with its MariaDB time, from
#    the slow log with long_query_time = 0 (the vep-self workers are
#    restarted so that their new connections log);
# 2. the CPU time per request of MariaDB, nginx and the vep-self workers
#    over a wrk run, against the bare libfcgi hello's.
# Not run by ./dev bench (it restarts workers and turns on the slow log for
# a moment); by hand against the dev instance, as root:
#	eval "$(./dev env)"; bash bench/profile_dashboard.sh
set -euo pipefail
: "${VEP_HTTP:?eval \"\$(./dev env)\" first}"
: "${VEP_DB_SOCKET:?}"
VAR=$(cd "${VEP_VAR:-var}" && pwd)
SECS=${BENCH_SECS:-6}
tmp=$(mktemp -d)
m() { mariadb --no-defaults --socket="$VEP_DB_SOCKET" -uroot vepanel "$@"; }
cleanup() { m -e "SET GLOBAL slow_query_log = 0" || true; rm -rf "$tmp"; }
trap cleanup EXIT

# A VE and a logged-in session (as bench/dashboard.sh).
pw="profile-password-$$-$RANDOM"
ve=$(curl -fsS -H 'Content-Type: application/json' -d "{\"plan\":\"WEB1\",\"template\":\"debian-12\",\"email\":\"bench@example.com\",\"disk_quota_mb\":1000,\"always_on\":true,\"lifetime_days\":1,\"root_password\":\"$pw\",\"login\":[\"ssh\"],\"fs_fault_tolerance_s\":60,\"backup_hours\":24,\"firewall\":\"client\"}" \
	"$VEP_HTTP/api/v1/orders" | sed -n 's/.*"ve_id":"\([0-9A-F]*\)".*/\1/p')
tok=$(curl -fsS -c "$tmp/jar" "$VEP_HTTP/self" | sed -n 's/.*name="login_token" value="\([0-9a-f-]*\)".*/\1/p' | head -1)
sid=$(curl -fsS -o /dev/null -D - -b "$tmp/jar" --data-urlencode "login_token=$tok" --data-urlencode "ve_id=$ve" \
	--data-urlencode "password=$pw" "$VEP_HTTP/self/login" | sed -n 's/^Set-Cookie: \(vep_sid=[0-9a-f]*\).*/\1/Ip' | head -1)
[ -n "$sid" ] || { echo "profile: could not log in"; exit 1; }

# --- 1. statements ---------------------------------------------------------
log=$(m -N -e "SELECT CONCAT(IF(@@slow_query_log_file LIKE '/%', '', @@datadir), @@slow_query_log_file)")
m -e "SET GLOBAL long_query_time = 0; SET GLOBAL slow_query_log = 1"
sup=$(cat "$VAR/run/pids/fcgi-self.pid")
child=$(pgrep -P "$sup" vep-self | head -1 || true)
kill -HUP "${child:-$sup}"	# the workers reconnect, and their sessions log
for _ in $(seq 50); do curl -fsS -o /dev/null -H "Cookie: $sid" "$VEP_HTTP/self" && break; sleep 0.1; done
n0=$(wc -l <"$log")
for _ in 1 2 3 4 5 6; do curl -fsS -o /dev/null -H "Cookie: $sid" "$VEP_HTTP/self"; done
m -e "SET GLOBAL slow_query_log = 0"
tail -n +"$((n0 + 1))" "$log" >"$tmp/slow"
python3 - "$tmp/slow" <<'PY'
import re, sys
txt = open(sys.argv[1]).read()
rows = []
for e in re.split(r'(?=^# User@Host)', txt, flags=re.M):
    t = re.search(r'Query_time: ([\d.]+)', e)
    th = re.search(r'Thread_id: (\d+)', e)
    if not t or not th:
        continue
    q = ' '.join(l for l in e.split('\n') if l and not l.startswith(('#', 'SET timestamp', 'use ')))
    rows.append((th.group(1), float(t.group(1)) * 1000, q))
# One request: the last run of statements from the session check on, in one thread.
th = rows[-1][0]
mine = [r for r in rows if r[0] == th]
starts = [i for i, r in enumerate(mine) if r[2].startswith(('SELECT subject, csrf', 'SELECT s.subject, s.csrf'))]
one = mine[starts[-1]:] if starts else mine
print("profile: one GET /self: %d statements, %.2f ms of MariaDB time" % (len(one), sum(r[1] for r in one)))
for r in one:
    print("  %7.3f ms  %s" % (r[1], r[2][:110]))
PY

# --- 2. CPU per request ----------------------------------------------------------
ng=$(cat "$VAR/run/nginx.pid")
fams() {
	echo "mariadb $(pgrep -d, -f "mariadbd --defaults-file=$VAR/my.cnf" || true)"
	echo "nginx $ng,$(pgrep -d, -P "$ng")"
	echo "vep-self $(pgrep -d, -f "$VEP_BUILD/cgi/vep-self" || true)"
	echo "hello $(pgrep -d, -f vep-hello || true)"
}
snap() { fams | while read -r n p; do t=0; for x in ${p//,/ }; do [ -r "/proc/$x/stat" ] && t=$((t + $(awk '{ print $14 + $15 }' "/proc/$x/stat"))); done; echo "$n $t"; done; }
cpu_run() { # cpu_run NAME URL [LUA]
	snap >"$tmp/c0"
	out=$(wrk -t2 -c32 -d"${SECS}s" ${3:+-s "$3"} "$2")
	snap >"$tmp/c1"
	n=$(awk '/requests in/ { print $1 }' <<<"$out")
	echo "profile: $1: $(awk '/^Requests\/sec:/ { print $2 }' <<<"$out") req/s; CPU per request:"
	join "$tmp/c0" "$tmp/c1" | awk -v n="$n" -v hz="$(getconf CLK_TCK)" '{ printf "  %-9s %.3f ms\n", $1, ($3 - $2) * 1000 / hz / n }'
}
printf 'wrk.headers["Cookie"] = "%s"\n' "$sid" >"$tmp/cookie.lua"
cpu_run "dashboard GET /self" "$VEP_HTTP/self" "$tmp/cookie.lua"
if curl -fsS -o /dev/null -m 5 "$VEP_HTTP/bench/hello" 2>/dev/null; then
	cpu_run "bare fastcgi hello" "$VEP_HTTP/bench/hello"
fi
m -e "UPDATE ip_addresses SET ve_id = NULL, seq = NULL, dns_name = NULL WHERE ve_id = '$ve';
	UPDATE ves SET state = 'deleted', state_reason = 'bench' WHERE id = '$ve';
	DELETE FROM sessions WHERE kind = 'self' AND subject = '$ve'"
