"""Integration test of the API's side of the node agent protocol
(lib/db/db_node.c) against MariaDB, end to end into a veagent.

A database of its own is made and migrated; nodes, orders, VEs and
addresses are inserted; tests/fakes/dbnode_dump prints what db_node_auth
and db_node_ves_json give; that document is then served by a fake API to a
sim veagent, whose /metrics must show exactly those VEs.

Environment: VEP_DB_SOCKET (MariaDB socket, root), VEP_BUILD, VEP_ROOT.
"""
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.environ.get("VEP_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD = os.environ.get("VEP_BUILD", ROOT)
SOCKET = os.environ.get("VEP_DB_SOCKET")
DUMP = os.path.join(BUILD, "tests", "fakes", "dbnode_dump")
sys.path.insert(0, os.path.join(ROOT, "tests", "fakes"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import node_api  # noqa: E402
import test_agent  # noqa: E402

DB = "vep_agent_db_%d" % os.getpid()


def sql(q, db=DB):
    args = ["mariadb", "--socket=" + SOCKET, "-uroot", "-N", "-B", "-e", q]
    if db:
        args.append(db)
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


def skip_reason():
    if not SOCKET:
        return "VEP_DB_SOCKET is not set (run through ./dev test)"
    if not os.access(DUMP, os.X_OK):
        return "tests/fakes/dbnode_dump is not built (make check builds it)"
    return None


@unittest.skipIf(skip_reason(), skip_reason() or "")
class DbNodeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        sql("DROP DATABASE IF EXISTS %s; CREATE DATABASE %s" % (DB, DB), db=None)
        for f in sorted(glob.glob(os.path.join(ROOT, "db", "migrations", "*.sql"))):
            with open(f) as fh:
                subprocess.run(["mariadb", "--socket=" + SOCKET, "-uroot", DB], stdin=fh,
                               check=True, capture_output=True, timeout=120)
        h1 = hashlib.sha256(b"tok-n1").hexdigest()
        h2 = hashlib.sha256(b"tok-n2").hexdigest()
        order = ("INSERT INTO orders (id, account_id, plan_id, template_id, disk_quota_mb, always_on,"
                 " lifetime_days, login, cpu_min_bogomips, net_bw_max_kbps, net_in_bw_min_kbps,"
                 " net_in_bw_max_kbps, mem_max_mb, fs_fault_tolerance_s, backup_hours, firewall,"
                 " firewall_file, ip_count, created_at) VALUES ")
        sql("INSERT INTO plans (id, code, name, currency, max_disk_quota_mb, max_ip_count,"
            " login_allowed, created_at) VALUES (1, 'WEB1', 'Web 1', 'EUR', 50000, 4, 'ssh', 1);"
            "INSERT INTO os_templates (id, code, name) VALUES (1, 'deb12', 'Debian 12');"
            "INSERT INTO accounts (id, email, created_at) VALUES (1, 'a@example.net', 1);"
            "INSERT INTO nodes (id, name, url, token_hash, enabled, created_at) VALUES"
            " (1, 'n1', 'http://127.0.0.1:1/metrics', '%s', 1, 1),"
            " (2, 'n2', 'http://127.0.0.1:2/metrics', '%s', 0, 1);"
            "INSERT INTO ip_pools (id, name, netmask, gateway, dns1) VALUES"
            " (1, 'p', '255.255.255.0', '192.0.2.1', '192.0.2.53');" % (h1, h2) +
            order +
            "(1, 1, 1, 1, 1000, 1, 30, 'ssh', 2400, 10000, 100, 2000, 512, 5, 24, 'client', NULL, 2, 1),"
            "(2, 1, 1, 1, 2000, 0, 30, 'ssh', 0, 0, 0, 0, 0, 5, 24, 'file', 'web-only', 1, 1),"
            "(3, 1, 1, 1, 3000, 0, 30, 'ssh', 0, 0, 0, 0, 0, 5, 24, 'open', NULL, 1, 1),"
            "(4, 1, 1, 1, 4000, 0, 30, 'ssh', 0, 0, 0, 0, 0, 5, 24, 'open', NULL, 1, 1);"
            "INSERT INTO ves (id, account_id, order_id, node_id, state, password_hash, created_at,"
            " expires_at, updated_at) VALUES"
            " ('0000002A', 1, 1, 1, 'active', 'x', 1, 2000000000, 1),"
            " ('0000002B', 1, 2, 1, 'suspended', 'x', 1, 2000000000, 1),"
            " ('0000002C', 1, 3, 1, 'expired', 'x', 1, 2, 1),"
            " ('0000002D', 1, 4, 2, 'active', 'x', 1, 2000000000, 1);"
            "INSERT INTO ip_addresses (pool_id, address, addr_num, ve_id, seq) VALUES"
            " (1, '192.0.2.11', 3221225995, '0000002A', 2),"
            " (1, '192.0.2.10', 3221225994, '0000002A', 1),"
            " (1, '192.0.2.12', 3221225996, '0000002B', 1),"
            " (1, '192.0.2.13', 3221225997, '0000002C', 1),"
            " (1, '192.0.2.14', 3221225998, '0000002D', 1),"
            " (1, '192.0.2.15', 3221225999, NULL, NULL)")

    @classmethod
    def tearDownClass(cls):
        sql("DROP DATABASE IF EXISTS %s" % DB, db=None)

    def dump(self, node, token=None):
        args = [DUMP, SOCKET, DB, node] + ([token] if token is not None else [])
        p = subprocess.run(args, capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        auth = int(lines[0].split()[1]) if token is not None else None
        return auth, json.loads(lines[-1]), lines[-1]

    def test_auth(self):
        for node, token, want in (("n1", "tok-n1", 1), ("n1", "tok-n2", 0), ("n1", "", 0),
                                  ("n1", "tok-n1 ", 0), ("n2", "tok-n2", 0),   # disabled
                                  ("n9", "tok-n1", 0)):
            auth, _, _ = self.dump(node, token)
            self.assertEqual(auth, want, (node, token))

    def test_list(self):
        _, doc, _ = self.dump("n1")
        self.assertEqual(doc["node"], "n1")
        self.assertEqual([v["ve_id"] for v in doc["ves"]], ["0000002A", "0000002B"])
        a, b = doc["ves"]
        self.assertEqual(a["ips"], ["192.0.2.10", "192.0.2.11"])     # by seq
        self.assertEqual(a, node_api.ve("0000002A", ["192.0.2.10", "192.0.2.11"],
                                        disk_quota_mb=1000, cpu_min_bogomips=2400,
                                        net_bw_max_kbps=10000, net_in_bw_min_kbps=100,
                                        net_in_bw_max_kbps=2000, mem_max_mb=512,
                                        firewall="client",
                                        # the real VEs' fields (issue 14), from the same rows as the API
                                        template="deb12", root_crypt=None, netmask="255.255.255.0",
                                        gateway="192.0.2.1", dns_servers=["192.0.2.53"], always_on=True,
                                        login=["ssh"], power="running", power_seq=0,
                                        hostname="0000002a"))
        self.assertEqual(b["state"], "suspended")
        self.assertEqual((b["always_on"], b["power"], b["hostname"]), (False, "running", "0000002b"))
        self.assertEqual((b["firewall"], b["firewall_file"]), ("file", "web-only"))
        _, doc, _ = self.dump("n9")
        self.assertEqual(doc, {"node": "n9", "ves": []})

    def test_into_agent(self):
        _, _, text = self.dump("n1")
        with tempfile.TemporaryDirectory() as tmp:
            tok = os.path.join(tmp, "tok")
            with open(os.open(tok, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
                f.write("tok-n1\n")
            api = node_api.FakeNodeApi("n1", "tok-n1").start()
            api.raw = text.encode()
            agent = test_agent.Agent("--node", "n1", "--backend", "sim", "--api", api.url,
                                     "--token-file", tok)
            try:
                m = test_agent.wait_for(
                    lambda: (lambda m: m if {k[1] for k in m if k[1]} == {"0000002A", "0000002B"} else None)(
                        agent.metrics()), what="the database's VEs in the agent")
                self.assertEqual(sorted(k[2] for k in m if k[0] == "ve_network_receive_bytes_total"),
                                 ["192.0.2.10", "192.0.2.11", "192.0.2.12"])
                self.assertEqual(m[("ve_state", "0000002B", None)], "0")
                self.assertEqual(agent.logged("skipped"), [])
            finally:
                agent.stop()
                api.stop()


if __name__ == "__main__":
    unittest.main()
