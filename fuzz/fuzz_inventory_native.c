/*
 * Fuzzes inventory reading with the native form in mind: load, read, and
 * for an accepted file write all hosts back as native JSON and read them
 * again; every host must come back unchanged.
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

static void
round_trip(const struct inv_set *set, struct rp_diags *d)
{
	struct inv_set *back = NULL;
	json_t *j, *again = NULL;
	char *s = NULL;
	size_t i;

	if ((j = inv_native_write(
		 (const struct inv_host *const *)set->hosts, set->n)) == NULL ||
	    (s = json_dumps(j, JSON_COMPACT)) == NULL ||
	    (back = inv_set_new()) == NULL)
		goto out;
	if ((again = rpjson_load_buf(s, strlen(s), d)) == NULL ||
	    inv_native_read(again, back, d) != 0 || back->n != set->n)
		abort();
	for (i = 0; i < set->n; i++) {
		if (!host_eq(set->hosts[i], back->hosts[i]))
			abort();
	}
out:
	inv_set_free(back);
	json_decref(again);
	free(s);
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_diags *d;
	struct inv_set *set;
	json_t *root;

	if ((d = rp_diags_new()) == NULL || (set = inv_set_new()) == NULL) {
		rp_diags_free(d);
		return 0;
	}
	if ((root = rpjson_load_buf(data, size, d)) != NULL &&
	    inventory_read_json(root, set, d) == 0)
		round_trip(set, d);
	json_decref(root);
	inv_set_free(set);
	rp_diags_free(d);
	return 0;
}
