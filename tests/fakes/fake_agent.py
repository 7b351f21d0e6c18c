#!/usr/bin/python3
"""A scripted node agent for billingd's tests (SPEC section 7).

Serves GET /metrics (HTTP/1.1, keep-alive) on 127.0.0.1 with counters that
a test drives exactly through POST /control, and answers GET /truth with
what billingd should have stored: for every VE the sum, over all its
counter epochs, of each epoch's last value (a reset or a counter going down
starts a new epoch; the first sample counts in full, as billingd counts).

    fake_agent.py --port 0 [--agent-start SECONDS]   prints "PORT <n>" first

POST /control takes one JSON object or a list of them:
  {"op": "ve", "ve": "0000002A", "start_us": N, "cpu_user_us": N,
   "cpu_sys_us": N, "vmem": N, "disk": N, "ips": {"192.0.2.10": [rx, tx]}}
        add a VE or set its values (a value lower than before = new epoch)
  {"op": "rate", "ve": "0000002A" or "*", "cpu_user_us": N, "cpu_sys_us": N,
   "rx": N, "tx": N, "vmem": N}        growth per second (every 100 ms a tenth)
  {"op": "freeze"} / {"op": "thaw"}   stop / resume growth
  {"op": "reset_ve", "ve": X, "start_us": N}   VE restart: counters to 0
  {"op": "reset_agent", "start_us": N}         agent restart: all to 0
  {"op": "remove", "ve": X}           stop reporting a VE (truth kept)
  {"op": "mode", "mode": "ok"|"500"|"garbage"|"sleep"|"close"|"partial"|"oneshot",
   "sleep_s": F}                       how /metrics answers from now on
                                       (oneshot: answers, then closes the
                                       connection without a Connection: close)
  {"op": "extra", "text": "..."}      lines appended to every answer
Availability (ve_up / ve_state; every VE runs and is active unless told):
  {"op": "up", "ve": X or "*", "up": 0|1}     whether it runs from now on
  {"op": "up_pattern", "ve": X, "pattern": "1100"}   the next answers, one
                                       character each, say up (1) or down (0);
                                       then "up" applies again
  {"op": "avail", "ve": X or "*", "report": bool, "active": 0|1,
   "running": bool}                   report ve_up at all (false: an older
                                       agent), ve_state, and whether the
                                       counters are shown (false: a VE the
                                       node knows but cannot run)
/truth's "avail" per VE counts the answers billingd takes (modes ok and
oneshot) that said the VE was active: "seen", and of them "up" -- what
billingd must store if it applies every poll.
Counters advance only while not frozen; /truth is consistent with the
counters served at the same instant (one lock).
"""

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COUNTERS = ("cpu_user_us", "cpu_sys_us")


def fmt_us(us):
    return "%d.%06d" % (us // 1000000, us % 1000000)


class VE:
    def __init__(self, ve_id, start_us):
        self.id = ve_id
        self.start_us = start_us
        self.cur = {"cpu_user_us": 0, "cpu_sys_us": 0}
        self.past = {"cpu_user_us": 0, "cpu_sys_us": 0}
        self.vmem = 0
        self.disk = 0
        self.ips = {}          # ip -> [rx, tx]
        self.ip_past = {}      # ip -> [rx, tx] of earlier epochs
        self.rate = {"cpu_user_us": 0, "cpu_sys_us": 0, "rx": 0, "tx": 0, "vmem": 0}
        self.shown = True
        self.up = 1
        self.pattern = ""
        self.report = True
        self.active = 1
        self.running = True
        self.avail_seen = 0
        self.avail_up = 0

    def new_epoch(self):
        for k in COUNTERS:
            self.past[k] += self.cur[k]
            self.cur[k] = 0
        for ip, v in self.ips.items():
            p = self.ip_past.setdefault(ip, [0, 0])
            p[0] += v[0]
            p[1] += v[1]
            v[0] = v[1] = 0

    def set_counter(self, k, v):
        if v < self.cur[k]:
            self.past[k] += self.cur[k]
        self.cur[k] = v

    def set_ip(self, ip, rx, tx):
        old = self.ips.get(ip, [0, 0])
        p = self.ip_past.setdefault(ip, [0, 0])
        if rx < old[0]:
            p[0] += old[0]
        if tx < old[1]:
            p[1] += old[1]
        self.ips[ip] = [rx, tx]

    def truth(self):
        ips = {}
        for ip in set(self.ips) | set(self.ip_past):
            c = self.ips.get(ip, [0, 0])
            p = self.ip_past.get(ip, [0, 0])
            ips[ip] = [c[0] + p[0], c[1] + p[1]]
        return {
            "cpu_user_us": self.cur["cpu_user_us"] + self.past["cpu_user_us"],
            "cpu_sys_us": self.cur["cpu_sys_us"] + self.past["cpu_sys_us"],
            "net_in": sum(v[0] for v in ips.values()),
            "net_out": sum(v[1] for v in ips.values()),
            "ips": ips,
            "vmem": self.vmem,
            "disk": self.disk,
            "cur": dict(self.cur),
            "avail": {"seen": self.avail_seen, "up": self.avail_up},
        }


class Agent:
    def __init__(self, agent_start_us):
        self.lock = threading.Lock()
        self.agent_start_us = agent_start_us
        self.ves = {}
        self.frozen = False
        self.mode = "ok"
        self.sleep_s = 2.0
        self.extra = ""
        self.served = 0
        self.served_ok = 0

    def render(self, taken=False):
        """The answer; taken: billingd will take it (availability is counted)."""
        out = ["# HELP veagent_start_time_seconds when the agent started",
               "# TYPE veagent_start_time_seconds gauge",
               "veagent_start_time_seconds %s" % fmt_us(self.agent_start_us),
               "node_cpu_bogomips 4800.00"]
        for v in self.ves.values():
            if not v.shown:
                continue
            lab = 've="%s"' % v.id
            if v.report:
                up = v.up
                if taken and v.pattern:
                    up, v.pattern = int(v.pattern[0]), v.pattern[1:]
                elif v.pattern:
                    up = int(v.pattern[0])
                out.append("ve_state{%s} %d" % (lab, v.active))
                out.append("ve_up{%s} %d" % (lab, up))
                if taken and v.active:
                    v.avail_seen += 1
                    v.avail_up += up
            if not v.running:
                continue
            out.append("ve_start_time_seconds{%s} %s" % (lab, fmt_us(v.start_us)))
            out.append("ve_cpu_user_seconds_total{%s} %s" % (lab, fmt_us(v.cur["cpu_user_us"])))
            out.append("ve_cpu_system_seconds_total{%s} %s" % (lab, fmt_us(v.cur["cpu_sys_us"])))
            out.append("ve_memory_virtual_bytes{%s} %d" % (lab, v.vmem))
            out.append("ve_disk_used_bytes{%s} %d" % (lab, v.disk))
            for ip, (rx, tx) in v.ips.items():
                out.append('ve_network_receive_bytes_total{%s,ip="%s"} %d' % (lab, ip, rx))
                out.append('ve_network_transmit_bytes_total{%s,ip="%s"} %d' % (lab, ip, tx))
        text = "\n".join(out) + "\n" + self.extra
        return text.encode()

    def grow(self):
        with self.lock:
            if self.frozen:
                return
            for v in self.ves.values():
                for k in COUNTERS:
                    v.cur[k] += v.rate[k] // 10
                for ip in v.ips.values():
                    ip[0] += v.rate["rx"] // 10
                    ip[1] += v.rate["tx"] // 10
                v.vmem += v.rate["vmem"] // 10

    def control(self, cmd):
        op = cmd["op"]
        if op == "ve":
            v = self.ves.get(cmd["ve"])
            if v is None:
                v = self.ves[cmd["ve"]] = VE(cmd["ve"], cmd.get("start_us", self.agent_start_us))
            if "start_us" in cmd and cmd["start_us"] != v.start_us:
                v.new_epoch()
                v.start_us = cmd["start_us"]
            for k in COUNTERS:
                if k in cmd:
                    v.set_counter(k, int(cmd[k]))
            for k in ("vmem", "disk"):
                if k in cmd:
                    setattr(v, k, int(cmd[k]))
            for ip, (rx, tx) in cmd.get("ips", {}).items():
                v.set_ip(ip, int(rx), int(tx))
            v.shown = True
        elif op == "rate":
            targets = self.ves.values() if cmd["ve"] == "*" else [self.ves[cmd["ve"]]]
            for v in targets:
                for k in v.rate:
                    if k in cmd:
                        v.rate[k] = int(cmd[k])
        elif op == "freeze":
            self.frozen = True
        elif op == "thaw":
            self.frozen = False
        elif op == "reset_ve":
            v = self.ves[cmd["ve"]]
            v.new_epoch()
            v.start_us = cmd["start_us"]
        elif op == "reset_agent":
            self.agent_start_us = cmd["start_us"]
            for v in self.ves.values():
                v.new_epoch()
        elif op == "remove":
            self.ves[cmd["ve"]].shown = False
        elif op == "mode":
            self.mode = cmd["mode"]
            self.sleep_s = float(cmd.get("sleep_s", self.sleep_s))
        elif op == "extra":
            self.extra = cmd["text"]
        elif op in ("up", "up_pattern", "avail"):
            targets = self.ves.values() if cmd["ve"] == "*" else [self.ves[cmd["ve"]]]
            for v in targets:
                if op == "up":
                    v.up = 1 if cmd["up"] else 0
                elif op == "up_pattern":
                    if any(c not in "01" for c in cmd["pattern"]):
                        raise ValueError("pattern of 0 and 1 expected")
                    v.pattern = cmd["pattern"]
                else:
                    v.report = bool(cmd.get("report", v.report))
                    v.active = 1 if cmd.get("active", v.active) else 0
                    v.running = bool(cmd.get("running", v.running))
        else:
            raise ValueError("unknown op %r" % op)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    agent = None

    def log_message(self, fmt, *args):
        pass

    def answer(self, code, body, ctype="text/plain; version=0.0.4"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        a = self.agent
        if self.path == "/truth":
            with a.lock:
                body = {"ves": {k: v.truth() for k, v in a.ves.items()},
                        "served": a.served, "served_ok": a.served_ok,
                        "agent_start_us": a.agent_start_us}
            self.answer(200, json.dumps(body).encode(), "application/json")
            return
        if self.path != "/metrics":
            self.answer(404, b"not found\n")
            return
        with a.lock:
            a.served += 1
            mode, sleep_s = a.mode, a.sleep_s
            body = a.render(taken=mode in ("ok", "oneshot"))
            if mode == "ok":
                a.served_ok += 1
        if mode == "500":
            self.answer(500, b"internal error\n")
        elif mode == "garbage":
            self.answer(200, b"<html>this is not the metrics you are looking for</html>\n")
        elif mode == "sleep":
            time.sleep(sleep_s)
            self.answer(200, body)
        elif mode == "close":
            self.close_connection = True
            self.wfile.flush()
            self.connection.shutdown(2)
        elif mode == "oneshot":
            # A whole answer, then the connection is closed without saying so.
            self.answer(200, body)
            self.wfile.flush()
            self.close_connection = True
        elif mode == "partial":
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
        else:
            self.answer(200, body)

    def do_POST(self):
        a = self.agent
        n = int(self.headers.get("Content-Length", "0"))
        data = json.loads(self.rfile.read(n) or b"null")
        if self.path != "/control":
            self.answer(404, b"not found\n")
            return
        cmds = data if isinstance(data, list) else [data]
        try:
            with a.lock:
                for c in cmds:
                    a.control(c)
        except (KeyError, ValueError, TypeError) as e:
            self.answer(400, ("%s\n" % e).encode())
            return
        self.answer(200, b"ok\n")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client closing its connection is normal here (billingd times out,
        # restarts, is killed); anything else is still reported.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--agent-start", type=float, default=None)
    args = ap.parse_args()
    start = args.agent_start if args.agent_start is not None else time.time()
    agent = Agent(int(round(start * 1000000)))
    Handler.agent = agent
    srv = Server(("127.0.0.1", args.port), Handler)
    print("PORT %d" % srv.server_address[1], flush=True)

    def ticker():
        while True:
            time.sleep(0.1)
            agent.grow()

    threading.Thread(target=ticker, daemon=True).start()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
