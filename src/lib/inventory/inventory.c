/* Inventory model (placeholder until the model lands). */
#include "inventory.h"
#include "util/err.h"

struct inv_set *
inv_set_new(void)
{
	return NULL;
}

void
inv_set_free(struct inv_set *s)
{
}

int
inventory_read_file(const char *path, struct inv_set *set, struct rp_diags *d)
{
	return RP_ERR_UNSUPPORTED;
}
