/*
 * GET /ves/{id}/volume on the agent's HTTP server: the volume of a VE that
 * moves away with its data, to the node the panel sent it to (the panel
 * gave both nodes the same one-time token: "move_out" here).
 */
#ifndef VEAGENT_MOVE_H
#define VEAGENT_MOVE_H

#include <stddef.h>

struct backend;
struct http_req;
struct http_resp;
struct ve;

/*
 * 1 when req is such a request (resp filled: 200 with the file, 403 for a
 * wrong or absent token or a VE not moving out: nothing sent, 503 while
 * the volume is not released yet), 0 for any other path.
 */
int	move_serve(struct backend *, struct ve *const *, size_t n, const struct http_req *,
	    struct http_resp *);

#endif
