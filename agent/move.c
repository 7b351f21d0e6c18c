/*
 * The old node's side of a move with data: see move.h and velxc_move.c.
 * The token is compared in constant time and never logged; an unknown VE,
 * a VE not moving out and a wrong token get the same 403.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "backend.h"
#include "http.h"
#include "log.h"
#include "move.h"
#include "util.h"
#include "ve.h"

int
move_serve(struct backend *be, struct ve *const *ves, size_t n, const struct http_req *req,
    struct http_resp *resp)
{
	static const char pre[] = "/ves/", post[] = "/volume";
	const char *auth = req->authorization;
	char id[VE_ID_LEN + 1], sha[65];
	unsigned long long len = 0;
	struct ve *v = NULL;
	int fd = -1;

	if (strncmp(req->path, pre, sizeof(pre) - 1) != 0 ||
	    strlen(req->path) != sizeof(pre) - 1 + VE_ID_LEN + sizeof(post) - 1 ||
	    strcmp(req->path + sizeof(pre) - 1 + VE_ID_LEN, post) != 0)
		return 0;
	memcpy(id, req->path + sizeof(pre) - 1, VE_ID_LEN);
	id[VE_ID_LEN] = '\0';
	for (size_t i = 0; ve_id_valid(id) && i < n; i++)
		if (strcmp(ves[i]->spec.id, id) == 0 && !ves[i]->extra)
			v = ves[i];
	if (strncasecmp(auth, "Bearer ", 7) == 0)
		auth += 7;
	else
		auth = "";
	/* Compared even for an unknown VE, against a token no request can carry. */
	if (!vep_ct_streq(auth, v != NULL && v->spec.move_out_token[0] ? v->spec.move_out_token :
	    "\n") || auth[0] == '\0') {
		/* The id comes from the request: logged only when it is one. */
		log_warnx("volume of %s refused: no move out with that token",
		    ve_id_valid(id) ? id : "an unknown VE");
		resp->status = 403;
		buf_puts(resp->body, "forbidden\n");
		return 1;
	}
	if (be->ops->volume == NULL || be->ops->volume(be, v, &fd, &len, sha) == -1) {
		resp->status = 503;
		buf_puts(resp->body, "the volume is not released yet\n");
		return 1;
	}
	log_info("VE %s: sending its volume (%llu bytes) to the node it moves to", id, len);
	resp->status = 200;
	resp->ctype = "application/octet-stream";
	resp->file_fd = fd;
	resp->file_len = len;
	snprintf(resp->xhdr, sizeof(resp->xhdr), "X-Content-SHA256: %s", sha);
	return 1;
}
