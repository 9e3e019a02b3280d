/*
 * CVSS v2.0, v3.0 and v3.1: the metric tables (vector abbreviations and the
 * names the FIRST JSON schemas use), a strict vector parser and the score
 * formulas of the specifications.  Internal to src/lib/advisory.
 */
#ifndef RP_CVSS_H
#define RP_CVSS_H

#include <stddef.h>

enum cvss_version {
	CVSS_V2,
	CVSS_V30,
	CVSS_V31,
};

#define CVSS_MAX_METRICS 22
#define CVSS_MAX_VALUES 6

/* One metric: JSON property, vector key, values (vector form, JSON form). */
struct cvss_metric {
	const char *json;
	const char *key;
	int base; /* required in every vector */
	size_t nvalues;
	const char *abbr[CVSS_MAX_VALUES];
	const char *name[CVSS_MAX_VALUES];
};

/* A parsed vector: for each metric the value index, or -1 when absent. */
struct cvss_vector {
	enum cvss_version version;
	signed char v[CVSS_MAX_METRICS];
};

struct cvss_scores {
	double base, temporal, environmental;
};

/* The metric table of a version; *n receives its length. */
const struct cvss_metric *cvss_metrics(enum cvss_version ver, size_t *n);

/*
 * Parses a vector string of the given version ("CVSS:3.1/AV:N/..." or
 * "AV:N/AC:L/..." for v2).  Every metric at most once, all base metrics
 * present.  Returns 0, or RP_ERR_INVALID with a reason in *why (a static
 * string; why may be NULL).
 */
int cvss_parse(const char *s, enum cvss_version ver, struct cvss_vector *out,
    const char **why);

/*
 * Computes base, temporal and environmental scores of a parsed vector, in
 * the specification's decimal arithmetic (v2: half-up rounding of the
 * exact value).
 */
void cvss_score(const struct cvss_vector *vec, struct cvss_scores *out);
/*
 * The v2 scores as the FIRST/NVD calculator computes them: the same
 * formulas in binary floating point, rounded with Math.round(x * 10) / 10.
 */
void cvss_score_v2_float(
    const struct cvss_vector *vec, struct cvss_scores *out);

/* The v3 qualitative severity of a score ("NONE" ... "CRITICAL"). */
const char *cvss_severity(double score);

#endif
