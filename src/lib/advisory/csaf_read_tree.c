/*
 * CSAF 2.0 product tree (section 3.2.2) into a->products and a->groups.
 *
 * Every full_product_name becomes one adv_product, in document order:
 * first the leaves of /product_tree/branches (depth first), then
 * /product_tree/full_product_names, then the products that relationships
 * define.  A branch leaf takes vendor, product, family, version, range and
 * platform (architecture) from its nearest ancestor branches of those
 * categories; a relationship product inherits them, and the component's
 * identification, from its product_reference, and its platform is the
 * name of relates_to_product_reference.
 *
 * Product IDs are unique in a->products (a repeated definition is warned
 * about and dropped), which keeps ID lookups unambiguous.  ID resolution
 * goes through a hash table built while reading, so a tree of n products
 * and m references costs O(n + m), not O(n * m).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "adv_util.h"
#include "advisory.h"
#include "csaf_read_int.h"
#include "json/rpjson.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/hashtab.h"

/* Relationship resolution states in csaf_paux.relstate. */
enum {
	REL_NONE = 0,
	REL_PENDING,
	REL_BUSY,
	REL_DONE,
};

/* What a branch leaf inherits from its nearest ancestors. */
struct bfields {
	char *vendor, *product, *family, *version, *range, *arch;
};

/* The branches above the one being read; one per tree walk. */
struct bctx {
	struct bfields f;
	const char *names[CSAF_MAX_DEPTH]; /* branch names, root first */
	size_t depth;
};

static const char *const branch_categories[] = {
    "architecture",
    "host_name",
    "language",
    "legacy",
    "patch_level",
    "product_family",
    "product_name",
    "product_version",
    "product_version_range",
    "service_pack",
    "specification",
    "vendor",
};

static const char *const rel_categories[] = {
    "default_component_of",
    "external_component_of",
    "installed_on",
    "installed_with",
    "optional_component_of",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int
in_list(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(names[i], s) == 0)
			return 1;
	}
	return 0;
}

/* ---- ID tables ---------------------------------------------------- */

static int
csaf_idtab_init(struct csaf_idtab *t, size_t maxentries)
{
	int r;

	if ((t->t = rp_hashtab_new(maxentries > 8 ? maxentries : 8)) == NULL)
		return RP_ERR_NOMEM;
	if ((r = rp_hashtab_reserve(t->t, maxentries)) != 0) {
		csaf_idtab_free(t);
		return r;
	}
	return 0;
}

void
csaf_idtab_free(struct csaf_idtab *t)
{
	rp_hashtab_free(t->t);
	t->t = NULL;
}

static size_t
csaf_idtab_find(const struct csaf_idtab *t, const char *key)
{
	void *v;

	if (key == NULL || !rp_hashtab_get(t->t, key, strlen(key), &v))
		return SIZE_MAX;
	return (size_t)(uintptr_t)v;
}

static int
csaf_idtab_add(struct csaf_idtab *t, const char *key, size_t val)
{
	int r;

	if (t->t == NULL)
		return RP_ERR_LIMIT;
	/* a repeated key keeps its first index, as lookups always did */
	r = rp_hashtab_add(t->t, key, strlen(key), (void *)(uintptr_t)val);
	return r < 0 ? r : 0;
}

static size_t
csaf_product_index(const struct csaf_rd *rd, const char *id)
{
	return csaf_idtab_find(&rd->products, id);
}

/* ---- Lists of product IDs ----------------------------------------- */

static void
next_generation(struct csaf_rd *rd)
{
	if (++rd->gen == 0) {
		memset(rd->paux, 0, rd->maxproducts * sizeof(*rd->paux));
		rd->gen = 1;
	}
}

static void
list_add(struct csaf_rd *rd, char **v, size_t *n, size_t k)
{
	if (rd->paux[k].seen == rd->gen)
		return;
	rd->paux[k].seen = rd->gen;
	v[(*n)++] = rd->a->products[k].id;
}

/* Upper bound of the entries csaf_idlist may produce. */
static size_t
idlist_bound(struct csaf_rd *rd, const json_t *pa, const json_t *ga)
{
	size_t bound = json_array_size(pa), i, g;
	json_t *e;

	json_array_foreach(ga, i, e)
	{
		g = csaf_idtab_find(&rd->groups, json_string_value(e));
		if (g != SIZE_MAX) {
			if (bound > CSAF_MAX_REFS)
				break;
			bound += rd->a->groups[g].nproduct_ids;
		}
	}
	return bound;
}

static void
idlist_products(
    struct csaf_rd *rd, const json_t *pa, const char *pkey, char **v, size_t *n)
{
	size_t i, k, mark, m2;
	const char *s;
	json_t *e;

	mark = rpjson_path_push_key(&rd->path, pkey);
	json_array_foreach(pa, i, e)
	{
		m2 = rpjson_path_push_index(&rd->path, i);
		if ((s = json_string_value(e)) == NULL)
			rpjson_warn(&rd->j, "expected a product ID (a string)");
		else if ((k = csaf_product_index(rd, s)) != SIZE_MAX)
			list_add(rd, v, n, k);
		else if (csaf_idtab_find(&rd->groups, s) != SIZE_MAX)
			rpjson_warn(&rd->j,
			    "\"%.200s\" is a product group ID; only product "
			    "IDs are allowed here, so it is ignored",
			    s);
		else
			rpjson_warn(&rd->j,
			    "unknown product ID \"%.200s\" (not defined in "
			    "/product_tree); ignored",
			    s);
		rpjson_path_pop(&rd->path, m2);
	}
	rpjson_path_pop(&rd->path, mark);
}

static void
idlist_groups(
    struct csaf_rd *rd, const json_t *ga, const char *gkey, char **v, size_t *n)
{
	const struct adv_group *g;
	size_t i, j, gi, k, mark, m2;
	const char *s;
	json_t *e;

	mark = rpjson_path_push_key(&rd->path, gkey);
	json_array_foreach(ga, i, e)
	{
		m2 = rpjson_path_push_index(&rd->path, i);
		if ((s = json_string_value(e)) == NULL)
			rpjson_warn(
			    &rd->j, "expected a product group ID (a string)");
		else if ((gi = csaf_idtab_find(&rd->groups, s)) == SIZE_MAX)
			rpjson_warn(&rd->j,
			    "unknown product group ID \"%.200s\" (not defined "
			    "in /product_tree/product_groups); ignored",
			    s);
		else {
			g = &rd->a->groups[gi];
			for (j = 0; j < g->nproduct_ids; j++) {
				k = csaf_product_index(rd, g->product_ids[j]);
				if (k != SIZE_MAX)
					list_add(rd, v, n, k);
			}
		}
		rpjson_path_pop(&rd->path, m2);
	}
	rpjson_path_pop(&rd->path, mark);
}

int
csaf_idlist(struct csaf_rd *rd, const json_t *obj, const char *pkey,
    const char *gkey, char ***out, size_t *nout)
{
	json_t *pa, *ga = NULL;
	size_t bound, n = 0;
	char **v;

	*out = NULL;
	*nout = 0;
	pa = rpjson_array_at(&rd->j, obj, pkey, SIZE_MAX, 0);
	if (gkey != NULL)
		ga = rpjson_array_at(&rd->j, obj, gkey, SIZE_MAX, 0);
	if ((bound = idlist_bound(rd, pa, ga)) == 0)
		return 0;
	if (bound > CSAF_MAX_REFS - rd->nrefs)
		return rpjson_fail(&rd->j, RP_ERR_LIMIT,
		    "the advisory refers to products more than %u times in "
		    "all; that is more than Rampart reads",
		    CSAF_MAX_REFS);
	if ((v = rp_arena_calloc(rd->a->arena, bound, sizeof(*v))) == NULL)
		return rpjson_fail(&rd->j, RP_ERR_NOMEM, "out of memory");
	next_generation(rd);
	if (pa != NULL)
		idlist_products(rd, pa, pkey, v, &n);
	if (ga != NULL)
		idlist_groups(rd, ga, gkey, v, &n);
	/* charge the bound, not n: it is what the list cost to build, and
	 * a group repeated in group_ids must not make work for free */
	rd->nrefs += bound;
	*out = n > 0 ? v : NULL;
	*nout = n;
	return 0;
}

/* ---- Products ------------------------------------------------------ */

/* Reads an array of strings; non-strings are warned about and skipped. */
static int
strlist(struct csaf_rd *rd, const json_t *obj, const char *key, char ***out,
    size_t *nout)
{
	size_t i, n = 0, mark, m2;
	json_t *arr, *e;
	char **v;

	*out = NULL;
	*nout = 0;
	if ((arr = rpjson_array_at(&rd->j, obj, key, SIZE_MAX, 0)) == NULL ||
	    json_array_size(arr) == 0)
		return 0;
	v = rp_arena_calloc(rd->a->arena, json_array_size(arr), sizeof(*v));
	if (v == NULL)
		return rpjson_fail(&rd->j, RP_ERR_NOMEM, "out of memory");
	mark = rpjson_path_push_key(&rd->path, key);
	json_array_foreach(arr, i, e)
	{
		if (!json_is_string(e)) {
			m2 = rpjson_path_push_index(&rd->path, i);
			rpjson_warn(&rd->j, "expected a string");
			rpjson_path_pop(&rd->path, m2);
			continue;
		}
		if ((v[n++] = rp_arena_strdup(
			 rd->a->arena, json_string_value(e))) == NULL) {
			rpjson_path_pop(&rd->path, mark);
			return rpjson_fail(
			    &rd->j, RP_ERR_NOMEM, "out of memory");
		}
	}
	rpjson_path_pop(&rd->path, mark);
	*out = n > 0 ? v : NULL;
	*nout = n;
	return 0;
}

/* One entry of product_identification_helper/hashes. */
static int
hash_read(struct csaf_rd *rd, const json_t *h, struct adv_product *p)
{
	size_t i, mark, m2;
	char *filename = NULL;
	struct adv_hash *e;
	json_t *fh, *x;
	int r = 0;

	if ((r = rpjson_copy_str(
		 &rd->j, h, "filename", CSAF_MAX_STR, 0, &filename)) != 0)
		return r;
	if ((fh = rpjson_array_at(&rd->j, h, "file_hashes", SIZE_MAX, 0)) ==
	    NULL) {
		rpjson_warn(&rd->j, "a hashes entry needs file_hashes");
		return 0;
	}
	mark = rpjson_path_push_key(&rd->path, "file_hashes");
	json_array_foreach(fh, i, x)
	{
		m2 = rpjson_path_push_index(&rd->path, i);
		e = &p->hashes[p->nhashes];
		e->filename = filename;
		if ((r = rpjson_copy_str(&rd->j, x, "algorithm", CSAF_MAX_STR,
			 0, &e->algorithm)) != 0 ||
		    (r = rpjson_copy_str(
			 &rd->j, x, "value", CSAF_MAX_STR, 0, &e->value)) != 0)
			break;
		if (e->algorithm == NULL || e->value == NULL) {
			rpjson_warn(
			    &rd->j, "a file hash needs algorithm and value");
			memset(e, 0, sizeof(*e));
		} else
			p->nhashes++;
		rpjson_path_pop(&rd->path, m2);
	}
	rpjson_path_pop(&rd->path, mark);
	return r;
}

static int
hashes_read(struct csaf_rd *rd, const json_t *pih, struct adv_product *p)
{
	size_t i, n = 0, mark, m2;
	json_t *arr, *h;
	int r = 0;

	if ((arr = rpjson_array_at(&rd->j, pih, "hashes", SIZE_MAX, 0)) == NULL)
		return 0;
	json_array_foreach(arr, i, h) n +=
	    json_array_size(rpjson_array(h, "file_hashes"));
	if (n == 0) {
		rpjson_warn_at(&rd->j, "hashes", "no usable file_hashes");
		return 0;
	}
	if ((p->hashes = rp_arena_calloc(
		 rd->a->arena, n, sizeof(*p->hashes))) == NULL)
		return rpjson_fail(&rd->j, RP_ERR_NOMEM, "out of memory");
	mark = rpjson_path_push_key(&rd->path, "hashes");
	json_array_foreach(arr, i, h)
	{
		m2 = rpjson_path_push_index(&rd->path, i);
		if (!json_is_object(h))
			rpjson_warn(&rd->j, "expected a hashes object");
		else if ((r = hash_read(rd, h, p)) != 0)
			break;
		rpjson_path_pop(&rd->path, m2);
	}
	rpjson_path_pop(&rd->path, mark);
	if (p->nhashes == 0)
		p->hashes = NULL;
	return r;
}

/* product_identification_helper (3.1.3.3); sbom_urls and x_generic_uris
 * do not identify an installed product, so they are not kept. */
static int
pih_read(struct csaf_rd *rd, const json_t *fpn, struct adv_product *p)
{
	json_t *pih;
	size_t mark;
	int r;

	if ((pih = rpjson_object_at(
		 &rd->j, fpn, "product_identification_helper", 0)) == NULL)
		return 0;
	mark = rpjson_path_push_key(&rd->path, "product_identification_helper");
	if ((r = rpjson_copy_str(
		 &rd->j, pih, "cpe", CSAF_MAX_STR, 0, &p->cpe)) != 0 ||
	    (r = rpjson_copy_str(
		 &rd->j, pih, "purl", CSAF_MAX_STR, 0, &p->purl)) != 0 ||
	    (r = hashes_read(rd, pih, p)) != 0 ||
	    (r = strlist(rd, pih, "model_numbers", &p->model_numbers,
		 &p->nmodel_numbers)) != 0 ||
	    (r = strlist(rd, pih, "serial_numbers", &p->serial_numbers,
		 &p->nserial_numbers)) != 0 ||
	    (r = strlist(rd, pih, "skus", &p->skus, &p->nskus)) != 0)
		goto out;
	r = 0;
out:
	rpjson_path_pop(&rd->path, mark);
	return r;
}

/* "Vendor > Product > 1.2" from the branch names above a leaf. */
static char *
branch_path(struct csaf_rd *rd, const struct bctx *ctx)
{
	size_t i, len = 0, l;
	char *s, *q;

	for (i = 0; i < ctx->depth; i++)
		len += strlen(ctx->names[i]) + 3;
	if ((s = rp_arena_alloc(rd->a->arena, len + 1)) == NULL)
		return NULL;
	for (q = s, i = 0; i < ctx->depth; i++) {
		if (i > 0) {
			memcpy(q, " > ", 3);
			q += 3;
		}
		l = strlen(ctx->names[i]);
		memcpy(q, ctx->names[i], l);
		q += l;
	}
	*q = '\0';
	return s;
}

static void
take_context(struct adv_product *p, const struct bctx *ctx)
{
	p->vendor = ctx->f.vendor;
	p->product = ctx->f.product;
	p->family = ctx->f.family;
	p->version = ctx->f.version;
	p->range = ctx->f.range;
	p->platform = ctx->f.arch;
}

/*
 * Adds the full_product_name fpn (at the current path) as a product;
 * *idx is its index, or SIZE_MAX when it was skipped.
 */
static int
product_add(
    struct csaf_rd *rd, const json_t *fpn, const struct bctx *ctx, size_t *idx)
{
	struct advisory *a = rd->a;
	struct adv_product *p;
	const char *id;
	int r;

	*idx = SIZE_MAX;
	if ((id = rpjson_str(fpn, "product_id")) == NULL) {
		rpjson_warn(&rd->j,
		    "a product needs a product_id (a string); "
		    "product skipped");
		return 0;
	}
	if (csaf_product_index(rd, id) != SIZE_MAX) {
		rpjson_warn_at(&rd->j, "product_id",
		    "product ID \"%.200s\" is defined more than once; the "
		    "first definition is kept",
		    id);
		return 0;
	}
	if (a->nproducts >= rd->maxproducts)
		return rpjson_fail(
		    &rd->j, RP_ERR_INTERNAL, "product count changed");
	p = &a->products[a->nproducts];
	if ((p->id = rp_arena_strdup(a->arena, id)) == NULL)
		return rpjson_fail(&rd->j, RP_ERR_NOMEM, "out of memory");
	if ((r = rpjson_copy_str(
		 &rd->j, fpn, "name", CSAF_MAX_STR, 0, &p->name)) != 0)
		return r;
	if (p->name == NULL) {
		rpjson_warn(&rd->j,
		    "product \"%.200s\" has no name; its ID is "
		    "used as name",
		    id);
		p->name = p->id;
	}
	if (ctx != NULL) {
		take_context(p, ctx);
		if ((p->branch_path = branch_path(rd, ctx)) == NULL)
			return rpjson_fail(
			    &rd->j, RP_ERR_NOMEM, "out of memory");
	}
	if ((r = pih_read(rd, fpn, p)) != 0)
		return r;
	/* The range is parsed here, once, in the scheme the purl implies. */
	p->scheme = adv_scheme_declared(NULL, p->purl, NULL);
	if ((r = adv_range_parse(a->arena, p, NULL)) != 0)
		return rpjson_fail(&rd->j, r, "out of memory");
	if ((r = csaf_idtab_add(&rd->products, p->id, a->nproducts)) != 0)
		return rpjson_fail(&rd->j, r, "product table full");
	*idx = a->nproducts++;
	return 0;
}

/* ---- Branches ------------------------------------------------------ */

/* Applies a branch's category to what its descendants inherit. */
static int
branch_enter(struct csaf_rd *rd, const json_t *b, struct bctx *ctx)
{
	const char *cat = rpjson_str(b, "category");
	const char *name = rpjson_str(b, "name");
	char **slot = NULL, *copy;

	if (name == NULL)
		rpjson_warn(&rd->j, "a branch needs a name (a string)");
	if (cat == NULL)
		rpjson_warn(&rd->j, "a branch needs a category (a string)");
	else if (!in_list(branch_categories, NELEM(branch_categories), cat))
		rpjson_warn_at(&rd->j, "category",
		    "unknown branch category \"%.100s\"; its name is only "
		    "kept in the branch path",
		    cat);
	else if (strcmp(cat, "vendor") == 0)
		slot = &ctx->f.vendor;
	else if (strcmp(cat, "product_name") == 0)
		slot = &ctx->f.product;
	else if (strcmp(cat, "product_family") == 0)
		slot = &ctx->f.family;
	else if (strcmp(cat, "product_version") == 0)
		slot = &ctx->f.version;
	else if (strcmp(cat, "product_version_range") == 0)
		slot = &ctx->f.range;
	else if (strcmp(cat, "architecture") == 0)
		slot = &ctx->f.arch;
	ctx->names[ctx->depth++] = name != NULL ? name : "?";
	if (slot != NULL && name != NULL) {
		if ((copy = rp_arena_strdup(rd->a->arena, name)) == NULL)
			return rpjson_fail(
			    &rd->j, RP_ERR_NOMEM, "out of memory");
		*slot = copy;
	}
	return 0;
}

static int branches_read(
    struct csaf_rd *rd, const json_t *arr, struct bctx *ctx);

static int
branch_children(struct csaf_rd *rd, const json_t *b, struct bctx *ctx)
{
	json_t *prod, *sub;
	size_t idx, mark;
	int r = 0;

	prod = json_object_get(b, "product");
	sub = json_object_get(b, "branches");
	if (prod == NULL && sub == NULL)
		rpjson_warn(&rd->j, "a branch needs branches or a product");
	if (prod != NULL) {
		mark = rpjson_path_push_key(&rd->path, "product");
		if (!json_is_object(prod))
			rpjson_warn(&rd->j, "expected a product object");
		else
			r = product_add(rd, prod, ctx, &idx);
		rpjson_path_pop(&rd->path, mark);
	}
	if (r == 0 && sub != NULL) {
		mark = rpjson_path_push_key(&rd->path, "branches");
		if (!json_is_array(sub))
			rpjson_warn(&rd->j, "expected an array of branches");
		else
			r = branches_read(rd, sub, ctx);
		rpjson_path_pop(&rd->path, mark);
	}
	return r;
}

/* Reads branch b below ctx; ctx is as before on return. */
static int
branch_read(struct csaf_rd *rd, const json_t *b, struct bctx *ctx)
{
	struct bfields saved = ctx->f;
	size_t depth = ctx->depth;
	int r;

	if (depth >= CSAF_MAX_DEPTH)
		return rpjson_fail(&rd->j, RP_ERR_LIMIT,
		    "branches are nested more than %d levels deep",
		    CSAF_MAX_DEPTH);
	if ((r = branch_enter(rd, b, ctx)) == 0)
		r = branch_children(rd, b, ctx);
	ctx->f = saved;
	ctx->depth = depth;
	return r;
}

static int
branches_read(struct csaf_rd *rd, const json_t *arr, struct bctx *ctx)
{
	size_t i, mark;
	json_t *b;
	int r = 0;

	json_array_foreach(arr, i, b)
	{
		mark = rpjson_path_push_index(&rd->path, i);
		if (!json_is_object(b))
			rpjson_warn(&rd->j, "expected a branch object");
		else
			r = branch_read(rd, b, ctx);
		rpjson_path_pop(&rd->path, mark);
		if (r != 0)
			break;
	}
	return r;
}

/* Products under branches, for sizing; deeper levels fail when read. */
static size_t
count_branch_products(const json_t *arr, size_t depth)
{
	size_t i, n = 0;
	json_t *b;

	if (depth >= CSAF_MAX_DEPTH)
		return 0;
	json_array_foreach(arr, i, b)
	{
		if (json_is_object(json_object_get(b, "product")))
			n++;
		n += count_branch_products(
		    rpjson_array(b, "branches"), depth + 1);
		if (n > CSAF_MAX_PRODUCTS)
			break;
	}
	return n;
}

/* ---- Relationships ------------------------------------------------- */

static int
rel_read(struct csaf_rd *rd, const json_t *rel, size_t i)
{
	char *cat = NULL, *comp = NULL, *target = NULL;
	struct adv_product *p;
	json_t *fpn;
	size_t idx, mark;
	int r;

	if ((r = rpjson_copy_str(
		 &rd->j, rel, "category", CSAF_MAX_STR, 0, &cat)) != 0 ||
	    (r = rpjson_copy_str(&rd->j, rel, "product_reference", CSAF_MAX_STR,
		 0, &comp)) != 0 ||
	    (r = rpjson_copy_str(&rd->j, rel, "relates_to_product_reference",
		 CSAF_MAX_STR, 0, &target)) != 0)
		return r;
	if (cat == NULL)
		rpjson_warn(&rd->j, "a relationship needs a category");
	else if (!in_list(rel_categories, NELEM(rel_categories), cat))
		rpjson_warn_at(&rd->j, "category",
		    "unknown relationship category \"%.100s\"", cat);
	if (comp == NULL || target == NULL)
		rpjson_warn(&rd->j,
		    "a relationship needs product_reference and "
		    "relates_to_product_reference");
	if ((fpn = rpjson_object_at(&rd->j, rel, "full_product_name", 0)) ==
	    NULL) {
		rpjson_warn(&rd->j,
		    "a relationship needs a full_product_name; "
		    "relationship skipped");
		return 0;
	}
	mark = rpjson_path_push_key(&rd->path, "full_product_name");
	r = product_add(rd, fpn, NULL, &idx);
	rpjson_path_pop(&rd->path, mark);
	if (r != 0 || idx == SIZE_MAX)
		return r;
	p = &rd->a->products[idx];
	p->rel_category = cat;
	p->rel_component = comp;
	p->rel_target = target;
	rd->paux[idx].rel = (uint32_t)i + 1;
	rd->paux[idx].relstate = REL_PENDING;
	return 0;
}

/* Fills what a relationship product does not say itself from c. */
static void
inherit(struct adv_product *p, const struct adv_product *c)
{
#define TAKE(f)                                                                \
	do {                                                                   \
		if (p->f == NULL)                                              \
			p->f = c->f;                                           \
	} while (0)
	/* Its own purl's scheme first, then the component's; the range,
	   when it takes the component's, comes parsed with it. */
	if (p->scheme == VERSION_SCHEME_UNKNOWN)
		p->scheme = adv_scheme_declared(NULL, p->purl, NULL);
	if (p->scheme == VERSION_SCHEME_UNKNOWN)
		p->scheme = c->scheme;
	if (p->range == NULL) {
		p->vr = c->vr;
		p->range_err = c->range_err;
	}
	TAKE(vendor);
	TAKE(product);
	TAKE(family);
	TAKE(version);
	TAKE(range);
	TAKE(platform);
	TAKE(ecosystem);
	TAKE(cpe);
	TAKE(purl);
	TAKE(branch_path);
#undef TAKE
	if (p->nhashes == 0) {
		p->hashes = c->hashes;
		p->nhashes = c->nhashes;
	}
	if (p->nmodel_numbers == 0) {
		p->model_numbers = c->model_numbers;
		p->nmodel_numbers = c->nmodel_numbers;
	}
	if (p->nserial_numbers == 0) {
		p->serial_numbers = c->serial_numbers;
		p->nserial_numbers = c->nserial_numbers;
	}
	if (p->nskus == 0) {
		p->skus = c->skus;
		p->nskus = c->nskus;
	}
}

static void
rel_path(struct csaf_rd *rd, size_t base, size_t k)
{
	rpjson_path_pop(&rd->path, base);
	rpjson_path_push_key(&rd->path, "relationships");
	rpjson_path_push_index(&rd->path, rd->paux[k].rel - 1);
}

/* Resolves relationship product k, components first; base is the path
 * mark of /product_tree. */
static void
rel_resolve(struct csaf_rd *rd, size_t base, size_t k, size_t depth)
{
	struct adv_product *p = &rd->a->products[k];
	size_t c, t;

	if (rd->paux[k].relstate != REL_PENDING)
		return;
	rd->paux[k].relstate = REL_BUSY;
	if ((t = csaf_product_index(rd, p->rel_target)) != SIZE_MAX)
		p->platform = rd->a->products[t].name;
	else if (p->rel_target != NULL) {
		rel_path(rd, base, k);
		rpjson_warn_at(&rd->j, "relates_to_product_reference",
		    "unknown product ID \"%.200s\"", p->rel_target);
	}
	c = csaf_product_index(rd, p->rel_component);
	if (c == SIZE_MAX && p->rel_component != NULL) {
		rel_path(rd, base, k);
		rpjson_warn_at(&rd->j, "product_reference",
		    "unknown product ID \"%.200s\"; the product has no "
		    "component to take its identity from",
		    p->rel_component);
	} else if (c == k) {
		rel_path(rd, base, k);
		rpjson_warn(
		    &rd->j, "a relationship product is its own component");
	} else if (c != SIZE_MAX) {
		if (rd->paux[c].relstate == REL_PENDING &&
		    depth + 1 < CSAF_MAX_DEPTH)
			rel_resolve(rd, base, c, depth + 1);
		if (rd->paux[c].relstate == REL_BUSY ||
		    rd->paux[c].relstate == REL_PENDING) {
			rel_path(rd, base, k);
			rpjson_warn(&rd->j,
			    "relationships refer to each other in a "
			    "cycle or a chain over %d long",
			    CSAF_MAX_DEPTH);
		}
		inherit(p, &rd->a->products[c]);
	}
	rd->paux[k].relstate = REL_DONE;
}

static int
rels_read(struct csaf_rd *rd, const json_t *arr)
{
	size_t i, k, mark, m2;
	json_t *rel;
	int r = 0;

	mark = rpjson_path_push_key(&rd->path, "relationships");
	json_array_foreach(arr, i, rel)
	{
		m2 = rpjson_path_push_index(&rd->path, i);
		if (!json_is_object(rel))
			rpjson_warn(&rd->j, "expected a relationship object");
		else if ((r = rel_read(rd, rel, i)) != 0)
			break;
		rpjson_path_pop(&rd->path, m2);
	}
	rpjson_path_pop(&rd->path, mark);
	if (r != 0)
		return r;
	/* only now every product a relationship may name is known */
	for (k = 0; k < rd->a->nproducts; k++)
		rel_resolve(rd, mark, k, 0);
	rpjson_path_pop(&rd->path, mark);
	return 0;
}

/* ---- Groups -------------------------------------------------------- */

static int
group_read(struct csaf_rd *rd, const json_t *g)
{
	struct advisory *a = rd->a;
	struct adv_group *e = &a->groups[a->ngroups];
	const char *id;
	int r;

	if ((id = rpjson_str(g, "group_id")) == NULL) {
		rpjson_warn(&rd->j,
		    "a product group needs a group_id (a string); "
		    "group skipped");
		return 0;
	}
	if (csaf_idtab_find(&rd->groups, id) != SIZE_MAX) {
		rpjson_warn_at(&rd->j, "group_id",
		    "group ID \"%.200s\" is defined more than once; the first "
		    "definition is kept",
		    id);
		return 0;
	}
	if ((e->id = rp_arena_strdup(a->arena, id)) == NULL)
		return rpjson_fail(&rd->j, RP_ERR_NOMEM, "out of memory");
	if ((r = rpjson_copy_str(
		 &rd->j, g, "summary", CSAF_MAX_STR, 0, &e->summary)) != 0 ||
	    (r = csaf_idlist(rd, g, "product_ids", NULL, &e->product_ids,
		 &e->nproduct_ids)) != 0)
		return r;
	if ((r = csaf_idtab_add(&rd->groups, e->id, a->ngroups)) != 0)
		return rpjson_fail(&rd->j, r, "group table full");
	a->ngroups++;
	return 0;
}

static int
groups_read(struct csaf_rd *rd, const json_t *arr)
{
	size_t i, n = json_array_size(arr), mark, m2;
	json_t *g;
	int r = 0;

	if (n > CSAF_MAX_GROUPS)
		return rpjson_fail(&rd->j, RP_ERR_LIMIT,
		    "more than %u product groups", CSAF_MAX_GROUPS);
	if ((r = csaf_idtab_init(&rd->groups, n)) != 0)
		return rpjson_fail(&rd->j, r, "out of memory");
	if (n == 0)
		return 0;
	if ((rd->a->groups = rp_arena_calloc(
		 rd->a->arena, n, sizeof(*rd->a->groups))) == NULL)
		return rpjson_fail(&rd->j, RP_ERR_NOMEM, "out of memory");
	mark = rpjson_path_push_key(&rd->path, "product_groups");
	json_array_foreach(arr, i, g)
	{
		m2 = rpjson_path_push_index(&rd->path, i);
		if (!json_is_object(g))
			rpjson_warn(&rd->j, "expected a product group object");
		else if ((r = group_read(rd, g)) != 0)
			break;
		rpjson_path_pop(&rd->path, m2);
	}
	rpjson_path_pop(&rd->path, mark);
	if (rd->a->ngroups == 0)
		rd->a->groups = NULL;
	return r;
}

/* ---- The tree ------------------------------------------------------ */

static int
tree_alloc(struct csaf_rd *rd, const json_t *branches, const json_t *fpns,
    const json_t *rels)
{
	size_t n;
	int r;

	n = count_branch_products(branches, 0);
	n += json_array_size(fpns);
	n += json_array_size(rels);
	if (n > CSAF_MAX_PRODUCTS)
		return rpjson_fail(&rd->j, RP_ERR_LIMIT,
		    "the product tree defines more than %u products; that is "
		    "more than Rampart reads",
		    CSAF_MAX_PRODUCTS);
	if ((r = csaf_idtab_init(&rd->products, n)) != 0)
		return rpjson_fail(&rd->j, r, "out of memory");
	rd->maxproducts = n;
	if (n == 0)
		return 0;
	if ((rd->paux = calloc(n, sizeof(*rd->paux))) == NULL ||
	    (rd->a->products = rp_arena_calloc(
		 rd->a->arena, n, sizeof(*rd->a->products))) == NULL)
		return rpjson_fail(&rd->j, RP_ERR_NOMEM, "out of memory");
	return 0;
}

static int
fpns_read(struct csaf_rd *rd, const json_t *arr)
{
	size_t i, idx, mark, m2;
	json_t *fpn;
	int r = 0;

	mark = rpjson_path_push_key(&rd->path, "full_product_names");
	json_array_foreach(arr, i, fpn)
	{
		m2 = rpjson_path_push_index(&rd->path, i);
		if (!json_is_object(fpn))
			rpjson_warn(
			    &rd->j, "expected a full_product_name object");
		else if ((r = product_add(rd, fpn, NULL, &idx)) != 0)
			break;
		rpjson_path_pop(&rd->path, m2);
	}
	rpjson_path_pop(&rd->path, mark);
	return r;
}

int
csaf_tree_read(struct csaf_rd *rd, const json_t *tree)
{
	json_t *branches, *fpns, *rels, *groups;
	struct bctx *ctx = NULL;
	size_t mark, m2;
	int r;

	mark = rpjson_path_push_key(&rd->path, "product_tree");
	branches = rpjson_array_at(&rd->j, tree, "branches", SIZE_MAX, 0);
	fpns = rpjson_array_at(&rd->j, tree, "full_product_names", SIZE_MAX, 0);
	rels = rpjson_array_at(&rd->j, tree, "relationships", SIZE_MAX, 0);
	groups = rpjson_array_at(&rd->j, tree, "product_groups", SIZE_MAX, 0);
	if ((r = tree_alloc(rd, branches, fpns, rels)) != 0)
		goto out;
	if (branches != NULL) {
		/* the context holds a name per level: keep it off the stack */
		if ((ctx = calloc(1, sizeof(*ctx))) == NULL) {
			r = rpjson_fail(&rd->j, RP_ERR_NOMEM, "out of memory");
			goto out;
		}
		m2 = rpjson_path_push_key(&rd->path, "branches");
		r = branches_read(rd, branches, ctx);
		rpjson_path_pop(&rd->path, m2);
		if (r != 0)
			goto out;
	}
	if ((r = fpns_read(rd, fpns)) != 0 || (r = rels_read(rd, rels)) != 0 ||
	    (r = groups_read(rd, groups)) != 0)
		goto out;
	if (rd->a->nproducts == 0)
		rd->a->products = NULL;
	r = 0;
out:
	free(ctx);
	rpjson_path_pop(&rd->path, mark);
	return r;
}
