/*
 * sla: a plan's availability target and service-credit table, and the
 * credit a VE earns from its measured availability, as pure functions (no
 * SQL, no clock) so every threshold and rounding rule has a table test.
 *
 * Availability (what billingd measures, README "Availability"): of the
 * seconds a VE was observed -- its node's agent answered billingd's poll
 * and said whether the VE runs, while the VE was not suspended -- the share
 * in which it was up.  Seconds nobody could observe are not counted at all
 * (neither up nor down), except those of a whole-node outage that billingd
 * saw from outside: they count as down.  So availability = up_s / seen_s.
 *
 * The terms, as plan JSON (SPEC section 8, the optional "sla" object):
 *   {"availability_target_ppm": 999000,
 *    "credits": [{"below_ppm": 999000, "credit_bp": 1000},
 *                {"below_ppm": 990000, "credit_bp": 2500}]}
 * ppm is parts per million of the seconds observed (999000 = 99.9 %), bp
 * basis points of the fee (1000 = 10 %).  A VE whose availability is below
 * a step's below_ppm earns that step's credit; of several, the largest.
 * At or above the target nothing is credited.  A month with no observed
 * second earns nothing: there is no measurement to base a credit on.
 *
 * Rounding: availability is floor(up_s x 10^6 / seen_s) ppm.  Flooring
 * keeps the comparison with a whole-ppm threshold exact (the floored value
 * is below the threshold exactly when the true ratio is).  The credit is
 * credit_bp / 10000 of the fee line's amount, rounded half-up once to
 * minor units, and written negative.
 */
#ifndef VEP_SLA_H
#define VEP_SLA_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define SLA_PPM		1000000u	/* the whole: 100 % */
#define SLA_MAX_STEPS	8		/* credit steps of one plan */

struct sla_step {
	uint32_t	 below_ppm;	/* 1..target */
	uint32_t	 credit_bp;	/* 1..10000 */
};

/* A plan version's terms; target_ppm 0 means the plan has no SLA. */
struct sla_terms {
	uint32_t	 target_ppm;
	size_t		 nsteps;
	struct sla_step	 step[SLA_MAX_STEPS];	/* below_ppm descending */
};

/* What was measured for one VE over a period. */
struct sla_avail {
	int		 always_on;	/* the order's availability level; on demand: no SLA */
	uint64_t	 up_s;		/* observed up */
	uint64_t	 seen_s;	/* observed at all (up_s <= seen_s) */
};

/*
 * Validate the "sla" object of a plan (strictly: unknown keys, wrong
 * types, out-of-range numbers, duplicate or inconsistent steps are
 * refused) into *t, steps sorted by below_ppm descending.  Returns 0, or
 * -1 with one sentence naming the offending field in err.
 */
int	sla_terms_parse(const json_t *, struct sla_terms *t, char *err, size_t errlen);

/* The terms as plan JSON (a new object), or NULL when there are none / no memory. */
json_t	*sla_terms_json(const struct sla_terms *);

/* floor(up x 10^6 / seen) ppm; 0 when nothing was seen. */
uint32_t sla_availability_ppm(uint64_t up_s, uint64_t seen_s);

/*
 * The credit in basis points for what was measured under terms t (NULL:
 * none): 0 when there are no terms, the VE is on demand, nothing was
 * seen, or the availability reaches the target.
 */
uint32_t sla_credit_bp(const struct sla_terms *t, const struct sla_avail *a);

/*
 * The credit on a fee line of fee_minor (>= 0): -round_half_up(fee_minor
 * x credit_bp / 10000).  0 or -1 (fee negative, bp above 10000).
 */
int	sla_credit_minor(int64_t fee_minor, uint32_t credit_bp, int64_t *credit_minor);

/*
 * A ppm figure as a percentage: "99.952" for 999520 ppm, three decimals,
 * truncated like the comparison; with trim, trailing zeros go ("99.9").
 */
void	sla_ppm_percent(uint32_t ppm, int trim, char *out, size_t outlen);

#endif
