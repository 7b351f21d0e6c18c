/*
 * Rating: one VE's charges for one calendar month (UTC) from its state
 * history, its plan's price versions and its usage, as pure functions (no
 * SQL, no clock) so every rule is unit-tested.  The rules (SPEC section 8):
 *
 *  - The month is split at the plan's version boundaries (valid_from); the
 *    first version also covers any time before it.  Usage is attributed by
 *    the caller to the version in force at the start of its usage_hour row.
 *  - fee: monthly_fee x active seconds / seconds of the month, where active
 *    means state 'active' (not suspended, expired or deleted) since
 *    created_at.  Unit "month".  Always one line at least, even at 0.
 *  - disk: GB-months of the ordered QUOTA (disk_quota_mb x 10^6 bytes):
 *    the part up to the included GB is "usage", the rest "overage", both
 *    weighted by active seconds / seconds of the month.  Unit "GB-month".
 *  - cpu (user + system microseconds, "CPU-hour"), vmem ("GB-hour", the sum
 *    of the per-second samples: vmem_sum_bytes / (10^9 x 3600)), traffic,
 *    traffic_in, traffic_out ("GB", 10^9 bytes): the included amount is
 *    prorated like the fee (included x active seconds / month seconds, over
 *    the whole month, the current state assumed to last to its end); use
 *    up to it is a "usage" line (amount 0), the rest an "overage" line.
 *  - A resource with 0 included and 0 price is not rated (no line); a
 *    "usage" line is shown when something is included, an "overage" line
 *    when its quantity is above 0.
 *  - Quantities are integers of micro-units, each rounded half-up once from
 *    the exact base units (bytes, microseconds, byte-seconds, seconds);
 *    amount = quantity x unit price rounded half-up to minor units, so a
 *    customer can recompute every line from what it shows.  Tax is applied
 *    once on the subtotal (money_tax).
 *  - Availability (lib/domain/sla.h): when the input carries SLA terms and the
 *    VE's measured availability is below the target of a version's terms,
 *    a "credit" line for resource "availability" follows that version's
 *    fee line: quantity the availability in % (micro-units of a percent,
 *    floored like the comparison), no unit price, amount credit_bp/10000 of
 *    the fee line's amount, half-up, negative.  No line when it rounds to 0.
 *  - Arithmetic is 64-bit with 128-bit products; a value that would not fit
 *    is RATE_EOVERFLOW, never a wrapped number.
 */
#ifndef VEP_RATING_H
#define VEP_RATING_H

#include <stddef.h>
#include <stdint.h>

#include "sla.h"

/* RR_CPU..RR_TRAFFIC_OUT are the metered resources; RR_AVAIL only ever has credit lines. */
enum rate_res {
	RR_FEE = 0, RR_DISK, RR_CPU, RR_VMEM, RR_TRAFFIC, RR_TRAFFIC_IN, RR_TRAFFIC_OUT,
	RR_AVAIL, RR__MAX
};
enum rate_kind { RK_FEE = 0, RK_USAGE, RK_OVERAGE, RK_CREDIT, RK__MAX };

enum rate_err {
	RATE_OK = 0,
	RATE_EINVAL = -1,	/* inconsistent input (no version, empty month, negative usage) */
	RATE_EOVERFLOW = -2,	/* a quantity or amount does not fit 64 bits */
	RATE_ENOSPACE = -3,	/* more lines than the caller's array holds */
};

/* A price version: fee, included whole units and overage price per unit. */
struct rate_version {
	int64_t		 id;
	int64_t		 valid_from;
	int64_t		 fee_minor;
	int64_t		 inc[RR__MAX];		/* [RR_DISK] GB of quota; [RR_FEE] unused */
	int64_t		 price[RR__MAX];	/* minor units per unit; [RR_FEE] unused */
};

/* Usage in exact base units. */
struct rate_usage {
	int64_t		 cpu_us;		/* user + system */
	int64_t		 vmem_byte_s;		/* sum of vmem_sum_bytes */
	int64_t		 in_bytes;
	int64_t		 out_bytes;
};

/* A state change: from `at` on the VE is active (1) or not (0). */
struct rate_event {
	int64_t		 at;
	int		 active;
};

struct rate_input {
	int64_t			 from, to;	/* the month [from, to) */
	int64_t			 acc_from;	/* fee and quota accrue on [acc_from, until) */
	int64_t			 until;		/* = to for a closed month, now for the current */
	int64_t			 created_at;
	int64_t			 disk_quota_mb;
	const int64_t		*quota_mb;	/* per version (rating_parts.h), or NULL: disk_quota_mb */
	const struct rate_event	*ev;		/* by at ascending; nothing exists before ev[0] */
	size_t			 nev;
	const struct rate_version *v;		/* by valid_from ascending, nv >= 1 */
	size_t			 nv;
	const struct rate_usage	*u;		/* nv entries: the usage rated with v[i] */
	/* Availability credits (both NULL: none): nv terms, one measurement of the period. */
	const struct sla_terms	*sla;
	const struct sla_avail	*avail;
};

struct rate_line {
	enum rate_kind	 kind;
	enum rate_res	 res;
	size_t		 ver;			/* index into rate_input.v */
	int64_t		 qty_micro;
	int64_t		 unit_price_minor;
	int64_t		 amount_minor;
};

/* Most lines rate_month can give per version (fee + 2 per other resource, room for the credit). */
#define RATE_LINES_PER_VERSION	(1 + 2 * (RR__MAX - 1))

/*
 * Rate one VE's month into out[cap]; *n lines.  Returns RATE_OK or a
 * negative enum rate_err (then *n is undefined).
 */
int	rate_month(const struct rate_input *, struct rate_line *out, size_t cap, size_t *n);

/*
 * The part [*sa, *sb) of the month in which version i is in force (empty,
 * *sa == *sb, when it is not in force at all that month).
 */
void	rate_segment(const struct rate_input *, size_t i, int64_t *sa, int64_t *sb);

/* Seconds in [a, b) at or after created_at during which the VE was active. */
int64_t	rate_active_seconds(const struct rate_event *, size_t n, int64_t created_at,
	    int64_t a, int64_t b);

/*
 * The exact base-unit amount of a usage resource (cpu: us, vmem:
 * byte-seconds, traffic*: bytes; traffic is in + out) and its micro-units
 * (rounded half-up once).  RATE_OK, RATE_EINVAL for fee/disk or negative
 * usage, RATE_EOVERFLOW.
 */
int	rate_raw(enum rate_res, const struct rate_usage *, int64_t *raw);
int	rate_raw_to_micro(enum rate_res, int64_t raw, int64_t *micro);

/* Subtotal, tax (basis points, half-up once) and total; RATE_OK or RATE_EOVERFLOW. */
int	rate_totals(const struct rate_line *, size_t n, int64_t tax_bp,
	    int64_t *subtotal, int64_t *tax, int64_t *total);

/* Names as the API and invoices show them; NULL for an out-of-range value. */
struct rate_res_info {
	const char	*name;		/* "cpu" */
	const char	*unit;		/* of quantities: "CPU-hour" */
	const char	*raw_unit;	/* of raw amounts: "us" */
};
const struct rate_res_info *rate_res_info(enum rate_res);
#define rate_res_name(r)	(rate_res_info(r)->name)
#define rate_res_unit(r)	(rate_res_info(r)->unit)
#define rate_res_raw_unit(r)	(rate_res_info(r)->raw_unit)
const char *rate_kind_name(enum rate_kind);
/* The enum of a name, or -1. */
int	rate_res_parse(const char *);

/*
 * "YYYY-MM" (exactly 7 characters, month 01..12, year 1970..9999) to year
 * and month; 0 or -1.
 */
int	rate_period_parse(const char *, int *year, int *month);
/* [from, to) of a month in epoch seconds UTC. */
void	rate_month_bounds(int year, int month, int64_t *from, int64_t *to);
/* The month containing t. */
void	rate_month_of(int64_t t, int *year, int *month);
/* The start of t's UTC day, and the first day start at or after t. */
int64_t	rate_day_floor(int64_t t);
int64_t	rate_day_ceil(int64_t t);
/* The index of the version of v[0..nv) in force at t (0 before the first). */
size_t	rate_version_at(const struct rate_version *v, size_t nv, int64_t t);
/* *a += *b; -1 (a partly added) when a sum does not fit 64 bits. */
int	rate_usage_add(struct rate_usage *a, const struct rate_usage *b);

#endif
