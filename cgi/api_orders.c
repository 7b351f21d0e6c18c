/*
 * Orders and VE state through the API (SPEC sections 3 and 5): POST /orders, GET /ves/{id}.
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
