/* Inventory file reading (placeholder until the readers land). */
#include "inventory.h"
#include "util/err.h"

int
inventory_read_file(const char *path, struct inv_set *set, struct rp_diags *d)
{
	rp_diags_add(
	    d, RP_DIAG_ERROR, NULL, NULL, "inventory reading is not built yet");
	return RP_ERR_UNSUPPORTED;
}
