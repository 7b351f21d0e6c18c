/*
 * Unit tests of lib/domain/backup.c: backup ids, template codes, password
 * length in characters, and the node's backup report, table-driven.
 */
#include <check.h>
#include <string.h>

#include "backup.h"
#include "util.h"

static const struct {
	const char	*s;
	int		 id_ok, tpl_ok;
} names[] = {
	{ "0000002A-20261207T160000Z", 1, 0 },
	{ "debian-12", 1, 1 },
	{ "a", 1, 1 },
	{ "", 0, 0 },
	{ "-rf", 0, 0 },
	{ ".hidden", 1, 0 },
	{ "a/b", 0, 0 },
	{ "a b", 0, 0 },
	{ "Debian", 1, 0 },
	{ "x::y", 1, 0 },
	{ "a;rm", 0, 0 },
	{ "0123456789012345678901234567890123456789012345678901234567890123", 1, 0 },
	{ "01234567890123456789012345678901234567890123456789012345678901234", 0, 0 },
	{ "abcdefghijklmnopqrstuvwxyz012345", 1, 1 },
	{ "abcdefghijklmnopqrstuvwxyz0123456", 1, 0 },
};

START_TEST(test_names)
{
	ck_assert_msg(backup_id_valid(names[_i].s) == names[_i].id_ok, "row %d id %s", _i, names[_i].s);
	ck_assert_msg(backup_template_valid(names[_i].s) == names[_i].tpl_ok, "row %d template %s", _i,
	    names[_i].s);
}
END_TEST

START_TEST(test_chars)
{
	ck_assert_uint_eq(backup_utf8_chars(""), 0);
	ck_assert_uint_eq(backup_utf8_chars("abc"), 3);
	ck_assert_uint_eq(backup_utf8_chars("\xc3\xbc\xc3\xbc"), 2);	/* üü */
	ck_assert_uint_eq(backup_utf8_chars("\xe2\x82\xac!"), 2);	/* €! */
}
END_TEST

static const struct {
	const char	*json;
	int		 ok;
	size_t		 n;
	long long	 repo;
	const char	*error;
} reports[] = {
	{ "{\"backups\":[],\"repo_bytes\":0}", 0, 0, 0, NULL },
	{ "{\"backups\":[{\"id\":\"0000002A-20261207T160000Z\",\"taken_at\":1796659200,\"bytes\":5}],"
	  "\"repo_bytes\":7,\"error\":null}", 0, 1, 7, NULL },
	{ "{\"error\":\"borg create: disk full\"}", 0, 0, 0, "borg create: disk full" },
	{ "{\"error\":\"\"}", -1, 0, 0, NULL },
	{ "{\"error\":5}", -1, 0, 0, NULL },
	{ "{\"backups\":[]}", -1, 0, 0, NULL },
	{ "{\"repo_bytes\":1}", -1, 0, 0, NULL },
	{ "{\"backups\":[],\"repo_bytes\":-1}", -1, 0, 0, NULL },
	{ "{\"backups\":[{\"id\":\"../x\",\"taken_at\":1,\"bytes\":1}],\"repo_bytes\":1}", -1, 0, 0, NULL },
	{ "{\"backups\":[{\"id\":\"a\",\"taken_at\":-1,\"bytes\":1}],\"repo_bytes\":1}", -1, 0, 0, NULL },
	{ "{\"backups\":[{\"id\":\"a\",\"taken_at\":1,\"bytes\":\"1\"}],\"repo_bytes\":1}", -1, 0, 0, NULL },
	{ "{\"backups\":[{\"id\":\"a\",\"taken_at\":1}],\"repo_bytes\":1}", -1, 0, 0, NULL },
	{ "{\"backups\":{},\"repo_bytes\":1}", -1, 0, 0, NULL },
	{ "[]", -1, 0, 0, NULL },
};

START_TEST(test_report)
{
	struct backup_row rows[BACKUP_MAX];
	const char *error = NULL, *why = "";
	long long repo = -5;
	size_t n = 99;
	json_t *j = json_loads(reports[_i].json, 0, NULL);
	int rc;

	ck_assert_msg(j != NULL, "row %d: bad JSON in the table", _i);
	rc = backup_report_parse(j, rows, &n, &repo, &error, &why);
	ck_assert_msg(rc == reports[_i].ok, "row %d: %d (%s)", _i, rc, why);
	if (rc == 0) {
		ck_assert_msg(n == reports[_i].n, "row %d: n %zu", _i, n);
		ck_assert_msg(repo == reports[_i].repo, "row %d: repo %lld", _i, repo);
		if (reports[_i].error != NULL)
			ck_assert_str_eq(error, reports[_i].error);
		else
			ck_assert_msg(error == NULL, "row %d: error", _i);
	} else
		ck_assert_msg(n == 0 && why[0] != '\0', "row %d: nothing taken, a reason", _i);
	json_decref(j);
}
END_TEST

START_TEST(test_report_too_many)
{
	struct backup_row rows[BACKUP_MAX];
	const char *error, *why = "";
	long long repo;
	size_t n;
	json_t *a = json_array(), *j;

	for (int i = 0; i <= BACKUP_MAX; i++)
		json_array_append_new(a, json_pack("{s:s, s:i, s:i}", "id", "a", "taken_at", 1, "bytes", 1));
	j = json_pack("{s:o, s:i}", "backups", a, "repo_bytes", 1);
	ck_assert_int_eq(backup_report_parse(j, rows, &n, &repo, &error, &why), -1);
	json_array_remove(a, 0);
	ck_assert_int_eq(backup_report_parse(j, rows, &n, &repo, &error, &why), 0);
	ck_assert_uint_eq(n, BACKUP_MAX);
	json_decref(j);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("backup");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, test_names, 0, (int)nitems(names));
	tcase_add_test(tc, test_chars);
	tcase_add_loop_test(tc, test_report, 0, (int)nitems(reports));
	tcase_add_test(tc, test_report_too_many);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
