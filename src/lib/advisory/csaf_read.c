/*
 * CSAF 2.0 reader: fills struct advisory from a parsed CSAF document.
 * This file owns the entry point, /document and /vulnerabilities;
 * csaf_read_tree.c owns /product_tree.
 *
 * The reader is tolerant, as real advisories are messy: an element of the
 * wrong type or without what it needs is warned about (with its JSON
 * pointer) and skipped, unknown product IDs are warned about and dropped.
 * Only a document without usable structure (not an object, no /document)
 * or one beyond the limits in csaf_read_int.h is an error.  Checking
 * conformance is csaf_validate's job, not this one's.
 *
 * What consumers may rely on being non-NULL: product id and name, group
 * id, note category and text, reference URLs, vulnerability ids, threat
 * category, score cvss_version and vector, hash algorithm and value.
 * Everything else may be NULL when the document does not say.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory.h"
#include "csaf_read_int.h"
#include "json/rpjson.h"
#include "util/arena.h"
#include "util/err.h"

/* Pushes an array index, warns when the element is not an object. */
static int
element(struct csaf_rd *rd, const json_t *e, size_t i, const char *what,
    size_t *mark)
{
	*mark = rpjson_path_push_index(&rd->path, i);
	if (json_is_object(e))
		return 1;
	rpjson_warn(&rd->j, "expected %s object; ignored", what);
	rpjson_path_pop(&rd->path, *mark);
	return 0;
}

/* ---- Notes and references ------------------------------------------ */

static int
notes_read(
    struct csaf_rd *rd, const json_t *obj, struct adv_note **out, size_t *nout)
{
	size_t i, n = 0, mark, m2;
	struct adv_note *v, *e;
	json_t *arr, *x;
	int r = 0;

	*out = NULL;
	*nout = 0;
	if ((arr = rpjson_array_at(&rd->j, obj, "notes", SIZE_MAX, 0)) ==
		NULL ||
	    json_array_size(arr) == 0)
		return 0;
	if ((v = rp_arena_calloc(
		 rd->a->arena, json_array_size(arr), sizeof(*v))) == NULL)
		return rpjson_fail(&rd->j, RP_ERR_NOMEM, "out of memory");
	mark = rpjson_path_push_key(&rd->path, "notes");
	json_array_foreach(arr, i, x)
	{
		if (!element(rd, x, i, "a note", &m2))
			continue;
		e = &v[n];
		if ((r = rpjson_copy_str(&rd->j, x, "category", CSAF_MAX_STR, 0,
			 &e->category)) != 0 ||
		    (r = rpjson_copy_str(&rd->j, x, "title", CSAF_MAX_STR, 0,
			 &e->title)) != 0 ||
		    (r = rpjson_copy_str(
			 &rd->j, x, "text", CSAF_MAX_STR, 0, &e->text)) != 0)
			break;
		if (e->category == NULL || e->text == NULL) {
			rpjson_warn(
			    &rd->j, "a note needs category and text; ignored");
			memset(e, 0, sizeof(*e));
		} else
			n++;
		rpjson_path_pop(&rd->path, m2);
	}
	rpjson_path_pop(&rd->path, mark);
	*out = n > 0 ? v : NULL;
	*nout = n;
	return r;
}

static int
references_read(struct csaf_rd *rd, const json_t *doc)
{
	struct advisory *a = rd->a;
	size_t i, mark, m2;
	json_t *arr, *x;
	int r = 0;

	if ((arr = rpjson_array_at(&rd->j, doc, "references", SIZE_MAX, 0)) ==
		NULL ||
	    json_array_size(arr) == 0)
		return 0;
	if ((a->references = rp_arena_calloc(a->arena, json_array_size(arr),
		 sizeof(*a->references))) == NULL)
		return rpjson_fail(&rd->j, RP_ERR_NOMEM, "out of memory");
	mark = rpjson_path_push_key(&rd->path, "references");
	json_array_foreach(arr, i, x)
	{
		if (!element(rd, x, i, "a reference", &m2))
			continue;
		if ((r = rpjson_copy_str(&rd->j, x, "url", CSAF_MAX_STR, 0,
			 &a->references[a->nreferences])) != 0)
			break;
		if (a->references[a->nreferences] == NULL)
			rpjson_warn(&rd->j, "a reference needs a url; ignored");
		else
			a->nreferences++;
		rpjson_path_pop(&rd->path, m2);
	}
	rpjson_path_pop(&rd->path, mark);
	if (a->nreferences == 0)
		a->references = NULL;
	return r;
}

/* ---- /document ----------------------------------------------------- */

static int
tracking_read(struct csaf_rd *rd, const json_t *doc)
{
	struct advisory *a = rd->a;
	json_t *t;
	size_t mark;
	int r;

	if ((t = rpjson_object_at(&rd->j, doc, "tracking", 0)) == NULL) {
		rpjson_warn(
		    &rd->j, "no tracking object: the advisory has no ID");
		return 0;
	}
	mark = rpjson_path_push_key(&rd->path, "tracking");
	if ((r = rpjson_copy_str(&rd->j, t, "id", CSAF_MAX_STR, 0, &a->id)) !=
		0 ||
	    (r = rpjson_copy_str(
		 &rd->j, t, "status", CSAF_MAX_STR, 0, &a->status)) != 0 ||
	    (r = rpjson_copy_str(
		 &rd->j, t, "version", CSAF_MAX_STR, 0, &a->version)) != 0 ||
	    (r = rpjson_copy_str(&rd->j, t, "initial_release_date",
		 CSAF_MAX_STR, 0, &a->initial_release)) != 0 ||
	    (r = rpjson_copy_str(&rd->j, t, "current_release_date",
		 CSAF_MAX_STR, 0, &a->current_release)) != 0)
		goto out;
	if (a->id == NULL)
		rpjson_warn(&rd->j, "no tracking ID: the advisory has no ID");
	r = 0;
out:
	rpjson_path_pop(&rd->path, mark);
	return r;
}

static int
doc_read(struct csaf_rd *rd, const json_t *doc)
{
	struct advisory *a = rd->a;
	const char *ver;
	json_t *o;
	size_t mark, m2;
	int r;

	mark = rpjson_path_push_key(&rd->path, "document");
	if ((ver = rpjson_str(doc, "csaf_version")) == NULL)
		rpjson_warn(&rd->j, "no csaf_version; read as CSAF 2.0");
	else if (strcmp(ver, "2.0") != 0)
		rpjson_warn_at(&rd->j, "csaf_version",
		    "CSAF version \"%.20s\" is read as 2.0", ver);
	if ((r = rpjson_copy_str(
		 &rd->j, doc, "title", CSAF_MAX_STR, 0, &a->title)) != 0 ||
	    (r = rpjson_copy_str(&rd->j, doc, "category", CSAF_MAX_STR, 0,
		 &a->category)) != 0 ||
	    (r = rpjson_copy_str(
		 &rd->j, doc, "lang", CSAF_MAX_STR, 0, &a->lang)) != 0)
		goto out;
	if ((o = rpjson_object_at(&rd->j, doc, "publisher", 0)) != NULL) {
		m2 = rpjson_path_push_key(&rd->path, "publisher");
		r = rpjson_copy_str(
		    &rd->j, o, "name", CSAF_MAX_STR, 0, &a->publisher);
		rpjson_path_pop(&rd->path, m2);
		if (r != 0)
			goto out;
	}
	if ((o = rpjson_object_at(&rd->j, doc, "aggregate_severity", 0)) !=
	    NULL) {
		m2 = rpjson_path_push_key(&rd->path, "aggregate_severity");
		r = rpjson_copy_str(
		    &rd->j, o, "text", CSAF_MAX_STR, 0, &a->severity);
		rpjson_path_pop(&rd->path, m2);
		if (r != 0)
			goto out;
	}
	if ((r = tracking_read(rd, doc)) != 0 ||
	    (r = notes_read(rd, doc, &a->notes, &a->nnotes)) != 0 ||
	    (r = references_read(rd, doc)) != 0)
		goto out;
	r = 0;
out:
	rpjson_path_pop(&rd->path, mark);
	return r;
}

/* ---- /vulnerabilities ---------------------------------------------- */

static int
vuln_ids_read(struct csaf_rd *rd, const json_t *vj, struct adv_vuln *v)
{
	size_t i, mark, m2;
	json_t *arr, *x;
	int r = 0;

	if ((arr = rpjson_array_at(&rd->j, vj, "ids", SIZE_MAX, 0)) == NULL ||
	    json_array_size(arr) == 0)
		return 0;
	if ((v->ids = rp_arena_calloc(
		 rd->a->arena, json_array_size(arr), sizeof(*v->ids))) == NULL)
		return rpjson_fail(&rd->j, RP_ERR_NOMEM, "out of memory");
	mark = rpjson_path_push_key(&rd->path, "ids");
	json_array_foreach(arr, i, x)
	{
		if (!element(rd, x, i, "an ID", &m2))
			continue;
		if ((r = rpjson_copy_str(&rd->j, x, "text", CSAF_MAX_STR, 0,
			 &v->ids[v->nids])) != 0)
			break;
		if (v->ids[v->nids] == NULL)
			rpjson_warn(&rd->j, "an ID needs a text; ignored");
		else
			v->nids++;
		rpjson_path_pop(&rd->path, m2);
	}
	rpjson_path_pop(&rd->path, mark);
	if (v->nids == 0)
		v->ids = NULL;
	return r;
}

static int
status_read(struct csaf_rd *rd, const json_t *vj, struct adv_vuln *v)
{
	json_t *ps;
	size_t mark;
	int s, r = 0;

	if ((ps = rpjson_object_at(&rd->j, vj, "product_status", 0)) == NULL)
		return 0;
	mark = rpjson_path_push_key(&rd->path, "product_status");
	for (s = 0; s < ADV_STATUS_COUNT; s++) {
		r = csaf_idlist(rd, ps, adv_status_name((enum adv_status)s),
		    NULL, &v->status[s], &v->nstatus[s]);
		if (r != 0)
			break;
	}
	rpjson_path_pop(&rd->path, mark);
	return r;
}

static int
remediation_read(struct csaf_rd *rd, const json_t *x, struct adv_vuln *v)
{
	struct adv_remediation *e = &v->remediations[v->nremediations];
	const char *cat;
	int r;

	if ((cat = rpjson_str(x, "category")) == NULL) {
		rpjson_warn(&rd->j, "a remediation needs a category; ignored");
		return 0;
	}
	if (adv_rem_category_from_name(cat, &e->category) != 0) {
		rpjson_warn_at(&rd->j, "category",
		    "unknown remediation category \"%.100s\"; remediation "
		    "ignored",
		    cat);
		return 0;
	}
	if ((r = rpjson_copy_str(
		 &rd->j, x, "details", CSAF_MAX_STR, 0, &e->details)) != 0 ||
	    (r = rpjson_copy_str(&rd->j, x, "url", CSAF_MAX_STR, 0, &e->url)) !=
		0 ||
	    (r = rpjson_copy_str(
		 &rd->j, x, "date", CSAF_MAX_STR, 0, &e->date)) != 0 ||
	    (r = csaf_idlist(rd, x, "product_ids", "group_ids", &e->product_ids,
		 &e->nproduct_ids)) != 0)
		return r;
	v->nremediations++;
	return 0;
}

static int
threat_read(struct csaf_rd *rd, const json_t *x, struct adv_vuln *v)
{
	struct adv_threat *e = &v->threats[v->nthreats];
	int r;

	if ((r = rpjson_copy_str(
		 &rd->j, x, "category", CSAF_MAX_STR, 0, &e->category)) != 0)
		return r;
	if (e->category == NULL) {
		rpjson_warn(&rd->j, "a threat needs a category; ignored");
		return 0;
	}
	if ((r = rpjson_copy_str(
		 &rd->j, x, "details", CSAF_MAX_STR, 0, &e->details)) != 0 ||
	    (r = csaf_idlist(rd, x, "product_ids", "group_ids", &e->product_ids,
		 &e->nproduct_ids)) != 0)
		return r;
	v->nthreats++;
	return 0;
}

/* The CVSS version a vector names, for scores that omit "version". */
static const char *
cvss_version_of(const char *vector, int v3)
{
	if (!v3)
		return "2.0";
	if (vector != NULL && strncmp(vector, "CVSS:3.1/", 9) == 0)
		return "3.1";
	if (vector != NULL && strncmp(vector, "CVSS:3.0/", 9) == 0)
		return "3.0";
	return NULL;
}

/* One cvss_v3 or cvss_v2 object; e gets the score when it is usable. */
static int
cvss_read(
    struct csaf_rd *rd, const json_t *cv, int v3, struct adv_score *e, int *ok)
{
	const char *ver;
	json_t *bs;
	int r;

	*ok = 0;
	if ((r = rpjson_copy_str(&rd->j, cv, "vectorString", CSAF_MAX_STR, 0,
		 &e->vector)) != 0 ||
	    (r = rpjson_copy_str(&rd->j, cv, "version", CSAF_MAX_STR, 0,
		 &e->cvss_version)) != 0 ||
	    (v3 &&
		(r = rpjson_copy_str(&rd->j, cv, "baseSeverity", CSAF_MAX_STR,
		     0, &e->base_severity)) != 0))
		return r;
	bs = json_object_get(cv, "baseScore");
	if (e->vector == NULL || !json_is_number(bs)) {
		rpjson_warn(&rd->j,
		    "a CVSS score needs vectorString and a numeric "
		    "baseScore; ignored");
		return 0;
	}
	e->base_score = json_number_value(bs);
	if (!(e->base_score >= 0.0 && e->base_score <= 10.0))
		rpjson_warn_at(&rd->j, "baseScore",
		    "base score %g is not in 0-10", e->base_score);
	if (e->cvss_version == NULL) {
		if ((ver = cvss_version_of(e->vector, v3)) == NULL) {
			rpjson_warn(
			    &rd->j, "a CVSS score needs a version; ignored");
			return 0;
		}
		rpjson_warn(
		    &rd->j, "no CVSS version; %s taken from the vector", ver);
		if ((e->cvss_version = rp_arena_strdup(rd->a->arena, ver)) ==
		    NULL)
			return rpjson_fail(
			    &rd->j, RP_ERR_NOMEM, "out of memory");
	}
	*ok = 1;
	return 0;
}

static int
score_read(struct csaf_rd *rd, const json_t *x, struct adv_vuln *v)
{
	static const char *const keys[] = {"cvss_v3", "cvss_v2"};
	struct adv_score *e;
	char **ids = NULL;
	size_t nids = 0, k, mark;
	json_t *cv;
	int found = 0, ok, r;

	if ((r = csaf_idlist(rd, x, "products", NULL, &ids, &nids)) != 0)
		return r;
	for (k = 0; k < 2; k++) {
		if ((cv = rpjson_object_at(&rd->j, x, keys[k], 0)) == NULL)
			continue;
		found = 1;
		e = &v->scores[v->nscores];
		mark = rpjson_path_push_key(&rd->path, keys[k]);
		r = cvss_read(rd, cv, k == 0, e, &ok);
		rpjson_path_pop(&rd->path, mark);
		if (r != 0)
			return r;
		if (!ok) {
			memset(e, 0, sizeof(*e));
			continue;
		}
		e->product_ids = ids;
		e->nproduct_ids = nids;
		v->nscores++;
	}
	if (!found)
		rpjson_warn(&rd->j, "a score needs cvss_v3 or cvss_v2");
	return 0;
}

typedef int (*item_fn)(struct csaf_rd *, const json_t *, struct adv_vuln *);

/* The array vj[key] and room for per entries of elsize for each element. */
static int
items_alloc(struct csaf_rd *rd, const json_t *vj, const char *key, size_t per,
    size_t elsize, json_t **arr, void **slots)
{
	*slots = NULL;
	if ((*arr = rpjson_array_at(&rd->j, vj, key, SIZE_MAX, 0)) == NULL ||
	    json_array_size(*arr) == 0)
		return 0;
	if ((*slots = rp_arena_calloc(
		 rd->a->arena, json_array_size(*arr), per * elsize)) == NULL)
		return rpjson_fail(&rd->j, RP_ERR_NOMEM, "out of memory");
	return 0;
}

/* Reads each object of arr (at key) with fn, which counts what it keeps. */
static int
items_read(struct csaf_rd *rd, const json_t *arr, const char *key,
    const char *what, item_fn fn, struct adv_vuln *v)
{
	size_t i, mark, m2;
	json_t *x;
	int r = 0;

	mark = rpjson_path_push_key(&rd->path, key);
	json_array_foreach(arr, i, x)
	{
		if (!element(rd, x, i, what, &m2))
			continue;
		if ((r = fn(rd, x, v)) != 0)
			break;
		rpjson_path_pop(&rd->path, m2);
	}
	rpjson_path_pop(&rd->path, mark);
	return r;
}

static int
vuln_lists_read(struct csaf_rd *rd, const json_t *vj, struct adv_vuln *v)
{
	json_t *arr;
	void *p;
	int r;

	if ((r = items_alloc(rd, vj, "remediations", 1,
		 sizeof(*v->remediations), &arr, &p)) != 0)
		return r;
	v->remediations = p;
	if (p != NULL &&
	    (r = items_read(rd, arr, "remediations", "a remediation",
		 remediation_read, v)) != 0)
		return r;
	if ((r = items_alloc(
		 rd, vj, "threats", 1, sizeof(*v->threats), &arr, &p)) != 0)
		return r;
	v->threats = p;
	if (p != NULL &&
	    (r = items_read(rd, arr, "threats", "a threat", threat_read, v)) !=
		0)
		return r;
	/* a score may carry both CVSS v3 and v2: two entries */
	if ((r = items_alloc(
		 rd, vj, "scores", 2, sizeof(*v->scores), &arr, &p)) != 0)
		return r;
	v->scores = p;
	if (p != NULL &&
	    (r = items_read(rd, arr, "scores", "a score", score_read, v)) != 0)
		return r;
	if (v->nremediations == 0)
		v->remediations = NULL;
	if (v->nthreats == 0)
		v->threats = NULL;
	if (v->nscores == 0)
		v->scores = NULL;
	return 0;
}

static int
vuln_read(struct csaf_rd *rd, const json_t *vj, struct adv_vuln *v)
{
	json_t *cwe;
	size_t mark;
	int r;

	if ((r = rpjson_copy_str(
		 &rd->j, vj, "cve", CSAF_MAX_STR, 0, &v->cve)) != 0 ||
	    (r = rpjson_copy_str(
		 &rd->j, vj, "title", CSAF_MAX_STR, 0, &v->title)) != 0)
		return r;
	if ((cwe = rpjson_object_at(&rd->j, vj, "cwe", 0)) != NULL) {
		mark = rpjson_path_push_key(&rd->path, "cwe");
		if ((r = rpjson_copy_str(
			 &rd->j, cwe, "id", CSAF_MAX_STR, 0, &v->cwe_id)) == 0)
			r = rpjson_copy_str(
			    &rd->j, cwe, "name", CSAF_MAX_STR, 0, &v->cwe_name);
		rpjson_path_pop(&rd->path, mark);
		if (r != 0)
			return r;
	}
	if ((r = vuln_ids_read(rd, vj, v)) != 0 ||
	    (r = notes_read(rd, vj, &v->notes, &v->nnotes)) != 0 ||
	    (r = status_read(rd, vj, v)) != 0 ||
	    (r = vuln_lists_read(rd, vj, v)) != 0)
		return r;
	return 0;
}

static int
vulns_read(struct csaf_rd *rd, const json_t *root)
{
	struct advisory *a = rd->a;
	size_t i, n, mark, m2;
	json_t *arr, *x;
	int r = 0;

	if ((arr = rpjson_array_at(
		 &rd->j, root, "vulnerabilities", SIZE_MAX, 0)) == NULL ||
	    (n = json_array_size(arr)) == 0)
		return 0;
	if (n > CSAF_MAX_VULNS)
		return rpjson_fail(&rd->j, RP_ERR_LIMIT,
		    "more than %u vulnerabilities", CSAF_MAX_VULNS);
	if ((a->vulns = rp_arena_calloc(a->arena, n, sizeof(*a->vulns))) ==
	    NULL)
		return rpjson_fail(&rd->j, RP_ERR_NOMEM, "out of memory");
	mark = rpjson_path_push_key(&rd->path, "vulnerabilities");
	json_array_foreach(arr, i, x)
	{
		if (!element(rd, x, i, "a vulnerability", &m2))
			continue;
		if ((r = vuln_read(rd, x, &a->vulns[a->nvulns])) != 0)
			break;
		a->nvulns++;
		rpjson_path_pop(&rd->path, m2);
	}
	rpjson_path_pop(&rd->path, mark);
	if (a->nvulns == 0)
		a->vulns = NULL;
	return r;
}

/* ---- Entry point --------------------------------------------------- */

int
csaf_read(const json_t *root, struct advisory **out, struct rp_diags *d)
{
	struct csaf_rd rd;
	const json_t *doc;
	int r = RP_ERR_INTERNAL;

	*out = NULL;
	memset(&rd, 0, sizeof(rd));
	rpjson_rd_init(&rd.j, &rd.path, d);
	rd.j.level = RP_DIAG_WARNING; /* a bad element is left out */
	rd.j.then = "ignored";
	if (!json_is_object(root)) {
		r = rpjson_fail(&rd.j, RP_ERR_INVALID,
		    "a CSAF document must be a JSON object");
		goto out;
	}
	if ((doc = rpjson_object(root, "document")) == NULL) {
		r = rpjson_fail(&rd.j, RP_ERR_INVALID,
		    "a CSAF document needs a /document object");
		goto out;
	}
	if ((rd.a = advisory_new()) == NULL) {
		r = rpjson_fail(&rd.j, RP_ERR_NOMEM, "out of memory");
		goto out;
	}
	rd.a->format = ADV_FORMAT_CSAF;
	rd.j.arena = rd.a->arena;
	if ((r = doc_read(&rd, doc)) != 0 ||
	    (r = csaf_tree_read(
		 &rd, rpjson_object_at(&rd.j, root, "product_tree", 0))) != 0 ||
	    (r = vulns_read(&rd, root)) != 0)
		goto out;
	if ((r = advisory_index_products(rd.a)) != 0) {
		r = rpjson_fail(&rd.j, r, "out of memory");
		goto out;
	}
	*out = rd.a;
	rd.a = NULL;
	r = 0;
out:
	advisory_free(rd.a);
	free(rd.paux);
	csaf_idtab_free(&rd.products);
	csaf_idtab_free(&rd.groups);
	return r;
}
