/*
 * SMTP through libcurl; see smtp.h.
 */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "smtp.h"

struct src {
	const char	*p;
	size_t		 left;
};

static size_t
feed(char *out, size_t size, size_t nmemb, void *arg)
{
	struct src *s = arg;
	size_t n = size * nmemb;

	if (n > s->left)
		n = s->left;
	memcpy(out, s->p, n);
	s->p += n;
	s->left -= n;
	return n;
}

int
smtp_send(const struct smtp_conf *c, const char *rcpt, const char *msg, size_t len, char *err,
    size_t errlen)
{
	struct src s = { msg, len };
	struct curl_slist *to = NULL;
	char ebuf[CURL_ERROR_SIZE] = "", from[300], rc_to[300];
	CURL *h;
	CURLcode rc;
	long code = 0;

	if ((h = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "curl_easy_init failed");
		return -1;
	}
	snprintf(from, sizeof(from), "<%s>", c->from);
	snprintf(rc_to, sizeof(rc_to), "<%s>", rcpt);
	to = curl_slist_append(NULL, rc_to);
	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, feed);
	curl_easy_setopt(h, CURLOPT_READDATA, &s);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->connect_timeout_s);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout_s);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (c->user != NULL && *c->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->password ? c->password : "");
	}
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK)
		snprintf(err, errlen, "%s (SMTP %ld): %s", curl_easy_strerror(rc), code,
		    ebuf[0] ? ebuf : "-");
	curl_slist_free_all(to);
	curl_easy_cleanup(h);
	return rc == CURLE_OK ? 0 : -1;
}
