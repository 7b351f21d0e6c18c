"""The invoice run's batched writer (a chunk of accounts read, inserted and
read back at once: lib/db/db_invoice_run.c, run_write_chunk) against the
reference writer (invoice by invoice, db_invoice_run_each): the same mixed
data set in two databases of their own, one run each through
tests/integration/billing_probe, and every invoice, line and mail row must
be the same, byte for byte (ids included).

The data set: 450 accounts (more than two chunks of 200) with 1 to 3 VEs
each, two currencies (a USD account gets two invoices), a plan whose price
changes in the middle of the month (hour rows that day), VEs created in
the month, a VE deleted in the month and one deleted before it (no line),
an account invoiced already (skipped by both), orders whose plan and quota
changed in the month (rated part by part), and tax rates 0, 19 % and 20 %.
"""
import os
import random
import subprocess
import tempfile
import unittest

from veplib import SOCK, sql

D = 86400
MAY = 1746057600          # 2025-05-01T00:00:00Z
JUNE = MAY + 31 * D
ACCOUNTS = 450


def dataset():
    """The SQL of the data set (the same text for both databases)."""
    rnd = random.Random(4711)
    q = ["SET foreign_key_checks = 0"]
    q.append("INSERT INTO os_templates (id, code, name) VALUES (1, 'd', 'D')")
    q.append("INSERT INTO plans (id, code, name, currency, max_disk_quota_mb, max_ip_count,"
             " login_allowed, created_at) VALUES (1, 'P1', 'P1', 'EUR', 51200, 4, 'ssh', 0),"
             " (2, 'P2', 'P2', 'EUR', 51200, 4, 'ssh', 0), (3, 'P3', 'P3', 'USD', 51200, 4, 'ssh', 0)")
    q.append("INSERT INTO plan_versions (plan_id, valid_from, monthly_fee_minor, inc_disk_gb,"
             " inc_traffic_gb, inc_cpu_hours, inc_vmem_gb_hours, ov_disk_gb_month, ov_traffic_gb,"
             " ov_cpu_hour, ov_vmem_gb_hour) VALUES"
             " (1, 0, 1000, 10, 50, 100, 0, 50, 20, 3, 0),"
             " (1, %d, 1200, 10, 50, 100, 0, 60, 25, 4, 0),"
             " (2, 0, 5000, 20, 100, 300, 500, 40, 15, 2, 1),"
             " (3, 0, 700, 5, 10, 10, 10, 30, 10, 5, 1)" % (MAY + 15 * D + 12 * 3600))
    accounts, orders, ves, log, days, hours, changes = [], [], [], [], [], [], []
    oid = 0
    for a in range(1, ACCOUNTS + 1):
        accounts.append("(%d, 'inv%d@example.net', %d, 0)" % (a, a, rnd.choice((0, 1900, 2000))))
        for k in range(rnd.randint(1, 3)):
            oid += 1
            ve = "C%07X" % oid
            plan = 3 if (a % 37 == 0 and k == 0) else rnd.choice((1, 2))
            created = 0 if rnd.random() < 0.8 else MAY + rnd.randrange(25 * D)
            state = "active"
            if a % 53 == 0 and k == 0:
                state = "deleted"
                log.append("('%s', %d, 'deleted', 'test')" % (ve, MAY + 9 * D + 3600))
            if a % 61 == 0 and k == 0:
                state = "deleted"
                log.append("('%s', %d, 'deleted', 'test')" % (ve, MAY - 5 * D))
            quota = rnd.choice((1000, 20000, 51200))
            if a % 29 == 0 and k == 0 and plan != 3:
                # the order changed plan and quota on the 11th (0018_changes.sql):
                # its signup row (by trigger) keeps the first, the order the new
                changes.append((oid, 3 - plan, 2 * quota))
            orders.append("(%d, %d, %d, 1, %d, 1, 3650, 'ssh', 60, 24, 'open', 1, 0)"
                          % (oid, a, plan, quota))
            ves.append("('%s', %d, %d, '%s', 'x', %d, %d, 0)" % (ve, a, oid, state, created, JUNE + 400 * D))
            for d in range(31):
                t = MAY + d * D
                if t + D <= created:
                    continue
                cpu, vmem = rnd.randrange(10**10), rnd.randrange(10**15)
                nin, nout = rnd.randrange(10**10), rnd.randrange(10**9)
                days.append("('%s', %d, %d, 0, %d, %d, %d, 0, 1, 0, 0, %d)" % (ve, t, cpu, nin, nout, vmem, t))
                if d == 15:
                    for h in range(24):
                        hours.append("('%s', %d, %d, 0, %d, %d, %d, 0, 1, 0, 0, %d)"
                                     % (ve, t + h * 3600, cpu // 24, nin // 24, nout // 24, vmem // 24, t))
    cols = "(ve_id, t, cpu_user_us, cpu_sys_us, net_in_bytes, net_out_bytes, vmem_sum_bytes," \
           " disk_sum_bytes, samples, vmem_last_bytes, disk_last_bytes, last_t)"
    q.append("INSERT INTO accounts (id, email, tax_bp, created_at) VALUES " + ",".join(accounts))
    # Buyers as the invoices copy them: every third account with a name, an address
    # and a VAT id, reverse charge when it pays no tax.
    q.append("UPDATE accounts SET name = CONCAT('Buyer ', id), company = IF(id % 2, CONCAT('Co ', id), ''),"
             " address = CONCAT(id, ' Main St, Town'), country = 'DE', vat_id = CONCAT('DE', 100000000 + id),"
             " tax_scheme = IF(tax_bp = 0, 'reverse_charge', 'standard') WHERE id % 3 = 0")
    q.append("INSERT INTO orders (id, account_id, plan_id, template_id, disk_quota_mb, always_on,"
             " lifetime_days, login, fs_fault_tolerance_s, backup_hours, firewall, ip_count, created_at)"
             " VALUES " + ",".join(orders))
    q.append("INSERT INTO ves (id, account_id, order_id, state, password_hash, created_at, expires_at,"
             " updated_at) VALUES " + ",".join(ves))
    q.append("INSERT INTO order_history (order_id, valid_from, plan_id, disk_quota_mb, params, actor,"
             " changed) VALUES " + ",".join("(%d, %d, %d, %d, '{}', 'test', 'plan,disk_quota_mb')"
                                             % (o, MAY + 10 * D, p, m) for o, p, m in changes))
    for o, p, m in changes:
        q.append("UPDATE orders SET plan_id = %d, disk_quota_mb = %d WHERE id = %d" % (p, m, o))
    q.append("INSERT INTO ve_state_log (ve_id, at, state, reason) VALUES " + ",".join(log))
    q.append("INSERT INTO usage_day %s VALUES %s" % (cols, ",".join(days)))
    q.append("INSERT INTO usage_hour %s VALUES %s" % (cols, ",".join(hours)))
    # Account 7 has its May invoice already: both writers skip it.
    q.append("INSERT INTO invoices (number, account_id, period, period_from, period_to, currency,"
             " tax_bp, subtotal_minor, tax_minor, total_minor, issued_at, due_at) VALUES"
             " ('X-2025-000001', 7, '2025-05', %d, %d, 'EUR', 0, 1, 0, 1, %d, %d)" % (MAY, JUNE, JUNE, JUNE))
    # Every VE has a cached page: each new invoice bumps those of its account
    # once (the trigger for the reference writer, S_BULK_PAGE for the batched).
    q.append("INSERT INTO ve_page (ve_id, generation, made_ms, marker) SELECT id, 5, 7, 'm' FROM ves")
    return ";\n".join(q) + ";\n"


# Every column but the mail rows' wall-clock times.
DUMPS = (
    "SELECT id, number, account_id, period, period_from, period_to, currency, tax_bp, subtotal_minor,"
    " tax_minor, total_minor, issued_at, due_at, buyer_name, buyer_company, buyer_address,"
    " buyer_country, buyer_vat_id, tax_scheme FROM invoices ORDER BY number",
    "SELECT l.invoice_id, i.number, l.seq, l.ve_id, l.kind, l.resource, l.plan_version_id, l.quantity_micro, l.unit,"
    " l.unit_price_minor, l.amount_minor, l.part_from, l.part_to FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id"
    " ORDER BY i.number, l.seq",
    "SELECT i.number, v.ve_id FROM invoice_ves v JOIN invoices i ON i.id = v.invoice_id ORDER BY i.number, v.ve_id",
    "SELECT kind, ref, account_id, number FROM mail_outbox ORDER BY number",
    "SELECT * FROM billing_counters",
    "SELECT ve_id, generation, made_ms, marker FROM ve_page ORDER BY ve_id",
)


class InvoiceBatchWriter(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        from veplib import BUILD, CONF, ROOT
        cls.probe_bin = os.path.join(BUILD, "tests", "integration", "billing_probe")
        if not os.path.exists(cls.probe_bin):
            raise unittest.SkipTest("billing_probe is not built")
        tag = "%06x" % random.randrange(1 << 24)
        cls.dbs = {"batched": "vep_test_invb_%s" % tag, "reference": "vep_test_inve_%s" % tag}
        cls.confs = {}
        try:
            data = dataset()
            with open(CONF) as f:
                text = f.read()
            for kind, db in cls.dbs.items():
                sql("CREATE DATABASE %s CHARACTER SET utf8mb4" % db, db="mysql")
                lines = [("name = %s" % db) if line.strip().startswith("name") and "vepanel" in line
                         else line for line in text.splitlines()]
                fd, cls.confs[kind] = tempfile.mkstemp(suffix=".conf")
                with os.fdopen(fd, "w") as f:
                    f.write("\n".join(lines) + "\n")
                subprocess.run([os.path.join(BUILD, "tools", "vepctl"), "-f", cls.confs[kind], "migrate",
                                "--dir", os.path.join(ROOT, "db", "migrations")],
                               check=True, capture_output=True, timeout=300)
                subprocess.run(["mariadb", "--no-defaults", "--socket=%s" % SOCK, "-uroot", db],
                               input=data, check=True, capture_output=True, text=True, timeout=300)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for db in cls.dbs.values():
            sql("DROP DATABASE IF EXISTS %s" % db, db="mysql")
        for c in cls.confs.values():
            os.unlink(c)

    def run_probe(self, kind, cmd, now):
        p = subprocess.run([self.probe_bin, "-f", self.confs[kind], cmd, "2025-05", str(now), "14"],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout.strip()

    def dump(self, kind):
        return [sql(q, db=self.dbs[kind]) for q in DUMPS]

    def test_same_bytes(self):
        now = JUNE + 2 * D
        a = self.run_probe("batched", "run", now)
        b = self.run_probe("reference", "run-each", now)
        self.assertEqual(a, b)
        n = int(a.split()[1])
        # every account but the one invoiced already, and a second (USD) invoice for some
        self.assertGreater(n, ACCOUNTS - 1)
        da, db = self.dump("batched"), self.dump("reference")
        self.assertGreater(len(da[1]), 2 * n, "lines were written")
        self.assertTrue(any(r[11] != "0" for r in da[1]), "no line of a changed order (part_from)")
        self.assertTrue(any(r[13].startswith("Buyer ") and r[16] == "DE" for r in da[0]), "no buyer copied")
        self.assertTrue(any(r[18] == "reverse_charge" for r in da[0]), "no reverse charge")
        for q, x, y in zip(DUMPS, da, db):
            self.assertEqual(x, y, q)
        # Pages bumped once per invoice of their account: 6, 7 with a USD invoice, 5 not invoiced.
        self.assertEqual(set(r[1] for r in da[5]), {"5", "6", "7"})
        # invoice_ves (0026) is exactly the (invoice, VE) pairs of the lines.
        pairs = sorted(set((r[1], r[3]) for r in da[1]))
        self.assertEqual([tuple(r) for r in da[2]], pairs)
        ids = [int(r[0]) for r in sql("SELECT id FROM invoices WHERE number LIKE 'INV-%' ORDER BY number",
                                      db=self.dbs["batched"])]
        self.assertEqual(ids, sorted(ids))
        # Running again creates nothing, through either writer.
        self.assertEqual(self.run_probe("batched", "run", now + D), "created 0")
        self.assertEqual(self.run_probe("reference", "run-each", now + D), "created 0")
        self.assertEqual(self.dump("batched"), da)


if __name__ == "__main__":
    unittest.main()
