/*
 * Fuzzes inventory reading with CycloneDX in mind: load, read, and for an
 * accepted BOM write each host back as CycloneDX 1.5 and read it again;
 * the host must come back unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/inventory.h"
#include "json/rpjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
host_eq(const struct inv_host *a, const struct inv_host *b)
{
	const struct inv_software *x, *y;
	size_t i;

	if (!str_eq(a->name, b->name) || !str_eq(a->id, b->id) ||
	    !str_eq(a->os, b->os) || !str_eq(a->os_version, b->os_version) ||
	    !str_eq(a->arch, b->arch) || !str_eq(a->customer, b->customer) ||
	    a->nsw != b->nsw)
		return 0;
	for (i = 0; i < a->nsw; i++) {
		x = &a->sw[i];
		y = &b->sw[i];
		if (!str_eq(x->name, y->name) ||
		    !str_eq(x->vendor, y->vendor) ||
		    !str_eq(x->version, y->version) || x->scheme != y->scheme ||
		    x->source != y->source || !str_eq(x->arch, y->arch) ||
		    !str_eq(x->path, y->path) || !str_eq(x->purl, y->purl) ||
		    !str_eq(x->cpe, y->cpe) ||
		    !str_eq(x->bundle_id, y->bundle_id))
			return 0;
	}
	return 1;
}

/* Writes h as CycloneDX, reads it back, and checks it is the same. */
static void
round_trip(const struct inv_host *h, struct rp_diags *d)
{
	struct inv_host *back = NULL;
	json_t *bom, *again = NULL;
	char *s = NULL;

	if ((bom = cyclonedx_write(h)) == NULL ||
	    (s = json_dumps(bom, JSON_COMPACT)) == NULL)
		goto out;
	if ((again = rpjson_load_buf(s, strlen(s), d)) == NULL ||
	    cyclonedx_read(again, &back, d) != 0 || !host_eq(h, back))
		abort();
out:
	inv_host_free(back);
	json_decref(again);
	free(s);
	json_decref(bom);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_diags *d;
	struct inv_set *set;
	json_t *root;
	size_t i;

	if ((d = rp_diags_new()) == NULL || (set = inv_set_new()) == NULL) {
		rp_diags_free(d);
		return 0;
	}
	if ((root = rpjson_load_buf(data, size, d)) != NULL &&
	    inventory_read_json(root, set, d) == 0) {
		for (i = 0; i < set->n; i++)
			round_trip(set->hosts[i], d);
	}
	json_decref(root);
	inv_set_free(set);
	rp_diags_free(d);
	return 0;
}
