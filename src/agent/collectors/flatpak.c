/* Placeholder until the flatpak collector lands. */
#include "collectors/collectors.h"
#include "util/err.h"

int
collect_flatpak(const char *root, struct inv_host *h, struct rp_diags *d)
{
	return RP_ERR_NOTFOUND;
}
