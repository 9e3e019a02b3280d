/*
 * CSAF 2.0 profile tests 6.1.27.1 to 6.1.27.11: what the profiles
 * (document categories) csaf_informational_advisory,
 * csaf_security_incident_response, csaf_security_advisory and csaf_vex
 * require beyond the base schema.
 */
#include <string.h>

#include "csaf_validate_int.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int
is_cat(const struct vctx *c, const char *cat)
{
	return c->category != NULL && strcmp(c->category, cat) == 0;
}

/* Whether some item of arr has "category" among cats. */
static int
has_category(const json_t *arr, const char *const *cats, size_t n)
{
	const char *s;
	json_t *e;
	size_t i, k;

	json_array_foreach(arr, i, e)
	{
		if ((s = rpjson_str(e, "category")) == NULL)
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(s, cats[k]) == 0)
				return 1;
	}
	return 0;
}

/* 6.1.27.1 and 6.1.27.2 for informational and incident response. */
static void
check_doc_notes_refs(struct vctx *c)
{
	static const char *const note_cats[] = {
	    "description", "details", "general", "summary"};
	static const char *const ext[] = {"external"};
	const json_t *doc = rpjson_object(c->root, "document");
	size_t m0;

	m0 = rpjson_path_push_key(&c->path, "document");
	if (!has_category(
		rpjson_array(doc, "notes"), note_cats, NELEM(note_cats)))
		v_err_key(c, "6.1.27.1", "notes",
		    "document notes: profile %s needs a document note of "
		    "category description, details, general or summary",
		    c->category);
	if (!has_category(rpjson_array(doc, "references"), ext, 1))
		v_err_key(c, "6.1.27.2", "references",
		    "document references: profile %s needs a document "
		    "reference of category external",
		    c->category);
	rpjson_path_pop(&c->path, m0);
}

/* Adds the products of obj (product_ids and group_ids) to set. */
static void
add_covered(struct vctx *c, const json_t *obj, struct strset *set)
{
	const json_t *members;
	json_t *a, *e, *p;
	size_t i, j;

	a = rpjson_array(obj, "product_ids");
	json_array_foreach(a, i, e) if (json_is_string(e) &&
	    strset_add(set, json_string_value(e), NULL) < 0) c->nomem = 1;
	a = rpjson_array(obj, "group_ids");
	json_array_foreach(a, i, e)
	{
		if (!json_is_string(e) ||
		    (members = group_members(c, json_string_value(e))) == NULL)
			continue;
		json_array_foreach(members, j, p) if (json_is_string(p) &&
		    strset_add(set, json_string_value(p), NULL) < 0) c->nomem =
		    1;
	}
}

/* The products that items of list (of category cat, if given) cover. */
static void
covered_by(struct vctx *c, const json_t *v, const char *list, const char *cat,
    struct strset *set)
{
	json_t *a = rpjson_array(v, list), *e;
	const char *ec;
	size_t i;

	json_array_foreach(a, i, e)
	{
		ec = rpjson_str(e, "category");
		if (cat == NULL || (ec != NULL && strcmp(ec, cat) == 0))
			add_covered(c, e, set);
	}
}

/* Reports each product of status that set does not cover. */
static void
uncovered(struct vctx *c, const json_t *ps, const char *status,
    const struct strset *set, const char *test, const char *what)
{
	json_t *a = rpjson_array(ps, status), *e;
	const char *id;
	size_t i, m0;

	m0 = rpjson_path_push_key(&c->path, "product_status");
	(void)rpjson_path_push_key(&c->path, status);
	json_array_foreach(a, i, e)
	{
		if ((id = json_string_value(e)) == NULL ||
		    strset_get(set, id) != NULL)
			continue;
		size_t m1 = rpjson_path_push_index(&c->path, i);
		v_err(c, test, "%s: %s product %s has no %s", what, status, id,
		    test[7] == '9' ? "flag or impact threat" : "remediation");
		rpjson_path_pop(&c->path, m1);
	}
	rpjson_path_pop(&c->path, m0);
}

/*
 * 6.1.27.9 and 6.1.27.10: each known_not_affected product has an impact
 * statement (a flag or an impact threat), each known_affected one an
 * action statement (a remediation).
 */
static void
check_vex_statements(struct vctx *c, const json_t *v)
{
	const json_t *ps = rpjson_object(v, "product_status");
	struct strset set;

	if (ps == NULL)
		return;
	strset_init(&set);
	covered_by(c, v, "flags", NULL, &set);
	covered_by(c, v, "threats", "impact", &set);
	uncovered(
	    c, ps, "known_not_affected", &set, "6.1.27.9", "impact statement");
	strset_free(&set);
	strset_init(&set);
	covered_by(c, v, "remediations", NULL, &set);
	uncovered(
	    c, ps, "known_affected", &set, "6.1.27.10", "action statement");
	strset_free(&set);
}

static void
check_vuln(struct vctx *c, const json_t *v, int advisory, int vex)
{
	static const char *const vex_status[] = {"fixed", "known_affected",
	    "known_not_affected", "under_investigation"};
	const json_t *ps = rpjson_object(v, "product_status");
	size_t k;
	int found = 0;

	if (json_object_get(v, "notes") == NULL)
		v_err(c, "6.1.27.5",
		    "vulnerability notes: profile %s needs notes in each "
		    "vulnerability",
		    c->category);
	if (advisory && ps == NULL)
		v_err(c, "6.1.27.6",
		    "product status: profile csaf_security_advisory needs "
		    "product_status in each vulnerability");
	if (!vex)
		return;
	for (k = 0; k < NELEM(vex_status); k++)
		if (json_object_get(ps, vex_status[k]) != NULL)
			found = 1;
	if (!found)
		v_err(c, "6.1.27.7",
		    "VEX product status: needs at least one of fixed, "
		    "known_affected, known_not_affected or "
		    "under_investigation");
	if (json_object_get(v, "cve") == NULL &&
	    json_object_get(v, "ids") == NULL)
		v_err(c, "6.1.27.8",
		    "vulnerability ID: profile csaf_vex needs cve or ids in "
		    "each vulnerability");
	check_vex_statements(c, v);
}

void
csaf_validate_profiles(struct vctx *c)
{
	int info = is_cat(c, "csaf_informational_advisory");
	int incident = is_cat(c, "csaf_security_incident_response");
	int advisory = is_cat(c, "csaf_security_advisory");
	int vex = is_cat(c, "csaf_vex");
	json_t *vulns = json_object_get(c->root, "vulnerabilities"), *v;
	size_t i, m0, m1;

	if (info || incident)
		check_doc_notes_refs(c);
	if (info && vulns != NULL)
		v_err_key(c, "6.1.27.3", "vulnerabilities",
		    "vulnerabilities: profile csaf_informational_advisory "
		    "must not have vulnerabilities");
	if (!advisory && !vex)
		return;
	if (json_object_get(c->root, "product_tree") == NULL)
		v_err(c, "6.1.27.4",
		    "product tree: profile %s needs /product_tree",
		    c->category);
	if (vulns == NULL) {
		v_err(c, "6.1.27.11",
		    "vulnerabilities: profile %s needs /vulnerabilities",
		    c->category);
		return;
	}
	m0 = rpjson_path_push_key(&c->path, "vulnerabilities");
	json_array_foreach(vulns, i, v)
	{
		m1 = rpjson_path_push_index(&c->path, i);
		if (json_is_object(v))
			check_vuln(c, v, advisory, vex);
		rpjson_path_pop(&c->path, m1);
	}
	rpjson_path_pop(&c->path, m0);
}
