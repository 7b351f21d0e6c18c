#!/usr/bin/python3
"""A fake vepanel API for veagent tests: answers GET /api/v1/nodes/{name}/ves
with the VEs it was given, to the right bearer token only.

Importable (FakeNodeApi) or runnable:
    node_api.py --port 0 --node n1 --token-file tok --ves ves.json
where ves.json holds the "ves" list; SIGHUP re-reads it.
"""
import argparse
import http.server
import json
import signal
import threading


def ve(ve_id, ips, state="active", **kw):
    """One entry in the API's format with neutral defaults."""
    e = {"ve_id": ve_id, "state": state, "ips": list(ips),
         "disk_quota_mb": 1000, "cpu_min_bogomips": 0, "mem_max_mb": 0,
         "net_bw_min_kbps": 0, "net_bw_max_kbps": 0,
         "net_in_bw_min_kbps": 0, "net_in_bw_max_kbps": 0,
         "net_out_bw_min_kbps": 0, "net_out_bw_max_kbps": 0,
         "firewall": "open", "firewall_file": None, "throttle_kbps": 0}
    e.update(kw)
    return e


class FakeNodeApi:
    """Serves on 127.0.0.1:port in a thread; set .ves or .status to change answers."""

    def __init__(self, node, token, port=0):
        self.node = node
        self.token = token
        self.ves = []
        self.status = 200      # set to e.g. 503 to play an API that is down
        self.raw = None        # bytes to send instead of the JSON document
        self.requests = 0
        self.tokens = {}       # ve_id -> the last VE token made by POST .../token
        self.moved = []        # ve_ids told by POST .../moved (move with data)
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                with outer.lock:
                    outer.requests += 1
                    want = "/api/v1/nodes/%s/ves" % outer.node
                    if self.headers.get("Authorization") != "Bearer " + outer.token:
                        code, body = 401, b'{"error":{"message":"unauthorized"}}'
                    elif self.path != want:
                        code, body = 404, b'{"error":{"message":"not found"}}'
                    elif outer.status != 200:
                        code, body = outer.status, b'{"error":{"message":"down"}}'
                    elif outer.raw is not None:
                        code, body = 200, outer.raw
                    else:
                        code = 200
                        body = json.dumps({"node": outer.node, "ves": outer.ves}).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                # POST /api/v1/nodes/{node}/ves/{id}/token (issue 14 contract, 2)
                with outer.lock:
                    parts = self.path.split("/")
                    ok = (self.headers.get("Authorization") == "Bearer " + outer.token and
                          len(parts) == 8 and parts[1:5] == ["api", "v1", "nodes", outer.node]
                          and parts[5] == "ves" and parts[7] in ("token", "moved") and
                          any(e.get("ve_id") == parts[6] for e in outer.ves))
                    if ok and parts[7] == "token":
                        tok = "ve-%s-%d" % (parts[6], len(outer.tokens) + 1)
                        outer.tokens[parts[6]] = tok
                        code, body = 201, json.dumps({"token": tok}).encode()
                    elif ok:
                        outer.moved.append(parts[6])
                        code, body = 200, b'{"moved":true}'
                    else:
                        code, body = 404, b'{"error":{"message":"not found"}}'
                n = int(self.headers.get("Content-Length") or 0)
                if n:
                    self.rfile.read(n)
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = "http://127.0.0.1:%d/api/v1" % self.port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--node", required=True)
    ap.add_argument("--token-file", required=True)
    ap.add_argument("--ves", required=True, help="JSON file with the list of VEs")
    a = ap.parse_args()
    with open(a.token_file) as f:
        token = f.read().strip()
    api = FakeNodeApi(a.node, token, a.port)

    def load(*_):
        with open(a.ves) as f:
            api.ves = json.load(f)
    load()
    signal.signal(signal.SIGHUP, load)
    print(api.url, flush=True)
    api.httpd.serve_forever()


if __name__ == "__main__":
    main()
