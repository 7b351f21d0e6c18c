/*
 * Formatting for the screens; see fmt.h.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fmt.h"
#include "money.h"
#include "util.h"

void
fmt_time(long long t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0) {
		snprintf(out, len, "never");
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(out, len, "%d %b %Y, %H:%M UTC", &tm);
}

void
fmt_date(long long t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, len, "%d %b %Y", &tm);
}

void
fmt_month(int year, int month, char *out, size_t len)
{
	struct tm tm = { .tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = 1 };

	strftime(out, len, "%B %Y", &tm);
}

void
fmt_ago(long long now, long long t, char *out, size_t len)
{
	long long d = now - t;

	if (t <= 0)
		snprintf(out, len, "never");
	else if (d < 0)
		snprintf(out, len, "just now");
	else if (d < 120)
		snprintf(out, len, "%lld s ago", d);
	else if (d < 7200)
		snprintf(out, len, "%lld min ago", d / 60);
	else if (d < 172800)
		snprintf(out, len, "%lld h ago", d / 3600);
	else
		snprintf(out, len, "%lld days ago", d / 86400);
}

void
fmt_bytes(long long b, char *out, size_t len)
{
	static const char *const u[] = { "bytes", "kB", "MB", "GB", "TB", "PB" };
	double v = (double)b;
	size_t i = 0;

	while (v >= 1000 && i + 1 < nitems(u)) {
		v /= 1000;
		i++;
	}
	if (i == 0)
		snprintf(out, len, "%lld bytes", b);
	else
		snprintf(out, len, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, u[i]);
}

void
fmt_kbps(long long k, char *out, size_t len)
{
	if (k == 0)
		snprintf(out, len, "not set");
	else if (k >= 1000000 && k % 1000 == 0)
		snprintf(out, len, "%.3g Gbit/s", (double)k / 1e6);
	else if (k >= 1000)
		snprintf(out, len, "%.4g Mbit/s", (double)k / 1e3);
	else
		snprintf(out, len, "%lld kbit/s", k);
}

void
fmt_money(long long minor, const char *cur, char *out, size_t len)
{
	if (money_format(minor, cur, out, len) < 0)
		snprintf(out, len, "%lld", minor);
}

void
fmt_money_cur(long long minor, const char *cur, char *out, size_t len)
{
	char a[48];

	fmt_money(minor, cur, a, sizeof(a));
	snprintf(out, len, "%s %s", a, cur);
}

void
fmt_group(long long n, char *out, size_t len)
{
	char d[32];
	size_t dl, o = 0;
	int neg = n < 0;

	if (len == 0)
		return;
	snprintf(d, sizeof(d), "%llu", neg ? 0ULL - (unsigned long long)n : (unsigned long long)n);
	dl = strlen(d);
	if (neg && o + 1 < len)
		out[o++] = '-';
	for (size_t i = 0; i < dl && o + 1 < len; i++) {
		if (i > 0 && (dl - i) % 3 == 0 && o + 1 < len)
			out[o++] = ',';
		if (o + 1 < len)
			out[o++] = d[i];
	}
	out[o] = '\0';
}

void
fmt_bp(long long bp, char *out, size_t len)
{
	snprintf(out, len, "%lld.%02lld %%", bp / 100, bp % 100);
}

void
fmt_list_add(char *out, size_t len, size_t *off, const char *item)
{
	if (*off < len)
		*off += (size_t)snprintf(out + *off, len - *off, "%s%s", *off ? ", " : "", item);
}
