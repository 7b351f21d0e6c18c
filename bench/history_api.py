#!/usr/bin/python3
"""The HTTP half of bench/history.sh: latency of GET /api/v1/ves/{id}/history
through nginx against the running instance, and of veinfo's history
commands, for a VE made for the bench in the dev database (test_history's
Fixture, plus a year of day rows, a month and a day of hour rows and a day
of minute rows made by the server from its SEQUENCE engine); removed at the
end.  Prints p50/p99 per case.

Environment: as the integration tests (VEP_HTTP, VEP_DB_SOCKET, VEP_BUILD,
VEP_CONF, VEP_ADMIN_TOKEN); BENCH_ITER requests per token case;
BENCH_TOKEN_ONLY=1 times the token cases only (bench/billingd_ingest.sh runs
them beside its ingest).
"""
import base64
import http.client
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.environ.get("VEP_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import test_history as th  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import pct, timed_gets  # noqa: E402

ITER = int(os.environ.get("BENCH_ITER", "1000"))
SLOW_ITER = max(20, ITER // 20)


class BenchVE(th.Fixture):
    """A Fixture whose VE A has long rollups instead of the test's seconds."""

    def _usage(self):
        now, ve = self.now, self.a
        cols = ("ve_id, t, cpu_user_us, cpu_sys_us, net_in_bytes, net_out_bytes, vmem_sum_bytes,"
                " disk_sum_bytes, samples, vmem_last_bytes, disk_last_bytes, last_t")
        stmts = []
        for table, w, n in (("usage_day", 86400, 400), ("usage_hour", 3600, 24 * 40),
                            ("usage_minute", 60, 1500)):
            b = now - now % w
            stmts.append(
                "INSERT INTO %s (%s) SELECT '%s', %d - seq * %d, seq * 7919 %% 1000003 * %d,"
                " seq %% 13 * %d, seq * 104729 %% 999983 * %d, seq %% 17 * %d,"
                " (500 + seq %% 100) * 1000000 * %d, (3000 + seq %% 7) * 1000000 * %d, %d,"
                " (500 + seq %% 100) * 1000000, (3000 + seq %% 7) * 1000000, %d - seq * %d + %d"
                " FROM seq_0_to_%d;" % (table, cols, ve, b, w, w, w, w, w, w, w, w, b, w, w - 1, n - 1))
        stmts.append("INSERT INTO ve_totals (ve_id, cpu_user_us, cpu_sys_us, net_in_bytes,"
                     " net_out_bytes, vmem_last_bytes, disk_last_bytes, last_t)"
                     " SELECT ve_id, SUM(cpu_user_us), SUM(cpu_sys_us), SUM(net_in_bytes),"
                     " SUM(net_out_bytes), 0, 0, %d FROM usage_day WHERE ve_id = '%s'"
                     " GROUP BY ve_id;" % (now, ve))
        th.sql("\n".join(stmts))


def api_case(conn, path, auth, n):
    lat, body = timed_gets(conn, path, auth, n)
    return lat, body.count(b'"t":')


def main():
    fx = BenchVE()
    conf_dir = tempfile.mkdtemp(prefix="bench-veinfo-")
    try:
        u = urllib.parse.urlsplit(th.HTTP)
        conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
        now = int(time.time())
        cases = [("day by minute", "cpu", "minute", now - 1439 * 60, 1440),
                 ("month by hour", "vmem", "hour", now - 719 * 3600, 720),
                 ("year by day", "disk", "day", now - 364 * 86400, 365)]
        token = "Bearer " + th.TOKEN
        basic = "Basic " + base64.b64encode(("%s:%s" % (fx.a, fx.PASSWORD)).encode()).decode()
        print("%-40s %8s %8s %7s" % ("case (through nginx)", "p50_ms", "p99_ms", "points"))
        lat, _ = api_case(conn, "/api/v1/ves/%s" % fx.a, token, ITER)
        print("%-40s %8.2f %8.2f %7s" % ("GET /ves/{id} (token; pk lookups)", *pct(lat), "-"))
        for name, m, step, frm, count in cases:
            path = "/api/v1/ves/%s/history?metric=%s&from=%s&step=%s&count=%d" % (
                fx.a, m, th.iso(frm), step, count)
            lat, pts = api_case(conn, path, token, ITER)
            print("%-40s %8.2f %8.2f %7d" % ("history %s, %s (token)" % (name, m), *pct(lat), pts))
        if os.environ.get("BENCH_TOKEN_ONLY") == "1":
            return
        for name, m, step, frm, count in cases[:1]:
            path = "/api/v1/ves/%s/history?metric=%s&from=%s&step=%s&count=%d" % (
                fx.a, m, th.iso(frm), step, count)
            lat, pts = api_case(conn, path, basic, SLOW_ITER)
            print("%-40s %8.2f %8.2f %7d" % ("history %s (Basic: argon2id)" % name, *pct(lat), pts))
        conn.close()

        veinfo = os.path.join(th.BUILD, "tools", "veinfo")
        confs = {}
        for kind, line in (("password", "password = %s" % fx.PASSWORD), ("token", "token = %s" % th.TOKEN)):
            p = os.path.join(conf_dir, kind + ".conf")
            with open(p, "w") as f:
                f.write("api_url = %s/api/v1\nve_id = %s\n%s\n" % (th.HTTP, fx.a, line))
            os.chmod(p, 0o600)
            confs[kind] = p
        start = time.strftime("%d%m%Y%H%M", time.gmtime(now - 364 * 86400))
        cmd = "Disk usage history starting from %s in 365 days" % start
        for kind, n in (("token", max(50, ITER // 5)), ("password", SLOW_ITER)):
            lat = []
            for _ in range(n):
                t0 = time.perf_counter()
                p = subprocess.run([veinfo, "-f", confs[kind], "-c", cmd], capture_output=True, text=True)
                lat.append(time.perf_counter() - t0)
                if p.returncode != 0 or len(p.stdout.splitlines()) != 365:
                    raise SystemExit("bench: veinfo failed (%d): %s" % (p.returncode, p.stderr.strip()))
            print("%-40s %8.2f %8.2f %7d" % ("veinfo year by day (%s, whole run)" % kind, *pct(lat), 365))
    finally:
        for f in os.listdir(conf_dir):
            os.unlink(os.path.join(conf_dir, f))
        os.rmdir(conf_dir)
        fx.cleanup()


if __name__ == "__main__":
    main()
