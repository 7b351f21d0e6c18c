"""Mail, PDF documents, password reset and the payment webhook (SPEC section 10).

Reads what the dev mail catcher (tools/mailcatcher.py) stored in var/mail/
with Python's email package.  Each run uses its own plan, accounts and VEs
(ids DA17xxxx), rated in past months of its own (2024-02 and 2024-03), so
the invoices, payments and mails it expects are its own.

    signup -> one order confirmation naming the VE and the ISP, no password
    invoice run -> one mail per invoice with its PDF; pdftotext of the PDF
        holds the number and the total as money_format of total_minor
    webhook -> refusals (401/422) write nothing; a payment -> one receipt;
        the same event twice -> one payment
    reset -> the link works once, expires, ends sessions; the same answer
        for an unknown VEid
    the catcher killed during an invoice run -> nothing lost, nothing twice
"""
import calendar
import email
import email.policy
import glob
import hashlib
import hmac
import json
import os
import random
import re
import signal
import subprocess
import tempfile
import time
import unittest

import admin_util
from screens_util import order
from veplib import (ROOT, VAR, Client, admin_headers, basic, drop_plan, drop_ves, password_hash, request, set_up_class,
                    sql, sql_value, vepctl, wait_until)

MAILDIR = os.path.join(VAR, "mail")
SECRET_FILE = os.path.join(VAR, "secrets", "payments-webhook.secret")
PASSWORD = "Mail-test-pass-4711"
ISP = "Demo ISP"


def ts(y, mo, d, h=0):
    return calendar.timegm((y, mo, d, h, 0, 0))


def money(minor):
    sign = "-" if minor < 0 else ""
    return "%s%d.%02d" % (sign, abs(minor) // 100, abs(minor) % 100)


def mails():
    """Every stored message: (file name, email.message.EmailMessage)."""
    out = []
    for f in sorted(glob.glob(os.path.join(MAILDIR, "*.eml"))):
        with open(f, "rb") as fh:
            out.append((f, email.message_from_binary_file(fh, policy=email.policy.default)))
    return out


def mails_to(addr, subject_re=None):
    return [m for _, m in mails() if addr in str(m["To"])
            and (subject_re is None or re.search(subject_re, str(m["Subject"])))]


def wait_mails(addr, subject_re, n=1, timeout=60):
    """Wait until at least n messages to addr match and return them."""
    try:
        return wait_until(lambda: (lambda got: got if len(got) >= n else None)(mails_to(addr, subject_re)),
                          timeout, "%d mail(s) to %s matching %r" % (n, addr, subject_re))
    except AssertionError as e:
        raise AssertionError("%s (outbox: %s)" % (e, sql("SELECT kind, ref, state, attempts, last_error "
                                                         "FROM mail_outbox ORDER BY id DESC LIMIT 5")))


def mailer_pid():
    """vep-mailer's pid: the child of ./dev's supervisor (var/run/pids/mailer.pid)."""
    with open(os.path.join(VAR, "run", "pids", "mailer.pid")) as f:
        sup = f.read().strip()
    with open("/proc/%s/task/%s/children" % (sup, sup)) as f:
        for pid in f.read().split():
            with open("/proc/%s/cmdline" % pid, "rb") as c:
                if b"vep-mailer" in c.read():
                    return int(pid)
    raise AssertionError("vep-mailer does not run under ./dev's supervisor %s" % sup)


def mailer_status():
    """(polls, notice passes) vep-mailer has finished: it logs them on SIGUSR1."""
    log = os.path.join(VAR, "log", "mailer.log")
    off = os.path.getsize(log)
    os.kill(mailer_pid(), signal.SIGUSR1)

    def line():
        with open(log, "rb") as f:
            f.seek(off)
            return re.search(rb"status: poll (\d+), notices pass (\d+)", f.read())
    m = wait_until(line, 10, "vep-mailer's status line")
    return int(m.group(1)), int(m.group(2))


def wait_mailer_polls(polls=2, passes=0):
    """Wait until vep-mailer has finished `polls` more polls and `passes` more
    passes of its periodic notices than now: a message still to come about
    what is in the database now (a second copy, a notice queued twice) has
    then been sent."""
    n0, p0 = mailer_status()
    wait_until(lambda: (lambda n, p: n >= n0 + polls and p >= p0 + passes)(*mailer_status()), 60,
               "%d more poll(s) and %d more notice pass(es) of vep-mailer" % (polls, passes))


def text_of(m):
    return m.get_body(preferencelist=("plain",)).get_content()


def pdfs_of(m):
    return [p for p in m.iter_attachments() if p.get_content_type() == "application/pdf"]


def pdftotext(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True,
                              check=True, text=True).stdout


def secret():
    with open(SECRET_FILE, "rb") as f:
        return f.read()


def sign(body, t=None, key=None):
    t = int(time.time()) if t is None else t
    mac = hmac.new(key or secret(), b"%d." % t + body, hashlib.sha256).hexdigest()
    return "t=%d,v1=%s" % (t, mac)


def webhook(event, sig=None, raw=None):
    body = raw if raw is not None else json.dumps(event).encode()
    h = {"Content-Type": "application/json"}
    if sig is not False:
        h["Vep-Signature"] = sig if sig is not None else sign(body)
    return request("POST", "/api/v1/payments/webhook", body, h)


def state():
    """What a refused webhook must not change."""
    return [sql_value("SELECT COUNT(*) FROM %s" % t)
            for t in ("payments", "debit_note_payments", "webhook_events", "mail_outbox", "audit_log")]


class Mail(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.plan_id = None
        cls.ves = []
        set_up_class(cls)

    @classmethod
    def setup(cls):
        # Loopback source addresses of this run's own: reset requests count
        # against the address like failed logins (50 in 15 minutes).
        base = random.randrange(2, 250)
        cls.src17, cls.src18, cls.src19, cls.src20 = ("127.0.%d.%d" % (30 + i, base) for i in range(4))
        if not os.path.isdir(MAILDIR):
            raise unittest.SkipTest("no var/mail: the mail catcher is not running (./dev up)")
        cls.tag = "%06x" % random.randrange(1 << 24)
        cls.plan_code = ("MT" + cls.tag).upper()
        sql("INSERT INTO plans (code, name, currency, max_disk_quota_mb, max_ip_count, login_allowed,"
            " cap_action, created_at) VALUES ('%s', 'Mail test', 'EUR', 51200, 4, 'ssh', 'throttle', %d)"
            % (cls.plan_code, ts(2024, 1, 1)))
        cls.plan_id = int(sql_value("SELECT id FROM plans WHERE code = '%s'" % cls.plan_code))
        sql("INSERT INTO plan_versions (plan_id, valid_from, monthly_fee_minor) VALUES (%d, %d, 1234)"
            % (cls.plan_id, ts(2024, 1, 1)))
        cls.template = sql_value("SELECT MIN(id) FROM os_templates")
        cls.hash = password_hash(PASSWORD, "mailtest")

    @classmethod
    def tearDownClass(cls):
        drop_ves(cls.ves)
        drop_plan(cls.plan_id)

    @classmethod
    def account_with_ve(cls, name, created, tax_bp=1900):
        """An account with one VE active from created (rated from then on)."""
        addr = "mailtest-%s-%s@example.net" % (cls.tag, name)
        sql("INSERT INTO accounts (email, tax_bp, created_at) VALUES ('%s', %d, %d)" % (addr, tax_bp, created))
        a = int(sql_value("SELECT id FROM accounts WHERE email = '%s'" % addr))
        sql("INSERT INTO orders (account_id, plan_id, template_id, disk_quota_mb, always_on,"
            " lifetime_days, login, fs_fault_tolerance_s, backup_hours, firewall, ip_count, created_at)"
            " VALUES (%d, %d, %s, 1000, 1, 3650, 'ssh', 60, 24, 'open', 1, %d)"
            % (a, cls.plan_id, cls.template, created))
        o = sql_value("SELECT MAX(id) FROM orders WHERE account_id = %d" % a)
        ve = "DA17%04X" % random.randrange(1 << 16)
        sql("INSERT INTO ves (id, account_id, order_id, password_hash, created_at, expires_at, updated_at)"
            " VALUES ('%s', %d, %s, '%s', %d, %d, %d)" % (ve, a, o, cls.hash, created, ts(2036, 1, 1), created))
        cls.ves.append(ve)
        return addr, ve

    def invoice_run(self, period):
        r = request("POST", "/api/v1/admin/invoice-runs", {"period": period}, admin_headers())
        self.assertIn(r.status, (200, 201), r.text)

    def invoice_of(self, addr, period):
        rows = sql("SELECT i.number FROM invoices i JOIN accounts a ON a.id = i.account_id "
                   "WHERE a.email = '%s' AND i.period = '%s'" % (addr, period))
        self.assertEqual(len(rows), 1, rows)
        return rows[0][0]

    def check_document_mail(self, addr, number, ve):
        got = wait_mails(addr, re.escape(number))
        wait_mailer_polls()     # a second copy would come within a poll or two
        got = mails_to(addr, re.escape(number) + " from")
        self.assertEqual(len(got), 1, "the document's mail arrives once")
        m = got[0]
        text = text_of(m)
        self.assertIn(ve, text)
        self.assertIn(ISP, text)
        self.assertIn("/self", text)
        att = pdfs_of(m)
        self.assertEqual(len(att), 1, "one PDF attached")
        self.assertEqual(att[0].get_filename(), number + ".pdf")
        doc = request("GET", "/api/v1/invoices/" + number, headers=admin_headers()).json()
        pdf = att[0].get_content()
        self.assertTrue(pdf.startswith(b"%PDF-"))
        words = pdftotext(pdf)
        self.assertIn(number, words)
        self.assertIn(money(doc["total_minor"]), words)
        return doc

    # ---- order confirmation ---------------------------------------------------------------
    def test_1_signup_confirmation(self):
        o = order(email="mailtest-%s-signup@example.net" % self.tag)
        r = request("POST", "/api/v1/orders", o)
        self.assertEqual(r.status, 201, r.text)
        ve = r.json()["ve_id"]
        got = wait_mails(o["email"], ve)
        wait_mailer_polls()
        got = mails_to(o["email"], ve)
        self.assertEqual(len(got), 1)
        m = got[0]
        text = text_of(m)
        self.assertIn(ve, text)
        self.assertIn(ISP, text)
        self.assertIn("/self", text)
        for ip in r.json()["ips"]:
            self.assertIn(ip["address"], text)
        self.assertNotIn(o["root_password"], m.as_string(), "the password is never mailed")
        self.assertTrue(m["Message-ID"] and m["Date"])
        self.assertEqual(m.get_content_type(), "multipart/mixed")
        self.assertEqual(next(m.iter_parts()).get_content_type(), "text/plain", "plain text first")

    # ---- invoice, PDF, webhook ---------------------------------------------------------------
    def test_2_invoice_pdf_and_webhook(self):
        addr, ve = self.account_with_ve("inv", ts(2024, 2, 1))
        self.invoice_run("2024-02")
        number = self.invoice_of(addr, "2024-02")
        doc = self.check_document_mail(addr, number, ve)
        total = doc["total_minor"]
        self.assertEqual(doc["currency"], "EUR")
        self.assertIn("Pay online: https://pay.example.invalid/checkout?number=%s&amount=%d&currency=EUR&return="
                      % (number, total), text_of(mails_to(addr, re.escape(number) + " from")[0]),
                      "the invoice's mail has the checkout link")

        # The same PDF through the API (owner and admin) and the admin page's route.
        for h in (admin_headers(), basic(ve, PASSWORD)):
            r = request("GET", "/api/v1/invoices/%s.pdf" % number, headers=h)
            self.assertEqual(r.status, 200, r.text[:200])
            self.assertEqual(r.header("Content-Type").split(";")[0], "application/pdf")
            self.assertIn("no-store", r.header("Cache-Control") or "")
            self.assertIn(money(total), pdftotext(r.body))
        other_addr, other_ve = self.account_with_ve("other", ts(2024, 5, 1))
        r = request("GET", "/api/v1/invoices/%s.pdf" % number, headers=basic(other_ve, PASSWORD))
        self.assertEqual(r.status, 404, "another owner's document is not found")
        self.assertEqual(request("GET", "/api/v1/invoices/INV-1999-999999.pdf",
                                 headers=admin_headers()).status, 404)
        # The self screen's PDF with the owner's session, and not without one.
        c = Client()
        self.assertEqual(c.self_login(ve, PASSWORD).status, 303)
        r = c.get("/self/invoices/%s.pdf" % number)
        self.assertEqual(r.status, 200)
        self.assertTrue(r.body.startswith(b"%PDF-"))
        self.assertIn(money(total), pdftotext(r.body))
        self.assertIn('class="pay" href="https://pay.example.invalid/checkout?number=%s&amp;' % number,
                      c.get("/self").text, "Pay in the dashboard's invoice list")
        page = c.get("/self/invoices/%s" % number)
        self.assertIn("/self/invoices/%s.pdf" % number, page.text)
        self.assertIn("pay.example.invalid/checkout?number=%s&amp;amount=%d&amp;currency=EUR&amp;return=http%%3A%%2F%%2F"
                      % (number, total), page.text, "the Pay link is on an unpaid invoice")
        self.assertEqual(Client().get("/self/invoices/%s.pdf" % number).status, 403)
        # The admin's document page links its PDF; the route needs an operator's session.
        name, pw = admin_util.make_operator("mailtest")
        try:
            a = admin_util.Client()
            a.login(name, pw)
            self.assertIn("/admin/invoices/%s.pdf" % number, a.get("/admin/invoices/" + number).text)
            r = a.get("/admin/invoices/%s.pdf" % number)
            self.assertEqual(r.status, 200)
            self.assertIn(money(total), pdftotext(r.body))
            self.assertEqual(admin_util.Client().get("/admin/invoices/%s.pdf" % number).status, 303)
        finally:
            admin_util.drop_operator(name)

        # Every refusal: nothing written.
        ev = {"id": "evt_%s_1" % self.tag, "type": "payment.succeeded",
              "data": {"number": number, "amount_minor": 100, "currency": "EUR", "reference": "psp-1"}}
        body = json.dumps(ev).encode()
        before = state()
        cases = [
            ("no signature", webhook(ev, sig=False), 401),
            ("bad signature", webhook(ev, sig=sign(body, key=b"not-the-secret")), 401),
            ("garbled header", webhook(ev, sig="t=abc,v1=zz"), 401),
            ("old timestamp", webhook(ev, sig=sign(body, t=int(time.time()) - 301)), 401),
            ("future timestamp", webhook(ev, sig=sign(body, t=int(time.time()) + 301)), 401),
            ("body changed after signing", webhook(ev, sig=sign(body), raw=body.replace(b"100", b"900")), 401),
            ("unknown document", webhook(dict(ev, data=dict(ev["data"], number="INV-1999-999999"))), 422),
            ("credit note", webhook(dict(ev, data=dict(ev["data"], number="CN-1999-000001"))), 422),
            ("other currency", webhook(dict(ev, data=dict(ev["data"], currency="USD"))), 422),
            ("amount above open", webhook(dict(ev, data=dict(ev["data"], amount_minor=total + 1))), 422),
            ("zero amount", webhook(dict(ev, data=dict(ev["data"], amount_minor=0))), 422),
            ("bad event id", webhook(dict(ev, id="x" * 57)), 422),
        ]
        for name, r, want in cases:
            self.assertEqual(r.status, want, "%s: %s" % (name, r.text))
            self.assertIn("error", r.json(), name)
        self.assertEqual(state(), before, "a refused webhook writes nothing")

        # A part payment, then the same event again: one payment.
        r = webhook(ev)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["status"], "recorded")
        r = webhook(ev)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["status"], "duplicate")
        pays = sql("SELECT amount_minor, reference, actor FROM payments p JOIN invoices i ON i.id = p.invoice_id "
                   "WHERE i.number = '%s'" % number)
        self.assertEqual(pays, [["100", "psp-1", "webhook:evt_%s_1" % self.tag]])
        self.assertEqual(int(sql_value("SELECT COUNT(*) FROM audit_log WHERE action = 'invoice.payment' "
                                       "AND object = '%s'" % number)), 1, "audited")
        got = wait_mails(addr, "Payment received for " + re.escape(number))
        self.assertIn(money(100), text_of(got[0]))
        self.assertIn(ve, text_of(got[0]))
        # The rest, then the document is paid: another event is refused.
        ev2 = dict(ev, id="evt_%s_2" % self.tag, data=dict(ev["data"], amount_minor=total - 100, reference="psp-2"))
        self.assertEqual(webhook(ev2).status, 200)
        before = state()
        r = webhook(dict(ev2, id="evt_%s_3" % self.tag, data=dict(ev2["data"], amount_minor=1)))
        self.assertEqual(r.status, 422, "a paid document: " + r.text)
        self.assertEqual(state(), before)
        self.assertEqual(request("GET", "/api/v1/invoices/" + number, headers=admin_headers()).json()["status"], "paid")
        wait_mails(addr, "Payment received", 2)
        wait_mailer_polls()
        self.assertEqual(len(mails_to(addr, "Payment received")), 2, "one receipt per payment")
        self.assertNotIn("invoice-pay", c.get("/self/invoices/%s" % number).text, "no Pay on a paid invoice")

    # ---- password reset ------------------------------------------------------------------
    def forgot(self, c, ve):
        r = c.get("/self/forgot")
        self.assertEqual(r.status, 200)
        tok = re.search(r'name="form_token" value="([^"]+)"', r.text).group(1)
        return c.post_form("/self/forgot", [("form_token", tok), ("ve_id", ve)])

    def test_3_reset(self):
        addr, ve = self.account_with_ve("reset", ts(2024, 6, 1))
        self.assertIn("/self/forgot", Client().get("/self").text, "Forgot password? on the login page")
        old = Client()
        self.assertEqual(old.self_login(ve, PASSWORD).status, 303)
        self.assertEqual(old.get("/self").status, 200)
        c = Client(source=self.src17)
        r = self.forgot(c, ve)
        self.assertEqual(r.status, 200)
        unknown = "FFFF%04X" % random.randrange(1 << 16)   # no VE has it; its own throttle counter
        r_unknown = self.forgot(Client(source=self.src17), unknown)
        self.assertEqual(r_unknown.status, 200)
        strip = lambda t: re.sub(r'value="[^"]*"', "", t)
        self.assertEqual(strip(r.text), strip(r_unknown.text), "the same answer for an unknown VEid")
        m = wait_mails(addr, "Password reset for VE " + ve)[0]
        link = re.search(r"(/self/reset\?token=[0-9a-f]{64})", text_of(m)).group(1)
        token = link.split("=")[1]
        self.assertEqual(sql("SELECT COUNT(*) FROM password_resets WHERE token_hash = '%s'"
                             % hashlib.sha256(token.encode()).hexdigest()), [["1"]], "only the hash is stored")
        self.assertEqual(sql("SELECT COUNT(*) FROM password_resets WHERE token_hash = '%s'" % token), [["0"]])
        self.assertEqual(sql("SELECT COUNT(*) FROM mail_outbox WHERE secret = '%s'" % token), [["0"]],
                         "the outbox forgets the link once it is sent")
        b = Client()
        r = b.get(link)
        self.assertEqual(r.status, 200)
        ftok = re.search(r'name="form_token" value="([^"]+)"', r.text).group(1)
        # too short: refused, the link still works
        r = b.post_form("/self/reset", [("form_token", ftok), ("token", token), ("new_password", "short"),
                                        ("confirm", "short")])
        self.assertEqual(r.status, 400)
        ftok = re.search(r'name="form_token" value="([^"]+)"', r.text).group(1)
        new = "New-mail-pass-0815"
        r = b.post_form("/self/reset", [("form_token", ftok), ("token", token), ("new_password", new),
                                        ("confirm", new)])
        self.assertEqual(r.status, 200, r.text[:300])
        self.assertIn("reset-done", r.text)
        self.assertNotEqual(old.get("/self").text.find("login_token"), -1, "the old session has ended")
        self.assertEqual(Client().self_login(ve, new).status, 303, "the new password works")
        rc = sql_value("SELECT COALESCE(root_crypt, '') FROM ves WHERE id = '%s'" % ve)
        self.assertRegex(rc, r"^\$(y|6)\$", "the node's crypt(3) hash for the VE's root account is set")
        import crypt  # noqa: E402 (deprecated, still in Debian 12's Python 3.11)
        self.assertEqual(crypt.crypt(new, rc), rc, "the crypt(3) hash is of the new password")
        self.assertEqual(Client().self_login(ve, PASSWORD).status, 403, "the old one does not")
        # once only
        self.assertEqual(b.get(link).status, 410)
        r = b.post_form("/self/reset", [("form_token", ftok), ("token", token), ("new_password", "Another-pass-4711"),
                                        ("confirm", "Another-pass-4711")])
        self.assertIn(r.status, (403, 410), "a used link (its form is spent too) sets nothing")
        self.assertEqual(Client().self_login(ve, new).status, 303)
        # expiry: a second link, 31 minutes old
        self.forgot(Client(source=self.src17), ve)
        m2 = wait_mails(addr, "Password reset for VE " + ve, n=2)
        links = {re.search(r"token=([0-9a-f]{64})", text_of(x)).group(1) for x in m2}
        t2 = (links - {token}).pop()
        sql("UPDATE password_resets SET created_at = created_at - 1860, expires_at = expires_at - 1860 "
            "WHERE token_hash = '%s'" % hashlib.sha256(t2.encode()).hexdigest())
        self.assertEqual(Client().get("/self/reset?token=" + t2).status, 410, "an expired link")
        self.assertEqual(Client().get("/self/reset?token=" + "0" * 64).status, 410)
        self.assertEqual(Client().get("/self/reset?token=xyz").status, 410)
        # no unknown VE got mail or a reset row
        self.assertEqual(sql("SELECT COUNT(*) FROM password_resets WHERE ve_id = '%s'" % unknown), [["0"]])

    def test_3b_reset_bad_input(self):
        """Refusals of the reset forms: a clear answer and nothing written."""
        addr, ve = self.account_with_ve("rbad", ts(2024, 6, 1))
        count = lambda: sql("SELECT COUNT(*), (SELECT COUNT(*) FROM mail_outbox WHERE kind = 'reset') "
                            "FROM password_resets")
        before = count()
        c = Client(source=self.src19)
        r = c.post_form("/self/forgot", [("ve_id", ve)])
        self.assertEqual(r.status, 403, "no form token")
        r = c.get("/self/forgot")
        tok = re.search(r'name="form_token" value="([^"]+)"', r.text).group(1)
        r = Client(source=self.src19).post_form("/self/forgot", [("form_token", tok), ("ve_id", ve)])
        self.assertEqual(r.status, 403, "a form token without its cookie")
        for bad in ([("ve_id", "")], [("ve_id", "x" * 65)], [("ve_id", ve), ("ve_id", ve)], []):
            r = c.get("/self/forgot")
            tok = re.search(r'name="form_token" value="([^"]+)"', r.text).group(1)
            r = c.post_form("/self/forgot", [("form_token", tok)] + bad)
            self.assertEqual(r.status, 400, bad)
            self.assertIn("Enter your VEid", r.text)
        self.assertEqual(count(), before, "nothing written")
        # the new-password form
        self.assertEqual(Client().get("/self/reset?token=" + "1" * 64).status, 410)
        self.forgot(Client(source=self.src20), ve)
        m = wait_mails(addr, "Password reset for VE " + ve)[0]
        link = re.search(r"(/self/reset\?token=[0-9a-f]{64})", text_of(m)).group(1)
        token = link.split("=")[1]
        b = Client()
        r = b.get(link)
        for bad_pw, confirm, why in (("short", "short", "12 to 128"), ("x" * 129, "x" * 129, "12 to 128"),
                                     ("Long-enough-pass-1", "Long-enough-pass-2", "not the same")):
            ftok = re.search(r'name="form_token" value="([^"]+)"', r.text).group(1)
            r = b.post_form("/self/reset", [("form_token", ftok), ("token", token), ("new_password", bad_pw),
                                            ("confirm", confirm)])
            self.assertEqual(r.status, 400, why)
            self.assertIn(why, r.text)
        ftok = re.search(r'name="form_token" value="([^"]+)"', r.text).group(1)
        r = b.post_form("/self/reset", [("form_token", ftok), ("token", "z" * 64), ("new_password", "Long-enough-pass-1"),
                                        ("confirm", "Long-enough-pass-1")])
        self.assertEqual(r.status, 410, "a malformed token")
        self.assertEqual(sql_value("SELECT password_hash FROM ves WHERE id = '%s'" % ve), self.hash,
                         "the password is unchanged")
        self.assertEqual(sql_value("SELECT COUNT(*) FROM password_resets WHERE used_at IS NOT NULL AND "
                                   "ve_id = '%s'" % ve), "0", "the link is still unused")

    def test_4_reset_throttled(self):
        addr, ve = self.account_with_ve("thr", ts(2024, 6, 1))
        # A VEid in lower case is the same VE, and counts against the same throttle.
        codes = [self.forgot(Client(source=self.src18), ve.lower() if i % 2 else ve).status for i in range(6)]
        self.assertEqual(codes[:5], [200] * 5)
        self.assertEqual(codes[5], 429, "throttled like logins after 5 requests")
        wait_mails(addr, "Password reset", 5)
        wait_mailer_polls()
        self.assertEqual(len(mails_to(addr, "Password reset")), 5)

    # ---- the relay goes away during an invoice run -------------------------------------------
    def test_5_catcher_down(self):
        accts = [self.account_with_ve("down%d" % i, ts(2024, 3, 1) + i * 3600) for i in range(4)]
        subprocess.run([os.path.join(ROOT, "dev"), "mail", "stop"], check=True, capture_output=True)
        try:
            self.invoice_run("2024-03")
            numbers = [self.invoice_of(a, "2024-03") for a, _ in accts]
            refs = ", ".join("'%s'" % n for n in numbers)
            # The mailer tries, fails and backs off; nothing is lost.
            def waiting():
                return int(sql_value("SELECT COUNT(*) FROM mail_outbox WHERE kind = 'invoice' AND ref IN (%s) "
                                     "AND state = 'queued' AND attempts >= 1 AND last_error <> ''" % refs))
            wait_until(lambda: waiting() == len(numbers), 30, "every invoice mail waiting, with its error")
            self.assertEqual(waiting(), len(numbers), "every invoice mail waits, with its error")
            for (a, _), number in zip(accts, numbers):
                self.assertEqual(mails_to(a, re.escape(number)), [])
        finally:
            subprocess.run([os.path.join(ROOT, "dev"), "mail", "start"], check=True, capture_output=True)
        for (a, ve), number in zip(accts, numbers):
            self.check_document_mail(a, number, ve)
        ids = [str(m["Message-ID"]) for _, m in mails()]
        self.assertEqual(len(ids), len(set(ids)), "no message was sent twice")
        self.assertEqual(sql("SELECT COUNT(*) FROM mail_outbox WHERE ref IN (%s) AND state <> 'sent'" % refs),
                         [["0"]])

    # ---- notices: suspended/resumed, reminder, expiry, cap -----------------------------------
    def test_6_notices(self):
        addr, ve = self.account_with_ve("notice", ts(2024, 7, 1))
        now = int(time.time())
        r = request("POST", "/api/v1/admin/ves/%s/suspend" % ve, {"reason": "mail test"}, admin_headers())
        self.assertEqual(r.status, 200, r.text)
        m = wait_mails(addr, "Your VE %s is suspended" % ve)[0]
        self.assertIn("mail test", text_of(m))
        self.assertIn(ISP, text_of(m))
        r = request("POST", "/api/v1/admin/ves/%s/resume" % ve, {}, admin_headers())
        self.assertEqual(r.status, 200, r.text)
        wait_mails(addr, "Your VE %s is resumed" % ve)

        # An unpaid invoice due in 2 days (written directly: issued ones are immutable):
        # the 3-day reminder, not the 7-day one.  [billingd] unpaid_suspend_days = 0 in dev:
        # the suspension date is the due date.
        a = sql_value("SELECT account_id FROM ves WHERE id = '%s'" % ve)
        number = "INV-1990-%06d" % random.randrange(10**6)
        sql("INSERT INTO invoices (number, account_id, period, period_from, period_to, currency, tax_bp,"
            " subtotal_minor, tax_minor, total_minor, issued_at, due_at) VALUES ('%s', %s, '1990-%02d', 0, 1,"
            " 'EUR', 0, 500, 0, 500, %d, %d)" % (number, a, random.randrange(1, 13), now, now + 2 * 86400 + 600))
        inv_id = sql_value("SELECT id FROM invoices WHERE number = '%s'" % number)
        sql("INSERT INTO invoice_lines (invoice_id, seq, ve_id, kind, resource, plan_version_id, quantity_micro,"
            " unit, unit_price_minor, amount_minor) SELECT %s, 1, '%s', 'fee', 'fee', MIN(id), 1000000, 'month',"
            " 500, 500 FROM plan_versions WHERE plan_id = %d" % (inv_id, ve, self.plan_id))
        sql("INSERT INTO invoice_ves (ve_id, invoice_id) VALUES ('%s', %s)" % (ve, inv_id))
        m = wait_mails(addr, "Reminder: " + re.escape(number))[0]
        self.assertIn(money(500), text_of(m))
        self.assertIn(ve, text_of(m))
        self.assertEqual(sql("SELECT ref FROM mail_outbox WHERE kind = 'reminder' AND number = '%s'" % number),
                         [[number + ":3"]], "only the nearest reminder")

        # Expiry: one VE in 3 days (the 7-day notice), one in 12 hours (the 1-day notice only).
        a3, v3 = self.account_with_ve("exp3", ts(2024, 7, 1))
        a1, v1 = self.account_with_ve("exp1", ts(2024, 7, 1))
        sql("UPDATE ves SET expires_at = %d WHERE id = '%s'" % (now + 3 * 86400, v3))
        sql("UPDATE ves SET expires_at = %d WHERE id = '%s'" % (now + 12 * 3600, v1))
        wait_mails(a3, "Your VE %s expires in 7 days" % v3)
        wait_mails(a1, "Your VE %s expires in 1 day" % v1)
        wait_mailer_polls(passes=1)     # the notices are queued every 10 s: one more pass
        self.assertEqual(len(mails_to(a1, "expires in")), 1, "one notice for a VE a day from expiry")
        self.assertEqual(len(mails_to(a3, "expires in")), 1)

        # A traffic cap reached.
        sql("INSERT INTO ve_caps (ve_id, period, resource, reached_at, used_bytes, cap_bytes, action)"
            " VALUES ('%s', '2024-07', 'traffic', %d, 5000000000, 5000000000, 'throttle')" % (ve, now))
        m = wait_mails(addr, "Traffic cap reached by VE " + ve)[0]
        self.assertIn("5000 MB", text_of(m))
        sql("DELETE FROM ve_caps WHERE ve_id = '%s'" % ve)

    # ---- a message that cannot be sent is visible ----------------------------------------------
    def test_7_failed_visible(self):
        addr, ve = self.account_with_ve("fail", ts(2024, 8, 1))
        a = sql_value("SELECT account_id FROM ves WHERE id = '%s'" % ve)
        ref = "INV-1999-%s" % self.tag
        sql("INSERT INTO mail_outbox (kind, ref, account_id, number, next_try, created_at) VALUES"
            " ('invoice', '%s', %s, '%s', UNIX_TIMESTAMP(), UNIX_TIMESTAMP())" % (ref, a, ref))
        try:
            wait_until(lambda: sql_value("SELECT state FROM mail_outbox WHERE ref = '%s'" % ref) == "failed",
                       20, "the message about a missing document failed")
            row = sql("SELECT state, last_error FROM mail_outbox WHERE ref = '%s'" % ref)[0]
            self.assertEqual(row[0], "failed", "a message about a document that does not exist fails at once")
            self.assertIn("gone", row[1])
            name, pw = admin_util.make_operator("mailtest")
            try:
                c = admin_util.Client()
                c.login(name, pw)
                page = c.get("/admin").text
                m = re.search(r'id="mail-card".*?id="mail-failed">(\d+)<', page, re.S)
                self.assertIsNotNone(m, "the dashboard has the mail card")
                self.assertGreaterEqual(int(m.group(1)), 1)
                self.assertIn('stat-bad" id="mail-card"', page)
            finally:
                admin_util.drop_operator(name)
            with open(os.path.join(VAR, "log", "mailer.log")) as f:
                self.assertIn("outbox %s (invoice %s) failed for good" % (
                    sql_value("SELECT id FROM mail_outbox WHERE ref = '%s'" % ref), ref), f.read())
        finally:
            sql("DELETE FROM mail_outbox WHERE ref = '%s'" % ref)

    def test_8_prune(self):
        """Sent messages older than [mail] keep_days (90) go; a reminder and a failed one stay."""
        old = int(time.time()) - 100 * 86400
        rows = [("state", "prune-%s-1" % self.tag, "sent"), ("reminder", "INV-1991-%s:7" % self.tag, "sent"),
                ("state", "prune-%s-2" % self.tag, "failed")]
        for kind, ref, st in rows:
            sql("INSERT INTO mail_outbox (kind, ref, state, next_try, created_at, sent_at) VALUES"
                " ('%s', '%s', '%s', %d, %d, %d)" % (kind, ref, st, old, old, old))
        try:
            wait_until(lambda: sql_value("SELECT COUNT(*) FROM mail_outbox WHERE ref = '%s'" % rows[0][1]) == "0",
                       30, "the old sent message pruned")
            left = [r[0] for r in sql("SELECT ref FROM mail_outbox WHERE ref IN ('%s') ORDER BY ref"
                                      % "', '".join(r[1] for r in rows))]
            self.assertEqual(left, sorted([rows[1][1], rows[2][1]]))
        finally:
            sql("DELETE FROM mail_outbox WHERE ref IN ('%s')" % "', '".join(r[1] for r in rows))

    # ---- SMTP AUTH against a relay that demands it -------------------------------------------
    def test_9_smtp_auth(self):
        """vep-mailer logs in when [mail] user is set: a wrong password leaves the message
        queued with the relay's refusal, the right one sends it.  Its own database
        (vep_test_...) and relay (the catcher with --auth-file), so nothing else is touched."""
        from veplib import BUILD, CONF
        import shutil
        import socket
        dbname = "vep_test_mail_%s" % self.tag
        tmp = tempfile.mkdtemp(prefix="vep-mailauth-")
        proc = None
        try:
            sql("CREATE DATABASE %s CHARACTER SET utf8mb4" % dbname, db="mysql")
            for f in sorted(glob.glob(os.path.join(ROOT, "db", "migrations", "*.sql"))):
                with open(f) as fh:
                    subprocess.run(["mariadb", "--no-defaults", "--socket=" + os.environ.get("VEP_DB_SOCKET", ""),
                                    "-uroot", dbname], stdin=fh, check=True, capture_output=True)
            sql("INSERT INTO accounts (email, created_at) VALUES ('auth@example.net', 0)", db=dbname)
            sql("INSERT INTO mail_outbox (kind, ref, account_id, ve_id, detail, next_try, created_at) "
                "VALUES ('state', 'auth-1', 1, '0000AAAA', 'suspended:auth test', 0, 0)", db=dbname)
            with socket.socket() as so:
                so.bind(("127.0.0.1", 0))
                port = so.getsockname()[1]
            with open(os.path.join(tmp, "auth"), "w") as f:
                f.write("mailer:Relay-pass-4711\n")
            os.mkdir(os.path.join(tmp, "mail"))
            proc = subprocess.Popen(["/usr/bin/python3", os.path.join(ROOT, "tools", "mailcatcher.py"),
                                     "--listen", "127.0.0.1:%d" % port, "--dir", os.path.join(tmp, "mail"),
                                     "--auth-file", os.path.join(tmp, "auth")],
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            self.assertIn("listening", proc.stdout.readline())
            with open(CONF) as f:
                conf = f.read()
            conf = re.sub(r"(?m)^name = vepanel$", "name = " + dbname, conf)
            conf = re.sub(r"(?ms)^\[mail\]\n.*?(?=^\[|\Z)", "", conf)
            pw = os.path.join(tmp, "smtp.pass")
            conf += ("\n[mail]\nsmtp_url = smtp://127.0.0.1:%d\nuser = mailer\npassword_file = %s\n"
                     "from = billing@demo-isp.example\npoll_s = 1\nretry_base_s = 60\nmax_attempts = 3\n" % (port, pw))
            with open(os.path.join(tmp, "vepanel.conf"), "w") as f:
                f.write(conf)
            mailer = [os.path.join(BUILD, "mailer", "vep-mailer"), "-f", os.path.join(tmp, "vepanel.conf"), "--once"]
            with open(pw, "w") as f:
                f.write("not-the-password\n")
            out = subprocess.run(mailer, capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr)
            row = sql("SELECT state, attempts, last_error FROM mail_outbox WHERE ref = 'auth-1'", db=dbname)[0]
            self.assertEqual(row[:2], ["queued", "1"], row)
            self.assertIn("Login denied", row[2])
            self.assertEqual(os.listdir(os.path.join(tmp, "mail")), [])
            with open(pw, "w") as f:
                f.write("Relay-pass-4711\n")
            sql("UPDATE mail_outbox SET next_try = 0 WHERE ref = 'auth-1'", db=dbname)
            out = subprocess.run(mailer, capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertEqual(sql_value("SELECT state FROM mail_outbox WHERE ref = 'auth-1'", db=dbname), "sent")
            files = os.listdir(os.path.join(tmp, "mail"))
            self.assertEqual(len(files), 1)
            with open(os.path.join(tmp, "mail", files[0]), "rb") as f:
                m = email.message_from_binary_file(f, policy=email.policy.default)
            self.assertEqual(str(m["To"]), "auth@example.net")
            self.assertIn("0000AAAA", text_of(m))
            self.assertNotIn("Relay-pass-4711", out.stderr, "the password is never logged")
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(10)
            sql("DROP DATABASE IF EXISTS %s" % dbname, db="mysql")
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
