/*
 * The JSON API program (/api/v1/...): its handlers live in one file per
 * area (api_orders.c, api_history.c, api_billing.c, api_nodes.c,
 * api_admin.c); api.c holds the one route table and the credential check
 * every handler starts with.
 */
#ifndef VEP_API_H
#define VEP_API_H

#include "veid.h"	/* ve_id_valid */
#include "web.h"

/* WHO_VE: a VE-scoped read-only token (kind "ve"): GET calls on that VE only. */
enum who { WHO_NONE = 0, WHO_OWNER, WHO_ADMIN, WHO_VE };

struct caller {
	enum who	 who;
	char		 ve_id[9];	/* the owner's VE (WHO_OWNER, WHO_VE) */
};

/*
 * Check the Authorization header (Basic VEid:password for an owner, Bearer
 * token for the operator or a VE's read-only token), with throttling.  Returns 0 with c filled, or -1
 * with the answer (401, 429, 503) already in resp.
 */
int	api_auth(struct web *, struct req *, struct resp *, struct caller *);
/* May c see VE ve_id?  Otherwise answer 404 (same as a VE that does not exist). */
int	api_may_see(struct web *, struct resp *, const struct caller *, const char *ve_id);
/*
 * May c change VE ve_id (owner by password, or operator)?  A VE token of
 * that VE gets 403 (read-only), any other caller 404 as api_may_see.
 */
int	api_may_act(struct web *, struct resp *, const struct caller *, const char *ve_id);
/* The caller, and a VEid in the path that is one (else 422): 0, or -1 answered. */
int	api_ve_call(struct web *, struct req *, struct resp *, struct caller *, const char *id);
/* The operator's Bearer token is required: 1, or 0 with 401/403/429/503 in resp. */
int	api_admin_only(struct web *, struct req *, struct resp *);
/* api_admin_only, and a JSON object in the body (else 400 with msg): 1, or 0 answered. */
int	api_admin_json(struct web *, struct req *, struct resp *, const char *msg);
/*
 * The answer to a db_admin.h error rc (ADM_E*): 404 no such VE or node,
 * 409 a conflict or a name taken, 422 bad input (err says why), else 503.
 */
void	api_admin_fail(struct web *, struct resp *, int rc, const char *err);

#define API_FN(name) void name(struct web *, struct req *, struct resp *, char caps[][80])
API_FN(api_orders_create);
API_FN(api_ve_get);
API_FN(api_ve_history);
API_FN(api_ve_charges);
API_FN(api_ve_invoices);
API_FN(api_invoice_get);
API_FN(api_node_ves);
API_FN(api_node_ve_moved);
API_FN(api_node_ve_token);
API_FN(api_ve_power);
API_FN(api_ve_change);		/* api_change.c */
API_FN(api_admin_ve_move);
API_FN(api_admin_ve_suspend);
API_FN(api_admin_ve_resume);
API_FN(api_admin_ve_delete);
API_FN(api_admin_ves);
API_FN(api_admin_nodes);
API_FN(api_admin_node_add);
API_FN(api_admin_node_delete);
API_FN(api_admin_plans);
API_FN(api_admin_plan_add);
API_FN(api_admin_account_tax);		/* api_tax.c */
API_FN(api_admin_account_tax_set);
API_FN(api_admin_invoice_runs);
API_FN(api_admin_report);
API_FN(api_admin_payment_add);
API_FN(api_admin_credit_note_add);
API_FN(api_ve_reinstall);		/* api_backup.c */
API_FN(api_ve_backups);
API_FN(api_ve_backup_now);
API_FN(api_ve_restore);
API_FN(api_node_ve_backups);
API_FN(api_invoice_pdf);		/* api_pay.c */
API_FN(api_payments_webhook);

#endif
