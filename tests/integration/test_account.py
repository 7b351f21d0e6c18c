"""Customer accounts at /account (issue 18, "Accounts, not one account per VE").

Through nginx and the real programs, with the mails read from the dev mail
catcher (var/mail/, as test_mail.py does):

    sign-up -> a verification mail; its link confirms the address once
    login -> throttled per address like /self's (5 wrong: 429, the right
        password too), CSRF needed on every change
    ordering into the account -> refused (403, nothing written) until the
        address is confirmed, then placed into that account
    linking a VE ordered from outside -> needs the account's login AND the
        VE's own password (wrong: 403, counted, nothing written); a VE of
        another account with a login stays there
    invoice run -> one invoice for the account with both VEs; a VE linked
        after its old account was invoiced is not billed twice
    bad input -> a clear error, nothing written
    a new e-mail address -> needs the password; a link to the new address
        changes it once, the old address is told; another account's
        address is never taken nor revealed
"""
import calendar
import json
import os
import random
import re
import unittest

from screens_util import form_pairs, order
from test_mail import MAILDIR, mails_to, text_of, wait_mails
from veplib import Client, admin_headers, basic, request, sql, sql_value

ISP = "Demo ISP"


def counts():
    return [int(sql_value("SELECT COUNT(*) FROM %s" % t))
            for t in ("accounts", "orders", "ves", "mail_outbox", "account_links", "audit_log")]


def hidden(html, name):
    m = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), html)
    return m.group(1) if m else ""


class Account(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(MAILDIR):
            raise unittest.SkipTest("no var/mail: the mail catcher is not running (./dev up)")
        cls.tag = "%06x" % random.randrange(1 << 24)
        # Loopback source addresses of this run's own (throttling counts by address).
        base = random.randrange(2, 250)
        cls.src = ["127.0.%d.%d" % (60 + i, base) for i in range(6)]
        cls.n = 0

    def addr(self, name):
        return "acct-%s-%s@Example.NET" % (self.tag, name)

    def client(self, i=0):
        return Client(self.src[i])

    # ---- helpers ----------------------------------------------------------------------------
    def signup(self, c, email, pw, confirm=None, token=True):
        r = c.get("/account")
        fields = [("email", email), ("password", pw), ("confirm", pw if confirm is None else confirm)]
        if token:
            fields.append(("login_token", hidden(r.text, "login_token")))
        return c.post_form("/account/signup", fields)

    def login(self, c, email, pw):
        r = c.get("/account", cookies=False)
        return c.post_form("/account/login", [("login_token", hidden(r.text, "login_token")),
                                              ("email", email), ("password", pw)])

    def link_of(self, email):
        m = wait_mails(email.lower(), "Confirm your e-mail address")[-1]
        text = text_of(m)
        self.assertIn(ISP, text)
        link = re.search(r"(/account/verify\?token=[0-9a-f]{64})", text)
        self.assertIsNotNone(link, text)
        return link.group(1)

    def verified_account(self, name, i=0):
        """A confirmed account, logged in: (client, e-mail, password, account id)."""
        c, email, pw = self.client(i), self.addr(name), "account-pass-" + self.tag
        r = self.signup(c, email, pw)
        self.assertEqual(r.status, 200, r.text)
        r = c.get(self.link_of(email))
        self.assertEqual(r.status, 200, r.text)
        r = self.login(c, email, pw)
        self.assertEqual(r.status, 303, r.text)
        acct = int(sql_value("SELECT id FROM accounts WHERE login_email = '%s'" % email.lower()))
        return c, email, pw, acct

    def csrf(self, c):
        r = c.get("/account")
        self.assertEqual(r.status, 200)
        tok = hidden(r.text, "csrf")
        self.assertEqual(len(tok), 64, r.text[:500])
        return tok

    def order_into(self, c, **over):
        r = c.get("/account/order")
        self.assertEqual(r.status, 200, r.text[:300])
        o = order(**over)
        o.pop("email")
        pairs = form_pairs(o) + [("csrf", hidden(r.text, "csrf")),
                                 ("idempotency_key", hidden(r.text, "idempotency_key"))]
        return c.post_form("/account/order", pairs), o

    # ---- sign-up and verification ------------------------------------------------------------
    def test_1_signup_verify_and_order_gate(self):
        c, email, pw = self.client(0), self.addr("verify"), "account-pass-" + self.tag
        r = self.signup(c, email, pw)
        self.assertEqual(r.status, 200, r.text)
        self.assertIn("Check your mail", r.text)
        row = sql("SELECT login_email, verified_at IS NULL, password_hash LIKE '$argon2id$%%' "
                  "FROM accounts WHERE login_email = '%s'" % email.lower())
        self.assertEqual(row, [[email.lower(), "1", "1"]], "stored in lower case, unverified, argon2id")
        link = self.link_of(email)
        m = mails_to(email.lower(), "Confirm your e-mail address")[-1]
        self.assertNotIn(pw, m.as_string(), "the password is never mailed")
        self.assertIsNone(sql_value("SELECT secret FROM mail_outbox WHERE kind = 'verify' AND account_id = "
                                    "(SELECT id FROM accounts WHERE login_email = '%s') AND state = 'sent' "
                                    "AND secret IS NOT NULL" % email.lower()), "the link is wiped once sent")

        # Logged in before the address is confirmed: the account works, ordering does not.
        r = self.login(c, email, pw)
        self.assertEqual(r.status, 303, r.text)
        home = c.get("/account")
        self.assertIn('id="unverified"', home.text)
        self.assertNotIn('id="order-link"', home.text)
        self.assertEqual(c.get("/account/order").status, 403)
        before = counts()
        o = order()
        r = c.post_form("/account/order", form_pairs(o) + [("csrf", hidden(home.text, "csrf"))])
        self.assertEqual(r.status, 403, r.text[:300])
        self.assertIn("confirm your e-mail address", r.text)
        self.assertEqual(counts(), before, "nothing written before the address is confirmed")
        r = c.post_form("/account/link", [("csrf", hidden(home.text, "csrf")), ("ve_id", "0000002A"),
                                          ("ve_password", "x" * 12)])
        self.assertEqual(r.status, 403, "no linking before the address is confirmed")
        self.assertEqual(counts(), before)

        # "Send the link again": a new link replaces the first.
        r = c.post_form("/account/resend", [("csrf", hidden(home.text, "csrf"))])
        self.assertEqual(r.status, 303)
        self.assertIn("done=sent", r.header("Location"))
        got = wait_mails(email.lower(), "Confirm your e-mail address", 2)
        links = set(re.findall(r"/account/verify\?token=[0-9a-f]{64}", "".join(text_of(m) for m in got)))
        self.assertEqual(len(links), 2)
        first, link = link, (links - {link}).pop()
        self.assertEqual(c.get(first).status, 404, "the older link no longer works")

        # The link: once.
        r = c.get(link)
        self.assertEqual(r.status, 303, "logged in already: straight to the account")
        self.assertIn("done=verified", r.header("Location"))
        self.assertEqual(c.get(link).status, 404, "a link works once")
        self.assertEqual(Client(self.src[1]).get("/account/verify?token=" + "a" * 64).status, 404)
        self.assertEqual(Client(self.src[1]).get("/account/verify?token=nonsense").status, 400)
        home = c.get("/account")
        self.assertIn('id="verified"', home.text)
        self.assertIn('id="order-link"', home.text)

        # Now the first VE, and a second, go into this account.
        acct = int(sql_value("SELECT id FROM accounts WHERE login_email = '%s'" % email.lower()))
        for _ in range(2):
            r, o = self.order_into(c)
            self.assertEqual(r.status, 200, r.text[:500])
            ve = re.search(r'id="ve-id">([0-9A-F]{8})<', r.text).group(1)
            self.assertIn(o["root_password"], r.text, "the root password is shown once")
            self.assertEqual(sql("SELECT v.account_id, o.account_id FROM ves v JOIN orders o ON o.id = v.order_id "
                                 "WHERE v.id = '%s'" % ve), [[str(acct), str(acct)]])
        self.assertEqual(int(sql_value("SELECT COUNT(*) FROM ves WHERE account_id = %d" % acct)), 2)
        self.assertEqual(int(sql_value("SELECT COUNT(*) FROM accounts WHERE login_email = '%s' OR email = '%s'"
                                       % (email.lower(), email.lower()))), 1, "no second account")

    def test_2_signup_again_and_bad_input(self):
        c, email, pw = self.client(2), self.addr("bad"), "account-pass-" + self.tag
        cases = [
            ("not-an-address", pw, None, 400, "e-mail address"),
            (email, "short", None, 400, "12 to 128 characters"),
            (email, pw, pw + "x", 400, "not the same"),
            (email, "x" * 129, None, 400, "12 to 128 characters"),
            (email, "", None, 400, "12 to 128"),
            ("a\u202eb@example.com", pw, None, 400, "bidirectional"),
        ]
        for addr, p, conf, status, why in cases:
            before = counts()
            r = self.signup(c, addr, p, conf)
            self.assertEqual(r.status, status, (addr, p, r.text[:300]))
            self.assertIn(why, r.text, (addr, p))
            self.assertEqual(counts(), before, "nothing written: %r" % ((addr, p),))
        before = counts()
        r = self.signup(c, email, pw, token=False)
        self.assertEqual(r.status, 403, "no form token: not judged")
        self.assertEqual(counts(), before)
        # Cross-site: refused before any handler.
        r = c.request("POST", "/account/signup", body="email=x%40example.com",
                      headers={"Sec-Fetch-Site": "cross-site", "Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 403)

        # The same address twice: the same answer, a new link, the newest password.
        self.assertEqual(self.signup(c, email, pw).status, 200)
        first = self.link_of(email)
        r = self.signup(self.client(3), email, pw + "-2")
        self.assertEqual(r.status, 200)
        second = wait_mails(email.lower(), "Confirm your e-mail address", 2)
        links = set(re.findall(r"/account/verify\?token=[0-9a-f]{64}", "".join(text_of(m) for m in second)))
        self.assertEqual(len(links), 2)
        newest = (links - {first}).pop()
        self.assertEqual(c.get(first).status, 404, "a newer link replaces the older one")
        self.assertEqual(c.get(newest).status, 200)
        self.assertEqual(self.login(self.client(3), email, pw).status, 403, "the older password is gone")
        self.assertEqual(self.login(self.client(3), email, pw + "-2").status, 303)
        # A verified address signed up again: the same page, a mail to the owner, nothing changed.
        h = sql_value("SELECT password_hash FROM accounts WHERE login_email = '%s'" % email.lower())
        r = self.signup(self.client(4), email, "another-password-123")
        self.assertEqual(r.status, 200)
        self.assertIn("Check your mail", r.text)
        wait_mails(email.lower(), "already have an account")
        self.assertEqual(sql_value("SELECT password_hash FROM accounts WHERE login_email = '%s'" % email.lower()), h)
        self.assertEqual(int(sql_value("SELECT COUNT(*) FROM accounts WHERE login_email = '%s'" % email.lower())), 1)
        # Sign-ups of one address are counted like failed logins: the sixth in the window is 429.
        seen = []
        for i in range(3):
            before = counts()
            r = self.signup(self.client(5), email, "another-password-123")
            seen.append(r.status)
            if r.status == 429:
                self.assertEqual(counts(), before, "nothing written when throttled")
                self.assertTrue(int(r.header("Retry-After")) > 0)
        self.assertEqual(seen, [200, 200, 429])
        self.assertEqual(self.login(self.client(5), email, pw + "-2").status, 303,
                         "the account's logins are not locked by sign-ups")

    # ---- login throttling and CSRF -------------------------------------------------------------
    def test_3_login_throttled(self):
        c, email, pw, _ = self.verified_account("throttle", 3)
        for i in range(5):
            r = self.login(self.client(4), email.upper(), "wrong-password-%d" % i)
            self.assertEqual(r.status, 403, r.text[:300])
            self.assertIn("e-mail address or password is wrong", r.text)
        r = self.login(self.client(5), email, pw)
        self.assertEqual(r.status, 429, "locked for this address, the right password included")
        self.assertTrue(int(r.header("Retry-After")) > 0)
        self.assertFalse([k for k in r.set_cookies() if k.startswith("vep_acct=")], "no session")
        # An unknown address gets the same answer as a wrong password.
        r = self.login(self.client(4), self.addr("nobody"), pw)
        self.assertEqual(r.status, 403)
        self.assertIn("e-mail address or password is wrong", r.text)

    def test_4_csrf_and_profile(self):
        c, email, pw, acct = self.verified_account("profile", 1)
        tok = self.csrf(c)
        good = [("name", "Erika Mustermann"), ("company", "Muster GmbH"),
                ("address", "Hauptstr. 1\r\n10115 Berlin\r\nGermany"), ("vat_id", "de 123 456 789"),
                ("phone", "+49 30 1234567"), ("country", "de")]
        before = counts()
        for extra in ([], [("csrf", "0" * 64)], [("csrf", tok), ("csrf", tok)]):
            r = c.post_form("/account/profile", good + extra)
            self.assertEqual(r.status, 403, extra)
        r = c.post_form("/account/link", [("ve_id", "0000002A"), ("ve_password", "x" * 12)])
        self.assertEqual(r.status, 403)
        self.assertEqual(counts(), before, "no change without the session's CSRF token")
        self.assertEqual(sql_value("SELECT CONCAT('[', name, ']') FROM accounts WHERE id = %d" % acct), "[]")

        bad = [
            ("vat_id", "123456789", "country's two letters"),
            ("vat_id", "DE12345678901234567", "at most"),
            ("phone", "call me", "digits"),
            ("phone", "+1 2", "5 to 20 digits"),
            # Refused at the HTTP edge already (lib/web/http.c), before the page sees them.
            ("name", "Eve\u202eevil", "control or bidirectional"),
            ("name", "x" * 129, "at most 128"),
            ("company", "a\x1b[31mb", "control or bidirectional"),
            ("address", "a" * 513, "at most 512"),
            ("country", "Germany", "two letters"),
        ]
        for field, value, why in bad:
            fields = [(k, value if k == field else v) for k, v in good] + [("csrf", tok)]
            before = counts()
            r = c.post_form("/account/profile", fields)
            self.assertEqual(r.status, 400, (field, value))
            self.assertIn(why, r.text, (field, value))
            if "bidirectional" not in why:
                self.assertIn('id="pe-%s"' % field, r.text)
            self.assertEqual(counts(), before, "nothing written for %s=%r" % (field, value))
            self.assertEqual(sql_value("SELECT CONCAT('[', name, ']') FROM accounts WHERE id = %d" % acct), "[]")
        r = c.post_form("/account/profile", good + [("csrf", tok)])
        self.assertEqual(r.status, 303, r.text[:300])
        self.assertEqual(sql("SELECT name, company, HEX(address), vat_id, phone, country FROM accounts WHERE id = %d" % acct),
                         [["Erika Mustermann", "Muster GmbH", b"Hauptstr. 1\r\n10115 Berlin\r\nGermany".hex().upper(),
                           "DE123456789", "+49 30 1234567", "DE"]])
        home = c.get("/account?done=profile")
        self.assertIn("Your profile was saved.", home.text)
        self.assertIn("Muster GmbH", home.text)
        # The saved country and VAT id choose the tax (./dev's [isp]: DE seller, DE:1900, FR:2000):
        # domestic, then another EU state's VAT id (reverse charge), then no VAT id (FR's rate).
        rate = "SELECT tax_bp, tax_scheme FROM accounts WHERE id = %d" % acct
        self.assertEqual(sql(rate), [["1900", "standard"]])
        for vat, want in (("FR12345678901", [["0", "reverse_charge"]]), ("", [["2000", "standard"]])):
            fr = [(k, "fr" if k == "country" else vat if k == "vat_id" else v) for k, v in good]
            r = c.post_form("/account/profile", fr + [("csrf", tok)])
            self.assertEqual(r.status, 303, r.text[:300])
            self.assertEqual(sql(rate), want, vat)
        # Logout ends the session.
        r = c.post_form("/account/logout", [("csrf", tok)])
        self.assertEqual(r.status, 303)
        self.assertIn('name="login_token"', c.get("/account").text)

    # ---- linking and one invoice -------------------------------------------------------------------
    def outside_ve(self, **over):
        r = request("POST", "/api/v1/orders", order(**over))
        self.assertEqual(r.status, 201, r.text)
        return r.json()["ve_id"], r.json()["root_password"]

    def backdate(self, ves, t):
        ids = ", ".join("'%s'" % v for v in ves)
        sql("UPDATE ves SET created_at = %d, updated_at = %d WHERE id IN (%s)" % (t, t, ids))
        sql("UPDATE ve_state_log SET at = %d WHERE ve_id IN (%s)" % (t, ids))

    def invoice_run(self, period):
        r = request("POST", "/api/v1/admin/invoice-runs", {"period": period}, admin_headers())
        self.assertIn(r.status, (200, 201), r.text)

    def test_5_link_and_one_invoice(self):
        c, email, pw, acct = self.verified_account("link", 2)
        r, _ = self.order_into(c)
        self.assertEqual(r.status, 200, r.text[:300])
        mine = re.search(r'id="ve-id">([0-9A-F]{8})<', r.text).group(1)
        other, other_pw = self.outside_ve()
        old = int(sql_value("SELECT account_id FROM ves WHERE id = '%s'" % other))
        self.assertNotEqual(old, acct, "an order from outside makes a new account")
        tok = self.csrf(c)

        # The VE's password is needed; wrong ones are counted like /self logins.
        nove = "DB%06X" % random.randrange(1 << 24)   # no such VE (its own throttle subject each run)
        for ve, p, status, why in [(other, "wrong-password-1", 403, "password is wrong"),
                                   (nove, other_pw, 403, "password is wrong"),
                                   ("xyz", other_pw, 400, "8 hexadecimal digits"),
                                   (other, "", 400, "root password")]:
            before = counts()
            fails = int(sql_value("SELECT COUNT(*) FROM login_failures WHERE subject = '%s'" % ve.upper()))
            r = c.post_form("/account/link", [("csrf", tok), ("ve_id", ve), ("ve_password", p)])
            self.assertEqual(r.status, status, (ve, p, r.text[:300]))
            self.assertIn(why, r.text)
            self.assertEqual(counts(), before, "nothing linked")
            if status == 403 and ve == other:
                self.assertEqual(int(sql_value("SELECT COUNT(*) FROM login_failures WHERE subject = '%s'" % ve)),
                                 fails + 1, "a wrong VE password counts against the VE's logins")
        self.assertEqual(int(sql_value("SELECT account_id FROM ves WHERE id = '%s'" % other)), old)

        # Any case of the VEid, the right password: linked.
        r = c.post_form("/account/link", [("csrf", tok), ("ve_id", other.lower()), ("ve_password", other_pw)])
        self.assertEqual(r.status, 303, r.text[:300])
        self.assertEqual(sql("SELECT v.account_id, o.account_id FROM ves v JOIN orders o ON o.id = v.order_id "
                             "WHERE v.id = '%s'" % other), [[str(acct), str(acct)]])
        self.assertEqual(sql("SELECT from_account, to_account FROM account_links WHERE ve_id = '%s'" % other),
                         [[str(old), str(acct)]])
        r = c.post_form("/account/link", [("csrf", tok), ("ve_id", other), ("ve_password", other_pw)])
        self.assertEqual(r.status, 409, "linked already")
        # The VE's own login is as it was.
        s = Client(self.src[2])
        self.assertEqual(s.self_login(other, other_pw).status, 303)

        # A VE in another account with a login stays there, even with its password.
        c2, _, _, acct2 = self.verified_account("link2", 3)
        r, o2 = self.order_into(c2)
        theirs = re.search(r'id="ve-id">([0-9A-F]{8})<', r.text).group(1)
        before = counts()
        r = c.post_form("/account/link", [("csrf", tok), ("ve_id", theirs), ("ve_password", o2["root_password"])])
        self.assertEqual(r.status, 409, r.text[:300])
        self.assertIn("another customer account", r.text)
        self.assertEqual(counts(), before)

        home = c.get("/account")
        for ve in (mine, other):
            self.assertIn(ve, home.text)
        self.assertEqual(len(re.findall(r'class="num ve-charges"', home.text)), 2)
        self.assertIn('class="num month-total"', home.text)

        # One invoice for both: the two VEs rated in a past month of this run's own.
        y, m = random.randrange(2019, 2023), random.randrange(1, 13)
        period = "%04d-%02d" % (y, m)
        start = calendar.timegm((y, m, 1, 0, 0, 0))
        self.backdate([mine, other], start)
        self.invoice_run(period)
        rows = sql("SELECT i.number, COUNT(DISTINCT l.ve_id), GROUP_CONCAT(DISTINCT l.ve_id ORDER BY l.ve_id) "
                   "FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id "
                   "WHERE i.account_id = %d AND i.period = '%s' GROUP BY i.id" % (acct, period))
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0][1:], ["2", ",".join(sorted([mine, other]))])
        self.assertEqual(sql_value("SELECT COUNT(*) FROM invoices WHERE account_id = %d" % old), "0")
        home = c.get("/account")
        self.assertIn(rows[0][0], home.text)
        # Its PDF for this account only.
        r = c.get("/account/invoices/%s.pdf" % rows[0][0])
        self.assertEqual(r.status, 200, r.text[:300])
        self.assertEqual(r.header("Content-Type"), "application/pdf")
        self.assertTrue(r.body.startswith(b"%PDF-"))
        self.assertEqual(c2.get("/account/invoices/%s.pdf" % rows[0][0]).status, 404, "not another account's")
        self.assertEqual(c.get("/account/invoices/INV-1999-999999.pdf").status, 404)
        self.invoice_run(period)
        self.assertEqual(int(sql_value("SELECT COUNT(*) FROM invoices WHERE account_id = %d AND period = '%s'"
                                       % (acct, period))), 1, "a second run adds nothing")

        # A VE invoiced on its old account, then linked: that month is not billed again.
        late, late_pw = self.outside_ve()
        late_old = int(sql_value("SELECT account_id FROM ves WHERE id = '%s'" % late))
        m2 = m % 12 + 1
        y2 = y + (1 if m == 12 else 0)
        period2 = "%04d-%02d" % (y2, m2)
        self.backdate([late], calendar.timegm((y2, m2, 1, 0, 0, 0)))
        self.invoice_run(period2)
        self.assertEqual(int(sql_value("SELECT COUNT(*) FROM invoices WHERE account_id = %d AND period = '%s'"
                                       % (late_old, period2))), 1)
        # Into the second account, which has no invoice for that month yet.
        r = c2.post_form("/account/link", [("csrf", self.csrf(c2)), ("ve_id", late), ("ve_password", late_pw)])
        self.assertEqual(r.status, 303, r.text[:300])
        self.invoice_run(period2)
        self.assertEqual(sql_value("SELECT COUNT(*) FROM invoices WHERE account_id = %d AND period = '%s'"
                                   % (acct2, period2)), "0")
        self.assertEqual(int(sql_value("SELECT COUNT(*) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id "
                                       "WHERE l.ve_id = '%s' AND i.period = '%s' AND l.kind = 'fee'"
                                       % (late, period2))), 1, "billed once for the month")
        # Its invoice from before the link is still its owner's to see (and pay).
        number = sql_value("SELECT number FROM invoices WHERE account_id = %d AND period = '%s'" % (late_old, period2))
        r = request("GET", "/api/v1/invoices/" + number, headers=basic(late, late_pw))
        self.assertEqual(r.status, 200, r.text)
        r = request("GET", "/api/v1/invoices/" + number, headers=basic(other, other_pw))
        self.assertEqual(r.status, 404, "another VE of the account does not see it")

    # ---- forgot password ----------------------------------------------------------------------
    def forgot(self, c, email):
        r = c.get("/account/forgot")
        self.assertEqual(r.status, 200)
        return c.post_form("/account/forgot", [("form_token", hidden(r.text, "form_token")), ("email", email)])

    def test_6_forgot_password(self):
        c, email, pw, acct = self.verified_account("forgot", 4)
        other = self.client(5)
        # The same answer for an unknown address, and nothing queued for it.
        before = counts()
        r = self.forgot(other, self.addr("nobody-here"))
        self.assertEqual(r.status, 200)
        self.assertIn('id="reset-sent"', r.text)
        self.assertEqual(counts(), before, "nothing written for an unknown address")
        for bad, status in (("not-an-address", 400),):
            self.assertEqual(self.forgot(other, bad).status, status)
        self.assertEqual(other.post_form("/account/forgot", [("email", email)]).status, 403, "no form token")

        r = self.forgot(other, email.upper())
        self.assertIn('id="reset-sent"', r.text)
        m = wait_mails(email.lower(), "Password reset for your account")[-1]
        self.assertNotIn(pw, m.as_string())
        link = re.search(r"/account/reset\?token=[0-9a-f]{64}", text_of(m)).group(0)
        r = other.get(link)
        self.assertEqual(r.status, 200)
        fields = [("form_token", hidden(r.text, "form_token")), ("token", hidden(r.text, "token"))]
        before = counts()
        for p1, p2, why in (("short", "short", "12 to 128"), ("a-new-password-1", "a-new-password-2", "not the same")):
            r = other.post_form("/account/reset", fields + [("password", p1), ("confirm", p2)])
            self.assertEqual(r.status, 400)
            self.assertIn(why, r.text)
        self.assertEqual(counts(), before, "nothing written for a refused password")
        new = "a-brand-new-password-" + self.tag
        r = other.post_form("/account/reset", fields + [("password", new), ("confirm", new)])
        self.assertEqual(r.status, 200, r.text[:300])
        self.assertIn('id="reset-done"', r.text)
        self.assertEqual(other.get(link).status, 404, "the link works once")
        self.assertIn('name="login_token"', c.get("/account").text, "the old session has ended")
        self.assertEqual(self.login(self.client(4), email, pw).status, 403, "the old password is gone")
        self.assertEqual(self.login(self.client(4), email, new).status, 303)

    # ---- a new e-mail address ---------------------------------------------------------------
    def email_form(self, c, new, pw, csrf=True):
        fields = [("new_email", new), ("password", pw)]
        if csrf:
            fields.append(("csrf", self.csrf(c)))
        return c.post_form("/account/email", fields)

    def email_link(self, new, n=1):
        got = wait_mails(new.lower(), "Confirm your new e-mail address", n)
        links = re.findall(r"/account/email/confirm\?token=[0-9a-f]{64}", text_of(got[-1]))
        self.assertEqual(len(links), 1, text_of(got[-1]))
        return links[0]

    def test_7_email_change(self):
        c, old, pw, acct = self.verified_account("emold", 2)
        new, other_addr = self.addr("emnew"), self.addr("emother")
        pending = "SELECT COUNT(*) FROM account_email_changes WHERE account_id = %d" % acct
        for addr, p, csrf, status, why in (
                ("not-an-address", pw, True, 400, "e-mail address such as"),
                (old.upper(), pw, True, 400, "address already"),
                (new, "", True, 400, "Enter your password"),
                (new, "wrong-password-1", True, 403, "password is wrong"),
                (new, pw, False, 403, None)):
            before = counts()
            r = self.email_form(c, addr, p, csrf)
            self.assertEqual(r.status, status, (addr, r.text[:300]))
            if why:
                self.assertIn(why, r.text)
                self.assertIn('id="email-error"', r.text)
            self.assertEqual(counts(), before, "nothing written: %r" % addr)
            self.assertEqual(sql_value(pending), "0")
        self.assertEqual(mails_to(new.lower()), [], "nothing mailed to the new address yet")

        # The request: a link to the new address; nothing changes until it is opened.
        r = self.email_form(c, new, pw)
        self.assertEqual(r.status, 303, r.text[:300])
        self.assertIn("done=email_sent", r.header("Location"))
        home = c.get("/account")
        self.assertIn('id="email-pending"', home.text)
        self.assertIn(new.lower(), home.text)
        link = self.email_link(new)
        self.assertEqual(sql("SELECT email, login_email FROM accounts WHERE id = %d" % acct),
                         [[old.lower(), old.lower()]])
        self.assertIsNone(sql_value("SELECT secret FROM mail_outbox WHERE kind = 'email_change' AND "
                                    "account_id = %d AND state = 'sent' AND secret IS NOT NULL" % acct),
                          "the link is wiped once sent")
        self.assertEqual(Client(self.src[4]).get("/account/email/confirm?token=" + "b" * 64).status, 404)
        self.assertEqual(Client(self.src[4]).get("/account/email/confirm?token=nonsense").status, 400)

        # Opened (in another browser, not logged in): the address changes once; the old one is told.
        r = Client(self.src[4]).get(link)
        self.assertEqual(r.status, 200, r.text[:300])
        self.assertIn("Your e-mail address is changed", r.text)
        self.assertEqual(sql("SELECT email, login_email FROM accounts WHERE id = %d" % acct),
                         [[new.lower(), new.lower()]])
        self.assertEqual(Client(self.src[4]).get(link).status, 404, "a link works once")
        told = text_of(wait_mails(old.lower(), "e-mail address of your account")[-1])
        self.assertIn(new.lower(), told)
        rows = sql("SELECT object, before_json, after_json FROM audit_log WHERE "
                   "actor = 'account:%d' AND action = 'account.email'" % acct)
        self.assertEqual([(o, json.loads(b), json.loads(a)) for o, b, a in rows],
                         [(new.lower(), {"email": old.lower()}, {"email": new.lower()})])
        self.assertEqual(self.login(self.client(5), old, pw).status, 403, "the old address no longer logs in")
        self.assertEqual(self.login(self.client(5), new, pw).status, 303)
        self.assertIn('id="account-notice"', c.get("/account?done=email").text)

        # Another account's address: the same answer, nothing changes, its owner is told.
        c2, other, pw2, acct2 = self.verified_account("emother", 3)
        self.assertEqual(other, other_addr)
        r = self.email_form(c, other.upper(), pw)
        self.assertEqual(r.status, 303, r.text[:300])
        self.assertIn("done=email_sent", r.header("Location"))
        self.assertEqual(sql_value(pending), "0", "no link for another account's address")
        self.assertIn("move another account to this address",
                      text_of(wait_mails(other.lower(), "already have an account")[-1]))
        self.assertEqual(mails_to(other.lower(), "Confirm your new e-mail address"), [])

        # Taken meanwhile: the link is spent and the address stays.
        late = self.addr("emlate")
        self.assertEqual(self.email_form(c, late, pw).status, 303)
        link = self.email_link(late)
        self.assertEqual(self.email_form(c2, late, pw2).status, 303)
        link2 = self.email_link(late, 2)
        self.assertNotEqual(link, link2)
        self.assertEqual(Client(self.src[4]).get(link2).status, 200, "the second account takes it first")
        r = Client(self.src[4]).get(link)
        self.assertEqual(r.status, 409, r.text[:300])
        self.assertIn("belongs to another account", r.text)
        self.assertEqual(sql("SELECT email FROM accounts WHERE id IN (%d, %d) ORDER BY id" % (acct, acct2)),
                         [[new.lower()], [late.lower()]])
        self.assertEqual(sql_value(pending), "0")


if __name__ == "__main__":
    unittest.main()
