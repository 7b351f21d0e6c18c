/*
 * A month cut at the VE's order changes (SPEC section 11): the order's
 * plan and disk quota are a history of parts, each in force from the second
 * of its change.  rate_parts_merge turns the parts (each with its own plan's
 * price versions) into the one list of versions rate_month already rates:
 * one entry per piece of the month in which both the part and the price
 * version stay the same, valid_from moved to the piece's start, with the
 * part's disk quota beside it (rate_input.quota_mb).  So the fee and the
 * included amounts are prorated per piece, disk GB-months counted per
 * piece, and usage attributed to the piece in force at its hour's start,
 * exactly as for a price change.  Pure: no SQL, no clock.
 */
#ifndef VEP_RATING_PARTS_H
#define VEP_RATING_PARTS_H

#include <stddef.h>
#include <stdint.h>

#include "rating.h"

struct sla_terms;

/* One version of the order's parameters, in force from `from` to the next part's. */
struct rate_part {
	int64_t			 from;
	int64_t			 plan_id;
	int64_t			 disk_quota_mb;
	const struct rate_version *v;	/* the plan's price versions, by valid_from, nv >= 1 */
	size_t			 nv;
	const struct sla_terms	*sla;	/* nv terms, or NULL: none */
};

/* What rate_parts_merge gives per entry besides the version itself. */
struct rate_piece {
	size_t		 part;		/* index into the parts */
	size_t		 pver;		/* index into that part's v[] */
	int64_t		 from, to;	/* the piece of the month [from, to) */
};

/*
 * Cut the month [from, to) at every part's start and every price version
 * of the part's plan: out[0..*n) versions (valid_from strictly rising, the
 * first at or before from: its own valid_from when earlier), quota[i] and piece[i] beside each; sla[i] the
 * version's terms (zeroed when its part has none; sla may be NULL).  The
 * parts are by from ascending, np >= 1; the first also covers any time
 * before it.  Returns RATE_OK, RATE_EINVAL (no part, a part without
 * versions, parts out of order), RATE_ENOSPACE (more than cap entries).
 */
int	rate_parts_merge(const struct rate_part *p, size_t np, int64_t from, int64_t to,
	    struct rate_version *out, int64_t *quota, struct rate_piece *piece,
	    struct sla_terms *sla, size_t cap, size_t *n);

/* Entries rate_parts_merge can need at most: sum of the parts' nv plus np. */
size_t	rate_parts_cap(const struct rate_part *p, size_t np);

#endif
