/*
 * CSAF 2.0 mandatory tests about products and groups: 6.1.1 to 6.1.7
 * (definitions, references, circular relationships, contradicting status,
 * duplicate scores), 6.1.13 (purl), 6.1.25 (hash algorithms), 6.1.29 and
 * 6.1.32 (remediations and flags without products), 6.1.31 (version
 * ranges in product_version) and 6.1.33 (several VEX flags per product).
 * Duplicate detection hashes or sorts, so large product trees (tens of
 * thousands of products) stay near-linear.
 */
#include <stdlib.h>
#include <string.h>

#include "csaf_validate_int.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* 6.1.2: product IDs defined once; fills the set for 6.1.1. */
static void
define_product(struct vctx *c, const json_t *fpn, void *arg)
{
	struct strset *defs = arg;
	const char *id = rpjson_str(fpn, "product_id");
	int r;

	if (id == NULL)
		return;
	if ((r = strset_add(defs, id, NULL)) < 0)
		c->nomem = 1;
	else if (r == 1)
		v_err_key(c, "6.1.2", "product_id",
		    "multiple definition of product ID: %s is defined more "
		    "than once",
		    id);
}

/* 6.1.1: each referenced product ID is defined. */
static void
check_product_ref(struct vctx *c, const char *id, void *arg)
{
	if (strset_get(arg, id) == NULL)
		v_err(c, "6.1.1",
		    "missing definition of product ID: %s is referenced but "
		    "not defined in the product tree",
		    id);
}

/* Calls check for each string in v[list][*][key]. */
static void
group_refs_in(struct vctx *c, const json_t *v, const char *list,
    const struct strset *defs)
{
	json_t *a = rpjson_array(v, list), *e, *ids, *g;
	size_t i, j, m1, m2, m3;

	m1 = rpjson_path_push_key(&c->path, list);
	json_array_foreach(a, i, e)
	{
		if ((ids = rpjson_array(e, "group_ids")) == NULL)
			continue;
		m2 = rpjson_path_push_index(&c->path, i);
		m3 = rpjson_path_push_key(&c->path, "group_ids");
		json_array_foreach(ids, j, g)
		{
			size_t m4 = rpjson_path_push_index(&c->path, j);

			if (json_is_string(g) &&
			    strset_get(defs, json_string_value(g)) == NULL)
				v_err(c, "6.1.4",
				    "missing definition of product group ID: "
				    "%s is referenced but not defined",
				    json_string_value(g));
			rpjson_path_pop(&c->path, m4);
		}
		rpjson_path_pop(&c->path, m3);
		rpjson_path_pop(&c->path, m2);
	}
	rpjson_path_pop(&c->path, m1);
}

/* 6.1.4 and 6.1.5: product group IDs. */
static void
check_groups(struct vctx *c)
{
	const json_t *pt = rpjson_object(c->root, "product_tree");
	json_t *a = rpjson_array(pt, "product_groups"), *g, *v;
	struct strset defs;
	const char *gid;
	size_t i, m0, m1;
	int r;

	strset_init(&defs);
	m0 = rpjson_path_push_key(&c->path, "product_tree");
	(void)rpjson_path_push_key(&c->path, "product_groups");
	json_array_foreach(a, i, g)
	{
		if ((gid = rpjson_str(g, "group_id")) == NULL)
			continue;
		size_t m2 = rpjson_path_push_index(&c->path, i);
		if ((r = strset_add(&defs, gid, NULL)) < 0)
			c->nomem = 1;
		else if (r == 1)
			v_err_key(c, "6.1.5", "group_id",
			    "multiple definition of product group ID: %s is "
			    "defined more than once",
			    gid);
		rpjson_path_pop(&c->path, m2);
	}
	rpjson_path_pop(&c->path, m0);
	a = rpjson_array(c->root, "vulnerabilities");
	m0 = rpjson_path_push_key(&c->path, "vulnerabilities");
	json_array_foreach(a, i, v)
	{
		m1 = rpjson_path_push_index(&c->path, i);
		group_refs_in(c, v, "remediations", &defs);
		group_refs_in(c, v, "threats", &defs);
		group_refs_in(c, v, "flags", &defs);
		rpjson_path_pop(&c->path, m1);
	}
	rpjson_path_pop(&c->path, m0);
	strset_free(&defs);
}

/*
 * 6.1.3: a product defined by a relationship must not depend on itself
 * through its references.  Depth-first search over relationships with
 * colours, iterative so long chains cannot exhaust the stack.
 */
struct rel_node {
	const char *ref[2];
	int colour; /* 0 new, 1 on the stack, 2 done */
	int next; /* next reference to follow */
};

static const char *const rel_ref_keys[2] = {
    "product_reference", "relates_to_product_reference"};

static void
circular_from(struct vctx *c, struct rel_node *nodes, const struct strset *ix,
    size_t start, size_t *stack)
{
	const struct strset_ent *e;
	struct rel_node *n;
	size_t sp = 0, to;

	stack[sp++] = start;
	nodes[start].colour = 1;
	while (sp > 0) {
		n = &nodes[stack[sp - 1]];
		if (n->next == 2) {
			n->colour = 2;
			sp--;
			continue;
		}
		const char *ref = n->ref[n->next++];
		if (ref == NULL || (e = strset_get(ix, ref)) == NULL)
			continue;
		to = (size_t)((const struct rel_node *)e->val - nodes);
		if (nodes[to].colour == 1) {
			size_t m =
			    rpjson_path_push_index(&c->path, stack[sp - 1]);
			v_err_key(c, "6.1.3", rel_ref_keys[n->next - 1],
			    "circular definition of product ID: %s refers to "
			    "a product that is defined through itself",
			    ref);
			rpjson_path_pop(&c->path, m);
		} else if (nodes[to].colour == 0) {
			nodes[to].colour = 1;
			stack[sp++] = to;
		}
	}
}

static void
check_circular(struct vctx *c)
{
	const json_t *pt = rpjson_object(c->root, "product_tree");
	json_t *rels = rpjson_array(pt, "relationships"), *r;
	size_t i, n = json_array_size(rels), m0;
	struct rel_node *nodes = NULL;
	size_t *stack = NULL;
	struct strset ix;
	const char *id;

	strset_init(&ix);
	if (n == 0)
		return;
	if ((nodes = calloc(n, sizeof(*nodes))) == NULL ||
	    (stack = calloc(n, sizeof(*stack))) == NULL) {
		c->nomem = 1;
		goto out;
	}
	json_array_foreach(rels, i, r)
	{
		nodes[i].ref[0] = rpjson_str(r, "product_reference");
		nodes[i].ref[1] = rpjson_str(r, "relates_to_product_reference");
		id = rpjson_str(
		    rpjson_object(r, "full_product_name"), "product_id");
		if (id != NULL && strset_add(&ix, id, &nodes[i]) < 0) {
			c->nomem = 1;
			goto out;
		}
	}
	m0 = rpjson_path_push_key(&c->path, "product_tree");
	(void)rpjson_path_push_key(&c->path, "relationships");
	for (i = 0; i < n; i++)
		if (nodes[i].colour == 0)
			circular_from(c, nodes, &ix, i, stack);
	rpjson_path_pop(&c->path, m0);
out:
	strset_free(&ix);
	free(nodes);
	free(stack);
}

/* One product mention in a vulnerability, for sorting. */
struct mention {
	const char *id;
	const char *tag; /* status group, CVSS version... */
	size_t a, b; /* indexes for the pointer */
	int kind;
};

static int
cmp_mention(const void *x, const void *y)
{
	const struct mention *p = x, *q = y;
	int r = strcmp(p->id, q->id);

	if (r != 0)
		return r;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return p->b < q->b ? -1 : p->b > q->b;
}

/* A bounded growable array of mentions. */
struct mentions {
	struct mention *v;
	size_t n, cap;
};

static int
mention_add(struct vctx *c, struct mentions *m, const struct mention *e)
{
	struct mention *nv;
	size_t ncap;

	if (m->n == m->cap) {
		ncap = m->cap ? m->cap * 2 : 64;
		if (ncap > (256u << 20) / sizeof(*nv) ||
		    (nv = reallocarray(m->v, ncap, sizeof(*nv))) == NULL) {
			c->nomem = 1;
			return -1;
		}
		m->v = nv;
		m->cap = ncap;
	}
	m->v[m->n++] = *e;
	return 0;
}

/* Status groups of 6.1.6: affected, not affected, fixed, investigating. */
static const struct {
	const char *key;
	const char *group;
} status_groups[] = {
    {"first_affected", "affected"},
    {"known_affected", "affected"},
    {"last_affected", "affected"},
    {"known_not_affected", "not affected"},
    {"first_fixed", "fixed"},
    {"fixed", "fixed"},
    {"under_investigation", "under investigation"},
};

static void
check_contradictions(struct vctx *c, const json_t *ps, struct mentions *m)
{
	struct mention e;
	json_t *a, *id;
	size_t k, j, i, m0;

	m->n = 0;
	for (k = 0; k < NELEM(status_groups); k++) {
		a = rpjson_array(ps, status_groups[k].key);
		json_array_foreach(a, j, id)
		{
			if (!json_is_string(id))
				continue;
			e.id = json_string_value(id);
			e.tag = status_groups[k].group;
			e.a = k;
			e.b = j;
			if (mention_add(c, m, &e) != 0)
				return;
		}
	}
	if (m->n > 1)
		qsort(m->v, m->n, sizeof(*m->v), cmp_mention);
	for (i = 1; i < m->n; i++) {
		if (strcmp(m->v[i].id, m->v[i - 1].id) != 0 ||
		    m->v[i].tag == m->v[i - 1].tag)
			continue;
		/* report once per product: skip the rest of its run */
		m0 = rpjson_path_push_key(
		    &c->path, status_groups[m->v[i].a].key);
		(void)rpjson_path_push_index(&c->path, m->v[i].b);
		v_err(c, "6.1.6",
		    "contradicting product status: %s is both %s and %s",
		    m->v[i].id, status_groups[m->v[i - 1].a].key,
		    status_groups[m->v[i].a].key);
		rpjson_path_pop(&c->path, m0);
		while (i + 1 < m->n && strcmp(m->v[i + 1].id, m->v[i].id) == 0)
			i++;
	}
}

static int
cmp_score_mention(const void *x, const void *y)
{
	const struct mention *p = x, *q = y;
	int r = strcmp(p->tag, q->tag);

	return r != 0 ? r : cmp_mention(x, y);
}

/* 6.1.7: one score per CVSS version and product. */
static void
check_scores(struct vctx *c, const json_t *v, struct mentions *m)
{
	static const char *const kinds[] = {"cvss_v2", "cvss_v3"};
	json_t *scores = rpjson_array(v, "scores"), *s, *a, *id;
	struct mention e;
	const char *ver;
	size_t i, j, k, m0;

	m->n = 0;
	json_array_foreach(scores, i, s)
	{
		a = rpjson_array(s, "products");
		for (k = 0; k < NELEM(kinds); k++) {
			ver = rpjson_str(rpjson_object(s, kinds[k]), "version");
			if (ver == NULL)
				continue;
			json_array_foreach(a, j, id)
			{
				if (!json_is_string(id))
					continue;
				e.id = json_string_value(id);
				e.tag = ver;
				e.a = i;
				e.b = j;
				if (mention_add(c, m, &e) != 0)
					return;
			}
		}
	}
	if (m->n > 1)
		qsort(m->v, m->n, sizeof(*m->v), cmp_score_mention);
	for (i = 1; i < m->n; i++) {
		if (strcmp(m->v[i].id, m->v[i - 1].id) != 0 ||
		    strcmp(m->v[i].tag, m->v[i - 1].tag) != 0 ||
		    m->v[i].a == m->v[i - 1].a)
			continue;
		m0 = rpjson_path_push_key(&c->path, "scores");
		(void)rpjson_path_push_index(&c->path, m->v[i].a);
		(void)rpjson_path_push_key(&c->path, "products");
		(void)rpjson_path_push_index(&c->path, m->v[i].b);
		v_err(c, "6.1.7",
		    "multiple scores with the same version per product: %s "
		    "has more than one CVSS %s score",
		    m->v[i].id, m->v[i].tag);
		rpjson_path_pop(&c->path, m0);
	}
}

/* Adds the products of flag i (direct and through groups) to m. */
static void
flag_products(struct vctx *c, const json_t *flag, size_t i, struct mentions *m)
{
	json_t *a = rpjson_array(flag, "product_ids"), *id, *g;
	const json_t *members;
	struct mention e;
	size_t j, k;

	e.tag = NULL;
	e.a = i;
	json_array_foreach(a, j, id)
	{
		if (!json_is_string(id))
			continue;
		e.id = json_string_value(id);
		e.b = j;
		if (mention_add(c, m, &e) != 0)
			return;
	}
	a = rpjson_array(flag, "group_ids");
	json_array_foreach(a, j, g)
	{
		if (!json_is_string(g) ||
		    (members = group_members(c, json_string_value(g))) == NULL)
			continue;
		json_array_foreach(members, k, id)
		{
			if (!json_is_string(id))
				continue;
			e.id = json_string_value(id);
			e.b = j;
			if (mention_add(c, m, &e) != 0)
				return;
		}
	}
}

/* 6.1.33: at most one VEX justification flag per product. */
static void
check_flags(struct vctx *c, const json_t *v, struct mentions *m)
{
	json_t *flags = rpjson_array(v, "flags"), *f;
	size_t i, m0;

	m->n = 0;
	json_array_foreach(flags, i, f) flag_products(c, f, i, m);
	if (m->n > 1)
		qsort(m->v, m->n, sizeof(*m->v), cmp_mention);
	for (i = 1; i < m->n; i++) {
		if (strcmp(m->v[i].id, m->v[i - 1].id) != 0 ||
		    m->v[i].a == m->v[i - 1].a)
			continue;
		m0 = rpjson_path_push_key(&c->path, "flags");
		(void)rpjson_path_push_index(&c->path, m->v[i].a);
		v_err(c, "6.1.33",
		    "multiple flags with VEX justification codes per product: "
		    "%s has more than one flag",
		    m->v[i].id);
		rpjson_path_pop(&c->path, m0);
		while (i + 1 < m->n && strcmp(m->v[i + 1].id, m->v[i].id) == 0)
			i++;
	}
}

/* 6.1.29 and 6.1.32: remediations and flags name their products. */
static void
check_without_products(struct vctx *c, const json_t *v, const char *list,
    const char *test, const char *what)
{
	json_t *a = rpjson_array(v, list), *e;
	size_t i, m0;

	json_array_foreach(a, i, e)
	{
		if (!json_is_object(e) ||
		    json_object_get(e, "product_ids") != NULL ||
		    json_object_get(e, "group_ids") != NULL)
			continue;
		m0 = rpjson_path_push_key(&c->path, list);
		(void)rpjson_path_push_index(&c->path, i);
		v_err(c, test,
		    "%s without product reference: neither product_ids nor "
		    "group_ids is given",
		    what);
		rpjson_path_pop(&c->path, m0);
	}
}

static void
check_vuln_products(struct vctx *c)
{
	json_t *vulns = rpjson_array(c->root, "vulnerabilities"), *v, *ps;
	struct mentions m = {NULL, 0, 0};
	size_t i, m0, m1, m2;

	m0 = rpjson_path_push_key(&c->path, "vulnerabilities");
	json_array_foreach(vulns, i, v)
	{
		m1 = rpjson_path_push_index(&c->path, i);
		if ((ps = rpjson_object(v, "product_status")) != NULL) {
			m2 = rpjson_path_push_key(&c->path, "product_status");
			check_contradictions(c, ps, &m);
			rpjson_path_pop(&c->path, m2);
		}
		check_scores(c, v, &m);
		check_flags(c, v, &m);
		check_without_products(
		    c, v, "remediations", "6.1.29", "remediation");
		check_without_products(c, v, "flags", "6.1.32", "flag");
		rpjson_path_pop(&c->path, m1);
	}
	rpjson_path_pop(&c->path, m0);
	free(m.v);
}

/* 6.1.13 and 6.1.25 on one full_product_name. */
static void
check_fpn_helpers(struct vctx *c, const json_t *fpn, void *arg)
{
	const json_t *pih = rpjson_object(fpn, "product_identification_helper");
	json_t *hashes = rpjson_array(pih, "hashes"), *h, *fh, *alg;
	const char *purl = rpjson_str(pih, "purl"), *why = NULL;
	struct strset seen;
	size_t i, j, m0, m1;

	(void)arg;
	if (pih == NULL)
		return;
	m0 = rpjson_path_push_key(&c->path, "product_identification_helper");
	if (purl != NULL && csaf_check_purl(purl, &why) != 0)
		v_err_key(c, "6.1.13", "purl", "invalid purl: %s", why);
	m1 = rpjson_path_push_key(&c->path, "hashes");
	json_array_foreach(hashes, i, h)
	{
		size_t m2 = rpjson_path_push_index(&c->path, i);
		strset_init(&seen);
		json_array_foreach(rpjson_array(h, "file_hashes"), j, fh)
		{
			if ((alg = json_object_get(fh, "algorithm")) == NULL ||
			    !json_is_string(alg))
				continue;
			int r = strset_add(&seen, json_string_value(alg), NULL);
			if (r < 0)
				c->nomem = 1;
			if (r != 1)
				continue;
			size_t m3 =
			    rpjson_path_push_key(&c->path, "file_hashes");
			(void)rpjson_path_push_index(&c->path, j);
			v_err_key(c, "6.1.25", "algorithm",
			    "multiple use of same hash algorithm: %s appears "
			    "more than once",
			    json_string_value(alg));
			rpjson_path_pop(&c->path, m3);
		}
		strset_free(&seen);
		rpjson_path_pop(&c->path, m2);
	}
	rpjson_path_pop(&c->path, m1);
	rpjson_path_pop(&c->path, m0);
}

/* 6.1.31: a product_version branch names one version, not a range. */
static int
has_range(const char *name)
{
	static const char *const words[] = {
	    "after", "all", "before", "earlier", "later", "prior", "versions"};
	const char *p = name, *w;
	size_t k, len;

	if (strpbrk(name, "<>") != NULL)
		return 1;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\f' || *p == '\v')
			p++;
		w = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' &&
		    *p != '\r' && *p != '\f' && *p != '\v')
			p++;
		len = (size_t)(p - w);
		for (k = 0; k < NELEM(words); k++)
			if (strlen(words[k]) == len &&
			    strncasecmp(words[k], w, len) == 0)
				return 1;
	}
	return 0;
}

static void
check_version_ranges(struct vctx *c, const json_t *branches, int depth)
{
	const char *cat, *name;
	size_t i, m1, m2;
	json_t *b;

	if (depth >= CSAF_MAX_BRANCH_DEPTH)
		return;
	json_array_foreach(branches, i, b)
	{
		m1 = rpjson_path_push_index(&c->path, i);
		cat = rpjson_str(b, "category");
		name = rpjson_str(b, "name");
		if (cat != NULL && name != NULL &&
		    strcmp(cat, "product_version") == 0 && has_range(name))
			v_err_key(c, "6.1.31", "name",
			    "version range in product version: \"%.80s\" "
			    "(use category product_version_range)",
			    name);
		if (rpjson_array(b, "branches") != NULL) {
			m2 = rpjson_path_push_key(&c->path, "branches");
			check_version_ranges(
			    c, rpjson_array(b, "branches"), depth + 1);
			rpjson_path_pop(&c->path, m2);
		}
		rpjson_path_pop(&c->path, m1);
	}
}

void
csaf_validate_products(struct vctx *c)
{
	const json_t *pt = rpjson_object(c->root, "product_tree");
	struct strset defs;
	size_t m0;

	strset_init(&defs);
	walk_full_product_names(c, define_product, &defs);
	walk_product_refs(c, check_product_ref, &defs);
	strset_free(&defs);
	check_groups(c);
	check_circular(c);
	check_vuln_products(c);
	walk_full_product_names(c, check_fpn_helpers, NULL);
	if (rpjson_array(pt, "branches") != NULL) {
		m0 = rpjson_path_push_key(&c->path, "product_tree");
		(void)rpjson_path_push_key(&c->path, "branches");
		check_version_ranges(c, rpjson_array(pt, "branches"), 0);
		rpjson_path_pop(&c->path, m0);
	}
}
