"""Helpers shared by test_signup.py, test_self.py and test_api_owner.py:
a small HTTP client with a cookie jar, the database through the mariadb
CLI, a valid order, and clean-up of the VEs a test made (marked deleted,
their addresses, sessions and failed logins released, as an operator's
delete would)."""
import base64
import configparser
import json
import os
import re
import subprocess
import time
import urllib.parse
import urllib.request

import veplib
from veplib import Client, Resp, q  # noqa: F401 (re-exported for the tests)

SOCKET = os.environ.get("VEP_DB_SOCKET", "")


def basic(ve_id, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{ve_id}:{password}".encode()).decode()}


def bearer():
    return {"Authorization": "Bearer " + os.environ.get("VEP_ADMIN_TOKEN", "")}



def api(method, path, body=None, raw=None, token=None, basic=None):
    """(status, parsed JSON or text) of one API call without cookies: as the
    operator by default, with another Bearer token, or as basic=(user,
    password); body as JSON, or raw as it is."""
    h = {"Authorization": "Bearer " + token} if token else bearer()
    if basic:
        h = veplib.basic(*basic)
    c = Client()
    if body is not None or raw is not None:
        r = c.request(method, path, body=raw if raw is not None else json.dumps(body),
                      headers=dict(h, **{"Content-Type": "application/json"}), cookies=False)
    else:
        r = c.request(method, path, headers=h, cookies=False)
    try:
        return r.status, r.json()
    except ValueError:
        return r.status, r.text


def sql(query):
    return veplib.sql(query, raw=False)


def sql1(query):
    rows = sql(query)
    return rows[0][0] if rows else None


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
    csrf = re.search(r'name="csrf" value="([0-9a-f-]+)"', r.text).group(1)
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



def drop_node(name):
    """Remove a test's own node with its IP pool and addresses; VEs still on
    it are left without a node."""
    pid = sql1(f"SELECT id FROM ip_pools WHERE name = {q(name)}")
    sql(f"UPDATE ves SET node_id = NULL WHERE node_id = (SELECT id FROM nodes WHERE name = {q(name)}); "
        f"DELETE FROM ip_addresses WHERE pool_id = {pid}; DELETE FROM ip_pools WHERE id = {pid}; "
        f"DELETE FROM nodes WHERE name = {q(name)}")

def billingd_metric(key):
    """A figure of the dev instance's billingd ([billingd] listen of VEP_CONF)."""
    cp = configparser.ConfigParser(interpolation=None)
    cp.read(os.environ["VEP_CONF"])
    url = "http://%s/metrics" % cp.get("billingd", "listen")
    with urllib.request.urlopen(url, timeout=3) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(key + " "):
                return float(line.split()[1])
    return 0.0


def wait_billingd_lets_go():
    """After a VE moved off billingd's nodes: wait until billingd writes
    nothing more for it.  Its loop takes the placement in two more snapshots
    (the second was read after the move); every sample metered before that
    is in a batch numbered up to billingd_snapshot_fence_batch, and batches
    apply in order."""
    def wait(key, target):
        veplib.wait_until(lambda: billingd_metric(key) >= target, 120,
                          "billingd's %s to reach %d" % (key, target))
    wait("billingd_snapshots_total", billingd_metric("billingd_snapshots_total") + 2)
    wait("billingd_applied_batch", billingd_metric("billingd_snapshot_fence_batch"))
