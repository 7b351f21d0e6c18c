"""Integration tests of GET /api/v1/ves/{id}/history (SPEC sections 5 and 6).

A fixture makes two VEs directly in the running instance's database (ids
7E57xxxx, no node, so no agent or billingd touches them), gives them known
usage (raw seconds, minute/hour/day rollups built from the same seconds,
ve_totals), and checks every answer against an independent oracle written
here: values per bucket, units, alignment of `from`, stopping at the
present, filling of empty buckets (0 for counters, the last value for
gauges), sums of history equal to the totals, 422 for bad parameters,
401/404 for credentials.

Environment: VEP_HTTP, VEP_DB_SOCKET, VEP_ADMIN_TOKEN, VEP_BUILD, VEP_CONF.
"""
import base64
import calendar
import json
import os
import random
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from veplib import BILLINGD_PORT, wait_billingd_settled, wait_until

ROOT = os.environ.get("VEP_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
HTTP = os.environ.get("VEP_HTTP", "http://127.0.0.1:8080")
SOCK = os.environ.get("VEP_DB_SOCKET", "")
TOKEN = os.environ.get("VEP_ADMIN_TOKEN", "")
BUILD = os.environ.get("VEP_BUILD", "")
CONF = os.environ.get("VEP_CONF", "")
DB = "vepanel"
STEPS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
METRICS = ("disk", "cpu", "vmem", "net_in", "net_out", "net_total")
UNITS = {"disk": "bytes", "cpu": "ms", "vmem": "MB", "net_in": "bytes", "net_out": "bytes",
         "net_total": "bytes"}
RAW_HORIZON = 40 * 3600      # seconds younger than this also go to usage_raw


def sql(text, db=DB):
    """Run SQL as root through the socket; rows as lists of strings.  A
    deadlock with billingd's writes is retried (the whole text: it is
    written to be idempotent or run in one transaction)."""
    last = []

    def attempt():
        p = subprocess.run(["mariadb", "--no-defaults", "--socket=" + SOCK, "-uroot", "-N", "-B", db],
                           input=text, capture_output=True, text=True, timeout=120)
        if p.returncode == 0:
            return [[l.split("\t") for l in p.stdout.splitlines()]]
        if "Deadlock" not in p.stderr and "Lock wait timeout" not in p.stderr:
            raise AssertionError("SQL failed: %s\n%s" % (p.stderr.strip(), text[:400]))
        last[:] = [p.stderr.strip()]
        return None
    return wait_until(attempt, 60, "SQL without a deadlock (%s)\n%s" % (last, text[:400]))[0]


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def get(path, auth=None):
    """GET HTTP+path; returns (status, JSON or None, headers)."""
    req = urllib.request.Request(HTTP + path)
    if auth is not None:
        req.add_header("Authorization", auth)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null"), r.headers
    except urllib.error.HTTPError as e:
        body = e.read()
        try:
            j = json.loads(body)
        except ValueError:
            j = None
        return e.code, j, e.headers


def basic(user, pw):
    return "Basic " + base64.b64encode(("%s:%s" % (user, pw)).encode()).decode()


def bearer(tok=None):
    return "Bearer " + (tok or TOKEN)


class Usage:
    """One VE's seconds of usage and the tables they make (the oracle)."""

    def __init__(self):
        self.sec = {}        # t -> dict(cu, cs, vm, dk, ni, no); vm/dk None = no gauge sample

    def add(self, t, cu, cs, vm, dk, ni, no):
        self.sec[t] = dict(cu=cu, cs=cs, vm=vm, dk=dk, ni=ni, no=no)

    def buckets(self, w, raw_only_after=None):
        """Rows of a table of bucket width w: t -> row dict."""
        rows = {}
        for t in sorted(self.sec):
            if raw_only_after is not None and t < raw_only_after:
                continue
            s = self.sec[t]
            b = t - t % w
            r = rows.setdefault(b, dict(cpu=0, ni=0, no=0, vsum=0, dsum=0, n=0, vl=0, dl=0, lt=0,
                                        cu=0, cs=0))
            r["cu"] += s["cu"]
            r["cs"] += s["cs"]
            r["cpu"] += s["cu"] + s["cs"]
            r["ni"] += s["ni"]
            r["no"] += s["no"]
            if s["vm"] is not None:
                r["vsum"] += s["vm"]
                r["dsum"] += s["dk"]
                r["n"] += 1
                r["vl"], r["dl"], r["lt"] = s["vm"], s["dk"], t
        return rows

    def totals(self):
        g = [t for t in sorted(self.sec) if self.sec[t]["vm"] is not None]
        last = self.sec[g[-1]] if g else dict(vm=0, dk=0)
        return dict(cu=sum(s["cu"] for s in self.sec.values()),
                    cs=sum(s["cs"] for s in self.sec.values()),
                    ni=sum(s["ni"] for s in self.sec.values()),
                    no=sum(s["no"] for s in self.sec.values()),
                    vl=last["vm"], dl=last["dk"], lt=g[-1] if g else 0)

    def table(self, step, now):
        if step == "second":
            return self.buckets(1, now - RAW_HORIZON)
        return self.buckets(STEPS[step])

    def expect(self, metric, step, frm, n, now):
        """The n points (t, v, filled) the API must answer."""
        w = STEPS[step]
        rows = self.table(step, now)
        fa = frm - frm % w
        gauge = metric in ("disk", "vmem")
        carry = None
        before = [b for b in rows if b < fa and rows[b]["n"] > 0]
        if before:
            r = rows[max(before)]
            carry = r["dl"] if metric == "disk" else r["vl"]
        out = []
        for i in range(n):
            b = fa + i * w
            r = rows.get(b)
            if gauge:
                if r is not None and r["n"] > 0:
                    s = r["dsum"] if metric == "disk" else r["vsum"]
                    v = s // r["n"]
                    if metric == "vmem":
                        v //= 1000000
                    carry = r["dl"] if metric == "disk" else r["vl"]
                    out.append((b, v, False))
                else:
                    v = 0 if carry is None else carry
                    out.append((b, v // 1000000 if metric == "vmem" else v, True))
            else:
                if r is None:
                    out.append((b, 0, True))
                    continue
                v = {"cpu": r["cpu"] // 1000, "net_in": r["ni"], "net_out": r["no"],
                     "net_total": r["ni"] + r["no"]}[metric]
                out.append((b, v, False))
        return out


def npoints(frm, step, count, now):
    w = STEPS[step]
    fa = frm - frm % w
    if fa > now:
        return 0
    return min(count, (now - now % w - fa) // w + 1)


class Fixture:
    """Two VEs (A with usage, B without) owned by one test account; cleanup() removes all."""

    PASSWORD = "history-test-pw-1"

    def __init__(self, with_ips=False):
        if not SOCK:
            raise unittest.SkipTest("VEP_DB_SOCKET is not set (run through ./dev it)")
        rnd = random.Random()
        suffix = "%04X" % rnd.randrange(0x10000)
        self.a = "7E57" + suffix
        self.b = "7E58" + suffix
        self.now = int(time.time())
        self.hash = self._hash()
        self.usage = Usage()
        self.ips = []
        self._make(with_ips)

    def _hash(self):
        """An argon2id hash of PASSWORD made by vepctl (as a throwaway admin's)."""
        name = "t-hist-%d" % os.getpid()
        with tempfile.NamedTemporaryFile("w", delete=False) as f:
            f.write(self.PASSWORD + "\n")
        try:
            subprocess.run([os.path.join(BUILD, "tools", "vepctl"), "-f", CONF, "admin", "set", name,
                            "--password-file", f.name], check=True, capture_output=True, timeout=60)
            h = sql("SELECT password_hash FROM admins WHERE name = '%s'" % name)[0][0]
        finally:
            sql("DELETE FROM admins WHERE name = '%s'" % name)
            os.unlink(f.name)
        return h

    def _make(self, with_ips):
        self.cleanup()
        # Fixtures of runs that were killed before their cleanup (an hour old).
        for (acc_ve,) in sql("SELECT SUBSTRING(email, 6, 8) FROM accounts WHERE email LIKE"
                             " 'hist-7E57%%@example.com' AND created_at < %d" % (self.now - 3600)):
            old = Fixture.__new__(Fixture)
            old.a, old.b = acc_ve, "7E58" + acc_ve[4:]
            old.cleanup()
            sql("DELETE FROM nodes WHERE name = 'hist-%s' AND id NOT IN"
                " (SELECT node_id FROM ves WHERE node_id IS NOT NULL)" % acc_ve)
        now = self.now
        tpl = sql("SELECT id FROM os_templates ORDER BY id LIMIT 1")[0][0]
        plan = sql("SELECT id FROM plans WHERE code = 'WEB1'")[0][0]
        self.order = dict(disk_quota_mb=1500, cpu_min_bogomips=700, mem_max_mb=512,
                          net_bw_min_kbps=1000, net_bw_max_kbps=2000, net_in_bw_min_kbps=8,
                          net_in_bw_max_kbps=0, net_out_bw_min_kbps=0, net_out_bw_max_kbps=0,
                          net_quota_min_mb=0, net_quota_max_mb=100000, net_in_quota_min_mb=0,
                          net_in_quota_max_mb=3, net_out_quota_min_mb=0, net_out_quota_max_mb=0,
                          user_info="history test VE")
        cols = ", ".join(self.order)
        vals = ", ".join("'%s'" % v if isinstance(v, str) else str(v) for v in self.order.values())
        stmts = ["INSERT INTO accounts (email, created_at) VALUES ('hist-%s@example.com', %d);"
                 % (self.a, now), "SET @acc = LAST_INSERT_ID();"]
        for ve in (self.a, self.b):
            stmts.append(
                "INSERT INTO orders (account_id, plan_id, template_id, login, always_on, lifetime_days,"
                " fs_fault_tolerance_s, backup_hours, firewall, ip_count, created_at, %s) VALUES"
                " (@acc, %s, %s, 'ssh', 1, 365, 10, 24, 'open', %d, %d, %s);"
                % (cols, plan, tpl, 2 if with_ips else 1, now - 20 * 86400, vals))
            stmts.append(
                "INSERT INTO ves (id, account_id, order_id, node_id, state, password_hash, created_at,"
                " expires_at, updated_at) VALUES ('%s', @acc, LAST_INSERT_ID(), NULL, 'active', '%s',"
                " %d, %d, %d);" % (ve, self.hash, now - 20 * 86400, now + 300 * 86400, now))
        sql("\n".join(stmts))
        if with_ips:
            # From a pool of every node (a node's own pool, e.g. real1's, has one DNS server).
            free = sql("SELECT address FROM ip_addresses WHERE ve_id IS NULL AND pool_id IN"
                       " (SELECT id FROM ip_pools WHERE node_id IS NULL) ORDER BY addr_num DESC LIMIT 2")
            for i, (addr,) in enumerate(free):
                sql("UPDATE ip_addresses SET ve_id = '%s', seq = %d WHERE address = '%s' AND ve_id IS NULL"
                    % (self.a, i + 1, addr))
            self.ips = [r[0] for r in sql("SELECT address FROM ip_addresses WHERE ve_id = '%s' ORDER BY seq"
                                          % self.a)]
        self._usage()

    def _usage(self):
        now = self.now
        u = self.usage
        rnd = random.Random(7)
        day0 = now - now % 86400

        def burst(start, n, none_every=0):
            for i in range(n):
                t = start + i
                g = not (none_every and i % none_every == 3)
                u.add(t, rnd.randrange(0, 3000000), rnd.randrange(0, 900000),
                      rnd.randrange(50, 900) * 1000003 if g else None,
                      rnd.randrange(10 ** 9, 5 * 10 ** 9) if g else None,
                      rnd.randrange(0, 10 ** 6), rnd.randrange(0, 10 ** 5))
        # Ten days ago: rollups only (raw is long gone).
        burst(day0 - 10 * 86400 + 3 * 3600 + 17, 180)
        # Yesterday, about 26 hours ago: raw too; a minute of deltas only (no gauge).
        y = now - 26 * 3600
        y -= y % 3600
        burst(y, 120)
        burst(y + 1800, 60, none_every=7)
        # A few hours ago, a gap, then the last minutes up to the present.
        r = now - 3 * 3600
        r -= r % 3600
        burst(r + 600, 300, none_every=11)
        burst(now - 130, 126)
        self._insert()

    def _insert(self):
        now, u, ve = self.now, self.usage, self.a
        stmts = []
        raw = [(t, s) for t, s in sorted(u.sec.items()) if t >= now - RAW_HORIZON]
        for i in range(0, len(raw), 500):
            vals = ",".join("('%s',%d,%d,%d,%s,%s,%d,%d)" % (
                ve, t, s["cu"], s["cs"], "NULL" if s["vm"] is None else s["vm"],
                "NULL" if s["dk"] is None else s["dk"], s["ni"], s["no"]) for t, s in raw[i:i + 500])
            stmts.append("INSERT INTO usage_raw (ve_id, t, cpu_user_us, cpu_sys_us, vmem_bytes,"
                         " disk_bytes, net_in_bytes, net_out_bytes) VALUES %s;" % vals)
        for table, w in (("usage_minute", 60), ("usage_hour", 3600), ("usage_day", 86400)):
            rows = u.buckets(w)
            vals = ",".join("('%s',%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d)" % (
                ve, b, r["cu"], r["cs"], r["ni"], r["no"], r["vsum"], r["dsum"], r["n"], r["vl"],
                r["dl"], r["lt"]) for b, r in sorted(rows.items()))
            stmts.append("INSERT INTO %s (ve_id, t, cpu_user_us, cpu_sys_us, net_in_bytes,"
                         " net_out_bytes, vmem_sum_bytes, disk_sum_bytes, samples, vmem_last_bytes,"
                         " disk_last_bytes, last_t) VALUES %s;" % (table, vals))
        t = u.totals()
        stmts.append("INSERT INTO ve_totals (ve_id, cpu_user_us, cpu_sys_us, net_in_bytes,"
                     " net_out_bytes, vmem_last_bytes, disk_last_bytes, last_t) VALUES"
                     " ('%s',%d,%d,%d,%d,%d,%d,%d);" % (ve, t["cu"], t["cs"], t["ni"], t["no"],
                                                       t["vl"], t["dl"], t["lt"]))
        sql("\n".join(stmts))

    def cleanup(self):
        ids = "'%s','%s'" % (self.a, self.b)
        sql("""
DELETE FROM usage_raw WHERE ve_id IN ({ids});
DELETE FROM usage_minute WHERE ve_id IN ({ids});
DELETE FROM usage_hour WHERE ve_id IN ({ids});
DELETE FROM usage_day WHERE ve_id IN ({ids});
DELETE FROM ve_totals WHERE ve_id IN ({ids});
DELETE FROM usage_raw_ip WHERE ve_id IN ({ids});
DELETE FROM usage_ip_hour WHERE ve_id IN ({ids});
DELETE FROM counter_state WHERE ve_id IN ({ids});
DELETE FROM counter_state_ip WHERE ve_id IN ({ids});
DELETE FROM login_failures WHERE subject IN ({ids});
DELETE FROM sessions WHERE subject IN ({ids});
UPDATE ip_addresses SET ve_id = NULL, seq = NULL, dns_name = NULL WHERE ve_id IN ({ids});
SET @acc = (SELECT account_id FROM ves WHERE id = '{a}');
SET @o1 = (SELECT order_id FROM ves WHERE id = '{a}');
SET @o2 = (SELECT order_id FROM ves WHERE id = '{b}');
DELETE FROM ves WHERE id IN ({ids});
DELETE FROM orders WHERE id IN (@o1, @o2);
DELETE FROM accounts WHERE id = @acc;
""".format(ids=ids, a=self.a, b=self.b))

    # --- asking ---------------------------------------------------------------

    def history(self, metric, step, frm, count, ve=None, auth=None):
        path = "/api/v1/ves/%s/history?metric=%s&from=%s&step=%s&count=%d" % (
            ve or self.a, metric, iso(frm), step, count)
        return get(path, auth or basic(self.a, self.PASSWORD))


class HistoryTest(unittest.TestCase):
    fx = None

    @classmethod
    def setUpClass(cls):
        cls.fx = Fixture()

    @classmethod
    def tearDownClass(cls):
        if cls.fx is not None:
            cls.fx.cleanup()

    def check(self, metric, step, frm, count):
        """Ask, then compare the whole answer with the oracle; returns the points."""
        fx = self.fx
        before = int(time.time())
        st, j, _ = fx.history(metric, step, frm, count)
        after = int(time.time())
        self.assertEqual(st, 200, j)
        w = STEPS[step]
        self.assertEqual(j["ve_id"], fx.a)
        self.assertEqual(j["metric"], metric)
        self.assertEqual(j["step"], step)
        self.assertEqual(j["unit"], UNITS[metric])
        self.assertEqual(j["from"], iso(frm - frm % w))
        n = len(j["points"])
        self.assertIn(n, {npoints(frm, step, count, before), npoints(frm, step, count, after)},
                      "%s by %s from %s count %d" % (metric, step, iso(frm), count))
        want = fx.usage.expect(metric, step, frm, n, fx.now)
        got = [(p["t"], p["v"]) for p in j["points"]]
        exp = [(iso(t), v) for t, v, _ in want]
        # The first difference only: difflib on thousands of points takes minutes.
        bad = next((i for i in range(n) if got[i] != exp[i]), None)
        self.assertIsNone(bad, "%s by %s from %s: point %s is %s, want %s" % (
            metric, step, iso(frm), bad, got[bad] if bad is not None else "",
            exp[bad] if bad is not None else ""))
        self.assertEqual(j["filled"], any(f for _, _, f in want))
        return j["points"]

    def test_every_metric_and_step(self):
        now = self.fx.now
        ranges = {"second": (now - 3 * 3600, 1200), "minute": (now - 27 * 3600, 1700),
                  "hour": (now - 12 * 86400, 400), "day": (now - 15 * 86400, 30)}
        for step, (frm, count) in ranges.items():
            for m in METRICS:
                with self.subTest(metric=m, step=step):
                    self.check(m, step, frm, count)

    def test_sums_equal_totals(self):
        fx = self.fx
        tot = fx.usage.totals()
        db = sql("SELECT net_in_bytes, net_out_bytes, cpu_user_us + cpu_sys_us FROM ve_totals"
                 " WHERE ve_id = '%s'" % fx.a)[0]
        self.assertEqual([int(x) for x in db], [tot["ni"], tot["no"], tot["cu"] + tot["cs"]])
        first = fx.now - 12 * 86400
        for step, count in (("day", 20), ("hour", 400), ("minute", 20000)):
            frm = first
            sums = {}
            for m in ("net_in", "net_out", "net_total", "cpu"):
                st, j, _ = fx.history(m, step, frm, count)
                self.assertEqual(st, 200)
                sums[m] = sum(p["v"] for p in j["points"])
            with self.subTest(step=step):
                self.assertEqual(sums["net_in"], tot["ni"])
                self.assertEqual(sums["net_out"], tot["no"])
                self.assertEqual(sums["net_total"], tot["ni"] + tot["no"])
                # each bucket's ms is rounded down
                cpu_us = tot["cu"] + tot["cs"]
                self.assertLessEqual(sums["cpu"] * 1000, cpu_us)
                self.assertLess(cpu_us - sums["cpu"] * 1000, 1000 * count)

    def test_fills(self):
        fx = self.fx
        now = fx.now
        # Before any data: zeros, filled.
        pts = self.check("disk", "day", now - 19 * 86400, 3)
        self.assertEqual([p["v"] for p in pts], [0, 0, 0])
        pts = self.check("cpu", "hour", now - 19 * 86400, 5)
        self.assertEqual([p["v"] for p in pts], [0] * 5)
        # After the old burst, the gauge carries its last value over empty days.
        old = sorted(t for t in fx.usage.sec if t < now - 5 * 86400)
        last = fx.usage.sec[old[-1]]
        frm = old[-1] - old[-1] % 86400 + 86400
        pts = self.check("disk", "day", frm, 3)
        self.assertEqual([p["v"] for p in pts][:2], [last["dk"]] * 2)
        pts = self.check("vmem", "hour", old[-1] + 3600, 4)
        self.assertEqual([p["v"] for p in pts], [last["vm"] // 1000000] * 4)
        # Counters over the same gap: 0.
        pts = self.check("net_in", "hour", old[-1] + 3600, 4)
        self.assertEqual([p["v"] for p in pts], [0] * 4)
        # A minute holding deltas but a second without a gauge sample.
        self.check("vmem", "second", now - 26 * 3600 - (now - 26 * 3600) % 3600 + 1800, 60)

    def test_alignment_and_present(self):
        fx = self.fx
        now = int(time.time())
        # from inside a bucket is aligned down
        st, j, _ = fx.history("cpu", "hour", now - 5 * 3600 + 1234, 3)
        self.assertEqual(st, 200)
        a = now - 5 * 3600 + 1234
        self.assertEqual(j["from"], iso(a - a % 3600))
        # stops at the present, current partial bucket included
        for step, back in (("second", 90), ("minute", 300), ("hour", 7200), ("day", 86400 * 2)):
            t0 = time.time()
            st, j, _ = fx.history("net_total", step, now - back, 100000)
            self.assertEqual(st, 200)
            w = STEPS[step]
            last = calendar.timegm(time.strptime(j["points"][-1]["t"], "%Y-%m-%dT%H:%M:%SZ"))
            self.assertLessEqual(last, time.time())
            self.assertGreater(last + w, t0 - 1, step)
            self.assertIn(len(j["points"]), {npoints(now - back, step, 100000, int(t0)),
                                             npoints(now - back, step, 100000, int(time.time()))})
        # the present bucket holds the latest data
        pts = self.check("net_in", "minute", fx.now - 180, 10)
        self.assertGreater(pts[-1]["v"] + pts[-2]["v"], 0)

    def test_big_ranges_are_bounded(self):
        fx = self.fx
        t0 = time.time()
        st, j, _ = fx.history("cpu", "minute", fx.now - 200 * 86400, 100000)
        self.assertEqual(st, 200)
        self.assertEqual(len(j["points"]), 100000)
        st, j, _ = fx.history("disk", "day", 86400 * 365 * 10, 100000)
        self.assertEqual(st, 200)
        self.assertLessEqual(len(j["points"]), 100000)
        # every date since 1980 (leap years, 2000 among them) written right
        self.assertEqual([p["t"] for p in j["points"]],
                         [iso(86400 * 365 * 10 + 86400 * i) for i in range(len(j["points"]))])
        self.assertLess(time.time() - t0, 10)

    def test_bad_parameters(self):
        fx = self.fx
        base = "/api/v1/ves/%s/history?" % fx.a
        good = {"metric": "cpu", "from": iso(fx.now - 3600), "step": "minute", "count": "10"}
        auth = basic(fx.a, fx.PASSWORD)

        def ask(params):
            q = "&".join("%s=%s" % kv for kv in params)
            return get(base + q, auth)
        cases = [
            ({"metric": None}, {"metric"}),
            ({"from": None}, {"from"}),
            ({"step": None}, {"step"}),
            ({"count": None}, {"count"}),
            ({"metric": None, "step": None, "from": None, "count": None}, {"metric", "from", "step", "count"}),
            ({"metric": "CPU"}, {"metric"}),
            ({"metric": "memory"}, {"metric"}),
            ({"metric": ""}, {"metric"}),
            ({"step": "minutes"}, {"step"}),
            ({"step": "week"}, {"step"}),
            ({"from": "2026-11-22T10:00:00"}, {"from"}),
            ({"from": "2026-02-30T00:00:00Z"}, {"from"}),
            ({"from": "yesterday"}, {"from"}),
            ({"from": "1795341600"}, {"from"}),
            ({"from": iso(fx.now + 7200)}, {"from"}),
            ({"count": "0"}, {"count"}),
            ({"count": "-1"}, {"count"}),
            ({"count": "100001"}, {"count"}),
            ({"count": "1e3"}, {"count"}),
            ({"count": "99999999999999999999999"}, {"count"}),
            ({"metric": "cpux", "count": "0"}, {"metric", "count"}),
        ]
        for change, fields in cases:
            p = dict(good)
            p.update(change)
            with self.subTest(change=change):
                st, j, _ = ask([(k, v) for k, v in p.items() if v is not None])
                self.assertEqual(st, 422, j)
                self.assertEqual(set(j["error"]["fields"]), fields)
                self.assertTrue(j["error"]["message"])
        st, j, _ = ask(list(good.items()) + [("count", "5")])
        self.assertEqual(st, 422)
        self.assertEqual(set(j["error"]["fields"]), {"count"})
        st, j, _ = ask(list(good.items()))
        self.assertEqual(st, 200)

    def test_authorization(self):
        fx = self.fx
        frm = fx.now - 600
        st, j, h = get("/api/v1/ves/%s/history?metric=cpu&from=%s&step=minute&count=5" % (fx.a, iso(frm)))
        self.assertEqual(st, 401)
        self.assertIn("error", j)
        st, j, _ = fx.history("cpu", "minute", frm, 5, auth=basic(fx.a, "wrong-password-xx"))
        self.assertEqual(st, 401)
        # B's owner asking for A: the same 404 as a VE that does not exist
        st, j, _ = fx.history("cpu", "minute", frm, 5, auth=basic(fx.b, fx.PASSWORD))
        self.assertEqual(st, 404)
        st2, j2, _ = fx.history("cpu", "minute", frm, 5, ve="7E5FFFFF", auth=basic(fx.b, fx.PASSWORD))
        self.assertEqual(st2, 404)
        self.assertEqual(j, j2)
        # B's owner sees B (no usage: all filled)
        st, j, _ = fx.history("cpu", "minute", frm, 5, ve=fx.b, auth=basic(fx.b, fx.PASSWORD))
        self.assertEqual(st, 200)
        self.assertTrue(j["filled"])
        self.assertEqual({p["v"] for p in j["points"]}, {0})
        # the operator sees both, and a missing VE is 404
        st, j, _ = fx.history("cpu", "minute", frm, 5, auth=bearer())
        self.assertEqual(st, 200)
        st, j, _ = fx.history("cpu", "minute", frm, 5, ve="7E5FFFFF", auth=bearer())
        self.assertEqual(st, 404)
        st, j, _ = fx.history("cpu", "minute", frm, 5, ve="7e57zzzz", auth=bearer())
        self.assertEqual(st, 404)
        st, j, _ = fx.history("cpu", "minute", frm, 5, auth=bearer("0" * 64))
        self.assertEqual(st, 401)
        sql("DELETE FROM login_failures WHERE subject IN ('%s','%s')" % (fx.a, fx.b))

    def test_no_store(self):
        st, j, h = self.fx.history("cpu", "minute", self.fx.now - 600, 5)
        self.assertEqual(st, 200)
        self.assertIn("no-store", h.get("Cache-Control", ""))
        self.assertTrue(h.get("Content-Type", "").startswith("application/json"))


class QuietFixture(Fixture):
    """A Fixture whose VEs have no usage yet (billingd will write it)."""

    def _usage(self):
        pass


def billingd_running():
    """Is the instance's billingd up (its own /metrics on 127.0.0.1:VEP_BILLINGD_PORT)?"""
    try:
        with socket.create_connection(("127.0.0.1", BILLINGD_PORT), timeout=2):
            return True
    except OSError:
        return False


class HistoryThroughBillingdTest(unittest.TestCase):
    """Usage pushed by a scripted agent through the instance's billingd comes
    back from the history API exactly: per-step sums equal the agent's truth,
    across a VE restart (counter reset), and the gauges' last values."""

    def setUp(self):
        if not billingd_running():
            self.skipTest("billingd of the running instance does not answer on 127.0.0.1:%d"
                          % BILLINGD_PORT)
        self.fx = QuietFixture(with_ips=True)
        self.agent = subprocess.Popen(["/usr/bin/python3", os.path.join(ROOT, "tests", "fakes",
                                       "fake_agent.py"), "--port", "0"],
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.agent.stdout.readline()
        self.assertTrue(line.startswith("PORT "), line)
        self.port = int(line.split()[1])
        self.node = "hist-%s" % self.fx.a
        self.node_id = None

    def tearDown(self):
        fx = getattr(self, "fx", None)
        if fx is None:
            return
        # No more polls, no more node; then let billingd's last batch land.
        self.agent.terminate()
        self.agent.wait(10)
        try:
            sql("UPDATE ves SET node_id = NULL WHERE id IN ('%s','%s');"
                "DELETE FROM nodes WHERE name = '%s';" % (fx.a, fx.b, self.node))
        except AssertionError:
            # Something else was placed on it after all: at least take it out of use.
            sql("UPDATE nodes SET enabled = 0 WHERE name = '%s'" % self.node)
            raise
        finally:
            # A batch billingd had in flight for the VE lands before it goes.
            wait_billingd_settled(what="billingd's last batch of the VE written")
            fx.cleanup()

    def control(self, *cmds):
        req = urllib.request.Request("http://127.0.0.1:%d/control" % self.port,
                                     data=json.dumps(list(cmds)).encode(), method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            r.read()

    def truth(self):
        with urllib.request.urlopen("http://127.0.0.1:%d/truth" % self.port, timeout=10) as r:
            return json.loads(r.read())["ves"][self.fx.a]

    def stored(self):
        rows = sql("SELECT cpu_user_us + cpu_sys_us, net_in_bytes, net_out_bytes FROM ve_totals"
                   " WHERE ve_id = '%s'" % self.fx.a)
        return [int(x) for x in rows[0]] if rows else None

    def wait(self, fn, secs):
        try:
            return wait_until(fn, secs, "billingd's stored usage")
        except AssertionError:
            return fn()

    def more_stored(self, n, what):
        """Wait until billingd has stored new usage of the VE n times."""
        seen = [self.stored()]

        def moved():
            v = self.stored()
            if v != seen[-1]:
                seen.append(v)
            return len(seen) > n
        wait_until(moved, 30, "%d more polls of the VE stored (%s)" % (n, what))

    def test_agent_to_history(self):
        fx = self.fx
        ip = fx.ips[0]
        t0 = int(time.time())
        self.control({"op": "ve", "ve": fx.a, "start_us": t0 * 1000000, "cpu_user_us": 0,
                      "cpu_sys_us": 0, "vmem": 300 * 1000000, "disk": 2 * 10 ** 9, "ips": {ip: [0, 0]}},
                     {"op": "rate", "ve": fx.a, "cpu_user_us": 250000, "cpu_sys_us": 50000,
                      "rx": 100000, "tx": 20000})
        # A node full with this one VE (max_ves 1), so that no order placed
        # meanwhile lands on it; both rows in one transaction.
        sql("START TRANSACTION;"
            "INSERT INTO nodes (name, url, token_hash, enabled, max_ves, created_at) VALUES"
            " ('%s', 'http://127.0.0.1:%d/metrics', REPEAT('0', 64), 1, 1, %d);"
            "UPDATE ves SET node_id = LAST_INSERT_ID() WHERE id = '%s'; COMMIT;"
            % (self.node, self.port, t0, fx.a))
        if not self.wait(self.stored, 45):
            self.fail("billingd stored nothing within 45 s; node: %s" % sql(
                "SELECT state, lease_owner, last_poll_at, last_ok_at FROM nodes WHERE name = '%s'"
                % self.node))

        def settle():
            """Freeze the agent and wait until billingd has stored all of it."""
            self.control({"op": "freeze"})
            truth = self.truth()
            want = [truth["cpu_user_us"] + truth["cpu_sys_us"], truth["net_in"], truth["net_out"]]
            self.wait(lambda: self.stored() == want, 30)
            self.assertEqual(self.stored(), want, "ve_totals never matched the agent's truth")
            return truth, want
        self.more_stored(2, "before the first freeze")
        settle()
        # The VE restarts (its counters start again from 0) with new gauges.
        self.control({"op": "reset_ve", "ve": fx.a, "start_us": int(time.time()) * 1000000},
                     {"op": "ve", "ve": fx.a, "disk": 2500 * 1000000, "vmem": 450 * 1000000},
                     {"op": "thaw"})
        self.more_stored(2, "after the restart")
        truth, want = settle()
        frm = t0 - 5
        for step in ("second", "minute", "hour", "day"):
            sums = {}
            for m in ("cpu", "net_in", "net_out", "net_total"):
                st, j, _ = fx.history(m, step, frm, 100000)
                self.assertEqual(st, 200, j)
                sums[m] = sum(p["v"] for p in j["points"])
                n = len(j["points"])
            with self.subTest(step=step):
                self.assertEqual(sums["net_in"], truth["net_in"])
                self.assertEqual(sums["net_out"], truth["net_out"])
                self.assertEqual(sums["net_total"], truth["net_in"] + truth["net_out"])
                self.assertLessEqual(sums["cpu"] * 1000, want[0])
                self.assertLess(want[0] - sums["cpu"] * 1000, 1000 * n)
        # the gauges' latest values, by second: the present carries them
        def gauges():
            now = int(time.time())
            _, d, _ = fx.history("disk", "second", now - 1, 2)
            _, v, _ = fx.history("vmem", "second", now - 1, 2)
            return (d["points"][-1]["v"] if d.get("points") else None,
                    v["points"][-1]["v"] if v.get("points") else None)
        want_g = (truth["disk"], truth["vmem"] // 1000000)
        wait_until(lambda: gauges() == want_g, 10, "the gauges' latest values by second")


if __name__ == "__main__":
    unittest.main()
