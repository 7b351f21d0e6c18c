"""What issue 19's web rows changed must not change what anyone sees or may do.

- HTTP Basic on the API remembers a verified owner password for a few
  seconds (lib/web/credcache.c; SECURITY.md "Remembered Basic
  credentials"), tested on a private vep-api with its own hash slot and a
  fake clock: a remembered password is answered without a hash on every
  worker (proved by holding the slot: one that needs a hash is then 503)
  and for 10 s only, a changed password (self screen, or the stored hash
  replaced) is refused at the very next request, and a wrong password is
  never remembered.
- An order answers after one slow hash: the node's crypt(3) hash of the
  root password is written just after the answer (cgi/order_crypt.c), and
  the same order sent again writes it when a first one never landed.
- The dashboard reads usage, current CPU and this month's traffic in one
  statement (db_ve_usage_month): its figures agree with the API's usage
  and charges and with the sums of the rollups, for a VE whose usage the
  test wrote itself (on a disabled node, so billingd leaves it alone).
"""
import calendar
import crypt
import re
import shutil
import tempfile
import time
import unittest

from screens_util import Client, basic, create_ve, order, q, release, sql, uniq, wait_billingd_lets_go
from veplib import wait_until

from test_security import Private, SlotHolder

ADDR = "127.0.21.9"


def csrf_of(page):
    return re.search(r'name="csrf" value="([0-9a-f]{64})"', page).group(1)


def basic_header(ve, pw):
    return basic(ve, pw)["Authorization"]


class RememberedBasic(unittest.TestCase):
    """A private vep-api (three workers, its own hash slot, a fake clock):
    the test holds that one slot to see whether a request needs a hash
    (503 after hash_wait_ms) or was answered from what is remembered."""
    made = []

    @classmethod
    def setUpClass(cls):
        cls.lock_dir = tempfile.mkdtemp(prefix="vep-webperf-lock-")
        cls.api = Private("vep-api", workers=3, web={"lock_dir": cls.lock_dir, "max_concurrent_hashes": 1,
                                                      "hash_wait_ms": 100})

    @classmethod
    def tearDownClass(cls):
        cls.api.stop()
        shutil.rmtree(cls.lock_dir, ignore_errors=True)
        sql(f"DELETE FROM login_failures WHERE subject IN ({','.join(q(v) for v in cls.made) or q('')})")
        release(cls.made)

    def status(self, ve, pw):
        return self.api.request("GET", f"/api/v1/ves/{ve}", addr=ADDR,
                                headers={"Authorization": basic_header(ve, pw)}).status

    def held(self):
        return SlotHolder(self.lock_dir, 1)

    def fresh_ve(self):
        ve, pw, _ = create_ve()
        self.made.append(ve)
        return ve, pw

    def setUp(self):
        self.api.set_clock(0)

    def test_remembered_answers_without_a_hash(self):
        ve, pw = self.fresh_ve()
        other, opw = self.fresh_ve()
        self.assertEqual(self.status(ve, pw), 200)          # verified once: remembered
        h = self.held()
        try:
            # Every worker (the table is shared) answers without the slot.
            for _ in range(9):
                self.assertEqual(self.status(ve, pw), 200)
            # A wrong password still needs its hash: no slot, 503.
            self.assertEqual(self.status(ve, pw + "x"), 503)
            # Another VE's password was never verified here: no slot, 503.
            self.assertEqual(self.status(other, opw), 503)
            # Remembered for CREDCACHE_TTL_S (10) seconds, not longer (the
            # real clock may have ticked once since it was remembered).
            self.api.set_clock(8)
            self.assertEqual(self.status(ve, pw), 200)
            self.api.set_clock(10)
            self.assertEqual(self.status(ve, pw), 503)
        finally:
            h.release()

    def test_wrong_password_never_remembered(self):
        ve, pw = self.fresh_ve()
        self.assertEqual(self.status(ve, pw + "-wrong"), 401)
        h = self.held()
        try:
            self.assertEqual(self.status(ve, pw + "-wrong"), 503)
        finally:
            h.release()
        sql(f"DELETE FROM login_failures WHERE subject = {q(ve)}")

    def test_password_change_drops_it(self):
        ve, pw = self.fresh_ve()
        self.assertEqual(self.status(ve, pw), 200)
        self.assertEqual(self.status(ve, pw), 200)
        c = Client()
        self.assertEqual(c.self_login(ve, pw).status, 303)
        new = "another-password-for-" + ve
        r = c.post_form("/self/password", [("csrf", csrf_of(c.get("/self").text)), ("old_password", pw),
                                            ("new_password", new), ("confirm", new)])
        self.assertEqual(r.status, 303)
        # At once, on every worker: the old password is wrong, the new one right.
        for _ in range(6):
            self.assertEqual(self.status(ve, pw), 401)
            sql(f"DELETE FROM login_failures WHERE subject = {q(ve)}")
        self.assertEqual(self.status(ve, new), 200)

    def test_stored_hash_replaced_drops_it(self):
        # An operator's or reset's change is a new stored hash: the same.
        ve, pw = self.fresh_ve()
        other, opw = self.fresh_ve()
        self.assertEqual(self.status(ve, pw), 200)
        sql(f"UPDATE ves SET password_hash = (SELECT h FROM (SELECT password_hash AS h FROM ves "
            f"WHERE id = {q(other)}) x) WHERE id = {q(ve)}")
        h = self.held()
        try:
            self.assertEqual(self.status(ve, pw), 503)      # not remembered: a hash is needed
        finally:
            h.release()
        self.assertEqual(self.status(ve, pw), 401)
        sql(f"DELETE FROM login_failures WHERE subject = {q(ve)}")
        self.assertEqual(self.status(ve, opw), 200)


def root_crypt(ve):
    rows = sql(f"SELECT root_crypt FROM ves WHERE id = {q(ve)} AND COALESCE(root_crypt, '') <> ''")
    return rows[0][0] if rows else None


class RootCryptAfterAnswer(unittest.TestCase):
    made = []

    @classmethod
    def tearDownClass(cls):
        release(cls.made)

    def test_written_after_the_answer_and_repaired_by_a_repeat(self):
        o = order(idempotency_key="webperf-" + uniq())
        r = Client().post_json("/api/v1/orders", o)
        self.assertEqual(r.status, 201, r.text)
        ve = r.json()["ve_id"]
        self.made.append(ve)
        wait_until(lambda: root_crypt(ve), 10, "the root password's crypt(3) hash")
        h = root_crypt(ve)
        self.assertTrue(h.startswith("$y$"), h)
        self.assertEqual(crypt.crypt(o["root_password"], h), h)
        self.assertNotEqual(crypt.crypt(o["root_password"] + "x", h), h)
        # As if the worker had died before writing it: the same order again writes it.
        sql(f"UPDATE ves SET root_crypt = NULL WHERE id = {q(ve)}")
        r = Client().post_json("/api/v1/orders", o)
        self.assertIn(r.status, (200, 201), r.text)
        self.assertEqual(r.json()["ve_id"], ve)
        wait_until(lambda: root_crypt(ve), 10, "the root password's crypt(3) hash again")
        h2 = root_crypt(ve)
        self.assertEqual(crypt.crypt(o["root_password"], h2), h2)


def fmt_bytes(b):
    """lib/web/fmt.c's fmt_bytes."""
    units = ["bytes", "kB", "MB", "GB", "TB", "PB"]
    v, i = float(b), 0
    while v >= 1000 and i + 1 < len(units):
        v /= 1000
        i += 1
    if i == 0:
        return "%d bytes" % b
    return ("%.0f %s" if v >= 100 else "%.1f %s" if v >= 10 else "%.2f %s") % (v, units[i])


class DashboardAgreesWithApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ve, cls.pw, _ = create_ve()
        cls.node = uniq("it-webperf-")
        sql(f"INSERT INTO nodes (name, url, token_hash, enabled, bogomips_per_cpu, created_at) VALUES "
            f"({q(cls.node)}, 'http://127.0.0.1:9/metrics', REPEAT('0', 64), 0, 4000, UNIX_TIMESTAMP())")
        sql(f"UPDATE ves SET node_id = (SELECT id FROM nodes WHERE name = {q(cls.node)}) WHERE id = {q(cls.ve)}")
        wait_billingd_lets_go()

    @classmethod
    def tearDownClass(cls):
        ve = q(cls.ve)
        sql(f"DELETE FROM ve_totals WHERE ve_id = {ve}; DELETE FROM usage_raw WHERE ve_id = {ve}; "
            f"DELETE FROM usage_minute WHERE ve_id = {ve}; DELETE FROM usage_day WHERE ve_id = {ve}; "
            f"DELETE FROM usage_hour WHERE ve_id = {ve}")
        release([cls.ve])
        sql(f"UPDATE ves SET node_id = NULL WHERE node_id = (SELECT id FROM nodes WHERE name = {q(cls.node)}); "
            f"DELETE FROM nodes WHERE name = {q(cls.node)}")

    def usage_cells(self, page):
        """{label: the Used cell's text} of the dashboard's usage table."""
        return {m.group(1): re.sub(r"<[^>]+>", " ", m.group(2)).split()
                for m in re.finditer(r'<tr><th scope="row">([^<]+)</th><td[^>]*>(.*?)</td>', page)}

    def test_figures_agree(self):
        ve = self.ve
        q_ve = q(ve)
        now = int(time.time())
        last = now - 5
        tm = time.gmtime(now)
        month0 = calendar.timegm((tm.tm_year, tm.tm_mon, 1, 0, 0, 0))
        day = now - now % 86400
        sql(f"DELETE FROM ve_totals WHERE ve_id = {q_ve}; DELETE FROM usage_raw WHERE ve_id = {q_ve}; "
            f"DELETE FROM usage_day WHERE ve_id = {q_ve}; DELETE FROM usage_hour WHERE ve_id = {q_ve}")
        # Totals since creation, this month's days (one of them today), a day of last month.
        sql(f"INSERT INTO ve_totals (ve_id, cpu_user_us, cpu_sys_us, net_in_bytes, net_out_bytes, "
            f"vmem_last_bytes, disk_last_bytes, last_t) VALUES ({q_ve}, 9000000, 1000000, 987000000, "
            f"654000000, 512000000, 250000000, {last})")
        days = [(day, 123000000, 45600000)]
        if day - 86400 >= month0:
            days.append((day - 86400, 7000000, 300000))
        days.append((month0 - 86400, 555000000, 111000000))     # last month: not this month's
        sql("INSERT INTO usage_day (ve_id, t, cpu_user_us, cpu_sys_us, net_in_bytes, net_out_bytes, "
            "vmem_sum_bytes, disk_sum_bytes, samples, vmem_last_bytes, disk_last_bytes, last_t) VALUES " +
            ", ".join(f"({q_ve}, {t}, 1000000, 0, {i}, {o}, 0, 0, 60, 0, 0, {t + 59})" for t, i, o in days))
        # 15 CPU-seconds in the last minute on a 4000-bogomips node: 1000 bogomips.
        sql("INSERT INTO usage_raw (ve_id, t, cpu_user_us, cpu_sys_us) VALUES " +
            ", ".join(f"({q_ve}, {last - i}, 200000, 50000)" for i in range(60)))
        month_in = sum(i for t, i, o in days if t >= month0)
        month_out = sum(o for t, i, o in days if t >= month0)

        api = Client().get(f"/api/v1/ves/{ve}", headers=basic(ve, self.pw)).json()["usage"]
        period = time.strftime("%Y-%m", tm)
        charges = Client().get(f"/api/v1/ves/{ve}/charges?period={period}",
                               headers=basic(ve, self.pw)).json()
        c = Client()
        self.assertEqual(c.self_login(ve, self.pw).status, 303)
        page = c.get("/self").text
        cells = self.usage_cells(page)

        self.assertEqual(api["cpu_bogomips"], 1000)
        self.assertEqual(cells["CPU"][:2], [str(api["cpu_bogomips"]), "bogomips"])
        self.assertEqual(" ".join(cells["Disk"]), fmt_bytes(api["disk_bytes"]))
        self.assertEqual(" ".join(cells["Virtual memory"]), "%d MB" % api["vmem_mb"])
        # This month's traffic: the rollups' sums, and what the charges bill (GB, 6 decimals).
        traffic = [l for l in charges["lines"] if l["resource"] == "traffic"]
        self.assertEqual(len(traffic), 1)
        self.assertEqual(traffic[0]["quantity"], "%.6f" % ((month_in + month_out) / 1e9))
        for label, month, total in (("Traffic in", month_in, api["net_in_bytes"]),
                                    ("Traffic out", month_out, api["net_out_bytes"]),
                                    ("Traffic in + out", month_in + month_out, api["net_total_bytes"])):
            text = " ".join(cells[label])
            self.assertTrue(text.startswith(fmt_bytes(month) + " this month; "), (label, text))
            self.assertIn("; %s since the VE was created" % fmt_bytes(total), text)
        # The charges card shows the API's traffic quantity.
        self.assertIn('data-resource="traffic"', page)
        self.assertIn(traffic[0]["quantity"] + " GB", page)


if __name__ == "__main__":
    unittest.main()
