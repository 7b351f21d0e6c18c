"""Issue 17: what an outside attack found, each finding with its regression test.

Against the running instance (through nginx) where it can show the finding,
and against private FastCGI programs (a copy of the configuration with
lower limits, spoken to over FastCGI so that REMOTE_ADDR can be any IPv4 or
IPv6 address) where the dev instance's limits are set high for the other
suites.  Client addresses of this module: 127.0.23.x, 2001:db8:17::/48.

Under `./dev test` the programs are the ASan/UBSan build: a sanitizer report
in a program's log fails the Basic-auth test even when the answer looked right.
"""
import base64
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import time
import unittest
import urllib.parse

import veplib
from badinput_cases import Client, hidden
from test_security import Private

NET = "127.0.23."
PW = "attack-test password 17"
ORDER = {"plan": "WEB1", "template": "debian-12", "email": "attack@example.com", "disk_quota_mb": 1000,
         "always_on": True, "lifetime_days": 30, "root_password": PW, "login": ["ssh"],
         "fs_fault_tolerance_s": 60, "backup_hours": 24, "firewall": "client"}
SANITIZER = re.compile(rb"AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:|LeakSanitizer")
ADMIN = {"Authorization": "Bearer " + veplib.ADMIN_TOKEN}


def basic(user, pw):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{pw}".encode()).decode()}


def conf_with(path, sections):
    """A copy of the instance's configuration at path with keys replaced: {section: {key: value}}."""
    with open(veplib.CONF) as f:
        lines = f.read().splitlines()
    out, sect, placed = [], None, set()
    for line in lines:
        m = re.match(r"\s*\[(\w+)\]", line)
        if m:
            sect = m.group(1)
            out.append(line)
            if sect in sections:
                out += [f"{k} = {v}" for k, v in sections[sect].items()]
                placed.add(sect)
            continue
        if sect in sections and "=" in line and line.split("=", 1)[0].strip() in sections[sect]:
            continue
        out.append(line)
    for s, kv in sections.items():
        if s not in placed:
            out += [f"[{s}]"] + [f"{k} = {v}" for k, v in kv.items()]
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return path


class PrivateProg(Private):
    """A private FastCGI program with its own configuration sections."""

    def __init__(self, prog, sections):
        self.dir = tempfile.mkdtemp(prefix="vep-attack-")
        os.chmod(self.dir, 0o755)
        self.sock = os.path.join(self.dir, prog + ".sock")
        self.clock = os.path.join(self.dir, "clock")
        self.set_clock(0)
        conf = conf_with(os.path.join(self.dir, "vepanel.conf"), sections)
        self.logpath = os.path.join(veplib.VAR, "log", f"it-attack-{prog}.log")
        self.log = open(self.logpath, "ab")
        self.proc = subprocess.Popen([os.path.join(veplib.BUILD, "cgi", prog), "-f", conf, "-s", self.sock,
                                      "-w", "1"], env=dict(os.environ, VEP_FAKE_CLOCK_FILE=self.clock),
                                     stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        try:
            veplib.wait_until(lambda: os.path.exists(self.sock), 10, f"the private {prog}'s socket")
        except AssertionError:
            self.stop()
            raise unittest.SkipTest(f"the private {prog} did not start")

    def order(self, addr, **change):
        body = json.dumps(dict(ORDER, **change)).encode()
        return self.request("POST", "/api/v1/orders", body, ctype="application/json", addr=addr)

    def order_admin(self, addr, **change):
        body = json.dumps(dict(ORDER, **change)).encode()
        return self.request("POST", "/api/v1/orders", body, ctype="application/json", addr=addr,
                            headers={"Authorization": ADMIN["Authorization"]})


def ves_count():
    return int(veplib.sql_value("SELECT COUNT(*) FROM ves"))


def orders_count():
    return int(veplib.sql_value("SELECT COUNT(*) FROM orders"))


def delete_ves(ids):
    c = Client()
    for v in ids:
        c.request("DELETE", f"/api/v1/admin/ves/{v}", headers=ADMIN)


def log_size(name):
    try:
        return os.path.getsize(os.path.join(veplib.VAR, "log", name))
    except OSError:
        return 0


def log_since(name, offset):
    with open(os.path.join(veplib.VAR, "log", name), "rb") as f:
        f.seek(offset)
        return f.read()


class Attack(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.made = []
        r = Client(NET + "1").post_json("/api/v1/orders", dict(ORDER, user_info="attack module"))
        if r.status != 201:
            raise unittest.SkipTest(f"cannot create a VE: {r.status} {r.text[:200]}")
        cls.ve = r.json()["ve_id"]
        cls.made.append(cls.ve)

    @classmethod
    def tearDownClass(cls):
        delete_ves(cls.made)
        veplib.sql("DELETE FROM login_failures WHERE addr LIKE '127.0.23.%' OR addr LIKE '2001:db8:17:%'")

    # ---- 1. HTTP Basic decoding ----------------------------------------------------------------

    def test_1_basic_padding_never_5xx(self):
        """`Authorization: Basic ====` wrote before the decode buffer (502 under ASan).  Every run
        of 1..400 '=' after each of several prefixes, and other hostile values: 401, never 5xx, and
        no sanitizer report in vep-api's log."""
        c = Client(NET + "2")
        off = log_size("fcgi-api.log")
        values = []
        for prefix in ("", "Y", "YT", "YTp", "YTpi", "MDAwMDAwMkE6", "=", " "):
            values += [prefix + "=" * n for n in (1, 2, 3, 4, 5, 8, 63, 64, 84, 85, 86, 255, 340, 341, 400)]
        values += ["", " ", "=a==", "YQ==YQ==", "Y=Q=", "YR==", "YTpi\t", "%3D%3D", "\u00bd==",
                   "A" * 2000, "YTpi" * 200, base64.b64encode(b"\x00:\x00").decode(),
                   base64.b64encode(b"nocolon").decode(), base64.b64encode(b":" * 300).decode()]
        statuses = {}
        for v in values:
            r = c.get(f"/api/v1/ves/{self.ve}", headers={"Authorization": "Basic " + v})
            statuses.setdefault(r.status, []).append(v[:20])
            self.assertLess(r.status, 500, f"Basic {v[:40]!r}: {r.status}")
            self.assertIn(r.status, (400, 401), f"Basic {v[:40]!r}: {r.status}")
        c.seen.clear()
        self.assertGreater(len(values), 100)
        self.assertIsNone(SANITIZER.search(log_since("fcgi-api.log", off)), "sanitizer report in vep-api's log")
        # the good credential still works, in any case of the VEid
        self.assertEqual(c.get(f"/api/v1/ves/{self.ve}", headers=basic(self.ve, PW)).status, 200)

    # ---- 10. one VEid rule ----------------------------------------------------------------------

    def test_10_lowercase_veid(self):
        """The self screen took "0000002a"; the API refused it.  Now both, answered in upper case."""
        c = Client(NET + "3")
        low = self.ve.lower()
        for user, path in ((low, self.ve), (self.ve, low), (low, low)):
            r = c.get(f"/api/v1/ves/{path}", headers=basic(user, PW))
            self.assertEqual(r.status, 200, f"{user} on {path}: {r.status} {r.text[:200]}")
            self.assertEqual(r.json()["ve_id"], self.ve)
        r = c.get(f"/api/v1/ves/{low}/history?metric=cpu&from=2026-01-01T00:00:00Z&step=hour&count=2", headers=ADMIN)
        self.assertNotIn(r.status, (404, 422), r.text[:200])
        # not hex stays refused
        self.assertEqual(c.get("/api/v1/ves/0000002g", headers=ADMIN).status in (404, 422), True)

    # ---- 5. per-address login limit by /64 -----------------------------------------------------

    def test_5_login_limit_per_ipv6_64(self):
        """5 failures (fail_per_addr = 5 on a private vep-api) from 2001:db8:17:5::1 throttle
        ::2 of the same /64 (429 with Retry-After), not 2001:db8:17:6::1; the same for IPv4-mapped
        addresses; each failure is logged with the address and never the password."""
        veplib.sql("DELETE FROM login_failures WHERE addr LIKE '2001:db8:17:%'")
        p = PrivateProg("vep-api", {"web": {"fail_per_addr": 5, "fail_per_ve": 1000}})
        try:
            off = os.path.getsize(p.logpath)
            secret = "the-secret-wrong-password"
            for i in range(5):
                r = p.request("GET", f"/api/v1/ves/{self.ve}", addr=f"2001:db8:17:5::{i + 1}",
                              headers=basic(self.ve, secret))
                self.assertEqual(r.status, 401, f"failure {i}")
            r = p.request("GET", f"/api/v1/ves/{self.ve}", addr="2001:db8:17:5:ffff::9",
                          headers=basic(self.ve, PW))
            self.assertEqual(r.status, 429, "same /64, right password")
            self.assertTrue(r.header("Retry-After"))
            r = p.request("GET", f"/api/v1/ves/{self.ve}", addr="2001:db8:17:6::1", headers=basic(self.ve, PW))
            self.assertEqual(r.status, 200, "another /64")
            rows = veplib.sql("SELECT DISTINCT addr FROM login_failures WHERE addr LIKE '2001:db8:17:%'")
            self.assertEqual(rows, [["2001:db8:17:5::/64"]])
            def log_now():
                with open(p.logpath, "rb") as f:
                    f.seek(off)
                    return f.read()
            # The log is written after the answer: wait for the lines of the last failure and the 429.
            log = veplib.wait_until(lambda: (lambda t: t if b"throttled (429" in t and b"2001:db8:17:5::5" in t
                                              else None)(log_now()), 10, "the failures and the 429 logged")
            self.assertIn(b"login failed", log)
            self.assertIn(b"2001:db8:17:5::1", log)
            self.assertIn(b"throttled (429", log)
            self.assertNotIn(secret.encode(), log)
        finally:
            p.stop()
            veplib.sql("DELETE FROM login_failures WHERE addr LIKE '2001:db8:17:%'")

    # ---- 2. order limits ---------------------------------------------------------------------

    def test_2_orders_per_hour_per_64(self):
        """orders_per_hour = 3: three VEs from one /64 (three different addresses), the fourth
        429 with Retry-After and nothing written; another /64 and the operator's Bearer token
        (from the throttled /64) still order; the signup form is limited alike."""
        # orders stay counted after their VE is deleted: a /64 of its own for every run
        n = int(time.time() * 1000) % 0xfff0
        net, other = f"2001:db8:17:{n:x}", f"2001:db8:17:{n + 1:x}"
        p = PrivateProg("vep-api", {"signup": {"orders_per_hour": 3, "unpaid_ves_per_email": 100,
                                               "unpaid_ves_per_addr": 100}})
        made = []
        try:
            for i in range(3):
                r = p.order(f"{net}::{i + 1}", email=f"rate{i}@example.com")
                self.assertEqual(r.status, 201, r.text[:300])
                made.append(r.json()["ve_id"])
            before = (ves_count(), orders_count())
            r = p.order(f"{net}:1:2:3:4", email="rate9@example.com")
            self.assertEqual(r.status, 429, r.text[:300])
            ra = int(r.header("Retry-After"))
            self.assertTrue(0 < ra <= 3600, ra)
            self.assertEqual(r.header("Cache-Control"), "no-store")
            self.assertEqual((ves_count(), orders_count()), before, "nothing written")
            r = p.order(f"{other}::1", email="rate9@example.com")
            self.assertEqual(r.status, 201, "another /64")
            made.append(r.json()["ve_id"])
            r = p.order_admin(f"{net}::1", email="rate9@example.com")
            self.assertEqual(r.status, 201, "operator")
            made.append(r.json()["ve_id"])
            r = p.request("POST", "/api/v1/orders", json.dumps(ORDER).encode(), ctype="application/json",
                          addr=f"{net}::1", headers={"Authorization": "Bearer not-a-token"})
            self.assertEqual(r.status, 401, "a bad Bearer token is not an anonymous order")
        finally:
            p.stop()
        s = PrivateProg("vep-signup", {"signup": {"orders_per_hour": 3, "unpaid_ves_per_email": 100,
                                                  "unpaid_ves_per_addr": 100}})
        try:
            form = s.request("GET", "/signup", addr=f"{net}::7")
            tok = hidden(form.text, "csrf")
            ck = form.cookies()["vep_csrf"][0]
            fields = [(k, str(v).lower() if isinstance(v, bool) else v) for k, v in ORDER.items()
                      if k != "login"] + [("login", "ssh"), ("csrf", tok)]
            before = (ves_count(), orders_count())
            r = s.request("POST", "/signup", urllib.parse.urlencode(fields).encode(), cookie=f"vep_csrf={ck}",
                          ctype="application/x-www-form-urlencoded", addr=f"{net}::7")
            self.assertEqual(r.status, 429, r.text[:300])
            self.assertTrue(r.header("Retry-After"))
            self.assertEqual((ves_count(), orders_count()), before)
        finally:
            s.stop()
            delete_ves(made)
            self.made += made

    def test_2_unpaid_caps(self):
        """unpaid_ves_per_email = 2 and unpaid_ves_per_addr = 3: a third VE for one e-mail
        address, or a fourth from one address, is 429 and nothing is written; a paid e-mail
        address is not capped."""
        p = PrivateProg("vep-api", {"signup": {"orders_per_hour": 100, "unpaid_ves_per_email": 2,
                                               "unpaid_ves_per_addr": 3}})
        made = []
        mail = f"unpaid{int(time.time())}@example.com"
        try:
            for i in range(2):
                r = p.order(f"127.0.23.{30 + i}", email=mail)
                self.assertEqual(r.status, 201, r.text[:300])
                made.append(r.json()["ve_id"])
            before = (ves_count(), orders_count())
            r = p.order("127.0.23.39", email=mail.upper())
            self.assertEqual(r.status, 429, "third unpaid VE of one e-mail address")
            self.assertEqual((ves_count(), orders_count()), before)
            for i in range(3):
                r = p.order("127.0.23.40", email=f"a{i}-{mail}")
                self.assertEqual(r.status, 201, r.text[:300])
                made.append(r.json()["ve_id"])
            before = (ves_count(), orders_count())
            r = p.order("127.0.23.40", email=f"a9-{mail}")
            self.assertEqual(r.status, 429, "fourth unpaid VE from one address")
            self.assertIn("unpaid", r.json()["error"]["message"])
            self.assertEqual((ves_count(), orders_count()), before)
            # a deleted VE no longer counts
            delete_ves(made[:1])
            r = p.order("127.0.23.41", email=mail)
            self.assertEqual(r.status, 201, "after a deletion")
            made.append(r.json()["ve_id"])
        finally:
            p.stop()
            delete_ves(made)
            self.made += made

    # ---- 6. idempotency key with another order -------------------------------------------------

    def test_6_idempotency_key_other_order(self):
        """The same key with any field changed (plan, disk, template, password, e-mail, user_info,
        logins, lifetime) is 409 with nothing written; the same order answers the first VE."""
        c = Client(NET + "6")
        key = f"attack-key-{time.time_ns()}"
        r = c.post_json("/api/v1/orders", dict(ORDER, idempotency_key=key))
        self.assertEqual(r.status, 201, r.text[:300])
        first = r.json()["ve_id"]
        self.made.append(first)
        r = c.post_json("/api/v1/orders", dict(ORDER, idempotency_key=key))
        self.assertEqual(r.status, 201)
        self.assertEqual(r.json()["ve_id"], first)
        self.assertNotIn("root_password", r.json())
        changes = [{"plan": "PRO4"}, {"disk_quota_mb": 1001}, {"template": "alpine-3"},
                   {"root_password": PW + "!"}, {"email": "other@example.com"}, {"user_info": "x"},
                   {"login": ["ssh", "x11"]}, {"lifetime_days": 31}, {"firewall": "open"},
                   {"always_on": False}, {"mem_max_mb": 512}]
        for ch in changes:
            before = (ves_count(), orders_count())
            r = c.post_json("/api/v1/orders", dict(ORDER, idempotency_key=key, **ch))
            self.assertEqual(r.status, 409, f"{ch}: {r.status} {r.text[:200]}")
            self.assertIn("idempotency_key", r.json()["error"].get("fields", {}))
            self.assertEqual((ves_count(), orders_count()), before, f"{ch}: nothing written")
        # the e-mail address in another case is the same order
        r = c.post_json("/api/v1/orders", dict(ORDER, idempotency_key=key, email=ORDER["email"].upper()))
        self.assertEqual((r.status, r.json().get("ve_id")), (201, first))

    # ---- 8. control and bidi characters -------------------------------------------------------

    def test_8_control_characters_refused(self):
        """U+009B, U+009D, U+202E, U+2066, ESC and DEL in user_info (API and form) and in other
        fields: 400 naming the field, nothing written."""
        c = Client(NET + "8")
        for bad in ("\u009b31m", "a\u009db", "evil\u202etxt", "x\u2066y", "\x1b[2J", "del\x7f"):
            before = (ves_count(), orders_count())
            r = c.post_json("/api/v1/orders", dict(ORDER, user_info=bad))
            self.assertIn(r.status, (400, 422), f"{bad!r}: {r.status}")
            self.assertIn("user_info", r.text, bad.encode("unicode_escape"))
            r = c.post_json("/api/v1/orders", dict(ORDER, email="a\u202e@example.com"))
            self.assertIn(r.status, (400, 422))
            self.assertIn("email", r.text)
            self.assertEqual((ves_count(), orders_count()), before)
        c.get("/signup")
        tok = hidden(c.seen[-1].text, "csrf")
        fields = [(k, str(v).lower() if isinstance(v, bool) else v) for k, v in ORDER.items() if k != "login"]
        before = (ves_count(), orders_count())
        r = c.post_form("/signup", fields + [("login", "ssh"), ("csrf", tok), ("user_info", "a\u009bb")])
        self.assertEqual(r.status, 400)
        self.assertIn("user_info", r.text)
        self.assertEqual((ves_count(), orders_count()), before)
        # newlines and tabs stay allowed in user_info
        r = c.post_json("/api/v1/orders", dict(ORDER, user_info="line 1\nline 2\tend"))
        self.assertEqual(r.status, 201, r.text[:200])
        self.made.append(r.json()["ve_id"])

    def test_9_promtool_agent_metrics(self):
        """SECURITY.md 9: `promtool check metrics` passes on the agent's /metrics too
        (the demo agent node1, read with its node token as billingd reads it)."""
        promtool = shutil.which("promtool")
        if promtool is None:
            self.skipTest("promtool (Debian package prometheus) not installed")
        url = veplib.sql_value("SELECT url FROM nodes WHERE name = 'node1'")
        self.assertTrue(url and url.startswith("http://127.0.0.1:"), url)
        with open(os.path.join(veplib.VAR, "secrets", "node1.token")) as f:
            tok = f.read().strip()
        import urllib.request
        req = urllib.request.Request(url, headers={"Authorization": "Bearer " + tok})
        with urllib.request.urlopen(req, timeout=10) as r:
            text = r.read()
        self.assertIn(b"veagent_start_time_seconds", text)
        self.assertIn(b"ve_cpu_user_seconds_total", text)
        r = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, timeout=30)
        self.assertEqual(r.returncode, 0, (r.stdout + r.stderr).decode(errors="replace")[:2000])

    def test_8_veinfo_escapes_control_characters(self):
        """A user_info stored with control characters (older data, or a hostile API) is printed by
        veinfo with every control, C1 and bidi character escaped."""
        veplib.sql("UPDATE orders o JOIN ves v ON v.order_id = o.id SET o.user_info = "
                   "CONCAT('a', CHAR(0xC29B USING utf8mb4), '31m', CHAR(27), '[2J', "
                   "CHAR(0xE280AE USING utf8mb4), 'b') WHERE v.id = " + veplib.q(self.ve))
        d = tempfile.mkdtemp(prefix="vep-attack-")
        try:
            conf = os.path.join(d, "veinfo.conf")
            with open(conf, "w") as f:
                f.write(f"api_url = {veplib.HTTP}/api/v1\nve_id = {self.ve.lower()}\npassword = {PW}\n")
            os.chmod(conf, 0o600)
            r = subprocess.run([os.path.join(veplib.BUILD, "tools", "veinfo"), "-f", conf, "-c",
                                "User information"], capture_output=True, timeout=30)
            self.assertEqual(r.returncode, 0, r.stderr)
            out = r.stdout
            for raw in (b"\xc2\x9b", b"\x1b", b"\xe2\x80\xae"):
                self.assertNotIn(raw, out)
            # C1 and bidi escaped by veinfo (ESC may already arrive as a blank)
            self.assertRegex(out, rb"^a\\xC2\\x9B31m(\\x1B| )\[2J\\xE2\\x80\\xAEb\n$")
        finally:
            shutil.rmtree(d, ignore_errors=True)

    # ---- 10. veinfo's configuration reads are bounded ------------------------------------------

    def test_10_veinfo_config_bounded(self):
        """`veinfo -f /dev/zero` hung; now it, a FIFO, a directory and an oversized file are
        refused at once."""
        d = tempfile.mkdtemp(prefix="vep-attack-")
        try:
            fifo = os.path.join(d, "fifo")
            os.mkfifo(fifo)
            big = os.path.join(d, "big")
            with open(big, "w") as f:
                f.write("# padding\n" * 10000)
            for path in ("/dev/zero", "/dev/urandom", fifo, d, big):
                t0 = time.monotonic()
                r = subprocess.run([os.path.join(veplib.BUILD, "tools", "veinfo"), "-f", path],
                                   capture_output=True, timeout=10)
                self.assertNotEqual(r.returncode, 0, path)
                self.assertLess(time.monotonic() - t0, 5, path)
                self.assertIn(b"veinfo:", r.stderr)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    # ---- 10. nginx: catch-all and the port-80 redirect --------------------------------------------

    def test_10_nginx_catch_all(self):
        """/index.html and other paths outside the site served "Welcome to nginx!" with 200."""
        c = Client(NET + "10")
        for path in ("/index.html", "/index.nginx-debian.html", "/nope", "/static", "/50x.html"):
            r = c.get(path)
            self.assertEqual(r.status, 404, path)
            self.assertNotIn("Welcome to nginx", r.text)

    def test_10_shipped_nginx_site(self):
        """conf/nginx/vepanel.conf: a catch-all location / that answers 404, the port-80 redirect to
        the configured $server_name (never the client's Host), and nginx -t accepts it."""
        path = os.path.join(veplib.ROOT, "conf", "nginx", "vepanel.conf")
        with open(path) as f:
            text = f.read()
        code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
        self.assertRegex(code, r"location\s+/\s*\{\s*return\s+404;")
        self.assertNotRegex(code, r"\$host\b|\$http_host")
        self.assertRegex(code, r"return\s+301\s+https://\$server_name\$request_uri;")
        self.assertRegex(code, r"ssl_stapling\s+on;")
        # nginx -t on the shipped site with a throw-away certificate in place of the real one
        d = tempfile.mkdtemp(prefix="vep-attack-nginx-")
        try:
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                            "-nodes", "-days", "1", "-subj", "/CN=panel.example.net", "-keyout",
                            os.path.join(d, "key.pem"), "-out", os.path.join(d, "cert.pem")],
                           check=True, capture_output=True, timeout=60)
            site = (code.replace("/etc/ssl/vepanel/fullchain.pem", os.path.join(d, "cert.pem"))
                    .replace("/etc/ssl/vepanel/chain.pem", os.path.join(d, "cert.pem"))
                    .replace("/etc/ssl/vepanel/privkey.pem", os.path.join(d, "key.pem")))
            shutil.copy("/etc/nginx/fastcgi_params", d)
            with open(os.path.join(d, "nginx.conf"), "w") as f:
                f.write(f"pid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{}}\n"
                        f"http {{\naccess_log off;\n{site}\n}}\n")
            r = subprocess.run(["nginx", "-t", "-p", d, "-c", os.path.join(d, "nginx.conf")],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    # ---- 3. the node token never in clear text -------------------------------------------------

    def test_3_agent_refuses_plain_http_api(self):
        """veagent refuses a plain http:// --api off this host unless --insecure; https://,
        loopback, a CA file and a pinned key are accepted; the shipped unit uses https:// and a
        management address."""
        agent = os.path.join(veplib.BUILD, "agent", "veagent")
        d = tempfile.mkdtemp(prefix="vep-attack-")
        try:
            tok = os.path.join(d, "tok")
            with open(os.open(tok, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
                f.write("node-token\n")
            base = [agent, "-n", "--node", "n1", "--listen", "127.0.0.1:1", "--backend", "sim",
                    "--token-file", tok, "--api"]
            for url, extra, ok in (
                    ("http://panel.example.net/api/v1", [], False),
                    ("http://192.0.2.1:8080/api/v1", [], False),
                    ("HTTP://10.0.0.1/api/v1", [], False),
                    ("http://127.0.0.1.example.net/api/v1", [], False),
                    ("ftp://panel.example.net/api/v1", [], False),
                    ("not a url", [], False),
                    ("http://panel.example.net/api/v1", ["--insecure"], True),
                    ("https://panel.example.net/api/v1", [], True),
                    ("https://panel.example.net/api/v1", ["--ca-file", "/etc/ssl/certs/ca-certificates.crt"], True),
                    ("https://panel.example.net/api/v1", ["--pin-pubkey", "sha256//" + "A" * 43 + "="], True),
                    ("https://panel.example.net/api/v1", ["--pin-pubkey", "md5//abc"], False),
                    ("http://127.0.0.1:8080/api/v1", [], True),
                    ("http://[::1]:8080/api/v1", [], True),
                    ("http://localhost:8080/api/v1", [], True)):
                r = subprocess.run(base + [url] + extra, capture_output=True, text=True, timeout=30)
                self.assertEqual(r.returncode == 0, ok, f"{url} {extra}: {r.returncode} {r.stderr}")
                if not ok and url.startswith("http://"):
                    self.assertIn("clear text", r.stderr)
            r = subprocess.run([agent, "-n", "--node", "n1", "--listen", "127.0.0.1:1", "--backend", "sim",
                                "--insecure"], capture_output=True, text=True, timeout=30)
            self.assertNotEqual(r.returncode, 0, "--insecure without --api")
        finally:
            shutil.rmtree(d, ignore_errors=True)
        with open(os.path.join(veplib.ROOT, "conf", "systemd", "veagent.service")) as f:
            unit = f.read()
        env = re.search(r"^Environment=(.*)$", unit, re.M).group(1)
        self.assertRegex(env, r"API=https://")
        self.assertNotRegex(env, r"LISTEN=(0\.0\.0\.0|\[::\]|:)")

    # ---- 4. the agent's /metrics wants the node's token ---------------------------------------------

    def test_4_agent_metrics_needs_token(self):
        """The dev agents run with --token-file: /metrics without a token, with a wrong one, another
        node's, or a Basic credential is 401 without a VE in it; with the node's token 200; billingd
        (sending it from [billingd] node_token_dir) keeps polling both nodes."""
        ports = os.environ.get("VEP_AGENT_PORTS", "9101 9102").split()
        toks = []
        for i in (1, 2):
            with open(os.path.join(veplib.VAR, "secrets", f"node{i}.token")) as f:
                toks.append(f.read().strip())
        import http.client
        for port, tok, other in ((ports[0], toks[0], toks[1]), (ports[1], toks[1], toks[0])):
            for hdr in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Bearer " + other},
                        {"Authorization": "Bearer " + tok + "x"}, {"Authorization": "Bearer " + tok[:-1]},
                        {"Authorization": "Basic " + base64.b64encode(tok.encode()).decode()},
                        {"Authorization": tok}):
                c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
                c.request("GET", "/metrics", headers=hdr)
                r = c.getresponse()
                body = r.read()
                c.close()
                self.assertEqual(r.status, 401, f"port {port} {list(hdr.values())[:1]}")
                self.assertNotIn(b"ve_", body)
            c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
            c.request("GET", "/metrics", headers={"Authorization": "Bearer " + tok})
            r = c.getresponse()
            self.assertEqual(r.status, 200)
            self.assertIn(b"veagent_start_time_seconds", r.read())
            c.close()
        # billingd polls with the token: both nodes answered within the last few seconds
        def polled():
            rows = veplib.sql("SELECT name, state, UNIX_TIMESTAMP() - COALESCE(last_ok_at, 0) FROM nodes "
                              "WHERE name IN ('node1', 'node2') ORDER BY name")
            return len(rows) == 2 and all(r[1] == "up" and int(r[2]) < 10 for r in rows)
        veplib.wait_until(polled, 20, "billingd polling the agents with their token")
