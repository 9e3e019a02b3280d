/*
 * CVSS score computation following the FIRST specifications: v2.0 (section
 * 3.2), v3.0 and v3.1 (section 7 and Appendix A of v3.1 for Roundup).  The
 * metric tables double as the enums of the FIRST JSON schemas, so the
 * validator checks properties and vectors against the same data.
 */
#include <math.h>
#include <string.h>

#include "cvss.h"
#include "util/err.h"

/* v3 metric indexes (same order as v3_metrics[]). */
enum {
	V3_AV,
	V3_AC,
	V3_PR,
	V3_UI,
	V3_S,
	V3_C,
	V3_I,
	V3_A,
	V3_E,
	V3_RL,
	V3_RC,
	V3_CR,
	V3_IR,
	V3_AR,
	V3_MAV,
	V3_MAC,
	V3_MPR,
	V3_MUI,
	V3_MS,
	V3_MC,
	V3_MI,
	V3_MA,
	V3_N
};

/* v2 metric indexes. */
enum {
	V2_AV,
	V2_AC,
	V2_AU,
	V2_C,
	V2_I,
	V2_A,
	V2_E,
	V2_RL,
	V2_RC,
	V2_CDP,
	V2_TD,
	V2_CR,
	V2_IR,
	V2_AR,
	V2_N
};

#define V3CIA                                                                  \
	{"N", "L", "H"},                                                       \
	{                                                                      \
		"NONE", "LOW", "HIGH"                                          \
	}
#define V3MCIA                                                                 \
	{"N", "L", "H", "X"},                                                  \
	{                                                                      \
		"NONE", "LOW", "HIGH", "NOT_DEFINED"                           \
	}
#define V3REQ                                                                  \
	{"L", "M", "H", "X"},                                                  \
	{                                                                      \
		"LOW", "MEDIUM", "HIGH", "NOT_DEFINED"                         \
	}

static const struct cvss_metric v3_metrics[V3_N] = {
    {"attackVector", "AV", 1, 4, {"N", "A", "L", "P"},
	{"NETWORK", "ADJACENT_NETWORK", "LOCAL", "PHYSICAL"}},
    {"attackComplexity", "AC", 1, 2, {"L", "H"}, {"LOW", "HIGH"}},
    {"privilegesRequired", "PR", 1, 3, {"N", "L", "H"},
	{"NONE", "LOW", "HIGH"}},
    {"userInteraction", "UI", 1, 2, {"N", "R"}, {"NONE", "REQUIRED"}},
    {"scope", "S", 1, 2, {"U", "C"}, {"UNCHANGED", "CHANGED"}},
    {"confidentialityImpact", "C", 1, 3, V3CIA},
    {"integrityImpact", "I", 1, 3, V3CIA},
    {"availabilityImpact", "A", 1, 3, V3CIA},
    {"exploitCodeMaturity", "E", 0, 5, {"U", "P", "F", "H", "X"},
	{"UNPROVEN", "PROOF_OF_CONCEPT", "FUNCTIONAL", "HIGH", "NOT_DEFINED"}},
    {"remediationLevel", "RL", 0, 5, {"O", "T", "W", "U", "X"},
	{"OFFICIAL_FIX", "TEMPORARY_FIX", "WORKAROUND", "UNAVAILABLE",
	    "NOT_DEFINED"}},
    {"reportConfidence", "RC", 0, 4, {"U", "R", "C", "X"},
	{"UNKNOWN", "REASONABLE", "CONFIRMED", "NOT_DEFINED"}},
    {"confidentialityRequirement", "CR", 0, 4, V3REQ},
    {"integrityRequirement", "IR", 0, 4, V3REQ},
    {"availabilityRequirement", "AR", 0, 4, V3REQ},
    {"modifiedAttackVector", "MAV", 0, 5, {"N", "A", "L", "P", "X"},
	{"NETWORK", "ADJACENT_NETWORK", "LOCAL", "PHYSICAL", "NOT_DEFINED"}},
    {"modifiedAttackComplexity", "MAC", 0, 3, {"L", "H", "X"},
	{"LOW", "HIGH", "NOT_DEFINED"}},
    {"modifiedPrivilegesRequired", "MPR", 0, 4, {"N", "L", "H", "X"},
	{"NONE", "LOW", "HIGH", "NOT_DEFINED"}},
    {"modifiedUserInteraction", "MUI", 0, 3, {"N", "R", "X"},
	{"NONE", "REQUIRED", "NOT_DEFINED"}},
    {"modifiedScope", "MS", 0, 3, {"U", "C", "X"},
	{"UNCHANGED", "CHANGED", "NOT_DEFINED"}},
    {"modifiedConfidentialityImpact", "MC", 0, 4, V3MCIA},
    {"modifiedIntegrityImpact", "MI", 0, 4, V3MCIA},
    {"modifiedAvailabilityImpact", "MA", 0, 4, V3MCIA},
};

#define V2CIA                                                                  \
	{"N", "P", "C"},                                                       \
	{                                                                      \
		"NONE", "PARTIAL", "COMPLETE"                                  \
	}
#define V2REQ                                                                  \
	{"L", "M", "H", "ND"},                                                 \
	{                                                                      \
		"LOW", "MEDIUM", "HIGH", "NOT_DEFINED"                         \
	}

static const struct cvss_metric v2_metrics[V2_N] = {
    {"accessVector", "AV", 1, 3, {"L", "A", "N"},
	{"LOCAL", "ADJACENT_NETWORK", "NETWORK"}},
    {"accessComplexity", "AC", 1, 3, {"H", "M", "L"},
	{"HIGH", "MEDIUM", "LOW"}},
    {"authentication", "Au", 1, 3, {"M", "S", "N"},
	{"MULTIPLE", "SINGLE", "NONE"}},
    {"confidentialityImpact", "C", 1, 3, V2CIA},
    {"integrityImpact", "I", 1, 3, V2CIA},
    {"availabilityImpact", "A", 1, 3, V2CIA},
    {"exploitability", "E", 0, 5, {"U", "POC", "F", "H", "ND"},
	{"UNPROVEN", "PROOF_OF_CONCEPT", "FUNCTIONAL", "HIGH", "NOT_DEFINED"}},
    {"remediationLevel", "RL", 0, 5, {"OF", "TF", "W", "U", "ND"},
	{"OFFICIAL_FIX", "TEMPORARY_FIX", "WORKAROUND", "UNAVAILABLE",
	    "NOT_DEFINED"}},
    {"reportConfidence", "RC", 0, 4, {"UC", "UR", "C", "ND"},
	{"UNCONFIRMED", "UNCORROBORATED", "CONFIRMED", "NOT_DEFINED"}},
    {"collateralDamagePotential", "CDP", 0, 6,
	{"N", "L", "LM", "MH", "H", "ND"},
	{"NONE", "LOW", "LOW_MEDIUM", "MEDIUM_HIGH", "HIGH", "NOT_DEFINED"}},
    {"targetDistribution", "TD", 0, 5, {"N", "L", "M", "H", "ND"},
	{"NONE", "LOW", "MEDIUM", "HIGH", "NOT_DEFINED"}},
    {"confidentialityRequirement", "CR", 0, 4, V2REQ},
    {"integrityRequirement", "IR", 0, 4, V2REQ},
    {"availabilityRequirement", "AR", 0, 4, V2REQ},
};

const struct cvss_metric *
cvss_metrics(enum cvss_version ver, size_t *n)
{
	if (ver == CVSS_V2) {
		*n = V2_N;
		return v2_metrics;
	}
	*n = V3_N;
	return v3_metrics;
}

/* Parses one "KEY:VAL" token of len bytes into vec. */
static int
parse_token(const char *t, size_t len, const struct cvss_metric *m, size_t n,
    struct cvss_vector *vec, const char **why)
{
	const char *colon = memchr(t, ':', len);
	size_t i, j, klen, vlen;

	if (colon == NULL) {
		*why = "metric without ':'";
		return RP_ERR_INVALID;
	}
	klen = (size_t)(colon - t);
	vlen = len - klen - 1;
	for (i = 0; i < n; i++) {
		if (strlen(m[i].key) != klen || memcmp(m[i].key, t, klen) != 0)
			continue;
		if (vec->v[i] != -1) {
			*why = "metric given more than once";
			return RP_ERR_INVALID;
		}
		for (j = 0; j < m[i].nvalues; j++) {
			if (strlen(m[i].abbr[j]) == vlen &&
			    memcmp(m[i].abbr[j], colon + 1, vlen) == 0) {
				vec->v[i] = (signed char)j;
				return 0;
			}
		}
		*why = "unknown metric value";
		return RP_ERR_INVALID;
	}
	*why = "unknown metric";
	return RP_ERR_INVALID;
}

int
cvss_parse(const char *s, enum cvss_version ver, struct cvss_vector *out,
    const char **why)
{
	const char *dummy, *p, *slash;
	const char *prefix = ver == CVSS_V30 ? "CVSS:3.0/"
	    : ver == CVSS_V31		     ? "CVSS:3.1/"
					     : "";
	const struct cvss_metric *m;
	size_t i, n;
	int r;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	memset(out, 0, sizeof(*out));
	out->version = ver;
	for (i = 0; i < CVSS_MAX_METRICS; i++)
		out->v[i] = -1;
	m = cvss_metrics(ver, &n);
	if (strncmp(s, prefix, strlen(prefix)) != 0) {
		*why = ver == CVSS_V2 ? "bad prefix"
				      : "missing \"CVSS:3.x/\" prefix";
		return RP_ERR_INVALID;
	}
	p = s + strlen(prefix);
	for (;;) {
		slash = strchr(p, '/');
		if ((r = parse_token(p, slash ? (size_t)(slash - p) : strlen(p),
			 m, n, out, why)) != 0)
			return r;
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	for (i = 0; i < n; i++) {
		if (m[i].base && out->v[i] == -1) {
			*why = "a base metric is missing";
			return RP_ERR_INVALID;
		}
	}
	return 0;
}

/* v3.1 Appendix A: rounding up to one decimal, robust to float noise. */
static double
roundup31(double x)
{
	long long i = llround(x * 100000.0);

	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (floor((double)i / 10000.0) + 1.0) / 10.0;
}

/* v3.0: the smallest number, to one decimal, equal to or above x. */
static double
roundup30(double x)
{
	/* the epsilon absorbs binary noise such as 4.000000000001 */
	return ceil(x * 10.0 - 1e-9) / 10.0;
}

/* Value index of metric i, or the "not defined" value when absent. */
static int
mval(const struct cvss_vector *vec, int i)
{
	return vec->v[i];
}

/* Modified metric mi falls back to base metric bi when absent or X. */
static int
modified(const struct cvss_vector *vec, int mi, int bi)
{
	const struct cvss_metric *m = &v3_metrics[mi];
	int v = vec->v[mi];

	if (v == -1 || strcmp(m->abbr[v], "X") == 0)
		return vec->v[bi];
	/* modified tables share the base order, X is last */
	return v;
}

static const double v3_av[] = {0.85, 0.62, 0.55, 0.2};
static const double v3_ac[] = {0.77, 0.44};
static const double v3_ui[] = {0.85, 0.62};
static const double v3_cia[] = {0.0, 0.22, 0.56};
static const double v3_e[] = {0.91, 0.94, 0.97, 1.0, 1.0};
static const double v3_rl[] = {0.95, 0.96, 0.97, 1.0, 1.0};
static const double v3_rc[] = {0.92, 0.96, 1.0, 1.0};
static const double v3_req[] = {0.5, 1.0, 1.5, 1.0};

static double
v3_pr(int v, int changed)
{
	static const double u[] = {0.85, 0.62, 0.27};
	static const double c[] = {0.85, 0.68, 0.5};

	return changed ? c[v] : u[v];
}

/* Value or "not defined" weight for an optional metric. */
static double
optw(const struct cvss_vector *vec, int i, const double *w, int nd)
{
	int v = mval(vec, i);

	return w[v == -1 ? nd : v];
}

static void
score_v3(const struct cvss_vector *vec, struct cvss_scores *out)
{
	double (*ru)(double) = vec->version == CVSS_V31 ? roundup31 : roundup30;
	int changed = vec->v[V3_S] == 1, mchanged;
	double iss, impact, expl, tmul, miss, mimpact, mexpl, t;

	iss = 1.0 -
	    (1.0 - v3_cia[vec->v[V3_C]]) * (1.0 - v3_cia[vec->v[V3_I]]) *
		(1.0 - v3_cia[vec->v[V3_A]]);
	if (changed)
		impact = 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15);
	else
		impact = 6.42 * iss;
	expl = 8.22 * v3_av[vec->v[V3_AV]] * v3_ac[vec->v[V3_AC]] *
	    v3_pr(vec->v[V3_PR], changed) * v3_ui[vec->v[V3_UI]];
	if (impact <= 0)
		out->base = 0;
	else if (changed)
		out->base = ru(fmin(1.08 * (impact + expl), 10.0));
	else
		out->base = ru(fmin(impact + expl, 10.0));

	tmul = optw(vec, V3_E, v3_e, 4) * optw(vec, V3_RL, v3_rl, 4) *
	    optw(vec, V3_RC, v3_rc, 3);
	out->temporal = ru(out->base * tmul);

	mchanged = modified(vec, V3_MS, V3_S) == 1;
	miss = fmin(1.0 -
		(1.0 -
		    optw(vec, V3_CR, v3_req, 3) *
			v3_cia[modified(vec, V3_MC, V3_C)]) *
		    (1.0 -
			optw(vec, V3_IR, v3_req, 3) *
			    v3_cia[modified(vec, V3_MI, V3_I)]) *
		    (1.0 -
			optw(vec, V3_AR, v3_req, 3) *
			    v3_cia[modified(vec, V3_MA, V3_A)]),
	    0.915);
	if (!mchanged)
		mimpact = 6.42 * miss;
	else if (vec->version == CVSS_V31)
		mimpact = 7.52 * (miss - 0.029) -
		    3.25 * pow(miss * 0.9731 - 0.02, 13);
	else
		mimpact = 7.52 * (miss - 0.029) - 3.25 * pow(miss - 0.02, 15);
	mexpl = 8.22 * v3_av[modified(vec, V3_MAV, V3_AV)] *
	    v3_ac[modified(vec, V3_MAC, V3_AC)] *
	    v3_pr(modified(vec, V3_MPR, V3_PR), mchanged) *
	    v3_ui[modified(vec, V3_MUI, V3_UI)];
	if (mimpact <= 0)
		out->environmental = 0;
	else {
		t = mchanged ? fmin(1.08 * (mimpact + mexpl), 10.0)
			     : fmin(mimpact + mexpl, 10.0);
		out->environmental = ru(ru(t) * tmul);
	}
}

/* v2 rounds to one decimal, half up. */
static double
round1(double x)
{
	return floor(x * 10.0 + 0.5 + 1e-9) / 10.0;
}

static const double v2_av[] = {0.395, 0.646, 1.0};
static const double v2_ac[] = {0.35, 0.61, 0.71};
static const double v2_au[] = {0.45, 0.56, 0.704};
static const double v2_cia[] = {0.0, 0.275, 0.660};
static const double v2_e[] = {0.85, 0.9, 0.95, 1.0, 1.0};
static const double v2_rl[] = {0.87, 0.90, 0.95, 1.0, 1.0};
static const double v2_rc[] = {0.90, 0.95, 1.0, 1.0};
static const double v2_cdp[] = {0.0, 0.1, 0.3, 0.4, 0.5, 0.0};
static const double v2_td[] = {0.0, 0.25, 0.75, 1.0, 1.0};
static const double v2_req[] = {0.5, 1.0, 1.51, 1.0};

/*
 * The FIRST/NVD v2 calculator's rounding: JavaScript's
 * Math.round(x * 10) / 10 on binary doubles, so 3.0 * 0.95 (2.8499...)
 * gives 2.8 where the specification's decimal arithmetic gives 2.9.
 */
static double
round1_float(double x)
{
	return floor(x * 10.0 + 0.5) / 10.0;
}

static double
v2_base(double impact, double expl, double (*rnd)(double))
{
	double f = impact == 0 ? 0 : 1.176;

	return rnd(((0.6 * impact) + (0.4 * expl) - 1.5) * f);
}

/* A v2 score with rounding rnd, multiplying as the calculator does. */
static void
score_v2(const struct cvss_vector *vec, double (*rnd)(double),
    struct cvss_scores *out)
{
	double impact, expl, e, rl, rc, aimpact, atemp, base;

	impact = 10.41 *
	    (1.0 -
		(1.0 - v2_cia[vec->v[V2_C]]) * (1.0 - v2_cia[vec->v[V2_I]]) *
		    (1.0 - v2_cia[vec->v[V2_A]]));
	expl = 20.0 * v2_av[vec->v[V2_AV]] * v2_ac[vec->v[V2_AC]] *
	    v2_au[vec->v[V2_AU]];
	base = v2_base(impact, expl, rnd);
	out->base = base < 0 ? 0 : base;
	e = optw(vec, V2_E, v2_e, 4);
	rl = optw(vec, V2_RL, v2_rl, 4);
	rc = optw(vec, V2_RC, v2_rc, 3);
	out->temporal = rnd(out->base * e * rl * rc);

	aimpact = fmin(10.0,
	    10.41 *
		(1.0 -
		    (1.0 - v2_cia[vec->v[V2_C]] * optw(vec, V2_CR, v2_req, 3)) *
			(1.0 -
			    v2_cia[vec->v[V2_I]] *
				optw(vec, V2_IR, v2_req, 3)) *
			(1.0 -
			    v2_cia[vec->v[V2_A]] *
				optw(vec, V2_AR, v2_req, 3))));
	atemp = rnd(fmax(v2_base(aimpact, expl, rnd), 0) * e * rl * rc);
	out->environmental =
	    rnd((atemp + (10.0 - atemp) * optw(vec, V2_CDP, v2_cdp, 5)) *
		optw(vec, V2_TD, v2_td, 4));
}

void
cvss_score_v2_float(const struct cvss_vector *vec, struct cvss_scores *out)
{
	score_v2(vec, round1_float, out);
}

void
cvss_score(const struct cvss_vector *vec, struct cvss_scores *out)
{
	if (vec->version == CVSS_V2)
		score_v2(vec, round1, out);
	else
		score_v3(vec, out);
}

const char *
cvss_severity(double score)
{
	if (score < 0.05)
		return "NONE";
	if (score < 3.95)
		return "LOW";
	if (score < 6.95)
		return "MEDIUM";
	if (score < 8.95)
		return "HIGH";
	return "CRITICAL";
}
