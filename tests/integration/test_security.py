"""Sessions, CSRF, access control, brute force and security headers, proven
against the running instance (and, where the dev instance cannot show it,
against a private vep-self this module starts itself).

- Fake clock and HTTPS: nginx in dev passes HTTPS only under TLS and ./dev
  sets no VEP_FAKE_CLOCK_FILE, so the timeout and Secure/__Host- tests start
  their own vep-self (FastCGI on a temporary socket, VEP_FAKE_CLOCK_FILE
  set) and speak FastCGI to it directly with HTTPS=on where wanted.
- Failed logins come from loopback addresses of this module's own
  (127.0.20.x, and 127.0.21-22.x for the timing test): each address has its
  own 50-failure budget, so 127.0.0.1 stays usable for every other suite;
  the rows are removed at the end.
- The hash limiter is shown on private programs whose configuration (a copy
  of the instance's) has a lock directory of their own with one slot: the
  test holds that slot itself (flock) or fires more logins than slots.
"""
import base64
import datetime
import fcntl
import json
import multiprocessing
import os
import re
import secrets
import shutil
import socket
import statistics
import struct
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse

import veplib
from badinput_cases import NGINX_MARK, Client, hidden, security_header_problems

NET = "127.0.20."
PW = "correct horse battery staple"
# Tries per side (unknown VE, wrong password) of the API login timing test,
# spread over TIMING_STREAMS processes; the self screen's gets TIMING_SELF_N.
TIMING_N = int(os.environ.get("VEP_TIMING_N", "1000"))
TIMING_SELF_N = int(os.environ.get("VEP_TIMING_SELF_N", "300"))
TIMING_STREAMS = 2
USED_ADDRS = set()
CLIENTS = []


def client(last):
    addr = NET + str(last)
    USED_ADDRS.add(addr)
    c = Client(addr)
    CLIENTS.append(c)
    return c


def new_ve(c, note):
    r = c.post_json("/api/v1/orders", {
        "plan": "WEB1", "template": "debian-12", "email": "security@example.com", "disk_quota_mb": 1000,
        "always_on": True, "lifetime_days": 30, "root_password": PW, "login": ["ssh"],
        "fs_fault_tolerance_s": 60, "backup_hours": 24, "firewall": "client", "user_info": note})
    if r.status != 201:
        raise unittest.SkipTest(f"cannot create a VE: {r.status} {r.text[:200]}")
    return r.json()["ve_id"]


def basic(user, pw):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{pw}".encode()).decode()}


def unknown_ve():
    while True:
        v = secrets.token_hex(4).upper()
        if veplib.sql_value(f"SELECT COUNT(*) FROM ves WHERE id = '{v}'") == "0":
            return v


def unknown_ves(n):
    """n distinct VEids that do not exist (one query for all)."""
    out = set()
    while len(out) < n:
        want = {secrets.token_hex(4).upper() for _ in range(n - len(out))} - out
        taken = {r[0] for r in veplib.sql("SELECT id FROM ves WHERE id IN (" +
                                          ",".join(f"'{v}'" for v in want) + ")")}
        out |= want - taken
    return sorted(out, key=lambda _: secrets.randbits(32))


def private_conf(path, web):
    """A copy of the instance's configuration at path with the [web] keys in web replaced."""
    with open(veplib.CONF) as f:
        lines = f.read().splitlines()
    out, sect, placed = [], None, False
    for line in lines:
        m = re.match(r"\s*\[(\w+)\]", line)
        if m:
            sect = m.group(1)
            out.append(line)
            if sect == "web":
                out += [f"{k} = {v}" for k, v in web.items()]
                placed = True
            continue
        if sect == "web" and "=" in line and line.split("=", 1)[0].strip() in web:
            continue
        out.append(line)
    if not placed:
        out += ["[web]"] + [f"{k} = {v}" for k, v in web.items()]
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return path


# ---- a FastCGI client for a private program ------------------------------------------------

def _nv(k, v):
    def ln(n):
        return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
    k, v = k.encode(), v.encode()
    return ln(len(k)) + ln(len(v)) + k + v


def _rec(t, body, rid=1):
    return struct.pack(">BBHHBx", 1, t, rid, len(body), 0) + body


class FcgiAnswer:
    def __init__(self, raw):
        head, _, self.body = raw.partition(b"\r\n\r\n")
        self.headers = []
        self.status = 200
        for line in head.decode("latin-1").split("\r\n"):
            k, _, v = line.partition(":")
            v = v.strip()
            if k.lower() == "status":
                self.status = int(v.split()[0])
            self.headers.append((k, v))

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def cookies(self):
        out = {}
        for k, v in self.headers:
            if k.lower() == "set-cookie":
                first, _, rest = v.partition(";")
                n, _, val = first.strip().partition("=")
                out[n] = (val, [a.strip().lower() for a in rest.split(";") if a.strip()])
        return out

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.text)


class Private:
    """One of our FastCGI programs (from the build under test) on a temporary
    socket, with a fake clock file and, when web is given, a private copy of
    the configuration with those [web] keys; spoken to over FastCGI."""

    def __init__(self, prog="vep-self", workers=1, web=None):
        self.dir = tempfile.mkdtemp(prefix="vep-sec-")
        self.sock = os.path.join(self.dir, prog + ".sock")
        self.clock = os.path.join(self.dir, "clock")
        self.set_clock(0)
        conf = veplib.CONF
        if web is not None:
            conf = private_conf(os.path.join(self.dir, "vepanel.conf"), web)
        env = dict(os.environ, VEP_FAKE_CLOCK_FILE=self.clock)
        self.log = open(os.path.join(veplib.VAR, "log", f"it-private-{prog}.log"), "ab")
        self.proc = subprocess.Popen([os.path.join(veplib.BUILD, "cgi", prog), "-f", conf,
                                      "-s", self.sock, "-w", str(workers)], env=env, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=self.log)
        try:
            veplib.wait_until(lambda: os.path.exists(self.sock), 5, f"the private {prog}'s socket")
        except AssertionError:
            self.stop()
            raise unittest.SkipTest(f"the private {prog} did not start")

    def set_clock(self, offset):
        with open(self.clock, "w") as f:
            f.write(f"{int(offset)}\n")

    def request(self, method, uri, body=b"", cookie=None, https=False, ctype=None, addr=NET + "200",
                headers=None):
        path, _, query = uri.partition("?")
        params = {"REQUEST_METHOD": method, "REQUEST_URI": uri, "DOCUMENT_URI": path, "QUERY_STRING": query,
                  "REMOTE_ADDR": addr, "CONTENT_LENGTH": str(len(body)), "HTTP_HOST": "panel.example"}
        if ctype:
            params["CONTENT_TYPE"] = ctype
        if cookie:
            params["HTTP_COOKIE"] = cookie
        if https:
            params["HTTPS"] = "on"
        for k, v in (headers or {}).items():
            params["HTTP_" + k.upper().replace("-", "_")] = v
        USED_ADDRS.add(addr)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(30)
        s.connect(self.sock)
        pb = b"".join(_nv(k, v) for k, v in params.items())
        msg = _rec(1, struct.pack(">HB5x", 1, 0)) + _rec(4, pb) + _rec(4, b"")
        if body:
            msg += _rec(5, body)
        msg += _rec(5, b"")
        s.sendall(msg)
        out = b""
        buf = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
            while len(buf) >= 8:
                _, t, _, clen, plen = struct.unpack(">BBHHB", buf[:7])
                if len(buf) < 8 + clen + plen:
                    break
                content = buf[8:8 + clen]
                buf = buf[8 + clen + plen:]
                if t == 6:
                    out += content
                elif t == 3:
                    s.close()
                    return FcgiAnswer(out)
        s.close()
        return FcgiAnswer(out)

    def login_form(self, https=False, cookie=None):
        """(token, "name=value" of its cookie) from a fresh login form."""
        r = self.request("GET", "/self", https=https, cookie=cookie)
        name = "__Host-vep_self_login" if https else "vep_self_login"
        ck = r.cookies().get(name)
        return hidden(r.text, "login_token") or "", f"{name}={ck[0]}" if ck else ""

    def login(self, ve, pw, https=False, addr=NET + "200"):
        tok, ck = self.login_form(https)
        body = urllib.parse.urlencode([("login_token", tok), ("ve_id", ve), ("password", pw)]).encode()
        return self.request("POST", "/self/login", body, https=https, cookie=ck,
                            ctype="application/x-www-form-urlencoded", addr=addr)

    def stop(self):
        veplib.stop_process(self.proc)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def PrivateSelf():
    return Private("vep-self")


class SlotHolder:
    """Holds every hash slot of a private lock directory, as busy logins would."""

    def __init__(self, lock_dir, n=1):
        self.fds = []
        for i in range(n):
            fd = os.open(os.path.join(lock_dir, f"hash.{i}"), os.O_RDWR | os.O_CREAT, 0o660)
            fcntl.flock(fd, fcntl.LOCK_EX)
            self.fds.append(fd)

    def release(self):
        for fd in self.fds:
            os.close(fd)
        self.fds = []


def timing_stream(kind, ve, unknowns, first_addr):
    """One interleaved stream of the timing test (run in its own process).

    Pairs of (unknown VE, wrong password for ve) in alternating order; the
    wrong password's failures are removed every 4 pairs and the client
    address changes every 20 pairs, so neither throttle ever answers (a 429
    would be fast).  Every 10th pair also times a login refused before any
    hash (a malformed credential): the baseline the hash must stand out from.
    Returns (unknown, wrong, no_hash) lists of seconds."""
    unk, wrong, nohash = [], [], []
    c = None
    for i, ghost in enumerate(unknowns):
        if i % 20 == 0:
            c = Client(first_addr[0] + str(first_addr[1] + i // 20))
        if i % 4 == 0:
            veplib.sql(f"DELETE FROM login_failures WHERE subject = '{ve}'")
        for k in ((0, 1) if i % 2 else (1, 0)):
            user = ghost if k == 0 else ve
            if kind == "api":
                t0 = time.perf_counter()
                r = c.get(f"/api/v1/ves/{user}", headers=basic(user, "wrong password"))
                dt = time.perf_counter() - t0
                want = 401
            else:
                tok = c.login_token()
                t0 = time.perf_counter()
                r = c.post_form("/self/login", [("login_token", tok), ("ve_id", user),
                                                ("password", "wrong password")])
                dt = time.perf_counter() - t0
                want = 403
            if r.status != want:
                raise AssertionError(f"{kind} try {i} for {'unknown' if k == 0 else 'known'} VE: {r.status}")
            (unk if k == 0 else wrong).append(dt)
        if kind == "api" and i % 10 == 0:
            t0 = time.perf_counter()
            r = c.get(f"/api/v1/ves/{ve}", headers={"Authorization": "Basic bm8tY29sb24="})
            nohash.append(time.perf_counter() - t0)
            if r.status != 401:
                raise AssertionError(f"no-hash try {i}: {r.status}")
        c.seen.clear()
    veplib.sql(f"DELETE FROM login_failures WHERE subject = '{ve}'")
    return unk, wrong, nohash


class Security(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        c = client(1)
        cls.a = new_ve(c, "security A")
        cls.b = new_ve(c, "security B")
        cls.c = new_ve(c, "security C (throttled)")
        cls.ves = [cls.a, cls.b, cls.c]
        cls.admin = {"Authorization": "Bearer " + veplib.ADMIN_TOKEN}

    @classmethod
    def tearDownClass(cls):
        c = Client()
        for v in getattr(cls, "ves", []):
            c.request("DELETE", f"/api/v1/admin/ves/{v}", headers=cls.admin)
        addrs = ",".join(f"'{a}'" for a in USED_ADDRS) or "''"
        subs = ",".join(f"'{v}'" for v in getattr(cls, "ves", [])) or "''"
        veplib.sql(f"DELETE FROM login_failures WHERE addr IN ({addrs}) OR subject IN ({subs})")

    def clear_failures(self, *subjects):
        subs = ",".join(f"'{v}'" for v in subjects)
        veplib.sql(f"DELETE FROM login_failures WHERE subject IN ({subs})")

    def self_login(self, c, ve, pw=PW):
        return c.self_login(ve, pw)

    # ---- sessions -------------------------------------------------------------------------------

    def test_session_cookie(self):
        c = client(2)
        r = self.self_login(c, self.a)
        self.assertEqual(r.status, 303, r.text[:200])
        ck = r.cookies()
        self.assertIn("vep_sid", ck)
        sid, attrs = ck["vep_sid"]
        self.assertRegex(sid, r"^[0-9a-f]{64}$", "session id is not 256 random bits in hex")
        self.assertGreaterEqual(len(sid) * 4, 128)
        self.assertIn("httponly", attrs)
        self.assertIn("samesite=strict", attrs)
        self.assertIn("path=/", attrs)
        self.assertNotIn("secure", attrs, "Secure over plain HTTP would lose the cookie")
        self.assertFalse(any(a.startswith("domain") for a in attrs))
        # Only the hash of the id is stored.
        self.assertEqual(veplib.sql_value(f"SELECT COUNT(*) FROM sessions WHERE id_hash = '{sid}'"), "0")
        # Distinct logins get unrelated ids.
        r2 = self.self_login(client(3), self.a)
        self.assertNotEqual(r2.cookies()["vep_sid"][0], sid)

    def test_session_cookie_https(self):
        p = PrivateSelf()
        try:
            r = p.login(self.a, PW, https=True)
            self.assertEqual(r.status, 303, r.text[:300])
            ck = r.cookies()
            self.assertIn("__Host-vep_sid", ck, f"cookies: {list(ck)}")
            sid, attrs = ck["__Host-vep_sid"]
            self.assertRegex(sid, r"^[0-9a-f]{64}$")
            for a in ("secure", "httponly", "samesite=strict", "path=/"):
                self.assertIn(a, attrs)
            self.assertFalse(any(a.startswith("domain") for a in attrs), "__Host- forbids Domain")
            # The prefixed cookie works under HTTPS; the plain name is not accepted there.
            r = p.request("GET", "/self", cookie=f"__Host-vep_sid={sid}", https=True)
            self.assertIn(self.a, r.text)
            self.assertIn("no-store", r.header("Cache-Control") or "")
            r = p.request("GET", "/self", cookie=f"vep_sid={sid}", https=True)
            self.assertNotIn(self.a, r.text)
        finally:
            p.stop()

    def test_session_fixation(self):
        c = client(4)
        planted = secrets.token_hex(32)
        c.cookies["vep_sid"] = planted
        r = self.self_login(c, self.a)
        self.assertEqual(r.status, 303)
        new = r.cookies()["vep_sid"][0]
        self.assertNotEqual(new, planted)
        # A valid session of B planted in a browser that then logs in as A is dropped.
        cb = client(5)
        self.self_login(cb, self.b)
        b_sid = cb.cookies["vep_sid"]
        c6 = client(6)
        tok = c6.login_token()
        r = c6.post_form("/self/login", [("login_token", tok), ("ve_id", self.a), ("password", PW)],
                         headers={"Cookie": f"vep_sid={b_sid}; vep_self_login={c6.cookies['vep_self_login']}"})
        self.assertEqual(r.status, 303)
        self.assertNotEqual(r.cookies()["vep_sid"][0], b_sid)
        r = client(7).get("/self", headers={"Cookie": f"vep_sid={b_sid}"})
        self.assertNotIn(self.b, r.text, "the planted session survived the login")
        self.assertIsNotNone(hidden(r.text, "password"))

    def test_session_timeouts(self):
        p = PrivateSelf()
        try:
            r = p.login(self.a, PW)
            sid = r.cookies()["vep_sid"][0]
            ck = f"vep_sid={sid}"

            def alive(at):
                p.set_clock(at)
                return self.a in p.request("GET", "/self", cookie=ck).text

            self.assertTrue(alive(0))
            self.assertTrue(alive(29 * 60), "idle 29 min ended the session")
            self.assertTrue(alive(29 * 60 + 29 * 60), "activity did not extend the idle window")
            self.assertFalse(alive(29 * 60 + 29 * 60 + 30 * 60 + 1), "idle > 30 min kept the session")
            # Absolute lifetime: active every 25 minutes, still ended after 12 h.
            p.set_clock(0)
            sid = p.login(self.a, PW).cookies()["vep_sid"][0]
            ck = f"vep_sid={sid}"
            t = 0
            while t + 25 * 60 < 12 * 3600:
                t += 25 * 60
                self.assertTrue(alive(t), f"session ended early at {t} s")
            self.assertFalse(alive(12 * 3600 + 1), "session outlived 12 h")
        finally:
            p.stop()

    def test_logout(self):
        c = client(8)
        self.self_login(c, self.a)
        sid = c.cookies["vep_sid"]
        csrf = hidden(c.get("/self").text, "csrf")
        # Without the token: refused, still logged in.
        r = c.post_form("/self/logout", [("csrf", "0" * 64)])
        self.assertEqual(r.status, 403)
        self.assertIn(self.a, c.get("/self").text)
        r = c.post_form("/self/logout", [("csrf", csrf)])
        self.assertEqual(r.status, 303)
        r = client(9).get("/self", headers={"Cookie": f"vep_sid={sid}"})
        self.assertNotIn(self.a, r.text, "the session lives on after logout")

    # ---- CSRF -------------------------------------------------------------------------------------

    def test_csrf_self_password(self):
        c, other = client(10), client(11)
        self.self_login(c, self.a)
        self.self_login(other, self.b)
        token = hidden(c.get("/self").text, "csrf")
        other_token = hidden(other.get("/self").text, "csrf")
        before = veplib.sql_value(f"SELECT password_hash FROM ves WHERE id = '{self.a}'")
        new = [("old_password", PW), ("new_password", "N" * 16), ("confirm", "N" * 16)]
        for label, extra in (("missing", []), ("wrong", [("csrf", "f" * 64)]), ("other session", [("csrf", other_token)]),
                             ("twice", [("csrf", token), ("csrf", token)]), ("empty", [("csrf", "")])):
            r = c.post_form("/self/password", new + extra)
            self.assertEqual(r.status, 403, f"{label}: {r.status}")
        r = c.get("/self/password?" + urllib.parse.urlencode(new + [("csrf", token)]))
        self.assertEqual(r.status, 405, "GET changed or was accepted")
        self.assertIn("POST", r.header("Allow") or "")
        self.assertEqual(veplib.sql_value(f"SELECT password_hash FROM ves WHERE id = '{self.a}'"), before)
        self.assertIn(self.a, c.get("/self").text, "the session was ended by a refused form")

    def test_csrf_signup(self):
        c = client(12)
        token = hidden(c.get("/signup").text, "csrf")
        email = f"csrf-{secrets.token_hex(4)}@example.com"
        order = [("plan", "WEB1"), ("template", "debian-12"), ("email", email), ("disk_quota_mb", "1000"),
                 ("always_on", "true"), ("lifetime_days", "30"), ("root_password", PW), ("login", "ssh"),
                 ("fs_fault_tolerance_s", "60"), ("backup_hours", "24"), ("firewall", "client")]
        cases = [("no token", order, None), ("wrong token", order + [("csrf", "a" * 64)], None),
                 ("no cookie", order + [("csrf", token)], ""),
                 ("other cookie", order + [("csrf", token)], "vep_csrf=" + "b" * 64)]
        for label, fields, cookie in cases:
            h = {} if cookie is None else {"Cookie": cookie}
            r = c.post_form("/signup", fields, headers=h)
            self.assertEqual(r.status, 403, f"{label}: {r.status}")
        r = c.get("/signup?" + urllib.parse.urlencode(order + [("csrf", token)]))
        self.assertEqual(r.status, 200)     # GET only shows the form
        self.assertEqual(veplib.sql_value(f"SELECT COUNT(*) FROM accounts WHERE email = '{email}'"), "0")

    def test_csrf_admin(self):
        with open(os.path.join(veplib.VAR, "secrets", "admin.pass")) as f:
            pw = f.read().strip()
        c = client(13)
        tok = hidden(c.get("/admin/login").text, "login_token")
        # The login form's own token is required too.
        r = c.post_form("/admin/login", [("name", "admin"), ("password", pw), ("login_token", "0" * 64)])
        self.assertEqual(r.status, 403)
        self.assertNotIn("vep_admin", r.cookies())
        tok = hidden(r.text, "login_token") or hidden(c.get("/admin/login").text, "login_token")
        r = c.post_form("/admin/login", [("name", "admin"), ("password", pw), ("login_token", tok)])
        self.assertEqual(r.status, 303, r.text[:200])
        node = "csrf-" + secrets.token_hex(3)
        for label, extra in (("missing", []), ("wrong", [("csrf", "c" * 64)])):
            r = c.post_form("/admin/nodes", [("node", node), ("url", "http://127.0.0.1:9/metrics")] + extra)
            self.assertEqual(r.status, 403, label)
        r = c.get("/admin/nodes?" + urllib.parse.urlencode([("node", node), ("url", "http://127.0.0.1:9/metrics")]))
        self.assertNotEqual(r.status, 201)
        self.assertEqual(veplib.sql_value(f"SELECT COUNT(*) FROM nodes WHERE name = '{node}'"), "0")

    def test_forged_form_token_pairs(self):
        """Issue 17, item 10: the signup and admin login forms took any token pair the client
        chose (the same value in the cookie and the field).  Their tokens are now signed like
        the self login's: a made-up pair, or a real token made for another form, is refused
        with nothing written -- even with the right password."""
        with open(os.path.join(veplib.VAR, "secrets", "admin.pass")) as f:
            pw = f.read().strip()
        now = int(time.time())
        made_up = ["a" * 64, f"{'0' * 32}-{now}-{'0' * 64}",
                   f"{secrets.token_hex(16)}-{now}-{secrets.token_hex(32)}"]
        other = client(18)
        self_tok = other.login_token()       # signed by us, but for the self login form
        for label, tok in [(f"made up {i}", t) for i, t in enumerate(made_up)] + [("self login's", self_tok)]:
            c = client(19)
            before = veplib.sql_value("SELECT COUNT(*) FROM sessions WHERE kind = 'admin'")
            r = c.post_form("/admin/login", [("name", "admin"), ("password", pw), ("login_token", tok)],
                            headers={"Cookie": f"vep_admin_login={tok}"})
            self.assertEqual(r.status, 403, f"admin login, {label}: {r.status}")
            self.assertNotIn("vep_admin", r.cookies())
            self.assertEqual(veplib.sql_value("SELECT COUNT(*) FROM sessions WHERE kind = 'admin'"), before)
            email = f"forged-{secrets.token_hex(4)}@example.com"
            order = [("plan", "WEB1"), ("template", "debian-12"), ("email", email), ("disk_quota_mb", "1000"),
                     ("always_on", "true"), ("lifetime_days", "30"), ("root_password", PW), ("login", "ssh"),
                     ("fs_fault_tolerance_s", "60"), ("backup_hours", "24"), ("firewall", "client"),
                     ("csrf", tok), ("idempotency_key", secrets.token_hex(16))]
            r = c.post_form("/signup", order, headers={"Cookie": f"vep_csrf={tok}"})
            self.assertEqual(r.status, 403, f"signup, {label}: {r.status}")
            self.assertEqual(veplib.sql_value(f"SELECT COUNT(*) FROM accounts WHERE email = '{email}'"), "0")
        # The tokens the forms hand out still work (and are signed, not bare random hex).
        c = client(19)
        tok = hidden(c.get("/admin/login").text, "login_token")
        self.assertRegex(tok, r"^[0-9a-f]{32}-\d+-[0-9a-f]{64}$")
        r = c.post_form("/admin/login", [("name", "admin"), ("password", pw), ("login_token", tok)])
        self.assertEqual(r.status, 303, r.text[:200])
        self.assertRegex(hidden(client(18).get("/signup").text, "csrf"), r"^[0-9a-f]{32}-\d+-[0-9a-f]{64}$")

    def test_cross_site_refused(self):
        c = client(14)
        h = {"Sec-Fetch-Site": "cross-site"}
        for path, kind in (("/signup", "form"), ("/self/login", "form"), ("/self/password", "form"),
                           ("/admin/login", "form"), ("/api/v1/orders", "json"), ("/api/v1/admin/nodes", "json")):
            if kind == "form":
                r = c.post_form(path, [("ve_id", self.a), ("password", PW)], headers=h)
            else:
                r = c.post_json(path, {"name": "x", "url": "http://127.0.0.1:9/"}, headers=dict(h, **self.admin))
            self.assertEqual(r.status, 403, f"{path}: {r.status}")
            self.assertNotIn("vep_sid", r.cookies())
        # Same-site and navigation GETs still work.
        self.assertEqual(c.get("/signup", headers=h).status, 200)

    # ---- access control ------------------------------------------------------------------------------

    def test_api_owner_sees_only_own(self):
        c = client(15)
        ha = basic(self.a, PW)
        nobody = unknown_ve()
        for tail in ("", "/history?metric=cpu&from=2026-01-01T00:00:00Z&step=day&count=1",
                     "/charges?period=2026-01", "/invoices"):
            own = c.get(f"/api/v1/ves/{self.a}{tail}", headers=ha)
            self.assertLess(own.status, 500, f"own {tail}: {own.status}")
            other = c.get(f"/api/v1/ves/{self.b}{tail}", headers=ha)
            none = c.get(f"/api/v1/ves/{nobody}{tail}", headers=ha)
            self.assertEqual(other.status, 404, f"B{tail}: {other.status} {other.text[:200]}")
            self.assertEqual((other.status, other.body), (none.status, none.body),
                             f"{tail}: B's answer differs from a VE that does not exist")
            self.assertNotIn(self.b.encode(), other.body)
            anon = c.get(f"/api/v1/ves/{self.a}{tail}")
            self.assertEqual(anon.status, 401, f"no credentials {tail}")
        # Invoices of other accounts, and made-up numbers, are the same 404.
        row = veplib.sql("SELECT i.number FROM invoices i JOIN ves v ON v.account_id = i.account_id "
                         f"WHERE v.id <> '{self.a}' LIMIT 1") if veplib.sql_value(
            "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() "
            "AND table_name = 'invoices' AND column_name = 'account_id'") == "1" else []
        none = c.get("/api/v1/invoices/INV-2099-999999", headers=ha)
        self.assertEqual(none.status, 404)
        if row:
            other = c.get(f"/api/v1/invoices/{row[0][0]}", headers=ha)
            self.assertEqual((other.status, other.body), (none.status, none.body))
        # An owner is not the operator.
        for method, path in (("GET", "/api/v1/admin/ves"), ("GET", "/api/v1/admin/nodes"),
                             ("GET", "/api/v1/admin/plans"), ("GET", "/api/v1/admin/reports/revenue"),
                             ("POST", "/api/v1/admin/invoice-runs"), (f"POST", f"/api/v1/admin/ves/{self.b}/suspend"),
                             ("DELETE", f"/api/v1/admin/ves/{self.b}"), ("GET", "/api/v1/nodes/node1/ves")):
            r = c.request(method, path, body=b"{}" if method == "POST" else None,
                          headers=dict(ha, **({"Content-Type": "application/json"} if method == "POST" else {})))
            self.assertIn(r.status, (401, 403, 404), f"{method} {path}: {r.status}")
            self.assertNotIn(self.b.encode(), r.body)
        self.assertEqual(veplib.sql_value(f"SELECT state FROM ves WHERE id = '{self.b}'"), "active")

    def test_self_sees_only_own(self):
        c = client(16)
        self.self_login(c, self.a)
        for path in ("/self", f"/self?ve_id={self.b}", f"/self/chart?metric=cpu&range=hour&ve_id={self.b}"):
            r = c.get(path)
            self.assertNotIn(self.b, r.text, path)
        r = c.get("/self")
        self.assertIn(self.a, r.text)
        # A customer's session is no operator's session.
        sid = c.cookies["vep_sid"]
        for path in ("/admin", "/admin/ves", f"/admin/ves/{self.b}", "/admin/nodes"):
            r = client(17).get(path, headers={"Cookie": f"vep_sid={sid}; vep_admin={sid}"})
            self.assertIn(r.status, (303, 401, 403), f"{path}: {r.status}")
            self.assertNotIn(self.b, r.text)

    def test_veinfo_prefix(self):
        exe = os.path.join(veplib.BUILD, "tools", "veinfo")
        if not os.access(exe, os.X_OK):
            self.skipTest("tools/veinfo is not built")
        with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
            f.write(f"api_url = {veplib.HTTP}/api/v1\nve_id = {self.a}\npassword = {PW}\n")
            conf = f.name
        try:
            def run(cmd):
                p = subprocess.run([exe, "-f", conf, "-c", cmd], capture_output=True, text=True, timeout=30)
                return p.stdout.strip()
            own = run("Disk quota")
            self.assertRegex(own, r"^\d+$", f"veinfo Disk quota: {own!r}")
            self.assertEqual(run(f"VEid {self.b} Disk quota"), "ERROR")
            self.assertEqual(run(f"VEid {unknown_ve()} Disk quota"), "ERROR")
        finally:
            os.unlink(conf)

    # ---- brute force -------------------------------------------------------------------------------

    def test_throttle_per_ve(self):
        c = client(20)
        ghost = unknown_ve()
        self.clear_failures(self.c, ghost)
        try:
            for i in range(5):
                r = self.self_login(c, self.c, "wrong password %d" % i)
                self.assertEqual(r.status, 403, f"failure {i + 1}: {r.status}")
            r = self.self_login(c, self.c)
            self.assertEqual(r.status, 429, "the right password was let in after 5 failures")
            ra = int(r.header("Retry-After"))
            self.assertTrue(0 < ra <= 901, ra)
            self.assertNotIn("vep_sid", r.cookies())
            # The API and another address are refused as well: the lock is the VE's.
            r2 = client(21).get(f"/api/v1/ves/{self.c}", headers=basic(self.c, PW))
            self.assertEqual(r2.status, 429)
            self.assertIsNotNone(r2.header("Retry-After"))
            # The same answer for a VE that does not exist.
            g = client(22)
            for i in range(5):
                self.self_login(g, ghost, "wrong password %d" % i)
            rg = self.self_login(g, ghost, PW)
            self.assertEqual(rg.status, r.status)
            # Minutes to wait may differ by the second the failures fell in; each
            # page has a fresh login-form token.
            def norm(text, ve):
                text = re.sub(r'(name="login_token" value=")[^"]*"', r'\1"', text.replace(ve, "X"))
                return re.sub(r"\d+", "N", text)
            self.assertEqual(norm(rg.text, ghost), norm(r.text, self.c))
            self.assertEqual(sorted(k.lower() for k, _ in rg.headers if k.lower() not in ("date",)),
                             sorted(k.lower() for k, _ in r.headers if k.lower() not in ("date",)))
            # Wrong password and unknown VE answer alike, too.
            w1 = self.self_login(client(23), self.a, "not it")
            w2 = self.self_login(client(23), unknown_ve(), "not it")
            self.assertEqual(w1.status, w2.status)
            self.assertEqual(w1.text.replace(self.a, "X").count("<"), w2.text.count("<"))
        finally:
            self.clear_failures(self.c, ghost, self.a)

    def test_throttle_per_address(self):
        c = client(30)
        n = 0
        for i in range(50):
            r = c.get("/api/v1/ves/" + unknown_ve(), headers=basic(unknown_ve(), "wrong"))
            if r.status == 401:
                n += 1
        self.assertEqual(n, 50, "fewer than 50 failures were allowed from one address")
        r = c.get(f"/api/v1/ves/{self.a}", headers=basic(self.a, PW))
        self.assertEqual(r.status, 429, "the 51st login from the address was not refused")
        self.assertIsNotNone(r.header("Retry-After"))
        r = self.self_login(c, self.a)
        self.assertEqual(r.status, 429, "the self screen does not share the address budget")
        # Another address is not affected.
        self.assertEqual(client(31).get(f"/api/v1/ves/{self.a}", headers=basic(self.a, PW)).status, 200)

    def timing(self, kind, n, net):
        """n tries per side over TIMING_STREAMS interleaved streams; (medians, no-hash median, seconds)."""
        per = (n + TIMING_STREAMS - 1) // TIMING_STREAMS
        ghosts = unknown_ves(per * TIMING_STREAMS)
        jobs = []
        for k in range(TIMING_STREAMS):
            first = (net, 1 + k * 100)
            USED_ADDRS.update(f"{net}{first[1] + j}" for j in range((per + 19) // 20))
            jobs.append((kind, self.ves[k % 2], ghosts[k * per:(k + 1) * per], first))
        t0 = time.monotonic()
        with multiprocessing.get_context("fork").Pool(TIMING_STREAMS) as pool:
            res = pool.starmap(timing_stream, jobs)
        took = time.monotonic() - t0
        unk = [x for r in res for x in r[0]]
        wrong = [x for r in res for x in r[1]]
        nohash = [x for r in res for x in r[2]]
        self.assertEqual((len(unk), len(wrong)), (per * TIMING_STREAMS,) * 2)
        return statistics.median(unk), statistics.median(wrong), \
            statistics.median(nohash) if nohash else None, len(unk), took

    def test_login_timing(self):
        """Unknown VE vs wrong password through the API (Basic, as veinfo logs in):
        medians of TIMING_N tries each within 10 %.

        Real logins through nginx and vep-api with the production argon2id
        cost; two streams in parallel processes, each interleaving the two
        sides in alternating order (ABBA...) so machine noise hits both alike;
        unknown VEs all distinct.  The test must also be able to see a
        missing hash: a login refused before any hash must be far faster."""
        mu, mw, mn, n, took = self.timing("api", TIMING_N, "127.0.21.")
        print(f"\nlogin timing (API), N={n} each: median unknown VE {mu * 1000:.1f} ms, "
              f"wrong password {mw * 1000:.1f} ms, no hash {mn * 1000:.1f} ms; {took:.0f} s", flush=True)
        self.assertLess(abs(mu - mw) / max(mu, mw), 0.10)
        self.assertLess(mn, 0.5 * min(mu, mw), "the hash does not show in the timing: is the test measuring it?")

    def test_login_timing_self(self):
        """The same on the self screen's login form (each try with a fresh form token)."""
        mu, mw, _, n, took = self.timing("self", TIMING_SELF_N, "127.0.22.")
        print(f"\nlogin timing (self screen), N={n} each: median unknown VE {mu * 1000:.1f} ms, "
              f"wrong password {mw * 1000:.1f} ms; {took:.0f} s", flush=True)
        self.assertLess(abs(mu - mw) / max(mu, mw), 0.10)

    # ---- the login form's token (login CSRF) ---------------------------------------------------------

    def test_self_login_token(self):
        """POST /self/login needs the token of a login form this browser was given."""
        c = client(50)
        fails = lambda: int(veplib.sql_value(f"SELECT COUNT(*) FROM login_failures WHERE subject = '{self.a}'"))
        sessions = lambda: int(veplib.sql_value(f"SELECT COUNT(*) FROM sessions WHERE subject = '{self.a}'"))
        f0, s0 = fails(), sessions()
        tok = c.login_token()
        self.assertRegex(tok, r"^[0-9a-f]{32}-\d+-[0-9a-f]{64}$")
        ck = c.cookies["vep_self_login"]
        self.assertEqual(ck, tok, "double submit: the cookie holds the form's token")
        other = client(51).login_token()
        forged = tok[:-1] + ("0" if tok[-1] != "0" else "1")
        younger = re.sub(r"-(\d+)-", lambda m: f"-{int(m.group(1)) + 30}-", tok)
        creds = [("ve_id", self.a), ("password", PW)]
        cases = [("missing", creds, f"vep_self_login={ck}"),
                 ("empty", creds + [("login_token", "")], f"vep_self_login={ck}"),
                 ("no cookie", creds + [("login_token", tok)], ""),
                 ("cookie only", creds, f"vep_self_login={ck}"),
                 ("wrong", creds + [("login_token", "0" * 64)], f"vep_self_login={ck}"),
                 ("made up, both", creds + [("login_token", forged)], f"vep_self_login={forged}"),
                 ("time changed, both", creds + [("login_token", younger)], f"vep_self_login={younger}"),
                 ("another browser's", creds + [("login_token", other)], f"vep_self_login={ck}"),
                 ("another browser's, both", creds + [("login_token", other)], f"vep_self_login={tok}x"),
                 ("twice", creds + [("login_token", tok), ("login_token", tok)], f"vep_self_login={ck}"),
                 ("admin form's", creds + [("login_token", tok)], f"vep_admin_login={tok}")]
        for label, fields, cookie in cases:
            r = c.post_form("/self/login", fields, headers={"Cookie": cookie} if cookie else {"Cookie": "x=1"})
            self.assertEqual(r.status, 403, f"{label}: {r.status} {r.text[:200]}")
            self.assertNotIn("vep_sid", r.cookies(), label)
            self.assertIn("expired or did not come from this site", r.text, label)
            # The refusal shows a fresh form to log in with.
            self.assertIsNotNone(hidden(r.text, "login_token"), label)
        self.assertEqual((fails(), sessions()), (f0, s0), "a refused form counted a failure or made a session")
        # The admin login form's token does not open the self screen.
        adm = client(52)
        atok = hidden(adm.get("/admin/login").text, "login_token")
        r = adm.post_form("/self/login", creds + [("login_token", atok)],
                          headers={"Cookie": f"vep_self_login={atok}"})
        self.assertEqual(r.status, 403)
        # Cross-site POSTs are refused before the form is looked at, even with a good token.
        tok = c.login_token()
        r = c.post_form("/self/login", creds + [("login_token", tok)], headers={"Sec-Fetch-Site": "cross-site"})
        self.assertEqual(r.status, 403)
        self.assertNotIn("vep_sid", r.cookies())
        # The real form works, and the token cookie is dropped after the login.
        r = c.self_login(self.a, PW)
        self.assertEqual(r.status, 303, r.text[:200])
        self.assertIn("vep_sid", r.cookies())
        self.assertIn("max-age=0", r.cookies().get("vep_self_login", ("", []))[1])

    def test_self_login_token_expires(self):
        """A login form is good for [web] session_idle_s (30 min), with a minute for clock skew."""
        p = PrivateSelf()
        try:
            for age, want in ((0, 303), (1800, 303), (1801, 403), (-60, 303), (-61, 403)):
                p.set_clock(0)
                tok, ck = p.login_form()
                p.set_clock(age)
                body = urllib.parse.urlencode([("login_token", tok), ("ve_id", self.a), ("password", PW)]).encode()
                r = p.request("POST", "/self/login", body, cookie=ck, ctype="application/x-www-form-urlencoded")
                self.assertEqual(r.status, want, f"form {age} s old: {r.status}")
            # Under HTTPS the cookie is __Host- and Secure; the plain name is not accepted there.
            tok, ck = p.login_form(https=True)
            self.assertTrue(ck.startswith("__Host-vep_self_login="), ck)
            body = urllib.parse.urlencode([("login_token", tok), ("ve_id", self.a), ("password", PW)]).encode()
            r = p.request("POST", "/self/login", body, https=True, ctype="application/x-www-form-urlencoded",
                          cookie="vep_self_login=" + tok)
            self.assertEqual(r.status, 403)
            r = p.request("GET", "/self", https=True)
            self.assertIn("secure", r.cookies()["__Host-vep_self_login"][1])
        finally:
            p.stop()

    # ---- the hash limiter --------------------------------------------------------------------------------

    def test_hash_limiter_busy(self):
        """Every argon2id hash waits for a slot: a login (API and self screen), an order
        (API and signup form) and a password change all answer 503 with Retry-After and
        write nothing while the slots stay busy, and work once one is free."""
        lock = tempfile.mkdtemp(prefix="vep-sec-lock-")
        web = {"lock_dir": lock, "max_concurrent_hashes": 1, "hash_wait_ms": 100}
        progs = {n: Private(n, 1, web) for n in ("vep-api", "vep-self", "vep-signup")}
        api, selfp, signup = progs["vep-api"], progs["vep-self"], progs["vep-signup"]
        hash_before = veplib.sql_value(f"SELECT password_hash FROM ves WHERE id = '{self.b}'")
        hold = None
        try:
            # A session for the password change, made before the slot is taken.
            r = selfp.login(self.b, PW)
            self.assertEqual(r.status, 303, r.text[:200])
            sid = "vep_sid=" + r.cookies()["vep_sid"][0]
            csrf = hidden(selfp.request("GET", "/self", cookie=sid).text, "csrf")
            ftok, fck = selfp.login_form()
            sg = signup.request("GET", "/signup")
            sck = "; ".join(f"{k}={v[0]}" for k, v in sg.cookies().items())
            email = f"limiter-{secrets.token_hex(4)}@example.com"
            order = {"plan": "WEB1", "template": "debian-12", "email": email, "disk_quota_mb": 1000,
                     "always_on": True, "lifetime_days": 30, "root_password": PW, "login": ["ssh"],
                     "fs_fault_tolerance_s": 60, "backup_hours": 24, "firewall": "client"}
            form_order = [("csrf", hidden(sg.text, "csrf")), ("plan", "WEB1"), ("template", "debian-12"),
                          ("email", email), ("disk_quota_mb", "1000"), ("always_on", "true"),
                          ("lifetime_days", "30"), ("root_password", PW), ("login", "ssh"),
                          ("fs_fault_tolerance_s", "60"), ("backup_hours", "24"), ("firewall", "client")]
            newpw = "limiter-" + secrets.token_hex(8)
            pwform = urllib.parse.urlencode([("csrf", csrf), ("old_password", PW), ("new_password", newpw),
                                             ("confirm", newpw)]).encode()
            ctype = "application/x-www-form-urlencoded"

            def written():
                return veplib.sql(f"SELECT (SELECT COUNT(*) FROM accounts WHERE email = '{email}'), "
                                  "(SELECT COUNT(*) FROM ves), (SELECT COUNT(*) FROM ip_addresses WHERE ve_id IS NOT NULL), "
                                  f"(SELECT password_hash FROM ves WHERE id = '{self.b}')")[0]

            def attempts():
                return {
                    "API login": api.request("GET", f"/api/v1/ves/{self.a}", headers=basic(self.a, PW)),
                    "self login": selfp.request("POST", "/self/login", urllib.parse.urlencode(
                        [("login_token", ftok), ("ve_id", self.a), ("password", PW)]).encode(),
                        cookie=fck, ctype=ctype),
                    "API order": api.request("POST", "/api/v1/orders", json.dumps(order).encode(),
                                             ctype="application/json"),
                    "signup order": signup.request("POST", "/signup", urllib.parse.urlencode(form_order).encode(),
                                                   cookie=sck, ctype=ctype),
                    "password change": selfp.request("POST", "/self/password", pwform, cookie=sid, ctype=ctype),
                }

            before = written()
            hold = SlotHolder(lock)
            busy = attempts()
            for label, r in busy.items():
                self.assertEqual(r.status, 503, f"{label} with every slot busy: {r.status} {r.text[:200]}")
                self.assertEqual(r.header("Retry-After"), "1", label)
                self.assertIn("no-store", r.header("Cache-Control") or "", label)
                self.assertNotIn("vep_sid", r.cookies(), label)
            self.assertIn("nothing was created", busy["API order"].text)
            self.assertIn("nothing was created", busy["signup order"].text)
            self.assertIn(email, busy["signup order"].text, "the signup form lost its values")
            self.assertIn("nothing was changed", busy["password change"].text)
            self.assertEqual(written(), before, "a request turned away by the limiter wrote something")
            self.assertIn(self.b, selfp.request("GET", "/self", cookie=sid).text, "the session ended")
            # The slot free again: the same requests succeed.
            hold.release()
            ok = attempts()
            want = {"API login": 200, "self login": 303, "API order": 201, "signup order": 200,
                    "password change": 303}
            for label, r in ok.items():
                self.assertEqual(r.status, want[label], f"{label} after the slot came free: {r.status} {r.text[:200]}")
            mine = [v[0] for v in veplib.sql("SELECT v.id FROM ves v JOIN accounts a ON a.id = v.account_id "
                                             f"WHERE a.email = '{email}'")]
            self.ves.extend(v for v in mine if v not in self.ves)
            self.assertEqual(len(mine), 2, "the API order and the signup order")
        finally:
            if hold is not None:
                hold.release()
            for p in progs.values():
                p.stop()
            shutil.rmtree(lock, ignore_errors=True)
            veplib.sql(f"UPDATE ves SET password_hash = '{hash_before}' WHERE id = '{self.b}'")
            veplib.sql(f"DELETE FROM sessions WHERE kind = 'self' AND subject = '{self.b}'")
            self.clear_failures(self.a, self.b)

    def test_hash_limiter_concurrent(self):
        """More logins at once than slots: some 503 with Retry-After, the rest answered
        normally, no other 5xx; then the service answers normally again."""
        # A worker remembers a verified credential for 10 s (lib/web/credcache.c): each
        # round gives the VE a password of its own, so that every login of it needs a hash.
        hash_before = veplib.sql_value(f"SELECT password_hash FROM ves WHERE id = '{self.a}'")
        rounds = [(f"{PW} {k}", veplib.password_hash(f"{PW} {k}")) for k in range(5)]
        lock = tempfile.mkdtemp(prefix="vep-sec-lock-")
        api = Private("vep-api", 8, {"lock_dir": lock, "max_concurrent_hashes": 1, "hash_wait_ms": 0})
        try:
            statuses = []
            for round_, (pw, h) in enumerate(rounds):
                veplib.sql(f"UPDATE ves SET password_hash = '{h}' WHERE id = '{self.a}'")
                barrier = threading.Barrier(8)
                out = [None] * 8

                def one(i):
                    barrier.wait()
                    out[i] = api.request("GET", f"/api/v1/ves/{self.a}", headers=basic(self.a, pw))

                ts = [threading.Thread(target=one, args=(i,)) for i in range(8)]
                for t in ts:
                    t.start()
                for t in ts:
                    t.join(60)
                for r in out:
                    self.assertIsNotNone(r)
                    statuses.append(r.status)
                    self.assertIn(r.status, (200, 503), r.text[:200])
                    if r.status == 503:
                        self.assertEqual(r.header("Retry-After"), "1")
                        self.assertIn("error", r.json())
                if statuses.count(503) >= 3 and round_ >= 1:
                    break
            n503 = statuses.count(503)
            print(f"\nhash limiter: {len(statuses)} concurrent logins, 1 slot: {n503} answered 503, "
                  f"{statuses.count(200)} 200", flush=True)
            self.assertGreater(n503, 0, "no login was turned away with one slot and 8 at once")
            self.assertGreater(statuses.count(200), 0, "every login was turned away")
            veplib.sql(f"UPDATE ves SET password_hash = '{hash_before}' WHERE id = '{self.a}'")
            for _ in range(3):
                r = api.request("GET", f"/api/v1/ves/{self.a}", headers=basic(self.a, PW))
                self.assertEqual(r.status, 200, "the service did not recover")
        finally:
            api.stop()
            shutil.rmtree(lock, ignore_errors=True)
            veplib.sql(f"UPDATE ves SET password_hash = '{hash_before}' WHERE id = '{self.a}'")

    # ---- no-store on every API answer ------------------------------------------------------------------

    def test_api_no_store_every_route(self):
        """Every route of cgi/api.c's table, with good and bad input, as owner, operator,
        node and nobody: every answer carries Cache-Control: no-store."""
        with open(os.path.join(veplib.ROOT, "cgi", "api.c")) as f:
            routes = re.findall(r'\{\s*"(/api/v1/[^"]*)",\s*(M_\w+)', f.read())
        self.assertGreater(len(routes), 15)
        with open(os.path.join(veplib.VAR, "secrets", "node1.token")) as f:
            node_tok = f.read().strip()
        c = client(60)
        own, adm = basic(self.a, PW), self.admin
        node = "nostore-" + secrets.token_hex(3)
        month = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m")
        inv = veplib.sql_value("SELECT number FROM invoices ORDER BY number LIMIT 1") or "INV-2099-999999"
        order = {"plan": "WEB1", "template": "debian-12", "email": "nostore@example.com", "disk_quota_mb": 1000,
                 "always_on": True, "lifetime_days": 30, "root_password": PW, "login": ["ssh"],
                 "fs_fault_tolerance_s": 60, "backup_hours": 24, "firewall": "client"}
        made = {}
        J = "application/json"
        # (method, route pattern) -> [(label, path, body, headers, wanted status or None)]
        X = "{X}"       # the VE this test orders through the API
        cases = {
            ("POST", "/api/v1/orders"): [
                ("good", "/api/v1/orders", order, {}, 201), ("empty", "/api/v1/orders", {}, {}, 422),
                ("bad JSON", "/api/v1/orders", b"{", {}, 400), ("form", "/api/v1/orders", b"a=1",
                                                               {"Content-Type": "application/x-www-form-urlencoded"}, 415)],
            ("GET", "/api/v1/ves/*"): [
                ("owner", f"/api/v1/ves/{self.a}", None, own, 200), ("admin", f"/api/v1/ves/{self.a}", None, adm, 200),
                ("other VE", f"/api/v1/ves/{self.b}", None, own, 404), ("bad id", "/api/v1/ves/zz", None, own, None),
                ("nobody", f"/api/v1/ves/{self.a}", None, {}, 401),
                ("wrong password", f"/api/v1/ves/{self.a}", None, basic(self.a, "nope"), 401)],
            ("GET", "/api/v1/ves/*/history"): [
                ("good", f"/api/v1/ves/{self.a}/history?metric=cpu&from={month}-01T00:00:00Z&step=day&count=2",
                 None, own, 200),
                ("bad metric", f"/api/v1/ves/{self.a}/history?metric=nope&step=day&count=2", None, own, 422),
                ("nobody", f"/api/v1/ves/{self.a}/history?metric=cpu", None, {}, 401)],
            ("GET", "/api/v1/ves/*/charges"): [
                ("good", f"/api/v1/ves/{self.a}/charges?period={month}", None, own, 200),
                ("admin", f"/api/v1/ves/{self.a}/charges?period={month}", None, adm, 200),
                ("bad period", f"/api/v1/ves/{self.a}/charges?period=2026-13", None, own, 422),
                ("bad period, admin", f"/api/v1/ves/{self.a}/charges?period=x", None, adm, 422),
                ("twice", f"/api/v1/ves/{self.a}/charges?period={month}&period={month}", None, own, 422),
                ("other VE", f"/api/v1/ves/{self.b}/charges?period={month}", None, own, 404)],
            ("GET", "/api/v1/ves/*/invoices"): [
                ("good", f"/api/v1/ves/{self.a}/invoices", None, own, 200),
                ("bad id", "/api/v1/ves/0000000G/invoices", None, adm, None)],
            ("GET", "/api/v1/invoices/*"): [
                ("admin", f"/api/v1/invoices/{inv}", None, adm, None), ("owner, not theirs", "/api/v1/invoices/INV-2099-999999",
                                                                        None, own, 404),
                ("bad number", "/api/v1/invoices/x%27", None, adm, None)],
            ("POST", "/api/v1/ves/*/power"): [
                ("owner", f"/api/v1/ves/{self.a}/power", {"action": "restart"}, own, 202),
                ("bad action", f"/api/v1/ves/{self.a}/power", {"action": "explode"}, own, 422),
                ("other VE", f"/api/v1/ves/{self.b}/power", {"action": "stop"}, own, 404),
                ("nobody", f"/api/v1/ves/{self.a}/power", {"action": "stop"}, {}, 401)],
            ("POST", "/api/v1/nodes/*/ves/*/token"): [
                ("node, VE of another node", f"/api/v1/nodes/node1/ves/FFFFFFF0/token", {},
                 {"Authorization": "Bearer " + node_tok}, None),
                ("wrong token", f"/api/v1/nodes/node1/ves/{self.a}/token", {},
                 {"Authorization": "Bearer " + "0" * 48}, 401),
                ("nobody", f"/api/v1/nodes/node1/ves/{self.a}/token", {}, {}, 401)],
            ("GET", "/api/v1/invoices/*.pdf"): [
                ("admin", f"/api/v1/invoices/{inv}.pdf", None, adm, None),
                ("owner, not theirs", "/api/v1/invoices/INV-2099-999999.pdf", None, own, 404),
                ("nobody", f"/api/v1/invoices/{inv}.pdf", None, {}, 401)],
            ("POST", "/api/v1/payments/webhook"): [
                ("unsigned", "/api/v1/payments/webhook", {"id": "evt_nostore"}, {}, 401),
                ("bad signature", "/api/v1/payments/webhook", {"id": "evt_nostore"},
                 {"Vep-Signature": "t=1,v1=" + "0" * 64}, 401)],
            # Day two (SPEC section 11): changes, reinstall, backups; the nodes' reports; tax.
            ("PATCH", "/api/v1/ves/*"): [
                ("bad field", f"/api/v1/ves/{self.a}", {"mem_max_mb": "x"}, own, 422),
                ("other VE", f"/api/v1/ves/{self.b}", {"user_info": "x"}, own, 404),
                ("nobody", f"/api/v1/ves/{self.a}", {"user_info": "x"}, {}, 401)],
            ("POST", "/api/v1/ves/*/reinstall"): [
                ("bad template", f"/api/v1/ves/{self.a}/reinstall", {"template": "no such!", "root_password": "x"},
                 own, 422),
                ("nobody", f"/api/v1/ves/{self.a}/reinstall", {}, {}, 401)],
            ("GET", "/api/v1/ves/*/backups"): [
                ("owner", f"/api/v1/ves/{self.a}/backups", None, own, 200),
                ("nobody", f"/api/v1/ves/{self.a}/backups", None, {}, 401)],
            ("POST", "/api/v1/ves/*/backups"): [
                ("other VE", f"/api/v1/ves/{self.b}/backups", {}, own, 404),
                ("nobody", f"/api/v1/ves/{self.a}/backups", {}, {}, 401)],
            ("POST", "/api/v1/ves/*/restore"): [
                ("no backup", f"/api/v1/ves/{self.a}/restore", {"backup": ""}, own, 422),
                ("nobody", f"/api/v1/ves/{self.a}/restore", {"backup": "x"}, {}, 401)],
            ("POST", "/api/v1/nodes/*/ves/*/backups"): [
                ("wrong token", f"/api/v1/nodes/node1/ves/{self.a}/backups", {},
                 {"Authorization": "Bearer " + "0" * 48}, 401),
                ("nobody", f"/api/v1/nodes/node1/ves/{self.a}/backups", {}, {}, 401)],
            ("POST", "/api/v1/nodes/*/ves/*/moved"): [
                ("node, not moving", f"/api/v1/nodes/node1/ves/{self.a}/moved", {},
                 {"Authorization": "Bearer " + node_tok}, None),
                ("wrong token", f"/api/v1/nodes/node1/ves/{self.a}/moved", {},
                 {"Authorization": "Bearer " + "0" * 48}, 401),
                ("nobody", f"/api/v1/nodes/node1/ves/{self.a}/moved", {}, {}, 401)],
            ("GET", "/api/v1/admin/accounts/*/tax"): [
                ("unknown", "/api/v1/admin/accounts/999999999/tax", None, adm, None),
                ("owner", "/api/v1/admin/accounts/1/tax", None, own, 403),
                ("nobody", "/api/v1/admin/accounts/1/tax", None, {}, 401)],
            ("POST", "/api/v1/admin/accounts/*/tax"): [
                ("bad rate", "/api/v1/admin/accounts/999999999/tax", {"tax_bp": "x"}, adm, None),
                ("owner", "/api/v1/admin/accounts/1/tax", {"mode": "auto"}, own, 403)],
            ("GET", "/api/v1/nodes/*/ves"): [
                ("node", "/api/v1/nodes/node1/ves", None, {"Authorization": "Bearer " + node_tok}, 200),
                ("wrong token", "/api/v1/nodes/node1/ves", None, {"Authorization": "Bearer " + "0" * 48}, 401),
                ("nobody", "/api/v1/nodes/node1/ves", None, {}, 401)],
            ("GET", "/api/v1/admin/ves"): [
                ("good", "/api/v1/admin/ves?state=active", None, adm, 200),
                ("bad state", "/api/v1/admin/ves?state=nope", None, adm, 422),
                ("owner", "/api/v1/admin/ves", None, own, 403)],
            ("POST", "/api/v1/admin/ves/*/move"): [
                ("good", f"/api/v1/admin/ves/{X}/move", {"node": "node2"}, adm, None),
                ("no node", f"/api/v1/admin/ves/{X}/move", {"node": ""}, adm, 422),
                ("unknown field", f"/api/v1/admin/ves/{X}/move", {"zz": 1}, adm, 422)],
            ("POST", "/api/v1/admin/ves/*/suspend"): [
                ("good", f"/api/v1/admin/ves/{X}/suspend", {"reason": "no-store test"}, adm, 200),
                ("bad reason", f"/api/v1/admin/ves/{X}/suspend", {"reason": 5}, adm, 422)],
            ("POST", "/api/v1/admin/ves/*/resume"): [
                ("good", f"/api/v1/admin/ves/{X}/resume", {}, adm, 200),
                ("unknown VE", "/api/v1/admin/ves/FFFFFFF0/resume", {}, adm, 404)],
            ("DELETE", "/api/v1/admin/ves/*"): [
                ("good", f"/api/v1/admin/ves/{X}", None, adm, 200),
                ("again", f"/api/v1/admin/ves/{X}", None, adm, None),
                ("owner", f"/api/v1/admin/ves/{self.b}", None, own, 403)],
            ("GET", "/api/v1/admin/nodes"): [("good", "/api/v1/admin/nodes", None, adm, 200),
                                             ("nobody", "/api/v1/admin/nodes", None, {}, 401)],
            ("POST", "/api/v1/admin/nodes"): [
                ("good", "/api/v1/admin/nodes", {"name": node, "url": "http://127.0.0.1:9/metrics"}, adm, 201),
                ("bad name", "/api/v1/admin/nodes", {"name": "bad name!", "url": "http://127.0.0.1:9/"}, adm, 422),
                ("twice", "/api/v1/admin/nodes", {"name": node, "url": "http://127.0.0.1:9/metrics"}, adm, 409)],
            ("DELETE", "/api/v1/admin/nodes/*"): [
                ("good", f"/api/v1/admin/nodes/{node}", None, adm, 204),
                ("unknown", f"/api/v1/admin/nodes/{node}", None, adm, 404)],
            ("GET", "/api/v1/admin/plans"): [("good", "/api/v1/admin/plans", None, adm, 200)],
            ("POST", "/api/v1/admin/plans"): [
                ("no code", "/api/v1/admin/plans", {"code": ""}, adm, 422),
                ("bad valid_from", "/api/v1/admin/plans", {"code": "X", "valid_from": "soon"}, adm, 422),
                ("not JSON", "/api/v1/admin/plans", b"[", adm, 400)],
            ("POST", "/api/v1/admin/invoice-runs"): [
                ("good", "/api/v1/admin/invoice-runs", {"period": "2001-01"}, adm, None),
                ("bad period", "/api/v1/admin/invoice-runs", {"period": "x"}, adm, 422)],
            ("POST", "/api/v1/admin/payments"): [
                ("unknown invoice", "/api/v1/admin/payments",
                 {"invoice": "INV-2099-999999", "date": "2026-01-01", "amount_minor": 100}, adm, None),
                ("bad amount", "/api/v1/admin/payments", {"invoice": inv, "amount_minor": "x"}, adm, 422)],
            ("POST", "/api/v1/admin/credit-notes"): [
                ("unknown invoice", "/api/v1/admin/credit-notes",
                 {"invoice": "INV-2099-999999", "reason": "test", "lines": []}, adm, None),
                ("bad lines", "/api/v1/admin/credit-notes", {"invoice": inv, "lines": 5}, adm, 422)],
            ("GET", "/api/v1/admin/reports/*"): [
                ("good", f"/api/v1/admin/reports/revenue?from={month}-01&to={month}-02", None, adm, 200),
                ("CSV", f"/api/v1/admin/reports/usage?from={month}-01&to={month}-02", None,
                 dict(adm, Accept="text/csv"), 200),
                ("bad range", "/api/v1/admin/reports/revenue?from=2026-02-30&to=x", None, adm, 422),
                ("no such report", "/api/v1/admin/reports/nope", None, adm, 404)],
        }
        missing = [f"{m} {p}" for p, m in routes if (m[2:], p) not in cases]
        self.assertEqual(missing, [], "API routes without cases here")
        extra = [("unknown path", "GET", "/api/v1/nope", None, adm, 404),
                 ("wrong method", "PUT", "/api/v1/orders", None, {}, 405),
                 ("wrong method, owner", "DELETE", f"/api/v1/ves/{self.a}/charges", None, own, 405),
                 ("HEAD", "HEAD", f"/api/v1/ves/{self.a}", None, own, 200)]
        problems, n = [], 0
        sequence = [(f"{m} {p} {label}", m, path, body, h, want) for (m, p), rows in cases.items()
                    for label, path, body, h, want in rows] + extra
        for label, method, path, body, h, want in sequence:
            if X in path:
                if "X" not in made:
                    r = c.post_json("/api/v1/orders", dict(order, user_info="no-store lifecycle"))
                    self.assertEqual(r.status, 201, r.text[:200])
                    made["X"] = r.json()["ve_id"]
                    self.ves.append(made["X"])
                path = path.replace(X, made["X"])
            h = dict(h)
            if isinstance(body, dict):
                body = json.dumps(body).encode()
                h.setdefault("Content-Type", J)
            elif body is not None:
                h.setdefault("Content-Type", J)
            r = c.request(method, path, body=body, headers=h)
            n += 1
            if label.startswith("POST /api/v1/orders good") and r.status == 201:
                self.ves.append(r.json()["ve_id"])
            if NGINX_MARK in r.body:
                problems.append(f"{label}: the web server answered {r.status}")
                continue
            if r.status >= 500:
                problems.append(f"{label}: {r.status}")
            if want is not None and r.status != want:
                problems.append(f"{label}: {r.status}, want {want}: {r.text[:120]}")
            ctype = r.header("Content-Type") or ""
            if r.status not in (204,) and method != "HEAD" and not (
                    ctype.startswith("application/json") or ctype.startswith("text/csv") or
                    (ctype == "application/pdf" and path.endswith(".pdf"))):
                problems.append(f"{label}: Content-Type {ctype!r}")
            problems += [f"{label}: {r.status}: {p}" for p in security_header_problems(r, private=True)]
        print(f"\nno-store walk: {len(routes)} routes, {n} requests", flush=True)
        self.assertEqual(problems, [], "\n".join(problems[:40]))

    # ---- headers -------------------------------------------------------------------------------------

    def test_headers_everywhere(self):
        c = client(40)
        self.self_login(c, self.a)
        private = [c.get("/self"), c.get("/self/chart?metric=cpu&range=hour"),
                   c.get(f"/api/v1/ves/{self.a}", headers=basic(self.a, PW)),
                   c.get("/api/v1/admin/ves", headers=self.admin)]
        public = [c.get("/signup"), c.get("/self/nope"), c.request("PUT", "/signup"),
                  c.get("/api/v1/nope"), c.request("DELETE", "/api/v1/orders"), c.get("/admin/login"),
                  c.get("/admin/nope"), c.post_json("/api/v1/orders", {"plan": 1})]
        statuses = {a.status for a in public}
        self.assertTrue({404, 405, 422} <= statuses, statuses)
        problems = []
        for a in private:
            problems += [f"{a.method} {a.path} {a.status}: {p}" for p in security_header_problems(a, private=True)]
        # Every answer any client of this module got from our programs.
        for cl in CLIENTS:
            for a in cl.seen:
                if NGINX_MARK in a.body:
                    continue
                problems += [f"{a.method} {a.path} {a.status}: {p}" for p in security_header_problems(a)]
        self.assertEqual(problems, [], "\n".join(problems[:30]))

    def test_headers_web_server_errors(self):
        """The web server's own error pages (unknown path, body too large) need the headers too.

        Fails until nginx adds them: see SECURITY.md ("web server answers")."""
        c = client(41)
        answers = [c.get("/nope"), c.post_form("/signup", "a=" + "A" * 70000)]
        problems = []
        for a in answers:
            problems += [f"{a.method} {a.path} {a.status}: {p}" for p in security_header_problems(a)]
        self.assertEqual(problems, [], "\n".join(problems))


if __name__ == "__main__":
    unittest.main()
