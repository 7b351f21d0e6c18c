"""The screen defects of issue 18, through nginx as a browser sees them:

- the /self login's VEid input has a type (text, pattern, autocomplete), and a
  failed login puts the cursor (autofocus) in the field to fix, with links to
  the fields in its message;
- a failed password change focuses the first wrong field (so the answer
  opens at the form: the browser scrolls to it), says so at the top of the
  page and of the form with a link to each wrong field;
- while a traffic cap throttles the VE, the Bandwidth card says "throttled to
  N" instead of the order's "not set"; a suspending cap or none does not;
- CPU has one unit per kind of figure and the page says how they relate;
- every usage chart shows traffic in bit/s (the minute, hour and day charts
  agree) and draws the bucket still filling apart (a hollow dot), never as
  a whole one.
"""
import html
import re
import time
import unittest

from screens_util import Client, create_ve, q, release, sql

ADDR = "127.0.0.58"


def login(c, ve, pw):
    return c.self_login(ve, pw)


def csrf_of(page):
    return re.search(r'name="csrf" value="([0-9a-f]{64})"', page).group(1)


def autofocused(page):
    """The ids of the elements with autofocus."""
    return re.findall(r'<[a-z]+ [^>]*?id="([^"]+)"[^>]*\sautofocus[\s>]', page)


def text(fragment):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


class Screens(unittest.TestCase):
    made = []

    @classmethod
    def setUpClass(cls):
        cls.ve, cls.pw, _ = create_ve(net_out_bw_max_kbps=50000)
        cls.made.append(cls.ve)
        cls.period = time.strftime("%Y-%m", time.gmtime())

    @classmethod
    def tearDownClass(cls):
        sql(f"DELETE FROM ve_caps WHERE ve_id IN ({','.join(q(v) for v in cls.made)})")
        release(cls.made, [ADDR])

    def test_login_form(self):
        c = Client(ADDR)
        t = c.get("/self").text
        inp = re.search(r'<input id="ve_id"[^>]*>', t).group(0)
        for attr in ('type="text"', 'autocomplete="username"', 'pattern="[0-9A-Fa-f]{8}"',
                     'maxlength="8"', 'spellcheck="false"', "required"):
            self.assertIn(attr, inp)
        self.assertEqual(autofocused(t), [])            # nothing to fix yet
        # (VEid sent, what should get the cursor)
        cases = [(self.ve, "password"), ("", "ve_id")]
        for ve, want in cases:
            with self.subTest(ve=ve):
                tok = c.login_token()
                r = c.post_form("/self/login", [("login_token", tok), ("ve_id", ve),
                                                ("password", "not-the-password")])
                self.assertIn(r.status, (400, 403))
                self.assertEqual(autofocused(r.text), [want])
                err = re.search(r'<div [^>]*id="login-error">(.*?)</div>', r.text, re.S).group(1)
                self.assertIn('href="#ve_id"', err)
                self.assertIn('href="#password"', err)
        sql(f"DELETE FROM login_failures WHERE subject = {q(self.ve)} OR addr = {q(ADDR)}")

    def test_failed_password_change(self):
        c = Client(ADDR)
        self.assertEqual(login(c, self.ve, self.pw).status, 303)
        page = c.get("/self").text
        self.assertIn('action="/self/password"', page)
        tok = csrf_of(page)
        new = "a-brand-new-password-" + str(int(time.time()))
        # (fields, the wrong fields in order)
        cases = [
            ([("old_password", "wrong-password-1"), ("new_password", new), ("confirm", new)],
             ["old_password"]),
            ([("old_password", self.pw), ("new_password", "short"), ("confirm", "short")],
             ["new_password"]),
            ([("old_password", self.pw), ("new_password", new), ("confirm", new + "x")], ["confirm"]),
            ([("old_password", ""), ("new_password", "short"), ("confirm", "other")],
             ["old_password", "new_password", "confirm"]),
        ]
        for fields, bad in cases:
            with self.subTest(bad=bad):
                r = c.post_form("/self/password", [("csrf", tok)] + fields)
                self.assertEqual(r.status, 400)
                t = r.text
                self.assertEqual(autofocused(t), [bad[0]], "the first wrong field is focused")
                # at the top of the page, before the first card
                self.assertLess(t.index('id="pw-failed"'), t.index('id="h-net"'))
                self.assertIn('href="#password"', re.search(r'id="pw-failed">(.*?)</div>', t, re.S).group(1))
                # and at the top of the form, where the answer opens
                summary = re.search(r'<div class="alert alert-error" id="pw-problems">(.*?)</div>', t, re.S)
                self.assertIsNotNone(summary)
                self.assertEqual(re.findall(r'href="#([a-z_]+)"', summary.group(1)), bad)
                self.assertLess(t.index('id="password"'), t.index('id="pw-problems"'))
                self.assertLess(t.index('id="pw-problems"'), t.index('action="/self/password"'))
                for f in bad:
                    self.assertRegex(t, rf'<input id="{f}"[^>]*aria-invalid="true"')
        self.assertNotIn('id="pw-failed"', c.get("/self").text)
        sql(f"DELETE FROM login_failures WHERE subject = {q(self.ve)} OR addr = {q(ADDR)}")

    def bandwidth(self, c):
        t = c.get("/self").text
        card = re.search(r'<h3 id="h-bw">Bandwidth</h3>(.*?)</table>', t, re.S).group(1)
        caps = [text(m) for m in re.findall(r'<td data-label="Cap"[^>]*>(.*?)</td>', card, re.S)]
        return card, caps

    def test_bandwidth_card(self):
        ve, pw, _ = create_ve(net_bw_max_kbps=1500)
        self.made.append(ve)
        c = Client(ADDR)
        self.assertEqual(login(c, ve, pw).status, 303)
        card, caps = self.bandwidth(c)
        self.assertNotIn("bw-throttled", card)
        self.assertEqual(caps, ["1.5 Mbit/s", "none (line speed)", "none (line speed)"])
        self.assertNotIn("<th scope=\"col\"></th>", card)      # axe: empty-table-header
        at = int(time.time()) - 600
        # (cap action, throttle, the Cap column, the note)
        cases = [
            ("suspend", 0, ["1.5 Mbit/s", "none (line speed)", "none (line speed)"], None),
            ("throttle", 1000, ["throttled to 1 Mbit/s until the month ends (ordered: 1.5 Mbit/s)"]
             + ["throttled to 1 Mbit/s until the month ends (ordered: not set)"] * 2, "Throttled to 1 Mbit/s"),
            ("throttle", 2000, ["1.5 Mbit/s"]
             + ["throttled to 2 Mbit/s until the month ends (ordered: not set)"] * 2, "Throttled to 2 Mbit/s"),
        ]
        for action, kbps, want, note in cases:
            with self.subTest(action=action, kbps=kbps):
                sql(f"DELETE FROM ve_caps WHERE ve_id = {q(ve)}; INSERT INTO ve_caps (ve_id, period, resource, "
                    f"reached_at, used_bytes, cap_bytes, action, throttle_kbps) VALUES ({q(ve)}, "
                    f"{q(self.period)}, 'traffic_out', {at}, 5000000001, 5000000000, {q(action)}, {kbps})")
                card, caps = self.bandwidth(c)
                self.assertEqual(caps, want)
                if note is None:
                    self.assertNotIn("bw-throttled", card)
                else:
                    self.assertIn(note, text(card))
                    self.assertNotIn("cap not set", text(card))
        # A cap of another month does not throttle this one.
        sql(f"UPDATE ve_caps SET period = '2020-01' WHERE ve_id = {q(ve)}")
        self.assertNotIn("bw-throttled", self.bandwidth(c)[0])

    def test_cpu_units(self):
        c = Client(ADDR)
        self.assertEqual(login(c, self.ve, self.pw).status, 303)
        sql(f"REPLACE INTO ve_totals (ve_id, cpu_user_us, cpu_sys_us, net_in_bytes, net_out_bytes, "
            f"vmem_last_bytes, disk_last_bytes, last_t) VALUES ({q(self.ve)}, 5400000000, 1800000000, 0, 0, "
            f"1000000, 1000000, {int(time.time())})")
        t = c.get("/self").text
        row = text(re.search(r'<th scope="row">CPU</th>(.*?)</tr>', t, re.S).group(1))
        self.assertIn("bogomips", row)
        # (billingd may add the sim's last seconds meanwhile: a few ten-thousandths at most)
        m = re.search(r"(\d+\.\d{4}) CPU-hours \((\d+\.\d{4}) user, (\d+\.\d{4}) system\)", row)
        self.assertIsNotNone(m, row)
        for got, want in zip(m.groups(), (2.0, 1.5, 0.5)):
            self.assertAlmostEqual(float(got), want, delta=0.01)
        self.assertNotIn("CPU-seconds", row)
        self.assertNotIn("milliseconds", row)
        units = text(re.search(r'<p [^>]*id="cpu-units">(.*?)</p>', t, re.S).group(1))
        self.assertRegex(units, r"one CPU of this node is \d+ bogomips")
        self.assertIn("CPU-hours the CPU time used", units)

    def test_charts(self):
        c = Client(ADDR)
        self.assertEqual(login(c, self.ve, self.pw).status, 303)
        now = int(time.time())
        minute, hour, day = now - now % 60, now - now % 3600, now - now % 86400
        # the buckets still filling have data (billingd adds its own to these rows)
        for table, t in (("usage_minute", minute), ("usage_hour", hour), ("usage_day", day)):
            sql(f"INSERT INTO {table} (ve_id, t, cpu_user_us, net_in_bytes, net_out_bytes, samples, last_t) "
                f"VALUES ({q(self.ve)}, {t}, 1000000, 1000, 500, 1, {now}) ON DUPLICATE KEY UPDATE "
                f"cpu_user_us = cpu_user_us + 1000000, net_in_bytes = net_in_bytes + 1000, "
                f"last_t = GREATEST(last_t, {now})")
        # (range, the unit of the traffic chart, the partial bucket's name)
        cases = [("hour", "bit/s, per minute", "this minute so far"),
                 ("day", "bit/s, per hour", "this hour so far"),
                 ("month", "bit/s, per day", "today so far")]
        for rng, unit, partial in cases:
            with self.subTest(range=rng):
                net = c.get(f"/self/chart?metric=net&range={rng}").text
                self.assertIn(f">{unit}</text>", net)
                self.assertNotIn("bytes per", net)
                self.assertEqual(net.count('class="partial"'), 2, "in and out: one hollow dot each")
                self.assertIn(partial, net)
                cpu = c.get(f"/self/chart?metric=cpu&range={rng}").text
                self.assertIn(">bogomips</text>", cpu)
                self.assertEqual(cpu.count('class="partial"'), 1)
                v = float(re.search(r'data-partial="([0-9.e+-]+)"', cpu).group(1))
                self.assertGreater(v, 0)


if __name__ == "__main__":
    unittest.main()
