"""Shared helpers for vepanel's integration tests (Python stdlib only).

The environment comes from ./dev test (or `eval "$(./dev env)"`):
VEP_HTTP, VEP_DB_SOCKET, VEP_BUILD, VEP_ROOT, VEP_CONF, VEP_ADMIN_TOKEN, VEP_VAR.
"""
import base64
import http.client
import json
import os
import re
import subprocess
import time
import urllib.parse

HTTP = os.environ.get("VEP_HTTP", "http://127.0.0.1:8080")
SOCK = os.environ.get("VEP_DB_SOCKET", "")
BUILD = os.environ.get("VEP_BUILD", "")
ROOT = os.environ.get("VEP_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "../..")))
CONF = os.environ.get("VEP_CONF", "")
VAR = os.environ.get("VEP_VAR", os.path.join(ROOT, "var"))
ADMIN_TOKEN = os.environ.get("VEP_ADMIN_TOKEN", "")
DB = os.environ.get("VEP_DB_NAME", "vepanel")
# The instance's billingd serves /metrics here (./dev's VEP_BILLINGD_PORT).
BILLINGD_PORT = int(os.environ.get("VEP_BILLINGD_PORT", "9300") or 9300)
# Sanitizer builds run several times slower: ./dev test sets this for the
# ASan instance, and every wait_until timeout is multiplied by it.
TIMEOUT_SCALE = float(os.environ.get("VEP_TIMEOUT_SCALE", "1") or 1)


def billingd_metrics(port=None):
    """The instance's billingd /metrics as {series: float}; {} when it does not answer."""
    import urllib.request
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % (port or BILLINGD_PORT),
                                    timeout=3) as r:
            text = r.read().decode()
    except OSError:
        return {}
    m = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            k, v = line.rsplit(" ", 1)
            m[k] = float(v)
    return m


def wait_billingd_settled(ticks=3, timeout=30, what="billingd settled", port=None):
    """Wait until the instance's billingd has gone round its loop `ticks`
    more times and holds nothing unwritten (memory queue and spool empty):
    whatever it had in flight when this was called has landed.  (Batches
    are made only when there is usage, so their count is no clock.)"""
    def ticks_now():
        return billingd_metrics(port).get("billingd_ticks_total", -1)
    t0 = ticks_now()

    def settled():
        m = billingd_metrics(port)
        return (t0 >= 0 and m.get("billingd_ticks_total", -1) >= t0 + ticks and
                m.get("billingd_memory_queue_bytes") == 0 and m.get("billingd_spool_bytes", 0) <= 8)
    wait_until(settled, timeout, what)


def wait_until(pred, timeout=20, what="condition", interval=0.05):
    """Poll pred() until it returns a true value and return that value.

    The tests wait on conditions, never for a fixed time: a fast machine
    goes on at once, a loaded one gets up to timeout (scaled by
    VEP_TIMEOUT_SCALE) seconds.  On timeout the AssertionError names what
    was awaited and the last value pred returned."""
    end = time.monotonic() + timeout * TIMEOUT_SCALE
    step = interval
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > end:
            raise AssertionError("timed out after %.1f s waiting for %s (last: %r)"
                                 % (timeout * TIMEOUT_SCALE, what, v))
        # The one sleep behind every wait: polling, with a growing step (at
        # most 0.5 s) so a long wait does not hammer the thing it watches.
        time.sleep(step)
        step = min(step * 1.5, 0.5)


class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers          # list of (name, value)
        self.body = body                # bytes

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def headers_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def set_cookies(self):
        return self.headers_all("Set-Cookie")

    cookies_set = set_cookies

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class Client:
    """One browser: a cookie jar and a source address (a loopback address of
    the test's own keeps throttling by address apart from other tests)."""

    def __init__(self, source="127.0.0.1"):
        self.jar = {}
        self.source = source

    def request(self, method, path, body=None, headers=None, cookies=True):
        u = urllib.parse.urlsplit(HTTP)
        h = dict(headers or {})
        if cookies and self.jar:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        c = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=60,
                                       source_address=(self.source, 0))
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            resp = Resp(r.status, r.getheaders(), r.read())
        finally:
            c.close()
        for sc in resp.set_cookies():
            name, _, rest = sc.partition("=")
            if "Max-Age=0" in sc:
                self.jar.pop(name, None)
            else:
                self.jar[name] = rest.split(";", 1)[0]
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post_form(self, path, pairs, **kw):
        return self.request("POST", path, body=urllib.parse.urlencode(pairs),
                            headers={"Content-Type": "application/x-www-form-urlencoded"}, **kw)

    post = post_form

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


def request(method, path, body=None, headers=None, timeout=30):
    """One HTTP request to the instance; body may be bytes, str, dict (JSON)."""
    u = urllib.parse.urlsplit(HTTP)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=timeout)
    h = dict(headers or {})
    if isinstance(body, dict) or isinstance(body, list):
        body = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    elif isinstance(body, str):
        body = body.encode()
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    res = Resp(r.status, r.getheaders(), data)
    conn.close()
    return res


def form(path, fields, headers=None):
    """POST an urlencoded form; fields is a list of (name, value) pairs."""
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    h.update(headers or {})
    return request("POST", path, urllib.parse.urlencode(fields), h)


def admin_headers():
    return {"Authorization": "Bearer " + ADMIN_TOKEN}


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def sql(query, db=None, raw=True):
    """Run SQL as root over the private socket; returns rows as lists of strings
    (raw=False: the CLI's escapes, \\t and \\n, inside values)."""
    out = subprocess.run(["mariadb", "--no-defaults", f"--socket={SOCK}", "-uroot", "-N", "-B",
                          *(["--raw"] if raw else []), db or DB, "-e", query],
                         check=True, capture_output=True, text=True, timeout=120).stdout
    return [line.split("\t") for line in out.splitlines() if line != ""]


def q(s):
    """A SQL string literal for the tests' own data (never for untrusted text)."""
    return "'" + str(s).replace("\\", "\\\\").replace("'", "''") + "'"


def sql_value(query, db=None):
    rows = sql(query, db)
    return rows[0][0] if rows else None


def sql_try(query, db=None):
    """Run SQL; returns (returncode, stderr) instead of raising."""
    p = subprocess.run(["mariadb", "--no-defaults", f"--socket={SOCK}", "-uroot", "-N", "-B",
                        db or DB, "-e", query], capture_output=True, text=True)
    return p.returncode, p.stderr


def counts(tables):
    """Row counts of tables, for "nothing written" checks."""
    return {t: int(sql_value(f"SELECT COUNT(*) FROM {t}")) for t in tables}


def vepctl(*args, check=True):
    return subprocess.run([os.path.join(BUILD, "tools", "vepctl"), "-f", CONF, *args],
                          capture_output=True, text=True, check=check)


def password_hash(password, prefix="ittest"):
    """The instance's own argon2id hash of password (made by `vepctl admin set`
    for a throw-away operator, who is removed again): for VEs and accounts
    the tests write straight into the database."""
    import random
    import tempfile
    name = "%s-%06x" % (prefix, random.randrange(1 << 24))
    with tempfile.NamedTemporaryFile("w", delete=False) as f:
        f.write(password + "\n")
    try:
        vepctl("admin", "set", name, "--password-file", f.name)
    finally:
        os.unlink(f.name)
    h = sql_value("SELECT password_hash FROM admins WHERE name = '%s'" % name)
    sql("DELETE FROM admins WHERE name = '%s'" % name)
    return h


def set_up_class(cls, *args):
    """cls.setup(*args); when it fails, cls.tearDownClass() removes what it made
    (unittest does not call it after a failed setUpClass), then the failure."""
    try:
        cls.setup(*args)
    except BaseException:
        cls.tearDownClass()
        raise


def drop_ves(ids):
    """Remove the tests' own VEs (written straight into the database) with their usage."""
    ids = ", ".join("'%s'" % v for v in ids)
    if ids:
        sql("DELETE FROM usage_hour WHERE ve_id IN (%s)" % ids)
        sql("DELETE FROM usage_day WHERE ve_id IN (%s)" % ids)
        sql("DELETE FROM ves WHERE id IN (%s)" % ids)


def drop_plan(plan_id):
    """Remove a test's own plan with its versions and orders; nothing for None."""
    if plan_id is not None:
        sql("DELETE FROM orders WHERE plan_id = %d" % plan_id)
        sql("DELETE FROM plan_versions WHERE plan_id = %d" % plan_id)
        sql("DELETE FROM plans WHERE id = %d" % plan_id)


def start_listening(argv, lines, timeout, port_re=r"\(port (\d+)\)"):
    """Starts a daemon of ours told to listen on port 0 (argv), its stderr
    read line by line into lines (newline kept) by a thread.  Returns
    (process, port, thread) once a line says the port (port_re's group 1), or
    with port None when none did in timeout s or the daemon ended."""
    import threading
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    got, port = threading.Event(), []

    def reader():
        for line in proc.stderr:
            lines.append(line)
            m = re.search(port_re, line)
            if m and not port:
                port.append(int(m.group(1)))
                got.set()
        got.set()
    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    got.wait(timeout)
    return proc, (port[0] if port else None), thread


def stop_process(proc, timeout=10):
    """Terminate a child the test started, killing it when it does not end in timeout s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def ssh_connect(addr, password, timeout=10):
    """A paramiko client (python3-paramiko) logged in as root at addr with
    password, every step of the login bounded by timeout s."""
    import paramiko
    c = paramiko.SSHClient()
    c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    c.connect(addr, username="root", password=password, timeout=timeout,
              allow_agent=False, look_for_keys=False, banner_timeout=timeout, auth_timeout=timeout)
    return c


def ssh_works(connect):
    """Whether connect() logs in (the session is closed again at once)."""
    try:
        connect().close()
        return True
    except Exception:
        return False


def ssh_run(client, cmd, stdin=None, timeout=60):
    """cmd over a connected paramiko client (closed afterwards), stdin written
    and closed when given: (exit status, stdout, stderr) as text."""
    try:
        i, o, e = client.exec_command(cmd, timeout=timeout)
        if stdin is not None:
            i.write(stdin)
            i.channel.shutdown_write()
        out = o.read()
        err = e.read().decode(errors="replace")
        return o.channel.recv_exit_status(), out.decode(errors="replace"), err
    finally:
        client.close()
