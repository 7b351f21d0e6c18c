"""The operator's VE and report API through nginx, FastCGI and MariaDB
(SPEC section 5): who may call it, the VE list and its search, filters and
pages, the lifecycle calls with their answers (200 changed or not, 404,
409, 422) and their audit rows, and the reports as JSON and CSV checked
against rows this test inserts itself (VEs AD00xxxx, usage and invoices in
2011).  Bad filters are 422 and change nothing.
"""
import csv
import io
import json
import time
import unittest

import base64
import secrets

from admin_util import (TOKEN, Client, Fixture, audit_max, audit_rows, csv_unguard, q, sql, sql1)


def money(minor):
    sign = "-" if minor < 0 else ""
    return "%s%d.%02d" % (sign, abs(minor) // 100, abs(minor) % 100)


class AdminApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fx = Fixture(nves=3)
        cls.c = Client()
        cls.node2 = "node2"

    @classmethod
    def tearDownClass(cls):
        cls.fx.cleanup()

    # ---- who may call ----------------------------------------------------------------
    def test_credentials(self):
        r = self.c.request("GET", "/api/v1/admin/ves", cookies=False)
        self.assertEqual(r.status, 401)
        self.assertIn("error", r.json())
        r = self.c.request("GET", "/api/v1/admin/ves", headers={"Authorization": "Bearer " + "0" * 64},
                           cookies=False)
        self.assertEqual(r.status, 401)
        # A real owner (ordered like a customer would) with the right password is still not the operator.
        password = "Admin-api-test-" + secrets.token_hex(6)
        r = self.c.request("POST", "/api/v1/orders", body=json.dumps({
            "plan": "WEB1", "template": "debian-12", "email": f"adtest-owner-{self.fx.tag}@example.com",
            "disk_quota_mb": 1000, "always_on": True, "lifetime_days": 30, "root_password": password,
            "login": ["ssh"], "fs_fault_tolerance_s": 60, "backup_hours": 24, "firewall": "client",
            "ip_count": 1}), headers={"Content-Type": "application/json"}, cookies=False)
        self.assertEqual(r.status, 201, r.text)
        owner = r.json()["ve_id"]
        self.fx.adopt(owner)
        basic = {"Authorization": "Basic " + base64.b64encode(f"{owner}:{password}".encode()).decode()}
        self.assertEqual(self.c.request("GET", f"/api/v1/ves/{owner}", headers=basic, cookies=False).status, 200)
        ve = self.fx.live[1]
        before = audit_max()
        for method, path in (("GET", "/api/v1/admin/ves"), ("POST", f"/api/v1/admin/ves/{ve}/suspend"),
                             ("POST", f"/api/v1/admin/ves/{owner}/suspend"), ("DELETE", f"/api/v1/admin/ves/{ve}"),
                             ("POST", f"/api/v1/admin/ves/{ve}/move"),
                             ("GET", "/api/v1/admin/reports/usage?from=2011-03-01&to=2011-03-31")):
            r = self.c.request(method, path, headers=basic, cookies=False)
            self.assertEqual(r.status, 403, (method, path, r.status))
        self.assertEqual(sql1(f"SELECT state FROM ves WHERE id = {q(ve)}"), "active")
        self.assertEqual(sql1(f"SELECT state FROM ves WHERE id = {q(owner)}"), "active")
        self.assertEqual(audit_rows(ve, before) + audit_rows(owner, before), [])
        r = self.c.api("DELETE", f"/api/v1/admin/ves/{owner}")
        self.assertEqual(r.status, 200)

    # ---- the list ----------------------------------------------------------------------
    def search(self, **params):
        qs = "&".join(f"{k}={v}" for k, v in params.items())
        r = self.c.api("GET", "/api/v1/admin/ves?" + qs)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.header("Cache-Control"), "no-store")
        return r.json()

    def test_list_shape_and_search(self):
        a = self.fx.live[0]
        doc = self.search(q=a)
        self.assertEqual([v["ve_id"] for v in doc["ves"]], [a])
        v = doc["ves"][0]
        self.assertEqual(set(v), {"ve_id", "state", "node", "plan", "account", "created_at", "expires_at", "ips"})
        self.assertEqual(v["state"], "active")
        self.assertEqual(v["node"], "node1")
        self.assertEqual(v["plan"], self.fx.plan_code)
        self.assertEqual(v["account"], {"id": self.fx.live_account, "email": self.fx.live_email})
        made = int(sql1(f"SELECT created_at FROM ves WHERE id = {q(a)}"))
        self.assertEqual(v["created_at"], time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(made)))
        self.assertEqual(v["ips"], [self.fx.address(a)])
        # VEid prefix, any case; e-mail part, any case; address; DNS name part.
        self.assertIn(a, [x["ve_id"] for x in self.search(q=a[:6].lower())["ves"]])
        mine = sorted(self.fx.live)
        self.assertEqual(sorted(x["ve_id"] for x in self.search(q=self.fx.live_email.split("@")[0].upper())["ves"]),
                         mine)
        self.assertEqual([x["ve_id"] for x in self.search(q=self.fx.address(a))["ves"]], [a])
        self.assertEqual([x["ve_id"] for x in self.search(q=f"www0.adtest-{self.fx.tag}")["ves"]], [a])
        # LIKE wildcards are plain characters.
        self.assertEqual(self.search(q="%25")["ves"], [])
        self.assertEqual(self.search(q="adlive_" + self.fx.tag)["ves"], [])
        # State filter: the report VEs are deleted, the live ones active.
        got = self.search(q=self.fx.email, state="deleted")
        self.assertEqual(sorted(x["ve_id"] for x in got["ves"]), sorted(self.fx.ves))
        self.assertEqual(self.search(q=self.fx.email, state="active")["ves"], [])
        self.assertTrue(all(x["state"] == "deleted" for x in self.search(state="deleted", limit=50)["ves"]))

    def test_list_pages(self):
        email = self.fx.live_email
        full = self.search(q=email)
        self.assertEqual(full["total"], 3)
        self.assertEqual(full["limit"], 100)
        pages = [self.search(q=email, limit=1, offset=i) for i in range(3)]
        self.assertEqual([p["ves"][0]["ve_id"] for p in pages], [v["ve_id"] for v in full["ves"]])
        self.assertTrue(all(p["total"] == 3 and len(p["ves"]) == 1 for p in pages))
        self.assertEqual(self.search(q=email, limit=1, offset=3)["ves"], [])

    def test_list_bad_filters(self):
        for qs, field in (("state=gone", "state"), ("state=ACTIVE", "state"), ("limit=0", "limit"),
                          ("limit=1001", "limit"), ("limit=ten", "limit"), ("offset=-1", "offset"),
                          ("limit=1&limit=2", "limit"), ("q=" + "x" * 255, "q")):
            r = self.c.api("GET", "/api/v1/admin/ves?" + qs)
            self.assertEqual(r.status, 422, (qs, r.status, r.text))
            self.assertIn(field, r.json()["error"]["fields"], qs)
        # A control character is refused at the edge now (issue 17 item 8: 400 naming the field).
        r = self.c.api("GET", "/api/v1/admin/ves?q=%01")
        self.assertEqual(r.status, 400, r.text)
        self.assertIn('"q"', r.json()["error"]["message"])

    # ---- lifecycle -----------------------------------------------------------------------
    def test_suspend_resume(self):
        ve = self.fx.add_ve()
        start = audit_max()
        r = self.c.api("POST", f"/api/v1/admin/ves/{ve}/suspend", {"reason": "unpaid for 3 months"})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["ve"]["state"], "suspended")
        self.assertIs(r.json()["changed"], True)
        self.assertEqual(sql(f"SELECT state, state_reason FROM ves WHERE id = {q(ve)}"),
                         [["suspended", "unpaid for 3 months"]])
        # Again: nothing changes, nothing is written.
        r = self.c.api("POST", f"/api/v1/admin/ves/{ve}/suspend", {"reason": "other"})
        self.assertEqual(r.status, 200)
        self.assertIs(r.json()["changed"], False)
        self.assertEqual(sql1(f"SELECT state_reason FROM ves WHERE id = {q(ve)}"), "unpaid for 3 months")
        r = self.c.api("POST", f"/api/v1/admin/ves/{ve}/resume")
        self.assertEqual((r.status, r.json()["ve"]["state"], r.json()["changed"]), (200, "active", True))
        r = self.c.api("POST", f"/api/v1/admin/ves/{ve}/resume")
        self.assertEqual((r.status, r.json()["changed"]), (200, False))
        # No reason: the default one.
        r = self.c.api("POST", f"/api/v1/admin/ves/{ve}/suspend")
        self.assertEqual(r.status, 200)
        self.assertEqual(sql1(f"SELECT state_reason FROM ves WHERE id = {q(ve)}"), "suspended by the operator")
        rows = audit_rows(ve, start)
        self.assertEqual([(a, actor) for a, actor, _, _ in rows],
                         [("ve.suspend", "api"), ("ve.resume", "api"), ("ve.suspend", "api")])
        self.assertEqual(rows[0][2], {"node": "node1", "reason": "", "state": "active"})
        self.assertEqual(rows[0][3], {"node": "node1", "reason": "unpaid for 3 months", "state": "suspended"})
        self.assertEqual(rows[1][3]["state"], "active")
        # Billing sees the state history (0003's trigger on ves).
        hist = sql(f"SELECT state FROM ve_state_log WHERE ve_id = {q(ve)} ORDER BY id")
        self.assertEqual([h[0] for h in hist], ["active", "suspended", "active", "suspended"])

    def test_bad_bodies(self):
        ve = self.fx.add_ve()
        start = audit_max()
        for path, body, status in (
                (f"/api/v1/admin/ves/{ve}/suspend", {"reason": 42}, 422),
                (f"/api/v1/admin/ves/{ve}/suspend", {"reason": "x" * 256}, 422),
                (f"/api/v1/admin/ves/{ve}/suspend", {"reason": "a\nb"}, 422),
                (f"/api/v1/admin/ves/{ve}/suspend", {"why": "x"}, 422),
                (f"/api/v1/admin/ves/{ve}/resume", {"now": True}, 422),
                (f"/api/v1/admin/ves/{ve}/move", {}, 422),
                (f"/api/v1/admin/ves/{ve}/move", {"node": 7}, 422),
                (f"/api/v1/admin/ves/{ve}/move", {"node": "Node 1"}, 422),
                (f"/api/v1/admin/ves/{ve}/move", {"node": "node2", "now": 1}, 422),
                (f"/api/v1/admin/ves/{ve}/move", "[1]", 400),
                (f"/api/v1/admin/ves/{ve}/move", "{bad json", 400)):
            r = self.c.api("POST", path, body)
            self.assertEqual(r.status, status, (path, body, r.text))
            self.assertIn("message", r.json()["error"])
        r = self.c.request("POST", f"/api/v1/admin/ves/{ve}/suspend", body="reason=x",
                           headers={"Authorization": "Bearer " + TOKEN,
                                    "Content-Type": "application/x-www-form-urlencoded"}, cookies=False)
        self.assertIn(r.status, (415, 422))
        self.assertEqual(sql(f"SELECT state, node_id FROM ves WHERE id = {q(ve)}"), [["active", str(self.fx.node1)]])
        self.assertEqual(audit_rows(ve, start), [])

    def test_unknown(self):
        for method, path in (("POST", "/api/v1/admin/ves/ADFFFFFF/suspend"),
                             ("POST", "/api/v1/admin/ves/ADFFFFFF/resume"),
                             ("DELETE", "/api/v1/admin/ves/ADFFFFFF"),
                             ("POST", "/api/v1/admin/ves/adffffff/resume"),
                             ("POST", "/api/v1/admin/ves/NOTAVEID/resume")):
            r = self.c.api(method, path)
            self.assertEqual(r.status, 404, (method, path))
        r = self.c.api("POST", "/api/v1/admin/ves/ADFFFFFF/move", {"node": "node2"})
        self.assertEqual(r.status, 404)
        r = self.c.api("GET", f"/api/v1/admin/ves/{self.fx.ves[0]}/suspend")
        self.assertEqual(r.status, 405)

    def test_move(self):
        ve = self.fx.add_ve()
        start = audit_max()
        r = self.c.api("POST", f"/api/v1/admin/ves/{ve}/move", {"node": "node2"})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual((r.json()["ve"]["node"], r.json()["changed"]), ("node2", True))
        self.assertEqual(sql1(f"SELECT n.name FROM ves v JOIN nodes n ON n.id = v.node_id WHERE v.id = {q(ve)}"),
                         "node2")
        r = self.c.api("POST", f"/api/v1/admin/ves/{ve}/move", {"node": "node2"})
        self.assertEqual((r.status, r.json()["changed"]), (200, False))
        r = self.c.api("POST", f"/api/v1/admin/ves/{ve}/move", {"node": "no-such-node"})
        self.assertEqual(r.status, 404)
        # A disabled node and a full node refuse it.
        name = f"adtest-full-{self.fx.tag}"
        sql(f"INSERT INTO nodes (name, url, token_hash, enabled, max_ves, created_at) VALUES "
            f"({q(name)}, 'http://127.0.0.1:9/metrics', REPEAT('0', 64), 0, 1, 0)")
        try:
            r = self.c.api("POST", f"/api/v1/admin/ves/{ve}/move", {"node": name})
            self.assertEqual(r.status, 409, r.text)
            self.assertIn("disabled", r.json()["error"]["message"])
            sql(f"UPDATE nodes SET enabled = 1, max_ves = 0 WHERE name = {q(name)}")
            r = self.c.api("POST", f"/api/v1/admin/ves/{ve}/move", {"node": name})
            self.assertEqual(r.status, 409, r.text)
            sql(f"UPDATE nodes SET max_ves = 5, disk_mb = 999 WHERE name = {q(name)}")
            r = self.c.api("POST", f"/api/v1/admin/ves/{ve}/move", {"node": name})
            self.assertEqual(r.status, 409, r.text)			# quota 1000 MB > 999 MB
            self.assertIn("disk", r.json()["error"]["message"])
        finally:
            sql(f"DELETE FROM nodes WHERE name = {q(name)}")
        rows = audit_rows(ve, start)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][0], "ve.move")
        self.assertEqual((rows[0][2]["node"], rows[0][3]["node"]), ("node1", "node2"))

    def test_delete(self):
        ve = self.fx.add_ve(dns=f"del.adtest-{self.fx.tag}.example")
        addr = self.fx.address(ve)
        sql(f"INSERT INTO sessions (id_hash, kind, subject, csrf, created_at, last_seen) VALUES "
            f"(SHA2({q(ve + 'x')}, 256), 'self', {q(ve)}, REPEAT('a', 64), 0, 0)")
        start = audit_max()
        r = self.c.api("DELETE", f"/api/v1/admin/ves/{ve}")
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual((r.json()["ve"]["state"], r.json()["ve"]["ips"], r.json()["changed"]),
                         ("deleted", [], True))
        self.assertEqual(sql(f"SELECT state, node_id FROM ves WHERE id = {q(ve)}"), [["deleted", str(self.fx.node1)]])
        self.assertEqual(sql(f"SELECT COALESCE(ve_id, '-'), COALESCE(seq, '-'), COALESCE(dns_name, '-') "
                             f"FROM ip_addresses WHERE address = {q(addr)}"), [["-", "-", "-"]])
        self.assertEqual(sql1(f"SELECT COUNT(*) FROM sessions WHERE kind = 'self' AND subject = {q(ve)}"), "0")
        rows = audit_rows(ve, start)
        self.assertEqual([r_[0] for r_ in rows], ["ve.delete"])
        self.assertEqual(rows[0][2]["ips"], [{"address": addr, "dns_name": f"del.adtest-{self.fx.tag}.example"}])
        self.assertEqual(rows[0][3]["ips"], [])
        self.assertEqual(rows[0][3]["state"], "deleted")
        # Deleting again changes nothing; a deleted VE cannot be suspended, resumed or moved.
        r = self.c.api("DELETE", f"/api/v1/admin/ves/{ve}")
        self.assertEqual((r.status, r.json()["changed"]), (200, False))
        for path, body in ((f"/api/v1/admin/ves/{ve}/suspend", None), (f"/api/v1/admin/ves/{ve}/resume", None),
                           (f"/api/v1/admin/ves/{ve}/move", {"node": "node2"})):
            r = self.c.api("POST", path, body)
            self.assertEqual(r.status, 409, (path, r.text))
        self.assertEqual(len(audit_rows(ve, start)), 1)
        # The owner's credentials are dead too.
        self.assertEqual(self.c.request("GET", f"/api/v1/ves/{ve}", headers={
            "Authorization": "Basic " + base64.b64encode(f"{ve}:x".encode()).decode()},
            cookies=False).status, 401)

    # ---- reports ---------------------------------------------------------------------------
    def report(self, name, frm, to, accept=None):
        h = {"Accept": accept} if accept else {}
        return self.c.api("GET", f"/api/v1/admin/reports/{name}?from={frm}&to={to}", headers=h)

    def check_csv_equals_json(self, name, frm, to):
        j = self.report(name, frm, to)
        self.assertEqual(j.status, 200, j.text)
        doc = j.json()
        self.assertEqual((doc["report"], doc["from"], doc["to"]), (name, frm, to))
        c = self.report(name, frm, to, "text/csv")
        self.assertEqual(c.status, 200)
        self.assertTrue(c.header("Content-Type").startswith("text/csv"))
        self.assertIn("attachment", c.header("Content-Disposition"))
        self.assertTrue(c.text.endswith("\r\n"))
        rows = list(csv.reader(io.StringIO(c.text, newline="")))
        self.assertEqual(rows[0], doc["columns"])
        self.assertEqual([[csv_unguard(x) for x in r] for r in rows[1:]],
                         [[str(x) for x in r] for r in doc["rows"]])
        return doc

    def test_report_usage(self):
        want = self.fx.add_usage()
        doc = self.check_csv_equals_json("usage", "2011-03-01", "2011-03-31")
        self.assertEqual(doc["columns"], ["ve_id", "node", "cpu_ms", "net_in_bytes", "net_out_bytes",
                                          "avg_disk_bytes", "avg_vmem_bytes"])
        got = {r[0]: r for r in doc["rows"] if r[0] in want}
        self.assertEqual(got, want)
        # Integers are JSON numbers.
        self.assertTrue(all(isinstance(x, int) for r in got.values() for x in r[2:]))
        # The range is inclusive of "to" and exclusive beyond: only day 1.
        one = {r[0]: r for r in self.report("usage", "2011-03-01", "2011-03-01").json()["rows"] if r[0] in want}
        self.assertEqual(set(one), set(want))
        self.assertTrue(all(one[v][3] < want[v][3] for v in want))
        self.assertEqual(self.report("usage", "2011-03-04", "2011-03-31").json()["rows"], [])

    def test_report_billing(self):
        inv = self.fx.add_invoice((2011, 3))
        # Revenue: one row for the test's plan.
        doc = self.check_csv_equals_json("revenue", "2011-03-01", "2011-03-31")
        mine = [r for r in doc["rows"] if r[1] == self.fx.plan_code]
        self.assertEqual(mine, [["2011-03", self.fx.plan_code, "EUR", 1, 3, money(inv["fees"]),
                                 money(inv["overage"]), money(inv["credits"]),
                                 money(inv["fees"] + inv["overage"] + inv["credits"])]])
        # A range ending before the month starts does not show it; one inside it does.
        self.assertEqual([r for r in self.report("revenue", "2011-01-01", "2011-02-28").json()["rows"]
                          if r[1] == self.fx.plan_code], [])
        self.assertEqual(len([r for r in self.report("revenue", "2011-03-15", "2011-03-15").json()["rows"]
                              if r[1] == self.fx.plan_code]), 1)
        # Overage: the one line.
        doc = self.check_csv_equals_json("overage", "2011-03-01", "2011-03-31")
        mine = [r for r in doc["rows"] if r[1] == inv["number"]]
        self.assertEqual(mine, [["2011-03", inv["number"], self.fx.ves[0], self.fx.plan_code, "cpu",
                                 "2.500000", "CPU-hour", "0.03", "0.08", "EUR"]])
        # Unpaid: issued 2011-04-01, open = total + credited - paid, overdue since 2011-04-15.
        t0 = int(time.time())
        doc = self.check_csv_equals_json("unpaid", "2011-04-01", "2011-04-30")
        t1 = int(time.time())
        mine = [r for r in doc["rows"] if r[0] == inv["number"]]
        self.assertEqual(len(mine), 1)
        row = mine[0]
        self.assertEqual(row[:11], [inv["number"], "2011-03", inv["account"], inv["email"], "2011-04-01",
                                    "2011-04-16", money(inv["total"]), money(inv["credited"]),
                                    money(inv["paid"]), money(inv["total"] + inv["credited"] - inv["paid"]),
                                    "EUR"])
        self.assertIn(row[11], ((t0 - inv["due"]) // 86400, (t1 - inv["due"]) // 86400))
        self.assertEqual(row[12], "overdue")
        self.assertEqual([r for r in self.report("unpaid", "2011-03-01", "2011-03-31").json()["rows"]
                          if r[0] == inv["number"]], [])

    def test_report_csv_injection(self):
        acct_email = f"=HYPERLINK(\"http://evil\",\"x\")-{self.fx.tag}@example.com"
        acct = self.fx.add_account(acct_email)
        inv = self.fx.add_invoice((2011, 6), account=acct, email=acct_email)
        c = self.report("unpaid", "2011-07-01", "2011-07-31", "text/csv")
        line = [ln for ln in c.text.split("\r\n") if ln.startswith(inv["number"])][0]
        self.assertIn(',"\'=HYPERLINK(""http://evil"",""x"")-', line)
        j = self.report("unpaid", "2011-07-01", "2011-07-31").json()
        self.assertIn(acct_email, [r[3] for r in j["rows"]])
        self.check_csv_equals_json("unpaid", "2011-07-01", "2011-07-31")

    def test_report_bad_input(self):
        for qs, field in (("from=2026-02-30&to=2026-03-01", "from"), ("from=2026-01-01&to=2026-02-30", "to"),
                          ("from=2026-02-01&to=2026-01-31", "to"), ("from=2020-01-01&to=2025-01-01", "to"),
                          ("to=2026-01-01", "from"), ("from=2026-01-01", "to"), ("", "from"),
                          ("from=26-01-01&to=2026-01-02", "from"), ("from=2026-1-1&to=2026-01-02", "from"),
                          ("from=2026-01-01&from=2026-01-02&to=2026-01-03", "from")):
            r = self.c.api("GET", "/api/v1/admin/reports/usage?" + qs)
            self.assertEqual(r.status, 422, (qs, r.text))
            self.assertIn(field, r.json()["error"]["fields"], qs)
        r = self.c.api("GET", "/api/v1/admin/reports/profit?from=2026-01-01&to=2026-01-02")
        self.assertEqual(r.status, 404)
        # Five years exactly is the limit.
        self.assertEqual(self.report("usage", "2020-01-01", "2024-12-31").status, 200)


if __name__ == "__main__":
    unittest.main()
