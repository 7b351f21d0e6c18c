"""Integration tests of veinfo, the customer's tool inside a VE (SPEC section 6).

TestVeinfoReal runs $VEP_BUILD/tools/veinfo against the running instance's
API (VEP_HTTP) for two VEs made in its database by test_history's Fixture:
every history command checked against the usage the fixture wrote, every
other command against the VE's order and usage, the VEid prefix refused with
a VE's own credential and allowed with the operator's token, a wrong
password, a closed port.

TestVeinfoFake runs it against tests/fakes/fake_api.py: the configuration's
errors, warnings and precedence, exact answers and units of every command,
stdin mode, one request per command, and the API's failures (401, 429, 5xx,
garbage, a timeout) as exit statuses with one line on stderr.
"""
import os
import socket
import stat
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_history import Fixture, HTTP, TOKEN, bearer, get, sql, STEPS  # noqa: E402

ROOT = os.environ.get("VEP_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD = os.environ.get("VEP_BUILD", ROOT)
VEINFO = os.path.join(BUILD, "tools", "veinfo")
sys.path.insert(0, os.path.join(ROOT, "tests", "fakes"))
import fake_api  # noqa: E402

EXIT_OK, EXIT_ERROR, EXIT_CONF, EXIT_API, EXIT_AUTH = 0, 1, 2, 3, 4
UNIT_WORD = {"minute": "minutes", "hour": "hours", "day": "days"}
CMD_METRIC = {"disk": "Disk usage", "cpu": "CPU usage", "vmem": "Virtual memory usage",
              "net_in": "Inbound traffic", "net_out": "Outbound traffic", "net_total": "Overall traffic"}


def when(t):
    return time.strftime("%d%m%Y%H%M", time.gmtime(t))


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Conf:
    """Temporary VEinfo.conf files, removed by cleanup()."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="veinfo-")
        self.n = 0

    def write(self, text, mode=0o600):
        self.n += 1
        p = os.path.join(self.dir, "c%d.conf" % self.n)
        with open(p, "w") as f:
            f.write(text)
        os.chmod(p, mode)
        return p

    def make(self, url, ve_id, password=None, token=None, extra=""):
        s = "# veinfo test\napi_url = %s\nve_id = %s\n" % (url, ve_id)
        if password is not None:
            s += "password = %s\n" % password
        if token is not None:
            s += "token = %s\n" % token
        return self.write(s + extra)

    def cleanup(self):
        for f in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, f))
        os.rmdir(self.dir)


def veinfo(conf, cmd=None, stdin=None, env=None, args=None, timeout=40):
    """Run veinfo; returns (status, stdout lines, stderr lines, seconds)."""
    argv = [VEINFO] + (["-f", conf] if conf else []) + (["-c", cmd] if cmd is not None else [])
    argv += args or []
    e = dict(os.environ)
    e.pop("VEINFO_CONF", None)
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        e.pop(k, None)
    e.update(env or {})
    t0 = time.time()
    p = subprocess.run(argv, input=stdin if stdin is not None else "", capture_output=True,
                       text=True, env=e, timeout=timeout)
    return p.returncode, p.stdout.splitlines(), p.stderr.splitlines(), time.time() - t0


class TestVeinfoReal(unittest.TestCase):
    fx = None

    @classmethod
    def setUpClass(cls):
        cls.fx = Fixture(with_ips=True)
        cls.conf = Conf()
        api = HTTP + "/api/v1"
        cls.own = cls.conf.make(api, cls.fx.a, password=cls.fx.PASSWORD)
        cls.own_b = cls.conf.make(api, cls.fx.b, password=cls.fx.PASSWORD)
        cls.admin = cls.conf.make(api, cls.fx.b, token=TOKEN)
        cls.wrong = cls.conf.make(api, cls.fx.a, password="not-the-password")
        st, j, _ = get("/api/v1/ves/%s" % cls.fx.a, bearer())
        assert st == 200, "GET /api/v1/ves/{id} answers %d" % st
        cls.doc = j

    @classmethod
    def tearDownClass(cls):
        if cls.fx is not None:
            cls.fx.cleanup()
            cls.conf.cleanup()

    def run_ok(self, conf, cmd):
        st, out, err, _ = veinfo(conf, cmd)
        self.assertEqual((st, err), (EXIT_OK, []), "%r: %s %s" % (cmd, out, err))
        return out

    def test_history_commands(self):
        fx = self.fx
        # Wholly in the past, so the number of lines is exactly N.
        frm = {"minute": fx.now - 27 * 3600, "hour": fx.now - 12 * 86400, "day": fx.now - 14 * 86400}
        count = {"minute": 200, "hour": 250, "day": 12}
        for unit in ("minute", "hour", "day"):
            t = frm[unit] - frm[unit] % 60
            for m, words in CMD_METRIC.items():
                with self.subTest(metric=m, unit=unit):
                    cmd = "%s history starting from %s in %d %s" % (words, when(t), count[unit],
                                                                    UNIT_WORD[unit])
                    out = self.run_ok(self.own, cmd)
                    want = [str(v) for _, v, _ in fx.usage.expect(m, unit, t, count[unit], fx.now)]
                    self.assertEqual(len(out), count[unit])
                    self.assertEqual(out, want, cmd)
        # The singular unit and odd spacing and case.
        out = self.run_ok(self.own, "  cpu USAGE   history\tstarting from %s in 1 hour " % when(frm["hour"]))
        self.assertEqual(out, [str(fx.usage.expect("cpu", "hour", frm["hour"], 1, fx.now)[0][1])])

    def test_history_stops_at_present(self):
        fx = self.fx
        t = int(time.time()) - 600
        t0 = time.time()
        out = self.run_ok(self.own, "Overall traffic history starting from %s in 1000 minutes" % when(t))
        now = int(time.time())
        self.assertIn(len(out), {(int(t0) - int(t0) % 60 - (t - t % 60)) // 60 + 1,
                                 (now - now % 60 - (t - t % 60)) // 60 + 1})
        self.assertTrue(all(x.isdigit() for x in out))

    def test_history_errors(self):
        for cmd in ("CPU usage history starting from 310220260000 in 5 minutes",
                    "CPU usage history starting from 290220250000 in 5 minutes",
                    "CPU usage history starting from 010120260000 in 0 minutes",
                    "CPU usage history starting from 010120260000 in 100001 minutes",
                    "CPU usage history starting from 010120990000 in 5 minutes",
                    "CPU usage history starting from 010120260000 in 5 fortnights"):
            with self.subTest(cmd=cmd):
                st, out, err, _ = veinfo(self.own, cmd)
                self.assertEqual((st, out, err), (EXIT_ERROR, ["ERROR"], []))

    def test_prefix(self):
        fx = self.fx
        t = fx.now - 27 * 3600
        hist = "CPU usage history starting from %s in 30 minutes" % when(t)
        want = [str(v) for _, v, _ in fx.usage.expect("cpu", "minute", t, 30, fx.now)]
        # B's own credential may not look at A: ERROR, as for a VE that does not exist.
        st, out, err, _ = veinfo(self.own_b, "VEid %s %s" % (fx.a, hist))
        self.assertEqual((st, out, err), (EXIT_ERROR, ["ERROR"], []))
        st, out, err, _ = veinfo(self.own_b, "VEid %s Disk quota" % fx.a)
        self.assertEqual((st, out, err), (EXIT_ERROR, ["ERROR"], []))
        # A may name itself in the prefix.
        self.assertEqual(self.run_ok(self.own, "VEid %s %s" % (fx.a, hist)), want)
        # The operator's token sees A and B.
        self.assertEqual(self.run_ok(self.admin, "VEid %s %s" % (fx.a, hist)), want)
        self.assertEqual(self.run_ok(self.admin, "veid %s %s" % (fx.a.lower(), hist)), want)
        self.assertEqual(set(self.run_ok(self.admin, hist)), {"0"})       # its own ve_id is B
        st, out, err, _ = veinfo(self.admin, "VEid 7E5FFFFF %s" % hist)
        self.assertEqual((st, out, err), (EXIT_ERROR, ["ERROR"], []))
        self.assertEqual(self.run_ok(self.admin, "VEid %s Disk quota" % fx.a), ["1500000000"])

    def test_document_commands(self):
        fx = self.fx
        tot = sql("SELECT net_in_bytes, net_out_bytes FROM ve_totals WHERE ve_id = '%s'" % fx.a)[0]
        pool = sql("SELECT p.netmask, p.gateway, p.dns1, p.dns2 FROM ip_pools p JOIN ip_addresses a"
                   " ON a.pool_id = p.id WHERE a.ve_id = '%s' LIMIT 1" % fx.a)[0]
        use = self.doc["usage"]
        cases = [
            ("IP address ranges number", str(len(fx.ips))),
            ("IP address 1", fx.ips[0]),
            ("IP address 2", fx.ips[1]),
            ("IP netmask 1", pool[0]),
            ("IP netmask 2", pool[0]),
            ("IP default gateway", pool[1]),
            ("DNS server 1", pool[2]),
            ("DNS server 2", pool[3]),
            ("User information", "history test VE"),
            ("Disk quota", "1500000000"),
            ("CPU quota", "700"),
            ("Virtual memory quota", "512"),
            ("Network bandwidth quota", "125000"),
            ("Network inbound bandwidth quota", "1000"),
            ("Network outbound bandwidth quota", "0"),
            ("Network traffic quota", "100000000000"),
            ("Network inbound traffic quota", "3000000"),
            ("Network outbound traffic quota", "0"),
            ("Inbound traffic", tot[0]),
            ("Outbound traffic", tot[1]),
            ("Overall traffic", str(int(tot[0]) + int(tot[1]))),
            ("Current disk usage", str(use["disk_bytes"])),
            ("Current CPU usage", str(use["cpu_bogomips"])),
            ("Current virtual memory usage", str(use["vmem_mb"])),
        ]
        for cmd, want in cases:
            with self.subTest(cmd=cmd):
                self.assertEqual(self.run_ok(self.own, cmd), [want])
        for cmd in ("IP address 3", "IP netmask 3", "DNS server 3", "IP address 0"):
            with self.subTest(cmd=cmd):
                st, out, err, _ = veinfo(self.own, cmd)
                self.assertEqual((st, out, err), (EXIT_ERROR, ["ERROR"], []))
        # stdin: every command at once, answers in order
        st, out, err, _ = veinfo(self.own, stdin="".join(c + "\n" for c, _ in cases))
        self.assertEqual((st, err), (EXIT_OK, []))
        self.assertEqual(out, [w for _, w in cases])

    def test_wrong_password(self):
        try:
            st, out, err, _ = veinfo(self.wrong, "Disk quota")
            self.assertEqual(st, EXIT_AUTH)
            self.assertEqual(out, ["ERROR"])
            self.assertEqual(len(err), 1)
            self.assertIn("401", err[0])
            # SPEC section 6: one ERROR per command on stdout, the reason once on stderr
            st, out, err, _ = veinfo(self.wrong, stdin="Disk quota\nCPU quota\nIP address 1\n")
            self.assertEqual((st, out, len(err)), (EXIT_AUTH, ["ERROR"] * 3, 1))
            self.assertIn("401", err[0])
        finally:
            sql("DELETE FROM login_failures WHERE subject = '%s'" % self.fx.a)

    def test_unreachable(self):
        conf = self.conf.make("http://127.0.0.1:%d/api/v1" % closed_port(), self.fx.a,
                              password=self.fx.PASSWORD)
        st, out, err, secs = veinfo(conf, "Disk quota")
        self.assertEqual((st, out), (EXIT_API, ["ERROR"]))
        self.assertEqual(len(err), 1)
        self.assertIn("cannot reach the API", err[0])
        self.assertLess(secs, 6)

    def test_no_command_prints_veid(self):
        st, out, err, _ = veinfo(self.own)
        self.assertEqual((st, out, err), (EXIT_OK, [self.fx.a], []))


class TestVeinfoFake(unittest.TestCase):

    def setUp(self):
        self.api = fake_api.FakeApi(token="optoken")
        self.ve = "7E57F00D"
        doc = fake_api.ve_doc(self.ve, disk_quota_mb=2500, cpu_min_bogomips=400, mem_max_mb=256,
                              net_bw_min_kbps=8, net_in_bw_min_kbps=1000, net_out_bw_min_kbps=3,
                              net_quota_max_mb=7, net_in_quota_max_mb=0, net_out_quota_max_mb=9000,
                              user_info="line one\nline two\x1b[2J", ip_count=3)
        doc["usage"].update(disk_bytes=123456789012, cpu_bogomips=37, vmem_mb=300,
                            net_in_bytes=11, net_out_bytes=22, net_total_bytes=33)
        self.api.ves[self.ve] = {"password": "pw with # and spaces", "doc": doc}
        self.api.ves["7E57BEEF"] = {"password": "other", "doc": fake_api.ve_doc("7E57BEEF")}
        self.conf = Conf()
        self.own = self.conf.make(self.api.url, self.ve, password="pw with # and spaces")

    def tearDown(self):
        self.api.stop()
        self.conf.cleanup()

    def test_every_command(self):
        cases = [
            ("IP address ranges number", "3"),
            ("IP address 1", "192.0.2.10"),
            ("IP address 3", "192.0.2.12"),
            ("IP netmask 2", "255.255.255.0"),
            ("IP default gateway", "192.0.2.1"),
            ("DNS server 1", "192.0.2.53"),
            ("DNS server 2", "192.0.2.54"),
            ("User information", "line one line two [2J"),
            ("Disk quota", "2500000000"),
            ("CPU quota", "400"),
            ("Virtual memory quota", "256"),
            ("Network bandwidth quota", "1000"),
            ("Network inbound bandwidth quota", "125000"),
            ("Network outbound bandwidth quota", "375"),
            ("Network traffic quota", "7000000"),
            ("Network inbound traffic quota", "0"),
            ("Network outbound traffic quota", "9000000000"),
            ("Current disk usage", "123456789012"),
            ("Current CPU usage", "37"),
            ("Current virtual memory usage", "300"),
            ("Inbound traffic", "11"),
            ("Outbound traffic", "22"),
            ("Overall traffic", "33"),
        ]
        for cmd, want in cases:
            with self.subTest(cmd=cmd):
                n = len(self.api.requests)
                st, out, err, _ = veinfo(self.own, cmd)
                self.assertEqual((st, out, err), (EXIT_OK, [want], []))
                self.assertEqual(self.api.requests[n:], ["/api/v1/ves/%s" % self.ve])
        for cmd in ("IP address 4", "IP netmask 4", "DNS server 3", "IP address 0", "Disk quota 1",
                    "disk", "", "VEid 7E57BEEF Disk quota", "VEid 7E57 Disk quota"):
            with self.subTest(cmd=cmd):
                st, out, err, _ = veinfo(self.own, cmd)
                self.assertEqual((st, out, err), (EXIT_ERROR, ["ERROR"], []))

    def test_history(self):
        self.api.points = [5, 0, 7]
        st, out, err, _ = veinfo(self.own, "Inbound traffic history starting from 010120260000 in 3 hours")
        self.assertEqual((st, out, err), (EXIT_OK, ["5", "0", "7"], []))
        self.assertEqual(self.api.requests[-1], "/api/v1/ves/%s/history?metric=net_in&"
                         "from=2026-01-01T00:00:00Z&step=hour&count=3" % self.ve)
        st, out, err, _ = veinfo(self.own, "Virtual memory usage history starting from 311220252359 in 2 day")
        self.assertEqual(out, ["5", "0"])
        self.assertIn("metric=vmem&from=2025-12-31T23:59:00Z&step=day&count=2", self.api.requests[-1])
        self.api.points = []
        st, out, err, _ = veinfo(self.own, "Disk usage history starting from 010120260000 in 3 hours")
        self.assertEqual((st, out), (EXIT_ERROR, ["ERROR"]))

    def test_stdin_mode(self):
        text = ("Disk quota\n\n  \nip ADDRESS   2\r\nnonsense\nCPU quota\n"
                "Overall traffic history starting from 010120260000 in 2 minutes\n"
                "VEid 7E57BEEF Disk quota\nOverall traffic")
        self.api.points = [1, 2]
        st, out, err, _ = veinfo(self.own, stdin=text)
        self.assertEqual(st, EXIT_ERROR)
        self.assertEqual(err, [])
        self.assertEqual(out, ["2500000000", "192.0.2.11", "ERROR", "400", "1", "2", "ERROR", "33"])
        # the VE's own document is fetched once for the run, another VE's aside
        self.assertEqual(self.api.requests.count("/api/v1/ves/%s" % self.ve), 1)
        # a line longer than any command is one ERROR
        st, out, err, _ = veinfo(self.own, stdin="Disk quota" + " " * 5000 + "x\nCPU quota\n")
        self.assertEqual(out, ["ERROR", "400"])
        # nothing on stdin: the VEid
        st, out, err, _ = veinfo(self.own, stdin="")
        self.assertEqual((st, out, err), (EXIT_OK, [self.ve], []))

    def test_operator_token(self):
        adm = self.conf.make(self.api.url, self.ve, token="optoken")
        st, out, err, _ = veinfo(adm, "VEid 7E57BEEF Disk quota")
        self.assertEqual((st, out, err), (EXIT_OK, ["1000000000"], []))
        st, out, err, _ = veinfo(adm, "Disk quota")
        self.assertEqual((st, out, err), (EXIT_OK, ["2500000000"], []))
        bad = self.conf.make(self.api.url, self.ve, token="nottoken")
        st, out, err, _ = veinfo(bad, "Disk quota")
        self.assertEqual((st, out, len(err)), (EXIT_AUTH, ["ERROR"], 1))

    def test_conf_errors(self):
        url = self.api.url
        cases = [
            ("api_url = %s\nve_id = %s\n" % (url, self.ve), "either password"),
            ("api_url = %s\nve_id = %s\npassword = a\ntoken = b\n" % (url, self.ve), "either password"),
            ("ve_id = %s\npassword = a\n" % self.ve, "api_url is missing"),
            ("api_url = %s\npassword = a\n" % url, "ve_id is missing"),
            ("api_url = %s\nve_id = %s\npassword = a\ndb_password = x\n" % (url, self.ve), "unknown key"),
            ("api_url = %s\nve_id = 7E57\npassword = a\n" % url, "ve_id must be"),
            ("api_url = %s\nve_id = 7E57ZZZZ\npassword = a\n" % url, "ve_id must be"),
            ("api_url = ftp://x/api/v1\nve_id = %s\npassword = a\n" % self.ve, "api_url must be"),
            ("api_url = %s\nve_id = %s\nve_id = %s\npassword = a\n" % (url, self.ve, self.ve), "twice"),
            ("api_url = %s\nve_id = %s\npassword a\n" % (url, self.ve), "key = value"),
            ("api_url = %s\nve_id = %s\npassword =\n" % (url, self.ve), "no value"),
        ]
        for text, why in cases:
            with self.subTest(why=why, text=text):
                st, out, err, _ = veinfo(self.conf.write(text), "Disk quota")
                self.assertEqual((st, out), (EXIT_CONF, []))
                self.assertEqual(len(err), 1, err)
                self.assertTrue(err[0].startswith("veinfo: "))
                self.assertIn(why, err[0])
        st, out, err, _ = veinfo(os.path.join(self.conf.dir, "missing.conf"), "Disk quota")
        self.assertEqual((st, out, len(err)), (EXIT_CONF, [], 1))
        self.assertIn("cannot read", err[0])
        st, out, err, _ = veinfo(self.own, "Disk quota", args=["extra"])
        self.assertEqual((st, out), (EXIT_CONF, []))
        # -n checks the configuration only
        st, out, err, _ = veinfo(self.own, args=["-n"])
        self.assertEqual((st, out, err), (EXIT_OK, [], []))
        st, out, err, _ = veinfo(self.conf.write(cases[0][0]), args=["-n"])
        self.assertEqual((st, out, len(err)), (EXIT_CONF, [], 1))
        self.assertEqual(len(self.api.requests), 0)

    def test_conf_sources_and_warning(self):
        # VEINFO_CONF when there is no -f; -f wins over it
        st, out, err, _ = veinfo(None, env={"VEINFO_CONF": self.own})
        self.assertEqual((st, out, err), (EXIT_OK, [self.ve], []))
        other = self.conf.make(self.api.url, "7e57beef", password="other")
        st, out, err, _ = veinfo(other, env={"VEINFO_CONF": self.own})
        self.assertEqual(out, ["7E57BEEF"])
        # comments, blanks, a password with '#' and spaces inside
        c = self.conf.write("\n# comment\n   # indented comment\napi_url=%s/\n\tve_id\t=\t%s \n"
                            "password =  pw with # and spaces  \n" % (self.api.url, self.ve))
        st, out, err, _ = veinfo(c, "Disk quota")
        self.assertEqual((st, out, err), (EXIT_OK, ["2500000000"], []))
        # readable by everyone: a warning, the answer all the same
        os.chmod(c, 0o644)
        st, out, err, _ = veinfo(c, "Disk quota")
        self.assertEqual((st, out), (EXIT_OK, ["2500000000"]))
        self.assertEqual(len(err), 1)
        self.assertIn("readable by every user", err[0])
        os.chmod(c, 0o640)
        st, out, err, _ = veinfo(c, "Disk quota")
        self.assertEqual(err, [])

    def test_api_failures(self):
        # wrong password: 401, then locked: 429
        bad = self.conf.make(self.api.url, self.ve, password="wrong")
        for _ in range(self.api.lock_after):
            st, out, err, _ = veinfo(bad, "Disk quota")
            self.assertEqual((st, out, len(err)), (EXIT_AUTH, ["ERROR"], 1))
            self.assertIn("401", err[0])
        st, out, err, _ = veinfo(self.own, "Disk quota")
        self.assertEqual((st, out, len(err)), (EXIT_AUTH, ["ERROR"], 1))
        self.assertIn("429", err[0])
        self.assertIn("retry in 900 s", err[0])
        self.api.failures.clear()
        # a failing API: exit 3, no answer; in stdin mode it stops at once
        for status in (501, 503, 500):
            self.api.status = status
            st, out, err, _ = veinfo(self.own, "Disk quota")
            self.assertEqual((st, out, len(err)), (EXIT_API, ["ERROR"], 1))
            self.assertIn(str(status), err[0])
        n = len(self.api.requests)
        st, out, err, _ = veinfo(self.own, stdin="Disk quota\n\nCPU quota\nIP address 1\n")
        self.assertEqual((st, out, len(err)), (EXIT_API, ["ERROR"] * 3, 1))
        self.assertEqual(len(self.api.requests), n + 1)
        self.api.status = 200
        self.api.raw = b"<html>not json"
        st, out, err, _ = veinfo(self.own, "Disk quota")
        self.assertEqual((st, out, len(err)), (EXIT_API, ["ERROR"], 1))
        self.api.raw = None

    def test_timeout(self):
        self.api.sleep_s = 17
        st, out, err, secs = veinfo(self.own, "Disk quota")
        self.assertEqual((st, out, len(err)), (EXIT_API, ["ERROR"], 1))
        self.assertIn("cannot reach the API", err[0])
        self.assertGreater(secs, 14)
        self.assertLess(secs, 17)


if __name__ == "__main__":
    unittest.main()
