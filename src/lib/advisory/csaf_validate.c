/*
 * CSAF 2.0 validator: entry point and the pieces the test groups share
 * (error reporting with JSON pointers, a string set, walkers over
 * product definitions and references, date-time and version parsing).
 * The tests themselves live in csaf_validate_{schema,products,tracking,
 * vulns,profiles}.c.  The validator reads the JSON directly and never
 * trusts the shape: every check tolerates a wrong type silently when the
 * schema check reports it.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory.h"
#include "csaf_validate_int.h"
#include "util/err.h"
#include "util/hashtab.h"

/* Longest message we keep; longer ones are cut. */
#define VMSG_MAX 512
/* Largest string set (entries); more fail as out of memory. */
#define STRSET_MAX (16u * 1024 * 1024)

static void v_verr(struct vctx *, const char *, const char *, const char *,
    va_list) __attribute__((format(printf, 4, 0)));

static void
v_verr(struct vctx *c, const char *test, const char *ptr, const char *fmt,
    va_list ap)
{
	char msg[VMSG_MAX];

	c->nerrors++;
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	if (rp_diags_add(c->d, RP_DIAG_ERROR, test, ptr, "%s", msg) != 0)
		c->nomem = 1;
}

void
v_err(struct vctx *c, const char *test, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	v_verr(c, test, rpjson_path_str(&c->path), fmt, ap);
	va_end(ap);
}

void
v_err_key(
    struct vctx *c, const char *test, const char *key, const char *fmt, ...)
{
	va_list ap;
	size_t mark = rpjson_path_push_key(&c->path, key);

	va_start(ap, fmt);
	v_verr(c, test, rpjson_path_str(&c->path), fmt, ap);
	va_end(ap);
	rpjson_path_pop(&c->path, mark);
}

void
strset_init(struct strset *s)
{
	memset(s, 0, sizeof(*s));
}

void
strset_free(struct strset *s)
{
	if (s == NULL)
		return;
	rp_hashtab_free(s->t);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int
strset_add(struct strset *s, const char *str, const void *val)
{
	struct strset_ent *nv;
	size_t ncap;
	int r;

	if (s->t == NULL && (s->t = rp_hashtab_new(STRSET_MAX)) == NULL)
		return RP_ERR_NOMEM;
	if (s->n == s->cap) {
		ncap = s->cap ? s->cap * 2 : 16;
		if (ncap > STRSET_MAX ||
		    (nv = reallocarray(s->v, ncap, sizeof(*nv))) == NULL)
			return RP_ERR_NOMEM;
		s->v = nv;
		s->cap = ncap;
	}
	r = rp_hashtab_add(
	    s->t, str, strlen(str), (void *)(uintptr_t)(s->n + 1));
	if (r != 0)
		return r > 0 ? 1 : RP_ERR_NOMEM;
	s->v[s->n].s = str;
	s->v[s->n].val = val;
	s->n++;
	return 0;
}

const struct strset_ent *
strset_get(const struct strset *s, const char *str)
{
	void *v;

	if (!rp_hashtab_get(s->t, str, strlen(str), &v))
		return NULL;
	return &s->v[(uintptr_t)v - 1];
}

const json_t *
group_members(struct vctx *c, const char *group_id)
{
	const json_t *pt = rpjson_object(c->root, "product_tree");
	const struct strset_ent *e;
	json_t *a, *g, *ids;
	const char *gid;
	size_t i;

	if (c->groups == NULL) {
		if ((c->groups = calloc(1, sizeof(*c->groups))) == NULL) {
			c->nomem = 1;
			return NULL;
		}
		a = rpjson_array(pt, "product_groups");
		json_array_foreach(a, i, g)
		{
			gid = rpjson_str(g, "group_id");
			ids = rpjson_array(g, "product_ids");
			if (gid == NULL || ids == NULL)
				continue;
			if (strset_add(c->groups, gid, ids) < 0)
				c->nomem = 1;
		}
	}
	if ((e = strset_get(c->groups, group_id)) == NULL)
		return NULL;
	if (json_array_size(e->val) > c->expand_budget) {
		if (!c->expand_spent &&
		    rp_diags_add(c->d, RP_DIAG_WARNING, NULL, "",
			"product groups are referenced too often to expand "
			"them all; tests 6.1.27.9, 6.1.27.10 and 6.1.33 are "
			"incomplete") != 0)
			c->nomem = 1;
		c->expand_budget = 0;
		c->expand_spent = 1;
		return NULL;
	}
	c->expand_budget -= json_array_size(e->val);
	c->expanded += json_array_size(e->val);
	return e->val;
}

static void
walk_branches(
    struct vctx *c, const json_t *branches, int depth, fpn_fn fn, void *arg)
{
	size_t i, m1, m2;
	json_t *b, *p;

	if (!json_is_array(branches) || depth >= CSAF_MAX_BRANCH_DEPTH)
		return;
	json_array_foreach(branches, i, b)
	{
		m1 = rpjson_path_push_index(&c->path, i);
		if ((p = rpjson_object(b, "product")) != NULL) {
			m2 = rpjson_path_push_key(&c->path, "product");
			fn(c, p, arg);
			rpjson_path_pop(&c->path, m2);
		}
		m2 = rpjson_path_push_key(&c->path, "branches");
		walk_branches(
		    c, json_object_get(b, "branches"), depth + 1, fn, arg);
		rpjson_path_pop(&c->path, m2);
		rpjson_path_pop(&c->path, m1);
	}
}

void
walk_full_product_names(struct vctx *c, fpn_fn fn, void *arg)
{
	const json_t *pt = rpjson_object(c->root, "product_tree");
	size_t i, m0, m1, m2;
	json_t *a, *e, *f;

	if (pt == NULL)
		return;
	m0 = rpjson_path_push_key(&c->path, "product_tree");
	m1 = rpjson_path_push_key(&c->path, "full_product_names");
	a = rpjson_array(pt, "full_product_names");
	json_array_foreach(a, i, e)
	{
		m2 = rpjson_path_push_index(&c->path, i);
		if (json_is_object(e))
			fn(c, e, arg);
		rpjson_path_pop(&c->path, m2);
	}
	rpjson_path_pop(&c->path, m1);
	m1 = rpjson_path_push_key(&c->path, "branches");
	walk_branches(c, json_object_get(pt, "branches"), 0, fn, arg);
	rpjson_path_pop(&c->path, m1);
	m1 = rpjson_path_push_key(&c->path, "relationships");
	a = rpjson_array(pt, "relationships");
	json_array_foreach(a, i, e)
	{
		m2 = rpjson_path_push_index(&c->path, i);
		if ((f = rpjson_object(e, "full_product_name")) != NULL) {
			size_t m3 =
			    rpjson_path_push_key(&c->path, "full_product_name");
			fn(c, f, arg);
			rpjson_path_pop(&c->path, m3);
		}
		rpjson_path_pop(&c->path, m2);
	}
	rpjson_path_pop(&c->path, m0);
}

/* Calls fn for each string of obj[key] (an array of IDs). */
static void
refs_in_array(
    struct vctx *c, const json_t *obj, const char *key, ref_fn fn, void *arg)
{
	json_t *a = rpjson_array(obj, key), *e;
	size_t i, m1, m2;

	if (a == NULL)
		return;
	m1 = rpjson_path_push_key(&c->path, key);
	json_array_foreach(a, i, e)
	{
		if (!json_is_string(e))
			continue;
		m2 = rpjson_path_push_index(&c->path, i);
		fn(c, json_string_value(e), arg);
		rpjson_path_pop(&c->path, m2);
	}
	rpjson_path_pop(&c->path, m1);
}

/* Calls fn for each ID in obj[list][*][key]. */
static void
refs_in_list(struct vctx *c, const json_t *obj, const char *list,
    const char *key, ref_fn fn, void *arg)
{
	json_t *a = rpjson_array(obj, list), *e;
	size_t i, m1, m2;

	if (a == NULL)
		return;
	m1 = rpjson_path_push_key(&c->path, list);
	json_array_foreach(a, i, e)
	{
		m2 = rpjson_path_push_index(&c->path, i);
		refs_in_array(c, e, key, fn, arg);
		rpjson_path_pop(&c->path, m2);
	}
	rpjson_path_pop(&c->path, m1);
}

static const char *const status_keys[] = {"first_affected", "first_fixed",
    "fixed", "known_affected", "known_not_affected", "last_affected",
    "recommended", "under_investigation"};

static void
refs_in_tree(struct vctx *c, ref_fn fn, void *arg)
{
	const json_t *pt = rpjson_object(c->root, "product_tree");
	json_t *a, *e, *s;
	size_t i, m0, m2, m3;

	if (pt == NULL)
		return;
	m0 = rpjson_path_push_key(&c->path, "product_tree");
	refs_in_list(c, pt, "product_groups", "product_ids", fn, arg);
	a = rpjson_array(pt, "relationships");
	(void)rpjson_path_push_key(&c->path, "relationships");
	json_array_foreach(a, i, e)
	{
		m2 = rpjson_path_push_index(&c->path, i);
		if ((s = json_object_get(e, "product_reference")) != NULL &&
		    json_is_string(s)) {
			m3 =
			    rpjson_path_push_key(&c->path, "product_reference");
			fn(c, json_string_value(s), arg);
			rpjson_path_pop(&c->path, m3);
		}
		if ((s = json_object_get(e, "relates_to_product_reference")) !=
			NULL &&
		    json_is_string(s)) {
			m3 = rpjson_path_push_key(
			    &c->path, "relates_to_product_reference");
			fn(c, json_string_value(s), arg);
			rpjson_path_pop(&c->path, m3);
		}
		rpjson_path_pop(&c->path, m2);
	}
	rpjson_path_pop(&c->path, m0);
}

void
walk_product_refs(struct vctx *c, ref_fn fn, void *arg)
{
	json_t *vulns = rpjson_array(c->root, "vulnerabilities"), *v, *ps;
	size_t i, k, m0, m1, m2;

	refs_in_tree(c, fn, arg);
	m0 = rpjson_path_push_key(&c->path, "vulnerabilities");
	json_array_foreach(vulns, i, v)
	{
		m1 = rpjson_path_push_index(&c->path, i);
		if ((ps = rpjson_object(v, "product_status")) != NULL) {
			m2 = rpjson_path_push_key(&c->path, "product_status");
			for (k = 0;
			     k < sizeof(status_keys) / sizeof(status_keys[0]);
			     k++)
				refs_in_array(c, ps, status_keys[k], fn, arg);
			rpjson_path_pop(&c->path, m2);
		}
		refs_in_list(c, v, "remediations", "product_ids", fn, arg);
		refs_in_list(c, v, "scores", "products", fn, arg);
		refs_in_list(c, v, "threats", "product_ids", fn, arg);
		refs_in_list(c, v, "flags", "product_ids", fn, arg);
		rpjson_path_pop(&c->path, m1);
	}
	rpjson_path_pop(&c->path, m0);
}

int
csaf_cmp_datetime(const char *a, const char *b)
{
	struct rp_time ta = {0}, tb = {0};

	(void)rp_rfc3339_parse(a, &ta, NULL);
	(void)rp_rfc3339_parse(b, &tb, NULL);
	return rp_time_cmp(&ta, &tb);
}

/* A decimal number without leading zeros; advances *p. */
static int
semver_num(const char **p, unsigned long long *out)
{
	const char *s = *p;
	unsigned long long v = 0;

	if (*s < '0' || *s > '9' || (*s == '0' && s[1] >= '0' && s[1] <= '9'))
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (~0ull - 9) / 10)
			return -1;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	*p = s;
	*out = v;
	return 0;
}

static int
is_ident_char(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= 'A' && ch <= 'Z') || ch == '-';
}

/* Dot-separated identifiers up to end; numeric ones without leading 0
 * when strict (pre-release). */
static int
semver_idents(const char *s, const char *end, int strict)
{
	const char *id;
	int numeric;

	for (;;) {
		id = s;
		numeric = 1;
		for (; s < end && *s != '.'; s++) {
			if (!is_ident_char(*s))
				return -1;
			if (*s < '0' || *s > '9')
				numeric = 0;
		}
		if (s == id)
			return -1;
		if (strict && numeric && *id == '0' && s - id > 1)
			return -1;
		if (s == end)
			return 0;
		s++;
	}
}

int
csaf_parse_version(const char *s, struct csaf_version *v)
{
	const char *p = s, *plus;

	memset(v, 0, sizeof(*v));
	if (semver_num(&p, &v->major) != 0)
		return -1;
	if (*p == '\0')
		return 0;
	v->semantic = 1;
	if (*p++ != '.' || semver_num(&p, &v->minor) != 0 || *p++ != '.' ||
	    semver_num(&p, &v->patch) != 0)
		return -1;
	plus = strchr(p, '+');
	if (*p == '-') {
		v->pre = p + 1;
		v->prelen = (size_t)((plus ? plus : p + strlen(p)) - v->pre);
		if (semver_idents(v->pre, v->pre + v->prelen, 1) != 0)
			return -1;
		p = v->pre + v->prelen;
	}
	if (*p == '+') {
		v->build = p + 1;
		return semver_idents(v->build, v->build + strlen(v->build), 0);
	}
	return *p == '\0' ? 0 : -1;
}

static int
ull_cmp(unsigned long long a, unsigned long long b)
{
	return a < b ? -1 : a > b;
}

/* Compares one pre-release identifier each (semver 2.0.0 item 11). */
static int
pre_ident_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	size_t i;
	int an = 1, bn = 1, r;

	for (i = 0; i < al; i++)
		an &= a[i] >= '0' && a[i] <= '9';
	for (i = 0; i < bl; i++)
		bn &= b[i] >= '0' && b[i] <= '9';
	if (an && bn) {
		if (al != bl)
			return al < bl ? -1 : 1;
		r = memcmp(a, b, al);
		return r < 0 ? -1 : r > 0;
	}
	if (an != bn)
		return an ? -1 : 1;
	r = memcmp(a, b, al < bl ? al : bl);
	if (r != 0)
		return r < 0 ? -1 : 1;
	return al < bl ? -1 : al > bl;
}

int
csaf_cmp_version(const struct csaf_version *a, const struct csaf_version *b)
{
	const char *pa, *pb, *ea, *eb, *da, *db;
	int r;

	if ((r = ull_cmp(a->major, b->major)) != 0 ||
	    (r = ull_cmp(a->minor, b->minor)) != 0 ||
	    (r = ull_cmp(a->patch, b->patch)) != 0)
		return r;
	if (a->pre == NULL || b->pre == NULL)
		return a->pre == b->pre ? 0 : a->pre == NULL ? 1 : -1;
	pa = a->pre;
	pb = b->pre;
	ea = pa + a->prelen;
	eb = pb + b->prelen;
	while (pa < ea && pb < eb) {
		da = memchr(pa, '.', (size_t)(ea - pa));
		db = memchr(pb, '.', (size_t)(eb - pb));
		if (da == NULL)
			da = ea;
		if (db == NULL)
			db = eb;
		r = pre_ident_cmp(pa, (size_t)(da - pa), pb, (size_t)(db - pb));
		if (r != 0)
			return r;
		pa = da < ea ? da + 1 : ea;
		pb = db < eb ? db + 1 : eb;
	}
	return pa < ea ? 1 : pb < eb ? -1 : 0;
}

int
csaf_validate(const json_t *root, struct rp_diags *d)
{
	return csaf_validate_work(root, d, NULL);
}

int
csaf_validate_work(const json_t *root, struct rp_diags *d, struct csaf_work *w)
{
	struct vctx c;

	memset(&c, 0, sizeof(c));
	if (w != NULL)
		w->expanded = 0;
	c.root = root;
	c.d = d;
	rpjson_path_init(&c.path);
	if (!json_is_object(root)) {
		v_err(&c, "schema", "expected a JSON object");
		return c.nomem ? RP_ERR_NOMEM : RP_ERR_INVALID;
	}
	c.expand_budget = w != NULL && w->expand_limit != 0
	    ? w->expand_limit
	    : CSAF_EXPAND_BUDGET;
	c.category = rpjson_str(rpjson_object(root, "document"), "category");
	csaf_validate_schema(&c);
	csaf_validate_products(&c);
	csaf_validate_tracking(&c);
	csaf_validate_vulns(&c);
	csaf_validate_profiles(&c);
	strset_free(c.groups);
	free(c.groups);
	if (w != NULL)
		w->expanded = c.expanded;
	if (c.nomem)
		return RP_ERR_NOMEM;
	return c.nerrors > 0 ? RP_ERR_INVALID : 0;
}
