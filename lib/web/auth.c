/*
 * Authentication helpers of the web frame: see auth.h.  Hashing is
 * lib/base/secret.c's, the SQL of sessions, tokens and throttling
 * lib/db/db_auth.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "auth.h"
#include "conf.h"
#include "log.h"
#include "util.h"

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
