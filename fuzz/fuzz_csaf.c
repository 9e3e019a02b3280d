/* Fuzzes the CSAF reader: JSON parsing, then csaf_read over the model. */
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
	struct advisory *a = NULL;
	json_t *root;

	if (d == NULL)
		return 0;
	if ((root = rpjson_load_buf(data, size, d)) != NULL) {
		if (csaf_read(root, &a, d) == 0 && a != NULL)
			(void)advisory_product(a, "CSAFPID-0001");
		advisory_free(a);
		json_decref(root);
	}
	rp_diags_free(d);
	return 0;
}
