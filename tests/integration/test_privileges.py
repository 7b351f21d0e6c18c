"""What SECURITY.md says about privileges and secrets, checked on the running
instance that ./dev started (everything under VEP_VAR):

- every program ./dev started runs unprivileged: the FastCGI programs (their
  supervisors and workers), billingd and the demo agents as user vepanel
  (real, effective, saved and filesystem ids, no capabilities, no root
  group); nginx's workers as www-data (its master is root only to bind the
  port and open its logs); MariaDB as its own user.  ./dev's own restart
  loops (root shells, as systemd would be) are not the product and are
  skipped; the systemd units are checked to say the same;
- the FastCGI sockets and their directory are not world-accessible, the
  lock directory neither;
- every secrets file is 0600 (0640 at most) and unreadable by the web
  server's user, though that user is in group vepanel to reach the sockets;
  the programs that need one can read it; the configuration file holds none;
- no secret value (admin token and password, database password, node
  tokens, form key) appears in any file under var/log or on any process's
  command line.  ./dev test runs test_no_secret_in_logs once more after
  every other test.
"""
import glob
import os
import pwd
import re
import stat
import subprocess
import unittest

import veplib

VAR = veplib.VAR
PIDS = os.path.join(VAR, "run", "pids")


def status(pid):
    """/proc/PID/status as a dict of strings (None if the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    except OSError:
        return None


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        return ""


def children():
    """{ppid: [pid, ...]} of every process."""
    out = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = status(d)
            if st is not None:
                out.setdefault(int(st["PPid"]), []).append(int(d))
    return out


def descendants(pid, kids):
    out, todo = [], list(kids.get(pid, []))
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out


def can_read(user, path):
    """Whether user (with its groups) may open path for reading."""
    return subprocess.run(["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups",
                           "test", "-r", path], capture_output=True).returncode == 0


def secret_values():
    """{label: value} of every secret ./dev keeps in var/secrets (values of 16+ characters)."""
    out = {}
    for f in sorted(glob.glob(os.path.join(VAR, "secrets", "*"))):
        with open(f, errors="replace") as fh:
            v = fh.read().strip()
        if len(v) >= 16:
            out[os.path.basename(f)] = v
    if veplib.ADMIN_TOKEN:
        out.setdefault("admin.token", veplib.ADMIN_TOKEN)
    return out


class Privileges(unittest.TestCase):

    def test_programs_unprivileged(self):
        # A program in its restart second (./dev's loop waits 1 s) is looked at again.
        got = []

        def all_running():
            got[:] = self.program_problems()
            return not any("no program" in p or "not running" in p for p in got[0])
        try:
            veplib.wait_until(all_running, 5, "every program running")
        except AssertionError:
            pass        # the problems say which
        problems, seen = got
        self.assertEqual(problems, [], "\n".join(problems))
        # FastCGI programs: a supervisor and its workers, all counted.
        self.assertGreaterEqual(seen.get("fcgi-self", 0), 2)

    def program_problems(self):
        vep = pwd.getpwnam("vepanel")
        kids = children()
        seen = {}
        problems = []
        for pf in sorted(glob.glob(os.path.join(PIDS, "*.pid"))):
            name = os.path.basename(pf)[:-4]
            # The real node's agent is veagent --backend real: the one root
            # process, as the shipped unit says (test below).
            if name in ("mariadb", "agent-real1"):
                continue
            with open(pf) as f:
                sup = int(f.read().strip())
            if status(sup) is None:
                problems.append(f"{name}: not running")
                continue
            procs = descendants(sup, kids)
            # setpriv execs the program: what remains are the program and its workers.
            procs = [p for p in procs if status(p) is not None and not cmdline(p).startswith("sleep")]
            if not procs:
                problems.append(f"{name}: no program under ./dev's supervisor {sup}")
            for p in procs:
                st = status(p)
                if st is None:
                    continue
                seen.setdefault(name, 0)
                seen[name] += 1
                uids = [int(x) for x in st["Uid"].split()]
                gids = [int(x) for x in st["Gid"].split()]
                groups = [int(x) for x in st.get("Groups", "").split()]
                what = f"{name} pid {p} ({cmdline(p)[:60]})"
                if uids != [vep.pw_uid] * 4:
                    problems.append(f"{what}: uids {uids}, want vepanel ({vep.pw_uid})")
                if gids != [vep.pw_gid] * 4:
                    problems.append(f"{what}: gids {gids}")
                if 0 in groups:
                    problems.append(f"{what}: in group root")
                if int(st["CapEff"], 16) != 0 or int(st["CapPrm"], 16) != 0:
                    problems.append(f"{what}: capabilities {st['CapEff']}/{st['CapPrm']}")
        for want in ("fcgi-signup", "fcgi-self", "fcgi-admin", "fcgi-api", "billingd"):
            if want not in seen:
                problems.append(f"{want}: no program found")
        return problems, seen

    def test_web_server_and_database_users(self):
        www = pwd.getpwnam("www-data").pw_uid
        with open(os.path.join(VAR, "run", "nginx.pid")) as f:
            master = int(f.read().strip())
        workers = children().get(master, [])
        self.assertTrue(workers, "no nginx workers")
        for p in workers:
            uids = [int(x) for x in status(p)["Uid"].split()]
            self.assertEqual(uids, [www] * 4, f"nginx worker {p}: {uids}")
        with open(os.path.join(PIDS, "mariadb.pid")) as f:
            db = int(f.read().strip())
        uids = [int(x) for x in status(db)["Uid"].split()]
        self.assertEqual(uids, [pwd.getpwnam("mysql").pw_uid] * 4, f"mariadbd: {uids}")

    def test_systemd_units(self):
        """The shipped units say the same: our daemons as vepanel, only veagent as root."""
        units = glob.glob(os.path.join(veplib.ROOT, "conf", "systemd", "*.service"))
        self.assertTrue(units)
        for u in units:
            with open(u) as f:
                text = f.read()
            name = os.path.basename(u)
            if name.startswith("veagent"):
                self.assertNotRegex(text, r"(?m)^User=", "veagent is the one root process (cgroups, netns, nft, tc)")
                continue
            self.assertRegex(text, r"(?m)^User=vepanel$", name)
            self.assertRegex(text, r"(?m)^NoNewPrivileges=yes$", name)

    def test_sockets_not_world_accessible(self):
        socks = glob.glob(os.path.join(VAR, "run", "fcgi", "*.sock"))
        self.assertGreaterEqual(len(socks), 4, socks)
        vep = pwd.getpwnam("vepanel").pw_uid
        for s in socks:
            st = os.stat(s)
            self.assertTrue(stat.S_ISSOCK(st.st_mode), s)
            self.assertEqual(st.st_mode & 0o007, 0, f"{s} is {oct(st.st_mode & 0o777)}: world-accessible")
            self.assertEqual(st.st_uid, vep, f"{s} is not vepanel's")
            # The web server reaches it through its group; nobody else can.
            self.assertTrue(can_read("www-data", os.path.dirname(s)), "nginx cannot reach the sockets")
            self.assertFalse(can_read("nobody", os.path.dirname(s)), f"{os.path.dirname(s)} is open to anyone")
        for d in (os.path.join(VAR, "run", "fcgi"), os.path.join(VAR, "run", "lock"), os.path.join(VAR, "secrets")):
            mode = os.stat(d).st_mode
            self.assertEqual(mode & 0o007, 0, f"{d} is {oct(mode & 0o777)}")

    def test_secrets_files(self):
        files = sorted(glob.glob(os.path.join(VAR, "secrets", "*")))
        names = {os.path.basename(f) for f in files}
        self.assertTrue({"db.pass", "admin.pass", "admin.token", "form.key"} <= names, names)
        need = {"db.pass": "vepanel", "form.key": "vepanel"}     # the programs read these
        for f in files:
            n = os.path.basename(f)
            mode = os.stat(f).st_mode & 0o777
            self.assertIn(mode, (0o600, 0o640, 0o400, 0o440), f"{n} is {oct(mode)}")
            self.assertFalse(can_read("www-data", f), f"the web server's user can read {n}")
            self.assertFalse(can_read("nobody", f), f"anyone can read {n}")
            if n.startswith("node") or n in need:
                self.assertTrue(can_read("vepanel", f), f"vepanel cannot read {n}, which it needs")
            if n in ("admin.pass", "admin.token"):
                self.assertFalse(can_read("vepanel", f), f"{n} is the operator's, not the programs'")
        # The configuration names files; it holds no secret itself.
        with open(veplib.CONF) as fh:
            conf = fh.read()
        for label, v in secret_values().items():
            # (assertFalse: a failure must not print the secret into the test log)
            self.assertFalse(v in conf, f"{label} is in the configuration file")
        self.assertNotRegex(conf, r"(?m)^\s*password\s*=", "a password in the configuration file")

    def test_no_secret_on_command_lines(self):
        secrets_ = secret_values()
        found = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                cl = cmdline(d)
                found += [f"{label} on the command line of pid {d} ({cl.split(' ')[0]})"
                          for label, v in secrets_.items() if v in cl]
        self.assertEqual(found, [], "\n".join(found))

    def test_no_secret_in_logs(self):
        secrets_ = secret_values()
        self.assertIn("db.pass", list(secrets_))
        self.assertTrue(any(k.startswith("node") for k in secrets_), list(secrets_))
        found, n = [], 0
        for path in sorted(glob.glob(os.path.join(VAR, "log", "**", "*"), recursive=True)):
            if not os.path.isfile(path):
                continue
            n += 1
            with open(path, "rb") as f:
                data = f.read()
            for label, v in secrets_.items():
                if v.encode() in data:
                    found.append(f"{label} in {os.path.relpath(path, VAR)}")
        print(f"\nsecrets: {len(secrets_)} values looked for in {n} log files", flush=True)
        self.assertEqual(found, [], "\n".join(found))


if __name__ == "__main__":
    unittest.main()
