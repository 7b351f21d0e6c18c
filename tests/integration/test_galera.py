#!/usr/bin/python3
"""vepanel on a 3-node MariaDB Galera cluster (issue 9, "Past one machine").

Runs only against the dev cluster: `./dev up --cluster` then
`./dev it test_galera`, or `./dev test` (which starts a cluster beside the
instance for this module and stops it afterwards).  The environment names
the nodes: VEP_GALERA=1, VEP_GALERA_SOCKETS (root's sockets of n1 n2 n3);
nodes are killed with SIGKILL from their PID files (var/run/pids) and
started again with `./dev cluster start-node N` (IST or SST).

Each test makes its own database on the cluster (migrations through n1),
runs the built billingd with a [database] hosts list of the three nodes,
drives scripted agents (tests/fakes/fake_agent.py) and checks, as
test_billingd.py does, that the usage stored equals the agents' true
increments exactly:
  (a) the node billingd writes through is killed during the run;
  (b) two nodes are killed: the survivor loses quorum and answers 1047,
      billingd spools; both come back (IST) and the spool is replayed;
  (c) three billingd, each on its own node, share three agents; one is
      killed and its node moves to another within 5 s (lease_s 3,
      refresh_s 1) and is polled from the next tick;
  (d) invoice runs, credit notes and payments from connections on
      different nodes at once: numbers gapless and unique, certification
      conflicts retried, no invoice paid twice;
  (e) 1500 invoices each paid in full through n1 and n3 at the same moment
      while n2 credits them, and 600 debit notes paid the same way: none
      paid twice or overpaid (VEP_GALERA_PAY_PAIRS changes the 1500);
and that the schema suits Galera and a bad hosts list stops every program.
"""

import os
import re
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import test_billingd as tb
from veplib import wait_until

ROOT = tb.ROOT
BUILD = tb.BUILD
SOCKS = os.environ.get("VEP_GALERA_SOCKETS", "").split()
VAR = os.environ.get("VEP_VAR", os.path.join(ROOT, "var"))
PIDS = os.path.join(ROOT, "var", "run", "pids")
DEV = os.path.join(ROOT, "dev")
PROBE = os.path.join(BUILD, "tests", "integration", "billing_probe")
VEPCTL = os.path.join(BUILD, "tools", "vepctl")
TAKEOVER_S = 5          # a killed billingd's nodes move to another within this,
                        # and are polled again from the next tick

SKIP = ""
if os.environ.get("VEP_GALERA") != "1" or len(SOCKS) != 3:
    SKIP = ("no Galera cluster: start one with `./dev up --cluster` and run "
            "`./dev it test_galera` (./dev test does it by itself)")
elif not os.path.exists(tb.BILLINGD):
    SKIP = "billingd is not built (VEP_BUILD=%s)" % BUILD


def batches(d, result="applied"):
    """billingd's count of batches applied (or spooled) so far, from /metrics."""
    return d.metrics().get('billingd_batches_total{result="%s"}' % result, 0)


def more_batches(d, n=1, result="applied", timeout=30, what="batches"):
    """Wait until d has applied (or spooled) n more batches than now."""
    b0 = batches(d, result)
    wait_until(lambda: batches(d, result) >= b0 + n, timeout,
               "%d more %s %s (%s)" % (n, result, what, d.logtext()[-1500:]))


def say(msg):
    """Figures worth keeping (failover times): ./dev test prints these lines."""
    print("galera: " + msg, flush=True)


# ---- the cluster --------------------------------------------------------------

def node_sql(i, query, timeout=20):
    r = subprocess.run(["mariadb", "--no-defaults", "--socket=" + SOCKS[i - 1], "-uroot", "-N", "-B",
                        "--connect-timeout=3", "-e", query],
                       capture_output=True, text=True, timeout=timeout)
    return r.stdout.strip() if r.returncode == 0 else None


def status(i, var):
    out = node_sql(i, "SHOW STATUS LIKE '%s'" % var, timeout=5)
    return out.split("\t")[1] if out and "\t" in out else None


def node_pid(i):
    try:
        with open(os.path.join(PIDS, "galera-n%d.pid" % i)) as f:
            pid = int(f.read())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def kill_node(i):
    pid = node_pid(i)
    assert pid, "node n%d is not running" % i
    os.kill(pid, signal.SIGKILL)
    tb.wait_for(lambda: node_pid(i) is None, 10, 0.1)


def start_nodes(*ids, timeout=240):
    """Start nodes again (together: after a loss of quorum the primary
    component forms again only when every member of the last one is back)."""
    procs = [(i, subprocess.Popen([DEV, "cluster", "start-node", str(i)], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)) for i in ids]
    for i, p in procs:
        out, _ = p.communicate(timeout=timeout)
        assert p.returncode == 0, "n%d did not start again: %s" % (i, out)


def cluster_whole():
    return all(status(i, "wsrep_cluster_size") == "3" and status(i, "wsrep_ready") == "ON"
               for i in (1, 2, 3))


def ensure_cluster():
    dead = [i for i in (1, 2, 3) if node_pid(i) is None]
    if dead:
        start_nodes(*dead)
    assert tb.wait_for(cluster_whole, 60, 0.5), "the cluster is not whole"


def joined_by(i):
    """How node i last caught up: 'IST' or 'SST', from its error log."""
    try:
        with open(os.path.join(ROOT, "var", "log", "galera-n%d.err" % i)) as f:
            text = f.read()[-200000:]
    except OSError:
        return "?"
    # wsrep_sst_rsync says which it did (an IST still runs through it).
    ist, sst = text.rfind("rsync IST completed on joiner"), text.rfind("rsync SST completed on joiner")
    return "IST" if ist > sst else ("SST" if sst >= 0 else "?")


def cert_conflicts():
    """Certification failures and brute-force aborts, summed over the nodes."""
    n = 0
    for i in (1, 2, 3):
        for v in ("wsrep_local_cert_failures", "wsrep_local_bf_aborts"):
            n += int(status(i, v) or 0)
    return n


# ---- a database on the cluster, and programs that use all its nodes -------------

class GDB(tb.DB):
    """test_billingd's DB through node n1.  Seeded with explicit ids: on
    Galera auto_increment_increment is the cluster size and each node has
    its own offset, so the first row of a table need not be id 1.  Reads
    wait for n1 to have applied what other nodes committed before them
    (wsrep_sync_wait, as the programs read): the check right after a write
    through n3 would otherwise see n1 a moment behind."""

    def run(self, sql, db=True):
        return super().run("SET SESSION wsrep_sync_wait = 1;\n" + sql, db)

    def seed(self):
        now = int(time.time())
        self.run("""
            INSERT INTO accounts (id, email, created_at) VALUES (1, 'test@example.net', %d);
            INSERT INTO plans (id, code, name, currency, max_disk_quota_mb, max_ip_count,
              login_allowed, created_at) VALUES (1, 'T1', 'Test', 'EUR', 10000, 4, 'ssh', %d);
            INSERT INTO os_templates (id, code, name) VALUES (1, 'deb12', 'Debian 12');
            INSERT INTO ip_pools (id, name, netmask, gateway, dns1)
              VALUES (1, 'p', '255.255.255.0', '192.0.2.1', '192.0.2.53');
        """ % (now, now))


def write_conf(path, db_name, prefer=1, billingd=""):
    with open(path, "w") as f:
        f.write("[database]\nhosts = %s\nprefer = %d\nname = %s\nuser = root\n"
                "connect_timeout_s = 2\n%s" % (", ".join(SOCKS), prefer, db_name, billingd))


class GBillingd(tb.Billingd):
    """A billingd whose [database] lists the three nodes, starting at node k."""

    def __init__(self, tmp, db_name, ident, prefer, extra=()):
        super().__init__(tmp, SOCKS[0], db_name, ident=ident,
                         extra=["--lease-s", "3", "--refresh-s", "1", "--db-prefer", str(prefer)]
                         + list(extra))
        write_conf(self.conf, db_name, prefer,
                   "[billingd]\nspool_dir = %s\nlisten = 127.0.0.1:%d\npoll_timeout_ms = 600\n"
                   % (self.spool, self.port))


class GaleraTest(tb.BillingdTest):
    # Our own condition, not test_billingd's (which its subclasses inherit).
    __unittest_skip__ = bool(SKIP)
    __unittest_skip_why__ = SKIP

    def setUp(self):
        ensure_cluster()
        self.tmp = tempfile.mkdtemp(prefix="gtest.")
        self.db = GDB.create(SOCKS[0])
        self.db.seed()
        self.fakes = []
        self.daemons = []

    def tearDown(self):
        try:
            ensure_cluster()
        finally:
            super().tearDown()

    def gbillingd(self, ident, prefer, extra=()):
        d = GBillingd(self.tmp, self.db.name, ident, prefer, extra)
        self.daemons.append(d)
        return d

    def load(self, nodes, ves_per_node, prefix):
        """nodes fake agents, each with ves_per_node growing VEs; [(fake, [ve...])]."""
        out = []
        for i in range(nodes):
            f = self.fake()
            n = self.db.add_node("g%d" % i, f.port)
            ves = []
            for k in range(ves_per_node):
                ve = "%s%02d%04X" % (prefix, i, k + 1)
                self.db.add_ve(ve, n)
                self.ve(f, ve, ["192.0.2.%d" % (40 * i + k + 1)],
                        {"cpu_user_us": 100003 + 7 * k, "cpu_sys_us": 7001, "rx": 99991 + k, "tx": 12347})
                ves.append(ve)
            out.append((f, ves))
        return out

    def check_exact(self, load):
        fakes = [f for f, _ in load]
        self.freeze_and_settle(fakes, load, timeout=40)
        truths = {}
        for f in fakes:
            truths.update(f.truth()["ves"])
        self.assert_exact(lambda: tb.expect_from(truths), timeout=40)


class TestA_NodeKilled(GaleraTest):
    def test_node_killed_during_run(self):
        """kill -9 of the node billingd writes through: it moves to the next."""
        load = self.load(2, 3, "0A")
        d = self.gbillingd("ga", prefer=2)
        d.start()
        self.assertTrue(tb.wait_for(lambda: d.metrics().get("billingd_db_up") == 1.0, 15))
        more_batches(d, 2, what="before n2 is killed")
        t0 = time.time()
        kill_node(2)
        # Written through n3 now: the committed state moves on without n2.
        before = int(self.db.one("SELECT COALESCE(MAX(applied_at), 0) FROM billingd_batches"))
        self.assertTrue(tb.wait_for(lambda: int(self.db.one(
            "SELECT COALESCE(MAX(applied_at), 0) FROM billingd_batches")) > before + 1, 20),
            d.logtext()[-3000:])
        say("(a) node n2 killed: billingd commits again through another node after %.1f s"
            % (time.time() - t0))
        self.assertIn("db: on %s now" % SOCKS[2], d.logtext())
        more_batches(d, 2, what="without n2 (so that it has to catch up)")
        start_nodes(2)
        say("(a) n2 back by %s" % joined_by(2))
        more_batches(d, 2, what="with n2 back")
        self.check_exact(load)
        self.assertEqual(d.stop(), 0)


class TestB_QuorumLost(GaleraTest):
    def test_two_nodes_killed(self):
        """n2 and n3 die: n1 alone is not primary (1047); billingd spools, replays."""
        load = self.load(2, 2, "0B")
        d = self.gbillingd("gb", prefer=1)
        d.start()
        self.assertTrue(tb.wait_for(lambda: d.metrics().get("billingd_db_up") == 1.0, 15))
        more_batches(d, 2, what="before the quorum is lost")
        kill_node(2)
        kill_node(3)
        self.assertTrue(tb.wait_for(lambda: status(1, "wsrep_ready") == "OFF", 15))
        r = subprocess.run(["mariadb", "--no-defaults", "--socket=" + SOCKS[0], "-uroot", self.db.name,
                            "-e", "SELECT COUNT(*) FROM counter_state"], capture_output=True, text=True)
        self.assertIn("1047", r.stderr)             # what billingd meets too
        self.assertTrue(tb.wait_for(lambda: d.metrics().get("billingd_db_up") == 0.0, 15),
                        d.logtext()[-3000:])
        self.assertTrue(tb.wait_for(lambda: d.spool_bytes() > 8, 15))
        m = d.metrics()
        self.assertEqual(m.get('billingd_nodes{state="up"}'), 2.0)     # polling goes on
        more_batches(d, 2, "spooled", what="while n1 is alone")
        t0 = time.time()
        start_nodes(2, 3)
        self.assertTrue(tb.wait_for(cluster_whole, 60))
        self.assertTrue(tb.wait_for(lambda: d.metrics().get("billingd_db_up") == 1.0, 30))
        say("(b) quorum back (n2 by %s, n3 by %s); billingd writing again %.1f s after the "
            "restart began" % (joined_by(2), joined_by(3), time.time() - t0))
        self.check_exact(load)
        self.assertTrue(tb.wait_for(lambda: d.spool_bytes() == 8, 20))  # replayed, cut back
        log = d.logtext()
        # It met the lost quorum: 1047 or 1180 from a statement, or a node not ready.
        self.assertRegex(log, "1047|1180|wsrep_ready OFF")
        self.assertIn("database back after", log)
        self.assertEqual(d.stop(), 0)


class TestC_BillingdKilled(GaleraTest):
    def test_three_billingd_one_killed(self):
        """Three billingd on three nodes share three agents; one dies."""
        load = self.load(3, 2, "0C")
        ds = [self.gbillingd("gc%d" % k, prefer=k) for k in (1, 2, 3)]
        for d in ds:
            d.start()       # one after the other: each joins the lease round of those before
            self.assertTrue(tb.wait_for(lambda: d.metrics().get("billingd_db_up") == 1.0, 15))

        def owners():
            return {r[0]: r[1] for r in self.db.run("SELECT name, COALESCE(lease_owner, '') FROM nodes")}
        # Fair shares: one node each.
        self.assertTrue(tb.wait_for(lambda: sorted(owners().values()) == ["gc1", "gc2", "gc3"], 30),
                        owners())
        for d in ds:
            self.assertNotIn("db: on", d.logtext())   # each stayed on its own node k
        for d in ds:
            more_batches(d, 1, what="with fair shares")
        mine = [n for n, o in owners().items() if o == "gc2"][0]
        fake = load[int(mine[1:])][0]
        t0 = time.time()
        ds[1].kill9()
        self.assertTrue(tb.wait_for(lambda: owners()[mine] in ("gc1", "gc3"), 15), owners())
        took = time.time() - t0
        served = fake.truth()["served_ok"]
        self.assertTrue(tb.wait_for(lambda: fake.truth()["served_ok"] > served, 5))
        polled = time.time() - t0
        say("(c) billingd gc2 killed: its node %s taken over after %.1f s, polled again after %.1f s "
            "(lease_s 3, refresh_s 1)" % (mine, took, polled))
        self.assertLess(took, TAKEOVER_S)
        self.assertLess(polled, TAKEOVER_S + 1)
        more_batches(ds[0], 1, what="after the takeover")
        more_batches(ds[2], 1, what="after the takeover")
        self.check_exact(load)


class DocumentsTest(GaleraTest):
    """N accounts with one VE each and a plan of 1000 a month: invoices to
    issue and pay through connections on different nodes."""
    raw = False
    N = 120

    def setUp(self):
        super().setUp()
        now = int(time.time())
        t = time.gmtime(now)
        y, m = t.tm_year, t.tm_mon
        self.p2 = "%04d-%02d" % ((y, m - 1) if m > 1 else (y - 1, 12))
        self.p1 = "%04d-%02d" % ((y, m - 2) if m > 2 else (y - 1, m + 10))
        self.year = y
        start = now - 100 * 86400
        self.db.run("INSERT INTO plan_versions (plan_id, valid_from, monthly_fee_minor) VALUES (1, %d, 1000)"
                    % (start - 86400))
        rows_a, rows_o, rows_v = [], [], []
        for k in range(self.N):
            rows_a.append("(%d, 'c%d@example.net', %d, %d)" % (100 + k, k, 1900 * (k % 2), start))
            rows_o.append("(%d, %d, 1, 1, 1000, 1, 3650, 'ssh', 1, 1, 'open', 1, %d)" % (100 + k, 100 + k, start))
            rows_v.append("('0D%06X', %d, %d, 'x', %d, %d, %d)" % (k, 100 + k, 100 + k, start, start + 3650 * 86400, start))
        self.db.run("INSERT INTO accounts (id, email, tax_bp, created_at) VALUES " + ",".join(rows_a))
        self.db.run("INSERT INTO orders (id, account_id, plan_id, template_id, disk_quota_mb, always_on, "
                    "lifetime_days, login, fs_fault_tolerance_s, backup_hours, firewall, ip_count, created_at) "
                    "VALUES " + ",".join(rows_o))
        self.db.run("INSERT INTO ves (id, account_id, order_id, password_hash, created_at, expires_at, "
                    "updated_at) VALUES " + ",".join(rows_v))
        self.confs = []
        for k in (1, 2, 3):
            c = os.path.join(self.tmp, "n%d.conf" % k)
            write_conf(c, self.db.name, k)
            self.confs.append(c)

    def probe(self, k, *args):
        return subprocess.Popen([PROBE, "-f", self.confs[k - 1]] + [str(a) for a in args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def overpaid(self):
        """Invoices whose payments exceed their total less their credits."""
        return self.db.run(
            "SELECT i.number FROM invoices i WHERE "
            "COALESCE((SELECT SUM(p.amount_minor) FROM payments p WHERE p.invoice_id = i.id), 0) > "
            "i.total_minor + COALESCE((SELECT SUM(c.total_minor) FROM credit_notes c "
            "WHERE c.invoice_id = i.id), 0)")

    def finish(self, procs, timeout=120):
        outs = []
        for p in procs:
            out, err = p.communicate(timeout=timeout)
            self.assertEqual(p.returncode, 0, err)
            self.assertNotIn("Sanitizer", err)
            if os.environ.get("VEP_DEBUG_PROBE"):
                say("probe stderr: " + err[-3000:])
            outs.append(out)
        return outs


class TestD_Documents(DocumentsTest):
    def test_numbers_from_three_nodes(self):
        now = int(time.time())
        c0 = cert_conflicts()
        # Two runs of the same month through n1 and n2, another month through n3, at once.
        outs = self.finish([self.probe(1, "run", self.p1, now, 14), self.probe(2, "run", self.p1, now, 14),
                            self.probe(3, "run", self.p2, now, 14)])
        created = [int(o.split()[1]) for o in outs]
        self.assertEqual(created[0] + created[1], self.N, outs)    # each account once for p1
        self.assertEqual(created[2], self.N, outs)
        per = self.db.run("SELECT period, COUNT(*), COUNT(DISTINCT account_id) FROM invoices GROUP BY period")
        self.assertEqual(sorted(per), [[self.p1, str(self.N), str(self.N)], [self.p2, str(self.N), str(self.N)]])
        nums = sorted(r[0] for r in self.db.run("SELECT number FROM invoices"))
        self.assertEqual(nums, ["INV-%04d-%06d" % (self.year, i) for i in range(1, 2 * self.N + 1)])
        self.assertEqual(self.db.one("SELECT next_no FROM billing_counters WHERE kind = 'INV'"),
                         str(2 * self.N + 1))
        # Credit notes through n1 and n2 at once, on the same invoices.
        inv = nums[:6]
        outs = self.finish([self.probe(1, "credit", now, 30, *inv), self.probe(2, "credit", now, 30, *inv)])
        got = sorted(outs[0].split() + outs[1].split())
        want = ["CN-%04d-%06d" % (self.year, i) for i in range(1, 61)]
        self.assertEqual(got, want)
        self.assertEqual(sorted(r[0] for r in self.db.run("SELECT number FROM credit_notes")), want)
        conflicts = cert_conflicts() - c0
        say("(d) %d invoices and 60 credit notes from three nodes at once: numbers gapless and "
            "unique; %d certification conflicts retried" % (2 * self.N, conflicts))
        self.assertGreater(conflicts, 0)
        # Payments of the same invoices through n1 and n3 at once: each is
        # paid exactly once (TestE races many more).
        inv = nums[10:130]
        outs = self.finish([self.probe(1, "pay", now, *inv), self.probe(3, "pay", now, *inv)])
        paid = [l.split()[1] for o in outs for l in o.splitlines() if l.startswith("paid")]
        self.assertEqual(sorted(paid), inv, outs)
        self.assertEqual(self.overpaid(), [])


class TestE_PaymentRace(DocumentsTest):
    """Every invoice paid in full through n1 and n3 at the same moment while
    n2 issues a credit note of 1 on it: at most one payment of each goes
    through and no invoice is ever paid more than its total less its
    credits.  Enough racing pairs that a 1-in-300 double payment (the
    MariaDB 10.11 behaviour this guards against, see README) shows with
    near certainty: 1500 pairs miss it with probability (299/300)^1500 < 1%."""
    N = int(os.environ.get("VEP_GALERA_PAY_PAIRS", "1500"))

    def test_payments_race(self):
        now = int(time.time())
        out = self.finish([self.probe(1, "run", self.p1, now, 14)])[0]
        self.assertEqual(out.split(), ["created", str(self.N)])
        inv = sorted(r[0] for r in self.db.run("SELECT number FROM invoices"))
        t0 = time.time()
        outs = self.finish([self.probe(1, "pay", now, *inv), self.probe(3, "pay", now, *inv),
                            self.probe(2, "credit1", now, *inv)], timeout=240)
        paid = [l.split()[1] for o in outs[:2] for l in o.splitlines() if l.startswith("paid")]
        credited = sum(1 for l in outs[2].splitlines() if l.startswith("credited"))
        twice = sorted(set(n for n in paid if paid.count(n) > 1))
        over = self.overpaid()
        say("(e) %d invoices paid through n1 and n3 at once, credit notes through n2, in %.0f s: "
            "%d payments, %d credit notes, %d paid twice, %d overpaid"
            % (len(inv), time.time() - t0, len(paid), credited, len(twice), len(over)))
        if twice and os.environ.get("VEP_DEBUG_PROBE"):
            for n in twice:
                say(repr(self.db.run("SELECT p.id, p.amount_minor, p.created_at FROM payments p JOIN invoices i "
                                     "ON i.id = p.invoice_id WHERE i.number = '%s'" % n)))
                say(repr(self.db.run("SELECT w.n FROM invoice_writes w JOIN invoices i "
                                     "ON i.id = w.invoice_id WHERE i.number = '%s'" % n)))
        self.assertEqual(twice, [])
        self.assertEqual(over, [])
        self.assertGreater(len(paid), len(inv) // 2)

    def test_debit_note_payments_race(self):
        # Debit notes share the payment body: the same race on them.
        now = int(time.time())
        self.finish([self.probe(1, "run", self.p1, now, 14)])
        ids = [r[0] for r in self.db.run("SELECT id FROM invoices ORDER BY id")][:600]
        self.db.run("INSERT INTO debit_notes (number, invoice_id, reason, subtotal_minor, tax_minor, "
                    "total_minor, issued_at, due_at, actor) VALUES "
                    + ",".join("('DN-%04d-%06d', %s, 'test', 100, 19, 119, %d, %d, 'test')"
                               % (self.year, k + 1, i, now, now + 86400) for k, i in enumerate(ids)))
        dns = ["DN-%04d-%06d" % (self.year, k + 1) for k in range(len(ids))]
        outs = self.finish([self.probe(1, "pay", now, *dns), self.probe(3, "pay", now, *dns)],
                           timeout=240)
        paid = [l.split()[1] for o in outs for l in o.splitlines() if l.startswith("paid")]
        over = self.db.run("SELECT d.number FROM debit_notes d WHERE d.total_minor < "
                           "(SELECT SUM(p.amount_minor) FROM debit_note_payments p "
                           "WHERE p.debit_note_id = d.id)")
        say("(e) %d debit notes paid through n1 and n3 at once: %d payments, %d overpaid"
            % (len(dns), len(paid), len(over)))
        self.assertEqual(sorted(paid), dns)
        self.assertEqual(over, [])


@unittest.skipIf(SKIP, SKIP)
class TestSchemaAndConfig(unittest.TestCase):
    def test_schema_suits_galera(self):
        """Every table InnoDB with a primary key; no LOCK TABLES, no GET_LOCK in the code."""
        d = GDB.create(SOCKS[0])
        try:
            bad = d.run("SELECT t.TABLE_NAME, t.ENGINE FROM information_schema.TABLES t "
                        "WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE' AND "
                        "(t.ENGINE <> 'InnoDB' OR NOT EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS c "
                        "WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME "
                        "AND c.CONSTRAINT_TYPE = 'PRIMARY KEY'))")
            self.assertEqual(bad, [])
            # The schema reached every node (applied there a moment later: wait for it).
            n = d.one("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")
            q = ("SET SESSION wsrep_sync_wait = 1; SELECT COUNT(*) FROM information_schema.TABLES "
                 "WHERE TABLE_SCHEMA = '%s'" % d.name)
            for i in (2, 3):
                self.assertTrue(tb.wait_for(lambda: node_sql(i, q) == n, 10), (i, node_sql(i, q), n))
        finally:
            d.drop()
        # The SQL itself: string literals of the C sources, statements of the migrations.
        bad = re.compile(r"LOCK TABLES|GET_LOCK\(|ENGINE\s*=\s*MyISAM", re.I)
        for sub in ("lib", "billingd", "cgi", "tools", "db/migrations"):
            for dirpath, _, files in os.walk(os.path.join(ROOT, sub)):
                for fn in files:
                    if not fn.endswith((".c", ".sql")):
                        continue
                    with open(os.path.join(dirpath, fn)) as f:
                        text = f.read()
                    if fn.endswith(".sql"):
                        sqls = [l for l in text.splitlines() if not l.lstrip().startswith("--")]
                    else:
                        sqls = re.findall(r'"(?:[^"\\\n]|\\.)*"', text)
                    hits = [q for q in sqls if bad.search(q)]
                    self.assertEqual(hits, [], "%s/%s" % (dirpath, fn))

    def test_bad_hosts_stops_everything(self):
        with tempfile.TemporaryDirectory() as tmp:
            conf = os.path.join(tmp, "bad.conf")
            with open(conf, "w") as f:
                f.write("[database]\nname = x\nhosts = %s,, %s\n" % (SOCKS[0], SOCKS[1]))
            want = "%s:3: hosts: entry 2 is empty" % conf
            for cmd in ([tb.BILLINGD, "-n", "-f", conf], [tb.BILLINGD, "-f", conf],
                        [VEPCTL, "-f", conf, "migrate"],
                        [os.path.join(BUILD, "cgi", "vep-api"), "-f", conf, "-s", os.path.join(tmp, "s")]):
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
                self.assertNotEqual(r.returncode, 0, cmd)
                self.assertIn(want, r.stderr, cmd)
            self.assertFalse(os.path.exists(os.path.join(tmp, "s")))   # nothing listened
            with open(conf, "w") as f:
                f.write("[database]\nhosts = 127.0.0.1:3411:3412\n")
            r = subprocess.run([tb.BILLINGD, "-n", "-f", conf], capture_output=True, text=True, timeout=20)
            self.assertIn(":2: hosts: entry 1 \"127.0.0.1:3411:3412\": an IPv6 address is written "
                          "[address]:port", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
