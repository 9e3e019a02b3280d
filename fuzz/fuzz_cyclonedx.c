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
	    cyclonedx_read(again, &back, d) != 0 || !inv_host_equal(h, back))
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
