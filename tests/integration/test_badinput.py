"""The bad-input battery: every form field and API parameter of the running
instance, sent wrong in every way badinput_cases.py knows.

For each case: a 4xx with a clear message (JSON error shape or a page),
never 5xx; no SQL error text; a payload holding < > " ' never echoed raw
in HTML; the security headers present; and, per group, no database
change (row counts of accounts, orders, ves, assigned addresses,
sessions, invoices, plans, nodes, payments before == after).

State-changing requests that could succeed with a harmless value (free
text such as user_info) carry one other, known-bad "poison" field, so the
field under test still goes through its parser and validator but nothing
may be written.  Failed logins come from loopback addresses of their own
(127.0.10.x), so they never use up 127.0.0.1's throttling budget, and
their login_failures rows are removed afterwards.

The whole payload lists are sent to a few representative fields; the
others get a rotating sample (so every payload is used somewhere).  The
count of fields x cases is printed at the end.
"""
import base64
import datetime
import os
import re
import secrets
import sys
import time
import unittest
import urllib.parse

import veplib
from badinput_cases import (NGINX_MARK, Case, Client, answer_problems, url_safe, encoding_cases, hidden, injection_cases,
                            json_encoding_cases, json_with, numeric_cases, structural_cases,
                            urlencode_with)

SAMPLE = int(os.environ.get("VEP_BADINPUT_SAMPLE", "12"))
# Other suites (and other people) use the same instance, so a count that
# moves is not proof of a write by this battery: every write is attributed.
# An account made during the group with an e-mail address this battery sent,
# a plan or node with a name it sent, a new session of its own VE, or (in
# the groups that could cause them) a new invoice or payment is a write by us.
SENT = {"email": set(), "code": set(), "name": set()}
OUR_VES = set()


def q(v):
    return "'" + v.replace("\\", "\\\\").replace("'", "''") + "'"


def snapshot():
    row = veplib.sql("SELECT COALESCE(MAX(id), 0) FROM accounts")[0]
    ids = ",".join(q(v) for v in OUR_VES) or "''"
    d = {"_max_account": int(row[0]),
         "sessions": int(veplib.sql_value(f"SELECT COUNT(*) FROM sessions WHERE subject IN ({ids})"))}
    for t in ("invoices", "payments"):
        d[t] = int(veplib.sql_value(f"SELECT COUNT(*) FROM {t}"))
    return d


def changes(before, exact=()):
    """Sentences naming every write the battery caused since before."""
    after = snapshot()
    out = [f"{k} {before[k]}->{after[k]}" for k in ("sessions",) + tuple(exact) if before[k] != after[k]]
    for aid, email in veplib.sql(f"SELECT id, email FROM accounts WHERE id > {before['_max_account']}"):
        if "badinput" in email or email in SENT["email"]:
            ves = veplib.sql(f"SELECT v.id, COUNT(i.id) FROM ves v LEFT JOIN ip_addresses i ON i.ve_id = v.id "
                             f"WHERE v.account_id = {aid} GROUP BY v.id")
            out.append(f"account {aid} <{email}> created with VEs/addresses {ves}")
    codes = [c for c in SENT["code"] if len(c) <= 64 and "\x00" not in c] + ["BADIN1"]
    for row in veplib.sql("SELECT code FROM plans WHERE code IN (" + ",".join(q(c) for c in codes) + ")"):
        out.append(f"plan {row[0]!r} created")
    names = [c for c in SENT["name"] if len(c) <= 64 and "\x00" not in c] + ["badinput-node"]
    for row in veplib.sql("SELECT name FROM nodes WHERE name IN (" + ",".join(q(c) for c in names) + ")"):
        out.append(f"node {row[0]!r} created")
    return out


ADDR_NET = "127.0.10."
TOTAL = {"fields": 0, "cases": 0}
FIELDS_SEEN = set()


def now_iso(off=0):
    return datetime.datetime.fromtimestamp(int(time.time()) + off, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def this_month():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m")


class Rotor:
    """Clients on fresh loopback addresses: a new one every `per` requests."""

    def __init__(self, per=40):
        self.per = per
        self.n = 0
        self.i = 0
        self.used = []
        self.client = None

    def next(self):
        if self.client is None or self.n >= self.per:
            self.i += 1
            addr = ADDR_NET + str(self.i % 250 + 1)
            self.used.append(addr)
            self.client = Client(addr)
            self.n = 0
        self.n += 1
        return self.client


ROTOR = Rotor()


def order_base(fmt):
    """A valid order; fmt "form" gives (k, v) pairs, "json" a dict."""
    d = {"plan": "WEB1", "template": "debian-12", "email": "badinput@example.com", "disk_quota_mb": 1000,
         "always_on": True, "lifetime_days": 30, "root_password": "correct horse battery staple",
         "login": ["ssh"], "cpu_min_bogomips": 0, "net_bw_min_kbps": 0, "net_bw_max_kbps": 0,
         "net_in_bw_min_kbps": 0, "net_in_bw_max_kbps": 0, "net_out_bw_min_kbps": 0,
         "net_out_bw_max_kbps": 0, "net_quota_min_mb": 0, "net_quota_max_mb": 0,
         "net_in_quota_min_mb": 0, "net_in_quota_max_mb": 0, "net_out_quota_min_mb": 0,
         "net_out_quota_max_mb": 0, "mem_max_mb": 0, "fs_fault_tolerance_s": 60, "backup_hours": 24,
         "firewall": "client", "ip_count": 1, "dns_names": ["a.example.com"],
         "user_info": "hello", "idempotency_key": secrets.token_hex(16)}
    if fmt == "json":
        return d
    pairs = []
    for k, v in d.items():
        if isinstance(v, list):
            if k == "dns_names":
                pairs.append((k, " ".join(v)))
            else:
                pairs += [(k, x) for x in v]
        elif isinstance(v, bool):
            pairs.append((k, "true" if v else "false"))
        else:
            pairs.append((k, str(v)))
    return pairs


# name: (max length or None, numeric, required)
ORDER_FIELDS = {
    "plan": (32, False, True), "template": (32, False, True), "email": (254, False, True),
    "disk_quota_mb": (None, True, True), "always_on": (None, False, True),
    "lifetime_days": (None, True, True), "root_password": (128, False, True),
    "login": (None, False, True), "cpu_min_bogomips": (None, True, False),
    "net_bw_min_kbps": (None, True, False), "net_bw_max_kbps": (None, True, False),
    "net_in_bw_min_kbps": (None, True, False), "net_in_bw_max_kbps": (None, True, False),
    "net_out_bw_min_kbps": (None, True, False), "net_out_bw_max_kbps": (None, True, False),
    "net_quota_min_mb": (None, True, False), "net_quota_max_mb": (None, True, False),
    "net_in_quota_min_mb": (None, True, False), "net_in_quota_max_mb": (None, True, False),
    "net_out_quota_min_mb": (None, True, False), "net_out_quota_max_mb": (None, True, False),
    "mem_max_mb": (None, True, False), "fs_fault_tolerance_s": (None, True, True),
    "backup_hours": (None, True, True), "firewall": (None, False, True),
    "firewall_file": (64, False, False), "ip_count": (None, True, False),
    "dns_names": (253, False, False), "user_info": (1024, False, False),
    "idempotency_key": (128, False, False),
}
FULL_LISTS = {"signup:user_info", "signup:email", "orders:email", "orders:user_info", "self-login:ve_id",
              "admin-ves:q", "history:metric"}


def cases_for(tag, name, base, maxlen=None, numeric=False, required=True, json_mode=False):
    c = structural_cases(base, maxlen, required, numeric)
    if json_mode:
        c += json_encoding_cases()
        c += numeric_cases(json_mode=True) if numeric else [Case("num-for-text", "json", 7, True)]
    else:
        c += encoding_cases(base)
        if numeric:
            c += numeric_cases()
    key = f"{tag}:{name}"
    if key in FULL_LISTS:
        c += injection_cases()
    else:
        c += injection_cases(SAMPLE, offset=len(FIELDS_SEEN))
    FIELDS_SEEN.add(key)
    return c


class Battery(unittest.TestCase):
    """One test method per endpoint; each collects every failing case."""

    @classmethod
    def setUpClass(cls):
        cls.admin = {"Authorization": "Bearer " + veplib.ADMIN_TOKEN}
        c = Client()
        r = c.post_json("/api/v1/orders", dict(order_base("json"), dns_names=[], user_info="badinput owner"))
        if r.status != 201:
            raise unittest.SkipTest(f"cannot create the battery's VE: {r.status} {r.text[:200]}")
        cls.ve = r.json()["ve_id"]
        OUR_VES.add(cls.ve)
        cls.ve_pw = "correct horse battery staple"

    @classmethod
    def tearDownClass(cls):
        c = Client()
        c.request("DELETE", f"/api/v1/admin/ves/{cls.ve}", headers=cls.admin)
        addrs = ",".join(f"'{a}'" for a in set(ROTOR.used)) or "''"
        veplib.sql(f"DELETE FROM login_failures WHERE addr IN ({addrs}) OR subject = '{cls.ve}'")
        print(f"\nbad-input battery: {TOTAL['fields']} fields x cases tried = {TOTAL['cases']} requests "
              f"({len(FIELDS_SEEN)} distinct fields)", file=sys.stderr)

    # -- the runner --------------------------------------------------------------------------

    def run_group(self, tag, fields, send, want_4xx=True, api=None, field_named=None, exact=()):
        """fields: [(name, cases)]; send(name, case) -> Answer.  Collects every problem."""
        problems = []
        before = snapshot()
        n = 0
        for name, cases in fields:
            TOTAL["fields"] += 1
            for case in cases:
                n += 1
                try:
                    a = send(name, case)
                except OSError as e:
                    problems.append(f"{tag} {name} {case!r}: {e}")
                    continue
                if case.kind in ("value", "json") and isinstance(case.value, str):
                    for k in SENT:
                        if name.endswith(k) or name.endswith(" node") and k == "name":
                            SENT[k].add(case.value.strip())
                w4 = want_4xx(name, case) if callable(want_4xx) else want_4xx
                payload = case.value if case.kind == "value" else None
                for p in answer_problems(a, payload, want_4xx=w4, api=api):
                    problems.append(f"{tag} {name} {case!r}: {p} [{a.status} {a.text[:120]!r}]")
                if field_named is not None and case.invalid and 400 <= a.status < 500:
                    why = field_named(name, case, a)
                    if why:
                        problems.append(f"{tag} {name} {case!r}: {why}")
        TOTAL["cases"] += n
        changed = changes(before, exact)
        if changed:
            problems.append(f"{tag}: database changed: " + "; ".join(changed))
        if problems:
            self.fail(f"{len(problems)} problems in {n} cases:\n" + "\n".join(problems[:60]))

    @staticmethod
    def json_field_named(name, case, a):
        """A refused JSON field must be named in error.fields (422), or the body refused whole (400)."""
        if a.status in (400, 413, 414, 415) or NGINX_MARK in a.body:
            return None
        try:
            fields = a.json()["error"].get("fields") or {}
        except (ValueError, KeyError, TypeError):
            return "no JSON error"
        top = name.split(".")[0]
        if name not in fields and top not in fields:
            return f"{a.status} does not name {name!r} (fields: {sorted(fields)[:6]})"
        return None

    # -- signup -----------------------------------------------------------------------------

    def test_signup_form(self):
        c = Client()
        r = c.get("/signup")
        self.assertEqual(r.status, 200)
        token = hidden(r.text, "csrf")
        self.assertRegex(token or "", r"^[0-9a-f]{32}-\d+-[0-9a-f]{64}$", "no signed csrf field on /signup")
        base = order_base("form") + [("csrf", token)]
        fields = []
        for name, (maxlen, numeric, required) in ORDER_FIELDS.items():
            b = dict(base).get(name, "ssh")
            fields.append((name, cases_for("signup", name, b, maxlen, numeric, required)))
        fields.append(("csrf", cases_for("signup", "csrf", token, 127)))

        def send(name, case):
            poison = ("backup_hours", "0") if name == "lifetime_days" else ("lifetime_days", "0")
            pairs = [(k, v) for k, v in base if k != poison[0]] + [poison]
            if name == "login":
                pairs = [(k, v) for k, v in pairs if k != "login"]
            return c.post_form("/signup", urlencode_with(pairs, name, case))

        self.run_group("signup", fields, send)

    def test_orders_json(self):
        c = Client()
        base = order_base("json")
        fields = []
        for name, (maxlen, numeric, required) in ORDER_FIELDS.items():
            b = base.get(name, "")
            b = b[0] if isinstance(b, list) else str(b)
            fields.append((name, cases_for("orders", name, b, maxlen, numeric, required, json_mode=True)))
        fields.append(("unknown_field", [Case("unknown", "json", 1, True), Case("empty-name", "json", 1, None)]))

        def send(name, case):
            poison = "backup_hours" if name == "lifetime_days" else "lifetime_days"
            b = dict(base, **{poison: 0})
            if case.label == "empty-name":
                return c.post_json("/api/v1/orders", json_with(b, ("",), case))
            return c.post_json("/api/v1/orders", json_with(b, (name,), case))

        self.run_group("orders", fields, send, api=True, field_named=self.json_field_named)

    # -- self ----------------------------------------------------------------------------------

    def test_self_login(self):
        # Every case carries a fresh, valid login-form token (and its cookie),
        # so the field under test reaches its validator; the token itself is
        # one of the fields (every case of it must be refused).
        example = Client().login_token()
        self.assertRegex(example, r"^[0-9a-f]{32}-\d+-[0-9a-f]{64}$", "no login_token on /self")
        fields = [("ve_id", cases_for("self-login", "ve_id", "FFFFFFFE", 8)),
                  ("password", cases_for("self-login", "password", "not the password", 1024)),
                  ("login_token", cases_for("self-login", "login_token", example, 127) +
                   [Case("other-form", "value", example, True)])]

        def send(name, case):
            c = ROTOR.next()
            pairs = [("login_token", c.login_token()), ("ve_id", "FFFFFFFE"), ("password", "not the password")]
            return c.post_form("/self/login", urlencode_with(pairs, name, case))

        self.run_group("self-login", fields, send)

    def test_self_password(self):
        c = Client("127.0.10.251")
        r = c.self_login(self.ve, self.ve_pw)
        self.assertEqual(r.status, 303, r.text[:200])
        r = c.get("/self")
        token = hidden(r.text, "csrf")
        self.assertTrue(token, "no csrf field on the dashboard")
        hash_before = veplib.sql_value(f"SELECT password_hash FROM ves WHERE id = '{self.ve}'")
        base = [("csrf", token), ("old_password", self.ve_pw), ("new_password", "N" * 20),
                ("confirm", "M" * 20)]
        fields = [(n, cases_for("self-password", n, dict(base)[n], 64 if n == "csrf" else 1024))
                  for n in ("csrf", "old_password", "new_password", "confirm")]

        def send(name, case):
            a = c.post_form("/self/password", urlencode_with(base, name, case))
            if name == "old_password":
                # A wrong current password counts as a failed login; keep the VE usable.
                veplib.sql(f"DELETE FROM login_failures WHERE subject = '{self.ve}'")
            return a

        self.run_group("self-password", fields, send)
        self.assertEqual(veplib.sql_value(f"SELECT password_hash FROM ves WHERE id = '{self.ve}'"),
                         hash_before, "the password changed")

    # -- power actions (SPEC section 11) -----------------------------------------------------------
    # The VE is suspended meanwhile, so even a valid action is refused (409): nothing may be written.

    def power_state(self):
        return veplib.sql(f"SELECT power, power_seq, (SELECT COUNT(*) FROM audit_log WHERE object = '{self.ve}' "
                          f"AND action = 've.power') FROM ves WHERE id = '{self.ve}'")[0]

    def test_api_power(self):
        c = Client()
        auth = {"Authorization": "Basic " + base64.b64encode(f"{self.ve}:{self.ve_pw}".encode()).decode()}
        fields = [("action", cases_for("api-power", "action", "start", 16, json_mode=True))]
        before = self.power_state()
        veplib.sql(f"UPDATE ves SET state = 'suspended' WHERE id = '{self.ve}'")
        try:
            self.run_group("api-power", fields,
                           lambda name, case: c.post_json(f"/api/v1/ves/{self.ve}/power",
                                                          json_with({"action": "start"}, (name,), case),
                                                          headers=auth),
                           api=True, field_named=self.json_field_named)
        finally:
            veplib.sql(f"UPDATE ves SET state = 'active' WHERE id = '{self.ve}'")
        self.assertEqual(self.power_state(), before, "a power action was written")

    def test_self_power(self):
        c = Client("127.0.10.250")
        r = c.self_login(self.ve, self.ve_pw)
        self.assertEqual(r.status, 303, r.text[:200])
        token = hidden(c.get("/self").text, "csrf")
        self.assertTrue(token, "no csrf field on the dashboard")
        base = [("csrf", token), ("action", "stop")]
        fields = [(n, cases_for("self-power", n, dict(base)[n], 64 if n == "csrf" else 16))
                  for n in ("csrf", "action")]
        before = self.power_state()
        veplib.sql(f"UPDATE ves SET state = 'suspended' WHERE id = '{self.ve}'")
        try:
            self.run_group("self-power", fields,
                           lambda name, case: c.post_form("/self/power", urlencode_with(base, name, case)))
        finally:
            veplib.sql(f"UPDATE ves SET state = 'active' WHERE id = '{self.ve}'")
        self.assertEqual(self.power_state(), before, "a power action was written")

    # -- admin -----------------------------------------------------------------------------------

    def admin_client(self):
        pw_file = os.path.join(veplib.VAR, "secrets", "admin.pass")
        with open(pw_file) as f:
            pw = f.read().strip()
        c = Client("127.0.10.252")
        r = c.get("/admin/login")
        tok = hidden(r.text, "login_token")
        r = c.post_form("/admin/login", [("name", "admin"), ("password", pw), ("login_token", tok)])
        if r.status != 303:
            self.skipTest(f"admin login failed: {r.status}")
        r = c.get("/admin/nodes")
        csrf = hidden(r.text, "csrf")
        if not csrf:
            self.skipTest("no csrf field on /admin/nodes")
        return c, csrf

    def test_admin_login(self):
        fields = [(n, cases_for("admin-login", n, b, m)) for n, b, m in
                  (("name", "nosuchadmin", 64), ("password", "not the password", 1024),
                   ("login_token", "0" * 64, 127))]

        def send(name, case):
            c = ROTOR.next()
            r = c.get("/admin/login")
            tok = hidden(r.text, "login_token") or ""
            pairs = [("name", "nosuchadmin"), ("password", "not the password"), ("login_token", tok)]
            return c.post_form("/admin/login", urlencode_with(pairs, name, case))

        self.run_group("admin-login", fields, send)

    def test_admin_forms(self):
        c, csrf = self.admin_client()
        forms = {
            # path: (base pairs, poison per mutated field)
            "/admin/nodes": ([("csrf", csrf), ("node", "badinput-node"), ("url", "http://127.0.0.1:9/metrics")],
                             {"node": ("url", "ftp://x"), "url": ("node", "BAD NODE"), "csrf": ("url", "ftp://x")}),
            "/admin/plans": ([("csrf", csrf), ("plan_json", "{}"), ("valid_from", "2026-01-01")],
                             {"plan_json": ("valid_from", "2026-02-30"), "valid_from": ("plan_json", "{}"),
                              "csrf": ("plan_json", "{}")}),
            "/admin/invoice-runs": ([("csrf", csrf), ("period", "2099-01")], {}),
        }
        fields = []
        for path, (base, _) in forms.items():
            for k, v in base:
                fields.append((f"{path} {k}", cases_for("admin-form", f"{path}:{k}", v,
                                                      64 if k in ("csrf", "node") else 255)))

        def send(name, case):
            path, field = name.split(" ")
            base, poison = forms[path]
            pairs = list(base)
            if field in poison:
                pk, pv = poison[field]
                pairs = [(k, pv if k == pk else v) for k, v in pairs]
            return c.post_form(path, urlencode_with(pairs, field, case))

        self.run_group("admin-forms", fields, send, exact=("invoices", "payments"))

    def test_admin_queries(self):
        c, _ = self.admin_client()
        pages = {
            "/admin/ves": [("q", "abc", 254, False), ("state", "active", None, False), ("page", "1", None, True)],
            "/admin/reports/revenue": [("from", "2026-01-01", 10, False), ("to", "2026-02-01", 10, False)],
            "/admin/invoices": [("status", "all", None, False), ("page", "1", None, True)],
        }
        fields = []
        for path, specs in pages.items():
            for name, b, m, numeric in specs:
                tag = "admin-ves" if path == "/admin/ves" else "admin-query"
                fields.append((f"{path} {name}", cases_for(tag, name if tag == "admin-ves" else f"{path}:{name}",
                                                          b, m, numeric, required=False)))

        def send(name, case):
            path, field = name.split(" ")
            base = [(n, b) for n, b, _, _ in pages[path]]
            return c.get(path + "?" + url_safe(urlencode_with(base, field, case)))

        # A search is free text: any payload may be a valid search (200), never 5xx.
        def want(name, case):
            return bool(case.invalid) and not name.endswith(" q")

        self.run_group("admin-queries", fields, send, want_4xx=want)

    # -- API queries and admin JSON -------------------------------------------------------------------

    def test_api_queries(self):
        c = Client()
        ve = self.ve
        eps = {
            f"/api/v1/ves/{ve}/history": [("metric", "cpu", None, False), ("from", now_iso(-3600), 20, False),
                                          ("step", "minute", None, False), ("count", "10", None, True)],
            f"/api/v1/ves/{ve}/charges": [("period", this_month(), 7, False), ("explain", "0", None, True)],
            "/api/v1/admin/reports/revenue": [("from", "2026-01-01", 10, False), ("to", "2026-02-01", 10, False)],
            "/api/v1/admin/ves": [("state", "active", None, False), ("q", "abc", 254, False)],
        }
        fields = []
        for path, specs in eps.items():
            for name, b, m, numeric in specs:
                tag = "history" if "/history" in path else "api-query"
                fields.append((f"{path} {name}", cases_for(tag, name if tag == "history" else f"{path}:{name}",
                                                          b, m, numeric, required=name not in ("explain", "q", "state"))))

        def send(name, case):
            path, field = name.split(" ")
            base = [(n, b) for n, b, _, _ in eps[path]]
            return c.get(path + "?" + url_safe(urlencode_with(base, field, case)), headers=self.admin)

        def want(name, case):
            return bool(case.invalid) and not name.endswith(" q")

        def named(name, case, a):
            if name.endswith(" q") or name.endswith(" state") and "admin/ves" in name:
                return None
            return self.json_field_named(name.split(" ")[1], case, a)

        self.run_group("api-queries", fields, send, want_4xx=want, api=True, field_named=named)

    def test_api_paths(self):
        c = Client()
        cases = structural_cases("0000002A", 8)[1:] + [Case("lower", "value", "0000002a", True),
                                                        Case("9digits", "value", "0000002AB", True),
                                                        Case("dotdot", "raw", b"..", True),
                                                        Case("enc-slash", "raw", b"%2F..%2F", True)]
        cases += injection_cases(SAMPLE, offset=99)
        fields = [("/api/v1/ves/{}", cases), ("/api/v1/ves/{}/history", cases),
                  ("/api/v1/invoices/{}", cases), ("/api/v1/admin/nodes/{}", cases[:12])]
        for f, _ in fields:
            FIELDS_SEEN.add("path:" + f)

        def send(name, case):
            if case.kind == "dup":
                seg = "/".join(urllib.parse.quote(v, safe="") for v in case.value)
            elif case.kind == "raw":
                seg = url_safe(case.value)
            else:
                seg = urllib.parse.quote(case.value, safe="")
            method = "DELETE" if "admin/nodes" in name else "GET"
            return c.request(method, name.replace("{}", seg), headers=self.admin)

        self.run_group("api-paths", fields, send, api=None)

    def test_api_admin_json(self):
        c = Client()
        plan = {"code": "BADIN1", "name": "Bad input", "currency": "EUR", "monthly_fee_minor": 1000,
                "included": {"disk_gb": 10, "traffic_gb": 100, "traffic_in_gb": 0, "traffic_out_gb": 0,
                             "cpu_hours": 100, "vmem_gb_hours": 0},
                "overage_minor": {"disk_gb_month": 50, "traffic_gb": 20, "traffic_in_gb": 0, "traffic_out_gb": 0,
                                  "cpu_hour": 3, "vmem_gb_hour": 0},
                "limits": {"max_disk_quota_mb": 51200, "max_ip_count": 4, "login": ["ssh"]}}
        node = {"name": "badinput-node", "url": "http://127.0.0.1:9/metrics"}
        eps = {
            "/api/v1/admin/plans": (plan, [("code", 32, False), ("name", 128, False), ("currency", 3, False),
                                           ("monthly_fee_minor", None, True), ("included.disk_gb", None, True),
                                           ("overage_minor.cpu_hour", None, True),
                                           ("limits.max_disk_quota_mb", None, True), ("limits.login", None, False)]),
            "/api/v1/admin/nodes": (node, [("name", 64, False), ("url", 255, False)]),
            "/api/v1/admin/invoice-runs": ({"period": "2099-01"}, [("period", 7, False)]),
        }
        fields = []
        for path, (base, specs) in eps.items():
            for name, m, numeric in specs:
                v = base
                for p in name.split("."):
                    v = v[p]
                v = v[0] if isinstance(v, list) else str(v)
                fields.append((f"{path} {name}", cases_for("api-admin", f"{path}:{name}", v, m, numeric,
                                                          json_mode=True)))

        def send(name, case):
            path, field = name.split(" ")
            base = eps[path][0]
            b = dict(base)
            # Poison a second field so a value that happens to be valid writes nothing.
            if path.endswith("/plans"):
                b = dict(b, currency="EURO") if field != "currency" else dict(b, monthly_fee_minor=-1)
            elif path.endswith("/nodes"):
                b = dict(b, url="ftp://x") if field != "url" else dict(b, name="BAD NODE")
            return c.post_json(path, json_with(b, tuple(field.split(".")), case), headers=self.admin)

        self.run_group("api-admin-json", fields, send, api=True, exact=("invoices",))


if __name__ == "__main__":
    unittest.main()
