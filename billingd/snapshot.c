/*
 * The writer's view of the database that the loop polls by: the node list
 * and the VE -> node placement map (an open-addressing hash).  Built by the
 * writer (lease.c), handed to the loop whole, freed by whoever holds it.
 */
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

/* --- VE -> node map (built by the writer, read by the loop) --- */

static size_t
hslot(uint32_t k, size_t cap)
{
	return (size_t)((k * 2654435761u) & (uint32_t)(cap - 1));
}

uint32_t
vemap_get(const struct vemap *m, uint32_t ve)
{
	if (m->cap == 0)
		return 0;
	for (size_t h = hslot(ve, m->cap);; h = (h + 1) & (m->cap - 1)) {
		if (m->node[h] == 0)
			return 0;
		if (m->key[h] == ve)
			return m->node[h];
	}
}

int
vemap_put(struct vemap *m, uint32_t ve, uint32_t node)
{
	size_t h;

	if (node == 0)
		return -1;	/* 0 marks an empty slot; node ids start at 1 */
	if ((m->n + 1) * 2 > m->cap) {
		struct vemap nm = { 0 };
		nm.cap = m->cap ? m->cap * 2 : 1024;
		if ((nm.key = calloc(nm.cap, sizeof(*nm.key))) == NULL ||
		    (nm.node = calloc(nm.cap, sizeof(*nm.node))) == NULL) {
			vemap_free(&nm);
			return -1;
		}
		for (size_t i = 0; i < m->cap; i++)
			if (m->node[i] != 0 && vemap_put(&nm, m->key[i], m->node[i]) == -1) {
				vemap_free(&nm);
				return -1;
			}
		vemap_free(m);
		*m = nm;
	}
	for (h = hslot(ve, m->cap); m->node[h] != 0; h = (h + 1) & (m->cap - 1))
		if (m->key[h] == ve) {
			m->node[h] = node;
			return 0;
		}
	m->key[h] = ve;
	m->node[h] = node;
	m->n++;
	return 0;
}

void
vemap_free(struct vemap *m)
{
	free(m->key);
	free(m->node);
	memset(m, 0, sizeof(*m));
}

void
snapshot_free(struct snapshot *s)
{
	if (s == NULL)
		return;
	free(s->nodes);
	vemap_free(&s->assign);
	free(s);
}

