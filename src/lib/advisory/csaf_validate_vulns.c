/*
 * CSAF 2.0 mandatory tests on /vulnerabilities: 6.1.8 (CVSS objects
 * against the FIRST v2.0/v3.0/v3.1 schemas), 6.1.9 (scores computed from
 * the vector), 6.1.10 (properties consistent with the vector), 6.1.11
 * (CWE id and name in the MITRE catalogue), 6.1.23 (CVE used once) and
 * 6.1.24 (one involvement per party and date).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "advisory.h"
#include "csaf_validate_int.h"
#include "cvss.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const severities[] = {
    "NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"};

static int
in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* 6.1.8 on one metric property: a string of the metric's enum. */
static void
check_metric_prop(
    struct vctx *c, const struct cvss_metric *m, const json_t *val)
{
	if (!json_is_string(val) ||
	    !in_list(json_string_value(val), m->name, m->nvalues))
		v_err_key(c, "6.1.8", m->json,
		    "invalid CVSS: %s must be one of %s, ... %s", m->json,
		    m->name[0], m->name[m->nvalues - 1]);
}

static void
check_score_prop(struct vctx *c, const json_t *o, const char *key, int req)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL) {
		if (req)
			v_err(c, "6.1.8",
			    "invalid CVSS: missing required property %s", key);
		return;
	}
	if (!json_is_number(v) || json_number_value(v) < 0 ||
	    json_number_value(v) > 10)
		v_err_key(c, "6.1.8", key,
		    "invalid CVSS: %s must be a number from 0 to 10", key);
}

static void
check_severity_prop(struct vctx *c, const json_t *o, const char *key, int req)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL) {
		if (req)
			v_err(c, "6.1.8",
			    "invalid CVSS: missing required property %s", key);
		return;
	}
	if (!json_is_string(v) ||
	    !in_list(json_string_value(v), severities, NELEM(severities)))
		v_err_key(c, "6.1.8", key,
		    "invalid CVSS: %s must be one of NONE, LOW, MEDIUM, HIGH, "
		    "CRITICAL",
		    key);
}

/*
 * 6.1.9: a given score or severity matches the computed one.  For CVSS v2
 * alt is the score of the FIRST/NVD calculator's floating-point rounding
 * (else want): a score matching only alt is accepted with a note whose
 * test id is CSAF_NOTE_CVSS2_FLOAT.
 */
static void
compare_score(struct vctx *c, const json_t *o, const char *key,
    const char *sevkey, double want, double alt)
{
	json_t *v = json_object_get(o, key);
	const char *sev;
	size_t m;

	if (v != NULL && json_is_number(v) &&
	    fabs(json_number_value(v) - want) > 0.01) {
		if (fabs(json_number_value(v) - alt) <= 0.01) {
			m = rpjson_path_push_key(&c->path, key);
			rp_diags_add(c->d, RP_DIAG_NOTE, CSAF_NOTE_CVSS2_FLOAT,
			    rpjson_path_str(&c->path),
			    "%s %.1f is the FIRST calculator's floating-point "
			    "rounding; the specification's decimal rounding "
			    "gives %.1f",
			    key, json_number_value(v), want);
			rpjson_path_pop(&c->path, m);
		} else
			v_err_key(c, "6.1.9", key,
			    "invalid CVSS computation: %s is %.1f but the "
			    "vector gives %.1f",
			    key, json_number_value(v), want);
	}
	if (sevkey != NULL && (sev = rpjson_str(o, sevkey)) != NULL &&
	    strcmp(sev, cvss_severity(want)) != 0)
		v_err_key(c, "6.1.9", sevkey,
		    "invalid CVSS computation: %s is %s but the vector gives "
		    "%s",
		    sevkey, sev, cvss_severity(want));
}

/* 6.1.10: each metric property agrees with the vector. */
static void
check_consistent(struct vctx *c, const json_t *o, const struct cvss_vector *vec)
{
	const struct cvss_metric *m;
	const char *val;
	size_t i, n;

	m = cvss_metrics(vec->version, &n);
	for (i = 0; i < n; i++) {
		if (vec->v[i] < 0 || (val = rpjson_str(o, m[i].json)) == NULL)
			continue;
		if (strcmp(val, m[i].name[vec->v[i]]) != 0)
			v_err_key(c, "6.1.10", m[i].json,
			    "inconsistent CVSS: %s is %s but the vector says "
			    "%s:%s",
			    m[i].json, val, m[i].key, m[i].abbr[vec->v[i]]);
	}
}

static void
check_cvss(struct vctx *c, const json_t *o, enum cvss_version ver)
{
	const struct cvss_metric *m;
	const char *vs, *why = NULL;
	struct cvss_vector vec;
	struct cvss_scores sc, alt;
	int v3 = ver != CVSS_V2;
	json_t *x;
	size_t i, n;

	if (!json_is_object(o)) {
		v_err(c, "6.1.8", "invalid CVSS: expected an object");
		return;
	}
	m = cvss_metrics(ver, &n);
	for (i = 0; i < n; i++)
		if ((x = json_object_get(o, m[i].json)) != NULL)
			check_metric_prop(c, &m[i], x);
	check_score_prop(c, o, "baseScore", 1);
	check_score_prop(c, o, "temporalScore", 0);
	check_score_prop(c, o, "environmentalScore", 0);
	if (v3) {
		check_severity_prop(c, o, "baseSeverity", 1);
		check_severity_prop(c, o, "temporalSeverity", 0);
		check_severity_prop(c, o, "environmentalSeverity", 0);
	}
	if ((x = json_object_get(o, "vectorString")) == NULL) {
		v_err(c, "6.1.8",
		    "invalid CVSS: missing required property vectorString");
		return;
	}
	if ((vs = json_string_value(x)) == NULL ||
	    cvss_parse(vs, ver, &vec, &why) != 0) {
		v_err_key(c, "6.1.8", "vectorString",
		    "invalid CVSS: vectorString is not a CVSS %s vector (%s)",
		    ver == CVSS_V2	  ? "2.0"
			: ver == CVSS_V30 ? "3.0"
					  : "3.1",
		    why ? why : "not a string");
		return;
	}
	cvss_score(&vec, &sc);
	if (v3)
		alt = sc;
	else
		cvss_score_v2_float(&vec, &alt);
	compare_score(
	    c, o, "baseScore", v3 ? "baseSeverity" : NULL, sc.base, alt.base);
	compare_score(c, o, "temporalScore", v3 ? "temporalSeverity" : NULL,
	    sc.temporal, alt.temporal);
	compare_score(c, o, "environmentalScore",
	    v3 ? "environmentalSeverity" : NULL, sc.environmental,
	    alt.environmental);
	check_consistent(c, o, &vec);
}

static void
check_score(struct vctx *c, const json_t *s)
{
	const json_t *o;
	const char *ver;
	size_t m;

	if ((o = json_object_get(s, "cvss_v2")) != NULL) {
		m = rpjson_path_push_key(&c->path, "cvss_v2");
		ver = rpjson_str(o, "version");
		if (json_is_object(o) &&
		    (ver == NULL || strcmp(ver, "2.0") != 0))
			v_err_key(c, "6.1.8", "version",
			    "invalid CVSS: version must be \"2.0\"");
		else
			check_cvss(c, o, CVSS_V2);
		rpjson_path_pop(&c->path, m);
	}
	if ((o = json_object_get(s, "cvss_v3")) != NULL) {
		m = rpjson_path_push_key(&c->path, "cvss_v3");
		ver = rpjson_str(o, "version");
		if (!json_is_object(o))
			v_err(c, "6.1.8", "invalid CVSS: expected an object");
		else if (ver != NULL && strcmp(ver, "3.0") == 0)
			check_cvss(c, o, CVSS_V30);
		else if (ver != NULL && strcmp(ver, "3.1") == 0)
			check_cvss(c, o, CVSS_V31);
		else
			v_err_key(c, "6.1.8", "version",
			    "invalid CVSS: version must be \"3.0\" or \"3.1\"");
		rpjson_path_pop(&c->path, m);
	}
}

static int
cmp_cwe(const void *key, const void *elem)
{
	int id = *(const int *)key;
	const struct cwe_entry *e = elem;

	return id < e->id ? -1 : id > e->id;
}

/* 6.1.11: the CWE exists and the name is one it has had. */
static void
check_cwe(struct vctx *c, const json_t *cwe)
{
	const char *id = rpjson_str(cwe, "id"), *name = rpjson_str(cwe, "name");
	const struct cwe_entry *e;
	char *end;
	long num;
	int key;

	if (id == NULL || name == NULL || strncmp(id, "CWE-", 4) != 0)
		return;
	num = strtol(id + 4, &end, 10);
	if (*end != '\0' || num <= 0 || num > 999999)
		return;
	key = (int)num;
	e = bsearch(
	    &key, cwe_table, cwe_table_len, sizeof(*cwe_table), cmp_cwe);
	if (e == NULL) {
		v_err_key(c, "6.1.11", "id",
		    "CWE: %s is not a weakness in the CWE catalogue", id);
		return;
	}
	while (e > cwe_table && e[-1].id == key)
		e--;
	const struct cwe_entry *first = e;
	for (; e < cwe_table + cwe_table_len && e->id == key; e++)
		if (strcmp(e->name, name) == 0)
			return;
	v_err_key(c, "6.1.11", "name",
	    "CWE: the name of %s is \"%s\", not \"%.120s\"", id, first->name,
	    name);
}

struct involvement {
	const char *party, *date;
	size_t idx;
};

static int
cmp_date_opt(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b ? 0 : a == NULL ? -1 : 1;
	if (rp_rfc3339_parse(a, NULL, NULL) == 0 &&
	    rp_rfc3339_parse(b, NULL, NULL) == 0)
		return csaf_cmp_datetime(a, b);
	return strcmp(a, b);
}

static int
cmp_involvement(const void *x, const void *y)
{
	const struct involvement *a = x, *b = y;
	int r = strcmp(a->party, b->party);

	if (r == 0)
		r = cmp_date_opt(a->date, b->date);
	if (r == 0)
		r = a->idx < b->idx ? -1 : a->idx > b->idx;
	return r;
}

/* 6.1.24: one involvement per party and date. */
static void
check_involvements(struct vctx *c, const json_t *v)
{
	json_t *a = rpjson_array(v, "involvements"), *e;
	struct involvement *iv;
	size_t i, n = 0, m0;

	if (json_array_size(a) < 2)
		return;
	if ((iv = calloc(json_array_size(a), sizeof(*iv))) == NULL) {
		c->nomem = 1;
		return;
	}
	json_array_foreach(a, i, e)
	{
		if ((iv[n].party = rpjson_str(e, "party")) == NULL)
			continue;
		iv[n].date = rpjson_str(e, "date");
		iv[n++].idx = i;
	}
	qsort(iv, n, sizeof(*iv), cmp_involvement);
	for (i = 1; i < n; i++) {
		if (strcmp(iv[i].party, iv[i - 1].party) != 0 ||
		    cmp_date_opt(iv[i].date, iv[i - 1].date) != 0)
			continue;
		m0 = rpjson_path_push_key(&c->path, "involvements");
		(void)rpjson_path_push_index(&c->path, iv[i].idx);
		v_err(c, "6.1.24",
		    "multiple definition in involvements: party %s has more "
		    "than one involvement for date %s",
		    iv[i].party, iv[i].date ? iv[i].date : "(none)");
		rpjson_path_pop(&c->path, m0);
	}
	free(iv);
}

void
csaf_validate_vulns(struct vctx *c)
{
	json_t *vulns = rpjson_array(c->root, "vulnerabilities"), *v, *s;
	const json_t *cwe;
	struct strset cves;
	const char *cve;
	size_t i, j, m0, m1, m2;
	int r;

	strset_init(&cves);
	m0 = rpjson_path_push_key(&c->path, "vulnerabilities");
	json_array_foreach(vulns, i, v)
	{
		m1 = rpjson_path_push_index(&c->path, i);
		m2 = rpjson_path_push_key(&c->path, "scores");
		json_array_foreach(rpjson_array(v, "scores"), j, s)
		{
			size_t m3 = rpjson_path_push_index(&c->path, j);
			check_score(c, s);
			rpjson_path_pop(&c->path, m3);
		}
		rpjson_path_pop(&c->path, m2);
		if ((cwe = rpjson_object(v, "cwe")) != NULL) {
			m2 = rpjson_path_push_key(&c->path, "cwe");
			check_cwe(c, cwe);
			rpjson_path_pop(&c->path, m2);
		}
		if ((cve = rpjson_str(v, "cve")) != NULL) {
			if ((r = strset_add(&cves, cve, NULL)) < 0)
				c->nomem = 1;
			else if (r == 1)
				v_err_key(c, "6.1.23", "cve",
				    "multiple use of same CVE: %s appears in "
				    "more than one vulnerability",
				    cve);
		}
		check_involvements(c, v);
		rpjson_path_pop(&c->path, m1);
	}
	rpjson_path_pop(&c->path, m0);
	strset_free(&cves);
}
