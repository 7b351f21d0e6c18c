/*
 * Usage history through the API (SPEC sections 5 and 6): GET /ves/{id}/history.
 */
#include "api.h"

#define STUB(name)							\
void									\
name(struct web *w, struct req *q, struct resp *r, char caps[][80])	\
{									\
	(void)q; (void)caps;						\
	web_error(w, r, 501, "This call is not available in this version yet.");	\
}

STUB(api_ve_history)
