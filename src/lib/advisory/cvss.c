/*
 * CVSS base score equations: v3.x as in section 7.1 of the CVSS v3.1
 * specification (with its Roundup), v2 as in section 3.2.1 of the v2
 * guide.  Only the base metrics are read; temporal and environmental
 * ones are ignored.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cvss.h"
#include "util/err.h"
#include "util/str.h"

static double
cvss_pick(const char *vec, const char *metric, const char *vals,
    const double *w, int *ok)
{
	char key[8];
	const char *p;
	size_t kl;
	int i;

	kl = (size_t)snprintf(key, sizeof(key), "%s:", metric);
	for (p = vec; (p = strstr(p, key)) != NULL; p += kl) {
		if (p != vec && p[-1] != '/')
			continue;
		for (i = 0; vals[i] != '\0'; i++) {
			if (p[kl] == vals[i] &&
			    (p[kl + 1] == '/' || p[kl + 1] == '\0'))
				return w[i];
		}
		break;
	}
	*ok = 0;
	return 0;
}

/* CVSS v3.1 "Roundup": the smallest one-decimal number >= x. */
static double
cvss3_roundup(double x)
{
	long i = lround(x * 100000);

	if (i % 10000 == 0)
		return i / 100000.0;
	return (floor(i / 10000.0) + 1) / 10.0;
}

/* Base score of a CVSS v3.x vector, or -1 when a base metric is missing. */
static double
cvss3_base(const char *vec)
{
	static const double av[] = {0.85, 0.62, 0.55, 0.2};
	static const double ac[] = {0.77, 0.44};
	static const double pru[] = {0.85, 0.62, 0.27};
	static const double prc[] = {0.85, 0.68, 0.5};
	static const double ui[] = {0.85, 0.62};
	static const double cia[] = {0.56, 0.22, 0};
	static const double sc[] = {0, 1};
	double iss, imp, expl, pr, scope;
	int ok = 1;

	scope = cvss_pick(vec, "S", "UC", sc, &ok);
	pr = cvss_pick(vec, "PR", "NLH", scope != 0 ? prc : pru, &ok);
	iss = 1 -
	    (1 - cvss_pick(vec, "C", "HLN", cia, &ok)) *
		(1 - cvss_pick(vec, "I", "HLN", cia, &ok)) *
		(1 - cvss_pick(vec, "A", "HLN", cia, &ok));
	expl = 8.22 * cvss_pick(vec, "AV", "NALP", av, &ok) *
	    cvss_pick(vec, "AC", "LH", ac, &ok) * pr *
	    cvss_pick(vec, "UI", "NR", ui, &ok);
	if (!ok)
		return -1;
	if (scope == 0)
		imp = 6.42 * iss;
	else
		imp = 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15);
	if (imp <= 0)
		return 0;
	if (scope == 0)
		return cvss3_roundup(fmin(imp + expl, 10));
	return cvss3_roundup(fmin(1.08 * (imp + expl), 10));
}

/* Base score of a CVSS v2 vector, or -1. */
static double
cvss2_base(const char *vec)
{
	static const double av[] = {0.395, 0.646, 1.0};
	static const double ac[] = {0.35, 0.61, 0.71};
	static const double au[] = {0.45, 0.56, 0.704};
	static const double cia[] = {0, 0.275, 0.660};
	double imp, expl;
	int ok = 1;

	imp = 10.41 *
	    (1 -
		(1 - cvss_pick(vec, "C", "NPC", cia, &ok)) *
		    (1 - cvss_pick(vec, "I", "NPC", cia, &ok)) *
		    (1 - cvss_pick(vec, "A", "NPC", cia, &ok)));
	expl = 20 * cvss_pick(vec, "AV", "LAN", av, &ok) *
	    cvss_pick(vec, "AC", "HML", ac, &ok) *
	    cvss_pick(vec, "Au", "MSN", au, &ok);
	if (!ok)
		return -1;
	return round(((0.6 * imp) + (0.4 * expl) - 1.5) *
		   (imp == 0 ? 0 : 1.176) * 10) /
	    10;
}

const char *
cvss_severity_name(double s)
{
	if (s == 0)
		return "none";
	if (s < 4)
		return "low";
	if (s < 7)
		return "medium";
	if (s < 9)
		return "high";
	return "critical";
}

int
cvss_base_score(const char *vector, double *score)
{
	double s;

	*score = 0;
	if (rp_str_startswith(vector, "CVSS:3.0/") ||
	    rp_str_startswith(vector, "CVSS:3.1/"))
		s = cvss3_base(vector);
	else if (strncmp(vector, "CVSS:", 5) != 0)
		s = cvss2_base(vector);
	else
		s = -1;
	if (s < 0)
		return RP_ERR_INVALID;
	*score = s;
	return 0;
}
