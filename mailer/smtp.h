/*
 * Handing one message to the SMTP relay of [mail] with libcurl: STARTTLS
 * when the server offers it (CURLUSESSL_TRY; smtps:// URLs are TLS from
 * the start), AUTH when [mail] user is set, connect and whole-transfer
 * timeouts.  The relay's answer is reported as one line for last_error.
 */
#ifndef VEP_MAILER_SMTP_H
#define VEP_MAILER_SMTP_H

#include <stddef.h>

struct smtp_conf {
	const char	*url;		/* smtp://host:port */
	const char	*user;		/* "" or NULL: no AUTH */
	const char	*password;
	const char	*from;
	long		 connect_timeout_s, timeout_s;
};

/* 0 when the relay accepted msg for rcpt; -1 with why in err. */
int	smtp_send(const struct smtp_conf *, const char *rcpt, const char *msg, size_t len,
	    char *err, size_t errlen);

#endif
