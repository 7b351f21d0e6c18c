/* Unit tests of lib/auth.c's pure parts: argon2id hashing, verification, tokens. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "util.h"

static const struct argon_params fast = { 1024, 1, 1 };

static const struct {
	const char	*pw, *try;
	int		 want;
} rows[] = {
	{ "correct horse battery", "correct horse battery", 1 },
	{ "correct horse battery", "correct horse batterY", 0 },
	{ "correct horse battery", "", 0 },
	{ "pässwörd-ünïcode", "pässwörd-ünïcode", 1 },
	{ "x", "x", 1 },
};

START_TEST(test_hash_verify)
{
	char h[256];
	ck_assert_int_eq(auth_hash(&fast, rows[_i].pw, h, sizeof(h)), 0);
	ck_assert(strncmp(h, "$argon2id$v=19$m=1024,t=1,p=1$", 30) == 0);
	ck_assert_int_eq(auth_verify(h, rows[_i].try), rows[_i].want);
}
END_TEST

START_TEST(test_salted_and_malformed)
{
	char a[256], b[256];
	ck_assert_int_eq(auth_hash(&fast, "same", a, sizeof(a)), 0);
	ck_assert_int_eq(auth_hash(&fast, "same", b, sizeof(b)), 0);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(auth_verify("$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "same"), 0);
	ck_assert_int_eq(auth_verify("garbage", "same"), 0);
	ck_assert_int_eq(auth_verify("", ""), 0);
	const char *d = auth_dummy_hash(&fast);
	ck_assert(strncmp(d, "$argon2id$", 10) == 0);
	ck_assert_int_eq(auth_verify(d, "anything"), 0);
}
END_TEST

START_TEST(test_tokens)
{
	char t1[65], t2[65];
	ck_assert_int_eq(auth_token_hex(t1, 32), 0);
	ck_assert_int_eq(auth_token_hex(t2, 32), 0);
	ck_assert_uint_eq(strlen(t1), 64);
	ck_assert_uint_eq(strspn(t1, "0123456789abcdef"), 64);
	ck_assert_str_ne(t1, t2);
	ck_assert_int_eq(auth_token_hex(t1, 65), -1);
}
END_TEST

/*
 * The machine-wide limit on concurrent hashes: n slots, the (n+1)th taker
 * is told busy after waiting, a released slot is free again, and an
 * unusable directory is reported as such.  flock() conflicts between two
 * open()s even in one process, so no fork is needed.
 */
START_TEST(test_hash_slots)
{
	char dir[] = "/tmp/vep-slots-XXXXXX";
	int fd[4], busy, again;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (int i = 0; i < 3; i++) {
		fd[i] = auth_slot_acquire(dir, 3, 0);
		ck_assert_msg(fd[i] >= 0, "slot %d: %d", i, fd[i]);
	}
	busy = auth_slot_acquire(dir, 3, 50);
	ck_assert_int_eq(busy, AUTH_SLOT_BUSY);
	auth_slot_release(fd[1]);
	again = auth_slot_acquire(dir, 3, 0);
	ck_assert_int_ge(again, 0);
	ck_assert_int_eq(auth_slot_acquire(dir, 3, 0), AUTH_SLOT_BUSY);
	/* A smaller limit uses the first slots only. */
	ck_assert_int_eq(auth_slot_acquire(dir, 1, 0), AUTH_SLOT_BUSY);
	auth_slot_release(fd[0]);
	fd[3] = auth_slot_acquire(dir, 1, 0);
	ck_assert_int_ge(fd[3], 0);
	auth_slot_release(fd[2]);
	auth_slot_release(fd[3]);
	auth_slot_release(again);
	auth_slot_release(-1);
	ck_assert_int_eq(auth_slot_acquire("/nonexistent/vep-slots", 3, 0), AUTH_SLOT_UNUSABLE);
	for (int i = 0; i < 3; i++) {
		char p[64];
		snprintf(p, sizeof(p), "%s/hash.%d", dir, i);
		unlink(p);
	}
	rmdir(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_hash_verify, 0, (int)nitems(rows));
	tcase_add_test(tc, test_salted_and_malformed);
	tcase_add_test(tc, test_tokens);
	tcase_add_test(tc, test_hash_slots);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
