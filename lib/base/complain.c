/* See complain.h. */
#include <stdarg.h>
#include <stdio.h>

#include "complain.h"
#include "log.h"

int
complaining(const struct complaint *c)
{
	return c->on;
}

int
complain(struct complaint *c, int64_t now, int64_t interval, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int start = !complaining(c);

	if (!start && (interval <= 0 || now - c->last < interval)) {
		c->quiet++;
		return 0;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (start) {
		c->on = 1;
		c->since = now;
		c->runs++;
		c->quiet = 0;
		log_warnx("%s", msg);
	} else if (c->quiet > 0)
		log_warnx("%s (%u more since)", msg, c->quiet);
	else
		log_warnx("%s", msg);
	c->last = now;
	c->quiet = 0;
	return 1;
}

int
complain_release(struct complaint *c, int64_t now, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!complaining(c))
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_info("%s after %lld", msg, (long long)(now - c->since));
	c->on = 0;
	c->quiet = 0;
	return 1;
}
