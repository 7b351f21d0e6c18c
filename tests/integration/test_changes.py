"""Service changes (issue 15, SPEC section 11) through nginx, the real database
and, for the node side, the real agent `real1` of `./dev up`.

- Billing at the second of the change (any machine): a VE backdated into a
  closed month and changed twice in it (disk quota, then plan) gives charges
  cut into three parts whose lines equal a computation made here with exact
  fractions, to the micro-unit of every quantity and the minor unit of every
  amount; the month's invoice has the same lines and total.
- A refused change (every bad field named, 422; a body that is not an
  object, 400) writes nothing: the order, its history, addresses, audit log
  and mail outbox are compared before and after.
- On the real node (root with LXC, skipped otherwise, saying why): a memory
  limit changed live (the cgroup's limit within 10 s, veinfo inside), an
  address added live (reached over ssh on it; `ip route get` first proves it
  stays on this host), the disk grown and seen in `df /` inside (online
  where the node can resize a mounted volume, else after the restart the
  change itself asks for: the test prints which path it took).
"""
import calendar
import os
import re
import socket
import subprocess
import sys
import time
import unittest
from fractions import Fraction as F

import veplib
from screens_util import Client, api, bearer, order, q, sql, sql1, uniq
import test_real_e2e as e2e

D = 86400


def half_up(x):
    return int(x + F(1, 2)) if x >= 0 else -int(-x + F(1, 2))


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def snapshot(ve):
    """Everything a change writes, for one VE."""
    oid = sql1("SELECT order_id FROM ves WHERE id = %s" % q(ve))
    return {
        "order": sql("SELECT * FROM orders WHERE id = %s" % oid),
        "history": sql("SELECT * FROM order_history WHERE order_id = %s ORDER BY id" % oid),
        "ips": sql("SELECT address, seq, dns_name FROM ip_addresses WHERE ve_id = %s ORDER BY seq" % q(ve)),
        "audit": sql("SELECT COUNT(*) FROM audit_log WHERE object = %s" % q(ve)),
        "mail": sql("SELECT COUNT(*) FROM mail_outbox WHERE ve_id = %s" % q(ve)),
        "ve": sql("SELECT power, power_seq, updated_at FROM ves WHERE id = %s" % q(ve)),
    }


class ChangesBilling(unittest.TestCase):
    """A month cut at two changes, rated and invoiced part by part."""

    PERIOD = (2023, 7)

    @classmethod
    def setUpClass(cls):
        st, a = api("POST", "/api/v1/orders", order(disk_quota_mb=1000))
        assert st == 201, (st, a)
        cls.ve = a["ve_id"]
        # A small plan this VE does not fit (1 address, 500 MB at most).
        st, j = api("POST", "/api/v1/admin/plans", {
            "code": "CHGT", "name": "Change test", "currency": "EUR", "monthly_fee_minor": 100,
            "included": {"disk_gb": 1, "traffic_gb": 0, "traffic_in_gb": 0, "traffic_out_gb": 0,
                         "cpu_hours": 0, "vmem_gb_hours": 0},
            "overage_minor": {"disk_gb_month": 0, "traffic_gb": 0, "traffic_in_gb": 0,
                              "traffic_out_gb": 0, "cpu_hour": 0, "vmem_gb_hour": 0},
            "limits": {"max_disk_quota_mb": 500, "max_ip_count": 1, "login": ["ssh"]}})
        assert st in (200, 201), (st, j)
        sql("UPDATE plans SET active = 1 WHERE code = 'CHGT'")   # an earlier run retired it
        st, plans = api("GET", "/api/v1/admin/plans")
        assert st == 200, plans
        cls.plans = {p["code"]: p for p in plans["plans"]}

    @classmethod
    def tearDownClass(cls):
        # Out of the signup's list again: the cheapest plan is the form's preset, and
        # its 500 MB would refuse the form's preset disk quota in the later suites.
        sql("UPDATE plans SET active = 0 WHERE code = 'CHGT'")

    def test_refused_change_writes_nothing(self):
        before = snapshot(self.ve)
        bad = {"email": "other@example.com", "mem_max_mb": -1, "disk_quota_mb": "big", "plan": "NOPE",
               "bogus": 1, "net_bw_min_kbps": 900, "net_bw_max_kbps": 100, "restart": "yes"}
        st, j = api("PATCH", "/api/v1/ves/%s" % self.ve, bad)
        self.assertEqual(st, 422, j)
        fields = j["error"]["fields"]
        self.assertEqual(set(fields), {"email", "mem_max_mb", "disk_quota_mb", "plan", "bogus",
                                       "net_bw_min_kbps", "restart"}, j)
        # The signup's own wording (lib/domain/order.c).
        self.assertEqual(fields["mem_max_mb"], "Maximum memory cannot be negative.")
        self.assertEqual(fields["email"], "E-mail address cannot be changed after ordering.")
        st, j = api("PATCH", "/api/v1/ves/%s" % self.ve, {"ip_count": 99})
        self.assertEqual(st, 422, j)
        self.assertEqual(j["error"]["fields"]["ip_count"], "IP addresses must be at most 4 on plan Web 1.")
        # A plan the VE's parameters break says why, on the plan.
        st, j = api("PATCH", "/api/v1/ves/%s" % self.ve, {"ip_count": 2})
        self.assertEqual(st, 200, j)
        before = snapshot(self.ve)
        st, j = api("PATCH", "/api/v1/ves/%s" % self.ve, {"plan": "CHGT"})
        self.assertEqual(st, 422, j)
        f = j["error"]["fields"]
        self.assertEqual(set(f), {"plan", "disk_quota_mb", "ip_count"}, j)
        self.assertIn("Plan Change test does not fit this VE", f["plan"])
        self.assertIn("Disk quota 1000 MB", f["plan"])
        self.assertIn("IP addresses 2", f["plan"])
        print("\n  refused plan: %s" % f["plan"], file=sys.stderr)
        for body, status in (("[1, 2]", 400), ('"mem"', 400), ("{}", 422), ("not json", 400)):
            st, j = api("PATCH", "/api/v1/ves/%s" % self.ve, raw=body)
            self.assertEqual(st, status, (body, j))
        # Another owner's password, a wrong one, no credential at all.
        st, _ = api("PATCH", "/api/v1/ves/%s" % self.ve, {"mem_max_mb": 9}, basic=(self.ve, "wrong-password-x"))
        self.assertEqual(st, 401)
        self.assertEqual(snapshot(self.ve), before, "a refused change wrote something")

    def test_owner_changes_and_nothing_changes(self):
        pw = "owner-pass-" + uniq()
        st, a = api("POST", "/api/v1/orders", order(root_password=pw))
        self.assertEqual(st, 201, a)
        ve = a["ve_id"]
        st, j = api("PATCH", "/api/v1/ves/%s" % ve, {"mem_max_mb": 512, "user_info": "hello"}, basic=(ve, pw))
        self.assertEqual(st, 200, j)
        self.assertEqual(j["changed"], ["mem_max_mb", "user_info"])
        self.assertEqual(j["apply"], {"mem_max_mb": "live", "user_info": "live"})
        self.assertEqual(sql1("SELECT mem_max_mb FROM orders o JOIN ves v ON v.order_id = o.id WHERE v.id = %s"
                              % q(ve)), "512")
        self.assertEqual(sql1("SELECT COUNT(*) FROM audit_log WHERE object = %s AND action = 've.change' "
                              "AND actor = %s" % (q(ve), q(ve))), "1")
        veplib.wait_until(lambda: sql1("SELECT COUNT(*) FROM mail_outbox WHERE kind = 'change' AND ve_id = %s"
                                       % q(ve)) == "1", 5, "the change's mail queued")
        before = snapshot(ve)
        st, j = api("PATCH", "/api/v1/ves/%s" % ve, {"mem_max_mb": 512}, basic=(ve, pw))
        self.assertEqual(st, 422, j)
        self.assertEqual(snapshot(ve), before)
        # Another VE's owner cannot change it (404, as for a VE that does not exist).
        st, _ = api("PATCH", "/api/v1/ves/%s" % self.ve, {"mem_max_mb": 9}, basic=(ve, pw))
        self.assertEqual(st, 404)

    def test_vepctl_change(self):
        import admin_util
        st, a = api("POST", "/api/v1/orders", order(mem_max_mb=256))
        self.assertEqual(st, 201, a)
        ve = a["ve_id"]
        before = snapshot(ve)
        r = admin_util.vepctl("ve", "change", ve.lower(), '{"mem_max_mb":-1,"template":"x"}', check=False)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("mem_max_mb: Maximum memory cannot be negative.", r.stderr)
        self.assertIn("template: Operating system cannot be changed after ordering.", r.stderr)
        self.assertEqual(snapshot(ve), before)
        self.assertEqual(admin_util.vepctl("ve", "change", ve, "[1]", check=False).returncode, 2)
        r = admin_util.vepctl("ve", "change", ve, '{"mem_max_mb":384,"backup_hours":12}')
        self.assertIn("%s changed: mem_max_mb, backup_hours" % ve, r.stdout)
        self.assertEqual(sql1("SELECT CONCAT(o.mem_max_mb, ' ', o.backup_hours) FROM orders o JOIN ves v "
                              "ON v.order_id = o.id WHERE v.id = %s" % q(ve)), "384 12")
        self.assertEqual(sql1("SELECT actor FROM audit_log WHERE object = %s AND action = 've.change'" % q(ve)),
                         "vepctl")

    def form_fields(self, html):
        """The change form's inputs as a browser would post them back (current values)."""
        pairs = re.findall(r'<input id="f-(\w+)" name="\w+" type="text" value="([^"]*)"', html)
        pairs += re.findall(r'<textarea id="f-(\w+)" name="\w+" rows="3">([^<]*)</textarea>', html)
        for name, body in re.findall(r'<select id="f-(\w+)" name="\w+">(.*?)</select>', html, re.S):
            pairs.append((name, re.search(r'<option value="([^"]*)" selected', body).group(1)))
        pairs += [("login", v) for v in re.findall(r'name="login" value="(\w+)" checked', html)]
        return [(k, v.replace("&amp;", "&")) for k, v in pairs]

    def test_self_and_admin_forms(self):
        import admin_util
        pw = "form-pass-" + uniq()
        st, a = api("POST", "/api/v1/orders", order(root_password=pw, mem_max_mb=256))
        self.assertEqual(st, 201, a)
        ve = a["ve_id"]
        c = veplib.Client(admin_util.source_address())
        self.assertEqual(c.self_login(ve, pw).status, 303)
        # No session: the form is refused; a POST without the CSRF token too.
        self.assertEqual(veplib.Client(admin_util.source_address()).get("/self/change").status, 403)
        r = c.get("/self/change")
        self.assertEqual(r.status, 200)
        csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', r.text).group(1)
        fields = dict(self.form_fields(r.text))
        self.assertEqual((fields["mem_max_mb"], fields["plan"], fields["always_on"]), ("256", "WEB1", "true"))
        before = snapshot(ve)
        r = c.post_form("/self/change", [(k, v) for k, v in self.form_fields(r.text)
                                         if k != "mem_max_mb"] + [("mem_max_mb", "600")])
        self.assertEqual(r.status, 403)
        # Bad values: 400, the form again with each message, nothing written.
        pairs = [(k, v) for k, v in self.form_fields(c.get("/self/change").text)
                 if k not in ("mem_max_mb", "disk_quota_mb")]
        r = c.post_form("/self/change", pairs + [("csrf", csrf), ("mem_max_mb", "-3"), ("disk_quota_mb", "x")])
        self.assertEqual(r.status, 400)
        self.assertIn('id="e-mem_max_mb">Maximum memory cannot be negative.', r.text)
        self.assertIn('id="e-disk_quota_mb">Disk quota must be a whole number', r.text)
        self.assertEqual(snapshot(ve), before)
        # Good values: done, each part with how it applies.
        r = c.post_form("/self/change", pairs + [("csrf", csrf), ("mem_max_mb", "600"), ("disk_quota_mb", "1500")])
        self.assertEqual(r.status, 200, r.text[:500])
        self.assertIn('id="change-done"', r.text)
        self.assertIn("Maximum memory</strong>: 600 MB — applied at once", r.text)
        self.assertEqual(sql1("SELECT o.mem_max_mb FROM orders o JOIN ves v ON v.order_id = o.id "
                              "WHERE v.id = %s" % q(ve)), "600")
        self.assertIn("/self/change", c.get("/self").text)
        # The operator's page: the same form, audited as the operator.
        name, password = admin_util.make_operator("chg")
        adm = admin_util.Client()
        adm.login(name, password)
        r = adm.get("/admin/ves/%s" % ve)
        self.assertIn('href="/admin/ves/%s/change"' % ve, r.text)
        r = adm.get("/admin/ves/%s/change" % ve)
        self.assertEqual(r.status, 200)
        pairs = [(k, v) for k, v in self.form_fields(r.text) if k != "ip_count"]
        r = adm.post("/admin/ves/%s/change" % ve, pairs + [("csrf", adm.csrf()), ("ip_count", "2")])
        self.assertEqual(r.status, 200, r.text[:500])
        self.assertIn("IP addresses</strong>: 2 — applied at once", r.text)
        self.assertEqual(sql1("SELECT actor FROM audit_log WHERE object = %s AND action = 've.change' "
                              "ORDER BY id DESC LIMIT 1" % q(ve)), "admin:" + name)
        self.assertEqual(len(api("GET", "/api/v1/ves/%s" % ve)[1]["ips"]), 2)

    def hand_lines(self, y, m, created, parts):
        """The lines SPEC section 8 gives for fee and disk, part by part, with exact fractions."""
        mfrom = calendar.timegm((y, m, 1, 0, 0, 0))
        ms = calendar.monthrange(y, m)[1] * D
        out = []
        for i, (a, code, quota_mb) in enumerate(parts):
            a = max(a, mfrom)
            b = parts[i + 1][0] if i + 1 < len(parts) else mfrom + ms
            p = self.plans[code]
            act = max(0, b - max(a, created))
            fq = half_up(F(act * 10**6, ms))
            out.append(("fee", "fee", fq, p["monthly_fee_minor"], half_up(F(fq * p["monthly_fee_minor"], 10**6)), a, b))
            quota, inc = quota_mb * 10**6, p["included"]["disk_gb"] * 10**9
            within = min(quota, inc)
            if inc > 0:
                out.append(("usage", "disk", half_up(F(within * act, 1000 * ms)), 0, 0, a, b))
            oq = half_up(F((quota - within) * act, 1000 * ms))
            if oq > 0:
                price = p["overage_minor"]["disk_gb_month"]
                out.append(("overage", "disk", oq, price, half_up(F(oq * price, 10**6)), a, b))
        return out

    def test_month_cut_at_each_change(self):
        y, m = self.PERIOD
        st, a = api("POST", "/api/v1/orders", order(disk_quota_mb=1000))
        self.assertEqual(st, 201, a)
        ve = a["ve_id"]
        oid = sql1("SELECT order_id FROM ves WHERE id = %s" % q(ve))
        mfrom = calendar.timegm((y, m, 1, 0, 0, 0))
        t0, t1, t2 = mfrom + 2 * D, mfrom + 9 * D + 3601, mfrom + 19 * D + 7
        # Backdated into a closed month: created on the 3rd; the changes are made, then dated.
        sql("UPDATE ves SET created_at = %d WHERE id = %s" % (t0, q(ve)))
        sql("UPDATE ve_state_log SET at = %d WHERE ve_id = %s" % (t0, q(ve)))
        sql("UPDATE order_history SET valid_from = %d WHERE order_id = %s" % (t0, oid))
        st, j = api("PATCH", "/api/v1/ves/%s" % ve, {"disk_quota_mb": 20000})
        self.assertEqual((st, j["changed"]), (200, ["disk_quota_mb"]), j)
        sql("UPDATE order_history SET valid_from = %d WHERE order_id = %s AND valid_from > %d" % (t1, oid, t0))
        st, j = api("PATCH", "/api/v1/ves/%s" % ve, {"plan": "PRO4"})
        self.assertEqual((st, j["changed"]), (200, ["plan"]), j)
        sql("UPDATE order_history SET valid_from = %d WHERE order_id = %s AND valid_from > %d" % (t2, oid, t1))

        st, ch = api("GET", "/api/v1/ves/%s/charges?period=%04d-%02d" % (ve, y, m))
        self.assertEqual(st, 200, ch)
        want = self.hand_lines(y, m, t0, [(t0, "WEB1", 1000), (t1, "WEB1", 20000), (t2, "PRO4", 20000)])
        got = [(l["kind"], l["resource"], round(float(l["quantity"]) * 10**6), l["unit_price_minor"],
                l["amount_minor"], l["from"], l["to"]) for l in ch["lines"] if l["resource"] in ("fee", "disk")]
        self.assertEqual(got, [(k, r, qty, p, amt, iso(a), iso(b)) for k, r, qty, p, amt, a, b in want])
        # The metered resources have nothing used that month: usage lines at 0.
        self.assertTrue(all(l["amount_minor"] == 0 for l in ch["lines"] if l["resource"] not in ("fee", "disk")))
        self.assertEqual(ch["subtotal_minor"], sum(w[4] for w in want))
        self.assertEqual([(p["plan"], p["disk_quota_mb"], p["from"], p["to"]) for p in ch["parts"]],
                         [("WEB1", 1000, iso(t0), iso(t1)), ("WEB1", 20000, iso(t1), iso(t2)),
                          ("PRO4", 20000, iso(t2), iso(calendar.timegm((y, m + 1, 1, 0, 0, 0))))])
        print("\n  %s %04d-%02d: %d parts, fee %s, disk overage %s minor; subtotal %d = hand computation" %
              (ve, y, m, len(ch["parts"]), [w[4] for w in want if w[0] == "fee"],
               [w[4] for w in want if w[0] == "overage"], ch["subtotal_minor"]), file=sys.stderr)

        # The invoice agrees, line by line.
        st, run = api("POST", "/api/v1/admin/invoice-runs", {"period": "%04d-%02d" % (y, m)})
        self.assertIn(st, (200, 201), run)
        st, inv = api("GET", "/api/v1/ves/%s/invoices" % ve)
        self.assertEqual(st, 200, inv)
        mine = [i for i in inv["invoices"] if i["period"] == "%04d-%02d" % (y, m)]
        self.assertEqual(len(mine), 1, inv)
        st, doc = api("GET", "/api/v1/invoices/%s" % mine[0]["number"])
        self.assertEqual(st, 200, doc)
        key = lambda l: (l["kind"], l["resource"], l["quantity"], l["amount_minor"], l["from"], l["to"])  # noqa: E731
        self.assertEqual([key(l) for l in doc["lines"] if l["ve_id"] == ve], [key(l) for l in ch["lines"]])
        self.assertEqual(doc["subtotal_minor"], ch["subtotal_minor"])
        self.check_part_dates(mine[0]["number"], [(t0, t1), (t1, t2), (t2, calendar.timegm((y, m + 1, 1, 0, 0, 0)))])

    def check_part_dates(self, number, parts):
        """The PDF and the operator's print page name each part's dates, as /self does."""
        spans = ["%s to %s UTC" % (time.strftime("%Y-%m-%d %H:%M", time.gmtime(a)),
                                   time.strftime("%Y-%m-%d %H:%M", time.gmtime(b))) for a, b in parts]
        r = Client().request("GET", "/api/v1/invoices/%s.pdf" % number, headers=bearer(), cookies=False)
        self.assertEqual(r.status, 200, r.text[:200])
        words = "".join(subprocess.run(["pdftotext", "-", "-"], input=r.body, capture_output=True,
                                       check=True).stdout.decode().split())
        import admin_util
        name, pw = admin_util.make_operator("chgpdf")
        try:
            c = admin_util.Client()
            c.login(name, pw)
            page = c.request("GET", "/admin/invoices/%s/print" % number)
            self.assertEqual(page.status, 200, page.text[:200])
        finally:
            admin_util.drop_operator(name)
        for s in spans:
            self.assertIn("".join(s.split()), words, "the PDF names the part " + s)
            self.assertIn("(%s)" % s, page.text, "the print page names the part " + s)


@unittest.skipIf(e2e.skip_reason(), e2e.skip_reason() or "")
class ChangesReal(e2e.RealEndToEnd):
    """One real VE on real1, changed while it runs."""

    test_real_ve_through_the_panel = None   # the e2e walk is not repeated here

    def cgroup_mem_limit(self):
        for p in ("/sys/fs/cgroup/vepanel/%s/memory.max" % self.ve,
                  "/sys/fs/cgroup/memory/vepanel/%s/memory.limit_in_bytes" % self.ve):
            if os.path.exists(p):
                with open(p) as f:
                    return int(f.read().strip())
        return None

    def df_size(self):
        rc, out, _ = self.run_in("df -B1 --output=size / | tail -1")
        return int(out.strip())

    def test_changes_on_the_node(self):
        e2e.wait_for(self.ssh_ok, 60, 0.3, what="ssh into the new VE")
        # Memory, live: the cgroup's limit within 10 s (page-rounded), veinfo inside.
        st, j = api("PATCH", "/api/v1/ves/%s" % self.ve, {"mem_max_mb": 300})
        self.assertEqual((st, j["apply"]), (200, {"mem_max_mb": "live"}), j)
        t = time.monotonic()
        e2e.wait_for(lambda: (lambda v: v is not None and 300 * 10**6 - 4096 < v <= 300 * 10**6)(
            self.cgroup_mem_limit()), 10, what="the cgroup's memory limit at 300 MB")
        print("\n  mem_max_mb 256 -> 300: cgroup limit %d after %.1f s, no restart" %
              (self.cgroup_mem_limit(), time.monotonic() - t), file=sys.stderr)
        rc, out, _ = self.run_in("veinfo -c 'Virtual memory quota'")
        self.assertEqual(out.split(), ["300"])

        # An address added, live: local first, then reached on it.
        pid = self.init_pid()
        st, j = api("PATCH", "/api/v1/ves/%s" % self.ve, {"ip_count": 2})
        self.assertEqual((st, j["apply"]), (200, {"ip_count": "live"}), j)
        st, info = api("GET", "/api/v1/ves/%s" % self.ve)
        new = info["ips"][1]["address"]
        first = self.addr
        self.addr = new     # assert_local() and ssh() now look at the new address
        try:
            t = time.monotonic()
            e2e.wait_for(lambda: subprocess.run(["ip", "route", "get", new], capture_output=True,
                                                text=True).stdout.find("dev vep" + self.ve) >= 0, 10,
                         what="a route of %s to the VE's veth" % new)
            self.assert_local()
            e2e.wait_for(self.reachable, 10, 0.3, what="port 22 on the added address %s" % new)
            print("  ip_count 1 -> 2: %s reached after %.1f s, same init %s" %
                  (new, time.monotonic() - t, pid), file=sys.stderr)
            rc, out, _ = self.run_in("ip -4 -o addr show dev eth0")
            self.assertIn(new + "/", out)
            self.assertIn(first + "/", out)
        finally:
            self.addr = first
        self.assertEqual(self.init_pid(), pid, "the VE restarted for an address")

        # The disk, grown: online where the node can, else at the restart the change asks for.
        before = self.df_size()
        st, j = api("PATCH", "/api/v1/ves/%s" % self.ve, {"disk_quota_mb": 600})
        self.assertEqual((st, j["apply"]), (200, {"disk_quota_mb": "online"}), j)
        grown = lambda: self.df_size() > before + 150 * 10**6  # noqa: E731
        try:
            e2e.wait_for(grown, 10, 1, what="df / grown online")
            path = "online"
        except AssertionError:
            path = "at the restart"
            self.assertEqual(self.init_pid(), pid, "nothing restarted on its own")
            st, j = api("PATCH", "/api/v1/ves/%s" % self.ve, {"user_info": "grow now", "restart": True})
            self.assertEqual((st, j["restart"]), (200, True), j)
            e2e.wait_for(lambda: self.init_pid() not in (None, pid), 30, what="the VE restarted")
            e2e.wait_for(self.ssh_ok, 30, 0.3, what="ssh after the restart")
        size = self.df_size()
        print("  disk_quota_mb 400 -> 600: df / %d -> %d bytes (%.1f %% of 600 MB), grown %s" %
              (before, size, 100.0 * size / (600 * 10**6), path), file=sys.stderr)
        self.assertLessEqual(size, 600 * 10**6)
        self.assertGreaterEqual(size, (1 - e2e.DF_TOLERANCE) * 600 * 10**6)
        # The addresses and the memory limit are still as changed.
        rc, out, _ = self.run_in("ip -4 -o addr show dev eth0 | wc -l; veinfo -c 'Virtual memory quota'")
        self.assertEqual(out.split(), ["2", "300"])

        # A refused change on the running VE writes nothing and touches nothing on the node.
        before = snapshot(self.ve)
        st, j = api("PATCH", "/api/v1/ves/%s" % self.ve, {"disk_quota_mb": 1, "mem_max_mb": -5})
        self.assertEqual(st, 422, j)
        self.assertEqual(set(j["error"]["fields"]), {"disk_quota_mb", "mem_max_mb"})
        self.assertIn("uses", j["error"]["fields"]["disk_quota_mb"])
        self.assertEqual(snapshot(self.ve), before)


if __name__ == "__main__":
    unittest.main()
