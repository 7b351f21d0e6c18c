#!/usr/bin/python3
"""A fake vepanel JSON API for veinfo's tests (SPEC sections 5 and 6).

Serves, on 127.0.0.1, GET /api/v1/ves/{id} in the shape the real API gives
(see ve_doc) and GET /api/v1/ves/{id}/history from points a test sets, with
the real API's credential rules: HTTP Basic VEid:password sees only its own
VE (another VE is 404, as for a VE that does not exist), a Bearer token sees
every VE; a wrong credential is 401; after `lock_after` failures every
attempt is 429 with Retry-After.

Importable (FakeApi) or runnable:
    fake_api.py --port 0 --ves ves.json [--token TOKEN]   prints "PORT <n>"
where ves.json maps VEid -> {"password": ..., "doc": {...}}.
"""
import argparse
import base64
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def ve_doc(ve_id, **order):
    """A GET /ves/{id} document with neutral values; order fields override."""
    o = {"disk_quota_mb": 1000, "always_on": True, "lifetime_days": 30, "login": ["ssh"],
         "cpu_min_bogomips": 0, "net_bw_min_kbps": 0, "net_bw_max_kbps": 0,
         "net_in_bw_min_kbps": 0, "net_in_bw_max_kbps": 0, "net_out_bw_min_kbps": 0,
         "net_out_bw_max_kbps": 0, "net_quota_min_mb": 0, "net_quota_max_mb": 0,
         "net_in_quota_min_mb": 0, "net_in_quota_max_mb": 0, "net_out_quota_min_mb": 0,
         "net_out_quota_max_mb": 0, "mem_max_mb": 0, "fs_fault_tolerance_s": 10,
         "backup_hours": 24, "firewall": "open", "firewall_file": None, "ip_count": 1,
         "dns_names": [], "user_info": "", "email": "a@example.com", "plan": "WEB1",
         "template": "debian-12"}
    o.update(order)
    return {"ve_id": ve_id, "state": "active", "expires_at": "2027-01-01T00:00:00Z",
            "created_at": "2026-01-01T00:00:00Z", "plan": o["plan"], "template": o["template"],
            "node": "node1",
            "ips": [{"address": "192.0.2.%d" % (10 + i), "netmask": "255.255.255.0",
                     "dns_name": None} for i in range(o["ip_count"])],
            "gateway": "192.0.2.1", "dns_servers": ["192.0.2.53", "192.0.2.54"],
            "login": o["login"], "order": o,
            "usage": {"recorded": True, "as_of": "2026-11-22T10:00:00Z", "disk_bytes": 0,
                      "cpu_bogomips": 0, "vmem_mb": 0, "net_in_bytes": 0, "net_out_bytes": 0,
                      "net_total_bytes": 0, "cpu_user_us": 0, "cpu_sys_us": 0}}


class FakeApi:
    """Serves in a thread; change .ves, .points, .status, .sleep_s to steer it."""

    def __init__(self, token="admintoken", port=0, lock_after=5):
        self.token = token
        self.ves = {}            # VEid -> {"password": str, "doc": dict}
        self.points = []         # history values answered (the last request's count at most)
        self.status = 200        # e.g. 501 or 503 to play a failing API
        self.sleep_s = 0         # delay before answering (timeouts)
        self.raw = None          # bytes to send instead of JSON
        self.lock_after = lock_after
        self.failures = {}
        self.requests = []       # paths asked, in order
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def answer(self, code, obj, headers=()):
                body = obj if isinstance(obj, bytes) else (json.dumps(obj) + "\n").encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass        # the client gave up (timeout tests)

            def do_GET(self):
                if outer.sleep_s:
                    time.sleep(outer.sleep_s)
                with outer.lock:
                    outer.requests.append(self.path)
                    code, obj, hdr = outer.route(self.path, self.headers.get("Authorization"))
                self.answer(code, obj, hdr)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = "http://127.0.0.1:%d/api/v1" % self.port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @staticmethod
    def err(msg):
        return {"error": {"message": msg}}

    def who(self, auth):
        """("admin", None), ("owner", VEid), or None for a refused credential."""
        if auth is None:
            return None
        if auth == "Bearer " + self.token:
            return ("admin", None)
        if not auth.startswith("Basic "):
            return None
        try:
            user, pw = base64.b64decode(auth[6:]).decode().split(":", 1)
        except (ValueError, UnicodeDecodeError):
            return None
        if self.failures.get(user, 0) >= self.lock_after:
            return ("locked", user)
        v = self.ves.get(user)
        if v is None or v["password"] != pw:
            self.failures[user] = self.failures.get(user, 0) + 1
            return None
        return ("owner", user)

    def route(self, path, auth):
        u = urllib.parse.urlsplit(path)
        parts = u.path.split("/")
        if len(parts) < 5 or parts[1:4] != ["api", "v1", "ves"]:
            return 404, self.err("There is no such page."), ()
        w = self.who(auth)
        if w is None:
            return 401, self.err("The VEid or password is wrong."), [("WWW-Authenticate", "Basic")]
        if w[0] == "locked":
            return 429, self.err("Too many failed logins; try again later."), [("Retry-After", "900")]
        ve_id = parts[4]
        if ve_id not in self.ves or (w[0] == "owner" and w[1] != ve_id):
            return 404, self.err("There is no such VE."), ()
        if self.status != 200:
            return self.status, self.err("This call is not available in this version yet."), ()
        if self.raw is not None:
            return 200, self.raw, ()
        if len(parts) == 5:
            return 200, self.ves[ve_id]["doc"], ()
        if len(parts) == 6 and parts[5] == "history":
            q = dict(urllib.parse.parse_qsl(u.query))
            fields = {}
            for k in ("metric", "from", "step", "count"):
                if k not in q:
                    fields[k] = "is required."
            if fields:
                return 422, {"error": {"message": "bad", "fields": fields}}, ()
            n = min(int(q["count"]), len(self.points))
            return 200, {"ve_id": ve_id, "metric": q["metric"], "step": q["step"],
                         "unit": "bytes", "from": q["from"],
                         "points": [{"t": q["from"], "v": v} for v in self.points[:n]],
                         "filled": False}, ()
        return 404, self.err("There is no such page."), ()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--ves", required=True)
    ap.add_argument("--token", default="admintoken")
    a = ap.parse_args()
    api = FakeApi(a.token, a.port)
    with open(a.ves) as f:
        api.ves = json.load(f)
    print("PORT %d" % api.port, flush=True)
    try:
        api.thread.join()
    except KeyboardInterrupt:
        api.stop()


if __name__ == "__main__":
    main()
