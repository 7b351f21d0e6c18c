"""Nodes through the API: the operator adds, lists and removes nodes; a
node's token (and only it) opens its VE list."""
import unittest
import uuid

import veplib as v


class Nodes(unittest.TestCase):
    def setUp(self):
        self.name = "it-" + uuid.uuid4().hex[:8]

    def tearDown(self):
        v.sql(f"DELETE FROM nodes WHERE name = '{self.name}'")
        v.sql(f"DELETE FROM audit_log WHERE object = '{self.name}'")

    def add(self, body):
        return v.request("POST", "/api/v1/admin/nodes", body=body, headers=v.admin_headers())

    def test_lifecycle(self):
        r = self.add({"name": self.name, "url": "http://127.0.0.1:9199/metrics"})
        self.assertEqual(r.status, 201, r.text)
        tok = r.json()["token"]
        self.assertEqual(len(tok), 64)
        # only the hash is stored
        self.assertNotEqual(v.sql_value(f"SELECT token_hash FROM nodes WHERE name='{self.name}'"), tok)
        r = v.request("GET", "/api/v1/admin/nodes", headers=v.admin_headers())
        self.assertEqual(r.status, 200)
        mine = [n for n in r.json()["nodes"] if n["name"] == self.name]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["ves"], 0)
        self.assertIn(mine[0]["state"], ("unknown", "up", "failing", "down"))
        # the node's VE list with its own token
        r = v.request("GET", f"/api/v1/nodes/{self.name}/ves", headers={"Authorization": "Bearer " + tok})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json(), {"node": self.name, "ves": []})
        # a wrong token, the admin token, another node's name: refused alike
        for h in ({"Authorization": "Bearer " + "0" * 64}, v.admin_headers(), {}):
            r = v.request("GET", f"/api/v1/nodes/{self.name}/ves", headers=h)
            self.assertEqual(r.status, 401, h)
        r = v.request("GET", "/api/v1/nodes/node1/ves", headers={"Authorization": "Bearer " + tok})
        self.assertEqual(r.status, 401)
        # duplicate name
        r = self.add({"name": self.name, "url": "http://127.0.0.1:9199/metrics"})
        self.assertEqual(r.status, 409)
        r = v.request("DELETE", f"/api/v1/admin/nodes/{self.name}", headers=v.admin_headers())
        self.assertEqual(r.status, 204)
        acts = [a for (a,) in v.sql(f"SELECT action FROM audit_log WHERE object = '{self.name}' ORDER BY id")]
        self.assertEqual(acts, ["node.add", "node.delete"])
        r = v.request("DELETE", f"/api/v1/admin/nodes/{self.name}", headers=v.admin_headers())
        self.assertEqual(r.status, 404)

    def test_bad_input_writes_nothing(self):
        before = v.counts(["nodes"])
        for body in ({"name": self.name}, {"url": "http://x/"}, {"name": "Bad Name", "url": "http://x/"},
                     {"name": self.name, "url": "ftp://x/"}, {"name": self.name, "url": "http://x/\"<>"},
                     {"name": self.name, "url": "http://x/", "extra": 1}, {"name": 5, "url": "http://x/"}):
            r = self.add(body)
            self.assertEqual(r.status, 422, body)
            self.assertIn("error", r.json())
        self.assertEqual(v.counts(["nodes"]), before)

    def test_operator_only(self):
        r = v.request("GET", "/api/v1/admin/nodes")
        self.assertEqual(r.status, 401)
        r = v.request("GET", "/api/v1/admin/nodes", headers=v.basic("0000002A", "x" * 12))
        self.assertIn(r.status, (401, 403, 429))


if __name__ == "__main__":
    unittest.main()
