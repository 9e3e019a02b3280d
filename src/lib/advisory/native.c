/* Native advisory reader (placeholder until the reader lands). */
#include "advisory.h"
#include "util/err.h"

int
native_advisory_read(
    const json_t *root, struct advisory **out, struct rp_diags *d)
{
	*out = NULL;
	rp_diags_add(
	    d, RP_DIAG_ERROR, NULL, "", "native advisories are not built yet");
	return RP_ERR_UNSUPPORTED;
}
