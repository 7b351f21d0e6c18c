/*
 * Unit tests of lib/domain/sla.c and of the availability credit in lib/domain/rating.c:
 * the plan JSON's "sla" object refused field by field, availability
 * floored to ppm, the credit step at and around each threshold (exactly at
 * the target, zero seconds observed, on-demand VEs, a partial month),
 * half-up rounding of the credit, and the credit line rate_month adds after
 * each version's fee line.  Expected numbers are worked out in each row's
 * comment.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "rating.h"
#include "sla.h"
#include "util.h"

#define D	86400LL

/* ---- parsing the plan's "sla" object ---- */

static const struct {
	int		 line;
	const char	*json;
	const char	*err;		/* NULL: valid; else a part of the message */
	uint32_t	 target;
	size_t		 nsteps;
	uint32_t	 below[3], bp[3];	/* sorted: below_ppm descending */
} parse_rows[] = {
	{ __LINE__, "{\"availability_target_ppm\":999000,\"credits\":[{\"below_ppm\":999000,"
	  "\"credit_bp\":1000},{\"below_ppm\":990000,\"credit_bp\":2500}]}", NULL, 999000, 2,
	  { 999000, 990000 }, { 1000, 2500 } },
	/* steps in any order come out sorted */
	{ __LINE__, "{\"availability_target_ppm\":999500,\"credits\":[{\"below_ppm\":950000,"
	  "\"credit_bp\":5000},{\"below_ppm\":999500,\"credit_bp\":500},{\"below_ppm\":990000,"
	  "\"credit_bp\":2500}]}", NULL, 999500, 3, { 999500, 990000, 950000 }, { 500, 2500, 5000 } },
	{ __LINE__, "{\"availability_target_ppm\":1000000,\"credits\":[]}", NULL, 1000000, 0,
	  { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":1}", NULL, 1, 0, { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":999000,\"credits\":[{\"below_ppm\":1,"
	  "\"credit_bp\":10000}]}", NULL, 999000, 1, { 1 }, { 10000 } },
	/* equal credits on two steps are allowed (never less for lower availability) */
	{ __LINE__, "{\"availability_target_ppm\":999000,\"credits\":[{\"below_ppm\":999000,"
	  "\"credit_bp\":1000},{\"below_ppm\":990000,\"credit_bp\":1000}]}", NULL, 999000, 2,
	  { 999000, 990000 }, { 1000, 1000 } },
	{ __LINE__, "[]", "sla must be an object", 0, 0, { 0 }, { 0 } },
	{ __LINE__, "{}", "sla.availability_target_ppm is required", 0, 0, { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":0}", "from 1 to 1000000", 0, 0, { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":1000001}", "from 1 to 1000000", 0, 0, { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":99.9}", "availability_target_ppm must be", 0, 0,
	  { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":\"999000\"}", "must be a whole number", 0, 0,
	  { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":-5}", "must be a whole number", 0, 0, { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":999000,\"target\":1}", "unknown field \"target\"",
	  0, 0, { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":999000,\"credits\":{}}", "sla.credits must be a list",
	  0, 0, { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":999000,\"credits\":[1]}", "sla.credits[0] must be "
	  "an object", 0, 0, { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":999000,\"credits\":[{\"below_ppm\":999000}]}",
	  "sla.credits[0].credit_bp is required", 0, 0, { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":999000,\"credits\":[{\"credit_bp\":10}]}",
	  "sla.credits[0].below_ppm is required", 0, 0, { 0 }, { 0 } },
	/* a step above the target would credit a VE that met it */
	{ __LINE__, "{\"availability_target_ppm\":999000,\"credits\":[{\"below_ppm\":999001,"
	  "\"credit_bp\":10}]}", "sla.credits[0].below_ppm must be a whole number from 1 to 999000",
	  0, 0, { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":999000,\"credits\":[{\"below_ppm\":0,"
	  "\"credit_bp\":10}]}", "below_ppm must be", 0, 0, { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":999000,\"credits\":[{\"below_ppm\":990000,"
	  "\"credit_bp\":0}]}", "credit_bp must be a whole number from 1 to 10000", 0, 0, { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":999000,\"credits\":[{\"below_ppm\":990000,"
	  "\"credit_bp\":10001}]}", "credit_bp must be", 0, 0, { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":999000,\"credits\":[{\"below_ppm\":990000,"
	  "\"credit_bp\":10,\"note\":\"x\"}]}", "sla.credits[0] has an unknown field \"note\"",
	  0, 0, { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":999000,\"credits\":[{\"below_ppm\":990000,"
	  "\"credit_bp\":10},{\"below_ppm\":990000,\"credit_bp\":20}]}", "two steps below_ppm 990000",
	  0, 0, { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":999000,\"credits\":[{\"below_ppm\":999000,"
	  "\"credit_bp\":2500},{\"below_ppm\":990000,\"credit_bp\":1000}]}", "credits less than",
	  0, 0, { 0 }, { 0 } },
	{ __LINE__, "{\"availability_target_ppm\":999000,\"credits\":[{\"below_ppm\":9,\"credit_bp\":1},"
	  "{\"below_ppm\":8,\"credit_bp\":1},{\"below_ppm\":7,\"credit_bp\":1},{\"below_ppm\":6,"
	  "\"credit_bp\":1},{\"below_ppm\":5,\"credit_bp\":1},{\"below_ppm\":4,\"credit_bp\":1},"
	  "{\"below_ppm\":3,\"credit_bp\":1},{\"below_ppm\":2,\"credit_bp\":1},{\"below_ppm\":1,"
	  "\"credit_bp\":1}]}", "at most 8 steps", 0, 0, { 0 }, { 0 } },
};

START_TEST(test_parse)
{
	const __typeof__(parse_rows[0]) *r = &parse_rows[_i];
	json_error_t je;
	json_t *j = json_loads(r->json, JSON_REJECT_DUPLICATES, &je);
	struct sla_terms t;
	char err[256] = "";
	int rc;

	ck_assert_msg(j != NULL, "line %d: bad test JSON: %s", r->line, je.text);
	rc = sla_terms_parse(j, &t, err, sizeof(err));
	if (r->err == NULL) {
		ck_assert_msg(rc == 0, "line %d: refused: %s", r->line, err);
		ck_assert_msg(t.target_ppm == r->target, "line %d: target %u", r->line, t.target_ppm);
		ck_assert_msg(t.nsteps == r->nsteps, "line %d: %zu steps", r->line, t.nsteps);
		for (size_t k = 0; k < r->nsteps; k++)
			ck_assert_msg(t.step[k].below_ppm == r->below[k] && t.step[k].credit_bp == r->bp[k],
			    "line %d: step %zu is %u/%u", r->line, k, t.step[k].below_ppm,
			    t.step[k].credit_bp);
		/* and back to the same JSON shape */
		{
			json_t *o = sla_terms_json(&t);
			struct sla_terms u;
			ck_assert_msg(o != NULL && sla_terms_parse(o, &u, err, sizeof(err)) == 0 &&
			    memcmp(&u, &t, sizeof(t)) == 0, "line %d: round trip", r->line);
			json_decref(o);
		}
	} else {
		ck_assert_msg(rc == -1, "line %d: accepted", r->line);
		ck_assert_msg(strstr(err, r->err) != NULL, "line %d: message \"%s\" lacks \"%s\"",
		    r->line, err, r->err);
	}
	json_decref(j);
}
END_TEST

/* ---- availability and the credit step ---- */

static const struct sla_terms std = {
	999000, 2, { { 999000, 1000 }, { 990000, 2500 } }
};
static const struct sla_terms target_only = { 999000, 0, { { 0, 0 } } };

static const struct {
	int			 line;
	const struct sla_terms	*t;
	int			 always_on;
	uint64_t		 up, seen;
	uint32_t		 ppm, bp;
} credit_rows[] = {
	{ __LINE__, &std, 1, 1000, 1000, 1000000, 0 },		/* all up */
	{ __LINE__, &std, 1, 999, 1000, 999000, 0 },		/* exactly at the target: no credit */
	{ __LINE__, &std, 1, 998999, 1000000, 998999, 1000 },	/* one ppm below */
	/* a 31-day month: 2678 s down is 99.900014 % (at target), 2679 s 99.899962 % */
	{ __LINE__, &std, 1, 2678400 - 2678, 2678400, 999000, 0 },
	{ __LINE__, &std, 1, 2678400 - 2679, 2678400, 998999, 1000 },
	{ __LINE__, &std, 1, 990, 1000, 990000, 1000 },		/* exactly 99 %: the 10 % step */
	{ __LINE__, &std, 1, 989999, 1000000, 989999, 2500 },	/* below 99 %: the larger step */
	{ __LINE__, &std, 1, 0, 1000, 0, 2500 },		/* never up */
	{ __LINE__, &std, 1, 0, 0, 0, 0 },			/* nothing observed: no credit */
	{ __LINE__, &std, 0, 0, 1000, 0, 0 },			/* on demand: no SLA */
	{ __LINE__, NULL, 1, 0, 1000, 0, 0 },			/* plan without SLA */
	{ __LINE__, &target_only, 1, 0, 1000, 0, 0 },		/* a target, no credit steps */
	/* partial month: 1 hour observed, 4 s down: 3596/3600 = 998888.9 -> 998888 */
	{ __LINE__, &std, 1, 3596, 3600, 998888, 1000 },
	/* 1/3: 333333.3 floors to 333333 */
	{ __LINE__, &std, 1, 1, 3, 333333, 2500 },
	/* 2/3: 666666.7 floors (not rounds) to 666666 */
	{ __LINE__, &std, 1, 2, 3, 666666, 2500 },
	/* inconsistent rows (up > seen) count as all up */
	{ __LINE__, &std, 1, 5, 4, 1000000, 0 },
	/* large counts do not overflow */
	{ __LINE__, &std, 1, UINT64_MAX - 1, UINT64_MAX, 999999, 0 },
};

START_TEST(test_credit_bp)
{
	const __typeof__(credit_rows[0]) *r = &credit_rows[_i];
	struct sla_avail a = { r->always_on, r->up, r->seen };
	uint32_t ppm = sla_availability_ppm(r->up, r->seen), bp = sla_credit_bp(r->t, &a);

	ck_assert_msg(ppm == r->ppm, "line %d: %u ppm, want %u", r->line, ppm, r->ppm);
	ck_assert_msg(bp == r->bp, "line %d: %u bp, want %u", r->line, bp, r->bp);
}
END_TEST

static const struct {
	int		 line;
	int64_t		 fee;
	uint32_t	 bp;
	int		 ok;
	int64_t		 want;
} amount_rows[] = {
	{ __LINE__, 1000, 1000, 1, -100 },
	{ __LINE__, 1000, 2500, 1, -250 },
	{ __LINE__, 5, 1000, 1, -1 },		/* -0.5 rounds away from zero */
	{ __LINE__, 4, 1000, 1, 0 },		/* -0.4 */
	{ __LINE__, 1001, 2500, 1, -250 },	/* -250.25 */
	{ __LINE__, 1002, 2500, 1, -251 },	/* -250.5 */
	{ __LINE__, 516, 1000, 1, -52 },	/* a prorated fee: -51.6 */
	{ __LINE__, 0, 1000, 1, 0 },
	{ __LINE__, 1234, 10000, 1, -1234 },
	{ __LINE__, 1234, 1, 1, 0 },		/* -0.1234 */
	{ __LINE__, 5000, 1, 1, -1 },		/* -0.5 */
	{ __LINE__, INT64_MAX, 10000, 1, -INT64_MAX },
	{ __LINE__, -1, 1000, 0, 0 },
	{ __LINE__, 1000, 10001, 0, 0 },
};

START_TEST(test_amount)
{
	const __typeof__(amount_rows[0]) *r = &amount_rows[_i];
	int64_t c = 12345;
	int rc = sla_credit_minor(r->fee, r->bp, &c);

	ck_assert_msg((rc == 0) == r->ok, "line %d: rc %d", r->line, rc);
	if (rc == 0)
		ck_assert_msg(c == r->want, "line %d: %lld, want %lld", r->line, (long long)c,
		    (long long)r->want);
}
END_TEST

static const struct {
	uint32_t	 ppm;
	int		 trim;
	const char	*want;
} pct_rows[] = {
	{ 999520, 0, "99.952" }, { 999000, 0, "99.900" }, { 999000, 1, "99.9" },
	{ 1000000, 0, "100.000" }, { 1000000, 1, "100" }, { 0, 0, "0.000" }, { 0, 1, "0" },
	{ 999999, 0, "99.999" },	/* truncated, never shown as 100 % */
	{ 990000, 1, "99" }, { 100000, 1, "10" }, { 100, 1, "0.01" }, { 5, 0, "0.000" },
};

START_TEST(test_percent)
{
	char b[16];

	sla_ppm_percent(pct_rows[_i].ppm, pct_rows[_i].trim, b, sizeof(b));
	ck_assert_msg(strcmp(b, pct_rows[_i].want) == 0, "row %d: \"%s\", want \"%s\"", _i, b,
	    pct_rows[_i].want);
}
END_TEST

/* ---- the credit line in a rated month ---- */

struct wline {
	enum rate_kind	 k;
	enum rate_res	 r;
	size_t		 ver;
	long long	 qty, amount;
};

static const struct {
	int		 line;
	long long	 created;	/* offset from the month's start */
	long long	 split;		/* 0: one version; else the second's valid_from offset */
	long long	 fee0, fee1;
	int		 sla0, sla1;	/* the version has the std terms */
	int		 always_on;
	uint64_t	 up, seen;
	struct wline	 l[4];
	size_t		 nl;
} month_rows[] = {
	/* 2025-03, whole month, 1000 fee, 99.5 %: 10 % of 1000 */
	{ __LINE__, -D, 0, 1000, 0, 1, 0, 1, 995, 1000,
	  { { RK_FEE, RR_FEE, 0, 1000000, 1000 }, { RK_CREDIT, RR_AVAIL, 0, 99500000, -100 } }, 2 },
	/* at the target: the fee alone */
	{ __LINE__, -D, 0, 1000, 0, 1, 0, 1, 999, 1000,
	  { { RK_FEE, RR_FEE, 0, 1000000, 1000 } }, 1 },
	/* nothing observed */
	{ __LINE__, -D, 0, 1000, 0, 1, 0, 1, 0, 0,
	  { { RK_FEE, RR_FEE, 0, 1000000, 1000 } }, 1 },
	/* on demand */
	{ __LINE__, -D, 0, 1000, 0, 1, 0, 0, 500, 1000,
	  { { RK_FEE, RR_FEE, 0, 1000000, 1000 } }, 1 },
	/* created on the 16th: 516129 micro-months, fee 516; 98 % -> 25 %: -129 */
	{ __LINE__, 15 * D, 0, 1000, 0, 1, 0, 1, 98, 100,
	  { { RK_FEE, RR_FEE, 0, 516129, 516 }, { RK_CREDIT, RR_AVAIL, 0, 98000000, -129 } }, 2 },
	/* a credit that rounds to 0 (fee 4, 10 % = 0.4) gives no line */
	{ __LINE__, -D, 0, 4, 0, 1, 0, 1, 995, 1000,
	  { { RK_FEE, RR_FEE, 0, 1000000, 4 } }, 1 },
	/*
	 * A price change on the 11th (10 of 31 days at 1000, 21 at 2000):
	 * 322581 x 1000 -> 323, 677419 x 2000 -> 1355; 99.5 % credits each
	 * version that has terms with its own fee line: only the second.
	 */
	{ __LINE__, -D, 10 * D, 1000, 2000, 0, 1, 1, 995, 1000,
	  { { RK_FEE, RR_FEE, 0, 322581, 323 }, { RK_FEE, RR_FEE, 1, 677419, 1355 },
	    { RK_CREDIT, RR_AVAIL, 1, 99500000, -136 } }, 3 },
	{ __LINE__, -D, 10 * D, 1000, 2000, 1, 1, 1, 995, 1000,
	  { { RK_FEE, RR_FEE, 0, 322581, 323 }, { RK_CREDIT, RR_AVAIL, 0, 99500000, -32 },
	    { RK_FEE, RR_FEE, 1, 677419, 1355 }, { RK_CREDIT, RR_AVAIL, 1, 99500000, -136 } }, 4 },
};

START_TEST(test_month)
{
	const __typeof__(month_rows[0]) *r = &month_rows[_i];
	struct rate_version v[2];
	struct rate_usage u[2];
	struct sla_terms t[2];
	struct sla_avail a = { r->always_on, r->up, r->seen };
	struct rate_line out[2 * RATE_LINES_PER_VERSION];
	struct rate_input in;
	size_t n = 0;
	int64_t from, to;
	int rc;

	rate_month_bounds(2025, 3, &from, &to);
	memset(v, 0, sizeof(v));
	memset(u, 0, sizeof(u));
	memset(t, 0, sizeof(t));
	v[0].id = 1;
	v[0].valid_from = from - 10 * D;
	v[0].fee_minor = r->fee0;
	v[1].id = 2;
	v[1].valid_from = from + r->split;
	v[1].fee_minor = r->fee1;
	if (r->sla0)
		t[0] = std;
	if (r->sla1)
		t[1] = std;
	{
		struct rate_event ev = { from + r->created, 1 };
		memset(&in, 0, sizeof(in));
		in.from = in.acc_from = from;
		in.to = in.until = to;
		in.created_at = from + r->created;
		in.disk_quota_mb = 1000;
		in.ev = &ev;
		in.nev = 1;
		in.v = v;
		in.nv = r->split ? 2 : 1;
		in.u = u;
		in.sla = t;
		in.avail = &a;
		rc = rate_month(&in, out, nitems(out), &n);
	}
	ck_assert_msg(rc == RATE_OK, "line %d: rc %d", r->line, rc);
	ck_assert_msg(n == r->nl, "line %d: %zu lines, want %zu", r->line, n, r->nl);
	for (size_t k = 0; k < n; k++) {
		const struct rate_line *l = &out[k];
		const struct wline *w = &r->l[k];
		ck_assert_msg(l->kind == w->k && l->res == w->r && l->ver == w->ver &&
		    l->qty_micro == w->qty && l->amount_minor == w->amount,
		    "line %d: line %zu is %s/%s v%zu %lld %lld, want %s/%s v%zu %lld %lld", r->line, k,
		    rate_kind_name(l->kind), rate_res_name(l->res), l->ver, (long long)l->qty_micro,
		    (long long)l->amount_minor, rate_kind_name(w->k), rate_res_name(w->r), w->ver,
		    w->qty, w->amount);
		if (l->kind == RK_CREDIT)
			ck_assert_msg(l->unit_price_minor == 0, "line %d: a credit has no unit price",
			    r->line);
	}
}
END_TEST

/* Names of the new resource as invoices and the API show them. */
START_TEST(test_names)
{
	ck_assert_str_eq(rate_res_name(RR_AVAIL), "availability");
	ck_assert_str_eq(rate_res_unit(RR_AVAIL), "%");
	ck_assert_int_eq(rate_res_parse("availability"), RR_AVAIL);
	ck_assert_str_eq(rate_kind_name(RK_CREDIT), "credit");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sla");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_parse, 0, (int)nitems(parse_rows));
	tcase_add_loop_test(tc, test_credit_bp, 0, (int)nitems(credit_rows));
	tcase_add_loop_test(tc, test_amount, 0, (int)nitems(amount_rows));
	tcase_add_loop_test(tc, test_percent, 0, (int)nitems(pct_rows));
	tcase_add_loop_test(tc, test_month, 0, (int)nitems(month_rows));
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
