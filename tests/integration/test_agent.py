"""Integration tests of veagent, the node agent (SPEC section 7).

(a) sim backend: the exposition format, keep-alive, concurrency, bad and
    slow clients, flags, and learning VEs from a fake API (added, changed,
    suspended, removed; API down and back).
(b) the real backend (LXC containers) is tested in test_real_ve.py.

Environment: VEP_BUILD (the build directory), VEP_ROOT (the source tree).
"""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

ROOT = os.environ.get("VEP_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD = os.environ.get("VEP_BUILD", ROOT)
AGENT = os.path.join(BUILD, "agent", "veagent")
sys.path.insert(0, os.path.join(ROOT, "tests", "fakes"))
import node_api  # noqa: E402
from veplib import start_listening, stop_process, wait_until  # noqa: E402

SPEC_NAMES = {
    "veagent_start_time_seconds", "node_cpu_bogomips", "ve_start_time_seconds",
    "ve_cpu_user_seconds_total", "ve_cpu_system_seconds_total", "ve_memory_virtual_bytes",
    "ve_disk_used_bytes", "ve_network_receive_bytes_total", "ve_network_transmit_bytes_total",
}
EXTRA_NAMES = {"ve_memory_rss_bytes", "ve_processes", "ve_cpu_throttled_seconds_total",
               "ve_state", "ve_up", "veagent_api_up", "veagent_http_requests_total"}
COUNTERS = {"ve_cpu_user_seconds_total", "ve_cpu_system_seconds_total",
            "ve_network_receive_bytes_total", "ve_network_transmit_bytes_total",
            "ve_cpu_throttled_seconds_total", "veagent_http_requests_total"}
LINE = re.compile(r'^([a-z_]+)(\{ve="([0-9A-F]{8})"(,ip="(\d+\.\d+\.\d+\.\d+)")?\})? (\d+(\.\d+)?)$')
SIX = {"veagent_start_time_seconds", "ve_start_time_seconds", "ve_cpu_user_seconds_total",
       "ve_cpu_system_seconds_total", "ve_cpu_throttled_seconds_total"}


class Agent:
    """A veagent process on 127.0.0.1 with a kernel-chosen port; its log is kept."""

    def __init__(self, *args):
        self.log = []
        # With --token-file, /metrics wants the node's token as Bearer (SPEC section 7).
        self.token = None
        if "--token-file" in args:
            with open(args[args.index("--token-file") + 1]) as f:
                self.token = f.read().strip()
        self.proc, self.port, self.thread = start_listening([AGENT, "--listen", "127.0.0.1:0", "-d", *args],
                                                            self.log, 10)
        if self.port is None:
            self.stop()
            raise AssertionError("veagent did not start: %s" % "".join(self.log))

    def logged(self, pattern):
        return [l for l in list(self.log) if re.search(pattern, l)]

    def hup(self):
        self.proc.send_signal(signal.SIGHUP)

    def stop(self):
        stop_process(self.proc)
        self.thread.join(5)
        self.proc.stderr.close()
        # A sanitizer build reports here (run the tests with VEP_BUILD at one).
        bad = self.logged(r"Sanitizer|runtime error:")
        assert not bad, "veagent: %s" % "".join(self.log[-40:])

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def get(self, path="/metrics", conn=None):
        c = conn or self.conn()
        c.request("GET", path, headers={"Authorization": "Bearer " + self.token} if self.token else {})
        r = c.getresponse()
        body = r.read().decode()
        if conn is None:
            c.close()
        return r, body

    def metrics(self):
        r, body = self.get()
        assert r.status == 200, r.status
        return parse(body)


def parse(body):
    """{(name, ve, ip): value_str} of every sample; asserts the syntax of every line."""
    out = {}
    assert body.endswith("\n")
    for line in body.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        m = LINE.match(line)
        assert m, "line does not parse: %r" % line
        name, ve, ip, val = m.group(1), m.group(3), m.group(5), m.group(6)
        assert name in SPEC_NAMES | EXTRA_NAMES, "unknown metric %s" % name
        if name in SIX:
            assert re.fullmatch(r"\d+\.\d{6}", val), line
        elif name == "node_cpu_bogomips":
            assert re.fullmatch(r"\d+\.\d{2}", val), line
        else:
            assert re.fullmatch(r"\d+", val), line
        key = (name, ve, ip)
        assert key not in out, "duplicate series %r" % (key,)
        out[key] = val
    return out


def num(v):
    """Exact value: integer, or integer microseconds for six-decimal values."""
    if "." in v:
        a, b = v.split(".")
        return int(a) * 10 ** len(b) + int(b)
    return int(v)


def wait_for(fn, timeout=20, what="condition"):
    return wait_until(fn, timeout, what)


def raw(port, data, timeout=5):
    """Send bytes on a fresh connection; everything the agent answers until it closes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(data)
    chunks = []
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            chunks.append(b)
    finally:
        s.close()
    return b"".join(chunks)


class SimAgentTest(unittest.TestCase):
    """--backend sim --extra 500 --seed 1."""

    @classmethod
    def setUpClass(cls):
        cls.agent = Agent("--node", "simnode", "--backend", "sim", "--extra", "500", "--seed", "1")

    @classmethod
    def tearDownClass(cls):
        cls.agent.stop()

    def test_format_and_counters(self):
        a = self.metrics_twice()
        first, second = a
        ves = {k[1] for k in first if k[1]}
        self.assertEqual(len(ves), 500)
        self.assertIn("F0000001", ves)
        self.assertIn("F00001F4", ves)
        for name in SPEC_NAMES:
            self.assertTrue(any(k[0] == name for k in first), name)
        for v in ves:
            for name in SPEC_NAMES - {"veagent_start_time_seconds", "node_cpu_bogomips",
                                      "ve_network_receive_bytes_total",
                                      "ve_network_transmit_bytes_total"}:
                self.assertIn((name, v, None), first)
        # Addresses come from 198.18.0.0/15; every tenth VE has two.
        ips = [k[2] for k in first if k[0] == "ve_network_receive_bytes_total"]
        self.assertEqual(len(ips), 550)
        self.assertTrue(all(ip.startswith("198.18.") or ip.startswith("198.19.") for ip in ips))
        grew = 0
        for k, v in first.items():
            self.assertIn(k, second)
            if k[0] in COUNTERS:
                self.assertGreaterEqual(num(second[k]), num(v), k)
                grew += num(second[k]) > num(v)
            if k[0] == "ve_start_time_seconds":
                self.assertEqual(second[k], v)   # no restarts without --restart-prob
        self.assertGreater(grew, 250)
        self.assertEqual(first[("veagent_start_time_seconds", None, None)],
                         second[("veagent_start_time_seconds", None, None)])

    def metrics_twice(self):
        """Two scrapes with a collection between them: counters moved."""
        first = self.agent.metrics()

        def moved():
            m = self.agent.metrics()
            return m if any(k[0] in COUNTERS and k[0] != "veagent_http_requests_total" and
                            m.get(k) != v for k, v in first.items()) else None
        return first, wait_for(moved, what="a collection after the first scrape")

    def test_headers_and_healthz(self):
        r, body = self.agent.get()
        self.assertEqual(r.getheader("Content-Type"), "text/plain; version=0.0.4; charset=utf-8")
        self.assertEqual(int(r.getheader("Content-Length")), len(body.encode()))
        r, body = self.agent.get("/healthz")
        self.assertEqual(r.status, 200)
        h = json.loads(body)
        self.assertEqual((h["status"], h["node"], h["ves"], h["api"]), ("ok", "simnode", 500, "none"))
        r, _ = self.agent.get("/nope")
        self.assertEqual(r.status, 404)
        c = self.agent.conn()
        c.request("POST", "/metrics", body=b"x=1")
        r = c.getresponse()
        r.read()
        self.assertEqual(r.status, 405)
        c.close()
        c = self.agent.conn()
        c.request("HEAD", "/metrics")
        r = c.getresponse()
        self.assertEqual(r.read(), b"")
        self.assertGreater(int(r.getheader("Content-Length")), 100000)
        c.close()

    def test_keepalive(self):
        c = self.agent.conn()
        r1, b1 = self.agent.get(conn=c)
        sock = c.sock
        r2, b2 = self.agent.get(conn=c)
        self.assertIs(c.sock, sock, "the second request needed a new connection")
        self.assertEqual((r1.status, r2.status), (200, 200))
        self.assertEqual(r1.getheader("Connection"), "keep-alive")
        c.close()
        # Pipelined: three requests in one write, three answers in order.
        req = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        out = raw(self.agent.port, req * 2 + b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual(out.count(b"HTTP/1.1 200 OK"), 3)

    def test_concurrent_scrapers(self):
        errors, sizes = [], []

        def scraper():
            try:
                c = self.agent.conn()
                for _ in range(5):
                    r, body = self.agent.get(conn=c)
                    if r.status != 200 or int(r.getheader("Content-Length")) != len(body.encode()):
                        errors.append(r.status)
                    sizes.append(len(body))
                c.close()
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))
        ts = [threading.Thread(target=scraper) for _ in range(20)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        self.assertEqual(errors, [])
        self.assertEqual(len(sizes), 100)
        self.assertGreater(min(sizes), 200000)

    def test_malformed_then_serves(self):
        for bad in (b"GARBAGE\r\n\r\n", b"\x16\x03\x01\x00\xff\x01",
                    b"GET /metrics HTTP/1.1\r\n\r\n",                      # no Host
                    b"GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
                    b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 10000 + b"\r\n\r\n"):
            out = raw(self.agent.port, bad)
            self.assertTrue(out.startswith(b"HTTP/1.1 400 "), (bad[:30], out[:60]))
            self.assertIn(b"Connection: close", out)
            r, _ = self.agent.get()
            self.assertEqual(r.status, 200)

    def test_slow_clients_do_not_block(self):
        # One sends half a request and waits; another asks and never reads.
        half = socket.create_connection(("127.0.0.1", self.agent.port))
        half.sendall(b"GET /metr")
        hog = socket.create_connection(("127.0.0.1", self.agent.port))
        hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        hog.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 20)
        try:
            times = []
            for _ in range(20):
                t = time.monotonic()
                r, body = self.agent.get()
                times.append(time.monotonic() - t)
                self.assertEqual(r.status, 200)
            times.sort()
            self.assertLess(times[10], 0.05, times)
            self.assertLess(times[-1], 1.0, times)
        finally:
            half.close()
            hog.close()

    def test_latency_500(self):
        c = self.agent.conn()
        times = []
        for _ in range(50):
            t = time.monotonic()
            r, _ = self.agent.get(conn=c)
            times.append(time.monotonic() - t)
        c.close()
        times.sort()
        self.assertLess(times[25], 0.010, "p50 %.2f ms" % (times[25] * 1000))


class FlagsTest(unittest.TestCase):
    def run_agent(self, *args):
        p = subprocess.run([AGENT, *args], capture_output=True, text=True, timeout=10)
        return p.returncode, p.stderr.strip()

    def test_bad_flags_one_sentence(self):
        base = ["--node", "n1", "--listen", "127.0.0.1:1", "--backend", "sim"]
        for args, want in (
                (["--bogus"], "unknown flag --bogus"),
                (base + ["--extra", "many"], "--extra many is not a whole number"),
                (base + ["--seed", "-1"], "--seed -1 is too small"),
                (["--listen", "127.0.0.1:1", "--backend", "sim"], "--node NAME is required"),
                (base[:4] + ["--backend", "qemu"], "--backend qemu is not real or sim"),
                (base + ["--api", "http://x/api/v1"], "--api and --token-file go together"),
                (base + ["--api", "http://127.0.0.1:1/api/v1", "--token-file", "/nonexistent"],
                 "cannot read the token file /nonexistent"),
                (["--node", "n1", "--listen", "localhost", "--backend", "sim"], "is not an IPv4 ADDR:PORT")):
            rc, err = self.run_agent(*args)
            self.assertNotEqual(rc, 0, args)
            self.assertEqual(len(err.splitlines()), 1, err)
            self.assertIn(want, err)

    def test_port_in_use(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        try:
            rc, err = self.run_agent("--node", "n1", "--listen", "127.0.0.1:%d" % port,
                                     "--backend", "sim", "-d")
        finally:
            s.close()
        self.assertEqual(rc, 1)
        self.assertEqual(err, "veagent: 127.0.0.1:%d is already in use" % port)

    def test_check_only(self):
        rc, _ = self.run_agent("--node", "n1", "--listen", "127.0.0.1:1", "--backend", "sim", "-n")
        self.assertEqual(rc, 0)


class SyncTest(unittest.TestCase):
    """The agent follows the API: sim backend, fake API."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.tok = os.path.join(self.tmp.name, "token")
        with open(os.open(self.tok, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write("node-token-1\n")
        self.api = node_api.FakeNodeApi("n1", "node-token-1").start()
        self.api.ves = [node_api.ve("0000002A", ["192.0.2.10"]),
                        node_api.ve("0000002B", ["192.0.2.11", "192.0.2.12"], state="suspended")]
        self.agent = Agent("--node", "n1", "--backend", "sim", "--api", self.api.url,
                           "--token-file", self.tok, "--seed", "3")

    def tearDown(self):
        self.agent.stop()
        self.api.stop()
        self.tmp.cleanup()

    def ves(self):
        return {k[1] for k in self.agent.metrics() if k[1]}

    def test_follow_the_api(self):
        wait_for(lambda: self.ves() == {"0000002A", "0000002B"}, what="two VEs")
        m = self.agent.metrics()
        self.assertEqual(m[("ve_state", "0000002B", None)], "0")
        self.assertEqual(m[("veagent_api_up", None, None)], "1")
        self.assertIn(("ve_network_transmit_bytes_total", "0000002B", "192.0.2.12"), m)
        start_a = m[("ve_start_time_seconds", "0000002A", None)]

        # added, changed (an address), resumed, removed, plus a bad entry skipped
        self.api.ves = [node_api.ve("0000002A", ["192.0.2.10", "192.0.2.20"]),
                        node_api.ve("0000002B", ["192.0.2.11", "192.0.2.12"]),
                        node_api.ve("0000002C", ["192.0.2.13"], disk_quota_mb=0),
                        node_api.ve("0000002D", ["192.0.2.14"])]
        self.agent.hup()
        wait_for(lambda: self.ves() == {"0000002A", "0000002B", "0000002D"}, what="sync")
        m = self.agent.metrics()
        self.assertIn(("ve_network_receive_bytes_total", "0000002A", "192.0.2.20"), m)
        self.assertEqual(m[("ve_state", "0000002B", None)], "1")
        self.assertEqual(m[("ve_start_time_seconds", "0000002A", None)], start_a)
        wait_for(lambda: self.agent.logged(r"ves\[2\] \(0000002C\) skipped: disk_quota_mb is out of range"),
                 what="the bad entry logged")

        self.api.ves = [node_api.ve("0000002D", ["192.0.2.14"])]
        self.agent.hup()
        wait_for(lambda: self.ves() == {"0000002D"}, what="removal")
        wait_for(lambda: self.agent.logged(r"VE 0000002A: removed"), timeout=5, what="removal logged")

    def test_api_down_and_back(self):
        wait_for(lambda: len(self.ves()) == 2, what="two VEs")
        self.api.status = 503
        self.agent.hup()
        wait_for(lambda: self.agent.metrics().get(("veagent_api_up", None, None)) == "0",
                 what="api down")
        n = self.api.requests
        wait_for(lambda: self.api.requests - n >= 2, what="retries after 1, 2 s ...")
        self.assertEqual(self.ves(), {"0000002A", "0000002B"}, "the last known VEs were dropped")
        self.assertEqual(len(self.agent.logged(r"API down")), 1)
        # Garbage from the API counts as down too, and keeps the VEs.
        self.api.status = 200
        self.api.raw = b"<html>oops</html>"
        n = self.api.requests
        wait_for(lambda: self.api.requests - n >= 2, what="two polls answered with garbage")
        self.assertEqual(self.ves(), {"0000002A", "0000002B"})
        self.assertEqual(len(self.agent.logged(r"API down")), 1)
        self.api.raw = None
        self.agent.hup()
        wait_for(lambda: self.agent.logged(r"API back after"), what="api back")
        self.assertEqual(len(self.agent.logged(r"API back")), 1)
        self.assertEqual(self.agent.metrics()[("veagent_api_up", None, None)], "1")

    def test_token_reread_on_hup(self):
        wait_for(lambda: len(self.ves()) == 2, what="two VEs")
        self.api.token = "node-token-2"
        self.agent.hup()
        wait_for(lambda: self.agent.logged(r"API down: HTTP status 401"), what="401")
        self.assertEqual(len(self.ves()), 2)
        with open(self.tok, "w") as f:
            f.write("node-token-2\n")
        self.agent.hup()
        wait_for(lambda: self.agent.logged(r"API back after"), what="the new token accepted")


class RunStateCacheTest(unittest.TestCase):
    """/metrics is rendered at most once a second, but a VE going down or up
    inside that second shows at once (the backend's run generation is part
    of the cache key): ve_up never lags a state change."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vep-agent-down.")
        self.down = os.path.join(self.dir, "down")
        self.agent = Agent("--node", "simnode", "--backend", "sim", "--extra", "3", "--seed", "1",
                           "--sim-down-file", self.down)

    def tearDown(self):
        self.agent.stop()
        for f in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, f))
        os.rmdir(self.dir)

    def set_down(self, ids):
        """The down file listing ids (a new inode, written whole), or none."""
        if not ids:
            os.unlink(self.down)
            return
        with open(self.down + ".tmp", "w") as f:
            f.write("".join(i + "\n" for i in ids))
        os.rename(self.down + ".tmp", self.down)

    def flip_within_a_second(self, ids, undo, before, after):
        """Scrape, change the down file, scrape again inside the same wall-clock
        second (retried when the second ran out); the two ve_up of F0000001."""
        for _ in range(10):
            # Start early in a second so that both scrapes fit in it.
            time.sleep(1.02 - time.time() % 1)
            sec = int(time.time())
            up0 = self.agent.metrics()[("ve_up", "F0000001", None)]
            self.set_down(ids)
            up1 = self.agent.metrics()[("ve_up", "F0000001", None)]
            if int(time.time()) == sec:
                self.assertEqual((up0, up1), (before, after))
                return
            self.set_down(undo)  # F0000001 as it was, for another try
            self.assertEqual(self.agent.metrics()[("ve_up", "F0000001", None)], before)
        self.fail("no two scrapes fitted in one second")

    def test_down_and_up_within_the_second(self):
        self.set_down(["F0000002"])
        self.assertEqual(self.agent.metrics()[("ve_up", "F0000002", None)], "0")
        self.flip_within_a_second(["F0000001", "F0000002"], ["F0000002"], "1", "0")
        self.flip_within_a_second([], ["F0000001", "F0000002"], "0", "1")
        self.assertEqual(self.agent.metrics()[("ve_up", "F0000002", None)], "1")


class RenderAheadTest(unittest.TestCase):
    """While scraped, the agent renders each second's exposition a little
    before the second starts (billingd polls as it starts): later seconds
    are served by renders made ahead, not at the scrape, and every second
    still shows that second's counters."""

    def setUp(self):
        self.agent = Agent("--node", "simnode", "--backend", "sim", "--extra", "3", "--seed", "1",
                           "--log-level", "debug")

    def tearDown(self):
        self.agent.stop()

    def cpu(self):
        m = self.agent.metrics()
        return sum(float(v) for k, v in m.items()
                   if k[0] in ("ve_cpu_user_seconds_total", "ve_cpu_system_seconds_total"))

    def test_ahead_and_fresh_each_second(self):
        self.agent.metrics()  # the first scrape renders itself and starts the timer
        seen = []
        for _ in range(4):
            # Mid-second: the render for this second was due 550 ms earlier.
            time.sleep(1.5 - time.time() % 1)
            seen.append(self.cpu())
        # Every sim VE burns CPU each second: each second's answer is fresh.
        self.assertTrue(all(a < b for a, b in zip(seen, seen[1:])), seen)
        ahead = wait_for(lambda: self.agent.logged(r"expo: ahead: 3 VEs"), 5, "renders ahead")
        self.assertGreaterEqual(len(ahead), 3, "".join(self.agent.log[-20:]))
        # Only the first scrape (and any second whose timer ran very late) rendered itself.
        self.assertLessEqual(len(self.agent.logged(r"expo: scrape: 3 VEs")), 2,
                             "".join(self.agent.log[-20:]))


# The real backend (LXC containers) is tested in test_real_ve.py.


if __name__ == "__main__":
    unittest.main()
