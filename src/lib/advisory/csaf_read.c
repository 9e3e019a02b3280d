/* CSAF 2.0 reader (placeholder until the reader lands). */
#include "advisory.h"
#include "util/err.h"

int
csaf_read(const json_t *root, struct advisory **out, struct rp_diags *d)
{
	*out = NULL;
	rp_diags_add(
	    d, RP_DIAG_ERROR, NULL, "", "CSAF reading is not built yet");
	return RP_ERR_UNSUPPORTED;
}
