/*
 * Authentication helpers; see auth.h.  All SQL of sessions, tokens and
 * throttling is in the table below.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <argon2.h>
#include <crypt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "auth.h"
#include "conf.h"
#include "db.h"
#include "log.h"
#include "util.h"

enum stmt {
	S_TOKEN_OK,
	S_VE_TOKEN_OK,
	S_SESS_INSERT,
	S_SESS_GET,
	S_SESS_TOUCH,
	S_SESS_DELETE,
	S_SESS_DELETE_SUBJECT,
	S_FAIL_COUNT_SUBJECT,
	S_FAIL_COUNT_ADDR,
	S_FAIL_INSERT,
	S_FAIL_PURGE,
	S__MAX
};

static const char *const sql[S__MAX] = {
	[S_TOKEN_OK] = "SELECT COUNT(*) FROM admin_tokens WHERE token_hash = ? AND revoked_at IS NULL "
	    "AND kind = 'admin'",
	[S_VE_TOKEN_OK] = "SELECT t.ve_id FROM admin_tokens t JOIN ves v ON v.id = t.ve_id "
	    "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.kind = 've' AND v.state <> 'deleted'",
	[S_SESS_INSERT] = "INSERT INTO sessions (id_hash, kind, subject, csrf, created_at, last_seen) "
	    "VALUES (?, ?, ?, ?, ?, ?)",
	[S_SESS_GET] = "SELECT subject, csrf, created_at, last_seen FROM sessions "
	    "WHERE id_hash = ? AND kind = ?",
	[S_SESS_TOUCH] = "UPDATE sessions SET last_seen = ? WHERE id_hash = ?",
	[S_SESS_DELETE] = "DELETE FROM sessions WHERE id_hash = ?",
	[S_SESS_DELETE_SUBJECT] = "DELETE FROM sessions WHERE kind = ? AND subject = ?",
	[S_FAIL_COUNT_SUBJECT] = "SELECT COUNT(*), COALESCE(MIN(at), 0) FROM login_failures "
	    "WHERE subject = ? AND at > ?",
	[S_FAIL_COUNT_ADDR] = "SELECT COUNT(*), COALESCE(MIN(at), 0) FROM login_failures "
	    "WHERE addr = ? AND at > ?",
	[S_FAIL_INSERT] = "INSERT INTO login_failures (subject, addr, at) VALUES (?, ?, ?)",
	[S_FAIL_PURGE] = "DELETE FROM login_failures WHERE at < ? LIMIT 1000",
};

void
auth_params_from_conf(const struct conf *c, struct argon_params *p)
{
	p->m_kib = (unsigned)conf_int(c, "auth", "argon2_m_kib");
	p->t = (unsigned)conf_int(c, "auth", "argon2_t");
	p->p = (unsigned)conf_int(c, "auth", "argon2_p");
}

int
auth_hash(const struct argon_params *p, const char *pw, char *out, size_t outlen)
{
	unsigned char salt[16];
	if (vep_random(salt, sizeof(salt)) == -1)
		return -1;
	if (argon2id_hash_encoded(p->t, p->m_kib, p->p, pw, strlen(pw), salt, sizeof(salt),
	    32, out, outlen) != ARGON2_OK)
		return -1;
	return 0;
}

int
auth_verify(const char *encoded, const char *pw)
{
	if (strncmp(encoded, "$argon2id$", 10) != 0)
		return 0;
	return argon2id_verify(encoded, pw, strlen(pw)) == ARGON2_OK;
}

const char *
auth_dummy_hash(const struct argon_params *p)
{
	static char h[128];
	static struct argon_params made;
	if (h[0] == '\0' || made.m_kib != p->m_kib || made.t != p->t || made.p != p->p) {
		char pw[33];
		auth_token_hex(pw, 16);
		if (auth_hash(p, pw, h, sizeof(h)) == -1)
			h[0] = '\0';
		made = *p;
	}
	return h;
}

int
auth_crypt(const char *pw, char out[AUTH_CRYPT_MAX])
{
	static const char *const prefixes[] = { "$y$", "$6$" };
	unsigned char rnd[16];
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	int rc = -1;

	out[0] = '\0';
	/* struct crypt_data is 32 KiB: not on the FastCGI worker's stack. */
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return -1;
	if (vep_random(rnd, sizeof(rnd)) == -1)
		goto out;
	for (size_t i = 0; i < nitems(prefixes) && rc == -1; i++) {
		const char *h;
		if (crypt_gensalt_rn(prefixes[i], 0, (const char *)rnd, (int)sizeof(rnd), setting,
		    (int)sizeof(setting)) == NULL)
			continue;
		h = crypt_r(pw, setting, cd);
		if (h == NULL || h[0] == '*' || strlen(h) >= AUTH_CRYPT_MAX)
			continue;
		snprintf(out, AUTH_CRYPT_MAX, "%s", h);
		rc = 0;
	}
out:
	explicit_bzero(cd, sizeof(*cd));
	explicit_bzero(rnd, sizeof(rnd));
	free(cd);
	return rc;
}

int
auth_crypt_valid(const char *h)
{
	size_t n = strlen(h);

	if (n < 10 || n >= AUTH_CRYPT_MAX || (strncmp(h, "$y$", 3) != 0 && strncmp(h, "$6$", 3) != 0))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (h[i] <= ' ' || h[i] > '~' || h[i] == ':')
			return 0;
	return 1;
}

int
auth_token_hex(char *out, size_t nbytes)
{
	unsigned char b[64];
	if (nbytes > sizeof(b) || vep_random(b, nbytes) == -1)
		return -1;
	vep_hex(b, nbytes, out);
	return 0;
}

int
auth_admin_token_ok(struct db *db, const char *token)
{
	char h[65];
	long long n = 0;
	if (token == NULL || strlen(token) < 32 || strlen(token) > 128)
		return 0;
	vep_sha256_hex(token, strlen(token), h);
	struct dbv p[] = { DBV_STR(h) };
	struct dbo o[] = { DBO_INT(&n) };
	int rc = db_one(db, sql[S_TOKEN_OK], p, nitems(p), o, nitems(o));
	if (rc < 0)
		return rc;
	return n > 0;
}

int
auth_ve_token_ok(struct db *db, const char *token, char ve_id[9])
{
	char h[65];
	ve_id[0] = '\0';
	if (token == NULL || strlen(token) < 32 || strlen(token) > 128)
		return 0;
	vep_sha256_hex(token, strlen(token), h);
	struct dbv p[] = { DBV_STR(h) };
	struct dbo o[] = { DBO_STRP(ve_id, 9) };
	return db_one(db, sql[S_VE_TOKEN_OK], p, nitems(p), o, nitems(o));
}

int
session_create(struct db *db, const char *kind, const char *subject, long long now,
    struct session *s)
{
	char h[65];
	memset(s, 0, sizeof(*s));
	if (auth_token_hex(s->id, 32) == -1 || auth_token_hex(s->csrf, 32) == -1)
		return DB_ERR;
	snprintf(s->subject, sizeof(s->subject), "%s", subject);
	s->created_at = s->last_seen = now;
	vep_sha256_hex(s->id, strlen(s->id), h);
	struct dbv p[] = { DBV_STR(h), DBV_STR(kind), DBV_STR(subject), DBV_STR(s->csrf),
	    DBV_INT(now), DBV_INT(now) };
	return db_exec(db, sql[S_SESS_INSERT], p, nitems(p), NULL, NULL);
}

static int
valid_cookie(const char *c)
{
	if (c == NULL || strlen(c) != 64)
		return 0;
	for (; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return 0;
	return 1;
}

int
session_get(struct db *db, const char *kind, const char *cookie, long long now,
    long long idle_s, long long max_s, struct session *s)
{
	char h[65];
	int rc;

	memset(s, 0, sizeof(*s));
	if (!valid_cookie(cookie))
		return 0;
	vep_sha256_hex(cookie, 64, h);
	struct dbv p[] = { DBV_STR(h), DBV_STR(kind) };
	struct dbo o[] = { DBO_STR(s->subject), DBO_STR(s->csrf), DBO_INT(&s->created_at),
	    DBO_INT(&s->last_seen) };
	if ((rc = db_one(db, sql[S_SESS_GET], p, nitems(p), o, nitems(o))) <= 0)
		return rc;
	if (now - s->last_seen > idle_s || now - s->created_at > max_s) {
		struct dbv d[] = { DBV_STR(h) };
		db_exec(db, sql[S_SESS_DELETE], d, nitems(d), NULL, NULL);
		memset(s, 0, sizeof(*s));
		return 0;
	}
	/* Touch at most once a minute: a dashboard refresh need not write. */
	if (now - s->last_seen >= 60) {
		struct dbv t[] = { DBV_INT(now), DBV_STR(h) };
		if ((rc = db_exec(db, sql[S_SESS_TOUCH], t, nitems(t), NULL, NULL)) < 0)
			return rc;
		s->last_seen = now;
	}
	return 1;
}

int
session_destroy(struct db *db, const char *cookie)
{
	char h[65];
	if (!valid_cookie(cookie))
		return 0;
	vep_sha256_hex(cookie, 64, h);
	struct dbv p[] = { DBV_STR(h) };
	return db_exec(db, sql[S_SESS_DELETE], p, nitems(p), NULL, NULL);
}

int
session_destroy_subject(struct db *db, const char *kind, const char *subject)
{
	struct dbv p[] = { DBV_STR(kind), DBV_STR(subject) };
	return db_exec(db, sql[S_SESS_DELETE_SUBJECT], p, nitems(p), NULL, NULL);
}

int
throttle_check(struct db *db, const char *subject, const char *addr, long long now,
    long long window_s, long long per_subject, long long per_addr, long long *retry_after)
{
	long long n = 0, oldest = 0;
	int rc;

	*retry_after = 0;
	struct dbv ps[] = { DBV_STR(subject), DBV_INT(now - window_s) };
	struct dbo o[] = { DBO_INT(&n), DBO_INT(&oldest) };
	if ((rc = db_one(db, sql[S_FAIL_COUNT_SUBJECT], ps, nitems(ps), o, nitems(o))) < 0)
		return rc;
	if (n >= per_subject) {
		*retry_after = oldest + window_s - now > 0 ? oldest + window_s - now : 1;
		return THROTTLE_LOCKED;
	}
	struct dbv pa[] = { DBV_STR(addr ? addr : ""), DBV_INT(now - window_s) };
	if ((rc = db_one(db, sql[S_FAIL_COUNT_ADDR], pa, nitems(pa), o, nitems(o))) < 0)
		return rc;
	if (n >= per_addr) {
		*retry_after = oldest + window_s - now > 0 ? oldest + window_s - now : 1;
		return THROTTLE_LOCKED;
	}
	return THROTTLE_OK;
}

int
throttle_fail(struct db *db, const char *subject, const char *addr, long long now)
{
	struct dbv p[] = { DBV_STR(subject), DBV_STR(addr ? addr : ""), DBV_INT(now) };
	struct dbv q[] = { DBV_INT(now - 86400) };
	int rc = db_exec(db, sql[S_FAIL_INSERT], p, nitems(p), NULL, NULL);
	if (rc == DB_OK)
		db_exec(db, sql[S_FAIL_PURGE], q, nitems(q), NULL, NULL);
	return rc;
}

/*
 * Why lock files and not a counter: a worker killed mid-hash releases its
 * flock with its last descriptor, so a slot can never leak.
 */
int
auth_slot_acquire(const char *dir, int n, int wait_ms)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	char name[32];
	int dfd, fd = AUTH_SLOT_BUSY, waited = 0;

	if (n < 1)
		n = 1;
	if (dir == NULL || (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return AUTH_SLOT_UNUSABLE;
	for (;;) {
		for (int i = 0; i < n; i++) {
			snprintf(name, sizeof(name), "hash.%d", i);
			if ((fd = openat(dfd, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0660)) == -1) {
				fd = AUTH_SLOT_UNUSABLE;
				goto out;
			}
			if (flock(fd, LOCK_EX | LOCK_NB) == 0)
				goto out;
			if (errno != EWOULDBLOCK) {
				close(fd);
				fd = AUTH_SLOT_UNUSABLE;
				goto out;
			}
			close(fd);
		}
		fd = AUTH_SLOT_BUSY;
		if (waited >= wait_ms)
			break;
		nanosleep(&pause, NULL);
		waited += 10;
	}
out:
	waited = errno;
	close(dfd);
	errno = waited;
	return fd;
}

void
auth_slot_release(int fd)
{
	if (fd >= 0)
		close(fd);	/* closing drops the flock */
}

int
auth_slot_enter(const struct conf *c)
{
	static int warned;	/* log an unusable directory once per process */
	const char *dir = conf_str(c, "web", "lock_dir");
	int fd;

	fd = auth_slot_acquire(dir, (int)conf_int(c, "web", "max_concurrent_hashes"),
	    (int)conf_int(c, "web", "hash_wait_ms"));
	if (fd == AUTH_SLOT_UNUSABLE && !warned) {
		log_warn("%s: lock directory %s; password hashes are not limited", __func__, dir);
		warned = 1;
	}
	return fd;
}

/* HMAC-SHA256(key, purpose "|" nonce "|" issued) as hex into mac[65]. */
static int
form_mac(const unsigned char *key, const char *purpose, const char *nonce, long long issued,
    char mac[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char msg[200];
	int n;

	n = snprintf(msg, sizeof(msg), "%s|%s|%lld", purpose, nonce, issued);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return -1;
	if (HMAC(EVP_sha256(), key, AUTH_FORM_KEY_LEN, (const unsigned char *)msg, (size_t)n,
	    md, &mdlen) == NULL || mdlen != 32)
		return -1;
	vep_hex(md, 32, mac);
	return 0;
}

int
auth_form_token(const unsigned char key[AUTH_FORM_KEY_LEN], const char *purpose, long long now,
    char out[AUTH_FORM_TOKEN_MAX])
{
	char nonce[33], mac[65];

	if (auth_token_hex(nonce, 16) == -1 || form_mac(key, purpose, nonce, now, mac) == -1)
		return -1;
	snprintf(out, AUTH_FORM_TOKEN_MAX, "%s-%lld-%s", nonce, now, mac);
	return 0;
}

int
auth_form_token_ok(const unsigned char key[AUTH_FORM_KEY_LEN], const char *purpose,
    const char *form, const char *cookie, long long now, long long max_age_s)
{
	char nonce[33], want[65];
	const char *p, *dash, *err;
	long long issued;

	if (form == NULL || cookie == NULL || strlen(form) >= AUTH_FORM_TOKEN_MAX ||
	    !vep_ct_streq(form, cookie))
		return 0;
	/* 32 hex digits, '-', a decimal time, '-', 64 hex digits. */
	if (strlen(form) < 32 + 1 + 1 + 1 + 64 || strspn(form, "0123456789abcdef") != 32 ||
	    form[32] != '-')
		return 0;
	memcpy(nonce, form, 32);
	nonce[32] = '\0';
	p = form + 33;
	if ((dash = strchr(p, '-')) == NULL || dash - p > 19)
		return 0;
	issued = vep_strtonum_n(p, (size_t)(dash - p), 0, (long long)1 << 62, &err);
	if (err != NULL || strlen(dash + 1) != 64 || strspn(dash + 1, "0123456789abcdef") != 64)
		return 0;
	/* A minute of clock difference between machines is forgiven. */
	if (issued > now + 60 || now - issued > max_age_s)
		return 0;
	if (form_mac(key, purpose, nonce, issued, want) == -1)
		return 0;
	return vep_ct_streq(want, dash + 1);
}

int
auth_form_key_load(const struct conf *c, unsigned char key[AUTH_FORM_KEY_LEN], char *err,
    size_t errlen)
{
	const char *path = conf_str(c, "web", "form_key_file");
	char text[1024];
	size_t n;
	FILE *fp;

	if (path == NULL || *path == '\0')
		return vep_random(key, AUTH_FORM_KEY_LEN) == 0 ? 0 :
		    (snprintf(err, errlen, "no random bytes for the form key"), -1);
	if ((fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "form_key_file %s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(text, 1, sizeof(text), fp);
	fclose(fp);
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
		n--;
	if (n < 32 || n == sizeof(text)) {
		explicit_bzero(text, sizeof(text));
		snprintf(err, errlen, "form_key_file %s: the key must be 32 to 1000 characters", path);
		return -1;
	}
	SHA256((const unsigned char *)text, n, key);
	explicit_bzero(text, sizeof(text));
	return 0;
}
