/*
 * Unit tests of lib/domain/order.c: every field's rules through both edges (the
 * urlencoded form and the JSON API), one table row per broken rule, plus
 * all-at-once reporting and the small validators.  Each row names the
 * field that must carry the (only) error and a piece of its sentence.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http.h"
#include "order.h"
#include "util.h"

static char fwdir[] = "/tmp/vep-test-order-XXXXXX";

static struct order_plan plans[] = {
	{ .id = 1, .code = "WEB1", .name = "Web 1", .currency = "EUR", .max_disk_quota_mb = 51200,
	  .max_ip_count = 4, .login_mask = LOGIN_SSH | LOGIN_X11, .fee_minor = 1000 },
	{ .id = 2, .code = "PRO4", .name = "Pro 4", .currency = "EUR", .max_disk_quota_mb = 512000,
	  .max_ip_count = 16, .login_mask = LOGIN_SSH | LOGIN_TELNET | LOGIN_RSH | LOGIN_X11,
	  .fee_minor = 4900 },
};
static struct order_template tmpls[] = {
	{ .id = 1, .code = "debian-12", .name = "Debian 12",
	  .login_mask = LOGIN_SSH | LOGIN_TELNET | LOGIN_RSH | LOGIN_X11 },
	{ .id = 2, .code = "alpine-3", .name = "Alpine 3", .login_mask = LOGIN_SSH, .min_disk_mb = 277 },
};
static const struct order_catalog cat = { plans, 2, tmpls, 2 };

static const char base_form[] =
    "plan=WEB1&template=debian-12&email=ann%40example.com&disk_quota_mb=10000&always_on=true"
    "&lifetime_days=365&root_password=correct-horse-battery&login=ssh&fs_fault_tolerance_s=60"
    "&backup_hours=24&firewall=client&ip_count=1";

static const char base_json[] =
    "{\"plan\":\"WEB1\",\"template\":\"debian-12\",\"email\":\"ann@example.com\","
    "\"disk_quota_mb\":10000,\"always_on\":true,\"lifetime_days\":365,"
    "\"root_password\":\"correct-horse-battery\",\"login\":[\"ssh\"],"
    "\"fs_fault_tolerance_s\":60,\"backup_hours\":24,\"firewall\":\"client\",\"ip_count\":1}";

/*
 * base_form with the pairs of `over` replacing every pair of the same
 * names; a bare "-name" in over removes name.
 */
static void
merge_form(const char *over, struct buf *out)
{
	char *b = strdup(base_form), *o = strdup(over), *save = NULL, *t;

	buf_reset(out);
	for (t = strtok_r(b, "&", &save); t != NULL; t = strtok_r(NULL, "&", &save)) {
		size_t kl = strcspn(t, "=");
		int drop = 0;
		char *save2 = NULL, *o2 = strdup(o);
		for (char *u = strtok_r(o2, "&", &save2); u != NULL; u = strtok_r(NULL, "&", &save2)) {
			const char *uk = u[0] == '-' ? u + 1 : u;
			if (strcspn(uk, "=") == kl && strncmp(uk, t, kl) == 0)
				drop = 1;
		}
		free(o2);
		if (!drop)
			buf_printf(out, "%s%s", out->len ? "&" : "", t);
	}
	save = NULL;
	for (t = strtok_r(o, "&", &save); t != NULL; t = strtok_r(NULL, "&", &save))
		if (t[0] != '-')
			buf_printf(out, "%s%s", out->len ? "&" : "", t);
	free(b);
	free(o);
}

/* Parse, check; returns the number of errors. */
static size_t
run_form(const char *text, struct order *o, struct order_errs *e)
{
	struct kvlist l = { 0 };
	const char *err = NULL;

	order_init(o);
	memset(e, 0, sizeof(*e));
	ck_assert_msg(urlenc_parse(text, strlen(text), &l, &err) == 0, "bad test form: %s", text);
	ck_assert_int_eq(order_from_form(o, &l, e), 0);
	order_check(o, &cat, fwdir, e);
	kv_free(&l);
	return e->n;
}

static size_t
run_json(const char *text, struct order *o, struct order_errs *e)
{
	json_error_t je;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &je);

	ck_assert_msg(j != NULL, "bad test JSON: %s (%s)", text, je.text);
	order_init(o);
	memset(e, 0, sizeof(*e));
	ck_assert_int_eq(order_from_json(o, j, e), 0);
	order_check(o, &cat, fwdir, e);
	json_decref(j);
	return e->n;
}

static void
dump(const struct order_errs *e, struct buf *b)
{
	buf_reset(b);
	for (size_t i = 0; i < e->n; i++)
		buf_printf(b, "[%s: %s] ", e->e[i].field, e->e[i].msg);
}

START_TEST(test_valid_form)
{
	struct order o;
	struct order_errs e;
	struct buf b;

	buf_init(&b);
	run_form(base_form, &o, &e);
	dump(&e, &b);
	ck_assert_msg(e.n == 0, "errors: %s", buf_cstr(&b));
	ck_assert_str_eq(o.s[OF_PLAN], "WEB1");
	ck_assert_str_eq(o.s[OF_EMAIL], "ann@example.com");
	ck_assert_int_eq(o.n[OF_DISK_QUOTA_MB], 10000);
	ck_assert_int_eq(o.n[OF_ALWAYS_ON], 1);
	ck_assert_int_eq(o.n[OF_LOGIN], LOGIN_SSH);
	ck_assert_int_eq(o.n[OF_FIREWALL], FW_CLIENT);
	ck_assert_int_eq(o.n[OF_IP_COUNT], 1);
	ck_assert_int_eq(o.n[OF_NET_BW_MAX_KBPS], 0);
	ck_assert_ptr_null(o.s[OF_FIREWALL_FILE]);
	order_free(&o);
	buf_free(&b);
}
END_TEST

START_TEST(test_valid_json)
{
	struct order o;
	struct order_errs e;
	struct buf b;

	buf_init(&b);
	run_json(base_json, &o, &e);
	dump(&e, &b);
	ck_assert_msg(e.n == 0, "errors: %s", buf_cstr(&b));
	ck_assert_str_eq(o.s[OF_TEMPLATE], "debian-12");
	ck_assert_int_eq(o.n[OF_LIFETIME_DAYS], 365);
	ck_assert_int_eq(o.n[OF_BACKUP_HOURS], 24);
	order_free(&o);
	buf_free(&b);
}
END_TEST

/* Form rows: an override of the base, the field that must be refused, words of the reason. */
static const struct {
	int		 line;
	const char	*over;
	const char	*field;		/* NULL: valid */
	const char	*want;
} form_rows[] = {
	/* plan, template */
	{ __LINE__, "-plan", "plan", "Choose a plan" },
	{ __LINE__, "plan=NOPE", "plan", "no plan" },
	{ __LINE__, "plan=web1", "plan", "no plan" },
	{ __LINE__, "plan=WEB1&plan=PRO4", "plan", "more than once" },
	{ __LINE__, "-template", "template", "operating system" },
	{ __LINE__, "template=windows", "template", "no operating system" },
	/* email */
	{ __LINE__, "-email", "email", "required" },
	{ __LINE__, "email=", "email", "required" },
	{ __LINE__, "email=no-at-sign", "email", "e-mail address" },
	{ __LINE__, "email=a%20b%40example.com", "email", "e-mail address" },
	{ __LINE__, "email=ann%40localhost", "email", "e-mail address" },
	{ __LINE__, "email=%40example.com", "email", "e-mail address" },
	/* disk_quota_mb: type, sign, zero, huge, plan limit */
	{ __LINE__, "disk_quota_mb=7abc", "disk_quota_mb", "whole number" },
	{ __LINE__, "disk_quota_mb=%207", "disk_quota_mb", "whole number" },
	{ __LINE__, "disk_quota_mb=0x10", "disk_quota_mb", "whole number" },
	{ __LINE__, "disk_quota_mb=1e3", "disk_quota_mb", "whole number" },
	{ __LINE__, "disk_quota_mb=10.5", "disk_quota_mb", "whole number" },
	{ __LINE__, "disk_quota_mb=007", "disk_quota_mb", "whole number" },
	{ __LINE__, "disk_quota_mb=%2B7", "disk_quota_mb", "whole number" },
	{ __LINE__, "disk_quota_mb=-1", "disk_quota_mb", "at least 1" },
	{ __LINE__, "disk_quota_mb=0", "disk_quota_mb", "at least 1" },
	{ __LINE__, "disk_quota_mb=99999999999999999999", "disk_quota_mb", "far too large" },
	{ __LINE__, "disk_quota_mb=51201", "disk_quota_mb", "at most 51200 MB on plan Web 1" },
	{ __LINE__, "disk_quota_mb=51200", NULL, NULL },
	{ __LINE__, "disk_quota_mb=51201&plan=PRO4", NULL, NULL },
	{ __LINE__, "-disk_quota_mb", "disk_quota_mb", "required" },
	{ __LINE__, "disk_quota_mb=", "disk_quota_mb", "required" },
	{ __LINE__, "disk_quota_mb=1&disk_quota_mb=2", "disk_quota_mb", "more than once" },
	/* always_on */
	{ __LINE__, "always_on=yes", "always_on", "true or false" },
	{ __LINE__, "always_on=1", "always_on", "true or false" },
	{ __LINE__, "always_on=TRUE", "always_on", "true or false" },
	{ __LINE__, "-always_on", "always_on", "always on or on demand" },
	{ __LINE__, "always_on=false", NULL, NULL },
	/* lifetime_days */
	{ __LINE__, "lifetime_days=0", "lifetime_days", "at least 1" },
	{ __LINE__, "lifetime_days=-5", "lifetime_days", "at least 1" },
	{ __LINE__, "lifetime_days=1.5", "lifetime_days", "whole number" },
	{ __LINE__, "lifetime_days=36501", "lifetime_days", "at most 36500" },
	{ __LINE__, "-lifetime_days", "lifetime_days", "required" },
	/* root_password: 12 to 128 characters, counted as characters */
	{ __LINE__, "root_password=short-pw-11", "root_password", "12 to 128" },
	{ __LINE__, "-root_password", "root_password", "required" },
	{ __LINE__, "root_password=%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9",
	  NULL, NULL },
	{ __LINE__, "root_password=%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9",
	  "root_password", "it has 11" },
	/* login */
	{ __LINE__, "-login", "login", "at least one" },
	{ __LINE__, "login=ftp", "login", "ssh, telnet, rsh and x11" },
	{ __LINE__, "login=telnet", "login", "does not offer telnet" },
	{ __LINE__, "login=ssh&login=rsh", "login", "does not offer rsh" },
	{ __LINE__, "login=ssh&login=ssh", "login", "listed once" },
	/* The template's own login styles (SPEC section 9). */
	{ __LINE__, "template=alpine-3&login=ssh&login=x11", "login", "Alpine 3 does not offer x11; it offers ssh" },
	{ __LINE__, "plan=PRO4&template=alpine-3&login=telnet", "login", "Alpine 3 does not offer telnet" },
	{ __LINE__, "login=ssh&login=x11", NULL, NULL },
	{ __LINE__, "login=telnet&plan=PRO4", NULL, NULL },
	/* The template's system must fit in the quota (its min_disk_mb). */
	{ __LINE__, "template=alpine-3&disk_quota_mb=276", "disk_quota_mb", "Alpine 3 needs a disk quota of at least 277 MB; 276 MB is too small" },
	{ __LINE__, "template=alpine-3&disk_quota_mb=1", "disk_quota_mb", "at least 277 MB" },
	{ __LINE__, "template=alpine-3&disk_quota_mb=277", NULL, NULL },
	{ __LINE__, "disk_quota_mb=1", NULL, NULL },
	/* optional numbers */
	{ __LINE__, "cpu_min_bogomips=-1", "cpu_min_bogomips", "cannot be negative" },
	{ __LINE__, "cpu_min_bogomips=abc", "cpu_min_bogomips", "whole number" },
	{ __LINE__, "cpu_min_bogomips=1000000001", "cpu_min_bogomips", "at most" },
	{ __LINE__, "cpu_min_bogomips=", NULL, NULL },
	{ __LINE__, "mem_max_mb=-3", "mem_max_mb", "cannot be negative" },
	{ __LINE__, "net_bw_max_kbps=1e3", "net_bw_max_kbps", "whole number" },
	{ __LINE__, "net_out_quota_max_mb=-1", "net_out_quota_max_mb", "cannot be negative" },
	/* min <= max where both set */
	{ __LINE__, "net_bw_min_kbps=500&net_bw_max_kbps=100", "net_bw_min_kbps", "more than the maximum" },
	{ __LINE__, "net_in_bw_min_kbps=2&net_in_bw_max_kbps=1", "net_in_bw_min_kbps", "more than the maximum" },
	{ __LINE__, "net_out_bw_min_kbps=2&net_out_bw_max_kbps=1", "net_out_bw_min_kbps", "more than" },
	{ __LINE__, "net_quota_min_mb=2&net_quota_max_mb=1", "net_quota_min_mb", "more than" },
	{ __LINE__, "net_in_quota_min_mb=2&net_in_quota_max_mb=1", "net_in_quota_min_mb", "more than" },
	{ __LINE__, "net_out_quota_min_mb=2&net_out_quota_max_mb=1", "net_out_quota_min_mb", "more than" },
	{ __LINE__, "net_bw_min_kbps=500&net_bw_max_kbps=0", NULL, NULL },
	{ __LINE__, "net_bw_min_kbps=100&net_bw_max_kbps=100", NULL, NULL },
	/* fs_fault_tolerance_s, backup_hours */
	{ __LINE__, "fs_fault_tolerance_s=0", "fs_fault_tolerance_s", "at least 1" },
	{ __LINE__, "-fs_fault_tolerance_s", "fs_fault_tolerance_s", "required" },
	{ __LINE__, "backup_hours=0", "backup_hours", "at least 1" },
	{ __LINE__, "backup_hours=x", "backup_hours", "whole number" },
	{ __LINE__, "-backup_hours", "backup_hours", "required" },
	/* firewall and its ruleset */
	{ __LINE__, "firewall=wall", "firewall", "one of open, client" },
	{ __LINE__, "-firewall", "firewall", "Choose a firewall" },
	{ __LINE__, "firewall_file=strict.rules", "firewall_file", "only with the \"file\"" },
	{ __LINE__, "firewall=file", "firewall_file", "Choose a ruleset" },
	{ __LINE__, "firewall=file&firewall_file=strict.rules", NULL, NULL },
	{ __LINE__, "firewall=file&firewall_file=..%2F..%2Fetc%2Fpasswd", "firewall_file", "never a path" },
	{ __LINE__, "firewall=file&firewall_file=%2Fetc%2Fpasswd", "firewall_file", "never a path" },
	{ __LINE__, "firewall=file&firewall_file=a%2Fb", "firewall_file", "never a path" },
	{ __LINE__, "firewall=file&firewall_file=..", "firewall_file", "never a path" },
	{ __LINE__, "firewall=file&firewall_file=x..y", "firewall_file", "never a path" },
	{ __LINE__, "firewall=file&firewall_file=.hidden", "firewall_file", "never a path" },
	{ __LINE__, "firewall=file&firewall_file=a%20b", "firewall_file", "never a path" },
	{ __LINE__, "firewall=file&firewall_file=missing.rules", "firewall_file", "no ruleset" },
	{ __LINE__, "firewall=file&firewall_file=dir.rules", "firewall_file", "no ruleset" },
	{ __LINE__, "firewall=file&firewall_file="
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "firewall_file", "at most 64" },
	/* ip_count, dns_names */
	{ __LINE__, "ip_count=0", "ip_count", "at least 1" },
	{ __LINE__, "ip_count=5", "ip_count", "at most 4 on plan Web 1" },
	{ __LINE__, "ip_count=x", "ip_count", "whole number" },
	{ __LINE__, "-ip_count", NULL, NULL },
	{ __LINE__, "ip_count=2&dns_names=a.example.com%0D%0Ab.example.com", NULL, NULL },
	{ __LINE__, "dns_names=bad_name.example.com", "dns_names", "not a valid host name" },
	{ __LINE__, "dns_names=nodot", "dns_names", "not a valid host name" },
	{ __LINE__, "dns_names=-a.example.com", "dns_names", "not a valid host name" },
	{ __LINE__, "dns_names=a.example.com%20b.example.com", "dns_names", "at most one name per address" },
	{ __LINE__, "ip_count=2&dns_names=a.example.com%20A.example.com", "dns_names", "listed twice" },
	{ __LINE__, "dns_names=%20%0D%0A", NULL, NULL },
	/* user_info, idempotency_key */
	{ __LINE__, "user_info=%3Cscript%3Ealert(1)%3C%2Fscript%3E%26%22%27", NULL, NULL },
	/* user_info=a%01b: refused at the edge now (urlenc_parse; test_http), see json_rows */
	{ __LINE__, "idempotency_key=has%20space", "idempotency_key", "printable ASCII" },
};

/* user_info of n copies of a character (1 or 2 bytes of UTF-8), and a 129-byte key. */
START_TEST(test_lengths)
{
	struct order o;
	struct order_errs e;
	struct buf f, g;

	buf_init(&f);
	buf_init(&g);
	buf_puts(&g, "user_info=");
	for (int i = 0; i < 1024; i++)
		buf_puts(&g, "%C3%A9");	/* 1024 characters, 2048 bytes: fine */
	merge_form(buf_cstr(&g), &f);
	ck_assert_int_eq(run_form(buf_cstr(&f), &o, &e), 0);
	ck_assert_int_eq(order_utf8_len(o.s[OF_USER_INFO]), 1024);
	order_free(&o);
	buf_puts(&g, "x");		/* 1025 */
	merge_form(buf_cstr(&g), &f);
	ck_assert_int_eq(run_form(buf_cstr(&f), &o, &e), 1);
	ck_assert_ptr_nonnull(strstr(order_err_get(&e, "user_info"), "it has 1025"));
	order_free(&o);

	buf_reset(&g);
	buf_puts(&g, "root_password=");
	for (int i = 0; i < 129; i++)
		buf_puts(&g, "p");
	merge_form(buf_cstr(&g), &f);
	ck_assert_int_eq(run_form(buf_cstr(&f), &o, &e), 1);
	ck_assert_ptr_nonnull(strstr(order_err_get(&e, "root_password"), "it has 129"));
	order_free(&o);

	buf_reset(&g);
	buf_puts(&g, "idempotency_key=");
	for (int i = 0; i < 129; i++)
		buf_puts(&g, "k");
	merge_form(buf_cstr(&g), &f);
	ck_assert_int_eq(run_form(buf_cstr(&f), &o, &e), 1);
	ck_assert_ptr_nonnull(order_err_get(&e, "idempotency_key"));
	order_free(&o);
	buf_free(&f);
	buf_free(&g);
}
END_TEST

START_TEST(test_form_row)
{
	struct order o;
	struct order_errs e;
	struct buf f, b;
	size_t n;

	buf_init(&f);
	buf_init(&b);
	merge_form(form_rows[_i].over, &f);
	n = run_form(buf_cstr(&f), &o, &e);
	dump(&e, &b);
	if (form_rows[_i].field == NULL)
		ck_assert_msg(n == 0, "line %d (%s): unexpected errors %s", form_rows[_i].line,
		    form_rows[_i].over, buf_cstr(&b));
	else {
		const char *m = order_err_get(&e, form_rows[_i].field);
		ck_assert_msg(n == 1 && m != NULL, "line %d (%s): want one error on %s, got %s",
		    form_rows[_i].line, form_rows[_i].over, form_rows[_i].field, buf_cstr(&b));
		ck_assert_msg(strstr(m, form_rows[_i].want) != NULL, "line %d: \"%s\" lacks \"%s\"",
		    form_rows[_i].line, m, form_rows[_i].want);
	}
	order_free(&o);
	buf_free(&f);
	buf_free(&b);
}
END_TEST

/* JSON rows: keys of `patch` replace the base's; the string "<DELETE>" removes a key. */
static const struct {
	int		 line;
	const char	*patch;
	const char	*field;
	const char	*want;
} json_rows[] = {
	{ __LINE__, "{\"disk_quota_mb\":\"10\"}", "disk_quota_mb", "JSON integer" },
	{ __LINE__, "{\"disk_quota_mb\":10.5}", "disk_quota_mb", "JSON integer" },
	{ __LINE__, "{\"disk_quota_mb\":1e3}", "disk_quota_mb", "JSON integer" },
	{ __LINE__, "{\"disk_quota_mb\":true}", "disk_quota_mb", "JSON integer" },
	{ __LINE__, "{\"disk_quota_mb\":-1}", "disk_quota_mb", "at least 1" },
	{ __LINE__, "{\"disk_quota_mb\":0}", "disk_quota_mb", "at least 1" },
	{ __LINE__, "{\"disk_quota_mb\":9223372036854775807}", "disk_quota_mb", "at most" },
	{ __LINE__, "{\"disk_quota_mb\":51201}", "disk_quota_mb", "on plan Web 1" },
	{ __LINE__, "{\"disk_quota_mb\":null}", "disk_quota_mb", "required" },
	{ __LINE__, "{\"disk_quota_mb\":\"<DELETE>\"}", "disk_quota_mb", "required" },
	{ __LINE__, "{\"always_on\":\"true\"}", "always_on", "true or false" },
	{ __LINE__, "{\"always_on\":1}", "always_on", "true or false" },
	{ __LINE__, "{\"always_on\":false}", NULL, NULL },
	{ __LINE__, "{\"login\":\"ssh\"}", "login", "a list" },
	{ __LINE__, "{\"login\":[]}", "login", "at least one" },
	{ __LINE__, "{\"login\":[1]}", "login", "ssh, telnet, rsh and x11" },
	{ __LINE__, "{\"login\":[\"ssh\",\"ssh\"]}", "login", "listed once" },
	{ __LINE__, "{\"login\":[\"rsh\"]}", "login", "does not offer rsh" },
	{ __LINE__, "{\"template\":\"alpine-3\",\"login\":[\"x11\"]}", "login", "Alpine 3 does not offer x11" },
	{ __LINE__, "{\"template\":\"alpine-3\",\"disk_quota_mb\":200}", "disk_quota_mb", "needs a disk quota of at least 277 MB" },
	{ __LINE__, "{\"plan\":5}", "plan", "JSON string" },
	{ __LINE__, "{\"plan\":\"\"}", "plan", "Choose a plan" },
	{ __LINE__, "{\"email\":[\"a@b.c\"]}", "email", "JSON string" },
	{ __LINE__, "{\"firewall\":\"filename\"}", "firewall", "one of" },
	{ __LINE__, "{\"firewall\":\"file\",\"firewall_file\":\"../x\"}", "firewall_file", "never a path" },
	{ __LINE__, "{\"firewall\":\"file\",\"firewall_file\":\"strict.rules\"}", NULL, NULL },
	{ __LINE__, "{\"firewall_file\":null}", NULL, NULL },
	{ __LINE__, "{\"dns_names\":\"a.example.com\"}", "dns_names", "list of host names" },
	{ __LINE__, "{\"dns_names\":[7]}", "dns_names", "list of host names" },
	{ __LINE__, "{\"dns_names\":[\"a.example.com\"]}", NULL, NULL },
	{ __LINE__, "{\"ip_count\":2,\"dns_names\":[\"a.example.com\",\"a.example.com\"]}", "dns_names",
	  "listed twice" },
	{ __LINE__, "{\"ip_count\":1,\"dns_names\":[\"a.example.com\",\"b.example.com\"]}", "dns_names",
	  "at most one" },
	{ __LINE__, "{\"colour\":\"blue\"}", "colour", "not a field" },
	{ __LINE__, "{\"\":1}", "(empty name)", "not a field" },
	{ __LINE__, "{\"root_password\":\"<DELETE>\"}", "root_password", "required" },
	{ __LINE__, "{\"user_info\":\"<script>alert(1)</script>&\\\"'\"}", NULL, NULL },
	{ __LINE__, "{\"cpu_min_bogomips\":-1}", "cpu_min_bogomips", "cannot be negative" },
	{ __LINE__, "{\"net_quota_min_mb\":5,\"net_quota_max_mb\":4}", "net_quota_min_mb", "more than" },
	{ __LINE__, "{\"idempotency_key\":\"k-1\"}", NULL, NULL },
	/* issue 17, item 8: C0 (but TAB/LF/CR), C1 and bidi overrides */
	{ __LINE__, "{\"user_info\":\"a\\u0001b\"}", "user_info", "control" },
	{ __LINE__, "{\"user_info\":\"a\\u009bb\"}", "user_info", "control" },
	{ __LINE__, "{\"user_info\":\"a\\u009db\"}", "user_info", "control" },
	{ __LINE__, "{\"user_info\":\"evil\\u202etxt.exe\"}", "user_info", "bidirectional" },
	{ __LINE__, "{\"user_info\":\"x\\u2066y\"}", "user_info", "bidirectional" },
	{ __LINE__, "{\"user_info\":\"line 1\\nline 2\\tx\"}", NULL, NULL },
};

START_TEST(test_json_row)
{
	json_t *base = json_loads(base_json, 0, NULL), *patch = json_loads(json_rows[_i].patch, 0, NULL);
	struct order o;
	struct order_errs e;
	struct buf b;
	const char *k;
	json_t *v;
	char *text;
	size_t n;

	ck_assert_msg(base != NULL && patch != NULL, "line %d: bad JSON", json_rows[_i].line);
	json_object_foreach(patch, k, v) {
		if (json_is_string(v) && strcmp(json_string_value(v), "<DELETE>") == 0)
			json_object_del(base, k);
		else
			json_object_set(base, k, v);
	}
	text = json_dumps(base, 0);
	buf_init(&b);
	n = run_json(text, &o, &e);
	dump(&e, &b);
	if (json_rows[_i].field == NULL)
		ck_assert_msg(n == 0, "line %d: unexpected errors %s", json_rows[_i].line, buf_cstr(&b));
	else {
		const char *m = order_err_get(&e, json_rows[_i].field);
		ck_assert_msg(n == 1 && m != NULL, "line %d: want one error on %s, got %s",
		    json_rows[_i].line, json_rows[_i].field, buf_cstr(&b));
		ck_assert_msg(strstr(m, json_rows[_i].want) != NULL, "line %d: \"%s\" lacks \"%s\"",
		    json_rows[_i].line, m, json_rows[_i].want);
	}
	order_free(&o);
	buf_free(&b);
	free(text);
	json_decref(base);
	json_decref(patch);
}
END_TEST

/* Leaving out each required field names exactly that field. */
START_TEST(test_required)
{
	const struct order_field *f = &order_fields[_i];
	struct order o;
	struct order_errs e;
	struct buf over, form;
	json_t *j;
	char *text;

	if (!f->required)
		return;
	buf_init(&over);
	buf_init(&form);
	buf_printf(&over, "-%s", f->name);
	merge_form(buf_cstr(&over), &form);
	ck_assert_msg(run_form(buf_cstr(&form), &o, &e) == 1 && order_err_get(&e, f->name) != NULL,
	    "form without %s", f->name);
	order_free(&o);
	j = json_loads(base_json, 0, NULL);
	json_object_del(j, f->name);
	text = json_dumps(j, 0);
	ck_assert_msg(run_json(text, &o, &e) == 1 && order_err_get(&e, f->name) != NULL,
	    "JSON without %s", f->name);
	order_free(&o);
	free(text);
	json_decref(j);
	buf_free(&over);
	buf_free(&form);
}
END_TEST

/* Every broken rule is reported at once, one sentence per field. */
START_TEST(test_all_at_once)
{
	static const char *const bad[] = { "plan", "template", "email", "disk_quota_mb", "always_on",
	    "lifetime_days", "root_password", "login", "cpu_min_bogomips", "net_bw_min_kbps",
	    "mem_max_mb", "fs_fault_tolerance_s", "backup_hours", "firewall", "ip_count",
	    "dns_names", "idempotency_key" };
	struct order o;
	struct order_errs e;
	struct buf b;
	json_t *errs;

	buf_init(&b);
	run_form("plan=X&template=Y&email=z&disk_quota_mb=-1&always_on=maybe&lifetime_days=0"
	    "&root_password=short&login=ftp&cpu_min_bogomips=x&net_bw_min_kbps=9&net_bw_max_kbps=1"
	    "&mem_max_mb=-1&fs_fault_tolerance_s=0&backup_hours=0&firewall=wall&ip_count=0"
	    "&dns_names=a_b.example.com&idempotency_key=a%20b&csrf=ignored", &o, &e);
	dump(&e, &b);
	ck_assert_msg(e.n == nitems(bad), "%zu errors: %s", e.n, buf_cstr(&b));
	for (size_t i = 0; i < nitems(bad); i++)
		ck_assert_msg(order_err_get(&e, bad[i]) != NULL, "%s not reported: %s", bad[i], buf_cstr(&b));
	errs = order_errs_json(&e);
	ck_assert_int_eq(json_object_size(errs), nitems(bad));
	json_decref(errs);
	order_free(&o);

	run_json("{\"plan\":1,\"email\":\"\",\"login\":{},\"x\":1,\"y\":2}", &o, &e);
	dump(&e, &b);
	/* plan, email, login, x, y, and the missing template, disk_quota_mb, always_on,
	 * lifetime_days, root_password, fs_fault_tolerance_s, backup_hours, firewall */
	ck_assert_msg(e.n == 13, "%zu errors: %s", e.n, buf_cstr(&b));
	ck_assert_ptr_nonnull(order_err_get(&e, "x"));
	ck_assert_ptr_nonnull(order_err_get(&e, "y"));
	order_free(&o);
	buf_free(&b);
}
END_TEST

static const struct {
	long long	 minor;
	const char	*cur, *want;
} money_rows[] = {
	{ 1000, "EUR", "10.00 EUR" },
	{ 4900, "EUR", "49.00 EUR" },
	{ 5, "EUR", "0.05 EUR" },
	{ 0, "USD", "0.00 USD" },
	{ -250, "EUR", "-2.50 EUR" },
	{ 1500, "JPY", "1500 JPY" },
	{ 1234, "KWD", "1.234 KWD" },
};

START_TEST(test_money)
{
	char out[64];
	order_money(money_rows[_i].minor, money_rows[_i].cur, out, sizeof(out));
	ck_assert_str_eq(out, money_rows[_i].want);
}
END_TEST

static const struct {
	const char	*in;
	int		 email, ruleset;
} name_rows[] = {
	{ "ann@example.com", 1, 0 },
	{ "a.b+c@mail.example.org", 1, 0 },
	{ "a@b", 0, 0 },
	{ "@example.com", 0, 0 },
	{ "ann@", 0, 0 },
	{ "ann..x@example.com", 0, 0 },
	{ "ann@exa_mple.com", 0, 0 },
	{ "strict.rules", 0, 1 },
	{ "web-1_v2", 0, 1 },
	{ "../x", 0, 0 },
	{ "a/b", 0, 0 },
	{ ".", 0, 0 },
	{ "..", 0, 0 },
	{ "", 0, 0 },
	{ "x y", 0, 0 },
};

START_TEST(test_names)
{
	ck_assert_msg(order_email_valid(name_rows[_i].in) == name_rows[_i].email, "email %s", name_rows[_i].in);
	ck_assert_msg(order_ruleset_name_valid(name_rows[_i].in) == name_rows[_i].ruleset, "ruleset %s",
	    name_rows[_i].in);
}
END_TEST

START_TEST(test_rulesets)
{
	char **v = order_rulesets(fwdir);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v[0], "open.rules");
	ck_assert_str_eq(v[1], "strict.rules");
	ck_assert_ptr_null(v[2]);	/* not the directory, not the hidden file */
	order_names_free(v);
	ck_assert_ptr_null(order_rulesets("/nonexistent/vep"));
}
END_TEST

/* The ruleset directory: two rulesets, a hidden file and a directory. */
static int
setup_dir(void)
{
	static const char *const files[] = { "strict.rules", "open.rules", ".hidden" };
	char p[256];
	int fd;

	if (mkdtemp(fwdir) == NULL)
		return -1;
	for (size_t i = 0; i < nitems(files); i++) {
		snprintf(p, sizeof(p), "%s/%s", fwdir, files[i]);
		if ((fd = open(p, O_CREAT | O_WRONLY, 0644)) == -1)
			return -1;
		close(fd);
	}
	snprintf(p, sizeof(p), "%s/dir.rules", fwdir);
	return mkdir(p, 0755);
}

static void
teardown_dir(void)
{
	char p[256];
	static const char *const f[] = { "strict.rules", "open.rules", ".hidden" };
	for (size_t i = 0; i < nitems(f); i++) {
		snprintf(p, sizeof(p), "%s/%s", fwdir, f[i]);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/dir.rules", fwdir);
	rmdir(p);
	rmdir(fwdir);
}

int
main(void)
{
	Suite *s = suite_create("order");
	TCase *tc = tcase_create("order");
	SRunner *sr;
	int nf;

	if (setup_dir() == -1) {
		perror(fwdir);
		return 1;
	}
	tcase_add_test(tc, test_valid_form);
	tcase_add_test(tc, test_valid_json);
	tcase_add_loop_test(tc, test_form_row, 0, nitems(form_rows));
	tcase_add_loop_test(tc, test_json_row, 0, nitems(json_rows));
	tcase_add_loop_test(tc, test_required, 0, OF__MAX);
	tcase_add_test(tc, test_lengths);
	tcase_add_test(tc, test_all_at_once);
	tcase_add_loop_test(tc, test_money, 0, nitems(money_rows));
	tcase_add_loop_test(tc, test_names, 0, nitems(name_rows));
	tcase_add_test(tc, test_rulesets);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	teardown_dir();
	return nf == 0 ? 0 : 1;
}
