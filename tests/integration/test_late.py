"""Late usage is billed, never lost (db/migrations/0007_late.sql, lib/db/db_late.h).

Usage that reaches the database after its month was invoiced is marked by
whoever stores it, and the next invoice run (API, vepctl, billingd's
billing round) issues a debit note (DN-YYYY-NNNNNN) or a credit note for
exactly the difference between what the month rates to now and what was
billed for it.  Three parts:

- LateProbe: a database of its own and tests/integration/billing_probe with
  a fake clock: usage is stored through the writer's library path (rollups
  and marks in one transaction), runs and rounds are called at chosen
  times; every amount is worked out here independently (test_billing's
  rating, exact fractions).
- LateScreens: the running instance: the owner sees the note and its reason
  through the API and on the self screen, the operator on the admin pages;
  a debit note is paid on its own.
- LateBillingd: a real billingd and a scripted agent whose counters grew
  while it could not be reached: the delta spans back into the invoiced
  month, is spread over the gap, and billingd's own billing round bills
  that month's share with one debit note.
"""
import calendar
import os
import random
import re
import subprocess
import tempfile
import threading
import time
import unittest

import test_billing as tb
from veplib import (BUILD, CONF, ROOT, admin_headers, basic, drop_plan, drop_ves, password_hash, request, set_up_class,
                    sql, sql_try, vepctl)

D = 86400
G = 10**9
H = 3600 * 10**6            # one CPU-hour in microseconds
ts = tb.ts
VERSIONS = [{"valid_from": 0, "fee": 1000, "inc": {"traffic": 100, "cpu": 10},
             "price": {"traffic": 20, "cpu": 3}}]
PV_COLS = ("monthly_fee_minor, inc_traffic_gb, inc_cpu_hours, ov_traffic_gb, ov_cpu_hour")


def expected(period, created, hours):
    """Lines, subtotal-free: the month of a VE active since created with these hour rows."""
    return tb.expected_lines(period, VERSIONS, [(created, 1 << 40)], 1000, hours)


def by_res(lines):
    out = {}
    for l in lines:
        q = int(l["quantity"].replace(".", "").replace("-", ""))
        a = out.setdefault(l["resource"], [0, 0])
        a[0] += q
        a[1] += l["amount_minor"]
    return out


def private_db(prefix):
    """A new database migrated with vepctl, and a configuration file naming it."""
    name = "vep_test_%s_%06x" % (prefix, random.randrange(1 << 24))
    sql("CREATE DATABASE %s CHARACTER SET utf8mb4" % name, db="mysql")
    with open(CONF) as f:
        text = f.read()
    lines = [("name = %s" % name) if line.strip().startswith("name") and "vepanel" in line else line
             for line in text.splitlines()]
    fd, conf = tempfile.mkstemp(suffix=".conf")
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(lines) + "\n")
    p = subprocess.run([os.path.join(BUILD, "tools", "vepctl"), "-f", conf, "migrate", "--dir",
                        os.path.join(ROOT, "db", "migrations")], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    return name, conf


class Probe:
    """billing_probe against one configuration."""

    def __init__(self, conf):
        self.bin = os.path.join(BUILD, "tests", "integration", "billing_probe")
        self.conf = conf

    def __call__(self, *args, ok=True):
        p = subprocess.run([self.bin, "-f", self.conf] + [str(a) for a in args],
                           capture_output=True, text=True, timeout=120)
        if ok and p.returncode != 0:
            raise AssertionError("billing_probe %s: %s" % (args, p.stderr))
        return p.stdout.strip()


def add_plan(q, code, created):
    q("INSERT INTO plans (code, name, currency, max_disk_quota_mb, max_ip_count, login_allowed,"
      " cap_action, created_at) VALUES ('%s', 'Late test', 'EUR', 51200, 4, 'ssh', 'throttle', %d)"
      % (code, created))
    pid = int(q("SELECT id FROM plans WHERE code = '%s'" % code)[0][0])
    v = VERSIONS[0]
    q("INSERT INTO plan_versions (plan_id, valid_from, %s) VALUES (%d, 0, %d, %d, %d, %d, %d)"
      % (PV_COLS, pid, v["fee"], v["inc"]["traffic"], v["inc"]["cpu"], v["price"]["traffic"],
         v["price"]["cpu"]))
    return pid


def add_account(q, email, tax_bp):
    q("INSERT INTO accounts (email, tax_bp, created_at) VALUES ('%s', %d, 0)" % (email, tax_bp))
    return int(q("SELECT id FROM accounts WHERE email = '%s'" % email)[0][0])


def add_ve(q, ve, account, plan, template, created, pwhash="x"):
    q("INSERT INTO orders (account_id, plan_id, template_id, disk_quota_mb, always_on, lifetime_days,"
      " login, fs_fault_tolerance_s, backup_hours, firewall, ip_count, created_at) VALUES"
      " (%d, %d, %s, 1000, 1, 3650, 'ssh', 60, 24, 'open', 1, %d)" % (account, plan, template, created))
    order = q("SELECT MAX(id) FROM orders WHERE account_id = %d" % account)[0][0]
    q("INSERT INTO ves (id, account_id, order_id, password_hash, created_at, expires_at, updated_at)"
      " VALUES ('%s', %d, %s, '%s', %d, %d, %d)" % (ve, account, order, pwhash, created, ts(2036, 1, 1),
                                                    created))


class LateProbe(unittest.TestCase):
    """The rules, at chosen times, in a database of its own."""

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(os.path.join(BUILD, "tests", "integration", "billing_probe")):
            raise unittest.SkipTest("billing_probe is not built")
        cls.db, cls.conf = private_db("late")
        cls.p = Probe(cls.conf)
        set_up_class(cls)

    @classmethod
    def tearDownClass(cls):
        sql("DROP DATABASE IF EXISTS %s" % cls.db, db="mysql")
        os.unlink(cls.conf)

    @classmethod
    def q(cls, query):
        return sql(query, db=cls.db)

    @classmethod
    def setup(cls):
        q = cls.q
        q("INSERT INTO os_templates (id, code, name) VALUES (1, 'd', 'D')")
        cls.plan = add_plan(q, "LATE", 0)
        cls.acct = {"a": add_account(q, "a@example.net", 1900), "b": add_account(q, "b@example.net", 0)}
        cls.created = ts(2025, 1, 1)
        cls.hours = {}
        for ve, a in (("1A7E0001", "a"), ("1A7E0002", "a"), ("1A7E0003", "b")):
            add_ve(q, ve, cls.acct[a], cls.plan, 1, cls.created)
            cls.hours[ve] = []

    def usage(self, ve, t, cpu, i, o, now):
        """Usage of one hour through the writer's path; returns how many marks it wrote."""
        out = self.p("usage", ve, t, cpu, i, o, now)
        self.hours[ve].append((t, cpu, 0, i, o))
        return int(out.split()[1])

    def adjust(self, now):
        out = self.p("adjust", now, 14).split()
        return int(out[1]), int(out[3])

    def invoice(self, acct, period="2025-10"):
        r = self.q("SELECT id, number, subtotal_minor, tax_minor, total_minor, tax_bp FROM invoices"
                   " WHERE account_id = %d AND period = '%s'" % (self.acct[acct], period))
        self.assertEqual(len(r), 1)
        return dict(zip(("id", "number", "sub", "tax", "total", "bp"), [r[0][0], r[0][1]] + [int(x) for x in r[0][2:]]))

    def notes(self, inv_id):
        """(kind, number, sub, tax, total, reason) of every note on an invoice, by kind and id."""
        dn = self.q("SELECT 'DN', number, subtotal_minor, tax_minor, total_minor, reason FROM debit_notes"
                    " WHERE invoice_id = %s ORDER BY id" % inv_id)
        cn = self.q("SELECT 'CN', number, subtotal_minor, tax_minor, total_minor, reason FROM credit_notes"
                    " WHERE invoice_id = %s ORDER BY id" % inv_id)
        return [(r[0], r[1], int(r[2]), int(r[3]), int(r[4]), r[5]) for r in dn + cn]

    def final(self, acct, bp, period="2025-10"):
        """The account's month rated from all usage stored now: lines by VE, subtotal, tax, total."""
        ves = [ve for ve, a in (("1A7E0001", "a"), ("1A7E0002", "a"), ("1A7E0003", "b")) if a == acct]
        lines = {ve: expected(period, self.created, self.hours[ve]) for ve in ves}
        sub = sum(l["amount_minor"] for ls in lines.values() for l in ls)
        tax = tb.half_up(tb.Fraction(sub * bp, 10000))
        return lines, sub, tax, sub + tax

    def assert_exact(self, acct):
        """The invoice and every late note add up to the final rating, to the minor unit."""
        inv = self.invoice(acct)
        notes = self.notes(inv["id"])
        _, sub, tax, total = self.final(acct, inv["bp"])
        self.assertEqual(inv["sub"] + sum(n[2] for n in notes), sub)
        self.assertEqual(inv["tax"] + sum(n[3] for n in notes), tax)
        self.assertEqual(inv["total"] + sum(n[4] for n in notes), total)
        return inv, notes

    def late_lines(self, kind, number):
        table = "debit_notes" if kind == "DN" else "credit_notes"
        return [(r[0], r[1], int(r[2]), int(r[3]), int(r[4])) for r in self.q(
            "SELECT l.ve_id, l.resource, l.qty_before_micro, l.qty_after_micro, l.amount_minor"
            " FROM late_lines l JOIN %s n ON n.id = l.note_id WHERE l.note_kind = '%s' AND n.number = '%s'"
            " ORDER BY l.seq" % (table, kind, number))]

    def test_late_usage_lifecycle(self):
        p, a1, a2, b1 = self.p, "1A7E0001", "1A7E0002", "1A7E0003"
        now0 = ts(2025, 11, 2)
        # October's usage before the run is nobody's late usage.
        self.assertEqual(self.usage(a1, ts(2025, 10, 5, 10), 2 * H, 60 * G, 30 * G, now0), 0)
        self.assertEqual(self.usage(a2, ts(2025, 10, 6, 10), 12 * H, G, 0, now0), 0)
        self.assertEqual(self.usage(b1, ts(2025, 10, 7, 3), 0, 5 * G, 5 * G, now0), 0)
        self.assertEqual(p("run", "2025-10", now0, 14), "created 2")
        self.assertEqual(self.q("SELECT period FROM invoiced_periods"), [["2025-10"]])
        self.assertEqual(self.adjust(now0), (0, 0))
        inv_a, _ = self.assert_exact("a")
        billed_a = inv_a["total"]

        # 13.2 GB out for October arrives on 10 November: one mark, one debit note.
        now1 = ts(2025, 11, 10)
        self.assertEqual(self.usage(a1, ts(2025, 10, 20, 5), 0, 0, 13200000000, now1), 1)
        self.assertEqual(self.usage(a1, ts(2025, 11, 9, 5), 0, 0, G, now1), 0)    # November: not invoiced
        self.assertEqual(self.q("SELECT ve_id, period, n FROM usage_late"), [[a1, "2025-10", "1"]])
        self.assertEqual(self.adjust(now1), (1, 0))
        inv, notes = self.assert_exact("a")
        self.assertEqual(inv["total"], billed_a)                                  # the invoice is untouched
        self.assertEqual([n[:2] for n in notes], [("DN", "DN-2025-000001")])
        kind, number, sub, tax, total, reason = notes[0]
        # 90 GB of traffic invoiced (100 included), 103.2 GB now: 3.2 GB x 20 = 64
        self.assertEqual(sub, 64)
        self.assertEqual(reason, "usage for 2025-10 received after invoicing: +13.2 GB traffic")
        self.assertEqual(self.late_lines("DN", number), [(a1, "traffic", 90000000, 103200000, 64)])
        self.assertEqual(self.q("SELECT due_at, issued_at, actor FROM debit_notes WHERE number = '%s'" % number),
                         [[str(now1 + 14 * D), str(now1), "probe"]])
        self.assertEqual(self.q("SELECT ve_id, resource, amount_minor FROM debit_note_lines l JOIN debit_notes d"
                                " ON d.id = l.debit_note_id WHERE d.number = '%s'" % number),
                         [[a1, "traffic", "64"]])
        self.assertEqual(self.q("SELECT COUNT(*) FROM usage_late"), [["0"]])
        self.assertEqual(self.q("SELECT action, object FROM audit_log WHERE action = 'invoice.debit_note'"),
                         [["invoice.debit_note", inv["number"]]])

        # Running again issues nothing; neither does the invoice run.
        before = self.q("SELECT kind, year, next_no FROM billing_counters ORDER BY kind, year")
        self.assertEqual(self.adjust(now1), (0, 0))
        self.assertEqual(p("run", "2025-10", now1, 14), "created 0")
        self.assertEqual(self.adjust(now1 + 60), (0, 0))
        self.assertEqual(self.q("SELECT kind, year, next_no FROM billing_counters ORDER BY kind, year"), before)

        # More for one VE, a corrected counter for the other, in one round:
        # one debit note and one credit note for the account, a line per VE
        # and resource.
        now2 = ts(2025, 11, 20)
        self.assertEqual(self.usage(a1, ts(2025, 10, 20, 5), 0, 5 * G, 0, now2), 1)
        self.assertEqual(self.usage(a2, ts(2025, 10, 6, 10), -3 * H, 0, 0, now2), 1)
        self.assertEqual(self.adjust(now2), (1, 1))
        inv, notes = self.assert_exact("a")
        self.assertEqual([n[:2] for n in notes], [("DN", "DN-2025-000001"), ("DN", "DN-2025-000002"),
                                                   ("CN", "CN-2025-000001")])
        self.assertEqual(self.late_lines("DN", "DN-2025-000002"), [(a1, "traffic", 103200000, 108200000, 100)])
        # 12 CPU-hours invoiced (10 included, 2 x 3 = 6), 9 now: -6
        self.assertEqual(self.late_lines("CN", "CN-2025-000001"), [(a2, "cpu", 12000000, 9000000, -6)])
        self.assertEqual(notes[2][5], "usage for 2025-10 corrected after invoicing: -3 CPU-hour")
        self.assertTrue(notes[2][2] < 0 and notes[2][3] <= 0)
        # the credit note lowers the invoice's balance like any credit note
        self.assertEqual(self.q("SELECT CAST(SUM(total_minor) AS SIGNED) FROM credit_notes WHERE invoice_id = %s"
                                % inv["id"]), [[str(notes[2][4])]])

        # Another account (no tax) gets its own note.
        self.assertEqual(self.usage(b1, ts(2025, 10, 7, 3), 0, 100 * G, 0, now2), 1)
        self.assertEqual(self.adjust(now2), (1, 0))
        inv_b, notes_b = self.assert_exact("b")
        self.assertEqual([(n[1], n[2], n[3]) for n in notes_b], [("DN-2025-000003", 200, 0)])

        # Numbers are per year of issue: the first note of 2026 is DN-2026-000001.
        now3 = ts(2026, 1, 3)
        self.assertEqual(self.usage(a1, ts(2025, 10, 31, 23), 0, 0, 2 * G, now3), 1)
        self.assertEqual(self.adjust(now3), (1, 0))
        inv, notes = self.assert_exact("a")
        self.assertEqual(notes[-2][1], "DN-2026-000001")

        # A late correction downwards only: a credit note, back to the invoice.
        self.assertEqual(self.usage(a1, ts(2025, 10, 20, 5), 0, -5 * G, -13200000000, now3), 1)
        self.assertEqual(self.usage(a1, ts(2025, 10, 31, 23), 0, 0, -2 * G, now3), 1)
        self.assertEqual(self.usage(a2, ts(2025, 10, 6, 10), 3 * H, 0, 0, now3), 1)
        d, c = self.adjust(now3)
        inv, notes = self.assert_exact("a")
        self.assertEqual((d, c), (1, 1))
        # everything is back where the invoice was: the notes cancel out
        self.assertEqual(sum(n[4] for n in notes), 0)
        self.assertEqual(self.adjust(now3), (0, 0))

    def test_immutable_and_bad_input(self):
        # Issued notes cannot be edited (the triggers answer 45000).
        self.q("INSERT INTO invoices (number, account_id, period, period_from, period_to, currency, tax_bp,"
               " subtotal_minor, tax_minor, total_minor, issued_at, due_at) VALUES ('INV-1999-000001', %d,"
               " '1999-01', 0, 1, 'EUR', 0, 10, 0, 10, 0, 0)" % self.acct["b"])
        self.q("INSERT INTO debit_notes (number, invoice_id, reason, subtotal_minor, tax_minor, total_minor,"
               " issued_at, due_at, actor) SELECT 'DN-1999-000001', id, 'test', 5, 0, 5, 0, 0, 'test'"
               " FROM invoices WHERE number = 'INV-1999-000001'")
        for stmt in ("UPDATE debit_notes SET total_minor = 6, subtotal_minor = 6 WHERE number = 'DN-1999-000001'",
                     "DELETE FROM debit_notes WHERE number = 'DN-1999-000001'"):
            rc, err = sql_try(stmt, db=self.db)
            self.assertNotEqual(rc, 0, stmt)
            self.assertIn("45000", err)
        rc, err = sql_try("INSERT INTO debit_notes (number, invoice_id, reason, subtotal_minor, tax_minor,"
                          " total_minor, issued_at, due_at, actor) SELECT 'DN-1999-000002', id, 'neg', -5, 0, -5,"
                          " 0, 0, 't' FROM invoices WHERE number = 'INV-1999-000001'", db=self.db)
        self.assertNotEqual(rc, 0)
        # vepctl with a bad period: a clear sentence, nothing written.
        tables = ("invoices", "debit_notes", "credit_notes", "invoiced_periods", "billing_counters",
                  "usage_late", "late_lines")
        before = {t: self.q("SELECT COUNT(*) FROM %s" % t) for t in tables}
        for period, rc, why in (("2025-13", 2, "must be a month written YYYY-MM"),
                                ("25-10", 2, "must be a month written YYYY-MM"),
                                ("2025-1", 2, "must be a month written YYYY-MM"),
                                (time.strftime("%Y-%m", time.gmtime()), 1, "has not ended")):
            r = subprocess.run([os.path.join(BUILD, "tools", "vepctl"), "-f", self.conf, "invoice", "run",
                                "--period", period], capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, rc, r.stderr)
            self.assertIn(why, r.stderr)
            self.assertEqual(r.stdout, "")
        r = subprocess.run([os.path.join(BUILD, "tools", "vepctl"), "-f", self.conf, "invoice", "run"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage: vepctl invoice run --period YYYY-MM", r.stderr)
        self.assertEqual({t: self.q("SELECT COUNT(*) FROM %s" % t) for t in tables}, before)
        # The probe refuses a malformed time as well.
        self.assertNotEqual(subprocess.run([self.p.bin, "-f", self.conf, "adjust", "x", "14"],
                                           capture_output=True).returncode, 0)


class LateConcurrent(unittest.TestCase):
    """Two rounds at once, and vepctl's invoice run, over many accounts: one
    note each, numbers without a gap."""

    def setUp(self):
        if not os.path.exists(os.path.join(BUILD, "tests", "integration", "billing_probe")):
            self.skipTest("billing_probe is not built")
        self.db, self.conf = private_db("latec")
        self.p = Probe(self.conf)

    def tearDown(self):
        sql("DROP DATABASE IF EXISTS %s" % self.db, db="mysql")
        os.unlink(self.conf)

    def q(self, query):
        return sql(query, db=self.db)

    def test_concurrent_rounds_and_vepctl(self):
        q = self.q
        q("INSERT INTO os_templates (id, code, name) VALUES (1, 'd', 'D')")
        plan = add_plan(q, "LATEC", 0)
        ves = []
        for k in range(24):
            a = add_account(q, "c%d@example.net" % k, 1000 * (k % 3))
            ve = "1A7E1%03X" % k
            add_ve(q, ve, a, plan, 1, ts(2025, 1, 1))
            ves.append(ve)
        now = ts(2025, 9, 3)
        self.assertEqual(self.p("run", "2025-08", now, 14), "created 24")
        for k, ve in enumerate(ves):
            self.assertEqual(self.p("usage", ve, ts(2025, 8, 10, k % 24), 0, 0, 101 * G + k, now + 60), "marked 1")
        out = []
        barrier = threading.Barrier(2)

        def run():
            barrier.wait()
            out.append(self.p("adjust", now + 120, 14))

        th = [threading.Thread(target=run) for _ in range(2)]
        for t in th:
            t.start()
        for t in th:
            t.join(120)
        made = sum(int(o.split()[1]) for o in out)
        self.assertEqual(made, 24, out)
        rows = q("SELECT i.account_id, COUNT(*) FROM debit_notes d JOIN invoices i ON i.id = d.invoice_id"
                 " GROUP BY i.account_id")
        self.assertEqual(len(rows), 24)
        self.assertTrue(all(r[1] == "1" for r in rows))
        numbers = [r[0] for r in q("SELECT number FROM debit_notes ORDER BY id")]
        self.assertEqual(numbers, ["DN-2025-%06d" % n for n in range(1, 25)])
        self.assertEqual(q("SELECT next_no FROM billing_counters WHERE kind = 'DN' AND year = 2025"), [["25"]])
        # vepctl's invoice run bills what is marked (at the real clock).
        self.assertEqual(self.p("usage", ves[0], ts(2025, 8, 11), 0, 0, G, now + 300), "marked 1")
        r = subprocess.run([os.path.join(BUILD, "tools", "vepctl"), "-f", self.conf, "invoice", "run",
                            "--period", "2025-08"], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines(), ["0 invoices created for 2025-08",
                                                 "1 debit notes and 0 credit notes issued for late usage"])
        self.assertEqual(q("SELECT COUNT(*) FROM usage_late"), [["0"]])


class LateScreens(unittest.TestCase):
    """What the customer and the operator see, on the running instance.  The
    month is 2005-06, when no other VE existed; billingd's own billing
    round may issue the note before the test's run does: only the outcome
    is checked."""

    PW = "Late-usage-pass-4711"
    PERIOD = "2005-06"

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(os.path.join(BUILD, "tests", "integration", "billing_probe")):
            raise unittest.SkipTest("billing_probe is not built")
        cls.p = Probe(CONF)
        cls.plan = None
        cls.ves = []
        set_up_class(cls)

    @classmethod
    def setup(cls):
        tag = "%06x" % random.randrange(1 << 24)
        q = sql
        cls.plan = add_plan(q, ("LT" + tag).upper(), ts(2005, 1, 1))
        template = sql("SELECT MIN(id) FROM os_templates")[0][0]
        h = password_hash(cls.PW, "latetest")
        cls.acct = add_account(q, "late-%s@example.net" % tag, 1900)
        cls.other_acct = add_account(q, "late-other-%s@example.net" % tag, 0)
        base = random.randrange(0, 0xFF00)
        cls.ve, cls.other = "1A7F%04X" % base, "1A7F%04X" % (base + 1)
        for ve, a in ((cls.ve, cls.acct), (cls.other, cls.other_acct)):
            add_ve(q, ve, a, cls.plan, template, ts(2005, 5, 20), h)
            cls.ves.append(ve)
        now = int(time.time())
        # (2005-06 was invoiced by an earlier run of this test: these are marked
        # then, and cleared without a note once their invoice exists.)
        assert cls.p("usage", cls.ve, ts(2005, 6, 3, 4), 0, 95 * G, 0, now) in ("marked 0", "marked 1")
        assert cls.p("usage", cls.other, ts(2005, 6, 3, 4), 0, G, 0, now) in ("marked 0", "marked 1")
        r = request("POST", "/api/v1/admin/invoice-runs", {"period": cls.PERIOD}, admin_headers())
        assert r.status == 201 and r.json()["created"] == 2, r.text
        cls.inv = sql("SELECT number FROM invoices WHERE account_id = %d" % cls.acct)[0][0]
        # 8.5 GB more for June arrive now: 103.5 GB, 3.5 GB above the included 100.
        assert cls.p("usage", cls.ve, ts(2005, 6, 28, 22), 0, 8500000000, 0, now) == "marked 1"
        r = request("POST", "/api/v1/admin/invoice-runs", {"period": cls.PERIOD}, admin_headers())
        assert r.status in (200, 201), r.text
        assert r.json()["created"] == 0, r.text
        rows = sql("SELECT d.number, d.total_minor FROM debit_notes d JOIN invoices i ON i.id = d.invoice_id"
                   " WHERE i.number = '%s'" % cls.inv)
        assert len(rows) == 1, rows
        cls.dn, cls.dn_total = rows[0][0], int(rows[0][1])

    @classmethod
    def tearDownClass(cls):
        drop_ves(cls.ves)
        drop_plan(cls.plan)

    def test_a_owner_api(self):
        # 3.5 GB x 20 = 70, tax 19 %: the invoice's tax moves from tax(S) to tax(S + 70)
        inv = request("GET", "/api/v1/invoices/%s" % self.inv, headers=basic(self.ve, self.PW)).json()
        self.assertEqual(inv["kind"], "invoice")
        self.assertEqual([d["number"] for d in inv["debit_notes"]], [self.dn])
        self.assertEqual(inv["debited_minor"], self.dn_total)
        dn = inv["debit_notes"][0]
        sub = inv["subtotal_minor"]
        self.assertEqual((dn["subtotal_minor"], dn["tax_minor"]),
                         (70, tb.half_up(tb.Fraction((sub + 70) * 1900, 10000)) - inv["tax_minor"]))
        r = request("GET", "/api/v1/ves/%s/invoices" % self.ve, headers=basic(self.ve, self.PW))
        self.assertEqual(r.status, 200, r.text)
        j = r.json()
        self.assertIn(self.inv, [i["number"] for i in j["invoices"]])
        notes = [n for n in j["notes"] if n["number"] == self.dn]
        self.assertEqual(len(notes), 1, j["notes"])
        n = notes[0]
        self.assertEqual((n["kind"], n["invoice"], n["period"], n["late"], n["total_minor"]),
                         ("debit_note", self.inv, self.PERIOD, True, self.dn_total))
        self.assertEqual(n["reason"], "usage for 2005-06 received after invoicing: +8.5 GB traffic")
        self.assertIn(n["status"], ("open", "paid"))
        r = request("GET", "/api/v1/invoices/%s" % self.dn, headers=basic(self.ve, self.PW))
        self.assertEqual(r.status, 200, r.text)
        d = r.json()
        self.assertEqual((d["kind"], d["number"], d["invoice"], d["currency"], d["tax_bp"]),
                         ("debit_note", self.dn, self.inv, "EUR", 1900))
        self.assertEqual([(l["ve_id"], l["resource"], l["unit"], l["quantity_before"], l["quantity_after"],
                           l["quantity_delta"], l["amount_minor"]) for l in d["lines"]],
                         [(self.ve, "traffic", "GB", "95.000000", "103.500000", "8.500000", 70)])
        # another account's note is "not found"; nobody's without credentials
        r = request("GET", "/api/v1/invoices/%s" % self.dn, headers=basic(self.other, self.PW))
        self.assertEqual(r.status, 404)
        r = request("GET", "/api/v1/invoices/%s" % self.dn)
        self.assertEqual(r.status, 401)
        r = request("GET", "/api/v1/ves/%s/invoices" % self.other, headers=basic(self.other, self.PW))
        self.assertNotIn(self.dn, [x["number"] for x in r.json()["notes"]])
        r = request("GET", "/api/v1/invoices/DN-1999-999999", headers=admin_headers())
        self.assertEqual(r.status, 404)

    def test_b_self_screen(self):
        from screens_util import Client
        c = Client()
        r = c.self_login(self.ve, self.PW)
        self.assertEqual(r.status, 303, r.text[:300])
        page = c.get("/self").text
        m = re.search(r'<tr class="note" data-number="%s" data-kind="debit_note">(.*?)</tr>' % self.dn, page, re.S)
        self.assertIsNotNone(m, "the debit note is not listed on the self screen")
        self.assertIn("usage for 2005-06 received after invoicing: +8.5 GB traffic", m.group(1))
        self.assertIn(self.inv, m.group(1))
        r = c.get("/self/invoices/%s" % self.dn)
        self.assertEqual(r.status, 200)
        self.assertIn('id="note-number">%s<' % self.dn, r.text)
        self.assertRegex(r.text, r'class="num before"[^>]*>95\.000000 GB<.*?class="num after"[^>]*>103\.500000 GB<.*?'
                                 r'class="num delta"[^>]*>\+8\.500000 GB<')
        self.assertIn("received after invoicing", r.text)
        r = c.get("/self/invoices/%s" % self.inv)
        self.assertEqual(r.status, 200)
        self.assertIn('id="debit-notes"', r.text)
        self.assertIn(self.dn, r.text)
        # another owner: not found
        o = Client()
        self.assertEqual(o.self_login(self.other, self.PW).status, 303)
        self.assertEqual(o.get("/self/invoices/%s" % self.dn).status, 404)

    def test_c_admin_pages_and_payment(self):
        import admin_util as au
        name, pw = au.make_operator("latetest")
        try:
            c = au.Client()
            c.login(name, pw)
            r = c.get("/admin/debit-notes")
            self.assertEqual(r.status, 200)
            self.assertIn(self.dn, r.text)
            self.assertIn("received after invoicing", r.text)
            r = c.get("/admin/invoices/%s" % self.inv)
            self.assertIn('href="/admin/debit-notes/%s"' % self.dn, r.text)
            r = c.get("/admin/debit-notes/%s" % self.dn)
            self.assertEqual(r.status, 200)
            self.assertIn("103.500000 GB", r.text)
            self.assertEqual(c.get("/admin/debit-notes/DN-1999-999999").status, 404)
            self.assertEqual(c.get("/admin/debit-notes/INV-1999-000001").status, 404)
            # paid through the admin form: the whole amount
            csrf = c.csrf("/admin/debit-notes/%s" % self.dn)
            amount = "%d.%02d" % (self.dn_total // 100, self.dn_total % 100)
            r = c.post("/admin/debit-notes/%s/payments" % self.dn,
                       [("csrf", csrf), ("amount", amount), ("date", time.strftime("%Y-%m-%d", time.gmtime())),
                        ("reference", "late test")])
            self.assertEqual(r.status, 303, r.text[:400])
            r = c.post("/admin/debit-notes/%s/payments" % self.dn,
                       [("csrf", csrf), ("amount", "0.01"), ("date", time.strftime("%Y-%m-%d", time.gmtime())),
                        ("reference", "too much")])
            self.assertEqual(r.status, 422)
        finally:
            au.drop_operator(name)
        d = request("GET", "/api/v1/invoices/%s" % self.dn, headers=admin_headers()).json()
        self.assertEqual((d["status"], d["balance_minor"], d["paid_minor"]), ("paid", 0, self.dn_total))
        # a reversal through the API reopens it; more than paid is refused
        r = request("POST", "/api/v1/admin/payments", {"invoice": self.dn, "amount_minor": -1,
                                                        "date": time.strftime("%Y-%m-%d", time.gmtime()),
                                                        "reference": "chargeback"}, admin_headers())
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual((r.json()["kind"], r.json()["balance_minor"]), ("debit_note", 1))
        r = request("POST", "/api/v1/admin/payments", {"invoice": self.dn, "amount_minor": 2,
                                                        "date": time.strftime("%Y-%m-%d", time.gmtime())},
                    admin_headers())
        self.assertEqual(r.status, 422)

    def test_d_late_credit_note(self):
        now = int(time.time())
        # June's counter corrected: 10 GB fewer than stored.
        self.assertEqual(self.p("usage", self.ve, ts(2005, 6, 3, 4), 0, -10 * G, 0, now), "marked 1")
        r = request("POST", "/api/v1/admin/invoice-runs", {"period": self.PERIOD}, admin_headers())
        self.assertIn(r.status, (200, 201), r.text)
        r = request("GET", "/api/v1/ves/%s/invoices" % self.ve, headers=basic(self.ve, self.PW))
        cns = [n for n in r.json()["notes"] if n["kind"] == "credit_note"]
        self.assertEqual(len(cns), 1, r.json()["notes"])
        self.assertTrue(cns[0]["late"])
        self.assertEqual(cns[0]["reason"], "usage for 2005-06 corrected after invoicing: -10 GB traffic")
        self.assertEqual(cns[0]["subtotal_minor"], -70)
        inv = request("GET", "/api/v1/invoices/%s" % self.inv, headers=basic(self.ve, self.PW)).json()
        cn = [c for c in inv["credit_notes"] if c["number"] == cns[0]["number"]][0]
        self.assertTrue(cn["late"])
        self.assertEqual([(x["quantity_before"], x["quantity_after"], x["amount_minor"]) for x in cn["differences"]],
                         [("103.500000", "93.500000", -70)])
        # invoice + debit note + credit note = the month as it rates now (93.5 GB, all included)
        self.assertEqual(inv["total_minor"] + inv["debited_minor"] + cn["total_minor"], inv["total_minor"])
        # The month's charges are its rating now: a late credit note is not taken off again.
        c = request("GET", "/api/v1/ves/%s/charges?period=%s" % (self.ve, self.PERIOD),
                    headers=basic(self.ve, self.PW)).json()
        self.assertEqual([l for l in c["lines"] if l["kind"] == "credit"], [])
        dn_sub = sum(d["subtotal_minor"] for d in inv["debit_notes"])
        self.assertEqual(c["subtotal_minor"], inv["subtotal_minor"] + dn_sub + cn["subtotal_minor"])
        # The revenue report counts the debit note with the month's overage.
        code = sql("SELECT code FROM plans WHERE id = %d" % self.plan)[0][0]
        r = request("GET", "/api/v1/admin/reports/revenue?from=2005-06-01&to=2005-06-30", headers=admin_headers())
        self.assertEqual(r.status, 200, r.text)
        row = [x for x in r.json()["rows"] if x[1] == code]
        self.assertEqual(len(row), 1, r.json()["rows"])
        subs = sum(int(x[0]) for x in sql("SELECT subtotal_minor FROM invoices WHERE account_id IN (%d, %d)"
                                          % (self.acct, self.other_acct)))
        net = int(row[0][8].replace(".", ""))
        self.assertEqual(net, subs + dn_sub + cn["subtotal_minor"])


@unittest.skipUnless(os.environ.get("VEP_DB_SOCKET"), "needs VEP_DB_SOCKET")
class LateBillingd(unittest.TestCase):
    """An agent unreachable across the month's end: billingd spreads the delta
    over the gap, marks the invoiced month, and its billing round bills it."""

    def test_gap_into_invoiced_month(self):
        import test_billingd as tbd
        if not os.path.exists(tbd.BILLINGD):
            self.skipTest("billingd is not built")
        now = int(time.time())
        t = time.gmtime(now)
        month_start = ts(t.tm_year, t.tm_mon, 1)
        if now - month_start > 29 * D:
            self.skipTest("too late in the month for a gap of at most 31 days")
        py, pm = (t.tm_year, t.tm_mon - 1) if t.tm_mon > 1 else (t.tm_year - 1, 12)
        period = "%04d-%02d" % (py, pm)
        tmp = tempfile.mkdtemp(prefix="latebd.")
        db = tbd.DB.create(tbd.SOCK)
        fake = d = None
        try:
            db.seed()
            db.run("UPDATE accounts SET tax_bp = 1900; INSERT INTO plan_versions (plan_id, valid_from, %s)"
                   " VALUES (1, 0, 1000, 0, 0, 20, 0)" % PV_COLS)
            agent_start = month_start - 40 * D
            fake = tbd.Fake(agent_start=agent_start)
            node = db.add_node("n1", fake.port)
            ve, ip = "1A7EB001", "192.0.2.77"
            created = ts(py, pm, 1) - 10 * D
            db.run("INSERT INTO orders (account_id, plan_id, template_id, disk_quota_mb, always_on, lifetime_days,"
                   " login, fs_fault_tolerance_s, backup_hours, firewall, ip_count, created_at) VALUES"
                   " (1, 1, 1, 1000, 1, 3650, 'ssh', 1, 1, 'open', 1, %d);"
                   " INSERT INTO ves (id, account_id, order_id, node_id, password_hash, created_at, expires_at,"
                   " updated_at) VALUES ('%s', 1, LAST_INSERT_ID(), %d, 'x', %d, %d, %d)"
                   % (created, ve, node, created, now + 400 * D, created))
            # The agent was last heard two hours before the month's end; since
            # then its counters grew by 2 TB received.
            last_t = month_start - 7200
            rx0, delta = 5 * G, 2000 * G
            start_us = (month_start - 30 * D) * 10**6
            fake.control({"op": "ve", "ve": ve, "start_us": start_us, "cpu_user_us": 1000,
                          "ips": {ip: [rx0 + delta, 0]}})
            db.run("INSERT INTO counter_state (ve_id, node_id, agent_start, ve_start, cpu_user_us, cpu_sys_us,"
                   " last_t) VALUES ('%s', %d, %d, %d, 1000, 0, %d);"
                   " INSERT INTO counter_state_ip (ve_id, ip, rx, tx) VALUES ('%s', '%s', %d, 0)"
                   % (ve, node, agent_start * 10**6, start_us, last_t, ve, ip, rx0))
            d = tbd.Billingd(tmp, db.sock, db.name, extra=["--max-spread-s", "2678400"])
            with open(d.conf, "a") as f:
                f.write("billing_every_s = 10\ninvoice_grace_h = 0\n")
            probe = Probe(d.conf)
            # The month was invoiced (by the fee alone) before the agent came back.
            self.assertEqual(probe("run", period, now, 14), "created 1")
            inv = db.run("SELECT id, number, subtotal_minor, tax_minor, total_minor FROM invoices")[0]
            d.start()
            got = tbd.wait_for(lambda: db.one("SELECT COUNT(*) FROM debit_notes") == "1", 60, 1)
            self.assertTrue(got, "no debit note; billingd log:\n" + d.logtext()[-3000:])
            # The invoiced month's share of the spread delta, as stored.
            pfrom, pto = ts(py, pm, 1), month_start
            rows = db.run("SELECT t, cpu_user_us + cpu_sys_us, vmem_sum_bytes, net_in_bytes, net_out_bytes"
                          " FROM usage_hour WHERE ve_id = '%s' AND t >= %d AND t < %d" % (ve, pfrom, pto))
            hours = [tuple(int(x) for x in r) for r in rows]
            share = sum(h[3] for h in hours)
            self.assertGreater(share, 0)
            self.assertLess(share, delta)
            self.assertTrue(all(h[0] >= last_t for h in hours), hours)
            lines = tb.expected_lines(period, [{"valid_from": 0, "fee": 1000, "inc": {}, "price": {"traffic": 20}}],
                                      [(created, 1 << 40)], 1000, hours)
            sub = sum(l["amount_minor"] for l in lines)
            tax = tb.half_up(tb.Fraction(sub * 1900, 10000))
            dn = db.run("SELECT number, subtotal_minor, tax_minor, total_minor, actor, reason FROM debit_notes")[0]
            self.assertEqual(int(inv[2]) + int(dn[1]), sub)
            self.assertEqual(int(inv[3]) + int(dn[2]), tax)
            self.assertEqual(int(inv[4]) + int(dn[3]), sub + tax)
            self.assertEqual(dn[4], "billingd")
            self.assertIn("received after invoicing: +", dn[5])
            self.assertEqual(db.one("SELECT COUNT(*) FROM usage_late"), "0")
            self.assertIn("marked for a debit or credit note", d.logtext())
            self.assertGreaterEqual(d.metrics().get("billingd_late_marks_total", 0), 1)
            # Two more billing rounds (the second begun after the note) issue nothing more.
            d.wait_metric("billingd_billing_rounds_total",
                          lambda v, r=d.metrics().get("billingd_billing_rounds_total", 0): v >= r + 2, 60)
            self.assertEqual(db.one("SELECT COUNT(*) FROM debit_notes"), "1")
            self.assertEqual(db.one("SELECT COUNT(*) FROM credit_notes"), "0")
            d.stop()
            log = d.logtext()
            self.assertNotIn("Sanitizer", log)
            self.assertNotIn("runtime error", log)
        finally:
            if d is not None:
                d.stop()
            if fake is not None:
                fake.stop()
            db.drop()
            subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    unittest.main()
