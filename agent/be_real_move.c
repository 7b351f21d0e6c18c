/*
 * Move with data on the real backend (issue 14): the node a VE leaves
 * ("move_out") stops it and releases its volume (velxc release: unmounted,
 * synced, size and SHA-256), then serves it (agent/move.c); the node it
 * comes to ("move_from") fetches it instead of making one from the template
 * (velxc fetch, in drive()), starts it, and tells the panel it runs there
 * (velxc moved).  The old node erases its copy when the panel no longer
 * lists the VE there, as for any VE removed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "be_real_int.h"
#include "log.h"

int
be_real_move_drive(struct be_real *b, struct rve *r)
{
	if (r->spec.move_out_token[0] == '\0') {
		r->move_ready = 0;
		if (r->spec.move_from_url[0] && r->created && r->running && !r->move_told) {
			be_real_push_op(b, r, OP_MOVED);
			return 1;
		}
		return 0;
	}
	/* Moving out: never started again here; stopped, then released once. */
	if (!r->created || r->move_ready)
		return 1;
	be_real_push_op(b, r, r->running ? OP_STOP : OP_RELEASE);
	return 1;
}

void
be_real_move_done(struct be_real *b, struct rve *r, enum op op, const char *out)
{
	const char *s = strstr(out, "size="), *h = strstr(out, "sha256=");

	(void)b;
	if (op == OP_MOVED) {
		r->move_told = 1;
		log_info("VE %s: runs here with the data of the node it left; the panel was told",
		    r->spec.id);
		return;
	}
	if (op != OP_RELEASE)
		return;
	if (s == NULL || h == NULL || strspn(h + 7, "0123456789abcdef") != 64) {
		log_warnx("VE %s: release gave no size and checksum", r->spec.id);
		return;
	}
	r->move_len = strtoull(s + 5, NULL, 10);
	memcpy(r->move_sha, h + 7, 64);
	r->move_sha[64] = '\0';
	r->move_ready = 1;
	log_info("VE %s: volume released for its move (%llu bytes)", r->spec.id, r->move_len);
}

int
be_real_volume(struct backend *be, struct ve *v, int *fd, unsigned long long *len, char sha[65])
{
	struct be_real *b = (struct be_real *)be;
	struct rve *r = v->be;
	char path[4096];
	struct stat st;

	if (r == NULL || !r->move_ready || r->running || r->op != OP_NONE)
		return -1;
	snprintf(path, sizeof(path), "%s/%s/root.img", b->c.ve_root, v->spec.id);
	if ((*fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(*fd, &st) == -1 || (unsigned long long)st.st_size != r->move_len) {
		close(*fd);
		*fd = -1;
		r->move_ready = 0;	/* changed since: released again */
		return -1;
	}
	*len = r->move_len;
	memcpy(sha, r->move_sha, 65);
	return 0;
}
