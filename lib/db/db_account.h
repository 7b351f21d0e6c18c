/*
 * db_account: customer accounts with a login (db/migrations/0020_accounts.sql,
 * issue 18): sign-up, the mailed verification link, the login's hash,
 * the profile, the account's VEs, and linking a VE ordered from outside.
 * Ordering a VE into an account is db_ve.h's ve_place_account.
 *
 * Functions return 0 (DB_OK) or a db_rc < 0 unless said otherwise.
 */
#ifndef VEP_DB_ACCOUNT_H
#define VEP_DB_ACCOUNT_H

#include <stddef.h>

#include "account.h"

struct db;

/* An account as its owner sees it. */
struct account {
	long long		 id;
	char			 email[255];		/* the billing contact (the login's address) */
	long long		 verified_at;		/* 0: not yet */
	long long		 created_at;
	struct acct_profile	 p;
};

enum acct_signup_rc {
	AS_NEW = 1,		/* a new account (*id), its link queued */
	AS_AGAIN = 2,		/* an unverified account of this address: new password, new link */
	AS_EXISTS = 3,		/* a verified account has this address: a notice queued, nothing else written */
};
/*
 * Sign up email (normalised, acct_email_norm) with the argon2id hash
 * pwhash; token (mailed, hex) and token_hash its SHA-256, valid until
 * expires.  One transaction; enum acct_signup_rc with *id, or a db_rc.
 */
int	db_account_signup(struct db *, const char *email, const char *pwhash, const char *token,
	    const char *token_hash, long long now, long long expires, long long *id);
/* A fresh link for an unverified account (its older links end).  1 queued, 0 verified already or none. */
int	db_account_relink(struct db *, long long id, const char *token, const char *token_hash,
	    long long now, long long expires);
/* Open a link: 1 verified (*id), 0 unknown or expired, < 0 db_rc.  Its links end. */
int	db_account_verify(struct db *, const char *token_hash, long long now, long long *id);

/* The account with a login for email (normalised): 1 (*id), 0 none, < 0. */
int	db_account_by_email(struct db *, const char *email, long long *id);
/* web_pwlogin's hash_of: the hash of the account whose id is the decimal subject.  1, 0, < 0. */
int	db_account_hash(struct db *, const char *subject, char *hash, size_t len);
/* 1 filled, 0 no such account with a login, < 0. */
int	db_account_get(struct db *, long long id, struct account *);
/* Store the profile (checked by acct_profile_check), audited. */
int	db_account_set_profile(struct db *, long long id, const struct acct_profile *, long long now);

/* One VE of an account (not deleted). */
struct acct_ve {
	char		 ve_id[9];
	char		 state[16];
	char		 plan[129];
	char		 currency[4];
	long long	 created_at, expires_at;
};
/* The account's VEs, oldest first: *ves (free()) and *n. */
int	db_account_ves(struct db *, long long id, struct acct_ve **ves, size_t *n);

/* One invoice of an account (one per month and currency for all its VEs). */
struct acct_invoice {
	char		 number[25];
	char		 period[8];
	char		 currency[4];
	long long	 total_minor, issued_at, due_at;
	char		 ves[1024];		/* the VEids it bills, space-separated */
};
/* The account's invoices, newest first (at most 120): *inv (free()) and *n. */
int	db_account_invoices(struct db *, long long id, struct acct_invoice **inv, size_t *n);

/*
 * "Forgot password?": when email (normalised) has an account with a login,
 * store token_hash (valid until expires, once) and queue the mail with
 * token.  1 queued, 0 no such account (nothing written), < 0.
 */
int	db_account_reset_request(struct db *, const char *email, const char *token,
	    const char *token_hash, long long now, long long expires);
/* 1 when the reset link is unused and fresh, 0 not, < 0. */
int	db_account_reset_valid(struct db *, const char *token_hash, long long now);
/*
 * Use a reset link: the account's password becomes pwhash (and its address
 * counts as confirmed), the link is spent, audited.  1 (*id), 0 bad link, < 0.
 */
int	db_account_reset_use(struct db *, const char *token_hash, const char *pwhash, long long now,
	    long long *id);

/* Is the document number (INV-, CN-, DN-) the account's?  1, 0 (another's or none), < 0. */
int	db_account_doc_owned(struct db *, long long id, const char *number);

enum acct_link_rc {
	AL_OK = 1,
	AL_ALREADY = 2,		/* the VE is in this account already */
	AL_OTHER = 3,		/* the VE is in another account with a login: refused */
	AL_NOVE = 4,		/* no such VE (or deleted) */
};
/*
 * Move ve_id (its password checked by the caller) from its order's
 * account to account id, in one transaction with its audit row and an
 * account_links row.  enum acct_link_rc or a db_rc.
 */
int	db_account_link(struct db *, long long id, const char *ve_id, long long now);

/*
 * Tell the owner of account `owner` that someone used its address (why:
 * "signup" or "email_change"; mail kind account_exists, at most one an
 * hour), inside the caller's transaction.  A db_rc.
 */
int	db_account_tell_exists(struct db *, long long owner, const char *why, long long now);

#endif
