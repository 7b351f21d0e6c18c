/*
 * Unit tests of lib/web/auth.c's pure parts: argon2id hashing, verification,
 * the dummy hash's cost, tokens, hash slots, pre-session form tokens.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auth.h"
#include "conf.h"
#include "credcache.h"
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

/*
 * An unknown VE is verified against the dummy hash: it must cost what a
 * real hash of the same configuration costs, so its encoded parameters
 * and lengths must be those of auth_hash's (and follow a change of them).
 */
static const struct argon_params cost_rows[] = {
	{ 1024, 1, 1 }, { 19456, 2, 1 }, { 2048, 3, 2 }, { 1024, 1, 1 },
};

START_TEST(test_dummy_same_cost)
{
	const struct argon_params *p = &cost_rows[_i];
	char real[256], want[64];
	const char *d = auth_dummy_hash(p);

	ck_assert_int_eq(auth_hash(p, "a real password", real, sizeof(real)), 0);
	snprintf(want, sizeof(want), "$argon2id$v=19$m=%u,t=%u,p=%u$", p->m_kib, p->t, p->p);
	ck_assert_msg(strncmp(d, want, strlen(want)) == 0, "row %d: dummy %s, want %s", _i, d, want);
	ck_assert_msg(strncmp(real, want, strlen(want)) == 0, "row %d: real %s", _i, real);
	/* Same salt and output lengths: the same work to verify. */
	ck_assert_uint_eq(strlen(d), strlen(real));
	ck_assert_int_eq(auth_verify(d, "a real password"), 0);
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

/* ---- pre-session form tokens ---------------------------------------------------------- */

enum edit { E_NONE, E_FLIP_MAC, E_BUMP_TIME, E_FLIP_NONCE, E_TRUNC, E_APPEND, E_UPPER, E_NULL,
    E_PLAIN64, E_OTHER_TOKEN, E_EMPTY, E_NEG_TIME };

static const struct {
	int		 line;
	enum edit	 form, cookie;
	const char	*purpose;	/* checked for */
	int		 other_key;
	long long	 dt;		/* now - issued at the check */
	int		 want;
} tok_rows[] = {
	{ __LINE__, E_NONE, E_NONE, "self-login", 0, 0, 1 },
	{ __LINE__, E_NONE, E_NONE, "self-login", 0, 1800, 1 },		/* the last good second */
	{ __LINE__, E_NONE, E_NONE, "self-login", 0, 1801, 0 },		/* expired */
	{ __LINE__, E_NONE, E_NONE, "self-login", 0, -60, 1 },		/* clocks a minute apart */
	{ __LINE__, E_NONE, E_NONE, "self-login", 0, -61, 0 },
	{ __LINE__, E_NONE, E_NONE, "admin-login", 0, 0, 0 },		/* another form's token */
	{ __LINE__, E_NONE, E_NONE, "self-login", 1, 0, 0 },		/* another key */
	{ __LINE__, E_NONE, E_OTHER_TOKEN, "self-login", 0, 0, 0 },	/* cookie from another form */
	{ __LINE__, E_OTHER_TOKEN, E_NONE, "self-login", 0, 0, 0 },
	{ __LINE__, E_NONE, E_NULL, "self-login", 0, 0, 0 },		/* no cookie */
	{ __LINE__, E_NULL, E_NONE, "self-login", 0, 0, 0 },		/* no field */
	{ __LINE__, E_EMPTY, E_EMPTY, "self-login", 0, 0, 0 },
	{ __LINE__, E_FLIP_MAC, E_FLIP_MAC, "self-login", 0, 0, 0 },	/* made up */
	{ __LINE__, E_BUMP_TIME, E_BUMP_TIME, "self-login", 0, 0, 0 },	/* made younger */
	{ __LINE__, E_FLIP_NONCE, E_FLIP_NONCE, "self-login", 0, 0, 0 },
	{ __LINE__, E_TRUNC, E_TRUNC, "self-login", 0, 0, 0 },
	{ __LINE__, E_APPEND, E_APPEND, "self-login", 0, 0, 0 },
	{ __LINE__, E_UPPER, E_UPPER, "self-login", 0, 0, 0 },
	{ __LINE__, E_PLAIN64, E_PLAIN64, "self-login", 0, 0, 0 },	/* a plain double-submit value */
	{ __LINE__, E_NEG_TIME, E_NEG_TIME, "self-login", 0, 0, 0 },
};

static const char *
edit_token(const char *tok, const char *other, enum edit e, char *out, size_t outlen)
{
	size_t n = strlen(tok);
	char *dash;

	snprintf(out, outlen, "%s", tok);
	switch (e) {
	case E_NONE: break;
	case E_NULL: return NULL;
	case E_EMPTY: out[0] = '\0'; break;
	case E_OTHER_TOKEN: snprintf(out, outlen, "%s", other); break;
	case E_FLIP_MAC: out[n - 1] = out[n - 1] == '0' ? '1' : '0'; break;
	case E_FLIP_NONCE: out[0] = out[0] == '0' ? '1' : '0'; break;
	case E_TRUNC: out[n - 1] = '\0'; break;
	case E_APPEND: snprintf(out + n, outlen - n, "0"); break;
	case E_UPPER:
		for (char *p = out; *p; p++)
			if (*p >= 'a' && *p <= 'f')
				*p = (char)(*p - 'a' + 'A');
		break;
	case E_PLAIN64: memset(out, 'a', 64); out[64] = '\0'; break;
	case E_BUMP_TIME:
		/* The time digit before the MAC, one up (the MAC stays). */
		dash = strrchr(out, '-');
		dash[-1] = dash[-1] == '9' ? '8' : (char)(dash[-1] + 1);
		break;
	case E_NEG_TIME:
		dash = strchr(out, '-');
		memmove(dash + 2, dash + 1, strlen(dash + 1) + 1);
		dash[1] = '-';
		break;
	}
	return out;
}

START_TEST(test_form_token)
{
	unsigned char key[AUTH_FORM_KEY_LEN], other[AUTH_FORM_KEY_LEN];
	char tok[AUTH_FORM_TOKEN_MAX], tok2[AUTH_FORM_TOKEN_MAX], f[256], c[256];
	const long long issued = 1767225600;	/* 2026-01-01 */
	const char *fp, *cp;

	memset(key, 7, sizeof(key));
	memset(other, 8, sizeof(other));
	ck_assert_int_eq(auth_form_token(key, "self-login", issued, tok), 0);
	ck_assert_int_eq(auth_form_token(key, "self-login", issued, tok2), 0);
	ck_assert_str_ne(tok, tok2);	/* a fresh nonce every time */
	ck_assert_uint_lt(strlen(tok), AUTH_FORM_TOKEN_MAX);
	fp = edit_token(tok, tok2, tok_rows[_i].form, f, sizeof(f));
	cp = edit_token(tok, tok2, tok_rows[_i].cookie, c, sizeof(c));
	ck_assert_msg(auth_form_token_ok(tok_rows[_i].other_key ? other : key, tok_rows[_i].purpose,
	    fp, cp, issued + tok_rows[_i].dt, 1800) == tok_rows[_i].want,
	    "line %d: form %s cookie %s", tok_rows[_i].line, fp ? fp : "(null)", cp ? cp : "(null)");
}
END_TEST

/* [web] form_key_file: read and hashed; too short or missing refused; empty: random. */
START_TEST(test_form_key_load)
{
	char path[] = "/tmp/vep-formkey-XXXXXX", text[256], err[256];
	unsigned char k1[AUTH_FORM_KEY_LEN], k2[AUTH_FORM_KEY_LEN];
	struct conf *c;
	int fd;

	ck_assert_int_ge(fd = mkstemp(path), 0);
	ck_assert_int_eq(write(fd, "0123456789abcdef0123456789abcdef01\n", 35), 35);
	close(fd);
	snprintf(text, sizeof(text), "[web]\nform_key_file = %s\n", path);
	ck_assert_ptr_nonnull(c = conf_parse("t", text, err, sizeof(err)));
	ck_assert_int_eq(auth_form_key_load(c, k1, err, sizeof(err)), 0);
	ck_assert_int_eq(auth_form_key_load(c, k2, err, sizeof(err)), 0);
	ck_assert_mem_eq(k1, k2, sizeof(k1));
	conf_free(c);
	ck_assert_int_ge(fd = open(path, O_WRONLY | O_TRUNC), 0);
	ck_assert_int_eq(write(fd, "short\n", 6), 6);
	close(fd);
	ck_assert_ptr_nonnull(c = conf_parse("t", text, err, sizeof(err)));
	ck_assert_int_eq(auth_form_key_load(c, k1, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "32"));
	unlink(path);
	ck_assert_int_eq(auth_form_key_load(c, k1, err, sizeof(err)), -1);
	conf_free(c);
	ck_assert_ptr_nonnull(c = conf_parse("t", "[web]\n", err, sizeof(err)));
	ck_assert_int_eq(auth_form_key_load(c, k1, err, sizeof(err)), 0);
	ck_assert_int_eq(auth_form_key_load(c, k2, err, sizeof(err)), 0);
	ck_assert(memcmp(k1, k2, sizeof(k1)) != 0);
	conf_free(c);
}
END_TEST

/*
 * Remembered Basic credentials: remembered (VE AAAA0001, hash H1, "pw-one")
 * at t = 1000; does each row's lookup hit?  A new stored hash (the
 * password changed), another password or VE, and the end of the TTL miss.
 */
static const struct {
	int		 line;
	const char	*ve, *hash, *pw;
	long long	 now;
	int		 hit;
} cc_rows[] = {
	{ __LINE__, "AAAA0001", "$argon2id$H1", "pw-one", 1000, 1 },
	{ __LINE__, "AAAA0001", "$argon2id$H1", "pw-one", 1000 + CREDCACHE_TTL_S - 1, 1 },
	{ __LINE__, "AAAA0001", "$argon2id$H1", "pw-one", 1000 + CREDCACHE_TTL_S, 0 },
	{ __LINE__, "AAAA0001", "$argon2id$H1", "pw-one", 999, 0 },	/* before it was put: the clock stepped back */
	{ __LINE__, "AAAA0001", "$argon2id$H1", "pw-one", 1000 - 100, 0 },	/* clock stepped back far */
	{ __LINE__, "AAAA0001", "$argon2id$H2", "pw-one", 1001, 0 },	/* password changed */
	{ __LINE__, "AAAA0001", "$argon2id$H1", "pw-one ", 1001, 0 },
	{ __LINE__, "AAAA0001", "$argon2id$H1", "pw-on", 1001, 0 },
	{ __LINE__, "AAAA0001", "$argon2id$H1", "", 1001, 0 },
	{ __LINE__, "AAAA0002", "$argon2id$H1", "pw-one", 1001, 0 },
	/* The boundaries do not run together: VEid "AAAA0001" + hash "$a" vs "AAAA0001$" + "a". */
	{ __LINE__, "AAAA0001$argon2id$H1", "", "pw-one", 1001, 0 },
};

START_TEST(test_credcache)
{
	struct credcache *c = credcache_new();

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(credcache_hit(c, "AAAA0001", "$argon2id$H1", "pw-one", 1000), 0);
	credcache_put(c, "AAAA0001", "$argon2id$H1", "pw-one", 1000);
	ck_assert_msg(credcache_hit(c, cc_rows[_i].ve, cc_rows[_i].hash, cc_rows[_i].pw,
	    cc_rows[_i].now) == cc_rows[_i].hit, "line %d", cc_rows[_i].line);
	/* No table: nothing is remembered. */
	credcache_put(NULL, "AAAA0001", "$argon2id$H1", "pw-one", 1000);
	ck_assert_int_eq(credcache_hit(NULL, "AAAA0001", "$argon2id$H1", "pw-one", 1000), 0);
	credcache_free(c);
}
END_TEST

/* A worker's entry is seen by its siblings: the table is shared across fork. */
START_TEST(test_credcache_shared)
{
	struct credcache *c = credcache_new();
	int st;
	pid_t p;

	ck_assert_ptr_nonnull(c);
	if ((p = fork()) == 0) {
		credcache_put(c, "AAAA0003", "$argon2id$H", "secret", 50);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(p, &st, 0), p);
	ck_assert_int_eq(credcache_hit(c, "AAAA0003", "$argon2id$H", "secret", 51), 1);
	credcache_free(c);
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
	tcase_add_loop_test(tc, test_dummy_same_cost, 0, (int)nitems(cost_rows));
	tcase_add_loop_test(tc, test_form_token, 0, (int)nitems(tok_rows));
	tcase_add_test(tc, test_form_key_load);
	tcase_add_loop_test(tc, test_credcache, 0, (int)nitems(cc_rows));
	tcase_add_test(tc, test_credcache_shared);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
