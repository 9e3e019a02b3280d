/* CSAF 2.0 validator (placeholder until the validator lands). */
#include "advisory.h"
#include "util/err.h"

int
csaf_validate(const json_t *root, struct rp_diags *d)
{
	rp_diags_add(
	    d, RP_DIAG_ERROR, NULL, "", "CSAF validation is not built yet");
	return RP_ERR_UNSUPPORTED;
}
