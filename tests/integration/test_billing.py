"""Billing against the running instance: charges, explanation, invoice runs,
immutability, credit notes, payments and bad input (SPEC sections 5 and 8).

VEs (ids B111xxxx), accounts and a plan are created directly in the database
with controlled state histories and usage_hour rows in past months (2025-03
and 2025-04), and every expected amount is computed here, independently,
with exact fractions.  Invoices are immutable by design, so each run uses new
accounts; the VEs, orders, plan and usage rows are removed afterwards.
"""
import calendar
import os
import random
import subprocess
import tempfile
import threading
import time
import unittest
from fractions import Fraction

from veplib import (admin_headers, basic, drop_plan, drop_ves, password_hash, request, set_up_class, sql, sql_try,
                    sql_value, vepctl)

PASSWORD = "Bill-test-pass-4711"
D = 86400
MICRO = 10**6


def ts(y, mo, d, h=0, mi=0):
    return calendar.timegm((y, mo, d, h, mi, 0))


def half_up(x):
    """Round a Fraction half away from zero (the rule for money and quantities)."""
    x = Fraction(x)
    n = (abs(x) * 2 + 1) // 2
    return int(n) if x >= 0 else -int(n)


def fixed6(micro):
    sign = "-" if micro < 0 else ""
    m = abs(micro)
    return "%s%d.%06d" % (sign, m // MICRO, m % MICRO)


RES = ["disk", "cpu", "vmem", "traffic", "traffic_in", "traffic_out"]
UNIT = {"fee": "month", "disk": "GB-month", "cpu": "CPU-hour", "vmem": "GB-hour",
        "traffic": "GB", "traffic_in": "GB", "traffic_out": "GB"}
RAW_PER_MICRO = {"cpu": 3600, "vmem": 3600000, "traffic": 1000, "traffic_in": 1000,
                 "traffic_out": 1000}


def raw_of(res, u):
    return {"cpu": u["cpu"], "vmem": u["vmem"], "traffic": u["in"] + u["out"],
            "traffic_in": u["in"], "traffic_out": u["out"]}[res]


def expected_lines(period, versions, active, quota_mb, hours):
    """SPEC section 8 worked out independently: versions are dicts (valid_from,
    fee, inc{res}, price{res}); active a list of [a, b) intervals; hours a list
    of (t, cpu_us, vmem_byte_s, in, out) rows."""
    y, mo = int(period[:4]), int(period[5:])
    frm = ts(y, mo, 1)
    to = ts(y + (mo == 12), mo % 12 + 1, 1)
    ms = to - frm
    lines = []
    for i, v in enumerate(versions):
        sa = frm if i == 0 else max(frm, v["valid_from"])
        sb = to if i + 1 == len(versions) else min(to, versions[i + 1]["valid_from"])
        sa = min(sa, to)
        sb = max(sb, sa)
        act = sum(max(0, min(b, sb) - max(a, sa)) for a, b in active)
        u = {"cpu": 0, "vmem": 0, "in": 0, "out": 0}
        for (t, cpu, vm, i_, o_) in hours:
            if not (frm <= t < to):
                continue
            k = max([j for j, w in enumerate(versions) if w["valid_from"] <= t] or [0])
            if k != i:
                continue
            u["cpu"] += cpu
            u["vmem"] += vm
            u["in"] += i_
            u["out"] += o_
        if act == 0 and not any(u.values()):
            continue
        q = half_up(Fraction(act * MICRO, ms))
        lines.append(("fee", "fee", q, v["fee"], half_up(Fraction(q * v["fee"], MICRO))))
        inc, price = v["inc"], v["price"]
        if inc.get("disk", 0) or price.get("disk", 0):
            quota = quota_mb * 10**6
            within = min(quota, inc.get("disk", 0) * 10**9)
            if inc.get("disk", 0):
                lines.append(("usage", "disk", half_up(Fraction(within * act, 1000 * ms)), 0, 0))
            over = half_up(Fraction((quota - within) * act, 1000 * ms))
            if over > 0:
                p = price.get("disk", 0)
                lines.append(("overage", "disk", over, p, half_up(Fraction(over * p, MICRO))))
        for r in RES[1:]:
            if not inc.get(r, 0) and not price.get(r, 0):
                continue
            used = half_up(Fraction(raw_of(r, u), RAW_PER_MICRO[r]))
            allow = half_up(Fraction(inc.get(r, 0) * MICRO * act, ms))
            within = min(used, allow)
            if inc.get(r, 0):
                lines.append(("usage", r, within, 0, 0))
            if used - within > 0:
                p = price.get(r, 0)
                lines.append(("overage", r, used - within, p,
                              half_up(Fraction((used - within) * p, MICRO))))
    if not lines:
        lines.append(("fee", "fee", 0, versions[0]["fee"], 0))
    return [{"kind": k, "resource": r, "quantity": fixed6(q), "unit": UNIT[r],
             "unit_price_minor": p, "amount_minor": a} for (k, r, q, p, a) in lines]


def totals(lines, tax_bp):
    sub = sum(line["amount_minor"] for line in lines)
    tax = half_up(Fraction(sub * tax_bp, 10000))
    return sub, tax, sub + tax


class Billing(unittest.TestCase):
    """One set of plan, accounts and VEs per run of the module."""

    @classmethod
    def setUpClass(cls):
        cls.facts = {}
        cls.plan_id = None
        set_up_class(cls)

    @classmethod
    def setup(cls):
        cls.tag = "%06x" % random.randrange(1 << 24)
        cls.plan_code = ("BT" + cls.tag).upper()
        base = random.randrange(0, 0xFF00)
        ids = ["B111%04X" % (base + i) for i in range(48)]
        cls.ves = []
        cls.hash = password_hash(PASSWORD, "billtest")
        t0 = ts(2025, 1, 1)
        cls.split = ts(2025, 3, 16, 12)    # noon: the 16th is rated from its hours
        sql("INSERT INTO plans (code, name, currency, max_disk_quota_mb, max_ip_count, login_allowed,"
            " cap_action, created_at) VALUES ('%s', 'Billing test', 'EUR', 51200, 4, 'ssh', 'throttle', %d)"
            % (cls.plan_code, t0))
        cls.plan_id = int(sql_value("SELECT id FROM plans WHERE code = '%s'" % cls.plan_code))
        cls.versions = [
            {"valid_from": t0, "fee": 1000,
             "inc": {"disk": 10, "cpu": 10, "traffic": 100},
             "price": {"disk": 50, "cpu": 3, "traffic": 20, "vmem": 2}},
            {"valid_from": cls.split, "fee": 2000,
             "inc": {"disk": 10, "cpu": 10, "traffic": 100},
             "price": {"disk": 60, "cpu": 5, "traffic": 25, "vmem": 2}},
        ]
        col = {"disk": "disk_gb", "cpu": "cpu_hours", "traffic": "traffic_gb", "vmem": "vmem_gb_hours",
               "traffic_in": "traffic_in_gb", "traffic_out": "traffic_out_gb"}
        pcol = {"disk": "disk_gb_month", "cpu": "cpu_hour", "traffic": "traffic_gb",
                "vmem": "vmem_gb_hour", "traffic_in": "traffic_in_gb", "traffic_out": "traffic_out_gb"}
        for v in cls.versions:
            sql("INSERT INTO plan_versions (plan_id, valid_from, monthly_fee_minor, %s, %s) VALUES (%d, %d, %d, %s, %s)"
                % (", ".join("inc_" + col[r] for r in RES), ", ".join("ov_" + pcol[r] for r in RES),
                   cls.plan_id, v["valid_from"], v["fee"],
                   ", ".join(str(v["inc"].get(r, 0)) for r in RES),
                   ", ".join(str(v["price"].get(r, 0)) for r in RES)))
        cls.template = sql_value("SELECT MIN(id) FROM os_templates")
        if cls.template in (None, "NULL"):
            sql("INSERT INTO os_templates (code, name) VALUES ('billtest', 'Billing test')")
            cls.template = sql_value("SELECT id FROM os_templates WHERE code = 'billtest'")
        cls.acct = {}
        for name, tax in (("a1", 1900), ("a2", 0)):
            cls.acct[name] = cls.account(name, tax)

        # 2025-03: V1 all month (20 GB quota), V2 from the 10th noon with a
        # suspension 20th-25th (within its 10 GB), V3 created the 5th and
        # deleted the 12th (quota exactly the included 10 GB).
        cls.v1, cls.v2, cls.v3 = ids[0], ids[1], ids[2]
        cls.add_ve(cls.v1, "a1", ts(2025, 2, 10), 20000, [])
        cls.add_ve(cls.v2, "a1", ts(2025, 3, 10, 12), 5000,
                   [("suspended", ts(2025, 3, 20)), ("active", ts(2025, 3, 25))])
        cls.add_ve(cls.v3, "a2", ts(2025, 3, 5), 10000, [("deleted", ts(2025, 3, 12))])
        cls.facts[cls.v1]["active"] = [(ts(2025, 2, 10), 1 << 40)]
        cls.facts[cls.v2]["active"] = [(ts(2025, 3, 10, 12), ts(2025, 3, 20)), (ts(2025, 3, 25), 1 << 40)]
        cls.facts[cls.v3]["active"] = [(ts(2025, 3, 5), ts(2025, 3, 12))]
        G = 10**9
        cls.add_usage(cls.v1, [
            (ts(2025, 2, 28, 23), 5 * 3600 * 10**6, 0, 7 * G, 0),          # before the month
            (ts(2025, 3, 2, 10), 3 * 3600 * 10**6 + 1234567, 2 * G * 3600, 30 * G, 5 * G + 123),
            (ts(2025, 3, 2, 11), 2 * 3600 * 10**6, int(1.5 * G) * 3600, 20 * G, 4 * G),
            (ts(2025, 3, 9, 0), 3 * 3600 * 10**6 + 1799, G * 3600 + 1, 10 * G + 999, 3345678901),
            (ts(2025, 3, 15, 23), 1800, 0, 0, 1),
            (ts(2025, 3, 16, 11), 36 * 10**8, G * 3600, 2 * G, 0),         # last hour of v1
            (ts(2025, 3, 16, 12), 2 * 3600 * 10**6, 3 * G * 3600, 6 * G, 4 * G),  # first of v2
            (ts(2025, 3, 31, 23), 3600 * 10**6 + 5, 7, 1, 0),
            (ts(2025, 4, 1, 0), 9 * 3600 * 10**6, 0, 50 * G, 0),          # after the month
        ])
        cls.add_usage(cls.v2, [
            (ts(2025, 3, 11, 8), 600 * 10**6, G * 3600, 2 * G, G),
            (ts(2025, 3, 26, 8), 1200 * 10**6, 0, 3 * G, 0),
        ])
        cls.add_usage(cls.v3, [(ts(2025, 3, 6, 1), 36 * 10**8, 4 * G * 3600, 70 * G, 40 * G)])

        # 2025-04: forty accounts with one VE each, for the concurrent runs.
        cls.april = []
        for k in range(40):
            a = cls.account("c%d" % k, 1000 * (k % 3))
            ve = ids[3 + k]
            cls.acct["c%d" % k] = a
            cls.add_ve(ve, "c%d" % k, ts(2025, 4, 1) + k * 3600, 1000, [])
            cls.april.append((a, ve))
        cls.invoiced = False

    @classmethod
    def tearDownClass(cls):
        drop_ves(cls.facts)
        drop_plan(cls.plan_id)

    # --- set-up helpers ---
    @classmethod
    def account(cls, name, tax_bp):
        email = "billtest-%s-%s@example.net" % (cls.tag, name)
        sql("INSERT INTO accounts (email, tax_bp, created_at) VALUES ('%s', %d, %d)"
            % (email, tax_bp, ts(2025, 1, 1)))
        return {"id": int(sql_value("SELECT id FROM accounts WHERE email = '%s'" % email)),
                "tax_bp": tax_bp}

    @classmethod
    def add_ve(cls, ve, acct, created, quota_mb, changes):
        a = cls.acct[acct]["id"]
        sql("INSERT INTO orders (account_id, plan_id, template_id, disk_quota_mb, always_on,"
            " lifetime_days, login, fs_fault_tolerance_s, backup_hours, firewall, ip_count, created_at)"
            " VALUES (%d, %d, %s, %d, 1, 3650, 'ssh', 60, 24, 'open', 1, %d)"
            % (a, cls.plan_id, cls.template, quota_mb, created))
        order = sql_value("SELECT MAX(id) FROM orders WHERE account_id = %d" % a)
        sql("INSERT INTO ves (id, account_id, order_id, password_hash, created_at, expires_at, updated_at)"
            " VALUES ('%s', %d, %s, '%s', %d, %d, %d)"
            % (ve, a, order, cls.hash, created, ts(2036, 1, 1), created))
        for state, at in changes:
            sql("UPDATE ves SET state = '%s', state_reason = 'billing test', updated_at = %d WHERE id = '%s'"
                % (state, at, ve))
        cls.facts[ve] = {"account": acct, "quota": quota_mb, "hours": [],
                         "active": [(created, 1 << 40)]}

    @classmethod
    def add_usage(cls, ve, rows):
        """usage_hour rows and, as billingd writes them, their usage_day sums."""
        days = {}
        for (t, cpu, vm, i, o) in rows:
            sql("INSERT INTO usage_hour (ve_id, t, cpu_user_us, cpu_sys_us, net_in_bytes, net_out_bytes,"
                " vmem_sum_bytes, samples) VALUES ('%s', %d, %d, %d, %d, %d, %d, 3600)"
                % (ve, t, cpu - cpu // 3, cpu // 3, i, o, vm))
            d = days.setdefault(t - t % D, [0, 0, 0, 0, 0, 0])
            for k, x in enumerate((cpu - cpu // 3, cpu // 3, i, o, vm, 3600)):
                d[k] += x
        for t, d in days.items():
            sql("INSERT INTO usage_day (ve_id, t, cpu_user_us, cpu_sys_us, net_in_bytes, net_out_bytes,"
                " vmem_sum_bytes, samples) VALUES ('%s', %d, %d, %d, %d, %d, %d, %d)" % ((ve, t) + tuple(d)))
        cls.facts[ve]["hours"] += rows

    def expect(self, ve, period="2025-03"):
        f = self.facts[ve]
        return expected_lines(period, self.versions, f["active"], f["quota"], f["hours"])

    def invoice_of(self, acct, period):
        rows = sql("SELECT number FROM invoices WHERE account_id = %d AND period = '%s'"
                   % (self.acct[acct]["id"], period))
        self.assertEqual(len(rows), 1, "account %s must have exactly one invoice for %s" % (acct, period))
        return rows[0][0]

    def need_route(self, path):
        """Payments and credit notes are proposed routes (cgi/api_billing.h):
        skip, saying so, until the route table has them."""
        r = request("POST", path, {}, admin_headers())
        if r.status == 404:
            self.skipTest("%s is not in the API's route table yet" % path)

    @classmethod
    def ensure_invoiced(cls):
        if not cls.invoiced:
            r = request("POST", "/api/v1/admin/invoice-runs", {"period": "2025-03"}, admin_headers())
            assert r.status in (200, 201), r.text
            cls.invoiced = True

    # --- charges ---
    def test_charges_match_independent_rating(self):
        for ve in (self.v1, self.v2, self.v3):
            r = request("GET", "/api/v1/ves/%s/charges?period=2025-03" % ve, headers=admin_headers())
            self.assertEqual(r.status, 200, r.text)
            j = r.json()
            want = self.expect(ve)
            self.assertEqual(j["period"], "2025-03")
            self.assertEqual(j["currency"], "EUR")
            got = [dict((k, line[k]) for k in want[0]) for line in j["lines"] if line["kind"] != "credit"]
            self.assertEqual(got, want, ve)
            if not any(line["kind"] == "credit" for line in j["lines"]):
                sub, tax, total = totals(want, self.acct[self.facts[ve]["account"]]["tax_bp"])
                self.assertEqual((j["subtotal_minor"], j["tax_minor"], j["total_minor"]), (sub, tax, total))
        # the worked example must exercise the interesting lines
        kinds = {(l["kind"], l["resource"]) for l in self.expect(self.v1)}
        for k in (("overage", "cpu"), ("usage", "cpu"), ("overage", "traffic"), ("overage", "disk"),
                  ("overage", "vmem")):
            self.assertIn(k, kinds)
        self.assertEqual(sum(1 for l in self.expect(self.v1) if l["kind"] == "fee"), 2)

    def test_charges_owner_and_privacy(self):
        r = request("GET", "/api/v1/ves/%s/charges?period=2025-03" % self.v1, headers=basic(self.v1, PASSWORD))
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["lines"][0]["kind"], "fee")
        r = request("GET", "/api/v1/ves/%s/charges?period=2025-03" % self.v2, headers=basic(self.v1, PASSWORD))
        self.assertEqual(r.status, 404)
        r = request("GET", "/api/v1/ves/%s/charges?period=2025-03" % self.v1)
        self.assertEqual(r.status, 401)
        r = request("GET", "/api/v1/ves/B111ZZZZ/charges?period=2025-03", headers=admin_headers())
        self.assertEqual(r.status, 404)

    def test_charges_bad_period(self):
        for q in ("period=2025-13", "period=2025-1", "period=2025-00", "", "period=", "period=20250-01",
                  "period=2099-01", "period=2025-03&explain=2"):
            r = request("GET", "/api/v1/ves/%s/charges?%s" % (self.v1, q), headers=admin_headers())
            self.assertEqual(r.status, 422, q + ": " + r.text)
            self.assertIn("error", r.json())

    def test_explain_sums(self):
        r = request("GET", "/api/v1/ves/%s/charges?period=2025-03&explain=1" % self.v1, headers=admin_headers())
        self.assertEqual(r.status, 200, r.text)
        j = r.json()
        ex = j["explain"]
        self.assertEqual(ex["month_seconds"], 31 * D)
        self.assertEqual([s["active_seconds"] for s in ex["segments"]], [15 * D + D // 2, 15 * D + D // 2])
        rows = [h for h in self.facts[self.v1]["hours"] if ts(2025, 3, 1) <= h[0] < ts(2025, 4, 1)]
        seen = set()
        for u in ex["usage"]:
            vf = u["valid_from"]
            k = 0 if vf.startswith("2025-01") else 1
            lo, hi = (ts(2025, 3, 1), self.split) if k == 0 else (self.split, ts(2025, 4, 1))
            mine = [h for h in rows if lo <= h[0] < hi]
            total = sum(raw_of(u["resource"], {"cpu": h[1], "vmem": h[2], "in": h[3], "out": h[4]})
                        for h in mine)
            self.assertEqual(u["raw"], total, u["resource"])
            self.assertEqual(sum(d["raw"] for d in u["days"]), u["raw"])
            for d in u["days"]:
                # a whole day is its usage_day row, which its hours add up to;
                # the 16th (split at noon) counts this version's hours
                self.assertEqual(d["source"], "hours" if d["day"] == "2025-03-16" else "day")
                self.assertEqual(sum(h["raw"] for h in d["hours"]), d["raw"])
                for h in d["hours"]:
                    self.assertTrue(h["t"].startswith(d["day"]))
                    t = calendar.timegm(time.strptime(h["t"], "%Y-%m-%dT%H:%M:%SZ"))
                    if d["source"] == "hours":
                        self.assertTrue(lo <= t < hi, h["t"])
            # the lines it explains: usage + overage quantities = the raw amount in units
            q = sum(int(j["lines"][i]["quantity"].replace(".", "")) for i in u["lines"])
            self.assertEqual(q, half_up(Fraction(u["raw"], RAW_PER_MICRO[u["resource"]])))
            self.assertEqual(u["quantity"], fixed6(q))
            seen.add((u["resource"], k))
        self.assertIn(("cpu", 0), seen)
        self.assertIn(("vmem", 1), seen)
        split = [d for u in ex["usage"] for d in u["days"] if d["day"] == "2025-03-16"]
        self.assertEqual(len({d["source"] for d in split}), 1)
        self.assertGreaterEqual(len(split), 2)

    # --- invoices ---
    def test_invoice_run_lines_and_idempotency(self):
        self.ensure_invoiced()
        n1 = self.invoice_of("a1", "2025-03")
        n2 = self.invoice_of("a2", "2025-03")
        r = request("GET", "/api/v1/invoices/%s" % n1, headers=admin_headers())
        self.assertEqual(r.status, 200, r.text)
        inv = r.json()
        want = []
        for ve in sorted((self.v1, self.v2)):
            for line in self.expect(ve):
                line = dict(line)
                line["ve_id"] = ve
                want.append(line)
        self.assertEqual([dict((k, l[k]) for k in want[0]) for l in inv["lines"]], want)
        sub, tax, total = totals(want, 1900)
        self.assertEqual((inv["subtotal_minor"], inv["tax_minor"], inv["total_minor"]), (sub, tax, total))
        self.assertEqual(inv["period"], "2025-03")
        self.assertEqual(inv["currency"], "EUR")
        self.assertRegex(n1, r"^INV-\d{4}-\d{6}$")
        r = request("GET", "/api/v1/invoices/%s" % n2, headers=admin_headers())
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["total_minor"], totals(self.expect(self.v3), 0)[2])
        # Running it again changes nothing.
        before = sql("SELECT number, total_minor FROM invoices ORDER BY id")
        nlines = sql_value("SELECT COUNT(*) FROM invoice_lines")
        r = request("POST", "/api/v1/admin/invoice-runs", {"period": "2025-03"}, admin_headers())
        self.assertEqual(r.status, 200, r.text)
        # (the answer also counts the notes for late usage the run issued: db_late.h)
        self.assertEqual((r.json()["period"], r.json()["created"]), ("2025-03", 0))
        self.assertEqual(sql("SELECT number, total_minor FROM invoices ORDER BY id"), before)
        self.assertEqual(sql_value("SELECT COUNT(*) FROM invoice_lines"), nlines)

    def test_invoice_lists_and_owner_access(self):
        self.ensure_invoiced()
        n1 = self.invoice_of("a1", "2025-03")
        n2 = self.invoice_of("a2", "2025-03")
        r = request("GET", "/api/v1/ves/%s/invoices" % self.v2, headers=basic(self.v2, PASSWORD))
        self.assertEqual(r.status, 200, r.text)
        self.assertIn(n1, [i["number"] for i in r.json()["invoices"]])
        r = request("GET", "/api/v1/ves/%s/invoices" % self.v3, headers=admin_headers())
        self.assertEqual([i["number"] for i in r.json()["invoices"]], [n2])
        r = request("GET", "/api/v1/invoices/%s" % n1, headers=basic(self.v1, PASSWORD))
        self.assertEqual(r.status, 200)
        self.assertIn(r.json()["status"], ("open", "paid"))
        # another account's invoice is "not found" for an owner
        r = request("GET", "/api/v1/invoices/%s" % n2, headers=basic(self.v1, PASSWORD))
        self.assertEqual(r.status, 404)
        r = request("GET", "/api/v1/invoices/INV-1999-000001", headers=admin_headers())
        self.assertEqual(r.status, 404)

    def test_issued_invoices_are_immutable(self):
        self.ensure_invoiced()
        n1 = self.invoice_of("a1", "2025-03")
        total = sql_value("SELECT total_minor FROM invoices WHERE number = '%s'" % n1)
        for q in ("UPDATE invoices SET total_minor = total_minor + 1 WHERE number = '%s'" % n1,
                  "DELETE FROM invoices WHERE number = '%s'" % n1,
                  "UPDATE invoice_lines SET amount_minor = 0 WHERE invoice_id = "
                  "(SELECT id FROM invoices WHERE number = '%s')" % n1,
                  "DELETE FROM invoice_lines WHERE invoice_id = (SELECT id FROM invoices WHERE number = '%s')" % n1,
                  "UPDATE invoice_ves SET ve_id = 'x' WHERE invoice_id = "
                  "(SELECT id FROM invoices WHERE number = '%s')" % n1,
                  "DELETE FROM invoice_ves WHERE invoice_id = (SELECT id FROM invoices WHERE number = '%s')" % n1):
            rc, err = sql_try(q)
            self.assertNotEqual(rc, 0, q)
            self.assertIn("45000", err)
        self.assertEqual(sql_value("SELECT total_minor FROM invoices WHERE number = '%s'" % n1), total)

    def test_credit_note_and_payments(self):
        self.need_route("/api/v1/admin/credit-notes")
        self.need_route("/api/v1/admin/payments")
        self.ensure_invoiced()
        n1 = self.invoice_of("a1", "2025-03")
        inv = request("GET", "/api/v1/invoices/%s" % n1, headers=admin_headers()).json()
        open0 = inv["balance_minor"]
        self.assertEqual(open0, inv["total_minor"] + inv["credited_minor"] - inv["paid_minor"])
        self.assertGreater(open0, 200)
        # a credit note of -100 with 19% tax is -119
        r = request("POST", "/api/v1/admin/credit-notes",
                    {"invoice": n1, "reason": "outage on 2025-03-03",
                     "lines": [{"ve_id": self.v1, "resource": "fee", "amount_minor": -100,
                                "description": "one day"}]}, admin_headers())
        self.assertEqual(r.status, 201, r.text)
        j = r.json()
        self.assertRegex(j["credit_note"], r"^CN-\d{4}-\d{6}$")
        cn = [c for c in j["credit_notes"] if c["number"] == j["credit_note"]][0]
        self.assertEqual((cn["subtotal_minor"], cn["tax_minor"], cn["total_minor"]), (-100, -19, -119))
        self.assertEqual(j["balance_minor"], open0 - 119)
        # the VE's charges for the period show the credit
        c = request("GET", "/api/v1/ves/%s/charges?period=2025-03" % self.v1, headers=admin_headers()).json()
        self.assertIn(-100, [l["amount_minor"] for l in c["lines"] if l["kind"] == "credit"])
        # credit lines must be negative; a VE not on the invoice is refused
        for bad in ({"resource": "fee", "amount_minor": 5},
                    {"resource": "nope", "amount_minor": -5},
                    {"ve_id": self.v3, "resource": "fee", "amount_minor": -5}):
            n = sql_value("SELECT COUNT(*) FROM credit_notes")
            r = request("POST", "/api/v1/admin/credit-notes", {"invoice": n1, "reason": "x", "lines": [bad]},
                        admin_headers())
            self.assertEqual(r.status, 422, r.text)
            self.assertEqual(sql_value("SELECT COUNT(*) FROM credit_notes"), n)
        bal = open0 - 119
        # overpaying is refused, nothing written
        n = sql_value("SELECT COUNT(*) FROM payments")
        r = request("POST", "/api/v1/admin/payments",
                    {"invoice": n1, "amount_minor": bal + 1, "date": "2026-01-20", "reference": "x"},
                    admin_headers())
        self.assertEqual(r.status, 422, r.text)
        self.assertEqual(sql_value("SELECT COUNT(*) FROM payments"), n)
        r = request("POST", "/api/v1/admin/payments",
                    {"invoice": n1, "amount_minor": bal - 50, "date": "2026-01-20", "reference": "bank #1"},
                    admin_headers())
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual(r.json()["balance_minor"], 50)
        self.assertEqual(r.json()["status"], "open")
        # a credit beyond the open amount is refused
        r = request("POST", "/api/v1/admin/credit-notes",
                    {"invoice": n1, "reason": "too much", "lines": [{"resource": "fee", "amount_minor": -50}]},
                    admin_headers())
        self.assertEqual(r.status, 422, r.text)
        r = request("POST", "/api/v1/admin/payments",
                    {"invoice": n1, "amount_minor": 50, "date": "2026-01-21", "reference": "bank #2"},
                    admin_headers())
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual((r.json()["balance_minor"], r.json()["status"]), (0, "paid"))
        self.assertEqual([p["amount_minor"] for p in r.json()["payments"]][-2:], [bal - 50, 50])
        # a reversal reopens it
        r = request("POST", "/api/v1/admin/payments",
                    {"invoice": n1, "amount_minor": -50, "date": "2026-01-22", "reference": "chargeback"},
                    admin_headers())
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual(r.json()["balance_minor"], 50)
        # the owner sees credits and payments; payments are immutable too
        r = request("GET", "/api/v1/invoices/%s" % n1, headers=basic(self.v2, PASSWORD))
        self.assertEqual(r.status, 200)
        self.assertEqual(len(r.json()["payments"]), 3)
        rc, err = sql_try("UPDATE payments SET amount_minor = 1 WHERE invoice_id = "
                          "(SELECT id FROM invoices WHERE number = '%s')" % n1)
        self.assertNotEqual(rc, 0)
        rc, err = sql_try("DELETE FROM credit_notes WHERE number = '%s'" % j["credit_note"])
        self.assertNotEqual(rc, 0)

    def test_payment_bad_input(self):
        self.need_route("/api/v1/admin/payments")
        self.ensure_invoiced()
        n1 = self.invoice_of("a2", "2025-03")
        n = sql_value("SELECT COUNT(*) FROM payments")
        for body, code in (({"invoice": n1, "amount_minor": 1.5, "date": "2026-01-01"}, 422),
                           ({"invoice": n1, "amount_minor": 0, "date": "2026-01-01"}, 422),
                           ({"invoice": n1, "amount_minor": 1, "date": "2026-13-01"}, 422),
                           ({"invoice": n1, "amount_minor": 1, "date": "2099-01-01"}, 422),
                           ({"invoice": n1, "amount_minor": "1", "date": "2026-01-01"}, 422),
                           ({"amount_minor": 1, "date": "2026-01-01"}, 422),
                           ({"invoice": "INV-1999-000001", "amount_minor": 1, "date": "2026-01-01"}, 404)):
            r = request("POST", "/api/v1/admin/payments", body, admin_headers())
            self.assertEqual(r.status, code, "%s: %s" % (body, r.text))
        self.assertEqual(sql_value("SELECT COUNT(*) FROM payments"), n)
        r = request("POST", "/api/v1/admin/payments", {"invoice": n1, "amount_minor": 1, "date": "2026-01-01"},
                    basic(self.v3, PASSWORD))
        self.assertIn(r.status, (401, 403))

    def test_invoice_run_bad_input(self):
        tables = ("invoices", "invoice_lines", "billing_counters")
        before = {t: sql_value("SELECT COUNT(*) FROM %s" % t) for t in tables}
        y, m = [int(x) for x in sql_value("SELECT DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m')").split("-")]
        for body in ({"period": "2025-13"}, {"period": "2025-1"}, {"period": "2025-00"},
                     {"period": "%04d-%02d" % (y, m)}, {"period": "%04d-%02d" % (y + 1, m)},
                     {}, {"period": 202503}, {"month": "2025-03"}):
            r = request("POST", "/api/v1/admin/invoice-runs", body, admin_headers())
            self.assertEqual(r.status, 422, "%s: %s" % (body, r.text))
            self.assertIn("period", r.json()["error"].get("fields", {}), body)
        r = request("POST", "/api/v1/admin/invoice-runs", "period=2025-03", admin_headers())
        self.assertIn(r.status, (400, 415, 422))
        r = request("POST", "/api/v1/admin/invoice-runs", {"period": "2025-03"}, basic(self.v1, PASSWORD))
        self.assertEqual(r.status, 403)
        self.assertEqual({t: sql_value("SELECT COUNT(*) FROM %s" % t) for t in tables}, before)

    def test_concurrent_runs_give_one_set(self):
        mine = [a["id"] for a, _ in self.april]
        ids = ", ".join(str(i) for i in mine)
        before = int(sql_value("SELECT COUNT(*) FROM invoices WHERE period = '2025-04'"))
        year = int(sql_value("SELECT YEAR(UTC_TIMESTAMP())"))
        last_id = int(sql_value("SELECT COALESCE(MAX(id), 0) FROM invoices"))
        next_no = int(sql_value("SELECT COALESCE(MAX(next_no), 1) FROM billing_counters"
                                " WHERE kind = 'INV' AND year = %d" % year))
        out = []
        barrier = threading.Barrier(2)

        def run():
            barrier.wait()
            r = request("POST", "/api/v1/admin/invoice-runs", {"period": "2025-04"}, admin_headers(),
                        timeout=120)
            out.append((r.status, r.json()))

        th = [threading.Thread(target=run) for _ in range(2)]
        for t in th:
            t.start()
        for t in th:
            t.join(150)
        self.assertEqual(len(out), 2)
        for status, j in out:
            self.assertIn(status, (200, 201), j)
        after = int(sql_value("SELECT COUNT(*) FROM invoices WHERE period = '2025-04'"))
        self.assertEqual(sum(j["created"] for _, j in out), after - before)
        rows = sql("SELECT account_id, COUNT(*) FROM invoices WHERE period = '2025-04' AND account_id IN (%s)"
                   " GROUP BY account_id" % ids)
        self.assertEqual(sorted(int(r[0]) for r in rows), sorted(mine))
        self.assertTrue(all(r[1] == "1" for r in rows))
        # the numbers the two runs issued follow the counter without a gap
        made = [r[0] for r in sql("SELECT number FROM invoices WHERE id > %d ORDER BY id" % last_id)]
        self.assertEqual(made, ["INV-%04d-%06d" % (year, n) for n in range(next_no, next_no + len(made))])
        self.assertEqual(int(sql_value("SELECT next_no FROM billing_counters WHERE kind = 'INV' AND year = %d"
                                       % year)), next_no + len(made))
        # each April VE: fee pro rata from its creation hour
        for k, (a, ve) in enumerate(self.april[:3]):
            n = self.invoice_of("c%d" % k, "2025-04")
            inv = request("GET", "/api/v1/invoices/%s" % n, headers=admin_headers()).json()
            want = expected_lines("2025-04", self.versions, [(ts(2025, 4, 1) + k * 3600, 1 << 40)], 1000, [])
            self.assertEqual([dict((x, l[x]) for x in want[0]) for l in inv["lines"]], want)
            self.assertEqual(inv["tax_minor"], half_up(Fraction(inv["subtotal_minor"] * a["tax_bp"], 10000)))



class BillingPolicies(unittest.TestCase):
    """What billingd will run (the month due for invoicing, overdue VEs,
    traffic caps), through tests/integration/billing_probe with a fake clock,
    in a database of its own so no other VE is touched."""

    @classmethod
    def setUpClass(cls):
        from veplib import BUILD, CONF, ROOT
        cls.probe_bin = os.path.join(BUILD, "tests", "integration", "billing_probe")
        if not os.path.exists(cls.probe_bin):
            raise unittest.SkipTest("billing_probe is not built")
        cls.db = "vep_test_billing_%06x" % random.randrange(1 << 24)
        cls.conf = None
        sql("CREATE DATABASE %s CHARACTER SET utf8mb4" % cls.db, db="mysql")
        set_up_class(cls, BUILD, CONF, ROOT)

    @classmethod
    def setup(cls, build, conf_path, root):
        with open(conf_path) as f:
            text = f.read()
        lines = [("name = %s" % cls.db) if line.strip().startswith("name") and "vepanel" in line else line
                 for line in text.splitlines()]
        fd, cls.conf = tempfile.mkstemp(suffix=".conf")
        with os.fdopen(fd, "w") as f:
            f.write("\n".join(lines) + "\n")
        subprocess_run([os.path.join(build, "tools", "vepctl"), "-f", cls.conf, "migrate", "--dir",
                        os.path.join(root, "db", "migrations")])
        q = cls.q
        q("INSERT INTO accounts (id, email, created_at) VALUES (1, 'caps@example.net', 0), (2, 'due@example.net', 0)")
        q("INSERT INTO os_templates (id, code, name) VALUES (1, 'd', 'D')")
        q("INSERT INTO plans (id, code, name, currency, max_disk_quota_mb, max_ip_count, login_allowed,"
          " cap_action, created_at) VALUES (1, 'S', 'Suspend', 'EUR', 1000, 1, 'ssh', 'suspend', 0),"
          " (2, 'T', 'Throttle', 'EUR', 1000, 1, 'ssh', 'throttle', 0)")
        q("INSERT INTO plan_versions (plan_id, valid_from, monthly_fee_minor) VALUES (1, 0, 1000), (2, 0, 500)")
        # VE, account, plan, total cap MB, in cap MB, in min kbps
        for i, (ve, acct, plan, cap, incap, kbps) in enumerate((
                ("B1110001", 1, 1, 100, 0, 0),        # suspended at the cap
                ("B1110002", 1, 2, 0, 50, 256),       # throttled to its ordered minimum
                ("B1110003", 1, 2, 1000, 0, 0),       # under its cap
                ("B1110004", 2, 2, 0, 0, 0))):        # for the overdue policy
            q("INSERT INTO orders (id, account_id, plan_id, template_id, disk_quota_mb, always_on,"
              " lifetime_days, login, fs_fault_tolerance_s, backup_hours, firewall, ip_count, created_at,"
              " net_quota_max_mb, net_in_quota_max_mb, net_in_bw_min_kbps) VALUES"
              " (%d, %d, %d, 1, 100, 1, 3650, 'ssh', 60, 24, 'open', 1, 0, %d, %d, %d)"
              % (i + 1, acct, plan, cap, incap, kbps))
            q("INSERT INTO ves (id, account_id, order_id, password_hash, created_at, expires_at, updated_at)"
              " VALUES ('%s', %d, %d, 'x', %d, %d, %d)" % (ve, acct, i + 1, ts(2025, 1, 1), ts(2036, 1, 1),
                                                           ts(2025, 1, 1)))
        june = ts(2025, 6, 10)
        for ve, i, o in (("B1110001", 60 * 10**6, 50 * 10**6), ("B1110002", 60 * 10**6, 0),
                         ("B1110003", 10**6, 10**6)):
            for table, t in (("usage_hour", june), ("usage_day", june - june % D)):
                q("INSERT INTO %s (ve_id, t, net_in_bytes, net_out_bytes) VALUES ('%s', %d, %d, %d)"
                  % (table, ve, t, i, o))

    @classmethod
    def tearDownClass(cls):
        sql("DROP DATABASE IF EXISTS %s" % cls.db, db="mysql")
        if cls.conf:
            os.unlink(cls.conf)

    @classmethod
    def q(cls, query):
        return sql(query, db=cls.db)

    def probe(self, *args, ok=True):
        p = subprocess.run([self.probe_bin, "-f", self.conf] + [str(a) for a in args],
                           capture_output=True, text=True, timeout=60)
        if ok:
            self.assertEqual(p.returncode, 0, p.stderr)
        return p

    def test_due_period(self):
        for now, grace, want in ((ts(2025, 7, 1, 23), 86400, "due 0 2025 6"),
                                 (ts(2025, 7, 2), 86400, "due 1 2025 6"),
                                 (ts(2026, 1, 5), 86400, "due 1 2025 12"),
                                 (ts(2024, 3, 1), 0, "due 1 2024 2")):
            self.assertEqual(self.probe("due", now, grace).stdout.strip(), want)

    def test_traffic_caps(self):
        self.assertEqual(self.probe("caps", ts(2025, 6, 20), 64).stdout.strip(), "reached 2 released 0")
        st = dict((r[0], (r[1], r[2])) for r in self.q("SELECT id, state, state_reason FROM ves"))
        self.assertEqual(st["B1110001"], ("suspended", "traffic cap reached"))
        self.assertEqual(st["B1110002"][0], "active")
        self.assertEqual(st["B1110003"][0], "active")
        caps = self.q("SELECT ve_id, period, resource, action, used_bytes, cap_bytes, throttle_kbps FROM ve_caps"
                      " ORDER BY ve_id")
        self.assertEqual(caps, [["B1110001", "2025-06", "traffic", "suspend", "110000000", "100000000", "0"],
                                ["B1110002", "2025-06", "traffic_in", "throttle", "60000000", "50000000", "256"]])
        self.assertEqual(self.probe("throttle", "B1110002", ts(2025, 6, 21)).stdout.strip(), "kbps 256")
        # the database recorded the suspension at the (fake) time it happened
        self.assertEqual(self.q("SELECT at, state FROM ve_state_log WHERE ve_id = 'B1110001' ORDER BY id")[-1],
                         [str(ts(2025, 6, 20)), "suspended"])
        # checking again changes nothing; a new month lifts the cap
        self.assertEqual(self.probe("caps", ts(2025, 6, 21), 64).stdout.strip(), "reached 0 released 0")
        self.assertEqual(self.probe("caps", ts(2025, 7, 1, 0, 5), 64).stdout.strip(), "reached 0 released 1")
        self.assertEqual(self.q("SELECT state FROM ves WHERE id = 'B1110001'"), [["active"]])
        self.assertEqual(self.probe("throttle", "B1110002", ts(2025, 7, 2)).stdout.strip(), "kbps 0")

    def test_overdue_policy(self):
        # May 2025 invoiced on 2025-06-02, due 14 days later (2025-06-16)
        self.assertEqual(self.probe("run", "2025-05", ts(2025, 6, 2), 14).stdout.strip(), "created 2")
        p = self.probe("run", "2025-06", ts(2025, 6, 30), 14, ok=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("has not ended", p.stderr)
        number = self.q("SELECT number, total_minor FROM invoices WHERE account_id = 2")[0]
        self.assertEqual(self.probe("overdue", ts(2025, 6, 16), 0).stdout.split(), [])
        self.assertIn("B1110004", self.probe("overdue", ts(2025, 6, 17), 0).stdout.split())
        self.assertNotIn("B1110004", self.probe("overdue", ts(2025, 6, 17), 7).stdout.split())
        self.assertIn("B1110004", self.probe("overdue", ts(2025, 6, 24), 7).stdout.split())
        pay = ("INSERT INTO payments (invoice_id, amount_minor, paid_at, reference, created_at, actor)"
               " SELECT id, total_minor, 0, 'test', 0, 'test' FROM invoices WHERE account_id = %d")
        self.q(pay % 1)
        # the policy suspends the VE of the unpaid account, and resumes it once paid
        self.assertEqual(self.probe("unpaid", ts(2025, 6, 24), 7).stdout.strip(), "suspended 1 resumed 0")
        self.assertEqual(self.q("SELECT state, state_reason FROM ves WHERE id = 'B1110004'"),
                         [["suspended", "invoice unpaid"]])
        self.assertEqual(self.probe("unpaid", ts(2025, 6, 25), 7).stdout.strip(), "suspended 0 resumed 0")
        self.q(pay % 2)
        self.assertNotIn("B1110004", self.probe("overdue", ts(2025, 6, 26), 7).stdout.split())
        self.assertEqual(self.probe("unpaid", ts(2025, 6, 26), 7).stdout.strip(), "suspended 0 resumed 1")
        self.assertEqual(self.q("SELECT state FROM ves WHERE id = 'B1110004'"), [["active"]])
        self.assertEqual(self.q("SELECT COUNT(*) FROM audit_log WHERE object = 'B1110004'"), [["2"]])


def subprocess_run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("%s: %s" % (cmd, p.stderr))
    return p


if __name__ == "__main__":
    unittest.main()
