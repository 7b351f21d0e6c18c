/*
 * Nodes through the API: the agents' VE list and the operator's node calls.
 */
#include "api.h"

#define STUB(name)							\
void									\
name(struct web *w, struct req *q, struct resp *r, char caps[][80])	\
{									\
	(void)q; (void)caps;						\
	web_error(w, r, 501, "This call is not available in this version yet.");	\
}

STUB(api_node_ves)
STUB(api_admin_nodes)
STUB(api_admin_node_add)
STUB(api_admin_node_delete)
