"""The self-maintenance screen through nginx, FastCGI and MariaDB (SPEC
section 4): login, sessions (cookie flags, fixation, idle and absolute
timeouts), throttling per VE and per address, logout and password change
with CSRF, the dashboard's content and escaping, charts, and that an owner
only ever sees their own VE."""
import re
import time
import os
import unittest

from screens_util import Client, basic, create_ve, q, release, sql, sql1

INFO = "<script>alert(1)</script>&\"'"


def login(c, ve, pw):
    return c.self_login(ve, pw)


def csrf_of(page):
    return re.search(r'name="csrf" value="([0-9a-f]{64})"', page).group(1)


class Self(unittest.TestCase):
    made = []
    addrs = ["127.0.0.2"]

    @classmethod
    def setUpClass(cls):
        cls.a, cls.apw, cls.aans = create_ve(user_info=INFO, ip_count=2,
                                             dns_names=["a.self-test.example"])
        cls.b, cls.bpw, _ = create_ve(user_info="VE B private note")
        cls.made += [cls.a, cls.b]

    @classmethod
    def tearDownClass(cls):
        release(cls.made, cls.addrs)

    def test_login_and_dashboard(self):
        c = Client()
        r = c.get("/self")
        self.assertEqual(r.status, 200)
        self.assertIn('name="ve_id"', r.text)
        r = login(c, self.a.lower(), self.apw)      # VEids are accepted in lower case too
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/self")
        sc = [v for v in r.cookies_set() if v.startswith("vep_sid=")][0]
        for flag in ("HttpOnly", "SameSite=Strict", "Path=/"):
            self.assertIn(flag, sc)
        self.assertNotIn("Secure", sc)                # plain http here; __Host- and Secure on https
        r = c.get("/self")
        self.assertEqual(r.status, 200)
        self.assertIn("no-store", r.header("Cache-Control"))
        t = r.text
        self.assertIn(f'id="ve-id">{self.a}<', t)
        for ip in self.aans["ips"]:
            self.assertIn(ip["address"], t)
            self.assertIn(ip["netmask"], t)
        self.assertIn("a.self-test.example", t)
        self.assertIn(self.aans["gateway"], t)
        for d in self.aans["dns_servers"]:
            self.assertIn(d, t)
        for words in ("Usage", "Charges this month", "Invoices", "Change password", "Your order"):
            self.assertIn(words, t)
        self.assertIn('id="charges-table"', t)
        recorded = sql1(f"SELECT COUNT(*) FROM ve_totals WHERE ve_id = {q(self.a)}") == "1"
        if not recorded:
            self.assertIn("No usage recorded yet", t)
        # user_info escaped on the page.
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;", t)
        self.assertNotIn("<script>alert(1)", t)

    def test_wrong_logins_tell_nothing(self):
        c = Client()
        answers = []
        for ve, pw in ((self.a, "wrong-password-123"), ("0BADC0DE", "wrong-password-123"),
                       ("not-a-ve", "whatever-it-is")):
            r = login(c, ve, pw)
            answers.append((r.status, re.sub(r'value="[^"]*"', "", r.text)))
            self.assertNotIn("vep_sid", "".join(r.cookies_set()))
        self.assertEqual(answers[0][0], 403)
        self.assertEqual(answers[0], answers[1])
        self.assertEqual(answers[0][0], answers[2][0])
        self.assertIn("The VEid or password is wrong.", answers[0][1])
        sql(f"DELETE FROM login_failures WHERE subject IN ({q(self.a)}, '0BADC0DE', 'not-a-ve')")

    def test_throttle_per_ve(self):
        ve, pw, _ = create_ve()
        self.made.append(ve)
        c = Client()
        for _ in range(5):
            self.assertEqual(login(c, ve, "wrong-password-123").status, 403)
        r = login(c, ve, pw)
        self.assertEqual(r.status, 429)
        ra = int(r.header("Retry-After"))
        self.assertTrue(0 < ra <= 901, ra)
        self.assertNotIn("vep_sid", "".join(r.cookies_set()))
        # The API counts the same failures.
        r = Client().get(f"/api/v1/ves/{ve}", headers=basic(ve, pw))
        self.assertEqual(r.status, 429)
        self.assertIsNotNone(r.header("Retry-After"))
        # Another VE from the same address is not locked.
        self.assertEqual(login(Client(), self.b, self.bpw).status, 303)
        # When the window has passed, the right password works again.
        sql(f"UPDATE login_failures SET at = at - 1000 WHERE subject = {q(ve)}")
        self.assertEqual(login(c, ve, pw).status, 303)

    def test_throttle_per_address(self):
        ve, pw, _ = create_ve()
        self.made.append(ve)
        other = Client(source="127.0.0.2")
        sql("DELETE FROM login_failures WHERE addr = '127.0.0.2'")  # start from a clean window
        base = int.from_bytes(os.urandom(3), "big") << 8   # fresh subjects: no per-VE lock interferes
        for i in range(50):
            r = login(other, f"{base + i:08X}", "wrong-password-123")
            self.assertEqual(r.status, 403)
        r = login(other, ve, pw)
        self.assertEqual(r.status, 429)
        self.assertIsNotNone(r.header("Retry-After"))
        self.assertEqual(login(Client(), ve, pw).status, 303)   # 127.0.0.1 is not locked
        sql("DELETE FROM login_failures WHERE addr = '127.0.0.2'")

    def test_new_session_at_every_login(self):
        c = Client()
        self.assertEqual(login(c, self.a, self.apw).status, 303)
        first = c.jar["vep_sid"]
        self.assertEqual(login(c, self.a, self.apw).status, 303)
        second = c.jar["vep_sid"]
        self.assertNotEqual(first, second)
        old = Client()
        old.jar["vep_sid"] = first
        self.assertIn('name="ve_id"', old.get("/self").text)   # the old id is gone
        self.assertIn(f'id="ve-id">{self.a}<', c.get("/self").text)

    def test_logout_needs_csrf(self):
        c = Client()
        login(c, self.a, self.apw)
        page = c.get("/self").text
        sid = c.jar["vep_sid"]
        r = c.post_form("/self/logout", [])
        self.assertEqual(r.status, 403)
        r = c.post_form("/self/logout", [("csrf", "0" * 64)])
        self.assertEqual(r.status, 403)
        self.assertIn(f'id="ve-id">{self.a}<', c.get("/self").text)
        r = c.post_form("/self/logout", [("csrf", csrf_of(page))])
        self.assertEqual(r.status, 303)
        self.assertNotIn("vep_sid", c.jar)
        stale = Client()
        stale.jar["vep_sid"] = sid
        self.assertIn('name="ve_id"', stale.get("/self").text)

    def test_timeouts(self):
        c = Client()
        login(c, self.a, self.apw)
        self.assertIn(f'id="ve-id">{self.a}<', c.get("/self").text)
        # Idle longer than session_idle_s (1800 s by default).
        sql(f"UPDATE sessions SET last_seen = last_seen - 4000 WHERE kind = 'self' AND subject = {q(self.a)}")
        self.assertIn('name="ve_id"', c.get("/self").text)
        # Active, but older than session_max_s (12 h by default).
        login(c, self.a, self.apw)
        sql(f"UPDATE sessions SET created_at = created_at - 90000 WHERE kind = 'self' AND subject = {q(self.a)}")
        self.assertIn('name="ve_id"', c.get("/self").text)

    def test_password_change(self):
        ve, pw, _ = create_ve()
        self.made.append(ve)
        c, other = Client(), Client()
        login(c, ve, pw)
        login(other, ve, pw)
        tok = csrf_of(c.get("/self").text)
        new = "a-brand-new-password-" + str(int(time.time()))
        cases = [
            ([("old_password", "wrong-password-1"), ("new_password", new), ("confirm", new)],
             "The current password is wrong."),
            ([("old_password", pw), ("new_password", "short"), ("confirm", "short")],
             "12 to 128 characters"),
            ([("old_password", pw), ("new_password", new), ("confirm", new + "x")],
             "are not the same"),
        ]
        for fields, why in cases:
            r = c.post_form("/self/password", [("csrf", tok)] + fields)
            self.assertEqual(r.status, 400, why)
            self.assertIn(why, r.text)
        r = c.post_form("/self/password", [("old_password", pw), ("new_password", new), ("confirm", new)])
        self.assertEqual(r.status, 403)                   # no CSRF token
        sql(f"DELETE FROM login_failures WHERE subject = {q(ve)}")
        old_sid = c.jar["vep_sid"]
        r = c.post_form("/self/password", [("csrf", tok), ("old_password", pw), ("new_password", new),
                                            ("confirm", new)])
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/self?changed=1")
        self.assertNotEqual(c.jar["vep_sid"], old_sid)     # a fresh session
        self.assertIn("Your password was changed", c.get("/self?changed=1").text)
        self.assertIn('name="ve_id"', other.get("/self").text)   # the other session ended
        self.assertEqual(login(Client(), ve, pw).status, 403)
        self.assertEqual(login(Client(), ve, new).status, 303)
        self.assertEqual(Client().get(f"/api/v1/ves/{ve}", headers=basic(ve, new)).status, 200)
        sql(f"DELETE FROM login_failures WHERE subject = {q(ve)}")

    def test_owner_sees_only_own_ve(self):
        c = Client()
        login(c, self.a, self.apw)
        for path in ("/self", f"/self?ve_id={self.b}", f"/self?range=day&ve_id={self.b}"):
            t = c.get(path).text
            self.assertIn(f'id="ve-id">{self.a}<', t)
            self.assertNotIn(self.b, t)
            self.assertNotIn("VE B private note", t)
        r = c.get(f"/self/chart?metric=cpu&range=hour&ve_id={self.b}")
        self.assertEqual(r.status, 200)
        self.assertIn(self.a, r.text)
        self.assertNotIn(self.b, r.text)

    def test_charts(self):
        c = Client()
        self.assertEqual(c.get("/self/chart?metric=cpu&range=hour").status, 403)
        login(c, self.a, self.apw)
        for m in ("cpu", "vmem", "disk", "net"):
            for rg in ("hour", "day", "month"):
                r = c.get(f"/self/chart?metric={m}&range={rg}")
                self.assertEqual(r.status, 200)
                self.assertTrue(r.header("Content-Type").startswith("image/svg+xml"))
                self.assertIn("no-store", r.header("Cache-Control"))
                self.assertTrue(r.text.startswith("<svg "))
                self.assertNotIn("<script", r.text)
                self.assertNotIn("style=", r.text)
        self.assertEqual(c.get("/self/chart?metric=gpu&range=hour").status, 400)
        self.assertEqual(c.get("/self/chart?metric=cpu&range=year").status, 400)
        self.assertEqual(c.get("/self/chart?metric=cpu&metric=net").status, 400)
        t = c.get("/self?range=month").text
        if "Usage history" in t:
            self.assertIn("/self/chart?metric=cpu&amp;range=month", t)

    def test_state_banners(self):
        ve, pw, _ = create_ve()
        self.made.append(ve)
        c = Client()
        login(c, ve, pw)
        sql(f"UPDATE ves SET expires_at = UNIX_TIMESTAMP() + 3 * 86400 + 60 WHERE id = {q(ve)}")
        self.assertIn("Your VE expires in 3 days", c.get("/self").text)
        sql(f"UPDATE ves SET state = 'suspended', state_reason = 'unpaid <invoice>' WHERE id = {q(ve)}")
        t = c.get("/self").text
        self.assertIn("Your VE is suspended", t)
        self.assertIn("unpaid &lt;invoice&gt;", t)

    def test_methods_and_pages(self):
        c = Client()
        self.assertEqual(c.get("/self/login").status, 405)
        self.assertEqual(c.get("/self/nope").status, 404)
        self.assertEqual(c.post_form("/self/password", []).status, 403)


if __name__ == "__main__":
    unittest.main()
