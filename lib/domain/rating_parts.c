/*
 * A month cut at the order's changes: see rating_parts.h.
 */
#include <string.h>

#include "rating_parts.h"
#include "sla.h"

size_t
rate_parts_cap(const struct rate_part *p, size_t np)
{
	size_t n = np;

	for (size_t i = 0; i < np; i++)
		n += p[i].nv;
	return n;
}

static int
emit(const struct rate_part *p, size_t k, size_t j, int64_t at, int64_t end,
    struct rate_version *out, int64_t *quota, struct rate_piece *piece, struct sla_terms *sla,
    size_t cap, size_t *n)
{
	if (*n == cap)
		return RATE_ENOSPACE;
	out[*n] = p[k].v[j];
	/* The first keeps its own valid_from (it covers the month's start either way, rate_segment). */
	if (*n > 0 || at < out[*n].valid_from)
		out[*n].valid_from = at;
	quota[*n] = p[k].disk_quota_mb;
	piece[*n].part = k;
	piece[*n].pver = j;
	piece[*n].from = at;
	piece[*n].to = end;
	if (sla != NULL) {
		if (p[k].sla != NULL)
			sla[*n] = p[k].sla[j];
		else
			memset(&sla[*n], 0, sizeof(sla[*n]));
	}
	if (*n > 0)
		piece[*n - 1].to = at;
	(*n)++;
	return RATE_OK;
}

int
rate_parts_merge(const struct rate_part *p, size_t np, int64_t from, int64_t to,
    struct rate_version *out, int64_t *quota, struct rate_piece *piece, struct sla_terms *sla,
    size_t cap, size_t *n)
{
	size_t k0 = 0;
	int rc;

	*n = 0;
	if (np == 0 || to <= from)
		return RATE_EINVAL;
	for (size_t k = 0; k < np; k++) {
		if (p[k].nv == 0 || p[k].v == NULL || (k > 0 && p[k].from <= p[k - 1].from))
			return RATE_EINVAL;
		if (p[k].from <= from)
			k0 = k;
	}
	for (size_t k = k0; k < np && (k == k0 || p[k].from < to); k++) {
		/* The part is in force on [a, b) within the month. */
		int64_t a = k == k0 ? from : p[k].from;
		int64_t b = k + 1 < np && p[k + 1].from < to ? p[k + 1].from : to;
		size_t j = rate_version_at(p[k].v, p[k].nv, a);

		if (b <= a)
			continue;
		if ((rc = emit(p, k, j, a, b, out, quota, piece, sla, cap, n)) != RATE_OK)
			return rc;
		for (j++; j < p[k].nv && p[k].v[j].valid_from < b; j++)
			if ((rc = emit(p, k, j, p[k].v[j].valid_from, b, out, quota, piece, sla, cap,
			    n)) != RATE_OK)
				return rc;
	}
	return *n > 0 ? RATE_OK : RATE_EINVAL;
}
