#!/usr/bin/python3
"""Availability SLA (lib/domain/sla.h, README "Availability"), end to end.

Measured availability, against billingd and scripted agents on a database
of each test's own (as test_billingd.py): the seconds an agent says a VE is
down become exactly the stored down seconds; suspended seconds and seconds
billingd could not measure are not counted; a whole-node outage longer than
sla_node_down_s counts as down, a shorter one and one seen from a billingd
that can reach no node do not; restarts mid-minute count nothing twice.

Plans and invoices, against the running instance (./dev up): a plan's "sla"
object is validated strictly (nothing written when it is refused) and shown
by GET /admin/plans and `vepctl plan list`; the invoice run of a closed
month adds exactly the expected credit line per VE below its target and
none at or above it; GET /ves/{id}/charges shows the same line and the
measurement; the self screen shows the month's availability and credit;
the demo sim agents' down file makes a VE down for billingd.
"""

import calendar
import json
import os
import random
import re
import subprocess
import tempfile
import time
import unittest
from fractions import Fraction

import test_billingd as tb
from screens_util import Client, basic, bearer, create_ve, q, release, sql1, wait_billingd_lets_go
from veplib import VAR, admin_headers, counts, request, set_up_class, sql, sql_try, sql_value, vepctl

PPM = 10**6
STD_SLA = {"availability_target_ppm": 999000,
           "credits": [{"below_ppm": 999000, "credit_bp": 1000},
                       {"below_ppm": 990000, "credit_bp": 2500}]}


def ts(y, mo, d=1, h=0, mi=0):
    return calendar.timegm((y, mo, d, h, mi, 0))


def half_up(x):
    x = Fraction(x)
    n = (abs(x) * 2 + 1) // 2
    return int(n) if x >= 0 else -int(n)


def minute_rows(ve, t0, seen, up):
    """usage_avail_minute rows for `seen` consecutive seconds from t0 (a
    minute's start), the first `up` of them up: (ve, t, seen_mask, up_mask)."""
    rows, t = [], t0
    while seen > 0:
        n = min(60, seen)
        u = min(n, up)
        rows.append((ve, t, (1 << n) - 1, (1 << u) - 1))
        seen -= n
        up -= u
        t += 60
    return rows


def insert_minutes(run, rows):
    """As billingd writes them (the day rows follow by trigger)."""
    for k in range(0, len(rows), 500):
        run("INSERT INTO usage_avail_minute (ve_id, t, seen_mask, up_mask) VALUES %s "
            "ON DUPLICATE KEY UPDATE seen_mask = seen_mask | VALUES(seen_mask), "
            "up_mask = up_mask | VALUES(up_mask)"
            % ",".join("('%s', %d, %d, %d)" % r for r in rows[k:k + 500]))


# ---------------------------------------------------------------------------
# billingd and scripted agents
# ---------------------------------------------------------------------------

@unittest.skipUnless(tb.SOCK and os.path.exists(tb.BILLINGD), "needs VEP_DB_SOCKET and a built billingd")
class AvailDaemon(tb.BillingdTest):

    def billingd(self, db=None, **kw):
        # Exactness needs every poll taken: a loaded test machine gets the most time.
        kw["extra"] = list(kw.get("extra", ())) + ["--poll-timeout-ms", "950"]
        return super().billingd(db, **kw)

    def stored_avail(self):
        """{ve: (seen, up)} from the minute rows; checks the day rows agree and
        no minute has more than 60 seconds."""
        mins = {r[0]: (int(r[1]), int(r[2])) for r in self.db.run(
            "SELECT ve_id, SUM(seen_s), SUM(up_s) FROM usage_avail_minute GROUP BY ve_id")}
        days = {r[0]: (int(r[1]), int(r[2])) for r in self.db.run(
            "SELECT ve_id, SUM(seen_s), SUM(up_s) FROM usage_avail_day GROUP BY ve_id")}
        self.assertEqual(mins, days, "day rows are not the sum of their minutes")
        bad = self.db.one("SELECT COUNT(*) FROM usage_avail_minute WHERE seen_s > 60 OR up_s > seen_s "
                          "OR t % 60 <> 0")
        self.assertEqual(bad, "0")
        return mins

    def quiesce(self, fakes, d):
        """Stop what the fakes count (their answers turn to HTTP 500: billingd
        takes none, the nodes stay "alive"), let in-flight answers land, stop
        billingd cleanly: its last batch is written.  Returns the failed polls
        while counting."""
        m = d.metrics()
        failed = m.get('billingd_polls_total{result="failed"}', 0)
        nodes = {k: v for k, v in m.items()
                 if k.startswith("billingd_node_polls_total{") and k.endswith('result="failed"}')}
        for f in fakes:
            f.control({"op": "mode", "mode": "500"})
        # Every node has failed a poll since: any answer in flight has landed.
        self.assertTrue(tb.wait_for(lambda: all(
            d.metrics().get(k, 0) > v for k, v in nodes.items()), 30))
        self.assertEqual(d.stop(), 0)
        return int(failed)

    def assert_avail(self, truth, failed, extra_down=None):
        """Stored (seen, up) per VE equals the agents' count of the answers
        billingd took (plus outage seconds), exactly when no poll failed."""
        got = self.stored_avail()
        extra_down = extra_down or {}
        for ve, t in truth.items():
            want = (t["seen"] + extra_down.get(ve, 0), t["up"])
            have = got.get(ve, (0, 0))
            if failed == 0:
                self.assertEqual(have, want, "%s: stored (seen, up) %s, agent said %s" % (ve, have, want))
            else:
                # A poll billingd gave up on was counted by the agent only.
                self.assertTrue(want[0] - failed <= have[0] <= want[0] and
                                want[1] - failed <= have[1] <= want[1],
                                "%s: stored %s, agent %s, %d polls failed" % (ve, have, want, failed))
        return got

    def test_down_seconds_exact(self):
        a, b = self.fake(), self.fake()
        n1, n2 = self.db.add_node("n1", a.port), self.db.add_node("n2", b.port)
        ves = {"0000A0A1": (a, n1), "0000A0A2": (a, n1), "0000A0A3": (a, n1), "0000A0A4": (a, n1),
               "0000B0B1": (b, n2)}
        for ve, (f, n) in ves.items():
            self.db.add_ve(ve, n)
            self.ve(f, ve, ["192.0.2.%d" % (len(ve) + ord(ve[-1]))], {"cpu_user_us": 10007, "rx": 100})
        # A3 is known to its node but cannot run: ve_up 0 and no counters.
        a.control({"op": "avail", "ve": "0000A0A3", "running": False},
                  {"op": "up", "ve": "0000A0A3", "up": 0},
                  # A4 is reported by an agent that does not know ve_up.
                  {"op": "avail", "ve": "0000A0A4", "report": False})
        d = self.billingd()
        d.start()
        d.wait_polls("n1", 2)
        # A1 goes down for five answers, up for three, down for two.
        a.control({"op": "up_pattern", "ve": "0000A0A1", "pattern": "0000011100"})
        # A2 is suspended for a while: its seconds are not counted at all.
        a.control({"op": "avail", "ve": "0000A0A2", "active": 0})
        d.wait_polls("n1", 4)
        a.control({"op": "avail", "ve": "0000A0A2", "active": 1})
        d.wait_polls("n1", 6)
        d.wait_polls("n2", 1)
        failed = self.quiesce([a, b], d)
        truth = {ve: t["avail"] for f in (a, b) for ve, t in f.truth()["ves"].items()}
        truth.pop("0000A0A4")
        got = self.assert_avail(truth, failed)
        self.assertNotIn("0000A0A4", got, "an agent without ve_up gave availability")
        # The pattern was seen: 7 of A1's answers said down.
        self.assertEqual(truth["0000A0A1"]["seen"] - truth["0000A0A1"]["up"], 7)
        self.assertGreater(truth["0000A0A1"]["seen"], 10)
        # A2 was counted less than B1, which ran all the time.
        self.assertLess(truth["0000A0A2"]["seen"], truth["0000B0B1"]["seen"] - 2)
        self.assertEqual(got["0000A0A3"][1], 0)
        self.assertGreater(got["0000A0A3"][0], 10)
        # Usage is metered as before; the VE that never ran has none.
        used = {r[0] for r in self.db.run("SELECT ve_id FROM ve_totals")}
        self.assertEqual(used, {"0000A0A1", "0000A0A2", "0000A0A4", "0000B0B1"})

    def test_restarts_mid_minute(self):
        a = self.fake()
        n = self.db.add_node("n1", a.port)
        for ve in ("0000C001", "0000C002"):
            self.db.add_ve(ve, n)
            self.ve(a, ve, [], {"cpu_user_us": 5003})
        a.control({"op": "up_pattern", "ve": "0000C001", "pattern": "1101" * 30})
        d = self.billingd()
        failed = 0
        # Clean restarts, several in one minute: exact.
        for _ in range(3):
            a.control({"op": "mode", "mode": "ok"})
            d.start()
            d.wait_polls("n1", 3)
            failed += self.quiesce([a], d)
        truth = {ve: t["avail"] for ve, t in a.truth()["ves"].items()}
        self.assert_avail(truth, failed)
        # kill -9 at random moments: what was not committed is lost (those
        # seconds are unmeasured), nothing is ever counted twice.
        rnd = random.Random(os.getpid())
        a.control({"op": "mode", "mode": "ok"})
        for _ in range(5):
            d.start()
            # A random moment on purpose: no condition can pick "anywhere".
            time.sleep(rnd.uniform(0.5, 3.0))
            d.kill9()
        d.start()
        d.wait_polls("n1", 2)
        self.quiesce([a], d)
        truth = {ve: t["avail"] for ve, t in a.truth()["ves"].items()}
        got = self.stored_avail()
        for ve, t in truth.items():
            self.assertLessEqual(got[ve][0], t["seen"], ve)
            self.assertLessEqual(got[ve][1], t["up"], ve)
            self.assertGreater(got[ve][0], t["seen"] - 30, ve)
        # A batch applied again (a spool replay) changes nothing.
        before = self.db.run("SELECT ve_id, t, seen_s, up_s FROM usage_avail_minute ORDER BY ve_id, t")
        days = self.db.run("SELECT ve_id, t, seen_s, up_s FROM usage_avail_day ORDER BY ve_id, t")
        rows = [(r[0], int(r[1]), int(r[2]), int(r[3])) for r in self.db.run(
            "SELECT ve_id, t, seen_mask, up_mask FROM usage_avail_minute")]
        insert_minutes(self.db.run, rows)
        self.assertEqual(self.db.run("SELECT ve_id, t, seen_s, up_s FROM usage_avail_minute ORDER BY ve_id, t"),
                         before)
        self.assertEqual(self.db.run("SELECT ve_id, t, seen_s, up_s FROM usage_avail_day ORDER BY ve_id, t"), days)

    def test_node_outage(self):
        a, w = self.fake(), self.fake()       # w: a witness node
        na, nw = self.db.add_node("na", a.port), self.db.add_node("nw", w.port)
        self.db.add_ve("0000D0D1", na)
        self.db.add_ve("0000D0D2", nw)
        self.ve(a, "0000D0D1", [], {"cpu_user_us": 1000})
        self.ve(w, "0000D0D2", [], {"cpu_user_us": 1000})
        # Down after 4 unreachable seconds; no back-off within these outages.
        d = self.billingd(extra=["--sla-node-down-s", "4", "--down-after", "60"])
        d.start()
        d.wait_polls("na", 3)
        d.wait_polls("nw", 3)
        outage = lambda: int(d.metrics().get('billingd_availability_seconds_total{kind="outage"}', 0))
        fails = lambda n: d.polls(n, "failed")
        # A blip shorter than the threshold (two polls): unmeasured, not down.
        a.control({"op": "mode", "mode": "close"})
        d.wait_polls("na", 2, result="failed")
        a.control({"op": "mode", "mode": "ok"})
        d.wait_polls("na", 2)
        self.assertEqual(outage(), 0)
        # Broken answers (HTTP 500) for six polls: the node is alive, not down.
        a.control({"op": "mode", "mode": "500"})
        d.wait_polls("na", 6, result="failed")
        a.control({"op": "mode", "mode": "ok"})
        d.wait_polls("na", 2)
        self.assertEqual(outage(), 0)
        # Unreachable for eight polls: every second of the run is down,
        # exactly as many as polls failed (one per tick; none skipped).
        f0, skipped0 = fails("na"), d.metrics().get("billingd_ticks_skipped_total", 0)
        a.control({"op": "mode", "mode": "close"})
        d.wait_polls("na", 8, result="failed")
        a.control({"op": "mode", "mode": "ok"})
        d.wait_polls("na", 2)
        run = fails("na") - f0
        skipped = d.metrics().get("billingd_ticks_skipped_total", 0) - skipped0
        down = outage()
        self.assertTrue(run <= down <= run + skipped, "a run of %d failed polls (%d ticks skipped) "
                        "marked %d s down" % (run, skipped, down))
        # Both nodes unreachable: billingd's own network may be at fault.
        a.control({"op": "mode", "mode": "close"})
        w.control({"op": "mode", "mode": "close"})
        d.wait_polls("na", 6, result="failed")
        d.wait_polls("nw", 6, result="failed")
        a.control({"op": "mode", "mode": "ok"})
        w.control({"op": "mode", "mode": "ok"})
        d.wait_polls("na", 2)
        d.wait_polls("nw", 2)
        self.assertEqual(outage(), down)
        failed_ok = 0       # failed polls while the agents answered "ok"
        self.quiesce([a, w], d)
        truth = {ve: t["avail"] for f in (a, w) for ve, t in f.truth()["ves"].items()}
        # D1: what its agent said, plus exactly the outage's seconds as down.
        self.assert_avail(truth, failed_ok, extra_down={"0000D0D1": down})
        log = d.logtext()
        self.assertEqual(log.count("node na: unreachable for"), 2, log)
        self.assertIn("its VEs count as down", log)
        self.assertIn("not counted as VE downtime", log)


# ---------------------------------------------------------------------------
# plans, invoices, charges and the self screen, on the running instance
# ---------------------------------------------------------------------------

def plan_json(code, fee=1000, sla=None, **extra):
    p = {"code": code, "name": "SLA test " + code, "currency": "EUR", "monthly_fee_minor": fee,
         "included": {"disk_gb": 0, "traffic_gb": 0, "traffic_in_gb": 0, "traffic_out_gb": 0,
                      "cpu_hours": 0, "vmem_gb_hours": 0},
         "overage_minor": {"disk_gb_month": 0, "traffic_gb": 0, "traffic_in_gb": 0, "traffic_out_gb": 0,
                           "cpu_hour": 0, "vmem_gb_hour": 0},
         "limits": {"max_disk_quota_mb": 51200, "max_ip_count": 4, "login": ["ssh"]}}
    if sla is not None:
        p["sla"] = sla
    p.update(extra)
    return p


def drop_plan(code):
    """Remove a test plan; one whose orders still have VEs (made through the
    API, released but kept as other tests keep theirs) is only deactivated."""
    pid = sql_value("SELECT id FROM plans WHERE code = '%s'" % code)
    if pid and sql_try("DELETE FROM orders WHERE plan_id = %s; DELETE FROM plan_versions WHERE plan_id = %s; "
                       "DELETE FROM plans WHERE id = %s" % (pid, pid, pid))[0] != 0:
        sql("UPDATE plans SET active = 0 WHERE id = %s" % pid)


def text_of(page):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page)).replace("&amp;", "&")


@unittest.skipUnless(os.environ.get("VEP_HTTP") and tb.SOCK, "needs the running instance (./dev it)")
class SlaPlans(unittest.TestCase):
    tag = "%05X" % random.randrange(1 << 20)

    def tearDown(self):
        for c in ("SLAA" + self.tag, "SLAB" + self.tag):
            drop_plan(c)

    def plans(self):
        r = request("GET", "/api/v1/admin/plans", headers=admin_headers())
        self.assertEqual(r.status, 200)
        return {p["code"]: p for p in r.json()["plans"]}

    def test_plan_sla_shown_everywhere(self):
        code = "SLAA" + self.tag
        r = request("POST", "/api/v1/admin/plans", plan_json(code, sla=STD_SLA, valid_from="2000-01-01"),
                    admin_headers())
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual(self.plans()[code]["sla"], STD_SLA)
        listed = {p["code"]: p for p in json.loads(vepctl("plan", "list").stdout)}
        self.assertEqual(listed[code]["sla"], STD_SLA)
        audits = int(sql_value("SELECT COUNT(*) FROM audit_log WHERE action = 'plan.sla' AND object = '%s'" % code))
        self.assertEqual(audits, 1)
        # The same terms again (steps in another order): nothing new written or audited.
        again = dict(STD_SLA, credits=list(reversed(STD_SLA["credits"])))
        r = request("POST", "/api/v1/admin/plans", plan_json(code, sla=again, valid_from="2000-01-01"),
                    admin_headers())
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual(int(sql_value("SELECT COUNT(*) FROM audit_log WHERE action = 'plan.sla' "
                                       "AND object = '%s'" % code)), audits)
        # A new version without "sla" has none; the old version keeps its terms.
        r = request("POST", "/api/v1/admin/plans", plan_json(code, fee=1200, valid_from="2001-01-01"),
                    admin_headers())
        self.assertEqual(r.status, 201, r.text)
        self.assertNotIn("sla", self.plans()[code])
        self.assertEqual(sql_value("SELECT COUNT(*) FROM plan_sla s JOIN plan_versions v ON v.id = s.plan_version_id "
                                   "JOIN plans p ON p.id = v.plan_id WHERE p.code = '%s'" % code), "1")

    def test_bad_sla_writes_nothing(self):
        code = "SLAB" + self.tag
        r = request("POST", "/api/v1/admin/plans", plan_json(code, sla=STD_SLA), admin_headers())
        self.assertEqual(r.status, 201, r.text)
        tables = ["plans", "plan_versions", "plan_sla", "plan_sla_credits", "audit_log"]
        before = counts(tables)
        bad = [
            ([], "sla must be an object"),
            ({}, "availability_target_ppm is required"),
            ({"availability_target_ppm": 99.9}, "availability_target_ppm must be a whole number"),
            ({"availability_target_ppm": 0}, "from 1 to 1000000"),
            ({"availability_target_ppm": 1000001}, "from 1 to 1000000"),
            ({"availability_target_ppm": "999000"}, "availability_target_ppm"),
            ({"availability_target_ppm": 999000, "credit": []}, 'unknown field "credit"'),
            ({"availability_target_ppm": 999000, "credits": {"below_ppm": 1}}, "sla.credits must be a list"),
            ({"availability_target_ppm": 999000, "credits": [{"below_ppm": 999500, "credit_bp": 100}]},
             "sla.credits[0].below_ppm"),
            ({"availability_target_ppm": 999000, "credits": [{"below_ppm": 990000, "credit_bp": 10001}]},
             "sla.credits[0].credit_bp"),
            ({"availability_target_ppm": 999000, "credits": [{"below_ppm": 990000}]},
             "credit_bp is required"),
            ({"availability_target_ppm": 999000, "credits": [{"below_ppm": 990000, "credit_bp": 1, "x": 1}]},
             'unknown field "x"'),
            ({"availability_target_ppm": 999000, "credits": [{"below_ppm": 999000, "credit_bp": 2500},
                                                             {"below_ppm": 990000, "credit_bp": 1000}]},
             "credits less than"),
            ({"availability_target_ppm": 999000, "credits": [{"below_ppm": 990000, "credit_bp": 10},
                                                             {"below_ppm": 990000, "credit_bp": 20}]},
             "two steps"),
        ]
        for sla, why in bad:
            # A new plan, and a new version of the existing one (other prices too): both refused whole.
            for c, fee in (("SLAX" + self.tag, 1000), (code, 4321)):
                r = request("POST", "/api/v1/admin/plans", plan_json(c, fee=fee, sla=sla), admin_headers())
                self.assertEqual(r.status, 422, (sla, r.text))
                self.assertIn(why, r.json()["error"]["message"], sla)
        self.assertEqual(counts(tables), before)
        self.assertEqual(self.plans()[code]["monthly_fee_minor"], 1000)
        self.assertEqual(self.plans()[code]["sla"], STD_SLA)
        # vepctl plan import refuses the file the same way.
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump([plan_json(code, fee=4321, sla={"availability_target_ppm": 999000, "credits": [7]})], f)
        try:
            p = vepctl("plan", "import", f.name, check=False)
        finally:
            os.unlink(f.name)
        self.assertEqual(p.returncode, 1)
        self.assertIn("sla.credits[0] must be an object", p.stderr)
        self.assertEqual(counts(tables), before)


@unittest.skipUnless(os.environ.get("VEP_HTTP") and tb.SOCK, "needs the running instance (./dev it)")
class SlaInvoice(unittest.TestCase):
    """A closed month (2022-MM, a random month so runs do not meet) with VEs
    whose measured availability is set minute by minute."""

    @classmethod
    def setUpClass(cls):
        cls.tag = "%05X" % random.randrange(1 << 20)
        cls.month = random.randrange(1, 13)
        cls.period = "2022-%02d" % cls.month
        cls.frm = ts(2022, cls.month)
        cls.to = ts(2022 + (cls.month == 12), cls.month % 12 + 1)
        cls.ves = []
        set_up_class(cls)

    @classmethod
    def setup(cls):
        cls.plan = "SLAI" + cls.tag
        cls.plain = "SLAN" + cls.tag
        for code, sla in ((cls.plan, STD_SLA), (cls.plain, None)):
            r = request("POST", "/api/v1/admin/plans", plan_json(code, sla=sla, valid_from="2000-01-01"),
                        admin_headers())
            assert r.status == 201, r.text
        email = "sla-%s@example.net" % cls.tag.lower()
        sql("INSERT INTO accounts (email, tax_bp, created_at) VALUES ('%s', 1900, %d)" % (email, cls.frm - 86400))
        cls.acct = int(sql_value("SELECT id FROM accounts WHERE email = '%s'" % email))
        tmpl = sql_value("SELECT MIN(id) FROM os_templates")
        base = random.randrange(0, 0xFF00)
        month_s = cls.to - cls.frm
        half = cls.frm + 15 * 86400
        # (name, plan, always_on, created, seen, up): the seconds measured.
        cls.spec = {
            "below": (cls.plan, 1, cls.frm - 86400, 100000, 99500),      # 99.5 %: 10 %
            "at": (cls.plan, 1, cls.frm - 86400, 100000, 99900),         # exactly 99.9 %: none
            "far": (cls.plan, 1, cls.frm - 86400, month_s, month_s * 98 // 100),  # 98 %: 25 %
            "ondemand": (cls.plan, 0, cls.frm - 86400, 1000, 500),       # on demand: none
            "unmeasured": (cls.plan, 1, cls.frm - 86400, 0, 0),          # nothing seen: none
            "partial": (cls.plan, 1, half, 20000, 19800),                # created on the 16th, 99.0 %: 10 %
            "noterms": (cls.plain, 1, cls.frm - 86400, 1000, 500),       # plan without SLA: none
        }
        cls.id = {}
        for k, name in enumerate(sorted(cls.spec)):
            plan, on, created, seen, up = cls.spec[name]
            ve = "5A%06X" % ((base << 8) + k)
            pid = sql_value("SELECT id FROM plans WHERE code = '%s'" % plan)
            sql("INSERT INTO orders (account_id, plan_id, template_id, disk_quota_mb, always_on, lifetime_days, "
                "login, fs_fault_tolerance_s, backup_hours, firewall, ip_count, created_at) VALUES "
                "(%d, %s, %s, 1000, %d, 3650, 'ssh', 60, 24, 'open', 1, %d)" % (cls.acct, pid, tmpl, on, created))
            order = sql_value("SELECT MAX(id) FROM orders WHERE account_id = %d" % cls.acct)
            sql("INSERT INTO ves (id, account_id, order_id, password_hash, created_at, expires_at, updated_at) "
                "VALUES ('%s', %d, %s, 'x', %d, %d, %d)" % (ve, cls.acct, order, created, ts(2036, 1, 1), created))
            cls.ves.append(ve)
            cls.id[name] = ve
            start = max(created, cls.frm)
            insert_minutes(lambda s: sql(s), minute_rows(ve, start - start % 60, seen, up))
            # A minute of the month before and after: never counted in this month.
            insert_minutes(lambda s: sql(s), minute_rows(ve, cls.frm - 60, 60, 0) + minute_rows(ve, cls.to, 60, 0))
        r = request("POST", "/api/v1/admin/invoice-runs", {"period": cls.period}, admin_headers())
        assert r.status in (200, 201), r.text

    @classmethod
    def tearDownClass(cls):
        ids = ",".join("'%s'" % v for v in cls.ves)
        if ids:
            sql("DELETE FROM usage_avail_minute WHERE ve_id IN (%s); DELETE FROM usage_avail_day WHERE ve_id IN (%s); "
                "DELETE FROM ves WHERE id IN (%s)" % (ids, ids, ids))
        for c in (getattr(cls, "plan", None), getattr(cls, "plain", None)):
            if c:
                drop_plan(c)

    def fee_of(self, name):
        plan, on, created, seen, up = self.spec[name]
        act = self.to - max(created, self.frm)
        q = half_up(Fraction(act * PPM, self.to - self.frm))
        return q, half_up(Fraction(q * 1000, PPM))

    def want_lines(self, name):
        plan, on, created, seen, up = self.spec[name]
        q, fee = self.fee_of(name)
        lines = [{"kind": "fee", "resource": "fee", "quantity": "%d.%06d" % divmod(q, PPM), "unit": "month",
                  "unit_price_minor": 1000, "amount_minor": fee}]
        if plan == self.plan and on and seen > 0:
            ppm = up * PPM // seen
            bp = 2500 if ppm < 990000 else 1000 if ppm < 999000 else 0
            credit = -half_up(Fraction(fee * bp, 10000))
            if credit != 0:
                lines.append({"kind": "credit", "resource": "availability",
                              "quantity": "%d.%06d" % divmod(ppm * 100, PPM), "unit": "%",
                              "unit_price_minor": 0, "amount_minor": credit})
        return lines

    def test_invoice_lines(self):
        number = sql_value("SELECT number FROM invoices WHERE account_id = %d AND period = '%s'"
                           % (self.acct, self.period))
        self.assertIsNotNone(number)
        r = request("GET", "/api/v1/invoices/%s" % number, headers=admin_headers())
        self.assertEqual(r.status, 200, r.text)
        inv = r.json()
        keys = ("kind", "resource", "quantity", "unit", "unit_price_minor", "amount_minor")
        credited = 0
        for name, ve in self.id.items():
            got = [{k: l[k] for k in keys} for l in inv["lines"] if l["ve_id"] == ve]
            self.assertEqual(got, self.want_lines(name), name)
            credited += sum(l["amount_minor"] for l in got if l["kind"] == "credit")
        # The worked figures: 10 % of 10.00, 25 % of 10.00, 10 % of the prorated fee.
        lines = {n: self.want_lines(n) for n in self.spec}
        self.assertEqual(lines["below"][1]["amount_minor"], -100)
        self.assertEqual(lines["below"][1]["quantity"], "99.500000")
        self.assertEqual(lines["far"][1]["amount_minor"], -250)
        self.assertEqual(len(lines["at"]), 1)
        self.assertEqual(lines["partial"][1]["amount_minor"], -half_up(Fraction(self.fee_of("partial")[1], 10)))
        self.assertEqual(credited, -100 - 250 + lines["partial"][1]["amount_minor"])
        sub = sum(l["amount_minor"] for l in inv["lines"])
        self.assertEqual(inv["subtotal_minor"], sub)
        self.assertEqual(inv["tax_minor"], half_up(Fraction(sub * 1900, 10000)))
        self.assertEqual(inv["total_minor"], sub + inv["tax_minor"])
        # Running it again changes nothing.
        r = request("POST", "/api/v1/admin/invoice-runs", {"period": self.period}, admin_headers())
        self.assertIn(r.status, (200, 201))
        self.assertEqual(sql_value("SELECT COUNT(*) FROM invoices WHERE account_id = %d" % self.acct), "1")

    def test_charges_show_the_same(self):
        for name, ve in self.id.items():
            r = request("GET", "/api/v1/ves/%s/charges?period=%s" % (ve, self.period), headers=admin_headers())
            self.assertEqual(r.status, 200, r.text)
            j = r.json()
            keys = ("kind", "resource", "quantity", "unit", "unit_price_minor", "amount_minor")
            self.assertEqual([{k: l[k] for k in keys} for l in j["lines"]], self.want_lines(name), name)
            plan, on, created, seen, up = self.spec[name]
            a = j["availability"]
            self.assertEqual((a["always_on"], a["seen_seconds"], a["up_seconds"]), (bool(on), seen, up), name)
            self.assertEqual(a["availability_ppm"], up * PPM // seen if seen else None, name)
            self.assertEqual(a["target_ppm"], 999000 if plan == self.plan else None, name)


@unittest.skipUnless(os.environ.get("VEP_HTTP") and tb.SOCK, "needs the running instance (./dev it)")
class SlaSelf(unittest.TestCase):
    """The self screen's availability line, and the sim agents' down file."""

    @classmethod
    def setUpClass(cls):
        cls.code = "SLAS%05X" % random.randrange(1 << 20)
        r = request("POST", "/api/v1/admin/plans", plan_json(cls.code, sla=STD_SLA, valid_from="2000-01-01"),
                    admin_headers())
        assert r.status == 201, r.text
        cls.made = []

    @classmethod
    def tearDownClass(cls):
        ids = ",".join(q(v) for v in cls.made)
        if ids:
            sql("DELETE FROM usage_avail_minute WHERE ve_id IN (%s); DELETE FROM usage_avail_day WHERE ve_id IN (%s)"
                % (ids, ids))
        release(cls.made)
        drop_plan(cls.code)

    def detached_ve(self, seen, up):
        """A VE of the test plan, active since the month began, on no node
        (so nothing else measures it), with `seen` seconds measured this month."""
        ve, pw, _ = create_ve(plan=self.code)
        self.made.append(ve)
        now = int(time.time())
        t = time.gmtime(now)
        mfrom = ts(t.tm_year, t.tm_mon)
        created = sql1(f"SELECT created_at FROM ves WHERE id = {q(ve)}")
        sql(f"UPDATE ves SET node_id = NULL, created_at = {mfrom} WHERE id = {q(ve)}; "
            f"UPDATE ve_state_log SET at = {mfrom} WHERE ve_id = {q(ve)} AND at = {created}")
        # billingd stops measuring it within a lease round and a batch.
        wait_billingd_lets_go()
        sql(f"DELETE FROM usage_avail_minute WHERE ve_id = {q(ve)}; DELETE FROM usage_avail_day WHERE ve_id = {q(ve)}")
        insert_minutes(lambda s: sql(s), minute_rows(ve, mfrom, seen, up))
        return ve, pw

    def dashboard(self, ve, pw):
        c = Client()
        r = c.self_login(ve, pw)
        self.assertEqual(r.status, 303, r.text[:300])
        r = c.get("/self")
        self.assertEqual(r.status, 200)
        return r.text

    def test_self_screen_availability(self):
        ve, pw = self.detached_ve(125000, 124940)           # 99.952 %
        page = text_of(self.dashboard(ve, pw))
        self.assertIn("Availability this month: 99.952 % (target 99.9 %).", page)
        self.assertNotIn("service credit of", page)
        # 99.5 %: the credit that would be given if the month ended now.
        ve, pw = self.detached_ve(1000, 995)
        raw = self.dashboard(ve, pw)
        page = text_of(raw)
        self.assertIn("Availability this month: 99.500 % (target 99.9 %).", page)
        r = request("GET", f"/api/v1/ves/{ve}/charges?period={time.strftime('%Y-%m', time.gmtime())}",
                    headers=basic(ve, pw))
        self.assertEqual(r.status, 200, r.text)
        fee = [l for l in r.json()["lines"] if l["kind"] == "fee"][0]["amount_minor"]
        credit = half_up(Fraction(fee * 1000, 10000))
        if credit == 0:
            self.assertNotIn("service credit of", page)     # the month has hardly begun
        else:
            amount = "%d.%02d" % divmod(credit, 100)
            self.assertIn("a service credit of %s EUR (10 %% of the monthly fee)" % amount, page)
            self.assertRegex(raw, r'data-kind="credit" data-resource="availability"')
            self.assertIn("Service credit: availability 99.500 % was below the target", page)
        # Nothing measured yet.
        ve, pw = self.detached_ve(0, 0)
        self.assertIn("Availability this month: not measured yet.", text_of(self.dashboard(ve, pw)))

    def test_sim_down_file(self):
        """The demo sim agents' --sim-down-file: a listed VE is down for billingd."""
        ve, pw, _ = create_ve(plan=self.code)
        self.made.append(ve)
        node = sql1(f"SELECT n.name FROM ves v JOIN nodes n ON n.id = v.node_id WHERE v.id = {q(ve)}")
        path = os.path.join(VAR, "run", "sim-down-%s" % node)
        if node is None or not re.fullmatch(r"node\d+", node):
            self.skipTest("the VE is not on a demo node")
        seen = lambda: int(sql1(f"SELECT COALESCE(SUM(seen_s), 0) FROM usage_avail_minute WHERE ve_id = {q(ve)}"))
        down = lambda: int(sql1(f"SELECT COALESCE(SUM(seen_s) - SUM(up_s), 0) FROM usage_avail_minute "
                                f"WHERE ve_id = {q(ve)}"))
        self.assertTrue(tb.wait_for(lambda: seen() > 2, 30), "billingd never measured the new VE")
        self.assertEqual(down(), 0)
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write("# test_sla\n%s\n" % ve)
        os.chmod(tmp, 0o644)
        os.rename(tmp, path)
        try:
            self.assertTrue(tb.wait_for(lambda: down() >= 4, 30), "no down seconds stored")
        finally:
            os.unlink(path)
        d = down()
        up0 = seen() - down()
        self.assertTrue(tb.wait_for(lambda: seen() - down() > up0 + 4, 30), "not seen up again")
        # Up again: the down seconds stay what they were, and it is seen up again.
        self.assertLessEqual(down() - d, 3)
        self.assertGreater(seen() - down(), 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
