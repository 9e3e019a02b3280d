/*
 * What all advisory formats share: allocation, format detection, dispatch
 * to the readers, lookups and the names of enums.
 */
#include <stdlib.h>
#include <string.h>

#include "adv_util.h"
#include "advisory.h"
#include "json/rpjson.h"
#include "util/arena.h"
#include "util/err.h"

/* One advisory's model may not exceed this (real ones are far smaller). */
#define ADVISORY_ARENA_MAX (512u * 1024 * 1024)

static const char *const status_names[ADV_STATUS_COUNT] = {
    "first_affected",
    "known_affected",
    "last_affected",
    "first_fixed",
    "fixed",
    "recommended",
    "known_not_affected",
    "under_investigation",
};

static const char *const rem_names[] = {
    "vendor_fix",
    "workaround",
    "mitigation",
    "no_fix_planned",
    "none_available",
};

static const char *const ioc_names[] = {
    "sha256",
    "sha1",
    "md5",
    "filename",
    "domain",
    "ip",
    "url",
    "yara",
};

struct advisory *
advisory_new(void)
{
	struct advisory *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	if ((a->arena = rp_arena_new(ADVISORY_ARENA_MAX)) == NULL) {
		free(a);
		return NULL;
	}
	return a;
}

void
advisory_free(struct advisory *a)
{
	if (a == NULL)
		return;
	rp_arena_free(a->arena);
	free(a);
}

int
advisory_product_range(
    struct advisory *a, struct adv_product *p, const char *range)
{
	p->range = NULL;
	p->vr = NULL;
	p->range_err = NULL;
	if (range == NULL)
		return 0;
	if ((p->range = rp_arena_strdup(a->arena, range)) == NULL)
		return RP_ERR_NOMEM;
	return adv_range_parse(a->arena, p, NULL);
}

enum adv_format
advisory_detect(const json_t *root)
{
	const json_t *doc;

	if (!json_is_object(root))
		return ADV_FORMAT_AUTO;
	if (json_object_get(root, "rampart_advisory") != NULL)
		return ADV_FORMAT_NATIVE;
	doc = rpjson_object(root, "document");
	if (doc != NULL && json_object_get(doc, "csaf_version") != NULL)
		return ADV_FORMAT_CSAF;
	if (rpjson_str(root, "id") != NULL &&
	    (json_object_get(root, "schema_version") != NULL ||
		json_object_get(root, "affected") != NULL ||
		json_object_get(root, "modified") != NULL))
		return ADV_FORMAT_OSV;
	if (doc != NULL)
		return ADV_FORMAT_CSAF; /* CSAF without csaf_version: warn */
	return ADV_FORMAT_AUTO;
}

int
advisory_read_json(const json_t *root, enum adv_format fmt,
    struct advisory **out, struct rp_diags *d)
{
	struct advisory *a = NULL;
	int r;

	*out = NULL;
	if (fmt == ADV_FORMAT_AUTO)
		fmt = advisory_detect(root);
	switch (fmt) {
	case ADV_FORMAT_CSAF:
		r = csaf_read(root, &a, d);
		break;
	case ADV_FORMAT_OSV:
		r = osv_read(root, &a, d);
		break;
	case ADV_FORMAT_NATIVE:
		r = native_advisory_read(root, &a, d);
		break;
	default:
		rp_diags_add(d, RP_DIAG_ERROR, NULL, "",
		    "not an advisory: expected a CSAF 2.0 document "
		    "(/document/csaf_version), an OSV record (/id and "
		    "/affected) or a native advisory (/rampart_advisory)");
		return RP_ERR_INVALID;
	}
	/* every format gets the fast product lookup, whoever read it */
	if (r == 0 && a->by_id == NULL && (r = advisory_index_products(a)) != 0)
		advisory_free(a);
	else if (r == 0)
		*out = a;
	return r;
}

int
advisory_read_file(const char *path, enum adv_format fmt, struct advisory **out,
    struct rp_diags *d)
{
	json_t *root;
	int r;

	*out = NULL;
	if ((r = rpjson_load(path, RP_CAP_ADVISORY, &root, d)) != 0)
		return r;
	r = advisory_read_json(root, fmt, out, d);
	json_decref(root);
	return r;
}

static int
product_cmp(const void *x, const void *y)
{
	const struct adv_product *const *p = x, *const *q = y;

	return strcmp((*p)->id, (*q)->id);
}

int
advisory_index_products(struct advisory *a)
{
	struct adv_product **v;
	size_t i;

	a->by_id = NULL;
	if (a->nproducts == 0)
		return 0;
	if ((v = rp_arena_calloc(a->arena, a->nproducts, sizeof(*v))) == NULL)
		return RP_ERR_NOMEM;
	for (i = 0; i < a->nproducts; i++)
		v[i] = &a->products[i];
	qsort(v, a->nproducts, sizeof(*v), product_cmp);
	a->by_id = v;
	return 0;
}

const struct adv_product *
advisory_product(const struct advisory *a, const char *id)
{
	size_t i, lo, hi, mid;
	int c;

	if (id == NULL)
		return NULL;
	if (a->by_id != NULL) {
		lo = 0;
		hi = a->nproducts;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if ((c = strcmp(id, a->by_id[mid]->id)) == 0)
				return a->by_id[mid];
			if (c < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
		return NULL;
	}
	for (i = 0; i < a->nproducts; i++) {
		if (strcmp(a->products[i].id, id) == 0)
			return &a->products[i];
	}
	return NULL;
}

static int
name_index(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(names[i], name) == 0)
			return (int)i;
	}
	return -1;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *
adv_status_name(enum adv_status s)
{
	return (unsigned)s < ADV_STATUS_COUNT ? status_names[s] : "?";
}

const char *
adv_rem_category_name(enum adv_rem_category c)
{
	return (unsigned)c < NELEM(rem_names) ? rem_names[c] : "?";
}

const char *
adv_ioc_type_name(enum adv_ioc_type t)
{
	return (unsigned)t < NELEM(ioc_names) ? ioc_names[t] : "?";
}

int
adv_rem_category_from_name(const char *name, enum adv_rem_category *out)
{
	int i = name_index(rem_names, NELEM(rem_names), name);

	if (i < 0)
		return RP_ERR_NOTFOUND;
	*out = (enum adv_rem_category)i;
	return 0;
}

int
adv_ioc_type_from_name(const char *name, enum adv_ioc_type *out)
{
	int i = name_index(ioc_names, NELEM(ioc_names), name);

	if (i < 0)
		return RP_ERR_NOTFOUND;
	*out = (enum adv_ioc_type)i;
	return 0;
}
