"""The rest of issue 14 (SPEC sections 3 and 9), in two parts.

Panel (through nginx, the dev database; no VE is run):
- an order below its template's minimum disk quota (os_templates.min_disk_mb,
  measured by `vepctl template add --file` or given with --min-disk-mb) is
  422 field disk_quota_mb, nothing written;
- admission control: a node with `vepctl node set --uplink-kbps/--cpus/
  --bogomips` refuses (409, the field of the minimum) a VE whose guaranteed
  bandwidth or CPU minimum does not fit beside what it already guarantees,
  nothing written; rsh is refused by debian-12 (422 field login).

Node (veagent --backend real with a fake API, as test_real_ve.py):
- HTB classes on the VE's veth (download) and ifb (upload) with rate = the
  guaranteed minimum and ceil = the maximum or the uplink;
- the agent's own admission: a second VE whose minimum exceeds what the
  uplink has left is not run;
- telnet: ordered, root logs in over telnet with the order's password;
- idle stop: an on-demand VE that receives nothing for --idle-stop-s is
  stopped, its address then answers on the wake sockets (routed `local` on
  this host), and the next connection starts it again.

Network safety: before any packet goes to a VE address, `ip route get`
must name the VE's veth (or lo while it idles): nothing leaves this host.
Addresses: VEP_TEST_REAL_ADDRS (two, comma separated; default
198.51.100.253,198.51.100.254, outside the dev pool's range).
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import admin_util
from screens_util import Client, bearer, counts, drop_node, order, q, release, sql, sql1, uniq

sys.path.insert(0, os.path.dirname(__file__))
import test_real_ve as rv  # noqa: E402  (its Agent, fake API, route checks)

ADDRS = os.environ.get("VEP_TEST_REAL_ADDRS", "198.51.100.253,198.51.100.254").split(",")
VE_A, VE_B = "0000E2A1", "0000E2A2"
IP_A, IP_B = ADDRS[0], ADDRS[1]
NODE = "itgaps"
UPLINK = 10000
IDLE_S = 40


def vepctl(*args):
    return admin_util.vepctl(*args, check=False)


class PanelGaps(unittest.TestCase):
    """What the panel refuses before anything is written."""

    @classmethod
    def setUpClass(cls):
        cls.node = uniq("itgaps-")
        cls.made = []
        cls.tmp = tempfile.mkdtemp()
        tf = os.path.join(cls.tmp, "node.token")
        r = vepctl("node", "add", cls.node, "http://127.0.0.1:9/metrics", "--token-file", tf,
                   "--last-resort", "--uplink-kbps", str(UPLINK), "--cpus", "2", "--bogomips", "1000")
        assert r.returncode == 0, r.stderr
        r = vepctl("ip-pool", "add", cls.node, "203.0.113.0/24", "--gateway", "203.0.113.1", "--dns",
                   "203.0.113.53", "--range", "203.0.113.30-203.0.113.40", "--node", cls.node)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        release(cls.made)
        drop_node(cls.node)
        sql("UPDATE os_templates SET active = 0 WHERE code LIKE 'itgaps%'")

    def place(self, **over):
        o = order(**over)
        return o, Client().post_json("/api/v1/orders", dict(o, node=self.node), headers=bearer())

    def refused(self, r, o, status, field, words):
        self.assertEqual(r.status, status, r.text)
        e = r.json()["error"]
        self.assertIn(field, e["fields"], r.text)
        self.assertIn(words, e["fields"][field] + " " + e["message"])
        self.assertEqual(counts(o["email"]), (0, 0, 0, 0), "nothing written")

    def test_template_minimum_measured(self):
        """debian-12's minimum is its unpacked size plus a quarter, and orders below it are refused."""
        tpl = os.path.join(os.environ.get("VEP_VAR", ""), "templates", "debian-12.tar.zst")
        if not os.path.exists(tpl):
            self.skipTest("no real template here (./dev up builds it as root)")
        size = len(subprocess.run(["zstd", "-dc", tpl], capture_output=True, check=True).stdout)
        want = (size + size // 4 + 999999) // 1000000
        self.assertEqual(int(sql1("SELECT min_disk_mb FROM os_templates WHERE code = 'debian-12'")), want)
        self.assertGreater(want, 215)
        o, r = self.place(disk_quota_mb=want - 1)
        self.refused(r, o, 422, "disk_quota_mb", f"at least {want} MB")
        o, r = self.place(disk_quota_mb=100)
        self.refused(r, o, 422, "disk_quota_mb", "Debian 12 needs a disk quota")

    def test_template_minimum_given(self):
        code = uniq("itgaps-t")[:32]
        r = vepctl("template", "add", code, "--name", "Gaps OS", "--min-disk-mb", "500", "--login", "ssh")
        self.assertEqual(r.returncode, 0, r.stderr)
        for bad in ("-1", "5x", "99999999999"):
            r = vepctl("template", "add", code, "--name", "Gaps OS", "--min-disk-mb", bad)
            self.assertEqual(r.returncode, 2, bad)
        self.assertEqual(int(sql1(f"SELECT min_disk_mb FROM os_templates WHERE code = {q(code)}")), 500)
        o, r = self.place(template=code, disk_quota_mb=499)
        self.refused(r, o, 422, "disk_quota_mb", "Gaps OS needs a disk quota of at least 500 MB")
        o, r = self.place(template=code, disk_quota_mb=500)
        self.assertEqual(r.status, 201, r.text)
        self.made.append(r.json()["ve_id"])

    def test_uplink_admission(self):
        o, r = self.place(net_bw_min_kbps=UPLINK + 1)
        self.refused(r, o, 409, "net_bw_min_kbps", "uplink")
        o, r = self.place(net_in_bw_min_kbps=6000)
        self.assertEqual(r.status, 201, r.text)
        self.made.append(r.json()["ve_id"])
        # 6000 of 10000 are promised downwards: 5000 more do not fit, upwards they do.
        o, r = self.place(net_in_bw_min_kbps=5000)
        self.refused(r, o, 409, "net_in_bw_min_kbps", "minimum bandwidth")
        o, r = self.place(net_out_bw_min_kbps=5000)
        self.assertEqual(r.status, 201, r.text)
        self.made.append(r.json()["ve_id"])
        # A node that declares no uplink admits anything (the demo nodes).
        self.assertEqual(vepctl("node", "set", self.node, "--uplink-kbps", "0").returncode, 0)
        try:
            o, r = self.place(net_bw_min_kbps=UPLINK * 10)
            self.assertEqual(r.status, 201, r.text)
            self.made.append(r.json()["ve_id"])
        finally:
            vepctl("node", "set", self.node, "--uplink-kbps", str(UPLINK))
        release(self.made[-1:])

    def test_cpu_admission(self):
        # 2 CPUs x 1000 bogomips.
        o, r = self.place(cpu_min_bogomips=2001)
        self.refused(r, o, 409, "cpu_min_bogomips", "CPU minimum")
        o, r = self.place(cpu_min_bogomips=1500)
        self.assertEqual(r.status, 201, r.text)
        self.made.append(r.json()["ve_id"])
        o, r = self.place(cpu_min_bogomips=501)
        self.refused(r, o, 409, "cpu_min_bogomips", "CPU minimum")
        release(self.made[-1:])
        o, r = self.place(cpu_min_bogomips=2000)
        self.assertEqual(r.status, 201, r.text)
        self.made.append(r.json()["ve_id"])
        release(self.made[-1:])

    def test_move_admission(self):
        """An operator's move respects the target node's uplink and CPUs too (409, nothing moved)."""
        small = uniq("itgaps-s")
        r = vepctl("node", "add", small, "http://127.0.0.1:9/metrics", "--token-file",
                   os.path.join(self.tmp, "small.token"), "--last-resort", "--uplink-kbps", "4000",
                   "--cpus", "1", "--bogomips", "500")
        self.assertEqual(r.returncode, 0, r.stderr)
        try:
            o, r = self.place(net_bw_min_kbps=5000)
            self.assertEqual(r.status, 201, r.text)
            ve = r.json()["ve_id"]
            self.made.append(ve)
            audit = lambda: sql1(f"SELECT COUNT(*) FROM audit_log WHERE object = {q(ve)} AND action = 've.move'")
            r = Client().post_json(f"/api/v1/admin/ves/{ve}/move", {"node": small}, headers=bearer())
            self.assertEqual(r.status, 409, r.text)
            self.assertIn("uplink can guarantee 4000 kbit/s more", r.text)
            o, r = self.place(cpu_min_bogomips=600)
            self.assertEqual(r.status, 201, r.text)
            ve2 = r.json()["ve_id"]
            self.made.append(ve2)
            r = Client().post_json(f"/api/v1/admin/ves/{ve2}/move", {"node": small}, headers=bearer())
            self.assertEqual(r.status, 409, r.text)
            self.assertIn("can guarantee 500 more bogomips", r.text)
            self.assertEqual(sql1(f"SELECT n.name FROM ves v JOIN nodes n ON n.id = v.node_id WHERE v.id = {q(ve)}"),
                             self.node)
            self.assertEqual(audit(), "0")
            # Within its means the move goes through.
            vepctl("node", "set", small, "--uplink-kbps", "5000")
            r = Client().post_json(f"/api/v1/admin/ves/{ve}/move", {"node": small}, headers=bearer())
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(audit(), "1")
        finally:
            release(self.made)
            sql(f"UPDATE ves SET node_id = NULL WHERE node_id = (SELECT id FROM nodes WHERE name = {q(small)}); "
                f"DELETE FROM nodes WHERE name = {q(small)}")

    def test_node_set_refusals(self):
        self.assertEqual(vepctl("node", "set", "no-such-node-x", "--cpus", "2").returncode, 1)
        self.assertEqual(vepctl("node", "set", self.node, "--cpus", "-2").returncode, 2)
        self.assertEqual(vepctl("node", "set", self.node, "--uplink-kbps", "fast").returncode, 2)

    def test_rsh_refused(self):
        """debian-12 has no rsh server: the order is refused, naming the field."""
        if sql1("SELECT file IS NOT NULL FROM os_templates WHERE code = 'debian-12'") != "1":
            self.skipTest("debian-12 is not the real template here")
        o, r = self.place(login=["ssh", "rsh"])
        self.refused(r, o, 422, "login", "does not offer rsh")


def tc_classes(dev):
    out = subprocess.run(["tc", "class", "show", "dev", dev], capture_output=True, text=True).stdout
    return {m.group(1): (m.group(2), m.group(3)) for m in
            re.finditer(r"class htb (\S+) .*?rate (\S+) ceil (\S+)", out)}


@unittest.skipIf(rv.skip_reason(), rv.skip_reason() or "")
class NodeGaps(unittest.TestCase):
    """One on-demand VE with telnet and a guaranteed minimum, on an agent of its own."""

    @classmethod
    def setUpClass(cls):
        tpl = os.path.join(rv.TEMPLATES, "debian-12.tar.zst")
        if not os.path.exists(tpl):
            raise AssertionError("%s is missing: run ./dev up (it builds the template)" % tpl)
        for a in (IP_A, IP_B):
            assert rv.route_dev(a) in (None, "lo") or rv.route_dev(a).startswith("vep"), \
                "%s must stay on this host (ip route get: %s)" % (a, rv.route_dev(a))
        cls.tmp = tempfile.TemporaryDirectory(prefix="vep-gaps-", dir="/var/tmp")
        os.chmod(cls.tmp.name, 0o711)
        cls.veroot = os.path.join(cls.tmp.name, "ve")
        tok = os.path.join(cls.tmp.name, "token")
        with open(os.open(tok, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write("itreal-token\n")
        cls.api = rv.node_api.FakeNodeApi(rv.NODE, "itreal-token").start()
        cls.pw = "gaps-Pass-42"
        cls.entry = rv.node_api.ve(
            VE_A, [IP_A], disk_quota_mb=400, mem_max_mb=256, template="debian-12",
            root_crypt=rv.crypt(cls.pw), netmask="255.255.255.0", gateway=rv.GW,
            dns_servers=[rv.GW], always_on=False, login=["ssh", "telnet"], power="running",
            power_seq=0, hostname="gaps.example.net", net_bw_min_kbps=6000,
            net_in_bw_max_kbps=8000)
        cls.api.ves = [dict(cls.entry)]
        cls.agent = rv.Agent("--log-level", "debug", "--node", rv.NODE, "--backend", "real",
                             "--api", cls.api.url, "--token-file", tok, "--ve-root", cls.veroot,
                             "--velxc", rv.VELXC, "--template-dir", rv.TEMPLATES, "--veinfo", rv.VEINFO,
                             "--pool", rv.POOL, "--uplink-kbps", str(UPLINK), "--idle-stop-s", str(IDLE_S))

    @classmethod
    def tearDownClass(cls):
        cls.api.ves = []
        try:
            rv.wait_for(lambda: not os.path.exists(os.path.join(cls.veroot, VE_A)), 40,
                        what="the VE erased")
        finally:
            cls.agent.stop()
            with open(os.path.join(rv.ROOT, "var", "log", "test_real_gaps-agent.log"), "w") as f:
                f.writelines(cls.agent.lines)
            cls.api.stop()
            for v in (VE_A, VE_B):
                subprocess.run([rv.VELXC, "destroy", v, cls.veroot], stdin=subprocess.DEVNULL,
                               capture_output=True)
            subprocess.run(["ip", "route", "del", "local", IP_A + "/32", "dev", "lo", "table", "local"],
                           capture_output=True)
            cls.tmp.cleanup()

    def up(self):
        return self.agent.metrics().get('ve_up{ve="%s"}' % VE_A)

    def telnet_login(self):
        """root over telnet with the order's password; returns what `echo` printed."""
        self.assertEqual(rv.route_dev(IP_A), "vep" + VE_A)
        s = socket.create_connection((IP_A, 23), timeout=10)
        buf = b""

        def until(pat, t=15):
            nonlocal buf
            end = time.monotonic() + t
            while not re.search(pat, buf) and time.monotonic() < end:
                try:
                    d = s.recv(4096)
                except socket.timeout:
                    break
                if not d:
                    break
                # Refuse every telnet option the server offers (IAC DO/WILL x -> WONT/DONT x).
                out = bytearray()
                i = 0
                while i < len(d):
                    if d[i] == 255 and i + 2 < len(d) and d[i + 1] in (251, 252, 253, 254):
                        out += bytes([255, 254 if d[i + 1] in (251, 252) else 252, d[i + 2]])
                        i += 3
                        continue
                    buf += d[i:i + 1]
                    i += 1
                if out:
                    s.sendall(bytes(out))
            return re.search(pat, buf)

        try:
            self.assertTrue(until(rb"login: ?$"), buf)
            s.sendall(b"root\r\n")
            self.assertTrue(until(rb"[Pp]assword: ?$"), buf)
            s.sendall(self.pw.encode() + b"\r\n")
            s.sendall(b"echo tel$((6*7))net; exit\r\n")
            return bool(until(rb"tel42net")), buf
        finally:
            s.close()

    def test_gaps(self):
        rv.wait_for(lambda: self.up() == 1, 60, what="ve_up 1")
        rv.wait_for(lambda: rv.route_dev(IP_A) == "vep" + VE_A, 10, what="the VE's route")
        with self.subTest("HTB: rate = guaranteed minimum, ceil = maximum or uplink"):
            rv.wait_for(lambda: "1:10" in tc_classes("vep" + VE_A) and "1:10" in tc_classes("vfb" + VE_A),
                        15, what="the HTB classes")
            self.assertEqual(tc_classes("vep" + VE_A)["1:10"], ("6Mbit", "8Mbit"))
            self.assertEqual(tc_classes("vfb" + VE_A)["1:10"], ("6Mbit", "10Mbit"))
        with self.subTest("telnet with the order's password"):
            ok, buf = False, b""
            for _ in range(20):     # inetd may come up a little after sshd
                try:
                    ok, buf = self.telnet_login()
                    break
                except (ConnectionRefusedError, AssertionError):
                    time.sleep(1)
            self.assertTrue(ok, buf)
        with self.subTest("the agent's admission: 6000 + 6000 > 10000 kbit/s"):
            self.api.ves = [dict(self.entry), rv.node_api.ve(
                VE_B, [IP_B], disk_quota_mb=400, template="debian-12", always_on=True,
                login=["ssh"], power="running", power_seq=0, net_out_bw_min_kbps=6000,
                netmask="255.255.255.0", gateway=rv.GW, dns_servers=[rv.GW])]
            rv.wait_for(lambda: self.agent.logged(r"VE %s: admission refused" % VE_B), 20,
                        what="the refusal logged")
            self.assertFalse(os.path.exists(os.path.join(self.veroot, VE_B, "root.img")))
            self.api.ves = [dict(self.entry)]
        with self.subTest("idle stop, then woken by a connection"):
            t0 = time.monotonic()
            rv.wait_for(lambda: self.agent.logged(r"VE %s: no traffic for %d s" % (VE_A, IDLE_S)),
                        IDLE_S + 30, 0.5, what="the idle stop")
            rv.wait_for(lambda: self.up() != 1, 30, what="the VE stopped")
            rv.wait_for(lambda: rv.route_dev(IP_A) == "lo", 10, what="its address on the wake sockets")
            idle_after = time.monotonic() - t0
            # Its address stays on this host while it idles, and answers on port 22.
            self.assertEqual(rv.route_dev(IP_A), "lo")
            c = socket.create_connection((IP_A, 22), timeout=5)
            c.close()
            rv.wait_for(lambda: self.agent.logged(r"VE %s: a connection arrived while idle" % VE_A),
                        10, what="the wake")
            rv.wait_for(lambda: self.up() == 1, 60, what="ve_up 1 again")
            rv.wait_for(lambda: rv.route_dev(IP_A) == "vep" + VE_A, 10, what="the VE's route again")
            ok = False
            for _ in range(30):
                try:
                    ok, _b = self.telnet_login()
                    break
                except (ConnectionRefusedError, AssertionError, OSError):
                    time.sleep(1)
            self.assertTrue(ok)
            print("\n  idle stop %.0f s after the last traffic (idle %d s); woken by a connection"
                  % (idle_after, IDLE_S), file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
