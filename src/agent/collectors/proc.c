/* Placeholder until the process and connection collectors land. */
#include "collectors/collectors.h"
#include "util/err.h"

int
collect_processes(struct inv_host *h, struct rp_diags *d)
{
	return RP_ERR_NOTFOUND;
}

int
collect_connections(struct inv_host *h, struct rp_diags *d)
{
	return RP_ERR_NOTFOUND;
}
