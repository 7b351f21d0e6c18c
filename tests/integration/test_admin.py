"""The operator's screens through nginx, FastCGI and MariaDB: login (wrong
password, throttling, the right one), the session (new id at login,
cookie flags, timeouts, logout), CSRF on every change, methods, customers
kept out, every change audited with before and after, bad input refused
field by field with nothing written, and the reports: the HTML table, the
CSV download and the API's JSON are the same rows, checked against rows
this test inserted (VEs AD00xxxx, usage and invoices in 2011).

Each test class logs in as an operator of its own (vepctl admin set), from
a loopback address of its own, so no other test's throttling counts.
"""
import base64
import csv
import io
import json
import re
import secrets
import time
import unittest
import urllib.parse

from admin_util import (Client, Fixture, audit_max, audit_rows, csv_unguard, drop_operator,
                        html_table, make_operator, q, sql, sql1)


def money(minor):
    sign = "-" if minor < 0 else ""
    return "%s%d.%02d" % (sign, abs(minor) // 100, abs(minor) % 100)


class Login(unittest.TestCase):
    """Login, throttling, session fixation, logout, timeouts, cookie flags."""

    def setUp(self):
        self.name, self.password = make_operator()

    def tearDown(self):
        drop_operator(self.name)

    def test_unauthenticated(self):
        c = Client()
        for path in ("/admin", "/admin/ves", "/admin/nodes", "/admin/plans", "/admin/invoices",
                     "/admin/reports/usage", "/admin/audit", "/admin/ves/AD000000"):
            r = c.get(path)
            self.assertEqual((r.status, r.header("Location")), (303, "/admin/login"), path)
            self.assertEqual(r.header("Cache-Control"), "no-store")
        r = c.get("/admin/chart/report?report=usage")
        self.assertEqual(r.status, 403)
        r = c.get("/admin/login")
        self.assertEqual(r.status, 200)
        self.assertIn('name="login_token"', r.text)
        self.assertEqual(r.header("Cache-Control"), "no-store")
        self.assertIn("default-src 'none'", r.header("Content-Security-Policy"))

    def test_wrong_then_right(self):
        c = Client()
        r = c.login(self.name, "wrong-password", expect=403)
        self.assertIn("wrong", r.text)
        self.assertNotIn("vep_admin", c.jar)
        r = c.login("no-such-operator-" + secrets.token_hex(4), "x", expect=403)
        self.assertIn("The name or password is wrong.", r.text)
        r = c.login(self.name, self.password)
        self.assertEqual(r.header("Location"), "/admin")
        cookie = [v for v in r.set_cookies() if v.startswith("vep_admin=")][0]
        for flag in ("HttpOnly", "SameSite=Strict", "Path=/"):
            self.assertIn(flag, cookie)
        self.assertNotIn("Max-Age", cookie)		# a session cookie
        self.assertNotIn("vep_admin_login", c.jar)	# the login form's token is spent
        r = c.get("/admin")
        self.assertEqual(r.status, 200)
        self.assertIn(f"Signed in as <strong>{self.name}</strong>", r.text)
        self.assertEqual(r.header("Cache-Control"), "no-store")
        self.assertEqual(sql1(f"SELECT COUNT(*) FROM sessions WHERE kind = 'admin' AND subject = {q(self.name)}"), "1")

    def test_login_form_token(self):
        """A login posted without (or with another browser's) login form token is refused."""
        c = Client()
        r = c.post("/admin/login", [("name", self.name), ("password", self.password)])
        self.assertEqual(r.status, 403)
        c.get("/admin/login")
        other = Client()
        r = other.get("/admin/login")
        tok = re.search(r'name="login_token" value="([0-9a-f-]+)"', r.text).group(1)
        r = c.post("/admin/login", [("login_token", tok), ("name", self.name), ("password", self.password)])
        self.assertEqual(r.status, 403)
        self.assertNotIn("vep_admin", c.jar)

    def test_throttling(self):
        c = Client()
        for _ in range(5):
            c.login(self.name, "wrong-" + secrets.token_hex(4), expect=403)
        # Now even the right password is refused until the window has passed.
        r = c.login(self.name, self.password, expect=429)
        self.assertGreater(int(r.header("Retry-After")), 0)
        self.assertIn("Too many failed logins", r.text)
        self.assertNotIn("vep_admin", c.jar)
        # Another address, the same operator: still refused (the operator is locked).
        r = Client().login(self.name, self.password, expect=429)
        self.assertEqual(sql1(f"SELECT COUNT(*) FROM sessions WHERE kind = 'admin' AND subject = {q(self.name)}"), "0")
        # Once the failures are older than the window, the right password works again.
        sql(f"UPDATE login_failures SET at = at - 3600 WHERE subject = {q('admin:' + self.name)}")
        c.login(self.name, self.password)
        self.assertEqual(c.get("/admin").status, 200)

    def test_session_fixation(self):
        c = Client()
        planted = secrets.token_hex(32)
        c.jar["vep_admin"] = planted
        self.assertEqual(c.get("/admin").status, 303)
        c.login(self.name, self.password)
        self.assertNotEqual(c.jar["vep_admin"], planted)
        self.assertEqual(c.get("/admin").status, 200)
        evil = Client()
        evil.jar["vep_admin"] = planted
        self.assertEqual(evil.get("/admin").status, 303)
        # Logging in again (the form fetched in another tab) gives a new id and ends the old session.
        old = c.jar.pop("vep_admin")
        r = c.get("/admin/login")
        tok = re.search(r'name="login_token" value="([0-9a-f-]+)"', r.text).group(1)
        c.jar["vep_admin"] = old
        r = c.post("/admin/login", [("login_token", tok), ("name", self.name), ("password", self.password)])
        self.assertEqual(r.status, 303)
        self.assertNotEqual(c.jar["vep_admin"], old)
        stale = Client()
        stale.jar["vep_admin"] = old
        self.assertEqual(stale.get("/admin").status, 303)

    def test_logout(self):
        c = Client()
        c.login(self.name, self.password)
        sid = c.jar["vep_admin"]
        tok = c.csrf()
        # Logout is a POST with the CSRF token.
        self.assertEqual(c.get("/admin/logout").status, 405)
        self.assertEqual(c.post("/admin/logout", []).status, 403)
        self.assertEqual(c.get("/admin").status, 200)
        r = c.post("/admin/logout", [("csrf", tok)])
        self.assertEqual((r.status, r.header("Location")), (303, "/admin/login?done=logout"))
        self.assertNotIn("vep_admin", c.jar)
        self.assertEqual(sql1(f"SELECT COUNT(*) FROM sessions WHERE kind = 'admin' AND subject = {q(self.name)}"), "0")
        again = Client()
        again.jar["vep_admin"] = sid
        self.assertEqual(again.get("/admin").status, 303)

    def test_timeouts(self):
        c = Client()
        c.login(self.name, self.password)
        # Idle longer than web.session_idle_s (1800 s by default).
        sql(f"UPDATE sessions SET last_seen = last_seen - 4000, created_at = created_at - 4000 "
            f"WHERE kind = 'admin' AND subject = {q(self.name)}")
        self.assertEqual(c.get("/admin").status, 303)
        c.login(self.name, self.password)
        # Busy, but older than web.session_max_s (43200 s).
        sql(f"UPDATE sessions SET created_at = created_at - 50000 WHERE kind = 'admin' AND subject = {q(self.name)}")
        self.assertEqual(c.get("/admin").status, 303)
        self.assertEqual(sql1(f"SELECT COUNT(*) FROM sessions WHERE kind = 'admin' AND subject = {q(self.name)}"), "0")

    def test_removed_operator(self):
        c = Client()
        c.login(self.name, self.password)
        sql(f"DELETE FROM admins WHERE name = {q(self.name)}")
        self.assertEqual(c.get("/admin").status, 303)

    def test_bad_login_input(self):
        c = Client()
        for name, pw in (("", "x"), ("a b", "x"), ("x" * 65, "x"), (self.name, ""), (self.name, "p" * 1025)):
            r = c.login(name, pw, expect=400)
            self.assertIn("Enter your name and password.", r.text)


class Screens(unittest.TestCase):
    """Changes through the screens: CSRF, methods, customers, audit, validation."""

    @classmethod
    def setUpClass(cls):
        cls.fx = Fixture(nves=2)
        cls.name, cls.password = make_operator()
        cls.actor = "admin:" + cls.name
        cls.c = Client()
        cls.c.login(cls.name, cls.password)
        cls.tok = cls.c.csrf()

    @classmethod
    def tearDownClass(cls):
        drop_operator(cls.name)
        cls.fx.cleanup()

    def state(self, ve):
        return sql(f"SELECT v.state, v.state_reason, COALESCE(n.name, '') FROM ves v "
                   f"LEFT JOIN nodes n ON n.id = v.node_id WHERE v.id = {q(ve)}")[0]

    def test_csrf(self):
        ve = self.fx.add_ve()
        start = audit_max()
        other = Client()
        other.login(self.name, self.password)
        other_tok = other.csrf()
        self.assertNotEqual(other_tok, self.tok)
        for pairs in ([], [("csrf", "")], [("csrf", secrets.token_hex(32))], [("csrf", other_tok)],
                      [("csrf", self.tok.upper())], [("csrf", self.tok), ("csrf", self.tok)]):
            for path, extra in ((f"/admin/ves/{ve}/suspend", [("reason", "csrf")]),
                                (f"/admin/ves/{ve}/delete", [("confirm", "yes")]),
                                (f"/admin/ves/{ve}/move", [("node", "node2")]),
                                ("/admin/nodes", [("node", "adtest-csrf"), ("url", "http://127.0.0.1:9/metrics")]),
                                ("/admin/nodes/node1/disable", []),
                                ("/admin/plans", [("plan_json", "{}"), ("valid_from", "2011-01-01")]),
                                ("/admin/invoice-runs", [("period", "2011-01")]),
                                ("/admin/payments", [("invoice", "INV-2011-000001"), ("amount", "1.00"),
                                                     ("date", "2011-01-01"), ("reference", "x")])):
                r = self.c.post(path, pairs + extra)
                self.assertEqual(r.status, 403, (path, pairs, r.status))
        self.assertEqual(self.state(ve), ["active", "", "node1"])
        self.assertEqual(sql1("SELECT enabled FROM nodes WHERE name = 'node1'"), "1")
        self.assertEqual(sql1("SELECT COUNT(*) FROM nodes WHERE name = 'adtest-csrf'"), "0")
        self.assertEqual(sql1(f"SELECT COUNT(*) FROM audit_log WHERE id > {start}"
                              f" AND actor = {q(self.actor)}"), "0")
        # A form from another site is refused before the token is even looked at.
        r = self.c.request("POST", f"/admin/ves/{ve}/suspend", body=f"csrf={self.tok}",
                           headers={"Content-Type": "application/x-www-form-urlencoded",
                                    "Sec-Fetch-Site": "cross-site"})
        self.assertEqual(r.status, 403)
        self.assertEqual(self.state(ve)[0], "active")

    def test_methods(self):
        ve = self.fx.live[0]
        for method, path in (("GET", f"/admin/ves/{ve}/suspend"), ("GET", f"/admin/ves/{ve}/resume"),
                             ("GET", f"/admin/ves/{ve}/move"), ("GET", f"/admin/ves/{ve}/delete"),
                             ("GET", "/admin/logout"), ("GET", "/admin/invoice-runs"),
                             ("GET", "/admin/nodes/node1/disable"), ("DELETE", f"/admin/ves/{ve}"),
                             ("PUT", "/admin/plans"), ("POST", "/admin/ves"), ("POST", "/admin/reports/usage")):
            r = self.c.request(method, path)
            self.assertEqual(r.status, 405, (method, path))
            self.assertTrue(r.header("Allow"), (method, path))
        self.assertEqual(self.c.get("/admin/nope").status, 404)
        self.assertEqual(self.state(ve)[0], "active")

    def test_customers_kept_out(self):
        password = "Admin-screen-test-" + secrets.token_hex(6)
        r = Client().request("POST", "/api/v1/orders", body=json.dumps({
            "plan": "WEB1", "template": "debian-12", "email": f"adtest-cust-{self.fx.tag}@example.com",
            "disk_quota_mb": 1000, "always_on": True, "lifetime_days": 30, "root_password": password,
            "login": ["ssh"], "fs_fault_tolerance_s": 60, "backup_hours": 24, "firewall": "client",
            "ip_count": 1}), headers={"Content-Type": "application/json"}, cookies=False)
        self.assertEqual(r.status, 201, r.text)
        owner = r.json()["ve_id"]
        self.fx.adopt(owner)
        cust = Client()
        form = cust.get("/self", cookies=False).text
        token = re.search(r'name="login_token" value="([0-9a-f-]+)"', form).group(1)
        r = cust.post("/self/login", [("login_token", token), ("ve_id", owner), ("password", password)])
        self.assertEqual(r.status, 303, r.text[:300])
        self.assertIn("vep_sid", cust.jar)
        start = audit_max()
        # The customer's session is not an operator's, under either cookie name.
        basic = {"Authorization": "Basic " + base64.b64encode(f"{owner}:{password}".encode()).decode()}
        for jar in ({"vep_sid": cust.jar["vep_sid"]}, {"vep_admin": cust.jar["vep_sid"]}):
            c = Client()
            c.jar = dict(jar)
            for path in ("/admin", "/admin/ves", f"/admin/ves/{owner}"):
                self.assertEqual(c.get(path).status, 303, (jar, path))
                self.assertEqual(c.get(path, headers=basic).status, 303, path)
            r = c.post(f"/admin/ves/{owner}/suspend", [("csrf", secrets.token_hex(32))])
            self.assertEqual(r.status, 403)
            self.assertEqual(c.get("/admin/chart/report?report=usage").status, 403)
        self.assertEqual(self.state(owner)[0], "active")
        self.assertEqual(audit_rows(owner, start), [])
        # The operator deletes it: the customer's session ends with it.
        r = self.c.post(f"/admin/ves/{owner}/delete", [("csrf", self.tok), ("confirm", "yes")])
        self.assertEqual(r.status, 303)
        self.assertEqual(sql1(f"SELECT COUNT(*) FROM sessions WHERE kind = 'self' AND subject = {q(owner)}"), "0")

    def test_ve_lifecycle_audited(self):
        ve = self.fx.add_ve(dns=f"life.adtest-{self.fx.tag}.example")
        addr = self.fx.address(ve)
        start = audit_max()
        base = f"/admin/ves/{ve}"
        r = self.c.post(base + "/suspend", [("csrf", self.tok), ("reason", "abuse report #7")])
        self.assertEqual((r.status, r.header("Location")), (303, base + "?done=suspended"))
        self.assertEqual(self.state(ve), ["suspended", "abuse report #7", "node1"])
        page = self.c.get(base + "?done=suspended")
        self.assertIn("The VE is suspended.", page.text)
        self.assertIn("abuse report #7", page.text)
        r = self.c.post(base + "/suspend", [("csrf", self.tok)])
        self.assertEqual(r.header("Location"), base + "?done=unchanged")
        r = self.c.post(base + "/resume", [("csrf", self.tok)])
        self.assertEqual(r.header("Location"), base + "?done=resumed")
        r = self.c.post(base + "/move", [("csrf", self.tok), ("node", "node2")])
        self.assertEqual(r.header("Location"), base + "?done=moved")
        self.assertEqual(self.state(ve), ["active", "", "node2"])
        r = self.c.post(base + "/delete", [("csrf", self.tok), ("confirm", "yes")])
        self.assertEqual(r.header("Location"), base + "?done=deleted")
        self.assertEqual(self.state(ve), ["deleted", "deleted by the operator", "node2"])
        self.assertEqual(sql1(f"SELECT COALESCE(ve_id, '-') FROM ip_addresses WHERE address = {q(addr)}"), "-")
        rows = audit_rows(ve, start)
        self.assertEqual([(a, actor) for a, actor, _, _ in rows],
                         [("ve.suspend", self.actor), ("ve.resume", self.actor), ("ve.move", self.actor),
                          ("ve.delete", self.actor)])
        self.assertEqual([(b["state"], a["state"]) for _, _, b, a in rows],
                         [("active", "suspended"), ("suspended", "active"), ("active", "active"),
                          ("active", "deleted")])
        self.assertEqual((rows[2][2]["node"], rows[2][3]["node"]), ("node1", "node2"))
        self.assertEqual(rows[3][2]["ips"], [{"address": addr, "dns_name": f"life.adtest-{self.fx.tag}.example"}])
        self.assertEqual(rows[3][3]["ips"], [])
        # The VE's page shows its history and no more actions.
        page = self.c.get(base)
        self.assertEqual(page.status, 200)
        for action in ("ve.suspend", "ve.resume", "ve.move", "ve.delete"):
            self.assertIn(action, page.text)
        self.assertNotIn(f'action="{base}/suspend"', page.text)

    def test_ve_bad_input(self):
        ve = self.fx.add_ve()
        start = audit_max()
        base = f"/admin/ves/{ve}"
        cases = ((base + "/suspend", [("reason", "x" * 256)], 422, "e-reason"),
                 (base + "/suspend", [("reason", "two\nlines")], 422, "e-reason"),
                 (base + "/suspend", [("reason", "a"), ("reason", "b")], 422, "e-reason"),
                 (base + "/move", [], 422, "e-node"),
                 (base + "/move", [("node", "Node 2")], 422, "e-node"),
                 (base + "/move", [("node", "no-such-node")], 404, None),
                 (base + "/delete", [], 422, "e-confirm"),
                 (base + "/delete", [("confirm", "no")], 422, "e-confirm"))
        for path, pairs, status, err in cases:
            r = self.c.post(path, [("csrf", self.tok)] + pairs)
            self.assertEqual(r.status, status, (path, pairs, r.text[:300]))
            if err:
                self.assertIn(f'id="{err}"', r.text, (path, pairs))
        self.assertEqual(self.c.post("/admin/ves/ADFFFFFF/suspend", [("csrf", self.tok)]).status, 404)
        self.assertEqual(self.c.post("/admin/ves/nonsense/suspend", [("csrf", self.tok)]).status, 404)
        self.assertEqual(self.c.get("/admin/ves/ADFFFFFF").status, 404)
        self.assertEqual(self.state(ve), ["active", "", "node1"])
        self.assertEqual(audit_rows(ve, start), [])

    def test_ve_list(self):
        r = self.c.get("/admin/ves?q=" + urllib.parse.quote(self.fx.live_email))
        self.assertEqual(r.status, 200)
        for ve in self.fx.live:
            self.assertIn(f'href="/admin/ves/{ve}"', r.text)
        r = self.c.get("/admin/ves?q=" + self.fx.address(self.fx.live[1]))
        self.assertIn(f'href="/admin/ves/{self.fx.live[1]}"', r.text)
        self.assertNotIn(f'href="/admin/ves/{self.fx.live[0]}"', r.text)
        for qs in ("state=bogus", "page=0", "page=x", "q=" + "x" * 300):
            self.assertEqual(self.c.get("/admin/ves?" + qs).status, 422, qs)
        # Markup in data is shown as text.
        acct = self.fx.add_account(f"<b>x</b>-{self.fx.tag}@example.com")
        self.fx.add_ve(account=acct)
        r = self.c.get("/admin/ves?q=" + urllib.parse.quote(f"-{self.fx.tag}@"))
        self.assertIn(f"&lt;b&gt;x&lt;/b&gt;-{self.fx.tag}@example.com", r.text)
        self.assertNotIn("<b>x</b>", r.text)

    def test_nodes_audited(self):
        name = f"adtest-{self.fx.tag}"
        start = audit_max()
        r = self.c.post("/admin/nodes", [("csrf", self.tok), ("node", name), ("url", "http://127.0.0.1:9/metrics")])
        self.assertEqual(r.status, 201, r.text[:300])
        token = re.search(r'<code id="node-token">([0-9a-f]{64})</code>', r.text).group(1)
        self.assertEqual(sql1(f"SELECT token_hash = SHA2({q(token)}, 256) FROM nodes WHERE name = {q(name)}"), "1")
        try:
            # The same name again, a bad name, a bad URL: refused, nothing written.
            for pairs, err in (([("node", name), ("url", "http://127.0.0.1:9/metrics")], "e-node"),
                               ([("node", "Bad Name"), ("url", "http://127.0.0.1:9/metrics")], "e-node"),
                               ([("node", name + "x"), ("url", "ftp://x")], "e-url"),
                               ([("node", name + "x")], "e-url")):
                r = self.c.post("/admin/nodes", [("csrf", self.tok)] + pairs)
                self.assertEqual(r.status, 422, pairs)
                self.assertIn(f'id="{err}"', r.text)
            self.assertEqual(sql1(f"SELECT COUNT(*) FROM nodes WHERE name LIKE {q(name + '%')}"), "1")
            r = self.c.post(f"/admin/nodes/{name}/disable", [("csrf", self.tok)])
            self.assertEqual(r.header("Location"), "/admin/nodes?done=disabled")
            self.assertEqual(sql1(f"SELECT enabled FROM nodes WHERE name = {q(name)}"), "0")
            r = self.c.post(f"/admin/nodes/{name}/disable", [("csrf", self.tok)])
            self.assertEqual(r.header("Location"), "/admin/nodes?done=unchanged")
            r = self.c.post(f"/admin/nodes/{name}/enable", [("csrf", self.tok)])
            self.assertEqual(r.header("Location"), "/admin/nodes?done=enabled")
            # node1 carries VEs (and their history): it cannot be removed.
            r = self.c.post("/admin/nodes/node1/delete", [("csrf", self.tok)])
            self.assertEqual(r.status, 409)
            self.assertEqual(sql1("SELECT COUNT(*) FROM nodes WHERE name = 'node1'"), "1")
            self.assertEqual(self.c.post("/admin/nodes/no-such/delete", [("csrf", self.tok)]).status, 404)
            r = self.c.post(f"/admin/nodes/{name}/delete", [("csrf", self.tok)])
            self.assertEqual(r.header("Location"), "/admin/nodes?done=removed")
            self.assertEqual(sql1(f"SELECT COUNT(*) FROM nodes WHERE name = {q(name)}"), "0")
        finally:
            sql(f"DELETE FROM nodes WHERE name = {q(name)}")
        rows = audit_rows(name, start)
        self.assertEqual([(a, actor) for a, actor, _, _ in rows],
                         [("node.add", self.actor), ("node.disable", self.actor),
                          ("node.enable", self.actor), ("node.delete", self.actor)])
        self.assertIsNone(rows[0][2])
        self.assertEqual(rows[0][3]["url"], "http://127.0.0.1:9/metrics")
        self.assertEqual((rows[1][2]["enabled"], rows[1][3]["enabled"]), (True, False))
        self.assertIsNone(rows[3][3])
        self.assertEqual(audit_rows("node1", start), [])

    def test_plan_import_audited(self):
        code = ("ADP" + self.fx.tag.upper())[:32]
        plan = {"code": code, "name": "Admin test import", "currency": "EUR", "monthly_fee_minor": 1234,
                "included": {"disk_gb": 1, "traffic_gb": 0, "traffic_in_gb": 0, "traffic_out_gb": 0,
                             "cpu_hours": 0, "vmem_gb_hours": 0},
                "overage_minor": {"disk_gb_month": 5, "traffic_gb": 0, "traffic_in_gb": 0,
                                  "traffic_out_gb": 0, "cpu_hour": 0, "vmem_gb_hour": 0},
                "limits": {"max_disk_quota_mb": 1000, "max_ip_count": 1, "login": ["ssh"]}}
        start = audit_max()
        nplans = sql1("SELECT COUNT(*) FROM plans")
        try:
            for body, err in ((("{not json", "2011-01-01"), "e-plan_json"),
                              ((json.dumps({**plan, "currency": "euro"}), "2011-01-01"), "e-plan_json"),
                              ((json.dumps(plan), "2011-02-30"), "e-valid_from"),
                              ((json.dumps(plan), ""), "e-valid_from"),
                              (("", "2011-01-01"), "e-plan_json")):
                r = self.c.post("/admin/plans", [("csrf", self.tok), ("plan_json", body[0]),
                                                 ("valid_from", body[1])])
                self.assertEqual(r.status, 422, body)
                self.assertIn(f'id="{err}"', r.text, body)
            self.assertEqual(sql1("SELECT COUNT(*) FROM plans"), nplans)
            r = self.c.post("/admin/plans", [("csrf", self.tok), ("plan_json", json.dumps(plan, indent=1)),
                                             ("valid_from", "2011-01-01")])
            self.assertEqual((r.status, r.header("Location")), (303, "/admin/plans?done=imported"))
            self.assertEqual(sql(f"SELECT p.name, v.valid_from, v.monthly_fee_minor FROM plans p "
                                 f"JOIN plan_versions v ON v.plan_id = p.id WHERE p.code = {q(code)}"),
                             [["Admin test import", "1293840000", "1234"]])
            # A new price from 2011-06-01: audited with the version it replaces.
            plan["monthly_fee_minor"] = 1500
            r = self.c.post("/admin/plans", [("csrf", self.tok), ("plan_json", json.dumps(plan)),
                                             ("valid_from", "2011-06-01")])
            self.assertEqual(r.status, 303)
            rows = audit_rows(code, start)
            self.assertEqual([(a, actor) for a, actor, _, _ in rows],
                             [("plan.create", self.actor), ("plan.version", self.actor),
                              ("plan.version", self.actor)])
            self.assertEqual(rows[1][3]["monthly_fee_minor"], 1234)
            self.assertEqual((rows[2][2]["monthly_fee_minor"], rows[2][3]["monthly_fee_minor"]), (1234, 1500))
            page = self.c.get("/admin/plans")
            self.assertIn("Admin test import", page.text)
            self.assertIn("15.00 EUR", page.text)
        finally:
            pid = sql1(f"SELECT id FROM plans WHERE code = {q(code)}")
            if pid:
                sql(f"DELETE FROM plan_versions WHERE plan_id = {pid}; DELETE FROM plans WHERE id = {pid}")

    def test_billing_documents_audited(self):
        # The fixture's VEs existed all of May 2011: the invoice run bills their fee.
        start = audit_max()
        for period in ("2011-13", "2011-5", "", "2099-01"):
            r = self.c.post("/admin/invoice-runs", [("csrf", self.tok), ("period", period)])
            self.assertEqual(r.status, 422, period)
            self.assertIn('id="e-period"', r.text)
        r = self.c.post("/admin/invoice-runs", [("csrf", self.tok), ("period", "2011-05")])
        self.assertEqual((r.status, r.header("Location")), (303, "/admin/invoices?done=run"))
        inv = sql(f"SELECT number, subtotal_minor, tax_minor, total_minor FROM invoices "
                  f"WHERE account_id = {self.fx.account} AND period = '2011-05'")
        self.assertEqual(len(inv), 1)
        number, sub, tax, total = inv[0][0], int(inv[0][1]), int(inv[0][2]), int(inv[0][3])
        self.assertEqual((sub, tax, total), (2000, 380, 2380))	# 2 VEs x 10.00, 19 % tax
        run = [r_ for r_ in audit_rows("2011-05", start) if r_[0] == "invoice.run"]
        self.assertEqual(run[0][1], self.actor)
        # Again: nothing new.
        self.c.post("/admin/invoice-runs", [("csrf", self.tok), ("period", "2011-05")])
        self.assertEqual(sql1(f"SELECT COUNT(*) FROM invoices WHERE account_id = {self.fx.account} "
                              f"AND period = '2011-05'"), "1")
        page = self.c.get(f"/admin/invoices/{number}")
        self.assertEqual(page.status, 200)
        self.assertIn("23.80 EUR", page.text)
        printed = self.c.get(f"/admin/invoices/{number}/print")
        self.assertEqual(printed.status, 200)
        for text in (number, "Bill to", "23.80 EUR", self.fx.email, "Tax 19.00 %"):
            self.assertIn(text, printed.text)
        # Payments: exact amounts, refused when malformed, too large or zero; nothing written then.
        base = f"/admin/invoices/{number}"
        for amount, why in (("12.345", "e-amount"), ("1e3", "e-amount"), ("12,34", "e-amount"),
                            ("0", "e-amount"), ("0.00", "e-amount"), ("99.99", "e-amount"), ("", "e-amount"),
                            ("-1.00", "e-amount")):
            r = self.c.post(base + "/payments", [("csrf", self.tok), ("amount", amount), ("date", "2011-06-10"),
                                                 ("reference", "bank")])
            self.assertEqual(r.status, 422, amount)
            self.assertIn(f'id="{why}"', r.text, amount)
        r = self.c.post(base + "/payments", [("csrf", self.tok), ("amount", "12.34"), ("date", "2011-06-31"),
                                             ("reference", "bank")])
        self.assertEqual(r.status, 422)
        self.assertIn('id="e-date"', r.text)
        self.assertEqual(sql1(f"SELECT COUNT(*) FROM payments p JOIN invoices i ON i.id = p.invoice_id "
                              f"WHERE i.number = {q(number)}"), "0")
        r = self.c.post(base + "/payments", [("csrf", self.tok), ("amount", "12.34"), ("date", "2011-06-10"),
                                             ("reference", "bank 2011-06-10 #1")])
        self.assertEqual((r.status, r.header("Location")), (303, base + "?done=paid"))
        self.assertEqual(sql(f"SELECT p.amount_minor, p.paid_at, p.reference, p.actor FROM payments p "
                             f"JOIN invoices i ON i.id = p.invoice_id WHERE i.number = {q(number)}"),
                         [["1234", "1307664000", "bank 2011-06-10 #1", self.actor]])
        # The payments page records against an invoice named in the form.
        r = self.c.post("/admin/payments", [("csrf", self.tok), ("invoice", "INV-2011-000000"), ("amount", "1.00"),
                                            ("date", "2011-06-11"), ("reference", "x")])
        self.assertEqual(r.status, 422)
        self.assertIn('id="e-invoice"', r.text)
        r = self.c.post("/admin/payments", [("csrf", self.tok), ("invoice", number), ("amount", "1.00"),
                                            ("date", "2011-06-11"), ("reference", "second")])
        self.assertEqual(r.header("Location"), "/admin/payments?done=paid")
        # A credit note of 2.50 before tax: 2.98 with 19 % tax (2.975 rounds up).
        r = self.c.post(base + "/credit-notes", [("csrf", self.tok), ("amount", "2.50"), ("resource", "fee"),
                                                 ("ve_id", self.fx.ves[0]), ("description", "outage"),
                                                 ("reason", "outage 2011-05-03")])
        self.assertEqual((r.status, r.header("Location")), (303, base + "?done=credited"))
        self.assertEqual(sql(f"SELECT c.subtotal_minor, c.tax_minor, c.total_minor, c.actor FROM credit_notes c "
                             f"JOIN invoices i ON i.id = c.invoice_id WHERE i.number = {q(number)}"),
                         [["-250", "-48", "-298", self.actor]])
        for pairs, err in (([("amount", "-2.50"), ("resource", "fee"), ("reason", "x")], "e-amount"),
                           ([("amount", "2.50"), ("resource", "gold"), ("reason", "x")], None),
                           ([("amount", "2.50"), ("resource", "fee")], "e-reason"),
                           ([("amount", "2.50"), ("resource", "fee"), ("reason", "x"), ("ve_id", "zz")], None)):
            r = self.c.post(base + "/credit-notes", [("csrf", self.tok)] + pairs)
            self.assertEqual(r.status, 422, pairs)
            if err:
                self.assertIn(f'id="{err}"', r.text)
        self.assertEqual(sql1(f"SELECT COUNT(*) FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id "
                              f"WHERE i.number = {q(number)}"), "1")
        acts = [(a, actor) for a, actor, _, _ in audit_rows(number, start)]
        self.assertEqual(acts, [("invoice.payment", self.actor), ("invoice.payment", self.actor),
                                ("invoice.credit_note", self.actor)])
        page = self.c.get(base)
        self.assertIn("bank 2011-06-10 #1", page.text)
        self.assertIn("outage 2011-05-03", page.text)
        self.assertEqual(self.c.get("/admin/invoices/INV-2011-000000").status, 404)
        self.assertEqual(self.c.get("/admin/invoices/nonsense").status, 404)
        for path in ("/admin/invoices", "/admin/invoices?status=overdue", "/admin/payments", "/admin/credit-notes",
                     "/admin/audit?object=" + number, "/admin"):
            self.assertEqual(self.c.get(path).status, 200, path)
        self.assertIn(number, self.c.get("/admin/invoices?q=" + number).text)
        self.assertEqual(self.c.get("/admin/invoices?status=nope").status, 422)


class Reports(unittest.TestCase):
    """The same rows on the page, in the CSV download and from the API."""

    @classmethod
    def setUpClass(cls):
        cls.fx = Fixture(nves=3)
        cls.usage = cls.fx.add_usage()
        cls.inv = cls.fx.add_invoice((2011, 3))
        cls.name, cls.password = make_operator()
        cls.c = Client()
        cls.c.login(cls.name, cls.password)

    @classmethod
    def tearDownClass(cls):
        drop_operator(cls.name)
        cls.fx.cleanup()

    def three(self, name, frm, to):
        page = self.c.get(f"/admin/reports/{name}?from={frm}&to={to}")
        self.assertEqual(page.status, 200, page.text[:300])
        header, rows = html_table(page.text)
        dl = self.c.get(f"/admin/reports/{name}?from={frm}&to={to}&format=csv")
        self.assertEqual(dl.status, 200)
        self.assertTrue(dl.header("Content-Type").startswith("text/csv"))
        self.assertIn(f'filename="{name}-{frm}-{to}.csv"', dl.header("Content-Disposition"))
        csvrows = list(csv.reader(io.StringIO(dl.text, newline="")))
        api = self.c.api("GET", f"/api/v1/admin/reports/{name}?from={frm}&to={to}")
        self.assertEqual(api.status, 200)
        doc = api.json()
        self.assertEqual(header, csvrows[0])
        self.assertEqual(header, doc["columns"])
        self.assertEqual(rows, [[csv_unguard(x) for x in r] for r in csvrows[1:]])
        self.assertEqual(rows, [[str(x) for x in r] for r in doc["rows"]])
        # Accept: text/csv on the page's address gives the same file.
        same = self.c.get(f"/admin/reports/{name}?from={frm}&to={to}", headers={"Accept": "text/csv"})
        self.assertEqual(same.text, dl.text)
        return rows

    def test_usage(self):
        rows = self.three("usage", "2011-03-01", "2011-03-31")
        got = {r[0]: r for r in rows if r[0] in self.usage}
        self.assertEqual(got, {v: [str(x) for x in w] for v, w in self.usage.items()})
        chart = self.c.get("/admin/chart/report?report=usage&from=2011-03-01&to=2011-03-31")
        self.assertEqual(chart.status, 200)
        self.assertEqual(chart.header("Content-Type"), "image/svg+xml")
        self.assertTrue(chart.text.startswith("<svg"))
        self.assertNotIn("<script", chart.text)
        self.assertNotIn("style=", chart.text)

    def test_billing_reports(self):
        inv = self.inv
        rows = self.three("revenue", "2011-03-01", "2011-03-31")
        self.assertIn(["2011-03", self.fx.plan_code, "EUR", "1", "3", money(inv["fees"]), money(inv["overage"]),
                       money(inv["credits"]), money(inv["fees"] + inv["overage"] + inv["credits"])], rows)
        rows = self.three("overage", "2011-03-01", "2011-03-31")
        self.assertIn(["2011-03", inv["number"], self.fx.ves[0], self.fx.plan_code, "cpu", "2.500000",
                       "CPU-hour", "0.03", "0.08", "EUR"], rows)
        rows = self.three("unpaid", "2011-04-01", "2011-04-30")
        mine = [r for r in rows if r[0] == inv["number"]]
        self.assertEqual(mine[0][:11], [inv["number"], "2011-03", str(inv["account"]), inv["email"],
                                        "2011-04-01", "2011-04-16", money(inv["total"]), money(inv["credited"]),
                                        money(inv["paid"]), money(inv["total"] + inv["credited"] - inv["paid"]),
                                        "EUR"])
        for name in ("revenue", "overage", "unpaid"):
            chart = self.c.get(f"/admin/chart/report?report={name}&from=2011-01-01&to=2011-12-31")
            self.assertEqual((chart.status, chart.header("Content-Type")), (200, "image/svg+xml"), name)
            self.assertNotIn("style=", chart.text)

    def test_bad_ranges(self):
        for qs, err in (("from=2026-02-30&to=2026-03-01", "e-from"), ("from=2026-03-01&to=2026-02-01", "e-to"),
                        ("from=2010-01-01&to=2015-01-01", "e-to"), ("from=2026-01-01", "e-to"),
                        ("from=x&to=2026-01-01", "e-from")):
            r = self.c.get("/admin/reports/usage?" + qs)
            self.assertEqual(r.status, 422, qs)
            self.assertIn(f'id="{err}"', r.text, qs)
            self.assertNotIn('id="report"', r.text)
        self.assertEqual(self.c.get("/admin/reports/profit").status, 404)
        self.assertEqual(self.c.get("/admin/reports/usage").status, 200)	# this month by default
        self.assertEqual(self.c.get("/admin/chart/report?report=profit").status, 400)


if __name__ == "__main__":
    unittest.main()
