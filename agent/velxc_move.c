/*
 * Move with data (issue 14): the VE's volume goes from the node it leaves
 * to the node it is placed on, agent to agent over HTTP.  Three steps, each
 * one velxc run (a child of the agent, so the agent's loop never waits):
 *
 *	release (old node): the stopped VE's file system is unmounted and
 *	    synced; its image's size and SHA-256 are printed for the agent,
 *	    which then serves it at GET /ves/{id}/volume to the one-time token
 *	    the panel gave both nodes (agent/move.c).
 *	fetch (new node): that GET, streamed into root.img.move (zero blocks
 *	    left as holes), checked against Content-Length and the
 *	    X-Content-SHA256 header, synced and renamed to root.img.
 *	moved (new node, once the VE runs): POST {api}/nodes/{node}/ves/{id}/moved,
 *	    after which the panel no longer lists the VE on the old node and
 *	    that node erases its copy.
 *
 * The token comes on stdin with the other parameters, never in argv, and
 * is never printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "velxc.h"

static void
hex(const unsigned char *md, unsigned n, char out[65])
{
	for (unsigned i = 0; i < n && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void
op_release(const struct par *p)
{
	unsigned char md[EVP_MAX_MD_SIZE], *blk;
	unsigned mdlen = 0;
	unsigned long long size = 0;
	char sum[65] = "";
	EVP_MD_CTX *ctx;
	ssize_t n;
	int fd;

	(void)p;
	if (access(image, F_OK) == -1)
		die("no volume to give");
	if (mounted(rootfs) && umount2(rootfs, 0) == -1)
		die("umount %s: %s", rootfs, strerror(errno));
	sync();
	if ((fd = open(image, O_RDONLY | O_CLOEXEC)) == -1)
		die("%s: %s", image, strerror(errno));
	if ((ctx = EVP_MD_CTX_new()) == NULL || (blk = malloc(1 << 20)) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		die("out of memory");
	while ((n = read(fd, blk, 1 << 20)) > 0) {
		EVP_DigestUpdate(ctx, blk, (size_t)n);
		size += (unsigned long long)n;
	}
	if (n == -1)
		die("read %s: %s", image, strerror(errno));
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	free(blk);
	close(fd);
	hex(md, mdlen, sum);
	printf("size=%llu\nsha256=%s\n", size, sum);
}

struct sink {
	int		 fd;
	EVP_MD_CTX	*ctx;
	unsigned long long got;
	char		 want[65];	/* X-Content-SHA256 */
	int		 fail;
};

static int
all_zero(const char *b, size_t n)
{
	return n == 0 || (b[0] == 0 && memcmp(b, b + 1, n - 1) == 0);
}

static size_t
on_body(char *b, size_t sz, size_t nm, void *arg)
{
	struct sink *k = arg;
	size_t n = sz * nm, off = 0;

	EVP_DigestUpdate(k->ctx, b, n);
	/* Whole zero 4 KiB blocks become holes: the image stays sparse. */
	while (off < n) {
		size_t c = n - off < 4096 ? n - off : 4096;

		if (c == 4096 && all_zero(b + off, c)) {
			if (lseek(k->fd, (off_t)c, SEEK_CUR) == (off_t)-1)
				return 0;
		} else {
			ssize_t w = write(k->fd, b + off, c);

			if (w != (ssize_t)c)
				return 0;
		}
		off += c;
	}
	k->got += n;
	return n;
}

static size_t
on_header(char *b, size_t sz, size_t nm, void *arg)
{
	struct sink *k = arg;
	size_t n = sz * nm;
	static const char name[] = "X-Content-SHA256:";

	if (n > sizeof(name) - 1 + 64 && strncasecmp(b, name, sizeof(name) - 1) == 0) {
		const char *v = b + sizeof(name) - 1;

		while (*v == ' ')
			v++;
		if ((size_t)(v - b) + 64 <= n) {
			memcpy(k->want, v, 64);
			k->want[64] = '\0';
		}
	}
	return n;
}

void
op_fetch(const struct par *p)
{
	char url[256], auth[128], tmp[PATH_MAX], err[CURL_ERROR_SIZE] = "", sum[65] = "";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	struct curl_slist *h = NULL;
	struct sink k = { .fd = -1 };
	curl_off_t clen = -1;
	long code = 0;
	CURLcode cc;
	CURL *c;

	if (access(image, F_OK) == 0)
		return;		/* fetched already */
	if (strncmp(p->move_url, "http://", 7) != 0 || strlen(p->move_token) < 32)
		die("move_url and move_token are needed");
	make_vedir();
	pathf(tmp, "%s/root.img.move", vedir);
	(void)unlink(tmp);
	if ((k.fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1)
		die("%s: %s", tmp, strerror(errno));
	if ((k.ctx = EVP_MD_CTX_new()) == NULL || EVP_DigestInit_ex(k.ctx, EVP_sha256(), NULL) != 1)
		die("out of memory");
	snprintf(url, sizeof(url), "%s/ves/%s/volume", p->move_url, id);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", p->move_token);
	if ((c = curl_easy_init()) == NULL || (h = curl_slist_append(h, auth)) == NULL)
		die("out of memory");
	explicit_bzero(auth, sizeof(auth));
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &k);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &k);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	/* Slower than 64 kB/s for 60 s: given up (and tried again later). */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 65536L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &clen);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	EVP_DigestFinal_ex(k.ctx, md, &mdlen);
	EVP_MD_CTX_free(k.ctx);
	hex(md, mdlen, sum);
	if (cc != CURLE_OK || code != 200) {
		(void)unlink(tmp);
		die("volume from %s: HTTP %ld %s", p->move_url, code, err);
	}
	if (clen < 0 || (unsigned long long)clen != k.got || k.want[0] == '\0' ||
	    strcmp(k.want, sum) != 0) {
		(void)unlink(tmp);
		die("volume from %s: %llu bytes, checksum %s: not what was announced", p->move_url,
		    k.got, k.want[0] ? "differs" : "missing");
	}
	if (ftruncate(k.fd, (off_t)k.got) == -1 || fsync(k.fd) == -1 || close(k.fd) == -1)
		die("%s: %s", tmp, strerror(errno));
	if (rename(tmp, image) == -1)
		die("rename %s: %s", image, strerror(errno));
	fprintf(stderr, "velxc %s: volume of %llu bytes fetched from %s\n", id, k.got, p->move_url);
}

void
op_moved(const struct par *p)
{
	char *body = NULL;
	size_t blen = 0;
	long code;

	if (!p->api_url[0] || !p->node[0] || !p->token_file[0])
		die("api_url, node and token_file are needed");
	code = node_post(p, "moved", "moved", &body, &blen);
	free(body);
	/* 404: the panel has no such move any more (told before): done too. */
	if (code != 200 && code != 404)
		die("moved: HTTP %ld", code);
}
