/*
 * The texts of vep-mailer's messages; see compose.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "compose.h"
#include "conf.h"
#include "db.h"
#include "db_bill.h"
#include "db_mail.h"
#include "db_ve.h"
#include "money.h"
#include "pay_url.h"
#include "pdf.h"

struct ctx {
	struct db		*db;
	const struct conf	*conf;
	const struct mail_row	*row;
	long long		 now;
	struct composed		*out;
	const char		*isp, *url;
	char			*err;
	size_t			 errlen;
};

static void
date_of(long long t, char out[32])
{
	char iso[21];

	vep_iso8601(t, iso);
	snprintf(out, 32, "%.10s %.5s UTC", iso, iso + 11);
}

/*
 * The closing lines every message has: the self screen and who writes;
 * ve, the VE (or a document's VEs, comma-separated) named when it is one.
 */
static void
footer(struct ctx *c, const char *ve)
{
	struct buf *t = &c->out->text;

	buf_printf(t, "\nYour self-maintenance screen: %s/self\n", c->url);
	if (ve != NULL && *ve && strchr(ve, ',') == NULL)
		buf_printf(t, "Log in there with your VEid %s and its password.\n", ve);
	buf_printf(t, "\n-- \n%s\n", c->isp);
}

static int
c_order(struct ctx *c)
{
	struct ve_info v;
	struct buf *t = &c->out->text;
	char d[32];
	int rc;

	memset(&v, 0, sizeof(v));
	if ((rc = db_ve_get(c->db, c->row->ve_id, &v)) != 1)
		return rc == 0 ? COMPOSE_EGONE : COMPOSE_EDB;
	snprintf(c->out->subject, sizeof(c->out->subject), "Your VE %s at %s is ready", v.ve_id,
	    c->isp);
	buf_printf(t, "Hello,\n\nthank you for your order at %s. Your VE is set up:\n\n", c->isp);
	buf_printf(t, "  VEid:        %s\n  Plan:        %s\n  OS template: %s\n", v.ve_id,
	    v.plan_name, v.template_name);
	for (size_t i = 0; i < v.nips; i++)
		buf_printf(t, "  Address:     %s/%s%s%s\n", v.ips[i].address, v.ips[i].netmask,
		    v.ips[i].dns_name[0] ? " " : "", v.ips[i].dns_name);
	if (v.gateway[0])
		buf_printf(t, "  Gateway:     %s\n", v.gateway);
	date_of(v.expires_at, d);
	buf_printf(t, "  Expires:     %s (its data is erased after that)\n", d);
	buf_puts(t, "\nThe root password is the one you chose when ordering; it is never sent by mail.\n");
	footer(c, v.ve_id);
	ve_info_free(&v);
	return COMPOSE_OK;
}

/* "Pay online: URL" when [payments] checkout_url is set and something is open. */
static void
pay_line(struct ctx *c, const json_t *j)
{
	const char *num = json_string_value(json_object_get(j, "number"));
	const char *cur = json_string_value(json_object_get(j, "currency"));
	long long open = (long long)json_integer_value(json_object_get(j, "balance_minor"));
	char ret[512], url[1024];

	snprintf(ret, sizeof(ret), "%s/self", c->url);
	if (num != NULL && cur != NULL && pay_url(conf_str(c->conf, "payments", "checkout_url"), num,
	    open, cur, ret, url, sizeof(url)))
		buf_printf(&c->out->text, "\nPay online: %s\n", url);
}

static const char *
jstr(const json_t *j, const char *k)
{
	const char *s = json_string_value(json_object_get(j, k));
	return s ? s : "";
}

static void
money_line(struct buf *t, const char *label, const json_t *j, const char *k, const char *cur)
{
	char a[40];

	money_format((int64_t)json_integer_value(json_object_get(j, k)), cur, a, sizeof(a));
	buf_printf(t, "  %-12s %s %s\n", label, a, cur);
}

/* The document the row names (*j, the caller's to free) and its VEs: COMPOSE_OK, else why not. */
static int
doc_load(struct ctx *c, const char **title, char *ves, size_t veslen, json_t **j)
{
	int rc;

	if ((*j = db_doc_json(c->db, c->row->number, NULL, c->now, title, &rc)) == NULL)
		return rc == BILLING_ENOENT ? COMPOSE_EGONE : COMPOSE_EDB;
	if (db_doc_ves(c->db, c->row->number, ves, veslen) != DB_OK) {
		json_decref(*j);
		return COMPOSE_EDB;
	}
	return COMPOSE_OK;
}

static int
c_document(struct ctx *c)
{
	const struct mail_row *r = c->row;
	struct buf *t = &c->out->text;
	const char *title = "";
	char ves[200] = "";
	json_t *j;
	int rc;

	if ((rc = doc_load(c, &title, ves, sizeof(ves), &j)) != COMPOSE_OK)
		return rc;
	const char *cur = jstr(j, "currency");
	snprintf(c->out->subject, sizeof(c->out->subject), "%s %s from %s", title, r->number, c->isp);
	buf_printf(t, "Hello,\n\n%s has issued %s %s", c->isp,
	    title[0] == 'I' ? "invoice" : title[0] == 'D' ? "debit note" : "credit note", r->number);
	if (*jstr(j, "period"))
		buf_printf(t, " for %s", jstr(j, "period"));
	buf_printf(t, "%s%s.\n\n", ves[0] ? " for your VE " : "", ves);
	money_line(t, "Subtotal:", j, "subtotal_minor", cur);
	money_line(t, "Tax:", j, "tax_minor", cur);
	money_line(t, "Total:", j, "total_minor", cur);
	if (*jstr(j, "due_at"))
		buf_printf(t, "  Due:         %.10s\n", jstr(j, "due_at"));
	if (*jstr(j, "reason"))
		buf_printf(t, "  Reason:      %s\n", jstr(j, "reason"));
	buf_puts(t, "\nThe document is attached as a PDF; it is also on your self screen.\n");
	pay_line(c, j);
	char url[320];
	struct doc_parties pa;
	doc_parties_conf(c->conf, r->rcpt, url, sizeof(url), &pa);
	pa.isp_name = c->isp;
	if (doc_pdf(j, title, &pa, &c->out->pdf) != DOC_PDF_OK) {
		snprintf(c->err, c->errlen, "%s: the PDF could not be rendered", r->number);
		json_decref(j);
		return COMPOSE_EGONE;
	}
	snprintf(c->out->filename, sizeof(c->out->filename), "%s.pdf", r->number);
	footer(c, ves);
	json_decref(j);
	return COMPOSE_OK;
}

static int
c_payment(struct ctx *c)
{
	const struct mail_row *r = c->row;
	struct buf *t = &c->out->text;
	char ves[200] = "", a[40], cur[4] = "";
	long long amount = 0;

	if (sscanf(r->detail, "%lld:%3s", &amount, cur) != 2)
		return COMPOSE_EGONE;
	if (db_doc_ves(c->db, r->number, ves, sizeof(ves)) != DB_OK)
		return COMPOSE_EDB;
	money_format(amount, cur, a, sizeof(a));
	snprintf(c->out->subject, sizeof(c->out->subject), "Payment received for %s (%s)", r->number,
	    c->isp);
	buf_printf(t, "Hello,\n\n%s has received your payment of %s %s for %s", c->isp, a, cur,
	    r->number);
	buf_printf(t, "%s%s%s. Thank you.\n", ves[0] ? " (VE " : "", ves, ves[0] ? ")" : "");
	footer(c, ves);
	return COMPOSE_OK;
}

static int
c_state(struct ctx *c)
{
	const struct mail_row *r = c->row;
	struct buf *t = &c->out->text;
	char what[32] = "";
	const char *why = strchr(r->detail, ':');

	snprintf(what, sizeof(what), "%.*s", why ? (int)(why - r->detail) : 0, r->detail);
	why = why ? why + 1 : "";
	snprintf(c->out->subject, sizeof(c->out->subject), "Your VE %s is %s (%s)", r->ve_id, what,
	    c->isp);
	buf_printf(t, "Hello,\n\nyour VE %s at %s is now %s", r->ve_id, c->isp, what);
	buf_printf(t, "%s%s.\n", *why ? ": " : "", why);
	if (strcmp(what, "suspended") == 0)
		buf_puts(t, "It is stopped; its data is kept. It is resumed when the reason is gone "
		    "(for an unpaid invoice: once it is paid).\n");
	else if (strcmp(what, "resumed") == 0)
		buf_puts(t, "It runs again.\n");
	else
		buf_puts(t, "Its data is erased.\n");
	footer(c, r->ve_id);
	return COMPOSE_OK;
}

static int
c_cap(struct ctx *c)
{
	const struct mail_row *r = c->row;
	char res[16] = "", act[16] = "";
	long long cap = 0;

	if (sscanf(r->detail, "%15[^:]:%15[^:]:%lld", res, act, &cap) != 3)
		return COMPOSE_EGONE;
	snprintf(c->out->subject, sizeof(c->out->subject), "Traffic cap reached by VE %s (%s)",
	    r->ve_id, c->isp);
	buf_printf(&c->out->text, "Hello,\n\nyour VE %s at %s has reached its %s cap of %lld MB "
	    "for this month.\n", r->ve_id, c->isp, strcmp(res, "traffic") == 0 ? "traffic" :
	    strcmp(res, "traffic_in") == 0 ? "inbound traffic" : "outbound traffic", cap / 1000000);
	buf_puts(&c->out->text, strcmp(act, "suspend") == 0 ?
	    "It is suspended until the month ends.\n" :
	    "Its bandwidth is limited until the month ends.\n");
	footer(c, r->ve_id);
	return COMPOSE_OK;
}

static int
c_reminder(struct ctx *c)
{
	const struct mail_row *r = c->row;
	struct buf *t = &c->out->text;
	const char *title = "";
	char ves[200] = "", d[32], a[40];
	json_t *j;
	int rc;

	if ((rc = doc_load(c, &title, ves, sizeof(ves), &j)) != COMPOSE_OK)
		return rc;
	long long bal = json_integer_value(json_object_get(j, "balance_minor"));
	if (bal <= 0) {
		snprintf(c->err, c->errlen, "%s is paid meanwhile", r->number);
		json_decref(j);
		return COMPOSE_EGONE;
	}
	money_format(bal, jstr(j, "currency"), a, sizeof(a));
	date_of(strtoll(r->detail, NULL, 10), d);
	snprintf(c->out->subject, sizeof(c->out->subject), "Reminder: %s is unpaid (%s)", r->number,
	    c->isp);
	buf_printf(t, "Hello,\n\n%s %s of %s is still open: %s %s.\n", title, r->number, c->isp, a,
	    jstr(j, "currency"));
	buf_printf(t, "Unless it is paid, your VE %s may be suspended on %s.\n", ves, d);
	pay_line(c, j);
	footer(c, ves);
	json_decref(j);
	return COMPOSE_OK;
}

static int
c_expiry(struct ctx *c)
{
	const struct mail_row *r = c->row;
	long long days = 0, at = 0;
	char d[32];

	if (sscanf(r->detail, "%lld:%lld", &days, &at) != 2)
		return COMPOSE_EGONE;
	date_of(at, d);
	snprintf(c->out->subject, sizeof(c->out->subject), "Your VE %s expires in %lld day%s (%s)",
	    r->ve_id, days, days == 1 ? "" : "s", c->isp);
	buf_printf(&c->out->text, "Hello,\n\nyour VE %s at %s reaches the end of its lifetime on "
	    "%s. After that (and a short grace) its data is erased: copy what you need.\n",
	    r->ve_id, c->isp, d);
	footer(c, r->ve_id);
	return COMPOSE_OK;
}

static int
c_reset(struct ctx *c)
{
	const struct mail_row *r = c->row;
	struct buf *t = &c->out->text;

	if (r->secret[0] == '\0')
		return COMPOSE_EGONE;
	snprintf(c->out->subject, sizeof(c->out->subject), "Password reset for VE %s (%s)", r->ve_id,
	    c->isp);
	buf_printf(t, "Hello,\n\nsomeone (probably you) asked to reset the password of VE %s at "
	    "%s.\nTo set a new password, open this link within 30 minutes (it works once):\n\n"
	    "  %s/self/reset?token=%s\n\nIf you did not ask for it, ignore this mail: the password "
	    "stays as it is.\n", r->ve_id, c->isp, c->url, r->secret);
	footer(c, r->ve_id);
	return COMPOSE_OK;
}

/*
 * A reinstall, a restore or a failed backup (db/migrations/0019_backups.sql:
 * detail is the audit row's action, ':', its JSON).
 */
static int
c_ve_event(struct ctx *c)
{
	const struct mail_row *r = c->row;
	struct buf *t = &c->out->text;
	const char *colon = strchr(r->detail, ':');
	json_t *j = colon != NULL ? json_loads(colon + 1, 0, NULL) : NULL;
	const char *tpl = json_string_value(json_object_get(j, "template"));
	const char *bk = json_string_value(json_object_get(j, "backup"));
	const char *err = json_string_value(json_object_get(j, "error"));
	char when[32] = "";

	if (json_is_integer(json_object_get(j, "taken_at")))
		date_of(json_integer_value(json_object_get(j, "taken_at")), when);
	if (strncmp(r->detail, "ve.reinstall:", 13) == 0) {
		snprintf(c->out->subject, sizeof(c->out->subject), "Your VE %s is being reinstalled (%s)",
		    r->ve_id, c->isp);
		buf_printf(t, "Hello,\n\nyour VE %s at %s is being reinstalled from the template %s: "
		    "its files are erased and it starts afresh with the new root password, keeping its "
		    "VEid and addresses.\n", r->ve_id, c->isp, tpl ? tpl : "chosen");
	} else if (strncmp(r->detail, "ve.restore:", 11) == 0) {
		snprintf(c->out->subject, sizeof(c->out->subject), "Your VE %s is being restored (%s)",
		    r->ve_id, c->isp);
		buf_printf(t, "Hello,\n\nyour VE %s at %s is being restored from its backup %s%s%s: "
		    "it is stopped, its files are replaced by the backup's, and it starts again within "
		    "a few minutes.\n", r->ve_id, c->isp, bk ? bk : "", when[0] ? " of " : "", when);
	} else if (strncmp(r->detail, "ve.backup_failed:", 17) == 0) {
		snprintf(c->out->subject, sizeof(c->out->subject), "A backup of your VE %s failed (%s)",
		    r->ve_id, c->isp);
		buf_printf(t, "Hello,\n\nthe latest backup of your VE %s at %s failed (%s). The "
		    "operator is told as well; it is tried again automatically.\n", r->ve_id, c->isp,
		    err ? err : "no reason given");
	} else {
		json_decref(j);
		return COMPOSE_EGONE;
	}
	json_decref(j);
	footer(c, r->ve_id);
	return COMPOSE_OK;
}

/* A service change (SPEC section 11): detail is the changed fields, comma-separated. */
static int
c_change(struct ctx *c)
{
	const struct mail_row *r = c->row;

	if (r->detail[0] == '\0')
		return COMPOSE_EGONE;
	snprintf(c->out->subject, sizeof(c->out->subject), "Your VE %s was changed (%s)",
	    r->ve_id, c->isp);
	buf_printf(&c->out->text, "Hello,\n\nthe service of your VE %s at %s was changed: %s.\n"
	    "Billing follows the new parameters from the second of the change; the self screen "
	    "shows them and this month's charges part by part.\n", r->ve_id, c->isp, r->detail);
	footer(c, r->ve_id);
	return COMPOSE_OK;
}

/* The closing lines of an account's own messages (no VE to name). */
static void
account_footer(struct ctx *c)
{
	buf_printf(&c->out->text, "\nYour account: %s/account\n\n-- \n%s\n", c->url, c->isp);
}

/*
 * An account's one-time link: the words of each kind; the message is
 * "someone (probably you) <did> at <isp><did_tail>. To <todo>, open this
 * link within <within>: <url>/account/<path>?token=<secret>. <after>".
 */
struct link_words {
	const char	*kind;		/* the mail_outbox kind it answers */
	const char	*subject;	/* followed by " <isp>" */
	const char	*did, *did_tail, *todo, *within, *path, *after;
};

/* A sign-up's verification link (db_account_signup, db/migrations/0020_accounts.sql). */
static const struct link_words verify_words = {
	"verify", "Confirm your e-mail address for", "opened an account", " with this address",
	"confirm it", "24 hours", "verify",
	"Until then no VE can be ordered into the account or linked to it. If you did not "
	"sign up, ignore this mail.",
};

/* An account's "Forgot password?" link (db_account_reset_request). */
static const struct link_words reset_words = {
	"account_reset", "Password reset for your account at", "asked to reset the password of your account", "",
	"set a new password", "30 minutes (it works once)", "reset",
	"If you did not ask for it, ignore this mail: the password stays as it is.",
};

/* The link that proves a new address of an account (db_account_email_request), sent to it. */
static const struct link_words email_words = {
	"email_change", "Confirm your new e-mail address for", "asked to use this address for an account", "",
	"confirm it", "24 hours (it works once)", "email/confirm",
	"Until then the account keeps its old address. If you did not ask for it, ignore this mail.",
};

static int
account_link(struct ctx *c, const struct link_words *w)
{
	const struct mail_row *r = c->row;

	if (r->secret[0] == '\0')
		return COMPOSE_EGONE;
	snprintf(c->out->subject, sizeof(c->out->subject), "%s %s", w->subject, c->isp);
	buf_printf(&c->out->text, "Hello,\n\nsomeone (probably you) %s at %s%s.\nTo %s, open this "
	    "link within %s:\n\n  %s/account/%s?token=%s\n\n%s\n", w->did, c->isp, w->did_tail,
	    w->todo, w->within, c->url, w->path, r->secret, w->after);
	account_footer(c);
	return COMPOSE_OK;
}

/*
 * A sign-up, or another account's change of address, with the address of
 * an account: told to its owner, never on the page.
 */
static int
c_account_exists(struct ctx *c)
{
	int change = strcmp(c->row->detail, "email_change") == 0;

	snprintf(c->out->subject, sizeof(c->out->subject), "You already have an account at %s", c->isp);
	buf_printf(&c->out->text, "Hello,\n\nsomeone (probably you) tried to %s at %s with this "
	    "address, which already has one. Nothing was changed.%s\n", change ?
	    "move another account to this address" : "open an account", c->isp, change ? "" :
	    " Log in with your password instead.");
	account_footer(c);
	return COMPOSE_OK;
}

/* To the old address once the new one is confirmed (db_account_email_confirm). */
static int
c_email_changed(struct ctx *c)
{
	snprintf(c->out->subject, sizeof(c->out->subject), "The e-mail address of your account at %s "
	    "has changed", c->isp);
	buf_printf(&c->out->text, "Hello,\n\nthe e-mail address of your account at %s was changed "
	    "from this address to %s, confirmed by a link sent to the new address. You log in with "
	    "the new address from now on; mail about the account goes there.\n\nIf you did not "
	    "make this change, reply to this mail or contact %s at once: someone may know your "
	    "password.\n", c->isp, c->row->detail, c->isp);
	account_footer(c);
	return COMPOSE_OK;
}

/* The account's one-time links, each kind with its words (account_link). */
static const struct link_words *const links[] = { &verify_words, &reset_words, &email_words };

static const struct kind {
	const char	*name;
	int		(*fn)(struct ctx *);
} kinds[] = {
	{ "order", c_order },
	{ "invoice", c_document },
	{ "credit_note", c_document },
	{ "debit_note", c_document },
	{ "payment", c_payment },
	{ "state", c_state },
	{ "cap", c_cap },
	{ "reminder", c_reminder },
	{ "expiry", c_expiry },
	{ "reset", c_reset },
	{ "ve_event", c_ve_event },
	{ "change", c_change },
	{ "account_exists", c_account_exists },
	{ "email_changed", c_email_changed },
};

void
composed_init(struct composed *c)
{
	memset(c, 0, sizeof(*c));
	buf_init(&c->text);
	buf_init(&c->pdf);
}

void
composed_free(struct composed *c)
{
	buf_free(&c->text);
	buf_free(&c->pdf);
}

int
compose(struct db *db, const struct conf *conf, const struct mail_row *r, long long now,
    struct composed *out, char *err, size_t errlen)
{
	struct ctx c = { db, conf, r, now, out, conf_str(conf, "isp", "name"),
	    conf_str(conf, "isp", "public_url"), err, errlen };
	int rc;

	snprintf(err, errlen, "nothing to say");
	if (r->rcpt[0] == '\0') {
		snprintf(err, errlen, "no recipient (account gone)");
		return COMPOSE_EGONE;
	}
	for (size_t i = 0; i < nitems(kinds); i++)
		if (strcmp(kinds[i].name, r->kind) == 0) {
			rc = kinds[i].fn(&c);
			goto done;
		}
	for (size_t i = 0; i < nitems(links); i++)
		if (strcmp(links[i]->kind, r->kind) == 0) {
			rc = account_link(&c, links[i]);
			goto done;
		}
	snprintf(err, errlen, "unknown kind %s", r->kind);
	return COMPOSE_EGONE;
done:
	if (rc == COMPOSE_EGONE && strcmp(err, "nothing to say") == 0)
		snprintf(err, errlen, "%s %s: its subject is gone", r->kind, r->ref);
	return rc;
}
