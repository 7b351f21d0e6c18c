"""Helpers of test_admin.py and test_admin_api.py: a browser-like client
(cookie jar, own source address so throttling by address never mixes with
other tests), an operator made for the test with `vepctl admin set`, the
login dance (login form token, session cookie, CSRF token of the pages),
and a fixture of VEs with ids AD00xxxx, their usage and billing documents
inserted directly, so every figure a report shows is known here.

Issued invoices, credit notes and payments are immutable (0003_billing.sql),
so the fixture's documents stay; each run uses a new account, a new plan code
and months in 2011 that nothing else uses, and settles what it left open.
"""
import calendar
import html.parser
import json
import os
import random
import re
import secrets
import subprocess
import tempfile
import time
import urllib.parse

import veplib
from veplib import Resp, q  # noqa: F401 (re-exported for the tests)

SOCK = os.environ.get("VEP_DB_SOCKET", "")
BUILD = os.environ.get("VEP_BUILD", "")
CONF = os.environ.get("VEP_CONF", "")
TOKEN = os.environ.get("VEP_ADMIN_TOKEN", "")


def ts(y, mo, d, h=0):
    return calendar.timegm((y, mo, d, h, 0, 0))


def sql(query):
    return veplib.sql(query, raw=False)


def sql1(query):
    rows = sql(query)
    return rows[0][0] if rows else None


def source_address():
    """A loopback address of our own: 127.0.2.x."""
    return f"127.0.2.{random.randint(2, 250)}"


class Client(veplib.Client):
    """One browser with a loopback source address of its own."""

    def __init__(self, source=None):
        super().__init__(source or source_address())

    def api(self, method, path, body=None, headers=None):
        h = {"Authorization": "Bearer " + TOKEN}
        h.update(headers or {})
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            h.setdefault("Content-Type", "application/json")
        return self.request(method, path, body=data, headers=h, cookies=False)

    def login(self, name, password, expect=303):
        """The login form, then the login; returns the POST's answer."""
        r = self.get("/admin/login")
        assert r.status in (200, 303), r.status
        m = re.search(r'name="login_token" value="([0-9a-f-]+)"', r.text)
        token = m.group(1) if m else ""
        r = self.post("/admin/login", [("login_token", token), ("name", name), ("password", password)])
        assert r.status == expect, (r.status, r.text[:400])
        return r

    def csrf(self, path="/admin"):
        """The CSRF token of a page (every form of a session carries the same)."""
        r = self.get(path)
        assert r.status == 200, (path, r.status)
        return re.search(r'name="csrf" value="([0-9a-f]{64})"', r.text).group(1)


def vepctl(*args, check=True):
    return subprocess.run([os.path.join(BUILD, "tools", "vepctl"), "-f", CONF, *args],
                          capture_output=True, text=True, check=check, timeout=120)


def insert_numbered(prefix, insert):
    """A document number prefix-NNNNNN of the tests' own: insert(number) is the
    INSERT, tried with up to 20 random numbers (a number taken already fails on
    its unique key).  Returns the number of the row written."""
    for _ in range(20):
        number = f"{prefix}-{random.randint(100000, 999999)}"
        if veplib.sql_try(insert(number))[0] == 0:
            break
    return number


def make_operator(prefix="adtest"):
    """A new operator (name, password) made as the ISP would, with vepctl."""
    name = f"{prefix}-{os.getpid()}-{secrets.token_hex(3)}"
    password = "Adm-" + secrets.token_urlsafe(18)
    with tempfile.NamedTemporaryFile("w", delete=False) as f:
        f.write(password + "\n")
        path = f.name
    try:
        vepctl("admin", "set", name, "--password-file", path)
    finally:
        os.unlink(path)
    return name, password


def drop_operator(name):
    sql(f"DELETE FROM sessions WHERE kind = 'admin' AND subject = {q(name)}; "
        f"DELETE FROM login_failures WHERE subject = {q('admin:' + name)}; "
        f"DELETE FROM admins WHERE name = {q(name)}")


def audit_rows(obj, since_id):
    """Audit rows of an object written after since_id: (action, actor, before, after)."""
    rows = sql(f"SELECT action, actor, COALESCE(before_json, ''), COALESCE(after_json, '') "
               f"FROM audit_log WHERE object = {q(obj)} AND id > {int(since_id)} ORDER BY id")
    return [(a, b, json.loads(c) if c else None, json.loads(d) if d else None) for a, b, c, d in rows]


def audit_max():
    return int(sql1("SELECT COALESCE(MAX(id), 0) FROM audit_log"))


class TableParser(html.parser.HTMLParser):
    """The header and cells of <table id="report">."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.cell = None
        self.header = []
        self.rows = []
        self.row = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id") == "report":
            self.inside = True
        elif self.inside and tag == "tr":
            self.row = []
        elif self.inside and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if not self.header:
                self.header = self.row
            else:
                self.rows.append(self.row)
            self.row = None
        elif tag == "table":
            self.inside = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def html_table(text):
    p = TableParser()
    p.feed(text)
    return p.header, p.rows


def csv_unguard(cell):
    """A CSV cell as the report holds it: without the formula guard's quote."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


class Fixture:
    """Accounts, a plan, VEs AD00xxxx on node1, usage and billing documents (2011)."""

    def __init__(self, nves=3):
        self.tag = f"{os.getpid()}{secrets.token_hex(2)}"
        self.plan_code = ("ADR" + self.tag.upper())[:32]
        self.node1 = int(sql1("SELECT id FROM nodes WHERE name = 'node1'"))
        self.template = int(sql1("SELECT id FROM os_templates ORDER BY id LIMIT 1"))
        self.created = ts(2011, 2, 1)
        sql(f"INSERT INTO plans (code, name, currency, max_disk_quota_mb, max_ip_count, login_allowed, "
            f"active, created_at) VALUES ({q(self.plan_code)}, 'Admin test plan', 'EUR', 100000, 4, 'ssh', 0, "
            f"{self.created})")
        self.plan = int(sql1(f"SELECT id FROM plans WHERE code = {q(self.plan_code)}"))
        sql(f"INSERT INTO plan_versions (plan_id, valid_from, monthly_fee_minor) VALUES ({self.plan}, 0, 1000)")
        self.version = int(sql1(f"SELECT id FROM plan_versions WHERE plan_id = {self.plan}"))
        self.email = f"adtest-{self.tag}@example.com"
        sql(f"INSERT INTO accounts (email, tax_bp, created_at) VALUES ({q(self.email)}, 1900, {self.created})")
        self.account = int(sql1(f"SELECT MAX(id) FROM accounts WHERE email = {q(self.email)}"))
        self.ves = []			# the VEs the reports are checked on
        self.all = []			# every VE made, for cleanup
        self.accounts = [self.account]
        # The report VEs lived from February to July 2011 only, so that no invoice run for
        # another month (other tests', billingd's own) ever bills them.
        for i in range(nves):
            self.ves.append(self.add_ve(account=self.account, created=self.created,
                                        deleted_at=ts(2011, 7, 1)))
        # Live VEs of another customer, made now, for the lifecycle and the search.
        self.live_email = f"adlive-{self.tag}@example.com"
        self.live_account = self.add_account(self.live_email)
        self.live = [self.add_ve(dns=f"www{i}.adtest-{self.tag}.example", account=self.live_account)
                     for i in range(3)]
        # Further VEs (add_ve() without an account) belong to a third one.
        self.other = self.add_account(f"adother-{self.tag}@example.com")

    def add_account(self, email, tax_bp=0):
        sql(f"INSERT INTO accounts (email, tax_bp, created_at) VALUES ({q(email)}, {tax_bp}, {self.created})")
        acct = int(sql1(f"SELECT MAX(id) FROM accounts WHERE email = {q(email)}"))
        self.accounts.append(acct)
        return acct

    def new_id(self):
        while True:
            v = "AD00" + secrets.token_hex(2).upper()
            if sql1(f"SELECT COUNT(*) FROM ves WHERE id = {q(v)}") == "0":
                return v

    def add_ve(self, dns=None, account=None, node=None, created=None, deleted_at=None):
        """A VE made now (or at created), active, with one address; deleted_at gives it a
        history ending deleted then, without addresses."""
        ve = self.new_id()
        acct = account or self.other
        made = created or int(time.time())
        sql(f"INSERT INTO orders (account_id, plan_id, template_id, disk_quota_mb, always_on, lifetime_days, "
            f"login, fs_fault_tolerance_s, backup_hours, firewall, ip_count, created_at) VALUES ({acct}, "
            f"{self.plan}, {self.template}, 1000, 1, 30, 'ssh', 60, 24, 'client', 1, {made})")
        order = int(sql1(f"SELECT MAX(id) FROM orders WHERE account_id = {acct}"))
        sql(f"INSERT INTO ves (id, account_id, order_id, node_id, state, password_hash, created_at, "
            f"expires_at, updated_at) VALUES ({q(ve)}, {acct}, {order}, {node or self.node1}, 'active', "
            f"'$argon2id$v=19$m=8,t=1,p=1$none$none', {made}, {made + 30 * 86400}, {made})")
        self.all.append(ve)
        if deleted_at is not None:
            sql(f"UPDATE ves SET state = 'deleted', state_reason = 'admin test', updated_at = {deleted_at} "
                f"WHERE id = {q(ve)}")
            return ve
        addr = sql1("SELECT id FROM ip_addresses WHERE ve_id IS NULL ORDER BY addr_num LIMIT 1")
        assert addr is not None, "no free address in the pool"
        sql(f"UPDATE ip_addresses SET ve_id = {q(ve)}, seq = 1, dns_name = {q(dns) if dns else 'NULL'} "
            f"WHERE id = {addr} AND ve_id IS NULL")
        return ve

    def adopt(self, ve):
        """Clean up a VE made elsewhere (through the API) with the fixture's."""
        acct = int(sql1(f"SELECT account_id FROM ves WHERE id = {q(ve)}"))
        self.all.append(ve)
        self.accounts.append(acct)

    def address(self, ve):
        return sql1(f"SELECT address FROM ip_addresses WHERE ve_id = {q(ve)}")

    # ---- usage ----
    def add_usage(self):
        """usage_day rows in March 2011; returns the usage report's expected rows per VE."""
        want = {}
        for k, ve in enumerate(self.ves):
            rows = []
            for day in range(1, 4):
                t = ts(2011, 3, day)
                cu, cs = 1000000 * (k + 1) * day + 777, 300001 * day
                ni, no = 10**9 * (k + 1) + day, 5 * 10**8 + k
                samples = 86400 - day
                dsum, vsum = (2 * 10**9 + 7 * k) * samples + 11 * day, (5 * 10**8 + k) * samples + 3 * day
                rows.append((t, cu, cs, ni, no, vsum, dsum, samples))
            vals = ",".join(f"({q(ve)}, {t}, {cu}, {cs}, {ni}, {no}, {vs}, {ds}, {sm}, 0, 0, {t})"
                            for (t, cu, cs, ni, no, vs, ds, sm) in rows)
            sql("INSERT INTO usage_day (ve_id, t, cpu_user_us, cpu_sys_us, net_in_bytes, net_out_bytes, "
                f"vmem_sum_bytes, disk_sum_bytes, samples, vmem_last_bytes, disk_last_bytes, last_t) VALUES {vals}")
            sm = sum(r[7] for r in rows)
            want[ve] = [ve, "node1", sum(r[1] + r[2] for r in rows) // 1000, sum(r[3] for r in rows),
                        sum(r[4] for r in rows), (sum(r[6] for r in rows) + sm // 2) // sm,
                        (sum(r[5] for r in rows) + sm // 2) // sm]
        return want

    # ---- billing documents ----
    def add_invoice(self, period=(2011, 3), account=None, email=None):
        """An invoice with fee lines for every VE, an overage line, a credit note and a
        partial payment.  Returns a dict of what the reports must show."""
        y, m = period
        acct = account or self.account
        frm, to = ts(y, m, 1), ts(y + (m == 12), m % 12 + 1, 1)
        lines = [(ve, "fee", "fee", 1000000, "month", 1000, 1000) for ve in self.ves]
        lines.append((self.ves[0], "overage", "cpu", 2500000, "CPU-hour", 3, 8))	# 7.5 -> 8
        sub = sum(ln[6] for ln in lines)
        tax = (sub * 1900 + 5000) // 10000
        issued, due = to + 3600, to + 15 * 86400
        number = insert_numbered(f"INV-{y}", lambda n: (
            f"INSERT INTO invoices (number, account_id, period, period_from, period_to, "
            f"currency, tax_bp, subtotal_minor, tax_minor, total_minor, issued_at, due_at) "
            f"VALUES ({q(n)}, {acct}, '{y:04d}-{m:02d}', {frm}, {to}, 'EUR', 1900, "
            f"{sub}, {tax}, {sub + tax}, {issued}, {due})"))
        inv = int(sql1(f"SELECT id FROM invoices WHERE number = {q(number)}"))
        vals = ",".join(f"({inv}, {i + 1}, {q(ln[0])}, '{ln[1]}', '{ln[2]}', {self.version}, {ln[3]}, "
                        f"'{ln[4]}', {ln[5]}, {ln[6]})" for i, ln in enumerate(lines))
        sql("INSERT INTO invoice_lines (invoice_id, seq, ve_id, kind, resource, plan_version_id, "
            f"quantity_micro, unit, unit_price_minor, amount_minor) VALUES {vals}")
        sql(f"INSERT INTO invoice_ves (ve_id, invoice_id) SELECT DISTINCT ve_id, invoice_id FROM invoice_lines "
            f"WHERE invoice_id = {inv}")
        cn_sub, cn_tax = -250, -48
        cn = insert_numbered(f"CN-{y}", lambda n: (
            f"INSERT INTO credit_notes (number, invoice_id, reason, subtotal_minor, "
            f"tax_minor, total_minor, issued_at, actor) VALUES ({q(n)}, {inv}, "
            f"'admin test', {cn_sub}, {cn_tax}, {cn_sub + cn_tax}, {issued + 60}, 'test')"))
        cnid = int(sql1(f"SELECT id FROM credit_notes WHERE number = {q(cn)}"))
        sql(f"INSERT INTO credit_note_lines (credit_note_id, seq, ve_id, resource, description, amount_minor) "
            f"VALUES ({cnid}, 1, {q(self.ves[0])}, 'fee', 'test credit', {cn_sub})")
        paid = 1000
        sql(f"INSERT INTO payments (invoice_id, amount_minor, paid_at, reference, created_at, actor) VALUES "
            f"({inv}, {paid}, {issued + 86400}, 'admin test', {issued + 86400}, 'test')")
        return {"number": number, "id": inv, "sub": sub, "tax": tax, "total": sub + tax,
                "credited": cn_sub + cn_tax, "paid": paid, "issued": issued, "due": due,
                "period": f"{y:04d}-{m:02d}", "fees": 1000 * len(self.ves), "overage": 8,
                "credits": cn_sub, "account": acct, "email": email or self.email}

    def settle(self):
        """Pay what the fixture's invoices still owe, so no test invoice stays open."""
        accts = ",".join(str(a) for a in self.accounts)
        for inv, bal in sql(f"SELECT i.id, i.total_minor "
                            f"+ COALESCE((SELECT SUM(c.total_minor) FROM credit_notes c WHERE c.invoice_id = i.id), 0) "
                            f"- COALESCE((SELECT SUM(p.amount_minor) FROM payments p WHERE p.invoice_id = i.id), 0) "
                            f"FROM invoices i WHERE i.account_id IN ({accts})"):
            if int(bal) > 0:
                sql(f"INSERT INTO payments (invoice_id, amount_minor, paid_at, reference, created_at, actor) "
                    f"VALUES ({inv}, {bal}, {int(time.time())}, 'admin test settles', {int(time.time())}, 'test')")

    def cleanup(self):
        """Remove what can be removed: VEs and their usage, orders, the plan, accounts
        without invoices; settle the invoices that must stay."""
        self.settle()
        ids = ",".join(q(v) for v in self.all)
        accts = ",".join(str(a) for a in self.accounts)
        if ids:
            sql(f"UPDATE ip_addresses SET ve_id = NULL, seq = NULL, dns_name = NULL WHERE ve_id IN ({ids}); "
                f"DELETE FROM sessions WHERE kind = 'self' AND subject IN ({ids}); "
                f"DELETE FROM usage_day WHERE ve_id IN ({ids}); "
                f"DELETE FROM usage_hour WHERE ve_id IN ({ids}); "
                f"DELETE FROM ve_caps WHERE ve_id IN ({ids}); "
                f"DELETE FROM ves WHERE id IN ({ids})")
        sql(f"DELETE FROM orders WHERE account_id IN ({accts})")
        if sql1(f"SELECT COUNT(*) FROM orders WHERE plan_id = {self.plan}") == "0":
            sql(f"DELETE FROM plan_versions WHERE plan_id = {self.plan}; DELETE FROM plans WHERE id = {self.plan}")
        sql(f"DELETE FROM accounts WHERE id IN ({accts}) AND id NOT IN (SELECT account_id FROM invoices)")
