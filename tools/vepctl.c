/*
 * vepctl: the operator's command-line tool.  Each command is a row of the
 * table below; every command connects with [database] of vepanel.conf and
 * prints one clear sentence when something is wrong.
 *
 *	vepctl [-f conf] migrate [--dir DIR]
 *	vepctl token create [--label L]
 *	vepctl plan import FILE.json [--from YYYY-MM-DD]
 *	vepctl plan list
 *	vepctl node add NAME URL [--token-file FILE] [--last-resort]
 *	vepctl ip-pool add NAME a.b.c.d/len --gateway G --dns D1[,D2] [--range FIRST-LAST] [--node NAME]
 *	vepctl template add CODE NAME
 *	vepctl template add CODE --name N --file ROOTFS.tar.zst --login ssh,x11
 *	vepctl invoice run --period YYYY-MM
 *	vepctl admin set NAME --password-file FILE
 *	vepctl backup list VEID | now VEID | restore VEID ID | totals
 *	vepctl ve change VEID '{"mem_max_mb":512,...}'
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "auth.h"
#include "catalog.h"
#include "conf.h"
#include "db.h"
#include "db_migrate.h"
#include "db_invoice_run.h"
#include "db_tax.h"
#include "db_late.h"
#include "rating.h"
#include "log.h"
#include "util.h"
#include "vepctl_change.h"
#include "vepctl_template.h"
#include "vepctl_backup.h"

struct vepctl {
	struct conf	*conf;
	struct db	*db;
	int		 argc;
	char		**argv;
};

/* Value of "--name VALUE" among the arguments, or NULL. */
static const char *
opt(struct vepctl *v, const char *name)
{
	for (int i = 0; i + 1 < v->argc; i++)
		if (strcmp(v->argv[i], name) == 0)
			return v->argv[i + 1];
	return NULL;
}

static int
read_file(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "r");
	char chunk[8192];
	size_t n;
	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(b, chunk, n);
	int bad = ferror(f) || b->oom;
	fclose(f);
	return bad ? -1 : 0;
}

struct mig {
	long long	 version;
	char		 name[128];
};

static int
mig_cmp(const void *a, const void *b)
{
	const struct mig *x = a, *y = b;
	return (x->version > y->version) - (x->version < y->version);
}

/* The migrations in dir, by version, into migs (at most max); their count, or -1 (said). */
static long
migs_list(const char *dir, struct mig *migs, size_t max)
{
	DIR *d;
	struct dirent *de;
	size_t nm = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "vepctl: cannot read migrations in %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL && nm < max) {
		size_t l = strlen(de->d_name);
		if (l < 10 || strcmp(de->d_name + l - 4, ".sql") != 0 || de->d_name[4] != '_')
			continue;
		/* Names are NNNN_what.sql; the four digits are the version. */
		long long x = 0;
		int ok = 1;
		for (int i = 0; i < 4; i++) {
			if (de->d_name[i] < '0' || de->d_name[i] > '9')
				ok = 0;
			x = x * 10 + (de->d_name[i] - '0');
		}
		if (!ok || x == 0)
			continue;
		migs[nm].version = x;
		snprintf(migs[nm].name, sizeof(migs[nm].name), "%s", de->d_name);
		nm++;
	}
	closedir(d);
	qsort(migs, nm, sizeof(migs[0]), mig_cmp);
	for (size_t i = 1; i < nm; i++)
		if (migs[i].version == migs[i - 1].version) {
			fprintf(stderr, "vepctl: two migrations numbered %04lld: %s and %s\n",
			    migs[i].version, migs[i - 1].name, migs[i].name);
			return -1;
		}
	return (long)nm;
}

/* The SHA-256 of dir/name's text into sum, and the text into b (buf_free it); 0 or -1 (said). */
static int
mig_read(const char *dir, const char *name, struct buf *b, char sum[65])
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	buf_init(b);
	if (read_file(path, b) == -1) {
		fprintf(stderr, "vepctl: cannot read %s\n", path);
		buf_free(b);
		return -1;
	}
	vep_sha256_hex(buf_cstr(b), b->len, sum);
	return 0;
}

/* Every applied migration must still exist, unchanged: 0 or -1 (said). */
static int
migs_check(const char *dir, const struct mig *migs, size_t nm, const struct db_migration *a,
    size_t na)
{
	for (size_t k = 0; k < na; k++) {
		char now_sum[65];
		struct buf b;
		size_t i;
		for (i = 0; i < nm && migs[i].version != a[k].version; i++)
			;
		if (i == nm) {
			fprintf(stderr, "vepctl: migration %s was applied but is missing from %s; "
			    "restore it (migrations are never removed)\n", a[k].name, dir);
			return -1;
		}
		if (mig_read(dir, migs[i].name, &b, now_sum) == -1)
			return -1;
		buf_free(&b);
		if (strcmp(now_sum, a[k].checksum) != 0) {
			fprintf(stderr, "vepctl: migration %s was edited after it was applied "
			    "(checksum differs); add a new migration instead\n", migs[i].name);
			return -1;
		}
	}
	return 0;
}

static int
cmd_migrate(struct vepctl *v)
{
	const char *dir = opt(v, "--dir");
	struct mig migs[512];
	struct db_migration *a = NULL;
	size_t nm, na = 0;
	long got;
	int applied = 0, rc = 1;

	if (dir == NULL)
		dir = getenv("VEP_MIGRATIONS");
	if (dir == NULL)
		dir = VEP_DATADIR "/migrations";
	if ((got = migs_list(dir, migs, nitems(migs))) < 0)
		return 1;
	nm = (size_t)got;
	if (db_migrate_table(v->db) != DB_OK) {
		fprintf(stderr, "vepctl: cannot create schema_migrations: %s\n", db_last_error(v->db));
		return 1;
	}
	if (db_migrate_applied(v->db, &a, &na) != DB_OK || migs_check(dir, migs, nm, a, na) == -1)
		goto out;
	for (size_t i = 0; i < nm; i++) {
		char s[65];
		struct buf b;
		int done = 0;
		for (size_t k = 0; k < na; k++)
			done |= a[k].version == migs[i].version;
		if (done)
			continue;
		if (mig_read(dir, migs[i].name, &b, s) == -1)
			goto out;
		if (db_exec_script(v->db, buf_cstr(&b)) != DB_OK) {
			fprintf(stderr, "vepctl: migration %s failed: %s\n", migs[i].name,
			    db_last_error(v->db));
			buf_free(&b);
			goto out;
		}
		buf_free(&b);
		if (db_migrate_record(v->db, migs[i].version, migs[i].name, s, time(NULL)) != DB_OK) {
			fprintf(stderr, "vepctl: cannot record migration %s\n", migs[i].name);
			goto out;
		}
		printf("applied %s\n", migs[i].name);
		applied++;
	}
	printf("schema is up to date (%d applied now, %zu in all)\n", applied, nm);
	rc = 0;
out:
	free(a);
	return rc;
}

static int
write_secret(const char *path, const char *secret)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd == -1)
		return -1;
	size_t n = strlen(secret);
	int ok = write(fd, secret, n) == (ssize_t)n && write(fd, "\n", 1) == 1;
	return close(fd) == 0 && ok ? 0 : -1;
}

static int
cmd_token_create(struct vepctl *v)
{
	char tok[65];
	const char *label = opt(v, "--label");
	if (catalog_token_create(v->db, label ? label : "vepctl", time(NULL), tok) != DB_OK) {
		fprintf(stderr, "vepctl: cannot store the token: %s\n", db_last_error(v->db));
		return 1;
	}
	printf("%s\n", tok);
	return 0;
}

static int
cmd_plan_import(struct vepctl *v)
{
	json_error_t je;
	json_t *j, *arr;
	const char *from = opt(v, "--from");
	long long vf = time(NULL), now = vf;
	char err[256];
	size_t i;
	json_t *pl;

	if (v->argc < 3) {
		fprintf(stderr, "usage: vepctl plan import FILE.json [--from YYYY-MM-DD]\n");
		return 2;
	}
	if (from != NULL && vep_parse_iso8601(from, &vf) == -1) {
		fprintf(stderr, "vepctl: --from must be a date YYYY-MM-DD\n");
		return 2;
	}
	if (from == NULL)
		vf = 0;		/* a first import is in force from the beginning */
	if ((j = json_load_file(v->argv[2], JSON_REJECT_DUPLICATES, &je)) == NULL) {
		fprintf(stderr, "vepctl: %s:%d: %s\n", v->argv[2], je.line, je.text);
		return 1;
	}
	arr = json_is_array(j) ? j : NULL;
	if (arr == NULL) {
		arr = json_array();
		json_array_append(arr, j);
	}
	json_array_foreach(arr, i, pl) {
		int rc = catalog_plan_import(v->db, pl, vf, now, err, sizeof(err));
		if (rc != 0) {
			fprintf(stderr, "vepctl: %s: plan %zu: %s\n", v->argv[2], i + 1,
			    rc == -1 ? err : db_strerror(rc));
			json_decref(arr);
			if (arr != j)
				json_decref(j);
			return 1;
		}
		printf("imported plan %s\n", json_string_value(json_object_get(pl, "code")));
	}
	if (arr != j)
		json_decref(arr);
	json_decref(j);
	return 0;
}

static int
cmd_plan_list(struct vepctl *v)
{
	json_t *p = catalog_plans_json(v->db, time(NULL));
	if (p == NULL)
		return 1;
	json_dumpf(p, stdout, JSON_INDENT(2));
	printf("\n");
	json_decref(p);
	return 0;
}

/* --uplink-kbps, --cpus, --bogomips, --moves-data: -1 where not given; -1 and a message on a bad value. */
static int
capacity_opts(struct vepctl *v, long long out[4])
{
	static const char *const names[4] = { "--uplink-kbps", "--cpus", "--bogomips", "--moves-data" };
	static const long long max[4] = { 1000000000000LL, 65536, 100000000, 1 };

	for (int i = 0; i < 4; i++) {
		const char *s = opt(v, names[i]), *es = NULL;
		out[i] = -1;
		if (s != NULL && (out[i] = vep_strtonum(s, 0, max[i], &es), es != NULL)) {
			fprintf(stderr, "vepctl: %s %s: %s\n", names[i], s, es);
			return -1;
		}
	}
	return 0;
}

/* vepctl node set NAME [--uplink-kbps N] [--cpus N] [--bogomips N]: what admission control counts. */
static int
cmd_node_set(struct vepctl *v)
{
	long long cap[4];
	int rc;

	if (v->argc < 3 || capacity_opts(v, cap) == -1)
		return 2;
	if ((rc = catalog_node_capacity(v->db, v->argv[2], cap[0], cap[1], cap[2], cap[3])) != DB_OK) {
		fprintf(stderr, "vepctl: %s\n", rc == 1 ? "no such node" : db_last_error(v->db));
		return 1;
	}
	printf("node %s set\n", v->argv[2]);
	return 0;
}

static int
cmd_node_add(struct vepctl *v)
{
	char tok[65], err[256];
	const char *tf = opt(v, "--token-file");
	int last = 0;
	for (int i = 4; i < v->argc; i++)
		last |= strcmp(v->argv[i], "--last-resort") == 0;
	if (v->argc < 4) {
		fprintf(stderr, "usage: vepctl node add NAME URL [--token-file FILE] [--last-resort] "
		    "[--uplink-kbps N] [--cpus N] [--bogomips N] [--moves-data 0|1]\n");
		return 2;
	}
	if (catalog_node_add(v->db, v->argv[2], v->argv[3], time(NULL), tok, err, sizeof(err)) != 0) {
		fprintf(stderr, "vepctl: %s\n", err);
		return 1;
	}
	long long cap[4];
	if (capacity_opts(v, cap) == -1)
		return 2;
	if (catalog_node_capacity(v->db, v->argv[2], cap[0], cap[1], cap[2], cap[3]) != DB_OK) {
		fprintf(stderr, "vepctl: node %s added, but not its capacity: %s\n", v->argv[2],
		    db_last_error(v->db));
		return 1;
	}
	if (last && catalog_node_last_resort(v->db, v->argv[2], 1) != DB_OK) {
		fprintf(stderr, "vepctl: node %s added, but not marked last resort: %s\n", v->argv[2],
		    db_last_error(v->db));
		return 1;
	}
	if (tf != NULL) {
		if (write_secret(tf, tok) == -1) {
			fprintf(stderr, "vepctl: cannot write %s: %s\n", tf, strerror(errno));
			return 1;
		}
		printf("node %s added; its token is in %s\n", v->argv[2], tf);
	} else
		printf("node %s added; its agent token (shown once): %s\n", v->argv[2], tok);
	return 0;
}

static int
cmd_pool_add(struct vepctl *v)
{
	const char *gw = opt(v, "--gateway"), *dns = opt(v, "--dns"), *range = opt(v, "--range");
	char err[256], d1[32] = "", *d2 = NULL, r1[40] = "", *r2 = NULL;
	struct pool_spec ps = { .name = v->argv[2], .cidr = v->argv[3], .gateway = gw,
	    .node = opt(v, "--node") };
	if (v->argc < 4 || gw == NULL || dns == NULL) {
		fprintf(stderr, "usage: vepctl ip-pool add NAME a.b.c.d/len --gateway G --dns D1[,D2] "
		    "[--range FIRST-LAST] [--node NAME]\n");
		return 2;
	}
	snprintf(d1, sizeof(d1), "%s", dns);
	if ((d2 = strchr(d1, ',')) != NULL)
		*d2++ = '\0';
	ps.dns1 = d1;
	ps.dns2 = d2;
	if (range != NULL) {
		snprintf(r1, sizeof(r1), "%s", range);
		if ((r2 = strchr(r1, '-')) == NULL) {
			fprintf(stderr, "vepctl: --range is FIRST-LAST, two addresses\n");
			return 2;
		}
		*r2++ = '\0';
		ps.first = r1;
		ps.last = r2;
	}
	if (catalog_pool_add(v->db, &ps, err, sizeof(err)) != 0) {
		fprintf(stderr, "vepctl: %s\n", err);
		return 1;
	}
	printf("pool %s added\n", v->argv[2]);
	return 0;
}

static int
cmd_template_add(struct vepctl *v)
{
	char err[512];
	const char *name = opt(v, "--name"), *file = opt(v, "--file"), *login = opt(v, "--login");
	const char *mind = opt(v, "--min-disk-mb"), *es = NULL;
	long long min_mb = 0;
	if (name == NULL && v->argc >= 4 && v->argv[3][0] != '-')
		name = v->argv[3];	/* the older form: template add CODE NAME */
	if (v->argc < 4 || name == NULL) {
		fprintf(stderr, "usage: vepctl template add CODE --name N [--file ROOTFS.tar.zst] "
		    "[--login ssh,x11] [--min-disk-mb N]\n");
		return 2;
	}
	/* The smallest quota the system fits in: given, else measured from the file. */
	if (mind != NULL && (min_mb = vep_strtonum(mind, 0, 4000000000LL, &es), es != NULL)) {
		fprintf(stderr, "vepctl: --min-disk-mb %s: %s\n", mind, es);
		return 2;
	}
	if (mind == NULL && file != NULL && catalog_rootfs_check(file, err, sizeof(err)) == 0 &&
	    vepctl_template_min_disk(file, &min_mb) == -1) {
		fprintf(stderr, "vepctl: cannot unpack %s with zstd to measure it; give --min-disk-mb\n", file);
		return 1;
	}
	if (catalog_template_add(v->db, v->argv[2], name, login, file, min_mb, err, sizeof(err)) != 0) {
		fprintf(stderr, "vepctl: %s\n", err);
		return 1;
	}
	printf("template %s added (orders need disk_quota_mb >= %lld)\n", v->argv[2], min_mb);
	/* The path is recorded, not copied: a node reads <template-dir>/<code>.tar.zst. */
	if (file != NULL) {
		const char *b = strrchr(file, '/');
		char want[64];
		snprintf(want, sizeof(want), "%s.tar.zst", v->argv[2]);
		if (strcmp(b != NULL ? b + 1 : file, want) != 0)
			printf("note: nodes look for %s in their template directory; copy %s there under "
			    "that name\n", want, file);
	}
	return 0;
}

static int
cmd_admin_set(struct vepctl *v)
{
	const char *pf = opt(v, "--password-file");
	struct argon_params ap;
	struct buf b;
	char hash[256];
	if (v->argc < 3 || pf == NULL) {
		fprintf(stderr, "usage: vepctl admin set NAME --password-file FILE\n");
		return 2;
	}
	buf_init(&b);
	if (read_file(pf, &b) == -1) {
		fprintf(stderr, "vepctl: cannot read %s\n", pf);
		return 1;
	}
	while (b.len > 0 && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
		b.data[--b.len] = '\0';
	if (b.len < 12) {
		fprintf(stderr, "vepctl: an admin password needs at least 12 characters\n");
		buf_free(&b);
		return 1;
	}
	auth_params_from_conf(v->conf, &ap);
	int r = auth_hash(&ap, buf_cstr(&b), hash, sizeof(hash));
	explicit_bzero(b.data, b.len);
	buf_free(&b);
	if (r == -1 || catalog_admin_set(v->db, v->argv[2], hash, time(NULL)) != DB_OK) {
		fprintf(stderr, "vepctl: cannot set the admin password\n");
		return 1;
	}
	printf("admin %s set\n", v->argv[2]);
	return 0;
}

/*
 * Invoices for a closed month, then the notes for late usage of any
 * invoiced month (db_late.h): what the automatic run of billingd does.
 */
static int
cmd_invoice_run(struct vepctl *v)
{
	const char *period = opt(v, "--period");
	char err[256];
	int y, m, n = 0, dn = 0, cn = 0, days = (int)conf_values(v->conf)->isp.invoice_due_days;
	long long now = time(NULL);

	if (period == NULL) {
		fprintf(stderr, "usage: vepctl invoice run --period YYYY-MM\n");
		return 2;
	}
	if (rate_period_parse(period, &y, &m) == -1) {
		fprintf(stderr, "vepctl: invoice run: --period \"%s\" must be a month written "
		    "YYYY-MM, such as 2026-10; nothing was written\n", period);
		return 2;
	}
	if (db_invoice_run_opt(v->db, y, m, now, days, "vepctl", &n, err, sizeof(err)) != 0) {
		fprintf(stderr, "vepctl: invoice run for %s: %s\n", period, err);
		return 1;
	}
	printf("%d invoices created for %s\n", n, period);
	if (db_late_run(v->db, now, days, "vepctl", &dn, &cn, err, sizeof(err)) != 0) {
		fprintf(stderr, "vepctl: late usage: %s\n", err);
		return 1;
	}
	printf("%d debit notes and %d credit notes issued for late usage\n", dn, cn);
	return 0;
}

static int
cmd_backup(struct vepctl *v)
{
	return vepctl_backup(v->db, v->argc, v->argv);
}

static int
cmd_ve_change(struct vepctl *v)
{
	return vepctl_ve_change(v->db, v->conf, v->argc - 2, v->argv + 2);
}

/*
 * account tax ID [--name N] [--company C] [--address A] [--country CC]
 * [--vat-id V] [--rate auto|BP]: show, or change and show, an account's
 * buyer details and VAT rate (the API's and the screen's rules).
 */
static int
cmd_account_tax(struct vepctl *v)
{
	static const char *const flags[TK__MAX] = { "--name", "--company", "--address", "--country",
	    "--vat-id", "--rate" };
	struct db_tax_account a;
	struct tax_choice c;
	struct tax_in rules;
	const char *e = NULL, *why, *val;
	long long id;
	int rc, changed = 0;
	json_t *j;

	if (v->argc < 3 || (id = vep_strtonum(v->argv[2], 1, 4294967295LL, &e), e != NULL)) {
		fprintf(stderr, "usage: vepctl account tax ID [--name N] [--company C] [--address A] "
		    "[--country CC] [--vat-id V] [--rate auto|BASIS_POINTS]\n");
		return 2;
	}
	if ((rc = db_tax_get(v->db, id, &a)) <= 0) {
		fprintf(stderr, "vepctl: %s\n", rc == 0 ? "there is no such account" : db_last_error(v->db));
		return 1;
	}
	for (int k = 0; k < TK__MAX; k++) {
		if ((val = opt(v, flags[k])) == NULL)
			continue;
		if (tax_profile_set(&a.p, (enum tax_key)k, val, &why) == -1) {
			fprintf(stderr, "vepctl: %s: %s; nothing was changed\n", flags[k], why);
			return 1;
		}
		changed = 1;
	}
	if (changed) {
		db_tax_rules(v->conf, &rules);
		if (tax_profile_choice(&a.p, &rules, &c) != TAX_OK ||
		    db_tax_save(v->db, id, &a.p, &c, "vepctl", time(NULL)) != DB_OK) {
			fprintf(stderr, "vepctl: not saved: %s\n", db_last_error(v->db));
			return 1;
		}
		a.c = c;
	}
	if ((j = db_tax_account_json(&a)) == NULL)
		return 1;
	json_dumpf(j, stdout, JSON_INDENT(2));
	printf("\n");
	json_decref(j);
	return 0;
}

static const struct {
	const char	*w1, *w2;
	int		(*fn)(struct vepctl *);
	const char	*help;
} cmds[] = {
	{ "migrate", NULL, cmd_migrate, "migrate [--dir DIR]            apply new db/migrations" },
	{ "token", "create", cmd_token_create, "token create [--label L]       print a new admin API token" },
	{ "plan", "import", cmd_plan_import, "plan import FILE.json [--from YYYY-MM-DD]" },
	{ "plan", "list", cmd_plan_list, "plan list                      plans in force now, as JSON" },
	{ "node", "add", cmd_node_add, "node add NAME URL [--token-file FILE] [--last-resort] [--uplink-kbps N] [--cpus N] [--bogomips N] [--moves-data 0|1]" },
	{ "node", "set", cmd_node_set, "node set NAME [--uplink-kbps N] [--cpus N] [--bogomips N] [--moves-data 0|1]   admission (0: off); a real node moves VEs with their data" },
	{ "ip-pool", "add", cmd_pool_add, "ip-pool add NAME NET/LEN --gateway G --dns D1[,D2] [--range A-B] [--node N]" },
	{ "template", "add", cmd_template_add, "template add CODE --name N [--file ROOTFS.tar.zst] [--login ssh,x11] [--min-disk-mb N]" },
	{ "template", "build", NULL, "template build CODE --name N [--suite S] [--include P,...] [--dir DIR | --out FILE]" },
	{ "invoice", "run", cmd_invoice_run, "invoice run --period YYYY-MM   invoices for a closed month, notes for late usage" },
	{ "admin", "set", cmd_admin_set, "admin set NAME --password-file FILE" },
	{ "backup", NULL, cmd_backup, "backup list VEID | now VEID | restore VEID ID | totals" },
	{ "ve", "change", cmd_ve_change, "ve change VEID '{\"mem_max_mb\":512}'  a service change, as PATCH /ves/{id}" },
	{ "account", "tax", cmd_account_tax, "account tax ID [--name N] [--company C] [--address A] [--country CC] [--vat-id V] [--rate auto|BP]" },
};

static void
usage(void)
{
	fprintf(stderr, "usage: vepctl [-f vepanel.conf] COMMAND\n");
	for (size_t i = 0; i < nitems(cmds); i++)
		fprintf(stderr, "  vepctl %s\n", cmds[i].help);
	exit(2);
}

int
main(int argc, char **argv)
{
	struct vepctl v;
	const char *cpath = conf_default_path();
	char err[512];
	int rc;

	memset(&v, 0, sizeof(v));
	log_init("vepctl", LOG_LVL_WARN, 1, 0);
	argc--;
	argv++;
	if (argc >= 2 && strcmp(argv[0], "-f") == 0) {
		cpath = argv[1];
		argc -= 2;
		argv += 2;
	}
	if (argc < 1)
		usage();
	/* Needs no database: before the table. */
	if (argc >= 2 && strcmp(argv[0], "template") == 0 && strcmp(argv[1], "build") == 0)
		return vepctl_template_build(argc - 2, argv + 2);
	v.argc = argc;
	v.argv = argv;
	for (size_t i = 0; i < nitems(cmds); i++) {
		if (strcmp(argv[0], cmds[i].w1) != 0)
			continue;
		if (cmds[i].w2 != NULL && (argc < 2 || strcmp(argv[1], cmds[i].w2) != 0))
			continue;
		if ((v.conf = conf_load(cpath, err, sizeof(err))) == NULL) {
			fprintf(stderr, "vepctl: %s\n", err);
			return 1;
		}
		if (db_conf_check(v.conf, err, sizeof(err)) == -1) {
			fprintf(stderr, "vepctl: %s\n", err);
			conf_free(v.conf);
			return 1;
		}
		if ((v.db = db_open(v.conf, err, sizeof(err))) == NULL) {
			fprintf(stderr, "vepctl: %s\n", err);
			conf_free(v.conf);
			return 1;
		}
		rc = cmds[i].fn(&v);
		db_close(v.db);
		conf_free(v.conf);
		return rc;
	}
	usage();
}
