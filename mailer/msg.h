/*
 * RFC 5322 messages for vep-mailer, as a pure function of their parts (no
 * database, no network: unit-tested in tests/unit/test_mailer_msg.c):
 * a plain-text part first, optionally HTML, and attachments, as MIME
 * multipart/mixed with CRLF line ends; plus the retry back-off and the
 * parser of [isp] reminder_days.
 */
#ifndef VEP_MAILER_MSG_H
#define VEP_MAILER_MSG_H

#include <stddef.h>

struct buf;

struct mail_att {
	const char	*filename;	/* ASCII, such as INV-2026-000001.pdf */
	const char	*ctype;		/* application/pdf */
	const void	*data;
	size_t		 len;
};

struct mail_msg {
	const char		*from;		/* bare address */
	const char		*from_name;	/* display name (the ISP), may be NULL */
	const char		*to;		/* bare address */
	const char		*subject;	/* UTF-8 */
	const char		*text;		/* UTF-8, '\n' line ends */
	const char		*html;		/* optional */
	const char		*message_id;	/* without the angle brackets */
	long long		 date;		/* epoch seconds */
	const struct mail_att	*att;
	size_t			 natt;
};

enum mail_msg_rc {
	MAIL_MSG_OK = 0,
	MAIL_MSG_EINPUT = -1,	/* an address or header value with CR, LF or a bad character */
	MAIL_MSG_ENOMEM = -2,
};

/* Build the whole message into out (appended). */
int	mail_build(const struct mail_msg *, struct buf *out);
/* A header value safe to send: printable, no CR or LF; 1 yes, 0 no. */
int	mail_addr_ok(const char *);
/* "Mon, 07 Dec 2026 12:40:33 +0000" into out[40]. */
void	mail_date(long long t, char out[40]);
/*
 * Seconds to wait after the attempts-th failed try (attempts >= 1):
 * base * 2^(attempts-1), at most max.
 */
long long mail_backoff(long long attempts, long long base, long long max);
/*
 * Parse "7,3,1" (days, 1..365, at most max of them, no duplicates) into
 * days; 0 with *n set, or -1.
 */
int	mail_parse_days(const char *s, int *days, size_t max, size_t *n);

#endif
