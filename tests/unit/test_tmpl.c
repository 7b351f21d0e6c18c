/* Unit tests of the ctemplate shim: escaping is always on, raw templates refused. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl.h"
#include "util.h"

static void
setup(void)
{
	static char dir[4096];
	const char *s = getenv("srcdir");
	snprintf(dir, sizeof(dir), "%s/tests/unit/data/tmpl", s ? s : ".");
	tmpl_init(dir);
}

static const struct {
	const char	*in, *want;
} esc_rows[] = {
	{ "plain", "<p>plain</p>" },
	{ "<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" },
	{ "a & b", "<p>a &amp; b</p>" },
	{ "\"quoted\" 'single'", "<p>&quot;quoted&quot; &#39;single&#39;</p>" },
};

START_TEST(test_escape)
{
	struct tmpl_dict *d = tmpl_dict_new();
	struct buf b;
	buf_init(&b);
	tmpl_set(d, "NAME", esc_rows[_i].in);
	struct tmpl_dict *r = tmpl_add(d, "ROWS");
	tmpl_set(r, "V", "<1>");
	struct tmpl_dict *inc = tmpl_include(d, "INC", "inc.tpl");
	tmpl_set(inc, "X", "<x>");
	ck_assert_int_eq(tmpl_render("good.tpl", d, &b), 0);
	ck_assert_msg(strstr(buf_cstr(&b), esc_rows[_i].want) != NULL, "row %d: %s", _i, buf_cstr(&b));
	ck_assert(strstr(buf_cstr(&b), "<i>&lt;1&gt;</i>") != NULL);
	ck_assert(strstr(buf_cstr(&b), "<b>&lt;x&gt;</b>") != NULL);
	buf_free(&b);
	tmpl_dict_free(d);
}
END_TEST

START_TEST(test_refuse)
{
	struct tmpl_dict *d = tmpl_dict_new();
	struct buf b;
	buf_init(&b);
	tmpl_set(d, "NAME", "<x>");
	ck_assert_int_eq(tmpl_render("raw.tpl", d, &b), -1);
	ck_assert_int_eq(tmpl_render("missing.tpl", d, &b), -1);
	ck_assert_int_eq(tmpl_render("../tmpl/good.tpl", d, &b), -1);
	ck_assert_uint_eq(b.len, 0);
	buf_free(&b);
	tmpl_dict_free(d);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tmpl");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_escape, 0, (int)nitems(esc_rows));
	tcase_add_test(tc, test_refuse);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
