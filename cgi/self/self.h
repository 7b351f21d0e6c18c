/*
 * vep-self's own header: what the files of cgi/self/ share.  The page
 * table with each page's access rule is in main.c, the fields with their
 * validators in fields.c, one file per area for the pages.
 */
#ifndef VEP_SELF_H
#define VEP_SELF_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "conf.h"
#include "db.h"
#include "db_bill.h"
#include "db_charges.h"
#include "db_docs.h"
#include "db_late.h"
#include "db_ve.h"
#include "fmt.h"
#include "form.h"
#include "log.h"
#include "page.h"
#include "rating.h"
#include "self_billing.h"
#include "tmpl.h"
#include "web.h"

#define BIT(k)		FORM_BIT(k)

PAGE_FN(page_self);		/* dashboard.c */
PAGE_FN(page_chart);		/* dashboard.c */
PAGE_FN(page_login);		/* login.c */
PAGE_FN(page_password);		/* login.c */
PAGE_FN(page_power);		/* login.c */
PAGE_FN(page_charges);		/* charges.c */
PAGE_FN(page_invoice);		/* invoice.c */
PAGE_FN(page_reinstall);	/* reinstall.c: reinstall and backups */
PAGE_FN(page_reinstall_post);
PAGE_FN(page_backup_now);
PAGE_FN(page_restore);
PAGE_FN(page_change_form);	/* change.c */
PAGE_FN(page_change);		/* change.c */

/* fields.c: every field any page reads, with its validator; handlers see only struct form. */
enum key { K_VE_ID, K_PASSWORD, K_CSRF, K_LOGIN_TOKEN, K_OLD_PASSWORD, K_NEW_PASSWORD, K_CONFIRM,
    K_METRIC, K_RANGE, K_CHANGED, K_PERIOD, K_RESOURCE, K_DAY, K_ACTION, K_POWERED,
    K_TEMPLATE, K_BACKUP, K_SURE, K_DONE, K__MAX };

/* The fields of mask from l into v; the number refused.  K_PERIOD's n is YYYY * 100 + MM. */
int	self_read(const struct kvlist *l, uint64_t mask, struct form *v);

/* login.c */
/*
 * The login form with a fresh login token (signed with [web]
 * form_key_file) in the form and in its cookie: a login must start on
 * this site, in this browser (no login CSRF).
 */
void	render_login(struct web *, struct req *, struct resp *, int status, const char *ve_id,
	    const char *msg);

/* dashboard.c */
/* What the password form shows again. */
struct pwform {
	const char	*err_old, *err_new, *err_confirm, *notice;
};
/*
 * The dashboard of the session's VE, or the login page when the VE is
 * gone; changed: 1 the password was changed, 2 + enum ve_power after a
 * power action (the notice).
 */
void	show_dashboard(struct web *, struct req *, struct resp *, int status, int range, int changed,
	    const struct pwform *);
/* show_dashboard with csrf in the forms: 1 the dashboard was rendered, 0 another answer. */
int	dash_build(struct web *, struct req *, struct resp *, int status, int range, int changed,
	    const struct pwform *, const char *csrf);

/*
 * dashcache.c: the plain GET /self from the session's precomputed page
 * (w->page, PAGE_CACHED) while it is younger than a second, else rendered
 * and stored for the next ones (lib/db/db_vepage.h).
 */
void	dash_cached(struct web *, struct req *, struct resp *);

/* billing.c: what the dashboard shows of billing; the JSON as the API answers it. */
struct selfbill {
	int		 year, month;		/* the current period */
	json_t		*charges;		/* NULL: could not be computed */
	json_t		*invoices;		/* NULL: could not be read */
	struct self_cap	 caps[3];
	size_t		 ncaps;
	long long	 month_in, month_out;	/* this month's traffic (usage_day) */
};
extern const char *const res_labels[RR__MAX];
/* "Charges this month", "Invoices" and the notes. */
void	fill_billing(struct web *, struct tmpl_dict *, const struct selfbill *);
/* The notice of a traffic cap reached this month. */
void	cap_banner(struct tmpl_dict *, const struct self_cap *);
/* A string or integer of the JSON ("" or 0 when absent). */
const char *jstr(const json_t *, const char *key);
long long jint(const json_t *, const char *key);
/* An ISO 8601 time of the JSON as a date (as it is when it does not parse). */
void	jdate(const json_t *, const char *key, char *out, size_t outlen);
/* The amount jkey of j in cur. */
void	set_jmoney(struct tmpl_dict *, const char *key, const json_t *j, const char *jkey, const char *cur);
/* One charge or invoice line into a section repetition of d. */
struct tmpl_dict *add_line(struct tmpl_dict *, const char *section, const json_t *l, const char *cur);

/* charges.c */
/*
 * The session's VE for a billing page: 1 (vi filled; free it with
 * ve_info_free), 0 with an answer already in r.
 */
int	billing_ve(struct web *, struct resp *, struct ve_info *vi);

#endif
