/*
 * CSAF 2.0 mandatory tests on /document: 6.1.12 (language), 6.1.14 to
 * 6.1.22 (revision history, version and status), 6.1.26 (prohibited
 * category names), 6.1.28 (translation) and 6.1.30 (mixed integer and
 * semantic versioning).  Revision entries are sorted by date once.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csaf_validate_int.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct rev {
	const char *number, *date;
	struct csaf_version v;
	size_t idx;
};

struct revs {
	struct rev *v;
	size_t n;
	int usable; /* every entry has a valid number and date */
};

/* Integer versions compare like semantic "N.0.0". */
static int
cmp_rev_version(const struct rev *a, const struct rev *b)
{
	return csaf_cmp_version(&a->v, &b->v);
}

/* Ascending by date, then by version. */
static int
cmp_rev_date(const void *x, const void *y)
{
	const struct rev *a = x, *b = y;
	int r = csaf_cmp_datetime(a->date, b->date);

	if (r != 0)
		return r;
	r = cmp_rev_version(a, b);
	if (r != 0)
		return r;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static void
load_revs(struct vctx *c, const json_t *hist, struct revs *rv)
{
	json_t *e;
	size_t i;

	rv->v = NULL;
	rv->n = 0;
	rv->usable = 0;
	if (json_array_size(hist) == 0)
		return;
	if ((rv->v = calloc(json_array_size(hist), sizeof(*rv->v))) == NULL) {
		c->nomem = 1;
		return;
	}
	rv->usable = 1;
	json_array_foreach(hist, i, e)
	{
		struct rev *r = &rv->v[rv->n++];

		r->idx = i;
		r->number = rpjson_str(e, "number");
		r->date = rpjson_str(e, "date");
		if (r->number == NULL || r->date == NULL ||
		    csaf_parse_version(r->number, &r->v) != 0 ||
		    rp_rfc3339_parse(r->date, NULL, NULL) != 0)
			rv->usable = 0;
	}
}

static int
is_integer_version(const char *s)
{
	size_t i;

	if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* 6.1.14: sorted by date, the numbers ascend. */
static void
check_sorted(struct vctx *c, const struct revs *sorted)
{
	size_t i;

	for (i = 1; i < sorted->n; i++) {
		/* equal neighbours are the concern of 6.1.22 */
		if (cmp_rev_version(&sorted->v[i - 1], &sorted->v[i]) > 0) {
			v_err_key(c, "6.1.14", "revision_history",
			    "sorted revision history: by date, version %s "
			    "comes after %s",
			    sorted->v[i].number, sorted->v[i - 1].number);
			return;
		}
	}
}

/* Length of s without "+build" (and "-pre" when drop_pre). */
static size_t
version_stem(const char *s, int drop_pre)
{
	return strcspn(s, drop_pre ? "+-" : "+");
}

/* 6.1.16: the version is that of the newest revision. */
static void
check_latest(struct vctx *c, const struct revs *sorted, const char *version,
    const char *status)
{
	/* the newest date; among equal dates the highest version */
	const char *latest = sorted->v[sorted->n - 1].number;
	int draft = status != NULL && strcmp(status, "draft") == 0;
	size_t a, b;

	a = version_stem(latest, draft);
	b = version_stem(version, draft);
	if (a != b || strncmp(latest, version, a) != 0)
		v_err_key(c, "6.1.16", "version",
		    "latest document version: version is %s but the newest "
		    "revision history entry is %s",
		    version, latest);
}

/* 6.1.21: major versions, ordered by date, start at 0 or 1 and skip
 * none. */
static void
check_missing(struct vctx *c, const struct revs *sorted)
{
	unsigned long long first, prev, cur;
	size_t i;

	first = prev = sorted->v[0].v.major;
	if (first > 1) {
		v_err_key(c, "6.1.21", "revision_history",
		    "missing item in revision history: it starts with "
		    "version %s instead of major version 0 or 1",
		    sorted->v[0].number);
		return;
	}
	for (i = 1; i < sorted->n; i++) {
		cur = sorted->v[i].v.major;
		if (cur > prev + 1) {
			v_err_key(c, "6.1.21", "revision_history",
			    "missing item in revision history: major version "
			    "%llu is missing before %s",
			    prev + 1, sorted->v[i].number);
			return;
		}
		if (cur > prev)
			prev = cur;
	}
}

static int
cmp_rev_number(const void *x, const void *y)
{
	const struct rev *a = x, *b = y;
	int r = strcmp(a->number, b->number);

	return r != 0 ? r : (a->idx < b->idx ? -1 : a->idx > b->idx);
}

/* 6.1.22: no number twice. */
static void
check_duplicates(struct vctx *c, struct revs *rv)
{
	size_t i, m0;

	qsort(rv->v, rv->n, sizeof(*rv->v), cmp_rev_number);
	for (i = 1; i < rv->n; i++) {
		if (strcmp(rv->v[i].number, rv->v[i - 1].number) != 0)
			continue;
		m0 = rpjson_path_push_key(&c->path, "revision_history");
		(void)rpjson_path_push_index(&c->path, rv->v[i].idx);
		v_err_key(c, "6.1.22", "number",
		    "multiple definition in revision history: version %s "
		    "appears more than once",
		    rv->v[i].number);
		rpjson_path_pop(&c->path, m0);
	}
}

/* 6.1.17 to 6.1.20 and 6.1.30 over the raw entries. */
static void
check_status_rules(struct vctx *c, const json_t *tracking)
{
	const char *status = rpjson_str(tracking, "status");
	const char *version = rpjson_str(tracking, "version"), *num;
	json_t *hist = rpjson_array(tracking, "revision_history"), *e;
	int released = status != NULL &&
	    (strcmp(status, "final") == 0 || strcmp(status, "interim") == 0);
	int kind = -1;
	struct csaf_version v;
	size_t i, m0;

	if (version != NULL && csaf_parse_version(version, &v) == 0) {
		if ((v.major == 0 || v.pre != NULL) && status != NULL &&
		    strcmp(status, "draft") != 0)
			v_err_key(c, "6.1.17", "status",
			    "document status draft: version %s requires "
			    "status draft, not %s",
			    version, status);
		if (released && v.pre != NULL)
			v_err_key(c, "6.1.20", "version",
			    "non-draft document version: version %s has a "
			    "pre-release part but status is %s",
			    version, status);
	}
	m0 = rpjson_path_push_key(&c->path, "revision_history");
	json_array_foreach(hist, i, e)
	{
		if ((num = rpjson_str(e, "number")) == NULL)
			continue;
		size_t m1 = rpjson_path_push_index(&c->path, i);
		if (csaf_parse_version(num, &v) == 0) {
			if (released && v.major == 0)
				v_err_key(c, "6.1.18", "number",
				    "released revision history: version %s "
				    "is below 1 but status is %s",
				    num, status);
			if (v.pre != NULL)
				v_err_key(c, "6.1.19", "number",
				    "revision history entries for "
				    "pre-release versions: %s",
				    num);
		}
		if (kind == -1)
			kind = is_integer_version(num);
		else if (kind != is_integer_version(num))
			v_err_key(c, "6.1.30", "number",
			    "mixed integer and semantic versioning: %s", num);
		rpjson_path_pop(&c->path, m1);
	}
	rpjson_path_pop(&c->path, m0);
	if (kind != -1 && version != NULL &&
	    kind != is_integer_version(version))
		v_err_key(c, "6.1.30", "version",
		    "mixed integer and semantic versioning: version %s differs "
		    "from the revision history",
		    version);
}

static void
check_revisions(struct vctx *c, const json_t *tracking)
{
	const char *version = rpjson_str(tracking, "version");
	const char *status = rpjson_str(tracking, "status");
	struct revs rv;
	size_t m0;

	m0 = rpjson_path_push_key(&c->path, "tracking");
	check_status_rules(c, tracking);
	load_revs(c, rpjson_array(tracking, "revision_history"), &rv);
	if (rv.usable) {
		qsort(rv.v, rv.n, sizeof(*rv.v), cmp_rev_date);
		check_sorted(c, &rv);
		if (version != NULL)
			check_latest(c, &rv, version, status);
		check_missing(c, &rv);
	}
	if (rv.n > 0) {
		size_t i, k = 0;

		for (i = 0; i < rv.n; i++)
			if (rv.v[i].number != NULL)
				rv.v[k++] = rv.v[i];
		rv.n = k;
		check_duplicates(c, &rv);
	}
	free(rv.v);
	rpjson_path_pop(&c->path, m0);
}

/* 6.1.26: a base-profile category must not imitate a profile name. */
static void
check_category(struct vctx *c, const char *cat)
{
	static const char *const profiles[] = {"csaf_base",
	    "csaf_security_incident_response", "csaf_informational_advisory",
	    "csaf_security_advisory", "csaf_vex"};
	/* profile names and values, without '-', '_' and white space */
	static const char *const similar[] = {"securityincidentresponse",
	    "informationaladvisory", "securityadvisory", "vex", "csafbase",
	    "csafsecurityincidentresponse", "csafinformationaladvisory",
	    "csafsecurityadvisory", "csafvex"};
	char norm[128];
	size_t i, n = 0;

	for (i = 0; i < NELEM(profiles); i++)
		if (strcmp(cat, profiles[i]) == 0)
			return;
	if (strncasecmp(cat, "csaf_", 5) == 0) {
		v_err_key(c, "6.1.26", "category",
		    "prohibited document category name: the prefix csaf_ is "
		    "reserved");
		return;
	}
	for (i = 0; cat[i] != '\0' && n < sizeof(norm) - 1; i++) {
		if (cat[i] == '-' || cat[i] == '_' || cat[i] == ' ' ||
		    cat[i] == '\t' || cat[i] == '\n' || cat[i] == '\r' ||
		    cat[i] == '\f' || cat[i] == '\v')
			continue;
		norm[n++] =
		    (char)((cat[i] >= 'A' && cat[i] <= 'Z') ? cat[i] + 32
							    : cat[i]);
	}
	norm[n] = '\0';
	for (i = 0; i < NELEM(similar); i++)
		if (strcmp(norm, similar[i]) == 0)
			v_err_key(c, "6.1.26", "category",
			    "prohibited document category name: \"%.80s\" is "
			    "too close to a profile name",
			    cat);
}

static void
check_langs(struct vctx *c, const json_t *doc)
{
	static const char *const keys[] = {"lang", "source_lang"};
	const char *s, *why = NULL;
	const char *lang = rpjson_str(doc, "lang");
	const char *src = rpjson_str(doc, "source_lang");
	const json_t *pub = rpjson_object(doc, "publisher");
	const char *pcat = rpjson_str(pub, "category");
	size_t i;

	for (i = 0; i < NELEM(keys); i++)
		if ((s = rpjson_str(doc, keys[i])) != NULL &&
		    csaf_check_lang(s, &why) != 0)
			v_err_key(c, "6.1.12", keys[i],
			    "language: \"%.80s\" is not a valid language tag "
			    "(%s)",
			    s, why);
	if (pcat != NULL && strcmp(pcat, "translator") == 0 && src == NULL)
		v_err_key(c, "6.1.15", "source_lang",
		    "translator: publisher category is translator but "
		    "source_lang is missing");
	if (lang != NULL && src != NULL && strcasecmp(lang, src) == 0)
		v_err_key(c, "6.1.28", "lang",
		    "translation: lang and source_lang are both %.80s", lang);
}

void
csaf_validate_tracking(struct vctx *c)
{
	const json_t *doc = rpjson_object(c->root, "document");
	const json_t *tracking = rpjson_object(doc, "tracking");
	size_t m0;

	if (doc == NULL)
		return;
	m0 = rpjson_path_push_key(&c->path, "document");
	check_langs(c, doc);
	if (c->category != NULL)
		check_category(c, c->category);
	if (tracking != NULL)
		check_revisions(c, tracking);
	rpjson_path_pop(&c->path, m0);
}
