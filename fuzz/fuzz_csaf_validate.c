/* Fuzz target: CSAF 2.0 validation of arbitrary JSON. */
#include <stddef.h>
#include <stdint.h>

#include "advisory/advisory.h"
#include "json/rpjson.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_diags *d = rp_diags_new();
	json_t *root;

	if (d == NULL)
		return 0;
	if ((root = rpjson_load_buf(data, size, d)) != NULL) {
		(void)csaf_validate(root, d);
		json_decref(root);
	}
	rp_diags_free(d);
	return 0;
}
