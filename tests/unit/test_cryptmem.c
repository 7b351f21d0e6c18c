/*
 * Unit tests of cryptmem (issue 19): libcrypt's yescrypt gets one kept
 * region back from the second hash on, wiped between hashes, the hashes
 * are the same as with fresh memory (the node's crypt_r check), two hashes
 * at once each get memory of their own, and nobody else's mmap is served
 * from the kept region.
 */
#include <check.h>
#include <crypt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cryptmem.h"
#include "secret.h"
#include "util.h"

static const char *const pw_rows[] = {
	"correct-horse-battery",
	"\xc3\xa9t\xc3\xa9-password-12",
	"with spaces and : colons $y$ too",
};

/* 1 when pw's crypt(3) hash h checks as the node checks it (crypt_r with h as setting). */
static int
checks(const char *pw, const char *h)
{
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	const char *v;
	int ok;

	ck_assert_ptr_nonnull(cd);
	v = crypt_r(pw, h, cd);
	ok = v != NULL && strcmp(v, h) == 0;
	free(cd);
	return ok;
}

static int
all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

START_TEST(test_kept_and_wiped)
{
	char h[AUTH_CRYPT_MAX];
	const void *k, *k2;
	size_t len, len2;
	int busy;

	ck_assert_ptr_null(cryptmem_kept(&len, &busy));
	ck_assert_int_eq(auth_crypt(pw_rows[0], h), 0);	/* arms; the first region is kept */
	ck_assert_ptr_nonnull(k = cryptmem_kept(&len, &busy));
	ck_assert_uint_ge(len, 16u << 20);	/* yescrypt's 16 MiB (and some) */
	ck_assert_int_eq(busy, 0);
	ck_assert_msg(all_zero(k, len), "the kept region holds something of the last hash");
	for (size_t i = 0; i < nitems(pw_rows); i++) {
		unsigned long before = cryptmem_reused();
		ck_assert_int_eq(auth_crypt(pw_rows[i], h), 0);
		ck_assert_uint_eq(cryptmem_reused(), before + 1);
		ck_assert_msg(checks(pw_rows[i], h), "row %zu: %s does not check", i, h);
		ck_assert_ptr_eq(k2 = cryptmem_kept(&len2, &busy), k);
		ck_assert_uint_eq(len2, len);
		ck_assert_int_eq(busy, 0);
		ck_assert_msg(all_zero(k2, len2), "row %zu: not wiped", i);
	}
}
END_TEST

/* The program's own mmap of the same length is a region of its own, really unmapped after. */
START_TEST(test_others_untouched)
{
	char h[AUTH_CRYPT_MAX];
	const void *k;
	unsigned long before;
	size_t len;
	int busy;
	unsigned char *p;

	ck_assert_int_eq(auth_crypt(pw_rows[1], h), 0);
	ck_assert_ptr_nonnull(k = cryptmem_kept(&len, &busy));
	before = cryptmem_reused();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_ptr_ne(p, k);
	ck_assert_uint_eq(cryptmem_reused(), before);
	memset(p, 0xa5, len);
	ck_assert_int_eq(munmap(p, len), 0);
	/* Unmapped for real: the kernel no longer knows the range. */
	ck_assert_int_eq(msync(p, (size_t)sysconf(_SC_PAGESIZE), MS_ASYNC), -1);
	ck_assert_ptr_eq(cryptmem_kept(&len, &busy), k);
	ck_assert_msg(all_zero(k, len), "another mapping's bytes in the kept region");
	ck_assert_int_eq(auth_crypt(pw_rows[1], h), 0);
	ck_assert(checks(pw_rows[1], h));
}
END_TEST

struct job {
	const char	*pw;
	int		 ok;
};

static void *
hash_thrice(void *arg)
{
	struct job *j = arg;
	char h[AUTH_CRYPT_MAX];

	j->ok = 1;
	for (int i = 0; i < 3; i++)
		if (auth_crypt(j->pw, h) != 0 || !checks(j->pw, h))
			j->ok = 0;
	return NULL;
}

/* Hashes at the same time on two threads: one gets the kept region, the other fresh memory. */
START_TEST(test_two_at_once)
{
	struct job a = { pw_rows[0], 0 }, b = { pw_rows[2], 0 };
	pthread_t ta, tb;
	size_t len;
	int busy;

	ck_assert_int_eq(pthread_create(&ta, NULL, hash_thrice, &a), 0);
	ck_assert_int_eq(pthread_create(&tb, NULL, hash_thrice, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	ck_assert_int_eq(a.ok, 1);
	ck_assert_int_eq(b.ok, 1);
	ck_assert_ptr_nonnull(cryptmem_kept(&len, &busy));
	ck_assert_int_eq(busy, 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cryptmem");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_kept_and_wiped);
	tcase_add_test(tc, test_others_untouched);
	tcase_add_test(tc, test_two_at_once);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
