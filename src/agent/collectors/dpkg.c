/* Placeholder until the dpkg collector lands. */
#include "collectors/collectors.h"
#include "util/err.h"

int
collect_dpkg(const char *root, struct inv_host *h, struct rp_diags *d)
{
	return RP_ERR_NOTFOUND;
}

int
dpkg_status_parse(const char *buf, size_t len, const char *name,
    struct inv_host *h, struct rp_diags *d)
{
	return RP_ERR_UNSUPPORTED;
}
