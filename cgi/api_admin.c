/*
 * The operator's VE lifecycle calls and reports (SPEC section 5).
 */
#include "api.h"

#define STUB(name)							\
void									\
name(struct web *w, struct req *q, struct resp *r, char caps[][80])	\
{									\
	(void)q; (void)caps;						\
	web_error(w, r, 501, "This call is not available in this version yet.");	\
}

STUB(api_admin_ve_move)
STUB(api_admin_ve_suspend)
STUB(api_admin_ve_resume)
STUB(api_admin_ve_delete)
STUB(api_admin_ves)
STUB(api_admin_report)
