/*
 * Reading an inventory file: load the JSON (bounded), tell CycloneDX from
 * Rampart's native form by their marker keys, and hand it to that reader.
 */
#include <string.h>

#include "entry.h"
#include "inventory.h"
#include "json/rpjson.h"
#include "util/err.h"

/* file: what names a CycloneDX software list without a serial number. */
static int
read_json(const json_t *root, const char *file, struct inv_set *set,
    struct rp_diags *d)
{
	struct inv_host *h = NULL;
	int r = RP_ERR_INTERNAL;

	if (!json_is_object(root)) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, "",
		    "expected an inventory object (a CycloneDX BOM or a "
		    "Rampart inventory), got %s",
		    rpjson_type_name(root));
		r = RP_ERR_INVALID;
	} else if (json_object_get(root, "bomFormat") != NULL) {
		if ((r = cyclonedx_read_named(root, file, &h, d)) == 0)
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
inventory_read_json(const json_t *root, struct inv_set *set, struct rp_diags *d)
{
	return read_json(root, NULL, set, d);
}

int
inventory_read_file(const char *path, struct inv_set *set, struct rp_diags *d)
{
	const char *base = strrchr(path, '/');
	json_t *root = NULL;
	int r = RP_ERR_INTERNAL;

	/* The load tells "no such file" from "not JSON". */
	if ((r = rpjson_load(path, RP_CAP_INVENTORY, &root, d)) != 0)
		goto out;
	base = base != NULL ? base + 1 : path;
	r = read_json(root, strcmp(path, "-") == 0 ? "stdin" : base, set, d);
out:
	json_decref(root);
	return r;
}
