"""Reinstall, backups and restore of a real VE (issue 15, SPEC section 11).

On the real node real1 that `./dev up` starts (LXC, borg repository under
var/backup/repo): a file written inside the VE, backed up (the API's
trigger, POST /ves/{id}/backups), deleted and restored comes back byte for
byte; a second backup of the unchanged VE takes little more room in the
repository than the first (the dedup figure is printed); reinstall keeps
the VEid and addresses, takes the new root password and wipes the files;
reinstall while suspended is 409, bad bodies 422, nothing written either way.
Skipped like test_real_e2e (not root, no LXC, no template), and without borg.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import unittest

import test_real_e2e as e2e
import veplib
from screens_util import order, sql1, uniq

api = e2e.api
wait_for = e2e.wait_for


def skip_reason():
    r = e2e.skip_reason()
    if r is None and shutil.which("borg") is None:
        r = "BorgBackup is not installed (apt-get install borgbackup)"
    return r


@unittest.skipIf(skip_reason(), skip_reason() or "")
class Backups(unittest.TestCase):
    ssh = e2e.RealEndToEnd.ssh
    ssh_ok = e2e.RealEndToEnd.ssh_ok
    run_in = e2e.RealEndToEnd.run_in
    assert_local = e2e.RealEndToEnd.assert_local
    metrics_raw = classmethod(e2e.RealEndToEnd.metrics_raw.__func__)

    @classmethod
    def setUpClass(cls):
        import paramiko
        cls.paramiko = paramiko
        cls.metrics_url = sql1("SELECT url FROM nodes WHERE name = 'real1'")
        with open(os.path.join(e2e.VAR, "secrets", "real1.token")) as f:
            cls.node_token = f.read().strip()
        cls.pw = "backup-Root-pass-" + uniq()
        st, a = api("POST", "/api/v1/orders", dict(order(template="debian-12", disk_quota_mb=400,
                    root_password=cls.pw, backup_hours=24), node="real1"))
        assert st == 201, (st, a)
        cls.ve = a["ve_id"]
        cls.addr = a["ips"][0]["address"]
        cls.img = os.path.join(e2e.VEROOT, cls.ve, "root.img")

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "ve", None):
            api("DELETE", "/api/v1/admin/ves/%s" % cls.ve)
            try:
                wait_for(lambda: not os.path.exists(cls.img), 60, what="the VE's image erased")
            except AssertionError as e:
                print("  clean-up: %s" % e, file=sys.stderr)

    def backups(self):
        st, j = api("GET", "/api/v1/ves/%s/backups" % self.ve)
        self.assertEqual(st, 200, j)
        return j["backups"]

    def backup_now(self):
        """A backup through the API; (its id, the repository's bytes) once the node lists it."""
        t = time.monotonic()
        before = {b["id"] for b in self.backups()}
        st, j = api("POST", "/api/v1/ves/%s/backups" % self.ve)
        self.assertEqual(st, 202, j)
        wait_for(lambda: {b["id"] for b in self.backups()} - before, 600, 1, what="a new backup listed")
        new = ({b["id"] for b in self.backups()} - before).pop()
        print("  backup %s listed after %.1f s" % (new, time.monotonic() - t), file=sys.stderr)
        return new, int(sql1("SELECT backup_bytes FROM nodes WHERE name = 'real1'"))

    def seq(self, col):
        return int(sql1("SELECT %s FROM ves WHERE id = '%s'" % (col, self.ve)))

    def test_backup_failure_visible(self):
        """A failing backup (a wrong passphrase) is seen everywhere, and cleared by the next good one."""
        wait_for(self.ssh_ok, 120, 1, what="ssh into the new VE")
        pfile = os.path.join(e2e.VAR, "backup", "passphrase")
        if not os.path.exists(pfile):
            self.backup_now()	# the repository and its passphrase are made at the first backup
        with open(pfile) as f:
            good = f.read()
        mails = int(sql1("SELECT COUNT(*) FROM mail_outbox WHERE ve_id = '%s' AND kind = 've_event'" % self.ve))
        try:
            with open(pfile, "w") as f:
                f.write("not-the-passphrase")
            st, j = api("POST", "/api/v1/ves/%s/backups" % self.ve)
            self.assertEqual(st, 202, j)
            wait_for(lambda: self.backups_doc()["last_error"], 300, 1, what="the failure reported")
        finally:
            with open(pfile, "w") as f:
                f.write(good)
        doc = self.backups_doc()
        print("  failure reported: %s" % doc["last_error"], file=sys.stderr)
        self.assertIn("borg", doc["last_error"])
        # velxc reports to the panel just before it ends; the agent's gauge follows its exit.
        wait_for(lambda: re.search(r'(?m)^ve_backup_failing\{ve="%s"\} 1$' % self.ve, self.metrics_raw()),
                 10, what="ve_backup_failing 1")
        self.assertRegex(self.metrics_raw(), r"(?m)^veagent_backup_failures_total [1-9]")
        self.assertEqual(int(sql1("SELECT COUNT(*) FROM audit_log WHERE object = '%s' AND action = "
                                  "'ve.backup_failed'" % self.ve)), 1)
        self.assertEqual(int(sql1("SELECT COUNT(*) FROM mail_outbox WHERE ve_id = '%s' AND kind = 've_event'"
                                  % self.ve)), mails + 1)
        self.assertGreaterEqual(int(sql1("SELECT COUNT(*) FROM ves v JOIN nodes n ON n.id = v.node_id "
                                         "WHERE n.name = 'real1' AND v.backup_error IS NOT NULL")), 1)
        self.backup_now()
        self.assertIsNone(self.backups_doc()["last_error"], "a good backup clears the failure")
        wait_for(lambda: re.search(r'(?m)^ve_backup_failing\{ve="%s"\} 0$' % self.ve, self.metrics_raw()),
                 10, what="ve_backup_failing 0")

    def backups_doc(self):
        st, j = api("GET", "/api/v1/ves/%s/backups" % self.ve)
        self.assertEqual(st, 200, j)
        return j

    def test_backup_restore_reinstall(self):
        wait_for(self.ssh_ok, 120, 1, what="ssh into the new VE")
        data = os.urandom(300000)
        rc, _, err = self.run_in("cat > /root/precious.bin && sync", stdin=data)
        self.assertEqual(rc, 0, err)

        # Two backups of the unchanged VE: the second costs almost nothing.
        first, b1 = self.backup_now()
        _, b2 = self.backup_now()
        lst = self.backups()
        size = lst[0]["bytes"]
        print("  dedup: the VE's files %d bytes; repository %d bytes after one backup, %d after "
              "two (+%d bytes, %.2f %% of one)" % (size, b1, b2, b2 - b1, 100.0 * (b2 - b1) / b1),
              file=sys.stderr)
        self.assertGreater(size, 100e6, lst)
        self.assertLess(b2 - b1, 0.05 * b1, "a second backup of an unchanged VE must deduplicate")
        self.assertLess(b1, size, "the repository is compressed")
        self.assertTrue(all(x["id"].startswith(self.ve + "-") for x in lst), lst)
        m = self.metrics_raw()
        self.assertRegex(m, r"(?m)^veagent_backups_total [1-9]")
        wait_for(lambda: re.search(r'(?m)^ve_backup_failing\{ve="%s"\} 0$' % self.ve, self.metrics_raw()),
                 10, what="ve_backup_failing 0")

        # Restore: stopped, restored, started; the file is back byte for byte.
        rc, _, err = self.run_in("rm /root/precious.bin && sync")
        self.assertEqual(rc, 0, err)
        seq = self.seq("restore_seq")
        st, j = api("POST", "/api/v1/ves/%s/restore" % self.ve, {"backup": "nonexistent-1"})
        self.assertEqual(st, 422, j)
        self.assertIn("backup", j["error"]["fields"])
        self.assertEqual(self.seq("restore_seq"), seq, "a refused restore writes nothing")
        t = time.monotonic()
        st, j = api("POST", "/api/v1/ves/%s/restore" % self.ve, {"backup": first})
        self.assertEqual(st, 202, j)

        def restored():
            # One session for the login and the look: the restore stops and
            # starts the VE, so a login that worked may be gone a moment later.
            try:
                rc, out, _ = veplib.ssh_run(self.ssh(timeout=5), "test -f /root/precious.bin && echo yes",
                                            timeout=30)
            except Exception:
                return False
            return out.strip() == "yes"
        wait_for(restored, 300, 2, what="the file back after the restore")
        rc, out, _ = self.run_in("sha256sum /root/precious.bin")
        self.assertEqual(out.split()[0], hashlib.sha256(data).hexdigest(),
                         "the restored file must be byte for byte the one backed up")
        print("  restore: file back %.1f s after the request" % (time.monotonic() - t), file=sys.stderr)

        # Reinstall: bad bodies and a suspended VE write nothing.
        seq = self.seq("reinstall_seq")
        for body, field in (({"template": "debian-12", "root_password": "short"}, "root_password"),
                            ({"template": "no-such-template", "root_password": "x" * 20}, "template"),
                            ({"template": "debian-12", "root_password": "x" * 20, "extra": 1}, "extra"),
                            ({"root_password": "x" * 20}, "template")):
            st, j = api("POST", "/api/v1/ves/%s/reinstall" % self.ve, body)
            self.assertEqual(st, 422, (body, j))
            self.assertIn(field, j["error"]["fields"], (body, j))
        st, j = api("POST", "/api/v1/admin/ves/%s/suspend" % self.ve, {"reason": "backup test"})
        self.assertEqual(st, 200, j)
        st, j = api("POST", "/api/v1/ves/%s/reinstall" % self.ve,
                    {"template": "debian-12", "root_password": "y" * 20})
        self.assertEqual(st, 409, j)
        st, j = api("POST", "/api/v1/admin/ves/%s/resume" % self.ve)
        self.assertEqual(st, 200, j)
        self.assertEqual(self.seq("reinstall_seq"), seq, "refused reinstalls write nothing")
        wait_for(self.ssh_ok, 120, 1, what="ssh after resume")

        st, before = api("GET", "/api/v1/ves/%s" % self.ve)
        self.assertEqual(st, 200, before)
        newpw = "reinstalled-Pass-" + uniq()
        t = time.monotonic()
        st, j = api("POST", "/api/v1/ves/%s/reinstall" % self.ve,
                    {"template": "debian-12", "root_password": newpw})
        self.assertEqual(st, 202, j)
        self.assertEqual(self.seq("reinstall_seq"), seq + 1)
        old = self.pw
        self.pw = newpw
        wait_for(lambda: self.ssh_ok(newpw), 300, 2, what="ssh with the new password after reinstall")
        print("  reinstall: ssh with the new password %.1f s after the request"
              % (time.monotonic() - t), file=sys.stderr)
        self.assertFalse(self.ssh_ok(old), "the old password must not work after a reinstall")
        rc, out, _ = self.run_in("ls /root/precious.bin 2>&1; ip -4 -o addr show eth0")
        self.assertIn("No such file", out, "reinstall wipes the files")
        self.assertIn(self.addr + "/", out)
        st, after = api("GET", "/api/v1/ves/%s" % self.ve)
        self.assertEqual(st, 200, after)
        self.assertEqual(after["ve_id"], self.ve)
        self.assertEqual(after["ips"], before["ips"], "reinstall keeps the addresses")
        # Audited, and the owner's mail queued in the same transactions.
        self.assertGreaterEqual(int(sql1("SELECT COUNT(*) FROM audit_log WHERE object = '%s' AND action IN "
                                         "('ve.reinstall', 've.restore', 've.backup')" % self.ve)), 4)
        self.assertEqual(int(sql1("SELECT COUNT(*) FROM mail_outbox WHERE ve_id = '%s' AND kind = 've_event' "
                                  "AND detail NOT LIKE 've.backup_failed%%'" % self.ve)), 2)

    def test_z_deleted_ve_backups_erased(self):
        """Runs last: a deleted VE's backups go with its volume."""
        self.assertTrue(self.backups(), "the first test left backups")
        st, j = api("DELETE", "/api/v1/admin/ves/%s" % self.ve)
        self.assertIn(st, (200, 204), j)
        wait_for(lambda: not os.path.exists(os.path.dirname(self.img)), 120, 1,
                 what="the VE's directory erased")
        r = subprocess.run(["borg", "list", "--short", os.path.join(e2e.VAR, "backup", "repo")],
                           capture_output=True, text=True,
                           env=dict(os.environ, BORG_PASSCOMMAND="cat " + os.path.join(
                               e2e.VAR, "backup", "passphrase"),
                               BORG_BASE_DIR=os.path.join(e2e.VAR, "backup", "cache")))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn(self.ve + "-", r.stdout, "a deleted VE's backups must be erased")


class AdminAndVepctl(unittest.TestCase):
    """The operator's side on a VE of a simulated node: admin pages and vepctl (no LXC needed)."""

    @classmethod
    def setUpClass(cls):
        import admin_util
        cls.au = admin_util
        st, a = api("POST", "/api/v1/orders", order(backup_hours=12))
        assert st == 201, (st, a)
        cls.ve = a["ve_id"]
        now = int(time.time())
        cls.ids = ["%s-20261201T030000Z" % cls.ve, "%s-20261202T030000Z" % cls.ve]
        admin_util.sql("INSERT INTO ve_backups (ve_id, id, taken_at, bytes) VALUES ('%s', '%s', %d, 1000000), "
                       "('%s', '%s', %d, 2000000)" % (cls.ve, cls.ids[0], now - 7200, cls.ve, cls.ids[1], now - 60))
        cls.name, pw = admin_util.make_operator("bktest")
        cls.c = admin_util.Client()
        cls.c.login(cls.name, pw)

    @classmethod
    def tearDownClass(cls):
        api("DELETE", "/api/v1/admin/ves/%s" % cls.ve)
        cls.au.drop_operator(cls.name)

    def seq(self, col):
        return int(sql1("SELECT %s FROM ves WHERE id = '%s'" % (col, self.ve)))

    def test_admin_pages(self):
        path = "/admin/ves/%s" % self.ve
        r = self.c.get(path)
        self.assertEqual(r.status, 200)
        for i in self.ids:
            self.assertIn(i, r.text)
        self.assertIn('id="reinstall-form"', r.text)
        csrf = self.c.csrf(path)
        r = self.c.post(path + "/backup", [("csrf", csrf)])
        self.assertEqual(r.status, 303, r.text[:300])
        self.assertEqual(self.seq("backup_seq"), 1)
        # Reinstall and restore without the confirmation: 422, nothing written.
        r = self.c.post(path + "/reinstall", [("csrf", csrf), ("template", "debian-12"),
                                              ("password", "admin-chosen-pass-1")])
        self.assertEqual(r.status, 422)
        r = self.c.post(path + "/restore", [("csrf", csrf), ("backup", self.ids[0])])
        self.assertEqual(r.status, 422)
        r = self.c.post(path + "/reinstall", [("csrf", csrf), ("template", "debian-12"),
                                              ("password", "short"), ("confirm", "yes")])
        self.assertEqual(r.status, 422)
        self.assertEqual((self.seq("reinstall_seq"), self.seq("restore_seq")), (0, 0))
        r = self.c.post(path + "/restore", [("csrf", csrf), ("backup", self.ve + "-nope"), ("confirm", "yes")])
        self.assertEqual(r.status, 422)
        self.assertEqual(self.seq("restore_seq"), 0)
        r = self.c.post(path + "/restore", [("csrf", csrf), ("backup", self.ids[0]), ("confirm", "yes")])
        self.assertEqual(r.status, 303)
        self.assertEqual(self.seq("restore_seq"), 1)
        r = self.c.post(path + "/reinstall", [("csrf", csrf), ("template", "debian-12"),
                                              ("password", "admin-chosen-pass-1"), ("confirm", "yes")])
        self.assertEqual(r.status, 303)
        self.assertEqual(self.seq("reinstall_seq"), 1)
        self.assertEqual(sql1("SELECT actor FROM audit_log WHERE object = '%s' AND action = 've.reinstall' "
                              "ORDER BY id DESC LIMIT 1" % self.ve)[:len(self.name) + 6], "admin:" + self.name)
        r = self.c.get("/admin/nodes")
        self.assertEqual(r.status, 200)
        self.assertIn("Backups", r.text)
        r = self.c.get("/admin")
        self.assertEqual(r.status, 200)
        self.assertIn('id="backup-storage"', r.text)

    def test_vepctl(self):
        r = self.au.vepctl("backup", "list", self.ve)
        self.assertIn(self.ids[0], r.stdout)
        self.assertIn("2000000 bytes", r.stdout)
        r = self.au.vepctl("backup", "restore", self.ve, "nope-1", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("has no backup", r.stderr)
        r = self.au.vepctl("backup", "list", "XYZ", check=False)
        self.assertEqual(r.returncode, 2)
        r = self.au.vepctl("backup", "totals")
        self.assertIn("backup repositories:", r.stdout)


if __name__ == "__main__":
    unittest.main()
