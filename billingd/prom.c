/*
 * The strict parser of a node agent's answer; see prom.h for the contract.
 * One pass over the lines: every read is bounded by the line's end, numbers
 * go through vep_parse_fixed (never a double), each VE is found through a
 * small open-addressing hash keyed by its numeric id.  After the pass the
 * set is checked for completeness (every VE has all its series, every
 * address both directions) and the addresses are grouped by VE.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "prom.h"

#define NONE		UINT32_MAX
#define MAX_LABELS	32
#define MAX_VALUE	((uint64_t)INT64_MAX)

enum lset { L_NONE, L_VE, L_VE_IP };

enum metric {
	M_AGENT_START,
	M_BOGOMIPS,
	M_VE_START,
	M_CPU_USER,
	M_CPU_SYS,
	M_VMEM,
	M_DISK,
	M_RX,
	M_TX,
	M_VE_STATE,
	M_VE_UP,
	M__MAX
};

/* The series of SPEC section 7 (and the availability pair): name, labels, decimals. */
static const struct {
	const char	*name;
	size_t		 len;
	enum lset	 labels;
	int		 scale;
	unsigned	 bit;	/* PROM_HAVE_* of a VE or an address */
} metrics[M__MAX] = {
	[M_AGENT_START] = { "veagent_start_time_seconds", 26, L_NONE, 6, 0 },
	[M_BOGOMIPS] = { "node_cpu_bogomips", 17, L_NONE, 2, 0 },
	[M_VE_START] = { "ve_start_time_seconds", 21, L_VE, 6, PROM_HAVE_START },
	[M_CPU_USER] = { "ve_cpu_user_seconds_total", 25, L_VE, 6, PROM_HAVE_USER },
	[M_CPU_SYS] = { "ve_cpu_system_seconds_total", 27, L_VE, 6, PROM_HAVE_SYS },
	[M_VMEM] = { "ve_memory_virtual_bytes", 23, L_VE, 0, PROM_HAVE_VMEM },
	[M_DISK] = { "ve_disk_used_bytes", 18, L_VE, 0, PROM_HAVE_DISK },
	[M_RX] = { "ve_network_receive_bytes_total", 30, L_VE_IP, 0, PROM_HAVE_RX },
	[M_TX] = { "ve_network_transmit_bytes_total", 31, L_VE_IP, 0, PROM_HAVE_TX },
	[M_VE_STATE] = { "ve_state", 8, L_VE, 0, PROM_HAVE_STATE },
	[M_VE_UP] = { "ve_up", 5, L_VE, 0, PROM_HAVE_UP },
};

/* One parsed sample line, pointing into the caller's buffer. */
struct line {
	const char	*name;
	size_t		 namelen;
	struct {
		const char	*k, *v;
		size_t		 klen, vlen;
		int		 escaped;
	}		 lab[MAX_LABELS];
	size_t		 nlab;
	const char	*val;
	size_t		 vallen;
	int		 has_ts;
};

static int
fail(char *err, size_t errlen, size_t lineno, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (lineno > 0)
		n = snprintf(err, errlen, "line %zu: ", lineno);
	if (n < 0 || (size_t)n >= errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

void
prom_init(struct prom_set *s)
{
	memset(s, 0, sizeof(*s));
}

void
prom_free(struct prom_set *s)
{
	free(s->ve);
	free(s->ip);
	free(s->iptmp);
	free(s->idx.slot);
	prom_init(s);
}

void
prom_ve_name(uint32_t id, char out[9])
{
	static const char hex[] = "0123456789ABCDEF";
	for (int i = 7; i >= 0; i--) {
		out[i] = hex[id & 0xf];
		id >>= 4;
	}
	out[8] = '\0';
}

int
prom_ve_parse(const char *s, size_t len, uint32_t *id)
{
	uint32_t v = 0;

	if (len != 8)
		return -1;
	for (size_t i = 0; i < 8; i++) {
		unsigned d;
		if (s[i] >= '0' && s[i] <= '9')
			d = (unsigned)(s[i] - '0');
		else if (s[i] >= 'A' && s[i] <= 'F')
			d = (unsigned)(s[i] - 'A' + 10);
		else
			return -1;
		v = v << 4 | d;
	}
	*id = v;
	return 0;
}

int
prom_ip_parse(const char *s, size_t len, uint8_t addr[16])
{
	char tmp[PROM_IPSTRLEN];
	struct in_addr a4;

	if (len == 0 || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (inet_pton(AF_INET, tmp, &a4) == 1) {
		memset(addr, 0, 10);
		addr[10] = addr[11] = 0xff;
		memcpy(addr + 12, &a4, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, tmp, addr) == 1)
		return 0;
	return -1;
}

void
prom_ip_name(const uint8_t addr[16], char out[PROM_IPSTRLEN])
{
	static const uint8_t v4mapped[12] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };

	if (memcmp(addr, v4mapped, sizeof(v4mapped)) == 0)
		inet_ntop(AF_INET, addr + 12, out, PROM_IPSTRLEN);
	else
		inet_ntop(AF_INET6, addr, out, PROM_IPSTRLEN);
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
name_char(char c, int first, int colon)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return 1;
	if (colon && c == ':')
		return 1;
	return !first && c >= '0' && c <= '9';
}

/*
 * Split one line [p, e) into name, labels, value and timestamp.
 * Returns 1 for a sample, 0 for a blank or comment line, -1 on error.
 */
static int
split_line(const char *p, const char *e, struct line *l, const char **why)
{
	while (p < e && is_blank(*p))
		p++;
	if (p == e || *p == '#')
		return 0;
	l->name = p;
	if (!name_char(*p, 1, 1)) {
		*why = "metric name expected";
		return -1;
	}
	while (p < e && name_char(*p, 0, 1))
		p++;
	l->namelen = (size_t)(p - l->name);
	l->nlab = 0;
	if (p < e && *p == '{') {
		p++;
		while (p < e && *p != '}') {
			const char *k = p;
			if (l->nlab == MAX_LABELS) {
				*why = "too many labels";
				return -1;
			}
			if (!name_char(*p, 1, 0)) {
				*why = "label name expected";
				return -1;
			}
			while (p < e && name_char(*p, 0, 0))
				p++;
			l->lab[l->nlab].k = k;
			l->lab[l->nlab].klen = (size_t)(p - k);
			if (e - p < 2 || p[0] != '=' || p[1] != '"') {
				*why = "expected =\" after a label name";
				return -1;
			}
			p += 2;
			l->lab[l->nlab].v = p;
			l->lab[l->nlab].escaped = 0;
			for (;;) {
				if (p == e) {
					*why = "unterminated label value";
					return -1;
				}
				if (*p == '"')
					break;
				if (*p == '\\') {
					if (e - p < 2 || (p[1] != '\\' && p[1] != '"' && p[1] != 'n')) {
						*why = "bad escape in a label value";
						return -1;
					}
					l->lab[l->nlab].escaped = 1;
					p++;
				}
				p++;
			}
			l->lab[l->nlab].vlen = (size_t)(p - l->lab[l->nlab].v);
			p++;	/* closing quote */
			for (size_t i = 0; i < l->nlab; i++)
				if (l->lab[i].klen == l->lab[l->nlab].klen &&
				    memcmp(l->lab[i].k, k, l->lab[i].klen) == 0) {
					*why = "label given twice";
					return -1;
				}
			l->nlab++;
			if (p < e && *p == ',')
				p++;
			else if (p < e && *p != '}') {
				*why = "expected , or } after a label";
				return -1;
			}
		}
		if (p == e) {
			*why = "unterminated label set";
			return -1;
		}
		p++;	/* '}' */
	}
	if (p == e || !is_blank(*p)) {
		*why = "expected a blank before the value";
		return -1;
	}
	while (p < e && is_blank(*p))
		p++;
	l->val = p;
	while (p < e && !is_blank(*p))
		p++;
	l->vallen = (size_t)(p - l->val);
	if (l->vallen == 0) {
		*why = "value missing";
		return -1;
	}
	while (p < e && is_blank(*p))
		p++;
	l->has_ts = 0;
	if (p < e) {
		const char *ts = p, *es;
		while (p < e && !is_blank(*p))
			p++;
		vep_strtonum_n(ts, (size_t)(p - ts), INT64_MIN, INT64_MAX, &es);
		if (es != NULL) {
			*why = "bad timestamp";
			return -1;
		}
		l->has_ts = 1;
		while (p < e && is_blank(*p))
			p++;
		if (p < e) {
			*why = "trailing text after the timestamp";
			return -1;
		}
	}
	return 1;
}

/* The value of a known series as an integer scaled by 10^scale. */
static int
value(const struct line *l, int scale, uint64_t *out, const char **why)
{
	const char *dot = memchr(l->val, '.', l->vallen);

	if (dot != NULL && (size_t)(l->val + l->vallen - dot - 1) > (size_t)scale) {
		*why = scale == 0 ? "a whole number expected" : "too many decimals";
		return -1;
	}
	if (vep_parse_fixed(l->val, l->vallen, scale, out) == -1) {
		*why = "malformed or out-of-range number";
		return -1;
	}
	if (*out > MAX_VALUE) {
		*why = "number too large";
		return -1;
	}
	return 0;
}

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	return vep_grow(p, cap, need, size, 64);
}

long
prom_find(const struct prom_set *s, uint32_t id)
{
	return vep_idx_find(&s->idx, s->ve, sizeof(*s->ve), offsetof(struct prom_ve, id), id);
}

/* The VE with this id, added when new; NULL when out of memory. */
static struct prom_ve *
ve_get(struct prom_set *s, uint32_t id)
{
	long i = prom_find(s, id);
	struct prom_ve *v;

	if (i >= 0)
		return &s->ve[i];
	if (grow((void **)&s->ve, &s->cve, s->nve + 1, sizeof(*s->ve)) == -1)
		return NULL;
	if ((s->nve + 1) * 2 > s->idx.nslot &&
	    vep_idx_rehash(&s->idx, s->idx.nslot ? s->idx.nslot * 2 : 256, s->ve, s->nve,
	    sizeof(*s->ve), offsetof(struct prom_ve, id)) == -1)
		return NULL;
	v = &s->ve[s->nve];
	memset(v, 0, sizeof(*v));
	v->id = id;
	v->active = 1;
	v->ip_off = NONE;
	v->ip_last = NONE;
	vep_idx_put(&s->idx, id, s->nve);
	s->nve++;
	return v;
}

static struct prom_ip *
ip_get(struct prom_set *s, struct prom_ve *v, const uint8_t addr[16], const char **why)
{
	struct prom_ip *ip;

	for (uint32_t i = v->ip_off; i != NONE; i = s->ip[i].next)
		if (memcmp(s->ip[i].addr, addr, 16) == 0)
			return &s->ip[i];
	if (v->nip == PROM_MAX_IPS) {
		*why = "too many addresses for one VE";
		return NULL;
	}
	if (grow((void **)&s->ip, &s->cip, s->nip + 1, sizeof(*s->ip)) == -1) {
		*why = "out of memory";
		return NULL;
	}
	ip = &s->ip[s->nip];
	memset(ip, 0, sizeof(*ip));
	memcpy(ip->addr, addr, 16);
	ip->ve = (uint32_t)(v - s->ve);
	ip->next = NONE;
	if (v->ip_last == NONE)
		v->ip_off = (uint32_t)s->nip;
	else
		s->ip[v->ip_last].next = (uint32_t)s->nip;
	v->ip_last = (uint32_t)s->nip;
	v->nip++;
	s->nip++;
	return ip;
}

static enum metric
lookup(const struct line *l)
{
	for (int m = 0; m < M__MAX; m++)
		if (metrics[m].len == l->namelen &&
		    memcmp(metrics[m].name, l->name, l->namelen) == 0)
			return (enum metric)m;
	return M__MAX;
}

/* Store one sample of a known series. */
static int
known(struct prom_set *s, enum metric m, const struct line *l, unsigned *seen,
    const char **why)
{
	const char *vev = NULL, *ipv = NULL;
	size_t vel = 0, ipl = 0, want;
	uint64_t x;
	uint32_t id;
	uint8_t addr[16];
	struct prom_ve *v;
	struct prom_ip *ip;

	if (l->has_ts) {
		*why = "timestamps are not part of the agent protocol";
		return -1;
	}
	want = metrics[m].labels == L_NONE ? 0 : metrics[m].labels == L_VE ? 1 : 2;
	for (size_t i = 0; i < l->nlab; i++) {
		if (l->lab[i].klen == 2 && memcmp(l->lab[i].k, "ve", 2) == 0 &&
		    metrics[m].labels != L_NONE) {
			vev = l->lab[i].v;
			vel = l->lab[i].escaped ? 0 : l->lab[i].vlen;
		} else if (l->lab[i].klen == 2 && memcmp(l->lab[i].k, "ip", 2) == 0 &&
		    metrics[m].labels == L_VE_IP) {
			ipv = l->lab[i].v;
			ipl = l->lab[i].escaped ? 0 : l->lab[i].vlen;
		} else {
			*why = "unexpected label";
			return -1;
		}
	}
	if (l->nlab != want) {
		*why = want == 2 ? "labels ve and ip required" : "label ve required";
		if (want == 0)
			*why = "no labels expected";
		return -1;
	}
	if (value(l, metrics[m].scale, &x, why) == -1)
		return -1;

	if (metrics[m].labels == L_NONE) {
		if (*seen & 1u << m) {
			*why = "series given twice";
			return -1;
		}
		*seen |= 1u << m;
		if (m == M_AGENT_START)
			s->agent_start_us = x;
		else
			s->bogomips_c = x;
		return 0;
	}
	if (prom_ve_parse(vev, vel, &id) == -1) {
		*why = "ve label is not 8 upper-case hex digits";
		return -1;
	}
	if ((v = ve_get(s, id)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	if (metrics[m].labels == L_VE) {
		if (v->have & metrics[m].bit) {
			*why = "series given twice";
			return -1;
		}
		if ((m == M_VE_STATE || m == M_VE_UP) && x > 1) {
			*why = "0 or 1 expected";
			return -1;
		}
		v->have |= metrics[m].bit;
		switch (m) {
		case M_VE_STATE:	v->active = (uint8_t)x; break;
		case M_VE_UP:		v->up = (uint8_t)x; break;
		case M_VE_START:	v->start_us = x; break;
		case M_CPU_USER:	v->cpu_user_us = x; break;
		case M_CPU_SYS:		v->cpu_sys_us = x; break;
		case M_VMEM:		v->vmem = x; break;
		default:		v->disk = x; break;
		}
		return 0;
	}
	if (prom_ip_parse(ipv, ipl, addr) == -1) {
		*why = "ip label is not an address";
		return -1;
	}
	if ((ip = ip_get(s, v, addr, why)) == NULL)
		return -1;
	if (ip->have & metrics[m].bit) {
		*why = "series given twice";
		return -1;
	}
	ip->have |= metrics[m].bit;
	if (m == M_RX)
		ip->rx = x;
	else
		ip->tx = x;
	return 0;
}

/* Completeness, then the addresses of each VE made contiguous. */
static int
finish(struct prom_set *s, unsigned seen, char *err, size_t errlen)
{
	char name[9];
	size_t k = 0;

	if (!(seen & 1u << M_AGENT_START))
		return fail(err, errlen, 0, "veagent_start_time_seconds missing");
	for (size_t i = 0; i < s->nve; i++) {
		unsigned c = s->ve[i].have & PROM_HAVE_ALL;

		/* All counters, or none and ve_up (known, not running, no addresses). */
		if (c != PROM_HAVE_ALL && (c != 0 || s->ve[i].nip > 0 ||
		    !(s->ve[i].have & PROM_HAVE_UP))) {
			prom_ve_name(s->ve[i].id, name);
			return fail(err, errlen, 0, "VE %s: series missing", name);
		}
	}
	for (size_t i = 0; i < s->nip; i++)
		if (s->ip[i].have != (PROM_HAVE_RX | PROM_HAVE_TX)) {
			prom_ve_name(s->ve[s->ip[i].ve].id, name);
			return fail(err, errlen, 0, "VE %s: receive and transmit "
			    "expected for each address", name);
		}
	if (s->nip == 0)
		return 0;
	if (s->ctmp < s->cip) {
		void *t = realloc(s->iptmp, s->cip * sizeof(*s->iptmp));
		if (t == NULL)
			return fail(err, errlen, 0, "out of memory");
		s->iptmp = t;
		s->ctmp = s->cip;
	}
	for (size_t i = 0; i < s->nve; i++) {
		uint32_t j = s->ve[i].ip_off;
		s->ve[i].ip_off = (uint32_t)k;
		for (; j != NONE; j = s->ip[j].next)
			s->iptmp[k++] = s->ip[j];
	}
	{
		struct prom_ip *t = s->ip;
		size_t c = s->cip;
		s->ip = s->iptmp;
		s->cip = s->ctmp;
		s->iptmp = t;
		s->ctmp = c;
	}
	for (size_t i = 0; i < s->nip; i++)
		s->ip[i].next = NONE;
	return 0;
}

int
prom_parse(struct prom_set *s, const char *buf, size_t len, char *err, size_t errlen)
{
	const char *p = buf, *end = buf + len, *nl;
	struct line l;
	const char *why = NULL;
	unsigned seen = 0;
	size_t lineno = 0;

	s->nve = s->nip = 0;
	s->unknown = 0;
	s->lines = 0;
	s->agent_start_us = 0;
	s->bogomips_c = 0;
	if (s->idx.nslot > 0)
		memset(s->idx.slot, 0, s->idx.nslot * sizeof(*s->idx.slot));
	if (len > 0 && buf[len - 1] != '\n')
		return fail(err, errlen, 0, "answer does not end with a newline");
	for (; p < end; p = nl + 1) {
		enum metric m;
		int r;

		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (memchr(p, '\0', (size_t)(nl - p)) != NULL || memchr(p, '\r', (size_t)(nl - p)) != NULL)
			return fail(err, errlen, lineno, "NUL or CR in the answer");
		if ((r = split_line(p, nl, &l, &why)) == -1)
			return fail(err, errlen, lineno, "%s", why);
		if (r == 0)
			continue;
		s->lines++;
		if ((m = lookup(&l)) == M__MAX) {
			s->unknown++;
			continue;
		}
		if (known(s, m, &l, &seen, &why) == -1)
			return fail(err, errlen, lineno, "%s: %s", metrics[m].name, why);
	}
	return finish(s, seen, err, errlen);
}
