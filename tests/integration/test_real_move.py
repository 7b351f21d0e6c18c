"""Move with data between real nodes (issue 14, db/migrations/0023).

Panel (through nginx, the dev database; no VE is run): an operator's move
of a VE from node 1 to node 2 gives both nodes' lists the VE, node 1's
with "move_out" {token} and power "stopped", node 2's with "move_from"
{url: node 1's agent address, token}, the same one-time token (64 hex);
node 1 cannot finish node 2's move (404); node 2's POST .../moved ends it:
node 1's list no longer has the VE, node 2's has no move_from.

Node (two veagent --backend real, each with its own fake API, --ve-root
and port, as test_real_ve.py): a VE running on agent A gets a file of
random bytes written over ssh; A is told "move_out" and B "move_from":
A stops and releases the volume, B fetches it (GET /ves/{id}/volume,
Bearer token, checked against Content-Length and X-Content-SHA256),
starts it and tells its API; ssh on the same address reads the file back
byte for byte; A's copy is erased when its API drops the VE.  A wrong or
absent token gets 403 and no byte of the volume.

Address: VEP_TEST_MOVE_ADDR (default the last of VEP_REAL_RANGE, or
198.51.100.250); before any packet, `ip route get` must name the VE's veth.
"""
import hashlib
import http.client
import os
import re
import secrets
import subprocess
import sys
import tempfile
import unittest

import admin_util
import veplib
from screens_util import Client, bearer, order, release, sql, sql1, q, uniq

sys.path.insert(0, os.path.dirname(__file__))
import test_real_ve as rv  # noqa: E402  (its Agent, fake API, route checks)

VE = "0000E3A1"
_range = os.environ.get("VEP_REAL_RANGE", "")
VAR = os.environ.get("VEP_VAR", os.path.join(rv.ROOT, "var"))
ADDR = os.environ.get("VEP_TEST_MOVE_ADDR", _range.split("-")[-1] if "-" in _range else "198.51.100.250")


def node_get(node, token, path="ves", method="GET"):
    c = Client()
    h = {"Authorization": "Bearer " + token}
    if method == "GET":
        return c.get(f"/api/v1/nodes/{node}/{path}", headers=h)
    return c.post_json(f"/api/v1/nodes/{node}/{path}", {}, headers=h)


class PanelMove(unittest.TestCase):
    """The panel's side: the token and both lists, without running a VE."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.nodes = [uniq("itmv1-"), uniq("itmv2-"), uniq("itmv3-")]
        cls.tok = {}
        for i, n in enumerate(cls.nodes):
            tf = os.path.join(cls.tmp, n + ".token")
            r = admin_util.vepctl("node", "add", n, "http://127.0.0.%d:96%d1/metrics" % (i + 1, i), "--token-file",
                                  tf, "--last-resort", "--moves-data", "0" if i == 2 else "1", check=False)
            assert r.returncode == 0, r.stderr
            with open(tf) as f:
                cls.tok[n] = f.read().strip()
        cls.made = []

    @classmethod
    def tearDownClass(cls):
        release(cls.made)
        names = ",".join(q(n) for n in cls.nodes)
        sql(f"UPDATE ves SET node_id = NULL, move_from_node_id = NULL, move_token = NULL "
            f"WHERE node_id IN (SELECT id FROM nodes WHERE name IN ({names})); "
            f"DELETE FROM nodes WHERE name IN ({names})")

    def entry(self, node, ve):
        r = node_get(node, self.tok[node])
        self.assertEqual(r.status, 200, r.text)
        return next((e for e in r.json()["ves"] if e["ve_id"] == ve), None)

    def test_move_to_a_node_without_data_moves(self):
        """A move to a node that does not move data (a simulated one) rebuilds as before."""
        n1, _, n3 = self.nodes
        r = Client().post_json("/api/v1/orders", dict(order(), node=n1), headers=bearer())
        self.assertEqual(r.status, 201, r.text)
        ve = r.json()["ve_id"]
        self.made.append(ve)
        r = Client().post_json(f"/api/v1/admin/ves/{ve}/move", {"node": n3}, headers=bearer())
        self.assertIn(r.status, (200, 204), r.text)
        self.assertIsNone(self.entry(n1, ve))
        self.assertNotIn("move_from", self.entry(n3, ve))
        self.assertEqual(sql1(f"SELECT COUNT(*) FROM ves WHERE id = {q(ve)} AND move_token IS NULL"), "1")

    def test_move_lists_and_done(self):
        n1, n2, _ = self.nodes
        r = Client().post_json("/api/v1/orders", dict(order(), node=n1), headers=bearer())
        self.assertEqual(r.status, 201, r.text)
        ve = r.json()["ve_id"]
        self.made.append(ve)
        e = self.entry(n1, ve)
        self.assertIsNotNone(e)
        self.assertNotIn("move_out", e)
        r = Client().post_json(f"/api/v1/admin/ves/{ve}/move", {"node": n2}, headers=bearer())
        self.assertIn(r.status, (200, 204), r.text)
        out, into = self.entry(n1, ve), self.entry(n2, ve)
        self.assertIsNotNone(out, "the old node still lists the VE while it moves")
        self.assertRegex(out["move_out"]["token"], r"^[0-9a-f]{64}$")
        self.assertEqual(out["power"], "stopped")
        self.assertNotIn("move_from", out)
        self.assertEqual(into["move_from"], {"url": "http://127.0.0.1:9601", "token": out["move_out"]["token"]})
        self.assertNotIn("move_out", into)
        # The token is one per move: the database holds only its nonce, meanwhile
        # (the token is an HMAC of it with the panel's key: a dump cannot fetch a volume).
        nonce = sql1(f"SELECT move_token FROM ves WHERE id = {q(ve)} AND move_token IS NOT NULL")
        self.assertRegex(nonce, r"^[0-9a-f]{64}$")
        self.assertNotEqual(nonce, out["move_out"]["token"])
        self.assertEqual(self.entry(n1, ve)["move_out"]["token"], out["move_out"]["token"],
                         "every list of the same move carries the same token")
        # Only the node the VE moved to ends the move, with its own token.
        self.assertEqual(node_get(n1, self.tok[n1], f"ves/{ve}/moved", "POST").status, 404)
        self.assertEqual(node_get(n2, self.tok[n1], f"ves/{ve}/moved", "POST").status, 401)
        self.assertIsNotNone(self.entry(n1, ve))
        r = node_get(n2, self.tok[n2], f"ves/{ve}/moved", "POST")
        self.assertEqual(r.status, 200, r.text)
        self.assertIsNone(self.entry(n1, ve), "the old node no longer lists the VE: it erases its copy")
        self.assertNotIn("move_from", self.entry(n2, ve))
        self.assertEqual(sql1(f"SELECT COUNT(*) FROM ves WHERE id = {q(ve)} AND move_token IS NULL "
                              f"AND move_from_node_id IS NULL"), "1")
        self.assertEqual(node_get(n2, self.tok[n2], f"ves/{ve}/moved", "POST").status, 404)


def volume_get(port, token=None):
    """GET /ves/{VE}/volume on an agent: (status, bytes of body)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = {} if token is None else {"Authorization": "Bearer " + token}
    c.request("GET", f"/ves/{VE}/volume", headers=h)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, body


@unittest.skipIf(rv.skip_reason(), rv.skip_reason() or "")
class NodeMove(unittest.TestCase):
    """Two real agents on this host; the volume goes from A to B."""

    @classmethod
    def setUpClass(cls):
        import paramiko  # python3-paramiko
        cls.paramiko = paramiko
        tpl = os.path.join(rv.TEMPLATES, "debian-12.tar.zst")
        if not os.path.exists(tpl):
            raise AssertionError("%s is missing: run ./dev up (it builds the template)" % tpl)
        assert rv.route_dev(ADDR) in (None, "lo") or rv.route_dev(ADDR).startswith("vep"), \
            "%s must stay on this host" % ADDR
        cls.tmp = tempfile.TemporaryDirectory(prefix="vep-move-", dir="/var/tmp")
        os.chmod(cls.tmp.name, 0o711)
        tok = os.path.join(cls.tmp.name, "token")
        with open(os.open(tok, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write("itreal-token\n")
        cls.pw = "move-Pass-1"
        cls.entry = rv.node_api.ve(
            VE, [ADDR], disk_quota_mb=300, mem_max_mb=128, template="debian-12",
            root_crypt=rv.crypt(cls.pw), netmask="255.255.255.0", gateway=rv.GW,
            dns_servers=[rv.GW], always_on=True, login=["ssh"], power="running", power_seq=0,
            hostname="it-move.example.net")
        cls.root, cls.api, cls.agent = {}, {}, {}
        for k in ("a", "b"):
            cls.root[k] = os.path.join(cls.tmp.name, "ve-" + k)
            cls.api[k] = rv.node_api.FakeNodeApi("itmove" + k, "itreal-token").start()
            cls.agent[k] = rv.Agent("--log-level", "debug", "--node", "itmove" + k, "--backend", "real",
                                    "--api", cls.api[k].url, "--token-file", tok, "--ve-root", cls.root[k],
                                    "--velxc", rv.VELXC, "--template-dir", rv.TEMPLATES, "--veinfo", rv.VEINFO,
                                    "--pool", rv.POOL)
        cls.api["a"].ves = [dict(cls.entry)]

    @classmethod
    def tearDownClass(cls):
        for k in ("a", "b"):
            cls.api[k].ves = []
        try:
            for k in ("a", "b"):
                rv.wait_for(lambda: not os.path.exists(os.path.join(cls.root[k], VE)), 60, what="the VE erased")
        finally:
            for k in ("a", "b"):
                cls.agent[k].stop()
                os.makedirs(os.path.join(rv.ROOT, "var", "log"), exist_ok=True)
                with open(os.path.join(rv.ROOT, "var", "log", "test_real_move-agent-%s.log" % k), "w") as f:
                    f.writelines(cls.agent[k].lines)
                cls.api[k].stop()
                subprocess.run([rv.VELXC, "destroy", VE, cls.root[k]], stdin=subprocess.DEVNULL,
                               capture_output=True)
            cls.tmp.cleanup()

    def up(self, k):
        return self.agent[k].metrics().get('ve_up{ve="%s"}' % VE)

    def ssh_run(self, cmd):
        self.assertEqual(rv.route_dev(ADDR), "vep" + VE, "%s must be routed to the VE's veth" % ADDR)
        c = veplib.ssh_connect(ADDR, self.pw)
        try:
            _, o, _ = c.exec_command(cmd, timeout=60)
            out = o.read()
            return o.channel.recv_exit_status(), out
        finally:
            c.close()

    def ssh_ok(self):
        try:
            return self.ssh_run("true")[0] == 0
        except Exception:
            return False

    def test_move_with_data(self):
        a, b = self.agent["a"], self.agent["b"]
        rv.wait_for(lambda: self.up("a") == 1, 90, what="the VE running on A")
        rv.wait_for(self.ssh_ok, 30, what="ssh on A")
        data = secrets.token_bytes(1 << 20)
        # 1 MiB of random bytes written inside the VE over ssh (sftp).
        c = veplib.ssh_connect(ADDR, self.pw)
        try:
            sftp = c.open_sftp()
            with sftp.open("/root/moved.bin", "wb") as f:
                f.write(data)
            sftp.close()
        finally:
            c.close()
        self.assertEqual(self.ssh_run("sha256sum /root/moved.bin")[1].split()[0].decode(),
                         hashlib.sha256(data).hexdigest())

        token = secrets.token_hex(32)
        # Not moving out yet: any token is refused, nothing sent.
        self.assertEqual(volume_get(a.port, token), (403, b"forbidden\n"))
        self.api["a"].ves = [dict(self.entry, power="stopped", move_out={"token": token})]
        rv.wait_for(lambda: a.logged(r"VE %s: volume released" % VE), 60, what="A released the volume")
        self.assertNotEqual(self.up("a"), 1)
        # Released: a wrong or absent token still gets 403 and no byte of it.
        self.assertEqual(volume_get(a.port, secrets.token_hex(32)), (403, b"forbidden\n"))
        self.assertEqual(volume_get(a.port, None), (403, b"forbidden\n"))
        self.assertEqual(volume_get(a.port, token[:-1]), (403, b"forbidden\n"))
        self.assertFalse(a.logged(token), "the token is never logged")

        self.api["b"].ves = [dict(self.entry, move_from={"url": "http://127.0.0.1:%d" % a.port, "token": token})]
        rv.wait_for(lambda: self.up("b") == 1, 120, what="the VE running on B")
        self.assertTrue(b.logged(r"VE %s: volume of \d+ MB fetched" % VE))
        self.assertTrue(a.logged(r"VE %s: sending its volume" % VE))
        rv.wait_for(lambda: VE in self.api["b"].moved, 30, what="B told its API the VE runs there")
        rv.wait_for(self.ssh_ok, 30, what="ssh on B, same address")
        self.assertEqual(self.ssh_run("sha256sum /root/moved.bin")[1].split()[0].decode(),
                         hashlib.sha256(data).hexdigest(), "the file came back byte for byte")
        self.assertFalse(b.logged(token), "the token is never logged")
        # The panel drops the VE from A: A erases its copy.
        self.api["a"].ves = []
        rv.wait_for(lambda: not os.path.exists(os.path.join(self.root["a"], VE)), 60, what="A's volume erased")
        self.assertTrue(a.logged(r"VE %s: stopping and erasing its volume" % VE))
        # Both "nodes" share this host's kernel, so A's clean-up also deleted the host side
        # named after the VE (veth vep<VEID>, its nft rules) that B had made; on two machines
        # it would not.  A restart on B (power_seq) makes it again: the data are B's alone now.
        self.api["b"].ves = [dict(self.entry, power_seq=1)]
        rv.wait_for(lambda: b.logged(r"VE %s: started \(init \d+\)" % VE) and
                    len([x for x in b.lines if re.search(r"VE %s: started" % VE, x)]) >= 2, 60,
                    what="the VE restarted on B")
        rv.wait_for(self.ssh_ok, 30, what="ssh on B after A erased its copy")
        self.assertEqual(self.ssh_run("sha256sum /root/moved.bin")[1].split()[0].decode(),
                         hashlib.sha256(data).hexdigest())


@unittest.skipIf(rv.skip_reason() or not os.path.exists(os.path.join(VAR, "secrets", "real1.token")),
                 rv.skip_reason() or "no real1 here (./dev up as root starts it)")
class PanelToNode(unittest.TestCase):
    """Through the panel: a VE ordered on real1 moves with its data to a second real agent."""

    @classmethod
    def setUpClass(cls):
        import paramiko  # python3-paramiko
        cls.paramiko = paramiko
        cls.tmp = tempfile.TemporaryDirectory(prefix="vep-move2-", dir="/var/tmp")
        os.chmod(cls.tmp.name, 0o711)
        cls.root = os.path.join(cls.tmp.name, "ve")
        cls.node = uniq("itmvr-")
        tf = os.path.join(cls.tmp.name, "token")
        r = admin_util.vepctl("node", "add", cls.node, "http://127.0.0.1:9/metrics", "--token-file", tf,
                              "--last-resort", "--moves-data", "1", check=False)
        assert r.returncode == 0, r.stderr
        with open(tf) as f:
            cls.tok = f.read().strip()
        port = os.environ.get("VEP_PORT", "8080")
        cls.agent = rv.Agent("--log-level", "debug", "--node", cls.node, "--backend", "real",
                             "--api", "http://127.0.0.1:%s/api/v1" % port, "--token-file", tf,
                             "--ve-root", cls.root, "--velxc", rv.VELXC, "--template-dir", rv.TEMPLATES,
                             "--veinfo", rv.VEINFO, "--pool", rv.POOL)
        sql(f"UPDATE nodes SET url = 'http://127.0.0.1:{cls.agent.port}/metrics' WHERE name = {q(cls.node)}")
        cls.pw = "move-Panel-" + uniq()
        o = order(template="debian-12", disk_quota_mb=400, mem_max_mb=256, root_password=cls.pw)
        r = Client().post_json("/api/v1/orders", dict(o, node="real1"), headers=bearer())
        assert r.status == 201, r.text
        cls.ve = r.json()["ve_id"]
        cls.addr = Client().get(f"/api/v1/ves/{cls.ve}", headers=bearer()).json()["ips"][0]["address"]
        with open(os.path.join(VAR, "secrets", "real1.token")) as f:
            cls.real1_tok = f.read().strip()
        cls.real1_url = sql1("SELECT url FROM nodes WHERE name = 'real1'")

    @classmethod
    def tearDownClass(cls):
        Client().request("DELETE", f"/api/v1/admin/ves/{cls.ve}", headers=bearer(), cookies=False)
        try:
            for d in (os.path.join(VAR, "ve", cls.ve), os.path.join(cls.root, cls.ve)):
                rv.wait_for(lambda: not os.path.exists(os.path.join(d, "root.img")), 60, what="erased")
        finally:
            cls.agent.stop()
            with open(os.path.join(rv.ROOT, "var", "log", "test_real_move-panel-agent.log"), "w") as f:
                f.writelines(cls.agent.lines)
            subprocess.run([rv.VELXC, "destroy", cls.ve, cls.root], stdin=subprocess.DEVNULL, capture_output=True)
            sql(f"UPDATE ves SET node_id = NULL, move_from_node_id = NULL, move_token = NULL "
                f"WHERE id = {q(cls.ve)}; DELETE FROM nodes WHERE name = {q(cls.node)}")
            cls.tmp.cleanup()

    def up(self, url, tok):
        import urllib.request
        req = urllib.request.Request(url, headers={"Authorization": "Bearer " + tok})
        with urllib.request.urlopen(req, timeout=5) as r:
            m = re.search(r'^ve_up\{ve="%s"\} (\S+)$' % self.ve, r.read().decode(), re.M)
        return float(m.group(1)) if m else None

    def connect(self):
        self.assertEqual(rv.route_dev(self.addr), "vep" + self.ve, "%s must be routed to the VE's veth" % self.addr)
        return veplib.ssh_connect(self.addr, self.pw)

    def sha_inside(self):
        c = self.connect()
        try:
            _, o, _ = c.exec_command("sha256sum /root/moved.bin", timeout=60)
            return o.read().decode().split()[0]
        finally:
            c.close()

    def ssh_ok(self):
        try:
            self.connect().close()
            return True
        except Exception:
            return False

    def test_order_on_real1_move_to_second_node(self):
        rv.wait_for(lambda: self.up(self.real1_url, self.real1_tok) == 1, 60, what="the VE running on real1")
        rv.wait_for(self.ssh_ok, 30, what="ssh on real1")
        data = secrets.token_bytes(1 << 20)
        c = self.connect()
        try:
            sftp = c.open_sftp()
            with sftp.open("/root/moved.bin", "wb") as f:
                f.write(data)
            sftp.close()
        finally:
            c.close()
        want = hashlib.sha256(data).hexdigest()
        self.assertEqual(self.sha_inside(), want)
        r = Client().post_json(f"/api/v1/admin/ves/{self.ve}/move", {"node": self.node}, headers=bearer())
        self.assertIn(r.status, (200, 204), r.text)
        rv.wait_for(lambda: self.agent.logged(r"VE %s: runs here with the data" % self.ve), 120,
                    what="the VE running on the second node with real1's data")
        # real1 erases its copy once the panel no longer lists the VE there.
        rv.wait_for(lambda: not os.path.exists(os.path.join(VAR, "ve", self.ve, "root.img")), 60,
                    what="real1's volume erased")
        self.assertEqual(sql1(f"SELECT COUNT(*) FROM ves WHERE id = {q(self.ve)} AND move_token IS NULL"), "1")
        # One host for both nodes: real1's clean-up deleted the host side named after the VE
        # (see NodeMove); the owner's restart makes it again on the new node.
        r = Client().post_json(f"/api/v1/ves/{self.ve}/power", {"action": "restart"}, headers=bearer())
        if r.status >= 400:
            r = Client().post_json(f"/api/v1/ves/{self.ve}/power", {"action": "stop"}, headers=bearer())
            self.assertLess(r.status, 400, r.text)
            rv.wait_for(lambda: self.up("http://127.0.0.1:%d/metrics" % self.agent.port, self.tok) != 1, 60,
                        what="stopped")
            r = Client().post_json(f"/api/v1/ves/{self.ve}/power", {"action": "start"}, headers=bearer())
            self.assertLess(r.status, 400, r.text)
        rv.wait_for(self.ssh_ok, 60, what="ssh on the second node, same address")
        self.assertEqual(self.sha_inside(), want, "the file came back byte for byte")


if __name__ == "__main__":
    unittest.main()
