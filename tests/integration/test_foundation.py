"""The foundation: pages answer, errors are clear, headers are safe, the API
authenticates, and migrations refuse edited or missing files."""
import os
import shutil
import subprocess
import tempfile
import unittest

import veplib as v


class Pages(unittest.TestCase):
    def test_screens_answer(self):
        for path in ("/signup", "/self", "/admin/login"):
            r = v.request("GET", path)
            self.assertEqual(r.status, 200, path)
            self.assertIn("text/html", r.header("Content-Type"))
        r = v.request("GET", "/admin")
        self.assertEqual(r.status, 303)
        self.assertTrue(r.header("Location").endswith("/admin/login"))

    def test_security_headers(self):
        r = v.request("GET", "/signup")
        csp = r.header("Content-Security-Policy")
        self.assertIn("default-src 'none'", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        self.assertIsNotNone(r.header("Referrer-Policy"))
        self.assertEqual(v.request("GET", "/self").header("Cache-Control"), "no-store")

    def test_unknown_and_wrong_method(self):
        r = v.request("GET", "/signup/nonexistent")
        self.assertEqual(r.status, 404)
        r = v.request("DELETE", "/signup")
        self.assertEqual(r.status, 405)
        self.assertIn("GET", r.header("Allow"))
        r = v.request("GET", "/api/v1/nothing")
        self.assertEqual(r.status, 404)
        self.assertIn("message", r.json()["error"])

    def test_head(self):
        r = v.request("HEAD", "/signup")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"")

    def test_static(self):
        r = v.request("GET", "/static/css/vepanel.css")
        self.assertEqual(r.status, 200)
        self.assertIn("text/css", r.header("Content-Type"))

    def test_cross_site_post_refused(self):
        r = v.request("POST", "/api/v1/admin/plans", body={"x": 1},
                      headers={"Sec-Fetch-Site": "cross-site", **v.admin_headers()})
        self.assertEqual(r.status, 403)


class Supervision(unittest.TestCase):
    def test_dead_worker_is_replaced(self):
        """Kill every worker of vep-signup with SIGKILL: the program's own
        supervisor forks new ones and the page keeps answering."""
        import signal
        out = subprocess.run(["pgrep", "-f", "vep-signup .*-s " + v.VAR], capture_output=True, text=True).stdout.split()
        pids = [int(p) for p in out]
        self.assertGreaterEqual(len(pids), 2, "supervisor and workers expected")
        parent = min(pids)  # the supervisor was started first
        workers = [p for p in pids if p != parent and
                   open(f"/proc/{p}/stat").read().split()[3] == str(parent)]
        self.assertTrue(workers)
        for p in workers:
            os.kill(p, signal.SIGKILL)
        # The supervisor starts new workers: /signup answers again.
        v.wait_until(lambda: v.request("GET", "/signup").status == 200, 10, "/signup answering again")
        out = subprocess.run(["pgrep", "-P", str(parent)], capture_output=True, text=True).stdout.split()
        self.assertTrue(set(int(p) for p in out).isdisjoint(workers))
        self.assertGreaterEqual(len(out), 1)


class Api(unittest.TestCase):
    def test_auth_required(self):
        r = v.request("GET", "/api/v1/admin/plans")
        self.assertEqual(r.status, 401)
        self.assertIn("Basic", r.header("WWW-Authenticate"))
        r = v.request("GET", "/api/v1/admin/plans", headers={"Authorization": "Bearer " + "0" * 64})
        self.assertEqual(r.status, 401)

    def test_plans(self):
        r = v.request("GET", "/api/v1/admin/plans", headers=v.admin_headers())
        self.assertEqual(r.status, 200)
        codes = [p["code"] for p in r.json()["plans"]]
        self.assertIn("WEB1", codes)
        web1 = [p for p in r.json()["plans"] if p["code"] == "WEB1"][0]
        self.assertIsInstance(web1["monthly_fee_minor"], int)

    def test_plan_bad_input_writes_nothing(self):
        before = v.counts(["plans", "plan_versions"])
        bad = [
            {"code": "x y", "name": "n", "currency": "EUR", "monthly_fee_minor": 1},
            {"code": "BAD1", "name": "n", "currency": "EUR", "monthly_fee_minor": 10.5,
             "included": {}, "overage_minor": {}, "limits": {"max_disk_quota_mb": 1, "max_ip_count": 1, "login": ["ssh"]}},
            {"code": "BAD1", "name": "n", "currency": "EURO", "monthly_fee_minor": 1,
             "included": {}, "overage_minor": {}, "limits": {"max_disk_quota_mb": 1, "max_ip_count": 1, "login": ["ssh"]}},
            {"code": "BAD1", "name": "n", "currency": "EUR", "monthly_fee_minor": 1,
             "included": {}, "overage_minor": {}, "limits": {"max_disk_quota_mb": 1, "max_ip_count": 1, "login": ["ftp"]}},
        ]
        for b in bad:
            r = v.request("POST", "/api/v1/admin/plans", body=b, headers=v.admin_headers())
            self.assertEqual(r.status, 422, b)
            self.assertTrue(r.json()["error"]["message"])
        r = v.request("POST", "/api/v1/admin/plans", body=b"{bad json", headers={"Content-Type": "application/json", **v.admin_headers()})
        self.assertEqual(r.status, 400)
        self.assertNotIn("SQL", r.text)
        r = v.request("POST", "/api/v1/admin/plans", body="x" * 70000, headers={"Content-Type": "application/json", **v.admin_headers()})
        self.assertEqual(r.status, 413)
        self.assertEqual(v.counts(["plans", "plan_versions"]), before)


class Migrations(unittest.TestCase):
    """vepctl migrate on a scratch database: applies in order, is idempotent,
    refuses an edited or a missing applied migration."""
    DB = "vep_test_migrate"

    def setUp(self):
        v.sql(f"DROP DATABASE IF EXISTS {self.DB}; CREATE DATABASE {self.DB}", db="mysql")
        self.dir = tempfile.mkdtemp()
        for f in sorted(os.listdir(os.path.join(v.ROOT, "db/migrations"))):
            shutil.copy(os.path.join(v.ROOT, "db/migrations", f), self.dir)
        self.conf = os.path.join(self.dir, "vepanel.conf")
        with open(v.CONF) as src, open(self.conf, "w") as dst:
            dst.write(src.read().replace("name = vepanel", f"name = {self.DB}"))

    def tearDown(self):
        v.sql(f"DROP DATABASE IF EXISTS {self.DB}", db="mysql")
        shutil.rmtree(self.dir)

    def migrate(self):
        return subprocess.run([os.path.join(v.BUILD, "tools/vepctl"), "-f", self.conf, "migrate",
                               "--dir", self.dir], capture_output=True, text=True)

    def test_apply_then_refuse_edits(self):
        r = self.migrate()
        self.assertEqual(r.returncode, 0, r.stderr)
        n = len([f for f in os.listdir(self.dir) if f.endswith(".sql")])
        self.assertEqual(int(v.sql_value("SELECT COUNT(*) FROM schema_migrations", db=self.DB)), n)
        r = self.migrate()
        self.assertEqual(r.returncode, 0)
        self.assertIn("0 applied now", r.stdout)
        with open(os.path.join(self.dir, "0001_core.sql"), "a") as f:
            f.write("\n-- edited\n")
        r = self.migrate()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("0001_core.sql was edited", r.stderr)

    def test_invoice_ves_backfill(self):
        # 0026 fills invoice_ves from the lines issued before it and drops their VE key.
        later = [f for f in os.listdir(self.dir) if f.endswith(".sql") and f >= "0026"]
        os.mkdir(os.path.join(self.dir, "later"))
        for f in later:
            os.rename(os.path.join(self.dir, f), os.path.join(self.dir, "later", f))
        self.assertEqual(self.migrate().returncode, 0)
        line = ("(1, %d, '%s', 'fee', 'fee', 1, 1000000, 'month', 100, 100)")
        v.sql("SET foreign_key_checks = 0; INSERT INTO invoices (id, number, account_id, period, period_from,"
              " period_to, currency, tax_bp, subtotal_minor, tax_minor, total_minor, issued_at, due_at) VALUES"
              " (1, 'INV-2025-000001', 1, '2025-05', 0, 1, 'EUR', 0, 300, 0, 300, 1, 2);"
              " INSERT INTO invoice_lines (invoice_id, seq, ve_id, kind, resource, plan_version_id,"
              " quantity_micro, unit, unit_price_minor, amount_minor) VALUES "
              + ",".join(line % (i + 1, ve) for i, ve in enumerate(("ve000002", "ve000001", "ve000002"))),
              db=self.DB)
        for f in later:
            os.rename(os.path.join(self.dir, "later", f), os.path.join(self.dir, f))
        os.rmdir(os.path.join(self.dir, "later"))
        r = self.migrate()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(v.sql("SELECT ve_id, invoice_id FROM invoice_ves ORDER BY ve_id", db=self.DB),
                         [["ve000001", "1"], ["ve000002", "1"]])
        self.assertEqual(v.sql("SELECT DISTINCT index_name FROM information_schema.statistics WHERE"
                               " table_schema = '%s' AND table_name = 'invoice_lines'" % self.DB), [["PRIMARY"]])

    def test_missing_and_failing(self):
        self.assertEqual(self.migrate().returncode, 0)
        os.rename(os.path.join(self.dir, "0001_core.sql"), os.path.join(self.dir, "keep.txt"))
        r = self.migrate()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("missing", r.stderr)
        os.rename(os.path.join(self.dir, "keep.txt"), os.path.join(self.dir, "0001_core.sql"))
        with open(os.path.join(self.dir, "9999_broken.sql"), "w") as f:
            f.write("CREATE TABLE broken (;\n")
        r = self.migrate()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("9999_broken.sql failed", r.stderr)
        self.assertIsNone(v.sql_value("SELECT version FROM schema_migrations WHERE version = 9999", db=self.DB))


class Config(unittest.TestCase):
    def test_check_flag(self):
        exe = os.path.join(v.BUILD, "cgi/vep-api")
        r = subprocess.run([exe, "-n", "-f", v.CONF], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
            f.write("[database]\nport = 99999\n")
        r = subprocess.run([exe, "-n", "-f", f.name], capture_output=True, text=True)
        os.unlink(f.name)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(":2: port is too large", r.stderr)


if __name__ == "__main__":
    unittest.main()
