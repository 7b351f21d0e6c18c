/*
 * The root password's crypt(3) hash, after the answer: see order_crypt.h.
 *
 * Why later: an order made two slow hashes before it answered (argon2id
 * for the panel, yescrypt for the VE's /etc/shadow), and the node does not
 * need the second until it next reads its VE list (every 5 s, and it sets
 * the password on a running VE when the hash appears), so the answer waits
 * for one.  Should the worker die in the few tens of milliseconds between
 * the answer and the update, the VE has no root password on its node
 * until the owner sets one on the self screen (README, "Known gaps").
 *
 * After the answer is not yet out of the way: the yescrypt (about 25 ms
 * of CPU, and as much again of the kernel's for faulting in and freeing
 * its 16 MiB) ran at the same priority as the next requests, the next
 * order's argon2id among them, on a machine of 2 cores.  It runs in a
 * thread of its own at nice CRYPT_NICE, so a request being answered wins
 * a shared core, while a free core still runs it at once (and under a
 * long overload it gets about a tenth of a core, not nothing: the worker
 * and its hash slot are not held for long).
 *
 * Even so it ran beside the next order's argon2id when orders came back
 * to back, and two memory-hard hashes on the two cores slow each other
 * (their 19 and 16 MiB do not both fit in the 32 MiB cache).  So an
 * order now starts it as soon as its argon2id is done (ve_place_deferred's
 * early job), beside its own transaction and answer, and only collects
 * it here; with its memory kept (cryptmem.h) it takes about 12 ms, done
 * before the next order's argon2id starts.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "db_ve.h"
#include "log.h"
#include "order_crypt.h"
#include "secret.h"
#include "web.h"

struct job {
	char			 ve_id[9];
	char			*pw;	/* NULL: early's */
	struct auth_crypt_job	*early;
};

static void
run(struct web *w, void *arg)
{
	struct job *j = arg;
	char h[AUTH_CRYPT_MAX];
	int slot = AUTH_SLOT_BUSY, rc;

	if (j->early != NULL)
		rc = auth_crypt_collect(j->early, h);	/* started beside the order (it had a slot) */
	else {
		/* Off the answer's path: wait for a slot as long as it takes (about 10 s at most). */
		for (int i = 0; i < 10 && slot == AUTH_SLOT_BUSY; i++)
			slot = auth_slot_enter(w->conf);
		rc = auth_crypt_niced(j->pw, h, AUTH_CRYPT_NICE);
		auth_slot_release(slot);
	}
	if (rc == -1)
		log_warnx("%s: VE %s: cannot hash the root password", __func__, j->ve_id);
	else if (w->db == NULL || db_ve_set_root_crypt(w->db, j->ve_id, h) != DB_OK)
		log_warnx("%s: VE %s: root password hash not stored", __func__, j->ve_id);
	explicit_bzero(h, sizeof(h));
	if (j->pw != NULL)
		explicit_bzero(j->pw, strlen(j->pw));
	free(j->pw);
	free(j);
}

void
order_crypt_later(struct web *w, const char *ve_id, const char *pw, struct auth_crypt_job *early)
{
	struct job *j;

	if (pw == NULL && early == NULL)
		return;
	if ((j = calloc(1, sizeof(*j))) == NULL || (early == NULL && (j->pw = strdup(pw)) == NULL)) {
		free(j);
		if (early != NULL)
			(void)auth_crypt_collect(early, NULL);
		log_warnx("%s: VE %s: out of memory; no root password for the node", __func__, ve_id);
		return;
	}
	j->early = early;
	memcpy(j->ve_id, ve_id, sizeof(j->ve_id) - 1);
	web_after(w, run, j);
}

int
order_crypt_warm(struct web *w)
{
	auth_warm(&w->argon);
	return 0;
}
