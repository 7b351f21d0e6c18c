/*
 * Availability targets and service credits: see sla.h for the rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "sla.h"

#define BP_WHOLE	10000u

/* A whole number in [lo, hi] under key k of o; 0, or -1 with err. */
static int
get_u32(const json_t *o, const char *k, uint32_t lo, uint32_t hi, uint32_t *v,
    const char *where, const char *what, char *err, size_t errlen)
{
	json_t *j = json_object_get(o, k);

	if (j == NULL) {
		snprintf(err, errlen, "%s%s is required (%s)", where, k, what);
		return -1;
	}
	if (!json_is_integer(j) || json_integer_value(j) < (json_int_t)lo ||
	    json_integer_value(j) > (json_int_t)hi) {
		snprintf(err, errlen, "%s%s must be a whole number from %u to %u (%s)", where, k,
		    lo, hi, what);
		return -1;
	}
	*v = (uint32_t)json_integer_value(j);
	return 0;
}

/* Every key of o is one of the NULL-terminated names; -1 with err otherwise. */
static int
only_keys(const json_t *o, const char *const *names, const char *where, char *err,
    size_t errlen)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)o, k, v) {
		int ok = 0;
		for (size_t i = 0; names[i] != NULL; i++)
			ok |= strcmp(k, names[i]) == 0;
		if (!ok) {
			snprintf(err, errlen, "%s has an unknown field \"%.64s\"", where, k);
			return -1;
		}
	}
	return 0;
}

static int
by_below_desc(const void *a, const void *b)
{
	const struct sla_step *x = a, *y = b;
	return x->below_ppm < y->below_ppm ? 1 : x->below_ppm > y->below_ppm ? -1 : 0;
}

int
sla_terms_parse(const json_t *j, struct sla_terms *t, char *err, size_t errlen)
{
	static const char *const top[] = { "availability_target_ppm", "credits", NULL };
	static const char *const step[] = { "below_ppm", "credit_bp", NULL };
	const char *ppm = "parts per million of the seconds observed: 999000 is 99.9 %";
	json_t *cr, *x;
	size_t i;

	memset(t, 0, sizeof(*t));
	if (!json_is_object(j)) {
		snprintf(err, errlen, "sla must be an object with availability_target_ppm and credits");
		return -1;
	}
	if (only_keys(j, top, "sla", err, errlen) == -1 ||
	    get_u32(j, "availability_target_ppm", 1, SLA_PPM, &t->target_ppm, "sla.", ppm,
	    err, errlen) == -1)
		return -1;
	cr = json_object_get(j, "credits");
	if (cr == NULL)
		return 0;	/* a target without credits: shown, never credited */
	if (!json_is_array(cr) || json_array_size(cr) > SLA_MAX_STEPS) {
		snprintf(err, errlen, "sla.credits must be a list of at most %d steps "
		    "{\"below_ppm\":N,\"credit_bp\":N}", SLA_MAX_STEPS);
		return -1;
	}
	json_array_foreach(cr, i, x) {
		char where[48];
		struct sla_step *s = &t->step[i];

		snprintf(where, sizeof(where), "sla.credits[%zu]", i);
		if (!json_is_object(x)) {
			snprintf(err, errlen, "%s must be an object {\"below_ppm\":N,\"credit_bp\":N}",
			    where);
			return -1;
		}
		if (only_keys(x, step, where, err, errlen) == -1)
			return -1;
		strcat(where, ".");
		if (get_u32(x, "below_ppm", 1, t->target_ppm, &s->below_ppm, where,
		    "availability below which the step applies, at most the target", err,
		    errlen) == -1 ||
		    get_u32(x, "credit_bp", 1, BP_WHOLE, &s->credit_bp, where,
		    "basis points of the month's fee: 1000 is 10 %", err, errlen) == -1)
			return -1;
		t->nsteps++;
	}
	qsort(t->step, t->nsteps, sizeof(t->step[0]), by_below_desc);
	for (i = 1; i < t->nsteps; i++) {
		if (t->step[i].below_ppm == t->step[i - 1].below_ppm) {
			snprintf(err, errlen, "sla.credits has two steps below_ppm %u",
			    t->step[i].below_ppm);
			return -1;
		}
		if (t->step[i].credit_bp < t->step[i - 1].credit_bp) {
			snprintf(err, errlen, "sla.credits: the step below_ppm %u credits less than "
			    "the step below_ppm %u (lower availability must never earn less)",
			    t->step[i].below_ppm, t->step[i - 1].below_ppm);
			return -1;
		}
	}
	return 0;
}

json_t *
sla_terms_json(const struct sla_terms *t)
{
	json_t *cr, *o;

	if (t == NULL || t->target_ppm == 0 || (cr = json_array()) == NULL)
		return NULL;
	for (size_t i = 0; i < t->nsteps; i++)
		json_array_append_new(cr, json_pack("{s:I, s:I}",
		    "below_ppm", (json_int_t)t->step[i].below_ppm,
		    "credit_bp", (json_int_t)t->step[i].credit_bp));
	o = json_pack("{s:I, s:o}", "availability_target_ppm", (json_int_t)t->target_ppm,
	    "credits", cr);
	return o;
}

uint32_t
sla_availability_ppm(uint64_t up, uint64_t seen)
{
	if (seen == 0)
		return 0;
	if (up >= seen)
		return SLA_PPM;
	/* up < seen < 2^64: the 128-bit product cannot overflow, the quotient is < 10^6. */
	return (uint32_t)((unsigned __int128)up * SLA_PPM / seen);
}

uint32_t
sla_credit_bp(const struct sla_terms *t, const struct sla_avail *a)
{
	uint32_t ppm, bp = 0;

	if (t == NULL || t->target_ppm == 0 || a == NULL || !a->always_on || a->seen_s == 0)
		return 0;
	ppm = sla_availability_ppm(a->up_s, a->seen_s);
	if (ppm >= t->target_ppm)
		return 0;
	for (size_t i = 0; i < t->nsteps; i++)
		if (ppm < t->step[i].below_ppm && t->step[i].credit_bp > bp)
			bp = t->step[i].credit_bp;
	return bp;
}

int
sla_credit_minor(int64_t fee, uint32_t bp, int64_t *credit)
{
	int64_t c;

	if (fee < 0 || bp > BP_WHOLE || money_muldiv(fee, (int64_t)bp, BP_WHOLE, &c) == -1)
		return -1;
	*credit = -c;
	return 0;
}

void
sla_ppm_percent(uint32_t ppm, int trim, char *out, size_t outlen)
{
	size_t n;

	if (ppm > SLA_PPM)
		ppm = SLA_PPM;
	snprintf(out, outlen, "%u.%03u", ppm / 10000, ppm % 10000 / 10);
	if (!trim || (n = strlen(out)) == 0)
		return;
	while (n > 0 && out[n - 1] == '0')
		out[--n] = '\0';
	if (n > 0 && out[n - 1] == '.')
		out[--n] = '\0';
}
