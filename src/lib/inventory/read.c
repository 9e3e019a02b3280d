/*
 * Reading an inventory file: load the JSON (bounded), tell CycloneDX from
 * Rampart's native form by their marker keys, and hand it to that reader.
 */
#include <string.h>
#include <unistd.h>

#include "entry.h"
#include "inventory.h"
#include "json/rpjson.h"
#include "util/err.h"

int
inventory_read_json(const json_t *root, struct inv_set *set, struct rp_diags *d)
{
	struct inv_host *h = NULL;
	int r = RP_ERR_INTERNAL;

	if (!json_is_object(root)) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, "",
		    "expected an inventory object (a CycloneDX BOM or a "
		    "Rampart inventory), got %s",
		    inv_json_type(root));
		r = RP_ERR_INVALID;
	} else if (json_object_get(root, "bomFormat") != NULL) {
		if ((r = cyclonedx_read(root, &h, d)) == 0)
			r = inv_set_take(set, h);
	} else if (json_object_get(root, "rampart_inventory") != NULL)
		r = inv_native_read(root, set, d);
	else {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, "",
		    "not an inventory: expected \"bomFormat\": \"CycloneDX\" "
		    "or \"rampart_inventory\": 1");
		r = RP_ERR_INVALID;
	}
	return r;
}

int
inventory_read_file(const char *path, struct inv_set *set, struct rp_diags *d)
{
	json_t *root = NULL;
	int r = RP_ERR_INTERNAL;

	/* Tell "cannot open" (RP_ERR_IO) from "not JSON" (RP_ERR_INVALID). */
	if (strcmp(path, "-") != 0 && access(path, R_OK) != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "cannot open: %m");
		r = RP_ERR_IO;
		goto out;
	}
	if ((root = rpjson_load_file(path, RP_CAP_INVENTORY, d)) == NULL) {
		r = RP_ERR_INVALID;
		goto out;
	}
	r = inventory_read_json(root, set, d);
out:
	json_decref(root);
	return r;
}
