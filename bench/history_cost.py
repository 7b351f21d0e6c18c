#!/usr/bin/python3
"""Load-independent cost of one history request through nginx: CPU per
request of the MariaDB server, of the API's FastCGI workers and of nginx
(utime + stime from /proc, over BENCH_ITER requests), and the server's
statements, rows read (Handler_read_*) and bytes sent per request (global
status deltas; the instance's own billingd adds a little).  The VE is
bench/history_api.py's (a year of day rows, 40 days of hour rows, 1,500
minute rows); removed at the end.  Environment: as bench/history_api.py.
"""
import http.client
import os
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import history_api as ha  # noqa: E402
th = ha.th
from benchlib import timed_gets  # noqa: E402

ITER = int(os.environ.get("BENCH_ITER", "500"))
STATUS = ("Com_stmt_execute", "Questions", "Handler_read_key", "Handler_read_next",
          "Handler_read_prev", "Rows_read", "Bytes_sent")


def pids(name, parent_file=None, arg=None):
    """The instance's processes called name: the children of the PID in
    parent_file and that PID, or those whose command line holds arg."""
    out = subprocess.run(["pgrep", "-d", " ", "-x", name], capture_output=True, text=True).stdout
    found = []
    top = int(open(parent_file).read()) if parent_file else None
    for p in (int(x) for x in out.split()):
        try:
            with open("/proc/%d/cmdline" % p, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open("/proc/%d/stat" % p) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if (top is not None and p in (top,) or ppid == top) or (arg is not None and arg in cmd):
            found.append(p)
    return found


def ticks(ps):
    t = 0
    for p in ps:
        try:
            with open("/proc/%d/stat" % p) as f:
                a = f.read().rsplit(")", 1)[1].split()
            t += int(a[11]) + int(a[12])
        except OSError:
            pass
    return t


def status():
    rows = th.sql("SHOW GLOBAL STATUS WHERE Variable_name IN (%s)" % ",".join("'%s'" % s for s in STATUS))
    return {k: int(v) for k, v in rows}


def main():
    fx = ha.BenchVE()
    hz = os.sysconf("SC_CLK_TCK")
    var = os.environ["VEP_VAR"]
    groups = {"mariadb": pids("mariadbd", os.path.join(var, "run", "mysql", "mariadbd.pid")),
              "vep-api": pids("vep-api", arg=os.environ["VEP_CONF"]),
              "nginx": pids("nginx", os.path.join(var, "run", "nginx.pid"))}
    try:
        u = urllib.parse.urlsplit(th.HTTP)
        conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
        now = int(time.time())
        token = "Bearer " + th.TOKEN
        cases = [("GET /ves/{id}", "/api/v1/ves/%s" % fx.a)]
        for name, m, step, frm, count in (("day by minute", "cpu", "minute", now - 1439 * 60, 1440),
                                         ("month by hour", "vmem", "hour", now - 719 * 3600, 720),
                                         ("year by day", "disk", "day", now - 364 * 86400, 365)):
            cases.append((name, "/api/v1/ves/%s/history?metric=%s&from=%s&step=%s&count=%d" % (
                fx.a, m, th.iso(frm), step, count)))
        print("%-16s %7s %7s %7s %6s %8s %8s %8s %9s  (per request, %d requests, load %s)" % (
            "case", "db_ms", "api_ms", "ngx_ms", "stmts", "rd_key", "rd_next", "rows", "bytes", ITER,
            open("/proc/loadavg").read().split()[0]))
        for name, path in cases:
            timed_gets(conn, path, token, 20)
            s0, t0 = status(), {g: ticks(p) for g, p in groups.items()}
            timed_gets(conn, path, token, ITER)
            t1, s1 = {g: ticks(p) for g, p in groups.items()}, status()
            d = {k: (s1[k] - s0[k]) / (ITER + 5) for k in STATUS}
            c = {g: (t1[g] - t0[g]) / hz * 1000 / (ITER + 5) for g in groups}
            print("%-16s %7.3f %7.3f %7.3f %6.1f %8.1f %8.1f %8.1f %9.0f" % (
                name, c["mariadb"], c["vep-api"], c["nginx"], d["Com_stmt_execute"],
                d["Handler_read_key"], d["Handler_read_next"] + d["Handler_read_prev"],
                d["Rows_read"], d["Bytes_sent"]))
        conn.close()
    finally:
        fx.cleanup()


if __name__ == "__main__":
    main()
