/*
 * The check shared by the collector fuzz targets: a host a parser built
 * must write as native JSON and read back as the same host, so nothing a
 * collector stores can make an inventory unreadable.  Included by one
 * target each.
 */
#ifndef RP_FUZZ_INVENTORY_H
#define RP_FUZZ_INVENTORY_H

#include <stdlib.h>
#include <string.h>

#include "inventory/inventory.h"
#include "json/rpjson.h"

/* Writes h as native JSON, reads it back, and aborts if it differs. */
static void
round_trip(struct inv_host *h, struct rp_diags *d)
{
	const struct inv_host *hv[1] = {h};
	struct inv_set *set = inv_set_new();
	json_t *j, *again = NULL;
	char *s = NULL;

	if (set == NULL || inv_host_set(h, "fuzz", NULL, NULL, NULL) != 0 ||
	    (j = inv_native_write(hv, 1)) == NULL)
		goto out;
	if ((s = json_dumps(j, JSON_COMPACT)) != NULL &&
	    ((again = rpjson_load_buf(s, strlen(s), d)) == NULL ||
		inv_native_read(again, set, d) != 0 || set->n != 1 ||
		!inv_host_equal(h, set->hosts[0])))
		abort();
	json_decref(j);
out:
	json_decref(again);
	free(s);
	inv_set_free(set);
}

#endif
