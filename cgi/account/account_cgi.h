/*
 * vep-account's own header: what the files of cgi/account/ share.  The
 * page table with each page's access rule is in main.c, the fields with
 * their validators in fields.c, one file per area for the pages: login.c
 * (sign-up, verification, login, logout), reset.c ("Forgot password?"), email.c (a new
 * e-mail address, proven by a mailed link), home.c (the account's VEs,
 * charges, invoices and profile), link.c (linking a VE ordered from
 * outside).  Ordering a VE into the account is /account/order, served by
 * vep-signup from the same field table as the signup form (cgi/signup.c).
 */
#ifndef VEP_ACCOUNT_CGI_H
#define VEP_ACCOUNT_CGI_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "conf.h"
#include "db.h"
#include "db_account.h"
#include "form.h"
#include "log.h"
#include "page.h"
#include "tmpl.h"
#include "web.h"

#define BIT(k)		FORM_BIT(k)
#define LOGIN_COOKIE	"vep_acct_login"
#define LOGIN_PURPOSE	"account-login"
#define VERIFY_TTL_S	86400

PAGE_FN(page_home);		/* home.c */
PAGE_FN(page_profile);		/* home.c */
PAGE_FN(page_pdf);		/* home.c */
PAGE_FN(page_login);		/* login.c */
PAGE_FN(page_signup);		/* login.c */
PAGE_FN(page_verify);		/* login.c */
PAGE_FN(page_resend);		/* login.c */
PAGE_FN(page_link);		/* link.c */
PAGE_FN(page_email);		/* email.c */
PAGE_FN(page_email_confirm);	/* email.c */
PAGE_FN(page_forgot_form);	/* reset.c */
PAGE_FN(page_forgot);		/* reset.c */
PAGE_FN(page_reset_form);	/* reset.c */
PAGE_FN(page_reset);		/* reset.c */

/* fields.c: every field any page reads, with its validator. */
enum key { K_EMAIL, K_PASSWORD, K_CONFIRM, K_LOGIN_TOKEN, K_TOKEN, K_VE_ID, K_VE_PASSWORD,
    K_FORM_TOKEN, K_NAME, K_COMPANY, K_ADDRESS, K_VAT_ID, K_PHONE, K_COUNTRY, K_DONE, K_NEW_EMAIL,
    K__MAX };
#define PROFILE_MASK	(BIT(K_NAME) | BIT(K_COMPANY) | BIT(K_ADDRESS) | BIT(K_VAT_ID) | BIT(K_PHONE) | \
			    BIT(K_COUNTRY))

/* The fields of mask from l into v; the number refused. */
int	acct_read(const struct kvlist *l, uint64_t mask, struct form *v);
extern const struct form_field acct_form_fields[K__MAX];

/* login.c: the login and sign-up page (fresh form token), msg as its error, the e-mail kept. */
void	render_login(struct web *, struct req *, struct resp *, int status, const char *email,
	    const char *msg);
/*
 * login.c: a new link's token (32 random bytes as hex) and its SHA-256,
 * the only part stored: 0, or -1 answered (500).
 */
int	link_token_new(struct web *, struct resp *, char token[65], char th[65]);
/*
 * login.c: open a mailed confirmation link (?token=) with use(), given
 * the token's SHA-256: use's verdict (> 0, *id its account), or 0 when
 * already answered (400 not one of ours, 404 unknown, used or expired,
 * 503).
 */
int	link_open(struct web *, struct req *, struct resp *,
	    int (*use)(struct db *, const char *token_hash, long long now, long long *id),
	    long long *id);
/* login.c: the same page with a notice (a sentence that is not an error) above it. */
void	render_login_notice(struct web *, struct req *, struct resp *, int status,
	    const char *notice);
/*
 * login.c: the mail throttle of an address (norm: lower case): 0 go on
 * (this request counted), 1 locked (answered through msg and
 * Retry-After), -1 answered (503).
 */
int	mail_throttled(struct web *, struct req *, struct resp *, const char *norm, char *msg,
	    size_t len);

/* home.c: what the account page shows besides its VEs. */
struct home_msgs {
	const char	*notice;		/* a sentence at the top */
	const char	*error;			/* an error at the top */
	const char	*profile_bad[AF__MAX];	/* the profile form's refusals */
	const struct form *profile;		/* the profile as typed, when refused */
	enum home_form { HF_NONE, HF_LINK, HF_EMAIL } refused;	/* a small form's refusal: */
	const char	*why;			/* its sentence */
	const char	*typed;			/* what was typed in its one text field */
};
/* The session's account page (status as given); its account gone: the login page. */
void	show_home(struct web *, struct req *, struct resp *, int status, const struct home_msgs *);
/* The session's account into a: 1, or 0 answered (503; gone: the session ends, the login page). */
int	home_account(struct web *, struct req *, struct resp *, struct account *);
/* The account page with form f refused: top over the page, why at the form, typed kept. */
void	home_refuse(struct web *, struct req *, struct resp *, int status, enum home_form f,
	    const char *top, const char *why, const char *typed);
/* The session's account id (lib/web/web.c checked the session). */
long long session_account(const struct web *);

#endif
