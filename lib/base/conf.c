/*
 * Configuration: the one table of every key vepanel reads, and a strict
 * INI parser that checks values against it.  Keeping the table here means
 * the sample file, the man page and the parser cannot disagree.
 */
#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "util.h"

/*
 * C_STR values are taken as they are; the layer that uses one checks its
 * syntax (the [database] hosts list: db_conf_check in lib/db/dbhost.c,
 * told where the value was set by conf_where).
 */
enum ctype { C_STR, C_INT };

struct ckey {
	const char	*section;
	const char	*key;
	enum ctype	 type;
	const char	*def;
	long long	 min, max;
	const char	*doc;
	size_t		 off;	/* of its field in struct conf_values */
};

/*
 * A row names its field: section and key are the field's path in struct
 * conf_values, spelt once, so a key without a field (or a field of the
 * wrong type: the array of size -1) does not compile.
 */
#define FIELD(sect, key, T)	(offsetof(struct conf_values, sect.key) + 0 * sizeof(char[ \
	_Generic(((struct conf_values *)0)->sect.key, T: 1, default: -1)]))
#define KI(sect, key, def, min, max, doc) \
	{ #sect, #key, C_INT, def, min, max, doc, FIELD(sect, key, long long) }
#define KS(sect, key, def, doc) \
	{ #sect, #key, C_STR, def, 0, 0, doc, FIELD(sect, key, const char *) }

static const struct ckey keys[] = {
	KS(database, hosts, "",
	  "database servers in the order they are tried: comma-separated host:port, "
	  "[IPv6]:port or absolute socket paths, e.g. the nodes of a Galera cluster; the first "
	  "that answers is used, and one that goes away or is not ready (not in the primary "
	  "component) is left for the next (empty: socket, or host and port)"),
	KI(database, prefer, "1", 1, 16,
	  "position in hosts (from 1, wrapping around) of the server tried first, to spread "
	  "programs over the nodes; billingd --db-prefer overrides it"),
	KI(database, sync_wait, "1", 0, 15,
	  "wsrep_sync_wait of every session on a Galera node: 1 makes each read wait until the "
	  "node has applied every write the cluster committed before it (a write made through "
	  "one node is seen by the next request on any other); 0 reads the node's own, maybe "
	  "older, state; ignored on a server without Galera"),
	KS(database, socket, "", "Unix socket of the MariaDB server (empty: use host and port)"),
	KS(database, host, "127.0.0.1", "MariaDB host when no socket is set"),
	KI(database, port, "3306", 1, 65535, "MariaDB TCP port"),
	KS(database, name, "vepanel", "database name"),
	KS(database, user, "vepanel", "database user"),
	KS(database, password_file, "",
	  "file holding the database password (never put the password itself here)"),
	KI(database, connect_timeout_s, "5", 1, 300, "connect timeout, seconds"),
	KI(database, rw_timeout_s, "30", 1, 3600, "read/write timeout, seconds"),

	KS(web, templates, VEP_DATADIR "/templates", "directory of ctemplate files"),
	KI(web, max_body_bytes, "65536", 1024, 16777216, "largest request body accepted"),
	KS(web, firewall_dir, VEP_SYSCONFDIR "/firewall",
	  "directory of the ISP's firewall rulesets offered as firewall=file"),
	KI(web, session_idle_s, "1800", 60, 86400, "session idle timeout, seconds"),
	KI(web, session_max_s, "43200", 300, 604800, "session absolute lifetime, seconds"),
	KI(web, max_concurrent_hashes, "4", 1, 256,
	  "argon2id computations allowed at once by all programs sharing lock_dir; "
	  "a login, order or password change that finds none free gets 503"),
	KI(web, hash_wait_ms, "1000", 0, 10000,
	  "how long a password hash waits for a free slot before the 503"),
	KS(web, lock_dir, "/run/vepanel",
	  "directory of the lock files that bound concurrent password hashes"),
	KS(web, form_key_file, "",
	  "file holding the secret (at least 32 characters) that signs the forms before a session (the login forms and the order form); "
	  "empty: a random key made when each program starts (forms open across a restart "
	  "are refused once and shown again)"),
	KI(web, fail_window_s, "900", 60, 86400, "window for counting failed logins"),
	KI(web, fail_per_ve, "5", 1, 1000, "failures per VE in the window before 429"),
	KI(web, fail_per_addr, "50", 1, 100000, "failures per client address before 429"),
	KS(web, currency_default, "EUR", "currency shown when a plan has none"),

	KI(signup, orders_per_hour, "10", 1, 1000000,
	  "VEs one client address (IPv6: one /64) may order in an hour (signup form and API) "
	  "before 429 with Retry-After; an operator's Bearer token is not limited"),
	KI(signup, unpaid_ves_per_email, "3", 1, 1000000,
	  "VEs (not deleted) one e-mail address may hold until it has paid an invoice; "
	  "more orders get 429"),
	KI(signup, unpaid_ves_per_addr, "5", 1, 1000000,
	  "VEs (not deleted, of e-mail addresses that never paid) ordered from one client "
	  "address (IPv6: one /64); more orders get 429"),

	KI(auth, argon2_m_kib, "19456", 8, 4194304, "argon2id memory cost, KiB"),
	KI(auth, argon2_t, "2", 1, 100, "argon2id iterations"),
	KI(auth, argon2_p, "1", 1, 64, "argon2id parallelism"),

	KS(billingd, id, "",
	  "this billingd's name in leases, batch numbers and the spool file (empty: the host name)"),
	KI(billingd, flush_s, "5", 1, 60, "seconds between batches written to the database"),
	KI(billingd, writers, "2", 1, 8,
	  "database connections a large batch is written through at once, each a range of VEs "
	  "in its own transaction"),
	KI(billingd, lease_s, "8", 3, 3600,
	  "node lease length; takeover time after a billingd dies"),
	KI(billingd, refresh_s, "2", 1, 600,
	  "seconds between lease renewals and node-list rereads"),
	KI(billingd, max_spread_s, "21600", 60, 2678400,
	  "longest gap a counter delta is spread over"),
	KI(billingd, queue_max_bytes, "268435456", 1048576, 68719476736LL,
	  "memory bound for batches while the spool is unusable"),
	KI(billingd, down_after, "5", 1, 3600, "failed polls before a node is \"down\""),
	KI(billingd, sla_node_down_s, "60", 0, 86400,
	  "seconds a node must be unreachable before its VEs count as down for availability "
	  "(shorter gaps are unmeasured; 0: never)"),
	KI(billingd, minute_retention_days, "90", 1, 3650, "days of minute rollups kept"),
	KI(billingd, hour_retention_days, "731", 1, 36500, "days of hour rollups kept"),
	KI(billingd, billing_every_s, "60", 10, 86400,
	  "seconds between billing jobs: automatic invoice run, notes for late usage, unpaid policy, traffic caps"),
	KI(billingd, raw_retention_h, "48", 0, 8760,
	  "hours of per-second samples kept (0: no raw table writes)"),
	KS(billingd, spool_dir, "/var/spool/vepanel",
	  "where batches wait while the database is away"),
	KI(billingd, spool_max_bytes, "1073741824", 1048576, 1099511627776LL, "spool size bound"),
	KI(billingd, poll_timeout_ms, "800", 50, 999, "per-request timeout of an agent poll"),
	KS(billingd, listen, "127.0.0.1:9300", "address of billingd's own /metrics"),
	KS(billingd, node_token_dir, "",
	  "directory of the nodes' tokens, one file NAME.token per node (0600, readable by billingd's "
	  "user), sent as Bearer on every poll of an agent's /metrics; empty: no token is sent"),
	KI(billingd, invoice_grace_h, "24", 0, 720,
	  "hours after month end before the automatic invoice run"),
	KI(billingd, expiry_grace_h, "72", 0, 8760,
	  "hours after expiry before a VE's data is erased"),
	KI(billingd, cap_throttle_kbps, "128", 1, 100000000,
	  "bandwidth, kbit/s, of a VE past its traffic cap that ordered no minimum bandwidth"),
	KI(billingd, unpaid_suspend_days, "0", 0, 365,
	  "suspend VEs of invoices unpaid this many days past due (0: never)"),

	KS(isp, name, "Example ISP", "ISP name shown on pages and invoices"),
	KS(isp, address, "", "postal address printed on invoices"),
	KS(isp, vat_id, "", "VAT id printed on invoices"),
	KI(isp, invoice_due_days, "14", 0, 365,
	  "days from issue to due date of invoices and debit notes"),
	KS(isp, reminder_days, "7,3,1",
	  "days before an unpaid invoice's suspension date (or due date) on which a reminder is mailed"),
	KS(isp, public_url, "http://127.0.0.1:8080",
	  "the panel's address as customers reach it: links in mails (self screen, reset)"),
	KS(isp, country, "",
	  "the ISP's country (ISO 3166, such as DE): a VAT id of another EU state is reverse-charged"),
	KI(isp, tax_bp, "0", 0, 10000,
	  "VAT rate in basis points (1900 = 19 %) of an account whose country tax_rates does not list"),
	KS(isp, tax_rates, "",
	  "VAT rates per buyer country in basis points, such as DE:1900,FR:2000 (empty: tax_bp for all)"),
	KS(isp, bank, "", "bank name printed on invoices as payment details"),
	KS(isp, iban, "", "IBAN printed on invoices as payment details"),
	KS(isp, bic, "", "BIC printed on invoices as payment details"),

	KS(mail, smtp_url, "",
	  "SMTP relay, such as smtp://relay.example.net:587 (STARTTLS when offered); empty: no mail is sent"),
	KS(mail, user, "", "SMTP user name (empty: no authentication)"),
	KS(mail, password_file, "", "file holding the SMTP password"),
	KS(mail, from, "billing@example.invalid", "sender address of every mail"),
	KI(mail, connect_timeout_s, "10", 1, 300, "SMTP connect timeout, seconds"),
	KI(mail, timeout_s, "60", 1, 3600, "SMTP timeout for one message, seconds"),
	KI(mail, poll_s, "5", 1, 3600, "seconds between outbox polls of vep-mailer"),
	KI(mail, retry_base_s, "60", 1, 86400, "first retry delay; doubled on each failure"),
	KI(mail, retry_max_s, "3600", 1, 604800, "longest retry delay"),
	KI(mail, max_attempts, "8", 1, 100, "tries before a message is marked failed"),
	KI(mail, lease_s, "300", 10, 86400, "how long a claimed message is held by one mailer"),
	KI(mail, keep_days, "90", 1, 36500,
	  "days sent messages stay in the outbox (reminders: 400 at least)"),

	KS(payments, checkout_url, "",
	  "provider's payment page: {number}, {amount_minor}, {currency}, {return_url} (empty: no Pay button)"),
	KS(payments, webhook_secret_file, "",
	  "file with the provider's webhook signing secret (empty: the webhook answers 503)"),
	KI(payments, webhook_tolerance_s, "300", 1, 3600,
	  "largest clock difference of a signed webhook"),
};

struct centry {
	const struct ckey	*k;
	char			*val;
	int			 line;		/* where val was set */
};

struct conf {
	struct centry	 e[nitems(keys)];
	struct conf_values v;
	char		 name[256];	/* the file's name, for messages */
};

static const struct ckey *
findkey(const char *sect, const char *key)
{
	for (size_t i = 0; i < nitems(keys); i++)
		if (strcmp(keys[i].section, sect) == 0 && strcmp(keys[i].key, key) == 0)
			return &keys[i];
	return NULL;
}

static char *
trim(char *s)
{
	char *e;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < nitems(keys); i++)
		free(c->e[i].val);
	free(c);
}

struct conf *
conf_parse(const char *name, const char *text, char *err, size_t errlen)
{
	struct conf *c = NULL;
	char *copy = NULL, *line, *next, sect[64] = "";
	int lineno = 0;

	if ((c = calloc(1, sizeof(*c))) == NULL || (copy = strdup(text)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		goto fail;
	}
	for (size_t i = 0; i < nitems(keys); i++)
		c->e[i].k = &keys[i];
	snprintf(c->name, sizeof(c->name), "%s", name);
	for (line = copy; line != NULL; line = next) {
		char *s, *eq, *k, *v;
		const struct ckey *ck;
		size_t idx;

		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		s = trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *e = strchr(s, ']');
			if (e == NULL || e[1] != '\0' || (size_t)(e - s - 1) >= sizeof(sect) || e == s + 1) {
				snprintf(err, errlen, "%s:%d: malformed section header", name, lineno);
				goto fail;
			}
			memcpy(sect, s + 1, (size_t)(e - s - 1));
			sect[e - s - 1] = '\0';
			int known = 0;
			for (size_t i = 0; i < nitems(keys); i++)
				if (strcmp(keys[i].section, sect) == 0)
					known = 1;
			if (!known) {
				snprintf(err, errlen, "%s:%d: unknown section [%s]", name, lineno, sect);
				goto fail;
			}
			continue;
		}
		if ((eq = strchr(s, '=')) == NULL) {
			snprintf(err, errlen, "%s:%d: expected \"key = value\"", name, lineno);
			goto fail;
		}
		*eq = '\0';
		k = trim(s);
		v = trim(eq + 1);
		if (sect[0] == '\0') {
			snprintf(err, errlen, "%s:%d: key \"%s\" outside any [section]", name, lineno, k);
			goto fail;
		}
		if ((ck = findkey(sect, k)) == NULL) {
			snprintf(err, errlen, "%s:%d: unknown key \"%s\" in [%s]", name, lineno, k, sect);
			goto fail;
		}
		idx = (size_t)(ck - keys);
		if (c->e[idx].val != NULL) {
			snprintf(err, errlen, "%s:%d: \"%s\" set twice in [%s]", name, lineno, k, sect);
			goto fail;
		}
		if (ck->type == C_INT) {
			const char *es;
			vep_strtonum(v, ck->min, ck->max, &es);
			if (es != NULL) {
				snprintf(err, errlen, "%s:%d: %s %s (allowed %lld to %lld)",
				    name, lineno, k, es, ck->min, ck->max);
				goto fail;
			}
		}
		c->e[idx].line = lineno;
		if ((c->e[idx].val = strdup(v)) == NULL) {
			snprintf(err, errlen, "%s: out of memory", name);
			goto fail;
		}
	}
	free(copy);
	for (size_t i = 0; i < nitems(keys); i++) {
		const char *val = c->e[i].val != NULL ? c->e[i].val : keys[i].def;
		char *field = (char *)&c->v + keys[i].off;
		if (keys[i].type == C_INT) {
			const char *es;
			long long n = vep_strtonum(val, keys[i].min, keys[i].max, &es);
			memcpy(field, &n, sizeof(n));
		} else
			memcpy(field, &val, sizeof(val));
	}
	return c;
fail:
	free(copy);
	conf_free(c);
	return NULL;
}

struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	FILE *f = NULL;
	struct buf b;
	struct conf *c = NULL;
	char chunk[4096];
	size_t n;

	buf_init(&b);
	if (path == NULL)
		return conf_parse("(defaults)", "", err, errlen);
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(&b, chunk, n) == -1 || b.len > 1 << 20) {
			snprintf(err, errlen, "%s: file too large", path);
			goto out;
		}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto out;
	}
	if (memchr(buf_cstr(&b), '\0', b.len) != NULL) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		goto out;
	}
	c = conf_parse(path, buf_cstr(&b), err, errlen);
out:
	if (f != NULL)
		fclose(f);
	buf_free(&b);
	return c;
}

static const struct centry *
entry(const struct conf *c, const char *section, const char *key)
{
	const struct ckey *ck = findkey(section, key);
	if (ck == NULL)
		return NULL;
	return &c->e[ck - keys];
}

int
conf_where(const struct conf *c, const char *section, const char *key, char *out, size_t outlen)
{
	const struct centry *e = entry(c, section, key);

	if (e == NULL || e->val == NULL) {
		snprintf(out, outlen, "%s: [%s] %s", c->name, section, key);
		return 0;
	}
	snprintf(out, outlen, "%s:%d: %s", c->name, e->line, key);
	return 1;
}

const struct conf_values *
conf_values(const struct conf *c)
{
	return &c->v;
}

const char *
conf_str(const struct conf *c, const char *section, const char *key)
{
	const struct centry *e = entry(c, section, key);
	if (e == NULL)
		return "";	/* a programming error; conf tests catch it */
	return e->val != NULL ? e->val : e->k->def;
}

long long
conf_int(const struct conf *c, const char *section, const char *key)
{
	const char *es;
	long long v = vep_strtonum(conf_str(c, section, key), LLONG_MIN, LLONG_MAX, &es);
	return es == NULL ? v : 0;
}

void
conf_dump_sample(void *out)
{
	FILE *f = out;
	const char *sect = "";
	fprintf(f, "# vepanel.conf: every key with its default.  See vepanel.conf(5).\n");
	for (size_t i = 0; i < nitems(keys); i++) {
		if (strcmp(sect, keys[i].section) != 0) {
			sect = keys[i].section;
			fprintf(f, "\n[%s]\n", sect);
		}
		fprintf(f, "# %s\n#%s = %s\n", keys[i].doc, keys[i].key, keys[i].def);
	}
}

void
conf_dump_man(void *out)
{
	FILE *f = out;
	const char *sect = "";
	fprintf(f, ".\\\" Generated by tools/confdump -m from lib/base/conf.c; do not edit.\n"
	    ".TH VEPANEL.CONF 5 \"\" \"vepanel\" \"File Formats\"\n"
	    ".SH NAME\nvepanel.conf \\- configuration of the vepanel programs\n"
	    ".SH SYNOPSIS\n/etc/vepanel/vepanel.conf\n"
	    ".SH DESCRIPTION\n"
	    "An INI file read by every vepanel program (\\fB\\-f\\fR \\fIfile\\fR or \\fBVEPANEL_CONF\\fR).\n"
	    "Lines are \\fB[section]\\fR headers or \\fIkey\\fR \\fB=\\fR \\fIvalue\\fR; \\fB#\\fR and \\fB;\\fR start comments.\n"
	    "An unknown section or key, a value out of range or a key set twice is an error\n"
	    "reported as \\fIfile\\fB:\\fIline\\fB: \\fIreason\\fR; every program's \\fB\\-n\\fR flag checks the file and exits.\n"
	    "Secrets are never written here: the database password is read from \\fBpassword_file\\fR.\n");
	for (size_t i = 0; i < nitems(keys); i++) {
		if (strcmp(sect, keys[i].section) != 0) {
			sect = keys[i].section;
			fprintf(f, ".SH [%s]\n", sect);
		}
		fprintf(f, ".TP\n.B %s\n%s.", keys[i].key, keys[i].doc);
		if (keys[i].type == C_INT)
			fprintf(f, " Default %s, from %lld to %lld.\n", keys[i].def, keys[i].min, keys[i].max);
		else
			fprintf(f, " Default \\(lq%s\\(rq.\n", keys[i].def);
	}
	fprintf(f, ".SH SEE ALSO\nvepctl(8), billingd(8), veagent(8), veinfo(1)\n");
}

const char *
conf_default_path(void)
{
	const char *p = getenv("VEPANEL_CONF");
	return p != NULL && *p != '\0' ? p : VEP_SYSCONFDIR "/vepanel.conf";
}
