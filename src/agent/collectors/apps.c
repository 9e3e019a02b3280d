/* Placeholder until the apps collector lands. */
#include "collectors/collectors.h"
#include "util/err.h"

int
collect_apps(const char *root, struct inv_host *h, struct rp_diags *d)
{
	return RP_ERR_NOTFOUND;
}

int
app_plist_parse(const char *buf, size_t len, const char *bundle_path,
    struct inv_host *h, struct rp_diags *d)
{
	return RP_ERR_UNSUPPORTED;
}
