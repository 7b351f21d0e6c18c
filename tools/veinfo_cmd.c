/*
 * Parser of veinfo commands and answers from the VE's document; see
 * veinfo_cmd.h.  The line is untrusted: it is cut into at most MAXWORDS
 * (pointer, length) words without copying, and each word is compared
 * against the phrase table below, where a few marker words stand for
 * arguments.  Nothing here allocates except appending to the caller's
 * buffer.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "veinfo_cmd.h"

#define MAXWORDS	16

/* Markers in the phrase table. */
#define W_INDEX	"#"	/* 1..VEINFO_INDEX_MAX */
#define W_WHEN	"@"	/* ddmmyyyyhhmm */
#define W_COUNT	"N"	/* 1..VEINFO_COUNT_MAX */
#define W_UNIT	"U"	/* minute(s), hour(s), day(s) */

static const struct phrase {
	const char		*words;
	enum veinfo_kind	 kind;
	enum veinfo_metric	 metric;
} phrases[] = {
	{ "ip address ranges number", VI_IP_COUNT, 0 },
	{ "ip address #", VI_IP_ADDRESS, 0 },
	{ "ip netmask #", VI_IP_NETMASK, 0 },
	{ "ip default gateway", VI_GATEWAY, 0 },
	{ "dns server #", VI_DNS_SERVER, 0 },
	{ "user information", VI_USER_INFO, 0 },
	{ "disk quota", VI_DISK_QUOTA, 0 },
	{ "cpu quota", VI_CPU_QUOTA, 0 },
	{ "virtual memory quota", VI_VMEM_QUOTA, 0 },
	{ "network bandwidth quota", VI_BW_QUOTA, 0 },
	{ "network inbound bandwidth quota", VI_BW_IN_QUOTA, 0 },
	{ "network outbound bandwidth quota", VI_BW_OUT_QUOTA, 0 },
	{ "network traffic quota", VI_TRAFFIC_QUOTA, 0 },
	{ "network inbound traffic quota", VI_TRAFFIC_IN_QUOTA, 0 },
	{ "network outbound traffic quota", VI_TRAFFIC_OUT_QUOTA, 0 },
	{ "current disk usage", VI_DISK_USAGE, 0 },
	{ "current cpu usage", VI_CPU_USAGE, 0 },
	{ "current virtual memory usage", VI_VMEM_USAGE, 0 },
	{ "inbound traffic", VI_TRAFFIC_IN, 0 },
	{ "outbound traffic", VI_TRAFFIC_OUT, 0 },
	{ "overall traffic", VI_TRAFFIC_ALL, 0 },
	{ "disk usage history starting from @ in N U", VI_HISTORY, VM_DISK },
	{ "cpu usage history starting from @ in N U", VI_HISTORY, VM_CPU },
	{ "virtual memory usage history starting from @ in N U", VI_HISTORY, VM_VMEM },
	{ "inbound traffic history starting from @ in N U", VI_HISTORY, VM_NET_IN },
	{ "outbound traffic history starting from @ in N U", VI_HISTORY, VM_NET_OUT },
	{ "overall traffic history starting from @ in N U", VI_HISTORY, VM_NET_TOTAL },
};

static const char *const metric_names[VM__MAX] = {
	[VM_DISK] = "disk",
	[VM_CPU] = "cpu",
	[VM_VMEM] = "vmem",
	[VM_NET_IN] = "net_in",
	[VM_NET_OUT] = "net_out",
	[VM_NET_TOTAL] = "net_total",
};

static const struct {
	const char		*word;
	enum veinfo_unit	 unit;
} units[] = {
	{ "minute", VU_MINUTE }, { "minutes", VU_MINUTE },
	{ "hour", VU_HOUR }, { "hours", VU_HOUR },
	{ "day", VU_DAY }, { "days", VU_DAY },
};

static const char *const unit_steps[VU__MAX] = {
	[VU_MINUTE] = "minute",
	[VU_HOUR] = "hour",
	[VU_DAY] = "day",
};

struct word {
	const char	*p;
	size_t		 len;
};

const char *
veinfo_metric_name(enum veinfo_metric m)
{
	return (unsigned)m < VM__MAX ? metric_names[m] : "";
}

const char *
veinfo_unit_step(enum veinfo_unit u)
{
	return (unsigned)u < VU__MAX ? unit_steps[u] : "";
}

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Cut the line into words; -1 when there are more than MAXWORDS. */
static int
split(const char *s, size_t len, struct word *w, size_t *nw)
{
	size_t i = 0;

	*nw = 0;
	while (i < len) {
		while (i < len && blank(s[i]))
			i++;
		if (i == len)
			break;
		if (*nw == MAXWORDS)
			return -1;
		w[*nw].p = s + i;
		while (i < len && !blank(s[i]))
			i++;
		w[*nw].len = (size_t)(s + i - w[*nw].p);
		(*nw)++;
	}
	return 0;
}

static int
word_is(const struct word *w, const char *lit, size_t litlen)
{
	return w->len == litlen && strncasecmp(w->p, lit, litlen) == 0;
}

static int
leap(long long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
veinfo_parse_when(const char *s, size_t len, long long *t)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long long d, mo, y, h, mi;
	int dim;

	if (len != 12 || vep_digits(s, 2, &d) || vep_digits(s + 2, 2, &mo) ||
	    vep_digits(s + 4, 4, &y) || vep_digits(s + 8, 2, &h) || vep_digits(s + 10, 2, &mi))
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || h > 23 || mi > 59)
		return -1;
	dim = mdays[mo - 1] + (mo == 2 && leap(y));
	if (d < 1 || d > dim)
		return -1;
	*t = vep_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60;
	return 0;
}

/* Does the command's words match phrase p?  Fills out's arguments. */
static int
match(const struct phrase *p, const struct word *w, size_t nw, struct veinfo_cmd *out)
{
	const char *pw = p->words, *e;
	const char *errstr;
	size_t i = 0, n;

	for (; *pw != '\0'; pw = *e == ' ' ? e + 1 : e, i++) {
		e = strchr(pw, ' ');
		if (e == NULL)
			e = pw + strlen(pw);
		n = (size_t)(e - pw);
		if (i == nw)
			return 0;
		if (n == 1 && *pw == W_INDEX[0]) {
			out->n = vep_strtonum_n(w[i].p, w[i].len, 1, VEINFO_INDEX_MAX, &errstr);
			if (errstr != NULL)
				return -1;
		} else if (n == 1 && *pw == W_COUNT[0]) {
			out->count = vep_strtonum_n(w[i].p, w[i].len, 1, VEINFO_COUNT_MAX, &errstr);
			if (errstr != NULL)
				return -1;
		} else if (n == 1 && *pw == W_WHEN[0]) {
			if (veinfo_parse_when(w[i].p, w[i].len, &out->from) == -1)
				return -1;
		} else if (n == 1 && *pw == W_UNIT[0]) {
			size_t u;
			for (u = 0; u < nitems(units); u++)
				if (word_is(&w[i], units[u].word, strlen(units[u].word)))
					break;
			if (u == nitems(units))
				return -1;
			out->unit = units[u].unit;
		} else if (!word_is(&w[i], pw, n))
			return 0;
	}
	if (i != nw)
		return 0;
	out->kind = p->kind;
	out->metric = p->metric;
	return 1;
}

int
veinfo_parse(const char *line, size_t len, struct veinfo_cmd *out)
{
	struct word w[MAXWORDS];
	size_t nw, off = 0, i;
	int rc;

	memset(out, 0, sizeof(*out));
	if (line == NULL || len > VEINFO_LINE_MAX || memchr(line, '\0', len) != NULL)
		return -1;
	if (split(line, len, w, &nw) == -1 || nw == 0)
		return -1;
	if (word_is(&w[0], "veid", 4)) {
		if (nw < 3 || w[1].len != 8)
			return -1;
		for (i = 0; i < 8; i++) {
			char c = w[1].p[i];
			if (c >= 'a' && c <= 'f')
				c = (char)(c - 'a' + 'A');
			else if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
				return -1;
			out->ve_id[i] = c;
		}
		out->ve_id[8] = '\0';
		off = 2;
	}
	/*
	 * A phrase that matches its words but not its arguments ("IP address
	 * 0") is an error at once: no other phrase could take those words.
	 */
	for (i = 0; i < nitems(phrases); i++) {
		if ((rc = match(&phrases[i], w + off, nw - off, out)) == 1)
			return 0;
		if (rc == -1)
			break;
	}
	memset(out, 0, sizeof(*out));
	return -1;
}

void
veinfo_ve_clear(struct veinfo_ve *v)
{
	memset(v, 0, sizeof(*v));
	v->user_info = NULL;
	v->disk_quota_mb = v->cpu_min_bogomips = v->mem_max_mb = -1;
	v->bw_min_kbps = v->bw_in_min_kbps = v->bw_out_min_kbps = -1;
	v->quota_max_mb = v->quota_in_max_mb = v->quota_out_max_mb = -1;
	v->disk_bytes = v->cpu_bogomips = v->vmem_mb = -1;
	v->net_in_bytes = v->net_out_bytes = v->net_total_bytes = -1;
}

/* Append v * k and a newline; -1 when v is absent or the product overflows. */
static int
put_scaled(struct buf *out, long long v, long long k)
{
	long long r;

	if (v < 0 || __builtin_mul_overflow(v, k, &r))
		return -1;
	return buf_printf(out, "%lld\n", r);
}

/* Append the element n (1-based) of a list of addresses. */
static int
put_nth(struct buf *out, const char (*list)[VEINFO_ADDRLEN], size_t len, long long n)
{
	if (n < 1 || (unsigned long long)n > len || list[n - 1][0] == '\0')
		return -1;
	return buf_printf(out, "%s\n", list[n - 1]);
}

/*
 * The user's text on one line: control characters (a newline, an escape
 * sequence aimed at the reader's terminal) become spaces.
 */
static int
put_text(struct buf *out, const char *s)
{
	if (s == NULL)
		return -1;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char ch = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
		if (buf_append(out, &ch, 1) == -1)
			return -1;
	}
	return buf_append(out, "\n", 1);
}

static int
answer(const struct veinfo_cmd *c, const struct veinfo_ve *v, struct buf *out)
{
	switch (c->kind) {
	case VI_IP_COUNT:
		return v->nip == 0 ? -1 : buf_printf(out, "%zu\n", v->nip);
	case VI_IP_ADDRESS:
		return put_nth(out, v->ip, v->nip, c->n);
	case VI_IP_NETMASK:
		return put_nth(out, v->mask, v->nip, c->n);
	case VI_GATEWAY:
		return put_nth(out, &v->gateway, 1, 1);
	case VI_DNS_SERVER:
		return put_nth(out, v->dns, v->ndns, c->n);
	case VI_USER_INFO:
		return put_text(out, v->user_info);
	case VI_DISK_QUOTA:
		return put_scaled(out, v->disk_quota_mb, 1000000);
	case VI_CPU_QUOTA:
		return put_scaled(out, v->cpu_min_bogomips, 1);
	case VI_VMEM_QUOTA:
		return put_scaled(out, v->mem_max_mb, 1);
	/* The order's minimum bandwidth; kbit/s to bytes/s is 1000 / 8. */
	case VI_BW_QUOTA:
		return put_scaled(out, v->bw_min_kbps, 125);
	case VI_BW_IN_QUOTA:
		return put_scaled(out, v->bw_in_min_kbps, 125);
	case VI_BW_OUT_QUOTA:
		return put_scaled(out, v->bw_out_min_kbps, 125);
	/* The order's maximum traffic; 1 MB = 10^6 bytes. */
	case VI_TRAFFIC_QUOTA:
		return put_scaled(out, v->quota_max_mb, 1000000);
	case VI_TRAFFIC_IN_QUOTA:
		return put_scaled(out, v->quota_in_max_mb, 1000000);
	case VI_TRAFFIC_OUT_QUOTA:
		return put_scaled(out, v->quota_out_max_mb, 1000000);
	case VI_DISK_USAGE:
		return put_scaled(out, v->disk_bytes, 1);
	case VI_CPU_USAGE:
		return put_scaled(out, v->cpu_bogomips, 1);
	case VI_VMEM_USAGE:
		return put_scaled(out, v->vmem_mb, 1);
	case VI_TRAFFIC_IN:
		return put_scaled(out, v->net_in_bytes, 1);
	case VI_TRAFFIC_OUT:
		return put_scaled(out, v->net_out_bytes, 1);
	case VI_TRAFFIC_ALL:
		return put_scaled(out, v->net_total_bytes, 1);
	case VI_HISTORY:
	case VI__KINDS:
		break;
	}
	return -1;
}

int
veinfo_answer(const struct veinfo_cmd *c, const struct veinfo_ve *v, struct buf *out)
{
	size_t len = out->len;

	if (answer(c, v, out) == 0)
		return 0;
	/* Nothing of a failed answer is left behind. */
	if (out->data != NULL) {
		out->len = len;
		out->data[len] = '\0';
	}
	return -1;
}
