"""The panel's side of real VEs (issue 14, SPEC sections 3, 9, 11), through
nginx against the real database:

- the node's VE list carries the contract fields, and root_crypt is a
  crypt(3) hash of the order's root password that follows a change on /self;
- what the node is told (addresses, netmask, gateway, DNS) is exactly what
  GET /api/v1/ves/{id} reports;
- the VE-scoped read-only token (kind "ve") a node asks for: GETs on its own
  VE only, refused everywhere else, dead after a new one and after delete;
- the operator's `node` order field (refused from customers, honoured for
  the admin token, 409/422 when it cannot be), and placement from the pool
  tied to that node;
- templates' login styles (vepctl template add ... --login) refused in orders;
- power actions (API, /self and the admin screen): 202/303, 409 while
  suspended, 422 for a bad action, nothing written on refusals;
- "recorded, not yet offered" beside fs_fault_tolerance_s.

No VE is placed on real1 here (a real agent would build it): the tests use
a node of their own, enabled but last resort, with its own TEST-NET-3 pool.
"""
import crypt
import os
import re
import subprocess
import tempfile
import time
import unittest
import warnings

import admin_util
from veplib import wait_until
from screens_util import (Client, basic, bearer, counts, create_ve, drop_node, form_pairs, order, q, release,
                          signup_form, sql, sql1, uniq)

warnings.filterwarnings("ignore", category=DeprecationWarning)

VAR = os.environ.get("VEP_VAR", "")
POOL_NET = "203.0.113.0/24"


def vepctl(*args):
    return admin_util.vepctl(*args, check=False)


def crypt_ok(password, hashed):
    """The node's check: crypt(3) with the hash as setting gives the hash back."""
    return hashed is not None and crypt.crypt(password, hashed) == hashed


def wait_root_crypt(ve):
    """An order's root_crypt is written just after its answer (cgi/order_crypt.c)."""
    wait_until(lambda: sql(f"SELECT root_crypt FROM ves WHERE id = {q(ve)} AND COALESCE(root_crypt, '') <> ''"),
               10, f"VE {ve}'s root_crypt")


def csrf_of(page):
    return re.search(r'name="csrf" value="([0-9a-f]{64})"', page).group(1)


class RealPanel(unittest.TestCase):
    made = []

    @classmethod
    def setUpClass(cls):
        # Leftovers of an earlier run that stopped half way.
        old = sql("SELECT id FROM ip_pools WHERE name LIKE 'itreal%'")
        for (pid,) in old:
            sql(f"UPDATE ip_addresses SET ve_id = NULL, seq = NULL, dns_name = NULL WHERE pool_id = {pid}; "
                f"DELETE FROM ip_addresses WHERE pool_id = {pid}; DELETE FROM ip_pools WHERE id = {pid}")
        cls.node = uniq("itreal-")
        cls.tmp = tempfile.mkdtemp()
        tf = os.path.join(cls.tmp, "node.token")
        r = vepctl("node", "add", cls.node, "http://127.0.0.1:9/metrics", "--token-file", tf, "--last-resort")
        assert r.returncode == 0, r.stderr
        with open(tf) as f:
            cls.node_token = f.read().strip()
        r = vepctl("ip-pool", "add", cls.node, POOL_NET, "--gateway", "203.0.113.1", "--dns",
                   "203.0.113.53,203.0.113.54", "--range", "203.0.113.10-203.0.113.20", "--node", cls.node)
        assert r.returncode == 0, r.stderr
        cls.nh = {"Authorization": "Bearer " + cls.node_token}
        # One VE on the test node, placed by the operator.
        o = order(dns_names=["real-panel.example.org"], login=["ssh", "x11"])
        r = Client().post_json("/api/v1/orders", dict(o, node=cls.node), headers=bearer())
        assert r.status == 201, (r.status, r.text)
        cls.ve, cls.pw, cls.ans = r.json()["ve_id"], o["root_password"], r.json()
        cls.made.append(cls.ve)
        wait_root_crypt(cls.ve)

    @classmethod
    def tearDownClass(cls):
        release(cls.made)
        drop_node(cls.node)
        sql("UPDATE os_templates SET active = 0 WHERE code LIKE 'itreal%'")

    def node_entry(self, ve, node=None, headers=None):
        r = Client().get(f"/api/v1/nodes/{node or self.node}/ves", headers=self.nh if headers is None else headers)
        self.assertEqual(r.status, 200, r.text)
        for e in r.json()["ves"]:
            if e["ve_id"] == ve:
                return e
        return None

    # ---- what the node gets ------------------------------------------------------------

    def test_node_entry_contract(self):
        e = self.node_entry(self.ve)
        self.assertIsNotNone(e)
        self.assertEqual(e["template"], "debian-12")
        self.assertTrue(re.fullmatch(r"[a-z0-9][a-z0-9.-]{0,31}", e["template"]))
        self.assertTrue(e["root_crypt"].startswith("$y$"), e["root_crypt"])
        self.assertTrue(crypt_ok(self.pw, e["root_crypt"]))
        self.assertFalse(crypt_ok(self.pw + "x", e["root_crypt"]))
        self.assertEqual(e["login"], ["ssh", "x11"])
        self.assertIs(e["always_on"], True)
        self.assertIn(e["power"], ("running", "stopped"))
        self.assertIsInstance(e["power_seq"], int)
        self.assertEqual(e["hostname"], "real-panel.example.org")
        # The password itself is nowhere in the node's document nor in the database row.
        r = Client().get(f"/api/v1/nodes/{self.node}/ves", headers=self.nh)
        self.assertNotIn(self.pw, r.text)
        row = sql(f"SELECT password_hash, root_crypt FROM ves WHERE id = {q(self.ve)}")[0]
        self.assertNotIn(self.pw, "".join(row))

    def test_network_as_reported(self):
        """The node configures exactly what the API reports: same addresses, mask, gateway, DNS."""
        e = self.node_entry(self.ve)
        g = Client().get(f"/api/v1/ves/{self.ve}", headers=basic(self.ve, self.pw)).json()
        self.assertEqual(e["ips"], [i["address"] for i in g["ips"]])
        self.assertEqual({e["netmask"]}, {i["netmask"] for i in g["ips"]})
        self.assertEqual(e["gateway"], g["gateway"])
        self.assertEqual(e["dns_servers"], g["dns_servers"])
        # ... and from the node's own pool, never the demo pool.
        self.assertTrue(e["ips"][0].startswith("203.0.113."), e["ips"])
        self.assertEqual(e["netmask"], "255.255.255.0")
        self.assertEqual(e["gateway"], "203.0.113.1")
        self.assertEqual(e["dns_servers"], ["203.0.113.53", "203.0.113.54"])
        self.assertEqual(g["node"], self.node)

    def test_password_change_reaches_root_crypt(self):
        ve, pw, _ = create_ve(node=None)
        self.made.append(ve)
        sql(f"UPDATE ves SET node_id = (SELECT id FROM nodes WHERE name = {q(self.node)}) WHERE id = {q(ve)}")
        wait_root_crypt(ve)
        before = self.node_entry(ve)["root_crypt"]
        self.assertTrue(crypt_ok(pw, before))
        c = Client()
        self.assertEqual(c.self_login(ve, pw).status, 303)
        tok = csrf_of(c.get("/self").text)
        new = "a-new-root-password-" + uniq()
        # A refused change leaves the hash as it was.
        r = c.post_form("/self/password", [("csrf", tok), ("old_password", pw + "x"), ("new_password", new),
                                            ("confirm", new)])
        self.assertEqual(r.status, 400)
        sql(f"DELETE FROM login_failures WHERE subject = {q(ve)}")
        self.assertEqual(self.node_entry(ve)["root_crypt"], before)
        r = c.post_form("/self/password", [("csrf", tok), ("old_password", pw), ("new_password", new),
                                            ("confirm", new)])
        self.assertEqual(r.status, 303, r.text)
        after = self.node_entry(ve)["root_crypt"]
        self.assertNotEqual(after, before)
        self.assertTrue(crypt_ok(new, after))
        self.assertFalse(crypt_ok(pw, after))

    def test_real1_registered(self):
        """./dev up's real node: its own pool 198.51.100.10-250 (or VEP_REAL_RANGE), tied to it, last resort."""
        first, last_addr = os.environ.get("VEP_REAL_RANGE", "198.51.100.10-198.51.100.250").split("-")
        lo_want, hi_want = int(first.rsplit(".", 1)[1]), int(last_addr.rsplit(".", 1)[1])
        row = sql("SELECT n.url, n.last_resort, p.netmask, p.gateway, p.dns1, COUNT(a.id), MIN(a.addr_num), "
                  "MAX(a.addr_num) FROM nodes n JOIN ip_pools p ON p.node_id = n.id "
                  "JOIN ip_addresses a ON a.pool_id = p.id WHERE n.name = 'real1' GROUP BY n.id, p.id")
        self.assertEqual(len(row), 1, row)
        url, last, mask, gw, dns, n, lo, hi = row[0]
        self.assertTrue(url.endswith("/metrics"))
        self.assertEqual((last, mask, gw, dns), ("1", "255.255.255.0", "198.51.100.1", "198.51.100.1"))
        self.assertEqual(int(n), hi_want - lo_want + 1)
        self.assertEqual(int(lo) & 0xff, lo_want)
        self.assertEqual(int(hi) & 0xff, hi_want)
        self.assertTrue(os.path.exists(os.path.join(VAR, "secrets", "real1.token")))

    # ---- placement: the operator's node ------------------------------------------------------

    def test_customer_may_not_name_node(self):
        o = order()
        r = Client().post_json("/api/v1/orders", dict(o, node=self.node))
        self.assertEqual(r.status, 422, r.text)
        self.assertIn("node", r.json()["error"]["fields"])
        self.assertEqual(counts(o["email"]), (0, 0, 0, 0))
        # The signup form likewise (400, the field named, nothing written).
        c = Client()
        tok, key = signup_form(c)
        r = c.post_form("/signup", form_pairs(o) + [("csrf", tok), ("idempotency_key", key),
                                                    ("node", self.node)])
        self.assertEqual(r.status, 400)
        self.assertIn("Only the operator may choose", r.text)
        self.assertEqual(counts(o["email"]), (0, 0, 0, 0))

    def test_operator_node_refusals(self):
        o = order()
        r = Client().post_json("/api/v1/orders", dict(o, node="no-such-node-x"), headers=bearer())
        self.assertEqual(r.status, 422, r.text)
        self.assertIn("node", r.json()["error"]["fields"])
        r = Client().post_json("/api/v1/orders", dict(o, node=7), headers=bearer())
        self.assertEqual(r.status, 422, r.text)
        self.assertIn("node", r.json()["error"]["fields"])
        # A node without room: 409 with a sentence, nothing written.
        disk = int(sql1(f"SELECT disk_mb FROM nodes WHERE name = {q(self.node)}"))
        big = order(plan="PRO4", disk_quota_mb=min(512000, disk + 1))
        sql(f"UPDATE nodes SET disk_mb = 1000 WHERE name = {q(self.node)}")
        try:
            r = Client().post_json("/api/v1/orders", dict(big, node=self.node), headers=bearer())
        finally:
            sql(f"UPDATE nodes SET disk_mb = {disk} WHERE name = {q(self.node)}")
        self.assertEqual(r.status, 409, r.text)
        self.assertIn("no room", r.json()["error"]["message"])
        self.assertEqual(counts(big["email"]), (0, 0, 0, 0))
        # A bad Bearer token is not a customer: 401.
        r = Client().post_json("/api/v1/orders", dict(o, node=self.node),
                               headers={"Authorization": "Bearer " + "0" * 64})
        self.assertEqual(r.status, 401)
        self.assertEqual(counts(o["email"]), (0, 0, 0, 0))

    def test_customer_orders_avoid_last_resort_nodes(self):
        ve, _, a = create_ve()
        self.made.append(ve)
        node = sql1(f"SELECT n.name FROM ves v JOIN nodes n ON n.id = v.node_id WHERE v.id = {q(ve)}")
        self.assertNotIn(node, (self.node, "real1"))
        self.assertFalse(a["ips"][0]["address"].startswith(("203.0.113.", "198.51.100.")), a["ips"])

    # ---- the VE token ------------------------------------------------------------------------

    def new_token(self, ve, node=None, headers=None):
        return Client().post_json(f"/api/v1/nodes/{node or self.node}/ves/{ve}/token", {},
                                  headers=self.nh if headers is None else headers)

    def veinfo(self, ve, tok, cmd):
        conf = os.path.join(self.tmp, "VEinfo.conf")
        with open(conf, "w") as f:
            f.write(f"api_url = {os.environ['VEP_HTTP']}/api/v1\nve_id = {ve}\ntoken = {tok}\n")
        os.chmod(conf, 0o600)
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and k != "VEINFO_CONF"}
        p = subprocess.run([os.path.join(os.environ["VEP_BUILD"], "tools", "veinfo"), "-f", conf, "-c", cmd],
                           capture_output=True, text=True, env=env, timeout=30)
        return p.returncode, p.stdout.strip()

    def test_ve_token(self):
        ve, pw, _ = create_ve()
        other, _, _ = create_ve()
        self.made += [ve, other]
        sql(f"UPDATE ves SET node_id = (SELECT id FROM nodes WHERE name = {q(self.node)}) WHERE id = {q(ve)}")
        # Only the node's token, only for that node's VE.
        self.assertEqual(self.new_token(ve, headers={}).status, 401)
        self.assertEqual(self.new_token(ve, headers={"Authorization": "Bearer " + "1" * 64}).status, 401)
        self.assertEqual(self.new_token(ve, headers=bearer()).status, 401)   # the admin token is no node's
        self.assertEqual(self.new_token(other).status, 404)
        self.assertEqual(self.new_token("NOTAVEID").status, 404)
        n = sql1(f"SELECT COUNT(*) FROM admin_tokens WHERE ve_id = {q(other)}")
        self.assertEqual(int(n), 0)
        r = self.new_token(ve)
        self.assertEqual(r.status, 201, r.text)
        tok = r.json()["token"]
        h = {"Authorization": "Bearer " + tok}
        c = Client()
        # GETs of its own VE work, like the owner's password.
        r = c.get(f"/api/v1/ves/{ve}", headers=h)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["ve_id"], ve)
        hist = f"/api/v1/ves/{ve}/history?metric=cpu&from=2026-01-01T00:00:00Z&step=minute&count=5"
        self.assertEqual(c.get(hist, headers=h).status, 200)
        self.assertEqual(c.get(f"/api/v1/ves/{ve}/charges?period={time.strftime('%Y-%m', time.gmtime())}", headers=h).status, 200)
        self.assertEqual(c.get(f"/api/v1/ves/{ve}/invoices", headers=h).status, 200)
        # veinfo inside the VE: /etc/VE/VEinfo.conf as the node writes it.
        self.assertEqual(self.veinfo(ve, tok, "Disk quota"), (0, "1000000000"))
        self.assertEqual(self.veinfo(other, tok, "Disk quota")[0], 1)
        # Everything else: another VE, operator calls, changes.
        self.assertEqual(c.get(f"/api/v1/ves/{other}", headers=h).status, 404)
        self.assertEqual(c.get("/api/v1/admin/ves", headers=h).status, 403)
        self.assertEqual(c.get("/api/v1/admin/nodes", headers=h).status, 403)
        self.assertEqual(c.post_json(f"/api/v1/ves/{ve}/power", {"action": "stop"}, headers=h).status, 403)
        self.assertEqual(c.post_json(f"/api/v1/ves/{other}/power", {"action": "stop"}, headers=h).status, 404)
        self.assertEqual(c.get(f"/api/v1/nodes/{self.node}/ves", headers=h).status, 401)
        self.assertEqual(int(sql1(f"SELECT power_seq FROM ves WHERE id = {q(ve)}")), 0)
        # Only the hash is stored.
        self.assertEqual(int(sql1(f"SELECT COUNT(*) FROM admin_tokens WHERE token_hash = SHA2({q(tok)}, 256) "
                                  f"AND kind = 've' AND ve_id = {q(ve)}")), 1)
        self.assertEqual(int(sql1(f"SELECT COUNT(*) FROM admin_tokens WHERE token_hash = {q(tok)}")), 0)
        self.assertEqual(int(sql1(f"SELECT COUNT(*) FROM audit_log WHERE object = {q(ve)} AND action = 've.token' "
                                  f"AND actor = {q('node:' + self.node)}")), 1)
        # A new token replaces the old one.
        r = self.new_token(ve)
        self.assertEqual(r.status, 201)
        tok2 = r.json()["token"]
        self.assertEqual(c.get(f"/api/v1/ves/{ve}", headers=h).status, 401)
        h2 = {"Authorization": "Bearer " + tok2}
        self.assertEqual(c.get(f"/api/v1/ves/{ve}", headers=h2).status, 200)
        # Deleted by the operator: the token is dead, and no new one is given.
        r = admin_util.Client().api("DELETE", f"/api/v1/admin/ves/{ve}")
        self.assertIn(r.status, (200, 204), r.text)
        self.assertEqual(c.get(f"/api/v1/ves/{ve}", headers=h2).status, 401)
        self.assertNotEqual(self.veinfo(ve, tok2, "Disk quota")[0], 0)
        self.assertIsNotNone(sql1(f"SELECT revoked_at FROM admin_tokens WHERE token_hash = SHA2({q(tok2)}, 256)"))
        self.assertEqual(self.new_token(ve).status, 404)

    # ---- templates and login styles ------------------------------------------------------------

    def test_template_login_styles(self):
        code = uniq("itreal-t")
        good = os.path.join(self.tmp, code + ".tar.zst")
        src = os.path.join(self.tmp, "rootfs")
        os.makedirs(os.path.join(src, "etc"), exist_ok=True)
        with open(os.path.join(src, "etc", "hostname"), "w") as f:
            f.write("x\n")
        subprocess.run(["tar", "--zstd", "-cf", good, "-C", src, "."], check=True)
        bad = os.path.join(self.tmp, "not.tar.gz")
        subprocess.run(["tar", "-czf", bad, "-C", src, "."], check=True)
        # Refusals: nothing registered.
        cases = [
            (["--name", "X", "--file", bad, "--login", "ssh"], "not a zstd"),
            (["--name", "X", "--file", os.path.join(self.tmp, "missing.tar.zst"), "--login", "ssh"], "cannot open"),
            (["--name", "X", "--file", good, "--login", "ssh,ftp"], "login styles"),
            (["--name", "X", "--file", good, "--login", ""], "login styles"),
        ]
        for args, why in cases:
            r = vepctl("template", "add", code, *args)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertIn(why, r.stderr, args)
        r = vepctl("template", "add", "Bad_Code", "--name", "X", "--file", good, "--login", "ssh")
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(int(sql1(f"SELECT COUNT(*) FROM os_templates WHERE code = {q(code)}")), 0)
        r = vepctl("template", "add", code, "--name", "IT ssh only", "--file", good, "--login", "ssh")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sql(f"SELECT login_styles, file FROM os_templates WHERE code = {q(code)}")[0],
                         ["ssh", good])
        # WEB1 allows x11, the template does not: 422 naming login, nothing written.
        o = order(template=code, login=["ssh", "x11"])
        r = Client().post_json("/api/v1/orders", o)
        self.assertEqual(r.status, 422, r.text)
        self.assertIn("does not offer x11", r.json()["error"]["fields"]["login"])
        self.assertEqual(counts(o["email"]), (0, 0, 0, 0))
        c = Client()
        tok, key = signup_form(c)
        r = c.post_form("/signup", form_pairs(o) + [("csrf", tok), ("idempotency_key", key)])
        self.assertEqual(r.status, 400)
        self.assertIn("does not offer x11", r.text)
        self.assertEqual(counts(o["email"]), (0, 0, 0, 0))
        # What it offers is accepted, and the node is told the template.
        ve, _, _ = create_ve(template=code, login=["ssh"])
        self.made.append(ve)
        self.assertEqual(sql1(f"SELECT t.code FROM ves v JOIN orders o ON o.id = v.order_id "
                              f"JOIN os_templates t ON t.id = o.template_id WHERE v.id = {q(ve)}"), code)

    # ---- power actions ----------------------------------------------------------------------------

    def power_state(self, ve):
        p, seq = sql(f"SELECT power, power_seq FROM ves WHERE id = {q(ve)}")[0]
        return p, int(seq)

    def audits(self, ve):
        return int(sql1(f"SELECT COUNT(*) FROM audit_log WHERE object = {q(ve)} AND action = 've.power'"))

    def test_power_api(self):
        ve, pw, _ = create_ve()
        other, opw, _ = create_ve()
        self.made += [ve, other]
        sql(f"UPDATE ves SET node_id = (SELECT id FROM nodes WHERE name = {q(self.node)}) WHERE id = {q(ve)}")
        c = Client()
        path = f"/api/v1/ves/{ve}/power"
        self.assertEqual(self.power_state(ve), ("running", 0))
        r = c.post_json(path, {"action": "stop"}, headers=basic(ve, pw))
        self.assertEqual(r.status, 202, r.text)
        self.assertEqual(self.power_state(ve), ("stopped", 1))
        self.assertEqual(self.node_entry(ve)["power"], "stopped")
        r = c.post_json(path, {"action": "start"}, headers=bearer())
        self.assertEqual(r.status, 202, r.text)
        self.assertEqual(self.power_state(ve), ("running", 2))
        r = c.post_json(path, {"action": "restart"}, headers=basic(ve, pw))
        self.assertEqual(r.status, 202)
        e = self.node_entry(ve)
        self.assertEqual((e["power"], e["power_seq"]), ("running", 3))
        self.assertEqual(self.audits(ve), 3)
        # Refusals write nothing.
        for body in ({"action": "reboot"}, {"action": ""}, {}, {"action": 1}, {"action": "Start"}):
            r = c.post_json(path, body, headers=basic(ve, pw))
            self.assertEqual(r.status, 422, (body, r.text))
            self.assertIn("action", r.json()["error"].get("fields", {}), body)
        for body in ("[]", "not json"):     # not a JSON object: refused before the call (400)
            self.assertEqual(c.post_json(path, body, headers=basic(ve, pw)).status, 400, body)
        r = c.post_json(path, {"action": "stop", "x": 1}, headers=basic(ve, pw))
        self.assertEqual(r.status, 422)
        self.assertEqual(c.post_json(path, {"action": "stop"}).status, 401)
        self.assertEqual(c.post_json(path, {"action": "stop"}, headers=basic(other, opw)).status, 404)
        self.assertEqual(c.request("GET", path, headers=basic(ve, pw)).status, 405)
        self.assertEqual(self.power_state(ve), ("running", 3))
        self.assertEqual(self.audits(ve), 3)
        # Suspended: 409, nothing written; resumed: allowed again.
        a = admin_util.Client()
        self.assertEqual(a.api("POST", f"/api/v1/admin/ves/{ve}/suspend", {}).status, 200)
        r = c.post_json(path, {"action": "start"}, headers=basic(ve, pw))
        self.assertEqual(r.status, 409, r.text)
        self.assertIn("suspended", r.json()["error"]["message"])
        self.assertEqual(self.power_state(ve), ("running", 3))
        self.assertEqual(self.audits(ve), 3)
        self.assertEqual(a.api("POST", f"/api/v1/admin/ves/{ve}/resume", {}).status, 200)
        self.assertEqual(c.post_json(path, {"action": "stop"}, headers=basic(ve, pw)).status, 202)

    def test_power_screens(self):
        ve, pw, _ = create_ve()
        self.made.append(ve)
        c = Client()
        self.assertEqual(c.self_login(ve, pw).status, 303)
        page = c.get("/self").text
        for a in ("start", "stop", "restart"):
            self.assertIn(f'id="power-{a}"', page)
        tok = csrf_of(page)
        # Without the CSRF token: 403, nothing written.
        self.assertEqual(c.post_form("/self/power", [("action", "stop")]).status, 403)
        self.assertEqual(c.post_form("/self/power", [("csrf", tok), ("action", "halt")]).status, 400)
        self.assertEqual(self.power_state(ve), ("running", 0))
        r = c.post_form("/self/power", [("csrf", tok), ("action", "stop")])
        self.assertEqual(r.status, 303, r.text)
        self.assertEqual(r.header("Location"), "/self?powered=stop")
        self.assertIn("will be stopped", c.get("/self?powered=stop").text)
        self.assertEqual(self.power_state(ve), ("stopped", 1))
        # Suspended: a sentence, nothing written, and no buttons.
        sql(f"UPDATE ves SET state = 'suspended' WHERE id = {q(ve)}")
        try:
            r = c.post_form("/self/power", [("csrf", tok), ("action", "start")])
            self.assertEqual(r.status, 409)
            self.assertIn("suspended", r.text)
            page = c.get("/self").text
            self.assertNotIn('id="power-start"', page)
            self.assertIn('id="power-locked"', page)
        finally:
            sql(f"UPDATE ves SET state = 'active' WHERE id = {q(ve)}")
        self.assertEqual(self.power_state(ve), ("stopped", 1))
        # The admin VE page.
        name, password = admin_util.make_operator("itreal")
        try:
            a = admin_util.Client()
            a.login(name, password)
            page = a.get(f"/admin/ves/{ve}").text
            self.assertIn('id="power-restart"', page)
            atok = csrf_of(page)
            r = a.post(f"/admin/ves/{ve}/power", [("csrf", atok), ("action", "restart")])
            self.assertEqual(r.status, 303, r.text[:300])
            self.assertEqual(self.power_state(ve), ("running", 2))
            self.assertEqual(sql1(f"SELECT actor FROM audit_log WHERE object = {q(ve)} AND action = 've.power' "
                                  f"ORDER BY id DESC LIMIT 1"), "admin:" + name)
            r = a.post(f"/admin/ves/{ve}/power", [("csrf", atok), ("action", "nope")])
            self.assertEqual(r.status, 422)
            self.assertEqual(self.power_state(ve), ("running", 2))
        finally:
            admin_util.drop_operator(name)

    # ---- fault tolerance: recorded, not yet offered ---------------------------------------------------

    def test_fault_tolerance_not_offered(self):
        NOTE = "recorded, not yet offered"
        c = Client()
        self.assertIn(NOTE, c.get("/signup").text)
        tok, key = signup_form(c)
        o = order()
        r = c.post_form("/signup", form_pairs(o) + [("csrf", tok), ("idempotency_key", key)])
        self.assertEqual(r.status, 200, r.text[:300])
        self.assertIn(NOTE, r.text)
        ve = re.search(r'id="ve-id"[^>]*>([0-9A-F]{8})<', r.text)
        ve = ve.group(1) if ve else sql1(f"SELECT v.id FROM ves v JOIN accounts a ON a.id = v.account_id "
                                         f"WHERE a.email = {q(o['email'])}")
        self.made.append(ve)
        s = Client()
        self.assertEqual(s.self_login(ve, o["root_password"]).status, 303)
        self.assertIn(NOTE, s.get("/self").text)


if __name__ == "__main__":
    unittest.main()
