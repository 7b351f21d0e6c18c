"""Billing on the self-maintenance screen (SPEC sections 4, 5 and 8) against
the running instance: the charges table shows what GET
/api/v1/ves/{id}/charges answers, each metered line's drill-down adds up to
the line (days) and each day to its hours, the VE's invoices are listed and
print as a page with the ISP's details, another account's invoice is 404,
and a traffic cap recorded in ve_caps is announced on the dashboard.

Two VEs are ordered through POST /api/v1/orders and then moved back to
2020-01 (created_at and their first state-log row), so that an invoice run
for that closed month (POST /api/v1/admin/invoice-runs) invoices exactly
them: no other VE existed then.  Usage rows are written for 2020-01 and for
the current month.  billingd may add a row for today to a VE an agent
reports, so page and API are compared on answers fetched back to back, and
exact raw amounts only on the days written here before today.  Invoices
are immutable: they stay (their accounts are new each run); VEs are
released, usage, caps and totals rows removed.
"""
import calendar
import html
import os
import re
import time
import unittest
from decimal import Decimal

from veplib import set_up_class, wait_until
from screens_util import Client, basic, bearer, create_ve, q, release, sql, sql1

D = 86400
G = 10**9
OLD = (2020, 1)
RAW_PER_MICRO = {"cpu": 3600, "vmem": 3600000, "traffic": 1000, "traffic_in": 1000,
                 "traffic_out": 1000}


def ts(y, mo, d=1, h=0):
    return calendar.timegm((y, mo, d, h, 0, 0))


def money(minor, exp=2):
    """minor units as lib/domain/money.h writes them: 123456 -> "1234.56", -5 -> "-0.05"."""
    sign = "-" if minor < 0 else ""
    m = abs(minor)
    if exp == 0:
        return f"{sign}{m}"
    return f"{sign}{m // 10**exp}.{m % 10**exp:0{exp}d}"


def half_up_div(a, b):
    return (a * 2 + b) // (2 * b)


def fixed6(micro):
    return "%d.%06d" % (micro // 10**6, micro % 10**6)


def cells(row):
    """The text of a table row's cells, tags dropped, entities decoded."""
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


def charge_rows(page, table_id):
    t = re.search(r'<table[^>]*id="%s".*?</table>' % table_id, page, re.S).group(0)
    out = []
    for m in re.finditer(r'<tr class="cline" data-kind="([a-z]+)" data-resource="([a-z_]+)">(.*?)</tr>',
                         t, re.S):
        out.append((m.group(1), m.group(2), cells(m.group(3))))
    return out


def raw_value(text):
    """"12,345.678901 CPU-seconds" -> 12345678901 (us); "1,234 bytes" -> 1234."""
    num = text.split(" ")[0].replace(",", "")
    if "." in num:
        a, b = num.split(".")
        return int(a) * 10**6 + int(b)
    return int(num)


def gb3(b):
    """Bytes as the dashboard writes them (three significant digits) for 10^9..10^12."""
    v = b / 1e9
    return ("%.0f GB" if v >= 100 else "%.1f GB" if v >= 10 else "%.2f GB") % v


def isp_name():
    """[isp] name from the running instance's configuration ("" when unknown)."""
    sec = ""
    try:
        with open(os.environ.get("VEP_CONF", ""), encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line.startswith("["):
                    sec = line.strip("[]").strip()
                elif sec == "isp" and "=" in line and line.split("=", 1)[0].strip() == "name":
                    return line.split("=", 1)[1].strip()
    except OSError:
        return ""
    return "Example ISP"


def login(c, ve, pw):
    r = c.self_login(ve, pw)
    assert r.status == 303, (r.status, r.text[:300])


class SelfBilling(unittest.TestCase):
    made = []

    @classmethod
    def setUpClass(cls):
        set_up_class(cls)

    @classmethod
    def setup(cls):
        now = int(time.time())
        cls.now = now
        t = time.gmtime(now)
        cls.period = "%04d-%02d" % (t.tm_year, t.tm_mon)
        cls.mfrom = ts(t.tm_year, t.tm_mon)
        cls.today = now - now % D
        cls.a, cls.apw, _ = create_ve(net_quota_min_mb=5000, net_quota_max_mb=900000,
                                      net_in_quota_min_mb=2000, net_in_quota_max_mb=800000)
        cls.made.append(cls.a)
        cls.b, cls.bpw, _ = create_ve()
        cls.made.append(cls.b)
        cls.c, cls.cpw, _ = create_ve()
        cls.made.append(cls.c)
        old = ts(*OLD, 10)
        for ve in (cls.a, cls.b):
            created = sql1(f"SELECT created_at FROM ves WHERE id = {q(ve)}")
            sql(f"UPDATE ves SET created_at = {old} WHERE id = {q(ve)}; "
                f"UPDATE ve_state_log SET at = {old} WHERE ve_id = {q(ve)} AND at = {created}")
        # 2020-01: one day with its hours, for the invoice run.
        cls.put_day(cls.a, ts(*OLD, 12), [(3, 2 * 3600 * 10**6, 0, 60 * G, 20 * G)])
        cls.put_day(cls.b, ts(*OLD, 12), [(3, 3600 * 10**6, 0, 5 * G, 5 * G)])
        # This month: up to three days before today (today itself on the 1st).
        ndays = (cls.today - cls.mfrom) // D
        cls.days = [cls.mfrom + k * D for k in range(min(3, ndays))] or [cls.today]
        cls.hours = {}
        for k, d in enumerate(cls.days):
            hrs = [(1, 40 * 3600 * 10**6 + 123457, 0, 70 * G + 1, 30 * G + 2 * k),
                   (5, 30 * 3600 * 10**6 + 999, 0, 40 * G + 333, 10 * G),
                   (13, 50 * 3600 * 10**6, 0, 11 * G + 7, 9 * G + 5)]
            cls.put_day(cls.a, d, hrs)
            cls.hours[d] = hrs
        tin = sum(h[3] for hrs in cls.hours.values() for h in hrs)
        tout = sum(h[4] for hrs in cls.hours.values() for h in hrs)
        sql(f"INSERT INTO ve_totals (ve_id, cpu_user_us, cpu_sys_us, net_in_bytes, net_out_bytes, "
            f"vmem_last_bytes, disk_last_bytes, last_t) VALUES ({q(cls.a)}, 1000000, 0, {tin}, {tout}, "
            f"200000000, 300000000, {now - 30}) ON DUPLICATE KEY UPDATE net_in_bytes = {tin}, "
            f"net_out_bytes = {tout}, last_t = {now - 30}")
        # The invoice run for 2020-01 through the billing engine.
        r = Client().post_json("/api/v1/admin/invoice-runs", {"period": "%04d-%02d" % OLD},
                               headers=bearer())
        assert r.status in (200, 201), (r.status, r.text)
        cls.inv = {}
        for ve, pw in ((cls.a, cls.apw), (cls.b, cls.bpw)):
            r = Client().get(f"/api/v1/ves/{ve}/invoices", headers=basic(ve, pw))
            assert r.status == 200, (r.status, r.text)
            invs = r.json()["invoices"]
            assert len(invs) == 1, invs
            cls.inv[ve] = invs[0]["number"]
        # A partial payment on A's invoice.
        r = Client().post_json("/api/v1/admin/payments",
                               {"invoice": cls.inv[cls.a], "amount_minor": 100,
                                "date": time.strftime("%Y-%m-%d", time.gmtime(now)),
                                "reference": "self-billing test <&>"}, headers=bearer())
        assert r.status == 201, (r.status, r.text)

    @classmethod
    def put_day(cls, ve, day, hours):
        """usage_hour rows (hour, cpu_us, vmem, in, out) and their day row, the exact sum."""
        for (h, cpu, vm, i, o) in hours:
            sql(f"INSERT INTO usage_hour (ve_id, t, cpu_user_us, cpu_sys_us, net_in_bytes, net_out_bytes, "
                f"vmem_sum_bytes, samples, last_t) VALUES ({q(ve)}, {day + h * 3600}, {cpu - cpu // 4}, "
                f"{cpu // 4}, {i}, {o}, {vm}, 3600, {day + h * 3600 + 3599})")
        sql(f"INSERT INTO usage_day (ve_id, t, cpu_user_us, cpu_sys_us, net_in_bytes, net_out_bytes, "
            f"vmem_sum_bytes, samples, last_t) VALUES ({q(ve)}, {day}, "
            f"{sum(h[1] - h[1] // 4 for h in hours)}, {sum(h[1] // 4 for h in hours)}, "
            f"{sum(h[3] for h in hours)}, {sum(h[4] for h in hours)}, {sum(h[2] for h in hours)}, "
            f"{3600 * len(hours)}, {day + 86399})")

    @classmethod
    def tearDownClass(cls):
        ids = ",".join(q(v) for v in cls.made)
        if ids:
            sql(f"DELETE FROM usage_hour WHERE ve_id IN ({ids}); DELETE FROM usage_day WHERE ve_id IN ({ids}); "
                f"DELETE FROM ve_totals WHERE ve_id IN ({ids}); DELETE FROM ve_caps WHERE ve_id IN ({ids})")
        release(cls.made)

    def charges_api(self):
        r = Client().get(f"/api/v1/ves/{self.a}/charges?period={self.period}", headers=basic(self.a, self.apw))
        self.assertEqual(r.status, 200, r.text)
        return r.json()

    def dashboard_and_api(self, c):
        """The dashboard and an API answer that did not change around it (billingd may write)."""
        def steady():
            before = self.charges_api()
            page = c.get("/self")
            after = self.charges_api()
            return (page, after) if before == after else None
        return wait_until(steady, 5, "charges that do not change around one dashboard")

    def test_charges_table_is_the_api(self):
        c = Client()
        login(c, self.a, self.apw)
        page, j = self.dashboard_and_api(c)
        self.assertEqual(page.status, 200)
        self.assertNotIn("Billing is not available", page.text)
        rows = charge_rows(page.text, "charges-table")
        self.assertEqual(len(rows), len(j["lines"]))
        self.assertEqual(j["lines"][0]["kind"], "fee")
        for (kind, res, cs), line in zip(rows, j["lines"]):
            self.assertEqual((kind, res), (line["kind"], line["resource"]))
            self.assertEqual(cs[1], f'{line["quantity"]} {line["unit"]}')
            self.assertEqual(cs[2], money(line["unit_price_minor"]))
            self.assertEqual(cs[3], money(line["amount_minor"]))
        kinds = {(l["kind"], l["resource"]) for l in j["lines"]}
        self.assertIn(("overage", "traffic"), kinds)       # 400+ GB against 100 included
        self.assertIn(("overage", "cpu"), kinds)
        t = page.text
        self.assertIn(f'id="charges-subtotal">{money(j["subtotal_minor"])}<', t)
        self.assertIn(f'id="charges-tax">{money(j["tax_minor"])}<', t)
        self.assertIn(f'id="charges-total">{money(j["total_minor"])} EUR<', t)
        self.assertGreater(j["total_minor"], 0)
        # Metered lines link to their drill-down; fee and disk do not.
        self.assertIn(f'href="/self/charges?period={self.period}&amp;resource=traffic"', t)
        self.assertIn(f'href="/self/charges?period={self.period}&amp;resource=cpu"', t)
        self.assertNotIn("resource=fee", t)
        self.assertNotIn("resource=disk", t)
        # This month's traffic next to the cap and the reserved minimum.
        tin = sum(h[3] for hrs in self.hours.values() for h in hrs)
        tout = sum(h[4] for hrs in self.hours.values() for h in hrs)
        for label, used, quota in (("Traffic in + out", tin + tout, "cap 900 GB, reserved 5.00 GB"),
                                   ("Traffic in", tin, "cap 800 GB, reserved 2.00 GB")):
            m = re.search(r'<th scope="row">%s</th>(.*?)</tr>' % re.escape(label), t, re.S)
            self.assertIsNotNone(m, label)
            cs = cells("<th>x</th>" + m.group(1))
            self.assertEqual(cs[2], quota)
            self.assertIn("this month", cs[1])
            if self.today not in self.hours:            # billingd writes only today's rows
                self.assertTrue(cs[1].startswith(gb3(used) + "this month"), (cs[1], used))

    def drill(self, c, res, day=None):
        path = f"/self/charges?period={self.period}&resource={res}" + (f"&day={day}" if day else "")
        r = c.get(path)
        self.assertEqual(r.status, 200, (path, r.text[:500]))
        self.assertIn("no-store", r.header("Cache-Control"))
        return r.text

    def test_drill_down_sums_to_the_line(self):
        c = Client()
        login(c, self.a, self.apw)
        for res in ("traffic", "cpu"):
            t = self.drill(c, res)
            lines = charge_rows(t, "lines-table")
            self.assertTrue(lines)
            self.assertTrue(all(r == res for _, r, _ in lines))
            qty = sum(Decimal(cs[1].split(" ")[0]) for _, _, cs in lines)
            days = re.findall(r'<tr class="day[^"]*" data-day="([0-9-]+)">(.*?)</tr>', t, re.S)
            self.assertTrue(days)
            raws = {d: raw_value(cells(row)[1]) for d, row in days}
            total = raw_value(re.search(r'data-total="raw">([^<]+)<', t).group(1))
            tqty = re.search(r'data-total="qty">([0-9.]+) ', t).group(1)
            self.assertEqual(sum(raws.values()), total, res)
            self.assertEqual(Decimal(tqty), qty, res)       # usage + overage = measured
            self.assertEqual(tqty, fixed6(half_up_div(total, RAW_PER_MICRO[res])))
            # The days written here, exactly (today's may also hold billingd's rows).
            for d, hrs in self.hours.items():
                iso = time.strftime("%Y-%m-%d", time.gmtime(d))
                if d == self.today:
                    continue
                want = sum(h[3] + h[4] for h in hrs) if res == "traffic" else sum(h[1] for h in hrs)
                self.assertEqual(raws[iso], want, (res, iso))
            # The hours of a day add up to it.
            d0 = self.days[0]
            iso = time.strftime("%Y-%m-%d", time.gmtime(d0))
            self.assertIn(f'&amp;day={iso}#hours"', t)
            h = self.drill(c, res, iso)
            sec = re.search(r'<section[^>]*id="hours">(.*?)</section>', h, re.S).group(1)
            hours = [raw_value(cells(r)[1]) for r in re.findall(r'<tr class="hour">(.*?)</tr>', sec, re.S)]
            self.assertEqual(sum(hours), raw_value(re.search(r'data-total="raw">([^<]+)<', sec).group(1)))
            self.assertEqual(sum(hours), raws[iso])
            if d0 != self.today:
                self.assertEqual(len(hours), 3)
                if res == "traffic":
                    self.assertEqual(hours[0], self.hours[d0][0][3] + self.hours[d0][0][4])
        # Bad requests.
        for path, status in ((f"/self/charges?period={self.period}&resource=fee", 400),
                             (f"/self/charges?period={self.period}&resource=disk", 400),
                             (f"/self/charges?period=2026-13&resource=cpu", 400),
                             (f"/self/charges?resource=cpu", 400),
                             (f"/self/charges?period={self.period}&resource=vmem", 404),   # not rated in WEB1
                             (f"/self/charges?period=2999-01&resource=cpu", 404),
                             (f"/self/charges?period={self.period}&resource=cpu&day=1999-01-01", 404),
                             (f"/self/charges?period={self.period}&resource=cpu&day=tomorrow", 400)):
            self.assertEqual(c.get(path).status, status, path)
        self.assertEqual(Client().get(f"/self/charges?period={self.period}&resource=cpu").status, 403)

    def test_invoices_listed_and_printed(self):
        c = Client()
        login(c, self.a, self.apw)
        t = c.get("/self").text
        number = self.inv[self.a]
        r = Client().get(f"/api/v1/invoices/{number}", headers=basic(self.a, self.apw))
        self.assertEqual(r.status, 200)
        inv = r.json()
        row = re.search(r'<tr class="inv" data-number="%s">(.*?)</tr>' % number, t, re.S)
        self.assertIsNotNone(row, "the invoice is listed")
        cs = cells(row.group(1))
        self.assertEqual(cs[0], number)
        self.assertEqual(cs[1], "2020-01")
        self.assertEqual(cs[4], money(inv["total_minor"]) + " EUR")
        self.assertEqual(cs[5], money(100))
        self.assertEqual(cs[6], money(inv["balance_minor"]))
        self.assertEqual(inv["balance_minor"], inv["total_minor"] - 100)
        self.assertEqual(cs[7], inv["status"])
        self.assertIn(inv["status"], ("open", "overdue"))
        self.assertIn(f'href="/self/invoices/{number}"', t)
        self.assertNotIn(self.inv[self.b], t)
        # The print page.
        r = c.get(f"/self/invoices/{number}")
        self.assertEqual(r.status, 200)
        self.assertIn("no-store", r.header("Cache-Control"))
        p = r.text
        self.assertIn('href="/static/css/self.css"', p)
        self.assertNotIn("<script", p)
        self.assertNotIn("style=", p)
        self.assertNotIn("<style", p)
        self.assertIn(f'id="invoice-number">{number}<', p)
        email = sql1(f"SELECT a.email FROM accounts a JOIN ves v ON v.account_id = a.id WHERE v.id = {q(self.a)}")
        self.assertIn(f'id="invoice-email">{email}<', p)
        name = isp_name()
        self.assertIn(f'class="isp-name">{html.escape(name, quote=True)}<' if name else 'class="isp-name">', p)
        lines = re.findall(r'<tr class="iline"[^>]*>(.*?)</tr>', p, re.S)
        self.assertEqual(len(lines), len(inv["lines"]))
        for row, line in zip(lines, inv["lines"]):
            cs = cells(row)
            self.assertEqual(cs[0], line["ve_id"])
            self.assertEqual(cs[2], f'{line["quantity"]} {line["unit"]}')
            self.assertEqual(cs[4], money(line["amount_minor"]))
        for k in ("subtotal", "tax", "total", "paid", "balance", "credited"):
            self.assertIn(f'id="invoice-{k}">{money(inv[k + "_minor"])}<', p)
        self.assertIn("self-billing test &lt;&amp;&gt;", p)       # the payment, escaped
        # Only the owner's own account's invoices.
        for n in (self.inv[self.b], "INV-1999-000001", "inv-%3Cx%3E", "X" * 30):
            self.assertEqual(c.get(f"/self/invoices/{n}").status, 404, n)
        other = Client()
        login(other, self.b, self.bpw)
        self.assertEqual(other.get(f"/self/invoices/{number}").status, 404)
        self.assertEqual(other.get(f"/self/invoices/{self.inv[self.b]}").status, 200)
        self.assertEqual(Client().get(f"/self/invoices/{number}").status, 403)   # no session
        # A VE with no invoice says so.
        other = Client()
        login(other, self.c, self.cpw)
        self.assertIn('id="no-invoices"', other.get("/self").text)

    def test_cap_notice(self):
        c = Client()
        login(c, self.c, self.cpw)
        self.assertNotIn('id="cap-notice"', c.get("/self").text)
        at = self.now - 3600
        sql(f"INSERT INTO ve_caps (ve_id, period, resource, reached_at, used_bytes, cap_bytes, action, "
            f"throttle_kbps) VALUES ({q(self.c)}, {q(self.period)}, 'traffic_out', {at}, 50000000123, "
            f"50000000000, 'throttle', 2000)")
        t = c.get("/self").text
        m = re.search(r'<div class="alert alert-warn cap-notice"[^>]*id="cap-notice">(.*?)</div>', t, re.S)
        self.assertIsNotNone(m, "the throttle notice is shown")
        text = html.unescape(re.sub(r"<[^>]+>", "", m.group(1)))
        self.assertIn("limited to 2 Mbit/s", text)
        self.assertIn("Traffic out reached its cap of 50.0 GB", text)
        self.assertIn(time.strftime("%d %b %Y, %H:%M UTC", time.gmtime(at)), text)
        self.assertLess(t.index('id="cap-notice"'), t.index('id="h-net"'))   # at the top
        sql(f"INSERT INTO ve_caps (ve_id, period, resource, reached_at, used_bytes, cap_bytes, action, "
            f"throttle_kbps) VALUES ({q(self.b)}, {q(self.period)}, 'traffic', {at}, 7 * 1000000000, "
            f"7 * 1000000000, 'suspend', 0)")
        other = Client()
        login(other, self.b, self.bpw)
        t = other.get("/self").text
        self.assertIn("Traffic cap reached: your VE is suspended until the end of the month.", t)
        self.assertIn("Traffic in + out reached its cap of 7.00 GB", t)
        # A cap of another month is not this month's notice.
        sql(f"UPDATE ve_caps SET period = '2020-01' WHERE ve_id = {q(self.b)}")
        self.assertNotIn('id="cap-notice"', other.get("/self").text)


if __name__ == "__main__":
    unittest.main()
