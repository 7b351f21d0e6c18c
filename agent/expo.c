/*
 * Prometheus writer.  It runs for every scrape (billingd asks each second),
 * so numbers are formatted by hand instead of through printf: a scrape of
 * 5000 VEs is tens of thousands of lines.  Families are written whole, one
 * after the other, as format 0.0.4 requires; CPU seconds carry exactly six
 * decimals so billingd can read them back as integer microseconds.
 * A VE that is known but not running (its counters absent) still has its
 * ve_state and ve_up lines: "down" is a measurement billingd needs.
 */
#include <stddef.h>
#include <string.h>

#include "expo.h"

/* The decimal digits of v at p; their number. */
static size_t
put_u64(char *p, uint64_t v)
{
	size_t n = 1;

	for (uint64_t t = v; t >= 10; t /= 10)
		n++;
	for (size_t i = n; i-- > 0; v /= 10)
		p[i] = (char)('0' + v % 10);
	return n;
}

/* v / 10^scale with exactly `scale` decimals. */
static size_t
put_fixed(char *p, uint64_t v, int scale)
{
	uint64_t div = 1;
	size_t n;

	for (int i = 0; i < scale; i++)
		div *= 10;
	n = put_u64(p, v / div);
	p[n++] = '.';
	{
		uint64_t f = v % div;
		for (int i = scale - 1; i >= 0; i--) {
			p[n + (size_t)i] = (char)('0' + f % 10);
			f /= 10;
		}
	}
	return n + (size_t)scale;
}

static size_t
put_str(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return n;
}

static size_t
put_ip(char *p, uint32_t a)
{
	size_t n = 0;

	for (int sh = 24; sh >= 0; sh -= 8) {
		n += put_u64(p + n, (a >> sh) & 0xff);
		if (sh > 0)
			p[n++] = '.';
	}
	return n;
}

static void
family(struct buf *b, const char *name, const char *type, const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

enum val_kind { V_INT, V_SEC6, V_PER_IP, V_SIGNED };

#define LINE_MAX_LEN	256	/* longest sample line: name, two labels, 20 digits */
#define PUT_LIT(p, lit)	(memcpy((p), (lit), sizeof(lit) - 1), sizeof(lit) - 1)
#define LIT_ARGS(lit)	(lit), sizeof(lit) - 1	/* a name and its length */

/*
 * Where to write the next line of up to need bytes, straight into the
 * buffer (a scrape writes tens of thousands of lines: no staging copy).
 * NULL when the buffer cannot grow.
 */
static char *
room(struct buf *b, size_t need)
{
	static const char pad[LINE_MAX_LEN];

	if (b->cap <= b->len + need + 1) {
		size_t len = b->len;

		if (buf_append(b, pad, need) == -1)
			return NULL;
		b->len = len;
	}
	return b->data + b->len;
}

static void
commit(struct buf *b, size_t n)
{
	b->len += n;
	b->data[b->len] = '\0';
}

/*
 * name{ve="ID"} value, or name{ve="ID",ip="A.B.C.D"} value when ip is not
 * NULL; V_SIGNED: val is an int64_t.
 */
static void
ve_line(struct buf *b, const char *name, size_t nl, const struct ve *v, const uint32_t *ip,
    uint64_t val, enum val_kind k)
{
	char *line = room(b, LINE_MAX_LEN);
	size_t n;

	if (line == NULL)
		return;
	memcpy(line, name, nl);
	n = nl;
	n += PUT_LIT(line + n, "{ve=\"");
	memcpy(line + n, v->spec.id, VE_ID_LEN);
	n += VE_ID_LEN;
	if (ip != NULL) {
		n += PUT_LIT(line + n, "\",ip=\"");
		n += put_ip(line + n, *ip);
	}
	n += PUT_LIT(line + n, "\"} ");
	if (k == V_SEC6)
		n += put_fixed(line + n, val, 6);
	else if (k == V_SIGNED && (int64_t)val < 0) {	/* as printf's %lld */
		line[n++] = '-';
		n += put_u64(line + n, 0 - val);
	} else
		n += put_u64(line + n, val);
	line[n++] = '\n';
	commit(b, n);
}

/* name{ve="ID",ip="A.B.C.D"} value, one line per address */
static void
ip_lines(struct buf *b, const char *name, size_t nl, const struct ve *v, int tx)
{
	for (size_t i = 0; i < v->spec.nips; i++)
		ve_line(b, name, nl, v, &v->spec.ips[i], tx ? v->s.tx_bytes[i] : v->s.rx_bytes[i],
		    V_INT);
}

enum fam {
	F_START, F_USER, F_SYS, F_VMEM, F_DISK, F_RX, F_TX,
	F_RSS, F_PROCS, F_THROTTLED, F_STATE, F_UP, F__MAX
};

#define SAMPLE(f)	offsetof(struct ve_sample, f)
#define COMPUTED	((size_t)-1)	/* not a uint64_t of ve_sample: see value() */

/* Per VE, one family after the other; off: its uint64_t in struct ve_sample. */
static const struct {
	const char	*name;
	const char	*type;
	const char	*help;
	enum val_kind	 kind;
	size_t		 off;
} fams[F__MAX] = {
	[F_START] = { "ve_start_time_seconds", "gauge",
	    "When the VE was (re)started; counters count from here.", V_SEC6, COMPUTED },
	[F_USER] = { "ve_cpu_user_seconds_total", "counter",
	    "CPU time of the VE's processes in user mode.", V_SEC6, SAMPLE(cpu_user_us) },
	[F_SYS] = { "ve_cpu_system_seconds_total", "counter",
	    "CPU time of the VE's processes in kernel mode.", V_SEC6, SAMPLE(cpu_sys_us) },
	[F_VMEM] = { "ve_memory_virtual_bytes", "gauge",
	    "Sum of the virtual memory sizes of the VE's processes.", V_INT, SAMPLE(vmem_bytes) },
	[F_DISK] = { "ve_disk_used_bytes", "gauge",
	    "Disk space used by the VE's root directory.", V_INT, SAMPLE(disk_bytes) },
	[F_RX] = { "ve_network_receive_bytes_total", "counter",
	    "Bytes received by the VE, per address.", V_PER_IP, COMPUTED },
	[F_TX] = { "ve_network_transmit_bytes_total", "counter",
	    "Bytes sent by the VE, per address.", V_PER_IP, COMPUTED },
	[F_RSS] = { "ve_memory_rss_bytes", "gauge",
	    "Sum of the resident set sizes of the VE's processes.", V_INT, SAMPLE(rss_bytes) },
	[F_PROCS] = { "ve_processes", "gauge",
	    "Processes in the VE.", V_INT, COMPUTED },
	[F_THROTTLED] = { "ve_cpu_throttled_seconds_total", "counter",
	    "Time the VE's processes were held back by a CPU limit.", V_SEC6,
	    SAMPLE(cpu_throttled_us) },
	[F_STATE] = { "ve_state", "gauge",
	    "1 when the VE is active, 0 when suspended.", V_INT, COMPUTED },
	[F_UP] = { "ve_up", "gauge",
	    "1 when the VE is running (its processes exist and are not frozen), 0 when not.",
	    V_INT, COMPUTED },
};

/* The value of family f for v (not for the per-address families). */
static uint64_t
value(int f, const struct ve *v)
{
	switch (f) {
	case F_START:
		return v->s.start_us > 0 ? (uint64_t)v->s.start_us : 0;
	case F_PROCS:
		return v->s.nprocs;
	case F_STATE:
		return v->spec.state == VE_ACTIVE ? 1 : 0;
	case F_UP:
		return v->s.run == VE_RUN_UP ? 1 : 0;
	default:
		return *(const uint64_t *)(const void *)((const char *)&v->s + fams[f].off);
	}
}

/* The node's backups (SPEC section 11): repository, successes, failures, per VE. */
static void
backup_lines(struct buf *b, const struct be_backup_stats *bk, struct ve *const *ves, size_t n)
{
	family(b, "veagent_backup_repo_bytes", "gauge",
	    "Bytes the node's backup repository holds (deduplicated, compressed).");
	buf_printf(b, "veagent_backup_repo_bytes %llu\n", bk->repo_bytes);
	family(b, "veagent_backups_total", "counter", "Backups made since the agent started.");
	buf_printf(b, "veagent_backups_total %llu\n", bk->ok);
	family(b, "veagent_backup_failures_total", "counter",
	    "Backups that failed since the agent started.");
	buf_printf(b, "veagent_backup_failures_total %llu\n", bk->failures);
	family(b, "ve_backup_last_success_seconds", "gauge",
	    "When the VE's last good backup (or its volume, before the first) was made.");
	/* One line per VE: by hand, as the other VE families. */
	for (size_t i = 0; i < n; i++)
		if (ves[i]->s.present && ves[i]->s.backup_at > 0)
			ve_line(b, LIT_ARGS("ve_backup_last_success_seconds"), ves[i], NULL,
			    (uint64_t)ves[i]->s.backup_at, V_INT);
	family(b, "ve_backup_failing", "gauge", "1 when the VE's last backup failed.");
	for (size_t i = 0; i < n; i++)
		if (ves[i]->s.present)
			ve_line(b, LIT_ARGS("ve_backup_failing"), ves[i], NULL,
			    (uint64_t)(int64_t)ves[i]->s.backup_failing, V_SIGNED);
}

int
expo_write_ves(struct buf *b, const struct expo_node *nd, struct ve *const *ves, size_t n)
{
	char line[128];
	size_t k;

	family(b, "veagent_start_time_seconds", "gauge", "When this agent started.");
	k = put_str(line, "veagent_start_time_seconds ");
	k += put_fixed(line + k, nd->agent_start_us > 0 ? (uint64_t)nd->agent_start_us : 0, 6);
	line[k++] = '\n';
	buf_append(b, line, k);

	family(b, "node_cpu_bogomips", "gauge", "BogoMIPS of one CPU of this node.");
	k = put_str(line, "node_cpu_bogomips ");
	k += put_fixed(line + k, nd->bogomips_centi, 2);
	line[k++] = '\n';
	buf_append(b, line, k);

	for (int f = 0; f < F__MAX; f++) {
		const char *nm = fams[f].name;
		size_t nl = strlen(nm);

		family(b, nm, fams[f].type, fams[f].help);
		for (size_t i = 0; i < n; i++) {
			const struct ve *v = ves[i];
			const struct ve_sample *s = &v->s;

			if (f == F_UP ? s->run == VE_RUN_UNKNOWN :
			    f == F_STATE ? !s->present && s->run == VE_RUN_UNKNOWN : !s->present)
				continue;
			if (fams[f].kind == V_PER_IP)
				ip_lines(b, nm, nl, v, f == F_TX);
			else
				ve_line(b, nm, nl, v, NULL, value(f, v), fams[f].kind);
		}
	}
	/* Backups are the VEs' too: cached with them (they change when a backup runs). */
	if (nd->bk != NULL)
		backup_lines(b, nd->bk, ves, n);
	return b->oom ? -1 : 0;
}

int
expo_write_tail(struct buf *b, const struct expo_node *nd)
{
	if (nd->api_up >= 0) {
		family(b, "veagent_api_up", "gauge",
		    "1 when the last poll of the API succeeded.");
		buf_printf(b, "veagent_api_up %d\n", nd->api_up);
	}
	family(b, "veagent_http_requests_total", "counter", "Requests answered.");
	buf_printf(b, "veagent_http_requests_total %llu\n", nd->http_requests);
	return b->oom ? -1 : 0;
}

int
expo_write(struct buf *b, const struct expo_node *nd, struct ve *const *ves, size_t n)
{
	if (expo_write_ves(b, nd, ves, n) == -1)
		return -1;
	return expo_write_tail(b, nd);
}
