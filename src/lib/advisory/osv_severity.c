/*
 * OSV severity[] entries (CVSS v2, v3.x and v4 vectors, Ubuntu
 * priorities) as advisory scores, and the advisory's aggregate severity:
 * the highest one seen, in lower case.  A v4 vector is kept without a
 * base score (that needs the specification's MacroVector tables).
 */
#include <string.h>
#include <strings.h>

#include "util/ascii.h"
#include "adv_util.h"
#include "cvss.h"
#include "osv_int.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/str.h"

static const char *const osv_sev_types[] = {
    "CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu", NULL};

static int
sev_rank(const char *s)
{
	static const char *const r[] = {
	    "none", "negligible", "low", "medium", "high", "critical", NULL};
	int i;

	for (i = 0; s != NULL && r[i] != NULL; i++) {
		if (strcasecmp(r[i], s) == 0)
			return i;
	}
	return -1;
}

/*
 * Raises the advisory's aggregate severity to s if s is higher; it is
 * kept in lower case ("high"), as Ubuntu priorities are written.
 */
static int
raise_severity(struct osv_ctx *c, const char *s)
{
	char *p;

	if (sev_rank(s) <= sev_rank(c->a->severity))
		return 0;
	if ((c->a->severity = rp_arena_strdup(c->a->arena, s)) == NULL)
		return RP_ERR_NOMEM;
	for (p = c->a->severity; *p != '\0'; p++)
		*p = (char)rp_tolower(*p);
	return 0;
}

/*
 * One severity[] entry; the score applies to pids (NULL: every product,
 * filled in at the end).
 */
static int
osv_severity_one(struct osv_ctx *c, const json_t *sev, char **pids, size_t np)
{
	struct rp_arena *ar = c->a->arena;
	struct cvss_scores scores;
	struct cvss_vector vec;
	enum cvss_version cv = CVSS_V31;
	struct adv_score *sc;
	const char *type, *score, *ver, *why = NULL;
	double base = 0;

	if (!json_is_object(sev)) {
		osv_err(c, "schema", "expected an object");
		return 0;
	}
	osv_check_keys(c, sev, (const char *const[]){"type", "score", NULL});
	type = osv_str(c, sev, "type", 1);
	score = osv_str(c, sev, "score", 1);
	if (type == NULL || score == NULL)
		return 0;
	if (!adv_in_list(osv_sev_types, type)) {
		osv_warn(
		    c, "schema", "unknown severity type \"%s\" ignored", type);
		return 0;
	}
	if (strcmp(type, "Ubuntu") == 0) {
		if (sev_rank(score) < 0 || strcmp(score, "none") == 0) {
			osv_err(c, "schema",
			    "Ubuntu priority \"%s\" is not one of negligible, "
			    "low, medium, high, critical",
			    score);
			return 0;
		}
		return raise_severity(c, score);
	}
	if (strcmp(type, "CVSS_V2") == 0) {
		ver = "2.0";
		cv = CVSS_V2;
	} else if (strcmp(type, "CVSS_V3") == 0) {
		ver = rp_str_startswith(score, "CVSS:3.0/") ? "3.0" : "3.1";
		cv = ver[2] == '0' ? CVSS_V30 : CVSS_V31;
	} else {
		/* v4 scores need the specification's MacroVector tables */
		ver = "4.0";
		if (!rp_str_startswith(score, "CVSS:4.0/")) {
			osv_err(c, "schema", "\"%s\" is not a CVSS v4.0 vector",
			    score);
			return 0;
		}
	}
	if (ver[0] != '4') {
		if (cvss_parse(score, cv, &vec, &why) != 0) {
			osv_err(c, "schema", "\"%s\" is not a %s vector: %s",
			    score, type, why != NULL ? why : "invalid");
			return 0;
		}
		cvss_score(&vec, &scores);
		base = scores.base;
	}
	if (c->v->nscores >= OSV_MAX_ITEMS)
		return RP_ERR_LIMIT;
	if ((sc = rp_arena_grow(ar, c->v->scores, c->v->nscores, &c->cap_scores,
		 sizeof(*sc))) == NULL)
		return RP_ERR_NOMEM;
	c->v->scores = sc;
	sc += c->v->nscores++;
	sc->cvss_version = rp_arena_strdup(ar, ver);
	sc->vector = rp_arena_strdup(ar, score);
	sc->base_score = base;
	sc->product_ids = pids;
	sc->nproduct_ids = np;
	if (sc->cvss_version == NULL || sc->vector == NULL)
		return RP_ERR_NOMEM;
	if (ver[0] == '3') {
		sc->base_severity = (char *)cvss_severity(base);
		return raise_severity(c, sc->base_severity);
	}
	return 0;
}

int
osv_severity(struct osv_ctx *c, const json_t *obj, char **pids, size_t np)
{
	const json_t *arr, *sev;
	struct rpjson_mark t;
	size_t i, m, m2;
	int r = 0;

	if ((arr = osv_array(c, obj, "severity", 1)) == NULL)
		return 0;
	m = rpjson_path_push_key(&c->p, "severity");
	json_array_foreach(arr, i, sev)
	{
		m2 = rpjson_path_push_index(&c->p, i);
		rpjson_mark(&c->rd, &t);
		/* a score in error adds nothing: the rest stands without it */
		if ((r = osv_severity_one(c, sev, pids, np)) == 0)
			osv_forgive(c, &t, "this severity entry is ignored");
		rpjson_path_pop(&c->p, m2);
		if (r != 0)
			break;
	}
	rpjson_path_pop(&c->p, m);
	return r;
}
