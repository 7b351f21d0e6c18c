/*
 * Unit tests of lib/domain/change.c (SPEC section 11): a change laid over
 * the VE's order and judged with the signup's own rules.  One row per
 * case: JSON in, the fields that must be refused (each named, with the
 * signup's wording where the signup has the rule), the fields that change
 * and how each applies on the node.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "change.h"
#include "order.h"
#include "util.h"

static struct order_plan cat_plans[] = {
	{ .id = 1, .code = "WEB1", .name = "Web 1", .currency = "EUR", .max_disk_quota_mb = 51200,
	  .max_ip_count = 4, .login_mask = LOGIN_SSH | LOGIN_X11 },
	{ .id = 2, .code = "TINY", .name = "Tiny", .currency = "EUR", .max_disk_quota_mb = 1000,
	  .max_ip_count = 1, .login_mask = LOGIN_SSH },
};
static struct order_template cat_tmpls[] = {
	{ .id = 1, .code = "debian-12", .name = "Debian 12", .login_mask = LOGIN_SSH | LOGIN_X11 },
};
static const struct order_catalog cat = { cat_plans, 2, cat_tmpls, 1 };

/* The VE as ordered: WEB1, 2000 MB, 2 addresses with names, ssh + x11, firewall file. */
static void
current(struct order *o)
{
	order_init(o);
	for (size_t k = 0; k < OF__MAX; k++) {
		o->given[k] = k != OF_ROOT_PASSWORD && k != OF_IDEMPOTENCY_KEY && k != OF_USER_INFO;
		if (order_fields[k].type == OT_INT)
			o->n[k] = order_fields[k].def;
	}
	o->s[OF_PLAN] = strdup("WEB1");
	o->s[OF_TEMPLATE] = strdup("debian-12");
	o->s[OF_EMAIL] = strdup("me@example.com");
	o->s[OF_FIREWALL_FILE] = strdup("web");
	o->n[OF_DISK_QUOTA_MB] = 2000;
	o->n[OF_ALWAYS_ON] = 1;
	o->n[OF_LIFETIME_DAYS] = 30;
	o->n[OF_LOGIN] = LOGIN_SSH | LOGIN_X11;
	o->n[OF_FS_FAULT_TOLERANCE_S] = 60;
	o->n[OF_BACKUP_HOURS] = 24;
	o->n[OF_FIREWALL] = FW_FILE;
	o->n[OF_IP_COUNT] = 2;
	o->n[OF_MEM_MAX_MB] = 256;
	o->dns = calloc(2, sizeof(*o->dns));
	o->dns[0] = strdup("a.example.com");
	o->dns[1] = strdup("b.example.com");
	o->ndns = 2;
}

static const struct row {
	const char	*name;
	const char	*json;
	long long	 used_mb;		/* disk in use */
	const char	*bad[6];		/* fields refused; NULL-ended */
	const char	*msg;			/* a fragment of the first field's message, or NULL */
	const char	*changed;		/* change_names() when nothing is refused */
	int		 restart_asked;
	enum change_apply disk_apply, mem_apply;
} rows[] = {
	{ "memory and disk grow", "{\"mem_max_mb\":512,\"disk_quota_mb\":3000}", 100, { NULL }, NULL,
	  "disk_quota_mb, mem_max_mb", 0, CA_ONLINE, CA_LIVE },
	{ "disk shrink needs a restart", "{\"disk_quota_mb\":1500,\"restart\":true}", 100, { NULL }, NULL,
	  "disk_quota_mb", 1, CA_RESTART, CA_LIVE },
	{ "memory below what the VE holds", "{\"mem_max_mb\":64}", 0, { NULL }, NULL, "mem_max_mb", 0,
	  CA_RESTART, CA_RESTART },
	{ "disk below use", "{\"disk_quota_mb\":500}", 800, { "disk_quota_mb", NULL },
	  "uses 800 MB", NULL, 0, 0, 0 },
	{ "fields fixed at ordering", "{\"email\":\"x@example.com\",\"template\":\"debian-12\","
	  "\"root_password\":\"a-long-password\",\"lifetime_days\":9}", 0,
	  { "email", "template", "root_password", "lifetime_days", NULL }, "cannot be changed", NULL, 0, 0, 0 },
	{ "every bad field named at once", "{\"mem_max_mb\":-1,\"disk_quota_mb\":\"big\",\"plan\":\"NOPE\","
	  "\"bogus\":1,\"net_bw_min_kbps\":900,\"net_bw_max_kbps\":100}", 0,
	  { "mem_max_mb", "disk_quota_mb", "plan", "bogus", "net_bw_min_kbps", NULL }, "cannot be negative",
	  NULL, 0, 0, 0 },
	{ "a plan the VE's parameters break", "{\"plan\":\"TINY\"}", 0,
	  { "disk_quota_mb", "ip_count", "login", "plan", NULL }, "at most 1000 MB on plan Tiny", NULL, 0, 0, 0 },
	{ "a plan with the parameters that fit it", "{\"plan\":\"TINY\",\"disk_quota_mb\":900,"
	  "\"ip_count\":1,\"login\":[\"ssh\"]}", 0, { NULL }, NULL,
	  "plan, disk_quota_mb, login, ip_count, dns_names", 0, CA_RESTART, CA_LIVE },
	{ "another firewall drops the ruleset", "{\"firewall\":\"closed\"}", 0, { NULL }, NULL,
	  "firewall, firewall_file", 0, 0, 0 },
	{ "dns names cleared with an empty list", "{\"dns_names\":[]}", 0, { NULL }, NULL, "dns_names", 0,
	  0, 0 },
	{ "more names than addresses", "{\"dns_names\":[\"a.example.com\",\"b.example.com\",\"c.example.com\"]}",
	  0, { "dns_names", NULL }, "3 DNS names were given for 2 IP addresses", NULL, 0, 0, 0 },
	{ "the same values change nothing", "{\"mem_max_mb\":256,\"plan\":\"WEB1\"}", 0, { NULL }, NULL, "",
	  0, 0, 0 },
	/* Found by fuzz_change: a text cleared with "" was judged as a NULL string. */
	{ "user information cleared", "{\"user_info\":\"\"}", 0, { NULL }, NULL, "", 0, 0, 0 },
	{ "restart must be a boolean", "{\"restart\":1,\"user_info\":\"hello\"}", 0, { "restart", NULL },
	  "true or false", NULL, 0, 0, 0 },
};

START_TEST(test_rows)
{
	const struct row *t = &rows[_i];
	struct order cur, next;
	struct order_errs e;
	json_error_t je;
	json_t *j = json_loads(t->json, 0, &je);
	uint64_t changed = 0;
	int restart = -1;
	char names[300];
	size_t nbad = 0;

	ck_assert_msg(j != NULL, "%s: bad test JSON", t->name);
	current(&cur);
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(change_from_json(&next, &cur, j, &restart, &e), 0);
	change_check(&next, &cur, &cat, NULL, t->used_mb * 1000000LL, &changed, &e);
	while (t->bad[nbad] != NULL) {
		ck_assert_msg(order_err_get(&e, t->bad[nbad]) != NULL, "%s: %s not refused", t->name,
		    t->bad[nbad]);
		nbad++;
	}
	ck_assert_msg(e.n == nbad, "%s: %zu fields refused, want %zu (first: %s: %s)", t->name, e.n, nbad,
	    e.n ? e.e[0].field : "", e.n ? e.e[0].msg : "");
	if (t->msg != NULL)
		ck_assert_msg(strstr(order_err_get(&e, t->bad[0]), t->msg) != NULL, "%s: %s says \"%s\"",
		    t->name, t->bad[0], order_err_get(&e, t->bad[0]));
	if (nbad == 0) {
		change_names(changed, names, sizeof(names));
		ck_assert_msg(strcmp(names, t->changed) == 0, "%s: changed \"%s\", want \"%s\"", t->name,
		    names, t->changed);
		ck_assert_int_eq(restart, t->restart_asked);
		if (changed & CHANGE_BIT(OF_DISK_QUOTA_MB))
			ck_assert_int_eq(change_apply_of(OF_DISK_QUOTA_MB, &cur, &next, 0), t->disk_apply);
		if (changed & CHANGE_BIT(OF_MEM_MAX_MB))
			ck_assert_int_eq(change_apply_of(OF_MEM_MAX_MB, &cur, &next, 200000000LL),
			    t->mem_apply);
	}
	/* What was not asked for stays as it was. */
	ck_assert_str_eq(next.s[OF_EMAIL], "me@example.com");
	ck_assert_int_eq(next.n[OF_LIFETIME_DAYS], 30);
	json_decref(j);
	order_free(&cur);
	order_free(&next);
}
END_TEST

START_TEST(test_fewer_addresses)
{
	struct order cur, next;
	struct order_errs e;
	json_t *j = json_pack("{s:i}", "ip_count", 1);
	uint64_t changed;
	int restart;

	current(&cur);
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(change_from_json(&next, &cur, j, &restart, &e), 0);
	change_check(&next, &cur, &cat, NULL, 0, &changed, &e);
	/* The released address's name goes with it. */
	ck_assert_int_eq(e.n, 0);
	ck_assert_int_eq(next.ndns, 1);
	ck_assert_str_eq(next.dns[0], "a.example.com");
	ck_assert(changed == (CHANGE_BIT(OF_IP_COUNT) | CHANGE_BIT(OF_DNS_NAMES)));
	json_decref(j);
	order_free(&cur);
	order_free(&next);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("change");
	TCase *tc = tcase_create("change");

	tcase_add_loop_test(tc, test_rows, 0, (int)nitems(rows));
	tcase_add_test(tc, test_fewer_addresses);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
