/*
 * Unit tests of the panel's side of real VEs (issue 14): the crypt(3)
 * hash a node gets for the root password, the template registry's rules
 * (login styles, rootfs check, codes), power actions, and the node's VE
 * entry with the new contract fields.  One table row per rule.
 */
#include <check.h>
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "auth.h"
#include "catalog.h"
#include "db_node.h"
#include "order.h"
#include "util.h"

/* ---- auth_crypt ------------------------------------------------------------------ */

static const char *const pw_rows[] = {
	"correct-horse-battery",
	"\xc3\xa9t\xc3\xa9-password-12",		/* UTF-8 */
	"with spaces and : colons $y$ too",
	"123456789012",
};

/*
 * Both hashes of a new password at once (auth_hash_both): each is the one
 * auth_hash and auth_crypt would make, checked as the panel and the node
 * check them.
 */
START_TEST(test_hash_both)
{
	static const struct argon_params fast = { 1024, 1, 1 };
	char h[256], c[AUTH_CRYPT_MAX];
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	const char *pw = pw_rows[_i], *v;

	ck_assert_ptr_nonnull(cd);
	ck_assert_int_eq(auth_hash_both(&fast, pw, h, sizeof(h), c), 0);
	ck_assert_msg(strncmp(h, "$argon2id$", 10) == 0, "row %d: %s", _i, h);
	ck_assert_int_eq(auth_verify(h, pw), 1);
	ck_assert_int_eq(auth_verify(h, "wrong-password-x"), 0);
	ck_assert_msg(auth_crypt_valid(c), "row %d: %s not valid", _i, c);
	v = crypt_r(pw, c, cd);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v, c);
	/* An output too small for the argon2id string: -1, both wiped. */
	ck_assert_int_eq(auth_hash_both(&fast, pw, h, 8, c), -1);
	ck_assert_str_eq(c, "");
	free(cd);
}
END_TEST

START_TEST(test_crypt_roundtrip)
{
	char h[AUTH_CRYPT_MAX], h2[AUTH_CRYPT_MAX];
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	const char *pw = pw_rows[_i], *v;

	ck_assert_ptr_nonnull(cd);
	ck_assert_int_eq(auth_crypt(pw, h), 0);
	ck_assert_msg(strncmp(h, "$y$", 3) == 0, "row %d: not yescrypt: %s", _i, h);
	ck_assert_msg(auth_crypt_valid(h), "row %d: %s not valid", _i, h);
	ck_assert_ptr_null(strstr(h, pw));
	/* crypt(3) with the hash as setting gives the hash back: the node's check. */
	v = crypt_r(pw, h, cd);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v, h);
	v = crypt_r("wrong-password-x", h, cd);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_ne(v, h);
	/* A fresh salt every time. */
	ck_assert_int_eq(auth_crypt(pw, h2), 0);
	ck_assert_str_ne(h, h2);
	free(cd);
}
END_TEST

static const struct {
	int		 line;
	const char	*in;
	int		 ok;
} cv_rows[] = {
	{ __LINE__, "$y$j9T$abcdefghijklmnop$0123456789012345678901234567890123456789012", 1 },
	{ __LINE__, "$6$saltsalt$abcdefghijklmnopqrstuvwxyz", 1 },
	{ __LINE__, "$1$md5$abcdefghijklmnop", 0 },		/* MD5: never made */
	{ __LINE__, "$argon2id$v=19$m=65536", 0 },
	{ __LINE__, "$y$j9T$ab:cd$efghijklmnopqrstu", 0 },	/* ':' breaks /etc/shadow */
	{ __LINE__, "$y$j9T$ab\ncd$efghijklmnopqrstu", 0 },
	{ __LINE__, "$y$", 0 },
	{ __LINE__, "", 0 },
	{ __LINE__, "*", 0 },
};

START_TEST(test_crypt_valid)
{
	ck_assert_msg(auth_crypt_valid(cv_rows[_i].in) == cv_rows[_i].ok, "line %d", cv_rows[_i].line);
}
END_TEST

/* ---- login styles, power actions, template codes ---------------------------------------- */

static const struct {
	int		 line;
	unsigned	 want, tmpl;
	unsigned	 miss;
	const char	*text;
} miss_rows[] = {
	{ __LINE__, LOGIN_SSH, LOGIN_SSH | LOGIN_X11, 0, "" },
	{ __LINE__, LOGIN_SSH | LOGIN_X11, LOGIN_SSH | LOGIN_X11, 0, "" },
	{ __LINE__, LOGIN_TELNET, LOGIN_SSH | LOGIN_X11, LOGIN_TELNET, "telnet" },
	{ __LINE__, LOGIN_SSH | LOGIN_RSH | LOGIN_TELNET, LOGIN_SSH, LOGIN_RSH | LOGIN_TELNET, "telnet, rsh" },
	{ __LINE__, LOGIN_X11, 0, LOGIN_X11, "x11" },
	{ __LINE__, 0, 0, 0, "" },
};

START_TEST(test_logins_missing)
{
	char out[64];
	unsigned m = order_logins_missing(miss_rows[_i].want, miss_rows[_i].tmpl, out, sizeof(out));
	ck_assert_msg(m == miss_rows[_i].miss, "line %d: mask %u", miss_rows[_i].line, m);
	ck_assert_msg(strcmp(out, miss_rows[_i].text) == 0, "line %d: \"%s\"", miss_rows[_i].line, out);
}
END_TEST

static const struct {
	int		 line;
	const char	*in;
	int		 want;
} power_rows[] = {
	{ __LINE__, "start", VP_START },
	{ __LINE__, "stop", VP_STOP },
	{ __LINE__, "restart", VP_RESTART },
	{ __LINE__, "Start", -1 },
	{ __LINE__, "reboot", -1 },
	{ __LINE__, "", -1 },
	{ __LINE__, "start ", -1 },
	{ __LINE__, NULL, -1 },
};

START_TEST(test_power_parse)
{
	ck_assert_msg(ve_power_parse(power_rows[_i].in) == power_rows[_i].want, "line %d",
	    power_rows[_i].line);
}
END_TEST

static const struct {
	int		 line;
	const char	*in;
	int		 ok;
} code_rows[] = {
	{ __LINE__, "debian-12", 1 },
	{ __LINE__, "alpine-3.19", 1 },
	{ __LINE__, "a", 1 },
	{ __LINE__, "abcdefghijklmnopqrstuvwxyz012345", 1 },	/* 32 */
	{ __LINE__, "abcdefghijklmnopqrstuvwxyz0123456", 0 },	/* 33 */
	{ __LINE__, "-debian", 0 },
	{ __LINE__, ".hidden", 0 },
	{ __LINE__, "Debian", 0 },
	{ __LINE__, "deb_12", 0 },
	{ __LINE__, "../etc", 0 },
	{ __LINE__, "a/b", 0 },
	{ __LINE__, "", 0 },
};

START_TEST(test_template_code)
{
	ck_assert_msg(order_template_code_valid(code_rows[_i].in) == code_rows[_i].ok, "line %d",
	    code_rows[_i].line);
}
END_TEST

static const struct {
	int		 line;
	const char	*in;
	const char	*want;		/* NULL: refused */
} lp_rows[] = {
	{ __LINE__, "ssh", "ssh" },
	{ __LINE__, "x11,ssh", "ssh,x11" },
	{ __LINE__, "ssh,telnet,rsh,x11", "ssh,telnet,rsh,x11" },
	{ __LINE__, "ssh,ssh", "ssh" },
	{ __LINE__, "", NULL },
	{ __LINE__, "ssh,", NULL },
	{ __LINE__, ",ssh", NULL },
	{ __LINE__, "ssh,,x11", NULL },
	{ __LINE__, "ftp", NULL },
	{ __LINE__, "SSH", NULL },
	{ __LINE__, "ssh x11", NULL },
};

START_TEST(test_logins_parse)
{
	char out[64];
	int rc = catalog_logins_parse(lp_rows[_i].in, out, sizeof(out));
	if (lp_rows[_i].want == NULL)
		ck_assert_msg(rc == -1, "line %d: accepted as %s", lp_rows[_i].line, out);
	else {
		ck_assert_msg(rc == 0, "line %d: refused", lp_rows[_i].line);
		ck_assert_msg(strcmp(out, lp_rows[_i].want) == 0, "line %d: %s", lp_rows[_i].line, out);
	}
}
END_TEST

/* ---- the rootfs check ------------------------------------------------------------------ */

static const struct {
	int		 line;
	const char	*bytes;
	size_t		 len;
	int		 ok;
} fs_rows[] = {
	{ __LINE__, "\x28\xb5\x2f\xfd\x00\x58\x00\x00", 8, 1 },	/* zstd frame */
	{ __LINE__, "\x1f\x8b\x08\x00\x00\x00\x00\x00", 8, 0 },	/* gzip */
	{ __LINE__, "\xfd\x37\x7a\x58\x5a\x00", 6, 0 },		/* xz */
	{ __LINE__, "\x28\xb5\x2f", 3, 0 },			/* short */
	{ __LINE__, "", 0, 0 },
	{ __LINE__, "ustar\0", 6, 0 },				/* not compressed */
};

START_TEST(test_rootfs_check)
{
	char path[] = "/tmp/vep-rootfs-XXXXXX", err[256];
	int fd = mkstemp(path);

	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, fs_rows[_i].bytes, fs_rows[_i].len), (ssize_t)fs_rows[_i].len);
	close(fd);
	err[0] = '\0';
	ck_assert_msg((catalog_rootfs_check(path, err, sizeof(err)) == 0) == fs_rows[_i].ok, "line %d: %s",
	    fs_rows[_i].line, err);
	if (!fs_rows[_i].ok)
		ck_assert_msg(err[0] != '\0', "line %d: no reason", fs_rows[_i].line);
	unlink(path);
	/* Missing and relative paths are refused with a reason. */
	ck_assert_int_eq(catalog_rootfs_check(path, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot open"));
	ck_assert_int_eq(catalog_rootfs_check("var/templates/x.tar.zst", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "absolute"));
}
END_TEST

/* ---- the node's VE entry (contract fields) ------------------------------------------------ */

START_TEST(test_node_entry_contract)
{
	struct db_node_ve r;
	json_t *e, *l;

	memset(&r, 0, sizeof(r));
	strcpy(r.ve_id, "00C0FFEE");
	strcpy(r.state, "active");
	strcpy(r.firewall, "open");
	r.firewall_file_null = 1;
	strcpy(r.template, "debian-12");
	strcpy(r.root_crypt, "$y$j9T$salt$hash");
	r.always_on = 1;
	strcpy(r.login, "ssh,x11");
	strcpy(r.power, "stopped");
	r.power_seq = 7;
	ck_assert_ptr_nonnull(e = db_node_ve_entry(&r));
	ck_assert_str_eq(json_string_value(json_object_get(e, "template")), "debian-12");
	ck_assert_str_eq(json_string_value(json_object_get(e, "root_crypt")), "$y$j9T$salt$hash");
	ck_assert(json_is_true(json_object_get(e, "always_on")));
	l = json_object_get(e, "login");
	ck_assert_uint_eq(json_array_size(l), 2);
	ck_assert_str_eq(json_string_value(json_array_get(l, 0)), "ssh");
	ck_assert_str_eq(json_string_value(json_array_get(l, 1)), "x11");
	ck_assert_str_eq(json_string_value(json_object_get(e, "power")), "stopped");
	ck_assert_int_eq(json_integer_value(json_object_get(e, "power_seq")), 7);
	ck_assert_str_eq(json_string_value(json_object_get(e, "hostname")), "00c0ffee");
	ck_assert(json_is_array(json_object_get(e, "dns_servers")));
	ck_assert(json_is_string(json_object_get(e, "netmask")));
	ck_assert(json_is_string(json_object_get(e, "gateway")));
	json_decref(e);

	/* No hash recorded (a VE ordered before): null, never "". */
	r.root_crypt_null = 1;
	r.always_on = 0;
	r.power[0] = '\0';
	ck_assert_ptr_nonnull(e = db_node_ve_entry(&r));
	ck_assert(json_is_null(json_object_get(e, "root_crypt")));
	ck_assert(json_is_false(json_object_get(e, "always_on")));
	ck_assert_str_eq(json_string_value(json_object_get(e, "power")), "running");
	json_decref(e);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("realve");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_crypt_roundtrip, 0, (int)nitems(pw_rows));
	tcase_add_loop_test(tc, test_hash_both, 0, (int)nitems(pw_rows));
	tcase_add_loop_test(tc, test_crypt_valid, 0, (int)nitems(cv_rows));
	tcase_add_loop_test(tc, test_logins_missing, 0, (int)nitems(miss_rows));
	tcase_add_loop_test(tc, test_power_parse, 0, (int)nitems(power_rows));
	tcase_add_loop_test(tc, test_template_code, 0, (int)nitems(code_rows));
	tcase_add_loop_test(tc, test_logins_parse, 0, (int)nitems(lp_rows));
	tcase_add_loop_test(tc, test_rootfs_check, 0, (int)nitems(fs_rows));
	tcase_add_test(tc, test_node_entry_contract);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
