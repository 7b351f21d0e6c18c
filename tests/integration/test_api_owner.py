"""GET /api/v1/ves/{ve_id} for owners and the operator (SPEC sections 3,
5, 6): who may see what, the answer's shape, the order as placed, and
current usage computed from what billingd wrote.  The usage cases move the
VE to a disabled test node (no agent runs it, billingd leaves it alone) and
write the usage rows themselves, so the expected figures are exact."""
import time
import unittest

from screens_util import (Client, basic, bearer, create_ve, q, release, sql, sql1, uniq,
                          wait_billingd_lets_go)

ORDER_FIELDS = {"plan", "template", "email", "disk_quota_mb", "always_on", "lifetime_days", "login",
                "cpu_min_bogomips", "net_bw_min_kbps", "net_bw_max_kbps", "net_in_bw_min_kbps",
                "net_in_bw_max_kbps", "net_out_bw_min_kbps", "net_out_bw_max_kbps", "net_quota_min_mb",
                "net_quota_max_mb", "net_in_quota_min_mb", "net_in_quota_max_mb", "net_out_quota_min_mb",
                "net_out_quota_max_mb", "mem_max_mb", "fs_fault_tolerance_s", "backup_hours", "firewall",
                "firewall_file", "ip_count", "dns_names", "user_info"}
USAGE_FIELDS = {"recorded", "as_of", "disk_bytes", "cpu_bogomips", "vmem_mb", "net_in_bytes",
                "net_out_bytes", "net_total_bytes", "cpu_user_us", "cpu_sys_us"}
INFO = "<script>alert(1)</script>&\"'"


def clear_usage(ve):
    sql(f"DELETE FROM ve_totals WHERE ve_id = {q(ve)}; DELETE FROM usage_raw WHERE ve_id = {q(ve)}; "
        f"DELETE FROM usage_minute WHERE ve_id = {q(ve)}")


class ApiOwner(unittest.TestCase):
    made = []

    @classmethod
    def setUpClass(cls):
        # debian-12-lamp offers telnet (debian-12 offers ssh and x11 once its real rootfs is registered).
        cls.a, cls.apw, cls.aans = create_ve(user_info=INFO, plan="PRO4", login=["ssh", "telnet"],
                                             template="debian-12-lamp",
                                             net_in_quota_min_mb=5, net_in_quota_max_mb=50,
                                             mem_max_mb=512, dns_names=["api-owner.example.org"])
        cls.b, cls.bpw, _ = create_ve()
        cls.made += [cls.a, cls.b]
        cls.node = uniq("it-node-")
        sql(f"INSERT INTO nodes (name, url, token_hash, enabled, bogomips_per_cpu, created_at) VALUES "
            f"({q(cls.node)}, 'http://127.0.0.1:9/metrics', REPEAT('0', 64), 0, 5000, UNIX_TIMESTAMP())")

    @classmethod
    def tearDownClass(cls):
        for v in cls.made:
            clear_usage(v)
        release(cls.made)
        sql(f"UPDATE ves SET node_id = NULL WHERE node_id = (SELECT id FROM nodes WHERE name = {q(cls.node)}); "
            f"DELETE FROM nodes WHERE name = {q(cls.node)}")

    def get(self, ve, headers):
        return Client().get(f"/api/v1/ves/{ve}", headers=headers)

    def test_credentials(self):
        r = self.get(self.a, {})
        self.assertEqual(r.status, 401)
        self.assertIn("Basic", r.header("WWW-Authenticate"))
        self.assertEqual(self.get(self.a, basic(self.a, "wrong-password-x")).status, 401)
        sql(f"DELETE FROM login_failures WHERE subject = {q(self.a)}")
        self.assertEqual(self.get(self.a, {"Authorization": "Bearer " + "0" * 64}).status, 401)

    def test_owner_sees_own_ve_only(self):
        mine = self.get(self.a, basic(self.a, self.apw))
        self.assertEqual(mine.status, 200)
        self.assertIn("no-store", mine.header("Cache-Control"))
        other = self.get(self.b, basic(self.a, self.apw))
        missing = self.get("0BADF00D", basic(self.a, self.apw))
        self.assertEqual(other.status, 404)
        self.assertEqual(missing.status, 404)
        self.assertEqual(other.body, missing.body)       # the same answer: existence is not told
        self.assertNotIn(self.b, other.text)
        self.assertEqual(self.get(self.b, basic(self.b, self.bpw)).status, 200)

    def test_admin_sees_any(self):
        self.assertEqual(self.get(self.a, bearer()).status, 200)
        self.assertEqual(self.get(self.b, bearer()).status, 200)
        self.assertEqual(self.get("0BADF00D", bearer()).status, 404)

    def test_bad_ids(self):
        for bad in ("abc", "0000002G", "000000001"):
            r = self.get(bad, basic(self.a, self.apw))
            self.assertEqual(r.status, 422, bad)
            self.assertIn("ve_id", r.json()["error"]["fields"])
        # one VEid rule with the self screen (issue 17): any case, answered in upper case
        r = self.get(self.a.lower(), basic(self.a, self.apw))
        self.assertEqual((r.status, r.json()["ve_id"]), (200, self.a))

    def test_shape(self):
        a = self.get(self.a, basic(self.a, self.apw)).json()
        created = dict(self.aans)
        created.pop("root_password")
        for k, v in created.items():
            self.assertEqual(a[k], v, k)
        self.assertNotIn("root_password", a)
        for k in ("created_at", "plan", "template", "node", "order", "usage"):
            self.assertIn(k, a)
        self.assertEqual(a["plan"], "PRO4")
        self.assertEqual(a["template"], "debian-12-lamp")
        self.assertRegex(a["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        o = a["order"]
        self.assertEqual(set(o), ORDER_FIELDS)
        self.assertEqual(o["user_info"], INFO)            # intact in JSON
        self.assertEqual(o["login"], ["ssh", "telnet"])
        self.assertEqual(o["net_in_quota_min_mb"], 5)
        self.assertEqual(o["net_in_quota_max_mb"], 50)
        self.assertEqual(o["mem_max_mb"], 512)
        self.assertEqual(o["dns_names"], ["api-owner.example.org"])
        self.assertEqual(o["firewall"], "client")
        self.assertIsNone(o["firewall_file"])
        self.assertEqual(o["ip_count"], 1)
        self.assertIs(o["always_on"], True)
        self.assertEqual(set(a["usage"]), USAGE_FIELDS)

    def test_usage(self):
        ve, pw = self.a, self.apw
        sql(f"UPDATE ves SET node_id = (SELECT id FROM nodes WHERE name = {q(self.node)}) WHERE id = {q(ve)}")
        wait_billingd_lets_go()     # a batch billingd had in flight lands before we clear
        clear_usage(ve)
        u = self.get(ve, basic(ve, pw)).json()["usage"]
        self.assertEqual(u, {"recorded": False, "as_of": None, "disk_bytes": 0, "cpu_bogomips": 0,
                             "vmem_mb": 0, "net_in_bytes": 0, "net_out_bytes": 0, "net_total_bytes": 0,
                             "cpu_user_us": 0, "cpu_sys_us": 0})
        self.assertEqual(self.get(ve, basic(ve, pw)).json()["node"], self.node)

        # Raw seconds: 30 s of a full CPU in the last minute on a 5000-bogomips node = 2500.
        last = int(time.time()) - 5
        sql(f"INSERT INTO ve_totals (ve_id, cpu_user_us, cpu_sys_us, net_in_bytes, net_out_bytes, "
            f"vmem_last_bytes, disk_last_bytes, last_t) VALUES ({q(ve)}, 7000000, 3000000, 123456789, "
            f"987654321, 733999999, 1073741824, {last})")
        rows = ", ".join(f"({q(ve)}, {last - i}, 400000, 100000)" for i in range(60))
        sql(f"INSERT INTO usage_raw (ve_id, t, cpu_user_us, cpu_sys_us) VALUES {rows}")
        # A second older than the window does not count.
        sql(f"INSERT INTO usage_raw (ve_id, t, cpu_user_us, cpu_sys_us) VALUES ({q(ve)}, {last - 60}, 9000000, 0)")
        u = self.get(ve, basic(ve, pw)).json()["usage"]
        self.assertIs(u["recorded"], True)
        self.assertEqual(u["as_of"], time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(last)))
        self.assertEqual(u["cpu_bogomips"], 2500)
        self.assertEqual(u["disk_bytes"], 1073741824)
        self.assertEqual(u["vmem_mb"], 733)              # floor(bytes / 10^6)
        self.assertEqual(u["net_in_bytes"], 123456789)
        self.assertEqual(u["net_out_bytes"], 987654321)
        self.assertEqual(u["net_total_bytes"], 123456789 + 987654321)
        self.assertEqual(u["cpu_user_us"], 7000000)
        self.assertEqual(u["cpu_sys_us"], 3000000)

        # No raw seconds kept: the last complete minute of usage_minute (12 s of CPU = 1000).
        sql(f"DELETE FROM usage_raw WHERE ve_id = {q(ve)}")
        minute = last - last % 60 - 60
        sql(f"INSERT INTO usage_minute (ve_id, t, cpu_user_us, cpu_sys_us, samples) VALUES "
            f"({q(ve)}, {minute}, 10000000, 2000000, 60), ({q(ve)}, {minute - 60}, 50000000, 0, 60)")
        u = self.get(ve, basic(ve, pw)).json()["usage"]
        self.assertEqual(u["cpu_bogomips"], 1000)

        # The dashboard shows the same figures against the order's quotas.
        c = Client()
        c.self_login(ve, pw)
        t = c.get("/self").text
        self.assertNotIn("No usage recorded yet", t)
        self.assertIn("1000 bogomips", t)
        self.assertIn("1.07 GB", t)          # disk
        self.assertIn("733 MB", t)           # virtual memory, of 512 MB
        self.assertIn("123 MB", t)           # inbound traffic, against its 50 MB cap
        self.assertIn("cap 50.0 MB, reserved 5.00 MB", t)
        svg = c.get("/self/chart?metric=cpu&range=hour").text
        self.assertIn("<polyline", svg)


if __name__ == "__main__":
    unittest.main()
