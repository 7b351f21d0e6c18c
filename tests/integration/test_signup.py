"""Signup through nginx, FastCGI and MariaDB (SPEC section 3): the form and
POST /api/v1/orders place the same orders, check every field with the same
rules, write everything or nothing, and a repeated idempotency key makes
one VE."""
import html
import json
import os
import re
import time
import unittest

from screens_util import (Client, counts, create_ve, form_pairs, order, q, release, signup_form,
                          sql, sql1, uniq)

# (field, bad value as JSON, words of the reason) -- each breaks one rule.
BAD = [
    ("plan", "NOPE", "no plan"),
    ("template", "windows-95", "no operating system"),
    ("email", "not-an-address", "e-mail address"),
    ("disk_quota_mb", 0, "at least 1"),
    ("disk_quota_mb", -1, "at least 1"),
    ("disk_quota_mb", 51201, "at most 51200 MB on plan"),
    ("disk_quota_mb", "7abc", "whole number"),
    ("always_on", "maybe", "true or false"),
    ("lifetime_days", 0, "at least 1"),
    ("root_password", "too-short", "12 to 128"),
    ("login", ["telnet"], "does not offer telnet"),
    ("login", ["ftp"], "ssh, telnet, rsh and x11"),
    ("cpu_min_bogomips", -5, "cannot be negative"),
    ("mem_max_mb", "1e3", "whole number"),
    ("fs_fault_tolerance_s", 0, "at least 1"),
    ("backup_hours", 0, "at least 1"),
    ("firewall", "wall", "one of open"),
    ("firewall_file", "x.rules", "only with the \"file\""),
    ("ip_count", 5, "at most 4 on plan"),
    ("ip_count", 0, "at least 1"),
    ("dns_names", ["bad_name.example.com"], "not a valid host name"),
    ("dns_names", ["a.example.com", "b.example.com"], "at most one name per address"),
    ("user_info", "x" * 1025, "at most 1024"),
    ("idempotency_key", "has space", "printable ASCII"),
]


def as_form_value(v):
    return v if isinstance(v, str) else json.dumps(v)


class Signup(unittest.TestCase):
    made = []

    @classmethod
    def tearDownClass(cls):
        release(cls.made)

    def post_order(self, c, o, csrf=True):
        tok, key = signup_form(c)
        pairs = form_pairs(o)
        if csrf:
            pairs.append(("csrf", tok))
        if "idempotency_key" not in o:
            pairs.append(("idempotency_key", key))
        return c.post_form("/signup", pairs)

    def test_form_valid_order(self):
        c = Client()
        free = [r[0] for r in sql("SELECT a.address FROM ip_addresses a WHERE a.ve_id IS NULL "
                                  "ORDER BY a.pool_id, a.addr_num LIMIT 2")]
        assigned = counts()[3]
        info = "<script>alert(1)</script>&\"'"
        o = order(ip_count=2, dns_names=["www.form-test.example", "mail.form-test.example"],
                  user_info=info, login=["ssh", "x11"], net_bw_min_kbps=100, net_bw_max_kbps=1000)
        r = self.post_order(c, o)
        self.assertEqual(r.status, 200, r.text[:2000])
        self.assertIn("no-store", r.header("Cache-Control"))
        ve = re.search(r'id="ve-id">([0-9A-F]{8})<', r.text).group(1)
        self.made.append(ve)
        self.assertIn(f'id="root-password">{html.escape(o["root_password"])}<', r.text)
        self.assertEqual(counts(o["email"]), (1, 1, 1, 2))
        # The user information comes back escaped, never as markup.
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;", r.text)
        self.assertNotIn("<script>alert(1)", r.text)
        # The rows: account, order with every parameter, VE, addresses in order.
        row = sql(f"SELECT a.email, o.disk_quota_mb, o.always_on, o.lifetime_days, o.login, "
                  f"o.net_bw_min_kbps, o.net_bw_max_kbps, o.firewall, o.ip_count, o.user_info, "
                  f"v.state, v.expires_at - v.created_at, v.node_id IS NOT NULL, v.password_hash "
                  f"FROM ves v JOIN orders o ON o.id = v.order_id JOIN accounts a ON a.id = v.account_id "
                  f"WHERE v.id = {q(ve)}")[0]
        self.assertEqual(row[:11], [o["email"], "1000", "1", "30", "ssh,x11", "100", "1000", "client",
                                    "2", info, "active"])
        self.assertEqual(int(row[11]), 30 * 86400)
        self.assertEqual(row[12], "1")
        self.assertTrue(row[13].startswith("$argon2id$"))
        self.assertNotIn(o["root_password"], row[13])
        ips = sql(f"SELECT address, seq, dns_name FROM ip_addresses WHERE ve_id = {q(ve)} ORDER BY seq")
        self.assertEqual([i[1] for i in ips], ["1", "2"])
        self.assertEqual([i[2] for i in ips], ["www.form-test.example", "mail.form-test.example"])
        if counts()[3] == assigned + 2:  # the lowest free addresses, unless others took some meanwhile
            self.assertEqual(set(i[0] for i in ips), set(free))
        for i in ips:
            self.assertIn(i[0], r.text)

    def test_json_valid_order(self):
        o = order(dns_names=["api-test.example.com"], template="alpine-3", always_on=False)
        self.assertEqual(counts(o["email"]), (0, 0, 0, 0))
        ve, pw, a = create_ve(**o)
        self.made.append(ve)
        self.assertEqual(set(a), {"ve_id", "state", "expires_at", "ips", "gateway", "dns_servers",
                                  "login", "root_password"})
        self.assertRegex(ve, r"^[0-9A-F]{8}$")
        self.assertEqual(a["root_password"], pw)
        self.assertEqual(a["state"], "active")
        self.assertRegex(a["expires_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        exp = time.mktime(time.strptime(a["expires_at"], "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
        self.assertLess(abs(exp - (time.time() + 30 * 86400)), 120)
        self.assertEqual(len(a["ips"]), 1)
        self.assertEqual(set(a["ips"][0]), {"address", "netmask", "dns_name"})
        self.assertEqual(a["ips"][0]["dns_name"], "api-test.example.com")
        self.assertEqual(a["ips"][0]["netmask"], "255.255.255.0")
        self.assertRegex(a["gateway"], r"^\d+\.\d+\.\d+\.\d+$")
        self.assertGreaterEqual(len(a["dns_servers"]), 1)
        self.assertEqual(a["login"], ["ssh"])
        self.assertEqual(counts(o["email"]), (1, 1, 1, 1))
        self.assertEqual(sql1(f"SELECT o.always_on FROM ves v JOIN orders o ON o.id = v.order_id "
                              f"WHERE v.id = {q(ve)}"), "0")

    def test_firewall_ruleset(self):
        conf = open(os.environ["VEP_CONF"]).read()
        m = re.search(r"^\s*firewall_dir\s*=\s*(\S+)", conf, re.M)
        if m is None:
            self.skipTest("no firewall_dir in the configuration")
        name = uniq("it-") + ".rules"
        path = os.path.join(m.group(1), name)
        try:
            with open(path, "w") as f:
                f.write("# integration test ruleset\n")
            os.chmod(path, 0o644)
            ve, _, _ = create_ve(firewall="file", firewall_file=name)
            self.made.append(ve)
            self.assertEqual(sql1(f"SELECT o.firewall, o.firewall_file FROM ves v JOIN orders o "
                                  f"ON o.id = v.order_id WHERE v.id = {q(ve)}"), "file")
            self.assertEqual(sql(f"SELECT o.firewall_file FROM ves v JOIN orders o ON o.id = v.order_id "
                                 f"WHERE v.id = {q(ve)}")[0][0], name)
            page = Client().get("/signup").text
            self.assertIn(f'<option value="{name}">', page)     # offered in the form
            for bad in (f"../{name}", f"./{name}", "nonexistent.rules", m.group(1) + "/" + name):
                r = Client().post_json("/api/v1/orders", order(firewall="file", firewall_file=bad))
                self.assertEqual(r.status, 422, bad)
                self.assertEqual(list(r.json()["error"]["fields"]), ["firewall_file"])
        finally:
            os.unlink(path)

    def test_ve_ids_are_not_sequential(self):
        ids = []
        for _ in range(3):
            ve, _, _ = create_ve()
            self.made.append(ve)
            ids.append(int(ve, 16))
        self.assertEqual(len(set(ids)), 3)
        self.assertFalse(ids[1] == ids[0] + 1 and ids[2] == ids[1] + 1)

    def test_json_each_bad_field(self):
        c = Client()
        for field, bad, why in BAD:
            with self.subTest(field=field, value=bad):
                extra = {"firewall": "client"} if field == "firewall_file" else {}
                o = order(**extra)
                o[field] = bad
                before = counts(o["email"])
                r = c.post_json("/api/v1/orders", o)
                self.assertEqual(r.status, 422, r.text)
                e = r.json()["error"]
                self.assertIn(field, e["fields"], e)
                self.assertEqual(len(e["fields"]), 1, e)
                self.assertIn(why, e["fields"][field])
                self.assertTrue(e["message"])
                self.assertEqual(counts(o["email"]), before)

    def test_form_each_bad_field(self):
        c = Client()
        for field, bad, why in BAD:
            with self.subTest(field=field, value=bad):
                o = order()
                if field == "login":
                    o["login"] = bad
                elif field == "dns_names":
                    o["dns_names"] = bad
                else:
                    o[field] = as_form_value(bad) if not isinstance(bad, str) else bad
                before = counts(o["email"])
                r = self.post_order(c, o)
                self.assertEqual(r.status, 400, r.text[:500])
                if field == "idempotency_key":  # hidden: named in the summary, a fresh key drawn
                    self.assertIn('href="#f-idempotency_key"', r.text)
                    self.assertNotIn('value="has space"', r.text)
                    self.assertEqual(counts(o["email"]), before)
                    continue
                m = re.search(rf'<p class="error" id="e-{field}">([^<]*)</p>', r.text)
                self.assertIsNotNone(m, f"no error next to {field}")
                self.assertIn(html.escape(why, quote=True), m.group(1))
                self.assertIn(f'e-{field}', r.text)
                self.assertIn("aria-describedby", r.text)
                # Values kept, the password never sent back.
                self.assertIn(html.escape(o["email"]), r.text)
                if field != "root_password":
                    self.assertNotIn(o["root_password"], r.text)
                self.assertEqual(counts(o["email"]), before)

    def test_missing_required_fields(self):
        c = Client()
        for field in ("plan", "template", "email", "disk_quota_mb", "always_on", "lifetime_days",
                      "root_password", "login", "fs_fault_tolerance_s", "backup_hours", "firewall"):
            with self.subTest(field=field):
                o = order(**{field: None})
                r = c.post_json("/api/v1/orders", o)
                self.assertEqual(r.status, 422)
                self.assertEqual(list(r.json()["error"]["fields"]), [field])
                r = self.post_order(c, o)
                self.assertEqual(r.status, 400)
                self.assertIn(f'id="e-{field}"', r.text)
                if "email" in o:
                    self.assertEqual(counts(o["email"]), (0, 0, 0, 0))

    def test_every_error_at_once(self):
        before = counts("x")
        r = Client().post_json("/api/v1/orders", {
            "plan": "WEB1", "template": "nope", "email": "x", "disk_quota_mb": "10",
            "always_on": 1, "lifetime_days": 0, "root_password": "short", "login": ["rsh"],
            "net_quota_min_mb": 10, "net_quota_max_mb": 5, "fs_fault_tolerance_s": -1,
            "backup_hours": 1.5, "firewall": "file", "firewall_file": "../../etc/passwd",
            "ip_count": 9, "colour": "blue"})
        self.assertEqual(r.status, 422)
        f = r.json()["error"]["fields"]
        self.assertEqual(set(f), {"template", "email", "disk_quota_mb", "always_on", "lifetime_days",
                                  "root_password", "login", "net_quota_min_mb", "fs_fault_tolerance_s",
                                  "backup_hours", "firewall_file", "ip_count", "colour"})
        self.assertIn("never a path", f["firewall_file"])
        self.assertEqual(counts("x"), before)

    def test_strict_edges(self):
        c = Client()
        o = order()
        # Duplicated form field, unknown JSON field, wrong content type, not JSON.
        tok, key = signup_form(c)
        pairs = form_pairs(o) + [("csrf", tok), ("idempotency_key", key), ("plan", "PRO4")]
        r = c.post_form("/signup", pairs)
        self.assertEqual(r.status, 400)
        self.assertIn("more than once", r.text)
        r = c.post_json("/api/v1/orders", dict(o, colour="blue"))
        self.assertEqual(r.status, 422)
        self.assertIn("colour", r.json()["error"]["fields"])
        r = c.post_json("/api/v1/orders", "[1, 2]")
        self.assertEqual(r.status, 400)
        r = c.request("POST", "/api/v1/orders", body="plan=WEB1",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertIn(r.status, (400, 415))
        for s in ('"7abc"', "7.0", "1e3", '" 7"', '"0x10"', "-1"):
            r = c.post_json("/api/v1/orders", json.dumps(o).replace('"disk_quota_mb": 1000',
                                                                     f'"disk_quota_mb": {s}'))
            self.assertEqual(r.status, 422, s)
            self.assertIn("disk_quota_mb", r.json()["error"]["fields"])
        self.assertEqual(counts(o["email"]), (0, 0, 0, 0))

    def test_csrf(self):
        c = Client()
        o = order()
        r = self.post_order(c, o, csrf=False)
        self.assertEqual(r.status, 403)
        self.assertIn(html.escape(o["email"]), r.text)      # values come back for a second look
        tok, key = signup_form(c)
        r = c.post_form("/signup", form_pairs(o) + [("csrf", "0" * 64), ("idempotency_key", key)])
        self.assertEqual(r.status, 403)
        # A token without its cookie (another browser's page) is refused too.
        other = Client()
        r = other.post_form("/signup", form_pairs(o) + [("csrf", tok), ("idempotency_key", key)],
                            cookies=False)
        self.assertEqual(r.status, 403)
        # A cross-site POST is refused before anything else.
        r = c.request("POST", "/signup", body="plan=WEB1",
                      headers={"Content-Type": "application/x-www-form-urlencoded",
                               "Sec-Fetch-Site": "cross-site"})
        self.assertEqual(r.status, 403)
        self.assertEqual(counts(o["email"]), (0, 0, 0, 0))
        # The cookie is HttpOnly and SameSite=Strict.
        sc = [v for v in Client().get("/signup").cookies_set() if v.startswith("vep_csrf=")][0]
        self.assertIn("HttpOnly", sc)
        self.assertIn("SameSite=Strict", sc)

    def test_double_submit_json(self):
        key = uniq("idem-")
        o = order(idempotency_key=key)
        r1 = Client().post_json("/api/v1/orders", o)
        self.assertEqual(r1.status, 201, r1.text)
        a1 = r1.json()
        self.made.append(a1["ve_id"])
        r2 = Client().post_json("/api/v1/orders", o)
        self.assertEqual(r2.status, 201, r2.text)
        a2 = r2.json()
        self.assertNotIn("root_password", a2)
        a1.pop("root_password")
        self.assertEqual(a1, a2)
        self.assertEqual(counts(o["email"]), (1, 1, 1, 1))
        # The same key from another customer is a conflict, nothing is written.
        o3 = order(idempotency_key=key)
        r3 = Client().post_json("/api/v1/orders", o3)
        self.assertEqual(r3.status, 409)
        self.assertIn("idempotency_key", r3.json()["error"]["fields"])
        self.assertEqual(counts(o["email"]), (1, 1, 1, 1))
        self.assertEqual(counts(o3["email"]), (0, 0, 0, 0))

    def test_double_submit_form(self):
        c = Client()
        tok, key = signup_form(c)
        o = order()
        pairs = form_pairs(o) + [("csrf", tok), ("idempotency_key", key)]
        r1 = c.post_form("/signup", pairs)
        self.assertEqual(r1.status, 200)
        ve = re.search(r'id="ve-id">([0-9A-F]{8})<', r1.text).group(1)
        self.made.append(ve)
        r2 = c.post_form("/signup", pairs)
        self.assertEqual(r2.status, 200)
        self.assertIn("already placed", r2.text)
        self.assertIn(ve, r2.text)
        self.assertNotIn(o["root_password"], r2.text)
        self.assertEqual(counts(o["email"]), (1, 1, 1, 1))

    def test_fixing_a_mistake_keeps_the_key(self):
        c = Client()
        tok, key = signup_form(c)
        r = c.post_form("/signup", form_pairs(order(root_password="short")) +
                        [("csrf", tok), ("idempotency_key", key)])
        self.assertEqual(r.status, 400)
        self.assertIn(f'name="idempotency_key" value="{key}"', r.text)


class Exhaustion(unittest.TestCase):
    """A test-only plan big enough to empty the pool or overfill every node; removed afterwards."""
    code = "ITBIG" + uniq("")[-6:]

    @classmethod
    def setUpClass(cls):
        now = int(time.time())
        sql(f"INSERT INTO plans (code, name, currency, active, max_disk_quota_mb, max_ip_count, "
            f"login_allowed, created_at) VALUES ({q(cls.code)}, 'IT big', 'EUR', 1, 1000000000000, 1024, "
            f"'ssh', {now}); INSERT INTO plan_versions (plan_id, valid_from, monthly_fee_minor) "
            f"SELECT id, 0, 0 FROM plans WHERE code = {q(cls.code)}")

    @classmethod
    def tearDownClass(cls):
        sql(f"DELETE v FROM plan_versions v JOIN plans p ON p.id = v.plan_id WHERE p.code = {q(cls.code)}; "
            f"DELETE FROM plans WHERE code = {q(cls.code)}")

    def test_pool_exhausted(self):
        free = int(sql1("SELECT COUNT(*) FROM ip_addresses WHERE ve_id IS NULL"))
        if free + 1 > 1024:
            self.skipTest("the pools are larger than a plan allows")
        o = order(plan=self.code, ip_count=free + 1)
        r = Client().post_json("/api/v1/orders", o)
        self.assertEqual(r.status, 409, r.text)
        self.assertIn("IP addresses", r.json()["error"]["message"])
        self.assertEqual(counts(o["email"]), (0, 0, 0, 0))
        c = Client()
        tok, key = signup_form(c)
        r = c.post_form("/signup", form_pairs(o) + [("csrf", tok), ("idempotency_key", key)])
        self.assertEqual(r.status, 409)
        self.assertIn("no free IP addresses", r.text)
        self.assertEqual(counts(o["email"]), (0, 0, 0, 0))
        # The pool was left as it was: every address that was free still is.
        self.assertGreaterEqual(int(sql1("SELECT COUNT(*) FROM ip_addresses WHERE ve_id IS NULL")), free - 5)

    def test_no_node_with_room(self):
        most = int(sql1("SELECT MAX(disk_mb) FROM nodes WHERE enabled = 1") or 0)
        o = order(plan=self.code, disk_quota_mb=most + 1)
        r = Client().post_json("/api/v1/orders", o)
        self.assertEqual(r.status, 409, r.text)
        self.assertIn("No server has room", r.json()["error"]["message"])
        self.assertEqual(counts(o["email"]), (0, 0, 0, 0))


if __name__ == "__main__":
    unittest.main()
