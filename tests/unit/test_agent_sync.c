/*
 * Unit tests of the API answer parser (agent/sync.c): a good document,
 * each way an entry can be bad (skipped, the rest kept), documents that
 * are unusable as a whole, and the producer (lib/db/db_node.c) building an
 * entry the parser accepts unchanged.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "db_move.h"
#include "db_node.h"
#include "log.h"
#include "agent/sync.h"
#include "util.h"
#include "agent/ve.h"

/* The good entry every document starts with. */
#define GOOD "{\"ve_id\":\"0000002A\",\"state\":\"active\",\"ips\":[\"192.0.2.10\"]," \
	"\"disk_quota_mb\":1000,\"cpu_min_bogomips\":0,\"mem_max_mb\":0," \
	"\"net_bw_min_kbps\":0,\"net_bw_max_kbps\":0,\"net_in_bw_min_kbps\":0," \
	"\"net_in_bw_max_kbps\":0,\"net_out_bw_min_kbps\":0,\"net_out_bw_max_kbps\":0," \
	"\"firewall\":\"open\",\"firewall_file\":null,\"throttle_kbps\":0}"

/* A second entry; %s fields are replaced per row. */
#define ENTRY(id, state, ips, disk, fw, fwf, extra) "{\"ve_id\":" id ",\"state\":" state \
	",\"ips\":" ips ",\"disk_quota_mb\":" disk ",\"cpu_min_bogomips\":2400," \
	"\"mem_max_mb\":512,\"net_bw_min_kbps\":100,\"net_bw_max_kbps\":1000," \
	"\"net_in_bw_min_kbps\":0,\"net_in_bw_max_kbps\":0,\"net_out_bw_min_kbps\":0," \
	"\"net_out_bw_max_kbps\":0,\"firewall\":" fw ",\"firewall_file\":" fwf \
	",\"throttle_kbps\":0" extra "}"
#define OK2 ENTRY("\"0000002B\"", "\"suspended\"", "[\"192.0.2.11\",\"192.0.2.12\"]", "5000", \
	"\"file\"", "\"web-only\"", "")

/* Every field of the real backend, valid. */
#define REAL ",\"template\":\"debian-12\",\"root_crypt\":\"$6$salt$hash.hash/x\"," \
	"\"netmask\":\"255.255.255.0\",\"gateway\":\"198.51.100.1\"," \
	"\"dns_servers\":[\"198.51.100.1\",\"198.51.100.2\"],\"always_on\":true," \
	"\"login\":[\"ssh\",\"x11\"],\"power\":\"stopped\",\"power_seq\":7," \
	"\"hostname\":\"www.example.net\",\"reinstall_seq\":2,\"restore_seq\":3," \
	"\"restore_backup\":\"0000002B-20261207T160000Z\",\"backup_seq\":4,\"backup_hours\":24"

static const struct {
	const char	*entry;
	int		 n;		/* VEs accepted */
	int		 nbad;
} entry_rows[] = {
	{ OK2, 2, 0 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"closed\"", "null", ""), 2, 0 },
	/* unknown keys are tolerated (a newer API) */
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"x\":1"), 2, 0 },
	/* ve_id */
	{ ENTRY("\"0000002b\"", "\"active\"", "[]", "1", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("\"2B\"", "\"active\"", "[]", "1", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("\"0000002BX\"", "\"active\"", "[]", "1", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("43", "\"active\"", "[]", "1", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("\"../../x\"", "\"active\"", "[]", "1", "\"open\"", "null", ""), 1, 1 },
	/* state */
	{ ENTRY("\"0000002B\"", "\"expired\"", "[]", "1", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "null", "[]", "1", "\"open\"", "null", ""), 1, 1 },
	/* addresses */
	{ ENTRY("\"0000002B\"", "\"active\"", "[\"192.0.2.256\"]", "1", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[\"192.0.2.01\"]", "1", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[\"192.0.2\"]", "1", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[\"192.0.2.1 \"]", "1", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[\"::1\"]", "1", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[\"127.0.0.1\"]", "1", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[\"224.0.0.1\"]", "1", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[\"0.1.2.3\"]", "1", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[\"192.0.2.11\",\"192.0.2.11\"]", "1", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "\"192.0.2.11\"", "1", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[1]", "1", "\"open\"", "null", ""), 1, 1 },
	/* the same address as the first VE: the first keeps it */
	{ ENTRY("\"0000002B\"", "\"active\"", "[\"192.0.2.10\"]", "1", "\"open\"", "null", ""), 1, 1 },
	/* numbers */
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "0", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "-5", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1.5", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "\"10\"", "\"open\"", "null", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "99999999999999", "\"open\"", "null", ""), 1, 1 },
	{ "{\"ve_id\":\"0000002B\",\"state\":\"active\",\"ips\":[],\"disk_quota_mb\":1}", 1, 1 },
	/* min above max */
	{ "{\"ve_id\":\"0000002B\",\"state\":\"active\",\"ips\":[],\"disk_quota_mb\":1,"
	  "\"cpu_min_bogomips\":0,\"mem_max_mb\":0,\"net_bw_min_kbps\":0,\"net_bw_max_kbps\":0,"
	  "\"net_in_bw_min_kbps\":500,\"net_in_bw_max_kbps\":100,\"net_out_bw_min_kbps\":0,"
	  "\"net_out_bw_max_kbps\":0,\"firewall\":\"open\",\"firewall_file\":null,"
	  "\"throttle_kbps\":0}", 1, 1 },
	/* firewall */
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"wall\"", "null", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"file\"", "null", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"file\"", "\"/etc/passwd\"", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"file\"", "\"../x\"", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"file\"", "\".hidden\"", ""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "\"web-only\"", ""), 1, 1 },
	/* the real backend's fields (issue 14): optional, each checked when present */
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", REAL), 2, 0 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"root_crypt\":null"), 2, 0 },
	/* the panel's "" for a VE without addresses or template: not given */
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null",
	    ",\"template\":\"\",\"netmask\":\"\",\"gateway\":\"\",\"hostname\":\"WWW.Example.NET\""), 2, 0 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"template\":\"Debian\""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"template\":\"../x\""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"root_crypt\":\"secret\""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"root_crypt\":\"$6$ab:cd$ef\""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"root_crypt\":\"$6$ab\\ncd$ef\""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"netmask\":\"255.0.255.0\""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"gateway\":\"gw\""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null",
	    ",\"dns_servers\":[\"1.1.1.1\",\"1.1.1.2\",\"1.1.1.3\",\"1.1.1.4\"]"), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"always_on\":\"yes\""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"login\":[\"ftp\"]"), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"power\":\"off\""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"power_seq\":-1"), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"hostname\":\"bad_host\""), 1, 1 },
	/* reinstall, restore, backups (issue 15) */
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"reinstall_seq\":-1"), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"backup_seq\":\"1\""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"backup_hours\":100000"), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"restore_backup\":\"-rf\""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"restore_backup\":\"a/../b\""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"restore_backup\":\"\",\"restore_seq\":0"), 2, 0 },
	/* move with data (issue 14): optional, each checked when present */
#define TOK "abcdefghijklmnopqrstuvwxyzABCDEF0123456789_-"
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"move_out\":{\"token\":\"" TOK "\"}"), 2, 0 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null",
	    ",\"move_from\":{\"url\":\"http://127.0.0.1:9613/\",\"token\":\"" TOK "\"}"), 2, 0 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"move_out\":null,\"move_from\":null"), 2, 0 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"move_out\":{\"token\":\"short\"}"), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"move_out\":{\"token\":\"" TOK " \"}"), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null", ",\"move_out\":\"" TOK "\""), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null",
	    ",\"move_from\":{\"url\":\"https://127.0.0.1:9613\",\"token\":\"" TOK "\"}"), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null",
	    ",\"move_from\":{\"url\":\"http://127.0.0.1:9613/etc/passwd\",\"token\":\"" TOK "\"}"), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null",
	    ",\"move_from\":{\"url\":\"http://u@127.0.0.1:9613\",\"token\":\"" TOK "\"}"), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null",
	    ",\"move_from\":{\"url\":\"http://node.example:9613\",\"token\":\"" TOK "\"}"), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null",
	    ",\"move_from\":{\"url\":\"http://127.0.0.1:99999\",\"token\":\"" TOK "\"}"), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null",
	    ",\"move_from\":{\"url\":\"http://127.0.0.1:9613\"}"), 1, 1 },
	{ ENTRY("\"0000002B\"", "\"active\"", "[]", "1", "\"open\"", "null",
	    ",\"move_out\":{\"token\":\"" TOK "\"},\"move_from\":{\"url\":\"http://127.0.0.1:9613\",\"token\":\"" TOK "\"}"), 1, 1 },
	/* not an object; a duplicate of the first VE */
	{ "[]", 1, 1 },
	{ "null", 1, 1 },
	{ GOOD, 1, 1 },
};

START_TEST(test_entries)
{
	struct ve_spec *v = NULL;
	size_t n = 99, nbad = 99;
	char doc[4096], err[256];
	int rc;

	snprintf(doc, sizeof(doc), "{\"node\":\"n1\",\"ves\":[" GOOD ",%s]}", entry_rows[_i].entry);
	rc = sync_parse(doc, strlen(doc), "n1", &v, &n, &nbad, err, sizeof(err));
	ck_assert_msg(rc == 0, "row %d: %s", _i, err);
	ck_assert_msg((int)n == entry_rows[_i].n && (int)nbad == entry_rows[_i].nbad,
	    "row %d: n %zu nbad %zu", _i, n, nbad);
	/* The good entry always survives, intact. */
	ck_assert_str_eq(v[0].id, "0000002A");
	ck_assert_uint_eq(v[0].nips, 1);
	ck_assert_uint_eq(v[0].ips[0], 0xc000020a);
	ck_assert_int_eq(v[0].firewall, FW_OPEN);
	free(v);
}
END_TEST

START_TEST(test_fields)
{
	struct ve_spec *v = NULL;
	size_t n, nbad;
	char err[256];
	/* Listed in reverse order: the result is sorted by id. */
	const char *doc = "{\"node\":\"n1\",\"ves\":[" OK2 "," GOOD "]}";

	ck_assert_int_eq(sync_parse(doc, strlen(doc), "n1", &v, &n, &nbad, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[1].id, "0000002B");
	ck_assert_int_eq(v[1].state, VE_SUSPENDED);
	ck_assert_uint_eq(v[1].nips, 2);
	ck_assert_uint_eq(v[1].ips[1], 0xc000020c);
	ck_assert_uint_eq(v[1].disk_quota_mb, 5000);
	ck_assert_uint_eq(v[1].cpu_min_bogomips, 2400);
	ck_assert_uint_eq(v[1].mem_max_mb, 512);
	ck_assert_uint_eq(v[1].net_bw_min_kbps, 100);
	ck_assert_uint_eq(v[1].net_bw_max_kbps, 1000);
	ck_assert_int_eq(v[1].firewall, FW_FILE);
	ck_assert_str_eq(v[1].firewall_file, "web-only");
	ck_assert(!ve_spec_differs(&v[1], &v[1]));
	ck_assert(ve_spec_differs(&v[0], &v[1]));
	free(v);
}
END_TEST

START_TEST(test_real_fields)
{
	struct ve_spec *v = NULL, old;
	size_t n, nbad;
	char err[256];
	const char *doc = "{\"node\":\"n1\",\"ves\":[" ENTRY("\"0000002B\"", "\"active\"",
	    "[\"198.51.100.10\"]", "300", "\"open\"", "null", REAL) "]}";

	ck_assert_int_eq(sync_parse(doc, strlen(doc), "n1", &v, &n, &nbad, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].template, "debian-12");
	ck_assert_str_eq(v[0].root_crypt, "$6$salt$hash.hash/x");
	ck_assert_uint_eq(v[0].netmask, 0xffffff00);
	ck_assert_uint_eq(v[0].gateway, 0xc6336401);
	ck_assert_uint_eq(v[0].ndns, 2);
	ck_assert_uint_eq(v[0].dns[1], 0xc6336402);
	ck_assert_int_eq(v[0].always_on, 1);
	ck_assert_uint_eq(v[0].login, VE_LOGIN_SSH | VE_LOGIN_X11);
	ck_assert_int_eq(v[0].power_on, 0);
	ck_assert_uint_eq(v[0].power_seq, 7);
	ck_assert_str_eq(v[0].hostname, "www.example.net");
	ck_assert_uint_eq(v[0].reinstall_seq, 2);
	ck_assert_uint_eq(v[0].restore_seq, 3);
	ck_assert_str_eq(v[0].restore_backup, "0000002B-20261207T160000Z");
	ck_assert_uint_eq(v[0].backup_seq, 4);
	ck_assert_uint_eq(v[0].backup_hours, 24);
	ck_assert_str_eq(v[0].move_from_url, "");
	old = v[0];
	old.backup_seq--;
	ck_assert(ve_spec_differs(&old, &v[0]));
	old = v[0];
	old.restore_backup[0] = 'X';
	ck_assert(ve_spec_differs(&old, &v[0]));
	/* A changed hash or power_seq is a change the agent applies. */
	old = v[0];
	old.root_crypt[4] = 'X';
	ck_assert(ve_spec_differs(&old, &v[0]));
	old = v[0];
	old.power_seq++;
	ck_assert(ve_spec_differs(&old, &v[0]));
	free(v);
}
END_TEST

static const struct {
	const char	*doc;
	const char	*node;
	int		 rc;
} doc_rows[] = {
	{ "{\"node\":\"n1\",\"ves\":[]}", "n1", 0 },
	{ "{\"node\":\"n2\",\"ves\":[]}", "n1", -1 },	/* another node's list */
	{ "{\"ves\":[]}", "n1", -1 },
	{ "{\"node\":\"n1\"}", "n1", -1 },
	{ "{\"node\":\"n1\",\"ves\":{}}", "n1", -1 },
	{ "{\"node\":\"n1\",\"node\":\"n1\",\"ves\":[]}", "n1", -1 },	/* duplicate key */
	{ "[]", "n1", -1 },
	{ "", "n1", -1 },
	{ "<html>502 Bad Gateway</html>", "n1", -1 },
	{ "{\"node\":\"n1\",\"ves\":[" GOOD, "n1", -1 },	/* cut short */
};

/* move_from's url is kept as http://<quad>:<port>, the token as given. */
START_TEST(test_move_fields)
{
	struct ve_spec *v = NULL, old;
	size_t n, nbad;
	char err[256];
	const char *doc = "{\"node\":\"n1\",\"ves\":[" ENTRY("\"0000002B\"", "\"active\"",
	    "[]", "300", "\"open\"", "null", ",\"move_from\":{\"url\":\"http://127.0.0.1:9613/\","
	    "\"token\":\"" TOK "\"}") "]}";

	ck_assert_int_eq(sync_parse(doc, strlen(doc), "n1", &v, &n, &nbad, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].move_from_url, "http://127.0.0.1:9613");
	ck_assert_str_eq(v[0].move_from_token, TOK);
	ck_assert_str_eq(v[0].move_out_token, "");
	old = v[0];
	old.move_from_token[0] = '\0';
	ck_assert(ve_spec_differs(&old, &v[0]));
	free(v);
}
END_TEST

/* The panel's move_from url from a node's /metrics URL (lib/db/db_move.c): what the agent accepts. */
static const struct {
	const char	*url, *base;	/* base NULL: refused */
} base_rows[] = {
	{ "http://127.0.0.1:9613/metrics", "http://127.0.0.1:9613" },
	{ "http://10.0.0.5:9101", "http://10.0.0.5:9101" },
	{ "https://10.0.0.5:9101/metrics", NULL },
	{ "http://u:p@10.0.0.5:9101/metrics", NULL },
	{ "http:///metrics", NULL },
	{ "ftp://10.0.0.5/", NULL },
};

START_TEST(test_move_base_url)
{
	char out[256];
	int rc = db_move_base_url(base_rows[_i].url, out, sizeof(out));

	if (base_rows[_i].base == NULL) {
		ck_assert_int_eq(rc, -1);
		return;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(out, base_rows[_i].base);
}
END_TEST

START_TEST(test_documents)
{
	struct ve_spec *v = (void *)1;
	size_t n = 9, nbad = 9;
	char err[256] = "";
	int rc = sync_parse(doc_rows[_i].doc, strlen(doc_rows[_i].doc), doc_rows[_i].node,
	    &v, &n, &nbad, err, sizeof(err));

	ck_assert_msg(rc == doc_rows[_i].rc, "row %d: rc %d", _i, rc);
	ck_assert_ptr_null(v);
	ck_assert_uint_eq(n, 0);
	if (rc == -1)
		ck_assert_msg(err[0] != '\0', "row %d: no reason given", _i);
}
END_TEST

/* The producer's entry is exactly what the agent accepts. */
START_TEST(test_producer_roundtrip)
{
	struct db_node_ve r;
	json_t *doc, *e;
	char *text, err[256];
	struct ve_spec *v = NULL;
	size_t n, nbad;

	memset(&r, 0, sizeof(r));
	strcpy(r.ve_id, "0000002A");
	strcpy(r.state, "suspended");
	r.disk_quota_mb = 1000;
	r.cpu_min_bogomips = 1200;
	r.net_out_bw_max_kbps = 2048;
	r.throttle_kbps = 512;
	strcpy(r.firewall, "simple");
	r.firewall_file_null = 1;
	ck_assert_ptr_nonnull(e = db_node_ve_entry(&r));
	json_array_append_new(json_object_get(e, "ips"), json_string("192.0.2.10"));
	doc = json_pack("{s:s, s:[o]}", "node", "n1", "ves", e);
	text = json_dumps(doc, JSON_COMPACT);
	ck_assert_int_eq(sync_parse(text, strlen(text), "n1", &v, &n, &nbad, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(nbad, 0);
	ck_assert_int_eq(v[0].state, VE_SUSPENDED);
	ck_assert_uint_eq(v[0].cpu_min_bogomips, 1200);
	ck_assert_uint_eq(v[0].net_out_bw_max_kbps, 2048);
	ck_assert_uint_eq(v[0].throttle_kbps, 512);
	ck_assert_int_eq(v[0].firewall, FW_SIMPLE);
	/* Every key the agent requires is there, and nothing more (15 + the 10 of real VEs). */
	ck_assert_uint_eq(json_object_size(e), 25);
	free(v);
	free(text);
	json_decref(doc);

	strcpy(r.firewall, "file");
	strcpy(r.firewall_file, "web");
	r.firewall_file_null = 0;
	e = db_node_ve_entry(&r);
	ck_assert_str_eq(json_string_value(json_object_get(e, "firewall_file")), "web");
	json_decref(e);
}
END_TEST

static const struct {
	const char	*in;
	int		 ok;
} tok_rows[] = {
	{ "abc123\n", 1 },
	{ "  \n", 0 },
	{ "", 0 },
	{ "two words\n", 0 },
	{ "tok\r\n", 1 },
};

START_TEST(test_token_file)
{
	char path[] = "/tmp/agent_tok.XXXXXX", tok[64], err[256];
	int fd = mkstemp(path);

	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, tok_rows[_i].in, strlen(tok_rows[_i].in)),
	    (ssize_t)strlen(tok_rows[_i].in));
	close(fd);
	ck_assert_msg((sync_read_token(path, tok, sizeof(tok), err, sizeof(err)) == 0) ==
	    tok_rows[_i].ok, "row %d", _i);
	unlink(path);
	ck_assert_int_eq(sync_read_token("/nonexistent/tok", tok, sizeof(tok), err, sizeof(err)), -1);
}
END_TEST

int
main(void)
{
	/* Skipped entries are logged; keep the test output readable. */
	log_init("test_agent_sync", LOG_LVL_ERR, 1, 0);
	Suite *s = suite_create("agent_sync");
	TCase *tc = tcase_create("sync");
	tcase_add_loop_test(tc, test_entries, 0, (int)nitems(entry_rows));
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_real_fields);
	tcase_add_test(tc, test_move_fields);
	tcase_add_loop_test(tc, test_move_base_url, 0, (int)nitems(base_rows));
	tcase_add_loop_test(tc, test_documents, 0, (int)nitems(doc_rows));
	tcase_add_test(tc, test_producer_roundtrip);
	tcase_add_loop_test(tc, test_token_file, 0, (int)nitems(tok_rows));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
