"""Two money defects of issue 18, through nginx against the running instance.

- CSV reports wrote negative amounts as '-3.00 (text in a spreadsheet): a
  number column now holds plain numbers (-3.00), and only text cells that
  start with = + - @ get the formula guard (a plan code "-X..." does).
- A payment dated in the future (2027-05-01) was accepted and then missing
  from "Received this month": the admin screens and the API refuse a date
  after today with a clear error, and nothing is written.

One account with one VE in March 2024 on a plan whose code starts with '-',
invoiced by the run and credited 3.00 EUR (with 19 % tax: -3.57).
"""
import csv
import io
import secrets
import time
import unittest

from admin_util import Client, drop_operator, make_operator, q, sql, sql1, ts
from veplib import admin_headers, request

PERIOD = "2024-03"


def admin_date(t):
    return time.strftime("%Y-%m-%d", time.gmtime(t))


class MoneyDefects(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tag = secrets.token_hex(3).upper()
        cls.code = "-CSV" + cls.tag
        made = ts(2024, 2, 20)
        sql(f"INSERT INTO plans (code, name, currency, max_disk_quota_mb, max_ip_count, login_allowed, "
            f"active, created_at) VALUES ({q(cls.code)}, 'CSV test', 'EUR', 100000, 4, 'ssh', 0, {made})")
        plan = int(sql1(f"SELECT id FROM plans WHERE code = {q(cls.code)}"))
        sql(f"INSERT INTO plan_versions (plan_id, valid_from, monthly_fee_minor) VALUES ({plan}, 0, 1000)")
        email = f"csvtest-{cls.tag}@example.com"
        sql(f"INSERT INTO accounts (email, tax_bp, created_at) VALUES ({q(email)}, 1900, {made})")
        acct = int(sql1(f"SELECT MAX(id) FROM accounts WHERE email = {q(email)}"))
        template = int(sql1("SELECT id FROM os_templates ORDER BY id LIMIT 1"))
        sql(f"INSERT INTO orders (account_id, plan_id, template_id, disk_quota_mb, always_on, lifetime_days, "
            f"login, fs_fault_tolerance_s, backup_hours, firewall, ip_count, created_at) VALUES ({acct}, "
            f"{plan}, {template}, 1000, 1, 3650, 'ssh', 60, 24, 'client', 1, {made})")
        order = int(sql1(f"SELECT MAX(id) FROM orders WHERE account_id = {acct}"))
        while True:
            cls.ve = "C5F" + secrets.token_hex(3).upper()[:5]
            if sql1(f"SELECT COUNT(*) FROM ves WHERE id = {q(cls.ve)}") == "0":
                break
        sql(f"INSERT INTO ves (id, account_id, order_id, state, password_hash, created_at, expires_at, "
            f"updated_at) VALUES ({q(cls.ve)}, {acct}, {order}, 'active', "
            f"'$argon2id$v=19$m=8,t=1,p=1$none$none', {made}, {made + 3650 * 86400}, {made})")
        sql(f"UPDATE ves SET state = 'deleted', state_reason = 'csv test', updated_at = {ts(2024, 4, 1) - 1} "
            f"WHERE id = {q(cls.ve)}")
        r = request("POST", "/api/v1/admin/invoice-runs", {"period": PERIOD}, admin_headers())
        assert r.status in (200, 201), r.text
        cls.inv = sql1(f"SELECT number FROM invoices WHERE account_id = {acct} AND period = '{PERIOD}'")
        r = request("POST", "/api/v1/admin/credit-notes",
                    {"invoice": cls.inv, "reason": "csv test",
                     "lines": [{"ve_id": cls.ve, "resource": "fee", "amount_minor": -300}]}, admin_headers())
        assert r.status == 201, r.text
        cls.op, cls.op_pw = make_operator("csvtest")

    @classmethod
    def tearDownClass(cls):
        drop_operator(cls.op)

    def our_rows(self, text):
        rows = list(csv.reader(io.StringIO(text, newline="")))
        return rows[0], [r for r in rows[1:] if r[1].endswith(self.code)]

    def check_csv(self, text):
        header, rows = self.our_rows(text)
        self.assertEqual(header, ["period", "plan", "currency", "invoices", "ves", "fees", "overage",
                                  "credits", "net"])
        self.assertEqual(len(rows), 1, text)
        # text cell starting with '-': guarded; number cells: numbers, the negative one too
        self.assertEqual(rows[0], [PERIOD, "'" + self.code, "EUR", "1", "1", "10.00", "0.00", "-3.00", "7.00"])
        # and in the raw bytes: no quote before the minus of a number
        self.assertIn(",-3.00,7.00\r\n", text)
        self.assertNotIn("'-3.00", text)

    def test_csv_numbers_api(self):
        r = request("GET", "/api/v1/admin/reports/revenue?from=2024-03-01&to=2024-03-31",
                    headers=dict(admin_headers(), Accept="text/csv"))
        self.assertEqual(r.status, 200)
        self.check_csv(r.text)
        j = request("GET", "/api/v1/admin/reports/revenue?from=2024-03-01&to=2024-03-31",
                    headers=admin_headers()).json()
        row = [x for x in j["rows"] if x[1] == self.code]
        self.assertEqual(row[0][7], "-3.00")

    def test_csv_numbers_screen(self):
        c = Client()
        c.login(self.op, self.op_pw)
        r = c.get("/admin/reports/revenue?from=2024-03-01&to=2024-03-31&format=csv")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/csv"))
        self.check_csv(r.text)

    def payments(self):
        return sql1(f"SELECT COUNT(*) FROM payments p JOIN invoices i ON i.id = p.invoice_id "
                    f"WHERE i.number = {q(self.inv)}")

    def test_future_payment_refused_screen(self):
        c = Client()
        c.login(self.op, self.op_pw)
        path = f"/admin/invoices/{self.inv}"
        tomorrow = admin_date(time.time() + 86400)
        for date in ("2027-05-01", tomorrow):
            with self.subTest(date=date):
                n = self.payments()
                csrf = c.csrf(path)
                r = c.post(path + "/payments", [("csrf", csrf), ("amount", "1.00"), ("date", date),
                                                ("reference", "future")])
                self.assertEqual(r.status, 422, r.text[:300])
                self.assertIn("cannot be dated in the future", r.text)
                self.assertIn('id="e-date"', r.text)
                self.assertEqual(self.payments(), n)
        # the payments page's form too
        n = self.payments()
        r = c.post("/admin/payments", [("csrf", c.csrf("/admin/payments")), ("invoice", self.inv),
                                       ("amount", "1.00"), ("date", "2027-05-01"), ("reference", "future")])
        self.assertEqual(r.status, 422)
        self.assertIn("cannot be dated in the future", r.text)
        self.assertEqual(self.payments(), n)
        # today is fine, and it is received this month
        r = c.post(path + "/payments", [("csrf", c.csrf(path)), ("amount", "1.00"),
                                        ("date", admin_date(time.time())), ("reference", "today")])
        self.assertEqual(r.status, 303, r.text[:300])
        self.assertEqual(int(self.payments()), int(n) + 1)

    def test_future_payment_refused_api(self):
        n = self.payments()
        r = request("POST", "/api/v1/admin/payments",
                    {"invoice": self.inv, "amount_minor": 100, "date": "2027-05-01", "reference": "x"},
                    admin_headers())
        self.assertEqual(r.status, 422, r.text)
        self.assertIn("date", r.json()["error"]["fields"])
        self.assertEqual(self.payments(), n)


if __name__ == "__main__":
    unittest.main()
