/*
 * Leases: several billingd may run; each node is polled by exactly one,
 * the holder of its lease (nodes.lease_owner, lease_until, on the database
 * server's clock).  Every refresh_s the writer renews its leases, takes
 * free or expired ones up to its fair share (enabled nodes divided by the
 * billingd seen alive within lease_s, rounded up), hands one back per round while
 * it holds more than that, and re-reads the node list and where the VEs
 * are placed.  Nodes added, disabled or removed are thus picked up
 * without a restart, and a dead billingd's nodes are taken over once its
 * leases lapse: a lease holds while the database clock (whole seconds) is
 * before lease_until = renewal + lease_s, and a billingd seen within the
 * last lease_s counts as alive, so the nodes of one killed right after
 * renewing are taken lease_s to lease_s + refresh_s later and polled from
 * the next tick (lease_s 3, refresh_s 1: within 5 s; the defaults 8 and 2
 * leave room for a writer stalled by a slow commit).  On a Galera cluster
 * each billingd reads the clock of the node it is connected to: the
 * nodes' clocks must agree (NTP; on one machine they are one clock).
 */
#include <sys/socket.h>
#include <netdb.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "util.h"
#include "db_usage.h"
#include "log.h"
#include "batch.h"
#include "billingd.h"
#include "httpc.h"
#include "lease.h"
#include "prom.h"
#include "snapshot.h"

struct row {
	long long	 id;
	char		 name[65];
	char		 url[256];
	char		 owner[65];
	long long	 until;
};

/* Resolve a node's URL (blocking is fine here: this is the writer). */
static void
resolve(struct billingd *bd, struct nodeinfo *ni)
{
	char host[256], port[16];
	struct addrinfo hints, *res = NULL;
	int e;

	ni->salen = 0;
	if (bd->W.prev != NULL)
		for (size_t i = 0; i < bd->W.prev->nnodes; i++) {
			const struct nodeinfo *o = &bd->W.prev->nodes[i];
			if (o->id == ni->id && strcmp(o->url, ni->url) == 0 && o->salen > 0) {
				*ni = *o;
				return;
			}
		}
	if (httpc_url(ni->url, host, sizeof(host), port, sizeof(port), ni->path,
	    sizeof(ni->path)) == -1) {
		log_warnx("node %s: URL \"%s\" is not http://host:port/path", ni->name, ni->url);
		return;
	}
	snprintf(ni->hostport, sizeof(ni->hostport), strchr(host, ':') ? "[%s]:%s" : "%s:%s",
	    host, port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0) {
		log_warnx("node %s: %s: %s", ni->name, host, gai_strerror(e));
		return;
	}
	memcpy(&ni->sa, res->ai_addr, res->ai_addrlen);
	ni->salen = res->ai_addrlen;
	freeaddrinfo(res);
}

static int
read_nodes(struct billingd *bd, struct row **rows, size_t *n, long long *now)
{
	struct du_nodes q;
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	*now = 0;
	if ((rc = db_usage_nodes_open(bd->W.db, &q)) != DB_OK)
		return rc;
	while ((rc = db_next(&q.c)) == 1) {
		if (vep_grow((void **)rows, &cap, *n + 1, sizeof(**rows), 64) == -1) {
			rc = DB_ERR;
			break;
		}
		(*rows)[*n].id = q.id;
		memcpy((*rows)[*n].name, q.name, sizeof(q.name));
		memcpy((*rows)[*n].url, q.url, sizeof(q.url));
		memcpy((*rows)[*n].owner, q.owner, sizeof(q.owner));
		(*rows)[*n].until = q.lease_until;
		*now = q.now;
		(*n)++;
	}
	db_cur_close(&q.c);
	return rc < 0 ? rc : DB_OK;
}

static int
publish(struct billingd *bd, struct snapshot *s)
{
	struct snapshot *keep;
	uint64_t one = 1;

	/* Keep the resolved addresses for the next round. */
	if ((keep = calloc(1, sizeof(*keep))) != NULL && s->nnodes > 0 &&
	    (keep->nodes = malloc(s->nnodes * sizeof(*s->nodes))) != NULL) {
		memcpy(keep->nodes, s->nodes, s->nnodes * sizeof(*s->nodes));
		keep->nnodes = s->nnodes;
	}
	snapshot_free(bd->W.prev);
	bd->W.prev = keep;

	pthread_mutex_lock(&bd->S.mu);
	snapshot_free(bd->S.snap);
	bd->S.snap = s;
	pthread_mutex_unlock(&bd->S.mu);
	if (write(bd->S.wakefd, &one, sizeof(one)) == -1)
		log_warn("%s: eventfd", __func__);
	return DB_OK;
}

int
lease_round(struct billingd *bd)
{
	struct row *r = NULL;
	struct snapshot *s = NULL;
	struct du_assign q;
	size_t n = 0, mine = 0, target, owners;
	long long now, live;
	int rc, got;

	if ((rc = db_usage_lease_renew(bd->W.db, bd->id, bd->lease_s)) != DB_OK ||
	    (rc = db_usage_alive(bd->W.db, bd->id, bd->lease_s, &live)) != DB_OK ||
	    (rc = read_nodes(bd, &r, &n, &now)) != DB_OK)
		goto out;
	owners = live > 0 ? (size_t)live : 1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(r[i].owner, bd->id) == 0 && r[i].until > now)
			mine++;
	target = (n + owners - 1) / owners;
	for (size_t i = 0; i < n && mine < target; i++) {
		if (r[i].owner[0] != '\0' && r[i].until > now)
			continue;	/* held by a live billingd (maybe us) */
		if ((rc = db_usage_lease_take(bd->W.db, bd->id, r[i].id, bd->lease_s, &got)) != DB_OK)
			goto out;
		if (got) {
			log_info("node %s: lease taken%s%s", r[i].name,
			    r[i].owner[0] ? " over from " : "", r[i].owner);
			snprintf(r[i].owner, sizeof(r[i].owner), "%s", bd->id);
			r[i].until = now + bd->lease_s;
			mine++;
		}
	}

	/* More than our share while others live: hand one back per round. */
	if (owners > 1 && mine > target) {
		for (size_t i = n; i-- > 0;) {
			if (strcmp(r[i].owner, bd->id) != 0 || r[i].until <= now)
				continue;
			if ((rc = db_usage_lease_give(bd->W.db, bd->id, r[i].id)) != DB_OK)
				goto out;
			log_info("node %s: lease handed back (share of %zu billingd)",
			    r[i].name, owners);
			r[i].owner[0] = '\0';
			mine--;
			break;
		}
	}

	rc = DB_ERR;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (mine > 0 && (s->nodes = calloc(mine, sizeof(*s->nodes))) == NULL))
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct nodeinfo *ni;
		if (strcmp(r[i].owner, bd->id) != 0 || r[i].until <= now || s->nnodes == mine)
			continue;
		ni = &s->nodes[s->nnodes++];
		ni->id = (uint32_t)r[i].id;
		memcpy(ni->name, r[i].name, sizeof(ni->name));
		memcpy(ni->url, r[i].url, sizeof(ni->url));
		resolve(bd, ni);
	}
	if ((rc = db_usage_assign_open(bd->W.db, &q, bd->id)) != DB_OK)
		goto out;
	while ((rc = db_next(&q.c)) == 1) {
		uint32_t ve;
		if (prom_ve_parse(q.ve, strlen(q.ve), &ve) == -1)
			continue;	/* not an 8-hex-digit VEid: no agent reports it */
		if (vemap_put(&s->assign, ve, (uint32_t)q.node_id) == -1) {
			rc = DB_ERR;
			break;
		}
	}
	db_cur_close(&q.c);
	if (rc < 0)
		goto out;
	rc = publish(bd, s);
	s = NULL;
out:
	if (rc != DB_OK)
		log_warnx("lease round: %s", db_strerror(rc));
	snapshot_free(s);
	free(r);
	return rc;
}

void
lease_release(struct billingd *bd)
{
	if (db_usage_lease_release(bd->W.db, bd->id) == DB_OK)
		log_info("leases released");
}
