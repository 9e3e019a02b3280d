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
		if (!inv_host_equal(set->hosts[i], back->hosts[i]))
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
