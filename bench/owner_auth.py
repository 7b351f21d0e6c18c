#!/usr/bin/python3
"""Owner credentials on the API (issue 19): the same GET /api/v1/ves/{id}
through nginx with the operator's Bearer token (one SHA-256 lookup: the
ceiling) and with the VE owner's HTTP Basic password (argon2id once, then
remembered for [CREDCACHE_TTL_S] seconds by lib/web/credcache.c), and a
whole veinfo run with a VE token and with the VE's password.  Prints
p50/p99 per case and each Basic/password figure as a ratio to its token
twin of the same run.  Target: Basic p99 <= 2 x token p99; veinfo with a
password <= 2 x with a token.

Environment: as ./dev bench sets it (VEP_HTTP, VEP_ADMIN_TOKEN, VEP_BUILD,
VEP_DB_SOCKET); BENCH_ITER requests per case (default 500).
"""
import base64
import http.client
import json
import os
import subprocess
import tempfile
import time
import urllib.parse

from benchlib import pct, timed_gets

HTTP = os.environ["VEP_HTTP"]
TOKEN = os.environ["VEP_ADMIN_TOKEN"]
BUILD = os.environ.get("VEP_BUILD", "build")
SOCK = os.environ["VEP_DB_SOCKET"]
ITER = int(os.environ.get("BENCH_ITER", "500"))
VEINFO_RUNS = max(20, ITER // 10)


def sql(text):
    subprocess.run(["mariadb", "--no-defaults", "--socket=" + SOCK, "-uroot", "vepanel", "-e", text],
                   check=True)


def case(conn, path, auth, n):
    return timed_gets(conn, path, auth, n, "owner_auth")[0]


def main():
    u = urllib.parse.urlsplit(HTTP)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
    pw = "owner-auth-bench-%d-password" % os.getpid()
    order = {"plan": "WEB1", "template": "debian-12", "email": "bench@example.com", "disk_quota_mb": 1000,
             "always_on": True, "lifetime_days": 1, "root_password": pw, "login": ["ssh"],
             "fs_fault_tolerance_s": 60, "backup_hours": 24, "firewall": "client"}
    conn.request("POST", "/api/v1/orders", body=json.dumps(order), headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    ans = json.loads(r.read())
    if r.status != 201:
        raise SystemExit("owner_auth: order answered %d: %s" % (r.status, ans))
    ve = ans["ve_id"]
    tmp = tempfile.mkdtemp(prefix="bench-owner-")
    try:
        path = "/api/v1/ves/%s" % ve
        bearer = "Bearer " + TOKEN
        basic = "Basic " + base64.b64encode(("%s:%s" % (ve, pw)).encode()).decode()
        tok = case(conn, path, bearer, ITER)
        bas = case(conn, path, basic, ITER)
        t50, t99 = pct(tok)
        b50, b99 = pct(bas)
        print("owner_auth: %-34s p50 %7.2f ms  p99 %7.2f ms" % ("GET /ves/{id}, operator token", t50, t99))
        print("owner_auth: %-34s p50 %7.2f ms  p99 %7.2f ms" % ("GET /ves/{id}, owner Basic", b50, b99))

        # veinfo: a VE token (as a node writes into the VE) against the VE's password.
        conn.request("POST", "/api/v1/nodes/node1/ves/%s/token" % ve, headers={"Authorization": bearer})
        r = conn.getresponse()
        body = r.read()
        vetok = json.loads(body).get("token") if r.status in (200, 201) else None
        confs = {}
        for kind, line in (("token", "token = %s" % (vetok or TOKEN)), ("password", "password = %s" % pw)):
            p = os.path.join(tmp, kind + ".conf")
            with open(p, "w") as f:
                f.write("api_url = %s/api/v1\nve_id = %s\n%s\n" % (HTTP, ve, line))
            os.chmod(p, 0o600)
            confs[kind] = p
        vlat = {}
        for kind in ("token", "password"):
            lat = []
            for _ in range(VEINFO_RUNS):
                t0 = time.perf_counter()
                p = subprocess.run([os.path.join(BUILD, "tools", "veinfo"), "-f", confs[kind], "-c", "Disk quota"],
                                   capture_output=True, text=True)
                lat.append(time.perf_counter() - t0)
                if p.returncode != 0:
                    raise SystemExit("owner_auth: veinfo (%s) failed: %s" % (kind, p.stderr.strip()))
            vlat[kind] = pct(lat)
            print("owner_auth: %-34s p50 %7.2f ms  p99 %7.2f ms" % ("veinfo run, " + (
                "VE token" if kind == "token" and vetok else "operator token" if kind == "token" else "password"),
                *vlat[kind]))
        print("owner_auth: results")
        print("  Basic / token p99          %.2f   (target <= 2.00; %.2f ms / %.2f ms)" % (b99 / t99, b99, t99))
        print("  veinfo password / token    %.2f   (p50; target <= 2.00; %.2f ms / %.2f ms)" % (
            vlat["password"][0] / vlat["token"][0], vlat["password"][0], vlat["token"][0]))
        ok = b99 <= 2 * t99 and vlat["password"][0] <= 2 * vlat["token"][0]
        print("owner_auth: targets %s" % ("met" if ok else "NOT met"))
    finally:
        conn.close()
        for f in os.listdir(tmp):
            os.unlink(os.path.join(tmp, f))
        os.rmdir(tmp)
        sql("UPDATE ip_addresses SET ve_id = NULL, seq = NULL, dns_name = NULL WHERE ve_id = '%s';"
            " UPDATE ves SET state = 'deleted', state_reason = 'bench' WHERE id = '%s';" % (ve, ve))


if __name__ == "__main__":
    main()
