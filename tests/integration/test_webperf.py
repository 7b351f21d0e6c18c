"""What issue 19's web rows changed must not change what anyone sees or may do.

- HTTP Basic on the API remembers a verified owner password for a few
  seconds (lib/web/credcache.c; SECURITY.md "Remembered Basic
  credentials"): a remembered password is answered without a hash (proved
  by holding every hash slot: an unremembered one is then 503), a changed
  password (self screen, reset, or the stored hash replaced) is refused at
  the very next request, and a wrong password is never remembered.
- The dashboard reads usage, current CPU and this month's traffic in one
  statement (db_ve_usage_month): its figures agree with the API's usage
  and charges and with the sums of the rollups, for a VE whose usage the
  test wrote itself (on a disabled node, so billingd leaves it alone).
"""
import calendar
import fcntl
import os
import re
import time
import unittest

from screens_util import Client, basic, create_ve, q, release, sql, uniq, wait_billingd_lets_go

CONF = os.environ.get("VEP_CONF", "")


def conf_value(key, default):
    try:
        with open(CONF) as f:
            for line in f:
                m = re.match(r"\s*%s\s*=\s*(\S+)" % re.escape(key), line)
                if m:
                    return m.group(1)
    except OSError:
        pass
    return default


class HashSlotsHeld:
    """Every hash slot of the instance held, as busy logins would: a Basic
    check that needs argon2id then answers 503 after [web] hash_wait_ms."""

    def __enter__(self):
        d = conf_value("lock_dir", "/run/vepanel")
        n = int(conf_value("max_concurrent_hashes", "4"))
        self.fds = []
        st = os.stat(d)
        for i in range(n):
            path = os.path.join(d, f"hash.{i}")
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o660)
            # A slot file the programs cannot open would let them hash unlimited.
            os.fchown(fd, st.st_uid, st.st_gid)
            os.fchmod(fd, 0o660)
            fcntl.flock(fd, fcntl.LOCK_EX)
            self.fds.append(fd)
        return self

    def __exit__(self, *exc):
        for fd in self.fds:
            os.close(fd)


def csrf_of(page):
    return re.search(r'name="csrf" value="([0-9a-f]{64})"', page).group(1)


class RememberedBasic(unittest.TestCase):
    made = []

    @classmethod
    def tearDownClass(cls):
        release(cls.made)

    def status(self, ve, pw):
        return Client().get(f"/api/v1/ves/{ve}", headers=basic(ve, pw)).status

    def fresh_ve(self):
        ve, pw, _ = create_ve()
        self.made.append(ve)
        sql(f"DELETE FROM login_failures WHERE subject = {q(ve)}")
        return ve, pw

    def test_remembered_answers_without_a_hash(self):
        ve, pw = self.fresh_ve()
        other, opw = self.fresh_ve()
        self.assertEqual(self.status(ve, pw), 200)          # verified once: remembered
        with HashSlotsHeld():
            # Every worker (the table is shared) answers without a slot.
            for _ in range(8):
                self.assertEqual(self.status(ve, pw), 200)
            # A wrong password still needs its hash: no slot, 503.
            self.assertEqual(self.status(ve, pw + "x"), 503)
            # Another VE's password was never verified: no slot, 503.
            self.assertEqual(self.status(other, opw), 503)

    def test_wrong_password_never_remembered(self):
        ve, pw = self.fresh_ve()
        self.assertEqual(self.status(ve, pw + "-wrong"), 401)
        sql(f"DELETE FROM login_failures WHERE subject = {q(ve)}")
        with HashSlotsHeld():
            self.assertEqual(self.status(ve, pw + "-wrong"), 503)

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
        for _ in range(8):
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
        with HashSlotsHeld():
            self.assertEqual(self.status(ve, pw), 503)      # not remembered: a hash is needed
        self.assertEqual(self.status(ve, pw), 401)
        sql(f"DELETE FROM login_failures WHERE subject = {q(ve)}")
        self.assertEqual(self.status(ve, opw), 200)


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
                for m in re.finditer(r'<tr><th scope="row">([^<]+)</th><td>(.*?)</td>', page)}

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
