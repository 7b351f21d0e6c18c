/*
 * Changing an account's e-mail address (db/migrations/0029): the SQL of
 * cgi/account/email.c.  A request records the new address under the
 * SHA-256 of a random token and queues the link to the new address
 * (mail kind "email_change", the token in the outbox row until the relay
 * has it, as a sign-up's link).  Opening the link changes the account's
 * address (email and its lower-case login_email) and queues a notice to
 * the old address (kind "email_changed"); both are audited.  An address
 * another account logs in with is never taken: its owner gets the
 * "you already have an account" mail instead, and the page says the same
 * as for a free one, so it tells nobody which addresses have accounts.
 */
#ifndef VEP_DB_ACCOUNT_EMAIL_H
#define VEP_DB_ACCOUNT_EMAIL_H

struct db;

/* What a request did. */
enum acct_email_rc {
	AE_SENT = 1,		/* the link went to the new address */
	AE_TAKEN,		/* another account has it: its owner is told */
	AE_SAME,		/* it is the account's address already: nothing done */
	AE_GONE,		/* no such account with a login */
};

/*
 * Account id asks to change its address to email_norm (lower case,
 * acct_email_norm'ed); the link's token and its hash, valid until
 * expires.  An enum acct_email_rc, or < 0 a db_rc (nothing written).
 */
int	db_account_email_request(struct db *, long long id, const char *email_norm,
	    const char *token, const char *token_hash, long long now, long long expires);
/*
 * The link with token_hash opened: 1 the address changed (*id its
 * account), 0 unknown, used or expired, 2 the address was taken by
 * another account meanwhile (nothing changed; the link is spent), < 0 a
 * db_rc.
 */
int	db_account_email_confirm(struct db *, const char *token_hash, long long now, long long *id);
/* The address a change waits to confirm for account id into out (255 bytes): 1, 0 none, < 0. */
int	db_account_email_pending(struct db *, long long id, long long now, char out[255]);

#endif
