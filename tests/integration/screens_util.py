"""Helpers shared by test_signup.py, test_self.py and test_api_owner.py:
a small HTTP client with a cookie jar, the database through the mariadb
CLI, a valid order, and clean-up of the VEs a test made (marked deleted,
their addresses, sessions and failed logins released, as an operator's
delete would)."""
import base64
import http.client
import json
import os
import re
import subprocess
import time
import urllib.parse

BASE = os.environ.get("VEP_HTTP", "http://127.0.0.1:8080")
_u = urllib.parse.urlsplit(BASE)
HOST, PORT = _u.hostname, _u.port or 80
SOCKET = os.environ.get("VEP_DB_SOCKET", "")


class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers            # list of (name, value)
        self.body = body
        self.text = body.decode("utf-8", "replace")

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def cookies_set(self):
        return [v for k, v in self.headers if k.lower() == "set-cookie"]

    def json(self):
        return json.loads(self.text)


class Client:
    """One browser: a cookie jar and a source address."""

    def __init__(self, source="127.0.0.1"):
        self.jar = {}
        self.source = source

    def request(self, method, path, body=None, headers=None, cookies=True):
        h = dict(headers or {})
        if cookies and self.jar:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        c = http.client.HTTPConnection(HOST, PORT, timeout=60, source_address=(self.source, 0))
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            resp = Resp(r.status, r.getheaders(), r.read())
        finally:
            c.close()
        for sc in resp.cookies_set():
            name, _, rest = sc.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in sc:
                self.jar.pop(name, None)
            else:
                self.jar[name] = value
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post_form(self, path, pairs, **kw):
        body = urllib.parse.urlencode(pairs)
        return self.request("POST", path, body=body,
                            headers={"Content-Type": "application/x-www-form-urlencoded"}, **kw)

    def login_token(self):
        """A fresh self login form's token; its cookie lands in the jar.

        The form is asked for without the jar's cookies, so a logged-in
        browser gets one too (it would see its dashboard otherwise)."""
        r = self.get("/self", cookies=False)
        m = re.search(r'name="login_token" value="([0-9a-f-]+)"', r.text)
        return m.group(1) if m else ""

    def self_login(self, ve, pw):
        """The self screen's login as a browser does it: the form, then the POST."""
        return self.post_form("/self/login", [("login_token", self.login_token()), ("ve_id", ve),
                                              ("password", pw)])

    def post_json(self, path, obj, headers=None):
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        body = obj if isinstance(obj, (str, bytes)) else json.dumps(obj)
        return self.request("POST", path, body=body, headers=h, cookies=False)


def basic(ve_id, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{ve_id}:{password}".encode()).decode()}


def bearer():
    return {"Authorization": "Bearer " + os.environ.get("VEP_ADMIN_TOKEN", "")}


def sql(query):
    """Rows of a query (tab-separated CLI output) as lists of strings."""
    out = subprocess.run(["mariadb", "--no-defaults", f"--socket={SOCKET}", "-uroot", "-N", "-B",
                          "vepanel", "-e", query], check=True, capture_output=True, text=True,
                         timeout=60).stdout
    return [line.split("\t") for line in out.splitlines() if line != ""]


def sql1(query):
    rows = sql(query)
    return rows[0][0] if rows else None


def q(s):
    """A string literal for SQL built by the tests (test data only)."""
    return "'" + str(s).replace("\\", "\\\\").replace("'", "''") + "'"


def counts(email=None):
    """Rows of accounts, orders, VEs and assigned addresses: all of them, or those of one
    customer (e-mail), which stays exact while other tests write at the same time."""
    if email is None:
        return tuple(int(x) for x in sql(
            "SELECT (SELECT COUNT(*) FROM accounts), (SELECT COUNT(*) FROM orders), "
            "(SELECT COUNT(*) FROM ves), (SELECT COUNT(*) FROM ip_addresses WHERE ve_id IS NOT NULL)")[0])
    e = q(email)
    return tuple(int(x) for x in sql(
        f"SELECT (SELECT COUNT(*) FROM accounts WHERE email = {e}), "
        f"(SELECT COUNT(*) FROM orders o JOIN accounts a ON a.id = o.account_id WHERE a.email = {e}), "
        f"(SELECT COUNT(*) FROM ves v JOIN accounts a ON a.id = v.account_id WHERE a.email = {e}), "
        f"(SELECT COUNT(*) FROM ip_addresses i JOIN ves v ON v.id = i.ve_id "
        f"JOIN accounts a ON a.id = v.account_id WHERE a.email = {e})")[0])


def uniq(prefix="t"):
    return f"{prefix}{int(time.time() * 1000) % 10**10}{os.getpid() % 1000}"


def order(**over):
    """A valid order (JSON types); keyword arguments replace or add fields, None removes."""
    o = {"plan": "WEB1", "template": "debian-12", "email": f"{uniq('it')}@example.com",
         "disk_quota_mb": 1000, "always_on": True, "lifetime_days": 30,
         "root_password": "integration-pass-" + uniq(), "login": ["ssh"],
         "fs_fault_tolerance_s": 60, "backup_hours": 24, "firewall": "client", "ip_count": 1}
    for k, v in over.items():
        if v is None:
            o.pop(k, None)
        else:
            o[k] = v
    return o


def form_pairs(o):
    """The same order as the signup form sends it."""
    pairs = []
    for k, v in o.items():
        if isinstance(v, bool):
            pairs.append((k, "true" if v else "false"))
        elif k == "login":
            pairs.extend(("login", x) for x in v)
        elif k == "dns_names":
            pairs.append((k, "\n".join(v)))
        else:
            pairs.append((k, str(v)))
    return pairs


def signup_form(client):
    """GET /signup: (csrf token, idempotency key) from the page; the cookie lands in the jar."""
    r = client.get("/signup")
    assert r.status == 200, r.status
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', r.text).group(1)
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', r.text).group(1)
    return csrf, key


def create_ve(**over):
    """A VE through the API: (ve_id, password, answer)."""
    o = order(**over)
    r = Client().post_json("/api/v1/orders", o)
    assert r.status == 201, (r.status, r.text)
    a = r.json()
    return a["ve_id"], o["root_password"], a


def release(ve_ids, addrs=()):
    """Give back what tests made: VEs deleted, addresses free, sessions and failures gone."""
    ids = ",".join(q(v) for v in ve_ids if v)
    if ids:
        sql(f"UPDATE ip_addresses SET ve_id = NULL, seq = NULL, dns_name = NULL WHERE ve_id IN ({ids}); "
            f"UPDATE ves SET state = 'deleted', state_reason = 'integration test' WHERE id IN ({ids}); "
            f"DELETE FROM sessions WHERE kind = 'self' AND subject IN ({ids}); "
            f"DELETE FROM login_failures WHERE subject IN ({ids})")
    for a in addrs:
        sql(f"DELETE FROM login_failures WHERE addr = {q(a)}")
