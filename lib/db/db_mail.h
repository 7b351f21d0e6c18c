/*
 * db_mail: the mail outbox, password reset links and provider webhook
 * events (db/migrations/0017_mail.sql, SPEC section 10).
 *
 * Outbox rows of billing and lifecycle events are written by triggers in
 * the event's own transaction; the periodic notices (reminders before a
 * suspension, expiry) by db_mail_periodic; reset links by db_reset_request.
 * vep-mailer claims queued rows with a lease (db_mail_claim), so that two
 * mailers never hold one row, and marks each sent or failed.
 *
 * Functions return 0 (DB_OK) or a db_rc unless said otherwise.
 */
#ifndef VEP_DB_MAIL_H
#define VEP_DB_MAIL_H

#include <stddef.h>

#include <jansson.h>

struct db;

/* One outbox row as the mailer needs it. */
struct mail_row {
	long long	 id;
	char		 kind[25];
	char		 ref[97];
	long long	 account_id;	/* 0: none */
	char		 ve_id[9];	/* "" when none */
	char		 number[25];	/* "" when none */
	char		 detail[256];
	char		 secret[129];	/* "" when none */
	long long	 attempts;
	long long	 created_at;
	char		 rcpt[255];	/* the account's e-mail, "" when none */
};

/*
 * Claim up to max queued rows due at now for owner (a random per-claim
 * token) until now + lease_s; rows another mailer holds (lease not run
 * out) are skipped.  Fills rows[0..*n).
 */
int	db_mail_claim(struct db *, const char *owner, long long now, long long lease_s,
	    struct mail_row *rows, size_t max, size_t *n);
/* The row was handed to the relay: sent, its secret wiped.  Only while owner holds it. */
int	db_mail_sent(struct db *, long long id, const char *owner, long long now,
	    const char *message_id);
/*
 * A try failed: attempts + 1, last_error, and next_try (queued) or, with
 * give_up, state failed (its secret wiped).  Only while owner holds it.
 */
int	db_mail_retry(struct db *, long long id, const char *owner, long long next_try,
	    int give_up, const char *error);

/*
 * Remove sent rows older than keep_days (reminders: 400 days at least, so
 * none is sent twice); failed rows stay until an operator removes them.
 * At most 10,000 a call; *removed counts them.
 */
int	db_mail_prune(struct db *, long long now, long long keep_days, long long *removed);

/* Counts for the admin dashboard and the mailer's log. */
struct mail_counts {
	long long	 queued, failed, sent;
	long long	 oldest_queued_at;	/* 0 when none is queued */
};
int	db_mail_counts(struct db *, struct mail_counts *);

/*
 * The notices due at now that no event writes (each once, by its unique key):
 * a reminder for every open invoice and debit note reminder_days[i] days
 * before its suspension date (due date + suspend_days; the due date itself
 * when suspend_days is 0), only the nearest of the days that apply; an
 * expiry notice for every active VE expiring within 7 days and within 1 day.
 * *added counts the new rows.
 */
int	db_mail_periodic(struct db *, long long now, const int *reminder_days, size_t ndays,
	    int suspend_days, int *added);

/*
 * A billing document as the API shows it: an invoice (INV-), a debit note
 * (DN-) or a credit note (CN-, its entry of the invoice's "credit_notes"
 * with the invoice's currency and number added).  owner_ve as for
 * db_docs_invoice_json.  *title is "Invoice", "Debit note" or "Credit note".
 * *rc as db_docs_invoice_json's (BILLING_OK, BILLING_ENOENT, BILLING_EDB).
 */
json_t	*db_doc_json(struct db *, const char *number, const char *owner_ve, long long now,
	    const char **title, int *rc);

/* The e-mail of the account a document is for ("" when none). */
int	db_doc_customer(struct db *, const char *number, char *email, size_t len);

/* The VEids on a document's lines (for the mail naming them), comma-separated. */
int	db_doc_ves(struct db *, const char *number, char *out, size_t outlen);

/*
 * A message code queues itself (the triggers queue the rest), due at now:
 * (kind, ref) is the row's unique key; account_id 0, ve_id, rcpt (an
 * address other than the account's) and secret NULL when none.
 */
struct mail_new {
	const char	*kind, *ref;
	long long	 account_id;
	const char	*ve_id, *rcpt, *detail, *secret;
	long long	 now;
};
/* Queue m; once: a (kind, ref) queued already is left as it is (DB_OK), not DB_DUP. */
int	db_mail_queue(struct db *, const struct mail_new *m, int once);
/*
 * Queue m (its ref, detail and secret aside) as a link's mail: its ref the token's hash, its detail the
 * link's expiry (seconds since the epoch), its secret the token itself
 * until the relay has it.  The kinds verify, account_reset, email_change
 * and reset.
 */
int	db_mail_queue_link(struct db *, const struct mail_new *m, const char *token_hash,
	    const char *token, long long expires);

/*
 * Password reset: when ve_id names a VE that is not deleted, store
 * token_hash (SHA-256 hex of the mailed token) valid until expires_at and
 * queue the mail with the token as its secret, in one transaction; an
 * unknown VE writes nothing and returns 0 all the same.
 */
int	db_reset_request(struct db *, const char *ve_id, const char *token_hash,
	    const char *token, long long now, long long expires_at);
/*
 * Use a reset link: 1 and ve_id[9] filled when token_hash is unused and
 * not expired at now (it is then marked used, in the same transaction that
 * sets the VE's password hash and its root account's crypt(3) hash
 * (rootcrypt, as db_ve_set_hash) and ends its self sessions); 0 when the
 * link is unknown, used or expired; < 0 on db error.  With hash NULL only
 * checks (the form's GET), writing nothing.
 */
int	db_reset_use(struct db *, const char *token_hash, long long now, const char *hash,
	    const char *rootcrypt, char ve_id[9]);

/* 1 when the webhook event was recorded already, 0 not, < 0 db error. */
int	db_webhook_seen(struct db *, const char *event_id);

#endif
