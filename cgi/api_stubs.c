/*
 * Calls whose capability is not built yet answer 501 with a plain reason
 * rather than 404, so clients can tell "not yet" from "no such thing".
 * Each function moves to its area's file when that area lands.
 */
#include "api.h"

#define STUB(name)							\
void									\
name(struct web *w, struct req *q, struct resp *r, char caps[][80])	\
{									\
	(void)q; (void)caps;						\
	web_error(w, r, 501, "This call is not available in this version yet.");	\
}

STUB(api_orders_create)
STUB(api_ve_get)
STUB(api_ve_history)
STUB(api_ve_charges)
STUB(api_ve_invoices)
STUB(api_invoice_get)
STUB(api_node_ves)
STUB(api_admin_ve_move)
STUB(api_admin_ve_suspend)
STUB(api_admin_ve_resume)
STUB(api_admin_ve_delete)
STUB(api_admin_ves)
STUB(api_admin_nodes)
STUB(api_admin_node_add)
STUB(api_admin_node_delete)
STUB(api_admin_report)
STUB(api_admin_invoice_runs)
