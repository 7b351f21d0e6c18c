"""VAT per account and what an EU invoice carries (issue 18).

Four accounts with one VE each, made directly in the database for February
2024 on a plan of 12.35 EUR a month and 0.50 EUR per GB-month of disk quota
above 10 GB (each VE has 20 GB: 5.00 EUR), so each invoice's subtotal is
17.35 EUR.  Their tax is set the three ways an operator has (API, admin
screen, vepctl) and the invoice run must then give, to the cent:

  domestic   DE, no VAT id        19 %   tax 3.30 (329.65 half-up), total 20.65
  reverse    FR, FR VAT id         0 %   reverse charge, total 17.35
  no VAT id  FR, none             20 %   tax 3.47, total 20.82
  fixed      vepctl --rate 700     7 %   tax 1.21 (121.45), total 18.56

([isp] of ./dev up: country DE, tax_bp 0, tax_rates DE:1900,FR:2000,AT:2000.)
Every invoice records the buyer, the supply dates and each line's tax; its
PDF and print page show seller, buyer, VAT ids, the reverse-charge sentence
and the bank details.  Bad input to each of the three is refused, naming
the field, with nothing written.
"""
import os
import re
import secrets
import subprocess
import tempfile
import unittest

from admin_util import Client, drop_operator, make_operator, q, sql, sql1, ts, vepctl
from veplib import admin_headers, request

PERIOD = "2024-02"
FEE, DISK_OVER = 1235, 500
SUB = FEE + DISK_OVER


def half_up(num, den):
    return (2 * num + den) // (2 * den)


class Tax(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tag = secrets.token_hex(3)
        cls.plan_code = ("TAX" + cls.tag).upper()
        made = ts(2024, 1, 15)
        sql(f"INSERT INTO plans (code, name, currency, max_disk_quota_mb, max_ip_count, login_allowed, "
            f"active, created_at) VALUES ({q(cls.plan_code)}, 'Tax test', 'EUR', 100000, 4, 'ssh', 0, {made})")
        cls.plan = int(sql1(f"SELECT id FROM plans WHERE code = {q(cls.plan_code)}"))
        sql(f"INSERT INTO plan_versions (plan_id, valid_from, monthly_fee_minor, inc_disk_gb, "
            f"ov_disk_gb_month) VALUES ({cls.plan}, 0, {FEE}, 10, 50)")
        template = int(sql1("SELECT id FROM os_templates ORDER BY id LIMIT 1"))
        cls.acct, cls.ves = {}, []
        for name in ("dom", "rc", "novat", "fixed", "bad"):
            email = f"taxtest-{cls.tag}-{name}@example.com"
            sql(f"INSERT INTO accounts (email, created_at) VALUES ({q(email)}, {made})")
            a = int(sql1(f"SELECT MAX(id) FROM accounts WHERE email = {q(email)}"))
            cls.acct[name] = a
            if name == "bad":
                continue
            sql(f"INSERT INTO orders (account_id, plan_id, template_id, disk_quota_mb, always_on, "
                f"lifetime_days, login, fs_fault_tolerance_s, backup_hours, firewall, ip_count, created_at) "
                f"VALUES ({a}, {cls.plan}, {template}, 20000, 1, 3650, 'ssh', 60, 24, 'client', 1, {made})")
            order = int(sql1(f"SELECT MAX(id) FROM orders WHERE account_id = {a}"))
            while True:
                ve = "7A0" + secrets.token_hex(3).upper()[:5]
                if sql1(f"SELECT COUNT(*) FROM ves WHERE id = {q(ve)}") == "0":
                    break
            # Deleted in the last second of February: no other month's invoice run bills it, and
            # the lost second rounds away (12.35 x (1 - 1/2505600) is 12.35 to the cent).
            sql(f"INSERT INTO ves (id, account_id, order_id, state, password_hash, created_at, expires_at, "
                f"updated_at) VALUES ({q(ve)}, {a}, {order}, 'active', "
                f"'$argon2id$v=19$m=8,t=1,p=1$none$none', {made}, {made + 3650 * 86400}, {made})")
            sql(f"UPDATE ves SET state = 'deleted', state_reason = 'tax test', updated_at = {ts(2024, 3, 1) - 1} "
                f"WHERE id = {q(ve)}")
            cls.ves.append(ve)
        cls.op, cls.op_pw = make_operator("taxtest")
        cls.invoices = None

    @classmethod
    def tearDownClass(cls):
        drop_operator(cls.op)

    # ---- helpers ----
    def account_row(self, name):
        return sql(f"SELECT name, company, address, country, vat_id, tax_mode, tax_bp, tax_scheme "
                   f"FROM accounts WHERE id = {self.acct[name]}")

    def audit_count(self, name):
        return sql1(f"SELECT COUNT(*) FROM audit_log WHERE action = 'account.tax' "
                    f"AND object = 'account:{self.acct[name]}'")

    def set_api(self, name, body, status=200):
        r = request("POST", f"/api/v1/admin/accounts/{self.acct[name]}/tax", body, admin_headers())
        self.assertEqual(r.status, status, r.text)
        return r.json()

    def admin(self):
        c = Client()
        c.login(self.op, self.op_pw)
        return c

    def run_invoices(self):
        if Tax.invoices is None:
            self.configure()
            r = request("POST", "/api/v1/admin/invoice-runs", {"period": PERIOD}, admin_headers())
            self.assertIn(r.status, (200, 201), r.text)
            Tax.invoices = {}
            for name in ("dom", "rc", "novat", "fixed"):
                Tax.invoices[name] = sql1(f"SELECT number FROM invoices WHERE account_id = {self.acct[name]} "
                                          f"AND period = '{PERIOD}'")
        return Tax.invoices

    def configure(self):
        """The four accounts' details and rates, through the API, the screen and vepctl."""
        j = self.set_api("dom", {"name": "Max Mustermann", "address": "Hauptstr. 1\n10115 Berlin",
                                 "country": "de", "tax_bp": "auto"})
        self.assertEqual((j["country"], j["tax_mode"], j["tax_bp"], j["tax_scheme"]), ("DE", "auto", 1900, "standard"))
        j = self.set_api("rc", {"company": "Acme SARL", "name": "Jeanne Martin",
                                "address": "3 rue de la Paix\n75002 Paris", "country": "FR",
                                "vat_id": "fr 40 303 265 045", "tax_bp": "auto"})
        self.assertEqual((j["vat_id"], j["tax_bp"], j["tax_scheme"]), ("FR40303265045", 0, "reverse_charge"))
        # the screen: a French consumer, no VAT id
        c = self.admin()
        path = f"/admin/tax/{self.acct['novat']}"
        csrf = c.csrf(path)
        r = c.post(path, [("csrf", csrf), ("name", "Paul Durand"), ("company", ""),
                          ("address", "8 quai Voltaire\n75007 Paris"), ("country", "FR"), ("vat_id", ""),
                          ("tax_bp", "auto")])
        self.assertEqual(r.status, 303, r.text[:300])
        self.assertEqual(self.account_row("novat")[0][3:], ["FR", "", "auto", "2000", "standard"])
        # vepctl: a rate the operator fixes
        p = vepctl("account", "tax", str(self.acct["fixed"]), "--name", "Fixed Rate GmbH",
                   "--country", "AT", "--rate", "700")
        self.assertIn('"tax_bp": 700', p.stdout)
        self.assertEqual(self.account_row("fixed")[0][3:], ["AT", "", "manual", "700", "standard"])

    # ---- tests ----
    def test_invoices_to_the_cent(self):
        inv = self.run_invoices()
        want = {"dom": (1900, "standard"), "rc": (0, "reverse_charge"), "novat": (2000, "standard"),
                "fixed": (700, "standard")}
        for name, (bp, scheme) in want.items():
            with self.subTest(account=name):
                self.assertIsNotNone(inv[name])
                d = request("GET", f"/api/v1/invoices/{inv[name]}", headers=admin_headers()).json()
                tax = half_up(SUB * bp, 10000)
                self.assertEqual((d["subtotal_minor"], d["tax_bp"], d["tax_minor"], d["total_minor"]),
                                 (SUB, bp, tax, SUB + tax))
                self.assertEqual(d["tax_scheme"], scheme)
                self.assertEqual((d["supply_from"], d["supply_to"]), ("2024-02-01", "2024-02-29"))
                amounts = [(l["amount_minor"], l["tax_bp"], l["tax_minor"]) for l in d["lines"]]
                self.assertEqual(sorted(a for a, _, _ in amounts), [0, DISK_OVER, FEE])
                for a, lbp, lt in amounts:
                    self.assertEqual((lbp, lt), (bp, half_up(a * bp, 10000)))
                self.assertEqual(d["buyer"]["email"], f"taxtest-{self.tag}-{name}@example.com")
                if name == "rc":
                    self.assertIn("Reverse charge", d["tax_note"])
                    self.assertEqual(d["buyer"]["vat_id"], "FR40303265045")
                else:
                    self.assertEqual(d["tax_note"], "")
        # the figures by hand: 17.35 x 19 % = 3.2965 -> 3.30; x 20 % = 3.47; x 7 % = 1.2145 -> 1.21
        self.assertEqual(sql(f"SELECT tax_minor, total_minor FROM invoices WHERE number = {q(inv['dom'])}"),
                         [["330", "2065"]])
        self.assertEqual(sql(f"SELECT tax_minor, total_minor FROM invoices WHERE number = {q(inv['novat'])}"),
                         [["347", "2082"]])
        self.assertEqual(sql(f"SELECT tax_minor, total_minor FROM invoices WHERE number = {q(inv['fixed'])}"),
                         [["121", "1856"]])
        self.assertEqual(sql(f"SELECT tax_minor, total_minor, tax_scheme, buyer_company FROM invoices "
                             f"WHERE number = {q(inv['rc'])}"), [["0", "1735", "reverse_charge", "Acme SARL"]])

    def test_buyer_is_recorded_not_followed(self):
        """A profile changed after the run does not rewrite an issued invoice."""
        inv = self.run_invoices()
        self.set_api("dom", {"name": "Erika Musterfrau"})
        try:
            d = request("GET", f"/api/v1/invoices/{inv['dom']}", headers=admin_headers()).json()
            self.assertEqual(d["buyer"]["name"], "Max Mustermann")
            self.assertEqual(d["buyer"]["address"], "Hauptstr. 1\n10115 Berlin")
        finally:
            self.set_api("dom", {"name": "Max Mustermann"})

    def test_pdf_carries_what_an_eu_invoice_must(self):
        if not os.access("/usr/bin/pdftotext", os.X_OK):
            self.skipTest("pdftotext (poppler-utils) is not installed")
        inv = self.run_invoices()
        for name, musts in (
                ("rc", ["Demo ISP", "1 Example Street", "VAT id DE123456789", "Acme SARL", "Jeanne Martin",
                        "75002 Paris", "VAT id FR40303265045", "Reverse charge", "Supplied from: 2024-02-01",
                        "Supplied to: 2024-02-29", "Tax rate", "0.00 %", "17.35",
                        "IBAN DE89370400440532013000", "BIC COBADEFFXXX", inv["rc"]]),
                ("dom", ["Max Mustermann", "10115 Berlin", "19.00 %", "2.35", "0.95", "3.30", "20.65",
                         "Demo Bank"])):
            r = request("GET", f"/api/v1/invoices/{inv[name]}.pdf", headers=admin_headers())
            self.assertEqual(r.status, 200)
            with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
                f.write(r.body)
                f.flush()
                text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True,
                                      text=True, check=True).stdout
            for m in musts:
                self.assertIn(m, text, f"{name}: {m!r} missing from the PDF")
            if name == "dom":
                self.assertNotIn("Reverse charge", text)

    def test_print_page(self):
        inv = self.run_invoices()
        c = self.admin()
        r = c.get(f"/admin/invoices/{inv['rc']}/print")
        self.assertEqual(r.status, 200)
        for m in ("Acme SARL", "VAT id FR40303265045", "VAT id DE123456789", "Reverse charge",
                  "2024-02-01 to 2024-02-29", "IBAN DE89370400440532013000", "0.00 %"):
            self.assertIn(m, r.text)
        r = c.get("/admin/tax?q=" + f"taxtest-{self.tag}")
        self.assertEqual(r.status, 200)
        self.assertIn("reverse charge", r.text)
        self.assertEqual(len(re.findall(rf"taxtest-{self.tag}-", r.text)), 5)

    def test_bad_input_api(self):
        before, audits = self.account_row("bad"), self.audit_count("bad")
        for body, field in (({"vat_id": "FR123"}, "vat_id"), ({"vat_id": "GB123456789"}, "vat_id"),
                            ({"tax_bp": 10001}, "tax_bp"), ({"tax_bp": -1}, "tax_bp"),
                            ({"tax_bp": "19%"}, "tax_bp"), ({"tax_bp": 19.5}, "tax_bp"),
                            ({"country": "France"}, "country"), ({"country": "D1"}, "country"),
                            ({"name": "x" * 129}, "name"),
                            ({"rate": 1900}, "rate"), ({"name": 5}, "name")):
            with self.subTest(body=body):
                j = self.set_api("bad", body, status=422)
                self.assertIn(field, j["error"]["fields"])
        # a bidi override is refused by the JSON reader itself (issue 17), before any field
        r = request("POST", f"/api/v1/admin/accounts/{self.acct['bad']}/tax", {"name": "a\u202eb"},
                    admin_headers())
        self.assertEqual(r.status, 400)
        r = request("POST", f"/api/v1/admin/accounts/{self.acct['bad']}/tax", "[1]",
                    dict(admin_headers(), **{"Content-Type": "application/json"}))
        self.assertEqual(r.status, 400)
        for path in ("/api/v1/admin/accounts/0/tax", "/api/v1/admin/accounts/99999999999/tax",
                     "/api/v1/admin/accounts/x/tax"):
            self.assertEqual(request("POST", path, {"tax_bp": "auto"}, admin_headers()).status, 404)
        self.assertEqual(request("GET", f"/api/v1/admin/accounts/{self.acct['bad']}/tax").status, 401)
        self.assertEqual(self.account_row("bad"), before)
        self.assertEqual(self.audit_count("bad"), audits)

    def test_bad_input_screen_and_vepctl(self):
        before, audits = self.account_row("bad"), self.audit_count("bad")
        c = self.admin()
        path = f"/admin/tax/{self.acct['bad']}"
        csrf = c.csrf(path)
        r = c.post(path, [("csrf", csrf), ("name", "N"), ("company", ""), ("address", ""), ("country", "DE"),
                          ("vat_id", "DE12345"), ("tax_bp", "abc")])
        self.assertEqual(r.status, 422)
        self.assertIn('id="e-vat_id"', r.text)
        self.assertIn('id="e-tax_bp"', r.text)
        r = c.post(path, [("name", "N"), ("tax_bp", "auto")])		# no CSRF token
        self.assertIn(r.status, (400, 403))
        p = vepctl("account", "tax", str(self.acct["bad"]), "--vat-id", "XX1", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("nothing was changed", p.stderr)
        p = vepctl("account", "tax", "nope", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(self.account_row("bad"), before)
        self.assertEqual(self.audit_count("bad"), audits)

    def test_changes_are_audited(self):
        n = int(self.audit_count("bad"))
        self.set_api("bad", {"country": "AT", "tax_bp": "auto"})
        self.assertEqual(int(self.audit_count("bad")), n + 1)
        self.assertEqual(self.account_row("bad")[0][3:], ["AT", "", "auto", "2000", "standard"])
        # the same VAT id as our own country's: no reverse charge
        j = self.set_api("bad", {"country": "", "vat_id": "DE 123 456 789"})
        self.assertEqual((j["tax_bp"], j["tax_scheme"]), (1900, "standard"))


if __name__ == "__main__":
    unittest.main()
