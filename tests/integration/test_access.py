"""Every page's access rule, walked from the programs' own page tables.

Each screen program lists its table with -P ("GET /admin/ves/* admin"):
this module asks every page that is not flagged public, without a
session and with a made-up session cookie, and wants it refused before
any handler could run -- a redirect to the login, 403, or (GET /self, which
is the login page) the login form -- with no session cookie set and
nothing written.  A POST that needs a session also needs the session's
CSRF token: with a real session and no token it is 403 too.
"""
import os
import re
import secrets
import subprocess
import unittest

import veplib
from admin_util import Client as AdminClient, make_operator
from badinput_cases import Client

PROGRAMS = {"vep-admin": "vep_admin", "vep-self": "vep_sid", "vep-signup": "vep_acct", "vep-api": None,
            "vep-account": "vep_acct"}
STAR = {"/admin/ves/*": "0000002A", "/admin/invoices/*": "INV-2026-000001",
        "/admin/debit-notes/*": "DN-2026-000001", "/admin/nodes/*": "node1",
        "/admin/reports/*": "usage", "/self/invoices/*": "INV-2026-000001",
        "/account/invoices/*": "INV-2026-000001"}


def page_table(prog):
    """[(method, pattern, {flags})] as the program itself lists them."""
    out = subprocess.run([os.path.join(veplib.BUILD, "cgi", prog), "-P"], capture_output=True,
                         text=True, timeout=30, check=True).stdout
    rows = []
    for line in out.splitlines():
        method, pattern, *flags = line.split()
        rows.append((method, pattern, set(flags)))
    return rows


def path_of(pattern):
    for prefix, value in STAR.items():
        if pattern.startswith(prefix[:-1]):
            return pattern.replace("*", value, 1).replace("*", "x")
    return pattern.replace("*", "x")


def audit_count():
    return veplib.sql_value("SELECT COUNT(*) FROM audit_log")


class PageTables(unittest.TestCase):
    def test_every_page_has_a_rule(self):
        for prog in PROGRAMS:
            rows = page_table(prog)
            self.assertGreater(len(rows), 0, prog)
            for method, pattern, flags in rows:
                self.assertTrue(flags & {"public", "login", "admin", "token"},
                                f"{prog}: {method} {pattern} has no access rule")
                if method == "POST" and flags & {"login", "admin"}:
                    self.assertIn("csrf", flags, f"{prog}: POST {pattern} needs a session but no CSRF token")

    def refused(self, prog, method, path, r):
        where = f"{prog}: {method} {path}"
        self.assertNotIn(PROGRAMS[prog], r.cookies(), f"{where} set a session cookie")
        if r.status in (302, 303):
            # The admin's login, or the account's login page (/account/order without a session).
            loc = r.header("Location") or ""
            self.assertTrue("/login" in loc or loc.endswith("/account"), f"{where}: {loc}")
        elif r.status == 200:
            # Only the pages that are login forms may answer 200: with the form.
            self.assertIn((method, path), (("GET", "/self"), ("GET", "/account")), where)
            self.assertIn('name="login_token"', r.text, where)
        else:
            self.assertEqual(r.status, 403, f"{where}: {r.status} {r.text[:200]}")

    def test_refused_without_session(self):
        walked = 0
        for prog in ("vep-admin", "vep-self", "vep-account", "vep-signup"):
            for method, pattern, flags in page_table(prog):
                if "public" in flags:
                    continue
                path = path_of(pattern)
                before = audit_count()
                for cookie in (None, f"{PROGRAMS[prog]}={secrets.token_hex(32)}"):
                    h = {} if cookie is None else {"Cookie": cookie}
                    c = Client("127.0.30.1")
                    if method == "GET":
                        r = c.request("GET", path, headers=h, cookies=False)
                    else:
                        r = c.post_form(path, [("csrf", "0" * 64), ("confirm", "yes"), ("node", "node1")],
                                        headers=h, cookies=False)
                    self.refused(prog, method, path, r)
                    walked += 1
                self.assertEqual(audit_count(), before, f"{method} {path} wrote to the audit log")
        self.assertGreater(walked, 60)

    def test_post_needs_csrf(self):
        """With an operator's session but no CSRF token, every change is refused."""
        name, pw = make_operator("access")
        c = AdminClient()
        c.login(name, pw)
        before = audit_count()
        for method, pattern, flags in page_table("vep-admin"):
            if method != "POST" or "public" in flags:
                continue
            path = path_of(pattern)
            r = c.post(path, [("confirm", "yes"), ("node", "node1"), ("reason", "x")])
            self.assertEqual(r.status, 403, f"POST {path}: {r.status}")
        self.assertEqual(audit_count(), before)
        self.assertEqual(c.get("/admin").status, 200, "the session survives refused forms")


if __name__ == "__main__":
    unittest.main()
