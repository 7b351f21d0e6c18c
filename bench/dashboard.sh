#!/usr/bin/env bash
# The logged-in dashboard (GET /self with a session cookie) under load,
# next to a static file and the bare libfcgi hello through the same nginx,
# and the latency of a whole signup POST next to one bare argon2id hash
# with the same parameters.  Run by ./dev bench (which starts the hello
# program), or by hand after: eval "$(./dev env)".
#   Targets (issue 19): dashboard >= 0.3 x hello requests/s; dashboard p99 < 10 ms;
#   signup POST <= 1.3 x one bare argon2id hash (averages of the same run).
set -euo pipefail

: "${VEP_HTTP:?run under ./dev bench or after eval \"\$(./dev env)\"}"
: "${VEP_DB_SOCKET:?}"
CONNS=${BENCH_CONNS:-32}
SECS=${BENCH_SECS:-10}
SIGNUPS=${BENCH_SIGNUPS:-5}
tmp=$(mktemp -d)
made=()
cleanup() {
	# Give back the addresses of the VEs made here, as an operator's delete would.
	if [ ${#made[@]} -gt 0 ]; then
		ids=$(printf "'%s'," "${made[@]}"); ids=${ids%,}
		mariadb --no-defaults --socket="$VEP_DB_SOCKET" -uroot vepanel -e \
			"UPDATE ip_addresses SET ve_id = NULL, seq = NULL, dns_name = NULL WHERE ve_id IN ($ids);
			 UPDATE ves SET state = 'deleted', state_reason = 'bench' WHERE id IN ($ids);
			 DELETE FROM sessions WHERE kind = 'self' AND subject IN ($ids);" || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

order() { # order PASSWORD: a small valid order as JSON
	printf '{"plan":"WEB1","template":"debian-12","email":"bench@example.com","disk_quota_mb":1000,"always_on":true,"lifetime_days":1,"root_password":"%s","login":["ssh"],"fs_fault_tolerance_s":60,"backup_hours":24,"firewall":"client"}' "$1"
}
ve_of() { sed -n 's/.*"ve_id":"\([0-9A-F]*\)".*/\1/p'; }

# --- a VE and a session ------------------------------------------------------
pw="bench-password-$$-$RANDOM"
ve=$(curl -fsS -H 'Content-Type: application/json' -d "$(order "$pw")" "$VEP_HTTP/api/v1/orders" | ve_of)
[ -n "$ve" ] || { echo "dashboard: could not create a VE"; exit 1; }
made+=("$ve")
# The login form first: its token goes back with the login (and its cookie).
tok=$(curl -fsS -c "$tmp/jar" "$VEP_HTTP/self" | sed -n 's/.*name="login_token" value="\([0-9a-f-]*\)".*/\1/p' | head -1)
sid=$(curl -fsS -o /dev/null -D - -b "$tmp/jar" --data-urlencode "login_token=$tok" --data-urlencode "ve_id=$ve" \
	--data-urlencode "password=$pw" "$VEP_HTTP/self/login" | sed -n 's/^Set-Cookie: \(vep_sid=[0-9a-f]*\).*/\1/Ip' | head -1)
[ -n "$sid" ] || { echo "dashboard: could not log in"; exit 1; }
page=$(curl -fsS -H "Cookie: $sid" "$VEP_HTTP/self")
grep -q "id=\"ve-id\">$ve<" <<<"$page" || { echo "dashboard: the session does not show the dashboard"; exit 1; }
printf 'wrk.headers["Cookie"] = "%s"\n' "$sid" >"$tmp/cookie.lua"

# --- throughput --------------------------------------------------------------
run() { # run NAME URL [LUA]: requests/s and p99 (ms)
	local out rps p99
	out=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency ${3:+-s "$3"} "$2" 2>&1)
	rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
	p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
		else if (v ~ /ms$/) sub(/ms$/, "", v); else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
		printf "%.2f", v }' <<<"$out")
	if grep -qE "Non-2xx|Socket errors" <<<"$out"; then
		echo "dashboard: $1: $(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' ' | tr '\n' ' ')" >&2
	fi
	printf '%-22s %10s req/s   p99 %8s ms\n' "$1" "${rps:-?}" "${p99:-?}" >&2
	echo "${rps:-0} ${p99:-0}"
}
echo "dashboard: wrk, $CONNS connections, ${SECS} s each, through $VEP_HTTP"
read -r st_rps st_p99 < <(run "static file" "$VEP_HTTP/bench/static.txt")
hello_ok=1
curl -fsS -o /dev/null -m 5 "$VEP_HTTP/bench/hello" 2>/dev/null || hello_ok=0
if [ $hello_ok = 1 ]; then
	read -r he_rps he_p99 < <(run "bare fastcgi hello" "$VEP_HTTP/bench/hello")
else
	echo "dashboard: /bench/hello does not answer (./dev bench starts it); no ratio to hello" >&2
	he_rps=0
fi
read -r da_rps da_p99 < <(run "dashboard GET /self" "$VEP_HTTP/self" "$tmp/cookie.lua")

# --- signup latency vs one argon2id hash ------------------------------------------
conf=${VEP_CONF:-}
param() { local v=""; [ -n "$conf" ] && [ -r "$conf" ] && v=$(sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p" "$conf" | tail -1); echo "${v:-$2}"; }
m=$(param argon2_m_kib 19456); t=$(param argon2_t 2); p=$(param argon2_p 1)
cat >"$tmp/hash.c" <<'C'
#include <argon2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
int main(int argc, char **argv) {
	unsigned m = atoi(argv[1]), t = atoi(argv[2]), p = atoi(argv[3]), n = atoi(argv[4]);
	char out[256]; const char *pw = "bench-password-0123456789"; unsigned char salt[16] = "0123456789abcdef";
	struct timespec a, b; double best = 1e9, sum = 0;
	for (unsigned i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (argon2id_hash_encoded(t, m, p, pw, strlen(pw), salt, 16, 32, out, sizeof(out)) != ARGON2_OK) return 1;
		clock_gettime(CLOCK_MONOTONIC, &b);
		double ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
		sum += ms; if (ms < best) best = ms;
	}
	printf("%.1f %.1f\n", sum / n, best);
	return 0;
}
C
cc -O2 -o "$tmp/hash" "$tmp/hash.c" -largon2
read -r h_avg h_best < <("$tmp/hash" "$m" "$t" "$p" "$SIGNUPS")
sum=0; best=999999
for i in $(seq "$SIGNUPS"); do
	out=$(curl -sS -o "$tmp/o.json" -w '%{http_code} %{time_total}' -H 'Content-Type: application/json' \
		-d "$(order "bench-signup-$$-$i-password")" "$VEP_HTTP/api/v1/orders")
	[ "${out%% *}" = 201 ] || { echo "dashboard: signup answered ${out%% *}: $(cat "$tmp/o.json")"; exit 1; }
	made+=("$(ve_of <"$tmp/o.json")")
	ms=$(awk -v s="${out#* }" 'BEGIN { printf "%.1f", s * 1000 }')
	sum=$(awk -v a="$sum" -v b="$ms" 'BEGIN { print a + b }')
	best=$(awk -v a="$best" -v b="$ms" 'BEGIN { print (b < a ? b : a) }')
done
s_avg=$(awk -v a="$sum" -v n="$SIGNUPS" 'BEGIN { printf "%.1f", a / n }')

# --- figures ----------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo "dashboard: results"
printf '  dashboard / static file   %s\n' "$(ratio "$da_rps" "$st_rps")"
printf '  dashboard / fastcgi hello %s   (target >= 0.30; %s / %s req/s)\n' "$(ratio "$da_rps" "$he_rps")" "$da_rps" "$he_rps"
printf '  dashboard p99             %s ms (target < 10 ms)\n' "$da_p99"
printf '  signup POST               %s ms average, %s ms best of %s (argon2id m=%s KiB t=%s p=%s)\n' \
	"$s_avg" "$best" "$SIGNUPS" "$m" "$t" "$p"
printf '  bare argon2id hash        %s ms average, %s ms best; signup beyond the hash %s ms (best vs best)\n' \
	"$h_avg" "$h_best" "$(awk -v a="$best" -v b="$h_best" 'BEGIN { printf "%.1f", a - b }')"
printf '  signup / argon2id hash    %s   (average; target <= 1.30); best vs best %s\n' \
	"$(ratio "$s_avg" "$h_avg")" "$(ratio "$best" "$h_best")"
ok=1
awk -v a="$da_rps" -v b="$he_rps" 'BEGIN { exit !(b == 0 || a >= 0.3 * b) }' || ok=0
awk -v a="$s_avg" -v b="$h_avg" 'BEGIN { exit !(a <= 1.3 * b) }' || ok=0
awk -v p="$da_p99" 'BEGIN { exit !(p < 10) }' || ok=0
[ $ok = 1 ] && echo "dashboard: targets met" || echo "dashboard: targets NOT met"
exit 0
