/*
 * Building RFC 5322 / MIME messages; see msg.h.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "msg.h"
#include "util.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* base64 of data in lines of 76 characters, each ended by CRLF. */
static void
put_base64(struct buf *out, const unsigned char *d, size_t n)
{
	char line[80];
	size_t ll = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)d[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)d[i + 1] << 8;
		if (i + 2 < n)
			v |= d[i + 2];
		line[ll++] = b64[v >> 18 & 63];
		line[ll++] = b64[v >> 12 & 63];
		line[ll++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		line[ll++] = i + 2 < n ? b64[v & 63] : '=';
		if (ll == 76) {
			buf_append(out, line, ll);
			buf_puts(out, "\r\n");
			ll = 0;
		}
	}
	if (ll > 0) {
		buf_append(out, line, ll);
		buf_puts(out, "\r\n");
	}
}

static int
ascii_only(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

int
mail_addr_ok(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 254)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s == 0x7f || *s == '<' || *s == '>' ||
		    *s == '"' || *s == ',')
			return 0;
	return 1;
}

/* A header value with no CR/LF/control characters. */
static int
value_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return 0;
	return 1;
}

/*
 * A header value, as is when it is short printable ASCII, else as RFC 2047
 * encoded words (base64, UTF-8) of at most 45 bytes each, never splitting a
 * UTF-8 sequence.
 */
static void
put_words(struct buf *out, const char *s)
{
	size_t n = strlen(s);

	if (ascii_only(s) && n <= 900) {
		buf_puts(out, s);
		return;
	}
	for (size_t i = 0; i < n;) {
		size_t k = n - i > 45 ? 45 : n - i;
		while (i + k < n && k > 0 && ((unsigned char)s[i + k] & 0xc0) == 0x80)
			k--;
		if (i > 0)
			buf_puts(out, "\r\n ");
		buf_puts(out, "=?UTF-8?B?");
		struct buf t;
		buf_init(&t);
		put_base64(&t, (const unsigned char *)s + i, k);
		/* one encoded word: drop the CRLF put_base64 ended it with */
		buf_append(out, t.data, t.len - 2);
		buf_free(&t);
		buf_puts(out, "?=");
		i += k;
	}
}

void
mail_date(long long t, char out[40])
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
		"Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", wd[tm.tm_wday], tm.tm_mday,
	    mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A text part: 7bit with CRLF when ASCII with short lines, else base64 of UTF-8. */
static void
put_text(struct buf *out, const char *ctype, const char *text)
{
	int plain = ascii_only(text);
	size_t run = 0;

	for (const char *p = text; plain && *p; p++) {
		run = *p == '\n' ? 0 : run + 1;
		if (run > 900 || *p == '\r')
			plain = 0;
	}
	buf_printf(out, "Content-Type: %s; charset=UTF-8\r\n", ctype);
	if (!plain) {
		buf_puts(out, "Content-Transfer-Encoding: base64\r\n\r\n");
		put_base64(out, (const unsigned char *)text, strlen(text));
		return;
	}
	buf_puts(out, "Content-Transfer-Encoding: 7bit\r\n\r\n");
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			buf_puts(out, "\r\n");
		else
			buf_append(out, p, 1);
	}
	if (text[0] == '\0' || text[strlen(text) - 1] != '\n')
		buf_puts(out, "\r\n");
}

int
mail_build(const struct mail_msg *m, struct buf *out)
{
	char date[40], bnd[64], alt[64];
	unsigned char r[12];

	if (!mail_addr_ok(m->from) || !mail_addr_ok(m->to) || !mail_addr_ok(m->message_id) ||
	    m->subject == NULL || !value_ok(m->subject) || m->text == NULL ||
	    (m->from_name != NULL && !value_ok(m->from_name)) ||
	    !vep_valid_utf8(m->subject, strlen(m->subject)) || !vep_valid_utf8(m->text, strlen(m->text)))
		return MAIL_MSG_EINPUT;
	for (size_t i = 0; i < m->natt; i++)
		if (!mail_addr_ok(m->att[i].filename) || !mail_addr_ok(m->att[i].ctype))
			return MAIL_MSG_EINPUT;
	if (vep_random(r, sizeof(r)) == -1)
		return MAIL_MSG_ENOMEM;
	char hex[25];
	vep_hex(r, sizeof(r), hex);
	snprintf(bnd, sizeof(bnd), "=_vep_mixed_%s", hex);
	snprintf(alt, sizeof(alt), "=_vep_alt_%s", hex);
	mail_date(m->date, date);
	buf_puts(out, "From: ");
	if (m->from_name != NULL && *m->from_name) {
		if (ascii_only(m->from_name) && strpbrk(m->from_name, "\"\\") == NULL)
			buf_printf(out, "\"%s\"", m->from_name);
		else
			put_words(out, m->from_name);
		buf_printf(out, " <%s>\r\n", m->from);
	} else
		buf_printf(out, "<%s>\r\n", m->from);
	buf_printf(out, "To: <%s>\r\n", m->to);
	buf_puts(out, "Subject: ");
	put_words(out, m->subject);
	buf_printf(out, "\r\nDate: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n", date,
	    m->message_id);
	buf_printf(out, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n", bnd);
	buf_puts(out, "This is a message in MIME format.\r\n");
	buf_printf(out, "\r\n--%s\r\n", bnd);
	if (m->html != NULL) {
		buf_printf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", alt);
		buf_printf(out, "--%s\r\n", alt);
		put_text(out, "text/plain", m->text);
		buf_printf(out, "\r\n--%s\r\n", alt);
		put_text(out, "text/html", m->html);
		buf_printf(out, "\r\n--%s--\r\n", alt);
	} else
		put_text(out, "text/plain", m->text);
	for (size_t i = 0; i < m->natt; i++) {
		buf_printf(out, "\r\n--%s\r\n", bnd);
		buf_printf(out, "Content-Type: %s; name=\"%s\"\r\n", m->att[i].ctype, m->att[i].filename);
		buf_printf(out, "Content-Disposition: attachment; filename=\"%s\"\r\n",
		    m->att[i].filename);
		buf_puts(out, "Content-Transfer-Encoding: base64\r\n\r\n");
		put_base64(out, m->att[i].data, m->att[i].len);
	}
	buf_printf(out, "\r\n--%s--\r\n", bnd);
	return out->oom ? MAIL_MSG_ENOMEM : MAIL_MSG_OK;
}

long long
mail_backoff(long long attempts, long long base, long long max)
{
	long long d = base;

	for (long long i = 1; i < attempts && d < max; i++)
		d = d > max / 2 ? max : d * 2;
	return d < max ? d : max;
}

int
mail_parse_days(const char *s, int *days, size_t max, size_t *n)
{
	*n = 0;
	if (s == NULL || *s == '\0')
		return 0;
	while (*s) {
		size_t l = strcspn(s, ",");
		const char *err;
		long long d;
		while (l > 0 && *s == ' ') {
			s++;
			l--;
		}
		size_t e = l;
		while (e > 0 && s[e - 1] == ' ')
			e--;
		d = vep_strtonum_n(s, e, 1, 365, &err);
		if (err != NULL || *n == max)
			return -1;
		for (size_t i = 0; i < *n; i++)
			if (days[i] == d)
				return -1;
		days[(*n)++] = (int)d;
		s += l;
		if (*s == ',') {
			s++;
			if (*s == '\0')
				return -1;
		}
	}
	return 0;
}
