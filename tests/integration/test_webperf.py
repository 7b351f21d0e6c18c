"""What issue 19's web rows changed must not change what anyone sees or may do.

- HTTP Basic on the API remembers a verified owner password for a few
  seconds (lib/web/credcache.c; SECURITY.md "Remembered Basic
  credentials"): a remembered password is answered without a hash (proved
  by holding every hash slot: an unremembered one is then 503), a changed
  password (self screen, reset, or the stored hash replaced) is refused at
  the very next request, and a wrong password is never remembered.
"""
import fcntl
import os
import re
import unittest

from screens_util import Client, basic, create_ve, q, release, sql

CONF = os.environ.get("VEP_CONF", "")


def conf_value(key, default):
    try:
        with open(CONF) as f:
            for line in f:
                m = re.match(r"\s*%s\s*=\s*(\S+)" % re.escape(key), line)
                if m:
                    return m.group(1)
    except OSError:
        pass
    return default


class HashSlotsHeld:
    """Every hash slot of the instance held, as busy logins would: a Basic
    check that needs argon2id then answers 503 after [web] hash_wait_ms."""

    def __enter__(self):
        d = conf_value("lock_dir", "/run/vepanel")
        n = int(conf_value("max_concurrent_hashes", "4"))
        self.fds = []
        st = os.stat(d)
        for i in range(n):
            path = os.path.join(d, f"hash.{i}")
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o660)
            # A slot file the programs cannot open would let them hash unlimited.
            os.fchown(fd, st.st_uid, st.st_gid)
            os.fchmod(fd, 0o660)
            fcntl.flock(fd, fcntl.LOCK_EX)
            self.fds.append(fd)
        return self

    def __exit__(self, *exc):
        for fd in self.fds:
            os.close(fd)


def csrf_of(page):
    return re.search(r'name="csrf" value="([0-9a-f]{64})"', page).group(1)


class RememberedBasic(unittest.TestCase):
    made = []

    @classmethod
    def tearDownClass(cls):
        release(cls.made)

    def status(self, ve, pw):
        return Client().get(f"/api/v1/ves/{ve}", headers=basic(ve, pw)).status

    def fresh_ve(self):
        ve, pw, _ = create_ve()
        self.made.append(ve)
        sql(f"DELETE FROM login_failures WHERE subject = {q(ve)}")
        return ve, pw

    def test_remembered_answers_without_a_hash(self):
        ve, pw = self.fresh_ve()
        other, opw = self.fresh_ve()
        self.assertEqual(self.status(ve, pw), 200)          # verified once: remembered
        with HashSlotsHeld():
            # Every worker (the table is shared) answers without a slot.
            for _ in range(8):
                self.assertEqual(self.status(ve, pw), 200)
            # A wrong password still needs its hash: no slot, 503.
            self.assertEqual(self.status(ve, pw + "x"), 503)
            # Another VE's password was never verified: no slot, 503.
            self.assertEqual(self.status(other, opw), 503)

    def test_wrong_password_never_remembered(self):
        ve, pw = self.fresh_ve()
        self.assertEqual(self.status(ve, pw + "-wrong"), 401)
        sql(f"DELETE FROM login_failures WHERE subject = {q(ve)}")
        with HashSlotsHeld():
            self.assertEqual(self.status(ve, pw + "-wrong"), 503)

    def test_password_change_drops_it(self):
        ve, pw = self.fresh_ve()
        self.assertEqual(self.status(ve, pw), 200)
        self.assertEqual(self.status(ve, pw), 200)
        c = Client()
        self.assertEqual(c.self_login(ve, pw).status, 303)
        new = "another-password-for-" + ve
        r = c.post_form("/self/password", [("csrf", csrf_of(c.get("/self").text)), ("old_password", pw),
                                            ("new_password", new), ("confirm", new)])
        self.assertEqual(r.status, 303)
        # At once, on every worker: the old password is wrong, the new one right.
        for _ in range(8):
            self.assertEqual(self.status(ve, pw), 401)
            sql(f"DELETE FROM login_failures WHERE subject = {q(ve)}")
        self.assertEqual(self.status(ve, new), 200)

    def test_stored_hash_replaced_drops_it(self):
        # An operator's or reset's change is a new stored hash: the same.
        ve, pw = self.fresh_ve()
        other, opw = self.fresh_ve()
        self.assertEqual(self.status(ve, pw), 200)
        sql(f"UPDATE ves SET password_hash = (SELECT h FROM (SELECT password_hash AS h FROM ves "
            f"WHERE id = {q(other)}) x) WHERE id = {q(ve)}")
        with HashSlotsHeld():
            self.assertEqual(self.status(ve, pw), 503)      # not remembered: a hash is needed
        self.assertEqual(self.status(ve, pw), 401)
        sql(f"DELETE FROM login_failures WHERE subject = {q(ve)}")
        self.assertEqual(self.status(ve, opw), 200)


if __name__ == "__main__":
    unittest.main()
