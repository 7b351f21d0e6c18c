/*
 * The writer's view of the database, handed to the loop whole: the nodes
 * this billingd polls and where each VE is placed (snapshot.c).
 */
#ifndef BILLINGD_SNAPSHOT_H
#define BILLINGD_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* A node as the writer last read it from the database. */
struct nodeinfo {
	uint32_t		 id;
	char			 name[65];
	char			 url[256];
	struct sockaddr_storage	 sa;
	socklen_t		 salen;	/* 0: the URL could not be resolved */
	char			 hostport[300];
	char			 path[256];
};

/* VE id -> node id, for dropping samples of VEs placed elsewhere. */
struct vemap {
	uint32_t	*key;	/* VE id */
	uint32_t	*node;	/* node id; 0: empty slot */
	size_t		 cap;	/* power of two */
	size_t		 n;
};

struct snapshot {
	struct nodeinfo	*nodes;
	size_t		 nnodes;
	struct vemap	 assign;
};

/* The node a VE is placed on, 0 if none; put returns 0 or -1. */
uint32_t vemap_get(const struct vemap *, uint32_t ve);
int	vemap_put(struct vemap *, uint32_t ve, uint32_t node);
void	vemap_free(struct vemap *);
void	snapshot_free(struct snapshot *);

#endif
