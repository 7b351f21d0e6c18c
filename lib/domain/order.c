/*
 * VE orders: the field table and its validation; see order.h.  The table
 * below is the single place where a field's name, type, unit, range and
 * wording live: the form, the JSON API, the error messages and the
 * answer's "order" object are all driven by it.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kv.h"
#include "net.h"
#include "order.h"
#include "strjoin.h"
#include "text.h"
#include "util.h"

#define TERA	1000000000000LL
#define GIGA	1000000000LL

const struct order_field order_fields[OF__MAX] = {
	[OF_PLAN] = { "plan", OT_CODE, 1, 0, 1, 32, 0, -1, "Plan", NULL,
	    "The service level: monthly price, included resources and limits." },
	[OF_TEMPLATE] = { "template", OT_CODE, 1, 0, 1, 32, 0, -1, "Operating system", NULL,
	    "The OS template your VE starts with, with its pre-installed packages." },
	[OF_EMAIL] = { "email", OT_EMAIL, 1, 0, 3, 254, 0, -1, "E-mail address", NULL,
	    "Where invoices and notices about this VE are sent." },
	[OF_DISK_QUOTA_MB] = { "disk_quota_mb", OT_INT, 1, 0, 1, TERA, 0, -1, "Disk quota", "MB",
	    "Space for your data (1 MB = 1,000,000 bytes), up to the plan's maximum." },
	[OF_ALWAYS_ON] = { "always_on", OT_BOOL, 1, 0, 0, 1, 0, -1, "Availability", NULL,
	    "Always on keeps the VE running when nobody is using it; on demand lets it sleep." },
	[OF_LIFETIME_DAYS] = { "lifetime_days", OT_INT, 1, 0, 1, 36500, 0, -1, "Lifetime", "days",
	    "After this many days the VE and all its data are erased." },
	[OF_ROOT_PASSWORD] = { "root_password", OT_PASSWORD, 1, 0, 12, 128, 0, -1, "Root password", NULL,
	    "12 to 128 characters. It is shown once after ordering; we keep only a hash." },
	[OF_LOGIN] = { "login", OT_LOGINS, 1, 0, 0, 0, 0, -1, "Login styles", NULL,
	    "How you log in to the VE. Your plan decides which styles are available." },
	[OF_CPU_MIN_BOGOMIPS] = { "cpu_min_bogomips", OT_INT, 0, 1, 0, GIGA, 0, -1,
	    "Minimum CPU performance", "bogomips", "CPU power reserved for you; 0 means not set." },
	[OF_NET_BW_MIN_KBPS] = { "net_bw_min_kbps", OT_INT, 0, 1, 0, GIGA, 0, OF_NET_BW_MAX_KBPS,
	    "Minimum network bandwidth", "kbit/s", "Guaranteed bandwidth, in and out together; 0 means not set." },
	[OF_NET_BW_MAX_KBPS] = { "net_bw_max_kbps", OT_INT, 0, 1, 0, GIGA, 0, -1,
	    "Maximum network bandwidth", "kbit/s", "Bandwidth cap, in and out together; 0 means not set." },
	[OF_NET_IN_BW_MIN_KBPS] = { "net_in_bw_min_kbps", OT_INT, 0, 1, 0, GIGA, 0, OF_NET_IN_BW_MAX_KBPS,
	    "Minimum inbound bandwidth", "kbit/s", "Guaranteed inbound bandwidth; 0 means not set." },
	[OF_NET_IN_BW_MAX_KBPS] = { "net_in_bw_max_kbps", OT_INT, 0, 1, 0, GIGA, 0, -1,
	    "Maximum inbound bandwidth", "kbit/s", "Inbound bandwidth cap; 0 means not set." },
	[OF_NET_OUT_BW_MIN_KBPS] = { "net_out_bw_min_kbps", OT_INT, 0, 1, 0, GIGA, 0, OF_NET_OUT_BW_MAX_KBPS,
	    "Minimum outbound bandwidth", "kbit/s", "Guaranteed outbound bandwidth; 0 means not set." },
	[OF_NET_OUT_BW_MAX_KBPS] = { "net_out_bw_max_kbps", OT_INT, 0, 1, 0, GIGA, 0, -1,
	    "Maximum outbound bandwidth", "kbit/s", "Outbound bandwidth cap; 0 means not set." },
	[OF_NET_QUOTA_MIN_MB] = { "net_quota_min_mb", OT_INT, 0, 1, 0, TERA, 0, OF_NET_QUOTA_MAX_MB,
	    "Minimum network traffic", "MB", "Traffic reserved for you, in and out together; 0 means not set." },
	[OF_NET_QUOTA_MAX_MB] = { "net_quota_max_mb", OT_INT, 0, 1, 0, TERA, 0, -1,
	    "Maximum network traffic", "MB", "Traffic cap, in and out together; 0 means not set." },
	[OF_NET_IN_QUOTA_MIN_MB] = { "net_in_quota_min_mb", OT_INT, 0, 1, 0, TERA, 0, OF_NET_IN_QUOTA_MAX_MB,
	    "Minimum inbound traffic", "MB", "Inbound traffic reserved for you; 0 means not set." },
	[OF_NET_IN_QUOTA_MAX_MB] = { "net_in_quota_max_mb", OT_INT, 0, 1, 0, TERA, 0, -1,
	    "Maximum inbound traffic", "MB", "Inbound traffic cap; 0 means not set." },
	[OF_NET_OUT_QUOTA_MIN_MB] = { "net_out_quota_min_mb", OT_INT, 0, 1, 0, TERA, 0, OF_NET_OUT_QUOTA_MAX_MB,
	    "Minimum outbound traffic", "MB", "Outbound traffic reserved for you; 0 means not set." },
	[OF_NET_OUT_QUOTA_MAX_MB] = { "net_out_quota_max_mb", OT_INT, 0, 1, 0, TERA, 0, -1,
	    "Maximum outbound traffic", "MB", "Outbound traffic cap; 0 means not set." },
	[OF_MEM_MAX_MB] = { "mem_max_mb", OT_INT, 0, 1, 0, GIGA, 0, -1, "Maximum memory", "MB",
	    "Virtual memory cap; 0 means not set." },
	[OF_FS_FAULT_TOLERANCE_S] = { "fs_fault_tolerance_s", OT_INT, 1, 1, 1, 31536000, 0, -1,
	    "File system fault tolerance", "s",
	    "The longest time the file system may be unavailable after a fault. " ORDER_NOT_OFFERED
	    ": we keep your value, but no node replicates VE volumes yet." },
	[OF_BACKUP_HOURS] = { "backup_hours", OT_INT, 1, 1, 1, 8760, 0, -1, "Backup interval", "hours",
	    "How often all your data is backed up (incrementally)." },
	[OF_FIREWALL] = { "firewall", OT_FIREWALL, 1, 1, 0, 0, 0, -1, "Firewall", NULL,
	    "How the VE is protected from the Internet." },
	[OF_FIREWALL_FILE] = { "firewall_file", OT_RULESET, 0, 1, 1, 64, 0, -1, "Firewall ruleset", NULL,
	    "Only with the \"file\" style: one of the rulesets your ISP offers." },
	[OF_IP_COUNT] = { "ip_count", OT_INT, 0, 1, 1, 1024, 1, -1, "IP addresses", NULL,
	    "How many IPv4 addresses the VE gets, up to the plan's maximum." },
	[OF_DNS_NAMES] = { "dns_names", OT_NAMES, 0, 1, 0, 253, 0, -1, "DNS names", NULL,
	    "One host name per address, in order, such as www.example.com; at most one per address." },
	[OF_USER_INFO] = { "user_info", OT_TEXT, 0, 1, 0, 1024, 0, -1, "User information", NULL,
	    "Free text (up to 1024 characters) shown on your VE's page and by veinfo." },
	[OF_IDEMPOTENCY_KEY] = { "idempotency_key", OT_KEY, 0, 1, 1, 128, 0, -1, "Idempotency key", NULL,
	    "Sending the same key twice creates one VE, not two." },
};

const char *const order_login_names[ORDER_NLOGINS] = { "ssh", "telnet", "rsh", "x11" };

const char *const order_firewall_help[FW__MAX] = {
	"Lets anyone in.",
	"Protects just this machine.",
	"Protects a whole network behind the VE.",
	"Turns off every IP service except secure login.",
	"Loads no firewall rules at all.",
	"Loads one of the ISP's rulesets, chosen below.",
};

void
order_init(struct order *o)
{
	memset(o, 0, sizeof(*o));
}

void
order_free(struct order *o)
{
	for (size_t k = 0; k < OF__MAX; k++) {
		if (o->s[k] != NULL && order_fields[k].type == OT_PASSWORD)
			explicit_bzero(o->s[k], strlen(o->s[k]));
		if (o->raw[k] != NULL && order_fields[k].type == OT_PASSWORD)
			explicit_bzero(o->raw[k], strlen(o->raw[k]));
		free(o->s[k]);
		free(o->raw[k]);
	}
	for (size_t i = 0; i < o->ndns; i++)
		free(o->dns[i]);
	free(o->dns);
	memset(o, 0, sizeof(*o));
}

void
order_catalog_free(struct order_catalog *c)
{
	free(c->plans);
	free(c->tmpls);
	memset(c, 0, sizeof(*c));
}

const struct order_plan *
order_plan_find(const struct order_catalog *c, const char *code)
{
	for (size_t i = 0; code != NULL && i < c->nplans; i++)
		if (strcmp(c->plans[i].code, code) == 0)
			return &c->plans[i];
	return NULL;
}

const struct order_template *
order_template_find(const struct order_catalog *c, const char *code)
{
	for (size_t i = 0; code != NULL && i < c->ntmpls; i++)
		if (strcmp(c->tmpls[i].code, code) == 0)
			return &c->tmpls[i];
	return NULL;
}

/* ---- errors ------------------------------------------------------------ */

void
order_err_add(struct order_errs *e, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (order_err_get(e, field) != NULL || e->n == nitems(e->e))
		return;
	snprintf(e->e[e->n].field, sizeof(e->e[e->n].field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(e->e[e->n].msg, sizeof(e->e[e->n].msg), fmt, ap);
	va_end(ap);
	e->n++;
}

const char *
order_err_get(const struct order_errs *e, const char *field)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->e[i].field, field) == 0)
			return e->e[i].msg;
	return NULL;
}

json_t *
order_errs_json(const struct order_errs *e)
{
	json_t *j = json_object();
	for (size_t i = 0; j != NULL && i < e->n; i++)
		json_object_set_new(j, e->e[i].field, json_string(e->e[i].msg));
	return j;
}

/* ---- small validators --------------------------------------------------- */

size_t
order_utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

int
order_email_valid(const char *s)
{
	const char *at = strrchr(s, '@');
	size_t len = strlen(s);

	if (len < 3 || len > 254 || at == NULL || at == s || at - s > 64)
		return 0;
	for (const char *p = s; p < at; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= 0x20 || c >= 0x7f || strchr("\"(),:;<>@[\\]", c) != NULL)
			return 0;
	}
	if (s[0] == '.' || at[-1] == '.' || strstr(s, "..") != NULL)
		return 0;
	return dns_name_valid(at + 1);
}

int
order_ruleset_name_valid(const char *s)
{
	size_t len = strlen(s);
	if (len < 1 || len > 64 || s[0] == '.' || strstr(s, "..") != NULL)
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == len;
}

static int
ruleset_exists(const char *dir, const char *name)
{
	struct stat st;
	int dfd, rc;

	if (dir == NULL || (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return 0;
	rc = fstatat(dfd, name, &st, 0) == 0 && S_ISREG(st.st_mode);
	close(dfd);
	return rc;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
order_rulesets(const char *dir)
{
	DIR *d;
	struct dirent *de;
	char **v = NULL;
	size_t n = 0, cap = 0;

	if (dir == NULL || (d = opendir(dir)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL && n < 1000) {
		struct stat st;
		if (!order_ruleset_name_valid(de->d_name) ||
		    fstatat(dirfd(d), de->d_name, &st, 0) == -1 || !S_ISREG(st.st_mode))
			continue;
		if (vep_grow((void **)&v, &cap, n + 2, sizeof(*v), 16) == -1)
			goto fail;
		if ((v[n] = strdup(de->d_name)) == NULL)
			goto fail;
		n++;
	}
	closedir(d);
	if (v == NULL && (v = calloc(1, sizeof(*v))) == NULL)
		return NULL;
	qsort(v, n, sizeof(*v), cmp_names);
	v[n] = NULL;
	return v;
fail:
	closedir(d);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return NULL;
}

void
order_names_free(char **v)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

void
order_money(long long minor, const char *cur, char *out, size_t outlen)
{
	/* ISO 4217 minor-unit exponents that are not 2. */
	static const char zero[] = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF";
	static const char three[] = "BHD IQD JOD KWD LYD OMR TND";
	long long div = 100, a;
	int digits = 2;
	const char *sign = minor < 0 ? "-" : "";

	if (cur != NULL && strlen(cur) == 3) {
		if (strstr(zero, cur) != NULL) {
			div = 1;
			digits = 0;
		} else if (strstr(three, cur) != NULL) {
			div = 1000;
			digits = 3;
		}
	}
	a = minor < 0 ? -(minor + 1) + 1 : minor;	/* no overflow at LLONG_MIN + 1 */
	if (digits == 0)
		snprintf(out, outlen, "%s%lld %s", sign, a, cur ? cur : "");
	else
		snprintf(out, outlen, "%s%lld.%0*lld %s", sign, a / div, digits, a % div, cur ? cur : "");
}

void
order_logins_join(unsigned mask, const char *sep, char *out, size_t outlen)
{
	size_t off = 0;
	out[0] = '\0';
	for (size_t i = 0; i < ORDER_NLOGINS; i++)
		if (mask & (1u << i)) {
			int w = snprintf(out + off, outlen - off, "%s%s", off ? sep : "", order_login_names[i]);
			if (w < 0 || (size_t)w >= outlen - off)
				return;
			off += (size_t)w;
		}
}

void
order_logins_text(unsigned mask, char *out, size_t outlen)
{
	order_logins_join(mask, ", ", out, outlen);
}

unsigned
order_logins_mask(const char *list)
{
	unsigned m = 0;
	char tmp[128], *save = NULL;

	snprintf(tmp, sizeof(tmp), "%s", list);
	for (char *t = strtok_r(tmp, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save))
		for (size_t i = 0; i < ORDER_NLOGINS; i++)
			if (strcmp(t, order_login_names[i]) == 0)
				m |= 1u << i;
	return m;
}

void
order_value_text(const struct order *o, enum order_key k, char *out, size_t outlen)
{
	const struct order_field *f = &order_fields[k];
	out[0] = '\0';
	switch (f->type) {
	case OT_INT:
		if (o->n[k] == 0 && !f->required && f->min == 0)
			snprintf(out, outlen, "not set");
		else
			snprintf(out, outlen, "%lld%s%s%s", o->n[k], f->unit ? " " : "", f->unit ? f->unit : "",
			    k == OF_FS_FAULT_TOLERANCE_S ? " (" ORDER_NOT_OFFERED ")" : "");
		break;
	case OT_BOOL:
		snprintf(out, outlen, "%s", o->n[k] ? "always on" : "on demand");
		break;
	case OT_LOGINS:
		order_logins_text((unsigned)o->n[k], out, outlen);
		break;
	case OT_FIREWALL:
		if (o->n[k] >= 0 && o->n[k] < FW__MAX)
			snprintf(out, outlen, "%s", order_firewall_names[o->n[k]]);
		break;
	case OT_NAMES:
		str_join(out, outlen, o->dns, o->ndns, ", ");
		if (o->ndns == 0)
			snprintf(out, outlen, "none");
		break;
	case OT_PASSWORD:
		snprintf(out, outlen, "(not shown)");
		break;
	default:
		snprintf(out, outlen, "%s", o->s[k] != NULL ? o->s[k] : "none");
		break;
	}
}

/* ---- the two edges ------------------------------------------------------ */

static int
login_bit(const char *s)
{
	for (size_t i = 0; s != NULL && i < ORDER_NLOGINS; i++)
		if (strcmp(s, order_login_names[i]) == 0)
			return (int)(1u << i);
	return 0;
}

/* One login style as sent (NULL: not text) into field k's mask, as both edges read it. */
static void
login_add(struct order *o, size_t k, const char *s, struct order_errs *e)
{
	int bit = login_bit(s);

	if (bit == 0)
		order_err_add(e, order_fields[k].name, "Login styles are ssh, telnet, rsh and x11.");
	else if (o->n[k] & bit)
		order_err_add(e, order_fields[k].name, "Each login style may be listed once.");
	o->n[k] |= bit;
}

/* A firewall style's name into field k (NULL: not text). */
static void
firewall_add(struct order *o, size_t k, const char *s, struct order_errs *e)
{
	if (s == NULL || (o->n[k] = firewall_parse(s)) < 0)
		order_err_add(e, order_fields[k].name,
		    "Firewall must be one of open, client, simple, closed, none or file.");
}

static int
dns_add(struct order *o, const char *s, size_t len)
{
	char **p, *d;
	if ((p = realloc(o->dns, (o->ndns + 1) * sizeof(*p))) == NULL)
		return -1;
	o->dns = p;
	if ((d = strndup(s, len)) == NULL)
		return -1;
	o->dns[o->ndns++] = d;
	return 0;
}

/* The message for a value that is not a whole number, or out of range. */
static void
int_error(struct order_errs *e, const struct order_field *f, const char *why)
{
	if (why != NULL && strcmp(why, "is too large") == 0)
		order_err_add(e, f->name, "%s is far too large.", f->label);
	else
		order_err_add(e, f->name, "%s must be a whole number written with digits only%s%s%s.",
		    f->label, f->unit ? " (in " : "", f->unit ? f->unit : "", f->unit ? ")" : "");
}

static const char *const list_seps = " \t\r\n,";

int
order_from_form(struct order *o, const struct kvlist *form, struct order_errs *e)
{
	for (size_t k = 0; k < OF__MAX; k++) {
		const struct order_field *f = &order_fields[k];
		size_t count = kv_count(form, f->name);
		const char *v, *es;

		if (count == 0)
			continue;
		if (f->type == OT_LOGINS) {
			/* Checkboxes: one pair per ticked box. */
			for (size_t i = 0; i < form->n; i++) {
				if (strcmp(form->v[i].key, f->name) != 0)
					continue;
				o->given[k] = 1;
				login_add(o, k, form->v[i].val, e);
			}
			continue;
		}
		if (count > 1) {
			order_err_add(e, f->name, "%s was sent more than once.", f->label);
			continue;
		}
		v = kv_get(form, f->name);
		if ((o->raw[k] = strdup(v)) == NULL)
			return -1;
		if (*v == '\0')
			continue;	/* an empty input is a field left blank */
		o->given[k] = 1;
		switch (f->type) {
		case OT_INT:
			o->n[k] = vep_strtonum(v, LLONG_MIN, LLONG_MAX, &es);
			if (es != NULL)
				int_error(e, f, es);
			break;
		case OT_BOOL:
			if (strcmp(v, "true") == 0)
				o->n[k] = 1;
			else if (strcmp(v, "false") == 0)
				o->n[k] = 0;
			else
				order_err_add(e, f->name, "%s must be true or false.", f->label);
			break;
		case OT_FIREWALL:
			firewall_add(o, k, v, e);
			break;
		case OT_NAMES:
			for (const char *p = v; *p != '\0';) {
				size_t n;
				p += strspn(p, list_seps);
				if ((n = strcspn(p, list_seps)) == 0)
					break;
				if (dns_add(o, p, n) == -1)
					return -1;
				p += n;
			}
			if (o->ndns == 0)
				o->given[k] = 0;
			break;
		default:
			if ((o->s[k] = strdup(v)) == NULL)
				return -1;
			break;
		}
	}
	return 0;
}

int
order_from_json(struct order *o, json_t *j, struct order_errs *e)
{
	const char *key;
	json_t *val;

	json_object_foreach(j, key, val) {
		const struct order_field *f = NULL;
		size_t k, i;
		json_t *x;

		for (k = 0; k < OF__MAX; k++)
			if (strcmp(order_fields[k].name, key) == 0) {
				f = &order_fields[k];
				break;
			}
		if (f == NULL) {
			char shown[65];
			/* Name the field as sent, cut to what the error table holds. */
			snprintf(shown, sizeof(shown), "%s", *key != '\0' ? key : "(empty name)");
			order_err_add(e, shown, "This is not a field of an order; check its spelling.");
			continue;
		}
		if (json_is_null(val) || (json_is_string(val) && json_string_length(val) == 0))
			continue;	/* null or "" is the same as leaving it out */
		o->given[k] = 1;
		switch (f->type) {
		case OT_INT:
			if (!json_is_integer(val))
				order_err_add(e, f->name, "%s must be a whole number (a JSON integer%s%s).",
				    f->label, f->unit ? " of " : "", f->unit ? f->unit : "");
			else
				o->n[k] = json_integer_value(val);
			break;
		case OT_BOOL:
			if (!json_is_boolean(val))
				order_err_add(e, f->name, "%s must be true or false.", f->label);
			else
				o->n[k] = json_is_true(val);
			break;
		case OT_LOGINS:
			if (!json_is_array(val)) {
				order_err_add(e, f->name, "Login styles must be a list such as [\"ssh\"].");
				break;
			}
			json_array_foreach(val, i, x)
				login_add(o, k, json_string_value(x), e);	/* NULL: not a string */
			break;
		case OT_FIREWALL:
			firewall_add(o, k, json_string_value(val), e);
			break;
		case OT_NAMES:
			if (!json_is_array(val)) {
				order_err_add(e, f->name, "DNS names must be a list of host names.");
				break;
			}
			json_array_foreach(val, i, x) {
				if (!json_is_string(x)) {
					order_err_add(e, f->name, "DNS names must be a list of host names.");
					break;
				}
				if (dns_add(o, json_string_value(x), json_string_length(x)) == -1)
					return -1;
			}
			if (o->ndns == 0)
				o->given[k] = 0;
			break;
		default:
			if (!json_is_string(val)) {
				order_err_add(e, f->name, "%s must be text (a JSON string).", f->label);
				break;
			}
			if ((o->s[k] = strdup(json_string_value(val))) == NULL)
				return -1;
			break;
		}
	}
	return 0;
}

/* ---- the rules ------------------------------------------------------------ */

static void
required_error(struct order_errs *e, const struct order_field *f)
{
	switch (f->type) {
	case OT_CODE:
		order_err_add(e, f->name, "Choose a%s %s.", f->name[0] == 'p' ? "" : "n",
		    f->name[0] == 'p' ? "plan" : "operating system");
		break;
	case OT_BOOL:
		order_err_add(e, f->name, "Choose always on or on demand.");
		break;
	case OT_LOGINS:
		order_err_add(e, f->name, "Choose at least one login style.");
		break;
	case OT_FIREWALL:
		order_err_add(e, f->name, "Choose a firewall style.");
		break;
	default:
		order_err_add(e, f->name, "%s is required.", f->label);
		break;
	}
}

static void
int_range(struct order_errs *e, const struct order_field *f, long long v, long long max,
    const char *why_max)
{
	const char *u = f->unit ? f->unit : "";
	const char *sp = f->unit ? " " : "";

	if (v < f->min) {
		if (f->min == 0)
			order_err_add(e, f->name, "%s cannot be negative.", f->label);
		else
			order_err_add(e, f->name, "%s must be at least %lld%s%s.", f->label, f->min, sp, u);
	} else if (v > max)
		order_err_add(e, f->name, "%s must be at most %lld%s%s%s.", f->label, max, sp, u,
		    why_max ? why_max : "");
}

static void
check_names(struct order *o, const struct order_field *f, struct order_errs *e)
{
	for (size_t i = 0; i < o->ndns; i++) {
		if (!dns_name_valid(o->dns[i])) {
			order_err_add(e, f->name, "\"%.80s\" is not a valid host name (letters, digits and "
			    "hyphens in dot-separated labels, such as www.example.com).", o->dns[i]);
			return;
		}
		for (size_t j = 0; j < i; j++)
			if (strcasecmp(o->dns[i], o->dns[j]) == 0) {
				order_err_add(e, f->name, "\"%.80s\" is listed twice; each address needs "
				    "its own name.", o->dns[i]);
				return;
			}
	}
}

static void
check_one(struct order *o, size_t k, const struct order_catalog *cat, struct order_errs *e)
{
	const struct order_field *f = &order_fields[k];
	const char *s = o->s[k];
	size_t len;

	switch (f->type) {
	case OT_CODE:
		if (k == OF_PLAN && order_plan_find(cat, s) == NULL)
			order_err_add(e, f->name, "There is no plan \"%.40s\" on offer; choose one of the list.", s);
		else if (k == OF_TEMPLATE && order_template_find(cat, s) == NULL)
			order_err_add(e, f->name, "There is no operating system \"%.40s\"; choose one of the list.", s);
		break;
	case OT_EMAIL:
		if (!order_email_valid(s))
			order_err_add(e, f->name, "Enter an e-mail address such as name@example.com.");
		break;
	case OT_INT:
		int_range(e, f, o->n[k], f->max, NULL);
		break;
	case OT_PASSWORD:
		len = order_utf8_len(s);
		if (len < (size_t)f->min || len > (size_t)f->max)
			order_err_add(e, f->name, "The root password must be %lld to %lld characters long "
			    "(it has %zu).", f->min, f->max, len);
		break;
	case OT_LOGINS:
		if (o->n[k] == 0)
			required_error(e, f);
		break;
	case OT_TEXT:
		if ((len = order_utf8_len(s)) > (size_t)f->max)
			order_err_add(e, f->name, "%s may be at most %lld characters long (it has %zu).",
			    f->label, f->max, len);
		else if (!text_ok_str(s, TEXT_MULTILINE))
			order_err_add(e, f->name, "%s may not contain control or bidirectional-override "
			    "characters.", f->label);
		break;
	case OT_KEY:
		len = strlen(s);
		if (len > (size_t)f->max || strspn(s, "!\"#$%&'()*+,-./0123456789:;<=>?@"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~") != len)
			order_err_add(e, f->name, "%s must be 1 to %lld printable ASCII characters "
			    "without spaces.", f->label, f->max);
		break;
	case OT_NAMES:
		check_names(o, f, e);
		break;
	case OT_BOOL:
	case OT_FIREWALL:
	case OT_RULESET:	/* judged with the firewall style below */
		break;
	}
}

void
order_check(struct order *o, const struct order_catalog *cat, const char *fwdir,
    struct order_errs *e)
{
	const struct order_plan *pl;
	const struct order_template *tp;
	char why[200];

	for (size_t k = 0; k < OF__MAX; k++) {
		const struct order_field *f = &order_fields[k];
		if (order_err_get(e, f->name) != NULL)
			continue;
		if (!o->given[k]) {
			if (f->required)
				required_error(e, f);
			else if (f->type == OT_INT)
				o->n[k] = f->def;
			continue;
		}
		check_one(o, k, cat, e);
	}

	/* The plan's limits, once the plan itself is good. */
	pl = order_err_get(e, "plan") == NULL ? order_plan_find(cat, o->s[OF_PLAN]) : NULL;
	if (pl != NULL) {
		snprintf(why, sizeof(why), " on plan %s", pl->name);
		if (order_err_get(e, "disk_quota_mb") == NULL)
			int_range(e, &order_fields[OF_DISK_QUOTA_MB], o->n[OF_DISK_QUOTA_MB],
			    pl->max_disk_quota_mb, why);
		if (order_err_get(e, "ip_count") == NULL)
			int_range(e, &order_fields[OF_IP_COUNT], o->n[OF_IP_COUNT], pl->max_ip_count, why);
		if (order_err_get(e, "login") == NULL && (o->n[OF_LOGIN] & ~(long long)pl->login_mask) != 0) {
			char bad[40], ok[40];
			order_logins_text((unsigned)(o->n[OF_LOGIN] & ~(long long)pl->login_mask), bad, sizeof(bad));
			order_logins_text(pl->login_mask, ok, sizeof(ok));
			order_err_add(e, "login", "Plan %s does not offer %s; it allows %s.", pl->name, bad, ok);
		}
	}

	/* The template's system must give every login style asked for (SPEC section 9). */
	tp = order_err_get(e, "template") == NULL ? order_template_find(cat, o->s[OF_TEMPLATE]) : NULL;
	if (tp != NULL && order_err_get(e, "login") == NULL) {
		char bad[40], ok[40];
		if (order_logins_missing((unsigned)o->n[OF_LOGIN], tp->login_mask, bad, sizeof(bad)) != 0) {
			order_logins_text(tp->login_mask, ok, sizeof(ok));
			order_err_add(e, "login", "The operating system %s does not offer %s; it offers %s.",
			    tp->name, bad, ok[0] ? ok : "no login style");
		}
	}

	/* The template's system must fit in the quota, or the node could not unpack it. */
	if (tp != NULL && tp->min_disk_mb > 0 && order_err_get(e, "disk_quota_mb") == NULL &&
	    o->n[OF_DISK_QUOTA_MB] < tp->min_disk_mb)
		order_err_add(e, "disk_quota_mb", "The operating system %s needs a disk quota of at "
		    "least %lld MB; %lld MB is too small.", tp->name, tp->min_disk_mb,
		    o->n[OF_DISK_QUOTA_MB]);

	/* min <= max where both are set. */
	for (size_t k = 0; k < OF__MAX; k++) {
		const struct order_field *f = &order_fields[k], *g;
		if (f->pair < 0)
			continue;
		g = &order_fields[f->pair];
		if (order_err_get(e, f->name) != NULL || order_err_get(e, g->name) != NULL)
			continue;
		if (o->n[k] != 0 && o->n[f->pair] != 0 && o->n[k] > o->n[f->pair])
			order_err_add(e, f->name, "%s (%lld %s) is more than the maximum (%lld %s).",
			    f->label, o->n[k], f->unit, o->n[f->pair], g->unit);
	}

	/* A ruleset goes with the "file" style only, and must exist. */
	if (order_err_get(e, "firewall") == NULL && order_err_get(e, "firewall_file") == NULL) {
		const char *rs = o->s[OF_FIREWALL_FILE];
		int isfile = o->given[OF_FIREWALL] && o->n[OF_FIREWALL] == FW_FILE;
		if (isfile && rs == NULL)
			order_err_add(e, "firewall_file", "Choose a ruleset for the \"file\" firewall style.");
		else if (!isfile && rs != NULL)
			order_err_add(e, "firewall_file", "A ruleset can be chosen only with the \"file\" "
			    "firewall style.");
		else if (isfile && !order_ruleset_name_valid(rs))
			order_err_add(e, "firewall_file", "A ruleset is named by a plain file name (letters, "
			    "digits, '.', '_', '-'; at most 64), never a path.");
		else if (isfile && !ruleset_exists(fwdir, rs))
			order_err_add(e, "firewall_file", "There is no ruleset \"%s\"; choose one of the list.", rs);
	}

	/* At most one DNS name per address. */
	if (order_err_get(e, "dns_names") == NULL && order_err_get(e, "ip_count") == NULL &&
	    (long long)o->ndns > o->n[OF_IP_COUNT])
		order_err_add(e, "dns_names", "%zu DNS names were given for %lld IP address%s; give at "
		    "most one name per address.", o->ndns, o->n[OF_IP_COUNT],
		    o->n[OF_IP_COUNT] == 1 ? "" : "es");
}

const char *const ve_power_names[VP__MAX] = { "start", "stop", "restart" };

int
ve_power_parse(const char *s)
{
	for (int i = 0; s != NULL && i < VP__MAX; i++)
		if (strcmp(s, ve_power_names[i]) == 0)
			return i;
	return -1;
}

unsigned
order_logins_missing(unsigned want, unsigned tmpl_mask, char *out, size_t outlen)
{
	unsigned miss = want & ~tmpl_mask & ((1u << ORDER_NLOGINS) - 1);

	order_logins_text(miss, out, outlen);
	return miss;
}

int
order_template_code_valid(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n < 1 || n > 32 || strchr("abcdefghijklmnopqrstuvwxyz0123456789", s[0]) == NULL)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789.-") == n;
}

const char *
order_bw_min_field(const struct order *o)
{
	if (o->n[OF_NET_IN_BW_MIN_KBPS] > 0)
		return order_fields[OF_NET_IN_BW_MIN_KBPS].name;
	if (o->n[OF_NET_OUT_BW_MIN_KBPS] > 0)
		return order_fields[OF_NET_OUT_BW_MIN_KBPS].name;
	return order_fields[OF_NET_BW_MIN_KBPS].name;
}

_Static_assert(OF__MAX < 64, "order_fields_json keeps a field's bit in a uint64_t");

json_t *
order_logins_json(unsigned mask)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < ORDER_NLOGINS; i++)
		if (mask & (1u << i))
			json_array_append_new(a, json_string(order_login_names[i]));
	return a;
}

json_t *
order_fields_json(const struct order *o, uint64_t keep)
{
	json_t *j = json_object(), *x;

	for (size_t k = 0; j != NULL && k < OF__MAX; k++) {
		const struct order_field *f = &order_fields[k];
		if (!(keep & ORDER_BIT(k)))
			continue;
		switch (f->type) {
		case OT_INT:
			x = json_integer(o->n[k]);
			break;
		case OT_BOOL:
			x = json_boolean(o->n[k]);
			break;
		case OT_LOGINS:
			x = order_logins_json((unsigned)o->n[k]);
			break;
		case OT_FIREWALL:
			x = json_string(o->n[k] >= 0 && o->n[k] < FW__MAX ? order_firewall_names[o->n[k]] : "");
			break;
		case OT_NAMES:
			x = json_array();
			for (size_t i = 0; x != NULL && i < o->ndns; i++)
				json_array_append_new(x, json_string(o->dns[i]));
			break;
		case OT_TEXT:
			x = json_string(o->s[k] != NULL ? o->s[k] : "");
			break;
		default:
			x = o->s[k] != NULL ? json_string(o->s[k]) : json_null();
			break;
		}
		json_object_set_new(j, f->name, x);
	}
	return j;
}
