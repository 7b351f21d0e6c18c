/*
 * Password hashing and random tokens: see secret.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <argon2.h>
#include <crypt.h>

#include "conf.h"
#include "cryptmem.h"
#include "log.h"
#include "secret.h"
#include "util.h"

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

void
auth_warm(const struct argon_params *p)
{
	char pw[33], h[256], c[AUTH_CRYPT_MAX];

	if (auth_token_hex(pw, 16) == -1)
		return;
	/*
	 * glibc maps argon2id's first block afresh and frees it, then raises
	 * its mmap threshold, so the second hash grows the heap and faults in
	 * its pages too; from the third on the memory is warm.  auth_dummy_hash
	 * made the first; this is the second, and the first yescrypt, whose
	 * region cryptmem keeps from now on.
	 */
	(void)auth_hash(p, pw, h, sizeof(h));
	(void)auth_crypt(pw, c);
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(h, sizeof(h));
	explicit_bzero(c, sizeof(c));
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

int
auth_crypt(const char *pw, char out[AUTH_CRYPT_MAX])
{
	static const char *const prefixes[] = { "$y$", "$6$" };
	unsigned char rnd[16];
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	int rc = -1;

	out[0] = '\0';
	/* yescrypt's 16 MiB kept from one hash to the next, not faulted in afresh (cryptmem.h) */
	(void)cryptmem_arm();
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

struct crypt_job {
	const char	*pw;
	char		*out;
	int		 nice;	/* of the thread that hashes; 0: as the caller */
	int		 rc;
};

static void *
crypt_thread(void *arg)
{
	struct crypt_job *j = arg;

	/* This thread only (Linux: the nice value is per thread). */
	if (j->nice != 0)
		(void)setpriority(PRIO_PROCESS, (id_t)gettid(), j->nice);
	j->rc = auth_crypt(j->pw, j->out);
	return NULL;
}

int
auth_crypt_niced(const char *pw, char out[AUTH_CRYPT_MAX], int nice)
{
	struct crypt_job j = { pw, out, nice, -1 };
	pthread_t th;

	if (pthread_create(&th, NULL, crypt_thread, &j) != 0)
		return auth_crypt(pw, out);
	pthread_join(th, NULL);
	return j.rc;
}

struct auth_crypt_job {
	pthread_t	 th;
	struct crypt_job j;
	char		*pw;
	char		 out[AUTH_CRYPT_MAX];
	int		 slot;
};

static void *
job_thread(void *arg)
{
	struct auth_crypt_job *k = arg;

	crypt_thread(&k->j);
	auth_slot_release(k->slot);
	k->slot = AUTH_SLOT_UNUSABLE;
	return NULL;
}

struct auth_crypt_job *
auth_crypt_start(const char *pw, int nice, int slot)
{
	struct auth_crypt_job *k;

	if ((k = calloc(1, sizeof(*k))) == NULL || (k->pw = strdup(pw)) == NULL) {
		free(k);
		return NULL;
	}
	k->j = (struct crypt_job){ k->pw, k->out, nice, -1 };
	k->slot = slot;
	if (pthread_create(&k->th, NULL, job_thread, k) != 0) {
		explicit_bzero(k->pw, strlen(k->pw));
		free(k->pw);
		free(k);
		return NULL;
	}
	return k;
}

int
auth_crypt_collect(struct auth_crypt_job *k, char out[AUTH_CRYPT_MAX])
{
	int rc;

	pthread_join(k->th, NULL);
	rc = k->j.rc;
	if (out != NULL)
		memcpy(out, k->out, AUTH_CRYPT_MAX);
	explicit_bzero(k->out, sizeof(k->out));
	explicit_bzero(k->pw, strlen(k->pw));
	free(k->pw);
	free(k);
	return rc;
}

int
auth_hash_both(const struct argon_params *p, const char *pw, char *out, size_t outlen,
    char crypt_out[AUTH_CRYPT_MAX])
{
	struct crypt_job j = { pw, crypt_out, 0, -1 };
	pthread_t th;
	int threaded, rc;

	threaded = pthread_create(&th, NULL, crypt_thread, &j) == 0;
	rc = auth_hash(p, pw, out, outlen);
	if (threaded)
		pthread_join(th, NULL);
	else
		crypt_thread(&j);
	if (rc == 0 && j.rc == 0)
		return 0;
	explicit_bzero(out, outlen);
	explicit_bzero(crypt_out, AUTH_CRYPT_MAX);
	return -1;
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
